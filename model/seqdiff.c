/*
 * seqdiff.c - Myers' diff in linear space with git's cost cap, and
 * compaction (see seqdiff.h). The search follows xdiff's xdl_split /
 * xdl_recs_cmp, with an explicit stack instead of recursion so a deep
 * split tree cannot exhaust the C stack.
 */
#include "model/seqdiff.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SNAKE_CNT    20         /* equal items in a row that make a "good snake" */
#define HEUR_MIN     256        /* edit cost after which good snakes may end a search */
#define K_HEUR       4          /* how far ahead of the cost a good snake must reach */
#define MAX_COST_MIN 256        /* lowest cost cap */
#define BUDGET_MIN   (1L << 20) /* diagonal steps of the uncapped first try */
#define BUDGET_PER   100        /* ... per item searched */
#define FAR          LONG_MAX

/* ---- the search, on the items both sides share ---- */

typedef struct {
    const unsigned *h1, *h2; /* ids of the searched items */
    long *kvdf, *kvdb;       /* furthest index in a per diagonal, forward and back */
    long mxcost;
    long budget; /* diagonal steps left before the search gives up */
} myers;

typedef struct {
    long off1, lim1, off2, lim2;
    bool need_min; /* no cost cap: this box is known to be cheap */
} box;

typedef struct {
    long i1, i2;
    bool min_lo, min_hi;
} split_pt;

/* Diagonal ranges of one split search (diagonal d = i1 - i2). */
typedef struct {
    long dmin, dmax, fmid, bmid, fmin, fmax, bmin, bmax;
    bool odd;
} search;

/* Extends every forward path by one edit; true when one met a backward path
 * (the middle snake ends in spl). The range of diagonals grows by one each
 * way, or shrinks when it would leave the box, so its parity stays right;
 * the new outer neighbours read as "unreached". */
static bool forward_step(myers *m, const box *bx, search *s, split_pt *spl, bool *snake)
{
    long *kv = m->kvdf;
    if (s->fmin > s->dmin)
        kv[--s->fmin - 1] = -1;
    else
        ++s->fmin;
    if (s->fmax < s->dmax)
        kv[++s->fmax + 1] = -1;
    else
        --s->fmax;
    for (long d = s->fmax; d >= s->fmin; d -= 2) {
        long i1 = kv[d - 1] >= kv[d + 1] ? kv[d - 1] + 1 : kv[d + 1];
        long prev = i1, i2 = i1 - d;
        m->budget--;
        while (i1 < bx->lim1 && i2 < bx->lim2 && m->h1[i1] == m->h2[i2])
            i1++, i2++;
        if (i1 - prev > SNAKE_CNT)
            *snake = true;
        kv[d] = i1;
        if (s->odd && s->bmin <= d && d <= s->bmax && m->kvdb[d] <= i1) {
            *spl = (split_pt){i1, i2, true, true};
            return true;
        }
    }
    return false;
}

static bool backward_step(myers *m, const box *bx, search *s, split_pt *spl, bool *snake)
{
    long *kv = m->kvdb;
    if (s->bmin > s->dmin)
        kv[--s->bmin - 1] = FAR;
    else
        ++s->bmin;
    if (s->bmax < s->dmax)
        kv[++s->bmax + 1] = FAR;
    else
        --s->bmax;
    for (long d = s->bmax; d >= s->bmin; d -= 2) {
        long i1 = kv[d - 1] < kv[d + 1] ? kv[d - 1] : kv[d + 1] - 1;
        long prev = i1, i2 = i1 - d;
        m->budget--;
        while (i1 > bx->off1 && i2 > bx->off2 && m->h1[i1 - 1] == m->h2[i2 - 1])
            i1--, i2--;
        if (prev - i1 > SNAKE_CNT)
            *snake = true;
        kv[d] = i1;
        if (!s->odd && s->fmin <= d && d <= s->fmax && i1 <= m->kvdf[d]) {
            *spl = (split_pt){i1, i2, true, true};
            return true;
        }
    }
    return false;
}

static bool equal_run(const myers *m, long i1, long i2, long n)
{
    for (long k = 0; k < n; k++)
        if (m->h1[i1 + k] != m->h2[i2 + k])
            return false;
    return true;
}

