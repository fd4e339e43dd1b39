/*
 * script.c - the script interpreter (see script.h for the syntax).
 */
#include "tui/script.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/sanitize.h"
#include "tui/app.h"
#include "tui/command.h"
#include "tui/config.h"
#include "tui/ui.h"

static int run_keys(ui *u, char *args, mp_err *err)
{
    char *save = NULL;
    int n = 0;
    for (char *t = strtok_r(args, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
        n++; /* before the quit check: "key q" alone is a key */
        size_t l = strlen(t);
        if (l > 2 && t[0] == '<' && t[l - 1] == '>') {
            t[l - 1] = 0;
            t++;
        }
        int k = key_from_name(t);
        if (k < 0)
            return mp_errf(err, "unknown key name \"%s\"", t);
        ui_handle_key(u, k, k >= KEY_MIN);
        if (u->quit)
            break;
    }
    return n ? 0 : mp_errf(err, "key: no key given");
}

static int run_type(ui *u, const char *text)
{
    size_t len = strlen(text);
    for (size_t i = 0; i < len && !u->quit;) {
        uint32_t cp;
        i += san_utf8_decode(text + i, len - i, &cp);
        ui_handle_key(u, (int)cp, false);
    }
    return 0;
}

static int run_mouse(ui *u, const char *args, bool wheel, mp_err *err)
{
    MEVENT ev = {0};
    char dir[8] = "";
    int x, y;
    if (wheel) {
        if (sscanf(args, "%7s %d %d", dir, &x, &y) != 3 ||
            (strcmp(dir, "up") != 0 && strcmp(dir, "down") != 0))
            return mp_errf(err, "wheel wants: up|down COL ROW");
        ev.bstate = !strcmp(dir, "up") ? BUTTON4_PRESSED : BUTTON5_PRESSED;
    } else {
        if (sscanf(args, "%d %d", &x, &y) != 2)
            return mp_errf(err, "click wants: COL ROW");
        ev.bstate = BUTTON1_CLICKED;
    }
    if (x < 0 || y < 0 || x >= u->cols || y >= u->rows)
        return mp_errf(err, "position %d,%d is off the %dx%d screen", x, y, u->cols, u->rows);
    ev.x = x;
    ev.y = y;
    ui_handle_mouse(u, &ev);
    return 0;
}

/* What a script may do while a popup waits for its answer: what a person
 * can't do (commands) is refused, except looking at the screen. */
static bool allowed_under_popup(const char *cmd)
{
    static const char *const ok[] = {"save-display", "resize", "clock"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (!strncmp(cmd, ok[i], strlen(ok[i])))
            return true;
    return false;
}

static int run_line(ui *u, char *line, mp_err *err)
{
    if (line[0] == ':' && u->popup && !allowed_under_popup(line + 1))
        return mp_errf(err, "a popup waits for an answer (key y / n / Esc): \"%.40s\" not run",
                       line);
    if (line[0] == ':')
        return command_run(u, line + 1, err);
    char *sp = strchr(line, ' ');
    size_t wl = sp ? (size_t)(sp - line) : strlen(line);
    char *args = sp ? sp + 1 : line + wl;
    if (wl == 3 && !strncmp(line, "key", 3))
        return run_keys(u, args, err);
    if (wl == 4 && !strncmp(line, "type", 4))
        return run_type(u, args);
    if (wl == 5 && !strncmp(line, "click", 5))
        return run_mouse(u, args, false, err);
    if (wl == 5 && !strncmp(line, "wheel", 5))
        return run_mouse(u, args, true, err);
    if (wl == 4 && !strncmp(line, "pump", 4)) {
        int ms;
        if (sscanf(args, "%d", &ms) != 1 || ms < 0 || ms > 60000)
            return mp_errf(err, "pump wants milliseconds (0..60000)");
        return app_pump(u, ms);
    }
    if (wl == 4 && !strncmp(line, "sync", 4)) {
        int ms;
        if (sscanf(args, "%d", &ms) != 1 || ms < 0 || ms > 600000)
            return mp_errf(err, "sync wants a limit in milliseconds (0..600000)");
        return app_sync(u, ms, err);
    }
    return mp_errf(err,
                   "unknown instruction \"%.*s\" (key, type, :command, click, wheel, pump, sync)",
                   (int)(wl > 40 ? 40 : wl), line);
}

int script_run(ui *u, const char *text, const char *name, mp_err *err)
{
    int lineno = 0;
    for (const char *p = text; *p && !u->quit;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        lineno++;
        char line[1024];
        if (len >= sizeof line)
            return mp_errf(err, "%s:%d: line too long", name, lineno);
        memcpy(line, p, len);
        line[len] = 0;
        p += len + (nl != NULL);
        while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
            line[--len] = 0;
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s || *s == '#')
            continue;
        mp_err e = {{0}};
        /* a key or type line is one keystroke's work: handle + redraw */
        bool keys = u->trace && (!strncmp(s, "key ", 4) || !strncmp(s, "type ", 5));
        char what[64] = "";
        if (keys) {
            snprintf(what, sizeof what, "%s", strchr(s, ' ') + 1);
            for (char *c = what; *c; c++)
                *c = *c == ' ' ? '+' : *c;
            trace_key_begin(u->trace);
        }
        if (run_line(u, s, &e) < 0)
            return mp_errf(err, "%s:%d: %s", name, lineno, e.msg);
        ui_render(u);
        if (keys)
            trace_key_end(u->trace, what);
    }
    return 0;
}
