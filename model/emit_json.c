/*
 * emit_json.c - JSON written directly, byte for byte what emit.c's cJSON
 * path writes (doc_emit_json_cjson, the reference): cJSON 1.7's printer
 * followed by emit.c's safe_json_text.
 *
 * cJSON built a node per value and printed it with tabs, which emit.c then
 * rewrote with spaces; this writes the final text at once. What it mirrors:
 *  - cJSON's layout: pretty objects put each member on its own line, indented
 *    by depth (every enclosing object and array counts), "key": value, and
 *    close on a line of their own ("{\n}" when empty); arrays stay on one
 *    line, items joined with ", " (pretty) or ","; compact: no spaces at all;
 *  - cJSON's string escapes: \" \\ \b \f \n \r \t, other bytes below 0x20 as
 *    \u00XX, the rest as is;
 *  - safe_json_text: tabs of the layout as two spaces at a line's start, one
 *    after ':'; 0x7f, a C1 or bidi control and each invalid UTF-8 sequence
 *    (U+FFFD) as \uXXXX, lowercase;
 *  - emit.c's values: null, true/false ("true" only), numbers as written when
 *    JSON spells them so, key order with apiVersion, kind, metadata, spec
 *    first at a document's top. A number JSON does not spell as written
 *    (0x1F, 1_000, .inf) is printed by cJSON itself (emit_json_number_cjson).
 * tests/unit/test_emit_json.c and tests/fuzz/fuzz_json.c compare both.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/bytescan.h"
#include "model/emit.h"
#include "model/emit_json.h"
#include "model/emit_int.h"
#include "model/sanitize.h"

typedef struct {
    strbuf *out;
    bool pretty;
    size_t base; /* spaces after every newline (doc_json_append's indent) */
} jw;

/* Most pieces are a few bytes: copied in place while they fit. */
static inline void put(jw *w, const char *s, size_t n)
{
    strbuf *sb = w->out;
    if (sb->len + n < sb->cap) {
        memcpy(sb->buf + sb->len, s, n);
        sb->len += n;
    } else {
        strbuf_append(sb, s, n);
    }
}

static inline void putc1(jw *w, char c)
{
    strbuf *sb = w->out;
    if (sb->len + 1 < sb->cap)
        sb->buf[sb->len++] = c;
    else
        strbuf_append(sb, &c, 1);
}

static void indent(jw *w, size_t depth)
{
    static const char spaces[] = "                                                                ";
    for (size_t n = w->base + 2 * depth; n;) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        put(w, spaces, k);
        n -= k;
    }
}

static void put_u(jw *w, unsigned v)
{
    static const char hex[] = "0123456789abcdef";
    char e[6] = {'\\',       'u', hex[(v >> 12) & 15], hex[(v >> 8) & 15], hex[(v >> 4) & 15],
                 hex[v & 15]};
    put(w, e, sizeof e);
}

/* A byte from 0x7f on at s[0], as safe_json_text passes it on: the
 * character as is, or (DEL, C1 and bidi controls, invalid UTF-8) its
 * escape. Returns the bytes taken. */
static size_t put_high(jw *w, const char *s, size_t n)
{
    uint32_t cp;
    size_t k = san_utf8_decode(s, n, &cp);
    if ((unsigned char)s[0] == 0x7f || cp == SAN_REPLACEMENT || san_cp_is_control(cp))
        put_u(w, (unsigned char)s[0] == 0x7f ? 0x7f : cp);
    else
        put(w, s, k);
    return k;
}

/* Text cJSON leaves as is (a number it printed), through put_high. */
static void put_safe(jw *w, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n;) {
        if ((unsigned char)s[i] < 0x7f) {
            i++;
            continue;
        }
        put(w, s + run, i - run);
        i += put_high(w, s + i, n - i);
        run = i;
    }
    put(w, s + run, n - run);
}

static void put_escape(jw *w, unsigned char c)
{
    char e = c == '"'    ? '"'
             : c == '\\' ? '\\'
             : c == '\b' ? 'b'
             : c == '\f' ? 'f'
             : c == '\n' ? 'n'
             : c == '\r' ? 'r'
             : c == '\t' ? 't'
                         : 0;
    if (e) {
        char two[2] = {'\\', e};
        put(w, two, 2);
    } else {
        put_u(w, c);
    }
}

/* Most strings are long runs of plain ASCII: skipped eight bytes at a time
 * (model/bytescan.h). cJSON took a C string: a NUL ends it. */
