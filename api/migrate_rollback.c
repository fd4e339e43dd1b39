/*
 * migrate_rollback.c - the step rollback for one tenant (see migrate.h).
 *
 * First every Ingress is back (nginx serves again), then the objects of
 * meshpanel go: a tenant is never left without a route. An object is
 * removed only when it carries meshpanel's label, its source names only
 * Ingresses of tenants this rollback restores, and each of them is live
 * or restorable; anything else stays and is named. A re-created Ingress
 * (it was retired) gets a new uid, resourceVersion and creationTimestamp:
 * the API server sets them, nobody can restore them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/kinds.h"
#include "api/migrate_int.h"
#include "model/kobj.h"
#include "model/mergepatch.h"
#include "model/objdiff.h"
#include "model/textdiff.h"

typedef struct {
    ing_entry *e;
    const doc_node *live; /* NULL: re-create */
    doc_node *want;
} restore;

typedef struct {
    restore *r;
    size_t nr;
    const doc_node **rm; /* objects to remove, VirtualServices first */
    size_t nrm;
    char kept[MP_ERR_MAX]; /* the first object left, and why */
} rb_plan;

static void plan_free(rb_plan *p)
{
    for (size_t i = 0; i < p->nr; i++)
        doc_free(p->r[i].want);
    free(p->r);
    free(p->rm);
}

/* A backed-up Ingress as the API server takes it in a create. */
static doc_node *for_create(const doc_node *orig)
{
    static const char *const server_set[] = {
        "uid",           "resourceVersion", "creationTimestamp", "generation",
        "managedFields", "selfLink",        "deletionTimestamp", "deletionGracePeriodSeconds"};
    doc_node *c = doc_clone(orig);
    doc_node *meta = c ? doc_get(c, "metadata") : NULL;
    for (size_t i = 0; meta && i < sizeof server_set / sizeof *server_set; i++)
        doc_map_del(meta, server_set[i]);
    if (c)
        doc_map_del(c, "status");
    return c;
}

static int want_of(mig_session *s, ing_entry *e, restore *r)
{
    r->e = e;
    r->live = mig_live(s, "Ingress", e->ns, e->name);
    r->want = r->live ? mig_original(r->live, mig_disabled(s), NULL) : for_create(e->original);
    if (r->want && s->o.rb_mode == MIG_RB_DUAL &&
        kobj_set_annotation(r->want, MIG_ANN_STATE, "rolled-back") < 0)
        return -1;
    return r->want ? 0 : -1;
}

static bool changes(const restore *r)
{
    if (!r->live)
        return true;
    doc_node *p = merge_patch_diff(r->live, r->want);
    bool ch = !p || p->len;
    doc_free(p);
    return ch;
}

typedef struct {
    mig_session *s;
    const char *why;
    char who[520];
} rm_walk;

static int rm_check(const char *ns, const char *name, void *ud)
{
    rm_walk *w = ud;
    ing_entry *e = mig_entry(w->s, ns, name);
    if (!mig_find_tenant(w->s, ns))
        w->why = "names an Ingress of a tenant this rollback leaves alone";
    else if (!e || (!e->r.present && !e->original))
        w->why = "names an Ingress meshpanel cannot restore (gone, no backup)";
    if (w->why)
        snprintf(w->who, sizeof w->who, "%s/%s", ns, name);
    return w->why != NULL;
}

static int collect(mig_session *s, tenant_slot *t, rb_plan *p)
{
    p->r = calloc(t->hi - t->lo + 1, sizeof *p->r);
    p->rm = calloc(t->live.n + 1, sizeof *p->rm);
    if (!p->r || !p->rm)
        return -1;
    for (size_t i = t->lo; i < t->hi; i++) {
        ing_entry *e = &s->ents[i];
        if (!e->r.present && !e->backed_up)
            continue;
        restore *r = &p->r[p->nr];
        if (want_of(s, e, r) < 0)
            return -1;
        if (changes(r))
            p->nr++;
        else
            doc_free(r->want);
    }
    if (s->o.rb_mode == MIG_RB_DUAL)
        return 0;
    for (int vs_first = 1; vs_first >= 0; vs_first--)
        for (size_t i = 0; i < t->live.n; i++) {
            const obj_id *id = &t->live.v[i];
            if ((strcmp(id->kind, "VirtualService") == 0) != vs_first)
                continue;
            const doc_node *o = mig_live(s, id->kind, id->ns, id->name);
            rm_walk w = {.s = s};
            if (!o || !mig_made_by_us(o))
                continue;
            if (mig_each_source(o, rm_check, &w) && !*p->kept) {
                char ref[300];
                snprintf(p->kept, sizeof p->kept, "%s kept: it %s (%s)",
                         kobj_ref(o, ref, sizeof ref), w.why, w.who);
            }
            if (!w.why)
                p->rm[p->nrm++] = o;
        }
    return 0;
}

static void put_diff(strbuf *sb, const doc_node *a, const doc_node *b)
{
    mp_err err;
    char *x = objdiff_canonical(a, &err), *y = objdiff_canonical(b, &err);
    char *d = x && y ? textdiff_unified(x, y, "live", "restored", 1) : NULL;
    if (d)
        strbuf_puts(sb, d);
    free(x);
    free(y);
    free(d);
}

