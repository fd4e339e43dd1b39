/*
 * cmd_convert_live.h - the cluster's objects for `meshpanel convert`
 * without -f: IngressClasses, Ingresses and Services, listed page by page.
 */
#ifndef MESHPANEL_CMD_CONVERT_LIVE_H
#define MESHPANEL_CMD_CONVERT_LIVE_H

#include "api/manifests.h"
#include "api/resources.h"
#include "model/convert.h"
#include "model/err.h"
#include "model/parse.h"

/* Lists IngressClasses (cluster-wide), then Ingresses and Services of ns
 * (NULL: every namespace), in the order `get -o yaml` prints them, and
 * hands each item to each (which takes it) as its page is parsed, so the
 * lists never exist all at once. Each Ingress and Service is checked as
 * it arrives; every bad one adds a line to errs (the listing goes on, and
 * from then on items are freed, not handed over). A 403 on
 * IngressClasses (a tenant's credentials) is no error: the conversion
 * then knows no class, and a note says so on stderr. Returns 0, or -1
 * with err (listing failed, each failed, or out of memory). */
int convert_read_cluster(kclient *c, const char *ns, const convert_opts *o, manifests_each_fn each,
                         void *ud, mp_errlist *errs, mp_err *err);

#endif
