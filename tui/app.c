/*
 * app.c - the console: flags, setup, the one event loop, teardown.
 *
 * The only file with mutable state beyond a function call: the ui value
 * lives in app_main's frame and everything else gets a pointer to it. The
 * loop polls the terminal, the source's fds and a timer, so a slow source
 * shows as a status, never as a frozen screen. Script mode renders into a
 * virtual screen (newterm on /dev/null at a fixed size) and reads keys from
 * a file instead of the terminal.
 */
#include <errno.h>
#include <malloc.h>
#include <locale.h>
#include <langinfo.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/fsutil.h"
#include "api/source.h"
#include "model/overlay.h"
#include "tui/app.h"
#include "tui/cli/cli.h"
#include "tui/cli/cmd_kube.h"
#include "tui/edit.h"
#include "tui/lint_console.h"
#include "tui/plan.h"
#include "tui/popup.h"
#include "tui/rows.h"
#include "tui/script.h"
#include "tui/staging.h"
#include "tui/ui.h"

#define SCRIPT_DEFAULT_COLS  160
#define SCRIPT_DEFAULT_ROWS  45
#define SCRIPT_DEFAULT_CLOCK "2026-09-01T00:00:00Z"
#define TICK_MS              1000
#define PAINT_MS             100   /* at most one source-driven repaint per period */
#define PAINT_LOADING_MS     500   /* ... while the first list is still arriving */
#define IDLE_SLICE_MS        4     /* idle work between two polls for keys */
#define IDLE_SETTLE_MS       100   /* idle work on a changed store at most this often */
#define LOADING_SETTLE_MS    20    /* ... while the first lists load (ui_rows_loading) */
#define LOADING_POLL_MS      1     /* loading rows only after this long with nothing to read */
#define LOADING_SLICE_MS     2     /* and for at most this long */
#define REQUEST_TIMEOUT_MS   30000 /* --request-timeout's default */

typedef struct {
    bool demo, readonly;
    const char *dir;
    const char *theme;
    const char *script;
    int cols, rows;
    const char *kubeconfig, *context, *ns;
    long request_timeout_ms; /* < 0: none */
    bool disable_compression;
} app_opts;

void app_usage(FILE *out)
{
    fprintf(
        out,
        "usage: meshpanel [--demo | -f DIR] [--theme NAME] [--script FILE] [--size COLSxROWS]\n"
        "                 [--kubeconfig FILE] [--context NAME] [-n NS] [--readonly]\n"
        "                 [--request-timeout 30s] [--disable-compression]\n"
        "       meshpanel COMMAND [options]\n\n"
        "The console (without a command):\n"
        "  --demo            open the bundled demo tenants (edits applied in memory)\n"
        "  -f, --filename    a directory (or file) of manifests, re-read on change\n"
        "  --theme NAME      default, light, high-contrast, mono or a .theme path\n"
        "  --script FILE     run keys/commands from FILE on a virtual screen "
        "(also MESHPANEL_SCRIPT)\n"
        "  --size COLSxROWS  virtual screen size in script mode (default 160x45)\n"
        "  --readonly        browse, edit and diff, but never stage or apply\n"
        "  --request-timeout how long the cluster may take to answer (30s, 1m; 0: no limit)\n"
        "  --disable-compression  never ask the cluster for gzip (as kubectl's flag; also the\n"
        "                    kubeconfig cluster's disable-compression: true)\n"
        "  --kubeconfig FILE, --context NAME   the cluster (default: KUBECONFIG, ~/.kube/config)\n"
        "  -n, --namespace NS                  the tenant selected at start\n"
        "Keys: ? in the console. Docs: docs/usage.md, man meshpanel\n");
}

static int parse_size(const char *s, int *cols, int *rows)
{
    char x;
    return s && sscanf(s, "%d%c%d", cols, &x, rows) == 3 && (x == 'x' || x == 'X') && *cols >= 20 &&
                   *rows >= 8 && *cols <= 1000 && *rows <= 500
               ? 0
               : -1;
}

