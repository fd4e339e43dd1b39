/*
 * keyindex.c - open addressing over positions into a map's keys (see
 * keyindex.h): linear probing, doubled at half full.
 */
#include "model/keyindex.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash_key(const char *s, uint64_t seed)
{
    uint64_t h = 1469598103934665603ull ^ seed;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    /* FNV's low bits mix poorly: fold the high half in (murmur's finaliser) */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

void keyindex_free(keyindex *ix)
{
    free(ix->slots);
    memset(ix, 0, sizeof *ix);
}

static void put_slot(uint64_t *slots, size_t cap, uint64_t h, size_t pos)
{
    size_t i = (size_t)h & (cap - 1);
    while (slots[i])
        i = (i + 1) & (cap - 1);
    slots[i] = (h & 0xffffffff00000000ull) | (uint64_t)(pos + 1);
}

static int grow(keyindex *ix, const doc_node *map)
{
    size_t cap = ix->cap ? ix->cap * 2 : 64;
    uint64_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    if (!ix->cap) /* the table's address: differs between runs (ASLR) */
        ix->seed = (uint64_t)(uintptr_t)slots * 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < ix->cap; i++) {
        if (!ix->slots[i])
            continue;
        size_t pos = (size_t)(ix->slots[i] & 0xffffffffu) - 1;
        put_slot(slots, cap, hash_key(map->keys[pos], ix->seed), pos);
    }
    free(ix->slots);
    ix->slots = slots;
    ix->cap = cap;
    return 0;
}

static int add_one(keyindex *ix, const doc_node *map, size_t pos)
{
    if ((ix->len + 1) * 2 > ix->cap && grow(ix, map) < 0)
        return -1;
    put_slot(ix->slots, ix->cap, hash_key(map->keys[pos], ix->seed), pos);
    ix->len++;
    return 0;
}

int keyindex_add(keyindex *ix, const doc_node *map, size_t i)
{
    if (i + 1 < KEYINDEX_MIN || i >= 0xffffffffu)
        return 0; /* scanned (or, past 4G entries, never reached) */
    for (size_t pos = ix->len; pos <= i; pos++)
        if (add_one(ix, map, pos) < 0)
            return -1;
    return 0;
}

long keyindex_find(const keyindex *ix, const doc_node *map, const char *key)
{
    if (!ix->cap) {
        for (size_t i = 0; i < map->len; i++)
            if (!strcmp(map->keys[i], key))
                return (long)i;
        return -1;
    }
    uint64_t h = hash_key(key, ix->seed);
    for (size_t i = (size_t)h & (ix->cap - 1); ix->slots[i]; i = (i + 1) & (ix->cap - 1)) {
        uint64_t s = ix->slots[i];
        size_t pos = (size_t)(s & 0xffffffffu) - 1;
        if ((s & 0xffffffff00000000ull) == (h & 0xffffffff00000000ull) &&
            !strcmp(map->keys[pos], key))
            return (long)pos;
    }
    return -1;
}
