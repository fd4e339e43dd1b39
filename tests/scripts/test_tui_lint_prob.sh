#!/usr/bin/env bash
# The console judges as CI does: on the demo, the demo under its platform's
# policy, the 37-tenant lint fixture under its policy and the screen tests'
# basic fixture, every tenant's PROB (tenants pane) equals its error count
# from `meshpanel lint -f` over the same objects, and :problems lists as
# many findings as the CLI prints. The console reads the policy where the
# CLI does by default ($XDG_CONFIG_HOME/meshpanel/policy.yaml).
set -u
. "$(dirname "$0")/test_client_lib.bash"
DATA="$SRC/tests/data/lint"
export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/xdg" LC_ALL=C.UTF-8
export MESHPANEL_NOW="2026-09-01T00:00:00Z"
unset XDG_STATE_HOME MESHPANEL_CONFIG MESHPANEL_SCRIPT MESHPANEL_DEMO_DIR
mkdir -p "$HOME"
printf ':save-display %s/tenants.txt\n:problems\n:save-display %s/problems.txt\n' \
    "$WORK" "$WORK" >"$WORK/prob.script"

# case NAME DIR POLICY CONSOLE-ARGS...
case_() {
    local name=$1 dir=$2 policy=$3
    shift 3
    rm -rf "$XDG_CONFIG_HOME" "$WORK/tenants.txt" "$WORK/problems.txt"
    mkdir -p "$XDG_CONFIG_HOME/meshpanel"
    [ -n "$policy" ] && cp "$policy" "$XDG_CONFIG_HOME/meshpanel/policy.yaml"
    mp lint -f "$dir"
    local cli=$OUT
    local want got
    want=$(grep '^error:' <<<"$cli" | awk '{split($4, a, "/"); n[a[1]]++} END {for (k in n) print k, n[k]}' | sort)
    mp "$@" --size 200x60 --script "$WORK/prob.script"
    check_eq "$name: the console ran" "$RC" 0
    # tenants pane rows: "│ NS ING GW VS STATE PROB"; the namespaces with errors
    got=$(grep -oE '^│ [a-z0-9][^ ]* +[0-9]+ +[0-9]+ +[0-9]+ +[a-z-]+ +[0-9]+ ' "$WORK/tenants.txt" |
        awk '$7 > 0 {print $2, $7}' | sort)
    check_eq "$name: PROB is each tenant's error count from meshpanel lint -f" "$got" "$want"
    # not vacuous: every case has errors, and every tenant row was on screen
    check "$name: lint reports errors" "$want" '^ns-'
    local rows
    rows=$(grep -cE '^│ [a-z0-9][^ ]* +[0-9]+ +[0-9]+ +[0-9]+ ' "$WORK/tenants.txt")
    check "$name: every tenant on screen" "$(head -n2 "$WORK/tenants.txt")" "Tenants \\[$rows\\]"
    check_eq "$name: :problems lists the CLI's findings" \
        "$(grep -oE 'Problems \[[0-9]+\]' "$WORK/problems.txt")" "Problems [$(grep -c '' <<<"$cli")]"
}

case_ "demo" "$SRC/tests/data/demo" "" --demo
case_ "demo with its policy" "$SRC/tests/data/demo" "$DATA/demo-policy.yaml" --demo
case_ "37 tenants with their policy" "$DATA/tenants" "$DATA/tenants-policy.yaml" -f "$DATA/tenants"
case_ "screen fixture basic" "$SRC/tests/tui/fixtures/basic" "" -f "$SRC/tests/tui/fixtures/basic"

# a policy file that does not parse: the CLI refuses to run (2); the console
# says so on the status line and checks with the defaults
rm -rf "$XDG_CONFIG_HOME" && mkdir -p "$XDG_CONFIG_HOME/meshpanel"
printf 'platformDomains: [a\nbogus: {\n' >"$XDG_CONFIG_HOME/meshpanel/policy.yaml"
mp lint -f "$SRC/tests/data/demo"
check_eq "broken policy: the CLI exits 2" "$RC" 2
mp --demo --size 200x60 --script "$WORK/prob.script"
check_eq "broken policy: the console runs" "$RC" 0
check "broken policy: the status line says so" "$(tail -n 2 "$WORK/problems.txt")" \
    'lint policy: .*policy\.yaml'
check "broken policy: the defaults' findings" "$(cat "$WORK/problems.txt")" 'Problems \[65\]'
finish
