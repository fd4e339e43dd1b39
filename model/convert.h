/*
 * convert.h - ingress-nginx Ingress objects to Istio objects.
 *
 * The input is a flat list of Kubernetes objects (Ingress, Service,
 * IngressClass are read; every other kind is ignored). The output is a plan:
 * Gateway, VirtualService, DestinationRule and AuthorizationPolicy doc trees
 * in a deterministic order (namespace, kind, name) plus the structured
 * warnings that say where Istio will behave differently from nginx. The
 * rules are written down in docs/conversion.md.
 *
 * Ownership: convert_run borrows the input objects (they may be freed after
 * it returns; the plan holds copies of what it needs); convert_add copies
 * what it needs of each object at once. The plan owns the
 * generated trees and warnings; accessors return borrowed pointers valid
 * until convert_plan_free (or a change to the plan). convert_plan_take_obj
 * hands one tree over.
 */
#ifndef MESHPANEL_CONVERT_H
#define MESHPANEL_CONVERT_H

#include <stdbool.h>
#include <stddef.h>

#include "model/doc.h"
#include "model/err.h"
#include "model/ingress.h"
#include "model/parse.h"
#include "model/warn.h"

typedef enum {
    GW_MODE_TENANT, /* one Gateway per tenant namespace */
    GW_MODE_SHARED, /* platform hosts bind to a shared Gateway */
} gw_mode;

typedef struct {
    gw_mode mode;
    const char *shared_gateway;         /* "istio-system/sealos-gateway" (shared mode) */
    const char *domain_suffix;          /* "cluster.local" */
    const char *gateway_selector_value; /* "ingressgateway": selector istio=<value> */
    const char *gateway_namespace;      /* "istio-system": where the gateway pods run */
    /* Shared mode: hosts under one of these suffixes go to the shared
     * Gateway; other hosts (custom domains) get a tenant Gateway. With
     * none, every host is a platform host. Borrowed. */
    const char *const *platform_domains;
    size_t nplatform_domains;
    const char *default_namespace; /* for objects without metadata.namespace: "default" */
    /* false: the first object that fails to decode fails the run (CLI).
     * true: it is skipped with an MPW_INVALID_OBJECT error warning (console). */
    bool skip_invalid;
    /* Fail closed (docs/conversion.md "Fail closed"): a restriction nginx
     * enforces that the conversion cannot reproduce makes its routes answer
     * 403; allow_open routes them anyway (each finding says so). */
    bool allow_open;
    /* auth-url: the meshConfig extension provider CUSTOM policies name, or
     * NULL (auth-url routes then answer 403). Borrowed. */
    const char *ext_authz_provider;
    /* The plan keeps each object as its YAML document (convert_plan_yaml),
     * encoded as soon as it is final, not its tree: the trees of a large
     * conversion never exist all at once. convert_plan_obj, _take_obj and
     * _replace_obj then have no tree to give (NULL, -1). */
    bool yaml_text;
} convert_opts;

void convert_opts_default(convert_opts *o);

/* Parses "tenant" / "shared". Returns 0 or -1 with err. */
int convert_parse_mode(const char *s, gw_mode *out, mp_err *err);

typedef struct convert_plan convert_plan;

/* Runs the conversion. Returns NULL with err filled on a decode error
 * (unless skip_invalid), a bad option or out of memory. The same as
 * convert_new, convert_add of each object in turn and convert_finish. */
convert_plan *convert_run(doc_node *const *objs, size_t n, const convert_opts *o, mp_err *err);

/* The conversion fed one object at a time, so that a caller reading a
 * stream can free each tree as soon as it was added. The result is
 * convert_run's on the objects in the order they were added.
 * Ownership: o (NULL: the defaults) is copied, the strings it points to
 * are borrowed until convert_finish; convert_add copies what it needs of
 * obj (obj may be freed on return). */
typedef struct convert_state convert_state;
/* NULL with err on a bad option or out of memory. */
convert_state *convert_new(const convert_opts *o, mp_err *err);
/* Reads obj if it is an Ingress, Service or IngressClass (other kinds
 * are ignored). -1 with err on a decode error (unless skip_invalid) or
 * out of memory: s can then only be given to convert_abandon. */
