/*
 * lint_policy.c - the platform's rules for lint, from a small YAML file
 * (docs/lint.md "Policy file"), and domain membership on label boundaries.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/lint_int.h"
#include "model/parse.h"
#include "model/validate.h"

static void strv_free(strv *v)
{
    for (size_t i = 0; i < v->n; i++)
        free(v->v[i]);
    free(v->v);
    v->v = NULL;
    v->n = 0;
}

static int strv_push(strv *v, const char *s)
{
    char **nv = realloc(v->v, (v->n + 1) * sizeof *nv);
    if (!nv)
        return -1;
    v->v = nv;
    if (!(v->v[v->n] = strdup(s)))
        return -1;
    v->n++;
    return 0;
}

static int set_str(char **dst, const char *s)
{
    char *d = s ? strdup(s) : NULL;
    if (s && !d)
        return -1;
    free(*dst);
    *dst = d;
    return 0;
}

lint_policy *lint_policy_new(void)
{
    lint_policy *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    if (set_str(&p->tenant_prefix, "ns-") || set_str(&p->gw_ns, "istio-system") ||
        set_str(&p->selector, "istio=ingressgateway") ||
        set_str(&p->istio_label, "ingressgateway") || set_str(&p->domain_suffix, "cluster.local")) {
        lint_policy_free(p);
        return NULL;
    }
    return p;
}

void lint_policy_free(lint_policy *p)
{
    if (!p)
        return;
    free(p->tenant_prefix);
    strv_free(&p->platform);
    strv_free(&p->denied);
    hmap_free(&p->custom);
    strv_free(&p->custom_ns);
    strv_free(&p->custom_dom);
    free(p->gw_ns);
    free(p->selector);
    free(p->istio_label);
    free(p->shared);
    strv_free(&p->allowed_refs);
    free(p->domain_suffix);
    free(p);
}

const char *lint_policy_tenant_prefix(const lint_policy *p)
{
    return p->tenant_prefix;
}

const char *lint_policy_gateway_namespace(const lint_policy *p)
{
    return p->gw_ns;
}

void lint_policy_convert_opts(const lint_policy *p, convert_opts *o)
{
    convert_opts_default(o);
    o->gateway_namespace = p->gw_ns;
    o->domain_suffix = p->domain_suffix;
    if (p->istio_label)
        o->gateway_selector_value = p->istio_label;
    if (p->shared) {
        o->mode = GW_MODE_SHARED;
        o->shared_gateway = p->shared;
        o->platform_domains = (const char *const *)p->platform.v;
        o->nplatform_domains = p->platform.n;
    }
}

bool lint_tenant_ns(const lint_policy *p, const char *ns)
{
    size_t l = strlen(p->tenant_prefix);
    return ns && *ns && l && !strncmp(ns, p->tenant_prefix, l);
}

/* ---- label boundaries ---- */

static bool under(const char *host, const char *dom)
{
    size_t hl = strlen(host), dl = strlen(dom);
    return hl > dl + 1 && host[hl - dl - 1] == '.' && !strcmp(host + hl - dl, dom);
}

const char *lint_domain_under(const strv *list, const char *host)
{
    for (size_t i = 0; i < list->n; i++)
        if (under(host, list->v[i]))
            return list->v[i];
    return NULL;
}

/* Walks host's suffixes at label boundaries (itself first) through the
 * custom domain index: as many lookups as the host has labels. */
const char *lint_custom_owner(const lint_policy *p, const char *host, const char **domain)
{
    for (const char *s = host; s && *s;) {
        long i = hmap_get(&p->custom, s);
        if (i >= 0) {
            if (domain)
                *domain = p->custom_dom.v[i];
            return p->custom_ns.v[i];
        }
        s = strchr(s, '.');
        s = s ? s + 1 : NULL;
    }
    return NULL;
}

/* ---- parsing ---- */

typedef struct {
    const char *source;
    mp_err *err;
} pctx;

