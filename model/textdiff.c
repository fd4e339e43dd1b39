/*
 * textdiff.c - LCS line diff and unified hunks.
 */
#include "model/textdiff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/strbuf.h"

typedef struct {
    const char **line;
    size_t *len;
    size_t n;
} lines;

static int split(const char *s, lines *out)
{
    size_t cap = 16;
    out->n = 0;
    out->line = malloc(cap * sizeof *out->line);
    out->len = malloc(cap * sizeof *out->len);
    if (!out->line || !out->len)
        return -1;
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t l = nl ? (size_t)(nl - s) : strlen(s);
        if (out->n == cap) {
            cap *= 2;
            const char **nlv = realloc(out->line, cap * sizeof *nlv);
            if (!nlv)
                return -1;
            out->line = nlv;
            size_t *nll = realloc(out->len, cap * sizeof *nll);
            if (!nll)
                return -1;
            out->len = nll;
        }
        out->line[out->n] = s;
        out->len[out->n++] = l;
        s += l + (nl ? 1 : 0);
    }
    return 0;
}

static bool same(const lines *a, size_t i, const lines *b, size_t j)
{
    return a->len[i] == b->len[j] && !memcmp(a->line[i], b->line[j], a->len[i]);
}

/* ops: ' ' keep (a and b advance), '-' (a), '+' (b). */
static char *edit_script(const lines *a, const lines *b, size_t *nops)
{
    size_t head = 0, tail = 0;
    while (head < a->n && head < b->n && same(a, head, b, head))
        head++;
    while (tail < a->n - head && tail < b->n - head && same(a, a->n - 1 - tail, b, b->n - 1 - tail))
        tail++;
    size_t n = a->n - head - tail, m = b->n - head - tail;
    char *ops = malloc(a->n + b->n + 1);
    if (!ops)
        return NULL;
    size_t k = 0;
    memset(ops, ' ', head);
    k = head;
    uint32_t *t = NULL;
    if (n && m && (n + 1) * (m + 1) <= TEXTDIFF_MAX_CELLS)
        t = calloc((n + 1) * (m + 1), sizeof *t);
    if (t) {
        /* t[i][j]: LCS length of a[head+i..] and b[head+j..] */
        for (size_t i = n; i-- > 0;)
            for (size_t j = m; j-- > 0;)
                t[i * (m + 1) + j] = same(a, head + i, b, head + j)
                                         ? t[(i + 1) * (m + 1) + j + 1] + 1
                                         : (t[(i + 1) * (m + 1) + j] > t[i * (m + 1) + j + 1]
                                                ? t[(i + 1) * (m + 1) + j]
                                                : t[i * (m + 1) + j + 1]);
        size_t i = 0, j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && same(a, head + i, b, head + j)) {
                ops[k++] = ' ', i++, j++;
            } else if (j >= m || (i < n && t[(i + 1) * (m + 1) + j] >= t[i * (m + 1) + j + 1])) {
                ops[k++] = '-', i++;
            } else {
                ops[k++] = '+', j++;
            }
        }
        free(t);
    } else {
        memset(ops + k, '-', n);
        k += n;
        memset(ops + k, '+', m);
        k += m;
    }
    memset(ops + k, ' ', tail);
    k += tail;
    *nops = k;
    return ops;
}

static void put_line(strbuf *sb, char tag, const lines *l, size_t i)
{
    strbuf_putc(sb, tag);
    strbuf_append(sb, l->line[i], l->len[i]);
    strbuf_putc(sb, '\n');
}

static void hunks(strbuf *sb, const char *ops, size_t nops, const lines *a, const lines *b,
                  size_t ctx)
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
                put_line(sb, ' ', a, x++), y++;
            else if (ops[e] == '-')
                put_line(sb, '-', a, x++);
            else
                put_line(sb, '+', b, y++);
        }
        k = end, ai = x, bi = y;
    }
}

char *textdiff_unified(const char *a, const char *b, const char *label_a, const char *label_b,
                       int context)
{
    lines la = {0}, lb = {0};
    char *out = NULL, *ops = NULL;
    size_t nops = 0;
    if (split(a ? a : "", &la) || split(b ? b : "", &lb) || !(ops = edit_script(&la, &lb, &nops)))
        goto done;
    strbuf sb;
    strbuf_init(&sb);
    if (memchr(ops, '-', nops) || memchr(ops, '+', nops)) {
        strbuf_printf(&sb, "--- %s\n+++ %s\n", label_a, label_b);
        hunks(&sb, ops, nops, &la, &lb, context < 0 ? 0 : (size_t)context);
    }
    strbuf_append(&sb, "", 0);
    out = sb.oom ? NULL : strbuf_detach(&sb, NULL);
    if (!out)
        strbuf_free(&sb);
done:
    free(ops);
    free(la.line);
    free(la.len);
    free(lb.line);
    free(lb.len);
    return out;
}
