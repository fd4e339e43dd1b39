/* ingress.c - typed views of Ingress and Service (see ingress.h). */
#include "model/ingress.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/ipnet.h"
#include "model/kname.h"
#include "model/kobj.h"
#include "model/strbuf.h"

static const char *const path_type_names[] = {"Exact", "Prefix", "ImplementationSpecific"};

const char *ingress_path_type_name(ing_path_type t)
{
    return (unsigned)t < 3 ? path_type_names[t] : "?";
}

bool ingress_path_type_parse(const char *name, ing_path_type *out)
{
    for (size_t i = 0; i < 3; i++)
        if (!strcmp(name, path_type_names[i])) {
            *out = (ing_path_type)i;
            return true;
        }
    return false;
}

ing_path_type ingress_nginx_path_type(ing_path_type t)
{
    return t == ING_PATH_IMPL ? ING_PATH_PREFIX : t;
}

/* The label of the object for messages: "ingress ns/name". */
static void obj_label(char *buf, size_t n, const char *kind, const char *ns, const char *name)
{
    str_join(buf, n, kind, " ", ns ? ns : "", "/", name ? name : "?", (char *)NULL);
}

static bool valid_label(const char *s, size_t n)
{
    if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-'))
            return false;
    return true;
}

bool ingress_valid_host(const char *host)
{
    if (!host || !*host || strlen(host) > 253)
        return false;
    const char *p = host;
    if (!strncmp(p, "*.", 2))
        p += 2;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (!valid_label(p, n))
            return false;
        if (!dot)
            return true;
        p = dot + 1;
    }
}

/* A dotted IPv4 address passes the DNS name rule; the API server refuses
 * an IP as a rule's host (IPv6 fails the DNS rule already). */
bool ingress_host_is_ip(const char *h)
{
    /* without a ':' (IPv6) an address is digits and dots only
     * (ipnet_parse's parse4): a name with a letter, nearly every host,
     * is not one */
    size_t n = strspn(h, "0123456789.");
    if (h[n] && !strchr(h + n, ':'))
        return false;
    char canon[IPNET_MAX];
    return !strchr(h, '/') && ipnet_parse(h, strlen(h), canon);
}

/* One decode: the object's label for messages, where the offending
 * field's line goes, and which shape apiVersion promises. */
typedef struct {
    const char *label; /* "ingress ns/name" */
    mp_err *err;
    int *line;
    const char *api; /* apiVersion, once checked */
    bool v1;         /* networking.k8s.io/v1, else a v1beta1 */
} dctx;

/* "LABEL: MESSAGE" in err, the line of at (or of the nearest node that has
 * one) in *line. Returns -1. */