/* Returns 0 to run, 1 when --help was printed, -1 on a bad flag. */
static int parse_args(int argc, char **argv, app_opts *o)
{
    for (int i = 1, r; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        const char **slot = !strcmp(a, "-f") || !strcmp(a, "--filename")    ? &o->dir
                            : !strcmp(a, "--theme")                         ? &o->theme
                            : !strcmp(a, "--script")                        ? &o->script
                            : !strcmp(a, "--kubeconfig")                    ? &o->kubeconfig
                            : !strcmp(a, "--context")                       ? &o->context
                            : !strcmp(a, "-n") || !strcmp(a, "--namespace") ? &o->ns
                                                                            : NULL;
        if (slot) {
            if (!next) {
                fprintf(stderr, "meshpanel: %s needs a value\n", a);
                return -1;
            }
            *slot = next;
            i++;
        } else if (!strcmp(a, "--demo")) {
            o->demo = true;
        } else if (!strcmp(a, "--readonly") || !strcmp(a, "--read-only")) {
            o->readonly = true;
        } else if ((r = cli_bool_flag(a, "--disable-compression", &o->disable_compression, ""))) {
            if (r < 0)
                return -1;
        } else if (!strcmp(a, "--request-timeout")) {
            if (!next || !parse_duration_ms(next, &o->request_timeout_ms)) {
                fprintf(stderr, "meshpanel: --request-timeout wants a duration (30s, 1m, 0)\n");
                return -1;
            }
            if (!o->request_timeout_ms)
                o->request_timeout_ms = -1; /* "0": no timeout, like kubectl */
            i++;
        } else if (!strcmp(a, "--size")) {
            if (parse_size(next, &o->cols, &o->rows) < 0) {
                fprintf(stderr, "meshpanel: --size wants COLSxROWS like 120x40\n");
                return -1;
            }
            i++;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            app_usage(stdout);
            return 1;
        } else {
            fprintf(stderr, "meshpanel: unknown option %s (see meshpanel --help)\n", a);
            return -1;
        }
    }
    if (o->demo && o->dir) {
        fprintf(stderr, "meshpanel: --demo and -f are exclusive\n");
        return -1;
    }
    return 0;
}

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long long mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The store changed under open screens: the editor's left side and the
 * staged view follow it. */
static void store_changed(ui *u)
{
    edit_store_changed(u);
    staging_view_refresh(u);
}

static time_t wall_now(const ui *u)
{
    return u->fake_clock ? u->now : time(NULL);
}

/* A source that relists in the background says so in a note, and how it
 * went in a later one (step_source); one that re-read everything before
 * returning has refreshed now. */
int app_refresh(ui *u, mp_err *err)
{
    int r = source_refresh(u->src, u->store, err);
    if (r < 0)
        return -1;
    if (r > 0)
        store_changed(u);
    bool failed;
    const char *note = source_take_note(u->src, &failed);
    if (note) {
        ui_set_message(u, failed, "%s", note);
        return 0;
    }
    u->last_refresh = wall_now(u);
    ui_set_message(u, false, "refreshed: %d change%s", r, r == 1 ? "" : "s");
    return 0;
}

int app_save_display(ui *u, const char *path, mp_err *err)
{
    /* the screen as a person sees it once the console is idle: every
     * tenant's conversion errors counted (exact screens in script mode,
     * without counting on every draw, which the benchmark would measure) */
    if (source_synced(u->src)) {
        while (plan_errors_idle(u, 1000))
            ;
        if (lint_console_update(u) > 0)
            ui_data_changed(u);
    }
    ui_render(u);
    size_t len;
    char *text = ui_screen_text(u, &len);
    if (!text)
        return mp_errf(err, "save-display: out of memory");
    int rc = fs_write_atomic(path, text, len, 0644, err);
    free(text);
    return rc;
}

int app_resize(ui *u, int cols, int rows, mp_err *err)
{
    if (!u->script)
        return mp_errf(err, ":resize works in script mode; resize the terminal instead");
    resize_term(rows, cols);
    u->rows = rows;
    u->cols = cols;
    u->layout_dirty = true;
    return 0;
}

/* UTF-8 drawing needs a UTF-8 locale; C.UTF-8 is the fallback when the
 * environment names none (tests, cron, minimal containers). */
