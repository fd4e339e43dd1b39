/* cmd_get.c - placeholder until the owning issue lands this command. */
#include <stdio.h>

#include "tui/cli.h"

int cmd_get(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "meshpanel get: not implemented yet\n");
    return 2;
}
