/*
 * parse_json.c - JSON streams into doc trees, the way kubectl reads them.
 *
 * A buffer holds zero or more JSON values separated by whitespace (NDJSON,
 * `jq -c` output, concatenated `kubectl get -o json` dumps): each is one
 * tree. Every value must be an object or an array; anything else where a
 * value should start, or after one, is an error naming the byte offset,
 * line and column. Numbers keep the text they were written with, so
 * 9007199254740993 is not rounded through a double. Strings must be valid
 * UTF-8 without NUL characters (the tree holds C strings); a lone UTF-16
 * surrogate escape becomes U+FFFD, as Go's decoder does. Nodes carry the
 * line and column they start at (a map entry's value: its key's), so
 * errors about JSON input name a line like errors about YAML do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/jsonchar.h"
#include "model/bytescan.h"
#include "model/doc_arena.h"
#include "model/keyindex.h"
#include "model/parse.h"
#include "model/parse_int.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

typedef struct pchunk pchunk;

struct jreader {
    const char *buf;
    size_t len, pos;
    size_t line_start; /* offset of the current line's first byte */
    int line;
    const char *name;
    mp_err *err;
    /* Entries of the maps and sequences being read, innermost last: a
     * container is sized once, when it is complete, instead of growing
     * 2, 4, 8 as entries come (two reallocs a step for a map). */
    char **skeys;
    doc_node **svals;
    size_t slen, scap;
    doc_arena *arena;  /* where the document being read is built; NULL: the heap */
    size_t arena_size; /* read_owned's first block, when not 0 (doc_jparser) */
    /* the lookahead of a List: its items array only skipped */
    bool skim;
    size_t items_at, items_line_start;
    int items_line, skim_line; /* r->line at the '[', and after the skip */
    /* doc_reader: documents one at a time, a List's items one by one */
    size_t doc_index;
    mp_err own_err;
    bool (*is_list)(const doc_node *);
    int item_depth;   /* > 0 while handing out items: their depth */
    size_t item_next; /* index of the next item */
    bool tail;        /* after the items: skip the List's last keys */
    size_t tail_end;  /* where the List ends */
    int tail_lines;   /* line breaks from the items' end to tail_end */
    size_t tail_line_start;
    /* items decoded ahead (doc_take's peek), in their order: those not
     * committed yet, from pfirst's head on */
    doc_take take;
    pchunk *pfirst, *plast;
};

_Static_assert(DOC_MAX_MAP_KEYS == 262144u, "the messages say 262144");

static int jfail_at(jreader *r, size_t pos, const char *fmt, const char *arg)
{
    /* columns count characters, not bytes (UTF-8 continuation bytes skip) */
    size_t start = pos >= r->line_start ? r->line_start : 0;
    int line = r->line, col = 1;
    if (pos < r->line_start) { /* an earlier position: count from the top */
        line = 1;
        for (size_t i = 0; i < pos; i++)
            if (r->buf[i] == '\n')
                line++, start = i + 1;
    }
    for (size_t i = start; i < pos && i < r->len; i++)
        col += ((unsigned char)r->buf[i] & 0xc0) != 0x80;
    char what[300];
    snprintf(what, sizeof what, fmt, arg);
    return mp_errf(r->err, "%s: line %d col %d (byte %zu): malformed JSON: %s", r->name, line, col,
                   pos, what);
}

static int jfail(jreader *r, const char *what)
{
    return jfail_at(r, r->pos, "%s", what);
}

/* A byte for messages: 'x', or a hex code when it is not printable. */
static const char *show_byte(unsigned char c, char *buf, size_t n)
{
    if (c >= 0x21 && c < 0x7f && c != '\'')
        snprintf(buf, n, "'%c'", c);
    else
        snprintf(buf, n, "byte 0x%02x", c);
    return buf;
}

/* Indented JSON (kubectl -o json) is mostly runs of spaces after a
 * newline: those go eight at a time. */
static void skip_ws_run(jreader *r)
{
    size_t i = r->pos;
    for (; i < r->len; i++) {
        while (i + 8 <= r->len && bs_load(r->buf + i) == BS_ONES * ' ')
            i += 8;
        if (i == r->len)
            break;
        char c = r->buf[i];
        if (c == '\n') {
            r->line++;
            r->line_start = i + 1;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            break;
        }
    }
    r->pos = i;
}

/* Most calls find no blank at all (compact JSON, the API server's): no
 * call then. */
static inline void skip_ws(jreader *r)
{
    if (r->pos >= r->len || (unsigned char)r->buf[r->pos] > ' ')
        return;
    /* one space, as after every ':' of indented JSON: no call either */
    if (r->buf[r->pos] == ' ' && r->pos + 1 < r->len && (unsigned char)r->buf[r->pos + 1] > ' ')
        r->pos++;
    else
        skip_ws_run(r);
}

static void mark(doc_node *n, int line, int col)
{
    n->line = line;
    n->col = col;
}

/* A node's column counts bytes: counting characters would rescan the line
 * for every value, and `jq -c` puts a whole dump on one line. */
static int col_here(const jreader *r)
{
    size_t c = r->pos - r->line_start + 1;
    return c > 0x7fffffff ? 0x7fffffff : (int)c;
}

