/*
 * test_doc_pack.c - trees kept in one block (doc_pack, doc_shrink) and the
 * parser of many small JSON buffers (doc_jparser).
 *
 * The console keeps every watched object as a packed tree: a packed or
 * shrunk tree must be the tree it came from (shape, texts, types, keys and
 * source positions), hold nothing of the heap (no walk when freed), take
 * no more room than its pieces (no spare bytes in its block), and stay an
 * ordinary tree for edits. doc_jparser must give doc_parse_json's trees
 * and errors, buffer after buffer, and with `used` stop at the end of the
 * first value. The suite runs under ASan+LSan too, where every arena piece
 * is its own malloc (nothing to cut, so nothing cut), and under valgrind,
 * whose realloc always moves a block: doc_shrink's relocation of every
 * pointer into the block runs there (glibc cuts a block in place).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/doc.h"
#include "model/doc_arena.h"
#include "model/parse.h"
#include "same_tree.h"

static const char *const OBJ =
    "{\"metadata\": {\"name\": \"web\", \"namespace\": \"ns-a\", \"labels\": {\"app\": \"web\","
    " \"a-label-key-that-no-table-holds\": \"x\"},\n"
    "              \"annotations\": null},\n"
    " \"spec\": {\"ports\": [{\"port\": 80, \"name\": \"http\"}, {\"port\": 443}], \"e\": {},"
    " \"s\": [],\n"
    "          \"x\": [true, false, null, 1.5, \"a\\\"]}{\\\\\", \"\\u00e9\","
    " \"a text longer than the sixteen bytes a node has room for\"]}}";

static doc_node *parse_one(const char *src)
{
    doc_list l;
    doc_list_init(&l);
    mp_err err;
    ck_assert_msg(doc_parse_json(src, strlen(src), "t.json", &l, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(l.len, 1);
    doc_node *d = doc_list_take(&l, 0);
    doc_list_free(&l);
    return d;
}

/* Every node of t in t's own arena: no heap node hangs in it. */
static void all_in(const doc_node *t, const doc_node *n)
{
    ck_assert(doc_arena_of(n) == doc_arena_of(t));
    if (n->kind != DOC_SCALAR)
        for (size_t i = 0; i < n->len; i++)
            all_in(t, n->items[i]);
}

/* A packed or shrunk tree: one arena, nothing of the heap, no room left. */
static void kept_tree(const doc_node *t)
{
    ck_assert(doc_in_arena(t));
    all_in(t, t);
    ck_assert(!doc_arena_is_mixed(doc_arena_of(t)));
    ck_assert_uint_eq(doc_arena_spare(doc_arena_of(t)), 0);
}

static doc_node *jread(doc_jparser *p, const char *src, size_t *used)
{
    doc_node *d = NULL;
    mp_err err;
    ck_assert_msg(doc_jparser_read(p, src, strlen(src), "t.json", used, &d, &err) == 0, "%s",
                  err.msg);
    return d;
}

START_TEST(pack_copies_a_heap_tree_into_one_block)
{
    doc_node *h = parse_one(OBJ), *again = parse_one(OBJ);
    doc_node *p = doc_pack(h);
    ck_assert_ptr_nonnull(p);
    kept_tree(p);
    same_tree(p, h, "root");
    same_tree(h, again, "root"); /* the original is not changed */
    ck_assert(doc_equal(p, h, true));
    /* an ordinary tree: edits allocate past the full block */
    ck_assert_int_eq(doc_map_set_str(p, "kind", "Service"), 0);
    ck_assert_int_eq(doc_map_set(doc_get(p, "spec"), "new", doc_int_new(7)), 0);
    ck_assert_int_eq(doc_seq_push(doc_getv(p, "spec", "s", NULL), doc_str_new("one")), 0);
    doc_map_del(doc_get(p, "metadata"), "labels");
    ck_assert_str_eq(doc_get_str(p, "kind"), "Service");
    ck_assert_str_eq(doc_getv(p, "spec", "new", NULL)->text, "7");
    ck_assert_str_eq(doc_at(doc_getv(p, "spec", "s", NULL), 0)->text, "one");
    ck_assert_ptr_null(doc_getv(p, "metadata", "labels", NULL));
    ck_assert_ptr_null(doc_pack(NULL));
    doc_free(p);
    doc_free(h);
    doc_free(again);
}
END_TEST

