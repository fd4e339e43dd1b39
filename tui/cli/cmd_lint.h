/*
 * cmd_lint.h - what `meshpanel lint`'s two files share: reading the live
 * cluster into the objects lint looks at (cmd_lint_live.c).
 *
 * Ownership: objects are appended to out (the caller frees the list).
 */
#ifndef MESHPANEL_CMD_LINT_H
#define MESHPANEL_CMD_LINT_H

#include "api/resources.h"
#include "model/lint.h"
#include "model/parse.h"

/* Lists every kind lint reads (Ingresses, Services, IngressClasses,
 * Namespaces, Gateways, VirtualServices, DestinationRules,
 * AuthorizationPolicies, Secret metadata) in every namespace, or, when the
 * credentials may not list a kind cluster-wide and ns is given, in ns and
 * the gateway namespace gw_ns; marks in s what is then known (lint.h).
 * An Istio group the server does not serve holds no objects. Prints a
 * note on stderr for each fallback. Returns 0, or -1 with err. */
int lint_read_cluster(kclient *c, const char *ns, const char *gw_ns, doc_list *out, lint_set *s,
                      mp_err *err);

#endif