/* ---- strings ---- */

/* \uXXXX at p (after the backslash-u), with its surrogate pair. */
static int unicode_escape(jreader *r, size_t *i, char *out, size_t *o)
{
    unsigned cp;
    if (*i + 4 > r->len || json_hex4(r->buf + *i, &cp))
        return jfail_at(r, *i - 2, "%s", "\\u needs four hex digits");
    *i += 4;
    if (cp >= 0xd800 && cp <= 0xdbff) {
        unsigned lo;
        if (*i + 6 <= r->len && r->buf[*i] == '\\' && r->buf[*i + 1] == 'u' &&
            !json_hex4(r->buf + *i + 2, &lo) && lo >= 0xdc00 && lo <= 0xdfff) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            *i += 6;
        } else {
            cp = 0xfffd; /* a lone surrogate, as Go decodes it */
        }
    } else if (cp >= 0xdc00 && cp <= 0xdfff) {
        cp = 0xfffd;
    }
    if (cp == 0)
        return jfail_at(r, *i - 6, "%s", "NUL character (\\u0000) in a string");
    *o += json_put_utf8(cp, out + *o);
    return 0;
}

/* Where the run of bytes that a string holds as written ends, from i: the
 * closing quote when the string has no escape, control or non-ASCII byte
 * (nearly every string of a Kubernetes object), which is then copied at
 * once; read_string decodes and checks the others. */
static size_t plain_end(const jreader *r, size_t i)
{
    return bs_string_special(r->buf, i, r->len, 0);
}

static bool plain_string(const jreader *r, size_t *end)
{
    *end = plain_end(r, r->pos + 1);
    return *end < r->len && r->buf[*end] == '"';
}

static const char escapes[] = "\"\"\\\\//b\bf\fn\nr\rt\t";

/* Reads the string at r->pos (the opening quote) into a malloc'd buffer. */
static char *read_string(jreader *r, size_t *outlen)
{
    size_t start = ++r->pos, i = start;
    /* first pass: find the end, so the output is allocated once (it is
     * never longer than the input) */
    while (i < r->len && r->buf[i] != '"')
        i += r->buf[i] == '\\' ? 2 : 1;
    if (i >= r->len) {
        jfail_at(r, start - 1, "%s", "unterminated string");
        return NULL;
    }
    char *out = malloc(i - start + 1);
    if (!out) {
        mp_errf(r->err, "%s: out of memory", r->name);
        return NULL;
    }
    size_t o = 0;
    for (i = start; r->buf[i] != '"';) {
        unsigned char c = (unsigned char)r->buf[i];
        if (c < 0x20) {
            char b[16];
            jfail_at(r, i, "%s in a string (escape it)", show_byte(c, b, sizeof b));
            goto fail;
        }
        if (c >= 0x80) {
            size_t n = json_utf8_len((const unsigned char *)r->buf + i, r->len - i);
            if (!n) {
                jfail_at(r, i, "%s", "invalid UTF-8 in a string");
                goto fail;
            }
            memcpy(out + o, r->buf + i, n);
            o += n, i += n;
            continue;
        }
        if (c != '\\') {
            out[o++] = (char)c;
            i++;
            continue;
        }
        char e = r->buf[i + 1];
        i += 2;
        if (e == 'u') {
            if (unicode_escape(r, &i, out, &o) < 0)
                goto fail;
            continue;
        }
        const char *m = e ? strchr(escapes, e) : NULL;
        if (!m || (m - escapes) % 2) {
            char b[16];
            jfail_at(r, i - 1, "invalid escape \\%s in a string",
                     show_byte((unsigned char)e, b, sizeof b));
            goto fail;
        }
        out[o++] = m[1];
    }
    out[o] = '\0';
    r->pos = i + 1;
    *outlen = o;
    return out;
fail:
    free(out);
    return NULL;
}

/* ---- numbers and literals ---- */

