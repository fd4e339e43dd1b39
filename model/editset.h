/*
 * editset.h - the objects one edit screen works on, with undo/redo and the
 * texts its diff compares.
 *
 * An edit of an Ingress covers its host group (the Gateway and the
 * VirtualServices it converts to, plus their DestinationRules and
 * AuthorizationPolicies); an edit of a Gateway or VirtualService covers
 * that object. Each object keeps four versions:
 *
 *   base   what the edit is relative to: the conversion without the
 *          operator's edits (converted), the object as the source held it
 *          (live), nothing (new)
 *   live   what the cluster or manifest directory holds now (NULL: absent)
 *   work   the working copy the form and $EDITOR change
 *   saved  work as it was when the screen opened or was last staged
 *
 * The diff compares the live (or, with `b`, the base) texts of all objects
 * with their work texts, each object introduced by the same header line on
 * both sides ("--- # virtualservice ns/name") so objects stay aligned.
 *
 * Undo: editset_checkpoint saves every work tree before a change; undo and
 * redo swap whole sets, so any change (a keystroke, a reorder, $EDITOR)
 * is one step. The stack keeps the last EDITSET_UNDO_MAX steps.
 *
 * Ownership: the editset owns copies of everything it is given. Returned
 * objects and texts are borrowed until the next change. Pure: no I/O.
 */
#ifndef MESHPANEL_EDITSET_H
#define MESHPANEL_EDITSET_H

#include <stdbool.h>
#include <stddef.h>

#include "model/doc.h"
#include "model/err.h"
#include "model/overlay.h"

#define EDITSET_UNDO_MAX 200

typedef struct {
    char *kind, *ns, *name;
    char ref[300]; /* "virtualservice ns/name" */
    ov_origin origin;
    doc_node *base, *live, *work, *saved;
} edit_obj;

typedef enum { ES_LEFT_LIVE, ES_LEFT_BASE, ES_RIGHT_WORK } es_side;

typedef struct editset editset;

editset *editset_new(void);
void editset_free(editset *es);

/* Adds an object (copies all three; live and base may be NULL, work may
 * not). Returns its index, or -1 with err. */
long editset_add(editset *es, ov_origin origin, const doc_node *base, const doc_node *live,
                 const doc_node *work, mp_err *err);
size_t editset_len(const editset *es);
edit_obj *editset_at(editset *es, size_t i);
/* Index of kind/ns/name, or -1. */
long editset_find(const editset *es, const char *kind, const char *ns, const char *name);

/* Call after changing editset_at(i)->work (the text is rebuilt lazily). */
void editset_touch(editset *es, size_t i);
/* Replaces object i's work tree (takes ownership of work). */
void editset_replace(editset *es, size_t i, doc_node *work);
/* Replaces object i's live tree (copies; NULL: absent now). */
int editset_set_live(editset *es, size_t i, const doc_node *live);

/* The concatenated canonical text of one side. NULL when out of memory. */
const char *editset_text(editset *es, es_side side);
/* Object i's canonical work text alone. */
const char *editset_obj_text(editset *es, size_t i);

/* Undo / redo. checkpoint returns 0 or -1 (out of memory: the change can
 * still be made, it just cannot be undone). */
int editset_checkpoint(editset *es);
bool editset_undo(editset *es);
bool editset_redo(editset *es);
size_t editset_undo_depth(const editset *es);
size_t editset_redo_depth(const editset *es);

/* Does any work tree differ from its saved copy / from its base? */
bool editset_unsaved(const editset *es);
bool editset_edited(const editset *es, size_t i);
/* saved := work for every object (after staging). */
void editset_mark_saved(editset *es);

#endif
