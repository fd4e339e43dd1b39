/*
 * textdiff.c - unified hunks over the rows of linediff.
 */
#include "model/textdiff.h"

#include <stdlib.h>
#include <string.h>

#include "model/linediff.h"
#include "model/strbuf.h"

/* ops: ' ' keep (a and b advance), '-' (a), '+' (b); within a run of
 * changes every '-' comes before the '+' (unified diff order). */
static char *edit_script(const linediff *d, size_t *nops)
{
    size_t nr = linediff_nrows(d), k = 0;
    const ld_row *row = linediff_rows(d);
    char *ops = malloc(linediff_nlines(d, 0) + linediff_nlines(d, 1) + 1);
    if (!ops)
        return NULL;
    for (size_t r = 0; r < nr;) {
        if (row[r].kind == LD_EQUAL) {
            ops[k++] = ' ', r++;
            continue;
        }
        size_t e = r, del = 0, ins = 0;
        for (; e < nr && row[e].kind != LD_EQUAL; e++) {
            del += row[e].kind != LD_INSERT;
            ins += row[e].kind != LD_DELETE;
        }
        memset(ops + k, '-', del);
        memset(ops + k + del, '+', ins);
        k += del + ins;
        r = e;
    }
    *nops = k;
    return ops;
}

static void put_line(strbuf *sb, char tag, const linediff *d, int side, size_t i)
{
    size_t len;
    const char *s = linediff_line(d, side, (long)i, &len);
    strbuf_putc(sb, tag);
    strbuf_append(sb, s, len);
    strbuf_putc(sb, '\n');
}

static void hunks(strbuf *sb, const char *ops, size_t nops, const linediff *d, size_t ctx)
{
    size_t k = 0, ai = 0, bi = 0;
    while (k < nops) {
        if (ops[k] == ' ') {
            k++, ai++, bi++;
            continue;
        }
        /* A change at k: the hunk starts ctx lines before it and runs until
         * 2*ctx unchanged lines in a row (or the end). */
        size_t back = 0;
        while (back < ctx && back < k && ops[k - back - 1] == ' ')
            back++;
        size_t start = k - back, as = ai - back, bs = bi - back;
        size_t e = k, last = k;
        while (e < nops) {
            if (ops[e] != ' ')
                last = e;
            else if (e - last > 2 * ctx)
                break;
            e++;
        }
        size_t end = last + 1 + ctx < nops ? last + 1 + ctx : nops;
        size_t na = 0, nb = 0;
        for (size_t e = start; e < end; e++) {
            na += ops[e] != '+';
            nb += ops[e] != '-';
        }
        strbuf_printf(sb, "@@ -%zu,%zu +%zu,%zu @@\n", na ? as + 1 : as, na, nb ? bs + 1 : bs, nb);
        size_t x = as, y = bs;
        for (size_t e = start; e < end; e++) {
            if (ops[e] == ' ')
                put_line(sb, ' ', d, 0, x++), y++;
            else if (ops[e] == '-')
                put_line(sb, '-', d, 0, x++);
            else
                put_line(sb, '+', d, 1, y++);
        }
        k = end, ai = x, bi = y;
    }
}

char *textdiff_unified(const char *a, const char *b, const char *label_a, const char *label_b,
                       int context)
{
    linediff *d = linediff_new(a, b);
    char *out = NULL, *ops = NULL;
    size_t nops = 0;
    if (!d || !(ops = edit_script(d, &nops)))
        goto done;
    strbuf sb;
    strbuf_init(&sb);
    if (!linediff_equal(d)) {
        strbuf_printf(&sb, "--- %s\n+++ %s\n", label_a, label_b);
        hunks(&sb, ops, nops, d, context < 0 ? 0 : (size_t)context);
    }
    strbuf_append(&sb, "", 0);
    out = sb.oom ? NULL : strbuf_detach(&sb, NULL);
    if (!out)
        strbuf_free(&sb);
done:
    free(ops);
    linediff_free(d);
    return out;
}
