/*
 * objdiff.c - noise filter, canonical text and changed paths of an object
 * (see objdiff.h). Sequences are compared with seqdiff over item ids
 * (equal subtrees, equal ids), so a long list costs no N*M table either.
 */
#include "model/objdiff.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/emit.h"
#include "model/hmap.h"
#include "model/sanitize.h"
#include "model/seqdiff.h"
#include "model/strbuf.h"

static const char *const noise_meta[] = {"managedFields",     "resourceVersion", "uid",
                                         "creationTimestamp", "generation",      "selfLink"};

#define LAST_APPLIED "kubectl.kubernetes.io/last-applied-configuration"

void objdiff_strip_noise(doc_node *obj)
{
    if (!doc_is_map(obj))
        return;
    doc_map_del(obj, "status");
    doc_node *meta = doc_get(obj, "metadata");
    if (!doc_is_map(meta))
        return;
    for (size_t i = 0; i < sizeof noise_meta / sizeof noise_meta[0]; i++)
        doc_map_del(meta, noise_meta[i]);
    doc_node *ann = doc_get(meta, "annotations");
    if (doc_is_map(ann)) {
        doc_map_del(ann, LAST_APPLIED);
        if (!ann->len)
            doc_map_del(meta, "annotations");
    }
}

/* Does obj hold a field objdiff_strip_noise would remove? */
static bool has_noise(const doc_node *obj)
{
    if (!doc_is_map(obj))
        return false;
    if (doc_get(obj, "status"))
        return true;
    const doc_node *meta = doc_get(obj, "metadata");
    for (size_t i = 0; doc_is_map(meta) && i < sizeof noise_meta / sizeof noise_meta[0]; i++)
        if (doc_get(meta, noise_meta[i]))
            return true;
    const doc_node *ann = doc_get(meta, "annotations");
    return doc_is_map(ann) && (doc_get(ann, LAST_APPLIED) || !ann->len);
}

char *objdiff_canonical(const doc_node *obj, mp_err *err)
{
    if (!obj)
        return strdup("");
    /* the editor's working copies are clean already: no copy per keystroke */
    doc_node *c = has_noise(obj) ? doc_clone(obj) : NULL;
    if (has_noise(obj) && !c) {
        mp_errf(err, "out of memory");
        return NULL;
    }
    objdiff_strip_noise(c);
    char *text = doc_emit_yaml(c ? c : obj, NULL, err);
    doc_free(c);
    char *clean = text ? san_cleans(text, SAN_KEEP_NEWLINE | SAN_KEEP_TAB) : NULL;
    free(text);
    return clean;
}

/* ---- changed paths ---- */

/* Both paths of the node being compared: in a's indexes and in b's. */
typedef struct {
    strbuf pa, pb;
    od_paths *out;
    bool oom;
} walker;

static bool is_ident(const char *k)
{
    if (!*k || isdigit((unsigned char)*k))
        return false;
    for (; *k; k++)
        if (!isalnum((unsigned char)*k) && *k != '_')
            return false;
    return true;
}

/* `.key`, or `["key"]` for keys that are not identifiers (quotes and
 * backslashes escaped, control bytes as \xNN so a path stays one safe line). */
static void put_key(strbuf *sb, const char *k)
{
    if (is_ident(k)) {
        if (sb->len)
            strbuf_putc(sb, '.');
        strbuf_puts(sb, k);
        return;
    }
    strbuf_puts(sb, "[\"");
    for (; *k; k++) {
        unsigned char c = (unsigned char)*k;
        if (c == '"' || c == '\\')
            strbuf_putc(sb, '\\');
        if (c < 0x20 || c == 0x7f)
            strbuf_printf(sb, "\\x%02x", c);
        else
            strbuf_putc(sb, (char)c);
    }
    strbuf_puts(sb, "\"]");
}

