#!/bin/sh
# Test credential plugin. Modes: token (prints PLUGIN_TOKEN, expiring at
# $PLUGIN_EXPIRY when set), cert (a client certificate), fail (exit 3).
# Every run appends a line to $PLUGIN_COUNT_FILE so tests can count runs,
# and the ExecCredential apiVersion echoes what KUBERNETES_EXEC_INFO asked.
[ -n "$PLUGIN_COUNT_FILE" ] && echo run >> "$PLUGIN_COUNT_FILE"
[ -n "$PLUGIN_INFO_FILE" ] && printf '%s' "$KUBERNETES_EXEC_INFO" > "$PLUGIN_INFO_FILE"
case "$KUBERNETES_EXEC_INFO" in
*v1beta1*) av=client.authentication.k8s.io/v1beta1 ;;
*) av=client.authentication.k8s.io/v1 ;;
esac
case "$1" in
token)
    exp=""
    [ -n "$PLUGIN_EXPIRY" ] && exp=",\"expirationTimestamp\":\"$PLUGIN_EXPIRY\""
    printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"%s"%s}}\n' "$av" "$PLUGIN_TOKEN" "$exp" ;;
cert)
    printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"clientCertificateData":"-----BEGIN CERTIFICATE-----\\nZXhlYw==\\n-----END CERTIFICATE-----\\n","clientKeyData":"-----BEGIN PRIVATE KEY-----\\nZXhlYw==\\n-----END PRIVATE KEY-----\\n"}}\n' "$av" ;;
fail)
    echo "login required: run sealos login" >&2
    exit 3 ;;
esac
