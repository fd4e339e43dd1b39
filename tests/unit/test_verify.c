/* test_verify.c - routing equivalence (model/verify.h): the converter's own
 * output verifies clean, deliberately wrong Istio objects are reported with
 * the request that shows it, and the simulators' finer rules. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/fsutil.h"
#include "model/convert.h"
#include "model/docpath.h"
#include "model/kobj.h"
#include "model/parse.h"
#include "model/verify.h"
#include "model/verify_int.h"

#define GOLDEN_DIR TEST_DATA_DIR "/../golden"

/* ---- helpers ------------------------------------------------------------ */

static void parse_into(const char *yaml, doc_list *out)
{
    doc_list raw;
    doc_list_init(&raw);
    doc_list_init(out);
    mp_err e = {""};
    ck_assert_msg(doc_parse_yaml(yaml, strlen(yaml), "test", &raw, &e) == 0, "%s", e.msg);
    ck_assert_msg(kobj_flatten(&raw, out, "test", &e) == 0, "%s", e.msg);
    doc_list_free(&raw);
}

static void convert_into(const doc_list *in, const convert_opts *o, doc_list *out)
{
    mp_err e = {""};
    convert_plan *p = convert_run(in->docs, in->len, o, &e);
    ck_assert_msg(p != NULL, "%s", e.msg);
    doc_list_init(out);
    for (size_t i = 0; i < convert_plan_len(p); i++)
        ck_assert_int_eq(doc_list_push(out, doc_clone(convert_plan_obj(p, i))), 0);
    convert_plan_free(p);
}

static verify_report *verify_lists(const doc_list *ing, const doc_list *istio)
{
    mp_err e = {""};
    verify_report *r = verify_routing(ing->docs, ing->len, istio->docs, istio->len, &e);
    ck_assert_msg(r != NULL, "%s", e.msg);
    return r;
}

static verify_report *verify_yaml(const char *ing, const char *istio)
{
    doc_list a, b;
    parse_into(ing, &a);
    parse_into(istio, &b);
    verify_report *r = verify_lists(&a, &b);
    doc_list_free(&a);
    doc_list_free(&b);
    return r;
}

/* The converter's output for ing, verified against ing. */
static verify_report *verify_converted(const char *ing)
{
    doc_list a, b;
    parse_into(ing, &a);
    convert_opts o;
    convert_opts_default(&o);
    convert_into(&a, &o, &b);
    verify_report *r = verify_lists(&a, &b);
    doc_list_free(&a);
    doc_list_free(&b);
    return r;
}

static const char *dump(const verify_report *r)
{
    static char buf[8192];
    size_t at = 0;
    buf[0] = 0;
    for (size_t i = 0; i < verify_nmismatches(r) && at < sizeof buf - 1; i++) {
        const verify_mismatch *m = verify_mismatch_at(r, i);
        int k = snprintf(buf + at, sizeof buf - at, "\n  %s%s: nginx %s [%s] / istio %s", m->host,
                         m->path, m->nginx, m->ingress, m->istio);
        at += k > 0 ? (size_t)k : 0;
    }
    return buf;
}

static const verify_mismatch *mismatch_on(const verify_report *r, const char *path)
{
    for (size_t i = 0; i < verify_nmismatches(r); i++)
        if (!strcmp(verify_mismatch_at(r, i)->path, path))
            return verify_mismatch_at(r, i);
    return NULL;
}

static void assert_mismatch(const verify_report *r, const char *path, const char *nginx,
                            const char *istio)
{
    const verify_mismatch *m = mismatch_on(r, path);
    ck_assert_msg(m != NULL, "no mismatch on %s:%s", path, dump(r));
    ck_assert_str_eq(m->nginx, nginx);
    ck_assert_msg(!strncmp(m->istio, istio, strlen(istio)), "istio answer %s, expected %s",
                  m->istio, istio);
}

static doc_node *yaml_node(const char *yaml)
{
    doc_list l;
    doc_list_init(&l);
    mp_err e = {""};
    ck_assert_msg(doc_parse_yaml(yaml, strlen(yaml), "test", &l, &e) == 0, "%s", e.msg);
    doc_node *n = doc_list_take(&l, 0);
    doc_list_free(&l);
    return n;
}

static doc_node *find_obj(const doc_list *l, const char *kind, const char *ns, const char *name)
{
    for (size_t i = 0; i < l->len; i++)
        if (!strcmp(kobj_kind(l->docs[i]), kind) && !strcmp(kobj_namespace(l->docs[i]), ns) &&
            !strcmp(kobj_name(l->docs[i]), name))
            return l->docs[i];
    ck_abort_msg("no %s %s/%s in the output", kind, ns, name);
    return NULL;
}

/* ---- fixtures ------------------------------------------------------------ */

#define SHOP_INGRESS                                                                               \
    "apiVersion: networking.k8s.io/v1\nkind: Ingress\n"                                            \
    "metadata: {name: shop, namespace: ns-a}\n"                                                    \
    "spec:\n  ingressClassName: nginx\n  rules:\n  - host: shop.example.com\n    http:\n"          \
    "      paths:\n"                                                                               \
    "      - {path: /api, pathType: Prefix, backend: {service: {name: api, port: {number: "        \
    "8080}}}}\n"                                                                                   \
    "      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}\n"

#define GATEWAY(host)                                                                              \
    "apiVersion: networking.istio.io/v1\nkind: Gateway\n"                                          \
    "metadata: {name: gw, namespace: ns-a}\n"                                                      \
    "spec:\n  selector: {istio: ingressgateway}\n  servers:\n"                                     \
    "  - port: {number: 80, protocol: HTTP, name: http}\n    hosts: [" host "]\n---\n"

#define VS_HEAD                                                                                    \
    "apiVersion: networking.istio.io/v1\nkind: VirtualService\n"                                   \
    "metadata: {name: shop, namespace: ns-a}\n"                                                    \
    "spec:\n  hosts: [shop.example.com]\n  gateways: [ns-a/gw]\n  http:\n"

#define API_ROUTE                                                                                  \
    "  - name: api\n    match:\n    - uri: {exact: /api}\n    - uri: {prefix: /api/}\n"            \
    "    route:\n    - destination: {host: api.ns-a.svc.cluster.local, port: {number: 8080}}\n"

#define WEB_ROUTE                                                                                  \
    "  - name: web\n    match:\n    - uri: {prefix: /}\n"                                          \
    "    route:\n    - destination: {host: web, port: {number: 80}}\n"

/* ---- the converter's own output ----------------------------------------- */

static const char *const clean_golden[] = {
    "trailing-slash-prefixes",
    "implementation-specific-paths",
    "use-regex",
    "host-three-namespaces",
    "app-root",
    "canary-header",
    "canary-weight",
    "canary-header-value",
    "launchpad-paused",
    "tenant-debt-suspended",
    "default-backend",
    "named-port-resolved",
    "named-port-unresolved",
    "permanent-redirect",
    "temporal-redirect",
    "tenant-shared-host-path-types",
    "two-tenants-one-file",
    "tls-wildcard-host",
    "force-ssl-redirect",
    "multi-tls-secrets",
    "fail-closed-basic-auth",
    "fail-closed-allow-open", /* without its --allow-open: the owner's 503 on guard.sample.com */
    "root-location-owner",
    "fail-closed-auth-url",
    "fail-closed-ip-allowlist-exact",
    "fail-closed-ip-list-invalid",
    "fail-closed-ip-list-regex-host",
    "fail-closed-snippet-access",
    "fail-closed-client-certs-mutual",
    "fail-closed-client-certs-closed",
    "whitelist-source-range",
    "denylist-source-range",
    "launchpad-http",
    "devbox-webide",
    "list-wrapper",
    "x-forwarded-prefix",
    "regex-host-plain-prefix",
    "prefix-double-slash",
    "canary-path-type",
    "rewrite-target-same-path",
};

