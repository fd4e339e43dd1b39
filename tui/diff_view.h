/*
 * diff_view.h - the live diff drawn beside a form or in the staged view.
 *
 * Side by side (left: what the source holds, right: what would be
 * applied) with line numbers, '-'/'+' gutter markers (so the mono theme
 * shows changes too), changed words highlighted inside a changed line,
 * and unchanged runs folded into one line with a count. Narrower than
 * DIFF_SIDE_MIN_COLS, or after diff_view_toggle_unified, it draws the
 * same rows as a unified diff. Both sides scroll together because a row
 * holds both. A summary of changed field paths sits on top.
 *
 * model/linediff.h computes; this file only lays out and draws.
 *
 * Ownership: the view copies the texts and summary lines it is given.
 */
#ifndef MESHPANEL_DIFF_VIEW_H
#define MESHPANEL_DIFF_VIEW_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "tui/ui.h"

#define DIFF_SIDE_MIN_COLS 120 /* screen width below which the view is unified */
#define DIFF_CONTEXT       3   /* unchanged lines kept around a change */
#define DIFF_SUMMARY_LINES 4   /* changed paths shown before "+N more" */

typedef struct diff_view diff_view;

diff_view *diff_view_new(void);
void diff_view_free(diff_view *dv);

/* New texts to compare (copied); the scroll position is kept when it is
 * still inside the diff. Returns 0, or -1 when out of memory. */
int diff_view_set(diff_view *dv, const char *left, const char *right);
/* Changed-path lines ("spec.hosts[1]: added"), copied. */
void diff_view_set_summary(diff_view *dv, const char *const *lines, size_t n);
/* Labels of the two sides ("live", "edited"). */
void diff_view_set_labels(diff_view *dv, const char *left, const char *right);

/* Lines added / removed in the current diff. */
size_t diff_view_added(const diff_view *dv);
size_t diff_view_removed(const diff_view *dv);
size_t diff_view_hunks(const diff_view *dv);

void diff_view_scroll(diff_view *dv, long delta);
void diff_view_scroll_to(diff_view *dv, long line); /* display line; <0 from the end */
/* n / N: the next (dir 1) or previous (-1) hunk, wrapping; false: none. */
bool diff_view_hunk(diff_view *dv, int dir);
/* u: unified even where side by side would fit (and back). */
void diff_view_toggle_unified(diff_view *dv);
/* Scrolls (only when needed) so line `line` (0-based) of the right text is
 * in view: the diff follows the field being edited. */
void diff_view_reveal(diff_view *dv, long line);
/* Is the view unified at this screen width? */
bool diff_view_is_unified(const diff_view *dv, int screen_cols);

void diff_view_draw(diff_view *dv, ui *u, WINDOW *win, int y, int x, int h, int w);
/* Lines of the body at the last draw, for paging. */
int diff_view_page(const diff_view *dv);

#endif
