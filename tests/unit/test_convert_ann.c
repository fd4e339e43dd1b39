/* test_convert_ann.c - docs/conversion.md §10, §12, §13: each annotation family
 * as it lands in the generated objects. */
#include "convert_helpers.h"

/* One Ingress, one Prefix "/" path to svc:80, with the given annotations. */
static convert_plan *with_ann(const char *ann)
{
    return conv_free_in(
        ing_yaml("ns-a", "web", ann, "a.example.com", NULL, "Prefix / svc 80", NULL));
}

static const doc_node *route0(const convert_plan *p)
{
    return doc_at(vs_routes(p, "ns-a", "a-example-com"), 0);
}

START_TEST(timeouts)
{
    convert_plan *p = with_ann(AN "proxy-read-timeout: \"300\"\n" AN "proxy-send-timeout: \"60\"");
    ck_assert_str_eq(at(route0(p), "timeout", NULL), "300s");
    ck_assert_ptr_nonnull(find_warn(p, "MP101", "proxy-read-timeout"));
    convert_plan_free(p);

    /* long-lived (WebSocket terminal): no timeout at all, never 0s */
    p = with_ann(AN "proxy-read-timeout: \"86400\"\n" AN "proxy-send-timeout: \"86400\"");
    ck_assert_ptr_null(node_at(route0(p), "timeout", NULL));
    ck_assert_ptr_nonnull(find_warn(p, "MP101", "long-lived"));
    convert_plan_free(p);

    p = with_ann(AN "proxy-read-timeout: \"0\"");
    ck_assert_ptr_null(node_at(route0(p), "timeout", NULL));
    convert_plan_free(p);

    /* suffix form and send > read */
    p = with_ann(AN "proxy-read-timeout: 10s\n" AN "proxy-send-timeout: 2m");
    ck_assert_str_eq(at(route0(p), "timeout", NULL), "120s");
    convert_plan_free(p);

    /* no annotation: nginx defaults are not emitted */
    p = with_ann("");
    ck_assert_ptr_null(node_at(route0(p), "timeout", NULL));
    ck_assert_ptr_null(node_at(route0(p), "retries", NULL));
    ck_assert_uint_eq(count_kind(p, "DestinationRule"), 0);
    convert_plan_free(p);
}
END_TEST

START_TEST(connect_timeout_dr)
{
    convert_plan *p = with_ann(AN "proxy-connect-timeout: \"7\"");
    const doc_node *dr = find_obj(p, "DestinationRule", "ns-a", "svc-meshpanel");
    ck_assert_ptr_nonnull(dr);
    ck_assert_str_eq(at(dr, "spec", "host", NULL), "svc.ns-a.svc.cluster.local");
    ck_assert_str_eq(at(dr, "spec", "exportTo", "0", NULL), "istio-system");
    const doc_node *pls = node_at(dr, "spec", "trafficPolicy", "portLevelSettings", "0", NULL);
    ck_assert_str_eq(at(pls, "port", "number", NULL), "80");
    ck_assert_str_eq(at(pls, "connectionPool", "tcp", "connectTimeout", NULL), "7s");
    convert_plan_free(p);
}
END_TEST

