/*
 * lint_int.h - what the lint files share: the set's items, the indexes
 * lint_prepare builds, the policy's fields and the finding helpers.
 * Internal to model/lint*.c.
 */
#ifndef MESHPANEL_LINT_INT_H
#define MESHPANEL_LINT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "model/hmap.h"
#include "model/lint.h"

/* ---- policy ---- */

typedef struct {
    char **v;
    size_t n;
} strv;

struct lint_policy {
    char *tenant_prefix;
    strv platform;     /* platform domains, lower case */
    strv denied;       /* denied suffixes */
    hmap custom;       /* custom domain -> index into custom_ns */
    strv custom_ns;    /* the tenant of each custom domain (parallel to custom_dom) */
    strv custom_dom;   /* the domains, for the wildcard rule */
    char *gw_ns;       /* gateway workload namespace */
    char *selector;    /* canonical "k=v,k=v" of the gateway pods' labels */
    char *istio_label; /* value of the selector's "istio" label, for the converter */
    char *shared;      /* "ns/name" or NULL: conversion in shared mode */
    strv allowed_refs; /* "ns/name", or "ns/" + "*" for all of ns */
    char *domain_suffix;
};

/* Where host sits on label boundaries: the suffix of the list it is
 * strictly under ("a.b.c" under "b.c"; not "b.c" itself), or NULL. */
const char *lint_domain_under(const strv *list, const char *host);
/* The tenant namespace whose custom domain host is (equal or under), or
 * NULL; *domain receives the matching domain. */
const char *lint_custom_owner(const lint_policy *p, const char *host, const char **domain);
bool lint_tenant_ns(const lint_policy *p, const char *ns);

/* ---- set ---- */

typedef struct {
    const doc_node *doc;
    lint_origin origin;
    const char *kind, *ns, *name; /* ns "" when none */
    const char *created;          /* creationTimestamp, or "~" (newest) */
} lint_item;

typedef struct {
    char *host, *target;
    lint_dns_status st;
} lint_dns_answer;

struct lint_set {
    lint_item *items;
    size_t n, cap;
    size_t *ids, idcap; /* by kind, ns and name: open addressing, item index + 1 (0: empty) */
    mp_warnings conv;
    unsigned char *conv_ref; /* conv.items[i] borrowed (lint_set_ref_warnings), cap conv_refcap */
    size_t conv_refcap;
    hmap known; /* "kind\x1fns" or "kind\x1f" (every namespace) */
    lint_dns_answer *dns;
    size_t ndns, capdns;
    hmap dns_idx;
};

const lint_item *lint_set_find(const lint_set *s, const char *kind, const char *ns,
                               const char *name);
bool lint_set_known(const lint_set *s, const char *kind, const char *ns);
const lint_dns_answer *lint_set_dns_get(const lint_set *s, const char *host);

/* ---- context ---- */

/* Up to two different holders of one key (a host, a certificate, a
 * gateway binding): the first by (created, ns, name) and another one. */
typedef struct {
    long best, other;
} lint_pair;

typedef struct {
    hmap idx;
    lint_pair *v;
    size_t n, cap;
} lint_pairs;

typedef struct {
    bool explicit_cut; /* an Ingress or generated object says cut-over/retired */
    long since;        /* its first live meshpanel VirtualService, or -1 */
} lint_ns;

struct lint_ctx {
    const lint_set *s;
    const lint_policy *p;
    hmap ns_idx; /* namespace -> nss */
    lint_ns *nss;
    size_t nns, capns;
    lint_pairs hosts; /* host claims, by namespace: best and another namespace */
    lint_pairs certs; /* selector + credentialName -> Gateways */
    lint_pairs binds; /* selector + port + host -> Gateways */
    hmap generated;   /* "ns/name" of Ingresses a live meshpanel object names */
    hmap issued;      /* "ns\x1fsecret" a cert-manager Certificate writes */
    bool *derived;    /* lint_derived of each item, decided once */
    size_t prep_at;   /* lint_prepare_step: items done */
};

