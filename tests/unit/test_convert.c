/* test_convert.c - docs/conversion.md §2-§11: classes, paths, order, gateways,
 * redirects, backends, canary, output. Annotation families: test_convert_ann.c. */
#include "convert_helpers.h"

/* §4 Prefix: segment-wise, exact + "<path>/" */
START_TEST(prefix_is_segment_wise)
{
    convert_plan *p = conv_free_in(
        ing_yaml("ns-a", "web", "", "a.example.com", NULL, "Prefix /foo web 80", NULL));
    const doc_node *http = vs_routes(p, "ns-a", "a-example-com");
    ck_assert_uint_eq(http->len, 1);
    ck_assert_str_eq(at(http, "0", "match", "0", "uri", "exact", NULL), "/foo");
    ck_assert_str_eq(at(http, "0", "match", "1", "uri", "prefix", NULL), "/foo/");
    ck_assert_ptr_null(node_at(http, "0", "match", "2", NULL));
    convert_plan_free(p);
}
END_TEST

/* §4 Prefix /foo/: ingress-nginx writes "location /foo/" and "= /foo/";
 * nginx answers GET /foo with 301 to /foo/ (no backend sees /foo). */
START_TEST(prefix_with_slash_redirects_bare_path)
{
    convert_plan *p = conv_free_in(
        ing_yaml("ns-a", "web", "", "a.example.com", NULL, "Prefix /foo/ web 80", NULL));
    const doc_node *http = vs_routes(p, "ns-a", "a-example-com");
    ck_assert_uint_eq(http->len, 2);
    ck_assert_str_eq(at(http, "0", "name", NULL), "web-0-0-slash");
    ck_assert_str_eq(at(http, "0", "match", "0", "uri", "exact", NULL), "/foo");
    ck_assert_ptr_null(node_at(http, "0", "match", "1", NULL));
    ck_assert_str_eq(at(http, "0", "redirect", "uri", NULL), "/foo/");
    ck_assert_str_eq(at(http, "0", "redirect", "redirectCode", NULL), "301");
    ck_assert_ptr_null(node_at(http, "0", "route", NULL));
    ck_assert_str_eq(at(http, "1", "name", NULL), "web-0-0");
    ck_assert_str_eq(at(http, "1", "match", "0", "uri", "prefix", NULL), "/foo/");
    ck_assert_ptr_null(node_at(http, "1", "match", "1", NULL));
    convert_plan_free(p);
}
END_TEST

START_TEST(exact_and_impl_specific)
{
    convert_plan *p =
        conv_free_in(ing_yaml("ns-a", "web", "", "a.example.com", NULL, "Exact /e web 80",
                              "ImplementationSpecific /i web 80", NULL));
    const doc_node *http = vs_routes(p, "ns-a", "a-example-com");
    ck_assert_uint_eq(http->len, 2);
    /* ImplementationSpecific is Prefix to ingress-nginx: "/i/" (3) before "/e" (2) */
    ck_assert_str_eq(at(http, "0", "match", "0", "uri", "exact", NULL), "/i");
    ck_assert_str_eq(at(http, "0", "match", "1", "uri", "prefix", NULL), "/i/");
    ck_assert_uint_eq(node_at(http, "0", "match", NULL)->len, 2);
    ck_assert_str_eq(at(http, "1", "match", "0", "uri", "exact", NULL), "/e");
    convert_plan_free(p);
}
END_TEST

/* The index of the route of http a GET of path takes, -1 none, with
 * Istio's uri rules (exact: the whole path; prefix: its start). */
static long first_route(const doc_node *http, const char *path)
{
    for (size_t i = 0; i < http->len; i++) {
        const doc_node *m = doc_get(http->items[i], "match");
        for (size_t k = 0; m && k < m->len; k++) {
            const doc_node *u = doc_get(doc_at(m, k), "uri");
            const char *ex = doc_get_str(u, "exact"), *pre = doc_get_str(u, "prefix");
            if ((ex && !strcmp(ex, path)) || (pre && !strncmp(pre, path, strlen(pre))))
                return (long)i;
        }
    }
    return -1;
}

/* §4: ingress-nginx's store makes ImplementationSpecific Prefix
 * (SetDefaultNGINXPathType): /foo is `location /foo/` plus `= /foo`, so
 * /foo and /foo/x reach it and /foobar goes to `/`. */
START_TEST(impl_specific_is_prefix_not_a_plain_prefix)
{
    convert_plan *p =
        conv_free_in(ing_yaml("ns-a", "web", "", "a.example.com", NULL,
                              "ImplementationSpecific /foo foo 80", "Prefix / web 80", NULL));
    const doc_node *http = vs_routes(p, "ns-a", "a-example-com");
    ck_assert_uint_eq(http->len, 2);
    ck_assert_str_eq(at(http, "0", "name", NULL), "web-0-0");
    ck_assert_str_eq(at(http, "0", "match", "0", "uri", "exact", NULL), "/foo");
    ck_assert_str_eq(at(http, "0", "match", "1", "uri", "prefix", NULL), "/foo/");
    ck_assert_ptr_null(node_at(http, "0", "match", "2", NULL));
    ck_assert_int_eq(first_route(http, "/foo"), 0);
    ck_assert_int_eq(first_route(http, "/foo/"), 0);
    ck_assert_int_eq(first_route(http, "/foo/x"), 0);
    ck_assert_int_eq(first_route(http, "/foobar"), 1);
    ck_assert_str_eq(at(http, "1", "route", "0", "destination", "host", NULL),
                     "web.ns-a.svc.cluster.local");
    ck_assert_ptr_null(find_warn(p, "MP203", NULL));
    convert_plan_free(p);

    /* no pathType (v1beta1's default) is ImplementationSpecific: the same */
    char *y = ing_yaml("ns-a", "web", "", "a.example.com", NULL,
                       "ImplementationSpecific /foo foo 80", NULL);
    char *t = strstr(y, "        pathType: ImplementationSpecific\n");
    ck_assert_ptr_nonnull(t);
    memmove(t, strchr(t, '\n') + 1, strlen(strchr(t, '\n') + 1) + 1);
    p = conv_free_in(y);
    http = vs_routes(p, "ns-a", "a-example-com");
    ck_assert_str_eq(at(http, "0", "match", "0", "uri", "exact", NULL), "/foo");
    ck_assert_str_eq(at(http, "0", "match", "1", "uri", "prefix", NULL), "/foo/");
    ck_assert_int_eq(first_route(http, "/foobar"), -1);
    convert_plan_free(p);
}
END_TEST

