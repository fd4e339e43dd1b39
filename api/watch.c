/*
 * watch.c - informer-style list+watch streams over one curl multi handle,
 * driven by the caller's poll loop through libcurl's socket API.
 */
#include "api/watch.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/liststream.h"
#include "model/kobj.h"
#include "model/parse.h"
#include "model/sanitize.h"
#include "model/strbuf.h"

#define ERR_BODY_MAX (64u << 10)
/* A prefetched page larger than this is given up (asked again when due). */
#define PRE_BODY_MAX (256u << 20)

/* S_AUTH: due, but waiting for the exec plugin's credential (its run is
 * polled with the sockets; the stream starts when it ends). */
typedef enum { S_WAIT, S_AUTH, S_DISCOVER, S_LIST, S_WATCH, S_STOPPED } sstate;

typedef struct stream stream;

/* An easy handle and what libcurl writes for it. A stream has two: the
 * current request's, and the prefetch of a list's next page (watch.h,
 * "Next pages"); a page that is adopted swaps them. */
typedef struct {
    stream *s;
    CURL *h;
    struct curl_slist *headers;
    char errbuf[CURL_ERROR_SIZE];
} xfer;

typedef struct {
    curl_socket_t fd;
    int what; /* CURL_POLL_IN / OUT / INOUT */
} wsock;

struct kwatcher {
    kclient *c;
    CURLM *m;
    CURLSH *share; /* TLS sessions and DNS: a watch's connection resumes the lists' session */
    bool loading;  /* some stream's first list has not ended yet (watch.h, "First lists") */
    bool troubled; /* an attempt failed: no stream is held back any more */
    bool heard;    /* the server answered a request (any status) */
    long long t0;  /* monotonic ms the watcher was made */
    stream **s;
    size_t ns;
    wsock *socks;
    size_t nsocks, capsocks;
    long long curl_due; /* -1: no libcurl timer */
    long long now;
    int delivered;
    doc_jparser *jp; /* the items' and events' parser (its scratch is kept) */
    uint64_t rng;    /* backoff jitter (xorshift64*) */
    long timeout_s;  /* timeoutSeconds asked of every watch request */
};

struct stream {
    kwatcher *w;
    const kkind *k;
    const char *version; /* NULL until discovered */
    const char *fix_of;  /* the version fix was made for: kkind versions, constant */
    kitem_fix fix;
    char *ns, *selector;
    long limit;
    kwatch_fn fn;
    void *ud;
    xfer x[2];
    xfer *cx, *px; /* the current request's, the prefetch's (x[0], x[1] or swapped) */
    bool busy;     /* the current easy handle is in the multi handle */
    sstate state;  /* current request, or S_WAIT until due */
    bool next_list;
    char *cont, *rv;
    char *prev_cont;   /* the continue token of the page before */
    long pages, items; /* of the list in progress (KLIST_MAX_*) */
    liststream *list_ls, *watch_ls;
    strbuf body;      /* an error answer, or the discovery document */
    bool events_seen; /* the current watch request carried an event */
    bool relist;      /* an ERROR 410 arrived in the stream */
    bool stream_err;  /* an ERROR event other than 410 */
    bool reauthed;
    bool answered; /* the current request's answer began */
    bool up;       /* answered 2xx since the last failure (KW_CONNECTED sent) */
    bool lost;     /* contact was lost: the next attempt relists */
    bool begin;    /* a list's first page is out: SYNC_BEGIN when it answers */
    bool loaded;   /* its first list ended (completed, stopped, or an attempt failed) */
    int failures;
    unsigned ticket; /* S_AUTH: the plugin run it waits for (exec_cred.h) */
    long retry_after;
    long long due;      /* S_WAIT: when to start */
    long long retry_at; /* S_WAIT after a failure: the same; else 0 */
    long long deadline; /* busy and unanswered: abandoned then; else 0 */
    long long data_ms;  /* last bytes of a 2xx answer */
    mp_err perr;
    /* the prefetch of the list's next page (watch.h, "Next pages") */
    bool pre_asked;    /* decided for the current page (its metadata was read) */
    bool pre_want;     /* ask at the next step (not from inside a libcurl callback) */
    bool paused;       /* the current transfer waits for that step (CURL_WRITEFUNC_PAUSE) */
    bool pre_busy;     /* px->h is in the multi handle */
    bool pre_done;     /* ...and has finished with pre_rc */
    bool pre_answered; /* its answer began */
    CURLcode pre_rc;
    char *pre_cont;  /* the continue token it asked with */
    strbuf pre_body; /* what it received while the current page was read */
    long long pre_deadline;
};

long long kwatcher_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- delivery ---- */

static void deliver(stream *s, kwatch_type t, doc_node *obj, const char *msg)
{
    kwatch_event ev = {.type = t, .obj = obj, .rv = s->rv, .message = msg};
    s->w->delivered++;
    s->fn(&ev, s->ud);
}

static void deliver_status(stream *s, const char *msg, bool failed, bool unreachable,
                           long long retry_ms)
{
    kwatch_event ev = {.type = KW_STATUS,
                       .rv = s->rv,
                       .message = msg,
                       .failed = failed,
                       .unreachable = unreachable,
                       .retry_ms = retry_ms};
    s->w->delivered++;
    s->fn(&ev, s->ud);
}

static void set_rv(stream *s, const char *rv)
{
    if (!rv || !*rv || (s->rv && !strcmp(s->rv, rv)))
        return;
    char *n = strdup(rv);
    if (n) {
        free(s->rv);
        s->rv = n;
    }
}

/* Drops the prefetch of the next page, if any (the current page failed,
 * the stream stops or relists). */
