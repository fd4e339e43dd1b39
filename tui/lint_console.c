/*
 * lint_console.c - lint over the console's store (see lint_console.h).
 *
 * A run is a chain of steps of bounded work, so idle time can stop after
 * any of them and a key waits for one step at most:
 *   gather   GATHER_OBJS objects of the store bucketed by namespace;
 *   ns       one namespace: its live objects, the conversion of its
 *            Ingresses (with those of other namespaces sharing a host, as
 *            the tenant preview converts), its staged objects, added to
 *            the set; the set's items and converter findings thus come a
 *            namespace at a time, in namespace order;
 *   prepare  one tenant's items indexed (lint_prepare_step), its planned
 *            objects made trees from their text for the step, or
 *            PREP_ITEMS items of the other namespaces;
 *   check    one namespace checked (lint_check_range), its findings
 *            sorted: the list comes out sorted without a sort of it all
 *            (its planned objects, and those of the tenants whose
 *            Gateways its VirtualServices name, trees for the step).
 * Between steps the planned objects are text (see planned): the trees of
 * 10,000 Ingresses' conversions were a third of the console's memory.
 * The set borrows the store's documents and the run's store buckets its
 * entries, so a store change drops the run and a new one starts from the
 * beginning (not before LINT_RERUN_MS after the previous start). On a
 * cluster whose watch events never stop, every run would be dropped: once
 * one was, the next holds the events back (app.c does not read the watch
 * streams while lint_console_holding) for at most LINT_HOLD_MS, so the
 * findings are at most two runs old and keys still wait one step at most.
 */
#include "tui/lint_console.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/policyfile.h"
#include "model/emit.h"
#include "model/hmap.h"
#include "model/kobj.h"
#include "model/parse.h"
#include "model/sort.h"
#include "tui/nsvec.h"
#include "tui/plan.h"
#include "tui/staging_int.h"

#define PREP_ITEMS  256
#define GATHER_OBJS 2048

typedef struct {
    const store_obj **v;
    size_t n, cap;
} bucket;

/* A tenant's conversion, kept across runs while its input's fingerprint
 * (ui_tenant_inputs), the IngressClasses and the staged edits are the
 * same: a run after a watch event converts only the tenants it touched.
 * Only what the set needs is kept: the tenant's planned objects, taken
 * out of the plan, and its findings plus the plan's cluster-scoped ones
 * (the set borrows both); the plan, its notes and other namespaces'
 * objects are freed at once. */
/* A planned object as the cache keeps it between the steps that read
 * it: as compact JSON, the set knowing it by its kind, namespace and name
 * alone (lint_set_add_ident); its tree exists while its own tenant is
 * indexed or checked (entry_fill) and while a VirtualService that names
 * one of its Gateways is (hosts_served in model/lint_gateway.c reads the
 * Gateway's servers; nothing else of lint reads another object's
 * document). A kind lint may read otherwise stays a tree. */
typedef struct {
    doc_node *doc; /* the tree: while filled, or always when json is NULL */
    char *json;    /* the object, compact JSON */
    const char *kind;
    char *name; /* the set borrows it (and the entry's ns) */
    size_t at;  /* its index in the run's set */
} planned;

typedef struct {
    char *ns;
    size_t ninputs;
    unsigned long long newest;
    planned *objs;
    size_t nobjs;
    bool full; /* the trees are made (entry_fill) */
    mp_warnings w;
    unsigned char *cluster; /* w.items[i] is cluster-scoped */
    char *wblock;           /* the strings of w (pack_warnings) */
    bool used;              /* by the run under way */
} conv_entry;

typedef enum { PH_NONE, PH_GATHER, PH_NS, PH_PREPARE, PH_CHECK, PH_DONE } phase;

struct lint_console {
    lint_policy *policy;
    bool policy_tried;
    /* the run: valid for store generation gen and staged edits staged
     * only (it borrows the store's documents) */
    phase ph;
    unsigned long long gen, staged;
    long long started; /* monotonic ms */
    size_t at;         /* gather: store index; ns and check: bucket */
    bucket *b;         /* [0] cluster-scoped, [1 + i] tenant i */
    size_t nb;
    size_t *item_end, *warn_end; /* the set's ranges of each bucket */
    apply_list st;               /* what :apply would apply */
    bool *st_added;
    /* every tenant's conversion, kept across runs (see conv_entry) */
    conv_entry *cache;
    size_t ncache, capcache;
    unsigned long long cache_staged, classes_newest;
    size_t nclasses;
    bool cluster_warned; /* cluster-scoped findings of the converter taken once */
    lint_set *set;
    lint_ctx *ctx;
    size_t prep_done; /* items lint_prepare_step took */
    doc_node *view;   /* the last lint_console_planned made from text */
    lint_check_run *chk;
    mp_err err;
    long long busy_us, max_step_us; /* the run's time in its steps (trace) */
    size_t steps;
    size_t converted; /* tenants converted (not taken from the cache) */
    /* the last complete run's, whatever its generation */
    lint_findings *findings;
    /* a run that failed (out of memory, conversion) is not retried in a
     * loop of idle time: not before the store changes */
    bool failed;
    unsigned long long failed_gen, failed_staged;
    /* runs dropped by a change since the last complete one: the next one
     * holds the watch events back (lint_console_holding) */
    unsigned dropped;
};

