/*
 * store.c - object snapshot: a chained hash on kind/ns/name plus an array
 * for iteration; tenants and the host index are derived lazily so a burst of
 * watch events costs one rebuild, not one per event.
 */
#include "model/store.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/kobj.h"
#include "model/sort.h"

typedef struct entry {
    store_obj pub; /* first: a store_obj * is an entry * */
    /* doc's own strings (ns: "" when it has none), borrowed: a replacing
     * document has the same three and lends its own */
    const char *kind, *ns, *name;
    doc_node *doc;
    size_t slot;     /* in objs */
    size_t problems; /* derived */
    /* Facts of the document taken once per change (entry_publish), so the
     * derived indexes rebuilt after a burst of watch events walk no trees. */
    int rank;           /* kind_rank */
    const char **hosts; /* store_obj_hosts (strings borrowed from doc) */
    size_t nhosts;
    struct host_node **hnodes; /* hosts[i]'s node in the host index */
    bool routes;               /* routes_traffic */
    bool routed, migrated;     /* Ingress: not paused; marked migrated */
    bool debt_paused;          /* Ingress: suspended for debt */
    bool suspended;            /* Namespace: ns_suspended */
    /* ns[0] != 0, and a Namespace object: the derived indexes ask these of
     * every object, and the strings are in the documents, away from it */
    bool namespaced, is_namespace;
    size_t tenant;                /* derived: index in tenants, or (size_t)-1 */
    size_t tslot;                 /* its tenant's index in names (a Namespace: its own)... */
    unsigned long long tslot_gen; /* ...valid while names_gen is this */
} entry;

/* Entries are carved from slabs, next to each other, not each its own
 * malloc among the documents: a walk of every object (the derived
 * indexes', each a few after a change) reads neighbours, and no malloc
 * header per entry. A deleted entry's place goes on a free list (linked
 * through its first bytes). Under AddressSanitizer each entry is its own
 * malloc, so that a stale pointer to a deleted object is reported. */
#if defined(__SANITIZE_ADDRESS__)
#define ENTRY_CHECKS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ENTRY_CHECKS 1
#endif
#endif
#ifndef ENTRY_CHECKS
#define ENTRY_CHECKS 0
#endif
#define ENTRY_SLAB 256

#define NODE_BLOCK (64 * 1024 - 64)

typedef struct node_block {
    struct node_block *next;
    size_t used;
    _Alignas(max_align_t) char bytes[NODE_BLOCK];
} node_block;

typedef struct entry_slab {
    struct entry_slab *next;
    size_t used;
    entry e[ENTRY_SLAB];
} entry_slab;

/* A tenant's namespaced objects, sorted like store_list (kind rank, kind,
 * name) unless unsorted (an object was added since). */
typedef struct {
    struct entry **v;
    size_t n, cap;
    bool unsorted;
} tgroup;

typedef struct host_node {
    const store_obj **objs; /* &one until a second object routes the host */
    const store_obj *one;
    size_t n, cap;
    /* for host_conflicts, per store generation: the tenant of its first
     * routing object, and whether another tenant routes it too */
    unsigned long long tgen;
    size_t t1;
    bool multi, unassigned;
    char host[]; /* a copy: the index outlives the documents it came from */
} host_node;

/* The host index's table: a node's cut hash beside it, so that a probe
 * reads the node only when the hash is the host's. Nodes are never
 * removed (they stay when they empty): no deletion to handle. */
typedef struct host_slot {
    uint32_t hash;
    host_node *x;
} host_slot;

/* The kind/namespace/name index: open addressing (linear probing) over
 * the key's hash and the entry's place in objs, so that a probe reads this
 * table alone, not entries strewn over the heap (a chain of entries cost a
 * cache miss per link at every put: 2 % of the first paint's CPU). */
typedef struct {
    uint32_t hash; /* the key's, cut */
    uint32_t obj;  /* its index in objs plus one; 0: empty */
} key_slot;

struct mp_store {
    entry_slab *slabs; /* newest first */
    entry *free_entries;
    key_slot *keys;
    size_t keys_mask;
    entry **objs;
    size_t n, cap;
    unsigned long long gen;

    unsigned long long derived_gen; /* gen the fields below were built for */
    store_tenant *tenants;
    size_t ntenants;
    tgroup *groups; /* tenant i's namespaced objects */
    /* Incremental: while inc_ok, every put and delete keeps the groups
     * current and lists in touched the tenants whose counts, problems or
     * state it may move (its own, and those of every object on its hosts);
     * ensure_derived then recounts those alone. A change it cannot follow
     * (a namespace new or gone, a cluster-scoped object added or deleted, a
     * Gateway: any VirtualService may name it) clears inc_ok, and the next
     * ensure_derived rebuilds everything. A watch storm of Ingress changes
     * costs each repaint the touched tenants, not 14,000 objects. */
    bool inc_ok;
    size_t *touched;
    size_t ntouched;
    bool *is_touched;
    /* the kinds found in the groups (a list of cluster-scoped kinds skips
     * them); many: more than fit, scan anyway */
    entry **cluster; /* the objects in no group (cluster-scoped) */
    size_t ncluster;
    char gkinds[16][64]; /* copies: the groups outlive any one object */
    size_t ngkinds;
    bool gkinds_many;
    unsigned gkind_ranks; /* bit r: the kind of rank r (< 3) is among them */
    /* objects per kind, kept by every insert and delete, for store_count
     * (a walk of every object, asked at the start of each kind's list);
     * many: a kind did not fit, walk */
    struct {
        char kind[48];
        size_t n;
    } kinds[16];
    size_t nkinds, kind_last;
    bool kinds_many;
    /* host -> objects, kept up to date by every put and delete (a watch
     * event moves its object's hosts; no rebuild of the whole index) */
    struct host_slot *hosts; /* open addressing, as keys */
    size_t hosts_mask, nhost_nodes;
    /* the nodes, carved one after another from blocks (never freed one by
     * one: they stay when they empty); per-node mallocs under
     * AddressSanitizer (ENTRY_CHECKS) */
    struct node_block *node_blocks;
    bool hosts_bad; /* out of memory while indexing: rebuild when derived */
    /* The tenant namespaces, sorted and owned, kept across changes that
     * cannot alter the set (a replaced object; a new one in a known
     * namespace): no sort of every object's namespace per watch event. */
    char **names;
    size_t *name_refs; /* objects per name (a Namespace counts for its own) */
    size_t nnames;
    bool names_dirty;
    unsigned long long names_gen;
};

static uint64_t fnv(uint64_t h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (h ^ 0xff) * 1099511628211ull; /* separator so "ab"+"c" != "a"+"bc" */
}

static uint64_t key_hash(const char *kind, const char *ns, const char *name)
{
    return fnv(fnv(fnv(14695981039346656037ull, kind), ns), name);
}

mp_store *store_new(void)
{
    mp_store *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->keys_mask = 511;
    st->keys = calloc(st->keys_mask + 1, sizeof *st->keys);
    if (!st->keys) {
        free(st);
        return NULL;
    }
    st->derived_gen = (unsigned long long)-1;
    st->names_gen = 1; /* a new entry's tslot_gen (0) is never current */
    st->names_dirty = true;
    return st;
}

