/*
 * migrate_read.c - the session's snapshot: the cluster read once, every
 * Ingress meshpanel knows with its state, the conversion, the tenants of
 * the wave (see migrate.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/kinds.h"
#include "api/migrate_int.h"
#include "model/kobj.h"
#include "model/migbackup.h"
#include "model/migwave.h"
#include "model/sort.h"

/* ---- listing ---- */

static int put_item(doc_node *item, void *ud, mp_err *err)
{
    return store_put(ud, item, err) < 0 ? -1 : 0;
}

static bool forbidden(mig_session *s)
{
    long st = khttp_last_status(kclient_http(s->c));
    return st == 403 || st == 401;
}

static int list_in(mig_session *s, const kkind *k, const char *ns, mp_err *err)
{
    klist_opts lo = {.ns = ns};
    return kclient_list(s->c, k, &lo, put_item, s->st, NULL, err);
}

/* A tenant whose namespace cannot be read: it fails, the others go on. */
static void deny(mig_session *s, const char *ns, const char *msg)
{
    for (size_t i = 0; i < s->ndenied; i++)
        if (!strncmp(s->denied[i], ns, strlen(ns)) && s->denied[i][strlen(ns)] == 0x1f)
            return;
    char **v = realloc(s->denied, (s->ndenied + 1) * sizeof *v);
    size_t n = strlen(ns) + strlen(msg) + 2;
    char *d = malloc(n);
    if (!v || !d) {
        free(d);
        if (v)
            s->denied = v;
        return;
    }
    snprintf(d, n, "%s\x1f%s", ns, msg);
    s->denied = v;
    v[s->ndenied++] = d;
}

/* A namespaced kind across namespaces, or in each selected one when that
 * is forbidden (a tenant's token). */
static int list_namespaced(mig_session *s, const kkind *k, mp_err *err)
{
    if (!s->restricted) {
        if (list_in(s, k, NULL, err) == 0)
            return 0;
        if (!forbidden(s))
            return -1;
        if (!s->o.ntenants)
            return mp_err_prefix(err, "cannot list across namespaces: name the tenants with -n");
        s->restricted = true;
        mig_note(s,
                 "these credentials cannot list across namespaces: only %zu named "
                 "namespace(s) read; hosts other namespaces share are not seen",
                 s->o.ntenants);
    }
    for (size_t i = 0; i < s->o.ntenants; i++) {
        mp_err e;
        if (list_in(s, k, s->o.tenants[i], &e) < 0) {
            if (!forbidden(s))
                return mp_errf(err, "%s", e.msg);
            deny(s, s->o.tenants[i], e.msg); /* that tenant fails on its own */
        }
    }
    return 0;
}

/* Cluster-scoped kinds a tenant cannot read: go on without them. */
static int list_cluster(mig_session *s, const kkind *k, mp_err *err)
{
    mp_err e;
    if (list_in(s, k, NULL, &e) == 0)
        return 0;
    if (!forbidden(s))
        return mp_errf(err, "%s", e.msg);
    mig_note(s, "%s", e.msg);
    return 0;
}

/* Secrets (metadata only): where the gateway reads certificates. */
static int list_secrets(mig_session *s, const kkind *k, mp_err *err)
{
    mp_err e;
    if (!s->restricted && list_in(s, k, NULL, &e) == 0) {
        s->secrets_gw = true;
        return 0;
    }
    if (!s->restricted && !forbidden(s))
        return mp_errf(err, "%s", e.msg);
    if (list_in(s, k, s->o.conv.gateway_namespace, &e) == 0)
        s->secrets_gw = true;
    else
        mig_note(s, "certificates cannot be checked: %s", e.msg);
    for (size_t i = 0; i < s->o.ntenants; i++)
        list_in(s, k, s->o.tenants[i], &e); /* only shown by plan */
    return 0;
}

