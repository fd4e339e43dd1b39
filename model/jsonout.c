/*
 * jsonout.c - pretty JSON in cJSON's layout without cJSON (see jsonout.h).
 *
 * The layout reproduced: an object is "{", then per entry a newline, its
 * depth in two-space steps, "key": value and a comma unless last, then a
 * newline and the closing "}" one step out (an empty object is "{", newline,
 * "}"); an array stays on one line, "[a, b]"; containers inside arrays
 * count a depth step too. Strings escape ", \, \b \f \n \r \t, other C0 as
 * \u00xx (cJSON), DEL, C1 and bidi controls and invalid UTF-8 as \uXXXX
 * (emit.c's pass over cJSON's text).
 */
#include "model/jsonout.h"

#include <stdlib.h>
#include <string.h>

#include "model/bytescan.h"
#include "model/emit.h"
#include "model/sanitize.h"

typedef struct {
    strbuf *sb;
    size_t indent;
    mp_err *err;
} jwriter;

/* The same order as emit.c's: a Kubernetes object's top level starts so. */
static const char *const top_order[] = {"apiVersion", "kind", "metadata", "spec"};
#define NTOP (sizeof top_order / sizeof *top_order)

static const char spaces[] = "                                                                ";

/* Most pieces are a few bytes: copied in place while they fit. */
static inline void put(jwriter *w, const char *s, size_t n)
{
    strbuf *sb = w->sb;
    if (sb->len + n < sb->cap) {
        memcpy(sb->buf + sb->len, s, n);
        sb->len += n;
    } else {
        strbuf_append(sb, s, n);
    }
}

static void newline(jwriter *w, size_t depth)
{
    put(w, "\n", 1);
    for (size_t n = w->indent + 2 * depth; n;) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        put(w, spaces, k);
        n -= k;
    }
}

/* 0: as is; 1: cJSON escapes it; 2: a byte of a multi-byte sequence or
 * DEL, checked as UTF-8 */
static inline unsigned char byte_class(unsigned char c)
{
    if (c < 0x20 || c == '"' || c == '\\')
        return 1;
    return c >= 0x7f ? 2 : 0;
}

static void put_escape(jwriter *w, unsigned char c)
{
    static const char named[] = "\"\"\\\\\bb\ff\nn\rr\tt";
    char buf[8];
    const char *m = c ? memchr(named, c, sizeof named - 1) : NULL;
    if (m && (m - named) % 2 == 0) {
        buf[0] = '\\';
        buf[1] = m[1];
        put(w, buf, 2);
        return;
    }
    static const char hex[] = "0123456789abcdef";
    memcpy(buf, "\\u00", 4);
    buf[4] = hex[c >> 4];
    buf[5] = hex[c & 15];
    put(w, buf, 6);
}

/* A byte >= 0x7f at s[i]: the character as is, or its escape. */
static size_t put_high(jwriter *w, const char *s, size_t n)
{
    uint32_t cp;
    size_t k = san_utf8_decode(s, n, &cp);
    if ((unsigned char)s[0] == 0x7f || cp == SAN_REPLACEMENT || san_cp_is_control(cp)) {
        char buf[16];
        static const char hex[] = "0123456789abcdef";
        uint32_t v = (unsigned char)s[0] == 0x7f ? 0x7f : cp;
        size_t o = 2;
        memcpy(buf, "\\u", 2);
        int digits = v > 0xfffff ? 6 : v > 0xffff ? 5 : 4; /* %04x */
        for (int d = digits - 1; d >= 0; d--)
            buf[o++] = hex[(v >> (4 * d)) & 15];
        put(w, buf, o);
    } else {
        put(w, s, k);
    }
    return k;
}

