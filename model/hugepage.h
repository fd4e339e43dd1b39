/*
 * hugepage.h - asking the kernel to back a large buffer with 2 MiB pages.
 *
 * On a virtual machine every first touch of a 4 KiB page costs a fault of
 * about 2.5 us, so a buffer of tens of MB written once (a read input file,
 * the converter's output text) spends more time faulting than being
 * written. Advice only: a kernel without transparent huge pages, or one
 * that refuses, changes nothing but the number of faults. No I/O.
 */
#ifndef MESHPANEL_HUGEPAGE_H
#define MESHPANEL_HUGEPAGE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

#define HUGE_PAGE_SIZE (2u << 20)

/* The whole 2 MiB pages inside [p, p + n). */
static inline void want_huge_pages(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = HUGE_PAGE_SIZE;
    uintptr_t lo = ((uintptr_t)p + huge - 1) & ~(huge - 1), hi = ((uintptr_t)p + n) & ~(huge - 1);
    if (hi > lo)
        (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}

#endif
