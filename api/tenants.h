/*
 * tenants.h - which tenant namespaces the current credentials can see.
 *
 * An admin context lists namespaces and keeps those whose name starts with
 * the tenant prefix (Sealos: "ns-"). A tenant's own kubeconfig may not list
 * namespaces at all (403): then the context namespace is the one tenant, and
 * `fallback` says so, instead of failing.
 *
 * Ownership: the list owns its Namespace trees (ktenants_free).
 */
#ifndef MESHPANEL_TENANTS_H
#define MESHPANEL_TENANTS_H

#include <stdbool.h>

#include "api/resources.h"

#define KTENANT_PREFIX "ns-"

typedef struct {
    doc_node **items; /* Namespace objects (a minimal one in fallback mode) */
    size_t len;
    bool fallback; /* namespaces are not listable: context namespace only */
} ktenants;

/* prefix NULL: KTENANT_PREFIX; "" keeps every namespace. */
int ktenants_list(kclient *c, const char *prefix, const char *selector, ktenants *out, mp_err *err);
void ktenants_free(ktenants *t);
bool ktenant_match(const char *ns, const char *prefix);

#endif
