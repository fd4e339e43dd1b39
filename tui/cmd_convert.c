/* cmd_convert.c - placeholder until the owning issue lands this command. */
#include <stdio.h>

#include "tui/cli.h"

int cmd_convert(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "meshpanel convert: not implemented yet\n");
    return 2;
}
