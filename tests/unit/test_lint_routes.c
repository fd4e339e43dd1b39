/* test_lint_routes.c - routes (MP731-MP735): one fixture that triggers
 * each code and one that must not. */
#include <check.h>
#include <stdlib.h>

#include "tests/unit/lint_helpers.h"

#define ROUTES(http) VS("ns-a", "web", "spec:\n  hosts: [web]\n  http:\n" http)

#define BACKEND_ING(name, backend)                                                                 \
    "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: " name                      \
    ", namespace: ns-a}\nspec:\n  rules:\n  - host: a.example.com\n    http:\n      paths:\n"      \
    "      - {path: /, pathType: Prefix, backend: {service: " backend "}}\n"

#define TWO_PORTS                                                                                  \
    "apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: ns-a}\n"                      \
    "spec:\n  ports: [{name: http, port: 80}, {name: grpc, port: 9090}]\n"

START_TEST(mp731_ingress_backends_that_do_not_exist)
{
    lint_fx x;
    fx_init(&x);
    fx_known(&x, "Service", "ns-a");
    fx_add(&x,
           SVC("ns-a", "web") DOC BACKEND_ING("gone", "{name: nope, port: {number: 80}}")
               DOC BACKEND_ING("port", "{name: web, port: {number: 8080}}")
                   DOC BACKEND_ING("named", "{name: web, port: {name: grpc}}"),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, MPL_ROUTE_NO_SVC) == 3, "%s", fx_dump(&x));
    ck_assert_str_eq(fx_find(&x, MPL_ROUTE_NO_SVC, "ns-a", "gone")->field,
                     "spec.rules[0].http.paths[0].backend.service.name");
    const lint_finding *p = fx_find(&x, MPL_ROUTE_NO_SVC, "ns-a", "port");
    ck_assert_str_eq(p->field, "spec.rules[0].http.paths[0].backend.service.port.number");
    ck_assert_str_eq(p->rel_name, "web");
    ck_assert_str_eq(fx_find(&x, MPL_ROUTE_NO_SVC, "ns-a", "named")->field,
                     "spec.rules[0].http.paths[0].backend.service.port.name");
    fx_free(&x);
}
END_TEST

START_TEST(mp731_virtualservice_destinations)
{
    lint_fx x;
    fx_init(&x);
    fx_known(&x, "Service", NULL);
    fx_add(&x,
           TWO_PORTS DOC ROUTES("  - match: [{uri: {exact: /r1}}]\n    route:\n    - destination: "
                                "{host: api.ns-a.svc.cluster.local}\n"
                                "  - match: [{uri: {exact: /r2}}]\n    route:\n    - destination: "
                                "{host: gone.ns-a.svc, port: "
                                "{number: 80}}\n"
                                "  - match: [{uri: {exact: /r3}}]\n    route:\n    - destination: "
                                "{host: api, port: {number: 81}}\n"),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, MPL_ROUTE_NO_SVC) == 3, "%s", fx_dump(&x));
    fx_free(&x);
}
END_TEST

START_TEST(mp731_not_when_present_external_or_unknown)
{
    lint_fx x;
    fx_init(&x);
    fx_known(&x, "Service", "ns-a");
    fx_add(&x,
           SVC("ns-a", "web") DOC TWO_PORTS DOC BACKEND_ING("ok", "{name: web, port: {name: http}}")
               DOC ROUTES("  - match: [{uri: {exact: /r4}}]\n    route:\n    - destination: {host: "
                          "api.ns-a.svc.cluster.local, "
                          "port: {number: 9090}}\n"
                          "  - match: [{uri: {exact: /r5}}]\n    route:\n    - destination: {host: "
                          "httpbin.org}\n"
                          "  - match: [{uri: {exact: /r6}}]\n    route:\n    - destination: {host: "
                          "x.ns-b.svc.cluster.local}\n"),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, NULL) == 0, "%s", fx_dump(&x));
    fx_free(&x);
}
END_TEST

START_TEST(mp732_a_route_shadowed_by_an_earlier_prefix)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           ROUTES("  - match: [{uri: {prefix: /}}]\n    route: [{destination: {host: web}}]\n"
                  "  - match: [{uri: {prefix: /api}}]\n    route: [{destination: {host: api}}]\n"),
           LINT_LIVE);
    fx_run(&x);
    const lint_finding *f = fx_find(&x, MPL_ROUTE_SHADOWED, "ns-a", "web");
    ck_assert_msg(f != NULL && fx_count(&x, NULL) == 1, "%s", fx_dump(&x));
    ck_assert_str_eq(f->field, "spec.http[1]");
    fx_free(&x);
}
END_TEST

