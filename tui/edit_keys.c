/*
 * edit_keys.c - keys of the edit screen: the form's field events and the
 * edit actions of the action table (keymap.h, scopes SC_FORM / SC_DIFF).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/docpath.h"
#include "tui/edit.h"
#include "tui/edit_int.h"
#include "tui/popup.h"
#include "tui/staging.h"

static edit_obj *current(ui *u)
{
    return editset_at(u->edit->es, u->edit->sel.obj);
}

static const binding *focused(ui *u)
{
    return ef_binding(&u->edit->form, form_view_focus(u->edit->fv));
}

/* Every change is one undo step, except that the keystrokes typed into
 * one field join the step of the first. */
static void checkpoint(ui *u, const char *typing_path)
{
    edit_screen *ed = u->edit;
    if (typing_path && !strcmp(typing_path, ed->last_path))
        return;
    editset_checkpoint(ed->es);
    snprintf(ed->last_path, sizeof ed->last_path, "%s", typing_path ? typing_path : "");
}

/* ---- selectors (which object, server, route, CORS scope) --------------------------------- */

static bool section_ok(edit_screen *ed)
{
    return ef_section_has(current_kind(ed), ed->sel.section);
}

static void fix_section(edit_screen *ed)
{
    for (int s = 0; s < SEC_COUNT && !section_ok(ed); s++)
        ed->sel.section = (ef_section)s;
}

static void select_choice(ui *u, const binding *b, int dir)
{
    edit_screen *ed = u->edit;
    long i = 0;
    char cur[FORM_VALUE_MAX];
    const form_field *f = NULL;
    for (size_t r = 0; r < ed->form.nrows && !f; r++)
        for (int k = 0; k < ed->form.rows[r].nf; k++)
            if (ed->form.rows[r].f[k].id == form_view_focus(ed->fv))
                f = &ed->form.rows[r].f[k];
    snprintf(cur, sizeof cur, "%s", f ? f->value : "");
    for (size_t k = 0; k < b->nchoices; k++)
        if (!strcmp(b->choices[k], cur))
            i = (long)k;
    long n = (long)b->nchoices;
    if (!n)
        return;
    i = ((i + dir) % n + n) % n;
    if (!strcmp(b->arg, "object")) {
        ed->sel = (ef_select){.obj = (size_t)i, .cors_scope = -1, .section = ed->sel.section};
        fix_section(ed);
    } else if (!strcmp(b->arg, "server")) {
        ed->sel.server = (size_t)i;
    } else if (!strcmp(b->arg, "route")) {
        ed->sel.route = (size_t)i;
    } else if (!strcmp(b->arg, "cors")) {
        ed->sel.cors_scope = i - 1;
    }
    ed->last_path[0] = 0;
    edit_refresh(u);
}

/* ---- field events ---------------------------------------------------------------------- */

static void text_changed(ui *u)
{
    edit_screen *ed = u->edit;
    const binding *b = focused(u);
    if (!b)
        return;
    char text[FORM_VALUE_MAX];
    snprintf(text, sizeof text, "%s", form_view_text(ed->fv));
    checkpoint(u, b->path);
    if (ef_set(b, current(u)->work, text) > 0)
        edit_changed(u, ed->sel.obj);
}

static void cycle(ui *u, int dir)
{
    const binding *b = focused(u);
    if (!b)
        return;
    if (b->kind == B_SELECT) {
        select_choice(u, b, dir);
        return;
    }
    checkpoint(u, NULL);
    ef_context ctx = edit_context(u);
    if (ef_cycle(b, current(u)->work, dir, &ctx) > 0)
        edit_changed(u, u->edit->sel.obj);
}

static void list_op_focused(ui *u, list_op op)
{
    const binding *b = focused(u);
    if (!b || !b->list[0]) {
        ui_set_message(u, true, "this field is not an item of a list (hosts, origins, routes...)");
        return;
    }
    char list[512];
    snprintf(list, sizeof list, "%s", b->list);
    checkpoint(u, NULL);
    ef_context ctx = edit_context(u);
    long at = ef_list_op(b, current(u)->work, op, &ctx);
    if (at < 0)
        return;
    edit_changed(u, u->edit->sel.obj);
    char item[300];
    docpath_index(item, sizeof item, list, (size_t)at);
    edit_focus_under(u, item);
}

