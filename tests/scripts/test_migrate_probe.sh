#!/usr/bin/env bash
# Issue 9's optional live probe: `migrate verify --probe-gateway ADDR
# --probe-nginx ADDR` sends every request verify checks, with its Host
# header, to both addresses and compares status and Location. Two small
# HTTP servers stand in for ingress-nginx and the gateway; each logs the
# Host and path it was asked for.
set -u
: "${MESHPANEL:?}" "${SRC:?}"
. "$SRC/tests/scripts/test_client_lib.bash"
export LC_ALL=C.UTF-8 MESHPANEL_NOW="2026-09-01T00:00:00Z" XDG_STATE_HOME="$WORK/state"
unset EDITOR VISUAL MESHPANEL_SCRIPT MESHPANEL_DEMO_DIR NO_COLOR

start_server "$WORK/srv" --seed "$SRC/tests/data/migrate/wave.yaml" \
    --seed "$SRC/tests/data/migrate/gateway-certs.yaml"
K=(--kubeconfig "$WORK/srv/kubeconfig")

cat >"$WORK/fake.py" <<'EOF'
import http.server, sys
name, mode, log = sys.argv[1:4]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(log, "a") as f:
            f.write(f"{self.headers.get('Host')} {self.path}\n")
        code = 503 if mode == "broken" and self.path == "/" else 200
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
EOF
# fake NAME MODE: an HTTP server on a free port ($PORT); MODE "same" answers
# 200 everywhere, "broken" answers 503 for / (a route the gateway lost)
fake() {
    python3 "$WORK/fake.py" "$1" "$2" "$WORK/$1.log" >"$WORK/$1.port" 2>/dev/null &
    PIDS+=($!)
    for _ in $(seq 50); do [ -s "$WORK/$1.port" ] && break; sleep 0.1; done
    PORT=$(cat "$WORK/$1.port")
}
fake nginx same
NG=127.0.0.1:$PORT
fake gw-good same
GOOD=127.0.0.1:$PORT
fake gw-bad broken
BAD=127.0.0.1:$PORT

mp migrate apply "${K[@]}" -n ns-bob --yes
check_eq "apply: exit 0" "$RC" 0
mp migrate verify "${K[@]}" -n ns-bob --probe-gateway "$GOOD" --yes
check_eq "only one probe address: exit 2" "$RC" 2
check "... says both are needed" "$ERR" 'needs both --probe-gateway and --probe-nginx'

mp migrate verify "${K[@]}" -n ns-bob --probe-gateway "$GOOD" --probe-nginx "$NG" --yes
check_eq "verify with a live probe that agrees: exit 0" "$RC" 0
check "... said so" "$OUT" '^ns-bob +done .*route alike, live too'
n=$(grep -c . "$WORK/nginx.log" 2>/dev/null)
check "... every request went to nginx" "$n" '^[1-9][0-9]*$'
check_eq "... and the same ones to the gateway" "$(sort "$WORK/gw-good.log")" "$(sort "$WORK/nginx.log")"
check "... with the tenant's Host header" "$(cat "$WORK/nginx.log")" '^a7m2q9xke\.cloud\.sealos\.io /$'

mp migrate verify "${K[@]}" -n ns-bob --probe-gateway "$BAD" --probe-nginx "$NG" --yes
check_eq "verify with a live probe that differs: exit 1" "$RC" 1
check "... the request that shows it" "$OUT" \
    '^  live probe: a7m2q9xke\.cloud\.sealos\.io/  nginx: 200  gateway: 503$'
check "... a finding of the tenant" "$OUT" '^ns-bob +findings .*live probe included'
mp migrate cutover "${K[@]}" -n ns-bob --yes
check_eq "cutover after a failed live probe: refused (exit 2)" "$RC" 2

mp migrate verify "${K[@]}" -n ns-bob --probe-gateway 127.0.0.1:1 --probe-nginx "$NG" --yes
check_eq "verify when the gateway does not answer: exit 1" "$RC" 1
check "... the error named" "$OUT" 'live probe: a7m2q9xke\.cloud\.sealos\.io/  nginx: 200  gateway: 127\.0\.0\.1:1 .*(refused|connect)'
mp rollback "${K[@]}" --yes
check_eq "rollback: exit 0" "$RC" 0
finish
