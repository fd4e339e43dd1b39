/*
 * source_manifest.c - a directory (or one file) of manifests as a source.
 *
 * Change detection is mtime+size polling once a second rather than inotify:
 * it works the same on every filesystem (NFS, bind mounts, git checkouts that
 * replace files by rename) and costs one stat per file. Only files whose
 * stat changed are parsed again; the objects a file no longer holds are
 * deleted, unless another file still defines them. A file that fails to
 * parse keeps its previous objects (never a half-applied file) and its error
 * shows in the status line.
 *
 * Applying (api/source_manifest_apply.c) writes files under DIR/istio/ for
 * a directory, keeps objects in memory for the demo, and is refused for a
 * single file.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/fsutil.h"
#include "api/kinds.h"
#include "api/source.h"
#include "api/datadir.h"
#include "api/source_manifest_int.h"
#include "model/kobj.h"
#include "model/parse.h"
#include "model/sort.h"

#define POLL_MS 1000

static void keys_free(obj_key *k, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(k[i].kind);
        free(k[i].ns);
        free(k[i].name);
    }
    free(k);
}

static bool has_manifest_ext(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml") || !strcmp(dot, ".json"));
}

mfile *manifest_find_file(manifest_src *m, const char *path)
{
    for (size_t i = 0; i < m->nfiles; i++)
        if (!strcmp(m->files[i].path, path))
            return &m->files[i];
    return NULL;
}

static mfile *add_file(manifest_src *m, const char *path)
{
    if (m->nfiles == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        mfile *v = realloc(m->files, cap * sizeof *v);
        if (!v)
            return NULL;
        m->files = v;
        m->cap = cap;
    }
    mfile *f = &m->files[m->nfiles];
    memset(f, 0, sizeof *f);
    f->path = strdup(path);
    if (!f->path)
        return NULL;
    m->nfiles++;
    return f;
}

/* Marks files seen and records new ones; a changed file gets failed=true
 * as a "needs reading" flag until load_file clears it. */
static void note_file(manifest_src *m, const char *path, const struct stat *sb)
{
    mfile *f = manifest_find_file(m, path);
    if (!f) {
        f = add_file(m, path);
        if (!f)
            return;
        f->failed = true;
    } else if (f->mtime.tv_sec != sb->st_mtim.tv_sec || f->mtime.tv_nsec != sb->st_mtim.tv_nsec ||
               f->size != sb->st_size) {
        f->failed = true;
    }
    f->mtime = sb->st_mtim;
    f->size = sb->st_size;
    f->seen = true;
}

static void walk(manifest_src *m, const char *dir, int depth)
{
    if (depth > 32)
        return;
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue; /* ., .., .git, editor swap files */
        char path[PATH_MAX];
        if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= (int)sizeof path)
            continue;
        struct stat sb;
        if (stat(path, &sb) < 0)
            continue;
        if (S_ISDIR(sb.st_mode))
            walk(m, path, depth + 1);
        else if (S_ISREG(sb.st_mode) && has_manifest_ext(de->d_name))
            note_file(m, path, &sb);
    }
    closedir(d);
}

void manifest_default_namespace(doc_node *obj)
{
    if (kobj_namespace(obj))
        return;
    const kkind *k = kkind_for_object(kobj_api_version(obj), kobj_kind(obj));
    if (k && k->namespaced)
        kobj_set_namespace(obj, "default");
}

static bool key_in(const obj_key *keys, size_t n, const obj_key *k)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(keys[i].name, k->name) && !strcmp(keys[i].ns, k->ns) &&
            !strcmp(keys[i].kind, k->kind))
            return true;
    return false;
}

static bool key_owned_elsewhere(const manifest_src *m, const mfile *self, const obj_key *k)
{
    for (size_t i = 0; i < m->nfiles; i++)
        if (&m->files[i] != self && m->files[i].seen &&
            key_in(m->files[i].keys, m->files[i].nkeys, k))
            return true;
    return false;
}

