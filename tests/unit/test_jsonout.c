/*
 * test_jsonout.c - doc_json_append (get -o json's writer, model/emit_json.c)
 * writes what the cJSON path (doc_emit_json_cjson, the reference) returns.
 *
 * The writer promises the same bytes as the cJSON path: checked on every
 * tree the test corpora decode to (golden cases, tests/data, tests/bad,
 * the JSON and YAML fuzz corpora: odd keys, controls, big and YAML-spelled
 * numbers, deep nesting) and on trees built here for the corners (empty
 * containers at each depth, controls and invalid UTF-8 in keys and values,
 * booleans and numbers in YAML spellings, the top-level key order), with
 * and without an indent.
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
#include "model/strbuf.h"

#define TESTS_DIR TEST_DATA_DIR "/.."

static char **files;
static size_t nfiles;

static void add_file(const char *path)
{
    char **grown = realloc(files, (nfiles + 1) * sizeof *files);
    if (!grown)
        abort();
    files = grown;
    files[nfiles++] = strdup(path);
}

static void collect(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st))
            continue;
        if (S_ISDIR(st.st_mode))
            collect(path);
        else if (S_ISREG(st.st_mode) && st.st_size < (4 << 20))
            add_file(path);
    }
    closedir(d);
}

/* What cmd_get printed: every line of doc_emit_json's text after indent
 * spaces (put_indented), the last newline left to the caller. */
static char *indented(const char *text, size_t indent)
{
    strbuf sb;
    strbuf_init(&sb);
    for (const char *p = text; *p; p++) {
        strbuf_putc(&sb, *p);
        if (*p == '\n')
            for (size_t i = 0; i < indent; i++)
                strbuf_putc(&sb, ' ');
    }
    strbuf_append(&sb, "", 0);
    return strbuf_detach(&sb, NULL);
}

/* Compares both writers on one tree; returns 1 when they agree. */
static int same_as_cjson(const doc_node *d, size_t indent, const char *what)
{
    mp_err err;
    char *ref = doc_emit_json_cjson(d, true, NULL, &err);
    ck_assert_msg(ref != NULL, "%s: doc_emit_json_cjson failed", what);
    char *want = indented(ref, indent);
    strbuf sb;
    strbuf_init(&sb);
    strbuf_append(&sb, "x", 1); /* appends, never overwrites */
    ck_assert_int_eq(doc_json_append(&sb, d, indent, &err), 0);
    int ok = !strcmp(sb.buf + 1, want) && sb.buf[0] == 'x';
    if (!ok) {
        size_t i = 0;
        while (want[i] && want[i] == sb.buf[1 + i])
            i++;
        fprintf(stderr, "%s (indent %zu): differs at byte %zu:\nwant: %.80s\ngot:  %.80s\n", what,
                indent, i, want + (i > 20 ? i - 20 : 0), sb.buf + 1 + (i > 20 ? i - 20 : 0));
    }
    strbuf_free(&sb);
    free(want);
    free(ref);
    return ok;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    strbuf sb;
    strbuf_init(&sb);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        strbuf_append(&sb, buf, n);
    fclose(f);
    strbuf_append(&sb, "", 0);
    return strbuf_detach(&sb, len);
}

START_TEST(corpus_file_same_as_cjson)
{
    size_t len;
    char *buf = slurp(files[_i], &len);
    ck_assert_ptr_nonnull(buf);
    doc_list l;
    doc_list_init(&l);
    mp_err err;
    if (doc_parse_auto(buf, len, files[_i], &l, &err) == 0)
        for (size_t i = 0; i < l.len; i++) {
            ck_assert_msg(same_as_cjson(l.docs[i], 0, files[_i]), "%s: document %zu", files[_i], i);
            ck_assert_msg(same_as_cjson(l.docs[i], 4, files[_i]), "%s: document %zu", files[_i], i);
        }
    doc_list_free(&l);
    free(buf);
}
END_TEST

static doc_node *scalar(doc_type t, const char *text)
{
    doc_node *n = doc_scalar_new(t, text);
    ck_assert_ptr_nonnull(n);
    return n;
}

