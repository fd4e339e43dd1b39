/*
 * view_preview.c - the detail pane's conversion preview: what the selected
 * Ingress becomes under Istio (Gateway, VirtualService, ...), with the
 * converter's warnings first.
 *
 * The converter runs over the whole tenant namespace (Ingresses, Services,
 * IngressClasses) because Ingresses of one host merge into one
 * VirtualService; the pane then shows the generated objects whose
 * meshpanel.io/source names the selected Ingress. With a Gateway or
 * VirtualService selected it shows what the tenant's Ingresses generate.
 * Other namespaces' Ingresses that route one of the tenant's hosts are
 * converted with it (tui/plan.h), so a host two tenants claim shows as
 * MP207 here as it does in the CLI.
 *
 * A summary (objects, how they stand against live, finding counts) comes
 * first; findings beyond FOLD_AT fold behind one line (w unfolds).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/convert.h"
#include "model/emit.h"
#include "model/istio_check.h"
#include "model/kobj.h"
#include "tui/plan.h"
#include "tui/textview.h"

/* Findings shown before they fold: enough for a small tenant, few enough
 * that a large one still shows YAML on the first screen. */
enum { FOLD_AT = 5 };

static color_role sev_role(mp_severity s)
{
    return s == MP_SEV_ERROR ? ROLE_ERROR : s == MP_SEV_WARNING ? ROLE_WARNING : ROLE_INFO;
}

/* What the preview shows: the generated objects it picked, their findings
 * (the converter's and istio_check's), and how they stand against live. */
typedef struct {
    const convert_plan *p;
    const doc_node **objs;
    size_t n;
    mp_warnings w;
    size_t sev[3];
    size_t live[3];
} preview;

static const doc_node *plan_gateway(void *ud, const char *ns, const char *name)
{
    ui *u = ((void **)ud)[0];
    const convert_plan *p = ((void **)ud)[1];
    for (size_t i = 0; i < convert_plan_len(p); i++) {
        const doc_node *o = convert_plan_obj(p, i);
        const char *ons = o ? kobj_namespace(o) : NULL;
        if (o && !strcmp(kobj_kind(o), "Gateway") && ons && !strcmp(ons, ns) &&
            !strcmp(kobj_name(o), name))
            return o;
    }
    const store_obj *s = store_get(u->store, "Gateway", ns, name);
    return s ? s->doc : NULL;
}

static bool picked(const doc_node *o, const char *source, const char *tenant)
{
    const char *src = kobj_annotation(o, CONVERT_SOURCE_ANNOTATION);
    return source ? plan_source_lists(src, source) : plan_of_tenant(o, tenant);
}

static bool concerns(const mp_warning *w, const char *ref, const char *tenant)
{
    if (!ref)
        return plan_warning_concerns(w, tenant);
    return !strcmp(w->object, ref) ||
           (!strcmp(w->code, MPW_HOST_CONFLICT) && plan_warning_concerns(w, tenant));
}

static void copy_warning(preview *pv, const mp_warning *w)
{
    mp_warn(&pv->w, w->code, w->sev, w->object, w->field, "%s", w->message);
    pv->sev[w->sev]++;
}

/* Errors first: what blocks a route matters before what approximates it;
 * then a host another namespace also claims, whatever its severity, since
 * it decides who gets the traffic. */
static int rank(const mp_warning *w)
{
    if (w->sev == MP_SEV_ERROR)
        return 0;
    if (!strcmp(w->code, MPW_HOST_CONFLICT) || !strcmp(w->code, MPW_HOST_TAKEN))
        return 1;
    return w->sev == MP_SEV_WARNING ? 2 : 3;
}

