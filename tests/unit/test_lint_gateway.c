/* test_lint_gateway.c - gateway binding (MP711-MP715): one fixture that
 * triggers each code and one that must not. */
#include <check.h>
#include <stdlib.h>

#include "tests/unit/lint_helpers.h"

#define SERVER80(host)                                                                             \
    "  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: [\"" host "\"]\n"
#define SERVER443(host, cred)                                                                      \
    "  - port: {number: 443, name: https, protocol: HTTPS}\n    hosts: [\"" host "\"]\n"           \
    "    tls: {mode: SIMPLE, credentialName: " cred "}\n"
#define BOUND(gw, host) "spec:\n  hosts: [" host "]\n  gateways: [" gw "]\n"

START_TEST(mp711_a_gateway_that_does_not_exist)
{
    lint_fx x;
    fx_init(&x);
    fx_known(&x, "Gateway", "ns-a");
    fx_add(&x, VS("ns-a", "web", BOUND("ns-a/gone", "a.example.com")), LINT_LIVE);
    fx_run(&x);
    const lint_finding *f = fx_find(&x, MPL_GW_MISSING, "ns-a", "web");
    ck_assert_msg(f != NULL, "%s", fx_dump(&x));
    ck_assert_str_eq(f->field, "spec.gateways[0]");
    ck_assert_int_eq(f->sev, MP_SEV_ERROR);
    fx_free(&x);
}
END_TEST

START_TEST(mp711_not_when_it_exists_is_planned_or_unknown)
{
    lint_fx x;
    fx_init(&x);
    fx_known(&x, "Gateway", "ns-a");
    fx_add(&x,
           VS("ns-a", "web", BOUND("gw", "a.example.com"))
               DOC VS("ns-a", "shared", BOUND("istio-system/sealos-gateway", "b.example.com"))
                   DOC VS("ns-a", "mesh", BOUND("mesh", "c")),
           LINT_LIVE);
    fx_add(&x, GW("ns-a", "gw", "2026-01-01T00:00:00Z", SERVER80("a.example.com")), LINT_PLANNED);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, NULL) == 0, "%s", fx_dump(&x));
    fx_free(&x);
}
END_TEST

START_TEST(mp712_a_host_no_server_serves)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           GW("ns-a", "gw", "2026-01-01T00:00:00Z", SERVER80("a.example.com"))
               DOC VS("ns-a", "web", BOUND("ns-a/gw", "a.example.com, b.example.com")),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, NULL) == 1, "%s", fx_dump(&x));
    const lint_finding *f = fx_find(&x, MPL_GW_HOST, "ns-a", "web");
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(f->field, "spec.hosts[1]");
    ck_assert_str_eq(f->rel_kind, "Gateway");
    fx_free(&x);
}
END_TEST

START_TEST(mp712_not_when_a_wildcard_or_namespaced_server_host_takes_it)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           GW("istio-system", "gw", "2026-01-01T00:00:00Z",
              SERVER80("*.example.com") SERVER80("ns-a/shop.example.org"))
               DOC VS("ns-a", "web", BOUND("istio-system/gw", "a.example.com, shop.example.org")),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, NULL) == 0, "%s", fx_dump(&x));
    fx_free(&x);
}
END_TEST

START_TEST(mp713_two_gateways_bind_one_port_and_host)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           GW("ns-a", "gw", "2026-01-01T00:00:00Z", SERVER80("a.example.com"))
               DOC GW("ns-b", "gw", "2026-02-01T00:00:00Z",
                      SERVER80("b.example.com") SERVER80("a.example.com")),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, MPL_GW_CONFLICT) == 1, "%s", fx_dump(&x));
    const lint_finding *f = fx_find(&x, MPL_GW_CONFLICT, "ns-b", "gw");
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(f->field, "spec.servers[1].hosts[0]");
    ck_assert_str_eq(f->rel_ns, "ns-a");
    fx_free(&x);
}
END_TEST

START_TEST(mp713_not_for_another_port_host_or_workload)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           GW("ns-a", "gw", "2026-01-01T00:00:00Z", SERVER80("a.example.com"))
               DOC GW("ns-b", "gw", "2026-02-01T00:00:00Z", SERVER443("a.example.com", "cert-b"))
                   DOC GW("ns-c", "gw", "2026-02-01T00:00:00Z", SERVER80("c.example.com")) DOC
           "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: "
           "ns-d}\nspec:\n  selector: {istio: internal}\n  servers:\n" SERVER80("a.example.com"),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, MPL_GW_CONFLICT) == 0, "%s", fx_dump(&x));
    fx_free(&x);
}
END_TEST

