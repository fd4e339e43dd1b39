/* istio.c - Istio objects as doc trees in proto field order (see istio.h). */
#include "model/istio.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "model/convert.h"
#include "model/kobj.h"
#include "model/hmap.h"

/* ---- field order -------------------------------------------------------- */

/* One map shape: its keys in proto order, and which keys hold maps (or
 * sequences of maps) of another shape. */
typedef struct {
    const char *shape;
    const char *keys[20];
    const char *children[12][2]; /* {key, child shape} */
} shape_order;

static const shape_order shapes[] = {
    {"meta", {"name", "namespace", "labels", "annotations"}, {{NULL, NULL}}},
    {"gw.spec", {"selector", "servers"}, {{"servers", "gw.server"}}},
    {"gw.server",
     {"port", "bind", "hosts", "tls", "defaultEndpoint", "name"},
     {{"port", "gw.port"}, {"tls", "gw.tls"}}},
    {"gw.port", {"number", "protocol", "name", "targetPort"}, {{NULL, NULL}}},
    {"gw.tls",
     {"httpsRedirect", "mode", "serverCertificate", "privateKey", "caCertificates",
      "credentialName", "credentialNames", "tlsCertificates", "subjectAltNames",
      "verifyCertificateSpki", "verifyCertificateHash", "minProtocolVersion", "maxProtocolVersion",
      "cipherSuites"},
     {{NULL, NULL}}},
    {"vs.spec", {"hosts", "gateways", "http", "tls", "tcp", "exportTo"}, {{"http", "vs.http"}}},
    {"vs.http",
     {"name", "match", "route", "redirect", "directResponse", "delegate", "rewrite", "timeout",
      "retries", "fault", "mirror", "mirrors", "mirrorPercentage", "corsPolicy", "headers"},
     {{"match", "vs.match"},
      {"route", "vs.dest"},
      {"redirect", "vs.redirect"},
      {"rewrite", "vs.rewrite"},
      {"retries", "vs.retries"},
      {"corsPolicy", "vs.cors"},
      {"headers", "vs.headers"}}},
    {"vs.match",
     {"name", "uri", "scheme", "method", "authority", "headers", "port", "sourceLabels", "gateways",
      "queryParams", "ignoreUriCase", "withoutHeaders", "sourceNamespace", "statPrefix"},
     {{NULL, NULL}}},
    {"vs.dest",
     {"destination", "weight", "headers"},
     {{"destination", "vs.destination"}, {"headers", "vs.headers"}}},
    {"vs.destination", {"host", "subset", "port"}, {{NULL, NULL}}},
    {"vs.redirect",
     {"uri", "authority", "port", "derivePort", "scheme", "redirectCode"},
     {{NULL, NULL}}},
    {"vs.rewrite",
     {"uri", "authority", "uriRegexRewrite"},
     {{"uriRegexRewrite", "vs.regexrewrite"}}},
    {"vs.regexrewrite", {"match", "rewrite"}, {{NULL, NULL}}},
    {"vs.retries",
     {"attempts", "perTryTimeout", "retryOn", "retryRemoteLocalities"},
     {{NULL, NULL}}},
    {"vs.cors",
     {"allowOrigin", "allowOrigins", "allowMethods", "allowHeaders", "exposeHeaders", "maxAge",
      "allowCredentials", "unmatchedPreflights"},
     {{NULL, NULL}}},
    {"vs.headers", {"request", "response"}, {{"request", "vs.hdrop"}, {"response", "vs.hdrop"}}},
    {"vs.hdrop", {"set", "add", "remove"}, {{NULL, NULL}}},
    {"dr.spec",
     {"host", "trafficPolicy", "subsets", "exportTo", "workloadSelector"},
     {{"trafficPolicy", "dr.tp"}}},
    {"dr.tp",
     {"loadBalancer", "connectionPool", "outlierDetection", "tls", "portLevelSettings", "tunnel",
      "proxyProtocol"},
     {{"loadBalancer", "dr.lb"},
      {"connectionPool", "dr.cp"},
      {"tls", "dr.tls"},
      {"portLevelSettings", "dr.pls"}}},
    {"dr.pls",
     {"port", "loadBalancer", "connectionPool", "outlierDetection", "tls"},
     {{"loadBalancer", "dr.lb"}, {"connectionPool", "dr.cp"}, {"tls", "dr.tls"}}},
    {"dr.lb", {"simple", "consistentHash", "localityLbSetting", "warmupDurationSecs"}, {{NULL}}},
    {"dr.cp", {"tcp", "http"}, {{"tcp", "dr.tcp"}, {"http", "dr.http"}}},
    {"dr.tcp",
     {"maxConnections", "connectTimeout", "tcpKeepalive", "maxConnectionDuration", "idleTimeout"},
     {{NULL, NULL}}},
    {"dr.http",
     {"http1MaxPendingRequests", "http2MaxRequests", "maxRequestsPerConnection", "maxRetries",
      "idleTimeout", "h2UpgradePolicy", "useClientProtocol", "maxConcurrentStreams"},
     {{NULL, NULL}}},
    {"dr.tls",
     {"mode", "clientCertificate", "privateKey", "caCertificates", "credentialName",
      "subjectAltNames", "sni", "insecureSkipVerify"},
     {{NULL, NULL}}},
    {"ap.spec",
     {"selector", "targetRef", "targetRefs", "action", "provider", "rules"},
     {{"rules", "ap.rule"}}},
    {"ap.rule", {"from", "to", "when"}, {{"from", "ap.from"}, {"to", "ap.to"}}},
    {"ap.from", {"source"}, {{"source", "ap.source"}}},
    {"ap.to", {"operation"}, {{"operation", "ap.op"}}},
    {"ap.source",
     {"principals", "notPrincipals", "requestPrincipals", "notRequestPrincipals", "namespaces",
      "notNamespaces", "ipBlocks", "notIpBlocks", "remoteIpBlocks", "notRemoteIpBlocks"},
     {{NULL, NULL}}},
    {"ap.op",
     {"hosts", "notHosts", "ports", "notPorts", "methods", "notMethods", "paths", "notPaths"},
     {{NULL, NULL}}},
};

