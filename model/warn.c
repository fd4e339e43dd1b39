/* warn.c - structured conversion warnings (see warn.h). */
#include "model/warn.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/simdscan.h"
#include "model/strbuf.h"

void mp_warnings_init(mp_warnings *w)
{
    memset(w, 0, sizeof *w);
}

/* The findings' text: blocks of WARN_BLK bytes (a longer text gets a block
 * of its own, behind the one being filled). */
struct mp_warn_blk {
    struct mp_warn_blk *next;
    size_t used, size;
    char buf[];
};

enum { WARN_BLK = 64 * 1024 - 64 };

void mp_warnings_free(mp_warnings *w)
{
    while (w->text) {
        struct mp_warn_blk *next = w->text->next;
        free(w->text);
        w->text = next;
    }
    free(w->items);
    memset(w, 0, sizeof *w);
}

/* Room for n bytes of text in w's blocks; NULL when out of memory. */
static char *text_alloc(mp_warnings *w, size_t n)
{
    struct mp_warn_blk *b = w->text;
    if (b && b->size - b->used >= n) {
        char *p = b->buf + b->used;
        b->used += n;
        return p;
    }
    size_t size = n > WARN_BLK ? n : WARN_BLK;
    struct mp_warn_blk *nb = malloc(sizeof *nb + size);
    if (!nb)
        return NULL;
    nb->used = n;
    nb->size = size;
    if (b && size > WARN_BLK) { /* the one being filled stays first */
        nb->next = b->next;
        b->next = nb;
    } else {
        nb->next = b;
        w->text = nb;
    }
    return nb->buf;
}

/* The end of s when it lies in b's used bytes at or after from, else from. */
static const char *end_in(const struct mp_warn_blk *b, const char *from, const char *s)
{
    if (!s || s < from || s >= b->buf + b->used)
        return from;
    return s + strlen(s) + 1;
}

/* An entry's text given back when it is the last text of the block being
 * filled (a step done again makes the same findings again). */
static void text_release(mp_warnings *w, const mp_warning *e)
{
    struct mp_warn_blk *b = w->text;
    const char *o = e->object;
    if (!b || !o || o < b->buf || o >= b->buf + b->used)
        return;
    const char *end = end_in(b, o, o);
    end = end_in(b, end, e->field);
    end = end_in(b, end, e->message);
    if (end == b->buf + b->used)
        b->used = (size_t)(o - b->buf);
}

void mp_warnings_truncate(mp_warnings *w, size_t len)
{
    while (w->len > len) {
        const mp_warning *e = &w->items[--w->len];
        /* an object several entries share (mp_warn_about_each) goes with
         * the first of them */
        if (!w->len || w->items[w->len - 1].object != e->object)
            text_release(w, e);
    }
}

/* The length of the conversion after a '%' when it is one mini_vformat
 * writes (%s %d %i %u %c %% %ld %li %lu %zu: no flag, width or
 * precision), else 0. */
static size_t simple_spec(const char *p)
{
    switch (p[0]) {
    case 's':
    case 'd':
    case 'i':
    case 'u':
    case 'c':
    case '%':
        return 1;
    case 'l':
        return p[1] == 'd' || p[1] == 'i' || p[1] == 'u' ? 2 : 0;
    case 'z':
        return p[1] == 'u' ? 2 : 0;
    default:
        return 0;
    }
}

/* Appends n bytes at *o while they fit in cap - 1; counts them all. */
static void out_n(char *buf, size_t cap, size_t *o, const char *s, size_t n)
{
    if (*o + 1 < cap)
        memcpy(buf + *o, s, *o + n + 1 <= cap ? n : cap - 1 - *o);
    *o += n;
}

static void out_int(char *buf, size_t cap, size_t *o, bool neg, unsigned long long v)
{
    char d[24];
    d[0] = '-';
    size_t n = str_utoa(d + neg, v) + neg;
    out_n(buf, cap, o, d, n);
}

/* vsnprintf for formats of simple_spec's conversions only, without its
 * parser (a finding's message is formatted for each of 50,000 findings);
 * SIZE_MAX at another conversion (ap is then spent: vsnprintf takes a
 * copy). */