static bool setup_locale(void)
{
    setlocale(LC_ALL, "");
    if (!strcmp(nl_langinfo(CODESET), "UTF-8"))
        return true;
    return setlocale(LC_CTYPE, "C.UTF-8") && !strcmp(nl_langinfo(CODESET), "UTF-8");
}

static SCREEN *open_virtual_screen(int cols, int rows, FILE **out, FILE **in)
{
    char buf[16];
    snprintf(buf, sizeof buf, "%d", cols);
    setenv("COLUMNS", buf, 1);
    snprintf(buf, sizeof buf, "%d", rows);
    setenv("LINES", buf, 1);
    *out = fopen("/dev/null", "we");
    *in = fopen("/dev/null", "re");
    if (!*out || !*in)
        return NULL;
    SCREEN *s = newterm("xterm-256color", *out, *in);
    if (!s)
        s = newterm("vt100", *out, *in);
    return s;
}

static void setup_theme(ui *u, const char *name)
{
    mp_err err = {{0}};
    u->theme = theme_load(name ? name : u->cfg.theme, &err);
    if (!u->theme) {
        ui_set_message(u, true, "theme: %s", err.msg);
        u->theme = theme_builtin();
    }
    int ncolors = 0;
    if (has_colors() && start_color() == OK) {
        use_default_colors();
        ncolors = COLORS;
    }
    if (u->theme)
        theme_apply(u->theme, ncolors);
}

static void setup_clock(ui *u)
{
    const char *env = getenv("MESHPANEL_NOW");
    time_t t = env && *env ? parse_rfc3339(env) : 0;
    if (env && *env && !t)
        ui_set_message(u, true, "MESHPANEL_NOW=%s is not an RFC 3339 time", env);
    if (!t && u->script)
        t = parse_rfc3339(SCRIPT_DEFAULT_CLOCK);
    u->fake_clock = t != 0;
    u->now = t ? t : time(NULL);
}

static mp_source *make_source(const app_opts *o, const char *argv0, mp_err *err)
{
    if (o->demo)
        return source_demo_new(argv0, NULL, err);
    if (o->dir)
        return source_manifest_new(o->dir, err);
    kc_options kc = {.kubeconfig = o->kubeconfig,
                     .context = o->context,
                     .ns = o->ns,
                     .request_timeout_ms = o->request_timeout_ms,
                     .disable_compression = o->disable_compression};
    return source_cluster_new(&kc, err);
}

/* After source_open: the refreshed time is now only when the data is
 * there already (files); a live source fills it in as data arrives. */
/* Once the source has listed everything: a tenant chosen with -n that is
 * not there is said once, rather than the cursor silently sitting on the
 * first tenant. */
static void check_chosen(ui *u)
{
    if (u->chosen_checked || !source_synced(u->src))
        return;
    u->chosen_checked = true;
    if (u->chosen_tenant && !store_tenant_get(u->store, u->chosen_tenant))
        ui_set_message(u, true, "-n %s: this source has no such namespace", u->chosen_tenant);
}

static void opened(ui *u)
{
    u->chosen_checked = false;
    check_chosen(u);
    source_conn c;
    source_conn_state(u->src, &c);
    bool loaded = c.state == CONN_SYNCED || c.state == CONN_DEGRADED;
    u->last_refresh = loaded ? u->now : 0;
    u->conn_data_ms = c.data_ms;
    u->conn_since_ms = 0;
}

static bool is_cluster(const ui *u)
{
    return !strcmp(u->src->ops->name, "cluster");
}

int app_switch_context(ui *u, const char *name, mp_err *err)
{
    const char *cur = source_context(u->src);
    if (!strcmp(name, cur))
        return 0;
    if (!is_cluster(u))
        return mp_errf(err, "context %s not found: this source has only \"%s\"", name, cur);
    if (u->edit)
        return mp_errf(err, ":ctx: close the editor first (its objects belong to %s)", cur);
    kc_options kc = {.kubeconfig = u->kubeconfig,
                     .context = name,
                     .ns = u->kube_ns,
                     .request_timeout_ms = u->request_timeout_ms,
                     .disable_compression = u->disable_compression};
    mp_source *next = source_cluster_new(&kc, err);
    if (!next)
        return -1;
    source_free(u->src);
    u->src = next;
    store_clear(u->store);
    ui_choose_tenant(u, u->kube_ns);
    u->read_only = u->readonly_flag || source_read_only(u->src) || u->cfg.read_only;
    u->layout_dirty = true;
    staging_view_close(u);
    staging_init(u, name);
    if (source_open(u->src, u->store, err) < 0)
        return -1;
    opened(u);
    return 0;
}

