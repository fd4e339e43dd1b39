/*
 * linediff.c - aligned rows, hunks, folds and word highlights over the
 * edit script of seqdiff.c (see linediff.h).
 */
#include "model/linediff.h"

#include <stdlib.h>
#include <string.h>

#include "model/seqdiff.h"

struct linediff {
    sd_item *line[2];
    size_t nline[2];
    ld_row *rows;
    size_t nrows;
    size_t *hunk; /* first row of each hunk */
    size_t nhunks;
    size_t ndel, nins;
};

/* Splits s at '\n' into *out (malloc'd; a final line without '\n' counts). */
static int split_lines(const char *s, sd_item **out, size_t *n)
{
    size_t cap = 1;
    for (const char *p = s; (p = strchr(p, '\n')); p++)
        cap++;
    *n = 0;
    *out = malloc(cap * sizeof **out);
    if (!*out)
        return -1;
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        (*out)[(*n)++] = (sd_item){s, len};
        s += len + (nl ? 1 : 0);
    }
    return 0;
}

static void add_row(linediff *d, ld_kind kind, long a, long b)
{
    d->rows[d->nrows++] = (ld_row){kind, a, b};
    d->ndel += kind == LD_DELETE || kind == LD_CHANGE;
    d->nins += kind == LD_INSERT || kind == LD_CHANGE;
}

/* Rows from the changed flags: equal lines pair in order; a run of k
 * deleted and m inserted lines gives min(k, m) CHANGE rows, then the rest
 * one-sided. */
static void build_rows(linediff *d, const unsigned char *ca, const unsigned char *cb)
{
    size_t na = d->nline[0], nb = d->nline[1], i = 0, j = 0;
    while (i < na || j < nb) {
        if (i < na && j < nb && !ca[i] && !cb[j]) {
            add_row(d, LD_EQUAL, (long)i++, (long)j++);
            continue;
        }
        size_t i0 = i, j0 = j;
        while (i < na && ca[i])
            i++;
        while (j < nb && cb[j])
            j++;
        size_t k = i - i0, m = j - j0, p = 0;
        for (; p < k && p < m; p++)
            add_row(d, LD_CHANGE, (long)(i0 + p), (long)(j0 + p));
        for (size_t q = p; q < k; q++)
            add_row(d, LD_DELETE, (long)(i0 + q), -1);
        for (size_t q = p; q < m; q++)
            add_row(d, LD_INSERT, -1, (long)(j0 + q));
    }
}

static int build_hunks(linediff *d)
{
    size_t n = 0;
    for (size_t r = 0; r < d->nrows; r++)
        n += d->rows[r].kind != LD_EQUAL && (r == 0 || d->rows[r - 1].kind == LD_EQUAL);
    d->hunk = malloc((n + 1) * sizeof *d->hunk);
    if (!d->hunk)
        return -1;
    for (size_t r = 0; r < d->nrows; r++)
        if (d->rows[r].kind != LD_EQUAL && (r == 0 || d->rows[r - 1].kind == LD_EQUAL))
            d->hunk[d->nhunks++] = r;
    return 0;
}

static int diff_lines(linediff *d)
{
    size_t na = d->nline[0], nb = d->nline[1];
    unsigned char *ca = malloc(na + 1), *cb = malloc(nb + 1);
    d->rows = malloc((na + nb + 1) * sizeof *d->rows);
    int rv = -1;
    if (ca && cb && d->rows && !seqdiff_items(d->line[0], na, d->line[1], nb, ca, cb)) {
        build_rows(d, ca, cb);
        rv = build_hunks(d);
    }
    free(ca);
    free(cb);
    return rv;
}

linediff *linediff_new(const char *a, const char *b)
{
    linediff *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    if (split_lines(a ? a : "", &d->line[0], &d->nline[0]) ||
        split_lines(b ? b : "", &d->line[1], &d->nline[1]) || diff_lines(d)) {
        linediff_free(d);
        return NULL;
    }
    return d;
}

void linediff_free(linediff *d)
{
    if (!d)
        return;
    free(d->line[0]);
    free(d->line[1]);
    free(d->rows);
    free(d->hunk);
    free(d);
}

size_t linediff_nrows(const linediff *d)
{
    return d->nrows;
}

const ld_row *linediff_rows(const linediff *d)
{
    return d->rows;
}

size_t linediff_nlines(const linediff *d, int side)
{
    return d->nline[side != 0];
}

const char *linediff_line(const linediff *d, int side, long i, size_t *len)
{
    side = side != 0;
    if (i < 0 || (size_t)i >= d->nline[side]) {
        *len = 0;
        return NULL;
    }
    *len = d->line[side][i].len;
    return d->line[side][i].s;
}

size_t linediff_deleted(const linediff *d)
{
    return d->ndel;
}

size_t linediff_inserted(const linediff *d)
{
    return d->nins;
}

bool linediff_equal(const linediff *d)
{
    return d->nhunks == 0;
}

/* ---- hunks ---- */

