/*
 * edit.c - opening and closing the edit screen, and the refresh that
 * follows every change: checks, form rows, diff (see edit.h).
 */
#include "tui/edit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/istio.h"
#include "model/istio_check.h"
#include "model/kobj.h"
#include "model/objdiff.h"
#include "model/overlay.h"
#include "model/template.h"
#include "tui/edit_int.h"
#include "tui/lint_console.h"
#include "tui/plan.h"
#include "tui/popup.h"

static void free_labels(edit_screen *ed)
{
    for (size_t i = 0; i < ed->nlabels; i++)
        free(ed->labels[i]);
    free(ed->labels);
    ed->labels = NULL;
    ed->nlabels = 0;
}

static void free_findings(edit_screen *ed)
{
    size_t n = ed->es ? editset_len(ed->es) : 0;
    for (size_t i = 0; ed->findings && i < n; i++)
        mp_warnings_free(&ed->findings[i]);
    free(ed->findings);
    ed->findings = NULL;
}

static void screen_free(edit_screen *ed)
{
    if (!ed)
        return;
    free_findings(ed);
    mp_warnings_free(&ed->conflicts);
    editset_free(ed->es);
    ef_free(&ed->form);
    form_view_free(ed->fv);
    diff_view_free(ed->dv);
    free_labels(ed);
    ui_pane_hide(&ed->form_pane);
    ui_pane_hide(&ed->diff_pane);
    free(ed);
}

void edit_close(ui *u)
{
    screen_free(u->edit);
    u->edit = NULL;
    u->layout_dirty = true;
    ui_detail_changed(u);
}

ef_context edit_context(ui *u)
{
    edit_screen *ed = u->edit;
    ef_context c = {u->store, u->cfg.domain_suffix ? u->cfg.domain_suffix : "cluster.local",
                    "istio-system", (const char *const *)ed->labels, ed->nlabels};
    return c;
}

/* ---- refresh ------------------------------------------------------------------ */

typedef struct {
    ui *u;
    edit_screen *ed;
} gw_lookup;

/* A Gateway as the edit would leave it (the edit set's working copy), else
 * as the source holds it. */
static const doc_node *find_gateway(void *ud, const char *ns, const char *name)
{
    gw_lookup *g = ud;
    long i = editset_find(g->ed->es, "Gateway", ns, name);
    if (i >= 0)
        return editset_at(g->ed->es, (size_t)i)->work;
    const store_obj *s = store_get(g->u->store, "Gateway", ns, name);
    return s ? s->doc : NULL;
}

/* Lint codes the form's own checks (model/istio_check.h) already make
 * on the same field: a 0s timeout is refused there (MP601) and is lint's
 * MP733 too; one problem is counted once. */
static const struct {
    const char *lint, *form;
} same_check[] = {
    {MPL_ROUTE_SHADOWED, MPW_ROUTE_SHADOWED}, {MPL_ROUTE_TIMEOUT, MPW_FIELD_INVALID},
    {MPL_ROUTE_CORS_RE, MPW_FIELD_INVALID},   {MPL_ROUTE_REDIRECT, MPW_FIELD_INVALID},
    {MPL_GW_HOST, MPW_HOST_OFF_GATEWAY},
};

static bool said(const mp_warnings *w, const lint_finding *x)
{
    for (size_t k = 0; k < sizeof same_check / sizeof same_check[0]; k++) {
        if (strcmp(x->code, same_check[k].lint) != 0)
            continue;
        for (size_t i = 0; i < w->len; i++)
            if (!strcmp(w->items[i].code, same_check[k].form) &&
                !strcmp(w->items[i].field, x->field))
                return true;
    }
    return false;
}

/* The platform's rules on the object as edited, against everything else
 * of the last lint run (cost: the object's size; nothing while the store
 * moved since that run: the run in idle time brings them back). */
static void add_lint(ui *u, edit_obj *ob, mp_warnings *w)
{
    mp_err err;
    lint_findings *f = lint_console_check_object(u, ob->work, LINT_EDITED, &err);
    for (size_t i = 0; f && i < lint_findings_len(f); i++) {
        const lint_finding *x = lint_findings_at(f, i);
        if (!said(w, x))
            mp_warn(w, x->code, x->sev, ob->ref, x->field, "%s %s", x->code, x->message);
    }
    lint_findings_free(f);
}

