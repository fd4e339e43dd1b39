/* annotations.c - the ingress-nginx annotation rule table (see annotations.h). */
#include "model/annotations.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/annotations_int.h"
#include "model/hmap.h"
#include "model/snippet.h"
#include "model/strbuf.h"

/* ---- small helpers ---------------------------------------------------- */

static char *own(ann_settings *s, char *str)
{
    if (!str)
        return NULL;
    if (s->nowned == sizeof s->owned / sizeof *s->owned) {
        free(str);
        return NULL;
    }
    s->owned[s->nowned++] = str;
    return str;
}

/* "<n>s" for n >= 0 (a duration), into buf[32]. */
static void seconds_text(char *buf, long n)
{
    size_t k = str_utoa(buf, (unsigned long long)n);
    buf[k] = 's';
    buf[k + 1] = '\0';
}

static bool truthy(const char *v)
{
    return v && !strcasecmp(v, "true");
}

static void field_of(char *buf, size_t n, const char *name)
{
    str_join(buf, n, "metadata.annotations[\"", NGINX_ANNOTATION_PREFIX, name, "\"]", (char *)NULL);
}

int ann_warn_at(ann_ctx *c, const char *name, const char *code, mp_severity sev, const char *fmt,
                ...)
{
    char field[200];
    field_of(field, sizeof field, name);
    va_list ap;
    va_start(ap, fmt);
    int rc = mp_vwarn(c->w, code, sev, c->object, field, fmt, ap);
    va_end(ap);
    return rc;
}

/* The warning a row reports about itself, with the row's note. */
static int warn_row(ann_ctx *c)
{
    const ann_rule *r = c->rule;
    mp_severity sev = r->fidelity == ANN_IGNORED ? MP_SEV_INFO : MP_SEV_WARNING;
    const char *what = r->fidelity == ANN_APPROX        ? "approximated"
                       : r->fidelity == ANN_UNSUPPORTED ? "not converted"
                                                        : "ignored";
    return mp_warn(c->w, r->code, sev, c->object, c->field, "%s: %s", what, r->note);
}

doc_node *ann_split_list(const char *value)
{
    doc_node *seq = doc_seq_new();
    if (!seq)
        return NULL;
    const char *p = value ? value : "";
    while (*p) {
        while (*p == ',' || isspace((unsigned char)*p))
            p++;
        const char *start = p;
        while (*p && *p != ',')
            p++;
        const char *end = p;
        while (end > start && isspace((unsigned char)end[-1]))
            end--;
        if (end > start && doc_seq_push(seq, doc_strn_new(start, (size_t)(end - start))) < 0) {
            doc_free(seq);
            return NULL;
        }
    }
    return seq;
}

long ann_parse_seconds(const char *v)
{
    if (!v || !*v)
        return -1;
    char *end;
    long n = strtol(v, &end, 10);
    if (end == v || n < 0 || n > 100000000)
        return -1;
    if (!*end || !strcmp(end, "s"))
        return n;
    if (!strcmp(end, "m"))
        return n * 60;
    if (!strcmp(end, "h"))
        return n * 3600;
    return -1;
}

static long parse_long(const char *v, long lo, long hi)
{
    if (!v || !*v)
        return -1;
    char *end;
    long n = strtol(v, &end, 10);
    return (*end || n < lo || n > hi) ? -1 : n;
}

static int invalid(ann_ctx *c, const char *value, const char *expect)
{
    return mp_warn(c->w, MPW_ANN_INVALID, MP_SEV_WARNING, c->object, c->field,
                   "\"%s\" is not %s; nginx ignores it, so the converter does too", value, expect);
}

/* ---- handlers --------------------------------------------------------- */

static int h_report(ann_ctx *c, const char *v)
{
    (void)v;
    return warn_row(c);
}

static int h_use_regex(ann_ctx *c, const char *v)
{
    if (truthy(v)) {
        c->s->use_regex = true;
        return warn_row(c);
    }
    return 0;
}

/* $1 -> \1: RE2 substitution syntax. */
static int h_rewrite_target(ann_ctx *c, const char *v)
{
    strbuf sb;
    strbuf_init(&sb);
    for (const char *p = v; *p; p++) {
        if (*p == '$' && isdigit((unsigned char)p[1]))
            strbuf_putc(&sb, '\\');
        else
            strbuf_putc(&sb, *p);
    }
    c->s->rewrite_target = own(c->s, strbuf_detach(&sb, NULL));
    if (!c->s->rewrite_target)
        return -1;
    return warn_row(c);
}

static int h_app_root(ann_ctx *c, const char *v)
{
    if (v[0] != '/' || strstr(v, "://"))
        return invalid(c, v, "a path starting with /");
    c->s->app_root = v;
    return 0;
}

static int h_ssl_redirect(ann_ctx *c, const char *v)
{
    c->s->ssl_redirect = truthy(v) ? 1 : 0;
    return 0;
}

static int h_force_ssl_redirect(ann_ctx *c, const char *v)
{
    c->s->force_ssl_redirect = truthy(v);
    return c->s->force_ssl_redirect ? warn_row(c) : 0;
}

static const struct {
    const char *value;
    backend_proto proto;
    const char *note; /* NULL: exact */
} protos[] = {
    {"HTTP", BP_HTTP, NULL},
    {"HTTPS", BP_HTTPS, NULL},
    {"GRPC", BP_GRPC,
     "HTTP/2 cleartext to the backend via DestinationRule h2UpgradePolicy "
     "UPGRADE; declaring the Service port appProtocol: grpc is the exact fix"},
    {"GRPCS", BP_GRPCS, "TLS (no verification, as nginx) plus HTTP/2 via DestinationRule"},
    {"AUTO_HTTP", BP_HTTP, "Envoy cannot pick the upstream scheme per request: plain HTTP is used"},
    {"WS", BP_HTTP,
     "WS is not an ingress-nginx value (nginx falls back to HTTP); Istio "
     "upgrades WebSockets on HTTP routes by itself"},
    {"FCGI", BP_UNROUTABLE, "Envoy has no FastCGI upstream: the route is not generated"},
    {"AJP", BP_UNROUTABLE, "Envoy has no AJP upstream: the route is not generated"},
};

static int h_backend_protocol(ann_ctx *c, const char *v)
{
    for (size_t i = 0; i < sizeof protos / sizeof *protos; i++) {
        if (strcasecmp(v, protos[i].value))
            continue;
        c->s->proto = protos[i].proto;
        if (!protos[i].note)
            return 0;
        return mp_warn(c->w,
                       protos[i].proto == BP_UNROUTABLE ? MPW_ANN_UNSUPPORTED : MPW_ANN_APPROX,
                       protos[i].proto == BP_UNROUTABLE ? MP_SEV_ERROR : MP_SEV_WARNING, c->object,
                       c->field, "%s: %s", protos[i].value, protos[i].note);
    }
    return invalid(c, v, "HTTP|HTTPS|GRPC|GRPCS|AUTO_HTTP|FCGI|AJP");
}

static int h_connect_timeout(ann_ctx *c, const char *v)
{
    long n = ann_parse_seconds(v);
    if (n < 0)
        return invalid(c, v, "a number of seconds");
    if (n == 0)
        return invalid(c, v, "a positive number of seconds");
    c->s->connect_timeout = n;
    return warn_row(c);
}

/* Number-valued annotations: parse, refuse out-of-range values with the
 * accepted form in the message, store. */
#define SECONDS_SETTER(fn, member)                                                                 \
    static int fn(ann_ctx *c, const char *v)                                                       \
    {                                                                                              \
        long n = ann_parse_seconds(v);                                                             \
        if (n < 0)                                                                                 \
            return invalid(c, v, "a number of seconds");                                           \
        c->member = n;                                                                             \
        return 0;                                                                                  \
    }
#define LONG_SETTER(fn, member, lo, hi, what)                                                      \
    static int fn(ann_ctx *c, const char *v)                                                       \
    {                                                                                              \
        long n = parse_long(v, lo, hi);                                                            \
        if (n < 0)                                                                                 \
            return invalid(c, v, what);                                                            \
        c->member = n;                                                                             \
        return 0;                                                                                  \
    }
SECONDS_SETTER(h_read_timeout, raw.read_t)
SECONDS_SETTER(h_send_timeout, raw.send_t)
LONG_SETTER(h_next_upstream_tries, raw.tries, 0, 1000, "a number of tries")
LONG_SETTER(h_canary_weight, s->can.weight, 0, 1000000, "a non-negative integer")
LONG_SETTER(h_canary_weight_total, s->can.weight_total, 1, 1000000, "a positive integer")

