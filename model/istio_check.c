/*
 * istio_check.c - field checks of Gateways and VirtualServices (see
 * istio_check.h). Walks the fields the API server's CRD schema and Istio's
 * validation care about; each check names the path of the value.
 */
#include "model/istio_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/docpath.h"
#include "model/gwhost.h"
#include "model/kobj.h"
#include "model/routecheck.h"
#include "model/validate.h"

typedef struct {
    const istio_check_opts *o;
    mp_warnings *w;
    const doc_node *obj;
    const char *ns;
    char ref[300];
    bool tenant;
    int errors;
    bool oom;
} ck;

typedef bool (*str_check)(const char *s, char *why, size_t n);

static void finding(ck *c, const char *code, mp_severity sev, const char *path, const char *msg)
{
    if (mp_warn(c->w, code, sev, c->ref, path, "%s", msg) < 0)
        c->oom = true;
    if (sev == MP_SEV_ERROR)
        c->errors++;
}

static void bad(ck *c, const char *path, const char *why)
{
    finding(c, MPW_FIELD_INVALID, MP_SEV_ERROR, path, why);
}

/* The scalar string at path, or NULL (with an error when present but not
 * a scalar). */
static const char *str_at(ck *c, const char *path)
{
    const doc_node *n = docpath_get(c->obj, path);
    if (!n || doc_is_null(n))
        return NULL;
    if (!doc_is_scalar(n)) {
        bad(c, path, "must be a single value");
        return NULL;
    }
    return doc_str(n);
}

static void check_str(ck *c, const char *path, str_check fn, bool required)
{
    const char *s = str_at(c, path);
    char why[200];
    if (!s && required)
        bad(c, path, "required");
    else if (s && !fn(s, why, sizeof why))
        bad(c, path, why);
}

static bool duration_field(const char *s, char *why, size_t n)
{
    return val_duration(s, false, why, n);
}

/* A route timeout: absent means none, so the reasons say to leave it empty. */
static bool timeout_field(const char *s, char *why, size_t n)
{
    if (!*s) {
        snprintf(why, n, "empty: remove the field for no timeout");
        return false;
    }
    return val_duration(s, true, why, n);
}

static bool whole_duration_field(const char *s, char *why, size_t n)
{
    return val_duration_whole(s, false, why, n);
}

static bool header_field(const char *s, char *why, size_t n)
{
    return val_header_name(s, true, why, n);
}

/* An int scalar at path within lo..hi; returns it (or -1). */
static long int_at(ck *c, const char *path, long lo, long hi, bool required)
{
    const doc_node *n = docpath_get(c->obj, path);
    long long v;
    char why[120];
    if (!n || doc_is_null(n)) {
        if (required)
            bad(c, path, "required");
        return -1;
    }
    if (!doc_is_scalar(n) || n->type != DOC_INT || !doc_as_int(n, &v)) {
        bad(c, path, "must be a number");
        return -1;
    }
    if (v < lo || v > hi) {
        snprintf(why, sizeof why, "%lld is out of range %ld..%ld", v, lo, hi);
        bad(c, path, why);
        return -1;
    }
    return (long)v;
}

static const doc_node *seq_at(ck *c, const char *path, bool nonempty, const char *what)
{
    const doc_node *n = docpath_get(c->obj, path);
    if (n && !doc_is_null(n) && !doc_is_seq(n)) {
        bad(c, path, "must be a list");
        return NULL;
    }
    if (nonempty && (!n || !n->len)) {
        char why[120];
        snprintf(why, sizeof why, "at least one %s", what);
        bad(c, path, why);
    }
    return doc_is_seq(n) ? n : NULL;
}

/* ---- fields relative to a node: per-route checks look values up from the
 * route's node and format a path only for a finding (a 2,000-line
 * VirtualService is checked on every keystroke) */

typedef struct {
    const doc_node *n; /* the node */
    const char *path;  /* its path */
} here;

static const char *path_in(char *buf, size_t n, here h, const char *rel)
{
    return *rel ? docpath_join(buf, n, h.path, rel) : h.path;
}

