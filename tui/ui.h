/*
 * ui.h - the console's state and the view interface.
 *
 * One `ui` value holds everything the console knows (store, source, theme,
 * panes, filter, prompt); app.c owns the only instance and passes it down,
 * so every other tui/ file is stateless code over a `ui *`.
 *
 * Views follow tig's view_ops: one struct of function pointers per view
 * kind (tenants, resources, yaml, preview, help). A view is a list of rows
 * with a cursor; text views (yaml, preview, help) scroll instead of
 * selecting. rebuild() runs when the store, filter, tenant or tab changed;
 * draw() never reads anything but the view's rows and the ui.
 */
#ifndef MESHPANEL_UI_H
#define MESHPANEL_UI_H

#include <curses.h>
#include <panel.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "api/source.h"
#include "model/store.h"
#include "tui/config.h"
#include "tui/filter.h"
#include "tui/keymap.h"
#include "tui/rows.h"
#include "tui/theme.h"
#include "tui/trace.h"

typedef enum { PANE_TENANTS, PANE_RESOURCES, PANE_DETAIL, PANE_COUNT } pane_id;
typedef enum { TAB_INGRESS, TAB_GATEWAY, TAB_VS, TAB_ALL, TAB_COUNT } res_tab;
typedef enum {
    VIEW_TENANTS,
    VIEW_RESOURCES,
    VIEW_YAML,
    VIEW_PREVIEW,
    VIEW_DESCRIBE,
    VIEW_KINDS,
    VIEW_PROBLEMS,
    VIEW_HELP,
    VIEW_COUNT
} view_id;
typedef enum { PROMPT_NONE, PROMPT_COMMAND, PROMPT_FILTER, PROMPT_SEARCH } prompt_kind;

#define UI_HISTORY_MAX 64

typedef struct ui ui;
typedef struct view view;

/* A list's sort: the column's letter (0: natural order) and direction. */
typedef struct {
    char key;
    bool reverse;
} sort_state;
struct popup;
struct edit_screen;
struct staged_view;
struct mp_overlay;

typedef struct {
    const char *name;
    /* Recomputes rows from the store; called only when inputs changed. */
    void (*rebuild)(view *v, ui *u);
    /* Draws the body (inside the border) of h rows by w columns. */
    void (*draw)(view *v, ui *u, WINDOW *win, int y, int x, int h, int w, bool focused);
    /* Enter on the cursor row. */
    void (*enter)(view *v, ui *u);
    /* Pane title into buf ("Tenants [12]"). */
    void (*title)(view *v, ui *u, char *buf, size_t n);
    /* After the cursor moved (selection-driven panes follow). */
    void (*cursor_moved)(view *v, ui *u);
    void (*free)(view *v);
} view_ops;

struct view {
    const view_ops *ops;
    size_t nrows;
    size_t cursor, top;
    bool scroll_only;         /* text: j/k scroll, no selected row */
    int body_h;               /* rows visible at the last draw, for PgUp/PgDn and mouse */
    int body_y;               /* screen row of the first body row at the last draw */
    unsigned long long built; /* the ui generation the rows were built for */
    void *data;
};

typedef struct {
    WINDOW *win;
    PANEL *panel;
    int y, x, h, w;
    bool shown;
    view_id view; /* what the pane shows */
} pane;

struct ui {
    mp_store *store;
    mp_source *src;
    /* --kubeconfig, -n (argv strings) and --request-timeout as given, for
     * :ctx reconnects */
    const char *kubeconfig, *kube_ns;
    const char *manifest_dir; /* -f DIR (argv string), for :migrate; NULL otherwise */
    long request_timeout_ms;
    bool disable_compression; /* --disable-compression */
    theme *theme;
    mp_config cfg;
    keymap km;

    view views[VIEW_COUNT];
    pane panes[PANE_COUNT];
    pane help_pane;
    WINDOW *header, *status, *hints;
    int rows, cols;

    /* Shift + a column's letter sorts the focused list by that column
     * (again: reversed); 0: the natural order. */
    sort_state sort_tenants, sort_resources;