static size_t digits(const jreader *r, size_t i)
{
    while (i < r->len && r->buf[i] >= '0' && r->buf[i] <= '9')
        i++;
    return i;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?, kept as written. */
static doc_node *read_number(jreader *r)
{
    size_t s = r->pos, i = s;
    bool frac = false;
    if (i < r->len && r->buf[i] == '-')
        i++;
    size_t d = digits(r, i);
    if (d == i || (r->buf[i] == '0' && d > i + 1)) {
        jfail_at(r, s, "%s", d == i ? "a number needs digits" : "a number may not start with 0");
        return NULL;
    }
    i = d;
    if (i < r->len && r->buf[i] == '.') {
        frac = true;
        d = digits(r, i + 1);
        if (d == i + 1) {
            jfail_at(r, i, "%s", "a decimal point needs digits after it");
            return NULL;
        }
        i = d;
    }
    if (i < r->len && (r->buf[i] == 'e' || r->buf[i] == 'E')) {
        frac = true;
        size_t e = i + 1;
        if (e < r->len && (r->buf[e] == '+' || r->buf[e] == '-'))
            e++;
        d = digits(r, e);
        if (d == e) {
            jfail_at(r, i, "%s", "an exponent needs digits");
            return NULL;
        }
        i = d;
    }
    doc_node *n = doc_arena_scalar(r->arena, frac ? DOC_FLOAT : DOC_INT, r->buf + s, i - s);
    r->pos = i;
    return n;
}

static doc_node *read_word(jreader *r)
{
    static const struct {
        const char *word;
        doc_type type;
    } words[] = {{"true", DOC_BOOL}, {"false", DOC_BOOL}, {"null", DOC_NULL}};
    for (size_t w = 0; w < sizeof words / sizeof *words; w++) {
        size_t l = strlen(words[w].word);
        if (r->len - r->pos >= l && !memcmp(r->buf + r->pos, words[w].word, l)) {
            r->pos += l;
            return doc_arena_scalar(r->arena, words[w].type, words[w].word, l);
        }
    }
    char b[16];
    jfail_at(r, r->pos, "unexpected %s where a value should start",
             show_byte((unsigned char)r->buf[r->pos], b, sizeof b));
    return NULL;
}

/* ---- containers ---- */

static doc_node *read_value(jreader *r, int depth);

static int expect_sep(jreader *r, char close, const char *what)
{
    skip_ws(r);
    if (r->pos >= r->len)
        return jfail(r, "unexpected end of input");
    char c = r->buf[r->pos];
    if (c == ',' || c == close)
        return 0;
    char b[16], msg[120];
    snprintf(msg, sizeof msg, "expected ',' or '%c' after %s, found %s", close, what,
             show_byte((unsigned char)c, b, sizeof b));
    return jfail(r, msg);
}

/* The key at r->pos as doc_key_dup makes it: the shared copy of the
 * common keys (doc_key_static), else its own block. */
static char *read_key(jreader *r, size_t *end)
{
    if (plain_string(r, end)) {
        char *key = doc_arena_key(r->arena, r->buf + r->pos + 1, *end - r->pos - 1);
        if (!key)
            mp_errf(r->err, "%s: out of memory", r->name);
        r->pos = *end + 1;
        return key;
    }
    size_t klen;
    char *key = read_string(r, &klen);
    if (key && (r->arena || doc_key_static(key, klen))) {
        char *k = doc_arena_key(r->arena, key, klen);
        free(key);
        if (!(key = k))
            mp_errf(r->err, "%s: out of memory", r->name);
    }
    return key;
}

static doc_node *read_string_node(jreader *r)
{
    size_t end, l;
    if (plain_string(r, &end)) {
        doc_node *n = doc_arena_scalar(r->arena, DOC_STR, r->buf + r->pos + 1, end - r->pos - 1);
        r->pos = end + 1;
        return n;
    }
    char *s = read_string(r, &l);
    bool read = s != NULL;
    doc_node *n = NULL;
    if (s && r->arena) {
        n = doc_arena_scalar(r->arena, DOC_STR, s, l);
        free(s);
    } else if (s) {
        n = doc_str_adopt(s, l);
    }
    if (read && !n)
        mp_errf(r->err, "%s: out of memory", r->name);
    return n;
}

static int scratch_push(jreader *r, char *key, doc_node *v)
{
    if (r->slen == r->scap) {
        size_t cap = r->scap ? r->scap * 2 : 64;
        char **k = realloc(r->skeys, cap * sizeof *k);
        if (k)
            r->skeys = k;
        doc_node **vv = k ? realloc(r->svals, cap * sizeof *vv) : NULL;
        if (!vv) {
            doc_arena_key_free(r->arena, key);
            doc_free(v);
            return mp_errf(r->err, "%s: out of memory", r->name);
        }
        r->svals = vv;
        r->scap = cap;
    }
    r->skeys[r->slen] = key;
    r->svals[r->slen++] = v;
    return 0;
}

/* Frees the entries from base on (a container that failed). */
static void scratch_drop(jreader *r, size_t base)
{
    while (r->slen > base) {
        r->slen--;
        doc_arena_key_free(r->arena, r->skeys[r->slen]);
        doc_free(r->svals[r->slen]);
    }
}

/* Moves the entries from base on into n, sized once. */
static int scratch_move(jreader *r, doc_node *n, size_t base)
{
    if (doc_arena_set_all(n, n->kind == DOC_MAP ? r->skeys + base : NULL, r->svals + base,
                          r->slen - base) < 0) {
        scratch_drop(r, base);
        return mp_errf(r->err, "%s: out of memory", r->name);
    }
    r->slen = base;
    return 0;
}

/* A key of the map whose first entries are the scratch's from base on.
 * A key in the shared table is that table's pointer (doc_key_dup), so two
 * such keys are equal only when they are the same pointer. */
static bool scratch_has_key(const jreader *r, size_t base, const char *key)
{
    bool shared = doc_key_is_static(key);
    for (size_t i = base; i < r->slen; i++) {
        const char *k = r->skeys[i];
        if (k == key || (!shared && k[0] == key[0] && !doc_key_is_static(k) && !strcmp(k, key)))
            return true;
    }
    return false;
}

/* Where a map's entries go: the scratch while the map is small (the
 * duplicate check scans them), the map itself with its key index once it
 * has KEYINDEX_MIN keys. */
typedef struct {
    doc_node *map;
    keyindex ix;
    size_t base;
    bool direct;
} jmap;

static bool jmap_has_key(const jreader *r, const jmap *m, const char *key)
{
    return m->direct ? keyindex_find(&m->ix, m->map, key) >= 0 : scratch_has_key(r, m->base, key);
}

static int jmap_add(jreader *r, jmap *m, char *key, doc_node *v)
{
    if (m->direct) {
        if (doc_arena_append(m->map, key, v) < 0) {
            doc_arena_key_free(r->arena, key);
            doc_free(v);
            return mp_errf(r->err, "%s: out of memory", r->name);
        }
        if (keyindex_add(&m->ix, m->map, m->map->len - 1) < 0)
            return mp_errf(r->err, "%s: out of memory", r->name);
        return 0;
    }
    if (scratch_push(r, key, v) < 0)
        return -1;
    if (r->slen - m->base < KEYINDEX_MIN)
        return 0;
    m->direct = true;
    if (scratch_move(r, m->map, m->base) < 0 || keyindex_add(&m->ix, m->map, m->map->len - 1) < 0)
        return mp_errf(r->err, "%s: out of memory", r->name);
    return 0;
}

static size_t jmap_len(const jreader *r, const jmap *m)
{
    return m->direct ? m->map->len : r->slen - m->base;
}

#if defined(__SSE2__)
/* raw_skip's state between blocks of bytes. */
typedef struct {
    size_t depth;
    bool in_str, esc; /* inside a string; its next byte escaped */
} skip_state;

/* Bytes [i, end) one at a time: past the closing bracket, 0 at a closing
 * bracket with nothing open, or SIZE_MAX when neither came. */
static size_t skip_bytes(const char *b, size_t i, size_t end, skip_state *s)
{
    for (; i < end; i++) {
        char c = b[i];
        if (s->in_str) {
            if (s->esc)
                s->esc = false;
            else if (c == '\\')
                s->esc = true;
            else if (c == '"')
                s->in_str = false;
        } else if (c == '"') {
            s->in_str = true;
        } else if (c == '[' || c == '{') {
            s->depth++;
        } else if (c == ']' || c == '}') {
            if (s->depth == 0)
                return 0;
            if (--s->depth == 0)
                return i + 1;
        }
    }
    return SIZE_MAX;
}

/* The quotes, backslashes, opening and closing brackets of the 64 bytes
 * at p, bit k for byte k. */
typedef struct {
    uint64_t quote, bslash, open, close;
} block64;

static inline void masks16(const char *p, int k, block64 *m)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
    unsigned q = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
    unsigned b = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
    unsigned o = (unsigned)_mm_movemask_epi8(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('[')), _mm_cmpeq_epi8(v, _mm_set1_epi8('{'))));
    unsigned c = (unsigned)_mm_movemask_epi8(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(']')), _mm_cmpeq_epi8(v, _mm_set1_epi8('}'))));
    m->quote |= (uint64_t)q << (16 * k);
    m->bslash |= (uint64_t)b << (16 * k);
    m->open |= (uint64_t)o << (16 * k);
    m->close |= (uint64_t)c << (16 * k);
}

