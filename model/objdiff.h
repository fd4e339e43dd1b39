/*
 * objdiff.h - what changes between two versions of a Kubernetes object:
 * the noise filter, the canonical text both sides of a diff are made of,
 * and the summary of changed field paths.
 *
 * Noise is what the server writes and nobody edits: metadata.managedFields,
 * resourceVersion, uid, creationTimestamp, generation, selfLink, the
 * kubectl.kubernetes.io/last-applied-configuration annotation (and an
 * annotations map left empty by its removal), and status. The console's
 * diff view and `meshpanel diff` hide it on both sides.
 *
 * Changed paths compare two trees structurally, in the path syntax of the
 * converter's warnings: `spec.http[0].corsPolicy.allowOrigins[1]`,
 * `metadata.annotations["meshpanel.io/source"]`. Maps compare by key;
 * sequences by a longest common subsequence of equal items, so inserting
 * an item at the front reports one `added`, not every later index as
 * `changed`. An unmatched deleted item and an unmatched inserted item at
 * the same position that are both maps are compared field by field
 * (nested paths); an item that is removed at one index and added unchanged
 * at another is one `moved` entry. Scalars that differ are `changed`.
 *
 * Ownership: objdiff_canonical returns a malloc'd text (caller frees).
 * objdiff_paths fills a list the caller frees with objdiff_paths_free.
 * Pure: no I/O.
 */
#ifndef MESHPANEL_OBJDIFF_H
#define MESHPANEL_OBJDIFF_H

#include <stddef.h>

#include "model/doc.h"
#include "model/err.h"

/* Removes the noise fields from obj in place. */
void objdiff_strip_noise(doc_node *obj);

/* Canonical YAML of obj without noise (obj is not modified; a clone is
 * stripped), control characters other than newline and tab removed so the
 * text is safe to draw. obj NULL gives "". NULL with err on failure. */
char *objdiff_canonical(const doc_node *obj, mp_err *err);

typedef enum { OD_ADDED, OD_REMOVED, OD_CHANGED, OD_MOVED } od_change;

typedef struct {
    od_change change;
    char *path; /* in b's indexes for added/changed/moved, a's for removed */
    char *from; /* moved: the path in a; NULL otherwise */
} od_path;

typedef struct {
    od_path *items;
    size_t len, cap;
} od_paths;

/* Compares a and b (either may be NULL: the whole object is added or
 * removed, one entry with path ""), noise excluded, and appends changes in
 * document order of b (removals where a had them). Returns 0, or -1 when
 * out of memory. */
int objdiff_paths(const doc_node *a, const doc_node *b, od_paths *out);
void objdiff_paths_free(od_paths *p);
const char *od_change_name(od_change c); /* "added", "removed", "changed", "moved" */
/* "spec.http[0].corsPolicy.allowOrigins[1]: added" or
 * "spec.http[0]: moved from spec.http[2]"; malloc'd. */
char *od_path_format(const od_path *p);

#endif
