/*
 * verify_int.h - what the parts of the verify step share (verify.h is the
 * interface): the answer both simulators give for one request, the nginx
 * simulator (verify_nginx.c), the Istio simulator (verify_istio.c) and the
 * regex engine both use (verify_re.c). verify.c probes and compares.
 *
 * The two simulators share no routing code: each reads its own objects
 * with its own rules, so that a mistake in one (or in the converter) shows
 * up as a difference instead of being repeated on both sides.
 *
 * Ownership: worlds own their decoded views and borrow the doc trees they
 * were built from (the trees must outlive them). Answers are plain values.
 * Pure: no I/O, no globals.
 */
#ifndef MESHPANEL_VERIFY_INT_H
#define MESHPANEL_VERIFY_INT_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "model/doc.h"
#include "model/err.h"

#define VA_PATH    1024
#define VA_MAXDEST 8

typedef enum {
    VA_404,      /* nothing serves the request */
    VA_SERVICE,  /* proxied to a Service (or another host) */
    VA_REDIRECT, /* answered with a redirect */
    VA_STATUS,   /* answered with a fixed status */
    VA_UNKNOWN,  /* the simulator cannot decide (target says why) */
} va_kind;

/* Where one request goes. nginx fills the nginx-only fields, Istio the
 * Istio-only ones; both fill kind and the fields of that kind. */
typedef struct {
    va_kind kind;
    char svc[320];         /* VA_SERVICE: "ns/name", or a host that is no Service */
    char port[64];         /* "80", a port name, or "" (Istio: no port) */
    bool port_named;       /* nginx: a port name no Service of the input resolves */
    char rewrite[VA_PATH]; /* path the backend gets when it is not the request's, else "" */
    int code;              /* VA_REDIRECT: redirect code; VA_STATUS: the status */
    char target[VA_PATH];  /* VA_REDIRECT: Location; VA_404 (Istio), VA_UNKNOWN: why */
    /* nginx */
    char restricted[64]; /* annotation that restricts access to the location, "" none */
    bool cert_only;      /* the only restriction is a client certificate (auth-tls) */
    char canary[384];    /* "ns/name:port" of a canary that also serves it, "" none */
    char ingress[300];   /* "ingress ns/name" whose location answered, "" none */
    /* Istio: the route's destinations ("ns/name:port"), main (highest weight) first */
    char dest[VA_MAXDEST][384];
    long weight[VA_MAXDEST];
    size_t ndest;
    bool mutual; /* the host's HTTPS server asks for client certificates */
} va_answer;

void va_init(va_answer *a);
/* "service ns/name:port rewrite /x", "redirect 301 /api/", "status 403",
 * "404", with the notes of a mismatch report (restriction, canary,
 * weights, why). */
void va_text(const va_answer *a, bool nginx, char *buf, size_t n);

/* ---- regexes (verify_re.c) ----------------------------------------------
 * nginx takes PCRE, Istio RE2; both are run here with POSIX extended
 * regexes (regcomp), after a translation of the common non-POSIX syntax
 * (\d \w \s, (?:...), (?P<n>...), a leading (?i), lazy quantifiers). A
 * pattern the translation does not cover cannot be evaluated: the callers
 * answer VA_UNKNOWN. Compiled patterns are cached for the whole run. */
typedef struct vre_cache vre_cache;

typedef enum {
    VRE_NGINX, /* ~* "^<path>": anchored at the start, case-insensitive */
    VRE_FULL,  /* Istio StringMatch regex: the whole string */
    VRE_FIND,  /* uriRegexRewrite: anywhere, every match */
} vre_mode;

#define VRE_NCAP 10

vre_cache *vre_new(void);
void vre_free(vre_cache *c);
bool vre_oom(const vre_cache *c);
/* 1 match, 0 no match, -1 cannot evaluate (why). caps[k] are the offsets
 * of the pattern's own group k (0: whole match), -1 when unset. */
int vre_match(vre_cache *c, const char *pattern, vre_mode m, const char *s, regoff_t caps[][2],
              char *why, size_t nwhy);
/* RE2::GlobalReplace(s, pattern, subst) with \N in subst; 0 or -1 (why). */
int vre_replace(vre_cache *c, const char *pattern, const char *subst, const char *s, char *out,
                size_t n, char *why, size_t nwhy);
/* target with nginx's $N / ${N} replaced by the groups of s. */
void vre_subst_dollar(const char *target, const char *s, regoff_t caps[][2], char *out, size_t n);
/* A request path the regex path p matches (best effort: [..] takes its
 * first character, + and {n} the least count, ? * zero, | its first
 * branch); false when p uses something else. */
bool vre_sample(const char *p, char *out, size_t n);

/* ---- nginx (verify_nginx.c) ------------------------------------------ */
typedef struct ng_world ng_world;

/* Ingresses, Services and IngressClasses of objs; other kinds ignored.
 * NULL with err when an object cannot be decoded or out of memory. */
ng_world *ng_build(doc_node *const *objs, size_t n, mp_err *err);
void ng_free(ng_world *w);
/* Hosts named by any Ingress rule (served or not), sorted. */
size_t ng_nhosts(const ng_world *w);
const char *ng_host(const ng_world *w, size_t i);
/* The host's regex mode (every location ~* "^path") */
bool ng_host_regex(const ng_world *w, size_t i);
/* Paths written for the host by any Ingress (duplicates possible). */
size_t ng_host_npaths(const ng_world *w, size_t i);
const char *ng_host_path(const ng_world *w, size_t i, size_t j);
/* Where ingress-nginx sends a request for host (the Host header) and
 * path. */
void ng_answer(const ng_world *w, vre_cache *rc, const char *host, const char *path,
               va_answer *out);

/* ---- Istio (verify_istio.c) ------------------------------------------ */
typedef struct is_world is_world;

/* Gateways, VirtualServices and AuthorizationPolicies of objs. NULL with
 * err when out of memory. */
is_world *is_build(doc_node *const *objs, size_t n, mp_err *err);
void is_free(is_world *w);
/* What Istio does with one host: the Gateway servers that accept it and
 * the VirtualServices bound there for it. NULL when out of memory. */
typedef struct is_vhost is_vhost;
is_vhost *is_vhost_new(const is_world *w, const char *host);
void is_vhost_free(is_vhost *v);
/* Where the gateway sends a request for the host and path. */
void is_answer(const is_vhost *v, vre_cache *rc, const char *path, va_answer *out);
/* An AuthorizationPolicy whose rules name host in to[].operation.hosts. */
bool is_policy_names_host(const is_world *w, const char *host);

/* ---- shared helpers (verify.c) --------------------------------------- */
/* Does a host pattern ("a.b", "*.b", "*") cover host? ASCII case ignored;
 * "*.b" covers any name ending in ".b", as nginx and Envoy read it. */
bool v_host_covers(const char *pattern, const char *host);
/* snprintf that never warns about truncation (results are bounded texts). */
void v_copy(char *dst, size_t n, const char *src);

#endif
