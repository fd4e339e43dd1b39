/*
 * command.c - the command table, the prompt editor and completion.
 */
#include "tui/command.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/fsutil.h"
#include "model/sanitize.h"
#include "tui/app.h"
#include "tui/edit.h"
#include "tui/edit_int.h"
#include "tui/lint_console.h"
#include "tui/popup.h"
#include "tui/staging.h"
#include "tui/textview.h"
#include "tui/ui.h"

static int set_tab(ui *u, res_tab t)
{
    u->tab = t;
    u->focus = PANE_RESOURCES;
    u->views[VIEW_RESOURCES].cursor = u->views[VIEW_RESOURCES].top = 0;
    u->layout_dirty = true;
    ui_selection_changed(u);
    return 0;
}

static int cmd_tenant(ui *u, const char *arg, mp_err *err)
{
    if (!arg || !*arg)
        return mp_errf(err, ":tenant needs a namespace (Tab completes)");
    if (!store_tenant_get(u->store, arg))
        return mp_errf(err, "tenant %s not found", arg);
    ui_view_sync(u, VIEW_TENANTS);
    view *v = &u->views[VIEW_TENANTS];
    ui_choose_tenant(u, arg);
    /* a filter hiding the tenant is dropped: the user asked for it by name */
    if (filter_active(&u->flt)) {
        ui_view_sync(u, VIEW_TENANTS);
        if (!u->tenant || strcmp(u->tenant, arg) != 0) {
            filter_clear(&u->flt);
            ui_data_changed(u);
            ui_choose_tenant(u, arg);
        }
    }
    v->built = 0; /* re-run rebuild so the cursor lands on the tenant */
    ui_view_sync(u, VIEW_TENANTS);
    u->focus = PANE_RESOURCES;
    u->layout_dirty = true;
    return 0;
}

static int cmd_ns(ui *u, const char *arg, mp_err *err)
{
    if (arg && *arg)
        return cmd_tenant(u, arg, err);
    u->focus = PANE_TENANTS;
    u->help_open = false;
    u->layout_dirty = true;
    return 0;
}

static int cmd_ing(ui *u, const char *arg, mp_err *err)
{
    (void)arg, (void)err;
    return set_tab(u, TAB_INGRESS);
}

static int cmd_gw(ui *u, const char *arg, mp_err *err)
{
    (void)arg, (void)err;
    return set_tab(u, TAB_GATEWAY);
}

static int cmd_vs(ui *u, const char *arg, mp_err *err)
{
    (void)arg, (void)err;
    return set_tab(u, TAB_VS);
}

static int cmd_all(ui *u, const char *arg, mp_err *err)
{
    (void)arg, (void)err;
    return set_tab(u, TAB_ALL);
}

static int cmd_ctx(ui *u, const char *arg, mp_err *err)
{
    if (!arg || !*arg) {
        ui_set_message(u, false, "context: %s", source_context(u->src));
        return 0;
    }
    if (app_switch_context(u, arg, err) < 0)
        return -1;
    ui_set_message(u, false, "context %s", source_context(u->src));
    return 0;
}

static void quit_yes(ui *u, void *ud)
{
    (void)ud;
    u->quit = true;
}

static int cmd_quit_force(ui *u, const char *arg, mp_err *err)
{
    (void)arg, (void)err;
    u->quit = true;
    return 0;
}

static int cmd_quit(ui *u, const char *arg, mp_err *err)
{
    (void)err, (void)arg;
    if (u->edit && editset_unsaved(u->edit->es)) {
        const char *lines[] = {"The open editor has edits that are not staged."};
        popup_confirm(u, "Quit", lines, 1, "Quit and lose them?", quit_yes, NULL, NULL);
        return 0;
    }
    u->quit = true;
    return 0;
}

static int cmd_filter(ui *u, const char *arg, mp_err *err)
{
    if (filter_set(&u->flt, arg ? arg : "", err) < 0)
        return -1;
    ui_data_changed(u);
    return 0;
}