/* §5: longest first, exact before prefix at equal length, catch-all last */
START_TEST(route_order_longest_match)
{
    char *a = ing_yaml("ns-a", "a", "", "h.example.com", NULL, "Prefix / root 80",
                       "ImplementationSpecific /ab short 80", NULL);
    char *b = ing_yaml("ns-a", "b", "", "h.example.com", NULL, "Exact /abcd ex 80",
                       "Prefix /abc/def long 80", "Prefix /abc pre 80", NULL);
    char yaml[8192];
    snprintf(yaml, sizeof yaml, "%s---\n%s", a, b);
    free(a);
    free(b);
    convert_plan *p = conv(yaml);
    const doc_node *http = vs_routes(p, "ns-a", "h-example-com");
    ck_assert_uint_eq(http->len, 5);
    ck_assert_str_eq(at(http, "0", "match", "1", "uri", "prefix", NULL), "/abc/def/");
    /* "/abcd" exact (5) and "/abc/" prefix (5): exact first */
    ck_assert_str_eq(at(http, "1", "match", "0", "uri", "exact", NULL), "/abcd");
    ck_assert_str_eq(at(http, "2", "match", "1", "uri", "prefix", NULL), "/abc/");
    /* ImplementationSpecific /ab is Prefix: "/ab/" (4) */
    ck_assert_str_eq(at(http, "3", "match", "0", "uri", "exact", NULL), "/ab");
    ck_assert_str_eq(at(http, "3", "match", "1", "uri", "prefix", NULL), "/ab/");
    ck_assert_str_eq(at(http, "4", "match", "0", "uri", "prefix", NULL), "/");
    ck_assert_str_eq(at(http, "4", "route", "0", "destination", "host", NULL),
                     "root.ns-a.svc.cluster.local");
    convert_plan_free(p);
}
END_TEST

START_TEST(exact_path_beats_implied_exact)
{
    convert_plan *p = conv_free_in(ing_yaml("ns-a", "web", "", "a.example.com", NULL,
                                            "Prefix /foo pre 80", "Exact /foo ex 80", NULL));
    const doc_node *http = vs_routes(p, "ns-a", "a-example-com");
    ck_assert_uint_eq(http->len, 2);
    ck_assert_str_eq(at(http, "0", "match", "0", "uri", "prefix", NULL), "/foo/");
    ck_assert_uint_eq(node_at(http, "0", "match", NULL)->len, 1);
    ck_assert_str_eq(at(http, "1", "match", "0", "uri", "exact", NULL), "/foo");
    ck_assert_str_eq(at(http, "1", "route", "0", "destination", "host", NULL),
                     "ex.ns-a.svc.cluster.local");
    convert_plan_free(p);
}
END_TEST

/* §3: the older Ingress keeps a duplicate location */
START_TEST(duplicate_path_older_wins)
{
    char yaml[8192];
    char *a = ing_yaml("ns-a", "zzz-old", "", "a.example.com", NULL, "Prefix /x old 80", NULL);
    char *b = ing_yaml("ns-a", "aaa-new", "", "a.example.com", NULL, "Prefix /x/ new 80", NULL);
    /* creationTimestamp decides, not the name */
    char *ta = strstr(a, "  namespace:");
    char *tb = strstr(b, "  namespace:");
    snprintf(yaml, sizeof yaml,
             "%.*s  creationTimestamp: \"2020-01-01T00:00:00Z\"\n%s---\n%.*s"
             "  creationTimestamp: \"2021-01-01T00:00:00Z\"\n%s",
             (int)(ta - a), a, ta, (int)(tb - b), b, tb);
    free(a);
    free(b);
    convert_plan *p = conv(yaml);
    const doc_node *http = vs_routes(p, "ns-a", "a-example-com");
    ck_assert_uint_eq(http->len, 1);
    ck_assert_str_eq(at(http, "0", "route", "0", "destination", "host", NULL),
                     "old.ns-a.svc.cluster.local");
    const mp_warning *w = find_warn(p, "MP203", NULL);
    ck_assert_ptr_nonnull(w);
    ck_assert_str_eq(w->object, "ingress ns-a/aaa-new");
    ck_assert_msg(strstr(w->message, "already routed by ingress ns-a/zzz-old"), "%s", w->message);
    convert_plan_free(p);
}
END_TEST

/* §3/§4: a trailing '/' folds for ImplementationSpecific as for Prefix:
 * /p and /p/ are both `location /p/` in ingress-nginx, the first path keeps
 * it; the same path as Prefix in a younger Ingress is the same location. */
START_TEST(impl_specific_trailing_slash_is_the_same_location)
{
    convert_plan *p = conv_free_in(ing_yaml("ns-a", "web", "", "a.example.com", NULL,
                                            "ImplementationSpecific /sub/path one 80",
                                            "ImplementationSpecific /sub/path/ two 80", NULL));
    const doc_node *http = vs_routes(p, "ns-a", "a-example-com");
    ck_assert_uint_eq(http->len, 1);
    ck_assert_str_eq(at(http, "0", "match", "0", "uri", "exact", NULL), "/sub/path");
    ck_assert_str_eq(at(http, "0", "match", "1", "uri", "prefix", NULL), "/sub/path/");
    ck_assert_str_eq(at(http, "0", "route", "0", "destination", "host", NULL),
                     "one.ns-a.svc.cluster.local");
    const mp_warning *w = find_warn(p, "MP203", NULL);
    ck_assert_ptr_nonnull(w);
    ck_assert_str_eq(w->field, "spec.rules[0].http.paths[1].backend");
    ck_assert_msg(strstr(w->message, "spec.rules[0].http.paths[0] of the same Ingress"), "%s",
                  w->message);
    ck_assert_msg(strstr(w->message, "serves ImplementationSpecific as Prefix"), "%s", w->message);
    /* two ingress-nginx locations of one nginx name: nginx -t refuses them */
    ck_assert_msg(strstr(w->message, "as path /sub/path (ingress"), "%s", w->message);
    ck_assert_msg(strstr(w->message, "both as `location /sub/path/`, which nginx refuses as a "
                                     "duplicate location"),
                  "%s", w->message);
    convert_plan_free(p);

    char yaml[8192];
    char *a =
        ing_yaml("ns-a", "a", "", "a.example.com", NULL, "ImplementationSpecific /x i 80", NULL);
    char *b = ing_yaml("ns-a", "b", "", "a.example.com", NULL, "Prefix /x pre 80", NULL);
    snprintf(yaml, sizeof yaml, "%s---\n%s", a, b);
    free(a);
    free(b);
    p = conv(yaml);
    http = vs_routes(p, "ns-a", "a-example-com");
    ck_assert_uint_eq(http->len, 1);
    ck_assert_str_eq(at(http, "0", "route", "0", "destination", "host", NULL),
                     "i.ns-a.svc.cluster.local");
    w = find_warn(p, "MP203", NULL);
    ck_assert_ptr_nonnull(w);
    ck_assert_str_eq(w->object, "ingress ns-a/b");
    ck_assert_msg(strstr(w->message, "already routed by ingress ns-a/a"), "%s", w->message);
    ck_assert_msg(strstr(w->message, "(ingress-nginx serves ImplementationSpecific as Prefix)"),
                  "%s", w->message);
    /* one path, one location: ingress-nginx keeps the older, nginx is fine */
    ck_assert_msg(strstr(w->message, "nginx ignores this one"), "%s", w->message);
    ck_assert_ptr_null(strstr(w->message, "duplicate location"));
    convert_plan_free(p);
}
END_TEST

/* §3/§5: Prefix / and ImplementationSpecific / are the same nginx location
 * (location /): the first wins and the catch-all is emitted once. */
START_TEST(catchall_prefix_and_impl_specific_are_one_location)
{
    convert_plan *p =
        conv_free_in(ing_yaml("ns-a", "web", "", "a.example.com", NULL, "Prefix / first 80",
                              "ImplementationSpecific / second 80", NULL));
    const doc_node *http = vs_routes(p, "ns-a", "a-example-com");
    ck_assert_uint_eq(http->len, 1);
    ck_assert_str_eq(at(http, "0", "route", "0", "destination", "host", NULL),
                     "first.ns-a.svc.cluster.local");
    const mp_warning *w = find_warn(p, "MP203", NULL);
    ck_assert_ptr_nonnull(w);
    ck_assert_str_eq(w->field, "spec.rules[0].http.paths[1].backend");
    convert_plan_free(p);
}
END_TEST

