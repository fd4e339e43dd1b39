/* test_lint_convert.c - the conversion's side of lint: the converter's
 * findings under their own codes (which ones, and when lint decides
 * instead), planned objects that repeat an Ingress's finding, and
 * Ingresses created in tenants already cut over (MP741). */
#include <check.h>
#include <stdlib.h>

#include "model/convert.h"
#include "tests/unit/lint_helpers.h"

/* Converts the Ingresses (and Services) of x with default options and
 * adds the plan; the plan is returned for the caller to free. */
static convert_plan *fx_convert(lint_fx *x)
{
    convert_opts o;
    convert_opts_default(&o);
    o.skip_invalid = true;
    mp_err err = {{0}};
    convert_plan *p = convert_run(x->docs.docs, x->docs.len, &o, &err);
    ck_assert_msg(p != NULL, "%s", err.msg);
    ck_assert_int_eq(lint_set_add_plan(x->set, p), 0);
    return p;
}

#define SEALOS_ING(ns, name, host)                                                                 \
    "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: " name                    \
    "\n  namespace: " ns "\n  creationTimestamp: \"2026-01-01T00:00:00Z\"\n  annotations:\n"       \
    "    kubernetes.io/ingress.class: nginx\n"                                                     \
    "    nginx.ingress.kubernetes.io/proxy-body-size: 32m\n"                                       \
    "    nginx.ingress.kubernetes.io/proxy-buffer-size: 64k\n"                                     \
    "spec:\n  rules:\n  - host: " host "\n    http:\n      paths:\n      - path: /\n"              \
    "        pathType: Prefix\n        backend:\n          service:\n            name: web\n"      \
    "            port:\n              number: 80\n"                                                \
    "  tls:\n  - hosts: [" host "]\n    secretName: wildcard-cert\n"

START_TEST(converter_warnings_surface_with_their_codes)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x, SEALOS_ING("ns-a", "web", "a.cloud.sealos.io"), LINT_LIVE);
    convert_plan *p = fx_convert(&x);
    fx_run(&x);
    const lint_finding *f = fx_find(&x, MPW_ANN_UNSUPPORTED, "ns-a", "web");
    ck_assert_msg(f != NULL, "%s", fx_dump(&x));
    ck_assert_str_eq(f->kind, "Ingress");
    ck_assert_int_eq(f->sev, MP_SEV_WARNING);
    ck_assert_str_eq(f->field,
                     "metadata.annotations[\"nginx.ingress.kubernetes.io/proxy-body-size\"]");
    ck_assert_ptr_nonnull(strstr(f->hint, "lost on Istio"));
    /* notes (MP103 ignored tuning, MP306) stay in convert's output */
    ck_assert_uint_eq(fx_count(&x, MPW_ANN_IGNORED), 0);
    ck_assert_uint_eq(fx_count(&x, MPW_REDIRECT_301), 0);
    /* the gateway namespace's Secrets are unknown: the converter's MP302 says to copy */
    ck_assert_uint_eq(fx_count(&x, MPW_TLS_SECRET_NS), 1);
    fx_free(&x);
    convert_plan_free(p);
}
END_TEST

START_TEST(mp302_gives_way_to_mp721_when_the_secrets_are_known)
{
    lint_fx x;
    fx_init(&x);
    fx_known(&x, "Secret", NULL);
    fx_add(&x, SEALOS_ING("ns-a", "web", "a.cloud.sealos.io") DOC SECRET("ns-a", "wildcard-cert"),
           LINT_LIVE);
    convert_plan *p = fx_convert(&x);
    fx_run(&x);
    ck_assert_uint_eq(fx_count(&x, MPW_TLS_SECRET_NS), 0);
    const lint_finding *f = fx_find(&x, MPL_TLS_NO_SECRET, "ns-a", "meshpanel-gateway");
    ck_assert_msg(f != NULL, "%s", fx_dump(&x));
    ck_assert_int_eq(f->origin, LINT_PLANNED);
    ck_assert_ptr_nonnull(strstr(f->hint, "copy Secret ns-a/wildcard-cert to istio-system"));
    fx_free(&x);
    convert_plan_free(p);
}
END_TEST

START_TEST(a_shared_host_is_mp701_not_mp207_and_only_on_the_ingress)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           ING("ns-a", "first", "2026-01-01T00:00:00Z", "shop.example.com")
               DOC ING("ns-b", "second", "2026-02-01T00:00:00Z", "shop.example.com"),
           LINT_LIVE);
    convert_plan *p = fx_convert(&x);
    fx_run(&x);
    ck_assert_uint_eq(fx_count(&x, MPW_HOST_CONFLICT), 0);
    ck_assert_msg(fx_count(&x, MPL_HOST_TAKEN) == 1, "%s", fx_dump(&x));
    ck_assert_ptr_nonnull(fx_find(&x, MPL_HOST_TAKEN, "ns-b", "second"));
    fx_free(&x);
    convert_plan_free(p);
}
END_TEST

