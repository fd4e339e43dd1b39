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
#include "model/sanitize.h"
#include "tui/cli/cli.h"
#include "tui/cli/cmd_migrate.h"
#include "api/migrate_dir.h"
#include "tui/cli/cmd_migrate_int.h"

static void print_lines(const char *title, char **v, size_t n)
{
    if (!n)
        return;
    printf("%s:\n", title);
    for (size_t i = 0; i < n; i++) {
        char *c = san_cleans(v[i], 0);
        printf("  %s\n", c ? c : "?");
        free(c);
    }
}

static int print_status(mig_status *st_)
{
    mig_status st = *st_;
    size_t nt = 0, ni = 0;
    for (size_t i = 0; i < st.ntstates; i++)
        nt += st.tcounts[i];
    printf("tenants: %zu", nt);
    for (size_t i = 0; i < st.ntstates; i++)
        printf("%s%s %zu", i ? ", " : " (", st.tstates[i], st.tcounts[i]);
    printf("%s\n", st.ntstates ? ")" : "");
    for (int i = 0; i < MIG_NSTATES; i++)
        ni += st.ingresses[i];
    printf("ingresses: %zu (", ni);
    for (int i = 0; i < MIG_NSTATES; i++)
        printf("%s%s %zu", i ? ", " : "", mig_state_name((mig_state)i), st.ingresses[i]);
    printf("; %zu suspended)\n", st.suspended);
    print_lines("problems", st.problems, st.nproblems);
    print_lines("not migrated in tenants already cut over", st.new_ingresses, st.nnew);
    int rc = st.nproblems || st.nnew ? 1 : 0;
    mig_status_free(st_);
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
