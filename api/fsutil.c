/* fsutil.c - whole-file reads and atomic writes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/fsutil.h"
#include "model/hmap.h"
#include "model/hugepage.h"

/* Room for a file of size bytes, plus its NUL. A big buffer asks for huge
 * pages: a 26 MB kubectl dump then costs 13 page faults instead of 6,400,
 * which on a virtual machine is most of the read's time. */
static size_t first_cap(int fd)
{
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
        (unsigned long long)st.st_size >= FS_MAX_FILE)
        return 64 * 1024;
    /* one byte more than the size: the read that finds the end needs room */
    return (size_t)st.st_size + 1;
}

static int read_fd(int fd, const char *path, char **buf, size_t *len, mp_err *err)
{
    size_t cap = first_cap(fd), n = 0;
    char *p = malloc(cap + 1);
    if (p && cap + 1 >= 2 * HUGE_PAGE_SIZE) /* a smaller one has no whole page to give */
        want_huge_pages(p, cap + 1);
    if (!p)
        return mp_errf(err, "%s: out of memory", path);
    for (;;) {
        if (n == cap) {
            if (cap >= FS_MAX_FILE) {
                free(p);
                return mp_errf(err, "%s: larger than %u MiB", path, FS_MAX_FILE >> 20);
            }
            cap *= 2;
            char *q = realloc(p, cap + 1);
            if (!q) {
                free(p);
                return mp_errf(err, "%s: out of memory", path);
            }
            p = q;
        }
        ssize_t r = read(fd, p + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(p);
            return mp_errf(err, "%s: %s", path, strerror(e));
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    p[n] = '\0';
    *buf = p;
    *len = n;
    return 0;
}

char *fs_read_file(const char *path, size_t *len, mp_err *err)
{
    char *buf = NULL;
    size_t n = 0;
    int rc;
    if (!strcmp(path, "-")) {
        rc = read_fd(STDIN_FILENO, "<stdin>", &buf, &n, err);
    } else {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            mp_errf(err, "%s: %s", path, strerror(errno));
            return NULL;
        }
        rc = read_fd(fd, path, &buf, &n, err);
        close(fd);
    }
    if (rc < 0)
        return NULL;
    if (len)
        *len = n;
    return buf;
}

bool fs_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

FILE *fs_open_append(const char *path, mp_err *err)
{
    /* close-on-exec (a plugin or the editor must not inherit it); a
     * symlink planted at the path is not followed */
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "a") : NULL;
    if (!f) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        mp_errf(err, "%s: %s", path, e == ELOOP ? "is a symbolic link: refused" : strerror(e));
    }
    return f;
}

/* What open(..., mode) would have created under the process's umask. */
static mode_t apply_umask(int mode)
{
    mode_t u = umask(077);
    umask(u);
    return (mode_t)mode & ~u & 07777;
}

int fs_write_atomic(const char *path, const char *buf, size_t len, int mode, mp_err *err)
{
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (!tmp)
        return mp_errf(err, "%s: out of memory", path);
    /* mkstemp: a fresh name opened with O_EXCL, in the target's directory
     * (rename stays atomic): a symlink planted at a predictable
     * PATH.tmp.PID cannot redirect the write to another file */
    snprintf(tmp, n, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd >= 0 && (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 || fchmod(fd, apply_umask(mode)) < 0)) {
        int e = errno;
        close(fd);
        unlink(tmp);
        fd = -1;
        errno = e;
    }
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return mp_errf(err, "%s: %s", path, strerror(e));
    }
    size_t off = 0;
    int rc = 0;
    while (off < len) {
        ssize_t w = write(fd, buf + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            rc = mp_errf(err, "%s: %s", path, strerror(errno));
            break;
        }
        off += (size_t)w;
    }
    if (rc == 0 && fsync(fd) < 0)
        rc = mp_errf(err, "%s: %s", path, strerror(errno));
    if (close(fd) < 0 && rc == 0)
        rc = mp_errf(err, "%s: %s", path, strerror(errno));
    if (rc == 0 && rename(tmp, path) < 0)
        rc = mp_errf(err, "%s: %s", path, strerror(errno));
    if (rc < 0)
        unlink(tmp);
    free(tmp);
    return rc;
}

static int mkdir_one(const char *dir, int mode, mp_err *err)
{
    struct stat st;
    if (mkdir(dir, (mode_t)mode) == 0)
        return 0;
    int e = errno;
    if (e == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    return mp_errf(err, "%s: %s", dir, e == EEXIST ? "exists and is not a directory" : strerror(e));
}

int fs_mkdirs(const char *path, int mode, mp_err *err)
{
    char *dir = strdup(path);
    if (!dir)
        return mp_errf(err, "%s: out of memory", path);
    int rc = 0;
    for (char *p = dir + 1; rc == 0 && *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        rc = mkdir_one(dir, mode, err);
        *p = '/';
    }
    if (rc == 0 && *dir)
        rc = mkdir_one(dir, mode, err);
    free(dir);
    return rc;
}

static bool safe_byte(char c, size_t i)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || (c == '.' && i > 0);
}

void fs_safe_name(const char *name, char *out)
{
    const char *c = name ? name : "";
    size_t n = 0;
    bool changed = !*c;
    for (; c[n] && n < FS_SAFE_CUT; n++) {
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

int fs_state_dir(char *buf, size_t n, const char *what, mp_err *err)
{
    /* The XDG spec says a relative $XDG_STATE_HOME is invalid: ignore it. */
    const char *state = nonempty_env("XDG_STATE_HOME");
    const char *home = nonempty_env("HOME");
    int len;
    if (state && state[0] == '/')
        len = snprintf(buf, n, "%s/meshpanel", state);
    else if (home)
        len = snprintf(buf, n, "%s/.local/state/meshpanel", home);
    else
        return mp_errf(err, "%s: neither $XDG_STATE_HOME nor $HOME is set", what);
    if (len < 0 || (size_t)len >= n)
        return mp_errf(err, "%s: the path is too long", what);
    return 0;
}