/* §3: the same location twice in ONE Ingress: the first path wins, and the
 * warning says so instead of blaming an "older Ingress" */
START_TEST(duplicate_path_same_ingress)
{
    convert_plan *p = conv_free_in(ing_yaml("ns-a", "web", "", "a.example.com", NULL,
                                            "Prefix /x first 80", "Prefix /x/ second 80", NULL));
    const doc_node *http = vs_routes(p, "ns-a", "a-example-com");
    ck_assert_uint_eq(http->len, 1);
    ck_assert_str_eq(at(http, "0", "route", "0", "destination", "host", NULL),
                     "first.ns-a.svc.cluster.local");
    const mp_warning *w = find_warn(p, "MP203", NULL);
    ck_assert_ptr_nonnull(w);
    ck_assert_str_eq(w->object, "ingress ns-a/web");
    ck_assert_str_eq(w->field, "spec.rules[0].http.paths[1].backend");
    ck_assert_ptr_null(strstr(w->message, "older"));
    ck_assert_msg(strstr(w->message, "spec.rules[0].http.paths[0] of the same Ingress"), "%s",
                  w->message);
    convert_plan_free(p);
}
END_TEST

/* §4 regex hosts: one Ingress's use-regex switches every path of the host */
START_TEST(regex_mode_is_host_wide)
{
    char *a = ing_yaml("ns-a", "a", AN "use-regex: \"true\"", "r.example.com", NULL,
                       "ImplementationSpecific /api/v[0-9]+ api 80", NULL);
    char *b = ing_yaml("ns-a", "b", "", "r.example.com", NULL, "Exact /Login login 80",
                       "Prefix / root 80", NULL);
    char *c = ing_yaml("ns-a", "c", "", "other.example.com", NULL, "Exact /Login login 80", NULL);
    char yaml[8192];
    snprintf(yaml, sizeof yaml, "%s---\n%s---\n%s", a, b, c);
    free(a), free(b), free(c);
    convert_plan *p = conv(yaml);
    const doc_node *http = vs_routes(p, "ns-a", "r-example-com");
    ck_assert_uint_eq(http->len, 3);
    ck_assert_str_eq(at(http, "0", "match", "0", "uri", "regex", NULL), "(?i)/api/v[0-9]+.*");
    ck_assert_str_eq(at(http, "1", "match", "0", "uri", "regex", NULL), "(?i)/Login.*");
    ck_assert_str_eq(at(http, "2", "match", "0", "uri", "regex", NULL), "(?i)/.*");
    /* another host is untouched */
    ck_assert_str_eq(
        at(vs_routes(p, "ns-a", "other-example-com"), "0", "match", "0", "uri", "exact", NULL),
        "/Login");
    convert_plan_free(p);
}
END_TEST

START_TEST(regex_invalid_re2_reported)
{
    convert_plan *p =
        conv_free_in(ing_yaml("ns-a", "a", AN "use-regex: \"true\"", "r.example.com", NULL,
                              "Prefix /(?!admin) x 80", "Prefix /ok y 80", NULL));
    const doc_node *http = vs_routes(p, "ns-a", "r-example-com");
    ck_assert_uint_eq(http->len, 1);
    ck_assert_str_eq(at(http, "0", "match", "0", "uri", "regex", NULL), "(?i)/ok.*");
    const mp_warning *w = find_warn(p, "MP204", "paths[0].path");
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(w->sev, MP_SEV_ERROR);
    convert_plan_free(p);
}
END_TEST

/* §2 classes */
START_TEST(paused_classes_not_routed)
{
    const char *yaml =
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: a\n  namespace: ns-a\n"
        "  annotations: {kubernetes.io/ingress.class: pause}\nspec:\n  rules:\n  - host: a.b.c\n"
        "    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: s, port: "
        "{number: 80}}}}]}\n"
        "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: b\n"
        "  namespace: ns-b\nspec:\n  ingressClassName: disable\n  rules:\n  - host: b.b.c\n"
        "    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: s, port: "
        "{number: 80}}}}]}\n"
        "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: c\n"
        "  namespace: ns-c\nspec:\n  ingressClassName: traefik\n  rules:\n  - host: c.b.c\n"
        "    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: s, port: "
        "{number: 80}}}}]}\n";
    convert_plan *p = conv(yaml);
    ck_assert_uint_eq(convert_plan_len(p), 0);
    ck_assert_uint_eq(convert_plan_skipped(p), 3);
    const mp_warning *w = find_warn(p, "MP401", "kubernetes.io/ingress.class");
    ck_assert_ptr_nonnull(w);
    ck_assert_str_eq(w->object, "ingress ns-a/a");
    ck_assert_ptr_nonnull(find_warn(p, "MP401", "spec.ingressClassName"));
    ck_assert_ptr_nonnull(find_warn(p, "MP402", "traefik"));
    convert_plan_free(p);
}
END_TEST

START_TEST(ingress_class_object_decides)
{
    const char *yaml =
        "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: public}\n"
        "spec: {controller: k8s.io/ingress-nginx}\n---\n"
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: a, namespace: ns-a}\n"
        "spec:\n  ingressClassName: public\n  rules:\n  - host: a.b.c\n"
        "    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: s, port: "
        "{number: 80}}}}]}\n---\n"
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: b, namespace: ns-a}\n"
        "spec:\n  rules:\n  - host: b.b.c\n"
        "    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: s, port: "
        "{number: 80}}}}]}\n";
    convert_plan *p = conv(yaml);
    ck_assert_ptr_nonnull(find_obj(p, "VirtualService", "ns-a", "a-b-c"));
    ck_assert_ptr_nonnull(find_obj(p, "VirtualService", "ns-a", "b-b-c"));
    ck_assert_ptr_nonnull(find_warn(p, "MP403", NULL));
    ck_assert_uint_eq(convert_plan_converted(p), 2);
    convert_plan_free(p);
}
END_TEST