static void golden_input(const char *name, doc_list *out)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s/input.yaml", GOLDEN_DIR, name);
    mp_err e = {""};
    size_t len;
    char *buf = fs_read_file(path, &len, &e);
    ck_assert_msg(buf != NULL, "%s", e.msg);
    parse_into(buf, out);
    free(buf);
}

START_TEST(golden_cases_verify_clean)
{
    size_t total = 0;
    for (size_t i = 0; i < sizeof clean_golden / sizeof clean_golden[0]; i++) {
        doc_list in, out;
        golden_input(clean_golden[i], &in);
        convert_opts o;
        convert_opts_default(&o);
        convert_into(&in, &o, &out);
        verify_report *r = verify_lists(&in, &out);
        ck_assert_msg(verify_nmismatches(r) == 0, "%s:%s", clean_golden[i], dump(r));
        ck_assert_msg(verify_nrequests(r) >= 4 * verify_nhosts(r) && verify_nhosts(r) > 0,
                      "%s: %zu requests for %zu hosts", clean_golden[i], verify_nrequests(r),
                      verify_nhosts(r));
        total += verify_nrequests(r);
        verify_report_free(r);
        doc_list_free(&in);
        doc_list_free(&out);
    }
    ck_assert_uint_gt(total, 300);
}
END_TEST

/* auth-url with --ext-authz-provider: the routes reach the Service, a
 * CUSTOM AuthorizationPolicy names the host. */
START_TEST(golden_ext_authz_verifies_through_the_policy)
{
    doc_list in, out;
    golden_input("fail-closed-ext-authz-provider", &in);
    convert_opts o;
    convert_opts_default(&o);
    o.ext_authz_provider = "oauth2-proxy";
    convert_into(&in, &o, &out);
    verify_report *r = verify_lists(&in, &out);
    ck_assert_msg(verify_nmismatches(r) == 0, "%s", dump(r));
    verify_report_free(r);
    /* --allow-open opens the same routes without a policy: reported */
    o.ext_authz_provider = NULL;
    o.allow_open = true;
    doc_list_free(&out);
    convert_into(&in, &o, &out);
    r = verify_lists(&in, &out);
    ck_assert_uint_gt(verify_nmismatches(r), 0);
    ck_assert_msg(strstr(verify_mismatch_at(r, 0)->nginx, "(access restricted by auth-url)"), "%s",
                  dump(r));
    verify_report_free(r);
    doc_list_free(&in);
    doc_list_free(&out);
}
END_TEST

/* FCGI backends cannot be routed by Istio: the converter drops them, and
 * verify says which requests nginx still serves. */
START_TEST(golden_unroutable_backend_is_reported)
{
    doc_list in, out;
    golden_input("exit-all-skipped", &in);
    convert_opts o;
    convert_opts_default(&o);
    convert_into(&in, &o, &out);
    verify_report *r = verify_lists(&in, &out);
    assert_mismatch(r, "/", "service default/example-service:fastcgi", "404");
    verify_report_free(r);
    doc_list_free(&in);
    doc_list_free(&out);
}
END_TEST

/* ---- deliberately wrong VirtualServices ---------------------------------- */

START_TEST(hand_written_vs_verifies_clean)
{
    verify_report *r =
        verify_yaml(SHOP_INGRESS, GATEWAY("shop.example.com") VS_HEAD API_ROUTE WEB_ROUTE);
    ck_assert_msg(verify_nmismatches(r) == 0, "%s", dump(r));
    ck_assert_uint_eq(verify_nhosts(r), 1);
    /* /api /api/ /apix /api/deeper/x, / /x /deeper/x, the nothing-here path */
    ck_assert_uint_eq(verify_nrequests(r), 8);
    /* the requests themselves, for the live probe: in order, then none */
    char host[256], path[1024];
    ck_assert(verify_request_at(r, 0, host, sizeof host, path, sizeof path));
    ck_assert_str_eq(host, "shop.example.com");
    ck_assert_str_eq(path, "/api");
    ck_assert(verify_request_at(r, 2, host, sizeof host, path, sizeof path));
    ck_assert_str_eq(path, "/apix");
    ck_assert(verify_request_at(r, 7, host, sizeof host, path, sizeof path));
    ck_assert(!verify_request_at(r, 8, host, sizeof host, path, sizeof path));
    verify_report_free(r);
}
END_TEST

START_TEST(swapped_routes_reported_on_api)
{
    verify_report *r =
        verify_yaml(SHOP_INGRESS, GATEWAY("shop.example.com") VS_HEAD WEB_ROUTE API_ROUTE);
    assert_mismatch(r, "/api", "service ns-a/api:8080", "service ns-a/web:80");
    assert_mismatch(r, "/api/deeper/x", "service ns-a/api:8080", "service ns-a/web:80");
    ck_assert_str_eq(mismatch_on(r, "/api")->ingress, "ingress ns-a/shop");
    ck_assert_str_eq(mismatch_on(r, "/api")->host, "shop.example.com");
    ck_assert_ptr_null(mismatch_on(r, "/apix"));
    verify_report_free(r);
}
END_TEST

/* A plain Istio prefix /api also takes /apix; Kubernetes' Prefix does not. */
START_TEST(plain_prefix_reported_on_segment_boundary)
{
    verify_report *r = verify_yaml(SHOP_INGRESS, GATEWAY("shop.example.com") VS_HEAD
                                   "  - match:\n    - uri: {prefix: /api}\n"
                                   "    route:\n    - destination: {host: "
                                   "api.ns-a.svc.cluster.local, port: {number: 8080}}\n" WEB_ROUTE);
    ck_assert_uint_eq(verify_nmismatches(r), 1);
    assert_mismatch(r, "/apix", "service ns-a/web:80", "service ns-a/api:8080");
    verify_report_free(r);
}
END_TEST

/* ImplementationSpecific /foo is Prefix to ingress-nginx (`location /foo/`
 * plus `= /foo`, internal/k8s/main.go SetDefaultNGINXPathType): the old
 * conversion, a plain Istio prefix /foo, takes /foobar from `/`. verify asks
 * /foox (P + "x"); the simulators answer /foobar the same way. */