static int cmd_detail(ui *u, view_id v)
{
    u->detail = v;
    ui_detail_changed(u);
    u->layout_dirty = true;
    return 0;
}

static int cmd_yaml(ui *u, const char *arg, mp_err *err)
{
    (void)arg, (void)err;
    return cmd_detail(u, VIEW_YAML);
}

static int cmd_preview(ui *u, const char *arg, mp_err *err)
{
    (void)arg, (void)err;
    return cmd_detail(u, VIEW_PREVIEW);
}

static int cmd_describe(ui *u, const char *arg, mp_err *err)
{
    (void)arg, (void)err;
    return cmd_detail(u, VIEW_DESCRIBE);
}

static int show_kind(ui *u, const char *kind)
{
    u->kind_view = kind;
    ui_detail_changed(u);
    if (u->cols < 160)
        u->focus = PANE_DETAIL;
    return cmd_detail(u, VIEW_KINDS);
}

static int cmd_svc(ui *u, const char *arg, mp_err *err)
{
    (void)arg, (void)err;
    return show_kind(u, "Service");
}

static int cmd_dr(ui *u, const char *arg, mp_err *err)
{
    (void)arg, (void)err;
    return show_kind(u, "DestinationRule");
}

static int cmd_ap(ui *u, const char *arg, mp_err *err)
{
    (void)arg, (void)err;
    return show_kind(u, "AuthorizationPolicy");
}

static int cmd_secrets(ui *u, const char *arg, mp_err *err)
{
    (void)arg, (void)err;
    return show_kind(u, "Secret");
}

/* :problems: lint now if the store moved since the last run (the user
 * asked for the list), full width: the messages are long. */
static int cmd_problems(ui *u, const char *arg, mp_err *err)
{
    (void)arg, (void)err;
    if (lint_console_update(u) > 0)
        ui_data_changed(u);
    u->help_open = false;
    u->focus = PANE_DETAIL;
    u->detail_full = true;
    return cmd_detail(u, VIEW_PROBLEMS);
}

static int cmd_aliases(ui *u, const char *arg, mp_err *err);

static int cmd_refresh(ui *u, const char *arg, mp_err *err)
{
    (void)arg;
    return app_refresh(u, err);
}

static int cmd_help(ui *u, const char *arg, mp_err *err)
{
    (void)arg, (void)err;
    u->help_open = true;
    u->layout_dirty = true;
    return 0;
}

static int cmd_save(ui *u, const char *arg, mp_err *err)
{
    if (!arg || !*arg)
        return mp_errf(err, ":save-display needs a file name");
    return app_save_display(u, arg, err);
}

static int cmd_save_store(ui *u, const char *arg, mp_err *err)
{
    if (!arg || !*arg)
        return mp_errf(err, ":save-store needs a file name");
    return app_save_store(u, arg, err);
}

static int cmd_resize(ui *u, const char *arg, mp_err *err)
{
    int c, r;
    char x;
    if (!arg || sscanf(arg, "%d%c%d", &c, &x, &r) != 3 || (x != 'x' && x != 'X') || c < 20 ||
        r < 8 || c > 1000 || r > 500)
        return mp_errf(err, ":resize wants COLSxROWS (20x8 .. 1000x500), got \"%s\"",
                       arg ? arg : "");
    return app_resize(u, c, r, err);
}

static int cmd_clock(ui *u, const char *arg, mp_err *err)
{
    time_t t = parse_rfc3339(arg);
    if (!t)
        return mp_errf(err, ":clock wants an RFC 3339 time like 2026-03-01T12:00:00Z");
    u->now = t;
    u->fake_clock = true;
    return 0;
}