static int h_next_upstream(ann_ctx *c, const char *v)
{
    c->raw.next_upstream = v;
    return 0;
}

static int h_enable_cors(ann_ctx *c, const char *v)
{
    c->raw.cors = truthy(v);
    return 0;
}

#define RAW_SETTER(fn, member)                                                                     \
    static int fn(ann_ctx *c, const char *v)                                                       \
    {                                                                                              \
        c->raw.member = v;                                                                         \
        return 0;                                                                                  \
    }
RAW_SETTER(h_cors_origin, origin)
RAW_SETTER(h_cors_methods, methods)
RAW_SETTER(h_cors_headers, headers)
RAW_SETTER(h_cors_expose, expose)
RAW_SETTER(h_cors_credentials, credentials)
RAW_SETTER(h_cors_max_age, max_age)
RAW_SETTER(h_perm, perm)
RAW_SETTER(h_perm_code, perm_code)
RAW_SETTER(h_temp, temp)
RAW_SETTER(h_temp_code, temp_code)
RAW_SETTER(h_cookie_name, cookie_name)
RAW_SETTER(h_cookie_path, cookie_path)
RAW_SETTER(h_cookie_max_age, cookie_max_age)
RAW_SETTER(h_cookie_expires, cookie_expires)

static int h_canary(ann_ctx *c, const char *v)
{
    c->s->can.canary = truthy(v);
    return 0;
}

static int h_canary_header(ann_ctx *c, const char *v)
{
    c->s->can.header = *v ? v : NULL;
    return 0;
}

static int h_canary_header_value(ann_ctx *c, const char *v)
{
    c->s->can.header_value = *v ? v : NULL;
    return 0;
}

static int h_canary_header_pattern(ann_ctx *c, const char *v)
{
    c->s->can.header_pattern = *v ? v : NULL;
    return 0;
}

static int h_canary_cookie(ann_ctx *c, const char *v)
{
    c->s->can.cookie = *v ? v : NULL;
    return 0;
}

static int h_upstream_vhost(ann_ctx *c, const char *v)
{
    if (strchr(v, '$'))
        return mp_warn(c->w, MPW_ANN_UNSUPPORTED, MP_SEV_WARNING, c->object, c->field,
                       "not converted: nginx variables in \"%s\" have no Istio equivalent", v);
    c->s->upstream_vhost = v;
    return 0;
}

static int h_x_forwarded_prefix(ann_ctx *c, const char *v)
{
    if (!c->s->hdr.req_set && !(c->s->hdr.req_set = doc_map_new()))
        return -1;
    return doc_map_set_str(c->s->hdr.req_set, "X-Forwarded-Prefix", v);
}

/* Snippet texts repeat across a tenant's Ingresses: each distinct text is
 * read once per run (ann_parse_cached), at most ANN_CACHE_MAX of them. */
#define ANN_CACHE_MAX 4096

/* A set of annotations parsed before: its settings (the cache's, at a
 * stable address: every Ingress with the set points at them) and its
 * findings, found[from, from + n). */
typedef struct {
    ann_settings *s;
    size_t from, n;
} ann_set;

struct ann_cache {
    hmap rows; /* short annotation name -> its row + 1, 0 for none (ann_lookup) */
    hmap idx;  /* snippet text -> plans[] */
    snippet_plan **plans;
    size_t n;
    hmap sets; /* set_key -> setv[] */
    /* the last set found and its key: a tenant's Ingresses come one after
     * the other with the same set (no hash of it then) */
    strbuf last;
    long last_at;
    ann_set *setv;
    size_t nsets;
    mp_warnings found; /* the sets' findings, about no object */
    strbuf key;        /* set_key's text */
};

ann_cache *ann_cache_new(void)
{
    ann_cache *k = calloc(1, sizeof(ann_cache));
    if (k)
        k->last_at = -1;
    return k;
}

void ann_cache_free(ann_cache *k)
{
    if (!k)
        return;
    for (size_t i = 0; i < k->n; i++)
        snippet_plan_free(k->plans[i]);
    free(k->plans);
    hmap_free(&k->idx);
    hmap_free(&k->rows);
    hmap_free(&k->sets);
    for (size_t i = 0; i < k->nsets; i++) {
        ann_settings_free(k->setv[i].s);
        free(k->setv[i].s);
    }
    free(k->setv);
    mp_warnings_free(&k->found);
    strbuf_free(&k->key);
    strbuf_free(&k->last);
    free(k);
}

/* The cached plan of text, compiled and kept on a miss; NULL when out of
 * memory or full (the caller compiles its own). */
static const snippet_plan *cached_snippet(ann_cache *k, const char *text)
{
    long at = hmap_get(&k->idx, text);
    if (at >= 0)
        return k->plans[at];
    if (k->n == ANN_CACHE_MAX)
        return NULL;
    if (!(k->n & (k->n - 1))) { /* 0, 1, 2, 4, ...: grow at each power of two */
        snippet_plan **pl = realloc(k->plans, (k->n ? 2 * k->n : 1) * sizeof *pl);
        if (!pl)
            return NULL;
        k->plans = pl;
    }
    snippet_plan *p = snippet_compile(text);
    if (!p || hmap_put(&k->idx, text, k->n) < 0) {
        snippet_plan_free(p);
        return NULL;
    }
    return k->plans[k->n++] = p;
}

/* server: a server-snippet, which nginx applies to every location of the
 * Ingress's hosts (so does a restriction in it). */
static int snippet(ann_ctx *c, const char *v, hdr_mods *h, bool server)
{
    snippet_plan *mine = NULL;
    const snippet_plan *p = c->cache ? cached_snippet(c->cache, v) : NULL;
    if (!p && !(p = mine = snippet_compile(v)))
        return -1;
    const snippet_result *r = snippet_plan_result(p);
    if (snippet_plan_apply(p, h) < 0) {
        snippet_plan_free(mine);
        return -1;
    }
    if (r->access[0]) {
        char why[240];
        snprintf(why, sizeof why,
                 "%s holds \"%s\", which nginx enforces and the conversion does "
                 "not reproduce",
                 c->rule->name, r->access);
        ann_access_add(c->s, ACC_NO_ISTIO, c->rule->name, server, why,
                       "reproduce it by hand (an AuthorizationPolicy or an EnvoyFilter)");
    }
    int rc = 0;
    if (r->untranslated)
        rc = mp_warn(c->w, MPW_SNIPPET_PARTIAL, MP_SEV_WARNING, c->object, c->field,
                     "%zu directive(s) translated to headers, %zu not converted (migrate by "
                     "hand): %s",
                     r->translated, r->untranslated, r->rest.buf ? r->rest.buf : "");
    else if (r->translated)
        rc = mp_warn(c->w, MPW_SNIPPET_PARTIAL, MP_SEV_INFO, c->object, c->field,
                     "all %zu header directive(s) translated to VirtualService headers",
                     r->translated);
    if (rc == 0 && r->ignored)
        rc = mp_warn(c->w, MPW_ANN_IGNORED, MP_SEV_INFO, c->object, c->field,
                     "%zu nginx buffer directive(s) ignored: Envoy sizes its buffers itself",
                     r->ignored);
    snippet_plan_free(mine);
    return rc;
}

static int h_config_snippet(ann_ctx *c, const char *v)
{
    return snippet(c, v, &c->s->hdr, false);
}

static int h_server_snippet(ann_ctx *c, const char *v)
{
    return snippet(c, v, &c->s->server_hdr, true);
}

static int h_load_balance(ann_ctx *c, const char *v)
{
    if (!strcasecmp(v, "round_robin")) {
        c->s->lb_simple = "ROUND_ROBIN";
        return 0;
    }
    if (!strcasecmp(v, "ewma")) {
        c->s->lb_simple = "LEAST_REQUEST";
        return mp_warn(c->w, MPW_ANN_APPROX, MP_SEV_WARNING, c->object, c->field,
                       "approximated: ewma becomes DestinationRule LEAST_REQUEST (no latency "
                       "weighting), per backend Service port");
    }
    return invalid(c, v, "round_robin|ewma");
}

