/*
 * cmd_status.c - `meshpanel status [-f DIR]` (issue 9): where the
 * migration stands, read from the cluster alone: tenants per state,
 * Ingresses per state, every inconsistency with its reason, and the
 * Ingresses not migrated in tenants already cut over (new ones, created
 * after the cutover). Exit 0, or 1 when it lists a problem.
 */
#include <stdio.h>
#include <stdlib.h>

#include "model/migstate.h"
#include "tui/cli/cli.h"
#include "tui/cli/cmd_migrate.h"
#include "api/migrate_dir.h"
#include "tui/cli/cmd_migrate_int.h"

static int print_status(mig_status *st)
{
    char **lines = NULL;
    size_t n = mig_status_lines(st, &lines);
    int rc = mig_status_alarming(st) ? 1 : 0;
    mig_status_free(st);
    if (n == (size_t)-1) {
        cli_error("status", "out of memory");
        return 2;
    }
    for (size_t i = 0; i < n; i++) {
        puts(lines[i]);
        free(lines[i]);
    }
    free(lines);
    return rc;
}

static int status(mig_cli *a, mig_session *s, mig_step step)
{
    (void)a, (void)step;
    mig_status st;
    mp_err err;
    if (mig_status_read(s, &st, &err) < 0) {
        cli_error("status", err.msg);
        return 2;
    }
    return print_status(&st);
}

static int dir_status(mig_cli *a)
{
    mp_config cfg = {0};
    mig_dir *d = NULL;
    mig_status st;
    mp_err err;
    int rc = mig_cli_dir_open(a, MIG_PLAN, &cfg, &d);
    if (!rc && mig_dir_status(d, &st, &err) < 0) {
        cli_error(a->cmd, err.msg);
        rc = 2;
    } else if (!rc)
        rc = print_status(&st);
    mig_dir_close(d);
    config_free(&cfg);
    return rc;
}

int cmd_status(int argc, char **argv)
{
    mig_cli a = {.cmd = "status"};
    int rc = mig_cli_parse(&a, argc, argv, 1, false);
    if (rc || a.help) {
        if (a.help) {
            puts("usage: meshpanel status [-f DIR] [-n NS ... | --wave N% | -l SEL]\n"
                 "         [--kubeconfig FILE] [--context NAME]\n\n"
                 "Tenants and Ingresses per migration state, problems with their reasons,\n"
                 "and Ingresses not migrated in tenants already cut over, read from the\n"
                 "cluster alone (with -f DIR: from the files). Changes nothing.\n"
                 "Exit status: 0, 1 when a problem is listed, 2 error.");
        }
        return rc;
    }
    if (a.dir)
        return dir_status(&a);
    return mig_cli_session(&a, MIG_PLAN, status); /* reads only */
}
