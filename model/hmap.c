/*
 * hmap.c - string -> index hash map (see hmap.h): linear probing, the
 * table doubles at three quarters full so a probe always ends on an empty
 * slot (with the hash in the slot, a longer probe costs compares of two
 * integers, not of keys).
 */
#include "model/hmap.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_CAP 16u

/* A key shorter than 8 bytes as one word, without a memcpy of a variable
 * length (a call, and a fifth of the hash's cost). */
static uint64_t short_word(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        return a | (uint64_t)b << 32;
    }
    return n ? u[0] | (uint64_t)u[n / 2] << 8 | (uint64_t)u[n - 1] << 16 : 0;
}

static uint64_t word(const char *s)
{
    uint64_t w;
    memcpy(&w, s, 8);
    return w;
}

/* The two halves of a * b folded (wyhash's mix): every bit of both words
 * reaches the middle bits of the product. */
static uint64_t mix(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
    unsigned __int128 r = (unsigned __int128)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
#else
    uint64_t r = (a ^ (a >> 29)) * 0xbf58476d1ce4e5b9ull;
    return (r ^ (r >> 32)) * (b | 1) ^ b;
#endif
}

#define K0 0xa0761d6478bd642full
#define K1 0xe7037ed1a0b428dbull
#define K2 0x8ebc6af09c88c6e3ull

/* Sixteen bytes a step in one multiplication (eight bytes took two
 * steps: the annotation sets' keys of 600 bytes cost 700 instructions),
 * the last step reading the key's last bytes again when it is not a
 * multiple of 16. */
static uint32_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = K0 ^ n, a, b;
    const char *end = s + n;
    if (n > 16) {
        for (; end - s > 16; s += 16)
            h = mix(word(s) ^ K1, word(s + 8) ^ h);
        a = word(end - 16);
        b = word(end - 8);
    } else if (n > 8) {
        a = word(s);
        b = word(end - 8);
    } else {
        a = short_word(s, n);
        b = 0;
    }
    h = mix(a ^ K1, b ^ h);
    return (uint32_t)mix(h ^ K2, (uint64_t)n ^ K1);
}

uint32_t hmap_fnv1a32(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

void hmap_free(hmap *m)
{
    for (void *b = m->blocks; b;) {
        void *next;
        memcpy(&next, b, sizeof next);
        free(b);
        b = next;
    }
    free(m->slots);
    memset(m, 0, sizeof *m);
}

/* The slot of key, or the empty slot where it would go. */
static hmap_slot *probe(const hmap *m, const char *key, uint32_t h)
{
    for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        hmap_slot *sl = &m->slots[i];
        if (!sl->key || (sl->hash == h && !strcmp(sl->key, key)))
            return sl;
    }
}

long hmap_get(const hmap *m, const char *key)
{
    if (!m->cap)
        return -1;
    const hmap_slot *sl = probe(m, key, hash_bytes(key, strlen(key)));
    return sl->key ? (long)sl->val : -1;
}

/* The table at cap slots (a power of two above the count), moving them. */
static int resize(hmap *m, size_t cap)
{
    hmap_slot *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].key)
            continue;
        size_t j = m->slots[i].hash & (cap - 1);
        while (slots[j].key)
            j = (j + 1) & (cap - 1);
        slots[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return 0;
}

/* Whether n keys fit cap slots (at most three quarters full). */
static bool fits(size_t n, size_t cap)
{
    return n * 4 <= cap * 3;
}

int hmap_reserve(hmap *m, size_t n)
{
    size_t cap = m->cap ? m->cap : FIRST_CAP;
    while (!fits(n, cap))
        cap *= 2;
    return cap == m->cap ? 0 : resize(m, cap);
}

/* A copy of key[0..len] in the map's blocks (4 KiB, or the key's size). */
static const char *copy_key(hmap *m, const char *key, size_t len)
{
    if (m->room < len + 1) {
        size_t size = sizeof(void *) + (len + 1 > 4000 ? len + 1 : 4000);
        char *b = malloc(size);
        if (!b)
            return NULL;
        memcpy(b, &m->blocks, sizeof m->blocks);
        m->blocks = b;
        m->free_at = b + sizeof(void *);
        m->room = size - sizeof(void *);
    }
    char *k = m->free_at;
    memcpy(k, key, len + 1);
    m->free_at += len + 1;
    m->room -= len + 1;
    return k;
}

static int put(hmap *m, const char *key, size_t val, bool copy)
{
    if (val > UINT32_MAX || (!fits(m->len + 1, m->cap) && hmap_reserve(m, m->len + 1) < 0))
        return -1;
    size_t len = strlen(key);
    uint32_t h = hash_bytes(key, len);
    hmap_slot *sl = probe(m, key, h);
    if (!sl->key) {
        const char *k = copy ? copy_key(m, key, len) : key;
        if (!k)
            return -1;
        *sl = (hmap_slot){k, h, 0};
        m->len++;
    }
    sl->val = (uint32_t)val;
    return 0;
}

int hmap_put(hmap *m, const char *key, size_t val)
{
    return put(m, key, val, true);
}

int hmap_put_ref(hmap *m, const char *key, size_t val)
{
    return put(m, key, val, false);
}

/* part[0..len) at buf[*at], cut to leave room for the NUL of buf[n]. */
static void key_part(char *buf, size_t n, size_t *at, const char *part, size_t len)
{
    size_t take = n - 1 - *at < len ? n - 1 - *at : len;
    memcpy(buf + *at, part, take);
    *at += take;
}

/* As str_join(buf, n, a, "\x1f", b) did, without its argument list: a key
 * is built for each lookup. */
void hmap_key2(char *buf, size_t n, const char *a, const char *b)
{
    if (!n)
        return;
    size_t at = 0;
    key_part(buf, n, &at, a, strlen(a));
    key_part(buf, n, &at, "\x1f", 1);
    key_part(buf, n, &at, b, strlen(b));
    buf[at] = '\0';
}
