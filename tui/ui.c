/*
 * ui.c - staleness tracking, the row cache and small shared helpers.
 */
#include "tui/ui.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void ui_data_changed(ui *u)
{
    u->data_gen++;
    ui_selection_changed(u);
}

void ui_selection_changed(ui *u)
{
    u->sel_gen++;
    ui_detail_changed(u);
}

void ui_detail_changed(ui *u)
{
    u->detail_gen++;
}

static unsigned long long needed_gen(const ui *u, view_id id)
{
    switch (id) {
    case VIEW_TENANTS:
        return u->data_gen;
    case VIEW_RESOURCES:
        return u->sel_gen;
    case VIEW_YAML:
    case VIEW_PREVIEW:
    case VIEW_DESCRIBE:
    case VIEW_KINDS:
    case VIEW_PROBLEMS:
        return u->detail_gen;
    default:
        return 1;
    }
}

void ui_view_sync(ui *u, view_id id)
{
    if (store_generation(u->store) != u->store_gen_seen) {
        u->store_gen_seen = store_generation(u->store);
        ui_data_changed(u);
    }
    /* the resources pane depends on the tenant the tenants pane selects */
    if (id != VIEW_TENANTS)
        ui_view_sync(u, VIEW_TENANTS);
    if (id == VIEW_YAML || id == VIEW_PREVIEW || id == VIEW_DESCRIBE || id == VIEW_KINDS ||
        id == VIEW_PROBLEMS)
        ui_view_sync(u, VIEW_RESOURCES);
    view *v = &u->views[id];
    unsigned long long need = needed_gen(u, id);
    if (v->built == need)
        return;
    v->ops->rebuild(v, u);
    /* rebuild may itself move the selection (tenant gone): settle once */
    v->built = needed_gen(u, id);
    if (v->nrows == 0)
        v->cursor = v->top = 0;
    else if (v->cursor >= v->nrows)
        v->cursor = v->nrows - 1;
}

static void rows_free(ui *u)
{
    for (size_t i = 0; i < u->nrowcache; i++)
        res_row_free(&u->rowcache[i]);
    free(u->rowcache);
    u->rowcache = NULL;
    u->nrowcache = 0;
    u->rows_idle = 0;
}

/* Kept cells by object: an open-addressing table from the old cache's
 * object pointers to their rows. The pointers are never dereferenced (a
 * deleted object's memory may hold a new one: its `changed` tells). */
typedef struct {
    const store_obj **key;
    size_t *row, mask;
} row_index;

static size_t ptr_slot(const row_index *x, const store_obj *p)
{
    size_t h = (size_t)(((uintptr_t)p >> 4) * 0x9E3779B97F4A7C15ull);
    size_t i = h & x->mask;
    while (x->key[i] && x->key[i] != p)
        i = (i + 1) & x->mask;
    return i;
}

static bool index_old(row_index *x, const res_row *rows, size_t n)
{
    size_t cap = 16;
    while (cap < n * 2)
        cap *= 2;
    x->key = calloc(cap, sizeof *x->key);
    x->row = malloc(cap * sizeof *x->row);
    x->mask = cap - 1;
    if (!x->key || !x->row)
        return false;
    for (size_t i = 0; i < n; i++)
        if (rows[i].cell[COL_KIND]) {
            size_t s = ptr_slot(x, rows[i].obj);
            x->key[s] = rows[i].obj;
            x->row[s] = i;
        }
    return true;
}

/* The new cache takes the cells of every object unchanged since old_gen
 * (a watch event changes one object: the idle fill then has one row to
 * do, not 10,000); the rest are freed. Both caches are in store_list order,
 * so the old row is almost always the one after the last taken: the hash
 * index is built only when that guess first fails. */
