/*
 * mergepatch.c - RFC 7386 merge patch between two trees (see mergepatch.h).
 */
#include "model/mergepatch.h"

static int diff_into(doc_node *patch, const doc_node *from, const doc_node *to)
{
    for (size_t i = 0; i < from->len; i++)
        if (!doc_get(to, from->keys[i]) && doc_map_set(patch, from->keys[i], doc_null_new()) < 0)
            return -1;
    for (size_t i = 0; i < to->len; i++) {
        const doc_node *a = doc_get(from, to->keys[i]), *b = to->items[i];
        if (a && doc_equal(a, b, false))
            continue;
        doc_node *v;
        if (a && doc_is_map(a) && doc_is_map(b)) {
            if (!(v = doc_map_new()) || diff_into(v, a, b) < 0) {
                doc_free(v);
                return -1;
            }
        } else if (!(v = doc_clone(b))) {
            return -1;
        }
        if (doc_map_set(patch, to->keys[i], v) < 0)
            return -1;
    }
    return 0;
}

doc_node *merge_patch_diff(const doc_node *from, const doc_node *to)
{
    doc_node *patch = doc_map_new();
    if (patch && doc_is_map(from) && doc_is_map(to) && diff_into(patch, from, to) < 0) {
        doc_free(patch);
        return NULL;
    }
    return patch;
}

static int apply_into(doc_node *t, const doc_node *p)
{
    for (size_t i = 0; i < p->len; i++) {
        const doc_node *v = p->items[i];
        if (doc_is_null(v)) {
            doc_map_del(t, p->keys[i]);
            continue;
        }
        doc_node *cur = doc_get(t, p->keys[i]);
        if (doc_is_map(v) && doc_is_map(cur)) {
            if (apply_into(cur, v) < 0)
                return -1;
            continue;
        }
        doc_node *c = doc_clone(v);
        if (!c || doc_map_set(t, p->keys[i], c) < 0)
            return -1;
    }
    return 0;
}

doc_node *merge_patch_apply(const doc_node *target, const doc_node *patch)
{
    if (!doc_is_map(patch))
        return doc_clone(patch);
    doc_node *t = doc_is_map(target) ? doc_clone(target) : doc_map_new();
    if (t && apply_into(t, patch) < 0) {
        doc_free(t);
        return NULL;
    }
    return t;
}
