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
 * Nothing waits for the plugin unless asked to: exec_cred_poll starts it
 * (api/proc.h: a child with piped output, killed at the deadline) and
 * returns at once; an event loop polls exec_cred_fds until
 * exec_cred_timeout_ms, calls exec_cred_step, and asks again. One run at a
 * time: whoever asks while the plugin runs waits for the same run, and
 * every waiter of a run that failed gets its error (the ticket ties a
 * waiter to the run it waits for). After a failed run the plugin is not
 * started again for a while (2 s, doubling to 30 s while it keeps
 * failing): whoever asks meanwhile gets that run's error at once. exec_cred_get is the blocking
 * form for one-shot commands. The deadline is exec_cred_set_timeout's (khttp sets the request
 * timeout), 60 s until then; at the deadline the plugin gets SIGTERM, a second later SIGKILL, and
 * the error says it timed out.
 *
 * Ownership: exec_cred owns its spec, its run and cached credential;
 * exec_result points into the cache and is valid until the next call that
 * takes the exec_cred non-const. Freeing an exec_cred kills its run.
 * Not thread-safe.
 */
#ifndef MESHPANEL_EXEC_CRED_H
#define MESHPANEL_EXEC_CRED_H

#include <poll.h>
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
/* The plugin's deadline from its start (ms; <= 0: none). */
void exec_cred_set_timeout(exec_cred *ec, long timeout_ms);

/* Never blocks. The credential is due for a run when none is cached or the
 * cached one expires within 10 seconds of now. Returns
 *    0  the credential is in *out (*ticket reset);
 *    1  the plugin runs, started by this call or an earlier one: wait for
 *       its fds, call exec_cred_step, ask again with the same *ticket;
 *   -1  with err: the run this caller waited for failed, or the plugin
 *       could not be started (*ticket reset: the next call runs it again).
 * *ticket is 0 for a caller not waiting yet. */
int exec_cred_poll(exec_cred *ec, time_t now, unsigned *ticket, exec_result *out, mp_err *err);
/* The running plugin's pipes (0 when none runs). */
int exec_cred_fds(const exec_cred *ec, struct pollfd *fds, int max);
/* Milliseconds until exec_cred_step wants to run without input (-1: no run). */
int exec_cred_timeout_ms(const exec_cred *ec, long long now_ms);
/* Reads the plugin's output, ends the run when it exited or its deadline
 * passed (now_ms: api/proc.h's monotonic clock). */
void exec_cred_step(exec_cred *ec, long long now_ms);
bool exec_cred_running(const exec_cred *ec);
/* Monotonic ms the running plugin is killed at (0: none runs, or no limit). */
long long exec_cred_deadline_ms(const exec_cred *ec);
/* The command as run (resolved against the kubeconfig's directory). */
const char *exec_cred_command(const exec_cred *ec);

/* Blocking: exec_cred_poll until the credential or an error is there. */
int exec_cred_get(exec_cred *ec, time_t now, exec_result *out, mp_err *err);
void exec_cred_invalidate(exec_cred *ec);
/* Reads buf as if a run had printed it and caches the credential (the
 * fuzz target tests/fuzz/fuzz_exec_cred.c: no process). 0 with *out
 * filled, or -1 with err and nothing cached. */
int exec_cred_parse_output(exec_cred *ec, const char *buf, size_t len, exec_result *out,
                           mp_err *err);
/* How many times the plugin ran (tests assert the cache works). */
unsigned exec_cred_runs(const exec_cred *ec);

#endif
