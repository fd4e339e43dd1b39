/*
 * hmap.h - a string -> index hash map (open addressing, FNV-1a).
 *
 * Meant for "where in my array is the object named K": values are indexes
 * into an array the caller owns. A zeroed hmap is an empty map; hmap_free
 * returns it to that state.
 *
 * Ownership: the map copies every key it stores (into blocks of its own,
 * not one allocation each) and frees them in hmap_free. Keys passed in are
 * borrowed for the call only.
 */
#ifndef MESHPANEL_HMAP_H
#define MESHPANEL_HMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *key; /* NULL = empty */
    size_t len;      /* the key's length */
    uint64_t hash;   /* kept: a probe compares it first, growing reuses it */
    size_t val;
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
/* Stores (or replaces) key -> val. Returns 0, or -1 out of memory (the map
 * keeps its contents). */
int hmap_put(hmap *m, const char *key, size_t val);
/* Writes the key of the pair (a, b) into buf[n], truncating: the two parts
 * joined by the unit separator 0x1f, which no name contains. */
void hmap_key2(char *buf, size_t n, const char *a, const char *b);

#endif
