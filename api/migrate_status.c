/*
 * migrate_status.c - the status board (see migrate.h mig_status_read):
 * what the session read, counted, with every inconsistency named.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/migrate_int.h"
#include "model/kobj.h"
#include "model/sanitize.h"
#include "model/strbuf.h"

static int add_line(char ***v, size_t *n, const char *fmt, const char *a, const char *b,
                    const char *c)
{
    char buf[MP_ERR_MAX];
    snprintf(buf, sizeof buf, fmt, a, b, c);
    char **x = realloc(*v, (*n + 1) * sizeof *x);
    if (!x)
        return -1;
    *v = x;
    if (!(x[*n] = strdup(buf)))
        return -1;
    (*n)++;
    return 0;
}

static int count_tstate(mig_status *out, const char *name)
{
    for (size_t i = 0; i < out->ntstates; i++)
        if (!strcmp(out->tstates[i], name)) {
            out->tcounts[i]++;
            return 0;
        }
    const char **s = realloc(out->tstates, (out->ntstates + 1) * sizeof *s);
    if (!s)
        return -1;
    out->tstates = s;
    size_t *c = realloc(out->tcounts, (out->ntstates + 1) * sizeof *c);
    if (!c)
        return -1;
    out->tcounts = c;
    s[out->ntstates] = name;
    c[out->ntstates++] = 1;
    return 0;
}

/* Static names for the tenant states (t_state writes into a buffer). */
static const char *tstate_static(const char *s)
{
    static const char *const names[] = {"ingress-only", "dual",  "cut-over",  "retired",
                                        "rolled-back",  "mixed", "suspended", "empty"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcmp(names[i], s))
            return names[i];
    return "?";
}

/* Objects of meshpanel naming an Ingress nobody can restore. */
typedef struct {
    mig_session *s;
    mig_status *out;
    const doc_node *obj;
    int rc;
} orphan_walk;

static int orphan(const char *ns, const char *name, void *ud)
{
    orphan_walk *w = ud;
    if (mig_entry(w->s, ns, name))
        return 0;
    char ref[300], ing[520];
    snprintf(ing, sizeof ing, "%s/%s", ns, name);
    w->rc = add_line(&w->out->problems, &w->out->nproblems,
                     "%s: names ingress %s, which is gone and whose backup %s",
                     kobj_ref(w->obj, ref, sizeof ref), ing, "no object holds");
    return w->rc;
}

static int orphans(mig_session *s, mig_status *out)
{
    static const char *const kinds[] = {"Gateway", "VirtualService", "DestinationRule",
                                        "AuthorizationPolicy"};
    for (size_t k = 0; k < 4; k++) {
        const store_obj **v;
        size_t n = store_list(s->st, kinds[k], NULL, &v);
        if (n == (size_t)-1)
            return -1;
        int rc = 0;
        for (size_t i = 0; i < n && !rc; i++) {
            orphan_walk w = {s, out, v[i]->doc, 0};
            if (mig_made_by_us(v[i]->doc))
                mig_each_source(v[i]->doc, orphan, &w);
            rc = w.rc;
        }
        free(v);
        if (rc)
            return -1;
    }
    return 0;
}

static int tenant_lines(mig_session *s, tenant_slot *t, mig_status *out)
{
    bool over = false;
    for (size_t i = t->lo; i < t->hi; i++)
        over = over || s->ents[i].r.state == MIG_CUT_OVER || s->ents[i].r.state == MIG_RETIRED;
    for (size_t i = t->lo; i < t->hi; i++) {
        ing_entry *e = &s->ents[i];
        if (e->r.problem && add_line(&out->problems, &out->nproblems, "ingress %s/%s: %s", e->ns,
                                     e->name, e->r.problem) < 0)
            return -1;
        if (over && !e->r.suspended && e->r.state == MIG_INGRESS_ONLY &&
            add_line(&out->new_ingresses, &out->nnew, "ingress %s/%s%s", e->ns, e->name,
                     e->converted ? "" : " (not converted)") < 0)
            return -1;
    }
    char st[16];
    t_state(s, t, st, sizeof st);
    return count_tstate(out, tstate_static(st));
}

