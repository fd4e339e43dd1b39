/*
 * cmd_objects.c - load and check manifest objects for apply and diff.
 */
#include "tui/cli/cmd_objects.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/kinds.h"
#include "api/manifests.h"
#include "model/kobj.h"

const char *cmd_object_label(const doc_node *obj, char *buf, size_t n)
{
    const kkind *k = kkind_for_object(kobj_api_version(obj), kobj_kind(obj));
    char lower[64];
    snprintf(lower, sizeof lower, "%s", k ? k->kind : kobj_kind(obj));
    for (char *p = lower; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    if (k && *k->group)
        snprintf(buf, n, "%s.%s/%s", lower, k->group, kobj_name(obj));
    else
        snprintf(buf, n, "%s/%s", lower, kobj_name(obj));
    return buf;
}

static int check_object(doc_node *obj, const kube_conn *conn, const char *path, size_t i,
                        mp_err *err)
{
    char ref[256];
    const kkind *k = kkind_for_object(kobj_api_version(obj), kobj_kind(obj));
    if (!k)
        return mp_errf(err, "%s: object %zu (%s): kind %s %s is not one meshpanel writes", path,
                       i + 1, kobj_ref(obj, ref, sizeof ref), kobj_api_version(obj),
                       kobj_kind(obj));
    if (k->metadata_only)
        return mp_errf(err, "%s: %s: meshpanel never writes Secrets", path,
                       kobj_ref(obj, ref, sizeof ref));
    if (!k->namespaced)
        return 0;
    const char *ns = kobj_namespace(obj);
    if (ns && *ns && conn->ns_explicit && strcmp(ns, conn->ns))
        return mp_errf(err,
                       "%s: %s: the object's namespace \"%s\" does not match --namespace "
                       "\"%s\"",
                       path, kobj_ref(obj, ref, sizeof ref), ns, conn->ns);
    if ((!ns || !*ns) && kobj_set_namespace(obj, conn->ns))
        return mp_errf(err, "out of memory");
    return 0;
}

int cmd_load_objects(const char *path, const kube_conn *conn, doc_list *out, mp_err *err)
{
    if (manifests_load(path, out, err))
        return -1;
    if (!out->len)
        return mp_errf(err, "%s: no objects found", path);
    for (size_t i = 0; i < out->len; i++)
        if (check_object(out->docs[i], conn, path, i, err)) {
            doc_list_free(out);
            return -1;
        }
    return 0;
}
