/*
 * convert_gateway.c - the tenant Gateways (docs/conversion.md §6-§7): one
 * <ns>/meshpanel-gateway per namespace with a plain HTTP server, an
 * HTTP server that redirects to HTTPS, and one HTTPS server per
 * certificate (and one per certificate whose hosts ask for client
 * certificates, mode MUTUAL). A host is on the Gateway of its oldest
 * Ingress's namespace only, whichever namespaces route it. Hosts on the
 * shared Gateway (shared mode) get no Gateway,
 * only a note that the shared one's certificate and redirect apply.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/bucket.h"
#include "model/convert_int.h"
#include "model/emit.h"
#include "model/istio.h"
#include "model/sort.h"
#include "model/strbuf.h"

#define TENANT_GATEWAY "meshpanel-gateway"

const char *conv_gateway_ref(const conv *c, const hostgrp *g, char *buf, size_t n)
{
    if (g->platform)
        return c->o->shared_gateway;
    str_join(buf, n, g->ns, "/", TENANT_GATEWAY, (char *)NULL);
    return buf;
}

static int cmp_host(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static doc_node *host_seq(const char **hosts, size_t n)
{
    mp_sort(hosts, n, sizeof *hosts, cmp_host);
    doc_node *seq = doc_seq_new();
    for (size_t i = 0; seq && i < n; i++)
        doc_seq_push(seq, doc_str_new(hosts[i]));
    return seq;
}

static bool wants_redirect(conv *c, hostgrp *g)
{
    if (!g->secret)
        return false; /* force-ssl without TLS is a route (convert_routes.c) */
    if (g->force)
        return true;
    if (g->redirect_no && g->redirect_yes) {
        mp_warn(&c->plan->w, MPW_REDIRECT_MIXED, MP_SEV_WARNING, g->src[0]->ref,
                "metadata.annotations[\"" NGINX_ANNOTATION_PREFIX "ssl-redirect\"]",
                "host %s: some Ingresses disable ssl-redirect and some do not; httpsRedirect is "
                "per host, so the host is NOT redirected (nginx redirected the other paths)",
                g->host);
        return false;
    }
    return !g->redirect_no;
}

/* MP306: the one difference of a default (or forced) HTTPS redirect that
 * touches clients, said once per host. */
static void note_redirect_301(conv *c, const hostgrp *g)
{
    mp_warn(&c->plan->w, MPW_REDIRECT_301, MP_SEV_INFO, g->secret_ing->ref, "spec.tls",
            "host %s: the Gateway's httpsRedirect answers HTTP with 301 where nginx answers 308; "
            "browsers repeat a redirected POST as a GET without its body (send forms and API "
            "clients to https:// directly)",
            g->host);
}

/* One HTTPS server: a certificate, and whether it asks for client
 * certificates (auth-tls, convert_access.c). */
typedef struct {
    const char *secret;
    bool mtls;
    const char **hosts;
    size_t n;
} cert_hosts;

static int cmp_cert(const void *a, const void *b)
{
    const cert_hosts *x = a, *y = b;
    int r = strcmp(x->secret, y->secret);
    return r ? r : (int)x->mtls - (int)y->mtls;
}

static void https_port_name(const char *secret, bool mtls, char out[64])
{
    char buf[300];
    str_join(buf, sizeof buf, "https-", secret, mtls ? "-mtls" : "", (char *)NULL);
    istio_dns_label(buf, out);
}

/* The hosts of one namespace's Gateway, by server, each list in the
 * order of the groups given (by host). */
typedef struct {
    const char **plain, **redir;
    cert_hosts *certs;
    size_t np, nr, nc;
    ing_entry **src;
    size_t nsrc;
    void *mem; /* the lists and certs: one block (it was three callocs and one
                * per certificate for each of 2,000 Gateways) */
} gw_hosts;

static void gw_hosts_free(gw_hosts *s)
{
    free(s->mem);
    free(s->src);
}

