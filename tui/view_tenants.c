/*
 * view_tenants.c - the left pane: one row per tenant namespace.
 *
 * With a filter, a tenant stays when its own row (namespace, state) or any
 * of its resources matches, so typing a host narrows the list to the
 * tenants that route it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/sort.h"
#include "model/sanitize.h"
#include "tui/lint_console.h"
#include "tui/plan.h"
#include "tui/draw.h"
#include "tui/ui.h"

typedef struct {
    const store_tenant **rows;
} tenants_data;

static bool own_row_matches(ui *u, const store_tenant *t)
{
    if (u->flt.mode == FILTER_LABELS)
        return false;
    const char *fields[] = {t->ns, tenant_state_name(t->state)};
    return filter_match(&u->flt, fields, 2, NULL);
}

/* hit[i]: tenant i has a matching resource. One pass over the rows, each
 * matched once and its tenant found by binary search (not a pass per tenant:
 * 2,000 tenants x 10,000 rows took 200 ms a keystroke). */
static void mark_matching(ui *u, const store_tenant *ts, bool *hit)
{
    size_t nrows;
    const res_row *rows = ui_rows(u, &nrows);
    const store_tenant *t = NULL;
    for (size_t i = 0; i < nrows; i++) {
        /* rows come grouped by namespace within a kind */
        if (!t || strcmp(t->ns, rows[i].obj->ns) != 0)
            t = store_tenant_get(u->store, rows[i].obj->ns);
        if (t && !hit[t - ts] && ui_row_matches(u, &rows[i]))
            hit[t - ts] = true;
    }
}

typedef struct {
    const store_tenant *t;
    long long num; /* the count sorted by, or -1 for text */
    const char *text;
    size_t seq;
    bool reverse;
} tsort_item;

static int cmp_tenants(const void *pa, const void *pb)
{
    const tsort_item *a = pa, *b = pb;
    int c = a->text ? strcmp(a->text, b->text) : (a->num > b->num) - (a->num < b->num);
    if (c && a->reverse)
        c = -c;
    return c ? c : (a->seq < b->seq ? -1 : a->seq > b->seq);
}

/* PROB: the tenant's lint errors once lint has run (they include the
 * two checks below and the conversion's errors: tui/lint_console.h);
 * until then what the snapshot shows (hosts claimed twice, missing
 * Gateways) plus the errors of the tenant's conversion, once counted. */
static size_t tenant_problems(ui *u, const store_tenant *t)
{
    long l = lint_console_errors(u, t->ns);
    if (l >= 0)
        return (size_t)l;
    long e = plan_errors_get(u, t->ns);
    return t->problems + (e > 0 ? (size_t)e : 0);
}

/* Shift + N (namespace), I / W / V (counts), S (state), P (problems). */
static void sort_tenants(ui *u, const store_tenant **rows, size_t n)
{
    char key = u->sort_tenants.key;
    tsort_item *it = key && n > 1 ? malloc(n * sizeof *it) : NULL;
    if (!it)
        return;
    for (size_t i = 0; i < n; i++) {
        const store_tenant *t = rows[i];
        long long num = key == 'I'   ? (long long)t->n_ing
                        : key == 'W' ? (long long)t->n_gw
                        : key == 'V' ? (long long)t->n_vs
                        : key == 'P' ? (long long)tenant_problems(u, t)
                                     : -1;
        const char *text = key == 'N' ? t->ns : key == 'S' ? tenant_state_name(t->state) : NULL;
        it[i] = (tsort_item){t, num, text, i, u->sort_tenants.reverse};
    }
    mp_sort(it, n, sizeof *it, cmp_tenants);
    for (size_t i = 0; i < n; i++)
        rows[i] = it[i].t;
    free(it);
}