static int h_upstream_hash_by(ann_ctx *c, const char *v)
{
    doc_node *h = doc_map_new();
    if (!h)
        return -1;
    int rc = 0;
    if (!strcmp(v, "$remote_addr") || !strcmp(v, "$binary_remote_addr")) {
        rc = doc_map_set(h, "useSourceIp", doc_bool_new(true));
    } else if (!strncmp(v, "$http_", 6) && v[6] && !strpbrk(v + 6, "$ ")) {
        char name[128];
        snprintf(name, sizeof name, "%s", v + 6);
        for (char *p = name; *p; p++)
            *p = *p == '_' ? '-' : *p;
        rc = doc_map_set_str(h, "httpHeaderName", name);
    } else if (!strncmp(v, "$arg_", 5) && v[5] && !strpbrk(v + 5, "$ ")) {
        rc = doc_map_set_str(h, "httpQueryParameterName", v + 5);
    } else if (!strncmp(v, "$cookie_", 8) && v[8] && !strpbrk(v + 8, "$ ")) {
        doc_node *ck = doc_map_new();
        rc = (!ck || doc_map_set_str(ck, "name", v + 8) < 0 ||
              doc_map_set_str(ck, "ttl", "0s") < 0 || doc_map_set(h, "httpCookie", ck) < 0)
                 ? -1
                 : 0;
    } else {
        doc_free(h);
        return mp_warn(c->w, MPW_ANN_UNSUPPORTED, MP_SEV_WARNING, c->object, c->field,
                       "not converted: Istio can hash on a header, a query parameter, a cookie "
                       "or the source IP, not on \"%s\"",
                       v);
    }
    if (rc < 0) {
        doc_free(h);
        return -1;
    }
    doc_free(c->s->consistent_hash);
    c->s->consistent_hash = h;
    return warn_row(c);
}

static int h_affinity(ann_ctx *c, const char *v)
{
    if (strcasecmp(v, "cookie"))
        return invalid(c, v, "cookie");
    c->raw.affinity = true;
    return warn_row(c);
}

static int h_preserve_slash(ann_ctx *c, const char *v)
{
    if (truthy(v))
        return 0; /* Envoy never strips the slash: exactly what true asks for */
    return mp_warn(c->w, MPW_ANN_APPROX, MP_SEV_INFO, c->object, c->field,
                   "the HTTPS redirect keeps a trailing / (nginx strips it)");
}

/* ---- the table -------------------------------------------------------- */

#define EXACT(n, h, t, note)                                                                       \
    {                                                                                              \
        n, ANN_EXACT, h, NULL, t, note                                                             \
    }
#define APPROX(n, h, t, note)                                                                      \
    {                                                                                              \
        n, ANN_APPROX, h, MPW_ANN_APPROX, t, note                                                  \
    }
#define UNSUP(n, t, note)                                                                          \
    {                                                                                              \
        n, ANN_UNSUPPORTED, h_report, MPW_ANN_UNSUPPORTED, t, note                                 \
    }
#define AUTH_PART(n, h)                                                                            \
    {                                                                                              \
        n, ANN_UNSUPPORTED, h, MPW_EXT_AUTHZ, "-",                                                 \
            "part of auth-url: not reproduced by the CUSTOM policy (listed in MP110)"              \
    }
#define IGNORE(n, note)                                                                            \
    {                                                                                              \
        n, ANN_IGNORED, h_report, MPW_ANN_IGNORED, "-", note                                       \
    }

