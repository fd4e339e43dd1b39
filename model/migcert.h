/*
 * migcert.h - where a host's certificate must be for the Istio gateway
 * (issue 9, "Certificates").
 *
 * Istio reads a Gateway server's tls.credentialName from the namespace of
 * the gateway workload, not from the Gateway's, while Sealos keeps a
 * custom domain's certificate in the tenant namespace. These helpers read
 * which secrets a Gateway serves a host with, and build the fix that needs
 * no secret data: a cert-manager Certificate in the gateway namespace.
 *
 * Ownership: returned names are borrowed from gw; the Certificate is the
 * caller's. Pure: no I/O.
 */
#ifndef MESHPANEL_MIGCERT_H
#define MESHPANEL_MIGCERT_H

#include <stdbool.h>
#include <stddef.h>

#include "model/doc.h"

/* Does a Gateway server host entry ("[ns/]name", "*", "*.example.com")
 * take host? A wildcard takes any deeper name, as Envoy's domain match. */
bool mig_server_host_takes(const char *entry, const char *host);
/* Does gw have a server for host at all? */
bool mig_gateway_serves(const doc_node *gw, const char *host);
/* The credentialNames of gw's TLS servers for host, up to max into out;
 * returns how many (duplicates left out). */
size_t mig_gateway_secrets(const doc_node *gw, const char *host, const char **out, size_t max);
/* "ns/name" or "name" (relative to the VirtualService's namespace vs_ns)
 * into ns/name buffers; false for "mesh" and malformed references. */
bool mig_gateway_ref(const char *ref, const char *vs_ns, char *ns, size_t nns, char *name,
                     size_t nname);

/* A cert-manager Certificate named secret in ns for host, issued by the
 * ClusterIssuer issuer. NULL when out of memory. */
doc_node *mig_certificate_offer(const char *ns, const char *secret, const char *host,
                                const char *issuer);

#endif