static void tenants_rebuild(view *v, ui *u)
{
    tenants_data *d = v->data;
    size_t n;
    const store_tenant *ts = store_tenants(u->store, &n);
    bool filtering = filter_active(&u->flt);
    bool *hit = filtering && n ? calloc(n, sizeof *hit) : NULL;
    if (hit)
        mark_matching(u, ts, hit);
    free(d->rows);
    d->rows = n ? calloc(n, sizeof *d->rows) : NULL;
    v->nrows = 0;
    /* A plain filter keeps a tenant when its own row or any resource passes;
     * a negated one (!term) when its own row passes and it has no resource
     * or one that passes: /!ingress-only hides the ingress-only tenants. */
    bool negated = filtering && u->flt.negate;
    for (size_t i = 0; d->rows && i < n; i++) {
        size_t nres = ts[i].n_ing + ts[i].n_gw + ts[i].n_vs;
        bool keep =
            !filtering || (negated ? own_row_matches(u, &ts[i]) && (!nres || (hit && hit[i]))
                                   : (hit && hit[i]) || own_row_matches(u, &ts[i]));
        if (keep)
            d->rows[v->nrows++] = &ts[i];
    }
    free(hit);
    sort_tenants(u, d->rows, v->nrows);
    /* the tenant the user chose when it is visible, else the one the cursor
     * was on, else clamp and follow */
    size_t keep = v->cursor;
    bool chosen = false;
    for (size_t i = 0; u->chosen_tenant && i < v->nrows && !chosen; i++)
        if (!strcmp(d->rows[i]->ns, u->chosen_tenant))
            keep = i, chosen = true;
    for (size_t i = 0; !chosen && u->tenant && i < v->nrows; i++)
        if (!strcmp(d->rows[i]->ns, u->tenant))
            keep = i;
    v->cursor = v->nrows ? (keep < v->nrows ? keep : v->nrows - 1) : 0;
    ui_set_tenant(u, v->nrows ? d->rows[v->cursor]->ns : NULL);
}

static color_role state_role(tenant_state s)
{
    switch (s) {
    case TENANT_INGRESS_ONLY:
        return ROLE_STATE_INGRESS_ONLY;
    case TENANT_MIXED:
        return ROLE_STATE_MIXED;
    case TENANT_ISTIO:
        return ROLE_STATE_ISTIO;
    case TENANT_SUSPENDED:
        return ROLE_STATE_SUSPENDED;
    default:
        return ROLE_ROW_DIM;
    }
}

enum { TC_NS, TC_ING, TC_GW, TC_VS, TC_STATE, TC_PROB, TC_COUNT };

int view_tenants_fit(ui *u)
{
    size_t n, longest = 9; /* "NAMESPACE" */
    const store_tenant *ts = store_tenants(u->store, &n);
    for (size_t i = 0; i < n; i++) {
        /* printable ASCII, a namespace's text: its length is its width */
        const unsigned char *p = (const unsigned char *)ts[i].ns;
        while (*p >= 0x20 && *p < 0x7f)
            p++;
        size_t l = *p ? san_widths(ts[i].ns) : (size_t)(p - (const unsigned char *)ts[i].ns);
        longest = l > longest ? l : longest;
    }
    /* namespace, ING GW VS (3 each), STATE (12), PROB (5 with the arrow),
     * the spaces between, the border and a margin */
    return (int)(longest > 40 ? 40 : longest) + 3 * 4 + 13 + 6 + 5;
}

const char *view_tenants_ns_at(ui *u, size_t i)
{
    view *v = &u->views[VIEW_TENANTS];
    tenants_data *d = v->data;
    return d && i < v->nrows ? d->rows[i]->ns : NULL;
}

