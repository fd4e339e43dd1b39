/*
 * view_staged.c - :staged / S: every staged object (and the objects that
 * go along with them) with its state and last apply result on the left,
 * the diff of the selected one against the source on the right.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/kobj.h"
#include "model/objdiff.h"
#include "tui/draw.h"
#include "tui/edit.h"
#include "tui/popup.h"
#include "tui/staging.h"
#include "tui/staging_int.h"

struct staged_view {
    apply_list list;
    size_t cursor;
    diff_view *dv;
    pane list_pane, diff_pane;
};

static const char *last_result(ui *u, const char *ref, char *buf, size_t n);

static void select_diff(ui *u, struct staged_view *sv)
{
    diff_view_set_summary(sv->dv, NULL, 0);
    if (!sv->list.n) {
        diff_view_set(sv->dv, "", "");
        return;
    }
    const doc_node *obj = sv->list.items[sv->cursor].obj;
    const store_obj *s = store_get(u->store, kobj_kind(obj), kobj_namespace(obj), kobj_name(obj));
    mp_err err;
    char *a = objdiff_canonical(s ? s->doc : NULL, &err), *b = objdiff_canonical(obj, &err);
    diff_view_set(sv->dv, a ? a : "", b ? b : "");
    free(a);
    free(b);
    od_paths p = {0};
    objdiff_paths(s ? s->doc : NULL, obj, &p);
    char **lines = calloc(p.len + 2, sizeof *lines);
    size_t k = 0;
    char ref[300], res[MP_ERR_MAX + 32], line[MP_ERR_MAX + 64];
    kobj_ref(obj, ref, sizeof ref);
    if (lines && last_result(u, ref, res, sizeof res)) {
        snprintf(line, sizeof line, "last apply: %s", res);
        lines[k++] = strdup(line);
    }
    for (size_t i = 0; lines && i < p.len; i++)
        lines[k++] = od_path_format(&p.items[i]);
    diff_view_set_summary(sv->dv, (const char *const *)lines, lines ? k : 0);
    for (size_t i = 0; lines && i < k; i++)
        free(lines[i]);
    free(lines);
    objdiff_paths_free(&p);
    diff_view_set_labels(sv->dv, "source", "staged");
}

void staging_view_refresh(ui *u)
{
    struct staged_view *sv = u->staged;
    if (!sv)
        return;
    apply_list_free(&sv->list);
    apply_list_build(u, &sv->list, false);
    if (sv->cursor >= sv->list.n)
        sv->cursor = sv->list.n ? sv->list.n - 1 : 0;
    select_diff(u, sv);
}

void staging_view_open(ui *u)
{
    if (!u->staged) {
        u->staged = calloc(1, sizeof *u->staged);
        if (!u->staged)
            return;
        u->staged->dv = diff_view_new();
    }
    u->layout_dirty = true;
    staging_view_refresh(u);
}

void staging_view_hide(ui *u)
{
    if (u->staged) {
        ui_pane_hide(&u->staged->list_pane);
        ui_pane_hide(&u->staged->diff_pane);
    }
}

void staging_view_close(ui *u)
{
    struct staged_view *sv = u->staged;
    if (!sv)
        return;
    staging_view_hide(u);
    apply_list_free(&sv->list);
    diff_view_free(sv->dv);
    free(sv);
    u->staged = NULL;
    u->layout_dirty = true;
    edit_store_changed(u); /* an apply from here may have changed what the editor compares */
}

diff_view *staging_view_diff(ui *u)
{
    return u->staged ? u->staged->dv : NULL;
}

/* The last apply result of an object, from u->apply_msgs. */
static const char *last_result(ui *u, const char *ref, char *buf, size_t n)
{
    size_t rl = strlen(ref);
    for (const char *p = u->apply_msgs; p && *p;) {
        size_t l = strcspn(p, "\n");
        if (l > rl + 2 && !strncmp(p, ref, rl) && p[rl] == ':') {
            snprintf(buf, n, "%.*s", (int)(l - rl - 2), p + rl + 2);
            return buf;
        }
        p += l + (p[l] == '\n');
    }
    return NULL;
}

static void draw_list(ui *u, struct staged_view *sv)
{
    pane *p = &sv->list_pane;
    size_t pending = 0;
    for (size_t i = 0; i < sv->list.n; i++)
        pending += sv->list.items[i].entry && !sv->list.items[i].entry->applied;
    char title[128];
    snprintf(title, sizeof title, "Staged [%zu, %zu pending]", sv->list.n, pending);
    werase(p->win);
    draw_box(p->win, title, ui_attr(u, ROLE_PANE_BORDER_ACTIVE), ui_attr(u, ROLE_PANE_TITLE_ACTIVE),
             u->utf8);
    int w = p->w - 2, h = p->h - 2;
    if (!sv->list.n)
        draw_text(p->win, 1, 1, "nothing staged: e edits an object, s stages it", w,
                  ui_attr(u, ROLE_ROW_DIM), false);
    size_t top = sv->cursor >= (size_t)(h / 2) && h > 0 ? sv->cursor - (size_t)(h / 2) / 2 : 0;
    for (int r = 0; r < h / 2 && top + (size_t)r < sv->list.n; r++) {
        size_t i = top + (size_t)r;
        const apply_item *it = &sv->list.items[i];
        char ref[300], line[700], res[400];
        kobj_ref(it->obj, ref, sizeof ref);
        const char *state = !it->entry ? "along" : it->entry->applied ? "applied" : "pending";
        snprintf(line, sizeof line, "%-8s %s", state, ref);
        attr_t a = i == sv->cursor ? ui_attr(u, ROLE_ROW_SELECTED) : ui_attr(u, ROLE_ROW);
        draw_text(p->win, 1 + r * 2, 1, line, w, a, true);
        const char *lr = last_result(u, ref, res, sizeof res);
        snprintf(line, sizeof line, "         %s%s%s", it->why, lr ? "; last apply: " : "",
                 lr ? lr : "");
        draw_text(p->win, 2 + r * 2, 1, line, w, ui_attr(u, ROLE_ROW_DIM), true);
    }
}

