/*
 * routecheck.h - first-match order of a VirtualService's HTTP routes.
 *
 * Istio tries http[] in order and takes the first route whose match list
 * accepts the request. A route is shadowed when an earlier route accepts
 * every request it would: the earlier one has no match (a catch-all) or,
 * for each of the later route's matches, one of its own matches takes a
 * superset (a prefix that starts the later prefix or exact path; the same
 * exact path). Matches with conditions other than the uri (headers,
 * methods, ports, ...) only cover a later match with the same conditions,
 * and a regex covers nothing (undecidable here), so a reported shadow is
 * always real, while some real ones go unreported. A root's `delegate`
 * entry is left out both ways (its routes live in another object).
 *
 * Pure: no I/O.
 */
#ifndef MESHPANEL_ROUTECHECK_H
#define MESHPANEL_ROUTECHECK_H

#include <stddef.h>

#include "model/doc.h"

/* Index of the first route before http[i] of vs that shadows it, or -1. */
long route_shadowed_by(const doc_node *vs, size_t i);
/* The same for every route at once (each route's matches read once): by[i]
 * for i < the returned count (at most max). */
size_t route_shadows(const doc_node *vs, long *by, size_t max);

#endif
