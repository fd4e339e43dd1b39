/*
 * sanitize.c - strip terminal control from untrusted text; measure columns.
 *
 * One iterator (next_char) walks the input and yields only displayable code
 * points; cleaning, the "is it clean" check and fit-to-width all share it,
 * so what gets measured is exactly what gets drawn.
 */
#include "model/sanitize.h"

#include <stdlib.h>
#include <string.h>

#include "model/simdscan.h"
#include "model/width_table.h"

/* Bytes 0x80-0x9f that introduce a sequence when a terminal reads them as
 * 8-bit C1 controls (raw, or UTF-8 encoded as U+0080-U+009F). */
enum { C1_DCS = 0x90, C1_SOS = 0x98, C1_CSI = 0x9b, C1_ST = 0x9c, C1_OSC = 0x9d };

static bool is_cont(unsigned char c)
{
    return (c & 0xc0) == 0x80;
}

size_t san_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned char c = u[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t need;
    uint32_t v;
    unsigned char lo = 0x80, hi = 0xbf; /* allowed range of the 2nd byte */
    if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
        v = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        v = c & 0x0f;
        if (c == 0xe0)
            lo = 0xa0; /* overlong */
        else if (c == 0xed)
            hi = 0x9f; /* surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        v = c & 0x07;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f; /* > U+10FFFF */
    } else {
        *cp = SAN_REPLACEMENT;
        return 1;
    }
    /* Consume the maximal valid subpart, so one bad sequence is one U+FFFD. */
    size_t i = 1;
    for (; i <= need; i++) {
        if (i >= len)
            break;
        unsigned char b = u[i];
        if (i == 1 ? (b < lo || b > hi) : !is_cont(b))
            break;
        v = (v << 6) | (b & 0x3f);
    }
    if (i <= need) {
        *cp = SAN_REPLACEMENT;
        return i;
    }
    *cp = v;
    return need + 1;
}

size_t san_utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xc0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp >= 0xd800 && cp <= 0xdfff)
        cp = SAN_REPLACEMENT;
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xe0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (unsigned char)(0x80 | (cp & 0x3f));
        return 3;
    }
    if (cp > 0x10ffff)
        return san_utf8_encode(SAN_REPLACEMENT, out);
    o[0] = (unsigned char)(0xf0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (unsigned char)(0x80 | (cp & 0x3f));
    return 4;
}

static bool in_ranges(uint32_t cp, const san_range *r, size_t n)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < r[mid].lo)
            hi = mid;
        else if (cp > r[mid].hi)
            lo = mid + 1;
        else
            return true;
    }
    return false;
}

int san_cp_width(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
        return 0;
    if (cp < 0x300)
        return 1;
    if (in_ranges(cp, san_zero_width, sizeof san_zero_width / sizeof san_zero_width[0]))
        return 0;
    if (in_ranges(cp, san_double_width, sizeof san_double_width / sizeof san_double_width[0]))
        return 2;
    return 1;
}

static bool is_bidi_control(uint32_t cp)
{
    return cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

bool san_cp_is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || is_bidi_control(cp);
}

/* The C1 control at s[i], or -1; *n gets its length in bytes. Encoded
 * U+0080-U+009F are all C1. Of the raw bytes 0x80-0x9f (invalid UTF-8,
 * usually a stray continuation byte of mis-encoded text) only 0x9b, the
 * 8-bit CSI, counts: the others become U+FFFD rather than open a string
 * that would swallow the rest of the text. */
static int c1_at(const unsigned char *u, size_t len, size_t i, size_t *n)
{
    if (u[i] == C1_CSI) {
        *n = 1;
        return u[i];
    }
    if (u[i] == 0xc2 && i + 1 < len && u[i + 1] >= 0x80 && u[i + 1] <= 0x9f) {
        *n = 2;
        return u[i + 1];
    }
    return -1;
}

/* Skips a control string (OSC/DCS/SOS/PM/APC body) starting at i; it ends
 * at BEL, ESC \ or ST. Unterminated: everything to the end goes. */
