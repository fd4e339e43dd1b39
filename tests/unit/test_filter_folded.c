/*
 * test_filter_folded.c - the filter's fast path (filter_match_folded over
 * filter_fold_join) gives the same answers as filter_match, and a text hit
 * never spans two fields.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "model/doc.h"
#include "tui/filter.h"

static const char *const rows[][4] = {
    {"Ingress", "ns-tenant-00012", "ing-00060", "ing-00060.cloud.example.com"},
    {"VirtualService", "ns-Alice", "Shop-API", "SHOP.example.COM"},
    {"Gateway", "ns-bob", "gw", "-"},
    {"Ingress", "ns-ünïcode", "Ärger", "xn--rger-koa.example"},
    {"Ingress", "", "", ""},
};
#define NROWS (sizeof rows / sizeof *rows)

static const char *const exprs[] = {
    "ing",      "ING-000",  "ing-0006", "shop.example.com",
    "Shop-api", "!shop",    "!ing",     "ns-",
    "ärger",    "ÄRGER",    "rger",     "xn--",
    "re:^ns-a", "!re:api$", "-l a=b",   "e\nns",
    "com\ning", "zzz",      "!zzz",     "-",
    "00060.c",
};
#define NEXPRS (sizeof exprs / sizeof *exprs)

START_TEST(folded_agrees_with_fields)
{
    for (size_t e = 0; e < NEXPRS; e++) {
        row_filter f;
        filter_init(&f);
        mp_err err;
        ck_assert_int_eq(filter_set(&f, exprs[e], &err), 0);
        for (size_t r = 0; r < NROWS; r++) {
            char *folded = filter_fold_join(rows[r], 4);
            ck_assert_ptr_nonnull(folded);
            bool slow = filter_match(&f, rows[r], 4, NULL);
            bool fast = filter_match_folded(&f, rows[r], 4, folded, NULL);
            ck_assert_msg(slow == fast, "filter \"%s\" on row %zu: fields say %d, folded %d",
                          exprs[e], r, slow, fast);
            free(folded);
        }
        filter_clear(&f);
    }
}
END_TEST

START_TEST(no_hit_across_fields)
{
    const char *const fields[] = {"ab", "cd"};
    char *folded = filter_fold_join(fields, 2);
    ck_assert_str_eq(folded, "ab\ncd\n");
    row_filter f;
    filter_init(&f);
    mp_err err;
    ck_assert_int_eq(filter_set(&f, "bc", &err), 0);
    ck_assert(!filter_match_folded(&f, fields, 2, folded, NULL));
    ck_assert_int_eq(filter_set(&f, "!bc", &err), 0);
    ck_assert(filter_match_folded(&f, fields, 2, folded, NULL));
    ck_assert_int_eq(filter_set(&f, "CD", &err), 0);
    ck_assert(filter_match_folded(&f, fields, 2, folded, NULL));
    /* no folded text (out of memory): the fields still answer */
    ck_assert(filter_match_folded(&f, fields, 2, NULL, NULL));
    filter_clear(&f);
    free(folded);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("filter_folded");
    TCase *tc = tcase_create("filter_folded");
    tcase_add_test(tc, folded_agrees_with_fields);
    tcase_add_test(tc, no_hit_across_fields);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