static const ann_rule rules[] = {
    /* paths and rewrites */
    APPROX("rewrite-target", h_rewrite_target, "VS http[].rewrite.uriRegexRewrite",
           "the whole path is replaced through RE2 uriRegexRewrite ($N -> \\N); PCRE-only "
           "syntax is not accepted by Istio"),
    APPROX("use-regex", h_use_regex, "VS http[].match[].uri.regex",
           "every path of the host becomes the RE2 regex (?i)<path>.* (nginx: PCRE ~* ^<path>)"),
    EXACT("app-root", h_app_root, "VS http[] exact / redirect 302",
          "a first route redirects exactly / to the app root with 302"),
    /* TLS redirects */
    APPROX("ssl-redirect", h_ssl_redirect, "GW port-80 server tls.httpsRedirect",
           "Istio redirects with 301 for the whole host (nginx: 308, per path, and strips a "
           "trailing /)"),
    APPROX("force-ssl-redirect", h_force_ssl_redirect, "GW httpsRedirect / VS redirect 308",
           "TLS hosts redirect with the Gateway's 301; hosts without TLS get a 308 redirect route "
           "for requests with X-Forwarded-Proto: http, which needs the gateway to trust the load "
           "balancer's X-Forwarded-Proto (numTrustedProxies), else HTTPS requests loop"),
    EXACT("preserve-trailing-slash", h_preserve_slash, "-",
          "Envoy keeps the path as is, which is what true asks for"),
    /* upstream */
    EXACT("backend-protocol", h_backend_protocol, "DR trafficPolicy.portLevelSettings[]",
          "HTTP: nothing; HTTPS: tls SIMPLE + insecureSkipVerify; GRPC/GRPCS/WS/AUTO_HTTP "
          "approximate; FCGI/AJP not routable (see the value table)"),
    APPROX("proxy-connect-timeout", h_connect_timeout,
           "DR portLevelSettings[].connectionPool.tcp.connectTimeout",
           "set per backend Service port, not per path"),
    APPROX("proxy-read-timeout", h_read_timeout, "VS http[].timeout",
           "nginx limits the gap between two reads; Istio's timeout limits the whole request"),
    APPROX("proxy-send-timeout", h_send_timeout, "VS http[].timeout",
           "folded with proxy-read-timeout into one total request timeout (the larger)"),
    APPROX("proxy-next-upstream-tries", h_next_upstream_tries, "VS http[].retries.attempts",
           "Envoy also retries non-idempotent requests (POST); nginx does not"),
    APPROX("proxy-next-upstream", h_next_upstream, "VS http[].retries.retryOn",
           "error/timeout/http_5xx map to Envoy retry conditions; Envoy also retries POST"),
    UNSUP("proxy-next-upstream-timeout", "-", "a limit on the total retry time has no Istio field"),
    UNSUP("proxy-body-size", "EnvoyFilter (buffer filter)",
          "Istio has no request body limit (nginx default 1m, 413 above it); needs an "
          "EnvoyFilter"),
    IGNORE("client-body-buffer-size", "Envoy streams request bodies"),
    /* CORS */
    APPROX("enable-cors", h_enable_cors, "VS http[].corsPolicy",
           "Envoy answers preflights whose Origin matches and forwards the others to the "
           "backend; nginx answers every OPTIONS with 204"),
    EXACT("cors-allow-origin", h_cors_origin, "corsPolicy.allowOrigins",
          "exact per origin, regex for https://*.domain; * becomes regex .* (Envoy echoes the "
          "origin instead of sending *)"),
    EXACT("cors-allow-methods", h_cors_methods, "corsPolicy.allowMethods",
          "nginx default GET, PUT, POST, DELETE, PATCH, OPTIONS emitted when unset"),
    EXACT("cors-allow-headers", h_cors_headers, "corsPolicy.allowHeaders",
          "nginx default header list emitted when unset"),
    EXACT("cors-expose-headers", h_cors_expose, "corsPolicy.exposeHeaders", "as given"),
    EXACT("cors-allow-credentials", h_cors_credentials, "corsPolicy.allowCredentials",
          "nginx default true emitted when unset"),
    EXACT("cors-max-age", h_cors_max_age, "corsPolicy.maxAge",
          "whole seconds, nginx default 1728000s emitted when unset"),
    /* canary */
    EXACT("canary", h_canary, "VS http[].route[] of the main Ingress",
          "the canary backend joins the main Ingress's route for the same host and path"),
    EXACT("canary-weight", h_canary_weight, "VS http[].route[].weight", "main total-w, canary w"),
    EXACT("canary-weight-total", h_canary_weight_total, "VS http[].route[].weight",
          "weights are scaled to 100 when exact, else emitted as given"),
    EXACT("canary-by-header", h_canary_header, "VS http[] header-match routes",
          "header always -> canary, never -> main, before the weighted route"),
    EXACT("canary-by-header-value", h_canary_header_value, "VS http[].match[].headers exact",
          "header with this value -> canary"),
    APPROX("canary-by-header-pattern", h_canary_header_pattern, "VS http[].match[].headers regex",
           "the PCRE pattern is used as an RE2 regex on the whole header value"),
    APPROX("canary-by-cookie", h_canary_cookie, "VS http[].match[].headers cookie regex",
           "Istio has no cookie match: a regex on the Cookie header selects always/never"),
    /* redirects */
    APPROX("permanent-redirect", h_perm, "VS http[].redirect",
           "Envoy keeps the request's query string (nginx drops it unless the URL has one)"),
    EXACT("permanent-redirect-code", h_perm_code, "VS http[].redirect.redirectCode",
          "301, 302, 303, 307, 308 (others fall back to 301)"),
    APPROX("temporal-redirect", h_temp, "VS http[].redirect",
           "Envoy keeps the request's query string; wins over permanent-redirect"),
    EXACT("temporal-redirect-code", h_temp_code, "VS http[].redirect.redirectCode",
          "301, 302, 303, 307 (others fall back to 302)"),
    UNSUP("from-to-www-redirect", "-",
          "the www <-> apex redirect needs a second host; not "
          "generated"),
    /* access control (annotations_access.c, convert_access.c) */
    {"whitelist-source-range", ANN_APPROX, ann_h_access, MPW_ANN_APPROX,
     "AuthorizationPolicy DENY notRemoteIpBlocks",
     "alias of allowlist-source-range (read when that is absent or empty); client IP from "
     "X-Forwarded-For/proxy protocol (gateway numTrustedProxies); an entry nginx rejects "
     "answers 503 (MP109); on a regex host the routes answer 403 (MP108)"},
    {"allowlist-source-range", ANN_APPROX, ann_h_access, MPW_ANN_APPROX,
     "AuthorizationPolicy DENY notRemoteIpBlocks", "as whitelist-source-range"},
    {"denylist-source-range", ANN_APPROX, ann_h_access, MPW_ANN_APPROX,
     "AuthorizationPolicy DENY remoteIpBlocks", "as whitelist-source-range"},
    /* headers */
    EXACT("upstream-vhost", h_upstream_vhost, "VS http[].rewrite.authority",
          "Host sent to the backend"),
    EXACT("x-forwarded-prefix", h_x_forwarded_prefix, "VS http[].headers.request.set",
          "X-Forwarded-Prefix request header"),
    UNSUP("custom-headers", "VS http[].headers.response.set",
          "the headers live in a ConfigMap the converter does not read; set them by hand"),
    {"configuration-snippet", ANN_UNSUPPORTED, h_config_snippet, MPW_SNIPPET_PARTIAL,
     "VS http[].headers (one-liners)",
     "header one-liners are translated; other directives are reported"},
    {"server-snippet", ANN_UNSUPPORTED, h_server_snippet, MPW_SNIPPET_PARTIAL,
     "VS http[].headers (one-liners, per host)",
     "header one-liners are translated for every route of the host; other directives are "
     "reported"},
    UNSUP("stream-snippet", "-", "TCP/UDP stream configuration has no VirtualService form"),
    /* load balancing and affinity */
    EXACT("load-balance", h_load_balance, "DR loadBalancer.simple",
          "round_robin -> ROUND_ROBIN; ewma -> LEAST_REQUEST (approximate)"),
    APPROX("upstream-hash-by", h_upstream_hash_by, "DR loadBalancer.consistentHash",
           "$remote_addr, $http_x, $arg_x, $cookie_x only; Envoy's ring hash, per Service port"),
    UNSUP("upstream-hash-by-subset", "-", "hash subsets have no Istio equivalent"),
    UNSUP("upstream-hash-by-subset-size", "-", "hash subsets have no Istio equivalent"),
    APPROX("affinity", h_affinity, "DR loadBalancer.consistentHash.httpCookie",
           "Envoy's cookie hash behaves like affinity-mode balanced, per Service port"),
    UNSUP("affinity-mode", "-", "persistent affinity has no Istio equivalent"),
    UNSUP("affinity-canary-behavior", "-", "canary stickiness has no Istio equivalent"),
    EXACT("session-cookie-name", h_cookie_name, "consistentHash.httpCookie.name",
          "default INGRESSCOOKIE"),
    EXACT("session-cookie-path", h_cookie_path, "consistentHash.httpCookie.path", "as given"),
    EXACT("session-cookie-max-age", h_cookie_max_age, "consistentHash.httpCookie.ttl",
          "seconds; unset gives a session cookie (ttl 0s)"),
    EXACT("session-cookie-expires", h_cookie_expires, "consistentHash.httpCookie.ttl",
          "used when max-age is unset"),
    UNSUP("session-cookie-domain", "-", "cookie attributes other than path are not generated"),
    UNSUP("session-cookie-samesite", "-", "cookie attributes other than path are not generated"),
    UNSUP("session-cookie-conditional-samesite-none", "-",
          "cookie attributes other than path are not generated"),
    UNSUP("session-cookie-secure", "-", "cookie attributes other than path are not generated"),
    UNSUP("session-cookie-change-on-failure", "-", "Envoy keeps the hash target"),
    /* rate limits */
    UNSUP("limit-rps", "EnvoyFilter local_ratelimit", "needs an EnvoyFilter"),
    UNSUP("limit-rpm", "EnvoyFilter local_ratelimit", "needs an EnvoyFilter"),
    UNSUP("limit-burst-multiplier", "EnvoyFilter local_ratelimit", "needs an EnvoyFilter"),
    UNSUP("limit-connections", "EnvoyFilter connection_limit", "needs an EnvoyFilter"),
    UNSUP("limit-rate", "-", "bandwidth limits have no Istio equivalent"),
    UNSUP("limit-rate-after", "-", "bandwidth limits have no Istio equivalent"),
    UNSUP("limit-whitelist", "EnvoyFilter local_ratelimit", "needs an EnvoyFilter"),
    UNSUP("limit-allowlist", "EnvoyFilter local_ratelimit", "needs an EnvoyFilter"),
    UNSUP("global-rate-limit", "EnvoyFilter ratelimit", "needs a rate-limit service"),
    UNSUP("global-rate-limit-window", "EnvoyFilter ratelimit", "needs a rate-limit service"),
    UNSUP("global-rate-limit-key", "EnvoyFilter ratelimit", "needs a rate-limit service"),
    UNSUP("global-rate-limit-ignored-cidrs", "EnvoyFilter ratelimit", "needs a rate-limit service"),
    /* authentication (annotations_access.c, convert_access.c) */
    {"auth-url", ANN_APPROX, ann_h_access, MPW_EXT_AUTHZ,
     "AuthorizationPolicy CUSTOM (--ext-authz-provider)",
     "with --ext-authz-provider a CUSTOM AuthorizationPolicy for the Ingress's routes (the "
     "provider must call this URL); without it the routes answer 403 (MP108); an invalid URL "
     "answers 503 (MP109)"},
    AUTH_PART("auth-method", ann_h_access),
    AUTH_PART("auth-response-headers", ann_h_access),
    AUTH_PART("auth-request-redirect", ann_h_access_part),
    AUTH_PART("auth-signin", ann_h_access_part),
    AUTH_PART("auth-signin-redirect-param", ann_h_access_part),
    {"auth-snippet", ANN_UNSUPPORTED, ann_h_access, MPW_ACCESS_CLOSED, "-",
     "part of auth-url: header lines are the provider's settings; other directives close the "
     "routes (MP108)"},
    AUTH_PART("auth-cache-key", ann_h_access_part),
    AUTH_PART("auth-cache-duration", ann_h_access_part),
    AUTH_PART("auth-keepalive", ann_h_access_part),
    AUTH_PART("auth-keepalive-share-vars", ann_h_access_part),
    AUTH_PART("auth-keepalive-requests", ann_h_access_part),
    AUTH_PART("auth-keepalive-timeout", ann_h_access_part),
    AUTH_PART("auth-proxy-set-headers", ann_h_access_part),
    AUTH_PART("auth-always-set-cookie", ann_h_access_part),
    {"auth-type", ANN_UNSUPPORTED, ann_h_access, MPW_ACCESS_CLOSED, "VS http[].directResponse 403",
     "basic/digest auth has no Istio form: the routes answer 403 (MP108) unless --allow-open"},
    {"auth-secret", ANN_UNSUPPORTED, ann_h_access, MPW_ACCESS_CLOSED, "-", "part of auth-type"},
    {"auth-secret-type", ANN_UNSUPPORTED, ann_h_access_part, MPW_ACCESS_CLOSED, "-",
     "part of auth-type"},
    {"auth-realm", ANN_UNSUPPORTED, ann_h_access_part, MPW_ACCESS_CLOSED, "-", "part of auth-type"},
    {"auth-tls-secret", ANN_APPROX, ann_h_access, MPW_CLIENT_CERT, "GW server tls MUTUAL",
     "a MUTUAL server for the host, CA from <credentialName>-cacert; where that cannot be "
     "expressed the host's routes answer 403 (MP108)"},
    {"auth-tls-verify-client", ANN_APPROX, ann_h_access, MPW_CLIENT_CERT, "GW server tls MUTUAL",
     "on: MUTUAL; off: nothing; optional, optional_no_ca: the host's routes answer 403 (MP108)"},
    {"auth-tls-verify-depth", ANN_APPROX, ann_h_access, MPW_CLIENT_CERT, "-",
     "Envoy does not limit the chain length (nginx default 1)"},
    {"auth-tls-error-page", ANN_APPROX, ann_h_access, MPW_CLIENT_CERT, "-",
     "Envoy ends the TLS handshake instead of redirecting"},
    {"auth-tls-pass-certificate-to-upstream", ANN_APPROX, ann_h_access, MPW_CLIENT_CERT, "-",
     "the ssl-client-* request headers are removed; Istio can forward X-Forwarded-Client-Cert"},
    {"auth-tls-match-cn", ANN_UNSUPPORTED, ann_h_access, MPW_ACCESS_CLOSED, "-",
     "a Gateway cannot check the subject: the host's routes answer 403 (MP108)"},
    /* TLS to the backend */
    UNSUP("proxy-ssl-secret", "DR tls credentialName",
          "backend client certificates are not "
          "generated"),
    UNSUP("proxy-ssl-verify", "DR tls", "backend certificate verification is not generated"),
    UNSUP("proxy-ssl-verify-depth", "-", "no DestinationRule field"),
    UNSUP("proxy-ssl-name", "DR tls.sni", "backend SNI is not generated"),
    UNSUP("proxy-ssl-server-name", "DR tls.sni", "backend SNI is not generated"),
    UNSUP("proxy-ssl-protocols", "-", "no DestinationRule field"),
    UNSUP("proxy-ssl-ciphers", "-", "no DestinationRule field"),
    /* misc routing */
    UNSUP("mirror-target", "VS http[].mirror", "mirroring to a URL is not generated"),
    UNSUP("mirror-host", "VS http[].mirror", "part of mirror-target"),
    UNSUP("mirror-request-body", "-", "part of mirror-target"),
    UNSUP("ssl-passthrough", "GW TLS PASSTHROUGH + VS tls",
          "TLS passthrough is not generated: HTTP routes are emitted as if it were off"),
    UNSUP("server-alias", "VS hosts", "extra server names are not added"),
    UNSUP("default-backend", "-",
          "Envoy cannot fall back to another service when there are "
          "no endpoints"),
    UNSUP("custom-http-errors", "-", "Envoy has no error-page interception"),
    UNSUP("ssl-ciphers", "GW tls.cipherSuites", "cipher lists are not generated"),
    UNSUP("ssl-prefer-server-ciphers", "-", "no Gateway field"),
    UNSUP("proxy-redirect-from", "-", "Location rewriting needs an EnvoyFilter"),
    UNSUP("proxy-redirect-to", "-", "Location rewriting needs an EnvoyFilter"),
    UNSUP("proxy-cookie-domain", "-", "Set-Cookie rewriting needs an EnvoyFilter"),
    UNSUP("proxy-cookie-path", "-", "Set-Cookie rewriting needs an EnvoyFilter"),
    {"satisfy", ANN_APPROX, ann_h_access, MPW_ANN_APPROX, "-",
     "any: Istio requires both the IP list and the ext-authz check (nginx: either)"},
    UNSUP("enable-modsecurity", "-", "WAF needs a Wasm plugin; requests are NOT filtered"),
    UNSUP("enable-owasp-core-rules", "-", "WAF needs a Wasm plugin"),
    {"modsecurity-snippet", ANN_UNSUPPORTED, ann_h_access, MPW_ACCESS_CLOSED, "-",
     "ModSecurity rules can deny requests: the routes answer 403 (MP108)"},
    UNSUP("modsecurity-transaction-id", "-", "WAF needs a Wasm plugin"),
    /* nginx-only tuning and observability */
    IGNORE("service-upstream", "Istio always balances across endpoints"),
    IGNORE("proxy-buffering", "Envoy streams"),
    IGNORE("proxy-buffer-size", "Envoy sizes its buffers itself"),
    IGNORE("proxy-buffers-number", "Envoy sizes its buffers itself"),
    IGNORE("proxy-request-buffering", "Envoy streams"),
    IGNORE("proxy-max-temp-file-size", "Envoy does not spool to disk"),
    IGNORE("proxy-http-version", "Envoy picks the upstream protocol from the Service"),
    IGNORE("connection-proxy-header", "hop-by-hop header owned by Envoy"),
    IGNORE("http2-push-preload", "HTTP/2 push is obsolete"),
    IGNORE("enable-access-log", "use the Istio Telemetry API"),
    IGNORE("enable-rewrite-log", "nginx debug logging"),
    IGNORE("enable-opentracing", "use the Istio Telemetry API"),
    IGNORE("enable-opentelemetry", "use the Istio Telemetry API"),
    IGNORE("opentelemetry-trust-incoming-span", "use the Istio Telemetry API"),
    IGNORE("enable-influxdb", "use the Istio Telemetry API"),
    IGNORE("influxdb-measurement", "use the Istio Telemetry API"),
    IGNORE("influxdb-port", "use the Istio Telemetry API"),
    IGNORE("influxdb-host", "use the Istio Telemetry API"),
    IGNORE("influxdb-server-name", "use the Istio Telemetry API"),
};

