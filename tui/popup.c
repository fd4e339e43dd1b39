/*
 * popup.c - confirmation and choice popups (see popup.h).
 */
#include "tui/popup.h"

#include <menu.h>
#include <stdlib.h>
#include <string.h>

#include "model/sanitize.h"
#include "tui/app.h"
#include "tui/draw.h"

#define MAX_LINES POPUP_MAX_LINES

typedef enum { POPUP_CONFIRM, POPUP_CHOOSE, POPUP_INFO } popup_kind;

struct popup {
    popup_kind kind;
    char *title, *question;
    char **lines; /* confirm: text; choose: items */
    size_t n;
    size_t current;
    popup_yes_fn yes, no;
    popup_pick_fn pick;
    void (*drop)(void *ud);
    void *ud;
    pane box;
    MENU *menu;
    ITEM **items;
    WINDOW *menu_sub;
    size_t top;   /* confirm: first text line shown */
    int pass[16]; /* info: keys that close it and go on to the console */
    size_t npass;
};

static char **copy_lines(const char *const *l, size_t n)
{
    char **c = calloc(n ? n : 1, sizeof *c);
    for (size_t i = 0; c && i < n; i++)
        c[i] = san_cleans(l[i] ? l[i] : "", 0);
    return c;
}

static void drop_menu(struct popup *p)
{
    if (p->menu) {
        unpost_menu(p->menu);
        free_menu(p->menu);
        p->menu = NULL;
    }
    for (size_t i = 0; p->items && p->items[i]; i++)
        free_item(p->items[i]);
    free(p->items);
    p->items = NULL;
    if (p->menu_sub)
        delwin(p->menu_sub);
    p->menu_sub = NULL;
}

static void destroy(struct popup *p)
{
    if (!p)
        return;
    drop_menu(p);
    ui_pane_hide(&p->box);
    for (size_t i = 0; i < p->n; i++)
        free(p->lines[i]);
    free(p->lines);
    free(p->title);
    free(p->question);
    free(p);
}

void popup_free(ui *u)
{
    struct popup *p = u->popup;
    u->popup = NULL;
    if (p && p->drop)
        p->drop(p->ud);
    destroy(p);
}

void popup_set_drop(ui *u, void (*drop)(void *ud))
{
    if (u->popup)
        u->popup->drop = drop;
}

static struct popup *start(ui *u, popup_kind kind, const char *title, const char *const *lines,
                           size_t n)
{
    popup_free(u);
    if (n > MAX_LINES)
        n = MAX_LINES;
    struct popup *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->kind = kind;
    p->title = strdup(title ? title : "");
    p->lines = copy_lines(lines, n);
    p->n = p->lines ? n : 0;
    u->popup = p;
    u->layout_dirty = true;
    return p;
}

void popup_confirm(ui *u, const char *title, const char *const *lines, size_t nlines,
                   const char *question, popup_yes_fn yes, popup_yes_fn no, void *ud)
{
    struct popup *p = start(u, POPUP_CONFIRM, title, lines, nlines);
    if (!p)
        return;
    p->question = strdup(question ? question : "Continue?");
    p->yes = yes;
    p->no = no;
    p->ud = ud;
}

void popup_info(ui *u, const char *title, const char *const *lines, size_t nlines)
{
    struct popup *p = start(u, POPUP_INFO, title, lines, nlines);
    if (p)
        p->question = strdup("any key closes");
}

void popup_info_pass(ui *u, const char *title, const char *const *lines, size_t nlines,
                     const int *pass, size_t npass)
{
    popup_info(u, title, lines, nlines);
    struct popup *p = u->popup;
    for (size_t i = 0; p && i < npass && p->npass < 16; i++)
        p->pass[p->npass++] = pass[i];
}

void popup_choose(ui *u, const char *title, const char *const *items, size_t n, size_t current,
                  popup_pick_fn pick, void *ud)
{
    struct popup *p = start(u, POPUP_CHOOSE, title, items, n);
    if (!p)
        return;
    p->pick = pick;
    p->ud = ud;
    p->current = current < p->n ? current : 0;
}

