#!/usr/bin/env bash
# The migration's steps from the console (issue 9), in script mode against
# the test API server seeded with the wave of tests/data/migrate/wave.yaml:
# on one tenant, plan shows the diff and writes nothing; apply shows it,
# asks, runs (a progress line per tenant), shows the CLI's result table; the
# panes and the :migrate board show the new state; a read-only console
# refuses and writes nothing; verify, cutover, then R rolls back, and the
# invariant of tests/tools/mig_invariant.py holds (every Ingress as before,
# nothing of meshpanel left, the hand-made VirtualService untouched).
set -u
: "${MESHPANEL:?}" "${SRC:?}"
. "$SRC/tests/scripts/test_client_lib.bash"
export LC_ALL=C.UTF-8 MESHPANEL_NOW="2026-09-01T00:00:00Z"
unset EDITOR VISUAL MESHPANEL_SCRIPT MESHPANEL_DEMO_DIR NO_COLOR
export XDG_STATE_HOME="$WORK/state" HOME="$WORK/home"
mkdir -p "$HOME"
INV="$SRC/tests/tools/mig_invariant.py"
HAND=VirtualService/ns-carol/hand-made
T=ns-carol

start_server "$WORK/srv" --seed "$SRC/tests/data/migrate/wave.yaml"
KC="$WORK/srv/kubeconfig"
api GET /_test/state >"$WORK/s0.json"
python3 "$INV" snap "$WORK/s0.json" "$WORK/before.json" "$HAND"

console() { # NAME ARGS...: runs $WORK/NAME.script
    local name=$1
    shift
    mp --kubeconfig "$KC" "$@" --script "$WORK/$name.script" --size 160x45
    check_eq "$name: the console exits 0 (sanitizers quiet)" "$RC:$ERR" "0:"
}
screen() { cat "$WORK/$1.txt" 2>/dev/null; }
status() { tail -n 2 "$WORK/$1.txt" 2>/dev/null | head -n 1; }
writes() {
    pyq 'print(len([r for r in reqs if r["method"] in ("POST", "PUT", "PATCH", "DELETE")
                    and r["params"].get("dryRun") != "All"]))'
}
# the tenant's Ingresses' meshpanel.io/state (an annotation), sorted, one line
states() {
    pyq "print(' '.join(sorted((o['metadata'].get('annotations') or {}).get('meshpanel.io/state', '-')
                 for o in state['items'] if o['kind'] == 'Ingress'
                 and o['metadata']['namespace'] == '$T')))"
}
managed() { # objects of meshpanel in the tenant
    pyq "print(len([o for o in state['items'] if o['metadata'].get('namespace') == '$T'
                and (o['metadata'].get('labels') or {}).get('app.kubernetes.io/managed-by') == 'meshpanel']))"
}

# ============ plan: the diff, nothing written ================================
reset_requests
cat >"$WORK/plan.script" <<EOF
sync 10000
:tenant $T
key m
:save-display $WORK/plan-menu.txt
key Enter
:save-display $WORK/plan.txt
key Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down
key Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down
:save-display $WORK/plan-down.txt
EOF
console plan
check "plan: m offers the steps for the tenant" "$(screen plan-menu)" "Migration step for $T"
check "plan: ... rollback among them" "$(screen plan-menu)" '│ +rollback +│'
s=$(screen plan)
check "plan: the popup says it writes nothing" "$s" 'migrate plan: writes nothing'
check "plan: the CLI's table" "$s" '│ TENANT +RESULT +BEFORE +WRITES +MESSAGE'
check "plan: the tenant would change" "$s" "│ $T +would change +ingress-only +0 "
check "plan: the tenant's preview follows" "$s" "│ == plan $T \\(ingress-only\\)"
check "plan: the status line sums it up" "$(status plan)" \
    "migrate plan: 1 tenant: 1 would change, 0 unchanged"
s=$(cat "$WORK/plan.txt" "$WORK/plan-down.txt")
check "plan: a diff of the tenant's VirtualService" "$s" '│ \+  name: kfzqyuwmrbhe-cloud-sealos-io '
check_eq "plan: no write request" "$(writes)" 0

# ============ plan on every tenant the filter keeps: the popup's lines capped
reset_requests
downs=$(printf 'Down %.0s' $(seq 1 60))
{
    echo "sync 10000"
    echo "key /"
    echo "type ns-"
    echo "key Enter"
    echo "key m Enter"
    echo ":save-display $WORK/wave.txt"
    for _ in 1 2 3 4 5; do echo "key $downs"; done
    echo ":save-display $WORK/wave-end.txt"
} >"$WORK/wave.script"
console wave
s=$(screen wave)
check "wave: the table lists the 20 tenants the filter keeps" "$(grep -cE '│ ns-[a-z0-9]+ +(would change|unchanged|refused) ' <<<"$s")" '^20$'
check "wave: the status line counts them" "$(status wave)" 'migrate plan: 20 tenants: 19 would change, 1 unchanged'
check "wave: the popup ends by saying what it cut" "$(screen wave-end)" \
    '│ \.\.\. [0-9]+ more lines: `meshpanel migrate plan --dry-run -n NS\.\.\.` prints them all'
check_eq "wave: no write request" "$(writes)" 0

