/*
 * http.c - one reusable libcurl handle, auth, retries, Status errors.
 */
#include "api/http.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "model/parse.h"
#include "model/sanitize.h"
#include "model/strbuf.h"
#include "version.h"

#define ERR_BODY_MAX (1u << 20)

struct khttp {
    kube_conn *conn;
    khttp_opts o;
    CURL *h;
    CURLM *multi;                  /* background transfers (http_bg.c), created on first use */
    CURLSH *share;                 /* one connection pool and TLS session cache for h and multi */
    char *base;                    /* server URL, host replaced by tls-server-name */
    struct curl_slist *connect_to; /* tls-server-name: connect to the real host */
    char *exec_token;              /* copy of the last exec token, for scrubbing */
    long last_status;
    char ua[64];
    char errbuf[CURL_ERROR_SIZE];
};

static void wipe_free(char *s)
{
    if (s)
        memset(s, 0, strlen(s));
    free(s);
}

static long def(long v, long d)
{
    return v > 0 ? v : d;
}

/* tls-server-name: libcurl verifies and sends SNI for the URL's host, so the
 * URL names the TLS server and CONNECT_TO points it at the real address. */
static int setup_sni(khttp *c, mp_err *err)
{
    const char *sni = c->conn->tls_server_name;
    if (!sni || !*sni || strncmp(c->conn->server, "https://", 8)) {
        c->base = strdup(c->conn->server);
        return c->base ? 0 : mp_errf(err, "out of memory");
    }
    CURLU *u = curl_url();
    char *host = NULL, *port = NULL, *url = NULL;
    int rc = 0;
    if (!u || curl_url_set(u, CURLUPART_URL, c->conn->server, 0) ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) ||
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) ||
        curl_url_set(u, CURLUPART_HOST, sni, 0) || curl_url_get(u, CURLUPART_URL, &url, 0)) {
        rc = mp_errf(err, "%s: server \"%.200s\" or tls-server-name \"%.100s\" is not a valid URL",
                     c->conn->source, c->conn->server, sni);
    } else {
        char map[600];
        snprintf(map, sizeof map, "%s:%s:%s:%s", sni, port, host, port);
        c->connect_to = curl_slist_append(NULL, map);
        size_t l = strlen(url);
        while (l && url[l - 1] == '/')
            url[--l] = 0;
        c->base = strdup(url);
        if (!c->connect_to || !c->base)
            rc = mp_errf(err, "out of memory");
    }
    curl_free(host);
    curl_free(port);
    curl_free(url);
    curl_url_cleanup(u);
    return rc;
}

khttp *khttp_new(kube_conn *conn, const khttp_opts *opts, mp_err *err)
{
    static bool global_done; /* curl_global_init is process-wide by design */
    if (!global_done) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        global_done = true;
    }
    khttp *c = calloc(1, sizeof *c);
    if (!c) {
        mp_errf(err, "out of memory");
        return NULL;
    }
    c->conn = conn;
    if (opts)
        c->o = *opts;
    c->o.timeout_ms = c->o.timeout_ms < 0 ? 0 : def(c->o.timeout_ms, 60000); /* 0: none */
    c->o.connect_timeout_ms = def(c->o.connect_timeout_ms, 10000);
    if (c->o.timeout_ms && c->o.connect_timeout_ms > c->o.timeout_ms)
        c->o.connect_timeout_ms = c->o.timeout_ms; /* a connection is part of the request */
    c->o.max_attempts = (int)def(c->o.max_attempts, 5);
    c->o.backoff_ms = def(c->o.backoff_ms, 250);
    c->o.backoff_max_ms = def(c->o.backoff_max_ms, 8000);
    snprintf(c->ua, sizeof c->ua, "meshpanel/%s", MESHPANEL_VERSION);
    if (conn->exec) /* a plugin is part of the request it authenticates */
        exec_cred_set_timeout(conn->exec, c->o.timeout_ms);
    if (setup_sni(c, err) || !(c->h = curl_easy_init()) || !(c->share = curl_share_init())) {
        if (c->base && !c->h)
            mp_errf(err, "cannot initialise libcurl");
        khttp_free(c);
        return NULL;
    }
    curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    return c;
}

