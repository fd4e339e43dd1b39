/*
 * watch.h - list-then-watch streams the console's event loop can drive
 * without ever blocking.
 *
 * A kwatcher owns one libcurl multi handle and any number of streams (one
 * per kind / namespace / selector). Each stream runs the informer cycle:
 *
 *   discovery         a CRD group's version the kclient does not know yet is
 *                     asked first (GET /apis/GROUP through the multi handle,
 *                     cached in the kclient for every other stream); 404 ->
 *                     KW_ERROR "the server does not serve GROUP"
 *   list (paginated)  -> KW_SYNC_BEGIN, KW_ADDED per item, KW_SYNC_END
 *   watch from the list's resourceVersion (allowWatchBookmarks)
 *                     -> KW_ADDED / KW_MODIFIED / KW_DELETED; bookmarks only
 *                        move the resume point
 *   stream ends       -> re-watch from the last resourceVersion seen:
 *                        at once when the stream carried events, else after
 *                        a capped exponential backoff with jitter (KW_STATUS
 *                        says so, with the delay)
 *   contact lost      -> a failure without an answer (connection refused or
 *                        cut before any event, TLS, no answer in time) makes
 *                        the next successful attempt a relist, not a resume:
 *                        a server that comes back may have lost or rewritten
 *                        its history (a restored etcd, a restarted test
 *                        server with other objects), and only a list says
 *                        what it holds now
 *   410 Gone / ERROR 410 event -> relist (a new SYNC_BEGIN..SYNC_END: what
 *                        was not re-ADDED in between is gone)
 *   401 with an exec plugin -> re-run the plugin, retry; 429 -> Retry-After;
 *   403, 404          -> KW_ERROR, the stream stops (retrying cannot help;
 *                        kwatcher_relist revives it).
 *
 * First lists: until every stream's first list has ended (completed or
 * stopped), at most KWATCH_FIRST_SLOTS discovery and list requests run at
 * once, in the order the streams were added (add the largest list first:
 * it is the longest wait), and a stream whose list completed waits to watch
 * until then (KWATCH_FIRST_HOLD_MS at most). Each watch holds an HTTP/1.1
 * connection of its own, and each new connection is a TLS handshake: nine
 * streams made nine before the first list arrived (a tenth of the console's
 * CPU until its first screen, callgrind); now the lists reuse two
 * connections, and the watches' handshakes come after the lists, resuming
 * their TLS session (shared by every stream). A server in trouble is not
 * asked one kind at a time: after any failed attempt, or when nothing was
 * answered within KWATCH_FIRST_PATIENCE_MS, every stream starts as it is
 * due (a silent server is DISCONNECTED once every stream gave up on it).
 *
 * Next pages: a list's page N+1 is asked as soon as page N's metadata (its
 * continue token, which Kubernetes sends before the items) has been read, on
 * a second easy handle of the stream, and what it receives is kept until
 * page N ends; it then becomes the current request (an answer that failed
 * is reported as page N+1's). So the server makes page N+1 while the console
 * reads page N, instead of each waiting for the other at every page. Not
 * with an exec plugin (its credential may have to be waited for).
 *
 * Credentials: a request whose exec plugin credential is not cached waits
 * for the plugin without blocking (exec_cred.h): its pipes are among
 * kwatcher_fds, its deadline in kwatcher_timeout_ms, and every stream that
 * needs it waits for the same run. A plugin that fails or times out is a
 * failed attempt (KW_STATUS with its error, not unreachable; backoff).
 *
 * Health: KW_CONNECTED when a request of the stream gets a 2xx answer after
 * the stream started or failed; KW_STATUS with failed set after each failed
 * attempt. Nothing blocks: the answer to every request (discovery, list,
 * watch) must begin within the khttp request timeout, or the attempt is
 * abandoned as unreachable; kwatcher_info gives that deadline, the next
 * retry and the time data last arrived.
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
    KW_SYNC_BEGIN, /* a (re)list starts: its first page is answering */
    KW_SYNC_END,   /* the list is complete; the watch begins */
    KW_STATUS,     /* transient trouble, the stream retries (message says how) */
    KW_ERROR,      /* the stream stopped for good (message says why) */
    KW_CONNECTED,  /* a 2xx answer after the stream started or failed: healthy */
} kwatch_type;

typedef struct {
    kwatch_type type;
    doc_node *obj;       /* ADDED/MODIFIED/DELETED: the callee owns it */
    const char *rv;      /* resource version after this event */
    const char *message; /* STATUS/ERROR: one line; also SYNC_BEGIN on a relist */
    /* STATUS only: */
    bool failed;        /* an attempt failed (false: a note, e.g. a 410 relist) */
    bool unreachable;   /* ...without an answer from the server (network, TLS, timeout) */
    long long retry_ms; /* ...the next attempt starts in this many ms */
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
/* Ctrl-r: abandons what stream id is doing and relists it at the next
 * step, with a fresh backoff; a stopped stream starts again. -1 when id is
 * not a stream. */
int kwatcher_relist(kwatcher *w, int id);

typedef struct {
    long long deadline_ms; /* a request is out and unanswered: abandoned then (0: none) */
    long long retry_at_ms; /* waiting to retry after a failure until then (0: not waiting) */
    long long data_ms;     /* the last bytes of a 2xx answer arrived then (0: none yet) */
    const char *exec_wait; /* waiting for this exec plugin's credential (NULL: not);
                            * deadline_ms is then the plugin's */
} kwatch_info;
/* -1 when id is not a stream. */
int kwatcher_info(const kwatcher *w, int id, kwatch_info *out);

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

/* Backoff before retry n (1-based), client-go's wait.Backoff shape (the
 * reflector's: factor 2, jitter 1.0, which ends at [30 s, 60 s)): a base of
 * 500 ms doubling up to KWATCH_BACKOFF_CAP_MS, plus up to JITTER times the
 * base at random, so a fleet of consoles does not retry in step. The cap is
 * half of client-go's so that no delay reaches KWATCH_BACKOFF_MAX_MS: a
 * person is waiting. u is the random draw in [0, 1). */
long long kwatch_backoff_ms(int attempt, double u);
#define KWATCH_FIRST_SLOTS       2
#define KWATCH_FIRST_HOLD_MS     2000
#define KWATCH_FIRST_PATIENCE_MS 250
#define KWATCH_BACKOFF_MS        500
#define KWATCH_BACKOFF_MAX_MS    30000 /* no delay is longer (429 Retry-After included) */
#define KWATCH_BACKOFF_CAP_MS    (KWATCH_BACKOFF_MAX_MS / 2)
#define KWATCH_JITTER            1.0
/* server-side timeoutSeconds of one watch request; $MESHPANEL_WATCH_TIMEOUT
 * (1-300) lowers it. A watch silent for that long plus a margin (as long
 * again, at most 30 s) is given up on and opened again. */
#define KWATCH_TIMEOUT_S 300

#endif