START_TEST(a_planned_object_does_not_repeat_its_ingress)
{
    lint_fx x;
    fx_init(&x);
    fx_known(&x, "Service", NULL);
    fx_add(&x, ING("ns-a", "web", "2026-01-01T00:00:00Z", "\"*.example.com\""), LINT_LIVE);
    convert_plan *p = fx_convert(&x);
    fx_run(&x);
    /* wildcard and missing Service: once each, on the Ingress */
    ck_assert_msg(fx_count(&x, MPL_HOST_WILDCARD) == 1, "%s", fx_dump(&x));
    ck_assert_uint_eq(fx_count(&x, MPL_ROUTE_NO_SVC), 1);
    ck_assert_ptr_nonnull(fx_find(&x, MPL_HOST_WILDCARD, "ns-a", "web"));
    ck_assert_ptr_nonnull(fx_find(&x, MPL_ROUTE_NO_SVC, "ns-a", "web"));
    fx_free(&x);
    convert_plan_free(p);
}
END_TEST

#define MANAGED_VS(ns, name, created, source)                                                      \
    "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: " name           \
    "\n  namespace: " ns "\n  creationTimestamp: \"" created "\"\n"                                \
    "  labels: {app.kubernetes.io/managed-by: meshpanel}\n"                                        \
    "  annotations: {meshpanel.io/source: \"" source "\"}\n"                                       \
    "spec:\n  hosts: [a.example.com]\n  gateways: [mesh]\n"

START_TEST(mp741_an_ingress_newer_than_the_tenants_cut_over)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           MANAGED_VS("ns-a", "a-example-com", "2026-05-01T00:00:00Z", "ingress/ns-a/old")
               DOC ING("ns-a", "old", "2026-01-01T00:00:00Z", "a.example.com")
                   DOC ING("ns-a", "older", "2026-02-01T00:00:00Z", "b.example.com")
                       DOC ING("ns-a", "new", "2026-06-01T00:00:00Z", "c.example.com"),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, MPL_ING_AFTER_CUT) == 1, "%s", fx_dump(&x));
    const lint_finding *f = fx_find(&x, MPL_ING_AFTER_CUT, "ns-a", "new");
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(f->rel_name, "a-example-com");
    fx_free(&x);
}
END_TEST

START_TEST(mp741_an_explicit_cut_over_covers_every_other_ingress)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: moved\n"
           "  namespace: ns-a\n  annotations: {meshpanel.io/state: cut-over}\n"
           "spec:\n  rules: [{host: a.example.com}]\n" DOC ING(
               "ns-a", "stray", "2025-01-01T00:00:00Z", "b.example.com") DOC
           "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: paused\n"
           "  namespace: ns-a\n  annotations: {kubernetes.io/ingress.class: pause}\n"
           "spec:\n  rules: [{host: c.example.com}]\n",
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, MPL_ING_AFTER_CUT) == 1, "%s", fx_dump(&x));
    ck_assert_ptr_nonnull(fx_find(&x, MPL_ING_AFTER_CUT, "ns-a", "stray"));
    fx_free(&x);
}
END_TEST

START_TEST(mp741_not_for_a_tenant_in_dual_or_a_plan)
{
    lint_fx x;
    fx_init(&x);
    /* a planned meshpanel VirtualService is no cut-over */
    fx_add(&x, ING("ns-a", "web", "2026-06-01T00:00:00Z", "a.example.com"), LINT_LIVE);
    fx_add(&x, MANAGED_VS("ns-a", "a-example-com", "2026-05-01T00:00:00Z", "ingress/ns-a/x"),
           LINT_PLANNED);
    /* dual: the Ingress has a state; named by a generated object */
    fx_add(&x,
           MANAGED_VS("ns-b", "b", "2026-05-01T00:00:00Z", "ingress/ns-b/named")
               DOC ING("ns-b", "named", "2026-06-01T00:00:00Z", "b.example.com") DOC
           "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: dual\n"
           "  namespace: ns-b\n  creationTimestamp: \"2026-07-01T00:00:00Z\"\n"
           "  annotations: {meshpanel.io/state: dual}\n"
           "spec:\n  rules: [{host: c.example.com}]\n",
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, MPL_ING_AFTER_CUT) == 0, "%s", fx_dump(&x));
    fx_free(&x);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("lint_convert");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, converter_warnings_surface_with_their_codes);
    tcase_add_test(tc, mp302_gives_way_to_mp721_when_the_secrets_are_known);
    tcase_add_test(tc, a_shared_host_is_mp701_not_mp207_and_only_on_the_ingress);
    tcase_add_test(tc, a_planned_object_does_not_repeat_its_ingress);
    tcase_add_test(tc, mp741_an_ingress_newer_than_the_tenants_cut_over);
    tcase_add_test(tc, mp741_an_explicit_cut_over_covers_every_other_ingress);
    tcase_add_test(tc, mp741_not_for_a_tenant_in_dual_or_a_plan);
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