static int preview_collect(preview *pv, ui *u, const char *source, const char *ref)
{
    const convert_plan *p = pv->p;
    size_t n = convert_plan_len(p);
    pv->objs = calloc(n ? n : 1, sizeof *pv->objs);
    if (!pv->objs)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const doc_node *o = convert_plan_obj(p, i);
        if (o && picked(o, source, u->tenant))
            pv->objs[pv->n++] = o;
    }
    void *ud[2] = {u, (void *)p};
    istio_check_opts co = {.tenant_prefix = u->cfg.tenant_prefix,
                           .gateway_namespace = "istio-system",
                           .store = u->store,
                           .gateway = plan_gateway,
                           .gateway_ud = ud,
                           .skip_ingress_hosts = true};
    mp_warnings ck;
    mp_warnings_init(&ck);
    for (size_t i = 0; i < pv->n; i++)
        istio_check(pv->objs[i], &co, &ck);
    for (int r = 0; r < 4; r++) {
        for (size_t i = 0; i < convert_plan_nwarn(p); i++) {
            const mp_warning *w = convert_plan_warn(p, i);
            if (rank(w) == r && concerns(w, ref, u->tenant))
                copy_warning(pv, w);
        }
        /* the converter's MP302 already says where credentialName is read */
        for (size_t i = 0; i < ck.len; i++)
            if (rank(&ck.items[i]) == r && strcmp(ck.items[i].code, MPW_SECRET_ELSEWHERE) != 0)
                copy_warning(pv, &ck.items[i]);
    }
    mp_warnings_free(&ck);
    for (size_t i = 0; i < pv->n; i++) {
        size_t nf;
        pv->live[plan_live_state(u, pv->objs[i], &nf)]++;
    }
    return 0;
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* "# Generates 3 objects: 1 Gateway, 2 VirtualServices (1 new, 2 differ from live)" */
static void add_summary(text_data *d, const preview *pv)
{
    static const char *const kinds[][2] = {{"Gateway", "Gateways"},
                                           {"VirtualService", "VirtualServices"},
                                           {"DestinationRule", "DestinationRules"},
                                           {"AuthorizationPolicy", "AuthorizationPolicies"}};
    size_t c[5] = {0};
    for (size_t i = 0; i < pv->n; i++) {
        size_t j = 0;
        while (j < 4 && strcmp(kobj_kind(pv->objs[i]), kinds[j][0]) != 0)
            j++;
        c[j]++;
    }
    char line[512], live[200];
    size_t len = 0;
    for (size_t j = 0; j < 5; j++)
        if (c[j] && len < sizeof line)
            len += (size_t)snprintf(line + len, sizeof line - len, "%s%zu %s", len ? ", " : "",
                                    c[j], j < 4 ? plural(c[j], kinds[j][0], kinds[j][1]) : "other");
    size_t l2 = 0;
    static const char *const what[][2] = {{"new", "new"},
                                          {"same as live", "same as live"},
                                          {"differs from live", "differ from live"}};
    for (size_t j = 0; j < 3; j++)
        if (pv->live[j] && l2 < sizeof live)
            l2 += (size_t)snprintf(live + l2, sizeof live - l2, "%s%zu %s", l2 ? ", " : "",
                                   pv->live[j], plural(pv->live[j], what[j][0], what[j][1]));
    if (pv->n)
        text_add(d, ROLE_COLUMN_HEADER, "# Generates %zu %s: %s (%s)", pv->n,
                 plural(pv->n, "object", "objects"), line, live);
    else
        text_add(d, ROLE_COLUMN_HEADER, "# Generates nothing");
    size_t nf = pv->w.len;
    if (nf)
        text_add(d, pv->sev[MP_SEV_ERROR] ? ROLE_ERROR : ROLE_COLUMN_HEADER,
                 "# Findings: %zu %s, %zu %s, %zu info", pv->sev[MP_SEV_ERROR],
                 plural(pv->sev[MP_SEV_ERROR], "error", "errors"), pv->sev[MP_SEV_WARNING],
                 plural(pv->sev[MP_SEV_WARNING], "warning", "warnings"), pv->sev[MP_SEV_INFO]);
    else if (pv->n)
        text_add(d, ROLE_STATE_ISTIO, "# No findings: routing behaviour is preserved");
}

static void add_findings(text_data *d, const preview *pv, bool one_object, bool unfolded)
{
    size_t nf = pv->w.len, shown = unfolded || nf <= FOLD_AT ? nf : FOLD_AT;
    for (size_t i = 0; i < shown; i++) {
        const mp_warning *w = &pv->w.items[i];
        text_add(d, sev_role(w->sev), "# %-7s %s %s%s%s%s%s", mp_severity_name(w->sev), w->code,
                 one_object ? "" : w->object, one_object ? "" : ": ", w->field,
                 w->field[0] ? ": " : "", w->message);
    }
    if (shown < nf)
        text_add(d, ROLE_ROW_DIM, "# ... %zu more %s folded (w shows them all)", nf - shown,
                 plural(nf - shown, "finding", "findings"));
    else if (nf > FOLD_AT)
        text_add(d, ROLE_ROW_DIM, "# (w folds the findings)");
}