/* §6 tenant Gateway, §7 redirects */
START_TEST(tenant_gateway_servers)
{
    char *a = ing_yaml("ns-a", "a", "", "tls.example.com", "cert-a", "Prefix / a 80", NULL);
    char *b = ing_yaml("ns-a", "b", "", "plain.example.com", NULL, "Prefix / b 80", NULL);
    char *c = ing_yaml("ns-a", "c", AN "ssl-redirect: \"false\"", "opt.example.com", "cert-a",
                       "Prefix / c 80", NULL);
    char yaml[8192];
    snprintf(yaml, sizeof yaml, "%s---\n%s---\n%s", a, b, c);
    free(a), free(b), free(c);
    convert_plan *p = conv(yaml);
    const doc_node *gw = find_obj(p, "Gateway", "ns-a", "meshpanel-gateway");
    ck_assert_ptr_nonnull(gw);
    ck_assert_str_eq(at(gw, "spec", "selector", "istio", NULL), "ingressgateway");
    const doc_node *servers = node_at(gw, "spec", "servers", NULL);
    ck_assert_uint_eq(servers->len, 3);
    ck_assert_str_eq(at(servers, "0", "port", "name", NULL), "http");
    ck_assert_str_eq(at(servers, "0", "port", "number", NULL), "80");
    ck_assert_str_eq(at(servers, "0", "hosts", "0", NULL), "opt.example.com");
    ck_assert_str_eq(at(servers, "0", "hosts", "1", NULL), "plain.example.com");
    ck_assert_ptr_null(node_at(servers, "0", "tls", NULL));
    ck_assert_str_eq(at(servers, "1", "port", "name", NULL), "http-redirect");
    ck_assert_str_eq(at(servers, "1", "tls", "httpsRedirect", NULL), "true");
    ck_assert_str_eq(at(servers, "1", "hosts", "0", NULL), "tls.example.com");
    ck_assert_str_eq(at(servers, "2", "port", "name", NULL), "https-cert-a");
    ck_assert_str_eq(at(servers, "2", "port", "protocol", NULL), "HTTPS");
    ck_assert_str_eq(at(servers, "2", "tls", "mode", NULL), "SIMPLE");
    ck_assert_str_eq(at(servers, "2", "tls", "credentialName", NULL), "cert-a");
    ck_assert_uint_eq(node_at(servers, "2", "hosts", NULL)->len, 2);
    for (size_t i = 0; i < servers->len; i++)
        for (size_t h = 0; h < node_at(servers, (char[2]){(char)('0' + i), 0}, "hosts", NULL)->len;
             h++)
            ck_assert_str_ne(doc_str(doc_at(doc_get(doc_at(servers, i), "hosts"), h)), "*");
    /* the secret lives in ns-a but the gateway pods read istio-system */
    ck_assert_ptr_nonnull(find_warn(p, "MP302", "istio-system"));
    ck_assert_str_eq(
        at(vs_routes(p, "ns-a", "tls-example-com"), "0", "route", "0", "destination", "host", NULL),
        "a.ns-a.svc.cluster.local");
    ck_assert_str_eq(
        at(find_obj(p, "VirtualService", "ns-a", "tls-example-com"), "spec", "gateways", "0", NULL),
        "ns-a/meshpanel-gateway");
    convert_plan_free(p);
}
END_TEST

START_TEST(redirect_mixed_host_not_redirected)
{
    char *a = ing_yaml("ns-a", "a", "", "m.example.com", "cert", "Prefix /a a 80", NULL);
    char *b = ing_yaml("ns-a", "b", AN "ssl-redirect: \"false\"", "m.example.com", NULL,
                       "Prefix /b b 80", NULL);
    char yaml[8192];
    snprintf(yaml, sizeof yaml, "%s---\n%s", a, b);
    free(a), free(b);
    convert_plan *p = conv(yaml);
    const doc_node *servers =
        node_at(find_obj(p, "Gateway", "ns-a", NULL), "spec", "servers", NULL);
    ck_assert_str_eq(at(servers, "0", "port", "name", NULL), "http");
    ck_assert_str_eq(at(servers, "1", "port", "name", NULL), "https-cert");
    ck_assert_uint_eq(servers->len, 2);
    ck_assert_ptr_nonnull(find_warn(p, "MP305", "m.example.com"));
    convert_plan_free(p);
}
END_TEST

START_TEST(force_ssl_redirect_without_tls)
{
    convert_plan *p = conv_free_in(ing_yaml("ns-a", "a", AN "force-ssl-redirect: \"true\"",
                                            "f.example.com", NULL, "Exact /x a 80", NULL));
    const doc_node *http = vs_routes(p, "ns-a", "f-example-com");
    ck_assert_uint_eq(http->len, 2);
    ck_assert_str_eq(at(http, "0", "match", "0", "uri", "exact", NULL), "/x");
    ck_assert_str_eq(at(http, "0", "match", "0", "headers", "x-forwarded-proto", "exact", NULL),
                     "http");
    ck_assert_str_eq(at(http, "0", "redirect", "scheme", NULL), "https");
    ck_assert_str_eq(at(http, "0", "redirect", "redirectCode", NULL), "308");
    ck_assert_ptr_nonnull(node_at(http, "1", "route", NULL));
    convert_plan_free(p);
}
END_TEST

START_TEST(tls_without_secret)
{
    char *y = ing_yaml("ns-a", "a", "", "t.example.com", NULL, "Prefix / a 80", NULL);
    char yaml[4096];
    snprintf(yaml, sizeof yaml, "%s  tls:\n  - hosts: [t.example.com]\n", y);
    free(y);
    convert_plan *p = conv(yaml);
    const doc_node *servers =
        node_at(find_obj(p, "Gateway", "ns-a", NULL), "spec", "servers", NULL);
    ck_assert_uint_eq(servers->len, 1);
    ck_assert_str_eq(at(servers, "0", "port", "name", NULL), "http");
    ck_assert_ptr_nonnull(find_warn(p, "MP301", "spec.tls[0].secretName"));
    convert_plan_free(p);
}
END_TEST

/* §6 shared mode */
START_TEST(shared_gateway_mode)
{
    char *a =
        ing_yaml("ns-a", "a", "", "app.cloud.sealos.io", "wildcard-cert", "Prefix / a 80", NULL);
    char *b = ing_yaml("ns-a", "b", "", "www.custom.com", "b-cert", "Prefix / b 80", NULL);
    char yaml[8192];
    snprintf(yaml, sizeof yaml, "%s---\n%s", a, b);
    free(a), free(b);
    convert_opts o;
    convert_opts_default(&o);
    const char *plat[] = {"cloud.sealos.io"};
    o.mode = GW_MODE_SHARED;
    o.shared_gateway = "istio-system/sealos-gateway";
    o.platform_domains = plat;
    o.nplatform_domains = 1;
    convert_plan *p = conv_opts(yaml, &o);
    ck_assert_str_eq(at(find_obj(p, "VirtualService", "ns-a", "app-cloud-sealos-io"), "spec",
                        "gateways", "0", NULL),
                     "istio-system/sealos-gateway");
    ck_assert_str_eq(
        at(find_obj(p, "VirtualService", "ns-a", "www-custom-com"), "spec", "gateways", "0", NULL),
        "ns-a/meshpanel-gateway");
    const doc_node *gw = find_obj(p, "Gateway", "ns-a", NULL);
    ck_assert_ptr_nonnull(gw);
    const doc_node *servers = node_at(gw, "spec", "servers", NULL);
    for (size_t i = 0; i < servers->len; i++) {
        const doc_node *hosts = doc_get(doc_at(servers, i), "hosts");
        for (size_t h = 0; h < hosts->len; h++)
            ck_assert_str_eq(doc_str(doc_at(hosts, h)), "www.custom.com");
    }
    ck_assert_ptr_nonnull(find_warn(p, "MP303", "wildcard-cert"));
    ck_assert_uint_eq(count_kind(p, "Gateway"), 1);
    convert_plan_free(p);

    /* a bad shared gateway reference is an error */
    o.shared_gateway = "sealos-gateway";
    doc_list l;
    doc_list_init(&l);
    mp_err e;
    ck_assert_int_eq(doc_parse_yaml(yaml, strlen(yaml), "t", &l, &e), 0);
    ck_assert_ptr_null(convert_run(l.docs, l.len, &o, &e));
    ck_assert_ptr_nonnull(strstr(e.msg, "--shared-gateway"));
    doc_list_free(&l);
}
END_TEST

