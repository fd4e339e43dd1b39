/*
 * template.h - new Gateways and VirtualServices for the console's `n`
 * (KubePanel's create-from-template).
 *
 * A template is a complete, canonical object with the fields an operator
 * fills in first; values the template cannot know (the host) are left
 * empty so the form marks them until they are filled. Generated objects
 * carry app.kubernetes.io/managed-by: meshpanel like converted ones.
 *
 * Ownership: returns a new tree the caller owns (NULL when out of memory
 * or kind is neither Gateway nor VirtualService). Pure.
 */
#ifndef MESHPANEL_TEMPLATE_H
#define MESHPANEL_TEMPLATE_H

#include "model/doc.h"

typedef struct {
    const char *ns;             /* the tenant namespace */
    const char *name;           /* object name (unique in the namespace) */
    const char *gateway;        /* VirtualService: "ns/name" of the Gateway to bind, or NULL */
    const char *service_host;   /* VirtualService: FQDN of the first destination, or NULL */
    long service_port;          /* its port number, 0 when unknown */
    const char *selector_value; /* Gateway: selector istio=<value> ("ingressgateway") */
} template_opts;

doc_node *template_new(const char *kind, const template_opts *o);

#endif
