/*
 * migwave.h - which tenants a wave takes (issue 9, "Waves").
 *
 * A percentage wave (--wave 10%) puts each namespace in a fixed bucket,
 * 0..9999, from a 64-bit FNV-1a hash of its name, and takes the buckets
 * below the percentage in hundredths of a percent. The same name lands in
 * the same bucket on every machine and every run, so a wave is the same
 * tenants every time, a re-run resumes it, and the waves nest: every
 * tenant of 10% is in 50%, and 100% is everyone. The hash spreads names
 * evenly, so a wave holds about its share of a large platform (not
 * exactly: 10% of 20 tenants may be 1 or 3).
 *
 * Ownership: nothing allocated. Pure: no I/O.
 */
#ifndef MESHPANEL_MIGWAVE_H
#define MESHPANEL_MIGWAVE_H

#include <stdbool.h>

#include "model/err.h"

#define MIG_WAVE_BUCKETS 10000u

/* The bucket of namespace ns: 0 .. MIG_WAVE_BUCKETS-1. */
unsigned mig_wave_bucket(const char *ns);
/* "10%", "12.5%", "100%" (the % may be left out): the wave's size in
 * hundredths of a percent, 1 .. 10000. -1 with err otherwise. */
int mig_wave_parse(const char *s, unsigned *bp, mp_err *err);
/* Is ns in the wave of bp hundredths of a percent? */
bool mig_wave_has(const char *ns, unsigned bp);

#endif
