/*
 * exec_cred.c - run a credential plugin, parse its ExecCredential, cache it.
 */
#include "api/exec_cred.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model/base64.h"
#include "api/ktime.h"
#include "api/proc.h"
#include "model/kname.h"
#include "model/parse.h"
#include "model/strbuf.h"

extern char **environ;

#define EXEC_TIMEOUT_MS    60000 /* until exec_cred_set_timeout says otherwise */
#define EXEC_OUT_MAX       (1u << 20)
#define EXPIRY_SLACK       10
#define EXEC_BACKOFF_MAX_S 30

struct exec_cred {
    char *api_version;
    char *command;
    char **argv; /* argv[0] = command, NULL-terminated */
    size_t argc;
    char **env; /* "NAME=value" from the kubeconfig */
    size_t nenv;
    bool cluster_info;
    char *info; /* KUBERNETES_EXEC_INFO value */
    char *where;
    /* cache */
    bool have;
    time_t expiry; /* 0: never */
    char *token;
    char *cert, *key;
    unsigned runs;
    /* the run in progress, and the last that failed (a run's number is
     * runs when it started: waiters hold it as their ticket) */
    proc *run;
    long timeout_ms; /* 0: none */
    unsigned failed_run;
    mp_err fail;
    /* failed runs in a row, and when the next may start: a failing plugin
     * (a login it cannot do without the user) is not re-run by every
     * stream and retry */
    unsigned failures;
    time_t retry_at;
};

/* 2 s after the first failure (a whole second at least, whatever the
 * clock's tick), doubling, at most EXEC_BACKOFF_MAX_S. */
static time_t backoff_s(unsigned failures)
{
    time_t d = 2;
    for (unsigned i = 1; i < failures && d < EXEC_BACKOFF_MAX_S; i++)
        d *= 2;
    return d < EXEC_BACKOFF_MAX_S ? d : EXEC_BACKOFF_MAX_S;
}

static void note_outcome(exec_cred *ec, bool failed)
{
    ec->failures = failed ? ec->failures + 1 : 0;
    ec->retry_at = failed ? time(NULL) + backoff_s(ec->failures) : 0;
}

static void clear_cache(exec_cred *ec)
{
    if (ec->token) /* wipe the secret before the allocator reuses it */
        memset(ec->token, 0, strlen(ec->token));
    if (ec->key)
        memset(ec->key, 0, strlen(ec->key));
    free(ec->token);
    free(ec->cert);
    free(ec->key);
    ec->token = ec->cert = ec->key = NULL;
    ec->have = false;
    ec->expiry = 0;
}

void exec_cred_free(exec_cred *ec)
{
    if (!ec)
        return;
    proc_free(ec->run);
    clear_cache(ec);
    free(ec->api_version);
    free(ec->command);
    for (size_t i = 0; i < ec->argc; i++)
        free(ec->argv[i]);
    free(ec->argv);
    for (size_t i = 0; i < ec->nenv; i++)
        free(ec->env[i]);
    free(ec->env);
    free(ec->info);
    free(ec->where);
    free(ec);
}

static char *info_json(const char *api_version, const char *cluster)
{
    strbuf sb;
    strbuf_init(&sb);
    strbuf_printf(&sb,
                  "{\"apiVersion\":\"%s\",\"kind\":\"ExecCredential\",\"spec\":{%s%s"
                  "\"interactive\":false}}",
                  api_version, cluster ? cluster : "", cluster ? "," : "");
    return strbuf_detach(&sb, NULL);
}

static char *dup_path(const char *cmd, const char *base_dir)
{
    if (cmd[0] == '/' || !strchr(cmd, '/') || !base_dir)
        return strdup(cmd);
    while (!strncmp(cmd, "./", 2)) /* "./plugin.sh" in "dir": "dir/plugin.sh" */
        cmd += 2;
    size_t n = strlen(base_dir) + strlen(cmd) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", base_dir, cmd);
    return p;
}

