/*
 * dnscheck.h - the CNAME of a host, for lint's --check-dns (MP705).
 *
 * One DNS query of type CNAME through the system resolver (res_search,
 * /etc/resolv.conf). Answers are handed to the model as lint_dns_status:
 * a failed lookup (timeout, SERVFAIL, no resolver) is LINT_DNS_UNKNOWN,
 * which lint reports as unknown and never as a denial; NXDOMAIN and an
 * answer without a CNAME are LINT_DNS_NO_CNAME.
 *
 * Ownership: *target is malloc'd (caller frees) for LINT_DNS_CNAME, else
 * NULL. Blocking, one query per call.
 */
#ifndef MESHPANEL_DNSCHECK_H
#define MESHPANEL_DNSCHECK_H

#include "model/lint.h"

lint_dns_status dns_cname(const char *host, char **target);

#endif
