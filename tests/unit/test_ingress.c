/* test_ingress.c - typed views of Ingress and Service, and their decode errors
 * (docs/conversion.md §1). */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "model/ingress.h"
#include "model/ipnet.h"
#include "model/parse.h"

static doc_node *parse1(const char *yaml, doc_list *l)
{
    mp_err e;
    doc_list_init(l);
    ck_assert_msg(doc_parse_yaml(yaml, strlen(yaml), "t", l, &e) == 0, "%s", e.msg);
    ck_assert_uint_eq(l->len, 1);
    return l->docs[0];
}

/* Decodes and expects an error equal to want. */
static void expect_error(const char *yaml, const char *want)
{
    doc_list l;
    doc_node *o = parse1(yaml, &l);
    ing_view v;
    mp_err e;
    ck_assert_int_eq(ingress_decode(o, "default", &v, &e), -1);
    ck_assert_str_eq(e.msg, want);
    doc_list_free(&l);
}

#define HEAD                                                                                       \
    "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: ns-a}\n"
#define PATH(p) "spec:\n  rules:\n  - host: a.example.com\n    http:\n      paths:\n" p

START_TEST(decode_full_view)
{
    doc_list l;
    doc_node *o = parse1(
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n"
        "  creationTimestamp: \"2024-05-01T00:00:00Z\"\n"
        "  annotations:\n    kubernetes.io/ingress.class: nginx\n"
        "    nginx.ingress.kubernetes.io/rewrite-target: /\n"
        "spec:\n  ingressClassName: other\n"
        "  defaultBackend: {service: {name: def, port: {number: 8080}}}\n"
        "  tls:\n  - hosts: [a.example.com, '*.example.com']\n    secretName: cert\n"
        "  rules:\n  - host: a.example.com\n    http:\n      paths:\n"
        "      - {path: /x, pathType: Exact, backend: {service: {name: s, port: {name: http}}}}\n"
        "      - {backend: {service: {name: s, port: {number: 80}}}}\n"
        "  - host: '*.example.com'\n",
        &l);
    ing_view v;
    mp_err e;
    ck_assert_msg(ingress_decode(o, "fallback-ns", &v, &e) == 0, "%s", e.msg);
    ck_assert_str_eq(v.ns, "fallback-ns");
    ck_assert_str_eq(v.created, "2024-05-01T00:00:00Z");
    ck_assert_str_eq(v.class_annotation, "nginx");
    ck_assert_str_eq(v.class_name, "other");
    ck_assert_str_eq(ingress_nginx_annotation(&v, "rewrite-target"), "/");
    ck_assert_ptr_null(ingress_nginx_annotation(&v, "use-regex"));
    ck_assert(v.has_default);
    ck_assert_int_eq(v.default_backend.port_number, 8080);
    ck_assert_uint_eq(v.ntls, 1);
    ck_assert_uint_eq(v.tls[0].nhosts, 2);
    ck_assert_str_eq(v.tls[0].secret, "cert");
    ck_assert_uint_eq(v.nrules, 2);
    ck_assert_uint_eq(v.rules[0].npaths, 2);
    ck_assert_int_eq(v.rules[0].paths[0].type, ING_PATH_EXACT);
    ck_assert_str_eq(v.rules[0].paths[0].backend.port_name, "http");
    ck_assert_int_eq(v.rules[0].paths[0].backend.port_number, 0);
    /* path and pathType absent: "/" and ImplementationSpecific */
    ck_assert_str_eq(v.rules[0].paths[1].path, "/");
    ck_assert_int_eq(v.rules[0].paths[1].type, ING_PATH_IMPL);
    ck_assert(!v.rules[0].paths[1].type_set);
    ck_assert_str_eq(v.rules[1].host, "*.example.com");
    ck_assert_uint_eq(v.rules[1].npaths, 0);
    ingress_view_free(&v);
    doc_list_free(&l);
}
END_TEST

START_TEST(decode_v1beta1)
{
    doc_list l;
    doc_node *o = parse1("apiVersion: extensions/v1beta1\nkind: Ingress\n"
                         "metadata: {name: old, namespace: ns-a}\n"
                         "spec:\n  backend: {serviceName: def, servicePort: 80}\n"
                         "  rules:\n  - host: a.example.com\n    http:\n      paths:\n"
                         "      - {path: /a, backend: {serviceName: s, servicePort: http}}\n",
                         &l);
    ing_view v;
    mp_err e;
    ck_assert_msg(ingress_decode(o, NULL, &v, &e) == 0, "%s", e.msg);
    ck_assert_str_eq(v.default_backend.service, "def");
    ck_assert_int_eq(v.default_backend.port_number, 80);
    ck_assert_str_eq(v.rules[0].paths[0].backend.service, "s");
    ck_assert_str_eq(v.rules[0].paths[0].backend.port_name, "http");
    ingress_view_free(&v);
    doc_list_free(&l);
}
END_TEST

