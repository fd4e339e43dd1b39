/*
 * plan.c - one tenant's conversion (see plan.h).
 */
#include "tui/plan.h"

#include <stdlib.h>
#include <string.h>

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

convert_plan *ui_tenant_plan(ui *u, const char *ns, convert_opts *out, mp_err *err)
{
    convert_opts o;
    if (ui_convert_opts(u, &o, err) < 0)
        return NULL;
    if (out)
        *out = o;
    obj_vec in = {0};
    vec_add_kind(&in, u->store, "Ingress", ns);
    vec_add_kind(&in, u->store, "Service", ns);
    vec_add_kind(&in, u->store, "IngressClass", NULL);
    convert_plan *p = NULL;
    if (in.oom)
        mp_errf(err, "out of memory");
    else
        p = convert_run(in.objs, in.n, &o, err);
    free(in.objs);
    return p;
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