static void drop_run(lint_console *lc)
{
    doc_free(lc->view);
    lint_check_abort(lc->chk);
    lint_ctx_free(lc->ctx);
    lint_set_free(lc->set);
    for (size_t i = 0; i < lc->nb; i++)
        free(lc->b[i].v);
    free(lc->b);
    free(lc->item_end);
    free(lc->warn_end);
    free(lc->st_added);
    apply_list_free(&lc->st);
    lint_policy *p = lc->policy;
    bool tried = lc->policy_tried;
    lint_findings *f = lc->findings;
    bool failed = lc->failed;
    unsigned long long fg = lc->failed_gen, fs = lc->failed_staged;
    long long started = lc->started;
    unsigned dropped = lc->dropped;
    conv_entry *cache = lc->cache;
    size_t ncache = lc->ncache, capcache = lc->capcache, nclasses = lc->nclasses;
    unsigned long long cs = lc->cache_staged, cn = lc->classes_newest;
    memset(lc, 0, sizeof *lc);
    lc->cache = cache;
    lc->ncache = ncache;
    lc->capcache = capcache;
    lc->nclasses = nclasses;
    lc->cache_staged = cs;
    lc->classes_newest = cn;
    lc->dropped = dropped;
    lc->policy = p;
    lc->policy_tried = tried;
    lc->findings = f;
    lc->failed = failed;
    lc->failed_gen = fg;
    lc->failed_staged = fs;
    lc->started = started;
}

static void entry_clear(conv_entry *e)
{
    for (size_t i = 0; i < e->nobjs; i++) {
        doc_free(e->objs[i].doc);
        free(e->objs[i].json);
        free(e->objs[i].name);
    }
    free(e->objs);
    e->full = false;
    e->objs = NULL;
    e->nobjs = 0;
    free(e->w.items);
    memset(&e->w, 0, sizeof e->w);
    free(e->wblock);
    e->wblock = NULL;
    free(e->cluster);
    e->cluster = NULL;
}

/* Forgets the entries the run under way did not use (keep: false, all). */
static void cache_prune(lint_console *lc, bool keep)
{
    size_t n = 0;
    for (size_t i = 0; i < lc->ncache; i++) {
        conv_entry *e = &lc->cache[i];
        if (keep && e->used) {
            e->used = false;
            lc->cache[n++] = *e;
            continue;
        }
        entry_clear(e);
        free(e->ns);
    }
    lc->ncache = n;
}

void lint_console_free(lint_console *lc)
{
    if (!lc)
        return;
    drop_run(lc);
    cache_prune(lc, false);
    free(lc->cache);
    lint_findings_free(lc->findings);
    lint_policy_free(lc->policy);
    free(lc);
}

static bool current(const lint_console *lc, ui *u)
{
    return lc->gen == store_generation(u->store) && lc->staged == u->staged_gen;
}

static lint_console *state(ui *u)
{
    if (!u->lint)
        u->lint = calloc(1, sizeof *u->lint);
    lint_console *lc = u->lint;
    /* the run borrows the store's documents: a change invalidates it */
    if (lc && lc->ph != PH_NONE && !current(lc, u)) {
        lc->dropped += lc->ph != PH_DONE;
        drop_run(lc);
    }
    return lc;
}

static bool failed_now(const lint_console *lc, ui *u)
{
    return lc->failed && lc->failed_gen == store_generation(u->store) &&
           lc->failed_staged == u->staged_gen;
}

bool lint_console_stale(ui *u)
{
    lint_console *lc = state(u);
    return lc && lc->ph != PH_DONE && !failed_now(lc, u);
}

/* The policy file of the CLI's default location; a broken one is said
 * once and the defaults used (the console still shows what needs none). */
static const lint_policy *policy(ui *u, lint_console *lc)
{
    if (!lc->policy && !lc->policy_tried) {
        lc->policy_tried = true;
        mp_err err = {{0}};
        lc->policy = policy_load(NULL, &err);
        if (!lc->policy) {
            ui_set_message(u, true, "lint policy: %s (using the defaults)", err.msg);
            lc->policy = lint_policy_new();
        }
    }
    return lc->policy;
}

/* What lint and the converter read (the CLI hands them every object of
 * the files; they ignore the other kinds). */
static const char *const input_kinds[] = {
    "Namespace",      "IngressClass",    "Ingress",
    "Service",        "Secret",          "Gateway",
    "VirtualService", "DestinationRule", "AuthorizationPolicy",
    "Certificate",    "Issuer",          "ClusterIssuer",
};
#define NKINDS (sizeof input_kinds / sizeof input_kinds[0])

static long long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long long now_ms(void)
{
    return now_us() / 1000;
}

static int push(bucket *b, const store_obj *o)
{
    if (b->n == b->cap) {
        size_t cap = b->cap * 2 + 8;
        const store_obj **v = realloc(b->v, cap * sizeof *v);
        if (!v)
            return -1;
        b->v = v;
        b->cap = cap;
    }
    b->v[b->n++] = o;
    return 0;
}

