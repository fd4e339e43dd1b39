/* test_lint.c - lint's frame: the policy file (defaults, every key, errors
 * naming file:line), the set (later origins replace earlier ones), the
 * findings' order and lookups the console uses (per namespace, per
 * object), one edited object checked against the set, and the two output
 * shapes. The checks themselves: test_lint_{hosts,gateway,tls,routes,
 * convert}.c. */
#include <check.h>
#include <stdlib.h>

#include "model/emit.h"
#include "model/store.h"
#include "tests/unit/doc_helpers.h"
#include "tests/unit/lint_helpers.h"

static void policy_error(const char *yaml, const char *want)
{
    mp_err err = {{0}};
    lint_policy *p = lint_policy_parse(yaml, strlen(yaml), "pol.yaml", &err);
    ck_assert_msg(p == NULL, "accepted: %s", yaml);
    ck_assert_msg(strstr(err.msg, want) != NULL, "\"%s\" lacks \"%s\"", err.msg, want);
}

START_TEST(policy_errors_name_file_line_and_key)
{
    policy_error("tenantPrefix: ns-\nplatformDomain: [a.io]\n",
                 "pol.yaml:2: platformDomain: unknown key");
    policy_error("platformDomains: a.io\n", "pol.yaml:1: platformDomains: needs a list");
    policy_error("platformDomains:\n  - ok.io\n  - \"bad domain\"\n",
                 "pol.yaml:3: platformDomains: \"bad domain\" is not a domain");
    policy_error("deniedSuffixes: [\"*.sealos.io\"]\n", "pol.yaml:1: deniedSuffixes: no wildcard");
    policy_error("customDomains:\n  ns-a: [shop.io]\n  ns-b: [shop.io]\n",
                 "pol.yaml:3: customDomains.ns-b: shop.io is ns-a's custom domain already");
    policy_error("gateway:\n  selector: ingressgateway\n",
                 "pol.yaml:2: gateway.selector: needs a map");
    policy_error("gateway:\n  shared: sealos-gateway\n",
                 "pol.yaml:2: gateway.shared: needs NAMESPACE/NAME");
    policy_error("gateway:\n  port: 443\n", "pol.yaml:2: gateway.port: unknown key");
    policy_error("allowedGatewayRefs: [istio-system]\n", "pol.yaml:1: allowedGatewayRefs: needs");
    policy_error("- a\n", "pol.yaml:1: policy: needs a map");
    policy_error("tenantPrefix: [a\n", "pol.yaml");
}
END_TEST

START_TEST(policy_defaults_and_conversion_options)
{
    lint_policy *d = lint_policy_new();
    ck_assert_str_eq(lint_policy_tenant_prefix(d), "ns-");
    ck_assert_str_eq(lint_policy_gateway_namespace(d), "istio-system");
    convert_opts o;
    lint_policy_convert_opts(d, &o);
    ck_assert_int_eq(o.mode, GW_MODE_TENANT);
    ck_assert_str_eq(o.gateway_selector_value, "ingressgateway");
    lint_policy_free(d);
    const char *y = "tenantPrefix: t-\nplatformDomains: [Cloud.Sealos.IO, .laf.run]\n"
                    "gateway:\n  namespace: gw\n  selector: {istio: edge}\n"
                    "  shared: gw/edge\ndomainSuffix: corp.local\n";
    mp_err err = {{0}};
    lint_policy *p = lint_policy_parse(y, strlen(y), "p.yaml", &err);
    ck_assert_msg(p != NULL, "%s", err.msg);
    lint_policy_convert_opts(p, &o);
    ck_assert_int_eq(o.mode, GW_MODE_SHARED);
    ck_assert_str_eq(o.shared_gateway, "gw/edge");
    ck_assert_str_eq(o.gateway_namespace, "gw");
    ck_assert_str_eq(o.gateway_selector_value, "edge");
    ck_assert_str_eq(o.domain_suffix, "corp.local");
    ck_assert_uint_eq(o.nplatform_domains, 2);
    ck_assert_str_eq(o.platform_domains[0], "cloud.sealos.io");
    ck_assert_str_eq(o.platform_domains[1], "laf.run");
    ck_assert_str_eq(lint_policy_tenant_prefix(p), "t-");
    lint_policy_free(p);
    /* an empty file is the defaults */
    p = lint_policy_parse("", 0, "empty.yaml", &err);
    ck_assert_ptr_nonnull(p);
    lint_policy_free(p);
}
END_TEST