int convert_add(convert_state *s, const doc_node *obj, mp_err *err);
/* The same, telling a bad object from a failure: 1 when obj does not
 * decode (err as ingress_decode_at / service_decode_at give it, *line the
 * offending field's line or 0; without skip_invalid the plan must not be
 * used, s may only be abandoned), -1 out of memory, else 0. Lets a caller
 * that reports every bad object by line decode each object once. */
int convert_add_at(convert_state *s, const doc_node *obj, mp_err *err, int *line);
/* An Ingress straight from its JSON bytes (a List item at buf, avail
 * bytes to the end of the buffer; model/ingress_json.h), decoded as a
 * conversion with options o (NULL: the defaults) reads it: 1 with *out
 * (the caller's until convert_add_json) and *span its bytes, where
 * convert_add_at of its tree (after kobj_flatten_item) would give 0; 0
 * when the decoder is not sure of it (the caller goes on with the tree);
 * -1 out of memory. Pure: needs no conversion state. */
int convert_json_decode(const convert_opts *o, const char *buf, size_t avail, ing_view *out,
                        doc_span *span);
/* Adds the view convert_json_decode gave (with s's options), which s then
 * owns (freed also on failure): 0, or -1 with err out of memory (s may
 * then only be abandoned). */
int convert_add_json(convert_state *s, ing_view *v, mp_err *err);
/* Converts what was added and frees s (also on failure): the plan, or
 * NULL with err out of memory. */
convert_plan *convert_finish(convert_state *s, mp_err *err);
/* Frees s without converting. NULL is a no-op. */
void convert_abandon(convert_state *s);

size_t convert_plan_len(const convert_plan *p);
const doc_node *convert_plan_obj(const convert_plan *p, size_t i);
/* Moves object i out (the slot becomes NULL); caller frees it. */
doc_node *convert_plan_take_obj(convert_plan *p, size_t i);
/* yaml_text plans: object i as one YAML document (doc_emit_yaml's text,
 * canonical key order; documents are joined with "---" lines), or NULL. */
const char *convert_plan_yaml(const convert_plan *p, size_t i, size_t *len);
size_t convert_plan_nwarn(const convert_plan *p);
const mp_warning *convert_plan_warn(const convert_plan *p, size_t i);
/* Ingresses in the input (read), those that got a VirtualService
 * (converted) and the rest (skipped: read - converted). */
size_t convert_plan_read(const convert_plan *p);
size_t convert_plan_converted(const convert_plan *p);
size_t convert_plan_skipped(const convert_plan *p);
/* Why Ingresses were skipped: the code of the finding that says why (MP401,
 * MP402, MP404, or the first error of an Ingress that got no route, e.g.
 * MP206; "" when there was none) and how many, in first-seen order. */
typedef struct {
    const char *code; /* static */
    size_t n;
} convert_skip;
size_t convert_plan_nskip(const convert_plan *p);
const convert_skip *convert_plan_skip(const convert_plan *p, size_t i);
/* Findings of the plan as it is now (after overrides too) of severity s. */
size_t convert_plan_count(const convert_plan *p, mp_severity s);
/* The run's closing line, e.g. "3 Ingresses read, 1 converted, 2 skipped
 * (1 MP401 class pause/disable, 1 MP206 rule without host); findings:
 * 2 errors, 1 warning, 3 info". The caller frees it; NULL out of memory. */
char *convert_plan_summary(const convert_plan *p);
void convert_plan_free(convert_plan *p);

/* Changing a plan after the run (the operator's edits, model/overlay.h).
 * replace and add take ownership of obj (freed on failure) and return 0,
 * or -1 when out of memory or i is out of range. */
int convert_plan_replace_obj(convert_plan *p, size_t i, doc_node *obj);
int convert_plan_add_obj(convert_plan *p, doc_node *obj);
/* Appends copies of w's warnings. Returns 0 or -1 (out of memory). */
int convert_plan_add_warnings(convert_plan *p, const mp_warnings *w);
/* Puts objects and warnings in the order convert_run gives them (key
 * order in each object, objects by namespace, kind, name; warnings grouped
 * by object); slots emptied by convert_plan_take_obj are dropped. */
void convert_plan_sort(convert_plan *p);

/* Label and annotation every generated object carries. */
#define CONVERT_MANAGED_LABEL     "app.kubernetes.io/managed-by"
#define CONVERT_MANAGED_VALUE     "meshpanel"
#define CONVERT_SOURCE_ANNOTATION "meshpanel.io/source"

#endif