START_TEST(impl_specific_as_plain_prefix_reported)
{
    const char *ing =
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: shop, namespace: "
        "ns-a}\nspec:\n  ingressClassName: nginx\n  rules:\n  - host: shop.example.com\n"
        "    http:\n      paths:\n"
        "      - {path: /foo, pathType: ImplementationSpecific, backend: {service: {name: foo, "
        "port: {number: 80}}}}\n"
        "      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: "
        "80}}}}\n";
    const char *old_vs = GATEWAY("shop.example.com") VS_HEAD
        "  - match:\n    - uri: {prefix: /foo}\n"
        "    route:\n    - destination: {host: foo.ns-a.svc.cluster.local, port: {number: "
        "80}}\n" WEB_ROUTE;
    verify_report *r = verify_yaml(ing, old_vs);
    ck_assert_uint_eq(verify_nmismatches(r), 1);
    assert_mismatch(r, "/foox", "service ns-a/web:80", "service ns-a/foo:80");
    verify_report_free(r);

    doc_list a, b;
    parse_into(ing, &a);
    parse_into(old_vs, &b);
    mp_err e = {""};
    ng_world *ng = ng_build(a.docs, a.len, &e);
    is_world *is = is_build(b.docs, b.len, &e);
    ck_assert_ptr_nonnull(ng);
    ck_assert_ptr_nonnull(is);
    is_vhost *vh = is_vhost_new(is, "shop.example.com");
    vre_cache *rc = vre_new();
    const char *paths[] = {"/foo", "/foo/", "/foo/x", "/foobar"};
    const char *want[] = {"service ns-a/foo:80", "service ns-a/foo:80", "service ns-a/foo:80",
                          "service ns-a/web:80"};
    for (size_t i = 0; i < 4; i++) {
        va_answer n, s;
        char nt[512], st[512];
        ng_answer(ng, rc, "shop.example.com", paths[i], &n);
        is_answer(vh, rc, paths[i], &s);
        va_text(&n, true, nt, sizeof nt);
        va_text(&s, false, st, sizeof st);
        ck_assert_msg(!strcmp(nt, want[i]), "nginx %s: %s", paths[i], nt);
        ck_assert_msg(!strcmp(st, "service ns-a/foo:80"), "istio %s: %s", paths[i], st);
    }
    vre_free(rc);
    is_vhost_free(vh);
    is_free(is);
    ng_free(ng);
    doc_list_free(&a);
    doc_list_free(&b);

    r = verify_converted(ing);
    ck_assert_msg(verify_nmismatches(r) == 0, "%s", dump(r));
    verify_report_free(r);
}
END_TEST

/* Istio's own Ingress semantics make the same prefix segment-wise. */
START_TEST(ingress_route_semantics_prefix_is_segment_wise)
{
    verify_report *r = verify_yaml(
        SHOP_INGRESS,
        GATEWAY(
            "shop.example.com") "apiVersion: networking.istio.io/v1\nkind: VirtualService\n"
                                "metadata:\n  name: shop\n  namespace: ns-a\n"
                                "  annotations: {internal.istio.io/route-semantics: ingress}\n"
                                "spec:\n  hosts: [shop.example.com]\n  gateways: [ns-a/gw]\n  "
                                "http:\n"
                                "  - match:\n    - uri: {prefix: /api}\n"
                                "    route:\n    - destination: {host: api.ns-a.svc.cluster.local, "
                                "port: {number: 8080}}\n" WEB_ROUTE);
    ck_assert_msg(verify_nmismatches(r) == 0, "%s", dump(r));
    verify_report_free(r);
}
END_TEST

START_TEST(wrong_port_reported)
{
    verify_report *r =
        verify_yaml(SHOP_INGRESS, GATEWAY("shop.example.com") VS_HEAD
                    "  - match:\n    - uri: {exact: /api}\n    - uri: {prefix: /api/}\n"
                    "    route:\n    - destination: {host: api.ns-a.svc.cluster.local, port: "
                    "{number: 8081}}\n" WEB_ROUTE);
    ck_assert_uint_eq(verify_nmismatches(r), 3);
    assert_mismatch(r, "/api", "service ns-a/api:8080", "service ns-a/api:8081");
    verify_report_free(r);
}
END_TEST

START_TEST(host_missing_from_gateway_reported)
{
    verify_report *r =
        verify_yaml(SHOP_INGRESS, GATEWAY("other.example.com") VS_HEAD API_ROUTE WEB_ROUTE);
    ck_assert_uint_eq(verify_nmismatches(r), verify_nrequests(r));
    assert_mismatch(r, "/", "service ns-a/web:80", "404 (no Gateway server lists the host)");
    verify_report_free(r);
}
END_TEST

/* A Gateway that only redirects to HTTPS, where nginx has no certificate. */
START_TEST(https_redirect_without_https_server_reported)
{
    verify_report *r = verify_yaml(
        SHOP_INGRESS,
        "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: "
        "ns-a}\nspec:\n  servers:\n  - port: {number: 80, protocol: HTTP, name: http}\n"
        "    hosts: [shop.example.com]\n    tls: {httpsRedirect: true}\n---\n" VS_HEAD API_ROUTE
            WEB_ROUTE);
    assert_mismatch(r, "/x", "service ns-a/web:80", "redirect 301 https://shop.example.com/x");
    verify_report_free(r);
}
END_TEST

#define REWRITE_INGRESS                                                                            \
    "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: rw\n"                     \
    "  namespace: ns-a\n  annotations: {nginx.ingress.kubernetes.io/rewrite-target: /$1}\n"        \
    "spec:\n  ingressClassName: nginx\n  rules:\n  - host: shop.example.com\n    http:\n"          \
    "      paths:\n"                                                                               \
    "      - {path: /api/(.+), pathType: ImplementationSpecific, backend: {service: {name: "       \
    "api, port: {number: 8080}}}}\n"                                                               \
    "      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}\n"

START_TEST(missing_rewrite_reported)
{
    doc_list in, out;
    parse_into(REWRITE_INGRESS, &in);
    convert_opts o;
    convert_opts_default(&o);
    convert_into(&in, &o, &out);
    verify_report *r = verify_lists(&in, &out);
    ck_assert_msg(verify_nmismatches(r) == 0, "%s", dump(r));
    verify_report_free(r);

    doc_node *vs = find_obj(&out, "VirtualService", "ns-a", "shop-example-com");
    ck_assert_int_eq(docpath_del(vs, "spec.http[0].rewrite", false), 1);
    r = verify_lists(&in, &out);
    /* /api/x is the request the regex path /api/(.+) samples */
    assert_mismatch(r, "/api/x", "service ns-a/api:8080 rewrite /x", "service ns-a/api:8080");
    assert_mismatch(r, "/API/(.+)", "service ns-a/api:8080 rewrite /(.+)", "service ns-a/api:8080");
    verify_report_free(r);
    doc_list_free(&in);
    doc_list_free(&out);
}
END_TEST

/* nginx's 301 from /docs to the location /docs/ must be there. */
START_TEST(missing_trailing_slash_redirect_reported)
{
    const char *ing =
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: d, namespace: ns-a}\n"
        "spec:\n  ingressClassName: nginx\n  rules:\n  - host: shop.example.com\n    http:\n"
        "      paths:\n"
        "      - {path: /docs/, pathType: Prefix, backend: {service: {name: docs, port: "
        "{number: 80}}}}\n"
        "      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: "
        "80}}}}\n";
    verify_report *r = verify_yaml(ing, GATEWAY("shop.example.com") VS_HEAD
                                   "  - match:\n    - uri: {prefix: /docs/}\n"
                                   "    route:\n    - destination: {host: "
                                   "docs.ns-a.svc.cluster.local, port: {number: 80}}\n" WEB_ROUTE);
    ck_assert_uint_eq(verify_nmismatches(r), 1);
    assert_mismatch(r, "/docs", "redirect 301 /docs/", "service ns-a/web:80");
    verify_report_free(r);
    r = verify_converted(ing);
    ck_assert_msg(verify_nmismatches(r) == 0, "%s", dump(r));
    verify_report_free(r);
}
END_TEST

/* ---- delegates ---------------------------------------------------------- */