void app_each_context(ui *u, void (*fn)(const char *name, void *ud), void *ud)
{
    if (!is_cluster(u)) {
        fn(source_context(u->src), ud);
        return;
    }
    kc_options kc = {.kubeconfig = u->kubeconfig};
    kubeconfig *cfg = kubeconfig_load(&kc, NULL);
    for (size_t i = 0; cfg && i < kubeconfig_context_count(cfg); i++) {
        kc_context c;
        kubeconfig_context_at(cfg, i, &c);
        fn(c.name, ud);
    }
    kubeconfig_free(cfg);
}

static void ui_init(ui *u)
{
    memset(u, 0, sizeof *u);
    view_tenants_init(&u->views[VIEW_TENANTS]);
    view_resources_init(&u->views[VIEW_RESOURCES]);
    view_yaml_init(&u->views[VIEW_YAML]);
    view_preview_init(&u->views[VIEW_PREVIEW]);
    view_describe_init(&u->views[VIEW_DESCRIBE]);
    view_kinds_init(&u->views[VIEW_KINDS]);
    view_problems_init(&u->views[VIEW_PROBLEMS]);
    view_help_init(&u->views[VIEW_HELP]);
    u->detail = VIEW_YAML;
    u->layout_dirty = true;
    u->data_gen = u->sel_gen = u->detail_gen = 2; /* views start at built 0: stale */
    filter_init(&u->flt);
    keymap_defaults(&u->km);
}

/* The screens with windows of their own go before curses does. */
static void screens_close(ui *u)
{
    popup_free(u);
    edit_close(u);
    staging_view_close(u);
}

static void ui_fini(ui *u)
{
    overlay_free(u->overlay);
    plan_errors_free(u->plan_errors);
    lint_console_free(u->lint);
    free(u->apply_msgs);
    for (int i = 0; i < VIEW_COUNT; i++)
        if (u->views[i].ops && u->views[i].ops->free)
            u->views[i].ops->free(&u->views[i]);
    ui_free_rows(u);
    filter_clear(&u->flt);
    free(u->tenant);
    free(u->chosen_tenant);
    theme_free(u->theme);
    trace_free(u->trace);
    source_free(u->src);
    store_free(u->store);
    config_free(&u->cfg);
}

/* Returns the last key read (for the trace), 0 when none. */
static int read_keys(ui *u)
{
    wint_t wc;
    int rc, last = 0;
    while (!u->quit && (rc = wget_wch(u->hints, &wc)) != ERR) {
        ui_handle_key(u, (int)wc, rc == KEY_CODE_YES);
        last = (int)wc;
    }
    return last;
}

/* MESHPANEL_TRACE milestones: the source synced, the first screen, and the
 * first screen drawn with everything synced (bench/tui.sh's first paint). */
static void trace_synced(ui *u)
{
    if (!u->trace || u->traced_synced || !source_synced(u->src))
        return;
    u->traced_synced = true;
    size_t ready = 0; /* row cells filled while the lists loaded */
    for (size_t i = 0; i < u->nrowcache; i++)
        ready += u->rowcache[i].cell[COL_KIND] != NULL;
    trace_event(u->trace, "synced", "objects=%zu rows_ready=%zu wait_ms=%.1f waits=%zu",
                store_count(u->store, NULL), ready, (double)u->wait_ns / 1e6, u->waits);
}

void app_painted(ui *u)
{
    if (!u->trace || u->traced_paint)
        return;
    trace_synced(u);
    size_t nt, nobj = store_count(u->store, NULL);
    store_tenants(u->store, &nt);
    if (!u->traced_draw) {
        u->traced_draw = true;
        trace_event(u->trace, "first-draw", "objects=%zu tenants=%zu", nobj, nt);
    }
    if (u->traced_synced) {
        u->traced_paint = true;
        trace_event(u->trace, "first-paint", "objects=%zu tenants=%zu", nobj, nt);
    }
}

