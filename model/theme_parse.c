/*
 * theme_parse.c - the colour role table, theme file parsing, degradation.
 */
#include "model/theme_parse.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    const char *name;
    theme_style style;
    unsigned mono;
} role_info;

static const role_info roles[COLOR_ROLE_COUNT] = {
#define THEME_ROLE_INFO(id, name, fg, bg, attrs, mono) {name, {fg, bg, attrs}, mono},
    COLOR_ROLES(THEME_ROLE_INFO)
#undef THEME_ROLE_INFO
};

const char *color_role_name(color_role r)
{
    return (unsigned)r < COLOR_ROLE_COUNT ? roles[r].name : NULL;
}

int color_role_from_name(const char *name)
{
    for (int i = 0; i < COLOR_ROLE_COUNT; i++)
        if (!strcmp(roles[i].name, name))
            return i;
    return -1;
}

theme_style color_role_default(color_role r)
{
    theme_style none = {THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT, 0};
    return (unsigned)r < COLOR_ROLE_COUNT ? roles[r].style : none;
}

unsigned color_role_mono_attrs(color_role r)
{
    return (unsigned)r < COLOR_ROLE_COUNT ? roles[r].mono : 0;
}

void theme_def_init(theme_def *def)
{
    memset(def, 0, sizeof *def);
    for (int i = 0; i < COLOR_ROLE_COUNT; i++)
        def->role[i] = roles[i].style;
}

static const char *const base_colors[8] = {"black", "red",     "green", "yellow",
                                           "blue",  "magenta", "cyan",  "white"};

int theme_color_from_name(const char *s)
{
    if (!strcasecmp(s, "default"))
        return THEME_COLOR_DEFAULT;
    if (!strcasecmp(s, "grey") || !strcasecmp(s, "gray"))
        return 8;
    if (isdigit((unsigned char)s[0])) {
        char *end;
        long v = strtol(s, &end, 10);
        return (*end || v > 255 || strlen(s) > 3) ? -2 : (int)v;
    }
    int bright = 0;
    if (!strncasecmp(s, "bright", 6)) {
        bright = 8;
        s += 6;
        if (*s == '-' || *s == '_')
            s++;
    }
    for (int i = 0; i < 8; i++)
        if (!strcasecmp(s, base_colors[i]))
            return i + bright;
    return -2;
}

static const struct {
    const char *name;
    unsigned bit;
} attr_names[] = {
    {"bold", THEME_A_BOLD},
    {"dim", THEME_A_DIM},
    {"reverse", THEME_A_REVERSE},
    {"standout", THEME_A_REVERSE},
    {"underline", THEME_A_UNDERLINE},
    {"italic", THEME_A_ITALIC},
    {"normal", 0},
    {"none", 0},
};

static int attr_from_name(const char *s, unsigned *bit)
{
    for (size_t i = 0; i < sizeof attr_names / sizeof attr_names[0]; i++)
        if (!strcasecmp(s, attr_names[i].name)) {
            *bit = attr_names[i].bit;
            return 0;
        }
    return -1;
}

/* Splits s in place into tokens separated by blanks or commas. */
static int tokenize(char *s, char **tok, int max)
{
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(s, " \t,", &save); t; t = strtok_r(NULL, " \t,", &save)) {
        if (n == max)
            return max + 1;
        tok[n++] = t;
    }
    return n;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* One non-empty, comment-free line "role = fg bg [attr ...]". */
static int parse_line(char *line, const char *name, int lineno, theme_def *def, mp_err *err)
{
    char *eq = strchr(line, '=');
    if (!eq)
        return mp_errf(err, "%s:%d: expected \"role = fg bg [attr ...]\"", name, lineno);
    *eq = '\0';
    char *key = trim(line);
    int r = color_role_from_name(key);
    if (r < 0)
        return mp_errf(err, "%s:%d: unknown role \"%s\" (see themes/README.md)", name, lineno, key);
    if (def->set[r])
        return mp_errf(err, "%s:%d: role %s already set on line %d", name, lineno, key,
                       def->line[r]);
    char *tok[16];
    int n = tokenize(eq + 1, tok, 16);
    if (n < 2)
        return mp_errf(err, "%s:%d: role %s needs a foreground and a background colour", name,
                       lineno, key);
    if (n > 16)
        return mp_errf(err, "%s:%d: role %s: too many words", name, lineno, key);
    theme_style st = {0, 0, 0};
    for (int i = 0; i < 2; i++) {
        int c = theme_color_from_name(tok[i]);
        if (c == -2)
            return mp_errf(err,
                           "%s:%d: role %s: unknown colour \"%s\" (default, black..white, "
                           "bright-black..bright-white or 0-255)",
                           name, lineno, key, tok[i]);
        if (i == 0)
            st.fg = (short)c;
        else
            st.bg = (short)c;
    }
    for (int i = 2; i < n; i++) {
        unsigned bit;
        if (attr_from_name(tok[i], &bit) < 0)
            return mp_errf(err,
                           "%s:%d: role %s: unknown attribute \"%s\" (bold, dim, reverse, "
                           "underline, italic, normal)",
                           name, lineno, key, tok[i]);
        st.attrs |= bit;
    }
    def->role[r] = st;
    def->set[r] = true;
    def->line[r] = lineno;
    return 0;
}

