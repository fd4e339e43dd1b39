/* doc.c - the generic document tree: construction, access, comparison. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/doc.h"
#include "model/keyindex.h"
#include "model/strbuf.h"

static doc_node *node_new(doc_kind kind)
{
    doc_node *n = calloc(1, sizeof *n);
    if (n)
        n->kind = kind;
    return n;
}

doc_node *doc_map_new(void)
{
    return node_new(DOC_MAP);
}

doc_node *doc_seq_new(void)
{
    return node_new(DOC_SEQ);
}

/* A scalar's text lives in the same block, in place of the keys and items
 * a scalar has no use for: one allocation instead of two for the
 * commonest node of every tree (half a million at 10,000 Ingresses), and
 * 16 bytes less than a node followed by its text. cap, unused by scalars, says so:
 * SCALAR_INLINE text is freed with the node; 0 (doc_str_adopt) on its own. */
#define SCALAR_INLINE 1
#define SCALAR_HEAD   offsetof(doc_node, keys)

static doc_node *scalar_n(doc_type type, const char *s, size_t len)
{
    /* never less than a node: every field stays inside the block (and a
     * short text costs the same 64-byte chunk either way) */
    size_t size = SCALAR_HEAD + len + 1;
    doc_node *n = calloc(1, size > sizeof *n ? size : sizeof *n);
    if (!n)
        return NULL;
    n->kind = DOC_SCALAR;
    n->type = type;
    n->cap = SCALAR_INLINE;
    n->text = (char *)n + SCALAR_HEAD;
    memcpy(n->text, s, len);
    n->text[len] = '\0';
    n->len = len;
    return n;
}

int doc_scalar_set(doc_node *n, doc_type type, const char *text)
{
    if (!n || n->kind != DOC_SCALAR)
        return -1;
    size_t len = strlen(text);
    if (n->cap == SCALAR_INLINE && len <= n->len) {
        memmove(n->text, text, len + 1); /* fits the node's own block */
    } else {
        char *t = strdup(text);
        if (!t)
            return -1;
        if (n->cap != SCALAR_INLINE)
            free(n->text);
        n->text = t;
        n->cap = 0;
    }
    n->len = len;
    n->type = type;
    return 0;
}

doc_node *doc_scalar_new(doc_type type, const char *text)
{
    return scalar_n(type, text, strlen(text));
}

doc_node *doc_str_new(const char *s)
{
    return scalar_n(DOC_STR, s, strlen(s));
}

doc_node *doc_strn_new(const char *s, size_t n)
{
    return scalar_n(DOC_STR, s, n);
}

doc_node *doc_int_new(long long v)
{
    char buf[32]; /* "%lld" without snprintf: generated ports and counts */
    size_t n = 0;
    unsigned long long u = (unsigned long long)v;
    if (v < 0) {
        buf[n++] = '-';
        u = 0 - u;
    }
    n += str_utoa(buf + n, u);
    return scalar_n(DOC_INT, buf, n);
}

doc_node *doc_bool_new(bool v)
{
    return doc_scalar_new(DOC_BOOL, v ? "true" : "false");
}

doc_node *doc_null_new(void)
{
    return doc_scalar_new(DOC_NULL, "null");
}

void doc_free(doc_node *n)
{
    if (!n)
        return;
    if (n->kind == DOC_SCALAR) {
        if (n->cap != SCALAR_INLINE)
            free(n->text);
    } else {
        for (size_t i = 0; i < n->len; i++) {
            if (n->keys)
                doc_key_free(n->keys[i]);
            doc_free(n->items[i]);
        }
        free(n->items); /* a map's keys share its block (grow_to) */
    }
    free(n);
}

doc_node *doc_clone(const doc_node *n)
{
    if (!n)
        return NULL;
    doc_node *c;
    if (n->kind == DOC_SCALAR) {
        c = scalar_n(n->type, n->text, strlen(n->text));
    } else {
        c = node_new(n->kind);
        if (c && doc_reserve(c, n->len) < 0) {
            doc_free(c);
            return NULL;
        }
        /* the source's keys are distinct already: appended, not looked up
         * (a lookup per key made cloning a big map quadratic) */
        for (size_t i = 0; c && i < n->len; i++) {
            doc_node *v = doc_clone(n->items[i]);
            char *k = n->kind == DOC_MAP ? doc_key_dup(n->keys[i], strlen(n->keys[i])) : NULL;
            int rc = n->kind == DOC_MAP ? doc_map_append_adopt(c, k, v) : doc_seq_push(c, v);
            if (rc < 0) {
                doc_free(c);
                return NULL;
            }
        }
    }
    if (c) {
        c->line = n->line;
        c->col = n->col;
    }
    return c;
}

static int grow_to(doc_node *n, size_t cap);

