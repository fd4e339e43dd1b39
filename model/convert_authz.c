/*
 * convert_authz.c - the AuthorizationPolicies (docs/conversion.md §10): a
 * DENY policy per Ingress with a valid allow/deny list, a CUSTOM policy per
 * Ingress with auth-url when --ext-authz-provider names the provider.
 *
 * Both live in the gateway namespace, select the gateway pods and are
 * scoped to exactly the requests nginx sends to the Ingress's locations.
 * An AuthorizationPolicy runs before routing, so the scope is written in
 * the policy: for each host, each open route's paths (Exact p: "p";
 * prefix p: "p*"; the catch-all: no paths), minus what an earlier route
 * of the host takes first (notPaths), since nginx would send those
 * requests to another location, restricted or not. Routes of regex hosts
 * only get here with --allow-open (convert_access.c), approximated by
 * their literal prefix. DENY rather than ALLOW: an ALLOW policy on a shared
 * gateway would deny every other host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/convert_int.h"
#include "model/istio.h"

/* The part of a regex before its first metacharacter; a quantified last
 * character is optional, so it does not count. */
static size_t literal_prefix(const char *re)
{
    size_t n = strcspn(re, ".*+?()[]{}|^$\\");
    if (n && re[n] && strchr("?*{", re[n]))
        n--;
    return strchr(re, '|') ? 0 : n;
}

/* The paths of r as AuthorizationPolicy paths into seq; *all when r
 * covers the whole host. */
static int covers_of(const hostgrp *g, const rspec *r, doc_node *seq, bool *all)
{
    char buf[2100];
    *all = false;
    if (g->regex) {
        size_t l = literal_prefix(r->path);
        while (l > 1 && r->path[l - 1] == '/')
            l--;
        *all = l <= 1;
        snprintf(buf, sizeof buf, "%.*s*", (int)l, r->path);
        return *all ? 0 : doc_seq_push(seq, doc_str_new(buf));
    }
    doc_node *m = conv_uri_matches(g, r);
    for (size_t i = 0; m && i < m->len; i++) {
        const doc_node *u = doc_get(doc_at(m, i), "uri");
        const char *ex = doc_get_str(u, "exact"), *pre = doc_get_str(u, "prefix");
        if (pre && !strcmp(pre, "/"))
            *all = true;
        else if (pre)
            snprintf(buf, sizeof buf, "%s*", pre);
        else
            snprintf(buf, sizeof buf, "%s", ex ? ex : "");
        if (!*all && doc_seq_push(seq, doc_str_new(buf)) < 0)
            m = (doc_free(m), NULL);
    }
    int rc = m ? 0 : -1;
    doc_free(m);
    return rc;
}

/* Two policy paths ("p" exact, "p*" prefix) that some request matches. */
static bool overlap(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    bool pa = la && a[la - 1] == '*', pb = lb && b[lb - 1] == '*';
    size_t ka = pa ? la - 1 : la, kb = pb ? lb - 1 : lb;
    if (pa && pb)
        return !strncmp(a, b, ka < kb ? ka : kb);
    if (pa)
        return lb >= ka && !strncmp(a, b, ka);
    if (pb)
        return la >= kb && !strncmp(a, b, kb);
    return !strcmp(a, b);
}

static bool overlaps_any(const doc_node *mine, bool all, const char *p)
{
    for (size_t i = 0; !all && i < mine->len; i++)
        if (overlap(doc_str(doc_at(mine, i)), p))
            return true;
    return all;
}

static void push_unique(doc_node *seq, const char *p)
{
    for (size_t i = 0; i < seq->len; i++)
        if (!strcmp(doc_str(doc_at(seq, i)), p))
            return;
    doc_seq_push(seq, doc_str_new(p));
}

/* notPaths of route k: the paths of earlier routes of other Ingresses
 * (and the app-root redirect) that overlap route k's. */
static doc_node *earlier(const hostgrp *g, size_t k, const doc_node *mine, bool all)
{
    doc_node *excl = doc_seq_new();
    if (excl && g->app_root && overlaps_any(mine, all, "/"))
        push_unique(excl, "/");
    for (size_t j = 0; excl && j < k && !g->regex; j++) {
        const rspec *o = &g->r[j];
        if (o->ing == g->r[k].ing)
            continue; /* its own routes have their own scope */
        doc_node *theirs = doc_seq_new();
        bool theirs_all;
        if (!theirs || covers_of(g, o, theirs, &theirs_all) < 0) {
            doc_free(theirs);
            doc_free(excl);
            return NULL;
        }
        for (size_t i = 0; i < theirs->len; i++)
            if (overlaps_any(mine, all, doc_str(doc_at(theirs, i))))
                push_unique(excl, doc_str(doc_at(theirs, i)));
        doc_free(theirs);
    }
    return excl;
}