static void free_hosts(mp_store *st)
{
    for (size_t i = 0; st->hosts && i <= st->hosts_mask; i++) {
        host_node *h = st->hosts[i].x;
        if (h && h->objs != &h->one)
            free(h->objs);
        if (ENTRY_CHECKS)
            free(h);
    }
    for (node_block *b = st->node_blocks, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    st->node_blocks = NULL;
    free(st->hosts);
    st->hosts = NULL;
    st->hosts_mask = st->nhost_nodes = 0;
}

static void free_names(mp_store *st)
{
    for (size_t i = 0; i < st->nnames; i++)
        free(st->names[i]);
    free(st->names);
    free(st->name_refs);
    st->names = NULL;
    st->name_refs = NULL;
    st->nnames = 0;
    st->names_dirty = true;
    st->names_gen++;
}

static void free_derived(mp_store *st)
{
    for (size_t i = 0; st->groups && i < st->ntenants; i++)
        free(st->groups[i].v);
    free(st->groups);
    st->groups = NULL;
    free(st->touched);
    free(st->is_touched);
    st->touched = NULL;
    st->is_touched = NULL;
    st->ntouched = 0;
    st->inc_ok = false;
    free(st->cluster);
    st->cluster = NULL;
    st->ncluster = 0;
    free(st->tenants);
    st->tenants = NULL;
    st->ntenants = 0;
    st->derived_gen = (unsigned long long)-1;
}

static entry *entry_new(mp_store *st)
{
    if (ENTRY_CHECKS)
        return malloc(sizeof(entry));
    entry *e = st->free_entries;
    if (e) {
        memcpy(&st->free_entries, (const void *)e, sizeof st->free_entries); /* its link */
        return e;
    }
    if (!st->slabs || st->slabs->used == ENTRY_SLAB) {
        entry_slab *s = malloc(sizeof *s);
        if (!s)
            return NULL;
        s->next = st->slabs;
        s->used = 0;
        st->slabs = s;
    }
    return &st->slabs->e[st->slabs->used++];
}

static void entry_free(mp_store *st, entry *e)
{
    free(e->hosts); /* and hnodes, in the same block */
    doc_free(e->doc);
    if (ENTRY_CHECKS) {
        free(e);
        return;
    }
    memcpy((void *)e, &st->free_entries, sizeof st->free_entries);
    st->free_entries = e;
}

/* Every entry gone (store_clear): the slabs too. */
static void free_slabs(mp_store *st)
{
    for (entry_slab *s = st->slabs, *next; s; s = next) {
        next = s->next;
        free(s);
    }
    st->slabs = NULL;
    st->free_entries = NULL;
}

void store_clear(mp_store *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->n; i++)
        entry_free(st, st->objs[i]);
    free_slabs(st);
    st->n = 0;
    memset(st->keys, 0, (st->keys_mask + 1) * sizeof *st->keys);
    st->nkinds = st->kind_last = 0;
    st->kinds_many = false;
    free_derived(st);
    free_hosts(st);
    st->hosts_bad = false;
    free_names(st);
    st->gen++;
}

void store_free(mp_store *st)
{
    if (!st)
        return;
    store_clear(st);
    free(st->keys);
    free(st->objs);
    free(st);
}

/* The slot of kind/ns/name, or the empty one where it would go. */
static size_t find_slot(const mp_store *st, const char *kind, const char *ns, const char *name,
                        uint64_t h)
{
    size_t i = (uint32_t)h & st->keys_mask;
    for (; st->keys[i].obj; i = (i + 1) & st->keys_mask) {
        if (st->keys[i].hash != (uint32_t)h)
            continue;
        const entry *e = st->objs[st->keys[i].obj - 1];
        if (!strcmp(e->name, name) && !strcmp(e->ns, ns) && !strcmp(e->kind, kind))
            return i;
    }
    return i;
}

static entry *lookup(const mp_store *st, const char *kind, const char *ns, const char *name)
{
    size_t i = find_slot(st, kind, ns, name, key_hash(kind, ns, name));
    return st->keys[i].obj ? st->objs[st->keys[i].obj - 1] : NULL;
}

/* Twice the slots, at most half of them used (the cut hash places them). */
static int grow_keys(mp_store *st)
{
    size_t mask = st->keys_mask * 2 + 1;
    if (mask > UINT32_MAX)
        return -1;
    key_slot *k = calloc(mask + 1, sizeof *k);
    if (!k)
        return -1;
    for (size_t i = 0; i <= st->keys_mask; i++)
        if (st->keys[i].obj) {
            size_t j = st->keys[i].hash & mask;
            while (k[j].obj)
                j = (j + 1) & mask;
            k[j] = st->keys[i];
        }
    free(st->keys);
    st->keys = k;
    st->keys_mask = mask;
    return 0;
}

/* Empties slot i and moves back the slots after it that probed past it
 * (backward shift: no tombstones). */
static void key_remove(mp_store *st, size_t i)
{
    size_t mask = st->keys_mask;
    st->keys[i].obj = 0;
    for (size_t j = (i + 1) & mask; st->keys[j].obj; j = (j + 1) & mask) {
        size_t home = st->keys[j].hash & mask;
        /* j's key may fill the hole when the hole lies between its home
         * and j, in probe order */
        if (((j - home) & mask) >= ((j - i) & mask)) {
            st->keys[i] = st->keys[j];
            st->keys[j].obj = 0;
            i = j;
        }
    }
}

static int kind_rank(const char *kind);
static void index_entry(mp_store *st, entry *e);
static void unindex_entry(entry *e);
static void names_note(mp_store *st, const entry *e);
static void names_forget(mp_store *st, const entry *e);
static bool ns_suspended(const doc_node *nsdoc);
static void inc_added(mp_store *st, entry *e);
static void inc_replaced(mp_store *st, entry *e);
static void inc_deleted(mp_store *st, entry *e);

static void publish_hosts(entry *e, const doc_node *spec);
static bool ingress_routed(const doc_node *anns, const doc_node *spec);
static const char *text_of(const doc_node *n);

/* The facts the derived indexes need, from the document's metadata and
 * spec looked up once (kobj_annotation walks the object and metadata again
 * for each annotation: three times per Ingress). */
static void kind_counted(mp_store *st, const char *kind, int delta);

static void entry_publish(entry *e, unsigned long long gen, const doc_node *meta)
{
    e->pub.kind = e->kind;
    e->pub.ns = e->ns;
    e->pub.name = e->name;
    e->pub.doc = e->doc;
    e->pub.changed = gen;
    e->rank = kind_rank(e->kind);
    const doc_node *spec = doc_get(e->doc, "spec"), *anns = doc_get(meta, "annotations");
    publish_hosts(e, spec);
    bool ing = e->rank == 0;
    e->routed = ing && ingress_routed(anns, spec);
    e->routes = ing ? e->routed : e->rank == 2;
    const char *mig = ing ? text_of(doc_get(anns, "sealos.io/migrated-to-istio")) : NULL;
    e->migrated = mig && !strcmp(mig, "true");
    e->debt_paused = ing && text_of(doc_get(anns, "sealos.io/original-suspend-state"));
    e->namespaced = e->ns[0] != '\0';
    e->is_namespace = e->rank == 3 && !e->namespaced && !strcmp(e->kind, "Namespace");
    e->suspended = e->is_namespace && ns_suspended(e->doc);
}

