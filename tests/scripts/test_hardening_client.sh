#!/usr/bin/env bash
# The client's defects of issue 12, each as the user or an attacker meets it:
# credentials never cross plain HTTP (a warning, the request goes without
# them, the exec plugin never runs); a gzip bomb is refused at the buffered
# cap; `get -w` and `get -o json|yaml` print no control or bidi character a
# hostile server sends; a continue chain that never ends is refused; an exec
# plugin inherits no descriptor of ours (trace file, API connections) and
# its whole process group dies at the deadline; :save-display does not
# write through a symlink planted at a temp name; no core dumps.
set -u
. "$(dirname "$0")/test_client_lib.bash"
HOSTILE="$SRC/tests/tools/hostile_apiserver.py"
# ESC, BEL, C1 as UTF-8 (c2 80-9f), the raw 8-bit CSI, DEL, bidi controls
CONTROLS='\x1b|\x07|\x7f|\xc2[\x80-\x9f]|\x9b|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]|\xd8\x9c'
has_controls() { LC_ALL=C grep -qP "$CONTROLS" "$1"; }
# self-test of the detector
printf 'a\xe2\x80\xaeb\n' >"$WORK/raw"
if has_controls "$WORK/raw"; then ok "detector sees a raw bidi override"; else bad "detector blind"; fi

# ---- credentials over plain HTTP ---------------------------------------------
ST="$WORK/plain"
start_server "$ST" --http
cat >"$WORK/plugin.sh" <<'SH'
#!/bin/sh
echo ran >>"$PLUGIN_RAN"
echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"admin-token"}}'
SH
chmod +x "$WORK/plugin.sh"
cat >"$WORK/plain.kc" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: p, cluster: {server: "$URL"}}]
users:
- name: t
  user: {token: admin-token}
- name: x
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: $WORK/plugin.sh
      env: [{name: PLUGIN_RAN, value: "$WORK/plugin.ran"}]
contexts: [{name: tok, context: {cluster: p, user: t}}, {name: exec, context: {cluster: p, user: x}}]
current-context: tok
EOF
reset_requests_plain() { curl -sS -X POST -H "Authorization: Bearer admin-token" "$URL/_test/reset" >/dev/null; }
reset_requests_plain
mp get ing -A --kubeconfig "$WORK/plain.kc"
check_eq "plain HTTP: the server refuses the anonymous request (exit 2)" "$RC" 2
check "plain HTTP: one warning line naming the user and the server" "$ERR" \
    "^meshpanel get: warning: kubeconfig $WORK/plain\.kc: user \"t\": credentials are not sent to http://127\.0\.0\.1:[0-9]+: it is plain HTTP, anyone on the path could read them \(use https://\)$"
check "plain HTTP: then the 401" "$ERR" 'unauthorized \(401\)'
log=$(curl -sS -H "Authorization: Bearer admin-token" "$URL/_test/requests")
# the test server records authenticated requests only: admin-token is valid, so
# one sent would show here (and the answer would not be a 401)
check "plain HTTP: no request arrived with the token" "$(python3 -c '
import json, sys
reqs = [r for r in json.load(sys.stdin) if r["path"].startswith("/api")]
assert not reqs, reqs
print("OK")' <<<"$log" 2>&1)" '^OK$'
mp get ing -A --kubeconfig "$WORK/plain.kc" --context exec
check "plain HTTP: an exec plugin context warns too" "$ERR" 'user "x": credentials are not sent'
check_eq "plain HTTP: the plugin never ran" "$(cat "$WORK/plugin.ran" 2>/dev/null)" ""

# ---- a hostile server ----------------------------------------------------------
python3 "$HOSTILE" "$WORK/hostile.log" >"$WORK/hostile.out" 2>"$WORK/hostile.err" &
PIDS+=($!)
for _ in $(seq 100); do grep -q '^listening ' "$WORK/hostile.out" 2>/dev/null && break; sleep 0.05; done
HURL=$(sed -n 's/^listening //p' "$WORK/hostile.out")
cat >"$WORK/hostile.kc" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: h, cluster: {server: "$HURL"}}]
users: [{name: anon, user: {}}]
contexts: [{name: h, context: {cluster: h, user: anon, namespace: ns-a}}]
current-context: h
EOF

