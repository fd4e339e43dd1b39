/*
 * fsutil.h - whole-file reads and atomic writes.
 *
 * Ownership: fs_read_file returns a malloc'd, NUL-terminated buffer the
 * caller frees. (Shared by manifests, config and theme loading.) fs_write_atomic writes a temp file
 * beside the target (mkstemp: a new name, O_EXCL, never a file a symlink points to), fsyncs and
 * renames it over the target, so readers see the old or the new file, never half of one.
 */
#ifndef MESHPANEL_FSUTIL_H
#define MESHPANEL_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "model/err.h"

/* Files larger than this are refused (a manifest is not a disk image). */
#define FS_MAX_FILE (256u * 1024u * 1024u)

/* Reads a whole file; path "-" reads standard input. Returns NULL with err
 * "PATH: reason". len may be NULL. */
char *fs_read_file(const char *path, size_t *len, mp_err *err);
/* True when path names an existing regular file. */
bool fs_is_file(const char *path);
/* A log the caller appends to and fcloses (the trace): created 0600,
 * close-on-exec, and never through a symlink. NULL with err. */
FILE *fs_open_append(const char *path, mp_err *err);
int fs_write_atomic(const char *path, const char *buf, size_t len, int mode, mp_err *err);
/* Creates path and its missing parents with mode (like mkdir -p); the
 * directories that exist already are left as they are. Returns 0 or -1
 * with err "PATH: reason". */
int fs_mkdirs(const char *path, int mode, mp_err *err);

/* A file name made of name (a context, a namespace: untrusted): bytes
 * other than letters, digits, '.', '_' and '-' become '_', a leading '.'
 * too (never "..", never hidden), empty or NULL is "_"; names are cut at
 * FS_SAFE_CUT bytes; when anything was replaced or cut, '-' and 8 hex
 * digits of a hash of the real name follow ("a/b" and "a_b" stay two
 * files). out has FS_SAFE_NAME_MAX bytes. */
#define FS_SAFE_CUT      120
#define FS_SAFE_NAME_MAX (FS_SAFE_CUT + 10)
void fs_safe_name(const char *name, char *out);
/* meshpanel's state directory: $XDG_STATE_HOME/meshpanel (an absolute
 * $XDG_STATE_HOME only, as the XDG spec says), else
 * $HOME/.local/state/meshpanel. -1 with err "WHAT: neither ..." when
 * neither is set or buf is too small. */
int fs_state_dir(char *buf, size_t n, const char *what, mp_err *err);

#endif