static const doc_node *node_in(here h, const char *rel)
{
    return *rel ? docpath_get(h.n, rel) : h.n;
}

static void bad_in(ck *c, here h, const char *rel, const char *why)
{
    char p[600];
    bad(c, path_in(p, sizeof p, h, rel), why);
}

static const char *str_in(ck *c, here h, const char *rel)
{
    const doc_node *n = node_in(h, rel);
    if (!n || doc_is_null(n))
        return NULL;
    if (!doc_is_scalar(n)) {
        bad_in(c, h, rel, "must be a single value");
        return NULL;
    }
    return doc_str(n);
}

static void check_in(ck *c, here h, const char *rel, str_check fn, bool required)
{
    const char *s = str_in(c, h, rel);
    char why[200];
    if (!s && required)
        bad_in(c, h, rel, "required");
    else if (s && !fn(s, why, sizeof why))
        bad_in(c, h, rel, why);
}

static long int_in(ck *c, here h, const char *rel, long lo, long hi)
{
    const doc_node *n = node_in(h, rel);
    long long v;
    char why[120];
    if (!n || doc_is_null(n))
        return -1;
    if (!doc_is_scalar(n) || n->type != DOC_INT || !doc_as_int(n, &v)) {
        bad_in(c, h, rel, "must be a number");
        return -1;
    }
    if (v < lo || v > hi) {
        snprintf(why, sizeof why, "%lld is out of range %ld..%ld", v, lo, hi);
        bad_in(c, h, rel, why);
        return -1;
    }
    return (long)v;
}

static const doc_node *seq_in(ck *c, here h, const char *rel)
{
    const doc_node *n = node_in(h, rel);
    if (n && !doc_is_null(n) && !doc_is_seq(n)) {
        bad_in(c, h, rel, "must be a list");
        return NULL;
    }
    return doc_is_seq(n) ? n : NULL;
}

/* Item i of a list in h at rel, as a here (path in buf). */
static here item_in(here h, const char *rel, const doc_node *seq, size_t i, char *buf, size_t n)
{
    char p[600];
    docpath_index(buf, n, path_in(p, sizeof p, h, rel), i);
    return (here){doc_at(seq, i), buf};
}

static void check_host_taken(ck *c, const char *path, const char *host)
{
    if (!c->o->store || !c->ns)
        return;
    size_t n, shown = 0, more = 0, len = 0;
    const store_obj *const *objs = store_by_host(c->o->store, host, &n);
    char list[600] = "";
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(objs[i]->ns, c->ns) ||
            (c->o->skip_ingress_hosts && !strcmp(objs[i]->kind, "Ingress")))
            continue;
        if (shown == 3) {
            more++;
            continue;
        }
        char r[300];
        kobj_ref(objs[i]->doc, r, sizeof r);
        if (len < sizeof list)
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", shown ? ", " : "", r);
        shown++;
    }
    if (!shown)
        return;
    char msg[700];
    if (more)
        snprintf(msg, sizeof msg, "another tenant also routes it: %s and %zu more", list, more);
    else
        snprintf(msg, sizeof msg, "another tenant also routes it: %s", list);
    finding(c, MPW_HOST_TAKEN, MP_SEV_WARNING, path, msg);
}

static void check_host(ck *c, const char *path, bool gateway)
{
    const char *h = str_at(c, path);
    char why[200];
    if (!h) {
        bad(c, path, "empty host");
        return;
    }
    const char *slash = gateway ? strchr(h, '/') : NULL;
    if (slash)
        h = slash + 1;
    if (!val_host(h, c->tenant, why, sizeof why))
        bad(c, path, why);
    else
        check_host_taken(c, path, h);
}

static void check_hosts(ck *c, const char *path, bool gateway)
{
    const doc_node *hs = seq_at(c, path, true, "host");
    char p[512];
    for (size_t i = 0; hs && i < hs->len; i++)
        check_host(c, docpath_index(p, sizeof p, path, i), gateway);
}

/* ---- VirtualService ---------------------------------------------------- */