#define THREE_NS                                                                                   \
    "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: "           \
    "ns-a, creationTimestamp: \"2024-01-01T00:00:00Z\"}\n"                                         \
    "spec:\n  ingressClassName: nginx\n  rules:\n  - host: shop.example.com\n    http:\n"          \
    "      paths:\n"                                                                               \
    "      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: "           \
    "80}}}}\n"                                                                                     \
    "      - {path: /static/, pathType: Prefix, backend: {service: {name: static, port: "          \
    "{number: 80}}}}\n---\n"                                                                       \
    "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: api, namespace: "           \
    "ns-b, creationTimestamp: \"2024-01-02T00:00:00Z\"}\n"                                         \
    "spec:\n  ingressClassName: nginx\n  rules:\n  - host: shop.example.com\n    http:\n"          \
    "      paths:\n"                                                                               \
    "      - {path: /api, pathType: Prefix, backend: {service: {name: api, port: "                 \
    "{number: 8080}}}}\n"                                                                          \
    "      - {path: /api/v1, pathType: Exact, backend: {service: {name: api-v1, port: "            \
    "{number: 8080}}}}\n---\n"                                                                     \
    "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: docs, namespace: "          \
    "ns-c, creationTimestamp: \"2024-01-03T00:00:00Z\"}\n"                                         \
    "spec:\n  ingressClassName: nginx\n  rules:\n  - host: shop.example.com\n    http:\n"          \
    "      paths:\n"                                                                               \
    "      - {path: /docs, pathType: ImplementationSpecific, backend: {service: {name: "           \
    "docs, port: {number: 80}}}}\n"

START_TEST(delegates_verify_clean_and_a_broken_root_entry_is_reported)
{
    doc_list in, out;
    parse_into(THREE_NS, &in);
    convert_opts o;
    convert_opts_default(&o);
    convert_into(&in, &o, &out);
    verify_report *r = verify_lists(&in, &out);
    ck_assert_msg(verify_nmismatches(r) == 0, "%s", dump(r));
    verify_report_free(r);

    doc_node *root = find_obj(&out, "VirtualService", "ns-a", "shop-example-com");
    /* ns-b has two runs (/api/v1 exact, 7, before /docs/, 6; /api/, 5,
     * after): two entries. Root matches that admit none of their
     * delegates' matches: istiod drops every route of ns-b, and /api falls
     * through to the catch-all */
    const doc_node *http = docpath_get(root, "spec.http");
    size_t broken = 0;
    for (size_t i = 0; i < http->len; i++) {
        const char *ns = docpath_str(http->items[i], "delegate.namespace");
        if (!ns || strcmp(ns, "ns-b"))
            continue;
        char path[64];
        snprintf(path, sizeof path, "spec.http[%zu].match", i);
        ck_assert_int_eq(docpath_set(root, path, yaml_node("- uri: {prefix: /nope}\n")), 0);
        broken++;
    }
    ck_assert_uint_eq(broken, 2);
    r = verify_lists(&in, &out);
    assert_mismatch(r, "/api", "service ns-b/api:8080", "service ns-a/web:80");
    assert_mismatch(r, "/api/v1", "service ns-b/api-v1:8080", "service ns-a/web:80");
    ck_assert_str_eq(mismatch_on(r, "/api")->ingress, "ingress ns-b/api");
    ck_assert_ptr_null(mismatch_on(r, "/docs"));
    verify_report_free(r);
    doc_list_free(&in);
    doc_list_free(&out);
}
END_TEST

START_TEST(delegate_not_exported_to_the_root_is_reported)
{
    doc_list in, out;
    parse_into(THREE_NS, &in);
    convert_opts o;
    convert_opts_default(&o);
    convert_into(&in, &o, &out);
    doc_node *dv = find_obj(&out, "VirtualService", "ns-c", "shop-example-com");
    ck_assert_int_eq(docpath_set_str(dv, "spec.exportTo[0]", "ns-z"), 0);
    verify_report *r = verify_lists(&in, &out);
    assert_mismatch(r, "/docs", "service ns-c/docs:80", "service ns-a/web:80");
    assert_mismatch(r, "/docs/deeper/x", "service ns-c/docs:80", "service ns-a/web:80");
    ck_assert_ptr_null(mismatch_on(r, "/docsx")); /* `/` in nginx too */
    ck_assert_ptr_null(mismatch_on(r, "/api"));
    verify_report_free(r);
    doc_list_free(&in);
    doc_list_free(&out);
}
END_TEST

/* ---- nginx rules ---------------------------------------------------------- */

START_TEST(paused_host_answers_404)
{
    const char *ing =
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: app\n"
        "  namespace: ns-a\n  annotations: {kubernetes.io/ingress.class: pause}\n"
        "spec:\n  rules:\n  - host: shop.example.com\n    http:\n      paths:\n"
        "      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: "
        "80}}}}\n";
    verify_report *r = verify_yaml(ing, GATEWAY("shop.example.com") VS_HEAD WEB_ROUTE);
    assert_mismatch(r, "/", "404", "service ns-a/web:80");
    ck_assert_str_eq(mismatch_on(r, "/")->ingress, "");
    verify_report_free(r);
    r = verify_converted(ing);
    ck_assert_msg(verify_nmismatches(r) == 0, "%s", dump(r));
    verify_report_free(r);
}
END_TEST

/* The server's root location comes from the first Ingress of the host
 * (ingress-nginx createServers): its defaultBackend, not a younger one's. */
START_TEST(root_location_belongs_to_the_first_ingress)
{
    const char *ing =
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: a, namespace: "
        "ns-a, creationTimestamp: \"2024-01-01T00:00:00Z\"}\n"
        "spec:\n  ingressClassName: nginx\n  rules:\n  - host: shop.example.com\n    http:\n"
        "      paths:\n"
        "      - {path: /api, pathType: Prefix, backend: {service: {name: api, port: "
        "{number: 8080}}}}\n---\n"
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: b, namespace: "
        "ns-a, creationTimestamp: \"2024-01-02T00:00:00Z\"}\n"
        "spec:\n  ingressClassName: nginx\n"
        "  defaultBackend: {service: {name: fallback, port: {number: 80}}}\n"
        "  rules:\n  - host: shop.example.com\n";
    verify_report *r =
        verify_yaml(ing, GATEWAY("shop.example.com") VS_HEAD API_ROUTE
                    "  - match:\n    - uri: {prefix: /}\n"
                    "    route:\n    - destination: {host: fallback, port: {number: 80}}\n");
    assert_mismatch(r, "/meshpanel-verify-nothing-here", "404", "service ns-a/fallback:80");
    ck_assert_ptr_null(mismatch_on(r, "/api"));
    verify_report_free(r);
    r = verify_yaml(ing, GATEWAY("shop.example.com") VS_HEAD API_ROUTE);
    ck_assert_msg(verify_nmismatches(r) == 0, "%s", dump(r));
    verify_report_free(r);
}
END_TEST

/* An Ingress of shop.example.com in ns, created on day d (2024-01-0d),
 * with extra metadata (annotations) and spec (defaultBackend, rules) text. */
#define ROOT_ING(name, ns, d, meta, spec)                                                          \
    "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: " name                    \
    "\n  namespace: " ns "\n  creationTimestamp: \"2024-01-0" d "T00:00:00Z\"\n" meta              \
    "spec:\n  ingressClassName: nginx\n" spec
#define RULE_HOST "  rules:\n  - host: shop.example.com\n"
#define RULE_PATH(type, path, svc, port)                                                           \
    RULE_HOST "    http:\n      paths:\n      - {path: " path ", pathType: " type                  \
              ", backend: {service: {name: " svc ", port: {number: " port "}}}}\n"
#define FALLBACK "  defaultBackend: {service: {name: fallback, port: {number: 80}}}\n"
#define ANNS(a)  "  annotations:\n    nginx.ingress.kubernetes.io/" a "\n"

/* The converter gives each host the root location nginx gives it
 * (docs/conversion.md §4): the conversions of these verify clean. */
