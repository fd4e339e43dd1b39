/* fuzz_liststream.c - the list/watch stream splitter. The same bytes fed
 * whole, one byte at a time, and in chunks the input's first byte sizes
 * give the same items and the same verdict: how the network cuts a body
 * never changes what is read, and the item count is what was handed out. */
#include "fuzz.h"
#include "api/liststream.h"
#include "model/strbuf.h"

typedef struct {
    strbuf items; /* each item, then a NUL */
    size_t n;
} seen;

static int on_item(const char *json, size_t len, void *ud)
{
    seen *s = ud;
    strbuf_append(&s->items, json, len);
    strbuf_putc(&s->items, 0);
    s->n++;
    return 0;
}

static int run(ls_mode mode, const char *d, size_t n, size_t chunk, seen *s, char *meta,
               size_t metacap)
{
    strbuf_init(&s->items);
    s->n = 0;
    liststream *ls = ls_new(mode, 1 << 20, on_item, s);
    mp_err err;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i += chunk)
        rc = ls_feed(ls, d + i, n - i < chunk ? n - i : chunk, &err);
    if (!rc)
        rc = ls_finish(ls, &err);
    size_t ml = 0;
    const char *m = ls_metadata(ls, &ml);
    snprintf(meta, metacap, "%.*s", (int)(m ? ml : 0), m ? m : "");
    FUZZ_ASSERT(ls_count(ls) == s->n, "count %zu, items %zu", ls_count(ls), s->n);
    ls_free(ls);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t chunk = 1 + data[0] % 17;
    const char *d = (const char *)data + 1;
    size_t n = size - 1;
    for (int mode = 0; mode <= 1; mode++) {
        seen whole, bytes, chunks;
        char m1[4096], m2[4096], m3[4096];
        int r1 = run((ls_mode)mode, d, n, n ? n : 1, &whole, m1, sizeof m1);
        int r2 = run((ls_mode)mode, d, n, 1, &bytes, m2, sizeof m2);
        int r3 = run((ls_mode)mode, d, n, chunk, &chunks, m3, sizeof m3);
        FUZZ_ASSERT(r1 == r2 && r1 == r3, "mode %d: verdicts %d %d %d", mode, r1, r2, r3);
        FUZZ_ASSERT(whole.n == bytes.n && whole.n == chunks.n, "mode %d: items %zu %zu %zu", mode,
                    whole.n, bytes.n, chunks.n);
        FUZZ_ASSERT(
            whole.items.len == bytes.items.len && whole.items.len == chunks.items.len &&
                (!whole.items.len || (!memcmp(whole.items.buf, bytes.items.buf, whole.items.len) &&
                                      !memcmp(whole.items.buf, chunks.items.buf, whole.items.len))),
            "mode %d: items differ", mode);
        /* after an error the caller drops the metadata (a partial capture) */
        FUZZ_ASSERT(r1 || (!strcmp(m1, m2) && !strcmp(m1, m3)), "mode %d: metadata differs", mode);
        strbuf_free(&whole.items);
        strbuf_free(&bytes.items);
        strbuf_free(&chunks.items);
    }
    return 0;
}