static size_t skip_string(const unsigned char *u, size_t len, size_t i)
{
    while (i < len) {
        size_t n;
        if (u[i] == 0x07)
            return i + 1;
        if (u[i] == 0x1b)
            return (i + 1 < len && u[i + 1] == '\\') ? i + 2 : i + 1;
        if (c1_at(u, len, i, &n) == C1_ST)
            return i + n;
        i++;
    }
    return len;
}

/* Skips CSI parameters and intermediates up to the final byte. A byte that
 * cannot be part of a CSI ends it (and is looked at again by the caller). */
static size_t skip_csi(const unsigned char *u, size_t len, size_t i)
{
    while (i < len && u[i] >= 0x20 && u[i] <= 0x3f)
        i++;
    while (i < len && u[i] >= 0x20 && u[i] <= 0x2f)
        i++;
    if (i < len && u[i] >= 0x40 && u[i] <= 0x7e)
        i++;
    return i;
}

/* Skips what follows an ESC (at i, ESC already consumed). */
static size_t skip_escape(const unsigned char *u, size_t len, size_t i)
{
    if (i >= len)
        return i;
    switch (u[i]) {
    case '[':
        return skip_csi(u, len, i + 1);
    case ']':
    case 'P':
    case 'X':
    case '^':
    case '_':
        return skip_string(u, len, i + 1);
    default:
        break;
    }
    while (i < len && u[i] >= 0x20 && u[i] <= 0x2f) /* ESC ( B and friends */
        i++;
    if (i < len && u[i] >= 0x30 && u[i] <= 0x7e)
        i++;
    return i;
}

/* Skips the sequence a C1 control introduces (c1 already consumed). */
static size_t skip_c1(int c1, const unsigned char *u, size_t len, size_t i)
{
    if (c1 == C1_CSI)
        return skip_csi(u, len, i);
    if (c1 == C1_OSC || c1 == C1_DCS || c1 == C1_SOS || c1 == 0x9e || c1 == 0x9f)
        return skip_string(u, len, i);
    return i;
}

/* Next displayable code point at or after *pos, or false at the end.
 * *start gets where its bytes begin (for the is-clean check). */
static bool next_char(const char *s, size_t len, size_t *pos, unsigned flags, uint32_t *cp,
                      size_t *start)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = *pos;
    while (i < len) {
        unsigned char c = u[i];
        size_t n;
        int c1;
        if (c == 0x1b) {
            i = skip_escape(u, len, i + 1);
            continue;
        }
        if ((c1 = c1_at(u, len, i, &n)) >= 0) {
            i = skip_c1(c1, u, len, i + n);
            continue;
        }
        if (c == '\t' || c == '\n') {
            unsigned keep = c == '\t' ? SAN_KEEP_TAB : SAN_KEEP_NEWLINE;
            *start = i;
            *cp = (flags & keep) ? c : ' ';
            *pos = i + 1;
            return true;
        }
        if (c < 0x20 || c == 0x7f) {
            i++;
            continue;
        }
        *start = i;
        n = san_utf8_decode(s + i, len - i, cp);
        i += n;
        if (is_bidi_control(*cp))
            continue;
        *pos = i;
        return true;
    }
    *pos = len;
    return false;
}

bool san_is_clean(const char *s, size_t len, unsigned flags)
{
    size_t pos = 0, start, expect = 0;
    uint32_t cp;
    char enc[4];
    while (next_char(s, len, &pos, flags, &cp, &start)) {
        size_t n = san_utf8_encode(cp, enc);
        if (start != expect || pos - start != n || memcmp(s + start, enc, n) != 0)
            return false;
        expect = pos;
    }
    return expect == len;
}

/* Printable ASCII (and the whitespace flags keep) passes unchanged. */
static bool plain_ascii(const char *s, size_t len, unsigned flags)
{
    size_t run = ss_unprintable(s, 0, len, 1);
    if (run == len)
        return true;
    s += run, len -= run;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f)
            continue;
        if ((c == '\n' && (flags & SAN_KEEP_NEWLINE)) || (c == '\t' && (flags & SAN_KEEP_TAB)))
            continue;
        return false;
    }
    return true;
}

