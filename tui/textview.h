/*
 * textview.h - line-based text for the detail and help views.
 *
 * Lines are cleaned when added (model/sanitize.h), so drawing never sees a
 * control character. A line is drawn with one colour role, or highlighted
 * as YAML. Lines wider than the pane wrap (continuation marked), so the
 * detail pane always shows the full text that tables truncate.
 *
 * Ownership: text_data owns its lines; text_clear frees them.
 */
#ifndef MESHPANEL_TEXTVIEW_H
#define MESHPANEL_TEXTVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/ui.h"

typedef struct {
    char *text;
    color_role role;
    bool yaml;
} text_line;

typedef struct {
    text_line *lines;
    size_t n, cap;
    char title[600];
    size_t mark; /* 1 + the line drawn highlighted (:problems' field), 0: none */
} text_data;

void text_clear(text_data *d);
void text_add(text_data *d, color_role role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Adds every line of a YAML buffer, highlighted. */
void text_add_yaml(text_data *d, const char *yaml);

/* view_ops pieces shared by the text views. */
void text_view_draw(view *v, ui *u, WINDOW *w, int y, int x, int h, int wd, bool focused);
void text_view_title(view *v, ui *u, char *buf, size_t n);
void text_view_free(view *v);
/* Search in a text view: does a line hold term (ASCII case-insensitive)?
 * The line after (dir 1) or before (-1) line `from` that does, wrapping;
 * -1 when none. Drawing highlights u->search. */
bool text_line_matches(const char *line, const char *term);
long text_view_find(view *v, const char *term, size_t from, int dir);
/* The whole text of a text view, one line each (malloc'd). */
char *text_view_text(view *v, size_t *len);
/* Sets v->nrows from the data after a rebuild. */
void text_view_done(view *v);

#endif
