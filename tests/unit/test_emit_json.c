/*
 * test_emit_json.c - the direct JSON writer (model/emit_json.c) writes the bytes of
 * the cJSON path it replaced (doc_emit_json_cjson, the reference kept in emit.c).
 *
 * Every tree is written both ways, pretty and compact, alone and as an array, and
 * compared byte for byte: nasty strings as values and keys, every spelling of
 * numbers YAML and JSON have, nesting of objects in arrays in objects, empty ones,
 * the top-level key order; pseudo-random trees; and every manifest of the golden
 * corpus, the round-trip fixtures and the fuzz corpora.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model/doc.h"
#include "model/emit.h"
#include "model/emit_int.h"
#include "model/parse.h"

static const char *const strings[] = {"",
                                      "x",
                                      "null",
                                      "300",
                                      "a\"b",
                                      "a\\b",
                                      "\b\f\n\r\t",
                                      "\x01\x1f",
                                      "\x7f",
                                      "x\x7fy",
                                      "/a/b",
                                      "\xc3\xa9",
                                      "\xe4\xbd\xa0\xe5\xa5\xbd",
                                      "\xf0\x9f\x98\x80",
                                      "\xc2\x85",
                                      "\xc2\x9b[31m",
                                      "\xe2\x80\xae",
                                      "x\xe2\x80\x8ey",
                                      "\xd8\x9c",
                                      "\xef\xbf\xbd",
                                      "\xef\xbb\xbf",
                                      "\xff",
                                      "x\xc3",
                                      "\xc3\n",
                                      "\xe0\x80\x80",
                                      "\xed\xa0\x80",
                                      "\xf4\x90\x80\x80",
                                      "\x80\x80",
                                      "a\tb",
                                      "\xe2\x80\xa8",
                                      "\"\\\"",
                                      "}{][,:"};
#define NSTRINGS (sizeof strings / sizeof *strings)

static const struct {
    doc_type type;
    const char *text;
} numbers[] = {
    {DOC_INT, "0"},      {DOC_INT, "-12"},           {DOC_INT, "0x1F"},
    {DOC_INT, "-0x1f"},  {DOC_INT, "0777"},          {DOC_INT, "0o17"},
    {DOC_INT, "0b101"},  {DOC_INT, "1_000"},         {DOC_INT, "+5"},
    {DOC_INT, "0x1G"},   {DOC_INT, "x\xe2\x80\xae"}, {DOC_INT, "123456789012345678901234567890"},
    {DOC_FLOAT, "1.5"},  {DOC_FLOAT, "1e5"},         {DOC_FLOAT, "1E+5"},
    {DOC_FLOAT, ".5"},   {DOC_FLOAT, "+1."},         {DOC_FLOAT, "1_000.5"},
    {DOC_FLOAT, ".inf"}, {DOC_FLOAT, "-.Inf"},       {DOC_FLOAT, ".nan"},
    {DOC_FLOAT, "0.1"},  {DOC_FLOAT, "1e400"},       {DOC_FLOAT, "3.141592653589793238"},
    {DOC_FLOAT, "-0.0"}, {DOC_BOOL, "true"},         {DOC_BOOL, "false"},
    {DOC_BOOL, "yes"},   {DOC_NULL, "null"},         {DOC_NULL, "~"},
    {DOC_NULL, ""},
};
#define NNUMBERS (sizeof numbers / sizeof *numbers)

/* Both writers agree on docs, pretty and compact, one by one and as an array. */
static void same_json(doc_node *const *docs, size_t n, const char *what)
{
    for (int pretty = 0; pretty < 2; pretty++) {
        for (size_t i = 0; i <= n; i++) {
            size_t l1 = 0, l2 = 0;
            mp_err e1 = {{0}}, e2 = {{0}};
            char *a = i < n ? doc_emit_json(docs[i], pretty, &l1, &e1)
                            : doc_emit_json_array(docs, n, pretty, &l1, &e1);
            char *b = i < n ? doc_emit_json_cjson(docs[i], pretty, &l2, &e2)
                            : doc_emit_json_array_cjson(docs, n, pretty, &l2, &e2);
            ck_assert_msg(a && b, "%s: %s%s", what, e1.msg, e2.msg);
            ck_assert_msg(l1 == l2 && !memcmp(a, b, l1),
                          "%s (pretty %d, doc %zu): differs\n--- direct:\n%s\n--- cJSON:\n%s", what,
                          pretty, i, a, b);
            ck_assert_uint_eq(strlen(a), l1);
            free(a);
            free(b);
        }
    }
}

static void same_json1(const doc_node *d, const char *what)
{
    doc_node *one[1] = {(doc_node *)d};
    same_json(one, 1, what);
}

