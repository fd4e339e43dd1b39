/*
 * source_cluster.c - the live cluster behind the source interface.
 *
 * One list+watch stream per kind (api/watch.h) feeds the store; the console's
 * event loop polls the streams' sockets, so a slow or dead API server shows
 * up in conn() and status(), never as a frozen screen. Nothing here blocks:
 * open() only sets the streams up, and discovery of the CRD groups is a
 * step of the streams themselves.
 *
 * Scope: an admin context watches all namespaces. When the server answers 403
 * to an all-namespace watch (a tenant's own kubeconfig), the streams restart
 * in the context namespace instead of failing, as `meshpanel get tenants` does.
 *
 * A relist (start, Ctrl-r, 410 Gone, contact lost) is a SYNC_BEGIN..SYNC_END
 * bracket: the keys re-ADDED in between are remembered and every other
 * object of that kind in scope is deleted from the store at SYNC_END.
 *
 * Health: each stream is pending (no list yet), ok, retrying (with the
 * reason and the time of the next attempt) or stopped; conn() derives the
 * source's state from them (api/conn_derive.h) and status() says the same
 * in words, from the current state only, so an error that is over is not
 * shown any more.
 *
 * Ctrl-r (refresh) relists every kind at once in the background; when each
 * relist has completed or failed, take_note() reports what the relists
 * changed in the store, or why they failed.
 *
 * apply() is api/cluster_apply.c over the same client: blocking, because the
 * console waits for its result anyway.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/cluster_apply.h"
#include "api/conn_derive.h"
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
#define NKINDS     (sizeof watched_kinds / sizeof *watched_kinds)
#define INGRESS_AT 1 /* watched_kinds[INGRESS_AT] is "Ingress" */

/* Pages of the initial lists. Items are parsed as they stream in, so a
 * larger page keeps the server producing while the console parses, instead
 * of both waiting on each other at every continue token (20 round trips for
 * 10,000 Ingresses at kubectl's 500). */
#define CLUSTER_LIST_LIMIT 2000

typedef struct cluster_src cluster_src;

typedef struct {
    cluster_src *cs;
    const kkind *k;
    int id;      /* kwatcher stream, -1 when not started */
    char **seen; /* "ns/name" keys re-added during a relist */
    size_t nseen, capseen;
    size_t before; /* objects of the kind in the store when the relist began */
    bool syncing, synced, stopped;
    bool skipped;     /* not started: a tenant cannot list cluster-scoped kinds */
    bool connected;   /* answered since the last failure */
    bool failing;     /* the last attempt failed (retrying) */
    bool unreachable; /* ...without an answer from the server */
    bool forced;      /* a Ctrl-r relist of this kind has not completed */
    bool forced_fail; /* ...and an attempt of it failed */
    char reason[MP_ERR_MAX];
    long long retry_at, last_ok;
} kind_stream;

/* What the Ctrl-r relist in progress found so far. A kind is pending until
 * its relist completes or it stops; failing kinds stay pending (they retry),
 * so the failure is told once all pending kinds failed, and the counts once
 * they all completed. */
typedef struct {
    bool active, failure_told;
    int kinds, done, stopped, failing;
    int added, removed, changed;
    char reason[MP_ERR_MAX];
} relist_report;

struct cluster_src {
    kclient *client;
    kwatcher *w;
    mp_store *st; /* borrowed during step/open */
    kind_stream streams[NKINDS];
    bool ns_scoped; /* fell back to the context namespace */
    bool want_restart;
    int changes;
    long long now; /* monotonic ms of the step being handled */
    relist_report relist;
    char context[256], cluster[512];
    char target[320]; /* apply_target() */
    char open_error[MP_ERR_MAX];
    char status[MP_ERR_MAX + 160];
    char note[MP_ERR_MAX + 128], note_out[MP_ERR_MAX + 128];
};

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
            int r = store_delete(ks->cs->st, ks->k->kind, gone[i], slash + 1);
            ks->cs->changes += r;
            if (ks->forced)
                ks->cs->relist.removed += r;
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
    const char *ns = kobj_namespace(obj), *name = kobj_name(obj);
    if (ev->type == KW_DELETED) {
        cs->changes += store_delete(cs->st, ks->k->kind, ns ? ns : "", name ? name : "");
        doc_free(obj);
        return;
    }
    if (ks->syncing && ks->before)
        put_seen(ks, ns ? ns : "", name ? name : "");
    bool known = ks->forced && name && store_get(cs->st, ks->k->kind, ns ? ns : "", name);
    mp_err err = {{0}};
    int r = store_put(cs->st, obj, &err);
    if (r < 0)
        snprintf(ks->reason, sizeof ks->reason, "%s", err.msg);
    else
        cs->changes += r;
    if (r > 0 && ks->forced)
        *(known ? &cs->relist.changed : &cs->relist.added) += 1;
}

