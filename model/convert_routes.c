/*
 * convert_routes.c - pass 4b of the converter: one VirtualService per host.
 * Each route gets its destination (named ports resolved through the
 * input's Services), rewrite, timeout, retries, CORS and header edits;
 * nginx's trailing-slash redirect, canary and force-ssl variants go
 * directly before their base route (docs/conversion.md §4, §7-§9). Matches
 * and order come from convert_match.c; a host routed from several
 * namespaces also gets delegates (convert_delegate.c).
 *
 * In text mode (convert -f / -A to YAML) a host of one namespace has its
 * VirtualService written with yaml_w as the routes are decided: building,
 * ordering, writing and freeing a tree per route was half of this pass.
 * Only the plain route (a backend or a direct response) is written so;
 * the rest is built as trees one route at a time and written in place,
 * and test_convert_stream holds both to the tree mode's bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/convert_int.h"
#include "model/emit.h"
#include "model/istio.h"
#include "model/strbuf.h"

/* s[0..len) after buf[0..at), cut to n - 1 bytes as str_join cuts;
 * returns the new length (the caller ends the text). */
static size_t cat(char *buf, size_t n, size_t at, const char *s, size_t len)
{
    if (len > n - 1 - at)
        len = n - 1 - at;
    memcpy(buf + at, s, len);
    return at + len;
}

/* A destination's host (into host[600], *hlen its length) and port (0:
 * none), with MP201 when a named port does not resolve. */
static long dest_resolve(conv *c, const rspec *r, const ing_backend *be, const char *field,
                         const ing_entry *owner, char *host, size_t *hlen)
{
    /* the canary's Service is in the canary's namespace, which may not be
     * the main Ingress's (a host's routes come from every namespace) */
    const char *ns = owner == r->canary ? r->canary->v.ns : r->ing->v.ns;
    const char *suffix = c->o->domain_suffix;
    size_t n = cat(host, 600, 0, be->service, strlen(be->service));
    n = cat(host, 600, n, ".", 1);
    n = cat(host, 600, n, ns, strlen(ns));
    n = cat(host, 600, n, ".svc.", 5);
    n = cat(host, 600, n, suffix, strlen(suffix));
    host[n] = '\0';
    *hlen = n;
    long port = be->port_number;
    if (!port) {
        const svc_view *s = conv_find_svc(c, ns, be->service);
        port = service_port_by_name(s, be->port_name);
        if (!port) {
            char f[128];
            snprintf(f, sizeof f, "%s.service.port.name", field);
            mp_warn(&c->plan->w, MPW_PORT_UNRESOLVED, MP_SEV_WARNING, owner->ref, f,
                    s ? "service %s/%s has no port named \"%s\"; destination has no port "
                        "(fine for a one-port Service)"
                      : "service %s/%s is not in the input, port \"%s\" cannot be resolved; "
                        "destination has no port (fine for a one-port Service)",
                    ns, be->service, be->port_name);
        }
    }
    return port;
}

static doc_node *destination(conv *c, const rspec *r, const ing_backend *be, const char *field,
                             const ing_entry *owner, long weight)
{
    char host[600];
    size_t hlen;
    long port = dest_resolve(c, r, be, field, owner, host, &hlen);
    doc_node *d = doc_map_new(), *dest = doc_map_new();
    if (!d || !dest) {
        doc_free(d);
        doc_free(dest);
        return NULL;
    }
    doc_map_set_str(dest, "host", host);
    if (port) {
        doc_node *p = doc_map_new();
        if (p)
            doc_map_set(p, "number", doc_int_new(port));
        doc_map_set(dest, "port", p);
    }
    doc_map_set(d, "destination", dest);
    if (weight >= 0)
        doc_map_set(d, "weight", doc_int_new(weight));
    return d;
}

/* ---- headers -------------------------------------------------------------- */

static void merge_map(doc_node **dst, const doc_node *src)
{
    for (size_t i = 0; src && i < src->len; i++) {
        if (!*dst && !(*dst = doc_map_new()))
            return;
        doc_map_set(*dst, src->keys[i], doc_clone(src->items[i]));
    }
}

static void merge_seq(doc_node **dst, const doc_node *src)
{
    for (size_t i = 0; src && i < src->len; i++) {
        if (!*dst && !(*dst = doc_seq_new()))
            return;
        bool have = false;
        for (size_t k = 0; k < (*dst)->len; k++)
            have = have || !strcmp(doc_str(doc_at(*dst, k)), doc_str(doc_at(src, i)));
        if (!have)
            doc_seq_push(*dst, doc_clone(doc_at(src, i)));
    }
}