/* §8 backends */
START_TEST(named_ports)
{
    char *a = ing_yaml("ns-a", "a", "", "n.example.com", NULL, "Exact /known svc http",
                       "Exact /unknown svc grpc", "Exact /nosvc ghost http", NULL);
    char yaml[8192];
    snprintf(yaml, sizeof yaml,
             "%s---\napiVersion: v1\nkind: Service\nmetadata: {name: svc, namespace: ns-a}\n"
             "spec:\n  ports:\n  - {name: http, port: 8080, targetPort: 80}\n",
             a);
    free(a);
    convert_plan *p = conv(yaml);
    const doc_node *http = vs_routes(p, "ns-a", "n-example-com");
    ck_assert_uint_eq(http->len, 3); /* never dropped */
    for (size_t i = 0; i < 3; i++) {
        const doc_node *r = doc_at(http, i);
        const char *path = at(r, "match", "0", "uri", "exact", NULL);
        const char *port = at(r, "route", "0", "destination", "port", "number", NULL);
        if (!strcmp(path, "/known"))
            ck_assert_str_eq(port, "8080");
        else
            ck_assert_ptr_null(port);
    }
    ck_assert_ptr_nonnull(find_warn(p, "MP201", "has no port named \"grpc\""));
    ck_assert_ptr_nonnull(find_warn(p, "MP201", "not in the input"));
    convert_plan_free(p);
}
END_TEST

START_TEST(default_backend_catch_all)
{
    const char *yaml =
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: d, namespace: ns-a}\n"
        "spec:\n  ingressClassName: nginx\n  defaultBackend: {service: {name: fallback, port: "
        "{number: 81}}}\n"
        "  rules:\n  - host: d.example.com\n    http:\n      paths:\n"
        "      - {path: /api, pathType: Prefix, backend: {service: {name: api, port: {number: "
        "80}}}}\n";
    convert_plan *p = conv(yaml);
    const doc_node *http = vs_routes(p, "ns-a", "d-example-com");
    ck_assert_uint_eq(http->len, 2);
    ck_assert_str_eq(at(http, "1", "name", NULL), "d-default");
    ck_assert_str_eq(at(http, "1", "match", "0", "uri", "prefix", NULL), "/");
    ck_assert_str_eq(at(http, "1", "route", "0", "destination", "host", NULL),
                     "fallback.ns-a.svc.cluster.local");
    ck_assert_str_eq(at(http, "1", "route", "0", "destination", "port", "number", NULL), "81");
    convert_plan_free(p);
}
END_TEST

START_TEST(hostless_and_resource_backends)
{
    const char *yaml =
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: h, namespace: ns-a}\n"
        "spec:\n  ingressClassName: nginx\n  rules:\n  - http:\n      paths:\n"
        "      - {path: /, pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}\n"
        "  - host: r.example.com\n    http:\n      paths:\n"
        "      - {path: /static, pathType: Prefix, backend: {resource: {apiGroup: k8s.example.com,"
        " kind: StorageBucket, name: b}}}\n"
        "      - {path: /, pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}\n";
    convert_plan *p = conv(yaml);
    ck_assert_ptr_nonnull(find_warn(p, "MP206", NULL));
    ck_assert_ptr_nonnull(find_warn(p, "MP202", "StorageBucket"));
    ck_assert_uint_eq(vs_routes(p, "ns-a", "r-example-com")->len, 1);
    ck_assert_uint_eq(count_kind(p, "VirtualService"), 1);
    convert_plan_free(p);
}
END_TEST

START_TEST(domain_suffix_option)
{
    convert_opts o;
    convert_opts_default(&o);
    o.domain_suffix = "corp.internal";
    char *y = ing_yaml("ns-a", "a", "", "a.example.com", NULL, "Prefix / s 80", NULL);
    convert_plan *p = conv_opts(y, &o);
    free(y);
    ck_assert_str_eq(
        at(vs_routes(p, "ns-a", "a-example-com"), "0", "route", "0", "destination", "host", NULL),
        "s.ns-a.svc.corp.internal");
    convert_plan_free(p);
}
END_TEST

/* §9 canary */
START_TEST(canary_weight_and_header)
{
    char *m = ing_yaml("ns-a", "main", AN "proxy-read-timeout: \"30\"", "c.example.com", NULL,
                       "Prefix / v1 80", NULL);
    char *k = ing_yaml("ns-a", "canary",
                       AN "canary: \"true\"\n" AN "canary-weight: \"20\"\n" AN
                          "canary-by-header: X-Canary\n" AN "proxy-read-timeout: \"5\"",
                       "c.example.com", NULL, "Prefix / v2 80", NULL);
    char yaml[8192];
    snprintf(yaml, sizeof yaml, "%s---\n%s", m, k);
    free(m), free(k);
    convert_plan *p = conv(yaml);
    const doc_node *http = vs_routes(p, "ns-a", "c-example-com");
    ck_assert_uint_eq(http->len, 3);
    ck_assert_str_eq(at(http, "0", "match", "0", "headers", "X-Canary", "exact", NULL), "always");
    ck_assert_str_eq(at(http, "0", "route", "0", "destination", "host", NULL),
                     "v2.ns-a.svc.cluster.local");
    ck_assert_str_eq(at(http, "1", "match", "0", "headers", "X-Canary", "exact", NULL), "never");
    ck_assert_str_eq(at(http, "1", "route", "0", "destination", "host", NULL),
                     "v1.ns-a.svc.cluster.local");
    ck_assert_str_eq(at(http, "2", "route", "0", "weight", NULL), "80");
    ck_assert_str_eq(at(http, "2", "route", "1", "weight", NULL), "20");
    ck_assert_str_eq(at(http, "2", "route", "1", "destination", "host", NULL),
                     "v2.ns-a.svc.cluster.local");
    /* the canary inherits the main Ingress's annotations, its own are ignored */
    for (size_t i = 0; i < 3; i++)
        ck_assert_str_eq(at(http, (char[2]){(char)('0' + i), 0}, "timeout", NULL), "30s");
    ck_assert_ptr_nonnull(find_warn(p, "MP103", "proxy-read-timeout"));
    ck_assert_str_eq(
        kobj_annotation(find_obj(p, "VirtualService", "ns-a", NULL), CONVERT_SOURCE_ANNOTATION),
        "ingress/ns-a/canary,ingress/ns-a/main");
    convert_plan_free(p);
}
END_TEST

START_TEST(canary_header_value_total_and_orphan)
{
    char *m = ing_yaml("ns-a", "main", "", "c.example.com", NULL, "Prefix /app v1 80", NULL);
    char *k = ing_yaml("ns-a", "canary",
                       AN "canary: \"true\"\n" AN "canary-weight: \"250\"\n" AN
                          "canary-weight-total: \"1000\"\n" AN "canary-by-header: X-Env\n" AN
                          "canary-by-header-value: beta",
                       "c.example.com", NULL, "Prefix /app v2 80", "Prefix /nomain v2 80", NULL);
    char yaml[8192];
    snprintf(yaml, sizeof yaml, "%s---\n%s", m, k);
    free(m), free(k);
    convert_plan *p = conv(yaml);
    const doc_node *http = vs_routes(p, "ns-a", "c-example-com");
    ck_assert_uint_eq(http->len, 2);
    ck_assert_str_eq(at(http, "0", "match", "1", "headers", "X-Env", "exact", NULL), "beta");
    ck_assert_str_eq(at(http, "0", "match", "1", "uri", "prefix", NULL), "/app/");
    ck_assert_str_eq(at(http, "1", "route", "0", "weight", NULL), "75");
    ck_assert_str_eq(at(http, "1", "route", "1", "weight", NULL), "25");
    const mp_warning *w = find_warn(p, "MP205", "paths[1]");
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(w->sev, MP_SEV_ERROR);
    convert_plan_free(p);
}
END_TEST

