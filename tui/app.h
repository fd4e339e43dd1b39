/*
 * app.h - what the console's parts ask of the application shell (app.c):
 * refresh the source, resize or dump the (virtual) screen, draw, and feed
 * keys and mouse events. app.c holds the only ui instance.
 */
#ifndef MESHPANEL_APP_H
#define MESHPANEL_APP_H

#include <curses.h>
#include <stdbool.h>

#include "model/err.h"

struct ui;

int app_refresh(struct ui *u, mp_err *err);
int app_save_display(struct ui *u, const char *path, mp_err *err);
/* :save-store FILE: every stored object as "Kind ns/name resourceVersion",
 * sorted (tui/save_store.c), to compare with a fresh list. */
int app_save_store(struct ui *u, const char *path, mp_err *err);
int app_resize(struct ui *u, int cols, int rows, mp_err *err);
/* Script mode: run the source for ms milliseconds (poll + step). */
int app_pump(struct ui *u, int ms);
/* Script mode: pump until the source is synced; -1 with err after max_ms. */
int app_sync(struct ui *u, int max_ms, mp_err *err);
/* :ctx NAME: reconnect the live cluster source to another kubeconfig
 * context; the store starts over. Manifest and demo sources have one. */
int app_switch_context(struct ui *u, const char *name, mp_err *err);
/* Calls fn with each context name of the console's kubeconfig (the
 * current source's only context for manifest and demo sources). */
void app_each_context(struct ui *u, void (*fn)(const char *name, void *ud), void *ud);
/* render.c calls it after every drawn screen (MESHPANEL_TRACE milestones). */
void app_painted(struct ui *u);

/* actions.c: one key (fn: a curses KEY_* code) or mouse event. */
void ui_handle_key(struct ui *u, int key, bool fn);
void ui_handle_mouse(struct ui *u, const MEVENT *ev);

/* render.c: lay the panes out for the current size and focus, then draw
 * everything into curses (update_panels + doupdate). */
void ui_render(struct ui *u);
/* Frees windows and panels (before endwin). */
void ui_windows_free(struct ui *u);
/* The screen as UTF-8 text, one line per row, trailing blanks removed.
 * Malloc'd; NULL when out of memory. */
char *ui_screen_text(struct ui *u, size_t *len);

#endif