/* Room for one more entry. Most maps and sequences of Kubernetes objects
 * hold one or two (port: {number}, paths: [one], route: [one]): two slots
 * fit the smallest heap chunk, where four took the next size, twice per map. */
static int reserve(doc_node *n)
{
    if (n->len < n->cap)
        return 0;
    return grow_to(n, n->cap ? n->cap * 2 : 2);
}

int doc_reserve(doc_node *n, size_t cap)
{
    return !n || n->kind == DOC_SCALAR ? -1 : cap <= n->cap ? 0 : grow_to(n, cap);
}

/* A map's items and keys are one block, items[cap] then keys[cap]: one
 * malloc and one free per map instead of two (a list item holds a dozen
 * maps). A sequence's block holds its items only. */
static int grow_to(doc_node *n, size_t cap)
{
    if (n->kind != DOC_MAP) {
        doc_node **items = realloc(n->items, cap * sizeof *items);
        if (!items)
            return -1;
        n->items = items;
        n->cap = cap;
        return 0;
    }
    doc_node **items = malloc(cap * (sizeof *items + sizeof *n->keys));
    if (!items)
        return -1;
    char **keys = (char **)(items + cap);
    if (n->len) {
        memcpy(items, n->items, n->len * sizeof *items);
        memcpy(keys, n->keys, n->len * sizeof *keys);
    }
    free(n->items);
    n->items = items;
    n->keys = keys;
    n->cap = cap;
    return 0;
}

static long find_key(const doc_node *map, const char *key)
{
    if (!map || map->kind != DOC_MAP)
        return -1;
    for (size_t i = 0; i < map->len; i++) /* first byte first: most keys differ there */
        if (map->keys[i][0] == key[0] && !strcmp(map->keys[i], key))
            return (long)i;
    return -1;
}

int doc_map_set(doc_node *map, const char *key, doc_node *value)
{
    if (!map || map->kind != DOC_MAP || !value) {
        doc_free(value);
        return -1;
    }
    long i = find_key(map, key);
    if (i >= 0) {
        doc_free(map->items[i]);
        map->items[i] = value;
        return 0;
    }
    char *k = doc_key_dup(key, strlen(key));
    if (!k || reserve(map) < 0) {
        doc_key_free(k);
        doc_free(value);
        return -1;
    }
    map->keys[map->len] = k;
    map->items[map->len++] = value;
    return 0;
}

doc_node *doc_str_adopt(char *s, size_t len)
{
    doc_node *n = node_new(DOC_SCALAR);
    if (!n) {
        free(s);
        return NULL;
    }
    n->type = DOC_STR;
    n->text = s;
    n->len = len;
    return n;
}

int doc_map_append_adopt(doc_node *map, char *key, doc_node *value)
{
    if (!map || map->kind != DOC_MAP || !key || !value || reserve(map) < 0) {
        doc_key_free(key);
        doc_free(value);
        return -1;
    }
    map->keys[map->len] = key;
    map->items[map->len++] = value;
    return 0;
}

int doc_map_set_str(doc_node *map, const char *key, const char *value)
{
    return doc_map_set(map, key, doc_str_new(value));
}

doc_node *doc_map_take(doc_node *map, const char *key)
{
    long i = find_key(map, key);
    if (i < 0)
        return NULL;
    doc_node *v = map->items[i];
    doc_key_free(map->keys[i]);
    memmove(map->keys + i, map->keys + i + 1, (map->len - (size_t)i - 1) * sizeof *map->keys);
    memmove(map->items + i, map->items + i + 1, (map->len - (size_t)i - 1) * sizeof *map->items);
    map->len--;
    return v;
}

void doc_map_del(doc_node *map, const char *key)
{
    doc_free(doc_map_take(map, key));
}

doc_node *doc_get(const doc_node *map, const char *key)
{
    long i = find_key(map, key);
    return i < 0 ? NULL : map->items[i];
}

doc_node *doc_getv(const doc_node *n, ...)
{
    va_list ap;
    va_start(ap, n);
    const char *key;
    doc_node *cur = (doc_node *)n;
    while (cur && (key = va_arg(ap, const char *)) != NULL)
        cur = doc_get(cur, key);
    va_end(ap);
    return cur;
}

doc_node *doc_map_ensure(doc_node *map, const char *key, doc_kind kind)
{
    if (!map || map->kind != DOC_MAP)
        return NULL;
    doc_node *v = doc_get(map, key);
    if (v)
        return v->kind == kind ? v : NULL;
    v = node_new(kind);
    if (!v || doc_map_set(map, key, v) < 0)
        return NULL;
    return v;
}

int doc_seq_push(doc_node *seq, doc_node *value)
{
    if (!seq || seq->kind != DOC_SEQ || !value || reserve(seq) < 0) {
        doc_free(value);
        return -1;
    }
    seq->items[seq->len++] = value;
    return 0;
}

