/* test_migstate.c - an Ingress's migration state read from the objects
 * alone (issue 9): every state, the suspended cases, the original as it
 * was, a hand-made object never claimed; the merge patches steps send. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/emit.h"
#include "model/kobj.h"
#include "model/mergepatch.h"
#include "model/migcert.h"
#include "model/migstate.h"
#include "tests/unit/doc_helpers.h"

#define ING_HEAD                                                                                   \
    "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n"                    \
    "  namespace: ns-a\n  annotations:\n"
#define ING_SPEC                                                                                   \
    "spec:\n  rules:\n  - host: web.example.com\n    http:\n      paths:\n      - path: /\n"       \
    "        pathType: Prefix\n        backend: {service: {name: web, port: {number: 80}}}\n"

static doc_node *ing(const char *annotations)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s%s%s", ING_HEAD, annotations, ING_SPEC);
    return parse1(buf);
}

static mig_reading read_of(const char *annotations, bool backed_up, size_t nobj)
{
    doc_node *d = annotations ? ing(annotations) : NULL;
    mig_reading r;
    mig_read(d, backed_up, nobj, MIG_DEFAULT_DISABLED_CLASS, &r);
    doc_free(d);
    return r;
}

START_TEST(every_state_reads_from_the_marks_and_the_objects)
{
    mig_reading r = read_of("    kubernetes.io/ingress.class: nginx\n", false, 0);
    ck_assert_str_eq(mig_state_name(r.state), "ingress-only");
    ck_assert(r.present && !r.suspended && !r.problem);

    r = read_of("    kubernetes.io/ingress.class: nginx\n    meshpanel.io/state: dual\n", true, 2);
    ck_assert_str_eq(mig_state_name(r.state), "dual");
    ck_assert_ptr_null(r.problem);

    r = read_of("    kubernetes.io/ingress.class: pause\n    meshpanel.io/state: cut-over\n"
                "    meshpanel.io/original-class: '{\"annotation\":\"nginx\"}'\n",
                true, 2);
    ck_assert_str_eq(mig_state_name(r.state), "cut-over");
    ck_assert(!r.suspended); /* our own pause is not a suspension */
    ck_assert_ptr_null(r.problem);

    r = read_of(NULL, true, 2);
    ck_assert_str_eq(mig_state_name(r.state), "retired");
    ck_assert(!r.present && !r.problem);

    r = read_of("    kubernetes.io/ingress.class: nginx\n    meshpanel.io/state: rolled-back\n",
                true, 2);
    ck_assert_str_eq(mig_state_name(r.state), "rolled-back");
    ck_assert_int_eq(mig_state_rank(MIG_ROLLED_BACK), mig_state_rank(MIG_INGRESS_ONLY));
    ck_assert_int_lt(mig_state_rank(MIG_DUAL), mig_state_rank(MIG_CUT_OVER));
}
END_TEST

START_TEST(inconsistencies_are_named)
{
    /* killed between the objects and the mark */
    mig_reading r = read_of("    kubernetes.io/ingress.class: nginx\n", false, 3);
    ck_assert_str_eq(mig_state_name(r.state), "dual");
    ck_assert_ptr_nonnull(strstr(r.problem, "interrupted apply"));
    /* marked, but the objects never came */
    r = read_of("    meshpanel.io/state: dual\n", false, 0);
    ck_assert_ptr_nonnull(strstr(r.problem, "no Istio object"));
    /* someone put the class back after the cutover: nginx serves again */
    r = read_of("    kubernetes.io/ingress.class: nginx\n    meshpanel.io/state: cut-over\n", true,
                2);
    ck_assert_str_eq(mig_state_name(r.state), "dual");
    ck_assert_ptr_nonnull(strstr(r.problem, "serving again"));
    /* gone without a backup anywhere */
    r = read_of(NULL, false, 1);
    ck_assert_ptr_nonnull(strstr(r.problem, "no backup"));
    r = read_of("    meshpanel.io/state: sideways\n", false, 0);
    ck_assert_ptr_nonnull(strstr(r.problem, "unknown"));
}
END_TEST