START_TEST(cors_defaults_and_origins)
{
    convert_plan *p = with_ann(AN "enable-cors: \"true\"");
    const doc_node *c = node_at(route0(p), "corsPolicy", NULL);
    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(at(c, "allowOrigins", "0", "regex", NULL), ".*");
    ck_assert_uint_eq(node_at(c, "allowMethods", NULL)->len, 6);
    ck_assert_str_eq(at(c, "allowMethods", "0", NULL), "GET");
    ck_assert_str_eq(at(c, "allowHeaders", "8", NULL), "Authorization");
    ck_assert_str_eq(at(c, "maxAge", NULL), "1728000s");
    ck_assert_str_eq(at(c, "allowCredentials", NULL), "true");
    ck_assert_ptr_null(node_at(c, "exposeHeaders", NULL));
    convert_plan_free(p);

    p = with_ann(AN "enable-cors: \"true\"\n" AN
                    "cors-allow-origin: https://cloud.sealos.io,https://*.cloud.sealos.io:8443\n" AN
                    "cors-allow-methods: put, GET, FETCH\n" AN
                    "cors-allow-credentials: \"false\"\n" AN "cors-max-age: \"600\"\n" AN
                    "cors-expose-headers: X-Total, X-Page");
    c = node_at(route0(p), "corsPolicy", NULL);
    ck_assert_str_eq(at(c, "allowOrigins", "0", "exact", NULL), "https://cloud.sealos.io");
    ck_assert_str_eq(at(c, "allowOrigins", "1", "regex", NULL),
                     "https://[A-Za-z0-9-]+\\.cloud\\.sealos\\.io:8443");
    ck_assert_uint_eq(node_at(c, "allowMethods", NULL)->len, 2);
    ck_assert_str_eq(at(c, "allowMethods", "0", NULL), "PUT");
    ck_assert_ptr_nonnull(find_warn(p, "MP104", "FETCH"));
    ck_assert_str_eq(at(c, "allowCredentials", NULL), "false");
    ck_assert_str_eq(at(c, "maxAge", NULL), "600s");
    ck_assert_str_eq(at(c, "exposeHeaders", "1", NULL), "X-Page");
    convert_plan_free(p);

    /* cors-* without enable-cors: nothing, as in nginx */
    p = with_ann(AN "cors-allow-origin: https://x.io");
    ck_assert_ptr_null(node_at(route0(p), "corsPolicy", NULL));
    ck_assert_ptr_nonnull(find_warn(p, "MP106", "cors-allow-origin"));
    convert_plan_free(p);

    p = with_ann(AN "enable-cors: \"true\"\n" AN "cors-max-age: \"0\"");
    ck_assert_ptr_null(node_at(route0(p), "corsPolicy", "maxAge", NULL));
    convert_plan_free(p);
}
END_TEST

START_TEST(backend_protocols)
{
    convert_plan *p = with_ann(AN "backend-protocol: GRPC");
    const doc_node *pls = node_at(find_obj(p, "DestinationRule", "ns-a", NULL), "spec",
                                  "trafficPolicy", "portLevelSettings", "0", NULL);
    ck_assert_str_eq(at(pls, "connectionPool", "http", "h2UpgradePolicy", NULL), "UPGRADE");
    ck_assert_ptr_null(node_at(pls, "tls", NULL));
    ck_assert_ptr_nonnull(find_warn(p, "MP101", "backend-protocol"));
    convert_plan_free(p);

    p = with_ann(AN "backend-protocol: HTTPS");
    pls = node_at(find_obj(p, "DestinationRule", "ns-a", NULL), "spec", "trafficPolicy",
                  "portLevelSettings", "0", NULL);
    ck_assert_str_eq(at(pls, "tls", "mode", NULL), "SIMPLE");
    ck_assert_str_eq(at(pls, "tls", "insecureSkipVerify", NULL), "true");
    ck_assert_ptr_null(find_warn(p, "MP101", "backend-protocol"));
    convert_plan_free(p);

    p = with_ann(AN "backend-protocol: GRPCS");
    pls = node_at(find_obj(p, "DestinationRule", "ns-a", NULL), "spec", "trafficPolicy",
                  "portLevelSettings", "0", NULL);
    ck_assert_str_eq(at(pls, "tls", "mode", NULL), "SIMPLE");
    ck_assert_str_eq(at(pls, "connectionPool", "http", "h2UpgradePolicy", NULL), "UPGRADE");
    convert_plan_free(p);

    /* Sealos' invalid WS: plain HTTP, a warning, no DestinationRule */
    p = with_ann(AN "backend-protocol: WS");
    ck_assert_uint_eq(count_kind(p, "DestinationRule"), 0);
    ck_assert_ptr_nonnull(find_warn(p, "MP101", "WS"));
    ck_assert_ptr_nonnull(node_at(route0(p), "route", NULL));
    convert_plan_free(p);

    p = with_ann(AN "backend-protocol: FCGI");
    ck_assert_uint_eq(count_kind(p, "VirtualService"), 0);
    const mp_warning *w = find_warn(p, "MP102", "backend-protocol");
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(w->sev, MP_SEV_ERROR);
    convert_plan_free(p);
}
END_TEST

