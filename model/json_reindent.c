/*
 * json_reindent.c - a list item's JSON re-indented in one pass (see the
 * header for what it mirrors and when it declines).
 *
 * The reader follows parse_json.c's grammar step for step (the same
 * whitespace, number, literal, escape, UTF-8, depth and duplicate-key rules)
 * and gives up (JR_TREE) wherever that parser would fail, so an error always
 * comes from the parser itself. The writer follows emit_json.c: plain
 * strings are copied with their quotes (nothing in them needs an escape),
 * others are decoded as the parser decodes them and written by
 * emit_json_string. The top level's members are written first and put in
 * apiVersion, kind, metadata, spec order afterwards.
 */
#include "model/jsonchar.h"
#include "model/json_reindent.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/emit_json.h"
#include "model/parse.h"
#include "model/simdscan.h"

#define MAX_OPEN_KEYS 512  /* keys of every map being read, innermost last */
#define KEY_BYTES     4096 /* their decoded bytes, when not plain */

/* A key: raw (its bytes in the input, between quotes) or decoded (in
 * rd.kbuf, from a key with escapes or non-ASCII bytes). */
typedef struct {
    const char *p;
    size_t n;
    bool raw;
} span;

typedef enum { CTX_ANY, CTX_META } ctx;

typedef struct {
    const char *s;
    size_t n, i;
    strbuf *out;
    const jr_opts *o;
    jr_info *info;
    span keys[MAX_OPEN_KEYS];
    size_t nkeys;
    char kbuf[KEY_BYTES];
    size_t kused;
} rd;

/* strbuf_reserve with its common answer inline (a call per item). */
static bool reserve(strbuf *sb, size_t extra)
{
    return (!sb->oom && sb->len + extra + 1 <= sb->cap) || strbuf_reserve(sb, extra);
}

/* Up to 16 bytes as two overlapping fixed-size moves: most pieces are a
 * few bytes, for which a call to memcpy costs more than the copy. */
static inline void copy_small(char *d, const char *p, size_t k)
{
    if (k >= 8) {
        uint64_t a, b;
        memcpy(&a, p, 8);
        memcpy(&b, p + k - 8, 8);
        memcpy(d, &a, 8);
        memcpy(d + k - 8, &b, 8);
    } else if (k >= 4) {
        uint32_t a, b;
        memcpy(&a, p, 4);
        memcpy(&b, p + k - 4, 4);
        memcpy(d, &a, 4);
        memcpy(d + k - 4, &b, 4);
    } else {
        for (size_t i = 0; i < k; i++)
            d[i] = p[i];
    }
}

static inline void put(rd *r, const char *p, size_t k)
{
    strbuf *sb = r->out;
    if (sb->len + k < sb->cap) {
        if (k <= 16)
            copy_small(sb->buf + sb->len, p, k);
        else
            memcpy(sb->buf + sb->len, p, k);
        sb->len += k;
    } else {
        strbuf_append(sb, p, k);
    }
}

/* A newline and the indent of depth. */
static inline void nl_indent(rd *r, size_t depth)
{
    static const char run[] = "\n                                                               "
                              "                                                                ";
    size_t n = 1 + r->o->indent + 2 * depth;
    if (n <= sizeof run - 1) {
        put(r, run, n);
        return;
    }
    put(r, run, sizeof run - 1);
    for (n -= sizeof run - 1; n;) {
        size_t k = n < sizeof run - 2 ? n : sizeof run - 2;
        put(r, run + 1, k);
        n -= k;
    }
}

/* Compact JSON (the API server's) has no blanks: one test then. */
static inline void skip_ws(rd *r)
{
    if (r->i >= r->n || (unsigned char)r->s[r->i] > ' ')
        return;
    while (r->i < r->n) {
        char c = r->s[r->i];
        if (c != ' ' && c != '\n' && c != '\t' && c != '\r')
            break;
        r->i++;
    }
}

static bool span_is(span k, const char *s)
{
    size_t l = strlen(s);
    return k.n == l && !memcmp(k.p, s, l);
}

/* ---- strings ---- */

/* The end of the plain string at i (its opening quote): the closing quote,
 * or 0 when the string holds an escape, a control, DEL or a non-ASCII
 * byte (or does not end). */
static size_t plain_end(const rd *r, size_t i)
{
    size_t j = ss_string_special(r->s, i + 1, r->n);
    return j < r->n && r->s[j] == '"' ? j : 0;
}

/* \uXXXX at s[*i] (after the backslash-u) with its surrogate pair, as the
 * parser decodes it; -1 where it fails (a NUL included). */