static inline block64 masks64(const char *p)
{
    block64 m = {0, 0, 0, 0};
    masks16(p, 0, &m);
    masks16(p, 1, &m);
    masks16(p, 2, &m);
    masks16(p, 3, &m);
    return m;
}

/* Bit k: an odd number of the bits 0..k of x are set. */
static inline uint64_t prefix_xor(uint64_t x)
{
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    return x;
}

/* raw_skip_words 64 bytes at a time (x86-64 always has SSE2): in a block
 * without a backslash, the bytes inside strings are those between
 * quotes (a prefix XOR of the quotes' bits), and only the brackets
 * outside them are looked at, one at a time; a block with a backslash
 * (rare in Kubernetes objects) goes a byte at a time. */
static size_t raw_skip(const char *b, size_t i, size_t n, size_t depth)
{
    skip_state s = {depth, false, false};
    for (; i + 64 <= n; i += 64) {
        block64 m = masks64(b + i);
        if (s.esc || m.bslash) {
            size_t e = skip_bytes(b, i, i + 64, &s);
            if (e != SIZE_MAX)
                return e;
            continue;
        }
        uint64_t str = prefix_xor(m.quote);
        if (s.in_str)
            str = ~str;
        uint64_t open = m.open & ~str;
        uint64_t br = (m.open | m.close) & ~str;
        for (; br; br &= br - 1) {
            unsigned k = (unsigned)__builtin_ctzll(br);
            if (open >> k & 1)
                s.depth++;
            else if (s.depth == 0)
                return 0;
            else if (--s.depth == 0)
                return i + k + 1;
        }
        s.in_str = str >> 63;
    }
    size_t e = skip_bytes(b, i, n, &s);
    return e == SIZE_MAX ? 0 : e;
}
#else
/* Index of the first hit of a bs_eq mask (its lowest set bit: a false
 * alarm only ever follows a true hit). */
static inline size_t first_hit(uint64_t hit)
{
#if defined(__GNUC__)
    return (size_t)__builtin_ctzll(hit) >> 3;
#else
    size_t k = 0;
    while (!(hit & 0x80))
        hit >>= 8, k++;
    return k;
#endif
}

