#!/usr/bin/env bash
# The edit form checks its object against the console's last lint run
# (tui/lint_console.h, lint_console_check_object). The run keeps every
# planned object stripped to its metadata (the rest as text), so the form's
# check must see the Gateway its VirtualService names whole: the planned
# ns-a/meshpanel-gateway serves web.a.example.com, so no MP712 ("no server
# of gateway ... serves"); with the Gateway's servers missing the form said
# MP712. And the run's cross-tenant facts are there: a live VirtualService
# of ns-b that claimed the host first is an MP701 on the form's host.
set -u
. "$(dirname "$0")/test_client_lib.bash"
export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/xdg" XDG_STATE_HOME="$WORK/state" LC_ALL=C.UTF-8
export MESHPANEL_NOW="2026-09-01T00:00:00Z"
unset MESHPANEL_CONFIG MESHPANEL_SCRIPT MESHPANEL_DEMO_DIR EDITOR VISUAL
mkdir -p "$HOME"

start_server "$WORK/srv"
KC="$WORK/srv/kubeconfig"
api POST /_test/seed 'apiVersion: v1
kind: Namespace
metadata: {name: ns-a}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: ns-a}
spec:
  ports: [{name: http, port: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: ns-a}
spec:
  ingressClassName: nginx
  tls: [{hosts: [web.a.example.com], secretName: a-cert}]
  rules:
  - host: web.a.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: web, port: {number: 8080}}}' application/yaml >/dev/null

# open NAME: the tenant's Ingress opened in the edit form, the screen saved
open_form() {
    cat >"$WORK/$1.script" <<EOF
sync 10000
:tenant ns-a
key e
:save-display $WORK/$1.txt
EOF
    mp --kubeconfig "$KC" --script "$WORK/$1.script" --size 160x60
    check_eq "$1: the console exits 0" "$RC" 0
}

open_form alone
s=$(cat "$WORK/alone.txt")
check "alone: the form is on the VirtualService" "$s" 'object +VirtualService web-a-example-com'
check "alone: ... bound to the planned Gateway" "$s" 'gateway 1 +ns-a/meshpanel-gateway'
check_not "alone: whose servers serve the host (no MP712)" "$s" 'MP712|no server of gateway'
check_not "alone: no MP701" "$s" 'MP701'

api POST /_test/seed 'apiVersion: v1
kind: Namespace
metadata: {name: ns-b}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: squat, namespace: ns-b, creationTimestamp: "2020-01-01T00:00:00Z"}
spec:
  hosts: [web.a.example.com]
  gateways: [istio-system/ingressgateway]
  http: [{route: [{destination: {host: web}}]}]' application/yaml >/dev/null

open_form claimed
s=$(cat "$WORK/claimed.txt")
check "claimed: ns-b's older claim is an MP701 on the form's host" "$s" \
    'MP701 host web\.a\.example\.com is also'
check_not "claimed: still no MP712" "$s" 'MP712|no server of gateway'
finish
