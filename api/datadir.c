/*
 * datadir.c - the bundled data's directory (see datadir.h).
 */
#include "api/datadir.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/fsutil.h"

static bool is_dir(const char *p)
{
    struct stat sb;
    return p && *p && stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* The directory holding the running executable, into dir (PATH_MAX). */
static bool exe_dir(const char *argv0, char *dir)
{
    char exe[PATH_MAX];
    ssize_t r = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (r > 0)
        exe[r] = 0;
    else if (!argv0 || !strchr(argv0, '/') || !realpath(argv0, exe))
        return false;
    char *slash = strrchr(exe, '/');
    if (!slash)
        return false;
    *slash = 0;
    snprintf(dir, PATH_MAX, "%s", exe);
    return true;
}

/* A binary in its build tree: CMake leaves the source tree's path in a file
 * next to it (nothing of the build is compiled into the binary, so an
 * installed one cannot even know it). */
static bool source_of_build(const char *dir, char *out, size_t n)
{
    char marker[PATH_MAX + 32];
    snprintf(marker, sizeof marker, "%s/meshpanel-source-dir", dir);
    mp_err err;
    size_t len;
    char *text = fs_read_file(marker, &len, &err);
    if (!text)
        return false;
    while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        text[--len] = 0;
    bool ok = len && len < n && text[0] == '/';
    if (ok)
        memcpy(out, text, len + 1);
    free(text);
    return ok;
}

const char *datadir_find(const char *argv0, const char *what, const char *source_rel, char *buf,
                         size_t n)
{
    char dir[PATH_MAX];
    if (!buf || !n || !exe_dir(argv0, dir))
        return NULL;
    char rel[PATH_MAX + 64], real[PATH_MAX];
    snprintf(rel, sizeof rel, "%s/../share/meshpanel/%s", dir, what);
    if (is_dir(rel) && realpath(rel, real) && snprintf(buf, n, "%s", real) < (int)n)
        return buf;
    char source[PATH_MAX];
    if (source_of_build(dir, source, sizeof source) &&
        snprintf(buf, n, "%s/%s", source, source_rel) < (int)n && is_dir(buf))
        return buf;
    return NULL;
}