const char *popup_hint(const ui *u)
{
    const struct popup *p = u->popup;
    if (!p)
        return "";
    switch (p->kind) {
    case POPUP_INFO:
        return " <Up/Down> scroll, any other key closes";
    case POPUP_CHOOSE:
        return " <Up/Down> move <Enter> choose <Esc> cancel";
    default:
        return " answer the question above (Esc: no)";
    }
}

bool popup_open(const ui *u)
{
    return u->popup != NULL;
}

/* ---- keys ---------------------------------------------------------------- */

static void close_with(ui *u, int answer)
{
    struct popup *p = u->popup;
    u->popup = NULL;
    u->layout_dirty = true;
    if (p->kind != POPUP_CHOOSE) {
        popup_yes_fn fn = answer ? p->yes : p->no;
        void *ud = p->ud;
        destroy(p);
        if (fn)
            fn(u, ud);
        return;
    }
    char *item = answer && p->n ? strdup(p->lines[p->current]) : NULL;
    size_t idx = p->current;
    popup_pick_fn fn = p->pick;
    void *ud = p->ud;
    destroy(p);
    if (item && fn)
        fn(u, item, idx, ud);
    free(item);
}

void popup_key(ui *u, int key, bool fn)
{
    struct popup *p = u->popup;
    if (!p)
        return;
    if (p->kind == POPUP_INFO) {
        bool pass = false;
        for (size_t i = 0; !fn && i < p->npass; i++)
            pass |= p->pass[i] == key;
        if (fn && key == KEY_DOWN)
            p->top++;
        else if (fn && key == KEY_UP)
            p->top -= p->top > 0;
        else
            close_with(u, 0);
        if (pass)
            ui_handle_key(u, key, false);
        return;
    }
    if (!fn && (key == 27 || key == 'n' || key == 'N' || key == 'q')) {
        close_with(u, 0);
        return;
    }
    if (p->kind == POPUP_CONFIRM) {
        if (!fn && (key == 'y' || key == 'Y'))
            close_with(u, 1);
        else if (!fn && key == '\n')
            close_with(u, 0); /* the safe answer is the default */
        else if ((fn && key == KEY_DOWN) || (!fn && key == 'j'))
            p->top += p->top + 1 < p->n;
        else if ((fn && key == KEY_UP) || (!fn && key == 'k'))
            p->top -= p->top > 0;
        return;
    }
    if (!fn && key == '\n') {
        close_with(u, 1);
        return;
    }
    if ((fn && key == KEY_DOWN) || (!fn && key == 'j'))
        p->current += p->current + 1 < p->n;
    else if ((fn && key == KEY_UP) || (!fn && key == 'k'))
        p->current -= p->current > 0;
    else if (fn && key == KEY_HOME)
        p->current = 0;
    else if (fn && key == KEY_END)
        p->current = p->n ? p->n - 1 : 0;
}

/* ---- drawing --------------------------------------------------------------- */

static void place_box(ui *u, struct popup *p, int want_h, int want_w)
{
    int h = want_h > u->rows - 4 ? u->rows - 4 : want_h;
    int w = want_w > u->cols - 4 ? u->cols - 4 : want_w;
    if (h < 5)
        h = 5;
    if (w < 20)
        w = 20;
    ui_pane_place(&p->box, (u->rows - h) / 2, (u->cols - w) / 2, h, w);
    if (p->box.panel)
        top_panel(p->box.panel);
}

static int widest(const struct popup *p, int min)
{
    int w = min;
    for (size_t i = 0; i < p->n; i++) {
        int l = (int)san_widths(p->lines[i]);
        w = l > w ? l : w;
    }
    return w;
}

/* Bytes of the next piece of a line wrapped at cols columns (at a space
 * when one is near the limit). */