# a 64 MiB gzip bomb (64 KiB on the wire) for one object: refused at 32 MiB
/usr/bin/time -f '%M' -o "$WORK/bomb.rss" timeout 60 "$MESHPANEL" get ing bomb -o json \
    --kubeconfig "$WORK/hostile.kc" >"$WORK/out" 2>"$WORK/err"
RC=$?
check_eq "gzip bomb: exit 2" "$RC" 2
check "gzip bomb: refused at the cap, one line" "$(cat "$WORK/err")" \
    '^meshpanel get: get ingresses\.networking\.k8s\.io "bomb" in namespace "ns-a": the answer is larger than 32 MiB once decompressed: refused$'
rss_kb=$(tail -n1 "$WORK/bomb.rss") # GNU time writes "Command exited..." first
if [ "$rss_kb" -lt $((160 * 1024)) ]; then ok "gzip bomb: peak RSS ${rss_kb} KiB (under 160 MiB)"; else
    bad "gzip bomb: peak RSS" "${rss_kb} KiB"
fi

# get -o json / -o yaml of an object whose annotations carry controls
mp get ing evil -o json --kubeconfig "$WORK/hostile.kc"
check_eq "get -o json: exit 0" "$RC" 0
printf '%s\n' "$OUT" >"$WORK/evil.json"
if has_controls "$WORK/evil.json"; then bad "get -o json: raw control bytes" "$(cat -v "$WORK/evil.json")"; else
    ok "get -o json: no raw control or bidi byte"
fi
check "get -o json: escaped, the same data" "$(python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))["metadata"]["annotations"]
assert a["c1"] == "before\u009b2J\u0085after" and a["bidi"] == "evil\u202emoc.elgoog", a
assert a["esc"].startswith("\u001b]52;") and a["del"] == "a\u007fb", a
print("OK")' "$WORK/evil.json" 2>&1)" '^OK$'
check "get -o json: bidi as \\u202e" "$OUT" 'evil\\u202emoc'
mp get ing evil -o yaml --kubeconfig "$WORK/hostile.kc"
printf '%s\n' "$OUT" >"$WORK/evil.yaml"
if has_controls "$WORK/evil.yaml"; then bad "get -o yaml: raw control bytes" "$(cat -v "$WORK/evil.yaml")"; else
    ok "get -o yaml: no raw control or bidi byte"
fi
check "get -o yaml: the same data" "$(python3 -c '
import sys, yaml
a = yaml.safe_load(open(sys.argv[1]))["metadata"]["annotations"]
assert a["bidi"] == "evil\u202emoc.elgoog" and a["c1"] == "before\u009b2J\u0085after", a
print("OK")' "$WORK/evil.yaml" 2>&1)" '^OK$'

# get -w: the resourceVersions carry OSC 0, ESC [ 2J, C1 CSI and a bidi override
mp get ing -w --max-events 3 --kubeconfig "$WORK/hostile.kc"
printf '%s\n' "$OUT" >"$WORK/watch.out"
check_eq "get -w: three events" "$(wc -l <"$WORK/watch.out")" 3
if has_controls "$WORK/watch.out"; then bad "get -w: raw control bytes" "$(cat -v "$WORK/watch.out")"; else
    ok "get -w: namespace, name and resourceVersion printed without controls"
fi
check "get -w: the text around them stays" "$OUT" '^ADDED ns-a/w1 7'

# a list whose continue token never changes
mp get ing -n ns-b --kubeconfig "$WORK/hostile.kc"
check_eq "endless list: exit 2" "$RC" 2
check "endless list: refused" "$ERR" 'the server answered the same continue token twice: refused$'
check_eq "endless list: two requests, not thousands" "$(grep -c '/ns-b/ingresses' "$WORK/hostile.log")" 2
mp get ing -n ns-b -w --kubeconfig "$WORK/hostile.kc"
check_eq "endless list (watch): exit 2" "$RC" 2
check "endless list (watch): refused" "$ERR" 'the server answered the same continue token twice: refused$'

# ---- get -w against a server that accepts and never answers ----------------------
# it says so at each request timeout and retries (a watch stream that goes
# silent after its headers is given up after timeoutSeconds + 30 s,
# api/watch.c: too long for a test)
python3 - "$WORK/silent.port" <<'PY' &
import socket, sys
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
sed "s|$HURL|http://127.0.0.1:$(cat "$WORK/silent.port")|" "$WORK/hostile.kc" >"$WORK/silent.kc"
timeout 7 "$MESHPANEL" get ing -w --kubeconfig "$WORK/silent.kc" --request-timeout 2s \
    >"$WORK/silent.out" 2>"$WORK/silent.err"