/* Checks object `only` (every object when -1): a keystroke changes one. */
static void run_checks(ui *u, edit_screen *ed, long only)
{
    gw_lookup g = {u, ed};
    istio_check_opts o = {.tenant_prefix = u->cfg.tenant_prefix,
                          .gateway_namespace = "istio-system",
                          .store = u->store,
                          .gateway = find_gateway,
                          .gateway_ud = &g};
    for (size_t i = 0; i < editset_len(ed->es); i++) {
        if (only >= 0 && (size_t)only != i)
            continue;
        edit_obj *ob = editset_at(ed->es, i);
        mp_warnings *w = &ed->findings[i];
        mp_warnings_free(w);
        mp_warnings_init(w);
        for (size_t k = 0; k < ed->conflicts.len; k++) {
            const mp_warning *c = &ed->conflicts.items[k];
            if (!strcmp(c->object, ob->ref))
                mp_warn(w, c->code, c->sev, c->object, c->field, "%s", c->message);
        }
        istio_check(ob->work, &o, w);
        add_lint(u, ob, w);
    }
    ed->errors = ed->warnings = 0;
    for (size_t i = 0; i < editset_len(ed->es); i++)
        for (size_t k = 0; k < ed->findings[i].len; k++)
            ed->findings[i].items[k].sev == MP_SEV_ERROR ? ed->errors++ : ed->warnings++;
}

static void build_form(ui *u, edit_screen *ed)
{
    const binding *b = ef_binding(&ed->form, form_view_focus(ed->fv));
    char path[512] = "";
    bind_kind kind = B_STR;
    if (b) {
        snprintf(path, sizeof path, "%s", b->kind == B_SELECT ? b->arg : b->path);
        kind = b->kind;
    }
    ef_context ctx = edit_context(u);
    edit_obj *ob = editset_at(ed->es, ed->sel.obj);
    if (ef_build(&ed->form, ob->work, &ed->sel, &ctx, &ed->findings[ed->sel.obj]) < 0)
        ui_set_message(u, true, "out of memory building the form");
    int id = -1;
    for (size_t i = 0; b && i < ed->form.nb && id < 0; i++) {
        const binding *nb = &ed->form.b[i];
        if (nb->kind == kind && !strcmp(kind == B_SELECT ? nb->arg : nb->path, path))
            id = (int)i;
    }
    form_view_set(ed->fv, ed->form.rows, ed->form.nrows, id);
    if (id >= 0)
        form_view_set_focus(ed->fv, id);
}

/* "spec.http[0].timeout: changed" lines, prefixed by the object when the
 * set has several. */
static void build_summary(edit_screen *ed)
{
    size_t n = editset_len(ed->es), cap = 16, len = 0;
    char **lines = malloc(cap * sizeof *lines);
    for (size_t i = 0; lines && i < n; i++) {
        edit_obj *o = editset_at(ed->es, i);
        od_paths p = {0};
        objdiff_paths(ed->left_base ? o->base : o->live, o->work, &p);
        for (size_t k = 0; k < p.len; k++) {
            if (len == cap) {
                char **v = realloc(lines, (cap *= 2) * sizeof *v);
                if (!v)
                    break;
                lines = v;
            }
            char *f = od_path_format(&p.items[k]);
            char buf[1200];
            snprintf(buf, sizeof buf, "%s%s%s", n > 1 ? o->name : "", n > 1 ? ": " : "",
                     f ? f : "?");
            if (!p.items[k].path[0] && n > 1)
                snprintf(buf, sizeof buf, "%s: %s", o->ref, od_change_name(p.items[k].change));
            free(f);
            lines[len++] = strdup(buf);
        }
        objdiff_paths_free(&p);
    }
    diff_view_set_summary(ed->dv, (const char *const *)lines, lines ? len : 0);
    for (size_t i = 0; lines && i < len; i++)
        free(lines[i]);
    free(lines);
}

