/*
 * lint.c - the code table, indexing a set once (lint_prepare) and running
 * every check over every object, or over one edited object.
 */
#include "model/lint.h"

#include <stdlib.h>
#include <string.h>

#include "model/lint_int.h"

static const lint_code codes[] = {
    {MPL_HOST_TAKEN, MP_SEV_ERROR, "host claimed by another namespace"},
    {MPL_HOST_FOREIGN, MP_SEV_ERROR, "tenant host outside the platform and custom domains"},
    {MPL_HOST_DENIED, MP_SEV_ERROR, "host under a denied suffix"},
    {MPL_HOST_WILDCARD, MP_SEV_ERROR, "wildcard host in a tenant namespace"},
    {MPL_HOST_CNAME, MP_SEV_WARNING, "custom domain without a CNAME to the platform"},
    {MPL_GW_MISSING, MP_SEV_ERROR, "VirtualService bound to a Gateway that does not exist"},
    {MPL_GW_HOST, MP_SEV_WARNING, "VirtualService host no server of its Gateway serves"},
    {MPL_GW_CONFLICT, MP_SEV_ERROR, "two Gateways with the same selector, port and host"},
    {MPL_GW_MESH_ONLY, MP_SEV_WARNING, "VirtualService of an Ingress bound to the mesh only"},
    {MPL_GW_CROSS_NS, MP_SEV_ERROR, "cross-namespace Gateway reference the policy does not allow"},
    {MPL_TLS_NO_SECRET, MP_SEV_ERROR, "credentialName Secret missing in the gateway namespace"},
    {MPL_TLS_INGRESS, MP_SEV_WARNING, "Ingress TLS secret missing in its namespace"},
    {MPL_TLS_NO_CERT, MP_SEV_ERROR, "HTTPS server without a certificate"},
    {MPL_TLS_SHARED, MP_SEV_WARNING, "the same certificate in several Gateways"},
    {MPL_TLS_HOST, MP_SEV_WARNING, "TLS host not among the hosts it serves"},
    {MPL_ROUTE_NO_SVC, MP_SEV_ERROR, "destination Service or port missing"},
    {MPL_ROUTE_SHADOWED, MP_SEV_WARNING, "route shadowed by an earlier match"},
    {MPL_ROUTE_TIMEOUT, MP_SEV_ERROR, "route timeout Istio rejects (below 1 ms)"},
    {MPL_ROUTE_CORS_RE, MP_SEV_ERROR, "CORS origin regex RE2 does not compile"},
    {MPL_ROUTE_REDIRECT, MP_SEV_ERROR, "redirect code Envoy does not support"},
    {MPL_ING_AFTER_CUT, MP_SEV_WARNING, "Ingress created in a tenant already cut over"},
};

const lint_code *lint_codes(size_t *n)
{
    *n = sizeof codes / sizeof codes[0];
    return codes;
}

const char *lint_origin_name(lint_origin o)
{
    static const char *const names[] = {"live", "planned", "edited"};
    return (unsigned)o < 3 ? names[o] : "?";
}

void lint_ctx_free(lint_ctx *c)
{
    if (!c)
        return;
    hmap_free(&c->ns_idx);
    free(c->nss);
    lint_pairs_free(&c->hosts);
    lint_pairs_free(&c->certs);
    lint_pairs_free(&c->binds);
    hmap_free(&c->generated);
    hmap_free(&c->issued);
    free(c->derived);
    free(c);
}

lint_ctx *lint_prepare(const lint_set *s, const lint_policy *p, mp_err *err)
{
    lint_ctx *c = calloc(1, sizeof *c);
    if (!c) {
        mp_errf(err, "out of memory");
        return NULL;
    }
    c->s = s;
    c->p = p;
    bool *derived = calloc(s->n ? s->n : 1, sizeof *derived);
    for (size_t i = 0; derived && i < s->n; i++)
        derived[i] = lint_derived_of(c, &s->items[i]);
    c->derived = derived;
    for (size_t i = 0; derived && i < s->n; i++)
        if (lint_index_cutover(c, (long)i) < 0 || lint_index_hosts(c, (long)i) < 0 ||
            lint_index_gateway(c, (long)i) < 0 || lint_index_tls(c, (long)i) < 0) {
            lint_ctx_free(c);
            mp_errf(err, "out of memory");
            return NULL;
        }
    if (!derived) {
        lint_ctx_free(c);
        mp_errf(err, "out of memory");
        return NULL;
    }
    return c;
}

static void check_item(lint_run_state *r, const lint_item *it)
{
    lint_check_hosts(r, it);
    lint_check_gateway(r, it);
    lint_check_tls(r, it);
    lint_check_routes(r, it);
    lint_check_cutover(r, it);
}

static lint_findings *finish(lint_run_state *r, mp_err *err)
{
    if (r->oom) {
        lint_findings_free(r->out);
        mp_errf(err, "out of memory");
        return NULL;
    }
    lint_findings_sort(r->out);
    return r->out;
}

lint_findings *lint_check_all(lint_ctx *c, mp_err *err)
{
    lint_run_state r = {c, lint_findings_new(), false};
    if (!r.out) {
        mp_errf(err, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < c->s->n && !r.oom; i++)
        check_item(&r, &c->s->items[i]);
    lint_check_conversion(&r, NULL);
    return finish(&r, err);
}

lint_findings *lint_check_object(lint_ctx *c, const doc_node *obj, lint_origin origin, mp_err *err)
{
    lint_set one = {0};
    lint_run_state r = {c, lint_findings_new(), false};
    if (!r.out || lint_set_add(&one, obj, origin) < 0) {
        lint_findings_free(r.out);
        free(one.items);
        hmap_free(&one.by_id);
        mp_errf(err, "out of memory");
        return NULL;
    }
    if (one.n) {
        check_item(&r, &one.items[0]);
        lint_check_conversion(&r, &one.items[0]);
    }
    free(one.items);
    hmap_free(&one.by_id);
    return finish(&r, err);
}

lint_findings *lint_run(const lint_set *s, const lint_policy *p, mp_err *err)
{
    lint_ctx *c = lint_prepare(s, p, err);
    if (!c)
        return NULL;
    lint_findings *f = lint_check_all(c, err);
    lint_ctx_free(c);
    return f;
}