static int drop_keys(manifest_src *m, mp_store *st, const mfile *f, const obj_key *keep,
                     size_t nkeep)
{
    int changes = 0;
    for (size_t i = 0; i < f->nkeys; i++)
        if (!key_in(keep, nkeep, &f->keys[i]) && !key_owned_elsewhere(m, f, &f->keys[i]))
            changes += store_delete(st, f->keys[i].kind, f->keys[i].ns, f->keys[i].name);
    return changes;
}

static int parse_file(const char *path, doc_list *objs, mp_err *err)
{
    size_t len = 0;
    char *buf = fs_read_file(path, &len, err);
    if (!buf)
        return -1;
    doc_list docs;
    doc_list_init(&docs);
    const char *shown = path;
    int rc = doc_parse_auto(buf, len, shown, &docs, err);
    free(buf);
    if (rc == 0)
        rc = kobj_flatten(&docs, objs, shown, err);
    doc_list_free(&docs);
    return rc;
}

/* Reads one changed file and applies it: all of it or, on error, none. */
static int load_file(manifest_src *m, mp_store *st, mfile *f, mp_err *err)
{
    doc_list objs;
    doc_list_init(&objs);
    if (parse_file(f->path, &objs, err) < 0) {
        doc_list_free(&objs);
        return -1;
    }
    obj_key *keys = calloc(objs.len ? objs.len : 1, sizeof *keys);
    if (!keys) {
        doc_list_free(&objs);
        return mp_errf(err, "%s: out of memory", f->path);
    }
    int changes = 0;
    size_t nk = 0;
    for (size_t i = 0; i < objs.len; i++) {
        doc_node *o = doc_list_take(&objs, i);
        manifest_default_namespace(o);
        const char *ns = kobj_namespace(o);
        keys[nk].kind = strdup(kobj_kind(o));
        keys[nk].ns = strdup(ns ? ns : "");
        keys[nk].name = strdup(kobj_name(o));
        if (!keys[nk].kind || !keys[nk].ns || !keys[nk].name) {
            doc_free(o);
            continue;
        }
        nk++;
        int r = store_put(st, o, err);
        if (r > 0)
            changes += r;
    }
    doc_list_free(&objs);
    changes += drop_keys(m, st, f, keys, nk);
    keys_free(f->keys, f->nkeys);
    f->keys = keys;
    f->nkeys = nk;
    f->failed = false;
    return changes;
}

static void remove_unseen(manifest_src *m, mp_store *st, int *changes)
{
    size_t w = 0;
    for (size_t i = 0; i < m->nfiles; i++) {
        mfile *f = &m->files[i];
        if (!f->seen) {
            *changes += drop_keys(m, st, f, NULL, 0);
            keys_free(f->keys, f->nkeys);
            free(f->path);
            continue;
        }
        m->files[w++] = *f;
    }
    m->nfiles = w;
}

static int cmp_file(const void *a, const void *b)
{
    return strcmp(((const mfile *)a)->path, ((const mfile *)b)->path);
}

static void update_status(manifest_src *m, mp_store *st)
{
    m->nobjects = store_count(st, NULL);
    /* the demo's absolute path is noise (and differs per checkout) */
    int n = snprintf(m->status, sizeof m->status, "%s%s%s: %zu files, %zu objects", m->label,
                     strcmp(m->label, "demo") ? " " : "", strcmp(m->label, "demo") ? m->root : "",
                     m->nfiles, m->nobjects);
    if (m->nkept && n > 0 && (size_t)n < sizeof m->status)
        n += snprintf(m->status + n, sizeof m->status - (size_t)n, ", %zu applied in memory",
                      m->nkept);
    if (m->last_error[0] && n > 0 && (size_t)n < sizeof m->status)
        snprintf(m->status + n, sizeof m->status - (size_t)n, "; %s", m->last_error);
}

/* The demo's applied objects win over what its files say. */
static int put_kept(manifest_src *m, mp_store *st)
{
    int changes = 0;
    for (size_t i = 0; i < m->nkept; i++) {
        doc_node *c = doc_clone(m->kept[i]);
        int r = c ? store_put(st, c, NULL) : -1;
        changes += r > 0 ? r : 0;
    }
    return changes;
}

