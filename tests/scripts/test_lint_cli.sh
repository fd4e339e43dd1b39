#!/usr/bin/env bash
# meshpanel lint as a user runs it: the demo, the demo under its platform's
# policy and the 37-tenant fixture (tests/data/lint/README.md) against their
# expected findings (read line by line when written: every line is
# justified there); the JSON and YAML shapes (jsonschema); -n; the default
# policy location; exit codes 0/1/2; and the live cluster of a kubeconfig
# (test API server): every namespace with an admin, the tenant's own with a
# tenant token, Secrets asked for as metadata only.
set -u
. "$(dirname "$0")/test_client_lib.bash"
DATA="$SRC/tests/data/lint"
export XDG_CONFIG_HOME="$WORK/xdg" # no policy file unless a test writes one
mkdir -p "$XDG_CONFIG_HOME"

# compare NAME EXPECTED-FILE: stdout of the last mp against a file
compare() {
    if diff -u "$2" "$WORK/out" >"$WORK/diff"; then
        ok "$1"
    else
        bad "$1" "$(head -n 40 "$WORK/diff")"
    fi
}

mp --help
check "--help lists lint" "$OUT" '^  lint +check the multi-tenant'

# ---- expected findings ----------------------------------------------------------
mp lint -f "$SRC/tests/data/demo"
compare "demo: the expected findings (tests/data/lint/demo.expected)" "$DATA/demo.expected"
check_eq "demo: an error (MP701) exits 1" "$RC" 1
check "demo: summary on stderr" "$ERR" '^summary: 1 error, 64 warnings, 0 info \(86 objects checked\)$'

mp lint -f "$SRC/tests/data/demo" --policy "$DATA/demo-policy.yaml"
compare "demo with its platform's policy (demo-policy.expected)" "$DATA/demo-policy.expected"

mp lint -f "$DATA/tenants" --policy "$DATA/tenants-policy.yaml"
compare "37 tenants: the expected findings (tenants.expected)" "$DATA/tenants.expected"
check_eq "37 tenants: exit 1" "$RC" 1
codes=$(grep -oE '^[a-z]+: MP7[0-9]{2}' "$DATA/tenants.expected" | sed 's/.* //' | sort -u | tr '\n' ' ')
check_eq "37 tenants: every lint code but MP705 (DNS) is deliberate somewhere" "$codes" \
    "MP701 MP702 MP703 MP704 MP711 MP712 MP713 MP714 MP715 MP721 MP722 MP723 MP724 MP725 MP731 MP732 MP733 MP734 MP735 MP741 "

# the default policy file
mkdir -p "$XDG_CONFIG_HOME/meshpanel"
cp "$DATA/tenants-policy.yaml" "$XDG_CONFIG_HOME/meshpanel/policy.yaml"
mp lint -f "$DATA/tenants"
compare "\$XDG_CONFIG_HOME/meshpanel/policy.yaml is read without --policy" "$DATA/tenants.expected"
printf 'platformDomains: [cloud.sealos.io]\ngateway:\n  selector: ingressgateway\n' \
    >"$XDG_CONFIG_HOME/meshpanel/policy.yaml"
mp lint -f "$DATA/tenants"
check_eq "a bad policy file: exit 2" "$RC" 2
check "a bad policy file: file:line: key" "$ERR" 'policy.yaml:3: gateway.selector: needs a map'
check_eq "a bad policy file: nothing on stdout" "$OUT" ""
rm "$XDG_CONFIG_HOME/meshpanel/policy.yaml"

# ---- shapes -----------------------------------------------------------------------
P=(--policy "$DATA/tenants-policy.yaml")
mp lint -f "$DATA/tenants" "${P[@]}" -o json
check_eq "json: exit 1 as text" "$RC" 1
check "json: valid against tests/data/lint/findings.schema.json, one item per text line" "$(
    python3 - "$WORK/out" "$DATA/findings.schema.json" "$DATA/tenants.expected" <<'EOF' 2>&1
import json, sys, jsonschema
items = json.load(open(sys.argv[1]))
jsonschema.validate(items, json.load(open(sys.argv[2])))
lines = open(sys.argv[3]).read().splitlines()
assert len(items) == len(lines), (len(items), len(lines))
for it, line in zip(items, lines):
    assert line.startswith("%s: %s %s " % (it["severity"], it["code"], it["kind"].lower())), (it, line)
rel = [it for it in items if it["code"] == "MP701"]
assert rel and rel[0]["related"] == {"kind": "Ingress", "namespace": "ns-amy",
                                     "name": "network-amyshop01"}, rel
assert all("related" not in it for it in items if it["code"] == "MP704")
planned = [it for it in items if it["origin"] == "planned"]
assert {(it["code"], it["namespace"]) for it in planned} == {("MP721", "ns-vic"), ("MP721", "ns-yan")}, planned
print("OK")
EOF
)" '^OK$'
mp lint -f "$DATA/tenants" "${P[@]}" -o yaml
check "yaml: the same list" "$(
    python3 - "$WORK/out" "$DATA/findings.schema.json" <<'EOF' 2>&1
import json, sys, yaml, jsonschema
items = yaml.safe_load(open(sys.argv[1]))
jsonschema.validate(items, json.load(open(sys.argv[2])))
assert len(items) == 42, len(items)
print("OK")
EOF
)" '^OK$'
mp lint -f "$DATA/tenants" "${P[@]}" -n ns-oli -o json
check_eq "json: no finding is an empty list, exit 0" "$OUT|$RC" "[]|0"
mp lint -f "$DATA/tenants" "${P[@]}" -n ns-oli -o yaml
check_eq "yaml: no finding is an empty list" "$OUT" "[]"