int theme_parse(const char *buf, size_t len, const char *name, theme_def *def, mp_err *err)
{
    size_t pos = 0;
    int lineno = 0;
    char line[512];
    while (pos < len) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
        lineno++;
        if (n >= sizeof line)
            return mp_errf(err, "%s:%d: line longer than %zu bytes", name, lineno, sizeof line - 1);
        memcpy(line, buf + pos, n);
        line[n] = '\0';
        pos += n + (nl ? 1 : 0);
        if (memchr(line, '\0', n))
            return mp_errf(err, "%s:%d: NUL byte in theme file", name, lineno);
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *s = trim(line);
        if (*s && parse_line(s, name, lineno, def, err) < 0)
            return -1;
    }
    return 0;
}

int theme_colors_for(int term_colors, const char *no_color_env)
{
    if (no_color_env && *no_color_env)
        return 0;
    if (term_colors >= 256)
        return 256;
    if (term_colors >= 16)
        return 16;
    if (term_colors >= 8)
        return 8;
    return 0;
}

/* xterm's default palette, to find the nearest colour by RGB distance. */
static void palette_rgb(int c, int rgb[3])
{
    static const unsigned char ansi[16][3] = {
        {0, 0, 0},       {205, 0, 0},   {0, 205, 0},   {205, 205, 0},
        {0, 0, 238},     {205, 0, 205}, {0, 205, 205}, {229, 229, 229},
        {127, 127, 127}, {255, 0, 0},   {0, 255, 0},   {255, 255, 0},
        {92, 92, 255},   {255, 0, 255}, {0, 255, 255}, {255, 255, 255},
    };
    static const unsigned char level[6] = {0, 95, 135, 175, 215, 255};
    if (c < 16) {
        for (int i = 0; i < 3; i++)
            rgb[i] = ansi[c][i];
    } else if (c < 232) {
        c -= 16;
        rgb[0] = level[c / 36];
        rgb[1] = level[(c / 6) % 6];
        rgb[2] = level[c % 6];
    } else {
        rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (c - 232);
    }
}

/* Greys between black and white (bright black, the 232-255 ramp, the cube's
 * diagonal). */
static bool is_grey(int c)
{
    return c == 8 || (c >= 232 && c <= 255) || c == 59 || c == 102 || c == 145 || c == 188;
}

/* Nearest of the first upto palette colours by RGB distance; a grey only
 * considers the greys (0, 7, 8, 15), so it never turns yellow or cyan. */
static int nearest(int c, int upto)
{
    int rgb[3], best = 0;
    long best_d = -1;
    palette_rgb(c, rgb);
    for (int i = 0; i < upto; i++) {
        if (is_grey(c) && i != 0 && i != 7 && i != 8 && i != 15)
            continue;
        int p[3];
        palette_rgb(i, p);
        long d = 0;
        for (int k = 0; k < 3; k++)
            d += (long)(rgb[k] - p[k]) * (rgb[k] - p[k]);
        if (best_d < 0 || d < best_d) {
            best_d = d;
            best = i;
        }
    }
    return best;
}

int theme_color_degrade(int color, int ncolors, unsigned *attrs)
{
    if (color < 0 || color > 255 || ncolors < 8)
        return THEME_COLOR_DEFAULT;
    if (ncolors >= 256 || color < (ncolors >= 16 ? 16 : 8))
        return color;
    if (ncolors >= 16)
        return nearest(color, 16);
    if (color < 16) {
        /* Bright colours on 8-colour terminals: the classic bold foreground. */
        if (attrs)
            *attrs |= THEME_A_BOLD;
        return color - 8;
    }
    return nearest(color, 8);
}

theme_style theme_style_degrade(color_role r, theme_style s, int ncolors)
{
    theme_style out = s;
    if (ncolors < 8) {
        out.fg = out.bg = THEME_COLOR_DEFAULT;
        out.attrs |= color_role_mono_attrs(r);
        return out;
    }
    /* With 8 colours a grey text colour lands on black or white, one of which
     * is the terminal's own background (unknown to us): use the terminal's
     * text colour, dimmed, which reads on either. */
    if (ncolors < 16 && s.bg == THEME_COLOR_DEFAULT && is_grey(s.fg)) {
        out.fg = THEME_COLOR_DEFAULT;
        out.bg = THEME_COLOR_DEFAULT;
        out.attrs |= THEME_A_DIM;
        return out;
    }
    out.fg = (short)theme_color_degrade(s.fg, ncolors, &out.attrs);
    out.bg = (short)theme_color_degrade(s.bg, ncolors, NULL);
    /* Two colours that were distinct can collapse into one: keep the text
     * readable rather than faithful. */
    if (out.fg == out.bg && out.fg != THEME_COLOR_DEFAULT && s.fg != s.bg)
        out.fg = (short)(out.bg == 0 ? 7 : 0);
    return out;
}
