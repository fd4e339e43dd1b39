/*
 * cluster_apply.h - the live cluster's "apply" (api/source.h): staged objects
 * go to the API server by server-side apply as field manager meshpanel.
 *
 * Two passes. First every object is read (GET: absent or live) and applied
 * with dryRun=All; when any dry run fails nothing is written (the failed
 * ones carry the server's reason, the rest are NOT_RUN). Then each object
 * whose dry-run result equals the live object once noise is stripped
 * (model/objdiff.h) is UNCHANGED and not sent again; the others are applied
 * for real, never forced: a conflict with another field manager is FAILED,
 * naming the manager and field the server reported, and "(not forced)".
 * Gateways go first, then VirtualServices (which name their Gateway), then
 * other kinds. A failure in the second pass (the server changed in between)
 * stops there: later objects are NOT_RUN.
 *
 * What the server returned is put into the store at once, so the console
 * shows it before the watch event arrives.
 *
 * Ownership: objs and the kclient are borrowed; res has n slots, in the
 * order of objs. Blocking (one request per object and pass).
 */
#ifndef MESHPANEL_CLUSTER_APPLY_H
#define MESHPANEL_CLUSTER_APPLY_H

#include "api/resources.h"
#include "api/source.h"

/* Returns the number of FAILED objects, or -1 with err when out of memory. */
int cluster_apply(kclient *c, mp_store *st, doc_node *const *objs, size_t n, apply_result *res,
                  mp_err *err);

#endif