const ann_rule *ann_rules(size_t *n)
{
    *n = sizeof rules / sizeof *rules;
    return rules;
}

/* rules[] by name (strcmp order), for ann_lookup: every nginx annotation
 * of every Ingress is looked up (a scan compared 140 rows). A row added
 * without its place here fails the assertion below; a place out of order
 * fails test_annotations (every row is looked up by its name). */
static const unsigned char rules_by_name[] = {
    47,  49,  48,  35,  2,   85,  79,  78,  80,  82,  81,  83,  72,  84,  89,  74,  73, 87,
    88,  75,  76,  77,  93,  95,  94,  90,  91,  92,  86,  71,  6,   22,  28,  25,  27, 26,
    23,  24,  14,  40,  128, 20,  18,  17,  16,  19,  21,  39,  109, 108, 36,  130, 15, 135,
    117, 133, 132, 118, 131, 4,   33,  67,  70,  69,  68,  129, 138, 136, 137, 139, 66, 61,
    62,  63,  64,  60,  59,  65,  43,  104, 105, 103, 119, 120, 134, 29,  30,  5,   13, 123,
    122, 124, 7,   114, 115, 127, 126, 11,  12,  10,  8,   112, 113, 125, 9,   102, 99, 101,
    96,  100, 97,  98,  0,   116, 107, 41,  121, 58,  56,  54,  53,  52,  50,  51,  55, 57,
    110, 106, 111, 3,   42,  31,  32,  44,  45,  46,  37,  1,   34,  38};
_Static_assert(sizeof rules_by_name == sizeof rules / sizeof *rules, "rules_by_name: one per row");

