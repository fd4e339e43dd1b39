/*
 * plan.c - one tenant's conversion (see plan.h).
 */
#include "tui/plan.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/kobj.h"
#include "model/objdiff.h"

typedef struct {
    doc_node **objs;
    size_t n, cap;
    bool oom;
} obj_vec;

static void vec_add_kind(obj_vec *v, mp_store *st, const char *kind, const char *ns)
{
    const store_obj **list;
    size_t n = store_list(st, kind, ns, &list);
    if (n == (size_t)-1) {
        v->oom = true;
        return;
    }
    if (!n)
        return;
    if (v->n + n > v->cap) {
        size_t cap = v->n + n + 16;
        doc_node **o = realloc(v->objs, cap * sizeof *o);
        if (!o) {
            v->oom = true;
            free(list);
            return;
        }
        v->objs = o;
        v->cap = cap;
    }
    /* the converter borrows its input read-only */
    for (size_t i = 0; i < n; i++)
        v->objs[v->n++] = (doc_node *)list[i]->doc;
    free(list);
}

int ui_convert_opts(const ui *u, convert_opts *o, mp_err *err)
{
    convert_opts_default(o);
    o->skip_invalid = true;
    if (u->cfg.gateway_mode && convert_parse_mode(u->cfg.gateway_mode, &o->mode, err) < 0)
        return -1;
    if (u->cfg.shared_gateway)
        o->shared_gateway = u->cfg.shared_gateway;
    if (u->cfg.domain_suffix)
        o->domain_suffix = u->cfg.domain_suffix;
    return 0;
}

static bool vec_has(const obj_vec *v, const doc_node *d)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->objs[i] == d)
            return true;
    return false;
}

static void vec_add(obj_vec *v, const doc_node *d)
{
    if (vec_has(v, d))
        return;
    if (v->n == v->cap) {
        size_t cap = v->cap * 2 + 16;
        doc_node **o = realloc(v->objs, cap * sizeof *o);
        if (!o) {
            v->oom = true;
            return;
        }
        v->objs = o;
        v->cap = cap;
    }
    v->objs[v->n++] = (doc_node *)d;
}

/* The other namespaces' Ingresses that route a host of ns's Ingresses,
 * with their Services: nginx serves a host as one server whichever
 * namespace declared it, so the conversion must see them all (MP207). */
static void add_sharing(obj_vec *in, mp_store *st, const char *ns, size_t own)
{
    char(*seen)[256] = NULL;
    size_t nseen = 0;
    for (size_t i = 0; i < own && !in->oom; i++) {
        store_obj tmp = {.kind = "Ingress", .doc = in->objs[i]};
        size_t nh;
        const char **hosts = store_obj_hosts(&tmp, &nh);
        for (size_t h = 0; hosts && h < nh; h++) {
            size_t n;
            const store_obj *const *by = store_by_host(st, hosts[h], &n);
            for (size_t k = 0; k < n; k++) {
                if (strcmp(by[k]->kind, "Ingress") != 0 || !strcmp(by[k]->ns, ns))
                    continue;
                vec_add(in, by[k]->doc);
                size_t j = 0;
                while (j < nseen && strcmp(seen[j], by[k]->ns) != 0)
                    j++;
                if (j < nseen)
                    continue;
                char(*ns2)[256] = realloc(seen, (nseen + 1) * sizeof *seen);
                if (!ns2) {
                    in->oom = true;
                    break;
                }
                seen = ns2;
                snprintf(seen[nseen++], sizeof *seen, "%s", by[k]->ns);
            }
        }
        free(hosts);
    }
    for (size_t j = 0; j < nseen; j++)
        vec_add_kind(in, st, "Service", seen[j]);
    free(seen);
}

/* The conversion's input for ns (see plan.h). */
static void gather(ui *u, const char *ns, obj_vec *in)
{
    vec_add_kind(in, u->store, "Ingress", ns);
    size_t own = in->n;
    vec_add_kind(in, u->store, "Service", ns);
    add_sharing(in, u->store, ns, own);
    vec_add_kind(in, u->store, "IngressClass", NULL);
}

