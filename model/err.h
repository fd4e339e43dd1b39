/*
 * err.h - one error value, formatted as one line for the user.
 *
 * Functions that can fail take a `mp_err *` (may be NULL) and return -1
 * after filling it. The message names where the problem is: file, document
 * index, object and field path, e.g.
 *   web.yaml: doc 2: ingress ns-a/web: spec.rules[0].http.paths[1].pathType:
 *   "Regex" is not Exact|Prefix|ImplementationSpecific
 */
#ifndef MESHPANEL_ERR_H
#define MESHPANEL_ERR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define MP_ERR_MAX 1024

typedef struct {
    char msg[MP_ERR_MAX];
} mp_err;

/* Sets the message (printf-style). Returns -1 so callers can
 * `return mp_errf(err, ...)`. err may be NULL. */
int mp_errf(mp_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prepends "prefix: " to an existing message. Returns -1. */
int mp_err_prefix(mp_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Several errors of one run, one line each, so that a run can report every
 * invalid document of its input instead of stopping at the first. Owns its
 * lines. A zeroed list is empty. */
typedef struct {
    char **lines;
    size_t len, cap;
    bool oom; /* a line could not be stored: the list is incomplete */
} mp_errlist;

void mp_errlist_init(mp_errlist *l);
void mp_errlist_free(mp_errlist *l);
/* Appends one line (printf-style). Returns -1, like mp_errf. */
int mp_errlist_add(mp_errlist *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
