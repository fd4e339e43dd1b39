/*
 * test_fix_item.c - kclient_fix_item, what every list item and watch event
 * from the wire goes through, gives what it gave before it was made fast:
 * apiVersion and kind set and first (then metadata), the other entries in
 * their order, Secret payloads dropped, and kname_check_object's verdict
 * and message on every name (the checks are made once per list and with
 * one walk of metadata now; a hostile "../x" must still be refused, with
 * the same line).
 *
 * The reference below is the slow path spelled out: doc_map_set_str for
 * both fields, doc_map_order, kname_check_object.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/kinds.h"
#include "api/resources.h"
#include "model/doc.h"
#include "model/kname.h"
#include "model/kobj.h"
#include "model/parse.h"
#include "same_tree.h"

static const char *const ITEMS[] = {
    /* a typed list's item: no apiVersion, no kind */
    "{\"metadata\": {\"name\": \"web\", \"namespace\": \"ns-a\"}, \"spec\": {\"x\": 1},"
    " \"status\": {}}",
    /* metadata not first */
    "{\"spec\": {\"rules\": []}, \"metadata\": {\"namespace\": \"ns-a\", \"name\": \"w2\"}}",
    /* no metadata at all */
    "{\"spec\": {}}",
    /* nothing */
    "{}",
    /* the kind asked for already there (kept as it is) */
    "{\"kind\": \"Ingress\", \"apiVersion\": \"networking.k8s.io/v1\","
    " \"metadata\": {\"name\": \"w3\"}}",
    /* a metadata-only answer */
    "{\"kind\": \"PartialObjectMetadata\", \"apiVersion\": \"meta.k8s.io/v1\","
    " \"metadata\": {\"name\": \"s\", \"namespace\": \"ns-a\"}, \"data\": {\"k\": \"djE=\"},"
    " \"stringData\": {\"k\": \"v\"}}",
    /* kind not a string, apiVersion only */
    "{\"kind\": {\"a\": 1}, \"metadata\": {\"name\": \"w4\"}}",
    "{\"apiVersion\": \"v9\", \"metadata\": {\"name\": \"w5\"}, \"data\": {}}",
    /* hostile and odd names */
    "{\"metadata\": {\"name\": \"../../etc/passwd\", \"namespace\": \"ns-a\"}}",
    "{\"metadata\": {\"name\": \"ok\", \"namespace\": \"NS_Bad\"}}",
    "{\"metadata\": {\"name\": \"Upper.Case\"}}",
    "{\"metadata\": {\"name\": \"a\\u001b[2Jb\"}}",
    "{\"metadata\": {\"name\": 42, \"namespace\": true}}",
    "{\"metadata\": {\"name\": \"\", \"namespace\": \"\"}}",
    "{\"metadata\": {\"name\": null}}",
    "{\"metadata\": \"not a map\"}",
    /* a name each kind's rule decides differently */
    "{\"metadata\": {\"name\": \"1st.svc\"}}",
    "{\"metadata\": {\"name\": \"..\"}}",
    "[1, 2]",
};
#define NITEMS (sizeof ITEMS / sizeof *ITEMS)

static const char *const KINDS[] = {"ingresses", "services",        "namespaces",
                                    "secrets",   "virtualservices", NULL};
#define NKINDS (sizeof KINDS / sizeof *KINDS)
/* a kind of the path-segment rule (no row of the table has one) */
static const kkind ROLE = {
    "ClusterRole", "rbac.authorization.k8s.io", {"v1"}, "clusterroles", false, false, false, ""};

static doc_node *read_item(doc_jparser *jp, const char *src)
{
    doc_node *d = NULL;
    size_t used = 0;
    mp_err err;
    ck_assert_msg(doc_jparser_read(jp, src, strlen(src), "item.json", &used, &d, &err) == 0, "%s",
                  err.msg);
    return d;
}