    pane_id focus;
    view_id detail;        /* VIEW_YAML, VIEW_PREVIEW or VIEW_DESCRIBE */
    bool detail_full;      /* z: the detail pane takes the whole width */
    bool preview_unfolded; /* w: the preview lists every finding */
    const char *kind_view; /* VIEW_KINDS: "Service", "DestinationRule", ... (static) */
    bool help_open;
    res_tab tab;
    char *tenant; /* namespace under the tenants cursor (owned) */
    /* The tenant the user chose (cursor, :tenant, -n; owned): the cursor
     * goes back to it whenever it is visible, so a filter that hid it, or
     * a live source still loading, does not lose the choice. */
    char *chosen_tenant;
    bool chosen_checked; /* the synced source was asked whether it has it */
    row_filter flt;

    prompt_kind prompt;
    char input[512];
    size_t input_len;
    char completion[256];  /* candidates shown while typing a command */
    char prev_filter[512]; /* the filter when the prompt opened */
    char search[256];      /* `/` in a text pane: highlighted, n / N move between lines */
    size_t search_origin;  /* the pane's first line when / opened */

    /* The status line's message: it belongs to the action that produced it.
     * The next action clears an info message; an error stays until another
     * message supersedes it or Esc dismisses it, and never comes back.
     * Every message also goes to the history :messages shows. */
    char message[MP_ERR_MAX];
    bool message_is_error;
    struct {
        char text[MP_ERR_MAX];
        bool error;
        time_t at;
    } history[UI_HISTORY_MAX];
    size_t nhistory, history_head; /* ring: the oldest is at history_head when full */

    time_t now; /* wall clock, or the fake one */
    bool fake_clock;
    time_t last_refresh; /* when data last arrived (0: none yet) */
    /* The source's connection as the event loop last saw it (app.c):
     * monotonic ms of the last data and of the lost contact, and that
     * contact as wall time for the header. */
    long long conn_data_ms, conn_since_ms;
    time_t conn_since;
    bool read_only;
    bool readonly_flag; /* --readonly */
    bool mouse;
    bool utf8;   /* locale can draw UTF-8 (box lines, ellipsis) */
    bool script; /* script mode: virtual screen */
    bool quit;
    bool layout_dirty;
    int fit_width;              /* view_tenants_fit at the last layout... */
    unsigned long long fit_gen; /* ...for this store generation */
    /* What views depend on: data (store, filter), selection (tenant, tab)
     * and detail (the selected object, detail mode). Each bumps the next. */
    unsigned long long data_gen, sel_gen, detail_gen;
    unsigned long long store_gen_seen;

    /* One row per Ingress/Gateway/VirtualService, rebuilt per store change
     * (cells filled on demand); the tenants filter and the resources pane
     * both read it. */
    res_row *rowcache;
    size_t nrowcache;
    size_t rows_idle; /* rows before it were visited by ui_rows_idle */
    unsigned long long rowcache_gen;
    /* the cache was built while the first lists loaded (ui_rows_loading):
     * store order and STATE unchecked; only its cells are of use */
    bool rowcache_loading;
    /* Editing: the open edit screen, the staged-edits view, a modal popup
     * (each NULL when closed), and the operator's staged edits with the
     * file they persist in (tui/staging.h). */
    struct edit_screen *edit;
    struct staged_view *staged;
    struct popup *popup;
    struct mp_overlay *overlay;
    struct plan_errors *plan_errors; /* conversion errors per tenant (tui/plan.h) */
    struct lint_console *lint;       /* lint findings (tui/lint_console.h) */
    /* Enter in :problems: the object (kobj_ref) and field the YAML view
     * scrolls to when it next shows that object */
    char jump_ref[512], jump_field[512];
    bool plan_errors_pending;           /* idle: tenants left to count... */
    unsigned long long plan_errors_gen; /* ...for this store generation */
    unsigned long long staged_gen;      /* moves with every change of the staged edits */
    char staged_file[4096];
    char *apply_msgs; /* last apply's per-object results, one line each (owned) */

    const char *script_name; /* script file, for messages */
    mp_trace *trace;         /* MESHPANEL_TRACE, NULL when off */
    bool traced_draw, traced_synced, traced_paint, traced_rows;
    /* with the trace: CPU ns spent in idle row fills (loading and after)
     * and the rows they filled, for the rows-filled line */
    long long fill_cpu_ns;
    size_t fill_rows;
    /* with the trace, until the sync: the wall ns the loop waited in poll
     * with nothing to do (for the server), and how often */
    long long wait_ns;
    size_t waits;
    /* store changes from the watch streams since the sync, and when the
     * trace last reported them (app.c: event=applied, at most every 250 ms) */
    unsigned long long applied, traced_applied;
    long long applied_ms;
    /* the store generation idle work last started on, and when (app.c) */
    unsigned long long idle_gen;
    long long idle_gen_ms;
};

