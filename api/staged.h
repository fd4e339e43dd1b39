/*
 * staged.h - the staged edits file: the console's overlay (model/overlay.h)
 * kept on disk so that staged edits survive quitting and crashes.
 *
 * One file per kubeconfig context:
 *   $XDG_STATE_HOME/meshpanel/staged/<context>.yaml
 *   ($HOME/.local/state/meshpanel/staged/<context>.yaml without it)
 * written atomically (temp + rename) with mode 0600 in directories created
 * 0700: edits may name hosts and certificates of every tenant.
 *
 * Ownership: staged_load returns an overlay the caller frees with
 * overlay_free; staged_save only reads o.
 */
#ifndef MESHPANEL_STAGED_H
#define MESHPANEL_STAGED_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "model/err.h"
#include "model/overlay.h"

/* The file for a context. The context name becomes a safe file name: bytes
 * other than letters, digits, '.', '_' and '-' become '_' and a leading '.'
 * too (never "..", never hidden), an empty or NULL context is "_"; when
 * anything was replaced a hash of the real name is appended ("a/b" and
 * "a_b" stay two files). Returns 0, or -1 with err (no $XDG_STATE_HOME
 * nor $HOME, buffer too small). */
int staged_path(const char *context, char *buf, size_t n, mp_err *err);

/* Writes o to path (parent directories created 0700, file 0600, atomic).
 * An empty overlay removes the file instead. Returns 0 or -1 with err. */
int staged_save(const char *path, const mp_overlay *o, mp_err *err);

/* Reads path. A missing file is an empty overlay and *existed = false
 * (existed may be NULL). NULL with err "PATH: entries[I].FIELD: ..." when
 * the file cannot be read or is not a valid overlay. */
mp_overlay *staged_load(const char *path, bool *existed, mp_err *err);

/* Renames path to "PATH.set-aside-YYYYMMDDTHHMMSSZ" (now), so declined
 * edits are kept, never lost; the new name goes into out. 0 or -1. */
int staged_set_aside(const char *path, time_t now, char *out, size_t n, mp_err *err);

#endif
