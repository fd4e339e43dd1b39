#!/usr/bin/env bash
# Conformance of the test API server (tests/apiserver) against the real kubectl.
# If kubectl and the server disagree, the server is wrong.
#
# Starts the server over HTTPS (kubectl sends credentials only over TLS) with the
# seed in tests/data/apiserver, drives kubectl with the kubeconfigs the server
# writes, and asserts on what kubectl prints. Every kubectl call is bounded.
set -u
SRC=${SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
DATA="$SRC/tests/data/apiserver"
SERVER="$SRC/tests/apiserver/server.py"
command -v kubectl >/dev/null || { echo "FAIL: kubectl not found on PATH"; exit 1; }

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT
# kubectl caches discovery under $HOME/.kube: keep it private to this run
export HOME="$WORK/home"
mkdir -p "$HOME"
unset KUBECONFIG

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   - $1"; }
bad() {
    fail=$((fail + 1))
    echo "FAIL - $1"
    shift
    for line in "$@"; do printf '       | %s\n' "$line"; done
}
# check DESC OUTPUT REGEX: OUTPUT must match the extended regex
check() {
    if grep -Eq -- "$3" <<<"$2"; then ok "$1"; else bad "$1" "expected /$3/ in:" "$2"; fi
}
# check_not DESC OUTPUT REGEX
check_not() {
    if grep -Eq -- "$3" <<<"$2"; then bad "$1" "unexpected /$3/ in:" "$2"; else ok "$1"; fi
}
check_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "expected: $3" "got:      $2"; fi
}

# start_server STATE_DIR ARGS... -> sets URL; the server's pid joins PIDS
start_server() {
    local dir=$1
    shift
    mkdir -p "$dir"
    python3 "$SERVER" --state-dir "$dir" "$@" >"$dir/stdout" 2>"$dir/stderr" &
    PIDS+=($!)
    for _ in $(seq 100); do
        grep -q '^listening ' "$dir/stdout" 2>/dev/null && break
        sleep 0.1
    done
    URL=$(sed -n 's/^listening //p' "$dir/stdout")
    if [ -z "$URL" ]; then
        echo "FAIL: server did not start"
        cat "$dir/stderr"
        exit 1
    fi
}

ST="$WORK/https"
start_server "$ST" --https --seed "$DATA/seed.yaml" --tenant-token alice-token=ns-x --tenant-token bob-token=ns-y
KC="$ST/kubeconfig"
k() { timeout 20 kubectl --kubeconfig "$KC" "$@" 2>&1; }
# server state straight from the admin endpoint (CA-verified, admin token)
state() { curl -sS --cacert "$ST/ca.crt" -H "Authorization: Bearer admin-token" "$URL/_test/state"; }
py() { python3 -c "$1"; }

echo "# server at $URL"

# ---- get: tables, short names, yaml --------------------------------------
out=$(k get ingress -A)
check "get ingress -A: kubectl's Table header" "$out" '^NAMESPACE +NAME +CLASS +HOSTS +ADDRESS +PORTS +AGE$'
check "get ingress -A: ns-x/web row with address and TLS ports" "$out" '^ns-x +web +nginx +web\.cloud\.example\.com +10\.0\.0\.10 +80, 443 +[0-9]+s$'
check "get ingress -A: ns-x/api row without address" "$out" '^ns-x +api +nginx +api\.cloud\.example\.com +80 +[0-9]+s$'
check "get ingress -A: ns-y/shop row" "$out" '^ns-y +shop +nginx +shop\.example\.org +80 +[0-9]+s$'
check_eq "get ingress -A: exactly 3 rows" "$(grep -c '^ns-' <<<"$out")" 3

out=$(k get ingress -A --chunk-size=1 -v=6)
check_eq "get ingress -A --chunk-size=1: 3 paginated list requests" \
    "$(grep -cE 'GET https://[^ ]*/ingresses\?(continue=[^&]+&)?limit=1 200' <<<"$out")" 3
check_eq "get ingress -A --chunk-size=1: every row once" "$(grep -cE '^ns-(x|y) ' <<<"$out")" 3

out=$(k get ingress -n ns-x -o yaml)
check "get ingress -n ns-x -o yaml: parses, List of the namespace's Ingresses with server metadata" "$(py '
import sys, yaml
d = yaml.safe_load(sys.stdin)
assert d["kind"] == "List", d["kind"]
names = sorted(i["metadata"]["name"] for i in d["items"])
assert names == ["api", "web"], names
for i in d["items"]:
    m = i["metadata"]
    assert i["apiVersion"] == "networking.k8s.io/v1" and i["kind"] == "Ingress"
    assert m["namespace"] == "ns-x" and m["uid"] and m["creationTimestamp"] and int(m["resourceVersion"]) > 0
    assert m["generation"] == 1