START_TEST(corners_same_as_cjson)
{
    doc_node *top = doc_map_new();
    doc_map_set(top, "zeta", doc_str_new("last?"));
    doc_map_set(top, "spec", doc_map_new());
    doc_map_set(top, "kind", doc_str_new("Ingress"));
    doc_map_set(top, "metadata", doc_map_new());
    doc_map_set(top, "apiVersion", doc_str_new("v1"));
    doc_node *odd = doc_map_ensure(top, "odd", DOC_MAP);
    doc_map_set(odd, "ctl\x01\x1f\"\\\b\f\n\r\t/",
                doc_str_new("a\x7f"
                            "b\xc2\x85"
                            "c\xe2\x80\xae"));
    doc_map_set(odd, "bad utf8",
                doc_str_new("x\xff\xe2\x80y\xc0\xaf\xed\xa0\x80z\xf4\x90\x80\x80"));
    doc_map_set(odd, "ok utf8",
                doc_str_new("caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80 \xef\xbf\xbd"));
    doc_map_set(odd, "\xe2\x80\xaekey", doc_str_new(""));
    doc_map_set(odd, "t", scalar(DOC_BOOL, "true"));
    doc_map_set(odd, "f", scalar(DOC_BOOL, "false"));
    doc_map_set(odd, "yes", scalar(DOC_BOOL, "yes"));
    doc_map_set(odd, "null", scalar(DOC_NULL, "~"));
    doc_map_set(odd, "big", scalar(DOC_INT, "123456789012345678901234567890"));
    doc_map_set(odd, "hex", scalar(DOC_INT, "0x1F"));
    doc_map_set(odd, "oct", scalar(DOC_INT, "0o17"));
    doc_map_set(odd, "under", scalar(DOC_INT, "1_000"));
    doc_map_set(odd, "flt", scalar(DOC_FLOAT, "-1.5e-3"));
    doc_map_set(odd, "yflt", scalar(DOC_FLOAT, "1_000.5"));
    doc_map_set(odd, "inf", scalar(DOC_FLOAT, "-.inf"));
    doc_map_set(odd, "nan", scalar(DOC_FLOAT, ".NaN"));
    doc_map_set(odd, "str num", doc_str_new("300"));
    doc_node *seq = doc_map_ensure(top, "seq", DOC_SEQ);
    doc_seq_push(seq, doc_map_new());
    doc_seq_push(seq, doc_seq_new());
    doc_node *inner = doc_map_new();
    doc_map_set(inner, "deep", doc_seq_new());
    doc_seq_push(doc_get(inner, "deep"), doc_str_new("x"));
    doc_seq_push(doc_get(inner, "deep"), doc_map_new());
    doc_seq_push(seq, inner);
    doc_seq_push(seq, scalar(DOC_INT, "7"));
    ck_assert(same_as_cjson(top, 0, "corners"));
    ck_assert(same_as_cjson(top, 4, "corners"));
    ck_assert(same_as_cjson(top, 70, "corners, wide indent"));
    ck_assert(same_as_cjson(odd, 0, "corners, not a top level"));
    ck_assert(same_as_cjson(seq, 2, "a sequence at the top"));
    doc_free(top);

    doc_node *empty = doc_map_new();
    ck_assert(same_as_cjson(empty, 0, "empty map"));
    doc_free(empty);
    empty = doc_seq_new();
    ck_assert(same_as_cjson(empty, 4, "empty sequence"));
    doc_free(empty);
    /* a chain 100 deep: the indent outgrows the writer's run of spaces */
    doc_node *chain = doc_map_new(), *at = chain;
    for (int i = 0; i < 100; i++)
        at = doc_map_ensure(at, i % 2 ? "m" : "n", DOC_MAP);
    ck_assert(same_as_cjson(chain, 4, "deep chain"));
    doc_free(chain);
}
END_TEST

int main(void)
{
    const char *dirs[] = {"/golden",
                          "/data",
                          "/bad",
                          "/fuzz/corpus/json",
                          "/fuzz/corpus/yaml",
                          "/fuzz/corpus/liststream"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s%s", TESTS_DIR, dirs[i]);
        collect(path);
    }
    if (nfiles < 300) { /* an empty walk would check nothing */
        fprintf(stderr, "test_jsonout: found only %zu corpus files\n", nfiles);
        return 1;
    }
    Suite *s = suite_create("jsonout");
    TCase *tc = tcase_create("corpus");
    tcase_add_loop_test(tc, corpus_file_same_as_cjson, 0, (int)nfiles);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    TCase *corners = tcase_create("corners");
    tcase_add_test(corners, corners_same_as_cjson);
    suite_add_tcase(s, corners);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
    return failed ? 1 : 0;
}
