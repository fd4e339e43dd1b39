/*
 * actions.c - the action table (keys, help, handler) and input dispatch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base64.h"
#include "tui/app.h"
#include "tui/command.h"
#include "tui/edit.h"
#include "tui/migrate_steps.h"
#include "tui/popup.h"
#include "tui/staging.h"
#include "tui/textview.h"
#include "tui/ui.h"

#define CTRL(c) ((c)&0x1f)

static void sync_focused(ui *u)
{
    if (u->help_open)
        ui_view_sync(u, VIEW_HELP);
    else
        ui_view_sync(u, ui_pane_view(u, u->focus));
}

static void move_to(ui *u, view *v, long target)
{
    if (v->scroll_only) {
        long max = (long)v->nrows - (v->body_h > 0 ? v->body_h : 1);
        if (target > max)
            target = max;
        v->top = target < 0 ? 0 : (size_t)target;
        v->cursor = v->top;
        return;
    }
    if (!v->nrows)
        return;
    if (target >= (long)v->nrows)
        target = (long)v->nrows - 1;
    if (target < 0)
        target = 0;
    if ((size_t)target == v->cursor)
        return;
    v->cursor = (size_t)target;
    if (v->ops->cursor_moved)
        v->ops->cursor_moved(v, u);
}

static void move_by(ui *u, long delta)
{
    sync_focused(u);
    view *v = ui_focused_view(u);
    move_to(u, v, (long)(v->scroll_only ? v->top : v->cursor) + delta);
}

static long page(ui *u)
{
    view *v = ui_focused_view(u);
    return v->body_h > 1 ? v->body_h - 1 : 1;
}

static void act_down(ui *u)
{
    move_by(u, 1);
}
static void act_up(ui *u)
{
    move_by(u, -1);
}
static void act_top(ui *u)
{
    move_by(u, -(1L << 30));
}
static void act_bottom(ui *u)
{
    move_by(u, 1L << 30);
}
static void act_page_down(ui *u)
{
    move_by(u, page(u));
}
static void act_page_up(ui *u)
{
    move_by(u, -page(u));
}

static void focus(ui *u, pane_id p)
{
    u->focus = p;
    u->help_open = false;
    u->layout_dirty = true;
}

static void act_next_pane(ui *u)
{
    focus(u, (pane_id)((u->focus + 1) % PANE_COUNT));
}
static void act_prev_pane(ui *u)
{
    focus(u, (pane_id)((u->focus + PANE_COUNT - 1) % PANE_COUNT));
}

static void act_enter(ui *u)
{
    sync_focused(u);
    view *v = ui_focused_view(u);
    if (v->ops->enter)
        v->ops->enter(v, u);
}

static void act_back(ui *u)
{
    if (ui_message_dismiss(u))
        return;
    if (u->help_open) {
        u->help_open = false;
    } else if (u->focus != PANE_TENANTS) {
        u->focus = u->focus == PANE_DETAIL ? PANE_RESOURCES : PANE_TENANTS;
    } else if (filter_active(&u->flt)) {
        filter_clear(&u->flt);
        ui_data_changed(u);
        ui_set_message(u, false, "filter cleared");
    }
    u->layout_dirty = true;
}

static void set_tab(ui *u, res_tab t)
{
    if (u->tab == t)
        return;
    u->tab = t;
    u->views[VIEW_RESOURCES].cursor = u->views[VIEW_RESOURCES].top = 0;
    ui_selection_changed(u);
}

static void act_next_tab(ui *u)
{
    set_tab(u, (res_tab)((u->tab + 1) % TAB_COUNT));
}
static void act_prev_tab(ui *u)
{
    set_tab(u, (res_tab)((u->tab + TAB_COUNT - 1) % TAB_COUNT));
}
static void act_tab_ingress(ui *u)
{
    set_tab(u, TAB_INGRESS);
}
static void act_tab_gateway(ui *u)
{
    set_tab(u, TAB_GATEWAY);
}
static void act_tab_vs(ui *u)
{
    set_tab(u, TAB_VS);
}
static void act_tab_all(ui *u)
{
    set_tab(u, TAB_ALL);
}

/* The detail pane is always visible at three panes; below that, asking for
 * it moves the focus there so the layout shows it. */
static void show_detail(ui *u, view_id v)
{
    if (u->detail != v) {
        u->detail = v;
        ui_detail_changed(u);
    }
    u->help_open = false;
    if (u->cols < 160)
        u->focus = PANE_DETAIL;
    u->layout_dirty = true;
}

static void act_yaml(ui *u)
{
    show_detail(u, VIEW_YAML);
}
static void act_preview(ui *u)
{
    show_detail(u, VIEW_PREVIEW);
}
static void act_describe(ui *u)
{
    show_detail(u, VIEW_DESCRIBE);
}