/* The bucket of namespace ns: 1 + its tenant row, 0 when cluster-scoped. */
static size_t bucket_of(ui *u, const char *ns)
{
    size_t nt;
    const store_tenant *ts = store_tenants(u->store, &nt);
    size_t lo = 0, hi = nt;
    while (*ns && lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(ts[mid].ns, ns);
        if (!c)
            return 1 + mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* The cache holds for the IngressClasses and staged edits it was made
 * with (they decide every tenant's plan); the entries of the run under
 * way are marked as it goes. */
static void cache_check(ui *u, lint_console *lc)
{
    const store_obj **cl;
    size_t n = store_list(u->store, "IngressClass", NULL, &cl);
    unsigned long long newest = 0;
    for (size_t i = 0; n != (size_t)-1 && i < n; i++)
        if (cl[i]->changed > newest)
            newest = cl[i]->changed;
    free(cl);
    if (n != lc->nclasses || newest != lc->classes_newest || u->staged_gen != lc->cache_staged)
        cache_prune(lc, false);
    lc->nclasses = n;
    lc->classes_newest = newest;
    lc->cache_staged = u->staged_gen;
    for (size_t i = 0; i < lc->ncache; i++)
        lc->cache[i].used = false;
}

static int begin(ui *u, lint_console *lc)
{
    cache_check(u, lc);
    size_t nt;
    store_tenants(u->store, &nt);
    lc->gen = store_generation(u->store);
    lc->staged = u->staged_gen;
    lc->started = now_ms();
    lc->nb = nt + 1;
    lc->b = calloc(lc->nb, sizeof *lc->b);
    lc->item_end = calloc(lc->nb, sizeof *lc->item_end);
    lc->warn_end = calloc(lc->nb, sizeof *lc->warn_end);
    lc->set = lint_set_new();
    if (!lc->b || !lc->item_end || !lc->warn_end || !lc->set)
        return mp_errf(&lc->err, "out of memory");
    if (apply_list_build(u, &lc->st, true) < 0 ||
        !(lc->st_added = calloc(lc->st.n ? lc->st.n : 1, sizeof *lc->st_added)))
        return mp_errf(&lc->err, "out of memory");
    lc->ph = PH_GATHER;
    if (u->trace)
        trace_event(u->trace, "lint-start", "objects=%zu", store_count(u->store, NULL));
    return 0;
}

static int kind_index(const char *kind)
{
    for (size_t k = 0; k < NKINDS; k++)
        if (!strcmp(input_kinds[k], kind))
            return (int)k;
    return -1;
}

/* GATHER_OBJS objects of the store into the buckets. */
static int step_gather(ui *u, lint_console *lc)
{
    size_t n = store_count(u->store, NULL);
    for (size_t k = 0; k < GATHER_OBJS && lc->at < n; k++, lc->at++) {
        const store_obj *o = store_at(u->store, lc->at);
        if (kind_index(o->kind) >= 0 && push(&lc->b[bucket_of(u, o->ns)], o) < 0)
            return mp_errf(&lc->err, "out of memory");
    }
    if (lc->at == n) {
        lc->ph = PH_NS;
        lc->at = 0;
    }
    return 0;
}

/* A bucket in store_list's order: kind (as input_kinds), namespace, name. */
static int cmp_obj(const void *a, const void *b)
{
    const store_obj *x = *(const store_obj *const *)a, *y = *(const store_obj *const *)b;
    int r = kind_index(x->kind) - kind_index(y->kind);
    if (!r)
        r = strcmp(x->ns, y->ns);
    return r ? r : strcmp(x->name, y->name);
}

/* The staged version of kind ns/name, or NULL. */
static const doc_node *staged(const lint_console *lc, const char *kind, const char *ns,
                              const char *name)
{
    for (size_t i = 0; i < lc->st.n; i++) {
        const doc_node *o = lc->st.items[i].obj;
        const char *ons = kobj_namespace(o);
        if (!strcmp(kobj_kind(o), kind) && !strcmp(ons ? ons : "", ns) &&
            !strcmp(kobj_name(o), name))
            return o;
    }
    return NULL;
}

typedef struct {
    doc_node **v;
    size_t n, cap;
    bool oom;
} docs;

static void add_doc(docs *d, const doc_node *o)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i] == o)
            return;
    if (d->n == d->cap) {
        size_t cap = d->cap * 2 + 16;
        doc_node **v = realloc(d->v, cap * sizeof *v);
        if (!v) {
            d->oom = true;
            return;
        }
        d->v = v;
        d->cap = cap;
    }
    d->v[d->n++] = (doc_node *)o; /* read-only: the converter borrows */
}

/* The Ingresses and Services of bucket k as :apply would leave them. */
static void add_bucket(lint_console *lc, docs *in, size_t k, bool ingresses)
{
    const bucket *b = &lc->b[k];
    for (size_t i = 0; i < b->n; i++) {
        const store_obj *o = b->v[i];
        bool ing = !strcmp(o->kind, "Ingress");
        if (ing != ingresses && (ingresses || strcmp(o->kind, "Service") != 0))
            continue;
        const doc_node *s = staged(lc, o->kind, o->ns, o->name);
        add_doc(in, s ? s : o->doc);
    }
}