static void emit(walker *w, od_change change, bool in_a, const char *from)
{
    od_paths *o = w->out;
    if (o->len == o->cap) {
        size_t cap = o->cap ? 2 * o->cap : 8;
        od_path *items = realloc(o->items, cap * sizeof *items);
        if (!items) {
            w->oom = true;
            return;
        }
        o->items = items, o->cap = cap;
    }
    strbuf *p = in_a ? &w->pa : &w->pb;
    od_path e = {change, strndup(p->buf ? p->buf : "", p->len), from ? strdup(from) : NULL};
    if (!e.path || (from && !e.from) || w->pa.oom || w->pb.oom) {
        free(e.path);
        free(e.from);
        w->oom = true;
        return;
    }
    o->items[o->len++] = e;
}

/* Path lengths to restore after a step down. */
typedef struct {
    size_t la, lb;
} mark;

static mark step_key(walker *w, const char *k)
{
    mark m = {w->pa.len, w->pb.len};
    put_key(&w->pa, k);
    put_key(&w->pb, k);
    return m;
}

static mark step_index(walker *w, size_t ia, size_t ib)
{
    mark m = {w->pa.len, w->pb.len};
    strbuf_printf(&w->pa, "[%zu]", ia);
    strbuf_printf(&w->pb, "[%zu]", ib);
    return m;
}

static void step_back(walker *w, mark m)
{
    w->pa.len = m.la, w->pb.len = m.lb;
    if (w->pa.buf)
        w->pa.buf[m.la] = '\0';
    if (w->pb.buf)
        w->pb.buf[m.lb] = '\0';
}

static void compare(walker *w, const doc_node *a, const doc_node *b);

/* Key lookup: a scan for the usual small maps, a hash map for big ones. */
typedef struct {
    const doc_node *map;
    hmap h;
} keys;

#define KEYS_HASHED 32

/* k->map is set and k->h zeroed. */
static int keys_init(keys *k)
{
    for (size_t i = 0; k->map->len > KEYS_HASHED && i < k->map->len; i++)
        if (hmap_put(&k->h, k->map->keys[i], i))
            return -1;
    return 0;
}

static long keys_find(const keys *k, const char *key)
{
    if (k->map->len > KEYS_HASHED)
        return hmap_get(&k->h, key);
    for (size_t i = 0; i < k->map->len; i++)
        if (!strcmp(k->map->keys[i], key))
            return (long)i;
    return -1;
}

/* Removals of a's keys [*from, to) that b lacks, where a had them. */
static void removed_keys(walker *w, const doc_node *a, const keys *kb, size_t *from, size_t to)
{
    for (; *from < to; (*from)++) {
        if (keys_find(kb, a->keys[*from]) >= 0)
            continue;
        mark m = step_key(w, a->keys[*from]);
        emit(w, OD_REMOVED, true, NULL);
        step_back(w, m);
    }
}

static void compare_maps(walker *w, const doc_node *a, const doc_node *b)
{
    keys ka = {a, {0}}, kb = {b, {0}};
    if (keys_init(&ka) || keys_init(&kb)) {
        w->oom = true;
    } else {
        size_t next = 0;
        for (size_t j = 0; j < b->len; j++) {
            long i = keys_find(&ka, b->keys[j]);
            if (i >= 0)
                removed_keys(w, a, &kb, &next, (size_t)i);
            mark m = step_key(w, b->keys[j]);
            if (i >= 0)
                compare(w, a->items[i], b->items[j]);
            else
                emit(w, OD_ADDED, false, NULL);
            step_back(w, m);
            if (i >= 0 && (size_t)i >= next)
                next = (size_t)i + 1;
        }
        removed_keys(w, a, &kb, &next, a->len);
    }
    hmap_free(&ka.h);
    hmap_free(&kb.h);
}

/* ---- sequences: items numbered by value, then an LCS ---- */

static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

static uint64_t text_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* Equal trees (doc_equal, key order ignored) hash alike: map entries are
 * summed, so their order does not count. */
