/*
 * edit_draw.c - layout and drawing of the edit screen: the form pane
 * (section tabs over the form) beside the diff pane; below 80 columns only
 * the focused one.
 */
#include <stdio.h>
#include <string.h>

#include "tui/draw.h"
#include "tui/edit.h"
#include "tui/edit_int.h"

#define FORM_MIN_W  44
#define FORM_MAX_W  80
#define SPLIT_MIN_W 80

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* The form's FORM hangs off its pane's window: detach it before that
 * window is replaced or removed. */
static void place_form(edit_screen *ed, bool show, int y, int x, int h, int w)
{
    pane *p = &ed->form_pane;
    bool same = p->shown && p->y == y && p->x == x && p->h == h && p->w == w;
    if (same && show)
        return;
    form_view_detach(ed->fv);
    if (show)
        ui_pane_place(p, y, x, h, w);
    else
        ui_pane_hide(p);
}

static void layout(ui *u, edit_screen *ed)
{
    int y = 1, h = u->rows - 3 < 3 ? 3 : u->rows - 3;
    if (u->cols >= SPLIT_MIN_W) {
        int fw = clampi(u->cols * 40 / 100, FORM_MIN_W, FORM_MAX_W);
        place_form(ed, true, y, 0, h, fw);
        ui_pane_place(&ed->diff_pane, y, fw, h, u->cols - fw);
    } else if (ed->focus_diff) {
        place_form(ed, false, 0, 0, 0, 0);
        ui_pane_place(&ed->diff_pane, y, 0, h, u->cols);
    } else {
        ui_pane_hide(&ed->diff_pane);
        place_form(ed, true, y, 0, h, u->cols);
    }
}

static void draw_tabs(ui *u, edit_screen *ed, WINDOW *w, int y, int x, int width)
{
    int used = 0;
    const char *kind = current_kind(ed);
    for (int s = 0; s < SEC_COUNT && used < width; s++) {
        bool has = ef_section_has(kind, (ef_section)s);
        bool cur = (ef_section)s == ed->sel.section && has;
        char label[32];
        snprintf(label, sizeof label, " %s ", ef_section_name((ef_section)s));
        attr_t a = cur   ? ui_attr(u, ROLE_TAB_ACTIVE)
                   : has ? ui_attr(u, ROLE_TAB)
                         : ui_attr(u, ROLE_ROW_DIM);
        used += draw_text(w, y, x + used, label, width - used, a, false);
        if (s + 1 < SEC_COUNT && used < width)
            used += draw_text(w, y, x + used, u->utf8 ? "\u2502" : "|", width - used,
                              ui_attr(u, ROLE_PANE_BORDER), false);
    }
    if (used < width)
        draw_fill(w, y, x + used, width - used, ui_attr(u, ROLE_NORMAL));
}

/* The form's last line: can it be staged, and what holds it back. */
static void draw_state(ui *u, edit_screen *ed, WINDOW *w, int y, int x, int width)
{
    char line[200];
    if (u->read_only)
        snprintf(line, sizeof line, " read-only: the diff shows what would change; staging is off");
    else if (ed->errors)
        snprintf(line, sizeof line, " %zu invalid field%s, %zu warning%s: fix to stage", ed->errors,
                 ed->errors == 1 ? "" : "s", ed->warnings, ed->warnings == 1 ? "" : "s");
    else if (editset_unsaved(ed->es) && ed->warnings)
        snprintf(line, sizeof line, " valid, %zu warning%s: F2 stages", ed->warnings,
                 ed->warnings == 1 ? "" : "s");
    else if (editset_unsaved(ed->es))
        snprintf(line, sizeof line, " valid: F2 stages");
    else if (ed->warnings)
        snprintf(line, sizeof line, " %zu warning%s; nothing unstaged", ed->warnings,
                 ed->warnings == 1 ? "" : "s");
    else
        snprintf(line, sizeof line, " nothing unstaged");
    draw_text(w, y, x, line, width,
              ui_attr(u, ed->errors     ? ROLE_ERROR
                         : ed->warnings ? ROLE_WARNING
                                        : ROLE_INFO),
              true);
}

static void draw_form_pane(ui *u, edit_screen *ed)
{
    pane *p = &ed->form_pane;
    if (!p->shown)
        return;
    char title[600];
    snprintf(title, sizeof title, "Edit %s%s", ed->title, editset_unsaved(ed->es) ? " *" : "");
    bool focused = !ed->focus_diff && !u->popup;
    draw_box(p->win, title, ui_attr(u, focused ? ROLE_PANE_BORDER_ACTIVE : ROLE_PANE_BORDER),
             ui_attr(u, focused ? ROLE_PANE_TITLE_ACTIVE : ROLE_PANE_TITLE), u->utf8);
    if (p->h < 4 || p->w < 6)
        return;
    draw_tabs(u, ed, p->win, 1, 1, p->w - 2);
    form_view_draw(ed->fv, u, p->win, 2, 2, p->h - 4, p->w - 3, focused);
    draw_state(u, ed, p->win, p->h - 2, 1, p->w - 2);
}

static void draw_diff_pane(ui *u, edit_screen *ed)
{
    pane *p = &ed->diff_pane;
    if (!p->shown)
        return;
    char title[200];
    snprintf(title, sizeof title, "Diff: %s %s edited%s", ed->left_base ? "conversion" : "source",
             u->utf8 ? "\u2192" : "->", diff_view_is_unified(ed->dv, u->cols) ? " (unified)" : "");
    bool focused = ed->focus_diff && !u->popup;
    werase(p->win);
    draw_box(p->win, title, ui_attr(u, focused ? ROLE_PANE_BORDER_ACTIVE : ROLE_PANE_BORDER),
             ui_attr(u, focused ? ROLE_PANE_TITLE_ACTIVE : ROLE_PANE_TITLE), u->utf8);
    if (p->h > 2 && p->w > 2)
        diff_view_draw(ed->dv, u, p->win, 1, 1, p->h - 2, p->w - 2);
}

void edit_draw(ui *u)
{
    edit_screen *ed = u->edit;
    if (!ed)
        return;
    layout(u, ed);
    draw_form_pane(u, ed);
    draw_diff_pane(u, ed);
}

void edit_hide(ui *u)
{
    if (u->edit) {
        form_view_detach(u->edit->fv);
        ui_pane_hide(&u->edit->form_pane);
        ui_pane_hide(&u->edit->diff_pane);
    }
}

void edit_place_cursor(ui *u)
{
    edit_screen *ed = u->edit;
    if (ed && !ed->focus_diff && ed->form_pane.shown && !u->popup && u->prompt == PROMPT_NONE &&
        form_view_focus(ed->fv) >= 0) {
        curs_set(1);
        form_view_place_cursor(ed->fv);
    }
}
