/*
 * liststream.h - split a JSON byte stream into its objects as it arrives.
 *
 * A Kubernetes list answer is one big JSON object whose "items" array may
 * hold 10,000 objects; a watch answer is a stream of JSON event objects. The
 * splitter tracks only string/escape state and nesting depth, copies one
 * element at a time into a buffer and hands it to a callback, so the caller
 * parses and keeps one item tree at a time instead of a giant tree beside
 * the whole body.
 *
 *   LS_LIST_ITEMS   each element of the top-level "items" array; the
 *                   top-level "metadata" object is kept (ls_metadata) for
 *                   continue / resourceVersion.
 *   LS_VALUES       each top-level value (watch events, one per line or not).
 *
 * Ownership: the bytes passed to the callback are valid during the call
 * only. Not thread-safe; pure logic (no I/O).
 */
#ifndef MESHPANEL_LISTSTREAM_H
#define MESHPANEL_LISTSTREAM_H

#include <stdbool.h>
#include <stddef.h>

#include "model/err.h"

typedef enum { LS_LIST_ITEMS, LS_VALUES } ls_mode;

/* Returns 0 to go on, -1 to stop (ls_feed then returns -1). */
typedef int (*ls_item_fn)(const char *json, size_t len, void *ud);

typedef struct liststream liststream;

/* max_item caps one element's size (0: 64 MiB). */
liststream *ls_new(ls_mode mode, size_t max_item, ls_item_fn fn, void *ud);

/* LS_LIST_ITEMS, optional: offered each item where it starts (its '{'),
 * with the rest of the bytes ls_feed was given (avail). Returns the item's
 * length when it read it there in full and did the item callback's work
 * (the splitter then skips it without a copy), 0 to let the splitter copy
 * it and call the item callback as usual, -1 to stop as the callback's -1.
 * It must take exactly one complete JSON object, or nothing. */
typedef long (*ls_direct_fn)(const char *data, size_t avail, void *ud);
void ls_set_direct(liststream *ls, ls_direct_fn fn);
void ls_free(liststream *ls);
/* Back to the start state (a new response). */
void ls_reset(liststream *ls);
/* 0, or -1 on malformed JSON, an oversized element or a callback stop
 * (err says which; a callback stop leaves err untouched). */
int ls_feed(liststream *ls, const char *data, size_t n, mp_err *err);
/* After the last byte: -1 when the document is incomplete. In LS_VALUES
 * mode a complete stream may end between values. */
int ls_finish(liststream *ls, mp_err *err);
/* LS_LIST_ITEMS: the top-level "metadata" object's JSON ("" if none). */
const char *ls_metadata(const liststream *ls, size_t *len);
/* True once the top-level "metadata" object is complete: kube sends it
 * before the items, so a list's continue token is known early. */
bool ls_metadata_done(const liststream *ls);
/* Elements emitted since the last reset. */
size_t ls_count(const liststream *ls);

#endif