web = [i for i in d["items"] if i["metadata"]["name"] == "web"][0]
assert web["spec"]["tls"][0]["secretName"] == "web-tls"
assert web["status"]["loadBalancer"]["ingress"][0]["ip"] == "10.0.0.10"
print("OK")' <<<"$out" 2>&1)" '^OK$'

out=$(k get virtualservices -n ns-x -o yaml)
check "get virtualservices -o yaml: served at the preferred version v1" "$(py '
import sys, yaml
d = yaml.safe_load(sys.stdin)
vs = d["items"][0]
assert vs["apiVersion"] == "networking.istio.io/v1", vs["apiVersion"]
assert vs["spec"]["hosts"] == ["web.cloud.example.com"] and vs["spec"]["http"][0]["timeout"] == "30s"
print("OK")' <<<"$out" 2>&1)" '^OK$'
out=$(k get vs -n ns-x)
check "get vs (short name): CRD printer columns" "$out" '^NAME +GATEWAYS +HOSTS +AGE$'
check "get vs: row renders arrays as JSON like kube" "$out" '^web +\["ns-x/ns-x-gateway"\] +\["web\.cloud\.example\.com"\] +[0-9]+s$'
out=$(k get gw -n ns-x)
check "get gw (short name)" "$out" '^ns-x-gateway +[0-9]+s$'
out=$(k get virtualservices.v1alpha3.networking.istio.io web -n ns-x -o jsonpath='{.apiVersion} {.spec.hosts[0]}')
check_eq "same object through v1alpha3" "$out" "networking.istio.io/v1alpha3 web.cloud.example.com"
out=$(k get ing -A -l 'tier in (front,back),tier!=back')
check "get -l with set-based selector" "$out" '^ns-x +web '
check_not "get -l excludes non-matching" "$out" '^ns-x +api '
out=$(k get ing -A --field-selector metadata.namespace=ns-y)
check "get --field-selector metadata.namespace" "$out" '^ns-y +shop '
check_not "get --field-selector excludes other namespaces" "$out" '^ns-x '

out=$(k api-resources)
check "api-resources: ingresses with short name" "$out" '^ingresses +ing +networking\.k8s\.io/v1 +true +Ingress$'
check "api-resources: virtualservices at preferred v1" "$out" '^virtualservices +vs +networking\.istio\.io/v1 +true +VirtualService$'
check "api-resources: authorizationpolicies" "$out" '^authorizationpolicies +ap +security\.istio\.io/v1 +true +AuthorizationPolicy$'

out=$(k get ns)
check "get ns: header" "$out" '^NAME +STATUS +AGE$'
check "get ns: seeded tenant namespaces are Active" "$(grep -E '^ns-(x|y) +Active' <<<"$out" | wc -l)" '^2$'
out=$(k get ingressclass)
check "get ingressclass (cluster-scoped)" "$out" '^nginx +k8s\.io/ingress-nginx +<none> +[0-9]+s$'
out=$(k get svc -n ns-x)
check "get svc: defaulted ClusterIP and ports" "$out" '^web +ClusterIP +10\.96\.[0-9]+\.[0-9]+ +<none> +80/TCP +[0-9]+s$'

# ---- secrets ------------------------------------------------------------
curl -sS --cacert "$ST/ca.crt" -H "Authorization: Bearer admin-token" -X POST "$URL/_test/reset" >/dev/null
out=$(k get secrets -n ns-x)
check "get secrets: Table row" "$out" '^web-tls +kubernetes\.io/tls +2 +[0-9]+s$'
log=$(curl -sS --cacert "$ST/ca.crt" -H "Authorization: Bearer admin-token" "$URL/_test/requests")
check "get secrets: kubectl asked for a Table (request log)" "$(py '
import json, sys
reqs = [r for r in json.load(sys.stdin) if r["path"].endswith("/secrets")]
assert reqs and all("as=Table" in r["accept"] for r in reqs), reqs
print("OK")' <<<"$log" 2>&1)" '^OK$'
out=$(k get secret web-tls -n ns-x -o jsonpath='{.data.tls\.key}')
check_eq "get secret -o jsonpath: full object carries data" "$out" "c2VjcmV0LWtleQ=="

