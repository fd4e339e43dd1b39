/*
 * migbackup.h - the backup a generated VirtualService carries
 * (meshpanel.io/backup), so a rollback works from any machine.
 *
 * The value is base64 of the gzip (deflate) of a JSON array of the
 * Ingresses as they were (model/migstate.h mig_original), each without
 * metadata.managedFields and status, which a re-create could not restore
 * anyway. Annotation values are strings; compressed, a typical Sealos
 * Ingress takes well under 1 KiB. The API server refuses an object whose
 * annotations (keys + values) exceed 256 KiB: mig_backup_fits says so
 * first, naming the object.
 *
 * Decoding reads untrusted cluster data: the inflated size is capped and
 * every item must be an Ingress with a namespace and a name.
 *
 * Ownership: returned strings and lists are the caller's. Pure: no I/O.
 */
#ifndef MESHPANEL_MIGBACKUP_H
#define MESHPANEL_MIGBACKUP_H

#include <stddef.h>

#include "model/doc.h"
#include "model/err.h"
#include "model/parse.h"

/* The API server's limit on the annotations of one object (keys + values). */
#define MIG_ANNOTATIONS_MAX (256u * 1024u)
/* What decoding inflates at most (a hostile value cannot exhaust memory). */
#define MIG_BACKUP_INFLATE_MAX (16u * 1024u * 1024u)

/* NULL with err (out of memory, an object that is not an Ingress). */
char *mig_backup_encode(doc_node *const *ingresses, size_t n, mp_err *err);
/* Appends the Ingresses to out. -1 with err "meshpanel.io/backup: ...". */
int mig_backup_decode(const char *value, doc_list *out, mp_err *err);

/* Bytes obj's annotations take as the API server counts them. */
size_t mig_annotations_size(const doc_node *obj);
/* 0 when obj's annotations fit, else -1 with err naming the object, the
 * size and the limit. */
int mig_backup_fits(const doc_node *obj, mp_err *err);

#endif
