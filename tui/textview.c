/*
 * textview.c - text lines, YAML highlighting and wrapped drawing.
 */
#include "tui/textview.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/sanitize.h"
#include "model/strbuf.h"
#include "tui/draw.h"

void text_clear(text_data *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->lines[i].text);
    free(d->lines);
    d->lines = NULL;
    d->n = d->cap = 0;
}

static void push(text_data *d, char *clean, color_role role, bool yaml)
{
    if (!clean)
        return;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        text_line *v = realloc(d->lines, cap * sizeof *v);
        if (!v) {
            free(clean);
            return;
        }
        d->lines = v;
        d->cap = cap;
    }
    d->lines[d->n++] = (text_line){clean, role, yaml};
}

void text_add(text_data *d, color_role role, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    push(d, san_cleans(buf, 0), role, false);
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* libyaml writes characters above U+FFFF (emoji) as \UXXXXXXXX escapes in
 * double-quoted scalars; the pane shows the glyph instead, when it is a
 * printable character (the sanitizer still drops controls and bidi). */
static char *show_astral(const char *p, size_t len)
{
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    size_t o = 0, bs = 0;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '\\' && bs % 2 == 0 && i + 9 < len && p[i + 1] == 'U') {
            uint32_t cp = 0;
            size_t k = 2;
            for (; k < 10 && hexval(p[i + k]) >= 0; k++)
                cp = cp * 16 + (uint32_t)hexval(p[i + k]);
            if (k == 10 && cp >= 0x10000 && cp <= 0x10FFFF && san_cp_width(cp) > 0) {
                o += san_utf8_encode(cp, out + o);
                i += 9;
                bs = 0;
                continue;
            }
        }
        bs = p[i] == '\\' ? bs + 1 : 0;
        out[o++] = p[i];
    }
    out[o] = 0;
    return out;
}

void text_add_yaml(text_data *d, const char *yaml)
{
    const char *p = yaml;
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *shown = memchr(p, '\\', len) ? show_astral(p, len) : NULL;
        push(d, shown ? san_cleans(shown, 0) : san_clean(p, len, 0), ROLE_NORMAL, true);
        free(shown);
        p += len + (nl != NULL);
    }
}

/* ---- YAML highlighting ---------------------------------------------- */

static bool is_number(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    bool digit = false, dot = false;
    for (; i < n; i++) {
        if (isdigit((unsigned char)s[i]))
            digit = true;
        else if (s[i] == '.' && !dot)
            dot = true;
        else
            return false;
    }
    return digit;
}

static color_role value_role(const char *s, size_t n)
{
    if (!n)
        return ROLE_NORMAL;
    if (s[0] == '"' || s[0] == '\'')
        return ROLE_YAML_STRING;
    if ((n == 4 && !memcmp(s, "true", 4)) || (n == 5 && !memcmp(s, "false", 5)))
        return ROLE_YAML_BOOL;
    if ((n == 4 && !memcmp(s, "null", 4)) || (n == 1 && s[0] == '~'))
        return ROLE_YAML_NULL;
    if ((n == 1 || n == 2) && (s[0] == '|' || s[0] == '>'))
        return ROLE_YAML_PUNCT;
    if (is_number(s, n))
        return ROLE_YAML_NUMBER;
    return ROLE_YAML_STRING;
}

/* Length of a mapping key at s (plain or quoted) followed by ':' and a
 * space or the end; 0 when s does not start with a key. */
static size_t key_len(const char *s)
{
    size_t i = 0;
    if (s[0] == '"' || s[0] == '\'') {
        char q = s[0];
        for (i = 1; s[i] && s[i] != q; i += (s[i] == '\\' && q == '"' && s[i + 1]) ? 2 : 1)
            ;
        if (!s[i])
            return 0;
        i++;
        return s[i] == ':' && (s[i + 1] == ' ' || !s[i + 1]) ? i : 0;
    }
    for (; s[i]; i++)
        if (s[i] == ':' && (s[i + 1] == ' ' || !s[i + 1]))
            return i;
    return 0;
}

typedef struct {
    const char *s;
    size_t n;
    color_role role;
} span;

