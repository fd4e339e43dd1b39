/*
 * kobj.h - Kubernetes object conventions over doc trees.
 *
 * An object is a doc map with apiVersion, kind and metadata. These helpers
 * read and write the common fields and turn parsed document lists into flat
 * object lists (expanding `kind: List` and `*List` items).
 *
 * Ownership: getters return borrowed strings from the tree.
 */
#ifndef MESHPANEL_KOBJ_H
#define MESHPANEL_KOBJ_H

#include "model/doc.h"
#include "model/err.h"
#include "model/parse.h"

const char *kobj_api_version(const doc_node *obj);
const char *kobj_kind(const doc_node *obj);
const char *kobj_name(const doc_node *obj);
const char *kobj_namespace(const doc_node *obj); /* NULL when unset */
const char *kobj_uid(const doc_node *obj);
const char *kobj_resource_version(const doc_node *obj);
const char *kobj_label(const doc_node *obj, const char *key);
const char *kobj_annotation(const doc_node *obj, const char *key);
/* API group of apiVersion ("" for core "v1"); writes into buf. */
const char *kobj_group(const doc_node *obj, char *buf, size_t n);

int kobj_set_label(doc_node *obj, const char *key, const char *value);
int kobj_set_annotation(doc_node *obj, const char *key, const char *value);
int kobj_set_namespace(doc_node *obj, const char *ns);

/* "ingress ns-a/web" (lower-case kind, namespace/name) for messages. */
const char *kobj_ref(const doc_node *obj, char *buf, size_t n);

/* Removes every map entry whose value is null, at any depth (list items
 * stay): the API server reads a null optional field as absent, so
 * `annotations:` or `tls:` with nothing after it means "none". */
void kobj_drop_nulls(doc_node *n);

/* Moves every object of in into out, expanding List kinds, after dropping
 * their null fields (kobj_drop_nulls). Every document that is not a map
 * with apiVersion, kind and metadata.name adds one line to errs,
 *   "SOURCE:LINE: doc N: metadata.name: missing"
 * (LINE of the offending field; "SOURCE: doc N: ..." when the tree has no
 * positions, as JSON), and is dropped. Returns the number of such
 * documents (0: all good), or -1 when errs ran out of memory. in is left
 * empty. */
int kobj_flatten_all(doc_list *in, doc_list *out, const char *source, mp_errlist *errs);
/* One document of kobj_flatten_all (taken), the index-th (1-based) of
 * source: its objects are appended to out. Returns the number of bad
 * objects (one line each in errs). */
int kobj_flatten_doc(doc_node *d, size_t index, doc_list *out, const char *source,
                     mp_errlist *errs);
/* Item i (0-based) of the List that is document index of source, handed
 * out alone (doc_reader_next_item): what kobj_flatten_doc does with each
 * item of that List, the same line ("doc N: items[i]") when it is bad. */
int kobj_flatten_item(doc_node *item, size_t index, size_t i, doc_list *out, const char *source,
                      mp_errlist *errs);
/* Whether kobj_flatten_doc expands d item by item: a sequence, or a map
 * whose kind ends in "List" with an items sequence (null fields dropped:
 * a null kind or items is absent). */
bool kobj_is_list(const doc_node *d);
/* The same, failing with the first bad document's line in err. */
int kobj_flatten(doc_list *in, doc_list *out, const char *source, mp_err *err);

#endif
