#!/usr/bin/env bash
# The console through an API server outage (issue 14): the connection state
# in the header, stale panes while disconnected, reconnection without a key
# press (a server restarted on the same port with other objects: every kind
# resumes and the store ends up equal to the new server's), Ctrl-r's honest
# reports, and a server that accepts connections but never answers: the
# console draws at once and `q` quits at once.
#
# The console runs in script mode in the background, pumping its source and
# saving the screen every ~100 ms; this shell drives the server and polls the
# saved screens (never a blind sleep for a state).
source "$(dirname "$0")/test_client_lib.bash"
export LC_ALL=C.UTF-8 MESHPANEL_NOW="2026-09-01T00:00:00Z"
unset MESHPANEL_SCRIPT MESHPANEL_TRACE


# Before: two tenants, two VirtualServices in ns-a. After the restart: ns-b
# is gone, ns-c is new, vs-old* are gone and vs-new exists.
cat >"$WORK/before.yaml" <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: ns-a}
---
apiVersion: v1
kind: Namespace
metadata: {name: ns-b}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web-a, namespace: ns-a}
spec:
  rules: [{host: a.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web-b, namespace: ns-b}
spec:
  rules: [{host: b.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs-old, namespace: ns-a}
spec: {hosts: [old.example.com], http: [{route: [{destination: {host: web}}]}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs-old2, namespace: ns-a}
spec: {hosts: [old2.example.com], http: [{route: [{destination: {host: web}}]}]}
YAML
cat >"$WORK/after.yaml" <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: ns-a}
---
apiVersion: v1
kind: Namespace
metadata: {name: ns-c}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web-a, namespace: ns-a}
spec:
  rules: [{host: a.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web-c, namespace: ns-c}
spec:
  rules: [{host: c.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs-new, namespace: ns-c}
spec: {hosts: [new.example.com], http: [{route: [{destination: {host: web}}]}]}
YAML
VS_LATE='{"apiVersion":"networking.istio.io/v1","kind":"VirtualService","metadata":{"name":"vs-late","namespace":"ns-a"},"spec":{"hosts":["late.example.com"],"http":[{"route":[{"destination":{"host":"web"}}]}]}}'

# script_loop FILE N: N rounds of "pump 100, save the screen to FILE"
script_loop() {
    for _ in $(seq "$2"); do printf 'pump 100\n:save-display %s\n' "$1"; done
}

# start_console NAME SCRIPT ARGS...: the console in the background; CPID
start_console() {
    local name=$1 script=$2
    shift 2
    timeout 120 "$MESHPANEL" --script "$script" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    CPID=$!
}
stop_console() {
    kill "$CPID" 2>/dev/null
    wait "$CPID" 2>/dev/null
}

# ---- Ctrl-r while the server is up: the relist's real numbers ------------------
start_server "$WORK/up" --seed "$WORK/before.yaml"
KC="$WORK/up/kubeconfig"
cat >"$WORK/up.script" <<EOF_S
sync 10000
:save-display $WORK/up-synced.txt
key C-r
:save-display $WORK/up-relisting.txt
pump 1500
:save-display $WORK/up-relisted.txt
EOF_S
mp --kubeconfig "$KC" --script "$WORK/up.script"
check_eq "up: script exits 0" "$RC|$ERR" "0|"
check "up: header says synced" "$(header "$WORK/up-synced.txt")" '^ meshpanel +synced +ctx: admin'
check "up: status counts the seeded objects" "$(status_line "$WORK/up-synced.txt")" \
    '2 tenants +2 ing +0 gw +2 vs +\| refreshed 00:00:00Z +\| 9/9 kinds synced, watching'
check "up: Ctrl-r says it is relisting" "$(status_line "$WORK/up-relisting.txt")" '\| relisting 9 kinds\.\.\.$'
check "up: Ctrl-r reports what the relist changed (nothing)" "$(status_line "$WORK/up-relisted.txt")" \
    '\| relisted 9 kinds: 0 added, 0 removed$'
check_not "up: never the old 'refreshed: N changes'" "$(cat "$WORK"/up-*.txt)" 'refreshed: [0-9]+ change'
kill "${PIDS[-1]}"
wait "${PIDS[-1]}" 2>/dev/null

# ---- outage without a key press ------------------------------------------------
start_server "$WORK/a1" --seed "$WORK/before.yaml"
PORT=${URL##*:}
KC="$WORK/a1/kubeconfig"
{
    printf 'sync 10000\n:save-display %s\n' "$WORK/o-ready.txt"
    script_loop "$WORK/o-screen.txt" 600
} >"$WORK/outage.script"
start_console outage "$WORK/outage.script" --kubeconfig "$KC"
if ! wait_file "$WORK/o-ready.txt" 'synced' 15000; then
    bad "outage: console synced before the outage" "$(cat "$WORK/outage.err")"
    finish
fi
wait_file "$WORK/o-screen.txt" ' 2 vs ' 5000
check "outage: before, the header says synced" "$(header "$WORK/o-screen.txt")" '^ meshpanel +synced '
kill "${PIDS[-1]}"
if wait_file "$WORK/o-screen.txt" 'DISCONNECTED' 2000; then
    ok "outage: the header shows DISCONNECTED within 2 s (${WAITED_MS} ms)"
else
    bad "outage: the header shows DISCONNECTED within 2 s" "$(header "$WORK/o-screen.txt")"
fi
wait "${PIDS[-1]}" 2>/dev/null
wait_file "$WORK/o-screen.txt" 'retry in [0-9]+s' 3000
down=$(cat "$WORK/o-screen.txt")
check "outage: header: since when (the fake clock) and the next retry" "$(head -n1 <<<"$down")" \
    '^ meshpanel +DISCONNECTED since 00:00:00Z, retry(ing| in) [0-9]+s +ctx: admin'
check "outage: the tenants pane is marked stale" "$down" '┌─ Tenants \[2\] - stale since 00:00:00Z'
check "outage: the resources pane is marked stale" "$down" 'Ingress ns-a \[1\] - stale since 00:00:00Z'
check "outage: the status line says why, without stale errors" "$(status_line "$WORK/o-screen.txt")" \
    "\| disconnected, (retry in [0-9]+ s|retrying \([0-9]+ s left\)): cannot reach https://127\.0\.0\.1:$PORT: "
check "outage: the last data is still shown" "$down" 'web-a'

# the server comes back on the same port with other objects (and its CA)
mkdir -p "$WORK/a2" && cp "$WORK/a1/ca.crt" "$WORK/a1/ca.key" "$WORK/a2/"
start_server "$WORK/a2" --port "$PORT" --seed "$WORK/after.yaml"
check_eq "outage: restarted on the same port" "${URL##*:}" "$PORT"
if wait_file "$WORK/o-screen.txt" '2 tenants +2 ing +0 gw +1 vs .*9/9 kinds synced, watching' 30000; then
    ok "outage: the new objects without a key press, within the backoff cap (${WAITED_MS} ms)"
else
    bad "outage: the new objects without a key press, within the backoff cap" "$(cat "$WORK/o-screen.txt")"
fi
up=$(cat "$WORK/o-screen.txt")
check "outage: the header is synced again" "$(head -n1 <<<"$up")" '^ meshpanel +synced '
check "outage: the tenants are the new server's" "$(grep -oE 'ns-[abc] ' <<<"$up" | sort -u | tr -d '\n')" '^ns-a ns-c $'
check_not "outage: no stale marking once synced" "$up" 'stale since'
# a VirtualService created after the outage arrives through the resumed watch
api POST /apis/networking.istio.io/v1/namespaces/ns-a/virtualservices "$VS_LATE" >/dev/null
if wait_file "$WORK/o-screen.txt" '2 tenants +2 ing +0 gw +2 vs ' 5000; then
    ok "outage: a VirtualService created after the outage appears (${WAITED_MS} ms)"
else
    bad "outage: a VirtualService created after the outage appears" "$(status_line "$WORK/o-screen.txt")"
fi
stop_console

# ---- Ctrl-r during the outage ---------------------------------------------------
start_server "$WORK/b1" --seed "$WORK/before.yaml"
PORT=${URL##*:}
KC="$WORK/b1/kubeconfig"
{
    printf 'sync 10000\n:save-display %s\n' "$WORK/r-ready.txt"
    script_loop "$WORK/r-screen.txt" 25
    printf 'key C-r\npump 500\n:save-display %s\n' "$WORK/r-down.txt"
    script_loop "$WORK/r-screen.txt" 600
} >"$WORK/relist.script"
start_console relist "$WORK/relist.script" --kubeconfig "$KC"
if ! wait_file "$WORK/r-ready.txt" 'synced' 15000; then
    bad "relist: console synced before the outage" "$(cat "$WORK/relist.err")"
    finish
fi
kill "${PIDS[-1]}"
wait "${PIDS[-1]}" 2>/dev/null
wait_file "$WORK/r-down.txt" '.' 10000
check "relist: Ctrl-r during the outage reports the error" "$(status_line "$WORK/r-down.txt")" \
    "\| relist failed: .*cannot reach https://127\.0\.0\.1:$PORT"
check_not "relist: not '0 changes'" "$(cat "$WORK/r-down.txt")" '0 changes|relisted'
check "relist: still disconnected" "$(header "$WORK/r-down.txt")" 'DISCONNECTED'
check "relist: refreshed stays at the last data" "$(status_line "$WORK/r-down.txt")" 'refreshed 00:00:00Z'
mkdir -p "$WORK/b2" && cp "$WORK/b1/ca.crt" "$WORK/b1/ca.key" "$WORK/b2/"
start_server "$WORK/b2" --port "$PORT" --seed "$WORK/after.yaml"
# before -> after: added ns-c, web-c, vs-new; removed ns-b, web-b, vs-old,
# vs-old2; ns-a and web-a are new objects with the same names (new uids)
if wait_file "$WORK/r-screen.txt" '\| relisted 9 kinds: ' 30000; then
    check "relist: when the kinds relist, the numbers" "$(status_line "$WORK/r-screen.txt")" \
        '\| relisted 9 kinds: 3 added, 4 removed, 2 changed$'
else
    bad "relist: when the kinds relist, the numbers" "$(cat "$WORK/r-screen.txt")"
fi
stop_console

# ---- a server that accepts and never answers ------------------------------------
python3 - "$WORK/silent.port" <<'PY' &
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(64)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
held = []
while True:
    c, _ = s.accept()
    held.append(c)  # read nothing, answer nothing
PY
PIDS+=($!)
for _ in $(seq 100); do [ -s "$WORK/silent.port" ] && break; sleep 0.05; done
SPORT=$(cat "$WORK/silent.port")
cat >"$WORK/silent.kc" <<EOF_KC
apiVersion: v1
kind: Config
clusters: [{name: s, cluster: {server: "http://127.0.0.1:$SPORT"}}]
users: [{name: u, user: {}}]
contexts: [{name: s, context: {cluster: s, user: u}}]
current-context: s
EOF_KC
printf ':save-display %s\npump 1200\n:save-display %s\nkey q\n' "$WORK/s0.txt" "$WORK/s1.txt" >"$WORK/silent.script"
t0=$(now_ms)
timeout 20 "$MESHPANEL" --kubeconfig "$WORK/silent.kc" --script "$WORK/silent.script" >"$WORK/s.out" 2>"$WORK/s.err"
rc=$?
elapsed=$(($(now_ms) - t0))
check_eq "silent: script exits 0" "$rc|$(cat "$WORK/s.err")" "0|"
check "silent: the first screen is drawn at once, connecting" "$(header "$WORK/s0.txt")" '^ meshpanel +connecting +ctx: s '
check "silent: the countdown to the request timeout" "$(header "$WORK/s1.txt")" '^ meshpanel +connecting (29|30)s '
check "silent: the status line names the server and the time left" "$(status_line "$WORK/s1.txt")" \
    "connecting to http://127\.0\.0\.1:$SPORT \((29|30) s left\)"
check "silent: refreshed has no time (nothing arrived)" "$(status_line "$WORK/s1.txt")" 'refreshed - '
# 1.2 s of pumping plus start and exit; the request timeout is 30 s
if [ "$elapsed" -lt 6000 ]; then ok "silent: q quits long before the request timeout (${elapsed} ms)"; else
    bad "silent: q quits long before the request timeout" "${elapsed} ms"
fi
# the same in a real terminal (tmux): the event loop itself, not script mode
sock="mp-outage-$$"
tq() { tmux -L "$sock" "$@"; }
wait_tmux() { # REGEX MAX_MS
    local end=$(($(now_ms) + $2))
    while [ "$(now_ms)" -lt "$end" ]; do
        tq capture-pane -p >"$WORK/tmux.txt" 2>/dev/null
        grep -Eq -- "$1" "$WORK/tmux.txt" && return 0
        sleep 0.02
    done
    return 1
}
if command -v tmux >/dev/null; then
    trap 'tq kill-server 2>/dev/null; cleanup' EXIT
    tq new-session -d -x 120 -y 30 "HOME='$HOME' '$MESHPANEL' --kubeconfig '$WORK/silent.kc'; echo EXITED; sleep 30"
    if wait_tmux '^ meshpanel +connecting [0-9]+s ' 5000; then
        ok "tmux: the console draws while the server does not answer"
    else
        bad "tmux: the console draws while the server does not answer" "$(cat "$WORK/tmux.txt")"
    fi
    # issue 14: q quits within 200 ms of the key (a sanitizer build gets
    # 1 s: its exit-time leak scan is not the event loop)
    limit=200
    [ -n "${ASAN_OPTIONS:-}" ] && limit=1000
    t0=$(now_ms)
    tq send-keys q
    if wait_tmux '^EXITED' 5000 && [ $(($(now_ms) - t0)) -lt "$limit" ]; then
        ok "tmux: q quits within $limit ms ($(($(now_ms) - t0)) ms; the request timeout is 30 s)"
    else
        bad "tmux: q quits within $limit ms" "$(($(now_ms) - t0)) ms: $(cat "$WORK/tmux.txt")"
    fi
    tq kill-server 2>/dev/null
else
    echo "# tmux not installed: the terminal checks are skipped"
fi

# --request-timeout bounds the wait for an answer
printf 'pump 3500\n:save-display %s\nkey q\n' "$WORK/s2.txt" >"$WORK/silent2.script"
mp --kubeconfig "$WORK/silent.kc" --request-timeout 2s --script "$WORK/silent2.script"
check_eq "silent --request-timeout 2s: exits 0" "$RC|$ERR" "0|"
check "silent --request-timeout 2s: gave up, disconnected" "$(header "$WORK/s2.txt")" '^ meshpanel +DISCONNECTED'
check "silent --request-timeout 2s: says why" "$(status_line "$WORK/s2.txt")" 'no answer within 2 s'
mp --kubeconfig "$WORK/silent.kc" --request-timeout soon --script "$WORK/silent2.script"
check "--request-timeout: a bad value is refused" "$RC|$ERR" '^2\|meshpanel: --request-timeout wants a duration'
finish
