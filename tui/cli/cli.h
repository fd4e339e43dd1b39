/*
 * cli.h - the non-interactive subcommands and the console entry point.
 *
 * main() dispatches argv[1] through the table in main.c. Each command lives
 * in its own file (cmd_convert.c, cmd_get.c, ...), parses its own flags and
 * returns the process exit status; none calls exit().
 */
#ifndef MESHPANEL_CLI_H
#define MESHPANEL_CLI_H

#include <stdio.h>

int cmd_convert(int argc, char **argv);
int cmd_get(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_rollback(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_completion(int argc, char **argv);

/* The console: everything that is not a subcommand (--demo, -f DIR, ...). */
int app_main(int argc, char **argv);
/* The console's options, for `meshpanel --help`. */
void app_usage(FILE *out);

#endif
