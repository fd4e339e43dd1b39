/* same_tree.h - a Check assertion shared by the tree tests (test_doc_arena,
 * test_doc_pack): two trees of the same shape, texts, types, keys and
 * source positions, or a failure naming the first key that differs. */
#ifndef MESHPANEL_TEST_SAME_TREE_H
#define MESHPANEL_TEST_SAME_TREE_H

#include <check.h>
#include <string.h>

#include "model/doc.h"

static void same_tree(const doc_node *a, const doc_node *b, const char *at)
{
    ck_assert_msg(a && b, "%s: missing node", at);
    ck_assert_msg(a->kind == b->kind && a->len == b->len, "%s: kind or length", at);
    ck_assert_msg(a->line == b->line && a->col == b->col, "%s: at %d:%d, not %d:%d", at, a->line,
                  a->col, b->line, b->col);
    if (a->kind == DOC_SCALAR) {
        ck_assert_msg(a->type == b->type && !strcmp(a->text, b->text), "%s: \"%s\" vs \"%s\"", at,
                      a->text, b->text);
        return;
    }
    for (size_t i = 0; i < a->len; i++) {
        if (a->kind == DOC_MAP)
            ck_assert_str_eq(a->keys[i], b->keys[i]);
        same_tree(a->items[i], b->items[i], a->kind == DOC_MAP ? a->keys[i] : at);
    }
}

#endif