START_TEST(suspended_by_the_platform_or_not)
{
    /* account controller: class pause plus the saved state */
    mig_reading r =
        read_of("    kubernetes.io/ingress.class: pause\n"
                "    sealos.io/original-suspend-state: '{\"ingressClass\":\"nginx\"}'\n",
                false, 0);
    ck_assert(r.suspended);
    ck_assert_str_eq(mig_state_name(r.state), "ingress-only");
    /* network reconciler: class disable, nothing saved */
    r = read_of("    kubernetes.io/ingress.class: disable\n", false, 0);
    ck_assert(r.suspended);
    /* Launchpad's pause of one app */
    doc_node *d = parse1("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: a, "
                         "namespace: ns-a}\nspec: {ingressClassName: pause}\n");
    ck_assert(mig_suspended(d, "pause"));
    doc_free(d);
    /* suspended after the cutover: still cut over, and unroutable objects wanted */
    r = read_of("    kubernetes.io/ingress.class: pause\n    meshpanel.io/state: cut-over\n"
                "    sealos.io/original-suspend-state: '{\"ingressClass\":\"pause\"}'\n",
                true, 2);
    ck_assert(r.suspended);
    ck_assert_str_eq(mig_state_name(r.state), "cut-over");
    ck_assert_ptr_nonnull(strstr(r.problem, "suspended, but Istio objects"));
    /* a disable class that is not ours while marked cut-over: suspended */
    r = read_of("    kubernetes.io/ingress.class: disable\n    meshpanel.io/state: cut-over\n",
                true, 0);
    ck_assert(r.suspended);
    ck_assert_str_eq(mig_state_name(r.state), "cut-over");
    ck_assert_ptr_null(r.problem);
    /* a configured disabled class of our own is no suspension either */
    d = ing("    kubernetes.io/ingress.class: meshpanel-off\n    meshpanel.io/state: cut-over\n");
    ck_assert(!mig_suspended(d, "meshpanel-off"));
    mig_read(d, true, 1, "meshpanel-off", &r);
    ck_assert_str_eq(mig_state_name(r.state), "cut-over");
    doc_free(d);
}
END_TEST

static const char *ann(const doc_node *d, const char *k)
{
    return kobj_annotation(d, k);
}

START_TEST(the_original_is_the_ingress_as_it_was)
{
    /* annotation class */
    doc_node *d = ing("    kubernetes.io/ingress.class: pause\n    x: kept\n"
                      "    meshpanel.io/state: cut-over\n    meshpanel.io/migrated-at: t\n"
                      "    meshpanel.io/cutover-at: t\n"
                      "    meshpanel.io/original-class: '{\"annotation\":\"nginx\"}'\n");
    doc_node *o = mig_original(d, "pause", NULL);
    ck_assert_str_eq(ann(o, MIG_CLASS_ANNOTATION), "nginx");
    ck_assert_str_eq(ann(o, "x"), "kept");
    const doc_node *a = doc_getv(o, "metadata", "annotations", NULL);
    ck_assert_uint_eq(a->len, 2);
    ck_assert(doc_equal(doc_get(o, "spec"), doc_get(d, "spec"), true));
    doc_free(o);
    doc_free(d);

    /* spec class, and no annotations at all before: the map goes too */
    d = parse1("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: w\n"
               "  namespace: ns-a\n  annotations:\n    meshpanel.io/state: cut-over\n"
               "    meshpanel.io/original-class: '{\"spec\":\"nginx\"}'\n"
               "spec:\n  ingressClassName: pause\n");
    o = mig_original(d, "pause", NULL);
    ck_assert_str_eq(doc_get_str(doc_get(o, "spec"), "ingressClassName"), "nginx");
    ck_assert_ptr_null(doc_getv(o, "metadata", "annotations", NULL));
    doc_free(o);
    doc_free(d);

    /* no class before: the cutover's annotation goes */
    d = ing("    kubernetes.io/ingress.class: pause\n    meshpanel.io/state: cut-over\n"
            "    meshpanel.io/original-class: '{}'\n    keep: me\n");
    o = mig_original(d, "pause", NULL);
    ck_assert_ptr_null(ann(o, MIG_CLASS_ANNOTATION));
    ck_assert_str_eq(ann(o, "keep"), "me");
    doc_free(o);
    doc_free(d);

    /* someone else changed the class since the cutover: theirs stays */
    d = ing("    kubernetes.io/ingress.class: other\n    meshpanel.io/state: cut-over\n"
            "    meshpanel.io/original-class: '{\"annotation\":\"nginx\"}'\n");
    o = mig_original(d, "pause", NULL);
    ck_assert_str_eq(ann(o, MIG_CLASS_ANNOTATION), "other");
    doc_free(o);
    doc_free(d);
}
END_TEST

START_TEST(a_suspension_after_the_cutover_resumes_to_the_original_class)
{
    doc_node *d = ing("    kubernetes.io/ingress.class: pause\n    meshpanel.io/state: cut-over\n"
                      "    meshpanel.io/original-class: '{\"annotation\":\"nginx\"}'\n"
                      "    sealos.io/original-suspend-state: '{\"ingressClass\":\"pause\"}'\n");
    doc_node *o = mig_original(d, "pause", NULL);
    /* still suspended now, but the platform's resume restores nginx */
    ck_assert_str_eq(ann(o, MIG_CLASS_ANNOTATION), "pause");
    ck_assert_str_eq(ann(o, MIG_SUSPEND_ANNOTATION), "{\"ingressClass\":\"nginx\"}");
    ck_assert(mig_suspended(o, "pause"));
    doc_free(o);
    doc_free(d);
}
END_TEST

