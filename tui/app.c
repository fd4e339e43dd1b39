/* app.c - placeholder for the console until issue 4 lands it. */
#include <stdio.h>

#include "tui/cli.h"

int app_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "meshpanel: the console is not implemented yet\n");
    return 2;
}
