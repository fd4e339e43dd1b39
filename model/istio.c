/* istio.c - Istio objects as doc trees in proto field order (see istio.h). */
#include "model/istio.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "model/convert.h"
#include "model/kobj.h"
#include "model/hmap.h"

/* ---- field order -------------------------------------------------------- */

/* The shapes, by index into shapes[] (children name their shape so). */
enum {
    SH_META,
    SH_GW_SPEC,
    SH_GW_SERVER,
    SH_GW_PORT,
    SH_GW_TLS,
    SH_VS_SPEC,
    SH_VS_HTTP,
    SH_VS_MATCH,
    SH_VS_DEST,
    SH_VS_DESTINATION,
    SH_VS_REDIRECT,
    SH_VS_REWRITE,
    SH_VS_REGEXREWRITE,
    SH_VS_RETRIES,
    SH_VS_CORS,
    SH_VS_HEADERS,
    SH_VS_HDROP,
    SH_DR_SPEC,
    SH_DR_TP,
    SH_DR_PLS,
    SH_DR_LB,
    SH_DR_CP,
    SH_DR_TCP,
    SH_DR_HTTP,
    SH_DR_TLS,
    SH_AP_SPEC,
    SH_AP_RULE,
    SH_AP_FROM,
    SH_AP_TO,
    SH_AP_SOURCE,
    SH_AP_OP,
    SH_COUNT,
    SH_NONE = -1
};

/* One map shape: its keys in proto order, and which keys hold maps (or
 * sequences of maps) of another shape. */
typedef struct {
    const char *key;
    int shape;
} shape_child;

typedef struct {
    const char *shape;
    const char *keys[20];
    shape_child children[12]; /* {key, child shape} */
} shape_order;