static size_t piece(const char *s, int cols)
{
    size_t len = strlen(s);
    size_t fit = san_prefix_fit(s, len, cols > 1 ? (size_t)cols : 1, NULL);
    if (fit >= len)
        return len;
    for (size_t k = fit; k > fit * 2 / 3; k--)
        if (s[k] == ' ')
            return k + 1;
    return fit ? fit : 1;
}

static int wrapped_lines(const struct popup *p, int cols)
{
    int n = 0;
    for (size_t i = 0; i < p->n; i++) {
        const char *s = p->lines[i];
        n++;
        for (s += piece(s, cols); *s; s += piece(s, cols))
            n++;
    }
    return n;
}

static void draw_confirm(ui *u, struct popup *p)
{
    int qw = (int)san_widths(p->question) + 20;
    int w = widest(p, qw) + 4;
    if (w > u->cols - 4)
        w = u->cols - 4;
    int total = wrapped_lines(p, w - 4);
    place_box(u, p, total + 4, w);
    WINDOW *win = p->box.win;
    if (!win)
        return;
    werase(win);
    draw_box(win, p->title, ui_attr(u, ROLE_PANE_BORDER_ACTIVE), ui_attr(u, ROLE_PANE_TITLE_ACTIVE),
             u->utf8);
    int body = p->box.h - 3, cols = p->box.w - 4;
    if ((int)p->top + body > total)
        p->top = total > body ? (size_t)(total - body) : 0;
    int line = 0, y = 1;
    for (size_t i = 0; i < p->n && y <= body; i++) {
        for (const char *s = p->lines[i]; y <= body;) {
            size_t b = piece(s, cols);
            if (line++ >= (int)p->top) {
                char buf[1024];
                snprintf(buf, sizeof buf, "%.*s", (int)b, s);
                draw_text(win, y++, 2, buf, cols, ui_attr(u, ROLE_NORMAL), false);
            }
            s += b;
            if (!*s)
                break;
        }
    }
    int x = draw_text(win, p->box.h - 2, 2, p->question, cols, ui_attr(u, ROLE_PROMPT), false);
    if (p->kind == POPUP_CONFIRM)
        draw_text(win, p->box.h - 2, 2 + x, "  [y] yes  [N] no", cols - x,
                  ui_attr(u, ROLE_HINT_TEXT), false);
}

static void draw_choose(ui *u, struct popup *p)
{
    drop_menu(p); /* its subwindow must go before the box window can change */
    place_box(u, p, (int)p->n + 2, widest(p, (int)san_widths(p->title) + 4) + 8);
    WINDOW *w = p->box.win;
    if (!w)
        return;
    werase(w);
    draw_box(w, p->title, ui_attr(u, ROLE_PANE_BORDER_ACTIVE), ui_attr(u, ROLE_PANE_TITLE_ACTIVE),
             u->utf8);
    p->items = calloc(p->n + 1, sizeof *p->items);
    for (size_t i = 0; p->items && i < p->n; i++)
        p->items[i] = new_item(p->lines[i], "");
    p->menu = p->items ? new_menu(p->items) : NULL;
    p->menu_sub = derwin(w, p->box.h - 2, p->box.w - 4, 1, 2);
    if (!p->menu || !p->menu_sub)
        return;
    set_menu_win(p->menu, w);
    set_menu_sub(p->menu, p->menu_sub);
    set_menu_format(p->menu, p->box.h - 2, 1);
    set_menu_mark(p->menu, u->utf8 ? "\u25b8" : ">");
    set_menu_fore(p->menu, ui_attr(u, ROLE_ROW_SELECTED));
    set_menu_back(p->menu, ui_attr(u, ROLE_NORMAL));
    post_menu(p->menu);
    if (p->current < p->n)
        set_current_item(p->menu, p->items[p->current]);
}

void popup_draw(ui *u)
{
    struct popup *p = u->popup;
    if (!p)
        return;
    if (p->kind == POPUP_CHOOSE)
        draw_choose(u, p);
    else
        draw_confirm(u, p);
}