static void put_string(jw *w, const char *s, size_t n)
{
    putc1(w, '"');
    size_t run = 0, i = 0;
    while ((i = bs_string_special(s, i, n, 1)) < n) {
        unsigned char c = (unsigned char)s[i];
        put(w, s + run, i - run);
        if (!c) {
            run = n = i;
            break;
        }
        if (c < 0x7f)
            put_escape(w, s[i++]);
        else
            i += put_high(w, s + i, n - i);
        run = i;
    }
    put(w, s + run, n - run);
    putc1(w, '"');
}

void emit_json_string(strbuf *sb, const char *s, size_t n)
{
    jw w = {sb, true, 0};
    put_string(&w, s, n);
}

static int value(jw *w, const doc_node *n, bool top, size_t depth);

static int number(jw *w, const doc_node *n)
{
    if (emit_is_json_number(n->text)) {
        put(w, n->text, strlen(n->text));
        return 0;
    }
    char *s = emit_json_number_cjson(n);
    if (!s)
        return -1;
    put_safe(w, s, strlen(s));
    free(s);
    return 0;
}

static int scalar(jw *w, const doc_node *n)
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
        return number(w, n);
    default:
        put_string(w, n->text, n->len);
        return 0;
    }
}

static int member(jw *w, const doc_node *n, size_t i, size_t depth, bool *first)
{
    if (!*first)
        putc1(w, ',');
    if (w->pretty) {
        if (!*first)
            putc1(w, '\n');
        indent(w, depth + 1);
    }
    *first = false;
    put_string(w, n->keys[i], strlen(n->keys[i]));
    put(w, ": ", w->pretty ? 2 : 1);
    return value(w, n->items[i], false, depth + 1);
}

static int object(jw *w, const doc_node *n, bool top, size_t depth)
{
    put(w, "{\n", w->pretty ? 2 : 1);
    bool first = true, reorder = emit_reorders(n, top);
    if (reorder)
        for (size_t t = 0; t < EMIT_NTOP; t++)
            for (size_t i = 0; i < n->len; i++)
                if (!strcmp(n->keys[i], emit_top_order[t]) && member(w, n, i, depth, &first) < 0)
                    return -1;
    for (size_t i = 0; i < n->len; i++)
        if ((!reorder || !emit_is_top_key(n->keys[i])) && member(w, n, i, depth, &first) < 0)
            return -1;
    if (w->pretty) {
        if (!first)
            putc1(w, '\n');
        indent(w, depth);
    }
    putc1(w, '}');
    return 0;
}

static int value(jw *w, const doc_node *n, bool top, size_t depth)
{
    if (n->kind == DOC_SCALAR)
        return scalar(w, n);
    if (n->kind == DOC_MAP)
        return object(w, n, top, depth);
    putc1(w, '[');
    for (size_t i = 0; i < n->len; i++) {
        if (i)
            put(w, ", ", w->pretty ? 2 : 1);
        if (value(w, n->items[i], false, depth + 1) < 0)
            return -1;
    }
    putc1(w, ']');
    return 0;
}

static char *finish(strbuf *sb, int rc, size_t *len, mp_err *err)
{
    char *s = rc == 0 ? strbuf_detach(sb, len) : NULL;
    if (!s) {
        strbuf_free(sb);
        mp_errf(err, "out of memory");
    }
    return s;
}

char *doc_emit_json(const doc_node *doc, bool pretty, size_t *len, mp_err *err)
{
    strbuf sb;
    strbuf_init(&sb);
    jw w = {&sb, pretty, 0};
    return finish(&sb, value(&w, doc, true, 0), len, err);
}

int doc_json_append(strbuf *sb, const doc_node *doc, size_t indent, mp_err *err)
{
    jw w = {sb, true, indent};
    if (value(&w, doc, true, 0) < 0 || sb->oom)
        return mp_errf(err, "out of memory");
    sb->buf[sb->len] = '\0'; /* put leaves it out */
    return 0;
}

char *doc_emit_json_array(doc_node *const *docs, size_t n, bool pretty, size_t *len, mp_err *err)
{
    strbuf sb;
    strbuf_init(&sb);
    jw w = {&sb, pretty, 0};
    int rc = 0;
    putc1(&w, '[');
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (i)
            put(&w, ", ", pretty ? 2 : 1);
        rc = value(&w, docs[i], true, 1);
    }
    putc1(&w, ']');
    return finish(&sb, rc, len, err);
}