/* The HTTPS server of g's secret (a new one if needed), counted. */
static size_t cert_of(gw_hosts *s, const hostgrp *g)
{
    size_t k = 0;
    bool mtls = g->mtls != NULL;
    while (k < s->nc && (s->certs[k].mtls != mtls || strcmp(s->certs[k].secret, g->secret)))
        k++;
    if (k == s->nc)
        s->certs[s->nc++] = (cert_hosts){g->secret, mtls, NULL, 0};
    s->certs[k].n++;
    return k;
}

/* MP302, once per secret (its namespace is the Ingress's that names it,
 * which may not be the Gateway's): Istio reads credentialName from the
 * gateway pods' namespace, not the tenant's. */
static void warn_secret_ns(conv *c, const hostgrp *g, hmap *warned)
{
    const char *ns = g->secret_ing->v.ns;
    if (!strcmp(ns, c->o->gateway_namespace))
        return;
    char k[600];
    hmap_key2(k, sizeof k, ns, g->secret);
    if (hmap_get(warned, k) >= 0)
        return;
    if (hmap_put(warned, k, 0) < 0)
        c->oom = true;
    mp_warn(&c->plan->w, MPW_TLS_SECRET_NS, MP_SEV_WARNING, g->secret_ing->ref,
            "spec.tls[].secretName",
            "credentialName %s is read from the gateway pods' namespace %s, not %s: "
            "copy secret %s/%s to %s (under a name no other tenant uses)",
            g->secret, c->o->gateway_namespace, ns, ns, g->secret, c->o->gateway_namespace);
}

/* The groups' hosts by server, and the findings about them in the groups'
 * order: the certificates are counted first, then their host lists laid
 * out one after another in one array. */
static int collect_hosts(conv *c, hostgrp **grps, size_t n, gw_hosts *s, hmap *warned)
{
    size_t each = 3 * sizeof(char *) + sizeof(cert_hosts) + sizeof(size_t);
    char *mem = s->mem = malloc(n * each);
    if (!mem)
        return -1;
    s->plain = (const char **)(void *)mem;
    s->redir = s->plain + n;
    const char **chosts = s->redir + n;
    s->certs = (cert_hosts *)(void *)(chosts + n);
    size_t *cert = (size_t *)(void *)(s->certs + n);
    for (size_t i = 0; i < n; i++) {
        hostgrp *g = grps[i];
        for (size_t k = 0; k < g->nsrc; k++)
            if (conv_add_src(&s->src, &s->nsrc, g->src[k]) < 0)
                return -1;
        if (wants_redirect(c, g)) {
            s->redir[s->nr++] = g->host;
            note_redirect_301(c, g);
        } else
            s->plain[s->np++] = g->host;
        cert[i] = g->secret ? cert_of(s, g) : SIZE_MAX;
        if (g->secret)
            warn_secret_ns(c, g, warned);
    }
    for (size_t k = 0, at = 0; k < s->nc; k++) {
        s->certs[k].hosts = chosts + at;
        at += s->certs[k].n;
        s->certs[k].n = 0;
    }
    for (size_t i = 0; i < n; i++)
        if (cert[i] != SIZE_MAX)
            s->certs[cert[i]].hosts[s->certs[cert[i]].n++] = grps[i]->host;
    return 0;
}

static doc_node *gateway_doc(conv *c, const char *ns, gw_hosts *s)
{
    doc_node *gw = istio_gateway_new(ns, TENANT_GATEWAY, c->o->gateway_selector_value);
    if (!gw)
        return NULL;
    if (s->np)
        istio_gateway_add_server(gw, 80, "HTTP", "http", host_seq(s->plain, s->np), NULL);
    if (s->nr) {
        doc_node *tls = doc_map_new();
        if (tls)
            doc_map_set(tls, "httpsRedirect", doc_bool_new(true));
        istio_gateway_add_server(gw, 80, "HTTP", "http-redirect", host_seq(s->redir, s->nr), tls);
    }
    mp_sort(s->certs, s->nc, sizeof *s->certs, cmp_cert);
    for (size_t k = 0; k < s->nc; k++) {
        char pname[64];
        https_port_name(s->certs[k].secret, s->certs[k].mtls, pname);
        doc_node *tls = doc_map_new();
        if (tls) {
            /* MUTUAL: Istio reads the CA from <credentialName>-cacert */
            doc_map_set_str(tls, "mode", s->certs[k].mtls ? "MUTUAL" : "SIMPLE");
            doc_map_set_str(tls, "credentialName", s->certs[k].secret);
        }
        istio_gateway_add_server(gw, 443, "HTTPS", pname,
                                 host_seq(s->certs[k].hosts, s->certs[k].n), tls);
    }
    return gw;
}

