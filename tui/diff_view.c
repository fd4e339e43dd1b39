/*
 * diff_view.c - side-by-side and unified drawing of a linediff.
 */
#include "tui/diff_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/linediff.h"
#include "model/sanitize.h"
#include "tui/draw.h"

#define MAX_SPANS 32

/* One line of the display: an item of the folded diff, and for a changed
 * row in unified mode which half (0: the '-' line, 1: the '+' line). */
typedef struct {
    size_t item;
    int half;
} disp_line;

struct diff_view {
    char *left, *right;
    linediff *ld;
    ld_item *items;
    size_t nitems;
    disp_line *disp;
    size_t ndisp;
    bool disp_unified; /* what disp was built for */
    bool force_unified;
    size_t top; /* first display line */
    char **summary;
    size_t nsummary;
    char label_l[64], label_r[64];
    int screen_cols; /* at the last draw */
    int page;
};

diff_view *diff_view_new(void)
{
    diff_view *dv = calloc(1, sizeof *dv);
    if (dv) {
        snprintf(dv->label_l, sizeof dv->label_l, "live");
        snprintf(dv->label_r, sizeof dv->label_r, "edited");
        dv->screen_cols = 200;
    }
    return dv;
}

static void free_summary(diff_view *dv)
{
    for (size_t i = 0; i < dv->nsummary; i++)
        free(dv->summary[i]);
    free(dv->summary);
    dv->summary = NULL;
    dv->nsummary = 0;
}

static void free_diff(diff_view *dv)
{
    linediff_free(dv->ld);
    free(dv->items);
    free(dv->disp);
    free(dv->left);
    free(dv->right);
    dv->ld = NULL;
    dv->items = NULL;
    dv->disp = NULL;
    dv->left = dv->right = NULL;
    dv->nitems = dv->ndisp = 0;
}

void diff_view_free(diff_view *dv)
{
    if (!dv)
        return;
    free_diff(dv);
    free_summary(dv);
    free(dv);
}

bool diff_view_is_unified(const diff_view *dv, int screen_cols)
{
    return dv->force_unified != (screen_cols < DIFF_SIDE_MIN_COLS);
}

static void build_disp(diff_view *dv, bool unified)
{
    free(dv->disp);
    dv->disp = NULL;
    dv->ndisp = 0;
    dv->disp_unified = unified;
    if (!dv->nitems)
        return;
    dv->disp = malloc(dv->nitems * 2 * sizeof *dv->disp);
    if (!dv->disp)
        return;
    const ld_row *rows = linediff_rows(dv->ld);
    for (size_t i = 0; i < dv->nitems; i++) {
        dv->disp[dv->ndisp++] = (disp_line){i, 0};
        const ld_item *it = &dv->items[i];
        if (unified && !it->fold && rows[it->row].kind == LD_CHANGE)
            dv->disp[dv->ndisp++] = (disp_line){i, 1};
    }
}

int diff_view_set(diff_view *dv, const char *left, const char *right)
{
    size_t keep = dv->top;
    free_diff(dv);
    dv->left = strdup(left ? left : "");
    dv->right = strdup(right ? right : "");
    dv->ld = dv->left && dv->right ? linediff_new(dv->left, dv->right) : NULL;
    if (!dv->ld)
        return -1;
    dv->items = linediff_fold(dv->ld, DIFF_CONTEXT, &dv->nitems);
    build_disp(dv, diff_view_is_unified(dv, dv->screen_cols));
    dv->top = keep < dv->ndisp ? keep : 0;
    return 0;
}

void diff_view_set_summary(diff_view *dv, const char *const *lines, size_t n)
{
    free_summary(dv);
    dv->summary = n ? calloc(n, sizeof *dv->summary) : NULL;
    for (size_t i = 0; dv->summary && i < n; i++)
        if ((dv->summary[i] = strdup(lines[i])))
            dv->nsummary++;
}

