/*
 * rows.h - table rows for the tenants and resources panes.
 *
 * A resource row holds the cleaned (model/sanitize.h) full text of every
 * column, computed once per rebuild: drawing only fits and truncates.
 * The same texts feed the filter, so what you filter on is what you see.
 *
 * Ownership: res_row_fill allocates the cells; res_row_free releases them.
 * obj is borrowed from the store (valid until the next store change, which
 * always triggers a rebuild first; the rebuild keeps the cells of objects
 * that did not change, tui/ui.c).
 */
#ifndef MESHPANEL_ROWS_H
#define MESHPANEL_ROWS_H

#include <stdbool.h>
#include <time.h>

#include "model/store.h"

typedef enum {
    COL_KIND,
    COL_NAMESPACE,
    COL_NAME,
    COL_HOSTS,
    COL_PATHS, /* Gateway: PORTS */
    COL_CLASS, /* Gateway: SELECTOR, VirtualService: GATEWAYS */
    COL_TLS,
    COL_AGE,
    COL_STATE,
    COL_COUNT
} res_col;

typedef struct {
    const store_obj *obj;
    char *cell[COL_COUNT]; /* cleaned; COL_AGE is empty (computed at draw) */
    char *folded;          /* the cells for the filter (filter_fold_join); may be NULL */
    time_t created;        /* res_row_created's, once it was asked */
    bool created_read;     /* created is read (filling a row does not need it) */
    bool problem;          /* state is a problem (conflict, no gateway) */
    bool kept;             /* cells kept from an older cache: check res_row_current */
    bool dim;              /* paused or migrated: not routed */
} res_row;

int res_row_fill(res_row *r, mp_store *st, const store_obj *obj);
/* The same with STATE as the object alone decides (active, ok, paused,
 * migrated: no conflict, no missing Gateway): no lookup in the store's
 * derived indexes. Such a row must pass res_row_current before it is shown
 * (ui.c: rows kept across a rebuild always do). */
int res_row_fill_local(res_row *r, mp_store *st, const store_obj *obj);
void res_row_free(res_row *r);
/* A filled row of an unchanged object: is its STATE still what the rest of
 * the store makes it (a host now routed by another namespace, a Gateway
 * created or deleted)? Costs hash lookups, no text. */
bool res_row_current(const res_row *r, mp_store *st);

/* The object's creation time (0 when unknown), read from its document the
 * first time it is asked: only AGE shown or sorted needs it, and a row is
 * filled for the filter long before (10,000 of them while the lists load).
 * Kept in the row, which is the ui's (the pointer is const for the views). */
time_t res_row_created(const res_row *r);

/* kubectl's age format (45s, 5m12s, 3h, 2d4h, 400d, 3y) of now - created;
 * "<unknown>" when created is 0. */
const char *format_age(time_t created, time_t now, char *buf, size_t n);
/* RFC 3339 "2026-03-01T10:00:00Z" (offsets and fractions accepted) to UTC
 * seconds; 0 on failure. */
time_t parse_rfc3339(const char *s);

/* The ingress class: annotation kubernetes.io/ingress.class, else
 * spec.ingressClassName; NULL when neither. */
const char *ingress_class_of(const doc_node *ing);

#endif