static void keep_cells(ui *u, res_row *old, size_t nold, unsigned long long old_gen)
{
    row_index x = {0};
    int indexed = 0; /* 1: built, -1: out of memory */
    size_t j = 0;    /* the old row expected next */
    for (size_t i = 0; nold && i < u->nrowcache; i++) {
        res_row *r = &u->rowcache[i];
        if (r->obj->changed > old_gen)
            continue;
        size_t k = j;
        /* unchanged since old_gen, so alive then: the same address is the
         * same object */
        if (j >= nold || old[j].obj != r->obj) {
            if (!indexed)
                indexed = index_old(&x, old, nold) ? 1 : -1;
            size_t s = indexed > 0 ? ptr_slot(&x, r->obj) : 0;
            if (indexed < 0 || !x.key[s])
                continue;
            k = x.row[s];
        }
        j = k + 1;
        if (!old[k].cell[COL_KIND])
            continue;
        *r = old[k];
        r->kept = true;
        memset(&old[k], 0, sizeof old[0]);
    }
    free(x.key);
    free(x.row);
    for (size_t i = 0; i < nold; i++)
        res_row_free(&old[i]);
    free(old);
}

/* Rebuilding the cache only lists the objects (in store order, no sort)
 * and keeps the cells of unchanged ones; a row's cells are filled when
 * first needed (the selected tenant's rows, the filter) or in idle time,
 * so the first paint of 10,000 Ingresses fills five rows. */
const res_row *ui_rows(ui *u, size_t *n)
{
    unsigned long long g = store_generation(u->store);
    if (u->rowcache && u->rowcache_gen == g && !u->rowcache_loading) {
        *n = u->nrowcache;
        return u->rowcache;
    }
    res_row *old = u->rowcache;
    size_t nold = u->nrowcache;
    unsigned long long old_gen = u->rowcache_gen;
    u->rowcache = NULL;
    u->nrowcache = u->rows_idle = 0;
    u->rowcache_loading = false;
    const store_obj **objs;
    size_t c = store_list(u->store, NULL, NULL, &objs);
    if (c == (size_t)-1)
        c = 0;
    u->rowcache = c ? calloc(c, sizeof *u->rowcache) : NULL;
    for (size_t i = 0; u->rowcache && i < c; i++)
        u->rowcache[u->nrowcache++].obj = objs[i];
    free(objs);
    keep_cells(u, old, nold, old_gen);
    u->rowcache_gen = g;
    *n = u->nrowcache;
    return u->rowcache;
}

const res_row *ui_row_cells(ui *u, const res_row *r)
{
    res_row *w = &u->rowcache[r - u->rowcache];
    const store_obj *obj = w->obj;
    if (r->cell[COL_KIND]) {
        if (!r->kept)
            return r;
        w->kept = false;
        if (res_row_current(w, u->store))
            return r;
        res_row_free(w); /* another object changed its STATE: fill again */
    }
    if (res_row_fill(w, u->store, obj) < 0) {
        w->obj = obj; /* out of memory: stays unfilled, shown nowhere */
        return NULL;
    }
    return r;
}

static long long cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Only a current cache: views point into it, so replacing it is left to
 * their rebuild at the next paint. */
bool ui_rows_pending(const ui *u)
{
    return u->rowcache && u->rowcache_gen == store_generation(u->store) && !u->rowcache_loading &&
           u->rows_idle < u->nrowcache;
}

bool ui_rows_loading_pending(const ui *u)
{
    unsigned long long g = store_generation(u->store);
    if (u->rowcache && u->rowcache_gen == g)
        return u->rowcache_loading && u->rows_idle < u->nrowcache;
    return store_count(u->store, NULL) > 0;
}

/* The loading cache of a store that only grew since (a list page appends
 * its objects to store order): the new objects are appended and the other
 * rows' cells kept (a replaced object's dropped). A pointer compare per row,
 * where a new cache costs an array, a copy and a hash of every row, every
 * page. False when the store order moved (a deletion). */
