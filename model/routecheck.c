/*
 * routecheck.c - shadowed HTTP routes (rules in routecheck.h).
 */
#include "model/routecheck.h"

#include <stdbool.h>
#include <string.h>

typedef struct {
    const char *kind; /* "exact", "prefix", "regex" or NULL: any uri */
    const char *value;
    const doc_node *m; /* the match map, for the other conditions */
} umatch;

static umatch read_match(const doc_node *m)
{
    umatch u = {NULL, NULL, m};
    const doc_node *uri = doc_get(m, "uri");
    static const char *const kinds[] = {"exact", "prefix", "regex"};
    for (size_t k = 0; doc_is_map(uri) && k < 3; k++) {
        const char *v = doc_get_str(uri, kinds[k]);
        if (v) {
            u.kind = kinds[k];
            u.value = v;
        }
    }
    if (u.kind && !strcmp(u.kind, "prefix") && !strcmp(u.value, "/"))
        u.kind = NULL; /* every request path starts with '/' */
    return u;
}

/* Conditions besides uri and the match's name. */
static bool others_empty(const doc_node *m)
{
    for (size_t i = 0; i < m->len; i++)
        if (strcmp(m->keys[i], "uri") != 0 && strcmp(m->keys[i], "name") != 0)
            return false;
    return true;
}

static bool others_equal(const doc_node *a, const doc_node *b)
{
    size_t na = 0, nb = 0;
    for (size_t i = 0; i < a->len; i++) {
        const char *k = a->keys[i];
        if (!strcmp(k, "uri") || !strcmp(k, "name"))
            continue;
        na++;
        const doc_node *o = doc_get(b, k);
        if (!o || !doc_equal(a->items[i], o, false))
            return false;
    }
    for (size_t i = 0; i < b->len; i++)
        nb += strcmp(b->keys[i], "uri") != 0 && strcmp(b->keys[i], "name") != 0;
    return na == nb;
}

static bool uri_covers(const umatch *j, const umatch *i)
{
    if (!j->kind)
        return true;
    if (!i->kind || !strcmp(j->kind, "regex") || !strcmp(i->kind, "regex"))
        return false;
    if (!strcmp(j->kind, "exact"))
        return !strcmp(i->kind, "exact") && !strcmp(i->value, j->value);
    return !strncmp(i->value, j->value, strlen(j->value));
}

static bool match_covers(const doc_node *mj, const doc_node *mi)
{
    if (!doc_is_map(mj) || !doc_is_map(mi))
        return false;
    if (!others_empty(mj) && !others_equal(mj, mi))
        return false;
    umatch uj = read_match(mj), ui = read_match(mi);
    return uri_covers(&uj, &ui);
}

static bool catch_all(const doc_node *matches)
{
    if (!doc_is_seq(matches) || !matches->len)
        return true;
    for (size_t k = 0; k < matches->len; k++) {
        const doc_node *m = doc_at(matches, k);
        if (doc_is_map(m) && others_empty(m) && !read_match(m).kind)
            return true;
    }
    return false;
}

static bool route_covers(const doc_node *rj, const doc_node *ri)
{
    const doc_node *mj = doc_get(rj, "match"), *mi = doc_get(ri, "match");
    if (catch_all(mj))
        return true;
    if (!doc_is_seq(mi) || !mi->len)
        return false;
    for (size_t a = 0; a < mi->len; a++) {
        bool covered = false;
        for (size_t b = 0; b < mj->len && !covered; b++)
            covered = match_covers(doc_at(mj, b), doc_at(mi, a));
        if (!covered)
            return false;
    }
    return true;
}

long route_shadowed_by(const doc_node *vs, size_t i)
{
    const doc_node *http = doc_getv(vs, "spec", "http", NULL);
    const doc_node *ri = doc_at(http, i);
    if (!doc_is_map(ri))
        return -1;
    for (size_t j = 0; j < i; j++) {
        const doc_node *rj = doc_at(http, j);
        if (doc_is_map(rj) && route_covers(rj, ri))
            return (long)j;
    }
    return -1;
}
