#!/usr/bin/env bash
# The console with a kubeconfig user whose exec credential plugin is slow
# (issue 14: nothing blocks the event loop). The plugin sleeps before it
# prints the only token the server accepts: the first screen is drawn at
# once and says the console is connecting and waiting for the plugin, `q`
# quits at once while the plugin still runs (and the plugin goes with it),
# and once the plugin answers the console syncs with one run for every
# stream. A failing plugin and one that never answers show their errors in
# the status line like any failed request.
#
# The console runs in script mode in the background, saving the screen every
# ~100 ms; this shell polls the saved screens (never a blind sleep for a state).
source "$(dirname "$0")/test_client_lib.bash"
export LC_ALL=C.UTF-8 MESHPANEL_NOW="2026-09-01T00:00:00Z"
unset MESHPANEL_SCRIPT MESHPANEL_TRACE

# gone PID: no such process, or a zombie nobody reaped (PID 1 of a container)
gone() { ! kill -0 "$1" 2>/dev/null || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }

cat >"$WORK/seed.yaml" <<'YAML'
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
YAML
# the user has no credential but the plugin's
start_server "$WORK/srv" --seed "$WORK/seed.yaml"
mkdir -p "$WORK/kc"
# modes: slow (sleeps PLUGIN_SLEEP, then the token), fail, hang
cat >"$WORK/kc/plugin.sh" <<'SH'
#!/bin/sh
echo $$ >> "$PLUGIN_RUNS"
case "$1" in
slow) sleep "$PLUGIN_SLEEP"
      echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"admin-token"}}' ;;
fail) echo 'opening browser...' >&2; echo 'login required: run sso-login' >&2; exit 1 ;;
hang) sleep 1000 ;;
esac
SH
chmod +x "$WORK/kc/plugin.sh"
# kubeconfig MODE -> kc/MODE.yaml, the plugin relative to it
kubeconfig() {
    cat >"$WORK/kc/$1.yaml" <<EOF_KC
apiVersion: v1
kind: Config
clusters: [{name: s, cluster: {server: "$URL", certificate-authority: "$WORK/srv/ca.crt"}}]
users:
- name: u
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./plugin.sh
      args: [$1]
      env:
      - {name: PLUGIN_RUNS, value: "$WORK/$1.runs"}
      - {name: PLUGIN_SLEEP, value: "3"}
contexts: [{name: s, context: {cluster: s, user: u}}]
current-context: s
EOF_KC
}
for m in slow fail hang; do kubeconfig "$m"; done

# script_loop FILE N: N rounds of "pump 100, save the screen to FILE"
script_loop() {
    for _ in $(seq "$2"); do printf 'pump 100\n:save-display %s\n' "$1"; done
}

# ---- q while the plugin runs ---------------------------------------------------
{
    printf ':save-display %s\n' "$WORK/q0.txt"
    printf 'pump 500\n:save-display %s\nkey q\n' "$WORK/q1.txt"
} >"$WORK/q.script"
t0=$(now_ms)
timeout 20 "$MESHPANEL" --kubeconfig "$WORK/kc/slow.yaml" --script "$WORK/q.script" \
    >"$WORK/q.out" 2>"$WORK/q.err"
rc=$?
elapsed=$(($(now_ms) - t0))
check_eq "q: script exits 0" "$rc|$(cat "$WORK/q.err")" "0|"
check "q: the first screen says connecting" "$(header "$WORK/q0.txt")" '^ meshpanel +connecting +ctx: s '
check "q: the countdown is the plugin's deadline (the request timeout)" "$(header "$WORK/q1.txt")" \
    '^ meshpanel +connecting (29|30)s '
check "q: the status line names the plugin it waits for" "$(status_line "$WORK/q1.txt")" \
    "connecting to https://127\.0\.0\.1:[0-9]+ \((29|30) s left\); waiting for exec plugin $WORK/kc/plugin\.sh$"
# 0.5 s of pumping plus start and exit; the plugin takes 3 s
if [ "$elapsed" -lt 2000 ]; then ok "q: quits while the plugin still runs (${elapsed} ms; it takes 3 s)"; else
    bad "q: quits while the plugin still runs" "${elapsed} ms"
fi
pid=$(head -n1 "$WORK/slow.runs")
if gone "$pid"; then ok "q: the plugin did not outlive the console"; else
    bad "q: the plugin did not outlive the console" "$(ps -o pid,stat,args -p "$pid")"
fi
check_eq "q: nothing reached the server before the credential" \
    "$(pyq 'print(len([r for r in reqs if r["path"].startswith("/api")]))')" "0"
rm -f "$WORK/slow.runs"

# ---- the first screen at once, synced once the plugin answers ------------------
{
    printf ':save-display %s\n' "$WORK/s0.txt"
    script_loop "$WORK/s-screen.txt" 150
} >"$WORK/sync.script"
t0=$(now_ms)
timeout 60 "$MESHPANEL" --kubeconfig "$WORK/kc/slow.yaml" --script "$WORK/sync.script" \
    >"$WORK/sync.out" 2>"$WORK/sync.err" &
