/*
 * cmd_convert_live.c - `meshpanel convert` from the kubeconfig's cluster.
 *
 * Items are decoded and checked as each list page is parsed (kclient_list
 * hands them over one by one), so a bad object is reported with its name
 * while the rest of the list still streams in, and each good one goes to
 * the conversion (convert_add) and is freed before the next page.
 */
#include <stdio.h>
#include <string.h>

#include "model/ingress.h"
#include "tui/cli/cmd_convert_live.h"

typedef struct {
    manifests_each_fn each;
    void *ud;
    mp_errlist *errs;
    size_t nerrs; /* errs->len before the listing */
    const convert_opts *o;
    bool ingress, service;
} sink;

/* The same check `convert -f` does per file, without the file:line. */
static void check_item(const sink *s, const doc_node *item)
{
    mp_err err;
    int rc = 0;
    if (s->ingress) {
        ing_view v;
        if ((rc = ingress_decode(item, s->o->default_namespace, &v, &err)) == 0)
            ingress_view_free(&v);
    } else if (s->service) {
        svc_view v;
        if ((rc = service_decode(item, s->o->default_namespace, &v, &err)) == 0)
            service_view_free(&v);
    }
    if (rc < 0)
        mp_errlist_add(s->errs, "%s", err.msg);
}

static int take_item(doc_node *item, void *ud, mp_err *err)
{
    const sink *s = ud;
    if (s->errs->len > s->nerrs || s->errs->oom) {
        check_item(s, item); /* nothing is converted: only the problems matter */
        doc_free(item);
        return 0;
    }
    if (s->each(item, NULL, s->errs, s->ud) < 0) /* checks it too */
        return mp_errf(err, "the conversion failed");
    return 0;
}

static int list_kind(kclient *c, const char *kind, const char *ns, sink *s, mp_err *err)
{
    const kkind *k = kkind_lookup(kind);
    if (!k)
        return mp_errf(err, "kind %s unknown", kind);
    s->ingress = !strcmp(kind, "Ingress");
    s->service = !strcmp(kind, "Service");
    klist_opts lo = {.ns = k->namespaced ? ns : NULL, .arena_items = true}; /* freed one by one */
    return kclient_list(c, k, &lo, take_item, s, NULL, err);
}

int convert_read_cluster(kclient *c, const char *ns, const convert_opts *o, manifests_each_fn each,
                         void *ud, mp_errlist *errs, mp_err *err)
{
    sink s = {.each = each, .ud = ud, .errs = errs, .nerrs = errs->len, .o = o};
    if (list_kind(c, "IngressClass", NULL, &s, err) < 0) {
        if (khttp_last_status(kclient_http(c)) != 403)
            return -1;
        fprintf(stderr, "meshpanel convert: these credentials cannot list IngressClasses: "
                        "converting without them\n");
    }
    if (list_kind(c, "Ingress", ns, &s, err) < 0 || list_kind(c, "Service", ns, &s, err) < 0)
        return -1;
    return 0;
}
