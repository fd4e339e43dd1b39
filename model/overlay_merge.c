/*
 * overlay_merge.c - re-applying one overlay entry to the current version of
 * its object: the three-way merge of overlay.h.
 *
 * merge(base, edited, current) works on any three nodes, each possibly
 * absent (NULL: the key or item is not there). Whoever left a value as it
 * was in base gives way to the one who changed it; when both changed it
 * differently, maps and sequences are merged one level down, and only a
 * difference that cannot be split further is a conflict: the operator's
 * value is kept and MPW_OVERLAY_CONFLICT names the path.
 */
#include "model/overlay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/istio.h"
#include "model/kobj.h"
#include "model/objdiff.h"
#include "model/strbuf.h"

/* Values in conflict messages are cut to this many bytes. */
#define VALUE_MAX 60

typedef struct {
    mp_warnings *w;
    const char *object; /* "virtualservice ns/name" */
    const char *now;    /* "the conversion now gives": upstream's side in messages */
    const char *gone;   /* "the conversion no longer sets it" */
    strbuf path;        /* where the merge is, in warning path syntax */
    bool oom;
} mctx;

static bool same(const doc_node *a, const doc_node *b)
{
    return doc_equal(a, b, false);
}

static doc_node *dup(mctx *m, const doc_node *n)
{
    if (!n)
        return NULL;
    doc_node *c = doc_clone(n);
    if (!c)
        m->oom = true;
    return c;
}

/* ---- paths ---------------------------------------------------------------------- */

static bool plain_key(const char *k)
{
    if (!*k)
        return false;
    for (const char *p = k; *p; p++)
        if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') && !(*p >= '0' && *p <= '9') &&
            *p != '_' && *p != '-')
            return false;
    return true;
}

/* Appends a key to the path; returns the length to restore. */
static size_t path_key(mctx *m, const char *k)
{
    size_t mark = m->path.len;
    if (plain_key(k)) {
        if (mark)
            strbuf_putc(&m->path, '.');
        strbuf_puts(&m->path, k);
        return mark;
    }
    strbuf_puts(&m->path, "[\"");
    for (const char *p = k; *p; p++) {
        if (*p == '"' || *p == '\\')
            strbuf_putc(&m->path, '\\');
        strbuf_putc(&m->path, *p);
    }
    strbuf_puts(&m->path, "\"]");
    return mark;
}

static size_t path_index(mctx *m, size_t i)
{
    size_t mark = m->path.len;
    strbuf_printf(&m->path, "[%zu]", i);
    return mark;
}

static void path_restore(mctx *m, size_t mark)
{
    if (m->path.buf && mark <= m->path.len) {
        m->path.len = mark;
        m->path.buf[mark] = '\0';
    }
}

/* ---- values in messages --------------------------------------------------------- */

static bool plain_text(const char *s)
{
    if (!*s || *s == ' ' || s[strlen(s) - 1] == ' ')
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f || strchr(",[]{}\"", *p))
            return false;
    return true;
}

static void flow_scalar(strbuf *sb, const doc_node *n)
{
    if (n->type != DOC_STR || plain_text(n->text)) {
        strbuf_puts(sb, n->text);
        return;
    }
    strbuf_putc(sb, '"');
    for (const unsigned char *p = (const unsigned char *)n->text; *p && sb->len <= 2 * VALUE_MAX;
         p++) {
        if (*p == '"' || *p == '\\')
            strbuf_printf(sb, "\\%c", *p);
        else if (*p == '\n')
            strbuf_puts(sb, "\\n");
        else if (*p < 0x20 || *p == 0x7f)
            strbuf_printf(sb, "\\x%02x", *p);
        else
            strbuf_putc(sb, (char)*p);
    }
    strbuf_putc(sb, '"');
}

/* One-line flow text ({exact: /api}, [GET, PUT]); stops early once the
 * text is longer than can be shown. */
