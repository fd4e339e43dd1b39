/*
 * template.c - the objects `n` starts from (see template.h).
 */
#include "model/template.h"

#include <string.h>

#include "model/docpath.h"
#include "model/istio.h"

static doc_node *vs_template(const template_opts *o)
{
    doc_node *vs = istio_object_new(ISTIO_NETWORKING_API, "VirtualService", o->ns, o->name);
    doc_node *spec = vs ? istio_spec(vs) : NULL;
    if (!spec)
        goto fail;
    /* an empty host: the form asks for it before the object can be staged */
    if (docpath_set_str(vs, "spec.hosts[0]", "") < 0)
        goto fail;
    if (o->gateway && docpath_set_str(vs, "spec.gateways[0]", o->gateway) < 0)
        goto fail;
    if (docpath_set_str(vs, "spec.http[0].match[0].uri.prefix", "/") < 0 ||
        docpath_set_str(vs, "spec.http[0].route[0].destination.host",
                        o->service_host ? o->service_host : "") < 0)
        goto fail;
    if (o->service_port > 0 && docpath_set(vs, "spec.http[0].route[0].destination.port.number",
                                           doc_int_new(o->service_port)) < 0)
        goto fail;
    istio_canonical_order(vs);
    return vs;
fail:
    doc_free(vs);
    return NULL;
}

static doc_node *gw_template(const template_opts *o)
{
    doc_node *gw =
        istio_gateway_new(o->ns, o->name, o->selector_value ? o->selector_value : "ingressgateway");
    if (!gw)
        return NULL;
    doc_node *hosts = doc_seq_new();
    if (hosts && doc_seq_push(hosts, doc_str_new("")) < 0) {
        doc_free(hosts);
        hosts = NULL;
    }
    /* add_server takes hosts, also when it fails */
    if (!hosts || istio_gateway_add_server(gw, 80, "HTTP", "http", hosts, NULL) < 0) {
        doc_free(gw);
        return NULL;
    }
    istio_canonical_order(gw);
    return gw;
}

doc_node *template_new(const char *kind, const template_opts *o)
{
    if (!kind || !o || !o->ns || !o->name)
        return NULL;
    if (!strcmp(kind, "VirtualService"))
        return vs_template(o);
    if (!strcmp(kind, "Gateway"))
        return gw_template(o);
    return NULL;
}
