/*
 * validate.h - field validators for the edit forms (and lint, and the
 * converter's RE2 check): each says whether a value is one Istio and the
 * API server accept, and if not, why, in one short clause that the form
 * shows next to the field ("uppercase letters: hosts are lower case").
 *
 * Every validator returns true when the value is valid. On false it writes
 * the reason into why (NUL-terminated, at most n bytes; why may be NULL).
 * Reasons never end in a period and never repeat the value verbatim when it
 * could be long. Pure: no I/O, no globals.
 */
#ifndef MESHPANEL_VALIDATE_H
#define MESHPANEL_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

/* A host of a VirtualService or Gateway server: RFC 1123 (labels of 1..63
 * characters [a-z0-9-], not starting or ending with '-', total <= 253),
 * lower case only, '*' only as the whole first label ("*.example.com").
 * "*" alone is accepted only when tenant_ns is false (a tenant may not
 * claim every host). A trailing dot, empty labels, IP addresses with a
 * wildcard, and a Gateway's "namespace/" prefix are rejected (callers
 * strip the prefix first). */
bool val_host(const char *host, bool tenant_ns, char *why, size_t n);

/* A regular expression RE2 (Envoy's engine) compiles and Go's regexp
 * (istiod's check) accepts: at most 1024 bytes of valid UTF-8, balanced
 * groups and classes, known escapes and class names, repetition counts
 * <= 1000 (also multiplied through nesting), a compiled program estimated
 * under Envoy's 32768-instruction limit, and none of the Perl-only
 * constructs, each rejected with its name: backreferences (\1, \k<name>),
 * lookahead/lookbehind ((?=, (?!, (?<=, (?<!), atomic groups ((?>),
 * possessive quantifiers (*+, ++, ?+, }+), conditionals ((?(), recursion
 * ((?R), (?1)), \G, and \Z, whose reason says to use \z or $ instead. */
bool val_re2(const char *re, char *why, size_t n);

/* A CORS origin matcher: kind is "exact", "prefix" or "regex". exact and
 * prefix: non-empty, no whitespace or control characters; exact must look
 * like an origin ("*", or scheme://host[:port] without a path); regex must
 * pass val_re2. */
bool val_origin(const char *kind, const char *value, char *why, size_t n);

/* Istio duration as the proto reader accepts it: decimal seconds with an
 * 's' suffix ("30s", "0.5s", "1.250s"), at most 9 fractional digits.
 * "1m", "500ms", "1h" are refused with the equivalent in seconds ("use
 * 60s"). Values below 1ms are refused ("0s": Istio rejects a zero
 * timeout; leave the field empty for none). Empty is valid only when
 * allow_empty. */
bool val_duration(const char *s, bool allow_empty, char *why, size_t n);
/* Like val_duration, whole seconds only (CORS maxAge): "86400s". */
bool val_duration_whole(const char *s, bool allow_empty, char *why, size_t n);
/* Parses a valid duration into milliseconds (fraction below 1 ms dropped). */
bool val_duration_ms(const char *s, long long *ms);

/* An HTTP method of CORS allowMethods: GET HEAD POST PUT DELETE CONNECT
 * OPTIONS TRACE PATCH (upper case, exact). */
bool val_method(const char *m, char *why, size_t n);
/* The methods val_method accepts, in that order (for toggles). */
const char *const *val_methods(size_t *n);

/* An HTTP header name (RFC 7230 token characters; "*" allowed when
 * allow_star, for allowHeaders / exposeHeaders). */
bool val_header_name(const char *h, bool allow_star, char *why, size_t n);

/* A URI path for an exact or prefix match or a rewrite: starts with '/',
 * no whitespace or control characters, no '?' or '#'. */
bool val_path(const char *p, char *why, size_t n);

/* A port number 1..65535 (decimal digits only). */
bool val_port(const char *s, long *port, char *why, size_t n);

/* A destination weight 0..100 (decimal digits only). */
bool val_weight(const char *s, long *w, char *why, size_t n);
/* Weights of one route's destinations: when there is more than one they
 * must total 100 ("weights total 90, not 100"). One destination may omit
 * its weight (w < 0 means absent). */
bool val_weights_total(const long *w, size_t n, char *why, size_t n_why);

/* Retries: attempts 0..1000 (decimal); retryOn a comma list of Envoy retry
 * conditions (5xx, gateway-error, reset, connect-failure, envoy-ratelimited,
 * retriable-4xx, refused-stream, retriable-status-codes,
 * retriable-headers, cancelled, deadline-exceeded, internal,
 * resource-exhausted, unavailable, http3-post-connect-failure) or HTTP
 * status codes 100..599, no empty items, no spaces. */
bool val_attempts(const char *s, long *out, char *why, size_t n);
bool val_retry_on(const char *s, char *why, size_t n);

/* A Secret name for credentialName: a DNS-1123 subdomain (<= 253, lower
 * case alphanumerics, '-' and '.'). */
bool val_secret_name(const char *s, char *why, size_t n);
/* A Kubernetes object name (DNS-1123 subdomain) and a DNS-1123 label (a
 * Gateway name, a port name). */
bool val_object_name(const char *s, char *why, size_t n);
bool val_dns_label(const char *s, char *why, size_t n);

/* TLS server mode: SIMPLE, MUTUAL, PASSTHROUGH, ISTIO_MUTUAL,
 * AUTO_PASSTHROUGH, OPTIONAL_MUTUAL; minProtocolVersion: TLS_AUTO,
 * TLSV1_0, TLSV1_1, TLSV1_2, TLSV1_3. */
bool val_tls_mode(const char *s, char *why, size_t n);
bool val_tls_version(const char *s, char *why, size_t n);

#endif
