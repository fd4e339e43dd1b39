/* test_x509name.c - certificate name coverage as Go's x509 VerifyHostname
 * decides it (ingress-nginx picks a host's certificate with it). */
#include <check.h>
#include <stdlib.h>

#include "model/x509name.h"

START_TEST(exact_names)
{
    ck_assert(x509_name_covers("shop.example.com", "shop.example.com"));
    ck_assert(x509_name_covers("Shop.Example.COM", "shop.example.com"));
    ck_assert(x509_name_covers("shop.example.com", "shop.example.com."));
    ck_assert(!x509_name_covers("shop.example.com", "shop.example.co"));
    ck_assert(!x509_name_covers("shop.example.com", "hop.example.com"));
    ck_assert(!x509_name_covers("shop.example.com", ""));
    ck_assert(!x509_name_covers(NULL, "a"));
    /* a wildcard rule host is only covered by the same text */
    ck_assert(x509_name_covers("*.example.com", "*.example.com"));
    ck_assert(!x509_name_covers("*.example.com", "*.shop.example.com"));
}
END_TEST

START_TEST(wildcard_covers_one_label)
{
    ck_assert(x509_name_covers("*.example.com", "shop.example.com"));
    ck_assert(x509_name_covers("*.example.com", "SHOP.Example.com"));
    ck_assert(x509_name_covers("*.EXAMPLE.com", "x.example.com."));
    ck_assert(x509_name_covers("*.cloud.sealos.io", "bqzkmwxrtpny.cloud.sealos.io"));
    /* not a deeper host, not the bare domain, not a sibling domain */
    ck_assert(!x509_name_covers("*.example.com", "a.shop.example.com"));
    ck_assert(!x509_name_covers("*.example.com", "example.com"));
    ck_assert(!x509_name_covers("*.example.com", ".example.com"));
    ck_assert(!x509_name_covers("*.example.com", "shop.example.org"));
    ck_assert(!x509_name_covers("*.example.com", "shop.badexample.com"));
    ck_assert(!x509_name_covers("*.example.com", "shopexample.com"));
    ck_assert(!x509_name_covers("*.example.com", "a..example.com"));
}
END_TEST

START_TEST(only_whole_leftmost_wildcards)
{
    ck_assert(!x509_name_covers("*", "localhost"));
    ck_assert(!x509_name_covers("a*.example.com", "ab.example.com"));
    ck_assert(!x509_name_covers("*a.example.com", "ba.example.com"));
    ck_assert(!x509_name_covers("shop.*.com", "shop.example.com"));
    ck_assert(!x509_name_covers("*.*.com", "a.b.com"));
    ck_assert(!x509_name_covers("*.", "a."));
    ck_assert(x509_name_is_wildcard("*.example.com"));
    ck_assert(x509_name_is_wildcard("*.com"));
    ck_assert(!x509_name_is_wildcard("*"));
    ck_assert(!x509_name_is_wildcard("*."));
    ck_assert(!x509_name_is_wildcard("example.com"));
    ck_assert(!x509_name_is_wildcard("*.*.com"));
    ck_assert(!x509_name_is_wildcard("*..com"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("x509name");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, exact_names);
    tcase_add_test(tc, wildcard_covers_one_label);
    tcase_add_test(tc, only_whole_leftmost_wildcards);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