/* What the conversion of tenant k reads, as the tenant preview converts
 * it (tui/plan.c): its Ingresses and Services, staged ones included, the
 * other namespaces' Ingresses routing one of its hosts with their
 * Services, every IngressClass. */
static size_t conversion_input(ui *u, lint_console *lc, size_t k, docs *in)
{
    const char *ns = lc->b[k].n ? lc->b[k].v[0]->ns : "";
    add_bucket(lc, in, k, true);
    for (size_t i = 0; i < lc->st.n; i++) {
        const doc_node *o = lc->st.items[i].obj;
        const char *ons = kobj_namespace(o);
        if (ons && !strcmp(ons, ns) && !strcmp(kobj_kind(o), "Ingress"))
            add_doc(in, o);
    }
    size_t own = in->n;
    add_bucket(lc, in, k, false);
    for (size_t i = 0; i < own && !in->oom; i++) {
        store_obj tmp = {.kind = "Ingress", .doc = in->v[i]};
        size_t nh;
        const char **hosts = store_obj_hosts(&tmp, &nh);
        for (size_t h = 0; hosts && h < nh; h++) {
            size_t n;
            const store_obj *const *by = store_by_host(u->store, hosts[h], &n);
            for (size_t j = 0; j < n; j++)
                if (!strcmp(by[j]->kind, "Ingress") && strcmp(by[j]->ns, ns) != 0) {
                    add_doc(in, by[j]->doc);
                    add_bucket(lc, in, bucket_of(u, by[j]->ns), false);
                }
        }
        free(hosts);
    }
    for (size_t i = 0; i < lc->b[0].n; i++)
        if (!strcmp(lc->b[0].v[i]->kind, "IngressClass"))
            add_doc(in, lc->b[0].v[i]->doc);
    return own;
}

/* The namespace of a finding's object ("ingress ns-a/web"), or NULL when
 * it is cluster-scoped. */
static bool warn_in(const mp_warning *w, const char *ns, bool *cluster)
{
    const char *sp = w->object ? strchr(w->object, ' ') : NULL;
    const char *ons = sp ? sp + 1 : w->object ? w->object : "";
    *cluster = !strchr(ons, '/');
    size_t nl = strlen(ns);
    return !*cluster && !strncmp(ons, ns, nl) && ons[nl] == '/';
}

/* The cache entry of ns (sorted by namespace), made when missing; NULL
 * out of memory. */
static conv_entry *cache_entry(lint_console *lc, const char *ns)
{
    bool fresh;
    void *base = lc->cache;
    conv_entry *e = nsvec_slot(&base, &lc->ncache, &lc->capcache, sizeof *lc->cache, ns, &fresh);
    lc->cache = base;
    if (e && fresh)
        e->ninputs = (size_t)-1;
    return e;
}

/* The kinds kept as text: the converter's output, whose documents lint
 * reads only as lint_set_add_ident says. */
static const char *text_kind(const char *kind)
{
    static const char *const kinds[] = {"VirtualService", "DestinationRule", "Gateway"};
    for (size_t i = 0; kind && i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strcmp(kinds[i], kind))
            return kinds[i];
    return NULL;
}

/* p->doc as compact JSON in p->json, the tree freed, when the JSON reads
 * back as the same tree (else, as for another kind or an object with a
 * creationTimestamp, p stays a tree). Returns 0, or -1 out of memory. */
static int strip_obj(planned *p)
{
    const doc_node *o = p->doc;
    const char *kind = text_kind(kobj_kind(o)), *name = kobj_name(o);
    if (!kind || !name || doc_getv(o, "metadata", "creationTimestamp", NULL))
        return 0;
    mp_err err;
    size_t len;
    char *json = doc_emit_json(o, false, &len, &err);
    if (!json)
        return -1;
    doc_list l;
    doc_list_init(&l);
    bool same =
        !doc_parse_json(json, len, "lint", &l, &err) && l.len == 1 && doc_equal(o, l.docs[0], true);
    doc_list_free(&l);
    if (!same) {
        free(json);
        return 0;
    }
    if (!(p->name = strdup(name))) {
        free(json);
        return -1;
    }
    char *fit = realloc(json, len + 1);
    p->json = fit ? fit : json;
    p->kind = kind;
    doc_free(p->doc);
    p->doc = NULL;
    return 0;
}

/* p's tree, made from its text and given to the set. */
static int fill_obj(lint_set *set, planned *p, mp_err *err)
{
    if (!p->json || p->doc)
        return 0;
    doc_list l;
    doc_list_init(&l);
    if (doc_parse_json(p->json, strlen(p->json), "lint", &l, err) < 0 || l.len != 1) {
        doc_list_free(&l);
        return mp_errf(err, "out of memory");
    }
    p->doc = doc_list_take(&l, 0);
    doc_list_free(&l);
    lint_set_doc(set, p->at, p->name, p->doc);
    return 0;
}

