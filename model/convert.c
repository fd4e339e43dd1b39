/*
 * convert.c - ingress-nginx Ingresses to Istio objects (see convert.h and
 * docs/conversion.md for the rules).
 *
 * The run goes in passes over one working set (convert_int.h says which
 * file holds which pass):
 *   1. decode Services, IngressClasses and Ingresses as they are added
 *      (convert_add: the views own their strings, the caller frees each
 *      tree at once); at convert_finish sort Ingresses the way nginx
 *      ranks them (creationTimestamp, namespace, name);
 *   2. drop Ingresses nginx would not route (class pause/disable/other),
 *      read the annotations of the rest (annotations.c);
 *   3. group every path by host, across namespaces: one VirtualService
 *      each (a root with delegates when several namespaces route it);
 *      attach canary Ingresses to their main route; decide what each
 *      access restriction becomes (convert_access.c: fail closed);
 *   4. order the routes of each host so Istio's first match is nginx's
 *      choice, render them; then Gateways, DestinationRules and
 *      AuthorizationPolicies; sort the output.
 * This file holds the options, passes 1 and 2, the run and the plan.
 */
#include "model/convert.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/convert_int.h"
#include "model/ingress_json.h"
#include "model/istio.h"
#include "model/kobj.h"
#include "model/sort.h"
#include "model/strbuf.h"

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
    if (o->default_namespace && !is_label(o->default_namespace, strlen(o->default_namespace)))
        return mp_errf(err, "--namespace: \"%s\" is not a DNS label", o->default_namespace);
    if (!o->gateway_selector_value || !*o->gateway_selector_value)
        return mp_errf(err, "gateway selector value is empty");
    if (o->ext_authz_provider && !*o->ext_authz_provider)
        return mp_errf(err, "--ext-authz-provider: the provider name is empty");
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

/* Grows *arr (of *cap elements of size sz) to hold n + 1. 0 or -1. */
static int grow(void **arr, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 64;
    void *a = realloc(*arr, c * sz);
    if (!a)
        return -1;
    *arr = a;
    *cap = c;
    return 0;
}

/* The annotations the conversion reads (annotations.c, higress.c, the
 * class filter): the rest of an Ingress's annotations is not kept. */
static bool conv_keeps_annotation(const char *key)
{
    return !strncmp(key, NGINX_ANNOTATION_PREFIX, strlen(NGINX_ANNOTATION_PREFIX)) ||
           !strncmp(key, "higress.io/", 11) || !strcmp(key, INGRESS_CLASS_ANNOTATION);
}

/* The next entry, zeroed; NULL out of memory. */
static ing_entry *next_entry(conv *c)
{
    if (grow((void **)&c->ing, &c->caping, c->ning, sizeof *c->ing) < 0)
        return NULL;
    ing_entry *ie = &c->ing[c->ning];
    memset(ie, 0, sizeof *ie);
    return ie;
}

#define CONV_BLK 16384

/* len bytes in c's text blocks (freed with the working set); NULL when out
 * of memory. */
static char *conv_room(conv *c, size_t len)
{
    conv_blk *b = c->text;
    if (!b || b->size - b->used < len) {
        size_t size = len > CONV_BLK ? len : CONV_BLK;
        if (!(b = malloc(sizeof *b + size)))
            return NULL;
        b->next = c->text;
        b->used = 0;
        b->size = size;
        c->text = b;
    }
    char *t = b->buf + b->used;
    b->used += len;
    return t;
}

