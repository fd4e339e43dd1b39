/*
 * hmap.c - string -> index hash map (see hmap.h): linear probing, the
 * table doubles at half full so a probe always ends on an empty slot.
 */
#include "model/hmap.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/strbuf.h"

/* Eight bytes a step (FNV-1a took one: a key of 40 bytes cost 200
 * instructions), then mixed so the low bits, the slot, depend on all. */
static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
    for (; n >= 8; s += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    uint64_t w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    return h ^ (h >> 33);
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
static hmap_slot *probe(const hmap *m, const char *key, size_t len, uint64_t h)
{
    for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        hmap_slot *sl = &m->slots[i];
        if (!sl->key || (sl->hash == h && sl->len == len && !memcmp(sl->key, key, len)))
            return sl;
    }
}

long hmap_get(const hmap *m, const char *key)
{
    if (!m->cap)
        return -1;
    size_t len = strlen(key);
    const hmap_slot *sl = probe(m, key, len, hash_bytes(key, len));
    return sl->key ? (long)sl->val : -1;
}

/* Doubles the table (64 slots the first time), moving the slots. */
static int grow(hmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
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

int hmap_put(hmap *m, const char *key, size_t val)
{
    if ((m->len + 1) * 2 > m->cap && grow(m) < 0)
        return -1;
    size_t len = strlen(key);
    uint64_t h = hash_bytes(key, len);
    hmap_slot *sl = probe(m, key, len, h);
    if (!sl->key) {
        const char *k = copy_key(m, key, len);
        if (!k)
            return -1;
        *sl = (hmap_slot){k, len, h, val};
        m->len++;
    }
    sl->val = val;
    return 0;
}

void hmap_key2(char *buf, size_t n, const char *a, const char *b)
{
    str_join(buf, n, a, "\x1f", b, (char *)NULL);
}