static void pre_cancel(stream *s)
{
    if (s->pre_busy)
        curl_multi_remove_handle(s->w->m, s->px->h);
    s->pre_busy = s->pre_done = s->pre_want = s->pre_answered = false;
    free(s->pre_cont);
    s->pre_cont = NULL;
    strbuf_free(&s->pre_body);
    strbuf_init(&s->pre_body);
}

/* The JSON value of a list item or watch event, as doc_parse_json reads
 * it (an arena tree, the caller's): NULL with s->perr. */
static doc_node *parse_value(stream *s, const char *json, size_t len, const char *what)
{
    doc_node *n = NULL;
    if (!s->w->jp && !(s->w->jp = doc_jparser_new())) {
        mp_errf(&s->perr, "out of memory");
        return NULL;
    }
    return doc_jparser_read(s->w->jp, json, len, what, NULL, &n, &s->perr) ? NULL : n;
}

/* A parsed list item to the store: 0, or -1 with s->perr. */
/* kclient_fix_item, with what it needs of the kind made once per version. */
static int fix_item(stream *s, doc_node *item)
{
    if (s->fix_of != s->version) {
        kclient_item_fix_init(&s->fix, s->k, s->version);
        s->fix_of = s->version;
    }
    return kclient_fix_item_with(s->k, &s->fix, item, &s->perr);
}

static int list_item(stream *s, doc_node *item)
{
    if (++s->items > KLIST_MAX_ITEMS) {
        doc_free(item);
        return mp_errf(&s->perr, "the server answered more than %d items: refused",
                       KLIST_MAX_ITEMS);
    }
    if (fix_item(s, item)) {
        doc_free(item);
        return -1;
    }
    /* kept in the store as long as it lives: its arena cut to its size */
    deliver(s, KW_ADDED, doc_shrink(item), NULL);
    return 0;
}

static int on_list_item(const char *json, size_t len, void *ud)
{
    stream *s = ud;
    doc_node *item = parse_value(s, json, len, "list item");
    return item ? list_item(s, item) : -1;
}

/* An item read where it lies in the received bytes (ls_set_direct), not
 * copied and scanned by the splitter first. One that does not parse
 * there (cut by the chunk's end, or bad) is left to the splitter, which
 * copies it whole for on_list_item: its error is reported from there. */
static long on_list_direct(const char *data, size_t avail, void *ud)
{
    stream *s = ud;
    mp_err quiet;
    doc_node *item = NULL;
    size_t used = 0;
    if ((!s->w->jp && !(s->w->jp = doc_jparser_new())) ||
        doc_jparser_read(s->w->jp, data, avail, "list item", &used, &item, &quiet))
        return 0;
    return list_item(s, item) ? -1 : (long)used;
}

static const struct {
    const char *name;
    kwatch_type type;
} event_types[] = {
    {"ADDED", KW_ADDED},
    {"MODIFIED", KW_MODIFIED},
    {"DELETED", KW_DELETED},
};

static int on_watch_event(const char *json, size_t len, void *ud)
{
    stream *s = ud;
    doc_node *ev = parse_value(s, json, len, "watch event");
    if (!ev)
        return -1;
    const char *type = doc_get_str(ev, "type");
    doc_node *obj = doc_get(ev, "object"); /* ev's: what is kept is packed */
    int rc = 0;
    if (!type || !doc_is_map(obj)) {
        rc = mp_errf(&s->perr, "malformed watch event");
    } else if (!strcmp(type, "BOOKMARK")) {
        set_rv(s, kobj_resource_version(obj));
    } else if (!strcmp(type, "ERROR")) {
        long long code = 0;
        doc_as_int(doc_get(obj, "code"), &code);
        if (code == 410) {
            s->relist = true;
        } else {
            /* scrubbed and cleaned whole, then cut: a token the server
             * echoes must not survive in part */
            const char *msg = doc_get_str(obj, "message");
            char *safe = khttp_scrub_text(kclient_http(s->w->c), msg ? msg : "");
            char *clean = safe ? san_cleans(safe, 0) : NULL;
            mp_errf(&s->perr, "watch error %lld: %.300s%s", code, clean ? clean : "",
                    clean && strlen(clean) > 300 ? "..." : "");
            free(safe);
            free(clean);
            s->stream_err = true;
        }
    } else {
        for (size_t i = 0; i < sizeof event_types / sizeof event_types[0]; i++) {
            if (strcmp(type, event_types[i].name))
                continue;
            if (fix_item(s, obj)) {
                rc = -1;
                break;
            }
            doc_node *kept = doc_pack(obj); /* a part of ev's tree */
            if (!kept) {
                rc = mp_errf(&s->perr, "out of memory");
                break;
            }
            set_rv(s, kobj_resource_version(kept));
            s->events_seen = true;
            s->failures = 0;
            deliver(s, event_types[i].type, kept, NULL);
            break;
        }
    }
    doc_free(ev);
    return rc;
}

/* ---- curl callbacks ---- */

/* The current request's bytes: n, or less to stop the transfer. from_curl:
 * called by libcurl, which may be told to wait. */
