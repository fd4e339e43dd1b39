/*
 * emit_int.h - what the two YAML encoders share (model/ only).
 *
 * emit_yaml.c writes canonical YAML directly, emit_json.c JSON; emit.c
 * keeps libyaml's emitter and cJSON as the references and as the fallback
 * for what the direct encoders do not write byte for byte themselves.
 *
 * Ownership: as emit.h; out is the caller's buffer, appended to.
 */
#ifndef MESHPANEL_EMIT_INT_H
#define MESHPANEL_EMIT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "model/doc.h"
#include "model/err.h"
#include "model/strbuf.h"

/* Kubernetes objects read best with identity first, then the spec. */
extern const char *const emit_top_order[];
#define EMIT_NTOP 4
bool emit_is_top_key(const char *k);
/* A map whose first keys are reordered: a document's root with apiVersion or kind. */
bool emit_reorders(const doc_node *n, bool top);

/* A C1 or bidi control anywhere in s: such a string is double-quoted. */
bool emit_has_wide_control(const char *s, size_t n);

/* One document written directly (emit_yaml.c) and appended to out; false,
 * out as it was, when it holds what only libyaml writes byte for byte. */
bool emit_yaml_direct(const doc_node *doc, strbuf *out);

/* One document through libyaml appended to out, wide controls escaped:
 * the bytes doc_emit_yaml_libyaml gives for it. 0, or -1 with err. */
int emit_yaml_libyaml_doc(const doc_node *doc, strbuf *out, mp_err *err);

/* The reference: the whole stream through libyaml's emitter, as
 * doc_emit_yaml_stream wrote it before the direct encoder. */
char *doc_emit_yaml_libyaml(doc_node *const *docs, size_t n, size_t *len, mp_err *err);

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?: JSON says it as written. */
bool emit_is_json_number(const char *s);
/* cJSON's unformatted text of an int or float scalar that JSON does not
 * spell as written (0x1F, 1_000, .inf), malloc'd; NULL out of memory. */
char *emit_json_number_cjson(const doc_node *n);

/* The references: JSON through cJSON, as doc_emit_json and
 * doc_emit_json_array wrote it before the direct writer (emit_json.c). */
char *doc_emit_json_cjson(const doc_node *doc, bool pretty, size_t *len, mp_err *err);
char *doc_emit_json_array_cjson(doc_node *const *docs, size_t n, bool pretty, size_t *len,
                                mp_err *err);

#endif
