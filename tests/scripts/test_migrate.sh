#!/usr/bin/env bash
# Issue 9's happy path against the test API server: a wave of 20 tenants of
# the Sealos shapes (tests/data/migrate/wave.yaml: terminal, adminer,
# Launchpad HTTP/GRPC/WS, a custom domain with its own certificate, devbox
# with a named port, canaries, regex, an IP allow list, a paused app, a
# debt-suspended tenant, an Ingress without class, spec.ingressClassName)
# goes plan -> apply -> verify -> cutover -> retire -> rollback.
# Afterwards every Ingress is identical to before (spec, labels,
# annotations, class; uid/resourceVersion/creationTimestamp are new for a
# re-created Ingress, see tests/tools/mig_invariant.py), no object of
# meshpanel remains, and the hand-made VirtualService ns-carol/hand-made is
# byte-identical (resourceVersion included) after every step.
set -u
: "${MESHPANEL:?}" "${SRC:?}"
. "$SRC/tests/scripts/test_client_lib.bash"
export LC_ALL=C.UTF-8 MESHPANEL_NOW="2026-09-01T00:00:00Z"
unset EDITOR VISUAL MESHPANEL_SCRIPT MESHPANEL_DEMO_DIR NO_COLOR
export XDG_STATE_HOME="$WORK/state"
INV="$SRC/tests/tools/mig_invariant.py"
HAND=VirtualService/ns-carol/hand-made

start_server "$WORK/srv" --seed "$SRC/tests/data/migrate/wave.yaml"
K=(--kubeconfig "$WORK/srv/kubeconfig")
dump() { api GET /_test/state >"$WORK/$1.json"; }
dump s0
python3 "$INV" snap "$WORK/s0.json" "$WORK/before.json" "$HAND"
# the hand-made object alone, after a step
hand_same() {
    dump now
    python3 - "$WORK/before.json" "$WORK/now.json" "$HAND" <<'EOF'
import json, sys
before = json.load(open(sys.argv[1]))["handmade"][sys.argv[3]]
k, ns, name = sys.argv[3].split("/")
now = [o for o in json.load(open(sys.argv[2]))["items"]
       if o["kind"] == k and o["metadata"]["namespace"] == ns and o["metadata"]["name"] == name]
print("same" if len(now) == 1 and json.dumps(now[0], sort_keys=True) == before else "CHANGED")
EOF
}
writes() { # the write requests since the last reset_requests
    pyq 'print(len([r for r in reqs if r["method"] in ("POST", "PUT", "PATCH", "DELETE")
                    and r["params"].get("dryRun") != "All"]))'
}

# ============ plan: writes nothing, shows diffs, dry runs, certificates =====
reset_requests
mp migrate plan "${K[@]}"
check_eq "plan: exit 0 (nothing refused)" "$RC" 0
check "plan: a diff of the tenant's VirtualService" "$OUT" \
    '^\+  name: kfzqyuwmrbhe-cloud-sealos-io$'
check "plan: the Ingress to mark" "$OUT" \
    'ingress ns-carol/network-tjwqfyzbnoad: mark dual \(meshpanel.io/state: dual\)'
check "plan: where each host's certificate must be" "$OUT" \
    'certificate: www.davesbakery.com: secret network-qwhxkzpvemrt must be in istio-system: MISSING, it is in ns-dave'
check "plan: a cert-manager Certificate offered for the custom domain" "$OUT" \
    'offered \(cert-manager issues it where the gateway reads it; apply it yourself\)'
out=$(sed -n '/www.davesbakery.com: secret network-qwhxkzpvemrt/,/^  [a-z]/p' <<<"$OUT")
check "plan: the offered Certificate is in istio-system, for the host" "$out" \
    'namespace: istio-system'
check "plan: ... with dnsNames the host" "$out" '- www.davesbakery.com'
check "plan: the suspended tenant is left alone" "$OUT" \
    '^ns-grace +unchanged +suspended .*nothing to write'
check "plan: the conversion's findings" "$OUT" 'warning: MP101 ingress ns-carol/'
check "plan: summary" "$OUT" 'migrate plan: 20 tenants: 19 would change, 1 unchanged'
check_eq "plan: no write request (dry runs only)" "$(writes)" 0
out=$(pyq 'print(sum(1 for r in reqs if r["params"].get("dryRun") == "All"))')
check "plan: the server dry-ran the objects" "$out" '^[1-9][0-9]+$'

