/*
 * seqdiff.h - the one diff engine under linediff (lines, words inside a
 * line) and objdiff (sequence items): which items of two sequences are not
 * part of their common subsequence.
 *
 * Myers' O(ND) difference in linear space (divide and conquer on the
 * middle snake), as git's xdiff does it: the common head and tail are
 * trimmed, items without an equal on the other side are marked before the
 * search (they can only be deleted or inserted). The search first runs
 * uncapped within a budget of steps proportional to N + M, which gives a
 * minimal script for everyday inputs (a moved block of a thousand lines
 * included); past the budget it starts again with git's cost cap: past
 * max(256, sqrt(N + M)) edits a split is taken from the furthest-reaching
 * paths instead of the exact middle snake, so the time stays near
 * O((N + M) * cap) on any input (no N*M table). Memory is linear.
 * Groups of changes that could sit at several places are
 * then slid to line up with a change on the other side, else as far down
 * as they go (git's compaction without the indent heuristic).
 *
 * Ownership: nothing is kept; ca and cb are the caller's, na and nb bytes.
 * Pure: no I/O, no globals.
 */
#ifndef MESHPANEL_SEQDIFF_H
#define MESHPANEL_SEQDIFF_H

#include <stddef.h>

/* A byte string: a line without its '\n', or a word. */
typedef struct {
    const char *s;
    size_t len;
} sd_item;

/* Sets ca[i] = 1 when a[i] is deleted (not in the common subsequence), 0
 * when kept; likewise cb for b (1 = inserted). Items are equal when their
 * bytes are. Returns 0, or -1 when out of memory. */
int seqdiff_items(const sd_item *a, size_t na, const sd_item *b, size_t nb, unsigned char *ca,
                  unsigned char *cb);

/* Same for items the caller has numbered: equal ids are equal items; every
 * id is below nids. */
int seqdiff_ids(const unsigned *a, size_t na, const unsigned *b, size_t nb, unsigned nids,
                unsigned char *ca, unsigned char *cb);

#endif