CURLM *khttp_multi(khttp *c)
{
    if (!c->multi && (c->multi = curl_multi_init()))
        /* HTTP/1.1 overlaps two transfers on two connections; no more */
        curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 2L);
    return c->multi;
}

void khttp_join_pool(khttp *c, CURL *h)
{
    curl_easy_setopt(h, CURLOPT_SHARE, c->share);
    /* no PIPEWAIT: over HTTP/1.1 it would queue the prefetch behind the page it
     * is meant to overlap; HTTP/2 multiplexes on the pooled connection anyway */
    curl_easy_setopt(h, CURLOPT_PIPEWAIT, 0L);
}

void khttp_set_last_status(khttp *c, long status)
{
    c->last_status = status;
}

void khttp_free(khttp *c)
{
    if (!c)
        return;
    if (c->h)
        curl_easy_cleanup(c->h);
    if (c->multi)
        curl_multi_cleanup(c->multi);
    if (c->share)
        curl_share_cleanup(c->share);
    curl_slist_free_all(c->connect_to);
    wipe_free(c->exec_token);
    free(c->base);
    free(c);
}

long khttp_last_status(const khttp *c)
{
    return c->last_status;
}

long khttp_timeout_ms(const khttp *c)
{
    return c->o.timeout_ms;
}

kube_conn *khttp_conn(khttp *c)
{
    return c->conn;
}

void kresp_free(kresp *r)
{
    if (!r)
        return;
    free(r->body);
    r->body = NULL;
    r->len = 0;
}

long khttp_backoff_ms(const khttp *c, int attempt)
{
    long d = c->o.backoff_ms;
    for (int i = 1; i < attempt && d < c->o.backoff_max_ms; i++)
        d *= 2;
    return d < c->o.backoff_max_ms ? d : c->o.backoff_max_ms;
}

long khttp_retry_after(const char *line, size_t len)
{
    static const char name[] = "retry-after:";
    if (len < sizeof name - 1 || strncasecmp(line, name, sizeof name - 1))
        return -1;
    long v = 0;
    size_t i = sizeof name - 1;
    while (i < len && line[i] == ' ')
        i++;
    if (i >= len || line[i] < '0' || line[i] > '9')
        return -1; /* an HTTP date: treat as absent, backoff applies */
    for (; i < len && line[i] >= '0' && line[i] <= '9' && v < 100000; i++)
        v = v * 10 + (line[i] - '0');
    return v;
}

/* ---- credentials ---- */

void khttp_free_headers(struct curl_slist *headers)
{
    for (struct curl_slist *h = headers; h; h = h->next)
        if (h->data) /* an Authorization line holds the token */
            memset(h->data, 0, strlen(h->data));
    curl_slist_free_all(headers);
}

/* Every socket libcurl opens is closed in a child: an exec plugin or the
 * editor must not inherit a live connection to the API server. */
static int cloexec_socket(void *ud, curl_socket_t fd, curlsocktype purpose)
{
    (void)ud;
    (void)purpose;
    int f = fcntl(fd, F_GETFD);
    if (f < 0 || fcntl(fd, F_SETFD, f | FD_CLOEXEC) < 0)
        return CURL_SOCKOPT_ERROR;
    return CURL_SOCKOPT_OK;
}