static doc_node *op_new(const char *host, doc_node *paths, doc_node *not_paths)
{
    doc_node *to = doc_map_new(), *op = doc_map_new(), *hosts = doc_seq_new();
    char buf[300];
    snprintf(buf, sizeof buf, "%s:*", host);
    if (!to || !op || !hosts || doc_seq_push(hosts, doc_str_new(host)) < 0 ||
        doc_seq_push(hosts, doc_str_new(buf)) < 0) {
        doc_free(to), doc_free(op), doc_free(hosts), doc_free(paths), doc_free(not_paths);
        return NULL;
    }
    doc_map_set(op, "hosts", hosts);
    if (paths)
        doc_map_set(op, "paths", paths);
    if (not_paths)
        doc_map_set(op, "notPaths", not_paths);
    doc_map_set(to, "operation", op);
    return to;
}

/* The operations of e's open routes on host g, appended to ops. Routes
 * without notPaths share one operation. */
static int host_ops(const conv *c, const hostgrp *g, const ing_entry *e, doc_node *ops)
{
    doc_node *shared = doc_seq_new();
    bool shared_all = false, any = false;
    int rc = shared ? 0 : -1;
    for (size_t k = 0; rc == 0 && k < g->nr; k++) {
        const rspec *r = &g->r[k];
        if (r->ing != e || conv_route_closed(c, g, r) || e->a->redirect)
            continue; /* nginx redirects before it checks access */
        doc_node *mine = doc_seq_new(), *excl = NULL;
        bool all;
        if (!mine || covers_of(g, r, mine, &all) < 0 || !(excl = earlier(g, k, mine, all))) {
            doc_free(mine), doc_free(excl);
            rc = -1;
            break;
        }
        any = true;
        if (excl->len) {
            rc = doc_seq_push(ops, op_new(g->host, all ? (doc_free(mine), NULL) : mine, excl));
            continue;
        }
        doc_free(excl);
        shared_all = shared_all || all;
        for (size_t i = 0; i < mine->len; i++)
            push_unique(shared, doc_str(doc_at(mine, i)));
        doc_free(mine);
    }
    if (rc == 0 && any && (shared_all || shared->len)) {
        rc = doc_seq_push(ops, op_new(g->host, shared_all ? NULL : shared, NULL));
        shared = shared_all ? shared : NULL;
    }
    doc_free(shared);
    return rc;
}

/* Every operation of e: its hosts in rule order. NULL out of memory. */
static doc_node *ing_ops(conv *c, const ing_entry *e)
{
    doc_node *ops = doc_seq_new();
    for (size_t ri = 0; ops && ri < e->v.nrules; ri++) {
        const char *h = e->v.rules[ri].host;
        hostgrp *g = h ? conv_get_grp(c, e->v.ns, h, false) : NULL;
        bool seen = false;
        for (size_t k = 0; k < ri; k++)
            seen = seen || (e->v.rules[k].host && h && !strcmp(e->v.rules[k].host, h));
        if (g && g->has_vs && !seen && host_ops(c, g, e, ops) < 0) {
            doc_free(ops);
            return NULL;
        }
    }
    return ops;
}

static doc_node *rule_new(const char *src_key, const doc_node *cidrs, const doc_node *ops)
{
    doc_node *rule = doc_map_new();
    if (!rule)
        return NULL;
    if (src_key) {
        doc_node *from = doc_seq_new(), *f = doc_map_new(), *src = doc_map_new();
        if (!from || !f || !src) {
            doc_free(from), doc_free(f), doc_free(src), doc_free(rule);
            return NULL;
        }
        doc_map_set(src, src_key, doc_clone(cidrs));
        doc_map_set(f, "source", src);
        doc_seq_push(from, f);
        doc_map_set(rule, "from", from);
    }
    doc_map_set(rule, "to", doc_clone(ops));
    return rule;
}

static int push_ap(conv *c, ing_entry *e, doc_node *ap)
{
    ing_entry *self = e;
    if (!ap || conv_set_sources(ap, &self, 1) < 0) {
        doc_free(ap);
        return -1;
    }
    istio_canonical_order(ap);
    return conv_push_obj(c->plan, ap);
}

