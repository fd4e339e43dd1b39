/*
 * staging.c - stage, persist, offer back, export and apply the operator's
 * edits (see staging.h). The staged view is view_staged.c.
 */
#include "tui/staging.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/fsutil.h"
#include "api/staged.h"
#include "model/istio_check.h"
#include "model/kobj.h"
#include "model/objdiff.h"
#include "model/overlay.h"
#include "model/strbuf.h"
#include "tui/edit.h"
#include "tui/edit_int.h"
#include "tui/plan.h"
#include "tui/popup.h"
#include "tui/staging_int.h"

/* ---- the file ------------------------------------------------------------------ */

static int save(ui *u, mp_err *err)
{
    if (!u->staged_file[0])
        return mp_errf(err, "no staged-edits file (neither $XDG_STATE_HOME nor $HOME is set)");
    return staged_save(u->staged_file, u->overlay, err);
}

static void drop_overlay(void *ud)
{
    overlay_free(ud);
}

static void restore_yes(ui *u, void *ud)
{
    overlay_free(u->overlay);
    u->overlay = ud;
    u->staged_gen++; /* lint's set holds the staged state */
    ui_set_message(u, false, "restored %zu staged edit%s (%zu not applied): v lists them",
                   overlay_len(u->overlay), overlay_len(u->overlay) == 1 ? "" : "s",
                   overlay_pending(u->overlay));
    ui_detail_changed(u);
}

static void restore_no(ui *u, void *ud)
{
    overlay_free(ud);
    char aside[4200];
    mp_err err = {{0}};
    if (staged_set_aside(u->staged_file, u->now, aside, sizeof aside, &err) < 0)
        ui_set_message(u, true, "%s", err.msg);
    else
        ui_set_message(u, false, "staged edits set aside in %s", aside);
}

void staging_init(ui *u, const char *key)
{
    mp_err err = {{0}};
    overlay_free(u->overlay);
    u->overlay = overlay_new();
    u->staged_gen++;
    u->staged_file[0] = 0;
    if (staged_path(key, u->staged_file, sizeof u->staged_file, &err) < 0) {
        u->staged_file[0] = 0;
        ui_set_message(u, true, "staged edits: %s", err.msg);
        return;
    }
    bool existed = false;
    mp_overlay *o = staged_load(u->staged_file, &existed, &err);
    if (!o) {
        ui_set_message(u, true, "staged edits: %s (file left as is)", err.msg);
        u->staged_file[0] = 0; /* never overwrite what could not be read */
        return;
    }
    if (!overlay_len(o)) {
        overlay_free(o);
        return;
    }
    char l1[300], l2[4200];
    snprintf(l1, sizeof l1, "%zu staged edit%s from an earlier session (%zu not applied yet),",
             overlay_len(o), overlay_len(o) == 1 ? "" : "s", overlay_pending(o));
    snprintf(l2, sizeof l2, "kept in %s.", u->staged_file);
    const char *lines[] = {l1, l2, "", "y: restore them   n: set the file aside (renamed, kept)"};
    popup_confirm(u, "Staged edits", lines, 4, "Restore them?", restore_yes, restore_no, o);
    popup_set_drop(u, drop_overlay);
}

int staging_export(ui *u, const char *path, mp_err *err)
{
    if (!path || !*path)
        return mp_errf(err, ":w needs a file name");
    size_t len;
    char *text = overlay_encode(u->overlay, &len, err);
    if (!text)
        return -1;
    int rc = fs_write_atomic(path, text, len, 0644, err);
    free(text);
    if (rc == 0)
        ui_set_message(u, false, "wrote %zu staged edit%s to %s (meshpanel convert --overrides)",
                       overlay_len(u->overlay), overlay_len(u->overlay) == 1 ? "" : "s", path);
    return rc;
}

int staging_unstage(ui *u, const char *kind, const char *ns, const char *name, mp_err *err)
{
    if (overlay_remove(u->overlay, kind, ns, name) < 0)
        return mp_errf(err, "%s %s/%s is not staged", kind, ns, name);
    u->staged_gen++;
    ui_detail_changed(u);
    return save(u, err);
}

/* ---- staging from the edit screen -------------------------------------------------- */

static bool refuse_read_only(ui *u, const char *what)
{
    if (!u->read_only)
        return false;
    ui_set_message(u, true,
                   "read-only console (--readonly or readOnly: true): %s is off; the diff still "
                   "shows what would change",
                   what);
    return true;
}