/* z: the detail pane alone, the whole width (k9s' full-screen view). */
static void act_full(ui *u)
{
    u->detail_full = !u->detail_full;
    if (u->detail_full)
        u->focus = PANE_DETAIL;
    u->layout_dirty = true;
}

static void act_command(ui *u)
{
    prompt_open(u, PROMPT_COMMAND);
}
static void act_filter(ui *u)
{
    prompt_open(u, PROMPT_FILTER);
}

static void act_refresh(ui *u)
{
    mp_err err = {{0}};
    if (app_refresh(u, &err) < 0)
        ui_set_message(u, true, "%s", err.msg);
}

static void act_help(ui *u)
{
    u->help_open = !u->help_open;
    u->views[VIEW_HELP].top = 0;
    u->layout_dirty = true;
}

/* k9s: q closes the view in front (help, the detail pane) and quits only
 * from the top level; :q always quits. */
static void act_quit(ui *u)
{
    if (u->help_open) {
        u->help_open = false;
        u->layout_dirty = true;
    } else if (u->focus == PANE_DETAIL) {
        u->focus = PANE_RESOURCES;
        u->layout_dirty = true;
    } else {
        u->quit = true;
    }
}

/* ---- text panes: search ------------------------------------------------ */

long text_search_jump(ui *u, view *v, int dir)
{
    if (!v->scroll_only || !u->search[0])
        return -1;
    size_t from = dir ? v->top : (v->top ? v->top - 1 : v->nrows);
    long at = text_view_find(v, u->search, from, dir ? dir : 1);
    if (at >= 0)
        move_to(u, v, at);
    return at;
}

static void act_text_search(ui *u)
{
    prompt_open(u, PROMPT_SEARCH);
}

static void text_step(ui *u, int dir)
{
    sync_focused(u);
    if (!u->search[0]) {
        ui_set_message(u, false, "/ searches this pane first");
        return;
    }
    if (text_search_jump(u, ui_focused_view(u), dir) < 0)
        ui_set_message(u, false, "no line holds /%s", u->search);
}

static void act_text_next(ui *u)
{
    text_step(u, 1);
}

static void act_text_prev(ui *u)
{
    text_step(u, -1);
}

/* OSC 52 asks the terminal to put text on the clipboard: sent only on this
 * key, never on its own (terminals may refuse or ignore it, so :w FILE is
 * the sure way). */
static void act_text_copy(ui *u)
{
    sync_focused(u);
    size_t len;
    char *text = text_view_text(ui_focused_view(u), &len);
    char *b64 = text ? b64_encode((const unsigned char *)text, len) : NULL;
    if (!b64) {
        ui_set_message(u, true, "copy: out of memory");
    } else if (u->script) {
        ui_set_message(u, false, "copy: %zu bytes (not sent: script mode has no terminal)", len);
    } else {
        printf("\033]52;c;%s\a", b64);
        fflush(stdout);
        ui_set_message(u, false,
                       "sent %zu bytes to the terminal's clipboard (OSC 52); if it ignores OSC 52, "
                       ":w FILE writes them to a file",
                       len);
    }
    free(b64);
    free(text);
}

static void act_fold(ui *u)
{
    if (u->detail != VIEW_PREVIEW) {
        ui_set_message(u, false, "w folds the preview's findings (c opens the preview)");
        return;
    }
    u->preview_unfolded = !u->preview_unfolded;
    ui_detail_changed(u);
    ui_set_message(u, false, "%s", u->preview_unfolded ? "every finding shown" : "findings folded");
}

/* ---- sorting ------------------------------------------------------------- */

static void sort_by(ui *u, char key)
{
    sync_focused(u);
    if (u->help_open || (u->focus != PANE_TENANTS && u->focus != PANE_RESOURCES)) {
        ui_set_message(u, false, "sorting works in the tenants and resources panes");
        return;
    }
    bool tenants = u->focus == PANE_TENANTS;
    if (tenants && !strchr("NSPIWV", key)) {
        ui_set_message(u, false, "the tenants pane sorts by N, I, W, V, S, P");
        return;
    }
    if (!tenants && !strchr("NAHPCTSK", key)) {
        ui_set_message(u, false, "the resources pane sorts by N, H, P, C, T, A, S, K");
        return;
    }
    sort_state *s = tenants ? &u->sort_tenants : &u->sort_resources;
    s->reverse = s->key == key ? !s->reverse : false;
    s->key = key;
    ui_data_changed(u);
}

/* One action per sort key: the action table takes functions of ui only. */
#define SORT_ACTION(name, key)                                                                     \
    static void act_sort_##name(ui *u)                                                             \
    {                                                                                              \
        sort_by(u, key);                                                                           \
    }
SORT_ACTION(name, 'N')
SORT_ACTION(age, 'A')
SORT_ACTION(state, 'S')
SORT_ACTION(hosts, 'H')
SORT_ACTION(paths, 'P')
SORT_ACTION(class, 'C')
SORT_ACTION(tls, 'T')
SORT_ACTION(kind, 'K')
SORT_ACTION(ing, 'I')
SORT_ACTION(gw, 'W')
SORT_ACTION(vs, 'V')
#undef SORT_ACTION

