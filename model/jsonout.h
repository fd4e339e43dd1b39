/*
 * jsonout.h - doc trees out as pretty JSON, straight into a buffer.
 *
 * `get -o json` prints tens of thousands of objects: going through cJSON
 * (doc_emit_json) builds a second tree per object, prints it with tabs and
 * then rewrites the text to replace the tabs and escape controls, three
 * passes and a malloc per node. This writer walks the doc tree once and
 * appends the same bytes: byte for byte what doc_emit_json(doc, true, ...)
 * returns (cJSON's layout, tabs as two spaces, C0/C1/bidi controls and
 * invalid UTF-8 escaped as \uXXXX, numbers as written), which
 * tests/unit/test_jsonout.c checks on every tree of the test corpora.
 *
 * Ownership: appends to the caller's strbuf (NUL-terminated after it).
 * Pure: no I/O, no global state.
 */
#ifndef MESHPANEL_JSONOUT_H
#define MESHPANEL_JSONOUT_H

#include "model/doc.h"
#include "model/err.h"
#include "model/strbuf.h"

/* Appends doc as doc_emit_json(doc, true) would return it, with indent
 * spaces after every newline (the caller writes the first line's indent and
 * the final newline: a list item in a kubectl-style list is indented by 4).
 * Returns 0, or -1 out of memory (err says so; sb then holds a partial
 * text). */
int doc_json_append(strbuf *sb, const doc_node *doc, size_t indent, mp_err *err);

#endif
