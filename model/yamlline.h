/*
 * yamlline.h - which line of an object's YAML holds a field, so a screen
 * can scroll to the field a finding names (the console's :problems).
 *
 * Paths are docpath syntax (model/docpath.h); the converter's "[]" (an
 * item of a list, any) reads as the first item. A path that goes further
 * than the object does falls back to its longest existing prefix. Pure:
 * no I/O; doc is not modified (a copy is marked and emitted).
 */
#ifndef MESHPANEL_YAMLLINE_H
#define MESHPANEL_YAMLLINE_H

#include "model/doc.h"

/* The 0-based line of doc_emit_yaml(doc) where the value at path starts
 * (a map's or list's: its first scalar), -1 when even the object cannot be
 * emitted. "" is line 0. */
long yaml_line_of(const doc_node *doc, const char *path);

#endif
