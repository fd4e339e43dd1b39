/*
 * theme.c - find and load a theme file, turn roles into curses attributes.
 */
#include "tui/theme.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/datadir.h"
#include "api/fsutil.h"

struct theme {
    theme_def def;
    char source[PATH_MAX];
    attr_t attr[COLOR_ROLE_COUNT];
    int ncolors;
};

static attr_t curses_attrs(unsigned a)
{
    attr_t out = A_NORMAL;
    if (a & THEME_A_BOLD)
        out |= A_BOLD;
    if (a & THEME_A_DIM)
        out |= A_DIM;
    if (a & THEME_A_REVERSE)
        out |= A_REVERSE;
    if (a & THEME_A_UNDERLINE)
        out |= A_UNDERLINE;
#ifdef A_ITALIC
    if (a & THEME_A_ITALIC)
        out |= A_ITALIC;
#endif
    return out;
}

/* Monochrome attributes: valid before (or without) theme_apply. */
static void set_mono(theme *t)
{
    t->ncolors = 0;
    for (int r = 0; r < COLOR_ROLE_COUNT; r++)
        t->attr[r] = curses_attrs(theme_style_degrade(r, t->def.role[r], 0).attrs);
}

theme *theme_builtin(void)
{
    theme *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    theme_def_init(&t->def);
    snprintf(t->source, sizeof t->source, "built-in");
    set_mono(t);
    return t;
}

void theme_free(theme *t)
{
    free(t);
}

static bool is_path(const char *s)
{
    size_t n = strlen(s);
    return strchr(s, '/') || (n > 6 && !strcmp(s + n - 6, ".theme"));
}

/* The directories searched for NAME.theme, in order; returns how many. */
static int theme_dirs(char dirs[3][PATH_MAX])
{
    int n = 0;
    const char *env = getenv("MESHPANEL_THEMES_DIR");
    if (env && *env)
        snprintf(dirs[n++], PATH_MAX, "%s", env);
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    if (xdg && *xdg)
        snprintf(dirs[n++], PATH_MAX, "%s/meshpanel/themes", xdg);
    else if (home && *home)
        snprintf(dirs[n++], PATH_MAX, "%s/.config/meshpanel/themes", home);
    if (datadir_find(NULL, "themes", "themes", dirs[n], PATH_MAX))
        n++;
    return n;
}

int theme_resolve(const char *name, char *buf, size_t n, mp_err *err)
{
    if (!name || !*name)
        name = "default";
    if (is_path(name)) {
        if (!fs_is_file(name))
            return mp_errf(err, "%s: no such theme file", name);
        snprintf(buf, n, "%s", name);
        return 0;
    }
    char dirs[3][PATH_MAX];
    int nd = theme_dirs(dirs);
    char tried[3 * PATH_MAX + 16] = "";
    for (int i = 0; i < nd; i++) {
        char path[PATH_MAX];
        int w = snprintf(path, sizeof path, "%s/%s.theme", dirs[i], name);
        if (w > 0 && (size_t)w < sizeof path && fs_is_file(path)) {
            snprintf(buf, n, "%s", path);
            return 0;
        }
        size_t used = strlen(tried);
        snprintf(tried + used, sizeof tried - used, "%s%s", i ? ", " : "", dirs[i]);
    }
    return mp_errf(err, "theme \"%s\" not found (looked in %s)", name, tried);
}

theme *theme_load(const char *name, mp_err *err)
{
    char path[PATH_MAX];
    bool is_default = !name || !*name || !strcmp(name, "default");
    if (theme_resolve(name, path, sizeof path, err) < 0)
        return is_default ? theme_builtin() : NULL;
    size_t len;
    char *buf = fs_read_file(path, &len, err);
    if (!buf)
        return NULL;
    theme *t = theme_builtin();
    if (!t) {
        free(buf);
        mp_errf(err, "%s: out of memory", path);
        return NULL;
    }
    int rc = theme_parse(buf, len, path, &t->def, err);
    free(buf);
    if (rc < 0) {
        theme_free(t);
        return NULL;
    }
    snprintf(t->source, sizeof t->source, "%s", path);
    set_mono(t);
    return t;
}

void theme_apply(theme *t, int ncolors)
{
    int n = theme_colors_for(ncolors, getenv("NO_COLOR"));
    if (n == 0 || !has_colors()) {
        set_mono(t);
        return;
    }
    /* Without default-colour support -1 is not a colour: use white on black. */
    bool have_default = use_default_colors() == OK;
    short pair_fg[COLOR_ROLE_COUNT], pair_bg[COLOR_ROLE_COUNT];
    int npairs = 0;
    t->ncolors = n;
    for (int r = 0; r < COLOR_ROLE_COUNT; r++) {
        theme_style s = theme_style_degrade(r, t->def.role[r], n);
        if (!have_default) {
            if (s.fg == THEME_COLOR_DEFAULT)
                s.fg = COLOR_WHITE;
            if (s.bg == THEME_COLOR_DEFAULT)
                s.bg = COLOR_BLACK;
        }
        attr_t a = curses_attrs(s.attrs);
        int pair = 0;
        if (s.fg != THEME_COLOR_DEFAULT || s.bg != THEME_COLOR_DEFAULT) {
            for (int i = 0; i < npairs && !pair; i++)
                if (pair_fg[i] == s.fg && pair_bg[i] == s.bg)
                    pair = i + 1;
            if (!pair && npairs + 1 < COLOR_PAIRS &&
                init_pair((short)(npairs + 1), s.fg, s.bg) == OK) {
                pair_fg[npairs] = s.fg;
                pair_bg[npairs] = s.bg;
                pair = ++npairs;
            }
            if (!pair) /* out of pairs: keep the role visible by attributes */
                a |= curses_attrs(color_role_mono_attrs(r));
        }
        t->attr[r] = a | (attr_t)COLOR_PAIR(pair);
    }
}

attr_t theme_attr(const theme *t, color_role r)
{
    if (!t || (unsigned)r >= COLOR_ROLE_COUNT)
        return A_NORMAL;
    return t->attr[r];
}

const char *theme_source(const theme *t)
{
    return t->source;
}

const theme_def *theme_styles(const theme *t)
{
    return &t->def;
}

int theme_ncolors(const theme *t)
{
    return t->ncolors;
}
