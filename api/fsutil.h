/*
 * fsutil.h - small file helpers for config and theme files.
 *
 * Ownership: fs_read_file returns a malloc'd, NUL-terminated buffer the
 * caller frees. Owner: issue 4 (themes/config helper).
 */
#ifndef MESHPANEL_FSUTIL_H
#define MESHPANEL_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "model/err.h"

/* Largest file fs_read_file accepts (config and theme files are tiny). */
#define FS_READ_MAX (16u * 1024u * 1024u)

/* Reads a whole regular file. Returns NULL with err "PATH: reason". */
char *fs_read_file(const char *path, size_t *len, mp_err *err);
/* True when path names an existing regular file. */
bool fs_is_file(const char *path);

#endif
