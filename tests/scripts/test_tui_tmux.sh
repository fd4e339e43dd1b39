#!/usr/bin/env bash
# End-to-end: the real binary in a real terminal (tmux), asserting on what a
# person would see. Each check polls capture-pane in a bounded loop instead
# of sleeping. A private tmux socket keeps the user's sessions out of it.
set -euo pipefail
: "${MESHPANEL:?set MESHPANEL to the meshpanel binary}"
command -v tmux >/dev/null || { echo "tmux not installed: skipping"; exit 0; }

sock="meshpanel-test-$$"
work=$(mktemp -d)
cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

export HOME="$work" XDG_CONFIG_HOME="$work/.config" LANG=C.UTF-8 LC_ALL=C.UTF-8
unset MESHPANEL_CONFIG MESHPANEL_SCRIPT TMUX

t() { tmux -L "$sock" "$@"; }

# wait_for TEXT: poll the pane (up to ~10 s) until it shows TEXT.
wait_for() {
    local text=$1 i
    for ((i = 0; i < 200; i++)); do
        if t capture-pane -p -t demo 2>/dev/null | grep -qF -- "$text"; then
            return 0
        fi
        t has-session -t demo 2>/dev/null || break # the console exited: no point waiting
        sleep 0.05
    done
    echo "FAIL: the screen never showed \"$text\"; it shows:"
    t capture-pane -p -t demo
    return 1
}

start() {
    t kill-session -t demo 2>/dev/null || true
    t new-session -d -s demo -x 160 -y 45 "TERM=xterm-256color $MESHPANEL --demo"
}

fail=0
reported=0
# check NAME: report the step; fails if any assertion since the last step failed.
check() {
    if [ "$fail" = "$reported" ]; then echo "ok: $1"; else echo "FAIL: $1"; fi
    reported=$fail
}

# 1. The demo opens: header, the tenants pane with its tenants, key hints.
start
wait_for "Tenants [13]" || fail=1
wait_for "ns-alice" || fail=1
wait_for "<q> quit" || fail=1
check "the demo opens"

# 2. Filtering finds a host: / + part of a host narrows the tenants to the
#    one routing it and shows the Ingress with that host.
t send-keys -t demo / && wait_for "/" || fail=1
t send-keys -t demo -l "tk3x9p2qa" && t send-keys -t demo Enter
wait_for "Tenants [1/13]" || fail=1
wait_for "terminal-alice" || fail=1
wait_for "filter /tk3x9p2qa" || fail=1
check "filtering finds a host"

# 3. The conversion preview shows a VirtualService for the selected Ingress.
t send-keys -t demo Escape
wait_for "Tenants [13]" || fail=1
# Tab to the resources pane, j to terminal-alice, c for the preview, Tab to
# focus the preview pane and page down to the VirtualService.
t send-keys -t demo Tab j c
wait_for "Preview ingress ns-alice/terminal-alice" || fail=1
t send-keys -t demo Tab NPage
wait_for "kind: VirtualService" || fail=1
wait_for "tk3x9p2qa.cloud.sealos.io" || fail=1
check "the conversion preview shows a VirtualService"

# 4. The edit screen in a real terminal: the cursor sits in the focused
#    field, on its line next to its label (screen readers follow it); typed
#    text lands there; Ctrl-Z (raw mode: not a suspend) undoes it.
t send-keys -t demo Escape Escape
t send-keys -t demo e
wait_for "Edit ingress ns-alice/terminal-alice" || fail=1
t send-keys -t demo PPage Tab Tab
wait_for "Timeout (empty: none)" || fail=1
t send-keys -t demo -l "45s"
wait_for "timeout: 45s" || fail=1
# the cursor must be right after the typed text, on the timeout row
want=$(t capture-pane -p -t demo | python3 -c '
import sys
for y, line in enumerate(sys.stdin.read().split("\n")):
    if "   timeout  " in line and "45s" in line:
        print("%d,%d" % (line.index("45s") + 3, y))
        break')
pos=$(t display -p -t demo '#{cursor_x},#{cursor_y}')
if [ -z "$want" ] || [ "$pos" != "$want" ]; then
    echo "cursor at $pos, expected after the typed 45s at ${want:-?}"
    t capture-pane -p -t demo | head -12
    fail=1
fi
t send-keys -t demo C-z
wait_for "undone" || fail=1
check "edit screen: the cursor is in the focused field; Ctrl-Z undoes"
t send-keys -t demo Escape Escape
wait_for "Tenants [13]" || fail=1

# 5. q quits: the session's only window closes.
t send-keys -t demo q
for ((i = 0; i < 200; i++)); do
    t has-session -t demo 2>/dev/null || break
    sleep 0.05
done
if t has-session -t demo 2>/dev/null; then
    echo "FAIL: q did not quit"
    fail=1
else
    echo "ok: q quits"
fi

exit $fail
