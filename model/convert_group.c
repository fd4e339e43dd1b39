/*
 * convert_group.c - pass 3 of the converter: every path of every main
 * Ingress joins the route list of its host, whatever its namespace (nginx
 * builds one server per host out of every Ingress), which becomes one
 * VirtualService, or a root with delegates (convert_routes.c); TLS secrets
 * and redirect settings are gathered per host; canary Ingresses are
 * attached to the main route with the same path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/convert_int.h"
#include "model/strbuf.h"
#include "model/x509name.h"

/* The groups are allocated for one host per Ingress at once (most have
 * one), then doubled at powers of two: no copy of a growing array at 10k. */
static int grp_room(conv *c)
{
    size_t first = 1;
    while (first < c->ning)
        first *= 2;
    size_t n = c->ngrp;
    if (n && (n < first || (n & (n - 1))))
        return 0;
    hostgrp *g = realloc(c->grp, (n ? n * 2 : first) * sizeof *g);
    if (!g)
        return -1;
    c->grp = g;
    return 0;
}

hostgrp *conv_get_grp(conv *c, const char *ns, const char *host, bool create)
{
    long i = hmap_get(&c->grp_idx, host);
    if (i >= 0)
        return &c->grp[i];
    if (!create || grp_room(c) < 0)
        return NULL;
    hostgrp *g = &c->grp[c->ngrp];
    memset(g, 0, sizeof *g);
    g->ns = ns;
    g->host = host;
    /* host is the Ingress's (it lives as long as the run): not copied */
    if ((!c->grp_idx.cap && hmap_reserve(&c->grp_idx, c->ning) < 0) ||
        hmap_put_ref(&c->grp_idx, host, c->ngrp) < 0)
        return NULL;
    c->ngrp++;
    return g;
}

rspec *conv_add_rspec(hostgrp *g)
{
    if (g->nr == g->cap) {
        /* from one: a host has 1.2 routes at 10k Ingresses, and four
         * (448 bytes) for each of 9,300 hosts was 4 MiB of pages touched */
        size_t cap = g->cap ? g->cap * 2 : 1;
        rspec *r = realloc(g->r, cap * sizeof *r);
        if (!r)
            return NULL;
        g->r = r;
        g->cap = cap;
    }
    rspec *r = &g->r[g->nr];
    memset(r, 0, sizeof *r);
    r->be_field = r->canary_field = "";
    r->seq = g->nr++;
    return r;
}

static bool is_platform(const convert_opts *o, const char *host)
{
    if (o->mode != GW_MODE_SHARED)
        return false;
    if (!o->nplatform_domains)
        return true;
    size_t hl = strlen(host);
    for (size_t i = 0; i < o->nplatform_domains; i++) {
        const char *d = o->platform_domains[i];
        size_t dl = strlen(d);
        if (!strcmp(host, d) || (hl > dl && host[hl - dl - 1] == '.' && !strcmp(host + hl - dl, d)))
            return true;
    }
    return false;
}

void conv_note_host_settings(conv *c, hostgrp *g, ing_entry *e, const char *host)
{
    g->platform = is_platform(c->o, host);
    if (e->a->app_root && !g->app_root) {
        g->app_root = e->a->app_root;
        g->app_root_ing = e;
    }
    if (e->a->ssl_redirect == 0)
        g->redirect_no = true;
    else
        g->redirect_yes = true;
    g->force = g->force || e->a->force_ssl_redirect;
}

/* The field of a backend: a literal for the first rules and paths (the
 * usual ones), else text of the run (at most 95 bytes as ever). No
 * formatting and no copy for each of 10,000 paths. */
#define BE_FIELD(r, p) "spec.rules[" #r "].http.paths[" #p "].backend"
#define BE_ROW(r)                                                                                  \
    {                                                                                              \
        BE_FIELD(r, 0), BE_FIELD(r, 1), BE_FIELD(r, 2), BE_FIELD(r, 3), BE_FIELD(r, 4),            \
            BE_FIELD(r, 5), BE_FIELD(r, 6), BE_FIELD(r, 7)                                         \
    }

static const char *backend_field(conv *c, size_t ri, size_t pi)
{
    static const char *const lit[4][8] = {BE_ROW(0), BE_ROW(1), BE_ROW(2), BE_ROW(3)};
    if (ri < 4 && pi < 8)
        return lit[ri][pi];
    char field[96];
    char ra[24], pa[24];
    str_utoa(ra, ri), str_utoa(pa, pi);
    str_join(field, sizeof field, "spec.rules[", ra, "].http.paths[", pa, "].backend",
             (char *)NULL);
    return conv_keep(c, field);
}

