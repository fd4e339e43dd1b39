/*
 * diff_bench.c - times linediff_new on generated YAML documents (run by
 * bench/diff.sh; not a test: timings never go in tests).
 *
 * usage: diff_bench [RUNS] [LINES]     (defaults: 21 runs, 10000 lines)
 *
 * The documents are VirtualService-like YAML, 19 lines per object, so most
 * structural lines ("  http:", "    route:") repeat hundreds of times, as in
 * a real `kubectl get -o yaml` of many objects. Prints the median and the
 * fastest run in milliseconds for each case.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/linediff.h"
#include "model/strbuf.h"
#include "model/textdiff.h"

/* Object i of a document; variant 1 renames every object and changes its
 * numbers (a document where every object changed but the structure is the
 * same); variant 2 changes every line (a suffix on each). */
static void object(strbuf *sb, size_t i, int variant)
{
    const char *p = variant == 1 ? "web" : "svc", *sfx = variant == 2 ? " # v2" : "";
    strbuf_printf(sb,
                  "---%s\napiVersion: networking.istio.io/v1%s\nkind: VirtualService%s\n"
                  "metadata:%s\n  name: %s-%zu%s\n  namespace: ns-%zu%s\nspec:%s\n  hosts:%s\n"
                  "  - %s-%zu.example.com%s\n  http:%s\n  - match:%s\n    - uri:%s\n"
                  "        prefix: /%s\n    route:%s\n    - destination:%s\n"
                  "        host: %s-%zu%s\n        port:%s\n          number: %d%s\n"
                  "    timeout: %ds%s\n",
                  sfx, sfx, sfx, sfx, p, i, sfx, i / 5, sfx, sfx, sfx, p, i, sfx, sfx, sfx, sfx,
                  sfx, sfx, sfx, p, i, sfx, sfx, variant == 1 ? 8081 : 8080, sfx,
                  variant == 1 ? 45 : 30, sfx);
}

#define OBJ_LINES 19

static char *document(size_t lines, int variant)
{
    strbuf sb;
    strbuf_init(&sb);
    for (size_t i = 0; i * OBJ_LINES < lines; i++)
        object(&sb, i, variant);
    return strbuf_detach(&sb, NULL);
}

/* The same objects in reverse order (a list sorted the other way). */
static char *reversed(size_t lines)
{
    strbuf sb;
    strbuf_init(&sb);
    size_t nobj = (lines + OBJ_LINES - 1) / OBJ_LINES;
    for (size_t i = nobj; i-- > 0;)
        object(&sb, i, 0);
    return strbuf_detach(&sb, NULL);
}

/* The first `lines` lines of s (s is cut in place). */
static char *cut(char *s, size_t lines)
{
    char *p = s;
    for (size_t n = 0; n < lines && (p = strchr(p, '\n')); n++)
        p++;
    if (p)
        *p = '\0';
    return s;
}

/* Replaces line `at` of s with `with`. */
static char *replace_line(const char *s, size_t at, const char *with)
{
    const char *p = s;
    for (size_t n = 0; n < at; n++)
        p = strchr(p, '\n') + 1;
    const char *e = strchr(p, '\n');
    strbuf sb;
    strbuf_init(&sb);
    strbuf_append(&sb, s, (size_t)(p - s));
    strbuf_puts(&sb, with);
    strbuf_puts(&sb, e);
    return strbuf_detach(&sb, NULL);
}

static const char *line_at(const char *s, size_t n)
{
    while (n--)
        s = strchr(s, '\n') + 1;
    return s;
}

/* Lines [from, from + len) moved to just before line `to` (to > from + len). */
static char *move_block(const char *s, size_t from, size_t len, size_t to)
{
    const char *a = line_at(s, from), *b = line_at(s, from + len), *c = line_at(s, to);
    strbuf sb;
    strbuf_init(&sb);
    strbuf_append(&sb, s, (size_t)(a - s));
    strbuf_append(&sb, b, (size_t)(c - b));
    strbuf_append(&sb, a, (size_t)(b - a));
    strbuf_puts(&sb, c);
    return strbuf_detach(&sb, NULL);
}

