/*
 * draw.h - the only way text reaches a curses window.
 *
 * draw_text cleans (model/sanitize.h: escape sequences, controls and bidi
 * overrides removed), measures in columns (wide and combining characters)
 * and truncates with an ellipsis before anything is written, so a hostile
 * annotation cannot move the cursor, retitle the terminal or write the
 * clipboard, and a long host never spills into the next column.
 */
#ifndef MESHPANEL_DRAW_H
#define MESHPANEL_DRAW_H

#include <curses.h>
#include <stdbool.h>

/* Draws s at (y, x) in at most cols columns with attr; pads with spaces to
 * cols when pad is true. Returns the columns written (excluding padding). */
int draw_text(WINDOW *w, int y, int x, const char *s, int cols, attr_t attr, bool pad);
/* Right-aligned in cols columns. */
int draw_text_right(WINDOW *w, int y, int x, const char *s, int cols, attr_t attr);
void draw_fill(WINDOW *w, int y, int x, int cols, attr_t attr);
/* A box around the whole window with title (already short) on the top
 * edge; Unicode lines when utf8, ASCII otherwise. */
void draw_box(WINDOW *w, const char *title, attr_t border, attr_t title_attr, bool utf8);

typedef struct {
    const char *title;
    int want; /* natural width (widest cell or title) */
    int min;  /* flexible columns shrink down to this */
    int prio; /* higher survives longer when even minimums do not fit */
    bool right;
} col_spec;

/* Fits columns into total columns with one space between them: shrinks
 * the widest flexible columns first, then hides the lowest priority ones
 * (width 0). */
void table_widths(const col_spec *c, int n, int total, int *out);

#endif
