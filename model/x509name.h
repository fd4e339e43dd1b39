/*
 * x509name.h - does a certificate name cover a host name, by the rules TLS
 * clients (and nginx's certificate choice in ingress-nginx, which calls Go's
 * x509 VerifyHostname) apply: equal names (ASCII case ignored, a trailing
 * '.' of the host ignored), or a wildcard "*.rest" that covers exactly one
 * more label in front of "rest". "*.example.com" covers shop.example.com,
 * not a.shop.example.com and not example.com; "*" alone and partial
 * wildcards ("a*.example.com") cover nothing but their own text.
 *
 * Pure functions on borrowed strings.
 */
#ifndef MESHPANEL_X509NAME_H
#define MESHPANEL_X509NAME_H

#include <stdbool.h>

/* true when the certificate name pattern covers host. */
bool x509_name_covers(const char *pattern, const char *host);

/* true when pattern is a wildcard name ("*." followed by labels). */
bool x509_name_is_wildcard(const char *pattern);

#endif
