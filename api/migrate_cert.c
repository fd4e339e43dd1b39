/*
 * migrate_cert.c - where each host's certificate must be for the gateway,
 * for plan (a report, with a cert-manager Certificate offered for custom
 * domains) and cutover (a check). Secrets are known by name only: the
 * session lists them as metadata.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/migrate_int.h"
#include "model/emit.h"
#include "model/kobj.h"
#include "model/migcert.h"
#include "model/sanitize.h"

#define MAX_SECRETS 8

static const char *gw_ns(const mig_session *s)
{
    return s->o.conv.gateway_namespace ? s->o.conv.gateway_namespace : "istio-system";
}

/* Is host under a --platform-domain? Without any, is its secret named in
 * the Ingresses of several namespaces (a platform wildcard certificate)? */
static bool platform_host(mig_session *s, const char *host, const char *secret)
{
    const convert_opts *o = &s->o.conv;
    if (o->nplatform_domains) {
        size_t hl = strlen(host);
        for (size_t i = 0; i < o->nplatform_domains; i++) {
            size_t dl = strlen(o->platform_domains[i]);
            if (hl > dl && host[hl - dl - 1] == '.' &&
                !strcmp(host + hl - dl, o->platform_domains[i]))
                return true;
        }
        return false;
    }
    const char *first = NULL;
    for (size_t i = 0; i < s->nents; i++) {
        const doc_node *tls = doc_getv(s->ents[i].original, "spec", "tls", NULL);
        for (size_t j = 0; doc_is_seq(tls) && j < tls->len; j++) {
            const char *sn = doc_get_str(tls->items[j], "secretName");
            if (!sn || strcmp(sn, secret))
                continue;
            if (first && strcmp(first, s->ents[i].ns))
                return true;
            first = s->ents[i].ns;
        }
    }
    return false;
}

static const doc_node *find_gateway(mig_session *s, doc_node *const *gen, size_t n, const char *ns,
                                    const char *name)
{
    for (size_t i = 0; i < n; i++) {
        const char *k = kobj_kind(gen[i]), *gns = kobj_namespace(gen[i]);
        if (k && !strcmp(k, "Gateway") && gns && !strcmp(gns, ns) &&
            !strcmp(kobj_name(gen[i]), name))
            return gen[i];
    }
    return mig_live(s, "Gateway", ns, name);
}

static void put_offer(mig_session *s, const char *host, const char *secret, strbuf *sb)
{
    doc_node *c = mig_certificate_offer(gw_ns(s), secret, host,
                                        s->o.cert_issuer ? s->o.cert_issuer : "letsencrypt-prod");
    char *y = c ? doc_emit_yaml(c, NULL, NULL) : NULL;
    doc_free(c);
    if (!y)
        return;
    strbuf_puts(sb, "    offered (cert-manager issues it where the gateway reads it; apply it "
                    "yourself):\n    ---\n");
    for (char *line = strtok(y, "\n"); line; line = strtok(NULL, "\n")) {
        char *clean = san_cleans(line, 0);
        strbuf_printf(sb, "    %s\n", clean ? clean : "?");
        free(clean);
    }
    free(y);
}

static void report_host(mig_session *s, tenant_slot *t, const char *host, const doc_node *gw,
                        strbuf *sb)
{
    char ref[300];
    const char *secrets[MAX_SECRETS];
    size_t n = mig_gateway_secrets(gw, host, secrets, MAX_SECRETS);
    if (!n) {
        strbuf_printf(sb, "  certificate: %s: none (plain HTTP on %s)\n", host,
                      kobj_ref(gw, ref, sizeof ref));
        return;
    }
    for (size_t i = 0; i < n; i++) {
        bool here = mig_live(s, "Secret", gw_ns(s), secrets[i]) != NULL;
        bool tenant = mig_live(s, "Secret", t->res.ns, secrets[i]) != NULL;
        strbuf_printf(sb, "  certificate: %s: secret %s must be in %s: %s%s%s\n", host, secrets[i],
                      gw_ns(s),
                      !s->secrets_gw ? "cannot be checked (its Secrets are not readable)"
                      : here         ? "present"
                                     : "MISSING",
                      !here && tenant ? ", it is in " : "", !here && tenant ? t->res.ns : "");
        if (s->secrets_gw && !here && !platform_host(s, host, secrets[i]))
            put_offer(s, host, secrets[i], sb);
        else if (s->secrets_gw && !here)
            strbuf_printf(sb, "    (a platform certificate: copy it to %s)\n", gw_ns(s));
    }
}