static int bad(pctx *x, const doc_node *n, const char *key, const char *why)
{
    return mp_errf(x->err, "%s:%d: %s: %s", x->source, n ? n->line : 0, key, why);
}

/* set_str with the error a parse returns. */
static int keep(pctx *x, char **dst, const char *s)
{
    return set_str(dst, s) ? mp_errf(x->err, "out of memory") : 0;
}

static const char *scalar(pctx *x, const doc_node *n, const char *key)
{
    if (!doc_is_scalar(n) || doc_is_null(n) || !*doc_str(n)) {
        bad(x, n, key, "needs a non-empty string");
        return NULL;
    }
    return doc_str(n);
}

/* A domain of the policy, lower-cased, a leading '.' dropped; wildcards
 * are refused (a domain covers the names under it already). */
static int domain(pctx *x, const doc_node *n, const char *key, char *out, size_t sz)
{
    const char *s = scalar(x, n, key);
    char why[200];
    if (!s)
        return -1;
    if (*s == '.')
        s++;
    if (strlen(s) >= sz)
        return bad(x, n, key, "too long for a domain");
    size_t i = 0;
    for (; s[i]; i++)
        out[i] = (char)tolower((unsigned char)s[i]);
    out[i] = 0;
    if (out[0] == '*')
        return bad(x, n, key, "no wildcard: a domain covers every name under it already");
    if (!val_host(out, false, why, sizeof why)) {
        char msg[400];
        snprintf(msg, sizeof msg, "\"%.100s\" is not a domain: %s", out, why);
        return bad(x, n, key, msg);
    }
    return 0;
}

static int domains(pctx *x, const doc_node *n, const char *key, strv *out, lint_policy *p,
                   const char *tenant)
{
    if (!doc_is_seq(n))
        return bad(x, n, key, "needs a list of domains");
    for (size_t i = 0; i < n->len; i++) {
        char d[256];
        if (domain(x, n->items[i], key, d, sizeof d) < 0)
            return -1;
        if (tenant) {
            long other = hmap_get(&p->custom, d);
            if (other >= 0 && strcmp(p->custom_ns.v[other], tenant)) {
                char msg[400];
                snprintf(msg, sizeof msg, "%s is %s's custom domain already", d,
                         p->custom_ns.v[other]);
                return bad(x, n->items[i], key, msg);
            }
            if (hmap_put(&p->custom, d, p->custom_dom.n) < 0 || strv_push(&p->custom_ns, tenant) ||
                strv_push(&p->custom_dom, d))
                return mp_errf(x->err, "out of memory");
        } else if (strv_push(out, d)) {
            return mp_errf(x->err, "out of memory");
        }
    }
    return 0;
}

static int custom(pctx *x, const doc_node *n, lint_policy *p)
{
    if (!doc_is_map(n))
        return bad(x, n, "customDomains", "needs a map of tenant namespace to domains");
    for (size_t i = 0; i < n->len; i++) {
        char key[300];
        snprintf(key, sizeof key, "customDomains.%s", n->keys[i]);
        if (domains(x, n->items[i], key, NULL, p, n->keys[i]) < 0)
            return -1;
    }
    return 0;
}

/* "k=v,k=v" in the map's order; the istio label's value for the converter. */
static int selector(pctx *x, const doc_node *n, lint_policy *p)
{
    if (!doc_is_map(n) || !n->len)
        return bad(x, n, "gateway.selector", "needs a map of labels (istio: ingressgateway)");
    char buf[512];
    lint_selector(n, buf, sizeof buf);
    if (set_str(&p->selector, buf) || set_str(&p->istio_label, doc_get_str(n, "istio")))
        return mp_errf(x->err, "out of memory");
    return 0;
}

