/*
 * warn.h - structured conversion warnings.
 *
 * The converter never prints: every difference between what nginx did and
 * what the generated Istio objects do is returned as one mp_warning (code,
 * severity, object, field, message). The CLI prints them one a line, the
 * console shows them next to the preview, lint reuses the codes.
 *
 * Codes are stable strings ("MP102"); docs/conversion.md lists them all.
 *
 * Ownership: an mp_warnings list owns its entries' strings (object, field,
 * message: written one after the other into the list's text blocks, which
 * only mp_warnings_free frees: 54,000 findings of 10,000 Ingresses are not
 * 54,000 allocations), except the field and message of an entry
 * mp_warn_about made (another finding's); code points at a static string.
 * An entry put into items by hand is the list's to read, never freed by it. mp_warning_format
 * returns a malloc'd line the caller frees.
 */
#ifndef MESHPANEL_WARN_H
#define MESHPANEL_WARN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "model/strbuf.h"

typedef enum {
    MP_SEV_INFO,    /* no routing difference worth acting on (nginx-only tuning) */
    MP_SEV_WARNING, /* behaviour differs, or something was not converted */
    MP_SEV_ERROR,   /* a route or object could not be generated */
} mp_severity;

typedef struct {
    const char *code; /* static, e.g. MPW_ANN_APPROX */
    mp_severity sev;
    /* the field and message are known to hold no byte a line replaces
     * (mp_warn_copy looks; mp_warn_about keeps its source's): their line
     * scans only the code and object. false: not known */
    bool plain;
    char *object;  /* "ingress ns-a/web" */
    char *field;   /* "metadata.annotations[\"nginx.ingress.kubernetes.io/x\"]", may be "" */
    char *message; /* one sentence, no trailing newline */
} mp_warning;

typedef struct {
    mp_warning *items;
    size_t len;
    size_t cap;
    struct mp_warn_blk *text; /* the entries' strings, in blocks freed at once */
} mp_warnings;

/* Warning codes. MP1xx: annotations; MP2xx: routing and backends;
 * MP3xx: TLS and gateways; MP4xx: ingress selection; MP5xx: the operator's edits.
 * MP6xx: the edit checks (istio_check.h); MP7xx: lint (lint.h, docs/lint.md). */
