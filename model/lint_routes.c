/*
 * lint_routes.c - routes (MP731-MP735): destinations that exist (Service
 * and port, named ports too), routes an earlier match shadows
 * (routecheck.h), timeouts, CORS origin regexes and redirect codes Istio
 * and Envoy take (validate.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/docpath.h"
#include "model/lint_int.h"
#include "model/routecheck.h"
#include "model/validate.h"

/* ---- Services and ports ---- */

static bool port_listed(const doc_node *svc, const char *key, const char *v)
{
    const doc_node *ps = docpath_get(svc, "spec.ports");
    for (size_t i = 0; doc_is_seq(ps) && i < ps->len; i++)
        if (lint_str_eq(doc_get_str(ps->items[i], key), v))
            return true;
    return false;
}

static size_t nports(const doc_node *svc)
{
    const doc_node *ps = docpath_get(svc, "spec.ports");
    return doc_is_seq(ps) ? ps->len : 0;
}

/* The Service (ns, name) when Services of ns are known; reports it missing.
 * NULL when missing or unknown. */
static const lint_item *service(lint_run_state *r, const lint_item *it, const char *path,
                                const char *ns, const char *name, const char *effect)
{
    if (!lint_set_known(r->c->s, "Service", ns))
        return NULL;
    const lint_item *svc = lint_set_find(r->c->s, "Service", ns, name);
    if (!svc)
        lint_add(r, MPL_ROUTE_NO_SVC, MP_SEV_ERROR, it, path, NULL,
                 "create the Service, or point the route at one that exists",
                 "Service %s/%s does not exist: %s", ns, name, effect);
    return svc;
}

static void port_missing(lint_run_state *r, const lint_item *it, const char *path,
                         const lint_item *svc, const char *what, const char *v)
{
    lint_add(r, MPL_ROUTE_NO_SVC, MP_SEV_ERROR, it, path, svc,
             "use a port the Service lists (spec.ports)", "Service %s/%s has no port %s %s",
             svc->ns, svc->name, what, v);
}

/* One backend of an Ingress at base (v1 service.name/port, or v1beta1
 * serviceName/servicePort). */
static void ingress_backend(lint_run_state *r, const lint_item *it, const doc_node *b,
                            const char *base)
{
    bool v1 = doc_get(b, "service") != NULL;
    const char *name = v1 ? doc_str(docpath_get(b, "service.name")) : doc_get_str(b, "serviceName");
    const doc_node *port = v1 ? docpath_get(b, "service.port") : doc_get(b, "servicePort");
    char path[256];
    if (!name)
        return;
    docpath_join(path, sizeof path, base, v1 ? "service.name" : "serviceName");
    const lint_item *svc = service(r, it, path, it->ns, name, "nginx answers 503 for its paths");
    if (!svc)
        return;
    const char *num = v1 ? doc_get_str(port, "number") : NULL;
    const char *pname = v1 ? doc_get_str(port, "name") : NULL;
    if (!v1 && doc_is_scalar(port) && port->type == DOC_INT)
        num = doc_str(port);
    else if (!v1 && doc_is_scalar(port))
        pname = doc_str(port);
    if (num && nports(svc->doc) && !port_listed(svc->doc, "port", num))
        port_missing(
            r, it,
            docpath_join(path, sizeof path, base, v1 ? "service.port.number" : "servicePort"), svc,
            "number", num);
    if (pname && !port_listed(svc->doc, "name", pname))
        port_missing(
            r, it, docpath_join(path, sizeof path, base, v1 ? "service.port.name" : "servicePort"),
            svc, "named", pname);
}

static void ingress(lint_run_state *r, const lint_item *it)
{
    const doc_node *rules = docpath_get(it->doc, "spec.rules");
    for (size_t i = 0; doc_is_seq(rules) && i < rules->len; i++) {
        const doc_node *ps = docpath_get(rules->items[i], "http.paths");
        for (size_t j = 0; doc_is_seq(ps) && j < ps->len; j++) {
            char base[96];
            snprintf(base, sizeof base, "spec.rules[%zu].http.paths[%zu].backend", i, j);
            ingress_backend(r, it, doc_get(ps->items[j], "backend"), base);
        }
    }
    const doc_node *d = docpath_get(it->doc, "spec.defaultBackend");
    const doc_node *d1 = docpath_get(it->doc, "spec.backend");
    if (d)
        ingress_backend(r, it, d, "spec.defaultBackend");
    else if (d1)
        ingress_backend(r, it, d1, "spec.backend");
}

/* A destination host that names a Service of the cluster: "svc",
 * "svc.ns", "svc.ns.svc", "svc.ns.svc.<domain suffix>". false for
 * anything else (external names, ServiceEntries). */
static bool service_host(const lint_run_state *r, const char *host, const char *vs_ns, char *ns,
                         size_t nn, char *name, size_t n)
{
    const char *dot = strchr(host, '.');
    if (!dot) {
        snprintf(name, n, "%s", host);
        snprintf(ns, nn, "%s", vs_ns);
        return true;
    }
    const char *rest = dot + 1, *dot2 = strchr(rest, '.');
    size_t nl = dot2 ? (size_t)(dot2 - rest) : strlen(rest);
    char tail[300];
    snprintf(tail, sizeof tail, "svc.%s", r->c->p->domain_suffix);
    bool ok = dot2 ? (!strcmp(dot2 + 1, "svc") || !strcmp(dot2 + 1, tail)) : false;
    snprintf(name, n, "%.*s", (int)(dot - host), host);
    snprintf(ns, nn, "%.*s", (int)nl, rest);
    return ok || (!dot2 && lint_ctx_ns(r->c, ns) != NULL);
}