# ---- apply (client side) ------------------------------------------------
cp "$DATA/ingress-new.yaml" "$WORK/blog.yaml"
out=$(k apply -f "$WORK/blog.yaml")
check_eq "apply -f: created" "$out" "ingress.networking.k8s.io/blog created"
rv1=$(k get ingress blog -n ns-x -o jsonpath='{.metadata.resourceVersion}')
out=$(k apply -f "$WORK/blog.yaml")
check_eq "apply -f again: unchanged" "$out" "ingress.networking.k8s.io/blog unchanged"
check_eq "unchanged apply keeps resourceVersion" "$(k get ingress blog -n ns-x -o jsonpath='{.metadata.resourceVersion}')" "$rv1"
sed -i 's/blog.cloud.example.com/blog2.cloud.example.com/; s/"60"/"120"/' "$WORK/blog.yaml"
out=$(k apply -f "$WORK/blog.yaml")
check_eq "apply -f changed: configured (strategic merge patch)" "$out" "ingress.networking.k8s.io/blog configured"
out=$(k get ingress blog -n ns-x -o jsonpath='{.metadata.resourceVersion} {.metadata.generation} {.spec.rules[0].host} {.metadata.annotations.nginx\.ingress\.kubernetes\.io/proxy-read-timeout}')
read -r rv2 gen host ann <<<"$out"
if [ "${rv2:-0}" -gt "$rv1" ]; then ok "apply update bumps resourceVersion ($rv1 -> $rv2)"; else bad "apply update bumps resourceVersion" "$rv1 -> $out"; fi
check_eq "apply update: generation 2, new host and annotation" "$gen $host $ann" "2 blog2.cloud.example.com 120"

# ---- apply --server-side ----------------------------------------------
cp "$DATA/vs-ssa.yaml" "$WORK/vs.yaml"
out=$(k apply --server-side -f "$WORK/vs.yaml")
check_eq "apply --server-side: created" "$out" "virtualservice.networking.istio.io/blog serverside-applied"
sed -i 's/timeout: 15s/timeout: 20s/' "$WORK/vs.yaml"
out=$(k apply --server-side -f "$WORK/vs.yaml")
check_eq "apply --server-side again" "$out" "virtualservice.networking.istio.io/blog serverside-applied"
check_eq "server-side apply updated the field, generation 2" \
    "$(k get vs blog -n ns-x -o jsonpath='{.spec.http[0].timeout} {.metadata.generation}')" "20s 2"
sed -i 's/timeout: 20s/timeout: 25s/' "$WORK/vs.yaml"
out=$(k apply --server-side --field-manager=other -f "$WORK/vs.yaml")
check "apply --server-side by another manager: conflict" "$out" 'Apply failed with 1 conflict: conflict with "kubectl"'
out=$(k apply --server-side --field-manager=other --force-conflicts -f "$WORK/vs.yaml")
check_eq "apply --server-side --force-conflicts" "$out" "virtualservice.networking.istio.io/blog serverside-applied"
check_eq "forced apply took the field" "$(k get vs blog -n ns-x -o jsonpath='{.spec.http[0].timeout}')" "25s"
out=$(k apply --server-side --field-manager=other -f "$DATA/vs-ssa.yaml" --dry-run=server)
check "apply --server-side --dry-run=server" "$out" 'serverside-applied \(server dry run\)'
check_eq "server-side dry run stored nothing" "$(k get vs blog -n ns-x -o jsonpath='{.spec.http[0].timeout}')" "25s"

# ---- diff (server-side dry run under the hood) ---------------------------
sed 's/timeout: 25s/timeout: 35s/' "$WORK/vs.yaml" >"$WORK/vs-diff.yaml"
out=$(KUBECTL_EXTERNAL_DIFF="diff -u" timeout 20 kubectl --kubeconfig "$KC" diff --server-side --field-manager=other -f "$WORK/vs-diff.yaml" 2>&1)
rc=$?
check "diff --server-side: shows the changed field" "$out" '^\+    timeout: 35s$'
check_eq "diff exit status 1 when different" "$rc" 1
out=$(KUBECTL_EXTERNAL_DIFF="diff -u" timeout 20 kubectl --kubeconfig "$KC" diff --server-side --field-manager=other -f "$WORK/vs.yaml" 2>&1)
rc=$?
check_eq "diff exit status 0 when equal" "$rc:$out" "0:"
check_eq "diff stored nothing" "$(k get vs blog -n ns-x -o jsonpath='{.spec.http[0].timeout}')" "25s"