START_TEST(the_tenant_prefix_decides_what_a_tenant_is)
{
    lint_fx x;
    fx_init(&x);
    fx_policy(&x, "tenantPrefix: user-\n");
    fx_add(&x,
           ING("user-a", "w", "2026-01-01T00:00:00Z", "\"*.a.io\"")
               DOC ING("ns-b", "w", "2026-01-01T00:00:00Z", "\"*.b.io\""),
           LINT_LIVE);
    fx_run(&x);
    ck_assert_msg(fx_count(&x, NULL) == 1, "%s", fx_dump(&x));
    ck_assert_ptr_nonnull(fx_find(&x, MPL_HOST_WILDCARD, "user-a", "w"));
    fx_free(&x);
}
END_TEST

START_TEST(a_later_origin_replaces_its_namesake)
{
    lint_fx x;
    fx_init(&x);
    fx_known(&x, "Gateway", "ns-a");
    fx_add(&x, VS("ns-a", "web", "spec:\n  hosts: [a.io]\n  gateways: [gone]\n"), LINT_LIVE);
    fx_run(&x);
    ck_assert_uint_eq(fx_count(&x, MPL_GW_MISSING), 1);
    ck_assert_int_eq(fx_find(&x, MPL_GW_MISSING, "ns-a", "web")->origin, LINT_LIVE);
    fx_add(&x, VS("ns-a", "web", "spec:\n  hosts: [a.io]\n  gateways: [other]\n"), LINT_EDITED);
    fx_run(&x);
    const lint_finding *f = fx_find(&x, MPL_GW_MISSING, "ns-a", "web");
    ck_assert_uint_eq(fx_count(&x, NULL), 1);
    ck_assert_int_eq(f->origin, LINT_EDITED);
    ck_assert_ptr_nonnull(strstr(f->message, "ns-a/other"));
    fx_free(&x);
}
END_TEST

START_TEST(findings_are_sorted_and_found_by_namespace_and_object)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           ING("ns-c", "w", "2026-01-01T00:00:00Z", "\"*.c.io\"")
               DOC ING("ns-a", "w", "2026-01-01T00:00:00Z", "\"*.a.io\"")
                   DOC VS("ns-a", "v", "spec:\n  hosts: [\"*\"]\n  gateways: [mesh, \"*\"]\n")
                       DOC ING("ns-a", "x", "2026-01-01T00:00:00Z", "\"*.x.io\""),
           LINT_LIVE);
    fx_run(&x);
    size_t n = lint_findings_len(x.f);
    ck_assert_uint_eq(n, 4);
    for (size_t i = 1; i < n; i++)
        ck_assert_int_le(strcmp(lint_findings_at(x.f, i - 1)->ns, lint_findings_at(x.f, i)->ns), 0);
    /* Ingresses before VirtualServices within a namespace */
    ck_assert_str_eq(lint_findings_at(x.f, 0)->kind, "Ingress");
    ck_assert_str_eq(lint_findings_at(x.f, 2)->kind, "VirtualService");
    size_t first;
    ck_assert_uint_eq(lint_findings_ns(x.f, "ns-a", &first), 3);
    ck_assert_uint_eq(first, 0);
    ck_assert_uint_eq(lint_findings_ns(x.f, "ns-b", &first), 0);
    ck_assert_uint_eq(lint_findings_count_ns(x.f, "ns-a", MP_SEV_ERROR), 3);
    ck_assert_uint_eq(lint_findings_count_ns(x.f, "ns-c", MP_SEV_WARNING), 1);
    ck_assert_uint_eq(lint_findings_object(x.f, "Ingress", "ns-a", "x", &first), 1);
    ck_assert_str_eq(lint_findings_at(x.f, first)->name, "x");
    ck_assert_uint_eq(lint_findings_object(x.f, "Gateway", "ns-a", "x", &first), 0);
    ck_assert_uint_eq(lint_findings_count(x.f, MP_SEV_ERROR), 4);
    fx_free(&x);
}
END_TEST