/* Adds the next entry, whose view is decoded and owned (freed on failure). */
static int add_entry(conv *c, ing_entry *ie, mp_err *err)
{
    size_t nl = strlen(ie->v.ns), ml = strlen(ie->v.name), n = 8 + nl + 1 + ml + 1;
    bool cut = n > 300;
    n = cut ? 300 : n;
    if (!(ie->ref = conv_room(c, 2 * n))) {
        ingress_view_free(&ie->v);
        return mp_errf(err, "out of memory");
    }
    ie->src = ie->ref + n;
    if (cut) {
        str_join(ie->ref, n, "ingress ", ie->v.ns, "/", ie->v.name, (char *)NULL);
        str_join(ie->src, n, "ingress/", ie->v.ns, "/", ie->v.name, (char *)NULL);
    } else { /* what str_join writes, the lengths known */
        char *r = ie->ref;
        memcpy(r, "ingress ", 8);
        memcpy(r + 8, ie->v.ns, nl);
        r[8 + nl] = '/';
        memcpy(r + 9 + nl, ie->v.name, ml + 1);
        memcpy(ie->src, r, n);
        ie->src[7] = '/';
    }
    ie->a = ann_settings_none();
    c->ning++;
    return 0;
}

/* Decodes an Ingress into the next entry; a bad one fails the run or, with
 * skip_invalid, is counted as skipped. */
static int decode_ingress(conv *c, const doc_node *obj, const char *dns, mp_err *err, int *line)
{
    ing_entry *ie = next_entry(c);
    if (!ie)
        return mp_errf(err, "out of memory");
    mp_err e;
    if (ingress_decode_at(obj, dns, &ie->v, &e, line) < 0) {
        if (!c->o->skip_invalid) {
            mp_errf(err, "%s", e.msg);
            return 1; /* invalid, not a failure */
        }
        char ref[300];
        mp_warn(&c->plan->w, MPW_INVALID_OBJECT, MP_SEV_ERROR, kobj_ref(obj, ref, sizeof ref), "",
                "%s", e.msg);
        conv_note_skip(c->plan, MPW_INVALID_OBJECT);
        return 0;
    }
    if (ingress_view_own(&ie->v, conv_keeps_annotation) < 0) {
        ingress_view_free(&ie->v);
        return mp_errf(err, "out of memory");
    }
    return add_entry(c, ie, err);
}

/* Decodes a Service (for named ports) into the next slot and indexes it. */
static int decode_service(conv *c, const doc_node *obj, const char *dns, mp_err *err, int *line)
{
    if (grow((void **)&c->svc, &c->capsvc, c->nsvc, sizeof *c->svc) < 0)
        return mp_errf(err, "out of memory");
    svc_view *sv = &c->svc[c->nsvc];
    mp_err e;
    if (service_decode_at(obj, dns, sv, &e, line) < 0) {
        if (!c->o->skip_invalid) {
            mp_errf(err, "%s", e.msg);
            return 1; /* invalid, not a failure */
        }
        mp_warn(&c->plan->w, MPW_INVALID_OBJECT, MP_SEV_ERROR, "", "", "%s", e.msg);
        return 0;
    }
    if (service_view_own(sv) < 0) {
        service_view_free(sv);
        return mp_errf(err, "out of memory");
    }
    char k[300];
    hmap_key2(k, sizeof k, sv->ns, sv->name);
    c->nsvc++; /* freed with the run from here on */
    if (hmap_put(&c->svc_idx, k, c->nsvc - 1) < 0)
        return mp_errf(err, "out of memory");
    return 0;
}

/* Keeps an IngressClass's name and controller (one block). */
static int add_class(conv *c, const doc_node *obj, mp_err *err)
{
    const char *name = kobj_name(obj);
    const char *ctl = doc_get_str(doc_get(obj, "spec"), "controller");
    if (!name)
        return 0; /* find_class never matches it */
    if (grow((void **)&c->classes, &c->capclasses, c->nclasses, sizeof *c->classes) < 0)
        return mp_errf(err, "out of memory");
    size_t nl = strlen(name) + 1, cl = ctl ? strlen(ctl) + 1 : 0;
    char *b = malloc(nl + cl);
    if (!b)
        return mp_errf(err, "out of memory");
    memcpy(b, name, nl);
    if (ctl)
        memcpy(b + nl, ctl, cl);
    c->classes[c->nclasses++] = (conv_class){b, ctl ? b + nl : NULL};
    return 0;
}