static void unfill_obj(lint_set *set, planned *p)
{
    if (!p->json || !p->doc)
        return;
    lint_set_doc(set, p->at, p->name, NULL);
    doc_free(p->doc);
    p->doc = NULL;
}

/* The tenant's planned objects as trees, for the step that indexes or
 * checks them (entry_unfill after it, also on failure). */
static int entry_fill(lint_set *set, conv_entry *e, mp_err *err)
{
    e->full = true;
    for (size_t i = 0; i < e->nobjs; i++)
        if (fill_obj(set, &e->objs[i], err) < 0)
            return -1;
    return 0;
}

static void entry_unfill(lint_set *set, conv_entry *e)
{
    for (size_t i = 0; e->full && i < e->nobjs; i++)
        unfill_obj(set, &e->objs[i]);
    e->full = false;
}

/* Copies the strings of e's findings (still the plan's) into one block,
 * each text once: a tenant's findings repeat a few fields and messages
 * over its Ingresses (MP102 on each with the same annotation). */
static int pack_warnings(conv_entry *e)
{
    hmap at = {0};
    size_t len = 0;
    for (size_t i = 0; i < e->w.len; i++) {
        const mp_warning *w = &e->w.items[i];
        const char *str[3] = {w->object ? w->object : "", w->field ? w->field : "", w->message};
        for (int k = 0; k < 3; k++) {
            if (hmap_get(&at, str[k]) >= 0)
                continue;
            if (hmap_put(&at, str[k], len) < 0) {
                hmap_free(&at);
                return -1;
            }
            len += strlen(str[k]) + 1;
        }
    }
    char *b = e->wblock = malloc(len ? len : 1);
    for (size_t i = 0; b && i < e->w.len; i++) {
        mp_warning *w = &e->w.items[i];
        char **str[3] = {&w->object, &w->field, &w->message};
        for (int k = 0; k < 3; k++) {
            const char *t = *str[k] ? *str[k] : "";
            char *d = b + hmap_get(&at, t);
            if (d != t)
                memcpy(d, t, strlen(t) + 1); /* the same text twice: the same bytes */
            *str[k] = d;
        }
    }
    hmap_free(&at);
    if (!b)
        e->w.len = 0; /* the plan's strings: not to be freed nor kept */
    return b ? 0 : -1;
}

/* Tenant ns's objects of plan pl (taken out: the rest of pl goes when the
 * caller frees it) and the findings the set needs into e. */
static int take_plan(conv_entry *e, convert_plan *pl, const char *ns)
{
    size_t n = convert_plan_len(pl), nw = convert_plan_nwarn(pl);
    if (!(e->objs = calloc(n ? n : 1, sizeof *e->objs)) || !(e->cluster = calloc(nw ? nw : 1, 1)))
        return -1;
    for (size_t i = 0; i < n; i++) {
        const doc_node *g = convert_plan_obj(pl, i);
        const char *gns = g ? kobj_namespace(g) : NULL;
        if (gns && !strcmp(gns, ns)) {
            e->objs[e->nobjs].doc = convert_plan_take_obj(pl, i);
            if (strip_obj(&e->objs[e->nobjs++]) < 0)
                return -1;
        }
    }
    if (!(e->w.items = calloc(nw ? nw : 1, sizeof *e->w.items)))
        return -1;
    for (size_t i = 0; i < nw; i++) {
        const mp_warning *w = convert_plan_warn(pl, i);
        bool cluster;
        if ((warn_in(w, ns, &cluster) || cluster) && !lint_conv_note(w)) {
            e->cluster[e->w.len] = cluster;
            e->w.items[e->w.len++] = *w; /* the plan's strings until pack_warnings */
        }
    }
    e->w.cap = nw;
    return pack_warnings(e);
}

/* Converts tenant ns into e. */
static int convert_into(ui *u, lint_console *lc, size_t k, const lint_policy *p, conv_entry *e)
{
    docs in = {0};
    conversion_input(u, lc, k, &in);
    if (in.oom) {
        free(in.v);
        return mp_errf(&lc->err, "out of memory");
    }
    convert_opts o;
    lint_policy_convert_opts(p, &o);
    o.skip_invalid = true; /* a bad Ingress is a finding (MP404), not the end */
    convert_plan *pl = convert_run(in.v, in.n, &o, &lc->err);
    free(in.v);
    if (!pl)
        return -1;
    lc->converted++;
    int rc = take_plan(e, pl, e->ns);
    convert_plan_free(pl);
    return rc < 0 ? mp_errf(&lc->err, "out of memory") : 0;
}

/* Tenant k's planned objects and findings into the set, converted again
 * only when its input moved since the cached conversion. */
