/*
 * convert_int.h - the converter's working set, shared by model/convert*.c.
 *
 * PRIVATE to model/convert*.c: nothing else includes it (the interface is
 * convert.h). The rules are in docs/conversion.md; where each pass lives:
 *
 *   convert.c          options; pass 1 decode (convert_add); pass 2 class
 *                      filter and annotations; the run; plan accessors
 *   convert_group.c    pass 3: paths grouped by host across namespaces,
 *                      TLS (exact and wildcard tls hosts), canary attach
 *   convert_root.c     pass 3: each host's root location `/` (the first
 *                      Ingress naming it: defaultBackend, 503, redirect)
 *   convert_match.c    pass 4a: route order, duplicate locations, uri
 *                      matches, the RE2 check of regex paths
 *   convert_routes.c   pass 4b: destinations, rewrites, headers, canary and
 *                      redirect variants, one VirtualService per host (a
 *                      root with delegates when several namespaces route it)
 *   convert_delegate.c a host routed from several namespaces: root
 *                      VirtualService entries and delegate VirtualServices
 *   convert_gateway.c  Gateways (HTTP, HTTPS redirect and HTTPS servers)
 *   convert_policy.c   DestinationRules
 *   convert_access.c   fail closed: which routes answer 403/503 instead of
 *                      the backend, AuthorizationPolicies, MUTUAL servers
 *   convert_output.c   the object list (trees, or YAML text in text mode),
 *                      meshpanel.io/source, output order
 *   convert_summary.c  Ingresses read / converted / skipped by reason
 *
 * Ownership: conv owns its arrays and maps (conv_free in convert.c); each
 * ing_entry owns its decoded view (which owns its strings: the input tree
 * is gone once convert_add returns) and the annotation settings only it
 * has (own; the others are the plan's ann_cache's). Every pointer in
 * rspec, hostgrp and dr_entry borrows from an ing_entry or the options, so
 * the working set lives exactly as long as one convert_run.
 */
#ifndef MESHPANEL_CONVERT_INT_H
#define MESHPANEL_CONVERT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "model/annotations.h"
#include "model/convert.h"
#include "model/emit.h"
#include "model/hmap.h"
#include "model/ingress.h"
#include "model/strbuf.h"

/* One decoded Ingress, in nginx's order (creationTimestamp, ns, name). */
typedef struct {
    ing_view v;
    /* Read only: the settings of the Ingress's set of annotations, the
     * run's ann_cache's (10 sets among 10,000 Ingresses: not 584 bytes
     * copied into each entry), or own; ann_settings_none() until parsed */
    const ann_settings *a;
    ann_settings *own; /* a set the cache could not keep: this entry's */
    /* "ingress ns/name" and "ingress/ns/name", at most 299 bytes each as
     * ever: side by side in the working set's text blocks (conv_text's),
     * not 600 bytes in each of 10,000 entries nor a malloc each */
    char *ref, *src;
    bool routed; /* passed the class filter and decoded */
    bool canary;
    int close;      /* 0, or the status its routes answer (convert_access.c) */
    bool ext_authz; /* auth-url checked by a CUSTOM AuthorizationPolicy */
} ing_entry;

/* One route of a host: a path of a main Ingress, with the canary attached
 * to it, and its sort keys; or the host's root location when the first
 * Ingress naming the host has no `/` path (convert_group.c). */
typedef struct {
    ing_entry *ing; /* the main Ingress: its annotations apply */
    const char *path;
    ing_path_type type;    /* as nginx has it: ImplementationSpecific is Prefix */
    ing_path_type written; /* as the Ingress wrote it, for messages */
    bool from_default;     /* the root location: ing's spec.defaultBackend */
    bool root_only;        /* the root location without backend: ing's 503 or redirect */
    bool root;             /* nginx's root location `/` of the host (either above, or a `/` path) */
    const ing_backend *be; /* NULL for root_only */
    const char *be_field;  /* conv_text: at most 95 bytes as ever; "" until set */
    ing_entry *canary;
    const ing_backend *canary_be;
    const char *canary_field; /* conv_text: at most 127 bytes; "" until set */
    size_t ri, pi, seq;
    long len;
    bool exact, catchall, drop_exact;
    bool slash_redirect; /* nginx answers the path without its final '/' with 301 */
    bool regex;          /* on a regex host: equal lengths go by path, descending */
    bool regex_slash;    /* on a regex host: only `~* "^path/"` (no exact copy, convert_match.c) */
} rspec;

