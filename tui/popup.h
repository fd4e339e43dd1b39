/*
 * popup.h - the console's modal questions: a confirmation (y / n, with the
 * lines that say what will happen) and a choice from a list (the ncurses
 * menu library). While one is open it takes every key; Esc is "no".
 *
 * Ownership: the popup copies its text and items; ui->popup points at the
 * open one (at most one). Callbacks run after the popup is closed, so
 * they may open another.
 */
#ifndef MESHPANEL_POPUP_H
#define MESHPANEL_POPUP_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/ui.h"

typedef void (*popup_yes_fn)(ui *u, void *ud);
typedef void (*popup_pick_fn)(ui *u, const char *item, size_t index, void *ud);

/* Asks a yes/no question. lines (may be NULL) say what "yes" does; the
 * last line of the box is the question itself. no may be NULL. */
void popup_confirm(ui *u, const char *title, const char *const *lines, size_t nlines,
                   const char *question, popup_yes_fn yes, popup_yes_fn no, void *ud);
/* A popup keeps at most this many lines (the rest are dropped). */
#define POPUP_MAX_LINES 200

/* Shows lines (wrapped to the screen) until any key. */
void popup_info(ui *u, const char *title, const char *const *lines, size_t nlines);
/* As popup_info; a key among pass (plain keys, up to 15) closes it and then
 * does what it does in the console (the :migrate board's m and R). */
void popup_info_pass(ui *u, const char *title, const char *const *lines, size_t nlines,
                     const int *pass, size_t npass);
/* Offers items; pick runs with the chosen one. */
void popup_choose(ui *u, const char *title, const char *const *items, size_t n, size_t current,
                  popup_pick_fn pick, void *ud);

/* What frees the open popup's ud when it goes away unanswered (the
 * console quits, another screen takes over). */
void popup_set_drop(ui *u, void (*drop)(void *ud));

bool popup_open(const ui *u);
/* The hint line for the open popup: what its keys do. */
const char *popup_hint(const ui *u);
void popup_key(ui *u, int key, bool fn);
void popup_draw(ui *u);
void popup_free(ui *u);

#endif
