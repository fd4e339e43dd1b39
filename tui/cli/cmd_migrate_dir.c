/*
 * cmd_migrate_dir.c - the migration steps on a manifest directory
 * (-f DIR): the same flags, questions, table and exit status as on a
 * cluster (api/migrate_dir.h does the work).
 */
#include <stdio.h>

#include "api/migrate_dir.h"
#include "tui/cli/cli.h"
#include "tui/cli/cmd_migrate_int.h"

static size_t d_n(const void *h)
{
    return mig_dir_ntenants(h);
}

static const mig_tenant *d_at(const void *h, size_t i)
{
    return mig_dir_tenant_at(h, i);
}

static int d_preview(void *h, mig_step step, mp_err *err)
{
    return mig_dir_preview(h, step, err);
}

static int d_run(void *h, mig_step step, bool keep_going, mig_progress_fn fn, void *ud, mp_err *err)
{
    return mig_dir_run(h, step, keep_going, fn, ud, err);
}

int mig_cli_dir_open(mig_cli *a, mig_step step, mp_config *cfg, mig_dir **d)
{
    int rc = mig_cli_prepare(a, step, cfg);
    if (rc)
        return rc;
    mp_err err;
    a->mo.tenants = a->tenants;
    if (!(*d = mig_dir_open(a->dir, &a->mo, &err))) {
        cli_error(a->cmd, err.msg);
        return 2;
    }
    return 0;
}

int mig_cli_dir(mig_cli *a, mig_step step)
{
    mp_config cfg = {0};
    mig_dir *d = NULL;
    int rc = mig_cli_dir_open(a, step, &cfg, &d);
    if (!rc) {
        mig_target t = {d, d_n, d_at, d_preview, d_run};
        rc = mig_cli_target_steps(a, &t, step);
    }
    mig_dir_close(d);
    config_free(&cfg);
    return rc;
}