int mig_read_cluster(mig_session *s, mp_err *err)
{
    static const char *const cluster_kinds[] = {"Namespace", "IngressClass"};
    static const char *const ns_kinds[] = {"Ingress",         "Service",
                                           "Gateway",         "VirtualService",
                                           "DestinationRule", "AuthorizationPolicy"};
    for (size_t i = 0; i < sizeof ns_kinds / sizeof *ns_kinds; i++)
        if (list_namespaced(s, kkind_lookup(ns_kinds[i]), err) < 0)
            return -1;
    for (size_t i = 0; i < sizeof cluster_kinds / sizeof *cluster_kinds; i++)
        if (list_cluster(s, kkind_lookup(cluster_kinds[i]), err) < 0)
            return -1;
    return list_secrets(s, kkind_lookup("Secret"), err);
}

/* ---- entries ---- */

static ing_entry *add_entry(mig_session *s, const char *ns, const char *name, size_t *cap)
{
    if (s->nents == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        ing_entry *v = realloc(s->ents, c * sizeof *v);
        if (!v)
            return NULL;
        s->ents = v;
        *cap = c;
    }
    ing_entry *e = &s->ents[s->nents];
    memset(e, 0, sizeof *e);
    if (!(e->ns = strdup(ns)) || !(e->name = strdup(name))) {
        free(e->ns);
        free(e->name);
        return NULL;
    }
    s->nents++;
    return e;
}

static int index_entries(mig_session *s)
{
    hmap_free(&s->ent_idx);
    for (size_t i = 0; i < s->nents; i++) {
        char key[520];
        hmap_key2(key, sizeof key, s->ents[i].ns, s->ents[i].name);
        if (hmap_put(&s->ent_idx, key, i) < 0)
            return -1;
    }
    return 0;
}

static int live_entries(mig_session *s, size_t *cap, mp_err *err)
{
    const store_obj **ings;
    size_t n = store_list(s->st, "Ingress", NULL, &ings);
    if (n == (size_t)-1)
        return mp_errf(err, "out of memory");
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        ing_entry *e = add_entry(s, ings[i]->ns, ings[i]->name, cap);
        if (!e || !(e->original = mig_original(ings[i]->doc, mig_disabled(s), err)))
            rc = e ? -1 : mp_errf(err, "out of memory");
    }
    free(ings);
    return rc ? rc : index_entries(s) < 0 ? mp_errf(err, "out of memory") : 0;
}

/* The Ingresses a VirtualService of meshpanel holds: live ones are marked
 * backed up, gone ones become retired entries with their backup. */
static int backup_entries(mig_session *s, const doc_node *vs, size_t *cap)
{
    const char *val = kobj_annotation(vs, MIG_ANN_BACKUP);
    if (!val)
        return 0;
    doc_list l;
    doc_list_init(&l);
    mp_err e;
    char ref[300];
    if (mig_backup_decode(val, &l, &e) < 0) {
        mig_note(s, "%s: %s", kobj_ref(vs, ref, sizeof ref), e.msg);
        doc_list_free(&l);
        return 0;
    }
    int rc = 0;
    for (size_t i = 0; i < l.len && !rc; i++) {
        const char *ns = kobj_namespace(l.docs[i]), *name = kobj_name(l.docs[i]);
        if (!mig_names(vs, ns, name))
            continue; /* a backup may only speak for the object's own sources */
        ing_entry *x = mig_entry(s, ns, name);
        if (!x) {
            if (!(x = add_entry(s, ns, name, cap))) {
                rc = -1;
                break;
            }
            x->original = doc_list_take(&l, i);
            char key[520];
            hmap_key2(key, sizeof key, ns, name);
            rc = hmap_put(&s->ent_idx, key, s->nents - 1);
        }
        x->backed_up = true;
    }
    doc_list_free(&l);
    return rc;
}

static int count_object(const char *ns, const char *name, void *ud)
{
    mig_session *s = ud;
    ing_entry *e = mig_entry(s, ns, name);
    if (e)
        e->nobjects++;
    return 0;
}