static size_t body(stream *s, const char *data, size_t n, bool from_curl)
{
    long code = 0;
    curl_easy_getinfo(s->cx->h, CURLINFO_RESPONSE_CODE, &code);
    bool ok = code >= 200 && code < 300;
    if (ok && from_curl && s->pre_want) {
        /* the rest of a page is often in the socket already and would be
         * read in this same call: the next page is asked first (libcurl
         * hands these bytes again when the step resumes the transfer) */
        s->paused = true;
        return CURL_WRITEFUNC_PAUSE;
    }
    if (ok)
        s->data_ms = s->w->now;
    if (!ok || s->state == S_DISCOVER) {
        if (s->body.len < ERR_BODY_MAX)
            strbuf_append(&s->body, data, n);
        return ok && s->body.len >= ERR_BODY_MAX ? 0 : n;
    }
    liststream *ls = s->state == S_LIST ? s->list_ls : s->watch_ls;
    if (ls_feed(ls, data, n, &s->perr))
        return 0;
    if (s->state == S_LIST && !s->pre_asked && ls_metadata_done(ls))
        s->pre_asked = s->pre_want = true; /* the continue token is known */
    return n;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    xfer *x = ud;
    stream *s = x->s;
    size_t n = size * nmemb;
    if (x == s->cx)
        return body(s, data, n, true);
    /* the next page, while the current one is read: kept for later */
    if (s->pre_body.len + n > PRE_BODY_MAX)
        return 0; /* given up: the page is asked again when due */
    strbuf_append(&s->pre_body, data, n);
    return s->pre_body.oom ? 0 : n;
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *ud)
{
    xfer *x = ud;
    stream *s = x->s;
    size_t n = size * nmemb;
    if (x != s->cx) { /* a prefetch: its answer began (status told on adoption) */
        s->pre_answered |= n <= 2 && (line[0] == '\r' || line[0] == '\n');
        return n;
    }
    long ra = khttp_retry_after(line, n);
    if (ra >= 0)
        s->retry_after = ra;
    if (n > 2 || (line[0] != '\r' && line[0] != '\n'))
        return n;
    /* the blank line ending a header block: the answer has begun */
    long code = 0;
    curl_easy_getinfo(s->cx->h, CURLINFO_RESPONSE_CODE, &code);
    if (code < 200)
        return n; /* 100 Continue: the real answer follows */
    s->answered = true;
    s->w->heard = true;
    s->deadline = 0;
    if (code < 300) {
        s->data_ms = s->w->now;
        if (!s->up) {
            s->up = true;
            deliver(s, KW_CONNECTED, NULL, NULL);
        }
        if (s->state == S_LIST && s->begin) {
            s->begin = false;
            deliver(s, KW_SYNC_BEGIN, NULL, s->rv ? "relisting" : NULL);
        }
    }
    return n;
}

static int on_socket(CURL *e, curl_socket_t fd, int what, void *ud, void *sockp)
{
    (void)e;
    (void)sockp;
    kwatcher *w = ud;
    for (size_t i = 0; i < w->nsocks; i++) {
        if (w->socks[i].fd != fd)
            continue;
        if (what == CURL_POLL_REMOVE)
            w->socks[i] = w->socks[--w->nsocks];
        else
            w->socks[i].what = what;
        return 0;
    }
    if (what == CURL_POLL_REMOVE)
        return 0;
    if (w->nsocks == w->capsocks) {
        size_t cap = w->capsocks ? w->capsocks * 2 : 8;
        wsock *v = realloc(w->socks, cap * sizeof *v);
        if (!v)
            return -1;
        w->socks = v;
        w->capsocks = cap;
    }
    w->socks[w->nsocks++] = (wsock){fd, what};
    return 0;
}

static int on_timer(CURLM *m, long timeout_ms, void *ud)
{
    (void)m;
    kwatcher *w = ud;
    w->curl_due = timeout_ms < 0 ? -1 : w->now + timeout_ms;
    return 0;
}

/* ---- requests ---- */

static void put_param(strbuf *q, const char *key, const char *value)
{
    strbuf_printf(q, "%s%s=", q->len ? "&" : "", key);
    for (const char *p = value; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            ch == '-' || ch == '.' || ch == '_' || ch == '~')
            strbuf_putc(q, (char)ch);
        else
            strbuf_printf(q, "%%%02X", ch);
    }
}

static void describe_req(stream *s, kreq *rq, char *res, size_t n)
{
    if (s->state == S_DISCOVER) {
        rq->resource = s->k->group;
        rq->verb = "discover";
        return;
    }
    rq->resource = kkind_group_resource(s->k, res, n);
    rq->ns = s->ns;
    rq->all_ns = s->k->namespaced && !s->ns;
    rq->verb = s->state == S_LIST ? "list" : "watch";
}

static void schedule(stream *s, long long delay_ms)
{
    s->state = S_WAIT;
    s->due = s->w->now + delay_ms;
    s->retry_at = 0;
}

long long kwatch_backoff_ms(int attempt, double u)
{
    long long d = KWATCH_BACKOFF_MS;
    for (int i = 1; i < attempt && d < KWATCH_BACKOFF_CAP_MS; i++)
        d *= 2;
    if (d > KWATCH_BACKOFF_CAP_MS)
        d = KWATCH_BACKOFF_CAP_MS;
    if (!(u >= 0)) /* also NaN */
        u = 0;
    if (u >= 1)
        u = 0.999999;
    return d + (long long)(u * KWATCH_JITTER * (double)d);
}

