#!/usr/bin/env bash
# meshpanel's Kubernetes client over HTTPS: CA verification from
# certificate-authority-data and from a relative certificate-authority file,
# client-certificate auth from memory, bearer tokens over TLS, exec plugins,
# tls-server-name, a wrong CA refused, insecure-skip-tls-verify, pagination
# and a watch through TLS.
set -u
. "$(dirname "$0")/test_client_lib.bash"

ST="$WORK/tls"
start_server "$ST" --https --generate 20 --tenant-token tenant-token=ns-tenant-00002
CURL_TLS=(--cacert "$ST/ca.crt")
echo "# server at $URL"
PORT=${URL##*:}

# ---- client certificate (kubeconfig-cert: *-data fields, no token) -------------
reset_requests
mp get ing -A --kubeconfig "$ST/kubeconfig-cert" --chunk-size 7 -o name
check_eq "client cert: exit 0" "$RC" 0
check_eq "client cert: 20 ingresses in pages of 7" "$(wc -l <<<"$OUT")" 20
check "client cert: the server authenticated CN=admin, 3 pages" "$(pyq '
lists = [r for r in reqs if r["path"] == "/apis/networking.k8s.io/v1/ingresses"]
assert [r["user"] for r in lists] == ["admin"] * 3, lists
print("OK")')" '^OK$'

# ---- files next to a kubeconfig: relative certificate-authority and client cert ----
mkdir -p "$WORK/kc/pki"
cp "$ST/ca.crt" "$ST/client.crt" "$ST/client.key" "$WORK/kc/pki/"
cat >"$WORK/kc/config" <<YAML
apiVersion: v1
kind: Config
current-context: files
clusters:
- name: test
  cluster: {server: "$URL", certificate-authority: pki/ca.crt}
- name: sni
  cluster: {server: "https://127.0.0.1:$PORT", certificate-authority: pki/ca.crt, tls-server-name: localhost}
- name: sni-wrong
  cluster: {server: "https://127.0.0.1:$PORT", certificate-authority: pki/ca.crt, tls-server-name: not-in-cert.example}
- name: wrong-ca
  cluster: {server: "$URL", certificate-authority: pki/client.crt}
- name: insecure
  cluster: {server: "$URL", insecure-skip-tls-verify: true}
- name: plain
  cluster: {server: "$URL", certificate-authority: pki/ca.crt, disable-compression: true}
users:
- name: files
  user: {client-certificate: pki/client.crt, client-key: pki/client.key}
- name: tenant
  user: {token: tenant-token}
- name: exec
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./plugin.sh
contexts:
- {name: files, context: {cluster: test, user: files}}
- {name: sni, context: {cluster: sni, user: files}}
- {name: sni-wrong, context: {cluster: sni-wrong, user: files}}
- {name: wrong-ca, context: {cluster: wrong-ca, user: files}}
- {name: insecure, context: {cluster: insecure, user: tenant, namespace: ns-tenant-00002}}
- {name: plain, context: {cluster: plain, user: files}}
- {name: tenant, context: {cluster: test, user: tenant, namespace: ns-tenant-00002}}
- {name: exec, context: {cluster: test, user: exec, namespace: ns-tenant-00002}}
YAML
cat >"$WORK/kc/plugin.sh" <<'SH'
#!/bin/sh
echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"tenant-token","expirationTimestamp":"2099-01-01T00:00:00Z"}}'
SH
chmod +x "$WORK/kc/plugin.sh"
cd "$WORK" # relative paths must resolve against the kubeconfig, not the cwd
KC=kc/config

mp get ing -n ns-tenant-00001 --kubeconfig "$KC"
check_eq "relative certificate-authority + client cert files: exit 0" "$RC" 0
check "relative files: rows" "$OUT" '^ing-00001 +nginx +ing-00001\.cloud\.example\.com '
mp get ing -n ns-tenant-00001 --kubeconfig "$KC" --context sni -o name
check_eq "tls-server-name localhost on 127.0.0.1: verified" "$RC:$(wc -l <<<"$OUT")" "0:5"
mp get ing -n ns-tenant-00001 --kubeconfig "$KC" --context sni-wrong
check_eq "tls-server-name not in the certificate: refused" "$RC" 2
check "tls-server-name mismatch: named in the error" "$ERR" 'not-in-cert\.example'
mp get ing -n ns-tenant-00001 --kubeconfig "$KC" --context wrong-ca
check_eq "wrong CA: exit 2" "$RC" 2
check "wrong CA: the TLS failure in one line" "$ERR" '^meshpanel get: list ingresses\.networking\.k8s\.io in namespace "ns-tenant-00001": cannot reach https://127\.0\.0\.1:[0-9]+: .*(certificate|SSL)'
mp get ing --kubeconfig "$KC" --context insecure -o name
check_eq "insecure-skip-tls-verify: token over TLS works" "$RC:$(wc -l <<<"$OUT")" "0:5"

