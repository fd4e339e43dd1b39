/*
 * overlay_plan.c - an overlay applied to a whole conversion, so that the
 * console's apply and `meshpanel convert --overrides` give the same YAML.
 */
#include "model/overlay.h"

#include <stdint.h>
#include <string.h>

#include "model/kobj.h"

static bool is(const doc_node *obj, const ov_entry *e)
{
    const char *kind = kobj_kind(obj), *ns = kobj_namespace(obj), *name = kobj_name(obj);
    return kind && name && !strcmp(kind, e->kind) && !strcmp(ns ? ns : "", e->ns) &&
           !strcmp(name, e->name);
}

static size_t plan_find(const convert_plan *p, const ov_entry *e)
{
    for (size_t i = 0; i < convert_plan_len(p); i++)
        if (convert_plan_obj(p, i) && is(convert_plan_obj(p, i), e))
            return i;
    return SIZE_MAX;
}

static const doc_node *input_find(doc_node *const *inputs, size_t n, const ov_entry *e)
{
    for (size_t i = 0; i < n; i++)
        if (inputs[i] && is(inputs[i], e))
            return inputs[i];
    return NULL;
}

/* What the entry is re-applied to: the generated object, the live one as
 * the inputs hold it now, or nothing for a new object. */
static const doc_node *current_of(const ov_entry *e, const convert_plan *p, size_t at,
                                  doc_node *const *inputs, size_t ninputs)
{
    if (e->origin == OV_CONVERTED)
        return at == SIZE_MAX ? NULL : convert_plan_obj(p, at);
    if (e->origin == OV_LIVE)
        return input_find(inputs, ninputs, e);
    return NULL;
}

int overlay_apply_plan(const mp_overlay *o, convert_plan *p, doc_node *const *inputs,
                       size_t ninputs, mp_err *err)
{
    mp_warnings w;
    mp_warnings_init(&w);
    int rc = 0;
    for (size_t i = 0; i < overlay_len(o) && rc == 0; i++) {
        const ov_entry *e = overlay_at(o, i);
        size_t at = plan_find(p, e);
        doc_node *r = overlay_merge(e, current_of(e, p, at, inputs, ninputs), &w);
        if (!r)
            rc = -1;
        else if (at != SIZE_MAX)
            rc = convert_plan_replace_obj(p, at, r);
        else
            rc = convert_plan_add_obj(p, r);
    }
    if (rc == 0)
        rc = convert_plan_add_warnings(p, &w);
    mp_warnings_free(&w);
    convert_plan_sort(p);
    return rc < 0 ? mp_errf(err, "out of memory") : 0;
}