static void hdr_merge(hdr_mods *d, const hdr_mods *s)
{
    merge_map(&d->req_set, s->req_set);
    merge_map(&d->req_add, s->req_add);
    merge_seq(&d->req_remove, s->req_remove);
    merge_map(&d->resp_set, s->resp_set);
    merge_map(&d->resp_add, s->resp_add);
    merge_seq(&d->resp_remove, s->resp_remove);
}

static doc_node *hdr_side(doc_node *set, doc_node *add, doc_node *remove)
{
    if (!set && !add && !remove)
        return NULL;
    doc_node *m = doc_map_new();
    if (!m) {
        doc_free(set);
        doc_free(add);
        doc_free(remove);
        return NULL;
    }
    if (set)
        doc_map_set(m, "set", set);
    if (add)
        doc_map_set(m, "add", add);
    if (remove)
        doc_map_set(m, "remove", remove);
    return m;
}

/* http[].headers: the host's server-snippet headers, then the route's own,
 * and on a MUTUAL host the removal of forgeable client-certificate headers. */
static doc_node *route_headers(const hostgrp *g, const ing_entry *e)
{
    hdr_mods h = {0};
    for (size_t i = 0; i < g->nsrc; i++)
        if (!g->src[i]->canary)
            hdr_merge(&h, &g->src[i]->a->server_hdr);
    hdr_merge(&h, &e->a->hdr);
    conv_client_cert_headers(g, &h);
    doc_node *req = hdr_side(h.req_set, h.req_add, h.req_remove);
    doc_node *resp = hdr_side(h.resp_set, h.resp_add, h.resp_remove);
    if (!req && !resp)
        return NULL;
    doc_node *m = doc_map_new();
    if (m && req)
        doc_map_set(m, "request", req);
    else
        doc_free(req);
    if (m && resp)
        doc_map_set(m, "response", resp);
    else
        doc_free(resp);
    return m;
}

/* ---- rewrite and the settings every variant shares -------------------------- */

/* Capturing groups of a regex: "(" not escaped and not "(?". */
static int capture_groups(const char *re)
{
    int n = 0;
    for (const char *p = re; *p; p++) {
        if (*p == '\\' && p[1])
            p++;
        else if (*p == '(' && p[1] != '?')
            n++;
    }
    return n;
}

/* nginx substitutes an empty string for a capture the path does not have;
 * Envoy rejects the whole route table for it, so drop such references. */
static void rewrite_for(const char *target, int groups, char *out, size_t n)
{
    size_t o = 0;
    for (const char *p = target; *p && o + 1 < n; p++) {
        if (*p == '\\' && p[1] >= '0' && p[1] <= '9') {
            if (p[1] - '0' > groups) {
                p++;
                continue;
            }
            out[o++] = *p++;
            if (o + 1 >= n)
                break;
        }
        out[o++] = *p;
    }
    out[o] = 0;
}

/* http[].rewrite (upstream-vhost, rewrite-target on a regex host) or NULL. */
static doc_node *route_rewrite(const hostgrp *g, const rspec *r)
{
    const ann_settings *a = r->ing->a;
    bool target = g->regex && conv_rewrites(r->ing, r->path, r->type);
    doc_node *rw = NULL;
    if (a->upstream_vhost || target)
        rw = doc_map_new();
    if (rw && a->upstream_vhost)
        doc_map_set_str(rw, "authority", a->upstream_vhost);
    if (rw && target) {
        char buf[2100], target[1100];
        snprintf(buf, sizeof buf, "(?i)^%s.*", r->path);
        rewrite_for(a->rewrite_target, capture_groups(r->path), target, sizeof target);
        doc_node *rr = doc_map_new();
        if (rr) {
            doc_map_set_str(rr, "match", buf);
            doc_map_set_str(rr, "rewrite", target);
        }
        doc_map_set(rw, "uriRegexRewrite", rr);
    }
    return rw;
}

/* rewrite, timeout, retries, corsPolicy, headers: shared by a route and its
 * canary variants. route_direct (text mode) writes the same parts without
 * a tree: a part added here must be written there too, or make
 * route_direct decline the route (test_convert_stream compares the two). */