/* The first error of the edit set, for the refusal message. */
static const mp_warning *first_error(edit_screen *ed)
{
    for (size_t i = 0; i < editset_len(ed->es); i++)
        for (size_t k = 0; k < ed->findings[i].len; k++)
            if (ed->findings[i].items[k].sev == MP_SEV_ERROR)
                return &ed->findings[i].items[k];
    return NULL;
}

void staging_stage_edit(ui *u)
{
    edit_screen *ed = u->edit;
    if (refuse_read_only(u, "staging"))
        return;
    const mp_warning *e = first_error(ed);
    if (e) {
        ui_set_message(u, true, "cannot stage: %zu invalid field%s; first: %s: %s: %s", ed->errors,
                       ed->errors == 1 ? "" : "s", e->object, e->field, e->message);
        return;
    }
    mp_err err = {{0}};
    size_t staged = 0;
    for (size_t i = 0; i < editset_len(ed->es); i++) {
        edit_obj *o = editset_at(ed->es, i);
        bool had = overlay_find(u->overlay, o->kind, o->ns, o->name) != NULL;
        if (!editset_edited(ed->es, i) && !had)
            continue;
        if (overlay_put(u->overlay, o->origin, o->base, o->work, &err) < 0) {
            ui_set_message(u, true, "cannot stage %s: %s", o->ref, err.msg);
            return;
        }
        staged += editset_edited(ed->es, i);
        u->staged_gen++;
    }
    editset_mark_saved(ed->es);
    if (save(u, &err) < 0) {
        ui_set_message(u, true, "staged in memory, but not saved: %s", err.msg);
        return;
    }
    ui_detail_changed(u);
    if (!staged)
        ui_set_message(u, false, "nothing to stage: no object differs from %s",
                       ed->left_base ? "the conversion" : "its starting point");
    else
        ui_set_message(u, false, "staged %zu object%s (%zu pending in all): v lists, a applies",
                       staged, staged == 1 ? "" : "s", overlay_pending(u->overlay));
}

/* ---- what :apply would write ----------------------------------------------------------- */

void apply_list_free(apply_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        doc_free(l->items[i].obj);
    free(l->items);
    mp_warnings_free(&l->warnings);
    memset(l, 0, sizeof *l);
}

static bool listed(const apply_list *l, const char *kind, const char *ns, const char *name)
{
    for (size_t i = 0; i < l->n; i++) {
        const doc_node *o = l->items[i].obj;
        const char *ons = kobj_namespace(o);
        if (!strcmp(kobj_kind(o), kind) && !strcmp(ons ? ons : "", ns) &&
            !strcmp(kobj_name(o), name))
            return true;
    }
    return false;
}

static int push(apply_list *l, doc_node *obj, const ov_entry *e, const char *why)
{
    if (!obj)
        return -1;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        apply_item *v = realloc(l->items, cap * sizeof *v);
        if (!v) {
            doc_free(obj);
            return -1;
        }
        l->items = v;
        l->cap = cap;
    }
    kobj_set_label(obj, "app.kubernetes.io/managed-by", "meshpanel");
    l->items[l->n++] = (apply_item){obj, e, why};
    return 0;
}

/* The objects of the plan that share an Ingress with gen and that the
 * source does not hold: they go along (a VirtualService needs its Gateway). */
static void add_group(ui *u, apply_list *l, const convert_plan *p, const doc_node *gen)
{
    const char *srcs = kobj_annotation(gen, CONVERT_SOURCE_ANNOTATION);
    for (size_t i = 0; srcs && i < convert_plan_len(p); i++) {
        const doc_node *o = convert_plan_obj(p, i);
        const char *kind = kobj_kind(o), *ns = kobj_namespace(o), *name = kobj_name(o);
        const char *os = kobj_annotation(o, CONVERT_SOURCE_ANNOTATION);
        bool shares = false;
        for (const char *s = os; s && *s && !shares;) {
            char one[600];
            size_t n = strcspn(s, ",");
            snprintf(one, sizeof one, "%.*s", (int)n, s);
            shares = plan_source_lists(srcs, one);
            s += n + (s[n] == ',');
        }
        if (shares && !listed(l, kind, ns, name) && !overlay_find(u->overlay, kind, ns, name) &&
            !store_get(u->store, kind, ns, name))
            push(l, doc_clone(o), NULL, "generated with it, not in the source yet");
    }
}

