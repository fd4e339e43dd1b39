/*
 * annotations_int.h - shared by the files that read annotations
 * (annotations.c: the rule table and most handlers; annotations_access.c:
 * the annotations that restrict access; higress.c: the other controller's
 * duplicates). PRIVATE to those files; the interface is annotations.h.
 */
#ifndef MESHPANEL_ANNOTATIONS_INT_H
#define MESHPANEL_ANNOTATIONS_INT_H

#include "model/annotations.h"

/* A warning on metadata.annotations["nginx.ingress.kubernetes.io/<name>"]. */
int ann_warn_at(ann_ctx *c, const char *name, const char *code, mp_severity sev, const char *fmt,
                ...) __attribute__((format(printf, 5, 6)));

/* annotations_access.c: the handlers of the access rows. ann_h_access
 * stores the value in its acc_raw slot; ann_h_access_part notes an
 * annotation that only means something beside its family's main one
 * (auth-signin beside auth-url, auth-realm beside auth-type). */
int ann_h_access(ann_ctx *c, const char *value);
int ann_h_access_part(ann_ctx *c, const char *value);
/* Resolves the access annotations once all are read: nginx's rules for
 * each (aliases, empty values, invalid values that make nginx deny the
 * location) into s->acc items, s->allow_cidrs and s->deny_cidrs. */
int ann_finish_access(ann_ctx *c);
/* Adds an item; false when the list is full (the first ACC_MAX are kept,
 * and a full list always holds a closing item). */
bool ann_access_add(ann_settings *s, acc_kind kind, const char *ann, bool host_wide,
                    const char *why, const char *todo);

/* higress.c: the higress.io/... annotations of the Ingress, once every nginx
 * annotation is read: those that only repeat headers the nginx annotations
 * set are one info line, the others a warning each. */
int higress_report(ann_ctx *c);

#endif
