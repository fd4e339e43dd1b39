/*
 * migstate.h - the migration state of an Ingress (issue 9), read from the
 * cluster alone, so two operators on two machines see the same truth.
 *
 *   ingress-only -> dual -> cut-over -> retired,   and rolled-back
 *
 * Where the state lives:
 *   on the Ingress      meshpanel.io/state (dual, cut-over, rolled-back),
 *                       meshpanel.io/migrated-at, and from cutover on
 *                       meshpanel.io/original-class (which class field was
 *                       set and to what: {"annotation":"nginx"}, {"spec":
 *                       "nginx"}, both, or {} for none) and
 *                       meshpanel.io/cutover-at;
 *   on what meshpanel   the label app.kubernetes.io/managed-by: meshpanel and
 *   generated           meshpanel.io/source (a comma list of ingress/NS/NAME,
 *                       set by the converter); every VirtualService also
 *                       carries meshpanel.io/backup (its source Ingresses as
 *                       they were, compressed: model/migbackup.h) and, once
 *                       verified, meshpanel.io/verified ("NS=FINGERPRINT"
 *                       per tenant whose Ingresses it routes: what was
 *                       verified) and meshpanel.io/verified-at.
 *
 * An object belongs to an Ingress only when it has the label AND its source
 * lists the Ingress: a hand-made object is never claimed, whatever its
 * name. A retired Ingress is one that is gone while a VirtualService of
 * meshpanel still holds its backup.
 *
 * Suspension: the platform suspends a tenant by setting the class to
 * `pause` (keeping the old one in sealos.io/original-suspend-state) or
 * `disable`. Such an Ingress is suspended, unless the class is the one
 * meshpanel's cutover set (then it is cut over). A suspended Ingress is
 * converted as suspended (no route), so the Istio side stays unroutable
 * too; its original is computed so that the platform's resume restores
 * the right class.
 *
 * Ownership: returned trees and strings are the caller's. Pure: no I/O.
 */
#ifndef MESHPANEL_MIGSTATE_H
#define MESHPANEL_MIGSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/doc.h"
#include "model/err.h"

#define MIG_ANN_STATE          "meshpanel.io/state"
#define MIG_ANN_MIGRATED_AT    "meshpanel.io/migrated-at"
#define MIG_ANN_ORIGINAL_CLASS "meshpanel.io/original-class"
#define MIG_ANN_CUTOVER_AT     "meshpanel.io/cutover-at"
#define MIG_ANN_BACKUP         "meshpanel.io/backup"
#define MIG_ANN_VERIFIED       "meshpanel.io/verified"
#define MIG_ANN_VERIFIED_AT    "meshpanel.io/verified-at"
#define MIG_CLASS_ANNOTATION   "kubernetes.io/ingress.class"
#define MIG_SUSPEND_ANNOTATION "sealos.io/original-suspend-state"
/* The platform's own suspension class: ingress-nginx ignores it, the
 * converter reads it as "not routed" (MP401). */
#define MIG_DEFAULT_DISABLED_CLASS "pause"

typedef enum {
    MIG_INGRESS_ONLY,
    MIG_DUAL,
    MIG_CUT_OVER,
    MIG_RETIRED,
    MIG_ROLLED_BACK,
    MIG_NSTATES
} mig_state;

const char *mig_state_name(mig_state s); /* "ingress-only", "dual", "cut-over", ... */
/* The step order: ingress-only 0, dual 1, cut-over 2, retired 3;
 * rolled-back ranks with ingress-only (nothing is left to undo there). */
int mig_state_rank(mig_state s);

/* ---- ingress class ---- */

/* Which class fields an Ingress sets, and to what. */
typedef struct {
    bool ann, spec;
    char ann_v[256], spec_v[256];
} mig_class;

void mig_class_of(const doc_node *ing, mig_class *out);
/* What ingress-nginx reads: the annotation wins over spec. NULL: none. */
const char *mig_class_effective(const mig_class *c);
/* The record kept in meshpanel.io/original-class, compact JSON. */
char *mig_class_encode(const mig_class *c);
int mig_class_decode(const char *s, mig_class *out, mp_err *err);
/* Sets (or removes) both class fields of ing to c's. 0 or -1 (OOM). */
int mig_class_apply(doc_node *ing, const mig_class *c);
/* The cutover: each class field that is set becomes cls; with none set,
 * the annotation (which wins) is added. 0 or -1. */
int mig_class_disable(doc_node *ing, const char *cls);
/* pause or disable. */
bool mig_class_is_paused(const char *cls);

/* ---- one Ingress ---- */

/* Suspended by the platform (see above); disabled_class is the cutover's. */
bool mig_suspended(const doc_node *ing, const char *disabled_class);

/* The Ingress as it was before meshpanel: its meshpanel.io/ annotations
 * removed and, when cut over, the recorded class put back (for a suspended
 * one the class stays and the saved suspend state names the original
 * class, so the platform's resume restores it). NULL with err. */
doc_node *mig_original(const doc_node *ing, const char *disabled_class, mp_err *err);

/* Is obj made by meshpanel (the managed-by label)? */
bool mig_made_by_us(const doc_node *obj);
/* Does obj's meshpanel.io/source list ingress/ns/name? */
bool mig_names(const doc_node *obj, const char *ns, const char *name);
/* The Ingresses obj's source lists, by calling fn(ns, name, ud) for each
 * well-formed entry; stops when fn returns non-zero (and returns that). */
int mig_each_source(const doc_node *obj, int (*fn)(const char *ns, const char *name, void *ud),
                    void *ud);

typedef struct {
    mig_state state;
    bool present;   /* the Ingress exists */
    bool suspended; /* by the platform */
    size_t nobjects;
    /* An inconsistency worth an operator's look (static text), or NULL:
     * "Istio objects exist but the Ingress is not marked (an interrupted
     * apply: run migrate apply)". */
    const char *problem;
} mig_reading;

/* Decides the state. ing NULL: the Ingress is gone; backed_up: a
 * VirtualService of meshpanel holds its backup; nobjects: meshpanel
 * objects that name it. */
void mig_read(const doc_node *ing, bool backed_up, size_t nobjects, const char *disabled_class,
              mig_reading *out);

/* A tenant's state from its Ingresses' readings: the common state of the
 * Ingresses that are not suspended; "mixed" when they differ, "suspended"
 * when all are, "empty" without any. Static string. */
const char *mig_tenant_state(const mig_reading *r, size_t n);

/* ---- fingerprints ---- */

/* 64-bit FNV-1a over a tree; a map's key order does not count, so the
 * same object from YAML or from the server's JSON hashes alike. */
uint64_t mig_hash_doc(const doc_node *n, uint64_t h);
uint64_t mig_hash_str(const char *s, uint64_t h);
#define MIG_HASH_SEED 14695981039346656037ull

#endif