static void relist_counts(const relist_report *r, char *buf, size_t n)
{
    int l = snprintf(buf, n, "%d added, %d removed", r->added, r->removed);
    if (r->changed && l > 0 && (size_t)l < n)
        snprintf(buf + l, n - (size_t)l, ", %d changed", r->changed);
}

/* Tells what the report knows once there is something to tell. */
static void report_relist(cluster_src *cs)
{
    relist_report *r = &cs->relist;
    int pending = r->kinds - r->done - r->stopped;
    if (!r->active || (pending && (r->failing < pending || r->failure_told)))
        return;
    char counts[160];
    relist_counts(r, counts, sizeof counts);
    int bad = r->stopped + (pending ? r->failing : 0);
    if (!bad)
        snprintf(cs->note, sizeof cs->note, "relisted %d kind%s: %s", r->kinds,
                 r->kinds == 1 ? "" : "s", counts);
    else if (!r->done)
        snprintf(cs->note, sizeof cs->note, "relist failed: %.900s", r->reason);
    else
        snprintf(cs->note, sizeof cs->note, "relisted %d of %d kinds (%s); %d failed: %.700s",
                 r->done, r->kinds, counts, bad, r->reason);
    r->failure_told = pending > 0;
    r->active = pending > 0; /* failing kinds retry: their counts come later */
}

/* The Ctrl-r relist of ks completed (done), failed an attempt or stopped. */
static void forced_event(kind_stream *ks, bool done, const char *failure, bool stopped)
{
    relist_report *r = &ks->cs->relist;
    if (!ks->forced || !r->active)
        return;
    if (failure && !ks->forced_fail) {
        ks->forced_fail = true;
        r->failing++;
        if (r->failing == 1 || !r->reason[0])
            snprintf(r->reason, sizeof r->reason, "%s", failure);
    }
    if (done || stopped) {
        ks->forced = false;
        if (ks->forced_fail)
            r->failing--;
        ks->forced_fail = false;
        *(done ? &r->done : &r->stopped) += 1;
    }
    report_relist(ks->cs);
}

/* A message without the watcher's "; retrying in 1.5s" (the countdown is
 * drawn live from retry_at). */
static void set_reason(kind_stream *ks, const char *msg)
{
    snprintf(ks->reason, sizeof ks->reason, "%s", msg ? msg : "");
    char *tail = strstr(ks->reason, "; retrying in ");
    if (tail)
        *tail = '\0';
}

static void contact(kind_stream *ks)
{
    ks->connected = true;
    ks->failing = ks->unreachable = false;
    ks->last_ok = ks->cs->now;
}

static void on_failure(kind_stream *ks, kwatch_event *ev)
{
    if (ks->connected && !ks->failing)
        ks->last_ok = ks->cs->now; /* the connection was good until now */
    ks->connected = false;
    ks->failing = true;
    ks->unreachable = ev->unreachable;
    ks->retry_at = ks->cs->now + ev->retry_ms;
    set_reason(ks, ev->message);
    forced_event(ks, false, ks->reason, false);
}

static void on_event(kwatch_event *ev, void *ud)
{
    kind_stream *ks = ud;
    cluster_src *cs = ks->cs;
    switch (ev->type) {
    case KW_ADDED:
    case KW_MODIFIED:
    case KW_DELETED:
        contact(ks);
        on_object(ks, ev);
        return;
    case KW_CONNECTED:
        contact(ks);
        break;
    case KW_SYNC_BEGIN: /* after KW_CONNECTED (the list answers) */
        clear_seen(ks);
        ks->syncing = true;
        ks->before = store_count(cs->st, ks->k->kind);
        break;
    case KW_SYNC_END:
        contact(ks);
        ks->syncing = false;
        ks->synced = true;
        if (ks->before) /* a first list has nothing to drop: no keys, no sort */
            drop_unseen(ks);
        forced_event(ks, true, NULL, false);
        break;
    case KW_STATUS:
        if (ev->failed)
            on_failure(ks, ev);
        break;
    case KW_ERROR:
        ks->stopped = true;
        ks->connected = ks->failing = false;
        if (!cs->ns_scoped && ev->message && strstr(ev->message, "(403)"))
            cs->want_restart = true;
        set_reason(ks, ev->message);
        forced_event(ks, false, ks->reason, true);
        break;
    }
    if (ev->obj) {
        doc_free(ev->obj);
        ev->obj = NULL;
    }
}

