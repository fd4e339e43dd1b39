/*
 * plan.h - the conversion of one tenant as the console sees it.
 *
 * The preview pane, the edit screen and :apply all need the same plan: the
 * tenant namespace's Ingresses and Services plus every IngressClass, with
 * the converter options of the user's config. One function builds it so the
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
/* Does a comma list "ingress/ns/a,ingress/ns/b" hold want exactly? */
bool plan_source_lists(const char *list, const char *want);

#endif