static doc_node *converted_now(ui *u, const ov_entry *e, convert_plan **plan)
{
    mp_err err;
    *plan = ui_tenant_plan(u, e->ns, NULL, &err);
    for (size_t i = 0; *plan && i < convert_plan_len(*plan); i++) {
        const doc_node *o = convert_plan_obj(*plan, i);
        const char *ns = o ? kobj_namespace(o) : NULL;
        if (o && !strcmp(kobj_kind(o), e->kind) && !strcmp(kobj_name(o), e->name) && ns &&
            !strcmp(ns, e->ns))
            return (doc_node *)o;
    }
    return NULL;
}

int apply_list_build(ui *u, apply_list *l, bool pending_only)
{
    memset(l, 0, sizeof *l);
    mp_warnings_init(&l->warnings);
    for (size_t i = 0; u->overlay && i < overlay_len(u->overlay); i++) {
        const ov_entry *e = overlay_at(u->overlay, i);
        if (pending_only && e->applied)
            continue;
        convert_plan *p = NULL;
        doc_node *merged = NULL;
        if (e->origin == OV_CONVERTED) {
            doc_node *gen = converted_now(u, e, &p);
            merged = overlay_merge(e, gen, &l->warnings);
            /* what the conversion made stays traceable to its Ingresses,
             * even when the edit dropped the annotation */
            const char *src = kobj_annotation(gen ? gen : e->base, CONVERT_SOURCE_ANNOTATION);
            if (merged && src && !kobj_annotation(merged, CONVERT_SOURCE_ANNOTATION))
                kobj_set_annotation(merged, CONVERT_SOURCE_ANNOTATION, src);
            if (push(l, merged, e, "edited") == 0 && gen && p)
                add_group(u, l, p, gen);
        } else if (e->origin == OV_LIVE) {
            const store_obj *s = store_get(u->store, e->kind, e->ns, e->name);
            doc_node *cur = s ? doc_clone(s->doc) : NULL;
            objdiff_strip_noise(cur);
            push(l, overlay_merge(e, cur, &l->warnings), e, "edited");
            doc_free(cur);
        } else {
            push(l, doc_clone(e->edited), e, "new");
        }
        convert_plan_free(p);
    }
    return 0;
}

/* ---- apply ------------------------------------------------------------------------------- */

static void describe(ui *u, const apply_item *it, char *buf, size_t n)
{
    char ref[300];
    kobj_ref(it->obj, ref, sizeof ref);
    const store_obj *s =
        store_get(u->store, kobj_kind(it->obj), kobj_namespace(it->obj), kobj_name(it->obj));
    od_paths p = {0};
    objdiff_paths(s ? s->doc : NULL, it->obj, &p);
    if (!s)
        snprintf(buf, n, "%s: new (%s)", ref, it->why);
    else if (!p.len)
        snprintf(buf, n, "%s: no change (%s)", ref, it->why);
    else
        snprintf(buf, n, "%s: %zu changed path%s (%s)", ref, p.len, p.len == 1 ? "" : "s", it->why);
    objdiff_paths_free(&p);
}

static void record(ui *u, apply_list *l, const apply_result *res, size_t *count)
{
    strbuf sb;
    strbuf_init(&sb);
    for (size_t i = 0; i < l->n; i++) {
        char ref[300];
        kobj_ref(l->items[i].obj, ref, sizeof ref);
        count[res[i].status]++;
        strbuf_printf(&sb, "%s: %s%s%s\n", ref, apply_status_name(res[i].status),
                      res[i].msg[0] ? ": " : "", res[i].msg);
        const ov_entry *e = l->items[i].entry;
        bool ok = res[i].status == APPLY_CREATED || res[i].status == APPLY_CONFIGURED ||
                  res[i].status == APPLY_UNCHANGED;
        if (e && ok) {
            overlay_set_applied(u->overlay, e->kind, e->ns, e->name, true);
            u->staged_gen++;
        }
    }
    free(u->apply_msgs);
    u->apply_msgs = strbuf_detach(&sb, NULL);
}

/* Every object's result in full when something failed (the status line
 * has room for one reason). */
static void show_results(ui *u)
{
    const char *lines[64];
    char *copy = u->apply_msgs ? strdup(u->apply_msgs) : NULL;
    size_t n = 0;
    for (char *save = NULL, *l = copy ? strtok_r(copy, "\n", &save) : NULL; l && n < 64;
         l = strtok_r(NULL, "\n", &save))
        lines[n++] = l;
    if (n)
        popup_info(u, "Apply results", lines, n);
    free(copy);
}

