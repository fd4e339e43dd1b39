/*
 * lint_hosts.c - host ownership (MP701-MP705): one tenant per host, tenant
 * hosts under the platform's domains or the tenant's own, no denied
 * suffix, no wildcard, and (--check-dns) custom domains CNAMEd to the
 * platform. Membership is decided on label boundaries.
 */
#include <stdio.h>
#include <string.h>

#include "model/lint_int.h"

static int index_claim(const lint_item *it, const lint_host *h, void *ud)
{
    lint_ctx *c = ud;
    return lint_pairs_add(&c->hosts, c, h->host, it - c->s->items, true);
}

int lint_index_hosts(lint_ctx *c, long i)
{
    return lint_item_hosts(&c->s->items[i], false, index_claim, c);
}

static bool equal_or_under(const strv *list, const char *host)
{
    for (size_t i = 0; i < list->n; i++)
        if (!strcmp(host, list->v[i]))
            return true;
    return lint_domain_under(list, host) != NULL;
}

static const char *kind_lower(const lint_item *it, char *buf, size_t n)
{
    size_t i = 0;
    for (; it->kind[i] && i + 1 < n; i++)
        buf[i] = (char)(it->kind[i] >= 'A' && it->kind[i] <= 'Z' ? it->kind[i] + 32 : it->kind[i]);
    buf[i] = 0;
    return buf;
}

/* The claim of namespace ns for host, if any. */
static const lint_item *claim_of(const lint_ctx *c, const char *host, const char *ns)
{
    const lint_pair *p = lint_pairs_get(&c->hosts, host);
    const lint_item *b = p ? lint_ctx_item(c, p->best) : NULL;
    const lint_item *o = p ? lint_ctx_item(c, p->other) : NULL;
    if (b && !strcmp(b->ns, ns))
        return b;
    return o && !strcmp(o->ns, ns) ? o : NULL;
}

static void taken(lint_run_state *r, const lint_item *it, const lint_host *h)
{
    const lint_ctx *c = r->c;
    const char *dom = NULL;
    const char *owner = lint_custom_owner(c->p, h->host, &dom);
    const lint_item *rel;
    char k[64];
    if (owner) {
        if (!strcmp(owner, it->ns))
            return;
        rel = claim_of(c, h->host, owner);
        lint_add(r, MPL_HOST_TAKEN, MP_SEV_ERROR, it, h->path, rel,
                 "remove the host here; the policy gives it to its owner",
                 "host %s is %s's custom domain (%s) by the policy", h->host, owner, dom);
        return;
    }
    rel = lint_ctx_item(c, lint_pairs_other(c, &c->hosts, h->host, it, true));
    /* the namespace claims the host since its first object that does: an
     * edit of the VirtualService its Ingress converts to (checked alone,
     * created "now") keeps the Ingress's claim */
    const lint_item *mine = claim_of(c, h->host, it->ns);
    const char *since =
        mine && strcmp(mine->created, it->created) < 0 ? mine->created : it->created;
    if (!rel || strcmp(rel->created, since) > 0 ||
        (!strcmp(rel->created, since) && strcmp(rel->ns, it->ns) > 0))
        return; /* none, or this namespace claimed it first */
    lint_add(r, MPL_HOST_TAKEN, MP_SEV_ERROR, it, h->path, rel,
             "remove the host here, or give it another name; a host has one owner",
             "host %s is also claimed by namespace %s (%s %s/%s, older): two tenants may not "
             "share a host",
             h->host, rel->ns, kind_lower(rel, k, sizeof k), rel->ns, rel->name);
}

static bool own_wildcard(const lint_policy *p, const lint_item *it, const char *host)
{
    const char *owner = host[1] == '.' ? lint_custom_owner(p, host + 2, NULL) : NULL;
    return owner && !strcmp(owner, it->ns);
}

static void cname(lint_run_state *r, const lint_item *it, const lint_host *h)
{
    const lint_policy *p = r->c->p;
    const lint_dns_answer *a = lint_set_dns_get(r->c->s, h->host);
    if (!a)
        return;
    if (a->st == LINT_DNS_UNKNOWN) {
        lint_add(r, MPL_HOST_CNAME, MP_SEV_INFO, it, h->path, NULL,
                 "check the DNS record by hand, or run again",
                 "CNAME of %s unknown: the lookup failed", h->host);
        return;
    }
    char t[256];
    snprintf(t, sizeof t, "%s", a->target ? a->target : "");
    size_t l = strlen(t);
    if (l && t[l - 1] == '.')
        t[l - 1] = 0;
    if (a->st == LINT_DNS_CNAME && equal_or_under(&p->platform, t))
        return;
    char hint[400];
    snprintf(hint, sizeof hint, "point a CNAME record for %s at the tenant's platform host",
             h->host);
    if (a->st == LINT_DNS_CNAME)
        lint_add(r, MPL_HOST_CNAME, MP_SEV_WARNING, it, h->path, NULL, hint,
                 "%s is a CNAME for %s, which is under no platform domain", h->host, t);
    else
        lint_add(r, MPL_HOST_CNAME, MP_SEV_WARNING, it, h->path, NULL, hint,
                 "%s has no CNAME record: its traffic does not reach the platform", h->host);
}

/* The policy's rules for a tenant's host (any host of any object). */
static void tenant_host(lint_run_state *r, const lint_item *it, const lint_host *h)
{
    const lint_policy *p = r->c->p;
    const char *owner = lint_custom_owner(p, h->host, NULL);
    if (h->host[0] == '*' && !own_wildcard(p, it, h->host)) {
        lint_add(r, MPL_HOST_WILDCARD, MP_SEV_ERROR, it, h->path, NULL,
                 "name the tenant's hosts one by one",
                 "wildcard host %s in tenant namespace %s takes other tenants' traffic", h->host,
                 it->ns);
        return;
    }
    if (equal_or_under(&p->denied, h->host)) {
        const char *d = lint_domain_under(&p->denied, h->host);
        lint_add(r, MPL_HOST_DENIED, MP_SEV_ERROR, it, h->path, NULL,
                 "use a host under a platform domain or the tenant's own domain",
                 "host %s is under the denied suffix %s", h->host, d ? d : h->host);
        return;
    }
    if (p->platform.n && h->host[0] != '*' && !lint_domain_under(&p->platform, h->host) && !owner)
        lint_add(r, MPL_HOST_FOREIGN, MP_SEV_ERROR, it, h->path, NULL,
                 "add the domain to the tenant's customDomains in the policy, or use a "
                 "platform host",
                 "host %s is under no platform domain and not a custom domain of %s", h->host,
                 it->ns);
}

static int check_host(const lint_item *it, const lint_host *h, void *ud)
{
    lint_run_state *r = ud;
    bool claim = strcmp(it->kind, "Gateway") != 0;
    if (lint_tenant_ns(r->c->p, it->ns)) {
        tenant_host(r, it, h);
        if (claim && h->host[0] != '*' && !lint_domain_under(&r->c->p->platform, h->host))
            cname(r, it, h);
    }
    if (claim)
        taken(r, it, h);
    return r->oom ? -1 : 0;
}

void lint_check_hosts(lint_run_state *r, const lint_item *it)
{
    if (lint_derived(r->c, it))
        return;
    lint_item_hosts(it, true, check_host, r);
}