/* xorshift64*: the jitter only has to differ between consoles and streams */
static double next_unit(kwatcher *w)
{
    w->rng ^= w->rng >> 12;
    w->rng ^= w->rng << 25;
    w->rng ^= w->rng >> 27;
    return (double)((w->rng * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0;
}

static long long backoff(stream *s)
{
    return kwatch_backoff_ms(s->failures, next_unit(s->w));
}

static void stop(stream *s, const char *msg)
{
    pre_cancel(s);
    s->state = S_STOPPED;
    s->loaded = true;
    s->up = false;
    s->retry_at = 0;
    deliver(s, KW_ERROR, NULL, msg);
}

/* A failed attempt: tell the consumer and try again after the backoff
 * (or delay, when not negative). */
static void retry_later(stream *s, const char *msg, bool unreachable, long long delay)
{
    pre_cancel(s);
    s->failures++;
    s->loaded = true;
    /* a server in trouble is not asked one kind at a time: every stream
     * finds out for itself (a silent server is DISCONNECTED once all are) */
    s->w->troubled = true;
    if (delay < 0)
        delay = backoff(s);
    if (unreachable)
        s->lost = true;
    char line[MP_ERR_MAX + 64];
    snprintf(line, sizeof line, "%s; retrying in %lld.%llds", msg, delay / 1000,
             delay % 1000 / 100);
    schedule(s, delay);
    s->retry_at = s->due;
    s->up = false;
    deliver_status(s, line, true, unreachable, delay);
}

/* The query of the current list or watch request (NULL when out of memory). */
static char *request_query(stream *s)
{
    strbuf q;
    strbuf_init(&q);
    if (s->state == S_LIST) {
        strbuf_printf(&q, "limit=%ld", s->limit);
        if (s->cont)
            put_param(&q, "continue", s->cont);
    } else {
        strbuf_printf(&q, "watch=1&allowWatchBookmarks=true&timeoutSeconds=%ld", s->w->timeout_s);
        put_param(&q, "resourceVersion", s->rv ? s->rv : "");
    }
    if (s->selector)
        put_param(&q, "labelSelector", s->selector);
    if (q.oom) {
        strbuf_free(&q);
        return NULL;
    }
    return strbuf_detach(&q, NULL);
}

/* Picks what the stream asks next and resets the per-request state. */
static void next_state(stream *s)
{
    if (!s->version && !(s->version = kclient_cached_version(s->w->c, s->k))) {
        s->state = S_DISCOVER;
        return;
    }
    if (s->lost) { /* see watch.h: after losing the server, only a list is sure */
        s->lost = false;
        s->next_list = true;
        free(s->cont);
        s->cont = NULL;
    }
    s->state = s->next_list ? S_LIST : S_WATCH;
    if (s->state == S_LIST) {
        s->begin = !s->cont; /* told when the server answers: not per failed attempt */
        if (!s->cont) {      /* a list from its first page: counted from 0 */
            s->pages = s->items = 0;
            free(s->prev_cont);
            s->prev_cont = NULL;
        }
        ls_reset(s->list_ls);
        s->pre_asked = false;
    } else {
        ls_reset(s->watch_ls);
        s->events_seen = s->relist = s->stream_err = false;
    }
}

/* x's handle for a request of s->state (x: the current or the prefetch). */
static void set_handle_opts(stream *s, xfer *x)
{
    long timeout = khttp_timeout_ms(kclient_http(s->w->c));
    CURL *h = x->h;
    x->errbuf[0] = 0;
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->errbuf);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(h, CURLOPT_PRIVATE, s);
    if (s->w->share)
        curl_easy_setopt(h, CURLOPT_SHARE, s->w->share);
    /* a dead peer on an idle watch shows up in about a minute, not in the
     * kernel's two hours */
    curl_easy_setopt(h, CURLOPT_TCP_KEEPIDLE, 30L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPINTVL, 10L);
    if (timeout > 0 && s->state != S_WATCH) { /* a list that stalls mid-body */
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
        /* after the answer deadline, so an answer that never starts is
         * reported as such (abandon) */
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, (timeout + 999) / 1000 + 5);
    } else if (s->state == S_WATCH) {
        /* a watch may be quiet, but not past the timeoutSeconds it asked
         * for: a server that answered and then went silent for good is
         * given up on then, not waited for forever */
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
        long t = s->w->timeout_s;
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, t + (t < 30 ? t : 30L));
    }
}

static void set_transfer_opts(stream *s)
{
    long timeout = khttp_timeout_ms(kclient_http(s->w->c));
    set_handle_opts(s, s->cx);
    s->answered = false;
    s->deadline = timeout > 0 ? s->w->now + timeout : 0;
}

/* The exec plugin of the connection, or NULL. */
static exec_cred *plugin(const kwatcher *w)
{
    return kclient_conn(w->c)->exec;
}

/* The credential without waiting for the plugin: 0 with *cred set (NULL
 * without a plugin), 1 while it runs (the stream waits in S_AUTH), -1 when
 * it failed (reported like any failed request: the stream retries). */
static int credential(stream *s, exec_result *r, const exec_result **cred)
{
    exec_cred *ec = plugin(s->w);
    *cred = NULL;
    if (!ec)
        return 0;
    mp_err err;
    int rc = exec_cred_poll(ec, time(NULL), &s->ticket, r, &err);
    if (rc == 1)
        s->state = S_AUTH;
    else if (rc < 0)
        retry_later(s, err.msg, false, -1);
    else
        *cred = r;
    return rc;
}

static int start(stream *s)
{
    kwatcher *w = s->w;
    exec_result r;
    const exec_result *cred;
    int crc = credential(s, &r, &cred);
    if (crc)
        return crc < 0 ? -1 : 0;
    next_state(s);
    char *path = NULL, *query = NULL;
    if (s->state == S_DISCOVER) {
        path = malloc(160);
        if (path)
            kclient_discovery_path(s->k, path, 160);
    } else {
        path = kclient_path(s->k, s->version, s->ns, NULL);
        query = request_query(s);
    }
    char res[160];
    kreq rq = {.method = "GET", .path = path, .query = query};
    if (s->k->metadata_only && s->state != S_DISCOVER)
        rq.accept = s->state == S_LIST ? KACCEPT_META_LIST : KACCEPT_META_ONE;
    describe_req(s, &rq, res, sizeof res);
    curl_easy_reset(s->cx->h);
    khttp_free_headers(s->cx->headers);
    s->cx->headers = NULL;
    strbuf_reset(&s->body);
    s->retry_after = -1;
    s->perr.msg[0] = 0;
    mp_err err;
    int rc = path && (query || s->state == S_DISCOVER)
                 ? khttp_prepare(kclient_http(w->c), s->cx->h, &rq, cred, &s->cx->headers, &err)
                 : mp_errf(&err, "out of memory");
    free(path);
    free(query);
    if (rc) {
        retry_later(s, err.msg, false, -1);
        return -1;
    }
    set_transfer_opts(s);
    if (curl_multi_add_handle(w->m, s->cx->h) != CURLM_OK) {
        retry_later(s, "cannot start a transfer", false, -1);
        return -1;
    }
    s->busy = true;
    s->paused = false;
    return 0;
}

