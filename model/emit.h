/*
 * emit.h - doc trees out as canonical YAML or JSON, written directly
 * (emit_yaml.c, emit_json.c) with the bytes libyaml's emitter and cJSON
 * write (emit.c keeps those as the references; emit_int.h).
 *
 * Canonical YAML: 2-space indent, block style, map keys in tree order
 * except that a Kubernetes object's top level starts with apiVersion, kind,
 * metadata, spec; strings that a YAML 1.1 reader would take for something
 * else ("300", "on", "*", "", "null") are double-quoted, multi-line strings
 * use literal style. Identical trees give byte-identical output.
 *
 * Ownership: returned buffers are malloc'd, NUL-terminated, caller frees.
 */
#ifndef MESHPANEL_EMIT_H
#define MESHPANEL_EMIT_H

#include "model/doc.h"
#include "model/err.h"
#include "model/strbuf.h"

/* One YAML document (no leading "---"). NULL on failure. */
char *doc_emit_yaml(const doc_node *doc, size_t *len, mp_err *err);
/* Several documents joined with "---" lines. */
char *doc_emit_yaml_stream(doc_node *const *docs, size_t n, size_t *len, mp_err *err);
/* JSON; pretty adds newlines and 2-space indent. */
char *doc_emit_json(const doc_node *doc, bool pretty, size_t *len, mp_err *err);
/* Appends what doc_emit_json(doc, true) returns to sb, with indent spaces
 * after every newline (the caller writes the first line's indent and the
 * final newline: an item of a kubectl-style List is indented by 4).
 * Returns 0, or -1 out of memory (sb may then hold part of the text). */
int doc_json_append(strbuf *sb, const doc_node *doc, size_t indent, mp_err *err);
/* A JSON array of documents (kubectl-style List is the caller's job). */
char *doc_emit_json_array(doc_node *const *docs, size_t n, bool pretty, size_t *len, mp_err *err);

/* True when s must be quoted to stay a string under YAML 1.1. */
bool doc_needs_quotes(const char *s, size_t len);

#endif
