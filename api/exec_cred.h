/*
 * exec_cred.h - kubeconfig `exec` credential plugins (client-go's
 * client.authentication.k8s.io v1 and v1beta1 ExecCredential).
 *
 * The plugin runs with the user's environment plus the kubeconfig's `env`
 * entries and KUBERNETES_EXEC_INFO (an ExecCredential with spec.interactive
 * false, and spec.cluster when provideClusterInfo is set), stdin closed. Its
 * stdout must be an ExecCredential of the same apiVersion; status.token or
 * status.clientCertificateData + clientKeyData are used. The result is cached
 * until status.expirationTimestamp (for the life of the process when absent);
 * exec_cred_invalidate() forces a re-run (after a 401, as kubectl does).
 * The plugin's stderr is captured, never passed to the terminal: only its
 * last line (cleaned) appears in an error when the plugin fails.
 *
 * Ownership: exec_cred owns its spec and cached credential; exec_result
 * points into the cache and is valid until the next exec_cred_get or
 * exec_cred_invalidate. Not thread-safe.
 */
#ifndef MESHPANEL_EXEC_CRED_H
#define MESHPANEL_EXEC_CRED_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "model/doc.h"
#include "model/err.h"

typedef struct exec_cred exec_cred;

typedef struct {
    const char *token; /* NULL when the plugin returned a client certificate */
    const unsigned char *cert, *key;
    size_t cert_len, key_len;
} exec_result;

/* Builds from a kubeconfig user's `exec` map. A command holding a '/' but
 * not absolute resolves against base_dir (the kubeconfig's directory).
 * where names the user for errors ("user \"dev\""). */
exec_cred *exec_cred_from_doc(const doc_node *exec, const char *base_dir, const char *where,
                              mp_err *err);
void exec_cred_free(exec_cred *ec);
/* Cluster info passed to the plugin when provideClusterInfo is true. */
int exec_cred_set_cluster(exec_cred *ec, const char *server, const char *ca_data_b64,
                          bool insecure);
/* Returns the cached credential, running the plugin when there is none or
 * it expires within 10 seconds of now. */
int exec_cred_get(exec_cred *ec, time_t now, exec_result *out, mp_err *err);
void exec_cred_invalidate(exec_cred *ec);
/* How many times the plugin ran (tests assert the cache works). */
unsigned exec_cred_runs(const exec_cred *ec);

#endif
