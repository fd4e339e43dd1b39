/*
 * cmd_rollback.c - `meshpanel rollback [-f DIR] [--mode full|partial|dual]
 * [-n NS ... | --wave N% | -l SEL] --yes` (issue 9).
 *
 * full     every tenant back to its Ingresses, meshpanel's objects removed;
 * partial  the same for the tenants named (-n, --wave, -l);
 * dual     the Ingresses serve again, the Istio objects stay.
 * Without --mode: partial when tenants are named, else full.
 */
#include <stdio.h>
#include <string.h>

#include "tui/cli/cli.h"
#include "tui/cli/cmd_migrate.h"

static void usage(FILE *f)
{
    fputs("usage: meshpanel rollback [-f DIR] [--mode full|partial|dual]\n"
          "         [-n NS ... | --wave N% | -l SEL] [--dry-run] --yes\n\n"
          "Every Ingress back exactly as it was (spec, labels, annotations, class; a\n"
          "retired one re-created from its backup), then only the objects meshpanel\n"
          "generated for it removed (--mode dual keeps them).\n"
          "  --mode full      every tenant (the default without -n/--wave/-l)\n"
          "  --mode partial   the tenants named (the default with them)\n"
          "  --mode dual      re-enable the Ingresses, keep the Istio objects\n\n",
          f);
    mig_cli_options(f);
}

int cmd_rollback(int argc, char **argv)
{
    mig_cli a = {.cmd = "rollback"};
    int rc = mig_cli_parse(&a, argc, argv, 1, true);
    if (rc || a.help) {
        if (a.help)
            usage(stdout);
        return rc;
    }
    bool named = a.mo.ntenants || a.mo.selector || a.mo.wave_bp;
    const char *mode = a.mode ? a.mode : named ? "partial" : "full";
    if (!strcmp(mode, "full") && named) {
        cli_error(a.cmd, "--mode full takes every tenant: name tenants with --mode partial");
        return 2;
    }
    if (!strcmp(mode, "partial") && !named) {
        cli_error(a.cmd, "--mode partial needs tenants: -n NS, --wave N% or -l SEL");
        return 2;
    }
    if (!strcmp(mode, "full") || !strcmp(mode, "partial"))
        a.mo.rb_mode = !strcmp(mode, "full") ? MIG_RB_FULL : MIG_RB_PARTIAL;
    else if (!strcmp(mode, "dual"))
        a.mo.rb_mode = MIG_RB_DUAL;
    else {
        cli_error(a.cmd, "--mode: full, partial or dual");
        return 2;
    }
    return mig_cli_run(&a, MIG_ROLLBACK);
}