static void destination(lint_run_state *r, const lint_item *it, const doc_node *d, const char *base)
{
    const char *host = doc_str(docpath_get(d, "destination.host"));
    char ns[256], name[256], path[256];
    if (!host || !service_host(r, host, it->ns, ns, sizeof ns, name, sizeof name) ||
        !lint_set_known(r->c->s, "Service", ns))
        return;
    docpath_join(path, sizeof path, base, "destination.host");
    const lint_item *svc = service(r, it, path, ns, name, "the route answers 503");
    if (!svc)
        return;
    const char *num = doc_str(docpath_get(d, "destination.port.number"));
    if (num && nports(svc->doc) && !port_listed(svc->doc, "port", num))
        port_missing(r, it, docpath_join(path, sizeof path, base, "destination.port.number"), svc,
                     "number", num);
    else if (!num && nports(svc->doc) > 1)
        lint_add(r, MPL_ROUTE_NO_SVC, MP_SEV_ERROR, it,
                 docpath_join(path, sizeof path, base, "destination"), svc,
                 "set destination.port.number",
                 "Service %s/%s has %zu ports and the route names none", ns, name,
                 nports(svc->doc));
}

/* ---- HTTP routes ---- */

static void redirect(lint_run_state *r, const lint_item *it, const doc_node *h, const char *rp)
{
    const doc_node *c = docpath_get(h, "redirect.redirectCode");
    long long v;
    char path[128];
    if (!c || !doc_as_int(c, &v) || v == 301 || v == 302 || v == 303 || v == 307 || v == 308)
        return;
    docpath_join(path, sizeof path, rp, "redirect.redirectCode");
    if (v < 300 || v > 399)
        lint_add(r, MPL_ROUTE_REDIRECT, MP_SEV_ERROR, it, path, NULL,
                 "use 301, 302, 303, 307 or 308", "redirect code %lld is not 3xx: Istio rejects it",
                 v);
    else
        lint_add(r, MPL_ROUTE_REDIRECT, MP_SEV_ERROR, it, path, NULL,
                 "use 301, 302, 303, 307 or 308",
                 "Envoy has no redirect code %lld: istiod builds the route without its redirect "
                 "(\"Redirect Code %lld is not yet supported\"), so the redirect never happens",
                 v, v);
}

static void cors(lint_run_state *r, const lint_item *it, const doc_node *h, const char *rp)
{
    const doc_node *os = docpath_get(h, "corsPolicy.allowOrigins");
    for (size_t i = 0; doc_is_seq(os) && i < os->len; i++) {
        const char *re = doc_get_str(os->items[i], "regex");
        char why[200], path[160];
        if (!re || val_re2(re, why, sizeof why))
            continue;
        snprintf(path, sizeof path, "%s.corsPolicy.allowOrigins[%zu].regex", rp, i);
        lint_add(r, MPL_ROUTE_CORS_RE, MP_SEV_ERROR, it, path, NULL,
                 "write the pattern in RE2 syntax (no lookaround, no backreferences)",
                 "CORS origin regex RE2 does not compile: %s", why);
    }
}

static void http_route(lint_run_state *r, const lint_item *it, const doc_node *h, size_t i, long by,
                       bool dests)
{
    char rp[64], path[128], why[200];
    snprintf(rp, sizeof rp, "spec.http[%zu]", i);
    if (by >= 0)
        lint_add(r, MPL_ROUTE_SHADOWED, MP_SEV_WARNING, it, rp, NULL,
                 "move the route before the one that shadows it, or make that one narrower",
                 "route %zu is never reached: route %ld matches every request it would (Istio "
                 "takes the first match)",
                 i + 1, by + 1);
    const char *t = doc_get_str(h, "timeout");
    if (t && !val_duration(t, false, why, sizeof why))
        lint_add(r, MPL_ROUTE_TIMEOUT, MP_SEV_ERROR, it,
                 docpath_join(path, sizeof path, rp, "timeout"), NULL,
                 "remove the field for no timeout, or give 1ms or more", "timeout %s%s%s",
                 strncmp(why, t, strlen(t)) ? t : "", strncmp(why, t, strlen(t)) ? ": " : "", why);
    cors(r, it, h, rp);
    redirect(r, it, h, rp);
    const doc_node *ds = doc_get(h, "route");
    for (size_t j = 0; dests && doc_is_seq(ds) && j < ds->len; j++) {
        snprintf(path, sizeof path, "%s.route[%zu]", rp, j);
        destination(r, it, ds->items[j], path);
    }
}

static void virtualservice(lint_run_state *r, const lint_item *it)
{
    const doc_node *http = docpath_get(it->doc, "spec.http");
    size_t n = doc_is_seq(http) ? http->len : 0;
    long *by = n ? malloc(n * sizeof *by) : NULL;
    if (n && !by) {
        r->oom = true;
        return;
    }
    size_t got = n ? route_shadows(it->doc, by, n) : 0;
    bool dests = !lint_derived(r->c, it); /* a planned one's are its Ingress's backends */
    for (size_t i = 0; i < n && !r->oom; i++)
        http_route(r, it, http->items[i], i, i < got ? by[i] : -1, dests);
    free(by);
}

void lint_check_routes(lint_run_state *r, const lint_item *it)
{
    if (!strcmp(it->kind, "Ingress"))
        ingress(r, it);
    else if (!strcmp(it->kind, "VirtualService"))
        virtualservice(r, it);
}