static void reset_streams(cluster_src *cs)
{
    kwatcher_free(cs->w);
    cs->w = NULL;
    cs->relist.active = false;
    for (size_t i = 0; i < NKINDS; i++) {
        kind_stream *ks = &cs->streams[i];
        clear_seen(ks);
        ks->id = -1;
        ks->syncing = ks->synced = ks->stopped = ks->skipped = false;
        ks->connected = ks->failing = ks->unreachable = ks->forced = ks->forced_fail = false;
        ks->reason[0] = '\0';
        ks->retry_at = ks->last_ok = 0;
    }
}

/* (Re)starts one stream per kind; nothing is sent before the first step. */
static int start_streams(cluster_src *cs, mp_err *err)
{
    reset_streams(cs);
    cs->w = kwatcher_new(cs->client, err);
    if (!cs->w)
        return -1;
    const char *ns = cs->ns_scoped ? kclient_conn(cs->client)->ns : NULL;
    size_t started = 0;
    cs->open_error[0] = '\0';
    for (size_t j = 0; j < NKINDS; j++) {
        /* Ingresses first: the largest list (api/watch.h, "First lists") */
        size_t i = j == 0 ? INGRESS_AT : j <= INGRESS_AT ? j - 1 : j;
        kind_stream *ks = &cs->streams[i];
        klist_opts o = {.ns = ks->k->namespaced ? ns : NULL, .limit = CLUSTER_LIST_LIMIT};
        if (cs->ns_scoped && !ks->k->namespaced) {
            ks->stopped = ks->skipped = true; /* a tenant cannot list cluster-scoped kinds */
            continue;
        }
        mp_err e = {{0}};
        if ((ks->id = kwatcher_add(cs->w, ks->k, &o, NULL, on_event, ks, &e)) < 0) {
            ks->stopped = true;
            set_reason(ks, e.msg);
            snprintf(cs->open_error, sizeof cs->open_error, "%s", e.msg);
            continue;
        }
        started++;
    }
    if (!started)
        return mp_errf(err, "%s", cs->open_error[0] ? cs->open_error : "nothing to watch");
    return 0;
}

static int cl_open(mp_source *src, mp_store *st, mp_err *err)
{
    cluster_src *cs = src->priv;
    cs->st = st;
    if (start_streams(cs, err) < 0) {
        snprintf(cs->open_error, sizeof cs->open_error, "%s", err->msg);
        return -1;
    }
    return 0;
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
    cs->now = source_now_ms();
    if (cs->w && kwatcher_step(cs->w, fds, nfds, cs->now, err) < 0)
        return -1;
    if (cs->want_restart) {
        cs->want_restart = false;
        cs->ns_scoped = true;
        if (start_streams(cs, err) < 0)
            return -1;
    }
    return cs->changes;
}

/* Ctrl-r: every kind relists at the next step; take_note() tells how it
 * went. Stopped kinds try again. */
static int cl_refresh(mp_source *src, mp_store *st, mp_err *err)
{
    cluster_src *cs = src->priv;
    cs->st = st;
    if (!cs->w)
        return start_streams(cs, err) < 0 ? -1 : 0;
    cs->relist = (relist_report){.active = true};
    for (size_t i = 0; i < NKINDS; i++) {
        kind_stream *ks = &cs->streams[i];
        if (ks->id < 0 || kwatcher_relist(cs->w, ks->id) < 0)
            continue;
        if (ks->stopped) { /* retrying now */
            ks->stopped = false;
            ks->failing = true;
            ks->retry_at = 0;
        }
        ks->forced = true;
        ks->forced_fail = false;
        cs->relist.kinds++;
    }
    snprintf(cs->note, sizeof cs->note, "relisting %d kind%s...", cs->relist.kinds,
             cs->relist.kinds == 1 ? "" : "s");
    return 0;
}

static const char *cl_take_note(mp_source *src)
{
    cluster_src *cs = src->priv;
    if (!cs->note[0])
        return NULL;
    memcpy(cs->note_out, cs->note, sizeof cs->note_out);
    cs->note[0] = '\0';
    return cs->note_out;
}