/* §4 regex hosts: a Prefix path of an Ingress without use-regex or
 * rewrite-target is `~* "^p/"` plus the exact copy (location.go
 * updateServerLocations; template.go buildLocation makes the copy
 * `~* "^p"` too), and no copy when an Exact p exists: then the Prefix
 * answers only what starts with p/, and the Exact p (a location of its
 * own, not a duplicate) takes p and p<anything else>. */
START_TEST(regex_host_prefix_beside_exact_keeps_both)
{
    char *r = ing_yaml("ns-a", "a-regex", AN "use-regex: \"true\"", "r.example.com", NULL,
                       "Prefix /img/[0-9]+ img 80", NULL);
    char *b = ing_yaml("ns-a", "b-plain", "", "r.example.com", NULL, "Prefix /p pre 80",
                       "Exact /p ex 80", NULL);
    char yaml[8192];
    snprintf(yaml, sizeof yaml, "%s---\n%s", r, b);
    free(r), free(b);
    convert_plan *p = conv(yaml);
    const doc_node *http = vs_routes(p, "ns-a", "r-example-com");
    ck_assert_uint_eq(http->len, 3);
    ck_assert_str_eq(at(http, "1", "match", "0", "uri", "regex", NULL), "(?i)/p/.*");
    ck_assert_str_eq(at(http, "1", "route", "0", "destination", "host", NULL),
                     "pre.ns-a.svc.cluster.local");
    ck_assert_str_eq(at(http, "2", "match", "0", "uri", "regex", NULL), "(?i)/p.*");
    ck_assert_str_eq(at(http, "2", "route", "0", "destination", "host", NULL),
                     "ex.ns-a.svc.cluster.local");
    ck_assert_ptr_null(find_warn(p, "MP203", NULL));
    convert_plan_free(p);

    /* the Exact first: its `~* "^/p"` comes first and takes all the Prefix's `^/p/` */
    r = ing_yaml("ns-a", "a-regex", AN "use-regex: \"true\"", "r.example.com", NULL,
                 "Prefix /img/[0-9]+ img 80", NULL);
    b = ing_yaml("ns-a", "b-plain", "", "r.example.com", NULL, "Exact /p ex 80", "Prefix /p pre 80",
                 NULL);
    snprintf(yaml, sizeof yaml, "%s---\n%s", r, b);
    free(r), free(b);
    p = conv(yaml);
    http = vs_routes(p, "ns-a", "r-example-com");
    ck_assert_uint_eq(http->len, 2);
    ck_assert_str_eq(at(http, "1", "match", "0", "uri", "regex", NULL), "(?i)/p.*");
    ck_assert_str_eq(at(http, "1", "route", "0", "destination", "host", NULL),
                     "ex.ns-a.svc.cluster.local");
    const mp_warning *w = find_warn(p, "MP203", NULL);
    ck_assert_ptr_nonnull(w);
    ck_assert_str_eq(w->field, "spec.rules[0].http.paths[1].backend");
    ck_assert_msg(strstr(w->message, "`~* \"^/p/\"`"), "%s", w->message);
    convert_plan_free(p);

    /* without an Exact /p the copy is made: the pair answers what ^/p does */
    r = ing_yaml("ns-a", "a-regex", AN "use-regex: \"true\"", "r.example.com", NULL,
                 "Prefix /img/[0-9]+ img 80", NULL);
    b = ing_yaml("ns-a", "b-plain", "", "r.example.com", NULL, "Prefix /p pre 80", NULL);
    snprintf(yaml, sizeof yaml, "%s---\n%s", r, b);
    free(r), free(b);
    p = conv(yaml);
    http = vs_routes(p, "ns-a", "r-example-com");
    ck_assert_uint_eq(http->len, 2);
    ck_assert_str_eq(at(http, "1", "match", "0", "uri", "regex", NULL), "(?i)/p.*");
    convert_plan_free(p);

    /* a Prefix of a use-regex Ingress stays `~* "^/p"`: the older of the two wins */
    p = conv_free_in(ing_yaml("ns-a", "a-regex", AN "use-regex: \"true\"", "r.example.com", NULL,
                              "Prefix /p pre 80", "Exact /p ex 80", NULL));
    http = vs_routes(p, "ns-a", "r-example-com");
    ck_assert_uint_eq(http->len, 1);
    ck_assert_str_eq(at(http, "0", "match", "0", "uri", "regex", NULL), "(?i)/p.*");
    ck_assert_str_eq(at(http, "0", "route", "0", "destination", "host", NULL),
                     "pre.ns-a.svc.cluster.local");
    ck_assert_ptr_nonnull(find_warn(p, "MP203", "paths[1]"));
    convert_plan_free(p);
}
END_TEST

/* §4 regex hosts: template.go needsRewrite counts a rewrite-target only
 * when it differs from the location's path: `rewrite-target: /` on path `/`
 * rewrites nothing (buildProxyPass: "if the path in the ingress rule is
 * equals to the target: no special rewrite") and leaves the host plain. */
START_TEST(rewrite_target_equal_to_the_path_is_no_rewrite)
{
    char *a = ing_yaml("ns-a", "a", AN "rewrite-target: /", "w.example.com", NULL,
                       "Prefix / web 80", NULL);
    char *b = ing_yaml("ns-a", "b", "", "w.example.com", NULL, "Prefix /api api 80",
                       "Exact /health/ health 80", NULL);
    char yaml[8192];
    snprintf(yaml, sizeof yaml, "%s---\n%s", a, b);
    free(a), free(b);
    convert_plan *p = conv(yaml);
    const doc_node *http = vs_routes(p, "ns-a", "w-example-com");
    /* /health/ (with its redirect of /health), /api, / */
    ck_assert_uint_eq(http->len, 4);
    ck_assert_str_eq(at(http, "1", "match", "0", "uri", "exact", NULL), "/health/");
    ck_assert_str_eq(at(http, "2", "match", "0", "uri", "exact", NULL), "/api");
    ck_assert_str_eq(at(http, "3", "match", "0", "uri", "prefix", NULL), "/");
    for (size_t i = 0; i < http->len; i++)
        ck_assert_ptr_null(doc_get(doc_at(http, i), "rewrite"));
    convert_plan_free(p);

    /* a target that differs from a path of the Ingress still makes a regex
     * host, and rewrites only that path */
    p = conv_free_in(ing_yaml("ns-a", "a", AN "rewrite-target: /", "w.example.com", NULL,
                              "Prefix /app app 80", "Prefix / web 80", NULL));
    http = vs_routes(p, "ns-a", "w-example-com");
    ck_assert_uint_eq(http->len, 2);
    ck_assert_str_eq(at(http, "0", "match", "0", "uri", "regex", NULL), "(?i)/app.*");
    ck_assert_str_eq(at(http, "0", "rewrite", "uriRegexRewrite", "rewrite", NULL), "/");
    ck_assert_str_eq(at(http, "1", "match", "0", "uri", "regex", NULL), "(?i)/.*");
    ck_assert_ptr_null(doc_get(doc_at(http, 1), "rewrite"));
    convert_plan_free(p);
}
END_TEST

