/*
 * source_cluster.c - the live cluster behind the source interface.
 *
 * One list+watch stream per kind (api/watch.h) feeds the store; the console's
 * event loop polls the streams' sockets, so a slow or dead API server shows
 * up in status(), never as a frozen screen. Nothing here blocks except the
 * discovery request kwatcher_add makes for CRD groups.
 *
 * Scope: an admin context watches all namespaces. When the server answers 403
 * to an all-namespace watch (a tenant's own kubeconfig), the streams restart
 * in the context namespace instead of failing, as `meshpanel get tenants` does.
 *
 * A relist (start, Ctrl-r, 410 Gone) is a SYNC_BEGIN..SYNC_END bracket: the
 * keys re-ADDED in between are remembered and every other object of that kind
 * in scope is deleted from the store at SYNC_END.
 *
 * apply() is api/cluster_apply.c over the same client: blocking, like
 * Ctrl-r's discovery, because the console waits for its result anyway.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/cluster_apply.h"
#include "api/kubeconfig.h"
#include "api/resources.h"
#include "api/source.h"
#include "api/watch.h"
#include "model/kobj.h"
#include "model/sort.h"

/* What the console shows. Secrets are metadata-only by construction. */
static const char *const watched_kinds[] = {
    "Namespace",      "Ingress",         "IngressClass",        "Service", "Secret", "Gateway",
    "VirtualService", "DestinationRule", "AuthorizationPolicy",
};
#define NKINDS (sizeof watched_kinds / sizeof *watched_kinds)

/* Pages of the initial lists. Items are parsed as they stream in, so a
 * larger page keeps the server producing while the console parses, instead
 * of both waiting on each other at every continue token (20 round trips for
 * 10,000 Ingresses at kubectl's 500). */
#define CLUSTER_LIST_LIMIT 2000

typedef struct cluster_src cluster_src;

typedef struct {
    cluster_src *cs;
    const kkind *k;
    char **seen; /* "ns/name" keys re-added during a relist */
    size_t nseen, capseen;
    size_t before; /* objects of the kind in the store when the relist began */
    bool syncing, synced, stopped;
} kind_stream;

struct cluster_src {
    kclient *client;
    kwatcher *w;
    mp_store *st; /* borrowed during step/open */
    kind_stream streams[NKINDS];
    bool ns_scoped; /* fell back to the context namespace */
    bool want_restart;
    int changes;
    char context[256], cluster[512];
    char target[320]; /* apply_target() */
    char status[MP_ERR_MAX + 160];
    char last_error[MP_ERR_MAX];
};

static void set_status(cluster_src *cs, const char *fmt, const char *arg)
{
    snprintf(cs->status, sizeof cs->status, fmt, arg);
}

static int put_seen(kind_stream *ks, const char *ns, const char *name)
{
    if (ks->nseen == ks->capseen) {
        size_t cap = ks->capseen ? ks->capseen * 2 : 64;
        char **p = realloc(ks->seen, cap * sizeof *p);
        if (!p)
            return -1;
        ks->seen = p;
        ks->capseen = cap;
    }
    size_t n = strlen(ns) + strlen(name) + 2;
    char *key = malloc(n);
    if (!key)
        return -1;
    snprintf(key, n, "%s/%s", ns, name);
    ks->seen[ks->nseen++] = key;
    return 0;
}

