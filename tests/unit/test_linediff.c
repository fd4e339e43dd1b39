/* test_linediff.c - aligned line diff: rows, counts, hunks, folds, word highlights. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/linediff.h"
#include "model/strbuf.h"
#include "model/textdiff.h"

static linediff *diff(const char *a, const char *b)
{
    linediff *d = linediff_new(a, b);
    ck_assert_ptr_nonnull(d);
    return d;
}

/* Rows written as "E0,0 D1,- I-,2 C3,3" for exact comparisons. */
static char *rows_str(const linediff *d)
{
    static const char tag[] = {'E', 'D', 'I', 'C'};
    strbuf sb;
    strbuf_init(&sb);
    const ld_row *r = linediff_rows(d);
    for (size_t i = 0; i < linediff_nrows(d); i++) {
        strbuf_printf(&sb, "%s%c", i ? " " : "", tag[r[i].kind]);
        if (r[i].a >= 0)
            strbuf_printf(&sb, "%ld", r[i].a);
        else
            strbuf_putc(&sb, '-');
        if (r[i].b >= 0)
            strbuf_printf(&sb, ",%ld", r[i].b);
        else
            strbuf_puts(&sb, ",-");
    }
    return strbuf_detach(&sb, NULL);
}

static void assert_rows(const linediff *d, const char *want)
{
    char *got = rows_str(d);
    ck_assert_str_eq(got, want);
    free(got);
}

static bool line_is(const linediff *d, int side, long i, const char *want)
{
    size_t len;
    const char *s = linediff_line(d, side, i, &len);
    return s && len == strlen(want) && !memcmp(s, want, len);
}

START_TEST(empty_vs_empty)
{
    linediff *d = diff("", "");
    ck_assert_uint_eq(linediff_nrows(d), 0);
    ck_assert_uint_eq(linediff_nlines(d, 0), 0);
    ck_assert_uint_eq(linediff_nlines(d, 1), 0);
    ck_assert(linediff_equal(d));
    ck_assert_uint_eq(linediff_nhunks(d), 0);
    ck_assert_int_eq(linediff_next_hunk(d, 0), -1);
    ck_assert_int_eq(linediff_prev_hunk(d, 0), -1);
    size_t n = 99;
    ck_assert_ptr_null(linediff_fold(d, 3, &n));
    ck_assert_uint_eq(n, 0);
    linediff_free(d);
}
END_TEST

START_TEST(empty_vs_text_and_back)
{
    /* a last line without '\n' counts */
    linediff *d = diff("", "a\nb");
    assert_rows(d, "I-,0 I-,1");
    ck_assert_uint_eq(linediff_inserted(d), 2);
    ck_assert_uint_eq(linediff_deleted(d), 0);
    ck_assert(!linediff_equal(d));
    ck_assert_uint_eq(linediff_nhunks(d), 1);
    ck_assert_uint_eq(linediff_hunk_start(d, 0), 0);
    ck_assert(line_is(d, 1, 1, "b"));
    linediff_free(d);

    d = diff("a\nb\n", "");
    assert_rows(d, "D0,- D1,-");
    ck_assert_uint_eq(linediff_deleted(d), 2);
    ck_assert_uint_eq(linediff_inserted(d), 0);
    ck_assert(line_is(d, 0, 0, "a"));
    linediff_free(d);
}
END_TEST

START_TEST(identical_texts)
{
    linediff *d = diff("x\n\ny\n", "x\n\ny\n");
    assert_rows(d, "E0,0 E1,1 E2,2");
    ck_assert(linediff_equal(d));
    ck_assert_uint_eq(linediff_deleted(d) + linediff_inserted(d), 0);
    ck_assert(line_is(d, 0, 1, ""));
    size_t len = 7;
    ck_assert_ptr_null(linediff_line(d, 0, 3, &len));
    ck_assert_uint_eq(len, 0);
    linediff_free(d);
}
END_TEST

START_TEST(all_lines_changed)
{
    /* three deletions and two insertions: two CHANGE rows, then the rest */
    linediff *d = diff("a\nb\nc\n", "x\ny\n");
    assert_rows(d, "C0,0 C1,1 D2,-");
    ck_assert_uint_eq(linediff_deleted(d), 3);
    ck_assert_uint_eq(linediff_inserted(d), 2);
    ck_assert_uint_eq(linediff_nhunks(d), 1);
    linediff_free(d);

    d = diff("a\n", "x\ny\nz\n");
    assert_rows(d, "C0,0 I-,1 I-,2");
    linediff_free(d);
}
END_TEST