int convert_add_at(convert_state *c, const doc_node *obj, mp_err *err, int *line)
{
    const char *kind = kobj_kind(obj);
    const char *dns = c->o->default_namespace ? c->o->default_namespace : "default";
    *line = 0;
    if (!kind)
        return 0;
    if (!strcmp(kind, "Ingress")) {
        c->plan->read++;
        return decode_ingress(c, obj, dns, err, line);
    }
    if (!strcmp(kind, "Service"))
        return decode_service(c, obj, dns, err, line);
    if (!strcmp(kind, "IngressClass"))
        return add_class(c, obj, err);
    return 0;
}

int convert_json_decode(const convert_opts *o, const char *buf, size_t avail, ing_view *out,
                        doc_span *span)
{
    const char *dns = o && o->default_namespace ? o->default_namespace : "default";
    return ingress_json_decode(buf, avail, dns, conv_keeps_annotation, out, span);
}

int convert_add_json(convert_state *c, ing_view *v, mp_err *err)
{
    ing_entry *ie = next_entry(c);
    if (!ie) {
        ingress_view_free(v);
        return mp_errf(err, "out of memory");
    }
    ie->v = *v;
    c->plan->read++;
    return add_entry(c, ie, err);
}

int convert_add(convert_state *c, const doc_node *obj, mp_err *err)
{
    int line;
    return convert_add_at(c, obj, err, &line) ? -1 : 0;
}

const svc_view *conv_find_svc(const conv *c, const char *ns, const char *name)
{
    char k[300];
    hmap_key2(k, sizeof k, ns, name);
    long i = hmap_get(&c->svc_idx, k);
    return i < 0 ? NULL : &c->svc[i];
}

const char *conv_text(conv *c, size_t max, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, max < sizeof buf ? max : sizeof buf, fmt, ap);
    va_end(ap);
    return n < 0 ? "" : conv_keep(c, buf);
}

const char *conv_keep(conv *c, const char *buf)
{
    size_t len = strlen(buf) + 1;
    char *t = conv_room(c, len);
    if (!t) {
        c->oom = true;
        return "";
    }
    memcpy(t, buf, len);
    return t;
}

/* ---- pass 2: class filter and annotations ------------------------------------ */

static bool nginx_controller(const char *ctl)
{
    return ctl &&
           (!strcmp(ctl, "k8s.io/ingress-nginx") || !strcmp(ctl, "higress.io/higress-controller"));
}

static const conv_class *find_class(const conv *c, const char *name)
{
    for (size_t i = 0; i < c->nclasses; i++)
        if (!strcmp(c->classes[i].name, name))
            return &c->classes[i];
    return NULL;
}

/* NULL when nginx routes the Ingress; else the code of the warning that
 * says why not. */
static const char *class_filter(conv *c, ing_entry *e)
{
    const char *ann = e->v.class_annotation;
    const char *cls = ann ? ann : e->v.class_name;
    const char *field =
        ann ? "metadata.annotations[\"kubernetes.io/ingress.class\"]" : "spec.ingressClassName";
    mp_warnings *w = &c->plan->w;
    if (!cls) {
        mp_warn(w, MPW_CLASS_NONE, MP_SEV_INFO, e->ref, "",
                "no ingress class: converted as if ingress-nginx served it");
        return NULL;
    }
    /* Sealos suspends a tenant by switching the class; both places count. */
    bool paused = !strcmp(cls, "pause") || !strcmp(cls, "disable") ||
                  (e->v.class_name &&
                   (!strcmp(e->v.class_name, "pause") || !strcmp(e->v.class_name, "disable")));
    if (paused) {
        mp_warn(w, MPW_CLASS_PAUSED, MP_SEV_WARNING, e->ref, field,
                "class \"%s\": the tenant is suspended, nginx does not route it; not converted",
                cls);
        return MPW_CLASS_PAUSED;
    }
    if (!strcmp(cls, "nginx"))
        return NULL;
    const conv_class *ic = find_class(c, cls);
    if (ic && nginx_controller(ic->controller))
        return NULL;
    mp_warn(w, MPW_CLASS_OTHER, MP_SEV_WARNING, e->ref, field,
            "class \"%s\" is not served by ingress-nginx%s; not converted", cls,
            ic ? "" : " (pass its IngressClass to convert it)");
    return MPW_CLASS_OTHER;
}

