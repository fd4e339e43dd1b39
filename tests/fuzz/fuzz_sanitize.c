/* fuzz_sanitize.c - the display sanitizer. What san_clean returns is clean
 * (no C0/C1/DEL/bidi control, no ESC, valid UTF-8), cleaning it again
 * changes nothing, and cutting to a width never exceeds it nor splits a
 * character. The first input byte picks the flags and the width. */
#include "fuzz.h"
#include "model/sanitize.h"

static void valid_and_clean(const char *s, size_t n, unsigned flags)
{
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = san_utf8_decode(s + i, n - i, &cp);
        FUZZ_ASSERT(cp != SAN_REPLACEMENT || (k == 3 && !memcmp(s + i, "\xef\xbf\xbd", 3)),
                    "invalid UTF-8 at byte %zu", i);
        bool allowed =
            (cp == '\t' && (flags & SAN_KEEP_TAB)) || (cp == '\n' && (flags & SAN_KEEP_NEWLINE));
        FUZZ_ASSERT(allowed || !san_cp_is_control(cp), "control U+%04X at byte %zu", (unsigned)cp,
                    i);
        i += k;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned flags = data[0] & 3;
    size_t cols = data[0] >> 2; /* 0-63 */
    const char *s = (const char *)data + 1;
    size_t n = size - 1;

    char *c1 = san_clean(s, n, flags);
    FUZZ_ASSERT(c1, "out of memory");
    size_t l1 = strlen(c1);
    valid_and_clean(c1, l1, flags);
    FUZZ_ASSERT(san_is_clean(c1, l1, flags), "san_is_clean disagrees with san_clean");
    char *c2 = san_clean(c1, l1, flags);
    FUZZ_ASSERT(!strcmp(c1, c2), "not idempotent");
    FUZZ_ASSERT(san_is_clean(s, n, flags) == (l1 == n && !memcmp(c1, s, n)),
                "san_is_clean says %d for input the cleaner %s", san_is_clean(s, n, flags),
                l1 == n && !memcmp(c1, s, n) ? "keeps" : "changes");

    size_t w;
    size_t fit = san_prefix_fit(c1, l1, cols, &w);
    FUZZ_ASSERT(fit <= l1 && w <= cols && san_width(c1, fit) == w, "prefix_fit %zu cols", w);
    char *t = san_truncate(c1, l1, cols);
    FUZZ_ASSERT(t && san_widths(t) <= cols, "truncate: %zu > %zu cols", san_widths(t), cols);
    valid_and_clean(t, strlen(t), flags);
    if (cols > 0 && san_width(c1, l1) <= cols) /* cols 0 gives "" (sanitize.h) */
        FUZZ_ASSERT(!strcmp(t, c1), "a text that fits was cut");

    char out[64];
    size_t cap = 4 + (data[0] % 60);
    char *z = fuzz_cstr(data + 1, n); /* san_fit reads up to a NUL */
    size_t used = san_fit(z, cols, out, cap);
    free(z);
    FUZZ_ASSERT(used <= cols && strlen(out) < cap && san_widths(out) == used,
                "fit: %zu cols used of %zu, %zu bytes in %zu", used, cols, strlen(out), cap);
    valid_and_clean(out, strlen(out), 0);

    free(t);
    free(c2);
    free(c1);
    return 0;
}
