/*
 * view_resources.c - the centre pane: the tenant's Ingresses, Gateways and
 * VirtualServices under tabs, with kubectl-like columns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/sanitize.h"
#include "model/sort.h"
#include "tui/draw.h"
#include "tui/ui.h"

typedef struct {
    const res_row **rows;
    size_t count[TAB_COUNT]; /* per tab, for the tab bar */
} resources_data;

static bool in_tab(res_tab t, const res_row *r)
{
    const char *k = res_tab_kind(t);
    return !k || !strcmp(k, r->obj->kind);
}

/* store_list's order (store.h): Ingress, Gateway, VirtualService. */
static const char *const row_kinds[] = {"Ingress", "Gateway", "VirtualService"};

static int kind_rank(const char *kind)
{
    int k = 0;
    while (k < 2 && strcmp(kind, row_kinds[k]) != 0)
        k++;
    return k;
}

/* First row of kind k in namespace ns: the row cache is sorted by kind,
 * namespace and name, so a tenant's rows of one kind are one run, found by
 * binary search rather than by comparing all 10,000 rows per keystroke. */
static size_t run_start(const res_row *rows, size_t n, int k, const char *ns)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = kind_rank(rows[mid].obj->kind) - k;
        if (!c)
            c = strcmp(rows[mid].obj->ns, ns);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* ---- sorting (Shift + a column's letter) -------------------------------- */

typedef struct {
    const res_row *row;
    const char *text; /* the column's cell (NULL: sort by created) */
    time_t created;
    size_t seq; /* natural order: ties keep it */
    bool reverse;
} sort_item;

static int cmp_items(const void *pa, const void *pb)
{
    const sort_item *a = pa, *b = pb;
    int c = a->text                   ? strcmp(a->text, b->text)
            : a->created < b->created ? -1 /* oldest first, as AGE reads: biggest first */
            : a->created > b->created ? 1
                                      : 0;
    if (c && a->reverse)
        c = -c;
    return c ? c : (a->seq < b->seq ? -1 : a->seq > b->seq);
}

static res_col sort_column(char key)
{
    switch (key) {
    case 'N':
        return COL_NAME;
    case 'H':
        return COL_HOSTS;
    case 'P':
        return COL_PATHS;
    case 'C':
        return COL_CLASS;
    case 'T':
        return COL_TLS;
    case 'S':
        return COL_STATE;
    case 'K':
        return COL_KIND;
    default:
        return COL_AGE;
    }
}

static void sort_rows(ui *u, const res_row **rows, size_t n)
{
    char key = u->sort_resources.key;
    sort_item *it = key && n > 1 ? malloc(n * sizeof *it) : NULL;
    if (!it)
        return;
    res_col col = sort_column(key);
    for (size_t i = 0; i < n; i++)
        it[i] = (sort_item){rows[i], col == COL_AGE ? NULL : rows[i]->cell[col],
                            col == COL_AGE ? res_row_created(rows[i]) : 0, i,
                            u->sort_resources.reverse};
    mp_sort(it, n, sizeof *it, cmp_items);
    for (size_t i = 0; i < n; i++)
        rows[i] = it[i].row;
    free(it);
}

static void resources_rebuild(view *v, ui *u)
{
    resources_data *d = v->data;
    size_t n;
    const res_row *rows = ui_rows(u, &n);
    size_t start[3], end[3], total = 0;
    for (int k = 0; k < 3; k++) {
        start[k] = end[k] = u->tenant ? run_start(rows, n, k, u->tenant) : n;
        while (end[k] < n && !strcmp(rows[end[k]].obj->kind, row_kinds[k]) &&
               !strcmp(rows[end[k]].obj->ns, u->tenant))
            end[k]++;
        total += end[k] - start[k];
    }
    free(d->rows);
    d->rows = total ? calloc(total, sizeof *d->rows) : NULL;
    memset(d->count, 0, sizeof d->count);
    v->nrows = 0;
    for (int k = 0; d->rows && k < 3; k++)
        for (size_t i = start[k]; i < end[k]; i++) {
            const res_row *r = ui_row_cells(u, &rows[i]);
            if (!r || !ui_row_matches(u, r))
                continue;
            for (int t = 0; t < TAB_COUNT; t++)
                d->count[t] += in_tab((res_tab)t, r);
            if (in_tab(u->tab, r))
                d->rows[v->nrows++] = r;
        }
    sort_rows(u, d->rows, v->nrows);
}

const res_row *view_resources_selected(view *v)
{
    resources_data *d = v->data;
    return d && d->rows && v->cursor < v->nrows ? d->rows[v->cursor] : NULL;
}

typedef struct {
    res_col col;
    const char *title;
    int min, prio;
} col_def;

/* Columns per tab: the CLASS slot says GATEWAYS for VirtualServices and
 * SELECTOR for Gateways, as kubectl users expect. */
static size_t tab_columns(res_tab t, col_def *out)
{
    static const col_def ing[] = {{COL_NAME, "NAME", 8, 9},   {COL_HOSTS, "HOSTS", 10, 8},
                                  {COL_PATHS, "PATHS", 5, 5}, {COL_CLASS, "CLASS", 5, 3},
                                  {COL_TLS, "TLS", 3, 2},     {COL_AGE, "AGE", 3, 4},
                                  {COL_STATE, "STATE", 5, 6}};
    static const col_def gw[] = {{COL_NAME, "NAME", 8, 9},   {COL_HOSTS, "HOSTS", 10, 8},
                                 {COL_PATHS, "PORTS", 6, 5}, {COL_CLASS, "SELECTOR", 6, 3},
                                 {COL_TLS, "TLS", 3, 2},     {COL_AGE, "AGE", 3, 4},
                                 {COL_STATE, "STATE", 5, 6}};
    static const col_def vs[] = {{COL_NAME, "NAME", 8, 9},   {COL_HOSTS, "HOSTS", 10, 8},
                                 {COL_PATHS, "PATHS", 5, 5}, {COL_CLASS, "GATEWAYS", 8, 3},
                                 {COL_AGE, "AGE", 3, 4},     {COL_STATE, "STATE", 5, 6}};
    static const col_def all[] = {{COL_KIND, "KIND", 4, 7},      {COL_NAME, "NAME", 8, 9},
                                  {COL_HOSTS, "HOSTS", 10, 8},   {COL_PATHS, "PATHS", 5, 5},
                                  {COL_CLASS, "CLASS/GW", 5, 3}, {COL_TLS, "TLS", 3, 2},
                                  {COL_AGE, "AGE", 3, 4},        {COL_STATE, "STATE", 5, 6}};
    const col_def *src = t == TAB_INGRESS ? ing : t == TAB_GATEWAY ? gw : t == TAB_VS ? vs : all;
    size_t n = t == TAB_INGRESS ? 7 : t == TAB_GATEWAY ? 7 : t == TAB_VS ? 6 : 8;
    memcpy(out, src, n * sizeof *out);
    return n;
}

static void draw_tabs(view *v, ui *u, WINDOW *w, int y, int x, int wd)
{
    resources_data *d = v->data;
    draw_fill(w, y, x, wd, ui_attr(u, ROLE_TAB));
    int cx = x + 1;
    for (int t = 0; t < TAB_COUNT && cx < x + wd; t++) {
        char label[64];
        snprintf(label, sizeof label, " %s(%zu) ", res_tab_name((res_tab)t), d->count[t]);
        attr_t a = ui_attr(u, t == (int)u->tab ? ROLE_TAB_ACTIVE : ROLE_TAB);
        cx += draw_text(w, y, cx, label, x + wd - cx, a, false);
        if (t + 1 < TAB_COUNT && cx < x + wd)
            cx += draw_text(w, y, cx, "|", x + wd - cx, ui_attr(u, ROLE_TAB), false);
    }
}

static const char *cell_text(ui *u, const res_row *r, res_col c, char *buf, size_t n)
{
    if (c == COL_KIND) /* short kinds keep the All tab readable when narrow */
        return !strcmp(r->obj->kind, "Ingress")          ? "ing"
               : !strcmp(r->obj->kind, "Gateway")        ? "gw"
               : !strcmp(r->obj->kind, "VirtualService") ? "vs"
                                                         : r->cell[c];
    return c == COL_AGE ? format_age(res_row_created(r), u->now, buf, n) : r->cell[c];
}

static void compute_widths(view *v, ui *u, const col_def *cd, size_t nc, int total, int *cw)
{
    resources_data *d = v->data;
    col_spec cs[COL_COUNT];
    for (size_t c = 0; c < nc; c++) {
        bool sorted = u->sort_resources.key && sort_column(u->sort_resources.key) == cd[c].col;
        cs[c] = (col_spec){cd[c].title, (int)strlen(cd[c].title) + sorted, cd[c].min, cd[c].prio,
                           false};
        for (size_t i = 0; i < v->nrows; i++) {
            char age[32];
            int l = (int)san_widths(cell_text(u, d->rows[i], cd[c].col, age, sizeof age));
            if (l > cs[c].want)
                cs[c].want = l > 60 ? 60 : l;
        }
        if (cs[c].want < cs[c].min)
            cs[c].min = cs[c].want;
    }
    table_widths(cs, (int)nc, total, cw);
}

static void resources_draw(view *v, ui *u, WINDOW *w, int y, int x, int h, int wd, bool focused)
{
    resources_data *d = v->data;
    draw_tabs(v, u, w, y, x, wd);
    col_def cd[COL_COUNT];
    size_t nc = tab_columns(u->tab, cd);
    int cw[COL_COUNT];
    compute_widths(v, u, cd, nc, wd - 2, cw);
    attr_t hdr = ui_attr(u, ROLE_COLUMN_HEADER);
    draw_fill(w, y + 1, x, wd, hdr);
    for (size_t c = 0, cx = (size_t)x + 1; c < nc; cx += cw[c] ? (size_t)cw[c] + 1 : 0, c++) {
        if (!cw[c])
            continue;
        char title[32];
        snprintf(title, sizeof title, "%s%s", cd[c].title,
                 u->sort_resources.key && sort_column(u->sort_resources.key) == cd[c].col
                     ? ui_sort_arrow(u, 1, 1, u->sort_resources.reverse)
                     : "");
        draw_text(w, y + 1, (int)cx, title, cw[c], hdr, false);
    }
    v->body_y = y + 2;
    v->body_h = h - 2;
    if (v->cursor < v->top)
        v->top = v->cursor;
    if (v->body_h > 0 && v->cursor >= v->top + (size_t)v->body_h)
        v->top = v->cursor - (size_t)v->body_h + 1;
    for (int r = 0; r < v->body_h; r++) {
        size_t i = v->top + (size_t)r;
        int ry = y + 2 + r;
        if (i >= v->nrows) {
            draw_fill(w, ry, x, wd, ui_attr(u, ROLE_NORMAL));
            if (r == 0 && !v->nrows)
                draw_text(w, ry, x + 1,
                          !u->tenant               ? "no tenant selected"
                          : filter_active(&u->flt) ? "nothing matches the filter"
                                                   : "no objects of this kind",
                          wd - 2, ui_attr(u, ROLE_ROW_DIM), false);
            continue;
        }
        const res_row *row = d->rows[i];
        bool sel = i == v->cursor;
        attr_t base = sel ? ui_attr(u, focused ? ROLE_ROW_SELECTED : ROLE_ROW_SELECTED_INACTIVE)
                      : row->dim ? ui_attr(u, ROLE_ROW_DIM)
                                 : ui_attr(u, ROLE_ROW);
        draw_fill(w, ry, x, wd, base);
        for (size_t c = 0, cx = (size_t)x + 1; c < nc; cx += cw[c] ? (size_t)cw[c] + 1 : 0, c++) {
            if (!cw[c])
                continue;
            char age[32];
            attr_t a = base;
            if (!sel && cd[c].col == COL_STATE && row->problem)
                a = ui_attr(u, ROLE_STATE_PROBLEM);
            draw_text(w, ry, (int)cx, cell_text(u, row, cd[c].col, age, sizeof age), cw[c], a,
                      false);
        }
    }
}

static void resources_enter(view *v, ui *u)
{
    if (!v->nrows)
        return;
    u->focus = PANE_DETAIL;
    u->layout_dirty = true;
}

static void resources_title(view *v, ui *u, char *buf, size_t n)
{
    snprintf(buf, n, "%s %s [%zu]", res_tab_name(u->tab), u->tenant ? u->tenant : "-", v->nrows);
}

static void resources_cursor_moved(view *v, ui *u)
{
    (void)v;
    ui_detail_changed(u);
}

static void resources_free(view *v)
{
    resources_data *d = v->data;
    if (d)
        free(d->rows);
    free(d);
    v->data = NULL;
}

static const view_ops resources_ops = {
    .name = "resources",
    .rebuild = resources_rebuild,
    .draw = resources_draw,
    .enter = resources_enter,
    .title = resources_title,
    .cursor_moved = resources_cursor_moved,
    .free = resources_free,
};

void view_resources_init(view *v)
{
    v->ops = &resources_ops;
    v->data = calloc(1, sizeof(resources_data));
}
