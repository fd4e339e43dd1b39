/* bucket.c - items grouped by a string key, the keys in order (bucket.h). */
#include "model/bucket.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/hmap.h"
#include "model/sort.h"

/* A distinct key: its first-seen id and, once sorted, where it starts. */
typedef struct {
    const char *key;
    size_t id, at;
} slot;

static int slot_cmp(const void *a, const void *b)
{
    return strcmp(((const slot *)a)->key, ((const slot *)b)->key);
}

/* Each key's slot (first-seen id in of[]) with its count in .at. */
static long count_keys(const void *items, size_t n, bucket_key_fn key_of, slot *s, uint32_t *of)
{
    hmap idx = {0};
    size_t m = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const char *key = key_of(items, i);
        long at = hmap_get(&idx, key);
        if (at < 0) {
            at = (long)m;
            s[m] = (slot){key, m, 0};
            m++;
            rc = hmap_put_ref(&idx, key, (size_t)at);
        }
        of[i] = (uint32_t)at;
        s[at].at++;
    }
    hmap_free(&idx);
    return rc < 0 ? -1 : (long)m;
}

long bucket_by_key(const void *items, size_t n, bucket_key_fn key_of, size_t *order, size_t *starts)
{
    size_t cap = n ? n : 1;
    slot *s = malloc(cap * sizeof *s);
    uint32_t *of = malloc(cap * sizeof *of), *rank = malloc(cap * sizeof *rank);
    long m = s && of && rank && n <= UINT32_MAX ? count_keys(items, n, key_of, s, of) : -1;
    if (m >= 0) {
        mp_sort(s, (size_t)m, sizeof *s, slot_cmp);
        size_t start = 0;
        for (size_t j = 0; j < (size_t)m; j++) {
            size_t cnt = s[j].at;
            starts[j] = s[j].at = start;
            rank[s[j].id] = (uint32_t)j;
            start += cnt;
        }
        starts[m] = n;
        for (size_t i = 0; i < n; i++)
            order[s[rank[of[i]]].at++] = i;
    }
    free(s);
    free(of);
    free(rank);
    return m;
}

int bucket_sort(const void *items, size_t n, size_t size, bucket_key_fn key_of,
                bucket_run_fn sort_run, void *out)
{
    size_t *order = malloc((n ? n : 1) * sizeof *order), *starts = malloc((n + 1) * sizeof *starts);
    long m = order && starts ? bucket_by_key(items, n, key_of, order, starts) : -1;
    const char *in = items;
    char *to = out;
    for (size_t i = 0; m >= 0 && i < n; i++)
        memcpy(to + i * size, in + order[i] * size, size);
    for (long j = 0; j < m; j++)
        sort_run(to + starts[j] * size, starts[j + 1] - starts[j]);
    free(order);
    free(starts);
    return m < 0 ? -1 : 0;
}