static const shape_order shapes[] = {
    {"meta", {"name", "namespace", "labels", "annotations"}, {{NULL, SH_NONE}}},
    {"gw.spec", {"selector", "servers"}, {{"servers", SH_GW_SERVER}}},
    {"gw.server",
     {"port", "bind", "hosts", "tls", "defaultEndpoint", "name"},
     {{"port", SH_GW_PORT}, {"tls", SH_GW_TLS}}},
    {"gw.port", {"number", "protocol", "name", "targetPort"}, {{NULL, SH_NONE}}},
    {"gw.tls",
     {"httpsRedirect", "mode", "serverCertificate", "privateKey", "caCertificates",
      "credentialName", "credentialNames", "tlsCertificates", "subjectAltNames",
      "verifyCertificateSpki", "verifyCertificateHash", "minProtocolVersion", "maxProtocolVersion",
      "cipherSuites"},
     {{NULL, SH_NONE}}},
    {"vs.spec", {"hosts", "gateways", "http", "tls", "tcp", "exportTo"}, {{"http", SH_VS_HTTP}}},
    {"vs.http",
     {"name", "match", "route", "redirect", "directResponse", "delegate", "rewrite", "timeout",
      "retries", "fault", "mirror", "mirrors", "mirrorPercentage", "corsPolicy", "headers"},
     {{"match", SH_VS_MATCH},
      {"route", SH_VS_DEST},
      {"redirect", SH_VS_REDIRECT},
      {"rewrite", SH_VS_REWRITE},
      {"retries", SH_VS_RETRIES},
      {"corsPolicy", SH_VS_CORS},
      {"headers", SH_VS_HEADERS}}},
    {"vs.match",
     {"name", "uri", "scheme", "method", "authority", "headers", "port", "sourceLabels", "gateways",
      "queryParams", "ignoreUriCase", "withoutHeaders", "sourceNamespace", "statPrefix"},
     {{NULL, SH_NONE}}},
    {"vs.dest",
     {"destination", "weight", "headers"},
     {{"destination", SH_VS_DESTINATION}, {"headers", SH_VS_HEADERS}}},
    {"vs.destination", {"host", "subset", "port"}, {{NULL, SH_NONE}}},
    {"vs.redirect",
     {"uri", "authority", "port", "derivePort", "scheme", "redirectCode"},
     {{NULL, SH_NONE}}},
    {"vs.rewrite",
     {"uri", "authority", "uriRegexRewrite"},
     {{"uriRegexRewrite", SH_VS_REGEXREWRITE}}},
    {"vs.regexrewrite", {"match", "rewrite"}, {{NULL, SH_NONE}}},
    {"vs.retries",
     {"attempts", "perTryTimeout", "retryOn", "retryRemoteLocalities"},
     {{NULL, SH_NONE}}},
    {"vs.cors",
     {"allowOrigin", "allowOrigins", "allowMethods", "allowHeaders", "exposeHeaders", "maxAge",
      "allowCredentials", "unmatchedPreflights"},
     {{NULL, SH_NONE}}},
    {"vs.headers", {"request", "response"}, {{"request", SH_VS_HDROP}, {"response", SH_VS_HDROP}}},
    {"vs.hdrop", {"set", "add", "remove"}, {{NULL, SH_NONE}}},
    {"dr.spec",
     {"host", "trafficPolicy", "subsets", "exportTo", "workloadSelector"},
     {{"trafficPolicy", SH_DR_TP}}},
    {"dr.tp",
     {"loadBalancer", "connectionPool", "outlierDetection", "tls", "portLevelSettings", "tunnel",
      "proxyProtocol"},
     {{"loadBalancer", SH_DR_LB},
      {"connectionPool", SH_DR_CP},
      {"tls", SH_DR_TLS},
      {"portLevelSettings", SH_DR_PLS}}},
    {"dr.pls",
     {"port", "loadBalancer", "connectionPool", "outlierDetection", "tls"},
     {{"loadBalancer", SH_DR_LB}, {"connectionPool", SH_DR_CP}, {"tls", SH_DR_TLS}}},
    {"dr.lb",
     {"simple", "consistentHash", "localityLbSetting", "warmupDurationSecs"},
     {{NULL, SH_NONE}}},
    {"dr.cp", {"tcp", "http"}, {{"tcp", SH_DR_TCP}, {"http", SH_DR_HTTP}}},
    {"dr.tcp",
     {"maxConnections", "connectTimeout", "tcpKeepalive", "maxConnectionDuration", "idleTimeout"},
     {{NULL, SH_NONE}}},
    {"dr.http",
     {"http1MaxPendingRequests", "http2MaxRequests", "maxRequestsPerConnection", "maxRetries",
      "idleTimeout", "h2UpgradePolicy", "useClientProtocol", "maxConcurrentStreams"},
     {{NULL, SH_NONE}}},
    {"dr.tls",
     {"mode", "clientCertificate", "privateKey", "caCertificates", "credentialName",
      "subjectAltNames", "sni", "insecureSkipVerify"},
     {{NULL, SH_NONE}}},
    {"ap.spec",
     {"selector", "targetRef", "targetRefs", "action", "provider", "rules"},
     {{"rules", SH_AP_RULE}}},
    {"ap.rule", {"from", "to", "when"}, {{"from", SH_AP_FROM}, {"to", SH_AP_TO}}},
    {"ap.from", {"source"}, {{"source", SH_AP_SOURCE}}},
    {"ap.to", {"operation"}, {{"operation", SH_AP_OP}}},
    {"ap.source",
     {"principals", "notPrincipals", "requestPrincipals", "notRequestPrincipals", "namespaces",
      "notNamespaces", "ipBlocks", "notIpBlocks", "remoteIpBlocks", "notRemoteIpBlocks"},
     {{NULL, SH_NONE}}},
    {"ap.op",
     {"hosts", "notHosts", "ports", "notPorts", "methods", "notMethods", "paths", "notPaths"},
     {{NULL, SH_NONE}}},
};

_Static_assert(sizeof shapes / sizeof *shapes == SH_COUNT, "one shape per SH_ name");

/* Whether m's keys already come in s's order (doc_map_order would leave
 * it as it is): the converter builds most maps so, and checking is a
 * fraction of reordering. Listed keys rank by position, others after them. */
static bool map_in_order(const doc_node *m, const shape_order *s, size_t nkeys)
{
    size_t prev = 0;
    for (size_t i = 0; i < m->len; i++) {
        const char *k = m->keys[i];
        size_t r = 0;
        while (r < nkeys && (s->keys[r][0] != k[0] || strcmp(s->keys[r], k)))
            r++;
        if (r < prev)
            return false;
        prev = r;
    }
    return true;
}

static void order_node(doc_node *n, int shape);

static void order_map(doc_node *m, const shape_order *s)
{
    size_t nkeys = 0;
    while (nkeys < 20 && s->keys[nkeys])
        nkeys++;
    if (!map_in_order(m, s, nkeys))
        doc_map_order(m, s->keys, nkeys);
    for (size_t c = 0; c < 12 && s->children[c].key; c++) {
        doc_node *child = doc_get(m, s->children[c].key);
        if (child)
            order_node(child, s->children[c].shape);
    }
}

static void order_node(doc_node *n, int shape)
{
    if (shape < 0 || !n)
        return;
    const shape_order *s = &shapes[shape];
    if (doc_is_map(n))
        order_map(n, s);
    else if (doc_is_seq(n))
        for (size_t i = 0; i < n->len; i++)
            if (doc_is_map(doc_at(n, i)))
                order_map(doc_at(n, i), s);
}

