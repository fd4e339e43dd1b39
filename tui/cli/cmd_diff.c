/*
 * cmd_diff.c - `meshpanel diff -f FILE`: what applying FILE would change.
 *
 * For each object: the server-side dry-run apply result (what the cluster
 * would hold) against the live object (nothing when absent), both as
 * canonical YAML without the noise the server writes (objdiff.h: the same
 * filter as the console's diff view), as a unified diff.
 * Exit status like kubectl diff: 0 no differences, 1 differences, 2 error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/kinds.h"
#include "model/kobj.h"
#include "model/objdiff.h"
#include "model/textdiff.h"
#include "tui/cli/cli.h"
#include "tui/cli/cmd_kube.h"
#include "tui/cli/cmd_objects.h"

#define CMD "diff"

/* 0 same, 1 differs, 2 error. */
static int diff_one(kclient *c, doc_node *obj)
{
    mp_err err;
    kwrite_opts wo = {.dry_run = true};
    doc_node *merged = NULL, *live = NULL;
    if (kclient_apply(c, obj, &wo, &merged, &err)) {
        cli_error(CMD, err.msg);
        return 2;
    }
    const kkind *k = kkind_for_object(kobj_api_version(obj), kobj_kind(obj));
    if (kclient_get(c, k, kobj_namespace(obj), kobj_name(obj), &live, &err) &&
        khttp_last_status(kclient_http(c)) != 404) {
        doc_free(merged);
        cli_error(CMD, err.msg);
        return 2;
    }
    char *a = objdiff_canonical(live, &err), *b = objdiff_canonical(merged, &err);
    doc_free(live);
    doc_free(merged);
    int rc = 2;
    if (a && b) {
        char label[400], la[420], lb[420];
        const char *ns = kobj_namespace(obj);
        snprintf(label, sizeof label, "%s%s%s", ns ? ns : "", ns ? "/" : "",
                 cmd_object_label(obj, (char[300]){0}, 300));
        snprintf(la, sizeof la, "live/%s", label);
        snprintf(lb, sizeof lb, "merged/%s", label);
        char *d = textdiff_unified(a, b, la, lb, 3);
        if (d) {
            fputs(d, stdout);
            rc = *d ? 1 : 0;
            free(d);
        } else {
            cli_error(CMD, "out of memory");
        }
    } else {
        cli_error(CMD, err.msg);
    }
    free(a);
    free(b);
    return rc;
}

int cmd_diff(int argc, char **argv)
{
    kube_flags kf = {0};
    const char *file = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r = kube_flag(&kf, argc, argv, &i, CMD);
        if (!r && (r = cli_opt(argc, argv, &i, "--filename", "-f", &v, CMD)) > 0)
            file = v;
        if (!r && (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))) {
            puts(
                "usage: meshpanel diff -f FILE|DIR|- [-n NS] [--kubeconfig FILE] [--context NAME]\n"
                "exit status: 0 no differences, 1 differences, 2 error");
            return 0;
        }
        if (!r) {
            fprintf(stderr, "meshpanel diff: unexpected argument \"%s\"\n", argv[i]);
            return 2;
        }
        if (r < 0)
            return 2;
    }
    if (!file) {
        fputs("usage: meshpanel diff -f FILE|DIR|- [-n NS] [--kubeconfig FILE] [--context NAME]\n",
              stderr);
        return 2;
    }
    kclient *c = kube_connect(&kf, CMD);
    if (!c)
        return 2;
    doc_list objs;
    doc_list_init(&objs);
    mp_err err;
    int rc = 0;
    if (cmd_load_objects(file, kclient_conn(c), &objs, &err)) {
        cli_error(CMD, err.msg);
        rc = 2;
    }
    for (size_t i = 0; i < objs.len && rc != 2; i++) {
        int r = diff_one(c, objs.docs[i]);
        rc = r > rc ? r : rc;
    }
    doc_list_free(&objs);
    kclient_free(c);
    return rc;
}