static int parse_env(exec_cred *ec, const doc_node *env, mp_err *err)
{
    if (!env || doc_is_null(env))
        return 0;
    if (!doc_is_seq(env))
        return mp_errf(err, "%s: exec.env must be a list of {name, value}", ec->where);
    ec->env = calloc(env->len + 1, sizeof *ec->env);
    if (!ec->env)
        return mp_errf(err, "out of memory");
    for (size_t i = 0; i < env->len; i++) {
        const char *name = doc_get_str(env->items[i], "name");
        const char *value = doc_get_str(env->items[i], "value");
        if (!name || !*name || strchr(name, '='))
            return mp_errf(err, "%s: exec.env[%zu].name is missing or invalid", ec->where, i);
        size_t n = strlen(name) + strlen(value ? value : "") + 2;
        if (!(ec->env[ec->nenv] = malloc(n)))
            return mp_errf(err, "out of memory");
        snprintf(ec->env[ec->nenv++], n, "%s=%s", name, value ? value : "");
    }
    return 0;
}

exec_cred *exec_cred_from_doc(const doc_node *exec, const char *base_dir, const char *where,
                              mp_err *err)
{
    exec_cred *ec = calloc(1, sizeof *ec);
    if (!ec || !(ec->where = strdup(where))) {
        free(ec);
        mp_errf(err, "out of memory");
        return NULL;
    }
    ec->timeout_ms = EXEC_TIMEOUT_MS;
    const char *av = doc_get_str(exec, "apiVersion");
    const char *cmd = doc_get_str(exec, "command");
    const doc_node *args = doc_get(exec, "args");
    if (!av || (strcmp(av, "client.authentication.k8s.io/v1") &&
                strcmp(av, "client.authentication.k8s.io/v1beta1"))) {
        mp_errf(err, "%s: exec.apiVersion \"%s\" is not client.authentication.k8s.io/v1 or v1beta1",
                where, av ? av : "");
        goto fail;
    }
    if (!cmd || !*cmd) {
        mp_errf(err, "%s: exec.command is missing", where);
        goto fail;
    }
    if (args && !doc_is_null(args) && !doc_is_seq(args)) {
        mp_errf(err, "%s: exec.args must be a list of strings", where);
        goto fail;
    }
    size_t nargs = doc_is_seq(args) ? args->len : 0;
    ec->api_version = strdup(av);
    ec->command = dup_path(cmd, base_dir);
    ec->argv = calloc(nargs + 2, sizeof *ec->argv);
    if (!ec->api_version || !ec->command || !ec->argv) {
        mp_errf(err, "out of memory");
        goto fail;
    }
    ec->argv[ec->argc++] = strdup(ec->command);
    for (size_t i = 0; i < nargs; i++) {
        const char *a = doc_str(args->items[i]);
        if (!a) {
            mp_errf(err, "%s: exec.args[%zu] is not a string", where, i);
            goto fail;
        }
        ec->argv[ec->argc++] = strdup(a);
    }
    if (parse_env(ec, doc_get(exec, "env"), err))
        goto fail;
    bool pci = false;
    doc_as_bool(doc_get(exec, "provideClusterInfo"), &pci);
    ec->cluster_info = pci;
    if (!(ec->info = info_json(ec->api_version, NULL))) {
        mp_errf(err, "out of memory");
        goto fail;
    }
    return ec;
fail:
    exec_cred_free(ec);
    return NULL;
}

int exec_cred_set_cluster(exec_cred *ec, const char *server, const char *ca_data_b64, bool insecure)
{
    if (!ec->cluster_info)
        return 0;
    strbuf sb;
    strbuf_init(&sb);
    /* server and CA are JSON-safe: URLs and base64 only; escape quotes anyway. */
    strbuf_puts(&sb, "\"cluster\":{\"server\":\"");
    for (const char *p = server ? server : ""; *p; p++)
        if (*p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
            strbuf_putc(&sb, *p);
    strbuf_puts(&sb, "\"");
    if (ca_data_b64)
        strbuf_printf(&sb, ",\"certificate-authority-data\":\"%s\"", ca_data_b64);
    if (insecure)
        strbuf_puts(&sb, ",\"insecure-skip-tls-verify\":true");
    strbuf_puts(&sb, "}");
    char *cluster = strbuf_detach(&sb, NULL);
    char *info = cluster ? info_json(ec->api_version, cluster) : NULL;
    free(cluster);
    if (!info)
        return -1;
    free(ec->info);
    ec->info = info;
    return 0;
}

/* Resolves the command through PATH in the parent: the child of a
 * possibly multi-threaded process (curl's resolver) may only call
 * async-signal-safe functions, so it cannot search PATH itself. */
static char *find_program(const char *cmd)
{
    if (strchr(cmd, '/'))
        return strdup(cmd);
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        size_t l = strcspn(path, ":");
        char buf[4096];
        if (l && l + strlen(cmd) + 2 < sizeof buf) {
            snprintf(buf, sizeof buf, "%.*s/%s", (int)l, path, cmd);
            if (access(buf, X_OK) == 0)
                return strdup(buf);
        }
        path += l;
        if (*path == ':')
            path++;
    }
    return NULL;
}

