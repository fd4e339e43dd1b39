/* test_docpath.c - path strings over doc trees. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "model/docpath.h"
#include "model/emit.h"
#include "model/parse.h"
#include "tests/unit/doc_helpers.h"

static void assert_yaml(const doc_node *d, const char *want)
{
    mp_err err;
    char *y = doc_emit_yaml(d, NULL, &err);
    ck_assert_ptr_nonnull(y);
    ck_assert_str_eq(y, want);
    free(y);
}

START_TEST(get_walks_maps_sequences_and_quoted_keys)
{
    doc_node *d = parse1("metadata:\n  annotations:\n    meshpanel.io/source: ingress/a/b\n"
                         "spec:\n  http:\n  - timeout: 5s\n  - name: two\n");
    ck_assert_str_eq(docpath_str(d, "metadata.annotations[\"meshpanel.io/source\"]"),
                     "ingress/a/b");
    ck_assert_str_eq(docpath_str(d, "spec.http[1].name"), "two");
    ck_assert_ptr_null(docpath_get(d, "spec.http[2]"));
    ck_assert_ptr_null(docpath_get(d, "spec.http.name"));
    ck_assert_ptr_eq(docpath_get(d, ""), d);
    ck_assert(!docpath_valid("spec..http"));
    ck_assert(!docpath_valid("spec[x]"));
    ck_assert(!docpath_valid("a[\"unterminated"));
    ck_assert(docpath_valid("a[\"q\\\"uote\"][3].b"));
    doc_free(d);
}
END_TEST

START_TEST(set_creates_missing_steps_and_appends)
{
    doc_node *d = doc_map_new();
    ck_assert_int_eq(docpath_set_str(d, "spec.http[0].corsPolicy.allowOrigins[0].exact", "x"), 0);
    ck_assert_int_eq(docpath_set_str(d, "spec.http[0].corsPolicy.allowOrigins[1].prefix", "y"), 0);
    ck_assert_int_eq(docpath_set_str(d, "spec.http[0].corsPolicy.allowOrigins[5].exact", "z"), -1);
    ck_assert_int_eq(docpath_set_str(d, "spec.http[0].timeout", "5s"), 0);
    ck_assert_int_eq(docpath_set_str(d, "spec.http[0].timeout", "6s"), 0);
    /* a step of the wrong kind is refused, the tree kept */
    ck_assert_int_eq(docpath_set_str(d, "spec.http.x", "y"), -1);
    assert_yaml(d, "spec:\n  http:\n  - corsPolicy:\n      allowOrigins:\n      - exact: x\n"
                   "      - prefix: \"y\"\n    timeout: 6s\n");
    doc_free(d);
}
END_TEST

START_TEST(del_prunes_empty_parents_but_not_the_root)
{
    doc_node *d = parse1("spec:\n  http:\n  - corsPolicy:\n      maxAge: 5s\n    name: a\n");
    ck_assert_int_eq(docpath_del(d, "spec.http[0].corsPolicy.maxAge", true), 1);
    assert_yaml(d, "spec:\n  http:\n  - name: a\n");
    ck_assert_int_eq(docpath_del(d, "spec.http[0].nothing", true), 0);
    ck_assert_int_eq(docpath_del(d, "spec.http[0].name", true), 1);
    assert_yaml(d, "{}\n");
    ck_assert_int_eq(docpath_del(d, "spec..x", true), -1);
    doc_free(d);
}
END_TEST

START_TEST(move_and_insert_reorder_sequences)
{
    doc_node *d = parse1("l: [a, b, c, d]\n");
    ck_assert_int_eq(docpath_move(d, "l", 3, 0), 0);
    ck_assert_int_eq(docpath_move(d, "l", 1, 2), 0);
    ck_assert_int_eq(docpath_move(d, "l", 4, 0), -1);
    ck_assert_int_eq(docpath_insert(d, "l", 4, doc_str_new("e")), 0);
    ck_assert_int_eq(docpath_insert(d, "l", 0, doc_str_new("z")), 0);
    ck_assert_int_eq(docpath_insert(d, "l", 9, doc_str_new("no")), -1);
    ck_assert_int_eq(docpath_insert(d, "m", 0, doc_str_new("new")), 0);
    assert_yaml(d, "l:\n- z\n- d\n- b\n- a\n- c\n- e\nm:\n- new\n");
    doc_free(d);
}
END_TEST

START_TEST(key_and_index_formatting_round_trip)
{
    char p[256], q[256];
    docpath_key(p, sizeof p, "metadata.annotations", "meshpanel.io/source");
    ck_assert_str_eq(p, "metadata.annotations[\"meshpanel.io/source\"]");
    docpath_index(q, sizeof q, "spec.http", 3);
    docpath_key(q, sizeof q, q, "route");
    ck_assert_str_eq(q, "spec.http[3].route");
    docpath_key(q, sizeof q, "", "spec");
    ck_assert_str_eq(q, "spec");
    doc_node *d = doc_map_new();
    ck_assert_int_eq(docpath_set_str(d, p, "v"), 0);
    ck_assert_str_eq(docpath_str(d, p), "v");
    doc_free(d);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("docpath");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, get_walks_maps_sequences_and_quoted_keys);
    tcase_add_test(tc, set_creates_missing_steps_and_appends);
    tcase_add_test(tc, del_prunes_empty_parents_but_not_the_root);
    tcase_add_test(tc, move_and_insert_reorder_sequences);
    tcase_add_test(tc, key_and_index_formatting_round_trip);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