static void flow(strbuf *sb, const doc_node *n)
{
    if (n->kind == DOC_SCALAR) {
        flow_scalar(sb, n);
        return;
    }
    bool map = n->kind == DOC_MAP;
    strbuf_putc(sb, map ? '{' : '[');
    for (size_t i = 0; i < n->len && sb->len <= 2 * VALUE_MAX; i++) {
        if (i)
            strbuf_puts(sb, ", ");
        if (map)
            strbuf_printf(sb, "%s: ", n->keys[i]);
        flow(sb, n->items[i]);
    }
    strbuf_putc(sb, map ? '}' : ']');
}

/* Copies sb's text into buf (cap > VALUE_MAX), cut to VALUE_MAX bytes. */
static void shorten(strbuf *sb, char *buf, size_t cap)
{
    const char *s = sb->buf && !sb->oom ? sb->buf : "?";
    if (strlen(s) <= VALUE_MAX) {
        snprintf(buf, cap, "%s", s);
    } else {
        size_t cut = VALUE_MAX - 3;
        while (cut && ((unsigned char)s[cut] & 0xc0) == 0x80)
            cut--; /* not inside a UTF-8 sequence */
        snprintf(buf, cap, "%.*s...", (int)cut, s);
    }
    strbuf_free(sb);
}

static void show(const doc_node *n, char *buf, size_t cap)
{
    strbuf sb;
    strbuf_init(&sb);
    flow(&sb, n);
    shorten(&sb, buf, cap);
}

/* ---- conflicts ------------------------------------------------------------------ */

static void conflict(mctx *m, const doc_node *b, const doc_node *e, const doc_node *c)
{
    if (!m->w)
        return;
    char bv[VALUE_MAX + 8] = "unset", ev[VALUE_MAX + 8], cv[VALUE_MAX + 8];
    if (b)
        show(b, bv, sizeof bv);
    char mine[VALUE_MAX + 32] = "your removal is kept";
    if (e) {
        show(e, ev, sizeof ev);
        snprintf(mine, sizeof mine, "your edit %s is kept", ev);
    }
    const char *field = m->path.buf && !m->path.oom ? m->path.buf : "";
    int rc;
    if (c) {
        show(c, cv, sizeof cv);
        rc = mp_warn(m->w, MPW_OVERLAY_CONFLICT, MP_SEV_WARNING, m->object, field,
                     "%s %s (was %s); %s", m->now, cv, bv, mine);
    } else {
        rc = mp_warn(m->w, MPW_OVERLAY_CONFLICT, MP_SEV_WARNING, m->object, field,
                     "%s (was %s); %s", m->gone, bv, mine);
    }
    if (rc < 0)
        m->oom = true;
}

/* ---- the merge ------------------------------------------------------------------ */

static doc_node *merge(mctx *m, const doc_node *b, const doc_node *e, const doc_node *c);

static doc_node *merge_key(mctx *m, const doc_node *b, const doc_node *e, const doc_node *c,
                           const char *k)
{
    size_t mark = path_key(m, k);
    doc_node *r = merge(m, doc_get(b, k), doc_get(e, k), doc_get(c, k));
    path_restore(m, mark);
    return r;
}

static void add_key(mctx *m, doc_node *out, const char *k, doc_node *v)
{
    if (!v)
        return;
    char *key = strdup(k);
    if (!key)
        doc_free(v);
    if (!key || doc_map_append_adopt(out, key, v) < 0)
        m->oom = true;
}

/* Current's keys in current's order, then the keys only the edit has. */
static doc_node *merge_map(mctx *m, const doc_node *b, const doc_node *e, const doc_node *c)
{
    doc_node *out = doc_map_new();
    if (!out) {
        m->oom = true;
        return NULL;
    }
    for (size_t i = 0; i < c->len && !m->oom; i++)
        add_key(m, out, c->keys[i], merge_key(m, b, e, c, c->keys[i]));
    for (size_t i = 0; i < e->len && !m->oom; i++)
        if (!doc_get(c, e->keys[i]))
            add_key(m, out, e->keys[i], merge_key(m, b, e, c, e->keys[i]));
    return out;
}

static void push(mctx *m, doc_node *out, doc_node *v)
{
    if (v && doc_seq_push(out, v) < 0)
        m->oom = true;
}

