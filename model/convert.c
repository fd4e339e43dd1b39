/*
 * convert.c - ingress-nginx Ingresses to Istio objects (see convert.h and
 * docs/conversion.md for the rules).
 *
 * The run goes in passes over one working set:
 *   1. decode Services, IngressClasses and Ingresses; sort Ingresses the
 *      way nginx ranks them (creationTimestamp, namespace, name);
 *   2. drop Ingresses nginx would not route (class pause/disable/other),
 *      read the annotations of the rest (annotations.c);
 *   3. group every path by (namespace, host): one VirtualService each;
 *      attach canary Ingresses to their main route;
 *   4. order the routes of each host so Istio's first match is nginx's
 *      choice, render them; then Gateways, DestinationRules and
 *      AuthorizationPolicies; sort the output.
 */
#include "model/convert.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/annotations.h"
#include "model/ingress.h"
#include "model/istio.h"
#include "model/kobj.h"
#include "model/strbuf.h"

#define TENANT_GATEWAY "meshpanel-gateway"

/* ---- a small string -> index hash map ------------------------------------ */

typedef struct {
    char **keys;
    size_t *vals;
    size_t cap, len;
} hmap;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

static void hmap_free(hmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static long hmap_get(const hmap *m, const char *key)
{
    if (!m->cap)
        return -1;
    for (size_t i = hash_str(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (!m->keys[i])
            return -1;
        if (!strcmp(m->keys[i], key))
            return (long)m->vals[i];
    }
}

static int hmap_put(hmap *m, const char *key, size_t val)
{
    if ((m->len + 1) * 2 > m->cap) {
        hmap bigger = {0};
        bigger.cap = m->cap ? m->cap * 2 : 64;
        bigger.keys = calloc(bigger.cap, sizeof *bigger.keys);
        bigger.vals = calloc(bigger.cap, sizeof *bigger.vals);
        if (!bigger.keys || !bigger.vals) {
            free(bigger.keys);
            free(bigger.vals);
            return -1;
        }
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->keys[i])
                continue;
            size_t j = hash_str(m->keys[i]) & (bigger.cap - 1);
            while (bigger.keys[j])
                j = (j + 1) & (bigger.cap - 1);
            bigger.keys[j] = m->keys[i];
            bigger.vals[j] = m->vals[i];
        }
        free(m->keys);
        free(m->vals);
        *m = bigger;
        m->len = 0;
        for (size_t i = 0; i < m->cap; i++)
            m->len += m->keys[i] != NULL;
    }
    size_t i = hash_str(key) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key))
        i = (i + 1) & (m->cap - 1);
    if (!m->keys[i]) {
        if (!(m->keys[i] = strdup(key)))
            return -1;
        m->len++;
    }
    m->vals[i] = val;
    return 0;
}

static void key2(char *buf, size_t n, const char *a, const char *b)
{
    snprintf(buf, n, "%s\x1f%s", a, b);
}

/* ---- working set ----------------------------------------------------------- */

typedef struct {
    ing_view v;
    ann_settings a;
    char ref[300]; /* "ingress ns/name" */
    char src[300]; /* "ingress/ns/name" */
    bool routed;   /* passed the class filter and decoded */
    bool canary;
} ing_entry;

typedef struct {
    ing_entry *ing; /* the main Ingress: its annotations apply */
    const char *path;
    ing_path_type type;
    bool from_default;
    const ing_backend *be;
    char be_field[96];
    ing_entry *canary;
    const ing_backend *canary_be;
    char canary_field[128];
    size_t ri, pi, seq;
    long len;
    bool exact, catchall, drop_exact;
} rspec;

typedef struct {
    const char *ns, *host;
    rspec *r;
    size_t nr, cap;
    bool regex, platform;
    const char *secret;
    bool redirect_yes, redirect_no, force;
    const char *app_root;
    ing_entry *app_root_ing;
    ing_entry **src;
    size_t nsrc;
} hostgrp;

typedef struct {
    long port;
    ing_entry *ing;
    backend_proto proto;
    long connect;
    const char *lb;
    const doc_node *hash;
} dr_port;

typedef struct {
    const char *ns, *svc;
    dr_port *p;
    size_t np;
    ing_entry **src;
    size_t nsrc;
} dr_entry;

struct convert_plan {
    doc_node **objs;
    size_t n, cap;
    mp_warnings w;
    size_t converted, skipped;
};

typedef struct {
    const convert_opts *o;
    convert_plan *plan;
    ing_entry *ing;
    size_t ning;
    svc_view *svc;
    size_t nsvc;
    hmap svc_idx;
    const doc_node **classes; /* IngressClass objects */
    size_t nclasses;
    hostgrp *grp;
    size_t ngrp;
    hmap grp_idx;
    dr_entry *dr;
    size_t ndr;
    hmap dr_idx;
    bool oom;
} conv;

static int push_obj(convert_plan *p, doc_node *o)
{
    if (!o)
        return -1;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 32;
        doc_node **objs = realloc(p->objs, cap * sizeof *objs);
        if (!objs) {
            doc_free(o);
            return -1;
        }
        p->objs = objs;
        p->cap = cap;
    }
    p->objs[p->n++] = o;
    return 0;
}