/* ---- text mode: gateway_doc's Gateway written without its tree ---- */

/* A literal key (YAML_W_KEY) and its string value. */
#define KV(w, lit, value) (YAML_W_KEY(w, lit), yaml_w_str(w, value))

/* istio_gateway_add_server's server in canonical (proto) order; tls_mode
 * NULL: none, "" an HTTPS redirect, else the mode ("SIMPLE", "MUTUAL")
 * and credentialName. The hosts come sorted (collect_hosts keeps the
 * groups' order, by host). The port's number, protocol and name are plain
 * as they are (a DNS label for the name): written without a scan. */
static void server_text(yaml_w *w, bool https, const char *port_name, const char *const *hosts,
                        size_t n, const char *tls_mode, const char *secret)
{
    yaml_w_map(w);
    YAML_W_KEY(w, "port");
    yaml_w_map(w);
    YAML_W_KEY(w, "number");
    https ? YAML_W_STR(w, "443") : YAML_W_STR(w, "80");
    YAML_W_KEY(w, "protocol");
    https ? YAML_W_STR(w, "HTTPS") : YAML_W_STR(w, "HTTP");
    YAML_W_KEY(w, "name");
    yaml_w_str_plain(w, port_name, strlen(port_name));
    yaml_w_end(w);
    YAML_W_KEY(w, "hosts");
    yaml_w_seq(w);
    for (size_t i = 0; i < n; i++)
        yaml_w_str(w, hosts[i]);
    yaml_w_end(w);
    if (tls_mode) {
        YAML_W_KEY(w, "tls");
        yaml_w_map(w);
        if (!*tls_mode) {
            YAML_W_KEY(w, "httpsRedirect");
            yaml_w_bool(w, true);
        } else {
            YAML_W_KEY(w, "mode");
            yaml_w_str_plain(w, tls_mode, strlen(tls_mode));
            KV(w, "credentialName", secret);
        }
        yaml_w_end(w);
    }
    yaml_w_end(w);
}

/* The YAML doc_emit_yaml writes for gateway_doc's tree with its sources,
 * into the plan's buffer, for a plan in text mode (the tree would exist
 * only to be encoded). False when yaml_w hands it back (text only libyaml
 * writes) or out of memory: the caller builds the tree then. */
static bool gateway_text(conv *c, const char *ns, gw_hosts *s)
{
    const char *sel = c->o->gateway_selector_value;
    char *src = sel && ns ? conv_sources_text(s->src, s->nsrc) : NULL;
    if (!src)
        return false;
    strbuf_reset(&c->plan->yaml);
    yaml_w w;
    yaml_w_begin(&w, &c->plan->yaml);
    conv_head_text(&w, "Gateway", TENANT_GATEWAY, ns, src);
    free(src);
    YAML_W_KEY(&w, "selector");
    yaml_w_map(&w);
    KV(&w, "istio", sel);
    yaml_w_end(&w);
    YAML_W_KEY(&w, "servers");
    yaml_w_seq(&w);
    if (s->np)
        server_text(&w, false, "http", s->plain, s->np, NULL, NULL);
    if (s->nr)
        server_text(&w, false, "http-redirect", s->redir, s->nr, "", NULL);
    mp_sort(s->certs, s->nc, sizeof *s->certs, cmp_cert);
    for (size_t k = 0; k < s->nc; k++) {
        char pname[64];
        https_port_name(s->certs[k].secret, s->certs[k].mtls, pname);
        server_text(&w, true, pname, s->certs[k].hosts, s->certs[k].n,
                    s->certs[k].mtls ? "MUTUAL" : "SIMPLE", s->certs[k].secret);
    }
    yaml_w_end(&w);
    yaml_w_end(&w);
    yaml_w_end(&w);
    return yaml_w_end_doc(&w) && !c->plan->yaml.oom;
}

