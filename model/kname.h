/*
 * kname.h - object names as the Kubernetes API server checks them.
 *
 * A name reaches file names (backups, state), generated route names and
 * request paths: `../../etc/passwd` must never get that far. Each kind has
 * the API server's rule for metadata.name:
 *   Namespace                      RFC 1123 label, at most 63 characters
 *   Service                        RFC 1035 label (starts with a letter), 63
 *   Role, ClusterRole, *RoleBinding path segment: not "." or "..", no '/' or '%'
 *   everything else (Ingress, Secret, ConfigMap, every custom resource such
 *   as the Istio kinds)            RFC 1123 subdomain, at most 253
 * and metadata.namespace, when set, is an RFC 1123 label of at most 63.
 *
 * Messages use the API server's wording (apimachinery's validation
 * package), e.g.
 *   metadata.name: Invalid value: "../x": a lowercase RFC 1123 subdomain
 *   must consist of lower case alphanumeric characters, '-' or '.', and must
 *   start and end with an alphanumeric character (e.g. 'example.com', regex
 *   used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')
 * The value is quoted with control characters escaped and cut at 100
 * characters, so a hostile name cannot flood or drive the terminal.
 *
 * Pure functions: no I/O, no global state.
 */
#ifndef MESHPANEL_KNAME_H
#define MESHPANEL_KNAME_H

#include <stdbool.h>

#include "model/doc.h"
#include "model/err.h"

typedef enum {
    KNAME_SUBDOMAIN, /* RFC 1123 subdomain, <= 253 */
    KNAME_LABEL,     /* RFC 1123 label, <= 63 */
    KNAME_DNS1035,   /* RFC 1035 label, <= 63 */
    KNAME_PATH,      /* a path segment */
} kname_rule;

/* The rule for metadata.name of kind (NULL: the default, subdomain). */
kname_rule kname_rule_for(const char *kind);
/* Checks value under rule; field names it in the message
 * ("metadata.name"). Returns 0, or -1 with err. */
int kname_check(kname_rule rule, const char *field, const char *value, mp_err *err);
/* metadata.name (per kind) and metadata.namespace of obj when they are
 * strings (a missing or non-string name is the caller's message). On -1,
 * *at (may be NULL) is the offending node, for its line. */
int kname_check_object(const doc_node *obj, mp_err *err, const doc_node **at);

/* v as the messages above show a value: quoted, controls escaped, at most
 * 100 characters; fits n (cut there). */
void kname_quote(char *out, size_t n, const char *v);

#endif