static void preview_text(tenant_slot *t, const rb_plan *p)
{
    strbuf sb;
    strbuf_init(&sb);
    char ref[300];
    for (size_t i = 0; i < p->nr; i++) {
        strbuf_printf(&sb, "  ingress %s/%s: %s\n", p->r[i].e->ns, p->r[i].e->name,
                      p->r[i].live ? "restore" : "re-create from its backup");
        put_diff(&sb, p->r[i].live, p->r[i].want);
    }
    for (size_t i = 0; i < p->nrm; i++)
        strbuf_printf(&sb, "  %s: remove\n", kobj_ref(p->rm[i], ref, sizeof ref));
    if (*p->kept)
        strbuf_printf(&sb, "  %s\n", p->kept);
    t_detail(t, &sb);
}

/* The objects to remove that name e, for its backup file. */
static size_t extras(const rb_plan *p, const ing_entry *e, const doc_node **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < p->nrm && n < max; i++)
        if (mig_names(p->rm[i], e->ns, e->name))
            out[n++] = p->rm[i];
    return n;
}

/* The Ingress exists after all (a create of an earlier, killed run
 * landed after this run read the cluster): make it what the backup says. */
static int restore_existing(mig_session *s, const restore *r, mp_err *err)
{
    doc_node *got = NULL, *want = NULL;
    const kkind *k = kkind_lookup("Ingress");
    if (kclient_get(s->c, k, r->e->ns, r->e->name, &got, err) < 0)
        return -1;
    static const char *const fields[] = {"labels", "annotations"};
    int rc = (want = doc_clone(got)) ? 0 : mp_errf(err, "out of memory");
    for (size_t i = 0; !rc && i < 2; i++) {
        doc_node *meta = doc_map_ensure(want, "metadata", DOC_MAP);
        const doc_node *v = doc_getv(r->want, "metadata", fields[i], NULL);
        if (!meta)
            rc = mp_errf(err, "out of memory");
        else if (!v)
            doc_map_del(meta, fields[i]);
        else if (doc_map_set(meta, fields[i], doc_clone(v)) < 0)
            rc = mp_errf(err, "out of memory");
    }
    const doc_node *spec = doc_get(r->want, "spec");
    if (!rc && spec && doc_map_set(want, "spec", doc_clone(spec)) < 0)
        rc = mp_errf(err, "out of memory");
    if (!rc)
        rc = mig_patch(s, got, want, err);
    doc_free(want);
    if (rc == 0)
        mig_store_put(s, got); /* as it is: nothing was written */
    else
        doc_free(got); /* mig_patch put the server's answer */
    return rc;
}

static int restore_one(mig_session *s, const restore *r, mp_err *err)
{
    if (r->live)
        return mig_patch(s, r->live, r->want, err);
    doc_node *out = NULL;
    if (kclient_create(s->c, r->want, NULL, &out, err) < 0)
        return khttp_last_status(kclient_http(s->c)) == 409 ? restore_existing(s, r, err) : -1;
    mig_store_put(s, out);
    return 1;
}

static void run(mig_session *s, tenant_slot *t, rb_plan *p)
{
    mp_err err;
    for (size_t i = t->lo; i < t->hi; i++) {
        const doc_node *x[64];
        size_t nx = extras(p, &s->ents[i], x, 64);
        if ((s->ents[i].r.present || nx) &&
            mig_backup(s, &s->ents[i], (doc_node *const *)x, nx, "rollback", &err) < 0) {
            t_set(t, MIG_T_FAILED, "backup failed, nothing changed: %s", err.msg);
            return;
        }
    }
    size_t restored = 0, removed = 0;
    for (size_t i = 0; i < p->nr; i++) {
        int rc = restore_one(s, &p->r[i], &err);
        if (rc < 0) {
            t_set(t, MIG_T_FAILED, "%s (no object of meshpanel removed)", err.msg);
            t->res.nwrites = restored;
            return;
        }
        restored += rc > 0;
    }
    for (size_t i = 0; i < p->nrm; i++) {
        if (mig_delete(s, p->rm[i], &err) < 0) {
            t_set(t, MIG_T_FAILED, "%s (every Ingress is restored)", err.msg);
            t->res.nwrites = restored + removed;
            return;
        }
        removed++;
    }
    t->res.nwrites = restored + removed;
    t_set(t, *p->kept ? MIG_T_FINDINGS : MIG_T_DONE,
          "%zu Ingress%s restored, %zu object%s removed%s%s", restored, restored == 1 ? "" : "es",
          removed, removed == 1 ? "" : "s", *p->kept ? "; " : "", p->kept);
}

void mig_rollback_tenant(mig_session *s, tenant_slot *t, bool preview)
{
    rb_plan p = {0};
    if (collect(s, t, &p) < 0)
        t_set(t, MIG_T_FAILED, "out of memory");
    else if (!p.nr && !p.nrm)
        t_set(t, *p.kept ? MIG_T_FINDINGS : MIG_T_UNCHANGED, "nothing to roll back%s%s",
              *p.kept ? "; " : "", p.kept);
    else if (preview) {
        preview_text(t, &p);
        t_set(t, MIG_T_PENDING, "%zu Ingress%s to restore, %zu object%s to remove", p.nr,
              p.nr == 1 ? "" : "es", p.nrm, p.nrm == 1 ? "" : "s");
    } else
        run(s, t, &p);
    plan_free(&p);
}