static int convert_ns(ui *u, lint_console *lc, size_t k, const lint_policy *p)
{
    const char *ns = lc->b[k].v[0]->ns;
    bool own = false;
    for (size_t i = 0; i < lc->b[k].n && !own; i++)
        own = !strcmp(lc->b[k].v[i]->kind, "Ingress");
    for (size_t i = 0; i < lc->st.n && !own; i++) {
        const doc_node *o = lc->st.items[i].obj;
        const char *ons = kobj_namespace(o);
        own = ons && !strcmp(ons, ns) && !strcmp(kobj_kind(o), "Ingress");
    }
    if (!own)
        return 0;
    conv_entry *e = cache_entry(lc, ns);
    if (!e)
        return mp_errf(&lc->err, "out of memory");
    size_t n;
    unsigned long long newest;
    if (ui_tenant_inputs(u, ns, &n, &newest) < 0)
        n = (size_t)-1; /* out of memory: no fingerprint matches */
    if (n == (size_t)-1 || n != e->ninputs || newest != e->newest) {
        entry_clear(e);
        e->ninputs = (size_t)-1;
        if (convert_into(u, lc, k, p, e) < 0)
            return -1;
        e->ninputs = n;
        e->newest = newest;
    }
    e->used = true;
    for (size_t i = 0; i < e->nobjs; i++)
        if ((e->objs[i].json ? lint_set_add_ident(lc->set, e->objs[i].kind, e->ns, e->objs[i].name,
                                                  NULL, LINT_PLANNED, &e->objs[i].at)
                             : lint_set_add(lc->set, e->objs[i].doc, LINT_PLANNED)) < 0)
            return mp_errf(&lc->err, "out of memory");
    for (size_t i = 0; i < e->w.len; i++)
        if ((!e->cluster[i] || !lc->cluster_warned) &&
            lint_set_ref_warnings(lc->set, &e->w.items[i], 1) < 0)
            return mp_errf(&lc->err, "out of memory");
    lc->cluster_warned = true;
    return 0;
}

/* As `meshpanel lint -f` marks a directory: a kind the store holds at all
 * is known in every namespace it names. */
static int mark_known(ui *u, lint_console *lc)
{
    static const char *const kinds[] = {"Service", "Secret", "Gateway"};
    size_t nt;
    const store_tenant *ts = store_tenants(u->store, &nt);
    for (size_t k = 0; k < 3; k++)
        for (size_t i = 0, held = store_count(u->store, kinds[k]) > 0; held && i < nt; i++)
            if (lint_set_mark_known(lc->set, kinds[k], ts[i].ns) < 0)
                return mp_errf(&lc->err, "out of memory");
    return 0;
}

/* The staged objects of namespace ns (every one left when ns is NULL). */
static int add_staged(lint_console *lc, const char *ns)
{
    for (size_t i = 0; i < lc->st.n; i++) {
        const doc_node *o = lc->st.items[i].obj;
        const char *ons = kobj_namespace(o);
        if (lc->st_added[i] || (ns && strcmp(ons ? ons : "", ns) != 0))
            continue;
        lc->st_added[i] = true;
        if (lint_set_add(lc->set, o, LINT_EDITED) < 0)
            return mp_errf(&lc->err, "out of memory");
    }
    return 0;
}

/* Bucket lc->at into the set: live, planned, staged (each replaces its
 * namesake added before). */
static int step_ns(ui *u, lint_console *lc, const lint_policy *p)
{
    size_t k = lc->at;
    bucket *b = &lc->b[k];
    mp_sort(b->v, b->n, sizeof *b->v, cmp_obj);
    for (size_t i = 0; i < b->n; i++)
        if (lint_set_add(lc->set, b->v[i]->doc, LINT_LIVE) < 0)
            return mp_errf(&lc->err, "out of memory");
    if (k == 0 && mark_known(u, lc) < 0)
        return -1;
    if (k > 0 && b->n && convert_ns(u, lc, k, p) < 0)
        return -1;
    if (b->n && add_staged(lc, b->v[0]->ns) < 0)
        return -1;
    lc->item_end[k] = lint_set_len(lc->set);
    lc->warn_end[k] = lint_set_nwarn(lc->set);
    if (++lc->at < lc->nb)
        return 0;
    /* staged objects of namespaces the store does not hold, and the
     * merges' findings: out of namespace order (lint_check_end sorts) */
    if (add_staged(lc, NULL) < 0 ||
        lint_set_add_warnings(lc->set, lc->st.warnings.items, lc->st.warnings.len) < 0)
        return mp_errf(&lc->err, "out of memory");
    cache_prune(lc, true); /* tenants gone */
    lc->ph = PH_PREPARE;
    lc->at = 0;
    return (lc->ctx = lint_prepare_begin(lc->set, p, &lc->err)) ? 0 : -1;
}

/* The cache entry of bucket k's tenant (after the ns phase: every entry
 * left is the run's), NULL when it has none. */
static conv_entry *entry_of(lint_console *lc, size_t k)
{
    if (!k || k >= lc->nb || !lc->b[k].n)
        return NULL;
    size_t at;
    long i = nsvec_find(lc->cache, lc->ncache, sizeof *lc->cache, lc->b[k].v[0]->ns, &at);
    return i < 0 ? NULL : &lc->cache[i];
}

/* The cache entry of namespace ns, NULL when none. */
static conv_entry *entry_ns(lint_console *lc, const char *ns)
{
    size_t at;
    long i = nsvec_find(lc->cache, lc->ncache, sizeof *lc->cache, ns, &at);
    return i < 0 ? NULL : &lc->cache[i];
}