static int unicode_escape(const rd *r, size_t *i, char *out, size_t *o)
{
    unsigned cp, lo;
    if (*i + 4 > r->n || json_hex4(r->s + *i, &cp))
        return -1;
    *i += 4;
    if (cp >= 0xd800 && cp <= 0xdbff) {
        if (*i + 6 <= r->n && r->s[*i] == '\\' && r->s[*i + 1] == 'u' &&
            !json_hex4(r->s + *i + 2, &lo) && lo >= 0xdc00 && lo <= 0xdfff) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            *i += 6;
        } else {
            cp = 0xfffd;
        }
    } else if (cp >= 0xdc00 && cp <= 0xdfff) {
        cp = 0xfffd;
    }
    if (cp == 0)
        return -1;
    *o += json_put_utf8(cp, out + *o);
    return 0;
}

static const char escapes[] = "\"\"\\\\//b\bf\fn\nr\rt\t";

/* Decodes s[start, end) (a string's body) into out; -1 where the parser
 * refuses it. */
static int decode(const rd *r, size_t i, size_t end, char *out, size_t *o)
{
    while (i < end) {
        unsigned char c = (unsigned char)r->s[i];
        if (c < 0x20)
            return -1;
        if (c >= 0x80) {
            size_t k = json_utf8_len((const unsigned char *)r->s + i, r->n - i);
            if (!k)
                return -1;
            memcpy(out + *o, r->s + i, k);
            *o += k, i += k;
        } else if (c != '\\') {
            out[(*o)++] = (char)c;
            i++;
        } else {
            char e = r->s[i + 1];
            i += 2;
            if (e == 'u') {
                if (unicode_escape(r, &i, out, o) < 0)
                    return -1;
                continue;
            }
            const char *m = e ? strchr(escapes, e) : NULL;
            if (!m || (m - escapes) % 2)
                return -1;
            out[(*o)++] = m[1];
        }
    }
    return 0;
}

/* The closing quote of the string at r->i, as the parser finds it
 * (escapes skipped), or 0 when it does not end. */
static size_t string_end(const rd *r)
{
    size_t i = r->i + 1;
    while (i < r->n && r->s[i] != '"')
        i += r->s[i] == '\\' ? 2 : 1;
    return i < r->n ? i : 0;
}

/* A string with escapes or non-ASCII bytes: decoded, then written the way
 * emit_json.c writes a tree's string. */
static int slow_string(rd *r)
{
    size_t start = r->i + 1, i = string_end(r);
    if (!i)
        return -1;
    char *buf = malloc(i - start + 1);
    size_t o = 0;
    if (!buf || decode(r, start, i, buf, &o) < 0) {
        free(buf);
        return -1;
    }
    emit_json_string(r->out, buf, o);
    free(buf);
    r->i = i + 1;
    return 0;
}

static int string(rd *r)
{
    size_t j = plain_end(r, r->i);
    if (!j)
        return slow_string(r);
    put(r, r->s + r->i, j + 1 - r->i);
    r->i = j + 1;
    return 0;
}

/* ---- numbers and literals ---- */

