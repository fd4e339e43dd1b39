/*
 * ktime.h - Kubernetes timestamps (RFC 3339) and kubectl-style ages.
 *
 * Pure functions; the caller passes "now" so results are testable.
 */
#ifndef MESHPANEL_KTIME_H
#define MESHPANEL_KTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* "2024-05-01T10:00:00Z", "2024-05-01T12:00:00.123+02:00" -> UTC seconds. */
bool ktime_parse(const char *s, time_t *out);
/* kubectl's human duration of now - then: "45s", "12m", "3h5m", "4d", "2y". */
const char *ktime_age(time_t then, time_t now, char *buf, size_t n);

#endif
