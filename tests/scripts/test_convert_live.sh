#!/usr/bin/env bash
# `meshpanel convert` without -f reads the kubeconfig's cluster: its output
# (stdout, stderr, exit status) equals `convert -f` of the same objects dumped
# to a file by `get -o yaml` (IngressClasses, Ingresses, Services, the order
# convert reads them in). Against the test API server: -A, -n NS, the
# context's namespace, a server that ignores limit, a tenant's credentials
# (no IngressClasses), an invalid Ingress in the cluster, flag errors.
set -uo pipefail
. "$(dirname "$0")/test_client_lib.bash"

corpus=$WORK/corpus.yaml
python3 "$SRC/bench/gen_ingresses.py" -n 200 --seed 7 -o "$corpus"
cat >"$WORK/class.yaml" <<'YAML'
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
  annotations:
    ingressclass.kubernetes.io/is-default-class: "true"
spec:
  controller: k8s.io/ingress-nginx
YAML
ns1=$(sed -n 's/^  namespace: //p' "$corpus" | head -n1)
start_server "$WORK/s" --seed "$corpus" --seed "$WORK/class.yaml" --seed "$SRC/tests/golden/host-three-namespaces/input.yaml" \
    --tenant-token "tok-$ns1=$ns1"
KC=$WORK/s/kubeconfig

# dump NS_FLAGS... -> $WORK/dump.yaml, as convert -A/-n reads the cluster
dump() {
    : >"$WORK/dump.yaml"
    local kind
    for kind in ingressclasses ingresses services; do
        local flags=("$@")
        [ "$kind" = ingressclasses ] && flags=()
        timeout 60 "$MESHPANEL" get "$kind" "${flags[@]}" -o yaml --kubeconfig "$KC" >"$WORK/part.yaml" ||
            { echo "FAIL: get $kind"; exit 1; }
        if [ -s "$WORK/part.yaml" ]; then
            [ -s "$WORK/dump.yaml" ] && echo --- >>"$WORK/dump.yaml"
            cat "$WORK/part.yaml" >>"$WORK/dump.yaml"
        fi
    done
}

# same NAME FLAGS...: convert FLAGS against the cluster and -f the dump
same() {
    local name=$1
    shift
    mp convert "$@" --kubeconfig "$KC"
    local out=$OUT err=$ERR rc=$RC
    mp convert -f "$WORK/dump.yaml"
    check_eq "$name: exit status" "$rc" "$RC"
    check_eq "$name: stdout equals convert -f of the dump" "$out" "$OUT"
    check_eq "$name: stderr equals convert -f of the dump" "$err" "$ERR"
    LIVE_OUT=$out LIVE_RC=$rc
}

dump -A
check "dump holds the Ingresses of every namespace" "$(grep -c "^  kind: Ingress$" "$WORK/dump.yaml")" "^20[0-9]$"
reset_requests
same "-A" -A
check "-A converts" "$LIVE_OUT" '^kind: VirtualService'
check_eq "-A exit 0" "$LIVE_RC" 0
check "-A: a shared host across namespaces is seen" "$ERR" 'summary: 2[0-9][0-9] Ingresses read'
paged=$(pyq 'print(sum(1 for r in reqs if r["path"].endswith("/ingresses") and r["params"].get("limit")))')
check "-A lists Ingresses in pages (limit)" "$paged" '^[1-9]'
nolist=$(pyq 'print(sum(1 for r in reqs if "secrets" in r["path"] or "virtualservices" in r["path"]))')
check_eq "only IngressClasses, Ingresses and Services are read" "$nolist" 0

faults '{"ignore_limit": 1}'
same "-A, server ignores limit" -A
faults '{"ignore_limit": 0}'

dump -n "$ns1"
same "-n $ns1" -n "$ns1"
check "-n: one tenant's Gateway" "$LIVE_OUT" "namespace: $ns1"
check_eq "-n: no other namespace" "$(grep '^  namespace: ' <<<"$LIVE_OUT" | sort -u | wc -l)" 1

# the tenant's kubeconfig: the context namespace, no IngressClasses (403)
sed -e "s/token: admin-token/token: tok-$ns1/" "$KC" >"$WORK/kc-tenant"
grep -q "tok-$ns1" "$WORK/kc-tenant" || { echo "FAIL: tenant kubeconfig"; exit 1; }
python3 - "$WORK/kc-tenant" "$ns1" <<'PY'
import sys, yaml
p, ns = sys.argv[1], sys.argv[2]
kc = yaml.safe_load(open(p))
kc["contexts"][0]["context"]["namespace"] = ns
yaml.safe_dump(kc, open(p, "w"))
PY
mp convert --kubeconfig "$WORK/kc-tenant"
check "tenant: IngressClasses forbidden is a note" "$ERR" 'cannot list IngressClasses: converting without them'
check "tenant: its namespace converted" "$OUT" "namespace: $ns1"
check_eq "tenant: exit 0" "$RC" 0
mp convert -A --kubeconfig "$WORK/kc-tenant"
check_eq "tenant -A: forbidden, exit 2" "$RC" 2
check "tenant -A: says forbidden" "$ERR" 'forbidden'
check_eq "tenant -A: nothing on stdout" "$OUT" ""

# an Ingress the API server takes but the converter refuses (no backend port)
api POST "/apis/networking.k8s.io/v1/namespaces/$ns1/ingresses" \
    '{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"broken"},"spec":{"rules":[{"host":"b.example.com","http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"x"}}}]}}]}}' >/dev/null
mp convert -n "$ns1" --kubeconfig "$KC"
check_eq "invalid Ingress: exit 2" "$RC" 2
check "invalid Ingress: named" "$ERR" "ingress $ns1/broken"
check "invalid Ingress: summary" "$ERR" 'summary: invalid input: 1 error; nothing converted'
check_eq "invalid Ingress: nothing on stdout" "$OUT" ""

mp convert -A -n "$ns1" --kubeconfig "$KC"
check_eq "-A with -n: exit 2" "$RC" 2
check "-A with -n: says so" "$ERR" '-A and -n cannot be used together'
mp convert -A -f "$corpus"
check_eq "-A with -f: exit 2" "$RC" 2
mp convert --kubeconfig "$WORK/none"
check_eq "no kubeconfig: exit 2" "$RC" 2
check "no kubeconfig: one line" "$ERR" '^meshpanel convert: '

finish