/* Applies exactly the list the confirmation showed (ud), even if the
 * source changed while the question was open. */
static void do_apply(ui *u, void *ud)
{
    apply_list l = *(apply_list *)ud;
    free(ud);
    doc_node **objs = calloc(l.n, sizeof *objs);
    apply_result *res = calloc(l.n, sizeof *res);
    mp_err err = {{0}};
    if (!objs || !res) {
        ui_set_message(u, true, "out of memory");
    } else {
        for (size_t i = 0; i < l.n; i++)
            objs[i] = l.items[i].obj;
        int failed = source_apply(u->src, u->store, objs, l.n, res, &err);
        if (failed < 0) {
            ui_set_message(u, true, "apply: %s", err.msg);
        } else {
            size_t c[APPLY_FAILED + 1] = {0};
            record(u, &l, res, c);
            save(u, &err);
            const char *first_fail = NULL;
            for (size_t i = 0; i < l.n && !first_fail; i++)
                if (res[i].status == APPLY_FAILED)
                    first_fail = res[i].msg;
            ui_set_message(u, failed > 0,
                           "applied (%s): %zu created, %zu configured, %zu unchanged, %zu failed, "
                           "%zu not run%s%s",
                           source_apply_target(u->src), c[APPLY_CREATED], c[APPLY_CONFIGURED],
                           c[APPLY_UNCHANGED], c[APPLY_FAILED], c[APPLY_NOT_RUN],
                           first_fail ? ": " : "", first_fail ? first_fail : "");
            if (failed > 0)
                show_results(u);
        }
    }
    free(objs);
    free(res);
    apply_list_free(&l);
    ui_data_changed(u);
    staging_view_refresh(u);
    edit_store_changed(u);
}

/* Objects that would be refused: the same checks as the form. */
static bool refuse_invalid(ui *u, apply_list *l)
{
    istio_check_opts o = {.tenant_prefix = u->cfg.tenant_prefix,
                          .gateway_namespace = "istio-system"};
    for (size_t i = 0; i < l->n; i++) {
        mp_warnings w;
        mp_warnings_init(&w);
        istio_check(l->items[i].obj, &o, &w);
        for (size_t k = 0; k < w.len; k++)
            if (w.items[k].sev == MP_SEV_ERROR) {
                ui_set_message(u, true, "cannot apply: %s: %s: %s", w.items[k].object,
                               w.items[k].field, w.items[k].message);
                mp_warnings_free(&w);
                return true;
            }
        mp_warnings_free(&w);
    }
    return false;
}

static void free_list(void *ud)
{
    apply_list_free(ud);
    free(ud);
}

static void drop_list(ui *u, void *ud)
{
    (void)u;
    free_list(ud);
}

void staging_apply_ask(ui *u)
{
    if (refuse_read_only(u, "apply"))
        return;
    apply_list l;
    apply_list_build(u, &l, true);
    if (!l.n) {
        apply_list_free(&l);
        ui_set_message(u, false, "nothing staged to apply (e edits, s stages)");
        return;
    }
    if (refuse_invalid(u, &l)) {
        apply_list_free(&l);
        return;
    }
    size_t nl = l.n + l.warnings.len + 2;
    char **lines = calloc(nl, sizeof *lines);
    size_t k = 0;
    for (size_t i = 0; lines && i < l.n; i++) {
        char buf[700];
        describe(u, &l.items[i], buf, sizeof buf);
        lines[k++] = strdup(buf);
    }
    for (size_t i = 0; lines && i < l.warnings.len; i++) {
        char *w = mp_warning_format(&l.warnings.items[i]);
        lines[k++] = w;
    }
    if (lines) {
        char buf[300];
        snprintf(buf, sizeof buf, "to: %s", source_apply_target(u->src));
        lines[k++] = strdup("");
        lines[k++] = strdup(buf);
    }
    char q[64];
    snprintf(q, sizeof q, "Apply %zu object%s?", l.n, l.n == 1 ? "" : "s");
    apply_list *keep = malloc(sizeof *keep);
    if (keep) {
        *keep = l;
        popup_confirm(u, "Apply staged edits", (const char *const *)lines, k, q, do_apply,
                      drop_list, keep);
        popup_set_drop(u, free_list);
    } else {
        apply_list_free(&l);
    }
    for (size_t i = 0; i < k; i++)
        free(lines[i]);
    free(lines);
}

void act_apply(ui *u)
{
    staging_apply_ask(u);
}
