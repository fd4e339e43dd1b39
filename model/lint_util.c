/*
 * lint_util.c - what several checks read the same way: an object's hosts,
 * Gateway references, selectors, and the keyed pairs that find "another
 * object with the same host / certificate / binding" in constant time.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/docpath.h"
#include "model/kobj.h"
#include "model/lint_int.h"

bool lint_str_eq(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

/* Lower case, no trailing dot, no "ns/" prefix (Gateway server hosts). */
static bool host_text(const char *s, bool gateway, lint_host *h)
{
    if (!s || !*s)
        return false;
    const char *slash = gateway ? strchr(s, '/') : NULL;
    if (slash)
        s = slash + 1;
    size_t l = strlen(s);
    if (l && s[l - 1] == '.')
        l--;
    if (!l || l >= sizeof h->host)
        return false;
    for (size_t i = 0; i < l; i++)
        h->host[i] = (char)tolower((unsigned char)s[i]);
    h->host[l] = 0;
    return true;
}

bool lint_vs_on_gateway(const doc_node *vs)
{
    const doc_node *g = docpath_get(vs, "spec.gateways");
    for (size_t i = 0; doc_is_seq(g) && i < g->len; i++) {
        const char *s = doc_str(g->items[i]);
        if (s && *s && strcmp(s, "mesh"))
            return true;
    }
    return false;
}

static int ingress_hosts(const lint_item *it, lint_host_fn fn, void *ud)
{
    const doc_node *rules = docpath_get(it->doc, "spec.rules");
    for (size_t i = 0; doc_is_seq(rules) && i < rules->len; i++) {
        lint_host h;
        if (!host_text(doc_get_str(rules->items[i], "host"), false, &h))
            continue;
        snprintf(h.path, sizeof h.path, "spec.rules[%zu].host", i);
        if (fn(it, &h, ud) < 0)
            return -1;
    }
    return 0;
}

static int seq_hosts(const lint_item *it, const doc_node *hs, const char *base, bool gw,
                     lint_host_fn fn, void *ud)
{
    for (size_t i = 0; doc_is_seq(hs) && i < hs->len; i++) {
        lint_host h;
        if (!host_text(doc_str(hs->items[i]), gw, &h))
            continue;
        docpath_index(h.path, sizeof h.path, base, i);
        if (fn(it, &h, ud) < 0)
            return -1;
    }
    return 0;
}

static int server_hosts(const lint_item *it, lint_host_fn fn, void *ud)
{
    const doc_node *ss = docpath_get(it->doc, "spec.servers");
    for (size_t i = 0; doc_is_seq(ss) && i < ss->len; i++) {
        char base[64];
        snprintf(base, sizeof base, "spec.servers[%zu].hosts", i);
        if (seq_hosts(it, doc_get(ss->items[i], "hosts"), base, true, fn, ud) < 0)
            return -1;
    }
    return 0;
}

int lint_item_hosts(const lint_item *it, bool servers, lint_host_fn fn, void *ud)
{
    if (!strcmp(it->kind, "Ingress"))
        return ingress_hosts(it, fn, ud);
    if (!strcmp(it->kind, "VirtualService") && lint_vs_on_gateway(it->doc))
        return seq_hosts(it, docpath_get(it->doc, "spec.hosts"), "spec.hosts", false, fn, ud);
    if (servers && !strcmp(it->kind, "Gateway"))
        return server_hosts(it, fn, ud);
    return 0;
}

/* "ingress/ns/name,ingress/ns/name": every source named must be an
 * Ingress of the set. */
bool lint_derived_of(const lint_ctx *c, const lint_item *it)
{
    if (it->origin != LINT_PLANNED)
        return false;
    const char *src = kobj_annotation(it->doc, CONVERT_SOURCE_ANNOTATION);
    if (!src || !*src)
        return false;
    for (const char *p = src; *p;) {
        size_t l = strcspn(p, ",");
        char ref[512], ns[256];
        const char *name;
        snprintf(ref, sizeof ref, "%.*s", (int)l, p);
        if (strncmp(ref, "ingress/", 8))
            return false;
        lint_ref_ns(ref + 8, "", ns, sizeof ns, &name);
        if (!lint_set_find(c->s, "Ingress", ns, name))
            return false;
        p += l + (p[l] == ',');
    }
    return true;
}