# ---- dry run --------------------------------------------------------------
sed 's/name: blog$/name: dry/' "$DATA/ingress-new.yaml" >"$WORK/dry.yaml"
out=$(k apply --dry-run=server -f "$WORK/dry.yaml")
check_eq "apply --dry-run=server: reported" "$out" "ingress.networking.k8s.io/dry created (server dry run)"
check_not "apply --dry-run=server: nothing stored (/_test/state)" "$(state)" '"name":"dry"'
sed -i 's/blog2.cloud/blog3.cloud/' "$WORK/blog.yaml"
out=$(k apply --dry-run=server -f "$WORK/blog.yaml")
check_eq "apply --dry-run=server of a change" "$out" "ingress.networking.k8s.io/blog configured (server dry run)"
check_eq "dry-run change not stored" "$(k get ingress blog -n ns-x -o jsonpath='{.spec.rules[0].host}')" "blog2.cloud.example.com"
out=$(k delete ingress blog -n ns-x --dry-run=server)
check "delete --dry-run=server" "$out" 'deleted \(server dry run\)'
check "dry-run delete kept the object" "$(k get ingress blog -n ns-x -o name)" '^ingress\.networking\.k8s\.io/blog$'

# ---- patch, label, replace ------------------------------------------------
out=$(k patch vs web -n ns-x --type=merge -p '{"spec":{"hosts":["web.cloud.example.com","www.cloud.example.com"]}}')
check_eq "patch --type=merge on a CRD" "$out" "virtualservice.networking.istio.io/web patched"
out=$(k patch vs web -n ns-x --type=json -p '[{"op":"replace","path":"/spec/http/0/timeout","value":"45s"}]')
check_eq "patch --type=json" "$out" "virtualservice.networking.istio.io/web patched"
check_eq "patches applied" "$(k get vs web -n ns-x -o jsonpath='{.spec.hosts[1]} {.spec.http[0].timeout}')" "www.cloud.example.com 45s"
out=$(k patch vs web -n ns-x --type=json -p '[{"op":"replace","path":"/spec/http/0/timeout","value":"0s"}]')
check "Istio timeout 0s rejected like the CRD rule" "$out" 'is invalid: spec.http\[0\].timeout: Invalid value: "string": must be a valid duration greater than 1ms'
out=$(k label ingress web -n ns-x owner=alice)
check_eq "label (strategic merge patch on Ingress)" "$out" "ingress.networking.k8s.io/web labeled"
k get ingress web -n ns-x -o yaml >"$WORK/web.yaml"
sed -i 's/ingressClassName: nginx/ingressClassName: istio/' "$WORK/web.yaml"
out=$(k replace -f "$WORK/web.yaml")
check_eq "replace (PUT with resourceVersion)" "$out" "ingress.networking.k8s.io/web replaced"
out=$(k replace -f "$WORK/web.yaml")
check "replace with a stale resourceVersion: 409 Conflict" "$out" 'Operation cannot be fulfilled on ingresses\.networking\.k8s\.io "web": the object has been modified; please apply your changes to the latest version and try again'
out=$(k create -f "$DATA/ingress-new.yaml")
check "create of an existing object: AlreadyExists" "$out" 'Error from server \(AlreadyExists\).*ingresses\.networking\.k8s\.io "blog" already exists'

# ---- watch -----------------------------------------------------------------
timeout 15 kubectl --kubeconfig "$KC" get ingress -n ns-x --watch --output-watch-events >"$WORK/watch.out" 2>&1 &
WPID=$!
for _ in $(seq 100); do grep -q 'blog' "$WORK/watch.out" && break; sleep 0.1; done
k patch ingress api -n ns-x --type=merge -p '{"spec":{"rules":[{"host":"api-v2.cloud.example.com","http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"web","port":{"number":80}}}}]}}]}}' >/dev/null
k delete ingress blog -n ns-x >/dev/null
for _ in $(seq 100); do grep -q 'DELETED' "$WORK/watch.out" && break; sleep 0.1; done
kill "$WPID" 2>/dev/null
wait "$WPID" 2>/dev/null
out=$(cat "$WORK/watch.out")
check "get --watch: initial rows as ADDED" "$out" '^ADDED +web +'
check "get --watch: printed the change as MODIFIED" "$out" '^MODIFIED +api +nginx +api-v2\.cloud\.example\.com +'
check "get --watch: printed the deletion" "$out" '^DELETED +blog +'

