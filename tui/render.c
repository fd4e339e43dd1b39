/*
 * render.c - layout (three panes from 160 columns, two from 100, one
 * below) and drawing of header, panes, status line and key hints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "model/sanitize.h"
#include "tui/app.h"
#include "tui/edit.h"
#include "tui/popup.h"
#include "tui/staging.h"
#include "tui/draw.h"
#include "tui/ui.h"

#define HEADER_ROWS 1
#define FOOTER_ROWS 2 /* status line + hints/prompt */

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

void ui_pane_place(pane *p, int y, int x, int h, int w)
{
    if (p->shown && p->win && p->y == y && p->x == x && p->h == h && p->w == w)
        return;
    if (p->panel)
        del_panel(p->panel);
    if (p->win)
        delwin(p->win);
    p->win = newwin(h, w, y, x);
    p->panel = p->win ? new_panel(p->win) : NULL;
    p->y = y, p->x = x, p->h = h, p->w = w;
    p->shown = p->panel != NULL;
}

void ui_pane_hide(pane *p)
{
    if (p->panel)
        del_panel(p->panel);
    if (p->win)
        delwin(p->win);
    p->panel = NULL;
    p->win = NULL;
    p->shown = false;
}

/* The edit screen and the staged view cover the body: the three panes
 * are hidden (and not drawn: the preview would convert for nothing). */
static bool covered(const ui *u)
{
    return u->edit || u->staged;
}

/* One detail width for a screen width, in either layout, so the YAML does
 * not get narrower when the terminal gets wider. 30%: at 160 columns the
 * resources pane still shows a Sealos Ingress's name and host whole (z
 * gives the detail the whole screen). */
static int detail_width(int cols)
{
    return clampi(cols * 3 / 10, 48, 100);
}

static void layout(ui *u)
{
    if (covered(u)) {
        for (int p = 0; p < PANE_COUNT; p++)
            ui_pane_hide(&u->panes[p]);
        ui_pane_hide(&u->help_pane);
        if (u->staged) /* over an open editor */
            edit_hide(u);
        u->layout_dirty = false;
        return;
    }
    int bh = u->rows - HEADER_ROWS - FOOTER_ROWS, by = HEADER_ROWS, c = u->cols;
    if (bh < 3)
        bh = 3;
    bool show[PANE_COUNT] = {false, false, false};
    int x[PANE_COUNT] = {0}, w[PANE_COUNT] = {0};
    if (u->focus != PANE_DETAIL)
        u->detail_full = false; /* full screen ends when the focus leaves the pane */
    if (u->detail_full) {
        w[PANE_DETAIL] = c;
        show[PANE_DETAIL] = true;
    } else if (c >= 160) {
        /* the tenants pane as wide as its content, the detail pane as wide
         * as in the two-pane layout, the resources pane the rest */
        w[PANE_TENANTS] = clampi(view_tenants_fit(u), 36, 56);
        w[PANE_DETAIL] = detail_width(c);
        w[PANE_RESOURCES] = c - w[PANE_TENANTS] - w[PANE_DETAIL];
        x[PANE_RESOURCES] = w[PANE_TENANTS];
        x[PANE_DETAIL] = w[PANE_TENANTS] + w[PANE_RESOURCES];
        show[0] = show[1] = show[2] = true;
    } else if (c >= 100) {
        pane_id left = u->focus == PANE_DETAIL ? PANE_RESOURCES : PANE_TENANTS;
        pane_id right = u->focus == PANE_DETAIL ? PANE_DETAIL : PANE_RESOURCES;
        if (left == PANE_TENANTS) {
            w[left] = clampi(view_tenants_fit(u), 36, c * 45 / 100);
            w[right] = c - w[left];
        } else {
            w[right] = detail_width(c);
            w[left] = c - w[right];
        }
        x[right] = w[left];
        show[left] = show[right] = true;
    } else {
        w[u->focus] = c;
        show[u->focus] = true;
    }
    for (int p = 0; p < PANE_COUNT; p++) {
        u->panes[p].view = ui_pane_view(u, (pane_id)p);
        if (show[p])
            ui_pane_place(&u->panes[p], by, x[p], bh, w[p]);
        else
            ui_pane_hide(&u->panes[p]);
    }
    if (u->help_open)
        ui_pane_place(&u->help_pane, by, 0, bh, c);
    else
        ui_pane_hide(&u->help_pane);
    if (u->help_pane.panel)
        top_panel(u->help_pane.panel);
    u->help_pane.view = VIEW_HELP;
    u->layout_dirty = false;
}

