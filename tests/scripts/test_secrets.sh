#!/usr/bin/env bash
# Issue 12 item 5: no credential and no Secret value leaks. Against the test
# API server, with a bearer token, a client certificate and an exec plugin,
# the CLI and the console run the paths that print or write: lists, JSON,
# watches, errors (401, 403), apply and diff, the trace file, screen dumps,
# the staged edits file. Then every byte they wrote (stdout, stderr, trace,
# screens, $HOME, $XDG_STATE_HOME) is searched for each secret: the admin
# token, the plugin's token, a refused token, the client key's lines, and a
# Secret's value (decoded and base64). State files must be 0600 in 0700
# directories, and saving leaves no temp file behind.
set -u
. "$(dirname "$0")/test_client_lib.bash"
export LC_ALL=C.UTF-8
unset XDG_STATE_HOME EDITOR VISUAL MESHPANEL_SCRIPT MESHPANEL_DEMO_DIR NO_COLOR

ADMIN=tok-ADMIN-5c1e9a7d3b
TENANT=tok-PLUGIN-8e2f6a0c4d
REFUSED=tok-REFUSED-3a9b7c1e5f
VALUE=VALUE-OF-SECRET-d41e8c
VALUE64=$(printf %s "$VALUE" | base64)
start_server "$WORK/srv" --admin-token "$ADMIN" --tenant-token "$TENANT=ns-sec"
api() { # the lib's api() with this server's admin token
    local args=(-sS --max-time 20 -X "$1" -H "Authorization: Bearer $ADMIN")
    [ $# -ge 3 ] && args+=(--data-binary "$3" -H "Content-Type: ${4:-application/json}")
    curl "${CURL_TLS[@]}" "${args[@]}" "$URL$2"
}
api POST /_test/seed "$(
    cat <<YAML
apiVersion: v1
kind: Namespace
metadata: {name: ns-sec}
---
apiVersion: v1
kind: Secret
metadata: {name: web-tls, namespace: ns-sec}
type: kubernetes.io/tls
data: {tls.crt: $VALUE64, tls.key: $VALUE64, password: $VALUE64}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: ns-sec}
spec: {ports: [{name: http, port: 8080}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: ns-sec}
spec:
  ingressClassName: nginx
  tls: [{hosts: [web.sec.example.com], secretName: web-tls}]
  rules:
  - host: web.sec.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 8080}}}}
YAML
)" application/yaml >/dev/null
check "the Secret is stored with its value" "$(api GET /api/v1/namespaces/ns-sec/secrets/web-tls)" "$VALUE64"

printf '#!/bin/sh\necho %s\n' \
    "'{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"$TENANT\"}}'" \
    >"$WORK/plugin.sh"
chmod +x "$WORK/plugin.sh"
CA=$(base64 -w0 "$WORK/srv/ca.crt")
cat >"$WORK/kc" <<KC
apiVersion: v1
kind: Config
current-context: admin
clusters: [{name: s, cluster: {server: "$URL", certificate-authority-data: "$CA"}}]
users:
- {name: admin, user: {token: $ADMIN}}
- {name: refused, user: {token: $REFUSED}}
- {name: cert, user: {client-certificate: $WORK/srv/client.crt, client-key: $WORK/srv/client.key}}
- name: plugin
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: $WORK/plugin.sh}
contexts:
- {name: admin, context: {cluster: s, user: admin}}
- {name: refused, context: {cluster: s, user: refused}}
- {name: cert, context: {cluster: s, user: cert}}
- {name: plugin, context: {cluster: s, user: plugin, namespace: ns-sec}}
KC
chmod 600 "$WORK/kc"
export XDG_STATE_HOME="$WORK/state"
export MESHPANEL_TRACE="$WORK/out-trace.txt"
n=0
# run NAME ARGS...: meshpanel, everything it prints kept as out-NAME.*
run() {
    local name=$1
    shift
    n=$((n + 1))
    timeout 60 "$MESHPANEL" "$@" --kubeconfig "$WORK/kc" >"$WORK/out-$name.stdout" \
        2>"$WORK/out-$name.stderr"
    RC=$?
}
run get-admin get ing -A -o json
check_eq "admin: lists (exit 0)" "$RC" 0
check "admin: the Ingress is listed" "$(cat "$WORK/out-get-admin.stdout")" 'web\.sec\.example\.com'
run get-yaml get ing -n ns-sec -o yaml
run watch get ing -n ns-sec -w --max-events 1
check_eq "admin: watch (exit 0)" "$RC" 0
run cert get ing -A --context cert
check_eq "client certificate: lists (exit 0)" "$RC" 0
run plugin get ing --context plugin
check_eq "exec plugin: lists its namespace (exit 0)" "$RC" 0
run plugin-403 get ing -A --context plugin
check_eq "exec plugin: all namespaces refused (exit 2)" "$RC" 2
check "exec plugin: the 403 is reported" "$(cat "$WORK/out-plugin-403.stderr")" 'forbidden'
run refused get ing -A --context refused
check_eq "refused token: exit 2" "$RC" 2
check "refused token: the 401 is reported" "$(cat "$WORK/out-refused.stderr")" 'unauthorized \(401\)'
cat >"$WORK/ing.yaml" <<'YAML'
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: ns-sec}
spec:
  ingressClassName: nginx
  rules: [{host: web.sec.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 8080}}}}]}}]
