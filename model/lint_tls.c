/*
 * lint_tls.c - certificates (MP721-MP725): a Gateway's credentialName in
 * the namespace the gateway pods read it from, an Ingress's secretName in
 * its own, every HTTPS server with a certificate, no certificate in two
 * Gateways of one workload, TLS hosts that are hosts of the object.
 * Secrets are metadata only: lint knows names, never contents.
 */
#include <stdio.h>
#include <string.h>

#include "model/docpath.h"
#include "model/lint_int.h"
#include "model/x509name.h"

static bool cert_mode(const char *mode)
{
    return !mode || !strcmp(mode, "SIMPLE") || !strcmp(mode, "MUTUAL") ||
           !strcmp(mode, "OPTIONAL_MUTUAL");
}

/* A Secret the namespace holds, or one a cert-manager Certificate of the
 * namespace writes (being issued is not missing). */
static bool secret_exists(const lint_ctx *c, const char *ns, const char *name)
{
    char key[600];
    snprintf(key, sizeof key, "%s\x1f%s", ns, name);
    return lint_set_find(c->s, "Secret", ns, name) || hmap_get(&c->issued, key) >= 0;
}

int lint_index_tls(lint_ctx *c, long i)
{
    const lint_item *it = lint_ctx_item(c, i);
    const char *secret = doc_str(docpath_get(it->doc, "spec.secretName"));
    char key[600];
    if (strcmp(it->kind, "Certificate") || !secret || !*secret)
        return 0;
    snprintf(key, sizeof key, "%s\x1f%s", it->ns, secret);
    return hmap_put(&c->issued, key, (size_t)i);
}

static void no_cert(lint_run_state *r, const lint_item *it, const doc_node *srv, const char *sp)
{
    const char *proto = doc_str(docpath_get(srv, "port.protocol"));
    const char *mode = doc_str(docpath_get(srv, "tls.mode"));
    bool https = proto && !strcmp(proto, "HTTPS");
    bool tls = proto && !strcmp(proto, "TLS") && mode && cert_mode(mode);
    if ((!https && !tls) || !cert_mode(mode) || docpath_get(srv, "tls.credentialName") ||
        docpath_get(srv, "tls.serverCertificate"))
        return;
    char path[128];
    snprintf(path, sizeof path, "%s.tls.credentialName", sp);
    lint_add(r, MPL_TLS_NO_CERT, MP_SEV_ERROR, it, path, NULL,
             "set tls.mode SIMPLE and credentialName to the certificate's Secret",
             "%s server without a certificate: Envoy cannot complete a TLS handshake on it", proto);
}

static void secret_missing(lint_run_state *r, const lint_item *it, const char *cred,
                           const char *path)
{
    const lint_set *s = r->c->s;
    const char *gns = r->c->p->gw_ns;
    if (!lint_set_known(s, "Secret", gns) || secret_exists(r->c, gns, cred))
        return;
    char hint[600];
    if (strcmp(it->ns, gns) && secret_exists(r->c, it->ns, cred))
        snprintf(hint, sizeof hint,
                 "copy Secret %s/%s to %s (under a name no other tenant uses), or issue the "
                 "certificate there with cert-manager",
                 it->ns, cred, gns);
    else
        snprintf(hint, sizeof hint, "create the Secret %s in %s (a cert-manager Certificate)", cred,
                 gns);
    lint_add(r, MPL_TLS_NO_SECRET, MP_SEV_ERROR, it, path, NULL, hint,
             "no Secret %s in %s, where the gateway pods read credentialName: its hosts get no "
             "certificate",
             cred, gns);
}

static void shared_cert(lint_run_state *r, const lint_item *it, const doc_node *sel,
                        const char *cred, const char *path)
{
    char key[1100], s[512];
    snprintf(key, sizeof key, "%s\x1f%s", lint_selector(sel, s, sizeof s), cred);
    const lint_item *o = lint_ctx_item(r->c, lint_pairs_other(r->c, &r->c->certs, key, it, false));
    if (!o)
        return;
    lint_add(r, MPL_TLS_SHARED, MP_SEV_WARNING, it, path, o,
             "serve the hosts of one certificate from one Gateway (shared gateway mode), or give "
             "each Gateway its own certificate",
             "certificate %s is also served by gateway %s/%s on the same workload: browsers that "
             "reuse an HTTP/2 connection get 404 for the other Gateway's hosts",
             cred, o->ns, o->name);
}

