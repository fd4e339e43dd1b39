/*
 * policyfile.c - reading the lint policy (see policyfile.h).
 */
#include "api/policyfile.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "api/fsutil.h"

lint_policy *policy_load(const char *given, mp_err *err)
{
    char path[PATH_MAX];
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    if (given)
        snprintf(path, sizeof path, "%s", given);
    else if (xdg && *xdg)
        snprintf(path, sizeof path, "%s/meshpanel/policy.yaml", xdg);
    else
        snprintf(path, sizeof path, "%s/.config/meshpanel/policy.yaml", home ? home : "");
    if (!given && !fs_is_file(path)) {
        lint_policy *p = lint_policy_new();
        if (!p)
            mp_errf(err, "out of memory");
        return p;
    }
    size_t len;
    char *buf = fs_read_file(path, &len, err);
    if (!buf)
        return NULL;
    lint_policy *p = lint_policy_parse(buf, len, path, err);
    free(buf);
    return p;
}
