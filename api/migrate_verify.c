/*
 * migrate_verify.c - the step verify for one tenant (see migrate.h): the
 * Ingresses as they were against the live Gateways and VirtualServices,
 * by model/verify.h; a pass is recorded as a fingerprint of what was
 * verified on each VirtualService of meshpanel of the tenant.
 *
 * The fingerprint covers the tenant's Ingresses as they were (spec,
 * labels, annotations, class) and the spec of every live object of
 * meshpanel that names them. It leaves out resourceVersions on purpose:
 * recording the pass, and the cutover itself, change them without changing
 * what was verified.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/migrate_int.h"
#include "model/kobj.h"
#include "model/migcert.h"
#include "model/sanitize.h"
#include "model/verify.h"

char *mig_tenant_fingerprint(mig_session *s, tenant_slot *t)
{
    uint64_t h = mig_hash_str("meshpanel-verify-1", MIG_HASH_SEED);
    for (size_t i = t->lo; i < t->hi; i++) {
        const doc_node *o = s->ents[i].original;
        h = mig_hash_str(s->ents[i].name, h);
        h = mig_hash_doc(doc_get(o, "spec"), h);
        h = mig_hash_doc(doc_getv(o, "metadata", "labels", NULL), h);
        h = mig_hash_doc(doc_getv(o, "metadata", "annotations", NULL), h);
    }
    for (size_t i = 0; i < t->live.n; i++) {
        const obj_id *id = &t->live.v[i];
        const doc_node *o = mig_live(s, id->kind, id->ns, id->name);
        if (!o)
            continue;
        h = mig_hash_str(id->name, mig_hash_str(id->ns, mig_hash_str(id->kind, h)));
        h = mig_hash_doc(doc_get(o, "spec"), h);
    }
    char *fp = malloc(24);
    if (fp)
        snprintf(fp, 24, "v1-%016llx", (unsigned long long)h);
    return fp;
}

/* The value is a comma list "NS=FINGERPRINT,...": a VirtualService of a
 * host several tenants route holds each tenant's pass. The entry of ns
 * into out (empty when there is none). */
static void entry_of(const char *v, const char *ns, char *out, size_t n)
{
    size_t nl = strlen(ns);
    *out = 0;
    for (const char *p = v; p && *p;) {
        size_t l = strcspn(p, ",");
        if (l > nl && !strncmp(p, ns, nl) && p[nl] == '=') {
            snprintf(out, n, "%.*s", (int)(l - nl - 1), p + nl + 1);
            return;
        }
        p += l + (p[l] == ',');
    }
}

/* v with ns's entry set to fp (removed when fp is NULL); malloc'd. */
static char *with_entry(const char *v, const char *ns, const char *fp)
{
    strbuf sb;
    strbuf_init(&sb);
    size_t nl = strlen(ns);
    for (const char *p = v; p && *p;) {
        size_t l = strcspn(p, ",");
        if (!(l > nl && !strncmp(p, ns, nl) && p[nl] == '=')) {
            if (sb.len)
                strbuf_putc(&sb, ',');
            strbuf_append(&sb, p, l);
        }
        p += l + (p[l] == ',');
    }
    if (fp)
        strbuf_printf(&sb, "%s%s=%s", sb.len ? "," : "", ns, fp);
    if (!sb.buf && !sb.oom)
        strbuf_puts(&sb, "");
    return sb.oom ? (strbuf_free(&sb), NULL) : strbuf_detach(&sb, NULL);
}

bool mig_verified(mig_session *s, tenant_slot *t, const char *fp, char *why, size_t n)
{
    size_t nvs = 0;
    for (size_t i = 0; i < t->live.n; i++) {
        const obj_id *id = &t->live.v[i];
        const doc_node *o = mig_live(s, id->kind, id->ns, id->name);
        if (!o || strcmp(id->kind, "VirtualService"))
            continue;
        nvs++;
        char have[64];
        entry_of(kobj_annotation(o, MIG_ANN_VERIFIED), t->res.ns, have, sizeof have);
        if (strcmp(have, fp)) {
            char ref[300];
            snprintf(why, n,
                     "verify has not passed for the objects as they are now (%s: %s): run "
                     "migrate verify",
                     kobj_ref(o, ref, sizeof ref), *have ? "verified an older version" : "never");
            return false;
        }
    }
    if (!nvs)
        snprintf(why, n, "no VirtualService of meshpanel routes the tenant: run migrate apply");
    return nvs > 0;
}

