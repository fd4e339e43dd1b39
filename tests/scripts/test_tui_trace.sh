#!/usr/bin/env bash
# MESHPANEL_TRACE (tui/trace.c) and the script instruction `sync MS`: the
# milestones and per-key lines bench/tui.sh parses, against the demo and a
# live test API server. Asserts on what is written, never on how long it took.
source "$(dirname "$0")/test_client_lib.bash"
export LC_ALL=C.UTF-8 MESHPANEL_NOW="2026-09-01T00:00:00Z"
unset MESHPANEL_SCRIPT MESHPANEL_TRACE MESHPANEL_TRACE_T0_NS

# field LINE NAME -> the value of NAME=... in a trace line
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }

# --- demo: lint's run (:problems runs it at once: the CLI's 65 findings)
printf ':problems\n' >"$WORK/lint.script"
MESHPANEL_TRACE="$WORK/lint.trace" mp --demo --script "$WORK/lint.script"
check "lint: one line per run" "$(grep ' event=lint ' "$WORK/lint.trace")" \
    '^t_ms=[0-9.]+ cpu_ms=[0-9.]+ event=lint ms=[0-9]+ findings=65 steps=[0-9]+ max_step_us=[0-9]+ converted=[0-9]+$'
check "lint: its start is traced" "$(grep -c ' event=lint-start ' "$WORK/lint.trace")" '^1$'

# --- demo: milestones and one line per key/type script line
printf 'key j\ntype x\nkey Esc\nkey q\n' >"$WORK/keys.script"
MESHPANEL_TRACE="$WORK/demo.trace" mp --demo --script "$WORK/keys.script"
check_eq "demo script exits 0" "$RC" "0"
T=$(cat "$WORK/demo.trace" 2>/dev/null)
check "start line first" "$(head -n1 <<<"$T")" '^t_ms=[0-9.]+ cpu_ms=[0-9.]+ event=start$'
paint=$(grep ' event=first-paint ' <<<"$T")
check "first-paint line" "$paint" '^t_ms=[0-9.]+ cpu_ms=[0-9.]+ event=first-paint objects=[0-9]+ tenants=13$'
[ "$(field "$paint" objects)" -gt 0 ] && ok "first-paint counts objects" ||
    bad "first-paint counts objects" "$paint"
check_eq "demo is synced once" "$(grep -c ' event=synced ' <<<"$T")" "1"
keys=$(grep ' event=key ' <<<"$T" | sed 's/.* key=\([^ ]*\) cpu_us=[0-9]* wall_us=[0-9]*$/\1/')
check_eq "one key line per key/type line" "$(tr '\n' ' ' <<<"$keys")" "j x Esc q "
order=$(grep -o 'event=[a-z-]*' <<<"$T" | head -n4 | tr '\n' ' ')
check_eq "milestones in order" "$order" "event=start event=open event=synced event=first-draw "

# --- appends: a second run adds its own start line
MESHPANEL_TRACE="$WORK/demo.trace" mp --demo --script "$WORK/keys.script"
check_eq "a second run appends" "$(grep -c ' event=start$' "$WORK/demo.trace")" "2"

# --- a launcher's T0 in the past shows up in t_ms
t0=$(python3 -c 'import time; print(time.monotonic_ns() - 5_000_000_000)')
MESHPANEL_TRACE="$WORK/t0.trace" MESHPANEL_TRACE_T0_NS=$t0 mp --demo --script "$WORK/keys.script"
start=$(head -n1 "$WORK/t0.trace" | sed 's/^t_ms=\([0-9]*\).*/\1/')
[ "${start:-0}" -ge 5000 ] && ok "MESHPANEL_TRACE_T0_NS is the origin" ||
    bad "MESHPANEL_TRACE_T0_NS is the origin" "$(head -n1 "$WORK/t0.trace")"

# --- an unwritable trace path does not stop the console
MESHPANEL_TRACE="$WORK/no/such/dir/x.trace" mp --demo --script "$WORK/keys.script"
check_eq "unwritable trace path: still runs" "$RC" "0"

# --- live server: sync waits for every watch stream, first-paint comes after
start_server "$WORK/s1" --generate 50
cat >"$WORK/kubeconfig" <<EOF_KC
apiVersion: v1
kind: Config
clusters: [{name: t, cluster: {server: "$URL", certificate-authority: "$WORK/s1/ca.crt"}}]
users: [{name: admin, user: {token: admin-token}}]
contexts: [{name: t, context: {cluster: t, user: admin}}]
current-context: t
EOF_KC
printf 'sync 30000\n:save-display %s\nkey q\n' "$WORK/live.txt" >"$WORK/live.script"
MESHPANEL_TRACE="$WORK/live.trace" mp --kubeconfig "$WORK/kubeconfig" --script "$WORK/live.script"
check_eq "live: sync succeeds" "$RC|$ERR" "0|"
S=$(cat "$WORK/live.txt" 2>/dev/null)
check "live: all tenants after sync" "$S" 'Tenants \[10\]'
check "live: status says synced" "$S" '9/9 kinds synced'
check "live: 50 ingresses" "$S" ' 50 ing '
T=$(cat "$WORK/live.trace")
# lint runs in idle time (tui/lint_console.h): when is not a milestone
order=$(grep -o 'event=[a-z-]*' <<<"$T" | grep -v 'event=key\|event=lint' | tr '\n' ' ')
check_eq "live: milestones" "$order" "event=start event=open event=first-draw event=synced event=first-paint "
check "live: first draw before data" "$(grep first-draw <<<"$T")" 'objects=0 tenants=0$'
check "live: first paint has everything" "$(grep first-paint <<<"$T")" 'tenants=10$'

# --- not synced in time: sync fails with the source status, exit 1 (with no
# time to pump, no watch stream can have delivered its list yet)
printf 'sync 0\n' >"$WORK/early.script"
mp --kubeconfig "$WORK/kubeconfig" --script "$WORK/early.script"
check_eq "early: exit 1" "$RC" "1"
check "early: says why" "$ERR" 'early.script:1: sync: not synced after 0 ms \(.*\)'
finish