/* A route for each path of rule ri that has a Service backend. */
static int add_rule_paths(conv *c, hostgrp *g, ing_entry *e, size_t ri)
{
    const ing_rule *rule = &e->v.rules[ri];
    for (size_t pi = 0; pi < rule->npaths; pi++) {
        const ing_path *p = &rule->paths[pi];
        const char *field = backend_field(c, ri, pi);
        if (!p->backend.service) {
            mp_warn(&c->plan->w, MPW_BACKEND_NOSVC, MP_SEV_ERROR, e->ref, field,
                    "a %s resource backend has no Istio destination; path %s not converted",
                    p->backend.resource, p->path);
            continue; /* nginx skips it too: it takes no location, not even `/` */
        }
        if (!g->root_taker && p->type != ING_PATH_EXACT && !strcmp(p->path, "/"))
            g->root_taker = e; /* convert_root.c */
        g->regex = g->regex || conv_forces_regex(e, p->path, ingress_nginx_path_type(p->type));
        if (e->a->proto == BP_UNROUTABLE)
            continue; /* reported by the backend-protocol rule */
        rspec *r = conv_add_rspec(g);
        if (!r)
            return -1;
        r->ing = e;
        r->path = p->path;
        r->type = ingress_nginx_path_type(p->type);
        r->written = p->type;
        r->be = &p->backend;
        r->be_field = field;
        r->ri = ri;
        r->pi = pi;
    }
    return 0;
}

int conv_group_paths(conv *c, ing_entry *e)
{
    mp_warnings *w = &c->plan->w;
    bool hostless_warned = false;
    for (size_t ri = 0; ri < e->v.nrules; ri++) {
        const ing_rule *rule = &e->v.rules[ri];
        if (!rule->host) {
            bool routes = rule->npaths || e->v.has_default;
            if (routes && !hostless_warned)
                mp_warn(w, MPW_HOST_MISSING, MP_SEV_ERROR, e->ref, "spec.rules[].host",
                        "a rule without host would need hosts \"*\" on the Gateway, which would "
                        "capture every tenant's traffic; its paths are not converted");
            hostless_warned = hostless_warned || routes;
            continue;
        }
        /* the host's root location, when e is the first Ingress naming it */
        if (conv_root_claim(c, e, ri) < 0)
            return -1;
        /* No paths (`http:` absent or null): nothing beyond the root
         * location; nginx answers the rest from its default backend (404),
         * as Envoy does for a host no VirtualService claims. */
        if (!rule->npaths)
            continue;
        hostgrp *g = conv_get_grp(c, e->v.ns, rule->host, true);
        if (!g || conv_add_src(&g->src, &g->nsrc, e) < 0)
            return -1;
        conv_note_host_settings(c, g, e, rule->host);
        if (add_rule_paths(c, g, e, ri) < 0)
            return -1;
    }
    if (e->v.has_default && !e->v.nrules)
        mp_warn(w, MPW_DEFAULT_BACKEND, MP_SEV_ERROR, e->ref, "spec.defaultBackend",
                "an Ingress with only a defaultBackend is nginx's default server for every "
                "host; a tenant cannot own \"*\": not converted");
    return 0;
}

static const char *const *tls_hosts(const ing_entry *e, const ing_tls *t, size_t *n,
                                    const char **buf, size_t cap)
{
    if (t->nhosts) {
        *n = t->nhosts;
        return t->hosts;
    }
    *n = 0; /* no hosts: the certificate covers the Ingress's own hosts */
    for (size_t i = 0; i < e->v.nrules && *n < cap; i++)
        if (e->v.rules[i].host)
            buf[(*n)++] = e->v.rules[i].host;
    return buf;
}

/* MP304, naming where the kept certificate comes from. */
static void warn_second_secret(mp_warnings *w, const hostgrp *g, const ing_entry *e,
                               const char *field, const char *host, const char *secret)
{
    if (g->secret_ing == e)
        mp_warn(w, MPW_TLS_CONFLICT, MP_SEV_WARNING, e->ref, field,
                "host %s already uses secret %s from spec.tls[%zu] of the same Ingress (the "
                "first wins, as in nginx); %s ignored for it",
                host, g->secret, g->secret_ti, secret);
    else
        mp_warn(w, MPW_TLS_CONFLICT, MP_SEV_WARNING, e->ref, field,
                "host %s already uses secret %s from %s (older Ingress wins, as in nginx); %s "
                "ignored for it",
                host, g->secret, g->secret_ing->ref, secret);
}

/* nginx takes a host's certificate only from the spec.tls of an Ingress
 * that routes the host (createServers walks each Ingress's own rules). */