static void put_string(jwriter *w, const char *s, size_t n)
{
    put(w, "\"", 1);
    size_t run = 0, i = 0;
    while ((i = bs_string_special(s, i, n, 1)) < n) {
        unsigned char cls = byte_class((unsigned char)s[i]);
        put(w, s + run, i - run);
        if (cls == 1)
            put_escape(w, (unsigned char)s[i++]);
        else
            i += put_high(w, s + i, n - i);
        run = i;
    }
    put(w, s + run, n - run);
    put(w, "\"", 1);
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)? (emit.c's test) */
static bool is_json_number(const char *s)
{
    if (*s == '-')
        s++;
    if (*s == '0')
        s++;
    else if (*s >= '1' && *s <= '9')
        while (*s >= '0' && *s <= '9')
            s++;
    else
        return false;
    if (*s == '.') {
        if (!(*++s >= '0' && *s <= '9'))
            return false;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!(*s >= '0' && *s <= '9'))
            return false;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return !*s;
}

static int put_scalar(jwriter *w, const doc_node *n)
{
    switch (n->type) {
    case DOC_NULL:
        put(w, "null", 4);
        return 0;
    case DOC_BOOL:
        if (!strcmp(n->text, "true"))
            put(w, "true", 4);
        else
            put(w, "false", 5);
        return 0;
    case DOC_INT:
    case DOC_FLOAT:
        if (is_json_number(n->text)) {
            put(w, n->text, strlen(n->text));
            return 0;
        } else {
            /* a YAML spelling (0x1f, 1_000, .inf): rare, and emit.c
             * decides what JSON says for it */
            size_t len;
            char *t = doc_emit_json(n, false, &len, w->err);
            if (!t)
                return -1;
            put(w, t, len);
            free(t);
            return 0;
        }
    default:
        put_string(w, n->text, n->len);
        return 0;
    }
}

static int put_value(jwriter *w, const doc_node *n, size_t depth, bool top);

static bool is_top_key(const char *k)
{
    for (size_t i = 0; i < NTOP; i++)
        if (!strcmp(k, top_order[i]))
            return true;
    return false;
}

static int put_entry(jwriter *w, const doc_node *n, size_t i, size_t depth, bool *first)
{
    if (!*first)
        put(w, ",", 1);
    *first = false;
    newline(w, depth);
    put_string(w, n->keys[i], strlen(n->keys[i]));
    put(w, ": ", 2);
    return put_value(w, n->items[i], depth, false);
}

static int put_map(jwriter *w, const doc_node *n, size_t depth, bool top)
{
    bool reorder = top && (doc_get(n, "apiVersion") || doc_get(n, "kind"));
    bool first = true;
    put(w, "{", 1);
    if (reorder)
        for (size_t t = 0; t < NTOP; t++)
            for (size_t i = 0; i < n->len; i++)
                if (!strcmp(n->keys[i], top_order[t]) && put_entry(w, n, i, depth + 1, &first) < 0)
                    return -1;
    for (size_t i = 0; i < n->len; i++)
        if ((!reorder || !is_top_key(n->keys[i])) && put_entry(w, n, i, depth + 1, &first) < 0)
            return -1;
    newline(w, depth);
    put(w, "}", 1);
    return 0;
}

static int put_value(jwriter *w, const doc_node *n, size_t depth, bool top)
{
    if (n->kind == DOC_SCALAR)
        return put_scalar(w, n);
    if (n->kind == DOC_MAP)
        return put_map(w, n, depth, top);
    put(w, "[", 1);
    for (size_t i = 0; i < n->len; i++) {
        if (i)
            put(w, ", ", 2);
        if (put_value(w, n->items[i], depth + 1, false) < 0)
            return -1;
    }
    put(w, "]", 1);
    return 0;
}

int doc_json_append(strbuf *sb, const doc_node *doc, size_t indent, mp_err *err)
{
    jwriter w = {.sb = sb, .indent = indent, .err = err};
    if (put_value(&w, doc, 0, true) < 0)
        return -1;
    if (sb->oom)
        return mp_errf(err, "out of memory");
    sb->buf[sb->len] = '\0'; /* put leaves it out */
    return 0;
}
