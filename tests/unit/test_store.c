/*
 * test_store.c - the object store, the row filter and the manifest source.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/source.h"
#include "model/parse.h"
#include "model/store.h"
#include "tui/filter.h"

static doc_node *obj(const char *yaml)
{
    doc_list l;
    doc_list_init(&l);
    mp_err err;
    ck_assert_msg(doc_parse_yaml(yaml, strlen(yaml), "t", &l, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(l.len, 1);
    doc_node *d = doc_list_take(&l, 0);
    doc_list_free(&l);
    return d;
}

static doc_node *ingress(const char *ns, const char *name, const char *host, const char *cls)
{
    char buf[1024];
    snprintf(buf, sizeof buf,
             "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: %s\n"
             "  namespace: %s\n  labels: {app: %s}\n  annotations:\n"
             "    kubernetes.io/ingress.class: %s\n"
             "spec:\n  rules:\n  - host: %s\n",
             name, ns, name, cls, host);
    return obj(buf);
}

static doc_node *vs(const char *ns, const char *name, const char *host, const char *gw)
{
    char buf[1024];
    snprintf(buf, sizeof buf,
             "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n"
             "  name: %s\n  namespace: %s\nspec:\n  hosts: [%s]\n  gateways: [%s]\n",
             name, ns, host, gw);
    return obj(buf);
}

START_TEST(put_get_replace_delete)
{
    mp_store *st = store_new();
    mp_err err;
    ck_assert_int_eq(store_put(st, ingress("ns-a", "web", "a.example.com", "nginx"), &err), 1);
    unsigned long long g = store_generation(st);
    /* the same object again changes nothing */
    ck_assert_int_eq(store_put(st, ingress("ns-a", "web", "a.example.com", "nginx"), &err), 0);
    ck_assert_uint_eq(store_generation(st), g);
    /* a different body replaces it */
    ck_assert_int_eq(store_put(st, ingress("ns-a", "web", "b.example.com", "nginx"), &err), 1);
    ck_assert_uint_gt(store_generation(st), g);
    ck_assert_uint_eq(store_count(st, "Ingress"), 1);
    const store_obj *o = store_get(st, "Ingress", "ns-a", "web");
    ck_assert_ptr_nonnull(o);
    size_t n;
    const char **hs = store_obj_hosts(o, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(hs[0], "b.example.com");
    free(hs);
    ck_assert_int_eq(store_delete(st, "Ingress", "ns-a", "web"), 1);
    ck_assert_int_eq(store_delete(st, "Ingress", "ns-a", "web"), 0);
    ck_assert_ptr_null(store_get(st, "Ingress", "ns-a", "web"));
    /* no kind or name: an error, and the document is freed (ASan checks) */
    ck_assert_int_eq(store_put(st, obj("apiVersion: v1\nkind: Service\nmetadata: {}\n"), &err), -1);
    store_free(st);
}
END_TEST

/* d as the console keeps it: one packed block (d is freed) */
static doc_node *packed(doc_node *d)
{
    doc_node *p = doc_pack(d);
    ck_assert_ptr_nonnull(p);
    doc_free(d);
    return p;
}

/* obj's hosts as the store keeps them equal store_obj_hosts' */
static void same_hosts(const store_obj *o)
{
    size_t n, m;
    const char **made = store_obj_hosts(o, &n);
    const char *const *kept = store_obj_host_list(o, &m);
    ck_assert_uint_eq(m, n);
    for (size_t i = 0; i < n; i++)
        ck_assert_str_eq(kept[i], made[i]);
    free(made);
}

