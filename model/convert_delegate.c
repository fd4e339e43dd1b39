/*
 * convert_delegate.c - one host routed from several namespaces
 * (docs/conversion.md §3). nginx serves such a host as one server whose
 * locations come from every namespace, in one order. Istio keeps one
 * first-match order across namespaces only through delegation: the root
 * VirtualService (in the namespace of the host's oldest Ingress, bound to
 * its Gateway) replaces each `delegate` entry, in place, by the delegate's
 * routes. So the routes, sorted host-wide by convert_match.c, are cut into
 * runs of consecutive routes of one namespace: the root namespace's runs
 * stay in the root, every other run becomes a delegate VirtualService in
 * its own namespace (no hosts, no gateways, exported to the root's
 * namespace) with a root entry at the run's place. Each root entry matches
 * exactly what its delegate's routes match, so istiod admits every route of
 * the delegate unchanged and the merged table is the sorted list itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/convert_int.h"
#include "model/istio.h"
#include "model/strbuf.h"

typedef struct {
    const char *ns;
    doc_node *vs;    /* owned until pushed to the plan */
    doc_node *entry; /* its entry in the root's http (owned by the root) */
    ing_entry **src;
    size_t nsrc;
    char name[64];
} deleg;

struct conv_deleg {
    const hostgrp *g;
    doc_node *root;
    deleg *d;
    size_t n;
    long cur; /* the delegate the last route went to, -1: the root */
};

conv_deleg *conv_deleg_new(const hostgrp *g, doc_node *root)
{
    conv_deleg *d = calloc(1, sizeof *d);
    if (d) {
        d->g = g;
        d->root = root;
        d->cur = -1;
    }
    return d;
}

void conv_deleg_free(conv_deleg *d)
{
    for (size_t i = 0; d && i < d->n; i++) {
        doc_free(d->d[i].vs);
        free(d->d[i].src);
    }
    if (d)
        free(d->d);
    free(d);
}

/* A new delegate for ns, with its (still empty) entry appended to the root. */
static deleg *add_deleg(conv_deleg *d, const char *ns)
{
    deleg *nd = realloc(d->d, (d->n + 1) * sizeof *nd);
    if (!nd)
        return NULL;
    d->d = nd;
    deleg *x = &d->d[d->n];
    memset(x, 0, sizeof *x);
    x->ns = ns;
    x->vs = istio_object_new(ISTIO_NETWORKING_API, "VirtualService", ns, "");
    doc_node *entry = doc_map_new();
    if (!x->vs || !entry || !doc_map_ensure(istio_spec(x->vs), "http", DOC_SEQ)) {
        doc_free(x->vs);
        doc_free(entry);
        return NULL;
    }
    if (istio_vs_add_http(d->root, entry) < 0) { /* it freed entry */
        doc_free(x->vs);
        return NULL;
    }
    x->entry = entry;
    d->cur = (long)d->n++;
    return x;
}

doc_node *conv_deleg_target(conv_deleg *d, const rspec *r)
{
    const char *ns = r->ing->v.ns;
    if (!strcmp(ns, d->g->ns)) {
        d->cur = -1;
        return d->root;
    }
    deleg *x = d->cur >= 0 && !strcmp(d->d[d->cur].ns, ns) ? &d->d[d->cur] : add_deleg(d, ns);
    if (!x || conv_add_src(&x->src, &x->nsrc, r->ing) < 0 ||
        (r->canary && conv_add_src(&x->src, &x->nsrc, r->canary) < 0))
        return NULL;
    return x->vs;
}

/* ---- the root entry's match ------------------------------------------------- */

typedef struct {
    const char *kind, *value;
} uri_m;

/* true when root match a admits delegate match b (no stringMatchConflict in
 * istiod: exact admits the same exact, prefix what starts with it). */
static bool admits(const uri_m *a, const uri_m *b)
{
    if (strcmp(a->kind, "prefix"))
        return !strcmp(b->kind, a->kind) && !strcmp(b->value, a->value);
    return !strncmp(b->value, a->value, strlen(a->value));
}

/* The uri matches of every route of vs (exact or prefix), once each. */
static uri_m *uri_matches(const doc_node *vs, size_t *n)
{
    const doc_node *http = doc_getv(vs, "spec", "http", NULL);
    size_t cap = 0;
    for (size_t i = 0; http && i < http->len; i++)
        cap += doc_get(doc_at(http, i), "match") ? doc_get(doc_at(http, i), "match")->len : 0;
    uri_m *m = calloc(cap ? cap : 1, sizeof *m);
    *n = 0;
    for (size_t i = 0; m && http && i < http->len; i++) {
        const doc_node *ms = doc_get(doc_at(http, i), "match");
        for (size_t k = 0; ms && k < ms->len; k++) {
            const doc_node *u = doc_get(doc_at(ms, k), "uri");
            if (!u || !u->len)
                continue;
            uri_m x = {u->keys[0], doc_str(u->items[0])};
            bool dup = false;
            for (size_t j = 0; j < *n && !dup; j++)
                dup = !strcmp(m[j].kind, x.kind) && !strcmp(m[j].value, x.value);
            if (!dup)
                m[(*n)++] = x;
        }
    }
    return m;
}

