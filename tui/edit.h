/*
 * edit.h - the edit screen: a form beside a live diff, over an edit set.
 *
 *   e on an Ingress        its host group: the Istio objects it converts to
 *                          (the operator's staged edits re-applied)
 *   e on a Gateway / VS    that object as the source holds it
 *   n                      a new Gateway or VirtualService from a template
 *
 * Every change (a keystroke in a field, a choice, add / remove / move, undo,
 * $EDITOR) updates the working tree, re-runs the object checks, rebuilds
 * the form rows and the diff before the next paint. `s` stages the edited
 * objects into the overlay (tui/staging.h); nothing reaches the source
 * until :apply.
 *
 * The screen owns its edit set, form, diff view and two panes; ui->edit
 * points at it while it is open. Action handlers (act_edit_*, act_diff_*)
 * are referenced by the action table in keymap.h.
 */
#ifndef MESHPANEL_EDIT_H
#define MESHPANEL_EDIT_H

#include <stdbool.h>

#include "model/err.h"
#include "tui/ui.h"

typedef struct edit_screen edit_screen;

/* e: the selected object of the resources pane. */
int edit_open_selected(ui *u, mp_err *err);
/* n: a new object of kind for the selected tenant. */
int edit_open_new(ui *u, const char *kind, mp_err *err);
/* The editor on one object by identity (from the staged view). */
int edit_open_object(ui *u, const char *kind, const char *ns, const char *name, mp_err *err);
void edit_close(ui *u);

/* Keys while the editor is open (after the confirmation and prompt). */
void edit_key(ui *u, int key, bool fn);
/* Layout and drawing of the two panes; the cursor goes into the form. */
void edit_draw(ui *u);
void edit_place_cursor(ui *u);
void edit_hide(ui *u);
/* The store changed: the live sides of the diff follow. */
void edit_store_changed(ui *u);
/* A lint run finished (tui/lint_console.h): the open form's findings
 * follow. Nothing when no editor is open. */
void edit_lint_changed(ui *u);
/* The key hints for the focused part. */
key_scope edit_scope(const ui *u);
/* One line for tests and traces: focused field, section, counts. */
const char *edit_describe(ui *u, char *buf, size_t n);

/* Action handlers. */
void act_edit(ui *u);
void act_new(ui *u);
void act_edit_stage(ui *u);
void act_edit_undo(ui *u);
void act_edit_redo(ui *u);
void act_edit_add(ui *u);
void act_edit_remove(ui *u);
void act_edit_move_up(ui *u);
void act_edit_move_down(ui *u);
void act_edit_next_section(ui *u);
void act_edit_prev_section(ui *u);
void act_edit_editor(ui *u);
void act_edit_to_diff(ui *u);
void act_edit_to_form(ui *u);
void act_edit_close(ui *u);
void act_diff_down(ui *u);
void act_diff_up(ui *u);
void act_diff_page_down(ui *u);
void act_diff_page_up(ui *u);
void act_diff_next_hunk(ui *u);
void act_diff_prev_hunk(ui *u);
void act_diff_base(ui *u);
void act_diff_unified(ui *u);

#endif
