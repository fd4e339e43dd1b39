/*
 * nsvec.h - per-namespace entries in an array sorted by namespace.
 *
 * The console keeps small per-tenant records (lint's conversion cache,
 * the tenants' conversion errors) looked up by namespace on every run:
 * binary search, insertion in place. Each element's first field must be
 * `char *ns`, owned by the element (nsvec_slot strdup's it; the caller
 * frees it with the element).
 *
 * The array, its length and capacity belong to the caller's struct.
 */
#ifndef MESHPANEL_NSVEC_H
#define MESHPANEL_NSVEC_H

#include <stdbool.h>
#include <stddef.h>

/* Index of ns, or -1 with *at where it would go. */
long nsvec_find(const void *base, size_t n, size_t elem, const char *ns, size_t *at);
/* The element of ns, made (zeroed, ns copied, *fresh set) when missing;
 * NULL out of memory. *base may move. */
void *nsvec_slot(void **base, size_t *n, size_t *cap, size_t elem, const char *ns, bool *fresh);

#endif
