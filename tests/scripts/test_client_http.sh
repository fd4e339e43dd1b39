#!/usr/bin/env bash
# meshpanel's Kubernetes client against the test API server (HTTPS since
# credentials go over TLS only, issue 12; test_hardening_client.sh covers
# plain HTTP): pagination, label selectors, 403 for a tenant, 429 retry, metadata-only
# Secrets, server-side apply / dry run / diff, 409 conflicts, watch resume
# after dropped streams and relist after 410 Gone.
set -u
. "$(dirname "$0")/test_client_lib.bash"

ST="$WORK/main"
start_server "$ST" --generate 2500 --tenant-token tenant-one-token=ns-tenant-00001
KC="$ST/kubeconfig"
TKC="$ST/kubeconfig-ns-tenant-00001"
echo "# server at $URL"

api POST /_test/seed "$(
    cat <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: ns-web}
---
apiVersion: v1
kind: Secret
metadata: {name: web-tls, namespace: ns-web, labels: {app: web}}
type: kubernetes.io/tls
data: {tls.crt: c2VjcmV0LWNlcnQtYnl0ZXM=, tls.key: c2VjcmV0LWtleS1ieXRlcw==}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: ns-web, labels: {app: web, tier: front}}
spec:
  ingressClassName: nginx
  tls: [{hosts: [web.example.com], secretName: web-tls}]
  rules:
  - host: web.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: api, namespace: ns-web, labels: {app: api}}
spec:
  rules:
  - host: api.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}]}
YAML
)" application/yaml >/dev/null