static bool rows_loading_extend(ui *u, size_t c)
{
    size_t nold = u->nrowcache;
    if (!u->rowcache_loading || !u->rowcache || c < nold)
        return false;
    /* every change moves the generation by one and only an insert adds an
     * object: as many more objects as changes means inserts alone (at the
     * end of store order), and nothing else to check */
    bool appended = store_generation(u->store) - u->rowcache_gen == c - nold;
    for (size_t i = 0; !appended && i < nold; i++)
        if (u->rowcache[i].obj != store_at(u->store, i))
            return false;
    res_row *v = c > nold ? realloc(u->rowcache, c * sizeof *v) : u->rowcache;
    if (!v)
        return false;
    u->rowcache = v;
    for (size_t i = 0; !appended && i < nold; i++)
        if (v[i].cell[COL_KIND] && v[i].obj->changed > u->rowcache_gen) {
            const store_obj *o = v[i].obj;
            res_row_free(&v[i]);
            v[i].obj = o;
            if (i < u->rows_idle)
                u->rows_idle = i;
        }
    memset(v + nold, 0, (c - nold) * sizeof *v);
    for (size_t i = nold; i < c; i++)
        v[i].obj = store_at(u->store, i);
    u->nrowcache = c;
    u->rowcache_gen = store_generation(u->store);
    return true;
}

/* The loading cache on the current store: every object in store order (no
 * store_list, which builds the derived indexes), cells kept from the last. */
static void rows_loading_rebuild(ui *u)
{
    if (rows_loading_extend(u, store_count(u->store, NULL)))
        return;
    res_row *old = u->rowcache;
    size_t nold = u->nrowcache;
    unsigned long long old_gen = u->rowcache_gen;
    size_t c = store_count(u->store, NULL);
    u->rowcache = c ? calloc(c, sizeof *u->rowcache) : NULL;
    u->nrowcache = u->rows_idle = 0;
    for (size_t i = 0; u->rowcache && i < c; i++)
        u->rowcache[u->nrowcache++].obj = store_at(u->store, i);
    keep_cells(u, old, nold, old_gen);
    u->rowcache_gen = store_generation(u->store);
    u->rowcache_loading = true;
}

/* The kinds the resources pane shows (store_list's). */
static bool row_kind(const char *k)
{
    return !strcmp(k, "Ingress") || !strcmp(k, "Gateway") || !strcmp(k, "VirtualService");
}

/* Fills loading rows until end (monotonic us; checked every 64 rows) or
 * max rows filled. */
static void fill_loading(ui *u, long long end, size_t max)
{
    if (!u->rowcache || u->rowcache_gen != store_generation(u->store) || !u->rowcache_loading)
        rows_loading_rebuild(u);
    long long c0 = u->trace ? cpu_ns() : 0;
    for (size_t done = 0; done < max && u->rows_idle < u->nrowcache;) {
        res_row *r = &u->rowcache[u->rows_idle++];
        /* Namespaces, Services...: in the store, never a row (4,000 of
         * 14,000 objects at 10,000 Ingresses, filled for nothing before) */
        if (r->cell[COL_KIND] || !row_kind(r->obj->kind))
            continue;
        if (res_row_fill_local(r, u->store, r->obj) < 0) {
            u->rows_idle = u->nrowcache; /* out of memory: the rows fill when used */
            break;
        }
        u->fill_rows++;
        done++;
        if (!(u->fill_rows & 63) && mono_us() >= end)
            break;
    }
    if (u->trace)
        u->fill_cpu_ns += cpu_ns() - c0;
}

bool ui_rows_loading(ui *u, int budget_ms)
{
    fill_loading(u, mono_us() + budget_ms * 1000LL, (size_t)-1);
    return u->rows_idle < u->nrowcache;
}

void ui_rows_loading_pace(ui *u, size_t n)
{
    fill_loading(u, LLONG_MAX, n);
}