/* §3: normalizePrefixPath adds one '/' to a path without: /x and /x/ are
 * both `location /x/` (a duplicate nginx refuses), /x// is `location /x//`,
 * a location of its own, which no request reaches: nginx merges the
 * request's adjacent slashes before it picks a location (merge_slashes). */
START_TEST(prefix_with_two_trailing_slashes_is_its_own_location)
{
    convert_plan *p = conv_free_in(ing_yaml("ns-a", "web", "", "a.example.com", NULL,
                                            "Prefix /x/ one 80", "Prefix /x// two 80", NULL));
    const doc_node *http = vs_routes(p, "ns-a", "a-example-com");
    ck_assert_uint_eq(http->len, 2);
    ck_assert_str_eq(at(http, "0", "match", "0", "uri", "exact", NULL), "/x");
    ck_assert_str_eq(at(http, "0", "redirect", "uri", NULL), "/x/");
    ck_assert_str_eq(at(http, "1", "match", "0", "uri", "prefix", NULL), "/x/");
    ck_assert_ptr_null(at(http, "1", "match", "1", NULL));
    ck_assert_str_eq(at(http, "1", "route", "0", "destination", "host", NULL),
                     "one.ns-a.svc.cluster.local");
    const mp_warning *w = find_warn(p, "MP203", NULL);
    ck_assert_ptr_nonnull(w);
    ck_assert_str_eq(w->field, "spec.rules[0].http.paths[1].backend");
    ck_assert_msg(strstr(w->message, "merges adjacent slashes"), "%s", w->message);
    ck_assert_msg(strstr(w->message, "`location /x//`"), "%s", w->message);
    ck_assert_msg(strstr(w->message, "not a duplicate"), "%s", w->message);
    ck_assert_ptr_null(strstr(w->message, "already routed"));
    convert_plan_free(p);

    /* the younger of two /x// is the duplicate; an Exact /x// is never reached either */
    p = conv_free_in(ing_yaml("ns-a", "web", "", "a.example.com", NULL, "Prefix /x one 80",
                              "Prefix /x// two 80", "ImplementationSpecific /x// three 80",
                              "Exact /a//b four 80", NULL));
    http = vs_routes(p, "ns-a", "a-example-com");
    ck_assert_uint_eq(http->len, 1);
    ck_assert_str_eq(at(http, "0", "match", "0", "uri", "exact", NULL), "/x");
    ck_assert_str_eq(at(http, "0", "match", "1", "uri", "prefix", NULL), "/x/");
    ck_assert_msg(strstr(find_warn(p, "MP203", "paths[1].backend")->message, "merges adjacent"),
                  "%s", find_warn(p, "MP203", "paths[1].backend")->message);
    ck_assert_msg(strstr(find_warn(p, "MP203", "paths[2].backend")->message, "already routed by"),
                  "%s", find_warn(p, "MP203", "paths[2].backend")->message);
    ck_assert_msg(strstr(find_warn(p, "MP203", "paths[3].backend")->message, "`location = /a//b`"),
                  "%s", find_warn(p, "MP203", "paths[3].backend")->message);
    convert_plan_free(p);
}
END_TEST

/* §9: ingress-nginx merges a canary into the location with the same path
 * as written and the same pathType (controller.go mergeAlternativeBackends,
 * after SetDefaultNGINXPathType made ImplementationSpecific Prefix). */
START_TEST(canary_needs_the_same_path_and_path_type)
{
    char *m = ing_yaml("ns-a", "main", "", "c.example.com", NULL, "Prefix /app v1 80",
                       "Exact /exact v1 80", NULL);
    char *k = ing_yaml("ns-a", "canary", AN "canary: \"true\"\n" AN "canary-weight: \"50\"",
                       "c.example.com", NULL, "Exact /app v2 80", "Prefix /exact v2 80",
                       "Prefix /app/ v2 80", NULL);
    char *i = ing_yaml("ns-a", "canary-is", AN "canary: \"true\"\n" AN "canary-weight: \"30\"",
                       "c.example.com", NULL, "ImplementationSpecific /app v3 80", NULL);
    char yaml[8192];
    snprintf(yaml, sizeof yaml, "%s---\n%s---\n%s", m, k, i);
    free(m), free(k), free(i);
    convert_plan *p = conv(yaml);
    const doc_node *http = vs_routes(p, "ns-a", "c-example-com");
    ck_assert_uint_eq(http->len, 2);
    /* only the ImplementationSpecific canary is a Prefix /app */
    ck_assert_str_eq(at(http, "1", "match", "1", "uri", "prefix", NULL), "/app/");
    ck_assert_str_eq(at(http, "1", "route", "1", "destination", "host", NULL),
                     "v3.ns-a.svc.cluster.local");
    ck_assert_str_eq(at(http, "1", "route", "1", "weight", NULL), "30");
    ck_assert_ptr_null(at(http, "0", "route", "1", NULL));
    for (int pi = 0; pi < 3; pi++) {
        char f[64];
        snprintf(f, sizeof f, "spec.rules[0].http.paths[%d]", pi);
        const mp_warning *w = find_warn(p, "MP205", f);
        ck_assert_msg(w != NULL, "no MP205 on %s", f);
        ck_assert_str_eq(w->object, "ingress ns-a/canary");
        ck_assert_int_eq(w->sev, MP_SEV_ERROR);
    }
    ck_assert_msg(strstr(find_warn(p, "MP205", "paths[0]")->message, "(Exact)"), "%s",
                  find_warn(p, "MP205", "paths[0]")->message);
    convert_plan_free(p);
}
END_TEST

/* §11 output */
START_TEST(labels_sources_and_order)
{
    char *a = ing_yaml("ns-b", "a", AN "backend-protocol: HTTPS", "b.example.com", NULL,
                       "Prefix / s 443", NULL);
    char *b = ing_yaml("ns-a", "z", "", "z.example.com", NULL, "Prefix / s 80", NULL);
    char *c = ing_yaml("ns-a", "yy", "", "y.example.com", NULL, "Prefix / s 80", NULL);
    char yaml[8192];
    snprintf(yaml, sizeof yaml, "%s---\n%s---\n%s", a, b, c);
    free(a), free(b), free(c);
    convert_plan *p = conv(yaml);
    const char *expect[][3] = {
        {"ns-a", "Gateway", "meshpanel-gateway"},    {"ns-a", "VirtualService", "y-example-com"},
        {"ns-a", "VirtualService", "z-example-com"}, {"ns-b", "Gateway", "meshpanel-gateway"},
        {"ns-b", "VirtualService", "b-example-com"}, {"ns-b", "DestinationRule", "s-meshpanel"},
    };
    ck_assert_uint_eq(convert_plan_len(p), 6);
    for (size_t i = 0; i < 6; i++) {
        const doc_node *o = convert_plan_obj(p, i);
        ck_assert_str_eq(kobj_namespace(o), expect[i][0]);
        ck_assert_str_eq(kobj_kind(o), expect[i][1]);
        ck_assert_str_eq(kobj_name(o), expect[i][2]);
        ck_assert_str_eq(kobj_label(o, CONVERT_MANAGED_LABEL), "meshpanel");
        ck_assert_ptr_nonnull(kobj_annotation(o, CONVERT_SOURCE_ANNOTATION));
    }
    ck_assert_str_eq(kobj_annotation(convert_plan_obj(p, 0), CONVERT_SOURCE_ANNOTATION),
                     "ingress/ns-a/yy,ingress/ns-a/z");
    /* identical input, identical bytes */
    size_t n1, n2;
    mp_err e;
    char *y1 = doc_emit_yaml_stream((doc_node *const *)&(const doc_node *){convert_plan_obj(p, 2)},
                                    1, &n1, &e);
    convert_plan *p2 = conv(yaml);
    char *y2 = doc_emit_yaml_stream((doc_node *const *)&(const doc_node *){convert_plan_obj(p2, 2)},
                                    1, &n2, &e);
    ck_assert_str_eq(y1, y2);
    free(y1), free(y2);
    convert_plan_free(p2);
    convert_plan_free(p);
}
END_TEST

