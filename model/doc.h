/*
 * doc.h - the generic document tree every Kubernetes object lives in.
 *
 * A YAML or JSON buffer parses into a tree of maps, sequences and scalars that
 * keeps key order and the scalar's resolved type (a quoted "300" stays a
 * string, a plain 300 is an int). Typed views (ingress.h, istio.h) read from
 * trees; the converter builds trees; one encoder (emit.h) writes them. Fields
 * no typed view knows survive because nobody ever drops a subtree.
 *
 * Ownership: a node owns its children, keys (doc_key_free) and text. doc_map_set() and
 * doc_seq_push() take ownership of the value they are given. Getters return
 * borrowed pointers valid until the owning tree is modified or freed.
 * No function here does I/O or keeps global state.
 *
 * Arena trees (doc_reader's documents, model/doc_arena.h): every node, key,
 * text and item array of the tree is carved from blocks its root owns, and
 * doc_free(root) releases them at once. Every function here works on them;
 * what differs: doc_free of a node inside such a tree gives its memory
 * back with the root's, not before; doc_map_take and doc_seq_take hand out
 * a heap copy of a subtree (it must outlive the tree); edits allocate from
 * the arena. Nodes move between trees only through these functions: code
 * that writes items[] or keys[] itself (migbackup.c, tui/edit_bind.c) is
 * only given heap trees (doc_parse_*).
 */
#ifndef MESHPANEL_DOC_H
#define MESHPANEL_DOC_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { DOC_SCALAR, DOC_MAP, DOC_SEQ } doc_kind;

/* Resolved type of a scalar, as YAML 1.1 (what Kubernetes' sigs.k8s.io/yaml
 * uses) or JSON would read it. The encoder quotes strings that would
 * otherwise resolve to something else ("300", "on", "*", ""). */
typedef enum {
    DOC_STR,
    DOC_INT,
    DOC_FLOAT,
    DOC_BOOL,
    DOC_NULL,
} doc_type;

typedef struct doc_node doc_node;

struct doc_node {
    doc_kind kind;
    doc_type type; /* scalars only */
    /* 1-based source position, 0 when built in memory (or from JSON); a
     * map entry's value has its key's position */
    int line;
    int col;
    char *text; /* scalars only: canonical text ("true", "300", "x") */
    size_t len; /* number of entries (map) or items (seq); a scalar's text length */
    size_t cap; /* doc.c's: a heap container's capacity, or where the memory lives */
    /* Maps and sequences only: a scalar's block ends here (its text
     * follows cap), so keys and items of a scalar must never be read. */
    char **keys; /* maps: keys[i] belongs to items[i]; in items' block */
    doc_node **items;
};

/* Constructors. All return NULL only when out of memory. */
doc_node *doc_map_new(void);
doc_node *doc_seq_new(void);
doc_node *doc_str_new(const char *s);
doc_node *doc_strn_new(const char *s, size_t n);
doc_node *doc_int_new(long long v);
doc_node *doc_bool_new(bool v);
doc_node *doc_null_new(void);
/* A scalar with an explicit type; text is copied as is. */
doc_node *doc_scalar_new(doc_type type, const char *text);
doc_node *doc_clone(const doc_node *n);
/* A copy of n as an arena tree in one block of exactly its size (no
 * malloc per node, no room unused, nothing n's own tree had dropped): how
 * a tree that is kept for long is held (the console's store). n is not
 * changed. NULL when n is NULL or out of memory. */
doc_node *doc_pack(const doc_node *n);
/* The same for a tree that is no longer needed as it is: an arena tree
 * whose arena is one block (a doc_jparser's: see parse.h) and holds
 * nothing else is cut to the bytes it used, in place, without a copy;
 * any other arena tree is doc_pack'ed and freed. Returns the tree, which
 * may have moved (root is then invalid); a heap tree, a subtree, or a tree
 * that cannot be packed (out of memory) is returned as it was. */
doc_node *doc_shrink(doc_node *root);
/* Replaces a scalar's text and type (the only way to: a scalar may hold its
 * text in its own block); -1 on a non-scalar or out of memory, n unchanged. */
int doc_scalar_set(doc_node *n, doc_type type, const char *text);

/* Decoder fast paths: adopt a malloc'd string instead of copying it, append
 * a malloc'd key without the duplicate scan (the caller has checked), and
 * size a map or sequence once. Ownership of s/key/value passes in, also on
 * failure (they are freed). */