START_TEST(pack_leaves_out_what_the_tree_dropped_and_takes_in_its_heap_nodes)
{
    doc_jparser *jp = doc_jparser_new();
    doc_node *a = jread(jp, OBJ, NULL);
    /* a heap node hung in an arena tree makes it mixed; a replaced subtree is garbage */
    ck_assert_int_eq(doc_map_set(doc_get(a, "spec"), "heap", doc_str_new("from the heap")), 0);
    ck_assert_int_eq(doc_map_set(a, "spec", doc_clone(doc_get(a, "spec"))), 0);
    doc_map_del(doc_get(a, "metadata"), "labels");
    ck_assert(doc_arena_is_mixed(doc_arena_of(a)));
    doc_node *p = doc_pack(a);
    kept_tree(p);
    same_tree(p, a, "root");
    ck_assert_str_eq(doc_getv(p, "spec", "heap", NULL)->text, "from the heap");
    doc_free(a);
    doc_free(p);
    doc_jparser_free(jp);
}
END_TEST

START_TEST(shrink_cuts_a_parsed_tree_to_its_size)
{
    doc_jparser *jp = doc_jparser_new();
    doc_node *h = parse_one(OBJ);
    for (int round = 0; round < 3; round++) { /* the parser's scratch is kept between */
        doc_node *a = jread(jp, OBJ, NULL);
        ck_assert(doc_in_arena(a));
        ck_assert(doc_arena_checks() || doc_arena_spare(doc_arena_of(a)) > 0);
        /* what kclient_fix_item does: room for two entries, then two set */
        ck_assert_int_eq(doc_reserve(a, a->len + 2), 0);
        ck_assert_int_eq(doc_map_set_str(a, "apiVersion", "v1"), 0);
        ck_assert_int_eq(doc_map_set_str(a, "kind", "Service"), 0);
        static const char *const first[] = {"apiVersion", "kind", "metadata"};
        doc_map_order(a, first, 3);
        a = doc_shrink(a);
        if (!doc_arena_checks())
            kept_tree(a);
        ck_assert_str_eq(a->keys[0], "apiVersion");
        ck_assert_str_eq(a->keys[1], "kind");
        ck_assert_str_eq(doc_get_str(a, "kind"), "Service");
        ck_assert_uint_eq(a->len, h->len + 2);
        same_tree(doc_get(a, "metadata"), doc_get(h, "metadata"), "metadata");
        same_tree(doc_get(a, "spec"), doc_get(h, "spec"), "spec");
        /* still an ordinary tree after the cut */
        ck_assert_int_eq(doc_map_set_str(doc_get(a, "metadata"), "uid", "u-1"), 0);
        ck_assert_str_eq(doc_getv(a, "metadata", "uid", NULL)->text, "u-1");
        doc_free(a);
    }
    doc_free(h);
    doc_jparser_free(jp);
}
END_TEST

START_TEST(shrink_packs_a_tree_of_several_blocks)
{
    /* far more nodes than the first block was given room for */
    size_t n = 20000;
    char *big = malloc(n * 4 + 16);
    size_t o = 0;
    big[o++] = '[';
    for (size_t i = 0; i < n; i++) {
        if (i)
            big[o++] = ',';
        big[o++] = '1';
    }
    big[o++] = ']';
    big[o] = '\0';
    doc_jparser *jp = doc_jparser_new();
    doc_node *a = jread(jp, big, NULL), *h = parse_one(big);
    a = doc_shrink(a);
    if (!doc_arena_checks())
        kept_tree(a);
    same_tree(a, h, "root");
    doc_free(a);
    doc_free(h);
    doc_jparser_free(jp);
    free(big);
}
END_TEST

START_TEST(shrink_leaves_heap_trees_and_subtrees)
{
    doc_node *h = parse_one(OBJ);
    ck_assert_ptr_eq(doc_shrink(h), h);
    doc_jparser *jp = doc_jparser_new();
    doc_node *a = jread(jp, OBJ, NULL);
    doc_node *spec = doc_get(a, "spec");
    ck_assert_ptr_eq(doc_shrink(spec), spec);
    ck_assert_ptr_null(doc_shrink(NULL));
    doc_free(a);
    doc_free(h);
    doc_jparser_free(jp);
}
END_TEST

