/*
 * cmd_objects.h - manifest objects ready to send: what apply and diff share.
 *
 * Loads FILE (or a directory, or "-") through api/manifests.h, checks every
 * object before anything is sent (a kind meshpanel writes, never a Secret,
 * a name) and fills in the namespace of namespaced objects from -n or the
 * context, refusing an object whose namespace contradicts an explicit -n
 * (kubectl's rule). All-or-nothing: one bad object fails the whole file.
 *
 * Ownership: the caller frees the list with doc_list_free.
 */
#ifndef MESHPANEL_CMD_OBJECTS_H
#define MESHPANEL_CMD_OBJECTS_H

#include "api/resources.h"
#include "model/parse.h"

int cmd_load_objects(const char *path, const kube_conn *conn, doc_list *out, mp_err *err);
/* "ingress.networking.k8s.io/web" as kubectl prints it. */
const char *cmd_object_label(const doc_node *obj, char *buf, size_t n);

#endif
