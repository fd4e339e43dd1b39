/* ingress.c - typed views of Ingress and Service (see ingress.h). */
#include "model/ingress.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/kobj.h"

static const char *const path_type_names[] = {"Exact", "Prefix", "ImplementationSpecific"};

const char *ingress_path_type_name(ing_path_type t)
{
    return (unsigned)t < 3 ? path_type_names[t] : "?";
}

/* The label of the object for messages: "ingress ns/name". */
static void obj_label(char *buf, size_t n, const char *kind, const char *ns, const char *name)
{
    snprintf(buf, n, "%s %s/%s", kind, ns ? ns : "", name ? name : "?");
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

/* Reads a backend in either the v1 shape ({service: {name, port: {number |
 * name}}} / {resource: {...}}) or the v1beta1 one ({serviceName, servicePort}). */
static int decode_backend(const doc_node *b, const char *what, const char *label, ing_backend *out,
                          mp_err *err)
{
    memset(out, 0, sizeof *out);
    if (!doc_is_map(b))
        return mp_errf(err, "%s: %s: missing or not a map", label, what);
    const doc_node *svc = doc_get(b, "service");
    const doc_node *res = doc_get(b, "resource");
    const doc_node *port = NULL;
    if (svc) {
        out->service = doc_get_str(svc, "name");
        port = doc_get(svc, "port");
        if (!out->service || !*out->service)
            return mp_errf(err, "%s: %s.service.name: missing", label, what);
        if (!doc_is_map(port))
            return mp_errf(err, "%s: %s.service.port: missing (number or name)", label, what);
        const doc_node *num = doc_get(port, "number");
        const char *name = doc_get_str(port, "name");
        if (num) {
            long long v;
            if (!doc_as_int(num, &v) || v < 1 || v > 65535)
                return mp_errf(err, "%s: %s.service.port.number: \"%s\" is not a port number",
                               label, what, doc_str(num) ? doc_str(num) : "");
            out->port_number = (long)v;
        } else if (name && *name) {
            out->port_name = name;
        } else {
            return mp_errf(err, "%s: %s.service.port: needs number or name", label, what);
        }
        return 0;
    }
    if (res) {
        out->resource = doc_get_str(res, "kind");
        if (!out->resource)
            out->resource = "resource";
        return 0;
    }
    const char *legacy = doc_get_str(b, "serviceName");
    if (legacy) {
        out->service = legacy;
        const doc_node *sp = doc_get(b, "servicePort");
        long long v;
        if (sp && sp->type == DOC_INT && doc_as_int(sp, &v) && v >= 1 && v <= 65535)
            out->port_number = (long)v;
        else if (sp && doc_str(sp) && *doc_str(sp))
            out->port_name = doc_str(sp);
        else
            return mp_errf(err, "%s: %s.servicePort: missing", label, what);
        return 0;
    }
    return mp_errf(err, "%s: %s: needs service or resource", label, what);
}

static int decode_path(const doc_node *p, const char *where, const char *label, ing_path *out,
                       mp_err *err)
{
    char what[160];
    if (!doc_is_map(p))
        return mp_errf(err, "%s: %s: not a map", label, where);
    const char *path = doc_get_str(p, "path");
    out->path = (path && *path) ? path : "/";
    if (out->path[0] != '/')
        return mp_errf(err, "%s: %s.path: \"%s\" must start with /", label, where, out->path);
    const char *type = doc_get_str(p, "pathType");
    out->type = ING_PATH_IMPL;
    out->type_set = type != NULL;
    if (type) {
        size_t i = 0;
        while (i < 3 && strcmp(type, path_type_names[i]))
            i++;
        if (i == 3)
            return mp_errf(err,
                           "%s: %s.pathType: \"%s\" is not Exact|Prefix|ImplementationSpecific",
                           label, where, type);
        out->type = (ing_path_type)i;
    }
    snprintf(what, sizeof what, "%s.backend", where);
    return decode_backend(doc_get(p, "backend"), what, label, &out->backend, err);
}

static int decode_rule(const doc_node *r, size_t ri, const char *label, ing_rule *out, mp_err *err)
{
    char where[96];
    if (!doc_is_map(r))
        return mp_errf(err, "%s: spec.rules[%zu]: not a map", label, ri);
    out->host = doc_get_str(r, "host");
    if (out->host && !*out->host)
        out->host = NULL;
    if (out->host && !ingress_valid_host(out->host))
        return mp_errf(err, "%s: spec.rules[%zu].host: \"%s\" is not a valid DNS name", label, ri,
                       out->host);
    const doc_node *paths = doc_getv(r, "http", "paths", NULL);
    if (!paths)
        return 0; /* a rule without http routes nothing */
    if (!doc_is_seq(paths))
        return mp_errf(err, "%s: spec.rules[%zu].http.paths: not a list", label, ri);
    out->paths = calloc(paths->len ? paths->len : 1, sizeof *out->paths);
    if (!out->paths)
        return mp_errf(err, "%s: out of memory", label);
    for (size_t i = 0; i < paths->len; i++) {
        snprintf(where, sizeof where, "spec.rules[%zu].http.paths[%zu]", ri, i);
        if (decode_path(doc_at(paths, i), where, label, &out->paths[i], err) < 0)
            return -1;
        out->npaths++;
    }
    return 0;
}

static int decode_tls(const doc_node *t, size_t ti, const char *label, ing_tls *out, mp_err *err)
{
    if (!doc_is_map(t))
        return mp_errf(err, "%s: spec.tls[%zu]: not a map", label, ti);
    out->secret = doc_get_str(t, "secretName");
    if (out->secret && !*out->secret)
        out->secret = NULL;
    const doc_node *hosts = doc_get(t, "hosts");
    if (!hosts)
        return 0;
    if (!doc_is_seq(hosts))
        return mp_errf(err, "%s: spec.tls[%zu].hosts: not a list", label, ti);
    out->hosts = calloc(hosts->len ? hosts->len : 1, sizeof *out->hosts);
    if (!out->hosts)
        return mp_errf(err, "%s: out of memory", label);
    for (size_t i = 0; i < hosts->len; i++) {
        const char *h = doc_str(doc_at(hosts, i));
        if (!ingress_valid_host(h))
            return mp_errf(err, "%s: spec.tls[%zu].hosts[%zu]: \"%s\" is not a valid DNS name",
                           label, ti, i, h ? h : "");
        out->hosts[out->nhosts++] = h;
    }
    return 0;
}

static int decode_spec(const doc_node *spec, const char *label, ing_view *v, mp_err *err)
{
    v->class_name = doc_get_str(spec, "ingressClassName");
    const doc_node *def = doc_get(spec, "defaultBackend");
    if (!def)
        def = doc_get(spec, "backend");
    if (def) {
        if (decode_backend(def, "spec.defaultBackend", label, &v->default_backend, err) < 0)
            return -1;
        v->has_default = true;
    }
    const doc_node *rules = doc_get(spec, "rules");
    if (rules && !doc_is_seq(rules))
        return mp_errf(err, "%s: spec.rules: not a list", label);
    if (rules && rules->len) {
        v->rules = calloc(rules->len, sizeof *v->rules);
        if (!v->rules)
            return mp_errf(err, "%s: out of memory", label);
        for (size_t i = 0; i < rules->len; i++) {
            if (decode_rule(doc_at(rules, i), i, label, &v->rules[i], err) < 0) {
                v->nrules = i + 1; /* free what was allocated */
                return -1;
            }
            v->nrules++;
        }
    }
    const doc_node *tls = doc_get(spec, "tls");
    if (tls && !doc_is_seq(tls))
        return mp_errf(err, "%s: spec.tls: not a list", label);
    if (tls && tls->len) {
        v->tls = calloc(tls->len, sizeof *v->tls);
        if (!v->tls)
            return mp_errf(err, "%s: out of memory", label);
        for (size_t i = 0; i < tls->len; i++) {
            v->ntls++;
            if (decode_tls(doc_at(tls, i), i, label, &v->tls[i], err) < 0)
                return -1;
        }
    }
    if (!v->nrules && !v->has_default)
        return mp_errf(err, "%s: spec: needs rules or defaultBackend", label);
    return 0;
}

int ingress_decode(const doc_node *obj, const char *default_ns, ing_view *v, mp_err *err)
{
    char label[300];
    memset(v, 0, sizeof *v);
    const char *kind = kobj_kind(obj);
    v->obj = obj;
    v->name = kobj_name(obj);
    v->ns = kobj_namespace(obj);
    if (!v->ns || !*v->ns)
        v->ns = default_ns ? default_ns : "default";
    if (!kind || strcmp(kind, "Ingress")) {
        char lk[64];
        snprintf(lk, sizeof lk, "%s", kind ? kind : "object");
        for (char *c = lk; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        obj_label(label, sizeof label, lk, v->ns, v->name);
        return mp_errf(err, "%s: kind: \"%s\" is not Ingress", label, kind ? kind : "");
    }
    obj_label(label, sizeof label, "ingress", v->ns, v->name);
    if (!v->name || !*v->name)
        return mp_errf(err, "%s: metadata.name: missing", label);
    const char *api = kobj_api_version(obj);
    if (!api || (strcmp(api, "networking.k8s.io/v1") && strcmp(api, "networking.k8s.io/v1beta1") &&
                 strcmp(api, "extensions/v1beta1")))
        return mp_errf(err, "%s: apiVersion: \"%s\" is not networking.k8s.io/v1", label,
                       api ? api : "");
    v->created = doc_getv(obj, "metadata", "creationTimestamp", NULL)
                     ? doc_str(doc_getv(obj, "metadata", "creationTimestamp", NULL))
                     : NULL;
    v->annotations = doc_getv(obj, "metadata", "annotations", NULL);
    if (v->annotations && !doc_is_map(v->annotations))
        return mp_errf(err, "%s: metadata.annotations: not a map", label);
    v->class_annotation =
        v->annotations ? doc_get_str(v->annotations, INGRESS_CLASS_ANNOTATION) : NULL;
    const doc_node *spec = doc_get(obj, "spec");
    if (!doc_is_map(spec))
        return mp_errf(err, "%s: spec: missing or not a map", label);
    if (decode_spec(spec, label, v, err) < 0) {
        ingress_view_free(v);
        return -1;
    }
    return 0;
}

void ingress_view_free(ing_view *v)
{
    for (size_t i = 0; i < v->nrules; i++)
        free(v->rules[i].paths);
    for (size_t i = 0; i < v->ntls; i++)
        free(v->tls[i].hosts);
    free(v->rules);
    free(v->tls);
    v->rules = NULL;
    v->tls = NULL;
    v->nrules = v->ntls = 0;
}

const char *ingress_nginx_annotation(const ing_view *v, const char *short_name)
{
    if (!v->annotations)
        return NULL;
    char key[160];
    snprintf(key, sizeof key, "%s%s", NGINX_ANNOTATION_PREFIX, short_name);
    return doc_get_str(v->annotations, key);
}

int service_decode(const doc_node *obj, const char *default_ns, svc_view *v, mp_err *err)
{
    char label[300];
    memset(v, 0, sizeof *v);
    v->obj = obj;
    v->name = kobj_name(obj);
    v->ns = kobj_namespace(obj);
    if (!v->ns || !*v->ns)
        v->ns = default_ns ? default_ns : "default";
    obj_label(label, sizeof label, "service", v->ns, v->name);
    const char *kind = kobj_kind(obj);
    if (!kind || strcmp(kind, "Service"))
        return mp_errf(err, "%s: kind: \"%s\" is not Service", label, kind ? kind : "");
    const doc_node *ports = doc_getv(obj, "spec", "ports", NULL);
    if (!ports)
        return 0; /* headless/ExternalName services may have none */
    if (!doc_is_seq(ports))
        return mp_errf(err, "%s: spec.ports: not a list", label);
    v->ports = calloc(ports->len ? ports->len : 1, sizeof *v->ports);
    if (!v->ports)
        return mp_errf(err, "%s: out of memory", label);
    for (size_t i = 0; i < ports->len; i++) {
        const doc_node *p = doc_at(ports, i);
        long long n;
        if (!doc_is_map(p) || !doc_as_int(doc_get(p, "port"), &n) || n < 1 || n > 65535) {
            service_view_free(v);
            return mp_errf(err, "%s: spec.ports[%zu].port: missing or not a port number", label, i);
        }
        svc_port *sp = &v->ports[v->nports++];
        sp->name = doc_get_str(p, "name");
        sp->port = (long)n;
        sp->app_protocol = doc_get_str(p, "appProtocol");
    }
    return 0;
}

void service_view_free(svc_view *v)
{
    free(v->ports);
    v->ports = NULL;
    v->nports = 0;
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
