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
#include "model/validate.h"

bool conv_same_path(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    while (la > 1 && a[la - 1] == '/')
        la--;
    while (lb > 1 && b[lb - 1] == '/')
        lb--;
    return la == lb && !strncmp(a, b, la);
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
        while (l > 1 && r->path[l - 1] == '/')
            l--;
        r->len = (long)l + 1; /* the prefix match is "<path>/" */
        r->exact = false;
    } else {
        r->len = (long)l;
        r->exact = r->type == ING_PATH_EXACT;
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

/* The nginx location a route becomes. A trailing '/' folds only for Prefix
 * (/p and /p/ give the same pair of locations); an ImplementationSpecific
 * /p/ is another location than /p, which also matches /pX. */
static void path_key(const hostgrp *g, const rspec *r, char *buf, size_t n)
{
    size_t l = strlen(r->path);
    if (!g->regex && r->type == ING_PATH_PREFIX)
        while (l > 1 && r->path[l - 1] == '/')
            l--;
    char t = g->regex                     ? 'R'
             : r->catchall                ? 'C'
             : r->type == ING_PATH_EXACT  ? 'E'
             : r->type == ING_PATH_PREFIX ? 'P'
                                          : 'I';
    snprintf(buf, n, "%c%.*s", t, (int)l, r->path);
}

/* MP203 on r, naming the route that keeps the location: a path of the same
 * Ingress, or the Ingress nginx reads first. */
static void warn_dup(conv *c, const hostgrp *g, const rspec *r, const rspec *first)
{
    const char *type = ingress_path_type_name(r->type);
    if (first->ing != r->ing) {
        mp_warn(&c->plan->w, MPW_ROUTE_DUP, MP_SEV_WARNING, r->ing->ref, r->be_field,
                "host %s path %s (%s) is already routed by %s, which nginx reads first "
                "(older, or as old and first by namespace/name); nginx ignores this one, so does "
                "the conversion",
                g->host, r->path, type, first->ing->ref);
        return;
    }
    char where[64];
    if (first->from_default)
        snprintf(where, sizeof where, "spec.defaultBackend");
    else
        snprintf(where, sizeof where, "spec.rules[%zu].http.paths[%zu]", first->ri, first->pi);
    mp_warn(&c->plan->w, MPW_ROUTE_DUP, MP_SEV_WARNING, r->ing->ref, r->be_field,
            "host %s path %s (%s) is already routed by %s of the same Ingress; nginx keeps the "
            "first and ignores this one, so does the conversion",
            g->host, r->path, type, where);
}

static bool ends_in_slash(const char *p)
{
    size_t l = strlen(p);
    return l > 1 && p[l - 1] == '/';
}

/* nginx's own trailing-slash redirect (ngx_http_core_module, location): a
 * location whose name ends in '/' and that proxies answers its name without
 * the '/' with 301 to the name, unless a location is named exactly that.
 * ingress-nginx names locations by the path as written: Exact p "= p",
 * ImplementationSpecific p "p", Prefix p "p/" plus the exact copy "= p"
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
            named = !g->r[k].catchall && strlen(g->r[k].path) == ql &&
                    !strncmp(g->r[k].path, r->path, ql);
        r->slash_redirect = !named;
    }
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
    for (size_t i = 0; i < out; i++) {
        if (g->r[i].type != ING_PATH_PREFIX || g->r[i].catchall || ends_in_slash(g->r[i].path))
            continue;
        for (size_t k = 0; k < out; k++)
            if (g->r[k].type == ING_PATH_EXACT && !strcmp(g->r[k].path, g->r[i].path))
                g->r[i].drop_exact = true;
    }
    mark_slash_redirects(g);
}

void conv_order_routes(conv *c, hostgrp *g)
{
    /* keys first: dedup's location key needs catchall */
    for (size_t i = 0; i < g->nr; i++)
        sort_keys(g, &g->r[i]);
    dedup(c, g);
    mp_sort(g->r, g->nr, sizeof *g->r, rspec_cmp);
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

doc_node *conv_uri_matches(const hostgrp *g, const rspec *r)
{
    doc_node *seq = doc_seq_new();
    if (!seq)
        return NULL;
    char buf[2100];
    if (g->regex) {
        snprintf(buf, sizeof buf, "(?i)%s.*", r->path);
        doc_seq_push(seq, conv_uri_match("regex", buf));
    } else if (r->catchall) {
        doc_seq_push(seq, conv_uri_match("prefix", "/"));
    } else if (r->type == ING_PATH_EXACT) {
        doc_seq_push(seq, conv_uri_match("exact", r->path));
    } else if (r->type == ING_PATH_PREFIX) {
        size_t l = strlen(r->path);
        while (l > 1 && r->path[l - 1] == '/')
            l--;
        snprintf(buf, sizeof buf, "%.*s", (int)l, r->path);
        /* "/p/" has no exact "/p": nginx redirects it (slash_redirect) */
        if (!r->drop_exact && !ends_in_slash(r->path))
            doc_seq_push(seq, conv_uri_match("exact", buf));
        snprintf(buf, sizeof buf, "%.*s/", (int)l, r->path);
        doc_seq_push(seq, conv_uri_match("prefix", buf));
    } else {
        doc_seq_push(seq, conv_uri_match("prefix", r->path));
    }
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
        snprintf(re, sizeof re, "(?i)%s.*", r->path);
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
