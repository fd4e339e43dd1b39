#!/usr/bin/env bash
# A watch storm (issue 11's watch target, smoke size): the console holds 200
# Ingresses over 40 tenants while the test API server patches, adds and
# deletes Ingresses at 400 events/s for 1.5 s (POST /_test/churn); once the
# storm is over, the console's store (:save-store) equals a fresh list of the
# server line by line, resourceVersions included: no event lost, none applied
# twice or out of order. Correctness only; bench/watch.sh measures the rates.
source "$(dirname "$0")/test_client_lib.bash"
export LC_ALL=C.UTF-8 MESHPANEL_NOW="2026-09-01T00:00:00Z"
unset MESHPANEL_SCRIPT MESHPANEL_TRACE

start_server "$WORK/srv" --generate 200 --history 100000
KC="$WORK/srv/kubeconfig"

# The console: synced, a marker screen, then it pumps its watch streams (and
# idle work) while the storm runs, pressing keys between the pumps.
{
    echo "sync 30000"
    echo ":save-display $WORK/synced.txt"
    for _ in $(seq 40); do
        echo "pump 250"
        echo "key j"
    done
    echo ":save-store $WORK/store.txt"
    echo ":save-display $WORK/final.txt"
    echo "key q"
} >"$WORK/storm.script"
timeout 90 "$MESHPANEL" --kubeconfig "$KC" --script "$WORK/storm.script" \
    >"$WORK/console.out" 2>"$WORK/console.err" &
console=$!
PIDS+=($console)
wait_file "$WORK/synced.txt" . 30000 || { cat "$WORK/console.err"; exit 1; }

field() { python3 -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$status" "$1"; }
status=$(api POST /_test/churn '{"rate": 400, "seconds": 1.5, "seed": 7}')
check_eq "the storm started" "$(field running)" True
for _ in $(seq 100); do
    status=$(api GET /_test/churn)
    [ "$(field running)" = False ] && break
    sleep 0.1
done
check_eq "the storm ended" "$(field running)" False
events=$(field events)
added=$(field added)
deleted=$(field deleted)
check "the storm wrote at least 500 events" "$((events >= 500 ? 1 : 0))" '^1$'
check "it added and deleted Ingresses" "$((added > 0 && deleted > 0 ? 1 : 0))" '^1$'

wait "$console"
check_eq "the console ran its script" "$?" 0
api GET /_test/state >"$WORK/state.json"
cmp=$(python3 "$SRC/tests/tools/store_lines.py" "$WORK/store.txt" "$WORK/state.json")
check "the console's store equals a fresh list" "$cmp" '^same [0-9]+$'
n_ing=$(grep -c '^Ingress ' "$WORK/store.txt")
check_eq "Ingresses held" "$n_ing" "$((200 + added - deleted))"
check "the screen counts them" "$(cat "$WORK/final.txt")" "$n_ing ing"

# Row cells are kept across watch events for unchanged objects: a kept row's
# STATE still follows the rest of the store. ing-00001 becomes a conflict when
# another tenant's new Ingress claims its host, and active again when it goes.
{
    echo "sync 30000"
    echo ":tenant ns-tenant-00001"
    echo ":save-display $WORK/row-before.txt"
    echo "pump 3000"
    echo ":save-display $WORK/row-conflict.txt"
    echo "pump 3000"
    echo ":save-display $WORK/row-after.txt"
    echo "key q"
} >"$WORK/row.script"
timeout 60 "$MESHPANEL" --kubeconfig "$KC" --script "$WORK/row.script" \
    >"$WORK/row.out" 2>"$WORK/row.err" &
console=$!
PIDS+=($console)
wait_file "$WORK/row-before.txt" . 30000 || { cat "$WORK/row.err"; exit 1; }
check "before: ing-00001 is active" "$(grep ' ing-00001 ' "$WORK/row-before.txt")" ' active '
api POST /_test/seed 'apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: thief, namespace: ns-tenant-00002}
spec:
  rules: [{host: ing-00001.cloud.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]' \
    application/yaml >/dev/null
wait_file "$WORK/row-conflict.txt" . 30000 || { cat "$WORK/row.err"; exit 1; }
check "another tenant claims its host: conflict" "$(grep ' ing-00001 ' "$WORK/row-conflict.txt")" ' conflict '
api DELETE /apis/networking.k8s.io/v1/namespaces/ns-tenant-00002/ingresses/thief >/dev/null
wait "$console"
check_eq "the console ran its script" "$?" 0
check "the claim deleted: active again" "$(grep ' ing-00001 ' "$WORK/row-after.txt")" ' active '
finish