static bool routes_host(const ing_entry *e, const char *host)
{
    for (size_t i = 0; i < e->v.nrules; i++)
        if (e->v.rules[i].host && !strcmp(e->v.rules[i].host, host))
            return true;
    return false;
}

/* true when a spec.tls entry of e names host (an entry without hosts
 * names the Ingress's own hosts). */
static bool tls_lists(const ing_entry *e, const char *host)
{
    for (size_t ti = 0; ti < e->v.ntls; ti++) {
        const char *buf[64];
        size_t nh;
        const char *const *hosts = tls_hosts(e, &e->v.tls[ti], &nh, buf, 64);
        for (size_t h = 0; h < nh; h++)
            if (!strcmp(hosts[h], host))
                return true;
    }
    return false;
}

static void set_secret(hostgrp *g, ing_entry *e, size_t ti, const char *wild)
{
    g->secret = e->v.tls[ti].secret;
    g->secret_ing = e;
    g->secret_ti = ti;
    g->secret_wild = wild;
}

/* "spec.tls[ti].secretName": a literal for the first entries, else in
 * buf. No text built for each of 10,000 Ingresses. */
static const char *secret_field(size_t ti, char buf[64])
{
#define SECRET_FIELD(i) "spec.tls[" #i "].secretName"
    static const char *const lit[] = {SECRET_FIELD(0), SECRET_FIELD(1), SECRET_FIELD(2),
                                      SECRET_FIELD(3)};
#undef SECRET_FIELD
    if (ti < sizeof lit / sizeof *lit)
        return lit[ti];
    char at[24];
    str_utoa(at, ti);
    str_join(buf, 64, "spec.tls[", at, "].secretName", (char *)NULL);
    return buf;
}

/* The tls entries that list a host by name: the first secret wins. */
static void tls_exact(conv *c, ing_entry *e)
{
    mp_warnings *w = &c->plan->w;
    for (size_t ti = 0; ti < e->v.ntls; ti++) {
        const ing_tls *t = &e->v.tls[ti];
        char fbuf[64];
        const char *field = secret_field(ti, fbuf);
        if (t->bad_secret) {
            mp_warn(w, MPW_TLS_NO_SECRET, MP_SEV_WARNING, e->ref, field,
                    "\"%.100s\" is not a valid Secret name, so no such certificate exists (nginx "
                    "serves its default certificate): no HTTPS server generated for these hosts",
                    t->bad_secret);
            continue;
        }
        if (!t->secret) {
            mp_warn(w, MPW_TLS_NO_SECRET, MP_SEV_WARNING, e->ref, field,
                    "no secretName (nginx serves its default certificate): no HTTPS server "
                    "generated for these hosts");
            continue;
        }
        const char *buf[64];
        size_t nh;
        const char *const *hosts = tls_hosts(e, t, &nh, buf, 64);
        for (size_t h = 0; h < nh; h++) {
            /* a certificate for a host this Ingress does not route: no lookup */
            hostgrp *g =
                routes_host(e, hosts[h]) ? conv_get_grp(c, e->v.ns, hosts[h], false) : NULL;
            if (!g)
                continue;
            if (!g->secret)
                set_secret(g, e, ti, NULL);
            else if (strcmp(g->secret, t->secret))
                warn_second_secret(w, g, e, field, hosts[h], t->secret);
        }
    }
}

/* The wildcard tls host of e that covers host (x509 rules), or NULL. */
static const char *wild_cover(const ing_entry *e, const char *host, size_t *ti, size_t *hi)
{
    for (*ti = 0; *ti < e->v.ntls; (*ti)++) {
        const ing_tls *t = &e->v.tls[*ti];
        for (*hi = 0; t->secret && *hi < t->nhosts; (*hi)++)
            if (x509_name_is_wildcard(t->hosts[*hi]) && x509_name_covers(t->hosts[*hi], host))
                return t->hosts[*hi];
    }
    return NULL;
}

/* A rule host no entry lists: nginx checks the names of each entry's
 * certificate. meshpanel does not read Secrets, so a wildcard tls host
 * that covers the rule host is the evidence (MP307 says so). */
