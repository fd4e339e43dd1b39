/*
 * migrate_steps.h - the migration's steps from the console (issue 9): plan,
 * apply, verify, cutover, retire and rollback on the tenant under the
 * cursor, or on every tenant the filter keeps when a filter is set.
 *
 * A step reads the cluster (or the -f directory) for those tenants, as
 * `meshpanel migrate` does, with the console's staged edits. plan shows
 * each tenant's preview text (every object's diff against live, the
 * server's dry runs, the Ingresses to mark, the certificates) and writes
 * nothing; a mutating step shows the same preview in a confirmation (y
 * runs it, anything else does not), then draws a progress line after each
 * tenant and ends with the per-tenant result table the CLI prints
 * (TENANT RESULT BEFORE AFTER WRITES MESSAGE) in a popup; the console then
 * re-reads its source. verify asks nothing (it changes no routing; a
 * read-only console does not record its result). A read-only console
 * refuses apply, cutover, retire and rollback. rollback here is the CLI's
 * --mode partial for the tenants named.
 *
 * Blocking: the engine is synchronous; the screen is redrawn between
 * tenants. Ownership: everything a step holds is freed when it ends or
 * when its confirmation goes away.
 */
#ifndef MESHPANEL_MIGRATE_STEPS_H
#define MESHPANEL_MIGRATE_STEPS_H

#include "api/migrate.h"
#include "model/err.h"
#include "tui/ui.h"

void migrate_step_ask(ui *u, mig_step step);
/* "plan", "apply", ... into *step; -1 with err naming the choices. */
int migrate_step_parse(const char *name, mig_step *step, mp_err *err);

/* m: the menu of steps; R: rollback (keymap.h). */
void act_migrate_menu(ui *u);
void act_migrate_rollback(ui *u);

#endif