START_TEST(strings_as_values_and_keys)
{
    const char *s = strings[_i];
    doc_node *m = doc_map_new();
    doc_map_set(m, "spec", doc_str_new(s));
    doc_map_set(m, s, doc_str_new("key"));
    doc_node *seq = doc_seq_new();
    doc_seq_push(seq, doc_str_new(s));
    doc_node *inner = doc_map_new();
    doc_map_set(inner, s, doc_str_new(s));
    doc_map_set(inner, "empty", doc_map_new());
    doc_map_set(inner, "none", doc_seq_new());
    doc_seq_push(seq, inner);
    doc_seq_push(seq, doc_seq_new());
    doc_map_set(m, "items", seq);
    doc_map_set(m, "kind", doc_str_new("Thing"));
    doc_map_set(m, "apiVersion", doc_str_new("v1"));
    same_json1(m, s);
    doc_node *root = doc_str_new(s);
    same_json1(root, s);
    doc_node *two[2] = {m, root};
    same_json(two, 2, s);
    doc_free(root);
    doc_free(m);
}
END_TEST

START_TEST(numbers_every_spelling)
{
    doc_node *m = doc_map_new();
    doc_map_set(m, "n", doc_scalar_new(numbers[_i].type, numbers[_i].text));
    doc_node *seq = doc_seq_new();
    doc_seq_push(seq, doc_scalar_new(numbers[_i].type, numbers[_i].text));
    doc_map_set(m, "seq", seq);
    same_json1(m, numbers[_i].text);
    doc_free(m);
}
END_TEST

START_TEST(empty_and_nested)
{
    doc_node *empty_map = doc_map_new(), *empty_seq = doc_seq_new();
    same_json1(empty_map, "{}");
    same_json1(empty_seq, "[]");
    doc_node *none[1] = {NULL};
    size_t l1, l2;
    char *a = doc_emit_json_array(none, 0, true, &l1, NULL);
    char *b = doc_emit_json_array_cjson(none, 0, true, &l2, NULL);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    doc_free(empty_map);
    doc_free(empty_seq);
}
END_TEST

/* Pseudo-random trees (a fixed seed: the same trees every run). */
static unsigned long rng_state;
static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005ul + 1442695040888963407ul;
    return (unsigned)(rng_state >> 33) % n;
}

static doc_node *random_tree(int depth)
{
    unsigned k = depth > 4 ? rnd(2) : rnd(10);
    if (k == 0)
        return doc_str_new(strings[rnd(NSTRINGS)]);
    if (k == 1) {
        unsigned i = rnd(NNUMBERS);
        return doc_scalar_new(numbers[i].type, numbers[i].text);
    }
    doc_node *c = k < 6 ? doc_map_new() : doc_seq_new();
    unsigned len = rnd(5);
    static const char *const keys[] = {"apiVersion", "kind", "metadata", "spec", "x", "name"};
    for (unsigned i = 0; i < len; i++) {
        if (c->kind == DOC_SEQ)
            doc_seq_push(c, random_tree(depth + 1));
        else
            doc_map_set(c, rnd(3) ? keys[rnd(6)] : strings[rnd(NSTRINGS)], random_tree(depth + 1));
    }
    return c;
}

START_TEST(random_trees)
{
    rng_state = 20261130ul;
    for (int t = 0; t < 3000; t++) {
        doc_node *d[3] = {random_tree(0), random_tree(0), random_tree(0)};
        same_json(d, 3, "random trees");
        for (int i = 0; i < 3; i++)
            doc_free(d[i]);
    }
}
END_TEST

/* ---- every manifest of the fixture corpora ---- */

static size_t ndocs;

static void compare_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s", path);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    doc_list l;
    doc_list_init(&l);
    mp_err err;
    if (doc_parse_auto(buf, n, path, &l, &err) == 0) {
        same_json(l.docs, l.len, path);
        ndocs += l.len;
    }
    doc_list_free(&l);
}

static void walk(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "%s", dir);
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st))
            continue;
        if (S_ISREG(st.st_mode))
            compare_file(path);
        else if (S_ISDIR(st.st_mode))
            walk(path);
    }
    closedir(d);
}

START_TEST(fixture_corpora)
{
    static const char *const dirs[] = {TEST_DATA_DIR "/../golden", TEST_DATA_DIR "/roundtrip",
                                       TEST_DATA_DIR "/../fuzz/corpus/yaml",
                                       TEST_DATA_DIR "/../fuzz/corpus/json",
                                       TEST_DATA_DIR "/../fuzz/corpus/convert"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
        walk(dirs[i]);
    ck_assert_msg(ndocs > 800, "%zu documents", ndocs); /* an empty walk checks nothing */
}
END_TEST

static Suite *emit_json_suite(void)
{
    Suite *s = suite_create("emit_json");
    TCase *tc = tcase_create("same-bytes");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, strings_as_values_and_keys, 0, (int)NSTRINGS);
    tcase_add_loop_test(tc, numbers_every_spelling, 0, (int)NNUMBERS);
    tcase_add_test(tc, empty_and_nested);
    tcase_add_test(tc, random_trees);
    tcase_add_test(tc, fixture_corpora);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(emit_json_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
