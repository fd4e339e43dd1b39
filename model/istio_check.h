/*
 * istio_check.h - is an edited Gateway or VirtualService one the API
 * server and Istio accept, and where does it route differently than the
 * operator may think?
 *
 * One pass over the object's fields with the validators of validate.h.
 * Every finding is an mp_warning whose field is the path of the offending
 * value (docpath syntax), so the edit form marks the field that holds it
 * and $EDITOR lists the same lines:
 *
 *   MP601 error    a field value Istio or the API server rejects (the
 *                  object cannot be staged while one remains)
 *   MP602 warning  an HTTP route shadowed by an earlier one (routecheck.h)
 *   MP603 warning  credentialName is read from the gateway workload's
 *                  namespace, not the object's
 *   MP604 warning  a host another tenant namespace already routes
 *                  (from the store, when one is given)
 *   MP605 warning  a VirtualService host that no server of its Gateway
 *                  lists: the Gateway never hands it that traffic (when a
 *                  gateway lookup is given)
 *
 * Other kinds are accepted as they are (apiVersion, kind, metadata.name
 * are still checked).
 *
 * Pure: reads the object and, optionally, the store.
 */
#ifndef MESHPANEL_ISTIO_CHECK_H
#define MESHPANEL_ISTIO_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "model/doc.h"
#include "model/store.h"
#include "model/warn.h"

#define MPW_FIELD_INVALID    "MP601"
#define MPW_ROUTE_SHADOWED   "MP602"
#define MPW_SECRET_ELSEWHERE "MP603"
#define MPW_HOST_TAKEN       "MP604"
#define MPW_HOST_OFF_GATEWAY "MP605"

typedef struct {
    const char *tenant_prefix;     /* "ns-": namespaces of tenants (a tenant may not claim "*") */
    const char *gateway_namespace; /* "istio-system": where credentialName secrets are read */
    mp_store *store;               /* NULL: no cross-tenant host check */
    /* The Gateway a VirtualService binds to (NULL: unknown); NULL: no check. */
    const doc_node *(*gateway)(void *ud, const char *ns, const char *name);
    void *gateway_ud;
    /* MP604 ignores other namespaces' Ingresses: the caller converted them
     * with this object, and the converter reports a shared host (MP207). */
    bool skip_ingress_hosts;
} istio_check_opts;

/* Appends findings to w. Returns the number of errors (MP601), or -1 when
 * out of memory. */
int istio_check(const doc_node *obj, const istio_check_opts *o, mp_warnings *w);

#endif
