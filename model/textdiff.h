/*
 * textdiff.h - unified line diffs of two texts (what `meshpanel diff` prints).
 *
 * Lines are compared exactly. The edit script is linediff's (Myers with a
 * cost cap, linear memory), so any two texts diff in bounded time and
 * memory; within a run of changes the deleted lines come first.
 *
 * Ownership: the returned text is malloc'd (caller frees). Pure: no I/O.
 */
#ifndef MESHPANEL_TEXTDIFF_H
#define MESHPANEL_TEXTDIFF_H

/* "--- label_a\n+++ label_b\n@@ -l,n +l,n @@\n..." with context lines
 * around each change; "" when the texts are equal. NULL when out of memory. */
char *textdiff_unified(const char *a, const char *b, const char *label_a, const char *label_b,
                       int context);

#endif