START_TEST(rewrite_target)
{
    convert_plan *p = conv_free_in(
        ing_yaml("ns-a", "web", AN "rewrite-target: /$2$3", "a.example.com", NULL,
                 "ImplementationSpecific /something(/|$)(.*) svc 80", "Prefix / svc 80", NULL));
    const doc_node *http = vs_routes(p, "ns-a", "a-example-com");
    ck_assert_str_eq(at(http, "0", "match", "0", "uri", "regex", NULL),
                     "(?i)/something(/|$)(.*).*");
    ck_assert_str_eq(at(http, "0", "rewrite", "uriRegexRewrite", "match", NULL),
                     "(?i)^/something(/|$)(.*).*");
    /* $3 does not exist: nginx substitutes "", Envoy would reject \3 */
    ck_assert_str_eq(at(http, "0", "rewrite", "uriRegexRewrite", "rewrite", NULL), "/\\2");
    ck_assert_ptr_null(node_at(http, "0", "rewrite", "uri", NULL));
    ck_assert_str_eq(at(http, "1", "rewrite", "uriRegexRewrite", "rewrite", NULL), "/");
    convert_plan_free(p);
}
END_TEST

START_TEST(app_root)
{
    convert_plan *p =
        conv_free_in(ing_yaml("ns-a", "web", AN "app-root: /dashboard", "a.example.com", NULL,
                              "Exact /zzzzzzzzzz svc 80", "Prefix / svc 80", NULL));
    const doc_node *http = vs_routes(p, "ns-a", "a-example-com");
    ck_assert_uint_eq(http->len, 3);
    ck_assert_str_eq(at(http, "0", "name", NULL), "web-app-root");
    ck_assert_str_eq(at(http, "0", "match", "0", "uri", "exact", NULL), "/");
    ck_assert_str_eq(at(http, "0", "redirect", "uri", NULL), "/dashboard");
    ck_assert_str_eq(at(http, "0", "redirect", "redirectCode", NULL), "302");
    convert_plan_free(p);

    p = with_ann(AN "app-root: https://evil.example.com/");
    ck_assert_uint_eq(vs_routes(p, "ns-a", "a-example-com")->len, 1);
    ck_assert_ptr_nonnull(find_warn(p, "MP104", "app-root"));
    convert_plan_free(p);
}
END_TEST

START_TEST(redirects)
{
    convert_plan *p = with_ann(AN "permanent-redirect: https://new.example.com/landing");
    const doc_node *r = node_at(route0(p), "redirect", NULL);
    ck_assert_str_eq(at(r, "uri", NULL), "/landing");
    ck_assert_str_eq(at(r, "authority", NULL), "new.example.com");
    ck_assert_str_eq(at(r, "scheme", NULL), "https");
    ck_assert_str_eq(at(r, "redirectCode", NULL), "301");
    ck_assert_ptr_null(node_at(route0(p), "route", NULL));
    convert_plan_free(p);

    p = with_ann(AN "permanent-redirect: https://a.io\n" AN
                    "temporal-redirect: http://b.io:8080/x\n" AN "temporal-redirect-code: \"308\"");
    r = node_at(route0(p), "redirect", NULL);
    ck_assert_str_eq(at(r, "authority", NULL), "b.io");
    ck_assert_str_eq(at(r, "port", NULL), "8080");
    ck_assert_str_eq(at(r, "redirectCode", NULL), "302"); /* 308 not allowed for temporal */
    ck_assert_ptr_nonnull(find_warn(p, "MP104", "temporal-redirect-code"));
    ck_assert_ptr_nonnull(find_warn(p, "MP106", "permanent-redirect"));
    convert_plan_free(p);

    p = with_ann(AN "permanent-redirect: https://c.io$request_uri\n" AN
                    "permanent-redirect-code: \"308\"");
    r = node_at(route0(p), "redirect", NULL);
    ck_assert_ptr_null(node_at(r, "uri", NULL));
    ck_assert_str_eq(at(r, "redirectCode", NULL), "308");
    convert_plan_free(p);
}
END_TEST