static int insert_new(mp_store *st, doc_node *obj, const char *kind, const char *ns,
                      const char *name, const doc_node *meta, uint64_t h, mp_err *err)
{
    if ((st->n + 1) * 2 > st->keys_mask + 1 && grow_keys(st) < 0)
        goto oom;
    if (st->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 64;
        entry **o = realloc(st->objs, cap * sizeof *o);
        if (!o)
            goto oom;
        st->objs = o;
        st->cap = cap;
    }
    entry *e = entry_new(st); /* set whole below */
    if (!e)
        goto oom;
    *e = (entry){.kind = kind, .ns = ns, .name = name, .doc = obj, .slot = st->n};
    st->objs[st->n++] = e;
    st->keys[find_slot(st, kind, ns, name, h)] = (key_slot){(uint32_t)h, (uint32_t)st->n};
    kind_counted(st, kind, 1);
    st->gen++;
    entry_publish(e, st->gen, meta);
    index_entry(st, e);
    names_note(st, e);
    inc_added(st, e);
    return 1;
oom:
    doc_free(obj);
    return mp_errf(err, "store: out of memory");
}

/* kobj_kind, kobj_name and kobj_namespace (ns "" for none) in one walk of
 * the object's and of metadata's keys, where those walk them for each
 * field; the first of repeated keys counts, as doc_get's. */
static void object_id(const doc_node *obj, const char **kind, const char **ns, const char **name,
                      const doc_node **meta)
{
    *kind = *ns = *name = NULL;
    *meta = NULL;
    bool seen_kind = false, seen_meta = false;
    for (size_t i = 0; doc_is_map(obj) && i < obj->len && !(seen_kind && seen_meta); i++) {
        const char *k = obj->keys[i];
        if (!seen_kind && k[0] == 'k' && !strcmp(k, "kind")) {
            *kind = text_of(obj->items[i]);
            seen_kind = true;
        } else if (!seen_meta && k[0] == 'm' && !strcmp(k, "metadata")) {
            *meta = obj->items[i];
            seen_meta = true;
        }
    }
    const doc_node *m = *meta;
    bool seen_name = false, seen_ns = false;
    for (size_t i = 0; doc_is_map(m) && i < m->len && !(seen_name && seen_ns); i++) {
        const char *k = m->keys[i];
        if (k[0] != 'n')
            continue;
        if (!seen_name && !strcmp(k, "name")) {
            *name = text_of(m->items[i]);
            seen_name = true;
        } else if (!seen_ns && !strcmp(k, "namespace")) {
            *ns = text_of(m->items[i]);
            seen_ns = true;
        }
    }
    if (!*ns)
        *ns = "";
}

int store_put(mp_store *st, doc_node *obj, mp_err *err)
{
    const char *kind, *ns, *name;
    const doc_node *meta;
    object_id(obj, &kind, &ns, &name, &meta);
    if (!kind || !*kind || !name || !*name) {
        doc_free(obj);
        return mp_errf(err, "store: object without kind or metadata.name");
    }
    if (kind[0] == 'S' && !strcmp(kind, "Secret")) {
        doc_map_del(obj, "data");
        doc_map_del(obj, "stringData");
    }
    uint64_t h = key_hash(kind, ns, name);
    size_t slot = find_slot(st, kind, ns, name, h);
    if (!st->keys[slot].obj)
        return insert_new(st, obj, kind, ns, name, meta, h, err);
    entry *e = st->objs[st->keys[slot].obj - 1];
    if (doc_equal(e->doc, obj, true)) {
        doc_free(obj);
        return 0;
    }
    inc_replaced(st, e);
    unindex_entry(e);
    doc_free(e->doc);
    e->doc = obj;
    e->kind = kind;
    e->ns = ns;
    e->name = name;
    st->gen++;
    entry_publish(e, st->gen, meta);
    index_entry(st, e);
    inc_replaced(st, e);
    return 1;
}

int store_delete(mp_store *st, const char *kind, const char *ns, const char *name)
{
    if (!ns)
        ns = "";
    size_t slot = find_slot(st, kind, ns, name, key_hash(kind, ns, name));
    if (!st->keys[slot].obj)
        return 0;
    entry *e = st->objs[st->keys[slot].obj - 1];
    key_remove(st, slot);
    kind_counted(st, e->kind, -1);
    inc_deleted(st, e);
    unindex_entry(e);
    names_forget(st, e);
    entry *last = st->objs[--st->n];
    if (last != e) { /* the last object takes e's place in objs: its slot says so */
        size_t ls = find_slot(st, last->kind, last->ns, last->name,
                              key_hash(last->kind, last->ns, last->name));
        st->keys[ls].obj = (uint32_t)e->slot + 1;
        st->objs[e->slot] = last;
        last->slot = e->slot;
    }
    entry_free(st, e);
    st->gen++;
    return 1;
}

unsigned long long store_generation(const mp_store *st)
{
    return st->gen;
}

/* kind's row in st->kinds (added when new), -1 when it does not fit. */
static long kind_row(mp_store *st, const char *kind)
{
    size_t k = st->kind_last; /* puts come a kind at a time */
    if (k < st->nkinds && !strcmp(st->kinds[k].kind, kind))
        return (long)k;
    for (k = 0; k < st->nkinds; k++)
        if (st->kinds[k].kind[0] == kind[0] && !strcmp(st->kinds[k].kind, kind))
            break;
    size_t len = strlen(kind);
    if (k == st->nkinds) {
        if (k == sizeof st->kinds / sizeof st->kinds[0] || len >= sizeof st->kinds[0].kind)
            return -1;
        memcpy(st->kinds[k].kind, kind, len + 1);
        st->kinds[k].n = 0;
        st->nkinds++;
    }
    st->kind_last = k;
    return (long)k;
}

static void kind_counted(mp_store *st, const char *kind, int delta)
{
    long k = kind_row(st, kind);
    if (k < 0)
        st->kinds_many = true;
    else
        st->kinds[k].n += (size_t)(long)delta;
}

size_t store_count(const mp_store *st, const char *kind)
{
    if (!kind)
        return st->n;
    for (size_t k = 0; !st->kinds_many && k < st->nkinds; k++)
        if (!strcmp(st->kinds[k].kind, kind))
            return st->kinds[k].n;
    if (!st->kinds_many)
        return 0;
    /* by rank where the kind has one: no strcmp per object */
    int r = kind_rank(kind);
    size_t c = 0;
    for (size_t i = 0; i < st->n; i++)
        c += r < 3 ? st->objs[i]->rank == r
                   : st->objs[i]->rank == 3 && !strcmp(st->objs[i]->kind, kind);
    return c;
}

const store_obj *store_get(const mp_store *st, const char *kind, const char *ns, const char *name)
{
    if (!ns)
        ns = "";
    entry *e = lookup(st, kind, ns, name);
    return e ? &e->pub : NULL;
}

