/*
 * doc_arena.h - trees carved from big blocks, freed at once (model/ only).
 *
 * The readers (parse.c, parse_json.c) build a document's nodes, keys,
 * texts and item arrays in one arena owned by the tree's root: doc_free of
 * that root releases the blocks, O(blocks) instead of a free() per node.
 * An arena tree is an ordinary tree for every doc.h function (doc.h says
 * what changes: edits allocate from the arena, taken subtrees are copies).
 *
 * Misuse stays visible to the tools: under AddressSanitizer every piece is
 * its own heap block (a per-tree list of mallocs) and a node dropped from
 * its tree is freed at once, so an overrun, a stale pointer into a dropped
 * subtree or a use after the root was freed is reported like any heap
 * error; without it, valgrind sees the blocks (a use after the root was
 * freed is reported, an overrun inside a block is not).
 */
#ifndef MESHPANEL_DOC_ARENA_H
#define MESHPANEL_DOC_ARENA_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "model/doc.h"

typedef struct doc_arena doc_arena;

/* NULL when out of memory, or where the arena cannot tag nodes (a heap
 * address with its top bit set): the caller then builds on the heap. */
doc_arena *doc_arena_new(void);
/* An arena of one block with room for exactly n bytes of pieces (each
 * piece rounded up to 8, as doc_arena_alloc takes them): doc_pack's. */
doc_arena *doc_arena_new_sized(size_t n);
/* Cuts an arena of one block down to the bytes it handed out (realloc):
 * true with *moved the distance its block moved (0 unless realloc moved
 * it: a must then be read at its new address, and every pointer into
 * [*lo, *hi) moves by *moved). false, a unchanged, when a has more than
 * one block, or under AddressSanitizer (where pieces have no room). */
bool doc_arena_trim(doc_arena *a, ptrdiff_t *moved, uintptr_t *lo, uintptr_t *hi);
/* Grows the piece p of old bytes to new bytes in place when it is the
 * newest piece and its block has the room; false otherwise. */
bool doc_arena_extend(doc_arena *a, void *p, size_t old, size_t new);
/* Bytes of its newest block not handed out yet (0 for a packed tree:
 * for tests; always 0 under AddressSanitizer). */
size_t doc_arena_spare(const doc_arena *a);
/* Frees every block; only for an arena no root owns yet (a failed read). */
void doc_arena_free(doc_arena *a);
/* The root takes its arena: doc_free(root) frees it. */
void doc_arena_adopt(doc_node *root);

/* Nodes and keys in a (a NULL: on the heap, as doc.h builds them): below,
 * after the allocator, their common case inline (one call per node, key
 * and text read was 2 % of a list's instructions); these do the rest. */
doc_node *doc_arena_node_more(doc_arena *a, doc_kind kind);
doc_node *doc_arena_scalar_more(doc_arena *a, doc_type type, const char *s, size_t len);
/* A copy of the key in a (on the heap when a is NULL). */
char *doc_arena_key_copy(doc_arena *a, const char *s, size_t n);
/* Releases a key made by doc_arena_key (an error path). */
void doc_arena_key_free(doc_arena *a, char *key);
/* Appends key/value to a container of the same arena (or of the heap, with
 * heap/shared keys) without the checks and copies of doc_map_append_adopt.
 * -1 out of memory (key and value are then the caller's). */
int doc_arena_append(doc_node *c, char *key, doc_node *value);
/* Appends n entries at once (keys NULL for a sequence), as n calls of
 * doc_arena_append would; an empty arena container gets one block of
 * exactly n. -1 out of memory (nothing appended). */
int doc_arena_set_all(doc_node *c, char *const *keys, doc_node *const *items, size_t n);

/* ---- for doc.c: the allocator under the nodes ---- */

/* A node's cap when it lives in an arena: the arena's address, this bit
 * (never set in a heap capacity nor, checked by doc_arena_new, in an
 * arena's address) and DOC_ARENA_ROOT on the node that owns the arena. */
