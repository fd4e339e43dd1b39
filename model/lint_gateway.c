/*
 * lint_gateway.c - gateway binding (MP711-MP715): the Gateway a
 * VirtualService names exists, may be named from its namespace and serves
 * its hosts; no two Gateways of one workload bind the same port and host;
 * a VirtualService made from an Ingress is bound to a Gateway at all.
 */
#include <stdio.h>
#include <string.h>

#include "model/docpath.h"
#include "model/gwhost.h"
#include "model/kobj.h"
#include "model/lint_int.h"

typedef struct {
    const char *key, *path, *port, *host, *selector;
} binding;

typedef int (*binding_fn)(void *ud, const lint_item *it, const binding *b);

/* Calls fn with each host of each server of Gateway it, keyed
 * "selector\x1fport\x1fhost" (the selector canonical: lint_selector). */
static int each_binding(const lint_item *it, binding_fn fn, void *ud)
{
    char sel[512];
    lint_selector(docpath_get(it->doc, "spec.selector"), sel, sizeof sel);
    const doc_node *ss = docpath_get(it->doc, "spec.servers");
    for (size_t s = 0; doc_is_seq(ss) && s < ss->len; s++) {
        const char *port = doc_str(docpath_get(ss->items[s], "port.number"));
        const doc_node *hs = doc_get(ss->items[s], "hosts");
        for (size_t h = 0; port && doc_is_seq(hs) && h < hs->len; h++) {
            const char *host = doc_str(hs->items[h]);
            char key[1100], path[96];
            if (!host)
                continue;
            snprintf(key, sizeof key, "%s\x1f%s\x1f%s", sel, port, host);
            snprintf(path, sizeof path, "spec.servers[%zu].hosts[%zu]", s, h);
            binding b = {key, path, port, host, sel};
            if (fn(ud, it, &b) < 0)
                return -1;
        }
    }
    return 0;
}

static int index_binding(void *ud, const lint_item *it, const binding *b)
{
    lint_ctx *c = ud;
    return lint_pairs_add(&c->binds, c, b->key, it - c->s->items, false);
}

static int index_certs(lint_ctx *c, long i)
{
    const lint_item *it = lint_ctx_item(c, i);
    char sel[512];
    lint_selector(docpath_get(it->doc, "spec.selector"), sel, sizeof sel);
    const doc_node *ss = docpath_get(it->doc, "spec.servers");
    for (size_t s = 0; doc_is_seq(ss) && s < ss->len; s++) {
        const char *cred = doc_str(docpath_get(ss->items[s], "tls.credentialName"));
        char key[1100];
        if (!cred || !*cred)
            continue;
        snprintf(key, sizeof key, "%s\x1f%s", sel, cred);
        if (lint_pairs_add(&c->certs, c, key, i, false) < 0)
            return -1;
    }
    return 0;
}

int lint_index_gateway(lint_ctx *c, long i)
{
    if (strcmp(lint_ctx_item(c, i)->kind, "Gateway"))
        return 0;
    return each_binding(lint_ctx_item(c, i), index_binding, c) < 0 ? -1 : index_certs(c, i);
}

/* ---- Gateways ---- */

static bool newer(const lint_item *a, const lint_item *b)
{
    int d = strcmp(a->created, b->created);
    if (!d)
        d = strcmp(a->ns, b->ns);
    if (!d)
        d = strcmp(a->name, b->name);
    return d > 0;
}

static int conflict(void *ud, const lint_item *it, const binding *b)
{
    lint_run_state *r = ud;
    const lint_item *o =
        lint_ctx_item(r->c, lint_pairs_other(r->c, &r->c->binds, b->key, it, false));
    if (!o || newer(o, it))
        return 0;
    lint_add(r, MPL_GW_CONFLICT, MP_SEV_ERROR, it, b->path, o,
             "serve the host from one Gateway only (merge the servers)",
             "gateway %s/%s binds port %s host %s on the same workload (%s) already", o->ns,
             o->name, b->port, b->host, b->selector);
    return r->oom ? -1 : 0;
}

/* ---- VirtualServices ---- */