static void ensure_bars(ui *u)
{
    if (u->header && getmaxx(u->header) == u->cols && getbegy(u->hints) == u->rows - 1)
        return;
    if (u->header)
        delwin(u->header), delwin(u->status), delwin(u->hints);
    u->header = newwin(1, u->cols, 0, 0);
    u->status = newwin(1, u->cols, u->rows - 2, 0);
    u->hints = newwin(1, u->cols, u->rows - 1, 0);
    /* keys are read through the hints window: reading through stdscr
     * would refresh the (blank) stdscr over the panels */
    keypad(u->hints, TRUE);
    nodelay(u->hints, TRUE);
}

static long long secs_until(long long t)
{
    long long now = source_now_ms();
    return t > now ? (t - now + 999) / 1000 : 0;
}

static void put_clock(char *buf, size_t n, const char *fmt, time_t t)
{
    struct tm tm;
    char hms[16];
    gmtime_r(&t, &tm);
    strftime(hms, sizeof hms, "%H:%M:%SZ", &tm);
    snprintf(buf, n, fmt, hms);
}

bool ui_stale(ui *u, char *since, size_t n)
{
    source_conn c;
    source_conn_state(u->src, &c);
    if (c.state != CONN_DISCONNECTED)
        return false;
    if (u->conn_since)
        put_clock(since, n, "stale since %s", u->conn_since);
    else
        snprintf(since, n, "stale");
    return true;
}

/* The connection badge of the header: its text into buf, its role. */
static color_role conn_badge(ui *u, char *buf, size_t n)
{
    source_conn c;
    source_conn_state(u->src, &c);
    char since[48] = "", when[48] = "";
    switch (c.state) {
    case CONN_SYNCED:
        snprintf(buf, n, " synced ");
        return ROLE_CONN_OK;
    case CONN_CONNECTING:
        if (c.deadline_ms)
            snprintf(when, sizeof when, " %llds", secs_until(c.deadline_ms));
        snprintf(buf, n, " connecting%s ", when);
        return ROLE_CONN_BUSY;
    case CONN_DEGRADED:
        snprintf(buf, n, " degraded: %.60s ", c.reason);
        return ROLE_CONN_BUSY;
    case CONN_DISCONNECTED:
        break;
    }
    if (u->conn_since)
        put_clock(since, sizeof since, " since %s", u->conn_since);
    if (c.deadline_ms)
        snprintf(when, sizeof when, ", retrying %llds", secs_until(c.deadline_ms));
    else if (c.retry_at_ms)
        snprintf(when, sizeof when, ", retry in %llds", secs_until(c.retry_at_ms));
    snprintf(buf, n, " DISCONNECTED%s%s ", since, when);
    return ROLE_CONN_DOWN;
}

static void draw_header(ui *u)
{
    WINDOW *w = u->header;
    attr_t a = ui_attr(u, ROLE_HEADER), l = ui_attr(u, ROLE_HEADER_LABEL);
    draw_fill(w, 0, 0, u->cols, a);
    int x = draw_text(w, 0, 0, " meshpanel ", u->cols, a | A_BOLD, false);
    char badge[160];
    color_role br = conn_badge(u, badge, sizeof badge);
    x += draw_text(w, 0, x, " ", u->cols - x, a, false);
    x += draw_text(w, 0, x, badge, u->cols - x > 64 ? 64 : u->cols - x, ui_attr(u, br), false);
    struct {
        const char *label, *value;
    } f[] = {{"ctx:", source_context(u->src)},
             {"cluster:", source_cluster(u->src)},
             {"ns:", u->tenant ? u->tenant : "-"}};
    for (size_t i = 0; i < 3 && x < u->cols; i++) {
        x += draw_text(w, 0, x, "  ", u->cols - x, a, false);
        x += draw_text(w, 0, x, f[i].label, u->cols - x, l, false);
        x += draw_text(w, 0, x, " ", u->cols - x, a, false);
        x += draw_text(w, 0, x, f[i].value, u->cols - x > 40 ? 40 : u->cols - x, a, false);
    }
    if (u->read_only && x + 13 < u->cols)
        draw_text(w, 0, u->cols - 12, " READ-ONLY ", 11, ui_attr(u, ROLE_READONLY), false);
}