static void check_uri(ck *c, here m)
{
    const doc_node *uri = node_in(m, "uri");
    if (!uri)
        return;
    if (!doc_is_map(uri) || uri->len != 1) {
        bad_in(c, m, "uri", "exactly one of exact, prefix, regex");
        return;
    }
    const char *kind = uri->keys[0];
    char up[600];
    here u = {uri, path_in(up, sizeof up, m, "uri")};
    if (!strcmp(kind, "regex"))
        check_in(c, u, kind, val_re2, true);
    else if (!strcmp(kind, "exact") || !strcmp(kind, "prefix"))
        check_in(c, u, kind, val_path, true);
    else
        bad_in(c, m, "uri", "exactly one of exact, prefix, regex");
}

static void check_destinations(ck *c, here r)
{
    const doc_node *ds = seq_in(c, r, "route");
    long w[64];
    size_t nw = 0;
    for (size_t k = 0; ds && k < ds->len; k++) {
        char dp[600];
        here d = item_in(r, "route", ds, k, dp, sizeof dp);
        check_in(c, d, "destination.host", val_object_name, true);
        int_in(c, d, "destination.port.number", 1, 65535);
        long wt = int_in(c, d, "weight", 0, 100);
        if (nw < 64)
            w[nw++] = wt;
    }
    char why[120];
    if (nw > 1 && !val_weights_total(w, nw, why, sizeof why))
        bad_in(c, r, "route", why);
}

static void check_list(ck *c, here h, const char *rel, str_check fn)
{
    const doc_node *l = seq_in(c, h, rel);
    for (size_t i = 0; l && i < l->len; i++) {
        char ip[600];
        check_in(c, item_in(h, rel, l, i, ip, sizeof ip), "", fn, true);
    }
}

static bool origin_kind(const char *k)
{
    return !strcmp(k, "exact") || !strcmp(k, "prefix") || !strcmp(k, "regex");
}

static void check_cors(ck *c, here r)
{
    const doc_node *cors = node_in(r, "corsPolicy");
    if (!cors)
        return;
    char cp[600];
    here h = {cors, path_in(cp, sizeof cp, r, "corsPolicy")};
    const doc_node *os = seq_in(c, h, "allowOrigins");
    for (size_t i = 0; os && i < os->len; i++) {
        char op[620], why[200];
        here o = item_in(h, "allowOrigins", os, i, op, sizeof op);
        if (!doc_is_map(o.n) || o.n->len != 1 || !doc_is_scalar(o.n->items[0])) {
            bad_in(c, o, "", "exactly one of exact, prefix, regex");
            continue;
        }
        const char *k = o.n->keys[0];
        if (!val_origin(k, doc_str(o.n->items[0]), why, sizeof why))
            bad_in(c, o, origin_kind(k) ? k : "", why);
    }
    check_list(c, h, "allowMethods", val_method);
    check_list(c, h, "allowHeaders", header_field);
    check_list(c, h, "exposeHeaders", header_field);
    check_in(c, h, "maxAge", whole_duration_field, false);
}

static void check_http_route(ck *c, here r, size_t i, long shadowed_by)
{
    const doc_node *ms = seq_in(c, r, "match");
    for (size_t j = 0; ms && j < ms->len; j++) {
        char mp[600];
        check_uri(c, item_in(r, "match", ms, j, mp, sizeof mp));
    }
    check_destinations(c, r);
    check_in(c, r, "timeout", timeout_field, false);
    check_in(c, r, "rewrite.uri", val_path, false);
    int_in(c, r, "retries.attempts", 0, 1000);
    check_in(c, r, "retries.perTryTimeout", duration_field, false);
    check_in(c, r, "retries.retryOn", val_retry_on, false);
    check_cors(c, r);
    if (shadowed_by >= 0) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "route %zu is never reached: route %ld matches every request it would (Istio "
                 "takes the first match)",
                 i + 1, shadowed_by + 1);
        finding(c, MPW_ROUTE_SHADOWED, MP_SEV_WARNING, r.path, msg);
    }
}

