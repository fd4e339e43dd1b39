/*
 * http_bg.h - a GET that runs in the background of other work (list prefetch).
 *
 * kclient_list asks for page N+1 as soon as page N's continue token is
 * known, so the server produces it while the client parses and prints page
 * N. The transfer runs in the khttp's multi handle (same connection pool as
 * khttp_do; HTTP/2 multiplexes, HTTP/1.1 takes a second connection). Until
 * khttp_bg_claim its 2xx body waits in memory (at most KHTTP_BG_HOLD bytes,
 * then the transfer pauses), so the sink sees pages in order.
 *
 * Errors end as khttp_do's would: an answer that khttp_do would retry (a
 * network error, 429, 5xx, a 401 with an exec plugin) before anything was
 * sunk is handed to khttp_do, which asks again with its retries; any other
 * failure gets khttp_do's message.
 *
 * Ownership: the kreq and every string it points to are borrowed until
 * khttp_bg_free. Not thread-safe: the khttp's event loop drives it.
 */
#ifndef MESHPANEL_HTTP_BG_H
#define MESHPANEL_HTTP_BG_H

#include <stdbool.h>

#include "api/http.h"

#define KHTTP_BG_HOLD (8u << 20)

typedef struct khttp_bg khttp_bg;

/* Starts rq (a GET with a sink). NULL with err on failure. */
khttp_bg *khttp_bg_start(khttp *c, const kreq *rq, mp_err *err);
/* From now on the body goes to rq->sink, what arrived so far first. */
void khttp_bg_claim(khttp_bg *b);
/* Called by the sink: the transfer stops delivering after this chunk and
 * khttp_bg_step returns, so the caller can start other transfers (libcurl
 * forbids that inside its callbacks), until khttp_bg_resume. */
void khttp_bg_yield(khttp_bg *b);
void khttp_bg_resume(khttp_bg *b);
/* True once b's request went out (or b ended). */
bool khttp_bg_sent(khttp_bg *b);
/* Runs the khttp's transfers for a while (at most 100 ms of waiting);
 * true once b is finished. */
bool khttp_bg_step(khttp *c, khttp_bg *b);
/* After the transfer finished (claimed): 0 on a 2xx answer, else -1 with err
 * as khttp_do(rq) would end. */
int khttp_bg_finish(khttp *c, khttp_bg *b, mp_err *err);
/* Stops the transfer if it still runs. NULL is fine. */
void khttp_bg_free(khttp *c, khttp_bg *b);

#endif