typedef struct {
    char path[512];
    bind_kind kind;
} pick_ud;

static void picked(ui *u, const char *item, size_t index, void *ud)
{
    pick_ud *p = ud;
    (void)index;
    if (u->edit) {
        int id = ef_find(&u->edit->form, p->path, p->kind);
        const binding *b = ef_binding(&u->edit->form, id);
        char value[FORM_VALUE_MAX];
        snprintf(value, sizeof value, "%.*s", (int)strcspn(item, " "), item);
        checkpoint(u, NULL);
        if (b && ef_set(b, current(u)->work, value) > 0)
            edit_changed(u, u->edit->sel.obj);
    }
    free(p);
}

static void activate(ui *u)
{
    const binding *b = focused(u);
    if (!b)
        return;
    if (b->kind == B_ACTION) {
        list_op_focused(u, LIST_ADD);
    } else if (b->picker) {
        if (!b->nchoices) {
            ui_set_message(u, false,
                           "no TLS Secret found in the gateway's or the tenant's namespace");
            return;
        }
        pick_ud *p = calloc(1, sizeof *p);
        if (!p)
            return;
        snprintf(p->path, sizeof p->path, "%s", b->path);
        p->kind = b->kind;
        popup_choose(u, "Pick a certificate", (const char *const *)b->choices, b->nchoices, 0,
                     picked, p);
    } else if (b->kind != B_STR && b->kind != B_STR_KEEP && b->kind != B_INT && b->kind != B_CSV &&
               b->kind != B_KEYVAL) {
        cycle(u, 1);
    } else {
        form_view_key(u->edit->fv, '\t', false);
        u->edit->last_path[0] = 0;
    }
}

void edit_key(ui *u, int key, bool fn)
{
    edit_screen *ed = u->edit;
    key_scope sc = edit_scope(u);
    action_id a = keymap_lookup(&u->km, sc, key);
    if (a != ACT_NONE) {
        action_table()[a].run(u);
        return;
    }
    if (sc != SC_FORM)
        return;
    switch (form_view_key(ed->fv, key, fn)) {
    case FV_CHANGED:
        text_changed(u);
        break;
    case FV_NEXT:
        cycle(u, 1);
        break;
    case FV_PREV:
        cycle(u, -1);
        break;
    case FV_ACTIVATE:
        activate(u);
        break;
    case FV_FOCUS:
        ed->last_path[0] = 0;
        break;
    default:
        break;
    }
}

/* ---- actions ---------------------------------------------------------------------------- */

void act_edit(ui *u)
{
    mp_err err = {{0}};
    if (edit_open_selected(u, &err) < 0)
        ui_set_message(u, true, "%s", err.msg);
}

static void new_kind(ui *u, const char *item, size_t index, void *ud)
{
    (void)index, (void)ud;
    mp_err err = {{0}};
    if (edit_open_new(u, item, &err) < 0)
        ui_set_message(u, true, "%s", err.msg);
}

void act_new(ui *u)
{
    static const char *const kinds[] = {"VirtualService", "Gateway"};
    if (u->tab == TAB_GATEWAY || u->tab == TAB_VS) {
        new_kind(u, u->tab == TAB_GATEWAY ? "Gateway" : "VirtualService", 0, NULL);
        return;
    }
    if (!u->tenant) {
        ui_set_message(u, true, "n: select a tenant first");
        return;
    }
    popup_choose(u, "New object for the tenant", kinds, 2, 0, new_kind, NULL);
}

void act_edit_stage(ui *u)
{
    if (u->edit)
        staging_stage_edit(u);
}

static void undo_redo(ui *u, bool undo)
{
    edit_screen *ed = u->edit;
    if (!ed)
        return;
    bool ok = undo ? editset_undo(ed->es) : editset_redo(ed->es);
    ed->last_path[0] = 0;
    if (!ok) {
        ui_set_message(u, false, "nothing to %s", undo ? "undo" : "redo");
        return;
    }
    for (size_t i = 0; i < editset_len(ed->es); i++)
        editset_touch(ed->es, i);
    edit_refresh(u);
    ui_set_message(u, false, "%s (%zu more to undo, %zu to redo)", undo ? "undone" : "redone",
                   editset_undo_depth(ed->es), editset_redo_depth(ed->es));
}