/* Returns the line :problems asked to scroll to (ui_jump_line), or -1. */
static long add_objects(text_data *d, ui *u, const preview *pv)
{
    long jump = -1;
    for (size_t i = 0; i < pv->n; i++) {
        const doc_node *o = pv->objs[i];
        mp_err err = {{0}};
        size_t len, nf;
        char ref[512];
        plan_live st = plan_live_state(u, o, &nf);
        char *y = doc_emit_yaml(o, &len, &err);
        text_add_yaml(d, "---");
        if (st == PLAN_DIFFERS)
            text_add(d, ROLE_WARNING, "# %s: differs from live in %zu %s",
                     kobj_ref(o, ref, sizeof ref), nf, plural(nf, "field", "fields"));
        else
            text_add(d, st == PLAN_NEW ? ROLE_INFO : ROLE_STATE_ISTIO, "# %s: %s",
                     kobj_ref(o, ref, sizeof ref), plan_live_name(st));
        long j = y ? ui_jump_line(u, o, d->n) : -1;
        jump = j >= 0 ? j : jump;
        if (y)
            text_add_yaml(d, y);
        else
            text_add(d, ROLE_ERROR, "# cannot emit: %s", err.msg);
        free(y);
    }
    if (!pv->n && pv->w.len)
        text_add(d, ROLE_ROW_DIM, "# Nothing generated (see the findings)");
    return jump;
}

/* A tenant without Ingresses has nothing to convert: say that once rather
 * than an empty plan's "no findings". */
static bool istio_only(text_data *d, ui *u)
{
    const store_tenant *t = store_tenant_get(u->store, u->tenant);
    if (t && t->n_ing)
        return false;
    text_add(d, ROLE_COLUMN_HEADER, "# %s has no Ingress: nothing to convert", u->tenant);
    if (t && (t->n_gw || t->n_vs))
        text_add(d, ROLE_ROW_DIM, "# its %zu %s and %zu %s are Istio already (y shows their YAML)",
                 t->n_gw, plural(t->n_gw, "Gateway", "Gateways"), t->n_vs,
                 plural(t->n_vs, "VirtualService", "VirtualServices"));
    return true;
}

/* Returns the line to scroll to (add_objects), or -1. */
static long preview_plan(text_data *d, ui *u, const store_obj *sel)
{
    bool ing = sel && !strcmp(sel->kind, "Ingress");
    if (!ing && istio_only(d, u))
        return -1;
    convert_opts o;
    mp_err err = {{0}};
    convert_plan *p = ui_tenant_plan(u, u->tenant, &o, &err);
    if (!p) {
        text_add(d, ROLE_ERROR, "conversion failed: %s", err.msg);
        return -1;
    }
    long jump = -1;
    char source[600], ref[512];
    if (ing) {
        snprintf(source, sizeof source, "ingress/%s/%s", sel->ns, sel->name);
        kobj_ref(sel->doc, ref, sizeof ref);
    }
    text_add(d, ROLE_COLUMN_HEADER, "# Istio preview of %s%s (%s gateway mode)",
             ing ? "" : "tenant ", ing ? ref : u->tenant,
             o.mode == GW_MODE_SHARED ? "shared" : "tenant");
    preview pv = {.p = p};
    mp_warnings_init(&pv.w);
    if (preview_collect(&pv, u, ing ? source : NULL, ing ? ref : NULL) < 0) {
        text_add(d, ROLE_ERROR, "preview: out of memory");
    } else {
        add_summary(d, &pv);
        add_findings(d, &pv, false, u->preview_unfolded);
        jump = add_objects(d, u, &pv);
    }
    free(pv.objs);
    mp_warnings_free(&pv.w);
    convert_plan_free(p);
    return jump;
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
    long jump = -1;
    if (!u->tenant)
        text_add(d, ROLE_ROW_DIM, "Select a tenant to preview its conversion.");
    else
        jump = preview_plan(d, u, o);
    /* :problems' Enter: the field's line, highlighted, under one line of context */
    v->top = jump > 0 ? (size_t)jump - 1 : 0;
    d->mark = jump >= 0 ? (size_t)jump + 1 : 0;
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