static int yaml_spans(const char *line, span *out, int max)
{
    int k = 0;
    size_t i = 0;
    while (line[i] == ' ')
        i++;
    if (i)
        out[k++] = (span){line, i, ROLE_NORMAL};
    while (line[i] == '-' && line[i + 1] == ' ' && k < max - 4) {
        out[k++] = (span){line + i, 2, ROLE_YAML_PUNCT};
        i += 2;
    }
    const char *rest = line + i;
    if (rest[0] == '#') {
        out[k++] = (span){rest, strlen(rest), ROLE_YAML_COMMENT};
        return k;
    }
    if (!strcmp(rest, "---")) {
        out[k++] = (span){rest, 3, ROLE_YAML_PUNCT};
        return k;
    }
    size_t kl = key_len(rest);
    if (kl) {
        out[k++] = (span){rest, kl, ROLE_YAML_KEY};
        out[k++] = (span){rest + kl, 1, ROLE_YAML_PUNCT};
        rest += kl + 1;
        size_t sp = 0;
        while (rest[sp] == ' ')
            sp++;
        if (sp)
            out[k++] = (span){rest, sp, ROLE_NORMAL};
        rest += sp;
    }
    size_t vl = strlen(rest);
    if (vl)
        out[k++] = (span){rest, vl, value_role(rest, vl)};
    return k;
}

/* ---- search ------------------------------------------------------------- */

/* Case-insensitive (ASCII) search of needle in s[0..len). */
static const char *find_ci(const char *s, size_t len, const char *needle)
{
    size_t nl = strlen(needle);
    for (size_t i = 0; nl && i + nl <= len; i++) {
        size_t k = 0;
        while (k < nl && tolower((unsigned char)s[i + k]) == tolower((unsigned char)needle[k]))
            k++;
        if (k == nl)
            return s + i;
    }
    return NULL;
}

bool text_line_matches(const char *line, const char *needle)
{
    return needle && *needle && find_ci(line, strlen(line), needle);
}

/* Draws the matches of the search term inside s[0..len) shown from column
 * x (s's first byte at x) in at most wd columns. */
static void draw_matches(ui *u, WINDOW *w, int y, int x, int wd, const char *s, size_t len)
{
    const char *term = u->search;
    size_t tl = strlen(term);
    for (const char *m = tl ? find_ci(s, len, term) : NULL; m;
         m = find_ci(m + tl, len - (size_t)(m + tl - s), term)) {
        int col = (int)san_width(s, (size_t)(m - s));
        if (col >= wd)
            break;
        char buf[300];
        snprintf(buf, sizeof buf, "%.*s", (int)tl, m);
        draw_text(w, y, x + col, buf, wd - col, ui_attr(u, ROLE_SEARCH_MATCH), false);
    }
}

/* ---- drawing ---------------------------------------------------------- */

static void draw_spans(ui *u, WINDOW *w, int y, int x, int wd, const char *line)
{
    span sp[16];
    int n = yaml_spans(line, sp, 16);
    int cx = x;
    for (int i = 0; i < n && cx < x + wd; i++) {
        char buf[2048];
        size_t l = sp[i].n < sizeof buf - 1 ? sp[i].n : sizeof buf - 1;
        memcpy(buf, sp[i].s, l);
        buf[l] = 0;
        cx += draw_text(w, y, cx, buf, x + wd - cx, ui_attr(u, sp[i].role), false);
    }
}

/* Rows a line needs at width wd (continuation rows lose 2 columns to the
 * marker). */
static int line_rows(const char *s, int wd)
{
    size_t width = san_widths(s);
    if ((int)width <= wd || wd <= 3)
        return 1;
    return 1 + (int)((width - (size_t)wd + (size_t)(wd - 2) - 1) / (size_t)(wd - 2));
}

static int wrap(ui *u, WINDOW *w, int y, int x, int wd, int maxrows, const text_line *l, attr_t a);

static int draw_wrapped(ui *u, WINDOW *w, int y, int x, int wd, int maxrows, const text_line *l)
{
    return wrap(u, w, y, x, wd, maxrows, l, ui_attr(u, l->yaml ? ROLE_YAML_STRING : l->role));
}

