/* test_migwave.c - percentage waves: the same tenants every time, on every
 * machine, and nested (10% inside 50% inside 100%). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/migwave.h"

START_TEST(buckets_are_fixed_numbers)
{
    /* pinned: a change here moves tenants between waves on a running
     * migration, which must never happen silently */
    ck_assert_uint_eq(mig_wave_bucket("ns-alice"), 8045);
    ck_assert_uint_eq(mig_wave_bucket("ns-bob"), 1738);
    ck_assert_uint_eq(mig_wave_bucket(""), 6945);
    for (int i = 0; i < 1000; i++) {
        char ns[32];
        snprintf(ns, sizeof ns, "ns-tenant-%05d", i);
        ck_assert_uint_lt(mig_wave_bucket(ns), MIG_WAVE_BUCKETS);
        ck_assert_uint_eq(mig_wave_bucket(ns), mig_wave_bucket(ns));
    }
}
END_TEST

START_TEST(waves_nest_and_hold_about_their_share)
{
    unsigned bp10, bp50, bp100;
    ck_assert_int_eq(mig_wave_parse("10%", &bp10, NULL), 0);
    ck_assert_int_eq(mig_wave_parse("50%", &bp50, NULL), 0);
    ck_assert_int_eq(mig_wave_parse("100%", &bp100, NULL), 0);
    size_t n10 = 0, n50 = 0, n100 = 0;
    for (int i = 0; i < 10000; i++) {
        char ns[32];
        snprintf(ns, sizeof ns, "ns-tenant-%05d", i);
        bool a = mig_wave_has(ns, bp10), b = mig_wave_has(ns, bp50), c = mig_wave_has(ns, bp100);
        ck_assert_msg(!a || b, "%s is in 10%% but not in 50%%", ns);
        ck_assert_msg(!b || c, "%s is in 50%% but not in 100%%", ns);
        ck_assert(c);
        n10 += a, n50 += b, n100 += c;
    }
    /* an even spread: within 1.5 points of the share over 10,000 names */
    ck_assert_msg(n10 > 850 && n10 < 1150, "10%% took %zu of 10000", n10);
    ck_assert_msg(n50 > 4850 && n50 < 5150, "50%% took %zu of 10000", n50);
    ck_assert_uint_eq(n100, 10000);
}
END_TEST

START_TEST(percentages_parse_with_two_decimals_at_most)
{
    unsigned bp;
    mp_err err;
    ck_assert_int_eq(mig_wave_parse("12.5%", &bp, &err), 0);
    ck_assert_uint_eq(bp, 1250);
    ck_assert_int_eq(mig_wave_parse("0.01%", &bp, &err), 0);
    ck_assert_uint_eq(bp, 1);
    ck_assert_int_eq(mig_wave_parse("7", &bp, &err), 0);
    ck_assert_uint_eq(bp, 700);
    const char *bad[] = {"0%", "101%", "", "%", "10%%", "abc", "1.234%", "-5%", ".5%", "10.%"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        ck_assert_msg(mig_wave_parse(bad[i], &bp, &err) == -1, "\"%s\" parsed", bad[i]);
    ck_assert_int_eq(mig_wave_parse("200%", &bp, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "--wave \"200%\""));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("migwave");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, buckets_are_fixed_numbers);
    tcase_add_test(tc, waves_nest_and_hold_about_their_share);
    tcase_add_test(tc, percentages_parse_with_two_decimals_at_most);
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
