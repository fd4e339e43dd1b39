/* annotations_access.c - the annotations that restrict access, read with
 * ingress-nginx's own rules (internal/ingress/annotations/ipallowlist,
 * ipdenylist, authreq, auth, authtls, satisfy and parser/main.go). What each
 * becomes in Istio depends on the converter's options and is decided in
 * convert_access.c; here every value is sorted into an acc_item:
 *
 *   ACC_IP_LIST      a valid allow/deny list (s->allow_cidrs, s->deny_cidrs)
 *   ACC_EXT_AUTH     auth-url with a URL nginx accepts
 *   ACC_CLIENT_CERT  auth-tls-secret verifying client certificates
 *   ACC_NO_ISTIO     enforced by nginx, no Istio form (basic auth, ...)
 *   ACC_DENIED       a value nginx refuses, so that it answers 503
 *
 * nginx's value rules used below: a present annotation whose value is
 * empty or blank is an error; for the allow list (allowlist-source-range,
 * alias whitelist-source-range, the alias read only when the main name is
 * absent or empty) and the deny list that error denies the location (503),
 * for auth-url / auth-type / auth-tls-secret it is ignored. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/annotations_int.h"
#include "model/ipnet.h"
#include "model/snippet.h"

static const struct {
    const char *name;
    acc_raw slot;
} slots[] = {
    {"allowlist-source-range", AR_ALLOWLIST},
    {"whitelist-source-range", AR_WHITELIST},
    {"denylist-source-range", AR_DENYLIST},
    {"auth-url", AR_AUTH_URL},
    {"auth-method", AR_AUTH_METHOD},
    {"auth-response-headers", AR_AUTH_RESPONSE_HEADERS},
    {"auth-snippet", AR_AUTH_SNIPPET},
    {"auth-type", AR_AUTH_TYPE},
    {"auth-secret", AR_AUTH_SECRET},
    {"auth-tls-secret", AR_TLS_SECRET},
    {"auth-tls-verify-client", AR_TLS_VERIFY},
    {"auth-tls-verify-depth", AR_TLS_DEPTH},
    {"auth-tls-error-page", AR_TLS_ERROR_PAGE},
    {"auth-tls-pass-certificate-to-upstream", AR_TLS_PASS_CERT},
    {"auth-tls-match-cn", AR_TLS_MATCH_CN},
    {"satisfy", AR_SATISFY},
    {"modsecurity-snippet", AR_MODSEC_SNIPPET},
};

int ann_h_access(ann_ctx *c, const char *v)
{
    for (size_t i = 0; i < sizeof slots / sizeof *slots; i++)
        if (!strcmp(slots[i].name, c->rule->name))
            c->s->acc.raw[slots[i].slot] = v;
    return 0;
}

static void list_add(char *buf, size_t n, const char *name)
{
    size_t len = strlen(buf);
    snprintf(buf + len, n - len, "%s%s", len ? ", " : "", name);
}

int ann_h_access_part(ann_ctx *c, const char *v)
{
    (void)v;
    const char *n = c->rule->name;
    bool type = !strcmp(n, "auth-realm") || !strcmp(n, "auth-secret-type");
    if (type)
        list_add(c->type_parts, sizeof c->type_parts, n);
    else
        list_add(c->auth_parts, sizeof c->auth_parts, n);
    return 0;
}

bool ann_access_add(ann_settings *s, acc_kind kind, const char *ann, bool host_wide,
                    const char *why, const char *todo)
{
    ann_access *a = &s->acc;
    if (!a->item && !(a->item = calloc(ACC_MAX, sizeof *a->item))) {
        a->oom = true;
        return false;
    }
    if (a->n == ACC_MAX) {
        /* keep the list closing: the last slot becomes a closing item */
        if (kind != ACC_NO_ISTIO && kind != ACC_DENIED)
            return false;
        a->n--;
    }
    acc_item *it = &a->item[a->n++];
    it->kind = kind;
    it->ann = ann;
    it->host_wide = host_wide;
    snprintf(it->why, sizeof it->why, "%s", why ? why : "");
    snprintf(it->todo, sizeof it->todo, "%s", todo ? todo : "");
    return true;
}

/* normalizeString: blanks around each line do not count. */
static bool blank_value(const char *v)
{
    for (; v && *v; v++)
        if (!isspace((unsigned char)*v))
            return false;
    return true;
}