const ann_rule *ann_lookup(const char *name)
{
    size_t lo = 0, hi = sizeof rules_by_name;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const ann_rule *r = &rules[rules_by_name[mid]];
        int c = strcmp(name, r->name);
        if (!c)
            return r;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const char *ann_fidelity_name(ann_fidelity f)
{
    static const char *const names[] = {"exact", "approximate", "unsupported", "ignored"};
    return (unsigned)f < 4 ? names[f] : "?";
}

static const ann_settings none = {.ssl_redirect = -1,
                                  .connect_timeout = -1,
                                  .retry_attempts = -1,
                                  .retry_on = "",
                                  .can = {.weight = -1, .weight_total = -1},
                                  .acc = {.auth_parts = ""}};

const ann_settings *ann_settings_none(void)
{
    return &none;
}

void ann_settings_init(ann_settings *s)
{
    memset(s, 0, sizeof *s);
    s->ssl_redirect = -1;
    s->connect_timeout = -1;
    s->retry_attempts = -1;
    s->can.weight = -1;
    s->can.weight_total = -1;
    s->retry_on = s->acc.auth_parts = "";
}

static void hdr_free(hdr_mods *h)
{
    doc_free(h->req_set);
    doc_free(h->req_add);
    doc_free(h->req_remove);
    doc_free(h->resp_set);
    doc_free(h->resp_add);
    doc_free(h->resp_remove);
}

void ann_settings_free(ann_settings *s)
{
    doc_free(s->cors);
    doc_free(s->redirect);
    hdr_free(&s->hdr);
    hdr_free(&s->server_hdr);
    doc_free(s->allow_cidrs);
    doc_free(s->deny_cidrs);
    doc_free(s->acc.auth_response_headers);
    free(s->acc.item);
    doc_free(s->consistent_hash);
    for (size_t i = 0; i < s->nowned; i++)
        free(s->owned[i]);
    free(s->lists);
    ann_settings_init(s);
}

/* ---- ann_finish: what needs several annotations ----------------------- */

static int finish_timeout(ann_ctx *c)
{
    ann_settings *s = c->s;
    long t = c->raw.read_t > c->raw.send_t ? c->raw.read_t : c->raw.send_t;
    const char *name = c->raw.read_t >= c->raw.send_t ? "proxy-read-timeout" : "proxy-send-timeout";
    if (t < 0)
        return 0;
    if (t == 0)
        return ann_warn_at(c, name, MPW_ANN_APPROX, MP_SEV_WARNING,
                           "approximated: 0 is not a valid Istio timeout; the route has none");
    if (t >= 3600)
        return ann_warn_at(c, name, MPW_ANN_APPROX, MP_SEV_WARNING,
                           "approximated: a %lds idle timeout marks a long-lived connection "
                           "(WebSocket, streaming); Istio's timeout would cut it after %lds in "
                           "total, so the route has no timeout",
                           t, t);
    char buf[32];
    seconds_text(buf, t); /* t > 0 here */
    if (!(s->timeout = own(s, strdup(buf))))
        return -1;
    return ann_warn_at(
        c, name, MPW_ANN_APPROX, MP_SEV_WARNING,
        "approximated: nginx's %lds is an idle timeout between reads/writes; Istio's "
        "timeout %s limits the whole request",
        t, buf);
}

static const struct {
    const char *nginx;
    const char *envoy;
} retry_map[] = {
    {"error", "connect-failure,refused-stream,reset"},
    {"timeout", "reset"},
    {"http_500", "500"},
    {"http_502", "502"},
    {"http_503", "503"},
    {"http_504", "504"},
    {"http_403", "403"},
    {"http_404", "404"},
    {"http_429", "429"},
};

static void add_retry_on(char *buf, size_t n, const char *list)
{
    /* add each comma-separated condition once */
    char tmp[160];
    snprintf(tmp, sizeof tmp, "%s", list);
    for (char *save = NULL, *tok = strtok_r(tmp, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        bool have = false;
        char cur[160];
        snprintf(cur, sizeof cur, "%s", buf);
        for (char *s2 = NULL, *t2 = strtok_r(cur, ",", &s2); t2; t2 = strtok_r(NULL, ",", &s2))
            have = have || !strcmp(t2, tok);
        if (!have) {
            size_t len = strlen(buf);
            snprintf(buf + len, n - len, "%s%s", len ? "," : "", tok);
        }
    }
}

static int finish_retries(ann_ctx *c)
{
    ann_settings *s = c->s;
    if (c->raw.tries < 0 && !c->raw.next_upstream)
        return 0;
    bool off = false;
    c->retry_on[0] = 0;
    doc_node *conds = ann_split_list(c->raw.next_upstream ? c->raw.next_upstream : "error timeout");
    if (!conds)
        return -1;
    /* nginx separates with spaces; ann_split_list splits on commas only */
    for (size_t i = 0; i < conds->len; i++) {
        char item[200];
        snprintf(item, sizeof item, "%s", doc_str(doc_at(conds, i)));
        for (char *save = NULL, *tok = strtok_r(item, " \t", &save); tok;
             tok = strtok_r(NULL, " \t", &save)) {
            if (!strcmp(tok, "off"))
                off = true;
            for (size_t k = 0; k < sizeof retry_map / sizeof *retry_map; k++)
                if (!strcmp(tok, retry_map[k].nginx))
                    add_retry_on(c->retry_on, sizeof c->retry_on, retry_map[k].envoy);
        }
    }
    doc_free(conds);
    long tries = c->raw.tries < 0 ? 3 : c->raw.tries;
    if (tries == 0) /* nginx: unlimited; Istio needs a number: keep its default */
        return ann_warn_at(c, "proxy-next-upstream-tries", MPW_ANN_APPROX, MP_SEV_WARNING,
                           "approximated: 0 (unlimited tries) keeps Istio's default retries");
    s->retry_attempts = off ? 0 : tries - 1;
    if (s->retry_attempts == 0)
        c->retry_on[0] = 0;
    return ann_warn_at(c, c->raw.tries >= 0 ? "proxy-next-upstream-tries" : "proxy-next-upstream",
                       MPW_ANN_APPROX, MP_SEV_WARNING,
                       "approximated: retries.attempts %ld%s%s; Envoy also retries non-idempotent "
                       "requests, nginx does not",
                       s->retry_attempts, c->retry_on[0] ? " on " : "", c->retry_on);
}

static const char *const cors_methods_valid[] = {"GET",    "HEAD",    "POST",    "PUT",   "PATCH",
                                                 "DELETE", "CONNECT", "OPTIONS", "TRACE", "*"};

/* Wildcard origin "https://STAR.example.com": STAR becomes one DNS label. */
static doc_node *origin_match(const char *o)
{
    doc_node *m = doc_map_new();
    if (!m)
        return NULL;
    if (!strcmp(o, "*")) {
        doc_map_set_str(m, "regex", ".*");
        return m;
    }
    if (!strchr(o, '*')) {
        doc_map_set_str(m, "exact", o);
        return m;
    }
    strbuf re;
    strbuf_init(&re);
    for (const char *p = o; *p; p++) {
        if (*p == '*')
            strbuf_puts(&re, "[A-Za-z0-9-]+");
        else if (strchr(".+?()[]{}|^$\\", *p)) {
            strbuf_putc(&re, '\\');
            strbuf_putc(&re, *p);
        } else
            strbuf_putc(&re, *p);
    }
    char *r = strbuf_detach(&re, NULL);
    doc_map_set_str(m, "regex", r ? r : "");
    free(r);
    return m;
}

/* ingress-nginx's corsOriginRegex (annotations/cors/main.go):
 * ^(https?://(\*\.)?[A-Za-z0-9\-\.]*(:[0-9]+)?|\*)?$ ; an origin that fails
 * it is skipped with an error in the controller's log. */
static bool nginx_origin_ok(const char *o)
{
    if (!strcmp(o, "*"))
        return true;
    const char *p = !strncmp(o, "https://", 8) ? o + 8 : !strncmp(o, "http://", 7) ? o + 7 : NULL;
    if (!p)
        return false;
    if (!strncmp(p, "*.", 2))
        p += 2;
    while (isalnum((unsigned char)*p) || *p == '-' || *p == '.')
        p++;
    if (*p == ':') {
        if (!isdigit((unsigned char)p[1]))
            return false;
        for (p++; isdigit((unsigned char)*p); p++)
            ;
    }
    return *p == 0;
}

static int finish_cors_lists(ann_ctx *c, doc_node *cors)
{
    doc_node *origins = doc_seq_new();
    doc_node *olist = ann_split_list(c->raw.origin ? c->raw.origin : "*");
    if (!origins || !olist)
        return doc_free(origins), doc_free(olist), -1;
    bool star = false;
    for (size_t i = 0; i < olist->len; i++) {
        const char *o = doc_str(doc_at(olist, i));
        if (!nginx_origin_ok(o)) {
            ann_warn_at(c, "cors-allow-origin", MPW_ANN_INVALID, MP_SEV_WARNING,
                        "origin \"%.100s\" is not scheme://host[:port] (nginx skips it): "
                        "not allowed",
                        o);
            continue;
        }
        star = star || !strcmp(o, "*");
        /* nginx compares origins without case (~*); browsers send them lower case */
        char *lower = strdup(o);
        for (char *p = lower; p && *p; p++)
            *p = (char)tolower((unsigned char)*p);
        doc_seq_push(origins, origin_match(lower ? lower : o));
        free(lower);
    }
    doc_free(olist);
    doc_map_set(cors, "allowOrigins", origins);
    if (star)
        ann_warn_at(c, c->raw.origin ? "cors-allow-origin" : "enable-cors", MPW_ANN_APPROX,
                    MP_SEV_WARNING,
                    "approximated: origin * becomes regex .*; Envoy echoes the request's Origin "
                    "instead of sending *");

    doc_node *methods =
        ann_split_list(c->raw.methods ? c->raw.methods : "GET, PUT, POST, DELETE, PATCH, OPTIONS");
    doc_node *valid = doc_seq_new();
    if (!methods || !valid)
        return doc_free(methods), doc_free(valid), -1;
    for (size_t i = 0; i < methods->len; i++) {
        char m[32];
        str_join(m, sizeof m, doc_str(doc_at(methods, i)), (char *)NULL);
        for (char *p = m; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        bool ok = false;
        for (size_t k = 0; k < sizeof cors_methods_valid / sizeof *cors_methods_valid; k++)
            ok = ok || !strcmp(m, cors_methods_valid[k]);
        if (ok)
            doc_seq_push(valid, doc_str_new(m));
        else
            ann_warn_at(c, "cors-allow-methods", MPW_ANN_INVALID, MP_SEV_WARNING,
                        "method \"%s\" is not valid in Istio; dropped", m);
    }
    doc_free(methods);
    doc_map_set(cors, "allowMethods", valid);
    doc_node *headers = ann_split_list(
        c->raw.headers ? c->raw.headers
                       : "DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,"
                         "Cache-Control,Content-Type,Range,Authorization");
    if (!headers)
        return -1;
    doc_map_set(cors, "allowHeaders", headers);
    if (c->raw.expose) {
        doc_node *ex = ann_split_list(c->raw.expose);
        if (!ex)
            return -1;
        if (ex->len)
            doc_map_set(cors, "exposeHeaders", ex);
        else
            doc_free(ex);
    }
    return 0;
}

static int finish_cors(ann_ctx *c)
{
    ann_settings *s = c->s;
    if (!c->raw.cors) {
        const char *any = c->raw.origin        ? "cors-allow-origin"
                          : c->raw.methods     ? "cors-allow-methods"
                          : c->raw.headers     ? "cors-allow-headers"
                          : c->raw.credentials ? "cors-allow-credentials"
                          : c->raw.max_age     ? "cors-max-age"
                          : c->raw.expose      ? "cors-expose-headers"
                                               : NULL;
        if (any)
            return ann_warn_at(c, any, MPW_ANN_NOEFFECT, MP_SEV_INFO,
                               "no effect without enable-cors: \"true\" (as in nginx)");
        return 0;
    }
    doc_node *cors = doc_map_new();
    if (!cors || finish_cors_lists(c, cors) < 0)
        return doc_free(cors), -1;
    long age = c->raw.max_age ? parse_long(c->raw.max_age, 0, 100000000) : 1728000;
    if (age > 0) {
        char buf[32];
        seconds_text(buf, age); /* age > 0 here */
        doc_map_set_str(cors, "maxAge", buf);
    } else {
        ann_warn_at(c, "cors-max-age", MPW_ANN_INVALID, MP_SEV_WARNING,
                    "\"%s\" is not a positive number of seconds; maxAge omitted",
                    c->raw.max_age ? c->raw.max_age : "");
    }
    bool cred = c->raw.credentials ? truthy(c->raw.credentials) : true;
    doc_map_set(cors, "allowCredentials", doc_bool_new(cred));
    s->cors = cors;
    return ann_warn_at(c, "enable-cors", MPW_ANN_APPROX, MP_SEV_WARNING, "approximated: %s",
                       ann_lookup("enable-cors")->note);
}

/* "https://host:8443/path?q" -> redirect map. */
static int build_redirect(ann_ctx *c, const char *name, const char *url, long code)
{
    doc_node *r = doc_map_new();
    if (!r)
        return -1;
    const char *scheme_end = strstr(url, "://");
    const char *path = url;
    char scheme[16] = "", host[256] = "";
    long port = 0;
    if (scheme_end) {
        snprintf(scheme, sizeof scheme, "%.*s", (int)(scheme_end - url), url);
        const char *h = scheme_end + 3;
        path = h + strcspn(h, "/?$");
        snprintf(host, sizeof host, "%.*s", (int)(path - h), h);
        char *colon = strrchr(host, ':');
        if (colon && !strchr(colon, ']')) {
            port = parse_long(colon + 1, 1, 65535);
            *colon = 0;
        }
    } else if (url[0] != '/') {
        doc_free(r);
        return ann_warn_at(c, name, MPW_ANN_INVALID, MP_SEV_WARNING,
                           "\"%s\" is not a URL or absolute path; no redirect generated", url);
    }
    const char *ru = strstr(path, "$request_uri");
    if (ru && !ru[12]) {
        /* URL ending in $request_uri: Envoy keeps path and query by itself */
        if (ru != path)
            ann_warn_at(c, name, MPW_ANN_UNSUPPORTED, MP_SEV_WARNING,
                        "the path before $request_uri is dropped");
    } else {
        if (strchr(path, '$'))
            ann_warn_at(c, name, MPW_ANN_UNSUPPORTED, MP_SEV_WARNING,
                        "nginx variables in \"%s\" are kept literally", path);
        doc_map_set_str(r, "uri", *path ? path : "/");
    }
    if (*host)
        doc_map_set_str(r, "authority", host);
    if (port > 0)
        doc_map_set(r, "port", doc_int_new(port));
    if (*scheme)
        doc_map_set_str(r, "scheme", scheme);
    doc_map_set(r, "redirectCode", doc_int_new(code));
    doc_free(c->s->redirect);
    c->s->redirect = r;
    return ann_warn_at(c, name, MPW_ANN_APPROX, MP_SEV_WARNING, "approximated: %s",
                       ann_lookup(name)->note);
}

static long redirect_code(ann_ctx *c, const char *name, const char *v, long def, bool perm)
{
    if (!v)
        return def;
    long n = parse_long(v, 300, 308);
    bool ok = n == 301 || n == 302 || n == 303 || n == 307 || (perm && n == 308);
    if (ok)
        return n;
    ann_warn_at(c, name, MPW_ANN_INVALID, MP_SEV_WARNING,
                "%s is not a redirect code Envoy supports; %ld used", v, def);
    return def;
}

static int finish_redirect(ann_ctx *c)
{
    if (c->raw.temp && *c->raw.temp) {
        long code = redirect_code(c, "temporal-redirect-code", c->raw.temp_code, 302, false);
        if (c->raw.perm && *c->raw.perm)
            ann_warn_at(c, "permanent-redirect", MPW_ANN_NOEFFECT, MP_SEV_INFO,
                        "no effect: temporal-redirect wins (as in nginx)");
        return build_redirect(c, "temporal-redirect", c->raw.temp, code);
    }
    if (c->raw.perm && *c->raw.perm) {
        long code = redirect_code(c, "permanent-redirect-code", c->raw.perm_code, 301, true);
        return build_redirect(c, "permanent-redirect", c->raw.perm, code);
    }
    return 0;
}

static int finish_affinity(ann_ctx *c)
{
    ann_settings *s = c->s;
    if (!c->raw.affinity)
        return 0;
    doc_node *h = doc_map_new(), *ck = doc_map_new();
    if (!h || !ck)
        return doc_free(h), doc_free(ck), -1;
    doc_map_set_str(ck, "name", c->raw.cookie_name ? c->raw.cookie_name : "INGRESSCOOKIE");
    if (c->raw.cookie_path)
        doc_map_set_str(ck, "path", c->raw.cookie_path);
    long ttl = c->raw.cookie_max_age   ? parse_long(c->raw.cookie_max_age, 0, 1000000000)
               : c->raw.cookie_expires ? parse_long(c->raw.cookie_expires, 0, 1000000000)
                                       : 0;
    char buf[32];
    snprintf(buf, sizeof buf, "%lds", ttl < 0 ? 0 : ttl);
    doc_map_set_str(ck, "ttl", buf);
    doc_map_set(h, "httpCookie", ck);
    if (s->consistent_hash)
        ann_warn_at(c, "upstream-hash-by", MPW_ANN_NOEFFECT, MP_SEV_INFO,
                    "no effect: cookie affinity wins");
    doc_free(s->consistent_hash);
    s->consistent_hash = h;
    return 0;
}

static int ann_finish(ann_ctx *c)
{
    if (finish_timeout(c) < 0 || finish_retries(c) < 0 || finish_cors(c) < 0 ||
        finish_redirect(c) < 0 || finish_affinity(c) < 0 || ann_finish_access(c) < 0)
        return -1;
    canary_settings *k = &c->s->can;
    if (!k->canary && (k->weight >= 0 || k->header || k->cookie))
        return ann_warn_at(c, "canary", MPW_ANN_NOEFFECT, MP_SEV_INFO,
                           "canary-* annotations have no effect without canary: \"true\"");
    if (k->header_pattern && !k->header_value && c->s->can.canary)
        ann_warn_at(c, "canary-by-header-pattern", MPW_ANN_APPROX, MP_SEV_WARNING,
                    "approximated: %s", ann_lookup("canary-by-header-pattern")->note);
    if (k->cookie)
        ann_warn_at(c, "canary-by-cookie", MPW_ANN_APPROX, MP_SEV_WARNING, "approximated: %s",
                    ann_lookup("canary-by-cookie")->note);
    return 0;
}

/* ---- ann_parse -------------------------------------------------------- */

/* The lists built in c, kept in c->s at their size (one block). */
static int keep_lists(ann_ctx *c)
{
    size_t r = strlen(c->retry_on), a = strlen(c->auth_parts);
    if (!r && !a)
        return 0;
    char *b = malloc(r + a + 2);
    if (!b)
        return -1;
    c->s->lists = b;
    memcpy(b, c->retry_on, r + 1);
    memcpy(b + r + 1, c->auth_parts, a + 1);
    c->s->retry_on = b;
    c->s->acc.auth_parts = b + r + 1;
    return 0;
}

/* ann_lookup through the run's cache: the same few names come back on
 * every Ingress (a hash probe instead of a binary search of strcmp). A
 * name the full cache cannot keep is looked up each time. */
static const ann_rule *lookup_cached(ann_cache *k, const char *name)
{
    long v = k ? hmap_get(&k->rows, name) : -1;
    if (v >= 0)
        return v ? &rules[v - 1] : NULL;
    const ann_rule *r = ann_lookup(name);
    if (k && k->rows.len < ANN_CACHE_MAX)
        (void)hmap_put(&k->rows, name, r ? (size_t)(r - rules) + 1 : 0); /* only a cache */
    return r;
}

/* metadata.annotations["<key>"] into field[256], cut as str_join cuts. */
static void ann_field(char *field, const char *key)
{
    static const char pre[] = "metadata.annotations[\"";
    size_t pl = sizeof pre - 1, kl = strlen(key);
    if (pl + kl + 3 > 256) {
        str_join(field, 256, pre, key, "\"]", (char *)NULL);
        return;
    }
    memcpy(field, pre, pl);
    memcpy(field + pl, key, kl);
    memcpy(field + pl + kl, "\"]", 3);
}

/* The value of the canary annotation (ingress_nginx_annotation's answer). */
static const char *canary_value(const ing_view *ing)
{
    for (size_t i = 0; i < ing->nanns; i++)
        if (!strcmp(ing->anns[i].key, NGINX_ANNOTATION_PREFIX "canary"))
            return ing->anns[i].null ? NULL : ing->anns[i].value;
    return NULL;
}

static int parse(const ing_view *ing, ann_settings *s, mp_warnings *w, ann_cache *cache,
                 const char *object)
{
    char field[256];
    ann_ctx c = {.s = s, .ing = ing, .w = w, .object = object, .cache = cache};
    c.raw.read_t = c.raw.send_t = c.raw.tries = -1;
    bool canary = truthy(canary_value(ing));
    size_t plen = strlen(NGINX_ANNOTATION_PREFIX);
    for (size_t i = 0; i < ing->nanns; i++) {
        if (ing->anns[i].null)
            continue; /* a null annotation is an absent one */
        const char *key = ing->anns[i].key;
        const char *value = ing->anns[i].value;
        if (!value)
            value = "";
        if (strncmp(key, NGINX_ANNOTATION_PREFIX, plen))
            continue;
        ann_field(field, key);
        c.field = field;
        const ann_rule *r = lookup_cached(cache, key + plen);
        if (!r) {
            if (mp_warn(w, MPW_ANN_UNKNOWN, MP_SEV_WARNING, object, field,
                        "not in the converter's rule table: not converted") < 0)
                return -1;
            continue;
        }
        /* A canary Ingress takes everything but its canary-* settings from
         * the main Ingress, as nginx does. */
        if (canary && strncmp(r->name, "canary", 6)) {
            if (mp_warn(w, MPW_ANN_IGNORED, MP_SEV_INFO, object, field,
                        "ignored on a canary Ingress: the main Ingress's annotations apply") < 0)
                return -1;
            continue;
        }
        c.rule = r;
        if (r->handle(&c, value) < 0)
            return -1;
    }
    c.rule = NULL;
    c.field = "";
    if (ann_finish(&c) < 0 || keep_lists(&c) < 0)
        return -1;
    return higress_report(&c); /* after the nginx headers are known */
}

/* n (< 255^3) in three bytes none of which is NUL. */
static char *put_len(char *p, size_t n)
{
    p[0] = (char)(n % 255 + 1);
    p[1] = (char)(n / 255 % 255 + 1);
    p[2] = (char)(n / 65025 + 1);
    return p + 3;
}

/* What parse reads of an Ingress besides its name, as one string: each
 * annotation's key and value with their lengths (no separator a value
 * could forge), and whether it is null or not a string. False when parse
 * also reads the namespace (auth-tls-secret names a secret in it), the
 * text is too long to keep, or out of memory. */
static bool set_key(ann_cache *k, const ing_view *ing)
{
    static const char tls[] = NGINX_ANNOTATION_PREFIX "auth-tls-secret";
    strbuf *sb = &k->key;
    strbuf_reset(sb);
    for (size_t i = 0; i < ing->nanns; i++) {
        const ing_ann *a = &ing->anns[i];
        const char *v = a->value ? a->value : "";
        size_t kl = strlen(a->key), vl = strlen(v);
        if (kl == sizeof tls - 1 && !memcmp(a->key, tls, kl))
            return false;
        if (sb->len + kl + vl > 65536 ||
            (sb->cap - sb->len < kl + vl + 9 && !strbuf_reserve(sb, kl + vl + 8)))
            return false;
        char *p = sb->buf + sb->len;
        *p++ = a->null ? 'n' : a->value ? 'v' : 'x';
        p = put_len(p, kl);
        memcpy(p, a->key, kl);
        p = put_len(p + kl, vl);
        memcpy(p, v, vl);
        sb->len = (size_t)(p + vl - sb->buf);
    }
    if (!strbuf_reserve(sb, 1)) /* an Ingress without annotations: "" */
        return false;
    sb->buf[sb->len] = '\0';
    return true;
}

/* The set just parsed into s (its findings from w->items[before]) kept
 * for the next Ingress with the same annotations: true when the cache took
 * s. A set that cannot be kept is parsed again then. */
static bool remember(ann_cache *k, ann_settings *s, const mp_warnings *w, size_t before)
{
    if (k->nsets == ANN_CACHE_MAX || s->acc.oom)
        return false;
    if (!(k->nsets & (k->nsets - 1))) {
        ann_set *v = realloc(k->setv, (k->nsets ? 2 * k->nsets : 1) * sizeof *v);
        if (!v)
            return false;
        k->setv = v;
    }
    size_t from = k->found.len;
    for (size_t i = before; i < w->len; i++)
        if (mp_warn_copy(&k->found, &w->items[i], "") < 0) {
            mp_warnings_truncate(&k->found, from);
            return false;
        }
    if (hmap_put(&k->sets, k->key.buf, k->nsets) < 0) {
        mp_warnings_truncate(&k->found, from);
        return false;
    }
    k->setv[k->nsets++] = (ann_set){s, from, w->len - before};
    return true;
}

/* The set whose key set_key just made, or -1. */
static long find_set(ann_cache *k)
{
    strbuf *key = &k->key, *last = &k->last;
    if (last->len == key->len && k->last_at >= 0 && !memcmp(last->buf, key->buf, key->len))
        return k->last_at;
    long at = hmap_get(&k->sets, key->buf);
    if (at >= 0) { /* the key becomes the last one, its buffer the next key's */
        strbuf t = *last;
        *last = *key;
        *key = t;
        k->last_at = at;
    }
    return at;
}

int ann_parse_cached(const ing_view *ing, const char *object, const ann_settings **out,
                     ann_settings **own, mp_warnings *w, ann_cache *cache)
{
    char made[300];
    if (!object) {
        str_join(made, sizeof made, "ingress ", ing->ns, "/", ing->name, (char *)NULL);
        object = made;
    }
    *out = *own = NULL;
    bool keep = cache && set_key(cache, ing);
    if (keep) {
        long at = find_set(cache);
        if (at >= 0) {
            const ann_set *set = &cache->setv[at];
            if (mp_warn_about_each(w, cache->found.items + set->from, set->n, object) < 0)
                return -1;
            *out = set->s;
            return 0;
        }
    }
    ann_settings *s = malloc(sizeof *s);
    if (!s)
        return -1;
    ann_settings_init(s);
    size_t before = w->len;
    if (parse(ing, s, w, cache, object) < 0) {
        ann_settings_free(s);
        free(s);
        return -1;
    }
    if (!keep || !remember(cache, s, w, before))
        *own = s;
    *out = s;
    return 0;
}

int ann_parse(const ing_view *ing, ann_settings *s, mp_warnings *w)
{
    char object[300];
    str_join(object, sizeof object, "ingress ", ing->ns, "/", ing->name, (char *)NULL);
    return parse(ing, s, w, NULL, object);
}
