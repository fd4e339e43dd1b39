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
    ing_entry *e;
} count_ctx;

static int count_if_e(const char *ns, const char *name, void *ud)
{
    count_ctx *c = ud;
    if (!strcmp(ns, c->e->ns) && !strcmp(name, c->e->name))
        c->e->nobjects++;
    return 0;
}

static void recount(mig_session *s, ing_entry *e, const char *gwns)
{
    static const char *const kinds[] = {"Gateway", "VirtualService", "DestinationRule",
                                        "AuthorizationPolicy"};
    const char *where[2] = {e->ns, gwns};
    e->nobjects = 0;
    for (size_t w = 0; w < 2; w++) {
        if (w && (!gwns || !strcmp(gwns, e->ns)))
            break;
        for (size_t k = 0; k < 4; k++) {
            const store_obj **v;
            size_t n = store_list(s->st, kinds[k], where[w], &v);
            for (size_t i = 0; n != (size_t)-1 && i < n; i++) {
                count_ctx c = {s, e};
                if (mig_made_by_us(v[i]->doc))
                    mig_each_source(v[i]->doc, count_if_e, &c);
            }
            free(n == (size_t)-1 ? NULL : v);
        }
    }
}

void mig_reread(mig_session *s, tenant_slot *t, bool again)
{
    for (size_t i = t->lo; i < t->hi; i++) {
        ing_entry *e = &s->ents[i];
        if (again)
            recount(s, e, s->o.conv.gateway_namespace);
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