/* The entries one check has filled (fills_end unfills them). */
typedef struct {
    lint_set *set;
    conv_entry **v;
    size_t n, cap;
} fills;

static int fills_add(fills *f, conv_entry *e, mp_err *err)
{
    if (!e || e->full)
        return 0;
    if (f->n == f->cap) {
        size_t cap = f->cap * 2 + 4;
        conv_entry **v = realloc(f->v, cap * sizeof *v);
        if (!v)
            return mp_errf(err, "out of memory");
        f->v = v;
        f->cap = cap;
    }
    f->v[f->n++] = e;
    return entry_fill(f->set, e, err);
}

static void fills_end(fills *f)
{
    for (size_t i = 0; i < f->n; i++)
        entry_unfill(f->set, f->v[i]);
    free(f->v);
}

/* Fills the tenants whose planned Gateways obj, when a VirtualService,
 * names (as lint_ref_ns reads a reference: "ns/name", or a name in obj's
 * namespace). */
static int fill_gateways(lint_console *lc, const doc_node *obj, fills *f, mp_err *err)
{
    const char *kind = kobj_kind(obj), *ons = kobj_namespace(obj);
    const doc_node *gws = doc_getv(obj, "spec", "gateways", NULL);
    if (!kind || strcmp(kind, "VirtualService") != 0 || !doc_is_seq(gws))
        return 0;
    for (size_t i = 0; i < gws->len; i++) {
        const char *ref = doc_str(gws->items[i]), *slash = ref ? strchr(ref, '/') : NULL;
        char ns[256];
        if (!ref || !*ref || !strcmp(ref, "mesh"))
            continue;
        if (slash)
            snprintf(ns, sizeof ns, "%.*s", (int)(slash - ref), ref);
        else
            snprintf(ns, sizeof ns, "%s", ons ? ons : "");
        if (fills_add(f, entry_ns(lc, ns), err) < 0)
            return -1;
    }
    return 0;
}

/* Bucket k's planned objects whole for its check, with the tenants whose
 * Gateways its VirtualServices (live, planned, staged) name. */
static int fill_check(lint_console *lc, size_t k, fills *f)
{
    conv_entry *e = entry_of(lc, k);
    if (fills_add(f, e, &lc->err) < 0)
        return -1;
    const char *ns = k < lc->nb && lc->b[k].n ? lc->b[k].v[0]->ns : NULL;
    for (size_t i = 0; k < lc->nb && i < lc->b[k].n; i++)
        if (fill_gateways(lc, lc->b[k].v[i]->doc, f, &lc->err) < 0)
            return -1;
    for (size_t i = 0; e && i < e->nobjs; i++)
        if (e->objs[i].doc && fill_gateways(lc, e->objs[i].doc, f, &lc->err) < 0)
            return -1;
    for (size_t i = 0; i < lc->st.n; i++) {
        const doc_node *o = lc->st.items[i].obj;
        const char *ons = kobj_namespace(o);
        if ((!ns || !strcmp(ons ? ons : "", ns)) && fill_gateways(lc, o, f, &lc->err) < 0)
            return -1;
    }
    return 0;
}

/* Indexes a tenant's items at once, its planned objects as trees
 * (entry_fill), or PREP_ITEMS of the others. */
static int step_prepare(lint_console *lc)
{
    size_t n = lint_set_len(lc->set), i = lc->prep_done;
    while (lc->at < lc->nb && lc->item_end[lc->at] <= i)
        lc->at++;
    size_t end = lc->at < lc->nb ? lc->item_end[lc->at] : n;
    conv_entry *e = entry_of(lc, lc->at);
    size_t max = end > i ? end - i : 0;
    if (!e && max > PREP_ITEMS)
        max = PREP_ITEMS;
    int r = e ? entry_fill(lc->set, e, &lc->err) : 0;
    if (!r)
        r = lint_prepare_step(lc->ctx, max, &lc->err);
    if (e)
        entry_unfill(lc->set, e);
    lc->prep_done += max;
    if (r > 0) {
        lc->at = 0;
        lc->ph = PH_CHECK;
        if (!(lc->chk = lint_check_begin(lc->ctx)))
            return mp_errf(&lc->err, "out of memory");
    }
    return r < 0 ? -1 : 0;
}

/* One namespace checked; after the last, the rest (staged objects of
 * other namespaces) and the findings taken. */
static int step_check(lint_console *lc)
{
    size_t k = lc->at;
    size_t from = k ? lc->item_end[k - 1] : 0, wfrom = k ? lc->warn_end[k - 1] : 0;
    size_t to = k < lc->nb ? lc->item_end[k] : lint_set_len(lc->set);
    size_t wto = k < lc->nb ? lc->warn_end[k] : lint_set_nwarn(lc->set);
    fills fl = {.set = lc->set};
    int rc = fill_check(lc, k, &fl);
    if (!rc && lint_check_range(lc->chk, from, to, wfrom, wto) < 0)
        rc = mp_errf(&lc->err, "out of memory");
    fills_end(&fl);
    if (rc < 0)
        return -1;
    if (++lc->at <= lc->nb)
        return 0;
    lint_findings *f = lint_check_end(lc->chk, &lc->err);
    lc->chk = NULL;
    if (!f)
        return -1;
    lint_findings_free(lc->findings);
    lc->findings = f;
    lc->ph = PH_DONE;
    lc->dropped = 0;
    return 0;
}