static int gateway_ref(pctx *x, const doc_node *n, const char *key, bool star)
{
    const char *s = scalar(x, n, key);
    const char *slash = s ? strchr(s, '/') : NULL;
    if (!s)
        return -1;
    if (!slash || slash == s || !slash[1] || strchr(slash + 1, '/'))
        return bad(x, n, key, "needs NAMESPACE/NAME");
    if (!star && !strcmp(slash + 1, "*"))
        return bad(x, n, key, "needs one Gateway, NAMESPACE/NAME");
    return 0;
}

static int gateway(pctx *x, const doc_node *n, lint_policy *p)
{
    if (!doc_is_map(n))
        return bad(x, n, "gateway", "needs a map (namespace, selector, shared)");
    for (size_t i = 0; i < n->len; i++) {
        const char *k = n->keys[i];
        const doc_node *v = n->items[i];
        char key[64];
        snprintf(key, sizeof key, "gateway.%.40s", k);
        int rc = 0;
        if (!strcmp(k, "namespace"))
            rc = scalar(x, v, key) ? keep(x, &p->gw_ns, doc_str(v)) : -1;
        else if (!strcmp(k, "selector"))
            rc = selector(x, v, p);
        else if (!strcmp(k, "shared"))
            rc = gateway_ref(x, v, key, false) ? -1 : keep(x, &p->shared, doc_str(v));
        else
            rc = bad(x, v, key, "unknown key (namespace, selector, shared)");
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int allowed(pctx *x, const doc_node *n, lint_policy *p)
{
    if (!doc_is_seq(n))
        return bad(x, n, "allowedGatewayRefs", "needs a list of NAMESPACE/NAME or NAMESPACE/*");
    for (size_t i = 0; i < n->len; i++)
        if (gateway_ref(x, n->items[i], "allowedGatewayRefs", true))
            return -1;
        else if (strv_push(&p->allowed_refs, doc_str(n->items[i])))
            return mp_errf(x->err, "out of memory");
    return 0;
}

static int top_key(pctx *x, const char *k, const doc_node *v, lint_policy *p)
{
    if (!strcmp(k, "tenantPrefix"))
        return scalar(x, v, k) ? keep(x, &p->tenant_prefix, doc_str(v)) : -1;
    if (!strcmp(k, "domainSuffix"))
        return scalar(x, v, k) ? keep(x, &p->domain_suffix, doc_str(v)) : -1;
    if (!strcmp(k, "platformDomains"))
        return domains(x, v, k, &p->platform, p, NULL);
    if (!strcmp(k, "deniedSuffixes"))
        return domains(x, v, k, &p->denied, p, NULL);
    if (!strcmp(k, "customDomains"))
        return custom(x, v, p);
    if (!strcmp(k, "gateway"))
        return gateway(x, v, p);
    if (!strcmp(k, "allowedGatewayRefs"))
        return allowed(x, v, p);
    return bad(x, v, k,
               "unknown key (tenantPrefix, platformDomains, deniedSuffixes, customDomains, "
               "gateway, allowedGatewayRefs, domainSuffix)");
}

lint_policy *lint_policy_parse(const char *buf, size_t len, const char *source, mp_err *err)
{
    pctx x = {source, err};
    doc_list l;
    doc_list_init(&l);
    if (doc_parse_yaml(buf, len, source, &l, err) < 0)
        return NULL;
    lint_policy *p = lint_policy_new();
    int rc = p ? 0 : mp_errf(err, "out of memory");
    if (!rc && l.len > 1)
        rc = bad(&x, l.docs[1], "policy", "one YAML document expected");
    const doc_node *top = l.len ? l.docs[0] : NULL;
    if (!rc && top && !doc_is_null(top) && !doc_is_map(top))
        rc = bad(&x, top, "policy", "needs a map of settings");
    for (size_t i = 0; !rc && doc_is_map(top) && i < top->len; i++)
        rc = top_key(&x, top->keys[i], top->items[i], p);
    doc_list_free(&l);
    if (rc) {
        lint_policy_free(p);
        return NULL;
    }
    return p;
}
