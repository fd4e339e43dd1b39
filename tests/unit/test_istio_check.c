/* test_istio_check.c - what the edit form and $EDITOR refuse or warn about:
 * field checks with their paths, shadowed routes, certificates the gateway
 * cannot read, hosts of another tenant; and the templates of `n`. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/istio_check.h"
#include "model/parse.h"
#include "model/routecheck.h"
#include "model/store.h"
#include "model/template.h"
#include "tests/unit/doc_helpers.h"

#define VS_HEAD                                                                                    \
    "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: web\n"           \
    "  namespace: ns-a\nspec:\n  hosts: [web.example.com]\n  http:\n"

/* The finding at path (code and severity), or NULL. */
static const mp_warning *at(const mp_warnings *w, const char *path)
{
    for (size_t i = 0; i < w->len; i++)
        if (!strcmp(w->items[i].field, path))
            return &w->items[i];
    return NULL;
}

static int check(const char *yaml, mp_warnings *w, mp_store *st)
{
    doc_node *o = parse1(yaml);
    istio_check_opts opts = {
        .tenant_prefix = "ns-", .gateway_namespace = "istio-system", .store = st};
    mp_warnings_init(w);
    int errors = istio_check(o, &opts, w);
    doc_free(o);
    return errors;
}

START_TEST(a_clean_virtualservice_has_no_findings)
{
    mp_warnings w;
    ck_assert_int_eq(check(VS_HEAD "  - match: [{uri: {prefix: /api/}}]\n"
                                   "    route: [{destination: {host: api, port: {number: 80}}}]\n"
                                   "    timeout: 30s\n"
                                   "    corsPolicy:\n      allowOrigins: [{exact: https://a.io}]\n"
                                   "      allowMethods: [GET]\n      maxAge: 60s\n",
                           &w, NULL),
                     0);
    ck_assert_uint_eq(w.len, 0);
    mp_warnings_free(&w);
}
END_TEST

START_TEST(each_bad_value_is_named_by_its_path)
{
    mp_warnings w;
    int errors =
        check(VS_HEAD "  - match: [{uri: {regex: \"(?=x)\"}}, {uri: {prefix: api}}]\n"
                      "    route:\n    - {destination: {host: a}, weight: 60}\n"
                      "    - {destination: {host: b, port: {number: 70000}}, weight: 30}\n"
                      "    timeout: 0s\n"
                      "    retries: {attempts: 3, perTryTimeout: 1m, retryOn: \"5xx,bogus\"}\n"
                      "    corsPolicy:\n"
                      "      allowOrigins: [{exact: \"\"}, {regex: \"a\\\\1\"}]\n"
                      "      allowMethods: [GET, FETCH]\n      maxAge: 1.5s\n",
              &w, NULL);
    const char *bad[] = {"spec.http[0].match[0].uri.regex",
                         "spec.http[0].match[1].uri.prefix",
                         "spec.http[0].route",
                         "spec.http[0].route[1].destination.port.number",
                         "spec.http[0].timeout",
                         "spec.http[0].retries.perTryTimeout",
                         "spec.http[0].retries.retryOn",
                         "spec.http[0].corsPolicy.allowOrigins[0].exact",
                         "spec.http[0].corsPolicy.allowOrigins[1].regex",
                         "spec.http[0].corsPolicy.allowMethods[1]",
                         "spec.http[0].corsPolicy.maxAge"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const mp_warning *f = at(&w, bad[i]);
        ck_assert_msg(f != NULL, "no finding at %s", bad[i]);
        ck_assert_str_eq(f->code, MPW_FIELD_INVALID);
        ck_assert_int_eq(f->sev, MP_SEV_ERROR);
        ck_assert_str_eq(f->object, "virtualservice ns-a/web");
    }
    ck_assert_int_eq(errors, (int)(sizeof bad / sizeof bad[0]));
    ck_assert_ptr_nonnull(strstr(at(&w, "spec.http[0].timeout")->message, "leave empty for none"));
    ck_assert_ptr_nonnull(strstr(at(&w, "spec.http[0].route")->message, "90"));
    mp_warnings_free(&w);
}
END_TEST