static int cmd_messages(ui *u, const char *arg, mp_err *err)
{
    (void)arg, (void)err;
    char lines[UI_HISTORY_MAX][MP_ERR_MAX + 40];
    const char *ptrs[UI_HISTORY_MAX];
    size_t n = 0;
    for (size_t k = u->nhistory; k-- > 0;) { /* newest first */
        size_t i = (u->history_head + k) % UI_HISTORY_MAX;
        struct tm t;
        char tm[16];
        gmtime_r(&u->history[i].at, &t);
        strftime(tm, sizeof tm, "%H:%M:%SZ", &t);
        snprintf(lines[n], sizeof lines[n], "%s %s %s", tm, u->history[i].error ? "error" : "     ",
                 u->history[i].text);
        ptrs[n] = lines[n];
        n++;
    }
    if (!n) {
        ui_set_message(u, false, "no messages yet");
        return 0;
    }
    popup_info(u, "Messages (newest first)", ptrs, n);
    return 0;
}

static int cmd_staged(ui *u, const char *arg, mp_err *err)
{
    (void)arg, (void)err;
    staging_view_open(u);
    return 0;
}

static int cmd_apply(ui *u, const char *arg, mp_err *err)
{
    (void)arg, (void)err;
    staging_apply_ask(u);
    return 0;
}

/* :w FILE writes what the focused text pane shows (YAML, preview, help);
 * anywhere else (lists, the editor, the staged view) the staged edits. */
static int cmd_write(ui *u, const char *arg, mp_err *err)
{
    view *v = ui_focused_view(u);
    if (!u->edit && !u->staged && v->scroll_only) {
        if (!arg || !*arg)
            return mp_errf(err, ":w needs a file name");
        size_t len;
        char *text = text_view_text(v, &len);
        if (!text)
            return mp_errf(err, "out of memory");
        int rc = fs_write_atomic(arg, text, len, 0644, err);
        free(text);
        if (rc == 0)
            ui_set_message(u, false, "wrote the %s pane (%zu bytes) to %s", v->ops->name, len, arg);
        return rc;
    }
    return staging_export(u, arg, err);
}

static int cmd_edit(ui *u, const char *arg, mp_err *err)
{
    (void)arg;
    return edit_open_selected(u, err);
}

static int cmd_new(ui *u, const char *arg, mp_err *err)
{
    const char *kind = !arg || !*arg                                           ? NULL
                       : !strcasecmp(arg, "gateway") || !strcasecmp(arg, "gw") ? "Gateway"
                       : !strcasecmp(arg, "virtualservice") || !strcasecmp(arg, "vs")
                           ? "VirtualService"
                           : "";
    if (!kind || !*kind)
        return mp_errf(err, ":new wants gateway or virtualservice");
    return edit_open_new(u, kind, err);
}