/* One host a check looks at: its text (lower case, no "ns/" prefix, no
 * trailing dot) and path. */
typedef struct {
    char host[256];
    char path[128];
} lint_host;

/* Calls fn for each host of item that claims traffic (Ingress rule hosts,
 * a gateway-bound VirtualService's hosts) or, with servers, also Gateway
 * server hosts. Stops and returns -1 when fn does. */
typedef int (*lint_host_fn)(const lint_item *it, const lint_host *h, void *ud);
int lint_item_hosts(const lint_item *it, bool servers, lint_host_fn fn, void *ud);
/* True when the VirtualService is bound to a Gateway (not the mesh only). */
bool lint_vs_on_gateway(const doc_node *vs);

/* A planned object generated from Ingresses that are all in the set: the
 * finding belongs on the Ingress, not here too. */
bool lint_derived(const lint_ctx *c, const lint_item *it);
bool lint_derived_of(const lint_ctx *c, const lint_item *it); /* not cached */
const lint_ns *lint_ctx_ns(const lint_ctx *c, const char *ns);
/* The item at index i of the set; NULL when i < 0. */
const lint_item *lint_ctx_item(const lint_ctx *c, long i);

/* Keyed pairs: records item i under key, keeping the first by (created,
 * ns, name) as best and another holder: of another namespace when by_ns,
 * else another object. The object lint_check_object checks replaces its
 * namesake, which is the same holder, so it never sees itself. */
int lint_pairs_add(lint_pairs *ps, const lint_ctx *c, const char *key, long i, bool by_ns);
const lint_pair *lint_pairs_get(const lint_pairs *ps, const char *key);
void lint_pairs_free(lint_pairs *ps);
/* The holder of key that is not it (another namespace when by_ns, else
 * another object), preferring the best; -1 when none. */
long lint_pairs_other(const lint_ctx *c, const lint_pairs *ps, const char *key, const lint_item *it,
                      bool by_ns);

/* ---- findings ---- */

typedef struct {
    lint_ctx *c;
    lint_findings *out;
    bool oom;
} lint_run_state;

/* Appends a finding for it at path; rel may be NULL. The message is
 * printf-style; hint is a fixed sentence or NULL (the code table's). */
void lint_add(lint_run_state *r, const char *code, mp_severity sev, const lint_item *it,
              const char *path, const lint_item *rel, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));
int lint_findings_push(lint_findings *f, const lint_finding *x);
/* Gives back the list's unused room (a complete list is kept until the next run). */
void lint_findings_trim(lint_findings *f);
lint_findings *lint_findings_new(void);
void lint_findings_sort(lint_findings *f);
/* Sorts the findings from index from on (a namespace's, appended last). */
void lint_findings_sort_from(lint_findings *f, size_t from);
bool lint_findings_sorted(const lint_findings *f);

/* The checks, one file each; every check looks at one item. */
void lint_check_hosts(lint_run_state *r, const lint_item *it);
void lint_check_gateway(lint_run_state *r, const lint_item *it);
void lint_check_tls(lint_run_state *r, const lint_item *it);
void lint_check_routes(lint_run_state *r, const lint_item *it);
void lint_check_cutover(lint_run_state *r, const lint_item *it);
/* The converter's findings (all, or those of one object). */
void lint_check_conversion(lint_run_state *r, const lint_item *only);
/* The converter's findings [from, to) of the set. */
void lint_check_conversion_range(lint_run_state *r, size_t from, size_t to);
/* Index building of the checks that compare objects. */
int lint_index_hosts(lint_ctx *c, long i);
int lint_index_gateway(lint_ctx *c, long i);
int lint_index_cutover(lint_ctx *c, long i);
int lint_index_tls(lint_ctx *c, long i);

/* Helpers */
const char *lint_ref_ns(const char *ref, const char *dflt, char *ns, size_t n, const char **name);
char *lint_selector(const doc_node *sel, char *buf, size_t n);
bool lint_str_eq(const char *a, const char *b);

#endif
