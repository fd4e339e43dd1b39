#!/usr/bin/env bash
# End-to-end display safety: open tests/data/hostile (annotation values,
# a class, a host and a path carrying OSC 0 title, OSC 52 clipboard, ESC [ 2J,
# C1 CSI and a bidi override) in the real binary inside tmux, and check the
# terminal itself: the window title was not set, tmux's clipboard got nothing,
# the screen was not cleared, no bidi control reached a cell.
#
# The same checks are first run against a shell that prints the payloads, so a
# tmux that would not notice them makes this test fail instead of pass.
set -euo pipefail
: "${MESHPANEL:?set MESHPANEL to the meshpanel binary}"
: "${SRC:?set SRC to the source tree}"
command -v tmux >/dev/null || { echo "tmux not installed: skipping"; exit 0; }

work=$(mktemp -d)
sock="$work/tmux.sock"
cleanup() {
    tmux -S "$sock" kill-server 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
export HOME="$work" XDG_CONFIG_HOME="$work/.config" LANG=C.UTF-8 LC_ALL=C.UTF-8
unset MESHPANEL_CONFIG MESHPANEL_SCRIPT TMUX NO_COLOR

# set-clipboard on: an OSC 52 from the pane becomes a tmux paste buffer.
printf 'set -g set-clipboard on\n' >"$work/tmux.conf"
t() { tmux -S "$sock" "$@"; }

wait_for() { # wait_for SESSION TEXT (bounded poll, ~10 s)
    local i
    for ((i = 0; i < 200; i++)); do
        t capture-pane -p -t "$1" 2>/dev/null | grep -qF -- "$2" && return 0
        sleep 0.05
    done
    echo "FAIL: $1 never showed \"$2\"; it shows:"
    t capture-pane -p -t "$1" || true
    return 1
}

fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }

title_of() { t display -p -t "$1" '#{pane_title}'; }
buffers() { t list-buffers 2>/dev/null | wc -l; }

# 0. The detectors work: a shell printing the payloads trips all of them.
t -f "$work/tmux.conf" new-session -d -s probe -x 160 -y 45 "bash --norc --noprofile"
t send-keys -t probe "printf 'before\\n'; printf '\\033]0;pwned title\\a\\033]52;c;cm0gLXJmIH4K\\a'" Enter
wait_for probe before >/dev/null || true
for ((i = 0; i < 100; i++)); do [ "$(title_of probe)" = "pwned title" ] && break; sleep 0.05; done
if [ "$(title_of probe)" = "pwned title" ] && [ "$(buffers)" -ge 1 ]; then
    ok "self-test: tmux reports a title change and an OSC 52 clipboard write"
else
    bad "self-test: tmux did not register the raw payloads (title=$(title_of probe), buffers=$(buffers))"
fi
t kill-session -t probe
t delete-buffer 2>/dev/null || true
while [ "$(buffers)" -gt 0 ]; do t delete-buffer; done

# 1. The console on the hostile fixture.
t new-session -d -s c -x 160 -y 45 "env TERM=tmux-256color $MESHPANEL -f $SRC/tests/data/hostile"
wait_for c ns-hostile
title0=$(title_of c)
# Resources pane, down to each Ingress, its YAML; then the tenant YAML.
for k in Tab y j y j y BTab y; do
    t send-keys -t c "$k"
    sleep 0.1
done
wait_for c "YAML" || true
screen=$(t capture-pane -p -t c)

[ "$(title_of c)" != "pwned title" ] && ok "window title untouched ($(title_of c))" ||
    bad "the window title was set by a cluster string"
[ "$(title_of c)" = "$title0" ] || bad "pane title changed from '$title0' to '$(title_of c)'"
[ "$(buffers)" -eq 0 ] && ok "no OSC 52 clipboard write" || bad "clipboard written: $(t list-buffers)"
head -1 <<<"$screen" | grep -q "meshpanel" && ok "header still on the first line (no clear screen)" ||
    bad "first line is not the header: $(head -1 <<<"$screen")"
grep -q "Tenants" <<<"$screen" && grep -q "ns-hostile" <<<"$screen" && ok "panes still drawn" ||
    bad "panes gone after drawing hostile strings"
if grep -q $'\u202e' <<<"$screen"; then bad "a bidi override reached the screen"; else ok "no bidi override on screen"; fi
grep -q "evilmoc.elgoog" <<<"$screen" && ok "host shown with its bidi override stripped" ||
    bad "host row missing"
grep -q " /red " <<<"$screen" && ok "path shown with its CSI stripped" || bad "path /red missing"
grep -q "zz-title " <<<"$screen" && ok "row whose class carries OSC strings shown" || bad "zz-title row missing"
if grep -q "pwned" <<<"$(sed -n 4,8p <<<"$screen" | cut -c50-115)"; then
    bad "payload text shown in the resource table"
else
    ok "no payload text in the resource table"
fi

t send-keys -t c q
exit $fail