static size_t digits(const rd *r, size_t i)
{
    while (i < r->n && r->s[i] >= '0' && r->s[i] <= '9')
        i++;
    return i;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?: what emit_json.c writes
 * as written. */
static int number(rd *r)
{
    size_t s = r->i, i = s;
    if (r->s[i] == '-')
        i++;
    size_t d = digits(r, i);
    if (d == i || (r->s[i] == '0' && d > i + 1))
        return -1;
    i = d;
    if (i < r->n && r->s[i] == '.') {
        if ((d = digits(r, i + 1)) == i + 1)
            return -1;
        i = d;
    }
    if (i < r->n && (r->s[i] == 'e' || r->s[i] == 'E')) {
        size_t e = i + 1;
        if (e < r->n && (r->s[e] == '+' || r->s[e] == '-'))
            e++;
        if ((d = digits(r, e)) == e)
            return -1;
        i = d;
    }
    put(r, r->s + s, i - s);
    r->i = i;
    return 0;
}

static int literal(rd *r)
{
    static const char *const words[] = {"true", "false", "null"};
    for (size_t w = 0; w < 3; w++) {
        size_t l = strlen(words[w]);
        if (r->n - r->i >= l && !memcmp(r->s + r->i, words[w], l)) {
            put(r, words[w], l);
            r->i += l;
            return 0;
        }
    }
    return -1;
}

/* ---- containers ---- */

static int value(rd *r, size_t depth, ctx c);

/* A key that is not plain, decoded into r->kbuf (-1 where the parser
 * fails, or when kbuf is full); j: its closing quote. */
static int decode_key(rd *r, span *k, size_t *j)
{
    size_t start = r->i + 1, o = 0;
    if (!(*j = string_end(r)) || *j - start > KEY_BYTES - r->kused ||
        decode(r, start, *j, r->kbuf + r->kused, &o) < 0)
        return -1;
    *k = (span){r->kbuf + r->kused, o, false};
    r->kused += o;
    return 0;
}

/* The key at r->i, not yet in its map (from kbase on: the parser compares
 * keys decoded); pushed. */
static int read_key(rd *r, size_t kbase, span *k)
{
    if (r->i >= r->n || r->s[r->i] != '"' || r->nkeys == MAX_OPEN_KEYS ||
        r->nkeys - kbase >= JR_MAX_KEYS)
        return -1;
    size_t j = plain_end(r, r->i);
    if (j)
        *k = (span){r->s + r->i + 1, j - r->i - 1, true};
    else if (decode_key(r, k, &j) < 0)
        return -1;
    for (size_t x = kbase; x < r->nkeys; x++)
        if (r->keys[x].n == k->n && !memcmp(r->keys[x].p, k->p, k->n))
            return -1;
    r->keys[r->nkeys++] = *k;
    r->i = j + 1;
    skip_ws(r);
    if (r->i >= r->n || r->s[r->i] != ':')
        return -1;
    r->i++;
    skip_ws(r);
    return 0;
}

/* "key": as emit_json.c writes a key. */
static void put_key(rd *r, span k)
{
    if (k.raw)
        put(r, k.p - 1, k.n + 2);
    else
        emit_json_string(r->out, k.p, k.n);
    put(r, ": ", 2);
}

/* metadata.name and metadata.namespace for the caller's name checks: a
 * string must be plain; another value is not checked (kname.c). */
static int capture(rd *r, span k)
{
    bool name = span_is(k, "name");
    if ((!name && !span_is(k, "namespace")) || r->i >= r->n || r->s[r->i] != '"')
        return 0;
    size_t j = plain_end(r, r->i);
    if (!j)
        return -1;
    const char **p = name ? &r->info->name : &r->info->ns;
    *(name ? &r->info->name_len : &r->info->ns_len) = j - r->i - 1;
    *p = r->s + r->i + 1;
    return 0;
}

/* After a member or element: ',' (true, more follow) or the closer. */
static int next(rd *r, char close, bool *more)
{
    skip_ws(r);
    if (r->i >= r->n)
        return -1;
    char c = r->s[r->i++];
    if (c == ',') {
        skip_ws(r);
        *more = true;
        return 0;
    }
    *more = false;
    return c == close ? 0 : -1;
}

static int object(rd *r, size_t depth, ctx c)
{
    r->i++;
    skip_ws(r);
    put(r, "{", 1);
    size_t kbase = r->nkeys, kmark = r->kused;
    bool first = true, more = r->i >= r->n || r->s[r->i] != '}';
    if (!more)
        r->i++;
    while (more) {
        span k;
        if (read_key(r, kbase, &k) < 0)
            return -1;
        size_t mark = r->out->len;
        bool skip = c == CTX_META && r->o->drop_managed_fields && span_is(k, "managedFields");
        if (c == CTX_META && capture(r, k) < 0)
            return -1;
        if (!first)
            put(r, ",", 1);
        nl_indent(r, depth + 1);
        put_key(r, k);
        if (value(r, depth + 1, CTX_ANY) < 0 || next(r, '}', &more) < 0)
            return -1;
        if (skip)
            r->out->len = mark;
        else
            first = false;
    }
    r->nkeys = kbase;
    r->kused = kmark;
    nl_indent(r, depth);
    put(r, "}", 1);
    return 0;
}

static int array(rd *r, size_t depth)
{
    r->i++;
    skip_ws(r);
    put(r, "[", 1);
    bool more = r->i >= r->n || r->s[r->i] != ']';
    if (!more)
        r->i++;
    for (bool first = true; more; first = false) {
        if (!first)
            put(r, ", ", 2);
        if (value(r, depth + 1, CTX_ANY) < 0 || next(r, ']', &more) < 0)
            return -1;
    }
    put(r, "]", 1);
    return 0;
}

static int value(rd *r, size_t depth, ctx c)
{
    if (depth > DOC_MAX_DEPTH || r->i >= r->n)
        return -1;
    char ch = r->s[r->i];
    if (ch == '{')
        return object(r, depth, c);
    if (ch == '[')
        return array(r, depth);
    if (ch == '"')
        return string(r);
    if (ch == '-' || (ch >= '0' && ch <= '9'))
        return number(r);
    return literal(r);
}

/* ---- the top level ---- */

enum { K_API, K_KIND, K_META, K_SPEC, K_OTHER };

typedef struct {
    size_t at, end; /* the member's text in out: newline, indent, "key": value */
    int cls;
} member;

typedef struct {
    member m[JR_MAX_KEYS + 2]; /* + a replaced apiVersion and kind */
    size_t n;
    bool replace;
} top_members;

static int classify(span k)
{
    static const char *const names[] = {"apiVersion", "kind", "metadata", "spec"};
    for (int i = 0; i < K_OTHER; i++)
        if (span_is(k, names[i]))
            return i;
    return K_OTHER;
}

/* Whether the item's kind (the value at r->i) is o->kind: a plain string
 * equal to it; another string takes the tree path (-1). */
static int kind_matches(rd *r, bool *same)
{
    *same = false;
    if (r->s[r->i] != '"')
        return 0; /* a number, null, a map...: not the kind asked for */
    size_t j = plain_end(r, r->i);
    if (!j)
        return -1;
    *same =
        j - r->i - 1 == strlen(r->o->kind) && !memcmp(r->s + r->i + 1, r->o->kind, j - r->i - 1);
    return 0;
}

static void synth(rd *r, top_members *t, const char *key, const char *v, int cls)
{
    member *m = &t->m[t->n++];
    m->at = r->out->len;
    m->cls = cls;
    nl_indent(r, 1);
    emit_json_string(r->out, key, strlen(key));
    put(r, ": ", 2);
    emit_json_string(r->out, v, strlen(v));
    m->end = r->out->len;
}

/* Each member's text into out, in input order. */
static int top_read(rd *r, top_members *t)
{
    bool kind_seen = false, kind_same = false, more;
    r->i++;
    skip_ws(r);
    more = r->i >= r->n || r->s[r->i] != '}';
    if (!more)
        r->i++;
    while (more) {
        span k;
        if (read_key(r, 0, &k) < 0)
            return -1;
        member *m = &t->m[t->n++];
        m->cls = classify(k);
        if (m->cls == K_KIND && r->o->kind) {
            kind_seen = true;
            if (r->i >= r->n || kind_matches(r, &kind_same) < 0)
                return -1;
        }
        m->at = r->out->len;
        nl_indent(r, 1);
        put_key(r, k);
        if (value(r, 1, m->cls == K_META ? CTX_META : CTX_ANY) < 0 || next(r, '}', &more) < 0)
            return -1;
        m->end = r->out->len;
    }
    t->replace = r->o->kind && (!kind_seen || !kind_same);
    if (t->replace) {
        synth(r, t, "apiVersion", r->o->api_version ? r->o->api_version : "", K_API);
        synth(r, t, "kind", r->o->kind, K_KIND);
    }
    return 0;
}

/* Appends "{", the members in emit order, the closing line; then moves
 * that down over the members' texts (at p0). */
static int top_write(rd *r, const top_members *t, size_t p0)
{
    strbuf *sb = r->out;
    bool reorder = false;
    for (size_t i = 0; i < t->n; i++)
        if (t->m[i].cls <= K_KIND && !(t->replace && i < t->n - 2))
            reorder = true;
    size_t body = sb->len - p0;
    if (!reserve(sb, body + t->n + 3 + r->o->indent + 1))
        return -1;
    size_t p1 = sb->len;
    put(r, "{", 1);
    bool first = true;
    for (int cls = reorder ? K_API : K_OTHER; cls <= K_OTHER; cls++)
        for (size_t i = 0; i < t->n; i++) {
            const member *m = &t->m[i];
            bool gone = t->replace && m->cls <= K_KIND && i < t->n - 2;
            if (gone || (reorder ? m->cls != cls : false))
                continue;
            if (!first)
                put(r, ",", 1);
            first = false;
            memcpy(sb->buf + sb->len, sb->buf + m->at, m->end - m->at);
            sb->len += m->end - m->at;
        }
    nl_indent(r, 0);
    put(r, "}", 1);
    memmove(sb->buf + p0, sb->buf + p1, sb->len - p1);
    sb->len = p0 + (sb->len - p1);
    return 0;
}

int json_reindent(const char *json, size_t len, const jr_opts *o, strbuf *out, jr_info *info,
                  size_t *used)
{
    *info = (jr_info){0};
    rd r; /* not zeroed: its key stack is 8 KiB, and only what is pushed is read */
    r.s = json;
    r.n = len;
    r.i = r.nkeys = r.kused = 0;
    r.out = out;
    r.o = o;
    r.info = info;
    top_members t;
    t.n = 0;
    size_t p0 = out->len;
    int rc = len && json[0] == '{' ? top_read(&r, &t) : -1;
    if (used) {
        *used = r.i;
    } else {
        skip_ws(&r);
        if (!rc && r.i != len)
            rc = -1;
    }
    if (!rc && !out->oom)
        rc = top_write(&r, &t, p0);
    if (rc || out->oom) {
        out->len = p0;
        *info = (jr_info){0};
        return JR_TREE;
    }
    out->buf[out->len] = '\0';
    return JR_DONE;
}