# ---- pagination: 2,500 Ingresses in pages of 500 ---------------------------
reset_requests
mp get ingresses -A -o name --kubeconfig "$KC" -l app!=web,app!=api
check_eq "get -A: exit 0" "$RC" 0
check_eq "get -A: 2,500 objects" "$(wc -l <<<"$OUT")" 2500
check_eq "get -A: 2,500 distinct names" "$(sort -u <<<"$OUT" | wc -l)" 2500
out=$(pyq '
lists = [r for r in reqs if r["path"] == "/apis/networking.k8s.io/v1/ingresses"]
assert len(lists) == 5, [r["query"] for r in lists]
assert all(r["params"].get("limit") == "500" for r in lists)
assert "continue" not in lists[0]["params"] and all(r["params"].get("continue") for r in lists[1:])
assert all(r["params"].get("labelSelector") == "app!=web,app!=api" for r in lists)
assert all(r["user_agent"].startswith("meshpanel/") for r in lists)
print("OK")')
check "get -A: 5 list requests, limit=500, continue tokens, selector, user agent" "$out" '^OK$'

mp get ing -A --kubeconfig "$KC" -o json
check "get -A -o json: a List of 2,502 items" "$(python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["kind"] == "List" and len(d["items"]) == 2502, len(d["items"])
i = d["items"][0]
assert i["apiVersion"] == "networking.k8s.io/v1" and i["kind"] == "Ingress"
assert "managedFields" not in i["metadata"]
print("OK")' <<<"$OUT" 2>&1)" '^OK$'

# ---- tables and selectors --------------------------------------------------
mp get ing -n ns-web --kubeconfig "$KC"
check "get ing -n: header" "$OUT" '^NAME +CLASS +HOSTS +TLS +AGE$'
check "get ing -n: web row (class, host, TLS secret)" "$OUT" '^web +nginx +web\.example\.com +web-tls +[0-9]+s$'
check "get ing -n: api row without class or TLS" "$OUT" '^api +<none> +api\.example\.com +<none> +[0-9]+s$'
mp get ing -n ns-web -l tier=front -o wide --kubeconfig "$KC"
check "get -l tier=front -o wide: only web, with services" "$OUT" '^web +nginx +web\.example\.com +web-tls +80, 443 +web +[0-9]+s$'
check_not "get -l tier=front: api filtered out" "$OUT" '^api '
mp get ing -n ns-empty --kubeconfig "$KC"
check "get in an empty namespace: kubectl's message" "$ERR" '^No resources found in ns-empty namespace\.$'

# ---- tenants ----------------------------------------------------------------
mp get tenants --kubeconfig "$KC" -o name --tenant-prefix ns-tenant-
check_eq "get tenants (admin): every generated tenant" "$(wc -l <<<"$OUT")" 500
mp get ns --kubeconfig "$KC" -o name
check "get ns: default prefix ns- keeps ns-web" "$OUT" 'Namespace/ns-web'
check_not "get ns: default prefix drops kube-system/default" "$OUT" 'Namespace/(default|kube-system)$'
mkdir -p "$HOME/.config/meshpanel"
echo 'tenantPrefix: ns-tenant-0000' >"$HOME/.config/meshpanel/config.yaml"
mp get tenants --kubeconfig "$KC" -o name
check_eq "get tenants: prefix from config.yaml (ns-tenant-00001..9)" "$(wc -l <<<"$OUT")" 9
rm -r "$HOME/.config"
mp get tenants --kubeconfig "$TKC"
check_eq "get tenants (tenant token): exit 0" "$RC" 0
check "get tenants (tenant token): falls back to its namespace" "$OUT" '^ns-tenant-00001 '
check "get tenants (tenant token): says why" "$ERR" 'cannot be listed with context "ns-tenant-00001"'

# ---- 403 for a tenant outside its namespace ---------------------------------
mp get vs -n ns-tenant-00002 --kubeconfig "$TKC"
check_eq "tenant outside its namespace: exit 2" "$RC" 2
check "403 names verb, resource and namespace" "$ERR" '^meshpanel get: list virtualservices\.networking\.istio\.io in namespace "ns-tenant-00002": forbidden \(403\)'
check_eq "403: one line" "$(wc -l <<<"$ERR")" 1
check_not "403: the token never appears" "$ERR" 'tenant-one-token'
mp get ing --kubeconfig "$TKC"
check "tenant in its own namespace: rows" "$OUT" '^ing-00001 '

# ---- 429: reads retried, honouring Retry-After -------------------------------
reset_requests
faults '{"throttle": 2}'
mp get ing -n ns-tenant-00002 --kubeconfig "$KC" -o name
check_eq "429 x2 then 200: exit 0" "$RC" 0
check_eq "429 x2 then 200: all 5 objects" "$(wc -l <<<"$OUT")" 5
check "429: three list requests, two throttled" "$(pyq '
codes = [r["code"] for r in reqs if r["path"].endswith("/namespaces/ns-tenant-00002/ingresses")]
assert codes == [429, 429, 200], codes
print("OK")')" '^OK$'

# ---- Secrets: metadata only, always ------------------------------------------
reset_requests
mp get secrets -n ns-web -o yaml --kubeconfig "$KC"
check "secrets -o yaml: the secret is listed" "$OUT$ERR" 'name: web-tls'
check_not "secrets -o yaml: no data" "$OUT" 'c2VjcmV0|^ *data:|tls\.crt'
mp get secret web-tls -n ns-web -o json --kubeconfig "$KC"
check "get secret NAME: metadata" "$OUT" '"name": "web-tls"'
check_not "get secret NAME: no data" "$OUT" 'c2VjcmV0|"data"'
mp get secrets -n ns-web --watch --max-events 1 --kubeconfig "$KC"
check "watch secrets: an event" "$OUT" '^ADDED ns-web/web-tls '
check "server never saw a Secret request without the metadata Accept" "$(pyq '
sec = [r for r in reqs if "/secrets" in r["path"]]
assert len(sec) >= 3, len(sec)
bad = [r for r in sec if "as=PartialObjectMetadata" not in r["accept"]]
assert not bad, bad
print("OK")')" '^OK$'

# ---- server-side apply, dry run, diff, 409 ------------------------------------
cat >"$WORK/vs.yaml" <<'YAML'
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, labels: {app: web}}
spec:
  hosts: [web.example.com]
  gateways: [istio-system/sealos-gateway]
  http:
  - route:
    - destination: {host: web, port: {number: 80}}
