/*
 * migrate_dir.h - the migration steps on a manifest directory (-f DIR,
 * issue 9 item 8), for GitOps repositories: the same steps as
 * api/migrate.h, with files instead of a cluster, so a review is a plain
 * `git diff`.
 *
 * The state lives in the files alone:
 *   ingress-only  DIR/REL holds Ingresses, DIR/STEM.istio.yaml is absent;
 *   dual          DIR/STEM.istio.yaml holds what meshpanel generated for
 *                 them (every document carries the managed-by label), the
 *                 Ingress file is still there;
 *   cut-over      the Ingress file moved to DIR/.meshpanel/backup/REL (a
 *                 dot-directory: manifest loaders skip it); when it held
 *                 other objects too, DIR/REL keeps those documents,
 *                 byte for byte, without the Ingress documents.
 * Steps: plan (diffs, writes nothing), apply (writes the .istio.yaml files,
 * never over a file meshpanel did not write), verify (routing equivalence
 * of the Istio files in DIR, model/verify.h), cutover (verify again, then
 * the move), retire (nothing more to delete in a directory: cutover took
 * the Ingresses out; their files stay in the backup folder for rollback),
 * rollback (renames every backup file back over DIR/REL, so each Ingress
 * file is restored byte for byte, then removes the generated files; mode
 * dual keeps them).
 *
 * Every write is atomic (temp + rename, api/fsutil.h). Tenants are the
 * namespaces of the Ingresses; a file holding Ingresses of several
 * tenants moves only when all of them are selected.
 *
 * Ownership: the directory path and the option strings are borrowed;
 * results belong to the handle. Nothing is printed.
 */
#ifndef MESHPANEL_MIGRATE_DIR_H
#define MESHPANEL_MIGRATE_DIR_H

#include "api/migrate.h"

#define MIG_DIR_BACKUP  ".meshpanel/backup"
#define MIG_DIR_GEN_EXT ".istio.yaml"

typedef struct mig_dir mig_dir;

/* Reads DIR, converts every Ingress (cut-over ones from their backup),
 * selects the tenants (-n, --wave; a label selector needs a cluster).
 * NULL with err. */
mig_dir *mig_dir_open(const char *dir, const mig_opts *o, mp_err *err);
void mig_dir_close(mig_dir *d);
size_t mig_dir_ntenants(const mig_dir *d);
const mig_tenant *mig_dir_tenant_at(const mig_dir *d, size_t i);
/* As mig_preview and mig_run (api/migrate.h). */
int mig_dir_preview(mig_dir *d, mig_step step, mp_err *err);
int mig_dir_run(mig_dir *d, mig_step step, bool keep_going, mig_progress_fn fn, void *ud,
                mp_err *err);
/* The status board of the selected tenants (mig_status_free frees it). */
int mig_dir_status(mig_dir *d, mig_status *out, mp_err *err);

#endif
