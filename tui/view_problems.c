/*
 * view_problems.c - :problems: every lint finding (tui/lint_console.h) in
 * the detail pane, errors first, then by namespace; the filter narrows it
 * like the other panes; the selected finding's hint (and the other object
 * involved) on the pane's last lines. Enter selects the object in the
 * resources pane and shows its YAML scrolled to the field; an object the
 * conversion would create (not in the source) shows the tenant's preview
 * scrolled to it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/kobj.h"
#include "model/sort.h"
#include "model/yamlline.h"
#include "tui/draw.h"
#include "tui/lint_console.h"
#include "tui/ui.h"

typedef struct {
    const lint_findings *src; /* the run the rows point into */
    const lint_finding **rows;
    size_t total;
} problems_data;

static bool matches(ui *u, const lint_finding *f)
{
    if (!filter_active(&u->flt))
        return true;
    const char *fields[] = {
        mp_severity_name(f->sev), f->code, f->ns, f->kind, f->name, f->field, f->message, f->hint};
    return filter_match(&u->flt, fields, 8, NULL);
}

typedef struct {
    const lint_finding *f;
    size_t seq;
} psort_item;

/* Errors first, then namespace; within them lint's order (kind, name,
 * field, code). */
static int cmp_problems(const void *pa, const void *pb)
{
    const psort_item *a = pa, *b = pb;
    int c = (int)b->f->sev - (int)a->f->sev;
    if (!c)
        c = strcmp(a->f->ns, b->f->ns);
    return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

static void problems_rebuild(view *v, ui *u)
{
    problems_data *d = v->data;
    free(d->rows);
    d->rows = NULL;
    v->nrows = 0;
    d->src = lint_console_findings(u);
    size_t n = d->src ? lint_findings_len(d->src) : 0;
    d->total = n;
    psort_item *it = n ? malloc(n * sizeof *it) : NULL;
    d->rows = n ? malloc(n * sizeof *d->rows) : NULL;
    size_t k = 0;
    for (size_t i = 0; it && d->rows && i < n; i++) {
        const lint_finding *f = lint_findings_at(d->src, i);
        if (matches(u, f))
            it[k++] = (psort_item){f, i};
    }
    if (it && d->rows) {
        mp_sort(it, k, sizeof *it, cmp_problems);
        for (size_t i = 0; i < k; i++)
            d->rows[i] = it[i].f;
        v->nrows = k;
    }
    free(it);
}

enum { PC_SEV, PC_CODE, PC_NS, PC_OBJ, PC_FIELD, PC_MSG, PC_COUNT };

static void row_cells(const lint_finding *f, char *obj, size_t n, const char **cells)
{
    snprintf(obj, n, "%s/%s%s", f->kind, f->name, f->origin == LINT_LIVE ? "" : " (planned)");
    cells[PC_SEV] = mp_severity_name(f->sev);
    cells[PC_CODE] = f->code;
    cells[PC_NS] = f->ns;
    cells[PC_OBJ] = obj;
    cells[PC_FIELD] = f->field;
    cells[PC_MSG] = f->message;
}

static void widths(view *v, int total, int *cw)
{
    problems_data *d = v->data;
    /* every column is a key column (priority >= 5): the widest shrink
     * first, so MESSAGE gives way; the lines below show it whole */
    col_spec cs[PC_COUNT] = {
        {"SEV", 7, 7, 10, false},    {"CODE", 5, 5, 9, false},   {"NAMESPACE", 9, 9, 8, false},
        {"OBJECT", 6, 12, 7, false}, {"FIELD", 5, 12, 5, false}, {"MESSAGE", 7, 16, 6, false},
    };
    for (size_t i = 0; i < v->nrows; i++) {
        char obj[600];
        const char *c[PC_COUNT];
        row_cells(d->rows[i], obj, sizeof obj, c);
        for (int k = 0; k < PC_COUNT; k++) {
            int l = (int)strlen(c[k]);
            int cap = k == PC_MSG ? 400 : 40;
            if (l > cs[k].want)
                cs[k].want = l > cap ? cap : l;
        }
    }
    table_widths(cs, PC_COUNT, total, cw);
}

static color_role sev_role(mp_severity s)
{
    return s == MP_SEV_ERROR ? ROLE_ERROR : s == MP_SEV_WARNING ? ROLE_WARNING : ROLE_INFO;
}

static void draw_row(ui *u, WINDOW *w, int y, int x, const int *cw, const lint_finding *f,
                     attr_t base, bool sel)
{
    char obj[600];
    const char *c[PC_COUNT];
    row_cells(f, obj, sizeof obj, c);
    for (int k = 0, cx = x + 1; k < PC_COUNT; cx += cw[k] ? cw[k] + 1 : 0, k++) {
        if (!cw[k])
            continue;
        attr_t a = !sel && k == PC_SEV ? ui_attr(u, sev_role(f->sev)) : base;
        draw_text(w, y, cx, c[k], cw[k], a, false);
    }
}

/* The selected finding whole: its message, hint and the other object,
 * below the list. */
static void draw_hint(ui *u, problems_data *d, view *v, WINDOW *w, int y, int x, int wd)
{
    attr_t dim = ui_attr(u, ROLE_ROW_DIM);
    for (int i = 0; i < 3; i++)
        draw_fill(w, y + i, x, wd, ui_attr(u, ROLE_NORMAL));
    if (!v->nrows)
        return;
    const lint_finding *f = d->rows[v->cursor];
    char line[2048];
    snprintf(line, sizeof line, "%s %s: %s", f->code, f->field, f->message);
    draw_text(w, y++, x + 1, line, wd - 2, ui_attr(u, sev_role(f->sev)), false);
    snprintf(line, sizeof line, "hint: %s", f->hint);
    draw_text(w, y, x + 1, line, wd - 2, ui_attr(u, ROLE_INFO), false);
    if (f->rel_kind)
        snprintf(line, sizeof line, "with: %s %s/%s   (Enter: go to %s%s%s)", f->rel_kind,
                 f->rel_ns ? f->rel_ns : "", f->rel_name ? f->rel_name : "", f->kind,
                 f->field[0] ? " " : "", f->field);
    else
        snprintf(line, sizeof line, "(Enter: go to %s%s%s)", f->kind, f->field[0] ? " " : "",
                 f->field);
    draw_text(w, y + 1, x + 1, line, wd - 2, dim, false);
}

static void problems_draw(view *v, ui *u, WINDOW *w, int y, int x, int h, int wd, bool focused)
{
    problems_data *d = v->data;
    if (d->src != lint_console_findings(u)) /* a run since the rows were made */
        problems_rebuild(v, u);
    int cw[PC_COUNT];
    widths(v, wd - 2, cw);
    static const char *const titles[PC_COUNT] = {"SEV",    "CODE",  "NAMESPACE",
                                                 "OBJECT", "FIELD", "MESSAGE"};
    attr_t hdr = ui_attr(u, ROLE_COLUMN_HEADER);
    draw_fill(w, y, x, wd, hdr);
    for (int k = 0, cx = x + 1; k < PC_COUNT; cx += cw[k] ? cw[k] + 1 : 0, k++)
        if (cw[k])
            draw_text(w, y, cx, titles[k], cw[k], hdr, false);
    v->body_y = y + 1;
    v->body_h = h - 4 > 0 ? h - 4 : 0;
    if (v->cursor < v->top)
        v->top = v->cursor;
    if (v->body_h > 0 && v->cursor >= v->top + (size_t)v->body_h)
        v->top = v->cursor - (size_t)v->body_h + 1;
    for (int r = 0; r < v->body_h; r++) {
        size_t i = v->top + (size_t)r;
        int ry = y + 1 + r;
        attr_t base = ui_attr(u, ROLE_ROW);
        if (i < v->nrows && i == v->cursor)
            base = ui_attr(u, focused ? ROLE_ROW_SELECTED : ROLE_ROW_SELECTED_INACTIVE);
        draw_fill(w, ry, x, wd, i < v->nrows ? base : ui_attr(u, ROLE_NORMAL));
        if (i < v->nrows)
            draw_row(u, w, ry, x, cw, d->rows[i], base, i == v->cursor);
        else if (!i)
            draw_text(w, ry, x + 1,
                      d->src ? (d->total ? "No finding passes the filter."
                                         : "No findings: every check passed.")
                             : "Lint has not run yet.",
                      wd - 2, ui_attr(u, ROLE_ROW_DIM), false);
    }
    if (h >= 4)
        draw_hint(u, d, v, w, y + h - 3, x, wd);
}

/* "ingress ns-a/web", as kobj_ref writes it. */
static void ref_of(const char *kind, const char *ns, const char *name, char *buf, size_t n)
{
    char k[128];
    size_t i = 0;
    for (; kind[i] && i + 1 < sizeof k; i++)
        k[i] = (char)tolower((unsigned char)kind[i]);
    k[i] = 0;
    snprintf(buf, n, "%s %.180s%s%.180s", k, ns, ns[0] ? "/" : "", name);
}

long ui_jump_line(ui *u, const doc_node *obj, size_t first)
{
    char ref[512];
    if (!u->jump_ref[0] || strcmp(kobj_ref(obj, ref, sizeof ref), u->jump_ref) != 0)
        return -1;
    long l = yaml_line_of(obj, u->jump_field);
    u->jump_ref[0] = 0;
    return l < 0 ? (long)first : (long)first + l;
}

static res_tab tab_of(const char *kind)
{
    return !strcmp(kind, "Ingress")          ? TAB_INGRESS
           : !strcmp(kind, "Gateway")        ? TAB_GATEWAY
           : !strcmp(kind, "VirtualService") ? TAB_VS
                                             : TAB_ALL;
}

/* The tenant chosen, and the tenants cursor on it when it is listed. */
static void choose(ui *u, const char *ns)
{
    ui_choose_tenant(u, ns);
    u->views[VIEW_TENANTS].built = 0;
    ui_view_sync(u, VIEW_TENANTS);
}

/* The resources cursor on kind ns/name; false when it is not listed. */
static bool select_row(ui *u, const char *kind, const char *ns, const char *name)
{
    if (!u->tenant || strcmp(u->tenant, ns) != 0)
        return false;
    u->tab = tab_of(kind);
    ui_selection_changed(u);
    ui_view_sync(u, VIEW_RESOURCES);
    view *rv = &u->views[VIEW_RESOURCES];
    for (size_t i = 0; i < rv->nrows; i++) {
        rv->cursor = i;
        const res_row *r = view_resources_selected(rv);
        if (r && !strcmp(r->obj->kind, kind) && !strcmp(r->obj->ns, ns) &&
            !strcmp(r->obj->name, name)) {
            ui_detail_changed(u);
            return true;
        }
    }
    rv->cursor = 0;
    return false;
}

/* A planned object: the first Ingress of its meshpanel.io/source list
 * ("ingress/NS/NAME,..."), whose preview shows it. */
static bool select_source(ui *u, const lint_finding *f)
{
    const doc_node *o = lint_console_planned(u, f->kind, f->ns, f->name);
    const char *src = o ? kobj_annotation(o, "meshpanel.io/source") : NULL;
    char ns[256], name[256];
    if (!src || sscanf(src, "ingress/%255[^/]/%255[^,]", ns, name) != 2)
        return false;
    choose(u, ns);
    return select_row(u, "Ingress", ns, name);
}

/* The object in the resources pane: live, or (planned) its Ingress. */
static bool select_object(ui *u, const lint_finding *f, bool live)
{
    if (!live)
        return select_source(u, f);
    choose(u, f->ns);
    return select_row(u, f->kind, f->ns, f->name);
}

static void problems_enter(view *v, ui *u)
{
    problems_data *d = v->data;
    if (!v->nrows || d->src != lint_console_findings(u))
        return;
    const lint_finding *f = d->rows[v->cursor];
    char kind[128], ns[256], name[256];
    snprintf(kind, sizeof kind, "%s", f->kind);
    snprintf(ns, sizeof ns, "%s", f->ns);
    snprintf(name, sizeof name, "%s", f->name);
    ref_of(kind, ns, name, u->jump_ref, sizeof u->jump_ref);
    snprintf(u->jump_field, sizeof u->jump_field, "%s", f->field);
    bool live = store_get(u->store, kind, ns, name) != NULL;
    bool found = select_object(u, f, live);
    if (!found && filter_active(&u->flt)) { /* the filter hides it: asked for by name */
        filter_clear(&u->flt);
        ui_data_changed(u);
        found = select_object(u, f, live);
    }
    u->detail = live ? VIEW_YAML : VIEW_PREVIEW;
    ui_detail_changed(u);
    u->detail_full = false;
    u->focus = PANE_DETAIL;
    u->layout_dirty = true;
    if (!found && live)
        ui_set_message(u, false, "%s %s/%s is not listed in the resources pane", kind, ns, name);
}

static void problems_title(view *v, ui *u, char *buf, size_t n)
{
    problems_data *d = v->data;
    (void)u;
    if (filter_active(&u->flt))
        snprintf(buf, n, "Problems [%zu/%zu]", v->nrows, d->total);
    else
        snprintf(buf, n, "Problems [%zu]", v->nrows);
}

static void problems_free(view *v)
{
    problems_data *d = v->data;
    if (d)
        free(d->rows);
    free(d);
    v->data = NULL;
}

static const view_ops problems_ops = {
    .name = "problems",
    .rebuild = problems_rebuild,
    .draw = problems_draw,
    .enter = problems_enter,
    .title = problems_title,
    .free = problems_free,
};

void view_problems_init(view *v)
{
    v->ops = &problems_ops;
    v->data = calloc(1, sizeof(problems_data));
}