START_TEST(jparser_reads_as_doc_parse_json)
{
    static const char *const ok[] = {
        "{}", "[]", " {\"a\": 1}\n", "\xef\xbb\xbf{\"bom\": true}", "[1, [2, {\"x\": \"y\"}]]", OBJ,
    };
    doc_jparser *jp = doc_jparser_new();
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        doc_node *a = jread(jp, ok[i], NULL), *h = parse_one(ok[i]);
        same_tree(a, h, ok[i]);
        doc_free(a);
        doc_free(h);
    }
    doc_jparser_free(jp);
}
END_TEST

START_TEST(jparser_errors_are_doc_parse_json_errors)
{
    static const char *const bad[] = {
        "{\"a\": }",
        "{\"a\": 1, \"a\": 2}",
        "{\"a\": [1, 2}",
        "{\"a\": \"\\x\"}",
        "{\"a\": 01}",
        "\"scalar\"",
        "{\"a\": {\"b\": [1, 2, {\"c\": tru}]}}",
        "{\"unterminated",
    };
    doc_jparser *jp = doc_jparser_new();
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        mp_err e1, e2;
        doc_list l;
        doc_list_init(&l);
        ck_assert_int_eq(doc_parse_json(bad[i], strlen(bad[i]), "t.json", &l, &e1), -1);
        doc_node *d = (doc_node *)1;
        ck_assert_int_eq(doc_jparser_read(jp, bad[i], strlen(bad[i]), "t.json", NULL, &d, &e2), -1);
        ck_assert_ptr_null(d);
        ck_assert_str_eq(e2.msg, e1.msg);
        doc_list_free(&l);
        /* and the parser goes on after a failure */
        doc_node *a = jread(jp, OBJ, NULL), *h = parse_one(OBJ);
        same_tree(a, h, "after an error");
        doc_free(a);
        doc_free(h);
    }
    mp_err e;
    doc_node *d = NULL;
    ck_assert_int_eq(doc_jparser_read(jp, " \n", 2, "t.json", NULL, &d, &e), -1);
    ck_assert_str_eq(e.msg, "t.json: no JSON value");
    ck_assert_int_eq(doc_jparser_read(jp, "{} {}", 5, "t.json", NULL, &d, &e), -1);
    ck_assert_str_eq(e.msg, "t.json: more than one JSON value");
    ck_assert_ptr_null(d);
    doc_jparser_free(jp);
}
END_TEST

START_TEST(jparser_used_stops_at_the_first_value)
{
    doc_jparser *jp = doc_jparser_new();
    const char *src = "{\"a\": [1, {\"b\": \"}\"}]},{\"next\": 2}], \"garbage";
    size_t used = 0;
    doc_node *a = jread(jp, src, &used);
    ck_assert_uint_eq(used, strlen("{\"a\": [1, {\"b\": \"}\"}]}"));
    ck_assert_str_eq(doc_at(doc_get(a, "a"), 1)->items[0]->text, "}");
    doc_free(a);
    /* a value cut short is no value */
    mp_err e;
    doc_node *d = NULL;
    ck_assert_int_eq(doc_jparser_read(jp, src, 12, "t.json", &used, &d, &e), -1);
    ck_assert_ptr_null(d);
    doc_jparser_free(jp);
}
END_TEST

static Suite *pack_suite(void)
{
    Suite *s = suite_create("doc_pack");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, pack_copies_a_heap_tree_into_one_block);
    tcase_add_test(tc, pack_leaves_out_what_the_tree_dropped_and_takes_in_its_heap_nodes);
    tcase_add_test(tc, shrink_cuts_a_parsed_tree_to_its_size);
    tcase_add_test(tc, shrink_packs_a_tree_of_several_blocks);
    tcase_add_test(tc, shrink_leaves_heap_trees_and_subtrees);
    tcase_add_test(tc, jparser_reads_as_doc_parse_json);
    tcase_add_test(tc, jparser_errors_are_doc_parse_json_errors);
    tcase_add_test(tc, jparser_used_stops_at_the_first_value);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(pack_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
