/*
 * lint_console.h - the platform's lint (model/lint.h) as the console runs
 * it: over the store's objects, converted as the policy says, exactly as
 * `meshpanel lint -f DIR` does over the same objects, so the console and
 * CI can never disagree.
 *
 * The findings are computed in idle time after a store change (app.c),
 * when :problems or :save-display asks, or when a form opens; never on a
 * keystroke in a form: the forms check the edited object against the
 * last index (lint_check_object, cost the object's size).
 *
 * What PROB counts once lint has run: a tenant's error findings. They
 * cover what the column counted before (the snapshot's hosts claimed twice
 * and missing Gateways are MP701 / MP711, tenant-aware; the conversion's
 * errors are carried in the findings), so nothing counts twice.
 *
 * Ownership: ui->lint (lint_console_free at teardown). The context and
 * set borrow the store's documents: they are dropped as soon as the store
 * generation moves, while the findings (owning their strings) stay until
 * the next run, so counts do not flicker.
 */
#ifndef MESHPANEL_LINT_CONSOLE_H
#define MESHPANEL_LINT_CONSOLE_H

#include <stdbool.h>

#include "model/lint.h"
#include "tui/ui.h"

typedef struct lint_console lint_console;

void lint_console_free(lint_console *lc);
/* Is there no run for the current store generation? */
bool lint_console_stale(ui *u);
/* Runs lint when stale: conversion of the whole store, index, checks.
 * Returns 1 when it ran, 0 when already current, -1 (message set) when it
 * could not run. */
int lint_console_update(ui *u);
/* The last run's findings (maybe of an older generation), NULL before the
 * first. Borrowed until the next run. */
const lint_findings *lint_console_findings(ui *u);
/* Errors of namespace ns in the last run; -1 before the first run. */
long lint_console_errors(ui *u, const char *ns);
/* The index for checking one object against the rest, NULL when stale
 * (the store moved since the run). Borrowed until the store changes. */
lint_ctx *lint_console_ctx(ui *u);

/* The last run's planned object kind ns/name, NULL when there is none or
 * the run is stale. Borrowed until the store changes. */
const doc_node *lint_console_planned(ui *u, const char *kind, const char *ns, const char *name);

#endif
