#!/usr/bin/env bash
# Issue 9's faults: each scenario starts from the 20-tenant wave
# (tests/data/migrate), breaks something, re-runs or rolls back, and ends
# with the invariant (tests/tools/mig_invariant.py): every Ingress as it
# was (spec, labels, annotations, class), no object of meshpanel left, the
# hand-made VirtualService ns-carol/hand-made byte-identical.
#   A  the server fails a write with 500 in the middle of apply; rollback
#   B  a 500 in apply, cutover, retire and rollback, each step re-run
#   C  the connection drops mid-wave (the server stops answering), twice
#   D  the Ingress is edited between the plan apply shows and its write: 409
#   E  meshpanel is SIGKILLed during apply, again during cutover (and
#      during rollback); each step re-run
#   F  a tenant's token may not touch another tenant
#   G  the backup directory cannot be written: refused before any write
set -u
: "${MESHPANEL:?}" "${SRC:?}"
. "$SRC/tests/scripts/test_client_lib.bash"
export LC_ALL=C.UTF-8 MESHPANEL_NOW="2026-09-01T00:00:00Z"
unset EDITOR VISUAL MESHPANEL_SCRIPT MESHPANEL_DEMO_DIR NO_COLOR
INV="$SRC/tests/tools/mig_invariant.py"
HAND=VirtualService/ns-carol/hand-made
SRV_PID=

