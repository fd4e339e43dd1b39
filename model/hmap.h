/*
 * hmap.h - a string -> index hash map (open addressing, linear probing).
 *
 * Meant for "where in my array is the object named K": values are indexes
 * into an array the caller owns (below 2^32). A zeroed hmap is an empty
 * map; hmap_free returns it to that state.
 *
 * Ownership: hmap_put copies the key (into blocks of the map's own, not one
 * allocation each) and hmap_free frees the copies; hmap_put_ref keeps the
 * caller's pointer, which must then outlive the map (the converter's host
 * names, owned by the Ingresses of the run). Keys passed to hmap_get are
 * borrowed for the call only.
 */
#ifndef MESHPANEL_HMAP_H
#define MESHPANEL_HMAP_H

#include <stddef.h>
#include <stdint.h>

/* 16 bytes: a 10k-key table is 256 KiB of slots (it was 1 MiB at 32 bytes
 * and half full). The key's length is not kept: a probe compares the hash
 * first, and a key is only compared (strcmp) when the hashes agree. */
typedef struct {
    const char *key; /* NULL = empty */
    uint32_t hash;   /* kept: a probe compares it first, growing reuses it */
    uint32_t val;
} hmap_slot;

typedef struct {
    hmap_slot *slots;
    size_t cap, len; /* cap is 0 or a power of two */
    void *blocks;    /* the copies of the keys, in blocks freed at once */
    char *free_at;   /* room left in the newest block */
    size_t room;
} hmap;

/* 32-bit FNV-1a of s: short stable suffixes for names made from long ones
 * (DNS labels, file names), identical on every machine. */
uint32_t hmap_fnv1a32(const char *s);

void hmap_free(hmap *m);
/* The value stored for key, or -1 when there is none. */
long hmap_get(const hmap *m, const char *key);
/* Stores (or replaces) key -> val. Returns 0, or -1 out of memory or when
 * val does not fit 32 bits (the map keeps its contents). */
int hmap_put(hmap *m, const char *key, size_t val);
/* hmap_put without the copy: key must live as long as the map. */
int hmap_put_ref(hmap *m, const char *key, size_t val);
/* Room for n keys in all without growing (when the count is known, the
 * table is allocated once instead of doubled from 16). 0 or -1. */
int hmap_reserve(hmap *m, size_t n);
/* Writes the key of the pair (a, b) into buf[n], truncating: the two parts
 * joined by the unit separator 0x1f, which no name contains. */
void hmap_key2(char *buf, size_t n, const char *a, const char *b);

#endif
