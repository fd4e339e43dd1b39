#!/usr/bin/env bash
# screenshot.sh - the README's colour screenshot, made from a real run.
#
#   docs/screenshot.sh [OUT.png]            (default docs/demo.png)
#   SCREENSHOT_KEYS="$(cat docs/edit.keys)" docs/screenshot.sh docs/edit.png
#                                           (the edit screen of the README)
#
# Runs `meshpanel --demo` in a private tmux server (160x45, 256 colours), waits
# until the console has drawn its panes, types SCREENSHOT_KEYS (tmux send-keys
# words; default: down to ns-heidi, a tenant half on Istio, into its Ingresses,
# open the conversion preview), captures the pane with its colours
# (capture-pane -e), turns that into HTML with aha and the HTML into a PNG with
# headless Chromium.
#
# Needs tmux, aha and chromium; chromium is installed with apt-get when missing
# (only when this script runs, never by setup.sh). Env: MESHPANEL (binary,
# default build/meshpanel), SCREENSHOT_KEYS, SCREENSHOT_THEME (--theme NAME),
# SCREENSHOT_TERM (TERM inside the pane, default tmux-256color; xterm = 8 colours).
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-docs/demo.png}
case $out in /*) ;; *) out="$PWD/$out" ;; esac
bin=${MESHPANEL:-build/meshpanel}
cols=160
rows=45
keys=${SCREENSHOT_KEYS-"j j j j j j j Tab c"}
theme=${SCREENSHOT_THEME:-default}
term=${SCREENSHOT_TERM:-tmux-256color}

die() { echo "screenshot: $*" >&2; exit 1; }

[ -x "$bin" ] || die "$bin not found: run ./setup.sh first"
command -v tmux >/dev/null || die "tmux is missing (apt-get install tmux)"
command -v aha >/dev/null || die "aha is missing (apt-get install aha)"
chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chrome" ]; then
    echo "screenshot: installing chromium (Debian package) ..." >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
    chrome=$(command -v chromium) || die "chromium did not install"
fi

tmp=$(mktemp -d)
sock="$tmp/tmux.sock"
cleanup() {
    tmux -S "$sock" kill-server 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

# A private server with no user config (and a private home: no staged edits
# of the user's are offered); TERM inside the pane says 256 colours.
mkdir -p "$tmp/home"
tmux -S "$sock" -f /dev/null new-session -d -x "$cols" -y "$rows" \
    "env HOME=$tmp/home XDG_STATE_HOME= XDG_CONFIG_HOME= TERM=$term NO_COLOR= LANG=C.UTF-8 \
LC_ALL=C.UTF-8 $bin --demo --theme $theme"

# Bounded wait for the first full paint: the tenant list and the key hints.
wait_for() {
    local pattern=$1 i
    for i in $(seq 1 100); do
        if tmux -S "$sock" capture-pane -p 2>/dev/null | grep -q -- "$pattern"; then
            return 0
        fi
        sleep 0.1
    done
    tmux -S "$sock" capture-pane -p >&2 || true
    die "console did not show \"$pattern\" within 10 s"
}
wait_for "ns-alice"
wait_for "quit"

for k in $keys; do
    tmux -S "$sock" send-keys "$k"
    sleep 0.2
done
sleep 0.5

tmux -S "$sock" capture-pane -e -p -t 0 >"$tmp/screen.ans"
[ -s "$tmp/screen.ans" ] || die "empty capture"

# aha writes inline styles; a fixed monospace font and line height make the
# grid exact, so the window size follows from the cell size.
# (Not aha --black: it swaps black and white, so black-on-cyan selection bars
# would turn white-on-cyan. The page colours come from the style below.)
# aha draws the 16 ANSI colours with a CSS brightness filter that also
# brightens a black foreground on a bright background; its 256-colour palette
# is exact. So every 16-colour SGR code becomes the nearest xterm-256 index
# first (perl-base is on every Debian system).
perl -pe '
    BEGIN { @m = (16,160,40,184,20,164,44,254,244,196,46,226,63,201,51,231) }
    s{\e\[([0-9;]*)m}{
        my @p = split /;/, $1; my @o;
        while (@p) {
            my $c = shift @p;
            if (($c == 38 || $c == 48) && @p >= 2 && $p[0] == 5) {
                shift @p; my $n = shift @p; push @o, $c, 5, ($n < 16 ? $m[$n] : $n);
            } elsif ($c >= 30 && $c <= 37)   { push @o, 38, 5, $m[$c - 30] }
            elsif ($c >= 90 && $c <= 97)     { push @o, 38, 5, $m[$c - 82] }
            elsif ($c >= 40 && $c <= 47)     { push @o, 48, 5, $m[$c - 40] }
            elsif ($c >= 100 && $c <= 107)   { push @o, 48, 5, $m[$c - 92] }
            else { push @o, $c }
        }
        "\e[" . join(";", @o) . "m"
    }ge' "$tmp/screen.ans" >"$tmp/screen256.ans"
aha --title "meshpanel --demo" <"$tmp/screen256.ans" >"$tmp/raw.html"
font_px=14
cell_w=8.43   # DejaVu Sans Mono advance at 14px
line_px=16
# The terminal's own background/foreground (what "default" colour means).
page_bg=#101010 page_fg=#e5e5e5
[ "$theme" = light ] && page_bg=#fafafa page_fg=#202020
style="<style>body{margin:0;padding:10px;background:${page_bg};color:${page_fg}}pre{margin:0;font-family:'DejaVu Sans Mono',monospace;font-size:${font_px}px;line-height:${line_px}px}</style>"
sed "s|</head>|${style}</head>|" "$tmp/raw.html" >"$tmp/demo.html"
width=$(awk -v c="$cols" -v w="$cell_w" 'BEGIN{printf "%d", c*w + 20 + 0.5}')
height=$((rows * line_px + 20))

"$chrome" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$tmp/chrome" --screenshot="$out" \
    --window-size="$width,$height" "file://$tmp/demo.html" >/dev/null 2>&1 ||
    die "chromium failed"

[ -s "$out" ] || die "no $out written"
size=$(stat -c %s "$out")
echo "screenshot: wrote $out (${width}x${height}, $size bytes)"
[ "$size" -lt 512000 ] || die "$out is $size bytes (limit 500 KB)"