static const command_def commands[] = {
    {"ns", "namespace,namespaces,tenants", "[NAME]",
     "Focus the tenants pane (or select tenant NAME)", cmd_ns, COMPLETE_TENANT, false},
    {"tenant", "t", "NAME", "Select tenant NAME", cmd_tenant, COMPLETE_TENANT, false},
    {"ing", "ingress,ingresses", NULL, "Show the tenant's Ingresses", cmd_ing, 0, false},
    {"gw", "gateway,gateways", NULL, "Show the tenant's Gateways", cmd_gw, 0, false},
    {"vs", "virtualservice,virtualservices", NULL, "Show the tenant's VirtualServices", cmd_vs, 0,
     false},
    {"all", NULL, NULL, "Show every kind", cmd_all, 0, false},
    {"svc", "service,services", NULL, "Detail pane: the tenant's Services", cmd_svc, 0, false},
    {"dr", "destinationrule,destinationrules", NULL, "Detail pane: the tenant's DestinationRules",
     cmd_dr, 0, false},
    {"ap", "authorizationpolicy,authorizationpolicies", NULL,
     "Detail pane: the tenant's AuthorizationPolicies", cmd_ap, 0, false},
    {"secrets", "secret", NULL, "Detail pane: the tenant's Secrets (metadata only)", cmd_secrets, 0,
     false},
    {"problems", "lint,prob", NULL,
     "Detail pane: lint findings of every tenant (Enter: the object's field)", cmd_problems, 0,
     false},
    {"aliases", "alias", NULL, "Every command with its aliases", cmd_aliases, 0, false},
    {"ctx", "context", "[NAME]", "Show or switch the context", cmd_ctx, COMPLETE_CONTEXT, false},
    {"filter", NULL, "[EXPR]", "Set the filter (empty clears); same syntax as /", cmd_filter, 0,
     false},
    {"yaml", NULL, NULL, "Detail pane: YAML", cmd_yaml, 0, false},
    {"preview", NULL, NULL, "Detail pane: conversion preview", cmd_preview, 0, false},
    {"describe", "desc", NULL, "Detail pane: the selected object in words", cmd_describe, 0, false},
    {"refresh", NULL, NULL, "Re-read the source now", cmd_refresh, 0, false},
    {"help", NULL, NULL, "Show the help", cmd_help, 0, false},
    {"save-display", NULL, "FILE", "Write the screen as text to FILE", cmd_save, 0, false},
    {"save-store", NULL, "FILE",
     "Write every object held as \"Kind ns/name resourceVersion\" lines to FILE", cmd_save_store, 0,
     false},
    {"edit", "e", NULL, "Edit the selected object (an Ingress: its Istio objects)", cmd_edit, 0,
     false},
    {"new", NULL, "gateway|virtualservice", "New object for the tenant from a template", cmd_new, 0,
     false},
    {"staged", NULL, NULL, "Staged edits and their diffs", cmd_staged, 0, false},
    {"messages", "msgs", NULL, "The recent status messages, newest first", cmd_messages, 0, false},
    {"apply", NULL, NULL, "Apply the staged edits (asks first, shows every object)", cmd_apply, 0,
     false},
    {"migrate", NULL, "[plan|apply|verify|cutover|retire|rollback]",
     "The migration's status board; with a step: run it on the selected tenant (or the filter's)",
     cmd_migrate_board, 0, false},
    {"w", "write", "FILE",
     "In a text pane: write its text; elsewhere: export the staged edits (convert --overrides)",
     cmd_write, 0, false},
    {"q", "quit", NULL, "Quit (asks when the editor has unstaged edits)", cmd_quit, 0, false},
    {"q!", NULL, NULL, "Quit without asking", cmd_quit_force, 0, false},
    {"resize", NULL, "COLSxROWS", "Resize the virtual screen (script mode)", cmd_resize, 0, true},
    {"clock", NULL, "TIME", "Set the fake clock used for AGE (RFC 3339)", cmd_clock, 0, true},
};

static int cmd_aliases(ui *u, const char *arg, mp_err *err)
{
    (void)arg, (void)err;
    size_t n = sizeof commands / sizeof commands[0], k = 0;
    char lines[sizeof commands / sizeof commands[0]][200];
    const char *ptrs[sizeof commands / sizeof commands[0]];
    for (size_t i = 0; i < n; i++) {
        if (commands[i].script_only)
            continue;
        snprintf(lines[k], sizeof lines[k], ":%-9s %s", commands[i].name,
                 commands[i].aliases ? commands[i].aliases : "-");
        ptrs[k] = lines[k];
        k++;
    }
    popup_info(u, "Commands and their aliases", ptrs, k);
    return 0;
}

const command_def *command_table(size_t *n)
{
    *n = sizeof commands / sizeof commands[0];
    return commands;
}

static bool name_is(const command_def *c, const char *name, size_t n)
{
    if (strlen(c->name) == n && !strncmp(c->name, name, n))
        return true;
    for (const char *p = c->aliases; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t l = comma ? (size_t)(comma - p) : strlen(p);
        if (l == n && !strncmp(p, name, n))
            return true;
        p += l + (comma != NULL);
    }
    return false;
}

