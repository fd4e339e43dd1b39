#!/usr/bin/env bash
# The console's first lists (issue 11, api/watch.h "Next pages"): a kind's
# page N+1 is asked as soon as page N's continue token is known, while page
# N still arrives. Proven by the order of the test API server's request log,
# not by timing: with hold_list_ms the server sends a page up to its first
# item and then waits for the next request of the same path before it sends
# the rest (and logs how many requests it had when the page was written in
# full, "done"); a console that asks for page N+1 only after reading page N
# waits 10 s per held page. The store must equal a fresh list either way.
# (That the watches wait for the lists, api/watch.h "First lists", is not
# asserted: after 250 ms without an answer, as on a loaded machine, they
# rightly do not.)
set -uo pipefail
source "$(dirname "$0")/test_client_lib.bash"
export LC_ALL=C.UTF-8 MESHPANEL_NOW="2026-09-01T00:00:00Z"
unset MESHPANEL_SCRIPT MESHPANEL_TRACE

# 4,500 Ingresses: three pages of the console's 2,000
start_server "$WORK/srv" --generate 4500
KC="$WORK/srv/kubeconfig"
ING=/apis/networking.k8s.io/v1/ingresses

# run TAG: the console syncs (within 15 s, also under a sanitizer: the two
# held pages take 20 without the prefetch), saves its store, lets the
# watches start, quits
run() {
    {
        echo "sync 15000"
        echo ":save-store $WORK/$1.store"
        echo ":save-display $WORK/$1.txt"
        echo "pump 500"
        echo "key q"
    } >"$WORK/$1.script"
    timeout 60 "$MESHPANEL" --kubeconfig "$KC" --script "$WORK/$1.script" \
        >"$WORK/$1.out" 2>"$WORK/$1.err"
    check_eq "$1: the console ran its script" "$?|$(head -c 300 "$WORK/$1.err")" "0|"
    api GET /_test/state >"$WORK/state.json"
    check "$1: the store equals a fresh list" \
        "$(python3 "$SRC/tests/tools/store_lines.py" "$WORK/$1.store" "$WORK/state.json")" '^same [0-9]+$'
    check_eq "$1: 4,500 Ingresses held" "$(grep -c '^Ingress ' "$WORK/$1.store")" 4500
    check "$1: the screen counts them" "$(cat "$WORK/$1.txt")" "4500 ing"
}

api POST /_test/reset >/dev/null
run plain
check_eq "plain: the Ingresses in 3 requests (no page asked twice)" "$(lists $ING | wc -l)" 3

api POST /_test/faults '{"hold_list_ms": 10000}' >/dev/null
api POST /_test/reset >/dev/null
run held
check_eq "held: page N+1 asked while page N was still being sent" "$(overlapped $ING 3)" OK
api POST /_test/faults '{"hold_list_ms": 0}' >/dev/null

finish
