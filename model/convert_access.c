/*
 * convert_access.c - fail closed (docs/conversion.md §10 and "Fail closed").
 *
 * The access restrictions of each Ingress (annotations_access.c) either
 * become an exact Istio equivalent or keep the requests they protect away
 * from the backend:
 *   - a valid allow/deny list: a DENY AuthorizationPolicy scoped to exactly
 *     the requests nginx routes to the Ingress's locations (each route's
 *     paths, minus what earlier routes of the host take first);
 *   - auth-url: a CUSTOM AuthorizationPolicy for --ext-authz-provider;
 *   - auth-tls-secret: a MUTUAL server for the host (convert_gateway.c);
 *   - a value nginx refuses: the routes answer 503, as nginx does;
 *   - anything else (basic auth, an access directive in a snippet, auth-url
 *     without a provider, an IP list or auth-url on a regex host, where an
 *     AuthorizationPolicy cannot match nginx's case-insensitive regex
 *     locations): the routes answer 403 (VirtualService directResponse), or
 *     with --allow-open reach the backend with a warning saying so.
 * Closing is per location (the Ingress's routes) or, for what nginx applies
 * per server (server-snippet, auth-tls), per host; closed routes keep their
 * place, so a closed location still shadows what it shadowed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/convert_int.h"
#include "model/istio.h"

static void field_of(char *buf, size_t n, const char *ann)
{
    snprintf(buf, n, "metadata.annotations[\"%s%s\"]", NGINX_ANNOTATION_PREFIX, ann);
}

/* MP108: closes (status 403) or, with --allow-open, says it stays open. */
static void close_or_open(conv *c, ing_entry *e, const char *ann, const char *why, const char *todo,
                          int *close, const char *scope)
{
    char field[200];
    field_of(field, sizeof field, ann);
    if (c->o->allow_open) {
        mp_warn(&c->plan->w, MPW_ACCESS_CLOSED, MP_SEV_WARNING, e->ref, field,
                "%s: NOT enforced, %s reach the backend because of --allow-open; to enforce it, "
                "%s",
                why, scope, todo);
        return;
    }
    if (*close < 403)
        *close = 403;
    mp_warn(&c->plan->w, MPW_ACCESS_CLOSED, MP_SEV_ERROR, e->ref, field,
            "%s: %s answer 403 instead of reaching the backend (fail closed); %s, or convert "
            "with --allow-open to accept the risk",
            why, scope, todo);
}

/* The host group of rule ri of e (its own namespace), or NULL when the
 * rule has no host or an earlier rule has the same one: each host once. */
static hostgrp *rule_grp(conv *c, const ing_entry *e, size_t ri)
{
    const char *h = e->v.rules[ri].host;
    for (size_t k = 0; h && k < ri; k++)
        if (e->v.rules[k].host && !strcmp(e->v.rules[k].host, h))
            return NULL;
    return h ? conv_get_grp(c, e->v.ns, h, false) : NULL;
}

static void close_hosts(conv *c, ing_entry *e, const acc_item *it)
{
    for (size_t ri = 0; ri < e->v.nrules; ri++) {
        hostgrp *g = rule_grp(c, e, ri);
        if (!g)
            continue;
        char scope[300];
        snprintf(scope, sizeof scope, "all routes of host %s (nginx applies it to the server)",
                 g->host);
        close_or_open(c, e, it->ann, it->why, it->todo, &g->close, scope);
    }
}

static void denied(conv *c, ing_entry *e, const acc_item *it)
{
    char field[200];
    field_of(field, sizeof field, it->ann);
    e->close = 503;
    mp_warn(&c->plan->w, MPW_ACCESS_DENIED, MP_SEV_ERROR, e->ref, field,
            "%s; the routes of this Ingress answer 503 as well%s: %s", it->why,
            c->o->allow_open ? " (also with --allow-open: it is nginx's own answer)" : "",
            it->todo);
}

/* auth-url without a provider: nothing in Istio calls the auth service. */
static void ext_auth(conv *c, ing_entry *e)
{
    if (c->o->ext_authz_provider) {
        e->ext_authz = true;
        return;
    }
    char why[400];
    snprintf(why, sizeof why,
             "auth-url %.200s: nginx asks this service before every request, and without "
             "--ext-authz-provider nothing does",
             e->a->acc.auth_url);
    close_or_open(c, e, "auth-url", why,
                  "add an ext-authz provider for it to meshConfig.extensionProviders and "
                  "convert with --ext-authz-provider NAME",
                  &e->close, "the routes of this Ingress");
}

