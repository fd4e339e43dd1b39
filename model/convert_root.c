/*
 * convert_root.c - the root location `/` of each host (docs/conversion.md
 * §4, "The root location").
 *
 * ingress-nginx creates a host's server when the first Ingress naming the
 * host (nginx's order, canaries aside) is read, and with it the location
 * `/` (controller.go createServers): it goes to that Ingress's
 * spec.defaultBackend, else to the controller's default backend (404), and
 * carries that Ingress's location annotations (locationApplyAnnotations).
 * A `/` path of any Ingress, Prefix or ImplementationSpecific (which
 * ingress-nginx reads as Prefix), takes that location over
 * (getBackendServers); an Exact `/` is another location. So requests no
 * path matches get the owner's answer: its defaultBackend, or without one
 * what its annotations answer before any backend (a location nginx denies:
 * 503; a redirect); nothing else differs from Envoy's 404. While the
 * location is the owner's, its use-regex / a rewrite-target other than `/`
 * make the host a regex host (template.go enforceRegexModifier reads every location) and
 * its app-root redirects `/`. Other Ingresses' defaultBackends are not
 * used for the host.
 */
#include <stdio.h>
#include <string.h>

#include "model/convert_int.h"

static bool denied(const ing_entry *e)
{
    for (size_t i = 0; i < e->a->acc.n; i++)
        if (e->a->acc.item[i].kind == ACC_DENIED)
            return true;
    return false;
}

static bool routable_default(const ing_entry *e)
{
    return e->v.has_default && e->v.default_backend.service && e->a->proto != BP_UNROUTABLE;
}

/* Each host once per Ingress: rule ri is the first of e naming its host. */
static bool first_rule_of_host(const ing_entry *e, size_t ri)
{
    const char *h = e->v.rules[ri].host;
    for (size_t k = 0; k < ri; k++)
        if (e->v.rules[k].host && !strcmp(e->v.rules[k].host, h))
            return false;
    return true;
}

int conv_root_claim(conv *c, ing_entry *e, size_t ri)
{
    const char *host = e->v.rules[ri].host;
    if (!first_rule_of_host(e, ri))
        return 0;
    long o = hmap_get(&c->owner_idx, host);
    if (o >= 0) {
        if (e->v.has_default && e->v.default_backend.service)
            mp_warn(&c->plan->w, MPW_ROUTE_DUP, MP_SEV_WARNING, e->ref, "spec.defaultBackend",
                    "not used for host %s: nginx gives the host's root location `/` (requests no "
                    "path matches) to %s, the first Ingress naming it (older, or as old and "
                    "first by namespace/name), and so does the conversion",
                    host, c->ing[o].ref);
        return 0;
    }
    /* host is the Ingress's, which lives as long as the map */
    if ((!c->owner_idx.cap && hmap_reserve(&c->owner_idx, c->ning) < 0) ||
        hmap_put_ref(&c->owner_idx, host, (size_t)(e - c->ing)) < 0)
        return -1;
    bool dflt = routable_default(e);
    if (!dflt && !denied(e) && !e->a->redirect)
        return 0; /* nginx's default backend: 404, as Envoy without a route */
    hostgrp *g = conv_get_grp(c, e->v.ns, host, true);
    rspec *r = g ? conv_add_rspec(g) : NULL;
    if (!r)
        return -1;
    g->root_owner = e;
    r->ing = e;
    r->path = "/";
    r->type = ING_PATH_PREFIX;
    r->written = ING_PATH_PREFIX;
    r->root = true;
    r->ri = ri;
    r->from_default = dflt;
    r->root_only = !dflt;
    r->be = dflt ? &e->v.default_backend : NULL;
    r->be_field =
        dflt ? conv_text(c, 96, "spec.defaultBackend") : conv_text(c, 96, "spec.rules[%zu]", ri);
    return 0;
}

static size_t owner_route(const hostgrp *g)
{
    size_t k = 0;
    while (k < g->nr && !(g->r[k].from_default || g->r[k].root_only))
        k++;
    return k;
}

