/*
 * migrate_apply.c - the steps plan and apply for one tenant (see
 * migrate.h): the generated objects against live, the Ingresses to mark
 * dual, the objects of meshpanel no longer generated; then backups, marks,
 * cluster_apply, removals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/cluster_apply.h"
#include "api/kinds.h"
#include "api/migrate_int.h"
#include "model/kobj.h"
#include "model/mergepatch.h"
#include "model/migbackup.h"
#include "model/objdiff.h"
#include "model/sanitize.h"
#include "model/textdiff.h"

typedef struct {
    doc_node **objs; /* generated objects of the tenant (borrowed from the plan) */
    bool *changed;   /* differs from live (or new) */
    size_t n, nchanged;
    ing_entry **mark; /* Ingresses to mark dual */
    size_t nmark;
    const doc_node **prune; /* live objects of meshpanel no longer generated */
    size_t nprune;
    size_t nunconverted, nsuspended;
    char refusal[MP_ERR_MAX];
} apply_plan;

static void plan_free(apply_plan *p)
{
    free(p->objs);
    free(p->changed);
    free(p->mark);
    free(p->prune);
}

/* What a server-side apply of gen onto live holds, locally: live with
 * gen's fields merged in. Equal to live (noise aside): nothing to write. */
static bool same_as_live(const doc_node *gen, const doc_node *live)
{
    if (!live)
        return false;
    doc_node *want = merge_patch_apply(live, gen), *have = doc_clone(live);
    bool same = false;
    if (want && have) {
        doc_map_set_str(want, "apiVersion", kobj_api_version(have));
        objdiff_strip_noise(want);
        objdiff_strip_noise(have);
        same = doc_equal(want, have, false);
    }
    doc_free(want);
    doc_free(have);
    return same;
}

static bool generated(const mig_session *s, const obj_id *id)
{
    for (size_t i = 0; i < convert_plan_len(s->plan); i++) {
        const doc_node *o = convert_plan_obj(s->plan, i);
        const char *ns = kobj_namespace(o);
        if (o && !strcmp(kobj_kind(o), id->kind) && !strcmp(kobj_name(o), id->name) &&
            !strcmp(ns ? ns : "", id->ns))
            return true;
    }
    return false;
}

typedef struct {
    mig_session *s;
    const char *ns;
    bool foreign;        /* names an Ingress of another namespace */
    const char *blocker; /* names a cut-over Ingress (not suspended) */
} prune_walk;

static int prune_check(const char *ns, const char *name, void *ud)
{
    prune_walk *w = ud;
    ing_entry *e = mig_entry(w->s, ns, name);
    if (strcmp(ns, w->ns))
        w->foreign = true;
    else if (e && !e->r.suspended && (e->r.state == MIG_CUT_OVER || e->r.state == MIG_RETIRED))
        w->blocker = e->name;
    return 0;
}

/* Live objects of meshpanel naming the tenant's Ingresses that the
 * conversion no longer makes (an Ingress suspended or changed). */
static int find_prunes(mig_session *s, tenant_slot *t, apply_plan *p)
{
    p->prune = calloc(t->live.n + 1, sizeof *p->prune);
    if (!p->prune)
        return -1;
    for (size_t i = 0; i < t->live.n; i++) {
        const obj_id *id = &t->live.v[i];
        const doc_node *live = mig_live(s, id->kind, id->ns, id->name);
        if (!live || generated(s, id))
            continue;
        prune_walk w = {.s = s, .ns = t->res.ns};
        mig_each_source(live, prune_check, &w);
        if (w.foreign)
            continue; /* the other tenant's apply decides */
        if (w.blocker && !*p->refusal) {
            char ref[300];
            snprintf(p->refusal, sizeof p->refusal,
                     "%s is no longer generated but routes cut-over ingress %s/%s: not removed "
                     "(fix the Ingress or roll back)",
                     kobj_ref(live, ref, sizeof ref), t->res.ns, w.blocker);
        }
        p->prune[p->nprune++] = live;
    }
    return 0;
}

static int collect(mig_session *s, tenant_slot *t, apply_plan *p)
{
    p->objs = calloc(t->gen.n + 1, sizeof *p->objs);
    p->changed = calloc(t->gen.n + 1, sizeof *p->changed);
    p->mark = calloc(t->hi - t->lo + 1, sizeof *p->mark);
    if (!p->objs || !p->changed || !p->mark)
        return -1;
    for (size_t i = 0; i < t->gen.n; i++) {
        doc_node *o = (doc_node *)convert_plan_obj(s->plan, t->gen.v[i]);
        const doc_node *live = mig_live(s, kobj_kind(o), kobj_namespace(o), kobj_name(o));
        char ref[300];
        mp_err e;
        if (live && !mig_made_by_us(live) && !*p->refusal)
            snprintf(p->refusal, sizeof p->refusal,
                     "%s exists and was not made by meshpanel: not taken over (rename or remove "
                     "it)",
                     kobj_ref(live, ref, sizeof ref));
        if (!strcmp(kobj_kind(o), "VirtualService") && mig_backup_fits(o, &e) < 0 && !*p->refusal)
            snprintf(p->refusal, sizeof p->refusal, "%s", e.msg);
        p->objs[p->n] = o;
        p->changed[p->n] = !same_as_live(o, live);
        p->nchanged += p->changed[p->n++];
    }
    for (size_t i = t->lo; i < t->hi; i++) {
        ing_entry *e = &s->ents[i];
        const char *mark =
            e->r.present ? kobj_annotation(mig_live(s, "Ingress", e->ns, e->name), MIG_ANN_STATE)
                         : NULL;
        if (e->r.suspended)
            p->nsuspended++;
        else if (!e->converted)
            p->nunconverted += e->r.present;
        else if (e->r.present && (!mark || (strcmp(mark, "dual") && strcmp(mark, "cut-over"))))
            p->mark[p->nmark++] = e;
    }
    return find_prunes(s, t, p);
}

