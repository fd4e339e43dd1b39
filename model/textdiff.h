/*
 * textdiff.h - unified line diffs of two texts (what `meshpanel diff` prints).
 *
 * Lines are compared exactly. The edit script is a longest-common-
 * subsequence one after trimming the common head and tail; when the
 * differing middle is too large for the quadratic table (more than
 * TEXTDIFF_MAX_CELLS line pairs), it is shown as a whole replacement rather
 * than spending unbounded memory.
 *
 * Ownership: the returned text is malloc'd (caller frees). Pure: no I/O.
 */
#ifndef MESHPANEL_TEXTDIFF_H
#define MESHPANEL_TEXTDIFF_H

#include <stdbool.h>

#define TEXTDIFF_MAX_CELLS (16u * 1024u * 1024u)

/* "--- label_a\n+++ label_b\n@@ -l,n +l,n @@\n..." with context lines
 * around each change; "" when the texts are equal. NULL when out of memory. */
char *textdiff_unified(const char *a, const char *b, const char *label_a, const char *label_b,
                       int context);

#endif
