/*
 * bytescan.h - skip runs of ordinary string bytes eight at a time.
 *
 * JSON readers and writers spend most of their time inside strings, where
 * only a few bytes matter (the quote, the backslash, controls, non-ASCII).
 * These scans test a 64-bit word for any of them at once (the "has a zero
 * byte" trick: a hit may be a false alarm for the bytes after a true one,
 * never a miss), then find the exact byte one at a time. Unaligned loads go
 * through memcpy, which compilers turn into one load.
 *
 * Pure functions on borrowed bytes; no state.
 */
#ifndef MESHPANEL_BYTESCAN_H
#define MESHPANEL_BYTESCAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define BS_ONES  0x0101010101010101ull
#define BS_HIGHS 0x8080808080808080ull

/* Bytes of w equal to c (per byte high bit; possibly more after a hit). */
static inline uint64_t bs_eq(uint64_t w, unsigned char c)
{
    uint64_t x = w ^ (BS_ONES * c);
    return (x - BS_ONES) & ~x & BS_HIGHS;
}

/* Bytes of w below 0x20 or from 0x80 on. */
static inline uint64_t bs_ctl_or_high(uint64_t w)
{
    return ((w - BS_ONES * 0x20) & ~w & BS_HIGHS) | (w & BS_HIGHS);
}

static inline uint64_t bs_load(const char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
    return w;
}

/* First i in [i, n) with s[i] a quote or a backslash, else n. */
static inline size_t bs_quote_or_escape(const char *s, size_t i, size_t n)
{
    while (i + 8 <= n) {
        uint64_t w = bs_load(s + i);
        if (bs_eq(w, '"') | bs_eq(w, '\\'))
            break;
        i += 8;
    }
    while (i < n && s[i] != '"' && s[i] != '\\')
        i++;
    return i;
}

/* First i in [i, n) with s[i] a quote, a backslash, below 0x20 or from
 * 0x80 on (del_too: 0x7f as well), else n. */
static inline size_t bs_string_special(const char *s, size_t i, size_t n, int del_too)
{
    while (i + 8 <= n) {
        uint64_t w = bs_load(s + i);
        uint64_t hit = bs_eq(w, '"') | bs_eq(w, '\\') | bs_ctl_or_high(w);
        if (del_too)
            hit |= bs_eq(w, 0x7f);
        if (hit)
            break;
        i += 8;
    }
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || (del_too && c == 0x7f))
            break;
    }
    return i;
}

/* First i in [i, n) with s[i] below 0x20, 0x7f or (high_too) from 0x80
 * on, else n: the end of a run that needs no sanitizing. */
static inline size_t bs_unprintable(const char *s, size_t i, size_t n, int high_too)
{
    while (i + 8 <= n) {
        uint64_t w = bs_load(s + i);
        if (bs_ctl_or_high(w) | bs_eq(w, 0x7f))
            break;
        i += 8;
    }
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f || (high_too && c >= 0x80))
            break;
    }
    return i;
}

#endif