/* n lines drawn from 8 short ones (a deterministic LCG): the worst case
 * for Myers, many matches everywhere and an edit distance near n. */
static char *shuffled(size_t n, unsigned seed)
{
    static const char *const pick[] = {
        "  - a", "  - b", "spec:", "  http:", "---", "", "  x", "    route:"};
    strbuf sb;
    strbuf_init(&sb);
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        strbuf_printf(&sb, "%s\n", pick[(seed >> 16) & 7]);
    }
    return strbuf_detach(&sb, NULL);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* Times linediff_new (and, with unified, textdiff_unified) over runs. */
static void bench(const char *label, const char *a, const char *b, int runs, int unified)
{
    double *t = malloc((size_t)runs * sizeof *t);
    size_t del = 0, ins = 0, rows = 0, na = 0, nb = 0;
    for (int r = 0; r < runs; r++) {
        double t0 = now_ms();
        if (unified) {
            free(textdiff_unified(a, b, "a", "b", 3));
        } else {
            linediff *d = linediff_new(a, b);
            del = linediff_deleted(d), ins = linediff_inserted(d), rows = linediff_nrows(d);
            na = linediff_nlines(d, 0), nb = linediff_nlines(d, 1);
            linediff_free(d);
        }
        t[r] = now_ms() - t0;
    }
    qsort(t, (size_t)runs, sizeof *t, cmp_double);
    if (unified)
        printf("%-44s %12s  median %7.3f ms  min %7.3f ms\n", label, "", t[runs / 2], t[0]);
    else
        printf("%-44s %5zu/%5zu lines, -%zu +%zu, %zu rows  median %7.3f ms  min %7.3f ms\n", label,
               na, nb, del, ins, rows, t[runs / 2], t[0]);
    free(t);
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 21;
    size_t n = argc > 2 ? (size_t)atol(argv[2]) : 10000;
    if (runs < 1 || n < 100) {
        fputs("usage: diff_bench [RUNS >= 1] [LINES >= 100]\n", stderr);
        return 2;
    }
    char *base = cut(document(n, 0), n), *renamed = cut(document(n, 1), n);
    char *suffixed = cut(document(n, 2), n);
    char *one = replace_line(base, n / 2, "  name: changed");
    char *moved = move_block(base, n / 10, n / 10, n * 8 / 10);
    char *small = cut(document(2000, 0), 2000);
    char *small_one = replace_line(small, 1000, "  name: changed");
    char label[128];
    printf("linediff_new, %d runs each\n", runs);
    snprintf(label, sizeof label, "%zu lines, every line changed (suffix)", n);
    bench(label, base, suffixed, runs, 0);
    snprintf(label, sizeof label, "%zu lines, every object changed", n);
    bench(label, base, renamed, runs, 0);
    snprintf(label, sizeof label, "%zu lines, one changed line", n);
    bench(label, base, one, runs, 0);
    snprintf(label, sizeof label, "%zu lines, %zu-line block moved", n, n / 10);
    bench(label, base, moved, runs, 0);
    bench("2000 lines, one changed line", small, small_one, runs, 0);
    char *whole = document(n, 0), *rev = reversed(n);
    snprintf(label, sizeof label, "%zu lines, objects in reverse order", n);
    bench(label, whole, rev, runs, 0);
    char *r1 = shuffled(n, 1), *r2 = shuffled(n, 2);
    snprintf(label, sizeof label, "%zu random lines of 8 kinds (worst case)", n);
    bench(label, r1, r2, runs, 0);
    printf("textdiff_unified (context 3), %d runs each\n", runs);
    snprintf(label, sizeof label, "%zu lines, every object changed", n);
    bench(label, base, renamed, runs, 1);
    snprintf(label, sizeof label, "%zu lines, %zu-line block moved", n, n / 10);
    bench(label, base, moved, runs, 1);
    free(base), free(renamed), free(suffixed), free(one), free(moved), free(small), free(small_one),
        free(r1), free(r2), free(whole), free(rev);
    return 0;
}
