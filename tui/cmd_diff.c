/* cmd_diff.c - placeholder until the owning issue lands this command. */
#include <stdio.h>

#include "tui/cli.h"

int cmd_diff(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "meshpanel diff: not implemented yet\n");
    return 2;
}
