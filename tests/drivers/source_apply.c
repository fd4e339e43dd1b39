/*
 * source_apply.c - test driver for the sources' apply op (api/source.h),
 * the operation the console's :apply calls.
 *
 *   source_apply_driver (--demo | -f PATH | --kubeconfig FILE [--context C])
 *                       [--timeout SECONDS] OBJECTS.yaml
 *
 * Opens the source into a store (a cluster is pumped until every watch
 * stream synced, within the timeout), applies every object of OBJECTS.yaml
 * in one call and prints one line per object, in file order:
 *   <kind> <ns>/<name> <status>[: msg]
 * Then, without letting the source run again, it checks that the store
 * already shows each applied object with the applied spec (the console
 * must not wait for a watch event or a poll): a mismatch is a line on
 * stderr starting "store:".
 *
 * Exit: 0 none failed, 1 some failed, 2 usage, I/O, open or store errors.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/fsutil.h"
#include "api/source.h"
#include "model/kobj.h"
#include "model/parse.h"

#ifndef MESHPANEL_SOURCE_DIR
#define MESHPANEL_SOURCE_DIR NULL
#endif

typedef struct {
    bool demo;
    const char *path, *kubeconfig, *context, *objects;
    long timeout_s;
} drv_opts;

static int usage(void)
{
    fputs("usage: source_apply_driver (--demo | -f PATH | --kubeconfig FILE [--context C])\n"
          "                           [--timeout SECONDS] OBJECTS.yaml\n",
          stderr);
    return 2;
}

static int parse_args(int argc, char **argv, drv_opts *o)
{
    o->timeout_s = 30;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_val = i + 1 < argc;
        if (!strcmp(a, "--demo"))
            o->demo = true;
        else if (!strcmp(a, "-f") && has_val)
            o->path = argv[++i];
        else if (!strcmp(a, "--kubeconfig") && has_val)
            o->kubeconfig = argv[++i];
        else if (!strcmp(a, "--context") && has_val)
            o->context = argv[++i];
        else if (!strcmp(a, "--timeout") && has_val)
            o->timeout_s = strtol(argv[++i], NULL, 10);
        else if (a[0] != '-' && !o->objects)
            o->objects = a;
        else
            return -1;
    }
    int sources = o->demo + (o->path != NULL) + (o->kubeconfig != NULL);
    return sources == 1 && o->objects && o->timeout_s > 0 ? 0 : -1;
}

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The console's loop, reduced: poll the source's fds, step it, until it
 * says synced. */
static int pump_until_synced(mp_source *src, mp_store *st, long timeout_s, mp_err *err)
{
    long long end = mono_ms() + timeout_s * 1000;
    for (long long now = mono_ms(); !source_synced(src); now = mono_ms()) {
        if (now >= end)
            return mp_errf(err, "not synced after %ld s (%s)", timeout_s, source_status(src));
        struct pollfd fds[32];
        int n = source_fds(src, fds, 32);
        int to = source_timeout_ms(src, now);
        if (to < 0 || to > end - now)
            to = (int)(end - now);
        if (poll(fds, (nfds_t)n, to) < 0 && errno != EINTR)
            return mp_errf(err, "poll: %s", strerror(errno));
        mp_err e = {{0}};
        if (source_step(src, st, fds, n, mono_ms(), &e) < 0)
            fprintf(stderr, "step: %s\n", e.msg); /* the source may recover */
    }
    return 0;
}

static mp_source *open_source(const drv_opts *o, const char *argv0, mp_store *st, mp_err *err)
{
    mp_source *src;
    if (o->demo)
        src = source_demo_new(argv0, MESHPANEL_SOURCE_DIR, err);
    else if (o->path)
        src = source_manifest_new(o->path, err);
    else
        src = source_cluster_new(&(kc_options){.kubeconfig = o->kubeconfig, .context = o->context},
                                 err);
    if (!src)
        return NULL;
    if (source_open(src, st, err) < 0 || pump_until_synced(src, st, o->timeout_s, err) < 0) {
        source_free(src);
        return NULL;
    }
    return src;
}

static int load_objects(const char *path, doc_list *objs, mp_err *err)
{
    size_t len = 0;
    char *buf = fs_read_file(path, &len, err);
    if (!buf)
        return -1;
    doc_list docs;
    doc_list_init(&docs);
    int rc = doc_parse_auto(buf, len, path, &docs, err);
    free(buf);
    if (rc == 0)
        rc = kobj_flatten(&docs, objs, path, err);
    doc_list_free(&docs);
    if (rc == 0 && !objs->len) /* a test that applies nothing proves nothing */
        return mp_errf(err, "%s: no objects", path);
    return rc;
}

static const char *ns_of(const doc_node *obj)
{
    const char *ns = kobj_namespace(obj);
    return ns ? ns : "";
}

/* The store shows what was applied, before any later step of the source. */
static int check_store(mp_store *st, const doc_list *objs, const apply_result *res)
{
    int bad = 0;
    for (size_t i = 0; i < objs->len; i++) {
        const doc_node *o = objs->docs[i];
        if (res[i].status != APPLY_CREATED && res[i].status != APPLY_CONFIGURED &&
            res[i].status != APPLY_UNCHANGED)
            continue;
        /* an object without namespace lands in "default" (namespaced kinds) */
        const char *ns = kobj_namespace(o) ? kobj_namespace(o) : "default";
        const store_obj *so = store_get(st, kobj_kind(o), ns, kobj_name(o));
        if (!so) {
            fprintf(stderr, "store: %s %s/%s missing\n", kobj_kind(o), ns, kobj_name(o));
            bad = 1;
        } else if (!doc_equal(doc_get(so->doc, "spec"), doc_get(o, "spec"), false)) {
            fprintf(stderr, "store: %s %s/%s has another spec\n", kobj_kind(o), ns, kobj_name(o));
            bad = 1;
        }
    }
    return bad;
}

static int run(const drv_opts *o, const char *argv0, mp_store *st)
{
    mp_err err = {{0}};
    doc_list objs;
    doc_list_init(&objs);
    if (load_objects(o->objects, &objs, &err) < 0) {
        fprintf(stderr, "source_apply_driver: %s\n", err.msg);
        return 2;
    }
    mp_source *src = open_source(o, argv0, st, &err);
    apply_result *res = calloc(objs.len ? objs.len : 1, sizeof *res);
    int failed = src && res ? source_apply(src, st, objs.docs, objs.len, res, &err) : -1;
    int rc = 2;
    if (failed < 0) {
        fprintf(stderr, "source_apply_driver: %s\n", res ? err.msg : "out of memory");
    } else {
        for (size_t i = 0; i < objs.len; i++)
            printf("%s %s/%s %s%s%s\n", kobj_kind(objs.docs[i]), ns_of(objs.docs[i]),
                   kobj_name(objs.docs[i]), apply_status_name(res[i].status),
                   res[i].msg[0] ? ": " : "", res[i].msg);
        printf("target: %s\n", source_apply_target(src));
        rc = check_store(st, &objs, res) ? 2 : failed ? 1 : 0;
    }
    free(res);
    source_free(src);
    doc_list_free(&objs);
    return rc;
}

int main(int argc, char **argv)
{
    drv_opts o = {0};
    if (parse_args(argc, argv, &o) < 0)
        return usage();
    mp_store *st = store_new();
    if (!st) {
        fputs("source_apply_driver: out of memory\n", stderr);
        return 2;
    }
    int rc = run(&o, argv[0], st);
    store_free(st);
    return rc;
}
