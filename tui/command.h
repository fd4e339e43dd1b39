/*
 * command.h - `:` commands and the prompt line (commands and filter).
 *
 * One table: name, aliases, argument hint, help text, handler and what the
 * argument completes to. The help view and completion read the same table.
 * Script files (tui/script.h) run commands through command_run as well, so
 * a script line ":tenant ns-alice" is exactly what a person would type.
 */
#ifndef MESHPANEL_COMMAND_H
#define MESHPANEL_COMMAND_H

#include <stdbool.h>
#include <stddef.h>

#include "model/err.h"

struct ui;

typedef enum { COMPLETE_NONE, COMPLETE_TENANT, COMPLETE_CONTEXT } complete_kind;

typedef struct {
    const char *name;
    const char *aliases; /* comma-separated, may be NULL */
    const char *args;    /* "NAME", "[EXPR]", NULL for none */
    const char *help;
    int (*run)(struct ui *u, const char *arg, mp_err *err);
    complete_kind complete;
    bool script_only; /* test-harness commands kept out of the help */
} command_def;

const command_def *command_table(size_t *n);
/* :migrate (tui/migrate_board.c): the migration's status board. */
int cmd_migrate_board(struct ui *u, const char *arg, mp_err *err);
/* Runs "name args" (no leading ':'). Returns 0 or -1 with err. */
int command_run(struct ui *u, const char *line, mp_err *err);

/* The prompt: open it, feed it keys. fn is true for curses function keys
 * (KEY_*), false for characters (code points). */
void prompt_open(struct ui *u, int kind);
void prompt_key(struct ui *u, int key, bool fn);
/* Completes the command line in place (Tab); candidates go to
 * u->completion. */
void prompt_complete(struct ui *u);

#endif