static int kind_rank(const char *kind)
{
    static const char *const order[] = {"Ingress", "Gateway", "VirtualService"};
    for (int i = 0; i < 3; i++) /* first byte first: they differ there */
        if (kind[0] == order[i][0] && !strcmp(kind, order[i]))
            return i;
    return 3;
}

const store_obj *store_at(const mp_store *st, size_t i)
{
    return i < st->n ? &st->objs[i]->pub : NULL;
}

static int cmp_obj(const void *a, const void *b)
{
    const store_obj *x = *(const store_obj *const *)a, *y = *(const store_obj *const *)b;
    int r = ((const entry *)x)->rank - ((const entry *)y)->rank;
    if (!r)
        r = strcmp(x->kind, y->kind);
    if (!r)
        r = strcmp(x->ns, y->ns);
    return r ? r : strcmp(x->name, y->name);
}

static int cmp_tenant(const void *a, const void *b);

static bool list_wants(const entry *e, const char *kind)
{
    return kind ? !strcmp(e->kind, kind) : e->rank < 3;
}

static void ensure_derived(mp_store *st);

static bool in_groups(const mp_store *st, const char *kind)
{
    for (size_t k = 0; k < st->ngkinds; k++)
        if (!strcmp(st->gkinds[k], kind))
            return true;
    return st->gkinds_many;
}

/* From the tenant groups: per kind in order, the cluster-scoped objects
 * (namespace "" sorts first), then each tenant's in namespace order. No
 * sort of the whole store: a watch event costs the console O(n), not
 * O(n log n) string compares, per repaint. */
static size_t list_grouped(const mp_store *st, const char *kind, const char *ns,
                           const store_obj **v)
{
    size_t c = 0;
    if (ns) {
        store_tenant key = {.ns = ns};
        const store_tenant *t = bsearch(&key, st->tenants, st->ntenants, sizeof key, cmp_tenant);
        const tgroup *g = t ? &st->groups[t - st->tenants] : NULL;
        for (size_t i = 0; g && i < g->n; i++)
            if (list_wants(g->v[i], kind))
                v[c++] = &g->v[i]->pub;
        return c;
    }
    size_t nc = 0;
    for (size_t i = 0; i < st->ncluster; i++)
        if (list_wants(st->cluster[i], kind))
            v[nc++] = &st->cluster[i]->pub;
    mp_sort(v, nc, sizeof *v, cmp_obj);
    static const char *const network[] = {"Ingress", "Gateway", "VirtualService"};
    const char *const *kinds = kind ? &kind : network;
    size_t nk = kind ? 1 : 3, u = 0;
    const store_obj **cl = nc ? malloc(nc * sizeof *cl) : NULL;
    if (nc && !cl)
        return (size_t)-1;
    if (nc)
        memcpy(cl, v, nc * sizeof *cl);
    for (size_t k = 0; k < nk; k++) {
        for (; u < nc && !strcmp(cl[u]->kind, kinds[k]); u++)
            v[c++] = cl[u];
        if (!in_groups(st, kinds[k]))
            continue;
        /* by rank where the kind has one: no strcmp per object and kind */
        int r = kind_rank(kinds[k]);
        for (size_t t = 0; t < st->ntenants; t++)
            for (size_t i = 0; i < st->groups[t].n; i++) {
                const entry *e = st->groups[t].v[i];
                if (r < 3 ? e->rank == r : !strcmp(e->kind, kinds[k]))
                    v[c++] = &st->groups[t].v[i]->pub;
            }
    }
    free(cl);
    return c;
}

size_t store_list(const mp_store *st, const char *kind, const char *ns, const store_obj ***out)
{
    *out = NULL;
    size_t c = 0;
    const store_obj **v = NULL;
    if (st->n) {
        v = malloc(st->n * sizeof *v);
        if (!v)
            return (size_t)-1;
    }
    /* the derived indexes are a cache of the objects: building them does
     * not change what the store holds */
    ensure_derived((mp_store *)st);
    if (st->n && st->derived_gen == st->gen && (!ns || *ns)) {
        c = list_grouped(st, kind, ns, v);
        if (c == (size_t)-1) {
            free(v);
            return c;
        }
    } else {
        for (size_t i = 0; i < st->n; i++) {
            const entry *e = st->objs[i];
            if (!list_wants(e, kind) || (ns && strcmp(e->ns, ns) != 0))
                continue;
            v[c++] = &e->pub;
        }
        mp_sort(v, c, sizeof *v, cmp_obj);
    }
    if (!c) {
        free(v);
        return 0;
    }
    *out = v;
    return c;
}

/* ---- hosts ---------------------------------------------------------- */

static void add_host(const char **v, size_t *n, size_t cap, const char *h)
{
    if (!h || !*h || *n >= cap)
        return;
    for (size_t i = 0; i < *n; i++)
        if (!strcmp(v[i], h))
            return;
    v[(*n)++] = h;
}

/* A null scalar is an absent field, not the string "null" (objects typed in
 * the editor reach the store without kobj_flatten). */
static const char *text_of(const doc_node *n)
{
    return doc_is_null(n) ? NULL : doc_str(n);
}

static size_t count_host_slots(const doc_node *spec)
{
    size_t c = 0;
    const doc_node *seqs[] = {doc_get(spec, "rules"), doc_get(spec, "hosts"),
                              doc_get(spec, "servers")};
    for (int i = 0; i < 3; i++) {
        if (!doc_is_seq(seqs[i]))
            continue;
        c += seqs[i]->len;
        if (i == 2)
            for (size_t j = 0; j < seqs[i]->len; j++) {
                const doc_node *hs = doc_get(doc_at(seqs[i], j), "hosts");
                c += doc_is_seq(hs) ? hs->len : 0;
            }
    }
    return c;
}

/* The hosts of an object of kind rank (kind_rank) with this spec into
 * v[cap] (store_obj_hosts' order and rules); their count. */
static size_t collect_hosts(int rank, const doc_node *spec, const doc_node *rules, const char **v,
                            size_t cap)
{
    size_t n = 0;
    if (rank == 0) {
        /* rules: spec's, looked up by the caller */
        for (size_t i = 0; doc_is_seq(rules) && i < rules->len; i++)
            add_host(v, &n, cap, text_of(doc_get(doc_at(rules, i), "host")));
    } else if (rank == 2) {
        const doc_node *hs = doc_get(spec, "hosts");
        for (size_t i = 0; doc_is_seq(hs) && i < hs->len; i++)
            add_host(v, &n, cap, text_of(doc_at(hs, i)));
    } else if (rank == 1) {
        const doc_node *sv = doc_get(spec, "servers");
        for (size_t i = 0; doc_is_seq(sv) && i < sv->len; i++) {
            const doc_node *hs = doc_get(doc_at(sv, i), "hosts");
            for (size_t j = 0; doc_is_seq(hs) && j < hs->len; j++) {
                const char *h = text_of(doc_at(hs, j));
                const char *slash = h ? strchr(h, '/') : NULL;
                add_host(v, &n, cap, slash ? slash + 1 : h);
            }
        }
    }
    return n;
}

