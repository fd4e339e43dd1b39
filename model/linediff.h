/*
 * linediff.h - line diff of two texts, aligned for a side-by-side view,
 * with word-level highlights inside changed lines.
 *
 * The edit script is a Myers (or histogram) diff with a bounded cost, so
 * two 10,000-line documents diff in milliseconds even when every line
 * changed. The result is a list of aligned rows: an equal line on both
 * sides, a deleted line (left only), an inserted line (right only), or a
 * changed pair (a deleted and an inserted line shown on one row; within a
 * run of k deletions and m insertions the first min(k, m) pair up).
 * Hunks are maximal runs of non-equal rows. Folds collapse long runs of
 * equal rows that are further than `context` rows from a change.
 *
 * Both the console's diff view and `meshpanel diff` (textdiff.h, unified
 * text) are built on it.
 *
 * Ownership: linediff_new copies nothing: it keeps pointers into a and b,
 * which must outlive the linediff. Returned arrays are borrowed from the
 * linediff and valid until linediff_free. Pure: no I/O, no globals.
 */
#ifndef MESHPANEL_LINEDIFF_H
#define MESHPANEL_LINEDIFF_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    LD_EQUAL,  /* a and b */
    LD_DELETE, /* a only (b = -1) */
    LD_INSERT, /* b only (a = -1) */
    LD_CHANGE, /* a deleted line and an inserted line on one row */
} ld_kind;

typedef struct {
    ld_kind kind;
    long a, b; /* 0-based line numbers in each text, -1 when absent */
} ld_row;

typedef struct linediff linediff;

/* Diffs two NUL-terminated texts split at '\n' (a final line without '\n'
 * counts; "" has no lines). NULL only when out of memory. */
linediff *linediff_new(const char *a, const char *b);
void linediff_free(linediff *d);

size_t linediff_nrows(const linediff *d);
const ld_row *linediff_rows(const linediff *d);
/* Lines of each side (without '\n'); *len receives the length. */
size_t linediff_nlines(const linediff *d, int side); /* side 0: a, 1: b */
const char *linediff_line(const linediff *d, int side, long i, size_t *len);
/* Counts of deleted and inserted lines (a CHANGE row counts in both). */
size_t linediff_deleted(const linediff *d);
size_t linediff_inserted(const linediff *d);
bool linediff_equal(const linediff *d); /* no row other than LD_EQUAL */

/* Hunks: first row index of each run of non-equal rows, ascending. */
size_t linediff_nhunks(const linediff *d);
size_t linediff_hunk_start(const linediff *d, size_t h);
/* The hunk after / before row (wrapping is the caller's choice): its start
 * row, or -1 when there is none. */
long linediff_next_hunk(const linediff *d, size_t row);
long linediff_prev_hunk(const linediff *d, size_t row);

/* Display items after folding: a row, or a fold standing for `count` equal
 * rows starting at row `row`. A fold replaces runs of equal rows that are
 * more than context rows away from every change (runs shorter than 2 rows
 * are never folded). */
typedef struct {
    bool fold;
    size_t row;   /* index into linediff_rows */
    size_t count; /* rows folded (fold only) */
} ld_item;

/* Returns a malloc'd array (caller frees) and its length in *n; NULL with
 * *n = 0 when out of memory or when there are no rows. */
ld_item *linediff_fold(const linediff *d, size_t context, size_t *n);

/* Word highlights of a CHANGE row: byte spans of each side's line that
 * differ from the other side (tokens: runs of letters/digits, runs of
 * spaces, single other bytes; an LCS over tokens). Writes up to max spans
 * per side and returns how many were written into out_a / out_b through
 * *na / *nb. Rows of other kinds give no spans. */
typedef struct {
    size_t start, len;
} ld_span;
void linediff_words(const linediff *d, size_t row, ld_span *out_a, size_t *na, ld_span *out_b,
                    size_t *nb, size_t max);

#endif