void istio_canonical_order(doc_node *obj)
{
    static const struct {
        const char *kind;
        int shape;
    } kinds[] = {
        {"Gateway", SH_GW_SPEC},
        {"VirtualService", SH_VS_SPEC},
        {"DestinationRule", SH_DR_SPEC},
        {"AuthorizationPolicy", SH_AP_SPEC},
    };
    if (!doc_is_map(obj))
        return;
    order_node(doc_get(obj, "metadata"), SH_META);
    const char *kind = kobj_kind(obj);
    for (size_t i = 0; kind && i < sizeof kinds / sizeof *kinds; i++)
        if (!strcmp(kind, kinds[i].kind))
            order_node(doc_get(obj, "spec"), kinds[i].shape);
}

void istio_order_vs_http(doc_node *http)
{
    order_node(http, SH_VS_HTTP);
}

static bool node_in_order(const doc_node *n, int shape)
{
    if (shape < 0 || !n)
        return true;
    const shape_order *s = &shapes[shape];
    if (doc_is_seq(n)) {
        for (size_t i = 0; i < n->len; i++)
            if (!node_in_order(n->items[i], shape))
                return false;
        return true;
    }
    if (!doc_is_map(n))
        return true;
    size_t nkeys = 0;
    while (nkeys < 20 && s->keys[nkeys])
        nkeys++;
    if (!map_in_order(n, s, nkeys))
        return false;
    for (size_t c = 0; c < 12 && s->children[c].key; c++)
        if (!node_in_order(doc_get(n, s->children[c].key), s->children[c].shape))
            return false;
    return true;
}

bool istio_vs_http_part_in_order(const char *key, const doc_node *v)
{
    const shape_order *s = &shapes[SH_VS_HTTP];
    for (size_t c = 0; c < 12 && s->children[c].key; c++)
        if (!strcmp(s->children[c].key, key))
            return node_in_order(v, s->children[c].shape);
    return true;
}

/* ---- names ---------------------------------------------------------------- */

/* A byte of a DNS label as istio_dns_label keeps it: ASCII letters (lower
 * case) and digits, 0 for the rest (isalnum / tolower of the C locale,
 * one load per byte). */
static const char label_byte[256] = {
#define D(c) [c] = c
#define L(c) [c] = c, [c - 'a' + 'A'] = c
    D('0'), D('1'), D('2'), D('3'), D('4'), D('5'), D('6'), D('7'), D('8'), D('9'), L('a'), L('b'),
    L('c'), L('d'), L('e'), L('f'), L('g'), L('h'), L('i'), L('j'), L('k'), L('l'), L('m'), L('n'),
    L('o'), L('p'), L('q'), L('r'), L('s'), L('t'), L('u'), L('v'), L('w'), L('x'), L('y'), L('z'),
#undef D
#undef L
};

void istio_dns_label(const char *s, char out[64])
{
    char buf[512];
    size_t n = 0;
    for (const char *p = s; *p && n < sizeof buf - 10; p++) {
        char k = label_byte[(unsigned char)*p];
        if (k) {
            buf[n++] = k;
        } else if (*p == '*') {
            memcpy(buf + n, "wildcard", 8);
            n += 8;
        } else if (n && buf[n - 1] != '-') {
            buf[n++] = '-';
        }
    }
    while (n && buf[n - 1] == '-')
        n--;
    size_t start = 0;
    while (start < n && buf[start] == '-')
        start++;
    buf[n] = 0;
    if (n - start == 0) {
        snprintf(out, 64, "x-%08x", hmap_fnv1a32(s));
        return;
    }
    if (n - start <= 63) {
        memcpy(out, buf + start, n - start + 1);
        return;
    }
    size_t keep = 54;
    while (keep && buf[start + keep - 1] == '-')
        keep--;
    snprintf(out, 64, "%.*s-%08x", (int)keep, buf + start, hmap_fnv1a32(s));
}

/* ---- builders ------------------------------------------------------------- */

doc_node *istio_object_new(const char *api, const char *kind, const char *ns, const char *name)
{
    doc_node *o = doc_map_new();
    doc_node *meta = doc_map_new();
    doc_node *labels = doc_map_new();
    /* four keys each (annotations and spec's come next): sized once, not twice */
    if (!o || !meta || !labels || doc_reserve(o, 4) < 0 || doc_reserve(meta, 4) < 0 ||
        doc_map_set_str(o, "apiVersion", api) < 0 || doc_map_set_str(o, "kind", kind) < 0 ||
        doc_map_set_str(meta, "name", name) < 0 || doc_map_set_str(meta, "namespace", ns) < 0 ||
        doc_map_set_str(labels, CONVERT_MANAGED_LABEL, CONVERT_MANAGED_VALUE) < 0 ||
        doc_map_set(meta, "labels", labels) < 0) {
        doc_free(o);
        doc_free(meta);
        return NULL;
    }
    labels = NULL;
    if (doc_map_set(o, "metadata", meta) < 0) {
        doc_free(o);
        return NULL;
    }
    doc_node *spec = doc_map_new();
    if (!spec || doc_reserve(spec, 4) < 0) {
        doc_free(spec);
        doc_free(o);
        return NULL;
    }
    if (doc_map_set(o, "spec", spec) < 0) {
        doc_free(o);
        return NULL;
    }
    return o;
}

