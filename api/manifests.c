/* manifests.c - Kubernetes objects from files, directories and stdin. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api/fsutil.h"
#include "api/manifests.h"
#include "model/kobj.h"
#include "model/parse.h"
#include "model/sort.h"

#define MAX_DEPTH 32

typedef struct {
    char **v;
    size_t len, cap;
} pathvec;

static void pathvec_free(pathvec *p)
{
    for (size_t i = 0; i < p->len; i++)
        free(p->v[i]);
    free(p->v);
}

static int pathvec_push(pathvec *p, const char *s)
{
    if (p->len == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        char **v = realloc(p->v, cap * sizeof *v);
        if (!v)
            return -1;
        p->v = v;
        p->cap = cap;
    }
    if (!(p->v[p->len] = strdup(s)))
        return -1;
    p->len++;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_manifest_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml") || !strcmp(dot, ".json"));
}

static int collect(const char *dir, int depth, pathvec *files, mp_err *err)
{
    if (depth > MAX_DEPTH)
        return mp_errf(err, "%s: directories nested too deep", dir);
    DIR *d = opendir(dir);
    if (!d)
        return mp_errf(err, "%s: %s", dir, strerror(errno));
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        char *path = malloc(n);
        if (!path) {
            rc = mp_errf(err, "%s: out of memory", dir);
            break;
        }
        size_t dl = strlen(dir);
        snprintf(path, n, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", e->d_name);
        struct stat st;
        if (stat(path, &st) < 0)
            rc = mp_errf(err, "%s: %s", path, strerror(errno));
        else if (S_ISDIR(st.st_mode))
            rc = collect(path, depth + 1, files, err);
        else if (S_ISREG(st.st_mode) && is_manifest_name(e->d_name) &&
                 pathvec_push(files, path) < 0)
            rc = mp_errf(err, "%s: out of memory", path);
        free(path);
    }
    closedir(d);
    return rc;
}

/* Lists the files a path stands for, sorted, so loads are reproducible. */
static int list_files(const char *path, pathvec *files, mp_err *err)
{
    struct stat st;
    if (!strcmp(path, "-"))
        return pathvec_push(files, path) < 0 ? mp_errf(err, "out of memory") : 0;
    if (stat(path, &st) < 0)
        return mp_errf(err, "%s: %s", path, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return pathvec_push(files, path) < 0 ? mp_errf(err, "out of memory") : 0;
    if (collect(path, 0, files, err) < 0)
        return -1;
    mp_sort(files->v, files->len, sizeof *files->v, cmp_str);
    return 0;
}

int manifests_files(const char *path, char ***files, size_t *n, mp_err *err)
{
    pathvec v = {0};
    if (list_files(path, &v, err) < 0) {
        pathvec_free(&v);
        return -1;
    }
    *files = v.v;
    *n = v.len;
    return 0;
}

/* LINE of "NAME:LINE: ..." (0 for a line without one). */
static long line_no(const char *s, const char *name, size_t nlen)
{
    if (strncmp(s, name, nlen) || s[nlen] != ':')
        return 0;
    char *end;
    long n = strtol(s + nlen + 1, &end, 10);
    return end > s + nlen + 1 && *end == ':' ? n : 0;
}

/* The problems of one file in the order of its lines (the shape check
 * and the kinds' check each report in order; merged here). Stable. */
static void sort_by_line(mp_errlist *errs, size_t from, const char *name)
{
    size_t nlen = strlen(name);
    for (size_t i = from + 1; i < errs->len; i++) {
        char *x = errs->lines[i];
        long k = line_no(x, name, nlen);
        size_t j = i;
        while (j > from && line_no(errs->lines[j - 1], name, nlen) > k) {
            errs->lines[j] = errs->lines[j - 1];
            j--;
        }
        errs->lines[j] = x;
    }
}

/* Parses one file's bytes into out; every problem is a line in errs. */
static void parse_all(const char *buf, size_t len, const char *name, doc_list *out,
                      manifests_check_fn check, void *ctx, mp_errlist *errs)
{
    doc_list docs, objs;
    doc_list_init(&docs);
    doc_list_init(&objs);
    mp_err err;
    if (doc_parse_auto(buf, len, name, &docs, &err) < 0) {
        /* libyaml cannot go on after a syntax error: one line per file */
        mp_errlist_add(errs, "%s", err.msg);
        doc_list_free(&docs);
        return;
    }
    size_t from = errs->len;
    kobj_flatten_all(&docs, &objs, name, errs);
    if (check)
        check(name, objs.docs, objs.len, ctx, errs);
    sort_by_line(errs, from, name);
    for (size_t i = 0; i < objs.len; i++)
        if (doc_list_push(out, doc_list_take(&objs, i)) < 0)
            mp_errlist_add(errs, "%s: out of memory", name);
    doc_list_free(&objs);
}

int manifests_parse(const char *buf, size_t len, const char *name, doc_list *out, mp_err *err)
{
    doc_list objs;
    doc_list_init(&objs);
    mp_errlist errs;
    mp_errlist_init(&errs);
    parse_all(buf, len, name, &objs, NULL, NULL, &errs);
    int rc = errs.len || errs.oom ? -1 : 0;
    if (rc < 0)
        mp_errf(err, "%s", errs.len ? errs.lines[0] : "out of memory");
    for (size_t i = 0; rc == 0 && i < objs.len; i++)
        if (doc_list_push(out, doc_list_take(&objs, i)) < 0)
            rc = mp_errf(err, "%s: out of memory", name);
    doc_list_free(&objs);
    mp_errlist_free(&errs);
    return rc;
}

int manifests_load_all(const char *path, doc_list *out, manifests_check_fn check, void *ctx,
                       mp_errlist *errs)
{
    pathvec files = {0};
    doc_list all;
    doc_list_init(&all);
    size_t before = errs->len;
    mp_err err;
    if (list_files(path, &files, &err) < 0)
        mp_errlist_add(errs, "%s", err.msg);
    for (size_t i = 0; i < files.len; i++) {
        size_t len = 0;
        char *buf = fs_read_file(files.v[i], &len, &err);
        if (!buf) {
            mp_errlist_add(errs, "%s", err.msg);
            continue;
        }
        parse_all(buf, len, !strcmp(files.v[i], "-") ? "<stdin>" : files.v[i], &all, check, ctx,
                  errs);
        free(buf);
    }
    pathvec_free(&files);
    bool ok = errs->len == before && !errs->oom;
    for (size_t i = 0; ok && i < all.len; i++)
        if (doc_list_push(out, doc_list_take(&all, i)) < 0)
            ok = mp_errlist_add(errs, "%s: out of memory", path) == 0;
    doc_list_free(&all);
    return ok ? 0 : -1;
}

/* One file of manifests_stream_all: what its loop knows, for take. */
typedef struct {
    const doc_take *take;
    const mp_errlist *errs, *shape, *kinds;
} file_take;

/* An item's bytes go to take only where each would get its tree: while
 * the path has no bad object. */
static bool clean(const file_take *t)
{
    return !(t->errs->len || t->shape->len || t->shape->oom || t->kinds->len || t->kinds->oom);
}

static int offer(const char *at, size_t avail, doc_span *span, void *ud)
{
    const file_take *t = ud;
    return clean(t) ? t->take->fn(at, avail, span, t->take->ud) : 0;
}

/* Bad objects only add up: none decoded ahead is taken after one. */
static int offer_peek(const char *at, size_t avail, doc_span *span, void *item, void *ud)
{
    const file_take *t = ud;
    return clean(t) ? t->take->peek(at, avail, span, item, t->take->ud) : 0;
}

static int offer_commit(void *item, void *ud)
{
    const file_take *t = ud;
    if (clean(t))
        return t->take->commit(item, t->take->ud);
    t->take->drop(item, t->take->ud);
    return 0;
}

static void offer_drop(void *item, void *ud)
{
    const file_take *t = ud;
    t->take->drop(item, t->take->ud);
}

/* One file of manifests_stream_all. Its problems are gathered as
 * parse_all gathers them, shape lines then the kinds' lines (each's or
 * check's), sorted by line; a syntax error replaces them (libyaml cannot go on, and parse_all
 * reports nothing else of such a file). Returns -1 when each or take failed. */
static int stream_file(const char *buf, size_t len, const char *name, manifests_check_fn check,
                       void *ctx, manifests_each_fn each, const doc_take *take, void *ud,
                       mp_errlist *errs)
{
    mp_errlist shape, kinds;
    mp_errlist_init(&shape);
    mp_errlist_init(&kinds);
    mp_err err;
    int rc = 0, got = 0;
    doc_reader *r = doc_reader_new(buf, len, name, &err);
    doc_node *d = NULL;
    size_t index = 0, item = 0;
    doc_list objs;
    doc_list_init(&objs);
    file_take ft = {take, errs, &shape, &kinds};
    doc_take dt = {offer, &ft, NULL, NULL, NULL, 0};
    if (take && take->peek)
        dt = (doc_take){offer, &ft, offer_peek, offer_commit, offer_drop, take->item_size};
    /* a JSON List comes item by item: kubectl's dump is never one tree */
    while (
        r && rc == 0 &&
        (got = doc_reader_next_take(r, kobj_is_list, take ? &dt : NULL, &d, &index, &item, &err))) {
        if (got == DOC_READER_STOPPED)
            rc = -1;
        if (got < 0)
            break;
        if (item == DOC_READER_WHOLE)
            kobj_flatten_doc(d, index, &objs, name, &shape);
        else
            kobj_flatten_item(d, index, item, &objs, name, &shape);
        for (size_t i = 0; i < objs.len; i++) {
            doc_node *o = doc_list_take(&objs, i);
            if (rc == 0 && !errs->len && !shape.len && !shape.oom && !kinds.len && !kinds.oom) {
                rc = each(o, name, &kinds, ud);
                continue;
            }
            if (check)
                check(name, &o, 1, ctx, &kinds);
            doc_free(o);
        }
        objs.len = 0;
    }
    doc_list_free(&objs);
    doc_reader_free(r);
    size_t from = errs->len;
    if (rc == 0 && (!r || got < 0))
        mp_errlist_add(errs, "%s", err.msg);
    else {
        for (size_t i = 0; i < shape.len; i++)
            mp_errlist_add(errs, "%s", shape.lines[i]);
        for (size_t i = 0; i < kinds.len; i++)
            mp_errlist_add(errs, "%s", kinds.lines[i]);
        errs->oom |= shape.oom || kinds.oom;
        sort_by_line(errs, from, name);
    }
    mp_errlist_free(&shape);
    mp_errlist_free(&kinds);
    return rc;
}

int manifests_stream_all(const char *path, manifests_check_fn check, void *ctx,
                         manifests_each_fn each, void *ud, mp_errlist *errs)
{
    return manifests_stream_take(path, check, ctx, each, NULL, ud, errs);
}

int manifests_stream_take(const char *path, manifests_check_fn check, void *ctx,
                          manifests_each_fn each, const doc_take *take, void *ud, mp_errlist *errs)
{
    pathvec files = {0};
    size_t before = errs->len;
    mp_err err;
    int rc = 0;
    if (list_files(path, &files, &err) < 0)
        mp_errlist_add(errs, "%s", err.msg);
    for (size_t i = 0; rc == 0 && i < files.len; i++) {
        size_t len = 0;
        char *buf = fs_read_file(files.v[i], &len, &err);
        if (!buf) {
            mp_errlist_add(errs, "%s", err.msg);
            continue;
        }
        rc = stream_file(buf, len, !strcmp(files.v[i], "-") ? "<stdin>" : files.v[i], check, ctx,
                         each, take, ud, errs);
        free(buf);
    }
    pathvec_free(&files);
    return rc == 0 && errs->len == before && !errs->oom ? 0 : -1;
}

int manifests_load(const char *path, doc_list *out, mp_err *err)
{
    mp_errlist errs;
    mp_errlist_init(&errs);
    int rc = manifests_load_all(path, out, NULL, NULL, &errs);
    if (rc < 0)
        mp_errf(err, "%s", errs.len ? errs.lines[0] : "out of memory");
    mp_errlist_free(&errs);
    return rc;
}

int manifests_signature(const char *path, uint64_t *sig, mp_err *err)
{
    pathvec files = {0};
    if (list_files(path, &files, err) < 0) {
        pathvec_free(&files);
        return -1;
    }
    uint64_t h = 1469598103934665603ull; /* FNV-1a over name, size, mtime */
    for (size_t i = 0; i < files.len; i++) {
        struct stat st;
        if (stat(files.v[i], &st) < 0)
            continue;
        uint64_t parts[3] = {(uint64_t)st.st_size, (uint64_t)st.st_mtim.tv_sec,
                             (uint64_t)st.st_mtim.tv_nsec};
        for (const char *p = files.v[i]; *p; p++)
            h = (h ^ (unsigned char)*p) * 1099511628211ull;
        for (size_t k = 0; k < 3; k++)
            h = (h ^ parts[k]) * 1099511628211ull;
    }
    pathvec_free(&files);
    *sig = h;
    return 0;
}