/* Once the cost is high, a forward path that got far ahead of its cost and
 * ends in a good snake is taken as the split (the part before it is known
 * to be cheap, so it is searched without the cap). */
static bool heuristic_fwd(const myers *m, const box *bx, const search *s, long ec, split_pt *spl)
{
    long best = 0;
    for (long d = s->fmax; d >= s->fmin; d -= 2) {
        long dd = d > s->fmid ? d - s->fmid : s->fmid - d;
        long i1 = m->kvdf[d], i2 = i1 - d;
        long v = (i1 - bx->off1) + (i2 - bx->off2) - dd;
        if (v > K_HEUR * ec && v > best && bx->off1 + SNAKE_CNT <= i1 && i1 < bx->lim1 &&
            bx->off2 + SNAKE_CNT <= i2 && i2 < bx->lim2 &&
            equal_run(m, i1 - SNAKE_CNT, i2 - SNAKE_CNT, SNAKE_CNT)) {
            best = v;
            *spl = (split_pt){i1, i2, true, false};
        }
    }
    return best > 0;
}

static bool heuristic_bwd(const myers *m, const box *bx, const search *s, long ec, split_pt *spl)
{
    long best = 0;
    for (long d = s->bmax; d >= s->bmin; d -= 2) {
        long dd = d > s->bmid ? d - s->bmid : s->bmid - d;
        long i1 = m->kvdb[d], i2 = i1 - d;
        long v = (bx->lim1 - i1) + (bx->lim2 - i2) - dd;
        if (v > K_HEUR * ec && v > best && bx->off1 < i1 && i1 <= bx->lim1 - SNAKE_CNT &&
            bx->off2 < i2 && i2 <= bx->lim2 - SNAKE_CNT && equal_run(m, i1, i2, SNAKE_CNT)) {
            best = v;
            *spl = (split_pt){i1, i2, false, true};
        }
    }
    return best > 0;
}

/* The cost cap is reached: split at the furthest-reaching path (by
 * i1 + i2) of either direction. */
static void cap_split(const myers *m, const box *bx, const search *s, split_pt *spl)
{
    long fbest = -1, fbest1 = -1;
    for (long d = s->fmax; d >= s->fmin; d -= 2) {
        long i1 = m->kvdf[d] < bx->lim1 ? m->kvdf[d] : bx->lim1, i2 = i1 - d;
        if (bx->lim2 < i2)
            i1 = bx->lim2 + d, i2 = bx->lim2;
        if (fbest < i1 + i2)
            fbest = i1 + i2, fbest1 = i1;
    }
    long bbest = FAR, bbest1 = FAR;
    for (long d = s->bmax; d >= s->bmin; d -= 2) {
        long i1 = m->kvdb[d] > bx->off1 ? m->kvdb[d] : bx->off1, i2 = i1 - d;
        if (i2 < bx->off2)
            i1 = bx->off2 + d, i2 = bx->off2;
        if (i1 + i2 < bbest)
            bbest = i1 + i2, bbest1 = i1;
    }
    if ((bx->lim1 + bx->lim2) - bbest < fbest - (bx->off1 + bx->off2))
        *spl = (split_pt){fbest1, fbest - fbest1, true, false};
    else
        *spl = (split_pt){bbest1, bbest - bbest1, false, true};
}

/* bx is trimmed and not empty on either side. False when the budget ran
 * out. */
static bool find_split(myers *m, const box *bx, split_pt *spl)
{
    search s = {.dmin = bx->off1 - bx->lim2,
                .dmax = bx->lim1 - bx->off2,
                .fmid = bx->off1 - bx->off2,
                .bmid = bx->lim1 - bx->lim2};
    s.odd = ((s.fmid - s.bmid) & 1) != 0;
    s.fmin = s.fmax = s.fmid;
    s.bmin = s.bmax = s.bmid;
    m->kvdf[s.fmid] = bx->off1;
    m->kvdb[s.bmid] = bx->lim1;
    for (long ec = 1;; ec++) {
        bool snake = false;
        if (forward_step(m, bx, &s, spl, &snake) || backward_step(m, bx, &s, spl, &snake))
            return true;
        if (m->budget < 0)
            return false;
        if (bx->need_min)
            continue;
        if (snake && ec > HEUR_MIN &&
            (heuristic_fwd(m, bx, &s, ec, spl) || heuristic_bwd(m, bx, &s, ec, spl)))
            return true;
        if (ec >= m->mxcost) {
            cap_split(m, bx, &s, spl);
            return true;
        }
    }
}