/* Staleness: store or filter changed / tenant or tab changed / the
 * selected object or detail mode changed. */
void ui_data_changed(ui *u);
void ui_selection_changed(ui *u);
void ui_detail_changed(ui *u);
/* The row cache (sorted like store_list), rebuilt when the store changed.
 * Cells are filled on demand: ui_row_cells before reading them. */
const res_row *ui_rows(ui *u, size_t *n);
/* r (a row of ui_rows) with its cells; NULL when out of memory. */
const res_row *ui_row_cells(ui *u, const res_row *r);
/* Idle time: fills the current cache's cells ahead of need for about
 * budget_ms; true while rows remain. ui_rows_pending: is there such work? */
bool ui_rows_idle(ui *u, int budget_ms);
bool ui_rows_pending(const ui *u);
/* The same while the first lists load: fills cells in store order, with
 * STATE as the object alone decides (the store's derived indexes are not
 * built for every page that arrives). ui_rows adopts these cells and checks
 * each one's STATE when used. True while rows remain. */
bool ui_rows_loading(ui *u, int budget_ms);
bool ui_rows_loading_pending(const ui *u);
/* The same for at most n rows, whatever the time: the rows keep pace with
 * a list that leaves no idle time (bench/tui.sh's server keeps the console
 * busy from the first page to the last once the next page is prefetched),
 * so that a filter typed at the first paint finds them filled. */
void ui_rows_loading_pace(ui *u, size_t n);
/* Does a row pass the filter? (fills its cells) */
bool ui_row_matches(ui *u, const res_row *r);
/* Rebuilds a view when stale. */
void ui_view_sync(ui *u, view_id id);
view *ui_focused_view(ui *u);
view_id ui_pane_view(const ui *u, pane_id p);
void ui_set_tenant(ui *u, const char *ns);
/* The user's own choice of tenant (see chosen_tenant); also selects it. */
void ui_choose_tenant(ui *u, const char *ns);
void ui_set_message(ui *u, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A key is about to run an action: an info message from the previous one
 * goes (an error stays until superseded or dismissed). */
void ui_message_next_action(ui *u);
/* Esc: an error on the status line is dismissed first. True when it was. */
bool ui_message_dismiss(ui *u);
attr_t ui_attr(const ui *u, color_role r);
/* True while the source is disconnected: its objects may be out of date.
 * since gets "stale since 12:03:04Z" (or "stale"). render.c. */
bool ui_stale(ui *u, char *since, size_t n);

/* Sort key names -> the header arrow: "↑" / "↓" (ASCII ^ v without UTF-8),
 * "" when the list is not sorted by that key. */
const char *ui_sort_arrow(const ui *u, char have, char key, bool reverse);

/* Moves text view v to the next (dir 1) / previous (-1) line holding the
 * search term, or the first from its top (0). The line, or -1. */
long text_search_jump(ui *u, view *v, int dir);

/* The selected object of the resources view (NULL when none). */
const store_obj *ui_selected_object(ui *u);

/* Panes outside the three standard ones (edit screen, popups): place or
 * hide one (render.c). */
void ui_pane_place(pane *p, int y, int x, int h, int w);
void ui_pane_hide(pane *p);

/* View constructors (view_*.c): fill ops and data. */
void view_tenants_init(view *v);
void view_resources_init(view *v);
void view_yaml_init(view *v);
void view_preview_init(view *v);
void view_describe_init(view *v);
void view_kinds_init(view *v);
void view_problems_init(view *v);
void view_help_init(view *v);
/* The YAML and preview views, about to add obj's YAML at line first:
 * the line of the field :problems' Enter asked for when obj is its object
 * (the request is then done), else -1 (view_problems.c). */
long ui_jump_line(ui *u, const doc_node *obj, size_t first);
/* Columns the tenants pane needs for its longest namespace. */
int view_tenants_fit(ui *u);
/* The namespace of the tenants pane's row i as last built (the rows the
 * filter kept, in their order); NULL past the last. */
const char *view_tenants_ns_at(ui *u, size_t i);
/* The resources view's row under the cursor (NULL when empty). */
const res_row *view_resources_selected(view *v);

/* Resource tabs: names for titles and commands. */
const char *res_tab_name(res_tab t);
const char *res_tab_kind(res_tab t); /* NULL for TAB_ALL */
void ui_free_rows(ui *u);

#endif
