/*
 * nsvec.c - per-namespace entries in a sorted array (see nsvec.h).
 */
#include "tui/nsvec.h"

#include <stdlib.h>
#include <string.h>

static const char *ns_at(const void *base, size_t elem, size_t i)
{
    const char *ns;
    memcpy(&ns, (const char *)base + i * elem, sizeof ns);
    return ns;
}

long nsvec_find(const void *base, size_t n, size_t elem, const char *ns, size_t *at)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(ns_at(base, elem, mid), ns);
        if (!c)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *at = lo;
    return -1;
}

void *nsvec_slot(void **base, size_t *n, size_t *cap, size_t elem, const char *ns, bool *fresh)
{
    size_t at = 0;
    long i = nsvec_find(*base, *n, elem, ns, &at);
    *fresh = i < 0;
    if (i >= 0)
        return (char *)*base + (size_t)i * elem;
    if (*n == *cap) {
        size_t c = *cap * 2 + 16;
        void *v = realloc(*base, c * elem);
        if (!v)
            return NULL;
        *base = v;
        *cap = c;
    }
    char *copy = strdup(ns);
    if (!copy)
        return NULL;
    char *slot = (char *)*base + at * elem;
    memmove(slot + elem, slot, (*n - at) * elem);
    memset(slot, 0, elem);
    memcpy(slot, &copy, sizeof copy);
    (*n)++;
    return slot;
}