static const char *const root_cases[] = {
    /* the brief's case 1: a younger Ingress's defaultBackend, same namespace and another */
    ROOT_ING("a-first", "ns-a", "1", "",
             RULE_PATH("Prefix", "/api", "api", "8080")) "---\n" ROOT_ING("b-second", "ns-a", "2",
                                                                          "", FALLBACK RULE_HOST),
    ROOT_ING("a-first", "ns-a", "1", "",
             RULE_PATH("Prefix", "/api", "api", "8080")) "---\n" ROOT_ING("b-second", "ns-b", "2",
                                                                          "", FALLBACK RULE_HOST),
    /* the owner's defaultBackend, the paths in another namespace */
    ROOT_ING("a-first", "ns-a", "1", "", FALLBACK RULE_HOST) "---\n" ROOT_ING(
        "b-second", "ns-b", "2", "", RULE_PATH("Prefix", "/api", "api", "8080")),
    /* a younger `/` takes it over; an Exact `/` does not */
    ROOT_ING("a-first", "ns-a", "1", "",
             FALLBACK RULE_PATH("Prefix", "/api", "api",
                                "8080")) "---\n" ROOT_ING("b-second", "ns-b", "2", "",
                                                          RULE_PATH("ImplementationSpecific", "/",
                                                                    "web", "80")),
    ROOT_ING("a-first", "ns-a", "1", "",
             FALLBACK RULE_PATH("Prefix", "/api", "api",
                                "8080")) "---\n" ROOT_ING("b-second", "ns-b", "2", "",
                                                          RULE_PATH("Exact", "/", "web", "80")),
    /* the brief's case 2: a denied owner (503), a redirecting one */
    ROOT_ING(
        "broken", "ns-a", "1", ANNS("whitelist-source-range: 10.0.0.0/33"),
        RULE_PATH("Prefix", "/metrics", "internal",
                  "9100")) "---\n" ROOT_ING("guard", "ns-b", "2", "",
                                            RULE_PATH("Prefix", "/internal", "internal", "80")),
    ROOT_ING("old", "ns-a", "1", ANNS("permanent-redirect: https://new.example.com/"),
             RULE_PATH("Prefix", "/old", "web", "80")) "---\n" ROOT_ING("other", "ns-b", "2", "",
                                                                        RULE_PATH("Prefix", "/api",
                                                                                  "api", "8080")),
    /* a regex host: the root location (404 or the owner's backend) before an Exact `/` */
    ROOT_ING("a", "ns-a", "1", ANNS("use-regex: \"true\""),
             RULE_PATH("Prefix", "/api", "api", "8080")) "---\n" ROOT_ING("b", "ns-a", "2", "",
                                                                          RULE_PATH("Exact", "/",
                                                                                    "web", "80")),
    ROOT_ING("a", "ns-a", "1", ANNS("use-regex: \"true\""),
             FALLBACK RULE_PATH("Prefix", "/api", "api",
                                "8080")) "---\n" ROOT_ING("b", "ns-a", "2", "",
                                                          RULE_PATH("Exact", "/", "web", "80")),
    /* a pathless owner's use-regex */
    ROOT_ING("a", "ns-a", "1", ANNS("use-regex: \"true\""), RULE_HOST) "---\n" ROOT_ING(
        "b", "ns-a", "2", "", RULE_PATH("Prefix", "/api", "api", "8080")),
};

START_TEST(root_location_conversions_verify_clean)
{
    for (size_t i = 0; i < sizeof root_cases / sizeof *root_cases; i++) {
        verify_report *r = verify_converted(root_cases[i]);
        ck_assert_msg(verify_nmismatches(r) == 0, "case %zu:%s", i, dump(r));
        ck_assert_uint_ge(verify_nrequests(r), 4);
        verify_report_free(r);
    }
}
END_TEST

/* On a regex host an Exact `/` is a second `~* "^/"` behind the root
 * location (ingress-nginx's sort is stable, the root location is the
 * server's first): nginx answers 404 where no other location matches. */
START_TEST(exact_slash_stays_behind_the_root_location_on_a_regex_host)
{
    const char *ing =
        ROOT_ING("a", "ns-a", "1", ANNS("use-regex: \"true\""),
                 RULE_PATH("Prefix", "/api", "api",
                           "8080")) "---\n" ROOT_ING("b", "ns-a", "2", "",
                                                     RULE_PATH("Exact", "/", "web", "80"));
    verify_report *r = verify_yaml(
        ing, GATEWAY("shop.example.com") VS_HEAD
        "  - match:\n    - uri: {regex: \"(?i)/api.*\"}\n"
        "    route:\n    - destination: {host: api.ns-a.svc.cluster.local, port: {number: "
        "8080}}\n"
        "  - match:\n    - uri: {regex: \"(?i)/.*\"}\n"
        "    route:\n    - destination: {host: web, port: {number: 80}}\n");
    assert_mismatch(r, "/", "404", "service ns-a/web:80");
    assert_mismatch(r, "/meshpanel-verify-nothing-here", "404", "service ns-a/web:80");
    verify_report_free(r);
}
END_TEST

/* The regex mode comes from the Ingresses of the host's locations
 * (enforceRegexModifier): a younger Ingress without paths has none, the
 * owner's root location has one until a `/` path takes it over. */
START_TEST(regex_mode_comes_from_the_locations)
{
    const char *plain = GATEWAY("shop.example.com") VS_HEAD API_ROUTE;
    const char *pathless = ROOT_ING("y-regex", "ns-a", "2", ANNS("use-regex: \"true\""), RULE_HOST);
    const char *api =
        ROOT_ING("x-api", "ns-a", "1", "", RULE_PATH("Prefix", "/api", "api", "8080"));
    char ing[4096];
    snprintf(ing, sizeof ing, "%s---\n%s", api, pathless);
    verify_report *r = verify_yaml(ing, plain);
    ck_assert_msg(verify_nmismatches(r) == 0, "%s", dump(r));
    verify_report_free(r);
    /* the same Ingress created first owns the root location */
    const char *owner = ROOT_ING("y-regex", "ns-a", "0", ANNS("use-regex: \"true\""), RULE_HOST);
    snprintf(ing, sizeof ing, "%s---\n%s", api, owner);
    r = verify_yaml(ing, plain);
    assert_mismatch(r, "/apix", "service ns-a/api:8080", "404");
    verify_report_free(r);
    /* ... until a `/` path takes the location over */
    snprintf(ing, sizeof ing, "%s---\n%s---\n%s", api, owner,
             ROOT_ING("z-web", "ns-a", "3", "", RULE_PATH("Prefix", "/", "web", "80")));
    r = verify_yaml(ing, GATEWAY("shop.example.com") VS_HEAD API_ROUTE
                    "  - match:\n    - uri: {prefix: /}\n"
                    "    route:\n    - destination: {host: web, port: {number: 80}}\n");
    ck_assert_msg(verify_nmismatches(r) == 0, "%s", dump(r));
    verify_report_free(r);
}
END_TEST

/* On a regex host a Prefix /p of an Ingress without use-regex is
 * `~* "^/p/"` plus the copy `~* "^/p"`, and no copy beside an Exact /p
 * (location.go updateServerLocations, template.go buildLocation): then
 * /p and /px go to the Exact, /p/x to the Prefix when it is older. */