# ---- delete ----------------------------------------------------------------
out=$(k delete -f "$WORK/vs.yaml")
check_eq "delete -f" "$out" 'virtualservice.networking.istio.io "blog" deleted'
out=$(k get vs blog -n ns-x)
check_eq "get after delete: NotFound in kube's words" "$out" 'Error from server (NotFound): virtualservices.networking.istio.io "blog" not found'
check_not "deleted object gone from /_test/state" "$(state)" '"kind":"VirtualService","metadata":\{[^}]*"name":"blog"'

# ---- auth ------------------------------------------------------------------
TK="$ST/kubeconfig-ns-x"
out=$(timeout 20 kubectl --kubeconfig "$TK" get ingress 2>&1)
check "tenant kubeconfig: own namespace works" "$out" '^web +istio +web\.cloud\.example\.com '
out=$(timeout 20 kubectl --kubeconfig "$TK" get ingress -A 2>&1)
check_eq "tenant: list across namespaces is Forbidden" "$out" 'Error from server (Forbidden): ingresses.networking.k8s.io is forbidden: User "system:serviceaccount:ns-x:default" cannot list resource "ingresses" in API group "networking.k8s.io" at the cluster scope'
out=$(timeout 20 kubectl --kubeconfig "$TK" get ns 2>&1)
check_eq "tenant: namespace list is Forbidden" "$out" 'Error from server (Forbidden): namespaces is forbidden: User "system:serviceaccount:ns-x:default" cannot list resource "namespaces" in API group "" at the cluster scope'
out=$(timeout 20 kubectl --kubeconfig "$TK" get vs web -n ns-y 2>&1)
check_eq "tenant: other namespace is Forbidden" "$out" 'Error from server (Forbidden): virtualservices.networking.istio.io "web" is forbidden: User "system:serviceaccount:ns-x:default" cannot get resource "virtualservices" in API group "networking.istio.io" in the namespace "ns-y"'
out=$(timeout 20 kubectl --kubeconfig "$TK" apply -f "$DATA/ingress-new.yaml" 2>&1)
check_eq "tenant: apply in own namespace" "$out" "ingress.networking.k8s.io/blog created"
sed 's/admin-token/not-a-token/' "$KC" >"$WORK/bad-token"
out=$(timeout 20 kubectl --kubeconfig "$WORK/bad-token" get ingress -A 2>&1)
check "bad token: Unauthorized" "$out" '^error: You must be logged in to the server \(Unauthorized\)$'

# ---- TLS -----------------------------------------------------------------
out=$(timeout 20 kubectl --kubeconfig "$ST/kubeconfig-cert" get ingress -A 2>&1)
check "client-certificate kubeconfig (CN=admin, O=system:masters)" "$out" '^ns-y +shop +nginx '
check_not "client-certificate kubeconfig has no token" "$(cat "$ST/kubeconfig-cert")" 'token'
# a CA that did not sign the server certificate must be refused by kubectl
py "
import base64, yaml
d = yaml.safe_load(open('$KC'))
d['clusters'][0]['cluster']['certificate-authority-data'] = base64.b64encode(open('$ST/client.crt', 'rb').read()).decode()
yaml.safe_dump(d, open('$WORK/wrong-ca', 'w'))"
out=$(timeout 20 kubectl --kubeconfig "$WORK/wrong-ca" get ns 2>&1)
check "wrong CA: kubectl refuses the server certificate" "$out" 'x509: certificate signed by unknown authority'
py "
import yaml
d = yaml.safe_load(open('$KC'))
d['clusters'][0]['cluster']['server'] = d['clusters'][0]['cluster']['server'].replace('127.0.0.1', 'localhost')
yaml.safe_dump(d, open('$WORK/by-name', 'w'))"
out=$(timeout 20 kubectl --kubeconfig "$WORK/by-name" get ns ns-x 2>&1)
check "server certificate valid for DNS name localhost" "$out" '^ns-x +Active '

# ---- plain HTTP: kubectl withholds credentials, the server answers 401 ----
HT="$WORK/http"
start_server "$HT" --seed "$DATA/seed.yaml"
check "http server prints an http URL" "$URL" '^http://127\.0\.0\.1:[0-9]+$'
out=$(timeout 20 kubectl --kubeconfig "$HT/kubeconfig" get ns 2>&1)
check "http: kubectl sends no token over plain HTTP, so 401" "$out" 'You must be logged in to the server'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