doc_node *istio_spec(doc_node *obj)
{
    return doc_map_ensure(obj, "spec", DOC_MAP);
}

doc_node *istio_gateway_new(const char *ns, const char *name, const char *selector_value)
{
    doc_node *gw = istio_object_new(ISTIO_NETWORKING_API, "Gateway", ns, name);
    doc_node *sel = doc_map_ensure(istio_spec(gw), "selector", DOC_MAP);
    if (!sel || doc_map_set_str(sel, "istio", selector_value) < 0 ||
        !doc_map_ensure(istio_spec(gw), "servers", DOC_SEQ)) {
        doc_free(gw);
        return NULL;
    }
    return gw;
}

int istio_gateway_add_server(doc_node *gw, long port, const char *protocol, const char *port_name,
                             doc_node *hosts, doc_node *tls)
{
    doc_node *servers = doc_map_ensure(istio_spec(gw), "servers", DOC_SEQ);
    doc_node *srv = doc_map_new();
    doc_node *p = doc_map_new();
    if (!servers || !srv || !p || doc_map_set(p, "number", doc_int_new(port)) < 0 ||
        doc_map_set_str(p, "protocol", protocol) < 0 || doc_map_set_str(p, "name", port_name) < 0) {
        doc_free(srv);
        doc_free(p);
        doc_free(hosts);
        doc_free(tls);
        return -1;
    }
    if (doc_map_set(srv, "port", p) < 0 || doc_map_set(srv, "hosts", hosts) < 0 ||
        (tls && doc_map_set(srv, "tls", tls) < 0)) {
        doc_free(srv);
        return -1;
    }
    return doc_seq_push(servers, srv);
}

static int set_str_list(doc_node *map, const char *key, const char *value)
{
    doc_node *seq = doc_seq_new();
    if (!seq || doc_seq_push(seq, doc_str_new(value)) < 0) {
        doc_free(seq);
        return -1;
    }
    return doc_map_set(map, key, seq);
}

doc_node *istio_vs_new(const char *ns, const char *name, const char *host, const char *gateway)
{
    doc_node *vs = istio_object_new(ISTIO_NETWORKING_API, "VirtualService", ns, name);
    doc_node *spec = vs ? istio_spec(vs) : NULL;
    if (!spec || set_str_list(spec, "hosts", host) < 0 ||
        set_str_list(spec, "gateways", gateway) < 0 || !doc_map_ensure(spec, "http", DOC_SEQ)) {
        doc_free(vs);
        return NULL;
    }
    return vs;
}

int istio_vs_add_http(doc_node *vs, doc_node *route)
{
    doc_node *http = doc_map_ensure(istio_spec(vs), "http", DOC_SEQ);
    if (!http) {
        doc_free(route);
        return -1;
    }
    return doc_seq_push(http, route);
}

doc_node *istio_dr_new(const char *ns, const char *name, const char *host, const char *export_ns)
{
    doc_node *dr = istio_object_new(ISTIO_NETWORKING_API, "DestinationRule", ns, name);
    doc_node *spec = dr ? istio_spec(dr) : NULL;
    if (!spec || doc_map_set_str(spec, "host", host) < 0 ||
        !doc_map_ensure(spec, "trafficPolicy", DOC_MAP) ||
        set_str_list(spec, "exportTo", export_ns) < 0) {
        doc_free(dr);
        return NULL;
    }
    return dr;
}

doc_node *istio_ap_new(const char *ns, const char *name, const char *selector_value,
                       const char *action)
{
    doc_node *ap = istio_object_new(ISTIO_SECURITY_API, "AuthorizationPolicy", ns, name);
    doc_node *spec = ap ? istio_spec(ap) : NULL;
    doc_node *sel = spec ? doc_map_ensure(spec, "selector", DOC_MAP) : NULL;
    doc_node *ml = sel ? doc_map_ensure(sel, "matchLabels", DOC_MAP) : NULL;
    if (!ml || doc_map_set_str(ml, "istio", selector_value) < 0 ||
        doc_map_set_str(spec, "action", action) < 0 || !doc_map_ensure(spec, "rules", DOC_SEQ)) {
        doc_free(ap);
        return NULL;
    }
    return ap;
}