const char **store_obj_hosts(const store_obj *obj, size_t *n)
{
    *n = 0;
    const doc_node *spec = doc_get(obj->doc, "spec");
    if (!doc_is_map(spec))
        return NULL;
    size_t cap = count_host_slots(spec);
    if (!cap)
        return NULL;
    const char **v = malloc(cap * sizeof *v);
    if (!v)
        return NULL;
    *n = collect_hosts(kind_rank(obj->kind), spec, doc_get(spec, "rules"), v, cap);
    if (!*n) {
        free(v);
        return NULL;
    }
    return v;
}

/* e's hosts (store_obj_hosts') and their index nodes in one block of
 * exactly their size: hosts[nhosts], then room for hnodes[nhosts]
 * (index_entry). A row of an Ingress rarely has more than a few. */
static void publish_hosts(entry *e, const doc_node *spec)
{
    free(e->hosts);
    e->hosts = NULL;
    e->hnodes = NULL;
    e->nhosts = 0;
    if (e->rank > 2 || !doc_is_map(spec))
        return;
    const char *few[16], **v = few;
    size_t cap = sizeof few / sizeof few[0];
    /* the common case (a rule or two) counts nothing first */
    const doc_node *rules = doc_get(spec, "rules");
    if (!(e->rank == 0 && doc_is_seq(rules) && rules->len <= cap)) {
        cap = count_host_slots(spec);
        if (cap > sizeof few / sizeof few[0] && !(v = malloc(cap * sizeof *v)))
            return;
    }
    size_t n = collect_hosts(e->rank, spec, rules, v, cap);
    e->hosts = n ? malloc(n * (sizeof *e->hosts + sizeof *e->hnodes)) : NULL;
    if (e->hosts) {
        memcpy(e->hosts, v, n * sizeof *v);
        e->nhosts = n;
    }
    if (v != few)
        free(v);
}

const char *const *store_obj_host_list(const store_obj *obj, size_t *n)
{
    const entry *e = (const entry *)obj;
    *n = e->nhosts;
    return e->hosts;
}

/* The slot of host, or the empty one where it would go; st->hosts set. */
static size_t host_slot_of(const mp_store *st, const char *host, uint64_t h)
{
    size_t i = (uint32_t)h & st->hosts_mask;
    for (; st->hosts[i].x; i = (i + 1) & st->hosts_mask)
        if (st->hosts[i].hash == (uint32_t)h && !strcmp(st->hosts[i].x->host, host))
            break;
    return i;
}

static host_node *host_lookup(const mp_store *st, const char *host, uint64_t h)
{
    return st->hosts ? st->hosts[host_slot_of(st, host, h)].x : NULL;
}

/* Twice the slots (1,024 at first), at most three quarters of them used. */
static int grow_hosts(mp_store *st)
{
    size_t mask = st->hosts ? st->hosts_mask * 2 + 1 : 1023;
    host_slot *t = calloc(mask + 1, sizeof *t);
    if (!t)
        return -1;
    for (size_t i = 0; st->hosts && i <= st->hosts_mask; i++)
        if (st->hosts[i].x) {
            size_t j = st->hosts[i].hash & mask;
            while (t[j].x)
                j = (j + 1) & mask;
            t[j] = st->hosts[i];
        }
    free(st->hosts);
    st->hosts = t;
    st->hosts_mask = mask;
    return 0;
}

/* n bytes for a host node, from the newest block (or a new one). */
static host_node *node_new(mp_store *st, size_t n)
{
    if (ENTRY_CHECKS)
        return malloc(n);
    n = (n + _Alignof(host_node) - 1) & ~(_Alignof(host_node) - 1);
    node_block *b = st->node_blocks;
    if (n > NODE_BLOCK / 8) { /* a host no cluster has: a block of its own, after the open one */
        node_block *big = malloc(offsetof(node_block, bytes) + n);
        if (!big)
            return NULL;
        big->used = n;
        big->next = b ? b->next : NULL;
        *(b ? &b->next : &st->node_blocks) = big;
        return (host_node *)(void *)big->bytes;
    }
    if (!b || NODE_BLOCK - b->used < n) {
        if (!(b = malloc(sizeof *b)))
            return NULL;
        b->next = st->node_blocks;
        b->used = 0;
        st->node_blocks = b;
    }
    host_node *x = (host_node *)(void *)(b->bytes + b->used);
    b->used += n;
    return x;
}

static host_node *host_add(mp_store *st, const char *host, const store_obj *o)
{
    uint64_t h = fnv(14695981039346656037ull, host);
    if ((!st->hosts || (st->nhost_nodes + 1) * 4 > (st->hosts_mask + 1) * 3) && grow_hosts(st) < 0)
        return NULL;
    size_t slot = host_slot_of(st, host, h);
    host_node *x = st->hosts[slot].x;
    if (!x) {
        size_t len = strlen(host);
        /* one block: the node, its host and room for its first object */
        x = node_new(st, sizeof *x + len + 1);
        if (!x)
            return NULL;
        *x = (host_node){.cap = 1};
        x->objs = &x->one;
        memcpy(x->host, host, len + 1);
        st->hosts[slot] = (host_slot){(uint32_t)h, x};
        st->nhost_nodes++;
    }
    if (x->n == x->cap) {
        size_t cap = x->cap * 2;
        const store_obj **v =
            x->objs == &x->one ? malloc(cap * sizeof *v) : realloc(x->objs, cap * sizeof *v);
        if (!v)
            return NULL;
        if (x->objs == &x->one)
            v[0] = x->one;
        x->objs = v;
        x->cap = cap;
    }
    x->objs[x->n++] = o;
    return x;
}

/* Nodes stay when they empty (a host that comes back reuses its node);
 * the objects of a node keep their order. */
static void unindex_entry(entry *e)
{
    for (size_t j = 0; e->hnodes && j < e->nhosts; j++) {
        host_node *x = e->hnodes[j];
        for (size_t k = 0; x && k < x->n; k++)
            if (x->objs[k] == &e->pub) {
                memmove(&x->objs[k], &x->objs[k + 1], (x->n - k - 1) * sizeof *x->objs);
                x->n--;
                break;
            }
    }
    e->hnodes = NULL; /* their room stays in the hosts' block */
}

static void index_entry(mp_store *st, entry *e)
{
    if (!e->nhosts)
        return;
    e->hnodes = (host_node **)(e->hosts + e->nhosts);
    for (size_t j = 0; j < e->nhosts; j++)
        if (!(e->hnodes[j] = host_add(st, e->hosts[j], &e->pub)))
            st->hosts_bad = true;
}

/* ---- derived: host index, problems, tenants ------------------------- */

/* Paused by App Launchpad or suspended for debt: the controller ignores it.
 * The class is annotation kubernetes.io/ingress.class, else
 * spec.ingressClassName (ingress_class_of). */
static bool ingress_routed(const doc_node *anns, const doc_node *spec)
{
    const char *c = text_of(doc_get(anns, "kubernetes.io/ingress.class"));
    if (!c)
        c = text_of(doc_get(spec, "ingressClassName"));
    return !c || (strcmp(c, "pause") != 0 && strcmp(c, "disable") != 0);
}