static int add_header(struct curl_slist **h, const char *fmt, const char *v)
{
    char buf[8192];
    for (const char *p = v; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return -1; /* a CR/LF would start a header of the value's choosing */
    if ((size_t)snprintf(buf, sizeof buf, fmt, v) >= sizeof buf)
        return -1;
    struct curl_slist *n = curl_slist_append(*h, buf);
    memset(buf, 0, sizeof buf); /* may hold a token */
    if (!n)
        return -1;
    *h = n;
    return 0;
}

static int set_auth(khttp *c, CURL *h, const exec_result *cred, struct curl_slist **headers,
                    mp_err *err)
{
    kube_conn *k = c->conn;
    const char *token = k->token;
    const unsigned char *cert = k->cert, *key = k->key;
    size_t cert_len = k->cert_len, key_len = k->key_len;
    if (k->exec) {
        exec_result r;
        if (cred)
            r = *cred;
        else if (exec_cred_get(k->exec, time(NULL), &r, err))
            return -1;
        if (r.token) {
            token = r.token;
            if (!c->exec_token || strcmp(c->exec_token, r.token)) {
                wipe_free(c->exec_token);
                c->exec_token = strdup(r.token);
            }
        } else {
            cert = r.cert, key = r.key, cert_len = r.cert_len, key_len = r.key_len;
        }
    }
    if (token && *token && add_header(headers, "Authorization: Bearer %s", token))
        return mp_errf(err, "%s: the bearer token is too long or holds a control character",
                       k->source);
    if (k->username) {
        curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(h, CURLOPT_USERNAME, k->username);
        curl_easy_setopt(h, CURLOPT_PASSWORD, k->password ? k->password : "");
    }
    if (cert && key) {
        struct curl_blob cb = {(void *)cert, cert_len, CURL_BLOB_COPY};
        struct curl_blob kb = {(void *)key, key_len, CURL_BLOB_COPY};
        curl_easy_setopt(h, CURLOPT_SSLCERT_BLOB, &cb);
        curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
        curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &kb);
        curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
    }
    return 0;
}

bool khttp_auth_expired(khttp *c)
{
    if (!c->conn->exec)
        return false;
    exec_cred_invalidate(c->conn->exec);
    return true;
}

int khttp_prepare(khttp *c, CURL *h, const kreq *rq, const exec_result *cred,
                  struct curl_slist **headers, mp_err *err)
{
    kube_conn *k = c->conn;
    strbuf url;
    strbuf_init(&url);
    strbuf_printf(&url, "%s%s%s%s", c->base, rq->path, rq->query && *rq->query ? "?" : "",
                  rq->query ? rq->query : "");
    if (url.oom) {
        strbuf_free(&url);
        return mp_errf(err, "out of memory");
    }
    curl_easy_setopt(h, CURLOPT_URL, url.buf);
    strbuf_free(&url);
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    /* NULL also clears what an earlier request set on this reused handle */
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, k->disable_compression ? NULL : "");
    curl_easy_setopt(h, CURLOPT_USERAGENT, c->ua);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->o.connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L); /* never carry the token elsewhere */
    curl_easy_setopt(h, CURLOPT_SOCKOPTFUNCTION, cloexec_socket);
    curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2); /* kubectl's minimum */
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, k->insecure ? 0L : 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, k->insecure ? 0L : 2L);
    if (k->ca) {
        struct curl_blob b = {k->ca, k->ca_len, CURL_BLOB_COPY};
        curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &b);
        curl_easy_setopt(h, CURLOPT_CAPATH, NULL); /* trust this CA only, like kubectl */
    }
    if (c->connect_to)
        curl_easy_setopt(h, CURLOPT_CONNECT_TO, c->connect_to);
    if (k->proxy_url)
        curl_easy_setopt(h, CURLOPT_PROXY, k->proxy_url);

    const char *m = rq->method ? rq->method : "GET";
    if (!strcmp(m, "POST"))
        curl_easy_setopt(h, CURLOPT_POST, 1L);
    else if (strcmp(m, "GET"))
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, m);
    if (rq->body || strcmp(m, "GET")) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, rq->body ? rq->body : "");
    }
    *headers = NULL;
    if (add_header(headers, "Accept: %s", rq->accept ? rq->accept : "application/json") ||
        (rq->content_type && add_header(headers, "Content-Type: %s", rq->content_type)) ||
        add_header(headers, "%s", "Expect:")) {
        curl_slist_free_all(*headers);
        *headers = NULL;
        return mp_errf(err, "out of memory");
    }
    if (set_auth(c, h, cred, headers, err)) {
        khttp_free_headers(*headers);
        *headers = NULL;
        return -1;
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, *headers);
    return 0;
}

/* ---- error messages ---- */

static const struct {
    long code;
    const char *what;
} reasons[] = {
    {400, "bad request"},
    {401, "unauthorized"},
    {403, "forbidden"},
    {404, "not found"},
    {405, "method not allowed"},
    {406, "not acceptable"},
    {409, "conflict"},
    {410, "expired"},
    {413, "request too large"},
    {415, "unsupported media type"},
    {422, "invalid"},
    {429, "too many requests"},
    {500, "internal server error"},
    {502, "bad gateway"},
    {503, "service unavailable"},
    {504, "gateway timeout"},
};