static void mark(unsigned char *c, long from, long to)
{
    if (to > from)
        memset(c + from, 1, (size_t)(to - from));
}

/* Pops a box, trims its equal ends, marks it when one side is empty, else
 * splits it in two. c1/c2 receive the changed flags of the searched items.
 * Returns 0, 1 when the budget ran out, -1 out of memory. */
static int search_all(myers *m, long n1, long n2, unsigned char *c1, unsigned char *c2)
{
    size_t cap = 64, len = 0;
    box *st = malloc(cap * sizeof *st);
    if (!st)
        return -1;
    st[len++] = (box){0, n1, 0, n2, false};
    while (len) {
        box bx = st[--len];
        while (bx.off1 < bx.lim1 && bx.off2 < bx.lim2 && m->h1[bx.off1] == m->h2[bx.off2])
            bx.off1++, bx.off2++;
        while (bx.off1 < bx.lim1 && bx.off2 < bx.lim2 && m->h1[bx.lim1 - 1] == m->h2[bx.lim2 - 1])
            bx.lim1--, bx.lim2--;
        split_pt spl = {bx.off1, bx.off2, false, false};
        if (bx.off1 < bx.lim1 && bx.off2 < bx.lim2 && !find_split(m, &bx, &spl)) {
            free(st);
            return 1;
        }
        /* A split at a corner would not shrink the problem (it cannot
         * happen on a trimmed box; the guard keeps the loop finite). */
        if (bx.off1 == bx.lim1 || bx.off2 == bx.lim2 || (spl.i1 == bx.off1 && spl.i2 == bx.off2) ||
            (spl.i1 == bx.lim1 && spl.i2 == bx.lim2)) {
            mark(c1, bx.off1, bx.lim1);
            mark(c2, bx.off2, bx.lim2);
            continue;
        }
        if (len + 2 > cap) {
            box *nst = realloc(st, (cap *= 2) * sizeof *st);
            if (!nst) {
                free(st);
                return -1;
            }
            st = nst;
        }
        st[len++] = (box){spl.i1, bx.lim1, spl.i2, bx.lim2, spl.min_hi};
        st[len++] = (box){bx.off1, spl.i1, bx.off2, spl.i2, spl.min_lo};
    }
    free(st);
    return 0;
}

static long isqrt(long v)
{
    long r = 1;
    while (r * r < v)
        r++;
    return r;
}

/* ---- compaction: sliding groups of changes (xdl_change_compact) ---- */

typedef struct {
    const unsigned *id;
    unsigned char *rc; /* changed flags, rc[-1] and rc[n] are 0 */
    long n;
} side;

typedef struct {
    long start, end;
} group;

static void group_init(const side *f, group *g)
{
    g->start = g->end = 0;
    while (f->rc[g->end])
        g->end++;
}

static bool group_next(const side *f, group *g)
{
    if (g->end == f->n)
        return false;
    g->start = g->end + 1;
    for (g->end = g->start; f->rc[g->end]; g->end++)
        ;
    return true;
}

static bool group_prev(const side *f, group *g)
{
    if (g->start == 0)
        return false;
    g->end = g->start - 1;
    for (g->start = g->end; f->rc[g->start - 1]; g->start--)
        ;
    return true;
}

static bool slide_down(side *f, group *g)
{
    if (g->end >= f->n || f->id[g->start] != f->id[g->end])
        return false;
    f->rc[g->start++] = 0;
    f->rc[g->end++] = 1;
    while (f->rc[g->end])
        g->end++;
    return true;
}

static bool slide_up(side *f, group *g)
{
    if (g->start <= 0 || f->id[g->start - 1] != f->id[g->end - 1])
        return false;
    f->rc[--g->start] = 1;
    f->rc[--g->end] = 0;
    while (f->rc[g->start - 1])
        g->start--;
    return true;
}