START_TEST(insert_and_delete_at_both_ends)
{
    linediff *d = diff("1\n2\n3\n", "0\n1\n2\n3\n4\n");
    assert_rows(d, "I-,0 E0,1 E1,2 E2,3 I-,4");
    ck_assert_uint_eq(linediff_nhunks(d), 2);
    ck_assert_uint_eq(linediff_inserted(d), 2);
    linediff_free(d);

    d = diff("0\n1\n2\n3\n4\n", "1\n2\n3\n");
    assert_rows(d, "D0,- E1,0 E2,1 E3,2 D4,-");
    ck_assert_uint_eq(linediff_deleted(d), 2);
    linediff_free(d);

    /* a changed first and last line */
    d = diff("a\nm\nz\n", "A\nm\nZ\n");
    assert_rows(d, "C0,0 E1,1 C2,2");
    linediff_free(d);
}
END_TEST

START_TEST(moved_block)
{
    /* moving the 3-line block costs 6 edits, moving the 4 lines between 8:
     * the block is the one reported */
    const char *a = "h\nA1\nA2\nA3\nm1\nm2\nm3\nm4\nt\n";
    const char *b = "h\nm1\nm2\nm3\nm4\nA1\nA2\nA3\nt\n";
    linediff *d = diff(a, b);
    assert_rows(d, "E0,0 D1,- D2,- D3,- E4,1 E5,2 E6,3 E7,4 I-,5 I-,6 I-,7 E8,8");
    ck_assert_uint_eq(linediff_deleted(d), 3);
    ck_assert_uint_eq(linediff_inserted(d), 3);
    ck_assert_uint_eq(linediff_nhunks(d), 2);
    linediff_free(d);
}
END_TEST

/* ---- a 10,000-line document pair ---- */

/* Line i of the generated document: YAML-ish, with structural lines that
 * repeat every object and unique lines naming it. */
static void doc_line(strbuf *sb, size_t i)
{
    static const char *const shape[] = {"---\n",
                                        "kind: VirtualService\n",
                                        "metadata:\n",
                                        "  name: web-%zu\n",
                                        "spec:\n",
                                        "  http:\n",
                                        "  - route:\n",
                                        "    - destination: {host: svc-%zu}\n",
                                        "    timeout: 30s\n",
                                        "# end %zu\n"};
    strbuf_printf(sb, shape[i % 10], i / 10);
}

typedef struct {
    size_t changed, deleted, inserted;
} edits;

/* b from a: every 97th line changed to a new unique text, every 211th
 * deleted (structural lines included), a new line before every 307th. */
static void make_pair(size_t n, char **a, char **b, edits *e)
{
    strbuf sa, sb;
    strbuf_init(&sa);
    strbuf_init(&sb);
    *e = (edits){0};
    for (size_t i = 0; i < n; i++) {
        doc_line(&sa, i);
        if (i % 307 == 5) {
            strbuf_printf(&sb, "  inserted: %zu\n", i);
            e->inserted++;
        }
        if (i % 211 == 7) {
            e->deleted++;
        } else if (i % 97 == 3) {
            strbuf_printf(&sb, "  changed: %zu\n", i);
            e->changed++;
        } else {
            doc_line(&sb, i);
        }
    }
    *a = strbuf_detach(&sa, NULL);
    *b = strbuf_detach(&sb, NULL);
}