int manifest_sync(manifest_src *m, mp_store *st, mp_err *err)
{
    for (size_t i = 0; i < m->nfiles; i++)
        m->files[i].seen = false;
    struct stat sb;
    if (stat(m->root, &sb) < 0)
        return mp_errf(err, "%s: %s", m->root, strerror(errno));
    if (S_ISDIR(sb.st_mode))
        walk(m, m->root, 0);
    else
        note_file(m, m->root, &sb);
    mp_sort(m->files, m->nfiles, sizeof *m->files, cmp_file);
    int changes = 0;
    remove_unseen(m, st, &changes);
    m->last_error[0] = 0;
    int rc = 0;
    for (size_t i = 0; i < m->nfiles; i++) {
        if (!m->files[i].failed)
            continue;
        mp_err e = {{0}};
        int r = load_file(m, st, &m->files[i], &e);
        if (r < 0) {
            snprintf(m->last_error, sizeof m->last_error, "%s", e.msg);
            rc = mp_errf(err, "%s", e.msg);
        } else {
            changes += r;
        }
    }
    if (changes > 0) /* a file's object may have replaced a kept one */
        changes += put_kept(m, st);
    update_status(m, st);
    return rc < 0 ? -1 : changes;
}

static int m_open(mp_source *src, mp_store *st, mp_err *err)
{
    int r = manifest_sync(src->priv, st, err);
    return r < 0 ? -1 : 0;
}

static int m_fds(mp_source *src, struct pollfd *fds, int max)
{
    (void)src;
    (void)fds;
    (void)max;
    return 0;
}

static int m_timeout(mp_source *src, long long now_ms)
{
    manifest_src *m = src->priv;
    if (now_ms >= m->next_poll_ms)
        return 0;
    long long d = m->next_poll_ms - now_ms;
    return d > m->poll_ms ? m->poll_ms : (int)d;
}

static int m_step(mp_source *src, mp_store *st, const struct pollfd *fds, int nfds,
                  long long now_ms, mp_err *err)
{
    (void)fds;
    (void)nfds;
    manifest_src *m = src->priv;
    if (now_ms < m->next_poll_ms)
        return 0;
    m->next_poll_ms = now_ms + m->poll_ms;
    return manifest_sync(m, st, err);
}

static int m_refresh(mp_source *src, mp_store *st, mp_err *err)
{
    return manifest_sync(src->priv, st, err);
}

static const char *m_status(const mp_source *src)
{
    return ((const manifest_src *)src->priv)->status;
}

/* Files are read whole: synced, or degraded while a file does not parse
 * (its objects are the last good ones, or absent). */
static void m_conn(const mp_source *src, source_conn *out)
{
    const manifest_src *m = src->priv;
    out->state = m->last_error[0] ? CONN_DEGRADED : CONN_SYNCED;
    snprintf(out->reason, sizeof out->reason, "%s", m->last_error);
}

static const char *m_context(const mp_source *src)
{
    return ((const manifest_src *)src->priv)->label;
}

static const char *m_cluster(const mp_source *src)
{
    const manifest_src *m = src->priv;
    const char *slash = strrchr(m->root, '/');
    return slash && slash[1] ? slash + 1 : m->root;
}

/* A single file is never rewritten (it may hold anything, Ingresses
 * included); a directory gets files of meshpanel's own, the demo memory. */
static bool m_read_only(const mp_source *src)
{
    return ((const manifest_src *)src->priv)->mode == MS_FILE;
}

static int m_apply(mp_source *src, mp_store *st, doc_node *const *objs, size_t n, apply_result *res,
                   mp_err *err)
{
    manifest_src *m = src->priv;
    if (m->mode == MS_DEMO)
        return manifest_apply_demo(m, st, objs, n, res, err);
    if (m->mode == MS_FILE)
        return mp_errf(err, "apply needs a directory: -f names a file");
    return manifest_apply_dir(m, st, objs, n, res, err);
}

