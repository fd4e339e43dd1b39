/*
 * convert_policy.c - the objects beside the routes (docs/conversion.md
 * §10): a DestinationRule per backend Service whose Ingresses ask for
 * backend settings (protocol, connect timeout, load balancing, affinity),
 * and a DENY AuthorizationPolicy per Ingress with a source-range list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/convert_int.h"
#include "model/istio.h"
#include "model/sort.h"

/* ---- DestinationRules ---------------------------------------------------------- */

static bool dr_wanted(const ann_settings *a)
{
    return a->proto == BP_HTTPS || a->proto == BP_GRPC || a->proto == BP_GRPCS ||
           a->connect_timeout > 0 || a->lb_simple || a->consistent_hash;
}

static bool dr_same(const dr_port *p, const ann_settings *a)
{
    return p->proto == a->proto && p->connect == a->connect_timeout &&
           !strcmp(p->lb ? p->lb : "", a->lb_simple ? a->lb_simple : "") &&
           doc_equal(p->hash, a->consistent_hash, true);
}

/* The DestinationRule of (ns, svc), created empty on first use. */
static dr_entry *dr_get(conv *c, const char *ns, const char *svc)
{
    char k[300];
    hmap_key2(k, sizeof k, ns, svc);
    long i = hmap_get(&c->dr_idx, k);
    if (i < 0) {
        dr_entry *d = realloc(c->dr, (c->ndr + 1) * sizeof *d);
        if (!d)
            return NULL;
        c->dr = d;
        i = (long)c->ndr++;
        memset(&c->dr[i], 0, sizeof c->dr[i]);
        c->dr[i].ns = ns;
        c->dr[i].svc = svc;
        if (hmap_put(&c->dr_idx, k, (size_t)i) < 0)
            return NULL;
    }
    return &c->dr[i];
}

/* Records e's backend settings for svc:port (svc in namespace ns); an
 * older Ingress that asked for other settings keeps them (MP208). */
static int dr_note(conv *c, ing_entry *e, const char *ns, const char *svc, long port)
{
    dr_entry *d = dr_get(c, ns, svc);
    if (!d)
        return -1;
    for (size_t p = 0; p < d->np; p++) {
        if (d->p[p].port != port)
            continue;
        if (!dr_same(&d->p[p], &e->a) && d->p[p].ing != e)
            mp_warn(&c->plan->w, MPW_DR_CONFLICT, MP_SEV_WARNING, e->ref, "metadata.annotations",
                    "service %s port %ld already gets other backend settings from %s (older "
                    "wins); these are not applied",
                    svc, port, d->p[p].ing->ref);
        return 0;
    }
    dr_port *np = realloc(d->p, (d->np + 1) * sizeof *np);
    if (!np)
        return -1;
    d->p = np;
    d->p[d->np++] = (dr_port){.port = port,
                              .ing = e,
                              .proto = e->a.proto,
                              .connect = e->a.connect_timeout,
                              .lb = e->a.lb_simple,
                              .hash = e->a.consistent_hash};
    return conv_add_src(&d->src, &d->nsrc, e);
}

static long be_port(const conv *c, const char *ns, const ing_backend *be)
{
    if (be->port_number)
        return be->port_number;
    return service_port_by_name(conv_find_svc(c, ns, be->service), be->port_name);
}

int conv_collect_dr(conv *c)
{
    for (size_t i = 0; i < c->ngrp; i++) {
        hostgrp *g = &c->grp[i];
        for (size_t k = 0; k < g->nr; k++) {
            rspec *r = &g->r[k];
            if (!dr_wanted(&r->ing->a) || r->ing->a.redirect)
                continue;
            const char *ns = r->ing->v.ns;
            if (dr_note(c, r->ing, ns, r->be->service, be_port(c, ns, r->be)) < 0)
                return -1;
            /* the canary inherits the main Ingress's backend settings; its
             * Service is in its own namespace */
            const char *cns = r->canary ? r->canary->v.ns : ns;
            if (r->canary &&
                dr_note(c, r->ing, cns, r->canary_be->service, be_port(c, cns, r->canary_be)) < 0)
                return -1;
        }
    }
    return 0;
}