static void drop_route(hostgrp *g, size_t k)
{
    memmove(&g->r[k], &g->r[k + 1], (g->nr - k - 1) * sizeof *g->r);
    g->nr--;
}

/* A host's own `/` path took the location: the owner's defaultBackend is
 * not used for it (silent when the owner wrote that path itself). */
static void note_taken(conv *c, const hostgrp *g, const rspec *r)
{
    if (!r->from_default || g->root_taker == r->ing)
        return;
    mp_warn(&c->plan->w, MPW_ROUTE_DUP, MP_SEV_WARNING, r->ing->ref, "spec.defaultBackend",
            "not used for host %s: the `/` path of %s takes over nginx's root location of "
            "the host (requests no other path matches), and so does the conversion",
            g->host, g->root_taker->ref);
}

/* On a regex host every location is `~* "^path"`, and the root location
 * comes first among the `/` ones (ingress-nginx's sort is stable and the
 * root location is the server's first): an Exact `/` path is never used.
 * Here the root location has no route: nginx's 404, or a `/` path of a
 * backend Istio cannot reach (reported on its own). */
static void drop_shadowed_exact(conv *c, hostgrp *g)
{
    char who[400];
    if (g->root_taker)
        snprintf(who, sizeof who, "the `/` path of %s", g->root_taker->ref);
    else
        snprintf(who, sizeof who, "%s, the first Ingress naming it, without defaultBackend: 404",
                 c->ing[hmap_get(&c->owner_idx, g->host)].ref);
    for (size_t k = 0; k < g->nr;) {
        const rspec *r = &g->r[k];
        if (r->type != ING_PATH_EXACT || strcmp(r->path, "/")) {
            k++;
            continue;
        }
        mp_warn(&c->plan->w, MPW_ROUTE_DUP, MP_SEV_WARNING, r->ing->ref, r->be_field,
                "host %s is a regex host, where every location is `~* \"^path\"`: nginx's root "
                "location of the host (%s) is `~* \"^/\"` too and comes first, so nginx never "
                "uses this Exact / path; not converted",
                g->host, who);
        drop_route(g, k);
    }
}

/* The root location stays the owner's: its route (if any) stays, and its
 * host-wide settings count (regex mode, app-root, redirects), also when it
 * wrote no path for the host. */
static int keep_owner(conv *c, hostgrp *g)
{
    ing_entry *o = &c->ing[hmap_get(&c->owner_idx, g->host)];
    bool regex = conv_forces_regex(o, "/", ING_PATH_PREFIX); /* its root location `/` */
    if (g->root_owner != o && !regex && !o->a->app_root)
        return 0; /* nothing of its own: nginx's 404 */
    size_t n = g->nsrc;
    if (conv_add_src(&g->src, &g->nsrc, o) < 0)
        return -1;
    if (g->nsrc > n) { /* sources go in nginx's order, and the owner is the oldest */
        memmove(&g->src[1], &g->src[0], n * sizeof *g->src);
        g->src[0] = o;
    }
    conv_note_host_settings(c, g, o, g->host);
    g->regex = g->regex || regex;
    return 0;
}

int conv_resolve_roots(conv *c)
{
    for (size_t i = 0; i < c->ngrp; i++) {
        hostgrp *g = &c->grp[i];
        size_t k = owner_route(g);
        if (g->root_taker && k < g->nr) {
            note_taken(c, g, &g->r[k]);
            drop_route(g, k);
        }
        if (g->root_taker)
            k = g->nr;
        else if (keep_owner(c, g) < 0)
            return -1;
        for (size_t j = 0; k == g->nr && j < g->nr; j++)
            if (g->r[j].type != ING_PATH_EXACT && !strcmp(g->r[j].path, "/"))
                k = j; /* the first `/` path: the root location's route */
        if (k == g->nr) {
            if (g->regex)
                drop_shadowed_exact(c, g);
            continue;
        }
        /* first in the list, so that it wins the duplicate check against
         * an Exact `/` on a regex host, as nginx's root location does */
        rspec root = g->r[k];
        root.root = true;
        memmove(&g->r[1], &g->r[0], k * sizeof *g->r);
        g->r[0] = root;
    }
    return 0;
}
