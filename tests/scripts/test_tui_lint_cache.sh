#!/usr/bin/env bash
# The console's lint keeps each tenant's conversion across store changes
# (tui/lint_console.c, conv_entry): after a watch event only the tenants
# whose input moved are converted again, and the findings are still those
# of `meshpanel lint -f` over the server's objects, before and after. The
# event: a new Ingress of ns-tenant-00002 claims ing-00001's host (MP701).
source "$(dirname "$0")/test_client_lib.bash"
export LC_ALL=C.UTF-8 MESHPANEL_NOW="2026-09-01T00:00:00Z"
export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/xdg"
unset MESHPANEL_SCRIPT MESHPANEL_TRACE XDG_STATE_HOME MESHPANEL_CONFIG
mkdir -p "$HOME"

start_server "$WORK/srv" --generate 200
KC="$WORK/srv/kubeconfig"
{
    echo "sync 30000"
    echo ":problems"
    echo ":save-display $WORK/p0.txt"
    echo "pump 3000"
    echo ":problems"
    echo ":save-display $WORK/p1.txt"
    echo "key q"
} >"$WORK/lint.script"
MESHPANEL_TRACE="$WORK/lint.trace" timeout 60 "$MESHPANEL" --kubeconfig "$KC" --size 200x60 \
    --script "$WORK/lint.script" >"$WORK/console.out" 2>"$WORK/console.err" &
console=$!
PIDS+=($console)
wait_file "$WORK/p0.txt" . 30000 || { cat "$WORK/console.err"; exit 1; }
api GET /_test/state >"$WORK/state0.json"
api POST /_test/seed 'apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: thief, namespace: ns-tenant-00002}
spec:
  rules: [{host: ing-00001.cloud.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]' \
    application/yaml >/dev/null
wait "$console"
check_eq "the console ran its script" "$?" 0
api GET /_test/state >"$WORK/state1.json"

count() { grep -oE 'Problems \[[0-9]+\]' "$1"; }
mp lint -f "$WORK/state0.json"
check_eq "before the event: the CLI's findings" "$(count "$WORK/p0.txt")" "Problems [$(grep -c '' <<<"$OUT")]"
mp lint -f "$WORK/state1.json"
cli1=$OUT
check_eq "after the event: the CLI's findings" "$(count "$WORK/p1.txt")" "Problems [$(grep -c '' <<<"$cli1")]"
check "after the event: the claim is an MP701" "$cli1" 'MP701 ingress ns-tenant-0000[12]/'
check "... which the console lists" "$(cat "$WORK/p1.txt")" 'MP701'
check_not "... not before" "$(cat "$WORK/p0.txt")" 'MP701'

runs=$(grep ' event=lint ' "$WORK/lint.trace" | grep -oE 'converted=[0-9]+')
check_eq "two runs" "$(grep -c '' <<<"$runs")" 2
first=$(head -n1 <<<"$runs" | cut -d= -f2)
second=$(tail -n1 <<<"$runs" | cut -d= -f2)
check "the first run converts every tenant with Ingresses" "$first" '^40$'
check "the second converts the two the event touched" "$second" '^2$'
finish