static void route_common(const hostgrp *g, const rspec *r, doc_node *route)
{
    const ann_settings *a = r->ing->a;
    doc_node *rw = route_rewrite(g, r);
    if (rw)
        doc_map_set(route, "rewrite", rw);
    if (a->timeout)
        doc_map_set_str(route, "timeout", a->timeout);
    if (a->retry_attempts >= 0) {
        doc_node *rt = doc_map_new();
        if (rt) {
            doc_map_set(rt, "attempts", doc_int_new(a->retry_attempts));
            if (a->retry_on[0])
                doc_map_set_str(rt, "retryOn", a->retry_on);
        }
        doc_map_set(route, "retries", rt);
    }
    if (a->cors)
        doc_map_set(route, "corsPolicy", doc_clone(a->cors));
    doc_node *h = route_headers(g, r->ing);
    if (h)
        doc_map_set(route, "headers", h);
}

/* ---- routes and variants ------------------------------------------------------ */

static doc_node *new_route(const char *name, doc_node *match)
{
    doc_node *route = doc_map_new();
    if (!route) {
        doc_free(match);
        return NULL;
    }
    doc_map_set_str(route, "name", name);
    doc_map_set(route, "match", match);
    return route;
}

static void route_to(doc_node *route, doc_node *dest)
{
    doc_node *seq = doc_seq_new();
    if (seq)
        doc_seq_push(seq, dest);
    else
        doc_free(dest);
    doc_map_set(route, "route", seq);
}

/* A redirect route (the redirect map is taken), added to vs. */
static void add_redirect_route(doc_node *vs, const char *name, doc_node *match, doc_node *rd)
{
    doc_node *route = new_route(name, match);
    if (route) {
        doc_map_set(route, "redirect", rd);
        istio_vs_add_http(vs, route);
    } else {
        doc_free(rd);
    }
}

typedef struct {
    conv *c;
    const hostgrp *g;
    const rspec *r;
    doc_node *vs;
    const doc_node *base; /* uri matches */
    char name[160];
} rctx;

/* A variant of the base route selected by a header (canary, redirect). */
static void add_variant(rctx *x, const char *suffix, const char *hname, const char *how,
                        const char *value, doc_node *dest)
{
    char name[200];
    snprintf(name, sizeof name, "%s-%s", x->name, suffix);
    doc_node *route = new_route(name, conv_with_header(x->base, hname, how, value));
    if (!route) {
        doc_free(dest);
        return;
    }
    route_to(route, dest);
    route_common(x->g, x->r, route);
    istio_vs_add_http(x->vs, route);
}

/* force-ssl-redirect without a certificate: TLS ends before the gateway, so
 * only the forwarded scheme tells a plain HTTP request. */
static void add_force_ssl(rctx *x)
{
    char name[200];
    snprintf(name, sizeof name, "%s-force-ssl", x->name);
    doc_node *match = conv_with_header(x->base, "x-forwarded-proto", "exact", "http");
    doc_node *rd = doc_map_new();
    if (rd) {
        doc_map_set_str(rd, "scheme", "https");
        doc_map_set(rd, "redirectCode", doc_int_new(308));
    }
    add_redirect_route(x->vs, name, match, rd);
}

/* nginx answers the path without its final '/' with 301 to the path
 * (convert_match.c mark_slash_redirects); both keep the query string. */
static void add_slash_redirect(rctx *x)
{
    char name[200], q[2100];
    snprintf(name, sizeof name, "%s-slash", x->name);
    snprintf(q, sizeof q, "%.*s", (int)strlen(x->r->path) - 1, x->r->path);
    doc_node *m = doc_seq_new();
    if (m)
        doc_seq_push(m, conv_uri_match("exact", q));
    doc_node *rd = doc_map_new();
    if (rd) {
        doc_map_set_str(rd, "uri", x->r->path);
        doc_map_set(rd, "redirectCode", doc_int_new(301));
    }
    add_redirect_route(x->vs, name, m, rd);
}

static long scale(long w, long total)
{
    return total == 100 ? w : (w * 100 + total / 2) / total;
}

