#!/usr/bin/env bash
# A server that answers a watch's headers and then never sends another byte
# (issue 12: "a server that accepts and never answers hangs get -w
# silently"). The watch asks for timeoutSeconds and gives the stream up when
# nothing arrived for that long plus a margin (CURLOPT_LOW_SPEED_*), then
# opens it again. MESHPANEL_WATCH_TIMEOUT=2 makes that 4 s instead of 330 s;
# the test fails when the watch has no low-speed limit (it then hangs on the
# first stalled stream until `timeout` kills it).
source "$(dirname "$0")/test_client_lib.bash"
export LC_ALL=C.UTF-8

start_server "$WORK/srv"
KC="$WORK/srv/kubeconfig"
api POST /_test/seed "$(
    cat <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: ns-s}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: first, namespace: ns-s}
spec: {rules: [{host: first.example.com}]}
YAML
)" application/yaml >/dev/null

watches() {
    requests | python3 -c '
import json, sys
path = "/apis/networking.k8s.io/v1/namespaces/ns-s/ingresses"
ws = [r for r in json.load(sys.stdin) if r["path"] == path and r["params"].get("watch") in ("1", "true")]
print(len(ws), " ".join(sorted({w["params"].get("timeoutSeconds", "-") for w in ws})))'
}

reset_requests
faults '{"stall_watch": 1}'
MESHPANEL_WATCH_TIMEOUT=2 timeout 60 "$MESHPANEL" get ing -n ns-s --watch --kubeconfig "$KC" \
    >"$WORK/watch.out" 2>"$WORK/watch.err" &
WPID=$!
PIDS+=($WPID)
# Two stalled watches: the first was given up on and a second one opened.
for _ in $(seq 60); do
    read -r n _ <<<"$(watches)"
    [ "${n:-0}" -ge 2 ] && break
    sleep 0.5
done
read -r n tsec <<<"$(watches)"
check "a stalled watch is given up on and opened again" "$n" '^([2-9]|[1-9][0-9]+)$'
check_eq "each watch asked for timeoutSeconds=2" "$tsec" 2

check "the stall is reported on stderr, naming the watch" "$(cat "$WORK/watch.err")" \
    'watch ingresses.networking.k8s.io in namespace "ns-s".*too slow'
check "the stream was opened again with a fresh list" "$(cat "$WORK/watch.out")" '^RELIST$'

# The server recovers: the next watch sees a new Ingress.
faults '{"stall_watch": 0}'
api POST /apis/networking.k8s.io/v1/namespaces/ns-s/ingresses \
    '{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"second"},"spec":{"rules":[{"host":"second.example.com"}]}}' >/dev/null
wait_file "$WORK/watch.out" '^ADDED ns-s/second ' 30000
check_eq "after the stall, a new Ingress arrives within 30 s" "$?" 0
kill -0 "$WPID" 2>/dev/null
check_eq "get -w is still running (it never gave up)" "$?" 0
finish