static void check_hosts_on_gateways(ck *c)
{
    const doc_node *gws = docpath_get(c->obj, "spec.gateways");
    const doc_node *hosts = docpath_get(c->obj, "spec.hosts");
    for (size_t g = 0; c->o->gateway && doc_is_seq(gws) && g < gws->len; g++) {
        const char *ref = doc_str(gws->items[g]);
        if (!ref || !strcmp(ref, "mesh"))
            continue;
        const char *slash = strchr(ref, '/');
        char ns[256];
        snprintf(ns, sizeof ns, "%.*s", slash ? (int)(slash - ref) : 0, slash ? ref : "");
        const doc_node *gw =
            c->o->gateway(c->o->gateway_ud, slash ? ns : c->ns, slash ? slash + 1 : ref);
        for (size_t h = 0; gw && doc_is_seq(hosts) && h < hosts->len; h++) {
            const char *host = doc_str(hosts->items[h]);
            if (!host || !*host || gw_takes_host(gw, host, c->ns))
                continue;
            char p[64], msg[600];
            snprintf(msg, sizeof msg,
                     "no server of gateway %s lists %s: add it to the Gateway's hosts too", ref,
                     host);
            finding(c, MPW_HOST_OFF_GATEWAY, MP_SEV_WARNING,
                    docpath_index(p, sizeof p, "spec.hosts", h), msg);
        }
    }
}

static void check_vs(ck *c)
{
    check_hosts_on_gateways(c);
    const doc_node *hosts = docpath_get(c->obj, "spec.hosts");
    const doc_node *gw = docpath_get(c->obj, "spec.gateways");
    if ((doc_is_null(hosts) || (doc_is_seq(hosts) && !hosts->len)) && doc_is_seq(gw) && gw->len)
        bad(c, "spec.gateways",
            "a VirtualService without hosts is a delegate, which Istio refuses with gateways");
    else if (!doc_is_null(hosts) && !(doc_is_seq(hosts) && !hosts->len))
        check_hosts(c, "spec.hosts", false); /* no hosts: a delegate of a root's http entry */
    const doc_node *gws = seq_at(c, "spec.gateways", false, NULL);
    char p[256];
    for (size_t i = 0; gws && i < gws->len; i++)
        if (!str_at(c, docpath_index(p, sizeof p, "spec.gateways", i)))
            bad(c, p, "empty gateway name");
    const doc_node *http = seq_at(c, "spec.http", false, NULL);
    size_t n = http ? http->len : 0;
    long *by = n ? calloc(n, sizeof *by) : NULL;
    if (n && !by) {
        c->oom = true;
        return;
    }
    route_shadows(c->obj, by, n);
    here spec = {docpath_get(c->obj, "spec"), "spec"};
    for (size_t i = 0; i < n; i++) {
        char rp[64];
        check_http_route(c, item_in(spec, "http", http, i, rp, sizeof rp), i, by[i]);
    }
    free(by);
}

/* ---- Gateway ---------------------------------------------------------- */

