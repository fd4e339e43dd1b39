/*
 * view_preview.c - the detail pane's conversion preview: what the selected
 * Ingress becomes under Istio (Gateway, VirtualService, ...), with the
 * converter's warnings first.
 *
 * The converter runs over the whole tenant namespace (Ingresses, Services,
 * IngressClasses) because Ingresses of one host merge into one
 * VirtualService; the pane then shows the generated objects whose
 * meshpanel.io/source names the selected Ingress. With a Gateway or
 * VirtualService selected it shows the tenant's whole plan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/convert.h"
#include "model/emit.h"
#include "model/kobj.h"
#include "tui/plan.h"
#include "tui/textview.h"

static color_role sev_role(mp_severity s)
{
    return s == MP_SEV_ERROR ? ROLE_ERROR : s == MP_SEV_WARNING ? ROLE_WARNING : ROLE_INFO;
}

static void add_warnings(text_data *d, const convert_plan *p, const char *only_ref)
{
    size_t shown = 0, nw = convert_plan_nwarn(p);
    for (size_t i = 0; i < nw; i++) {
        const mp_warning *w = convert_plan_warn(p, i);
        if (only_ref && strcmp(w->object, only_ref) != 0)
            continue;
        if (!shown++)
            text_add(d, ROLE_COLUMN_HEADER, "# Warnings");
        text_add(d, sev_role(w->sev), "# %-7s %s %s%s%s%s%s", mp_severity_name(w->sev), w->code,
                 only_ref ? "" : w->object, only_ref ? "" : ": ", w->field, w->field[0] ? ": " : "",
                 w->message);
    }
    if (!shown)
        text_add(d, ROLE_STATE_ISTIO, "# No warnings: routing behaviour is preserved");
}

static void add_objects(text_data *d, const convert_plan *p, const char *source)
{
    size_t n = convert_plan_len(p), shown = 0;
    for (size_t i = 0; i < n; i++) {
        const doc_node *o = convert_plan_obj(p, i);
        const char *src = kobj_annotation(o, CONVERT_SOURCE_ANNOTATION);
        if (!o || (source && !plan_source_lists(src, source)))
            continue;
        mp_err err = {{0}};
        size_t len;
        char *y = doc_emit_yaml(o, &len, &err);
        text_add_yaml(d, "---");
        if (y)
            text_add_yaml(d, y);
        else
            text_add(d, ROLE_ERROR, "# cannot emit: %s", err.msg);
        free(y);
        shown++;
    }
    if (!shown)
        text_add(d, ROLE_ROW_DIM, "# Nothing generated (see the warnings)");
}

static void summary(text_data *d, const convert_plan *p, const char *source)
{
    size_t n = convert_plan_len(p), c[5] = {0};
    static const char *const kinds[] = {"Gateway", "VirtualService", "DestinationRule",
                                        "AuthorizationPolicy"};
    for (size_t i = 0; i < n; i++) {
        const doc_node *o = convert_plan_obj(p, i);
        if (!o ||
            (source && !plan_source_lists(kobj_annotation(o, CONVERT_SOURCE_ANNOTATION), source)))
            continue;
        const char *k = kobj_kind(o);
        size_t j = 0;
        while (j < 4 && strcmp(k, kinds[j]) != 0)
            j++;
        c[j]++;
    }
    char line[512];
    size_t len = 0;
    for (size_t j = 0; j < 4; j++)
        if (c[j] && len < sizeof line)
            len += (size_t)snprintf(line + len, sizeof line - len, "%s%zu %s", len ? ", " : "",
                                    c[j], kinds[j]);
    text_add(d, ROLE_COLUMN_HEADER, "# Generates: %s", len ? line : "nothing");
}

static void preview_plan(text_data *d, ui *u, const store_obj *sel)
{
    convert_opts o;
    mp_err err = {{0}};
    convert_plan *p = ui_tenant_plan(u, u->tenant, &o, &err);
    if (!p) {
        text_add(d, ROLE_ERROR, "conversion failed: %s", err.msg);
        return;
    }
    bool ing = sel && !strcmp(sel->kind, "Ingress");
    char source[600], ref[512];
    if (ing) {
        snprintf(source, sizeof source, "ingress/%s/%s", sel->ns, sel->name);
        kobj_ref(sel->doc, ref, sizeof ref);
    }
    text_add(d, ROLE_COLUMN_HEADER, "# Istio preview of %s%s (%s gateway mode)",
             ing ? "" : "tenant ", ing ? ref : u->tenant,
             o.mode == GW_MODE_SHARED ? "shared" : "tenant");
    summary(d, p, ing ? source : NULL);
    add_warnings(d, p, ing ? ref : NULL);
    add_objects(d, p, ing ? source : NULL);
    convert_plan_free(p);
}

static void preview_rebuild(view *v, ui *u)
{
    text_data *d = v->data;
    text_clear(d);
    const store_obj *o = ui_selected_object(u);
    char ref[512];
    if (o && !strcmp(o->kind, "Ingress"))
        snprintf(d->title, sizeof d->title, "Preview %s", kobj_ref(o->doc, ref, sizeof ref));
    else
        snprintf(d->title, sizeof d->title, "Preview tenant %s", u->tenant ? u->tenant : "-");
    if (!u->tenant)
        text_add(d, ROLE_ROW_DIM, "Select a tenant to preview its conversion.");
    else
        preview_plan(d, u, o);
    v->top = 0;
    text_view_done(v);
}

static void preview_enter(view *v, ui *u)
{
    (void)v, (void)u;
}

static const view_ops preview_ops = {
    .name = "preview",
    .rebuild = preview_rebuild,
    .draw = text_view_draw,
    .enter = preview_enter,
    .title = text_view_title,
    .free = text_view_free,
};

void view_preview_init(view *v)
{
    v->ops = &preview_ops;
    v->scroll_only = true;
    v->data = calloc(1, sizeof(text_data));
}
