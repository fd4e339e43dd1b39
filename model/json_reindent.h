/*
 * json_reindent.h - one list item's compact JSON written as `get -o json`
 * prints it, without building its tree.
 *
 * `get -o json` of a 10,000-item list spent most of its time building each
 * item's doc tree (parse_json.c), writing it out again (emit_json.c) and
 * freeing it. This reads the item's bytes once and writes the same text the
 * tree path writes: doc_parse_json, then kclient_fix_item's apiVersion/kind
 * rule, metadata.managedFields dropped when asked, then
 * doc_json_append(out, item, indent). That is cJSON's layout, strings with
 * emit_json.c's escapes (controls, DEL, C1 and bidi controls, U+FFFD), numbers
 * as written, and the top level as apiVersion, kind, metadata, spec, then the
 * rest in their order.
 *
 * It takes the fast path only where it knows the tree path's answer: any
 * input the parser would refuse, and anything unusual (a kind or a
 * metadata.name / namespace that is not a plain string, a map of more than
 * JR_MAX_KEYS keys, more than 4 KiB of escaped keys in the open maps),
 * returns JR_TREE with out as it was, and the caller takes the tree path,
 * which then gives the parser's own message or the same text. Keys with
 * escapes (managedFields' "k:{\"port\":80}") are compared and written
 * decoded, as the parser and the writer do. tests/unit/test_json_reindent.c
 * compares both paths.
 *
 * Pure function on borrowed bytes; out is appended to.
 */
#ifndef MESHPANEL_JSON_REINDENT_H
#define MESHPANEL_JSON_REINDENT_H

#include <stdbool.h>
#include <stddef.h>

#include "model/strbuf.h"

/* Maps larger than this take the tree path (the duplicate-key check here
 * compares every pair). */
#define JR_MAX_KEYS 64

typedef struct {
    size_t indent; /* spaces after every newline, as doc_json_append's */
    /* When kind is set: an item whose kind is missing or not this string
     * gets apiVersion and kind replaced (kclient_fix_item). */
    const char *api_version, *kind;
    bool drop_managed_fields; /* metadata.managedFields left out */
} jr_opts;

/* What the caller checks on the item (kname_check_object): metadata.name
 * and metadata.namespace when they are strings (pointers into the input,
 * never escaped: an escaped one takes the tree path), else NULL. */
typedef struct {
    const char *name, *ns;
    size_t name_len, ns_len;
} jr_info;

enum { JR_DONE = 0, JR_TREE = 1 };

/* Appends the item's text to out (the caller writes the first line's
 * indent and the final newline). JR_TREE: out unchanged unless it ran out
 * of memory (then out->oom). used NULL: json[0..len) must be the item and
 * nothing but blanks after it; else the item is the object json starts
 * with, bytes after it are not read, and *used is its length. */
int json_reindent(const char *json, size_t len, const jr_opts *o, strbuf *out, jr_info *info,
                  size_t *used);

#endif