/* Everything routed for one host, from every namespace (nginx builds one
 * server per host): ns is the namespace of the oldest Ingress, whose
 * Gateway serves the host and which holds its (root) VirtualService. */
typedef struct {
    const char *ns, *host;
    rspec *r;
    size_t nr, cap;
    bool regex, platform;
    const char *secret;
    ing_entry *secret_ing; /* the Ingress and spec.tls entry that gave secret */
    size_t secret_ti;
    const char *secret_wild; /* the wildcard tls host that covered host, or NULL */
    bool redirect_yes, redirect_no, force;
    const char *app_root;
    ing_entry *app_root_ing;
    ing_entry **src;
    size_t nsrc;
    bool has_vs;           /* got a VirtualService: only such hosts go on a Gateway */
    int close;             /* 0, or the status every route answers (server-level restriction) */
    ing_entry *mtls;       /* auth-tls of this Ingress: a MUTUAL server (convert_access.c) */
    ing_entry *root_owner; /* owns the root location; its route (from_default /
                            * root_only) is in r[] */
    ing_entry *root_taker; /* the first with a `/` path (Prefix, ImplementationSpecific),
                            * which replaces that route (convert_root.c) */
} hostgrp;

/* Backend settings asked for one Service port (the oldest Ingress wins). */
typedef struct {
    long port;
    ing_entry *ing;
    backend_proto proto;
    long connect;
    const char *lb;
    const doc_node *hash;
} dr_port;

/* One DestinationRule: a Service and its ports. */
typedef struct {
    const char *ns, *svc;
    dr_port *p;
    size_t np;
    ing_entry **src;
    size_t nsrc;
} dr_entry;

#define CONV_MAX_SKIP 16 /* distinct skip reasons kept; more fold into "" */

/* An object of a plan in text mode (convert_opts.yaml_text): its YAML
 * document, then its sort keys, in one block. */
typedef struct {
    char *yaml; /* the block */
    size_t len;
    const char *ns, *kind, *name;
} conv_doc;

struct convert_plan {
    doc_node **objs; /* NULL in text mode */
    size_t n, cap;
    /* text mode: every object encoded when pushed (it is final then) and
     * its tree freed, so the trees never exist all at once */
    bool text;
    conv_doc *docs;
    struct conv_blk *doc_text; /* text mode: the documents' text, in blocks freed at once */
    hmap vs_src;               /* text mode: the "ingress/ns/name" VirtualServices name */
    strbuf yaml;               /* text mode: each object written here, then copied at its size */
    mp_err e_err;              /* text mode: why an encoding failed */
    mp_warnings w;
    /* the findings of a repeated set of annotations refer to its text,
     * the Ingresses' settings are its: freed after w and the working set */
    struct ann_cache *ann;
    size_t read, converted, skipped;
    convert_skip skips[CONV_MAX_SKIP];
    size_t nskips;
};

/* Text that lives as long as the run (conv_text), in blocks freed at once. */
typedef struct conv_blk {
    struct conv_blk *next;
    size_t used, size;
    char buf[];
} conv_blk;

/* An IngressClass: what the class filter reads of it (one block). */
typedef struct {
    const char *name, *controller; /* controller NULL when unset */
} conv_class;

