/*
 * cmd_migrate_int.h - the parts of the migrate commands split over files
 * (not an interface).
 */
#ifndef MESHPANEL_CMD_MIGRATE_INT_H
#define MESHPANEL_CMD_MIGRATE_INT_H

#include "tui/cli/cmd_migrate.h"
#include "tui/config.h"

/* What a step runs on: a cluster session (api/migrate.h) or a manifest
 * directory (api/migrate_dir.h), as four functions over h. */
typedef struct {
    void *h;
    size_t (*ntenants)(const void *h);
    const mig_tenant *(*tenant_at)(const void *h, size_t i);
    int (*preview)(void *h, mig_step step, mp_err *err);
    int (*run)(void *h, mig_step step, bool keep_going, mig_progress_fn fn, void *ud, mp_err *err);
} mig_target;

/* cmd_migrate_run.c: preview, confirmation, run with progress, table;
 * returns the exit status. */
int mig_cli_steps(mig_cli *a, mig_session *s, mig_step step);
int mig_cli_target_steps(mig_cli *a, const mig_target *t, mig_step step);
/* cmd_migrate_dir.c: the same steps on a manifest directory (-f DIR). */
int mig_cli_dir(mig_cli *a, mig_step step);
/* Prepares and opens the directory of -f (*d is the caller's to close
 * with mig_dir_close): 0 or the exit status (printed). */
typedef struct mig_dir mig_dir;
int mig_cli_dir_open(mig_cli *a, mig_step step, mp_config *cfg, mig_dir **d);
/* cmd_migrate.c: config, read-only and the no-terminal refusal, the
 * conversion's defaults: 0 or the exit status. cfg outlives the step. */
int mig_cli_prepare(mig_cli *a, mig_step step, mp_config *cfg);

#endif
