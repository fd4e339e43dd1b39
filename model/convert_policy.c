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
#include "model/strbuf.h"

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

/* ---- text mode: the DestinationRule written without its tree ---- */

/* A literal key (YAML_W_KEY) and its literal plain value. */
#define KL(w, k, v) (YAML_W_KEY(w, k), YAML_W_STR(w, v))

/* dr_fill's settings of one port, in canonical order (the order dr_fill
 * adds them: loadBalancer, connectionPool {tcp, http}, tls). */
static void port_text(yaml_w *w, const dr_port *p)
{
    if (p->lb || p->hash) {
        YAML_W_KEY(w, "loadBalancer");
        yaml_w_map(w);
        if (p->hash) {
            YAML_W_KEY(w, "consistentHash");
            yaml_w_node(w, p->hash);
        } else {
            YAML_W_KEY(w, "simple");
            yaml_w_str(w, p->lb);
        }
        yaml_w_end(w);
    }
    bool h2 = p->proto == BP_GRPC || p->proto == BP_GRPCS;
    if (p->connect > 0 || h2) {
        YAML_W_KEY(w, "connectionPool");
        yaml_w_map(w);
        if (p->connect > 0) {
            char buf[32];
            size_t n = str_utoa(buf, (unsigned long long)p->connect);
            buf[n] = 's', buf[n + 1] = '\0';
            YAML_W_KEY(w, "tcp");
            yaml_w_map(w);
            YAML_W_KEY(w, "connectTimeout");
            yaml_w_str(w, buf);
            yaml_w_end(w);
        }
        if (h2) {
            YAML_W_KEY(w, "http");
            yaml_w_map(w);
            KL(w, "h2UpgradePolicy", "UPGRADE");
            yaml_w_end(w);
        }
        yaml_w_end(w);
    }
    if (p->proto == BP_HTTPS || p->proto == BP_GRPCS) {
        YAML_W_KEY(w, "tls");
        yaml_w_map(w);
        KL(w, "mode", "SIMPLE");
        YAML_W_KEY(w, "insecureSkipVerify");
        yaml_w_bool(w, true);
        yaml_w_end(w);
    }
}

/* dr_ports's trafficPolicy (ports sorted): the port-less settings at its
 * top, before portLevelSettings as canonical order puts them. */
static void policy_text(yaml_w *w, const dr_entry *d)
{
    yaml_w_map(w);
    size_t pl = 0;
    for (size_t p = 0; p < d->np; p++) {
        if (!d->p[p].port)
            port_text(w, &d->p[p]);
        else
            pl++;
    }
    if (pl) {
        YAML_W_KEY(w, "portLevelSettings");
        yaml_w_seq(w);
        for (size_t p = 0; p < d->np; p++) {
            if (!d->p[p].port)
                continue;
            yaml_w_map(w);
            YAML_W_KEY(w, "port");
            yaml_w_map(w);
            YAML_W_KEY(w, "number");
            yaml_w_int(w, d->p[p].port);
            yaml_w_end(w);
            port_text(w, &d->p[p]);
            yaml_w_end(w);
        }
        yaml_w_end(w);
    }
    yaml_w_end(w);
}

/* Text mode: the YAML doc_emit_yaml writes for the tree conv_render_drs
 * builds, without the tree (built, ordered, encoded and freed for each of
 * 800 Services, it cost 24,000 instructions a DestinationRule). False
 * when yaml_w hands it back or out of memory: the tree path runs then. */
static bool dr_text(conv *c, const dr_entry *d, const char *name, const char *host)
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
    policy_text(&w, d);
    YAML_W_KEY(&w, "exportTo");
    yaml_w_seq(&w);
    yaml_w_str(&w, c->o->gateway_namespace);
    yaml_w_end(&w);
    yaml_w_end(&w);
    yaml_w_end(&w);
    return yaml_w_end_doc(&w) && !c->plan->yaml.oom;
}

/* The tree of d, for a plan of trees or when dr_text gave up. */
static int dr_tree(conv *c, dr_entry *d, const char *name, const char *host)
{
    doc_node *dr = istio_dr_new(d->ns, name, host, c->o->gateway_namespace);
    doc_node *tp = dr ? doc_getv(dr, "spec", "trafficPolicy", NULL) : NULL;
    if (!tp || dr_ports(tp, d) < 0) {
        doc_free(dr);
        return -1;
    }
    istio_canonical_order(dr);
    if (conv_set_sources(dr, d->src, d->nsrc) < 0)
        return doc_free(dr), -1;
    return conv_push_obj(c->plan, dr);
}

int conv_render_drs(conv *c)
{
    for (size_t i = 0; i < c->ndr; i++) {
        dr_entry *d = &c->dr[i];
        char host[600], nm[300], name[64];
        str_join(host, sizeof host, d->svc, ".", d->ns, ".svc.", c->o->domain_suffix, (char *)NULL);
        str_join(nm, sizeof nm, d->svc, "-meshpanel", (char *)NULL);
        istio_dns_label(nm, name);
        mp_sort(d->p, d->np, sizeof *d->p, cmp_port);
        int rc;
        if (c->plan->text && dr_text(c, d, name, host))
            rc = conv_push_text(c->plan, d->ns, "DestinationRule", name);
        else
            rc = dr_tree(c, d, name, host);
        if (rc < 0)
            return -1;
    }
    return 0;
}
