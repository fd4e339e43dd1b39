/*
 * editset.c - objects of one edit screen, undo/redo, diff texts.
 */
#include "model/editset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/kobj.h"
#include "model/objdiff.h"
#include "model/strbuf.h"

typedef struct {
    doc_node **work; /* one per object */
} snapshot;

typedef struct {
    edit_obj o;
    char *text[3]; /* canonical text per es_side; NULL: stale */
} slot;

struct editset {
    slot *s;
    size_t n, cap;
    char *joined[3];
    snapshot undo[EDITSET_UNDO_MAX], redo[EDITSET_UNDO_MAX];
    size_t nundo, nredo;
};

static void snapshot_free(snapshot *sn, size_t n)
{
    for (size_t i = 0; sn->work && i < n; i++)
        doc_free(sn->work[i]);
    free(sn->work);
    sn->work = NULL;
}

static void stack_clear(snapshot *st, size_t *len, size_t n)
{
    for (size_t i = 0; i < *len; i++)
        snapshot_free(&st[i], n);
    *len = 0;
}

editset *editset_new(void)
{
    return calloc(1, sizeof(editset));
}

static void invalidate(editset *es, es_side side)
{
    free(es->joined[side]);
    es->joined[side] = NULL;
}

void editset_free(editset *es)
{
    if (!es)
        return;
    for (size_t i = 0; i < es->n; i++) {
        edit_obj *o = &es->s[i].o;
        free(o->kind), free(o->ns), free(o->name);
        doc_free(o->base), doc_free(o->live), doc_free(o->work), doc_free(o->saved);
        for (int k = 0; k < 3; k++)
            free(es->s[i].text[k]);
    }
    stack_clear(es->undo, &es->nundo, es->n);
    stack_clear(es->redo, &es->nredo, es->n);
    for (int k = 0; k < 3; k++)
        invalidate(es, (es_side)k);
    free(es->s);
    free(es);
}

static doc_node *clone_or_null(const doc_node *n, bool *oom)
{
    if (!n)
        return NULL;
    doc_node *c = doc_clone(n);
    if (!c)
        *oom = true;
    return c;
}

long editset_add(editset *es, ov_origin origin, const doc_node *base, const doc_node *live,
                 const doc_node *work, mp_err *err)
{
    const char *kind = kobj_kind(work), *name = kobj_name(work), *ns = kobj_namespace(work);
    if (!kind || !name)
        return mp_errf(err, "edit: the object has no kind or metadata.name");
    if (es->nundo || es->nredo)
        return mp_errf(err, "edit: objects are added before the first change");
    if (es->n == es->cap) {
        size_t cap = es->cap ? es->cap * 2 : 4;
        slot *v = realloc(es->s, cap * sizeof *v);
        if (!v)
            return mp_errf(err, "out of memory");
        es->s = v;
        es->cap = cap;
    }
    slot *s = &es->s[es->n];
    memset(s, 0, sizeof *s);
    bool oom = false;
    edit_obj *o = &s->o;
    o->origin = origin;
    o->kind = strdup(kind);
    o->ns = strdup(ns ? ns : "");
    o->name = strdup(name);
    o->base = clone_or_null(base, &oom);
    o->live = clone_or_null(live, &oom);
    o->work = clone_or_null(work, &oom);
    o->saved = clone_or_null(work, &oom);
    kobj_ref(work, o->ref, sizeof o->ref);
    if (oom || !o->kind || !o->ns || !o->name) {
        free(o->kind), free(o->ns), free(o->name);
        doc_free(o->base), doc_free(o->live), doc_free(o->work), doc_free(o->saved);
        return mp_errf(err, "out of memory");
    }
    for (int k = 0; k < 3; k++)
        invalidate(es, (es_side)k);
    return (long)es->n++;
}

size_t editset_len(const editset *es)
{
    return es->n;
}

edit_obj *editset_at(editset *es, size_t i)
{
    return i < es->n ? &es->s[i].o : NULL;
}

long editset_find(const editset *es, const char *kind, const char *ns, const char *name)
{
    for (size_t i = 0; i < es->n; i++) {
        const edit_obj *o = &es->s[i].o;
        if (!strcmp(o->kind, kind) && !strcmp(o->ns, ns ? ns : "") && !strcmp(o->name, name))
            return (long)i;
    }
    return -1;
}

void editset_touch(editset *es, size_t i)
{
    if (i >= es->n)
        return;
    free(es->s[i].text[ES_RIGHT_WORK]);
    es->s[i].text[ES_RIGHT_WORK] = NULL;
    invalidate(es, ES_RIGHT_WORK);
}

