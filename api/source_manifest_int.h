/*
 * source_manifest_int.h - the manifest source's state, shared by
 * api/source_manifest.c (scanning, the source ops) and
 * api/source_manifest_apply.c (apply to a directory or to the demo).
 *
 * PRIVATE to those two files: the interface is api/source.h.
 *
 * Ownership: manifest_src owns its file table (paths, keys), its root and
 * the objects the demo keeps in memory (kept[]).
 */
#ifndef MESHPANEL_SOURCE_MANIFEST_INT_H
#define MESHPANEL_SOURCE_MANIFEST_INT_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "api/source.h"
#include "model/parse.h"

typedef struct {
    char *kind, *ns, *name;
} obj_key;

typedef struct {
    char *path; /* root-prefixed */
    struct timespec mtime;
    off_t size;
    obj_key *keys; /* the objects the file held when it last parsed */
    size_t nkeys;
    bool seen; /* marked during a scan */
    /* needs reading: set when the stat changed (or apply rewrote it),
     * cleared when the file parsed; still set after a scan = parse error */
    bool failed;
} mfile;

typedef enum {
    MS_DIR,  /* -f DIR: apply writes files under DIR/istio/ */
    MS_FILE, /* -f FILE: never written */
    MS_DEMO, /* the bundled demo: apply keeps objects in memory */
} ms_mode;

typedef struct {
    char *root;
    const char *label; /* "demo" or "files" */
    ms_mode mode;
    mfile *files;
    size_t nfiles, cap;
    long long next_poll_ms;
    int poll_ms; /* how often the files are checked for changes */
    size_t nobjects;
    /* Demo: objects applied in memory, put again after every scan so a
     * re-read of the demo files never takes them back. */
    doc_node **kept;
    size_t nkept, capkept;
    char target[64 + 4096]; /* apply_target() */
    char last_error[MP_ERR_MAX];
    char status[MP_ERR_MAX + 128];
} manifest_src;

/* Re-scans the files (only changed ones are parsed) and puts the kept
 * objects back. Returns store changes, or -1 with err (see step()). */
int manifest_sync(manifest_src *m, mp_store *st, mp_err *err);
mfile *manifest_find_file(manifest_src *m, const char *path);
/* A namespaced kind without metadata.namespace lands in "default", as
 * kubectl apply would put it. */
void manifest_default_namespace(doc_node *obj);

/* The apply op for each mode (api/source.h). */
int manifest_apply_dir(manifest_src *m, mp_store *st, doc_node *const *objs, size_t n,
                       apply_result *res, mp_err *err);
int manifest_apply_demo(manifest_src *m, mp_store *st, doc_node *const *objs, size_t n,
                        apply_result *res, mp_err *err);

#endif
