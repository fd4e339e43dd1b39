/* test_editset.c - the edit screen's objects: versions, undo/redo, diff texts. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/docpath.h"
#include "model/editset.h"
#include "model/parse.h"
#include "tests/unit/doc_helpers.h"

#define VS                                                                                         \
    "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: web\n"           \
    "  namespace: ns-a\nspec:\n  hosts: [web.example.com]\n"

static editset *one_vs(doc_node **base_out)
{
    editset *es = editset_new();
    doc_node *base = parse1(VS);
    mp_err err;
    ck_assert_int_eq(editset_add(es, OV_CONVERTED, base, NULL, base, &err), 0);
    *base_out = base;
    return es;
}

START_TEST(texts_join_objects_under_the_same_header_on_both_sides)
{
    doc_node *base;
    editset *es = one_vs(&base);
    doc_node *live = parse1(VS "  gateways: [ns-a/gw]\n");
    doc_node *gw = parse1("apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  "
                          "name: gw\n  namespace: ns-a\n  resourceVersion: \"42\"\nspec: {}\n");
    mp_err err;
    ck_assert_int_eq(editset_add(es, OV_LIVE, gw, gw, gw, &err), 1);
    ck_assert_int_eq(editset_set_live(es, 0, live), 0);
    const char *left = editset_text(es, ES_LEFT_LIVE);
    const char *right = editset_text(es, ES_RIGHT_WORK);
    ck_assert_ptr_nonnull(strstr(left, "--- # virtualservice ns-a/web\n"));
    ck_assert_ptr_nonnull(strstr(right, "--- # virtualservice ns-a/web\n"));
    ck_assert_ptr_nonnull(strstr(left, "--- # gateway ns-a/gw\n"));
    ck_assert_ptr_nonnull(strstr(left, "gateways:"));
    ck_assert_ptr_null(strstr(right, "gateways:"));
    /* server noise stays out of both texts */
    ck_assert_ptr_null(strstr(left, "resourceVersion"));
    ck_assert_ptr_null(strstr(right, "resourceVersion"));
    ck_assert_int_eq(editset_find(es, "Gateway", "ns-a", "gw"), 1);
    ck_assert_int_eq(editset_find(es, "Gateway", "ns-b", "gw"), -1);
    doc_free(live);
    doc_free(gw);
    doc_free(base);
    editset_free(es);
}
END_TEST

START_TEST(a_touched_object_gets_a_new_text)
{
    doc_node *base;
    editset *es = one_vs(&base);
    const char *before = editset_text(es, ES_RIGHT_WORK);
    ck_assert_ptr_null(strstr(before, "timeout"));
    edit_obj *o = editset_at(es, 0);
    ck_assert_int_eq(docpath_set_str(o->work, "spec.http[0].timeout", "5s"), 0);
    editset_touch(es, 0);
    ck_assert_ptr_nonnull(strstr(editset_text(es, ES_RIGHT_WORK), "timeout: 5s"));
    ck_assert_ptr_null(strstr(editset_text(es, ES_LEFT_BASE), "timeout"));
    ck_assert(editset_edited(es, 0));
    ck_assert(editset_unsaved(es));
    editset_mark_saved(es);
    ck_assert(!editset_unsaved(es));
    ck_assert(editset_edited(es, 0)); /* still differs from the conversion */
    doc_free(base);
    editset_free(es);
}
END_TEST

static void set_timeout(editset *es, const char *t)
{
    ck_assert_int_eq(editset_checkpoint(es), 0);
    ck_assert_int_eq(docpath_set_str(editset_at(es, 0)->work, "spec.http[0].timeout", t), 0);
    editset_touch(es, 0);
}

static const char *timeout_of(editset *es)
{
    return docpath_str(editset_at(es, 0)->work, "spec.http[0].timeout");
}

START_TEST(undo_and_redo_swap_whole_steps)
{
    doc_node *base;
    editset *es = one_vs(&base);
    set_timeout(es, "1s");
    set_timeout(es, "2s");
    set_timeout(es, "3s");
    ck_assert_uint_eq(editset_undo_depth(es), 3);
    ck_assert(editset_undo(es));
    ck_assert_str_eq(timeout_of(es), "2s");
    ck_assert(editset_undo(es));
    ck_assert_str_eq(timeout_of(es), "1s");
    ck_assert(editset_redo(es));
    ck_assert_str_eq(timeout_of(es), "2s");
    ck_assert_ptr_nonnull(strstr(editset_text(es, ES_RIGHT_WORK), "timeout: 2s"));
    /* a new change drops what could be redone */
    set_timeout(es, "9s");
    ck_assert(!editset_redo(es));
    ck_assert(editset_undo(es));
    ck_assert(editset_undo(es));
    ck_assert(editset_undo(es));
    ck_assert_ptr_null(timeout_of(es));
    ck_assert(!editset_undo(es));
    ck_assert(!editset_unsaved(es));
    doc_free(base);
    editset_free(es);
}
END_TEST

START_TEST(undo_keeps_only_the_last_steps)
{
    doc_node *base;
    editset *es = one_vs(&base);
    char t[16];
    for (int i = 0; i < EDITSET_UNDO_MAX + 20; i++) {
        snprintf(t, sizeof t, "%ds", i + 1);
        set_timeout(es, t);
    }
    ck_assert_uint_eq(editset_undo_depth(es), EDITSET_UNDO_MAX);
    while (editset_undo(es))
        ;
    /* the oldest reachable state is the one before step 21 */
    ck_assert_str_eq(timeout_of(es), "20s");
    doc_free(base);
    editset_free(es);
}
END_TEST

START_TEST(new_objects_count_as_edited_and_need_a_name)
{
    editset *es = editset_new();
    doc_node *nameless = parse1("apiVersion: v1\nkind: VirtualService\nmetadata: {}\n");
    doc_node *vs = parse1(VS);
    mp_err err;
    ck_assert_int_eq(editset_add(es, OV_NEW, NULL, NULL, nameless, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "metadata.name"));
    ck_assert_int_eq(editset_add(es, OV_NEW, NULL, NULL, vs, &err), 0);
    ck_assert(editset_edited(es, 0));
    ck_assert_str_eq(editset_text(es, ES_LEFT_LIVE), "--- # virtualservice ns-a/web\n");
    /* objects join before the first change only: undo covers all of them */
    set_timeout(es, "1s");
    ck_assert_int_eq(editset_add(es, OV_NEW, NULL, NULL, vs, &err), -1);
    doc_free(nameless);
    doc_free(vs);
    editset_free(es);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("editset");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, texts_join_objects_under_the_same_header_on_both_sides);
    tcase_add_test(tc, a_touched_object_gets_a_new_text);
    tcase_add_test(tc, undo_and_redo_swap_whole_steps);
    tcase_add_test(tc, undo_keeps_only_the_last_steps);
    tcase_add_test(tc, new_objects_count_as_edited_and_need_a_name);
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
