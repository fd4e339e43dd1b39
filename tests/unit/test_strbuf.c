/* test_strbuf.c - str_join and str_utoa write what snprintf would. */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/strbuf.h"

/* Every buffer size from 0 to past the whole text: the same bytes as
 * snprintf("%s%s%s"), the bytes after the NUL untouched. */
START_TEST(join_truncates_like_snprintf)
{
    const char *a = "metadata.annotations[\"", *b = "nginx.ingress.kubernetes.io/x", *c = "\"]";
    for (size_t n = 0; n <= 60; n++) {
        char want[64], got[64];
        memset(want, '#', sizeof want);
        memset(got, '#', sizeof got);
        snprintf(want, n, "%s%s%s", a, b, c);
        str_join(got, n, a, b, c, (char *)NULL);
        ck_assert_mem_eq(got, want, sizeof want);
    }
    char e[4] = "xyz";
    str_join(e, sizeof e, (char *)NULL);
    ck_assert_str_eq(e, "");
    str_join(e, sizeof e, "", "ab", "", "cd", (char *)NULL);
    ck_assert_str_eq(e, "abc");
}
END_TEST

START_TEST(utoa_matches_printf)
{
    const unsigned long long v[] = {0, 1, 9, 10, 99, 100, 12345, 4294967296ull, ULLONG_MAX};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        char want[32], got[32];
        int n = snprintf(want, sizeof want, "%llu", v[i]);
        ck_assert_uint_eq(str_utoa(got, v[i]), (size_t)n);
        ck_assert_str_eq(got, want);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("strbuf");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, join_truncates_like_snprintf);
    tcase_add_test(tc, utoa_matches_printf);
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