void mig_cert_report(mig_session *s, tenant_slot *t, doc_node *const *gen, size_t n, strbuf *sb)
{
    char *clean;
    for (size_t i = 0; i < n; i++) {
        const char *k = kobj_kind(gen[i]);
        if (!k || strcmp(k, "VirtualService"))
            continue;
        const doc_node *hosts = doc_getv(gen[i], "spec", "hosts", NULL);
        const doc_node *gws = doc_getv(gen[i], "spec", "gateways", NULL);
        for (size_t g = 0; doc_is_seq(gws) && g < gws->len; g++) {
            char ns[254], name[254];
            if (!mig_gateway_ref(doc_str(gws->items[g]), kobj_namespace(gen[i]), ns, sizeof ns,
                                 name, sizeof name))
                continue;
            const doc_node *gw = find_gateway(s, gen, n, ns, name);
            for (size_t h = 0; doc_is_seq(hosts) && h < hosts->len; h++) {
                const char *host = doc_str(hosts->items[h]);
                if (!host)
                    continue;
                if (!gw) {
                    clean = san_cleans(host, 0);
                    strbuf_printf(sb, "  certificate: %s: gateway %s/%s does not exist\n",
                                  clean ? clean : "?", ns, name);
                    free(clean);
                } else {
                    report_host(s, t, host, gw, sb);
                }
            }
        }
    }
}

static int check_host(mig_session *s, const char *host, const char *ns, const char *name, char *why,
                      size_t n)
{
    const doc_node *gw = mig_live(s, "Gateway", ns, name);
    if (!gw) {
        snprintf(why, n, "host %s: gateway %s/%s does not exist", host, ns, name);
        return -1;
    }
    const char *secrets[MAX_SECRETS];
    size_t k = mig_gateway_secrets(gw, host, secrets, MAX_SECRETS);
    for (size_t i = 0; i < k; i++) {
        if (!s->secrets_gw) {
            snprintf(why, n,
                     "host %s: the Secrets of %s cannot be read, so certificate %s cannot "
                     "be checked",
                     host, gw_ns(s), secrets[i]);
            return -1;
        }
        if (!mig_live(s, "Secret", gw_ns(s), secrets[i])) {
            snprintf(why, n,
                     "host %s: certificate secret %s is not in %s, where the gateway reads "
                     "it (see migrate plan)",
                     host, secrets[i], gw_ns(s));
            return -1;
        }
    }
    return 0;
}

int mig_cert_check(mig_session *s, tenant_slot *t, char *why, size_t n)
{
    for (size_t i = 0; i < t->live.n; i++) {
        const obj_id *id = &t->live.v[i];
        const doc_node *vs = mig_live(s, id->kind, id->ns, id->name);
        if (!vs || strcmp(id->kind, "VirtualService"))
            continue;
        const doc_node *hosts = doc_getv(vs, "spec", "hosts", NULL);
        const doc_node *gws = doc_getv(vs, "spec", "gateways", NULL);
        for (size_t g = 0; doc_is_seq(gws) && g < gws->len; g++) {
            char ns[254], name[254];
            if (!mig_gateway_ref(doc_str(gws->items[g]), id->ns, ns, sizeof ns, name, sizeof name))
                continue;
            for (size_t h = 0; doc_is_seq(hosts) && h < hosts->len; h++) {
                const char *host = doc_str(hosts->items[h]);
                if (host && check_host(s, host, ns, name, why, n) < 0)
                    return -1;
            }
        }
    }
    return 0;
}
