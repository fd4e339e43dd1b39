/*
 * base64.h - standard base64 (RFC 4648) for kubeconfig *-data fields, the
 * ExecCredential cluster info and the migration's backup annotation. Pure,
 * hence in model/ (the backup is encoded there).
 *
 * Ownership: returned buffers are malloc'd (NUL-terminated for convenience),
 * caller frees. Pure functions.
 */
#ifndef MESHPANEL_BASE64_H
#define MESHPANEL_BASE64_H

#include <stddef.h>

/* Decodes s (whitespace ignored, padding optional). NULL on invalid input
 * or out of memory. */
unsigned char *b64_decode(const char *s, size_t *out_len);
char *b64_encode(const unsigned char *data, size_t len);

#endif
