/*
 * source.h - where the console's objects come from, behind one interface.
 *
 * A source feeds a store (model/store.h) with add / update / delete events and
 * never blocks: the console's single event loop asks each source for the file
 * descriptors it wants polled and how long it may sleep, then calls step()
 * when an fd is ready or the timeout passed. The screens never touch files or
 * sockets; they only read the store and the source's status line.
 *
 * Implementations:
 *   source_manifest_new(dir)  a directory (or file) of YAML/JSON manifests,
 *                             re-read when a file's mtime/size changes
 *   source_demo_new(...)      the manifest source on the bundled demo data
 *   source_cluster_new(...)   watches through api/watch.h: it exposes
 *                             libcurl multi's sockets via fds() and its timer
 *                             via timeout_ms(), applies watch events in
 *                             step(), and reports its connection state
 *                             through conn() (connecting, synced, degraded,
 *                             disconnected) and status().
 *
 * Ownership: the caller owns the mp_source and frees it with source_free();
 * the store passed to step()/refresh() is borrowed for the call only.
 */
#ifndef MESHPANEL_SOURCE_H
#define MESHPANEL_SOURCE_H

#include <poll.h>
#include <stdbool.h>

#include "api/kubeconfig.h"
#include "model/err.h"
#include "model/store.h"

typedef struct mp_source mp_source;

/* How current the source's objects are (api/source_cluster.c derives it
 * from its watch streams: api/conn_derive.h). */
typedef enum { CONN_CONNECTING, CONN_SYNCED, CONN_DEGRADED, CONN_DISCONNECTED } conn_state;

typedef struct {
    conn_state state;
    char reason[MP_ERR_MAX]; /* degraded / disconnected: why, one line */
    long long since_ms;      /* monotonic ms: disconnected since (the last good contact) */
    long long retry_at_ms;   /* monotonic ms of the next attempt, 0 when none is scheduled */
    long long deadline_ms;   /* connecting: when the attempt times out, 0 when none */
    long long data_ms;       /* monotonic ms the last data arrived (a list page, a watch
                              * event or bookmark): what "refreshed" means; 0 when none */
} source_conn;

/* "connecting", "synced", "degraded", "disconnected". */
const char *conn_state_name(conn_state s);
/* The monotonic clock source_conn's times are in (milliseconds). */
long long source_now_ms(void);

/* What applying one object did. */
typedef enum {
    APPLY_NOT_RUN,    /* not attempted (another object failed its dry run) */
    APPLY_CREATED,    /* did not exist before */
    APPLY_CONFIGURED, /* existed and changed */
    APPLY_UNCHANGED,  /* existed with the same content: nothing written */
    APPLY_FAILED,     /* refused: msg has the reason (server message, conflict) */
} apply_status;

typedef struct {
    apply_status status;
    char msg[MP_ERR_MAX]; /* one line: the reason (failed) or where it went */
} apply_result;

const char *apply_status_name(apply_status s); /* "created", "configured", ... */