static void dr_fill(doc_node *m, const dr_port *p)
{
    if (p->lb || p->hash) {
        doc_node *lb = doc_map_ensure(m, "loadBalancer", DOC_MAP);
        if (lb && p->hash)
            doc_map_set(lb, "consistentHash", doc_clone(p->hash));
        else if (lb)
            doc_map_set_str(lb, "simple", p->lb);
    }
    bool h2 = p->proto == BP_GRPC || p->proto == BP_GRPCS;
    if (p->connect > 0 || h2) {
        doc_node *cp = doc_map_ensure(m, "connectionPool", DOC_MAP);
        char buf[32];
        snprintf(buf, sizeof buf, "%lds", p->connect);
        if (cp && p->connect > 0)
            doc_map_set_str(doc_map_ensure(cp, "tcp", DOC_MAP), "connectTimeout", buf);
        if (cp && h2)
            doc_map_set_str(doc_map_ensure(cp, "http", DOC_MAP), "h2UpgradePolicy", "UPGRADE");
    }
    if (p->proto == BP_HTTPS || p->proto == BP_GRPCS) {
        doc_node *tls = doc_map_ensure(m, "tls", DOC_MAP);
        if (tls) {
            doc_map_set_str(tls, "mode", "SIMPLE");
            doc_map_set(tls, "insecureSkipVerify", doc_bool_new(true));
        }
    }
}

static int cmp_port(const void *a, const void *b)
{
    long x = ((const dr_port *)a)->port, y = ((const dr_port *)b)->port;
    return (x > y) - (x < y);
}

/* trafficPolicy: per port in portLevelSettings, the whole Service when the
 * port is unknown. */
static int dr_ports(doc_node *tp, dr_entry *d)
{
    mp_sort(d->p, d->np, sizeof *d->p, cmp_port);
    for (size_t p = 0; p < d->np; p++) {
        if (!d->p[p].port) { /* port unknown: the whole service */
            dr_fill(tp, &d->p[p]);
            continue;
        }
        doc_node *pls = doc_map_ensure(tp, "portLevelSettings", DOC_SEQ);
        doc_node *m = doc_map_new(), *port = doc_map_new();
        if (!pls || !m || !port) {
            doc_free(m);
            doc_free(port);
            return -1;
        }
        doc_map_set(port, "number", doc_int_new(d->p[p].port));
        doc_map_set(m, "port", port);
        dr_fill(m, &d->p[p]);
        doc_seq_push(pls, m);
    }
    return 0;
}

int conv_render_drs(conv *c)
{
    for (size_t i = 0; i < c->ndr; i++) {
        dr_entry *d = &c->dr[i];
        char host[600], nm[300], name[64];
        snprintf(host, sizeof host, "%s.%s.svc.%s", d->svc, d->ns, c->o->domain_suffix);
        snprintf(nm, sizeof nm, "%s-meshpanel", d->svc);
        istio_dns_label(nm, name);
        doc_node *dr = istio_dr_new(d->ns, name, host, c->o->gateway_namespace);
        doc_node *tp = dr ? doc_getv(dr, "spec", "trafficPolicy", NULL) : NULL;
        if (!tp || dr_ports(tp, d) < 0) {
            doc_free(dr);
            return -1;
        }
        istio_canonical_order(dr);
        if (conv_set_sources(dr, d->src, d->nsrc) < 0 || conv_push_obj(c->plan, dr) < 0)
            return -1;
    }
    return 0;
}

/* ---- AuthorizationPolicies ------------------------------------------------------ */

/* The part of a regex before its first metacharacter. */
static size_t literal_prefix(const char *re)
{
    size_t n = strcspn(re, ".*+?()[]{}|^$\\");
    return n;
}

/* AP paths for the Ingress's paths, or NULL when one covers the whole host. */
static doc_node *ap_paths(conv *c, const ing_entry *e, bool *approx)
{
    doc_node *seq = doc_seq_new();
    char buf[2100];
    for (size_t ri = 0; seq && ri < e->v.nrules; ri++) {
        const ing_rule *rule = &e->v.rules[ri];
        const hostgrp *g = rule->host ? conv_get_grp(c, e->v.ns, rule->host, false) : NULL;
        bool regex = g && g->regex;
        for (size_t pi = 0; pi < rule->npaths; pi++) {
            const ing_path *p = &rule->paths[pi];
            size_t l = strlen(p->path);
            if (regex) {
                size_t lp = literal_prefix(p->path);
                *approx = *approx || lp != l;
                l = lp;
            }
            while (l > 1 && p->path[l - 1] == '/')
                l--;
            if (l <= 1 && (regex || p->type != ING_PATH_EXACT)) {
                doc_free(seq);
                return NULL;
            }
            if (!regex && p->type == ING_PATH_EXACT) {
                doc_seq_push(seq, doc_str_new(p->path));
            } else if (!regex && p->type == ING_PATH_PREFIX) {
                snprintf(buf, sizeof buf, "%.*s", (int)l, p->path);
                doc_seq_push(seq, doc_str_new(buf));
                snprintf(buf, sizeof buf, "%.*s/*", (int)l, p->path);
                doc_seq_push(seq, doc_str_new(buf));
            } else {
                snprintf(buf, sizeof buf, "%.*s*", (int)l, p->path);
                doc_seq_push(seq, doc_str_new(buf));
            }
        }
    }
    return seq;
}

