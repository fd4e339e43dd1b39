/*
 * test_rows.c - a resource row's texts (tui/rows.c): every cell is its
 * text cleaned as model/sanitize.c cleans it (controls and escapes never
 * reach the screen), and the filter's folded join holds each cell folded,
 * once, on its own line (the lines filter_fold_join makes from the cells,
 * in any order: the filter asks only whether a needle without a newline is
 * in it). rows.c checks and folds 8 bytes at a time, so the texts below put
 * a control byte, an upper-case letter and a UTF-8 byte at every offset of
 * strings of every length around a word.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/doc.h"
#include "model/parse.h"
#include "model/sanitize.h"
#include "model/store.h"
#include "tui/filter.h"
#include "tui/rows.h"

/* An Ingress whose one path is p (a JSON string's contents). */
static const store_obj *put_ingress(mp_store *st, const char *name, const char *path_json)
{
    char json[1024];
    snprintf(
        json, sizeof json,
        "{\"apiVersion\": \"networking.k8s.io/v1\", \"kind\": \"Ingress\","
        " \"metadata\": {\"name\": \"%s\", \"namespace\": \"ns-a\","
        " \"creationTimestamp\": \"2026-03-01T10:00:00Z\"},"
        " \"spec\": {\"ingressClassName\": \"Nginx\", \"rules\": [{\"host\": \"A.example.com\","
        " \"http\": {\"paths\": [{\"path\": \"%s\"}, {\"path\": \"/Same\"},"
        " {\"path\": \"/Same\"}]}}]}}",
        name, path_json);
    doc_list l;
    doc_list_init(&l);
    mp_err err;
    ck_assert_msg(doc_parse_json(json, strlen(json), "t.json", &l, &err) == 0, "%s: %s", json,
                  err.msg);
    mp_err e;
    ck_assert_int_eq(store_put(st, doc_list_take(&l, 0), &e), 1);
    doc_list_free(&l);
    return store_get(st, "Ingress", "ns-a", name);
}

/* The lines of a folded join, sorted, as one string. */
static char *sorted_lines(const char *folded)
{
    char *copy = strdup(folded), *lines[64];
    size_t n = 0;
    for (char *p = copy, *nl; (nl = strchr(p, '\n')) && n < 64; p = nl + 1) {
        *nl = '\0';
        lines[n++] = p;
    }
    for (size_t i = 1; i < n; i++) /* insertion sort: a handful of lines */
        for (size_t j = i; j > 0 && strcmp(lines[j - 1], lines[j]) > 0; j--) {
            char *t = lines[j];
            lines[j] = lines[j - 1];
            lines[j - 1] = t;
        }
    size_t len = strlen(folded) + 1;
    char *out = calloc(1, len);
    for (size_t i = 0; i < n; i++) {
        strcat(out, lines[i]);
        strcat(out, "\n");
    }
    free(copy);
    return out;
}

static void check_row(mp_store *st, const store_obj *o, const char *path)
{
    res_row r;
    ck_assert_int_eq(res_row_fill(&r, st, o), 0);
    char *clean = san_cleans(path, 0);
    char want[512];
    /* list_add: an empty text adds nothing, a duplicate neither */
    snprintf(want, sizeof want, "%s%s/Same", clean, *clean ? "," : "");
    ck_assert_str_eq(r.cell[COL_PATHS], want);
    ck_assert_str_eq(r.cell[COL_HOSTS], "A.example.com");
    ck_assert_str_eq(r.cell[COL_CLASS], "Nginx");
    ck_assert_str_eq(r.cell[COL_KIND], "Ingress");
    ck_assert_str_eq(r.cell[COL_AGE], "");
    ck_assert(!r.created_read); /* read when asked, not when filled */
    ck_assert_int_eq((long long)res_row_created(&r), 1772359200LL);
    ck_assert(r.created_read);
    char *ref = filter_fold_join((const char *const *)r.cell, COL_COUNT);
    char *a = sorted_lines(ref), *b = sorted_lines(r.folded);
    ck_assert_str_eq(a, b);
    ck_assert_uint_eq(strlen(ref), strlen(r.folded));
    free(a);
    free(b);
    free(ref);
    free(clean);
    res_row_free(&r);
}

START_TEST(cells_are_clean_and_folded_at_every_offset)
{
    static const char *const odd[] = {"\\u001b", "\\u0007", "X", "\\u00e9", "\\u007f", "\\t"};
    static const char *const raw[] = {"\x1b", "\x07", "X", "\xc3\xa9", "\x7f", "\t"};
    mp_store *st = store_new();
    int k = 0;
    for (size_t len = 0; len <= 20; len++)
        for (size_t at = 0; at <= len; at++)
            for (size_t o = 0; o < sizeof odd / sizeof *odd; o++) {
                if (at == len && len) /* the odd byte at the end: at == len - 1 covers it */
                    continue;
                char pj[128] = "", p[128] = "";
                for (size_t i = 0; i < len; i++) {
                    const char *cj = i == at ? odd[o] : (i % 3 ? "a" : "Q");
                    const char *c = i == at ? raw[o] : (i % 3 ? "a" : "Q");
                    strcat(pj, cj);
                    strcat(p, c);
                }
                char name[32];
                snprintf(name, sizeof name, "ing-%d", k++);
                check_row(st, put_ingress(st, name, pj), p);
            }
    store_free(st);
}
END_TEST

START_TEST(folded_matches_as_the_fields_do)
{
    mp_store *st = store_new();
    const store_obj *o = put_ingress(st, "Web-Front", "/API/V1");
    res_row r;
    ck_assert_int_eq(res_row_fill(&r, st, o), 0);
    static const char *const exprs[] = {"web-front", "WEB",    "api/v1", "/same",   "a.example.COM",
                                        "nginx",     "active", "ns-a",   "ingress", "zzz",
                                        "!zzz",      "!web",   "v1\n/",  "-"};
    for (size_t e = 0; e < sizeof exprs / sizeof *exprs; e++) {
        row_filter f;
        filter_init(&f);
        mp_err err;
        ck_assert_int_eq(filter_set(&f, exprs[e], &err), 0);
        bool slow = filter_match(&f, (const char *const *)r.cell, COL_COUNT, NULL);
        bool fast = filter_match_folded(&f, (const char *const *)r.cell, COL_COUNT, r.folded, NULL);
        ck_assert_msg(slow == fast, "filter \"%s\": fields say %d, folded %d", exprs[e], slow,
                      fast);
        filter_clear(&f);
    }
    res_row_free(&r);
    store_free(st);
}
END_TEST

static Suite *rows_suite(void)
{
    Suite *s = suite_create("rows");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, cells_are_clean_and_folded_at_every_offset);
    tcase_add_test(tc, folded_matches_as_the_fields_do);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(rows_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
