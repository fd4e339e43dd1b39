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
        snprintf(path, n, "%s/%s", dir, e->d_name);
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

int manifests_parse(const char *buf, size_t len, const char *name, doc_list *out, mp_err *err)
{
    doc_list docs, objs;
    doc_list_init(&docs);
    doc_list_init(&objs);
    if (doc_parse_auto(buf, len, name, &docs, err) < 0) {
        doc_list_free(&docs);
        return -1;
    }
    if (kobj_flatten(&docs, &objs, name, err) < 0) {
        doc_list_free(&objs);
        return -1;
    }
    for (size_t i = 0; i < objs.len; i++) {
        if (doc_list_push(out, doc_list_take(&objs, i)) < 0) {
            doc_list_free(&objs);
            return mp_errf(err, "%s: out of memory", name);
        }
    }
    doc_list_free(&objs);
    return 0;
}

int manifests_load(const char *path, doc_list *out, mp_err *err)
{
    pathvec files = {0};
    doc_list all;
    doc_list_init(&all);
    int rc = list_files(path, &files, err);
    for (size_t i = 0; rc == 0 && i < files.len; i++) {
        char *buf = NULL;
        size_t len = 0;
        buf = fs_read_file(files.v[i], &len, err);
        rc = buf ? 0 : -1;
        if (rc == 0)
            rc = manifests_parse(buf, len, !strcmp(files.v[i], "-") ? "<stdin>" : files.v[i], &all,
                                 err);
        free(buf);
    }
    pathvec_free(&files);
    for (size_t i = 0; rc == 0 && i < all.len; i++)
        if (doc_list_push(out, doc_list_take(&all, i)) < 0)
            rc = mp_errf(err, "%s: out of memory", path);
    doc_list_free(&all);
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