static int step(ui *u, lint_console *lc, const lint_policy *p)
{
    switch (lc->ph) {
    case PH_NONE:
        return begin(u, lc);
    case PH_GATHER:
        return step_gather(u, lc);
    case PH_NS:
        return step_ns(u, lc, p);
    case PH_PREPARE:
        return step_prepare(lc);
    case PH_CHECK:
        return step_check(lc);
    case PH_DONE:
        break;
    }
    return 0;
}

/* Steps until the run is done or budget_ms (< 0: no limit) is spent.
 * Returns 1 when the run completed here, 0 when not, -1 on failure. */
static int work(ui *u, int budget_ms)
{
    lint_console *lc = state(u);
    if (!lc)
        return -1;
    if (lc->ph == PH_DONE)
        return 0;
    if (failed_now(lc, u))
        return -1;
    const lint_policy *p = policy(u, lc);
    long long end = now_ms() + budget_ms;
    int rc = p ? 0 : mp_errf(&lc->err, "out of memory");
    while (!rc && lc->ph != PH_DONE && (budget_ms < 0 || now_ms() < end)) {
        long long t0 = now_us();
        rc = step(u, lc, p);
        long long d = now_us() - t0;
        lc->busy_us += d;
        lc->steps++;
        if (d > lc->max_step_us)
            lc->max_step_us = d;
    }
    if (rc < 0) {
        ui_set_message(u, true, "lint: %s", lc->err.msg);
        drop_run(lc);
        lc->failed = true;
        lc->failed_gen = store_generation(u->store);
        lc->failed_staged = u->staged_gen;
        return -1;
    }
    if (lc->ph == PH_DONE && u->trace) /* docs/benchmarks.md: the steps' cost */
        trace_event(u->trace, "lint",
                    "ms=%lld findings=%zu steps=%zu max_step_us=%lld converted=%zu",
                    lc->busy_us / 1000, lint_findings_len(lc->findings), lc->steps, lc->max_step_us,
                    lc->converted);
    return lc->ph == PH_DONE;
}

int lint_console_update(ui *u)
{
    return work(u, -1);
}

bool lint_console_due(ui *u)
{
    lint_console *lc = state(u);
    if (!lc || !lint_console_stale(u))
        return false;
    /* a run under way goes on; a new one waits for the interval (a busy
     * cluster's watch events must not cause back-to-back runs) */
    return lc->ph != PH_NONE || !lc->findings || now_ms() - lc->started >= LINT_RERUN_MS;
}

int lint_console_idle(ui *u, int budget_ms)
{
    return lint_console_due(u) ? work(u, budget_ms) : 0;
}

bool lint_console_holding(ui *u)
{
    lint_console *lc = u->lint;
    return lc && lc->dropped && lc->ph != PH_NONE && lc->ph != PH_DONE &&
           now_ms() - lc->started < LINT_HOLD_MS;
}

const lint_findings *lint_console_findings(ui *u)
{
    return u->lint ? u->lint->findings : NULL;
}

long lint_console_errors(ui *u, const char *ns)
{
    const lint_findings *f = lint_console_findings(u);
    return f ? (long)lint_findings_count_ns(f, ns, MP_SEV_ERROR) : -1;
}

lint_findings *lint_console_check_object(ui *u, const doc_node *obj, lint_origin origin,
                                         mp_err *err)
{
    lint_console *lc = state(u);
    if (!lc || lc->ph != PH_DONE)
        return NULL;
    fills f = {.set = lc->set};
    lint_findings *r = NULL;
    if (!fill_gateways(lc, obj, &f, err))
        r = lint_check_object(lc->ctx, obj, origin, err);
    fills_end(&f);
    return r;
}

const doc_node *lint_console_planned(ui *u, const char *kind, const char *ns, const char *name)
{
    lint_console *lc = state(u);
    if (!lc || lc->ph != PH_DONE)
        return NULL;
    const doc_node *s = staged(lc, kind, ns, name);
    if (s)
        return s;
    conv_entry *e = entry_ns(lc, ns); /* a tenant's planned objects are in its namespace */
    for (size_t i = 0; e && i < e->nobjs; i++) {
        planned *p = &e->objs[i];
        if (!p->json) {
            if (!strcmp(kobj_kind(p->doc), kind) && !strcmp(kobj_name(p->doc), name))
                return p->doc;
            continue;
        }
        if (strcmp(p->kind, kind) != 0 || strcmp(p->name, name) != 0)
            continue;
        doc_list l;
        doc_list_init(&l);
        mp_err err;
        if (doc_parse_json(p->json, strlen(p->json), "lint", &l, &err) < 0 || l.len != 1) {
            doc_list_free(&l);
            return NULL;
        }
        doc_free(lc->view);
        lc->view = doc_list_take(&l, 0);
        doc_list_free(&l);
        return lc->view;
    }
    return NULL;
}
