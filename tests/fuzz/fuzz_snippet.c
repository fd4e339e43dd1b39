/* fuzz_snippet.c - the nginx snippet translator (configuration-snippet,
 * server-snippet). Whatever the text: it returns, the rest of what it did
 * not translate is one line, a directive that restricts access is named
 * only when the text holds such a word, and a second run on the same text
 * gives the same result (no state left behind). */
#include "fuzz.h"
#include "model/doc.h"
#include "model/snippet.h"

static const char *const ACCESS_WORDS[] = {
    "allow",       "deny",  "auth", "satisfy", "limit_except", "_by_lua", "ssl_verify_client",
    "modsecurity", "return"};

/* The words read as the translator reads them: a backslash escapes the next
 * character and quotes join what they touch ("r\eturn 403" and "den"y are
 * taken for return and deny: closing the route is the safe reading of what
 * nginx would refuse to load). */
static bool mentions_access(const char *s)
{
    char *t = strdup(s), *o = t;
    for (const char *p = s; *p; p++)
        if (*p != '\\' && *p != '"' && *p != '\'')
            *o++ = *p;
    *o = 0;
    bool found = false;
    for (size_t i = 0; i < sizeof ACCESS_WORDS / sizeof *ACCESS_WORDS && !found; i++)
        found = strstr(t, ACCESS_WORDS[i]) != NULL;
    free(t);
    return found;
}

static void hdr_free(hdr_mods *h)
{
    doc_free(h->req_set);
    doc_free(h->req_add);
    doc_free(h->req_remove);
    doc_free(h->resp_set);
    doc_free(h->resp_add);
    doc_free(h->resp_remove);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 8192)
        return 0;
    char *s = fuzz_cstr(data, size);
    hdr_mods h1 = {0}, h2 = {0};
    snippet_result r1, r2;
    FUZZ_ASSERT(snippet_translate(s, &h1, &r1) == 0, "returns 0");
    FUZZ_ASSERT(snippet_translate(s, &h2, &r2) == 0, "returns 0 again");
    const char *rest = r1.rest.buf ? r1.rest.buf : "";
    FUZZ_ASSERT(!strchr(rest, '\n'), "the rest is one line: %s", rest);
    FUZZ_ASSERT(memchr(r1.access, 0, sizeof r1.access), "access is a string");
    FUZZ_ASSERT(!r1.access[0] || mentions_access(s),
                "access \"%s\" from a text without such a word", r1.access);
    FUZZ_ASSERT(r1.untranslated || !*rest, "a rest without untranslated statements: %s", rest);
    FUZZ_ASSERT(r1.translated == r2.translated && r1.ignored == r2.ignored &&
                    r1.untranslated == r2.untranslated && !strcmp(r1.access, r2.access) &&
                    !strcmp(rest, r2.rest.buf ? r2.rest.buf : ""),
                "a second run differs");
    FUZZ_ASSERT(!r1.translated == !(h1.req_set || h1.req_add || h1.req_remove || h1.resp_set ||
                                    h1.resp_add || h1.resp_remove),
                "headers exactly when something translated (%zu)", r1.translated);
    snippet_result_free(&r1);
    snippet_result_free(&r2);
    hdr_free(&h1);
    hdr_free(&h2);
    free(s);
    return 0;
}
