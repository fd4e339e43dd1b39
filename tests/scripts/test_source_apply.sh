#!/usr/bin/env bash
# The sources' apply op (what the console's :apply calls), driven by
# source_apply_driver: the live cluster against the test API server
# (created / unchanged / configured, a field-manager conflict not forced, a
# dry-run failure writing nothing, Gateways before VirtualServices), a
# manifest directory (files at istio/NS/KIND-NAME.yaml, 0644, canonical,
# atomic, Ingress files never touched), a single file (refused) and the
# demo (memory only).
set -u
. "$(dirname "$0")/test_client_lib.bash"

DRIVER=${BUILD:-$SRC/build}/source_apply_driver
if [ ! -x "$DRIVER" ]; then
    echo "FAIL: $DRIVER is not built"
    exit 1
fi

# drv ARGS...: the driver, bounded; $OUT, $ERR, $RC
drv() {
    timeout 90 "$DRIVER" "$@" >"$WORK/out" 2>"$WORK/err"
    RC=$?
    OUT=$(cat "$WORK/out")
    ERR=$(cat "$WORK/err")
}

# gwvs FILE TIMEOUT [EXTRA-METADATA]: a Gateway and a VirtualService using it
gwvs() {
    cat >"$1" <<YAML
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: web-gw
  namespace: ns-web
  labels: {app.kubernetes.io/managed-by: meshpanel}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [web.example.com]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: web
  namespace: ns-web
  labels: {app.kubernetes.io/managed-by: meshpanel}
  annotations: {meshpanel.io/source: ingress/ns-web/web}
${3:-}
spec:
  hosts: [web.example.com]
  gateways: [ns-web/web-gw]
  http:
  - route:
    - destination: {host: web.ns-web.svc.cluster.local, port: {number: 80}}
    timeout: $2
YAML
}

# vs FILE NAME TIMEOUT: one VirtualService
vs() {
    cat >"$1" <<YAML
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: $2, namespace: ns-web}
spec:
  hosts: [$2.example.com]
  http:
  - route:
    - destination: {host: $2.ns-web.svc.cluster.local}
    timeout: $3
YAML
}

# ===================== live cluster (test API server) =======================
ST="$WORK/srv"
start_server "$ST"
KC="$ST/kubeconfig"
echo "# server at $URL"
api POST /_test/seed "$(
    cat <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: ns-web}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: ns-web}
spec:
  rules:
  - host: web.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
YAML
)" application/yaml >/dev/null

# the VirtualService first in the file: apply must still send the Gateway first
gwvs "$WORK/gwvs.yaml" 30s
python3 - "$WORK/gwvs.yaml" "$WORK/vsgw.yaml" <<'EOF'
import sys
docs = open(sys.argv[1]).read().split("---\n")
open(sys.argv[2], "w").write("---\n".join(reversed(docs)))
EOF

reset_requests
drv --kubeconfig "$KC" "$WORK/vsgw.yaml"
check_eq "cluster: new objects: exit 0" "$RC" 0
check_eq "cluster: new objects: created, created" "$(head -2 <<<"$OUT")" \
    "VirtualService ns-web/web created
Gateway ns-web/web-gw created"
check_eq "cluster: apply_target" "$(sed -n 3p <<<"$OUT")" \
    "target: cluster admin: server-side apply as meshpanel"