static void clear_seen(kind_stream *ks)
{
    for (size_t i = 0; i < ks->nseen; i++)
        free(ks->seen[i]);
    ks->nseen = 0;
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* End of a relist: whatever the list did not mention is gone. */
static void drop_unseen(kind_stream *ks)
{
    mp_sort(ks->seen, ks->nseen, sizeof *ks->seen, cmp_key);
    const store_obj **objs = NULL;
    size_t n = store_list(ks->cs->st, ks->k->kind, NULL, &objs);
    if (n == (size_t)-1)
        return;
    char **gone = calloc(n ? n : 1, sizeof *gone);
    size_t ngone = 0;
    for (size_t i = 0; gone && i < n; i++) {
        char key[600];
        snprintf(key, sizeof key, "%s/%s", objs[i]->ns, objs[i]->name);
        const char *kp = key;
        if (!bsearch(&kp, ks->seen, ks->nseen, sizeof *ks->seen, cmp_key))
            gone[ngone++] = strdup(key);
    }
    free(objs);
    /* delete after listing: store_list's pointers die with the first change */
    for (size_t i = 0; i < ngone; i++) {
        char *slash = gone[i] ? strchr(gone[i], '/') : NULL;
        if (slash) {
            *slash = '\0';
            ks->cs->changes += store_delete(ks->cs->st, ks->k->kind, gone[i], slash + 1);
        }
        free(gone[i]);
    }
    free(gone);
    clear_seen(ks);
}

static void on_object(kind_stream *ks, kwatch_event *ev)
{
    cluster_src *cs = ks->cs;
    doc_node *obj = ev->obj;
    ev->obj = NULL;
    if (ev->type == KW_DELETED) {
        const char *ns = kobj_namespace(obj);
        cs->changes += store_delete(cs->st, ks->k->kind, ns ? ns : "", kobj_name(obj));
        doc_free(obj);
        return;
    }
    if (ks->syncing && ks->before) {
        const char *ns = kobj_namespace(obj), *name = kobj_name(obj);
        put_seen(ks, ns ? ns : "", name ? name : "");
    }
    mp_err err = {{0}};
    int r = store_put(cs->st, obj, &err);
    if (r < 0)
        snprintf(cs->last_error, sizeof cs->last_error, "%s", err.msg);
    else
        cs->changes += r;
}

static void summarise(cluster_src *cs)
{
    size_t synced = 0, stopped = 0;
    for (size_t i = 0; i < NKINDS; i++) {
        synced += cs->streams[i].synced;
        stopped += cs->streams[i].stopped;
    }
    char buf[128];
    snprintf(buf, sizeof buf, "%zu/%zu kinds synced%s", synced, NKINDS - stopped,
             cs->ns_scoped ? ", namespace only" : "");
    if (cs->last_error[0])
        snprintf(cs->status, sizeof cs->status, "%s; %s", buf, cs->last_error);
    else
        set_status(cs, "%s, watching", buf);
}

static void on_event(kwatch_event *ev, void *ud)
{
    kind_stream *ks = ud;
    cluster_src *cs = ks->cs;
    switch (ev->type) {
    case KW_ADDED:
    case KW_MODIFIED:
    case KW_DELETED:
        on_object(ks, ev);
        return;
    case KW_SYNC_BEGIN:
        clear_seen(ks);
        ks->syncing = true;
        ks->before = store_count(cs->st, ks->k->kind);
        break;
    case KW_SYNC_END:
        ks->syncing = false;
        ks->synced = true;
        if (ks->before) /* a first list has nothing to drop: no keys, no sort */
            drop_unseen(ks);
        break;
    case KW_STATUS:
        snprintf(cs->last_error, sizeof cs->last_error, "%s", ev->message ? ev->message : "");
        break;
    case KW_ERROR:
        ks->stopped = true;
        if (!cs->ns_scoped && ev->message && strstr(ev->message, "(403)"))
            cs->want_restart = true;
        snprintf(cs->last_error, sizeof cs->last_error, "%s", ev->message ? ev->message : "");
        break;
    }
    if (ev->obj) {
        doc_free(ev->obj);
        ev->obj = NULL;
    }
    summarise(cs);
}

static void reset_streams(cluster_src *cs)
{
    kwatcher_free(cs->w);
    cs->w = NULL;
    for (size_t i = 0; i < NKINDS; i++) {
        clear_seen(&cs->streams[i]);
        cs->streams[i].syncing = cs->streams[i].synced = cs->streams[i].stopped = false;
    }
}

/* (Re)starts one stream per kind. A kind the server does not serve (no
 * Istio CRDs) is reported and skipped; the others go on. */
static int start_streams(cluster_src *cs, mp_err *err)
{
    reset_streams(cs);
    cs->w = kwatcher_new(cs->client, err);
    if (!cs->w)
        return -1;
    const char *ns = cs->ns_scoped ? kclient_conn(cs->client)->ns : NULL;
    size_t started = 0;
    cs->last_error[0] = '\0';
    for (size_t i = 0; i < NKINDS; i++) {
        kind_stream *ks = &cs->streams[i];
        klist_opts o = {.ns = ks->k->namespaced ? ns : NULL, .limit = CLUSTER_LIST_LIMIT};
        if (cs->ns_scoped && !ks->k->namespaced) {
            ks->stopped = true; /* a tenant cannot list cluster-scoped kinds */
            continue;
        }
        mp_err e = {{0}};
        if (kwatcher_add(cs->w, ks->k, &o, NULL, on_event, ks, &e) < 0) {
            ks->stopped = true;
            snprintf(cs->last_error, sizeof cs->last_error, "%s", e.msg);
            continue;
        }
        started++;
    }
    if (!started)
        return mp_errf(err, "%s", cs->last_error[0] ? cs->last_error : "nothing to watch");
    set_status(cs, "connecting to %s", cs->cluster);
    return 0;
}

static int cl_open(mp_source *src, mp_store *st, mp_err *err)
{
    cluster_src *cs = src->priv;
    cs->st = st;
    return start_streams(cs, err);
}

static int cl_fds(mp_source *src, struct pollfd *fds, int max)
{
    cluster_src *cs = src->priv;
    return cs->w ? kwatcher_fds(cs->w, fds, max) : 0;
}

static int cl_timeout_ms(mp_source *src, long long now_ms)
{
    cluster_src *cs = src->priv;
    (void)now_ms;
    /* the watcher keeps its own monotonic clock */
    return cs->w ? kwatcher_timeout_ms(cs->w, kwatcher_now_ms()) : -1;
}

static int cl_step(mp_source *src, mp_store *st, const struct pollfd *fds, int nfds,
                   long long now_ms, mp_err *err)
{
    cluster_src *cs = src->priv;
    (void)now_ms;
    cs->st = st;
    cs->changes = 0;
    if (cs->w && kwatcher_step(cs->w, fds, nfds, kwatcher_now_ms(), err) < 0)
        return -1;
    if (cs->want_restart) {
        cs->want_restart = false;
        cs->ns_scoped = true;
        if (start_streams(cs, err) < 0)
            return -1;
    }
    return cs->changes;
}

static int cl_refresh(mp_source *src, mp_store *st, mp_err *err)
{
    cluster_src *cs = src->priv;
    cs->st = st;
    return start_streams(cs, err) < 0 ? -1 : 0;
}

static const char *cl_status(const mp_source *src)
{
    return ((const cluster_src *)src->priv)->status;
}

/* Every stream still running has delivered its initial list. */
static bool cl_synced(const mp_source *src)
{
    const cluster_src *cs = src->priv;
    size_t synced = 0, stopped = 0;
    for (size_t i = 0; i < NKINDS; i++) {
        synced += cs->streams[i].synced;
        stopped += cs->streams[i].stopped && !cs->streams[i].synced;
    }
    return cs->w && synced && synced + stopped == NKINDS;
}

static const char *cl_context(const mp_source *src)
{
    return ((const cluster_src *)src->priv)->context;
}

static const char *cl_cluster(const mp_source *src)
{
    return ((const cluster_src *)src->priv)->cluster;
}

static bool cl_read_only(const mp_source *src)
{
    (void)src;
    return false;
}

static int cl_apply(mp_source *src, mp_store *st, doc_node *const *objs, size_t n,
                    apply_result *res, mp_err *err)
{
    return cluster_apply(((cluster_src *)src->priv)->client, st, objs, n, res, err);
}

static const char *cl_apply_target(const mp_source *src)
{
    return ((const cluster_src *)src->priv)->target;
}

static void cl_close(mp_source *src)
{
    cluster_src *cs = src->priv;
    if (!cs)
        return;
    reset_streams(cs);
    for (size_t i = 0; i < NKINDS; i++)
        free(cs->streams[i].seen);
    kclient_free(cs->client);
    free(cs);
}

static const mp_source_ops cluster_ops = {
    .name = "cluster",
    .open = cl_open,
    .fds = cl_fds,
    .timeout_ms = cl_timeout_ms,
    .step = cl_step,
    .refresh = cl_refresh,
    .status = cl_status,
    .synced = cl_synced,
    .context = cl_context,
    .cluster = cl_cluster,
    .read_only = cl_read_only,
    .apply = cl_apply,
    .apply_target = cl_apply_target,
    .close = cl_close,
};

mp_source *source_cluster_new(const kc_options *opt, mp_err *err)
{
    mp_source *src = calloc(1, sizeof *src);
    cluster_src *cs = calloc(1, sizeof *cs);
    if (!src || !cs) {
        free(src);
        free(cs);
        mp_errf(err, "out of memory");
        return NULL;
    }
    src->ops = &cluster_ops;
    src->priv = cs;
    for (size_t i = 0; i < NKINDS; i++) {
        cs->streams[i].cs = cs;
        cs->streams[i].k = kkind_lookup(watched_kinds[i]);
    }
    kube_conn *conn = kube_conn_load(opt, err);
    if (!conn) {
        source_free(src);
        return NULL;
    }
    snprintf(cs->context, sizeof cs->context, "%s", conn->context ? conn->context : "-");
    snprintf(cs->cluster, sizeof cs->cluster, "%s", conn->server ? conn->server : "-");
    snprintf(cs->target, sizeof cs->target, "cluster %s: server-side apply as %s", cs->context,
             KFIELD_MANAGER);
    /* kclient_new takes the connection, also when it fails */
    cs->client = kclient_new(conn, NULL, err);
    if (!cs->client) {
        source_free(src);
        return NULL;
    }
    set_status(cs, "connecting to %s", cs->cluster);
    return src;
}