/* canary-by-header / canary-by-cookie variants before the base route. */
static void canary_variants(rctx *x, const canary_settings *k)
{
    const rspec *r = x->r;
    conv *c = x->c;
    if (k->header) {
        if (k->header_value || k->header_pattern) {
            add_variant(x, "canary-header", k->header, k->header_value ? "exact" : "regex",
                        k->header_value ? k->header_value : k->header_pattern,
                        destination(c, r, r->canary_be, r->canary_field, r->canary, -1));
        } else {
            add_variant(x, "canary-always", k->header, "exact", "always",
                        destination(c, r, r->canary_be, r->canary_field, r->canary, -1));
            add_variant(x, "canary-never", k->header, "exact", "never",
                        destination(c, r, r->be, r->be_field, r->ing, -1));
        }
    }
    if (k->cookie) {
        char re[300];
        snprintf(re, sizeof re, "^(.*?;\\s*)?%s=always(;.*)?$", k->cookie);
        add_variant(x, "canary-cookie-always", "cookie", "regex", re,
                    destination(c, r, r->canary_be, r->canary_field, r->canary, -1));
        snprintf(re, sizeof re, "^(.*?;\\s*)?%s=never(;.*)?$", k->cookie);
        add_variant(x, "canary-cookie-never", "cookie", "regex", re,
                    destination(c, r, r->be, r->be_field, r->ing, -1));
    }
}

static void render_canary(rctx *x, doc_node *route)
{
    const rspec *r = x->r;
    const canary_settings *k = &r->canary->a->can;
    conv *c = x->c;
    canary_variants(x, k);
    long total = k->weight_total > 0 ? k->weight_total : 100;
    long w = k->weight > 0 ? (k->weight > total ? total : k->weight) : 0;
    doc_node *seq = doc_seq_new();
    if (w == 0) {
        doc_seq_push(seq, destination(c, r, r->be, r->be_field, r->ing, -1));
    } else {
        long cw = scale(w, total);
        if (cw * total != w * 100)
            mp_warn(&c->plan->w, MPW_ANN_APPROX, MP_SEV_WARNING, r->canary->ref,
                    "metadata.annotations[\"" NGINX_ANNOTATION_PREFIX "canary-weight\"]",
                    "approximated: weight %ld of %ld rounded to %ld of 100", w, total, cw);
        doc_seq_push(seq, destination(c, r, r->be, r->be_field, r->ing, 100 - cw));
        doc_seq_push(seq, destination(c, r, r->canary_be, r->canary_field, r->canary, cw));
    }
    doc_map_set(route, "route", seq);
}

/* The route's name into name[160]; returns its length. */
static size_t route_name(const rspec *r, char name[160])
{
    size_t n = cat(name, 160, 0, r->ing->v.name, strlen(r->ing->v.name));
    if (r->from_default) {
        n = cat(name, 160, n, "-default", 8);
    } else if (r->root_only) {
        n = cat(name, 160, n, "-root", 5);
    } else {
        char num[24];
        n = cat(name, 160, n, "-", 1);
        n = cat(name, 160, n, num, str_utoa(num, r->ri));
        n = cat(name, 160, n, "-", 1);
        n = cat(name, 160, n, num, str_utoa(num, r->pi));
    }
    name[n] = '\0';
    return n;
}

/* The status r answers instead of its backend (fail closed, or a root
 * location without backend), or 0; a redirect answers before access is
 * checked, but not in a location nginx denies (503). */
static int route_status(const conv *c, const hostgrp *g, const rspec *r)
{
    const ann_settings *a = r->ing->a;
    int closed = conv_route_closed(c, g, r);
    if (!r->be && !closed && !a->redirect)
        closed = 404;
    return closed && (closed == 503 || !a->redirect) ? closed : 0;
}

static void render_rspec(conv *c, const hostgrp *g, const rspec *r, doc_node *vs)
{
    rctx x = {.c = c, .g = g, .r = r, .vs = vs};
    route_name(r, x.name);
    doc_node *base = conv_uri_matches(g, r);
    if (!base)
        return;
    x.base = base;
    const ann_settings *a = r->ing->a;
    if (r->slash_redirect)
        add_slash_redirect(&x);
    if (a->force_ssl_redirect && !g->secret)
        add_force_ssl(&x);
    doc_node *route = new_route(x.name, doc_clone(base));
    if (!route) {
        doc_free(base);
        return;
    }
    /* fail closed (convert_access.c): the route keeps its place. A root
     * location without backend (convert_root.c) answers 404 or redirects. */
    int closed = route_status(c, g, r);
    if (closed) {
        doc_node *dr = doc_map_new();
        if (dr)
            doc_map_set(dr, "status", doc_int_new(closed));
        doc_map_set(route, "directResponse", dr);
    } else if (a->redirect) {
        doc_map_set(route, "redirect", doc_clone(a->redirect));
        if (r->canary)
            mp_warn(&c->plan->w, MPW_ANN_NOEFFECT, MP_SEV_INFO, r->canary->ref, "",
                    "the main Ingress redirects; the canary gets no traffic (as in nginx)");
    } else if (r->canary) {
        render_canary(&x, route);
        route_common(g, r, route);
    } else {
        route_to(route, destination(c, r, r->be, r->be_field, r->ing, -1));
        route_common(g, r, route);
    }
    istio_vs_add_http(vs, route);
    doc_free(base);
}

