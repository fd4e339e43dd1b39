/*
 * cmd_version.c - `meshpanel version` / `--version`: the version, the commit
 * it was built from, and the versions of the libraries it runs with (the
 * ones loaded at run time, which a bug report needs, not the headers').
 */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "api/http.h"
#include "commit.h"
#include "model/parse.h"
#include "tui/cli/cli.h"
#include "version.h"

int cmd_version(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        printf("usage: meshpanel version\n\n"
               "Prints the version, the git commit it was built from and the versions of\n"
               "ncurses, libcurl (and its TLS library), libyaml and cJSON.\n");
        return 0;
    }
    if (argc > 1) {
        fprintf(stderr, "meshpanel version: unexpected argument \"%s\"\n", argv[1]);
        return 2;
    }
    char curl[160];
    printf("meshpanel %s (commit %s)\n", MESHPANEL_VERSION, MESHPANEL_COMMIT);
    printf("%s, libcurl %s, libyaml %s, cJSON %s\n", curses_version(),
           khttp_curl_version(curl, sizeof curl), parse_libyaml_version(), parse_cjson_version());
    return 0;
}