/* ---- the inputs ---- */

typedef struct {
    doc_node **v;
    size_t n, cap;
    bool oom;
} dvec;

static void dpush(dvec *d, const doc_node *o)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i] == o)
            return;
    if (d->n == d->cap) {
        size_t c = d->cap ? d->cap * 2 : 32;
        doc_node **x = realloc(d->v, c * sizeof *x);
        if (!x) {
            d->oom = true;
            return;
        }
        d->v = x;
        d->cap = c;
    }
    d->v[d->n++] = (doc_node *)o;
}

static void push_hosts(const doc_node *ing, dvec *hosts)
{
    const doc_node *rules = doc_getv(ing, "spec", "rules", NULL);
    for (size_t i = 0; doc_is_seq(rules) && i < rules->len; i++) {
        const doc_node *h = doc_get(rules->items[i], "host");
        if (h && doc_str(h))
            dpush(hosts, h);
    }
}

static bool has_host(const dvec *hosts, const doc_node *ing)
{
    const doc_node *rules = doc_getv(ing, "spec", "rules", NULL);
    for (size_t i = 0; doc_is_seq(rules) && i < rules->len; i++) {
        const char *h = doc_get_str(rules->items[i], "host");
        for (size_t j = 0; h && j < hosts->n; j++)
            if (!strcmp(h, doc_str(hosts->v[j])))
                return true;
    }
    return false;
}

static void add_store(mig_session *s, const char *kind, const char *ns, dvec *d)
{
    const store_obj **v;
    size_t n = store_list(s->st, kind, ns, &v);
    if (n == (size_t)-1) {
        d->oom = true;
        return;
    }
    for (size_t i = 0; i < n; i++)
        dpush(d, v[i]->doc);
    free(v);
}

/* The Ingresses as they were of the tenant and of every namespace sharing
 * one of its hosts (nginx serves a host from all of them), their Services,
 * the IngressClasses. */
static void nginx_inputs(mig_session *s, tenant_slot *t, dvec *in, dvec *hosts)
{
    for (size_t i = t->lo; i < t->hi; i++)
        push_hosts(s->ents[i].original, hosts);
    for (size_t i = 0; i < s->nents; i++)
        if ((i >= t->lo && i < t->hi) || has_host(hosts, s->ents[i].original))
            dpush(in, s->ents[i].original);
    size_t ning = in->n;
    for (size_t i = 0; i < ning; i++) {
        const char *ns = kobj_namespace(in->v[i]);
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = !strcmp(ns, kobj_namespace(in->v[j]));
        if (!seen)
            add_store(s, "Service", ns, in);
    }
    add_store(s, "IngressClass", NULL, in);
}

static void add_gateways(mig_session *s, const doc_node *vs, dvec *out)
{
    const doc_node *gws = doc_getv(vs, "spec", "gateways", NULL);
    for (size_t i = 0; doc_is_seq(gws) && i < gws->len; i++) {
        char ns[254], name[254];
        if (mig_gateway_ref(doc_str(gws->items[i]), kobj_namespace(vs), ns, sizeof ns, name,
                            sizeof name)) {
            const doc_node *gw = mig_live(s, "Gateway", ns, name);
            if (gw)
                dpush(out, gw);
        }
    }
}

static void add_delegates(mig_session *s, const doc_node *vs, dvec *out)
{
    const doc_node *http = doc_getv(vs, "spec", "http", NULL);
    for (size_t i = 0; doc_is_seq(http) && i < http->len; i++) {
        const doc_node *d = doc_get(http->items[i], "delegate");
        const char *name = doc_get_str(d, "name"), *ns = doc_get_str(d, "namespace");
        const doc_node *dvs =
            name ? mig_live(s, "VirtualService", ns ? ns : kobj_namespace(vs), name) : NULL;
        if (dvs)
            dpush(out, dvs);
    }
}

void mig_vs_index_free(mig_session *s)
{
    for (size_t i = 0; i < s->nvs_ids; i++)
        id_vec_free(&s->vs_ids[i]);
    free(s->vs_ids);
    hmap_free(&s->vs_hosts);
    s->vs_ids = NULL;
    s->nvs_ids = 0;
    s->vs_hosts = (hmap){0};
    s->vs_ok = false;
}