START_TEST(class_records_round_trip_and_the_cutover_sets_where_the_class_is)
{
    doc_node *d = parse1("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: w\n"
                         "  namespace: ns-a\n  annotations: {kubernetes.io/ingress.class: nginx}\n"
                         "spec: {ingressClassName: nginx}\n");
    mig_class c, back;
    mig_class_of(d, &c);
    char *s = mig_class_encode(&c);
    ck_assert_str_eq(s, "{\"annotation\":\"nginx\",\"spec\":\"nginx\"}");
    ck_assert_int_eq(mig_class_decode(s, &back, NULL), 0);
    ck_assert(back.ann && back.spec && !strcmp(back.ann_v, "nginx"));
    free(s);
    ck_assert_int_eq(mig_class_disable(d, "pause"), 0);
    mig_class_of(d, &c);
    ck_assert_str_eq(c.ann_v, "pause");
    ck_assert_str_eq(c.spec_v, "pause");
    mp_err err;
    ck_assert_int_eq(mig_class_decode("[1]", &back, &err), -1);
    ck_assert_int_eq(mig_class_decode("{\"annotation\":1}", &back, &err), -1);
    ck_assert_int_eq(mig_class_decode("{\"other\":\"x\"}", &back, &err), -1);
    ck_assert_int_eq(mig_class_decode("{", &back, &err), -1);
    doc_free(d);
}
END_TEST

START_TEST(a_hand_made_object_is_never_claimed)
{
    doc_node *ours = parse1("apiVersion: networking.istio.io/v1\nkind: VirtualService\n"
                            "metadata:\n  name: v\n  namespace: ns-a\n  labels: "
                            "{app.kubernetes.io/managed-by: meshpanel}\n  annotations: "
                            "{meshpanel.io/source: 'ingress/ns-a/web,ingress/ns-b/api'}\n");
    doc_node *copied = parse1("apiVersion: networking.istio.io/v1\nkind: VirtualService\n"
                              "metadata:\n  name: v\n  namespace: ns-a\n  annotations: "
                              "{meshpanel.io/source: ingress/ns-a/web}\n");
    doc_node *other = parse1("apiVersion: networking.istio.io/v1\nkind: VirtualService\n"
                             "metadata:\n  name: v\n  namespace: ns-a\n  labels: "
                             "{app.kubernetes.io/managed-by: helm}\n");
    ck_assert(mig_made_by_us(ours) && mig_names(ours, "ns-a", "web") &&
              mig_names(ours, "ns-b", "api"));
    ck_assert(!mig_names(ours, "ns-a", "we") && !mig_names(ours, "ns", "a/web"));
    /* a source annotation copied by hand, without the label: not ours */
    ck_assert(!mig_made_by_us(copied));
    ck_assert(!mig_made_by_us(other));
    doc_free(ours);
    doc_free(copied);
    doc_free(other);
}
END_TEST

START_TEST(a_tenant_state_is_its_ingresses_state)
{
    mig_reading r[3] = {
        {.state = MIG_DUAL}, {.state = MIG_DUAL}, {.state = MIG_INGRESS_ONLY, .suspended = true}};
    ck_assert_str_eq(mig_tenant_state(r, 3), "dual");
    r[1].state = MIG_CUT_OVER;
    ck_assert_str_eq(mig_tenant_state(r, 3), "mixed");
    ck_assert_str_eq(mig_tenant_state(r + 2, 1), "suspended");
    ck_assert_str_eq(mig_tenant_state(r, 0), "empty");
}
END_TEST

START_TEST(hashes_ignore_key_order_but_not_values)
{
    doc_node *a = parse1("{a: 1, b: [x, y], c: {d: e}}");
    doc_node *b = parse1("{c: {d: e}, b: [x, y], a: 1}");
    doc_node *c = parse1("{a: 1, b: [y, x], c: {d: e}}");
    doc_node *d = parse1("{a: '1', b: [x, y], c: {d: e}}");
    ck_assert(mig_hash_doc(a, MIG_HASH_SEED) == mig_hash_doc(b, MIG_HASH_SEED));
    ck_assert(mig_hash_doc(a, MIG_HASH_SEED) != mig_hash_doc(c, MIG_HASH_SEED));
    ck_assert(mig_hash_doc(a, MIG_HASH_SEED) != mig_hash_doc(d, MIG_HASH_SEED));
    ck_assert(mig_hash_str("ab", mig_hash_str("c", 1)) != mig_hash_str("a", mig_hash_str("bc", 1)));
    doc_free(a);
    doc_free(b);
    doc_free(c);
    doc_free(d);
}
END_TEST