START_TEST(upstream_vhost_and_forwarded_prefix)
{
    convert_plan *p = with_ann(AN "upstream-vhost: internal.svc\n" AN "x-forwarded-prefix: /api");
    ck_assert_str_eq(at(route0(p), "rewrite", "authority", NULL), "internal.svc");
    ck_assert_str_eq(at(route0(p), "headers", "request", "set", "X-Forwarded-Prefix", NULL),
                     "/api");
    convert_plan_free(p);
}
END_TEST

START_TEST(retries)
{
    convert_plan *p = with_ann(AN "proxy-next-upstream-tries: \"4\"\n" AN
                                  "proxy-next-upstream: error timeout http_503");
    ck_assert_str_eq(at(route0(p), "retries", "attempts", NULL), "3");
    ck_assert_str_eq(at(route0(p), "retries", "retryOn", NULL),
                     "connect-failure,refused-stream,reset,503");
    convert_plan_free(p);

    p = with_ann(AN "proxy-next-upstream: \"off\"");
    ck_assert_str_eq(at(route0(p), "retries", "attempts", NULL), "0");
    ck_assert_ptr_null(node_at(route0(p), "retries", "retryOn", NULL));
    convert_plan_free(p);
}
END_TEST

START_TEST(source_ranges)
{
    convert_plan *p = conv_free_in(
        ing_yaml("ns-a", "web",
                 AN "whitelist-source-range: 10.0.0.0/8, 192.168.0.1\n" AN
                    "denylist-source-range: 10.1.0.0/16",
                 "a.example.com", NULL, "Prefix /admin svc 80", "Exact /login svc 80", NULL));
    const doc_node *ap =
        find_obj(p, "AuthorizationPolicy", "istio-system", "ns-a-web-source-range");
    ck_assert_ptr_nonnull(ap);
    ck_assert_str_eq(at(ap, "apiVersion", NULL), "security.istio.io/v1");
    ck_assert_str_eq(at(ap, "spec", "action", NULL), "DENY");
    ck_assert_str_eq(at(ap, "spec", "selector", "matchLabels", "istio", NULL), "ingressgateway");
    const doc_node *rules = node_at(ap, "spec", "rules", NULL);
    ck_assert_uint_eq(rules->len, 2);
    const doc_node *allow = node_at(rules, "0", "from", "0", "source", "notRemoteIpBlocks", NULL);
    ck_assert_uint_eq(allow->len, 2);
    ck_assert_str_eq(at(allow, "1", NULL), "192.168.0.1");
    const doc_node *op = node_at(rules, "0", "to", "0", "operation", NULL);
    ck_assert_str_eq(at(op, "hosts", "0", NULL), "a.example.com");
    ck_assert_str_eq(at(op, "hosts", "1", NULL), "a.example.com:*");
    /* route order: /admin/ (prefix, longer) before /login (exact) */
    ck_assert_str_eq(at(op, "paths", "0", NULL), "/admin");
    ck_assert_str_eq(at(op, "paths", "1", NULL), "/admin/*");
    ck_assert_str_eq(at(op, "paths", "2", NULL), "/login");
    ck_assert_str_eq(at(rules, "1", "from", "0", "source", "remoteIpBlocks", "0", NULL),
                     "10.1.0.0/16");
    ck_assert_str_eq(kobj_annotation(ap, CONVERT_SOURCE_ANNOTATION), "ingress/ns-a/web");
    convert_plan_free(p);

    /* a "/" path covers the whole host: no paths */
    p = with_ann(AN "allowlist-source-range: 10.0.0.0/8");
    ap = find_obj(p, "AuthorizationPolicy", "istio-system", NULL);
    ck_assert_ptr_null(node_at(ap, "spec", "rules", "0", "to", "0", "operation", "paths", NULL));
    convert_plan_free(p);

    /* an entry nginx rejects is never filtered out: the location answers
     * 503, as in nginx (test_convert_access.c has the rest) */
    p = with_ann(AN "whitelist-source-range: 10.0.0.0/8, not-a-cidr");
    ck_assert_ptr_null(find_obj(p, "AuthorizationPolicy", "istio-system", NULL));
    ck_assert_str_eq(at(route0(p), "directResponse", "status", NULL), "503");
    ck_assert_ptr_nonnull(find_warn(p, MPW_ACCESS_DENIED, "not-a-cidr"));
    convert_plan_free(p);
}
END_TEST