static int add_src(ing_entry ***src, size_t *n, ing_entry *e)
{
    for (size_t i = 0; i < *n; i++)
        if ((*src)[i] == e)
            return 0;
    ing_entry **s = realloc(*src, (*n + 1) * sizeof *s);
    if (!s)
        return -1;
    s[(*n)++] = e;
    *src = s;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Labels and meshpanel.io/source on a generated object. */
static int set_sources(doc_node *obj, ing_entry *const *src, size_t n)
{
    const char **names = calloc(n ? n : 1, sizeof *names);
    if (!names)
        return -1;
    for (size_t i = 0; i < n; i++)
        names[i] = src[i]->src;
    qsort(names, n, sizeof *names, cmp_str);
    strbuf sb;
    strbuf_init(&sb);
    for (size_t i = 0; i < n; i++) {
        if (i && !strcmp(names[i], names[i - 1]))
            continue;
        if (sb.len)
            strbuf_putc(&sb, ',');
        strbuf_puts(&sb, names[i]);
    }
    free(names);
    int rc =
        sb.oom ? -1 : kobj_set_annotation(obj, CONVERT_SOURCE_ANNOTATION, sb.buf ? sb.buf : "");
    strbuf_free(&sb);
    return rc;
}

/* ---- options ------------------------------------------------------------- */

void convert_opts_default(convert_opts *o)
{
    memset(o, 0, sizeof *o);
    o->mode = GW_MODE_TENANT;
    o->shared_gateway = "istio-system/sealos-gateway";
    o->domain_suffix = "cluster.local";
    o->gateway_selector_value = "ingressgateway";
    o->gateway_namespace = "istio-system";
    o->default_namespace = "default";
}

int convert_parse_mode(const char *s, gw_mode *out, mp_err *err)
{
    if (s && !strcmp(s, "tenant"))
        *out = GW_MODE_TENANT;
    else if (s && !strcmp(s, "shared"))
        *out = GW_MODE_SHARED;
    else
        return mp_errf(err, "--gateway-mode: \"%s\" is not tenant|shared", s ? s : "");
    return 0;
}

static bool is_label(const char *s, size_t n)
{
    char buf[64];
    if (n == 0 || n > 63)
        return false;
    snprintf(buf, sizeof buf, "%.*s", (int)n, s);
    char lab[64];
    istio_dns_label(buf, lab);
    return !strcmp(lab, buf);
}

static int check_opts(const convert_opts *o, mp_err *err)
{
    if (o->mode == GW_MODE_SHARED) {
        const char *g = o->shared_gateway ? o->shared_gateway : "";
        const char *slash = strchr(g, '/');
        if (!slash || !is_label(g, (size_t)(slash - g)) || !is_label(slash + 1, strlen(slash + 1)))
            return mp_errf(err, "--shared-gateway: \"%s\" is not NAMESPACE/NAME (DNS labels)", g);
    }
    if (!o->domain_suffix || !*o->domain_suffix || !ingress_valid_host(o->domain_suffix))
        return mp_errf(err, "--domain-suffix: \"%s\" is not a DNS name",
                       o->domain_suffix ? o->domain_suffix : "");
    if (!o->gateway_namespace || !is_label(o->gateway_namespace, strlen(o->gateway_namespace)))
        return mp_errf(err, "gateway namespace \"%s\" is not a DNS label",
                       o->gateway_namespace ? o->gateway_namespace : "");
    if (!o->gateway_selector_value || !*o->gateway_selector_value)
        return mp_errf(err, "gateway selector value is empty");
    return 0;
}

/* ---- pass 1: decode -------------------------------------------------------- */

static int ing_cmp(const void *pa, const void *pb)
{
    const ing_entry *a = pa, *b = pb;
    int c = strcmp(a->v.created ? a->v.created : "", b->v.created ? b->v.created : "");
    if (!c)
        c = strcmp(a->v.ns, b->v.ns);
    if (!c)
        c = strcmp(a->v.name, b->v.name);
    return c;
}

static int decode_all(conv *c, doc_node *const *objs, size_t n, mp_err *err)
{
    c->ing = calloc(n ? n : 1, sizeof *c->ing);
    c->svc = calloc(n ? n : 1, sizeof *c->svc);
    c->classes = calloc(n ? n : 1, sizeof *c->classes);
    if (!c->ing || !c->svc || !c->classes)
        return mp_errf(err, "out of memory");
    const char *dns = c->o->default_namespace ? c->o->default_namespace : "default";
    for (size_t i = 0; i < n; i++) {
        const char *kind = kobj_kind(objs[i]);
        if (!kind)
            continue;
        mp_err e;
        if (!strcmp(kind, "Ingress")) {
            ing_entry *ie = &c->ing[c->ning];
            if (ingress_decode(objs[i], dns, &ie->v, &e) < 0) {
                if (!c->o->skip_invalid)
                    return mp_errf(err, "%s", e.msg);
                char ref[300];
                mp_warn(&c->plan->w, MPW_INVALID_OBJECT, MP_SEV_ERROR,
                        kobj_ref(objs[i], ref, sizeof ref), "", "%s", e.msg);
                c->plan->skipped++;
                continue;
            }
            snprintf(ie->ref, sizeof ie->ref, "ingress %s/%s", ie->v.ns, ie->v.name);
            snprintf(ie->src, sizeof ie->src, "ingress/%s/%s", ie->v.ns, ie->v.name);
            ann_settings_init(&ie->a);
            c->ning++;
        } else if (!strcmp(kind, "Service")) {
            svc_view *sv = &c->svc[c->nsvc];
            if (service_decode(objs[i], dns, sv, &e) < 0) {
                if (!c->o->skip_invalid)
                    return mp_errf(err, "%s", e.msg);
                mp_warn(&c->plan->w, MPW_INVALID_OBJECT, MP_SEV_ERROR, "", "", "%s", e.msg);
                continue;
            }
            char k[300];
            key2(k, sizeof k, sv->ns, sv->name);
            if (hmap_put(&c->svc_idx, k, c->nsvc) < 0)
                return mp_errf(err, "out of memory");
            c->nsvc++;
        } else if (!strcmp(kind, "IngressClass")) {
            c->classes[c->nclasses++] = objs[i];
        }
    }
    qsort(c->ing, c->ning, sizeof *c->ing, ing_cmp);
    return 0;
}

static const svc_view *find_svc(const conv *c, const char *ns, const char *name)
{
    char k[300];
    key2(k, sizeof k, ns, name);
    long i = hmap_get(&c->svc_idx, k);
    return i < 0 ? NULL : &c->svc[i];
}

/* ---- pass 2: class filter and annotations ------------------------------------ */

static bool nginx_controller(const char *ctl)
{
    return ctl &&
           (!strcmp(ctl, "k8s.io/ingress-nginx") || !strcmp(ctl, "higress.io/higress-controller"));
}

static const doc_node *find_class(const conv *c, const char *name)
{
    for (size_t i = 0; i < c->nclasses; i++)
        if (kobj_name(c->classes[i]) && !strcmp(kobj_name(c->classes[i]), name))
            return c->classes[i];
    return NULL;
}

/* true when nginx routes the Ingress; warns otherwise. */
static bool class_filter(conv *c, ing_entry *e)
{
    const char *ann = e->v.class_annotation;
    const char *cls = ann ? ann : e->v.class_name;
    const char *field =
        ann ? "metadata.annotations[\"kubernetes.io/ingress.class\"]" : "spec.ingressClassName";
    mp_warnings *w = &c->plan->w;
    if (!cls) {
        mp_warn(w, MPW_CLASS_NONE, MP_SEV_INFO, e->ref, "",
                "no ingress class: converted as if ingress-nginx served it");
        return true;
    }
    /* Sealos suspends a tenant by switching the class; both places count. */
    bool paused = !strcmp(cls, "pause") || !strcmp(cls, "disable") ||
                  (e->v.class_name &&
                   (!strcmp(e->v.class_name, "pause") || !strcmp(e->v.class_name, "disable")));
    if (paused) {
        mp_warn(w, MPW_CLASS_PAUSED, MP_SEV_WARNING, e->ref, field,
                "class \"%s\": the tenant is suspended, nginx does not route it; not converted",
                cls);
        return false;
    }
    if (!strcmp(cls, "nginx"))
        return true;
    const doc_node *ic = find_class(c, cls);
    if (ic && nginx_controller(doc_get_str(doc_get(ic, "spec"), "controller")))
        return true;
    mp_warn(w, MPW_CLASS_OTHER, MP_SEV_WARNING, e->ref, field,
            "class \"%s\" is not served by ingress-nginx%s; not converted", cls,
            ic ? "" : " (pass its IngressClass to convert it)");
    return false;
}

static int filter_and_parse(conv *c)
{
    for (size_t i = 0; i < c->ning; i++) {
        ing_entry *e = &c->ing[i];
        if (!class_filter(c, e)) {
            c->plan->skipped++;
            continue;
        }
        if (ann_parse(&e->v, &e->a, &c->plan->w) < 0)
            return -1;
        e->routed = true;
        e->canary = e->a.can.canary;
        c->plan->converted++;
    }
    return 0;
}

/* ---- pass 3: group paths by host ---------------------------------------------- */

static hostgrp *get_grp(conv *c, const char *ns, const char *host, bool create)
{
    char k[600];
    key2(k, sizeof k, ns, host);
    long i = hmap_get(&c->grp_idx, k);
    if (i >= 0)
        return &c->grp[i];
    if (!create)
        return NULL;
    if ((c->ngrp & (c->ngrp - 1)) == 0) { /* grow at powers of two */
        hostgrp *g = realloc(c->grp, (c->ngrp ? c->ngrp * 2 : 1) * sizeof *g);
        if (!g)
            return NULL;
        c->grp = g;
    }
    hostgrp *g = &c->grp[c->ngrp];
    memset(g, 0, sizeof *g);
    g->ns = ns;
    g->host = host;
    if (hmap_put(&c->grp_idx, k, c->ngrp) < 0)
        return NULL;
    c->ngrp++;
    return g;
}

static rspec *add_rspec(hostgrp *g)
{
    if (g->nr == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 4;
        rspec *r = realloc(g->r, cap * sizeof *r);
        if (!r)
            return NULL;
        g->r = r;
        g->cap = cap;
    }
    rspec *r = &g->r[g->nr];
    memset(r, 0, sizeof *r);
    r->seq = g->nr++;
    return r;
}

static bool is_platform(const convert_opts *o, const char *host)
{
    if (o->mode != GW_MODE_SHARED)
        return false;
    if (!o->nplatform_domains)
        return true;
    size_t hl = strlen(host);
    for (size_t i = 0; i < o->nplatform_domains; i++) {
        const char *d = o->platform_domains[i];
        size_t dl = strlen(d);
        if (!strcmp(host, d) || (hl > dl && host[hl - dl - 1] == '.' && !strcmp(host + hl - dl, d)))
            return true;
    }
    return false;
}

static int group_paths(conv *c, ing_entry *e)
{
    mp_warnings *w = &c->plan->w;
    bool hostless_warned = false;
    for (size_t ri = 0; ri < e->v.nrules; ri++) {
        const ing_rule *rule = &e->v.rules[ri];
        if (!rule->host) {
            if (!hostless_warned)
                mp_warn(w, MPW_HOST_MISSING, MP_SEV_ERROR, e->ref, "spec.rules[].host",
                        "a rule without host would need hosts \"*\" on the Gateway, which would "
                        "capture every tenant's traffic; its paths are not converted");
            hostless_warned = true;
            continue;
        }
        hostgrp *g = get_grp(c, e->v.ns, rule->host, true);
        if (!g || add_src(&g->src, &g->nsrc, e) < 0)
            return -1;
        g->platform = is_platform(c->o, rule->host);
        g->regex = g->regex || e->a.regex;
        if (e->a.app_root && !g->app_root) {
            g->app_root = e->a.app_root;
            g->app_root_ing = e;
        }
        if (e->a.ssl_redirect == 0)
            g->redirect_no = true;
        else
            g->redirect_yes = true;
        g->force = g->force || e->a.force_ssl_redirect;
        for (size_t pi = 0; pi < rule->npaths; pi++) {
            const ing_path *p = &rule->paths[pi];
            char field[96];
            snprintf(field, sizeof field, "spec.rules[%zu].http.paths[%zu].backend", ri, pi);
            if (!p->backend.service) {
                mp_warn(w, MPW_BACKEND_NOSVC, MP_SEV_ERROR, e->ref, field,
                        "a %s resource backend has no Istio destination; path %s not converted",
                        p->backend.resource, p->path);
                continue;
            }
            if (e->a.proto == BP_UNROUTABLE)
                continue; /* reported by the backend-protocol rule */
            rspec *r = add_rspec(g);
            if (!r)
                return -1;
            r->ing = e;
            r->path = p->path;
            r->type = p->type;
            r->be = &p->backend;
            snprintf(r->be_field, sizeof r->be_field, "%s", field);
            r->ri = ri;
            r->pi = pi;
        }
        if (e->v.has_default && e->v.default_backend.service && e->a.proto != BP_UNROUTABLE) {
            bool seen = false; /* one default route per host and Ingress */
            for (size_t k = 0; k < g->nr; k++)
                seen = seen || (g->r[k].ing == e && g->r[k].from_default);
            rspec *r = seen ? NULL : add_rspec(g);
            if (!seen && !r)
                return -1;
            if (r) {
                r->ing = e;
                r->path = "/";
                r->type = ING_PATH_PREFIX;
                r->from_default = true;
                r->be = &e->v.default_backend;
                snprintf(r->be_field, sizeof r->be_field, "spec.defaultBackend");
            }
        }
    }
    if (e->v.has_default && !e->v.nrules)
        mp_warn(w, MPW_DEFAULT_BACKEND, MP_SEV_ERROR, e->ref, "spec.defaultBackend",
                "an Ingress with only a defaultBackend is nginx's default server for every "
                "host; a tenant cannot own \"*\": not converted");
    return 0;
}

static const char *const *tls_hosts(const ing_entry *e, const ing_tls *t, size_t *n,
                                    const char **buf, size_t cap)
{
    if (t->nhosts) {
        *n = t->nhosts;
        return t->hosts;
    }
    *n = 0; /* no hosts: the certificate covers the Ingress's own hosts */
    for (size_t i = 0; i < e->v.nrules && *n < cap; i++)
        if (e->v.rules[i].host)
            buf[(*n)++] = e->v.rules[i].host;
    return buf;
}

static void group_tls(conv *c, ing_entry *e)
{
    mp_warnings *w = &c->plan->w;
    for (size_t ti = 0; ti < e->v.ntls; ti++) {
        const ing_tls *t = &e->v.tls[ti];
        char field[64];
        snprintf(field, sizeof field, "spec.tls[%zu].secretName", ti);
        if (!t->secret) {
            mp_warn(w, MPW_TLS_NO_SECRET, MP_SEV_WARNING, e->ref, field,
                    "no secretName (nginx serves its default certificate): no HTTPS server "
                    "generated for these hosts");
            continue;
        }
        const char *buf[64];
        size_t nh;
        const char *const *hosts = tls_hosts(e, t, &nh, buf, 64);
        for (size_t h = 0; h < nh; h++) {
            hostgrp *g = get_grp(c, e->v.ns, hosts[h], false);
            if (!g)
                continue; /* a certificate for a host this namespace does not route */
            if (!g->secret) {
                g->secret = t->secret;
            } else if (strcmp(g->secret, t->secret)) {
                mp_warn(w, MPW_TLS_CONFLICT, MP_SEV_WARNING, e->ref, field,
                        "host %s already uses secret %s (older Ingress wins, as in nginx); %s "
                        "ignored for it",
                        hosts[h], g->secret, t->secret);
            }
        }
    }
}

static bool same_path(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    while (la > 1 && a[la - 1] == '/')
        la--;
    while (lb > 1 && b[lb - 1] == '/')
        lb--;
    return la == lb && !strncmp(a, b, la);
}

static void attach_canary(conv *c, ing_entry *e)
{
    mp_warnings *w = &c->plan->w;
    for (size_t ri = 0; ri < e->v.nrules; ri++) {
        const ing_rule *rule = &e->v.rules[ri];
        hostgrp *g = rule->host ? get_grp(c, e->v.ns, rule->host, false) : NULL;
        for (size_t pi = 0; pi < rule->npaths; pi++) {
            const ing_path *p = &rule->paths[pi];
            char field[96];
            snprintf(field, sizeof field, "spec.rules[%zu].http.paths[%zu]", ri, pi);
            rspec *main = NULL;
            for (size_t k = 0; g && k < g->nr && !main; k++)
                if (!g->r[k].from_default && same_path(g->r[k].path, p->path))
                    main = &g->r[k];
            if (!main || !p->backend.service) {
                mp_warn(w, MPW_CANARY_ORPHAN, MP_SEV_ERROR, e->ref, field,
                        "canary for %s%s has no main Ingress with that host and path; not "
                        "converted",
                        rule->host ? rule->host : "", p->path);
                continue;
            }
            if (main->canary) {
                mp_warn(w, MPW_CANARY_ORPHAN, MP_SEV_WARNING, e->ref, field,
                        "%s already has canary %s (nginx allows one); ignored", p->path,
                        main->canary->ref);
                continue;
            }
            main->canary = e;
            main->canary_be = &p->backend;
            snprintf(main->canary_field, sizeof main->canary_field, "%s.backend", field);
            add_src(&g->src, &g->nsrc, e);
        }
    }
}

/* ---- pass 4: order and render routes ------------------------------------------- */

static void sort_keys(const hostgrp *g, rspec *r)
{
    size_t l = strlen(r->path);
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
 * the order nginx saw them (oldest Ingress first). */
static int rspec_cmp(const void *pa, const void *pb)
{
    const rspec *a = pa, *b = pb;
    if (a->catchall != b->catchall)
        return a->catchall ? 1 : -1;
    if (a->len != b->len)
        return a->len > b->len ? -1 : 1;
    if (a->exact != b->exact)
        return a->exact ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void path_key(const hostgrp *g, const rspec *r, char *buf, size_t n)
{
    size_t l = strlen(r->path);
    if (!g->regex && r->type != ING_PATH_EXACT)
        while (l > 1 && r->path[l - 1] == '/')
            l--;
    char t = g->regex                     ? 'R'
             : r->catchall                ? 'C'
             : r->type == ING_PATH_EXACT  ? 'E'
             : r->type == ING_PATH_PREFIX ? 'P'
                                          : 'I';
    snprintf(buf, n, "%c%.*s", t, (int)l, r->path);
}

/* Drops routes nginx would never pick: the same location twice (the older
 * Ingress wins) and the implied exact match of a Prefix path when an Exact
 * path for the same string exists. Returns the new count. */
static size_t dedup(conv *c, hostgrp *g)
{
    size_t out = 0;
    for (size_t i = 0; i < g->nr; i++) {
        rspec *r = &g->r[i];
        char ki[600];
        path_key(g, r, ki, sizeof ki);
        bool dup = false;
        for (size_t k = 0; k < out && !dup; k++) {
            char kk[600];
            path_key(g, &g->r[k], kk, sizeof kk);
            dup = !strcmp(ki, kk);
        }
        if (dup) {
            if (!r->from_default)
                mp_warn(&c->plan->w, MPW_ROUTE_DUP, MP_SEV_WARNING, r->ing->ref, r->be_field,
                        "host %s path %s (%s) is already routed by an older Ingress; nginx "
                        "ignores this one, so does the conversion",
                        g->host, r->path, ingress_path_type_name(r->type));
            continue;
        }
        g->r[out++] = *r;
    }
    g->nr = out;
    if (g->regex)
        return out;
    for (size_t i = 0; i < out; i++) {
        if (g->r[i].type != ING_PATH_PREFIX || g->r[i].catchall)
            continue;
        for (size_t k = 0; k < out; k++)
            if (g->r[k].type == ING_PATH_EXACT && same_path(g->r[k].path, g->r[i].path))
                g->r[i].drop_exact = true;
    }
    return out;
}

static doc_node *uri_match(const char *kind, const char *value)
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

/* RE2 rejects Perl-only constructs: lookaround, backreferences, atomic
 * groups, possessive quantifiers. */
static bool re2_ok(const char *re)
{
    static const char *const bad[] = {"(?=", "(?!", "(?<=", "(?<!", "(?>", "*+", "++", "?+"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (strstr(re, bad[i]))
            return false;
    for (const char *p = re; *p; p++) {
        if (*p == '\\' && p[1] >= '1' && p[1] <= '9')
            return false;
        if (*p == '\\' && p[1])
            p++;
    }
    int depth = 0;
    for (const char *p = re; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            continue;
        }
        depth += (*p == '(') - (*p == ')');
        if (depth < 0)
            return false;
    }
    return depth == 0;
}

static doc_node *uri_matches(const hostgrp *g, const rspec *r)
{
    doc_node *seq = doc_seq_new();
    if (!seq)
        return NULL;
    char buf[2100];
    if (g->regex) {
        snprintf(buf, sizeof buf, "(?i)%s.*", r->path);
        doc_seq_push(seq, uri_match("regex", buf));
    } else if (r->catchall) {
        doc_seq_push(seq, uri_match("prefix", "/"));
    } else if (r->type == ING_PATH_EXACT) {
        doc_seq_push(seq, uri_match("exact", r->path));
    } else if (r->type == ING_PATH_PREFIX) {
        size_t l = strlen(r->path);
        while (l > 1 && r->path[l - 1] == '/')
            l--;
        snprintf(buf, sizeof buf, "%.*s", (int)l, r->path);
        if (!r->drop_exact)
            doc_seq_push(seq, uri_match("exact", buf));
        snprintf(buf, sizeof buf, "%.*s/", (int)l, r->path);
        doc_seq_push(seq, uri_match("prefix", buf));
    } else {
        doc_seq_push(seq, uri_match("prefix", r->path));
    }
    return seq;
}

/* Each uri match of base, plus headers {name: {how: value}}. */
static doc_node *with_header(const doc_node *base, const char *name, const char *how,
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

static doc_node *destination(conv *c, const rspec *r, const ing_backend *be, const char *field,
                             const ing_entry *owner, long weight, long *port_out)
{
    const char *ns = r->ing->v.ns;
    char host[600];
    snprintf(host, sizeof host, "%s.%s.svc.%s", be->service, ns, c->o->domain_suffix);
    long port = be->port_number;
    if (!port) {
        const svc_view *s = find_svc(c, ns, be->service);
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
    if (port_out)
        *port_out = port;
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

/* http[].headers: the host's server-snippet headers, then the route's own. */
static doc_node *route_headers(const hostgrp *g, const ing_entry *e)
{
    hdr_mods h = {0};
    for (size_t i = 0; i < g->nsrc; i++)
        if (!g->src[i]->canary)
            hdr_merge(&h, &g->src[i]->a.server_hdr);
    hdr_merge(&h, &e->a.hdr);
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

/* rewrite, timeout, retries, corsPolicy, headers: shared by a route and its
 * canary variants. */
static void route_common(const hostgrp *g, const rspec *r, doc_node *route)
{
    const ann_settings *a = &r->ing->a;
    doc_node *rw = NULL;
    if (a->upstream_vhost || (a->rewrite_target && g->regex))
        rw = doc_map_new();
    if (rw && a->upstream_vhost)
        doc_map_set_str(rw, "authority", a->upstream_vhost);
    if (rw && a->rewrite_target && g->regex) {
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
    doc_node *route = new_route(name, with_header(x->base, hname, how, value));
    if (!route) {
        doc_free(dest);
        return;
    }
    route_to(route, dest);
    route_common(x->g, x->r, route);
    istio_vs_add_http(x->vs, route);
}

static long scale(long w, long total)
{
    return total == 100 ? w : (w * 100 + total / 2) / total;
}

static void render_canary(rctx *x, doc_node *route)
{
    const rspec *r = x->r;
    const canary_settings *k = &r->canary->a.can;
    conv *c = x->c;
    if (k->header) {
        if (k->header_value || k->header_pattern) {
            add_variant(x, "canary-header", k->header, k->header_value ? "exact" : "regex",
                        k->header_value ? k->header_value : k->header_pattern,
                        destination(c, r, r->canary_be, r->canary_field, r->canary, -1, NULL));
        } else {
            add_variant(x, "canary-always", k->header, "exact", "always",
                        destination(c, r, r->canary_be, r->canary_field, r->canary, -1, NULL));
            add_variant(x, "canary-never", k->header, "exact", "never",
                        destination(c, r, r->be, r->be_field, r->ing, -1, NULL));
        }
    }
    if (k->cookie) {
        char re[300];
        snprintf(re, sizeof re, "^(.*?;\\s*)?%s=always(;.*)?$", k->cookie);
        add_variant(x, "canary-cookie-always", "cookie", "regex", re,
                    destination(c, r, r->canary_be, r->canary_field, r->canary, -1, NULL));
        snprintf(re, sizeof re, "^(.*?;\\s*)?%s=never(;.*)?$", k->cookie);
        add_variant(x, "canary-cookie-never", "cookie", "regex", re,
                    destination(c, r, r->be, r->be_field, r->ing, -1, NULL));
    }
    long total = k->weight_total > 0 ? k->weight_total : 100;
    long w = k->weight > 0 ? (k->weight > total ? total : k->weight) : 0;
    doc_node *seq = doc_seq_new();
    if (w == 0) {
        doc_seq_push(seq, destination(c, r, r->be, r->be_field, r->ing, -1, NULL));
    } else {
        long cw = scale(w, total);
        if (cw * total != w * 100)
            mp_warn(&c->plan->w, MPW_ANN_APPROX, MP_SEV_WARNING, r->canary->ref,
                    "metadata.annotations[\"" NGINX_ANNOTATION_PREFIX "canary-weight\"]",
                    "approximated: weight %ld of %ld rounded to %ld of 100", w, total, cw);
        doc_seq_push(seq, destination(c, r, r->be, r->be_field, r->ing, 100 - cw, NULL));
        doc_seq_push(seq, destination(c, r, r->canary_be, r->canary_field, r->canary, cw, NULL));
    }
    doc_map_set(route, "route", seq);
}

static void render_rspec(conv *c, const hostgrp *g, const rspec *r, doc_node *vs)
{
    rctx x = {.c = c, .g = g, .r = r, .vs = vs};
    if (r->from_default)
        snprintf(x.name, sizeof x.name, "%s-default", r->ing->v.name);
    else
        snprintf(x.name, sizeof x.name, "%s-%zu-%zu", r->ing->v.name, r->ri, r->pi);
    doc_node *base = uri_matches(g, r);
    if (!base)
        return;
    x.base = base;
    const ann_settings *a = &r->ing->a;
    if (a->force_ssl_redirect && !g->secret) {
        /* TLS ends before the gateway: only the forwarded scheme tells. */
        char name[200];
        snprintf(name, sizeof name, "%s-force-ssl", x.name);
        doc_node *route = new_route(name, with_header(base, "x-forwarded-proto", "exact", "http"));
        doc_node *rd = doc_map_new();
        if (rd) {
            doc_map_set_str(rd, "scheme", "https");
            doc_map_set(rd, "redirectCode", doc_int_new(308));
        }
        if (route) {
            doc_map_set(route, "redirect", rd);
            istio_vs_add_http(vs, route);
        } else {
            doc_free(rd);
        }
    }
    doc_node *route = new_route(x.name, doc_clone(base));
    if (!route) {
        doc_free(base);
        return;
    }
    if (a->redirect) {
        doc_map_set(route, "redirect", doc_clone(a->redirect));
        if (r->canary)
            mp_warn(&c->plan->w, MPW_ANN_NOEFFECT, MP_SEV_INFO, r->canary->ref, "",
                    "the main Ingress redirects; the canary gets no traffic (as in nginx)");
    } else if (r->canary) {
        render_canary(&x, route);
        route_common(g, r, route);
    } else {
        route_to(route, destination(c, r, r->be, r->be_field, r->ing, -1, NULL));
        route_common(g, r, route);
    }
    istio_vs_add_http(vs, route);
    doc_free(base);
}

static bool check_regex(conv *c, const hostgrp *g, const rspec *r)
{
    char re[2100];
    snprintf(re, sizeof re, "%s", r->path);
    if (re2_ok(re))
        return true;
    char field[96];
    snprintf(field, sizeof field, "spec.rules[%zu].http.paths[%zu].path", r->ri, r->pi);
    mp_warn(&c->plan->w, MPW_REGEX_INVALID, MP_SEV_ERROR, r->ing->ref, field,
            "host %s is in regex mode and \"%s\" is not valid RE2 (lookaround, backreference "
            "or unbalanced group); route not converted",
            g->host, r->path);
    return false;
}

static const char *gateway_ref(const conv *c, const hostgrp *g, char *buf, size_t n)
{
    if (g->platform)
        return c->o->shared_gateway;
    snprintf(buf, n, "%s/%s", g->ns, TENANT_GATEWAY);
    return buf;
}

static int render_vs(conv *c, hostgrp *g)
{
    dedup(c, g);
    for (size_t i = 0; i < g->nr; i++)
        sort_keys(g, &g->r[i]);
    qsort(g->r, g->nr, sizeof *g->r, rspec_cmp);
    char name[64], gw[300];
    istio_dns_label(g->host, name);
    doc_node *vs = istio_vs_new(g->ns, name, g->host, gateway_ref(c, g, gw, sizeof gw));
    if (!vs || set_sources(vs, g->src, g->nsrc) < 0) {
        doc_free(vs);
        return -1;
    }
    if (g->app_root) {
        char rn[200];
        snprintf(rn, sizeof rn, "%s-app-root", g->app_root_ing->v.name);
        doc_node *m = doc_seq_new();
        if (m)
            doc_seq_push(m, uri_match("exact", "/"));
        doc_node *route = new_route(rn, m);
        doc_node *rd = doc_map_new();
        if (rd) {
            doc_map_set_str(rd, "uri", g->app_root);
            doc_map_set(rd, "redirectCode", doc_int_new(302));
        }
        if (route) {
            doc_map_set(route, "redirect", rd);
            istio_vs_add_http(vs, route);
        } else {
            doc_free(rd);
        }
    }
    for (size_t i = 0; i < g->nr; i++)
        if (!g->regex || check_regex(c, g, &g->r[i]))
            render_rspec(c, g, &g->r[i], vs);
    if (!doc_getv(vs, "spec", "http", NULL) || !doc_getv(vs, "spec", "http", NULL)->len) {
        doc_free(vs); /* every path was reported above */
        return 0;
    }
    return push_obj(c->plan, vs);
}

/* ---- Gateways --------------------------------------------------------------- */

static int cmp_host(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static doc_node *host_seq(const char **hosts, size_t n)
{
    qsort(hosts, n, sizeof *hosts, cmp_host);
    doc_node *seq = doc_seq_new();
    for (size_t i = 0; seq && i < n; i++)
        doc_seq_push(seq, doc_str_new(hosts[i]));
    return seq;
}

static bool wants_redirect(conv *c, hostgrp *g)
{
    if (!g->secret)
        return false; /* force-ssl without TLS is a route (render_rspec) */
    if (g->force)
        return true;
    if (g->redirect_no && g->redirect_yes) {
        mp_warn(&c->plan->w, MPW_REDIRECT_MIXED, MP_SEV_WARNING, g->src[0]->ref,
                "metadata.annotations[\"" NGINX_ANNOTATION_PREFIX "ssl-redirect\"]",
                "host %s: some Ingresses disable ssl-redirect and some do not; httpsRedirect is "
                "per host, so the host is NOT redirected (nginx redirected the other paths)",
                g->host);
        return false;
    }
    return !g->redirect_no;
}

typedef struct {
    const char *secret;
    const char **hosts;
    size_t n;
} cert_hosts;

static int cmp_cert(const void *a, const void *b)
{
    return strcmp(((const cert_hosts *)a)->secret, ((const cert_hosts *)b)->secret);
}

static void https_port_name(const char *secret, char out[64])
{
    char buf[300];
    snprintf(buf, sizeof buf, "https-%s", secret);
    istio_dns_label(buf, out);
}

/* One Gateway for the namespace's hosts in grps[0..n) (all same ns). */
static int render_gateway(conv *c, hostgrp **grps, size_t n)
{
    const char *ns = grps[0]->ns;
    const char **plain = calloc(n, sizeof *plain), **redir = calloc(n, sizeof *redir);
    cert_hosts *certs = calloc(n, sizeof *certs);
    ing_entry **src = NULL;
    size_t np = 0, nr = 0, nc = 0, nsrc = 0;
    int rc = -1;
    if (!plain || !redir || !certs)
        goto out;
    for (size_t i = 0; i < n; i++) {
        hostgrp *g = grps[i];
        for (size_t k = 0; k < g->nsrc; k++)
            add_src(&src, &nsrc, g->src[k]);
        if (wants_redirect(c, g))
            redir[nr++] = g->host;
        else
            plain[np++] = g->host;
        if (!g->secret)
            continue;
        size_t k = 0;
        while (k < nc && strcmp(certs[k].secret, g->secret))
            k++;
        if (k == nc) {
            certs[nc].secret = g->secret;
            if (!(certs[nc++].hosts = calloc(n, sizeof(char *))))
                goto out;
        }
        certs[k].hosts[certs[k].n++] = g->host;
        if (strcmp(ns, c->o->gateway_namespace)) {
            bool told = false; /* once per secret */
            for (size_t j = 0; j < i; j++)
                told = told || (grps[j]->secret && !strcmp(grps[j]->secret, g->secret));
            if (!told)
                mp_warn(&c->plan->w, MPW_TLS_SECRET_NS, MP_SEV_WARNING, g->src[0]->ref,
                        "spec.tls[].secretName",
                        "credentialName %s is read from the gateway pods' namespace %s, not %s: "
                        "copy secret %s/%s to %s (under a name no other tenant uses)",
                        g->secret, c->o->gateway_namespace, ns, ns, g->secret,
                        c->o->gateway_namespace);
        }
    }
    doc_node *gw = istio_gateway_new(ns, TENANT_GATEWAY, c->o->gateway_selector_value);
    if (!gw)
        goto out;
    if (np)
        istio_gateway_add_server(gw, 80, "HTTP", "http", host_seq(plain, np), NULL);
    if (nr) {
        doc_node *tls = doc_map_new();
        if (tls)
            doc_map_set(tls, "httpsRedirect", doc_bool_new(true));
        istio_gateway_add_server(gw, 80, "HTTP", "http-redirect", host_seq(redir, nr), tls);
    }
    qsort(certs, nc, sizeof *certs, cmp_cert);
    for (size_t k = 0; k < nc; k++) {
        char pname[64];
        https_port_name(certs[k].secret, pname);
        doc_node *tls = doc_map_new();
        if (tls) {
            doc_map_set_str(tls, "mode", "SIMPLE");
            doc_map_set_str(tls, "credentialName", certs[k].secret);
        }
        istio_gateway_add_server(gw, 443, "HTTPS", pname, host_seq(certs[k].hosts, certs[k].n),
                                 tls);
    }
    if (set_sources(gw, src, nsrc) < 0) {
        doc_free(gw);
        goto out;
    }
    rc = push_obj(c->plan, gw);
out:
    for (size_t k = 0; certs && k < nc; k++)
        free(certs[k].hosts);
    free(certs);
    free(plain);
    free(redir);
    free(src);
    return rc;
}

static int cmp_grp_ns(const void *a, const void *b)
{
    const hostgrp *x = *(hostgrp *const *)a, *y = *(hostgrp *const *)b;
    int r = strcmp(x->ns, y->ns);
    return r ? r : strcmp(x->host, y->host);
}

static void shared_notes(conv *c, hostgrp *g)
{
    if (g->secret || g->force)
        mp_warn(&c->plan->w, MPW_TLS_SHARED, MP_SEV_INFO, g->src[0]->ref, "spec.tls",
                "host %s is served by the shared gateway %s: its certificate and HTTPS "
                "redirect apply%s%s",
                g->host, c->o->shared_gateway, g->secret ? "; secret not used: " : "",
                g->secret ? g->secret : "");
}

static int render_gateways(conv *c)
{
    hostgrp **list = calloc(c->ngrp ? c->ngrp : 1, sizeof *list);
    size_t n = 0;
    if (!list)
        return -1;
    for (size_t i = 0; i < c->ngrp; i++) {
        hostgrp *g = &c->grp[i];
        if (!g->nr && !g->app_root)
            continue;
        if (g->platform)
            shared_notes(c, g);
        else
            list[n++] = g;
    }
    qsort(list, n, sizeof *list, cmp_grp_ns);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0;) {
        size_t j = i;
        while (j < n && !strcmp(list[j]->ns, list[i]->ns))
            j++;
        rc = render_gateway(c, list + i, j - i);
        i = j;
    }
    free(list);
    return rc;
}

/* ---- DestinationRules ---------------------------------------------------------- */

static bool dr_wanted(const ann_settings *a)
{
    return a->proto == BP_HTTPS || a->proto == BP_GRPC || a->proto == BP_GRPCS ||
           a->connect_timeout > 0 || a->lb_simple || a->consistent_hash;
}

static bool dr_same(const dr_port *p, const ann_settings *a)
{
    return p->proto == a->proto && p->connect == a->connect_timeout &&
           !strcmp(p->lb ? p->lb : "", a->lb_simple ? a->lb_simple : "") &&
           doc_equal(p->hash, a->consistent_hash, true);
}

static int dr_note(conv *c, ing_entry *e, const char *svc, long port)
{
    char k[300];
    key2(k, sizeof k, e->v.ns, svc);
    long i = hmap_get(&c->dr_idx, k);
    if (i < 0) {
        dr_entry *d = realloc(c->dr, (c->ndr + 1) * sizeof *d);
        if (!d)
            return -1;
        c->dr = d;
        i = (long)c->ndr++;
        memset(&c->dr[i], 0, sizeof c->dr[i]);
        c->dr[i].ns = e->v.ns;
        c->dr[i].svc = svc;
        if (hmap_put(&c->dr_idx, k, (size_t)i) < 0)
            return -1;
    }
    dr_entry *d = &c->dr[i];
    for (size_t p = 0; p < d->np; p++) {
        if (d->p[p].port != port)
            continue;
        if (!dr_same(&d->p[p], &e->a) && d->p[p].ing != e)
            mp_warn(&c->plan->w, MPW_DR_CONFLICT, MP_SEV_WARNING, e->ref, "metadata.annotations",
                    "service %s port %ld already gets other backend settings from %s (older "
                    "wins); these are not applied",
                    svc, port, d->p[p].ing->ref);
        return 0;
    }
    dr_port *np = realloc(d->p, (d->np + 1) * sizeof *np);
    if (!np)
        return -1;
    d->p = np;
    d->p[d->np++] = (dr_port){.port = port,
                              .ing = e,
                              .proto = e->a.proto,
                              .connect = e->a.connect_timeout,
                              .lb = e->a.lb_simple,
                              .hash = e->a.consistent_hash};
    return add_src(&d->src, &d->nsrc, e);
}

static long be_port(const conv *c, const char *ns, const ing_backend *be)
{
    if (be->port_number)
        return be->port_number;
    return service_port_by_name(find_svc(c, ns, be->service), be->port_name);
}

static int collect_dr(conv *c)
{
    for (size_t i = 0; i < c->ngrp; i++) {
        hostgrp *g = &c->grp[i];
        for (size_t k = 0; k < g->nr; k++) {
            rspec *r = &g->r[k];
            if (!dr_wanted(&r->ing->a) || r->ing->a.redirect)
                continue;
            if (dr_note(c, r->ing, r->be->service, be_port(c, g->ns, r->be)) < 0)
                return -1;
            /* the canary inherits the main Ingress's backend settings */
            if (r->canary &&
                dr_note(c, r->ing, r->canary_be->service, be_port(c, g->ns, r->canary_be)) < 0)
                return -1;
        }
    }
    return 0;
}

static void dr_fill(doc_node *m, const dr_port *p)
{
    if (p->lb || p->hash) {
        doc_node *lb = doc_map_ensure(m, "loadBalancer", DOC_MAP);
        if (lb && p->hash)
            doc_map_set(lb, "consistentHash", doc_clone(p->hash));
        else if (lb)
            doc_map_set_str(lb, "simple", p->lb);
    }
    bool h2 = p->proto == BP_GRPC || p->proto == BP_GRPCS;
    if (p->connect > 0 || h2) {
        doc_node *cp = doc_map_ensure(m, "connectionPool", DOC_MAP);
        char buf[32];
        snprintf(buf, sizeof buf, "%lds", p->connect);
        if (cp && p->connect > 0)
            doc_map_set_str(doc_map_ensure(cp, "tcp", DOC_MAP), "connectTimeout", buf);
        if (cp && h2)
            doc_map_set_str(doc_map_ensure(cp, "http", DOC_MAP), "h2UpgradePolicy", "UPGRADE");
    }
    if (p->proto == BP_HTTPS || p->proto == BP_GRPCS) {
        doc_node *tls = doc_map_ensure(m, "tls", DOC_MAP);
        if (tls) {
            doc_map_set_str(tls, "mode", "SIMPLE");
            doc_map_set(tls, "insecureSkipVerify", doc_bool_new(true));
        }
    }
}

static int cmp_port(const void *a, const void *b)
{
    long x = ((const dr_port *)a)->port, y = ((const dr_port *)b)->port;
    return (x > y) - (x < y);
}

static int render_drs(conv *c)
{
    for (size_t i = 0; i < c->ndr; i++) {
        dr_entry *d = &c->dr[i];
        char host[600], nm[300], name[64];
        snprintf(host, sizeof host, "%s.%s.svc.%s", d->svc, d->ns, c->o->domain_suffix);
        snprintf(nm, sizeof nm, "%s-meshpanel", d->svc);
        istio_dns_label(nm, name);
        doc_node *dr = istio_dr_new(d->ns, name, host, c->o->gateway_namespace);
        doc_node *tp = dr ? doc_getv(dr, "spec", "trafficPolicy", NULL) : NULL;
        if (!tp) {
            doc_free(dr);
            return -1;
        }
        qsort(d->p, d->np, sizeof *d->p, cmp_port);
        for (size_t p = 0; p < d->np; p++) {
            if (!d->p[p].port) { /* port unknown: the whole service */
                dr_fill(tp, &d->p[p]);
                continue;
            }
            doc_node *pls = doc_map_ensure(tp, "portLevelSettings", DOC_SEQ);
            doc_node *m = doc_map_new(), *port = doc_map_new();
            if (!pls || !m || !port) {
                doc_free(m);
                doc_free(port);
                doc_free(dr);
                return -1;
            }
            doc_map_set(port, "number", doc_int_new(d->p[p].port));
            doc_map_set(m, "port", port);
            dr_fill(m, &d->p[p]);
            doc_seq_push(pls, m);
        }
        istio_canonical_order(dr);
        if (set_sources(dr, d->src, d->nsrc) < 0 || push_obj(c->plan, dr) < 0)
            return -1;
    }
    return 0;
}

/* ---- AuthorizationPolicies ------------------------------------------------------ */

/* The part of a regex before its first metacharacter. */
static size_t literal_prefix(const char *re)
{
    size_t n = strcspn(re, ".*+?()[]{}|^$\\");
    return n;
}

/* AP paths for the Ingress's paths, or NULL when one covers the whole host. */
static doc_node *ap_paths(conv *c, const ing_entry *e, bool *approx)
{
    doc_node *seq = doc_seq_new();
    char buf[2100];
    for (size_t ri = 0; seq && ri < e->v.nrules; ri++) {
        const ing_rule *rule = &e->v.rules[ri];
        const hostgrp *g = rule->host ? get_grp(c, e->v.ns, rule->host, false) : NULL;
        bool regex = g && g->regex;
        for (size_t pi = 0; pi < rule->npaths; pi++) {
            const ing_path *p = &rule->paths[pi];
            size_t l = strlen(p->path);
            if (regex) {
                size_t lp = literal_prefix(p->path);
                *approx = *approx || lp != l;
                l = lp;
            }
            while (l > 1 && p->path[l - 1] == '/')
                l--;
            if (l <= 1 && (regex || p->type != ING_PATH_EXACT)) {
                doc_free(seq);
                return NULL;
            }
            if (!regex && p->type == ING_PATH_EXACT) {
                doc_seq_push(seq, doc_str_new(p->path));
            } else if (!regex && p->type == ING_PATH_PREFIX) {
                snprintf(buf, sizeof buf, "%.*s", (int)l, p->path);
                doc_seq_push(seq, doc_str_new(buf));
                snprintf(buf, sizeof buf, "%.*s/*", (int)l, p->path);
                doc_seq_push(seq, doc_str_new(buf));
            } else {
                snprintf(buf, sizeof buf, "%.*s*", (int)l, p->path);
                doc_seq_push(seq, doc_str_new(buf));
            }
        }
    }
    return seq;
}

static doc_node *ap_rule(const char *src_key, const doc_node *cidrs, const doc_node *hosts,
                         const doc_node *paths)
{
    doc_node *rule = doc_map_new(), *from = doc_seq_new(), *src = doc_map_new(),
             *source = doc_map_new(), *to = doc_seq_new(), *op = doc_map_new(),
             *opw = doc_map_new();
    if (!rule || !from || !src || !source || !to || !op || !opw) {
        doc_free(rule), doc_free(from), doc_free(src), doc_free(source);
        doc_free(to), doc_free(op), doc_free(opw);
        return NULL;
    }
    doc_map_set(source, src_key, doc_clone(cidrs));
    doc_map_set(src, "source", source);
    doc_seq_push(from, src);
    doc_map_set(rule, "from", from);
    doc_map_set(op, "hosts", doc_clone(hosts));
    if (paths)
        doc_map_set(op, "paths", doc_clone(paths));
    doc_map_set(opw, "operation", op);
    doc_seq_push(to, opw);
    doc_map_set(rule, "to", to);
    return rule;
}

static int render_ap(conv *c, ing_entry *e)
{
    const ann_settings *a = &e->a;
    bool allow = a->allow_cidrs && a->allow_cidrs->len, deny = a->deny_cidrs && a->deny_cidrs->len;
    if (!allow && !deny)
        return 0;
    doc_node *hosts = doc_seq_new();
    for (size_t ri = 0; hosts && ri < e->v.nrules; ri++) {
        const char *h = e->v.rules[ri].host;
        if (!h)
            continue;
        char buf[300];
        bool have = false;
        for (size_t k = 0; k < hosts->len; k++)
            have = have || !strcmp(doc_str(doc_at(hosts, k)), h);
        if (have)
            continue;
        doc_seq_push(hosts, doc_str_new(h));
        snprintf(buf, sizeof buf, "%s:*", h);
        doc_seq_push(hosts, doc_str_new(buf));
    }
    if (!hosts || !hosts->len) {
        doc_free(hosts);
        return 0;
    }
    bool approx = false;
    doc_node *paths = ap_paths(c, e, &approx);
    char nm[400], name[64];
    snprintf(nm, sizeof nm, "%s-%s-source-range", e->v.ns, e->v.name);
    istio_dns_label(nm, name);
    doc_node *ap =
        istio_ap_new(c->o->gateway_namespace, name, c->o->gateway_selector_value, "DENY");
    doc_node *rules = ap ? doc_getv(ap, "spec", "rules", NULL) : NULL;
    if (rules && allow)
        doc_seq_push(rules, ap_rule("notRemoteIpBlocks", a->allow_cidrs, hosts, paths));
    if (rules && deny)
        doc_seq_push(rules, ap_rule("remoteIpBlocks", a->deny_cidrs, hosts, paths));
    doc_free(hosts);
    doc_free(paths);
    if (approx)
        mp_warn(&c->plan->w, MPW_ANN_APPROX, MP_SEV_WARNING, e->ref, "spec.rules[].http.paths",
                "approximated: AuthorizationPolicy paths cannot be regexes; the source-range "
                "rule covers each path's literal prefix");
    ing_entry *self = e;
    if (!rules || set_sources(ap, &self, 1) < 0) {
        doc_free(ap);
        return -1;
    }
    return push_obj(c->plan, ap);
}

/* ---- output order ------------------------------------------------------------------ */

static int kind_rank(const char *k)
{
    static const char *const order[] = {"Gateway", "VirtualService", "DestinationRule",
                                        "AuthorizationPolicy"};
    for (int i = 0; i < 4; i++)
        if (k && !strcmp(k, order[i]))
            return i;
    return 4;
}

static int obj_cmp(const void *pa, const void *pb)
{
    const doc_node *a = *(doc_node *const *)pa, *b = *(doc_node *const *)pb;
    int r = strcmp(kobj_namespace(a), kobj_namespace(b));
    if (!r)
        r = kind_rank(kobj_kind(a)) - kind_rank(kobj_kind(b));
    if (!r)
        r = strcmp(kobj_name(a), kobj_name(b));
    return r;
}

typedef struct {
    mp_warning w;
    size_t idx;
} warn_slot;

static int warn_cmp(const void *pa, const void *pb)
{
    const warn_slot *a = pa, *b = pb;
    int r = strcmp(a->w.object, b->w.object);
    if (!r)
        r = (a->idx > b->idx) - (a->idx < b->idx);
    return r;
}

/* Warnings grouped by object, in the order they were found within one. */
static void sort_warnings(mp_warnings *w)
{
    warn_slot *s = malloc((w->len ? w->len : 1) * sizeof *s);
    if (!s)
        return;
    for (size_t i = 0; i < w->len; i++)
        s[i] = (warn_slot){w->items[i], i};
    qsort(s, w->len, sizeof *s, warn_cmp);
    for (size_t i = 0; i < w->len; i++)
        w->items[i] = s[i].w;
    free(s);
}

static void host_conflicts(conv *c)
{
    /* Sealos' webhook forbids a host in two namespaces; converted input may
     * still have it, and two VirtualServices for one host on one gateway
     * merge unpredictably. */
    hmap seen = {0};
    for (size_t i = 0; i < c->ngrp; i++) {
        hostgrp *g = &c->grp[i];
        long j = hmap_get(&seen, g->host);
        if (j >= 0) {
            mp_warn(&c->plan->w, MPW_HOST_CONFLICT, MP_SEV_WARNING, g->src[0]->ref,
                    "spec.rules[].host",
                    "host %s is also routed in namespace %s; both VirtualServices claim it",
                    g->host, c->grp[j].ns);
        } else if (hmap_put(&seen, g->host, i) < 0) {
            c->oom = true;
        }
    }
    hmap_free(&seen);
}

/* ---- run ---------------------------------------------------------------------------- */

static void conv_free(conv *c)
{
    for (size_t i = 0; i < c->ning; i++) {
        ingress_view_free(&c->ing[i].v);
        ann_settings_free(&c->ing[i].a);
    }
    for (size_t i = 0; i < c->nsvc; i++)
        service_view_free(&c->svc[i]);
    for (size_t i = 0; i < c->ngrp; i++) {
        free(c->grp[i].r);
        free(c->grp[i].src);
    }
    for (size_t i = 0; i < c->ndr; i++) {
        free(c->dr[i].p);
        free(c->dr[i].src);
    }
    free(c->ing);
    free(c->svc);
    free(c->classes);
    free(c->grp);
    free(c->dr);
    hmap_free(&c->svc_idx);
    hmap_free(&c->grp_idx);
    hmap_free(&c->dr_idx);
}

static int run(conv *c, doc_node *const *objs, size_t n, mp_err *err)
{
    if (decode_all(c, objs, n, err) < 0)
        return -1;
    if (filter_and_parse(c) < 0)
        return mp_errf(err, "out of memory");
    for (size_t i = 0; i < c->ning; i++)
        if (c->ing[i].routed && !c->ing[i].canary && group_paths(c, &c->ing[i]) < 0)
            return mp_errf(err, "out of memory");
    for (size_t i = 0; i < c->ning; i++) {
        if (!c->ing[i].routed)
            continue;
        if (c->ing[i].canary)
            attach_canary(c, &c->ing[i]);
        else
            group_tls(c, &c->ing[i]);
    }
    host_conflicts(c);
    for (size_t i = 0; i < c->ngrp; i++)
        if (render_vs(c, &c->grp[i]) < 0)
            return mp_errf(err, "out of memory");
    if (render_gateways(c) < 0 || collect_dr(c) < 0 || render_drs(c) < 0)
        return mp_errf(err, "out of memory");
    for (size_t i = 0; i < c->ning; i++)
        if (c->ing[i].routed && !c->ing[i].canary && render_ap(c, &c->ing[i]) < 0)
            return mp_errf(err, "out of memory");
    if (c->oom)
        return mp_errf(err, "out of memory");
    for (size_t i = 0; i < c->plan->n; i++)
        istio_canonical_order(c->plan->objs[i]);
    qsort(c->plan->objs, c->plan->n, sizeof *c->plan->objs, obj_cmp);
    sort_warnings(&c->plan->w);
    return 0;
}

convert_plan *convert_run(doc_node *const *objs, size_t n, const convert_opts *o, mp_err *err)
{
    convert_opts def;
    if (!o) {
        convert_opts_default(&def);
        o = &def;
    }
    if (check_opts(o, err) < 0)
        return NULL;
    convert_plan *p = calloc(1, sizeof *p);
    if (!p) {
        mp_errf(err, "out of memory");
        return NULL;
    }
    mp_warnings_init(&p->w);
    conv c = {.o = o, .plan = p};
    int rc = run(&c, objs, n, err);
    conv_free(&c);
    if (rc < 0) {
        convert_plan_free(p);
        return NULL;
    }
    return p;
}

size_t convert_plan_len(const convert_plan *p)
{
    return p ? p->n : 0;
}

const doc_node *convert_plan_obj(const convert_plan *p, size_t i)
{
    return p && i < p->n ? p->objs[i] : NULL;
}

doc_node *convert_plan_take_obj(convert_plan *p, size_t i)
{
    if (!p || i >= p->n)
        return NULL;
    doc_node *o = p->objs[i];
    p->objs[i] = NULL;
    return o;
}

size_t convert_plan_nwarn(const convert_plan *p)
{
    return p ? p->w.len : 0;
}

const mp_warning *convert_plan_warn(const convert_plan *p, size_t i)
{
    return p && i < p->w.len ? &p->w.items[i] : NULL;
}

size_t convert_plan_converted(const convert_plan *p)
{
    return p ? p->converted : 0;
}

size_t convert_plan_skipped(const convert_plan *p)
{
    return p ? p->skipped : 0;
}

void convert_plan_free(convert_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        doc_free(p->objs[i]);
    free(p->objs);
    mp_warnings_free(&p->w);
    free(p);
}