static bool protocol_ok(const char *s, char *why, size_t n)
{
    static const char *const ok[] = {"HTTP", "HTTPS", "GRPC", "HTTP2", "MONGO", "TCP", "TLS"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (!strcmp(s, ok[i]))
            return true;
    snprintf(why, n, "protocol is one of HTTP, HTTPS, GRPC, HTTP2, MONGO, TCP, TLS");
    return false;
}

static void check_server_tls(ck *c, const char *sp)
{
    char p[512];
    const char *proto = docpath_str(c->obj, docpath_join(p, sizeof p, sp, "port.protocol"));
    bool https = proto && (!strcmp(proto, "HTTPS") || !strcmp(proto, "TLS"));
    const doc_node *tls = docpath_get(c->obj, docpath_key(p, sizeof p, sp, "tls"));
    if (https && !tls)
        bad(c, docpath_join(p, sizeof p, sp, "tls.mode"),
            "an HTTPS or TLS server needs a TLS mode");
    if (!tls)
        return;
    check_str(c, docpath_join(p, sizeof p, sp, "tls.mode"), val_tls_mode, https);
    check_str(c, docpath_join(p, sizeof p, sp, "tls.minProtocolVersion"), val_tls_version, false);
    const char *mode = docpath_str(c->obj, docpath_join(p, sizeof p, sp, "tls.mode"));
    const char *cred = docpath_str(c->obj, docpath_join(p, sizeof p, sp, "tls.credentialName"));
    bool needs_cert = https && mode && (!strcmp(mode, "SIMPLE") || !strcmp(mode, "MUTUAL"));
    if (needs_cert && !cred &&
        !docpath_get(c->obj, docpath_join(p, sizeof p, sp, "tls.serverCertificate")))
        bad(c, docpath_join(p, sizeof p, sp, "tls.credentialName"),
            "SIMPLE and MUTUAL need a certificate (credentialName)");
    if (cred) {
        check_str(c, docpath_join(p, sizeof p, sp, "tls.credentialName"), val_secret_name, false);
        const char *gns = c->o->gateway_namespace;
        if (c->o->store && gns && !store_get(c->o->store, "Secret", gns, cred)) {
            char msg[400];
            snprintf(msg, sizeof msg, "no Secret %s in %s, where the gateway pods read it%s", cred,
                     gns,
                     c->ns && store_get(c->o->store, "Secret", c->ns, cred)
                         ? " (it is in the tenant's namespace: copy it)"
                         : "");
            finding(c, MPW_SECRET_ELSEWHERE, MP_SEV_WARNING, p, msg);
        }
    }
}

static void check_gw(ck *c)
{
    const doc_node *sel = docpath_get(c->obj, "spec.selector");
    if (!doc_is_map(sel) || !sel->len)
        bad(c, "spec.selector", "a Gateway needs a selector (istio: ingressgateway)");
    const doc_node *ss = seq_at(c, "spec.servers", true, "server");
    for (size_t i = 0; ss && i < ss->len; i++) {
        char sp[256], p[512], why[200];
        docpath_index(sp, sizeof sp, "spec.servers", i);
        int_at(c, docpath_join(p, sizeof p, sp, "port.number"), 1, 65535, true);
        check_str(c, docpath_join(p, sizeof p, sp, "port.protocol"), protocol_ok, true);
        const char *name = str_at(c, docpath_join(p, sizeof p, sp, "port.name"));
        if (!name) {
            bad(c, p, "required (unique among the servers)");
        } else {
            for (size_t j = 0; j < i; j++) {
                char q[256];
                docpath_index(q, sizeof q, "spec.servers", j);
                docpath_join(q, sizeof q, q, "port.name");
                const char *other = docpath_str(c->obj, q);
                if (other && !strcmp(other, name)) {
                    snprintf(why, sizeof why, "server %zu has the same port name", j + 1);
                    bad(c, p, why);
                }
            }
        }
        check_hosts(c, docpath_key(p, sizeof p, sp, "hosts"), true);
        check_server_tls(c, sp);
    }
}

int istio_check(const doc_node *obj, const istio_check_opts *o, mp_warnings *w)
{
    ck c = {.o = o, .w = w, .obj = obj};
    c.ns = kobj_namespace(obj);
    kobj_ref(obj, c.ref, sizeof c.ref);
    const char *prefix = o->tenant_prefix ? o->tenant_prefix : "ns-";
    c.tenant = c.ns && *prefix && !strncmp(c.ns, prefix, strlen(prefix));
    const char *kind = kobj_kind(obj);
    char why[200];
    if (!kobj_api_version(obj))
        bad(&c, "apiVersion", "required");
    if (!kind)
        bad(&c, "kind", "required");
    const char *name = kobj_name(obj);
    bool gw = kind && !strcmp(kind, "Gateway");
    if (!name)
        bad(&c, "metadata.name", "required");
    else if (!(gw ? val_dns_label(name, why, sizeof why) : val_object_name(name, why, sizeof why)))
        bad(&c, "metadata.name", why);
    if (gw)
        check_gw(&c);
    else if (kind && !strcmp(kind, "VirtualService"))
        check_vs(&c);
    return c.oom ? -1 : c.errors;
}
