/* test_lint_hosts.c - host ownership (MP701-MP705): one fixture that
 * triggers each code and one that must not, domain membership on label
 * boundaries, and the CNAME answers of --check-dns. */
#include <check.h>
#include <stdlib.h>

#include "tests/unit/lint_helpers.h"

#define PLATFORM "platformDomains: [cloud.sealos.io]\n"

START_TEST(mp701_a_host_of_two_namespaces_is_an_error_on_the_younger)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           ING("ns-a", "shop", "2026-01-01T00:00:00Z", "shop.example.com")
               DOC ING("ns-b", "promo", "2026-02-01T00:00:00Z", "shop.example.com"),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, MPL_HOST_TAKEN) == 1, "%s", fx_dump(&x));
    const lint_finding *f = fx_find(&x, MPL_HOST_TAKEN, "ns-b", "promo");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->sev, MP_SEV_ERROR);
    ck_assert_str_eq(f->field, "spec.rules[0].host");
    ck_assert_str_eq(f->rel_ns, "ns-a");
    ck_assert_str_eq(f->rel_name, "shop");
    ck_assert_ptr_nonnull(strstr(f->message, "ns-a"));
    fx_free(&x);
}
END_TEST

START_TEST(mp701_a_virtualservice_claims_like_an_ingress)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           ING("ns-a", "shop", "2026-01-01T00:00:00Z", "shop.example.com")
               DOC VS("ns-b", "steal",
                      "  creationTimestamp: \"2026-03-01T00:00:00Z\"\n"
                      "spec:\n  hosts: [shop.example.com]\n  gateways: [ns-b/gw]\n"),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_ptr_nonnull(fx_find(&x, MPL_HOST_TAKEN, "ns-b", "steal"));
    ck_assert_uint_eq(fx_count(&x, MPL_HOST_TAKEN), 1);
    fx_free(&x);
}
END_TEST

/* The console's form: the owner's VirtualService as edited (no creation
 * time: "now") keeps its Ingress's claim; another tenant's edit that
 * types the host is the younger claimant. */
static lint_findings *check_edit(lint_ctx *c, const char *yaml, mp_err *err)
{
    doc_list l;
    doc_list_init(&l);
    ck_assert_int_eq(doc_parse_yaml(yaml, strlen(yaml), "edit.yaml", &l, err), 0);
    lint_findings *f = lint_check_object(c, l.docs[0], LINT_EDITED, err);
    doc_list_free(&l);
    return f;
}

static size_t count_code(const lint_findings *f, const char *code)
{
    size_t n = 0;
    for (size_t i = 0; i < lint_findings_len(f); i++)
        n += !strcmp(lint_findings_at(f, i)->code, code);
    return n;
}

START_TEST(mp701_an_edit_keeps_its_namespaces_claim)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           ING("ns-a", "shop", "2026-01-01T00:00:00Z", "shop.example.com")
               DOC ING("ns-b", "promo", "2026-02-01T00:00:00Z", "shop.example.com"),
           LINT_LIVE);
    mp_err err = {{0}};
    lint_ctx *c = lint_prepare(x.set, x.pol, &err);
    ck_assert_ptr_nonnull(c);
    lint_findings *own = check_edit(
        c, VS("ns-a", "shop-example-com", "spec:\n  hosts: [shop.example.com]\n  gateways: [gw]\n"),
        &err);
    ck_assert_ptr_nonnull(own);
    ck_assert_uint_eq(count_code(own, MPL_HOST_TAKEN), 0);
    lint_findings *other = check_edit(
        c, VS("ns-c", "mine", "spec:\n  hosts: [shop.example.com]\n  gateways: [gw]\n"), &err);
    ck_assert_ptr_nonnull(other);
    ck_assert_uint_eq(count_code(other, MPL_HOST_TAKEN), 1);
    ck_assert_str_eq(lint_findings_at(other, 0)->rel_ns, "ns-a");
    lint_findings_free(own);
    lint_findings_free(other);
    lint_ctx_free(c);
    fx_free(&x);
}
END_TEST

START_TEST(mp701_not_for_one_namespace_or_a_mesh_only_virtualservice)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           ING("ns-a", "one", "2026-01-01T00:00:00Z", "shop.example.com")
               DOC ING("ns-a", "two", "2026-02-01T00:00:00Z", "shop.example.com")
                   DOC VS("ns-b", "internal", "spec:\n  hosts: [shop.example.com]\n"),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, MPL_HOST_TAKEN) == 0, "%s", fx_dump(&x));
    fx_free(&x);
}
END_TEST

