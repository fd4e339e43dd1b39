/*
 * cmd_apply.c - `meshpanel apply -f FILE [--dry-run=server]`: server-side
 * apply with field manager "meshpanel".
 *
 * Every object is first applied with dryRun=All; only when the server
 * accepted all of them are they applied for real, so a file with one invalid
 * or conflicting object changes nothing. (A failure in the second pass,
 * such as a 500, can still leave earlier objects applied: the error says
 * which object failed.) --force-conflicts takes over fields other managers
 * own, as kubectl's flag does.
 */
#include <stdio.h>
#include <string.h>

#include "model/kobj.h"
#include "tui/cli/cli.h"
#include "tui/cli/cmd_kube.h"
#include "tui/cli/cmd_objects.h"

#define CMD "apply"

typedef struct {
    kube_flags kf;
    const char *file;
    bool dry_run, force;
} apply_opts;

static void usage(FILE *f)
{
    fputs("usage: meshpanel apply -f FILE|DIR|- [--dry-run=server] [--force-conflicts]\n"
          "         [-n NS] [--kubeconfig FILE] [--context NAME] [--request-timeout 30s]\n",
          f);
}

static int parse_args(int argc, char **argv, apply_opts *o)
{
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r = kube_flag(&o->kf, argc, argv, &i, CMD);
        if (!r && (r = cli_opt(argc, argv, &i, "--filename", "-f", &v, CMD)) > 0)
            o->file = v;
        if (!r && (r = cli_opt(argc, argv, &i, "--dry-run", NULL, &v, CMD)) > 0) {
            if (!strcmp(v, "server"))
                o->dry_run = true;
            else if (strcmp(v, "none")) {
                fprintf(stderr,
                        "meshpanel apply: --dry-run=%s: only server (or none) is supported\n", v);
                return -1;
            }
        }
        if (!r && !strcmp(argv[i], "--force-conflicts"))
            o->force = true, r = 1;
        if (!r && (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))) {
            usage(stdout);
            return 1;
        }
        if (!r) {
            fprintf(stderr, "meshpanel apply: unexpected argument \"%s\"\n", argv[i]);
            return -1;
        }
        if (r < 0)
            return -1;
    }
    if (!o->file) {
        usage(stderr);
        return -1;
    }
    return 0;
}

static int apply_all(kclient *c, doc_list *objs, bool dry_run, bool force, bool print)
{
    kwrite_opts wo = {.dry_run = dry_run, .force = force};
    for (size_t i = 0; i < objs->len; i++) {
        mp_err err;
        char label[300];
        if (kclient_apply(c, objs->docs[i], &wo, NULL, &err)) {
            cli_error(CMD, err.msg);
            return 2;
        }
        if (print)
            printf("%s serverside-applied%s\n",
                   cmd_object_label(objs->docs[i], label, sizeof label),
                   dry_run ? " (server dry run)" : "");
    }
    return 0;
}

int cmd_apply(int argc, char **argv)
{
    apply_opts o = {0};
    int pa = parse_args(argc, argv, &o);
    if (pa)
        return pa > 0 ? 0 : 2;
    kclient *c = kube_connect(&o.kf, CMD);
    if (!c)
        return 2;
    doc_list objs;
    doc_list_init(&objs);
    mp_err err;
    int rc = 0;
    if (cmd_load_objects(o.file, kclient_conn(c), &objs, &err)) {
        cli_error(CMD, err.msg);
        rc = 2;
    } else if (o.dry_run) {
        rc = apply_all(c, &objs, true, o.force, true);
    } else {
        rc = apply_all(c, &objs, true, o.force, false);
        if (!rc)
            rc = apply_all(c, &objs, false, o.force, true);
    }
    doc_list_free(&objs);
    kclient_free(c);
    return rc;
}
