/*
 * convert_policy.c - the objects beside the routes (docs/conversion.md
 * §10): a DestinationRule per backend Service whose Ingresses ask for
 * backend settings (protocol, connect timeout, load balancing, affinity).
 * The AuthorizationPolicies are in convert_authz.c.
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
        if (!dr_same(&d->p[p], e->a) && d->p[p].ing != e)
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
                              .proto = e->a->proto,
                              .connect = e->a->connect_timeout,
                              .lb = e->a->lb_simple,
                              .hash = e->a->consistent_hash};
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
            if (!r->be || !dr_wanted(r->ing->a) || r->ing->a->redirect ||
                conv_route_closed(c, g, r))
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

/* Text mode: the DestinationRule written from its spec's trafficPolicy
 * (built and ordered as a tree) without pushing the whole tree through
 * the encoder: the same bytes, as vs_text writes a VirtualService. False
 * when yaml_w hands it back or out of memory; the tree path then runs. */
static bool dr_text(conv *c, const dr_entry *d, const char *name, const char *host,
                    const doc_node *tp)
{
    char *src = conv_sources_text(d->src, d->nsrc);
    if (!src)
        return false;
    strbuf_reset(&c->plan->yaml);
    yaml_w w;
    yaml_w_begin(&w, &c->plan->yaml);
    conv_head_text(&w, "DestinationRule", name, d->ns, src);
    free(src);
    YAML_W_KEY(&w, "host");
    yaml_w_str(&w, host);
    YAML_W_KEY(&w, "trafficPolicy");
    yaml_w_node(&w, tp);
    YAML_W_KEY(&w, "exportTo");
    yaml_w_seq(&w);
    yaml_w_str(&w, c->o->gateway_namespace);
    yaml_w_end(&w);
    yaml_w_end(&w);
    yaml_w_end(&w);
    return yaml_w_end_doc(&w) && !c->plan->yaml.oom;
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
        if (c->plan->text && dr_text(c, d, name, host, tp)) {
            doc_free(dr);
            if (conv_push_text(c->plan, d->ns, "DestinationRule", name) < 0)
                return -1;
            continue;
        }
        if (conv_set_sources(dr, d->src, d->nsrc) < 0 || conv_push_obj(c->plan, dr) < 0)
            return -1;
    }
    return 0;
}
