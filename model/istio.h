/*
 * istio.h - Istio objects as doc trees, in Istio's field order.
 *
 * Builders create Gateway, VirtualService, DestinationRule and
 * AuthorizationPolicy trees whose maps are already in the order of the
 * Istio protos (the encoder keeps tree order), so generated YAML reads like
 * Istio's own documentation. istio_canonical_order() puts an existing
 * object (read from a file or the cluster) in the same order without
 * dropping any field it does not know.
 *
 * Ownership: builders return new trees the caller owns; *_add functions
 * take ownership of the nodes they are given.
 */
#ifndef MESHPANEL_ISTIO_H
#define MESHPANEL_ISTIO_H

#include <stddef.h>

#include "model/doc.h"

#define ISTIO_NETWORKING_API "networking.istio.io/v1"
#define ISTIO_SECURITY_API   "security.istio.io/v1"

/* apiVersion, kind, metadata{name, namespace, labels{managed-by}}, spec{}. */
doc_node *istio_object_new(const char *api, const char *kind, const char *ns, const char *name);
doc_node *istio_spec(doc_node *obj); /* the spec map (created when absent) */

/* Gateway with selector {istio: selector_value} and no servers yet. */
doc_node *istio_gateway_new(const char *ns, const char *name, const char *selector_value);
/* Appends a server; hosts is a seq of strings, tls a map or NULL. */
int istio_gateway_add_server(doc_node *gw, long port, const char *protocol, const char *port_name,
                             doc_node *hosts, doc_node *tls);

/* VirtualService with spec.hosts = [host], spec.gateways = [gateway]. */
doc_node *istio_vs_new(const char *ns, const char *name, const char *host, const char *gateway);
int istio_vs_add_http(doc_node *vs, doc_node *route);

/* DestinationRule for host, exported to export_ns only. */
doc_node *istio_dr_new(const char *ns, const char *name, const char *host, const char *export_ns);

/* AuthorizationPolicy selecting {istio: selector_value}, with action. */
doc_node *istio_ap_new(const char *ns, const char *name, const char *selector_value,
                       const char *action);

/* Reorders every map of a known Istio kind into proto field order,
 * recursively; unknown keys keep their relative order after the known ones. */
void istio_canonical_order(doc_node *obj);
/* The same for a VirtualService's spec.http sequence alone. */
void istio_order_vs_http(doc_node *http);
/* Whether v, the value of key in one of http's routes, is already in the
 * order istio_order_vs_http puts it in (true for keys without a shape). */
bool istio_vs_http_part_in_order(const char *key, const doc_node *v);

/* A DNS-1123 label (<= 63, [a-z0-9-], starts and ends alphanumeric) made
 * from s: lower-cased, other characters become '-', "*" becomes
 * "wildcard"; when too long it is cut and ends in an 8-hex hash of s so
 * distinct inputs stay distinct. out must hold 64 bytes. */
void istio_dns_label(const char *s, char out[64]);

#endif
