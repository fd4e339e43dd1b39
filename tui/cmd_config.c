/* cmd_config.c - placeholder until the owning issue lands this command. */
#include <stdio.h>

#include "tui/cli.h"

int cmd_config(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "meshpanel config: not implemented yet\n");
    return 2;
}
