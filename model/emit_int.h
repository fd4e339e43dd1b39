/*
 * emit_int.h - what the two YAML encoders share (model/ only).
 *
 * emit_yaml.c writes canonical YAML directly; emit.c keeps libyaml's
 * emitter as the reference and as the fallback for the rare document the
 * direct encoder does not write byte for byte (emit_yaml.c says which).
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

#endif
