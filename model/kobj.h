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

/* Moves every object of in into out, expanding List kinds. Documents that
 * are not maps with apiVersion, kind and metadata.name are an error naming
 * source and document index (1-based). in is left empty. */
int kobj_flatten(doc_list *in, doc_list *out, const char *source, mp_err *err);

#endif
