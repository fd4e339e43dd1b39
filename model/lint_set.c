/*
 * lint_set.c - the objects lint looks at, with their origin, and what the
 * set is known to hold (see lint.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/kobj.h"
#include "model/lint_int.h"

lint_set *lint_set_new(void)
{
    lint_set *s = calloc(1, sizeof *s);
    if (s)
        mp_warnings_init(&s->conv);
    return s;
}

void lint_set_free(lint_set *s)
{
    if (!s)
        return;
    free(s->items);
    free(s->ids);
    for (size_t i = 0; i < s->conv.len; i++)
        if (i < s->conv_refcap && s->conv_ref[i])
            s->conv.items[i].object = NULL; /* the owner frees it */
    free(s->conv_ref);
    mp_warnings_free(&s->conv);
    hmap_free(&s->known);
    for (size_t i = 0; i < s->ndns; i++) {
        free(s->dns[i].host);
        free(s->dns[i].target);
    }
    free(s->dns);
    hmap_free(&s->dns_idx);
    free(s);
}

/* The index by kind, namespace and name holds item indexes only (the
 * strings are the items'): a copied "kind/ns/name" key per item cost more
 * than the item. FNV-1a over the three, open addressing. */
static size_t id_hash(const char *kind, const char *ns, const char *name)
{
    uint64_t h = 1469598103934665603ULL;
    const char *parts[3] = {kind, ns, name};
    for (int i = 0; i < 3; i++) {
        for (const unsigned char *p = (const unsigned char *)parts[i]; *p; p++)
            h = (h ^ *p) * 1099511628211ULL;
        h = (h ^ 0x1f) * 1099511628211ULL;
    }
    return (size_t)h;
}

/* The slot of kind/ns/name: its item's, or the empty one it would take. */
static size_t id_slot(const lint_set *s, const char *kind, const char *ns, const char *name)
{
    size_t mask = s->idcap - 1, i = id_hash(kind, ns, name) & mask;
    for (; s->ids[i]; i = (i + 1) & mask) {
        const lint_item *it = &s->items[s->ids[i] - 1];
        if (!strcmp(it->name, name) && !strcmp(it->ns, ns) && !strcmp(it->kind, kind))
            break;
    }
    return i;
}

static int id_grow(lint_set *s)
{
    size_t cap = s->idcap ? s->idcap * 2 : 512;
    size_t *ids = calloc(cap, sizeof *ids), *old = s->ids;
    if (!ids)
        return -1;
    size_t oldcap = s->idcap;
    s->ids = ids;
    s->idcap = cap;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i]) {
            const lint_item *it = &s->items[old[i] - 1];
            s->ids[id_slot(s, it->kind, it->ns, it->name)] = old[i];
        }
    free(old);
    return 0;
}

/* Adds it, or replaces its namesake; its index in *at. */
static int put(lint_set *s, const lint_item *it, size_t *at)
{
    if (2 * (s->n + 1) > s->idcap && id_grow(s) < 0)
        return -1;
    size_t slot = id_slot(s, it->kind, it->ns, it->name);
    if (s->ids[slot]) {
        *at = s->ids[slot] - 1;
        s->items[*at] = *it;
        return 0;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        lint_item *v = realloc(s->items, cap * sizeof *v);
        if (!v)
            return -1;
        s->items = v;
        s->cap = cap;
    }
    s->ids[slot] = s->n + 1;
    *at = s->n;
    s->items[s->n++] = *it;
    return 0;
}

int lint_set_add(lint_set *s, const doc_node *obj, lint_origin origin)
{
    const char *kind = kobj_kind(obj), *name = kobj_name(obj), *ns = kobj_namespace(obj);
    if (!kind || !name)
        return 0;
    const char *created = doc_get_str(doc_get(obj, "metadata"), "creationTimestamp");
    lint_item it = {obj, origin, kind, ns ? ns : "", name, created && *created ? created : "~"};
    size_t at;
    return put(s, &it, &at);
}

int lint_set_add_ident(lint_set *s, const char *kind, const char *ns, const char *name,
                       const char *created, lint_origin origin, size_t *at)
{
    lint_item it = {NULL, origin, kind, ns ? ns : "", name, created && *created ? created : "~"};
    return put(s, &it, at);
}

void lint_set_doc(lint_set *s, size_t at, const char *name, const doc_node *doc)
{
    if (at < s->n && s->items[at].name == name)
        s->items[at].doc = doc;
}

int lint_set_add_store(lint_set *s, mp_store *st)
{
    static const char *const kinds[] = {
        "Namespace",      "IngressClass",    "Ingress",
        "Service",        "Secret",          "Gateway",
        "VirtualService", "DestinationRule", "AuthorizationPolicy",
        "Certificate",
    };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        const store_obj **objs = NULL;
        size_t n = store_list(st, kinds[k], NULL, &objs);
        if (n == (size_t)-1)
            return -1;
        int rc = 0;
        for (size_t i = 0; i < n && !rc; i++)
            rc = lint_set_add(s, objs[i]->doc, LINT_LIVE);
        free(objs);
        if (rc)
            return -1;
    }
    return 0;
}

int lint_set_add_warnings(lint_set *s, const mp_warning *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!lint_conv_note(&w[i]) &&
            mp_warn(&s->conv, w[i].code, w[i].sev, w[i].object, w[i].field, "%s", w[i].message) < 0)
            return -1;
    return 0;
}