static uint64_t node_hash(const doc_node *n)
{
    if (!n)
        return 0;
    if (n->kind == DOC_SCALAR)
        return mix(text_hash(n->text ? n->text : "") + n->type);
    uint64_t h = n->kind == DOC_MAP ? 0x9e3779b97f4a7c15ull : 0xc2b2ae3d27d4eb4full;
    for (size_t i = 0; i < n->len; i++) {
        uint64_t c = node_hash(n->items[i]);
        if (n->kind == DOC_MAP)
            h += mix(text_hash(n->keys[i]) ^ c);
        else
            h = mix(h + c);
    }
    return mix(h + n->len);
}

/* Ids of the items of a and b: equal items, equal ids. */
static int number_items(const doc_node *a, const doc_node *b, unsigned *ia, unsigned *ib,
                        unsigned *nids)
{
    size_t total = a->len + b->len, cap = 16;
    while (cap < 2 * total)
        cap *= 2;
    unsigned *slot = calloc(cap, sizeof *slot); /* id + 1, 0 = empty */
    const doc_node **rep = malloc((total + 1) * sizeof *rep);
    uint64_t *hash = malloc((total + 1) * sizeof *hash);
    *nids = 0;
    int rv = slot && rep && hash ? 0 : -1;
    for (size_t k = 0; !rv && k < total; k++) {
        const doc_node *x = k < a->len ? a->items[k] : b->items[k - a->len];
        uint64_t h = node_hash(x);
        size_t pos = (size_t)h & (cap - 1);
        while (slot[pos] && !(hash[slot[pos] - 1] == h && doc_equal(rep[slot[pos] - 1], x, false)))
            pos = (pos + 1) & (cap - 1);
        if (!slot[pos]) {
            rep[*nids] = x, hash[*nids] = h;
            slot[pos] = ++*nids;
        }
        if (k < a->len)
            ia[k] = slot[pos] - 1;
        else
            ib[k - a->len] = slot[pos] - 1;
    }
    free(slot);
    free(rep);
    free(hash);
    return rv;
}

typedef struct {
    unsigned *ia, *ib;
    unsigned char *ca, *cb; /* deleted / inserted */
    long *from;             /* b's inserted item j is a's deleted item from[j] moved, or -1 */
    unsigned char *moved;   /* a's deleted item i reappears in b */
    unsigned nids;
} seq_script;

static void seq_script_free(seq_script *s)
{
    free(s->ia), free(s->ib), free(s->ca), free(s->cb), free(s->from), free(s->moved);
}

/* Each deleted item of a that equals a still unmatched inserted item of b
 * (first come, first served) is a move. */
static int find_moves(seq_script *s, size_t na, size_t nb)
{
    long *head = malloc(((size_t)s->nids + 1) * sizeof *head),
         *link = malloc((nb + 1) * sizeof *link);
    if (!head || !link) {
        free(head), free(link);
        return -1;
    }
    for (unsigned id = 0; id < s->nids; id++)
        head[id] = -1;
    for (size_t j = nb; j-- > 0;) {
        s->from[j] = -1;
        if (s->cb[j])
            link[j] = head[s->ib[j]], head[s->ib[j]] = (long)j;
    }
    for (size_t i = 0; i < na; i++) {
        long j = s->ca[i] ? head[s->ia[i]] : -1;
        if (j >= 0)
            s->from[j] = (long)i, s->moved[i] = 1, head[s->ia[i]] = link[j];
    }
    free(head), free(link);
    return 0;
}

static int seq_script_new(seq_script *s, const doc_node *a, const doc_node *b)
{
    size_t na = a->len, nb = b->len;
    *s = (seq_script){malloc((na + 1) * sizeof *s->ia),
                      malloc((nb + 1) * sizeof *s->ib),
                      malloc(na + 1),
                      malloc(nb + 1),
                      malloc((nb + 1) * sizeof *s->from),
                      calloc(na + 1, 1),
                      0};
    if (!s->ia || !s->ib || !s->ca || !s->cb || !s->from || !s->moved ||
        number_items(a, b, s->ia, s->ib, &s->nids) ||
        seqdiff_ids(s->ia, na, s->ib, nb, s->nids, s->ca, s->cb) || find_moves(s, na, nb))
        return -1;
    return 0;
}