/* The first Ingress (nginx's order) with auth-tls sets it for the host. */
static void client_cert(conv *c, ing_entry *e)
{
    for (size_t ri = 0; ri < e->v.nrules; ri++) {
        hostgrp *g = rule_grp(c, e, ri);
        if (g && !g->mtls)
            g->mtls = e;
    }
}

static void decide_items(conv *c, ing_entry *e)
{
    for (size_t i = 0; i < e->a->acc.n; i++) {
        const acc_item *it = &e->a->acc.item[i];
        switch (it->kind) {
        case ACC_DENIED:
            denied(c, e, it);
            break;
        case ACC_NO_ISTIO:
            if (it->host_wide)
                close_hosts(c, e, it);
            else
                close_or_open(c, e, it->ann, it->why, it->todo, &e->close,
                              "the routes of this Ingress");
            break;
        case ACC_EXT_AUTH:
            ext_auth(c, e);
            break;
        case ACC_CLIENT_CERT:
            client_cert(c, e);
            break;
        case ACC_IP_LIST:
            break; /* conv_render_access */
        }
    }
}

/* An IP list or a CUSTOM check, which an AuthorizationPolicy scopes. */
static bool scoped(const ing_entry *e)
{
    return e->a->allow_cidrs || e->a->deny_cidrs || e->ext_authz;
}

static const char *scoped_ann(const ing_entry *e)
{
    for (size_t i = 0; i < e->a->acc.n; i++)
        if (e->a->acc.item[i].kind == ACC_IP_LIST)
            return e->a->acc.item[i].ann;
    return "auth-url";
}

/* On a regex host every location is a case-insensitive regex; the paths
 * of an AuthorizationPolicy are case-sensitive literals. */
static void regex_hosts(conv *c, ing_entry *e)
{
    for (size_t ri = 0; ri < e->v.nrules; ri++) {
        hostgrp *g = rule_grp(c, e, ri);
        if (!g || !g->regex || !scoped(e) || e->close || g->close)
            continue;
        char why[400], scope[300];
        snprintf(why, sizeof why,
                 "host %s is a regex host (use-regex/rewrite-target): nginx's locations are "
                 "case-insensitive regexes, which AuthorizationPolicy paths (case-sensitive "
                 "literals) cannot scope exactly",
                 g->host);
        snprintf(scope, sizeof scope, "the routes of this Ingress on %s", g->host);
        char field[200];
        field_of(field, sizeof field, scoped_ann(e));
        if (c->o->allow_open) {
            mp_warn(&c->plan->w, MPW_ACCESS_CLOSED, MP_SEV_WARNING, e->ref, field,
                    "%s: because of --allow-open the AuthorizationPolicy covers each path's "
                    "literal prefix instead, so requests that differ from it in case, or match "
                    "the regex elsewhere, escape the restriction",
                    why);
            continue;
        }
        int closed = 0; /* conv_route_closed closes them */
        close_or_open(c, e, scoped_ann(e), why, "drop use-regex/rewrite-target for the host",
                      &closed, scope);
    }
}

/* ---- client certificates ------------------------------------------------------ */

/* Why g's auth-tls cannot be a MUTUAL server (into why), or false. Istio
 * reads a MUTUAL server's CA from <credentialName>-cacert in the gateway
 * namespace: one CA per certificate, whichever namespace uses it. */
