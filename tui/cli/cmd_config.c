/*
 * cmd_config.c - `meshpanel config get-contexts [NAME] | current-context`.
 *
 * Reads the same merged kubeconfig as every other command (--kubeconfig,
 * $KUBECONFIG, ~/.kube/config) and prints kubectl's table:
 *   CURRENT   NAME   CLUSTER   AUTHINFO   NAMESPACE
 * Nothing is resolved, so a context with a broken user still lists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/kubeconfig.h"
#include "model/sanitize.h"
#include "tui/cli/cli.h"
#include "tui/cli/cmd_kube.h"

#define CMD   "config"
#define NCOLS 5

static void print_row(const char *const cells[NCOLS], const size_t w[NCOLS])
{
    for (int c = 0; c < NCOLS; c++) {
        const char *s = cells[c] ? cells[c] : "";
        if (c == NCOLS - 1)
            printf("%s\n", s);
        else
            printf("%s%*s", s, (int)(w[c] - san_widths(s) + 3), "");
    }
}

static int get_contexts(const kubeconfig *kc, const char *only, bool names)
{
    size_t n = kubeconfig_context_count(kc);
    const char *cur = kubeconfig_current_context(kc);
    static const char *const hdr[NCOLS] = {"CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"};
    size_t w[NCOLS];
    for (int c = 0; c < NCOLS; c++)
        w[c] = strlen(hdr[c]);
    char **cells = calloc(n * NCOLS + 1, sizeof *cells);
    if (!cells)
        return 2;
    size_t rows = 0;
    for (size_t i = 0; i < n; i++) {
        kc_context ctx;
        kubeconfig_context_at(kc, i, &ctx);
        if (only && strcmp(only, ctx.name))
            continue;
        const char *raw[NCOLS] = {cur && !strcmp(cur, ctx.name) ? "*" : "", ctx.name, ctx.cluster,
                                  ctx.user, ctx.ns};
        for (int c = 0; c < NCOLS; c++) {
            char *s = san_cleans(raw[c] ? raw[c] : "", 0);
            cells[rows * NCOLS + c] = s;
            if (s && san_widths(s) > w[c])
                w[c] = san_widths(s);
        }
        rows++;
    }
    int rc = 0;
    if (only && !rows) {
        fprintf(stderr, "meshpanel config: context \"%s\" not found\n", only);
        rc = 2;
    } else if (names) {
        for (size_t r = 0; r < rows; r++)
            printf("%s\n", cells[r * NCOLS + 1] ? cells[r * NCOLS + 1] : "");
    } else {
        print_row(hdr, w);
        for (size_t r = 0; r < rows; r++)
            print_row((const char *const *)&cells[r * NCOLS], w);
    }
    for (size_t i = 0; i < rows * NCOLS; i++)
        free(cells[i]);
    free(cells);
    return rc;
}

int cmd_config(int argc, char **argv)
{
    kube_flags kf = {0};
    const char *sub = NULL, *name = NULL;
    bool names = false;
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r = kube_flag(&kf, argc, argv, &i, CMD);
        if (!r && (r = cli_opt(argc, argv, &i, "--output", "-o", &v, CMD)) > 0) {
            if (strcmp(v, "name")) {
                fprintf(stderr, "meshpanel config: -o %s: only -o name is supported\n", v);
                return 2;
            }
            names = true;
        }
        if (r < 0)
            return 2;
        if (r)
            continue;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            puts("usage: meshpanel config get-contexts [NAME] [-o name] [--kubeconfig FILE]\n"
                 "       meshpanel config current-context [--kubeconfig FILE]");
            return 0;
        }
        if (argv[i][0] == '-' || (sub && name)) {
            fprintf(stderr, "meshpanel config: unexpected argument \"%s\"\n", argv[i]);
            return 2;
        }
        *(sub ? &name : &sub) = argv[i];
    }
    if (!sub || (strcmp(sub, "get-contexts") && strcmp(sub, "current-context"))) {
        fputs("usage: meshpanel config get-contexts [NAME] [-o name] | current-context\n", stderr);
        return 2;
    }
    mp_err err;
    kubeconfig *kc = kubeconfig_load(&kf.kc, &err);
    if (!kc) {
        cli_error(CMD, err.msg);
        return 2;
    }
    int rc = 0;
    if (!strcmp(sub, "current-context")) {
        const char *cur = kubeconfig_current_context(kc);
        if (cur) {
            char *s = san_cleans(cur, 0);
            printf("%s\n", s ? s : "");
            free(s);
        } else {
            cli_error(CMD, "current-context is not set");
            rc = 2;
        }
    } else if (!kubeconfig_context_count(kc) && !*kubeconfig_files(kc)) {
        cli_error(CMD, "no kubeconfig found: use --kubeconfig, set KUBECONFIG or create "
                       "~/.kube/config; without a cluster: meshpanel --demo, or meshpanel -f DIR "
                       "(manifests)");
        rc = 2;
    } else {
        rc = get_contexts(kc, name, names);
    }
    kubeconfig_free(kc);
    return rc;
}