START_TEST(long_host_gives_dns_label)
{
    char host[200];
    snprintf(host, sizeof host, "%s.%s.example.com", "abcdefghijabcdefghijabcdefghijabcdefghij",
             "klmnopqrstklmnopqrstklmnopqrst");
    convert_plan *p = conv_free_in(ing_yaml("ns-a", "a", "", host,
                                            "a-very-long-secret-name-that-goes-on-"
                                            "and-on-and-on-for-quite-a-while-yes",
                                            "Prefix / s 80", NULL));
    const doc_node *vs = find_obj(p, "VirtualService", "ns-a", NULL);
    const char *name = kobj_name(vs);
    ck_assert_uint_le(strlen(name), 63);
    ck_assert_str_eq(at(vs, "spec", "hosts", "0", NULL), host);
    const char *pn =
        at(find_obj(p, "Gateway", "ns-a", NULL), "spec", "servers", "1", "port", "name", NULL);
    ck_assert_uint_le(strlen(pn), 63);
    ck_assert_int_eq(strncmp(pn, "https-a-very-long", 17), 0);
    convert_plan_free(p);
}
END_TEST

START_TEST(decode_error_fails_run_or_skips)
{
    const char *yaml =
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: ns-a}\n"
        "spec:\n  rules:\n  - host: a.example.com\n    http:\n      paths:\n"
        "      - {path: /, pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}\n"
        "      - {path: /x, pathType: Regex, backend: {service: {name: s, port: {number: 80}}}}\n";
    doc_list l;
    doc_list_init(&l);
    mp_err e;
    ck_assert_int_eq(doc_parse_yaml(yaml, strlen(yaml), "t", &l, &e), 0);
    convert_opts o;
    convert_opts_default(&o);
    ck_assert_ptr_null(convert_run(l.docs, l.len, &o, &e));
    ck_assert_str_eq(e.msg, "ingress ns-a/web: spec.rules[0].http.paths[1].pathType: \"Regex\" is "
                            "not Exact|Prefix|ImplementationSpecific");
    o.skip_invalid = true;
    convert_plan *p = convert_run(l.docs, l.len, &o, &e);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(convert_plan_len(p), 0);
    ck_assert_ptr_nonnull(find_warn(p, "MP404", "pathType"));
    convert_plan_free(p);
    doc_list_free(&l);
}
END_TEST

/* Findings grouped by object in object order, each object's in the order
 * they were found (annotations first, then its paths), whatever order the
 * Ingresses come in and however the phases interleave them. */
START_TEST(findings_grouped_by_object)
{
    strbuf sb;
    strbuf_init(&sb);
    static const char *const ns[] = {"ns-b", "ns-a-x", "ns-a", "ns-c"};
    for (int i = 40; i-- > 0;) {
        char name[32], path[64];
        snprintf(name, sizeof name, "w%02d", (i * 7) % 40);
        snprintf(path, sizeof path, "Prefix /p%d svc-%d http", i, i);
        char *y = ing_yaml(ns[i % 4], name, "nginx.ingress.kubernetes.io/proxy-buffer-size: 8k\n",
                           i % 3 ? "a.example.com" : "b.example.com", NULL, path, NULL);
        strbuf_printf(&sb, "%s%s", sb.len ? "---\n" : "", y);
        free(y);
    }
    convert_plan *p = conv_free_in(strbuf_detach(&sb, NULL));
    size_t n = convert_plan_nwarn(p);
    ck_assert_uint_ge(n, 80);
    size_t nann = 0, npath = 0;
    for (size_t i = 1; i < n; i++) {
        const mp_warning *a = convert_plan_warn(p, i - 1), *b = convert_plan_warn(p, i);
        int c = strcmp(a->object, b->object);
        ck_assert_msg(c <= 0, "%s before %s", a->object, b->object);
        if (!c) /* the annotation's finding (MP103) before the path's (MP201) */
            ck_assert_msg(strcmp(a->code, "MP201") || strcmp(b->code, "MP103"), "%s: %s then %s",
                          a->object, a->code, b->code);
        nann += !strcmp(b->code, "MP103");
        npath += !strcmp(b->code, "MP201");
    }
    ck_assert_uint_ge(nann, 39); /* both phases seen (the first finding is not counted) */
    ck_assert_uint_ge(npath, 39);
    convert_plan_free(p);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("convert");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, prefix_is_segment_wise);
    tcase_add_test(tc, prefix_with_slash_redirects_bare_path);
    tcase_add_test(tc, exact_and_impl_specific);
    tcase_add_test(tc, impl_specific_is_prefix_not_a_plain_prefix);
    tcase_add_test(tc, route_order_longest_match);
    tcase_add_test(tc, exact_path_beats_implied_exact);
    tcase_add_test(tc, duplicate_path_older_wins);
    tcase_add_test(tc, impl_specific_trailing_slash_is_the_same_location);
    tcase_add_test(tc, duplicate_path_same_ingress);
    tcase_add_test(tc, catchall_prefix_and_impl_specific_are_one_location);
    tcase_add_test(tc, regex_mode_is_host_wide);
    tcase_add_test(tc, regex_invalid_re2_reported);
    tcase_add_test(tc, paused_classes_not_routed);
    tcase_add_test(tc, ingress_class_object_decides);
    tcase_add_test(tc, tenant_gateway_servers);
    tcase_add_test(tc, redirect_mixed_host_not_redirected);
    tcase_add_test(tc, force_ssl_redirect_without_tls);
    tcase_add_test(tc, tls_without_secret);
    tcase_add_test(tc, shared_gateway_mode);
    tcase_add_test(tc, named_ports);
    tcase_add_test(tc, default_backend_catch_all);
    tcase_add_test(tc, hostless_and_resource_backends);
    tcase_add_test(tc, domain_suffix_option);
    tcase_add_test(tc, canary_weight_and_header);
    tcase_add_test(tc, canary_header_value_total_and_orphan);
    tcase_add_test(tc, regex_host_prefix_beside_exact_keeps_both);
    tcase_add_test(tc, prefix_with_two_trailing_slashes_is_its_own_location);
    tcase_add_test(tc, canary_needs_the_same_path_and_path_type);
    tcase_add_test(tc, rewrite_target_equal_to_the_path_is_no_rewrite);
    tcase_add_test(tc, labels_sources_and_order);
    tcase_add_test(tc, findings_grouped_by_object);
    tcase_add_test(tc, long_host_gives_dns_label);
    tcase_add_test(tc, decode_error_fails_run_or_skips);
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
