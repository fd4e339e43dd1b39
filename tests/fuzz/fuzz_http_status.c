/* fuzz_http_status.c - the one-line error made of a server's non-2xx answer
 * (a Status object, or anything a server sends). The first two bytes pick
 * the status code, the rest is the body. Properties: one line, shorter
 * than MP_ERR_MAX, nothing a terminal would act on (no control or bidi
 * character), and no credential of the connection in it, whole or as a
 * 12-byte piece, wherever the server put it. */
#define _GNU_SOURCE /* memmem */
#include <stdbool.h>

#include "fuzz.h"
#include "api/http.h"
#include "model/sanitize.h"

#define TOKEN    "eyJhbGciOiJSUzI1NiJ9.fuzz-token-0123456789abcdefghijklmnopqrstuvwxyz"
#define PASSWORD "pw12345"

static khttp *conn(void)
{
    static khttp *h;
    if (h)
        return h;
    kube_conn *kc = calloc(1, sizeof *kc);
    kc->server = strdup("https://127.0.0.1:1");
    kc->context = strdup("fuzz");
    kc->source = strdup("fuzz");
    kc->ns = strdup("default");
    kc->token = strdup(TOKEN);
    kc->username = strdup("alice");
    kc->password = strdup(PASSWORD);
    mp_err err;
    h = khttp_new(kc, &(khttp_opts){.max_attempts = 1}, &err);
    FUZZ_ASSERT(h, "%s", err.msg);
    return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    long status = 100 + (data[0] << 8 | data[1]) % 500;
    khttp *h = conn();
    static const kreq rq = {.method = "GET",
                            .path = "/apis/networking.k8s.io/v1/namespaces/ns-a/ingresses",
                            .verb = "list",
                            .resource = "ingresses.networking.k8s.io",
                            .ns = "ns-a"};
    mp_err err;
    char *body = fuzz_cstr(data + 2, size - 2); /* the exact bytes, NUL after them */
    FUZZ_ASSERT(khttp_fail(h, &rq, status, body, size - 2, NULL, &err) == -1, "returns -1");
    size_t n = strnlen(err.msg, sizeof err.msg);
    FUZZ_ASSERT(n < MP_ERR_MAX && n > 0, "length %zu", n);
    FUZZ_ASSERT(!strchr(err.msg, '\n') && san_is_clean(err.msg, n, 0), "not one clean line: %s",
                err.msg);
    FUZZ_ASSERT(!strstr(err.msg, PASSWORD) && !strstr(err.msg, TOKEN), "a secret: %s", err.msg);
    /* the scrubber alone, on the body as text */
    char *s = khttp_scrub_text(h, body);
    FUZZ_ASSERT(s && !strstr(s, PASSWORD) && !strstr(s, TOKEN), "scrub_text left a secret");
    /* A piece of the token in the message must be one the server wrote
     * itself, not the start of a whole token cut at the message's end
     * (scrubbing comes before the cut). JSON escapes could spell a piece
     * the raw body does not show: those bodies skip this check. */
    char *ref = san_cleans(s, 0);
    const char *tok = TOKEN;
    /* the cut's "..." is not the server's: "iJSUzI1NiJ9" + "." spells a
     * piece of the token that no one wrote */
    size_t m = n >= 3 && !memcmp(err.msg + n - 3, "...", 3) ? n - 3 : n;
    if (!memchr(body, '\\', size - 2))
        for (size_t i = 0; i + 12 <= strlen(tok); i++)
            FUZZ_ASSERT(!memmem(err.msg, m, tok + i, 12) || memmem(ref, strlen(ref), tok + i, 12),
                        "a piece of the token: %s", err.msg);
    free(ref);
    free(s);
    free(body);
    return 0;
}
