/*
 * docpath.h - fields of a doc tree addressed by path strings.
 *
 * The syntax is the one warnings and the changed-paths summary print:
 * map keys joined by '.', sequence indexes in brackets, and keys that hold
 * characters other than [A-Za-z0-9_-] quoted in brackets:
 *
 *     spec.http[0].corsPolicy.allowOrigins[1].exact
 *     metadata.annotations["meshpanel.io/source"]
 *
 * The forms bind each field to a path rather than to a node, so a field
 * survives undo (which swaps whole trees) and re-conversion.
 *
 * Ownership: docpath_get returns a borrowed node; docpath_set takes
 * ownership of value (freed on failure). Pure: no I/O.
 */
#ifndef MESHPANEL_DOCPATH_H
#define MESHPANEL_DOCPATH_H

#include <stdbool.h>
#include <stddef.h>

#include "model/doc.h"

/* The node at path, or NULL when any step is missing or of another kind.
 * "" is the root itself. */
doc_node *docpath_get(const doc_node *root, const char *path);
/* Text of the scalar at path, or NULL. */
const char *docpath_str(const doc_node *root, const char *path);

/* Puts value at path, creating missing maps (and sequences where the next
 * step is an index) on the way. An index equal to the sequence's length
 * appends; a larger one fails. Returns 0, or -1 when a step exists with
 * another kind, an index is out of range, or out of memory. */
int docpath_set(doc_node *root, const char *path, doc_node *value);
int docpath_set_str(doc_node *root, const char *path, const char *s);

/* Removes the node at path (a map key or a sequence item); when prune is
 * true, maps and sequences left empty on the way up are removed too (never
 * the root). Returns 1 when something was removed, 0 when nothing was
 * there, -1 on a malformed path. */
int docpath_del(doc_node *root, const char *path, bool prune);

/* Moves sequence item `from` of the sequence at path to index `to`
 * (the others shift). Returns 0, or -1 when out of range. */
int docpath_move(doc_node *root, const char *path, size_t from, size_t to);
/* Inserts value as item `at` of the sequence at path (created when absent);
 * takes ownership of value. Returns 0 or -1. */
int docpath_insert(doc_node *root, const char *path, size_t at, doc_node *value);

/* Appends ".key", "[\"k.e.y\"]" or "[i]" to a path in buf (truncating
 * safely at n). Returns buf. */
char *docpath_key(char *buf, size_t n, const char *base, const char *key);
char *docpath_index(char *buf, size_t n, const char *base, size_t i);

/* base joined with a relative path of plain steps ("tls.mode",
 * "destination.port.number"): "base.tls.mode". Returns buf. */
char *docpath_join(char *buf, size_t n, const char *base, const char *rel);

/* Validates path syntax. */
bool docpath_valid(const char *path);

#endif
