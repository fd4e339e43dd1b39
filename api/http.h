/*
 * http.h - requests to the Kubernetes API server over libcurl.
 *
 * One khttp owns one CURL easy handle that every blocking request reuses, so
 * the connection stays open (keep-alive; HTTP/2 when the server offers it
 * over TLS); background transfers (http_bg.h) run in a multi handle that
 * shares that connection pool. Each request gets: User-Agent
 * meshpanel/<version>, gzip and friends (Accept-Encoding; none when the
 * kube_conn says disable_compression), connect +
 * whole-request timeouts, TLS
 * verification unless the kubeconfig says insecure-skip-tls-verify, the CA
 * and client certificate as in-memory blobs, and the user's credential
 * (bearer token, basic auth, client certificate or exec plugin).
 *
 * Retries: reads (GET) are retried on network errors, 429 and 5xx with
 * capped exponential backoff; 429 honours Retry-After. Writes are retried
 * only when the server provably did not act on them: 429 (rejected before
 * processing) and connection failures before anything was sent. With an exec
 * plugin, a 401 re-runs the plugin once and retries (kubectl does the same).
 * A streamed 2xx body that already reached its sink is never retried.
 *
 * Errors are one line naming what was attempted, decoded from the server's
 * Status object:  `list virtualservices.networking.istio.io in namespace
 * "ns-b": forbidden (403): ...`. Credentials never appear in a message: any
 * occurrence of the token or password in server text is replaced.
 *
 * An exec plugin's deadline is the request timeout (khttp_new sets it on
 * the kube_conn's exec_cred).
 *
 * Ownership: khttp borrows the kube_conn (it must outlive the khttp; the exec
 * credential cache inside it is updated). kresp owns its body (kresp_free).
 * Not thread-safe: one event loop owns a khttp.
 */
#ifndef MESHPANEL_HTTP_H
#define MESHPANEL_HTTP_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>

#include "api/kubeconfig.h"
#include "model/err.h"

/* A 2xx answer read into memory (one object, discovery, an apply's answer;
 * lists stream through a sink instead) larger than this once decompressed
 * is refused: a 200 KB gzip bomb must not take gigabytes. Kubernetes
 * objects stay under 1.5 MiB (etcd's request limit). */
#define KHTTP_BODY_MAX (32u << 20)

typedef struct {
    long timeout_ms;         /* whole request; 0: 60 s, < 0: none. Watch streams wait
                              * this long for the answer to start (watch.h). */
    long connect_timeout_ms; /* 0: 10 s; never more than timeout_ms */
    int max_attempts;        /* 0: 5 */
    long backoff_ms;         /* first retry delay; 0: 250 ms, doubled each time */
    long backoff_max_ms;     /* cap; 0: 8 s (also caps Retry-After) */
} khttp_opts;

/* Receives a 2xx body as it arrives. Return n to go on, anything else aborts
 * the transfer (the request then fails with the sink's error). */
typedef size_t (*khttp_sink)(const char *data, size_t n, void *ud);

typedef struct {
    const char *method; /* "GET", "POST", "PUT", "PATCH", "DELETE" */
    const char *path;   /* "/apis/networking.k8s.io/v1/namespaces/ns-a/ingresses" */
    const char *query;  /* "limit=500&continue=..." already escaped, or NULL */
    const char *accept; /* NULL: application/json */
    const char *content_type;
    const char *body;
    size_t body_len;
    /* What the request does, for error messages: */
    const char *verb;     /* "list", "get", "create", "update", "patch", "delete", "watch" */
    const char *resource; /* "ingresses.networking.k8s.io" */
    const char *ns;       /* NULL: cluster-scoped, or all namespaces when all_ns */
    const char *name;     /* NULL for collections */
    bool all_ns;
    khttp_sink sink; /* optional: stream 2xx bodies here instead of kresp.body */
    void *sink_ud;
} kreq;

typedef struct {
    long status; /* HTTP status, 0 when no response */
    char *body;  /* NUL-terminated; NULL when streamed to a sink */
    size_t len;
    int attempts; /* how many times the request was sent */
} kresp;

typedef struct khttp khttp;

khttp *khttp_new(kube_conn *conn, const khttp_opts *opts, mp_err *err);
void khttp_free(khttp *c);
kube_conn *khttp_conn(khttp *c);
/* The request timeout in effect (ms; 0: none). */
long khttp_timeout_ms(const khttp *c);
/* HTTP status of the last answer khttp_do got (0: network failure). */
long khttp_last_status(const khttp *c);

/* Sends the request (with retries). 0 on a 2xx answer; -1 with err set
 * otherwise (resp->status then says what the server answered, 0 for network
 * failures). resp may be NULL when the caller only needs success. */
int khttp_do(khttp *c, const kreq *rq, kresp *resp, mp_err *err);
void kresp_free(kresp *r);

/* For streaming transfers driven elsewhere (watch.c): sets URL, TLS, auth,
 * proxy and headers of rq on h. *headers must be freed with
 * curl_slist_free_all once the transfer is done. No request timeout is set.
 * cred: the exec plugin's credential when the caller got it without
 * waiting (exec_cred_poll); NULL: khttp_prepare gets it, running the plugin
 * and blocking until it answers when none is cached. */
int khttp_prepare(khttp *c, CURL *h, const kreq *rq, const exec_result *cred,
                  struct curl_slist **headers, mp_err *err);
/* The one-line error for a non-2xx answer (or a curl failure when status is
 * 0 and curl_msg is set), scrubbed of credentials. Returns -1. */
int khttp_fail(khttp *c, const kreq *rq, long status, const char *body, size_t len,
               const char *curl_msg, mp_err *err);
/* Replaces every credential of the connection (bearer token, basic-auth
 * password, the exec plugin's token) that appears in err with <redacted>.
 * Server text should be scrubbed before it is cut to length
 * (khttp_scrub_text), so no part of a long token survives the cut. */
void khttp_scrub(const khttp *c, mp_err *err);
/* A copy of s with every credential replaced (NULL: out of memory). */
char *khttp_scrub_text(const khttp *c, const char *s);
/* curl_slist_free_all after wiping each line (an Authorization header). */
void khttp_free_headers(struct curl_slist *headers);
/* Called after a 401 on a streaming transfer: drops a cached exec credential
 * so the next prepare runs the plugin again. True when that may help. */
bool khttp_auth_expired(khttp *c);
/* Parses Retry-After seconds from a "Retry-After: N" header line; -1 if not. */
long khttp_retry_after(const char *line, size_t len);
/* Backoff delay of attempt n (1-based) in ms. */
long khttp_backoff_ms(const khttp *c, int attempt);
/* For background transfers (http_bg.h): the khttp's multi handle (NULL:
 * out of memory; at most 2 connections to the server), putting an easy
 * handle in the connection pool khttp_do uses, and recording the status of
 * an answer as khttp_do does. */
CURLM *khttp_multi(khttp *c);
void khttp_join_pool(khttp *c, CURL *h);
void khttp_set_last_status(khttp *c, long status);
/* libcurl's version and its TLS library ("7.88.1 OpenSSL/3.0.11"), into buf. */
const char *khttp_curl_version(char *buf, size_t n);

#endif