START_TEST(mp701_the_policy_names_the_owner_of_a_custom_domain)
{
    lint_fx x;
    fx_init(&x);
    fx_policy(&x, "customDomains:\n  ns-b: [example.com]\n");
    fx_add(&x,
           ING("ns-a", "first", "2026-01-01T00:00:00Z", "www.example.com")
               DOC ING("ns-b", "owner", "2026-02-01T00:00:00Z", "www.example.com"),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_uint_eq(fx_count(&x, MPL_HOST_TAKEN), 1);
    const lint_finding *f = fx_find(&x, MPL_HOST_TAKEN, "ns-a", "first");
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(f->rel_name, "owner");
    fx_free(&x);
}
END_TEST

START_TEST(mp702_a_tenant_host_outside_the_platform_domains)
{
    lint_fx x;
    fx_init(&x);
    fx_policy(&x, PLATFORM "customDomains:\n  ns-a: [shop.example.com]\n");
    fx_add(&x,
           ING("ns-a", "cloud", "2026-01-01T00:00:00Z", "shop.example.cloud")
               DOC ING("ns-a", "evil", "2026-01-01T00:00:00Z", "evilcloud.sealos.io")
                   DOC ING("ns-a", "bare", "2026-01-01T00:00:00Z", "cloud.sealos.io"),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, MPL_HOST_FOREIGN) == 3, "%s", fx_dump(&x));
    ck_assert_ptr_nonnull(fx_find(&x, MPL_HOST_FOREIGN, "ns-a", "evil"));
    fx_free(&x);
}
END_TEST

START_TEST(mp702_not_for_platform_custom_or_platform_namespace_hosts)
{
    lint_fx x;
    fx_init(&x);
    fx_policy(&x, PLATFORM "customDomains:\n  ns-a: [example.com]\n");
    fx_add(&x,
           ING("ns-a", "app", "2026-01-01T00:00:00Z", "app1.cloud.sealos.io")
               DOC ING("ns-a", "custom", "2026-01-01T00:00:00Z", "www.example.com")
                   DOC ING("ns-a", "apex", "2026-01-01T00:00:00Z", "example.com") DOC ING(
                       "istio-system", "platform", "2026-01-01T00:00:00Z", "status.other.io"),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, NULL) == 0, "%s", fx_dump(&x));
    /* without platform domains the check does not run */
    lint_fx y;
    fx_init(&y);
    fx_add(&y, ING("ns-a", "cloud", "2026-01-01T00:00:00Z", "shop.example.cloud"), LINT_LIVE);
    fx_run(&y);
    ck_assert_uint_eq(fx_count(&y, NULL), 0);
    fx_free(&y);
    fx_free(&x);
}
END_TEST

START_TEST(mp703_a_denied_suffix_on_label_boundaries)
{
    lint_fx x;
    fx_init(&x);
    fx_policy(&x, "deniedSuffixes: [sealos.io, .internal.example]\n");
    fx_add(&x,
           ING("ns-a", "admin", "2026-01-01T00:00:00Z", "admin.sealos.io")
               DOC ING("ns-a", "apex", "2026-01-01T00:00:00Z", "sealos.io")
                   DOC ING("ns-a", "near", "2026-01-01T00:00:00Z", "notsealos.io")
                       DOC ING("ns-a", "other", "2026-01-01T00:00:00Z", "sealos.io.example.com")
                           DOC ING("ns-a", "int", "2026-01-01T00:00:00Z", "db.internal.example"),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, MPL_HOST_DENIED) == 3, "%s", fx_dump(&x));
    ck_assert_ptr_nonnull(fx_find(&x, MPL_HOST_DENIED, "ns-a", "admin"));
    ck_assert_ptr_nonnull(fx_find(&x, MPL_HOST_DENIED, "ns-a", "apex"));
    ck_assert_ptr_nonnull(fx_find(&x, MPL_HOST_DENIED, "ns-a", "int"));
    fx_free(&x);
}
END_TEST

START_TEST(mp704_wildcard_hosts_in_a_tenant_namespace)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           ING("ns-a", "wild", "2026-01-01T00:00:00Z", "\"*.cloud.sealos.io\"")
               DOC VS("ns-a", "all", "spec:\n  hosts: [\"*\"]\n  gateways: [gw]\n")
                   DOC GW("ns-a", "gw", "2026-01-01T00:00:00Z",
                          "  - port: {number: 80, name: http, protocol: HTTP}\n"
                          "    hosts: [\"ns-a/*\"]\n"),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, MPL_HOST_WILDCARD) == 3, "%s", fx_dump(&x));
    const lint_finding *f = fx_find(&x, MPL_HOST_WILDCARD, "ns-a", "gw");
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(f->field, "spec.servers[0].hosts[0]");
    fx_free(&x);
}
END_TEST