static const char *reason_of(long code)
{
    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
        if (reasons[i].code == code)
            return reasons[i].what;
    return code >= 500 ? "server error" : "request failed";
}

/* "list ingresses.networking.k8s.io in namespace "ns-a"" */
static void describe(const kreq *rq, strbuf *sb)
{
    strbuf_printf(&*sb, "%s %s", rq->verb ? rq->verb : "request",
                  rq->resource ? rq->resource : rq->path);
    if (rq->name)
        strbuf_printf(sb, " \"%s\"", rq->name);
    if (rq->ns)
        strbuf_printf(sb, " in namespace \"%s\"", rq->ns);
    else if (rq->all_ns)
        strbuf_puts(sb, " in all namespaces");
}

/* The secrets a message must never show (NULL or too short: skipped). */
static void secrets_of(const khttp *c, const char *out[3])
{
    out[0] = c->conn->token;
    out[1] = c->conn->password;
    out[2] = c->exec_token;
}

/* Shorter secrets are not scrubbed: replacing every "abc" would mangle
 * prose, and such a credential is invalid anyway. */
#define SCRUB_MIN 4

char *khttp_scrub_text(const khttp *c, const char *s)
{
    static const char mask[] = "<redacted>";
    const char *sec[3];
    secrets_of(c, sec);
    strbuf sb;
    strbuf_init(&sb);
    /* one pass over the input, never over what was written: a secret that
     * occurs in "<redacted>" cannot make it loop */
    for (const char *p = s; *p;) {
        if (!strncmp(p, mask, sizeof mask - 1)) { /* scrubbed before: kept as it is */
            strbuf_puts(&sb, mask);
            p += sizeof mask - 1;
            continue;
        }
        size_t hit = 0;
        for (int i = 0; i < 3 && !hit; i++) {
            size_t l = sec[i] ? strlen(sec[i]) : 0;
            if (l >= SCRUB_MIN && !strncmp(p, sec[i], l))
                hit = l;
        }
        if (hit) {
            strbuf_puts(&sb, mask);
            p += hit;
        } else {
            strbuf_putc(&sb, *p++);
        }
    }
    strbuf_append(&sb, "", 0);
    return strbuf_detach(&sb, NULL);
}

/* Cleaned, length-capped server text: scrubbed first, so that a long token
 * is replaced whole before the cut could leave a piece of it. */
static void put_clean(const khttp *c, strbuf *sb, const char *s, size_t max)
{
    char *scrubbed = khttp_scrub_text(c, s ? s : "");
    char *clean = scrubbed ? san_cleans(scrubbed, 0) : NULL;
    free(scrubbed);
    if (!clean)
        return;
    size_t l = strlen(clean), cut = l < max ? l : max;
    while (cut < l && cut > 0 && ((unsigned char)clean[cut] & 0xc0) == 0x80)
        cut--; /* never half a character */
    strbuf_append(sb, clean, cut);
    if (l > max)
        strbuf_puts(sb, "...");
    free(clean);
}

/* A message cut at MP_ERR_MAX may end in half a UTF-8 character: drop it,
 * so what reaches a terminal is valid text. */
static void drop_partial_char(char *s)
{
    size_t n = strlen(s), lead = n;
    while (lead > 0 && n - lead < 4 && ((unsigned char)s[lead - 1] & 0xc0) == 0x80)
        lead--;
    if (lead == 0)
        return;
    uint32_t cp;
    const char *seq = s + lead - 1;
    size_t rest = n - lead + 1;
    if (san_utf8_decode(seq, rest, &cp) < rest ||
        (cp == SAN_REPLACEMENT && (rest != 3 || memcmp(seq, "\xef\xbf\xbd", 3))))
        s[lead - 1] = 0;
}