doc_node *doc_at(const doc_node *seq, size_t i)
{
    if (!seq || seq->kind != DOC_SEQ || i >= seq->len)
        return NULL;
    return seq->items[i];
}

const char *doc_str(const doc_node *n)
{
    return n && n->kind == DOC_SCALAR ? n->text : NULL;
}

const char *doc_get_str(const doc_node *map, const char *key)
{
    return doc_str(doc_get(map, key));
}

bool doc_is_map(const doc_node *n)
{
    return n && n->kind == DOC_MAP;
}

bool doc_is_seq(const doc_node *n)
{
    return n && n->kind == DOC_SEQ;
}

bool doc_is_scalar(const doc_node *n)
{
    return n && n->kind == DOC_SCALAR;
}

bool doc_is_null(const doc_node *n)
{
    return !n || (n->kind == DOC_SCALAR && n->type == DOC_NULL);
}

/* Parses YAML 1.1 integer spellings (underscores, 0x, 0b, 0o, leading-0 octal). */
static bool parse_int(const char *s, long long *out)
{
    char buf[80];
    size_t j = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '_')
            continue;
        if (j + 1 >= sizeof buf)
            return false;
        buf[j++] = *p;
    }
    buf[j] = '\0';
    if (!j)
        return false;
    const char *d = buf;
    int sign = 1;
    if (*d == '+' || *d == '-')
        sign = *d++ == '-' ? -1 : 1;
    int base = 10;
    if (d[0] == '0' && (d[1] == 'x' || d[1] == 'X'))
        base = 16, d += 2;
    else if (d[0] == '0' && (d[1] == 'b' || d[1] == 'B'))
        base = 2, d += 2;
    else if (d[0] == '0' && (d[1] == 'o' || d[1] == 'O'))
        base = 8, d += 2;
    else if (d[0] == '0' && d[1])
        base = 8, d += 1;
    if (!*d)
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(d, &end, base);
    if (*end || errno)
        return false;
    *out = sign * v;
    return true;
}

bool doc_as_int(const doc_node *n, long long *out)
{
    if (!n || n->kind != DOC_SCALAR)
        return false;
    if (n->type == DOC_INT)
        return parse_int(n->text, out);
    if (n->type != DOC_STR || !n->text[0])
        return false;
    for (const char *p = n->text; *p; p++)
        if (!isdigit((unsigned char)*p) && !(p == n->text && *p == '-'))
            return false;
    return parse_int(n->text, out);
}

bool doc_as_bool(const doc_node *n, bool *out)
{
    if (!n || n->kind != DOC_SCALAR)
        return false;
    if (n->type == DOC_BOOL || n->type == DOC_STR) {
        if (!strcasecmp(n->text, "true")) {
            *out = true;
            return true;
        }
        if (!strcasecmp(n->text, "false")) {
            *out = false;
            return true;
        }
    }
    return false;
}

/* Maps as sets of keys: b's keys indexed once, not scanned per key. */
static bool map_equal_unordered(const doc_node *a, const doc_node *b)
{
    keyindex ix = {0};
    if (keyindex_add(&ix, b, b->len ? b->len - 1 : 0) < 0)
        return false; /* out of memory: "different" is the safe answer */
    bool eq = true;
    for (size_t i = 0; eq && i < a->len; i++) {
        long j = keyindex_find(&ix, b, a->keys[i]);
        eq = j >= 0 && doc_equal(a->items[i], b->items[j], false);
    }
    keyindex_free(&ix);
    return eq;
}

bool doc_equal(const doc_node *a, const doc_node *b, bool ordered)
{
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind || a->len != b->len)
        return false;
    if (a->kind == DOC_SCALAR)
        return a->type == b->type && !strcmp(a->text, b->text);
    if (a->kind == DOC_MAP && !ordered)
        return map_equal_unordered(a, b);
    for (size_t i = 0; i < a->len; i++) {
        if (a->kind == DOC_MAP && strcmp(a->keys[i], b->keys[i]))
            return false;
        if (!doc_equal(a->items[i], b->items[i], ordered))
            return false;
    }
    return true;
}

void doc_map_order(doc_node *map, const char *const *first, size_t nfirst)
{
    if (!map || map->kind != DOC_MAP)
        return;
    size_t pos = 0;
    for (size_t f = 0; f < nfirst; f++) {
        long i = find_key(map, first[f]);
        if (i < 0 || (size_t)i < pos)
            continue;
        char *k = map->keys[i];
        doc_node *v = map->items[i];
        memmove(map->keys + pos + 1, map->keys + pos, ((size_t)i - pos) * sizeof *map->keys);
        memmove(map->items + pos + 1, map->items + pos, ((size_t)i - pos) * sizeof *map->items);
        map->keys[pos] = k;
        map->items[pos] = v;
        pos++;
    }
}