/* The wall time of monotonic ms t; the fake clock's time in scripts, so
 * their screens do not depend on how long things took. */
static time_t wall_at(const ui *u, long long t)
{
    if (u->fake_clock)
        return u->now;
    long long ago = source_now_ms() - t;
    return wall_now(u) - (time_t)(ago > 0 ? ago / 1000 : 0);
}

/* What the source's connection says the screens should show: the refreshed
 * time moves when data arrived, and the header's "since" when contact was
 * lost. */
static void follow_conn(ui *u, int changes)
{
    source_conn c;
    source_conn_state(u->src, &c);
    if (c.data_ms > u->conn_data_ms) {
        u->conn_data_ms = c.data_ms;
        u->last_refresh = wall_at(u, c.data_ms);
    } else if (changes > 0) {
        u->last_refresh = wall_now(u);
    }
    if (c.since_ms != u->conn_since_ms) {
        u->conn_since_ms = c.since_ms;
        u->conn_since = c.since_ms ? wall_at(u, c.since_ms) : 0;
    }
}

/* bench/watch.sh: how fast watch events reach the store under a storm. */
static void trace_applied(ui *u, int r, bool was_synced)
{
    if (!u->trace || !was_synced)
        return;
    if (r > 0)
        u->applied += (unsigned long long)r;
    long long now = mono_ms();
    if (u->applied != u->traced_applied && now - u->applied_ms >= 250) {
        trace_event(u->trace, "applied", "events=%llu", u->applied);
        u->traced_applied = u->applied;
        u->applied_ms = now;
    }
}

static void step_source(ui *u, struct pollfd *fds, int n)
{
    mp_err err = {{0}};
    bool was_synced = source_synced(u->src);
    int r = source_step(u->src, u->store, fds, n, mono_ms(), &err);
    if (r < 0)
        ui_set_message(u, true, "%s", err.msg);
    else if (r > 0)
        store_changed(u);
    if (r > 0 && !was_synced) /* as many rows as objects arrived (ui.h) */
        ui_rows_loading_pace(u, (size_t)r);
    trace_applied(u, r, was_synced);
    follow_conn(u, r);
    bool failed;
    const char *note = source_take_note(u->src, &failed);
    if (note)
        ui_set_message(u, failed, "%s", note);
    check_chosen(u);
    trace_synced(u);
}

/* Under a watch storm the store changes between any two idle slices, and
 * each slice after a change first rebuilds what it reads (the store's
 * derived indexes, the row cache: O(objects)). So idle work starts on a new
 * store generation at most once per IDLE_SETTLE_MS; in between the CPU
 * goes to the events and the keys. Work keeps its progress across
 * generations (row cells and tenant counts of unchanged objects stay). */
static bool idle_throttled(ui *u)
{
    /* while loading, the idle work is the loading rows, whose cache costs a
     * pass of pointer compares to rebuild: every page may start some */
    int settle = source_synced(u->src) ? IDLE_SETTLE_MS : LOADING_SETTLE_MS;
    return store_generation(u->store) != u->idle_gen && mono_ms() - u->idle_gen_ms < settle;
}

/* While the first lists load, the console waits for the server between
 * two reads: that time fills the row cells (the cache rebuilt on the
 * changed store keeps the cells already filled), so that a filter typed at
 * the first paint finds 14,000 rows ready instead of filling them in the
 * keystroke (20 ms). */

/* How long poll waits for input before idle work starts: while the first
 * lists load, the loading rows take only a wait of the server's (nothing
 * read for LOADING_POLL_MS), so that they never delay a page that was
 * about to arrive. */
static int idle_poll_ms(ui *u)
{
    return source_synced(u->src) ? 0 : LOADING_POLL_MS;
}

/* Idle work: fill the row cache's cells before the first filter keystroke
 * needs them (10,000 rows: tens of ms), in slices so keys stay responsive.
 * The rest only once synced. */