static void denied(ann_settings *s, const char *ann, const char *why)
{
    ann_access_add(s, ACC_DENIED, ann, false, why,
                   "fix the value (nginx refuses the location until then)");
}

/* ---- allow and deny lists ---------------------------------------------- */

static int ip_list(ann_settings *s, const char *ann, const char *value, doc_node **out)
{
    char bad[128], why[240];
    doc_node *seq = NULL;
    int rc = ipnet_list(value, &seq, bad, sizeof bad);
    if (rc < 0)
        return -1;
    if (rc == 1) {
        if (*bad)
            snprintf(why, sizeof why,
                     "entry \"%s\" is not an IP address or CIDR nginx accepts, so nginx rejects "
                     "the whole list and answers 503",
                     bad);
        else
            snprintf(why, sizeof why,
                     "an empty entry (a stray comma) makes nginx reject the whole list and "
                     "answer 503");
        denied(s, ann, why);
        return 0;
    }
    doc_free(*out);
    *out = seq;
    ann_access_add(s, ACC_IP_LIST, ann, false, NULL, NULL);
    return 0;
}

static int finish_ip_lists(ann_ctx *c)
{
    ann_settings *s = c->s;
    const char *al = s->acc.raw[AR_ALLOWLIST], *wl = s->acc.raw[AR_WHITELIST];
    const char *dl = s->acc.raw[AR_DENYLIST];
    if (al && *al) {
        if (wl && *wl &&
            ann_warn_at(c, "whitelist-source-range", MPW_ANN_NOEFFECT, MP_SEV_INFO,
                        "no effect: allowlist-source-range wins (as in nginx)") < 0)
            return -1;
        if (ip_list(s, "allowlist-source-range", al, &s->allow_cidrs) < 0)
            return -1;
    } else if (wl && *wl) {
        if (ip_list(s, "whitelist-source-range", wl, &s->allow_cidrs) < 0)
            return -1;
    } else if (al) {
        denied(s, "allowlist-source-range",
               "the value is empty, which nginx treats as invalid: "
               "it answers 503");
    }
    if (dl && !*dl)
        denied(s, "denylist-source-range",
               "the value is empty, which nginx treats as invalid: it answers 503");
    else if (dl && ip_list(s, "denylist-source-range", dl, &s->deny_cidrs) < 0)
        return -1;
    return 0;
}

/* ---- auth-url ------------------------------------------------------------ */

/* parser.StringToURL: a scheme, a host, no ".." in the host. */
static bool absolute_url(const char *u)
{
    const char *p = u;
    if (!isalpha((unsigned char)*p))
        return false;
    while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
        p++;
    if (strncmp(p, "://", 3))
        return false;
    p += 3;
    size_t host = strcspn(p, "/?#");
    if (host == 0)
        return false;
    for (const char *c = u; *c; c++)
        if ((unsigned char)*c <= ' ' || *c == 0x7f)
            return false;
    char h[256];
    snprintf(h, sizeof h, "%.*s", (int)host, p);
    return !strstr(h, "..");
}

static bool header_name(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
            return false;
    return true;
}

static const char *const methods[] = {"GET",    "HEAD",    "POST",    "PUT",  "PATCH",
                                      "DELETE", "CONNECT", "OPTIONS", "TRACE"};

static bool http_method(const char *m)
{
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++)
        if (!strcmp(m, methods[i]))
            return true;
    return false;
}

/* auth-response-headers: every name must be a header name, else 503. */
static int response_headers(ann_ctx *c, bool *bad)
{
    const char *v = c->s->acc.raw[AR_AUTH_RESPONSE_HEADERS];
    *bad = false;
    if (!v || blank_value(v))
        return 0;
    doc_node *seq = ann_split_list(v);
    if (!seq)
        return -1;
    for (size_t i = 0; i < seq->len && !*bad; i++)
        *bad = !header_name(doc_str(doc_at(seq, i)));
    if (*bad) {
        doc_free(seq);
        denied(c->s, "auth-response-headers",
               "the list holds a name that is not a header name, so nginx answers 503");
        return 0;
    }
    c->s->acc.auth_response_headers = seq;
    return 0;
}

/* auth-snippet: header lines for the check request are the provider's
 * business; anything else changes the check itself. */