static void draw_status(ui *u)
{
    WINDOW *w = u->status;
    attr_t a = ui_attr(u, ROLE_STATUS);
    draw_fill(w, 0, 0, u->cols, a);
    if (u->prompt == PROMPT_COMMAND && u->completion[0]) {
        draw_text(w, 0, 1, u->completion, u->cols - 2, ui_attr(u, ROLE_COMPLETION), false);
        return;
    }
    char left[512], tm[32] = "-";
    if (u->last_refresh)
        put_clock(tm, sizeof tm, "%s", u->last_refresh);
    /* the tenant rows hold the counts: store_count walks every object */
    size_t nt, ning = 0, ngw = 0, nvs = 0;
    const store_tenant *ts = store_tenants(u->store, &nt);
    for (size_t i = 0; i < nt; i++)
        ning += ts[i].n_ing, ngw += ts[i].n_gw, nvs += ts[i].n_vs;
    snprintf(left, sizeof left, " %zu tenant%s  %zu ing  %zu gw  %zu vs  | refreshed %s", nt,
             nt == 1 ? "" : "s", ning, ngw, nvs, tm);
    int x = draw_text(w, 0, 0, left, u->cols, a, false);
    if (filter_active(&u->flt) && u->prompt != PROMPT_FILTER) {
        char f[300];
        snprintf(f, sizeof f, "  | filter /%s", u->flt.expr);
        x += draw_text(w, 0, x, f, u->cols - x, ui_attr(u, ROLE_STATUS_INFO), false);
    }
    const char *msg = u->message[0] ? u->message : NULL;
    bool err = msg && u->message_is_error;
    if (!msg) {
        source_conn c;
        source_conn_state(u->src, &c);
        msg = source_status(u->src);
        err = c.state == CONN_DISCONNECTED || c.state == CONN_DEGRADED;
    }
    if (x + 4 < u->cols) {
        x += draw_text(w, 0, x, "  | ", u->cols - x, a, false);
        draw_text(w, 0, x, msg, u->cols - x, ui_attr(u, err ? ROLE_STATUS_ERROR : ROLE_STATUS),
                  false);
    }
}

static void draw_hints(ui *u)
{
    WINDOW *w = u->hints;
    if (u->prompt != PROMPT_NONE) {
        draw_fill(w, 0, 0, u->cols, ui_attr(u, ROLE_NORMAL));
        const char *p = u->prompt == PROMPT_COMMAND ? ":" : "/"; /* filter or search */
        int x = draw_text(w, 0, 0, p, 1, ui_attr(u, ROLE_PROMPT), false);
        draw_text(w, 0, x, u->input, u->cols - 2, ui_attr(u, ROLE_NORMAL), false);
        return;
    }
    draw_fill(w, 0, 0, u->cols, ui_attr(u, ROLE_HINT_TEXT));
    const action_def *t = action_table();
    key_scope scope = u->staged ? SC_STAGED : u->edit ? edit_scope(u) : SC_CONSOLE;
    int x = 0;
    if (u->popup) {
        draw_text(w, 0, 0, popup_hint(u), u->cols, ui_attr(u, ROLE_HINT_TEXT), false);
        return;
    }
    /* The hints of the scope that fit; help, quit and the way out (the last
     * hints of a scope) are kept, the others dropped from the end first, so
     * a narrow terminal still shows ? and q. */
    struct {
        char key[32];
        const char *text;
        int width;
        bool keep;
    } h[ACTION_COUNT];
    int n = 0, total = 0;
    for (int i = 0; i < ACTION_COUNT; i++) {
        int keys[1];
        if (!t[i].hint || t[i].scope != scope || !keymap_keys(&u->km, t[i].id, keys, 1))
            continue;
        char kn[24];
        snprintf(h[n].key, sizeof h[n].key, "<%s>", key_to_name(keys[0], kn, sizeof kn));
        h[n].text = t[i].hint;
        h[n].width = (int)(strlen(h[n].key) + strlen(t[i].hint) + 2);
        h[n].keep = t[i].id == ACT_HELP || t[i].id == ACT_QUIT || t[i].id == ACT_COMMAND ||
                    t[i].id == ACT_F_LEAVE || t[i].id == ACT_D_CLOSE || t[i].id == ACT_S_CLOSE;
        total += h[n++].width;
    }
    for (int i = n - 1; i >= 0 && total > u->cols; i--)
        if (!h[i].keep && h[i].width) {
            total -= h[i].width;
            h[i].width = 0;
        }
    for (int i = 0; i < n && x < u->cols; i++) {
        if (!h[i].width)
            continue;
        char label[48];
        x += draw_text(w, 0, x, h[i].key, u->cols - x, ui_attr(u, ROLE_HINT_KEY), false);
        snprintf(label, sizeof label, " %s ", h[i].text);
        x += draw_text(w, 0, x, label, u->cols - x, ui_attr(u, ROLE_HINT_TEXT), false);
    }
}