static doc_node *merge_indexed(mctx *m, const doc_node *b, const doc_node *e, const doc_node *c)
{
    doc_node *out = doc_seq_new();
    if (!out) {
        m->oom = true;
        return NULL;
    }
    for (size_t i = 0; i < c->len && !m->oom; i++) {
        size_t mark = path_index(m, i);
        push(m, out, merge(m, b->items[i], e->items[i], c->items[i]));
        path_restore(m, mark);
    }
    return out;
}

/* ---- sequences of named items --------------------------------------------------- */

static const char *item_name(const doc_node *item)
{
    return doc_str(doc_get(item, "name"));
}

static long find_named(const doc_node *seq, const char *name)
{
    for (size_t i = 0; seq && i < seq->len; i++)
        if (!strcmp(item_name(seq->items[i]), name))
            return (long)i;
    return -1;
}

static const doc_node *named(const doc_node *seq, const char *name)
{
    long i = find_named(seq, name);
    return i < 0 ? NULL : seq->items[i];
}

/* Every item a map with a distinct, non-empty scalar name. */
static bool keyed(const doc_node *seq)
{
    for (size_t i = 0; i < seq->len; i++) {
        const char *n = doc_is_map(seq->items[i]) ? item_name(seq->items[i]) : NULL;
        if (!n || !*n || find_named(seq, n) != (long)i)
            return false;
    }
    return true;
}

/* True when the items x and y both hold come in the same order in both. */
static bool same_order(const doc_node *x, const doc_node *y)
{
    size_t j = 0;
    for (size_t i = 0; i < x->len; i++) {
        const char *n = item_name(x->items[i]);
        if (find_named(y, n) < 0)
            continue;
        while (j < y->len && find_named(x, item_name(y->items[j])) < 0)
            j++;
        if (j == y->len || strcmp(item_name(y->items[j]), n))
            return false;
        j++;
    }
    return true;
}

typedef struct {
    const char **v;
    size_t n;
} names;

static long names_find(const names *o, const char *name)
{
    for (size_t i = 0; i < o->n; i++)
        if (!strcmp(o->v[i], name))
            return (long)i;
    return -1;
}

/* The result's order: skel's items, then each item only other has, placed
 * after the nearest item before it (in other) that is already placed.
 * o->v has room for both sequences. */
static void merged_order(names *o, const doc_node *skel, const doc_node *other)
{
    for (size_t i = 0; i < skel->len; i++)
        o->v[o->n++] = item_name(skel->items[i]);
    for (size_t i = 0; i < other->len; i++) {
        const char *n = item_name(other->items[i]);
        if (names_find(o, n) >= 0)
            continue;
        size_t at = 0;
        for (size_t j = i; j-- > 0;) {
            long p = names_find(o, item_name(other->items[j]));
            if (p >= 0) {
                at = (size_t)p + 1;
                break;
            }
        }
        memmove(&o->v[at + 1], &o->v[at], (o->n - at) * sizeof *o->v);
        o->v[at] = n;
        o->n++;
    }
}

static void order_text(const doc_node *seq, char *buf, size_t cap)
{
    strbuf sb;
    strbuf_init(&sb);
    strbuf_putc(&sb, '[');
    for (size_t i = 0; i < seq->len && sb.len <= 2 * VALUE_MAX; i++)
        strbuf_printf(&sb, "%s%s", i ? ", " : "", item_name(seq->items[i]));
    strbuf_putc(&sb, ']');
    shorten(&sb, buf, cap);
}

static void order_conflict(mctx *m, const doc_node *b, const doc_node *e, const doc_node *c)
{
    if (!m->w)
        return;
    char bv[VALUE_MAX + 8], ev[VALUE_MAX + 8], cv[VALUE_MAX + 8];
    order_text(b, bv, sizeof bv);
    order_text(e, ev, sizeof ev);
    order_text(c, cv, sizeof cv);
    if (mp_warn(m->w, MPW_OVERLAY_CONFLICT, MP_SEV_WARNING, m->object,
                m->path.buf && !m->path.oom ? m->path.buf : "",
                "%s the order %s (was %s); your order %s is kept", m->now, cv, bv, ev) < 0)
        m->oom = true;
}

