/*
 * plan.h - the conversion of one tenant as the console sees it.
 *
 * The preview pane, the edit screen and :apply all need the same plan: the
 * tenant namespace's Ingresses and Services, the other namespaces'
 * Ingresses (and Services) that route one of its hosts, and every
 * IngressClass, with the converter options of the user's config. The plan
 * may then hold other namespaces' objects: screens pick theirs with
 * plan_of_tenant / plan_source_lists. One function builds it so the
 * three can never disagree about what an Ingress becomes.
 *
 * Ownership: the plan is the caller's (convert_plan_free); the input
 * objects are borrowed from the store for the call only.
 */
#ifndef MESHPANEL_PLAN_H
#define MESHPANEL_PLAN_H

#include <stdbool.h>

#include "model/convert.h"
#include "tui/ui.h"

/* Converter options from the config (skip_invalid: the console keeps
 * going past a broken object). Returns 0 or -1 with err. */
int ui_convert_opts(const ui *u, convert_opts *o, mp_err *err);
/* The plan of namespace ns; NULL with err. o (may be NULL) receives the
 * options used. */
convert_plan *ui_tenant_plan(ui *u, const char *ns, convert_opts *o, mp_err *err);
/* A fingerprint of what the plan of ns reads, cheap to take (no scan of
 * the store unless ns shares a host): the object counts and the newest
 * store generation of ns and of the namespaces sharing its hosts. While
 * it is the same, so is the plan, IngressClasses aside (the caller
 * watches those). -1 when out of memory. */
int ui_tenant_inputs(ui *u, const char *ns, size_t *n, unsigned long long *newest);

/* Conversion errors per tenant, for the tenants pane's PROB column. The
 * console counts them in idle time (plan_errors_idle), so a large cluster
 * paints first; :save-display counts them all first, so screens are exact.
 * Ownership: ui->plan_errors (plan_errors_free in ui teardown). */
typedef struct plan_errors plan_errors;
void plan_errors_free(plan_errors *pe);
/* Errors of ns's conversion; -1 while not counted yet. */
long plan_errors_get(ui *u, const char *ns);
/* Counts (or re-checks after a store change) tenants for about budget_ms.
 * True while some remain. */
bool plan_errors_idle(ui *u, int budget_ms);

/* Was gen generated from an Ingress of namespace ns (its
 * meshpanel.io/source lists one)? */
bool plan_of_tenant(const doc_node *gen, const char *ns);
/* Does a finding concern tenant ns: on one of its objects, or a host it
 * shares with other namespaces (MP207 naming it)? */
bool plan_warning_concerns(const mp_warning *w, const char *ns);

/* A generated object against the store's copy. */
typedef enum { PLAN_NEW, PLAN_SAME, PLAN_DIFFERS } plan_live;
/* nfields: how many fields differ (noise excluded). */
plan_live plan_live_state(ui *u, const doc_node *gen, size_t *nfields);
const char *plan_live_name(plan_live s); /* "new", "same as live", "differs from live" */
/* Does a comma list "ingress/ns/a,ingress/ns/b" hold want exactly? */
bool plan_source_lists(const char *list, const char *want);

#endif