START_TEST(one_edited_object_is_checked_against_the_set)
{
    lint_fx x;
    fx_init(&x);
    fx_known(&x, "Gateway", NULL);
    fx_add(&x,
           ING("ns-a", "shop", "2026-01-01T00:00:00Z", "shop.example.com") DOC GW(
               "ns-b", "gw", "2026-01-01T00:00:00Z",
               "  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: [b.example.com]\n")
               DOC VS("ns-b", "web", "spec:\n  hosts: [b.example.com]\n  gateways: [gw]\n"),
           LINT_LIVE);
    mp_err err = {{0}};
    lint_ctx *c = lint_prepare(x.set, x.pol, &err);
    ck_assert_ptr_nonnull(c);
    lint_findings *clean = lint_check_object(c, x.docs.docs[2], LINT_LIVE, &err);
    ck_assert_uint_eq(lint_findings_len(clean), 0);
    lint_findings_free(clean);
    /* the operator adds another tenant's host and a typo in the gateway */
    lint_fx e;
    fx_init(&e);
    fx_add(&e,
           VS("ns-b", "web",
              "spec:\n  hosts: [b.example.com, shop.example.com]\n"
              "  gateways: [gw, gw-typo]\n"),
           LINT_EDITED);
    lint_findings *f = lint_check_object(c, e.docs.docs[0], LINT_EDITED, &err);
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(lint_findings_len(f), 3);
    const lint_finding *a = lint_findings_at(f, 0), *b = lint_findings_at(f, 1),
                       *g = lint_findings_at(f, 2);
    ck_assert_str_eq(a->code, MPL_GW_MISSING);
    ck_assert_str_eq(a->field, "spec.gateways[1]");
    ck_assert_str_eq(b->code, MPL_HOST_TAKEN);
    ck_assert_str_eq(b->field, "spec.hosts[1]");
    ck_assert_str_eq(b->rel_ns, "ns-a");
    ck_assert_str_eq(g->code, MPL_GW_HOST);
    ck_assert_int_eq(g->origin, LINT_EDITED);
    lint_findings_free(f);
    fx_free(&e);
    lint_ctx_free(c);
    fx_free(&x);
}
END_TEST

START_TEST(text_line_and_map_shape)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           ING("ns-a", "shop", "2026-01-01T00:00:00Z", "shop.example.com")
               DOC ING("ns-b", "\"pro\\e[31mmo\"", "2026-02-01T00:00:00Z", "shop.example.com"),
           LINT_LIVE);
    fx_add(&x, VS("ns-b", "v", "spec:\n  hosts: [\"*\"]\n  gateways: [g]\n"), LINT_PLANNED);
    fx_run(&x);
    ck_assert_uint_eq(lint_findings_len(x.f), 2);
    ck_assert_ptr_nonnull(strchr(lint_findings_at(x.f, 0)->name, '\x1b'));
    char *line = lint_finding_format(lint_findings_at(x.f, 0));
    ck_assert_ptr_null(strchr(line, '\x1b'));
    ck_assert_msg(!strncmp(line, "error: MP701 ingress ns-b/pro", 29), "%s", line);
    ck_assert_ptr_nonnull(strstr(line, ": spec.rules[0].host: host shop.example.com is also"));
    ck_assert_ptr_nonnull(strstr(line, " (hint: remove the host here"));
    free(line);
    line = lint_finding_format(lint_findings_at(x.f, 1));
    ck_assert_msg(
        !strncmp(line, "error: MP704 virtualservice ns-b/v (planned): spec.hosts[0]: ", 61), "%s",
        line);
    free(line);
    doc_node *m = lint_finding_doc(lint_findings_at(x.f, 0));
    const char *keys[] = {"code", "severity", "origin",  "namespace", "kind",
                          "name", "field",    "message", "hint",      "related"};
    ck_assert_uint_eq(m->len, 10);
    for (size_t i = 0; i < 10; i++)
        ck_assert_str_eq(m->keys[i], keys[i]);
    ck_assert_str_eq(doc_get_str(m, "severity"), "error");
    ck_assert_str_eq(doc_get_str(doc_get(m, "related"), "namespace"), "ns-a");
    ck_assert_str_eq(doc_get_str(doc_get(m, "related"), "kind"), "Ingress");
    doc_free(m);
    m = lint_finding_doc(lint_findings_at(x.f, 1));
    ck_assert_ptr_null(doc_get(m, "related"));
    ck_assert_str_eq(doc_get_str(m, "origin"), "planned");
    doc_free(m);
    fx_free(&x);
}
END_TEST