/* One Gateway for the namespace's hosts in grps[0..n) (all same ns). */
static int render_gateway(conv *c, hostgrp **grps, size_t n, hmap *warned)
{
    gw_hosts s = {0};
    int rc = collect_hosts(c, grps, n, &s, warned);
    if (rc == 0 && c->plan->text && gateway_text(c, grps[0]->ns, &s)) {
        rc = conv_push_text(c->plan, grps[0]->ns, "Gateway", TENANT_GATEWAY);
        gw_hosts_free(&s);
        return rc;
    }
    doc_node *gw = rc < 0 ? NULL : gateway_doc(c, grps[0]->ns, &s);
    if (!gw || conv_set_sources(gw, s.src, s.nsrc) < 0) {
        doc_free(gw);
        rc = -1;
    } else {
        rc = conv_push_obj(c->plan, gw);
    }
    gw_hosts_free(&s);
    return rc;
}

static int cmp_grp_host(const void *a, const void *b)
{
    return strcmp((*(hostgrp *const *)a)->host, (*(hostgrp *const *)b)->host);
}

/* A namespace's few groups (4.6 at 10k Ingresses) by host: by insertion,
 * where qsort's set-up cost more than the compares. */
static void sort_hosts(void *run, size_t n)
{
    hostgrp **g = run;
    if (n > 16) {
        mp_sort(g, n, sizeof *g, cmp_grp_host);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        hostgrp *t = g[i];
        size_t j = i;
        for (; j && strcmp(g[j - 1]->host, t->host) > 0; j--)
            g[j] = g[j - 1];
        g[j] = t;
    }
}

/* The namespace of items[i] (bucket_by_key). */
static const char *ns_of(const void *items, size_t i)
{
    return ((hostgrp *const *)items)[i]->ns;
}

/* list[0..n) by (namespace, host) into out: the namespaces (2,000 at 10k
 * Ingresses) sorted once, the groups put in their namespace's place, and
 * each namespace's few hosts sorted (bucket.h). Hosts are unique (one group
 * a host). 0 or -1 out of memory. */
static int order_by_ns(hostgrp **list, size_t n, hostgrp **out)
{
    return bucket_sort(list, n, sizeof *list, ns_of, sort_hosts, out);
}

static void shared_notes(conv *c, hostgrp *g)
{
    if (g->secret || g->force)
        mp_warn(&c->plan->w, MPW_TLS_SHARED, MP_SEV_INFO,
                g->secret ? g->secret_ing->ref : g->src[0]->ref, "spec.tls",
                "host %s is served by the shared gateway %s: its certificate and HTTPS "
                "redirect apply%s%s",
                g->host, c->o->shared_gateway, g->secret ? "; secret not used: " : "",
                g->secret ? g->secret : "");
}

int conv_render_gateways(conv *c)
{
    hostgrp **list = calloc(c->ngrp ? 2 * c->ngrp : 1, sizeof *list), **sorted = list + c->ngrp;
    size_t n = 0;
    if (!list)
        return -1;
    for (size_t i = 0; i < c->ngrp; i++) {
        hostgrp *g = &c->grp[i];
        if (!g->has_vs)
            continue; /* left out with MP210 (conv_render_vs) */
        if (g->platform)
            shared_notes(c, g);
        else
            list[n++] = g;
    }
    hmap warned = {0};
    int rc = order_by_ns(list, n, sorted);
    for (size_t i = 0; i < n && rc == 0;) {
        size_t j = i + 1;
        while (j < n && sorted[j]->ns == sorted[i]->ns)
            j++;
        while (j < n && !strcmp(sorted[j]->ns, sorted[i]->ns))
            j++;
        rc = render_gateway(c, sorted + i, j - i, &warned);
        i = j;
    }
    hmap_free(&warned);
    free(list);
    return rc;
}
