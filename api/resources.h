/*
 * resources.h - Kubernetes resource operations for meshpanel's kinds.
 *
 * A kclient is a connection (khttp) plus what was learnt from the server:
 * which version of each CRD group is served (discovery, preferring
 * networking.istio.io v1, then v1beta1, then v1alpha3). Operations:
 *
 *   list    paginated (limit + continue, default 500 per page), one namespace
 *           or all, label selector; each item is parsed on its own from the
 *           response stream and handed to a callback, so a 10,000-item list
 *           never exists as one tree; page N+1 is asked as soon as page N's
 *           continue token arrives (http_bg.h), at most two pages in flight;
 *   get, create, update (needs metadata.resourceVersion: optimistic
 *           concurrency, a stale one is a 409), server-side apply
 *           (application/apply-patch+yaml, fieldManager=meshpanel, force only
 *           when asked), delete with uid + resourceVersion preconditions;
 *           dry_run adds dryRun=All (validated and admitted, never stored).
 *
 * Secrets are metadata-only: every Secret request asks for
 * PartialObjectMetadata(List) and any data/stringData a misbehaving server
 * sends anyway is dropped on arrival. meshpanel never writes Secrets.
 *
 * Items and results come back as doc trees with apiVersion and kind set
 * (list items lack them on the wire). Errors are khttp's one-line messages.
 *
 * Ownership: kclient_new takes ownership of the kube_conn. Trees handed to
 * callers (list callback, *out) belong to the caller. Blocking calls; the
 * non-blocking path for the console is watch.h. Not thread-safe.
 */
#ifndef MESHPANEL_RESOURCES_H
#define MESHPANEL_RESOURCES_H

#include <stdbool.h>

#include "api/http.h"
#include "api/kinds.h"
#include "api/kubeconfig.h"
#include "model/doc.h"
#include "model/err.h"
#include "model/json_reindent.h"
#include "model/kname.h"

#define KLIST_DEFAULT_LIMIT 500
#define KFIELD_MANAGER      "meshpanel"

typedef struct kclient kclient;

kclient *kclient_new(kube_conn *conn, const khttp_opts *opts, mp_err *err);
void kclient_free(kclient *c);
const kube_conn *kclient_conn(const kclient *c);
khttp *kclient_http(kclient *c);

/* The version of k the server serves (discovery for CRD groups, cached).
 * Error when the group is absent: "the server does not serve
 * networking.istio.io (are the Istio CRDs installed?)". */
int kclient_version(kclient *c, const kkind *k, const char **version, mp_err *err);

/* The same without a request, for callers that must not block (watch.c):
 * the version when it is known (built-in kinds, or a group discovered
 * before), else NULL. */
const char *kclient_cached_version(const kclient *c, const kkind *k);
/* Where discovery of k's group is asked ("/apis/networking.istio.io"). */
void kclient_discovery_path(const kkind *k, char *buf, size_t n);
/* Takes the body of a 200 answer to that request: picks the version
 * meshpanel speaks, caches it for every later caller and sets *version.
 * -1 with err when the document is not discovery or lists none of ours. */
int kclient_put_discovery(kclient *c, const kkind *k, const char *body, size_t len,
                          const char **version, mp_err *err);
/* The error for a 404 on discovery: the group is not served. Returns -1. */
int kclient_group_absent(const kkind *k, mp_err *err);

/* Collection or object path: ns NULL = all namespaces / cluster-scoped,
 * name NULL = collection. Returns a malloc'd path. */
char *kclient_path(const kkind *k, const char *version, const char *ns, const char *name);

/* A list that goes past these is refused, not read on forever: a server
 * whose continue chain never ends, or that answers more objects than a
 * cluster holds (etcd-backed clusters stay far below a million objects of
 * one kind). The same continue token twice in a row is refused at once. */
#define KLIST_MAX_ITEMS 1000000
#define KLIST_MAX_PAGES 10000

typedef struct {
    const char *ns;       /* NULL: all namespaces (namespaced kinds) */
    const char *selector; /* label selector or NULL */
    long limit;           /* page size; 0: KLIST_DEFAULT_LIMIT */
    long max_items;       /* 0: KLIST_MAX_ITEMS */
    long max_pages;       /* 0: KLIST_MAX_PAGES */
    /* Items built as arena trees (model/doc.h): one free per block instead
     * of one per node, for a caller that frees each item before the next
     * (convert -A); an item kept costs its blocks (4 KiB and up). */
    bool arena_items;
} klist_opts;