static bool env_overridden(const exec_cred *ec, const char *entry)
{
    size_t l = strcspn(entry, "=");
    if (l == strlen("KUBERNETES_EXEC_INFO") && !strncmp(entry, "KUBERNETES_EXEC_INFO", l))
        return true;
    for (size_t i = 0; i < ec->nenv; i++)
        if (!strncmp(ec->env[i], entry, l) && ec->env[i][l] == '=')
            return true;
    return false;
}

static char **build_env(const exec_cred *ec)
{
    size_t n = 0;
    for (char **e = environ; e && *e; e++)
        n++;
    char **envp = calloc(n + ec->nenv + 2, sizeof *envp);
    if (!envp)
        return NULL;
    size_t k = 0;
    for (char **e = environ; e && *e; e++)
        if (!env_overridden(ec, *e))
            envp[k++] = *e;
    for (size_t i = 0; i < ec->nenv; i++)
        envp[k++] = ec->env[i];
    size_t il = strlen(ec->info) + sizeof "KUBERNETES_EXEC_INFO=";
    char *info = malloc(il);
    if (!info) {
        free(envp);
        return NULL;
    }
    snprintf(info, il, "KUBERNETES_EXEC_INFO=%s", ec->info);
    envp[k++] = info; /* freed by free_env: always the last entry */
    return envp;
}

static void free_env(char **envp)
{
    size_t k = 0;
    while (envp[k])
        k++;
    if (k)
        free(envp[k - 1]);
    free(envp);
}

/* The last non-empty line of the plugin's stderr, printable bytes only. */
static void last_line(const strbuf *sb, char *buf, size_t n)
{
    buf[0] = 0;
    if (!sb->buf)
        return;
    size_t end = sb->len;
    while (end && (sb->buf[end - 1] == '\n' || sb->buf[end - 1] == '\r'))
        end--;
    size_t start = end;
    while (start && sb->buf[start - 1] != '\n')
        start--;
    size_t k = 0;
    for (size_t i = start; i < end && k + 1 < n; i++)
        if ((unsigned char)sb->buf[i] >= 0x20 && sb->buf[i] != 0x7f)
            buf[k++] = sb->buf[i];
    buf[k] = 0;
}

static void wipe_texts(doc_node *n)
{
    if (n && n->kind == DOC_SCALAR)
        memset(n->text, 0, strlen(n->text));
    for (size_t i = 0; n && n->kind != DOC_SCALAR && i < n->len; i++)
        wipe_texts(n->items[i]);
}

/* A CR/LF in a token would add headers of the plugin's choosing. */
static bool has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

static char *dup_or_null(const char *s)
{
    return s && *s ? strdup(s) : NULL;
}

