/*
 * migrate.c - the migration session and what its steps share (see
 * migrate.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/backup.h"
#include "api/kinds.h"
#include "api/migrate_int.h"
#include "model/kobj.h"
#include "model/mergepatch.h"

const char *mig_step_name(mig_step s)
{
    static const char *const names[] = {
        [MIG_PLAN] = "plan",       [MIG_APPLY] = "apply",   [MIG_VERIFY] = "verify",
        [MIG_CUTOVER] = "cutover", [MIG_RETIRE] = "retire", [MIG_ROLLBACK] = "rollback"};
    return (unsigned)s <= MIG_ROLLBACK ? names[s] : "?";
}

bool mig_step_mutates(mig_step s)
{
    return s == MIG_APPLY || s == MIG_CUTOVER || s == MIG_RETIRE || s == MIG_ROLLBACK;
}

const char *mig_tstatus_name(mig_tstatus s)
{
    static const char *const names[] = {[MIG_T_PENDING] = "pending",
                                        [MIG_T_DONE] = "done",
                                        [MIG_T_UNCHANGED] = "unchanged",
                                        [MIG_T_FINDINGS] = "findings",
                                        [MIG_T_FAILED] = "failed"};
    return (unsigned)s <= MIG_T_FAILED ? names[s] : "?";
}

/* ---- small helpers ---- */