CPID=$!
if wait_file "$WORK/s0.txt" 'meshpanel' 1000; then
    ok "sync: the first screen within 1 s ($(($(now_ms) - t0)) ms after the start)"
else
    bad "sync: the first screen within 1 s" "$(cat "$WORK/sync.err")"
fi
check "sync: the first screen says connecting" "$(header "$WORK/s0.txt")" '^ meshpanel +connecting '
if wait_file "$WORK/s-screen.txt" 'waiting for exec plugin' 1500; then
    ok "sync: the screens go on while the plugin runs"
else
    bad "sync: the screens go on while the plugin runs" "$(cat "$WORK/s-screen.txt" 2>&1)"
fi
if wait_file "$WORK/s-screen.txt" '9/9 kinds synced, watching' 15000; then
    ok "sync: synced once the plugin answered ($(($(now_ms) - t0)) ms after the start; the plugin sleeps 3 s)"
else
    bad "sync: synced once the plugin answered" "$(cat "$WORK/s-screen.txt")"
fi
synced=$(cat "$WORK/s-screen.txt")
check "sync: the header says synced" "$(head -n1 <<<"$synced")" '^ meshpanel +synced +ctx: s '
check "sync: the tenants, listed with the plugin's token" "$synced" '2 tenants +1 ing '
check "sync: the tenants pane" "$(grep -oE 'ns-[ab] ' <<<"$synced" | sort -u | tr -d '\n')" '^ns-a ns-b $'
check_eq "sync: one plugin run for the 9 streams" "$(wc -l <"$WORK/slow.runs")" "1"
kill "$CPID" 2>/dev/null
wait "$CPID" 2>/dev/null

# ---- a failing plugin: its error, like any failed request ----------------------
{
    printf ':resize 400x30\n' # the whole status line
    script_loop "$WORK/f-screen.txt" 30
    printf 'key q\n'
} >"$WORK/fail.script"
timeout 20 "$MESHPANEL" --kubeconfig "$WORK/kc/fail.yaml" --script "$WORK/fail.script" \
    >"$WORK/fail.out" 2>"$WORK/fail.err" &
CPID=$!
if wait_file "$WORK/f-screen.txt" 'exit status 1' 2500; then
    check "fail: the status line has the plugin's last stderr line" "$(status_line "$WORK/f-screen.txt")" \
        "connecting to .*, retry in [0-9]+ s; kubeconfig $WORK/kc/fail\.yaml: user \"u\": exec plugin $WORK/kc/plugin\.sh failed with exit status 1: login required: run sso-login$"
else
    bad "fail: the plugin's error in the status line" "$(cat "$WORK/f-screen.txt" 2>&1)"
fi
check "fail: the header shows the retry" "$(header "$WORK/f-screen.txt")" '^ meshpanel +connecting'
wait "$CPID"
check_eq "fail: the console stays usable (q exits 0)" "$?|$(cat "$WORK/fail.err")" "0|"

# ---- a plugin that never answers: killed at --request-timeout ------------------
printf ':resize 400x30\npump 2600\n:save-display %s\nkey q\n' "$WORK/h.txt" >"$WORK/hang.script"
mp --kubeconfig "$WORK/kc/hang.yaml" --request-timeout 2s --script "$WORK/hang.script"
check_eq "hang: exits 0" "$RC|$ERR" "0|"
check "hang: timed out after the request timeout, the plugin named" "$(status_line "$WORK/h.txt")" \
    "connecting to .*: user \"u\": exec plugin $WORK/kc/plugin\.sh timed out: no credential within 2 s$"
pid=$(head -n1 "$WORK/hang.runs")
if gone "$pid"; then ok "hang: the plugin was killed"; else bad "hang: the plugin was killed" "$pid"; fi

# ---- the same in a real terminal (tmux): the event loop itself ------------------
sock="mp-exec-$$"
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
    kubeconfig slow
    sed -i 's/value: "3"/value: "30"/' "$WORK/kc/slow.yaml"
    rm -f "$WORK/slow.runs"
    t0=$(now_ms)
    tq new-session -d -x 140 -y 30 \
        "HOME='$HOME' LC_ALL=C.UTF-8 '$MESHPANEL' --kubeconfig '$WORK/kc/slow.yaml'; echo EXITED; sleep 30"
    if wait_tmux 'waiting for exec plugin' 3000; then
        ok "tmux: drawn while the plugin runs ($(($(now_ms) - t0)) ms)"
    else
        bad "tmux: drawn while the plugin runs" "$(cat "$WORK/tmux.txt")"
    fi
    t0=$(now_ms)
    tq send-keys q
    if wait_tmux '^EXITED' 3000; then
        ok "tmux: q quits at once ($(($(now_ms) - t0)) ms; the plugin sleeps 30 s)"
    else
        bad "tmux: q quits at once" "$(cat "$WORK/tmux.txt")"
    fi
    pid=$(head -n1 "$WORK/slow.runs")
    if gone "$pid"; then ok "tmux: the plugin went with the console"; else bad "tmux: the plugin went with the console" "$pid"; fi
    tq kill-server 2>/dev/null
else
    echo "# tmux not installed: the terminal checks are skipped"
fi
finish