static size_t mini_vformat(char *buf, size_t cap, const char *fmt, va_list ap)
{
    size_t o = 0;
    for (const char *p = fmt; *p;) {
        const char *q = strchr(p, '%');
        size_t lit = q ? (size_t)(q - p) : strlen(p);
        out_n(buf, cap, &o, p, lit);
        if (!q)
            break;
        char c = q[1], c2 = q[2];
        size_t spec = simple_spec(q + 1);
        if (!spec)
            return SIZE_MAX;
        p = q + 1 + spec;
        if (c == 's') {
            const char *s = va_arg(ap, const char *);
            s = s ? s : "(null)";
            out_n(buf, cap, &o, s, strlen(s));
        } else if (c == 'c' || c == '%') {
            char ch = c == '%' ? '%' : (char)va_arg(ap, int);
            out_n(buf, cap, &o, &ch, 1);
        } else if (c == 'd' || c == 'i' || (c == 'l' && c2 != 'u')) {
            long long v = c == 'l' ? va_arg(ap, long) : va_arg(ap, int);
            out_int(buf, cap, &o, v < 0, v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v);
        } else {
            unsigned long long v = c == 'u'   ? va_arg(ap, unsigned)
                                   : c == 'z' ? va_arg(ap, size_t)
                                              : va_arg(ap, unsigned long);
            out_int(buf, cap, &o, false, v);
        }
    }
    if (cap)
        buf[o < cap ? o : cap - 1] = '\0';
    return o;
}

static int vformat(char *buf, size_t cap, bool simple, const char *fmt, va_list ap)
{
    return simple ? (int)mini_vformat(buf, cap, fmt, ap) : vsnprintf(buf, cap, fmt, ap);
}

/* Room for one more entry. 0 or -1. */
static int reserve_one(mp_warnings *w)
{
    if (w->len == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 16;
        mp_warning *items = realloc(w->items, cap * sizeof *items);
        if (!items)
            return -1;
        w->items = items;
        w->cap = cap;
    }
    return 0;
}

int mp_warn_copy(mp_warnings *w, const mp_warning *f, const char *object)
{
    if (reserve_one(w) < 0)
        return -1;
    object = object ? object : "";
    const char *field = f->field ? f->field : "", *msg = f->message ? f->message : "";
    size_t ol = strlen(object) + 1, fl = strlen(field) + 1, ml = strlen(msg) + 1;
    char *b = text_alloc(w, ol + fl + ml);
    if (!b)
        return -1;
    memcpy(b, object, ol);
    memcpy(b + ol, field, fl);
    memcpy(b + ol + fl, msg, ml);
    w->items[w->len++] = (mp_warning){.code = f->code,
                                      .sev = f->sev,
                                      .plain = ss_unprintable(field, 0, fl - 1, 0) == fl - 1 &&
                                               ss_unprintable(msg, 0, ml - 1, 0) == ml - 1,
                                      .object = b,
                                      .field = b + ol,
                                      .message = b + ol + fl};
    return 0;
}

int mp_warn_about(mp_warnings *w, const mp_warning *f, const char *object)
{
    return mp_warn_about_each(w, f, 1, object);
}

int mp_warn_about_each(mp_warnings *w, const mp_warning *f, size_t n, const char *object)
{
    if (!n)
        return 0;
    if (w->cap - w->len < n) {
        size_t cap = w->cap ? w->cap : 16;
        while (cap - w->len < n)
            cap *= 2;
        mp_warning *items = realloc(w->items, cap * sizeof *items);
        if (!items)
            return -1;
        w->items = items;
        w->cap = cap;
    }
    object = object ? object : "";
    size_t ol = strlen(object) + 1;
    char *b = text_alloc(w, ol);
    if (!b)
        return -1;
    memcpy(b, object, ol);
    for (size_t i = 0; i < n; i++)
        w->items[w->len++] = (mp_warning){.code = f[i].code,
                                          .sev = f[i].sev,
                                          .plain = f[i].plain,
                                          .object = b,
                                          .field = f[i].field ? f[i].field : "",
                                          .message = f[i].message ? f[i].message : ""};
    return 0;
}

int mp_vwarn(mp_warnings *w, const char *code, mp_severity sev, const char *object,
             const char *field, const char *fmt, va_list ap)
{
    if (reserve_one(w) < 0)
        return -1;
    /* object, field and message in one block at their size: 50,000
     * findings at 10,000 Ingresses stay until they are printed */
    va_list cp;
    va_copy(cp, ap);
    char tmp[512];
    size_t mini = mini_vformat(tmp, sizeof tmp, fmt, cp);
    va_end(cp);
    bool simple = mini != SIZE_MAX;
    int n = (int)mini;
    if (!simple) {
        va_copy(cp, ap);
        n = vsnprintf(tmp, sizeof tmp, fmt, cp);
        va_end(cp);
    }
    if (n < 0)
        n = 0, tmp[0] = '\0';
    object = object ? object : "";
    field = field ? field : "";
    size_t ol = strlen(object) + 1, fl = strlen(field) + 1;
    char *b = text_alloc(w, ol + fl + (size_t)n + 1);
    if (!b)
        return -1;
    memcpy(b, object, ol);
    memcpy(b + ol, field, fl);
    if ((size_t)n < sizeof tmp)
        memcpy(b + ol + fl, tmp, (size_t)n + 1);
    else
        vformat(b + ol + fl, (size_t)n + 1, simple, fmt, ap);
    mp_warning *e = &w->items[w->len];
    e->code = code;
    e->sev = sev;
    e->plain = false;
    e->object = b;
    e->field = b + ol;
    e->message = b + ol + fl;
    w->len++;
    return 0;
}

