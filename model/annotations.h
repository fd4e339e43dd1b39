/*
 * annotations.h - THE rule table for ingress-nginx annotations.
 *
 * One row per annotation of the nginx reference table: its short name
 * (without "nginx.ingress.kubernetes.io/"), the fidelity of the Istio
 * mapping, the handler that reads its value into an ann_settings, and the
 * warning code it reports. docs/conversion.md is generated from the same
 * table (`meshpanel convert --rules`), and a unit test checks they agree.
 *
 * Reading an Ingress's annotations happens in two steps: every row's handler
 * stores its value (ann_parse), then ann_finish resolves what depends on
 * several annotations (cors-* need enable-cors, temporal beats permanent,
 * timeouts fold into one) and reports the warnings. The converter only ever
 * looks at the resulting ann_settings.
 *
 * Ownership: ann_settings owns its doc nodes and strings; ann_settings_free.
 */
#ifndef MESHPANEL_ANNOTATIONS_H
#define MESHPANEL_ANNOTATIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "model/doc.h"
#include "model/ingress.h"
#include "model/warn.h"

typedef enum {
    ANN_EXACT,       /* same observable behaviour */
    ANN_APPROX,      /* mapped; the warning says how Istio differs */
    ANN_UNSUPPORTED, /* nothing in Istio's typed API: reported and dropped */
    ANN_IGNORED,     /* nginx-only tuning without an Istio meaning: info only */
} ann_fidelity;

typedef enum {
    BP_HTTP,
    BP_HTTPS,
    BP_GRPC,
    BP_GRPCS,
    BP_UNROUTABLE, /* FCGI / AJP: Envoy cannot speak it */
} backend_proto;

/* Header changes for http[].headers. Maps/seqs are NULL until used. */
typedef struct {
    doc_node *req_set, *req_add, *req_remove;
    doc_node *resp_set, *resp_add, *resp_remove;
} hdr_mods;

typedef struct {
    bool canary;
    long weight, weight_total; /* -1 when unset */
    const char *header, *header_value, *header_pattern, *cookie;
} canary_settings;

/* Access restrictions nginx applies (docs/conversion.md "Fail closed").
 * ann_parse reads them with nginx's rules; the converter decides what each
 * becomes, since that depends on its options (convert_access.c). */
typedef enum {
    ACC_IP_LIST,     /* a valid allow/deny list: DENY AuthorizationPolicy */
    ACC_EXT_AUTH,    /* auth-url: CUSTOM AuthorizationPolicy (--ext-authz-provider) */
    ACC_CLIENT_CERT, /* auth-tls-secret: MUTUAL Gateway server for the host */
    ACC_NO_ISTIO,    /* nothing in Istio reproduces it: the routes answer 403 */
    ACC_DENIED,      /* nginx itself denies the location: the routes answer 503 */
} acc_kind;

typedef struct {
    acc_kind kind;
    const char *ann; /* short name of the annotation, static */
    bool host_wide;  /* server level in nginx: every route of the Ingress's hosts */
    char why[240];   /* what nginx does that is not reproduced (or why it denies) */
    char todo[200];  /* what the operator can do */
} acc_item;

/* Raw values of the annotations that restrict access, by slot; NULL when
 * absent. The slot names are in annotations_access.c. */
typedef enum {
    AR_ALLOWLIST,
    AR_WHITELIST,
    AR_DENYLIST,
    AR_AUTH_URL,
    AR_AUTH_METHOD,
    AR_AUTH_RESPONSE_HEADERS,
    AR_AUTH_SNIPPET,
    AR_AUTH_TYPE,
    AR_AUTH_SECRET,
    AR_TLS_SECRET,
    AR_TLS_VERIFY,
    AR_TLS_DEPTH,
    AR_TLS_ERROR_PAGE,
    AR_TLS_PASS_CERT,
    AR_TLS_MATCH_CN,
    AR_SATISFY,
    AR_MODSEC_SNIPPET,
    AR_COUNT,
} acc_raw;

#define ACC_MAX 8

typedef struct {
    const char *raw[AR_COUNT];
    /* other auth-url annotations (auth-signin, ...), ", "-joined; "" when
     * none (built in ann_ctx.auth_parts, kept at its size) */
    const char *auth_parts;
    /* ACC_MAX slots, allocated with the first item: most Ingresses have
     * none, and 10,000 of them must not carry 4 KiB each */
    acc_item *item;
    size_t n;
    bool oom; /* an item could not be kept: the conversion must fail */
    /* ACC_EXT_AUTH */
    const char *auth_url;
    doc_node *auth_response_headers; /* seq or NULL */
    /* ACC_CLIENT_CERT: the CA secret's name (namespace part removed) */
    const char *tls_secret;
    bool tls_pass_cert;
    long tls_depth;
    bool satisfy_any;
} ann_access;

/* Raw values that only mean something together; read by ann_finish (they
 * live in ann_ctx, not in the settings every Ingress keeps). */
typedef struct {
    long read_t, send_t, tries;
    const char *next_upstream;
    bool cors;
    const char *origin, *methods, *headers, *expose, *credentials, *max_age;
    const char *perm, *perm_code, *temp, *temp_code;
    bool affinity;
    const char *cookie_name, *cookie_path, *cookie_max_age, *cookie_expires;
} ann_raw;