static int source_range_ap(conv *c, ing_entry *e, const doc_node *ops)
{
    const ann_settings *a = e->a;
    char nm[400], name[64];
    snprintf(nm, sizeof nm, "%s-%s-source-range", e->v.ns, e->v.name);
    istio_dns_label(nm, name);
    doc_node *ap =
        istio_ap_new(c->o->gateway_namespace, name, c->o->gateway_selector_value, "DENY");
    doc_node *rules = ap ? doc_getv(ap, "spec", "rules", NULL) : NULL;
    if (!rules) {
        doc_free(ap);
        return -1;
    }
    if (a->allow_cidrs)
        doc_seq_push(rules, rule_new("notRemoteIpBlocks", a->allow_cidrs, ops));
    if (a->deny_cidrs)
        doc_seq_push(rules, rule_new("remoteIpBlocks", a->deny_cidrs, ops));
    for (size_t i = 0; i < a->acc.n; i++) {
        if (a->acc.item[i].kind != ACC_IP_LIST)
            continue;
        char field[200];
        snprintf(field, sizeof field, "metadata.annotations[\"%s%s\"]", NGINX_ANNOTATION_PREFIX,
                 a->acc.item[i].ann);
        mp_warn(&c->plan->w, MPW_ANN_APPROX, MP_SEV_WARNING, e->ref, field,
                "approximated: AuthorizationPolicy %s/%s checks the client IP Envoy takes from "
                "X-Forwarded-For or the PROXY protocol (gateway numTrustedProxies), as nginx "
                "takes it from its real-IP settings",
                c->o->gateway_namespace, name);
    }
    return push_ap(c, e, ap);
}

static int ext_authz_ap(conv *c, ing_entry *e, const doc_node *ops)
{
    const ann_access *a = &e->a->acc;
    char nm[400], name[64];
    snprintf(nm, sizeof nm, "%s-%s-ext-authz", e->v.ns, e->v.name);
    istio_dns_label(nm, name);
    doc_node *ap =
        istio_ap_new(c->o->gateway_namespace, name, c->o->gateway_selector_value, "CUSTOM");
    doc_node *spec = ap ? doc_get(ap, "spec") : NULL;
    doc_node *prov = doc_map_new();
    if (!spec || !prov || doc_map_set_str(prov, "name", c->o->ext_authz_provider) < 0 ||
        doc_map_set(spec, "provider", prov) < 0 ||
        doc_seq_push(doc_get(spec, "rules"), rule_new(NULL, NULL, ops)) < 0) {
        doc_free(ap);
        return -1;
    }
    char hdrs[300] = "";
    for (size_t i = 0; a->auth_response_headers && i < a->auth_response_headers->len; i++)
        snprintf(hdrs + strlen(hdrs), sizeof hdrs - strlen(hdrs), "%s%s", i ? ", " : "",
                 doc_str(doc_at(a->auth_response_headers, i)));
    mp_warn(&c->plan->w, MPW_EXT_AUTHZ, MP_SEV_WARNING, e->ref,
            "metadata.annotations[\"" NGINX_ANNOTATION_PREFIX "auth-url\"]",
            "checked by ext-authz provider %s (AuthorizationPolicy %s/%s): "
            "meshConfig.extensionProviders %s must call %s (envoyExtAuthzHttp service, port, "
            "pathPrefix)%s%s%s%s%s%s",
            c->o->ext_authz_provider, c->o->gateway_namespace, name, c->o->ext_authz_provider,
            a->auth_url,
            strchr(a->auth_url, '$') ? ", one fixed service for what nginx variables select" : "",
            hdrs[0] ? " with headersToUpstreamOnAllow " : "", hdrs,
            a->auth_parts[0] ? "; not reproduced: " : "", a->auth_parts,
            a->auth_parts[0] ? " (the provider's answer goes to the client as is)" : "");
    return push_ap(c, e, ap);
}

static int ing_aps(conv *c, ing_entry *e)
{
    bool ip = e->a->allow_cidrs || e->a->deny_cidrs;
    if (!ip && !e->ext_authz)
        return 0;
    doc_node *ops = ing_ops(c, e);
    if (!ops)
        return -1;
    int rc = 0;
    if (ops->len && ip)
        rc = source_range_ap(c, e, ops);
    if (rc == 0 && ops->len && e->ext_authz)
        rc = ext_authz_ap(c, e, ops);
    if (rc == 0 && ops->len && ip && e->ext_authz && e->a->acc.satisfy_any)
        mp_warn(&c->plan->w, MPW_ANN_APPROX, MP_SEV_WARNING, e->ref,
                "metadata.annotations[\"" NGINX_ANNOTATION_PREFIX "satisfy\"]",
                "approximated: with satisfy any nginx lets a request through when the IP list "
                "or auth-url allows it; Istio requires both (stricter)");
    doc_free(ops);
    return rc;
}

int conv_render_access(conv *c)
{
    for (size_t i = 0; i < c->ning; i++)
        if (c->ing[i].routed && !c->ing[i].canary && ing_aps(c, &c->ing[i]) < 0)
            return -1;
    return 0;
}
