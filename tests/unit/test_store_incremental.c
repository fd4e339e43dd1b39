/*
 * test_store_incremental.c - the store's tenants (counts, problems, state)
 * and lists kept up to date per put and delete equal those of a store
 * built afresh from the same objects, after every step of a random run of
 * adds, replacements and deletes (hosts shared between tenants, paused,
 * migrated and debt-suspended Ingresses, VirtualServices naming Gateways
 * that come and go, Namespaces suspended and new).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/parse.h"
#include "model/store.h"

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

/* A small deterministic generator (the run is the same every time). */
static unsigned rnd(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 16) & 0x7fff;
}

static doc_node *random_obj(unsigned *s)
{
    char ns[32], name[32], host[64], buf[1024];
    snprintf(ns, sizeof ns, "ns-%u", rnd(s) % 7);
    snprintf(host, sizeof host, "h%u.example.com", rnd(s) % 9);
    unsigned kind = rnd(s) % 10;
    if (kind < 6) {
        snprintf(name, sizeof name, "ing-%u", rnd(s) % 6);
        static const char *const cls[] = {"nginx", "nginx", "pause", "nginx"};
        unsigned a = rnd(s) % 4;
        snprintf(buf, sizeof buf,
                 "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: %s\n"
                 "  namespace: %s\n  annotations:\n    kubernetes.io/ingress.class: %s\n%s%s"
                 "spec:\n  rules:\n  - host: %s\n  - host: h%u.example.com\n",
                 name, ns, cls[rnd(s) % 4],
                 a == 1 ? "    sealos.io/migrated-to-istio: \"true\"\n" : "",
                 a == 2 ? "    sealos.io/original-suspend-state: x\n" : "", host, rnd(s) % 9);
    } else if (kind < 8) {
        snprintf(name, sizeof name, "vs-%u", rnd(s) % 3);
        snprintf(buf, sizeof buf,
                 "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n"
                 "  name: %s\n  namespace: %s\nspec:\n  hosts: [%s]\n  gateways: [gw-%u]\n",
                 name, ns, host, rnd(s) % 2);
    } else if (kind < 9) {
        snprintf(name, sizeof name, "gw-%u", rnd(s) % 2);
        snprintf(buf, sizeof buf,
                 "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n"
                 "  name: %s\n  namespace: %s\nspec:\n  servers:\n  - hosts: [\"%s\"]\n",
                 name, ns, host);
    } else {
        snprintf(buf, sizeof buf, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n%s", ns,
                 rnd(s) % 2 ? "  annotations:\n    debt.sealos/status: Suspend\n" : "");
    }
    return obj(buf);
}

/* A fresh store holding copies of every object of st. */
static mp_store *fresh_copy(mp_store *st)
{
    mp_store *c = store_new();
    mp_err err;
    for (size_t i = 0; i < store_count(st, NULL); i++)
        ck_assert_int_eq(store_put(c, doc_clone(store_at(st, i)->doc), &err), 1);
    return c;
}

static void same_list(mp_store *a, mp_store *b, const char *kind, const char *ns)
{
    const store_obj **la, **lb;
    size_t na = store_list(a, kind, ns, &la), nb = store_list(b, kind, ns, &lb);
    ck_assert_uint_eq(na, nb);
    for (size_t i = 0; i < na; i++) {
        ck_assert_str_eq(la[i]->kind, lb[i]->kind);
        ck_assert_str_eq(la[i]->ns, lb[i]->ns);
        ck_assert_str_eq(la[i]->name, lb[i]->name);
    }
    free(la);
    free(lb);
}

static void same_derived(mp_store *st)
{
    mp_store *c = fresh_copy(st);
    size_t n, m;
    const store_tenant *a = store_tenants(st, &n), *b = store_tenants(c, &m);
    ck_assert_uint_eq(n, m);
    for (size_t i = 0; i < n; i++) {
        ck_assert_str_eq(a[i].ns, b[i].ns);
        ck_assert_uint_eq(a[i].n_ing, b[i].n_ing);
        ck_assert_uint_eq(a[i].n_gw, b[i].n_gw);
        ck_assert_uint_eq(a[i].n_vs, b[i].n_vs);
        ck_assert_uint_eq(a[i].n_other, b[i].n_other);
        ck_assert_msg(a[i].problems == b[i].problems, "%s: %zu problems, afresh %zu", a[i].ns,
                      a[i].problems, b[i].problems);
        ck_assert_msg(a[i].state == b[i].state, "%s: state %d, afresh %d", a[i].ns, a[i].state,
                      b[i].state);
        /* changed: the newest generation among its objects */
        unsigned long long newest = 0;
        const store_obj **l;
        size_t k = store_list(st, NULL, a[i].ns, &l);
        for (size_t j = 0; j < k; j++)
            if (l[j]->changed > newest)
                newest = l[j]->changed;
        free(l);
        const store_obj *nso = store_get(st, "Namespace", "", a[i].ns);
        if (nso && nso->changed > newest)
            newest = nso->changed;
        ck_assert_msg(a[i].changed == newest, "%s: changed %llu, newest %llu", a[i].ns,
                      a[i].changed, newest);
        same_list(st, c, NULL, a[i].ns);
        same_list(st, c, "Ingress", a[i].ns);
    }
    same_list(st, c, NULL, NULL);
    same_list(st, c, "VirtualService", NULL);
    for (size_t i = 0; i < store_count(st, NULL); i++) {
        const store_obj *o = store_at(st, i);
        const store_obj *p = store_get(c, o->kind, o->ns, o->name);
        ck_assert_int_eq(store_obj_conflicts(st, o), store_obj_conflicts(c, p));
    }
    store_free(c);
}

START_TEST(incremental_equals_fresh)
{
    unsigned s = 11;
    mp_store *st = store_new();
    mp_err err;
    for (int i = 0; i < 40; i++)
        store_put(st, random_obj(&s), &err);
    same_derived(st);
    for (int step = 0; step < 600; step++) {
        unsigned op = rnd(&s) % 10;
        size_t n = store_count(st, NULL);
        if (op < 3 && n) {
            const store_obj *o = store_at(st, rnd(&s) % n);
            char kind[64], ns[64], name[64];
            snprintf(kind, sizeof kind, "%s", o->kind);
            snprintf(ns, sizeof ns, "%s", o->ns);
            snprintf(name, sizeof name, "%s", o->name);
            ck_assert_int_eq(store_delete(st, kind, ns, name), 1);
        } else {
            store_put(st, random_obj(&s), &err);
        }
        /* some changes in bursts, like watch events between two repaints */
        if (rnd(&s) % 3 == 0)
            same_derived(st);
    }
    same_derived(st);
    store_free(st);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("store_incremental");
    TCase *tc = tcase_create("store_incremental");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, incremental_equals_fresh);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