START_TEST(regex_host_prefix_without_copy_beside_exact)
{
    const char *ing =
        ROOT_ING("a", "ns-a", "1", ANNS("use-regex: \"true\""),
                 RULE_PATH("Prefix", "\"/img/[0-9]+\"", "img",
                           "80")) "---\n" ROOT_ING("b", "ns-a", "2", "",
                                                   RULE_HOST "    http:\n      paths:\n"
                                                             "      - {path: /p, pathType: Prefix, "
                                                             "backend: {service: {name: pre, port: "
                                                             "{number: 80}}}}\n"
                                                             "      - {path: /p, pathType: Exact, "
                                                             "backend: {service: {name: ex, port: "
                                                             "{number: 80}}}}\n");
    /* the conversion of before: one `(?i)/p.*` to the older Prefix */
    verify_report *r =
        verify_yaml(ing, GATEWAY("shop.example.com") VS_HEAD
                    "  - match:\n    - uri: {regex: \"(?i)/img/[0-9]+.*\"}\n"
                    "    route:\n    - destination: {host: img, port: {number: 80}}\n"
                    "  - match:\n    - uri: {regex: \"(?i)/p.*\"}\n"
                    "    route:\n    - destination: {host: pre, port: {number: 80}}\n");
    assert_mismatch(r, "/p", "service ns-a/ex:80", "service ns-a/pre:80");
    assert_mismatch(r, "/px", "service ns-a/ex:80", "service ns-a/pre:80");
    ck_assert_ptr_null(mismatch_on(r, "/p/"));
    ck_assert_ptr_null(mismatch_on(r, "/p/deeper/x"));
    verify_report_free(r);
    r = verify_converted(ing);
    ck_assert_msg(verify_nmismatches(r) == 0, "%s", dump(r));
    verify_report_free(r);
    /* the Exact first: `~* "^/p"` takes everything */
    const char *exact_first =
        ROOT_ING("a", "ns-a", "1", ANNS("use-regex: \"true\""),
                 RULE_PATH("Prefix", "\"/img/[0-9]+\"", "img",
                           "80")) "---\n" ROOT_ING("b", "ns-a", "2", "",
                                                   RULE_HOST "    http:\n      paths:\n"
                                                             "      - {path: /p, pathType: Exact, "
                                                             "backend: {service: {name: ex, port: "
                                                             "{number: 80}}}}\n"
                                                             "      - {path: /p, pathType: Prefix, "
                                                             "backend: {service: {name: pre, port: "
                                                             "{number: 80}}}}\n");
    r = verify_yaml(exact_first, GATEWAY("shop.example.com") VS_HEAD
                    "  - match:\n    - uri: {regex: \"(?i)/img/[0-9]+.*\"}\n"
                    "    route:\n    - destination: {host: img, port: {number: 80}}\n"
                    "  - match:\n    - uri: {regex: \"(?i)/p.*\"}\n"
                    "    route:\n    - destination: {host: ex, port: {number: 80}}\n");
    ck_assert_msg(verify_nmismatches(r) == 0, "%s", dump(r));
    verify_report_free(r);
    r = verify_converted(exact_first);
    ck_assert_msg(verify_nmismatches(r) == 0, "%s", dump(r));
    verify_report_free(r);
}
END_TEST

/* /x/ and /x// are two nginx locations (normalizePrefixPath adds one '/'
 * to a path without), but nginx merges the request's adjacent slashes
 * before it picks one (merge_slashes): /x//y is /x/y there, and no request
 * reaches `location /x//`. */
START_TEST(prefixes_with_one_and_two_trailing_slashes_are_two_locations)
{
    const char *ing = ROOT_ING(
        "a", "ns-a", "1", "",
        RULE_HOST "    http:\n      paths:\n"
                  "      - {path: /x/, pathType: Prefix, backend: {service: {name: one, port: "
                  "{number: 80}}}}\n"
                  "      - {path: /x//, pathType: ImplementationSpecific, backend: {service: "
                  "{name: two, port: {number: 80}}}}\n");
    verify_report *r = verify_yaml(
        ing, GATEWAY("shop.example.com") VS_HEAD
        "  - match:\n    - uri: {exact: /x}\n    redirect: {uri: /x/, redirectCode: 301}\n"
        "  - match:\n    - uri: {prefix: /x//}\n"
        "    route:\n    - destination: {host: two, port: {number: 80}}\n"
        "  - match:\n    - uri: {prefix: /x/}\n"
        "    route:\n    - destination: {host: one, port: {number: 80}}\n");
    assert_mismatch(r, "/x//", "service ns-a/one:80", "service ns-a/two:80");
    ck_assert_ptr_null(mismatch_on(r, "/x/"));
    ck_assert_ptr_null(mismatch_on(r, "/x"));
    verify_report_free(r);
    r = verify_converted(ing);
    ck_assert_msg(verify_nmismatches(r) == 0, "%s", dump(r));
    verify_report_free(r);
}
END_TEST

/* A canary merges only into the location of the same path as written and
 * the same pathType (controller.go mergeAlternativeBackends). */
START_TEST(canary_of_another_path_type_is_not_merged)
{
    const char *canary =
        "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop-canary\n"
        "  namespace: ns-a\n  annotations:\n"
        "    nginx.ingress.kubernetes.io/canary: \"true\"\n"
        "    nginx.ingress.kubernetes.io/canary-weight: \"60\"\n"
        "spec:\n  ingressClassName: nginx\n  rules:\n  - host: shop.example.com\n    http:\n"
        "      paths:\n"
        "      - {path: /api, pathType: Exact, backend: {service: {name: api-v2, port: {number: "
        "8080}}}}\n"
        "      - {path: /api/, pathType: Prefix, backend: {service: {name: api-v2, port: "
        "{number: 8080}}}}\n";
    const char *vs = GATEWAY("shop.example.com") VS_HEAD
        "  - match:\n    - uri: {exact: /api}\n    - uri: {prefix: /api/}\n    route:\n"
        "    - destination: {host: api.ns-a.svc.cluster.local, port: {number: 8080}}\n"
        "      weight: 40\n"
        "    - destination: {host: api-v2, port: {number: 8080}}\n      weight: 60\n" WEB_ROUTE;
    char both[4096];
    snprintf(both, sizeof both, "%s%s", SHOP_INGRESS, canary);
    verify_report *r = verify_yaml(both, vs);
    assert_mismatch(r, "/api", "service ns-a/api:8080",
                    "service ns-a/api-v2:8080 (weights ns-a/api-v2:8080 60, ns-a/api:8080 40)");
    verify_report_free(r);
    r = verify_converted(both);
    ck_assert_msg(verify_nmismatches(r) == 0, "%s", dump(r));
    verify_report_free(r);
}
END_TEST

/* template.go needsRewrite ignores a rewrite-target equal to the location's
 * path: `rewrite-target: /` on path `/` rewrites nothing and leaves the host
 * plain (buildProxyPass, enforceRegexModifier). */