static void transfer_done(stream *s, CURLcode rc);

/* The page after the current one is asked as soon as the current page's
 * metadata (its continue token) has been read: the server makes page N+1
 * while the console reads page N, instead of both waiting for each other at
 * every page (watch.h, "Next pages"). Not with an exec plugin, whose
 * credential may have to be waited for. */
static void pre_start(stream *s)
{
    size_t len;
    const char *meta = ls_metadata(s->list_ls, &len);
    doc_list l;
    doc_list_init(&l);
    const char *cont = NULL;
    if (len && !doc_parse_json(meta, len, "list metadata", &l, NULL) && l.len == 1)
        cont = doc_get_str(l.docs[0], "continue");
    kwatcher *w = s->w;
    if (cont && *cont && !plugin(w) && (s->px->h || (s->px->h = curl_easy_init()))) {
        char *saved = s->cont;
        s->cont = (char *)cont;
        char *path = kclient_path(s->k, s->version, s->ns, NULL), *query = request_query(s);
        s->cont = saved;
        kreq rq = {.method = "GET", .path = path, .query = query};
        curl_easy_reset(s->px->h);
        khttp_free_headers(s->px->headers);
        s->px->headers = NULL;
        mp_err err;
        if (path && query && (s->pre_cont = strdup(cont)) &&
            !khttp_prepare(kclient_http(w->c), s->px->h, &rq, NULL, &s->px->headers, &err)) {
            set_handle_opts(s, s->px);
            long timeout = khttp_timeout_ms(kclient_http(w->c));
            s->pre_deadline = timeout > 0 ? w->now + timeout : 0;
            s->pre_busy = curl_multi_add_handle(w->m, s->px->h) == CURLM_OK;
        }
        if (!s->pre_busy)
            pre_cancel(s);
        free(path);
        free(query);
    }
    doc_list_free(&l);
}

/* The current page completed with s->cont: when the prefetch asked for
 * that page, it becomes the current request (what it received so far is
 * read now). False when there is none to adopt. */
static bool adopt(stream *s)
{
    if (!s->cont || (!s->pre_busy && !s->pre_done) || strcmp(s->pre_cont, s->cont) != 0) {
        pre_cancel(s);
        return false;
    }
    xfer *x = s->px;
    s->px = s->cx;
    s->cx = x;
    bool done = s->pre_done;
    CURLcode rc = s->pre_rc;
    strbuf got = s->pre_body;
    strbuf_init(&s->pre_body);
    s->busy = s->pre_busy;
    s->paused = false;
    s->answered = s->pre_answered || done;
    s->deadline = s->answered ? 0 : s->pre_deadline;
    s->pre_busy = s->pre_done = s->pre_answered = false;
    free(s->pre_cont);
    s->pre_cont = NULL;
    /* the state a continuation page starts with (next_state, start) */
    s->state = S_LIST;
    s->begin = s->pre_asked = false;
    ls_reset(s->list_ls);
    strbuf_reset(&s->body);
    s->retry_after = -1;
    s->perr.msg[0] = 0;
    bool fed = !got.len || body(s, got.buf, got.len, false) == got.len;
    strbuf_free(&got);
    if (!fed) { /* unreadable: what a failed write makes of the transfer */
        if (s->busy)
            curl_multi_remove_handle(s->w->m, s->cx->h);
        s->busy = false;
        transfer_done(s, CURLE_WRITE_ERROR);
    } else if (done) {
        transfer_done(s, rc);
    }
    return true;
}

/* A list page finished with 200. */
static void list_done(stream *s)
{
    mp_err err;
    if (ls_finish(s->list_ls, &err)) {
        retry_later(s, err.msg, false, -1);
        return;
    }
    size_t len;
    const char *meta = ls_metadata(s->list_ls, &len);
    doc_list l;
    doc_list_init(&l);
    const char *cont = NULL, *rv = NULL;
    if (len && !doc_parse_json(meta, len, "list metadata", &l, NULL) && l.len == 1) {
        cont = doc_get_str(l.docs[0], "continue");
        rv = doc_get_str(l.docs[0], "resourceVersion");
    }
    free(s->prev_cont);
    s->prev_cont = s->cont;
    s->cont = cont && *cont ? strdup(cont) : NULL;
    set_rv(s, rv);
    doc_list_free(&l);
    char what[200], res[160];
    snprintf(what, sizeof what, "list %s", kkind_group_resource(s->k, res, sizeof res));
    if (klist_check_caps(NULL, s->items, ++s->pages, s->cont, s->prev_cont, what, &err)) {
        free(s->cont);
        s->cont = NULL;
        stop(s, err.msg); /* asking again would go the same way */
        return;
    }
    if (!s->cont) {
        s->next_list = false;
        s->failures = 0;
        s->loaded = true;
        deliver(s, KW_SYNC_END, NULL, NULL);
    }
    if (!adopt(s))
        schedule(s, 0);
}

/* The discovery document arrived: the version is known from now on. */
static void discovery_done(stream *s)
{
    mp_err err;
    const char *v;
    if (kclient_put_discovery(s->w->c, s->k, s->body.buf, s->body.len, &v, &err)) {
        stop(s, err.msg);
        return;
    }
    s->version = v;
    schedule(s, 0);
}