START_TEST(the_console_lints_its_store)
{
    mp_store *st = store_new();
    mp_err err = {{0}};
    const char *docs[] = {
        ING("ns-a", "shop", "2026-01-01T00:00:00Z", "shop.example.com"),
        ING("ns-b", "promo", "2026-02-01T00:00:00Z", "shop.example.com"),
        SVC("ns-a", "web"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: ns-a}\n",
    };
    for (size_t i = 0; i < 4; i++)
        ck_assert_int_ge(store_put(st, parse1(docs[i]), &err), 0);
    lint_set *s = lint_set_new();
    ck_assert_int_eq(lint_set_add_store(s, st), 0);
    ck_assert_int_eq(lint_set_mark_known(s, "Service", NULL), 0);
    lint_policy *p = lint_policy_new();
    lint_findings *f = lint_run(s, p, &err);
    ck_assert_ptr_nonnull(f);
    /* the claim of ns-b, and ns-b's backend web that does not exist */
    ck_assert_uint_eq(lint_findings_len(f), 2);
    ck_assert_uint_eq(lint_findings_count_ns(f, "ns-b", MP_SEV_ERROR), 2);
    ck_assert_uint_eq(lint_findings_count_ns(f, "ns-a", MP_SEV_INFO), 0);
    lint_findings_free(f);
    lint_policy_free(p);
    lint_set_free(s);
    store_free(st);
}
END_TEST

START_TEST(the_code_table_is_complete_and_unique)
{
    size_t n;
    const lint_code *c = lint_codes(&n);
    const char *want[] = {MPL_HOST_TAKEN,    MPL_HOST_FOREIGN,   MPL_HOST_DENIED,
                          MPL_HOST_WILDCARD, MPL_HOST_CNAME,     MPL_GW_MISSING,
                          MPL_GW_HOST,       MPL_GW_CONFLICT,    MPL_GW_MESH_ONLY,
                          MPL_GW_CROSS_NS,   MPL_TLS_NO_SECRET,  MPL_TLS_INGRESS,
                          MPL_TLS_NO_CERT,   MPL_TLS_SHARED,     MPL_TLS_HOST,
                          MPL_ROUTE_NO_SVC,  MPL_ROUTE_SHADOWED, MPL_ROUTE_TIMEOUT,
                          MPL_ROUTE_CORS_RE, MPL_ROUTE_REDIRECT, MPL_ING_AFTER_CUT};
    ck_assert_uint_eq(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < n; i++) {
        ck_assert_str_eq(c[i].code, want[i]);
        ck_assert(strlen(c[i].title) > 10);
        for (size_t j = 0; j < i; j++)
            ck_assert_str_ne(c[i].code, c[j].code);
    }
}
END_TEST

/* The console's stepped run (prepare in steps of one item, checks one
 * item at a time, out of namespace order) gives lint_run's findings, in
 * its order; in namespace order the ranges need no sort at the end. */
static void same_findings(const lint_findings *a, const lint_findings *b)
{
    ck_assert_uint_eq(lint_findings_len(a), lint_findings_len(b));
    for (size_t i = 0; i < lint_findings_len(a); i++) {
        char *x = lint_finding_format(lint_findings_at(a, i));
        char *y = lint_finding_format(lint_findings_at(b, i));
        ck_assert_str_eq(x, y);
        free(x);
        free(y);
    }
}

START_TEST(the_stepped_run_equals_lint_run)
{
    lint_fx x;
    fx_init(&x);
    fx_add(&x,
           ING("ns-b", "web", "2026-01-02T00:00:00Z",
               "shop.io") DOC ING("ns-a", "web", "2026-01-01T00:00:00Z", "shop.io")
               DOC ING("ns-c", "api", "2026-01-03T00:00:00Z", "'*.c.io'") DOC SVC("ns-a", "web"),
           LINT_LIVE);
    fx_known(&x, "Service", NULL);
    fx_run(&x);
    ck_assert_uint_gt(lint_findings_len(x.f), 3);
    mp_err err = {{0}};
    lint_ctx *c = lint_prepare_begin(x.set, x.pol, &err);
    ck_assert_ptr_nonnull(c);
    int r, steps = 0;
    while ((r = lint_prepare_step(c, 1, &err)) == 0)
        steps++;
    ck_assert_int_eq(r, 1);
    ck_assert_int_eq(steps + 1, (int)lint_set_len(x.set));
    /* items one at a time, in the order added (ns-b before ns-a) */
    lint_check_run *k = lint_check_begin(c);
    for (size_t i = 0; i < lint_set_len(x.set); i++)
        ck_assert_int_eq(lint_check_range(k, i, i + 1, 0, 0), 0);
    ck_assert_int_eq(lint_check_range(k, 0, 0, 0, lint_set_nwarn(x.set)), 0);
    lint_findings *f = lint_check_end(k, &err);
    ck_assert_ptr_nonnull(f);
    same_findings(f, x.f);
    lint_findings_free(f);
    lint_ctx_free(c);
    fx_free(&x);
}
END_TEST

