/*
 * migcert.c - certificates the gateway must read (see migcert.h).
 */
#include "model/migcert.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "model/convert.h"
#include "model/kobj.h"

bool mig_server_host_takes(const char *entry, const char *host)
{
    const char *slash = strchr(entry, '/');
    const char *h = slash ? slash + 1 : entry;
    if (!strcmp(h, "*") || !strcasecmp(h, host))
        return true;
    if (h[0] != '*' || h[1] != '.')
        return false;
    size_t hl = strlen(host), sl = strlen(h + 1); /* ".example.com" */
    return hl > sl && !strcasecmp(host + hl - sl, h + 1);
}

static bool server_takes(const doc_node *srv, const char *host)
{
    const doc_node *hosts = doc_get(srv, "hosts");
    for (size_t i = 0; doc_is_seq(hosts) && i < hosts->len; i++) {
        const char *e = doc_str(hosts->items[i]);
        if (e && mig_server_host_takes(e, host))
            return true;
    }
    return false;
}

bool mig_gateway_serves(const doc_node *gw, const char *host)
{
    const doc_node *servers = doc_getv(gw, "spec", "servers", NULL);
    for (size_t i = 0; doc_is_seq(servers) && i < servers->len; i++)
        if (server_takes(servers->items[i], host))
            return true;
    return false;
}

size_t mig_gateway_secrets(const doc_node *gw, const char *host, const char **out, size_t max)
{
    const doc_node *servers = doc_getv(gw, "spec", "servers", NULL);
    size_t n = 0;
    for (size_t i = 0; doc_is_seq(servers) && i < servers->len; i++) {
        const doc_node *srv = servers->items[i];
        const char *cred = doc_get_str(doc_get(srv, "tls"), "credentialName");
        if (!cred || !*cred || !server_takes(srv, host))
            continue;
        size_t j = 0;
        while (j < n && strcmp(out[j], cred))
            j++;
        if (j == n && n < max)
            out[n++] = cred;
    }
    return n;
}

bool mig_gateway_ref(const char *ref, const char *vs_ns, char *ns, size_t nns, char *name,
                     size_t nname)
{
    if (!ref || !*ref || !strcmp(ref, "mesh"))
        return false;
    const char *slash = strchr(ref, '/');
    if (slash && (slash == ref || !slash[1] || strchr(slash + 1, '/')))
        return false;
    if (slash)
        snprintf(ns, nns, "%.*s", (int)(slash - ref), ref);
    else
        snprintf(ns, nns, "%s", vs_ns ? vs_ns : "");
    snprintf(name, nname, "%s", slash ? slash + 1 : ref);
    return *ns && *name;
}

doc_node *mig_certificate_offer(const char *ns, const char *secret, const char *host,
                                const char *issuer)
{
    doc_node *c = doc_map_new();
    if (!c)
        return NULL;
    int bad = doc_map_set_str(c, "apiVersion", "cert-manager.io/v1");
    bad |= doc_map_set_str(c, "kind", "Certificate");
    doc_node *meta = doc_map_ensure(c, "metadata", DOC_MAP);
    bad |= meta ? doc_map_set_str(meta, "name", secret) : -1;
    bad |= meta ? doc_map_set_str(meta, "namespace", ns) : -1;
    bad |= kobj_set_label(c, CONVERT_MANAGED_LABEL, CONVERT_MANAGED_VALUE);
    doc_node *spec = doc_map_ensure(c, "spec", DOC_MAP);
    bad |= spec ? doc_map_set_str(spec, "secretName", secret) : -1;
    doc_node *names = spec ? doc_map_ensure(spec, "dnsNames", DOC_SEQ) : NULL;
    bad |= names ? doc_seq_push(names, doc_str_new(host)) : -1;
    doc_node *ref = spec ? doc_map_ensure(spec, "issuerRef", DOC_MAP) : NULL;
    bad |= ref ? doc_map_set_str(ref, "kind", "ClusterIssuer") : -1;
    bad |= ref ? doc_map_set_str(ref, "name", issuer) : -1;
    if (bad) {
        doc_free(c);
        return NULL;
    }
    return c;
}
