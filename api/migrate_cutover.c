/*
 * migrate_cutover.c - the steps cutover and retire for one tenant (see
 * migrate.h). Both are all or nothing per tenant: every check runs before
 * the first write, so a refused tenant is left exactly as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/migrate_int.h"
#include "model/kobj.h"
#include "model/mergepatch.h"
#include "model/objdiff.h"
#include "model/textdiff.h"

/* Verify passed for the tenant's objects as they are now. */
static bool verify_ok(mig_session *s, tenant_slot *t, char *why, size_t n)
{
    char *fp = mig_tenant_fingerprint(s, t);
    bool ok = fp && mig_verified(s, t, fp, why, n);
    if (!fp)
        snprintf(why, n, "out of memory");
    free(fp);
    return ok;
}

/* Which Ingresses step `want` (cut-over or retired) takes from state
 * `from`. The others must be there already or suspended; any other state
 * refuses the tenant, with why. */
static int candidates(mig_session *s, tenant_slot *t, mig_state from, mig_state want,
                      ing_entry **out, size_t *n, size_t *skipped, char *why, size_t wn)
{
    *n = *skipped = 0;
    for (size_t i = t->lo; i < t->hi; i++) {
        ing_entry *e = &s->ents[i];
        const char *step = from == MIG_DUAL ? "apply" : "cutover";
        if (e->r.suspended) {
            (*skipped)++;
        } else if (e->r.state != MIG_ROLLED_BACK &&
                   mig_state_rank(e->r.state) >= mig_state_rank(want)) {
            continue;
        } else if (e->r.state == from && (from != MIG_DUAL || e->nobjects)) {
            out[(*n)++] = e;
        } else if (e->r.state == from) {
            snprintf(why, wn,
                     "ingress %s/%s: no Istio object of meshpanel routes it: run migrate "
                     "apply",
                     e->ns, e->name);
            return -1;
        } else if (!e->converted && e->r.present) {
            snprintf(why, wn, "ingress %s/%s has no Istio route (not converted: see migrate plan)",
                     e->ns, e->name);
            return -1;
        } else {
            snprintf(why, wn, "ingress %s/%s is %s, not %s: run migrate %s first", e->ns, e->name,
                     mig_state_name(e->r.state), mig_state_name(from), step);
            return -1;
        }
    }
    return 0;
}

static doc_node *cutover_want(mig_session *s, const doc_node *live)
{
    mig_class c;
    mig_class_of(live, &c);
    char *rec = mig_class_encode(&c), now[32];
    doc_node *want = rec ? doc_clone(live) : NULL;
    if (!want || kobj_set_annotation(want, MIG_ANN_STATE, "cut-over") < 0 ||
        kobj_set_annotation(want, MIG_ANN_ORIGINAL_CLASS, rec) < 0 ||
        kobj_set_annotation(want, MIG_ANN_CUTOVER_AT, mig_now_text(s, now, sizeof now)) < 0 ||
        mig_class_disable(want, mig_disabled(s)) < 0) {
        doc_free(want);
        want = NULL;
    }
    free(rec);
    return want;
}

static void put_diff(strbuf *sb, const doc_node *a, const doc_node *b)
{
    mp_err err;
    char *x = objdiff_canonical(a, &err), *y = objdiff_canonical(b, &err);
    char *d = x && y ? textdiff_unified(x, y, "live", "planned", 1) : NULL;
    if (d)
        strbuf_puts(sb, d);
    free(x);
    free(y);
    free(d);
}

/* The tenant's Ingresses to move from one state to the next (caller frees),
 * or NULL with the tenant marked failed. */
static ing_entry **pick(mig_session *s, tenant_slot *t, mig_state from, mig_state to, size_t *n,
                        size_t *skipped)
{
    char why[MP_ERR_MAX] = "";
    ing_entry **c = calloc(t->hi - t->lo + 1, sizeof *c);
    if (!c) {
        t_set(t, MIG_T_FAILED, "out of memory");
        return NULL;
    }
    if (candidates(s, t, from, to, c, n, skipped, why, sizeof why) < 0) {
        t_set(t, MIG_T_FAILED, "%s", why);
        free(c);
        return NULL;
    }
    return c;
}