static void rebuild(ui *u, long changed)
{
    edit_screen *ed = u->edit;
    if (!ed)
        return;
    /* a Gateway's hosts decide its VirtualServices' MP605: check them all */
    if (changed >= 0 && !strcmp(editset_at(ed->es, (size_t)changed)->kind, "Gateway"))
        changed = -1;
    run_checks(u, ed, changed);
    build_form(u, ed);
    const char *left = editset_text(ed->es, ed->left_base ? ES_LEFT_BASE : ES_LEFT_LIVE);
    const char *right = editset_text(ed->es, ES_RIGHT_WORK);
    diff_view_set(ed->dv, left ? left : "", right ? right : "");
    diff_view_set_labels(ed->dv, ed->left_base ? "conversion" : "source", "edited");
    build_summary(ed);
}

void edit_refresh(ui *u)
{
    rebuild(u, -1);
}

void edit_lint_changed(ui *u)
{
    if (u->edit)
        rebuild(u, -1);
}

/* The first line where two texts differ (0-based), -1 when equal. */
static long first_difference(const char *a, const char *b)
{
    long line = 0;
    for (size_t k = 0;; k++) {
        if (a[k] != b[k])
            return line;
        if (!a[k])
            return -1;
        line += a[k] == '\n';
    }
}

static void reveal_after(ui *u, size_t i, char *old);

void edit_replace(ui *u, size_t i, doc_node *work)
{
    const char *before = editset_text(u->edit->es, ES_RIGHT_WORK);
    char *old = before ? strdup(before) : NULL;
    editset_replace(u->edit->es, i, work);
    reveal_after(u, i, old);
}

void edit_changed(ui *u, size_t i)
{
    const char *before = editset_text(u->edit->es, ES_RIGHT_WORK);
    reveal_after(u, i, before ? strdup(before) : NULL);
}

/* After object i changed: order, refresh, and scroll the diff to the first
 * line that differs from old (the right text before the change; freed). */
static void reveal_after(ui *u, size_t i, char *old)
{
    edit_obj *o = editset_at(u->edit->es, i);
    if (!o) {
        free(old);
        return;
    }
    istio_canonical_order(o->work);
    editset_touch(u->edit->es, i);
    rebuild(u, (long)i);
    const char *now = editset_text(u->edit->es, ES_RIGHT_WORK);
    long at = old && now ? first_difference(old, now) : -1;
    if (at >= 0)
        diff_view_reveal(u->edit->dv, at);
    free(old);
}

void edit_focus_under(ui *u, const char *path)
{
    int id = ef_find_under(&u->edit->form, path);
    if (id >= 0)
        form_view_set_focus(u->edit->fv, id);
}

void edit_store_changed(ui *u)
{
    edit_screen *ed = u->edit;
    if (!ed)
        return;
    bool changed = false;
    for (size_t i = 0; i < editset_len(ed->es); i++) {
        edit_obj *o = editset_at(ed->es, i);
        const store_obj *s = store_get(u->store, o->kind, o->ns, o->name);
        if (!doc_equal(s ? s->doc : NULL, o->live, true) && (s || o->live)) {
            editset_set_live(ed->es, i, s ? s->doc : NULL);
            changed = true;
        }
    }
    if (changed)
        edit_refresh(u);
}

/* ---- opening ------------------------------------------------------------------------ */

static ef_section first_section(const char *kind)
{
    for (int s = 0; s < SEC_COUNT; s++)
        if (ef_section_has(kind, (ef_section)s))
            return (ef_section)s;
    return SEC_HOSTS;
}