#define KEYS(...)                                                                                  \
    {                                                                                              \
        __VA_ARGS__                                                                                \
    }

static const action_def actions[ACTION_COUNT] = {
#define ACTION_ROW(id, name, scope, group, hint, help, keys, fn)                                   \
    [ACT_##id] = {ACT_##id, name, scope, group, hint, help, keys, fn},
    ACTIONS(ACTION_ROW)
#undef ACTION_ROW
};

const action_def *action_table(void)
{
    return actions;
}

/* A key bound to nothing says so, rather than nothing happening; the k9s
 * keys a user reaches for by habit say what meshpanel does instead. */
static void unbound_key(ui *u, int key)
{
    static const struct {
        int key;
        const char *text;
    } habits[] = {
        {4, "Ctrl-d (k9s: delete): meshpanel never deletes objects"},
        {11, "Ctrl-k (k9s: kill): meshpanel never deletes or kills"},
        {'l', "l (k9s: logs): meshpanel shows no logs; d describes"},
        {'s', "s (k9s: shell): meshpanel opens no shell; d describes"},
    };
    for (size_t i = 0; i < sizeof habits / sizeof habits[0]; i++)
        if (habits[i].key == key) {
            ui_set_message(u, false, "%s", habits[i].text);
            return;
        }
    if (key == 27 || key == KEY_RESIZE || key == ERR)
        return;
    const char *name = keyname(key);
    ui_set_message(u, false, "%s does nothing here (? lists the keys)", name ? name : "that key");
}

void ui_handle_key(ui *u, int key, bool fn)
{
    if (fn && key == KEY_RESIZE) {
        u->layout_dirty = true;
        return;
    }
    if (fn && key == KEY_MOUSE) {
        MEVENT ev;
        if (getmouse(&ev) == OK)
            ui_handle_mouse(u, &ev);
        return;
    }
    /* Enter arrives as '\n', '\r' (nonl mode) or KEY_ENTER (keypad) */
    if ((!fn && key == '\r') || (fn && key == KEY_ENTER)) {
        key = '\n';
        fn = false;
    }
    if (u->popup) {
        popup_key(u, key, fn);
        return;
    }
    if (u->prompt != PROMPT_NONE) {
        prompt_key(u, key, fn);
        return;
    }
    if (!fn && key == CTRL('c')) { /* raw mode: Ctrl-C is a key, not a signal */
        if (u->edit)
            act_edit_close(u);
        else
            u->quit = true;
        return;
    }
    if (u->staged) {
        ui_message_next_action(u);
        staging_view_key(u, key, fn);
        return;
    }
    if (u->edit) {
        ui_message_next_action(u);
        edit_key(u, key, fn); /* the form takes typed characters, also non-ASCII */
        return;
    }
    if (!fn && key >= KEY_MIN)
        return; /* a non-ASCII character outside the prompt binds nothing */
    ui_message_next_action(u);
    /* a text pane's own keys first (/ searches its text), then the console's */
    sync_focused(u);
    action_id a = ui_focused_view(u)->scroll_only ? keymap_lookup(&u->km, SC_TEXT, key) : ACT_NONE;
    if (a == ACT_NONE)
        a = keymap_lookup(&u->km, SC_CONSOLE, key);
    if (a != ACT_NONE)
        action_table()[a].run(u);
    else
        unbound_key(u, key);
}

static int pane_at(ui *u, int y, int x)
{
    for (int p = 0; p < PANE_COUNT; p++) {
        pane *pn = &u->panes[p];
        if (pn->shown && y >= pn->y && y < pn->y + pn->h && x >= pn->x && x < pn->x + pn->w)
            return p;
    }
    return -1;
}

void ui_handle_mouse(ui *u, const MEVENT *ev)
{
    if (u->help_open) {
        view *v = &u->views[VIEW_HELP];
        if (ev->bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED))
            move_to(u, v, (long)v->top + (ev->bstate & BUTTON4_PRESSED ? -3 : 3));
        return;
    }
    int p = pane_at(u, ev->y, ev->x);
    if (p < 0)
        return;
    view *v = &u->views[u->panes[p].view];
    ui_view_sync(u, u->panes[p].view);
    if (ev->bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
        long d = ev->bstate & BUTTON4_PRESSED ? -3 : 3;
        move_to(u, v, (long)(v->scroll_only ? v->top : v->cursor) + d);
        return;
    }
    if (!(ev->bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_RELEASED)))
        return;
    if (u->focus != (pane_id)p) {
        u->focus = (pane_id)p;
        u->layout_dirty = true;
    }
    int row = ev->y - u->panes[p].y - v->body_y;
    if (!v->scroll_only && row >= 0 && row < v->body_h)
        move_to(u, v, (long)v->top + row);
}