check_eq "silent server: get -w still waits (killed by the test's timeout)" "$?" 124
check "silent server: get -w says the server does not answer, and retries" \
    "$(head -n1 "$WORK/silent.err")" \
    'list ingresses\.networking\.k8s\.io in namespace "ns-a": cannot reach http://127\.0\.0\.1:[0-9]+: no answer within 2 s; retrying in'

# ---- descriptors and process groups of exec plugins ---------------------------
# The console with a trace file, live watch connections, and a plugin whose
# first token the server refuses: the second run happens while connections
# are open. Each run lists its descriptors.
ST2="$WORK/tls"
start_server "$ST2" --generate 5
cat >"$WORK/fdplugin.sh" <<'SH'
#!/bin/sh
n=$(cat "$RUNS" 2>/dev/null | wc -l)
echo run >>"$RUNS"
# ls inherits what the plugin inherited (dash's own script descriptor is
# close-on-exec); /proc/self is ls itself
ls /proc/self/fd | sort -n | tr '\n' ' ' >>"$FDS"; echo >>"$FDS"
tok=admin-token; [ "$n" -eq 0 ] && tok=stale-token
echo "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"$tok\"}}"
SH
chmod +x "$WORK/fdplugin.sh"
cat >"$WORK/fd.kc" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: s, cluster: {server: "$URL", certificate-authority: "$ST2/ca.crt"}}]
users:
- name: u
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: $WORK/fdplugin.sh
      env: [{name: RUNS, value: "$WORK/fd.runs"}, {name: FDS, value: "$WORK/fd.fds"}]
contexts: [{name: s, context: {cluster: s, user: u}}]
current-context: s
EOF
printf 'sync 30000\n:save-display %s\nkey q\n' "$WORK/fd-screen.txt" >"$WORK/fd.script"
MESHPANEL_TRACE="$WORK/fd.trace" mp --kubeconfig "$WORK/fd.kc" --script "$WORK/fd.script"
check_eq "fds: the console synced" "$RC|$ERR" "0|"
check "fds: the plugin ran again after the 401 (stale token, then a good one)" "$(wc -l <"$WORK/fd.runs")" "^[2-9]$"
# ls itself opens one descriptor (3) to read the directory
check_eq "fds: each run had stdin, stdout, stderr only" "$(sort -u "$WORK/fd.fds")" "0 1 2 3 "
check "fds: the trace was open meanwhile" "$(cat "$WORK/fd.trace")" 'first-paint|sync'
check "process group kill: covered by test_exec_cred (hanging_plugin_killed_at_the_deadline)" \
    "$(grep -c 'grandchild\|what it started' "$SRC/tests/unit/test_exec_cred.c")" '^[1-9]'

# ---- :save-display and a symlink planted at a temp name --------------------------
echo "precious" >"$WORK/victim"
printf 'pump 800\n:save-display %s\nkey q\n' "$WORK/screen.txt" >"$WORK/save.script"
"$MESHPANEL" --demo --script "$WORK/save.script" >"$WORK/save.out" 2>&1 &
pid=$!
# the old temp name was predictable: SCREEN.tmp.PID
ln -s "$WORK/victim" "$WORK/screen.txt.tmp.$pid"
wait "$pid"
check_eq ":save-display: exit 0" "$?" 0
check_eq ":save-display: the symlink's target untouched" "$(cat "$WORK/victim")" precious
check ":save-display: the screen was saved" "$(head -n1 "$WORK/screen.txt")" 'meshpanel'
check_eq ":save-display: a plain file, not a link" "$(stat -c %F "$WORK/screen.txt")" "regular file"

# ---- no core dumps ------------------------------------------------------------------
printf 'pump 3000\nkey q\n' >"$WORK/idle.script"
"$MESHPANEL" --demo --script "$WORK/idle.script" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q 'Max core file size' "/proc/$pid/limits" 2>/dev/null && break; sleep 0.05; done
sleep 0.2
check "no core dumps: RLIMIT_CORE is 0" "$(grep 'Max core file size' "/proc/$pid/limits")" \
    '^Max core file size +0 +0 +bytes'
wait "$pid"

finish
