/*
 * ipnet.h - IP addresses and CIDR ranges as ingress-nginx reads them.
 *
 * allowlist-/whitelist-/denylist-source-range values are split at ',' and
 * each entry, trimmed of white space (Go's strings.TrimSpace), must parse
 * with Go's net.ParseCIDR or, failing that, net.ParseIP
 * (ingress-nginx internal/net/ipnet.go ParseIPNets). One entry that parses
 * as neither makes the whole annotation invalid, and nginx then denies the
 * location with 503: an invalid entry is never skipped.
 *
 * The accepted forms are Go's (net/netip, Go 1.22 and later):
 *   - IPv4: exactly four decimal fields 0-255, no leading zero ("010.0.0.1"
 *     and "1.2.3" are refused), no sign, no blanks;
 *   - IPv6: hex groups of at most four digits, one "::" at most, an
 *     embedded IPv4 tail ("::ffff:1.2.3.4"); a zone ("fe80::1%eth0") is
 *     refused;
 *   - CIDR: address "/" decimal length, 0-32 for IPv4 text, 0-128 for IPv6
 *     text; leading zeros in the length are fine ("/08"); host bits are fine
 *     and are masked ("10.0.0.1/8" is 10.0.0.0/8).
 * The canonical form is what ingress-nginx writes into nginx.conf
 * (IPNet.String() / IP.String()): the masked network, lower-case IPv6 with
 * the longest run of zero groups as "::", IPv4-mapped IPv6 as IPv4 (an
 * "::ffff:a.b.c.d/N" network with N >= 96 becomes "a.b.c.d/(N-96)").
 *
 * Pure functions; ipnet_list's seq belongs to the caller.
 */
#ifndef MESHPANEL_IPNET_H
#define MESHPANEL_IPNET_H

#include <stdbool.h>
#include <stddef.h>

#include "model/doc.h"

/* Longest canonical form ("ffff:ffff:...:ffff/128") plus the NUL. */
#define IPNET_MAX 48

/* One entry of len bytes, not trimmed. true with the canonical form in
 * out[IPNET_MAX] when Go's ParseCIDR or ParseIP accepts it. */
bool ipnet_parse(const char *s, size_t len, char out[IPNET_MAX]);

/* A whole annotation value. Returns 0 with *out a seq of the canonical
 * entries, sorted byte-wise and without duplicates (as ingress-nginx
 * renders them); 1 when an entry is invalid (*out NULL, the trimmed entry
 * copied into bad, "" for an empty one); -1 out of memory. */
int ipnet_list(const char *value, doc_node **out, char *bad, size_t nbad);

#endif
