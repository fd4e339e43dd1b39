/*
 * convert_match.c - pass 4a of the converter: what each route of a host
 * matches and in which order. VirtualService routes are first-match while
 * nginx picks exact locations first, then the longest prefix; the sort keys
 * here make Istio's first match nginx's choice (docs/conversion.md §4-§5).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/convert_int.h"
#include "model/sort.h"
#include "model/strbuf.h"
#include "model/validate.h"

/* The length of the name of nginx's prefix location for Prefix p: p with
 * one '/' added when it has none (location.go normalizePrefixPath), so /x
 * and /x/ are both `/x/` while /x// stays `/x//`. */
static size_t prefix_len(const char *p)
{
    size_t l = strlen(p);
    return l && p[l - 1] == '/' ? l : l + 1;
}

static bool ends_in_slash(const char *p)
{
    size_t l = strlen(p);
    return l > 1 && p[l - 1] == '/';
}

/* needsRewrite compares the target with location.Path when the template
 * runs, after location.go updateServerLocations renamed Prefix p to p/: a
 * target equal to the path as written counts only for such a Prefix (and
 * then for p/ alone; the conversion rewrites both, not modelled). */
bool conv_rewrites(const ing_entry *e, const char *path, ing_path_type type)
{
    const char *t = ingress_nginx_annotation(&e->v, "rewrite-target");
    if (!e->a->rewrite_target || !t || !*t)
        return false; /* an empty target is none */
    if (strcmp(t, path))
        return true;
    return type == ING_PATH_PREFIX && strcmp(path, "/") && !ends_in_slash(path);
}

bool conv_forces_regex(const ing_entry *e, const char *path, ing_path_type type)
{
    return e->a->use_regex || conv_rewrites(e, path, type);
}

static void sort_keys(const hostgrp *g, rspec *r)
{
    size_t l = strlen(r->path);
    r->regex = g->regex;
    r->catchall = !g->regex && r->type != ING_PATH_EXACT && !strcmp(r->path, "/");
    if (g->regex) {
        r->len = (long)l;
        r->exact = false;
    } else if (r->type == ING_PATH_PREFIX) {
        r->len = (long)prefix_len(r->path); /* the prefix match is "<path>/" */
        r->exact = false;
    } else {
        r->len = (long)l;
        r->exact = true; /* only Exact is left: ImplementationSpecific came in as Prefix */
    }
}

/* Longest first, exact before prefix at equal length, catch-all last, then
 * the order nginx saw them (oldest Ingress first). Regex locations are
 * first-match in nginx: ingress-nginx sorts them by path, descending, then
 * stably by length (controller.go getBackendServers), so equal lengths go
 * by path there, whatever the Ingress. */