convert_plan *ui_tenant_plan(ui *u, const char *ns, convert_opts *out, mp_err *err)
{
    convert_opts o;
    if (ui_convert_opts(u, &o, err) < 0)
        return NULL;
    if (out)
        *out = o;
    obj_vec in = {0};
    gather(u, ns, &in);
    convert_plan *p = NULL;
    if (in.oom)
        mp_errf(err, "out of memory");
    else
        p = convert_run(in.objs, in.n, &o, err);
    free(in.objs);
    return p;
}

/* A namespace's part of the fingerprint: its object count and newest change. */
static void ns_print(mp_store *st, const char *ns, size_t *n, unsigned long long *newest)
{
    const store_tenant *t = store_tenant_get(st, ns);
    if (!t)
        return;
    *n += t->n_ing + t->n_gw + t->n_vs + t->n_other;
    if (t->changed > *newest)
        *newest = t->changed;
}

int ui_tenant_inputs(ui *u, const char *ns, size_t *n, unsigned long long *newest)
{
    *n = 0;
    *newest = 0;
    ns_print(u->store, ns, n, newest);
    const store_tenant *t = store_tenant_get(u->store, ns);
    if (!t || !t->problems)
        return 0; /* no host shared with another namespace */
    const store_obj **own;
    size_t no = store_list(u->store, "Ingress", ns, &own);
    if (no == (size_t)-1)
        return -1;
    for (size_t i = 0; i < no; i++) {
        size_t nh;
        const char **hosts = store_obj_hosts(own[i], &nh);
        for (size_t h = 0; hosts && h < nh; h++) {
            size_t nb;
            const store_obj *const *by = store_by_host(u->store, hosts[h], &nb);
            for (size_t k = 0; k < nb; k++)
                if (strcmp(by[k]->ns, ns) != 0) {
                    *n += 1;
                    ns_print(u->store, by[k]->ns, n, newest);
                }
        }
        free(hosts);
    }
    free(own);
    return 0;
}

bool plan_of_tenant(const doc_node *gen, const char *ns)
{
    const char *src = gen ? kobj_annotation(gen, CONVERT_SOURCE_ANNOTATION) : NULL;
    size_t nl = strlen(ns);
    for (const char *p = src; p && *p;) {
        const char *c = strchr(p, ',');
        size_t l = c ? (size_t)(c - p) : strlen(p);
        if (l > 8 + nl && !strncmp(p, "ingress/", 8) && !strncmp(p + 8, ns, nl) && p[8 + nl] == '/')
            return true;
        p += l + (c != NULL);
    }
    return false;
}

/* Does text hold ns as a whole name (not a prefix of a longer one)? */
static bool mentions(const char *text, const char *ns)
{
    size_t nl = strlen(ns);
    for (const char *p = strstr(text, ns); p; p = strstr(p + 1, ns)) {
        bool left = p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '-');
        bool right = !(isalnum((unsigned char)p[nl]) || p[nl] == '-');
        if (left && right)
            return true;
    }
    return false;
}

bool plan_warning_concerns(const mp_warning *w, const char *ns)
{
    const char *sp = strchr(w->object, ' ');
    const char *obj_ns = sp ? sp + 1 : w->object;
    size_t nl = strlen(ns);
    if (!strncmp(obj_ns, ns, nl) && obj_ns[nl] == '/')
        return true;
    return !strcmp(w->code, MPW_HOST_CONFLICT) && mentions(w->message, ns);
}

plan_live plan_live_state(ui *u, const doc_node *gen, size_t *nfields)
{
    const store_obj *live =
        store_get(u->store, kobj_kind(gen), kobj_namespace(gen), kobj_name(gen));
    *nfields = 0;
    if (!live)
        return PLAN_NEW;
    od_paths dp = {0};
    if (objdiff_paths(live->doc, gen, &dp) < 0)
        return PLAN_DIFFERS;
    *nfields = dp.len;
    objdiff_paths_free(&dp);
    return *nfields ? PLAN_DIFFERS : PLAN_SAME;
}

const char *plan_live_name(plan_live s)
{
    return s == PLAN_NEW ? "new" : s == PLAN_SAME ? "same as live" : "differs from live";
}

bool plan_source_lists(const char *list, const char *want)
{
    size_t wl = strlen(want);
    for (const char *p = list; p && *p;) {
        const char *c = strchr(p, ',');
        size_t l = c ? (size_t)(c - p) : strlen(p);
        if (l == wl && !strncmp(p, want, l))
            return true;
        p += l + (c != NULL);
    }
    return false;
}