static int filter_and_parse(conv *c)
{
    ann_cache *k = c->plan->ann ? c->plan->ann : ann_cache_new();
    if (!k)
        return -1;
    c->plan->ann = k;
    int rc = 0;
    for (size_t i = 0; i < c->ning && rc == 0; i++) {
        ing_entry *e = &c->ing[i];
        const char *why = class_filter(c, e);
        if (why) {
            conv_note_skip(c->plan, why);
            continue;
        }
        const ann_settings *a;
        rc = ann_parse_cached(&e->v, e->ref, &a, &e->own, &c->plan->w, k);
        e->routed = rc == 0;
        e->a = a ? a : e->a;
        e->canary = e->a->can.canary;
    }
    return rc;
}

/* ---- run ---------------------------------------------------------------------------- */

static void conv_free(conv *c)
{
    for (size_t i = 0; i < c->ning; i++) {
        ingress_view_free(&c->ing[i].v);
        if (c->ing[i].own) {
            ann_settings_free(c->ing[i].own);
            free(c->ing[i].own);
        }
    }
    for (size_t i = 0; i < c->nsvc; i++)
        service_view_free(&c->svc[i]);
    for (size_t i = 0; i < c->nclasses; i++)
        free((char *)c->classes[i].name);
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
    hmap_free(&c->owner_idx);
    hmap_free(&c->dr_idx);
    while (c->text) {
        conv_blk *next = c->text->next;
        free(c->text);
        c->text = next;
    }
}

/* Pass 3: main Ingresses first, so every canary finds its main route. */
static int group(conv *c)
{
    for (size_t i = 0; i < c->ning; i++)
        if (c->ing[i].routed && !c->ing[i].canary && conv_group_paths(c, &c->ing[i]) < 0)
            return -1;
    if (conv_resolve_roots(c) < 0)
        return -1;
    for (size_t i = 0; i < c->ning; i++) {
        if (!c->ing[i].routed)
            continue;
        if (c->ing[i].canary)
            conv_attach_canary(c, &c->ing[i]);
        else
            conv_group_tls(c, &c->ing[i]);
    }
    conv_tls_uncovered(c);
    return conv_decide_access(c);
}

/* Pass 4: every generated object. */
static int render(conv *c)
{
    for (size_t i = 0; i < c->ngrp; i++)
        if (conv_render_vs(c, &c->grp[i]) < 0)
            return -1;
    if (conv_render_gateways(c) < 0 || conv_collect_dr(c) < 0 || conv_render_drs(c) < 0)
        return -1;
    return conv_render_access(c);
}

convert_state *convert_new(const convert_opts *o, mp_err *err)
{
    convert_opts def;
    if (!o) {
        convert_opts_default(&def);
        o = &def;
    }
    if (check_opts(o, err) < 0)
        return NULL;
    conv *c = calloc(1, sizeof *c);
    convert_plan *p = c ? calloc(1, sizeof *p) : NULL;
    if (!p) {
        free(c);
        mp_errf(err, "out of memory");
        return NULL;
    }
    mp_warnings_init(&p->w);
    p->text = o->yaml_text;
    c->opts = *o;
    c->o = &c->opts;
    c->plan = p;
    return c;
}

void convert_abandon(convert_state *c)
{
    if (!c)
        return;
    convert_plan_free(c->plan);
    conv_free(c);
    free(c);
}