/* ---- preview text ---- */

static void put_clean(strbuf *sb, const char *text)
{
    char *c = san_cleans(text, 0);
    strbuf_puts(sb, c ? c : "?");
    free(c);
}

static void put_diff(strbuf *sb, const doc_node *live, const doc_node *want)
{
    mp_err err;
    char *a = objdiff_canonical(live, &err), *b = objdiff_canonical(want, &err);
    char *d = a && b ? textdiff_unified(a, b, "live", "planned", 2) : NULL;
    if (d) /* canonical texts are already safe to print */
        strbuf_puts(sb, d);
    free(a);
    free(b);
    free(d);
}

/* The findings of the conversion about the tenant's Ingresses. */
static void put_findings(mig_session *s, tenant_slot *t, strbuf *sb, bool all)
{
    char prefix[300];
    snprintf(prefix, sizeof prefix, "ingress %s/", t->res.ns);
    for (size_t i = 0; i < convert_plan_nwarn(s->plan); i++) {
        const mp_warning *w = convert_plan_warn(s->plan, i);
        if (strncmp(w->object, prefix, strlen(prefix)) || (!all && w->sev != MP_SEV_ERROR))
            continue;
        char *line = mp_warning_format(w);
        strbuf_printf(sb, "  %s: ", mp_severity_name(w->sev));
        put_clean(sb, line ? line : w->code);
        strbuf_putc(sb, '\n');
        free(line);
    }
}

/* plan: the server's dry run of obj, diffed against live. */
static void dry_run(mig_session *s, const doc_node *obj, const doc_node *live, strbuf *sb,
                    size_t *failed)
{
    kwrite_opts wo = {.dry_run = true};
    doc_node *out = NULL;
    mp_err err;
    if (kclient_apply(s->c, obj, &wo, &out, &err) < 0) {
        strbuf_puts(sb, "    dry run refused: ");
        put_clean(sb, err.msg);
        strbuf_putc(sb, '\n');
        (*failed)++;
        return;
    }
    put_diff(sb, live, out);
    doc_free(out);
}

static void preview_text(mig_session *s, tenant_slot *t, apply_plan *p, bool plan, strbuf *sb,
                         size_t *dry_failed)
{
    char ref[300];
    for (size_t i = 0; i < p->n; i++) {
        const doc_node *live =
            mig_live(s, kobj_kind(p->objs[i]), kobj_namespace(p->objs[i]), kobj_name(p->objs[i]));
        strbuf_printf(sb, "  %s: %s\n", kobj_ref(p->objs[i], ref, sizeof ref),
                      !live           ? "create"
                      : p->changed[i] ? "update"
                                      : "unchanged");
        if (plan && p->changed[i])
            dry_run(s, p->objs[i], live, sb, dry_failed);
        else if (p->changed[i]) {
            doc_node *want = merge_patch_apply(live, p->objs[i]);
            put_diff(sb, live, want);
            doc_free(want);
        }
    }
    for (size_t i = 0; i < p->nmark; i++)
        strbuf_printf(sb, "  ingress %s/%s: mark dual (%s: dual)\n", p->mark[i]->ns,
                      p->mark[i]->name, MIG_ANN_STATE);
    for (size_t i = 0; i < p->nprune; i++)
        strbuf_printf(sb, "  %s: remove (no longer generated)\n",
                      kobj_ref(p->prune[i], ref, sizeof ref));
    for (size_t i = t->lo; i < t->hi; i++)
        if (s->ents[i].r.suspended)
            strbuf_printf(sb, "  ingress %s/%s: suspended: not routed (migrates when resumed)\n",
                          s->ents[i].ns, s->ents[i].name);
    put_findings(s, t, sb, plan);
}

/* ---- run ---- */

static void summarize(tenant_slot *t, const apply_plan *p, const apply_result *res, size_t marked,
                      size_t pruned)
{
    size_t created = 0, configured = 0, unchanged = 0;
    for (size_t i = 0; i < p->n; i++) {
        created += res[i].status == APPLY_CREATED;
        configured += res[i].status == APPLY_CONFIGURED;
        unchanged += res[i].status == APPLY_UNCHANGED;
    }
    t->res.nwrites = created + configured + marked + pruned;
    t_set(t, p->nunconverted ? MIG_T_FINDINGS : MIG_T_DONE,
          "%zu created, %zu configured, %zu unchanged; %zu Ingress%s marked dual; %zu removed%s",
          created, configured, unchanged, marked, marked == 1 ? "" : "es", pruned,
          p->nunconverted ? "; some Ingresses not converted (see plan)" : "");
}