# ---- bearer token over TLS: tenant RBAC ---------------------------------------------
mp get ing --kubeconfig "$KC" --context tenant
check "tenant token over TLS: its namespace" "$OUT" '^ing-00006 '
mp get ing -A --kubeconfig "$KC" --context tenant
check_eq "tenant token, all namespaces: exit 2" "$RC" 2
check "tenant token, all namespaces: 403 in all namespaces" "$ERR" 'list ingresses\.networking\.k8s\.io in all namespaces: forbidden \(403\)'
check_not "tenant token: never printed" "$ERR$OUT" 'tenant-token'

# ---- exec plugin over TLS -----------------------------------------------------------
reset_requests
mp get ing --kubeconfig "$KC" --context exec -o name
check_eq "exec plugin: exit 0, 5 objects" "$RC:$(wc -l <<<"$OUT")" "0:5"
check "exec plugin: requests made as the tenant" "$(pyq '
users = {r["user"] for r in reqs if r["path"].startswith("/apis/")}
assert users == {"system:serviceaccount:ns-tenant-00002:default"}, users
print("OK")')" '^OK$'

# ---- apply and a watch through TLS ------------------------------------------------------
cat >"$WORK/gw.yaml" <<'YAML'
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: tenant-gw}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: [shop.example.org]
    tls: {mode: SIMPLE, credentialName: shop-cert}
YAML
timeout 60 "$MESHPANEL" get gw --watch --max-events 1 --kubeconfig "$KC" --context files -n ns-tenant-00002 >"$WORK/w.out" 2>"$WORK/w.err" &
WPID=$!
sleep 0.5
mp apply -f "$WORK/gw.yaml" --kubeconfig "$KC" --context tenant
check_eq "apply over TLS as tenant: kubectl-style line" "$OUT" "gateway.networking.istio.io/tenant-gw serverside-applied"
wait "$WPID"
check "watch over TLS (client cert) saw the new Gateway" "$(cat "$WORK/w.out")" '^ADDED ns-tenant-00002/tenant-gw [0-9]+$'
mp get gw -n ns-tenant-00002 --kubeconfig "$KC"
check "get gw: hosts and TLS credential" "$OUT" '^tenant-gw +shop\.example\.org +shop-cert +[0-9]+s$'

# ---- compression: gzip unless the cluster or the flag opts out (as kubectl) ----
# encodings ARGS...: "ITEMS ENCODINGS" of one get -A -o json: the Ingresses it
# printed and what its list requests asked for (gzip / none)
encodings() {
    reset_requests
    mp get ingresses -A -o json --kubeconfig "$KC" "$@"
    [ "$RC" = 0 ] || echo "exit $RC: $ERR"
    printf '%s %s\n' "$(printf '%s' "$OUT" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["items"]))')" \
        "$(pyq 'print(",".join(sorted({"gzip" if "gzip" in r["accept_encoding"] else "none"
    for r in reqs if r["path"] == "/apis/networking.k8s.io/v1/ingresses"})))')"
}
check_eq "default: gzip asked" "$(encodings --context files)" "20 gzip"
check_eq "cluster disable-compression: true: none asked" "$(encodings --context plain)" "20 none"
check_eq "--disable-compression: none asked" "$(encodings --context files --disable-compression)" "20 none"
check_eq "--disable-compression=true" "$(encodings --context files --disable-compression=true)" "20 none"
check_eq "--disable-compression=false does not undo the cluster's (kubectl)" \
    "$(encodings --context plain --disable-compression=false)" "20 none"
mp get ing -A --kubeconfig "$KC" --context files --disable-compression=maybe
check "--disable-compression=maybe: exit 2, one line" "$RC:$ERR" \
    '^2:meshpanel get: --disable-compression wants true or false, not "maybe"$'

finish
