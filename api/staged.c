/* staged.c - the staged edits file (see staged.h). */
#include "api/staged.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/fsutil.h"

int staged_path(const char *context, char *buf, size_t n, mp_err *err)
{
    char stem[FS_SAFE_NAME_MAX], dir[4096];
    fs_safe_name(context, stem);
    if (fs_state_dir(dir, sizeof dir, "staged edits", err) < 0)
        return -1;
    int len = snprintf(buf, n, "%s/staged/%s.yaml", dir, stem);
    if (len < 0 || (size_t)len >= n)
        return mp_errf(err, "staged edits: the path is too long");
    return 0;
}

static int make_parent(const char *path, mp_err *err)
{
    char *dir = strdup(path);
    if (!dir)
        return mp_errf(err, "%s: out of memory", path);
    char *slash = strrchr(dir, '/');
    int rc = 0;
    if (slash && slash != dir) {
        *slash = '\0';
        rc = fs_mkdirs(dir, 0700, err);
    }
    free(dir);
    return rc;
}

int staged_save(const char *path, const mp_overlay *o, mp_err *err)
{
    if (!overlay_len(o)) {
        if (unlink(path) < 0 && errno != ENOENT)
            return mp_errf(err, "%s: %s", path, strerror(errno));
        return 0;
    }
    if (make_parent(path, err) < 0)
        return -1;
    size_t len = 0;
    char *text = overlay_encode(o, &len, err);
    if (!text)
        return mp_err_prefix(err, "%s", path);
    int rc = fs_write_atomic(path, text, len, 0600, err);
    free(text);
    /* a temp file left by a crash keeps its old mode through O_CREAT */
    if (rc == 0 && chmod(path, 0600) < 0)
        rc = mp_errf(err, "%s: %s", path, strerror(errno));
    return rc;
}

mp_overlay *staged_load(const char *path, bool *existed, mp_err *err)
{
    struct stat st;
    if (existed)
        *existed = false;
    if (stat(path, &st) < 0 && errno == ENOENT) {
        mp_overlay *o = overlay_new();
        if (!o)
            mp_errf(err, "out of memory");
        return o;
    }
    size_t len = 0;
    char *buf = fs_read_file(path, &len, err);
    if (!buf)
        return NULL;
    if (existed)
        *existed = true;
    mp_overlay *o = overlay_decode(buf, len, path, err);
    free(buf);
    return o;
}

int staged_set_aside(const char *path, time_t now, char *out, size_t n, mp_err *err)
{
    struct tm tm;
    char stamp[32];
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    int w = snprintf(out, n, "%s.set-aside-%s", path, stamp);
    if (w < 0 || (size_t)w >= n)
        return mp_errf(err, "%s: path too long", path);
    if (rename(path, out) < 0)
        return mp_errf(err, "%s: cannot rename to %s: %s", path, out, strerror(errno));
    return 0;
}
