/*
 * parse.h - YAML (libyaml) and JSON (cJSON) buffers into doc trees.
 *
 * A buffer may hold several YAML documents; each becomes one tree in a
 * doc_list. Anchors and aliases are expanded (the alias becomes a copy), so
 * trees never share nodes. Empty documents are skipped. Parsing is from
 * memory only: api/ reads files and hands the bytes here.
 *
 * Ownership: the doc_list owns its trees; doc_list_free frees them all.
 * doc_list_take() moves one tree out to the caller.
 */
#ifndef MESHPANEL_PARSE_H
#define MESHPANEL_PARSE_H

#include "model/doc.h"
#include "model/err.h"

typedef struct {
    doc_node **docs;
    size_t len;
    size_t cap;
} doc_list;

void doc_list_init(doc_list *l);
void doc_list_free(doc_list *l);
int doc_list_push(doc_list *l, doc_node *d);    /* takes ownership */
doc_node *doc_list_take(doc_list *l, size_t i); /* leaves NULL behind */

/* Limits guard against hostile input (billion laughs, huge objects). */
#define DOC_MAX_DEPTH 256
/* Nodes that aliases may add to one stream by copying their anchor: legit
 * manifests use a few small anchors, a YAML bomb needs millions. 400,000 is
 * where go-yaml (kubectl) starts refusing excessive aliasing; at 1,000,000 a
 * 362-byte bomb of long scalars took 3.6 s to refuse (fuzz_yaml). */
#define DOC_MAX_ALIAS_NODES 400000u
/* Keys of one map. No Kubernetes object can hold more: etcd stores at most
 * 1.5 MiB per object and every key costs bytes (a label map of 262,144
 * one-character keys is already past it). Decoding is linear (hash-indexed
 * keys, bench/parse_bench.c), this bounds its time and memory per map:
 * "a map with more than 262144 keys: refused". */
#define DOC_MAX_MAP_KEYS 262144u

/* Parses YAML (one or more documents) and appends the trees to out.
 * name is used in error messages only ("web.yaml", "-", "<api>").
 * Returns 0, or -1 with err naming name, document index, line and column. */
int doc_parse_yaml(const char *buf, size_t len, const char *name, doc_list *out, mp_err *err);
/* Parses one JSON value (an object or array) and appends it to out. */
int doc_parse_json(const char *buf, size_t len, const char *name, doc_list *out, mp_err *err);
/* JSON when the first non-blank byte is '{' or '[', YAML otherwise. */
int doc_parse_auto(const char *buf, size_t len, const char *name, doc_list *out, mp_err *err);

/* The same documents as doc_parse_auto, handed out one at a time so that
 * a caller can free each before the next is built: a failure after some
 * documents were handed out is doc_parse_auto's error, at its position.
 * Each document is an arena tree (doc.h): doc_free of it is one free per
 * block. buf is borrowed until doc_reader_free. NULL with err when the
 * parser cannot start. */
typedef struct doc_reader doc_reader;
doc_reader *doc_reader_new(const char *buf, size_t len, const char *name, mp_err *err);
/* 1 and the next document in *out (the caller's), 0 after the last, -1
 * with err as doc_parse_auto would fail (the reader cannot go on). */
int doc_reader_next(doc_reader *r, doc_node **out, mp_err *err);
/* doc_reader_next that hands out the items of a JSON List one at a time,
 * each its own tree, the List never built: a JSON document for which
 * is_list (kobj_is_list) is true of the document with its items array
 * empty (a top-level array: of an empty sequence). *doc is the
 * document's index (1-based, as doc_parse_auto counts), *item the item's
 * (0-based) or DOC_READER_WHOLE for a whole document (YAML's always are).
 * is_list NULL: doc_reader_next. */
#define DOC_READER_WHOLE ((size_t)-1)
int doc_reader_next_item(doc_reader *r, bool (*is_list)(const doc_node *), doc_node **out,
                         size_t *doc, size_t *item, mp_err *err);
/* doc_reader_next_item that first offers each item of a JSON List, as
 * bytes, to take->fn (ud its context): fn(at, avail, &span, ud) sees the
 * item's first byte at at (avail bytes to the buffer's end) and returns 1
 * when it took the item, whose JSON value is then span.used bytes from at
 * (it must be one valid value, as this reader would read it: the reader
 * goes on after it, its lines the span's, as if it had handed it out), 0
 * to have it read and handed out as doc_reader_next_item does, -1 to
 * stop: DOC_READER_STOPPED is then returned (the reader cannot go on).
 * Whole documents and YAML are never offered. */
/* The bytes a take used from where they were offered, and the line
 * breaks among them: lines, and line_start the offset just past the last
 * one (when lines > 0), so that the reader need not count them again. */
typedef struct {
    size_t used, lines, line_start;
} doc_span;
/* peek, commit and drop (optional: all three or none) decode ahead: a
 * List's items come before its kind in kubectl's dumps, so the reader
 * skims them to learn whether it is a List at all; with peek, it offers
 * each item to peek(at, avail, &span, item, ud) instead, which may decode
 * it into item (item_size bytes the reader holds) and return 1 with its
 * span, where fn would then take it; at the first item it does not
 * (0, or -1: never an error here), the rest of the items is only
 * skimmed. Once the List is known, commit(item, ud) stands for fn at
 * each item decoded ahead: 1 taken, 0 not (the reader reads it then, as
 * after fn's 0), -1 to stop; commit has done with item either way. drop
 * frees an item never committed (not a List, a bad List, a reader freed
 * before it got there). */
typedef struct {
    int (*fn)(const char *at, size_t avail, doc_span *span, void *ud);
    void *ud;
    int (*peek)(const char *at, size_t avail, doc_span *span, void *item, void *ud);
    int (*commit)(void *item, void *ud);
    void (*drop)(void *item, void *ud);
    size_t item_size;
} doc_take;
#define DOC_READER_STOPPED (-2)
int doc_reader_next_take(doc_reader *r, bool (*is_list)(const doc_node *), const doc_take *take,
                         doc_node **out, size_t *doc, size_t *item, mp_err *err);
void doc_reader_free(doc_reader *r);

/* Many small JSON buffers in a row, each one value (a list's items as
 * they arrive, watch events): doc_parse_json's trees and errors, the
 * parser's scratch kept from one buffer to the next instead of made per
 * buffer. Each tree is an arena tree whose first block is sized from the
 * buffer, so that an object's tree is one block: doc_shrink (doc.h) then
 * cuts it to its size in place, for a caller that keeps it. */
typedef struct doc_jparser doc_jparser;
doc_jparser *doc_jparser_new(void); /* NULL out of memory */
/* 0 with *out (the caller's), buf's one JSON object or array; -1 with err
 * as doc_parse_json fails, or when buf holds no value or more than one (a
 * good value followed by anything but blanks, even bytes doc_parse_json
 * would name as malformed, is "more than one JSON value").
 * used not NULL: the value at buf's start, whatever follows it, and
 * *used the bytes it took (to its closing bracket). */
int doc_jparser_read(doc_jparser *p, const char *buf, size_t len, const char *name, size_t *used,
                     doc_node **out, mp_err *err);
void doc_jparser_free(doc_jparser *p);

/* The versions of the parsing libraries linked in (for `meshpanel version`). */
const char *parse_libyaml_version(void);
const char *parse_cjson_version(void);

#endif