static bool idle_pending(ui *u)
{
    if (idle_throttled(u))
        return false;
    if (!source_synced(u->src))
        return ui_rows_loading_pending(u);
    return ui_rows_pending(u) || u->plan_errors_pending ||
           u->plan_errors_gen != store_generation(u->store) || lint_console_due(u);
}

/* bench/tui.sh: every row of the cache filled, once, after the first
 * paint; fill_cpu_ms is the CPU of the idle fills alone (while loading and
 * after), so the figure does not depend on what else ran in between. */
static void trace_rows_filled(ui *u)
{
    if (!u->trace || u->traced_rows || !u->traced_paint)
        return;
    u->traced_rows = true;
    trace_event(u->trace, "rows-filled", "rows=%zu filled=%zu fill_cpu_ms=%.1f", u->nrowcache,
                u->fill_rows, (double)u->fill_cpu_ns / 1e6);
}

/* The rows first (the filter needs them), then the tenants' conversion
 * errors for PROB (a slice at a time), then lint over the whole store
 * (a slice at a time too; PROB counts its errors from its first run on). */
static void idle_work(ui *u)
{
    if (store_generation(u->store) != u->idle_gen) {
        u->idle_gen = store_generation(u->store);
        u->idle_gen_ms = mono_ms();
    }
    if (!source_synced(u->src)) {
        ui_rows_loading(u, LOADING_SLICE_MS);
        return;
    }
    if (ui_rows_pending(u)) {
        if (!ui_rows_idle(u, IDLE_SLICE_MS))
            trace_rows_filled(u);
        return;
    }
    trace_rows_filled(u); /* filled already (while loading, or by the paint) */
    if (u->plan_errors_pending || u->plan_errors_gen != store_generation(u->store)) {
        u->plan_errors_gen = store_generation(u->store);
        u->plan_errors_pending = plan_errors_idle(u, IDLE_SLICE_MS);
        return;
    }
    /* PROB, :problems and the open form's findings follow each complete run */
    if (lint_console_idle(u, IDLE_SLICE_MS) > 0) {
        ui_data_changed(u);
        edit_lint_changed(u);
    }
}

/* Polls and steps the source until end (monotonic ms), or until it is
 * synced when until_synced. */
static int pump_until(ui *u, long long end, bool until_synced)
{
    for (long long now = mono_ms(); now < end; now = mono_ms()) {
        if (until_synced && source_synced(u->src))
            break;
        struct pollfd fds[16];
        bool hold = lint_console_holding(u); /* the watch streams wait for lint */
        int n = hold ? 0 : source_fds(u->src, fds, 16);
        int to = source_timeout_ms(u->src, now);
        if (to < 0 || to > end - now)
            to = (int)(end - now);
        if (to > IDLE_SETTLE_MS) /* idle work may be waiting for the throttle */
            to = IDLE_SETTLE_MS;
        bool idle = idle_pending(u); /* until synced: only the loading rows */
        /* the trace's synced line says how long the loading waited here:
         * in poll, blocked, with nothing read yet to work on */
        long long w0 = u->trace && !u->traced_synced ? mono_ns() : 0;
        int r = poll(fds, (nfds_t)n, idle ? idle_poll_ms(u) : to);
        if (r < 0 && errno != EINTR)
            return -1;
        if (w0) {
            u->wait_ns += mono_ns() - w0;
            u->waits++;
        }
        if (r == 0 && idle)
            idle_work(u);
        if (!hold)
            step_source(u, fds, n);
    }
    return 0;
}

/* Script mode: let the source work (poll its fds, step it) for ms
 * milliseconds of real time, without reading keys. Live sources need it;
 * file sources have everything after open. */
int app_pump(ui *u, int ms)
{
    return pump_until(u, mono_ms() + ms, false);
}

int app_sync(ui *u, int max_ms, mp_err *err)
{
    if (pump_until(u, mono_ms() + max_ms, true) < 0)
        return mp_errf(err, "sync: poll failed");
    if (!source_synced(u->src))
        return mp_errf(err, "sync: not synced after %d ms (%s)", max_ms, source_status(u->src));
    return 0;
}