void editset_replace(editset *es, size_t i, doc_node *work)
{
    if (i >= es->n || !work) {
        doc_free(work);
        return;
    }
    doc_free(es->s[i].o.work);
    es->s[i].o.work = work;
    editset_touch(es, i);
}

int editset_set_live(editset *es, size_t i, const doc_node *live)
{
    if (i >= es->n)
        return -1;
    bool oom = false;
    doc_node *c = clone_or_null(live, &oom);
    if (oom)
        return -1;
    doc_free(es->s[i].o.live);
    es->s[i].o.live = c;
    free(es->s[i].text[ES_LEFT_LIVE]);
    es->s[i].text[ES_LEFT_LIVE] = NULL;
    invalidate(es, ES_LEFT_LIVE);
    return 0;
}

static const doc_node *side_tree(const edit_obj *o, es_side side)
{
    return side == ES_LEFT_LIVE ? o->live : side == ES_LEFT_BASE ? o->base : o->work;
}

static const char *obj_text(editset *es, size_t i, es_side side)
{
    slot *s = &es->s[i];
    if (!s->text[side]) {
        mp_err err;
        s->text[side] = objdiff_canonical(side_tree(&s->o, side), &err);
    }
    return s->text[side];
}

const char *editset_obj_text(editset *es, size_t i)
{
    return i < es->n ? obj_text(es, i, ES_RIGHT_WORK) : NULL;
}

const char *editset_text(editset *es, es_side side)
{
    if (es->joined[side])
        return es->joined[side];
    strbuf sb;
    strbuf_init(&sb);
    for (size_t i = 0; i < es->n; i++) {
        const char *t = obj_text(es, i, side);
        if (!t) {
            strbuf_free(&sb);
            return NULL;
        }
        strbuf_printf(&sb, "--- # %s\n", es->s[i].o.ref);
        strbuf_puts(&sb, t);
    }
    es->joined[side] = strbuf_detach(&sb, NULL);
    return es->joined[side];
}

/* ---- undo ---------------------------------------------------------------- */

static int take_snapshot(editset *es, snapshot *sn)
{
    sn->work = calloc(es->n ? es->n : 1, sizeof *sn->work);
    if (!sn->work)
        return -1;
    for (size_t i = 0; i < es->n; i++) {
        sn->work[i] = doc_clone(es->s[i].o.work);
        if (!sn->work[i]) {
            snapshot_free(sn, es->n);
            return -1;
        }
    }
    return 0;
}

static void push(editset *es, snapshot *st, size_t *len, snapshot sn)
{
    if (*len == EDITSET_UNDO_MAX) {
        snapshot_free(&st[0], es->n);
        memmove(st, st + 1, (EDITSET_UNDO_MAX - 1) * sizeof *st);
        (*len)--;
    }
    st[(*len)++] = sn;
}

/* Puts a snapshot's trees in as the work trees (the snapshot is consumed). */
static void restore(editset *es, snapshot *sn)
{
    for (size_t i = 0; i < es->n; i++)
        editset_replace(es, i, sn->work[i]);
    free(sn->work);
    sn->work = NULL;
}

int editset_checkpoint(editset *es)
{
    snapshot sn;
    if (take_snapshot(es, &sn) < 0)
        return -1;
    push(es, es->undo, &es->nundo, sn);
    stack_clear(es->redo, &es->nredo, es->n);
    return 0;
}

static bool swap(editset *es, snapshot *from, size_t *nfrom, snapshot *to, size_t *nto)
{
    if (!*nfrom)
        return false;
    snapshot now;
    if (take_snapshot(es, &now) < 0)
        return false;
    snapshot prev = from[--(*nfrom)];
    restore(es, &prev);
    push(es, to, nto, now);
    return true;
}

bool editset_undo(editset *es)
{
    return swap(es, es->undo, &es->nundo, es->redo, &es->nredo);
}

bool editset_redo(editset *es)
{
    return swap(es, es->redo, &es->nredo, es->undo, &es->nundo);
}

size_t editset_undo_depth(const editset *es)
{
    return es->nundo;
}

size_t editset_redo_depth(const editset *es)
{
    return es->nredo;
}

bool editset_unsaved(const editset *es)
{
    for (size_t i = 0; i < es->n; i++)
        if (!doc_equal(es->s[i].o.work, es->s[i].o.saved, true))
            return true;
    return false;
}

bool editset_edited(const editset *es, size_t i)
{
    if (i >= es->n)
        return false;
    const edit_obj *o = &es->s[i].o;
    return !o->base || !doc_equal(o->work, o->base, true);
}

void editset_mark_saved(editset *es)
{
    for (size_t i = 0; i < es->n; i++) {
        doc_node *c = doc_clone(es->s[i].o.work);
        if (!c)
            continue;
        doc_free(es->s[i].o.saved);
        es->s[i].o.saved = c;
    }
}
