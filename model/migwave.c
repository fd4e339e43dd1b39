/*
 * migwave.c - deterministic percentage waves (see migwave.h).
 */
#include "model/migwave.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

unsigned mig_wave_bucket(const char *ns)
{
    uint64_t h = 14695981039346656037ull;
    for (const unsigned char *p = (const unsigned char *)ns; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    /* FNV's low bits are its weakest: fold the high half in first */
    h ^= h >> 32;
    return (unsigned)(h % MIG_WAVE_BUCKETS);
}

int mig_wave_parse(const char *s, unsigned *bp, mp_err *err)
{
    const char *p = s;
    unsigned whole = 0, frac = 0, nfrac = 0, ndig = 0;
    while (isdigit((unsigned char)*p) && ndig < 4) {
        whole = whole * 10 + (unsigned)(*p++ - '0');
        ndig++;
    }
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p) && nfrac < 2) {
            frac = frac * 10 + (unsigned)(*p++ - '0');
            nfrac++;
        }
        if (!nfrac)
            ndig = 0;
    }
    if (nfrac == 1)
        frac *= 10;
    if (*p == '%')
        p++;
    unsigned v = whole * 100 + frac;
    if (!ndig || *p || v == 0 || v > MIG_WAVE_BUCKETS)
        return mp_errf(err,
                       "--wave \"%.40s\": a percentage above 0 and at most 100, with at most two "
                       "decimals (10%%, 12.5%%)",
                       s);
    *bp = v;
    return 0;
}

bool mig_wave_has(const char *ns, unsigned bp)
{
    return mig_wave_bucket(ns) < bp;
}