/* Brackets ('[' ']' '{' '}', and 'Y' 'y' '_' DEL as false alarms, which
 * the caller skips) or a quote in w. */
static inline uint64_t structural(uint64_t w)
{
    uint64_t folded = (w | BS_ONES * 0x20) & ~(BS_ONES * 0x06);
    return bs_eq(folded, 0x79) | bs_eq(w, '"');
}

/* Where the array or object at i ends (past its closing bracket; depth:
 * the brackets open before i, 1 from an array's element on), by
 * strings and bracket depth alone, eight bytes at a time; 0 when the
 * buffer ends first. A lookahead only: what it skips is parsed for real
 * afterwards, and any disagreement ends in the full parse. */
static size_t raw_skip_words(const char *b, size_t i, size_t n, size_t depth)
{
    while (i < n) {
        uint64_t hit;
        while (i + 8 <= n && !(hit = structural(bs_load(b + i))))
            i += 8;
        if (i + 8 <= n)
            i += first_hit(hit);
        else if (i >= n) /* the words ran to the end (fuzz_json found it) */
            break;
        char c = b[i++];
        if (c == '"') {
            for (;;) { /* to the closing quote: escapes skip a byte */
                while (i + 8 <= n) {
                    uint64_t w = bs_load(b + i);
                    if ((hit = bs_eq(w, '"') | bs_eq(w, '\\'))) {
                        i += first_hit(hit);
                        break;
                    }
                    i += 8;
                }
                while (i < n && b[i] != '"' && b[i] != '\\')
                    i++;
                if (i >= n)
                    return 0;
                if (b[i] == '"')
                    break;
                i += 2;
            }
            i++;
        } else if (c == '[' || c == '{') {
            depth++;
        } else if (c == ']' || c == '}') {
            if (depth == 0)
                return 0;
            if (--depth == 0)
                return i;
        }
    }
    return 0;
}

static size_t raw_skip(const char *b, size_t i, size_t n, size_t depth)
{
    return raw_skip_words(b, i, n, depth);
}
#endif

/* ---- items decoded ahead (doc_take's peek) ---- */

#define PCHUNK_ITEMS 64

/* Where and how long an item decoded ahead is; take.item_size bytes of
 * it follow. */
typedef struct {
    size_t at;
    doc_span span;
} pitem;

/* PCHUNK_ITEMS items in a row (a List of 10,000 Ingresses is held whole
 * until its kind is known: chunks, not one array grown by copies). */
struct pchunk {
    pchunk *next;
    size_t n, head; /* items in it; the first not committed */
    _Alignas(16) unsigned char data[];
};

static size_t pitem_size(const jreader *r)
{
    return (sizeof(pitem) + r->take.item_size + 15) & ~(size_t)15;
}

static pitem *pitem_at(const jreader *r, pchunk *c, size_t k)
{
    return (pitem *)(void *)(c->data + k * pitem_size(r));
}

static void *pitem_data(pitem *p)
{
    return p + 1;
}

/* Room for the next item (counted in plast->n once decoded); NULL out of
 * memory. */
static pitem *pend_slot(jreader *r)
{
    pchunk *c = r->plast;
    if (!c || c->n == PCHUNK_ITEMS) {
        if (!(c = malloc(sizeof *c + PCHUNK_ITEMS * pitem_size(r))))
            return NULL;
        c->next = NULL;
        c->n = c->head = 0;
        if (r->plast)
            r->plast->next = c;
        else
            r->pfirst = c;
        r->plast = c;
    }
    return pitem_at(r, c, c->n);
}

/* The oldest item not committed, NULL when none. */
static pitem *pend_head(jreader *r)
{
    for (pchunk *c; (c = r->pfirst) && c->head == c->n && c->n;) {
        r->pfirst = c->next;
        if (r->plast == c)
            r->plast = NULL;
        free(c);
    }
    return r->pfirst && r->pfirst->head < r->pfirst->n ? pitem_at(r, r->pfirst, r->pfirst->head)
                                                       : NULL;
}

/* Every item not committed given to drop. */
static void pend_drop(jreader *r)
{
    while (r->pfirst) {
        pchunk *c = r->pfirst;
        for (; c->head < c->n; c->head++)
            r->take.drop(pitem_data(pitem_at(r, c, c->head)), r->take.ud);
        r->pfirst = c->next;
        free(c);
    }
    r->plast = NULL;
}

/* From i: past the blanks, lines not counted (the lookahead's). */
static size_t blanks(const jreader *r, size_t i)
{
    while (i < r->len &&
           (r->buf[i] == ' ' || r->buf[i] == '\n' || r->buf[i] == '\t' || r->buf[i] == '\r'))
        i++;
    return i;
}

/* The items array at r->pos (its '[') as the lookahead passes it: each
 * item offered to peek while peek decodes them, what follows the last
 * one decoded only skipped. Where the array ends, or 0 as raw_skip. */