typedef struct {
    const char *name; /* "manifest", "demo", "cluster" */
    /* First load into st (may be partial on error: err says what failed). */
    int (*open)(mp_source *src, mp_store *st, mp_err *err);
    /* Fills up to max pollfds and returns how many were set. */
    int (*fds)(mp_source *src, struct pollfd *fds, int max);
    /* Milliseconds until step() wants to run again without an fd event
     * (-1: never); now_ms is the caller's monotonic clock. */
    int (*timeout_ms)(mp_source *src, long long now_ms);
    /* Handles ready fds (the same array fds() filled, revents set) and due
     * timers. Returns the number of store changes, or -1 with err (the source
     * stays usable: a later step may recover). */
    int (*step)(mp_source *src, mp_store *st, const struct pollfd *fds, int nfds, long long now_ms,
                mp_err *err);
    /* Ctrl-r: re-read or relist now. Same return as step(). A source that
     * relists in the background returns 0 at once and reports the outcome
     * later through take_note(). */
    int (*refresh)(mp_source *src, mp_store *st, mp_err *err);
    /* One line for the status bar ("3 files, 42 objects", "watching", ...). */
    const char *(*status)(const mp_source *src);
    /* Optional: true once the first full load is in the store (every watch
     * stream reached the end of its initial list). NULL: complete after open. */
    bool (*synced)(const mp_source *src);
    /* Header fields: context and cluster names; read-only sources say so. */
    const char *(*context)(const mp_source *src);
    const char *(*cluster)(const mp_source *src);
    bool (*read_only)(const mp_source *src);
    /* Optional (NULL: the source cannot be written). Applies objs, all or
     * nothing where the source allows it:
     *   cluster   server-side dry run of every object first; when any fails
     *             nothing is written (failed ones FAILED with the server's
     *             reason, the rest NOT_RUN); then server-side apply with
     *             fieldManager=meshpanel, never forced (a conflict is FAILED
     *             naming the other field manager);
     *   manifest  one YAML file per object under the directory, written
     *             atomically; files holding an Ingress are never rewritten;
     *   demo      kept in memory (the store only).
     * The store is updated with what was written, so screens show it at
     * once. res has n slots. Returns the number of FAILED objects, or -1
     * with err when nothing could be attempted. */
    int (*apply)(mp_source *src, mp_store *st, doc_node *const *objs, size_t n, apply_result *res,
                 mp_err *err);
    /* Optional: one line saying where applied objects go ("demo: changes
     * are kept in memory", "files under DIR/istio/"). */
    const char *(*apply_target)(const mp_source *src);
    /* Optional (NULL: always synced, nothing else set). Never blocks. */
    void (*conn)(const mp_source *src, source_conn *out);
    /* Optional: a one-shot message for the status line (what a background
     * Ctrl-r relist found: "relisted 9 kinds: 1 added, 2 removed"), or
     * NULL. A note reporting a failure contains "failed:". The string
     * stays valid until the next call into the source. */
    const char *(*take_note)(mp_source *src);
    void (*close)(mp_source *src);
} mp_source_ops;

struct mp_source {
    const mp_source_ops *ops;
    void *priv;
};

/* Constructors return NULL with err set. */
mp_source *source_manifest_new(const char *path, mp_err *err);
/* How often a manifest (or demo) source checks its files for changes
 * (default 1 s; the config's refreshSeconds). Other sources: no effect. */
void source_manifest_poll_every(mp_source *s, int ms);
/* Resolves the demo directory: $MESHPANEL_DEMO_DIR, then the bundled one
 * (api/datadir.h: PREFIX/share/meshpanel/demo of an installed binary, the
 * source tree's tests/data/demo for a binary in its build tree), then
 * source_tree/tests/data/demo when the caller gives one (tests; may be
 * NULL). */
mp_source *source_demo_new(const char *argv0, const char *source_tree, mp_err *err);
/* The directory source_demo_new would use, written into buf; NULL when none
 * exists. */
const char *source_demo_dir(const char *argv0, const char *source_tree, char *buf, size_t n);

/* The live cluster of a kubeconfig context (api/source_cluster.c): one
 * list+watch stream per kind, all namespaces, or the context namespace when
 * the credentials may not list across namespaces. */
mp_source *source_cluster_new(const kc_options *opt, mp_err *err);

/* Thin wrappers over ops so callers read naturally. */
int source_open(mp_source *src, mp_store *st, mp_err *err);
int source_fds(mp_source *src, struct pollfd *fds, int max);
int source_timeout_ms(mp_source *src, long long now_ms);
int source_step(mp_source *src, mp_store *st, const struct pollfd *fds, int nfds, long long now_ms,
                mp_err *err);
int source_refresh(mp_source *src, mp_store *st, mp_err *err);
const char *source_status(const mp_source *src);
bool source_synced(const mp_source *src);
const char *source_context(const mp_source *src);
const char *source_cluster(const mp_source *src);
bool source_read_only(const mp_source *src);
/* -1 with err "this source cannot be written" when the op is NULL. */
int source_apply(mp_source *src, mp_store *st, doc_node *const *objs, size_t n, apply_result *res,
                 mp_err *err);
const char *source_apply_target(const mp_source *src);
/* Fills out (zeroed first); synced when the op is NULL. */
void source_conn_state(const mp_source *src, source_conn *out);
/* The pending note or NULL; *failed (may be NULL) says whether it reports
 * a failure. */
const char *source_take_note(mp_source *src, bool *failed);
void source_free(mp_source *src);

#endif
