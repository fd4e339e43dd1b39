/*
 * edit_int.h - helpers shared by tui/edit*.c (private to them).
 */
#ifndef MESHPANEL_EDIT_INT_H
#define MESHPANEL_EDIT_INT_H

#include <stddef.h>

#include "model/doc.h"
#include "model/editset.h"
#include "model/warn.h"
#include "tui/diff_view.h"
#include "tui/edit_form.h"
#include "tui/form_view.h"
#include "tui/ui.h"

/* The open edit screen (tui/edit.h). */
struct edit_screen {
    editset *es;
    char title[400]; /* what was opened: "ingress ns-a/web", "new VirtualService" */
    ef_select sel;
    ef_form form;
    form_view *fv;
    diff_view *dv;
    mp_warnings *findings; /* per object: istio_check + merge conflicts */
    mp_warnings conflicts; /* MP501/MP502 from re-applying staged edits at open */
    size_t errors, warnings;
    bool focus_diff;
    bool left_base;      /* b: the left side is the conversion without my edits */
    char last_path[512]; /* undo groups the keystrokes of one field */
    char **labels;       /* object selector labels */
    size_t nlabels;
    pane form_pane, diff_pane;
};

static inline const char *current_kind(struct edit_screen *ed)
{
    return editset_at(ed->es, ed->sel.obj)->kind;
}

/* edit.c */
/* After object i's work tree changed: order, checks, form, diff. */
void edit_changed(ui *u, size_t i);
/* Replaces object i's work tree (takes it) as edit_changed does. */
void edit_replace(ui *u, size_t i, doc_node *work);
/* Rebuilds checks, form rows and diff from the edit set. */
void edit_refresh(ui *u);
ef_context edit_context(ui *u);
/* Puts the focus on the first field under path (a list item). */
void edit_focus_under(ui *u, const char *path);

/* edit_editor.c: E / F4 */
void edit_in_editor(ui *u);

/* The value a field shows, from the tree. */
void ef_get(const binding *b, const doc_node *work, char *buf, size_t n);
/* path with "[*]" read as route 0 (buf is used when needed). */
const char *ef_read_path(const char *path, char *buf, size_t n);
/* The first Service of namespace ns as a destination host (FQDN) and its
 * first port; host "" when the tenant has none. */
const store_obj *ef_service_of(const ef_context *ctx, const char *ns_default, const char *host);
void ef_first_service(const ef_context *ctx, const char *ns, char *host, size_t n, long *port);

/* The first field id whose binding path starts with prefix at a step
 * boundary, or -1. */
int ef_find_under(const ef_form *f, const char *prefix);

#endif