static void cl_conn(const mp_source *src, source_conn *out)
{
    const cluster_src *cs = src->priv;
    if (!cs->w) {
        memset(out, 0, sizeof *out);
        out->state = cs->open_error[0] ? CONN_DEGRADED : CONN_CONNECTING;
        snprintf(out->reason, sizeof out->reason, "%s", cs->open_error);
        return;
    }
    stream_conn sc[NKINDS];
    size_t n = 0;
    char waiting[300] = ""; /* one plugin serves every stream */
    for (size_t i = 0; i < NKINDS; i++) {
        const kind_stream *ks = &cs->streams[i];
        if (ks->skipped)
            continue;
        kwatch_info info = {0};
        if (ks->id >= 0)
            kwatcher_info(cs->w, ks->id, &info);
        if (info.exec_wait)
            snprintf(waiting, sizeof waiting, "waiting for exec plugin %.250s", info.exec_wait);
        bool pending = !ks->stopped && !ks->failing && !ks->synced;
        sc[n++] = (stream_conn){
            .health = ks->stopped   ? STREAM_STOPPED
                      : ks->failing ? STREAM_RETRYING
                      : ks->synced  ? STREAM_OK
                                    : STREAM_PENDING,
            .synced_once = ks->synced,
            .unreachable = ks->unreachable,
            .reason = pending && info.exec_wait ? waiting : ks->reason,
            .retry_at_ms = info.retry_at_ms,
            .deadline_ms = info.deadline_ms,
            .last_ok_ms = ks->last_ok > info.data_ms ? ks->last_ok : info.data_ms,
            .data_ms = info.data_ms,
        };
    }
    conn_derive(sc, n, out);
}

/* "cannot reach URL: ..." out of a request's error: the kind is noise
 * when every kind fails the same way. */
static const char *short_reason(const char *reason)
{
    const char *p = strstr(reason, "cannot reach ");
    return p ? p : reason;
}

static long long secs_until(long long t, long long now)
{
    return t > now ? (t - now + 999) / 1000 : 0;
}

static const char *cl_status(const mp_source *src)
{
    cluster_src *cs = src->priv;
    source_conn c;
    cl_conn(src, &c);
    size_t synced = 0, total = 0;
    for (size_t i = 0; i < NKINDS; i++) {
        total += !cs->streams[i].skipped;
        synced += cs->streams[i].synced && !cs->streams[i].skipped;
    }
    long long now = source_now_ms();
    char when[64] = "";
    if (c.deadline_ms)
        snprintf(when, sizeof when, " (%lld s left)", secs_until(c.deadline_ms, now));
    else if (c.retry_at_ms)
        snprintf(when, sizeof when, ", retry in %lld s", secs_until(c.retry_at_ms, now));
    const char *scope = cs->ns_scoped ? ", namespace only" : "";
    /* the countdown before the reason: a long reason is cut at the edge */
    switch (c.state) {
    case CONN_CONNECTING:
        if (synced)
            snprintf(cs->status, sizeof cs->status,
                     "connecting to %.300s: %zu/%zu kinds synced%s%s%.600s", cs->cluster, synced,
                     total, when, c.reason[0] ? "; " : "", c.reason);
        else
            snprintf(cs->status, sizeof cs->status, "connecting to %.300s%s%s%.600s", cs->cluster,
                     when, c.reason[0] ? "; " : "", c.reason);
        break;
    case CONN_SYNCED:
        snprintf(cs->status, sizeof cs->status, "%zu/%zu kinds synced%s, watching", synced, total,
                 scope);
        break;
    case CONN_DEGRADED:
        snprintf(cs->status, sizeof cs->status, "%zu/%zu kinds synced%s%s: %.900s", synced, total,
                 scope, when, c.reason);
        break;
    case CONN_DISCONNECTED:
        if (c.deadline_ms)
            snprintf(when, sizeof when, ", retrying (%lld s left)", secs_until(c.deadline_ms, now));
        snprintf(cs->status, sizeof cs->status, "disconnected%s: %.900s", when,
                 short_reason(c.reason));
        break;
    }
    return cs->status;
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
    .conn = cl_conn,
    .take_note = cl_take_note,
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
        cs->streams[i].id = -1;
    }
    kube_conn *conn = kube_conn_load(opt, err);
    if (!conn) {
        source_free(src);
        return NULL;
    }
    if (conn->warning) /* credentials dropped (plain HTTP): the first status line says so */
        snprintf(cs->note, sizeof cs->note, "%s", conn->warning);
    snprintf(cs->context, sizeof cs->context, "%s", conn->context ? conn->context : "-");
    snprintf(cs->cluster, sizeof cs->cluster, "%s", conn->server ? conn->server : "-");
    snprintf(cs->target, sizeof cs->target, "cluster %s: server-side apply as %s", cs->context,
             KFIELD_MANAGER);
    /* kclient_new takes the connection, also when it fails */
    khttp_opts ho = {.timeout_ms = opt->request_timeout_ms};
    cs->client = kclient_new(conn, &ho, err);
    if (!cs->client) {
        source_free(src);
        return NULL;
    }
    return src;
}
