/*
 * theme.h - the console's colours: roles -> curses attributes.
 *
 * Usage (tui/app.c):
 *     theme *t = theme_load(opt_theme ? opt_theme : cfg.theme, &err); // NULL name = "default"
 *     if (!t) { show err; t = theme_builtin(); }
 *     start_color(); theme_apply(t, COLORS);   // has_colors() false -> pass 0
 *     wattrset(win, theme_attr(t, ROLE_ROW_SELECTED));
 *
 * Name resolution: a value containing '/' or ending in ".theme" is a path.
 * Otherwise NAME.theme is looked up, first match wins, in
 *   1. $MESHPANEL_THEMES_DIR/
 *   2. $XDG_CONFIG_HOME/meshpanel/themes/ (or ~/.config/meshpanel/themes/)
 *   3. the bundled themes (api/datadir.h: PREFIX/share/meshpanel/themes,
 *      or the source tree's themes/ for a binary in its build tree)
 * "default" that is found nowhere is the built-in table (COLOR_ROLES), so an
 * installed binary without theme files still has colours.
 *
 * theme_apply honours NO_COLOR (set and non-empty -> monochrome), degrades
 * 256 -> 16 -> 8 -> attributes only, shares one colour pair between roles
 * with the same fg/bg, and falls back to attributes when pairs run out.
 * Roles and the file format: model/theme_parse.h, themes/README.md.
 *
 * Ownership: theme_load/theme_builtin return a theme the caller frees with
 * theme_free. Owner: issue 4 (themes).
 */
#ifndef MESHPANEL_THEME_H
#define MESHPANEL_THEME_H

#include <curses.h>
#include <stddef.h>

#include "model/err.h"
#include "model/theme_parse.h"

typedef struct theme theme;

/* NULL or "" means "default". Returns NULL with err (one line, naming the
 * file and line, or the directories searched) on failure. */
theme *theme_load(const char *name_or_path, mp_err *err);
/* The built-in defaults; NULL only when out of memory. */
theme *theme_builtin(void);
void theme_free(theme *t);

/* Resolves a name to a file path (see above) into buf. Returns 0, or -1
 * with err listing the places searched. Exposed for tests and --help. */
int theme_resolve(const char *name_or_path, char *buf, size_t n, mp_err *err);

/* After start_color() (or without it, ncolors 0): init_pair for every role
 * as degraded for ncolors colours (NO_COLOR forces 0). May be called again,
 * e.g. after switching theme. */
void theme_apply(theme *t, int ncolors);
/* Curses attributes (COLOR_PAIR | A_*) for a role; A_NORMAL-based attrs
 * only when theme_apply has not run. */
attr_t theme_attr(const theme *t, color_role r);

/* Where the theme came from ("built-in" or the file path), and the parsed
 * styles (for tests and a future :theme view). */
const char *theme_source(const theme *t);
const theme_def *theme_styles(const theme *t);
/* Colours actually used by the last theme_apply (0 = monochrome). */
int theme_ncolors(const theme *t);

#endif
