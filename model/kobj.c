/* kobj.c - Kubernetes object conventions over doc trees. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "model/kobj.h"

const char *kobj_api_version(const doc_node *obj)
{
    return doc_get_str(obj, "apiVersion");
}

const char *kobj_kind(const doc_node *obj)
{
    return doc_get_str(obj, "kind");
}

const char *kobj_name(const doc_node *obj)
{
    return doc_str(doc_getv(obj, "metadata", "name", NULL));
}

const char *kobj_namespace(const doc_node *obj)
{
    const char *ns = doc_str(doc_getv(obj, "metadata", "namespace", NULL));
    return ns && *ns ? ns : NULL;
}

const char *kobj_uid(const doc_node *obj)
{
    return doc_str(doc_getv(obj, "metadata", "uid", NULL));
}

const char *kobj_resource_version(const doc_node *obj)
{
    return doc_str(doc_getv(obj, "metadata", "resourceVersion", NULL));
}

const char *kobj_label(const doc_node *obj, const char *key)
{
    return doc_str(doc_getv(obj, "metadata", "labels", key, NULL));
}

const char *kobj_annotation(const doc_node *obj, const char *key)
{
    return doc_str(doc_getv(obj, "metadata", "annotations", key, NULL));
}

const char *kobj_group(const doc_node *obj, char *buf, size_t n)
{
    const char *av = kobj_api_version(obj);
    const char *slash = av ? strchr(av, '/') : NULL;
    snprintf(buf, n, "%.*s", slash ? (int)(slash - av) : 0, slash ? av : "");
    return buf;
}

static int set_meta_map_entry(doc_node *obj, const char *map, const char *key, const char *value)
{
    doc_node *meta = doc_map_ensure(obj, "metadata", DOC_MAP);
    doc_node *m = meta ? doc_map_ensure(meta, map, DOC_MAP) : NULL;
    return m ? doc_map_set_str(m, key, value) : -1;
}

int kobj_set_label(doc_node *obj, const char *key, const char *value)
{
    return set_meta_map_entry(obj, "labels", key, value);
}

int kobj_set_annotation(doc_node *obj, const char *key, const char *value)
{
    return set_meta_map_entry(obj, "annotations", key, value);
}

int kobj_set_namespace(doc_node *obj, const char *ns)
{
    doc_node *meta = doc_map_ensure(obj, "metadata", DOC_MAP);
    return meta ? doc_map_set_str(meta, "namespace", ns) : -1;
}

const char *kobj_ref(const doc_node *obj, char *buf, size_t n)
{
    const char *kind = kobj_kind(obj);
    const char *name = kobj_name(obj);
    const char *ns = kobj_namespace(obj);
    char lower[64];
    size_t i = 0;
    for (; kind && kind[i] && i + 1 < sizeof lower; i++)
        lower[i] = (char)tolower((unsigned char)kind[i]);
    lower[i] = '\0';
    snprintf(buf, n, "%s %s%s%s", i ? lower : "object", ns ? ns : "", ns ? "/" : "",
             name ? name : "<unnamed>");
    return buf;
}

static bool is_list_kind(const doc_node *d)
{
    const char *kind = kobj_kind(d);
    size_t n = kind ? strlen(kind) : 0;
    return n >= 4 && !strcmp(kind + n - 4, "List") && doc_is_seq(doc_get(d, "items"));
}

static int check_object(const doc_node *d, const char *where, mp_err *err)
{
    if (!doc_is_map(d))
        return mp_errf(err, "%s: not a Kubernetes object (expected a mapping)", where);
    const char *av = kobj_api_version(d), *kind = kobj_kind(d);
    if (!av || !*av)
        return mp_errf(err, "%s: apiVersion: missing", where);
    if (!kind || !*kind)
        return mp_errf(err, "%s: kind: missing", where);
    if (!doc_is_map(doc_get(d, "metadata")))
        return mp_errf(err, "%s: %s: metadata: missing or not a mapping", where, kind);
    const char *name = kobj_name(d);
    if (!name || !*name)
        return mp_errf(err, "%s: %s: metadata.name: missing", where, kind);
    /* YAML 1.1 reads `name: n` or `name: 0777` as a bool or a number, and so
     * does the API server, which then refuses the object: say so here. */
    static const char *const idents[] = {"name", "namespace"};
    for (size_t i = 0; i < sizeof idents / sizeof *idents; i++) {
        const doc_node *v = doc_getv(d, "metadata", idents[i], NULL);
        if (v && !(v->kind == DOC_SCALAR && v->type == DOC_STR))
            return mp_errf(err, "%s: %s: metadata.%s: must be a string, not %s (quote it)", where,
                           kind, idents[i], v->kind == DOC_SCALAR ? v->text : "a mapping or list");
    }
    return 0;
}

/* Takes ownership of d whatever happens. */
static int flatten_one(doc_node *d, doc_list *out, const char *where, mp_err *err)
{
    int rc = 0;
    if (is_list_kind(d) || doc_is_seq(d)) {
        doc_node *items = doc_is_seq(d) ? d : doc_get(d, "items");
        for (size_t i = 0; rc == 0 && i < items->len; i++) {
            char inner[300];
            snprintf(inner, sizeof inner, "%s: items[%zu]", where, i);
            rc = check_object(items->items[i], inner, err);
        }
        for (size_t i = 0; rc == 0 && i < items->len; i++) {
            doc_node *item = items->items[i];
            items->items[i] = NULL;
            if (doc_list_push(out, item) < 0)
                rc = mp_errf(err, "%s: out of memory", where);
        }
        doc_free(d);
        return rc;
    }
    if (check_object(d, where, err) < 0) {
        doc_free(d);
        return -1;
    }
    if (doc_list_push(out, d) < 0)
        return mp_errf(err, "%s: out of memory", where);
    return 0;
}

int kobj_flatten(doc_list *in, doc_list *out, const char *source, mp_err *err)
{
    int rc = 0;
    for (size_t i = 0; i < in->len; i++) {
        doc_node *d = doc_list_take(in, i);
        char where[256];
        snprintf(where, sizeof where, "%s: doc %zu", source ? source : "<input>", i + 1);
        if (rc == 0)
            rc = flatten_one(d, out, where, err);
        else
            doc_free(d);
    }
    doc_list_free(in);
    return rc;
}