YAML
reset_requests
mp apply -f "$WORK/vs.yaml" -n ns-web --dry-run=server --kubeconfig "$KC"
check_eq "apply --dry-run=server: exit 0" "$RC" 0
check_eq "apply --dry-run=server: kubectl-style line" "$OUT" "virtualservice.networking.istio.io/web serverside-applied (server dry run)"
check "dry run: nothing stored, apply-patch+yaml with fieldManager and dryRun=All" "$(pyq '
vs = [i for i in state["items"] if i["kind"] == "VirtualService" and i["metadata"]["name"] == "web"]
assert not vs, vs
p = [r for r in reqs if r["method"] == "PATCH"]
assert len(p) == 1 and p[0]["content_type"] == "application/apply-patch+yaml", p
assert p[0]["params"] == {"fieldManager": "meshpanel", "dryRun": "All"}, p[0]["params"]
print("OK")')" '^OK$'
mp diff -f "$WORK/vs.yaml" -n ns-web --kubeconfig "$KC"
check_eq "diff against nothing: exit 1" "$RC" 1
check "diff: new object as additions" "$OUT" '^\+  - web\.example\.com$'
check_not "diff: server bookkeeping stripped" "$OUT" 'resourceVersion|managedFields|uid:|creationTimestamp|generation'
mp apply -f "$WORK/vs.yaml" -n ns-web --kubeconfig "$KC"
check_eq "apply: kubectl-style line" "$OUT" "virtualservice.networking.istio.io/web serverside-applied"
check "apply: stored; a dry-run pass then the real apply, fieldManager=meshpanel, no force" "$(pyq '
vs = [i for i in state["items"] if i["kind"] == "VirtualService" and i["metadata"]["name"] == "web"]
assert len(vs) == 1 and vs[0]["spec"]["hosts"] == ["web.example.com"], vs
p = [r["params"] for r in reqs if r["method"] == "PATCH"]
assert p[-2:] == [{"fieldManager": "meshpanel", "dryRun": "All"}, {"fieldManager": "meshpanel"}], p
print("OK")')" '^OK$'
mp diff -f "$WORK/vs.yaml" -n ns-web --kubeconfig "$KC"
check_eq "diff after apply: exit 0, no output" "$RC:$OUT" "0:"
sed -i 's/web\.example\.com/www.example.com/' "$WORK/vs.yaml"
mp diff -f "$WORK/vs.yaml" -n ns-web --kubeconfig "$KC"
check_eq "diff of a change: exit 1" "$RC" 1
check "diff of a change: the host line" "$OUT" $'^-  - web\\.example\\.com$'
mp get vs web -n ns-web --kubeconfig "$KC"
check "diff changed nothing" "$OUT" '^web +istio-system/sealos-gateway +web\.example\.com '

# another manager owns spec.hosts: a plain apply is a 409, --force-conflicts wins
api PATCH "/apis/networking.istio.io/v1/namespaces/ns-web/virtualservices/web?fieldManager=other-tool&force=true" \
    '{"apiVersion":"networking.istio.io/v1","kind":"VirtualService","metadata":{"name":"web","namespace":"ns-web"},"spec":{"hosts":["other.example.com"]}}' \
    application/apply-patch+yaml >/dev/null
mp apply -f "$WORK/vs.yaml" -n ns-web --kubeconfig "$KC"
check_eq "conflicting apply: exit 2" "$RC" 2
check "conflicting apply: 409 surfaced on one line" "$ERR" '^meshpanel apply: apply virtualservices\.networking\.istio\.io "web" in namespace "ns-web": conflict \(409\): .*other-tool'
mp apply -f "$WORK/vs.yaml" -n ns-web --force-conflicts --kubeconfig "$KC"
check_eq "apply --force-conflicts: exit 0" "$RC" 0
mp get vs web -n ns-web -o json --kubeconfig "$KC"
check "apply --force-conflicts: host taken over" "$OUT" '"www\.example\.com"'

# a file with one invalid object changes nothing (dry run first)
cat >"$WORK/two.yaml" <<'YAML'
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: good-gw, namespace: ns-web}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [a.example.com]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bad-vs, namespace: ns-web}
spec:
  hosts: [b.example.com]
  http: [{timeout: 0.5ms, route: [{destination: {host: b}}]}]
