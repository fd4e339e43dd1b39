/*
 * routecheck.c - shadowed HTTP routes (rules in routecheck.h).
 */
#include "model/routecheck.h"

#include <stdbool.h>
#include <stdlib.h>
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

/* A route's matches, read once. */
typedef struct {
    const doc_node *matches; /* NULL or empty: every request */
    umatch *m;
    size_t n;
    bool catchall;
    bool ok; /* a map */
} rinfo;

static void read_route(const doc_node *r, rinfo *ri)
{
    memset(ri, 0, sizeof *ri);
    /* a delegate entry stands for its delegate's routes, which are not
     * here: it neither shadows nor is proven shadowed */
    ri->ok = doc_is_map(r) && !doc_get(r, "delegate");
    const doc_node *ms = ri->ok ? doc_get(r, "match") : NULL;
    if (!doc_is_seq(ms) || !ms->len) {
        ri->catchall = true;
        return;
    }
    ri->matches = ms;
    ri->m = calloc(ms->len, sizeof *ri->m);
    if (!ri->m) { /* nothing can be proven about this route */
        ri->ok = false;
        return;
    }
    for (size_t k = 0; k < ms->len; k++) {
        const doc_node *m = doc_at(ms, k);
        if (!doc_is_map(m))
            continue;
        ri->m[ri->n] = read_match(m);
        if (others_empty(m) && !ri->m[ri->n].kind)
            ri->catchall = true;
        ri->n++;
    }
}

static bool umatch_covers(const umatch *j, const umatch *i)
{
    if (!others_empty(j->m) && !others_equal(j->m, i->m))
        return false;
    return uri_covers(j, i);
}

static bool info_covers(const rinfo *j, const rinfo *i)
{
    if (!j->ok || !i->ok)
        return false;
    if (j->catchall)
        return true;
    if (!i->n)
        return false;
    for (size_t a = 0; a < i->n; a++) {
        bool covered = false;
        for (size_t b = 0; b < j->n && !covered; b++)
            covered = umatch_covers(&j->m[b], &i->m[a]);
        if (!covered)
            return false;
    }
    return true;
}

size_t route_shadows(const doc_node *vs, long *by, size_t max)
{
    const doc_node *http = doc_getv(vs, "spec", "http", NULL);
    size_t n = doc_is_seq(http) ? http->len : 0;
    if (n > max)
        n = max;
    rinfo *ri = n ? calloc(n, sizeof *ri) : NULL;
    for (size_t i = 0; i < n; i++) {
        by[i] = -1;
        if (ri)
            read_route(doc_at(http, i), &ri[i]);
    }
    for (size_t i = 0; ri && i < n; i++)
        for (size_t j = 0; j < i && by[i] < 0; j++)
            if (info_covers(&ri[j], &ri[i]))
                by[i] = (long)j;
    for (size_t i = 0; ri && i < n; i++)
        free(ri[i].m);
    free(ri);
    return n;
}

long route_shadowed_by(const doc_node *vs, size_t i)
{
    const doc_node *http = doc_getv(vs, "spec", "http", NULL);
    if (!doc_is_seq(http) || i >= http->len)
        return -1;
    long *by = calloc(i + 1, sizeof *by);
    if (!by)
        return -1;
    route_shadows(vs, by, i + 1);
    long r = by[i];
    free(by);
    return r;
}