int mp_warn(mp_warnings *w, const char *code, mp_severity sev, const char *object,
            const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = mp_vwarn(w, code, sev, object, field, fmt, ap);
    va_end(ap);
    return rc;
}

const char *mp_severity_name(mp_severity s)
{
    static const char *const names[] = {"info", "warning", "error"};
    return (unsigned)s < 3 ? names[s] : "warning";
}

/* A finding's line in parts: code, " ", object, ": ", field (then ": "
 * when there is one), message. */
typedef struct {
    const char *part[5];
    size_t len[5], ml, n;
} line_parts;

static inline size_t line_measure(const mp_warning *w, line_parts *lp)
{
    *lp = (line_parts){
        {w->code, " ", w->object ? w->object : "", ": ", w->field ? w->field : ""},
        {strlen(w->code), 1, w->object ? strlen(w->object) : 0, 2, w->field ? strlen(w->field) : 0},
        w->message ? strlen(w->message) : 0,
        0};
    if (!lp->len[2])
        lp->len[1] = 0; /* no object: "CODE: " */
    lp->n = lp->len[0] + lp->len[1] + lp->len[2] + lp->len[3] + (lp->len[4] ? lp->len[4] + 2 : 0) +
            lp->ml;
    return lp->n;
}

#if defined(__SSE2__)
/* The bytes of s[i, i + 16) a line replaces (below 0x20, 0x7f), as bits. */
static inline unsigned ctl16(const char *s, size_t i)
{
    const __m128i low = _mm_set1_epi8(0x1f), del = _mm_set1_epi8(0x7f);
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(v, low), v); /* unsigned v <= 0x1f */
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(ctl, _mm_cmpeq_epi8(v, del)));
}
#endif

/* ss_unprintable(s, i, n, 0), thirty-two bytes a step, a tail shorter than
 * sixteen bytes read as the last sixteen (the bytes before it are clean). */
static size_t next_ctl(const char *s, size_t i, size_t n)
{
#if defined(__SSE2__)
    if (n - i < 16)
        return ss_unprintable(s, i, n, 0);
    for (; n - i >= 32; i += 32) {
        unsigned a = ctl16(s, i), b = ctl16(s, i + 16);
        if (a | b)
            return i + (size_t)__builtin_ctz(a | b << 16);
    }
    if (n - i >= 16) {
        unsigned a = ctl16(s, i);
        if (a)
            return i + (size_t)__builtin_ctz(a);
        i += 16;
    }
    if (i == n)
        return n;
    unsigned t = ctl16(s, n - 16) >> (16 - (n - i)); /* the bits of s[i, n) */
    return t ? i + (size_t)__builtin_ctz(t) : n;
#else
    return ss_unprintable(s, i, n, 0);
#endif
}

/* Names come from the cluster: a control character in one must not move the
 * cursor of whoever reads the line. The parts are copied at once, then the
 * line is scanned ('?' replaces such a byte; the code and separators hold
 * none). */
static inline void line_write(const mp_warning *w, const line_parts *lp, char *at)
{
    char *b = at;
    memcpy(at, lp->part[0], lp->len[0]);
    at += lp->len[0];
    if (lp->len[1])
        *at++ = ' ';
    memcpy(at, lp->part[2], lp->len[2]);
    at += lp->len[2];
    memcpy(at, ": ", 2);
    at += 2;
    memcpy(at, lp->part[4], lp->len[4]);
    at += lp->len[4];
    if (lp->len[4]) {
        memcpy(at, ": ", 2);
        at += 2;
    }
    memcpy(at, w->message ? w->message : "", lp->ml);
    /* a finding's line is 200-300 bytes, none of them a control character
     * as a rule: scanned sixteen bytes at a time, only up to the object's
     * end when the rest is known plain (a cached set's 40,000 findings) */
    size_t n = w->plain ? lp->len[0] + lp->len[1] + lp->len[2] : lp->n;
    for (size_t i = next_ctl(b, 0, n); i < n; i = next_ctl(b, i + 1, n))
        b[i] = '?';
}

char *mp_warning_format(const mp_warning *w)
{
    line_parts lp;
    size_t n = line_measure(w, &lp);
    char *b = malloc(n + 1);
    if (b) {
        line_write(w, &lp, b);
        b[n] = '\0';
    }
    return b;
}

size_t mp_warning_append(strbuf *sb, const mp_warning *w)
{
    line_parts lp;
    size_t n = line_measure(w, &lp);
    if (!strbuf_reserve(sb, n + 1))
        return 0;
    line_write(w, &lp, sb->buf + sb->len);
    sb->len += n;
    sb->buf[sb->len] = '\0';
    return n;
}
