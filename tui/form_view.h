/*
 * form_view.h - a scrolling form of labelled fields on the ncurses form
 * library (libformw).
 *
 * The owner describes the whole form as rows: a label and up to two
 * fields (text, choice, toggle, button), and an optional note line under
 * the row (the reason a value is refused, a warning). Only the rows that
 * fit the window get FIELDs; moving the focus past the edge scrolls and
 * rebuilds the FORM, so a VirtualService with hundreds of routes costs no
 * more than one screen. Text editing inside a field is libform's
 * (form_driver_w: insert, delete, cursor moves, horizontal scroll); this
 * file moves the focus between fields and tells the owner what happened.
 *
 * The terminal cursor sits in the focused field, on its row next to the
 * label, so screen readers and scripts can follow the focus.
 *
 * Ownership: form_view_set borrows the rows until the next form_view_set
 * (typed text goes into the focused field's value there: the owner reads it
 * back); the view owns its FORM and FIELDs. Nothing here reads the store or
 * knows what a field means.
 */
#ifndef MESHPANEL_FORM_VIEW_H
#define MESHPANEL_FORM_VIEW_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "tui/ui.h"

#define FORM_VALUE_MAX 512
#define FORM_NOTE_MAX  320

typedef enum {
    FF_TEXT,   /* editable text */
    FF_CHOICE, /* one of a list: Space / Left / Right / Enter ask the owner to cycle */
    FF_TOGGLE, /* on/off: Space or Enter */
    FF_BUTTON, /* an action: Enter or Space */
} ff_kind;

typedef struct {
    ff_kind kind;
    int id;    /* the owner's binding; >= 0 and unique in the form */
    int width; /* columns; 0: the rest of the row */
    char value[FORM_VALUE_MAX];
    bool invalid;
} form_field;

typedef struct {
    int indent;
    char label[64];
    int label_w;  /* label column width; 0: the label's own width */
    bool heading; /* a section or item title: label only */
    form_field f[2];
    int nf;
    char note[FORM_NOTE_MAX]; /* shown on its own line under the row */
    color_role note_role;
} form_row;

typedef enum {
    FV_NONE,     /* handled, nothing changed */
    FV_CHANGED,  /* the focused text field's value changed */
    FV_NEXT,     /* choice / toggle: the next value, please */
    FV_PREV,     /* choice: the previous value */
    FV_ACTIVATE, /* Enter on a field (button, picker) */
    FV_FOCUS,    /* the focus moved to another field */
    FV_UNHANDLED,
} fv_event;

typedef struct form_view form_view;

form_view *form_view_new(void);
void form_view_free(form_view *fv);

/* Replaces the rows (borrowed). The focus stays on the field with the same id when
 * there still is one, else on the field with id focus_hint, else on the
 * first field. A value that differs from what the field shows is put in
 * (typing never differs: the owner echoes what it read). */
void form_view_set(form_view *fv, form_row *rows, size_t n, int focus_hint);
size_t form_view_nrows(const form_view *fv);

int form_view_focus(const form_view *fv); /* focused field id, -1 when none */
/* id -1: none (the next form_view_set focuses the first field). */
void form_view_set_focus(form_view *fv, int id);
/* The value the focused text field holds now (typed text included). */
const char *form_view_text(form_view *fv);

fv_event form_view_key(form_view *fv, int key, bool fn);

/* Frees the FORM and its subwindow: before win is deleted or moved (a
 * window cannot be deleted while a subwindow of it exists). */
void form_view_detach(form_view *fv);
/* Draws into the body area of win (a pane's window). */
void form_view_draw(form_view *fv, ui *u, WINDOW *win, int y, int x, int h, int w, bool focused);
/* After update_panels(): puts the terminal cursor in the focused field. */
void form_view_place_cursor(form_view *fv);
/* The screen row of the focused field (-1 when not drawn), for tests. */
int form_view_cursor_row(const form_view *fv);

#endif