bool lint_derived(const lint_ctx *c, const lint_item *it)
{
    const lint_item *first = c->s->items;
    if (c->derived && it >= first && it < first + c->s->n)
        return c->derived[it - first];
    return lint_derived_of(c, it);
}

const char *lint_ref_ns(const char *ref, const char *dflt, char *ns, size_t n, const char **name)
{
    const char *slash = strchr(ref, '/');
    if (!slash) {
        snprintf(ns, n, "%s", dflt ? dflt : "");
        *name = ref;
    } else {
        snprintf(ns, n, "%.*s", (int)(slash - ref), ref);
        *name = slash + 1;
    }
    return ns;
}

/* Canonical: keys sorted, "k=v,k=v", so equal selectors compare equal. */
char *lint_selector(const doc_node *sel, char *buf, size_t n)
{
    size_t len = 0, cnt = doc_is_map(sel) ? sel->len : 0;
    buf[0] = 0;
    const char *last = NULL;
    for (size_t k = 0; k < cnt; k++) {
        const char *next = NULL;
        size_t at = 0;
        for (size_t i = 0; i < cnt; i++)
            if ((!last || strcmp(sel->keys[i], last) > 0) &&
                (!next || strcmp(sel->keys[i], next) < 0))
                next = sel->keys[i], at = i;
        if (!next)
            break;
        const char *v = doc_str(sel->items[at]);
        if (len < n)
            len += (size_t)snprintf(buf + len, n - len, "%s%s=%s", k ? "," : "", next, v ? v : "");
        last = next;
    }
    return buf;
}

const lint_item *lint_ctx_item(const lint_ctx *c, long i)
{
    return i >= 0 ? &c->s->items[i] : NULL;
}

const lint_ns *lint_ctx_ns(const lint_ctx *c, const char *ns)
{
    long i = hmap_get(&c->ns_idx, ns ? ns : "");
    return i >= 0 ? &c->nss[i] : NULL;
}

/* ---- pairs ---- */

static int older(const lint_item *a, const lint_item *b)
{
    int d = strcmp(a->created, b->created);
    if (!d)
        d = strcmp(a->ns, b->ns);
    if (!d)
        d = strcmp(a->name, b->name);
    return d;
}

static bool same_holder(const lint_item *a, const lint_item *b, bool by_ns)
{
    return !strcmp(a->ns, b->ns) &&
           (by_ns || (!strcmp(a->name, b->name) && !strcmp(a->kind, b->kind)));
}

int lint_pairs_add(lint_pairs *ps, const lint_ctx *c, const char *key, long i, bool by_ns)
{
    long at = hmap_get(&ps->idx, key);
    const lint_item *it = lint_ctx_item(c, i);
    if (at < 0) {
        if (ps->n == ps->cap) {
            size_t cap = ps->cap ? ps->cap * 2 : 256;
            lint_pair *v = realloc(ps->v, cap * sizeof *v);
            if (!v)
                return -1;
            ps->v = v;
            ps->cap = cap;
        }
        if (hmap_put(&ps->idx, key, ps->n) < 0)
            return -1;
        ps->v[ps->n++] = (lint_pair){i, -1};
        return 0;
    }
    lint_pair *p = &ps->v[at];
    const lint_item *best = lint_ctx_item(c, p->best);
    if (same_holder(it, best, by_ns)) {
        if (older(it, best) < 0)
            p->best = i;
        return 0;
    }
    if (older(it, best) < 0) {
        p->other = p->best; /* the old best is of another holder */
        p->best = i;
        return 0;
    }
    const lint_item *other = lint_ctx_item(c, p->other);
    if (!other || older(it, other) < 0)
        p->other = i;
    return 0;
}

const lint_pair *lint_pairs_get(const lint_pairs *ps, const char *key)
{
    long at = hmap_get(&ps->idx, key);
    return at >= 0 ? &ps->v[at] : NULL;
}

void lint_pairs_free(lint_pairs *ps)
{
    hmap_free(&ps->idx);
    free(ps->v);
    memset(ps, 0, sizeof *ps);
}

long lint_pairs_other(const lint_ctx *c, const lint_pairs *ps, const char *key, const lint_item *it,
                      bool by_ns)
{
    const lint_pair *p = lint_pairs_get(ps, key);
    if (!p)
        return -1;
    if (!same_holder(lint_ctx_item(c, p->best), it, by_ns))
        return p->best;
    if (p->other >= 0 && !same_holder(lint_ctx_item(c, p->other), it, by_ns))
        return p->other;
    return -1;
}