# ---- -n and --fail-on -----------------------------------------------------------
mp lint -f "$DATA/tenants" "${P[@]}" -n ns-zed
check_eq "-n ns-zed: ns-zed's findings only" "$OUT" "$(grep ' ns-zed/' "$DATA/tenants.expected")"
check "-n: the summary names the namespace" "$ERR" 'namespace ns-zed\)$'
check_eq "-n ns-zed: an error, exit 1" "$RC" 1
mp lint -f "$DATA/tenants" "${P[@]}" -n ns-amy
check_eq "-n ns-amy: warnings only, exit 0 (default --fail-on error)" "$RC" 0
mp lint -f "$DATA/tenants" "${P[@]}" -n ns-amy --fail-on warning
check_eq "--fail-on warning: exit 1" "$RC" 1
mp lint -f "$DATA/tenants" "${P[@]}" -n ns-amy --fail-on=error
check_eq "--fail-on=error: exit 0" "$RC" 0
mp lint -f "$DATA/tenants" "${P[@]}" -n ns-oli --fail-on warning
check_eq "a clean tenant: exit 0, nothing on stdout" "$RC|$OUT" "0|"

# ---- exit 2 -------------------------------------------------------------------------
for args in "--fail-on info" "-o xml" "--bogus" "-f $DATA/tenants -A -n ns-a" "-f $WORK/missing" \
    "--policy $WORK/missing -f $DATA/tenants" "-f"; do
    # shellcheck disable=SC2086
    mp lint $args
    check_eq "exit 2: lint $args" "$RC" 2
done
printf 'apiVersion: v1\nkind: Service\nmetadata: {name: a\n' >"$WORK/broken.yaml"
mp lint -f "$WORK/broken.yaml"
check "exit 2: invalid YAML names file and line" "$RC $ERR" '^2 .*broken\.yaml.*line'
mp lint --help
check "--help: the contract's flags" "$RC $OUT" '^0 usage: meshpanel lint \[-f DIR\] \[-n NS \| -A\] \[--policy FILE\] \[-o text\|json\|yaml\]'

# ---- the live cluster ----------------------------------------------------------------
# the fixture as a cluster (the server has no cert-manager kinds), plus a Secret
# that carries data the client must never receive
python3 - "$DATA/tenants" "$WORK/seed.yaml" <<'EOF'
import glob, sys, yaml
docs = []
for f in sorted(glob.glob(sys.argv[1] + "/*.yaml")):
    docs += [d for d in yaml.safe_load_all(open(f)) if d and not d["apiVersion"].startswith("cert-manager")]
docs.append({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
             "metadata": {"name": "network-vicbikes", "namespace": "ns-vic"},
             "data": {"tls.key": "c2VjcmV0LWtleQ=="}})
yaml.safe_dump_all(docs, open(sys.argv[2], "w"))
EOF
start_server "$WORK/srv" --seed "$WORK/seed.yaml" --tenant-token zed-token=ns-zed
KC="$WORK/srv/kubeconfig"
mp lint --kubeconfig "$KC" -A "${P[@]}"
check_eq "live -A: exit 1" "$RC" 1
grep -v ' ns-vic/' "$DATA/tenants.expected" >"$WORK/want"
grep -v ' ns-vic/' "$WORK/out" >"$WORK/got"
if diff -u "$WORK/want" "$WORK/got" >"$WORK/diff"; then
    ok "live -A: the same findings as the files (but ns-vic)"
else
    bad "live -A: the same findings as the files (but ns-vic)" "$(head -n 30 "$WORK/diff")"
fi
check "live -A: ns-vic's certificate is now in ns-vic, still not in istio-system" "$OUT" \
    '^error: MP721 gateway ns-vic/meshpanel-gateway \(planned\): spec.servers\[1\].tls.credentialName: no Secret network-vicbikes in istio-system'
check_not "live -A: no Secret data anywhere" "$OUT" 'c2VjcmV0|tls\.key'
check "every Secret request asked for metadata only" "$(pyq '
sec = [r for r in reqs if "/secrets" in r["path"]]
assert sec, "no secret request"
bad = [r for r in sec if "as=PartialObjectMetadata" not in r["accept"]]
assert not bad, bad
print("OK")')" '^OK$'
mp lint --kubeconfig "$KC" -n ns-zed "${P[@]}"
check_eq "live -n ns-zed: every namespace read, ns-zed reported" "$OUT" "$(grep ' ns-zed/' "$DATA/tenants.expected")"
mp lint --kubeconfig "$WORK/srv/kubeconfig-ns-zed" "${P[@]}"
check_eq "tenant token: its own namespace (no other tenant to collide with), exit 0" "$RC" 0
check "tenant token: says what it could not see" "$ERR" 'cannot list every namespace: read ns-zed'
check_eq "tenant token: ns-amy unseen, so no collision to report" "$OUT" ""
mp lint --kubeconfig "$WORK/srv/kubeconfig-ns-zed" -A
check_eq "tenant token -A: cannot run, exit 2" "$RC" 2
mp lint --kubeconfig "$WORK/missing"
check_eq "no kubeconfig: exit 2" "$RC" 2

finish
