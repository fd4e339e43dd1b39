/* test_lint_tls.c - certificates (MP721-MP725): one fixture that triggers
 * each code and one that must not; Secrets are names only. */
#include <check.h>
#include <stdlib.h>

#include "tests/unit/lint_helpers.h"

#define HTTPS(host, cred)                                                                          \
    "  - port: {number: 443, name: https-" cred ", protocol: HTTPS}\n    hosts: [\"" host "\"]\n"  \
    "    tls: {mode: SIMPLE, credentialName: " cred "}\n"

#define TLS_ING(ns, name, host, tls_host, secret)                                                  \
    ING(ns, name, "2026-01-01T00:00:00Z", host)                                                    \
    "  tls:\n  - hosts: [\"" tls_host "\"]\n    secretName: " secret "\n"

START_TEST(mp721_credential_missing_in_the_gateway_namespace)
{
    lint_fx x;
    fx_init(&x);
    fx_known(&x, "Secret", NULL);
    fx_add(&x,
           GW("ns-a", "gw", "2026-01-01T00:00:00Z", HTTPS("a.example.com", "cert-a"))
               DOC SECRET("ns-a", "cert-a")
                   DOC GW("ns-b", "gw", "2026-01-01T00:00:00Z", HTTPS("b.example.com", "cert-b")),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, MPL_TLS_NO_SECRET) == 2, "%s", fx_dump(&x));
    const lint_finding *a = fx_find(&x, MPL_TLS_NO_SECRET, "ns-a", "gw");
    ck_assert_str_eq(a->field, "spec.servers[0].tls.credentialName");
    ck_assert_ptr_nonnull(strstr(a->hint, "copy Secret ns-a/cert-a to istio-system"));
    const lint_finding *b = fx_find(&x, MPL_TLS_NO_SECRET, "ns-b", "gw");
    ck_assert_ptr_null(strstr(b->hint, "copy"));
    fx_free(&x);
}
END_TEST

START_TEST(mp721_not_when_present_or_unknown)
{
    lint_fx x;
    fx_init(&x);
    fx_known(&x, "Secret", "istio-system");
    fx_add(&x,
           GW("ns-a", "gw", "2026-01-01T00:00:00Z", HTTPS("a.example.com", "cert-a"))
               DOC SECRET("istio-system", "cert-a"),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, NULL) == 0, "%s", fx_dump(&x));
    lint_fx y; /* the gateway namespace's Secrets unknown: nothing to say */
    fx_init(&y);
    fx_known(&y, "Secret", "ns-a");
    fx_add(&y, GW("ns-a", "gw", "2026-01-01T00:00:00Z", HTTPS("a.example.com", "cert-a")),
           LINT_LIVE);
    fx_run(&y);
    ck_assert_uint_eq(fx_count(&y, NULL), 0);
    fx_free(&y);
    fx_free(&x);
}
END_TEST

START_TEST(mp722_ingress_secret_missing_in_its_namespace)
{
    lint_fx x;
    fx_init(&x);
    fx_known(&x, "Secret", "ns-a");
    fx_add(&x, TLS_ING("ns-a", "web", "a.example.com", "a.example.com", "gone"), LINT_LIVE);
    fx_run(&x);
    const lint_finding *f = fx_find(&x, MPL_TLS_INGRESS, "ns-a", "web");
    ck_assert_msg(f != NULL, "%s", fx_dump(&x));
    ck_assert_str_eq(f->field, "spec.tls[0].secretName");
    ck_assert_int_eq(f->sev, MP_SEV_WARNING);
    fx_free(&x);
}
END_TEST

START_TEST(mp722_not_when_present_issued_or_unknown)
{
    lint_fx x;
    fx_init(&x);
    fx_known(&x, "Secret", "ns-a");
    fx_add(
        &x,
        TLS_ING("ns-a", "web", "a.example.com", "a.example.com", "here") DOC SECRET("ns-a", "here")
            DOC TLS_ING("ns-a", "custom", "b.example.com", "b.example.com", "custom-cert") DOC
        "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: custom, namespace: "
        "ns-a}\nspec: {secretName: custom-cert, dnsNames: [b.example.com]}\n" DOC TLS_ING(
            "ns-b", "other", "c.example.com", "c.example.com", "unknown"),
        LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, NULL) == 0, "%s", fx_dump(&x));
    fx_free(&x);
}
END_TEST

START_TEST(mp723_https_server_without_certificate)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           GW("ns-a", "gw", "2026-01-01T00:00:00Z",
              "  - port: {number: 443, name: https, protocol: HTTPS}\n"
              "    hosts: [a.example.com]\n"
              "  - port: {number: 8443, name: tls, protocol: HTTPS}\n"
              "    hosts: [a.example.com]\n    tls: {mode: SIMPLE}\n"),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, MPL_TLS_NO_CERT) == 2, "%s", fx_dump(&x));
    ck_assert_str_eq(fx_find(&x, MPL_TLS_NO_CERT, "ns-a", "gw")->field,
                     "spec.servers[0].tls.credentialName");
    fx_free(&x);
}
END_TEST