START_TEST(a_tenant_may_not_claim_every_host)
{
    mp_warnings w;
    ck_assert_int_eq(check("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n"
                           "  name: all\n  namespace: ns-a\nspec:\n  hosts: [\"*\"]\n",
                           &w, NULL),
                     1);
    ck_assert_ptr_nonnull(at(&w, "spec.hosts[0]"));
    mp_warnings_free(&w);
    /* the platform's own namespace may */
    ck_assert_int_eq(check("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n"
                           "  name: all\n  namespace: istio-system\nspec:\n  hosts: [\"*\"]\n",
                           &w, NULL),
                     0);
    mp_warnings_free(&w);
}
END_TEST

static long shadow(const char *http, size_t i)
{
    char buf[2048];
    snprintf(buf, sizeof buf, "%s%s", VS_HEAD, http);
    doc_node *vs = parse1(buf);
    long by = route_shadowed_by(vs, i);
    doc_free(vs);
    return by;
}

START_TEST(shadowed_routes_are_found_and_only_real_ones)
{
    /* a catch-all (no match, or prefix /) before anything shadows it */
    ck_assert_int_eq(shadow("  - route: [{destination: {host: a}}]\n"
                            "  - match: [{uri: {prefix: /api/}}]\n",
                            1),
                     0);
    ck_assert_int_eq(shadow("  - match: [{uri: {prefix: /}}]\n"
                            "  - match: [{uri: {exact: /x}}]\n",
                            1),
                     0);
    /* a shorter prefix covers a longer one and an exact path under it */
    ck_assert_int_eq(shadow("  - match: [{uri: {prefix: /api}}]\n"
                            "  - match: [{uri: {exact: /api/v1}}, {uri: {prefix: /api/v2}}]\n",
                            1),
                     0);
    /* one uncovered match keeps the route reachable */
    ck_assert_int_eq(shadow("  - match: [{uri: {prefix: /api}}]\n"
                            "  - match: [{uri: {prefix: /api/v2}}, {uri: {prefix: /web}}]\n",
                            1),
                     -1);
    /* the longer prefix first: both reachable (the fixed order) */
    ck_assert_int_eq(shadow("  - match: [{uri: {prefix: /api/}}]\n"
                            "  - route: [{destination: {host: a}}]\n",
                            1),
                     -1);
    /* header conditions: only the same conditions cover */
    ck_assert_int_eq(shadow("  - match: [{uri: {prefix: /}, headers: {x: {exact: \"1\"}}}]\n"
                            "  - match: [{uri: {prefix: /a}}]\n",
                            1),
                     -1);
    ck_assert_int_eq(shadow("  - match: [{uri: {prefix: /}, headers: {x: {exact: \"1\"}}}]\n"
                            "  - match: [{uri: {prefix: /a}, headers: {x: {exact: \"1\"}}}]\n",
                            1),
                     0);
    /* a regex covers nothing we can prove */
    ck_assert_int_eq(shadow("  - match: [{uri: {regex: \".*\"}}]\n"
                            "  - match: [{uri: {prefix: /a}}]\n",
                            1),
                     -1);
    ck_assert_int_eq(shadow("  - match: [{uri: {exact: /a}}]\n"
                            "  - match: [{uri: {exact: /a}}]\n"
                            "  - match: [{uri: {exact: /a}}]\n",
                            2),
                     0);
}
END_TEST

START_TEST(shadowed_route_is_a_warning_at_the_route)
{
    mp_warnings w;
    ck_assert_int_eq(check(VS_HEAD "  - route: [{destination: {host: a}}]\n"
                                   "  - match: [{uri: {prefix: /api/}}]\n"
                                   "    route: [{destination: {host: b}}]\n",
                           &w, NULL),
                     0);
    const mp_warning *f = at(&w, "spec.http[1]");
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(f->code, MPW_ROUTE_SHADOWED);
    ck_assert_int_eq(f->sev, MP_SEV_WARNING);
    ck_assert_ptr_nonnull(strstr(f->message, "route 1"));
    mp_warnings_free(&w);
}
END_TEST

static void put(mp_store *st, const char *yaml)
{
    mp_err err;
    ck_assert_int_ge(store_put(st, parse1(yaml), &err), 0);
}

