/*
 * doc_arena.c - the blocks under arena trees (doc_arena.h).
 *
 * Bump allocation in blocks that double from 4 KiB to 256 KiB: a List
 * item (an Ingress: 2-3 KB of JSON, 6-10 KB of nodes) takes two or three
 * blocks, and the next item's arena reuses them from malloc's free lists.
 * Under AddressSanitizer each piece is its own malloc (a doubly linked
 * list, so a dropped node can be freed alone): the sanitizer then checks
 * every node's bounds and lifetime as it checks heap trees.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/doc_arena.h"

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_PIECES 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_PIECES 1
#endif
#endif
#ifndef ARENA_PIECES
#define ARENA_PIECES 0
#endif

#define FIRST_BLOCK 4096
#define MAX_BLOCK   (256 * 1024)

typedef struct block {
    struct block *next;
    size_t size; /* bytes after this header */
} block;

typedef struct piece {
    struct piece *prev, *next;
} piece;

struct doc_arena {
    doc_arena_room room; /* first (doc_arena.h): the free part of the newest block */
    block *blocks;       /* newest first; the first one holds this struct */
    size_t next_size;    /* of the next block */
    piece *pieces;       /* ARENA_PIECES: every live piece */
    bool mixed;
};

_Static_assert(sizeof(block) % 16 == 0 && sizeof(piece) % 16 == 0, "headers keep alignment");

bool doc_arena_checks(void)
{
    return ARENA_PIECES;
}

static bool taggable(const doc_arena *a)
{
    uintptr_t p = (uintptr_t)a;
    return !(p & (DOC_ARENA_BIT | DOC_ARENA_TAGS));
}

doc_arena *doc_arena_new(void)
{
    doc_arena *a;
    if (ARENA_PIECES) {
        a = calloc(1, sizeof *a);
    } else {
        block *b = malloc(sizeof *b + FIRST_BLOCK);
        if (!b)
            return NULL;
        b->next = NULL;
        b->size = FIRST_BLOCK;
        a = (doc_arena *)(b + 1);
        *a = (doc_arena){.blocks = b, .next_size = FIRST_BLOCK * 2};
        /* the rest of the first block, past the struct, rounded to 16 */
        a->room.cur = (char *)(b + 1) + ((sizeof *a + 15) & ~(size_t)15);
        a->room.end = (char *)(b + 1) + FIRST_BLOCK;
    }
    if (a && !taggable(a)) {
        doc_arena_free(a);
        return NULL;
    }
    return a;
}

doc_arena *doc_arena_new_sized(size_t n)
{
    if (ARENA_PIECES)
        return doc_arena_new();
    size_t head = (sizeof(doc_arena) + 15) & ~(size_t)15;
    n = (n + 7) & ~(size_t)7;
    block *b = malloc(sizeof *b + head + n);
    if (!b)
        return NULL;
    b->next = NULL;
    b->size = head + n;
    doc_arena *a = (doc_arena *)(b + 1);
    /* an edit of a packed tree starts a small block, as a new arena would */
    *a = (doc_arena){.blocks = b, .next_size = FIRST_BLOCK};
    a->room.cur = (char *)(b + 1) + head;
    a->room.end = a->room.cur + n;
    if (!taggable(a)) {
        doc_arena_free(a);
        return NULL;
    }
    return a;
}

bool doc_arena_trim(doc_arena *a, ptrdiff_t *moved, uintptr_t *lo, uintptr_t *hi)
{
    if (ARENA_PIECES || a->blocks->next)
        return false;
    block *b = a->blocks;
    size_t used = (size_t)(a->room.cur - (char *)(b + 1));
    *lo = (uintptr_t)b;
    *hi = (uintptr_t)(b + 1) + b->size;
    *moved = 0;
    if (used == b->size)
        return true;
    block *nb = realloc(b, sizeof *b + used);
    if (!nb)
        return true;                           /* kept as it was: room unused, nothing lost */
    *moved = (ptrdiff_t)((uintptr_t)nb - *lo); /* an address, never read */
    a = (doc_arena *)(nb + 1);
    nb->size = used;
    a->blocks = nb;
    a->room.cur = a->room.end =
        (char *)(nb + 1) + used; /* a block as aligned as before: a taggable */
    return true;
}

bool doc_arena_extend(doc_arena *a, void *p, size_t old, size_t new)
{
    old = (old + 7) & ~(size_t)7;
    new = (new + 7) & ~(size_t)7;
    if (ARENA_PIECES || (char *)p + old != a->room.cur || (size_t)(a->room.end - (char *)p) < new)
        return false;
    a->room.cur = (char *)p + new;
    return true;
}

size_t doc_arena_spare(const doc_arena *a)
{
    return ARENA_PIECES ? 0 : (size_t)(a->room.end - a->room.cur);
}

void doc_arena_free(doc_arena *a)
{
    if (!a)
        return;
    if (ARENA_PIECES) {
        for (piece *p = a->pieces, *next; p; p = next) {
            next = p->next;
            free(p);
        }
        free(a);
        return;
    }
    for (block *b = a->blocks, *next; b; b = next) {
        next = b->next; /* the last block holds a itself */
        free(b);
    }
}

static void *piece_alloc(doc_arena *a, size_t n)
{
    piece *p = malloc(sizeof *p + n);
    if (!p)
        return NULL;
    p->prev = NULL;
    p->next = a->pieces;
    if (a->pieces)
        a->pieces->prev = p;
    a->pieces = p;
    return p + 1;
}

void *doc_arena_alloc_more(doc_arena *a, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    if (ARENA_PIECES)
        return piece_alloc(a, n);
    if ((size_t)(a->room.end - a->room.cur) < n) {
        size_t size = a->next_size;
        while (size < n)
            size *= 2;
        block *b = malloc(sizeof *b + size);
        if (!b)
            return NULL;
        b->size = size;
        if (size == a->next_size && a->next_size < MAX_BLOCK)
            a->next_size *= 2;
        if (n > size / 2 && a->room.end - a->room.cur > 256) {
            /* a big piece alone in its block: the current one stays open */
            b->next = a->blocks->next;
            a->blocks->next = b;
            return b + 1;
        }
        b->next = a->blocks;
        a->blocks = b;
        a->room.cur = (char *)(b + 1);
        a->room.end = a->room.cur + size;
    }
    void *p = a->room.cur;
    a->room.cur += n;
    return p;
}

void doc_arena_release(doc_arena *a, void *ptr)
{
    if (!ARENA_PIECES || !ptr)
        return;
    piece *p = (piece *)ptr - 1;
    if (p->prev)
        p->prev->next = p->next;
    else
        a->pieces = p->next;
    if (p->next)
        p->next->prev = p->prev;
    free(p);
}

void doc_arena_set_mixed(doc_arena *a)
{
    a->mixed = true;
}

bool doc_arena_is_mixed(const doc_arena *a)
{
    return a->mixed;
}
