# Shared helpers for tests/scripts/test_client_*.sh (sourced, not a test itself).
# Each test starts its own API server(s) on free ports and stops them on exit;
# every meshpanel / curl call is bounded by `timeout`.
SRC=${SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
MESHPANEL=${MESHPANEL:-$SRC/build/meshpanel}
SERVER="$SRC/tests/apiserver/server.py"

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT
export HOME="$WORK/home" # no developer kubeconfig leaks in
mkdir -p "$HOME"
unset KUBECONFIG KUBERNETES_SERVICE_HOST KUBERNETES_SERVICE_PORT XDG_CONFIG_HOME MESHPANEL_CONFIG

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   - $1"; }
bad() {
    fail=$((fail + 1))
    echo "FAIL - $1"
    shift
    for line in "$@"; do printf '       | %s\n' "$line"; done
}
check() { if grep -Eq -- "$3" <<<"$2"; then ok "$1"; else bad "$1" "expected /$3/ in:" "$2"; fi; }
check_not() { if grep -Eq -- "$3" <<<"$2"; then bad "$1" "unexpected /$3/ in:" "$2"; else ok "$1"; fi; }
check_eq() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "expected: $3" "got:      $2"; fi; }
finish() {
    echo "# $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
    exit $?
}

# start_server DIR [--http] ARGS... -> URL; the pid joins PIDS. HTTPS unless
# --http comes first: meshpanel sends credentials over TLS only (as kubectl
# does), so a plain-HTTP server only sees anonymous requests. With HTTPS,
# CURL_TLS trusts the server's CA for api(); an existing DIR/ca.crt + ca.key
# is reused (a server restarted in place keeps its CA).
start_server() {
    local dir=$1 tls=(--https)
    shift
    if [ "${1:-}" = --http ]; then
        tls=()
        shift
    fi
    mkdir -p "$dir"
    [ ${#tls[@]} -gt 0 ] && CURL_TLS=(--cacert "$dir/ca.crt")
    python3 "$SERVER" --state-dir "$dir" "${tls[@]}" "$@" >"$dir/stdout" 2>"$dir/stderr" &
    PIDS+=($!)
    for _ in $(seq 150); do
        grep -q '^listening ' "$dir/stdout" 2>/dev/null && break
        sleep 0.1
    done
    URL=$(sed -n 's/^listening //p' "$dir/stdout")
    if [ -z "$URL" ]; then
        echo "FAIL: server did not start"
        cat "$dir/stderr"
        exit 1
    fi
}

# mp ARGS...: meshpanel, bounded; stdout+stderr go to $OUT/$ERR, status to $RC
mp() {
    timeout 60 "$MESHPANEL" "$@" >"$WORK/out" 2>"$WORK/err"
    RC=$?
    OUT=$(cat "$WORK/out")
    ERR=$(cat "$WORK/err")
}

# admin API calls (CURL_TLS holds --cacert for HTTPS servers)
CURL_TLS=()
api() { # METHOD PATH [DATA [CONTENT-TYPE]]
    local args=(-sS --max-time 20 -X "$1" -H "Authorization: Bearer admin-token")
    [ $# -ge 3 ] && args+=(--data-binary "$3" -H "Content-Type: ${4:-application/json}")
    curl "${CURL_TLS[@]}" "${args[@]}" "$URL$2"
}
reset_requests() { api POST /_test/reset >/dev/null; }
faults() { api POST /_test/faults "$1" >/dev/null; }
requests() { api GET /_test/requests; }
# lists PATH: "seq done continue? code" of each list request (not watches) for
# PATH, in order, from the server's request log
lists() {
    api GET /_test/requests | python3 -c '
import json, sys
for r in json.load(sys.stdin):
    if r["method"] == "GET" and r["path"] == sys.argv[1] and not r["params"].get("watch"):
        print(r["seq"], r["done"], "cont" if r["params"].get("continue") else "first", r["code"])' "$1"
}
# overlapped PATH PAGES: every page N+1 was asked before page N was done
overlapped() {
    lists "$1" | awk -v n="$2" '
        { seq[NR] = $1; done[NR] = $2; kind[NR] = $3; code[NR] = $4 }
        END {
            if (NR != n) { print "requests: " NR; exit }
            for (i = 1; i < NR; i++)
                if (seq[i + 1] >= done[i]) { print "page " i + 1 " asked at " seq[i + 1] ", page " i " done at " done[i]; exit }
            for (i = 1; i <= NR; i++)
                if (code[i] != 200 || kind[i] != (i == 1 ? "first" : "cont")) { print "request " i ": " kind[i] " " code[i]; exit }
            print "OK"
        }'
}
# pyq SCRIPT: python with the server's request log as `reqs` and its state as `state`
pyq() {
    requests >"$WORK/reqs.json"
    api GET /_test/state >"$WORK/state.json"
    python3 - "$WORK/reqs.json" "$WORK/state.json" <<EOF_PY 2>&1
import json, sys
reqs = json.load(open(sys.argv[1]))
state = json.load(open(sys.argv[2]))
$1
EOF_PY
}

# ---- screens of a console running in the background (script mode) ----
now_ms() { date +%s%3N; }
# wait_file FILE REGEX MAX_MS -> 0 when FILE matches within MAX_MS (polled,
# never a blind sleep for a state); WAITED_MS says when
wait_file() {
    local start end
    start=$(now_ms)
    end=$((start + $3))
    while [ "$(now_ms)" -lt "$end" ]; do
        if grep -Eq -- "$2" "$1" 2>/dev/null; then
            WAITED_MS=$(($(now_ms) - start))
            return 0
        fi
        sleep 0.02
    done
    WAITED_MS=$(($(now_ms) - start))
    return 1
}
header() { head -n1 "$1" 2>/dev/null; }
status_line() { tail -n2 "$1" 2>/dev/null | head -n1; }