/* The fewest uri matches that admit every match of the delegate: no two of
 * them admit one match, so istiod merges each delegate match once. */
static doc_node *cover(const doc_node *vs)
{
    size_t n;
    uri_m *m = uri_matches(vs, &n);
    doc_node *seq = m ? doc_seq_new() : NULL;
    for (size_t i = 0; seq && i < n; i++) {
        bool covered = false;
        for (size_t k = 0; k < n && !covered; k++)
            covered = k != i && admits(&m[k], &m[i]);
        if (!covered)
            doc_seq_push(seq, conv_uri_match(m[i].kind, m[i].value));
    }
    free(m);
    return seq;
}

/* A regex on either side of a delegation conflicts with any uri on the
 * other, so a regex host's root entries match no uri; a match name keeps
 * them apart (two entries without matches would each be "unreachable" to
 * istiod's validation). */
static doc_node *named_match(const deleg *x)
{
    char buf[200];
    snprintf(buf, sizeof buf, "%s/%s", x->ns, x->name);
    doc_node *seq = doc_seq_new(), *m = doc_map_new();
    if (m)
        doc_map_set_str(m, "name", buf);
    if (seq)
        doc_seq_push(seq, m);
    else
        doc_free(m);
    return seq;
}

/* ---- names, entries, the finding -------------------------------------------- */

/* <host label>, or <host label>-<k> when the namespace holds several runs. */
static void name_delegates(conv_deleg *d)
{
    for (size_t i = 0; i < d->n; i++) {
        size_t k = 0, total = 0;
        for (size_t j = 0; j < d->n; j++) {
            if (strcmp(d->d[j].ns, d->d[i].ns))
                continue;
            total++;
            k += j <= i;
        }
        char buf[600];
        if (total == 1)
            snprintf(buf, sizeof buf, "%s", d->g->host);
        else
            snprintf(buf, sizeof buf, "%s-%zu", d->g->host, k);
        istio_dns_label(buf, d->d[i].name);
    }
}

static int fill_delegate(const conv_deleg *d, deleg *x)
{
    doc_node *meta = doc_get(x->vs, "metadata");
    doc_node *exp = doc_seq_new();
    if (!meta || doc_map_set_str(meta, "name", x->name) < 0 || !exp ||
        doc_seq_push(exp, doc_str_new(d->g->ns)) < 0 ||
        doc_map_set(istio_spec(x->vs), "exportTo", exp) < 0 ||
        conv_set_sources(x->vs, x->src, x->nsrc) < 0)
        return -1;
    doc_node *ref = doc_map_new();
    if (!ref || doc_map_set_str(ref, "name", x->name) < 0 ||
        doc_map_set_str(ref, "namespace", x->ns) < 0) {
        doc_free(ref);
        return -1;
    }
    doc_node *match = d->g->regex ? named_match(x) : cover(x->vs);
    if (doc_map_set(x->entry, "match", match) < 0 || doc_map_set(x->entry, "delegate", ref) < 0)
        return -1;
    return 0;
}

/* MP207 (info): the namespaces of the host and what was generated. */
static void note_namespaces(conv *c, const conv_deleg *d)
{
    const hostgrp *g = d->g;
    strbuf ns, gen;
    strbuf_init(&ns);
    strbuf_init(&gen);
    size_t nns = 0;
    for (size_t i = 1; i < g->nsrc && !nns; i++) /* one namespace (most hosts): no finding */
        nns = strcmp(g->src[i]->v.ns, g->src[0]->v.ns) != 0;
    for (size_t i = 0; nns && i < g->nsrc; i++) {
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = !strcmp(g->src[k]->v.ns, g->src[i]->v.ns);
        if (!seen)
            strbuf_printf(&ns, "%s%s", i ? ", " : "", g->src[i]->v.ns);
    }
    if (nns) {
        for (size_t i = 0; i < d->n; i++)
            strbuf_printf(&gen, "%s%s/%s", i ? ", " : "", d->d[i].ns, d->d[i].name);
        char gw[300], root[64];
        istio_dns_label(g->host, root);
        mp_warn(&c->plan->w, MPW_HOST_CONFLICT, MP_SEV_INFO, g->src[0]->ref, "spec.rules[].host",
                "host %s is routed from namespaces %s; nginx serves it as one server: it is on "
                "gateway %s only, and VirtualService %s/%s %s%s%s",
                g->host, ns.buf, conv_gateway_ref(c, g, gw, sizeof gw), g->ns, root,
                d->n ? "delegates, in nginx's route order, to " : "holds all its routes (",
                d->n ? gen.buf
                     : "the other namespaces' paths are canaries of its routes or "
                       "duplicates, MP203",
                d->n ? " (no hosts, exported to the root's namespace)" : ")");
    }
    strbuf_free(&ns);
    strbuf_free(&gen);
}

int conv_deleg_finish(conv *c, conv_deleg *d)
{
    name_delegates(d);
    for (size_t i = 0; i < d->n; i++) {
        if (fill_delegate(d, &d->d[i]) < 0)
            return -1;
        doc_node *vs = d->d[i].vs;
        d->d[i].vs = NULL;
        if (conv_push_obj(c->plan, vs) < 0)
            return -1;
    }
    note_namespaces(c, d);
    return 0;
}
