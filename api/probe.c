/*
 * probe.c - one GET with a Host header over plain HTTP (see probe.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "api/probe.h"

static size_t drop(char *p, size_t sz, size_t n, void *ud)
{
    (void)p, (void)ud;
    return sz * n;
}

static size_t header(char *p, size_t sz, size_t n, void *ud)
{
    probe_answer *a = ud;
    size_t len = sz * n;
    if (len > 9 && !strncasecmp(p, "Location:", 9)) {
        const char *v = p + 9;
        size_t l = len - 9;
        while (l && (*v == ' ' || *v == '\t'))
            v++, l--;
        while (l && isspace((unsigned char)v[l - 1]))
            l--;
        snprintf(a->location, sizeof a->location, "%.*s", (int)l, v);
    }
    return len;
}

int probe_get(const char *addr, const char *host, const char *path, long timeout_ms,
              probe_answer *out, mp_err *err)
{
    memset(out, 0, sizeof *out);
    char url[2048], hosthdr[320];
    snprintf(url, sizeof url, "http://%s%s", addr, path[0] == '/' ? path : "/");
    snprintf(hosthdr, sizeof hosthdr, "Host: %s", host);
    CURL *h = curl_easy_init();
    struct curl_slist *hdrs = h ? curl_slist_append(NULL, hosthdr) : NULL;
    if (!h || !hdrs) {
        curl_slist_free_all(hdrs);
        curl_easy_cleanup(h);
        return mp_errf(err, "out of memory");
    }
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 10000L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http");
    curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L); /* the path as verify wrote it */
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, drop);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, out);
    CURLcode rc = curl_easy_perform(h);
    if (rc == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
    else
        mp_errf(err, "%s (Host %s): %s", addr, host, curl_easy_strerror(rc));
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(h);
    return rc == CURLE_OK ? 0 : -1;
}

void probe_text(const probe_answer *a, char *buf, size_t n)
{
    if (*a->location)
        snprintf(buf, n, "%ld %s", a->status, a->location);
    else
        snprintf(buf, n, "%ld", a->status);
}