static void relist(stream *s, const char *why)
{
    pre_cancel(s);
    free(s->cont);
    s->cont = NULL;
    s->next_list = true;
    deliver_status(s, why, false, false, 0);
    schedule(s, 0);
}

/* The one-line error of the current request (status 0: a network failure
 * described by curl_msg). */
static void request_error(stream *s, long status, const char *curl_msg, mp_err *err)
{
    char res[160];
    kreq rq = {.method = "GET"};
    describe_req(s, &rq, res, sizeof res);
    khttp_fail(kclient_http(s->w->c), &rq, status, s->body.buf, s->body.len, curl_msg, err);
}

static void http_failed(stream *s, long status)
{
    mp_err err;
    request_error(s, status, s->cx->errbuf, &err);
    if (status == 404 && s->state == S_DISCOVER) {
        kclient_group_absent(s->k, &err);
        stop(s, err.msg);
    } else if (status == 410) {
        relist(s, "resourceVersion expired (410): relisting");
    } else if (status == 401 && !s->reauthed && khttp_auth_expired(kclient_http(s->w->c))) {
        s->reauthed = true;
        schedule(s, 0);
    } else if (status == 401 || status == 403 || status == 404 || status == 400 || status == 406 ||
               status == 422) {
        stop(s, err.msg);
    } else {
        long long d = -1;
        if (status == 429 && s->retry_after >= 0)
            d = s->retry_after * 1000 < KWATCH_BACKOFF_MAX_MS ? s->retry_after * 1000
                                                              : KWATCH_BACKOFF_MAX_MS;
        retry_later(s, err.msg, false, d);
    }
}

/* A transfer that ended without a complete answer (curl failed). */
static void transport_failed(stream *s, CURLcode rc)
{
    mp_err err;
    if (s->perr.msg[0]) { /* the answer arrived but could not be read */
        char res[160];
        kreq rq = {.method = "GET"};
        describe_req(s, &rq, res, sizeof res);
        mp_errf(&err, "%s %s: %.900s", rq.verb, res, s->perr.msg);
        retry_later(s, err.msg, false, -1);
        return;
    }
    request_error(s, 0, s->cx->errbuf[0] ? s->cx->errbuf : curl_easy_strerror(rc), &err);
    retry_later(s, err.msg, true, -1);
}

static void watch_done(stream *s, CURLcode rc)
{
    if (s->relist) {
        relist(s, "resourceVersion expired (410 in watch): relisting");
    } else if (s->events_seen && !s->stream_err) {
        schedule(s, 0); /* a stream that worked: resume at once from s->rv */
    } else if (s->stream_err) {
        char msg[MP_ERR_MAX];
        snprintf(msg, sizeof msg, "watch %s: %.900s", s->k->resource, s->perr.msg);
        retry_later(s, msg, false, -1);
    } else if (rc != CURLE_OK) {
        transport_failed(s, rc);
    } else { /* closed cleanly without events: a timeout, normal life */
        s->failures++;
        /* again at once, but a server that keeps closing at once (one
         * shutting down: it answers and closes until it is gone) is asked
         * again after a short backoff only, so its end is seen soon */
        schedule(s, s->failures > 1 ? kwatch_backoff_ms(s->failures - 1, next_unit(s->w)) : 0);
    }
}

static void transfer_done(stream *s, CURLcode rc)
{
    kwatcher *w = s->w;
    long status = 0;
    curl_easy_getinfo(s->cx->h, CURLINFO_RESPONSE_CODE, &status);
    curl_multi_remove_handle(w->m, s->cx->h);
    s->busy = false;
    s->deadline = 0;
    if (s->state != S_LIST || rc != CURLE_OK || status < 200 || status >= 300)
        pre_cancel(s); /* it continues a page that failed */
    if (status && (status < 200 || status >= 300)) {
        http_failed(s, status);
        return;
    }
    if (status)
        s->reauthed = false;
    if (s->state == S_WATCH)
        watch_done(s, rc);
    else if (rc != CURLE_OK)
        transport_failed(s, rc);
    else if (s->state == S_LIST)
        list_done(s);
    else
        discovery_done(s);
}

/* The answer did not begin within the request timeout. */
static void abandon(stream *s)
{
    curl_multi_remove_handle(s->w->m, s->cx->h);
    s->busy = false;
    s->deadline = 0;
    char msg[160];
    snprintf(msg, sizeof msg, "no answer within %ld s",
             (khttp_timeout_ms(kclient_http(s->w->c)) + 999) / 1000);
    mp_err err;
    request_error(s, 0, msg, &err);
    retry_later(s, err.msg, true, -1);
}

/* ---- public ---- */

/* MESHPANEL_WATCH_TIMEOUT lowers the watch timeout for load balancers
 * that cut idle connections sooner (and for tests of a silent server). */
static long watch_timeout_s(void)
{
    const char *v = getenv("MESHPANEL_WATCH_TIMEOUT");
    char *end;
    long t = v && *v ? strtol(v, &end, 10) : 0;
    if (!t || *end || t < 1 || t > KWATCH_TIMEOUT_S)
        return KWATCH_TIMEOUT_S;
    return t;
}