static int vs_index_add(mig_session *s, const char *host, const doc_node *vs)
{
    long j = hmap_get(&s->vs_hosts, host);
    if (j < 0) {
        id_vec *v = realloc(s->vs_ids, (s->nvs_ids + 1) * sizeof *v);
        if (!v)
            return -1;
        s->vs_ids = v;
        v[s->nvs_ids] = (id_vec){0};
        if (hmap_put(&s->vs_hosts, host, s->nvs_ids) < 0)
            return -1;
        j = (long)s->nvs_ids++;
    }
    const char *ns = kobj_namespace(vs) ? kobj_namespace(vs) : "", *name = kobj_name(vs);
    id_vec *v = &s->vs_ids[j];
    if (!name || (v->n && !strcmp(v->v[v->n - 1].ns, ns) && !strcmp(v->v[v->n - 1].name, name)))
        return 0; /* a host listed twice by one VirtualService */
    return id_push(v, "VirtualService", ns, name);
}

/* Once per session, not store_by_host per tenant: that rebuilds the
 * store's whole host index after every write, and verify records a pass
 * per tenant (quadratic over a large wave). */
static int vs_index(mig_session *s)
{
    if (s->vs_ok)
        return 0;
    mig_vs_index_free(s);
    const store_obj **v;
    size_t n = store_list(s->st, "VirtualService", NULL, &v);
    if (n == (size_t)-1)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const doc_node *hs = doc_getv(v[i]->doc, "spec", "hosts", NULL);
        for (size_t h = 0; doc_is_seq(hs) && h < hs->len && !rc; h++)
            if (doc_is_scalar(hs->items[h]) && *doc_str(hs->items[h]))
                rc = vs_index_add(s, doc_str(hs->items[h]), v[i]->doc);
    }
    free(v);
    s->vs_ok = !rc;
    return rc;
}

/* The live VirtualServices of the hosts, their delegates and Gateways,
 * and the AuthorizationPolicies of meshpanel for the tenant (verify
 * accepts a restricted location that Istio restricts by policy). */
static void istio_inputs(mig_session *s, tenant_slot *t, const dvec *hosts, dvec *out)
{
    for (size_t i = 0; i < t->live.n; i++) {
        const obj_id *id = &t->live.v[i];
        const doc_node *o = mig_live(s, id->kind, id->ns, id->name);
        if (o && !strcmp(id->kind, "AuthorizationPolicy"))
            dpush(out, o);
    }
    if (vs_index(s) < 0) {
        out->oom = true;
        return;
    }
    for (size_t h = 0; h < hosts->n; h++) {
        long j = hmap_get(&s->vs_hosts, doc_str(hosts->v[h]));
        for (size_t i = 0; j >= 0 && i < s->vs_ids[j].n; i++) {
            const obj_id *id = &s->vs_ids[j].v[i];
            const doc_node *vs = mig_live(s, id->kind, id->ns, id->name);
            if (vs)
                dpush(out, vs);
        }
    }
    for (size_t i = 0; i < out->n; i++) { /* grows while walking: delegates of delegates */
        add_gateways(s, out->v[i], out);
        if (!strcmp(kobj_kind(out->v[i]), "VirtualService"))
            add_delegates(s, out->v[i], out);
    }
}

/* ---- record ---- */