START_TEST(names_and_hosts_follow_the_replacing_document)
{
    mp_store *st = store_new();
    mp_err err;
    /* packed trees, as the console keeps them: the old one is freed whole
     * on replacement, so a name still read from it is a use after free */
    ck_assert_int_eq(store_put(st, packed(ingress("ns-a", "web", "a.example.com", "x")), &err), 1);
    ck_assert_int_eq(store_put(st, packed(ingress("ns-a", "web", "b.example.com", "x")), &err), 1);
    const store_obj *o = store_get(st, "Ingress", "ns-a", "web");
    ck_assert_ptr_nonnull(o);
    ck_assert_str_eq(o->kind, "Ingress");
    ck_assert_str_eq(o->ns, "ns-a");
    ck_assert_str_eq(o->name, "web");
    ck_assert_ptr_eq(o->name, doc_getv(o->doc, "metadata", "name", NULL)->text);
    size_t n;
    const char *const *hs = store_obj_host_list(o, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(hs[0], "b.example.com");
    same_hosts(o);
    ck_assert_int_eq(store_put(st,
                               obj("apiVersion: networking.istio.io/v1\nkind: Gateway\n"
                                   "metadata: {name: gw}\nspec:\n  servers:\n"
                                   "  - hosts: [ns-a/a.example.com, b.example.com,"
                                   " a.example.com]\n"),
                               &err),
                     1);
    o = store_get(st, "Gateway", NULL, "gw");
    ck_assert_str_eq(o->ns, "");
    same_hosts(o);
    ck_assert_int_eq(
        store_put(st, obj("apiVersion: v1\nkind: Namespace\nmetadata: {name: ns-a}\n"), &err), 1);
    ck_assert_ptr_null(store_obj_host_list(store_get(st, "Namespace", "", "ns-a"), &n));
    ck_assert_uint_eq(n, 0);
    store_free(st);
}
END_TEST

START_TEST(secret_data_dropped)
{
    mp_store *st = store_new();
    mp_err err;
    store_put(st,
              obj("apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ns-a}\n"
                  "data: {tls.key: c2VjcmV0}\nstringData: {x: y}\n"),
              &err);
    const store_obj *o = store_get(st, "Secret", "ns-a", "s");
    ck_assert_ptr_nonnull(o);
    ck_assert_ptr_null(doc_get(o->doc, "data"));
    ck_assert_ptr_null(doc_get(o->doc, "stringData"));
    store_free(st);
}
END_TEST

START_TEST(tenant_states_and_problems)
{
    mp_store *st = store_new();
    mp_err err;
    store_put(st, ingress("ns-a", "web", "shared.example.com", "nginx"), &err);
    store_put(st, ingress("ns-b", "web", "b.example.com", "nginx"), &err);
    store_put(st, vs("ns-b", "web", "b2.example.com", "ns-b/gw"), &err);
    store_put(st, vs("ns-c", "docs", "shared.example.com", "missing"), &err);
    store_put(st,
              obj("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-d\n"
                  "  annotations: {debt.sealos/status: Suspend}\n"),
              &err);
    store_put(st, ingress("ns-d", "t", "d.example.com", "pause"), &err);
    store_put(st, obj("apiVersion: v1\nkind: Namespace\nmetadata: {name: ns-e}\n"), &err);
    size_t n;
    const store_tenant *t = store_tenants(st, &n);
    ck_assert_uint_eq(n, 5);
    ck_assert_str_eq(t[0].ns, "ns-a");
    ck_assert_int_eq(t[0].state, TENANT_INGRESS_ONLY);
    ck_assert_uint_eq(t[0].problems, 1); /* shared.example.com also in ns-c */
    ck_assert_int_eq(t[1].state, TENANT_MIXED);
    ck_assert_uint_eq(t[1].n_ing, 1);
    ck_assert_uint_eq(t[1].n_vs, 1);
    ck_assert_uint_eq(t[1].problems, 1); /* gateway ns-b/gw missing */
    ck_assert_int_eq(t[2].state, TENANT_ISTIO);
    ck_assert_uint_eq(t[2].problems, 2); /* conflict + missing gateway */
    ck_assert_int_eq(t[3].state, TENANT_SUSPENDED);
    ck_assert_int_eq(t[4].state, TENANT_EMPTY);
    ck_assert_str_eq(tenant_state_name(t[3].state), "suspended");
    /* adding the gateway fixes ns-b's problem (derived data is rebuilt) */
    store_put(st,
              obj("apiVersion: networking.istio.io/v1\nkind: Gateway\n"
                  "metadata: {name: gw, namespace: ns-b}\nspec: {}\n"),
              &err);
    ck_assert_uint_eq(store_tenant_get(st, "ns-b")->problems, 0);
    size_t nh;
    store_by_host(st, "shared.example.com", &nh);
    ck_assert_uint_eq(nh, 2);
    /* a paused Ingress routes nothing, so it conflicts with nobody */
    store_put(st, ingress("ns-a", "web", "shared.example.com", "pause"), &err);
    ck_assert_uint_eq(store_tenant_get(st, "ns-a")->problems, 0);
    store_free(st);
}
END_TEST

START_TEST(list_sorted_by_kind_ns_name)
{
    mp_store *st = store_new();
    mp_err err;
    store_put(st, vs("ns-a", "z", "z.example.com", "mesh"), &err);
    store_put(st, ingress("ns-b", "b", "b.example.com", "nginx"), &err);
    store_put(st, ingress("ns-a", "b", "b.example.com", "nginx"), &err);
    store_put(st, ingress("ns-a", "a", "a.example.com", "nginx"), &err);
    const store_obj **l;
    size_t n = store_list(st, NULL, NULL, &l);
    ck_assert_uint_eq(n, 4);
    ck_assert_str_eq(l[0]->name, "a");
    ck_assert_str_eq(l[1]->ns, "ns-a");
    ck_assert_str_eq(l[2]->ns, "ns-b");
    ck_assert_str_eq(l[3]->kind, "VirtualService");
    free(l);
    n = store_list(st, "Ingress", "ns-a", &l);
    ck_assert_uint_eq(n, 2);
    free(l);
    store_free(st);
}
END_TEST

/* The reference order of store_list: kind (Ingress, Gateway,
 * VirtualService, then others by name), namespace, name. */
static int ref_cmp(const void *a, const void *b)
{
    const store_obj *x = *(const store_obj *const *)a, *y = *(const store_obj *const *)b;
    static const char *const order[] = {"Ingress", "Gateway", "VirtualService"};
    int rx = 3, ry = 3;
    for (int i = 0; i < 3; i++) {
        rx = !strcmp(x->kind, order[i]) && rx == 3 ? i : rx;
        ry = !strcmp(y->kind, order[i]) && ry == 3 ? i : ry;
    }
    int r = rx != ry ? rx - ry : strcmp(x->kind, y->kind);
    if (!r)
        r = strcmp(x->ns, y->ns);
    return r ? r : strcmp(x->name, y->name);
}

/* store_list from the derived per-tenant groups equals filtering every
 * object and sorting, for every kind and namespace asked, also after puts
 * and deletes between two lists. */
static void check_lists(mp_store *st)
{
    const char *kinds[] = {NULL,      "Ingress",      "Gateway",  "VirtualService",
                           "Service", "IngressClass", "Namespace"};
    const char *nss[] = {NULL, "ns-a", "ns-b", "ns-z", "ns-gone"};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        for (size_t j = 0; j < sizeof nss / sizeof nss[0]; j++) {
            size_t all = store_count(st, NULL), c = 0;
            const store_obj **want = calloc(all + 1, sizeof *want);
            for (size_t i = 0; i < all; i++) {
                const store_obj *o = store_at(st, i);
                bool kind_ok = kinds[k]
                                   ? !strcmp(o->kind, kinds[k])
                                   : !strcmp(o->kind, "Ingress") || !strcmp(o->kind, "Gateway") ||
                                         !strcmp(o->kind, "VirtualService");
                if (kind_ok && (!nss[j] || !strcmp(o->ns, nss[j])))
                    want[c++] = o;
            }
            qsort(want, c, sizeof *want, ref_cmp);
            const store_obj **got;
            size_t n = store_list(st, kinds[k], nss[j], &got);
            ck_assert_uint_eq(n, c);
            for (size_t i = 0; i < n; i++)
                ck_assert_ptr_eq(got[i], want[i]);
            free(got);
            free(want);
        }
}

START_TEST(list_grouped_equals_sorted_filter)
{
    mp_store *st = store_new();
    mp_err err;
    const char *nss[] = {"ns-b", "ns-a", "ns-z"};
    char name[32], host[64], y[512];
    for (int i = 0; i < 60; i++) {
        const char *ns = nss[i % 3];
        snprintf(name, sizeof name, "o-%02d", (i * 7) % 60);
        snprintf(host, sizeof host, "h%d.example.com", i % 10);
        store_put(st, ingress(ns, name, host, "nginx"), &err);
        if (i % 4 == 0)
            store_put(st, vs(ns, name, host, "mesh"), &err);
        snprintf(y, sizeof y,
                 "apiVersion: v1\nkind: Service\nmetadata: {name: %s, namespace: %s}\n", name, ns);
        if (i % 5 == 0)
            store_put(st, obj(y), &err);
    }
    store_put(st, obj("apiVersion: v1\nkind: Namespace\nmetadata: {name: ns-empty}\n"), &err);
    store_put(st,
              obj("apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: b}\n"),
              &err);
    store_put(st,
              obj("apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: a}\n"),
              &err);
    check_lists(st);
    store_delete(st, "Ingress", "ns-a", "o-07");
    store_put(st, ingress("ns-gone", "x", "x.example.com", "nginx"), &err);
    check_lists(st);
    ck_assert_uint_eq(store_tenant_get(st, "ns-gone")->n_ing, 1);
    store_put(st, ingress("ns-a", "x2", "x.example.com", "nginx"), &err); /* known namespace */
    ck_assert_uint_eq(store_tenant_get(st, "ns-gone")->problems, 1);
    ck_assert_uint_eq(store_tenant_get(st, "ns-a")->n_ing, 20);
    store_delete(st, "Ingress", "ns-a", "x2");
    ck_assert_uint_eq(store_tenant_get(st, "ns-gone")->problems, 0);
    store_delete(st, "Ingress", "ns-gone", "x");
    ck_assert_ptr_null(store_tenant_get(st, "ns-gone"));
    store_put(st, ingress("ns-a", "o-00", "moved.example.com", "pause"), &err);
    check_lists(st);
    store_free(st);
}
END_TEST

START_TEST(many_objects)
{
    mp_store *st = store_new();
    mp_err err;
    char ns[32], name[32], host[64];
    for (int i = 0; i < 3000; i++) {
        snprintf(ns, sizeof ns, "ns-%d", i % 300);
        snprintf(name, sizeof name, "ing-%d", i);
        snprintf(host, sizeof host, "h%d.example.com", i);
        ck_assert_int_eq(store_put(st, ingress(ns, name, host, "nginx"), &err), 1);
    }
    ck_assert_uint_eq(store_count(st, "Ingress"), 3000);
    ck_assert_ptr_nonnull(store_get(st, "Ingress", "ns-7", "ing-2107"));
    for (int i = 0; i < 3000; i += 2) {
        snprintf(ns, sizeof ns, "ns-%d", i % 300);
        snprintf(name, sizeof name, "ing-%d", i);
        ck_assert_int_eq(store_delete(st, "Ingress", ns, name), 1);
    }
    ck_assert_uint_eq(store_count(st, "Ingress"), 1500);
    ck_assert_ptr_null(store_get(st, "Ingress", "ns-0", "ing-0"));
    ck_assert_ptr_nonnull(store_get(st, "Ingress", "ns-1", "ing-1"));
    size_t n;
    store_tenants(st, &n);
    ck_assert_uint_eq(n, 150); /* odd namespaces only keep objects */
    store_free(st);
}
END_TEST

START_TEST(index_follows_deletes_in_any_order)
{
    /* the key index moves slots back on a delete and the last object takes
     * a deleted one's place: every object stays found, and only those */
    enum { N = 2000 };
    mp_store *st = store_new();
    mp_err err;
    bool in[N] = {false};
    char ns[32], name[32], host[64];
    unsigned rng = 12345;
    for (int round = 0; round < 6; round++)
        for (int k = 0; k < N; k++) {
            rng = rng * 1103515245u + 12345u;
            int i = (int)((rng >> 8) % N);
            snprintf(ns, sizeof ns, "ns-%d", i % 97);
            snprintf(name, sizeof name, "o-%d", i);
            snprintf(host, sizeof host, "h%d.example.com", i);
            const char *kind = i % 3 ? "Ingress" : "VirtualService";
            if (in[i] && (rng >> 20) % 2) {
                ck_assert_int_eq(store_delete(st, kind, ns, name), 1);
                in[i] = false;
            } else if (!in[i]) {
                doc_node *d = i % 3 ? ingress(ns, name, host, "nginx") : vs(ns, name, host, "gw");
                ck_assert_int_eq(store_put(st, d, &err), 1);
                in[i] = true;
            }
        }
    size_t present = 0, ing = 0;
    for (int i = 0; i < N; i++) {
        snprintf(ns, sizeof ns, "ns-%d", i % 97);
        snprintf(name, sizeof name, "o-%d", i);
        const store_obj *o = store_get(st, i % 3 ? "Ingress" : "VirtualService", ns, name);
        ck_assert_msg((o != NULL) == in[i], "object %d: found %d, there %d", i, o != NULL, in[i]);
        if (o) {
            ck_assert_str_eq(o->name, name);
            ck_assert_str_eq(o->ns, ns);
            ck_assert_ptr_null(store_get(st, i % 3 ? "VirtualService" : "Ingress", ns, name));
        }
        present += in[i];
        ing += in[i] && i % 3;
    }
    ck_assert_uint_eq(store_count(st, NULL), present);
    ck_assert_uint_eq(store_count(st, "Ingress"), ing);
    ck_assert_uint_eq(store_count(st, "VirtualService"), present - ing);
    for (size_t i = 0; i < present; i++) { /* store_at: each object once */
        const store_obj *o = store_at(st, i);
        ck_assert_ptr_eq(store_get(st, o->kind, o->ns, o->name), o);
    }
    ck_assert_ptr_null(store_at(st, present));
    store_free(st);
}
END_TEST

START_TEST(counts_by_kind)
{
    /* counted as objects come and go; more kinds than the table holds
     * are counted by a walk */
    mp_store *st = store_new();
    mp_err err;
    char y[256];
    for (int k = 0; k < 20; k++)
        for (int i = 0; i <= k; i++) {
            snprintf(y, sizeof y,
                     "apiVersion: v1\nkind: Kind%d\nmetadata: {name: o%d, namespace: ns-x}\n", k,
                     i);
            ck_assert_int_eq(store_put(st, obj(y), &err), 1);
        }
    ck_assert_int_eq(store_delete(st, "Kind3", "ns-x", "o0"), 1);
    ck_assert_int_eq(store_delete(st, "Kind19", "ns-x", "o7"), 1);
    for (int k = 0; k < 20; k++) {
        snprintf(y, sizeof y, "Kind%d", k);
        ck_assert_uint_eq(store_count(st, y), (size_t)(k + 1) - (k == 3 || k == 19));
    }
    ck_assert_uint_eq(store_count(st, "Ingress"), 0);
    ck_assert_uint_eq(store_count(st, "Kind"), 0);
    store_clear(st);
    ck_assert_uint_eq(store_count(st, "Kind5"), 0);
    ck_assert_int_eq(store_put(st, ingress("ns", "a", "h.example.com", "nginx"), &err), 1);
    ck_assert_uint_eq(store_count(st, "Ingress"), 1);
    ck_assert_uint_eq(store_count(st, "Kind5"), 0);
    store_free(st);
}
END_TEST

START_TEST(hosts_of_any_length_indexed)
{
    /* host nodes are carved from blocks; a host longer than a block's
     * share gets a block of its own */
    mp_store *st = store_new();
    mp_err err;
    static char host[20001];
    for (size_t len = 1; len <= 20000; len = len * 3 + 1) {
        memset(host, 'a' + (int)(len % 26), len);
        host[len] = '\0';
        char name[32];
        snprintf(name, sizeof name, "ing-%zu", len);
        for (int b = 0; b < 2; b++) { /* ingress()'s buffer is too short for these */
            size_t sz = len + 256;
            char *y = malloc(sz);
            snprintf(y, sz,
                     "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: %s,"
                     " namespace: ns-%c}\nspec:\n  rules:\n  - host: %s\n",
                     name, "ab"[b], host);
            ck_assert_int_eq(store_put(st, obj(y), &err), 1);
            free(y);
        }
    }
    for (size_t len = 1; len <= 20000; len = len * 3 + 1) {
        memset(host, 'a' + (int)(len % 26), len);
        host[len] = '\0';
        size_t n;
        const store_obj *const *v = store_by_host(st, host, &n);
        ck_assert_uint_eq(n, 2);
        ck_assert(store_obj_conflicts(st, v[0])); /* two namespaces route it */
    }
    store_free(st);
}
END_TEST

START_TEST(filter_modes)
{
    row_filter f;
    filter_init(&f);
    mp_err err;
    const char *row[] = {"web", "Shop.Example.com", "/api"};
    doc_node *labels = obj("app: web\ntier: front\n");
    ck_assert(filter_match(&f, row, 3, labels)); /* inactive: everything */
    ck_assert_int_eq(filter_set(&f, "shop.example", &err), 0);
    ck_assert(filter_match(&f, row, 3, labels)); /* case-insensitive */
    ck_assert_int_eq(filter_set(&f, "!shop", &err), 0);
    ck_assert(!filter_match(&f, row, 3, labels));
    ck_assert_int_eq(filter_set(&f, "re:^/a[p]i$", &err), 0);
    ck_assert(filter_match(&f, row, 3, labels));
    ck_assert_int_eq(filter_set(&f, "!re:^/api$", &err), 0);
    ck_assert(!filter_match(&f, row, 3, labels));
    ck_assert_int_eq(filter_set(&f, "re:([", &err), -1);
    ck_assert(strstr(err.msg, "bad regex") != NULL);
    ck_assert_str_eq(f.expr, "!re:^/api$"); /* unchanged on error */
    ck_assert_int_eq(filter_set(&f, "-l app=web,tier!=back,!canary", &err), 0);
    ck_assert(filter_match(&f, row, 3, labels));
    ck_assert_int_eq(filter_set(&f, "-l app=api", &err), 0);
    ck_assert(!filter_match(&f, row, 3, labels));
    ck_assert_int_eq(filter_set(&f, "-l tier", &err), 0);
    ck_assert(filter_match(&f, row, 3, labels));
    ck_assert_int_eq(filter_set(&f, "-l =x", &err), -1);
    ck_assert_int_eq(filter_set(&f, "  ", &err), 0);
    ck_assert(!filter_active(&f));
    filter_clear(&f);
    doc_free(labels);
}
END_TEST

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    ck_assert_ptr_nonnull(fp);
    fputs(text, fp);
    fclose(fp);
}