void staging_view_draw(ui *u)
{
    struct staged_view *sv = u->staged;
    if (!sv)
        return;
    int y = 1, h = u->rows - 3 < 3 ? 3 : u->rows - 3;
    int lw = u->cols >= 100 ? u->cols * 38 / 100 : u->cols;
    ui_pane_place(&sv->list_pane, y, 0, h, lw);
    if (u->cols >= 100)
        ui_pane_place(&sv->diff_pane, y, lw, h, u->cols - lw);
    else
        ui_pane_hide(&sv->diff_pane);
    draw_list(u, sv);
    pane *d = &sv->diff_pane;
    if (!d->shown)
        return;
    werase(d->win);
    draw_box(d->win, "Diff: source -> staged", ui_attr(u, ROLE_PANE_BORDER),
             ui_attr(u, ROLE_PANE_TITLE), u->utf8);
    if (d->h > 2 && d->w > 2)
        diff_view_draw(sv->dv, u, d->win, 1, 1, d->h - 2, d->w - 2);
}

void staging_view_key(ui *u, int key, bool fn)
{
    (void)fn;
    action_id a = keymap_lookup(&u->km, SC_STAGED, key);
    if (a != ACT_NONE)
        action_table()[a].run(u);
}

/* ---- actions ------------------------------------------------------------------------------ */

void act_staged(ui *u)
{
    staging_view_open(u);
}

static void staged_move(ui *u, int d)
{
    struct staged_view *sv = u->staged;
    if (!sv || !sv->list.n)
        return;
    if (d < 0 && sv->cursor > 0)
        sv->cursor--;
    else if (d > 0 && sv->cursor + 1 < sv->list.n)
        sv->cursor++;
    select_diff(u, sv);
}

void act_staged_down(ui *u)
{
    staged_move(u, 1);
}
void act_staged_up(ui *u)
{
    staged_move(u, -1);
}

void act_staged_edit(ui *u)
{
    struct staged_view *sv = u->staged;
    if (!sv || !sv->list.n)
        return;
    const doc_node *o = sv->list.items[sv->cursor].obj;
    char kind[128], ns[256], name[256];
    snprintf(kind, sizeof kind, "%s", kobj_kind(o));
    snprintf(ns, sizeof ns, "%s", kobj_namespace(o) ? kobj_namespace(o) : "");
    snprintf(name, sizeof name, "%s", kobj_name(o));
    mp_err err = {{0}};
    staging_view_close(u);
    if (edit_open_object(u, kind, ns, name, &err) < 0)
        ui_set_message(u, true, "%s", err.msg);
}

typedef struct {
    char kind[128], ns[256], name[256];
} ident;

static void unstage_yes(ui *u, void *ud)
{
    ident *id = ud;
    mp_err err = {{0}};
    if (staging_unstage(u, id->kind, id->ns, id->name, &err) < 0)
        ui_set_message(u, true, "%s", err.msg);
    else
        ui_set_message(u, false, "unstaged %s %s/%s", id->kind, id->ns, id->name);
    free(id);
    staging_view_refresh(u);
}

static void unstage_no(ui *u, void *ud)
{
    (void)u;
    free(ud);
}

void act_staged_unstage(ui *u)
{
    struct staged_view *sv = u->staged;
    if (!sv || !sv->list.n)
        return;
    const apply_item *it = &sv->list.items[sv->cursor];
    if (!it->entry) {
        ui_set_message(u, false, "this object is not staged itself: it goes along with an edit");
        return;
    }
    ident *id = calloc(1, sizeof *id);
    if (!id)
        return;
    snprintf(id->kind, sizeof id->kind, "%s", it->entry->kind);
    snprintf(id->ns, sizeof id->ns, "%s", it->entry->ns);
    snprintf(id->name, sizeof id->name, "%s", it->entry->name);
    char line[700];
    snprintf(line, sizeof line, "%s %s/%s: the edit is dropped from the staged edits.", id->kind,
             id->ns, id->name);
    const char *lines[] = {line};
    popup_confirm(u, "Unstage", lines, 1, "Drop this edit?", unstage_yes, unstage_no, id);
    popup_set_drop(u, free);
}

void act_staged_close(ui *u)
{
    staging_view_close(u);
}