START_TEST(snippets)
{
    convert_plan *p = with_ann(AN "configuration-snippet: |\n"
                                  "  more_set_headers \"X-Xss-Protection: 1; mode=block\";\n"
                                  "  more_clear_headers X-Frame-Options;\n"
                                  "  add_header Cache-Control no-store always;\n"
                                  "  proxy_set_header X-Secret \"1\";\n"
                                  "  proxy_set_header Authorization \"\";\n"
                                  "  proxy_set_header X-Real $remote_addr;\n"
                                  "  if ($http_sec_fetch_site = cross-site) { set $x 1; }\n" AN
                                  "server-snippet: |\n"
                                  "  client_header_buffer_size 64k;\n"
                                  "  more_set_headers \"Server: meshpanel\";\n");
    const doc_node *h = node_at(route0(p), "headers", NULL);
    ck_assert_str_eq(at(h, "response", "set", "X-Xss-Protection", NULL), "1; mode=block");
    ck_assert_str_eq(at(h, "response", "set", "Server", NULL), "meshpanel");
    ck_assert_str_eq(at(h, "response", "remove", "0", NULL), "X-Frame-Options");
    ck_assert_str_eq(at(h, "response", "add", "Cache-Control", NULL), "no-store");
    ck_assert_str_eq(at(h, "request", "set", "X-Secret", NULL), "1");
    ck_assert_str_eq(at(h, "request", "remove", "0", NULL), "Authorization");
    ck_assert_ptr_null(node_at(h, "request", "set", "X-Real", NULL));
    const mp_warning *w = find_warn(p, "MP107", "configuration-snippet");
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(w->sev, MP_SEV_WARNING);
    ck_assert_ptr_nonnull(strstr(w->message, "$remote_addr"));
    ck_assert_ptr_nonnull(strstr(w->message, "set $x 1"));
    ck_assert_ptr_nonnull(find_warn(p, "MP103", "server-snippet"));
    w = find_warn(p, "MP107", "server-snippet");
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(w->sev, MP_SEV_INFO);
    convert_plan_free(p);
}
END_TEST

/* §15: force-ssl-redirect is an approximate row: MP101 says how it differs,
 * including that the X-Forwarded-Proto redirect needs a trusted load balancer */
START_TEST(force_ssl_redirect_reported)
{
    convert_plan *p = with_ann(AN "force-ssl-redirect: \"true\"");
    const mp_warning *w = find_warn(p, MPW_ANN_APPROX, "force-ssl-redirect");
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(w->sev, MP_SEV_WARNING);
    ck_assert_ptr_nonnull(strstr(w->message, "301"));
    ck_assert_ptr_nonnull(strstr(w->message, "X-Forwarded-Proto"));
    ck_assert_ptr_nonnull(strstr(w->message, "numTrustedProxies"));
    /* the redirect route itself is still generated */
    ck_assert_str_eq(at(route0(p), "redirect", "redirectCode", NULL), "308");
    convert_plan_free(p);

    p = with_ann(AN "force-ssl-redirect: \"false\"");
    ck_assert_ptr_null(find_warn(p, MPW_ANN_APPROX, "force-ssl-redirect"));
    convert_plan_free(p);
}
END_TEST