struct convert_state {
    convert_opts opts; /* a copy; its strings are the caller's */
    const convert_opts *o;
    convert_plan *plan;
    ing_entry *ing;
    size_t ning, caping;
    svc_view *svc;
    size_t nsvc, capsvc;
    hmap svc_idx;
    conv_class *classes;
    size_t nclasses, capclasses;
    hostgrp *grp;
    size_t ngrp;
    hmap grp_idx;
    hmap owner_idx; /* host -> the Ingress (index in ing) that owns its root location */
    dr_entry *dr;
    size_t ndr;
    hmap dr_idx;
    conv_blk *text; /* conv_text's blocks, newest first */
    bool oom;
};
typedef struct convert_state conv;

/* convert.c */
const svc_view *conv_find_svc(const conv *c, const char *ns, const char *name);
/* printf into text owned by the run (freed by conv_free), cut to at most
 * max - 1 bytes like snprintf into a char[max]: a route's field names,
 * which once took 224 bytes in every route. "" and c->oom when out of
 * memory. */
const char *conv_text(conv *c, size_t max, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* s copied as it is into the same text (a field name already built: no
 * printf for each of 10,000 routes). */
const char *conv_keep(conv *c, const char *s);

/* convert_group.c. Every int function returns 0 or -1 out of memory. */
/* The group of host (one for all namespaces); ns is only used to create it:
 * the namespace of the first (oldest) Ingress that routes the host. */
hostgrp *conv_get_grp(conv *c, const char *ns, const char *host, bool create);
/* A new zeroed route of g (its seq set), or NULL out of memory. */
rspec *conv_add_rspec(hostgrp *g);
/* The host-wide settings (regex mode, app-root, redirects) e brings to g. */
void conv_note_host_settings(conv *c, hostgrp *g, ing_entry *e, const char *host);
int conv_group_paths(conv *c, ing_entry *e);
void conv_group_tls(conv *c, ing_entry *e);
/* MP301 for hosts of an Ingress with spec.tls that no entry lists or
 * covers, when no other Ingress gave them a certificate. */
void conv_tls_uncovered(conv *c);
void conv_attach_canary(conv *c, ing_entry *e);

/* convert_root.c */
/* Rule ri of e names a host: the first Ingress to do so (nginx's order)
 * owns the host's root location, which becomes a route when it answers
 * more than nginx's 404; a later Ingress's defaultBackend is reported
 * unused (MP203). 0 or -1 out of memory. */
int conv_root_claim(conv *c, ing_entry *e, size_t ri);
/* After every main Ingress is grouped: which route is each host's root
 * location (a `/` path replaces the owner's), its owner's host settings
 * when it stays, and on a regex host the `/` routes it shadows. */
int conv_resolve_roots(conv *c);

/* convert_match.c */
/* template.go needsRewrite for a location of e with this path and (nginx)
 * pathType: e has a rewrite-target other than the location's name. */
bool conv_rewrites(const ing_entry *e, const char *path, ing_path_type type);
/* Whether that location puts its host in regex mode (enforceRegexModifier):
 * use-regex, or conv_rewrites. */
bool conv_forces_regex(const ing_entry *e, const char *path, ing_path_type type);
/* Drops duplicate locations and sorts g's routes into nginx's order. */
void conv_order_routes(conv *c, hostgrp *g);
doc_node *conv_uri_match(const char *kind, const char *value);
doc_node *conv_uri_matches(const hostgrp *g, const rspec *r);
/* The uri matches conv_uri_matches builds, as (kind, value): one or two;
 * a value may point into buf. */
typedef struct {
    const char *kind, *value;
} conv_uri;
size_t conv_uri_list(const hostgrp *g, const rspec *r, conv_uri out[2], char buf[2100]);
doc_node *conv_with_header(const doc_node *base, const char *name, const char *how,
                           const char *value);
/* false (and MP204) when a route of a regex host is not RE2. */
bool conv_check_regex(conv *c, const hostgrp *g, const rspec *r);
/* A plain (not regex) path istiod would refuse as uri.exact/prefix: MP204
 * (error) and false, the route is not converted. */
bool conv_check_path(conv *c, const hostgrp *g, const rspec *r);

/* convert_routes.c */
int conv_render_vs(conv *c, hostgrp *g);

/* convert_delegate.c: where each route of a host goes when several
 * namespaces route it. Ownership: the conv_deleg owns the delegate
 * VirtualServices until conv_deleg_finish hands them to the plan; root is
 * borrowed (its delegate entries are added to it as routes arrive). */
typedef struct conv_deleg conv_deleg;
conv_deleg *conv_deleg_new(const hostgrp *g, doc_node *root);
/* The VirtualService r's routes go to, in nginx's order: root for the root
 * namespace, else the delegate of the current run of r's namespace (a new
 * one, with its root entry, when the run starts). NULL out of memory. */
doc_node *conv_deleg_target(conv_deleg *d, const rspec *r);
/* Names the delegates, fills the root entries, pushes the delegates to the
 * plan and reports MP207. 0 or -1. */
int conv_deleg_finish(conv *c, conv_deleg *d);
void conv_deleg_free(conv_deleg *d);

/* convert_gateway.c */
const char *conv_gateway_ref(const conv *c, const hostgrp *g, char *buf, size_t n);
int conv_render_gateways(conv *c);

/* convert_policy.c */
int conv_collect_dr(conv *c);
int conv_render_drs(conv *c);

/* convert_access.c */
/* After pass 3: what each access restriction becomes, with its findings. */
int conv_decide_access(conv *c);
/* 0 when r reaches its backend, else the status it answers instead. */
int conv_route_closed(const conv *c, const hostgrp *g, const rspec *r);
/* The ssl-client-* request headers a MUTUAL host must not take from clients. */
int conv_client_cert_headers(const hostgrp *g, hdr_mods *h);
/* After the VirtualServices: the DENY and CUSTOM AuthorizationPolicies. */
int conv_render_access(conv *c);

/* convert_summary.c */
/* Counts one skipped Ingress under the code of the finding that says why. */
void conv_note_skip(convert_plan *p, const char *code);
/* After rendering: an Ingress the output's VirtualServices name (their
 * meshpanel.io/source) is converted, any other routed one skipped under
 * its first error finding. Returns 0 or -1 out of memory. */
int conv_count_outcomes(conv *c);
/* Adds the sources a VirtualService names (its meshpanel.io/source) to
 * seen; other objects add none. 0 or -1 out of memory. */
int conv_note_vs_sources(const doc_node *o, hmap *seen);
/* The same for a VirtualService's meshpanel.io/source value src. */
int conv_note_sources(const char *src, hmap *seen);

/* convert_output.c */
/* Appends o to the plan (taking it; in text mode encoding it); frees it
 * and returns -1 on failure, also when o is NULL. */
int conv_push_obj(convert_plan *p, doc_node *o);
/* Adds e to a source list unless it is there already. */
int conv_add_src(ing_entry ***src, size_t *n, ing_entry *e);
/* Sets meshpanel.io/source on obj from its contributing Ingresses. */
int conv_set_sources(doc_node *obj, ing_entry *const *src, size_t n);
/* That annotation's value (malloc'd), or NULL out of memory. */
char *conv_sources_text(ing_entry *const *src, size_t n);
/* Text mode: appends an object written without its tree (yaml_w) into
 * p->yaml: that YAML document and its sort keys, copied. 0 or -1. */
int conv_push_text(convert_plan *p, const char *ns, const char *kind, const char *name);
/* Text mode: a generated Istio object of kind (a plain word) up to its
 * spec, as doc_emit_yaml writes istio_object_new's tree with its sources
 * src: the document's map, apiVersion, kind, metadata, and the spec key
 * with its map open (the caller writes spec's entries, then two
 * yaml_w_end). */
void conv_head_text(yaml_w *w, const char *kind, const char *name, const char *ns, const char *src);
/* Canonical key order in every object; objects by (ns, kind, name);
 * warnings grouped by object. */
void conv_sort_output(convert_plan *p);

#endif