# ============ refusals before any write ======================================
reset_requests
mp migrate apply "${K[@]}" </dev/null
check_eq "apply without --yes and without a terminal: exit 2" "$RC" 2
check "... says why" "$ERR" 'not a terminal, so nobody can confirm: give --yes'
mp migrate apply "${K[@]}" --readonly --yes
check_eq "apply --readonly: exit 2" "$RC" 2
check "... says why" "$ERR" 'read-only .*apply changes the cluster'
mkdir -p "$WORK/cfg"
printf 'readOnly: true\n' >"$WORK/cfg/config.yaml"
MESHPANEL_CONFIG="$WORK/cfg/config.yaml" mp migrate cutover "${K[@]}" --yes
check_eq "cutover with readOnly in the config: exit 2" "$RC" 2
check_eq "refusals: no request at all" "$(pyq 'print(len(reqs))')" 0

# ============ apply ===========================================================
mp migrate apply "${K[@]}" --yes
check_eq "apply: exit 0" "$RC" 0
check "apply: 19 tenants done, the suspended one unchanged" "$OUT" \
    'migrate apply: 20 tenants: 19 done, 1 unchanged, 0 with findings, 0 failed'
check "apply: progress lines without a terminal" "$ERR" \
    '^meshpanel migrate apply: \[4/20\] ns-carol: done: 5 created'
check "apply: per-tenant table" "$OUT" \
    '^ns-carol +done +ingress-only +dual +8 +5 created, 0 configured, 0 unchanged; 3 Ingresses marked dual'
dump s1
out=$(python3 - "$WORK/s1.json" <<'EOF'
import base64, gzip, json, sys
items = json.load(open(sys.argv[1]))["items"]
ing = {(o["metadata"]["namespace"], o["metadata"]["name"]): o for o in items if o["kind"] == "Ingress"}
def ann(o): return o["metadata"].get("annotations") or {}
dual = [k for k, o in ing.items() if ann(o).get("meshpanel.io/state") == "dual"]
paused = [k for k, o in ing.items() if "meshpanel.io/state" in ann(o) and
          (ann(o).get("kubernetes.io/ingress.class") in ("pause", "disable"))]
assert not paused, paused
assert ann(ing[("ns-carol", "network-tjwqfyzbnoad")]).get("meshpanel.io/migrated-at") == "2026-09-01T00:00:00Z"
vs = [o for o in items if o["kind"] == "VirtualService" and
      (o["metadata"].get("labels") or {}).get("app.kubernetes.io/managed-by") == "meshpanel"]
for v in vs:
    b = json.loads(gzip.decompress(base64.b64decode(v["metadata"]["annotations"]["meshpanel.io/backup"])))
    src = sorted(v["metadata"]["annotations"]["meshpanel.io/source"].split(","))
    assert sorted("ingress/%s/%s" % (i["metadata"]["namespace"], i["metadata"]["name"]) for i in b) == src, (src, b)
    for i in b:
        assert "meshpanel.io/state" not in (i["metadata"].get("annotations") or {}), i
        assert i["spec"] == ing[(i["metadata"]["namespace"], i["metadata"]["name"])]["spec"]
print(len(dual), len(vs))
EOF
)
check_eq "apply: 29 Ingresses marked dual (3 are suspended); 28 VirtualServices, each with its sources' backup" "$out" "29 28"
check_eq "apply: the hand-made VirtualService is untouched" "$(hand_same)" same
bk="$XDG_STATE_HOME/meshpanel/backups/admin/ns-carol/network-tjwqfyzbnoad"
f=$(ls "$bk" 2>/dev/null | head -n1)
check_eq "apply: backup file of each Ingress, named by time" "$f" 20260901T000000Z.yaml
check_eq "apply: backup file 0600" "$(stat -c %a "$bk/$f")" 600
check_eq "apply: backup directories 0700" "$(stat -c %a "$bk") $(stat -c %a "$XDG_STATE_HOME/meshpanel/backups")" "700 700"
check "apply: the backup holds the Ingress as it was" "$(cat "$bk/$f")" \
    '^kind: Ingress$'
reset_requests
mp migrate apply "${K[@]}" --yes
check_eq "apply again: exit 0" "$RC" 0
check "apply again: every tenant unchanged" "$OUT" 'migrate apply: 20 tenants: 0 done, 20 unchanged'
check_eq "apply again: no write" "$(writes)" 0

# ============ verify ==========================================================
mp migrate verify "${K[@]}" --yes
check_eq "verify: exit 0" "$RC" 0
check "verify: every tenant's requests route alike" "$OUT" \
    'migrate verify: 20 tenants: 19 done, 1 unchanged, 0 with findings, 0 failed'
check "verify: recorded" "$OUT" '^ns-carol +done .*route alike \(v1-[0-9a-f]{16}, recorded\)'
out=$(pyq 'print(sorted({(o["metadata"].get("annotations") or {}).get("meshpanel.io/verified", "-").split("=")[0]
    for o in state["items"] if o["kind"] == "VirtualService" and o["metadata"]["namespace"] == "ns-carol"
    and o["metadata"]["name"] != "hand-made"}))')
check_eq "verify: the pass is on each VirtualService, per tenant" "$out" "['ns-carol']"

