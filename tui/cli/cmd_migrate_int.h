/*
 * cmd_migrate_int.h - the parts of the migrate commands split over files
 * (not an interface).
 */
#ifndef MESHPANEL_CMD_MIGRATE_INT_H
#define MESHPANEL_CMD_MIGRATE_INT_H

#include "tui/cli/cmd_migrate.h"

/* cmd_migrate_run.c: preview, confirmation, run with progress, table;
 * returns the exit status. */
int mig_cli_steps(mig_cli *a, mig_session *s, mig_step step);
/* cmd_migrate_dir.c: the same steps on a manifest directory (-f DIR). */
int mig_dir_run(mig_cli *a, mig_step step);

#endif
