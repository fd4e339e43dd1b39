/*
 * draw.c - cleaned, measured, truncated text into curses windows.
 */
#include "tui/draw.h"

#include <string.h>
#include <wchar.h>

#include "model/sanitize.h"

#define DRAW_MAX 2048

static int put_utf8(WINDOW *w, int y, int x, const char *s, attr_t attr)
{
    wchar_t wbuf[DRAW_MAX];
    size_t n = 0, len = strlen(s);
    for (size_t i = 0; i < len && n + 1 < DRAW_MAX;) {
        uint32_t cp;
        i += san_utf8_decode(s + i, len - i, &cp);
        wbuf[n++] = (wchar_t)cp;
    }
    wbuf[n] = 0;
    wattrset(w, attr);
    return mvwaddnwstr(w, y, x, wbuf, (int)n);
}

int draw_text(WINDOW *w, int y, int x, const char *s, int cols, attr_t attr, bool pad)
{
    if (cols <= 0)
        return 0;
    char buf[DRAW_MAX * 2];
    size_t used = san_fit(s ? s : "", (size_t)cols, buf, sizeof buf);
    put_utf8(w, y, x, buf, attr);
    if (pad && (int)used < cols)
        draw_fill(w, y, x + (int)used, cols - (int)used, attr);
    return (int)used;
}

int draw_text_right(WINDOW *w, int y, int x, const char *s, int cols, attr_t attr)
{
    if (cols <= 0)
        return 0;
    char buf[DRAW_MAX * 2];
    size_t used = san_fit(s ? s : "", (size_t)cols, buf, sizeof buf);
    draw_fill(w, y, x, cols - (int)used, attr);
    put_utf8(w, y, x + cols - (int)used, buf, attr);
    return (int)used;
}

void draw_fill(WINDOW *w, int y, int x, int cols, attr_t attr)
{
    if (cols <= 0)
        return;
    wattrset(w, attr);
    mvwhline(w, y, x, ' ', cols);
}

static void set_line(cchar_t *c, wchar_t ch, attr_t attr)
{
    wchar_t s[2] = {ch, 0};
    setcchar(c, s, attr, PAIR_NUMBER(attr), NULL);
}

void draw_box(WINDOW *w, const char *title, attr_t border, attr_t title_attr, bool utf8)
{
    int h, wd;
    getmaxyx(w, h, wd);
    if (h < 2 || wd < 2)
        return;
    if (utf8) {
        cchar_t ls, ts, tl, tr, bl, br;
        set_line(&ls, L'\x2502', border);
        set_line(&ts, L'\x2500', border);
        set_line(&tl, L'\x250c', border);
        set_line(&tr, L'\x2510', border);
        set_line(&bl, L'\x2514', border);
        set_line(&br, L'\x2518', border);
        wborder_set(w, &ls, &ls, &ts, &ts, &tl, &tr, &bl, &br);
    } else {
        wattrset(w, border);
        wborder(w, '|', '|', '-', '-', '+', '+', '+', '+');
    }
    if (title && *title && wd > 6) {
        char t[512];
        size_t n = strlen(title);
        if (n > sizeof t - 3)
            n = sizeof t - 3;
        t[0] = ' ';
        memcpy(t + 1, title, n);
        t[n + 1] = ' ';
        t[n + 2] = 0;
        draw_text(w, 0, 2, t, wd - 4, title_attr, false);
    }
}

/* Shrinks the widest columns (over floor[i]) one column at a time until
 * the row fits; returns the width still missing (0: it fits). */
static int shrink(const col_spec *c, int n, const int *floor, int *out, int used, int total)
{
    (void)c;
    while (used > total) {
        int best = -1;
        for (int i = 0; i < n; i++)
            if (out[i] > floor[i] && (best < 0 || out[i] - floor[i] > out[best] - floor[best]))
                best = i;
        if (best < 0)
            break;
        out[best]--;
        used--;
    }
    return used > total ? used - total : 0;
}

/* Optional columns (priority below this) go before a key column (name,
 * hosts) is cut: a full name says more than a TLS secret's name. */
enum { OPTIONAL_PRIO = 5 };

/* Whole widths when dropping optional columns, lowest priority first, lets
 * every remaining column keep its natural width; false when even without
 * them the key columns do not fit. */
static bool fit_by_dropping(const col_spec *c, int n, int total, int *out)
{
    bool hidden[32] = {false};
    for (;;) {
        int used = 0, shown = 0;
        for (int i = 0; i < n; i++)
            if (!hidden[i])
                used += c[i].want, shown++;
        used += shown > 0 ? shown - 1 : 0;
        if (used <= total) {
            for (int i = 0; i < n; i++)
                out[i] = hidden[i] ? 0 : c[i].want;
            return true;
        }
        int drop = -1;
        for (int i = 0; i < n; i++)
            if (!hidden[i] && c[i].prio < OPTIONAL_PRIO && (drop < 0 || c[i].prio < c[drop].prio))
                drop = i;
        if (drop < 0)
            return false;
        hidden[drop] = true;
    }
}

/* Widths for the visible columns (out[i] 0: hidden): each at its natural
 * width when dropping optional columns makes that fit; otherwise the
 * widest give up columns down to a readable width (16, or less when they
 * need less); if that is not enough the lowest-priority column goes and
 * the rest start over, so a name stays readable rather than every column
 * being cut; only when two columns are left do they shrink down to their
 * minimum. */
void table_widths(const col_spec *c, int n, int total, int *out)
{
    if (fit_by_dropping(c, n, total, out))
        return;
    bool hidden[32] = {false};
    int floor[32];
    int shown = n;
    for (;;) {
        int used = 0;
        for (int i = 0; i < n; i++) {
            out[i] = hidden[i] ? 0 : c[i].want;
            int readable = c[i].min > 16 ? c[i].min : 16;
            floor[i] = hidden[i] ? 0 : c[i].want < readable ? c[i].want : readable;
            used += out[i];
        }
        used += shown > 0 ? shown - 1 : 0;
        if (!shrink(c, n, floor, out, used, total))
            return;
        if (shown <= 2)
            break;
        int drop = -1;
        for (int i = 0; i < n; i++)
            if (!hidden[i] && (drop < 0 || c[i].prio < c[drop].prio))
                drop = i;
        hidden[drop] = true;
        shown--;
    }
    /* two columns and still too wide: down to the minimums */
    int used = 0;
    for (int i = 0; i < n; i++) {
        floor[i] = hidden[i] ? 0 : c[i].min;
        used += out[i];
    }
    used += shown - 1;
    if (shrink(c, n, floor, out, used, total))
        for (int i = 0; i < n; i++) /* not even that: the first one gets it all */
            out[i] = hidden[i] ? 0 : total > 0 ? total : 0, hidden[i] = true;
}