# ============ cutover =========================================================
reset_requests
mp migrate cutover "${K[@]}" --yes
check_eq "cutover without the certificates in istio-system: exit 2" "$RC" 2
check "... refused for the first tenant's host, naming the secret" "$OUT" \
    '^ns-alice +failed .*host .*certificate secret wildcard-cert(-sealos)? is not in istio-system'
check "... and stopped there" "$OUT" '^ns-bob +pending .*not run: stopped at the first failure'
check_eq "... with no write" "$(writes)" 0
api POST /_test/seed "$(cat "$SRC/tests/data/migrate/gateway-certs.yaml")" application/yaml >/dev/null
mp migrate cutover "${K[@]}" --yes
check_eq "cutover: exit 0" "$RC" 0
check "cutover: 19 tenants done" "$OUT" 'migrate cutover: 20 tenants: 19 done, 1 unchanged, 0 with findings, 0 failed'
check "cutover: the paused app of ns-frank is skipped" "$OUT" '^ns-frank +done .*1 Ingress disabled'
dump s2
out=$(python3 - "$WORK/s2.json" <<'EOF'
import json, sys
items = json.load(open(sys.argv[1]))["items"]
ing = {(o["metadata"]["namespace"], o["metadata"]["name"]): o for o in items if o["kind"] == "Ingress"}
def ann(o): return o["metadata"].get("annotations") or {}
cut = [k for k, o in ing.items() if ann(o).get("meshpanel.io/state") == "cut-over"]
c = ing[("ns-c9v3b7nm", "classless")]
d = ing[("ns-docs", "docs")] if ("ns-docs", "docs") in ing else [o for k, o in ing.items() if k[0] == "ns-docs"][0]
f = ing[("ns-frank", "network-ajxqmvrwcbzo")]
print(len(cut),
      ann(c).get("kubernetes.io/ingress.class"), ann(c).get("meshpanel.io/original-class"),
      d["spec"].get("ingressClassName"), "kubernetes.io/ingress.class" in ann(d),
      ann(d).get("meshpanel.io/original-class"),
      ann(f).get("kubernetes.io/ingress.class"), any(a.startswith("meshpanel.io/") for a in ann(f)))
EOF
)
check_eq "cutover: 29 cut over; class-less gets the annotation; spec.ingressClassName is changed in place; the paused app untouched" \
    "$out" '29 pause {} pause False {"spec":"nginx"} pause False'
mp status "${K[@]}"
check "status: tenants per state" "$OUT" '^tenants: 20 \(cut-over 19, suspended 1\)$'
check "status: Ingresses per state" "$OUT" \
    '^ingresses: 32 \(ingress-only 3, dual 0, cut-over 29, retired 0, rolled-back 0; 3 suspended\)$'
check_eq "status: exit 0" "$RC" 0
check_eq "cutover: the hand-made VirtualService is untouched" "$(hand_same)" same

# ============ retire ==========================================================
mp migrate retire "${K[@]}" --yes
check_eq "retire: exit 0" "$RC" 0
check "retire: 19 tenants done" "$OUT" 'migrate retire: 20 tenants: 19 done, 1 unchanged'
out=$(pyq 'print(sorted("%s/%s" % (o["metadata"]["namespace"], o["metadata"]["name"])
                 for o in state["items"] if o["kind"] == "Ingress"))')
check_eq "retire: only the suspended Ingresses are left" "$out" \
    "['ns-frank/network-ajxqmvrwcbzo', 'ns-grace/network-xsdkfmwpqzbt', 'ns-grace/terminal-grace']"
mp status "${K[@]}"
check "status after retire" "$OUT" '^ingresses: 32 \(ingress-only 3, dual 0, cut-over 0, retired 29'
mp migrate apply "${K[@]}" --yes
check "apply after retire: unchanged (converted from the backups)" "$OUT" \
    'migrate apply: 20 tenants: 0 done, 20 unchanged'

# ============ rollback ========================================================
mp rollback "${K[@]}" --yes
check_eq "rollback: exit 0" "$RC" 0
check "rollback: 19 tenants restored" "$OUT" 'rollback: 20 tenants: 19 done, 1 unchanged'
check "rollback: ns-carol's Ingresses re-created, its objects removed" "$OUT" \
    '^ns-carol +done +retired +ingress-only +8 +3 Ingresses restored, 5 objects removed'
dump s3
out=$(python3 "$INV" check "$WORK/before.json" "$WORK/s3.json")
check "rollback: the invariant holds" "$out" '^invariant holds: 32 Ingresses identical, no object of meshpanel left, 1 hand-made'
mp status "${K[@]}"
check "status after rollback" "$OUT" '^ingresses: 32 \(ingress-only 32,'
mp rollback "${K[@]}" --yes
check "rollback again: nothing to do" "$OUT" 'rollback: 20 tenants: 0 done, 20 unchanged'
finish