/* Only after running out of memory while indexing: the index anew. */
static int rebuild_hosts(mp_store *st)
{
    free_hosts(st);
    st->hosts_bad = false;
    for (size_t i = 0; i < st->n; i++) {
        unindex_entry(st->objs[i]);
        index_entry(st, st->objs[i]);
    }
    return st->hosts_bad ? -1 : 0;
}

/* Which tenants route x's host: computed once per generation, so an object
 * costs its own hosts, not every other object on them (a host routed by k
 * objects cost k * k before). */
static void node_tenants(const mp_store *st, host_node *x)
{
    if (x->tgen == st->gen)
        return;
    x->tgen = st->gen;
    x->t1 = (size_t)-1;
    x->multi = x->unassigned = false;
    for (size_t k = 0; k < x->n; k++) {
        const entry *o = (const entry *)x->objs[k];
        if (!o->routes)
            continue;
        if (o->tenant == (size_t)-1)
            x->unassigned = true;
        else if (x->t1 == (size_t)-1)
            x->t1 = o->tenant;
        else if (o->tenant != x->t1)
            x->multi = true;
    }
}

static size_t host_conflicts(const mp_store *st, const entry *e)
{
    if (!e->routes)
        return 0;
    size_t c = 0;
    for (size_t j = 0; j < e->nhosts; j++) {
        const char *h = e->hosts[j];
        host_node *x =
            e->hnodes ? e->hnodes[j] : host_lookup(st, h, fnv(14695981039346656037ull, h));
        if (!x)
            continue;
        node_tenants(st, x);
        if (e->tenant != (size_t)-1 && !x->unassigned) {
            /* e routes, so its tenant is among them: another one is a conflict */
            c += x->multi;
            continue;
        }
        for (size_t k = 0; k < x->n; k++) {
            const entry *o = (const entry *)x->objs[k];
            if (o->routes && strcmp(o->ns, e->ns) != 0) {
                c++;
                break;
            }
        }
    }
    return c;
}

static size_t missing_gateways(const mp_store *st, const entry *e)
{
    if (strcmp(e->kind, "VirtualService") != 0)
        return 0;
    const doc_node *gws = doc_getv(e->doc, "spec", "gateways", NULL);
    size_t c = 0;
    for (size_t i = 0; doc_is_seq(gws) && i < gws->len; i++) {
        const char *g = doc_str(doc_at(gws, i));
        if (!g || !strcmp(g, "mesh"))
            continue;
        const char *slash = strchr(g, '/');
        char ns[256];
        const char *name = g;
        if (slash && (size_t)(slash - g) < sizeof ns) {
            memcpy(ns, g, (size_t)(slash - g));
            ns[slash - g] = 0;
            name = slash + 1;
        } else {
            strcpy(ns, e->ns[0] && strlen(e->ns) < sizeof ns ? e->ns : "");
        }
        c += store_get(st, "Gateway", ns, name) == NULL;
    }
    return c;
}

static int cmp_tenant(const void *a, const void *b)
{
    return strcmp(((const store_tenant *)a)->ns, ((const store_tenant *)b)->ns);
}

static store_tenant *tenant_find(store_tenant *v, size_t n, const char *ns)
{
    store_tenant key = {.ns = ns};
    return bsearch(&key, v, n, sizeof *v, cmp_tenant);
}

static bool ns_suspended(const doc_node *nsdoc)
{
    const char *d = kobj_annotation(nsdoc, "debt.sealos/status");
    const char *n = kobj_annotation(nsdoc, "network.sealos.io/status");
    return (d && (!strcmp(d, "Suspend") || !strcmp(d, "TerminateSuspend"))) ||
           (n && !strcmp(n, "Suspend"));
}