YAML
mp apply -f "$WORK/two.yaml" --kubeconfig "$KC"
check_eq "invalid object in a file: exit 2" "$RC" 2
check "invalid object: 422 with the field" "$ERR" 'invalid \(422\): .*spec\.http\[0\]\.timeout'
check "invalid object: the valid one was not written either" "$(pyq '
assert not [i for i in state["items"] if i["metadata"]["name"] == "good-gw"]
print("OK")')" '^OK$'

# ---- watch: resume after dropped streams --------------------------------------
reset_requests
faults '{"drop_watch_after": 2}'
timeout 60 "$MESHPANEL" get ing -n ns-web --watch --max-events 7 --kubeconfig "$KC" >"$WORK/watch.out" 2>"$WORK/watch.err" &
WPID=$!
for _ in $(seq 100); do # the initial list (web, api) printed: the watch is next
    [ "$(grep -c '^ADDED' "$WORK/watch.out" 2>/dev/null)" -ge 2 ] && break
    sleep 0.1
done
sleep 0.3
for i in 1 2 3 4 5; do
    api POST /apis/networking.k8s.io/v1/namespaces/ns-web/ingresses \
        "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{\"name\":\"w$i\"},\"spec\":{\"rules\":[{\"host\":\"w$i.example.com\"}]}}" >/dev/null
    sleep 0.1
done
wait "$WPID"
check_eq "watch: exit 0 after --max-events" "$?" 0
out=$(cat "$WORK/watch.out")
check_eq "watch: 2 listed + 5 watched, each once" "$(awk '{print $1, $2}' <<<"$out" | sort | tr '\n' ' ')" \
    "ADDED ns-web/api ADDED ns-web/w1 ADDED ns-web/w2 ADDED ns-web/w3 ADDED ns-web/w4 ADDED ns-web/w5 ADDED ns-web/web "
check "watch: resumed from the last resourceVersion, never relisted" "$(pyq '
path = "/apis/networking.k8s.io/v1/namespaces/ns-web/ingresses"
lists = [r for r in reqs if r["method"] == "GET" and r["path"] == path and "watch" not in r["params"]]
watches = [r for r in reqs if r["path"] == path and r["params"].get("watch") in ("1", "true")]
assert len(lists) == 1, lists
assert len(watches) >= 3, len(watches)
rvs = [int(w["params"]["resourceVersion"]) for w in watches]
assert rvs == sorted(rvs) and len(set(rvs)) == len(rvs), rvs
assert all(w["params"].get("allowWatchBookmarks") == "true" for w in watches)
print("OK")')" '^OK$'
faults '{"drop_watch_after": 0}'

# ---- watch: 410 Gone -> relist --------------------------------------------------
ST2="$WORK/short-history"
start_server "$ST2" --history 3
api POST /_test/seed "$(
    cat <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: ns-r}
YAML
)" application/yaml >/dev/null
for i in 1 2 3 4 5 6; do
    api POST /apis/networking.istio.io/v1/namespaces/ns-r/gateways \
        "{\"apiVersion\":\"networking.istio.io/v1\",\"kind\":\"Gateway\",\"metadata\":{\"name\":\"g$i\"},\"spec\":{\"servers\":[]}}" >/dev/null
done
reset_requests
mp get gw -n ns-r --watch --resource-version 1 --max-events 6 --kubeconfig "$ST2/kubeconfig"
check_eq "410: exit 0" "$RC" 0
check "410: the watch relisted" "$OUT" '^RELIST$'
check_eq "410: every object once after the relist" "$(grep -c '^ADDED ns-r/g[1-6] ' <<<"$OUT")" 6
check "410: the watch from rv 1 was answered with 410, then a list" "$(pyq '
path = "/apis/networking.istio.io/v1/namespaces/ns-r/gateways"
seq = [("watch" if r["params"].get("watch") else "list", r["params"].get("resourceVersion")) for r in reqs if r["path"] == path]
assert seq[:2] == [("watch", "1"), ("list", None)], seq
print("OK")')" '^OK$'

finish
