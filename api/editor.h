/*
 * editor.h - handing a file to the user's editor, like `kubectl edit`.
 *
 * The editor is $VISUAL, else $EDITOR, else vi, run through /bin/sh so a
 * value with arguments ("code --wait") works. The caller gives the terminal
 * up first (endwin) and takes it back after.
 *
 * Ownership: paths are written into caller buffers; the temp file is the
 * caller's to remove (editor_tempfile_remove).
 */
#ifndef MESHPANEL_EDITOR_H
#define MESHPANEL_EDITOR_H

#include <stddef.h>

#include "model/err.h"

/* A new private file (0600) in $TMPDIR (or /tmp) named
 * meshpanel-edit-XXXXXX.yaml holding text. Returns 0 or -1 with err. */
int editor_tempfile(const char *text, size_t len, char *path, size_t n, mp_err *err);
void editor_tempfile_remove(const char *path);
/* Runs the editor on path and waits. Returns its exit status (0 when it
 * exited normally with 0), or -1 with err when it could not be run. */
int editor_run(const char *path, mp_err *err);

#endif
