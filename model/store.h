/*
 * store.h - the current snapshot of cluster objects, and what screens ask of it.
 *
 * Sources (api/source.h) only ever put or delete objects here; screens and the
 * converter read. Objects are indexed by kind / namespace / name (hash table),
 * and two derived indexes are rebuilt lazily after a change: tenants (one row
 * per namespace with counts and migration state) and host -> objects.
 *
 * Ownership: store_put() takes ownership of the document. Every pointer a
 * getter returns (store_obj, strings, tenant rows, lists' elements) is borrowed
 * and valid until the next store_put/store_delete/store_clear. Lists returned
 * as arrays are malloc'd; the caller frees the array (not its elements).
 * Pure data: no I/O, no globals. Not thread-safe (one event loop owns it).
 */
#ifndef MESHPANEL_STORE_H
#define MESHPANEL_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "model/doc.h"
#include "model/err.h"

typedef struct mp_store mp_store;

typedef struct {
    const char *kind; /* "Ingress", "Gateway", "VirtualService", ... */
    const char *ns;   /* "" for cluster-scoped objects */
    const char *name;
    const doc_node *doc;
    unsigned long long changed; /* store generation of its last change */
} store_obj;

/* Migration state of a tenant, from the objects in its namespace. */
typedef enum {
    TENANT_EMPTY,        /* no Ingress, Gateway or VirtualService */
    TENANT_INGRESS_ONLY, /* Ingresses only */
    TENANT_MIXED,        /* Ingresses and Istio objects side by side */
    TENANT_ISTIO,        /* Istio objects only (or every Ingress marked migrated) */
    TENANT_SUSPENDED,    /* debt/network suspension, or every Ingress paused */
} tenant_state;

typedef struct {
    const char *ns;
    size_t n_ing, n_gw, n_vs, n_other;
    tenant_state state;
    /* Problems found from the snapshot alone: hosts another namespace also
     * routes, VirtualServices naming a Gateway that does not exist. */
    size_t problems;
    /* The newest store generation among the namespace's objects (with the
     * counts above, what changes when anything in it does; a deletion
     * changes a count). */
    unsigned long long changed;
} store_tenant;

mp_store *store_new(void);
void store_free(mp_store *st);

/* Adds or replaces the object with the same kind/namespace/name. Takes
 * ownership of obj (freed on error or when identical to the stored one).
 * Secret objects keep metadata only: data and stringData are dropped here
 * so no screen can ever show them. Returns 1 when the store changed, 0 when
 * the object was identical, -1 with err when obj has no kind or name. */
int store_put(mp_store *st, doc_node *obj, mp_err *err);
/* Returns 1 when an object was removed, 0 when there was none. */
int store_delete(mp_store *st, const char *kind, const char *ns, const char *name);
void store_clear(mp_store *st);

/* Increments on every change; screens compare it to know when to rebuild. */
unsigned long long store_generation(const mp_store *st);
size_t store_count(const mp_store *st, const char *kind); /* kind NULL: all */

const store_obj *store_get(const mp_store *st, const char *kind, const char *ns, const char *name);

/* Objects of kind (NULL: Ingress, Gateway and VirtualService) in namespace ns
 * (NULL: every namespace), sorted by kind (Ingress, Gateway,
 * VirtualService, others by name), namespace, name. *out is malloc'd (NULL
 * when n is 0). Returns the count, or (size_t)-1 when out of memory. */
size_t store_list(const mp_store *st, const char *kind, const char *ns, const store_obj ***out);
/* Object i (< store_count(st, NULL)) in no particular order, for walks of
 * the whole store in bounded steps (nothing sorted, nothing allocated);
 * valid until the next change. NULL when i is out of range. */
const store_obj *store_at(const mp_store *st, size_t i);

/* Tenant rows sorted by namespace: every namespace that holds an object or a
 * Namespace object. Recomputed lazily after a change (hence not const). */
const store_tenant *store_tenants(mp_store *st, size_t *n);
const store_tenant *store_tenant_get(mp_store *st, const char *ns);
const char *tenant_state_name(tenant_state s);

/* Objects (Ingress rules, Gateway servers, VirtualService hosts) routing host,
 * borrowed array valid until the next change. */
const store_obj *const *store_by_host(mp_store *st, const char *host, size_t *n);
/* True when another namespace's object also routes one of obj's hosts. */
bool store_obj_conflicts(mp_store *st, const store_obj *obj);

/* The hosts an object routes, in document order, duplicates removed.
 * Gateway hosts lose their "namespace/" prefix. Returns a malloc'd array of
 * borrowed strings (free the array only) and its length in *n. */
const char **store_obj_hosts(const store_obj *obj, size_t *n);
/* The same for an object the store holds (from store_get, store_list or
 * store_at): the array it keeps for its host index, borrowed and valid
 * until the next change; NULL and 0 when it routes no host. */
const char *const *store_obj_host_list(const store_obj *obj, size_t *n);

#endif
