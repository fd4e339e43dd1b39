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
#include "model/doc_arena.h"
#include "model/keyindex.h"
#include "model/strbuf.h"

static doc_node *node_new(doc_kind kind)
{
    doc_node *n = calloc(1, sizeof *n);
    if (n)
        n->kind = kind;
    return n;
}

doc_node *doc_arena_node_more(doc_arena *a, doc_kind kind)
{
    if (!a)
        return node_new(kind);
    doc_node *n = doc_arena_alloc(a, sizeof *n);
    if (n) {
        memset(n, 0, sizeof *n);
        n->kind = kind;
        n->cap = (size_t)(uintptr_t)a | DOC_ARENA_BIT;
    }
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

doc_node *doc_arena_scalar_more(doc_arena *a, doc_type type, const char *s, size_t len)
{
    if (!a)
        return scalar_n(type, s, len);
    size_t size = SCALAR_HEAD + len + 1;
    doc_node *n = doc_arena_alloc(a, size > sizeof *n ? size : sizeof *n);
    if (!n)
        return NULL;
    memset(n, 0, SCALAR_HEAD);
    n->kind = DOC_SCALAR;
    n->type = type;
    n->cap = (size_t)(uintptr_t)a | DOC_ARENA_BIT;
    n->text = (char *)n + SCALAR_HEAD;
    memcpy(n->text, s, len);
    n->text[len] = '\0';
    n->len = len;
    return n;
}

char *doc_arena_key_copy(doc_arena *a, const char *s, size_t n)
{
    if (!a)
        return strndup(s, n);
    char *c = doc_arena_alloc(a, n + 1);
    if (c) {
        memcpy(c, s, n);
        c[n] = '\0';
    }
    return c;
}

void doc_arena_key_free(doc_arena *a, char *key)
{
    if (!a)
        doc_key_free(key);
    else if (!doc_key_is_static(key))
        doc_arena_release(a, key);
}

void doc_arena_adopt(doc_node *root)
{
    if (root && doc_arena_of(root))
        root->cap |= DOC_ARENA_ROOT;
}

bool doc_in_arena(const doc_node *n)
{
    return n && doc_arena_of(n);
}

/* An arena scalar's text is its own either way: inline, or a piece of
 * the arena once doc_scalar_set made it longer. */
static int arena_scalar_set(doc_arena *a, doc_node *n, size_t len, const char *text)
{
    if (len > n->len) {
        char *t = doc_arena_alloc(a, len + 1);
        if (!t)
            return -1;
        if (n->text != (char *)n + SCALAR_HEAD)
            doc_arena_release(a, n->text);
        n->text = t;
    }
    memmove(n->text, text, len + 1);
    return 0;
}

int doc_scalar_set(doc_node *n, doc_type type, const char *text)
{
    if (!n || n->kind != DOC_SCALAR)
        return -1;
    size_t len = strlen(text);
    doc_arena *a = doc_arena_of(n);
    if (a) {
        if (arena_scalar_set(a, n, len, text) < 0)
            return -1;
    } else if (n->cap == SCALAR_INLINE && len <= n->len) {
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

/* What hangs below n and is not a's own (heap nodes, other arenas'
 * roots) is freed; with give_back, n's own pieces too (sanitizer builds
 * free a dropped node at once, so a stale pointer to it is reported). */
static void drop_walk(doc_arena *a, doc_node *n, bool give_back)
{
    if (n->kind != DOC_SCALAR) {
        for (size_t i = 0; i < n->len; i++) {
            doc_node *c = n->items[i];
            if (c && doc_arena_of(c) == a && !(c->cap & DOC_ARENA_ROOT))
                drop_walk(a, c, give_back);
            else
                doc_free(c);
            if (give_back && n->keys)
                doc_arena_key_free(a, n->keys[i]);
        }
        if (give_back && n->items)
            doc_arena_release(a, (size_t *)n->items - 1);
    } else if (give_back && n->text != (char *)n + SCALAR_HEAD) {
        doc_arena_release(a, n->text);
    }
    if (give_back)
        doc_arena_release(a, n);
}

/* An arena node: its memory goes with the arena, which its root frees
 * at once; a tree that holds nodes of other owners walks to free those. */
static void arena_drop(doc_arena *a, doc_node *n)
{
    bool root = n->cap & DOC_ARENA_ROOT;
    bool give_back = !root && doc_arena_checks();
    if (give_back || doc_arena_is_mixed(a))
        drop_walk(a, n, give_back);
    if (root)
        doc_arena_free(a);
}

void doc_free(doc_node *n)
{
    if (!n)
        return;
    doc_arena *a = doc_arena_of(n);
    if (a) {
        arena_drop(a, n);
        return;
    }
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

/* An arena container's capacity heads its items block (its cap field
 * names the arena). */
static size_t cap_of(const doc_node *n)
{
    if (!doc_arena_of(n))
        return n->cap;
    return n->items ? ((const size_t *)n->items)[-1] : 0;
}

/* Room for one more entry. Most maps and sequences of Kubernetes objects
 * hold one or two (port: {number}, paths: [one], route: [one]): two slots
 * fit the smallest heap chunk, where four took the next size, twice per map. */
static int reserve(doc_node *n)
{
    size_t cap = cap_of(n);
    if (n->len < cap)
        return 0;
    return grow_to(n, cap ? cap * 2 : 2);
}

int doc_reserve(doc_node *n, size_t cap)
{
    return !n || n->kind == DOC_SCALAR ? -1 : cap <= cap_of(n) ? 0 : grow_to(n, cap);
}

/* A map's items and keys are one block, items[cap] then keys[cap]: one
 * malloc and one free per map instead of two (a list item holds a dozen
 * maps). A sequence's block holds its items only. */
static int arena_grow_to(doc_arena *a, doc_node *n, size_t cap)
{
    size_t slot = sizeof *n->items + (n->kind == DOC_MAP ? sizeof *n->keys : 0);
    size_t *old = n->items ? (size_t *)n->items - 1 : NULL;
    if (old && doc_arena_extend(a, old, sizeof *old + old[0] * slot, sizeof *old + cap * slot)) {
        /* the newest piece (a root just read): grown where it is */
        if (n->keys) {
            n->keys = (char **)(n->items + cap);
            memmove(n->keys, n->items + old[0], n->len * sizeof *n->keys);
        }
        old[0] = cap;
        return 0;
    }
    size_t *blk = doc_arena_alloc(a, sizeof *blk + cap * slot);
    if (!blk)
        return -1;
    blk[0] = cap;
    doc_node **items = (doc_node **)(blk + 1);
    char **keys = n->kind == DOC_MAP ? (char **)(items + cap) : NULL;
    if (n->len) {
        memcpy(items, n->items, n->len * sizeof *items);
        if (keys)
            memcpy(keys, n->keys, n->len * sizeof *keys);
    }
    if (n->items)
        doc_arena_release(a, (size_t *)n->items - 1);
    n->items = items;
    n->keys = keys;
    return 0;
}

static int grow_to(doc_node *n, size_t cap)
{
    doc_arena *a = doc_arena_of(n);
    if (a)
        return arena_grow_to(a, n, cap);
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
    for (size_t i = 0; i < map->len; i++) { /* first byte first: most keys differ there */
        const char *k = map->keys[i];
        if (k[0] != key[0])
            continue;
        if (!k[0]) /* both "": nothing after the NUL to read */
            return (long)i;
        /* the rest here, not in a call of strcmp: keys are short (a
         * lookup of 8 bytes cost the call and its setup twice over) */
        size_t j = 1;
        while (k[j] && k[j] == key[j])
            j++;
        if (k[j] == key[j])
            return (long)i;
    }
    return -1;
}

/* A value that is not its arena container's own node (a heap node,
 * another arena's root) makes the tree mixed: its root's doc_free walks. */
static void note_child(const doc_node *c, const doc_node *v)
{
    doc_arena *a = doc_arena_of(c);
    if (a && (doc_arena_of(v) != a || (v->cap & DOC_ARENA_ROOT)))
        doc_arena_set_mixed(a);
}

/* A node taken out of an arena tree outlives it: a heap copy, the
 * original dropped in place. NULL out of memory (v untouched). */
static doc_node *take_out(const doc_node *c, doc_node *v)
{
    doc_arena *a = doc_arena_of(c);
    if (!a || !v || doc_arena_of(v) != a || (v->cap & DOC_ARENA_ROOT))
        return v;
    doc_node *copy = doc_clone(v);
    if (copy)
        doc_free(v);
    return copy;
}

int doc_map_set(doc_node *map, const char *key, doc_node *value)
{
    if (!map || map->kind != DOC_MAP || !value) {
        doc_free(value);
        return -1;
    }
    long i = find_key(map, key);
    doc_arena *a = doc_arena_of(map);
    if (i >= 0) {
        doc_free(map->items[i]);
        map->items[i] = value;
        note_child(map, value);
        return 0;
    }
    char *k = doc_arena_key(a, key, strlen(key));
    if (!k || reserve(map) < 0) {
        if (k)
            doc_arena_key_free(a, k);
        doc_free(value);
        return -1;
    }
    map->keys[map->len] = k;
    map->items[map->len++] = value;
    note_child(map, value);
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
    doc_arena *a = map ? doc_arena_of(map) : NULL;
    if (a && key && !doc_key_is_static(key)) { /* the tree's keys are its arena's */
        char *k = doc_arena_key(a, key, strlen(key));
        free(key);
        key = k;
    }
    if (!map || map->kind != DOC_MAP || !key || !value || reserve(map) < 0) {
        if (key)
            doc_arena_key_free(a, key);
        doc_free(value);
        return -1;
    }
    map->keys[map->len] = key;
    map->items[map->len++] = value;
    note_child(map, value);
    return 0;
}

int doc_arena_set_all(doc_node *c, char *const *keys, doc_node *const *items, size_t n)
{
    doc_arena *a = doc_arena_of(c);
    if (!a || c->len || c->items || !n) { /* not the case this is for: one by one */
        if (doc_reserve(c, c->len + n) < 0)
            return -1;
        for (size_t i = 0; i < n; i++)
            doc_arena_append(c, keys ? keys[i] : NULL, items[i]);
        return 0;
    }
    /* arena_grow_to's block for an empty container, made here: this runs
     * once per map and sequence read (177,000 at 14,000 objects) */
    bool map = c->kind == DOC_MAP;
    size_t *blk = doc_arena_alloc(a, sizeof *blk + n * (sizeof *items + (map ? sizeof *keys : 0)));
    if (!blk)
        return -1;
    blk[0] = n;
    c->items = (doc_node **)(blk + 1);
    memcpy(c->items, items, n * sizeof *items);
    if (map) {
        c->keys = (char **)(c->items + n);
        memcpy(c->keys, keys, n * sizeof *keys);
    }
    c->len = n;
    return 0;
}

int doc_arena_append(doc_node *c, char *key, doc_node *value)
{
    if (reserve(c) < 0)
        return -1;
    if (c->kind == DOC_MAP)
        c->keys[c->len] = key;
    c->items[c->len++] = value;
    return 0;
}

int doc_map_set_str(doc_node *map, const char *key, const char *value)
{
    /* in the map's arena: a heap node would make its tree mixed */
    doc_arena *a = map ? doc_arena_of(map) : NULL;
    return doc_map_set(map, key, doc_arena_scalar(a, DOC_STR, value, strlen(value)));
}

int doc_map_prepend_strs(doc_node *map, const char *const *keys, const char *const *values,
                         size_t n)
{
    if (!map || map->kind != DOC_MAP || n > 4 || doc_reserve(map, map->len + n))
        return -1;
    doc_arena *a = doc_arena_of(map);
    char *k[4];
    doc_node *v[4];
    size_t made = 0;
    for (; made < n; made++) {
        /* a key of the shared table is taken as it is (doc_key_static's) */
        k[made] = doc_key_is_static(keys[made]) ? (char *)keys[made]
                                                : doc_arena_key(a, keys[made], strlen(keys[made]));
        v[made] = doc_arena_scalar(a, DOC_STR, values[made], strlen(values[made]));
        if (!k[made] || !v[made])
            break;
    }
    if (made < n) {
        for (size_t i = 0; i <= made && i < n; i++) {
            if (k[i])
                doc_arena_key_free(a, k[i]);
            doc_free(v[i]);
        }
        return -1;
    }
    memmove(map->keys + n, map->keys, map->len * sizeof *map->keys);
    memmove(map->items + n, map->items, map->len * sizeof *map->items);
    memcpy(map->keys, k, n * sizeof *k);
    memcpy(map->items, v, n * sizeof *v);
    map->len += n;
    return 0;
}

doc_node *doc_map_take(doc_node *map, const char *key)
{
    long i = find_key(map, key);
    if (i < 0)
        return NULL;
    doc_node *v = take_out(map, map->items[i]);
    if (!v)
        return NULL;
    doc_arena_key_free(doc_arena_of(map), map->keys[i]);
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
    v = doc_arena_node(doc_arena_of(map), kind);
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
    note_child(seq, value);
    return 0;
}

doc_node *doc_seq_take(doc_node *seq, size_t i)
{
    if (!seq || seq->kind != DOC_SEQ || i >= seq->len || !seq->items[i])
        return NULL;
    doc_node *v = take_out(seq, seq->items[i]);
    if (v)
        seq->items[i] = NULL;
    return v;
}

int doc_seq_set(doc_node *seq, size_t i, doc_node *value)
{
    if (!seq || seq->kind != DOC_SEQ || i >= seq->len || !value) {
        doc_free(value);
        return -1;
    }
    doc_free(seq->items[i]);
    seq->items[i] = value;
    note_child(seq, value);
    return 0;
}

void doc_free_entry(doc_node *c, size_t i)
{
    if (!c || c->kind == DOC_SCALAR || i >= c->len)
        return;
    if (c->keys)
        doc_arena_key_free(doc_arena_of(c), c->keys[i]);
    doc_free(c->items[i]);
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

/* ---- doc_pack: a tree in one block of exactly its size ---- */

static size_t round8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

static size_t scalar_bytes(size_t len)
{
    size_t size = SCALAR_HEAD + len + 1;
    return round8(size > sizeof(doc_node) ? size : sizeof(doc_node));
}

/* What pack_copy takes from the arena for n, piece by piece, rounded as
 * doc_arena_alloc rounds them. */
static size_t pack_bytes(const doc_node *n)
{
    if (!n)
        return 0;
    if (n->kind == DOC_SCALAR)
        return scalar_bytes(n->len);
    size_t slot = sizeof *n->items + (n->kind == DOC_MAP ? sizeof *n->keys : 0);
    size_t size = round8(sizeof *n) + (n->len ? round8(sizeof(size_t) + n->len * slot) : 0);
    for (size_t i = 0; i < n->len; i++) {
        if (n->kind == DOC_MAP && !doc_key_is_static(n->keys[i]))
            size += round8(strlen(n->keys[i]) + 1);
        size += pack_bytes(n->items[i]);
    }
    return size;
}

static doc_node *pack_copy(doc_arena *a, const doc_node *n)
{
    doc_node *c;
    if (n->kind == DOC_SCALAR) {
        c = doc_arena_scalar(a, n->type, n->text, n->len);
    } else {
        c = doc_arena_node(a, n->kind);
        if (c && n->len && arena_grow_to(a, c, n->len) < 0)
            return NULL;
        for (size_t i = 0; c && i < n->len; i++) {
            char *k = NULL;
            if (n->kind == DOC_MAP) {
                k = n->keys[i];
                if (!doc_key_is_static(k) && !(k = doc_arena_key(a, k, strlen(k))))
                    return NULL;
                c->keys[i] = k;
            }
            doc_node *v = n->items[i] ? pack_copy(a, n->items[i]) : NULL;
            if (n->items[i] && !v)
                return NULL;
            c->items[i] = v;
            c->len = i + 1;
        }
    }
    if (c) {
        c->line = n->line;
        c->col = n->col;
    }
    return c;
}

doc_node *doc_pack(const doc_node *n)
{
    if (!n)
        return NULL;
    doc_arena *a = doc_arena_new_sized(pack_bytes(n));
    doc_node *c = a ? pack_copy(a, n) : NULL;
    if (!c) {
        doc_arena_free(a); /* every piece is a's: nothing else to free */
        return NULL;
    }
    doc_arena_adopt(c);
    return c;
}

/* ---- doc_shrink: a kept tree's arena cut to what it uses ---- */

typedef struct {
    uintptr_t lo, hi;
    ptrdiff_t d;
} reloc;

static void *moved(const reloc *r, const void *p)
{
    return (uintptr_t)p - r->lo < r->hi - r->lo ? (char *)p + r->d : (void *)p;
}

/* Every pointer into the block that moved, moved with it (the static keys
 * stay where they are). n is already at its new address. */
static void relocate(const reloc *r, doc_node *n)
{
    size_t tags = n->cap & (DOC_ARENA_BIT | DOC_ARENA_TAGS);
    n->cap = (size_t)(uintptr_t)moved(r, (void *)(uintptr_t)(n->cap & ~tags)) | tags;
    if (n->kind == DOC_SCALAR) {
        n->text = moved(r, n->text);
        return;
    }
    n->items = moved(r, n->items);
    n->keys = moved(r, n->keys);
    for (size_t i = 0; i < n->len; i++) {
        if (n->keys)
            n->keys[i] = moved(r, n->keys[i]);
        if ((n->items[i] = moved(r, n->items[i])))
            relocate(r, n->items[i]);
    }
}

doc_node *doc_shrink(doc_node *root)
{
    doc_arena *a = root ? doc_arena_of(root) : NULL;
    if (!a || !(root->cap & DOC_ARENA_ROOT) || doc_arena_checks())
        return root;
    reloc r;
    if (doc_arena_is_mixed(a) || !doc_arena_trim(a, &r.d, &r.lo, &r.hi)) {
        doc_node *packed = doc_pack(root);
        if (!packed)
            return root; /* as it was: room unused, nothing lost */
        doc_free(root);
        return packed;
    }
    if (r.d) {
        root = moved(&r, root);
        relocate(&r, root);
    }
    return root;
}