static const shape_order *find_shape(const char *name)
{
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++)
        if (!strcmp(shapes[i].shape, name))
            return &shapes[i];
    return NULL;
}

static void order_node(doc_node *n, const char *shape_name);

static void order_map(doc_node *m, const shape_order *s)
{
    size_t nkeys = 0;
    while (nkeys < 20 && s->keys[nkeys])
        nkeys++;
    doc_map_order(m, s->keys, nkeys);
    for (size_t c = 0; c < 12 && s->children[c][0]; c++) {
        doc_node *child = doc_get(m, s->children[c][0]);
        if (child)
            order_node(child, s->children[c][1]);
    }
}

static void order_node(doc_node *n, const char *shape_name)
{
    const shape_order *s = find_shape(shape_name);
    if (!s || !n)
        return;
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
        const char *kind, *shape;
    } kinds[] = {
        {"Gateway", "gw.spec"},
        {"VirtualService", "vs.spec"},
        {"DestinationRule", "dr.spec"},
        {"AuthorizationPolicy", "ap.spec"},
    };
    if (!doc_is_map(obj))
        return;
    order_node(doc_get(obj, "metadata"), "meta");
    const char *kind = kobj_kind(obj);
    for (size_t i = 0; kind && i < sizeof kinds / sizeof *kinds; i++)
        if (!strcmp(kind, kinds[i].kind))
            order_node(doc_get(obj, "spec"), kinds[i].shape);
}

/* ---- names ---------------------------------------------------------------- */

void istio_dns_label(const char *s, char out[64])
{
    char buf[512];
    size_t n = 0;
    for (const char *p = s; *p && n < sizeof buf - 10; p++) {
        if (*p == '*') {
            memcpy(buf + n, "wildcard", 8);
            n += 8;
        } else if (isalnum((unsigned char)*p)) {
            buf[n++] = (char)tolower((unsigned char)*p);
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
        snprintf(out, 64, "%s", buf + start);
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
    if (!o || !meta || !labels || doc_map_set_str(o, "apiVersion", api) < 0 ||
        doc_map_set_str(o, "kind", kind) < 0 || doc_map_set_str(meta, "name", name) < 0 ||
        doc_map_set_str(meta, "namespace", ns) < 0 ||
        doc_map_set_str(labels, CONVERT_MANAGED_LABEL, CONVERT_MANAGED_VALUE) < 0 ||
        doc_map_set(meta, "labels", labels) < 0) {
        doc_free(o);
        doc_free(meta);
        return NULL;
    }
    labels = NULL;
    if (doc_map_set(o, "metadata", meta) < 0 || doc_map_set(o, "spec", doc_map_new()) < 0) {
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