START_TEST(mp723_not_with_a_certificate_or_passthrough)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           GW("ns-a", "gw", "2026-01-01T00:00:00Z",
              HTTPS("a.example.com", "cert-a") "  - port: {number: 443, name: pt, protocol: TLS}\n"
                                               "    hosts: [b.example.com]\n"
                                               "    tls: {mode: PASSTHROUGH}\n"
                                               "  - port: {number: 80, name: http, protocol: "
                                               "HTTP}\n    hosts: [a.example.com]\n"),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, NULL) == 0, "%s", fx_dump(&x));
    fx_free(&x);
}
END_TEST

START_TEST(mp724_one_certificate_in_two_gateways_of_a_workload)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           GW("ns-a", "gw", "2026-01-01T00:00:00Z", HTTPS("a.example.com", "wildcard-cert")) DOC GW(
               "ns-b", "gw", "2026-02-01T00:00:00Z", HTTPS("b.example.com", "wildcard-cert")),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, MPL_TLS_SHARED) == 2, "%s", fx_dump(&x));
    ck_assert_str_eq(fx_find(&x, MPL_TLS_SHARED, "ns-a", "gw")->rel_ns, "ns-b");
    ck_assert_str_eq(fx_find(&x, MPL_TLS_SHARED, "ns-b", "gw")->rel_ns, "ns-a");
    fx_free(&x);
}
END_TEST

START_TEST(mp724_not_for_another_workload_or_certificate)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           GW("ns-a", "gw", "2026-01-01T00:00:00Z",
              HTTPS("a.example.com", "cert-a") HTTPS("c.example.com", "cert-a"))
               DOC GW("ns-b", "gw", "2026-02-01T00:00:00Z", HTTPS("b.example.com", "cert-b")) DOC
           "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: "
           "ns-c}\nspec:\n  selector: {istio: internal}\n  servers:\n" HTTPS("d.example.com",
                                                                             "cert-a"),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, NULL) == 0, "%s", fx_dump(&x));
    fx_free(&x);
}
END_TEST

START_TEST(mp725_tls_hosts_that_are_not_hosts_of_the_object)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           TLS_ING("ns-a", "web", "a.example.com", "b.example.com", "cert")
               DOC VS("ns-a", "pt",
                      "spec:\n  hosts: [a.example.com]\n  gateways: [gw]\n"
                      "  tls:\n  - match: [{port: 443, sniHosts: [a.example.com, x.example.com]}]\n"
                      "    route: [{destination: {host: web}}]\n"),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, MPL_TLS_HOST) == 2, "%s", fx_dump(&x));
    const lint_finding *i = fx_find(&x, MPL_TLS_HOST, "ns-a", "web");
    ck_assert_str_eq(i->field, "spec.tls[0].hosts[0]");
    ck_assert_int_eq(i->sev, MP_SEV_WARNING);
    const lint_finding *v = fx_find(&x, MPL_TLS_HOST, "ns-a", "pt");
    ck_assert_str_eq(v->field, "spec.tls[0].match[0].sniHosts[1]");
    ck_assert_int_eq(v->sev, MP_SEV_ERROR);
    fx_free(&x);
}
END_TEST

START_TEST(mp725_not_for_a_wildcard_that_covers_a_rule_host)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           TLS_ING("ns-a", "web", "a.example.com", "*.example.com", "cert")
               DOC VS("ns-a", "pt",
                      "spec:\n  hosts: [\"*.example.com\"]\n  gateways: [gw]\n"
                      "  tls:\n  - match: [{port: 443, sniHosts: [x.example.com]}]\n"
                      "    route: [{destination: {host: web}}]\n"),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, MPL_TLS_HOST) == 0, "%s", fx_dump(&x));
    fx_free(&x);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("lint_tls");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, mp721_credential_missing_in_the_gateway_namespace);
    tcase_add_test(tc, mp721_not_when_present_or_unknown);
    tcase_add_test(tc, mp722_ingress_secret_missing_in_its_namespace);
    tcase_add_test(tc, mp722_not_when_present_issued_or_unknown);
    tcase_add_test(tc, mp723_https_server_without_certificate);
    tcase_add_test(tc, mp723_not_with_a_certificate_or_passthrough);
    tcase_add_test(tc, mp724_one_certificate_in_two_gateways_of_a_workload);
    tcase_add_test(tc, mp724_not_for_another_workload_or_certificate);
    tcase_add_test(tc, mp725_tls_hosts_that_are_not_hosts_of_the_object);
    tcase_add_test(tc, mp725_not_for_a_wildcard_that_covers_a_rule_host);
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
