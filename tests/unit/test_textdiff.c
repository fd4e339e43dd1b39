/* test_textdiff.c - unified line diffs. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "model/textdiff.h"

START_TEST(equal_texts_give_empty_diff)
{
    char *d = textdiff_unified("a\nb\n", "a\nb\n", "x", "y", 3);
    ck_assert_str_eq(d, "");
    free(d);
}
END_TEST

START_TEST(one_change_with_context)
{
    const char *a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
    const char *b = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
    char *d = textdiff_unified(a, b, "live/x", "merged/x", 3);
    ck_assert_str_eq(d, "--- live/x\n+++ merged/x\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n"
                        " 7\n 8\n");
    free(d);
}
END_TEST

START_TEST(separate_hunks_and_insertions)
{
    const char *a = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";
    const char *b = "A\na\nb\nc\nd\ne\nf\ng\nh\ni\nJ\n";
    char *d = textdiff_unified(a, b, "l", "m", 1);
    ck_assert_str_eq(d, "--- l\n+++ m\n@@ -1,1 +1,2 @@\n+A\n a\n@@ -9,2 +10,2 @@\n i\n-j\n+J\n");
    free(d);
    /* from nothing: all additions, hunk starts at 0 on the old side */
    d = textdiff_unified("", "x\ny\n", "l", "m", 3);
    ck_assert_str_eq(d, "--- l\n+++ m\n@@ -0,0 +1,2 @@\n+x\n+y\n");
    free(d);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("textdiff");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, equal_texts_give_empty_diff);
    tcase_add_test(tc, one_change_with_context);
    tcase_add_test(tc, separate_hunks_and_insertions);
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