void diff_view_set_labels(diff_view *dv, const char *left, const char *right)
{
    snprintf(dv->label_l, sizeof dv->label_l, "%s", left);
    snprintf(dv->label_r, sizeof dv->label_r, "%s", right);
}

size_t diff_view_added(const diff_view *dv)
{
    return dv->ld ? linediff_inserted(dv->ld) : 0;
}

size_t diff_view_removed(const diff_view *dv)
{
    return dv->ld ? linediff_deleted(dv->ld) : 0;
}

size_t diff_view_hunks(const diff_view *dv)
{
    return dv->ld ? linediff_nhunks(dv->ld) : 0;
}

static void clamp_top(diff_view *dv)
{
    long max = (long)dv->ndisp - (dv->page > 0 ? dv->page : 1);
    if ((long)dv->top > max)
        dv->top = max > 0 ? (size_t)max : 0;
}

void diff_view_scroll(diff_view *dv, long delta)
{
    long t = (long)dv->top + delta;
    dv->top = t < 0 ? 0 : (size_t)t;
    clamp_top(dv);
}

void diff_view_scroll_to(diff_view *dv, long line)
{
    dv->top = line < 0 ? dv->ndisp : (size_t)line;
    clamp_top(dv);
}

/* The linediff row a display line stands for (a fold: its first row). */
static size_t disp_row(const diff_view *dv, size_t d)
{
    return dv->items[dv->disp[d].item].row;
}

static bool jump_to_row(diff_view *dv, long row)
{
    for (size_t d = 0; row >= 0 && d < dv->ndisp; d++)
        if (!dv->items[dv->disp[d].item].fold && (long)disp_row(dv, d) == row) {
            dv->top = d > 2 ? d - 2 : 0; /* keep a little context above */
            return true;
        }
    return false;
}

bool diff_view_hunk(diff_view *dv, int dir)
{
    size_t nh = diff_view_hunks(dv);
    if (!nh || !dv->ndisp)
        return false;
    size_t at = dv->top + 2 < dv->ndisp ? dv->top + 2 : dv->ndisp - 1;
    size_t row = disp_row(dv, at);
    long next = dir > 0 ? linediff_next_hunk(dv->ld, row) : linediff_prev_hunk(dv->ld, row);
    if (next < 0) /* wrap around */
        next = (long)linediff_hunk_start(dv->ld, dir > 0 ? 0 : nh - 1);
    return jump_to_row(dv, next);
}

void diff_view_reveal(diff_view *dv, long line)
{
    const ld_row *rows = dv->ld ? linediff_rows(dv->ld) : NULL;
    for (size_t d = 0; rows && d < dv->ndisp; d++) {
        const ld_item *it = &dv->items[dv->disp[d].item];
        long b = it->fold ? -1 : rows[it->row].b;
        if (b < line)
            continue;
        long page = dv->page > 0 ? dv->page : 10;
        if ((long)d < (long)dv->top || (long)d >= (long)dv->top + page)
            dv->top = d > 3 ? d - 3 : 0;
        clamp_top(dv);
        return;
    }
}

void diff_view_toggle_unified(diff_view *dv)
{
    dv->force_unified = !dv->force_unified;
}

int diff_view_page(const diff_view *dv)
{
    return dv->page;
}

/* ---- drawing --------------------------------------------------------------- */

static int digits(size_t n)
{
    int d = 1;
    while (n >= 10)
        n /= 10, d++;
    return d < 3 ? 3 : d;
}

