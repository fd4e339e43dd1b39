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

#include <stdint.h>

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

/* A YAML document written as it is described, without a tree: the calls
 * name the tree's nodes in order (yaml_w_key before each map value, the
 * root a map or sequence) and the text is what doc_emit_yaml writes for
 * that tree. The caller names a document root's keys in doc_emit_yaml's
 * order (apiVersion, kind, metadata, spec first). For the converter's
 * generated objects, whose trees exist only to be encoded once.
 * Ownership: out is the caller's, appended to; the strings are copied. */
#define YAML_W_DEPTH 24
typedef struct {
    bool map;
    int ind;  /* the indent of its entries or items */
    size_t n; /* entries or items so far */
} yaml_w_frame;
typedef struct {
    strbuf *out;
    size_t mark;     /* out->len at yaml_w_begin */
    size_t column;   /* libyaml's emitter state (emit_yaml.c) */
    bool whitespace; /* the last thing written was blank */
    bool indention;  /* only indentation (or "- ") on the line so far */
    int open_ended;
    bool bail; /* a scalar only libyaml writes, or nested too deep */
    int depth;
    yaml_w_frame f[YAML_W_DEPTH];
} yaml_w;
void yaml_w_begin(yaml_w *w, strbuf *out);
void yaml_w_key(yaml_w *w, const char *key);
/* yaml_w_key for a key the caller knows to be plain as it is, with its
 * length (no scan): a literal such as "metadata" (a letter first, then
 * letters, digits and . / _ -, not a YAML 1.1 word such as "on", at most
 * 128 bytes). YAML_W_KEY takes string literals only. The converter's text
 * mode writes its keys so; test_convert_stream and the golden tests
 * compare that text with the tree path's, whose encoder scans every key. */
void yaml_w_key_plain(yaml_w *w, const char *key, size_t len);
#define YAML_W_KEY(w, lit) yaml_w_key_plain((w), "" lit, sizeof(lit) - 1)
/* A scalar of type t whose canonical text is s[0..len) (as doc_node's). */
void yaml_w_scalar(yaml_w *w, doc_type t, const char *s, size_t len);
void yaml_w_str(yaml_w *w, const char *s); /* a string scalar (DOC_STR) */
/* yaml_w_str for a string the caller knows to be plain as it is, with its
 * length (a literal such as "VirtualService": a letter or '/' first, no
 * ':', '#' or byte outside printable ASCII, no space at the end, not a
 * YAML 1.1 word), checked as YAML_W_KEY's keys are. */
void yaml_w_str_plain(yaml_w *w, const char *s, size_t len);
#define YAML_W_STR(w, lit) yaml_w_str_plain((w), "" lit, sizeof(lit) - 1)
/* yaml_w_str of s[0..len) (a string whose length the caller has). */
void yaml_w_strn(yaml_w *w, const char *s, size_t len);
/* Whether yaml_w_str writes s[0..len) as it is, plain (yaml_w_str_plain's
 * condition). */
bool yaml_w_is_plain(const char *s, size_t len);
/* A piece of the text yaml_w_entries_of writes: a literal, or a string
 * value (checked with yaml_w_is_plain; len SIZE_MAX: measured). */
typedef struct {
    const char *s;
    size_t len;
    bool value;
} yaml_w_part;
#define YAML_W_LIT(lit)   ((yaml_w_part){"" lit, sizeof(lit) - 1, false})
#define YAML_W_VAL(s)     ((yaml_w_part){(s), SIZE_MAX, true})
#define YAML_W_VALN(s, n) ((yaml_w_part){(s), (n), true})
/* The entries of the innermost open map written at once by a caller that
 * knows their text (a generated object's fixed head, a plain route): the
 * parts joined are what yaml_w_key / yaml_w_str / yaml_w_int... calls
 * would write from the first key (its line break and indentation left
 * out: written here as yaml_w_key writes them) to the last key's ':',
 * whose value the next call writes, or to the end of a plain scalar that
 * ends an entry (the collections in between closed, none empty); nkeys
 * keys, each plain as YAML_W_KEY's. False, nothing written, when a value
 * is not yaml_w_is_plain or the text is over 2 KiB (the caller writes the
 * entries one by one then). test_emit_yaml holds examples to the calls
 * they stand for. */
bool yaml_w_entries_of(yaml_w *w, size_t nkeys, const yaml_w_part *parts, size_t n);
void yaml_w_int(yaml_w *w, long long v);
void yaml_w_bool(yaml_w *w, bool v);
/* The tree n as the next value, with doc_emit_yaml's bytes for it there
 * (a document's root keys in its order when n is the root). */
void yaml_w_node(yaml_w *w, const doc_node *n);
void yaml_w_map(yaml_w *w); /* opens a map; yaml_w_end closes it */
void yaml_w_seq(yaml_w *w);
void yaml_w_end(yaml_w *w);
/* Ends the document. False when the text holds what only libyaml writes
 * byte for byte (as emit_yaml_direct; then out is as it was at
 * yaml_w_begin and the caller builds the tree instead); out of memory
 * shows in out->oom. */
bool yaml_w_end_doc(yaml_w *w);

/* True when s must be quoted to stay a string under YAML 1.1. */
bool doc_needs_quotes(const char *s, size_t len);

#endif