/* Repaints the source causes are batched: a large initial list arrives in
 * thousands of socket reads, and a repaint after each rebuilt the rows as
 * often (10,000 Ingresses: 1.9 s to the first full paint, now 0.3).
 * Keys, and the moment the source is synced, paint at once. */
typedef struct {
    long long at; /* monotonic ms of the last paint */
    bool synced;  /* the source was synced at that paint */
} paint_clock;

static bool paint_due(ui *u, paint_clock *pc, bool key, long long now, int *wait_ms)
{
    bool synced = source_synced(u->src);
    int period = synced ? PAINT_MS : PAINT_LOADING_MS;
    *wait_ms = -1;
    if (key || u->layout_dirty || (synced && !pc->synced) || now - pc->at >= period) {
        pc->at = now;
        pc->synced = synced;
        return true;
    }
    *wait_ms = (int)(pc->at + period - now);
    return false;
}

static int event_loop(ui *u)
{
    int key = 0; /* read since the last screen, for the trace */
    paint_clock pc = {.at = mono_ms() - PAINT_LOADING_MS};
    while (!u->quit) {
        if (!u->fake_clock)
            u->now = time(NULL);
        if (LINES != u->rows || COLS != u->cols) {
            u->rows = LINES;
            u->cols = COLS;
            u->layout_dirty = true;
        }
        int wait = -1;
        if (paint_due(u, &pc, key != 0, mono_ms(), &wait)) {
            ui_render(u);
            if (key && u->trace) {
                char kn[32];
                trace_key_end(u->trace, key_to_name(key, kn, sizeof kn));
            }
            key = 0;
        }
        struct pollfd fds[16] = {{.fd = STDIN_FILENO, .events = POLLIN}};
        bool hold = lint_console_holding(u); /* the watch streams wait for lint */
        int n = 1 + (hold ? 0 : source_fds(u->src, fds + 1, 15));
        int to = source_timeout_ms(u->src, mono_ms());
        if (to < 0 || to > TICK_MS)
            to = TICK_MS;
        if (wait >= 0 && wait < to)
            to = wait;
        bool idle = idle_pending(u);
        int r = poll(fds, (nfds_t)n, idle ? idle_poll_ms(u) : to);
        if (r < 0 && errno != EINTR)
            return mp_errf(NULL, "poll"), 1;
        if (r == 0 && idle)
            idle_work(u);
        if (r < 0 || (fds[0].revents & POLLIN)) {
            trace_key_begin(u->trace);
            key = read_keys(u);
        }
        if (fds[0].revents & (POLLHUP | POLLERR))
            break;
        if (!hold)
            step_source(u, fds + 1, n - 1);
    }
    return 0;
}

static int run_script(ui *u, const char *path)
{
    mp_err err = {{0}};
    size_t len;
    char *text = fs_read_file(path, &len, &err);
    if (!text) {
        fprintf(stderr, "meshpanel: script: %s\n", err.msg);
        return 2;
    }
    ui_render(u);
    int rc = script_run(u, text, path, &err);
    free(text);
    if (rc < 0) {
        fprintf(stderr, "meshpanel: %s\n", err.msg);
        return 1;
    }
    return 0;
}

static void setup_curses(ui *u)
{
    /* raw, not cbreak: Ctrl-Z (undo), Ctrl-S (stage), Ctrl-Y and Ctrl-C reach
     * the console as keys instead of suspending it or stopping the output */
    raw();
    noecho();
    nonl();
    set_escdelay(25);
    curs_set(0);
    if (!u->script) {
        mouseinterval(0);
        u->mouse = mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED,
                             NULL) != 0;
    }
    u->rows = LINES;
    u->cols = COLS;
}

static int load_config(ui *u)
{
    mp_err err = {{0}};
    if (config_load(&u->cfg, &err) < 0) {
        fprintf(stderr, "meshpanel: %s\n", err.msg);
        return -1;
    }
    if (keymap_apply(&u->km, u->cfg.keys, u->cfg.nkeys, u->cfg.path, &err) < 0) {
        fprintf(stderr, "meshpanel: %s\n", err.msg);
        return -1;
    }
    return 0;
}