/* AP hosts: each rule host of the Ingress once, bare and with any port. */
static doc_node *ap_hosts(const ing_entry *e)
{
    doc_node *hosts = doc_seq_new();
    for (size_t ri = 0; hosts && ri < e->v.nrules; ri++) {
        const char *h = e->v.rules[ri].host;
        if (!h)
            continue;
        char buf[300];
        bool have = false;
        for (size_t k = 0; k < hosts->len; k++)
            have = have || !strcmp(doc_str(doc_at(hosts, k)), h);
        if (have)
            continue;
        doc_seq_push(hosts, doc_str_new(h));
        snprintf(buf, sizeof buf, "%s:*", h);
        doc_seq_push(hosts, doc_str_new(buf));
    }
    return hosts;
}

static doc_node *ap_rule(const char *src_key, const doc_node *cidrs, const doc_node *hosts,
                         const doc_node *paths)
{
    doc_node *rule = doc_map_new(), *from = doc_seq_new(), *src = doc_map_new(),
             *source = doc_map_new(), *to = doc_seq_new(), *op = doc_map_new(),
             *opw = doc_map_new();
    if (!rule || !from || !src || !source || !to || !op || !opw) {
        doc_free(rule), doc_free(from), doc_free(src), doc_free(source);
        doc_free(to), doc_free(op), doc_free(opw);
        return NULL;
    }
    doc_map_set(source, src_key, doc_clone(cidrs));
    doc_map_set(src, "source", source);
    doc_seq_push(from, src);
    doc_map_set(rule, "from", from);
    doc_map_set(op, "hosts", doc_clone(hosts));
    if (paths)
        doc_map_set(op, "paths", doc_clone(paths));
    doc_map_set(opw, "operation", op);
    doc_seq_push(to, opw);
    doc_map_set(rule, "to", to);
    return rule;
}

int conv_render_ap(conv *c, ing_entry *e)
{
    const ann_settings *a = &e->a;
    bool allow = a->allow_cidrs && a->allow_cidrs->len, deny = a->deny_cidrs && a->deny_cidrs->len;
    if (!allow && !deny)
        return 0;
    doc_node *hosts = ap_hosts(e);
    if (!hosts || !hosts->len) {
        doc_free(hosts);
        return 0;
    }
    bool approx = false;
    doc_node *paths = ap_paths(c, e, &approx);
    char nm[400], name[64];
    snprintf(nm, sizeof nm, "%s-%s-source-range", e->v.ns, e->v.name);
    istio_dns_label(nm, name);
    doc_node *ap =
        istio_ap_new(c->o->gateway_namespace, name, c->o->gateway_selector_value, "DENY");
    doc_node *rules = ap ? doc_getv(ap, "spec", "rules", NULL) : NULL;
    if (rules && allow)
        doc_seq_push(rules, ap_rule("notRemoteIpBlocks", a->allow_cidrs, hosts, paths));
    if (rules && deny)
        doc_seq_push(rules, ap_rule("remoteIpBlocks", a->deny_cidrs, hosts, paths));
    doc_free(hosts);
    doc_free(paths);
    if (approx)
        mp_warn(&c->plan->w, MPW_ANN_APPROX, MP_SEV_WARNING, e->ref, "spec.rules[].http.paths",
                "approximated: AuthorizationPolicy paths cannot be regexes; the source-range "
                "rule covers each path's literal prefix");
    ing_entry *self = e;
    if (!rules || conv_set_sources(ap, &self, 1) < 0) {
        doc_free(ap);
        return -1;
    }
    return conv_push_obj(c->plan, ap);
}
