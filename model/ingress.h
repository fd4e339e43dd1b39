/*
 * ingress.h - typed read-only views of Ingress, Service and IngressClass.
 *
 * A view is decoded from a doc tree and checked: a field the converter
 * relies on that is missing or malformed is an error naming the object and
 * the field path, e.g.
 *   ingress ns-a/web: spec.rules[0].http.paths[1].pathType: "Regex" is not
 *   Exact|Prefix|ImplementationSpecific
 * networking.k8s.io/v1 is the model; the v1beta1 shapes (serviceName /
 * servicePort, spec.backend) decode into the same view.
 *
 * Ownership: strings in a view are borrowed from the tree it was decoded
 * from (the tree must outlive the view) until *_view_own copies them into
 * the view; the arrays (and what _own copied) belong to the view and are
 * freed by *_view_free.
 */
#ifndef MESHPANEL_INGRESS_H
#define MESHPANEL_INGRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "model/doc.h"
#include "model/err.h"

#define NGINX_ANNOTATION_PREFIX  "nginx.ingress.kubernetes.io/"
#define INGRESS_CLASS_ANNOTATION "kubernetes.io/ingress.class"

typedef enum { ING_PATH_EXACT, ING_PATH_PREFIX, ING_PATH_IMPL } ing_path_type;

typedef struct {
    const char *service; /* NULL when the backend is a resource */
    long port_number;    /* 0 when the port is given by name */
    const char *port_name;
    const char *resource; /* kind of a resource backend, else NULL */
} ing_backend;

typedef struct {
    const char *path; /* "/" when empty or absent */
    ing_path_type type;
    bool type_set; /* pathType was given (v1beta1 allowed omitting it) */
    ing_backend backend;
} ing_path;

typedef struct {
    const char *host; /* NULL when the rule has no host */
    ing_path *paths;
    size_t npaths;
} ing_rule;

typedef struct {
    const char **hosts;
    size_t nhosts;
    const char *secret; /* NULL when absent or not a valid Secret name */
    /* secretName when no Secret can have it (the API server takes any
     * string here; nginx then finds no certificate), else NULL */
    const char *bad_secret;
} ing_tls;

/* One entry of metadata.annotations. */
typedef struct {
    const char *key;
    const char *value; /* the scalar's text; NULL for a map or a list */
    bool null;         /* a null value: absent, as the API server reads it */
} ing_ann;

typedef struct {
    const doc_node *obj;
    const char *name;
    const char *ns;               /* metadata.namespace or the default given to decode */
    const char *created;          /* creationTimestamp or NULL */
    const char *class_name;       /* spec.ingressClassName or NULL */
    const char *class_annotation; /* kubernetes.io/ingress.class or NULL */
    ing_ann *anns;                /* metadata.annotations in their order (the view's array) */
    size_t nanns;
    ing_rule *rules;
    size_t nrules;
    ing_tls *tls;
    size_t ntls;
    bool has_default;
    ing_backend default_backend;
    char *own;   /* ingress_view_own: every string above, one block */
    bool packed; /* own holds the arrays too (ingress_json_decode) */
} ing_view;

typedef struct {
    const char *name;
    long port;
    const char *app_protocol; /* NULL when unset */
} svc_port;

typedef struct {
    const doc_node *obj;
    const char *name;
    const char *ns;
    svc_port *ports;
    size_t nports;
    char *own; /* service_view_own: every string above, one block */
} svc_view;

/* Decoders return 0 or -1 with err ("ingress ns/name: field: problem").
 * default_ns is used when metadata.namespace is absent. A null field is an
 * absent one, as the API server reads it; a null list entry of spec.rules
 * or spec.tls an empty one. The body must be of apiVersion's shape: a
 * v1beta1 field (backend.serviceName, spec.backend) under
 * networking.k8s.io/v1, or a v1 one under a v1beta1, is an unknown field,
 * an error as the API server's strict decoding makes it. */
int ingress_decode(const doc_node *obj, const char *default_ns, ing_view *out, mp_err *err);
/* The same, with the 1-based source line of the offending field (or of
 * the nearest node above it that has one; 0 when the tree has no
 * positions) in *line on error. line may be NULL. */
int ingress_decode_at(const doc_node *obj, const char *default_ns, ing_view *out, mp_err *err,
                      int *line);
void ingress_view_free(ing_view *v);
int service_decode(const doc_node *obj, const char *default_ns, svc_view *out, mp_err *err);
int service_decode_at(const doc_node *obj, const char *default_ns, svc_view *out, mp_err *err,
                      int *line);
void service_view_free(svc_view *v);

/* Makes a decoded view independent of its tree (which may then be freed):
 * its strings are copied into one block, obj becomes NULL. For an Ingress,
 * only the annotations whose key keep_ann accepts stay (NULL: all of
 * them). Returns 0, or -1 out of memory (the view is then still the
 * borrowing one). */
int ingress_view_own(ing_view *v, bool (*keep_ann)(const char *key));
int service_view_own(svc_view *v);

/* An nginx annotation by its short name ("rewrite-target"), or NULL. */
const char *ingress_nginx_annotation(const ing_view *v, const char *short_name);
const char *ingress_path_type_name(ing_path_type t);
/* pathType's value by its name (Exact, Prefix, ImplementationSpecific, as
 * the API server spells them): false for any other text. */
bool ingress_path_type_parse(const char *name, ing_path_type *out);
/* The pathType ingress-nginx builds locations from: its store rewrites
 * ImplementationSpecific (and an unset pathType) to Prefix before any
 * location exists (internal/k8s/main.go SetDefaultNGINXPathType). */
ing_path_type ingress_nginx_path_type(ing_path_type t);
/* RFC 1123 subdomain, optionally with a leading "*." wildcard label. */
bool ingress_valid_host(const char *host);
/* A dotted IPv4 address (which passes the DNS name rule): the API server
 * refuses it as a rule's host. */
bool ingress_host_is_ip(const char *host);
/* Port number of the Service port named name, or 0. */
long service_port_by_name(const svc_view *s, const char *name);
const svc_port *service_port_by_number(const svc_view *s, long number);

#endif
