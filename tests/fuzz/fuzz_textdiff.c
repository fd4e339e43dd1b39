/* fuzz_textdiff.c - the unified text diff. The input is two texts split at
 * the first NUL (or in the middle). The diff is empty exactly when they are
 * equal, and applying it to the first text gives the second: every hunk's
 * old lines are the first text's at its numbers, its new lines the
 * second's, and the lines between hunks are the same in both. */
#include "fuzz.h"
#include "model/textdiff.h"

typedef struct {
    const char **at;
    size_t *len;
    size_t n;
} lines;

static lines split(const char *s)
{
    lines l = {0};
    size_t cap = 16;
    l.at = malloc(cap * sizeof *l.at);
    l.len = malloc(cap * sizeof *l.len);
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t k = nl ? (size_t)(nl - s) : strlen(s);
        if (l.n == cap) {
            cap *= 2;
            l.at = realloc(l.at, cap * sizeof *l.at);
            l.len = realloc(l.len, cap * sizeof *l.len);
        }
        l.at[l.n] = s;
        l.len[l.n++] = k;
        s += k + (nl ? 1 : 0);
    }
    return l;
}

static bool same_line(const lines *l, size_t i, const char *s, size_t n)
{
    return i < l->n && l->len[i] == n && !memcmp(l->at[i], s, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 20000)
        return 0;
    char *buf = fuzz_cstr(data, size);
    size_t cut = strlen(buf) < size ? strlen(buf) : size / 2;
    char *a = strndup(buf, cut);
    char *b =
        fuzz_cstr(data + cut + (cut < size && !data[cut]), size - cut - (cut < size && !data[cut]));
    int context = size ? data[0] % 4 : 3;
    char *d = textdiff_unified(a, b, "a", "b", context);
    FUZZ_ASSERT(d, "out of memory");
    lines la = split(a), lb = split(b), ld = split(d);
    /* lines are compared, so "a" and "a\n" are the same text here */
    bool same = la.n == lb.n;
    for (size_t i = 0; same && i < la.n; i++)
        same = same_line(&lb, i, la.at[i], la.len[i]);
    FUZZ_ASSERT((*d == 0) == same, "the diff is empty exactly for equal lines");
    size_t ia = 0, ib = 0; /* next line of a and b not yet accounted for */
    size_t k = *d ? 2 : 0;
    if (*d)
        FUZZ_ASSERT(ld.n >= 3 && !strncmp(ld.at[0], "--- a", 5) && !strncmp(ld.at[1], "+++ b", 5),
                    "header");
    while (k < ld.n) {
        long sa, na = 1, sb, nb = 1;
        const char *h = ld.at[k];
        FUZZ_ASSERT(!strncmp(h, "@@ -", 4), "hunk header expected: %.*s", (int)ld.len[k], h);
        char hdr[200];
        snprintf(hdr, sizeof hdr, "%.*s", (int)(ld.len[k] < 199 ? ld.len[k] : 199), h);
        char *p = hdr + 4;
        sa = strtol(p, &p, 10);
        if (*p == ',')
            na = strtol(p + 1, &p, 10);
        FUZZ_ASSERT(!strncmp(p, " +", 2), "%s", hdr);
        sb = strtol(p + 2, &p, 10);
        if (*p == ',')
            nb = strtol(p + 1, &p, 10);
        /* an empty range names the line before it */
        size_t fa = na ? (size_t)sa - 1 : (size_t)sa, fb = nb ? (size_t)sb - 1 : (size_t)sb;
        FUZZ_ASSERT(fa >= ia && fb >= ib && fa - ia == fb - ib, "gap before %s", hdr);
        for (; ia < fa; ia++, ib++)
            FUZZ_ASSERT(same_line(&lb, ib, la.at[ia], la.len[ia]), "line %zu outside hunks differs",
                        ia + 1);
        k++;
        long ca = 0, cb = 0;
        for (; k < ld.n && (ca < na || cb < nb); k++) {
            const char *t = ld.at[k] + 1;
            size_t tl = ld.len[k] ? ld.len[k] - 1 : 0;
            char op = ld.len[k] ? ld.at[k][0] : ' ';
            if (op == '\\') /* "\ No newline at end of file" */
                continue;
            FUZZ_ASSERT(op == ' ' || op == '-' || op == '+', "line op '%c'", op);
            if (op != '+') {
                FUZZ_ASSERT(same_line(&la, ia, t, tl), "old line %zu", ia + 1);
                ia++, ca++;
            }
            if (op != '-') {
                FUZZ_ASSERT(same_line(&lb, ib, t, tl), "new line %zu", ib + 1);
                ib++, cb++;
            }
        }
        while (k < ld.n && ld.len[k] && ld.at[k][0] == '\\')
            k++;
        FUZZ_ASSERT(ca == na && cb == nb, "hunk %s counts %ld/%ld", hdr, ca, cb);
    }
    FUZZ_ASSERT(la.n - ia == lb.n - ib, "tails differ in length");
    for (; ia < la.n; ia++, ib++)
        FUZZ_ASSERT(same_line(&lb, ib, la.at[ia], la.len[ia]), "tail line %zu differs", ia + 1);
    free(la.at), free(la.len), free(lb.at), free(lb.len), free(ld.at), free(ld.len);
    free(d);
    free(a);
    free(b);
    free(buf);
    return 0;
}