static int parse_credential(exec_cred *ec, const char *buf, size_t len, mp_err *err)
{
    doc_list l;
    doc_list_init(&l);
    mp_err perr;
    if (doc_parse_json(buf, len, "ExecCredential", &l, &perr) || l.len != 1) {
        doc_list_free(&l);
        return mp_errf(err, "%s: exec plugin %s printed no valid ExecCredential JSON", ec->where,
                       ec->command);
    }
    const doc_node *d = l.docs[0];
    const char *kind = doc_get_str(d, "kind");
    const char *av = doc_get_str(d, "apiVersion");
    const doc_node *st = doc_get(d, "status");
    int rc = 0;
    char q[160]; /* what the plugin wrote, quoted with controls escaped: one line */
    if (!kind || strcmp(kind, "ExecCredential")) {
        kname_quote(q, sizeof q, kind);
        rc = mp_errf(err, "%s: exec plugin output has kind %s, want ExecCredential", ec->where, q);
    } else if (!av || strcmp(av, ec->api_version)) {
        kname_quote(q, sizeof q, av);
        rc = mp_errf(err, "%s: exec plugin answered apiVersion %s, kubeconfig asked for %s",
                     ec->where, q, ec->api_version);
    } else if (!doc_is_map(st)) {
        rc = mp_errf(err, "%s: exec plugin output has no status", ec->where);
    } else {
        ec->token = dup_or_null(doc_get_str(st, "token"));
        ec->cert = dup_or_null(doc_get_str(st, "clientCertificateData"));
        ec->key = dup_or_null(doc_get_str(st, "clientKeyData"));
        const char *exp = doc_get_str(st, "expirationTimestamp");
        if (exp && *exp && !ktime_parse(exp, &ec->expiry)) {
            kname_quote(q, 60, exp);
            rc = mp_errf(err, "%s: exec plugin expirationTimestamp %s is not RFC 3339", ec->where,
                         q);
        } else if (!ec->token && !(ec->cert && ec->key))
            rc = mp_errf(err,
                         "%s: exec plugin status has neither token nor clientCertificateData + "
                         "clientKeyData",
                         ec->where);
        else if (!ec->token && (!ec->cert || !ec->key))
            rc = mp_errf(err, "%s: exec plugin returned a certificate without a key", ec->where);
        else if (ec->token && has_control(ec->token))
            rc = mp_errf(err,
                         "%s: exec plugin %s returned a token holding a control character: "
                         "refused",
                         ec->where, ec->command);
    }
    wipe_texts(l.docs[0]); /* the tree held the credential too */
    doc_list_free(&l);
    if (rc)
        clear_cache(ec);
    else
        ec->have = true;
    return rc;
}

/* A run that ended before it began (no such program, no fork) fails like
 * any other: it counts, and waiters of it learn why. */
static int start_failed(exec_cred *ec, mp_err *err)
{
    ec->failed_run = ec->runs;
    note_outcome(ec, true);
    if (err)
        *err = ec->fail;
    return -1;
}

static int start_run(exec_cred *ec, mp_err *err)
{
    ec->runs++;
    char *prog = find_program(ec->command);
    if (!prog) {
        mp_errf(&ec->fail, "%s: exec plugin \"%s\" not found in PATH", ec->where, ec->command);
        return start_failed(ec, err);
    }
    char **envp = build_env(ec);
    if (envp)
        ec->run = proc_start(prog, ec->argv, envp, ec->timeout_ms, EXEC_OUT_MAX);
    int e = errno;
    free(prog);
    if (envp)
        free_env(envp);
    if (!ec->run) {
        mp_errf(&ec->fail, "%s: exec plugin %s: %s", ec->where, ec->command,
                envp ? strerror(e) : "out of memory");
        return start_failed(ec, err);
    }
    return 0;
}

static void limit_text(long ms, char *buf, size_t n)
{
    if (ms % 1000)
        snprintf(buf, n, "%ld ms", ms);
    else
        snprintf(buf, n, "%ld s", ms / 1000);
}

/* How the plugin's process ended, as an error (0: it exited 0). */
static int run_outcome(const exec_cred *ec, const proc *p, mp_err *err)
{
    char line[200];
    last_line(proc_stderr(p), line, sizeof line);
    const char *sep = *line ? ": " : "";
    if (proc_timed_out(p)) {
        char limit[32];
        limit_text(ec->timeout_ms, limit, sizeof limit);
        return mp_errf(err, "%s: exec plugin %s timed out: no credential within %s%s%s", ec->where,
                       ec->command, limit, sep, line);
    }
    int code = proc_exit_code(p);
    if (!code)
        return 0;
    if (code == 127 && !*line)
        return mp_errf(err, "%s: exec plugin %s could not be started", ec->where, ec->command);
    return mp_errf(err, "%s: exec plugin %s failed with exit status %d%s%s", ec->where, ec->command,
                   code, sep, line);
}