/* The error of a list past its caps (cont: the page's continue token,
 * prev: the one before). 0 when the list may go on. */
int klist_check_caps(const klist_opts *o, long items, long pages, const char *cont,
                     const char *prev, const char *what, mp_err *err);

/* Receives each item (the callee owns it). Return 0 to go on, -1 to stop
 * the list (kclient_list then fails with the callback's err). */
typedef int (*kitem_fn)(doc_node *item, void *ud, mp_err *err);

/* Lists every page. rv (may be NULL) receives the list's resourceVersion
 * (malloc'd), the point a watch resumes from. */
int kclient_list(kclient *c, const kkind *k, const klist_opts *o, kitem_fn fn, void *ud, char **rv,
                 mp_err *err);

/* `get -o json`'s list: each item as the text doc_json_append(sb, item,
 * indent) writes for the tree kclient_list would hand over (with
 * drop_managed_fields: metadata.managedFields deleted first). Items are
 * written in one pass without a tree when model/json_reindent.h can, else
 * through the tree; same items, same bytes, same errors either way. The
 * text is valid during the call only. */
typedef struct {
    size_t indent;
    bool drop_managed_fields;
} kjson_opts;
typedef int (*kjson_fn)(const char *json, size_t len, void *ud, mp_err *err);
int kclient_list_json(kclient *c, const kkind *k, const klist_opts *o, const kjson_opts *jo,
                      kjson_fn fn, void *ud, char **rv, mp_err *err);

/* Whether the names json_reindent found in an item of kind k pass
 * kname_check_object (false also when it cannot tell): kclient_list_json
 * takes the one-pass text only then (the tree path gives the error). */
bool kclient_names_ok(const kkind *k, const jr_info *in);

int kclient_get(kclient *c, const kkind *k, const char *ns, const char *name, doc_node **out,
                mp_err *err);

typedef struct {
    bool dry_run; /* dryRun=All */
    bool force;   /* apply: take over fields other managers own */
} kwrite_opts;

/* Writes use the object's own apiVersion, kind, namespace and name; a
 * namespaced object without a namespace is an error (the CLI fills it in). */
int kclient_create(kclient *c, const doc_node *obj, const kwrite_opts *o, doc_node **out,
                   mp_err *err);
int kclient_update(kclient *c, const doc_node *obj, const kwrite_opts *o, doc_node **out,
                   mp_err *err);
int kclient_apply(kclient *c, const doc_node *obj, const kwrite_opts *o, doc_node **out,
                  mp_err *err);
/* JSON merge patch (application/merge-patch+json) of k ns/name; a
 * metadata.resourceVersion (or uid) inside the patch is a precondition:
 * a stale one is a 409 and nothing changes. */
int kclient_merge_patch(kclient *c, const kkind *k, const char *ns, const char *name,
                        const doc_node *patch, const kwrite_opts *o, doc_node **out, mp_err *err);
/* uid / rv (may be NULL) become DeleteOptions preconditions. */
int kclient_delete(kclient *c, const kkind *k, const char *ns, const char *name, const char *uid,
                   const char *rv, const kwrite_opts *o, mp_err *err);

/* Fills in apiVersion/kind of a list item and drops Secret data: what
 * every item from the wire goes through (watch.c uses it too). */
int kclient_fix_item(const kkind *k, const char *version, doc_node *item, mp_err *err);
/* What fixing a list's items needs of its kind and version, made once per
 * list: the items' apiVersion (group/version, or version for the core
 * group, cut at 127 bytes) and the rule for their names (kname_rule_for). */
typedef struct {
    char av[128];
    kname_rule name_rule;
    const char *type_keys[3]; /* "apiVersion", "kind", "metadata" as the shared table's */
} kitem_fix;
void kclient_item_fix_init(kitem_fix *f, const kkind *k, const char *version);
/* kclient_fix_item with f made for k and the items' version. */
int kclient_fix_item_with(const kkind *k, const kitem_fix *f, doc_node *item, mp_err *err);

#endif