void mig_cutover_tenant(mig_session *s, tenant_slot *t, bool preview)
{
    size_t n, skipped;
    char why[MP_ERR_MAX] = "";
    ing_entry **c = pick(s, t, MIG_DUAL, MIG_CUT_OVER, &n, &skipped);
    if (!c)
        return;
    if (!n) {
        t_set(t, MIG_T_UNCHANGED, "nothing to cut over%s", skipped ? " (suspended skipped)" : "");
    } else if (!verify_ok(s, t, why, sizeof why) || mig_cert_check(s, t, why, sizeof why) < 0) {
        t_set(t, MIG_T_FAILED, "%s", why);
    } else {
        strbuf sb;
        strbuf_init(&sb);
        mp_err err;
        size_t done = 0;
        for (size_t i = 0; i < n; i++) {
            const doc_node *live = mig_live(s, "Ingress", c[i]->ns, c[i]->name);
            doc_node *want = live ? cutover_want(s, live) : NULL;
            int rc = 0;
            if (!want) {
                rc = mp_errf(&err, "out of memory");
            } else if (preview) {
                strbuf_printf(&sb, "  ingress %s/%s: disable (class %s)\n", c[i]->ns, c[i]->name,
                              mig_disabled(s));
                put_diff(&sb, live, want);
            } else if ((rc = mig_backup(s, c[i], NULL, 0, "cutover", &err)) == 0) {
                rc = mig_patch(s, live, want, &err);
                done += rc > 0;
            }
            doc_free(want);
            if (rc < 0) {
                t_set(t, MIG_T_FAILED, "%s%s", err.msg,
                      done ? " (the Ingresses before it are cut over)" : "");
                break;
            }
        }
        t_detail(t, &sb);
        t->res.nwrites = done;
        if (t->res.status != MIG_T_FAILED && preview)
            t_set(t, MIG_T_PENDING, "%zu Ingress%s to disable", n, n == 1 ? "" : "es");
        else if (t->res.status != MIG_T_FAILED)
            t_set(t, MIG_T_DONE, "%zu Ingress%s disabled (class %s)", n, n == 1 ? "" : "es",
                  mig_disabled(s));
    }
    free(c);
}

void mig_retire_tenant(mig_session *s, tenant_slot *t, bool preview)
{
    size_t n, skipped;
    char why[MP_ERR_MAX] = "";
    ing_entry **c = pick(s, t, MIG_CUT_OVER, MIG_RETIRED, &n, &skipped);
    if (!c)
        return;
    for (size_t i = 0; i < n && !*why; i++)
        if (!c[i]->backed_up)
            snprintf(why, sizeof why,
                     "ingress %s/%s: no VirtualService of meshpanel holds its backup: run "
                     "migrate apply",
                     c[i]->ns, c[i]->name);
    if (!n)
        t_set(t, MIG_T_UNCHANGED, "nothing to retire%s", skipped ? " (suspended skipped)" : "");
    else if (*why || !verify_ok(s, t, why, sizeof why))
        t_set(t, MIG_T_FAILED, "%s", why);
    else if (preview) {
        strbuf sb;
        strbuf_init(&sb);
        for (size_t i = 0; i < n; i++)
            strbuf_printf(&sb, "  ingress %s/%s: delete (uid + resourceVersion preconditions)\n",
                          c[i]->ns, c[i]->name);
        t_detail(t, &sb);
        t_set(t, MIG_T_PENDING, "%zu Ingress%s to delete", n, n == 1 ? "" : "es");
    } else {
        mp_err err;
        size_t done = 0;
        for (size_t i = 0; i < n; i++) {
            const doc_node *live = mig_live(s, "Ingress", c[i]->ns, c[i]->name);
            if (!live)
                continue;
            if (mig_backup(s, c[i], NULL, 0, "retire", &err) < 0 || mig_delete(s, live, &err) < 0) {
                t_set(t, MIG_T_FAILED, "%s%s", err.msg,
                      done ? " (the Ingresses before it are retired)" : "");
                break;
            }
            done++;
        }
        t->res.nwrites = done;
        if (t->res.status != MIG_T_FAILED)
            t_set(t, MIG_T_DONE, "%zu Ingress%s deleted (backups kept)", done,
                  done == 1 ? "" : "es");
    }
    free(c);
}