static int open_screen(ui *u, edit_screen *ed, mp_err *err)
{
    size_t n = editset_len(ed->es);
    if (!n) {
        screen_free(ed);
        return mp_errf(err,
                       "nothing to edit: the conversion generates no object (see the preview)");
    }
    ed->findings = calloc(n, sizeof *ed->findings);
    ed->labels = calloc(n, sizeof *ed->labels);
    ed->fv = form_view_new();
    ed->dv = diff_view_new();
    if (!ed->findings || !ed->labels || !ed->fv || !ed->dv) {
        screen_free(ed);
        return mp_errf(err, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        edit_obj *o = editset_at(ed->es, i);
        char buf[400];
        snprintf(buf, sizeof buf, "%s %s", o->kind, o->name);
        ed->labels[ed->nlabels++] = strdup(buf);
    }
    /* the VirtualService is what an Ingress edit is mostly about */
    for (size_t i = 0; i < n && strcmp(editset_at(ed->es, ed->sel.obj)->kind, "VirtualService");
         i++)
        if (!strcmp(editset_at(ed->es, i)->kind, "VirtualService"))
            ed->sel.obj = i;
    ed->sel.cors_scope = -1;
    ed->sel.section = first_section(editset_at(ed->es, ed->sel.obj)->kind);
    if (u->edit && editset_unsaved(u->edit->es)) {
        screen_free(ed);
        return mp_errf(err,
                       "the open editor has unstaged edits: stage (s) or close it (Esc) first");
    }
    popup_free(u);
    edit_close(u);
    lint_console_update(u); /* the form checks against it (opening converts anyway) */
    u->edit = ed;
    u->layout_dirty = true;
    edit_refresh(u);
    return 0;
}

static edit_screen *screen_new(const char *title)
{
    edit_screen *ed = calloc(1, sizeof *ed);
    if (!ed)
        return NULL;
    ed->es = editset_new();
    if (!ed->es) {
        free(ed);
        return NULL;
    }
    ef_init(&ed->form);
    mp_warnings_init(&ed->conflicts);
    snprintf(ed->title, sizeof ed->title, "%s", title);
    return ed;
}

/* A clean copy: what the server adds (resourceVersion, managedFields, ...)
 * is not the operator's to edit and must not be applied back. */
static doc_node *clean_copy(const doc_node *obj)
{
    doc_node *c = obj ? doc_clone(obj) : NULL;
    objdiff_strip_noise(c);
    return c;
}

static long add_object(edit_screen *ed, ov_origin origin, const doc_node *base,
                       const doc_node *live, doc_node *work, mp_err *err)
{
    if (!work)
        return mp_errf(err, "out of memory");
    istio_canonical_order(work);
    long r = editset_add(ed->es, origin, base, live, work, err);
    doc_free(work);
    return r;
}

/* The store's copy of an object (NULL when absent). */
static const doc_node *live_of(ui *u, const char *kind, const char *ns, const char *name)
{
    const store_obj *s = store_get(u->store, kind, ns, name);
    return s ? s->doc : NULL;
}

/* The converted objects of one Ingress, with staged edits re-applied. */
static int open_ingress(ui *u, const store_obj *ing, mp_err *err)
{
    convert_plan *p = ui_tenant_plan(u, ing->ns, NULL, err);
    if (!p)
        return -1;
    char src[600], title[400];
    snprintf(src, sizeof src, "ingress/%s/%s", ing->ns, ing->name);
    snprintf(title, sizeof title, "ingress %s/%s", ing->ns, ing->name);
    edit_screen *ed = screen_new(title);
    int rc = ed ? 0 : mp_errf(err, "out of memory");
    for (size_t i = 0; ed && rc == 0 && i < convert_plan_len(p); i++) {
        const doc_node *gen = convert_plan_obj(p, i);
        if (!gen || !plan_source_lists(kobj_annotation(gen, CONVERT_SOURCE_ANNOTATION), src))
            continue;
        const char *kind = kobj_kind(gen), *ns = kobj_namespace(gen), *name = kobj_name(gen);
        const ov_entry *e = u->overlay ? overlay_find(u->overlay, kind, ns, name) : NULL;
        doc_node *work = e ? overlay_merge(e, gen, &ed->conflicts) : doc_clone(gen);
        if (add_object(ed, OV_CONVERTED, gen, live_of(u, kind, ns, name), work, err) < 0)
            rc = -1;
    }
    convert_plan_free(p);
    if (rc < 0) {
        screen_free(ed);
        return -1;
    }
    return open_screen(u, ed, err);
}

int edit_open_object(ui *u, const char *kind, const char *ns, const char *name, mp_err *err)
{
    const ov_entry *e = u->overlay ? overlay_find(u->overlay, kind, ns, name) : NULL;
    const doc_node *live = live_of(u, kind, ns, name);
    if (e && e->origin == OV_CONVERTED) {
        const char *src = kobj_annotation(e->edited, CONVERT_SOURCE_ANNOTATION);
        char ing[600];
        /* reopen through its first Ingress: the whole host group again */
        if (src && sscanf(src, "ingress/%*[^/]/%599[^,]", ing) == 1) {
            const store_obj *s = store_get(u->store, "Ingress", ns, ing);
            if (s)
                return open_ingress(u, s, err);
        }
    }
    if (!e && !live)
        return mp_errf(err, "%s %s/%s: not found", kind, ns, name);
    char title[400];
    snprintf(title, sizeof title, "%s %s/%s", kind, ns, name);
    edit_screen *ed = screen_new(title);
    if (!ed)
        return mp_errf(err, "out of memory");
    doc_node *base = e && e->base ? clean_copy(e->base) : clean_copy(live);
    doc_node *cur = live ? clean_copy(live) : NULL;
    doc_node *work = e ? overlay_merge(e, cur, &ed->conflicts) : clean_copy(live);
    ov_origin origin = e ? e->origin : OV_LIVE;
    long r = add_object(ed, origin, origin == OV_NEW ? NULL : (cur ? cur : base), live, work, err);
    doc_free(base);
    doc_free(cur);
    if (r < 0) {
        screen_free(ed);
        return -1;
    }
    return open_screen(u, ed, err);
}

int edit_open_selected(ui *u, mp_err *err)
{
    const store_obj *o = ui_selected_object(u);
    if (!o)
        return mp_errf(err, "e: select an Ingress, Gateway or VirtualService first");
    if (!strcmp(o->kind, "Ingress"))
        return open_ingress(u, o, err);
    if (strcmp(o->kind, "Gateway") != 0 && strcmp(o->kind, "VirtualService") != 0)
        return mp_errf(err, "e: %s objects have no form; edit Ingresses, Gateways, VirtualServices",
                       o->kind);
    return edit_open_object(u, o->kind, o->ns, o->name, err);
}

/* A name not used in ns by the store or the staged edits. */
static void unique_name(ui *u, const char *kind, const char *ns, const char *stem, char *buf,
                        size_t n)
{
    snprintf(buf, n, "%s", stem);
    for (int i = 2; i < 1000; i++) {
        if (!store_get(u->store, kind, ns, buf) &&
            !(u->overlay && overlay_find(u->overlay, kind, ns, buf)))
            return;
        snprintf(buf, n, "%s-%d", stem, i);
    }
}

int edit_open_new(ui *u, const char *kind, mp_err *err)
{
    if (!u->tenant)
        return mp_errf(err, "n: select a tenant first");
    char name[128], gw[300] = "", host[300] = "";
    unique_name(u, kind, u->tenant, !strcmp(kind, "Gateway") ? "gateway" : "virtualservice", name,
                sizeof name);
    const store_obj **gws = NULL;
    size_t ng = store_list(u->store, "Gateway", u->tenant, &gws);
    if (ng && ng != (size_t)-1)
        snprintf(gw, sizeof gw, "%s/%s", u->tenant, gws[0]->name);
    free(gws);
    ef_context ctx = {u->store, u->cfg.domain_suffix ? u->cfg.domain_suffix : "cluster.local",
                      "istio-system", NULL, 0};
    long port = 0;
    ef_first_service(&ctx, u->tenant, host, sizeof host, &port);
    template_opts o = {u->tenant,       name, gw[0] ? gw : NULL, host[0] ? host : NULL, port,
                       "ingressgateway"};
    char title[300];
    snprintf(title, sizeof title, "new %s %s/%s", kind, u->tenant, name);
    edit_screen *ed = screen_new(title);
    if (!ed)
        return mp_errf(err, "out of memory");
    if (add_object(ed, OV_NEW, NULL, NULL, template_new(kind, &o), err) < 0) {
        screen_free(ed);
        return -1;
    }
    return open_screen(u, ed, err);
}

key_scope edit_scope(const ui *u)
{
    return u->edit && u->edit->focus_diff ? SC_DIFF : SC_FORM;
}

const char *edit_describe(ui *u, char *buf, size_t n)
{
    edit_screen *ed = u->edit;
    if (!ed) {
        snprintf(buf, n, "no editor");
        return buf;
    }
    const binding *b = ef_binding(&ed->form, form_view_focus(ed->fv));
    snprintf(buf, n, "%s section=%s focus=%s errors=%zu warnings=%zu", ed->title,
             ef_section_name(ed->sel.section), b ? (b->path[0] ? b->path : b->arg) : "-",
             ed->errors, ed->warnings);
    return buf;
}