START_TEST(mp704_not_for_the_tenants_own_domain_or_the_platform)
{
    lint_fx x;
    fx_init(&x);
    fx_policy(&x, "customDomains:\n  ns-a: [shop.example.com]\n");
    fx_add(&x,
           ING("ns-a", "own", "2026-01-01T00:00:00Z", "\"*.shop.example.com\"")
               DOC GW("istio-system", "sealos-gateway", "2026-01-01T00:00:00Z",
                      "  - port: {number: 80, name: http, protocol: HTTP}\n"
                      "    hosts: [\"*.cloud.sealos.io\"]\n"),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, MPL_HOST_WILDCARD) == 0, "%s", fx_dump(&x));
    fx_free(&x);
}
END_TEST

START_TEST(mp705_cname_answers)
{
    lint_fx x;
    fx_init(&x);
    fx_policy(&x, PLATFORM "customDomains:\n  ns-a: [example.com]\n");
    fx_add(&x,
           ING("ns-a", "good", "2026-01-01T00:00:00Z", "good.example.com")
               DOC ING("ns-a", "elsewhere", "2026-01-01T00:00:00Z", "away.example.com")
                   DOC ING("ns-a", "none", "2026-01-01T00:00:00Z", "none.example.com") DOC ING(
                       "ns-a", "unknown", "2026-01-01T00:00:00Z", "flaky.example.com")
                       DOC ING("ns-a", "platform", "2026-01-01T00:00:00Z", "a1.cloud.sealos.io"),
           LINT_LIVE);
    size_t n;
    const char **hosts = lint_dns_hosts(x.set, x.pol, &n);
    ck_assert_uint_eq(n, 4); /* the platform host needs no lookup */
    for (size_t i = 0; i < n; i++)
        ck_assert_ptr_null(strstr(hosts[i], "cloud.sealos.io"));
    free(hosts);
    ck_assert_int_eq(lint_set_dns(x.set, "good.example.com", LINT_DNS_CNAME, "xy.cloud.sealos.io."),
                     0);
    ck_assert_int_eq(lint_set_dns(x.set, "away.example.com", LINT_DNS_CNAME, "lb.other.net"), 0);
    ck_assert_int_eq(lint_set_dns(x.set, "none.example.com", LINT_DNS_NO_CNAME, NULL), 0);
    ck_assert_int_eq(lint_set_dns(x.set, "flaky.example.com", LINT_DNS_UNKNOWN, NULL), 0);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, MPL_HOST_CNAME) == 3, "%s", fx_dump(&x));
    ck_assert_ptr_null(fx_find(&x, MPL_HOST_CNAME, "ns-a", "good"));
    ck_assert_int_eq(fx_find(&x, MPL_HOST_CNAME, "ns-a", "elsewhere")->sev, MP_SEV_WARNING);
    ck_assert_int_eq(fx_find(&x, MPL_HOST_CNAME, "ns-a", "none")->sev, MP_SEV_WARNING);
    /* a failed lookup is unknown, never a denial */
    ck_assert_int_eq(fx_find(&x, MPL_HOST_CNAME, "ns-a", "unknown")->sev, MP_SEV_INFO);
    fx_free(&x);
}
END_TEST

START_TEST(mp705_not_without_answers)
{
    lint_fx x;
    fx_init(&x);
    fx_policy(&x, PLATFORM);
    fx_add(&x, ING("ns-a", "c", "2026-01-01T00:00:00Z", "www.example.com"), LINT_LIVE);
    fx_run(&x);
    ck_assert_uint_eq(fx_count(&x, MPL_HOST_CNAME), 0);
    ck_assert_uint_eq(fx_count(&x, MPL_HOST_FOREIGN), 1);
    fx_free(&x);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("lint_hosts");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, mp701_a_host_of_two_namespaces_is_an_error_on_the_younger);
    tcase_add_test(tc, mp701_a_virtualservice_claims_like_an_ingress);
    tcase_add_test(tc, mp701_an_edit_keeps_its_namespaces_claim);
    tcase_add_test(tc, mp701_not_for_one_namespace_or_a_mesh_only_virtualservice);
    tcase_add_test(tc, mp701_the_policy_names_the_owner_of_a_custom_domain);
    tcase_add_test(tc, mp702_a_tenant_host_outside_the_platform_domains);
    tcase_add_test(tc, mp702_not_for_platform_custom_or_platform_namespace_hosts);
    tcase_add_test(tc, mp703_a_denied_suffix_on_label_boundaries);
    tcase_add_test(tc, mp704_wildcard_hosts_in_a_tenant_namespace);
    tcase_add_test(tc, mp704_not_for_the_tenants_own_domain_or_the_platform);
    tcase_add_test(tc, mp705_cname_answers);
    tcase_add_test(tc, mp705_not_without_answers);
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
