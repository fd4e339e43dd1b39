/*
 * kubeconfig.c - load, merge (first file wins) and resolve kubeconfig files.
 */
#include "api/kubeconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model/base64.h"
#include "model/parse.h"
#include "model/strbuf.h"

#define KC_FILE_MAX (16u << 20)

typedef struct {
    const char *name;
    const doc_node *body; /* the "cluster" / "user" / "context" map, may be NULL */
    size_t file;
} kc_entry;

typedef struct {
    kc_entry *v;
    size_t len, cap;
} kc_entries;

struct kubeconfig {
    doc_node **docs; /* one tree per file read (NULL for an empty file) */
    char **paths;
    char **dirs;
    size_t nfiles;
    kc_entries clusters, users, contexts;
    const char *current;
    char *files_joined;
    strbuf missing; /* $KUBECONFIG entries that do not exist, ", "-separated */
};

/* ---- small helpers ---- */

static char *xstrdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* Reads a whole file; an error names the path. */
static int slurp(const char *path, char **buf, size_t *len, mp_err *err)
{
    FILE *f = fopen(path, "rbe"); /* e: close-on-exec */
    if (!f)
        return mp_errf(err, "%s: %s", path, strerror(errno));
    strbuf sb;
    strbuf_init(&sb);
    char tmp[8192];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0 && sb.len <= KC_FILE_MAX)
        strbuf_append(&sb, tmp, n);
    memset(tmp, 0, sizeof tmp);
    int bad = ferror(f);
    fclose(f);
    if (bad || sb.oom || sb.len > KC_FILE_MAX) {
        strbuf_free(&sb);
        return mp_errf(err, "%s: %s", path, bad ? "read error" : "file too large");
    }
    if (!sb.buf)
        strbuf_append(&sb, "", 0);
    *buf = strbuf_detach(&sb, len);
    if (!*buf)
        return mp_errf(err, "out of memory");
    return 0;
}

