/*
 * staging_int.h - what staging.c and view_staged.c share (private).
 */
#ifndef MESHPANEL_STAGING_INT_H
#define MESHPANEL_STAGING_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "model/overlay.h"
#include "model/warn.h"
#include "tui/ui.h"

/* One object :apply writes: a pending entry re-applied to the current
 * version of its object, or an object generated alongside it. */
typedef struct {
    doc_node *obj;
    const ov_entry *entry; /* NULL: generated with an edited object */
    const char *why;       /* "edited", "new", "generated with it, ..." */
} apply_item;

typedef struct {
    apply_item *items;
    size_t n, cap;
    mp_warnings warnings; /* MP501/MP502 from the merges */
} apply_list;

/* Builds the list from the overlay (every entry, or the pending ones). */
int apply_list_build(ui *u, apply_list *l, bool pending_only);
void apply_list_free(apply_list *l);

#endif