static const char *tenant_name(const entry *e)
{
    return e->namespaced ? e->ns : e->is_namespace ? e->name : NULL;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static size_t name_find(const mp_store *st, const char *ns)
{
    char *const *p = bsearch(&ns, st->names, st->nnames, sizeof *st->names, cmp_name);
    return p ? (size_t)(p - st->names) : (size_t)-1;
}

/* A new object: the set of namespaces moves only when its own is new. */
static void names_note(mp_store *st, const entry *e)
{
    const char *ns = tenant_name(e);
    if (!ns || st->names_dirty)
        return;
    size_t i = name_find(st, ns);
    if (i == (size_t)-1)
        st->names_dirty = true;
    else
        st->name_refs[i]++;
}

/* A deleted object: the set moves when it was its namespace's last. */
static void names_forget(mp_store *st, const entry *e)
{
    const char *ns = tenant_name(e);
    if (!ns || st->names_dirty)
        return;
    size_t i = name_find(st, ns);
    if (i == (size_t)-1 || --st->name_refs[i] == 0)
        st->names_dirty = true;
}

/* The distinct tenant namespaces while they are collected: each name
 * once in v (its objects' count and, once sorted, its index in names),
 * found by an open addressing table of their positions in v plus one. */
typedef struct {
    const char *ns;
    uint64_t hash;
    size_t refs, index;
} name_slot;

typedef struct {
    name_slot *v;
    size_t n, cap;
    size_t *tab, mask;
} name_set;

static int name_set_grow(name_set *s)
{
    size_t cap = s->cap ? s->cap * 2 : 512, tcap = cap * 2;
    name_slot *v = realloc(s->v, cap * sizeof *v);
    if (!v)
        return -1;
    s->v = v;
    size_t *tab = calloc(tcap, sizeof *tab);
    if (!tab)
        return -1;
    for (size_t id = 0; id < s->n; id++) {
        size_t j = v[id].hash & (tcap - 1);
        while (tab[j])
            j = (j + 1) & (tcap - 1);
        tab[j] = id + 1;
    }
    free(s->tab);
    s->tab = tab;
    s->mask = tcap - 1;
    s->cap = cap;
    return 0;
}

/* The position of ns in s->v (added when new), (size_t)-1 out of memory. */
static size_t name_set_add(name_set *s, const char *ns)
{
    if (s->n == s->cap && name_set_grow(s) < 0)
        return (size_t)-1;
    uint64_t h = fnv(14695981039346656037ull, ns);
    size_t j = h & s->mask;
    for (; s->tab[j]; j = (j + 1) & s->mask) {
        const name_slot *x = &s->v[s->tab[j] - 1];
        if (x->hash == h && !strcmp(x->ns, ns))
            return s->tab[j] - 1;
    }
    s->v[s->n] = (name_slot){.ns = ns, .hash = h};
    s->tab[j] = ++s->n;
    return s->n - 1;
}

static int cmp_slot_name(const void *a, const void *b)
{
    return strcmp((*(const name_slot *const *)a)->ns, (*(const name_slot *const *)b)->ns);
}

/* names[] and name_refs[] from the set, sorted; each slot learns its index. */
static int names_from_set(mp_store *st, name_set *s)
{
    name_slot **order = malloc((s->n ? s->n : 1) * sizeof *order);
    st->names = calloc(s->n ? s->n : 1, sizeof *st->names);
    st->name_refs = calloc(s->n ? s->n : 1, sizeof *st->name_refs);
    if (!order || !st->names || !st->name_refs) {
        free(order);
        return -1;
    }
    size_t c = s->n;
    for (size_t i = 0; i < c; i++)
        order[i] = &s->v[i];
    mp_sort(order, c, sizeof *order, cmp_slot_name);
    for (size_t i = 0; i < c; i++) {
        if (!(st->names[i] = strdup(order[i]->ns))) {
            free(order);
            return -1;
        }
        st->nnames = i + 1;
        st->name_refs[i] = order[i]->refs;
        order[i]->index = i;
    }
    free(order);
    return 0;
}

/* Tenant namespaces: the namespaces of namespaced objects plus Namespace
 * objects' names, each once (a hash of the few thousand names, then a sort
 * of those alone: sorting the 14,000 objects by them was most of the first
 * render's store work); each object takes its slot in the same pass. An
 * object's namespace is most often the one before's (lists come sorted by
 * namespace): a compare, no hash. */
static int collect_names(mp_store *st)
{
    name_set set = {0};
    size_t *slot = malloc((st->n ? st->n : 1) * sizeof *slot);
    const char *prev = NULL;
    size_t prev_slot = (size_t)-1;
    int rc = slot ? 0 : -1;
    for (size_t i = 0; !rc && i < st->n; i++) {
        const char *ns = tenant_name(st->objs[i]);
        if (ns && !(prev && (ns == prev || !strcmp(ns, prev)))) {
            prev = ns;
            if ((prev_slot = name_set_add(&set, ns)) == (size_t)-1)
                rc = -1;
        }
        slot[i] = ns ? prev_slot : (size_t)-1;
        if (ns && !rc)
            set.v[prev_slot].refs++;
    }
    free_names(st);
    if (!rc)
        rc = names_from_set(st, &set);
    for (size_t i = 0; !rc && i < st->n; i++)
        if (slot[i] != (size_t)-1) {
            st->objs[i]->tslot = set.v[slot[i]].index;
            st->objs[i]->tslot_gen = st->names_gen;
        }
    free(slot);
    free(set.v);
    free(set.tab);
    if (!rc)
        st->names_dirty = false;
    return rc;
}

static int collect_tenants(mp_store *st)
{
    if (st->names_dirty && collect_names(st) < 0) {
        free_names(st);
        return -1;
    }
    store_tenant *v = calloc(st->nnames ? st->nnames : 1, sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < st->nnames; i++)
        v[i].ns = st->names[i];
    st->tenants = v;
    st->ntenants = st->nnames;
    /* each object's tenant: kept from the last time while the names are */
    for (size_t i = 0; i < st->n; i++) {
        entry *e = st->objs[i];
        if (e->tslot_gen != st->names_gen) {
            const char *ns = tenant_name(e);
            e->tslot = ns ? name_find(st, ns) : (size_t)-1;
            e->tslot_gen = st->names_gen;
        }
        e->tenant = e->namespaced ? e->tslot : (size_t)-1;
    }
    return 0;
}

static tenant_state decide_state(const store_tenant *t, size_t active, size_t debt_paused,
                                 bool suspended)
{
    if (suspended || (t->n_ing && debt_paused == t->n_ing && !t->n_gw && !t->n_vs))
        return TENANT_SUSPENDED;
    if (!t->n_ing && !t->n_gw && !t->n_vs)
        return TENANT_EMPTY;
    if (!t->n_gw && !t->n_vs)
        return TENANT_INGRESS_ONLY;
    return active ? TENANT_MIXED : TENANT_ISTIO;
}

/* What a tenant's state is decided from, besides its counts. */
typedef struct {
    size_t active, debt;
    bool susp;
} tenant_tally;

/* Adds e (a member of tenant t: in its namespace, or its Namespace) to
 * t's counts and problems. */
static void count_member(mp_store *st, store_tenant *t, tenant_tally *y, entry *e)
{
    bool isns = e->is_namespace;
    if (e->pub.changed > t->changed)
        t->changed = e->pub.changed;
    e->problems = host_conflicts(st, e) + (e->rank == 2 ? missing_gateways(st, e) : 0);
    t->problems += e->problems;
    if (isns) {
        y->susp = e->suspended;
    } else if (e->rank == 0) {
        t->n_ing++;
        y->active += e->routed && !e->migrated;
        y->debt += e->debt_paused;
    } else if (e->rank == 1) {
        t->n_gw++;
    } else if (e->rank == 2) {
        t->n_vs++;
    } else {
        t->n_other++;
    }
}

static void count_tenants(mp_store *st)
{
    tenant_tally *y = calloc(st->ntenants ? st->ntenants : 1, sizeof *y);
    for (size_t i = 0; i < st->n; i++) {
        entry *e = st->objs[i];
        if (e->tslot == (size_t)-1)
            continue;
        tenant_tally none = {0};
        count_member(st, &st->tenants[e->tslot], y ? &y[e->tslot] : &none, e);
    }
    for (size_t i = 0; i < st->ntenants; i++)
        st->tenants[i].state = decide_state(&st->tenants[i], y ? y[i].active : 1, y ? y[i].debt : 0,
                                            y ? y[i].susp : false);
    free(y);
}

static int cmp_in_group(const void *a, const void *b)
{
    const entry *x = *(const entry *const *)a, *y = *(const entry *const *)b;
    int r = x->rank - y->rank;
    if (!r && x->rank == 3) /* a rank below 3 is one kind */
        r = strcmp(x->kind, y->kind);
    return r ? r : strcmp(x->name, y->name);
}

static void note_gkind(mp_store *st, const entry *e)
{
    /* a rank below 3 is one kind: its bit, no compare of the strings */
    if (e->rank < 3 && st->gkind_ranks & 1u << e->rank)
        return;
    if (e->rank < 3)
        st->gkind_ranks |= 1u << e->rank;
    const char *kind = e->kind;
    size_t k = 0;
    while (k < st->ngkinds && (st->gkinds[k][0] != kind[0] || strcmp(st->gkinds[k], kind) != 0))
        k++;
    if (k < st->ngkinds)
        return;
    if (k < sizeof st->gkinds / sizeof st->gkinds[0] && strlen(kind) < sizeof st->gkinds[0])
        memcpy(st->gkinds[st->ngkinds++], kind, strlen(kind) + 1);
    else
        st->gkinds_many = true;
}

static int group_add(tgroup *g, entry *e)
{
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 4;
        entry **v = realloc(g->v, cap * sizeof *v);
        if (!v)
            return -1;
        g->v = v;
        g->cap = cap;
    }
    g->v[g->n++] = e;
    return 0;
}

/* Lists come sorted by namespace and name, one kind after another, so a
 * group filled in store order is most often in order already: checked in
 * one pass before a sort (2,000 qsorts at the first paint before). */
static void group_sort(tgroup *g)
{
    size_t i = 1;
    while (g->unsorted && i < g->n && cmp_in_group(&g->v[i - 1], &g->v[i]) <= 0)
        i++;
    if (g->unsorted && i < g->n)
        mp_sort(g->v, g->n, sizeof *g->v, cmp_in_group);
    g->unsorted = false;
}