check_eq "cluster: the store shows the applied objects at once (no store: lines)" "$ERR" ""
out=$(pyq '
w = [r for r in reqs if r["method"] in ("POST", "PUT", "PATCH", "DELETE")]
kinds = [("dry" if r["params"].get("dryRun") == "All" else "real", r["path"].split("/")[-2]) for r in w]
assert kinds == [("dry", "gateways"), ("dry", "virtualservices"), ("real", "gateways"), ("real", "virtualservices")], kinds
assert all(r["content_type"] == "application/apply-patch+yaml" for r in w), w
assert all(r["params"].get("fieldManager") == "meshpanel" and "force" not in r["params"] for r in w)
vs = [o for o in state["items"] if o["kind"] == "VirtualService" and o["metadata"]["name"] == "web"]
gw = [o for o in state["items"] if o["kind"] == "Gateway" and o["metadata"]["name"] == "web-gw"]
assert len(vs) == 1 and len(gw) == 1, (vs, gw)
assert vs[0]["spec"]["http"][0]["timeout"] == "30s" and vs[0]["spec"]["gateways"] == ["ns-web/web-gw"]
assert gw[0]["spec"]["servers"][0]["hosts"] == ["web.example.com"]
print("OK")')
check "cluster: dry runs first, Gateway before VirtualService, SSA as meshpanel unforced; server holds both" "$out" '^OK$'

reset_requests
drv --kubeconfig "$KC" "$WORK/gwvs.yaml"
check_eq "cluster: same again: exit 0" "$RC" 0
check_eq "cluster: same again: unchanged, unchanged" "$(head -2 <<<"$OUT")" \
    "Gateway ns-web/web-gw unchanged
VirtualService ns-web/web unchanged"
out=$(pyq '
w = [r for r in reqs if r["method"] in ("POST", "PUT", "PATCH", "DELETE")]
real = [r for r in w if r["params"].get("dryRun") != "All"]
assert len(w) == 2 and not real, [(r["method"], r["path"], r["query"]) for r in w]
print("OK")')
check "cluster: same again: only the two dry runs reached the server, no write" "$out" '^OK$'

gwvs "$WORK/gwvs45.yaml" 45s
reset_requests
drv --kubeconfig "$KC" "$WORK/gwvs45.yaml"
check_eq "cluster: changed VirtualService: exit 0" "$RC" 0
check_eq "cluster: changed VirtualService: unchanged, configured" "$(head -2 <<<"$OUT")" \
    "Gateway ns-web/web-gw unchanged
VirtualService ns-web/web configured"
out=$(pyq '
real = [r["path"].split("/")[-2] for r in reqs if r["method"] == "PATCH" and r["params"].get("dryRun") != "All"]
assert real == ["virtualservices"], real
vs = [o for o in state["items"] if o["kind"] == "VirtualService" and o["metadata"]["name"] == "web"][0]
assert vs["spec"]["http"][0]["timeout"] == "45s", vs["spec"]
print("OK")')
check "cluster: changed VirtualService: one real write, the server holds 45s" "$out" '^OK$'

# another field manager (kubectl) owns spec.http of "shared": not forced
vs "$WORK/shared-kubectl.yaml" shared 20s
code=$(curl "${CURL_TLS[@]}" -sS -o /dev/null -w '%{http_code}' --max-time 20 -X PATCH \
    -H "Authorization: Bearer admin-token" -H "Content-Type: application/apply-patch+yaml" \
    --data-binary @"$WORK/shared-kubectl.yaml" \
    "$URL/apis/networking.istio.io/v1/namespaces/ns-web/virtualservices/shared?fieldManager=kubectl")
check_eq "conflict setup: kubectl applied spec.http" "$code" 201
vs "$WORK/shared-mine.yaml" shared 50s
reset_requests
drv --kubeconfig "$KC" "$WORK/shared-mine.yaml"
check_eq "cluster: conflict: exit 1" "$RC" 1
check "cluster: conflict: failed, naming manager and field, not forced" "$OUT" \
    '^VirtualService ns-web/shared failed: .*409.*\.spec\.http.*conflict with "kubectl".*\(not forced\)$'
out=$(pyq '
assert not any(r["params"].get("force") for r in reqs), reqs
assert not [r for r in reqs if r["method"] == "PATCH" and r["params"].get("dryRun") != "All"]
vs = [o for o in state["items"] if o["kind"] == "VirtualService" and o["metadata"]["name"] == "shared"][0]
assert vs["spec"]["http"][0]["timeout"] == "20s", vs["spec"]
print("OK")')
check "cluster: conflict: no force, no write, the server keeps kubectl's 20s" "$out" '^OK$'

# a dry-run failure: the valid object is not run, the server holds neither
cat >"$WORK/invalid.yaml" <<'YAML'
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: other-gw, namespace: ns-web}
spec: {selector: {istio: ingressgateway}}
YAML
echo --- >>"$WORK/invalid.yaml"
vs "$WORK/bad.yaml" bad 0s
cat "$WORK/bad.yaml" >>"$WORK/invalid.yaml"
reset_requests
drv --kubeconfig "$KC" "$WORK/invalid.yaml"
check_eq "cluster: dry-run failure: exit 1" "$RC" 1
check_eq "cluster: dry-run failure: the valid Gateway not run" "$(head -1 <<<"$OUT")" \
    "Gateway ns-web/other-gw not run"
check "cluster: dry-run failure: the invalid VirtualService failed with the server's reason" \
    "$(sed -n 2p <<<"$OUT")" \
    '^VirtualService ns-web/bad failed: .*422.*spec\.http\[0\]\.timeout.*duration'
out=$(pyq '
names = {o["metadata"]["name"] for o in state["items"]}
assert "other-gw" not in names and "bad" not in names, names
assert not [r for r in reqs if r["method"] == "PATCH" and r["params"].get("dryRun") != "All"]
print("OK")')
check "cluster: dry-run failure: nothing written, the server holds neither" "$out" '^OK$'

# ===================== manifest directory =====================================
DIR="$WORK/dir"
cp -r "$SRC/tests/data/demo" "$DIR"
(cd "$DIR" && find . -type f -exec md5sum {} + | sort -k2) >"$WORK/dir-before.md5"

# server noise in the applied objects never reaches a file
gwvs "$WORK/noisy.yaml" 30s '  resourceVersion: "42"
  uid: 0b5a1c52-0000-4000-8000-000000000001
  creationTimestamp: "2026-01-01T00:00:00Z"
  generation: 3
  managedFields: [{manager: kubectl, operation: Apply}]'
printf 'status: {}\n' >>"$WORK/noisy.yaml"
drv -f "$DIR" "$WORK/noisy.yaml"
check_eq "dir: new objects: exit 0" "$RC" 0
check_eq "dir: new objects: created at the documented paths" "$(head -2 <<<"$OUT")" \
    "Gateway ns-web/web-gw created: istio/ns-web/gateway-web-gw.yaml
VirtualService ns-web/web created: istio/ns-web/virtualservice-web.yaml"
check_eq "dir: apply_target" "$(sed -n 3p <<<"$OUT")" "target: files under $DIR/istio/"
check_eq "dir: the store shows the new files at once" "$ERR" ""
GWF="$DIR/istio/ns-web/gateway-web-gw.yaml"
VSF="$DIR/istio/ns-web/virtualservice-web.yaml"
check_eq "dir: files are mode 0644" "$(stat -c %a "$GWF" "$VSF" | tr '\n' ' ')" "644 644 "
check_eq "dir: no temp file left" "$(find "$DIR" -name '*.tmp.*' | wc -l)" 0
out=$(python3 - "$WORK/noisy.yaml" "$GWF" "$VSF" 2>&1 <<'EOF'
import sys, yaml
applied = list(yaml.safe_load_all(open(sys.argv[1])))
for want, path in zip(applied, sys.argv[2:]):
    text = open(path).read()
    docs = list(yaml.safe_load_all(text))
    assert len(docs) == 1, path
    got = docs[0]
    for k in ("resourceVersion", "uid", "creationTimestamp", "generation", "managedFields"):
        want["metadata"].pop(k, None)
    want.pop("status", None)
    assert got == want, (path, got, want)
    # canonical: top keys in Kubernetes order, block style, 2-space indent
    top = [l.split(":")[0] for l in text.splitlines() if l and not l[0].isspace() and l[0] != "-"]
    assert top == ["apiVersion", "kind", "metadata", "spec"], top
    assert not text.startswith("---") and text.endswith("\n"), path
    assert "{" not in text and "[" not in text, path
    assert all((len(l) - len(l.lstrip(" "))) % 2 == 0 for l in text.splitlines()), path
print("OK")
EOF
)
check "dir: contents are the objects without noise, in canonical YAML" "$out" '^OK$'

stamp() { stat -c '%i %y' "$GWF" "$VSF"; }
before=$(stamp)
sleep 0.05
drv -f "$DIR" "$WORK/gwvs.yaml"
check_eq "dir: same again: unchanged, unchanged" "$RC:$(head -2 <<<"$OUT")" \
    "0:Gateway ns-web/web-gw unchanged: istio/ns-web/gateway-web-gw.yaml
VirtualService ns-web/web unchanged: istio/ns-web/virtualservice-web.yaml"
check_eq "dir: same again: files not rewritten (inode and mtime kept)" "$(stamp)" "$before"

drv -f "$DIR" "$WORK/gwvs45.yaml"
check_eq "dir: changed VirtualService: unchanged, configured" "$RC:$(head -2 <<<"$OUT")" \
    "0:Gateway ns-web/web-gw unchanged: istio/ns-web/gateway-web-gw.yaml
VirtualService ns-web/web configured: istio/ns-web/virtualservice-web.yaml"
after=$(stamp)
check_eq "dir: changed: the Gateway file kept" "$(head -1 <<<"$after")" "$(head -1 <<<"$before")"
check "dir: changed: the VirtualService file replaced by rename (new inode), 45s" \
    "$([ "$(sed -n 2p <<<"$after" | cut -d' ' -f1)" != "$(sed -n 2p <<<"$before" | cut -d' ' -f1)" ] && echo renamed) $(grep -c 'timeout: 45s' "$VSF")" '^renamed 1$'

# an object living next to an Ingress is refused, and the new one with it
python3 - "$DIR/ns-heidi.yaml" "$WORK/heidi.yaml" <<'EOF'
import sys, yaml
vs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] == "VirtualService"][0]
vs["spec"]["http"][0]["timeout"] = "60s"
new = {"apiVersion": "networking.istio.io/v1", "kind": "VirtualService",
       "metadata": {"name": "fresh", "namespace": "ns-heidi"}, "spec": {"hosts": ["fresh.example.com"]}}
yaml.safe_dump_all([new, vs], open(sys.argv[2], "w"))
EOF
heidi_vs=$(python3 -c 'import sys,yaml; print([d for d in yaml.safe_load_all(open(sys.argv[1])) if d["kind"] == "VirtualService"][1]["metadata"]["name"])' "$WORK/heidi.yaml")
drv -f "$DIR" "$WORK/heidi.yaml"
check_eq "dir: next to an Ingress: exit 1" "$RC" 1
check_eq "dir: next to an Ingress: the new object not run" "$(head -1 <<<"$OUT")" \
    "VirtualService ns-heidi/fresh not run"
check_eq "dir: next to an Ingress: refused with the reason" "$(sed -n 2p <<<"$OUT")" \
    "VirtualService ns-heidi/$heidi_vs failed: VirtualService ns-heidi/$heidi_vs lives in $DIR/ns-heidi.yaml next to an Ingress; meshpanel never rewrites Ingress files (move it to a file of its own)"
check_eq "dir: next to an Ingress: no file for the new object" "$(ls "$DIR/istio")" "ns-web"

# a file of non-Ingress objects is rewritten with the object replaced
mkdir -p "$DIR/extra"
cat >"$DIR/extra/mixed.yaml" <<'YAML'
apiVersion: v1
kind: Service
metadata: {name: api, namespace: ns-web}
spec: {ports: [{port: 80, name: http}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api, namespace: ns-web}
spec: {hosts: [api.example.com], http: [{route: [{destination: {host: api}}], timeout: 5s}]}
YAML
vs "$WORK/api.yaml" api 7s
drv -f "$DIR" "$WORK/api.yaml"
check_eq "dir: object in a file of its kind: configured in that file" "$RC:$OUT" \
    "0:VirtualService ns-web/api configured: extra/mixed.yaml
target: files under $DIR/istio/"
out=$(python3 - "$DIR/extra/mixed.yaml" "$WORK/api.yaml" 2>&1 <<'EOF'
import sys, yaml
docs = list(yaml.safe_load_all(open(sys.argv[1])))
assert [d["kind"] for d in docs] == ["Service", "VirtualService"], docs
assert docs[0] == {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "api", "namespace": "ns-web"},
                   "spec": {"ports": [{"port": 80, "name": "http"}]}}, docs[0]
assert docs[1] == yaml.safe_load(open(sys.argv[2])), docs[1]
print("OK")
EOF
)
check "dir: the Service kept, the VirtualService replaced" "$out" '^OK$'

# unsafe names never become paths
cat >"$WORK/unsafe.yaml" <<'YAML'
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ../../escape, namespace: ns-web}
spec: {hosts: [x.example.com]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ok, namespace: ../ns}
spec: {hosts: [y.example.com]}
YAML
# (refused as input since names are checked as the API server checks them,
# issue 12; source_manifest_apply.c keeps its own check for objects that
# reach it from elsewhere)
drv -f "$DIR" "$WORK/unsafe.yaml"
check_eq "dir: unsafe names: exit 2 (invalid input)" "$RC" 2
check "dir: unsafe name refused with file:line and the API server's words" "$ERR" \
    'unsafe\.yaml:3: doc 1: VirtualService: metadata\.name: Invalid value: "\.\./\.\./escape": a lowercase RFC 1123 subdomain must consist of'
sed -i '1,5d' "$WORK/unsafe.yaml"
drv -f "$DIR" "$WORK/unsafe.yaml"
check "dir: unsafe namespace refused" "$ERR" \
    'unsafe\.yaml:3: doc 1: VirtualService: metadata\.namespace: Invalid value: "\.\./ns": a lowercase RFC 1123 label must consist of'
check_eq "dir: unsafe names: nothing written anywhere" \
    "$(find "$WORK" -name '*escape*' -o -name 'virtualservice-ok.yaml' | wc -l)" 0

(cd "$DIR" && find . -type f -not -path './istio/*' -not -path './extra/*' -exec md5sum {} + | sort -k2) >"$WORK/dir-after.md5"
check_eq "dir: every original file (the Ingress files) untouched" \
    "$(diff "$WORK/dir-before.md5" "$WORK/dir-after.md5" && echo same)" same

# ===================== a single file ==========================================
drv -f "$DIR/ns-alice.yaml" "$WORK/gwvs.yaml"
check_eq "file: refused: exit 2" "$RC" 2
check "file: refused with the reason" "$ERR" 'apply needs a directory: -f names a file'
check_eq "file: refused: nothing printed per object" "$OUT" ""

# ===================== demo ===================================================
unset MESHPANEL_DEMO_DIR
demo_sum() { (cd "$SRC/tests/data/demo" && find . -type f -exec md5sum {} + | sort -k2 | md5sum); }
demo_before=$(demo_sum)
drv --demo "$WORK/gwvs.yaml"
check_eq "demo: created, created, in memory" "$RC:$OUT" \
    "0:Gateway ns-web/web-gw created: kept in memory
VirtualService ns-web/web created: kept in memory
target: demo: changes are kept in memory"
check_eq "demo: the store shows them" "$ERR" ""
drv --demo "$WORK/heidi.yaml"
check_eq "demo: an object of the demo files changed: configured" "$RC:$(sed -n 2p <<<"$OUT")" \
    "0:VirtualService ns-heidi/$heidi_vs configured: kept in memory"
python3 - "$SRC/tests/data/demo/ns-heidi.yaml" "$WORK/heidi-same.yaml" <<'EOF'
import sys, yaml
vs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] == "VirtualService"][0]
yaml.safe_dump(vs, open(sys.argv[2], "w"))
EOF
drv --demo "$WORK/heidi-same.yaml"
check_eq "demo: an object as the demo files hold it: unchanged" "$RC:$(head -1 <<<"$OUT")" \
    "0:VirtualService ns-heidi/$heidi_vs unchanged: kept in memory"
check_eq "demo: no file under tests/data/demo changed" "$(demo_sum)" "$demo_before"

finish