START_TEST(reported_and_unknown)
{
    convert_plan *p = with_ann(AN "proxy-body-size: 32m\n" AN "proxy-buffer-size: 64k\n" AN
                                  "mirror-target: http://m.svc/x\n" AN "made-up-thing: x\n"
                                  "higress.io/response-header-control-remove: X-Frame-Options\n"
                                  "kubectl.kubernetes.io/last-applied-configuration: x");
    const mp_warning *w = find_warn(p, MPW_ANN_UNSUPPORTED, "proxy-body-size");
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(w->sev, MP_SEV_WARNING);
    ck_assert_ptr_nonnull(find_warn(p, MPW_ANN_UNSUPPORTED, "mirror-target"));
    w = find_warn(p, MPW_ANN_IGNORED, "proxy-buffer-size");
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(w->sev, MP_SEV_INFO);
    ck_assert_ptr_nonnull(find_warn(p, MPW_ANN_UNKNOWN, "made-up-thing"));
    ck_assert_ptr_nonnull(find_warn(p, MPW_ANN_UNSUPPORTED, "higress.io"));
    ck_assert_ptr_null(find_warn(p, MPW_ANN_UNKNOWN, "kubectl"));
    /* the route is still there */
    ck_assert_ptr_nonnull(node_at(route0(p), "route", NULL));
    char *line = mp_warning_format(find_warn(p, MPW_ANN_UNSUPPORTED, "proxy-body-size"));
    ck_assert_int_eq(
        strncmp(
            line, "MP102 ingress ns-a/web: metadata.annotations[\"" AN "proxy-body-size\"]: ",
            strlen("MP102 ingress ns-a/web: metadata.annotations[\"" AN "proxy-body-size\"]: ")),
        0);
    free(line);
    convert_plan_free(p);
}
END_TEST

START_TEST(load_balancing_and_affinity)
{
    convert_plan *p = with_ann(AN "load-balance: ewma");
    const doc_node *pls = node_at(find_obj(p, "DestinationRule", "ns-a", NULL), "spec",
                                  "trafficPolicy", "portLevelSettings", "0", NULL);
    ck_assert_str_eq(at(pls, "loadBalancer", "simple", NULL), "LEAST_REQUEST");
    convert_plan_free(p);

    p = with_ann(AN "upstream-hash-by: $http_x_user");
    pls = node_at(find_obj(p, "DestinationRule", "ns-a", NULL), "spec", "trafficPolicy",
                  "portLevelSettings", "0", NULL);
    ck_assert_str_eq(at(pls, "loadBalancer", "consistentHash", "httpHeaderName", NULL), "x-user");
    convert_plan_free(p);

    p = with_ann(AN "affinity: cookie\n" AN "session-cookie-name: SID\n" AN
                    "session-cookie-max-age: \"3600\"");
    pls = node_at(find_obj(p, "DestinationRule", "ns-a", NULL), "spec", "trafficPolicy",
                  "portLevelSettings", "0", NULL);
    const doc_node *ck = node_at(pls, "loadBalancer", "consistentHash", "httpCookie", NULL);
    ck_assert_str_eq(at(ck, "name", NULL), "SID");
    ck_assert_str_eq(at(ck, "ttl", NULL), "3600s");
    convert_plan_free(p);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("convert_ann");
    TCase *tc = tcase_create("annotations");
    tcase_add_test(tc, timeouts);
    tcase_add_test(tc, connect_timeout_dr);
    tcase_add_test(tc, cors_defaults_and_origins);
    tcase_add_test(tc, backend_protocols);
    tcase_add_test(tc, rewrite_target);
    tcase_add_test(tc, app_root);
    tcase_add_test(tc, redirects);
    tcase_add_test(tc, upstream_vhost_and_forwarded_prefix);
    tcase_add_test(tc, retries);
    tcase_add_test(tc, source_ranges);
    tcase_add_test(tc, snippets);
    tcase_add_test(tc, force_ssl_redirect_reported);
    tcase_add_test(tc, reported_and_unknown);
    tcase_add_test(tc, load_balancing_and_affinity);
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