bool san_is_plain_ascii(const char *s, size_t len)
{
    return ss_unprintable(s, 0, len, 1) == len;
}

char *san_clean(const char *s, size_t len, unsigned flags)
{
    if (plain_ascii(s, len, flags)) { /* the common case: YAML of ASCII names */
        char *out = malloc(len + 1);
        if (out) {
            memcpy(out, s, len);
            out[len] = '\0';
        }
        return out;
    }
    /* Worst case: every byte becomes U+FFFD (3 bytes). */
    char *out = malloc(len * 3 + 1);
    if (!out)
        return NULL;
    size_t pos = 0, start, o = 0;
    uint32_t cp;
    while (next_char(s, len, &pos, flags, &cp, &start))
        o += san_utf8_encode(cp, out + o);
    out[o] = '\0';
    return out;
}

char *san_cleans(const char *s, unsigned flags)
{
    return san_clean(s ? s : "", s ? strlen(s) : 0, flags);
}

size_t san_width(const char *s, size_t len)
{
    size_t w = 0, i = 0;
    uint32_t cp;
    while (i < len) {
        i += san_utf8_decode(s + i, len - i, &cp);
        w += (size_t)san_cp_width(cp);
    }
    return w;
}

size_t san_widths(const char *s)
{
    return s ? san_width(s, strlen(s)) : 0;
}

size_t san_prefix_fit(const char *s, size_t len, size_t cols, size_t *width)
{
    size_t w = 0, i = 0;
    uint32_t cp;
    while (i < len) {
        size_t n = san_utf8_decode(s + i, len - i, &cp);
        size_t cw = (size_t)san_cp_width(cp);
        if (w + cw > cols)
            break;
        w += cw;
        i += n;
    }
    if (width)
        *width = w;
    return i;
}

/* Writes the characters of s (cleaned when clean) that fit in cols columns
 * and cap bytes (NUL included) into out; when something is lost the text
 * is cut back to leave one column and 3 bytes for the ellipsis. Returns the
 * columns used. */
static size_t fit_core(const char *s, size_t len, bool clean, size_t cols, char *out, size_t cap)
{
    if (cap == 0)
        return 0;
    out[0] = '\0';
    if (cols == 0)
        return 0;
    size_t pos = 0, start, o = 0, w = 0;
    size_t mark_o = 0, mark_w = 0; /* last cut point leaving room for "…" */
    bool lost = false;
    uint32_t cp;
    char enc[4];
    for (;;) {
        if (clean) {
            if (!next_char(s, len, &pos, 0, &cp, &start))
                break;
        } else {
            if (pos >= len)
                break;
            pos += san_utf8_decode(s + pos, len - pos, &cp);
        }
        size_t n = san_utf8_encode(cp, enc);
        size_t cw = (size_t)san_cp_width(cp);
        if (w + cw > cols || o + n + 1 > cap) {
            lost = true;
            break;
        }
        memcpy(out + o, enc, n);
        o += n;
        w += cw;
        if (w + 1 <= cols && o + sizeof SAN_ELLIPSIS <= cap) {
            mark_o = o;
            mark_w = w;
        }
    }
    if (lost && cap >= sizeof SAN_ELLIPSIS) {
        o = mark_o;
        w = mark_w;
        if (o + sizeof SAN_ELLIPSIS <= cap) {
            memcpy(out + o, SAN_ELLIPSIS, sizeof SAN_ELLIPSIS - 1);
            o += sizeof SAN_ELLIPSIS - 1;
            w++;
        }
    }
    out[o] = '\0';
    return w;
}

char *san_truncate(const char *s, size_t len, size_t cols)
{
    size_t cap = len * 3 + sizeof SAN_ELLIPSIS;
    char *out = malloc(cap);
    if (out)
        fit_core(s, len, false, cols, out, cap);
    return out;
}

size_t san_fit(const char *s, size_t cols, char *out, size_t cap)
{
    if (!s)
        s = "";
    return fit_core(s, strlen(s), true, cols, out, cap);
}