YAML
run diff diff -f "$WORK/ing.yaml"
run apply apply -f "$WORK/ing.yaml"
run apply-403 apply -f "$WORK/ing.yaml" --context plugin -n ns-other
run contexts config get-contexts

# the console: sync, the tenant, a staged edit (the state file), screen dumps
cat >"$WORK/console.script" <<SCRIPT
sync 10000
:save-display $WORK/out-screen-list.txt
:tenant ns-sec
:save-display $WORK/out-screen-tenant.txt
key e
key PgUp
key Tab Tab
type 45s
key F2
:save-display $WORK/out-screen-staged.txt
key Esc Esc
key q
SCRIPT
for ctx in admin plugin; do
    run "console-$ctx" --context "$ctx" --script "$WORK/console.script" --size 160x45
    check_eq "console ($ctx): exit 0" "$RC" 0
done
check "console: the tenant was shown" "$(cat "$WORK/out-screen-tenant.txt")" 'web\.sec\.example\.com'
check "console: the trace file was written" "$(cat "$WORK/out-trace.txt")" 'sync|paint'
check "console: a staged edits file exists" "$(find "$XDG_STATE_HOME" -type f)" 'staged/.*\.yaml'

# ---- the search -------------------------------------------------------------------
# every file meshpanel wrote or printed: out-* here, $HOME, the state dir
mapfile -t files < <(find "$WORK" -maxdepth 1 -name 'out-*' -type f; find "$HOME" "$XDG_STATE_HOME" -type f)
check "searched files: more than twenty" "${#files[@]}" '^([2-9][0-9]|[1-9][0-9][0-9])$'
# the client key's base64 lines count as secrets too
mapfile -t keylines < <(grep -v -- '-----' "$WORK/srv/client.key" | grep -E '^.{40,}$')
check "the client key has lines to look for" "${#keylines[@]}" '^[1-9][0-9]*$'
leaks=0
for s in "$ADMIN" "$TENANT" "$REFUSED" "$VALUE" "$VALUE64" "${keylines[@]}"; do
    hits=$(grep -lF -- "$s" "${files[@]}" 2>/dev/null)
    if [ -n "$hits" ]; then
        leaks=$((leaks + 1))
        bad "secret ${s:0:12}... found" $hits
    fi
done
check_eq "no secret in any of ${#files[@]} files ($n runs)" "$leaks" 0
# the search is not blind: a planted token is found
echo "x $TENANT y" >"$WORK/out-planted"
check "self-test: a planted token is found" "$(grep -lF -- "$TENANT" "$WORK"/out-*)" 'out-planted'
rm -f "$WORK/out-planted"

# ---- modes ------------------------------------------------------------------------------
check_eq "state dirs are 0700" "$(find "$XDG_STATE_HOME" -mindepth 1 -type d ! -perm 700)" ""
check_eq "state files are 0600" "$(find "$XDG_STATE_HOME" -type f ! -perm 600)" ""
check_eq "the trace file is 0600" "$(stat -c %a "$MESHPANEL_TRACE")" 600
check_eq "no temp file left behind" "$(find "$XDG_STATE_HOME" "$WORK" -maxdepth 4 -name '*.tmp*')" ""
finish
