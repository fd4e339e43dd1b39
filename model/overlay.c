/*
 * overlay.c - the overlay's entries: identity, order, put/remove/find
 * (the merge is overlay_merge.c, the plan overlay_plan.c, the file format
 * overlay_file.c).
 *
 * Entries stay sorted by (namespace, kind, name) so that the staged file,
 * the `:staged` list and the merge warnings come out in the same order on
 * every run.
 */
#include "model/overlay.h"

#include <stdlib.h>
#include <string.h>

#include "model/kobj.h"
#include "model/objdiff.h"

struct mp_overlay {
    ov_entry *items;
    size_t len, cap;
};

mp_overlay *overlay_new(void)
{
    return calloc(1, sizeof(mp_overlay));
}

static void entry_free(ov_entry *e)
{
    free(e->kind);
    free(e->ns);
    free(e->name);
    doc_free(e->base);
    doc_free(e->edited);
}

void overlay_free(mp_overlay *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->len; i++)
        entry_free(&o->items[i]);
    free(o->items);
    free(o);
}

size_t overlay_len(const mp_overlay *o)
{
    return o ? o->len : 0;
}

const ov_entry *overlay_at(const mp_overlay *o, size_t i)
{
    return o && i < o->len ? &o->items[i] : NULL;
}

static int ident_cmp(const char *kind, const char *ns, const char *name, const ov_entry *e)
{
    int r = strcmp(ns ? ns : "", e->ns);
    if (!r)
        r = strcmp(kind, e->kind);
    if (!r)
        r = strcmp(name, e->name);
    return r;
}

/* Index of the identity, or where it would be inserted (*found false). */
static size_t locate(const mp_overlay *o, const char *kind, const char *ns, const char *name,
                     bool *found)
{
    size_t lo = 0, hi = o->len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = ident_cmp(kind, ns, name, &o->items[mid]);
        if (!r) {
            *found = true;
            return mid;
        }
        if (r < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    *found = false;
    return lo;
}

const ov_entry *overlay_find(const mp_overlay *o, const char *kind, const char *ns,
                             const char *name)
{
    if (!o || !kind || !name)
        return NULL;
    bool found;
    size_t i = locate(o, kind, ns, name, &found);
    return found ? &o->items[i] : NULL;
}

/* True when the comma-separated list holds item exactly. */
static bool list_has(const char *list, const char *item)
{
    size_t n = strlen(item);
    for (const char *p = list; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && !strncmp(p, item, n))
            return true;
        p = comma ? comma + 1 : NULL;
    }
    return false;
}

size_t overlay_find_source(const mp_overlay *o, const char *src, const ov_entry **out, size_t max)
{
    size_t count = 0;
    for (size_t i = 0; o && src && i < o->len; i++) {
        const char *list = kobj_annotation(o->items[i].edited, CONVERT_SOURCE_ANNOTATION);
        if (!list_has(list, src))
            continue;
        if (count < max)
            out[count] = &o->items[i];
        count++;
    }
    return count;
}

static doc_node *stripped_copy(const doc_node *n)
{
    doc_node *c = doc_clone(n);
    objdiff_strip_noise(c);
    return c;
}

/* Fills a new entry (identity from edited); the trees are adopted. */
static int entry_init(ov_entry *e, ov_origin origin, doc_node *base, doc_node *edited)
{
    const char *ns = kobj_namespace(edited);
    *e = (ov_entry){.kind = strdup(kobj_kind(edited)),
                    .ns = strdup(ns ? ns : ""),
                    .name = strdup(kobj_name(edited)),
                    .origin = origin,
                    .base = base,
                    .edited = edited};
    if (e->kind && e->ns && e->name)
        return 0;
    entry_free(e);
    return -1;
}

static int insert_at(mp_overlay *o, size_t at, ov_entry *e)
{
    if (o->len == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 8;
        ov_entry *items = realloc(o->items, cap * sizeof *items);
        if (!items)
            return -1;
        o->items = items;
        o->cap = cap;
    }
    memmove(&o->items[at + 1], &o->items[at], (o->len - at) * sizeof *o->items);
    o->items[at] = *e;
    o->len++;
    return 0;
}

static const char *origin_word(ov_origin origin)
{
    return origin == OV_CONVERTED ? "converted" : origin == OV_LIVE ? "live" : "new";
}

static int check_put(ov_origin origin, const doc_node *base, const doc_node *edited, mp_err *err)
{
    if (!doc_is_map(edited))
        return mp_errf(err, "overlay: the edited object is not a mapping");
    const char *kind = kobj_kind(edited), *name = kobj_name(edited);
    if (!kind || !*kind)
        return mp_errf(err, "overlay: the edited object has no kind");
    if (!name || !*name)
        return mp_errf(err, "overlay: the edited %s has no metadata.name", kind);
    /* Without a base a later merge could not tell the operator's changes
     * from upstream's; only a new object has none. */
    if (origin != OV_NEW && !doc_is_map(base)) {
        char ref[400];
        return mp_errf(err, "overlay: %s: origin %s needs the object the edit started from",
                       kobj_ref(edited, ref, sizeof ref), origin_word(origin));
    }
    return 0;
}

int overlay_put(mp_overlay *o, ov_origin origin, const doc_node *base, const doc_node *edited,
                mp_err *err)
{
    if (check_put(origin, base, edited, err) < 0)
        return -1;
    doc_node *ed = stripped_copy(edited);
    doc_node *bs = origin == OV_NEW ? NULL : stripped_copy(base);
    if (!ed || (origin != OV_NEW && !bs)) {
        doc_free(ed);
        doc_free(bs);
        return mp_errf(err, "out of memory");
    }
    if (bs && doc_equal(bs, ed, false)) {
        overlay_remove(o, kobj_kind(ed), kobj_namespace(ed), kobj_name(ed));
        doc_free(ed);
        doc_free(bs);
        return 0;
    }
    ov_entry e;
    if (entry_init(&e, origin, bs, ed) < 0)
        return mp_errf(err, "out of memory");
    bool found;
    size_t at = locate(o, e.kind, e.ns, e.name, &found);
    if (found) {
        entry_free(&o->items[at]);
        o->items[at] = e;
        return 0;
    }
    if (insert_at(o, at, &e) < 0) {
        entry_free(&e);
        return mp_errf(err, "out of memory");
    }
    return 0;
}

/* Returns 0 when an entry was removed, -1 when there was none. */
int overlay_remove(mp_overlay *o, const char *kind, const char *ns, const char *name)
{
    if (!o || !kind || !name)
        return -1;
    bool found;
    size_t i = locate(o, kind, ns, name, &found);
    if (!found)
        return -1;
    entry_free(&o->items[i]);
    memmove(&o->items[i], &o->items[i + 1], (o->len - i - 1) * sizeof *o->items);
    o->len--;
    return 0;
}

void overlay_set_applied(mp_overlay *o, const char *kind, const char *ns, const char *name,
                         bool applied)
{
    if (!o || !kind || !name)
        return;
    bool found;
    size_t i = locate(o, kind, ns, name, &found);
    if (found)
        o->items[i].applied = applied;
}

size_t overlay_pending(const mp_overlay *o)
{
    size_t n = 0;
    for (size_t i = 0; o && i < o->len; i++)
        n += !o->items[i].applied;
    return n;
}