static const char *m_apply_target(const mp_source *src)
{
    return ((const manifest_src *)src->priv)->target;
}

static void m_close(mp_source *src)
{
    manifest_src *m = src->priv;
    for (size_t i = 0; i < m->nfiles; i++) {
        keys_free(m->files[i].keys, m->files[i].nkeys);
        free(m->files[i].path);
    }
    free(m->files);
    for (size_t i = 0; i < m->nkept; i++)
        doc_free(m->kept[i]);
    free(m->kept);
    free(m->root);
    free(m);
}

static const mp_source_ops manifest_ops = {
    .name = "manifest",
    .open = m_open,
    .fds = m_fds,
    .timeout_ms = m_timeout,
    .step = m_step,
    .refresh = m_refresh,
    .status = m_status,
    .context = m_context,
    .cluster = m_cluster,
    .read_only = m_read_only,
    .apply = m_apply,
    .apply_target = m_apply_target,
    .conn = m_conn,
    .close = m_close,
};

static mp_source *manifest_new(const char *path, const char *label, ms_mode mode, mp_err *err)
{
    struct stat sb;
    if (!path || stat(path, &sb) < 0)
        return mp_errf(err, "%s: %s", path ? path : "(null)", strerror(errno)), NULL;
    mp_source *src = calloc(1, sizeof *src);
    manifest_src *m = calloc(1, sizeof *m);
    if (!src || !m || !(m->root = strdup(path))) {
        free(src);
        free(m);
        return mp_errf(err, "out of memory"), NULL;
    }
    size_t l = strlen(m->root);
    while (l > 1 && m->root[l - 1] == '/')
        m->root[--l] = 0;
    m->label = label;
    m->poll_ms = POLL_MS;
    m->mode = mode == MS_DIR && !S_ISDIR(sb.st_mode) ? MS_FILE : mode;
    if (m->mode == MS_DEMO)
        snprintf(m->target, sizeof m->target, "demo: changes are kept in memory");
    else if (m->mode == MS_DIR)
        snprintf(m->target, sizeof m->target, "files under %s/istio/", m->root);
    src->ops = &manifest_ops;
    src->priv = m;
    return src;
}

mp_source *source_manifest_new(const char *path, mp_err *err)
{
    return manifest_new(path, "files", MS_DIR, err);
}

void source_manifest_poll_every(mp_source *s, int ms)
{
    if (s && s->ops == &manifest_ops && ms > 0)
        ((manifest_src *)s->priv)->poll_ms = ms;
}

static bool is_dir(const char *p)
{
    struct stat sb;
    return p && *p && stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

#define DEMO_REL "tests/data/demo"

const char *source_demo_dir(const char *argv0, const char *source_tree, char *buf, size_t n)
{
    const char *env = getenv("MESHPANEL_DEMO_DIR");
    if (env && *env)
        return snprintf(buf, n, "%s", env) < (int)n && is_dir(buf) ? buf : NULL;
    if (datadir_find(argv0, "demo", DEMO_REL, buf, n))
        return buf;
    if (source_tree && *source_tree && snprintf(buf, n, "%s/%s", source_tree, DEMO_REL) < (int)n &&
        is_dir(buf))
        return buf;
    return NULL;
}

mp_source *source_demo_new(const char *argv0, const char *source_tree, mp_err *err)
{
    char dir[PATH_MAX];
    if (!source_demo_dir(argv0, source_tree, dir, sizeof dir)) {
        const char *env = getenv("MESHPANEL_DEMO_DIR");
        if (env && *env)
            return mp_errf(err, "demo data not found: MESHPANEL_DEMO_DIR=%s is not a directory",
                           env),
                   NULL;
        return mp_errf(err,
                       "demo data not found in %s/%s or next to the binary "
                       "(set MESHPANEL_DEMO_DIR)",
                       source_tree ? source_tree : "", DEMO_REL),
               NULL;
    }
    return manifest_new(dir, "demo", MS_DEMO, err);
}
