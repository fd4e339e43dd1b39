/*
 * kinds.c - the kind table and lookups by the names users type.
 */
#include "api/kinds.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const kkind kinds[] = {
    {"Namespace", "", {"v1"}, "namespaces", false, false, false, "ns,namespace,tenant,tenants"},
    {"Service", "", {"v1"}, "services", true, false, false, "svc,service"},
    {"Secret", "", {"v1"}, "secrets", true, false, true, "secret"},
    {"Ingress", "networking.k8s.io", {"v1"}, "ingresses", true, false, false, "ing,ingress"},
    {"IngressClass",
     "networking.k8s.io",
     {"v1"},
     "ingressclasses",
     false,
     false,
     false,
     "ingressclass"},
    {"Gateway",
     "networking.istio.io",
     {"v1", "v1beta1", "v1alpha3"},
     "gateways",
     true,
     true,
     false,
     "gw,gateway"},
    {"VirtualService",
     "networking.istio.io",
     {"v1", "v1beta1", "v1alpha3"},
     "virtualservices",
     true,
     true,
     false,
     "vs,virtualservice"},
    {"DestinationRule",
     "networking.istio.io",
     {"v1", "v1beta1", "v1alpha3"},
     "destinationrules",
     true,
     true,
     false,
     "dr,destinationrule"},
    {"AuthorizationPolicy",
     "security.istio.io",
     {"v1", "v1beta1"},
     "authorizationpolicies",
     true,
     true,
     false,
     "ap,authorizationpolicy"},
};

const kkind *kkind_all(size_t *n)
{
    *n = sizeof kinds / sizeof kinds[0];
    return kinds;
}

static bool alias_match(const char *aliases, const char *name, size_t nlen)
{
    const char *p = aliases;
    while (*p) {
        size_t l = strcspn(p, ",");
        if (l == nlen && !strncasecmp(p, name, l))
            return true;
        p += l;
        if (*p == ',')
            p++;
    }
    return false;
}

const kkind *kkind_lookup(const char *name)
{
    if (!name || !*name)
        return NULL;
    /* "virtualservices.networking.istio.io": the part after the first dot
     * must then be the row's group. */
    const char *dot = strchr(name, '.');
    size_t nlen = dot ? (size_t)(dot - name) : strlen(name);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        const kkind *k = &kinds[i];
        if (dot && strcasecmp(dot + 1, k->group))
            continue;
        if ((strlen(k->resource) == nlen && !strncasecmp(k->resource, name, nlen)) ||
            (strlen(k->kind) == nlen && !strncasecmp(k->kind, name, nlen)) ||
            alias_match(k->aliases, name, nlen))
            return k;
    }
    return NULL;
}

const kkind *kkind_for_object(const char *api_version, const char *kind)
{
    if (!api_version || !kind)
        return NULL;
    const char *slash = strchr(api_version, '/');
    size_t glen = slash ? (size_t)(slash - api_version) : 0;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        const kkind *k = &kinds[i];
        if (strcmp(k->kind, kind))
            continue;
        if (strlen(k->group) == glen && !strncmp(k->group, api_version, glen))
            return k;
    }
    return NULL;
}

const char *kkind_group_resource(const kkind *k, char *buf, size_t n)
{
    if (*k->group)
        snprintf(buf, n, "%s.%s", k->resource, k->group);
    else
        snprintf(buf, n, "%s", k->resource);
    return buf;
}
