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

/* Is dir the build tree CMake compiled this binary in (or inside it)? */
static bool in_build_tree(const char *dir)
{
#ifdef MESHPANEL_BUILD_DIR
    char build[PATH_MAX];
    if (!realpath(MESHPANEL_BUILD_DIR, build))
        return false;
    size_t l = strlen(build);
    return !strncmp(dir, build, l) && (dir[l] == 0 || dir[l] == '/');
#else
    (void)dir;
    return false;
#endif
}

const char *datadir_find(const char *argv0, const char *what, const char *source_rel, char *buf,
                         size_t n)
{
    char dir[PATH_MAX];
    if (!buf || !n || !exe_dir(argv0, dir))
        return NULL;
    if (snprintf(buf, n, "%s/../share/meshpanel/%s", dir, what) < (int)n && is_dir(buf))
        return buf;
#ifdef MESHPANEL_SOURCE_DIR
    if (in_build_tree(dir) &&
        snprintf(buf, n, "%s/%s", MESHPANEL_SOURCE_DIR, source_rel) < (int)n && is_dir(buf))
        return buf;
#else
    (void)source_rel;
#endif
    return NULL;
}