/* Draws one side's line text with word spans highlighted. */
static void draw_spans(WINDOW *w, int y, int x, int cols, const char *s, size_t len,
                       const ld_span *sp, size_t nsp, attr_t base, attr_t hl)
{
    size_t at = 0;
    int used = 0;
    char buf[4096];
    for (size_t i = 0; i <= nsp && used < cols; i++) {
        size_t start = i < nsp ? sp[i].start : len, end = i < nsp ? sp[i].start + sp[i].len : len;
        if (start > len)
            start = len;
        if (end > len)
            end = len;
        if (start > at) {
            size_t n = start - at < sizeof buf - 1 ? start - at : sizeof buf - 1;
            memcpy(buf, s + at, n);
            buf[n] = 0;
            used += draw_text(w, y, x + used, buf, cols - used, base, false);
        }
        if (end > start && used < cols) {
            size_t n = end - start < sizeof buf - 1 ? end - start : sizeof buf - 1;
            memcpy(buf, s + start, n);
            buf[n] = 0;
            used += draw_text(w, y, x + used, buf, cols - used, hl, false);
        }
        at = end > at ? end : at;
    }
    if (used < cols)
        draw_fill(w, y, x + used, cols - used, base & ~A_REVERSE & ~A_UNDERLINE);
}

typedef struct {
    ui *u;
    WINDOW *w;
    int nd; /* line number width */
} draw_ctx;

/* The text of one side's line, words highlighted in a changed row. */
static void draw_body(draw_ctx *c, diff_view *dv, int y, int x, int cols, size_t row, int side,
                      ld_kind kind, attr_t base)
{
    const ld_row *r = &linediff_rows(dv->ld)[row];
    size_t len;
    const char *text = linediff_line(dv->ld, side, side ? r->b : r->a, &len);
    ld_span sa[MAX_SPANS], sb[MAX_SPANS];
    size_t na = 0, nb = 0;
    if (kind == LD_CHANGE)
        linediff_words(dv->ld, row, sa, &na, sb, &nb, MAX_SPANS);
    draw_spans(c->w, y, x, cols, text, len, side ? sb : sa, side ? nb : na, base,
               base | A_REVERSE | A_BOLD);
}

static attr_t side_attr(draw_ctx *c, ld_kind kind, int side)
{
    return kind == LD_EQUAL ? ui_attr(c->u, ROLE_DIFF_CTX)
                            : ui_attr(c->u, side ? ROLE_DIFF_ADD : ROLE_DIFF_DEL);
}

/* One side of one row: "  12 - text" (side 0 left, 1 right). */
static void draw_half(draw_ctx *c, diff_view *dv, int y, int x, int cols, size_t row, int side,
                      ld_kind kind)
{
    const ld_row *r = &linediff_rows(dv->ld)[row];
    long line = side ? r->b : r->a;
    if (line < 0) {
        draw_fill(c->w, y, x, cols, ui_attr(c->u, ROLE_ROW_DIM));
        return;
    }
    bool changed = kind != LD_EQUAL;
    attr_t base = side_attr(c, kind, side);
    char num[32];
    snprintf(num, sizeof num, "%*ld %c ", c->nd, line + 1, !changed ? ' ' : side ? '+' : '-');
    int used =
        draw_text(c->w, y, x, num, cols, changed ? base : ui_attr(c->u, ROLE_ROW_DIM), false);
    draw_body(c, dv, y, x + used, cols - used, row, side, kind, base);
}

/* A unified line: old and new line numbers, the marker, the text. */
static void draw_unified(draw_ctx *c, diff_view *dv, int y, int x, int cols, size_t row, int side)
{
    const ld_row *r = &linediff_rows(dv->ld)[row];
    bool eq = r->kind == LD_EQUAL;
    char a[24] = "", b[24] = "", num[64];
    if (eq || !side)
        snprintf(a, sizeof a, "%ld", r->a + 1);
    if (eq || side)
        snprintf(b, sizeof b, "%ld", r->b + 1);
    snprintf(num, sizeof num, "%*s %*s %c ", c->nd, a, c->nd, b, eq ? ' ' : side ? '+' : '-');
    attr_t base = side_attr(c, r->kind, side);
    int used = draw_text(c->w, y, x, num, cols, eq ? ui_attr(c->u, ROLE_ROW_DIM) : base, false);
    draw_body(c, dv, y, x + used, cols - used, row, eq ? 1 : side, r->kind, base);
}