/* The lines of s, for checking rows against the input itself. */
static char **split(char *s, size_t *n)
{
    size_t cap = 1;
    for (char *p = s; *p; p++)
        cap += *p == '\n';
    char **v = malloc(cap * sizeof *v);
    *n = 0;
    for (char *p = s; *p;) {
        char *nl = strchr(p, '\n');
        v[(*n)++] = p;
        if (!nl)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    return v;
}

/* Every row's lines are the inputs' lines, each line of each side appears
 * once and in order, and equal rows hold equal lines. */
static void check_rows(const linediff *d, const char *a, const char *b)
{
    char *ca = strdup(a), *cb = strdup(b);
    size_t na, nb;
    char **la = split(ca, &na), **lb = split(cb, &nb);
    ck_assert_uint_eq(linediff_nlines(d, 0), na);
    ck_assert_uint_eq(linediff_nlines(d, 1), nb);
    long next_a = 0, next_b = 0;
    const ld_row *r = linediff_rows(d);
    for (size_t i = 0; i < linediff_nrows(d); i++) {
        ck_assert_int_eq(r[i].a >= 0, r[i].kind != LD_INSERT);
        ck_assert_int_eq(r[i].b >= 0, r[i].kind != LD_DELETE);
        if (r[i].a >= 0) {
            ck_assert_int_eq(r[i].a, next_a++);
            ck_assert(line_is(d, 0, r[i].a, la[r[i].a]));
        }
        if (r[i].b >= 0) {
            ck_assert_int_eq(r[i].b, next_b++);
            ck_assert(line_is(d, 1, r[i].b, lb[r[i].b]));
        }
        if (r[i].kind == LD_EQUAL)
            ck_assert_str_eq(la[r[i].a], lb[r[i].b]);
    }
    ck_assert_int_eq(next_a, (long)na);
    ck_assert_int_eq(next_b, (long)nb);
    free(la), free(lb), free(ca), free(cb);
}

static size_t count_lines_starting(const char *s, char c)
{
    size_t n = 0;
    for (const char *p = s; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
        n += *p == c && strncmp(p, "--- ", 4) && strncmp(p, "+++ ", 4);
    return n;
}

START_TEST(ten_thousand_lines_with_scattered_edits)
{
    char *a, *b;
    edits e;
    make_pair(10000, &a, &b, &e);
    ck_assert_uint_gt(e.changed, 90);
    ck_assert_uint_gt(e.deleted, 40);
    ck_assert_uint_gt(e.inserted, 30);
    linediff *d = diff(a, b);
    ck_assert_uint_eq(linediff_nlines(d, 0), 10000);
    /* new lines are unique, so the minimal script deletes exactly the
     * changed and deleted lines and inserts exactly the new ones */
    ck_assert_uint_eq(linediff_deleted(d), e.changed + e.deleted);
    ck_assert_uint_eq(linediff_inserted(d), e.changed + e.inserted);
    check_rows(d, a, b);
    /* the unified text shows the same lines */
    char *u = textdiff_unified(a, b, "a", "b", 3);
    ck_assert_ptr_nonnull(u);
    ck_assert_uint_eq(count_lines_starting(u, '-'), e.changed + e.deleted);
    ck_assert_uint_eq(count_lines_starting(u, '+'), e.changed + e.inserted);
    free(u);
    linediff_free(d);

    /* every line changed: nothing in common */
    strbuf sb;
    strbuf_init(&sb);
    for (const char *p = a; *p;) {
        const char *nl = strchr(p, '\n');
        strbuf_append(&sb, p, (size_t)(nl - p));
        strbuf_puts(&sb, " # v2\n");
        p = nl + 1;
    }
    char *all = strbuf_detach(&sb, NULL);
    d = diff(a, all);
    ck_assert_uint_eq(linediff_nrows(d), 10000);
    ck_assert_uint_eq(linediff_deleted(d), 10000);
    ck_assert_uint_eq(linediff_inserted(d), 10000);
    ck_assert_int_eq(linediff_rows(d)[9999].kind, LD_CHANGE);
    check_rows(d, a, all);
    linediff_free(d);
    free(all), free(a), free(b);
}
END_TEST

START_TEST(ten_thousand_lines_block_moved)
{
    strbuf sa, sb;
    strbuf_init(&sa);
    strbuf_init(&sb);
    for (size_t i = 0; i < 10000; i++)
        doc_line(&sa, i);
    /* objects 100..199 (1000 lines) moved after object 799 */
    for (size_t i = 0; i < 10000; i++) {
        if (i < 1000 || i >= 2000)
            doc_line(&sb, i);
        if (i == 7999)
            for (size_t k = 1000; k < 2000; k++)
                doc_line(&sb, k);
    }
    char *a = strbuf_detach(&sa, NULL), *b = strbuf_detach(&sb, NULL);
    linediff *d = diff(a, b);
    /* the cheapest script deletes the block and inserts it again */
    ck_assert_uint_eq(linediff_deleted(d), 1000);
    ck_assert_uint_eq(linediff_inserted(d), 1000);
    check_rows(d, a, b);
    linediff_free(d);
    free(a), free(b);
}
END_TEST

/* ---- word highlights ---- */

static void put_spans(strbuf *sb, const char *label, const ld_span *sp, size_t n)
{
    strbuf_puts(sb, label);
    for (size_t i = 0; i < n; i++)
        strbuf_printf(sb, "%s%zu+%zu", i ? " " : "", sp[i].start, sp[i].len);
}

/* Spans of the one CHANGE row of la/lb written "a=START+LEN ... b=..." */
static void assert_words(const char *la, const char *lb, const char *want)
{
    char a[256], b[256];
    snprintf(a, sizeof a, "%s\n", la);
    snprintf(b, sizeof b, "%s\n", lb);
    linediff *d = diff(a, b);
    ck_assert_uint_eq(linediff_nrows(d), 1);
    ck_assert_int_eq(linediff_rows(d)[0].kind, LD_CHANGE);
    ld_span sa[8], sb[8];
    size_t na, nb;
    linediff_words(d, 0, sa, &na, sb, &nb, 8);
    strbuf got;
    strbuf_init(&got);
    put_spans(&got, "a=", sa, na);
    put_spans(&got, " b=", sb, nb);
    char *s = strbuf_detach(&got, NULL);
    ck_assert_str_eq(s, want);
    free(s);
    linediff_free(d);
}

START_TEST(word_highlights)
{
    /* "  - exact: https://" is 19 bytes; only the host letter differs */
    assert_words("  - exact: https://a.example.com", "  - exact: https://b.example.com",
                 "a=19+1 b=19+1");
    /* a word is one token: 30s against 45s */
    assert_words("    timeout: 30s", "    timeout: 45s", "a=13+3 b=13+3");
    /* adjacent changed tokens merge into one span: "b-v2" */
    assert_words("host: svc-a", "host: svc-b-v2", "a=10+1 b=10+4");
    /* an insertion only: no span on the left; "z, " is one span */
    assert_words("a: [x, y]", "a: [x, z, y]", "a= b=7+3");
    /* two separate spans on each side */
    assert_words("port: 80 # old", "port: 81 # new", "a=6+2 11+3 b=6+2 11+3");
    /* UTF-8 stays inside words: the whole word, never half a character */
    assert_words("name: caf\xc3\xa9", "name: caf\xc3\xa8", "a=6+5 b=6+5");
}
END_TEST

START_TEST(word_highlights_limits)
{
    linediff *d = diff("same\nport: 80 # old\n", "same\nport: 81 # new\n");
    ld_span sa[2], sb[2];
    size_t na = 9, nb = 9;
    /* an equal row gives no spans */
    linediff_words(d, 0, sa, &na, sb, &nb, 2);
    ck_assert_uint_eq(na + nb, 0);
    /* max caps what is written */
    linediff_words(d, 1, sa, &na, sb, &nb, 1);
    ck_assert_uint_eq(na, 1);
    ck_assert_uint_eq(nb, 1);
    ck_assert_uint_eq(sa[0].start, 6);
    /* out of range */
    linediff_words(d, 7, sa, &na, sb, &nb, 2);
    ck_assert_uint_eq(na + nb, 0);
    linediff_free(d);
}
END_TEST

/* ---- folds and hunks ---- */

static char *numbered(size_t n, long changed, const char *with)
{
    strbuf sb;
    strbuf_init(&sb);
    for (size_t i = 0; i < n; i++)
        if ((long)i == changed)
            strbuf_printf(&sb, "%s\n", with);
        else
            strbuf_printf(&sb, "l%zu\n", i);
    return strbuf_detach(&sb, NULL);
}

/* Items written as "F0x7 R7 R8" (fold at row 0 of 7 rows, rows 7 and 8). */
static char *fold_str(const linediff *d, size_t ctx)
{
    size_t n;
    ld_item *it = linediff_fold(d, ctx, &n);
    ck_assert_ptr_nonnull(it);
    strbuf sb;
    strbuf_init(&sb);
    for (size_t i = 0; i < n; i++) {
        if (it[i].fold)
            strbuf_printf(&sb, "%sF%zux%zu", i ? " " : "", it[i].row, it[i].count);
        else
            strbuf_printf(&sb, "%sR%zu", i ? " " : "", it[i].row);
    }
    free(it);
    return strbuf_detach(&sb, NULL);
}

static void assert_fold(const linediff *d, size_t ctx, const char *want)
{
    char *got = fold_str(d, ctx);
    ck_assert_str_eq(got, want);
    free(got);
}

START_TEST(folding_with_context)
{
    char *a = numbered(20, -1, NULL), *b = numbered(20, 10, "ten");
    linediff *d = diff(a, b);
    ck_assert_uint_eq(linediff_nrows(d), 20);
    assert_fold(d, 3, "F0x7 R7 R8 R9 R10 R11 R12 R13 F14x6");
    assert_fold(d, 0, "F0x10 R10 F11x9");
    /* one row left over is shown, not folded */
    assert_fold(d, 8, "F0x2 R2 R3 R4 R5 R6 R7 R8 R9 R10 R11 R12 R13 R14 R15 R16 R17 R18 R19");
    size_t n;
    ld_item *it = linediff_fold(d, 9, &n);
    ck_assert_uint_eq(n, 20);
    for (size_t i = 0; i < n; i++)
        ck_assert(!it[i].fold);
    free(it);
    linediff_free(d);

    /* no changes: everything is far from a change */
    d = diff(a, a);
    assert_fold(d, 3, "F0x20");
    linediff_free(d);

    /* two changes 6 rows apart: with context 3 the gap stays open */
    char *c = numbered(20, 5, "five");
    char *c2 = strdup(c);
    char *p = strstr(c2, "l12\n");
    memcpy(p, "L12", 3);
    d = diff(a, c2);
    assert_fold(d, 3, "F0x2 R2 R3 R4 R5 R6 R7 R8 R9 R10 R11 R12 R13 R14 R15 F16x4");
    /* with context 4 the first run keeps 4 of its 5 rows: 1 left, not folded */
    assert_fold(d, 4, "R0 R1 R2 R3 R4 R5 R6 R7 R8 R9 R10 R11 R12 R13 R14 R15 R16 F17x3");
    linediff_free(d);
    free(a), free(b), free(c), free(c2);
}
END_TEST

START_TEST(hunk_navigation)
{
    char *a = numbered(30, -1, NULL);
    /* lines 5 and 6 changed, 20 deleted, one line added at the end */
    strbuf sb;
    strbuf_init(&sb);
    for (size_t i = 0; i < 30; i++) {
        if (i == 5 || i == 6)
            strbuf_printf(&sb, "x%zu\n", i);
        else if (i != 20)
            strbuf_printf(&sb, "l%zu\n", i);
    }
    strbuf_puts(&sb, "end\n");
    char *b = strbuf_detach(&sb, NULL);
    linediff *d = diff(a, b);
    assert_rows(d, "E0,0 E1,1 E2,2 E3,3 E4,4 C5,5 C6,6 E7,7 E8,8 E9,9 E10,10 E11,11 E12,12 "
                   "E13,13 E14,14 E15,15 E16,16 E17,17 E18,18 E19,19 D20,- E21,20 E22,21 "
                   "E23,22 E24,23 E25,24 E26,25 E27,26 E28,27 E29,28 I-,29");
    ck_assert_uint_eq(linediff_nhunks(d), 3);
    ck_assert_uint_eq(linediff_hunk_start(d, 0), 5);
    ck_assert_uint_eq(linediff_hunk_start(d, 1), 20);
    ck_assert_uint_eq(linediff_hunk_start(d, 2), 30);
    ck_assert_int_eq(linediff_next_hunk(d, 0), 5);
    ck_assert_int_eq(linediff_next_hunk(d, 5), 20);
    ck_assert_int_eq(linediff_next_hunk(d, 6), 20);
    ck_assert_int_eq(linediff_next_hunk(d, 20), 30);
    ck_assert_int_eq(linediff_next_hunk(d, 30), -1);
    ck_assert_int_eq(linediff_prev_hunk(d, 30), 20);
    ck_assert_int_eq(linediff_prev_hunk(d, 25), 20);
    ck_assert_int_eq(linediff_prev_hunk(d, 20), 5);
    ck_assert_int_eq(linediff_prev_hunk(d, 6), 5);
    ck_assert_int_eq(linediff_prev_hunk(d, 5), -1);
    ck_assert_int_eq(linediff_prev_hunk(d, 0), -1);
    ck_assert_uint_eq(linediff_deleted(d), 3);
    ck_assert_uint_eq(linediff_inserted(d), 3);
    linediff_free(d);
    free(a), free(b);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("linediff");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, empty_vs_empty);
    tcase_add_test(tc, empty_vs_text_and_back);
    tcase_add_test(tc, identical_texts);
    tcase_add_test(tc, all_lines_changed);
    tcase_add_test(tc, insert_and_delete_at_both_ends);
    tcase_add_test(tc, moved_block);
    tcase_add_test(tc, ten_thousand_lines_with_scattered_edits);
    tcase_add_test(tc, ten_thousand_lines_block_moved);
    tcase_add_test(tc, word_highlights);
    tcase_add_test(tc, word_highlights_limits);
    tcase_add_test(tc, folding_with_context);
    tcase_add_test(tc, hunk_navigation);
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
