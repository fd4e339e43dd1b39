/*
 * bucket.h - items grouped by a string key, the keys in order.
 *
 * The converter orders thousands of items by (namespace, something else)
 * where each namespace holds only a few: sorting the few thousand distinct
 * namespaces once and each namespace's handful afterwards compares far
 * less than one sort of every item (at 10,000 Ingresses: 2,000 namespaces,
 * 9,300 host groups, 12,000 objects).
 *
 * Ownership: items and their keys are borrowed for the call; order and
 * starts are the caller's.
 */
#ifndef MESHPANEL_BUCKET_H
#define MESHPANEL_BUCKET_H

#include <stddef.h>

/* The key of items' i-th item. */
typedef const char *(*bucket_key_fn)(const void *items, size_t i);

/* order[0..n) receives the indexes of n items grouped by key_of, the keys
 * in strcmp order and one key's items in their input order; starts[0..m]
 * where each of the m distinct keys begins (starts[m] == n; starts holds
 * n + 1). Returns m, or -1 out of memory (order and starts unset). */
long bucket_by_key(const void *items, size_t n, bucket_key_fn key_of, size_t *order,
                   size_t *starts);

/* Sorts one key's items in place (run holds n items). */
typedef void (*bucket_run_fn)(void *run, size_t n);

/* items[0..n) (each size bytes) copied into out in bucket_by_key's order,
 * then each key's run sorted by sort_run: the whole order when sort_run
 * orders items of one key. 0, or -1 out of memory (out unset). */
int bucket_sort(const void *items, size_t n, size_t size, bucket_key_fn key_of,
                bucket_run_fn sort_run, void *out);

#endif