static void tls_wildcard(conv *c, ing_entry *e)
{
    for (size_t ri = 0; e->v.ntls && ri < e->v.nrules; ri++) {
        const char *host = e->v.rules[ri].host;
        size_t ti, hi;
        const char *wild;
        hostgrp *g;
        /* the host lookup last: most hosts are listed, or no wildcard covers them */
        if (!host || tls_lists(e, host) || !(wild = wild_cover(e, host, &ti, &hi)) ||
            !(g = conv_get_grp(c, e->v.ns, host, false)) || g->secret)
            continue;
        set_secret(g, e, ti, wild);
        char field[64];
        snprintf(field, sizeof field, "spec.tls[%zu].hosts[%zu]", ti, hi);
        mp_warn(&c->plan->w, MPW_TLS_WILDCARD, MP_SEV_INFO, e->ref, field,
                "host %s is served over HTTPS with secret %s: no tls entry lists it, but %s "
                "covers it (one label), and nginx takes a certificate whose names cover the "
                "host; the Secret is not read, so check that its certificate is for %s",
                host, g->secret, wild, wild);
    }
}

/* nginx's order: the Ingresses in turn, each one's exact tls hosts before
 * its wildcard ones; the first certificate a host gets stays. */
void conv_group_tls(conv *c, ing_entry *e)
{
    tls_exact(c, e);
    tls_wildcard(c, e);
}

void conv_tls_uncovered(conv *c)
{
    for (size_t i = 0; i < c->ning; i++) {
        ing_entry *e = &c->ing[i];
        if (!e->routed || e->canary || !e->v.ntls)
            continue;
        for (size_t ri = 0; ri < e->v.nrules; ri++) {
            const char *host = e->v.rules[ri].host;
            bool seen = false;
            for (size_t k = 0; host && k < ri && !seen; k++)
                seen = e->v.rules[k].host && !strcmp(e->v.rules[k].host, host);
            hostgrp *g; /* looked up last: most hosts are listed */
            if (!host || seen || tls_lists(e, host) ||
                !(g = conv_get_grp(c, e->v.ns, host, false)) || g->secret)
                continue;
            mp_warn(&c->plan->w, MPW_TLS_NO_SECRET, MP_SEV_WARNING, e->ref, "spec.tls",
                    "host %s: no tls entry lists it or covers it (a wildcard covers one label "
                    "only), so nginx answers HTTPS with its default certificate and does not "
                    "redirect HTTP: no HTTPS server generated for it, plain HTTP as in nginx",
                    host);
        }
    }
}

/* The main route a canary path merges into: ingress-nginx compares the
 * path as written and the pathType, both after SetDefaultNGINXPathType
 * made ImplementationSpecific Prefix (controller.go
 * mergeAlternativeBackends: loc.Path == path.Path && *loc.PathType ==
 * *path.PathType). No trailing-slash folding: /app/ is not /app. The first
 * such route is the location nginx kept (dedup keeps the first). */
static rspec *find_main(hostgrp *g, const ing_path *p)
{
    ing_path_type t = ingress_nginx_path_type(p->type);
    for (size_t k = 0; g && k < g->nr; k++)
        if (g->r[k].be && !g->r[k].from_default && g->r[k].type == t &&
            !strcmp(g->r[k].path, p->path))
            return &g->r[k];
    return NULL;
}

void conv_attach_canary(conv *c, ing_entry *e)
{
    mp_warnings *w = &c->plan->w;
    for (size_t ri = 0; ri < e->v.nrules; ri++) {
        const ing_rule *rule = &e->v.rules[ri];
        hostgrp *g = rule->host ? conv_get_grp(c, e->v.ns, rule->host, false) : NULL;
        for (size_t pi = 0; pi < rule->npaths; pi++) {
            const ing_path *p = &rule->paths[pi];
            char field[96];
            char ra[24], pa[24]; /* no snprintf: built for every path */
            str_utoa(ra, ri), str_utoa(pa, pi);
            str_join(field, sizeof field, "spec.rules[", ra, "].http.paths[", pa, "]",
                     (char *)NULL);
            rspec *main = find_main(g, p);
            if (!main || !p->backend.service) {
                mp_warn(w, MPW_CANARY_ORPHAN, MP_SEV_ERROR, e->ref, field,
                        "canary for %s%s (%s) has no main Ingress with that host, path and "
                        "pathType (ingress-nginx merges a canary only into the location with the "
                        "same path as written and the same pathType, ImplementationSpecific "
                        "being Prefix); not converted",
                        rule->host ? rule->host : "", p->path, ingress_path_type_name(p->type));
                continue;
            }
            if (main->canary) {
                mp_warn(w, MPW_CANARY_ORPHAN, MP_SEV_WARNING, e->ref, field,
                        "%s already has canary %s (nginx allows one); ignored", p->path,
                        main->canary->ref);
                continue;
            }
            main->canary = e;
            main->canary_be = &p->backend;
            main->canary_field = conv_text(c, 128, "%s.backend", field);
            conv_add_src(&g->src, &g->nsrc, e);
        }
    }
}
