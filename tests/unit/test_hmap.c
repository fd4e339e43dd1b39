/* test_hmap.c - model/hmap.c against a plain list: the same answers for
 * keys that share long prefixes or differ in their last byte, the empty
 * key, keys longer than a key block, replaced values, growth, and a map
 * used again after hmap_free. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/hmap.h"

typedef struct {
    char *key;
    size_t val;
} pair;

static long ref_get(const pair *p, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(p[i].key, key))
            return (long)p[i].val;
    return -1;
}

/* Key i of a family: a shared prefix, a varying part, lengths around the
 * eight-byte steps of the hash and past the 4,000-byte blocks. */
static char *make_key(unsigned seed, size_t i)
{
    size_t lens[] = {0, 1, 7, 8, 9, 15, 16, 17, 31, 40, 63, 64, 65, 3999, 4000, 4001, 9000};
    size_t len = lens[i % (sizeof lens / sizeof *lens)];
    char *k = malloc(len + 24);
    ck_assert_ptr_nonnull(k);
    memset(k, 'a' + (char)(seed % 3), len);
    int n = snprintf(k + len, 24, "%zu", i / 3);
    /* the varying part at the start, the middle or the end */
    if (i % 3 == 1 && len > (size_t)n)
        memcpy(k, k + len, (size_t)n), memset(k + len, 'z', (size_t)n);
    else if (i % 3 == 2 && len > (size_t)n)
        memcpy(k + len / 2, k + len, (size_t)n), memset(k + len, 'y', (size_t)n);
    return k;
}

START_TEST(agrees_with_a_list)
{
    enum { N = 3000 };
    pair *ref = calloc(N, sizeof *ref);
    size_t nref = 0;
    hmap m = {0};
    srand(7);
    for (int round = 0; round < 2; round++) {
        for (size_t step = 0; step < N; step++) {
            char *k = make_key((unsigned)round, (size_t)rand() % (N / 2));
            size_t v = (size_t)rand();
            ck_assert_int_eq(hmap_put(&m, k, v), 0);
            long had = ref_get(ref, nref, k);
            if (had < 0) {
                ref[nref++] = (pair){k, v};
            } else {
                for (size_t i = 0; i < nref; i++)
                    if (!strcmp(ref[i].key, k))
                        ref[i].val = v;
                free(k);
            }
            if (step % 97 == 0) /* every stored key, and some never stored */
                for (size_t i = 0; i < nref; i++) {
                    ck_assert_int_eq(hmap_get(&m, ref[i].key), (long)ref[i].val);
                    char *other = make_key((unsigned)round + 1, i);
                    ck_assert_int_eq(hmap_get(&m, other), ref_get(ref, nref, other));
                    free(other);
                }
        }
        ck_assert_uint_eq(m.len, nref);
        hmap_free(&m);
        ck_assert_int_eq(hmap_get(&m, ref[0].key), -1);
        for (size_t i = 0; i < nref; i++)
            free(ref[i].key);
        nref = 0;
    }
    free(ref);
}
END_TEST

START_TEST(prefixes_and_the_empty_key)
{
    hmap m = {0};
    ck_assert_int_eq(hmap_get(&m, ""), -1);
    const char *keys[] = {
        "",           "a",           "ab", "abcdefgh", "abcdefghi", "abcdefgh\x1f", "ns-a\x1fweb",
        "ns-a\x1fwe", "ns-a\x1fwebb"};
    size_t n = sizeof keys / sizeof *keys;
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(hmap_put(&m, keys[i], i), 0);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(hmap_get(&m, keys[i]), (long)i);
    ck_assert_int_eq(hmap_get(&m, "abcdefg"), -1);
    ck_assert_int_eq(hmap_get(&m, "ns-a\x1fwebbb"), -1);
    ck_assert_int_eq(hmap_put(&m, "ab", 42), 0);
    ck_assert_int_eq(hmap_get(&m, "ab"), 42);
    ck_assert_uint_eq(m.len, n);
    hmap_free(&m);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("hmap");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, agrees_with_a_list);
    tcase_add_test(tc, prefixes_and_the_empty_key);
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