/* mtime granularity can hide a rewrite within the same tick; the size
 * changes in every rewrite below, which the source also compares. */
START_TEST(manifest_source_follows_files)
{
    char dir[] = "/tmp/meshpanel-src-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char a[256], b[256], sub[256];
    snprintf(a, sizeof a, "%s/a.yaml", dir);
    snprintf(sub, sizeof sub, "%s/sub", dir);
    snprintf(b, sizeof b, "%s/sub/b.yml", dir);
    mkdir(sub, 0755);
    write_file(a, "apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
                  "metadata: {name: one, namespace: ns-a}\nspec: {}\n---\n"
                  "apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
                  "metadata: {name: two, namespace: ns-a}\nspec: {}\n");
    write_file(b, "apiVersion: v1\nkind: List\nitems:\n- apiVersion: networking.istio.io/v1\n"
                  "  kind: Gateway\n  metadata: {name: gw}\n  spec: {}\n");
    mp_err err = {{0}};
    mp_store *st = store_new();
    mp_source *src = source_manifest_new(dir, &err);
    ck_assert_ptr_nonnull(src);
    ck_assert_int_eq(source_open(src, st, &err), 0);
    ck_assert_uint_eq(store_count(st, NULL), 3);
    /* a namespaced kind without namespace lands in "default" */
    ck_assert_ptr_nonnull(store_get(st, "Gateway", "default", "gw"));
    ck_assert(strstr(source_status(src), "2 files, 3 objects") != NULL);
    ck_assert(!source_read_only(src)); /* a directory takes applied objects */

    /* nothing changed: no store change */
    ck_assert_int_eq(source_refresh(src, st, &err), 0);
    /* one object removed from a file: deleted from the store */
    write_file(a, "apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
                  "metadata: {name: one, namespace: ns-a}\nspec: {}\n");
    ck_assert_int_eq(source_refresh(src, st, &err), 1);
    ck_assert_ptr_null(store_get(st, "Ingress", "ns-a", "two"));
    /* a broken file keeps its previous objects and reports the error */
    write_file(a, "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: [unclosed\n");
    ck_assert_int_eq(source_refresh(src, st, &err), -1);
    ck_assert(strstr(err.msg, "a.yaml") != NULL);
    ck_assert_ptr_nonnull(store_get(st, "Ingress", "ns-a", "one"));
    ck_assert(strstr(source_status(src), "a.yaml") != NULL);
    /* a deleted file takes its objects with it */
    unlink(b);
    ck_assert_int_eq(source_refresh(src, st, &err), -1); /* a.yaml still broken */
    ck_assert_ptr_null(store_get(st, "Gateway", "default", "gw"));
    unlink(a);
    ck_assert_int_eq(source_refresh(src, st, &err), 1);
    ck_assert_uint_eq(store_count(st, NULL), 0);
    /* step() polls at most once a second */
    ck_assert_int_eq(source_step(src, st, NULL, 0, 5000, &err), 0);
    ck_assert_int_gt(source_timeout_ms(src, 5000), 0);
    ck_assert_int_le(source_timeout_ms(src, 5000), 1000);
    /* refreshSeconds: the next poll after a step is that far away */
    source_manifest_poll_every(src, 7000);
    ck_assert_int_eq(source_step(src, st, NULL, 0, 9000, &err), 0);
    ck_assert_int_eq(source_timeout_ms(src, 9000), 7000);
    ck_assert_int_eq(source_step(src, st, NULL, 0, 12000, &err), 0); /* not due: no scan */
    ck_assert_int_eq(source_timeout_ms(src, 12000), 4000);
    source_free(src);
    store_free(st);
    rmdir(sub);
    rmdir(dir);
}
END_TEST

