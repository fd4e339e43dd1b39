/*
 * kinds.h - the Kubernetes kinds meshpanel reads and writes, as one table.
 *
 * Each row says where a kind lives in the API (group, preferred versions,
 * plural resource name, namespaced or not), the names a user may type for it
 * ("ing", "ingress", "ingresses") and, for Secrets, the metadata-only Accept
 * header that every request for it must carry. Adding a kind is one row.
 *
 * Ownership: rows are static and immutable.
 */
#ifndef MESHPANEL_KINDS_H
#define MESHPANEL_KINDS_H

#include <stdbool.h>
#include <stddef.h>

#define KKIND_MAX_VERSIONS 3

/* PartialObjectMetadata media types: the server answers with metadata only,
 * so Secret data never crosses the wire. */
#define KACCEPT_META_LIST "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"
#define KACCEPT_META_ONE  "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1"

typedef struct {
    const char *kind;                         /* "Ingress" */
    const char *group;                        /* "" for the core group */
    const char *versions[KKIND_MAX_VERSIONS]; /* preferred first; NULL-padded */
    const char *resource;                     /* plural: "ingresses" */
    bool namespaced;
    bool discover;       /* versions depend on installed CRDs: ask the server */
    bool metadata_only;  /* never fetch the body (Secrets) */
    const char *aliases; /* comma-separated extra names: "ing,ingress" */
} kkind;

/* Finds a kind by resource, kind or alias, case-insensitively:
 * "ing", "Ingress", "ingresses", "vs", "virtualservice.networking.istio.io".
 * NULL when unknown. */
const kkind *kkind_lookup(const char *name);
/* Finds the row for an object's apiVersion + kind. NULL when unknown. */
const kkind *kkind_for_object(const char *api_version, const char *kind);
/* "ingresses.networking.k8s.io", "secrets" (core): for messages. */
const char *kkind_group_resource(const kkind *k, char *buf, size_t n);
/* All rows, for help texts and loops. */
const kkind *kkind_all(size_t *n);

#endif