static const char *const istio_kinds[] = {"Gateway", "VirtualService", "DestinationRule",
                                          "AuthorizationPolicy"};

static int object_entries(mig_session *s, size_t *cap, mp_err *err)
{
    for (size_t k = 0; k < sizeof istio_kinds / sizeof *istio_kinds; k++) {
        const store_obj **objs;
        size_t n = store_list(s->st, istio_kinds[k], NULL, &objs);
        if (n == (size_t)-1)
            return mp_errf(err, "out of memory");
        int rc = 0;
        for (size_t i = 0; i < n && !rc; i++)
            if (mig_made_by_us(objs[i]->doc) && !strcmp(istio_kinds[k], "VirtualService"))
                rc = backup_entries(s, objs[i]->doc, cap);
        for (size_t i = 0; i < n && !rc; i++)
            if (mig_made_by_us(objs[i]->doc))
                mig_each_source(objs[i]->doc, count_object, s);
        free(objs);
        if (rc)
            return mp_errf(err, "out of memory");
    }
    return 0;
}

static int cmp_entry(const void *a, const void *b)
{
    const ing_entry *x = a, *y = b;
    int r = strcmp(x->ns, y->ns);
    return r ? r : strcmp(x->name, y->name);
}

/* ---- conversion ---- */

static int push_doc(doc_node ***v, size_t *n, size_t *cap, const doc_node *d)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 256;
        doc_node **x = realloc(*v, c * sizeof *x);
        if (!x)
            return -1;
        *v = x;
        *cap = c;
    }
    (*v)[(*n)++] = (doc_node *)d;
    return 0;
}

static int add_kind(mig_session *s, const char *kind, doc_node ***v, size_t *n, size_t *cap)
{
    const store_obj **objs;
    size_t m = store_list(s->st, kind, NULL, &objs);
    if (m == (size_t)-1)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < m && !rc; i++)
        rc = push_doc(v, n, cap, objs[i]->doc);
    free(objs);
    return rc;
}

typedef struct {
    mig_session *s;
    doc_node **v;
    size_t n, cap;
} src_docs;

static int add_original(const char *ns, const char *name, void *ud)
{
    src_docs *d = ud;
    ing_entry *e = mig_entry(d->s, ns, name);
    if (e) {
        e->converted = true;
        if (push_doc(&d->v, &d->n, &d->cap, e->original) < 0)
            return -1;
    }
    return 0;
}

/* Every generated VirtualService carries its sources as they were. */
static int attach_backups(mig_session *s, mp_err *err)
{
    src_docs d = {.s = s};
    int rc = 0;
    for (size_t i = 0; i < convert_plan_len(s->plan) && !rc; i++) {
        doc_node *o = (doc_node *)convert_plan_obj(s->plan, i);
        d.n = 0;
        if (!o || mig_each_source(o, add_original, &d) < 0) {
            rc = mp_errf(err, "out of memory");
            break;
        }
        const char *kind = kobj_kind(o);
        if (!d.n || !kind || strcmp(kind, "VirtualService"))
            continue;
        char *val = mig_backup_encode(d.v, d.n, err);
        if (!val || kobj_set_annotation(o, MIG_ANN_BACKUP, val) < 0)
            rc = val ? mp_errf(err, "out of memory") : -1;
        free(val);
    }
    free(d.v);
    return rc;
}

static int convert_all(mig_session *s, mp_err *err)
{
    doc_node **in = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    for (size_t i = 0; i < s->nents && !rc; i++)
        rc = push_doc(&in, &n, &cap, s->ents[i].original);
    if (!rc)
        rc = add_kind(s, "Service", &in, &n, &cap);
    if (!rc)
        rc = add_kind(s, "IngressClass", &in, &n, &cap);
    if (rc) {
        free(in);
        return mp_errf(err, "out of memory");
    }
    s->plan = convert_run(in, n, &s->o.conv, err);
    if (s->plan && s->o.overlay) {
        /* OV_LIVE edits merge with the live object of their identity */
        for (size_t k = 0; k < sizeof istio_kinds / sizeof *istio_kinds && !rc; k++)
            rc = add_kind(s, istio_kinds[k], &in, &n, &cap);
        if (rc || overlay_apply_plan(s->o.overlay, s->plan, in, n, err) < 0)
            rc = rc ? mp_errf(err, "out of memory") : -1;
    }
    free(in);
    if (!s->plan || rc)
        return -1;
    return attach_backups(s, err);
}

