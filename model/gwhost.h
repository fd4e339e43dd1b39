/*
 * gwhost.h - which hosts a Gateway hands to a VirtualService: a server
 * host takes a VirtualService host when its namespace part ("ns/", "./",
 * "*\/" or none) admits the VirtualService's namespace and its host part is
 * "*", the same name, or a "*.suffix" wildcard the name is under. The edit
 * checks (istio_check.h, MP605) and lint (lint.h, MP712) decide it here.
 *
 * Pure functions on borrowed trees and strings.
 */
#ifndef MESHPANEL_GWHOST_H
#define MESHPANEL_GWHOST_H

#include <stdbool.h>

#include "model/doc.h"

/* Does server host sh take host of a VirtualService in namespace vs_ns? */
bool gw_server_host_takes(const char *sh, const char *host, const char *vs_ns);
/* Does any server of Gateway gw take it? */
bool gw_takes_host(const doc_node *gw, const char *host, const char *vs_ns);

#endif