size_t linediff_nhunks(const linediff *d)
{
    return d->nhunks;
}

size_t linediff_hunk_start(const linediff *d, size_t h)
{
    return h < d->nhunks ? d->hunk[h] : d->nrows;
}

/* Index of the first hunk starting after row (nhunks when none). */
static size_t hunk_after(const linediff *d, size_t row)
{
    size_t lo = 0, hi = d->nhunks;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->hunk[mid] <= row)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

long linediff_next_hunk(const linediff *d, size_t row)
{
    size_t h = hunk_after(d, row);
    return h < d->nhunks ? (long)d->hunk[h] : -1;
}

long linediff_prev_hunk(const linediff *d, size_t row)
{
    /* hunks starting at or before row, minus the one starting at row */
    size_t h = hunk_after(d, row);
    if (h && d->hunk[h - 1] == row)
        h--;
    return h ? (long)d->hunk[h - 1] : -1;
}

/* ---- folds ---- */

/* Appends the items for the equal rows [s, e): the part more than ctx rows
 * from a change (a change precedes when s > 0, follows when e < nrows)
 * becomes one fold when it is at least 2 rows long. */
static void fold_run(const linediff *d, size_t s, size_t e, size_t ctx, ld_item *out, size_t *n)
{
    size_t fs = s, fe = e;
    if (s > 0)
        fs = e - s > ctx ? s + ctx : e;
    if (e < d->nrows)
        fe = fe - fs > ctx ? e - ctx : fs;
    for (size_t r = s; r < fs; r++)
        out[(*n)++] = (ld_item){false, r, 0};
    if (fe - fs >= 2) {
        out[(*n)++] = (ld_item){true, fs, fe - fs};
    } else {
        for (size_t r = fs; r < fe; r++)
            out[(*n)++] = (ld_item){false, r, 0};
    }
    for (size_t r = fe; r < e; r++)
        out[(*n)++] = (ld_item){false, r, 0};
}

ld_item *linediff_fold(const linediff *d, size_t context, size_t *n)
{
    *n = 0;
    ld_item *out = d->nrows ? malloc(d->nrows * sizeof *out) : NULL;
    if (!out)
        return NULL;
    for (size_t r = 0; r < d->nrows;) {
        if (d->rows[r].kind != LD_EQUAL) {
            out[(*n)++] = (ld_item){false, r++, 0};
            continue;
        }
        size_t e = r;
        while (e < d->nrows && d->rows[e].kind == LD_EQUAL)
            e++;
        fold_run(d, r, e, context, out, n);
        r = e;
    }
    return out;
}

/* ---- word highlights ---- */

static int token_class(unsigned char c)
{
    if (c == ' ' || c == '\t')
        return 1;
    /* bytes of UTF-8 sequences stay inside words, so a highlight never
     * splits a character */
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80)
        return 2;
    return 0;
}

/* Runs of letters/digits, runs of blanks, single other bytes. */
static sd_item *tokenize(const char *s, size_t len, size_t *n)
{
    sd_item *t = malloc((len + 1) * sizeof *t);
    *n = 0;
    if (!t)
        return NULL;
    for (size_t i = 0; i < len;) {
        size_t j = i + 1;
        int c = token_class((unsigned char)s[i]);
        if (c)
            while (j < len && token_class((unsigned char)s[j]) == c)
                j++;
        t[(*n)++] = (sd_item){s + i, j - i};
        i = j;
    }
    return t;
}

/* Spans of consecutive changed tokens of one line. */
static size_t spans(const char *line, const sd_item *t, size_t nt, const unsigned char *c,
                    ld_span *out, size_t max)
{
    size_t n = 0;
    for (size_t k = 0; k < nt && n < max;) {
        if (!c[k]) {
            k++;
            continue;
        }
        size_t start = (size_t)(t[k].s - line), end = start;
        while (k < nt && c[k])
            end = (size_t)(t[k].s - line) + t[k].len, k++;
        out[n++] = (ld_span){start, end - start};
    }
    return n;
}

void linediff_words(const linediff *d, size_t row, ld_span *out_a, size_t *na, ld_span *out_b,
                    size_t *nb, size_t max)
{
    *na = *nb = 0;
    if (row >= d->nrows || d->rows[row].kind != LD_CHANGE)
        return;
    const sd_item *la = &d->line[0][d->rows[row].a], *lb = &d->line[1][d->rows[row].b];
    size_t nta, ntb;
    sd_item *ta = tokenize(la->s, la->len, &nta), *tb = tokenize(lb->s, lb->len, &ntb);
    unsigned char *ca = malloc(nta + 1), *cb = malloc(ntb + 1);
    if (ta && tb && ca && cb && !seqdiff_items(ta, nta, tb, ntb, ca, cb)) {
        *na = spans(la->s, ta, nta, ca, out_a, max);
        *nb = spans(lb->s, tb, ntb, cb, out_b, max);
    }
    free(ta);
    free(tb);
    free(ca);
    free(cb);
}