int mig_status_read(mig_session *s, mig_status *out, mp_err *err)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < s->nents; i++) {
        out->ingresses[s->ents[i].r.state]++;
        out->suspended += s->ents[i].r.suspended;
    }
    for (size_t i = 0; i < s->nt; i++)
        if (tenant_lines(s, &s->t[i], out) < 0) {
            mig_status_free(out);
            return mp_errf(err, "out of memory");
        }
    if (orphans(s, out) < 0) {
        mig_status_free(out);
        return mp_errf(err, "out of memory");
    }
    return 0;
}

void mig_status_free(mig_status *st)
{
    for (size_t i = 0; i < st->nproblems; i++)
        free(st->problems[i]);
    for (size_t i = 0; i < st->nnew; i++)
        free(st->new_ingresses[i]);
    free(st->problems);
    free(st->new_ingresses);
    free(st->tstates);
    free(st->tcounts);
    memset(st, 0, sizeof *st);
}

bool mig_status_alarming(const mig_status *st)
{
    return st->nproblems || st->nnew;
}

static int push_line(char ***v, size_t *n, strbuf *sb)
{
    char *text = strbuf_detach(sb, NULL), *clean = text ? san_cleans(text, 0) : NULL;
    free(text);
    char **x = clean ? realloc(*v, (*n + 1) * sizeof *x) : NULL;
    if (!x) {
        free(clean);
        return -1;
    }
    *v = x;
    x[(*n)++] = clean;
    strbuf_init(sb);
    return 0;
}

static int push_list(char ***v, size_t *n, const char *title, char *const *items, size_t ni)
{
    strbuf sb;
    strbuf_init(&sb);
    int rc = 0;
    if (ni) {
        strbuf_printf(&sb, "%s:", title);
        rc = push_line(v, n, &sb);
    }
    for (size_t i = 0; i < ni && !rc; i++) {
        strbuf_printf(&sb, "  %s", items[i]);
        rc = push_line(v, n, &sb);
    }
    strbuf_free(&sb);
    return rc;
}

size_t mig_status_lines(const mig_status *st, char ***out)
{
    char **v = NULL;
    size_t n = 0, nt = 0, ni = 0;
    strbuf sb;
    strbuf_init(&sb);
    for (size_t i = 0; i < st->ntstates; i++)
        nt += st->tcounts[i];
    strbuf_printf(&sb, "tenants: %zu", nt);
    for (size_t i = 0; i < st->ntstates; i++)
        strbuf_printf(&sb, "%s%s %zu", i ? ", " : " (", st->tstates[i], st->tcounts[i]);
    strbuf_puts(&sb, st->ntstates ? ")" : "");
    int rc = push_line(&v, &n, &sb);
    for (int i = 0; i < MIG_NSTATES; i++)
        ni += st->ingresses[i];
    strbuf_printf(&sb, "ingresses: %zu (", ni);
    for (int i = 0; i < MIG_NSTATES; i++)
        strbuf_printf(&sb, "%s%s %zu", i ? ", " : "", mig_state_name((mig_state)i),
                      st->ingresses[i]);
    strbuf_printf(&sb, "; %zu suspended)", st->suspended);
    if (!rc)
        rc = push_line(&v, &n, &sb);
    strbuf_free(&sb);
    if (!rc)
        rc = push_list(&v, &n, "problems", st->problems, st->nproblems);
    if (!rc)
        rc = push_list(&v, &n, "not migrated in tenants already cut over", st->new_ingresses,
                       st->nnew);
    if (rc) {
        for (size_t i = 0; i < n; i++)
            free(v[i]);
        free(v);
        return (size_t)-1;
    }
    *out = v;
    return n;
}