/* ---- tenants ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool named(const mig_session *s, const char *ns)
{
    for (size_t i = 0; i < s->o.ntenants; i++)
        if (!strcmp(s->o.tenants[i], ns))
            return true;
    return false;
}

/* Namespaces whose Namespace object matches -l (asked of the server). */
static int selector_names(mig_session *s, char ***out, size_t *n, mp_err *err)
{
    mp_store *tmp = store_new();
    klist_opts lo = {.selector = s->o.selector};
    *out = NULL;
    *n = 0;
    if (!tmp)
        return mp_errf(err, "out of memory");
    int rc = kclient_list(s->c, kkind_lookup("Namespace"), &lo, put_item, tmp, NULL, err);
    const store_obj **v = NULL;
    size_t m = rc ? 0 : store_list(tmp, "Namespace", NULL, &v);
    if (!rc && m == (size_t)-1)
        rc = mp_errf(err, "out of memory");
    if (!rc && m && !(*out = calloc(m, sizeof **out)))
        rc = mp_errf(err, "out of memory");
    for (size_t i = 0; !rc && i < m; i++)
        if (!((*out)[(*n)++] = strdup(v[i]->name)))
            rc = mp_errf(err, "out of memory");
    free(v);
    store_free(tmp);
    return rc;
}

static bool in_list(char **v, size_t n, const char *ns)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], ns))
            return true;
    return false;
}

typedef struct {
    const char **v;
    size_t n, cap;
} str_vec;

static int str_push(str_vec *v, const char *s)
{
    if (v->n == v->cap) {
        size_t c = v->cap ? v->cap * 2 : 64;
        const char **x = realloc(v->v, c * sizeof *x);
        if (!x)
            return -1;
        v->v = x;
        v->cap = c;
    }
    v->v[v->n++] = s;
    return 0;
}

/* The namespaces the step could concern: of every known Ingress, or
 * named with -n. */
static int candidate_names(mig_session *s, str_vec *out)
{
    for (size_t i = 0; i < s->o.ntenants; i++)
        if (str_push(out, s->o.tenants[i]) < 0)
            return -1;
    for (size_t i = 0; !s->o.ntenants && i < s->nents; i++)
        if ((!out->n || strcmp(out->v[out->n - 1], s->ents[i].ns)) &&
            str_push(out, s->ents[i].ns) < 0)
            return -1;
    mp_sort(out->v, out->n, sizeof *out->v, cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < out->n; i++)
        if (!u || strcmp(out->v[u - 1], out->v[i]))
            out->v[u++] = out->v[i];
    out->n = u;
    return 0;
}

static int add_tenant(mig_session *s, const char *ns, size_t *cap)
{
    if (s->nt == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        tenant_slot *v = realloc(s->t, c * sizeof *v);
        if (!v)
            return -1;
        s->t = v;
        *cap = c;
    }
    tenant_slot *t = &s->t[s->nt++];
    memset(t, 0, sizeof *t);
    snprintf(t->res.ns, sizeof t->res.ns, "%s", ns);
    size_t nl = strlen(ns);
    for (size_t i = 0; i < s->ndenied && !t->denied; i++)
        if (!strncmp(s->denied[i], ns, nl) && s->denied[i][nl] == 0x1f)
            t->denied = s->denied[i] + nl + 1; /* borrowed from the session */
    /* entries are sorted by namespace: the tenant's are one run */
    size_t lo = 0, hi = s->nents;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(s->ents[mid].ns, ns) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    t->lo = t->hi = lo;
    while (t->hi < s->nents && !strcmp(s->ents[t->hi].ns, ns))
        t->hi++;
    t->res.ningresses = t->hi - t->lo;
    return 0;
}

