/*
 * overlay.h - the operator's edits, kept as data on top of the conversion.
 *
 * One entry per edited object (identity: kind, namespace, name). An entry
 * remembers what the edit started from (base) and the whole edited object
 * (edited):
 *
 *   origin converted  base = the object as the converter generated it when
 *                     the edit was made; re-applied to each new conversion
 *   origin live       base = the object the cluster (or manifest directory)
 *                     held; the edit is a modified copy, so every field the
 *                     form does not show round-trips
 *   origin new        base = NULL; created from a template
 *
 * Re-applying an entry to the current version of its object is a three-way
 * merge (overlay_merge): where only the operator changed a field the edit
 * wins; where only the upstream (a changed Ingress, a live object edited by
 * someone else) changed it, the new value is taken; where both changed the
 * same field differently the operator's value is kept and the conflict is
 * reported (MPW_OVERLAY_CONFLICT), never silently lost. Maps merge by key.
 * Sequences merge item by item when every item of all three versions is a
 * map with a distinct `name` (http routes, gateway servers: matched by
 * name), else index by index when all three have the same length, else the
 * sequence is one value.
 *
 * The same entries are the staged edits file
 * ($XDG_STATE_HOME/meshpanel/staged/<context>.yaml, api/staged.h), what
 * `:w FILE` exports and what `meshpanel convert --overrides FILE` reads,
 * so the console and CI produce byte-identical YAML.
 *
 * File format (YAML, one document):
 *   apiVersion: meshpanel.io/v1alpha1
 *   kind: Overlay
 *   entries:
 *   - kind: VirtualService
 *     namespace: ns-alice
 *     name: tk3x9p2qa-cloud-sealos-io
 *     origin: converted          # converted | live | new
 *     applied: false             # applied since last staged
 *     base: {...}                # absent for origin new
 *     edited: {...}
 *
 * Ownership: the overlay owns its entries and their trees; overlay_put
 * copies the trees it is given. Getters return borrowed pointers valid
 * until the next change to the overlay. Pure: no I/O (api/staged.h reads
 * and writes the file).
 */
#ifndef MESHPANEL_OVERLAY_H
#define MESHPANEL_OVERLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "model/convert.h"
#include "model/doc.h"
#include "model/err.h"
#include "model/warn.h"

typedef enum { OV_CONVERTED, OV_LIVE, OV_NEW } ov_origin;

typedef struct {
    char *kind, *ns, *name; /* identity, from edited */
    ov_origin origin;
    bool applied;
    doc_node *base;   /* NULL for OV_NEW */
    doc_node *edited; /* never NULL */
} ov_entry;

typedef struct mp_overlay mp_overlay;

mp_overlay *overlay_new(void);
void overlay_free(mp_overlay *o);

size_t overlay_len(const mp_overlay *o);
const ov_entry *overlay_at(const mp_overlay *o, size_t i);
const ov_entry *overlay_find(const mp_overlay *o, const char *kind, const char *ns,
                             const char *name);
/* Entries whose edited object's meshpanel.io/source lists src
 * ("ingress/ns/name"); writes up to max pointers, returns the count found. */
size_t overlay_find_source(const mp_overlay *o, const char *src, const ov_entry **out, size_t max);

/* Adds or replaces the entry for edited's identity (copies base and
 * edited; noise fields are stripped from the copies). When edited equals
 * base (the edit was undone) the entry is removed instead. applied is
 * reset to false. Returns 0, or -1 with err (no kind/name, out of memory). */
int overlay_put(mp_overlay *o, ov_origin origin, const doc_node *base, const doc_node *edited,
                mp_err *err);
int overlay_remove(mp_overlay *o, const char *kind, const char *ns, const char *name);
void overlay_set_applied(mp_overlay *o, const char *kind, const char *ns, const char *name,
                         bool applied);
/* Entries not applied yet. */
size_t overlay_pending(const mp_overlay *o);

/* The entry re-applied to current (the object as converted or held now;
 * NULL when it no longer exists). Returns a new tree the caller owns:
 * the three-way merge described above. Conflicts are appended to w as
 * MPW_OVERLAY_CONFLICT warnings (object "virtualservice ns/name", field
 * the path, message saying both values and that the edit is kept); an
 * OV_CONVERTED entry whose object is no longer generated (current NULL)
 * gives MPW_OVERLAY_ORPHAN and returns a copy of edited. w may be NULL.
 * NULL only when out of memory. */
doc_node *overlay_merge(const ov_entry *e, const doc_node *current, mp_warnings *w);

/* Applies the overlay to a conversion: every plan object with an entry is
 * replaced by its merge; OV_NEW entries, OV_CONVERTED orphans, and OV_LIVE
 * entries are added (an OV_LIVE entry is merged with the object of the same
 * identity in inputs when there is one, else output as edited); the result
 * keeps the plan's output order (namespace, kind, name) and the merge
 * warnings join the plan's. Returns 0, or -1 with err. */
int overlay_apply_plan(const mp_overlay *o, convert_plan *p, doc_node *const *inputs,
                       size_t ninputs, mp_err *err);

/* The file format above, as YAML text (malloc'd, caller frees), and back.
 * overlay_decode checks every entry (kind, name, origin, edited present;
 * edited's identity matches the entry's) and names the entry and field on
 * error: "overlay.yaml: entries[2].edited: missing". */
char *overlay_encode(const mp_overlay *o, size_t *len, mp_err *err);
mp_overlay *overlay_decode(const char *buf, size_t len, const char *name, mp_err *err);

#endif