static size_t peek_items(jreader *r)
{
    size_t i = blanks(r, r->pos + 1);
    doc_span span;
    if (i >= r->len || r->buf[i] == ']')
        return raw_skip(r->buf, r->pos, r->len, 0);
    for (;;) {
        pitem *p = pend_slot(r);
        if (!p || r->take.peek(r->buf + i, r->len - i, &span, pitem_data(p), r->take.ud) <= 0)
            break;
        *p = (pitem){i, span};
        r->plast->n++;
        i = blanks(r, i + span.used);
        if (i < r->len && r->buf[i] == ']')
            return i + 1;
        if (i >= r->len || r->buf[i] != ',')
            break;
        i = blanks(r, i + 1);
    }
    /* what was decoded is valid JSON: the brackets before i balance */
    return raw_skip(r->buf, i, r->len, 1);
}

/* The items array of a List's lookahead: skipped (or decoded ahead), an
 * empty sequence in its place. Lines are not counted while skipping
 * (skim_line says where the count stopped). NULL when the skip fails. */
static doc_node *skim_items(jreader *r)
{
    r->items_at = r->pos;
    r->items_line = r->line;
    r->items_line_start = r->line_start;
    size_t end = r->take.peek ? peek_items(r) : raw_skip(r->buf, r->pos, r->len, 0);
    if (!end) {
        jfail(r, "unbalanced items");
        return NULL;
    }
    r->pos = end;
    r->skim_line = r->line;
    doc_node *v = doc_arena_node(r->arena, DOC_SEQ);
    if (!v)
        mp_errf(r->err, "%s: out of memory", r->name);
    return v;
}

static int read_entry(jreader *r, jmap *m, int depth)
{
    if (r->pos >= r->len || r->buf[r->pos] != '"')
        return jfail(r, r->pos >= r->len ? "unexpected end of input" : "expected a string key");
    int line = r->line, col = col_here(r);
    size_t kpos = r->pos, end;
    char *key = read_key(r, &end);
    if (!key)
        return -1;
    if (jmap_has_key(r, m, key)) {
        jfail_at(r, kpos, "duplicate key \"%.200s\"", key);
        doc_arena_key_free(r->arena, key);
        return -1;
    }
    if (jmap_len(r, m) >= DOC_MAX_MAP_KEYS) {
        jfail_at(r, kpos, "%s", "a map with more than 262144 keys: refused");
        doc_arena_key_free(r->arena, key);
        return -1;
    }
    skip_ws(r);
    if (r->pos >= r->len || r->buf[r->pos] != ':') {
        doc_arena_key_free(r->arena, key);
        return jfail(r, r->pos >= r->len ? "unexpected end of input" : "expected ':' after a key");
    }
    r->pos++;
    skip_ws(r);
    doc_node *v =
        depth == 0 && r->skim && r->pos < r->len && r->buf[r->pos] == '[' && !strcmp(key, "items")
            ? skim_items(r)
            : read_value(r, depth + 1);
    if (!v) {
        doc_arena_key_free(r->arena, key);
        return -1;
    }
    mark(v, line, col);
    return jmap_add(r, m, key, v);
}

static doc_node *read_object(jreader *r, int depth)
{
    jmap m = {.map = doc_arena_node(r->arena, DOC_MAP), .base = r->slen};
    if (!m.map) {
        mp_errf(r->err, "%s: out of memory", r->name);
        return NULL;
    }
    r->pos++;
    skip_ws(r);
    if (r->pos < r->len && r->buf[r->pos] == '}') {
        r->pos++;
        return m.map;
    }
    for (;;) {
        if (read_entry(r, &m, depth) < 0 || expect_sep(r, '}', "an object member") < 0)
            break;
        if (r->buf[r->pos++] == '}') {
            keyindex_free(&m.ix);
            if (!m.direct && scratch_move(r, m.map, m.base) < 0)
                break;
            return m.map;
        }
        skip_ws(r);
    }
    keyindex_free(&m.ix);
    scratch_drop(r, m.base);
    doc_free(m.map);
    return NULL;
}

static doc_node *read_array(jreader *r, int depth)
{
    doc_node *seq = doc_arena_node(r->arena, DOC_SEQ);
    if (!seq) {
        mp_errf(r->err, "%s: out of memory", r->name);
        return NULL;
    }
    r->pos++;
    skip_ws(r);
    if (r->pos < r->len && r->buf[r->pos] == ']') {
        r->pos++;
        return seq;
    }
    size_t base = r->slen;
    for (;;) {
        doc_node *v = read_value(r, depth + 1);
        if (!v || scratch_push(r, NULL, v) < 0)
            break;
        if (expect_sep(r, ']', "an array element") < 0)
            break;
        if (r->buf[r->pos++] == ']') {
            if (scratch_move(r, seq, base) < 0)
                break;
            return seq;
        }
        skip_ws(r);
    }
    scratch_drop(r, base);
    doc_free(seq);
    return NULL;
}

static doc_node *read_value(jreader *r, int depth)
{
    if (depth > DOC_MAX_DEPTH) {
        jfail(r, "nesting deeper than 256 levels");
        return NULL;
    }
    if (r->pos >= r->len) {
        jfail(r, "unexpected end of input");
        return NULL;
    }
    int line = r->line, col = col_here(r);
    doc_node *n;
    char c = r->buf[r->pos];
    if (c == '{') {
        n = read_object(r, depth);
    } else if (c == '[') {
        n = read_array(r, depth);
    } else if (c == '"') {
        n = read_string_node(r);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        n = read_number(r);
    } else {
        n = read_word(r);
    }
    if (n)
        mark(n, line, col);
    else if (r->err && !r->err->msg[0])
        mp_errf(r->err, "%s: out of memory", r->name);
    return n;
}