START_TEST(manifest_source_missing_dir)
{
    mp_err err = {{0}};
    ck_assert_ptr_null(source_manifest_new("/nonexistent/meshpanel", &err));
    ck_assert(strstr(err.msg, "/nonexistent/meshpanel") != NULL);
    setenv("MESHPANEL_DEMO_DIR", "/nonexistent/demo", 1);
    ck_assert_ptr_null(source_demo_new("meshpanel", NULL, &err));
    ck_assert(strstr(err.msg, "MESHPANEL_DEMO_DIR") != NULL);
    unsetenv("MESHPANEL_DEMO_DIR");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("store");
    tcase_add_test(tc, put_get_replace_delete);
    tcase_add_test(tc, names_and_hosts_follow_the_replacing_document);
    tcase_add_test(tc, secret_data_dropped);
    tcase_add_test(tc, tenant_states_and_problems);
    tcase_add_test(tc, list_sorted_by_kind_ns_name);
    tcase_add_test(tc, list_grouped_equals_sorted_filter);
    tcase_add_test(tc, many_objects);
    tcase_add_test(tc, index_follows_deletes_in_any_order);
    tcase_add_test(tc, counts_by_kind);
    tcase_add_test(tc, hosts_of_any_length_indexed);
    tcase_add_test(tc, filter_modes);
    tcase_add_test(tc, manifest_source_follows_files);
    tcase_add_test(tc, manifest_source_missing_dir);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
