/*
 * cmd_lint_live.c - the cluster's objects for `meshpanel lint` (without
 * -f). Cross-tenant checks need every namespace, so each kind is listed
 * cluster-wide; a tenant's credentials that may not (403) get their own
 * namespace and the gateway namespace instead, and the checks then know
 * only those. Secrets arrive as metadata (api/resources.h).
 */
#include <stdio.h>
#include <string.h>

#include "tui/cli/cmd_kube.h"
#include "tui/cli/cmd_lint.h"

static const char *const lint_kinds[] = {
    "Namespace",      "IngressClass",    "Ingress",
    "Service",        "Secret",          "Gateway",
    "VirtualService", "DestinationRule", "AuthorizationPolicy",
};

static int push_item(doc_node *item, void *ud, mp_err *err)
{
    if (doc_list_push(ud, item) < 0) {
        doc_free(item);
        return mp_errf(err, "out of memory");
    }
    return 0;
}

/* 1 listed, 0 forbidden (403), -1 another error. */
static int list_in(kclient *c, const kkind *k, const char *ns, doc_list *out, mp_err *err)
{
    klist_opts o = {.ns = ns};
    if (!kclient_list(c, k, &o, push_item, out, NULL, err))
        return 1;
    return khttp_last_status(kclient_http(c)) == 403 ? 0 : -1;
}

/* Lists kind k in the namespaces it may; marks them known. *narrow is
 * set when the credentials could not list it cluster-wide. */
static int read_kind(kclient *c, const kkind *k, const char *ns, const char *gw_ns, doc_list *out,
                     lint_set *s, bool *narrow, mp_err *err)
{
    const char *version;
    if (k->discover && kclient_version(c, k, &version, err) < 0) {
        if (khttp_last_status(kclient_http(c)) != 404)
            return -1;
        return lint_set_mark_known(s, k->kind, NULL); /* not served: there are none */
    }
    int r = list_in(c, k, NULL, out, err);
    if (r)
        return r < 0 ? -1 : lint_set_mark_known(s, k->kind, NULL);
    if (!ns)
        return -1; /* -A: every namespace or nothing */
    *narrow = true;
    if (!k->namespaced)
        return 0; /* namespaces, ingress classes: none known */
    const char *nss[2] = {ns, strcmp(ns, gw_ns) ? gw_ns : NULL};
    for (int i = 0; i < 2 && nss[i]; i++) {
        r = list_in(c, k, nss[i], out, err);
        if (r < 0)
            return -1;
        if (r > 0 && lint_set_mark_known(s, k->kind, nss[i]) < 0)
            return mp_errf(err, "out of memory");
    }
    return 0;
}

int lint_read_cluster(kclient *c, const char *ns, const char *gw_ns, doc_list *out, lint_set *s,
                      mp_err *err)
{
    bool narrow = false;
    for (size_t i = 0; i < sizeof lint_kinds / sizeof lint_kinds[0]; i++) {
        const kkind *k = kkind_lookup(lint_kinds[i]);
        if (!k)
            return mp_errf(err, "kind %s unknown", lint_kinds[i]);
        if (read_kind(c, k, ns, gw_ns, out, s, &narrow, err) < 0)
            return -1;
    }
    if (narrow)
        fprintf(stderr,
                "meshpanel lint: these credentials cannot list every namespace: read %s%s%s "
                "only, so the cross-tenant checks see no other tenant\n",
                ns, strcmp(ns, gw_ns) ? " and what they may of " : "",
                strcmp(ns, gw_ns) ? gw_ns : "");
    return 0;
}