typedef struct {
    /* use-regex, or a rewrite-target other than a location's path, puts
     * the location's host in regex mode (template.go needsRewrite,
     * enforceRegexModifier: conv_forces_regex) */
    bool use_regex;
    const char *rewrite_target; /* with $N already turned into \N */
    const char *app_root;
    int ssl_redirect; /* -1 unset, 0, 1 */
    bool force_ssl_redirect;
    backend_proto proto;
    long connect_timeout; /* seconds, -1 unset */
    const char *timeout;  /* VS timeout ("300s") or NULL: omitted */
    long retry_attempts;  /* -1: Istio default */
    const char *retry_on; /* "" when none (built in ann_ctx.retry_on, kept at its size) */
    doc_node *cors;       /* a complete corsPolicy map, or NULL */
    canary_settings can;
    /* permanent-redirect / temporal-redirect resolved into VS redirect */
    doc_node *redirect;
    const char *upstream_vhost;
    hdr_mods hdr;                       /* per route: x-forwarded-prefix, configuration-snippet */
    hdr_mods server_hdr;                /* per host: server-snippet */
    doc_node *allow_cidrs, *deny_cidrs; /* seqs of strings or NULL */
    ann_access acc;                     /* access restrictions (allow_cidrs, deny_cidrs too) */
    const char *lb_simple;              /* DR loadBalancer.simple */
    doc_node *consistent_hash;          /* DR loadBalancer.consistentHash map */
    char *owned[8];                     /* strings built by handlers, freed with the settings */
    char *lists; /* the block retry_on and acc.auth_parts point into, or NULL */
    size_t nowned;
} ann_settings;

/* What a handler sees. */
typedef struct {
    ann_settings *s;
    /* Only the annotations, and the namespace for auth-tls-secret: a set
     * of annotations is parsed once per run (ann_parse_cached) and its
     * outcome given to every Ingress with the same set, so a handler that
     * reads anything else of the Ingress must make set_key refuse its
     * annotation, as auth-tls-secret's does. */
    const ing_view *ing;
    mp_warnings *w;
    const char *object; /* "ingress ns/name" */
    const char *field;  /* metadata.annotations["nginx.ingress.kubernetes.io/x"] */
    const struct ann_rule *rule;
    struct ann_cache *cache; /* NULL: nothing kept between Ingresses */
    /* Lists built while parsing, at most as long as they ever were; only
     * what they hold is kept in s (10,000 Ingresses must not carry 480
     * bytes each). */
    char retry_on[160];
    char auth_parts[240];
    char type_parts[80]; /* auth-realm, auth-secret-type */
    ann_raw raw;
} ann_ctx;

typedef struct ann_rule {
    const char *name; /* short name, e.g. "proxy-read-timeout" */
    ann_fidelity fidelity;
    int (*handle)(ann_ctx *c, const char *value); /* 0 or -1 (out of memory) */
    const char *code;   /* warning code when it reports, NULL when exact */
    const char *target; /* Istio field it becomes, or "-" */
    const char *note;   /* how it differs; also the warning text for reported rows */
} ann_rule;

const ann_rule *ann_rules(size_t *n);
const ann_rule *ann_lookup(const char *short_name);
const char *ann_fidelity_name(ann_fidelity f); /* "exact", "approximate", ... */

void ann_settings_init(ann_settings *s);
void ann_settings_free(ann_settings *s);
/* Reads every annotation of the Ingress into s and reports warnings.
 * Returns 0 or -1 on out of memory. */
int ann_parse(const ing_view *ing, ann_settings *s, mp_warnings *w);

/* What depends only on annotation text, kept across the Ingresses of one
 * run: a snippet's translation (the same text is the same plan), a row
 * looked up by name, and the outcome of a whole set of annotations
 * (Sealos' tenants carry a few sets: 10 among 10,000 Ingresses).
 * ann_parse_cached makes exactly ann_parse's settings and findings, and
 * points *out at them: for a set the cache keeps, at the cache's settings,
 * the same for every Ingress with that set (10 settings for 10,000
 * Ingresses, not 10,000 copies); their trees are the cache's, their
 * strings may be the first such Ingress's view's, which must outlive every
 * reader (the converter's working set keeps every view to its end). A set
 * the cache cannot keep (auth-tls-secret reads the namespace; a full
 * cache) is parsed into *own, this Ingress's alone: malloc'd, the caller
 * frees it with ann_settings_free and free (*own is NULL otherwise). On
 * failure (-1, out of memory) *out and *own are NULL and nothing is left
 * to free. The findings about a kept set are that set's, about this
 * Ingress: their field and message are the cache's text (mp_warn_about).
 * object: "ingress ns/name" cut at 299 bytes, the findings' object, as
 * ann_parse makes it (NULL: made here).
 * Owned by the caller; ann_cache_free after the findings' list and after
 * the last read of the settings it gave. */
typedef struct ann_cache ann_cache;
ann_cache *ann_cache_new(void); /* NULL when out of memory */
void ann_cache_free(ann_cache *k);
int ann_parse_cached(const ing_view *ing, const char *object, const ann_settings **out,
                     ann_settings **own, mp_warnings *w, ann_cache *cache);
/* The settings of an Ingress without annotations, as ann_settings_init
 * makes them (static, read only): what an Ingress that was never parsed
 * points at. */
const ann_settings *ann_settings_none(void);

/* Splits "a, b,c" into a seq of trimmed non-empty strings. */
doc_node *ann_split_list(const char *value);
/* "60", "60s", "2m" -> seconds; -1 when not a duration nginx accepts. */
long ann_parse_seconds(const char *value);

#endif
