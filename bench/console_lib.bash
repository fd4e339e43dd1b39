# Helpers of the console benchmarks that drive a real terminal (bench/watch.sh,
# bench/tui_lint.sh; sourced from the repo root after MESHPANEL is set):
# a temp dir ($tmp) and a private tmux server ($tmux_sock) both removed on
# exit, and the test API server with generated objects ($server_pid).
[ -x "$MESHPANEL" ] || { echo "bench: $MESHPANEL not built" >&2; exit 2; }
case "$MESHPANEL" in /*) ;; *) MESHPANEL="$PWD/$MESHPANEL" ;; esac
command -v tmux >/dev/null || { echo "bench: tmux not found" >&2; exit 2; }

tmp=$(mktemp -d)
server_pid=
tmux_sock="mesh$(basename "$0" .sh)-$$"
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    tmux -L "$tmux_sock" kill-server 2>/dev/null || true
    [ -n "${KEEP:-}" ] && echo "kept $tmp" >&2 || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export HOME="$tmp/home" LC_ALL=C.UTF-8
mkdir -p "$HOME"
unset KUBECONFIG MESHPANEL_SCRIPT MESHPANEL_NOW NO_COLOR

# start_generated_server COUNT [server args...]: HTTPS, COUNT generated
# Ingresses, state and kubeconfig in $tmp/srv
start_generated_server() {
    local count=$1
    shift
    python3 tests/apiserver/server.py --https --generate "$count" --state-dir "$tmp/srv" "$@" \
        >"$tmp/srv.out" 2>"$tmp/srv.err" &
    server_pid=$!
    for _ in $(seq 600); do
        grep -q '^listening ' "$tmp/srv.out" 2>/dev/null && break
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    grep -q '^listening ' "$tmp/srv.out" ||
        { echo "bench: server did not start" >&2; cat "$tmp/srv.err" >&2; exit 1; }
}