# fresh NAME [server flags]: a new server with the wave and the gateway's
# certificates, a new state dir, the "before" snapshot
fresh() {
    local name=$1
    shift
    [ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null
    start_server "$WORK/$name" --seed "$SRC/tests/data/migrate/wave.yaml" \
        --seed "$SRC/tests/data/migrate/gateway-certs.yaml" "$@"
    SRV_PID=${PIDS[-1]}
    K=(--kubeconfig "$WORK/$name/kubeconfig")
    export XDG_STATE_HOME="$WORK/$name-state"
    api GET /_test/state >"$WORK/$name-s0.json"
    python3 "$INV" snap "$WORK/$name-s0.json" "$WORK/before.json" "$HAND"
}
invariant() {
    api GET /_test/state >"$WORK/now.json"
    local out
    out=$(python3 "$INV" check "$WORK/before.json" "$WORK/now.json")
    check "$1: the invariant holds" "$out" '^invariant holds: 32 Ingresses identical'
}
writes() {
    pyq 'print(len([r for r in reqs if r["method"] in ("POST", "PUT", "PATCH", "DELETE")]))'
}
# meshpanel itself in the background ($BG is its pid, so a kill reaches
# it; its requests have timeouts, and ctest's timeout bounds the rest)
mp_bg() {
    # emptied here, not by the child's redirection: that runs after the
    # fork, and a wait_file in between would match the last run's lines
    : >"$WORK/bg.out"
    : >"$WORK/bg.err"
    "$MESHPANEL" "$@" >"$WORK/bg.out" 2>"$WORK/bg.err" &
    BG=$!
}
wait_bg() {
    wait "$BG"
    RC=$?
    OUT=$(cat "$WORK/bg.out")
    ERR=$(cat "$WORK/bg.err")
}
# quiet: the server has served what was in flight when meshpanel went away
# (a write it had sent lands late): its request log stops growing
quiet() {
    local a b
    b=$(requests | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
    for _ in $(seq 50); do
        sleep 0.2
        a=$b
        b=$(requests | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
        [ "$a" = "$b" ] && return 0
    done
    echo "# the server did not settle"
}
# run STEP ARGS: a step that must end with exit 0
run() {
    mp "$@" --yes
    check_eq "$1 $2 exits 0" "$RC" 0
    [ "$RC" -eq 0 ] || grep -E ' failed |^meshpanel' <<<"$OUT
$ERR" | head -n 5 | sed 's/^/#   /'
}

# ============ A: a 500 in the middle of apply, then rollback =================
fresh a
faults '{"fail_write_nth": 40}'
mp migrate apply "${K[@]}" --yes
check_eq "A: apply with a 500: exit 2" "$RC" 2
check "A: the failed tenant names the server's error" "$OUT" 'failed .*500'
check "A: the next tenants were not run" "$OUT" 'not run: stopped at the first failure'
run rollback "${K[@]}"
invariant A

# ============ B: a 500 in every step, each re-run ============================
fresh b
for step in apply verify cutover retire; do
    faults '{"fail_write_nth": 25}'
    mp migrate $step "${K[@]}" --yes
    if [ $step = verify ]; then
        # verify writes little: the 25th write may not come
        faults '{"fail_write_nth": 0}'
    else
        check_eq "B: $step with a 500: exit 2" "$RC" 2
    fi
    mp migrate $step "${K[@]}" --yes
    check_eq "B: $step re-run: exit 0" "$RC" 0
    check "B: $step re-run: no tenant failed" "$OUT" "migrate $step: 20 tenants: .* 0 failed, 0 not run"
done
mp status "${K[@]}"
check "B: status after retire" "$OUT" '^tenants: 20 \(retired 19, suspended 1\)$'
faults '{"fail_write_nth": 12}'
mp rollback "${K[@]}" --yes
check_eq "B: rollback with a 500: exit 2" "$RC" 2
check "B: ... every Ingress of that tenant restored first" "$OUT" '\(every Ingress is restored\)|\(no object of meshpanel removed\)'
run rollback "${K[@]}"
invariant B

# ============ C: the connection drops mid-wave ===============================
fresh c
faults '{"latency_ms": 60}'
mp_bg migrate apply "${K[@]}" --yes --request-timeout 2s
wait_file "$WORK/bg.err" '\[4/20\]' 60000 || echo "# C: apply did not reach tenant 4"
kill -STOP "$SRV_PID"
wait_bg
kill -CONT "$SRV_PID"
quiet
check_eq "C: apply with the server gone silent: exit 2" "$RC" 2
check "C: the tenant in flight failed with a timeout" "$OUT" 'failed .*(imed out|Timeout)'
faults '{"latency_ms": 0}'
run migrate apply "${K[@]}"
check "C: the re-run resumed: the first tenants unchanged" "$OUT" '^ns-alice +unchanged '
run migrate verify "${K[@]}"
faults '{"latency_ms": 60}'
mp_bg rollback "${K[@]}" --yes --request-timeout 2s
wait_file "$WORK/bg.err" '\[6/20\]' 60000 || echo "# C: rollback did not reach tenant 6"
kill -STOP "$SRV_PID"
wait_bg
kill -CONT "$SRV_PID"
quiet
check_eq "C: rollback with the server gone silent: exit 2" "$RC" 2
faults '{"latency_ms": 0}'
run rollback "${K[@]}"
invariant C

# ============ D: the Ingress edited between the plan shown and the write =====
fresh d
faults '{"latency_ms": 100}'
mp_bg migrate apply "${K[@]}" --yes --continue-on-error
wait_file "$WORK/bg.err" '\[1/20\]' 60000 || echo "# D: apply did not start"
# someone edits ns-z3x7c1vb/search (the last tenant) while apply runs
api PATCH /apis/networking.k8s.io/v1/namespaces/ns-z3x7c1vb/ingresses/search \
    '{"metadata":{"labels":{"edited":"by-someone"}}}' application/merge-patch+json >/dev/null
wait_bg
faults '{"latency_ms": 0}'
check_eq "D: apply: exit 2 (one tenant failed)" "$RC" 2
check "D: the edited tenant failed with the conflict, nothing of it written" "$OUT" \
    '^ns-z3x7c1vb +failed .*ingress ns-z3x7c1vb/search changed since it was read \(409 Conflict\): not written; run the step again \(no Istio object written for the tenant\)'
check "D: the others went on" "$OUT" 'migrate apply: 20 tenants: 18 done, 1 unchanged, 0 with findings, 1 failed'
out=$(pyq 'print(len([o for o in state["items"] if o["metadata"].get("namespace") == "ns-z3x7c1vb"
    and (o["metadata"].get("labels") or {}).get("app.kubernetes.io/managed-by") == "meshpanel"]))')
check_eq "D: no object of meshpanel in the edited tenant" "$out" 0
# the edit is the Ingress's truth now: the invariant compares against it
api GET /_test/state >"$WORK/now.json"
python3 - "$WORK/before.json" "$WORK/now.json" <<'EOF'
import json, sys
b = json.load(open(sys.argv[1]))
k = "Ingress/ns-z3x7c1vb/search"
now = [o for o in json.load(open(sys.argv[2]))["items"] if o["kind"] == "Ingress"
       and o["metadata"]["namespace"] == "ns-z3x7c1vb" and o["metadata"]["name"] == "search"][0]
assert now["metadata"]["labels"]["edited"] == "by-someone"
b["ingresses"][k]["labels"] = now["metadata"]["labels"]
json.dump(b, open(sys.argv[1], "w"))
EOF
run migrate apply "${K[@]}"
check "D: the re-run migrates the edited tenant" "$OUT" '^ns-z3x7c1vb +done +ingress-only +dual'
run rollback "${K[@]}"
invariant D

# ============ E: SIGKILL during apply, again during cutover and rollback =====
fresh e
faults '{"latency_ms": 80}'
mp_bg migrate apply "${K[@]}" --yes
wait_file "$WORK/bg.err" '\[3/20\]' 60000 || echo "# E: apply did not reach tenant 3"
kill -KILL "$BG"
wait_bg
quiet
check_eq "E: apply killed" "$RC" 137
faults '{"latency_ms": 0}'
mp status "${K[@]}"
check "E: status after the kill: some tenants dual, the rest not yet" "$OUT" '^tenants: 20 \(.*dual [0-9]+.*ingress-only [0-9]+|^tenants: 20 \(.*ingress-only [0-9]+.*dual [0-9]+'
run migrate apply "${K[@]}"
check "E: apply re-run: the tenants done before the kill are unchanged" "$OUT" '^ns-alice +unchanged '
run migrate verify "${K[@]}"
faults '{"latency_ms": 80}'
mp_bg migrate cutover "${K[@]}" --yes
wait_file "$WORK/bg.err" '\[5/20\]' 60000 || echo "# E: cutover did not reach tenant 5"
kill -KILL "$BG"
wait_bg
quiet
check_eq "E: cutover killed" "$RC" 137
faults '{"latency_ms": 0}'
mp status "${K[@]}"
check "E: status after the second kill: some cut over, some dual" "$OUT" 'cut-over [0-9]+'
run migrate cutover "${K[@]}"
check "E: cutover re-run: the tenants cut over before the kill are unchanged" "$OUT" '^ns-alice +unchanged '
run migrate retire "${K[@]}"
faults '{"latency_ms": 80}'
mp_bg rollback "${K[@]}" --yes
wait_file "$WORK/bg.err" '\[4/20\]' 60000 || echo "# E: rollback did not reach tenant 4"
kill -KILL "$BG"
wait_bg
quiet
faults '{"latency_ms": 0}'
run rollback "${K[@]}"
invariant E

# ============ F: a tenant's token ============================================
fresh f --tenant-token carol-token=ns-carol
KC_CAROL=(--kubeconfig "$WORK/f/kubeconfig-ns-carol")
reset_requests
mp migrate apply "${KC_CAROL[@]}" -n ns-bob --yes
check_eq "F: ns-carol's token on ns-bob: exit 2" "$RC" 2
check "F: forbidden, said so" "$OUT" '^ns-bob +failed .*forbidden \(403\)'
check_eq "F: no write at all" "$(writes)" 0
mp migrate apply "${KC_CAROL[@]}" -n ns-carol -n ns-bob --yes --continue-on-error
check "F: its own tenant migrates, the other is refused" "$OUT" \
    'migrate apply: 2 tenants: 1 done, 0 unchanged, 0 with findings, 1 failed'
check "F: ... which is ns-carol" "$OUT" '^ns-carol +done +ingress-only +dual'
out=$(pyq 'print(sorted({r["user"] for r in reqs if r["method"] != "GET" and r["code"] < 300}))')
check_eq "F: every write was ns-carol's" "$out" "['system:serviceaccount:ns-carol:default']"
out=$(pyq 'print(sorted({r["path"].split("/")[5] if "/namespaces/" in r["path"] else "-"
    for r in reqs if r["method"] != "GET" and r["code"] < 300}))')
