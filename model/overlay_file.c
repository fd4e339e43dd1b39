/*
 * overlay_file.c - the overlay as a YAML file (format in overlay.h): the
 * staged edits, `:w FILE` and `meshpanel convert --overrides FILE`.
 *
 * The file may have been written by hand, so decoding checks every entry
 * and names the first bad one as "NAME: entries[I].FIELD: problem".
 */
#include "model/overlay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/emit.h"
#include "model/kobj.h"
#include "model/parse.h"

#define OVERLAY_API_VERSION "meshpanel.io/v1alpha1"
#define OVERLAY_KIND        "Overlay"

static const char *const origin_names[] = {"converted", "live", "new"};

/* ---- encode --------------------------------------------------------------------- */

static doc_node *entry_node(const ov_entry *e)
{
    doc_node *m = doc_map_new();
    if (!m)
        return NULL;
    int rc = doc_map_set_str(m, "kind", e->kind);
    if (*e->ns)
        rc |= doc_map_set_str(m, "namespace", e->ns);
    rc |= doc_map_set_str(m, "name", e->name);
    rc |= doc_map_set_str(m, "origin", origin_names[e->origin]);
    rc |= doc_map_set(m, "applied", doc_bool_new(e->applied));
    if (e->base)
        rc |= doc_map_set(m, "base", doc_clone(e->base));
    rc |= doc_map_set(m, "edited", doc_clone(e->edited));
    if (rc) {
        doc_free(m);
        return NULL;
    }
    return m;
}

static doc_node *overlay_node(const mp_overlay *o)
{
    doc_node *root = doc_map_new(), *entries = doc_seq_new();
    int rc = root && entries ? 0 : -1;
    if (!rc)
        rc = doc_map_set_str(root, "apiVersion", OVERLAY_API_VERSION) |
             doc_map_set_str(root, "kind", OVERLAY_KIND);
    for (size_t i = 0; !rc && i < overlay_len(o); i++)
        rc = doc_seq_push(entries, entry_node(overlay_at(o, i)));
    if (!rc) {
        rc = doc_map_set(root, "entries", entries);
        entries = NULL;
    }
    doc_free(entries);
    if (rc) {
        doc_free(root);
        return NULL;
    }
    return root;
}

char *overlay_encode(const mp_overlay *o, size_t *len, mp_err *err)
{
    doc_node *root = overlay_node(o);
    if (!root) {
        mp_errf(err, "out of memory");
        return NULL;
    }
    char *s = doc_emit_yaml(root, len, err);
    doc_free(root);
    return s;
}

/* ---- decode --------------------------------------------------------------------- */

/* "%.60s" of a value from the file: enough to recognise it, never a
 * screenful. */
#define SHOWN "\"%.60s\""

static int check_header(const doc_node *root, const char *name, mp_err *err)
{
    if (!doc_is_map(root))
        return mp_errf(err, "%s: not an overlay (expected a mapping)", name);
    const char *av = doc_get_str(root, "apiVersion"), *kind = doc_get_str(root, "kind");
    if (!av || strcmp(av, OVERLAY_API_VERSION))
        return mp_errf(err, "%s: apiVersion: " SHOWN " is not " OVERLAY_API_VERSION, name,
                       av ? av : "");
    if (!kind || strcmp(kind, OVERLAY_KIND))
        return mp_errf(err, "%s: kind: " SHOWN " is not " OVERLAY_KIND, name, kind ? kind : "");
    const doc_node *entries = doc_get(root, "entries");
    if (entries && !doc_is_seq(entries) && !doc_is_null(entries))
        return mp_errf(err, "%s: entries: not a sequence", name);
    return 0;
}

/* A required non-empty scalar field of entry i. */
static const char *need_str(const doc_node *e, const char *field, const char *name, size_t i,
                            mp_err *err)
{
    const doc_node *v = doc_get(e, field);
    const char *s = doc_str(v);
    if (!v)
        mp_errf(err, "%s: entries[%zu].%s: missing", name, i, field);
    else if (!s)
        mp_errf(err, "%s: entries[%zu].%s: not a string", name, i, field);
    else if (!*s)
        mp_errf(err, "%s: entries[%zu].%s: empty", name, i, field);
    return s && *s ? s : NULL;
}

static int read_origin(const doc_node *e, const char *name, size_t i, ov_origin *out, mp_err *err)
{
    const char *s = need_str(e, "origin", name, i, err);
    if (!s)
        return -1;
    for (int k = 0; k < 3; k++)
        if (!strcmp(s, origin_names[k])) {
            *out = (ov_origin)k;
            return 0;
        }
    return mp_errf(err, "%s: entries[%zu].origin: " SHOWN " is not converted|live|new", name, i, s);
}

