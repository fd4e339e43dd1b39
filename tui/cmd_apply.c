/* cmd_apply.c - placeholder until the owning issue lands this command. */
#include <stdio.h>

#include "tui/cli.h"

int cmd_apply(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "meshpanel apply: not implemented yet\n");
    return 2;
}
