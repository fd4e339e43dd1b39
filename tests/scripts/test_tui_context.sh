#!/usr/bin/env bash
# The console on the live cluster: it syncs every tenant with an admin context,
# `:ctx NAME` reconnects with another kubeconfig context (a tenant's own token,
# which may not list namespaces: the console falls back to its namespace), and
# an unknown context is refused with a message naming it.
set -u
: "${MESHPANEL:?}" "${SRC:?}"
. "$SRC/tests/scripts/test_client_lib.bash"
export LC_ALL=C.UTF-8 MESHPANEL_NOW="2026-09-01T00:00:00Z"

start_server "$WORK/srv" --generate 20 --tenant-token tok-b=ns-tenant-00002
export KUBECONFIG="$WORK/srv/kubeconfig:$WORK/srv/kubeconfig-ns-tenant-00002"

cat >"$WORK/ctx.script" <<EOF_SCRIPT
sync 10000
:save-display $WORK/admin.txt
:ctx ns-tenant-00002
sync 10000
:save-display $WORK/tenant.txt
EOF_SCRIPT
mp --script "$WORK/ctx.script"
check_eq "switch script exits 0" "$RC" 0
admin=$(cat "$WORK/admin.txt" 2>/dev/null)
tenant=$(cat "$WORK/tenant.txt" 2>/dev/null)
check "admin: header names the context" "$admin" 'ctx: admin +cluster: https://127\.0\.0\.1:'
check "admin: every tenant" "$admin" 'Tenants \[4\]'
check "admin: 20 ingresses synced" "$admin" '4 tenants +20 ing .*9/9 kinds synced'
check "tenant: header names the new context" "$tenant" 'ctx: ns-tenant-00002 '
check "tenant: only its namespace" "$tenant" 'Tenants \[1\]'
check "tenant: its 5 ingresses" "$tenant" '1 tenant +5 ing'
check_not "tenant: no other tenant left from the admin context" "$tenant" 'ns-tenant-00001'

# -n selects the tenant on a live source too (issue 14), and the choice
# survives the list arriving after the first screen
printf 'sync 10000\n:save-display %s\n' "$WORK/ns.txt" >"$WORK/ns.script"
mp -n ns-tenant-00003 --script "$WORK/ns.script"
check_eq "-n: script exits 0" "$RC" 0
ns=$(cat "$WORK/ns.txt" 2>/dev/null)
check "-n: the header names the tenant" "$(head -n 1 <<<"$ns")" 'ns: ns-tenant-00003'
check "-n: the resources pane is that tenant's" "$ns" 'Ingress ns-tenant-00003 \[5\]'
check "-n: every tenant still listed" "$ns" 'Tenants \[4\]'
mp --namespace ns-missing --script "$WORK/ns.script"
check_eq "-n unknown: script exits 0" "$RC" 0
check "-n unknown: says so" "$(tail -n 2 "$WORK/ns.txt" | head -n 1)" 'ns-missing'

# PROB counts the tenant's errors (lint's, with the conversion's), and
# follows the cluster: an Ingress without a host (MP206, an error) to the
# tenant's existing Service created while the console runs raises
# ns-tenant-00002's count by one, with no key pressed.
cat >"$WORK/prob.script" <<EOF_SCRIPT
sync 10000
:save-display $WORK/prob-before.txt
pump 2500
:save-display $WORK/prob-after.txt
EOF_SCRIPT
(
    for _ in $(seq 100); do [ -s "$WORK/prob-before.txt" ] && break; sleep 0.05; done
    api POST /apis/networking.k8s.io/v1/namespaces/ns-tenant-00002/ingresses \
        '{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"no-host","namespace":"ns-tenant-00002"},"spec":{"rules":[{"http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"app","port":{"number":80}}}}]}}]}}' >/dev/null
) &
creator=$!
mp --size 160x45 --script "$WORK/prob.script"
wait "$creator"
prob() { grep -o "│ ns-tenant-00002 [^│]*" "$1" | head -n 1 | awk '{print $7}'; }
before=$(prob "$WORK/prob-before.txt")
after=$(prob "$WORK/prob-after.txt")
check "PROB: a number before" "$before" '^[0-9]+$'
check_eq "PROB: one more after an Ingress without host appeared" "$after" "$((before + 1))"

printf ':ctx nope\n:save-display %s\n' "$WORK/bad.txt" >"$WORK/bad.script"
mp --script "$WORK/bad.script"
check_eq "unknown context fails the script" "$RC" 1
check "unknown context is named" "$ERR" 'context "nope" not found in kubeconfig'
finish