void mig_note(mig_session *s, const char *fmt, ...)
{
    char buf[MP_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **v = realloc(s->notes, (s->nnotes + 1) * sizeof *v);
    if (!v)
        return;
    s->notes = v;
    if ((v[s->nnotes] = strdup(buf)))
        s->nnotes++;
}

ing_entry *mig_entry(mig_session *s, const char *ns, const char *name)
{
    char key[520];
    hmap_key2(key, sizeof key, ns, name);
    long i = hmap_get(&s->ent_idx, key);
    return i < 0 ? NULL : &s->ents[i];
}

const doc_node *mig_live(mig_session *s, const char *kind, const char *ns, const char *name)
{
    const store_obj *o = store_get(s->st, kind, ns ? ns : "", name);
    return o ? o->doc : NULL;
}

int idx_push(idx_vec *v, size_t i)
{
    if (v->n == v->cap) {
        size_t c = v->cap ? v->cap * 2 : 8;
        size_t *x = realloc(v->v, c * sizeof *x);
        if (!x)
            return -1;
        v->v = x;
        v->cap = c;
    }
    v->v[v->n++] = i;
    return 0;
}

int id_push(id_vec *v, const char *kind, const char *ns, const char *name)
{
    if (v->n == v->cap) {
        size_t c = v->cap ? v->cap * 2 : 8;
        obj_id *x = realloc(v->v, c * sizeof *x);
        if (!x)
            return -1;
        v->v = x;
        v->cap = c;
    }
    obj_id *o = &v->v[v->n];
    o->kind = strdup(kind);
    o->ns = strdup(ns ? ns : "");
    o->name = strdup(name);
    if (!o->kind || !o->ns || !o->name) {
        free(o->kind);
        free(o->ns);
        free(o->name);
        return -1;
    }
    v->n++;
    return 0;
}

void id_vec_free(id_vec *v)
{
    for (size_t i = 0; i < v->n; i++) {
        free(v->v[i].kind);
        free(v->v[i].ns);
        free(v->v[i].name);
    }
    free(v->v);
    memset(v, 0, sizeof *v);
}

void t_set(tenant_slot *t, mig_tstatus st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    t->res.status = st;
    vsnprintf(t->res.msg, sizeof t->res.msg, fmt, ap);
    va_end(ap);
}

void t_detail(tenant_slot *t, strbuf *sb)
{
    if (!sb->len) {
        strbuf_free(sb);
        return;
    }
    char *text = strbuf_detach(sb, NULL);
    if (!t->res.detail) {
        t->res.detail = text;
        return;
    }
    size_t a = strlen(t->res.detail), b = strlen(text);
    char *both = realloc(t->res.detail, a + b + 1);
    if (both) {
        memcpy(both + a, text, b + 1);
        t->res.detail = both;
    }
    free(text);
}

const char *mig_disabled(const mig_session *s)
{
    return s->o.disabled_class ? s->o.disabled_class : MIG_DEFAULT_DISABLED_CLASS;
}

char *mig_now_text(const mig_session *s, char *buf, size_t n)
{
    struct tm tm;
    gmtime_r(&s->o.now, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

typedef struct {
    mig_session *s;
    const tenant_slot *t;
} count_ctx;

static int count_if_ours(const char *ns, const char *name, void *ud)
{
    count_ctx *c = ud;
    ing_entry *e = mig_entry(c->s, ns, name);
    size_t i = e ? (size_t)(e - c->s->ents) : 0;
    if (e && i >= c->t->lo && i < c->t->hi)
        e->nobjects++;
    return 0;
}

/* Counts obj (kind/ns/name, when live and meshpanel's, in t's namespace or
 * the gateway's) once for each Ingress of t it names; seen[] holds what was
 * counted. */
static void count_obj(mig_session *s, tenant_slot *t, const char *kind, const char *ns,
                      const char *name, const doc_node **seen, size_t *nseen)
{
    const char *gwns = s->o.conv.gateway_namespace;
    if (!kind || !ns || !name || (strcmp(ns, s->ents[t->lo].ns) && (!gwns || strcmp(ns, gwns))))
        return;
    const doc_node *o = mig_live(s, kind, ns, name);
    if (!o || !mig_made_by_us(o))
        return;
    for (size_t i = 0; i < *nseen; i++)
        if (seen[i] == o)
            return;
    seen[(*nseen)++] = o;
    count_ctx c = {s, t};
    mig_each_source(o, count_if_ours, &c);
}

/* The objects of meshpanel naming each Ingress of t, from t's namespace and
 * the gateway's. Only the objects the session knew for t (t->live) and the
 * ones generated for it (t->gen) can name its Ingresses, so they are looked
 * up one by one: listing the store per tenant made a wave of a thousand
 * tenants quadratic. */
static void recount(mig_session *s, tenant_slot *t)
{
    if (t->lo == t->hi)
        return;
    const doc_node **seen = calloc(t->live.n + t->gen.n + 1, sizeof *seen);
    size_t nseen = 0;
    if (!seen)
        return; /* out of memory: the counts stay as they were */
    for (size_t i = t->lo; i < t->hi; i++)
        s->ents[i].nobjects = 0;
    for (size_t i = 0; i < t->live.n; i++)
        count_obj(s, t, t->live.v[i].kind, t->live.v[i].ns, t->live.v[i].name, seen, &nseen);
    for (size_t i = 0; i < t->gen.n; i++) {
        const doc_node *o = convert_plan_obj(s->plan, t->gen.v[i]);
        if (o)
            count_obj(s, t, kobj_kind(o), kobj_namespace(o), kobj_name(o), seen, &nseen);
    }
    free(seen);
}

void mig_reread(mig_session *s, tenant_slot *t, bool again)
{
    if (again)
        recount(s, t);
    for (size_t i = t->lo; i < t->hi; i++) {
        ing_entry *e = &s->ents[i];
        mig_read(mig_live(s, "Ingress", e->ns, e->name), e->backed_up, e->nobjects, mig_disabled(s),
                 &e->r);
    }
}

void t_state(mig_session *s, tenant_slot *t, char *out, size_t n)
{
    mig_reading *r = calloc(t->hi - t->lo + 1, sizeof *r);
    for (size_t i = t->lo; r && i < t->hi; i++)
        r[i - t->lo] = s->ents[i].r;
    snprintf(out, n, "%s", r ? mig_tenant_state(r, t->hi - t->lo) : "?");
    free(r);
}

void mig_store_put(mig_session *s, doc_node *obj)
{
    if (obj)
        store_put(s->st, obj, NULL);
}

/* A 409 on a write with preconditions: someone changed the object. */
static int conflict_msg(mig_session *s, const doc_node *live, mp_err *err)
{
    if (khttp_last_status(kclient_http(s->c)) != 409)
        return -1;
    char ref[300];
    return mp_errf(err,
                   "%s changed since it was read (409 Conflict): not written; run the step "
                   "again",
                   kobj_ref(live, ref, sizeof ref));
}

int mig_patch(mig_session *s, const doc_node *live, const doc_node *want, mp_err *err)
{
    doc_node *patch = merge_patch_diff(live, want);
    if (!patch)
        return mp_errf(err, "out of memory");
    if (!patch->len) {
        doc_free(patch);
        return 0;
    }
    doc_node *meta = doc_map_ensure(patch, "metadata", DOC_MAP);
    const char *rv = kobj_resource_version(live);
    if (!meta || !rv || doc_map_set_str(meta, "resourceVersion", rv) < 0) {
        doc_free(patch);
        return mp_errf(err, "%s", rv ? "out of memory" : "the object has no resourceVersion");
    }
    const kkind *k = kkind_for_object(kobj_api_version(live), kobj_kind(live));
    doc_node *out = NULL;
    int rc = k ? kclient_merge_patch(s->c, k, kobj_namespace(live), kobj_name(live), patch, NULL,
                                     &out, err)
               : mp_errf(err, "not a kind meshpanel writes");
    doc_free(patch);
    if (rc < 0) {
        conflict_msg(s, live, err);
        return -1;
    }
    mig_store_put(s, out);
    return 1;
}

int mig_delete(mig_session *s, const doc_node *live, mp_err *err)
{
    const kkind *k = kkind_for_object(kobj_api_version(live), kobj_kind(live));
    char ref[300];
    if (!k)
        return mp_errf(err, "%s: not a kind meshpanel deletes", kobj_ref(live, ref, sizeof ref));
    /* the store's copy is freed by store_delete: keep the identity */
    char kind[64], ns[254], name[254];
    snprintf(kind, sizeof kind, "%s", kobj_kind(live));
    snprintf(ns, sizeof ns, "%s", kobj_namespace(live) ? kobj_namespace(live) : "");
    snprintf(name, sizeof name, "%s", kobj_name(live));
    if (kclient_delete(s->c, k, ns, name, kobj_uid(live), kobj_resource_version(live), NULL, err) <
        0) {
        if (khttp_last_status(kclient_http(s->c)) == 404)
            return 0; /* gone already: what we wanted */
        conflict_msg(s, live, err);
        return -1;
    }
    store_delete(s->st, kind, ns, name);
    if (!strcmp(kind, "VirtualService"))
        mig_vs_index_free(s);
    return 0;
}

int mig_backup(mig_session *s, const ing_entry *e, doc_node *const *extra, size_t nextra,
               const char *step, mp_err *err)
{
    const doc_node *live = mig_live(s, "Ingress", e->ns, e->name);
    return backup_write(s->o.backup_root, live ? live : e->original, extra, nextra, step, s->o.now,
                        NULL, 0, err);
}

/* ---- the session ---- */

mig_session *mig_open(kclient *c, const mig_opts *o, mp_err *err)
{
    mig_session *s = calloc(1, sizeof *s);
    if (!s || !(s->st = store_new())) {
        free(s);
        mp_errf(err, "out of memory");
        return NULL;
    }
    s->c = c;
    s->o = *o;
    s->o.conv.skip_invalid = true; /* the console's conversion: one bad Ingress is a finding */
    if (mig_read_cluster(s, err) < 0 || mig_build(s, err) < 0) {
        mig_close(s);
        return NULL;
    }
    return s;
}

void mig_close(mig_session *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nents; i++) {
        free(s->ents[i].ns);
        free(s->ents[i].name);
        doc_free(s->ents[i].original);
    }
    free(s->ents);
    hmap_free(&s->ent_idx);
    for (size_t i = 0; i < s->nt; i++) {
        free(s->t[i].gen.v);
        id_vec_free(&s->t[i].live);
        free(s->t[i].res.detail);
    }
    free(s->t);
    for (size_t i = 0; i < s->nnotes; i++)
        free(s->notes[i]);
    free(s->notes);
    for (size_t i = 0; i < s->ndenied; i++)
        free(s->denied[i]);
    free(s->denied);
    convert_plan_free(s->plan);
    mig_vs_index_free(s);
    store_free(s->st);
    free(s);
}

size_t mig_ntenants(const mig_session *s)
{
    return s->nt;
}

const mig_tenant *mig_tenant_at(const mig_session *s, size_t i)
{
    return i < s->nt ? &s->t[i].res : NULL;
}

const char *mig_note_at(const mig_session *s, size_t i)
{
    return i < s->nnotes ? s->notes[i] : NULL;
}

typedef void (*tenant_fn)(mig_session *s, tenant_slot *t, bool preview);

static void plan_tenant(mig_session *s, tenant_slot *t, bool preview)
{
    (void)preview;
    mig_apply_tenant(s, t, true, true);
}

static void apply_tenant(mig_session *s, tenant_slot *t, bool preview)
{
    mig_apply_tenant(s, t, preview, false);
}

static tenant_fn step_fn(mig_step step)
{
    static const tenant_fn fns[] = {
        [MIG_PLAN] = plan_tenant,         [MIG_APPLY] = apply_tenant,
        [MIG_VERIFY] = mig_verify_tenant, [MIG_CUTOVER] = mig_cutover_tenant,
        [MIG_RETIRE] = mig_retire_tenant, [MIG_ROLLBACK] = mig_rollback_tenant};
    return (unsigned)step <= MIG_ROLLBACK ? fns[step] : NULL;
}

static void reset_result(tenant_slot *t)
{
    t->res.status = MIG_T_PENDING;
    t->res.msg[0] = 0;
    t->res.nwrites = 0;
}

int mig_preview(mig_session *s, mig_step step, mp_err *err)
{
    tenant_fn fn = step_fn(step);
    if (!fn)
        return mp_errf(err, "unknown step");
    for (size_t i = 0; i < s->nt; i++) {
        reset_result(&s->t[i]);
        free(s->t[i].res.detail);
        s->t[i].res.detail = NULL;
        if (s->t[i].denied)
            t_set(&s->t[i], MIG_T_FAILED, "%s", s->t[i].denied);
        else
            fn(s, &s->t[i], true);
    }
    return 0;
}

int mig_run(mig_session *s, mig_step step, bool keep_going, mig_progress_fn fn, void *ud,
            mp_err *err)
{
    tenant_fn tf = step_fn(step);
    if (!tf || step == MIG_PLAN)
        return mp_errf(err, "%s only previews", mig_step_name(step));
    if (s->o.dry_run)
        return mp_errf(err, "a dry run writes nothing");
    if (mig_step_mutates(step) && backup_check(s->o.backup_root, err) < 0)
        return mp_err_prefix(err, "%s refused before any change", mig_step_name(step));
    int failed = 0;
    for (size_t i = 0; i < s->nt; i++) {
        tenant_slot *t = &s->t[i];
        reset_result(t);
        if (step == MIG_APPLY || step == MIG_ROLLBACK)
            mig_vs_index_free(s); /* they write VirtualServices: hosts may change */
        if (t->denied)
            t_set(t, MIG_T_FAILED, "%s", t->denied);
        else
            tf(s, t, false);
        mig_reread(s, t, true);
        t_state(s, t, t->res.state_after, sizeof t->res.state_after);
        failed += t->res.status == MIG_T_FAILED;
        if (fn)
            fn(ud, i + 1, s->nt, &t->res);
        if (failed && !keep_going) {
            for (size_t j = i + 1; j < s->nt; j++)
                t_set(&s->t[j], MIG_T_PENDING,
                      "not run: stopped at the first failure "
                      "(--continue-on-error goes on)");
            break;
        }
    }
    return failed;
}