/* count_tenants set each namespaced entry's tenant: each tenant's group
 * filled, then sorted. */
static int build_groups(mp_store *st)
{
    st->groups = calloc(st->ntenants ? st->ntenants : 1, sizeof *st->groups);
    st->cluster = malloc((st->n ? st->n : 1) * sizeof *st->cluster);
    st->touched = malloc((st->ntenants ? st->ntenants : 1) * sizeof *st->touched);
    st->is_touched = calloc(st->ntenants ? st->ntenants : 1, sizeof *st->is_touched);
    if (!st->groups || !st->cluster || !st->touched || !st->is_touched)
        return -1;
    st->ngkinds = 0;
    st->gkinds_many = false;
    st->gkind_ranks = 0;
    /* each group's array of exactly its size: counted first (grown by
     * doubling, a tenant's six objects cost three reallocs) */
    for (size_t i = 0; i < st->n; i++)
        if (st->objs[i]->tenant != (size_t)-1)
            st->groups[st->objs[i]->tenant].cap++;
    for (size_t t = 0; t < st->ntenants; t++)
        if (st->groups[t].cap && !(st->groups[t].v = malloc(st->groups[t].cap * sizeof(entry *)))) {
            st->groups[t].cap = 0;
            return -1;
        }
    for (size_t i = 0; i < st->n; i++) {
        entry *e = st->objs[i];
        if (e->tenant == (size_t)-1) {
            st->cluster[st->ncluster++] = e;
            continue;
        }
        if (group_add(&st->groups[e->tenant], e) < 0)
            return -1;
        st->groups[e->tenant].unsorted = true;
        note_gkind(st, e);
    }
    for (size_t t = 0; t < st->ntenants; t++)
        group_sort(&st->groups[t]);
    return 0;
}

/* ---- incremental upkeep (see inc_ok) -------------------------------- */

static void touch(mp_store *st, size_t t)
{
    if (t == (size_t)-1 || t >= st->ntenants || st->is_touched[t])
        return;
    st->is_touched[t] = true;
    st->touched[st->ntouched++] = t;
}

/* The tenants of every object on e's hosts: their conflicts may move. */
static void touch_hosts(mp_store *st, const entry *e)
{
    for (size_t j = 0; e->hnodes && j < e->nhosts; j++) {
        const host_node *x = e->hnodes[j];
        for (size_t k = 0; x && k < x->n; k++)
            touch(st, ((const entry *)x->objs[k])->tenant);
    }
}

/* Can a change of e be followed without a rebuild? */
static bool inc_follows(const mp_store *st, const entry *e)
{
    return st->inc_ok && !st->names_dirty && !st->hosts_bad && e->namespaced && e->rank != 1;
}

/* A new entry in a known namespace (names_note has run). */
static void inc_added(mp_store *st, entry *e)
{
    if (!inc_follows(st, e)) {
        st->inc_ok = false;
        return;
    }
    e->tslot = name_find(st, e->ns);
    e->tslot_gen = st->names_gen;
    e->tenant = e->tslot;
    tgroup *g = e->tenant != (size_t)-1 ? &st->groups[e->tenant] : NULL;
    if (!g || group_add(g, e) < 0) {
        st->inc_ok = false;
        return;
    }
    g->unsorted = true;
    note_gkind(st, e);
    touch(st, e->tenant);
    touch_hosts(st, e);
}

/* e replaced in place: called before (its old hosts) and after (its new
 * ones) the change. */
static void inc_replaced(mp_store *st, entry *e)
{
    if (!st->inc_ok)
        return;
    bool isns = e->is_namespace;
    if (!isns && !inc_follows(st, e)) {
        st->inc_ok = false;
        return;
    }
    touch(st, isns ? e->tslot : e->tenant);
    touch_hosts(st, e);
}

/* e about to be deleted (still indexed on its hosts). */
static void inc_deleted(mp_store *st, entry *e)
{
    if (!inc_follows(st, e)) {
        st->inc_ok = false;
        return;
    }
    touch_hosts(st, e);
    touch(st, e->tenant);
    tgroup *g = e->tenant != (size_t)-1 ? &st->groups[e->tenant] : NULL;
    size_t i = 0;
    while (g && i < g->n && g->v[i] != e)
        i++;
    if (!g || i == g->n) {
        st->inc_ok = false;
        return;
    }
    memmove(&g->v[i], &g->v[i + 1], (g->n - i - 1) * sizeof *g->v);
    g->n--; /* removing keeps the order */
}

/* Tenant t's counts, problems and state anew from its members. */
static void recount(mp_store *st, size_t t)
{
    store_tenant *x = &st->tenants[t];
    *x = (store_tenant){.ns = x->ns};
    tenant_tally y = {0};
    tgroup *g = &st->groups[t];
    group_sort(g);
    for (size_t i = 0; i < g->n; i++)
        count_member(st, x, &y, g->v[i]);
    entry *ns = lookup(st, "Namespace", "", x->ns);
    if (ns)
        count_member(st, x, &y, ns);
    x->state = decide_state(x, y.active, y.debt, y.susp);
}

static bool ensure_incremental(mp_store *st)
{
    if (!st->inc_ok || st->names_dirty || st->hosts_bad || !st->tenants)
        return false;
    for (size_t i = 0; i < st->ntouched; i++) {
        recount(st, st->touched[i]);
        st->is_touched[st->touched[i]] = false;
    }
    st->ntouched = 0;
    st->derived_gen = st->gen;
    return true;
}

static void ensure_derived(mp_store *st)
{
    if (st->derived_gen == st->gen || ensure_incremental(st))
        return;
    free_derived(st);
    if ((st->hosts_bad && rebuild_hosts(st) < 0) || collect_tenants(st) < 0) {
        free_derived(st);
        return;
    }
    count_tenants(st);
    if (build_groups(st) < 0) {
        free_derived(st);
        return;
    }
    st->inc_ok = true;
    st->derived_gen = st->gen;
}

const store_tenant *store_tenants(mp_store *st, size_t *n)
{
    ensure_derived(st);
    *n = st->ntenants;
    return st->tenants;
}

const store_tenant *store_tenant_get(mp_store *st, const char *ns)
{
    ensure_derived(st);
    return ns ? tenant_find(st->tenants, st->ntenants, ns) : NULL;
}

const char *tenant_state_name(tenant_state s)
{
    static const char *const names[] = {
        [TENANT_EMPTY] = "empty", [TENANT_INGRESS_ONLY] = "ingress-only", [TENANT_MIXED] = "mixed",
        [TENANT_ISTIO] = "istio", [TENANT_SUSPENDED] = "suspended",
    };
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

const store_obj *const *store_by_host(mp_store *st, const char *host, size_t *n)
{
    ensure_derived(st);
    const host_node *x = host_lookup(st, host, fnv(14695981039346656037ull, host));
    *n = x ? x->n : 0;
    return x ? (const store_obj *const *)x->objs : NULL;
}

bool store_obj_conflicts(mp_store *st, const store_obj *obj)
{
    ensure_derived(st);
    return host_conflicts(st, (const entry *)obj) > 0;
}
