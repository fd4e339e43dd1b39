/*
 * lint_console.h - the platform's lint (model/lint.h) as the console runs
 * it: over the store's objects, converted as the policy says, exactly as
 * `meshpanel lint -f DIR` does over the same objects, so the console and
 * CI can never disagree.
 *
 * The set is the store's objects with the staged edits over them (what
 * :apply would apply, tui/staging_int.h), as `meshpanel lint -f DIR`
 * sees the files plus the overrides.
 *
 * The findings are computed in idle time after a store or staging change
 * (app.c), in steps of bounded work (lint_console.c says which), so a
 * key waits for one step at most; at most one run starts every
 * LINT_RERUN_MS (a busy cluster's watch events do not cause back-to-back
 * runs over everything). Until a run completes, the last complete run's
 * findings stay (PROB never counts half a run). When :problems or
 * :save-display asks, or a form opens, the run is completed at once;
 * never on a keystroke in a form: the forms check the edited object
 * against the last index (lint_console_check_object, cost the object's
 * size).
 *
 * What PROB counts once lint has run: a tenant's error findings. They
 * cover what the column counted before (the snapshot's hosts claimed twice
 * and missing Gateways are MP701 / MP711, tenant-aware; the conversion's
 * errors are carried in the findings), so nothing counts twice.
 *
 * Ownership: ui->lint (lint_console_free at teardown). The run (context,
 * set, store buckets) borrows the store's documents: it is dropped as
 * soon as the store generation or u->staged_gen moves, while the findings
 * (owning their strings) stay until the next complete run, so counts do
 * not flicker.
 */
#ifndef MESHPANEL_LINT_CONSOLE_H
#define MESHPANEL_LINT_CONSOLE_H

#include <stdbool.h>

#include "model/lint.h"
#include "tui/ui.h"

typedef struct lint_console lint_console;

/* The least time between the starts of two idle runs. */
#define LINT_RERUN_MS 2000
/* The longest a run holds the watch events back (lint_console_holding). */
#define LINT_HOLD_MS 1500

void lint_console_free(lint_console *lc);
/* Is there no complete run for the current store and staged edits? */
bool lint_console_stale(ui *u);
/* Stale, and a run is under way or may start (LINT_RERUN_MS): idle time
 * has work. */
bool lint_console_due(ui *u);
/* A run under way after one was dropped by a store change: the store
 * must not change until it completes (the watch streams wait, at most
 * LINT_HOLD_MS after its start), or a cluster that never stops changing
 * would never get findings. */
bool lint_console_holding(ui *u);
/* Idle time: steps of the run for about budget_ms when due. Returns 1
 * when a run completed, 0 when not (yet), -1 (message set) on failure. */
int lint_console_idle(ui *u, int budget_ms);
/* Completes the run now when stale (whatever the interval). Returns 1
 * when it completed one, 0 when already current, -1 (message set) when it
 * could not run. */
int lint_console_update(ui *u);
/* The last run's findings (maybe of an older generation), NULL before the
 * first. Borrowed until the next run. */
const lint_findings *lint_console_findings(ui *u);
/* Errors of namespace ns in the last run; -1 before the first run. */
long lint_console_errors(ui *u, const char *ns);
/* lint_check_object of obj against the last run (the forms), NULL when
 * stale (the store moved since the run) or out of memory (err). The
 * planned objects of the Gateways obj names are whole for the call (the
 * run keeps them stripped, lint_console.c). Cost: obj's size. */
lint_findings *lint_console_check_object(ui *u, const doc_node *obj, lint_origin origin,
                                         mp_err *err);

/* The last run's planned object kind ns/name, NULL when there is none or
 * the run is stale. Borrowed until the store changes or the next call
 * (the run keeps it as text: each call makes a tree). */
const doc_node *lint_console_planned(ui *u, const char *kind, const char *ns, const char *name);

#endif