#define DOC_ARENA_BIT  (((size_t)1) << (sizeof(size_t) * 8 - 1))
#define DOC_ARENA_ROOT ((size_t)1)
#define DOC_ARENA_TAGS ((size_t)15)

static inline doc_arena *doc_arena_of(const doc_node *n)
{
    return n->cap & DOC_ARENA_BIT ? (doc_arena *)(n->cap & ~(DOC_ARENA_BIT | DOC_ARENA_TAGS))
                                  : NULL;
}

/* The free part of an arena's newest block: the first member of every
 * doc_arena, so that the common allocation is inline (a call per node,
 * key, text and item array was 2 % of a list's instructions). Both NULL
 * under AddressSanitizer, where every piece is its own malloc. */
typedef struct {
    char *cur, *end;
} doc_arena_room;

/* doc_arena_alloc when the newest block has no room (or under
 * AddressSanitizer). */
void *doc_arena_alloc_more(doc_arena *a, size_t n);

/* n bytes (8-byte aligned) that live until the arena is freed; NULL out
 * of memory. */
static inline void *doc_arena_alloc(doc_arena *a, size_t n)
{
    doc_arena_room *r = (doc_arena_room *)(void *)a;
    size_t size = (n + 7) & ~(size_t)7;
    if (r->cur && (size_t)(r->end - r->cur) >= size) {
        void *p = r->cur;
        r->cur += size;
        return p;
    }
    return doc_arena_alloc_more(a, n);
}
/* The room for n more bytes in a's newest block, else NULL (also when a
 * is NULL, and always under AddressSanitizer). */
static inline char *doc_arena_room_for(doc_arena *a, size_t n)
{
    doc_arena_room *r = (doc_arena_room *)(void *)a;
    if (!a || !r->cur || (size_t)(r->end - r->cur) < n)
        return NULL;
    char *p = r->cur;
    r->cur += n;
    return p;
}

static inline doc_node *doc_arena_node(doc_arena *a, doc_kind kind)
{
    _Static_assert(sizeof(doc_node) % 8 == 0, "a node is a whole piece");
    doc_node *n = (doc_node *)(void *)doc_arena_room_for(a, sizeof *n);
    if (!n)
        return doc_arena_node_more(a, kind);
    *n = (doc_node){.kind = kind, .cap = (size_t)(uintptr_t)a | DOC_ARENA_BIT};
    return n;
}

/* A scalar's text follows its fields up to keys (a scalar has none), in a
 * piece never smaller than a node. */
static inline doc_node *doc_arena_scalar(doc_arena *a, doc_type type, const char *s, size_t len)
{
    size_t head = offsetof(doc_node, keys), size = head + len + 1;
    size = ((size > sizeof(doc_node) ? size : sizeof(doc_node)) + 7) & ~(size_t)7;
    doc_node *n = (doc_node *)(void *)doc_arena_room_for(a, size);
    if (!n)
        return doc_arena_scalar_more(a, type, s, len);
    n->kind = DOC_SCALAR;
    n->type = type;
    n->line = n->col = 0;
    n->text = (char *)n + head;
    n->len = len;
    n->cap = (size_t)(uintptr_t)a | DOC_ARENA_BIT;
    memcpy(n->text, s, len);
    n->text[len] = '\0';
    return n;
}

/* The shared table's key, else a copy in a. */
static inline char *doc_arena_key(doc_arena *a, const char *s, size_t n)
{
    const char *k = doc_key_static(s, n);
    return k ? (char *)k : doc_arena_key_copy(a, s, n);
}

/* Gives back a piece early: frees it under AddressSanitizer (so a later
 * use is reported), does nothing otherwise. */
void doc_arena_release(doc_arena *a, void *p);
/* A heap node or another arena's root hangs in a's tree: its root's
 * doc_free must then walk the tree to free them. */
void doc_arena_set_mixed(doc_arena *a);
bool doc_arena_is_mixed(const doc_arena *a);
/* Whether dropped nodes are given back one by one (AddressSanitizer). */
bool doc_arena_checks(void);

#endif