static int auth_snippet(ann_ctx *c)
{
    const char *v = c->s->acc.raw[AR_AUTH_SNIPPET];
    if (!v || blank_value(v))
        return 0;
    hdr_mods h = {0};
    snippet_result r;
    int rc = snippet_translate(v, &h, &r);
    doc_free(h.req_set), doc_free(h.req_add), doc_free(h.req_remove);
    doc_free(h.resp_set), doc_free(h.resp_add), doc_free(h.resp_remove);
    if (rc == 0 && r.untranslated) {
        char why[240];
        snprintf(why, sizeof why,
                 "auth-snippet changes the auth subrequest (%.120s), which a CUSTOM "
                 "AuthorizationPolicy does not reproduce",
                 r.rest.buf ? r.rest.buf : "");
        ann_access_add(c->s, ACC_NO_ISTIO, "auth-snippet", false, why,
                       "make the ext-authz service do the same, then drop auth-snippet");
    } else if (rc == 0) {
        list_add(c->auth_parts, sizeof c->auth_parts, "auth-snippet");
    }
    snippet_result_free(&r);
    return rc;
}

static int finish_auth_url(ann_ctx *c)
{
    ann_access *a = &c->s->acc;
    const char *u = a->raw[AR_AUTH_URL];
    if (!u || blank_value(u)) {
        const char *alone = a->raw[AR_AUTH_METHOD]             ? "auth-method"
                            : a->raw[AR_AUTH_RESPONSE_HEADERS] ? "auth-response-headers"
                            : a->raw[AR_AUTH_SNIPPET]          ? "auth-snippet"
                                                               : NULL;
        if (u && ann_warn_at(c, "auth-url", MPW_ANN_NOEFFECT, MP_SEV_INFO,
                             "no effect: nginx ignores an empty auth-url") < 0)
            return -1;
        if (!u && (alone || c->auth_parts[0]) &&
            ann_warn_at(c, alone ? alone : "auth-url", MPW_ANN_NOEFFECT, MP_SEV_INFO,
                        "no effect without auth-url (as in nginx): %s",
                        alone ? alone : c->auth_parts) < 0)
            return -1;
        return 0;
    }
    char why[240];
    if (!absolute_url(u)) {
        snprintf(why, sizeof why,
                 "\"%.100s\" is not an absolute URL (scheme://host/path), so nginx answers 503", u);
        denied(c->s, "auth-url", why);
        return 0;
    }
    const char *m = a->raw[AR_AUTH_METHOD];
    if (m && *m && !http_method(m)) {
        snprintf(why, sizeof why,
                 "\"%.40s\" is not an HTTP method nginx accepts, so it answers 503", m);
        denied(c->s, "auth-method", why);
        return 0;
    }
    bool bad;
    if (response_headers(c, &bad) < 0 || bad)
        return bad ? 0 : -1;
    if (m && *m)
        list_add(c->auth_parts, sizeof c->auth_parts, "auth-method");
    a->auth_url = u;
    ann_access_add(c->s, ACC_EXT_AUTH, "auth-url", false, NULL, NULL);
    return auth_snippet(c);
}

/* ---- auth-type ------------------------------------------------------------ */

static void finish_auth_type(ann_ctx *c)
{
    ann_access *a = &c->s->acc;
    const char *t = a->raw[AR_AUTH_TYPE], *secret = a->raw[AR_AUTH_SECRET];
    char why[240];
    if (!t || blank_value(t)) {
        if (secret || c->type_parts[0])
            ann_warn_at(c, secret ? "auth-secret" : "auth-type", MPW_ANN_NOEFFECT, MP_SEV_INFO,
                        "no effect without auth-type (as in nginx)");
        return;
    }
    /* nginx matches the unanchored regex basic|digest */
    if (!strstr(t, "basic") && !strstr(t, "digest")) {
        snprintf(why, sizeof why,
                 "auth-type \"%.40s\" is neither basic nor digest, so nginx "
                 "answers 503",
                 t);
        denied(c->s, "auth-type", why);
        return;
    }
    if (!secret || blank_value(secret)) {
        snprintf(why, sizeof why, "auth-type %.40s without auth-secret: nginx answers 503", t);
        denied(c->s, "auth-type", why);
        return;
    }
    snprintf(why, sizeof why,
             "%s authentication (auth-type: %.20s, auth-secret: %.80s) has no Istio equivalent",
             strstr(t, "basic") ? "HTTP basic" : "HTTP digest", t, secret);
    ann_access_add(c->s, ACC_NO_ISTIO, "auth-type", false, why,
                   "protect the routes with an ext-authz service (auth-url and "
                   "--ext-authz-provider), an EnvoyFilter with Envoy's basic_auth filter, or a "
                   "Wasm plugin");
}