static void draw_fold(draw_ctx *c, int y, int x, int cols, size_t count)
{
    char buf[96];
    snprintf(buf, sizeof buf, "%*s %s %zu unchanged line%s %s", c->nd, "",
             c->u->utf8 ? "\u22ef" : "...", count, count == 1 ? "" : "s",
             c->u->utf8 ? "\u22ef" : "...");
    draw_text(c->w, y, x, buf, cols, ui_attr(c->u, ROLE_ROW_DIM), true);
}

static void draw_line(draw_ctx *c, diff_view *dv, int y, int x, int w, const disp_line *d)
{
    const ld_item *it = &dv->items[d->item];
    if (it->fold) {
        draw_fold(c, y, x, w, it->count);
        return;
    }
    const ld_row *r = &linediff_rows(dv->ld)[it->row];
    if (dv->disp_unified) {
        int side = r->kind == LD_INSERT || (r->kind == LD_CHANGE && d->half) ? 1 : 0;
        draw_unified(c, dv, y, x, w, it->row, side);
        return;
    }
    int lw = (w - 1) / 2, rw = w - 1 - lw;
    draw_half(c, dv, y, x, lw, it->row, 0, r->kind);
    draw_text(c->w, y, x + lw, c->u->utf8 ? "\u2502" : "|", 1, ui_attr(c->u, ROLE_PANE_BORDER),
              false);
    draw_half(c, dv, y, x + lw + 1, rw, it->row, 1, r->kind);
}

static int draw_summary(diff_view *dv, ui *u, WINDOW *win, int y, int x, int h, int w)
{
    char head[512];
    size_t add = diff_view_added(dv), del = diff_view_removed(dv);
    if (dv->ld && linediff_equal(dv->ld))
        snprintf(head, sizeof head, "no changes: %s and %s are the same", dv->label_l, dv->label_r);
    else
        snprintf(head, sizeof head, "%s %s %s: +%zu -%zu lines, %zu hunk%s, %zu changed path%s",
                 dv->label_l, u->utf8 ? "\u2192" : "->", dv->label_r, add, del, diff_view_hunks(dv),
                 diff_view_hunks(dv) == 1 ? "" : "s", dv->nsummary, dv->nsummary == 1 ? "" : "s");
    int used = 0;
    draw_text(win, y + used++, x, head, w, ui_attr(u, ROLE_DIFF_HEADER), true);
    size_t shown = dv->nsummary > DIFF_SUMMARY_LINES ? DIFF_SUMMARY_LINES - 1 : dv->nsummary;
    for (size_t i = 0; i < shown && used < h - 2; i++)
        draw_text(win, y + used++, x, dv->summary[i], w, ui_attr(u, ROLE_INFO), true);
    if (shown < dv->nsummary && used < h - 2) {
        char more[64];
        snprintf(more, sizeof more, "... +%zu more", dv->nsummary - shown);
        draw_text(win, y + used++, x, more, w, ui_attr(u, ROLE_INFO), true);
    }
    return used;
}

void diff_view_draw(diff_view *dv, ui *u, WINDOW *win, int y, int x, int h, int w)
{
    dv->screen_cols = u->cols;
    bool unified = diff_view_is_unified(dv, u->cols);
    if (dv->ld && unified != dv->disp_unified) {
        build_disp(dv, unified);
        dv->top = 0;
    }
    int used = draw_summary(dv, u, win, y, x, h, w);
    dv->page = h - used;
    clamp_top(dv);
    draw_ctx c = {u, win, 3};
    if (dv->ld)
        c.nd = digits(linediff_nlines(dv->ld, 0) > linediff_nlines(dv->ld, 1)
                          ? linediff_nlines(dv->ld, 0)
                          : linediff_nlines(dv->ld, 1));
    for (int row = 0; row < h - used; row++) {
        size_t d = dv->top + (size_t)row;
        if (d < dv->ndisp)
            draw_line(&c, dv, y + used + row, x, w, &dv->disp[d]);
        else
            draw_fill(win, y + used + row, x, w, ui_attr(u, ROLE_NORMAL));
    }
}
