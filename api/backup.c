/*
 * backup.c - backup files of the migration (see backup.h).
 */
#include "api/backup.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/fsutil.h"
#include "model/emit.h"
#include "model/kobj.h"
#include "model/parse.h"
#include "model/strbuf.h"

int backup_root(const char *context, char *buf, size_t n, mp_err *err)
{
    char dir[4096], stem[FS_SAFE_NAME_MAX];
    if (fs_state_dir(dir, sizeof dir, "backups", err) < 0)
        return -1;
    fs_safe_name(context, stem);
    int len = snprintf(buf, n, "%s/backups/%s", dir, stem);
    if (len < 0 || (size_t)len >= n)
        return mp_errf(err, "backups: the path is too long");
    return 0;
}

int backup_check(const char *root, mp_err *err)
{
    if (fs_mkdirs(root, 0700, err) < 0)
        return mp_err_prefix(err, "backups cannot be written");
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/.probe-%ld", root, (long)getpid());
    if (fs_write_atomic(probe, "", 0, 0600, err) < 0)
        return mp_err_prefix(err, "backups cannot be written");
    unlink(probe);
    return 0;
}

/* root/<ns>/<name> */
static int object_dir(const char *root, const char *ns, const char *name, char *buf, size_t n,
                      mp_err *err)
{
    char sns[FS_SAFE_NAME_MAX], sname[FS_SAFE_NAME_MAX];
    fs_safe_name(ns, sns);
    fs_safe_name(name, sname);
    int len = snprintf(buf, n, "%s/%s/%s", root, sns, sname);
    if (len < 0 || (size_t)len >= n)
        return mp_errf(err, "backups: the path is too long");
    return 0;
}

static char *backup_text(const doc_node *ing, doc_node *const *extra, size_t nextra,
                         const char *step, const char *stamp, size_t *len, mp_err *err)
{
    doc_node **docs = calloc(nextra + 1, sizeof *docs);
    if (!docs) {
        mp_errf(err, "out of memory");
        return NULL;
    }
    docs[0] = (doc_node *)ing;
    for (size_t i = 0; i < nextra; i++)
        docs[i + 1] = extra[i];
    size_t ylen = 0;
    char *yaml = doc_emit_yaml_stream(docs, nextra + 1, &ylen, err);
    free(docs);
    if (!yaml)
        return NULL;
    strbuf sb;
    strbuf_init(&sb);
    char ref[300];
    strbuf_printf(&sb, "# meshpanel backup of %s before \"%s\", %s\n",
                  kobj_ref(ing, ref, sizeof ref), step, stamp);
    strbuf_puts(&sb, "# restore: meshpanel rollback, or kubectl create/replace -f of the first "
                     "document\n");
    strbuf_append(&sb, yaml, ylen);
    free(yaml);
    if (sb.oom) {
        strbuf_free(&sb);
        mp_errf(err, "out of memory");
        return NULL;
    }
    return strbuf_detach(&sb, len);
}

int backup_write(const char *root, const doc_node *ing, doc_node *const *extra, size_t nextra,
                 const char *step, time_t now, char *path, size_t pathn, mp_err *err)
{
    char dir[4400], file[4600], stamp[32], when[32];
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (object_dir(root, kobj_namespace(ing), kobj_name(ing), dir, sizeof dir, err) < 0 ||
        fs_mkdirs(dir, 0700, err) < 0)
        return -1;
    snprintf(file, sizeof file, "%s/%s.yaml", dir, stamp);
    for (int k = 2; fs_is_file(file) && k < 1000; k++)
        snprintf(file, sizeof file, "%s/%s-%d.yaml", dir, stamp, k);
    size_t len = 0;
    char *text = backup_text(ing, extra, nextra, step, when, &len, err);
    if (!text)
        return -1;
    int rc = fs_write_atomic(file, text, len, 0600, err);
    free(text);
    if (rc == 0 && path)
        snprintf(path, pathn, "%s", file);
    return rc;
}

/* "STAMP.yaml" or "STAMP-K.yaml" (the K-th of one second): STAMP is 16
 * characters that sort as text in time order. */
static bool newer(const char *a, const char *b)
{
    int r = strncmp(a, b, 16);
    if (r)
        return r > 0;
    long ka = a[16] == '-' ? strtol(a + 17, NULL, 10) : 1;
    long kb = b[16] == '-' ? strtol(b + 17, NULL, 10) : 1;
    return ka > kb;
}

int backup_latest(const char *root, const char *ns, const char *name, char *path, size_t n,
                  mp_err *err)
{
    char dir[4400], best[300] = "";
    if (object_dir(root, ns, name, dir, sizeof dir, err) < 0)
        return -1;
    DIR *d = opendir(dir);
    if (!d)
        return mp_errf(err, "no backup of ingress %s/%s in %s", ns, name, dir);
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 21 || l >= sizeof best || strcmp(e->d_name + l - 5, ".yaml") || e->d_name[0] == '.')
            continue;
        if (!*best || newer(e->d_name, best))
            snprintf(best, sizeof best, "%s", e->d_name);
    }
    closedir(d);
    if (!*best)
        return mp_errf(err, "no backup of ingress %s/%s in %s", ns, name, dir);
    int len = snprintf(path, n, "%s/%s", dir, best);
    return len < 0 || (size_t)len >= n ? mp_errf(err, "backups: the path is too long") : 0;
}

doc_node *backup_read_ingress(const char *path, mp_err *err)
{
    size_t len = 0;
    char *buf = fs_read_file(path, &len, err);
    if (!buf)
        return NULL;
    doc_list l, flat;
    doc_list_init(&l);
    doc_list_init(&flat);
    doc_node *ing = NULL;
    if (doc_parse_yaml(buf, len, path, &l, err) == 0 && kobj_flatten(&l, &flat, path, err) == 0) {
        for (size_t i = 0; i < flat.len && !ing; i++) {
            const char *k = kobj_kind(flat.docs[i]);
            if (k && !strcmp(k, "Ingress"))
                ing = doc_list_take(&flat, i);
        }
        if (!ing)
            mp_errf(err, "%s: holds no Ingress", path);
    }
    free(buf);
    doc_list_free(&l);
    doc_list_free(&flat);
    return ing;
}