/* One top-level value: an object or an array (kubectl's decoder refuses
 * anything else as an object). */
static int check_doc_start(jreader *r)
{
    char c = r->buf[r->pos];
    if (c != '{' && c != '[') {
        char b[16];
        if (c == '"' || c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n')
            return jfail(r, "a JSON document must be an object or an array, not a scalar");
        return jfail_at(r, r->pos, "unexpected %s where a JSON document should start",
                        show_byte((unsigned char)c, b, sizeof b));
    }
    return 0;
}

static int read_document(jreader *r, doc_list *out)
{
    if (check_doc_start(r) < 0)
        return -1;
    doc_node *n = read_value(r, 0);
    if (!n)
        return -1;
    if (doc_list_push(out, n) < 0)
        return mp_errf(r->err, "%s: out of memory", r->name);
    return 0;
}

int doc_parse_json(const char *buf, size_t len, const char *name, doc_list *out, mp_err *err)
{
    mp_err local;
    if (!err)
        err = &local;
    err->msg[0] = '\0';
    jreader r = {.buf = buf, .len = len, .line = 1, .name = name ? name : "<input>", .err = err};
    if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3)) /* a UTF-8 byte order mark */
        r.pos = r.line_start = 3;
    size_t before = out->len;
    int rc = 0;
    for (skip_ws(&r); rc == 0 && r.pos < r.len; skip_ws(&r))
        rc = read_document(&r, out);
    scratch_drop(&r, 0); /* empty unless a document failed */
    free(r.skeys);
    free(r.svals);
    if (rc < 0)
        while (out->len > before)
            doc_free(out->docs[--out->len]);
    return rc;
}

/* ---- doc_reader: one document, or one item of a List, at a time ---- */

#define NO_ITEMS ((size_t)-1)

jreader *json_reader_new(const char *buf, size_t len, const char *name)
{
    jreader *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    *r = (jreader){.buf = buf, .len = len, .line = 1, .name = name ? name : "<input>"};
    if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3)) /* a UTF-8 byte order mark */
        r->pos = r->line_start = 3;
    return r;
}

void json_reader_free(jreader *r)
{
    if (!r)
        return;
    r->arena = NULL; /* every arena is owned by a root or freed on failure */
    pend_drop(r);
    scratch_drop(r, 0);
    free(r->skeys);
    free(r->svals);
    free(r);
}

/* One value at depth, in an arena of its own (the heap when none can be
 * had), owned by its root. */
static doc_node *read_owned(jreader *r, int depth)
{
    r->arena = r->arena_size ? doc_arena_new_sized(r->arena_size) : doc_arena_new();
    doc_node *n = read_value(r, depth);
    if (n)
        doc_arena_adopt(n);
    else
        doc_arena_free(r->arena);
    r->arena = NULL;
    return n;
}

/* Past a List's items: its last keys, read by the lookahead, are skipped. */
static void end_items(jreader *r)
{
    if (r->item_depth == 2) {
        r->pos = r->tail_end;
        r->line += r->tail_lines;
        if (r->tail_lines)
            r->line_start = r->tail_line_start;
    }
    r->item_depth = 0;
    pend_drop(r); /* none left, unless the reader and peek disagreed */
}

/* At an items array's '[': 1 when it has an item to read, 0 when empty
 * (consumed). */
static int open_items(jreader *r, int depth)
{
    r->pos++;
    skip_ws(r);
    r->item_depth = depth;
    r->item_next = 0;
    if (r->pos < r->len && r->buf[r->pos] == ']') {
        r->pos++;
        end_items(r);
        return 0;
    }
    return 1;
}

/* The next item, as read_array reads its elements. */
static int next_item(jreader *r, doc_node **out, size_t *item)
{
    doc_node *v = read_owned(r, r->item_depth);
    if (!v)
        return -1;
    if (expect_sep(r, ']', "an array element") < 0) {
        doc_free(v);
        return -1;
    }
    if (r->buf[r->pos++] == ']')
        end_items(r);
    else
        skip_ws(r);
    *out = v;
    *item = r->item_next++;
    return 1;
}

/* The object at r->pos with its items array skipped: a List when is_list
 * says so, its items then read one by one (1, at the first; 0 when it has
 * none). Anything else (no items array, not a List, a lookahead that
 * fails) is read whole in *out, as doc_parse_json reads it. */
static int open_object(jreader *r, bool (*is_list)(const doc_node *), doc_node **out)
{
    size_t start = r->pos, line_start = r->line_start;
    int line = r->line;
    mp_err *err = r->err, quiet = {""};
    r->err = &quiet;
    r->skim = true;
    r->items_at = NO_ITEMS;
    doc_node *sk = read_owned(r, 0);
    r->skim = false;
    r->err = err;
    if (sk && r->items_at == NO_ITEMS) { /* nothing skipped: the document itself */
        *out = sk;
        return 1;
    }
    bool list = sk && is_list(sk);
    doc_free(sk);
    if (!list) {
        pend_drop(r);
        r->pos = start, r->line = line, r->line_start = line_start;
        *out = read_owned(r, 0);
        return *out ? 1 : -1;
    }
    r->tail_end = r->pos;
    r->tail_lines = r->line - r->skim_line;
    r->tail_line_start = r->line_start;
    r->pos = r->items_at, r->line = r->items_line, r->line_start = r->items_line_start;
    *out = NULL;
    return open_items(r, 2);
}

