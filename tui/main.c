/*
 * main.c - dispatch: a subcommand from the table, or the console.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "api/proc.h"
#include "tui/cli/cli.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
    bool batch; /* builds its whole answer, then exits: proc_batch_heap */
} cli_command;

static const cli_command commands[] = {
    {"convert", cmd_convert, "convert Ingress manifests to Istio Gateway + VirtualService YAML",
     true},
    {"get", cmd_get, "list ingresses, gateways, virtualservices or tenants from the cluster",
     false},
    {"apply", cmd_apply, "server-side apply a manifest file", false},
    {"diff", cmd_diff, "diff a manifest against the live cluster (server-side dry run)", false},
    {"config", cmd_config, "kubeconfig helpers (get-contexts)", false},
    {"migrate", cmd_migrate, "move tenants to Istio: plan, apply, verify, cutover, retire", false},
    {"rollback", cmd_rollback, "put tenants back on their Ingresses (full, partial, dual)", false},
    {"status", cmd_status, "where the migration stands: tenants and Ingresses per state", false},
    {"lint", cmd_lint, "check the multi-tenant networking rules before anything is applied", true},
    {"version", cmd_version, "the version, its commit and the library versions", false},
    {"completion", cmd_completion, "a shell completion script (bash, zsh, fish)", false},
};

static void usage(FILE *out)
{
    fprintf(out, "meshpanel: move ingress-nginx Ingresses to Istio Gateway + VirtualService.\n\n");
    app_usage(out);
    fprintf(out, "\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nRun 'meshpanel COMMAND --help' for a command's options, 'meshpanel --version'\n"
                 "for the version. Without a command, meshpanel opens the console.\n");
}

int main(int argc, char **argv)
{
    proc_no_core_dumps(); /* a core file would hold the tokens and keys in memory */
    if (argc >= 2 &&
        (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))) {
        usage(stdout);
        return 0;
    }
    if (argc >= 2 && !strcmp(argv[1], "--version"))
        return cmd_version(1, argv);
    if (argc >= 2 && argv[1][0] != '-') {
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (!strcmp(argv[1], commands[i].name)) {
                if (commands[i].batch)
                    proc_batch_heap();
                return commands[i].run(argc - 1, argv + 1);
            }
        fprintf(stderr, "meshpanel: unknown command \"%s\" (see meshpanel --help)\n", argv[1]);
        return 2;
    }
    return app_main(argc, argv);
}