static void tenants_draw(view *v, ui *u, WINDOW *w, int y, int x, int h, int wd, bool focused)
{
    tenants_data *d = v->data;
    col_spec cs[TC_COUNT] = {
        {"NAMESPACE", 9, 12, 9, false}, {"ING", 3, 3, 5, true},     {"GW", 3, 3, 4, true},
        {"VS", 3, 3, 4, true},          {"STATE", 12, 5, 7, false}, {"PROB", 4, 4, 6, true},
    };
    for (size_t i = 0; i < v->nrows; i++) {
        int l = (int)strlen(d->rows[i]->ns);
        if (l > cs[TC_NS].want)
            cs[TC_NS].want = l > 40 ? 40 : l;
    }
    static const char sort_keys[TC_COUNT] = {'N', 'I', 'W', 'V', 'S', 'P'};
    for (int c = 0; c < TC_COUNT; c++) /* room for the sort arrow */
        if (u->sort_tenants.key == sort_keys[c] && cs[c].want < (int)strlen(cs[c].title) + 1)
            cs[c].want = (int)strlen(cs[c].title) + 1, cs[c].min = cs[c].want;
    int cw[TC_COUNT];
    table_widths(cs, TC_COUNT, wd - 2, cw);
    attr_t hdr = ui_attr(u, ROLE_COLUMN_HEADER);
    draw_fill(w, y, x, wd, hdr);
    for (int c = 0, cx = x + 1; c < TC_COUNT; cx += cw[c] ? cw[c] + 1 : 0, c++) {
        if (!cw[c])
            continue;
        char title[32];
        snprintf(title, sizeof title, "%s%s", cs[c].title,
                 ui_sort_arrow(u, u->sort_tenants.key, sort_keys[c], u->sort_tenants.reverse));
        (cs[c].right ? draw_text_right(w, y, cx, title, cw[c], hdr)
                     : draw_text(w, y, cx, title, cw[c], hdr, false));
    }
    v->body_y = y + 1;
    v->body_h = h - 1;
    if (v->cursor < v->top)
        v->top = v->cursor;
    if (v->body_h > 0 && v->cursor >= v->top + (size_t)v->body_h)
        v->top = v->cursor - (size_t)v->body_h + 1;
    for (int r = 0; r < v->body_h; r++) {
        size_t i = v->top + (size_t)r;
        int ry = y + 1 + r;
        if (i >= v->nrows) {
            draw_fill(w, ry, x, wd, ui_attr(u, ROLE_NORMAL));
            continue;
        }
        const store_tenant *t = d->rows[i];
        bool sel = i == v->cursor;
        attr_t base = sel ? ui_attr(u, focused ? ROLE_ROW_SELECTED : ROLE_ROW_SELECTED_INACTIVE)
                          : ui_attr(u, ROLE_ROW);
        draw_fill(w, ry, x, wd, base);
        char num[4][24];
        snprintf(num[0], sizeof num[0], "%zu", t->n_ing);
        snprintf(num[1], sizeof num[1], "%zu", t->n_gw);
        snprintf(num[2], sizeof num[2], "%zu", t->n_vs);
        size_t prob = tenant_problems(u, t);
        snprintf(num[3], sizeof num[3], "%zu", prob);
        const char *cells[TC_COUNT] = {t->ns, num[0], num[1], num[2], tenant_state_name(t->state),
                                       num[3]};
        for (int c = 0, cx = x + 1; c < TC_COUNT; cx += cw[c] ? cw[c] + 1 : 0, c++) {
            if (!cw[c])
                continue;
            attr_t a = base;
            if (!sel && c == TC_STATE)
                a = ui_attr(u, state_role(t->state));
            if (!sel && c == TC_PROB && prob)
                a = ui_attr(u, ROLE_STATE_PROBLEM);
            if (cs[c].right)
                draw_text_right(w, ry, cx, cells[c], cw[c], a);
            else
                draw_text(w, ry, cx, cells[c], cw[c], a, false);
        }
    }
}

static void tenants_enter(view *v, ui *u)
{
    (void)v;
    u->focus = PANE_RESOURCES;
    u->layout_dirty = true;
}

static void tenants_title(view *v, ui *u, char *buf, size_t n)
{
    size_t total;
    store_tenants(u->store, &total);
    if (filter_active(&u->flt))
        snprintf(buf, n, "Tenants [%zu/%zu]", v->nrows, total);
    else
        snprintf(buf, n, "Tenants [%zu]", v->nrows);
}

static void tenants_cursor_moved(view *v, ui *u)
{
    tenants_data *d = v->data;
    ui_choose_tenant(u, v->nrows ? d->rows[v->cursor]->ns : NULL);
}

static void tenants_free(view *v)
{
    tenants_data *d = v->data;
    if (d)
        free(d->rows);
    free(d);
    v->data = NULL;
}

static const view_ops tenants_ops = {
    .name = "tenants",
    .rebuild = tenants_rebuild,
    .draw = tenants_draw,
    .enter = tenants_enter,
    .title = tenants_title,
    .cursor_moved = tenants_cursor_moved,
    .free = tenants_free,
};

void view_tenants_init(view *v)
{
    v->ops = &tenants_ops;
    v->data = calloc(1, sizeof(tenants_data));
}
