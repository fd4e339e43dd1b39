/*
 * lint_convert.c - the conversion's side of lint: the converter's findings
 * under their own codes, and Ingresses created in tenants already cut over
 * to Istio (MP741). The rule, in docs/lint.md: a tenant is cut over when
 * one of its live Ingresses (or live meshpanel objects) says
 * meshpanel.io/state cut-over or retired, or since its first live
 * meshpanel VirtualService; an Ingress there without meshpanel.io/state
 * that no live meshpanel object names as its source is new.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/kobj.h"
#include "model/lint_int.h"

#define STATE_ANNOTATION "meshpanel.io/state"

static lint_ns *ns_entry(lint_ctx *c, const char *ns)
{
    long i = hmap_get(&c->ns_idx, ns);
    if (i >= 0)
        return &c->nss[i];
    if (c->nns == c->capns) {
        size_t cap = c->capns ? c->capns * 2 : 64;
        lint_ns *v = realloc(c->nss, cap * sizeof *v);
        if (!v)
            return NULL;
        c->nss = v;
        c->capns = cap;
    }
    if (hmap_put(&c->ns_idx, ns, c->nns) < 0)
        return NULL;
    c->nss[c->nns] = (lint_ns){false, -1};
    return &c->nss[c->nns++];
}

static bool cut_state(const doc_node *o)
{
    const char *s = kobj_annotation(o, STATE_ANNOTATION);
    return s && (!strcmp(s, "cut-over") || !strcmp(s, "retired"));
}

static bool managed(const doc_node *o)
{
    const char *m = kobj_label(o, CONVERT_MANAGED_LABEL);
    return m && !strcmp(m, CONVERT_MANAGED_VALUE);
}

/* Every "ingress/ns/name" of the object's source annotation. */
static int note_sources(lint_ctx *c, const doc_node *o)
{
    const char *src = kobj_annotation(o, CONVERT_SOURCE_ANNOTATION);
    for (const char *p = src; p && *p;) {
        size_t l = strcspn(p, ",");
        if (l > 8 && !strncmp(p, "ingress/", 8)) {
            char key[512];
            snprintf(key, sizeof key, "%.*s", (int)(l - 8), p + 8);
            if (hmap_put(&c->generated, key, 1) < 0)
                return -1;
        }
        p += l + (p[l] == ',');
    }
    return 0;
}

int lint_index_cutover(lint_ctx *c, long i)
{
    const lint_item *it = lint_ctx_item(c, i);
    bool nsobj = !strcmp(it->kind, "Namespace");
    lint_ns *e = ns_entry(c, nsobj ? it->name : it->ns);
    if (!e)
        return -1;
    if (it->origin != LINT_LIVE || nsobj)
        return 0;
    bool ing = !strcmp(it->kind, "Ingress"), mine = managed(it->doc);
    if ((ing || mine) && cut_state(it->doc))
        e->explicit_cut = true;
    if (!mine)
        return 0;
    if (!strcmp(it->kind, "VirtualService") &&
        (e->since < 0 || strcmp(it->created, lint_ctx_item(c, e->since)->created) < 0))
        e->since = i;
    return note_sources(c, it->doc);
}

static bool not_routed(const doc_node *ing)
{
    const char *c = kobj_annotation(ing, "kubernetes.io/ingress.class");
    if (!c)
        c = doc_str(doc_getv(ing, "spec", "ingressClassName", NULL));
    return c && (!strcmp(c, "pause") || !strcmp(c, "disable"));
}

void lint_check_cutover(lint_run_state *r, const lint_item *it)
{
    if (strcmp(it->kind, "Ingress") || it->origin != LINT_LIVE)
        return;
    const lint_ns *e = lint_ctx_ns(r->c, it->ns);
    char key[512];
    snprintf(key, sizeof key, "%s/%s", it->ns, it->name);
    if (!e || (!e->explicit_cut && e->since < 0) || kobj_annotation(it->doc, STATE_ANNOTATION) ||
        not_routed(it->doc) || hmap_get(&r->c->generated, key) >= 0)
        return;
    const lint_item *first = lint_ctx_item(r->c, e->since);
    const char *hint = "convert it too (meshpanel migrate), or write its VirtualService; the "
                       "tenant should create VirtualServices now";
    if (e->explicit_cut)
        lint_add(r, MPL_ING_AFTER_CUT, MP_SEV_WARNING, it, "", first, hint,
                 "Ingress in %s, which is cut over to Istio: the migration does not cover it "
                 "(no %s), so only nginx serves it",
                 it->ns, STATE_ANNOTATION);
    else if (first && strcmp(it->created, first->created) > 0)
        lint_add(r, MPL_ING_AFTER_CUT, MP_SEV_WARNING, it, "", first, hint,
                 "Ingress created after %s moved to Istio (its first meshpanel VirtualService "
                 "%s): the migration does not cover it, so only nginx serves it",
                 it->ns, first->name);
}

/* ---- the converter's findings ---- */