static int rspec_cmp(const void *pa, const void *pb)
{
    const rspec *a = pa, *b = pb;
    if (a->catchall != b->catchall)
        return a->catchall ? 1 : -1;
    if (a->len != b->len)
        return a->len > b->len ? -1 : 1;
    int by_path = a->regex ? strcmp(b->path, a->path) : 0;
    if (by_path)
        return by_path;
    if (a->exact != b->exact)
        return a->exact ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The ingress-nginx location a route becomes (controller.go
 * getBackendServers keeps one per path as written and pathType). On a
 * regex host that is all, except that every `/` is the root location's
 * (`~* "^/"`, the server's first): regex_shadow then drops what an earlier
 * regex takes whole. Elsewhere a Prefix (ImplementationSpecific is one by
 * now, convert_group.c) is named like nginx's location: /p and /p/ both
 * give `location /p/` (one location for the conversion, a duplicate nginx
 * refuses), /p// is `location /p//`, another one. */
static void path_key(const hostgrp *g, const rspec *r, char *buf, size_t n)
{
    size_t l = strlen(r->path);
    bool slash = !g->regex && r->type == ING_PATH_PREFIX && !r->catchall && prefix_len(r->path) > l;
    char t = g->regex      ? (!strcmp(r->path, "/") || r->type != ING_PATH_EXACT ? 'R' : 'X')
             : r->catchall ? 'C'
             : r->type == ING_PATH_EXACT ? 'E'
                                         : 'P';
    char ts[2] = {t, '\0'};
    str_join(buf, n, ts, r->path, slash ? "/" : "", (char *)NULL);
}

/* The name of nginx's prefix location for a Prefix path: the path ending
 * in '/' (location.go normalizePrefixPath). */
static void prefix_name(const char *path, char *buf, size_t n)
{
    size_t l = strlen(path);
    str_join(buf, n, path, l && path[l - 1] == '/' ? "" : "/", (char *)NULL);
}

/* MP203 for an Exact / path behind the root location of a regex host. */
static void warn_shadowed_root(conv *c, const hostgrp *g, const rspec *r, const rspec *first)
{
    /* convert_root.c put the root location first, as nginx has it */
    mp_warn(&c->plan->w, MPW_ROUTE_DUP, MP_SEV_WARNING, r->ing->ref, r->be_field,
            "host %s is a regex host, where every location is `~* \"^path\"`: nginx's root "
            "location of the host (%s of %s) is `~* \"^/\"` too and comes first, so nginx "
            "never uses this Exact / path; not converted",
            g->host,
            first->from_default ? "spec.defaultBackend"
            : first->root_only  ? "the annotations"
                                : "the `/` path",
            first->ing->ref);
}

/* MP203 on r, naming the route that keeps the location: a path of the same
 * Ingress, or the Ingress nginx reads first. The type is the one written;
 * when either wrote ImplementationSpecific, the message says why it is the
 * same location as a Prefix path. /p and /p/ are two ingress-nginx
 * locations of one nginx name `/p/`, which nginx -t refuses: the message
 * says so rather than claim nginx picks one. */
static void warn_dup(conv *c, const hostgrp *g, const rspec *r, const rspec *first)
{
    if (first->root && g->regex && r->type == ING_PATH_EXACT) {
        warn_shadowed_root(c, g, r, first);
        return;
    }
    const char *type = ingress_path_type_name(r->written);
    const char *as_prefix =
        !g->regex && (r->written == ING_PATH_IMPL || first->written == ING_PATH_IMPL)
            ? " (ingress-nginx serves ImplementationSpecific as Prefix)"
            : "";
    bool same_ing = first->ing == r->ing;
    const char *order =
        same_ing ? "" : ", which nginx reads first (older, or as old and first by namespace/name)";
    char who[400], na[600], nb[600];
    if (!same_ing)
        snprintf(who, sizeof who, "%s", first->ing->ref);
    else if (first->from_default)
        snprintf(who, sizeof who, "spec.defaultBackend of the same Ingress");
    else
        snprintf(who, sizeof who, "spec.rules[%zu].http.paths[%zu] of the same Ingress", first->ri,
                 first->pi);
    prefix_name(r->path, na, sizeof na);
    prefix_name(first->path, nb, sizeof nb);
    if (!g->regex && strcmp(r->path, first->path) && !strcmp(na, nb)) {
        mp_warn(&c->plan->w, MPW_ROUTE_DUP, MP_SEV_WARNING, r->ing->ref, r->be_field,
                "host %s path %s (%s) is already routed by %s as path %s%s%s: ingress-nginx "
                "writes both as `location %s`, which nginx refuses as a duplicate location (the "
                "admission webhook rejects the Ingress that adds the second; without it the "
                "reload fails and nginx keeps its previous configuration); the conversion keeps "
                "that one and drops this one",
                g->host, r->path, type, who, first->path, as_prefix, order, na);
        return;
    }
    mp_warn(&c->plan->w, MPW_ROUTE_DUP, MP_SEV_WARNING, r->ing->ref, r->be_field,
            "host %s path %s (%s) is already routed by %s%s%s; nginx %s this one, so does the "
            "conversion",
            g->host, r->path, type, who, as_prefix, order,
            same_ing ? "keeps the first and ignores" : "ignores");
}

/* Whether an nginx location of r is named q (its first ql bytes): the path
 * as written, or a Prefix's prefix location (the path plus '/'). */
static bool names(const rspec *r, const char *q, size_t ql)
{
    size_t l = strlen(r->path);
    if (l == ql && !strncmp(r->path, q, ql))
        return true;
    return r->type == ING_PATH_PREFIX && l + 1 == ql && q[l] == '/' && !strncmp(r->path, q, l);
}

/* nginx's own trailing-slash redirect (ngx_http_core_module, location): a
 * location whose name ends in '/' and that proxies answers its name without
 * the '/' with 301 to the name, unless a location is named exactly that.
 * ingress-nginx names locations by the path as written: Exact p "= p",
 * Prefix (and so ImplementationSpecific) p "p/" plus the exact copy "= p"
 * (location.go updateServerLocations). Regex hosts have no such locations. */
static void mark_slash_redirects(hostgrp *g)
{
    for (size_t i = 0; i < g->nr; i++) {
        rspec *r = &g->r[i];
        if (r->catchall || !ends_in_slash(r->path))
            continue;
        size_t ql = strlen(r->path) - 1;
        bool named = false;
        for (size_t k = 0; k < g->nr && !named; k++)
            named = !g->r[k].catchall && names(&g->r[k], r->path, ql);
        r->slash_redirect = !named;
    }
}

/* nginx merges adjacent slashes of the request path before it picks a
 * location (merge_slashes, on by default; ingress-nginx's nginx.tmpl does
 * not change it), so no request reaches a location whose name has "//":
 * /x// is a location of its own, not a duplicate of /x/, but never used.
 * Envoy, which does not merge them (Istio's default path normalization),
 * would send /x//y there where nginx sends /x/y elsewhere. */
static void drop_unreachable(conv *c, hostgrp *g)
{
    size_t out = 0;
    for (size_t i = 0; i < g->nr; i++) {
        rspec *r = &g->r[i];
        if (!strstr(r->path, "//")) {
            g->r[out++] = *r;
            continue;
        }
        char name[600];
        prefix_name(r->path, name, sizeof name);
        mp_warn(&c->plan->w, MPW_ROUTE_DUP, MP_SEV_WARNING, r->ing->ref, r->be_field,
                "host %s path %s (%s): nginx merges adjacent slashes of the request path before "
                "it picks a location (merge_slashes is on; ingress-nginx leaves it), so no request "
                "reaches `location %s%s`; it is a location of its own, not a duplicate, but nginx "
                "never uses it: not converted",
                g->host, r->path, ingress_path_type_name(r->written),
                r->type == ING_PATH_EXACT ? "= " : "", r->type == ING_PATH_EXACT ? r->path : name);
    }
    g->nr = out;
}

/* Drops routes nginx would never pick: the same location twice (the older
 * Ingress wins) and the implied exact match of a Prefix path when an Exact
 * path for the same string exists (ingress-nginx compares the paths as
 * written; a Prefix path ending in '/' has no implied exact match of the
 * shorter name). */
static void dedup(conv *c, hostgrp *g)
{
    size_t out = 0;
    for (size_t i = 0; i < g->nr; i++) {
        rspec *r = &g->r[i];
        char ki[600];
        if (out) /* nothing to compare the first with (most hosts: one route) */
            path_key(g, r, ki, sizeof ki);
        const rspec *first = NULL;
        for (size_t k = 0; k < out && !first; k++) {
            char kk[600];
            path_key(g, &g->r[k], kk, sizeof kk);
            if (!strcmp(ki, kk))
                first = &g->r[k];
        }
        if (first) {
            if (!r->from_default)
                warn_dup(c, g, r, first);
            continue;
        }
        g->r[out++] = *r;
    }
    g->nr = out;
    if (g->regex)
        return;
    drop_unreachable(c, g);
    out = g->nr;
    for (size_t i = 0; i < out; i++) {
        if (g->r[i].type != ING_PATH_PREFIX || g->r[i].catchall || ends_in_slash(g->r[i].path))
            continue;
        for (size_t k = 0; k < out; k++)
            if (g->r[k].type == ING_PATH_EXACT && !strcmp(g->r[k].path, g->r[i].path))
                g->r[i].drop_exact = true;
    }
    mark_slash_redirects(g);
}

/* On a regex host, a Prefix path of an Ingress without use-regex and
 * rewrite-target is not left as written: location.go updateServerLocations
 * names it p/ and adds the exact copy p, unless an Exact p exists; with
 * enforceRegex, template.go buildLocation writes both as `~* "^name"`. So
 * it is `~* "^p/"` then `~* "^p"`, which together match what `~* "^p"`
 * does, or only `~* "^p/"` beside an Exact p. */
static void mark_regex_slash(hostgrp *g)
{
    for (size_t i = 0; i < g->nr; i++) {
        rspec *r = &g->r[i];
        r->regex_slash = false;
        if (r->type != ING_PATH_PREFIX || conv_forces_regex(r->ing, r->path, r->type) ||
            ends_in_slash(r->path) || !strcmp(r->path, "/"))
            continue;
        for (size_t k = 0; k < g->nr && !r->regex_slash; k++)
            r->regex_slash = g->r[k].type == ING_PATH_EXACT && !strcmp(g->r[k].path, r->path);
    }
}

/* MP203 for a Prefix that is only `~* "^p/"`, behind an earlier regex that
 * matches everything it does. */
static void warn_slash_shadowed(conv *c, const hostgrp *g, const rspec *r, const rspec *first)
{
    char who[400];
    if (first->ing != r->ing)
        snprintf(who, sizeof who, "%s", first->ing->ref);
    else
        snprintf(who, sizeof who, "spec.rules[%zu].http.paths[%zu] of the same Ingress", first->ri,
                 first->pi);
    mp_warn(&c->plan->w, MPW_ROUTE_DUP, MP_SEV_WARNING, r->ing->ref, r->be_field,
            "host %s is a regex host: ingress-nginx writes this Prefix path %s as `~* \"^%s/\"` "
            "alone, without the exact copy, since an Exact %s exists (location.go "
            "updateServerLocations); the path %s (%s) of %s, `~* \"^%s%s\"`, comes first and "
            "matches everything it does: nginx never uses it; not converted",
            g->host, r->path, r->path, r->path, first->path, ingress_path_type_name(first->written),
            who, first->path, first->regex_slash ? "/" : "");
}

/* The regex nginx has for r on a regex host: `~* "^<path>[/]"`. */
static void regex_of(const rspec *r, char *buf, size_t n)
{
    snprintf(buf, n, "%s%s", r->path, r->regex_slash ? "/" : "");
}

/* Regex locations are first-match in nginx's order (the sort before this):
 * a route whose regex an earlier route has, or that is only `~* "^p/"`
 * behind an earlier `~* "^p"`, never matches. */
static void regex_shadow(conv *c, hostgrp *g)
{
    size_t out = 0;
    for (size_t i = 0; i < g->nr; i++) {
        rspec *r = &g->r[i];
        char ri[2100];
        regex_of(r, ri, sizeof ri);
        const rspec *first = NULL;
        for (size_t k = 0; k < out && !first; k++) {
            char rk[2100];
            regex_of(&g->r[k], rk, sizeof rk);
            if (!strcmp(rk, ri) || (r->regex_slash && !strcmp(rk, r->path)))
                first = &g->r[k];
        }
        if (first && r->regex_slash)
            warn_slash_shadowed(c, g, r, first);
        else if (first && !r->from_default)
            warn_dup(c, g, r, first);
        if (!first)
            g->r[out++] = *r;
    }
    g->nr = out;
}

void conv_order_routes(conv *c, hostgrp *g)
{
    /* keys first: dedup's location key needs catchall */
    for (size_t i = 0; i < g->nr; i++)
        sort_keys(g, &g->r[i]);
    dedup(c, g);
    if (g->regex)
        mark_regex_slash(g);
    mp_sort(g->r, g->nr, sizeof *g->r, rspec_cmp);
    if (g->regex)
        regex_shadow(c, g);
}

doc_node *conv_uri_match(const char *kind, const char *value)
{
    doc_node *m = doc_map_new(), *u = doc_map_new();
    if (!m || !u) {
        doc_free(m);
        doc_free(u);
        return NULL;
    }
    doc_map_set_str(u, kind, value);
    doc_map_set(m, "uri", u);
    return m;
}

size_t conv_uri_list(const hostgrp *g, const rspec *r, conv_uri out[2], char buf[2100])
{
    if (g->regex) {
        snprintf(buf, 2100, "(?i)%s%s.*", r->path, r->regex_slash ? "/" : "");
        out[0] = (conv_uri){"regex", buf};
        return 1;
    }
    if (r->catchall) {
        out[0] = (conv_uri){"prefix", "/"};
        return 1;
    }
    if (r->type == ING_PATH_EXACT) {
        out[0] = (conv_uri){"exact", r->path};
        return 1;
    }
    /* Prefix, ImplementationSpecific. "/p/" has no exact "/p": nginx
     * redirects it (slash_redirect) */
    size_t n = 0;
    if (!r->drop_exact && !ends_in_slash(r->path))
        out[n++] = (conv_uri){"exact", r->path};
    str_join(buf, 2100, r->path, ends_in_slash(r->path) ? "" : "/", (char *)NULL);
    out[n++] = (conv_uri){"prefix", buf};
    return n;
}

doc_node *conv_uri_matches(const hostgrp *g, const rspec *r)
{
    doc_node *seq = doc_seq_new();
    if (!seq)
        return NULL;
    char buf[2100];
    conv_uri u[2];
    size_t n = conv_uri_list(g, r, u, buf);
    for (size_t i = 0; i < n; i++)
        doc_seq_push(seq, conv_uri_match(u[i].kind, u[i].value));
    return seq;
}

/* Each uri match of base, plus headers {name: {how: value}}. */
doc_node *conv_with_header(const doc_node *base, const char *name, const char *how,
                           const char *value)
{
    doc_node *seq = doc_seq_new();
    for (size_t i = 0; seq && i < base->len; i++) {
        doc_node *m = doc_clone(doc_at(base, i));
        doc_node *hs = doc_map_ensure(m, "headers", DOC_MAP);
        doc_node *h = doc_map_new();
        if (h)
            doc_map_set_str(h, how, value);
        if (hs)
            doc_map_set(hs, name, h);
        else
            doc_free(h);
        doc_seq_push(seq, m);
    }
    return seq;
}

bool conv_check_regex(conv *c, const hostgrp *g, const rspec *r)
{
    /* the path alone names the mistake; the regex Envoy gets is checked
     * too, for Istio's length limit */
    char why[200];
    if (val_re2(r->path, why, sizeof why)) {
        char re[2100], whole[160];
        snprintf(re, sizeof re, "(?i)%s%s.*", r->path, r->regex_slash ? "/" : "");
        if (val_re2(re, whole, sizeof whole))
            return true;
        snprintf(why, sizeof why, "as (?i)<path>.*: %s", whole);
    }
    char field[96];
    snprintf(field, sizeof field, "spec.rules[%zu].http.paths[%zu].path", r->ri, r->pi);
    mp_warn(&c->plan->w, MPW_REGEX_INVALID, MP_SEV_ERROR, r->ing->ref, field,
            "host %s is in regex mode and \"%s\" is not valid RE2 (%s); route not converted",
            g->host, r->path, why);
    return false;
}

bool conv_check_path(conv *c, const hostgrp *g, const rspec *r)
{
    /* the API server takes any path starting with '/'; istiod refuses a
     * uri.exact/prefix with a space or control character, and '?' or '#'
     * can never match (nginx matches the path without the query) */
    char why[200];
    if (val_path(r->path, why, sizeof why))
        return true;
    char field[96];
    snprintf(field, sizeof field, "spec.rules[%zu].http.paths[%zu].path", r->ri, r->pi);
    mp_warn(&c->plan->w, MPW_REGEX_INVALID, MP_SEV_ERROR, r->ing->ref, field,
            "host %s: path \"%s\" %s; route not converted", g->host, r->path, why);
    return false;
}
