/*
 * objdiff.c - noise filter and canonical text of an object (changed paths:
 * see objdiff.h).
 */
#include "model/objdiff.h"

#include <stdlib.h>
#include <string.h>

#include "model/emit.h"
#include "model/sanitize.h"

static const char *const noise_meta[] = {"managedFields",     "resourceVersion", "uid",
                                         "creationTimestamp", "generation",      "selfLink"};

#define LAST_APPLIED "kubectl.kubernetes.io/last-applied-configuration"

void objdiff_strip_noise(doc_node *obj)
{
    if (!doc_is_map(obj))
        return;
    doc_map_del(obj, "status");
    doc_node *meta = doc_get(obj, "metadata");
    if (!doc_is_map(meta))
        return;
    for (size_t i = 0; i < sizeof noise_meta / sizeof noise_meta[0]; i++)
        doc_map_del(meta, noise_meta[i]);
    doc_node *ann = doc_get(meta, "annotations");
    if (doc_is_map(ann)) {
        doc_map_del(ann, LAST_APPLIED);
        if (!ann->len)
            doc_map_del(meta, "annotations");
    }
}

char *objdiff_canonical(const doc_node *obj, mp_err *err)
{
    if (!obj)
        return strdup("");
    doc_node *c = doc_clone(obj);
    if (!c) {
        mp_errf(err, "out of memory");
        return NULL;
    }
    objdiff_strip_noise(c);
    char *text = doc_emit_yaml(c, NULL, err);
    doc_free(c);
    char *clean = text ? san_cleans(text, SAN_KEEP_NEWLINE | SAN_KEEP_TAB) : NULL;
    free(text);
    return clean;
}
