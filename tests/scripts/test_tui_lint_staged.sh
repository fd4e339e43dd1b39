#!/usr/bin/env bash
# Lint in the console checks the staged state (what :apply would apply):
# an edit staged for ns-bob's VirtualService that claims ns-judy's host
# (from an earlier session's staged file: the form itself refuses to stage
# it) is an MP701 error of ns-bob in PROB and in :problems; unstaging it
# removes both.
set -u
. "$(dirname "$0")/test_client_lib.bash"
export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/xdg" XDG_STATE_HOME="$WORK/state" LC_ALL=C.UTF-8
export MESHPANEL_NOW="2026-09-01T00:00:00Z"
unset MESHPANEL_CONFIG MESHPANEL_SCRIPT MESHPANEL_DEMO_DIR
mkdir -p "$HOME"
STAGED="$XDG_STATE_HOME/meshpanel/staged/demo.yaml"

# PROB of ns in a saved tenants screen ("│ NS ING GW VS STATE PROB")
prob() { awk -v ns="$2" '$1 == "│" && $2 == ns {print $7}' "$1"; }
count() { grep -oE 'Problems \[[0-9]+\]' "$1"; }
bob701() { grep -cE 'MP701 ns-bob +VirtualService/a7m2q9xke' "$1"; }

# without staged edits
printf ':save-display %s/t0.txt\n:problems\n:save-display %s/p0.txt\n' "$WORK" "$WORK" >"$WORK/s0"
mp --demo --size 200x60 --script "$WORK/s0"
check_eq "no staged edit: the console ran" "$RC" 0
check_eq "no staged edit: ns-bob has no error" "$(prob "$WORK/t0.txt" ns-bob)" 0
check_eq "no staged edit: no MP701 of ns-bob" "$(bob701 "$WORK/p0.txt")" 0

# stage a valid edit of ns-bob's VirtualService host through the form...
printf ':tenant ns-bob\nkey e\nkey Tab\nkey C-u\ntype shop-bob.cloud.sealos.io\nkey F2\n' >"$WORK/s1"
mp --demo --size 160x45 --script "$WORK/s1"
check_eq "stage: the console ran" "$RC" 0
check "stage: the staged file holds the edit" "$(cat "$STAGED" 2>/dev/null)" 'shop-bob\.cloud\.sealos\.io'
# ...which, by the next session, claims ns-judy's host
sed -i 's/shop-bob\.cloud\.sealos\.io/www.judystore.com/' "$STAGED"

{
    echo "key y" # restore the staged edits
    echo ":save-display $WORK/t1.txt"
    echo ":problems"
    echo ":save-display $WORK/p1.txt"
    echo "key Esc"
    echo "key v"
    echo "key d"
    echo "key y" # drop this edit
    echo "key Esc"
    echo ":save-display $WORK/t2.txt"
    echo ":problems"
    echo ":save-display $WORK/p2.txt"
} >"$WORK/s2"
mp --demo --size 200x60 --script "$WORK/s2"
check_eq "staged conflict: the console ran" "$RC" 0
check_eq "staged conflict: PROB counts ns-bob's MP701" "$(prob "$WORK/t1.txt" ns-bob)" 1
check_eq "staged conflict: :problems lists it" "$(bob701 "$WORK/p1.txt")" 1
check "staged conflict: ... naming ns-judy" "$(cat "$WORK/p1.txt")" 'www\.judystore\.com is also claimed by namespace ns-judy'
check_eq "unstaged: ns-bob has no error" "$(prob "$WORK/t2.txt" ns-bob)" 0
check_eq "unstaged: no MP701 of ns-bob" "$(bob701 "$WORK/p2.txt")" 0
check_eq "unstaged: the findings of the source alone" "$(count "$WORK/p2.txt")" "$(count "$WORK/p0.txt")"
check "unstaged: nothing staged is left" "$(cat "$STAGED")" '^'
finish