/* The run is over: its credential is cached, or ec->fail says why not. */
static void finish_run(exec_cred *ec)
{
    proc *p = ec->run;
    ec->run = NULL;
    int rc = run_outcome(ec, p, &ec->fail);
    if (!rc) {
        const strbuf *out = proc_stdout(p);
        rc = parse_credential(ec, out->buf ? out->buf : "", out->len, &ec->fail);
    }
    proc_free(p); /* wipes the output */
    if (rc)
        ec->failed_run = ec->runs;
    note_outcome(ec, rc != 0);
}

static void fill(const exec_cred *ec, exec_result *out)
{
    out->token = ec->token;
    out->cert = (const unsigned char *)ec->cert;
    out->cert_len = ec->cert ? strlen(ec->cert) : 0;
    out->key = (const unsigned char *)ec->key;
    out->key_len = ec->key ? strlen(ec->key) : 0;
}

int exec_cred_poll(exec_cred *ec, time_t now, unsigned *ticket, exec_result *out, mp_err *err)
{
    if (ec->run) {
        *ticket = ec->runs;
        return 1;
    }
    /* what the run a caller waited for returned is its answer, even when
     * it is about to expire: asking again would never end */
    bool waited = *ticket && *ticket == ec->runs;
    if (ec->have && ec->expiry && now + EXPIRY_SLACK >= ec->expiry && !waited)
        clear_cache(ec);
    if (ec->have) {
        *ticket = 0;
        fill(ec, out);
        return 0;
    }
    if ((*ticket && *ticket == ec->failed_run) || (ec->failures && now < ec->retry_at)) {
        *ticket = 0; /* the run it waited for failed, or one failed moments ago */
        if (err)
            *err = ec->fail;
        return -1;
    }
    if (start_run(ec, err)) {
        *ticket = 0;
        return -1;
    }
    *ticket = ec->runs;
    return 1;
}

int exec_cred_fds(const exec_cred *ec, struct pollfd *fds, int max)
{
    return ec->run ? proc_fds(ec->run, fds, max) : 0;
}

int exec_cred_timeout_ms(const exec_cred *ec, long long now_ms)
{
    return ec->run ? proc_timeout_ms(ec->run, now_ms) : -1;
}

void exec_cred_step(exec_cred *ec, long long now_ms)
{
    if (ec->run && proc_step(ec->run, now_ms))
        finish_run(ec);
}

bool exec_cred_running(const exec_cred *ec)
{
    return ec->run != NULL;
}

long long exec_cred_deadline_ms(const exec_cred *ec)
{
    return ec->run ? proc_deadline_ms(ec->run) : 0;
}

const char *exec_cred_command(const exec_cred *ec)
{
    return ec->command;
}

void exec_cred_set_timeout(exec_cred *ec, long timeout_ms)
{
    ec->timeout_ms = timeout_ms > 0 ? timeout_ms : 0;
}

/* The one-shot CLI paths: the asynchronous run, polled until it ends. */
int exec_cred_get(exec_cred *ec, time_t now, exec_result *out, mp_err *err)
{
    unsigned ticket = 0;
    int rc;
    while ((rc = exec_cred_poll(ec, now, &ticket, out, err)) == 1) {
        struct pollfd fds[2];
        int n = exec_cred_fds(ec, fds, 2);
        if (poll(fds, (nfds_t)n, exec_cred_timeout_ms(ec, proc_now_ms())) < 0 && errno != EINTR)
            return mp_errf(err, "%s: exec plugin %s: poll: %s", ec->where, ec->command,
                           strerror(errno));
        exec_cred_step(ec, proc_now_ms());
    }
    return rc;
}

int exec_cred_parse_output(exec_cred *ec, const char *buf, size_t len, exec_result *out,
                           mp_err *err)
{
    clear_cache(ec);
    if (parse_credential(ec, buf, len, err))
        return -1;
    fill(ec, out);
    return 0;
}

void exec_cred_invalidate(exec_cred *ec)
{
    clear_cache(ec);
}

unsigned exec_cred_runs(const exec_cred *ec)
{
    return ec->runs;
}