/* The Status detail: causes for 422, else the message. */
static void status_detail(const khttp *c, const doc_node *st, strbuf *sb)
{
    const doc_node *causes = doc_getv(st, "details", "causes", NULL);
    if (doc_is_seq(causes) && causes->len) {
        for (size_t i = 0; i < causes->len && i < 8; i++) {
            const char *field = doc_get_str(causes->items[i], "field");
            const char *msg = doc_get_str(causes->items[i], "message");
            strbuf_puts(sb, i ? "; " : "");
            if (field && *field) {
                put_clean(c, sb, field, 200);
                strbuf_puts(sb, ": ");
            }
            put_clean(c, sb, msg ? msg : doc_get_str(causes->items[i], "reason"), 300);
        }
        if (causes->len > 8)
            strbuf_printf(sb, "; and %zu more", causes->len - 8);
        return;
    }
    put_clean(c, sb, doc_get_str(st, "message"), 400);
}

static void body_detail(const khttp *c, const char *body, size_t len, strbuf *sb)
{
    if (!body || !len)
        return;
    doc_list l;
    doc_list_init(&l);
    size_t before = sb->len;
    if (!doc_parse_json(body, len, "<status>", &l, NULL) && l.len == 1) {
        const doc_node *st = l.docs[0];
        const char *kind = doc_get_str(st, "kind");
        if (kind && !strcmp(kind, "Status"))
            status_detail(c, st, sb);
    }
    doc_list_free(&l);
    if (sb->len == before) { /* not a Status: the first line of the body */
        size_t n = 0;
        while (n < len && n < 4096 && body[n] != '\n')
            n++;
        char *line = strndup(body, n);
        if (line)
            put_clean(c, sb, line, 300);
        free(line);
    }
}

void khttp_scrub(const khttp *c, mp_err *err)
{
    if (!err)
        return;
    char *s = khttp_scrub_text(c, err->msg);
    if (s) {
        snprintf(err->msg, sizeof err->msg, "%s", s);
        free(s);
    } else { /* out of memory: say nothing rather than risk the secret */
        snprintf(err->msg, sizeof err->msg, "request failed (message withheld: out of memory)");
    }
}

int khttp_fail(khttp *c, const kreq *rq, long status, const char *body, size_t len,
               const char *curl_msg, mp_err *err)
{
    strbuf sb;
    strbuf_init(&sb);
    describe(rq, &sb);
    if (!status) {
        strbuf_printf(&sb, ": cannot reach %s: ", c->conn->server);
        put_clean(c, &sb, curl_msg && *curl_msg ? curl_msg : "network error", 300);
    } else {
        strbuf_printf(&sb, ": %s (%ld)", reason_of(status), status);
        size_t before = sb.len;
        strbuf_puts(&sb, ": ");
        size_t mark = sb.len;
        if (status == 401)
            strbuf_printf(&sb, "the server rejected the credentials of context \"%s\"",
                          c->conn->context);
        else
            body_detail(c, body, len, &sb);
        if (sb.len == mark) { /* nothing to add */
            sb.len = before;
            sb.buf[before] = 0;
        }
        if (status == 404 && rq->resource && !rq->name && strchr(rq->resource, '.'))
            strbuf_printf(&sb, " (does the server serve %s?)", rq->resource);
    }
    mp_errf(err, "%s", sb.buf ? sb.buf : "request failed");
    strbuf_free(&sb);
    khttp_scrub(c, err);
    if (err)
        drop_partial_char(err->msg);
    return -1;
}

/* ---- blocking requests ---- */

typedef struct {
    CURL *h;
    const kreq *rq;
    strbuf body;
    size_t sunk;
    bool sink_failed;
    bool too_big; /* a buffered answer passed KHTTP_BODY_MAX */
    long retry_after;
} xfer;

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    xfer *x = ud;
    size_t n = size * nmemb;
    long code = 0;
    curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &code);
    if (code >= 200 && code < 300 && x->rq->sink) {
        size_t r = x->rq->sink(data, n, x->rq->sink_ud);
        x->sunk += n;
        if (r != n)
            x->sink_failed = true;
        return r;
    }
    bool ok = code >= 200 && code < 300;
    if (x->body.len + n > (ok ? KHTTP_BODY_MAX : ERR_BODY_MAX)) {
        x->too_big = ok;
        return ok ? 0 : n; /* an error text that long is noise: keep its start */
    }
    strbuf_append(&x->body, data, n);
    return x->body.oom ? 0 : n;
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *ud)
{
    xfer *x = ud;
    size_t n = size * nmemb;
    if (n >= 5 && !strncmp(line, "HTTP/", 5))
        x->retry_after = -1; /* a new response (after 100-continue or auth) */
    long ra = khttp_retry_after(line, n);
    if (ra >= 0)
        x->retry_after = ra;
    return n;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) && errno == EINTR)
        ;
}