/* Whether the merge of one item leaves it out: see merge(). */
static bool gone(const doc_node *b, const doc_node *e, const doc_node *c)
{
    return same(e, b) ? !c : !e;
}

static void merge_items(mctx *m, const names *o, const doc_node *b, const doc_node *e,
                        const doc_node *c, doc_node *out)
{
    size_t idx = 0;
    for (size_t i = 0; i < o->n && !m->oom; i++) {
        const doc_node *bi = named(b, o->v[i]), *ei = named(e, o->v[i]), *ci = named(c, o->v[i]);
        bool out_too = gone(bi, ei, ci);
        /* a conflict about an item left out names it where current has it */
        long ci_at = find_named(c, o->v[i]);
        size_t mark = path_index(m, out_too && ci_at >= 0 ? (size_t)ci_at : idx);
        push(m, out, merge(m, bi, ei, ci));
        path_restore(m, mark);
        idx += !out_too;
    }
}

/* Items matched by name. The order is current's unless only the operator
 * reordered the items both kept (then it is the edit's). */
static doc_node *merge_named(mctx *m, const doc_node *b, const doc_node *e, const doc_node *c)
{
    bool mine = !same_order(e, b), theirs = !same_order(c, b);
    if (mine && theirs && !same_order(e, c))
        order_conflict(m, b, e, c);
    names o = {calloc(e->len + c->len + 1, sizeof(char *)), 0};
    doc_node *out = o.v ? doc_seq_new() : NULL;
    if (!out) {
        free(o.v);
        m->oom = true;
        return NULL;
    }
    merged_order(&o, mine ? e : c, mine ? c : e);
    merge_items(m, &o, b, e, c, out);
    free(o.v);
    return out;
}

static doc_node *merge_seq(mctx *m, const doc_node *b, const doc_node *e, const doc_node *c)
{
    if (keyed(b) && keyed(e) && keyed(c))
        return merge_named(m, b, e, c);
    if (b->len == e->len && e->len == c->len)
        return merge_indexed(m, b, e, c);
    conflict(m, b, e, c);
    return dup(m, e);
}

/* NULL: absent from the result (or out of memory: m->oom). */
static doc_node *merge(mctx *m, const doc_node *b, const doc_node *e, const doc_node *c)
{
    if (m->oom)
        return NULL;
    if (same(e, b))
        return dup(m, c);
    if (same(c, b) || same(e, c))
        return dup(m, e);
    if (doc_is_map(e) && doc_is_map(c) && (!b || doc_is_map(b)))
        return merge_map(m, b, e, c);
    if (doc_is_seq(e) && doc_is_seq(c) && doc_is_seq(b))
        return merge_seq(m, b, e, c);
    conflict(m, b, e, c);
    return dup(m, e);
}

doc_node *overlay_merge(const ov_entry *e, const doc_node *current, mp_warnings *w)
{
    if (!e || !e->edited)
        return NULL;
    char ref[400];
    kobj_ref(e->edited, ref, sizeof ref);
    if (e->origin == OV_NEW || !e->base)
        return doc_clone(e->edited);
    if (!current) {
        if (e->origin == OV_CONVERTED && w &&
            mp_warn(w, MPW_OVERLAY_ORPHAN, MP_SEV_WARNING, ref, "",
                    "the conversion no longer generates this object (its Ingress changed or is "
                    "gone); your edited copy is kept") < 0)
            return NULL;
        return doc_clone(e->edited);
    }
    doc_node *cur = doc_clone(current);
    if (!cur)
        return NULL;
    objdiff_strip_noise(cur);
    bool live = e->origin == OV_LIVE;
    mctx m = {.w = w,
              .object = ref,
              .now = live ? "the live object now has" : "the conversion now gives",
              .gone =
                  live ? "the live object no longer has it" : "the conversion no longer sets it"};
    strbuf_init(&m.path);
    doc_node *r = merge(&m, e->base, e->edited, cur);
    doc_free(cur);
    strbuf_free(&m.path);
    if (m.oom) {
        doc_free(r);
        return NULL;
    }
    /* keys the edit added sit where Istio's field order puts them, as they
     * do in the console's working copy: both must emit the same bytes */
    istio_canonical_order(r);
    return r;
}
