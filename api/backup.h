/*
 * backup.h - the migration's backup files (issue 9, "Backups before any
 * mutation").
 *
 * Before a step changes an Ingress (or a live object of meshpanel), the
 * object is written to
 *   $XDG_STATE_HOME/meshpanel/backups/<context>/<namespace>/<name>/<stamp>.yaml
 * (stamp 20260901T120000Z, "-2", "-3" when a second one falls in the same
 * second), directories 0700, files 0600, written atomically. The file is
 * YAML: two comment lines (what, when, which step), the Ingress as it was
 * (model/migstate.h mig_original), then any live object of meshpanel
 * generated from it that the step is about to change. Path components
 * from the cluster pass fs_safe_name, so a hostile name cannot leave the
 * directory.
 *
 * A step first calls backup_check on the root (created, then a probe file
 * written and removed): when it fails the step refuses before any request
 * that writes.
 *
 * Ownership: strings in and out are the caller's. Blocking file I/O.
 */
#ifndef MESHPANEL_BACKUP_H
#define MESHPANEL_BACKUP_H

#include <stddef.h>
#include <time.h>

#include "model/doc.h"
#include "model/err.h"

/* The root for a kubeconfig context: .../meshpanel/backups/<context>. */
int backup_root(const char *context, char *buf, size_t n, mp_err *err);
/* Creates root (0700) and proves a file can be written there. */
int backup_check(const char *root, mp_err *err);

/* Writes the backup of ingress (its namespace and name place it) with
 * the extra objects; path (may be NULL) receives the file written. */
int backup_write(const char *root, const doc_node *ingress, doc_node *const *extra, size_t nextra,
                 const char *step, time_t now, char *path, size_t pathn, mp_err *err);

/* The newest backup file of ns/name into path; -1 (err says so) when
 * there is none. */
int backup_latest(const char *root, const char *ns, const char *name, char *path, size_t n,
                  mp_err *err);
/* The Ingress of a backup file (its first Ingress document). NULL with err. */
doc_node *backup_read_ingress(const char *path, mp_err *err);

#endif