/* Slides group g of f up and down as far as it goes (merging groups it
 * meets), then back up to the last place where it faced a change in the
 * other side, if any; go follows g's position in fo. Unchanged items pair
 * one to one, so the groups of the two sides correspond in order. */
static void settle(side *f, side *fo, group *g, group *go)
{
    long size, earliest_end, matching = -1;
    do {
        size = g->end - g->start;
        matching = -1;
        while (slide_up(f, g))
            if (!group_prev(fo, go))
                return;
        earliest_end = g->end;
        if (go->end > go->start)
            matching = g->end;
        while (slide_down(f, g)) {
            if (!group_next(fo, go))
                return;
            if (go->end > go->start)
                matching = g->end;
        }
    } while (size != g->end - g->start);
    if (g->end == earliest_end || matching < 0)
        return;
    while (go->end == go->start)
        if (!slide_up(f, g) || !group_prev(fo, go))
            return;
}

static void compact(side *f, side *fo)
{
    group g, go;
    group_init(f, &g);
    group_init(fo, &go);
    do {
        if (g.end != g.start)
            settle(f, fo, &g, &go);
    } while (group_next(f, &g) && group_next(fo, &go));
}

/* ---- entry points ---- */

typedef struct {
    unsigned *h[2];
    long *at[2]; /* index in the whole sequence of each searched item */
    long n[2];
    unsigned char *c[2];
    long *kv;
} work;

static void work_free(work *w)
{
    for (int s = 0; s < 2; s++) {
        free(w->h[s]);
        free(w->at[s]);
        free(w->c[s]);
    }
    free(w->kv);
}

/* Items in [lo, hi) of each side that also occur in the other side's
 * range; the rest are changed in any script and are marked in rc. */
static int keep_shared(const unsigned *ids[2], const size_t lo, const size_t hi[2], unsigned nids,
                       unsigned char *rc[2], work *w)
{
    unsigned char *seen = calloc(2 * (size_t)nids + 1, 1);
    if (!seen)
        return -1;
    for (int s = 0; s < 2; s++)
        for (size_t i = lo; i < hi[s]; i++)
            seen[(size_t)s * nids + ids[s][i]] = 1;
    int rv = 0;
    for (int s = 0; s < 2 && !rv; s++) {
        size_t n = hi[s] - lo;
        w->h[s] = malloc((n + 1) * sizeof *w->h[s]);
        w->at[s] = malloc((n + 1) * sizeof *w->at[s]);
        w->c[s] = calloc(n + 1, 1);
        if (!w->h[s] || !w->at[s] || !w->c[s]) {
            rv = -1;
            break;
        }
        for (size_t i = lo; i < hi[s]; i++) {
            if (seen[(size_t)(1 - s) * nids + ids[s][i]]) {
                w->h[s][w->n[s]] = ids[s][i];
                w->at[s][w->n[s]++] = (long)i;
            } else {
                rc[s][i] = 1;
            }
        }
    }
    free(seen);
    return rv;
}

static int search_middle(const unsigned *ids[2], size_t lo, const size_t hi[2], unsigned nids,
                         unsigned char *rc[2])
{
    work w = {0};
    if (keep_shared(ids, lo, hi, nids, rc, &w)) {
        work_free(&w);
        return -1;
    }
    long ndiags = w.n[0] + w.n[1] + 3;
    w.kv = malloc(2 * (size_t)ndiags * sizeof *w.kv);
    if (!w.kv) {
        work_free(&w);
        return -1;
    }
    /* First without the cost cap, which gives a minimal script for
     * everyday inputs (a moved block of a thousand lines included) at
     * little cost; when that takes too many steps, again with the cap. */
    long cost = isqrt(ndiags), budget = BUDGET_PER * (w.n[0] + w.n[1]);
    myers m = {w.h[0],
               w.h[1],
               w.kv + w.n[1] + 1,
               w.kv + ndiags + w.n[1] + 1,
               FAR,
               budget > BUDGET_MIN ? budget : BUDGET_MIN};
    int rv = search_all(&m, w.n[0], w.n[1], w.c[0], w.c[1]);
    if (rv == 1) {
        memset(w.c[0], 0, (size_t)w.n[0]);
        memset(w.c[1], 0, (size_t)w.n[1]);
        m.mxcost = cost < MAX_COST_MIN ? MAX_COST_MIN : cost;
        m.budget = FAR;
        rv = search_all(&m, w.n[0], w.n[1], w.c[0], w.c[1]);
    }
    for (int s = 0; s < 2 && !rv; s++)
        for (long k = 0; k < w.n[s]; k++)
            if (w.c[s][k])
                rc[s][w.at[s][k]] = 1;
    work_free(&w);
    return rv;
}

