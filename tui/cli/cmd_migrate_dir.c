/*
 * cmd_migrate_dir.c - the migration steps on a manifest directory (-f DIR).
 */
#include <stdio.h>

#include "tui/cli/cmd_migrate_int.h"

int mig_dir_run(mig_cli *a, mig_step step)
{
    (void)step;
    fprintf(stderr, "meshpanel %s: -f DIR is not supported yet\n", a->cmd);
    return 2;
}