START_TEST(mp732_not_in_the_right_order)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           ROUTES("  - match: [{uri: {prefix: /api}}]\n    route: [{destination: {host: api}}]\n"
                  "  - match: [{uri: {prefix: /}}]\n    route: [{destination: {host: web}}]\n"),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, NULL) == 0, "%s", fx_dump(&x));
    fx_free(&x);
}
END_TEST

START_TEST(mp733_timeouts_below_one_millisecond)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           ROUTES("  - match: [{uri: {exact: /a}}]\n    route: [{destination: {host: a}}]\n    "
                  "timeout: 0s\n"
                  "  - match: [{uri: {exact: /b}}]\n    route: [{destination: {host: b}}]\n    "
                  "timeout: 0.0005s\n"
                  "  - match: [{uri: {exact: /c}}]\n    route: [{destination: {host: c}}]\n    "
                  "timeout: 0.001s\n"
                  "  - match: [{uri: {exact: /d}}]\n    route: [{destination: {host: d}}]\n    "
                  "timeout: 300s\n"),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, MPL_ROUTE_TIMEOUT) == 2 && fx_count(&x, NULL) == 2, "%s",
                  fx_dump(&x));
    ck_assert_str_eq(fx_find(&x, MPL_ROUTE_TIMEOUT, "ns-a", "web")->field, "spec.http[0].timeout");
    fx_free(&x);
}
END_TEST

START_TEST(mp734_a_cors_origin_regex_re2_refuses)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           ROUTES("  - route: [{destination: {host: a}}]\n    corsPolicy:\n"
                  "      allowOrigins: [{exact: \"https://a.io\"}, {regex: \"(?!evil).*\"}]\n"),
           LINT_LIVE);
    fx_run(&x);
    const lint_finding *f = fx_find(&x, MPL_ROUTE_CORS_RE, "ns-a", "web");
    ck_assert_msg(f != NULL, "%s", fx_dump(&x));
    ck_assert_str_eq(f->field, "spec.http[0].corsPolicy.allowOrigins[1].regex");
    fx_free(&x);
}
END_TEST

START_TEST(mp734_not_for_an_re2_regex)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           ROUTES("  - route: [{destination: {host: a}}]\n    corsPolicy:\n"
                  "      allowOrigins: [{regex: \"https://.*\\\\.example\\\\.com\"}]\n"),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, NULL) == 0, "%s", fx_dump(&x));
    fx_free(&x);
}
END_TEST

START_TEST(mp735_redirect_codes)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           ROUTES("  - match: [{uri: {exact: /x}}]\n    redirect: {uri: /a, redirectCode: 200}\n"
                  "  - redirect: {uri: /b, redirectCode: 304}\n"),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, MPL_ROUTE_REDIRECT) == 2, "%s", fx_dump(&x));
    size_t first, n = lint_findings_object(x.f, "VirtualService", "ns-a", "web", &first);
    ck_assert_uint_eq(n, 2);
    const lint_finding *a = lint_findings_at(x.f, first), *b = lint_findings_at(x.f, first + 1);
    ck_assert_str_eq(a->field, "spec.http[0].redirect.redirectCode");
    ck_assert_int_eq(a->sev, MP_SEV_ERROR);
    ck_assert_int_eq(b->sev, MP_SEV_ERROR);
    ck_assert_ptr_nonnull(strstr(b->message, "not yet supported"));
    fx_free(&x);
}
END_TEST

START_TEST(mp735_not_for_the_codes_envoy_has)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           ROUTES("  - match: [{uri: {exact: /x}}]\n    redirect: {uri: /a, redirectCode: 301}\n"
                  "  - match: [{uri: {exact: /y}}]\n    redirect: {uri: /b, redirectCode: 308}\n"
                  "  - redirect: {uri: /c}\n"),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, NULL) == 0, "%s", fx_dump(&x));
    fx_free(&x);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("lint_routes");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, mp731_ingress_backends_that_do_not_exist);
    tcase_add_test(tc, mp731_virtualservice_destinations);
    tcase_add_test(tc, mp731_not_when_present_external_or_unknown);
    tcase_add_test(tc, mp732_a_route_shadowed_by_an_earlier_prefix);
    tcase_add_test(tc, mp732_not_in_the_right_order);
    tcase_add_test(tc, mp733_timeouts_below_one_millisecond);
    tcase_add_test(tc, mp734_a_cors_origin_regex_re2_refuses);
    tcase_add_test(tc, mp734_not_for_an_re2_regex);
    tcase_add_test(tc, mp735_redirect_codes);
    tcase_add_test(tc, mp735_not_for_the_codes_envoy_has);
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