static char *join_path(const char *dir, const char *p)
{
    if (!p || p[0] == '/' || !dir || !*dir)
        return xstrdup(p);
    size_t n = strlen(dir) + strlen(p) + 2;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%s/%s", dir, p);
    return out;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

/* ---- loading and merging ---- */

static int entries_add(kc_entries *e, const char *name, const doc_node *body, size_t file)
{
    for (size_t i = 0; i < e->len; i++)
        if (!strcmp(e->v[i].name, name))
            return 0; /* an earlier file already defined it: first one wins */
    if (e->len == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 8;
        kc_entry *v = realloc(e->v, cap * sizeof *v);
        if (!v)
            return -1;
        e->v = v;
        e->cap = cap;
    }
    e->v[e->len++] = (kc_entry){name, body, file};
    return 0;
}

static const kc_entry *entries_find(const kc_entries *e, const char *name)
{
    for (size_t i = 0; i < e->len; i++)
        if (!strcmp(e->v[i].name, name))
            return &e->v[i];
    return NULL;
}

static int merge_named(kubeconfig *kc, size_t file, const doc_node *root, const char *list,
                       const char *field, kc_entries *into, mp_err *err)
{
    const doc_node *seq = doc_get(root, list);
    if (!seq || doc_is_null(seq))
        return 0;
    if (!doc_is_seq(seq))
        return mp_errf(err, "kubeconfig %s: %s must be a list", kc->paths[file], list);
    for (size_t i = 0; i < seq->len; i++) {
        const doc_node *item = seq->items[i];
        const char *name = doc_get_str(item, "name");
        if (!doc_is_map(item) || !name || !*name)
            return mp_errf(err, "kubeconfig %s: %s[%zu]: name is missing", kc->paths[file], list,
                           i);
        const doc_node *body = doc_get(item, field);
        if (body && !doc_is_null(body) && !doc_is_map(body))
            return mp_errf(err, "kubeconfig %s: %s \"%s\": %s must be a map", kc->paths[file], list,
                           name, field);
        if (entries_add(into, name, doc_is_map(body) ? body : NULL, file))
            return mp_errf(err, "out of memory");
    }
    return 0;
}

static int add_file(kubeconfig *kc, const char *path, mp_err *err)
{
    for (size_t i = 0; i < kc->nfiles; i++)
        if (!strcmp(kc->paths[i], path))
            return 0; /* listed twice in $KUBECONFIG */
    char *buf;
    size_t len;
    if (slurp(path, &buf, &len, err))
        return mp_err_prefix(err, "kubeconfig");
    doc_list l;
    doc_list_init(&l);
    int rc = doc_parse_yaml(buf, len, path, &l, err);
    memset(buf, 0, len); /* the file's credentials */
    free(buf);
    if (rc) {
        doc_list_free(&l);
        return mp_err_prefix(err, "kubeconfig");
    }
    doc_node *root = l.len ? doc_list_take(&l, 0) : NULL;
    doc_list_free(&l);
    if (root && !doc_is_map(root)) {
        doc_free(root);
        return mp_errf(err, "kubeconfig %s: not a kubeconfig (top level is not a map)", path);
    }
    size_t n = kc->nfiles + 1;
    doc_node **docs = realloc(kc->docs, n * sizeof *docs);
    if (docs)
        kc->docs = docs;
    char **paths = docs ? realloc(kc->paths, n * sizeof *paths) : NULL;
    if (paths)
        kc->paths = paths;
    char **dirs = paths ? realloc(kc->dirs, n * sizeof *dirs) : NULL;
    if (dirs)
        kc->dirs = dirs;
    char *p = strdup(path), *d = dir_of(path);
    if (!dirs || !p || !d) {
        free(p);
        free(d);
        doc_free(root);
        return mp_errf(err, "out of memory");
    }
    size_t f = kc->nfiles++;
    kc->docs[f] = root;
    kc->paths[f] = p;
    kc->dirs[f] = d;
    if (!root)
        return 0;
    if (merge_named(kc, f, root, "clusters", "cluster", &kc->clusters, err) ||
        merge_named(kc, f, root, "users", "user", &kc->users, err) ||
        merge_named(kc, f, root, "contexts", "context", &kc->contexts, err))
        return -1;
    const char *cur = doc_get_str(root, "current-context");
    if (!kc->current && cur && *cur)
        kc->current = cur;
    return 0;
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

kubeconfig *kubeconfig_load(const kc_options *opt, mp_err *err)
{
    kubeconfig *kc = calloc(1, sizeof *kc);
    if (!kc) {
        mp_errf(err, "out of memory");
        return NULL;
    }
    int rc = 0;
    const char *env = getenv("KUBECONFIG");
    if (opt && opt->kubeconfig) {
        rc = add_file(kc, opt->kubeconfig, err);
    } else if (env && *env) {
        char *list = strdup(env);
        char *save = NULL;
        for (char *p = list ? strtok_r(list, ":", &save) : NULL; p && !rc;
             p = strtok_r(NULL, ":", &save))
            if (file_exists(p)) /* kubectl skips missing entries */
                rc = add_file(kc, p, err);
            else /* ...but names them when nothing else is found */
                strbuf_printf(&kc->missing, "%s%s", kc->missing.len ? ", " : "", p);
        free(list);
    } else {
        const char *home = getenv("HOME");
        char path[4096];
        if (home && snprintf(path, sizeof path, "%s/.kube/config", home) < (int)sizeof path &&
            file_exists(path))
            rc = add_file(kc, path, err);
    }
    if (rc) {
        kubeconfig_free(kc);
        return NULL;
    }
    strbuf sb;
    strbuf_init(&sb);
    for (size_t i = 0; i < kc->nfiles; i++)
        strbuf_printf(&sb, "%s%s", i ? ":" : "", kc->paths[i]);
    strbuf_append(&sb, "", 0);
    kc->files_joined = strbuf_detach(&sb, NULL);
    return kc;
}

/* Tokens, passwords and client keys live in the parsed tree: zeroed
 * before the allocator hands their memory to someone else. */
static void wipe_tree(doc_node *n)
{
    if (!n)
        return;
    if (n->kind == DOC_SCALAR) {
        memset(n->text, 0, strlen(n->text));
        return;
    }
    for (size_t i = 0; i < n->len; i++)
        wipe_tree(n->items[i]);
}

void kubeconfig_free(kubeconfig *kc)
{
    if (!kc)
        return;
    for (size_t i = 0; i < kc->nfiles; i++) {
        wipe_tree(kc->docs[i]);
        doc_free(kc->docs[i]);
        free(kc->paths[i]);
        free(kc->dirs[i]);
    }
    free(kc->docs);
    free(kc->paths);
    free(kc->dirs);
    free(kc->clusters.v);
    free(kc->users.v);
    free(kc->contexts.v);
    free(kc->files_joined);
    strbuf_free(&kc->missing);
    free(kc);
}

const char *kubeconfig_current_context(const kubeconfig *kc)
{
    return kc->current;
}

size_t kubeconfig_context_count(const kubeconfig *kc)
{
    return kc->contexts.len;
}

void kubeconfig_context_at(const kubeconfig *kc, size_t i, kc_context *out)
{
    const kc_entry *e = &kc->contexts.v[i];
    out->name = e->name;
    out->cluster = doc_get_str(e->body, "cluster");
    out->user = doc_get_str(e->body, "user");
    out->ns = doc_get_str(e->body, "namespace");
}

const char *kubeconfig_files(const kubeconfig *kc)
{
    return kc->files_joined ? kc->files_joined : "";
}

/* ---- resolution ---- */

void kube_conn_free(kube_conn *c)
{
    if (!c)
        return;
    if (c->token)
        memset(c->token, 0, strlen(c->token));
    if (c->password)
        memset(c->password, 0, strlen(c->password));
    if (c->key)
        memset(c->key, 0, c->key_len);
    free(c->context);
    free(c->source);
    free(c->server);
    free(c->ns);
    free(c->ca);
    free(c->cert);
    free(c->key);
    free(c->token);
    free(c->username);
    free(c->password);
    exec_cred_free(c->exec);
    free(c->tls_server_name);
    free(c->proxy_url);
    free(c->warning);
    free(c);
}

static void wipe_free(void *p, size_t n)
{
    if (p)
        memset(p, 0, n);
    free(p);
}

/* kubectl's rule (clientcmd: "only try to read the auth information if we
 * are secure"): nothing that identifies the user crosses plain HTTP. */
static int drop_plain_http_credentials(kube_conn *c, const char *where)
{
    bool any = c->token || c->username || c->cert || c->exec;
    if (!any || strncmp(c->server, "http://", 7))
        return 0;
    wipe_free(c->token, c->token ? strlen(c->token) : 0);
    wipe_free(c->password, c->password ? strlen(c->password) : 0);
    wipe_free(c->key, c->key_len);
    free(c->username);
    free(c->cert);
    exec_cred_free(c->exec);
    c->token = c->password = c->username = NULL;
    c->key = c->cert = NULL;
    c->key_len = c->cert_len = 0;
    c->exec = NULL;
    char buf[MP_ERR_MAX];
    snprintf(buf, sizeof buf,
             "warning: %.600s: credentials are not sent to %.200s: it is plain HTTP, anyone on "
             "the path could read them (use https://)",
             where, c->server);
    return (c->warning = strdup(buf)) ? 0 : -1;
}

/* A CR or LF in a token would end its header and start another. */
static int check_token(const char *t, const char *where, const char *what, mp_err *err)
{
    for (const char *p = t; p && *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return mp_errf(err, "%s: %s holds a control character (byte 0x%02x at %zu): refused",
                           where, what, (unsigned char)*p, (size_t)(p - t));
    return 0;
}

/* Loads a *-data field (base64) or, failing that, the file field (path
 * relative to dir). Neither set: *out stays NULL. */
static int load_blob(const doc_node *body, const char *data_key, const char *file_key,
                     const char *dir, const char *where, unsigned char **out, size_t *len,
                     mp_err *err)
{
    const char *data = doc_get_str(body, data_key);
    const char *file = doc_get_str(body, file_key);
    if (data && *data) {
        if (!(*out = b64_decode(data, len)))
            return mp_errf(err, "%s: %s is not valid base64", where, data_key);
        return 0;
    }
    if (!file || !*file)
        return 0;
    char *path = join_path(dir, file);
    if (!path)
        return mp_errf(err, "out of memory");
    char *buf;
    int rc = slurp(path, &buf, len, err);
    free(path);
    if (rc)
        return mp_err_prefix(err, "%s: %s", where, file_key);
    *out = (unsigned char *)buf;
    return 0;
}

static int resolve_cluster(const kubeconfig *kc, const kc_entry *e, kube_conn *c, mp_err *err)
{
    char where[512];
    snprintf(where, sizeof where, "kubeconfig %s: cluster \"%s\"", kc->paths[e->file], e->name);
    const char *server = doc_get_str(e->body, "server");
    if (!server || !*server)
        return mp_errf(err, "%s: server is missing", where);
    if (strncmp(server, "https://", 8) && strncmp(server, "http://", 7))
        return mp_errf(err, "%s: server \"%.200s\" is not an http(s) URL", where, server);
    if (!(c->server = strdup(server)))
        return mp_errf(err, "out of memory");
    size_t l = strlen(c->server);
    while (l > 8 && c->server[l - 1] == '/')
        c->server[--l] = 0;
    bool insecure = false;
    doc_as_bool(doc_get(e->body, "insecure-skip-tls-verify"), &insecure);
    c->insecure = insecure;
    bool plain = false;
    doc_as_bool(doc_get(e->body, "disable-compression"), &plain);
    c->disable_compression = plain;
    if (load_blob(e->body, "certificate-authority-data", "certificate-authority", kc->dirs[e->file],
                  where, &c->ca, &c->ca_len, err))
        return -1;
    if (c->insecure && c->ca)
        return mp_errf(err,
                       "%s: certificate-authority and insecure-skip-tls-verify are mutually "
                       "exclusive",
                       where);
    const char *sni = doc_get_str(e->body, "tls-server-name");
    const char *proxy = doc_get_str(e->body, "proxy-url");
    if ((sni && *sni && !(c->tls_server_name = strdup(sni))) ||
        (proxy && *proxy && !(c->proxy_url = strdup(proxy))))
        return mp_errf(err, "out of memory");
    return 0;
}

static int resolve_user(const kubeconfig *kc, const kc_entry *e, kube_conn *c, mp_err *err)
{
    char where[512];
    snprintf(where, sizeof where, "kubeconfig %s: user \"%s\"", kc->paths[e->file], e->name);
    const doc_node *u = e->body;
    const char *dir = kc->dirs[e->file];
    if (doc_get(u, "auth-provider"))
        return mp_errf(err, "%s: auth-provider plugins are not supported; use an exec plugin",
                       where);
    const char *token = doc_get_str(u, "token");
    const char *token_file = doc_get_str(u, "tokenFile");
    if (token && *token) {
        if (check_token(token, where, "token", err))
            return -1;
        if (!(c->token = strdup(token)))
            return mp_errf(err, "out of memory");
    } else if (token_file && *token_file) {
        unsigned char *t = NULL;
        size_t tl = 0;
        char *path = join_path(dir, token_file);
        int rc = path ? slurp(path, (char **)&t, &tl, err) : mp_errf(err, "out of memory");
        free(path);
        if (rc)
            return mp_err_prefix(err, "%s: tokenFile", where);
        while (tl && (t[tl - 1] == '\n' || t[tl - 1] == '\r' || t[tl - 1] == ' '))
            t[--tl] = 0;
        c->token = (char *)t;
        if (!tl)
            return mp_errf(err, "%s: tokenFile %s is empty", where, token_file);
        if (check_token(c->token, where, "tokenFile", err))
            return -1;
    }
    if (load_blob(u, "client-certificate-data", "client-certificate", dir, where, &c->cert,
                  &c->cert_len, err) ||
        load_blob(u, "client-key-data", "client-key", dir, where, &c->key, &c->key_len, err))
        return -1;
    if (!c->cert != !c->key)
        return mp_errf(err, "%s: %s is set without %s", where,
                       c->cert ? "client-certificate" : "client-key",
                       c->cert ? "client-key" : "client-certificate");
    const char *user = doc_get_str(u, "username");
    const char *pass = doc_get_str(u, "password");
    if (user && *user) {
        if (!(c->username = strdup(user)) || !(c->password = strdup(pass ? pass : "")))
            return mp_errf(err, "out of memory");
    }
    const doc_node *exec = doc_get(u, "exec");
    if (exec && !doc_is_null(exec)) {
        if (!doc_is_map(exec))
            return mp_errf(err, "%s: exec must be a map", where);
        if (!(c->exec = exec_cred_from_doc(exec, dir, where, err)))
            return -1;
    }
    return 0;
}

static kube_conn *fail(kube_conn *c)
{
    kube_conn_free(c);
    return NULL;
}

kube_conn *kubeconfig_resolve(const kubeconfig *kc, const kc_options *opt, mp_err *err)
{
    const char *name = opt && opt->context ? opt->context : kc->current;
    if (!name) {
        mp_errf(err, "no context selected: kubeconfig %s has no current-context (use --context)",
                kubeconfig_files(kc));
        return NULL;
    }
    const kc_entry *ctx = entries_find(&kc->contexts, name);
    if (!ctx) {
        mp_errf(err, "context \"%s\" not found in kubeconfig %s", name, kubeconfig_files(kc));
        return NULL;
    }
    kube_conn *c = calloc(1, sizeof *c);
    if (!c) {
        mp_errf(err, "out of memory");
        return NULL;
    }
    char src[4200];
    snprintf(src, sizeof src, "kubeconfig %s", kc->paths[ctx->file]);
    if (!(c->context = strdup(name)) || !(c->source = strdup(src))) {
        mp_errf(err, "out of memory");
        return fail(c);
    }
    const char *cluster = doc_get_str(ctx->body, "cluster");
    const char *user = doc_get_str(ctx->body, "user");
    const kc_entry *ce = cluster && *cluster ? entries_find(&kc->clusters, cluster) : NULL;
    if (!ce) {
        mp_errf(err, "kubeconfig %s: context \"%s\": cluster \"%s\" not found",
                kc->paths[ctx->file], name, cluster ? cluster : "");
        return fail(c);
    }
    if (resolve_cluster(kc, ce, c, err))
        return fail(c);
    if (user && *user) {
        const kc_entry *ue = entries_find(&kc->users, user);
        if (!ue) {
            mp_errf(err, "kubeconfig %s: context \"%s\": user \"%s\" not found",
                    kc->paths[ctx->file], name, user);
            return fail(c);
        }
        if (resolve_user(kc, ue, c, err))
            return fail(c);
        char where[600];
        snprintf(where, sizeof where, "kubeconfig %s: user \"%s\"", kc->paths[ue->file], ue->name);
        if (drop_plain_http_credentials(c, where)) {
            mp_errf(err, "out of memory");
            return fail(c);
        }
        if (c->exec)
            exec_cred_set_cluster(c->exec, c->server,
                                  doc_get_str(ce->body, "certificate-authority-data"), c->insecure);
    }
    const char *ns = opt && opt->ns ? opt->ns : doc_get_str(ctx->body, "namespace");
    c->ns_explicit = opt && opt->ns;
    c->disable_compression |= opt && opt->disable_compression;
    if (!(c->ns = strdup(ns && *ns ? ns : "default"))) {
        mp_errf(err, "out of memory");
        return fail(c);
    }
    return c;
}

/* ---- in-cluster ---- */

kube_conn *kube_conn_in_cluster(const kc_options *opt, mp_err *err)
{
    const char *host = getenv("KUBERNETES_SERVICE_HOST");
    const char *port = getenv("KUBERNETES_SERVICE_PORT");
    const char *dir = opt && opt->sa_dir ? opt->sa_dir : KC_DEFAULT_SA_DIR;
    if (!host || !*host || !port || !*port) {
        mp_errf(err, "not running in a cluster: KUBERNETES_SERVICE_HOST/PORT are not set");
        return NULL;
    }
    kube_conn *c = calloc(1, sizeof *c);
    if (!c) {
        mp_errf(err, "out of memory");
        return NULL;
    }
    char path[4096], server[600];
    bool v6 = strchr(host, ':') != NULL;
    snprintf(server, sizeof server, "https://%s%.256s%s:%.32s", v6 ? "[" : "", host, v6 ? "]" : "",
             port);
    c->context = strdup("in-cluster");
    c->source = strdup("in-cluster service account");
    c->server = strdup(server);
    if (!c->context || !c->source || !c->server) {
        mp_errf(err, "out of memory");
        return fail(c);
    }
    size_t len;
    char *buf;
    snprintf(path, sizeof path, "%s/token", dir);
    if (slurp(path, &buf, &len, err)) {
        mp_err_prefix(err, "in-cluster service account");
        return fail(c);
    }
    while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
        buf[--len] = 0;
    c->token = buf;
    if (check_token(c->token, "in-cluster service account", "token", err))
        return fail(c);
    snprintf(path, sizeof path, "%s/ca.crt", dir);
    if (slurp(path, &buf, &c->ca_len, err)) {
        mp_err_prefix(err, "in-cluster service account");
        return fail(c);
    }
    c->ca = (unsigned char *)buf;
    const char *ns = opt ? opt->ns : NULL;
    char *file_ns = NULL;
    snprintf(path, sizeof path, "%s/namespace", dir);
    if (!ns && file_exists(path) && !slurp(path, &file_ns, &len, NULL)) {
        while (len && (file_ns[len - 1] == '\n' || file_ns[len - 1] == '\r'))
            file_ns[--len] = 0;
        ns = file_ns;
    }
    c->ns_explicit = opt && opt->ns;
    c->disable_compression = opt && opt->disable_compression;
    c->ns = strdup(ns && *ns ? ns : "default");
    free(file_ns);
    if (!c->ns) {
        mp_errf(err, "out of memory");
        return fail(c);
    }
    return c;
}

/* Said with every "no kubeconfig": the tool is useful without a cluster. */
#define NO_CLUSTER_HINT "; without a cluster: meshpanel --demo, or meshpanel -f DIR (manifests)"

kube_conn *kube_conn_load(const kc_options *opt, mp_err *err)
{
    kubeconfig *kc = kubeconfig_load(opt, err);
    if (!kc)
        return NULL;
    kube_conn *c = NULL;
    bool explicit_file = opt && opt->kubeconfig;
    if (kc->contexts.len || explicit_file) {
        c = kubeconfig_resolve(kc, opt, err);
    } else if (getenv("KUBERNETES_SERVICE_HOST")) {
        c = kube_conn_in_cluster(opt, err);
    } else if (kc->nfiles) {
        mp_errf(err, "kubeconfig %s defines no contexts", kubeconfig_files(kc));
    } else if (kc->missing.len) {
        mp_errf(err, "no kubeconfig found: KUBECONFIG names %.900s, which %s not exist%s",
                kc->missing.buf, strchr(kc->missing.buf, ',') ? "do" : "does", NO_CLUSTER_HINT);
    } else {
        mp_errf(err,
                "no kubeconfig found: use --kubeconfig, set KUBECONFIG or create "
                "~/.kube/config%s",
                NO_CLUSTER_HINT);
    }
    kubeconfig_free(kc);
    return c;
}