/* The next item offered to take: 1 taken (the reader is past it and its
 * separator, as next_item leaves it), 0 not, -1 with err when what
 * follows it is not JSON, -2 when take failed. The span's line breaks
 * (the taker's count: it read every byte) move the reader's line, so
 * that later positions are the tree path's. */
static int take_item(jreader *r, const doc_take *take)
{
    doc_span span = {0, 0, 0};
    pitem *p = pend_head(r);
    int t;
    if (p && p->at == r->pos) { /* decoded ahead: commit stands for fn */
        span = p->span;
        r->pfirst->head++;
        t = r->take.commit(pitem_data(p), r->take.ud);
    } else {
        pend_drop(r); /* none, unless the reader and peek disagreed */
        t = take->fn(r->buf + r->pos, r->len - r->pos, &span, take->ud);
    }
    if (t <= 0)
        return t < 0 ? -2 : 0;
    r->line += (int)span.lines;
    if (span.lines)
        r->line_start = r->pos + span.line_start;
    r->pos += span.used;
    r->item_next++;
    if (expect_sep(r, ']', "an array element") < 0)
        return -1;
    if (r->buf[r->pos++] == ']')
        end_items(r);
    else
        skip_ws(r);
    return 1;
}

int json_reader_next(jreader *r, bool (*is_list)(const doc_node *), const doc_take *take,
                     doc_node **out, size_t *doc, size_t *item, mp_err *err)
{
    *out = NULL;
    r->err = err;
    err->msg[0] = '\0';
    for (;;) {
        *doc = r->doc_index;
        *item = DOC_READER_WHOLE;
        if (r->item_depth) {
            if (!take)
                pend_drop(r);
            int t = take ? take_item(r, take) : 0;
            if (t > 0)
                continue;
            if (t < 0)
                return t == -2 ? DOC_READER_STOPPED : -1;
            return next_item(r, out, item);
        }
        skip_ws(r);
        if (r->pos >= r->len)
            return 0;
        if (check_doc_start(r) < 0)
            return -1;
        *doc = ++r->doc_index;
        int rc;
        if (!is_list) {
            rc = (*out = read_owned(r, 0)) ? 1 : -1;
        } else if (r->buf[r->pos] == '{') {
            pend_drop(r);
            r->take = take && take->peek ? *take : (doc_take){0};
            rc = open_object(r, is_list, out);
        } else {
            doc_node *empty = doc_seq_new(); /* what a top-level array is to is_list */
            bool list = empty && is_list(empty);
            doc_free(empty);
            rc = list ? open_items(r, 1) : (*out = read_owned(r, 0)) ? 1 : -1;
        }
        if (rc < 0 || *out)
            return rc;
        /* rc > 0: at the first item, read (or taken) at the top */
    }
}

/* ---- doc_jparser: one value per buffer, the scratch kept ---- */

struct doc_jparser {
    jreader r;
};

/* Room for the tree of a JSON value of len bytes (at most: the value may
 * end before len) in the first block of its arena, so that doc_shrink
 * can cut it in place: Kubernetes objects take 2-3 times their compact
 * JSON in nodes. A tree that needs more takes more blocks. */
static size_t arena_guess(size_t len)
{
    return len < 64 * 1024 ? 4 * len + 1024 : 256 * 1024;
}

doc_jparser *doc_jparser_new(void)
{
    return calloc(1, sizeof(doc_jparser));
}

void doc_jparser_free(doc_jparser *p)
{
    if (!p)
        return;
    free(p->r.skeys);
    free(p->r.svals);
    free(p);
}

int doc_jparser_read(doc_jparser *p, const char *buf, size_t len, const char *name, size_t *used,
                     doc_node **out, mp_err *err)
{
    mp_err local;
    if (!err)
        err = &local;
    err->msg[0] = '\0';
    *out = NULL;
    jreader *r = &p->r;
    /* the scratch arrays are kept: they are empty between documents */
    *r = (jreader){.buf = buf,
                   .len = len,
                   .line = 1,
                   .name = name ? name : "<input>",
                   .err = err,
                   .skeys = r->skeys,
                   .svals = r->svals,
                   .scap = r->scap,
                   .arena_size = arena_guess(len)};
    if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3)) /* a UTF-8 byte order mark */
        r->pos = r->line_start = 3;
    skip_ws(r);
    if (r->pos >= r->len)
        return mp_errf(err, "%s: no JSON value", r->name);
    if (check_doc_start(r) < 0)
        return -1;
    doc_node *n = read_owned(r, 0); /* a failed value leaves no scratch behind */
    if (!n)
        return -1;
    if (used) {
        *used = r->pos;
    } else {
        skip_ws(r);
        if (r->pos < r->len) {
            doc_free(n);
            return mp_errf(err, "%s: more than one JSON value", r->name);
        }
    }
    *out = n;
    return 0;
}
