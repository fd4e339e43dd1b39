/*
 * http_bg.c - background GETs in the khttp's multi handle.
 */
#include "api/http_bg.h"

#include <stdlib.h>
#include <string.h>

#include "model/strbuf.h"

#define BG_ERR_MAX (1u << 20) /* as khttp_do: an error text that long is noise */

struct khttp_bg {
    CURL *h;
    kreq rq;
    struct curl_slist *headers;
    strbuf held;    /* 2xx bytes before the claim */
    strbuf errbody; /* a non-2xx answer's body */
    size_t sunk;
    bool added, claimed, paused, done, sink_failed;
    bool yield; /* the next bytes wait: the caller has work between two chunks */
    CURLcode rc;
    char errbuf[CURL_ERROR_SIZE];
};

static size_t to_sink(khttp_bg *b, const char *data, size_t n)
{
    size_t r = b->rq.sink(data, n, b->rq.sink_ud);
    b->sunk += n;
    if (r != n)
        b->sink_failed = true;
    return r;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    khttp_bg *b = ud;
    size_t n = size * nmemb;
    long code = 0;
    curl_easy_getinfo(b->h, CURLINFO_RESPONSE_CODE, &code);
    if (code < 200 || code >= 300) {
        if (b->errbody.len + n <= BG_ERR_MAX)
            strbuf_append(&b->errbody, data, n);
        return n;
    }
    if (b->claimed && !b->yield)
        return b->sink_failed ? 0 : to_sink(b, data, n);
    if (b->claimed) {
        b->paused = true;
        return CURL_WRITEFUNC_PAUSE;
    }
    if (b->held.len >= KHTTP_BG_HOLD) { /* flat memory: the server waits */
        b->paused = true;
        return CURL_WRITEFUNC_PAUSE;
    }
    strbuf_append(&b->held, data, n);
    return b->held.oom ? 0 : n;
}

khttp_bg *khttp_bg_start(khttp *c, const kreq *rq, mp_err *err)
{
    khttp_bg *b = calloc(1, sizeof *b);
    CURLM *m = khttp_multi(c);
    if (!b || !m || !(b->h = curl_easy_init())) {
        free(b);
        mp_errf(err, "out of memory");
        return NULL;
    }
    b->rq = *rq;
    strbuf_init(&b->held);
    strbuf_init(&b->errbody);
    if (khttp_prepare(c, b->h, rq, NULL, &b->headers, err)) {
        khttp_bg_free(c, b);
        return NULL;
    }
    khttp_join_pool(c, b->h);
    curl_easy_setopt(b->h, CURLOPT_ERRORBUFFER, b->errbuf);
    curl_easy_setopt(b->h, CURLOPT_TIMEOUT_MS, khttp_timeout_ms(c));
    curl_easy_setopt(b->h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(b->h, CURLOPT_WRITEDATA, b);
    curl_easy_setopt(b->h, CURLOPT_PRIVATE, b);
    if (curl_multi_add_handle(m, b->h) != CURLM_OK) {
        khttp_bg_free(c, b);
        mp_errf(err, "cannot start a transfer");
        return NULL;
    }
    b->added = true;
    return b;
}

void khttp_bg_claim(khttp_bg *b)
{
    b->claimed = true;
    if (b->held.len && !b->sink_failed)
        to_sink(b, b->held.buf, b->held.len);
    strbuf_free(&b->held);
    strbuf_init(&b->held);
    if (b->paused && !b->done) {
        b->paused = false;
        curl_easy_pause(b->h, CURLPAUSE_CONT); /* may deliver to the sink at once */
    }
}

void khttp_bg_yield(khttp_bg *b)
{
    b->yield = true;
}

void khttp_bg_resume(khttp_bg *b)
{
    b->yield = false;
    if (b->paused && !b->done) {
        b->paused = false;
        curl_easy_pause(b->h, CURLPAUSE_CONT);
    }
}

bool khttp_bg_sent(khttp_bg *b)
{
    long n = 0;
    curl_easy_getinfo(b->h, CURLINFO_REQUEST_SIZE, &n);
    return n > 0 || b->done;
}

bool khttp_bg_step(khttp *c, khttp_bg *b)
{
    CURLM *m = khttp_multi(c);
    int running = 0, left = 0;
    curl_multi_perform(m, &running);
    CURLMsg *msg;
    while ((msg = curl_multi_info_read(m, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        khttp_bg *d = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&d);
        if (d) {
            d->done = true;
            d->rc = msg->data.result;
        }
    }
    if (!b->done && running && !b->paused) /* a yield returns at once */
        curl_multi_poll(m, NULL, 0, 100, NULL);
    return b->done;
}

/* What khttp_do retries when nothing of the answer was consumed. */
static bool retried(khttp *c, CURLcode rc, long status)
{
    if (rc != CURLE_OK)
        return true; /* a GET is idempotent */
    if (status == 401)
        return khttp_conn(c)->exec != NULL;
    return status == 429 || status >= 500;
}

int khttp_bg_finish(khttp *c, khttp_bg *b, mp_err *err)
{
    long status = 0;
    curl_easy_getinfo(b->h, CURLINFO_RESPONSE_CODE, &status);
    if (b->rc != CURLE_OK)
        status = 0;
    khttp_set_last_status(c, status);
    if (status >= 200 && status < 300 && !b->sink_failed)
        return 0;
    if (b->sink_failed)
        return mp_errf(err, "response to %s %s could not be processed", b->rq.method, b->rq.path);
    if (b->sunk) /* part of the answer was consumed: as khttp_do, no retry */
        return khttp_fail(c, &b->rq, 0, NULL, 0, b->errbuf, err);
    if (retried(c, b->rc, status))
        return khttp_do(c, &b->rq, NULL, err);
    return khttp_fail(c, &b->rq, status, b->errbody.buf, b->errbody.len, b->errbuf, err);
}

void khttp_bg_free(khttp *c, khttp_bg *b)
{
    if (!b)
        return;
    if (b->added)
        curl_multi_remove_handle(khttp_multi(c), b->h);
    if (b->h)
        curl_easy_cleanup(b->h);
    khttp_free_headers(b->headers);
    strbuf_free(&b->held);
    strbuf_free(&b->errbody);
    free(b);
}
