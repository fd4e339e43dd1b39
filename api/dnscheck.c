/*
 * dnscheck.c - CNAME lookups for lint (dnscheck.h). The answer section is
 * read with dn_expand only (glibc's libc has res_search and dn_expand; the
 * ns_* parser would need libresolv for a few lines of walking).
 */
#include "api/dnscheck.h"

#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>

/* Skips one (compressed) name; returns the bytes it took, or -1. */
static int skip_name(const unsigned char *msg, const unsigned char *end, const unsigned char *p)
{
    char buf[NS_MAXDNAME];
    return dn_expand(msg, end, p, buf, sizeof buf);
}

static unsigned get16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

/* The first CNAME record's target in an answer, or NULL. */
static char *first_cname(const unsigned char *msg, int len)
{
    const unsigned char *end = msg + len, *p = msg + NS_HFIXEDSZ;
    if (len < NS_HFIXEDSZ)
        return NULL;
    unsigned qd = get16(msg + 4), an = get16(msg + 6);
    for (unsigned i = 0; i < qd; i++) {
        int n = skip_name(msg, end, p);
        if (n < 0 || p + n + NS_QFIXEDSZ > end)
            return NULL;
        p += n + NS_QFIXEDSZ;
    }
    for (unsigned i = 0; i < an; i++) {
        int n = skip_name(msg, end, p);
        if (n < 0 || p + n + NS_RRFIXEDSZ > end)
            return NULL;
        p += n;
        unsigned type = get16(p), rdlen = get16(p + 8);
        p += NS_RRFIXEDSZ;
        if (p + rdlen > end)
            return NULL;
        char name[NS_MAXDNAME];
        if (type == ns_t_cname && dn_expand(msg, end, p, name, sizeof name) >= 0)
            return strdup(name);
        p += rdlen;
    }
    return NULL;
}

lint_dns_status dns_cname(const char *host, char **target)
{
    unsigned char ans[4096];
    *target = NULL;
    int n = res_search(host, ns_c_in, ns_t_cname, ans, sizeof ans);
    if (n < 0)
        return h_errno == HOST_NOT_FOUND || h_errno == NO_DATA ? LINT_DNS_NO_CNAME
                                                               : LINT_DNS_UNKNOWN;
    *target = first_cname(ans, n < (int)sizeof ans ? n : (int)sizeof ans);
    return *target ? LINT_DNS_CNAME : LINT_DNS_NO_CNAME;
}
