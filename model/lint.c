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

lint_ctx *lint_prepare_begin(const lint_set *s, const lint_policy *p, mp_err *err)
{
    lint_ctx *c = calloc(1, sizeof *c);
    bool *derived = calloc(s->n ? s->n : 1, sizeof *derived);
    if (!c || !derived) {
        free(c);
        free(derived);
        mp_errf(err, "out of memory");
        return NULL;
    }
    c->s = s;
    c->p = p;
    c->derived = derived;
    return c;
}

/* One item at a time: its derived flag (which the checks read; it looks
 * its sources up in the complete set) and its entries in the indexes. */
int lint_prepare_step(lint_ctx *c, size_t max, mp_err *err)
{
    size_t n = c->s->n;
    for (size_t k = 0; k < max && c->prep_at < n; k++, c->prep_at++) {
        size_t i = c->prep_at;
        c->derived[i] = lint_derived_of(c, &c->s->items[i]);
        if (lint_index_cutover(c, (long)i) < 0 || lint_index_hosts(c, (long)i) < 0 ||
            lint_index_gateway(c, (long)i) < 0 || lint_index_tls(c, (long)i) < 0)
            return mp_errf(err, "out of memory");
    }
    return c->prep_at == n;
}

lint_ctx *lint_prepare(const lint_set *s, const lint_policy *p, mp_err *err)
{
    lint_ctx *c = lint_prepare_begin(s, p, err);
    if (c && lint_prepare_step(c, (size_t)-1, err) < 0) {
        lint_ctx_free(c);
        return NULL;
    }
    return c;
}

size_t lint_set_len(const lint_set *s)
{
    return s->n;
}

size_t lint_set_nwarn(const lint_set *s)
{
    return s->conv.len;
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
    lint_findings_trim(r->out);
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

struct lint_check_run {
    lint_run_state r;
};

lint_check_run *lint_check_begin(lint_ctx *c)
{
    lint_check_run *k = calloc(1, sizeof *k);
    if (k && !(k->r.out = lint_findings_new())) {
        free(k);
        return NULL;
    }
    if (k)
        k->r.c = c;
    return k;
}

int lint_check_range(lint_check_run *k, size_t from, size_t to, size_t wfrom, size_t wto)
{
    size_t start = lint_findings_len(k->r.out);
    for (size_t i = from; i < to && i < k->r.c->s->n && !k->r.oom; i++)
        check_item(&k->r, &k->r.c->s->items[i]);
    lint_check_conversion_range(&k->r, wfrom, wto);
    if (k->r.oom)
        return -1;
    lint_findings_sort_from(k->r.out, start);
    return 0;
}

lint_findings *lint_check_end(lint_check_run *k, mp_err *err)
{
    lint_findings *f = k->r.out;
    bool oom = k->r.oom;
    free(k);
    if (oom) {
        lint_findings_free(f);
        mp_errf(err, "out of memory");
        return NULL;
    }
    if (!lint_findings_sorted(f))
        lint_findings_sort(f); /* ranges out of namespace order */
    lint_findings_trim(f);
    return f;
}

void lint_check_abort(lint_check_run *k)
{
    if (!k)
        return;
    lint_findings_free(k->r.out);
    free(k);
}

lint_findings *lint_check_object(lint_ctx *c, const doc_node *obj, lint_origin origin, mp_err *err)
{
    lint_set one = {0};
    lint_run_state r = {c, lint_findings_new(), false};
    if (!r.out || lint_set_add(&one, obj, origin) < 0) {
        lint_findings_free(r.out);
        free(one.items);
        free(one.ids);
        mp_errf(err, "out of memory");
        return NULL;
    }
    if (one.n) {
        check_item(&r, &one.items[0]);
        lint_check_conversion(&r, &one.items[0]);
    }
    free(one.items);
    free(one.ids);
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
