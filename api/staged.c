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
#include "model/hmap.h"

/* Longer context names (EKS ARNs, generated names) are cut, then hashed. */
#define CONTEXT_MAX 120

static bool safe_byte(char c, size_t i)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || (c == '.' && i > 0);
}

/* Fills out (CONTEXT_MAX + 10 bytes) with the file name stem. */
static void safe_name(const char *context, char *out)
{
    const char *c = context ? context : "";
    size_t n = 0;
    bool changed = !*c;
    for (; c[n] && n < CONTEXT_MAX; n++) {
        out[n] = safe_byte(c[n], n) ? c[n] : '_';
        changed = changed || out[n] != c[n];
    }
    changed = changed || c[n];
    if (!n)
        out[n++] = '_';
    out[n] = '\0';
    if (changed)
        snprintf(out + n, 10, "-%08x", (unsigned)hmap_fnv1a32(c));
}

static const char *nonempty_env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

int staged_path(const char *context, char *buf, size_t n, mp_err *err)
{
    char stem[CONTEXT_MAX + 10];
    safe_name(context, stem);
    /* The XDG spec says a relative $XDG_STATE_HOME is invalid: ignore it. */
    const char *state = nonempty_env("XDG_STATE_HOME");
    const char *home = nonempty_env("HOME");
    int len;
    if (state && state[0] == '/')
        len = snprintf(buf, n, "%s/meshpanel/staged/%s.yaml", state, stem);
    else if (home)
        len = snprintf(buf, n, "%s/.local/state/meshpanel/staged/%s.yaml", home, stem);
    else
        return mp_errf(err, "staged edits: neither $XDG_STATE_HOME nor $HOME is set");
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