/* rc[s] are zeroed with a 0 sentinel at index -1 and n. */
static int diff_into(const unsigned *a, size_t na, const unsigned *b, size_t nb, unsigned nids,
                     unsigned char *rc[2])
{
    size_t head = 0, tail = 0;
    while (head < na && head < nb && a[head] == b[head])
        head++;
    while (tail < na - head && tail < nb - head && a[na - 1 - tail] == b[nb - 1 - tail])
        tail++;
    const unsigned *ids[2] = {a, b};
    size_t hi[2] = {na - tail, nb - tail};
    if (head == hi[0] || head == hi[1]) {
        mark(rc[0], (long)head, (long)hi[0]);
        mark(rc[1], (long)head, (long)hi[1]);
    } else if (search_middle(ids, head, hi, nids, rc)) {
        return -1;
    }
    side f1 = {a, rc[0], (long)na}, f2 = {b, rc[1], (long)nb};
    compact(&f1, &f2);
    compact(&f2, &f1);
    return 0;
}

int seqdiff_ids(const unsigned *a, size_t na, const unsigned *b, size_t nb, unsigned nids,
                unsigned char *ca, unsigned char *cb)
{
    unsigned char *base[2] = {calloc(na + 2, 1), calloc(nb + 2, 1)};
    int rv = -1;
    if (base[0] && base[1])
        rv = diff_into(a, na, b, nb, nids, (unsigned char *[2]){base[0] + 1, base[1] + 1});
    if (!rv) {
        memcpy(ca, base[0] + 1, na);
        memcpy(cb, base[1] + 1, nb);
    }
    free(base[0]);
    free(base[1]);
    return rv;
}

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

/* Numbers the items of both sides: equal bytes, equal id. */
typedef struct {
    unsigned *slot; /* class + 1, 0 = empty */
    size_t mask;
    const sd_item **rep;
    uint64_t *hash;
    unsigned n;
} interner;

static unsigned intern_one(interner *t, const sd_item *x)
{
    uint64_t h = hash_bytes(x->s, x->len);
    size_t pos = (size_t)h & t->mask;
    for (; t->slot[pos]; pos = (pos + 1) & t->mask) {
        unsigned c = t->slot[pos] - 1;
        if (t->hash[c] == h && t->rep[c]->len == x->len &&
            (!x->len || !memcmp(t->rep[c]->s, x->s, x->len)))
            return c;
    }
    t->rep[t->n] = x;
    t->hash[t->n] = h;
    t->slot[pos] = t->n + 1;
    return t->n++;
}

int seqdiff_items(const sd_item *a, size_t na, const sd_item *b, size_t nb, unsigned char *ca,
                  unsigned char *cb)
{
    size_t total = na + nb, cap = 16;
    if (total >= UINT_MAX / 4)
        return -1;
    while (cap < 2 * total)
        cap *= 2;
    interner t = {calloc(cap, sizeof *t.slot), cap - 1, malloc((total + 1) * sizeof *t.rep),
                  malloc((total + 1) * sizeof *t.hash), 0};
    unsigned *ia = malloc((na + 1) * sizeof *ia), *ib = malloc((nb + 1) * sizeof *ib);
    int rv = -1;
    if (t.slot && t.rep && t.hash && ia && ib) {
        for (size_t i = 0; i < na; i++)
            ia[i] = intern_one(&t, &a[i]);
        for (size_t j = 0; j < nb; j++)
            ib[j] = intern_one(&t, &b[j]);
        rv = seqdiff_ids(ia, na, ib, nb, t.n, ca, cb);
    }
    free(t.slot);
    free(t.rep);
    free(t.hash);
    free(ia);
    free(ib);
    return rv;
}