int command_run(ui *u, const char *line, mp_err *err)
{
    while (*line == ' ' || *line == ':')
        line++;
    size_t n = strcspn(line, " ");
    if (!n)
        return 0;
    const char *arg = line + n;
    while (*arg == ' ')
        arg++;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", arg);
    for (size_t l = strlen(buf); l && buf[l - 1] == ' ';)
        buf[--l] = 0;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (name_is(&commands[i], line, n))
            return commands[i].run(u, buf, err);
    char shown[64];
    san_fit(line, 40, shown, sizeof shown);
    return mp_errf(err, "unknown command \":%.*s\" (Tab completes, ? lists them)",
                   (int)strcspn(shown, " "), shown);
}

/* ---- prompt ------------------------------------------------------------ */

void prompt_open(ui *u, int kind)
{
    u->prompt = (prompt_kind)kind;
    snprintf(u->prev_filter, sizeof u->prev_filter, "%s", u->flt.expr ? u->flt.expr : "");
    u->input[0] = 0;
    u->input_len = 0;
    u->completion[0] = 0;
    if (kind == PROMPT_SEARCH)
        u->search_origin = ui_focused_view(u)->top;
}

static void input_append(ui *u, int cp)
{
    char enc[4];
    size_t l = san_utf8_encode((uint32_t)cp, enc);
    if (u->input_len + l + 1 >= sizeof u->input)
        return;
    memcpy(u->input + u->input_len, enc, l);
    u->input_len += l;
    u->input[u->input_len] = 0;
}

static void input_backspace(ui *u)
{
    if (!u->input_len)
        return;
    size_t i = u->input_len - 1;
    while (i > 0 && ((unsigned char)u->input[i] & 0xc0) == 0x80)
        i--;
    u->input_len = i;
    u->input[i] = 0;
}

static void live_filter(ui *u)
{
    mp_err err;
    if (filter_set(&u->flt, u->input, &err) == 0)
        ui_data_changed(u);
}

/* `/` in a text pane: the term is live; the pane jumps to the first line
 * holding it from where it is. */
static void live_search(ui *u)
{
    snprintf(u->search, sizeof u->search, "%.255s", u->input);
    view *v = ui_focused_view(u);
    /* each keystroke searches again from where the prompt opened, and a
     * term that matches nothing leaves the text where it was */
    v->top = v->cursor = u->search_origin < v->nrows ? u->search_origin : 0;
    long at = text_search_jump(u, v, 0);
    if (at < 0 && u->search[0])
        ui_set_message(u, false, "no line holds /%s", u->search);
}

static void prompt_finish(ui *u)
{
    mp_err err = {{0}};
    prompt_kind k = u->prompt;
    u->prompt = PROMPT_NONE;
    u->completion[0] = 0;
    /* a command is a new action: whatever the last one said is over */
    u->message[0] = 0;
    u->message_is_error = false;
    if (k == PROMPT_SEARCH) {
        live_search(u);
        return;
    }
    int rc = k == PROMPT_COMMAND ? command_run(u, u->input, &err) : cmd_filter(u, u->input, &err);
    if (rc < 0 && k == PROMPT_FILTER) {
        /* typing changed the filter live; a bad final pattern puts the
         * one from before the prompt back */
        mp_err ignore;
        if (filter_set(&u->flt, u->prev_filter, &ignore) == 0)
            ui_data_changed(u);
    }
    if (rc < 0)
        ui_set_message(u, true, "%s", err.msg);
}

void prompt_key(ui *u, int key, bool fn)
{
    if (!fn && (key == '\n' || key == '\r'))
        key = KEY_ENTER, fn = true;
    if (!fn && key == 27) {
        if (u->prompt == PROMPT_FILTER) {
            filter_clear(&u->flt);
            ui_data_changed(u);
        }
        if (u->prompt == PROMPT_SEARCH)
            u->search[0] = 0;
        u->prompt = PROMPT_NONE;
        u->completion[0] = 0;
        return;
    }
    if (fn && key == KEY_ENTER) {
        prompt_finish(u);
        return;
    }
    if ((fn && key == KEY_BACKSPACE) || (!fn && (key == 127 || key == 8))) {
        if (!u->input_len) {
            u->prompt = PROMPT_NONE; /* backspace on an empty prompt leaves it */
            return;
        }
        input_backspace(u);
    } else if (!fn && key == '\t') {
        if (u->prompt == PROMPT_COMMAND)
            prompt_complete(u);
        return;
    } else if (!fn && key >= 32) {
        input_append(u, key);
    } else {
        return;
    }
    if (u->prompt == PROMPT_FILTER)
        live_filter(u);
    else if (u->prompt == PROMPT_SEARCH)
        live_search(u);
    else
        u->completion[0] = 0;
}