static bool not_sent(CURLcode rc)
{
    return rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
           rc == CURLE_COULDNT_RESOLVE_PROXY;
}

int khttp_do(khttp *c, const kreq *rq, kresp *resp, mp_err *err)
{
    bool idempotent = !rq->method || !strcmp(rq->method, "GET");
    bool reauthed = false;
    kresp local = {0};
    if (!resp)
        resp = &local;
    memset(resp, 0, sizeof *resp);
    for (int attempt = 1;; attempt++) {
        xfer x = {.h = c->h, .rq = rq, .retry_after = -1};
        strbuf_init(&x.body);
        struct curl_slist *headers = NULL;
        curl_easy_reset(c->h);
        curl_easy_setopt(c->h, CURLOPT_SHARE, c->share); /* the connections http_bg.c uses */
        if (khttp_prepare(c, c->h, rq, NULL, &headers, err)) {
            strbuf_free(&x.body);
            return -1;
        }
        c->errbuf[0] = 0;
        curl_easy_setopt(c->h, CURLOPT_ERRORBUFFER, c->errbuf);
        curl_easy_setopt(c->h, CURLOPT_TIMEOUT_MS, c->o.timeout_ms);
        curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c->h, CURLOPT_WRITEDATA, &x);
        curl_easy_setopt(c->h, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(c->h, CURLOPT_HEADERDATA, &x);
        CURLcode rc = curl_easy_perform(c->h);
        khttp_free_headers(headers);
        curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, NULL);
        long status = 0;
        curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &status);
        kresp_free(resp);
        resp->status = rc == CURLE_OK ? status : 0;
        c->last_status = resp->status;
        resp->attempts = attempt;
        resp->body = strbuf_detach(&x.body, &resp->len);
        if (rc == CURLE_OK && status >= 200 && status < 300) {
            kresp_free(&local);
            return 0;
        }
        long delay = khttp_backoff_ms(c, attempt);
        bool retry = false;
        if (x.too_big) {
            char what[300];
            strbuf d;
            strbuf_init(&d);
            describe(rq, &d);
            snprintf(what, sizeof what, "%s", d.buf ? d.buf : "request");
            strbuf_free(&d);
            mp_errf(err, "%s: the answer is larger than %u MiB once decompressed: refused", what,
                    KHTTP_BODY_MAX >> 20);
            khttp_scrub(c, err);
            kresp_free(resp);
            kresp_free(&local);
            return -1;
        }
        if (x.sunk) {
            retry = false; /* part of the answer was consumed: the caller decides */
        } else if (rc != CURLE_OK) {
            retry = idempotent || not_sent(rc);
        } else if (status == 401 && !reauthed && khttp_auth_expired(c)) {
            reauthed = true;
            retry = true;
            delay = 0;
        } else if (status == 429) {
            retry = true;
            if (x.retry_after >= 0)
                delay = x.retry_after * 1000 < c->o.backoff_max_ms ? x.retry_after * 1000
                                                                   : c->o.backoff_max_ms;
        } else if (status >= 500) {
            retry = idempotent;
        }
        if (!retry || attempt >= c->o.max_attempts) {
            if (x.sink_failed)
                mp_errf(err, "response to %s %s could not be processed", rq->method, rq->path);
            else
                khttp_fail(c, rq, resp->status, resp->body, resp->len, c->errbuf, err);
            if (retry && attempt > 1 && err) {
                size_t l = strlen(err->msg);
                snprintf(err->msg + l, sizeof err->msg - l, " (gave up after %d attempts)",
                         attempt);
            }
            kresp_free(&local);
            return -1;
        }
        if (delay)
            sleep_ms(delay);
    }
}

const char *khttp_curl_version(char *buf, size_t n)
{
    const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
    snprintf(buf, n, "%s%s%s", v->version, v->ssl_version ? " " : "",
             v->ssl_version ? v->ssl_version : "");
    return buf;
}