START_TEST(decode_errors)
{
    expect_error(HEAD PATH("      - {path: /, pathType: Prefix, backend: {service: {name: s, port: "
                           "{number: 80}}}}\n"
                           "      - {path: /x, pathType: Regex, backend: {service: {name: s, "
                           "port: {number: 80}}}}\n"),
                 "ingress ns-a/web: spec.rules[0].http.paths[1].pathType: \"Regex\" is not "
                 "Exact|Prefix|ImplementationSpecific");
    expect_error("apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: ns-a}\n",
                 "service ns-a/web: kind: \"Service\" is not Ingress");
    expect_error(HEAD "spec:\n  rules:\n  - host: Bad_Host.example.com\n",
                 "ingress ns-a/web: spec.rules[0].host: \"Bad_Host.example.com\" is not a valid "
                 "DNS name");
    expect_error(HEAD "spec: {}\n", "ingress ns-a/web: spec: needs rules or defaultBackend");
    expect_error(HEAD, "ingress ns-a/web: spec: missing or not a map");
    expect_error(HEAD PATH("      - {path: x, pathType: Prefix, backend: {service: {name: s, port: "
                           "{number: 80}}}}\n"),
                 "ingress ns-a/web: spec.rules[0].http.paths[0].path: \"x\" must start with /");
    expect_error(HEAD PATH("      - {path: /, pathType: Prefix, backend: {service: {name: s}}}\n"),
                 "ingress ns-a/web: spec.rules[0].http.paths[0].backend.service.port: missing "
                 "(number or name)");
    expect_error(HEAD PATH("      - {path: /, pathType: Prefix, backend: {service: {name: s, port: "
                           "{number: 70000}}}}\n"),
                 "ingress ns-a/web: spec.rules[0].http.paths[0].backend.service.port.number: "
                 "\"70000\" is not a port number");
    expect_error(HEAD PATH("      - {path: /, pathType: Prefix}\n"),
                 "ingress ns-a/web: spec.rules[0].http.paths[0].backend: missing or not a map");
    expect_error(HEAD "spec:\n  tls:\n  - hosts: ['a b']\n  rules:\n  - host: a.b\n",
                 "ingress ns-a/web: spec.tls[0].hosts[0]: \"a b\" is not a valid DNS name");
    expect_error("apiVersion: networking.k8s.io/v2\nkind: Ingress\nmetadata: {name: web, "
                 "namespace: ns-a}\nspec: {}\n",
                 "ingress ns-a/web: apiVersion: \"networking.k8s.io/v2\" is not "
                 "networking.k8s.io/v1");
}
END_TEST

START_TEST(valid_hosts)
{
    ck_assert(ingress_valid_host("a.example.com"));
    ck_assert(ingress_valid_host("*.example.com"));
    ck_assert(ingress_valid_host("x"));
    ck_assert(!ingress_valid_host("*"));
    ck_assert(!ingress_valid_host("a.*.com"));
    ck_assert(!ingress_valid_host("-a.com"));
    ck_assert(!ingress_valid_host("A.com"));
    ck_assert(!ingress_valid_host("a..com"));
    ck_assert(!ingress_valid_host(""));
    char big[80];
    memset(big, 'a', 64);
    big[64] = 0;
    ck_assert(!ingress_valid_host(big));
}
END_TEST

/* ingress_host_is_ip's shortcut (a byte that is not a digit or a dot,
 * and no ':': not an address) agrees with ipnet_parse on its own. */
START_TEST(host_is_ip)
{
    static const char *const hosts[] = {
        "1.2.3.4",      "1.2.3.4a",        "a1.2.3.4", "::1",         "fe80::1",
        "1.2.3.4/8",    "01.2.3.4",        "1.2.3",    "1.2.3.4.",    "",
        "1.2.3.256",    "::ffff:1.2.3.4",  "a:b",      "1.2.3.4:80",  "x.y.z",
        "10.0.0.1-a",   "255.255.255.255", "1..2.3",   "example.com", "1.2.3.4%eth0",
        "fe80::1%eth0", "1e.2.3.4",        "::",       "1.2.3.4 "};
    for (size_t i = 0; i < sizeof hosts / sizeof *hosts; i++) {
        char canon[IPNET_MAX];
        bool want = !strchr(hosts[i], '/') && ipnet_parse(hosts[i], strlen(hosts[i]), canon);
        ck_assert_msg(ingress_host_is_ip(hosts[i]) == want, "%s", hosts[i]);
    }
    ck_assert(ingress_host_is_ip("1.2.3.4") && ingress_host_is_ip("fe80::1"));
    ck_assert(!ingress_host_is_ip("zwtzuhdbtgpo.sealoshzh.site"));
}
END_TEST

START_TEST(service_view)
{
    doc_list l;
    doc_node *o = parse1("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports:\n"
                         "  - {name: http, port: 80, targetPort: 8080}\n"
                         "  - {name: grpc, port: 9000, appProtocol: grpc}\n",
                         &l);
    svc_view v;
    mp_err e;
    ck_assert_msg(service_decode(o, "ns-x", &v, &e) == 0, "%s", e.msg);
    ck_assert_str_eq(v.ns, "ns-x");
    ck_assert_int_eq(service_port_by_name(&v, "grpc"), 9000);
    ck_assert_int_eq(service_port_by_name(&v, "nope"), 0);
    ck_assert_str_eq(service_port_by_number(&v, 9000)->app_protocol, "grpc");
    ck_assert_ptr_null(service_port_by_number(&v, 8080));
    service_view_free(&v);
    doc_list_free(&l);

    o = parse1("apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: nsx}\nspec:\n"
               "  ports:\n  - {name: http}\n",
               &l);
    ck_assert_int_eq(service_decode(o, NULL, &v, &e), -1);
    ck_assert_str_eq(e.msg, "service nsx/s: spec.ports[0].port: missing or not a port number");
    doc_list_free(&l);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ingress");
    TCase *tc = tcase_create("views");
    tcase_add_test(tc, decode_full_view);
    tcase_add_test(tc, decode_v1beta1);
    tcase_add_test(tc, decode_errors);
    tcase_add_test(tc, valid_hosts);
    tcase_add_test(tc, service_view);
    tcase_add_test(tc, host_is_ip);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
