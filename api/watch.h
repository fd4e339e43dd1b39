/*
 * watch.h - list-then-watch streams the console's event loop can drive
 * without ever blocking.
 *
 * A kwatcher owns one libcurl multi handle and any number of streams (one
 * per kind / namespace / selector). Each stream runs the informer cycle:
 *
 *   list (paginated)  -> KW_SYNC_BEGIN, KW_ADDED per item, KW_SYNC_END
 *   watch from the list's resourceVersion (allowWatchBookmarks)
 *                     -> KW_ADDED / KW_MODIFIED / KW_DELETED; bookmarks only
 *                        move the resume point
 *   stream ends       -> re-watch from the last resourceVersion seen:
 *                        at once when the stream carried events, else after
 *                        a capped exponential backoff (KW_STATUS says so)
 *   410 Gone / ERROR 410 event -> relist (a new SYNC_BEGIN..SYNC_END: what
 *                        was not re-ADDED in between is gone)
 *   401 with an exec plugin -> re-run the plugin, retry; 429 -> Retry-After;
 *   403, 404          -> KW_ERROR, the stream stops (retrying cannot help).
 *
 * Driving it (the same shape as api/source.h, so a cluster source is thin):
 *   n = kwatcher_fds(w, fds, max);        sockets libcurl wants polled
 *   t = kwatcher_timeout_ms(w, now_ms);   how long poll() may sleep
 *   poll(fds + terminal, ..., t);
 *   kwatcher_step(w, fds, n, now_ms, &err);  moves bytes, fires callbacks
 * kwatcher_run_once() does those three for callers with nothing else to poll
 * (the CLI's get --watch).
 *
 * Ownership: the kwatcher borrows the kclient (its connection settings and
 * discovery cache) and must be freed before it. Each event's obj is handed to
 * the callback, which owns it (keep it or doc_free it). Callbacks run inside
 * kwatcher_step and must not call kwatcher_* functions of the same watcher.
 * Single-threaded.
 */
#ifndef MESHPANEL_WATCH_H
#define MESHPANEL_WATCH_H

#include <poll.h>

#include "api/resources.h"

typedef enum {
    KW_ADDED,
    KW_MODIFIED,
    KW_DELETED,
    KW_SYNC_BEGIN, /* a (re)list starts */
    KW_SYNC_END,   /* the list is complete; the watch begins */
    KW_STATUS,     /* transient trouble, the stream retries (message says how) */
    KW_ERROR,      /* the stream stopped for good (message says why) */
} kwatch_type;

typedef struct {
    kwatch_type type;
    doc_node *obj;       /* ADDED/MODIFIED/DELETED: the callee owns it */
    const char *rv;      /* resource version after this event */
    const char *message; /* STATUS/ERROR: one line; also SYNC_BEGIN on a relist */
} kwatch_event;

typedef void (*kwatch_fn)(kwatch_event *ev, void *ud);

typedef struct kwatcher kwatcher;

kwatcher *kwatcher_new(kclient *c, mp_err *err);
void kwatcher_free(kwatcher *w);

/* Starts a stream. resource_version NULL: list first; otherwise watch from
 * there (a 410 then relists). Returns a stream id >= 0, or -1 with err. */
int kwatcher_add(kwatcher *w, const kkind *k, const klist_opts *o, const char *resource_version,
                 kwatch_fn fn, void *ud, mp_err *err);
/* The last resourceVersion stream id has seen (NULL before any). */
const char *kwatcher_resource_version(const kwatcher *w, int id);
/* Streams still running (not stopped by KW_ERROR). */
int kwatcher_active(const kwatcher *w);

int kwatcher_fds(kwatcher *w, struct pollfd *fds, int max);
/* -1: nothing pending (no stream active). */
int kwatcher_timeout_ms(kwatcher *w, long long now_ms);
/* Returns the number of events delivered, or -1 with err on a libcurl
 * failure of the multi handle itself (streams' own failures are events). */
int kwatcher_step(kwatcher *w, const struct pollfd *fds, int nfds, long long now_ms, mp_err *err);
/* poll() on the watcher's own fds for at most max_wait_ms, then step. */
int kwatcher_run_once(kwatcher *w, int max_wait_ms, mp_err *err);

/* Monotonic milliseconds, the clock kwatcher expects. */
long long kwatcher_now_ms(void);

/* Backoff before reconnect attempt n (1-based): 500 ms doubling, capped. */
#define KWATCH_BACKOFF_MS     500
#define KWATCH_BACKOFF_MAX_MS 30000
#define KWATCH_TIMEOUT_S      300 /* server-side timeoutSeconds of one watch request */

#endif
