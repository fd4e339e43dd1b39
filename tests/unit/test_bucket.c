/* test_bucket.c - model/bucket.c against a stable sort by key: the same
 * order for keys in any input order (repeats, a single key, every key
 * distinct, none), keys that are equal strings at different addresses, and
 * the starts of each key; bucket_sort's runs sorted by the caller's order. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/bucket.h"

typedef struct {
    const char *key;
    size_t id;
} item;

static const char *key_of(const void *items, size_t i)
{
    return ((const item *)items)[i].key;
}

/* The reference: by key (strcmp), then by input position. */
static int ref_cmp(const void *pa, const void *pb)
{
    const item *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);
    return c ? c : (a->id > b->id) - (a->id < b->id);
}

/* bucket_by_key's order and starts against the reference on items[0..n). */
static void check_against_sort(const item *items, size_t n)
{
    size_t *order = malloc((n ? n : 1) * sizeof *order), *starts = malloc((n + 1) * sizeof *starts);
    item *ref = malloc((n ? n : 1) * sizeof *ref);
    ck_assert(order && starts && ref);
    memcpy(ref, items, n * sizeof *ref);
    qsort(ref, n, sizeof *ref, ref_cmp);
    long m = bucket_by_key(items, n, key_of, order, starts);
    ck_assert_int_ge(m, 0);
    for (size_t i = 0; i < n; i++)
        ck_assert_uint_eq(order[i], ref[i].id);
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++)
        if (!i || strcmp(ref[i].key, ref[i - 1].key)) {
            ck_assert_uint_eq(starts[distinct], i);
            distinct++;
        }
    ck_assert_int_eq(m, (long)distinct);
    ck_assert_uint_eq(starts[m], n);
    free(order);
    free(starts);
    free(ref);
}

START_TEST(orders_as_a_stable_sort)
{
    static const char *const names[] = {"ns-b", "ns-a",  "ns-c", "ns-a", "",
                                        "ns-b", "ns-aa", "ns-a", "z",    "ns-b"};
    size_t n = sizeof names / sizeof *names;
    item items[sizeof names / sizeof *names];
    for (size_t i = 0; i < n; i++)
        items[i] = (item){names[i], i};
    for (size_t len = 0; len <= n; len++)
        check_against_sort(items, len); /* none, one, then more keys and repeats */
}
END_TEST

START_TEST(equal_keys_at_other_addresses)
{
    enum { N = 3000 };
    static char text[N][16];
    static item items[N];
    unsigned seed = 7;
    for (size_t i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        snprintf(text[i], sizeof text[i], "ns-%u", (seed >> 16) % 400); /* own copy each */
        items[i] = (item){text[i], i};
    }
    check_against_sort(items, N);
    for (size_t i = 0; i < N; i++)
        items[i] = (item){"same", i};
    check_against_sort(items, N); /* one key */
    for (size_t i = 0; i < N; i++) {
        snprintf(text[i], sizeof text[i], "k%05zu", N - i);
        items[i] = (item){text[i], i};
    }
    check_against_sort(items, N); /* every key distinct, reversed */
}
END_TEST

/* One key's run by id, descending: an order bucket_by_key alone does not give. */
static void by_id_desc(void *run, size_t n)
{
    item *it = run;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j && it[j - 1].id < it[j].id; j--) {
            item t = it[j];
            it[j] = it[j - 1];
            it[j - 1] = t;
        }
}

static int ref_cmp_desc(const void *pa, const void *pb)
{
    const item *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);
    return c ? c : (a->id < b->id) - (a->id > b->id);
}

START_TEST(sort_orders_each_run)
{
    enum { N = 500 };
    static char text[N][16];
    item items[N], out[N], ref[N];
    for (size_t i = 0; i < N; i++) {
        snprintf(text[i], sizeof text[i], "ns-%zu", (i * 7919) % 37);
        items[i] = (item){text[i], i};
    }
    for (size_t n = 0; n <= N; n += N / 5) {
        memcpy(ref, items, n * sizeof *ref);
        qsort(ref, n, sizeof *ref, ref_cmp_desc);
        ck_assert_int_eq(bucket_sort(items, n, sizeof *items, key_of, by_id_desc, out), 0);
        for (size_t i = 0; i < n; i++)
            ck_assert_uint_eq(out[i].id, ref[i].id);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("bucket");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, orders_as_a_stable_sort);
    tcase_add_test(tc, equal_keys_at_other_addresses);
    tcase_add_test(tc, sort_orders_each_run);
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
