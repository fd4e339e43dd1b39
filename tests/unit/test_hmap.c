/* test_hmap.c - model/hmap.c against a plain list: the same answers for
 * keys that share long prefixes or differ in their last byte, the empty
 * key, keys longer than a key block, replaced values, growth, and a map
 * used again after hmap_free; borrowed keys, a reserved size, 32-bit
 * values and hmap_key2. */
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

/* hmap_put_ref keeps the caller's key (no copy: the map sees a change of
 * its bytes); hmap_reserve sizes the table once, for that many keys at
 * most three quarters full, and keeps what is stored. */
START_TEST(borrowed_keys_and_reserve)
{
    hmap m = {0};
    ck_assert_int_eq(hmap_reserve(&m, 1000), 0);
    size_t cap = m.cap;
    ck_assert_uint_ge(cap * 3, 1000 * 4);
    ck_assert_uint_lt(cap * 3, 2000 * 4);
    static char keys[1000][12];
    for (size_t i = 0; i < 1000; i++) {
        snprintf(keys[i], sizeof keys[i], "host-%zu", i);
        ck_assert_int_eq(hmap_put_ref(&m, keys[i], i), 0);
    }
    ck_assert_uint_eq(m.cap, cap); /* no growth below the reserved count */
    ck_assert_ptr_null(m.blocks);  /* nothing copied */
    for (size_t i = 0; i < 1000; i++)
        ck_assert_int_eq(hmap_get(&m, keys[i]), (long)i);
    ck_assert_int_eq(hmap_put(&m, "copied", 7), 0);
    ck_assert_int_eq(hmap_get(&m, "copied"), 7);
    ck_assert_int_eq(hmap_reserve(&m, 5000), 0); /* grows, keeping every key */
    ck_assert_uint_gt(m.cap, cap);
    for (size_t i = 0; i < 1000; i++)
        ck_assert_int_eq(hmap_get(&m, keys[i]), (long)i);
    ck_assert_int_eq(hmap_get(&m, "copied"), 7);
    hmap_free(&m);
}
END_TEST

/* Values are 32-bit: a larger one is refused and leaves the map as it was. */
START_TEST(values_fit_32_bits)
{
    hmap m = {0};
    ck_assert_int_eq(hmap_put(&m, "a", 0xffffffffu), 0);
    ck_assert_int_eq(hmap_get(&m, "a"), 0xffffffffl);
    if (sizeof(size_t) > 4) {
        ck_assert_int_eq(hmap_put(&m, "a", (size_t)0xffffffffu + 1), -1);
        ck_assert_int_eq(hmap_put(&m, "b", (size_t)0xffffffffu + 1), -1);
    }
    ck_assert_int_eq(hmap_get(&m, "a"), 0xffffffffl);
    ck_assert_int_eq(hmap_get(&m, "b"), -1);
    ck_assert_uint_eq(m.len, 1);
    hmap_free(&m);
}
END_TEST

/* hmap_key2: a, 0x1f, b, cut to the buffer as snprintf cuts. */
START_TEST(key2_joins_and_cuts)
{
    char buf[8];
    hmap_key2(buf, sizeof buf, "ns", "web");
    ck_assert_str_eq(buf, "ns\x1fweb");
    hmap_key2(buf, sizeof buf, "ns-a", "web");
    ck_assert_str_eq(buf, "ns-a\x1fwe");
    hmap_key2(buf, sizeof buf, "namespace", "web");
    ck_assert_str_eq(buf, "namespa");
    hmap_key2(buf, 1, "a", "b");
    ck_assert_str_eq(buf, "");
    buf[0] = 'x';
    hmap_key2(buf, 0, "a", "b");
    ck_assert_int_eq(buf[0], 'x');
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("hmap");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, agrees_with_a_list);
    tcase_add_test(tc, prefixes_and_the_empty_key);
    tcase_add_test(tc, borrowed_keys_and_reserve);
    tcase_add_test(tc, values_fit_32_bits);
    tcase_add_test(tc, key2_joins_and_cuts);
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