/* One run of deleted a[i0, i1) and inserted b[j0, j1): moves, then the
 * other items paired in order (maps field by field, else `changed`), then
 * one-sided leftovers. */
static void seq_run(walker *w, const doc_node *a, const doc_node *b, const seq_script *s, size_t i0,
                    size_t i1, size_t j0, size_t j1)
{
    size_t i = i0;
    for (size_t j = j0; j < j1; j++) {
        if (s->from[j] >= 0) {
            mark m = step_index(w, (size_t)s->from[j], j);
            emit(w, OD_MOVED, false, w->pa.buf);
            step_back(w, m);
            continue;
        }
        while (i < i1 && s->moved[i])
            i++;
        mark m = step_index(w, i < i1 ? i : j, j);
        if (i < i1 && doc_is_map(a->items[i]) && doc_is_map(b->items[j]))
            compare_maps(w, a->items[i], b->items[j]);
        else
            emit(w, i < i1 ? OD_CHANGED : OD_ADDED, false, NULL);
        step_back(w, m);
        i += i < i1;
    }
    for (; i < i1; i++) {
        if (s->moved[i])
            continue;
        mark m = step_index(w, i, i);
        emit(w, OD_REMOVED, true, NULL);
        step_back(w, m);
    }
}

static void compare_seqs(walker *w, const doc_node *a, const doc_node *b)
{
    seq_script s;
    if (seq_script_new(&s, a, b)) {
        w->oom = true;
        seq_script_free(&s);
        return;
    }
    size_t na = a->len, nb = b->len, i = 0, j = 0;
    while (i < na || j < nb) {
        if (i < na && j < nb && !s.ca[i] && !s.cb[j]) {
            i++, j++;
            continue;
        }
        size_t i0 = i, j0 = j;
        while (i < na && s.ca[i])
            i++;
        while (j < nb && s.cb[j])
            j++;
        seq_run(w, a, b, &s, i0, i, j0, j);
    }
    seq_script_free(&s);
}

static void compare(walker *w, const doc_node *a, const doc_node *b)
{
    if (w->oom)
        return;
    if (doc_is_map(a) && doc_is_map(b))
        compare_maps(w, a, b);
    else if (doc_is_seq(a) && doc_is_seq(b))
        compare_seqs(w, a, b);
    else if (!doc_equal(a, b, false))
        emit(w, OD_CHANGED, false, NULL);
}

int objdiff_paths(const doc_node *a, const doc_node *b, od_paths *out)
{
    walker w = {.out = out};
    strbuf_init(&w.pa);
    strbuf_init(&w.pb);
    if (!a || !b) {
        if (a || b)
            emit(&w, a ? OD_REMOVED : OD_ADDED, a != NULL, NULL);
    } else {
        doc_node *ca = doc_clone(a), *cb = doc_clone(b);
        if (ca && cb) {
            objdiff_strip_noise(ca);
            objdiff_strip_noise(cb);
            compare(&w, ca, cb);
        } else {
            w.oom = true;
        }
        doc_free(ca);
        doc_free(cb);
    }
    strbuf_free(&w.pa);
    strbuf_free(&w.pb);
    return w.oom ? -1 : 0;
}

void objdiff_paths_free(od_paths *p)
{
    for (size_t i = 0; i < p->len; i++) {
        free(p->items[i].path);
        free(p->items[i].from);
    }
    free(p->items);
    *p = (od_paths){0};
}

const char *od_change_name(od_change c)
{
    static const char *const names[] = {"added", "removed", "changed", "moved"};
    return (unsigned)c < sizeof names / sizeof names[0] ? names[c] : "?";
}

/* The whole object (path "") reads "(object)". */
char *od_path_format(const od_path *p)
{
    strbuf sb;
    strbuf_init(&sb);
    strbuf_printf(&sb, "%s: %s", *p->path ? p->path : "(object)", od_change_name(p->change));
    if (p->change == OD_MOVED && p->from)
        strbuf_printf(&sb, " from %s", p->from);
    return strbuf_detach(&sb, NULL);
}