/* The Ingresses in ing_cmp's order (nginx's ranking). A list from the API
 * server or kubectl comes in namespace/name order, which is that order
 * when the timestamps are equal (a restored or bulk-created cluster):
 * checked first, in one pass that stops at the first pair out of order. */
static void sort_ingresses(conv *c)
{
    size_t n = c->ning, at = 1;
    while (at < n && ing_cmp(&c->ing[at - 1], &c->ing[at]) <= 0)
        at++;
    if (at < n) /* else what the (stable) sort would leave as it is */
        mp_sort(c->ing, n, sizeof *c->ing, ing_cmp);
}

convert_plan *convert_finish(convert_state *c, mp_err *err)
{
    sort_ingresses(c);
    int rc = 0;
    if (filter_and_parse(c) < 0 || group(c) < 0 || render(c) < 0 || c->oom ||
        conv_count_outcomes(c) < 0)
        rc = mp_errf(err, "%s", *c->plan->e_err.msg ? c->plan->e_err.msg : "out of memory");
    convert_plan *p = c->plan;
    conv_free(c);
    free(c);
    strbuf_free(&p->yaml);
    if (rc < 0) {
        convert_plan_free(p);
        return NULL;
    }
    /* only the plan is sorted: the working set is gone, so the sort's
     * arrays do not add to the run's peak */
    conv_sort_output(p);
    return p;
}

convert_plan *convert_run(doc_node *const *objs, size_t n, const convert_opts *o, mp_err *err)
{
    convert_state *c = convert_new(o, err);
    if (!c)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (convert_add(c, objs[i], err) < 0) {
            convert_abandon(c);
            return NULL;
        }
    return convert_finish(c, err);
}

/* ---- the plan ------------------------------------------------------------------------ */

size_t convert_plan_len(const convert_plan *p)
{
    return p ? p->n : 0;
}

const doc_node *convert_plan_obj(const convert_plan *p, size_t i)
{
    return p && !p->text && i < p->n ? p->objs[i] : NULL;
}

const char *convert_plan_yaml(const convert_plan *p, size_t i, size_t *len)
{
    if (!p || !p->text || i >= p->n)
        return NULL;
    *len = p->docs[i].len;
    return p->docs[i].yaml;
}

doc_node *convert_plan_take_obj(convert_plan *p, size_t i)
{
    if (!p || p->text || i >= p->n)
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

int convert_plan_replace_obj(convert_plan *p, size_t i, doc_node *obj)
{
    if (!p || p->text || !obj || i >= p->n) {
        doc_free(obj);
        return -1;
    }
    doc_free(p->objs[i]);
    p->objs[i] = obj;
    return 0;
}

int convert_plan_add_obj(convert_plan *p, doc_node *obj)
{
    if (!p) {
        doc_free(obj);
        return -1;
    }
    return conv_push_obj(p, obj);
}

int convert_plan_add_warnings(convert_plan *p, const mp_warnings *w)
{
    for (size_t i = 0; p && w && i < w->len; i++) {
        const mp_warning *x = &w->items[i];
        if (mp_warn(&p->w, x->code, x->sev, x->object, x->field, "%s", x->message) < 0)
            return -1;
    }
    return p ? 0 : -1;
}

void convert_plan_sort(convert_plan *p)
{
    if (!p)
        return;
    size_t n = 0;
    for (size_t i = 0; !p->text && i < p->n; i++)
        if (p->objs[i])
            p->objs[n++] = p->objs[i];
    p->n = p->text ? p->n : n;
    conv_sort_output(p);
}

void convert_plan_free(convert_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; !p->text && i < p->n; i++)
        doc_free(p->objs[i]);
    while (p->doc_text) {
        conv_blk *next = p->doc_text->next;
        free(p->doc_text);
        p->doc_text = next;
    }
    free(p->objs);
    free(p->docs);
    hmap_free(&p->vs_src);
    strbuf_free(&p->yaml);
    mp_warnings_free(&p->w);
    ann_cache_free(p->ann);
    free(p);
}