static bool ref_allowed(const lint_policy *p, const char *ns, const char *name)
{
    char full[600];
    snprintf(full, sizeof full, "%s/%s", ns, name);
    if (lint_str_eq(p->shared, full))
        return true;
    if (!p->allowed_refs.n)
        return !strcmp(ns, p->gw_ns);
    for (size_t i = 0; i < p->allowed_refs.n; i++) {
        const char *a = p->allowed_refs.v[i];
        size_t l = strlen(ns);
        if (!strcmp(a, full) || (!strncmp(a, ns, l) && !strcmp(a + l, "/*")))
            return true;
    }
    return false;
}

static void hosts_served(lint_run_state *r, const lint_item *it, const lint_item *gw,
                         const char *ref)
{
    const doc_node *hs = docpath_get(it->doc, "spec.hosts");
    for (size_t h = 0; doc_is_seq(hs) && h < hs->len; h++) {
        const char *host = doc_str(hs->items[h]);
        char path[64];
        if (!host || !*host || gw_takes_host(gw->doc, host, it->ns))
            continue;
        snprintf(path, sizeof path, "spec.hosts[%zu]", h);
        lint_add(r, MPL_GW_HOST, MP_SEV_WARNING, it, path, gw,
                 "add the host to a server of the Gateway, or bind another Gateway",
                 "no server of gateway %s serves %s: the Gateway never hands it this traffic", ref,
                 host);
    }
}

static void one_ref(lint_run_state *r, const lint_item *it, const char *ref, size_t i)
{
    char ns[256], path[64];
    const char *name;
    lint_ref_ns(ref, it->ns, ns, sizeof ns, &name);
    snprintf(path, sizeof path, "spec.gateways[%zu]", i);
    if (strcmp(ns, it->ns) && lint_tenant_ns(r->c->p, it->ns) && !ref_allowed(r->c->p, ns, name))
        lint_add(r, MPL_GW_CROSS_NS, MP_SEV_ERROR, it, path, NULL,
                 "bind the tenant's own Gateway, or allow the reference in the policy "
                 "(allowedGatewayRefs)",
                 "gateway %s is in namespace %s, which the policy does not let %s bind", ref, ns,
                 it->ns);
    const lint_item *gw = lint_set_find(r->c->s, "Gateway", ns, name);
    if (gw) {
        hosts_served(r, it, gw, ref);
    } else if (lint_set_known(r->c->s, "Gateway", ns)) {
        lint_add(r, MPL_GW_MISSING, MP_SEV_ERROR, it, path, NULL,
                 "create the Gateway, or name one that exists",
                 "gateway %s/%s does not exist: the VirtualService routes nothing", ns, name);
    }
}

static bool from_ingress(const doc_node *vs)
{
    const char *src = kobj_annotation(vs, CONVERT_SOURCE_ANNOTATION);
    return src && strstr(src, "ingress/");
}

static void virtualservice(lint_run_state *r, const lint_item *it)
{
    const doc_node *gws = docpath_get(it->doc, "spec.gateways");
    const doc_node *hs = docpath_get(it->doc, "spec.hosts");
    bool none = !doc_is_seq(gws) || !gws->len;
    if (none && doc_is_seq(hs) && hs->len && from_ingress(it->doc))
        lint_add(r, MPL_GW_MESH_ONLY, MP_SEV_WARNING, it, "spec.gateways", NULL,
                 "add the Gateway the Ingress's hosts should arrive on",
                 "no gateways: this VirtualService made from an Ingress binds to the mesh only, "
                 "so no request from outside reaches it");
    for (size_t i = 0; !none && i < gws->len; i++) {
        const char *ref = doc_str(gws->items[i]);
        if (ref && *ref && strcmp(ref, "mesh"))
            one_ref(r, it, ref, i);
    }
}

void lint_check_gateway(lint_run_state *r, const lint_item *it)
{
    if (!strcmp(it->kind, "VirtualService"))
        virtualservice(r, it);
    else if (!strcmp(it->kind, "Gateway"))
        each_binding(it, conflict, r);
}