check_eq "F: ... and in ns-carol only" "$out" "['ns-carol']"
run migrate verify "${KC_CAROL[@]}" -n ns-carol
mp migrate cutover "${KC_CAROL[@]}" -n ns-carol --yes
check_eq "F: cutover with a token that cannot read istio-system: exit 2" "$RC" 2
check "F: ... the certificate cannot be checked" "$OUT" 'the Secrets of istio-system cannot be read'
run rollback "${KC_CAROL[@]}" -n ns-carol
invariant F

# ============ G: the backup directory cannot be written ======================
fresh g
: >"$WORK/not-a-dir"
reset_requests
XDG_STATE_HOME="$WORK/not-a-dir/state" mp migrate apply "${K[@]}" --yes
check_eq "G: apply without a writable backup directory: exit 2" "$RC" 2
check "G: refused before any change, saying why" "$ERR" \
    'apply refused before any change: backups cannot be written: .*not-a-dir'
check_eq "G: the server saw no write request" "$(writes)" 0
run migrate apply "${K[@]}"
reset_requests
XDG_STATE_HOME="$WORK/not-a-dir/state" mp rollback "${K[@]}" --yes
check_eq "G: rollback without a writable backup directory: exit 2" "$RC" 2
check_eq "G: ... no write request either" "$(writes)" 0
run rollback "${K[@]}"
invariant G
finish