START_TEST(mp714_a_virtualservice_of_an_ingress_without_gateways)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           VS("ns-a", "web",
              "  annotations: {meshpanel.io/source: ingress/ns-a/web}\n"
              "spec:\n  hosts: [a.example.com]\n  http: [{route: [{destination: {host: web}}]}]\n"),
           LINT_LIVE);
    fx_run(&x);
    const lint_finding *f = fx_find(&x, MPL_GW_MESH_ONLY, "ns-a", "web");
    ck_assert_msg(f != NULL, "%s", fx_dump(&x));
    ck_assert_str_eq(f->field, "spec.gateways");
    fx_free(&x);
}
END_TEST

START_TEST(mp714_not_for_delegates_mesh_or_hand_made)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           VS("ns-a", "delegate",
              "  annotations: {meshpanel.io/source: ingress/ns-a/web}\n"
              "spec:\n  http: [{route: [{destination: {host: web}}]}]\n")
               DOC VS("ns-a", "mesh",
                      "  annotations: {meshpanel.io/source: ingress/ns-a/web}\n" BOUND(
                          "mesh", "web")) DOC VS("ns-a", "internal", "spec:\n  hosts: [web]\n"),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, NULL) == 0, "%s", fx_dump(&x));
    fx_free(&x);
}
END_TEST

START_TEST(mp715_another_tenants_gateway)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           GW("ns-b", "gw", "2026-01-01T00:00:00Z", SERVER80("*"))
               DOC VS("ns-a", "web", BOUND("ns-b/gw", "a.example.com")),
           LINT_LIVE);
    fx_run(&x);
    const lint_finding *f = fx_find(&x, MPL_GW_CROSS_NS, "ns-a", "web");
    ck_assert_msg(f != NULL, "%s", fx_dump(&x));
    ck_assert_str_eq(f->field, "spec.gateways[0]");
    /* a policy list replaces the default (the gateway namespace) */
    fx_policy(&x, "allowedGatewayRefs: [istio-system/sealos-gateway]\n");
    lint_fx y;
    fx_init(&y);
    lint_policy_free(y.pol);
    y.pol = x.pol;
    x.pol = NULL;
    fx_add(&y,
           VS("ns-a", "ok", BOUND("istio-system/sealos-gateway", "a.example.com"))
               DOC VS("ns-a", "other", BOUND("istio-system/internal", "b.example.com")),
           LINT_LIVE);
    fx_run(&y);
    ck_assert_msg(fx_count(&y, MPL_GW_CROSS_NS) == 1, "%s", fx_dump(&y));
    ck_assert_ptr_nonnull(fx_find(&y, MPL_GW_CROSS_NS, "ns-a", "other"));
    fx_free(&y);
    fx_free(&x);
}
END_TEST

START_TEST(mp715_not_for_the_gateway_namespace_the_shared_gateway_or_platform)
{
    lint_fx x;
    fx_init(&x);
    fx_policy(&x, "gateway:\n  shared: platform/edge\n"
                  "allowedGatewayRefs: [\"ns-z/*\"]\n");
    fx_add(&x,
           VS("ns-a", "shared", BOUND("platform/edge", "a.example.com"))
               DOC VS("ns-a", "listed", BOUND("ns-z/gw", "b.example.com"))
                   DOC VS("istio-system", "platform", BOUND("ns-b/gw", "c.example.com")),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, NULL) == 0, "%s", fx_dump(&x));
    lint_fx y; /* without a policy: the gateway namespace's Gateways */
    fx_init(&y);
    fx_add(&y, VS("ns-a", "w", BOUND("istio-system/sealos-gateway", "a.example.com")), LINT_LIVE);
    fx_run(&y);
    ck_assert_uint_eq(fx_count(&y, NULL), 0);
    fx_free(&y);
    fx_free(&x);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("lint_gateway");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, mp711_a_gateway_that_does_not_exist);
    tcase_add_test(tc, mp711_not_when_it_exists_is_planned_or_unknown);
    tcase_add_test(tc, mp712_a_host_no_server_serves);
    tcase_add_test(tc, mp712_not_when_a_wildcard_or_namespaced_server_host_takes_it);
    tcase_add_test(tc, mp713_two_gateways_bind_one_port_and_host);
    tcase_add_test(tc, mp713_not_for_another_port_host_or_workload);
    tcase_add_test(tc, mp714_a_virtualservice_of_an_ingress_without_gateways);
    tcase_add_test(tc, mp714_not_for_delegates_mesh_or_hand_made);
    tcase_add_test(tc, mp715_another_tenants_gateway);
    tcase_add_test(tc, mp715_not_for_the_gateway_namespace_the_shared_gateway_or_platform);
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
