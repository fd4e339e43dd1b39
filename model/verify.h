/*
 * verify.h - routing equivalence (issue 9, step "verify"): for every host
 * and path of the source Ingresses, do the Istio objects send a request
 * where ingress-nginx would?
 *
 * Two independent simulators answer one question, "where does request
 * (host, path) go?":
 *   - nginx: the location ingress-nginx builds for the host out of every
 *     Ingress that names it (across namespaces), chosen the way nginx
 *     chooses (exact, then the longest prefix, regex locations first-match
 *     in ingress-nginx's order when the host is a regex host; the
 *     segment rule of Prefix; rewrite-target; the trailing-slash 301;
 *     canary and class rules that make a location unroutable);
 *   - Istio: the Gateway servers that accept the host, then the first
 *     matching route of the VirtualService bound to them (delegates merged
 *     as istiod merges them), with its destination, port, rewrite,
 *     redirect or direct response.
 * It does not reuse the converter's code: a bug there must show up here.
 *
 * The requests probed per path are the path itself and the edge cases
 * nginx treats specially: with and without a trailing slash, a segment
 * boundary (`/api` vs `/apix` vs `/api/x`), another case for regex hosts,
 * and one request outside every path of the host. Each answer is a short
 * text ("service ns/name:port", "service ns/name:port rewrite /x",
 * "redirect 301 /api/", "status 403", "404") and the two are compared.
 *
 * How each side decides, and where it approximates (scheme ignored,
 * regexes run as POSIX, AuthorizationPolicies not evaluated):
 * docs/verify.md.
 *
 * Ownership: the inputs are borrowed for the call; the report is the
 * caller's (verify_report_free). Pure: no I/O.
 */
#ifndef MESHPANEL_VERIFY_H
#define MESHPANEL_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "model/doc.h"
#include "model/err.h"

typedef struct {
    char host[256];
    char path[1024];   /* the request that shows the difference */
    char nginx[512];   /* where ingress-nginx sends it */
    char istio[512];   /* where the Istio objects send it */
    char ingress[300]; /* "ingress ns/name" whose location nginx chose ("" for 404) */
} verify_mismatch;

typedef struct verify_report verify_report;

/* ingresses: the source Ingresses, with the Services (named ports) and
 * IngressClasses they need; istio: the live Gateways and VirtualServices
 * (every namespace the hosts touch). Other kinds are ignored in both.
 * Hosts: only the hosts of the Ingresses are probed. NULL with err when
 * out of memory or an input cannot be read. */
verify_report *verify_routing(doc_node *const *ingresses, size_t ni, doc_node *const *istio,
                              size_t nistio, mp_err *err);
void verify_report_free(verify_report *r);

size_t verify_nhosts(const verify_report *r);
size_t verify_nrequests(const verify_report *r); /* requests probed */
size_t verify_nmismatches(const verify_report *r);
const verify_mismatch *verify_mismatch_at(const verify_report *r, size_t i);
/* Request i of the verify_nrequests() probed (host and path), for a live
 * probe that sends the same requests (api/probe.h). false past the end. */
bool verify_request_at(const verify_report *r, size_t i, char *host, size_t hn, char *path,
                       size_t pn);

#endif