static void draw_pane(ui *u, pane *p, bool focused)
{
    if (!p->shown)
        return;
    view *v = &u->views[p->view];
    ui_view_sync(u, p->view);
    werase(p->win);
    char title[512], stale[64];
    v->ops->title(v, u, title, sizeof title);
    bool old = ui_stale(u, stale, sizeof stale);
    if (old) { /* a disconnected source: what the pane shows may be gone */
        size_t l = strlen(title);
        snprintf(title + l, sizeof title - l, " - %s", stale);
    }
    draw_box(p->win, title, ui_attr(u, focused ? ROLE_PANE_BORDER_ACTIVE : ROLE_PANE_BORDER),
             ui_attr(u, focused ? ROLE_PANE_TITLE_ACTIVE : ROLE_PANE_TITLE), u->utf8);
    wbkgdset(p->win, ' ' | (old ? A_DIM : A_NORMAL)); /* every cell drawn below is dimmed */
    if (p->h > 2 && p->w > 2)
        v->ops->draw(v, u, p->win, 1, 1, p->h - 2, p->w - 2, focused);
    wbkgdset(p->win, ' ');
}

/* The tenants pane is as wide as its longest namespace: a live source's
 * tenants arrive after the first layout, so a store change may move it. */
static void refit_tenants(ui *u)
{
    unsigned long long gen = store_generation(u->store);
    if (gen == u->fit_gen)
        return;
    u->fit_gen = gen;
    int fit = view_tenants_fit(u);
    if (fit != u->fit_width)
        u->layout_dirty = true;
    u->fit_width = fit;
}

void ui_render(ui *u)
{
    refit_tenants(u);
    if (u->layout_dirty || !u->header)
        layout(u);
    ensure_bars(u);
    if (u->staged) {
        staging_view_draw(u);
    } else if (u->edit) {
        edit_draw(u);
    } else {
        for (int p = 0; p < PANE_COUNT; p++)
            draw_pane(u, &u->panes[p], !u->help_open && u->focus == (pane_id)p);
        if (u->help_open)
            draw_pane(u, &u->help_pane, true);
    }
    popup_draw(u);
    draw_header(u);
    draw_status(u);
    draw_hints(u);
    wnoutrefresh(u->header);
    wnoutrefresh(u->status);
    update_panels();
    if (u->prompt != PROMPT_NONE) {
        curs_set(1);
        wmove(u->hints, 0, 1 + (int)san_widths(u->input));
    } else {
        curs_set(0);
    }
    wnoutrefresh(u->hints);
    if (u->edit && !u->staged)
        edit_place_cursor(u); /* last: the terminal cursor ends in the focused field */
    doupdate();
    app_painted(u);
}

void ui_windows_free(ui *u)
{
    for (int p = 0; p < PANE_COUNT; p++)
        ui_pane_hide(&u->panes[p]);
    ui_pane_hide(&u->help_pane);
    if (u->header)
        delwin(u->header), delwin(u->status), delwin(u->hints);
    u->header = u->status = u->hints = NULL;
}

/* Reads curscr (what the terminal shows after doupdate). A wide character
 * occupies two cells; in_wchnstr returns it once, so columns stay right. */
char *ui_screen_text(ui *u, size_t *len)
{
    size_t cap = (size_t)u->rows * ((size_t)u->cols * 4 + 1) + 1;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    size_t n = 0;
    wchar_t *line = malloc(((size_t)u->cols + 1) * sizeof *line);
    for (int y = 0; line && y < u->rows; y++) {
        size_t start = n;
        int got = mvwinnwstr(curscr, y, 0, line, u->cols);
        for (int i = 0; i < got && line[i]; i++) {
            char enc[4];
            size_t l = san_utf8_encode((uint32_t)line[i], enc);
            memcpy(out + n, enc, l);
            n += l;
        }
        while (n > start && out[n - 1] == ' ')
            n--;
        out[n++] = '\n';
    }
    free(line);
    out[n] = 0;
    *len = n;
    return out;
}