static int fail(const dctx *d, const doc_node *at, const doc_node *near, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(const dctx *d, const doc_node *at, const doc_node *near, const char *fmt, ...)
{
    char msg[MP_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (d->line)
        *d->line = at && at->line ? at->line : near ? near->line : 0;
    return mp_errf(d->err, "%s: %s", d->label, msg);
}

/* The API server's rules for metadata.name and metadata.namespace, and for
 * the namespace the object lands in when it names none (-n, the context):
 * objects reach this decoder from files, the cluster and the editor alike. */
static int check_names(const dctx *d, const doc_node *obj, const char *ns)
{
    mp_err e;
    const doc_node *at;
    if (kname_check_object(obj, &e, &at) < 0)
        return fail(d, at, doc_get(obj, "metadata"), "%s", e.msg);
    if (!kobj_namespace(obj) && kname_check(KNAME_LABEL, "namespace", ns, &e) < 0)
        return fail(d, NULL, obj, "%s", e.msg);
    return 0;
}

/* A field, or NULL when it is absent or null (the API server reads a null
 * optional field as absent). */
static const doc_node *field(const doc_node *map, const char *key)
{
    const doc_node *v = doc_is_map(map) ? doc_get(map, key) : NULL;
    return doc_is_null(v) ? NULL : v;
}

static const char *field_str(const doc_node *map, const char *key)
{
    return doc_str(field(map, key));
}

/* A field of the other API version is an unknown field, which the API
 * server refuses (strict decoding) rather than guess the shape. */
static int wrong_version(const dctx *d, const doc_node *at, const char *path, const char *hint)
{
    return fail(d, at, NULL, "%s: unknown field in %s (%s)", path, d->api, hint);
}

static int decode_service_backend(const dctx *d, const doc_node *svc, const char *what,
                                  ing_backend *out)
{
    const doc_node *name = field(svc, "name");
    const doc_node *port = field(svc, "port");
    out->service = doc_str(name);
    if (!out->service || !*out->service)
        return fail(d, name, svc, "%s.service.name: missing", what);
    if (!doc_is_map(port))
        return fail(d, port, svc, "%s.service.port: missing (number or name)", what);
    mp_err e;
    char where[200];
    str_join(where, sizeof where, what, ".service.name", (char *)NULL);
    if (kname_check(KNAME_DNS1035, where, out->service, &e) < 0)
        return fail(d, name, svc, "%s", e.msg);
    const doc_node *num = field(port, "number");
    const char *pname = field_str(port, "name");
    if (num && pname && *pname) /* the API server's rule and wording */
        return fail(d, num, port, "%s.service.port: cannot set both port name & port number", what);
    if (num && !(num->kind == DOC_SCALAR && num->type == DOC_INT))
        return fail(d, num, port, "%s.service.port.number: must be an integer, not \"%.40s\"", what,
                    num->kind == DOC_SCALAR ? num->text : "a mapping or list");
    if (num) {
        long long v;
        if (!doc_as_int(num, &v) || v < 1 || v > 65535)
            return fail(d, num, port, "%s.service.port.number: \"%s\" is not a port number", what,
                        doc_str(num) ? doc_str(num) : "");
        out->port_number = (long)v;
    } else if (pname && *pname) {
        out->port_name = pname;
    } else {
        return fail(d, port, svc, "%s.service.port: needs number or name", what);
    }
    return 0;
}

static int decode_legacy_backend(const dctx *d, const doc_node *b, const char *what,
                                 ing_backend *out)
{
    const doc_node *sn = field(b, "serviceName");
    const doc_node *sp = field(b, "servicePort");
    out->service = doc_str(sn);
    if (!out->service || !*out->service)
        return fail(d, sn, b, "%s.serviceName: missing", what);
    long long v;
    if (sp && sp->type == DOC_INT && doc_as_int(sp, &v) && v >= 1 && v <= 65535)
        out->port_number = (long)v;
    else if (sp && doc_str(sp) && *doc_str(sp))
        out->port_name = doc_str(sp);
    else
        return fail(d, sp, b, "%s.servicePort: missing", what);
    return 0;
}

/* Reads a backend in the shape apiVersion promises: v1 ({service: {name,
 * port: {number | name}}} / {resource: {...}}) or v1beta1 ({serviceName,
 * servicePort} / {resource}). near: the node holding b, for positions. */
static int decode_backend(const dctx *d, const doc_node *b, const doc_node *near, const char *what,
                          ing_backend *out)
{
    memset(out, 0, sizeof *out);
    if (!doc_is_map(b))
        return fail(d, b, near, "%s: missing or not a map", what);
    const doc_node *svc = field(b, "service");
    const doc_node *res = field(b, "resource");
    const doc_node *legacy = field(b, "serviceName");
    if (!legacy)
        legacy = field(b, "servicePort");
    char path[200];
    if (d->v1 && legacy) {
        snprintf(path, sizeof path, "%s.%s", what,
                 field(b, "serviceName") ? "serviceName" : "servicePort");
        return wrong_version(d, legacy, path,
                             "serviceName and servicePort are v1beta1 fields; v1 writes "
                             "service.name and service.port.number or service.port.name");
    }
    if (!d->v1 && svc) {
        snprintf(path, sizeof path, "%s.service", what);
        return wrong_version(d, svc, path,
                             "service.name and service.port are networking.k8s.io/v1 fields: "
                             "set apiVersion: networking.k8s.io/v1, or write serviceName and "
                             "servicePort");
    }
    if (svc)
        return decode_service_backend(d, svc, what, out);
    if (res) {
        out->resource = field_str(res, "kind");
        if (!out->resource)
            out->resource = "resource";
        return 0;
    }
    if (legacy)
        return decode_legacy_backend(d, b, what, out);
    return fail(d, b, near, "%s: needs %s or resource", what, d->v1 ? "service" : "serviceName");
}

static int decode_path(const dctx *d, const doc_node *p, const doc_node *near, const char *where,
                       ing_path *out)
{
    char what[160];
    if (!doc_is_map(p))
        return fail(d, p, near, "%s: not a map", where);
    const doc_node *pn = field(p, "path");
    const char *path = doc_str(pn);
    out->path = (path && *path) ? path : "/";
    if (out->path[0] != '/')
        return fail(d, pn, p, "%s.path: \"%s\" must start with /", where, out->path);
    const doc_node *tn = field(p, "pathType");
    const char *type = doc_str(tn);
    out->type = ING_PATH_IMPL;
    out->type_set = type != NULL;
    if (type) {
        if (!ingress_path_type_parse(type, &out->type))
            return fail(d, tn, p, "%s.pathType: \"%s\" is not Exact|Prefix|ImplementationSpecific",
                        where, type);
    }
    str_join(what, sizeof what, where, ".backend", (char *)NULL);
    return decode_backend(d, field(p, "backend"), p, what, &out->backend);
}

/* "spec.rules[RI].http.paths[I]" into where (at least 80 bytes): built for
 * every path, used only when one is wrong, so no snprintf. */
static void rule_path(char *where, size_t ri, size_t i)
{
    char *p = where;
    memcpy(p, "spec.rules[", 11);
    p += 11;
    p += str_utoa(p, ri);
    memcpy(p, "].http.paths[", 13);
    p += 13;
    p += str_utoa(p, i);
    memcpy(p, "]", 2);
}

/* A null rule is an empty one, as the API server decodes it. */
static int decode_rule(const dctx *d, const doc_node *r, const doc_node *near, size_t ri,
                       ing_rule *out)
{
    char where[96];
    if (doc_is_null(r))
        return 0;
    if (!doc_is_map(r))
        return fail(d, r, near, "spec.rules[%zu]: not a map", ri);
    const doc_node *hn = field(r, "host");
    if (hn && !(hn->kind == DOC_SCALAR && hn->type == DOC_STR))
        return fail(d, hn, r, "spec.rules[%zu].host: must be a string, not %.40s (quote it)", ri,
                    hn->kind == DOC_SCALAR ? hn->text : "a mapping or list");
    out->host = doc_str(hn);
    if (out->host && !*out->host)
        out->host = NULL;
    char q[420]; /* quoted only for a message */
    if (out->host && !ingress_valid_host(out->host)) {
        kname_quote(q, sizeof q, out->host);
        return fail(d, hn, r, "spec.rules[%zu].host: %s is not a valid DNS name", ri, q);
    }
    if (out->host && ingress_host_is_ip(out->host)) {
        kname_quote(q, sizeof q, out->host);
        return fail(d, hn, r, "spec.rules[%zu].host: %s must be a DNS name, not an IP address", ri,
                    q);
    }
    const doc_node *http = field(r, "http");
    const doc_node *paths = field(http, "paths");
    if (!paths)
        return 0; /* a rule without http routes nothing */
    if (!doc_is_seq(paths))
        return fail(d, paths, http, "spec.rules[%zu].http.paths: not a list", ri);
    out->paths = calloc(paths->len ? paths->len : 1, sizeof *out->paths);
    if (!out->paths)
        return mp_errf(d->err, "%s: out of memory", d->label);
    for (size_t i = 0; i < paths->len; i++) {
        rule_path(where, ri, i);
        if (decode_path(d, doc_at(paths, i), paths, where, &out->paths[i]) < 0)
            return -1;
        out->npaths++;
    }
    return 0;
}

/* A null entry is an empty one (no hosts, no secret). */
static int decode_tls(const dctx *d, const doc_node *t, const doc_node *near, size_t ti,
                      ing_tls *out)
{
    if (doc_is_null(t))
        return 0;
    if (!doc_is_map(t))
        return fail(d, t, near, "spec.tls[%zu]: not a map", ti);
    out->secret = field_str(t, "secretName");
    if (out->secret && !*out->secret)
        out->secret = NULL;
    mp_err e;
    if (out->secret && kname_check(KNAME_SUBDOMAIN, "secretName", out->secret, &e) < 0) {
        out->bad_secret = out->secret;
        out->secret = NULL;
    }
    const doc_node *hosts = field(t, "hosts");
    if (!hosts)
        return 0;
    if (!doc_is_seq(hosts))
        return fail(d, hosts, t, "spec.tls[%zu].hosts: not a list", ti);
    out->hosts = calloc(hosts->len ? hosts->len : 1, sizeof *out->hosts);
    if (!out->hosts)
        return mp_errf(d->err, "%s: out of memory", d->label);
    for (size_t i = 0; i < hosts->len; i++) {
        const doc_node *hn = doc_at(hosts, i);
        const char *h = doc_is_null(hn) ? NULL : doc_str(hn);
        if (!ingress_valid_host(h)) {
            char q[420];
            kname_quote(q, sizeof q, h);
            return fail(d, hn, hosts, "spec.tls[%zu].hosts[%zu]: %s is not a valid DNS name", ti, i,
                        q);
        }
        out->hosts[out->nhosts++] = h;
    }
    return 0;
}

/* spec.defaultBackend (v1) or spec.backend (v1beta1): the other one is
 * an unknown field of that version. */
static int decode_default(const dctx *d, const doc_node *spec, ing_view *v)
{
    const doc_node *def = field(spec, "defaultBackend");
    const doc_node *old = field(spec, "backend");
    if (d->v1 && old)
        return wrong_version(d, old, "spec.backend",
                             "a v1beta1 field; v1 calls it spec.defaultBackend");
    if (!d->v1 && def)
        return wrong_version(d, def, "spec.defaultBackend",
                             "a networking.k8s.io/v1 field: set apiVersion: "
                             "networking.k8s.io/v1, or call it spec.backend");
    if (!def)
        def = old;
    if (!def)
        return 0;
    if (decode_backend(d, def, spec, d->v1 ? "spec.defaultBackend" : "spec.backend",
                       &v->default_backend) < 0)
        return -1;
    v->has_default = true;
    return 0;
}

static int decode_rules(const dctx *d, const doc_node *spec, ing_view *v)
{
    const doc_node *rules = field(spec, "rules");
    if (rules && !doc_is_seq(rules))
        return fail(d, rules, spec, "spec.rules: not a list");
    if (!rules || !rules->len)
        return 0;
    v->rules = calloc(rules->len, sizeof *v->rules);
    if (!v->rules)
        return mp_errf(d->err, "%s: out of memory", d->label);
    for (size_t i = 0; i < rules->len; i++) {
        v->nrules++; /* counted first: ingress_view_free frees what it holds */
        if (decode_rule(d, doc_at(rules, i), rules, i, &v->rules[i]) < 0)
            return -1;
    }
    return 0;
}

static int decode_tls_list(const dctx *d, const doc_node *spec, ing_view *v)
{
    const doc_node *tls = field(spec, "tls");
    if (tls && !doc_is_seq(tls))
        return fail(d, tls, spec, "spec.tls: not a list");
    if (!tls || !tls->len)
        return 0;
    v->tls = calloc(tls->len, sizeof *v->tls);
    if (!v->tls)
        return mp_errf(d->err, "%s: out of memory", d->label);
    for (size_t i = 0; i < tls->len; i++) {
        v->ntls++;
        if (decode_tls(d, doc_at(tls, i), tls, i, &v->tls[i]) < 0)
            return -1;
    }
    return 0;
}

static int decode_spec(const dctx *d, const doc_node *spec, ing_view *v)
{
    v->class_name = field_str(spec, "ingressClassName");
    if (decode_default(d, spec, v) < 0 || decode_rules(d, spec, v) < 0 ||
        decode_tls_list(d, spec, v) < 0)
        return -1;
    if (!v->nrules && !v->has_default)
        return fail(d, spec, NULL, "spec: needs rules or defaultBackend");
    return 0;
}

/* kind, apiVersion and metadata; fills d->v1. */
static int decode_head(dctx *d, const doc_node *obj, const char *kind, ing_view *v)
{
    if (!kind || strcmp(kind, "Ingress"))
        return fail(d, field(obj, "kind"), obj, "kind: \"%s\" is not Ingress", kind ? kind : "");
    const doc_node *meta = field(obj, "metadata");
    if (!v->name || !*v->name)
        return fail(d, meta, obj, "metadata.name: missing");
    if (check_names(d, obj, v->ns) < 0)
        return -1;
    const doc_node *av = field(obj, "apiVersion");
    const char *api = doc_str(av);
    if (!api || (strcmp(api, "networking.k8s.io/v1") && strcmp(api, "networking.k8s.io/v1beta1") &&
                 strcmp(api, "extensions/v1beta1")))
        return fail(d, av, obj, "apiVersion: \"%s\" is not networking.k8s.io/v1", api ? api : "");
    d->api = api;
    d->v1 = !strcmp(api, "networking.k8s.io/v1");
    v->created = field_str(meta, "creationTimestamp");
    const doc_node *ann = field(meta, "annotations");
    if (ann && !doc_is_map(ann))
        return fail(d, ann, meta, "metadata.annotations: not a map");
    v->class_annotation = ann ? field_str(ann, INGRESS_CLASS_ANNOTATION) : NULL;
    if (ann && ann->len && !(v->anns = calloc(ann->len, sizeof *v->anns)))
        return mp_errf(d->err, "%s: out of memory", d->label);
    for (size_t i = 0; ann && i < ann->len; i++)
        v->anns[v->nanns++] =
            (ing_ann){ann->keys[i], doc_str(ann->items[i]), doc_is_null(ann->items[i])};
    return 0;
}

int ingress_decode_at(const doc_node *obj, const char *default_ns, ing_view *v, mp_err *err,
                      int *line)
{
    char label[300];
    memset(v, 0, sizeof *v);
    if (line)
        *line = 0;
    const char *kind = kobj_kind(obj);
    v->obj = obj;
    v->name = kobj_name(obj);
    v->ns = kobj_namespace(obj);
    if (!v->ns || !*v->ns)
        v->ns = default_ns ? default_ns : "default";
    char lk[64];
    str_join(lk, sizeof lk, kind ? kind : "object", (char *)NULL);
    for (char *c = lk; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    obj_label(label, sizeof label, lk, v->ns, v->name);
    dctx d = {.label = label, .err = err, .line = line};
    if (decode_head(&d, obj, kind, v) < 0)
        return -1;
    const doc_node *spec = field(obj, "spec");
    if (!doc_is_map(spec)) {
        ingress_view_free(v);
        return fail(&d, spec, obj, "spec: missing or not a map");
    }
    if (decode_spec(&d, spec, v) < 0) {
        ingress_view_free(v);
        return -1;
    }
    return 0;
}

int ingress_decode(const doc_node *obj, const char *default_ns, ing_view *v, mp_err *err)
{
    return ingress_decode_at(obj, default_ns, v, err, NULL);
}

void ingress_view_free(ing_view *v)
{
    if (!v->packed) {
        for (size_t i = 0; i < v->nrules; i++)
            free(v->rules[i].paths);
        for (size_t i = 0; i < v->ntls; i++)
            free(v->tls[i].hosts);
        free(v->rules);
        free(v->tls);
        free(v->anns);
    }
    free(v->own);
    v->packed = false;
    v->rules = NULL;
    v->tls = NULL;
    v->own = NULL;
    v->anns = NULL;
    v->nrules = v->ntls = v->nanns = 0;
}

/* Copies strings into one block: a first walk (at == NULL) adds up their
 * sizes, a second copies them and repoints the view. */
typedef struct {
    char *at;
    size_t need;
} pool;

static void pool_str(pool *p, const char **s)
{
    if (!*s)
        return;
    size_t n = strlen(*s) + 1;
    if (!p->at) {
        p->need += n;
        return;
    }
    memcpy(p->at, *s, n);
    *s = p->at;
    p->at += n;
}

static void pool_backend(pool *p, ing_backend *b)
{
    pool_str(p, &b->service);
    pool_str(p, &b->port_name);
    pool_str(p, &b->resource);
}

static void pool_ingress(pool *p, ing_view *v)
{
    pool_str(p, &v->name);
    pool_str(p, &v->ns);
    pool_str(p, &v->created);
    pool_str(p, &v->class_name);
    pool_str(p, &v->class_annotation);
    for (size_t i = 0; i < v->nrules; i++) {
        pool_str(p, &v->rules[i].host);
        for (size_t j = 0; j < v->rules[i].npaths; j++) {
            pool_str(p, &v->rules[i].paths[j].path);
            pool_backend(p, &v->rules[i].paths[j].backend);
        }
    }
    for (size_t i = 0; i < v->ntls; i++) {
        for (size_t j = 0; j < v->tls[i].nhosts; j++)
            pool_str(p, &v->tls[i].hosts[j]);
        pool_str(p, &v->tls[i].secret);
        pool_str(p, &v->tls[i].bad_secret);
    }
    if (v->has_default)
        pool_backend(p, &v->default_backend);
    for (size_t i = 0; i < v->nanns; i++) {
        if (!doc_key_is_static(v->anns[i].key)) /* the shared table lives for ever */
            pool_str(p, &v->anns[i].key);
        pool_str(p, &v->anns[i].value);
    }
}

int ingress_view_own(ing_view *v, bool (*keep_ann)(const char *key))
{
    size_t n = 0; /* the kept annotations move to the front, in order */
    for (size_t i = 0; i < v->nanns; i++)
        if (!keep_ann || keep_ann(v->anns[i].key))
            v->anns[n++] = v->anns[i];
    v->nanns = n;
    pool p = {NULL, 0};
    pool_ingress(&p, v);
    char *block = malloc(p.need ? p.need : 1);
    if (!block)
        return -1;
    p.at = block;
    pool_ingress(&p, v);
    v->own = block;
    v->obj = NULL;
    return 0;
}

const char *ingress_nginx_annotation(const ing_view *v, const char *short_name)
{
    size_t plen = strlen(NGINX_ANNOTATION_PREFIX);
    for (size_t i = 0; i < v->nanns; i++) {
        const ing_ann *a = &v->anns[i];
        if (!strncmp(a->key, NGINX_ANNOTATION_PREFIX, plen) && !strcmp(a->key + plen, short_name))
            return a->null ? NULL : a->value;
    }
    return NULL;
}

int service_decode_at(const doc_node *obj, const char *default_ns, svc_view *v, mp_err *err,
                      int *line)
{
    char label[300];
    memset(v, 0, sizeof *v);
    if (line)
        *line = 0;
    v->obj = obj;
    v->name = kobj_name(obj);
    v->ns = kobj_namespace(obj);
    if (!v->ns || !*v->ns)
        v->ns = default_ns ? default_ns : "default";
    obj_label(label, sizeof label, "service", v->ns, v->name);
    dctx d = {.label = label, .err = err, .line = line};
    const char *kind = kobj_kind(obj);
    if (!kind || strcmp(kind, "Service"))
        return fail(&d, field(obj, "kind"), obj, "kind: \"%s\" is not Service", kind ? kind : "");
    if (check_names(&d, obj, v->ns) < 0)
        return -1;
    const doc_node *spec = field(obj, "spec");
    const doc_node *ports = field(spec, "ports");
    if (!ports)
        return 0; /* headless/ExternalName services may have none */
    if (!doc_is_seq(ports))
        return fail(&d, ports, spec, "spec.ports: not a list");
    v->ports = calloc(ports->len ? ports->len : 1, sizeof *v->ports);
    if (!v->ports)
        return mp_errf(err, "%s: out of memory", label);
    for (size_t i = 0; i < ports->len; i++) {
        const doc_node *p = doc_at(ports, i);
        const doc_node *pn = field(p, "port");
        long long n;
        if (!doc_is_map(p) || !doc_as_int(pn, &n) || n < 1 || n > 65535) {
            service_view_free(v);
            return fail(&d, pn ? pn : p, ports,
                        "spec.ports[%zu].port: missing or not a port number", i);
        }
        svc_port *sp = &v->ports[v->nports++];
        sp->name = field_str(p, "name");
        sp->port = (long)n;
        sp->app_protocol = field_str(p, "appProtocol");
    }
    return 0;
}

int service_decode(const doc_node *obj, const char *default_ns, svc_view *v, mp_err *err)
{
    return service_decode_at(obj, default_ns, v, err, NULL);
}

void service_view_free(svc_view *v)
{
    free(v->ports);
    free(v->own);
    v->ports = NULL;
    v->own = NULL;
    v->nports = 0;
}

static void pool_service(pool *p, svc_view *v)
{
    pool_str(p, &v->name);
    pool_str(p, &v->ns);
    for (size_t i = 0; i < v->nports; i++) {
        pool_str(p, &v->ports[i].name);
        pool_str(p, &v->ports[i].app_protocol);
    }
}

int service_view_own(svc_view *v)
{
    pool p = {NULL, 0};
    pool_service(&p, v);
    char *block = malloc(p.need ? p.need : 1);
    if (!block)
        return -1;
    p.at = block;
    pool_service(&p, v);
    v->own = block;
    v->obj = NULL;
    return 0;
}

long service_port_by_name(const svc_view *s, const char *name)
{
    for (size_t i = 0; s && name && i < s->nports; i++)
        if (s->ports[i].name && !strcmp(s->ports[i].name, name))
            return s->ports[i].port;
    return 0;
}

const svc_port *service_port_by_number(const svc_view *s, long number)
{
    for (size_t i = 0; s && i < s->nports; i++)
        if (s->ports[i].port == number)
            return &s->ports[i];
    return NULL;
}