/* ---- one VirtualService per host (and its delegates) ------------------------------ */

/* app-root: "/" exactly redirects (302) to the app's root, first route. */
static void add_app_root(const hostgrp *g, doc_node *vs)
{
    char rn[200];
    snprintf(rn, sizeof rn, "%s-app-root", g->app_root_ing->v.name);
    doc_node *m = doc_seq_new();
    if (m)
        doc_seq_push(m, conv_uri_match("exact", "/"));
    doc_node *rd = doc_map_new();
    if (rd) {
        doc_map_set_str(rd, "uri", g->app_root);
        doc_map_set(rd, "redirectCode", doc_int_new(302));
    }
    add_redirect_route(vs, rn, m, rd);
}

/* Every route in order, each into the VirtualService of its namespace's
 * run (the root, or a delegate). */
static int render_routes(conv *c, hostgrp *g, conv_deleg *d)
{
    for (size_t i = 0; i < g->nr; i++) {
        if (g->regex ? !conv_check_regex(c, g, &g->r[i]) : !conv_check_path(c, g, &g->r[i]))
            continue;
        doc_node *vs = conv_deleg_target(d, &g->r[i]);
        if (!vs)
            return -1;
        render_rspec(c, g, &g->r[i], vs);
    }
    return 0;
}

/* Text mode: the root VirtualService holds only spec.http while its routes
 * are rendered (routes and delegate entries go there as into istio_vs_new's). */
static doc_node *bare_vs(void)
{
    doc_node *vs = doc_map_new();
    if (!vs || !doc_map_ensure(istio_spec(vs), "http", DOC_SEQ)) {
        doc_free(vs);
        return NULL;
    }
    return vs;
}

/* A host's VirtualService up to its spec.http key, as doc_emit_yaml writes
 * istio_vs_new's tree: the caller writes http's value and closes spec and
 * the document (two yaml_w_end). */
static void vs_head_text(yaml_w *w, const hostgrp *g, const char *name, const char *gw,
                         const char *src)
{
    conv_head_text(w, "VirtualService", name, g->ns, src);
    const yaml_w_part parts[] = {
        YAML_W_LIT("hosts:\n  - "),        YAML_W_VAL(g->host),
        YAML_W_LIT("\n  gateways:\n  - "), YAML_W_VAL(gw),
        YAML_W_LIT("\n  http:"),
    };
    if (yaml_w_entries_of(w, 3, parts, sizeof parts / sizeof *parts))
        return; /* the calls below at once (the usual plain host and gateway) */
    YAML_W_KEY(w, "hosts");
    yaml_w_seq(w);
    yaml_w_str(w, g->host);
    yaml_w_end(w);
    YAML_W_KEY(w, "gateways");
    yaml_w_seq(w);
    yaml_w_str(w, gw);
    yaml_w_end(w);
    YAML_W_KEY(w, "http");
}

/* The YAML doc_emit_yaml writes for istio_vs_new's tree with http and its
 * sources, into the plan's buffer (the skeleton never built as a tree).
 * False when yaml_w hands it back or out of memory. */
static bool vs_text(conv *c, const hostgrp *g, const char *name, const char *gw, doc_node *http)
{
    char *src = conv_sources_text(g->src, g->nsrc);
    if (!src || conv_note_sources(src, &c->plan->vs_src) < 0) {
        free(src);
        return false;
    }
    istio_order_vs_http(http);
    strbuf_reset(&c->plan->yaml);
    yaml_w w;
    yaml_w_begin(&w, &c->plan->yaml);
    vs_head_text(&w, g, name, gw, src);
    free(src);
    yaml_w_node(&w, http);
    yaml_w_end(&w);
    yaml_w_end(&w);
    return yaml_w_end_doc(&w) && !c->plan->yaml.oom;
}

