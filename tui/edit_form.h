/*
 * edit_form.h - what the edit form shows for an object, section by
 * section, and how each field reads and writes the object.
 *
 * Every field is bound to a path of the working tree (model/docpath.h) and
 * a binding kind from one table (get, set from text, cycle to the next or
 * previous choice). Rows are rebuilt from the tree after every change, so
 * the form can never show something the tree does not hold; undo and
 * $EDITOR changes need nothing special. Findings of model/istio_check.h
 * are attached to the row whose field holds the offending value.
 *
 * Sections: VirtualService: Hosts, CORS, Routes, Basics (timeout,
 * retries); Gateway: Hosts (per server), TLS (per server). Other kinds
 * have no form (E opens them in $EDITOR).
 *
 * Ownership: an ef_form owns its rows, bindings and choice lists;
 * ef_build replaces them. The tree passed to ef_set/ef_cycle/ef_list_op
 * is modified in place.
 */
#ifndef MESHPANEL_EDIT_FORM_H
#define MESHPANEL_EDIT_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "model/doc.h"
#include "model/store.h"
#include "model/warn.h"
#include "tui/form_view.h"

typedef enum { SEC_HOSTS, SEC_TLS, SEC_CORS, SEC_ROUTES, SEC_BASICS, SEC_COUNT } ef_section;

const char *ef_section_name(ef_section s);
/* Does kind have this section? */
bool ef_section_has(const char *kind, ef_section s);

typedef enum {
    B_STR,       /* string; "" removes the key */
    B_STR_KEEP,  /* string; "" kept (a list item) */
    B_INT,       /* integer; "" removes; other text is kept as a string (and flagged) */
    B_BOOL,      /* toggle true/false */
    B_ENUM,      /* one of choices; "(default)" removes */
    B_KEYNAME,   /* the key of a one-key map (exact / prefix / regex) */
    B_KEYVAL,    /* the value under that key */
    B_MEMBER,    /* toggle: arg is in the string list at path */
    B_CSV,       /* comma-separated list */
    B_TLS_MODE,  /* none / SIMPLE / MUTUAL / PASSTHROUGH of a server */
    B_DEST_HOST, /* a destination Service of the tenant */
    B_DEST_PORT, /* a port of that Service */
    B_SELECT,    /* not a field of the tree: which object / server / route / scope */
    B_ACTION,    /* a button: arg names the action ("add") */
} bind_kind;

typedef struct {
    bind_kind kind;
    char path[512]; /* may hold "[*]": every HTTP route (CORS of all routes) */
    char arg[64];   /* B_MEMBER: the value; B_SELECT: which selector; B_ACTION: the action */
    char list[512]; /* the list the row's item belongs to ("" none), for add/remove/move */
    long index;     /* the item's index in list, -1: the list itself (a button) */
    char **choices; /* B_ENUM, B_KEYNAME, B_DEST_*, B_SELECT (owned by the form) */
    size_t nchoices;
    bool picker; /* Enter offers choices (credentialName) */
} binding;

/* UI selections the sections depend on. */
typedef struct {
    size_t obj;      /* which object of the edit set */
    size_t server;   /* Gateway: which server */
    size_t route;    /* VirtualService: which HTTP route (Basics) */
    long cors_scope; /* -1: all routes, else one route */
    ef_section section;
} ef_select;

typedef struct {
    mp_store *store;
    const char *domain_suffix;     /* "cluster.local" */
    const char *gateway_namespace; /* "istio-system" */
    const char *const *objects;    /* labels of the edit set's objects (selector) */
    size_t nobjects;
} ef_context;

typedef struct {
    form_row *rows;
    size_t nrows, caprows;
    binding *b;
    size_t nb, capb;
    size_t errors, warnings; /* findings attached (or listed at the end) */
} ef_form;

void ef_init(ef_form *f);
void ef_free(ef_form *f);

/* Rebuilds rows and bindings for the object's work tree. findings are the
 * object's istio_check results. Returns 0, or -1 when out of memory. */
int ef_build(ef_form *f, const doc_node *work, const ef_select *sel, const ef_context *ctx,
             const mp_warnings *findings);

/* The binding of a field id (NULL when out of range). */
const binding *ef_binding(const ef_form *f, int id);
/* The field id whose binding has path and kind, or -1. */
int ef_find(const ef_form *f, const char *path, bind_kind kind);

/* Writes a text field's value. Returns 1 when the tree changed. */
int ef_set(const binding *b, doc_node *work, const char *text);
/* Cycles a choice/toggle (dir 1 / -1). Returns 1 when the tree changed.
 * B_SELECT is the caller's (it changes ef_select, not the tree). */
int ef_cycle(const binding *b, doc_node *work, int dir, const ef_context *ctx);

typedef enum { LIST_ADD, LIST_REMOVE, LIST_UP, LIST_DOWN } list_op;
/* Adds after / removes / moves the item the binding's row belongs to (a
 * button adds at the end). Returns the index of the item that now has the
 * focus, or -1 when nothing changed. */
long ef_list_op(const binding *b, doc_node *work, list_op op, const ef_context *ctx);

#endif
