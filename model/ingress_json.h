/*
 * ingress_json.h - an Ingress decoded straight from its JSON bytes.
 *
 * The items of a `kubectl get ingress -A -o json` dump are plain
 * networking.k8s.io/v1 Ingresses. Building a tree for each (parse_json.c),
 * dropping its nulls and checking its metadata (kobj_flatten_item), then
 * decoding and owning its view (ingress_decode_at, ingress_view_own) costs
 * most of `convert -f` on such a dump; this decoder reads the same view
 * from the bytes in one pass, without a tree.
 *
 * It only takes what it is sure of, and declines everything else, costing
 * little, so that the caller then reads the item as a tree as before: a
 * null anywhere, a duplicate key anywhere, a key that is not plain ASCII
 * without escapes, a field of spec
 * it does not know (v1beta1 shapes, resource backends, anything odd), a
 * value of the wrong type, a name, host or port the tree path would
 * refuse, more than 64 keys in one object or nesting deeper than 64, or
 * anything that is not valid JSON as parse_json.c reads it. What it takes
 * is valid JSON, passes kobj_flatten_item's checks and decodes without an
 * error: the tree path would have given the same view and no message.
 *
 * Pure: no I/O, no global state.
 */
#ifndef MESHPANEL_INGRESS_JSON_H
#define MESHPANEL_INGRESS_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "model/ingress.h"
#include "model/parse.h"

/* The JSON value at buf (at most avail bytes; it ends at its closing
 * brace, whatever follows) as an Ingress: 1 with *out the owned view that
 * ingress_decode_at(tree, default_ns) then ingress_view_own(keep_ann)
 * would give (the caller frees it with ingress_view_free; its strings and
 * arrays are one block, v->packed) and *span the bytes of the value with
 * the line breaks among them; 0 declined (nothing allocated, *out and
 * *span untouched); -1 out of memory. default_ns NULL: "default". */
int ingress_json_decode(const char *buf, size_t avail, const char *default_ns,
                        bool (*keep_ann)(const char *key), ing_view *out, doc_span *span);

#endif