bool ui_rows_idle(ui *u, int budget_ms)
{
    long long end = mono_us() + budget_ms * 1000LL, c0 = u->trace ? cpu_ns() : 0;
    while (ui_rows_pending(u)) {
        /* kept rows are checked when used: after a watch event the pass
         * only fills the changed objects' rows */
        const res_row *r = &u->rowcache[u->rows_idle++];
        if (!r->cell[COL_KIND]) {
            ui_row_cells(u, r);
            u->fill_rows++;
        }
        if (!(u->rows_idle & 63) && mono_us() >= end)
            break;
    }
    if (u->trace)
        u->fill_cpu_ns += cpu_ns() - c0;
    return ui_rows_pending(u);
}

bool ui_row_matches(ui *u, const res_row *r)
{
    if (!filter_active(&u->flt))
        return true;
    if (!ui_row_cells(u, r))
        return false;
    /* the labels lookup is a third of a text filter's cost: only when used */
    const doc_node *labels =
        u->flt.mode == FILTER_LABELS ? doc_getv(r->obj->doc, "metadata", "labels", NULL) : NULL;
    return filter_match_folded(&u->flt, (const char *const *)r->cell, COL_COUNT, r->folded, labels);
}

view *ui_focused_view(ui *u)
{
    if (u->help_open)
        return &u->views[VIEW_HELP];
    return &u->views[ui_pane_view(u, u->focus)];
}

view_id ui_pane_view(const ui *u, pane_id p)
{
    return p == PANE_TENANTS ? VIEW_TENANTS : p == PANE_RESOURCES ? VIEW_RESOURCES : u->detail;
}

void ui_set_tenant(ui *u, const char *ns)
{
    if ((!ns && !u->tenant) || (ns && u->tenant && !strcmp(ns, u->tenant)))
        return;
    free(u->tenant);
    u->tenant = ns ? strdup(ns) : NULL;
    u->views[VIEW_RESOURCES].cursor = u->views[VIEW_RESOURCES].top = 0;
    ui_selection_changed(u);
}

void ui_choose_tenant(ui *u, const char *ns)
{
    free(u->chosen_tenant);
    u->chosen_tenant = ns ? strdup(ns) : NULL;
    ui_set_tenant(u, ns);
}

void ui_set_message(ui *u, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(u->message, sizeof u->message, fmt, ap);
    va_end(ap);
    u->message_is_error = error;
    if (!u->message[0])
        return;
    size_t slot = (u->history_head + u->nhistory) % UI_HISTORY_MAX;
    if (u->nhistory == UI_HISTORY_MAX)
        u->history_head = (u->history_head + 1) % UI_HISTORY_MAX;
    else
        u->nhistory++;
    snprintf(u->history[slot].text, sizeof u->history[slot].text, "%s", u->message);
    u->history[slot].error = error;
    u->history[slot].at = u->now;
}

void ui_message_next_action(ui *u)
{
    if (!u->message_is_error)
        u->message[0] = 0;
}

bool ui_message_dismiss(ui *u)
{
    if (!u->message[0] || !u->message_is_error)
        return false;
    u->message[0] = 0;
    u->message_is_error = false;
    return true;
}

attr_t ui_attr(const ui *u, color_role r)
{
    return u->theme ? theme_attr(u->theme, r) : A_NORMAL;
}

const store_obj *ui_selected_object(ui *u)
{
    ui_view_sync(u, VIEW_RESOURCES);
    const res_row *r = view_resources_selected(&u->views[VIEW_RESOURCES]);
    return r ? r->obj : NULL;
}

const char *res_tab_name(res_tab t)
{
    static const char *const names[] = {"Ingress", "Gateway", "VirtualService", "All"};
    return (unsigned)t < TAB_COUNT ? names[t] : "?";
}

const char *res_tab_kind(res_tab t)
{
    return t == TAB_ALL ? NULL : res_tab_name(t);
}

void ui_free_rows(ui *u)
{
    rows_free(u);
}

const char *ui_sort_arrow(const ui *u, char have, char key, bool reverse)
{
    if (!have || have != key)
        return "";
    return u->utf8 ? (reverse ? "\u2193" : "\u2191") : (reverse ? "v" : "^");
}