#define PLANNED_GW                                                                                 \
    GW("ns-a", "gw", "2026-01-01T00:00:00Z",                                                       \
       "  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: [shop.io]\n")
#define PLANNED_VS                                                                                 \
    VS("ns-a", "web-vs",                                                                           \
       "  annotations: {meshpanel.io/source: ingress/ns-a/web}\n"                                  \
       "spec:\n  hosts: [shop.io, other.io]\n  gateways: [gw]\n  http:\n"                          \
       "  - match: [{uri: {prefix: /}}]\n    route: [{destination: {host: web}}]\n"                \
       "  - match: [{uri: {prefix: /a}}]\n    route: [{destination: {host: web}}]\n")

/* Planned objects known by identity alone (the console keeps them as
 * text): with each document given only while its own item is indexed or
 * checked, and the Gateway's while the VirtualService naming it is
 * checked, the findings are lint_run's over the whole documents. */
START_TEST(identity_items_read_documents_only_when_given)
{
    lint_fx x;
    fx_init(&x);
    const char *live = ING("ns-a", "web", "2026-01-01T00:00:00Z", "shop.io") DOC SVC("ns-a", "web");
    fx_add(&x, live, LINT_LIVE);
    fx_add(&x, PLANNED_GW DOC PLANNED_VS, LINT_PLANNED);
    fx_run(&x);
    ck_assert_msg(fx_find(&x, MPL_GW_HOST, "ns-a", "web-vs"), "%s", fx_dump(&x)); /* other.io */
    ck_assert_msg(fx_find(&x, MPL_ROUTE_SHADOWED, "ns-a", "web-vs"), "%s", fx_dump(&x));

    lint_fx y;
    fx_init(&y);
    fx_add(&y, live, LINT_LIVE);
    const doc_node *gw = x.docs.docs[2], *vs = x.docs.docs[3];
    size_t at[2];
    const doc_node *docs[2] = {gw, vs};
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(lint_set_add_ident(y.set, kobj_kind(docs[i]), kobj_namespace(docs[i]),
                                            kobj_name(docs[i]), NULL, LINT_PLANNED, &at[i]),
                         0);
    mp_err err = {{0}};
    lint_ctx *c = lint_prepare_begin(y.set, y.pol, &err);
    ck_assert_ptr_nonnull(c);
    for (size_t i = 0; i < lint_set_len(y.set); i++) {
        for (int j = 0; j < 2; j++)
            lint_set_doc(y.set, at[j], kobj_name(docs[j]), at[j] == i ? docs[j] : NULL);
        ck_assert_int_ge(lint_prepare_step(c, 1, &err), 0);
    }
    lint_check_run *k = lint_check_begin(c);
    for (size_t i = 0; i < lint_set_len(y.set); i++) {
        lint_set_doc(y.set, at[0], kobj_name(gw), at[0] == i || at[1] == i ? gw : NULL);
        lint_set_doc(y.set, at[1], kobj_name(vs), at[1] == i ? vs : NULL);
        ck_assert_int_eq(lint_check_range(k, i, i + 1, 0, 0), 0);
    }
    lint_set_doc(y.set, at[0], "gw", gw); /* not the pointer it was added with: no effect */
    lint_findings *f = lint_check_end(k, &err);
    ck_assert_ptr_nonnull(f);
    same_findings(f, x.f);
    lint_findings_free(f);
    lint_ctx_free(c);
    fx_free(&y);
    fx_free(&x);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("lint");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, policy_errors_name_file_line_and_key);
    tcase_add_test(tc, policy_defaults_and_conversion_options);
    tcase_add_test(tc, the_tenant_prefix_decides_what_a_tenant_is);
    tcase_add_test(tc, a_later_origin_replaces_its_namesake);
    tcase_add_test(tc, findings_are_sorted_and_found_by_namespace_and_object);
    tcase_add_test(tc, one_edited_object_is_checked_against_the_set);
    tcase_add_test(tc, text_line_and_map_shape);
    tcase_add_test(tc, the_console_lints_its_store);
    tcase_add_test(tc, the_code_table_is_complete_and_unique);
    tcase_add_test(tc, the_stepped_run_equals_lint_run);
    tcase_add_test(tc, identity_items_read_documents_only_when_given);
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