START_TEST(rewrite_target_equal_to_the_path_leaves_the_host_plain)
{
    const char *ing =
        ROOT_ING("a", "ns-a", "1", ANNS("rewrite-target: /"),
                 RULE_PATH("Prefix", "/", "web", "80")) "---\n" ROOT_ING("b", "ns-a", "2", "",
                                                                         RULE_PATH("Prefix", "/api",
                                                                                   "api", "8080"));
    verify_report *r = verify_yaml(ing, GATEWAY("shop.example.com") VS_HEAD API_ROUTE WEB_ROUTE);
    ck_assert_msg(verify_nmismatches(r) == 0, "%s", dump(r));
    verify_report_free(r);
    /* the regex conversion of before: /apix to api, every other path rewritten to / */
    r = verify_yaml(ing, GATEWAY("shop.example.com") VS_HEAD
                    "  - match:\n    - uri: {regex: \"(?i)/api.*\"}\n"
                    "    route:\n    - destination: {host: api.ns-a.svc.cluster.local, port: "
                    "{number: 8080}}\n"
                    "  - match:\n    - uri: {regex: \"(?i)/.*\"}\n"
                    "    rewrite: {uriRegexRewrite: {match: \"(?i)^/.*\", rewrite: /}}\n"
                    "    route:\n    - destination: {host: web, port: {number: 80}}\n");
    assert_mismatch(r, "/apix", "service ns-a/web:80", "service ns-a/api:8080");
    verify_report_free(r);
    r = verify_converted(ing);
    ck_assert_msg(verify_nmismatches(r) == 0, "%s", dump(r));
    verify_report_free(r);
}
END_TEST

START_TEST(restricted_location_needs_403_or_a_policy)
{
    const char *ing =
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop\n"
        "  namespace: ns-a\n  annotations:\n"
        "    nginx.ingress.kubernetes.io/auth-type: basic\n"
        "    nginx.ingress.kubernetes.io/auth-secret: basic-auth\n"
        "spec:\n  ingressClassName: nginx\n  rules:\n  - host: shop.example.com\n    http:\n"
        "      paths:\n"
        "      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: "
        "80}}}}\n";
    verify_report *r = verify_yaml(ing, GATEWAY("shop.example.com") VS_HEAD WEB_ROUTE);
    assert_mismatch(r, "/", "service ns-a/web:80 (access restricted by auth-type)",
                    "service ns-a/web:80");
    verify_report_free(r);
    r = verify_yaml(ing, GATEWAY("shop.example.com") VS_HEAD
                    "  - match:\n    - uri: {prefix: /}\n    directResponse: {status: 403}\n");
    ck_assert_msg(verify_nmismatches(r) == 0, "%s", dump(r));
    verify_report_free(r);
    r = verify_yaml(ing, GATEWAY("shop.example.com") VS_HEAD WEB_ROUTE
                    "---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\n"
                    "metadata: {name: ext, namespace: istio-system}\n"
                    "spec:\n  action: CUSTOM\n  provider: {name: auth}\n  rules:\n"
                    "  - to:\n    - operation: {hosts: [shop.example.com, "
                    "\"shop.example.com:*\"]}\n");
    ck_assert_msg(verify_nmismatches(r) == 0, "%s", dump(r));
    verify_report_free(r);
}
END_TEST

/* With a canary in nginx, Istio's weights may favour it; without, they may
 * not. */
START_TEST(canary_main_backend_among_the_weights)
{
    const char *canary =
        "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop-canary\n"
        "  namespace: ns-a\n  annotations:\n"
        "    nginx.ingress.kubernetes.io/canary: \"true\"\n"
        "    nginx.ingress.kubernetes.io/canary-weight: \"60\"\n"
        "spec:\n  ingressClassName: nginx\n  rules:\n  - host: shop.example.com\n    http:\n"
        "      paths:\n"
        "      - {path: /, pathType: Prefix, backend: {service: {name: web-v2, port: {number: "
        "80}}}}\n";
    const char *vs = GATEWAY("shop.example.com") VS_HEAD API_ROUTE
        "  - match:\n    - uri: {prefix: /}\n    route:\n"
        "    - destination: {host: web, port: {number: 80}}\n      weight: 40\n"
        "    - destination: {host: web-v2, port: {number: 80}}\n      weight: 60\n";
    char both[4096];
    snprintf(both, sizeof both, "%s%s", SHOP_INGRESS, canary);
    verify_report *r = verify_yaml(both, vs);
    ck_assert_msg(verify_nmismatches(r) == 0, "%s", dump(r));
    verify_report_free(r);
    r = verify_yaml(SHOP_INGRESS, vs);
    assert_mismatch(r, "/", "service ns-a/web:80",
                    "service ns-a/web-v2:80 (weights ns-a/web-v2:80 60, ns-a/web:80 40)");
    verify_report_free(r);
}
END_TEST

START_TEST(named_ports_resolve_through_services)
{
    const char *ing =
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: ns-a}\n"
        "spec:\n  ports:\n  - {name: http, port: 8080}\n---\n"
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: shop, namespace: "
        "ns-a}\n"
        "spec:\n  ingressClassName: nginx\n  rules:\n  - host: shop.example.com\n    http:\n"
        "      paths:\n"
        "      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: "
        "http}}}}\n";
    verify_report *r = verify_yaml(ing, GATEWAY("shop.example.com") VS_HEAD WEB_ROUTE);
    assert_mismatch(r, "/", "service ns-a/web:8080", "service ns-a/web:80");
    verify_report_free(r);
    r = verify_converted(ing);
    ck_assert_msg(verify_nmismatches(r) == 0, "%s", dump(r));
    verify_report_free(r);
}
END_TEST

START_TEST(wildcard_host_is_probed_with_a_name_it_covers)
{
    const char *ing =
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: w, namespace: "
        "ns-a}\n"
        "spec:\n  ingressClassName: nginx\n  rules:\n  - host: \"*.apps.example.com\"\n"
        "    http:\n      paths:\n"
        "      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: "
        "80}}}}\n"
        "  - host: one.apps.example.com\n    http:\n      paths:\n"
        "      - {path: /, pathType: Prefix, backend: {service: {name: one, port: {number: "
        "80}}}}\n";
    verify_report *r = verify_converted(ing);
    ck_assert_msg(verify_nmismatches(r) == 0, "%s", dump(r));
    ck_assert_uint_eq(verify_nhosts(r), 2);
    verify_report_free(r);
    r = verify_yaml(ing,
                    "apiVersion: networking.istio.io/v1\nkind: Gateway\n"
                    "metadata: {name: gw, namespace: ns-a}\nspec:\n  servers:\n"
                    "  - port: {number: 80, protocol: HTTP, name: http}\n"
                    "    hosts: [\"*.apps.example.com\"]\n---\n"
                    "apiVersion: networking.istio.io/v1\nkind: VirtualService\n"
                    "metadata: {name: w, namespace: ns-a}\nspec:\n"
                    "  hosts: [\"*.apps.example.com\"]\n  gateways: [gw]\n  http:\n" WEB_ROUTE);
    /* one.apps.example.com has its own server in nginx, not in Istio */
    ck_assert_uint_eq(verify_nmismatches(r), 4);
    ck_assert_str_eq(verify_mismatch_at(r, 0)->host, "one.apps.example.com");
    ck_assert_str_eq(verify_mismatch_at(r, 0)->nginx, "service ns-a/one:80");
    verify_report_free(r);
}
END_TEST

/* ---- the regex engine --------------------------------------------------- */