/* Text mode: vs (bare_vs) written and freed; when yaml_w hands it back,
 * the whole tree is built and pushed as in the tree mode. */
static int push_bare_vs(conv *c, const hostgrp *g, const char *name, const char *gw, doc_node *vs)
{
    doc_node *http = doc_getv(vs, "spec", "http", NULL);
    if (vs_text(c, g, name, gw, http)) {
        doc_free(vs);
        return conv_push_text(c->plan, g->ns, "VirtualService", name);
    }
    doc_node *full = istio_vs_new(g->ns, name, g->host, gw);
    http = doc_map_take(istio_spec(vs), "http");
    doc_free(vs);
    if (!full || !http || doc_map_set(istio_spec(full), "http", http) < 0 ||
        conv_set_sources(full, g->src, g->nsrc) < 0) {
        doc_free(full);
        return -1;
    }
    return conv_push_obj(c->plan, full);
}

/* The host's VirtualService (and delegates) built as trees: the console,
 * -o json, overlays, and text mode where vs_direct does not apply. */
static int render_vs_tree(conv *c, hostgrp *g, const char *name, const char *gw)
{
    bool text = c->plan->text;
    doc_node *vs = text ? bare_vs() : istio_vs_new(g->ns, name, g->host, gw);
    conv_deleg *d = vs ? conv_deleg_new(g, vs) : NULL;
    if (!d || (!text && conv_set_sources(vs, g->src, g->nsrc) < 0)) {
        conv_deleg_free(d);
        doc_free(vs);
        return -1;
    }
    if (g->app_root)
        add_app_root(g, vs);
    int rc = render_routes(c, g, d);
    if (rc == 0 &&
        (!doc_getv(vs, "spec", "http", NULL) || !doc_getv(vs, "spec", "http", NULL)->len)) {
        /* Each dropped path was reported on its own. A Gateway server for
         * a host without a VirtualService would claim it and answer 404. */
        mp_warn(&c->plan->w, MPW_HOST_NO_ROUTE, MP_SEV_ERROR, g->src[0]->ref, "spec.rules[].host",
                "host %s has no path left to convert (a dropped path is reported on its own): "
                "no VirtualService, and the host is left out of the Gateway",
                g->host);
        conv_deleg_free(d);
        doc_free(vs);
        return 0;
    }
    if (rc == 0)
        rc = conv_deleg_finish(c, d);
    conv_deleg_free(d);
    if (rc < 0) {
        doc_free(vs);
        return -1;
    }
    g->has_vs = true;
    return text ? push_bare_vs(c, g, name, gw, vs) : conv_push_obj(c->plan, vs);
}

/* ---- text mode: a host's routes written without their trees ------------------ */

static void put_uri_matches(yaml_w *w, const hostgrp *g, const rspec *r)
{
    char buf[2100];
    conv_uri u[2];
    size_t n = conv_uri_list(g, r, u, buf);
    YAML_W_KEY(w, "match");
    yaml_w_seq(w);
    for (size_t i = 0; i < n; i++) {
        yaml_w_map(w);
        YAML_W_KEY(w, "uri");
        yaml_w_map(w);
        yaml_w_key_plain(w, u[i].kind, strlen(u[i].kind)); /* prefix, exact, regex */
        yaml_w_str(w, u[i].value);
        yaml_w_end(w);
        yaml_w_end(w);
    }
    yaml_w_end(w);
}

/* A route's entries after its destination: timeout, retries, corsPolicy
 * and headers (h), the last two found in canonical order. */
static void route_tail(yaml_w *w, const ann_settings *a, const doc_node *h)
{
    if (a->timeout) {
        YAML_W_KEY(w, "timeout");
        yaml_w_str(w, a->timeout);
    }
    if (a->retry_attempts >= 0) {
        YAML_W_KEY(w, "retries");
        yaml_w_map(w);
        YAML_W_KEY(w, "attempts");
        yaml_w_int(w, a->retry_attempts);
        if (a->retry_on[0]) {
            YAML_W_KEY(w, "retryOn");
            yaml_w_str(w, a->retry_on);
        }
        yaml_w_end(w);
    }
    if (a->cors) {
        YAML_W_KEY(w, "corsPolicy");
        yaml_w_node(w, a->cors);
    }
    if (h) {
        YAML_W_KEY(w, "headers");
        yaml_w_node(w, h);
    }
}