doc_node *doc_str_adopt(char *s, size_t len);
int doc_map_append_adopt(doc_node *map, char *key, doc_node *value);
int doc_reserve(doc_node *n, size_t cap);
void doc_free(doc_node *n);

/* Map keys (doc_key.c). A key a tree holds is either its own heap block or
 * the text of a constant table of common Kubernetes and Istio keys, shared
 * by every tree and never freed: so a key is made with doc_key_dup (or
 * strdup) and released with doc_key_free, never free(). Keys are never
 * written in place. */
char *doc_key_dup(const char *s, size_t n); /* NULL out of memory */
void doc_key_free(char *k);
/* The table's copy of the n bytes at s, or NULL when it has none. */
const char *doc_key_static(const char *s, size_t n);
bool doc_key_is_static(const char *k);
size_t doc_key_count(void);
const char *doc_key_at(size_t i); /* the table in order, for tests */

/* Maps. doc_map_set replaces an existing key in place (order kept) or
 * appends; it takes ownership of value (and frees it on failure).
 * Returns 0 or -1 on allocation failure. */
int doc_map_set(doc_node *map, const char *key, doc_node *value);
int doc_map_set_str(doc_node *map, const char *key, const char *value);
/* Puts n (<= 4) string entries keys[i]: values[i] before the map's first,
 * in this order, for keys the map does not hold (not checked: the caller
 * knows; doc_map_set looks each up). Their keys and scalars are made in the
 * map's arena, as doc_map_set_str's; a key of the shared table
 * (doc_key_static) is used as it is. -1 out of memory, the map unchanged. */
int doc_map_prepend_strs(doc_node *map, const char *const *keys, const char *const *values,
                         size_t n);
/* Returns the removed value (caller owns it) or NULL. */
doc_node *doc_map_take(doc_node *map, const char *key);
void doc_map_del(doc_node *map, const char *key);
doc_node *doc_get(const doc_node *map, const char *key);
/* Walks a NULL-terminated list of map keys: doc_getv(obj, "metadata",
 * "annotations", NULL). Keys may contain dots and slashes. */
doc_node *doc_getv(const doc_node *n, ...);
/* Returns the child map/seq under key, creating an empty one when absent.
 * NULL when map is not a map or the key holds another kind. */
doc_node *doc_map_ensure(doc_node *map, const char *key, doc_kind kind);

/* Sequences. doc_seq_push takes ownership of value. */
int doc_seq_push(doc_node *seq, doc_node *value);
/* Item i moved out to the caller, NULL left in its place (for taking every
 * item before freeing seq, as kobj_flatten does). NULL when absent or out
 * of memory. */
doc_node *doc_seq_take(doc_node *seq, size_t i);
/* Replaces item i (freed), taking value; -1 when there is no item i. */
int doc_seq_set(doc_node *seq, size_t i, doc_node *value);
/* Frees entry i of a map (key and value) or item i of a sequence and
 * leaves the slot for the caller to overwrite (compacting in one pass). */
void doc_free_entry(doc_node *c, size_t i);
/* Whether n lives in an arena tree (for tests). */
bool doc_in_arena(const doc_node *n);
doc_node *doc_at(const doc_node *seq, size_t i);

/* Scalar accessors: NULL / false when n is missing or not that kind. */
const char *doc_str(const doc_node *n); /* text of any scalar */
const char *doc_get_str(const doc_node *map, const char *key);
bool doc_is_map(const doc_node *n);
bool doc_is_seq(const doc_node *n);
bool doc_is_scalar(const doc_node *n);
bool doc_is_null(const doc_node *n); /* NULL pointer or null scalar */
/* Integer value of an int scalar or of a string holding a decimal integer. */
bool doc_as_int(const doc_node *n, long long *out);
bool doc_as_bool(const doc_node *n, bool *out);

/* Deep equality: same kinds, types, texts; maps compare as ordered when
 * ordered is true, as sets of keys otherwise. */
bool doc_equal(const doc_node *a, const doc_node *b, bool ordered);

/* Reorders a map's entries so that the listed keys come first, in that
 * order; the rest keep their relative order. */
void doc_map_order(doc_node *map, const char *const *first, size_t nfirst);

/* Resolve the type of a plain (unquoted) YAML scalar the way YAML 1.1 does. */
doc_type doc_resolve_plain(const char *text, size_t len);

#endif
