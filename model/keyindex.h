/*
 * keyindex.h - where each key of one doc map is, found in constant time.
 *
 * The decoders check every key of a map for a duplicate, and YAML merge
 * keys and doc_clone look keys up while building a map: with a linear scan
 * a tenant's 40,000-key label map costs 800 million string compares. An
 * index of the map's keys makes each check O(1), so decoding stays linear
 * in the size of the input.
 *
 * The index does not copy keys: it holds positions into map->keys, which
 * must stay where they are while the index is used (appending is fine;
 * removing or reordering entries is not). The hash is seeded per table
 * (from its address), so input crafted to collide on one run does not
 * collide on the next.
 *
 * Ownership: a zeroed keyindex is empty; keyindex_free returns it to that.
 * Pure: no I/O, no global state.
 */
#ifndef MESHPANEL_KEYINDEX_H
#define MESHPANEL_KEYINDEX_H

#include <stddef.h>
#include <stdint.h>

#include "model/doc.h"

/* Maps smaller than this are scanned: building an index costs more. */
#define KEYINDEX_MIN 16

typedef struct {
    uint64_t *slots; /* (hash high bits << 32) | (position + 1); 0 = empty */
    size_t cap, len;
    uint64_t seed;
} keyindex;

void keyindex_free(keyindex *ix);
/* Position of key in map, or -1. ix must index every key of map (or be
 * empty, for maps under KEYINDEX_MIN entries: then the map is scanned). */
long keyindex_find(const keyindex *ix, const doc_node *map, const char *key);
/* Indexes map->keys[i] (call in order as entries are appended; the first
 * call on an empty index with i >= KEYINDEX_MIN - 1 indexes 0..i at once).
 * Returns 0, or -1 out of memory. */
int keyindex_add(keyindex *ix, const doc_node *map, size_t i);

#endif
