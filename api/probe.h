/*
 * probe.h - the live probe of `migrate verify --probe-gateway ADDR
 * --probe-nginx ADDR` (issue 9): the same request, with the right Host
 * header, sent to two addresses over plain HTTP; the answers compared by
 * status and Location header (a redirect's target). Redirects are not
 * followed; bodies are read and dropped.
 *
 * Ownership: nothing is kept between calls.
 */
#ifndef MESHPANEL_PROBE_H
#define MESHPANEL_PROBE_H

#include <stddef.h>

#include "model/err.h"

typedef struct {
    long status;        /* HTTP status; 0 when nothing answered */
    char location[512]; /* the Location header, "" when none */
} probe_answer;

/* GET http://ADDR/path with Host: host. 0, or -1 with err (no answer:
 * refused, timed out). timeout_ms 0: 10 s. */
int probe_get(const char *addr, const char *host, const char *path, long timeout_ms,
              probe_answer *out, mp_err *err);
/* "301 https://x/" or "404": the answer as one short text. */
void probe_text(const probe_answer *a, char *buf, size_t n);

#endif
