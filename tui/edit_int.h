/*
 * edit_int.h - helpers shared by tui/edit*.c (private to them).
 */
#ifndef MESHPANEL_EDIT_INT_H
#define MESHPANEL_EDIT_INT_H

#include <stddef.h>

#include "model/doc.h"
#include "tui/edit_form.h"

/* The value a field shows, from the tree. */
void ef_get(const binding *b, const doc_node *work, char *buf, size_t n);
/* path with "[*]" read as route 0 (buf is used when needed). */
const char *ef_read_path(const char *path, char *buf, size_t n);
/* The first Service of namespace ns as a destination host (FQDN) and its
 * first port; host "" when the tenant has none. */
void ef_first_service(const ef_context *ctx, const char *ns, char *host, size_t n, long *port);

#endif
