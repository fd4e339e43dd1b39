/*
 * exec_cred.c - run a credential plugin, parse its ExecCredential, cache it.
 */
#include "api/exec_cred.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "api/base64.h"
#include "api/ktime.h"
#include "model/parse.h"
#include "model/strbuf.h"

extern char **environ;

#define EXEC_TIMEOUT_MS 60000
#define EXEC_OUT_MAX    (1u << 20)
#define EXPIRY_SLACK    10

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
};

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

/* Reads the child's stdout and stderr until both close or time runs out. */
static int collect(int out_fd, int err_fd, strbuf *out, strbuf *errb)
{
    struct pollfd p[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    int open_fds = 2;
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (open_fds) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        long left = EXEC_TIMEOUT_MS -
                    ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000);
        if (left <= 0)
            return -1;
        int r = poll(p, 2, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        for (int i = 0; i < 2; i++) {
            if (p[i].fd < 0 || !p[i].revents)
                continue;
            char buf[4096];
            ssize_t n = read(p[i].fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR)
                continue;
            strbuf *sb = i ? errb : out;
            if (n > 0 && sb->len < EXEC_OUT_MAX) {
                strbuf_append(sb, buf, (size_t)n);
            } else if (n <= 0) {
                p[i].fd = -1;
                open_fds--;
            }
        }
    }
    return 0;
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

static int run_plugin(exec_cred *ec, strbuf *out, mp_err *err)
{
    char *prog = find_program(ec->command);
    if (!prog)
        return mp_errf(err, "%s: exec plugin \"%s\" not found in PATH", ec->where, ec->command);
    char **envp = build_env(ec);
    int po[2] = {-1, -1}, pe[2] = {-1, -1};
    if (!envp || pipe(po) || pipe(pe)) {
        free(prog);
        if (envp)
            free_env(envp);
        return mp_errf(err, "%s: exec plugin: %s", ec->where, strerror(errno));
    }
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        dup2(po[1], 1);
        dup2(pe[1], 2);
        close(po[0]);
        close(pe[0]);
        execve(prog, ec->argv, envp);
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    free(prog);
    free_env(envp);
    if (pid < 0) {
        close(po[0]);
        close(pe[0]);
        return mp_errf(err, "%s: exec plugin: fork: %s", ec->where, strerror(errno));
    }
    strbuf errb;
    strbuf_init(&errb);
    int timed_out = collect(po[0], pe[0], out, &errb);
    close(po[0]);
    close(pe[0]);
    if (timed_out)
        kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    char line[200];
    last_line(&errb, line, sizeof line);
    strbuf_free(&errb);
    if (timed_out)
        return mp_errf(err, "%s: exec plugin %s did not finish within %d s", ec->where, ec->command,
                       EXEC_TIMEOUT_MS / 1000);
    if (!WIFEXITED(status) || WEXITSTATUS(status)) {
        int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        if (code == 127 && !*line)
            return mp_errf(err, "%s: exec plugin %s could not be started", ec->where, ec->command);
        return mp_errf(err, "%s: exec plugin %s failed with exit status %d%s%s", ec->where,
                       ec->command, code, *line ? ": " : "", line);
    }
    return 0;
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
    if (!kind || strcmp(kind, "ExecCredential")) {
        rc = mp_errf(err, "%s: exec plugin output has kind \"%s\", want ExecCredential", ec->where,
                     kind ? kind : "");
    } else if (!av || strcmp(av, ec->api_version)) {
        rc = mp_errf(err, "%s: exec plugin answered apiVersion \"%s\", kubeconfig asked for %s",
                     ec->where, av ? av : "", ec->api_version);
    } else if (!doc_is_map(st)) {
        rc = mp_errf(err, "%s: exec plugin output has no status", ec->where);
    } else {
        ec->token = dup_or_null(doc_get_str(st, "token"));
        ec->cert = dup_or_null(doc_get_str(st, "clientCertificateData"));
        ec->key = dup_or_null(doc_get_str(st, "clientKeyData"));
        const char *exp = doc_get_str(st, "expirationTimestamp");
        if (exp && *exp && !ktime_parse(exp, &ec->expiry))
            rc = mp_errf(err, "%s: exec plugin expirationTimestamp \"%.40s\" is not RFC 3339",
                         ec->where, exp);
        else if (!ec->token && !(ec->cert && ec->key))
            rc = mp_errf(err,
                         "%s: exec plugin status has neither token nor clientCertificateData + "
                         "clientKeyData",
                         ec->where);
        else if (!ec->token && (!ec->cert || !ec->key))
            rc = mp_errf(err, "%s: exec plugin returned a certificate without a key", ec->where);
    }
    doc_list_free(&l);
    if (rc)
        clear_cache(ec);
    else
        ec->have = true;
    return rc;
}

int exec_cred_get(exec_cred *ec, time_t now, exec_result *out, mp_err *err)
{
    if (ec->have && ec->expiry && now + EXPIRY_SLACK >= ec->expiry)
        clear_cache(ec);
    if (!ec->have) {
        strbuf sb;
        strbuf_init(&sb);
        ec->runs++;
        int rc = run_plugin(ec, &sb, err);
        if (!rc)
            rc = parse_credential(ec, sb.buf ? sb.buf : "", sb.len, err);
        if (sb.buf)
            memset(sb.buf, 0, sb.len);
        strbuf_free(&sb);
        if (rc)
            return -1;
    }
    out->token = ec->token;
    out->cert = (const unsigned char *)ec->cert;
    out->cert_len = ec->cert ? strlen(ec->cert) : 0;
    out->key = (const unsigned char *)ec->key;
    out->key_len = ec->key ? strlen(ec->key) : 0;
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