static int select_tenants(mig_session *s, mp_err *err)
{
    char **sel = NULL;
    size_t nsel = 0, cap = 0;
    if (s->o.selector && selector_names(s, &sel, &nsel, err) < 0)
        return -1;
    str_vec names = {0};
    int rc = candidate_names(s, &names) < 0 ? mp_errf(err, "out of memory") : 0;
    for (size_t i = 0; !rc && i < names.n; i++) {
        const char *ns = names.v[i];
        if (s->o.ntenants && !named(s, ns))
            continue;
        if (s->o.selector && !in_list(sel, nsel, ns))
            continue;
        if (s->o.wave_bp && !mig_wave_has(ns, s->o.wave_bp))
            continue;
        if (add_tenant(s, ns, &cap) < 0)
            rc = mp_errf(err, "out of memory");
    }
    free(names.v);
    for (size_t i = 0; i < nsel; i++)
        free(sel[i]);
    free(sel);
    return rc;
}

tenant_slot *mig_find_tenant(mig_session *s, const char *ns)
{
    size_t lo = 0, hi = s->nt;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int r = strcmp(s->t[mid].res.ns, ns);
        if (!r)
            return &s->t[mid];
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

typedef struct {
    mig_session *s;
    size_t idx;            /* plan index, or (size_t)-1 for a live object */
    const store_obj *live; /* the live object */
    tenant_slot *last;     /* not twice into the same tenant */
    int rc;
} src_walk;

static int into_tenant(const char *ns, const char *name, void *ud)
{
    (void)name;
    src_walk *w = ud;
    tenant_slot *t = mig_find_tenant(w->s, ns);
    if (!t || t == w->last)
        return 0;
    w->last = t;
    if (w->live)
        w->rc = id_push(&t->live, w->live->kind, w->live->ns, w->live->name);
    else
        w->rc = idx_push(&t->gen, w->idx);
    return w->rc;
}

/* Each tenant's generated objects and live objects of meshpanel. */
static int tenant_objects(mig_session *s, mp_err *err)
{
    for (size_t i = 0; i < convert_plan_len(s->plan); i++) {
        src_walk w = {.s = s, .idx = i};
        const doc_node *o = convert_plan_obj(s->plan, i);
        if (o && mig_each_source(o, into_tenant, &w) < 0)
            return mp_errf(err, "out of memory");
    }
    for (size_t k = 0; k < sizeof istio_kinds / sizeof *istio_kinds; k++) {
        const store_obj **objs;
        size_t n = store_list(s->st, istio_kinds[k], NULL, &objs);
        if (n == (size_t)-1)
            return mp_errf(err, "out of memory");
        int rc = 0;
        for (size_t i = 0; i < n && !rc; i++) {
            src_walk w = {.s = s, .live = objs[i]};
            if (mig_made_by_us(objs[i]->doc))
                rc = mig_each_source(objs[i]->doc, into_tenant, &w);
        }
        free(objs);
        if (rc)
            return mp_errf(err, "out of memory");
    }
    return 0;
}

int mig_build(mig_session *s, mp_err *err)
{
    size_t cap = 0;
    if (live_entries(s, &cap, err) < 0 || object_entries(s, &cap, err) < 0)
        return -1;
    mp_sort(s->ents, s->nents, sizeof *s->ents, cmp_entry);
    if (index_entries(s) < 0)
        return mp_errf(err, "out of memory");
    if (convert_all(s, err) < 0 || select_tenants(s, err) < 0 || tenant_objects(s, err) < 0)
        return -1;
    for (size_t i = 0; i < s->nt; i++) {
        mig_reread(s, &s->t[i], false);
        t_state(s, &s->t[i], s->t[i].res.state_before, sizeof s->t[i].res.state_before);
    }
    return 0;
}