static bool mtls_blocked(const conv *c, size_t gi, char *why, size_t n, const char **todo)
{
    const hostgrp *g = &c->grp[gi];
    if (g->platform) {
        snprintf(why, n,
                 "client certificates for host %s: the host is served by the shared Gateway %s, "
                 "whose servers the conversion does not write",
                 g->host, c->o->shared_gateway);
        *todo = "give the shared Gateway a MUTUAL server for the host by hand, or convert the host "
                "to a tenant Gateway (--platform-domain)";
        return true;
    }
    if (!g->secret) {
        snprintf(why, n,
                 "client certificates for host %s: the host has no certificate (spec.tls "
                 "secretName) to build a MUTUAL server on",
                 g->host);
        *todo = "add a spec.tls entry with a certificate for the host";
        return true;
    }
    const ing_entry *e = g->mtls;
    for (size_t k = 0; k < gi; k++) {
        const hostgrp *o = &c->grp[k];
        if (!o->mtls || strcmp(o->secret, g->secret))
            continue;
        if (!strcmp(o->mtls->v.ns, e->v.ns) &&
            !strcmp(o->mtls->a->acc.tls_secret, e->a->acc.tls_secret))
            continue;
        snprintf(why, n,
                 "client certificates for host %s: certificate %s already carries the CA of "
                 "%s/%s (host %s), and Istio reads one CA per certificate (%s-cacert)",
                 g->host, g->secret, o->mtls->v.ns, o->mtls->a->acc.tls_secret, o->host, g->secret);
        *todo = "give the host a certificate of its own";
        return true;
    }
    return false;
}

static void note_mtls(conv *c, const hostgrp *g)
{
    const ing_entry *e = g->mtls;
    const ann_access *a = &e->a->acc;
    const char *page = a->raw[AR_TLS_ERROR_PAGE];
    bool plain = g->redirect_no && !g->force;
    char field[200];
    field_of(field, sizeof field, "auth-tls-secret");
    mp_warn(&c->plan->w, MPW_CLIENT_CERT, MP_SEV_WARNING, e->ref, field,
            "host %s: a MUTUAL server (client certificates required) with credentialName %s; "
            "Istio reads the CA from secret %s/%s-cacert (key ca.crt): copy ca.crt of %s/%s "
            "there. Envoy accepts chains of any length (nginx: verify depth %ld); the "
            "ssl-client-* request headers are removed so clients cannot forge them%s%s%s",
            g->host, g->secret, c->o->gateway_namespace, g->secret, e->v.ns, a->tls_secret,
            a->tls_depth,
            a->tls_pass_cert ? "; the backend no longer gets the certificate (Istio sends "
                               "X-Forwarded-Client-Cert when the gateway's "
                               "forwardClientCertDetails asks for it)"
                             : "",
            page && *page ? "; a failed verification ends the TLS handshake (no error page)" : "",
            plain ? "; plain HTTP (ssl-redirect: false) is served without a certificate, as nginx "
                    "does"
                  : "");
}

static void decide_mtls(conv *c)
{
    for (size_t i = 0; i < c->ngrp; i++) {
        hostgrp *g = &c->grp[i];
        if (!g->mtls)
            continue;
        if (g->close) { /* closed for another server-level reason */
            g->mtls = NULL;
            continue;
        }
        char why[400], scope[300];
        const char *todo = "";
        if (!mtls_blocked(c, i, why, sizeof why, &todo)) {
            note_mtls(c, g);
            continue;
        }
        ing_entry *e = g->mtls;
        g->mtls = NULL;
        snprintf(scope, sizeof scope, "all routes of host %s", g->host);
        close_or_open(c, e, "auth-tls-secret", why, todo, &g->close, scope);
    }
}

int conv_client_cert_headers(const hostgrp *g, hdr_mods *h)
{
    static const char *const names[] = {"ssl-client-cert", "ssl-client-verify",
                                        "ssl-client-subject-dn", "ssl-client-issuer-dn"};
    if (!g->mtls)
        return 0;
    if (!h->req_remove && !(h->req_remove = doc_seq_new()))
        return -1;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (doc_seq_push(h->req_remove, doc_str_new(names[i])) < 0)
            return -1;
    return 0;
}

int conv_decide_access(conv *c)
{
    for (size_t i = 0; i < c->ning; i++) {
        ing_entry *e = &c->ing[i];
        if (e->a->acc.oom)
            return -1; /* a restriction was lost: never convert it open */
        if (e->routed && !e->canary)
            decide_items(c, e);
    }
    decide_mtls(c);
    for (size_t i = 0; i < c->ning; i++) {
        ing_entry *e = &c->ing[i];
        if (e->routed && !e->canary)
            regex_hosts(c, e);
    }
    return 0;
}

int conv_route_closed(const conv *c, const hostgrp *g, const rspec *r)
{
    int st = r->ing->close > g->close ? r->ing->close : g->close;
    if (!st && g->regex && !c->o->allow_open && scoped(r->ing))
        st = 403;
    return st;
}