static int backups(mig_session *s, tenant_slot *t, mp_err *err)
{
    for (size_t i = t->lo; i < t->hi; i++) {
        ing_entry *e = &s->ents[i];
        if (!e->r.present)
            continue;
        /* the live objects that name it: they may change now */
        const doc_node *extra[64];
        size_t n = 0;
        for (size_t j = 0; j < t->live.n && n < 64; j++) {
            const obj_id *id = &t->live.v[j];
            const doc_node *o = mig_live(s, id->kind, id->ns, id->name);
            if (o && mig_names(o, e->ns, e->name))
                extra[n++] = o;
        }
        if (mig_backup(s, e, (doc_node *const *)extra, n, "apply", err) < 0)
            return -1;
    }
    return 0;
}

static int mark_dual(mig_session *s, ing_entry *e, mp_err *err)
{
    const doc_node *live = mig_live(s, "Ingress", e->ns, e->name);
    doc_node *want = live ? doc_clone(live) : NULL;
    char now[32];
    if (!want || kobj_set_annotation(want, MIG_ANN_STATE, "dual") < 0 ||
        kobj_set_annotation(want, MIG_ANN_MIGRATED_AT, mig_now_text(s, now, sizeof now)) < 0) {
        doc_free(want);
        return mp_errf(err, "out of memory");
    }
    int rc = mig_patch(s, live, want, err);
    doc_free(want);
    return rc;
}

static void run(mig_session *s, tenant_slot *t, apply_plan *p)
{
    mp_err err;
    if (backups(s, t, &err) < 0) {
        t_set(t, MIG_T_FAILED, "backup failed, nothing changed: %s", err.msg);
        return;
    }
    size_t marked = 0, pruned = 0;
    for (size_t i = 0; i < p->nmark; i++) {
        int r = mark_dual(s, p->mark[i], &err);
        if (r < 0) {
            t_set(t, MIG_T_FAILED, "%s%s", err.msg,
                  marked ? "" : " (no Istio object written for the tenant)");
            t->res.nwrites = marked;
            return;
        }
        marked += r > 0;
    }
    apply_result *res = calloc(p->n + 1, sizeof *res);
    if (!res) {
        t_set(t, MIG_T_FAILED, "out of memory");
        return;
    }
    int failed = cluster_apply(s->c, s->st, p->objs, p->n, res, &err);
    for (size_t i = 0; failed > 0 && i < p->n; i++)
        if (res[i].status == APPLY_FAILED) {
            char ref[300];
            t_set(t, MIG_T_FAILED, "%s: %s", kobj_ref(p->objs[i], ref, sizeof ref), res[i].msg);
            break;
        }
    if (failed < 0)
        t_set(t, MIG_T_FAILED, "%s", err.msg);
    for (size_t i = 0; !failed && i < p->nprune; i++) {
        if (mig_delete(s, p->prune[i], &err) < 0) {
            t_set(t, MIG_T_FAILED, "%s", err.msg);
            failed = 1;
        }
        pruned++;
    }
    if (!failed)
        summarize(t, p, res, marked, pruned);
    free(res);
}

void mig_apply_tenant(mig_session *s, tenant_slot *t, bool preview, bool plan)
{
    apply_plan p = {0};
    strbuf sb;
    strbuf_init(&sb);
    if (collect(s, t, &p) < 0) {
        t_set(t, MIG_T_FAILED, "out of memory");
        plan_free(&p);
        return;
    }
    bool nothing = !p.nchanged && !p.nmark && !p.nprune;
    size_t dry_failed = 0;
    if (preview) {
        preview_text(s, t, &p, plan, &sb, &dry_failed);
        if (plan)
            mig_cert_report(s, t, p.objs, p.n, &sb);
        t_detail(t, &sb);
    }
    if (*p.refusal)
        t_set(t, MIG_T_FAILED, "%s", p.refusal);
    else if (dry_failed)
        t_set(t, MIG_T_FAILED, "the server refused the dry run of %zu object%s", dry_failed,
              dry_failed == 1 ? "" : "s");
    else if (nothing)
        t_set(t, p.nunconverted ? MIG_T_FINDINGS : MIG_T_UNCHANGED,
              "%zu object%s as generated, nothing to write%s", p.n, p.n == 1 ? "" : "s",
              p.nunconverted ? "; some Ingresses not converted" : "");
    else if (preview)
        t_set(t, MIG_T_PENDING, "%zu object%s to write, %zu Ingress%s to mark, %zu to remove",
              p.nchanged, p.nchanged == 1 ? "" : "s", p.nmark, p.nmark == 1 ? "" : "es", p.nprune);
    else
        run(s, t, &p);
    plan_free(&p);
}