void act_edit_undo(ui *u)
{
    undo_redo(u, true);
}
void act_edit_redo(ui *u)
{
    undo_redo(u, false);
}
void act_edit_add(ui *u)
{
    list_op_focused(u, LIST_ADD);
}
void act_edit_remove(ui *u)
{
    list_op_focused(u, LIST_REMOVE);
}
void act_edit_move_up(ui *u)
{
    list_op_focused(u, LIST_UP);
}
void act_edit_move_down(ui *u)
{
    list_op_focused(u, LIST_DOWN);
}

static void step_section(ui *u, int dir)
{
    edit_screen *ed = u->edit;
    if (!ed)
        return;
    for (int k = 1; k <= SEC_COUNT; k++) {
        ef_section s = (ef_section)(((int)ed->sel.section + dir * k + SEC_COUNT * 2) % SEC_COUNT);
        if (ef_section_has(current_kind(ed), s)) {
            ed->sel.section = s;
            break;
        }
    }
    ed->last_path[0] = 0;
    form_view_set_focus(ed->fv, -1);
    edit_refresh(u);
}

void act_edit_next_section(ui *u)
{
    step_section(u, 1);
}
void act_edit_prev_section(ui *u)
{
    step_section(u, -1);
}

void act_edit_editor(ui *u)
{
    if (u->edit)
        edit_in_editor(u);
}

void act_edit_to_diff(ui *u)
{
    if (u->edit) {
        u->edit->focus_diff = true;
        u->layout_dirty = true;
    }
}

void act_edit_to_form(ui *u)
{
    if (u->edit) {
        u->edit->focus_diff = false;
        u->layout_dirty = true;
    }
}

static void discard(ui *u, void *ud)
{
    (void)ud;
    edit_close(u);
    ui_set_message(u, false, "edits discarded");
}

void act_edit_close(ui *u)
{
    edit_screen *ed = u->edit;
    if (!ed)
        return;
    if (!editset_unsaved(ed->es)) {
        edit_close(u);
        return;
    }
    const char *lines[] = {"The edits made since the screen opened (or since the last stage)",
                           "are not staged and will be lost."};
    popup_confirm(u, "Discard edits", lines, 2, "Discard them?", discard, NULL, NULL);
}

void act_diff_down(ui *u)
{
    if (u->edit)
        diff_view_scroll(u->edit->dv, 1);
}
void act_diff_up(ui *u)
{
    if (u->edit)
        diff_view_scroll(u->edit->dv, -1);
}
void act_diff_page_down(ui *u)
{
    if (u->edit)
        diff_view_scroll(u->edit->dv, diff_view_page(u->edit->dv) - 1);
}
void act_diff_page_up(ui *u)
{
    if (u->edit)
        diff_view_scroll(u->edit->dv, -(diff_view_page(u->edit->dv) - 1));
}

static diff_view *active_diff(ui *u)
{
    return u->edit ? u->edit->dv : staging_view_diff(u);
}

void act_diff_next_hunk(ui *u)
{
    diff_view *dv = active_diff(u);
    if (dv && !diff_view_hunk(dv, 1))
        ui_set_message(u, false, "no changes");
}
void act_diff_prev_hunk(ui *u)
{
    diff_view *dv = active_diff(u);
    if (dv && !diff_view_hunk(dv, -1))
        ui_set_message(u, false, "no changes");
}

void act_diff_base(ui *u)
{
    edit_screen *ed = u->edit;
    if (!ed)
        return;
    ed->left_base = !ed->left_base;
    edit_refresh(u);
    ui_set_message(u, false, "left side: %s",
                   ed->left_base ? "the conversion without your edits (only your edit shows)"
                                 : "what the source holds now");
}

void act_diff_unified(ui *u)
{
    diff_view *dv = active_diff(u);
    if (dv)
        diff_view_toggle_unified(dv);
}
