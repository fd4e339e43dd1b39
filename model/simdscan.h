/*
 * simdscan.h - bytescan.h's string scan sixteen bytes at a time (SSE2).
 *
 * Strings of a Kubernetes object are short (a key, a name, a path): the
 * eight-byte scan spends most of its time on the byte-at-a-time tail. One
 * SSE2 compare covers most of them at once. x86-64 always has SSE2; other
 * machines use bytescan.h. Never reads at or past n.
 *
 * Pure functions on borrowed bytes; no state.
 */
#ifndef MESHPANEL_SIMDSCAN_H
#define MESHPANEL_SIMDSCAN_H

#include <stddef.h>

#include "model/bytescan.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* First i in [i, n) with s[i] a quote, a backslash, below 0x20, 0x7f or
 * from 0x80 on, else n: bs_string_special(s, i, n, 1). */
static inline size_t ss_string_special(const char *s, size_t i, size_t n)
{
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7f);
    while (i + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        /* signed: bytes from 0x80 on are negative, so below 0x20 too */
        __m128i hit =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                         _mm_or_si128(_mm_cmplt_epi8(v, space), _mm_cmpeq_epi8(v, del)));
        unsigned bits = (unsigned)_mm_movemask_epi8(hit);
        if (bits)
            return i + (size_t)__builtin_ctz(bits);
        i += 16;
    }
#endif
    return bs_string_special(s, i, n, 1);
}

/* First i in [i, n) with s[i] below 0x20, 0x7f or (high_too) from 0x80
 * on, else n: bs_unprintable(s, i, n, high_too). */
static inline size_t ss_unprintable(const char *s, size_t i, size_t n, int high_too)
{
#if defined(__SSE2__)
    const __m128i low = _mm_set1_epi8(0x1f), space = _mm_set1_epi8(0x20);
    const __m128i del = _mm_set1_epi8(0x7f);
    while (i + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        /* high_too, signed: bytes from 0x80 on are negative, so below 0x20
         * too; else unsigned, v <= 0x1f: min(v, 0x1f) == v */
        __m128i ctl = high_too ? _mm_cmplt_epi8(v, space) : _mm_cmpeq_epi8(_mm_min_epu8(v, low), v);
        unsigned bits = (unsigned)_mm_movemask_epi8(_mm_or_si128(ctl, _mm_cmpeq_epi8(v, del)));
        if (bits)
            return i + (size_t)__builtin_ctz(bits);
        i += 16;
    }
#endif
    return bs_unprintable(s, i, n, high_too);
}

#endif