/* What the staged-edits file is named after: the kubeconfig context, the
 * demo, or the manifest directory. */
static const char *staging_key(const app_opts *o, mp_source *src, char *buf, size_t n)
{
    if (o->demo)
        return "demo";
    if (o->dir) {
        snprintf(buf, n, "files-%s", o->dir);
        return buf;
    }
    return source_context(src);
}

/* The store holds hundreds of thousands of small nodes; with glibc's
 * fastbins, each free of a large block next to them (a rebuilt index, the
 * row cache, the exit) runs malloc_consolidate over all of them (a fifth of
 * the CPU of a console run, perf). tcache still serves the small sizes. */
static void tune_malloc(void)
{
#ifdef M_MXFAST
    mallopt(M_MXFAST, 0);
#endif
}

int app_main(int argc, char **argv)
{
    char keybuf[4200];
    tune_malloc();
    app_opts o = {0};
    int pr = parse_args(argc, argv, &o);
    if (pr)
        return pr > 0 ? 0 : 2;
    const char *env_script = getenv("MESHPANEL_SCRIPT");
    if (!o.script && env_script && *env_script)
        o.script = env_script;

    ui u;
    ui_init(&u);
    if (!o.request_timeout_ms)
        o.request_timeout_ms = REQUEST_TIMEOUT_MS;
    u.trace = trace_open();
    u.script = o.script != NULL;
    if (load_config(&u) < 0) {
        ui_fini(&u);
        return 2;
    }
    mp_err err = {{0}};
    u.store = store_new();
    u.kubeconfig = o.kubeconfig;
    u.kube_ns = o.ns;
    u.manifest_dir = o.demo ? NULL : o.dir;
    u.request_timeout_ms = o.request_timeout_ms;
    u.disable_compression = o.disable_compression;
    u.src = u.store ? make_source(&o, argv[0], &err) : NULL;
    if (u.src && u.cfg.refresh_seconds)
        source_manifest_poll_every(u.src, u.cfg.refresh_seconds * 1000);
    if (!u.src) {
        fprintf(stderr, "meshpanel: %s\n", u.store ? err.msg : "out of memory");
        ui_fini(&u);
        return 2;
    }
    u.readonly_flag = o.readonly;
    u.read_only = o.readonly || source_read_only(u.src) || u.cfg.read_only;
    setup_clock(&u);
    if (source_open(u.src, u.store, &err) < 0)
        ui_set_message(&u, true, "%s", err.msg);
    trace_event(u.trace, "open", "objects=%zu", store_count(u.store, NULL));
    staging_init(&u, staging_key(&o, u.src, keybuf, sizeof keybuf));
    opened(&u);
    if (o.ns) /* -n: start on that tenant (the tenants pane keeps the cursor on it) */
        ui_choose_tenant(&u, o.ns);
    if (o.context && (o.demo || o.dir) && strcmp(o.context, source_context(u.src)) != 0)
        ui_set_message(&u, true, "--context %s: this source has only \"%s\"", o.context,
                       source_context(u.src));

    u.utf8 = setup_locale();
    FILE *vout = NULL, *vin = NULL;
    SCREEN *scr = NULL;
    if (u.script) {
        scr = open_virtual_screen(o.cols ? o.cols : SCRIPT_DEFAULT_COLS,
                                  o.rows ? o.rows : SCRIPT_DEFAULT_ROWS, &vout, &vin);
        if (!scr) {
            fprintf(stderr, "meshpanel: cannot open a virtual screen (terminfo for "
                            "xterm-256color or vt100 missing?)\n");
            ui_fini(&u);
            return 2;
        }
    } else if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "meshpanel: the console needs a terminal (or --script FILE)\n");
        ui_fini(&u);
        return 2;
    } else {
        initscr();
    }
    setup_curses(&u);
    setup_theme(&u, o.theme);

    int rc = u.script ? run_script(&u, o.script) : event_loop(&u);

    screens_close(&u);
    ui_windows_free(&u);
    endwin();
    if (scr)
        delscreen(scr);
    if (vout)
        fclose(vout);
    if (vin)
        fclose(vin);
    ui_fini(&u);
    return rc;
}