START_TEST(regexes_translate_to_posix)
{
    vre_cache *c = vre_new();
    regoff_t caps[VRE_NCAP][2];
    char why[256], out[256];
    ck_assert_int_eq(vre_match(c, "/api/v\\d+/(?:a|b)/(?P<id>\\w+)", VRE_NGINX, "/API/v12/b/x_1",
                               caps, why, sizeof why),
                     1);
    vre_subst_dollar("/$1?${1}", "/API/v12/b/x_1", caps, out, sizeof out);
    ck_assert_str_eq(out, "/x_1?x_1"); /* (?:...) does not count */
    ck_assert_int_eq(vre_match(c, "/api", VRE_NGINX, "/xapi", caps, why, sizeof why), 0);
    /* Istio regexes match the whole path, case only with (?i) */
    ck_assert_int_eq(vre_match(c, "/api.*", VRE_FULL, "/api/x", NULL, why, sizeof why), 1);
    ck_assert_int_eq(vre_match(c, "/api", VRE_FULL, "/api/x", NULL, why, sizeof why), 0);
    ck_assert_int_eq(vre_match(c, "/api.*", VRE_FULL, "/API", NULL, why, sizeof why), 0);
    ck_assert_int_eq(vre_match(c, "(?i)/api.*", VRE_FULL, "/API", NULL, why, sizeof why), 1);
    ck_assert_int_eq(vre_match(c, "[\\d.]+x?", VRE_FULL, "1.2", NULL, why, sizeof why), 1);
    ck_assert_int_eq(vre_match(c, "/a(?=b)", VRE_NGINX, "/ab", NULL, why, sizeof why), -1);
    ck_assert_msg(strstr(why, "(? other than"), "%s", why);
    ck_assert_int_eq(
        vre_replace(c, "(?i)^/foo/(.+).*", "/\\1", "/FOO/bar", out, sizeof out, why, sizeof why),
        0);
    ck_assert_str_eq(out, "/bar");
    ck_assert_int_eq(vre_replace(c, "o", "0", "/foo", out, sizeof out, why, sizeof why), 0);
    ck_assert_str_eq(out, "/f00");
    ck_assert(vre_sample("/thumbs/[0-9]+x[0-9]+/.+\\.(jpg|png)", out, sizeof out));
    ck_assert_str_eq(out, "/thumbs/0x0/x.jpg");
    ck_assert(vre_sample("/v[12]/(a|bc){2}/?$", out, sizeof out));
    ck_assert_str_eq(out, "/v1/aa");
    ck_assert(!vre_sample("/[^/]+", out, sizeof out));
    vre_free(c);
}
END_TEST

START_TEST(unverifiable_regex_is_reported)
{
    const char *ing =
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop\n"
        "  namespace: ns-a\n  annotations: {nginx.ingress.kubernetes.io/use-regex: \"true\"}\n"
        "spec:\n  ingressClassName: nginx\n  rules:\n  - host: shop.example.com\n    http:\n"
        "      paths:\n"
        "      - {path: \"/(?!admin)\", pathType: ImplementationSpecific, backend: {service: "
        "{name: web, port: {number: 80}}}}\n";
    verify_report *r = verify_converted(ing);
    ck_assert_uint_gt(verify_nmismatches(r), 0);
    ck_assert_msg(!strncmp(verify_mismatch_at(r, 0)->nginx, "unverifiable: location ~* ", 26), "%s",
                  dump(r));
    verify_report_free(r);
}
END_TEST

START_TEST(unreadable_ingress_is_an_error)
{
    doc_list a, b;
    parse_into("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: x}\n"
               "spec:\n  rules:\n  - host: a.b\n    http:\n      paths:\n"
               "      - {path: /, pathType: Regex, backend: {service: {name: w, port: "
               "{number: 80}}}}\n",
               &a);
    doc_list_init(&b);
    mp_err e = {""};
    ck_assert_ptr_null(verify_routing(a.docs, a.len, b.docs, b.len, &e));
    ck_assert_msg(strstr(e.msg, "ingress default/x") && strstr(e.msg, "pathType"), "%s", e.msg);
    doc_list_free(&a);
}
END_TEST

/* Objects read from a cluster are not trusted: wrong shapes are read as
 * absent, never followed. */
START_TEST(hostile_istio_objects_do_not_crash)
{
    char long_re[3000];
    memset(long_re, 'a', sizeof long_re - 1);
    long_re[sizeof long_re - 1] = 0;
    char yaml[8192];
    snprintf(yaml, sizeof yaml,
             GATEWAY("shop.example.com") "apiVersion: networking.istio.io/v1\nkind: "
                                         "Gateway\nmetadata: {name: g2}\n"
                                         "spec: {servers: [{port: 5, hosts: x}, 7, {port: "
                                         "{protocol: HTTP}, hosts: [7, "
                                         "\"a/b/c\"]}]}\n---\n"
                                         "apiVersion: networking.istio.io/v1\nkind: "
                                         "VirtualService\nmetadata: {name: v}\n"
                                         "spec: {hosts: [shop.example.com, 5], gateways: [ns-a/gw, "
                                         "3, \"/\"], http: {a: 1}}\n"
                                         "---\n" VS_HEAD "  - 17\n  - match: 3\n  - match: [5, "
                                         "{uri: 9}, {uri: {regex: \"%s\"}}]\n"
                                         "    route: 4\n"
                                         "  - delegate: {name: shop, namespace: ns-a}\n"
                                         "  - match: [{uri: {prefix: /}}]\n    redirect: "
                                         "{redirectCode: x, port: y}\n"
                                         "    route: [{destination: 5}, {weight: z}]\n",
             long_re);
    verify_report *r = verify_yaml(SHOP_INGRESS, yaml);
    ck_assert_uint_eq(verify_nrequests(r), 8);
    /* the first route Istio would take has a regex too long to evaluate */
    assert_mismatch(r, "/", "service ns-a/web:80", "unverifiable: regex \"aaaa");
    verify_report_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("verify");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, golden_cases_verify_clean);
    tcase_add_test(tc, golden_ext_authz_verifies_through_the_policy);
    tcase_add_test(tc, golden_unroutable_backend_is_reported);
    tcase_add_test(tc, hand_written_vs_verifies_clean);
    tcase_add_test(tc, swapped_routes_reported_on_api);
    tcase_add_test(tc, plain_prefix_reported_on_segment_boundary);
    tcase_add_test(tc, impl_specific_as_plain_prefix_reported);
    tcase_add_test(tc, ingress_route_semantics_prefix_is_segment_wise);
    tcase_add_test(tc, wrong_port_reported);
    tcase_add_test(tc, host_missing_from_gateway_reported);
    tcase_add_test(tc, https_redirect_without_https_server_reported);
    tcase_add_test(tc, missing_rewrite_reported);
    tcase_add_test(tc, missing_trailing_slash_redirect_reported);
    tcase_add_test(tc, delegates_verify_clean_and_a_broken_root_entry_is_reported);
    tcase_add_test(tc, delegate_not_exported_to_the_root_is_reported);
    tcase_add_test(tc, paused_host_answers_404);
    tcase_add_test(tc, root_location_belongs_to_the_first_ingress);
    tcase_add_test(tc, root_location_conversions_verify_clean);
    tcase_add_test(tc, exact_slash_stays_behind_the_root_location_on_a_regex_host);
    tcase_add_test(tc, regex_mode_comes_from_the_locations);
    tcase_add_test(tc, regex_host_prefix_without_copy_beside_exact);
    tcase_add_test(tc, prefixes_with_one_and_two_trailing_slashes_are_two_locations);
    tcase_add_test(tc, canary_of_another_path_type_is_not_merged);
    tcase_add_test(tc, rewrite_target_equal_to_the_path_leaves_the_host_plain);
    tcase_add_test(tc, restricted_location_needs_403_or_a_policy);
    tcase_add_test(tc, canary_main_backend_among_the_weights);
    tcase_add_test(tc, named_ports_resolve_through_services);
    tcase_add_test(tc, wildcard_host_is_probed_with_a_name_it_covers);
    tcase_add_test(tc, regexes_translate_to_posix);
    tcase_add_test(tc, unverifiable_regex_is_reported);
    tcase_add_test(tc, unreadable_ingress_is_an_error);
    tcase_add_test(tc, hostile_istio_objects_do_not_crash);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
