/*
 * mergepatch.h - the JSON merge patch (RFC 7386) that turns one object into
 * another: what meshpanel sends to change an Ingress it read, with the
 * resourceVersion it read as a precondition, so a concurrent edit is a 409
 * instead of being overwritten.
 *
 * Maps are diffed key by key (a key only in from becomes null, i.e.
 * removed); anything else that differs is replaced whole (a merge patch
 * cannot edit a list in place). A null inside to cannot be expressed and
 * must not occur (kobj_drop_nulls).
 *
 * Ownership: the patch is the caller's. Pure: no I/O.
 */
#ifndef MESHPANEL_MERGEPATCH_H
#define MESHPANEL_MERGEPATCH_H

#include "model/doc.h"

/* An empty map when from and to are equal; NULL when out of memory. */
doc_node *merge_patch_diff(const doc_node *from, const doc_node *to);

/* target with patch applied (RFC 7386: null removes, maps merge, the rest
 * replaces): a local picture of what a server-side apply of patch onto
 * target gives when nobody else owns the fields. NULL when out of
 * memory. */
doc_node *merge_patch_apply(const doc_node *target, const doc_node *patch);

#endif