START_TEST(store_findings_other_tenants_host_and_unreadable_secret)
{
    mp_store *st = store_new();
    put(st, "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: promo, namespace: "
            "ns-b}\nspec:\n  rules: [{host: web.example.com}]\n");
    put(st, "apiVersion: v1\nkind: Secret\nmetadata: {name: web-tls, namespace: ns-a}\n"
            "type: kubernetes.io/tls\n");
    mp_warnings w;
    ck_assert_int_eq(check(VS_HEAD "  - route: [{destination: {host: a}}]\n", &w, st), 0);
    const mp_warning *f = at(&w, "spec.hosts[0]");
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(f->code, MPW_HOST_TAKEN);
    ck_assert_ptr_nonnull(strstr(f->message, "ingress ns-b/promo"));
    mp_warnings_free(&w);
    ck_assert_int_eq(check("apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n"
                           "  name: gw\n  namespace: ns-a\nspec:\n  selector: {istio: x}\n"
                           "  servers:\n  - port: {number: 443, protocol: HTTPS, name: https}\n"
                           "    hosts: [ns-a/app.example.com]\n"
                           "    tls: {mode: SIMPLE, credentialName: web-tls}\n",
                           &w, st),
                     0);
    f = at(&w, "spec.servers[0].tls.credentialName");
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(f->code, MPW_SECRET_ELSEWHERE);
    ck_assert_ptr_nonnull(strstr(f->message, "istio-system"));
    ck_assert_ptr_nonnull(strstr(f->message, "copy it"));
    mp_warnings_free(&w);
    store_free(st);
}
END_TEST

/* The preview converts other namespaces' Ingresses with the tenant's (the
 * converter says MP207 for them): only Istio objects count as taken. */
START_TEST(skip_ingress_hosts_keeps_only_istio_owners)
{
    mp_store *st = store_new();
    put(st, "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: promo, namespace: "
            "ns-b}\nspec:\n  rules: [{host: web.example.com}]\n");
    doc_node *o = parse1(VS_HEAD "  - route: [{destination: {host: a}}]\n");
    istio_check_opts opts = {.tenant_prefix = "ns-",
                             .gateway_namespace = "istio-system",
                             .store = st,
                             .skip_ingress_hosts = true};
    mp_warnings w;
    mp_warnings_init(&w);
    ck_assert_int_eq(istio_check(o, &opts, &w), 0);
    ck_assert_ptr_null(at(&w, "spec.hosts[0]"));
    mp_warnings_free(&w);
    put(st, "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: web, "
            "namespace: ns-c}\nspec:\n  hosts: [web.example.com]\n");
    mp_warnings_init(&w);
    ck_assert_int_eq(istio_check(o, &opts, &w), 0);
    const mp_warning *f = at(&w, "spec.hosts[0]");
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(f->code, MPW_HOST_TAKEN);
    ck_assert_ptr_nonnull(strstr(f->message, "virtualservice ns-c/web"));
    ck_assert_ptr_null(strstr(f->message, "ns-b"));
    mp_warnings_free(&w);
    doc_free(o);
    store_free(st);
}
END_TEST

static const doc_node *the_gateway;

static const doc_node *lookup(void *ud, const char *ns, const char *name)
{
    (void)ud;
    return !strcmp(ns, "ns-a") && !strcmp(name, "gw") ? the_gateway : NULL;
}