# ============ apply: asks first, then runs, the table, the panes ==============
reset_requests
cat >"$WORK/apply.script" <<EOF
sync 10000
:tenant $T
key m j Enter
:save-display $WORK/apply-ask.txt
key y
:save-display $WORK/apply-done.txt
key q
pump 2000
key 3
:save-display $WORK/apply-vs.txt
:messages
:save-display $WORK/apply-messages.txt
key q
:migrate
:save-display $WORK/apply-board.txt
EOF
console apply
s=$(screen apply-ask)
check "apply: the confirmation shows what it will change" "$s" 'migrate apply: what it will change'
check "apply: ... the diff" "$s" "│ == apply $T \\(ingress-only\\)"
check "apply: ... and asks" "$s" 'Run apply on 1 tenant\?  \[y\] yes  \[N\] no'
s=$(screen apply-done)
check "apply: the result table" "$s" '│ TENANT +RESULT +BEFORE +AFTER +WRITES +MESSAGE'
check "apply: the tenant is dual" "$s" "│ $T +done +ingress-only +dual +[1-9][0-9]* "
check "apply: the summary" "$s" "migrate apply: 1 tenant: 1 done, 0 unchanged, 0 with findings, 0 failed, 0 not run"
check "apply: the progress line went by" "$(screen apply-messages)" \
    "migrate apply: \\[1/1\\] $T: done"
check "apply: the VirtualServices pane shows the applied objects" "$(screen apply-vs)" \
    '│ kfzqyuwmrbhe-cloud-s.* kfzqyuwmrbhe\.cloud\.se.* ok +│'
check "apply: the tenants pane: GW 1, VS 4 (the hand-made one too), mixed" "$(screen apply-vs)" \
    "│ $T +3 +1 +4 mixed "
check "apply: the board counts the tenant dual" "$(screen apply-board)" 'tenants: 20 \(.*dual 1'
check "apply: the Ingresses are marked dual" "$(states)" '^dual( dual)*$'
check "apply: meshpanel's objects exist" "$(managed)" '^[1-9][0-9]*$'
check "apply: it wrote" "$(writes)" '^[1-9][0-9]*$'
out=$(pyq 'print("outside: %d" % len([r for r in reqs if r["method"] in ("POST", "PUT", "PATCH", "DELETE")
       and r["params"].get("dryRun") != "All" and "/namespaces/'"$T"'/" not in r["path"]]))')
check_eq "apply: writes only in the tenant" "$out" "outside: 0"

# ============ read-only: refused, nothing written =============================
reset_requests
cat >"$WORK/ro.script" <<EOF
sync 10000
:tenant $T
key R
:save-display $WORK/ro.txt
:migrate cutover
:save-display $WORK/ro-cutover.txt
EOF
console ro --readonly
check "read-only: R refused" "$(status ro)" 'read-only console: migrate rollback is off'
check "read-only: :migrate cutover refused" "$(status ro-cutover)" 'read-only console: migrate cutover is off'
check_eq "read-only: no write request" "$(writes)" 0

# ============ cutover refused: verify has not passed yet ======================
reset_requests
cat >"$WORK/refused.script" <<EOF
sync 10000
:tenant $T
:migrate cutover
:save-display $WORK/refused.txt
EOF
console refused
s=$(screen refused)
check "refused: nothing asked" "$s" 'migrate cutover: refused, nothing to run'
check "refused: the reason, per tenant" "$s" \
    "│ $T +refused +dual +0  verify has not passed for the objects as they are now"
check_not "refused: no question" "$s" 'Run cutover'
check_eq "refused: no write request" "$(writes)" 0

# ============ verify, cutover =================================================
# the certificates where the gateway reads them (metadata only), as
# test_migrate.sh seeds them before its cutover
api POST /_test/seed "$(cat "$SRC/tests/data/migrate/gateway-certs.yaml")" application/yaml >/dev/null
cat >"$WORK/cut.script" <<EOF
sync 10000
:tenant $T
:migrate verify
:save-display $WORK/verify.txt
key q
:migrate cutover
:save-display $WORK/cut-ask.txt
key y
:save-display $WORK/cut-done.txt
key q
pump 2000
:save-display $WORK/cut-panes.txt
EOF
console cut
check "verify: runs without asking, the tenant passes" "$(screen verify)" "│ $T +done +dual +dual "
check "cutover: asks" "$(screen cut-ask)" 'Run cutover on 1 tenant\?'
check "cutover: done" "$(screen cut-done)" "│ $T +done +dual +cut-over "
check "cutover: the Ingresses are cut over" "$(states)" '^cut-over( cut-over)*$'
check "cutover: the panes: the tenant served by Istio" "$(screen cut-panes)" "│ $T +3 +1 +4 istio "
check "cutover: ... its Ingresses paused" "$(screen cut-panes)" '│ network-tjwqfyzbn… kfzqyuwmrbhe\.clou… / +pause +[0-9]+d paused'

# ============ R: rollback, the invariant =====================================
cat >"$WORK/rb.script" <<EOF
sync 10000
:tenant $T
key R
:save-display $WORK/rb-ask.txt
key y
:save-display $WORK/rb-done.txt
EOF
console rb
check "rollback: asks" "$(screen rb-ask)" 'Run rollback on 1 tenant\?'
check "rollback: done" "$(screen rb-done)" "│ $T +done +cut-over +ingress-only "
api GET /_test/state >"$WORK/s1.json"
out=$(python3 "$INV" check "$WORK/before.json" "$WORK/s1.json" 2>&1)
check_eq "rollback: the invariant holds (Ingresses as before, nothing of meshpanel, hand-made untouched)" "$?:$out" \
    "0:invariant holds: 32 Ingresses identical, no object of meshpanel left, 1 hand-made object(s) untouched"
check_eq "rollback: no object of meshpanel in the tenant" "$(managed)" 0

[ -n "${KEEP_WORK:-}" ] && cp -r "$WORK" "$KEEP_WORK"
finish