/* A route's entries from its name to its destination (or directResponse)
 * at once, as route_direct's calls write them for a route of spec.http
 * (its map at indent 4). False, nothing written, when a string is not
 * plain there (put_uri_matches and the calls write it). */
static bool route_head_at_once(yaml_w *w, const hostgrp *g, const rspec *r, const char *name,
                               size_t nlen, int closed, const char *host, size_t hlen, long port)
{
    if (!w->depth || w->f[w->depth - 1].ind != 4)
        return false;
    char buf[2100], num[24];
    conv_uri u[2];
    size_t nu = conv_uri_list(g, r, u, buf), n = 0;
    yaml_w_part p[12];
    p[n++] = YAML_W_LIT("name: ");
    p[n++] = YAML_W_VALN(name, nlen);
    p[n++] = YAML_W_LIT("\n    match:");
    for (size_t i = 0; i < nu; i++) {
        p[n++] = !strcmp(u[i].kind, "prefix")  ? YAML_W_LIT("\n    - uri:\n        prefix: ")
                 : !strcmp(u[i].kind, "exact") ? YAML_W_LIT("\n    - uri:\n        exact: ")
                                               : YAML_W_LIT("\n    - uri:\n        regex: ");
        p[n++] = YAML_W_VAL(u[i].value);
    }
    if (closed) {
        p[n++] = YAML_W_LIT("\n    directResponse:\n      status: ");
        p[n++] = (yaml_w_part){num, str_utoa(num, (unsigned)closed), false};
        return yaml_w_entries_of(w, 3, p, n);
    }
    p[n++] = YAML_W_LIT("\n    route:\n    - destination:\n        host: ");
    p[n++] = YAML_W_VALN(host, hlen);
    if (port < 0)
        return false; /* not from a valid Ingress: the calls write it */
    if (port) {
        p[n++] = YAML_W_LIT("\n        port:\n          number: ");
        p[n++] = (yaml_w_part){num, str_utoa(num, (unsigned long)port), false};
    }
    return yaml_w_entries_of(w, 3, p, n);
}

/* r as render_rspec builds it, in canonical order, when it is one route to
 * its backend or a direct response (most routes): written as the tree
 * would be. False (nothing written or reported) for the rest: variants
 * (slash, force-ssl, canary), redirects, rewrites, a part out of order. */
static bool route_direct(conv *c, const hostgrp *g, const rspec *r, yaml_w *w)
{
    const ann_settings *a = r->ing->a;
    if (r->slash_redirect || (a->force_ssl_redirect && !g->secret))
        return false;
    int closed = route_status(c, g, r);
    if (!closed && (a->redirect || r->canary || a->upstream_vhost ||
                    (g->regex && conv_rewrites(r->ing, r->path, r->type)) ||
                    (a->cors && !istio_vs_http_part_in_order("corsPolicy", a->cors))))
        return false;
    doc_node *h = closed ? NULL : route_headers(g, r->ing);
    if (h && !istio_vs_http_part_in_order("headers", h)) {
        doc_free(h);
        return false;
    }
    char name[160], host[600];
    size_t nlen = route_name(r, name), hlen = 0;
    /* MP201 (dest_resolve) comes after put_uri_matches' findings: none */
    long port = closed ? 0 : dest_resolve(c, r, r->be, r->be_field, r->ing, host, &hlen);
    yaml_w_map(w);
    if (route_head_at_once(w, g, r, name, nlen, closed, host, hlen, port)) {
        if (!closed)
            route_tail(w, a, h);
        doc_free(h);
        yaml_w_end(w);
        return true;
    }
    YAML_W_KEY(w, "name");
    yaml_w_strn(w, name, nlen);
    put_uri_matches(w, g, r);
    if (closed) {
        YAML_W_KEY(w, "directResponse");
        yaml_w_map(w);
        YAML_W_KEY(w, "status");
        yaml_w_int(w, closed);
        yaml_w_end(w);
        yaml_w_end(w);
        return true;
    }
    YAML_W_KEY(w, "route");
    yaml_w_seq(w);
    yaml_w_map(w);
    YAML_W_KEY(w, "destination");
    yaml_w_map(w);
    YAML_W_KEY(w, "host");
    yaml_w_strn(w, host, hlen);
    if (port) {
        YAML_W_KEY(w, "port");
        yaml_w_map(w);
        YAML_W_KEY(w, "number");
        yaml_w_int(w, port);
        yaml_w_end(w);
    }
    yaml_w_end(w);
    yaml_w_end(w);
    yaml_w_end(w);
    route_tail(w, a, h);
    doc_free(h);
    yaml_w_end(w);
    return true;
}

