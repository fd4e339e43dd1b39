#!/usr/bin/env bash
# The console's edit -> stage -> apply loop (issue 7, "Stage and apply"),
# driven in script mode against the test API server and a manifest directory:
#  1. staged edits land (dry runs of both objects first, Gateway before
#     VirtualService, then server-side apply as meshpanel, not forced);
#  2. a new console restores the staged file, and applying the same edit
#     again reports unchanged without writing;
#  3. a field another manager owns is a conflict, reported and not forced;
#  4. a failed dry run writes nothing;
#  5. -f DIR: files under DIR/istio/, atomic, 0644, canonical, the Ingress
#     files untouched, and byte-identical to `convert --overrides` of the
#     overlay the console exported with :w;
#  6. --readonly: the edit and its diff work, staging and apply are refused,
#     nothing is written.
# Screens are saved with :save-display and grepped; the server's state and
# request log are read with pyq.
set -u
: "${MESHPANEL:?}" "${SRC:?}"
. "$SRC/tests/scripts/test_client_lib.bash"
export LC_ALL=C.UTF-8 MESHPANEL_NOW="2026-09-01T00:00:00Z"
unset XDG_STATE_HOME EDITOR VISUAL MESHPANEL_SCRIPT MESHPANEL_DEMO_DIR NO_COLOR

start_server "$WORK/srv"
KC="$WORK/srv/kubeconfig"
TARGET='cluster admin: server-side apply as meshpanel'

# seed_tenant NS HOST: a Namespace, a Service web and an Ingress web (class
# nginx, one host, one path) in NS
seed_tenant() {
    api POST /_test/seed "$(
        cat <<YAML
apiVersion: v1
kind: Namespace
metadata: {name: $1}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: $1}
spec:
  ports: [{name: http, port: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: $1}
spec:
  ingressClassName: nginx
  rules:
  - host: $2
    http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: web, port: {number: 8080}}}
YAML
    )" application/yaml >/dev/null
}

# console NAME ARGS...: runs the script $WORK/NAME.script (written by the
# caller) in a console started with ARGS; $RC as mp sets it
console() {
    local name=$1
    shift
    mp "$@" --script "$WORK/$name.script" --size 160x45
    [ "$RC" -eq 0 ] || echo "# $name: meshpanel exit $RC: $ERR"
}
screen() { cat "$WORK/$1.txt" 2>/dev/null; }
# the status line: the line above the footer
status() { tail -n 2 "$WORK/$1.txt" 2>/dev/null | head -n 1; }
# entry NAME REF: the staged view's two lines for object REF, joined
entry() { grep -A1 -F -- "$2" "$WORK/$1.txt" 2>/dev/null | head -n 2 | tr '\n' ' '; }
# the edit form's timeout field: Basics is before the first section, the
# timeout two fields down
TIMEOUT_KEYS='key PgUp
key Tab Tab'

# ============ 1. staged edits land ===========================================
seed_tenant ns-apply web.apply.example.com
export XDG_STATE_HOME="$WORK/state-a"
reset_requests
cat >"$WORK/land.script" <<EOF
sync 10000
:tenant ns-apply
:save-display $WORK/land-list.txt
key e
:save-display $WORK/land-open.txt
$TIMEOUT_KEYS
type 45s
key F2
:save-display $WORK/land-staged.txt
key Esc Esc
:apply
:save-display $WORK/land-confirm.txt
key y
:resize 300x45
:save-display $WORK/land-applied.txt
key v
:save-display $WORK/land-view.txt
EOF
console land --kubeconfig "$KC"
check_eq "land: console exits 0" "$RC" 0
s=$(screen land-list)
check "land: the tenant's Ingress row" "$s" '│ web +web\.apply\.example\.com +/ +nginx '
check "land: it is selected (the YAML pane shows it)" "$s" '┌─ YAML ingress ns-apply/web '
s=$(screen land-open)
check "land: e opens the Ingress" "$s" 'Edit ingress ns-apply/web '
check "land: on its VirtualService" "$s" 'object +VirtualService web-apply-example-com'
check "land: the Gateway is new" "$s" 'gateway ns-apply/meshpanel-gateway: added'
check "land: the VirtualService is new" "$s" 'virtualservice ns-apply/web-apply-example-com: added'
check "land: the form holds 45s" "$(screen land-staged)" '│   timeout +45s '
check "land: F2 stages one object" "$(status land-staged)" \
    '\| staged 1 object \(1 pending in all\): v lists, a applies'