/* edited's kind, namespace and name are the entry's. */
static int check_identity(const doc_node *e, const doc_node *edited, const char *name, size_t i,
                          mp_err *err)
{
    static const struct {
        const char *field, *path;
    } ids[] = {{"kind", "kind"}, {"namespace", "metadata.namespace"}, {"name", "metadata.name"}};
    const char *have[] = {kobj_kind(edited), kobj_namespace(edited), kobj_name(edited)};
    for (size_t k = 0; k < 3; k++) {
        const char *want = doc_get_str(e, ids[k].field);
        if (!want)
            want = "";
        const char *got = have[k] ? have[k] : "";
        if (strcmp(want, got))
            return mp_errf(
                err, "%s: entries[%zu].edited.%s: " SHOWN " does not match the entry's %s " SHOWN,
                name, i, ids[k].path, got, ids[k].field, want);
    }
    return 0;
}

static int check_trees(const doc_node *e, ov_origin origin, const char *name, size_t i, mp_err *err)
{
    const doc_node *edited = doc_get(e, "edited"), *base = doc_get(e, "base");
    if (!edited)
        return mp_errf(err, "%s: entries[%zu].edited: missing", name, i);
    if (!doc_is_map(edited))
        return mp_errf(err, "%s: entries[%zu].edited: not a mapping", name, i);
    if (origin == OV_NEW && base)
        return mp_errf(err, "%s: entries[%zu].base: not allowed with origin new", name, i);
    if (origin != OV_NEW && !base)
        return mp_errf(err, "%s: entries[%zu].base: missing (origin %s)", name, i,
                       origin_names[origin]);
    if (origin != OV_NEW && !doc_is_map(base))
        return mp_errf(err, "%s: entries[%zu].base: not a mapping", name, i);
    return check_identity(e, edited, name, i, err);
}

static int read_entry(mp_overlay *o, const doc_node *e, const char *name, size_t i, mp_err *err)
{
    if (!doc_is_map(e))
        return mp_errf(err, "%s: entries[%zu]: not a mapping", name, i);
    ov_origin origin = OV_NEW;
    if (!need_str(e, "kind", name, i, err) || !need_str(e, "name", name, i, err) ||
        read_origin(e, name, i, &origin, err) < 0 || check_trees(e, origin, name, i, err) < 0)
        return -1;
    const doc_node *applied = doc_get(e, "applied");
    bool done = false;
    if (applied && !doc_as_bool(applied, &done))
        return mp_errf(err, "%s: entries[%zu].applied: not true|false", name, i);
    const char *kind = doc_get_str(e, "kind"), *ns = doc_get_str(e, "namespace");
    const char *oname = doc_get_str(e, "name");
    for (size_t j = 0; j < overlay_len(o); j++) {
        const ov_entry *x = overlay_at(o, j);
        if (!strcmp(x->kind, kind) && !strcmp(x->ns, ns ? ns : "") && !strcmp(x->name, oname))
            return mp_errf(err, "%s: entries[%zu]: a second entry for %s " SHOWN, name, i, kind,
                           oname);
    }
    mp_err perr;
    if (overlay_put(o, origin, doc_get(e, "base"), doc_get(e, "edited"), &perr) < 0)
        return mp_errf(err, "%s: entries[%zu]: %s", name, i, perr.msg);
    overlay_set_applied(o, kind, ns, oname, done);
    return 0;
}

static int read_overlay(mp_overlay *o, const doc_node *root, const char *name, mp_err *err)
{
    if (check_header(root, name, err) < 0)
        return -1;
    const doc_node *entries = doc_get(root, "entries");
    for (size_t i = 0; doc_is_seq(entries) && i < entries->len; i++)
        if (read_entry(o, entries->items[i], name, i, err) < 0)
            return -1;
    return 0;
}

mp_overlay *overlay_decode(const char *buf, size_t len, const char *name, mp_err *err)
{
    if (!name)
        name = "overlay";
    doc_list l;
    doc_list_init(&l);
    if (doc_parse_yaml(buf ? buf : "", buf ? len : 0, name, &l, err) < 0) {
        doc_list_free(&l);
        return NULL;
    }
    mp_overlay *o = NULL;
    if (l.len != 1)
        mp_errf(err, "%s: %s", name,
                l.len ? "more than one document (an overlay is one)" : "empty (no overlay)");
    else if (!(o = overlay_new()))
        mp_errf(err, "out of memory");
    else if (read_overlay(o, l.docs[0], name, err) < 0) {
        overlay_free(o);
        o = NULL;
    }
    doc_list_free(&l);
    return o;
}