static int record(mig_session *s, tenant_slot *t, const char *fp, mp_err *err)
{
    char now[32];
    mig_now_text(s, now, sizeof now);
    for (size_t i = 0; i < t->live.n; i++) {
        const obj_id *id = &t->live.v[i];
        const doc_node *o = mig_live(s, id->kind, id->ns, id->name);
        if (!o || strcmp(id->kind, "VirtualService"))
            continue;
        const char *v = kobj_annotation(o, MIG_ANN_VERIFIED);
        char have[64];
        entry_of(v, t->res.ns, have, sizeof have);
        if (fp ? !strcmp(have, fp) : !*have)
            continue;
        char *nv = with_entry(v, t->res.ns, fp);
        doc_node *want = nv ? doc_clone(o) : NULL;
        doc_node *meta = want ? doc_map_ensure(want, "metadata", DOC_MAP) : NULL;
        doc_node *ann = meta ? doc_map_ensure(meta, "annotations", DOC_MAP) : NULL;
        int rc = -1;
        if (ann && *nv) /* a failed verify takes back the tenant's older pass */
            rc = doc_map_set_str(ann, MIG_ANN_VERIFIED, nv) |
                 doc_map_set_str(ann, MIG_ANN_VERIFIED_AT, now);
        else if (ann)
            rc = 0, doc_map_del(ann, MIG_ANN_VERIFIED), doc_map_del(ann, MIG_ANN_VERIFIED_AT);
        if (rc == 0)
            rc = mig_patch(s, o, want, err);
        else
            mp_errf(err, "out of memory");
        free(nv);
        doc_free(want);
        if (rc < 0)
            return -1;
        t->res.nwrites += rc > 0;
    }
    return 0;
}

static void put_mismatches(const verify_report *r, strbuf *sb)
{
    for (size_t i = 0; i < verify_nmismatches(r); i++) {
        const verify_mismatch *m = verify_mismatch_at(r, i);
        char line[3000];
        snprintf(line, sizeof line, "  mismatch: %s%s  nginx: %s  istio: %s%s%s", m->host, m->path,
                 m->nginx, m->istio, *m->ingress ? "  (" : "", *m->ingress ? m->ingress : "");
        char *c = san_cleans(line, 0);
        strbuf_printf(sb, "%s%s\n", c ? c : "?", *m->ingress ? ")" : "");
        free(c);
    }
}

/* pm: requests the live probe found answered differently */
static void finish(mig_session *s, tenant_slot *t, const verify_report *r, size_t pm, bool preview)
{
    size_t nm = verify_nmismatches(r) + pm;
    char *fp = nm ? NULL : mig_tenant_fingerprint(s, t);
    mp_err err;
    if (!nm && !fp) {
        t_set(t, MIG_T_FAILED, "out of memory");
        return;
    }
    if (!preview && !s->o.no_record && record(s, t, fp, &err) < 0) {
        t_set(t, MIG_T_FAILED, "verify %s, but recording it failed: %s", nm ? "failed" : "passed",
              err.msg);
    } else if (nm) {
        t_set(t, MIG_T_FINDINGS, "%zu mismatch%s in %zu requests over %zu hosts%s", nm,
              nm == 1 ? "" : "es", verify_nrequests(r), verify_nhosts(r),
              pm ? " (live probe included)" : "");
    } else {
        t_set(t, MIG_T_DONE, "%zu requests over %zu hosts route alike%s (%s%s)",
              verify_nrequests(r), verify_nhosts(r),
              s->o.probe_gateway && s->o.probe_nginx ? ", live too" : "", fp,
              preview || s->o.no_record ? ", not recorded" : ", recorded");
    }
    free(fp);
}

void mig_verify_tenant(mig_session *s, tenant_slot *t, bool preview)
{
    if (!t->live.n) {
        bool any = false;
        for (size_t i = t->lo; i < t->hi; i++)
            any = any || (!s->ents[i].r.suspended && s->ents[i].converted);
        if (any)
            t_set(t, MIG_T_FAILED,
                  "no Istio object of meshpanel routes the tenant yet: run "
                  "migrate apply first");
        else
            t_set(t, MIG_T_UNCHANGED, "nothing to verify (no converted Ingress)");
        return;
    }
    dvec in = {0}, hosts = {0}, istio = {0};
    nginx_inputs(s, t, &in, &hosts);
    istio_inputs(s, t, &hosts, &istio);
    mp_err err = {{0}};
    verify_report *r = NULL;
    if (in.oom || hosts.oom || istio.oom)
        mp_errf(&err, "out of memory");
    else
        r = verify_routing(in.v, in.n, istio.v, istio.n, &err);
    if (!r) {
        t_set(t, MIG_T_FAILED, "%s", err.msg);
    } else {
        strbuf sb;
        strbuf_init(&sb);
        put_mismatches(r, &sb);
        size_t pm = mig_probe_tenant(s, r, &sb);
        t_detail(t, &sb);
        finish(s, t, r, pm, preview);
    }
    verify_report_free(r);
    free(in.v);
    free(hosts.v);
    free(istio.v);
}