/* The routes a tree of render_rspec's (or add_app_root's) holds, written as
 * items of the http sequence. 0, or -1 out of memory. */
static int routes_as_trees(conv *c, const hostgrp *g, const rspec *r, yaml_w *w, size_t *n)
{
    doc_node *vs = bare_vs();
    if (!vs)
        return -1;
    if (r)
        render_rspec(c, g, r, vs);
    else
        add_app_root(g, vs);
    doc_node *http = doc_getv(vs, "spec", "http", NULL);
    istio_order_vs_http(http);
    for (size_t i = 0; http && i < http->len; i++)
        yaml_w_node(w, http->items[i]);
    *n += http ? http->len : 0;
    doc_free(vs);
    return 0;
}

/* Every route of g goes to its root VirtualService: one namespace only (no
 * delegates, no MP207). */
static bool one_namespace(const hostgrp *g)
{
    for (size_t i = 0; i < g->nsrc; i++)
        if (strcmp(g->src[i]->v.ns, g->ns))
            return false;
    for (size_t i = 0; i < g->nr; i++)
        if (strcmp(g->r[i].ing->v.ns, g->ns))
            return false;
    return true;
}

/* The routes of a VirtualService's spec.http, into w. -1 out of memory. */
static int put_routes(conv *c, hostgrp *g, yaml_w *w, size_t *n)
{
    if (g->app_root && routes_as_trees(c, g, NULL, w, n) < 0)
        return -1;
    for (size_t i = 0; i < g->nr; i++) {
        const rspec *r = &g->r[i];
        if (g->regex ? !conv_check_regex(c, g, r) : !conv_check_path(c, g, r))
            continue;
        if (route_direct(c, g, r, w))
            ++*n;
        else if (routes_as_trees(c, g, r, w, n) < 0)
            return -1;
    }
    return 0;
}

/* Text mode, a host of one namespace: its VirtualService written as
 * render_vs_tree + push_bare_vs write it, most routes without a tree.
 * 0, -1 out of memory, or 1: yaml_w handed it back (nothing pushed, the
 * findings since the call are to be dropped before render_vs_tree). */
static int vs_direct(conv *c, hostgrp *g, const char *name, const char *gw)
{
    /* one source (most hosts): its text as conv_sources_text would copy it */
    char *own = g->nsrc == 1 ? NULL : conv_sources_text(g->src, g->nsrc);
    const char *src = g->nsrc == 1 ? g->src[0]->src : own;
    if (!src)
        return -1;
    strbuf *sb = &c->plan->yaml;
    strbuf_reset(sb);
    yaml_w w;
    yaml_w_begin(&w, sb);
    vs_head_text(&w, g, name, gw, src);
    yaml_w_seq(&w);
    size_t n = 0;
    int rc = put_routes(c, g, &w, &n);
    yaml_w_end(&w);
    yaml_w_end(&w);
    yaml_w_end(&w);
    if (rc == 0 && !n) {
        mp_warn(&c->plan->w, MPW_HOST_NO_ROUTE, MP_SEV_ERROR, g->src[0]->ref, "spec.rules[].host",
                "host %s has no path left to convert (a dropped path is reported on its own): "
                "no VirtualService, and the host is left out of the Gateway",
                g->host);
        free(own);
        strbuf_reset(sb);
        return 0;
    }
    if (rc == 0 && !(yaml_w_end_doc(&w) && !sb->oom))
        rc = 1;
    if (rc == 0 && conv_note_sources(src, &c->plan->vs_src) < 0)
        rc = -1;
    free(own);
    if (rc)
        return rc;
    g->has_vs = true;
    return conv_push_text(c->plan, g->ns, "VirtualService", name);
}

int conv_render_vs(conv *c, hostgrp *g)
{
    conv_order_routes(c, g);
    char name[64], buf[300];
    istio_dns_label(g->host, name);
    const char *gw = conv_gateway_ref(c, g, buf, sizeof buf);
    if (c->plan->text && one_namespace(g)) {
        size_t mark = c->plan->w.len;
        int rc = vs_direct(c, g, name, gw);
        if (rc <= 0)
            return rc;
        mp_warnings_truncate(&c->plan->w, mark);
    }
    return render_vs_tree(c, g, name, gw);
}
