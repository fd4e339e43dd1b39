/*
 * sort.h - qsort that accepts empty arrays.
 *
 * qsort(NULL, 0, ...) is undefined behaviour (UBSan reports it), and empty
 * arrays are normal here: a tenant with no Ingress, a host that lost every
 * route. Every sort in the project goes through mp_sort.
 */
#ifndef MESHPANEL_SORT_H
#define MESHPANEL_SORT_H

#include <stdlib.h>

static inline void mp_sort(void *base, size_t n, size_t size,
                           int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(base, n, size, cmp);
}

#endif