static void gateway(lint_run_state *r, const lint_item *it)
{
    const doc_node *ss = docpath_get(it->doc, "spec.servers");
    const doc_node *sel = docpath_get(it->doc, "spec.selector");
    for (size_t i = 0; doc_is_seq(ss) && i < ss->len && !r->oom; i++) {
        char sp[64], path[128];
        snprintf(sp, sizeof sp, "spec.servers[%zu]", i);
        no_cert(r, it, ss->items[i], sp);
        const char *cred = doc_str(docpath_get(ss->items[i], "tls.credentialName"));
        if (!cred || !*cred)
            continue;
        snprintf(path, sizeof path, "%s.tls.credentialName", sp);
        secret_missing(r, it, cred, path);
        shared_cert(r, it, sel, cred, path);
    }
}

/* ---- Ingress ---- */

static bool rule_host_covered(const doc_node *rules, const char *tls_host)
{
    for (size_t i = 0; doc_is_seq(rules) && i < rules->len; i++) {
        const char *h = doc_get_str(rules->items[i], "host");
        if (h && (!strcmp(h, tls_host) || x509_name_covers(tls_host, h)))
            return true;
    }
    return false;
}

static void ingress_entry(lint_run_state *r, const lint_item *it, const doc_node *e, size_t i)
{
    const doc_node *rules = docpath_get(it->doc, "spec.rules");
    const doc_node *hs = doc_get(e, "hosts");
    char path[96];
    for (size_t j = 0; doc_is_seq(hs) && j < hs->len; j++) {
        const char *h = doc_str(hs->items[j]);
        if (!h || !*h || rule_host_covered(rules, h))
            continue;
        snprintf(path, sizeof path, "spec.tls[%zu].hosts[%zu]", i, j);
        lint_add(r, MPL_TLS_HOST, MP_SEV_WARNING, it, path, NULL,
                 "add a rule for the host, or remove it from tls",
                 "tls host %s is no host of the Ingress's rules: nginx uses an Ingress's "
                 "certificate for its own rules only",
                 h);
    }
    const char *secret = doc_get_str(e, "secretName");
    if (!secret || !*secret || !lint_set_known(r->c->s, "Secret", it->ns) ||
        secret_exists(r->c, it->ns, secret))
        return;
    snprintf(path, sizeof path, "spec.tls[%zu].secretName", i);
    lint_add(r, MPL_TLS_INGRESS, MP_SEV_WARNING, it, path, NULL,
             "create the Secret (or a cert-manager Certificate for it) in the namespace",
             "no Secret %s in %s: nginx serves its default certificate for these hosts", secret,
             it->ns);
}

/* ---- VirtualService ---- */

static bool vs_host_covers(const doc_node *hosts, const char *sni)
{
    for (size_t i = 0; doc_is_seq(hosts) && i < hosts->len; i++) {
        const char *h = doc_str(hosts->items[i]);
        if (h && (!strcmp(h, "*") || !strcmp(h, sni) || x509_name_covers(h, sni)))
            return true;
    }
    return false;
}

static void vs_tls(lint_run_state *r, const lint_item *it)
{
    const doc_node *hosts = docpath_get(it->doc, "spec.hosts");
    const doc_node *tls = docpath_get(it->doc, "spec.tls");
    for (size_t i = 0; doc_is_seq(tls) && i < tls->len; i++) {
        const doc_node *ms = doc_get(tls->items[i], "match");
        for (size_t j = 0; doc_is_seq(ms) && j < ms->len; j++) {
            const doc_node *sn = doc_get(ms->items[j], "sniHosts");
            for (size_t k = 0; doc_is_seq(sn) && k < sn->len; k++) {
                const char *h = doc_str(sn->items[k]);
                char path[128];
                if (!h || vs_host_covers(hosts, h))
                    continue;
                snprintf(path, sizeof path, "spec.tls[%zu].match[%zu].sniHosts[%zu]", i, j, k);
                lint_add(r, MPL_TLS_HOST, MP_SEV_ERROR, it, path, NULL,
                         "list the name in spec.hosts, or remove it here",
                         "sniHost %s is not one of the VirtualService's hosts: Istio rejects it",
                         h);
            }
        }
    }
}

void lint_check_tls(lint_run_state *r, const lint_item *it)
{
    if (!strcmp(it->kind, "Gateway")) {
        gateway(r, it);
    } else if (!strcmp(it->kind, "VirtualService")) {
        vs_tls(r, it);
    } else if (!strcmp(it->kind, "Ingress")) {
        const doc_node *tls = docpath_get(it->doc, "spec.tls");
        for (size_t i = 0; doc_is_seq(tls) && i < tls->len; i++)
            ingress_entry(r, it, tls->items[i], i);
    }
}