int lint_set_ref_warnings(lint_set *s, const mp_warning *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (lint_conv_note(&w[i]))
            continue;
        mp_warnings *c = &s->conv;
        if (c->len == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 16;
            mp_warning *items = realloc(c->items, cap * sizeof *items);
            if (!items)
                return -1;
            c->items = items;
            c->cap = cap;
        }
        if (c->len >= s->conv_refcap) {
            size_t cap = c->cap > c->len ? c->cap : c->len + 1;
            unsigned char *r = realloc(s->conv_ref, cap);
            if (!r)
                return -1;
            memset(r + s->conv_refcap, 0, cap - s->conv_refcap);
            s->conv_ref = r;
            s->conv_refcap = cap;
        }
        s->conv_ref[c->len] = 1;
        c->items[c->len++] = w[i];
    }
    return 0;
}

int lint_set_add_plan(lint_set *s, const convert_plan *p)
{
    for (size_t i = 0; i < convert_plan_len(p); i++) {
        const doc_node *o = convert_plan_obj(p, i);
        if (o && lint_set_add(s, o, LINT_PLANNED) < 0)
            return -1;
    }
    for (size_t i = 0; i < convert_plan_nwarn(p); i++)
        if (lint_set_add_warnings(s, convert_plan_warn(p, i), 1) < 0)
            return -1;
    return 0;
}

const lint_item *lint_set_find(const lint_set *s, const char *kind, const char *ns,
                               const char *name)
{
    if (!s->idcap)
        return NULL;
    size_t slot = id_slot(s, kind, ns ? ns : "", name);
    return s->ids[slot] ? &s->items[s->ids[slot] - 1] : NULL;
}

int lint_set_mark_known(lint_set *s, const char *kind, const char *ns)
{
    char key[400];
    snprintf(key, sizeof key, "%s\x1f%s", kind, ns ? ns : "");
    return hmap_put(&s->known, key, 1);
}

bool lint_set_known(const lint_set *s, const char *kind, const char *ns)
{
    char key[400];
    snprintf(key, sizeof key, "%s\x1f", kind);
    if (hmap_get(&s->known, key) >= 0)
        return true;
    snprintf(key, sizeof key, "%s\x1f%s", kind, ns ? ns : "");
    return ns && *ns && hmap_get(&s->known, key) >= 0;
}

int lint_set_dns(lint_set *s, const char *host, lint_dns_status st, const char *target)
{
    long at = hmap_get(&s->dns_idx, host);
    if (at < 0) {
        if (s->ndns == s->capdns) {
            size_t cap = s->capdns ? s->capdns * 2 : 16;
            lint_dns_answer *v = realloc(s->dns, cap * sizeof *v);
            if (!v)
                return -1;
            s->dns = v;
            s->capdns = cap;
        }
        lint_dns_answer a = {strdup(host), NULL, st};
        if (!a.host || hmap_put(&s->dns_idx, host, s->ndns) < 0) {
            free(a.host);
            return -1;
        }
        s->dns[s->ndns] = a;
        at = (long)s->ndns++;
    }
    lint_dns_answer *a = &s->dns[at];
    free(a->target);
    a->target = target ? strdup(target) : NULL;
    a->st = st;
    return target && !a->target ? -1 : 0;
}

const lint_dns_answer *lint_set_dns_get(const lint_set *s, const char *host)
{
    long at = hmap_get(&s->dns_idx, host);
    return at >= 0 ? &s->dns[at] : NULL;
}

typedef struct {
    const lint_policy *p;
    hmap seen;
    char **v; /* copies */
    size_t n, cap;
    bool oom;
} dns_collect;

static int collect_dns(const lint_item *it, const lint_host *h, void *ud)
{
    dns_collect *d = ud;
    if (!lint_tenant_ns(d->p, it->ns) || h->host[0] == '*' ||
        lint_domain_under(&d->p->platform, h->host) || hmap_get(&d->seen, h->host) >= 0)
        return 0;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        char **v = realloc(d->v, cap * sizeof *v);
        if (!v)
            return d->oom = true, -1;
        d->v = v;
        d->cap = cap;
    }
    if (!(d->v[d->n] = strdup(h->host)) || hmap_put(&d->seen, h->host, d->n) < 0)
        return d->oom = true, -1;
    d->n++;
    return 0;
}

/* One block: the array, then the strings, so the caller frees once. */
static const char **pack(char *const *v, size_t n)
{
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++)
        bytes += strlen(v[i]) + 1;
    const char **out = malloc(n * sizeof *out + bytes);
    if (!out)
        return NULL;
    char *w = (char *)(out + n);
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(v[i]) + 1;
        memcpy(w, v[i], l);
        out[i] = w;
        w += l;
    }
    return out;
}

const char **lint_dns_hosts(const lint_set *s, const lint_policy *p, size_t *n)
{
    dns_collect d = {.p = p};
    *n = 0;
    for (size_t i = 0; p->platform.n && i < s->n && !d.oom; i++)
        lint_item_hosts(&s->items[i], false, collect_dns, &d);
    const char **out = !d.oom && d.n ? pack(d.v, d.n) : NULL;
    if (out)
        *n = d.n;
    for (size_t i = 0; i < d.n; i++)
        free(d.v[i]);
    free(d.v);
    hmap_free(&d.seen);
    return out;
}