/* "ingress ns-a/web" -> kind "Ingress", ns, name. */
static bool parse_object(const char *obj, char *kind, size_t nk, char *ns, size_t nn, char *name,
                         size_t n)
{
    static const char *const kinds[] = {
        "Ingress", "Gateway",     "VirtualService", "DestinationRule", "AuthorizationPolicy",
        "Service", "IngressClass"};
    const char *sp = obj ? strchr(obj, ' ') : NULL;
    if (!sp)
        return false;
    snprintf(kind, nk, "%.*s", (int)(sp - obj), obj);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strcasecmp(kind, kinds[i]))
            snprintf(kind, nk, "%s", kinds[i]);
    kind[0] = (char)toupper((unsigned char)kind[0]);
    const char *slash = strchr(sp + 1, '/');
    snprintf(ns, nn, "%.*s", slash ? (int)(slash - sp - 1) : 0, sp + 1);
    snprintf(name, n, "%s", slash ? slash + 1 : sp + 1);
    return true;
}

/* What to do about a converter finding, by code (the message says what
 * differs; docs/conversion.md section 14 has every code). */
static const struct {
    const char *code, *hint;
} conv_hints[] = {
    {MPW_ANN_APPROX, "check that the difference is acceptable for the app before the cut-over"},
    {MPW_ANN_UNSUPPORTED, "the behaviour is lost on Istio: replace it (EnvoyFilter, the app) or "
                          "accept it before the cut-over"},
    {MPW_ANN_INVALID, "fix the annotation's value (nginx ignores it too)"},
    {MPW_ANN_UNKNOWN, "check the annotation's name"},
    {MPW_SNIPPET_PARTIAL, "move what the snippet does into the VirtualService by hand"},
    {MPW_ACCESS_CLOSED, "reproduce the restriction (AuthorizationPolicy, ext-authz) before the "
                        "cut-over: until then its routes answer 403"},
    {MPW_ACCESS_DENIED, "fix the value: nginx refuses it as well"},
    {MPW_EXT_AUTHZ, "register the extension provider in meshConfig"},
    {MPW_CLIENT_CERT, "provide the CA Secret in the gateway namespace"},
    {MPW_PORT_UNRESOLVED, "name a port the Service lists, or give the number"},
    {MPW_BACKEND_NOSVC, "route the path to a Service"},
    {MPW_ROUTE_DUP, "remove the path nginx does not use"},
    {MPW_REGEX_INVALID, "write the path in RE2 syntax"},
    {MPW_CANARY_ORPHAN, "write the main path's host, path and pathType in the canary, or drop it"},
    {MPW_HOST_MISSING, "give the rule a host: a tenant may not take every host"},
    {MPW_DR_CONFLICT, "give the Ingresses of the Service port the same backend settings"},
    {MPW_DEFAULT_BACKEND, "give the Ingress rules with hosts"},
    {MPW_HOST_NO_ROUTE, "fix the host's paths (see the other findings of the host)"},
    {MPW_TLS_NO_SECRET, "name the certificate's Secret in spec.tls"},
    {MPW_TLS_SECRET_NS, "copy the Secret to the gateway namespace, or issue it there with "
                        "cert-manager"},
    {MPW_TLS_CONFLICT, "give the host one certificate"},
    {MPW_REDIRECT_MIXED, "set ssl-redirect alike on every Ingress of the host"},
    {MPW_CLASS_PAUSED, "none while the tenant is suspended: it converts when resumed"},
    {MPW_CLASS_OTHER, "pass the class's IngressClass if ingress-nginx serves it"},
    {MPW_INVALID_OBJECT, "fix the object: it is not converted"},
    {MPW_OVERLAY_CONFLICT, "review the edit against the new conversion"},
    {MPW_OVERLAY_ORPHAN, "drop the edit, or keep the object by hand"},
};

static const char *conv_hint(const char *code, char *buf, size_t n)
{
    for (size_t i = 0; i < sizeof conv_hints / sizeof conv_hints[0]; i++)
        if (!strcmp(conv_hints[i].code, code))
            return conv_hints[i].hint;
    snprintf(buf, n, "docs/conversion.md, code %s", code);
    return buf;
}

bool lint_conv_note(const mp_warning *w)
{
    return w->sev < MP_SEV_WARNING || !strcmp(w->code, MPW_HOST_CONFLICT);
}

static bool surfaced(const lint_ctx *c, const mp_warning *w)
{
    if (lint_conv_note(w))
        return false; /* notes; a shared host is MP701's decision */
    /* with the gateway namespace's Secrets known, MP721 says which are missing */
    return strcmp(w->code, MPW_TLS_SECRET_NS) || !lint_set_known(c->s, "Secret", c->p->gw_ns);
}

static void conversion(lint_run_state *r, const lint_item *only, size_t from, size_t to)
{
    const mp_warnings *ws = &r->c->s->conv;
    for (size_t i = from; i < to && i < ws->len && !r->oom; i++) {
        const mp_warning *w = &ws->items[i];
        char kind[64], ns[256], name[256], hint[200];
        if (!surfaced(r->c, w) ||
            !parse_object(w->object, kind, sizeof kind, ns, sizeof ns, name, sizeof name))
            continue;
        if (only && (strcmp(only->kind, kind) || strcmp(only->ns, ns) || strcmp(only->name, name)))
            continue;
        const lint_item *it = lint_set_find(r->c->s, kind, ns, name);
        lint_item x = {NULL, it ? it->origin : LINT_LIVE, kind, ns, name, "~"};
        lint_add(r, w->code, w->sev, &x, w->field, NULL, conv_hint(w->code, hint, sizeof hint),
                 "%s", w->message);
    }
}

void lint_check_conversion(lint_run_state *r, const lint_item *only)
{
    conversion(r, only, 0, r->c->s->conv.len);
}

void lint_check_conversion_range(lint_run_state *r, size_t from, size_t to)
{
    conversion(r, NULL, from, to);
}