kwatcher *kwatcher_new(kclient *c, mp_err *err)
{
    kwatcher *w = calloc(1, sizeof *w);
    if (!w || !(w->m = curl_multi_init())) {
        free(w);
        mp_errf(err, "cannot initialise libcurl");
        return NULL;
    }
    w->c = c;
    w->curl_due = -1;
    w->now = w->t0 = kwatcher_now_ms();
    w->rng = (uint64_t)w->now * 0x9E3779B97F4A7C15ULL ^ (uint64_t)getpid() ^ (uintptr_t)w;
    if (!w->rng)
        w->rng = 1;
    w->timeout_s = watch_timeout_s();
    /* without a share, every connection is a full handshake (certificate
     * parsed and verified again); failing to make one only costs that */
    if ((w->share = curl_share_init())) {
        curl_share_setopt(w->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
        curl_share_setopt(w->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    }
    curl_multi_setopt(w->m, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(w->m, CURLMOPT_SOCKETDATA, w);
    curl_multi_setopt(w->m, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(w->m, CURLMOPT_TIMERDATA, w);
    return w;
}

static void stream_free(stream *s)
{
    if (!s)
        return;
    if (s->busy)
        curl_multi_remove_handle(s->w->m, s->cx->h);
    pre_cancel(s);
    strbuf_free(&s->pre_body);
    for (int i = 0; i < 2; i++) {
        if (s->x[i].h)
            curl_easy_cleanup(s->x[i].h);
        khttp_free_headers(s->x[i].headers);
    }
    ls_free(s->list_ls);
    ls_free(s->watch_ls);
    strbuf_free(&s->body);
    free(s->ns);
    free(s->selector);
    free(s->cont);
    free(s->prev_cont);
    free(s->rv);
    free(s);
}

void kwatcher_free(kwatcher *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->ns; i++)
        stream_free(w->s[i]);
    free(w->s);
    curl_multi_cleanup(w->m);
    if (w->share) /* after every easy handle that used it */
        curl_share_cleanup(w->share);
    free(w->socks);
    doc_jparser_free(w->jp);
    free(w);
}

int kwatcher_add(kwatcher *w, const kkind *k, const klist_opts *o, const char *resource_version,
                 kwatch_fn fn, void *ud, mp_err *err)
{
    stream *s = calloc(1, sizeof *s);
    stream **v = s ? realloc(w->s, (w->ns + 1) * sizeof *v) : NULL;
    if (!v) {
        free(s);
        return mp_errf(err, "out of memory");
    }
    w->s = v;
    s->w = w;
    s->k = k;
    s->version = kclient_cached_version(w->c, k); /* else discovered by the stream */
    s->fn = fn;
    s->ud = ud;
    s->limit = o && o->limit > 0 ? o->limit : KLIST_DEFAULT_LIMIT;
    strbuf_init(&s->body);
    s->cx = &s->x[0];
    s->px = &s->x[1];
    s->x[0].s = s->x[1].s = s;
    strbuf_init(&s->pre_body);
    s->cx->h = curl_easy_init(); /* the prefetch's when first needed */
    s->list_ls = ls_new(LS_LIST_ITEMS, 0, on_list_item, s);
    s->watch_ls = ls_new(LS_VALUES, 0, on_watch_event, s);
    bool oom = !s->cx->h || !s->list_ls || !s->watch_ls;
    if (!oom)
        ls_set_direct(s->list_ls, on_list_direct);
    if (k->namespaced && o && o->ns)
        oom |= !(s->ns = strdup(o->ns));
    if (o && o->selector && *o->selector)
        oom |= !(s->selector = strdup(o->selector));
    if (resource_version && *resource_version)
        oom |= !(s->rv = strdup(resource_version));
    if (oom) {
        stream_free(s);
        return mp_errf(err, "out of memory");
    }
    s->next_list = !s->rv;
    w->s[w->ns] = s;
    schedule(s, 0);
    return (int)w->ns++;
}

const char *kwatcher_resource_version(const kwatcher *w, int id)
{
    return id >= 0 && (size_t)id < w->ns ? w->s[id]->rv : NULL;
}

int kwatcher_active(const kwatcher *w)
{
    int n = 0;
    for (size_t i = 0; i < w->ns; i++)
        n += w->s[i]->state != S_STOPPED;
    return n;
}

int kwatcher_relist(kwatcher *w, int id)
{
    if (id < 0 || (size_t)id >= w->ns)
        return -1;
    stream *s = w->s[id];
    if (s->busy)
        curl_multi_remove_handle(w->m, s->cx->h);
    pre_cancel(s);
    s->busy = false;
    s->deadline = 0;
    s->failures = 0;
    s->reauthed = s->lost = false;
    free(s->cont);
    s->cont = NULL;
    s->next_list = true;
    s->due = 0; /* due at the next step, whatever w->now says */
    s->retry_at = 0;
    s->state = S_WAIT;
    return 0;
}

int kwatcher_info(const kwatcher *w, int id, kwatch_info *out)
{
    if (id < 0 || (size_t)id >= w->ns)
        return -1;
    const stream *s = w->s[id];
    bool auth = s->state == S_AUTH;
    out->deadline_ms = auth                      ? exec_cred_deadline_ms(plugin(w))
                       : s->busy && !s->answered ? s->deadline
                                                 : 0;
    out->retry_at_ms = s->state == S_WAIT ? s->retry_at : 0;
    out->data_ms = s->data_ms;
    out->exec_wait = auth ? exec_cred_command(plugin(w)) : NULL;
    return 0;
}

int kwatcher_fds(kwatcher *w, struct pollfd *fds, int max)
{
    /* the plugin's pipes first: few, and nothing starts without them */
    int n = plugin(w) ? exec_cred_fds(plugin(w), fds, max) : 0;
    for (size_t i = 0; i < w->nsocks && n < max; i++) {
        short ev = 0;
        if (w->socks[i].what == CURL_POLL_IN || w->socks[i].what == CURL_POLL_INOUT)
            ev |= POLLIN;
        if (w->socks[i].what == CURL_POLL_OUT || w->socks[i].what == CURL_POLL_INOUT)
            ev |= POLLOUT;
        fds[n++] = (struct pollfd){.fd = w->socks[i].fd, .events = ev};
    }
    return n;
}

/* First lists (watch.h): 0 when s may start now, -1 while it waits for a
 * list slot (a transfer's end frees one), else when it may start anyway. */
static long long gate(const kwatcher *w, const stream *s)
{
    if (!w->loading)
        return 0;
    if (s->loaded) { /* its watch waits for the other lists; a retry does not */
        bool watch_next = s->version && !s->next_list && !s->lost;
        return !watch_next || w->now >= s->due + KWATCH_FIRST_HOLD_MS
                   ? 0
                   : s->due + KWATCH_FIRST_HOLD_MS;
    }
    int out = 0;
    for (size_t i = 0; i < w->ns; i++)
        out += w->s[i]->busy && !w->s[i]->loaded;
    return out < KWATCH_FIRST_SLOTS ? 0 : w->heard ? -1 : w->t0 + KWATCH_FIRST_PATIENCE_MS;
}

static void update_loading(kwatcher *w)
{
    w->loading = false;
    if (!w->heard && w->now - w->t0 >= KWATCH_FIRST_PATIENCE_MS)
        w->troubled = true; /* a silent server: as troubled as a failing one */
    for (size_t i = 0; i < w->ns && !w->loading && !w->troubled; i++)
        w->loading = !w->s[i]->loaded;
}

int kwatcher_timeout_ms(kwatcher *w, long long now_ms)
{
    w->now = now_ms;
    long long due = w->curl_due;
    for (size_t i = 0; i < w->ns; i++) {
        const stream *s = w->s[i];
        long long t = s->busy ? s->deadline : s->state == S_WAIT ? s->due : -1;
        if (s->state == S_AUTH && !exec_cred_running(plugin(w)))
            t = now_ms; /* the run ended elsewhere (a blocking exec_cred_get) */
        long long g = s->busy ? 0 : gate(w, s);
        if (g && t >= 0 && t <= now_ms)
            t = g; /* due, but held back: until then (-1: a transfer's end) */
        if (t >= 0 && (t || !s->busy) && (due < 0 || t < due))
            due = t;
    }
    int pt = plugin(w) ? exec_cred_timeout_ms(plugin(w), now_ms) : -1;
    if (pt >= 0 && (due < 0 || now_ms + pt < due))
        due = now_ms + pt;
    if (due < 0)
        return -1;
    long long t = due - now_ms;
    return t <= 0 ? 0 : t > 60000 ? 60000 : (int)t;
}

static void drain(kwatcher *w)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(w->m, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        stream *s = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
        if (s && msg->easy_handle == s->px->h && s->pre_busy) {
            curl_multi_remove_handle(w->m, s->px->h);
            s->pre_busy = false;
            s->pre_done = true;
            s->pre_rc = msg->data.result;
        } else if (s) {
            transfer_done(s, msg->data.result);
        }
    }
}

/* fd is one of the plugin's pipes (not libcurl's to act on). */
static bool plugin_fd(const struct pollfd *pfds, int n, int fd)
{
    for (int i = 0; i < n; i++)
        if (pfds[i].fd == fd)
            return true;
    return false;
}

int kwatcher_step(kwatcher *w, const struct pollfd *fds, int nfds, long long now_ms, mp_err *err)
{
    w->now = now_ms;
    w->delivered = 0;
    int running;
    struct pollfd pfds[2];
    int np = plugin(w) ? exec_cred_fds(plugin(w), pfds, 2) : 0;
    for (int i = 0; i < nfds; i++) {
        if (!fds[i].revents || plugin_fd(pfds, np, fds[i].fd))
            continue;
        int mask = 0;
        if (fds[i].revents & (POLLIN | POLLHUP))
            mask |= CURL_CSELECT_IN;
        if (fds[i].revents & POLLOUT)
            mask |= CURL_CSELECT_OUT;
        if (fds[i].revents & (POLLERR | POLLNVAL))
            mask |= CURL_CSELECT_ERR;
        if (curl_multi_socket_action(w->m, fds[i].fd, mask, &running) != CURLM_OK)
            return mp_errf(err, "libcurl multi handle failed");
    }
    if (w->curl_due >= 0 && now_ms >= w->curl_due) {
        w->curl_due = -1;
        if (curl_multi_socket_action(w->m, CURL_SOCKET_TIMEOUT, 0, &running) != CURLM_OK)
            return mp_errf(err, "libcurl multi handle failed");
    }
    drain(w);
    if (plugin(w)) /* reads on readiness; ends the run when the plugin exits */
        exec_cred_step(plugin(w), now_ms);
    for (size_t i = 0; i < w->ns; i++)
        if (w->s[i]->busy && w->s[i]->deadline && now_ms >= w->s[i]->deadline)
            abandon(w->s[i]);
    update_loading(w);
    for (size_t i = 0; i < w->ns; i++) {
        stream *s = w->s[i];
        if (s->pre_want && !s->pre_busy && !s->pre_done && s->busy && s->state == S_LIST)
            pre_start(s);
        s->pre_want = false;
        if (s->paused && s->busy) {
            s->paused = false;
            curl_easy_pause(s->cx->h, CURLPAUSE_CONT); /* may read the bytes at once */
        }
        bool due = (s->state == S_WAIT && !s->busy && now_ms >= s->due) || s->state == S_AUTH;
        if (due && !gate(w, s))
            start(s);
    }
    return w->delivered;
}

int kwatcher_run_once(kwatcher *w, int max_wait_ms, mp_err *err)
{
    struct pollfd fds[64];
    long long now = kwatcher_now_ms();
    int n = kwatcher_fds(w, fds, 64);
    int t = kwatcher_timeout_ms(w, now);
    if (t < 0 || t > max_wait_ms)
        t = max_wait_ms;
    if (poll(fds, (nfds_t)n, t) < 0)
        for (int i = 0; i < n; i++)
            fds[i].revents = 0;
    return kwatcher_step(w, fds, n, kwatcher_now_ms(), err);
}
