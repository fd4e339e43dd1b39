/*
 * parse_int.h - the JSON reader behind doc_reader (parse.c), model/ only.
 *
 * Documents one at a time, each in its own arena (doc_arena.h); with
 * is_list, a document that is a List (is_list of the document with its
 * items array standing as an empty one, or a top-level array) is handed
 * out item by item, each item in its own arena, without the List ever
 * being one tree. Errors are doc_parse_json's, at the same positions.
 */
#ifndef MESHPANEL_PARSE_INT_H
#define MESHPANEL_PARSE_INT_H

#include "model/doc.h"
#include "model/err.h"
#include "model/parse.h"

typedef struct jreader jreader;

jreader *json_reader_new(const char *buf, size_t len, const char *name);
/* 1 with *out (the caller's), *doc (1-based document index) and *item
 * (the item's index, DOC_READER_WHOLE for a whole document); 0 after the
 * last; -1 with err. take (may be NULL): doc_reader_next_take's. */
int json_reader_next(jreader *r, bool (*is_list)(const doc_node *), const doc_take *take,
                     doc_node **out, size_t *doc, size_t *item, mp_err *err);
void json_reader_free(jreader *r);

#endif