/* ---- auth-tls ------------------------------------------------------------- */

static const char *verify_mode(const char *v)
{
    static const char *const modes[] = {"on", "off", "optional", "optional_no_ca"};
    for (size_t i = 0; v && i < sizeof modes / sizeof *modes; i++)
        if (!strcmp(v, modes[i]))
            return modes[i];
    return "on"; /* nginx's default, also for a value it does not know */
}

/* The CA secret: "ns/name" in the Ingress's namespace or "name". NULL
 * (and a closing item) when it names another namespace: ingress-nginx
 * refuses cross-namespace secrets and answers 403 for the whole host. */
static const char *ca_secret(ann_ctx *c, const char *v)
{
    const char *slash = strchr(v, '/');
    if (!slash)
        return v;
    if (strlen(c->ing->ns) == (size_t)(slash - v) && !strncmp(v, c->ing->ns, strlen(c->ing->ns)))
        return slash + 1;
    char why[240];
    snprintf(why, sizeof why,
             "auth-tls-secret %.100s is in another namespace: ingress-nginx refuses it (no "
             "cross-namespace secrets) and answers 403 for the host",
             v);
    ann_access_add(c->s, ACC_NO_ISTIO, "auth-tls-secret", true, why,
                   "copy the CA secret into the Ingress's namespace");
    return NULL;
}

static void finish_auth_tls(ann_ctx *c)
{
    ann_access *a = &c->s->acc;
    const char *sec = a->raw[AR_TLS_SECRET];
    char why[240];
    if (!sec || blank_value(sec))
        return;
    const char *mode = verify_mode(a->raw[AR_TLS_VERIFY]);
    if (!strcmp(mode, "off"))
        return (void)ann_warn_at(c, "auth-tls-verify-client", MPW_ANN_NOEFFECT, MP_SEV_INFO,
                                 "off: nginx does not ask for client certificates; nothing "
                                 "generated");
    if (strcmp(mode, "on")) {
        snprintf(why, sizeof why,
                 "auth-tls-verify-client: %s lets requests without a valid client certificate "
                 "through and leaves the decision to the backend (ssl-client-verify header), "
                 "which Istio does not send",
                 mode);
        ann_access_add(c->s, ACC_NO_ISTIO, "auth-tls-verify-client", true, why,
                       "use verify-client on (a MUTUAL server), or make the backend check "
                       "X-Forwarded-Client-Cert");
        return;
    }
    const char *cn = a->raw[AR_TLS_MATCH_CN];
    if (cn && !blank_value(cn)) {
        snprintf(why, sizeof why,
                 "auth-tls-match-cn \"%.80s\": nginx answers 403 to certificates whose subject "
                 "does not match, which a Gateway server cannot check",
                 cn);
        ann_access_add(c->s, ACC_NO_ISTIO, "auth-tls-match-cn", true, why,
                       "issue client certificates from a CA that only signs the allowed "
                       "subjects, then drop auth-tls-match-cn");
        return;
    }
    if (!(a->tls_secret = ca_secret(c, sec)))
        return;
    const char *pass = a->raw[AR_TLS_PASS_CERT];
    a->tls_pass_cert = pass && !strcasecmp(pass, "true");
    const char *d = a->raw[AR_TLS_DEPTH];
    a->tls_depth = d ? strtol(d, NULL, 10) : 1;
    if (a->tls_depth <= 0)
        a->tls_depth = 1;
    ann_access_add(c->s, ACC_CLIENT_CERT, "auth-tls-secret", true, NULL, NULL);
}

/* ---- satisfy, modsecurity-snippet ------------------------------------------------ */

static void finish_misc(ann_ctx *c)
{
    ann_access *a = &c->s->acc;
    const char *sat = a->raw[AR_SATISFY];
    a->satisfy_any = sat && !strcmp(sat, "any");
    const char *ms = a->raw[AR_MODSEC_SNIPPET];
    if (ms && !blank_value(ms))
        ann_access_add(c->s, ACC_NO_ISTIO, "modsecurity-snippet", false,
                       "modsecurity-snippet adds ModSecurity rules, which can deny requests; "
                       "Istio has no WAF",
                       "run a WAF as a Wasm plugin");
}

int ann_finish_access(ann_ctx *c)
{
    if (finish_ip_lists(c) < 0 || finish_auth_url(c) < 0)
        return -1;
    finish_auth_type(c);
    finish_auth_tls(c);
    finish_misc(c);
    return 0;
}