START_TEST(a_host_no_gateway_server_lists_is_a_warning)
{
    the_gateway = parse1("apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: gw, "
                         "namespace: ns-a}\nspec:\n  selector: {istio: x}\n  servers:\n"
                         "  - port: {number: 80, protocol: HTTP, name: http}\n"
                         "    hosts: [ns-a/web.example.com, \"*/*.shop.io\", other-ns/api.io]\n");
    doc_node *vs = parse1("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n"
                          "  name: web\n  namespace: ns-a\nspec:\n"
                          "  hosts: [web.example.com, a.shop.io, api.io, shop.io]\n"
                          "  gateways: [ns-a/gw, mesh, ns-a/unknown]\n");
    istio_check_opts o = {.tenant_prefix = "ns-", .gateway = lookup};
    mp_warnings w;
    mp_warnings_init(&w);
    ck_assert_int_eq(istio_check(vs, &o, &w), 0);
    ck_assert_ptr_null(at(&w, "spec.hosts[0]"));   /* ns-a/ prefix: the VS's namespace */
    ck_assert_ptr_null(at(&w, "spec.hosts[1]"));   /* *.shop.io takes a.shop.io */
    const mp_warning *f = at(&w, "spec.hosts[2]"); /* other-ns/ does not */
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(f->code, MPW_HOST_OFF_GATEWAY);
    ck_assert_ptr_nonnull(strstr(f->message, "ns-a/gw"));
    ck_assert_ptr_nonnull(at(&w, "spec.hosts[3]")); /* *.shop.io is not shop.io itself */
    ck_assert_uint_eq(w.len, 2);
    mp_warnings_free(&w);
    doc_free(vs);
    doc_free((doc_node *)the_gateway);
}
END_TEST

START_TEST(gateway_servers_need_tls_and_unique_port_names)
{
    mp_warnings w;
    int errors = check("apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n"
                       "  name: gw\n  namespace: ns-a\nspec:\n  selector: {istio: x}\n"
                       "  servers:\n  - port: {number: 80, protocol: HTTP, name: web}\n"
                       "    hosts: [a.example.com]\n"
                       "  - port: {number: 443, protocol: HTTPS, name: web}\n"
                       "    hosts: [a.example.com]\n"
                       "  - port: {number: 443, protocol: HTTPS, name: tls}\n"
                       "    hosts: [b.example.com]\n    tls: {mode: SIMPLE}\n",
                       &w, NULL);
    ck_assert_ptr_nonnull(at(&w, "spec.servers[1].port.name"));
    ck_assert_ptr_nonnull(at(&w, "spec.servers[1].tls.mode"));
    ck_assert_ptr_nonnull(at(&w, "spec.servers[2].tls.credentialName"));
    ck_assert_int_eq(errors, 3);
    mp_warnings_free(&w);
}
END_TEST

START_TEST(templates_are_complete_but_for_the_host)
{
    template_opts o = {
        "ns-a", "virtualservice", "ns-a/meshpanel-gateway", "web.ns-a.svc.cluster.local", 8080,
        NULL};
    doc_node *vs = template_new("VirtualService", &o);
    ck_assert_ptr_nonnull(vs);
    istio_check_opts opts = {.tenant_prefix = "ns-", .gateway_namespace = "istio-system"};
    mp_warnings w;
    mp_warnings_init(&w);
    ck_assert_int_eq(istio_check(vs, &opts, &w), 1);
    ck_assert_ptr_nonnull(at(&w, "spec.hosts[0]"));
    mp_warnings_free(&w);
    doc_free(vs);
    template_opts g = {"ns-a", "gateway", NULL, NULL, 0, "ingressgateway"};
    doc_node *gw = template_new("Gateway", &g);
    mp_warnings_init(&w);
    ck_assert_int_eq(istio_check(gw, &opts, &w), 1);
    ck_assert_ptr_nonnull(at(&w, "spec.servers[0].hosts[0]"));
    mp_warnings_free(&w);
    doc_free(gw);
    ck_assert_ptr_null(template_new("DestinationRule", &g));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("istio_check");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, a_clean_virtualservice_has_no_findings);
    tcase_add_test(tc, each_bad_value_is_named_by_its_path);
    tcase_add_test(tc, a_tenant_may_not_claim_every_host);
    tcase_add_test(tc, shadowed_routes_are_found_and_only_real_ones);
    tcase_add_test(tc, shadowed_route_is_a_warning_at_the_route);
    tcase_add_test(tc, store_findings_other_tenants_host_and_unreadable_secret);
    tcase_add_test(tc, skip_ingress_hosts_keeps_only_istio_owners);
    tcase_add_test(tc, gateway_servers_need_tls_and_unique_port_names);
    tcase_add_test(tc, a_host_no_gateway_server_lists_is_a_warning);
    tcase_add_test(tc, templates_are_complete_but_for_the_host);
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