#define MPW_ANN_APPROX       "MP101" /* annotation mapped with a documented difference */
#define MPW_ANN_UNSUPPORTED  "MP102" /* annotation not mappable, dropped */
#define MPW_ANN_IGNORED      "MP103" /* nginx-only tuning without an Istio meaning */
#define MPW_ANN_INVALID      "MP104" /* annotation value nginx would reject, default used */
#define MPW_ANN_UNKNOWN      "MP105" /* nginx annotation not in the rule table */
#define MPW_ANN_NOEFFECT     "MP106" /* annotation without effect (e.g. cors-* without enable-cors) */
#define MPW_SNIPPET_PARTIAL  "MP107" /* snippet partly translated */
#define MPW_ACCESS_CLOSED    "MP108" /* restriction not reproduced: its routes answer 403 */
#define MPW_ACCESS_DENIED    "MP109" /* value nginx refuses: routes answer 503, as nginx */
#define MPW_EXT_AUTHZ        "MP110" /* auth-url: CUSTOM AuthorizationPolicy, provider to set up */
#define MPW_OTHER_CONTROLLER "MP111" /* Higress annotations repeating nginx ones */
#define MPW_CLIENT_CERT      "MP112" /* auth-tls: MUTUAL Gateway server, CA secret to provide */
#define MPW_PORT_UNRESOLVED  "MP201" /* named service port not resolvable */
#define MPW_BACKEND_NOSVC    "MP202" /* backend is a resource, not a service: route dropped */
#define MPW_ROUTE_DUP        "MP203" /* same match as an earlier route: shadowed, dropped */
#define MPW_REGEX_INVALID    "MP204" /* path is not valid RE2: route dropped */
#define MPW_CANARY_ORPHAN    "MP205" /* canary without a main Ingress for host+path */
#define MPW_HOST_MISSING     "MP206" /* rule without host: cannot be routed for a tenant */
#define MPW_HOST_CONFLICT    "MP207" /* host routed from several namespaces: root + delegates */
#define MPW_DR_CONFLICT      "MP208" /* two Ingresses want different backend settings */
#define MPW_DEFAULT_BACKEND  "MP209" /* defaultBackend without hosts (the nginx default server) */
#define MPW_HOST_NO_ROUTE    "MP210" /* every route of a host dropped: host left out */
#define MPW_TLS_NO_SECRET    "MP301" /* tls entry without secretName */
#define MPW_TLS_SECRET_NS    "MP302" /* credentialName resolves in the gateway workload namespace */
#define MPW_TLS_SHARED       "MP303" /* host served by the shared gateway: its certificate is used */
#define MPW_TLS_CONFLICT     "MP304" /* host listed with two certificates */
#define MPW_REDIRECT_MIXED   "MP305" /* ssl-redirect differs between Ingresses of one host */
#define MPW_REDIRECT_301     "MP306" /* Gateway httpsRedirect answers 301 where nginx answers 308 */
#define MPW_TLS_WILDCARD     "MP307" /* host's certificate chosen by a wildcard tls host */
#define MPW_CLASS_PAUSED     "MP401" /* class pause/disable: tenant suspended, not routed */
#define MPW_CLASS_OTHER      "MP402" /* class served by another controller: skipped */
#define MPW_CLASS_NONE       "MP403" /* no class: converted as if nginx served it */
#define MPW_INVALID_OBJECT   "MP404" /* object failed to decode (skip_invalid mode) */
#define MPW_OVERLAY_CONFLICT "MP501" /* an edited field also changed upstream: the edit is kept */
#define MPW_OVERLAY_ORPHAN   "MP502" /* an edited object is no longer generated: kept as edited */

void mp_warnings_init(mp_warnings *w);
void mp_warnings_free(mp_warnings *w);
/* Drops the warnings after the first len (a step that is done again). */
void mp_warnings_truncate(mp_warnings *w, size_t len);
/* Appends a warning; strings are copied. Returns 0 or -1 (out of memory). */
int mp_warn(mp_warnings *w, const char *code, mp_severity sev, const char *object,
            const char *field, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
int mp_vwarn(mp_warnings *w, const char *code, mp_severity sev, const char *object,
             const char *field, const char *fmt, va_list ap);

/* Appends f's code, severity, field and message about object instead (a
 * finding that holds for another object too; copied, not formatted
 * again). Returns 0 or -1 (out of memory). */
int mp_warn_copy(mp_warnings *w, const mp_warning *f, const char *object);
/* The same finding about object, its field and message f's own text, not
 * copied (a cached set of annotations gives 40,000 of the 54,000 findings
 * of 10,000 Ingresses: only the object differs): f's strings must outlive
 * w's entry. Returns 0 or -1 (out of memory). */
int mp_warn_about(mp_warnings *w, const mp_warning *f, const char *object);
/* mp_warn_about for each of f[0, n), the n entries sharing one copy of
 * object (a cached set's four findings about one Ingress: its name once,
 * not four times). */
int mp_warn_about_each(mp_warnings *w, const mp_warning *f, size_t n, const char *object);

const char *mp_severity_name(mp_severity s); /* "info", "warning", "error" */
/* "MP102 ingress ns-a/web: <field>: <message>" (field part omitted when
 * empty). Control characters from object names are replaced by '?'. */
char *mp_warning_format(const mp_warning *w);
/* The same line appended to sb (no allocation of its own, for the 50,000
 * lines of a large conversion); its length, 0 when sb is out of memory. */
size_t mp_warning_append(strbuf *sb, const mp_warning *w);

#endif