s=$(screen land-confirm)
check "land: the confirmation lists the VirtualService" "$s" \
    'virtualservice ns-apply/web-apply-example-com: new \(edited\)'
check "land: the confirmation lists the Gateway" "$s" \
    'gateway ns-apply/meshpanel-gateway: new \(generated with it'
check "land: the confirmation asks for both" "$s" 'Apply 2 objects\?'
check "land: status: 2 created" "$(status land-applied)" \
    "\\| applied \\($TARGET\\): 2 created, 0 configured, 0 unchanged, 0 failed, 0 not run *\$"
check "land: staged view: applied, created" \
    "$(entry land-view 'virtualservice ns-apply/web-apply-example-com')" \
    'applied +virtualservice ns-apply/web-apply-example-com.*│ *edited; last apply: created '
out=$(pyq '
w = [r for r in reqs if r["method"] in ("POST", "PUT", "PATCH", "DELETE")]
steps = [("dry" if r["params"].get("dryRun") == "All" else "write", r["path"].split("/")[-2], r["code"]) for r in w]
assert steps == [("dry", "gateways", 201), ("dry", "virtualservices", 201),
                 ("write", "gateways", 201), ("write", "virtualservices", 201)], steps
assert all(r["method"] == "PATCH" and r["content_type"] == "application/apply-patch+yaml" for r in w), w
assert all(r["params"].get("fieldManager") == "meshpanel" and "force" not in r["params"] for r in w), w
print("OK")')
check "land: dry runs of both first, Gateway before VirtualService, SSA as meshpanel, not forced" \
    "$out" '^OK$'
out=$(pyq '
def get(kind, name):
    got = [o for o in state["items"] if o["kind"] == kind and o["metadata"]["namespace"] == "ns-apply"
           and o["metadata"]["name"] == name]
    assert len(got) == 1, (kind, name, got)
    return got[0]
vs = get("VirtualService", "web-apply-example-com")
gw = get("Gateway", "meshpanel-gateway")
http = vs["spec"]["http"]
assert len(http) == 1 and http[0]["timeout"] == "45s", http
assert http[0]["route"][0]["destination"] == {"host": "web.ns-apply.svc.cluster.local", "port": {"number": 8080}}, http
assert vs["spec"]["hosts"] == ["web.apply.example.com"], vs["spec"]
assert vs["spec"]["gateways"] == ["ns-apply/meshpanel-gateway"], vs["spec"]
assert [s["hosts"] for s in gw["spec"]["servers"]] == [["web.apply.example.com"]], gw["spec"]
for o in (vs, gw):
    assert o["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "meshpanel", o["metadata"]
    assert o["metadata"]["annotations"]["meshpanel.io/source"] == "ingress/ns-apply/web", o["metadata"]
print("OK")')
check "land: the server holds the VirtualService with timeout 45s and its Gateway" "$out" '^OK$'
check_eq "land: the staged-edits file is 0600" \
    "$(stat -c %a "$XDG_STATE_HOME/meshpanel/staged/admin.yaml" 2>&1)" 600

# The test server does not emit managedFields (tests/apiserver/README.md);
# it keeps SSA ownership for apply managers only, and an unforced dry-run
# apply of a different value by another manager names the owner.
probe() { # KIND-PLURAL NAME YAML -> "CODE MESSAGE"
    curl "${CURL_TLS[@]}" -sS --max-time 20 -X PATCH -H "Authorization: Bearer admin-token" \
        -H "Content-Type: application/apply-patch+yaml" --data-binary "$3" \
        "$URL/apis/networking.istio.io/v1/namespaces/ns-apply/$1/$2?fieldManager=probe&dryRun=All" |
        python3 -c 'import json, sys; s = json.load(sys.stdin); print(s.get("code"), s.get("message"))'
}
out=$(probe virtualservices web-apply-example-com '
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web-apply-example-com, namespace: ns-apply}
spec:
  http: [{route: [{destination: {host: web.ns-apply.svc.cluster.local}}], timeout: 46s}]')
check "land: meshpanel owns the VirtualService's spec.http as an apply manager" "$out" \
    '^409 .*conflict with "meshpanel".*\.spec\.http'
out=$(probe gateways meshpanel-gateway '
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: meshpanel-gateway, namespace: ns-apply}
spec:
  servers: [{port: {number: 81, name: http, protocol: HTTP}, hosts: [x.example.com]}]')
check "land: meshpanel owns the Gateway's spec.servers as an apply manager" "$out" \
    '^409 .*conflict with "meshpanel".*\.spec\.servers'

# ============ 2. the same edit again: unchanged ==============================
rv_before=$(pyq 'print([o["metadata"]["resourceVersion"] for o in state["items"] if o["kind"] in ("VirtualService", "Gateway") and o["metadata"]["namespace"] == "ns-apply"])')
reset_requests
cat >"$WORK/again.script" <<EOF
:save-display $WORK/again-offer.txt
key y
:save-display $WORK/again-restored.txt
sync 10000
:tenant ns-apply
key e
:save-display $WORK/again-open.txt
key F2
:save-display $WORK/again-staged.txt
key Esc Esc
:apply
:save-display $WORK/again-confirm.txt
key y
:resize 300x45
:save-display $WORK/again-applied.txt
key v
:save-display $WORK/again-view.txt
EOF
console again --kubeconfig "$KC"
check_eq "again: console exits 0" "$RC" 0
s=$(screen again-offer)
check "again: the staged file is offered" "$s" \
    '1 staged edit from an earlier session \(0 not applied yet\),'
check "again: with the question" "$s" 'Restore them\?'
check "again: y restores it" "$(status again-restored)" \
    '\| restored 1 staged edit \(0 not applied\): v lists them'
check "again: the editor starts from the applied edit (same as the cluster)" \
    "$(screen again-open)" 'no changes: source and edited are the same'
check "again: F2 stages the same edit again" "$(status again-staged)" \
    '\| staged 1 object \(1 pending in all\): v lists, a applies'
check "again: the confirmation says no change" "$(screen again-confirm)" \
    'virtualservice ns-apply/web-apply-example-com: no change \(edited\)'
check "again: status: unchanged" "$(status again-applied)" \
    "\\| applied \\($TARGET\\): 0 created, 0 configured, 1 unchanged, 0 failed, 0 not run *\$"
check "again: staged view: last apply unchanged" \
    "$(entry again-view 'virtualservice ns-apply/web-apply-example-com')" \
    'applied +virtualservice ns-apply/web-apply-example-com.*│ *edited; last apply: unchanged '
out=$(pyq '
w = [r for r in reqs if r["method"] in ("POST", "PUT", "PATCH", "DELETE")]
assert any(r["path"].endswith("/virtualservices/web-apply-example-com") for r in w), w
assert all(r["params"].get("dryRun") == "All" for r in w), [(r["method"], r["path"], r["query"]) for r in w]
print("OK")')
check "again: only dry runs reached the server, no write" "$out" '^OK$'
check_eq "again: resourceVersions kept" \
    "$(pyq 'print([o["metadata"]["resourceVersion"] for o in state["items"] if o["kind"] in ("VirtualService", "Gateway") and o["metadata"]["namespace"] == "ns-apply"])')" \
    "$rv_before"

# ============ 3. another field manager: reported, not forced =================
code=$(curl "${CURL_TLS[@]}" -sS -o "$WORK/kubectl.out" -w '%{http_code}' --max-time 20 -X PATCH \
    -H "Authorization: Bearer admin-token" -H "Content-Type: application/apply-patch+yaml" \
    --data-binary '
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web-apply-example-com, namespace: ns-apply}
spec:
  http:
  - name: web-0-0
    match: [{uri: {prefix: /}}]
    route: [{destination: {host: web.ns-apply.svc.cluster.local, port: {number: 8080}}}]
    timeout: 99s' \
    "$URL/apis/networking.istio.io/v1/namespaces/ns-apply/virtualservices/web-apply-example-com?fieldManager=kubectl&force=true")
check_eq "conflict setup: kubectl force-applied spec.http (99s)" "$code" 200
reset_requests
cat >"$WORK/conflict.script" <<EOF
key y
sync 10000
:tenant ns-apply
key e
$TIMEOUT_KEYS
key C-u
type 60s
key F2
:save-display $WORK/conflict-staged.txt
key Esc Esc
:apply
key y
:save-display $WORK/conflict-results.txt
key Esc
:resize 400x45
:save-display $WORK/conflict-applied.txt
key v
:save-display $WORK/conflict-view.txt
EOF
console conflict --kubeconfig "$KC"
check_eq "conflict: console exits 0" "$RC" 0
s=$(screen conflict-staged)
check "conflict: the diff shows 99s -> 60s" "$s" 'timeout: 99s .*│ *[0-9]+ [+~] +timeout: 60s'
check "conflict: 60s staged" "$(status conflict-staged)" '\| staged 1 object \(1 pending in all\)'
check "conflict: status: failed, naming kubectl, not forced" "$(status conflict-applied)" \
    "\\| applied \\($TARGET\\): 0 created, 0 configured, 0 unchanged, 1 failed, 0 not run: .*409.*\\.spec\\.http.*conflict with \"kubectl\".*\\(not forced\\) *\$"
check "conflict: at 160 columns the results popup has the whole reason" \
    "$(screen conflict-results | sed 's/│/ /g' | tr -s ' ' | tr -d '\n')" \
    'Apply results.*virtualservice ns-apply/web-apply-example-com: failed: conflict \(409\): .*conflict with "kubectl" using networking.istio.io/v1 \(not forced\)' 
check "conflict: staged view: still pending, the conflict as last apply" \
    "$(entry conflict-view 'virtualservice ns-apply/web-apply-example-com')" \
    'pending +virtualservice ns-apply/web-apply-example-com.*│ *edited; last apply: failed: .*conflict with "kubectl".*\(not forced\)'
out=$(pyq '
w = [r for r in reqs if r["method"] in ("POST", "PUT", "PATCH", "DELETE")]
assert w, "no apply request at all"
assert not any("force" in r["params"] for r in reqs), [r["query"] for r in reqs]
assert all(r["params"].get("dryRun") == "All" for r in w), [(r["method"], r["path"], r["query"]) for r in w]
assert [r["code"] for r in w] == [409], [(r["path"], r["code"]) for r in w]
vs = [o for o in state["items"] if o["kind"] == "VirtualService" and o["metadata"]["name"] == "web-apply-example-com"]
assert vs[0]["spec"]["http"][0]["timeout"] == "99s", vs[0]["spec"]
print("OK")')
check "conflict: one dry run (409), never forced, no write; the server keeps 99s" "$out" '^OK$'

# ============ 4. a failed dry run writes nothing =============================
seed_tenant ns-dry web.dry.example.com
export XDG_STATE_HOME="$WORK/state-d"
reset_requests
faults '{"fail_write_nth": 2}'
cat >"$WORK/dry.script" <<EOF
sync 10000
:tenant ns-dry
key e
$TIMEOUT_KEYS
type 45s
key F2
key Esc Esc
:apply
key y
:save-display $WORK/dry-results.txt
key Esc
:resize 400x45
:save-display $WORK/dry-applied.txt
key v
:save-display $WORK/dry-view.txt
EOF
console dry --kubeconfig "$KC"
check_eq "dry-run failure: console exits 0" "$RC" 0
check "dry-run failure: status: failed with the server's reason" "$(status dry-applied)" \
    "\\| applied \\($TARGET\\): 0 created, 0 configured, 0 unchanged, 1 failed, 1 not run: internal server error \\(500\\): injected fault: write #2 failed *\$"
check "dry-run failure: the results popup lists both objects" "$(screen dry-results)" \
    'gateway ns-dry/meshpanel-gateway: not run'  
check "dry-run failure: staged view: the VirtualService failed" \
    "$(entry dry-view 'virtualservice ns-dry/web-dry-example-com')" \
    'pending +virtualservice ns-dry/web-dry-example-com.*│ *edited; last apply: failed: internal server error \(500\)'
check "dry-run failure: staged view: the Gateway not run" \
    "$(entry dry-view 'gateway ns-dry/meshpanel-gateway')" \
    'along +gateway ns-dry/meshpanel-gateway.*│ *generated with it, not in the source yet; last apply: not run'
out=$(pyq '
w = [r for r in reqs if r["method"] in ("POST", "PUT", "PATCH", "DELETE")]
steps = [("dry" if r["params"].get("dryRun") == "All" else "write", r["path"].split("/")[-2], r["code"]) for r in w]
assert steps == [("dry", "gateways", 201), ("dry", "virtualservices", 500)], steps
held = [o["kind"] for o in state["items"] if o["metadata"].get("namespace") == "ns-dry"
        and o["kind"] in ("Gateway", "VirtualService")]
assert not held, held
print("OK")')
check "dry-run failure: two dry runs, no write; the server holds neither object" "$out" '^OK$'

# ============ 5. manifest directory ==========================================
DIR="$WORK/dir"
cp -r "$SRC/tests/data/apply-dir" "$DIR"
cp -r "$SRC/tests/data/apply-dir" "$WORK/pristine"
(cd "$DIR" && find . -type f -exec sha256sum {} + | sort -k2) >"$WORK/dir-before.sha"
export XDG_STATE_HOME="$WORK/state-f"
cat >"$WORK/files.script" <<EOF
:tenant ns-shop
key e
:save-display $WORK/files-open.txt
$TIMEOUT_KEYS
type 45s
key F2
:save-display $WORK/files-staged.txt
key Esc Esc
:w $WORK/overlay.yaml
:resize 400x45
:save-display $WORK/files-written.txt
:apply
:save-display $WORK/files-confirm.txt
key y
:save-display $WORK/files-applied.txt
EOF
console files -f "$DIR"
check_eq "dir: console exits 0" "$RC" 0
check "dir: e opens the Ingress" "$(screen files-open)" 'Edit ingress ns-shop/shop '
check "dir: F2 stages one object" "$(status files-staged)" '\| staged 1 object \(1 pending in all\)'
check "dir: :w exports the overlay" "$(status files-written)" \
    "\\| wrote 1 staged edit to $WORK/overlay\\.yaml \\(meshpanel convert --overrides\\) *\$"
s=$(screen files-confirm)
check "dir: the confirmation lists the VirtualService" "$s" 'virtualservice ns-shop/shop-example-com: new \(edited\)'
check "dir: the confirmation lists the Gateway" "$s" 'gateway ns-shop/meshpanel-gateway: new \(generated with it'
check "dir: the confirmation names the directory" "$s" "to: files under $DIR/istio/"
check "dir: status: 2 created" "$(status files-applied)" \
    "\\| applied \\(files under $DIR/istio/\\): 2 created, 0 configured, 0 unchanged, 0 failed, 0 not run *\$"
VSF="$DIR/istio/ns-shop/virtualservice-shop-example-com.yaml"
GWF="$DIR/istio/ns-shop/gateway-meshpanel-gateway.yaml"
check_eq "dir: both files written, mode 0644" "$(stat -c %a "$VSF" "$GWF" 2>&1 | tr '\n' ' ')" "644 644 "
check_eq "dir: nothing else written, no temp file left" \
    "$(cd "$DIR" && find . -type f | sort | tr '\n' ' ')" \
    "./docs.yaml ./istio/ns-shop/gateway-meshpanel-gateway.yaml ./istio/ns-shop/virtualservice-shop-example-com.yaml ./shop.yaml "
(cd "$DIR" && find . -type f -not -path './istio/*' -exec sha256sum {} + | sort -k2) >"$WORK/dir-after.sha"
check_eq "dir: every original file byte-identical (sha256)" \
    "$(diff "$WORK/dir-before.sha" "$WORK/dir-after.sha" && echo same)" same
out=$(python3 - "$VSF" "$GWF" 2>&1 <<'EOF'
import sys, yaml
vs_text, gw_text = (open(p).read() for p in sys.argv[1:])
for path, text in zip(sys.argv[1:], (vs_text, gw_text)):
    docs = list(yaml.safe_load_all(text))
    assert len(docs) == 1, path
    # canonical: Kubernetes key order, block style, 2-space indent, one newline at the end
    top = [l.split(":")[0] for l in text.splitlines() if l and not l[0].isspace() and l[0] != "-"]
    assert top == ["apiVersion", "kind", "metadata", "spec"], (path, top)
    assert not text.startswith("---") and text.endswith("\n") and not text.endswith("\n\n"), path
    assert "{" not in text and "[" not in text, path
    assert all((len(l) - len(l.lstrip(" "))) % 2 == 0 for l in text.splitlines()), path
    md = docs[0]["metadata"]
    assert md["labels"] == {"app.kubernetes.io/managed-by": "meshpanel"}, md
    assert md["annotations"] == {"meshpanel.io/source": "ingress/ns-shop/shop"}, md
    assert not set(md) & {"resourceVersion", "uid", "creationTimestamp", "generation", "managedFields"}, md
vs, gw = yaml.safe_load(vs_text), yaml.safe_load(gw_text)
assert (vs["kind"], vs["metadata"]["name"], vs["metadata"]["namespace"]) == ("VirtualService", "shop-example-com", "ns-shop")
assert vs["spec"]["http"][0]["timeout"] == "45s", vs["spec"]
assert vs["spec"]["http"][0]["route"][0]["destination"] == {"host": "shop.ns-shop.svc.cluster.local", "port": {"number": 8080}}
assert vs["spec"]["gateways"] == ["ns-shop/meshpanel-gateway"], vs["spec"]
assert (gw["kind"], gw["metadata"]["name"]) == ("Gateway", "meshpanel-gateway")
assert [s["hosts"] for s in gw["spec"]["servers"]] == [["shop.example.com"]], gw["spec"]
print("OK")
EOF
)
check "dir: canonical YAML holding the edit" "$out" '^OK$'

# convert --overrides with the exported overlay gives the same bytes; a
# plain convert does not (the edit comes from the overlay)
timeout 60 "$MESHPANEL" convert -f "$WORK/pristine" --overrides "$WORK/overlay.yaml" \
    >"$WORK/conv.yaml" 2>"$WORK/conv.err"
rc=$?
check_eq "dir: convert --overrides exits 0" "$rc:$(grep -v '^warning: \|^summary: ' "$WORK/conv.err")" "0:"
timeout 60 "$MESHPANEL" convert -f "$WORK/pristine" >"$WORK/plain.yaml" 2>/dev/null
# same_doc CONVERT-OUTPUT KIND NS NAME FILE: the document's text equals FILE
same_doc() {
    python3 - "$@" 2>&1 <<'EOF'
import difflib, sys, yaml
out, kind, ns, name, path = sys.argv[1:]
docs, cur = [], []
for line in open(out).read().splitlines(keepends=True):
    if line.rstrip("\n") == "---":
        docs.append("".join(cur))
        cur = []
    else:
        cur.append(line)
docs.append("".join(cur))
found = [d for d in docs if (lambda o: o and o["kind"] == kind and o["metadata"]["namespace"] == ns
                             and o["metadata"]["name"] == name)(yaml.safe_load(d))]
assert len(found) == 1, f"{len(found)} documents for {kind} {ns}/{name} in {out}"
want = open(path).read()
if found[0] != want:
    print("differs:")
    sys.stdout.writelines(difflib.unified_diff(want.splitlines(True), found[0].splitlines(True),
                                               "console apply: " + path, "convert --overrides"))
    sys.exit(0)
print("SAME")
EOF
}
check "dir: convert --overrides gives the VirtualService file byte for byte" \
    "$(same_doc "$WORK/conv.yaml" VirtualService ns-shop shop-example-com "$VSF")" '^SAME$'
check "dir: convert --overrides gives the Gateway file byte for byte" \
    "$(same_doc "$WORK/conv.yaml" Gateway ns-shop meshpanel-gateway "$GWF")" '^SAME$'
check "dir: a plain convert differs (the overlay carries the edit)" \
    "$(same_doc "$WORK/plain.yaml" VirtualService ns-shop shop-example-com "$VSF")" '^differs:'

# ============ 6. --readonly refuses ==========================================
seed_tenant ns-ro web.ro.example.com
export XDG_STATE_HOME="$WORK/state-r"
reset_requests
cat >"$WORK/ro.script" <<EOF
sync 10000
:tenant ns-ro
key e
$TIMEOUT_KEYS
type 45s
key F2
:resize 300x45
:save-display $WORK/ro-stage.txt
key Esc Esc
key y
:save-display $WORK/ro-closed.txt
key a
:save-display $WORK/ro-key.txt
:w $WORK/ro-overlay.yaml
:save-display $WORK/ro-export.txt
:apply
:save-display $WORK/ro-apply.txt
EOF
console ro --readonly --kubeconfig "$KC"
check_eq "readonly: console exits 0" "$RC" 0
s=$(screen ro-stage)
check "readonly: the READ-ONLY badge" "$(head -n 1 <<<"$s")" 'READ-ONLY *$'
check "readonly: the form holds the edit" "$s" '│   timeout +45s '
check "readonly: the diff shows it added" "$s" '│ *[0-9]+ \+ +timeout: 45s'
check "readonly: F2 refused, saying read-only" "$(status ro-stage)" \
    '\| read-only console \(--readonly or readOnly: true\): staging is off; the diff still shows what would change'
check "readonly: the edits discarded, the editor closed" "$(status ro-closed)" '\| edits discarded *$'
check_not "readonly: the editor is gone" "$(screen ro-closed)" 'Edit ingress'
check "readonly: A refused, saying read-only" "$(status ro-key)" \
    '\| read-only console \(--readonly or readOnly: true\): apply is off'
check_not "readonly: no confirmation after A" "$(screen ro-key)" 'Apply staged edits|answer the question'
check "readonly: :w exports an empty overlay (nothing was staged)" "$(status ro-export)" \
    '\| wrote 0 staged edits to '
check "readonly: the exported overlay has no entry" "$(cat "$WORK/ro-overlay.yaml" 2>&1)" '^entries: \[\]$'
check "readonly: :apply refused, saying read-only" "$(status ro-apply)" \
    '\| read-only console \(--readonly or readOnly: true\): apply is off'
check_not "readonly: no confirmation after :apply" "$(screen ro-apply)" 'Apply staged edits|answer the question'
check_eq "readonly: no staged-edits file" "$(find "$XDG_STATE_HOME" -type f 2>/dev/null | wc -l)" 0
out=$(pyq '
assert reqs, "the console made no request"
w = [(r["method"], r["path"], r["query"]) for r in reqs if r["method"] not in ("GET", "HEAD", "OPTIONS")]
assert not w, w
print("OK")')
check "readonly: the request log has no write" "$out" '^OK$'

finish