START_TEST(merge_patches_turn_one_object_into_the_other)
{
    doc_node *from = parse1("metadata: {annotations: {a: '1', b: '2'}, labels: {x: y}}\n"
                            "spec: {rules: [1, 2], c: d}\n");
    doc_node *to = parse1("metadata: {annotations: {a: '1', c: '3'}, labels: {x: y}}\n"
                          "spec: {rules: [1], c: d}\n");
    doc_node *p = merge_patch_diff(from, to);
    char *j = doc_emit_json(p, false, NULL, NULL);
    ck_assert_str_eq(j, "{\"metadata\":{\"annotations\":{\"b\":null,\"c\":\"3\"}},"
                        "\"spec\":{\"rules\":[1]}}");
    doc_node *back = merge_patch_apply(from, p);
    ck_assert(doc_equal(back, to, false));
    doc_node *none = merge_patch_diff(to, to);
    ck_assert_uint_eq(none->len, 0);
    free(j);
    doc_free(p);
    doc_free(back);
    doc_free(none);
    doc_free(from);
    doc_free(to);
}
END_TEST

START_TEST(gateway_hosts_and_certificates)
{
    ck_assert(mig_server_host_takes("ns-a/web.example.com", "web.example.com"));
    ck_assert(mig_server_host_takes("*/WEB.example.com", "web.example.com"));
    ck_assert(mig_server_host_takes("*.example.com", "a.b.example.com"));
    ck_assert(!mig_server_host_takes("*.example.com", "example.com"));
    ck_assert(mig_server_host_takes("*", "x.y"));
    doc_node *gw = parse1("apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: g, "
                          "namespace: ns-a}\nspec:\n  servers:\n"
                          "  - {port: {number: 80}, hosts: [web.example.com]}\n"
                          "  - {port: {number: 443}, hosts: [web.example.com, api.example.com], "
                          "tls: {mode: SIMPLE, credentialName: s1}}\n"
                          "  - {port: {number: 443}, hosts: ['*.example.com'], "
                          "tls: {mode: MUTUAL, credentialName: s2}}\n");
    const char *out[4];
    ck_assert_uint_eq(mig_gateway_secrets(gw, "web.example.com", out, 4), 2);
    ck_assert_str_eq(out[0], "s1");
    ck_assert_str_eq(out[1], "s2");
    ck_assert_uint_eq(mig_gateway_secrets(gw, "other.org", out, 4), 0);
    ck_assert(mig_gateway_serves(gw, "shop.example.com") && !mig_gateway_serves(gw, "x.org"));
    char ns[64], name[64];
    ck_assert(mig_gateway_ref("istio-system/sealos-gateway", "ns-a", ns, 64, name, 64));
    ck_assert_str_eq(ns, "istio-system");
    ck_assert(mig_gateway_ref("meshpanel-gateway", "ns-a", ns, 64, name, 64));
    ck_assert_str_eq(ns, "ns-a");
    ck_assert(!mig_gateway_ref("mesh", "ns-a", ns, 64, name, 64));
    ck_assert(!mig_gateway_ref("a/b/c", "ns-a", ns, 64, name, 64));
    doc_node *c = mig_certificate_offer("istio-system", "s1", "web.example.com", "le");
    char *y = doc_emit_yaml(c, NULL, NULL);
    ck_assert_str_eq(y, "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n"
                        "  name: s1\n  namespace: istio-system\n  labels:\n"
                        "    app.kubernetes.io/managed-by: meshpanel\nspec:\n  secretName: s1\n"
                        "  dnsNames:\n  - web.example.com\n  issuerRef:\n    kind: ClusterIssuer\n"
                        "    name: le\n");
    free(y);
    doc_free(c);
    doc_free(gw);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("migstate");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, every_state_reads_from_the_marks_and_the_objects);
    tcase_add_test(tc, inconsistencies_are_named);
    tcase_add_test(tc, suspended_by_the_platform_or_not);
    tcase_add_test(tc, the_original_is_the_ingress_as_it_was);
    tcase_add_test(tc, a_suspension_after_the_cutover_resumes_to_the_original_class);
    tcase_add_test(tc, class_records_round_trip_and_the_cutover_sets_where_the_class_is);
    tcase_add_test(tc, a_hand_made_object_is_never_claimed);
    tcase_add_test(tc, a_tenant_state_is_its_ingresses_state);
    tcase_add_test(tc, hashes_ignore_key_order_but_not_values);
    tcase_add_test(tc, merge_patches_turn_one_object_into_the_other);
    tcase_add_test(tc, gateway_hosts_and_certificates);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