/* ---- completion -------------------------------------------------------- */

typedef struct {
    const char *items[64];
    size_t n;
} cands;

static void cand_add(cands *c, const char *s)
{
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->items[i], s))
            return;
    if (c->n < 64)
        c->items[c->n++] = s;
}

typedef struct {
    cands *c;
    const char *word;
    size_t wl;
    char names[64][128];
    size_t n;
} ctx_cands;

static void add_context(const char *name, void *ud)
{
    ctx_cands *cc = ud;
    if (cc->n < 64 && !strncmp(name, cc->word, cc->wl)) {
        snprintf(cc->names[cc->n], sizeof cc->names[cc->n], "%s", name);
        cand_add(cc->c, cc->names[cc->n++]);
    }
}

static size_t common_prefix(const cands *c)
{
    if (!c->n)
        return 0;
    size_t l = strlen(c->items[0]);
    for (size_t i = 1; i < c->n; i++) {
        size_t j = 0;
        while (j < l && c->items[i][j] == c->items[0][j])
            j++;
        l = j;
    }
    return l;
}

static void show_cands(ui *u, const cands *c)
{
    size_t len = 0;
    u->completion[0] = 0;
    for (size_t i = 0; i < c->n && len + 2 < sizeof u->completion; i++) {
        int w = snprintf(u->completion + len, sizeof u->completion - len, "%s%s", i ? "  " : "",
                         c->items[i]);
        if (w < 0)
            break;
        len += (size_t)w;
    }
}

static void complete_word(ui *u, size_t start, const cands *c, bool add_space)
{
    if (!c->n) {
        snprintf(u->completion, sizeof u->completion, "(no match)");
        return;
    }
    size_t l = common_prefix(c);
    char buf[sizeof u->input];
    snprintf(buf, sizeof buf, "%.*s%.*s%s", (int)start, u->input, (int)l, c->items[0],
             c->n == 1 && add_space ? " " : "");
    snprintf(u->input, sizeof u->input, "%s", buf);
    u->input_len = strlen(u->input);
    if (c->n > 1)
        show_cands(u, c);
    else
        u->completion[0] = 0;
}

void prompt_complete(ui *u)
{
    cands c = {.n = 0};
    char *space = strchr(u->input, ' ');
    if (!space) {
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (!strncmp(commands[i].name, u->input, u->input_len))
                cand_add(&c, commands[i].name);
        complete_word(u, 0, &c, true);
        return;
    }
    const command_def *cmd = NULL;
    size_t n = (size_t)(space - u->input);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (name_is(&commands[i], u->input, n))
            cmd = &commands[i];
    const char *word = space + 1;
    while (*word == ' ')
        word++;
    size_t wl = strlen(word), start = (size_t)(word - u->input);
    if (!cmd || cmd->complete == COMPLETE_NONE)
        return;
    if (cmd->complete == COMPLETE_CONTEXT) {
        /* names are copied: the kubeconfig that holds them is freed at once */
        ctx_cands cc = {&c, word, wl, {{0}}, 0};
        app_each_context(u, add_context, &cc);
        complete_word(u, start, &c, false);
        return;
    }
    size_t nt;
    const store_tenant *ts = store_tenants(u->store, &nt);
    for (size_t i = 0; i < nt; i++)
        if (!strncmp(ts[i].ns, word, wl))
            cand_add(&c, ts[i].ns);
    complete_word(u, start, &c, false);
}
