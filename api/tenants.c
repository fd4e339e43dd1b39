/*
 * tenants.c - list tenant namespaces, falling back to the context namespace.
 */
#include "api/tenants.h"

#include <stdlib.h>
#include <string.h>

#include "model/kobj.h"

bool ktenant_match(const char *ns, const char *prefix)
{
    if (!prefix)
        prefix = KTENANT_PREFIX;
    return ns && !strncmp(ns, prefix, strlen(prefix)) && strlen(ns) > strlen(prefix);
}

static int push(ktenants *t, doc_node *ns)
{
    doc_node **v = realloc(t->items, (t->len + 1) * sizeof *v);
    if (!v) {
        doc_free(ns);
        return -1;
    }
    t->items = v;
    t->items[t->len++] = ns;
    return 0;
}

typedef struct {
    ktenants *t;
    const char *prefix;
} collect_ctx;

static int collect(doc_node *item, void *ud, mp_err *err)
{
    collect_ctx *x = ud;
    const char *name = kobj_name(item);
    if (!*x->prefix || ktenant_match(name, x->prefix))
        return push(x->t, item) ? mp_errf(err, "out of memory") : 0;
    doc_free(item);
    return 0;
}

static doc_node *minimal_namespace(const char *name)
{
    doc_node *ns = doc_map_new();
    doc_node *meta = doc_map_new();
    if (!ns || !meta || doc_map_set_str(ns, "apiVersion", "v1") ||
        doc_map_set_str(ns, "kind", "Namespace") || doc_map_set_str(meta, "name", name) ||
        doc_map_set(ns, "metadata", meta)) {
        doc_free(ns);
        return NULL;
    }
    return ns;
}

int ktenants_list(kclient *c, const char *prefix, const char *selector, ktenants *out, mp_err *err)
{
    memset(out, 0, sizeof *out);
    const kkind *k = kkind_lookup("namespaces");
    collect_ctx x = {out, prefix ? prefix : KTENANT_PREFIX};
    klist_opts o = {.selector = selector};
    mp_err lerr;
    if (!kclient_list(c, k, &o, collect, &x, NULL, &lerr))
        return 0;
    ktenants_free(out);
    if (khttp_last_status(kclient_http(c)) != 403) {
        if (err)
            *err = lerr;
        return -1;
    }
    /* A tenant token: its own namespace is the whole world it can see. */
    out->fallback = true;
    const char *ns = kclient_conn(c)->ns;
    doc_node *obj = NULL;
    if (kclient_get(c, k, NULL, ns, &obj, NULL))
        obj = minimal_namespace(ns);
    if (!obj || push(out, obj))
        return mp_errf(err, "out of memory");
    return 0;
}

void ktenants_free(ktenants *t)
{
    for (size_t i = 0; i < t->len; i++)
        doc_free(t->items[i]);
    free(t->items);
    t->items = NULL;
    t->len = 0;
}