/* The slow path, as kclient_fix_item was written before. */
static int reference(const kkind *k, const char *version, doc_node *item, mp_err *err)
{
    if (!doc_is_map(item))
        return mp_errf(err, "a %s list item is not an object", k->kind);
    const char *kind = doc_get_str(item, "kind");
    if (!kind || k->metadata_only || strcmp(kind, k->kind)) {
        char av[128];
        snprintf(av, sizeof av, "%s%s%s", k->group, *k->group ? "/" : "", version);
        ck_assert_int_eq(doc_map_set_str(item, "apiVersion", av), 0);
        ck_assert_int_eq(doc_map_set_str(item, "kind", k->kind), 0);
        static const char *const first[] = {"apiVersion", "kind", "metadata"};
        doc_map_order(item, first, 3);
    }
    if (k->metadata_only) {
        doc_map_del(item, "data");
        doc_map_del(item, "stringData");
    }
    mp_err e;
    if (kname_check_object(item, &e, NULL) < 0) {
        char ref[256];
        return mp_errf(err, "%s: %s", kobj_ref(item, ref, sizeof ref), e.msg);
    }
    return 0;
}

START_TEST(fix_item_is_the_slow_path)
{
    doc_jparser *jp = doc_jparser_new();
    ck_assert_ptr_nonnull(jp);
    size_t refused = 0;
    for (size_t ki = 0; ki < NKINDS; ki++) {
        const kkind *k = KINDS[ki] ? kkind_lookup(KINDS[ki]) : &ROLE;
        ck_assert_msg(k != NULL, "%s", KINDS[ki]);
        const char *version = k->versions[0];
        kitem_fix f;
        kclient_item_fix_init(&f, k, version);
        for (size_t i = 0; i < NITEMS; i++) {
            /* arena trees as the watcher reads them, and heap copies */
            for (int heap = 0; heap < 2; heap++) {
                doc_node *a = read_item(jp, ITEMS[i]), *b = read_item(jp, ITEMS[i]);
                if (heap) {
                    doc_node *ca = doc_clone(a), *cb = doc_clone(b);
                    doc_free(a);
                    doc_free(b);
                    a = ca;
                    b = cb;
                }
                mp_err ea = {{0}}, eb = {{0}}, ec = {{0}};
                int ra = kclient_fix_item_with(k, &f, a, &ea);
                int rb = reference(k, version, b, &eb);
                ck_assert_msg(ra == rb, "%s item %zu: %d, not %d (%s / %s)", k->kind, i, ra, rb,
                              ea.msg, eb.msg);
                if (ra) {
                    ck_assert_str_eq(ea.msg, eb.msg);
                    refused++;
                } else {
                    same_tree(a, b, k->kind);
                }
                /* the one-call form agrees with the prepared one */
                doc_node *c = read_item(jp, ITEMS[i]);
                ck_assert_int_eq(kclient_fix_item(k, version, c, &ec), ra);
                if (ra)
                    ck_assert_str_eq(ec.msg, ea.msg);
                else
                    same_tree(c, a, k->kind);
                doc_free(a);
                doc_free(b);
                doc_free(c);
            }
        }
    }
    ck_assert_uint_gt(refused, 20); /* the hostile names were refused */
    doc_jparser_free(jp);
}
END_TEST

START_TEST(typed_item_gets_its_type_first)
{
    doc_jparser *jp = doc_jparser_new();
    const kkind *k = kkind_lookup("ingresses");
    doc_node *d = read_item(jp, ITEMS[1]);
    mp_err err;
    ck_assert_int_eq(kclient_fix_item(k, "v1", d, &err), 0);
    ck_assert_uint_eq(d->len, 4);
    ck_assert_str_eq(d->keys[0], "apiVersion");
    ck_assert_str_eq(doc_str(d->items[0]), "networking.k8s.io/v1");
    ck_assert_str_eq(d->keys[1], "kind");
    ck_assert_str_eq(doc_str(d->items[1]), "Ingress");
    ck_assert_str_eq(d->keys[2], "metadata");
    ck_assert_str_eq(d->keys[3], "spec");
    doc_free(d);
    /* a hostile name: refused, named in the message */
    d = read_item(jp, ITEMS[8]);
    ck_assert_int_eq(kclient_fix_item(k, "v1", d, &err), -1);
    ck_assert_msg(strstr(err.msg, "metadata.name: Invalid value") != NULL, "%s", err.msg);
    doc_free(d);
    doc_jparser_free(jp);
}
END_TEST

static Suite *fix_suite(void)
{
    Suite *s = suite_create("fix_item");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, fix_item_is_the_slow_path);
    tcase_add_test(tc, typed_item_gets_its_type_first);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(fix_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