/* A line in the jump_line role, wrapped, rows filled, an arrow in the margin. */
static int draw_marked(ui *u, WINDOW *w, int y, int x, int wd, int maxrows, const text_line *l)
{
    attr_t a = ui_attr(u, ROLE_JUMP_LINE);
    int rows = line_rows(l->text, wd - 1);
    for (int r = 0; r < rows && r < maxrows; r++)
        draw_fill(w, y + r, x, wd, a);
    draw_text(w, y, x, u->utf8 ? "\xe2\x96\xb6" : ">", 1, a, false);
    return wrap(u, w, y, x + 1, wd - 1, maxrows, l, a);
}

static int wrap(ui *u, WINDOW *w, int y, int x, int wd, int maxrows, const text_line *l, attr_t a)
{
    const char *s = l->text;
    size_t len = strlen(s);
    int r = 0;
    for (size_t off = 0; off < len && r < maxrows; r++) {
        int avail = r ? wd - 2 : wd;
        if (r)
            draw_text(w, y + r, x, u->utf8 ? "\xe2\x86\xaa " : "> ", 2, ui_attr(u, ROLE_ROW_DIM),
                      false);
        size_t width;
        size_t take = san_prefix_fit(s + off, len - off, (size_t)avail, &width);
        if (!take)
            take = 1;
        char buf[2048];
        size_t cp = take < sizeof buf - 1 ? take : sizeof buf - 1;
        memcpy(buf, s + off, cp);
        buf[cp] = 0;
        draw_text(w, y + r, x + (r ? 2 : 0), buf, avail, a, false);
        draw_matches(u, w, y + r, x + (r ? 2 : 0), avail, buf, cp);
        off += take;
    }
    return r ? r : 1;
}

void text_view_draw(view *v, ui *u, WINDOW *w, int y, int x, int h, int wd, bool focused)
{
    (void)focused;
    text_data *d = v->data;
    v->body_y = y;
    v->body_h = h;
    for (int r = 0; r < h; r++)
        draw_fill(w, y + r, x, wd, ui_attr(u, ROLE_NORMAL));
    int row = 0;
    int tw = wd - 1; /* one column margin on the left */
    for (size_t i = v->top; i < d->n && row < h; i++) {
        const text_line *l = &d->lines[i];
        if (i + 1 == d->mark) { /* the field :problems jumped to; the margin's
                                 * arrow shows it without colours too */
            row += draw_marked(u, w, y + row, x, wd, h - row, l);
            continue;
        }
        if (line_rows(l->text, tw) > 1) {
            row += draw_wrapped(u, w, y + row, x + 1, tw, h - row, l);
            continue;
        }
        if (l->yaml)
            draw_spans(u, w, y + row, x + 1, tw, l->text);
        else
            draw_text(w, y + row, x + 1, l->text, tw, ui_attr(u, l->role), false);
        draw_matches(u, w, y + row, x + 1, tw, l->text, strlen(l->text));
        row++;
    }
}

void text_view_title(view *v, ui *u, char *buf, size_t n)
{
    text_data *d = v->data;
    size_t hits = 0;
    for (size_t i = 0; u->search[0] && i < d->n; i++)
        hits += text_line_matches(d->lines[i].text, u->search);
    if (u->search[0])
        /* the search first: a long title is cut at its end */
        snprintf(buf, n, "/%s: %zu line%s  %s", u->search, hits, hits == 1 ? "" : "s", d->title);
    else
        snprintf(buf, n, "%s", d->title);
}

char *text_view_text(view *v, size_t *len)
{
    text_data *d = v->data;
    strbuf sb;
    strbuf_init(&sb);
    for (size_t i = 0; d && i < d->n; i++) {
        strbuf_puts(&sb, d->lines[i].text);
        strbuf_putc(&sb, '\n');
    }
    return strbuf_detach(&sb, len);
}

long text_view_find(view *v, const char *term, size_t from, int dir)
{
    text_data *d = v->data;
    if (!d || !d->n || !term || !*term)
        return -1;
    for (size_t k = 1; k <= d->n; k++) {
        size_t i = (from + (dir > 0 ? k : d->n - k)) % d->n;
        if (text_line_matches(d->lines[i].text, term))
            return (long)i;
    }
    return -1;
}

void text_view_free(view *v)
{
    text_data *d = v->data;
    if (d)
        text_clear(d);
    free(d);
    v->data = NULL;
}

void text_view_done(view *v)
{
    text_data *d = v->data;
    v->nrows = d->n;
    if (v->top >= v->nrows)
        v->top = 0;
    v->cursor = v->top;
}
