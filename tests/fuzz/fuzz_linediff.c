/* fuzz_linediff.c - the side-by-side line diff of the console's diff view.
 * The input is two texts split at the first NUL (or in the middle). The
 * rows walk each side's lines in order, once each; an equal row pairs equal
 * lines; the counts, hunks and folds agree with the rows; word spans stay
 * inside their lines. */
#include "fuzz.h"
#include "model/linediff.h"

static void check_rows(const linediff *d)
{
    const ld_row *r = linediff_rows(d);
    size_t n = linediff_nrows(d), del = 0, ins = 0;
    long next[2] = {0, 0};
    bool equal = true;
    for (size_t i = 0; i < n; i++) {
        FUZZ_ASSERT((r[i].a < 0) == (r[i].kind == LD_INSERT), "row %zu: a side", i);
        FUZZ_ASSERT((r[i].b < 0) == (r[i].kind == LD_DELETE), "row %zu: b side", i);
        if (r[i].a >= 0)
            FUZZ_ASSERT(r[i].a == next[0]++, "row %zu: a line %ld out of order", i, r[i].a);
        if (r[i].b >= 0)
            FUZZ_ASSERT(r[i].b == next[1]++, "row %zu: b line %ld out of order", i, r[i].b);
        if (r[i].kind == LD_EQUAL) {
            size_t la, lb;
            const char *a = linediff_line(d, 0, r[i].a, &la), *b = linediff_line(d, 1, r[i].b, &lb);
            FUZZ_ASSERT(la == lb && !memcmp(a, b, la), "row %zu: equal row, different lines", i);
        } else {
            equal = false;
        }
        del += r[i].kind == LD_DELETE || r[i].kind == LD_CHANGE;
        ins += r[i].kind == LD_INSERT || r[i].kind == LD_CHANGE;
    }
    FUZZ_ASSERT((size_t)next[0] == linediff_nlines(d, 0) &&
                    (size_t)next[1] == linediff_nlines(d, 1),
                "every line once");
    FUZZ_ASSERT(del == linediff_deleted(d) && ins == linediff_inserted(d), "counts");
    FUZZ_ASSERT(equal == linediff_equal(d), "equal");
}

static void check_hunks(const linediff *d)
{
    const ld_row *r = linediff_rows(d);
    size_t nh = linediff_nhunks(d), prev = 0;
    for (size_t h = 0; h < nh; h++) {
        size_t s = linediff_hunk_start(d, h);
        FUZZ_ASSERT(s < linediff_nrows(d) && r[s].kind != LD_EQUAL, "hunk %zu starts on a change",
                    h);
        FUZZ_ASSERT(s == 0 || r[s - 1].kind == LD_EQUAL, "hunk %zu starts a run", h);
        FUZZ_ASSERT(h == 0 || s > prev, "hunks ascend");
        prev = s;
    }
}

static void check_folds(const linediff *d, size_t context)
{
    size_t n, covered = 0;
    ld_item *it = linediff_fold(d, context, &n);
    for (size_t i = 0; i < n; i++) {
        FUZZ_ASSERT(it[i].row == covered, "item %zu: rows in order", i);
        if (it[i].fold) {
            FUZZ_ASSERT(it[i].count >= 2, "a fold hides 2 rows or more");
            for (size_t k = 0; k < it[i].count; k++)
                FUZZ_ASSERT(linediff_rows(d)[it[i].row + k].kind == LD_EQUAL,
                            "only equal rows fold");
        }
        covered += it[i].fold ? it[i].count : 1;
    }
    FUZZ_ASSERT(covered == linediff_nrows(d), "the items cover every row");
    free(it);
}

static void check_words(const linediff *d)
{
    for (size_t i = 0; i < linediff_nrows(d); i++) {
        const ld_row *r = &linediff_rows(d)[i];
        ld_span sa[16], sb[16];
        size_t na = 0, nb = 0, la = 0, lb = 0;
        linediff_words(d, i, sa, &na, sb, &nb, 16);
        FUZZ_ASSERT(na <= 16 && nb <= 16, "at most max spans");
        if (r->kind != LD_CHANGE) {
            FUZZ_ASSERT(!na && !nb, "spans only on changed rows");
            continue;
        }
        linediff_line(d, 0, r->a, &la);
        linediff_line(d, 1, r->b, &lb);
        for (size_t k = 0; k < na; k++)
            FUZZ_ASSERT(sa[k].start + sa[k].len <= la, "span inside line a");
        for (size_t k = 0; k < nb; k++)
            FUZZ_ASSERT(sb[k].start + sb[k].len <= lb, "span inside line b");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 20000)
        return 0;
    char *buf = fuzz_cstr(data, size);
    size_t cut = strlen(buf) < size ? strlen(buf) : size / 2;
    char *a = strndup(buf, cut);
    size_t skip = cut < size && !data[cut];
    char *b = fuzz_cstr(data + cut + skip, size - cut - skip);
    linediff *d = linediff_new(a, b);
    FUZZ_ASSERT(d, "out of memory");
    check_rows(d);
    check_hunks(d);
    check_folds(d, size ? data[0] % 5 : 3);
    check_words(d);
    linediff_free(d);
    free(a);
    free(b);
    free(buf);
    return 0;
}
