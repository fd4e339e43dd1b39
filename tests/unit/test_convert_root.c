/* test_convert_root.c - docs/conversion.md §4 "The root location": requests
 * no path matches get the answer of the first Ingress naming the host
 * (ingress-nginx controller.go createServers): its defaultBackend, its 503 or
 * its redirect, else 404; a `/` path takes the location over; across
 * namespaces the root location stays a route of the owner's namespace. */
#include "convert_helpers.h"

/* One Ingress created at ts: annotation lines ann ("key: value\n", full
 * keys), spec.defaultBackend dflt ("service port", or NULL), one rule for
 * host with the paths "PathType path service port", NULL-ended (none: a
 * rule without http). Returns malloc'd YAML. */
static char *ingress(const char *ts, const char *ns, const char *name, const char *ann,
                     const char *host, const char *dflt, ...)
{
    strbuf sb;
    strbuf_init(&sb);
    strbuf_printf(&sb,
                  "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: %s\n"
                  "  namespace: %s\n  creationTimestamp: \"%s\"\n",
                  name, ns, ts);
    if (*ann)
        strbuf_puts(&sb, "  annotations:\n");
    for (const char *p = ann; *p;) {
        size_t n = strcspn(p, "\n");
        strbuf_printf(&sb, "    %.*s\n", (int)n, p);
        p += n + (p[n] == '\n');
    }
    strbuf_puts(&sb, "spec:\n  ingressClassName: nginx\n");
    char svc[64], port[16];
    if (dflt) {
        ck_assert_int_eq(sscanf(dflt, "%63s %15s", svc, port), 2);
        strbuf_printf(&sb, "  defaultBackend: {service: {name: %s, port: {number: %s}}}\n", svc,
                      port);
    }
    strbuf_printf(&sb, "  rules:\n  - host: %s\n", host);
    va_list ap;
    va_start(ap, dflt);
    for (const char *p, *sep = "    http:\n      paths:\n"; (p = va_arg(ap, const char *));
         sep = "") {
        char type[32], path[128];
        ck_assert_int_eq(sscanf(p, "%31s %127s %63s %15s", type, path, svc, port), 4);
        strbuf_printf(&sb,
                      "%s      - {path: \"%s\", pathType: %s, backend: {service: {name: %s, "
                      "port: {number: %s}}}}\n",
                      sep, path, type, svc, port);
    }
    va_end(ap);
    return strbuf_detach(&sb, NULL);
}

/* Two documents into one stream (both freed). */
static char *two(char *a, char *b)
{
    strbuf sb;
    strbuf_init(&sb);
    strbuf_printf(&sb, "%s---\n%s", a, b);
    free(a);
    free(b);
    return strbuf_detach(&sb, NULL);
}

#define T1   "2024-01-01T00:00:00Z"
#define T2   "2024-01-02T00:00:00Z"
#define T3   "2024-01-03T00:00:00Z"
#define HOST "shop.example.com"
#define VS   "shop-example-com"

/* The route of http whose first match is `prefix: /`, or NULL. */
static const doc_node *catch_all(const doc_node *http)
{
    for (size_t i = 0; http && i < http->len; i++) {
        const char *p = at(doc_at(http, i), "match", "0", "uri", "prefix", NULL);
        if (p && !strcmp(p, "/"))
            return doc_at(http, i);
    }
    return NULL;
}

static const doc_node *named(const doc_node *http, const char *name)
{
    for (size_t i = 0; http && i < http->len; i++) {
        const char *n = at(doc_at(http, i), "name", NULL);
        if (n && !strcmp(n, name))
            return doc_at(http, i);
    }
    return NULL;
}

static const doc_node *last(const doc_node *http)
{
    return doc_at(http, http->len - 1);
}

/* The brief's case 1: a younger Ingress's defaultBackend, in the owner's
 * namespace or another one, does not answer the host's other paths. */
START_TEST(younger_default_backend_is_not_the_catch_all)
{
    const char *nss[] = {"ns-a", "ns-b"};
    for (size_t k = 0; k < 2; k++) {
        convert_plan *p = conv_free_in(
            two(ingress(T1, "ns-a", "a-first", "", HOST, NULL, "Prefix /api api 8080", NULL),
                ingress(T2, nss[k], "b-second", "", HOST, "fallback 80", NULL)));
        const doc_node *http = vs_routes(p, "ns-a", VS);
        ck_assert_uint_eq(http->len, 1);
        ck_assert_str_eq(at(http, "0", "name", NULL), "a-first-0-0");
        ck_assert_ptr_null(catch_all(http));
        ck_assert_ptr_null(find_obj(p, "VirtualService", "ns-b", NULL));
        const mp_warning *w = find_warn(p, "MP203", "not used for host " HOST);
        ck_assert_ptr_nonnull(w);
        ck_assert_str_eq(w->field, "spec.defaultBackend");
        ck_assert_ptr_nonnull(strstr(w->object, "/b-second"));
        ck_assert_ptr_nonnull(strstr(w->message, "ingress ns-a/a-first"));
        convert_plan_free(p);
    }
}
END_TEST

/* The owner's defaultBackend answers the rest; with the paths in another
 * namespace it stays a route of the root VirtualService, after the
 * delegate entry, and the delegate has no catch-all. */
START_TEST(owner_default_backend_across_namespaces)
{
    char *y =
        two(ingress(T1, "ns-a", "a-first", "", HOST, "fallback 80", NULL),
            two(ingress(T2, "ns-b", "b-second", "", HOST, NULL, "Prefix /api api 8080", NULL),
                ingress(T3, "ns-b", "c-third", "", HOST, "other 80", "Prefix /web web 80", NULL)));
    convert_plan *p = conv_free_in(y);
    const doc_node *http = vs_routes(p, "ns-a", VS);
    ck_assert_uint_eq(http->len, 2);
    ck_assert_str_eq(at(http, "0", "delegate", "namespace", NULL), "ns-b");
    ck_assert_str_eq(at(http, "1", "name", NULL), "a-first-default");
    ck_assert_str_eq(at(http, "1", "match", "0", "uri", "prefix", NULL), "/");
    ck_assert_str_eq(at(http, "1", "route", "0", "destination", "host", NULL),
                     "fallback.ns-a.svc.cluster.local");
    const doc_node *dh = vs_routes(p, "ns-b", VS);
    ck_assert_uint_eq(dh->len, 2);
    ck_assert_ptr_null(catch_all(dh));
    ck_assert_ptr_nonnull(find_warn(p, "MP203", "ingress ns-a/a-first, the first Ingress"));
    const mp_warning *w = find_warn(p, "MP207", "namespaces ns-a, ns-b");
    ck_assert_ptr_nonnull(w);
    ck_assert_str_eq(w->object, "ingress ns-a/a-first");
    convert_plan_free(p);
}
END_TEST

/* A Prefix or ImplementationSpecific `/` of a younger Ingress takes the
 * location over (the owner's defaultBackend is reported unused); an Exact
 * `/` is another location. */
START_TEST(slash_path_takes_over_the_root_location)
{
    const char *types[] = {"Prefix", "ImplementationSpecific", "Exact"};
    for (size_t k = 0; k < 3; k++) {
        char path[64];
        snprintf(path, sizeof path, "%s / web 80", types[k]);
        convert_plan *p = conv_free_in(two(
            ingress(T1, "ns-a", "a-first", "", HOST, "fallback 80", "Prefix /api api 8080", NULL),
            ingress(T2, "ns-b", "b-second", "", HOST, NULL, path, NULL)));
        const doc_node *http = vs_routes(p, "ns-a", VS);
        const doc_node *d = find_obj(p, "VirtualService", "ns-b", VS);
        ck_assert_ptr_nonnull(d);
        const mp_warning *w = find_warn(p, "MP203", "takes over nginx's root location");
        if (k < 2) {
            ck_assert_ptr_null(named(http, "a-first-default"));
            ck_assert_str_eq(at(last(http), "delegate", "namespace", NULL), "ns-b");
            ck_assert_str_eq(at(last(doc_getv(d, "spec", "http", NULL)), "name", NULL),
                             "b-second-0-0");
            ck_assert_ptr_nonnull(w);
            ck_assert_ptr_nonnull(strstr(w->object, "ns-a/a-first"));
        } else {
            ck_assert_str_eq(at(last(http), "name", NULL), "a-first-default");
            ck_assert_str_eq(
                at(doc_getv(d, "spec", "http", NULL), "0", "match", "0", "uri", "exact", NULL),
                "/");
            ck_assert_ptr_null(w);
        }
        convert_plan_free(p);
    }
}
END_TEST

/* The brief's case 2 (tests/golden/fail-closed-allow-open's host): the
 * owner's allow list nginx refuses denies its root location, 503 for every
 * path no other location takes, also with --allow-open. An Ingress that is
 * not the owner adds nothing. */
START_TEST(denied_owner_answers_503_for_unmatched_paths)
{
    for (int open = 0; open < 2; open++) {
        convert_opts o;
        convert_opts_default(&o);
        o.allow_open = open;
        char *y =
            two(ingress(T1, "ns-a", "broken", AN "whitelist-source-range: 10.0.0.0/33", HOST, NULL,
                        "Prefix /metrics internal 9100", NULL),
                ingress(T2, "ns-a", "guard", "", HOST, NULL, "Prefix /internal internal 80", NULL));
        convert_plan *p = conv_opts(y, &o);
        free(y);
        const doc_node *http = vs_routes(p, "ns-a", VS);
        ck_assert_uint_eq(http->len, 3);
        ck_assert_str_eq(at(last(http), "name", NULL), "broken-root");
        ck_assert_ptr_eq(catch_all(http), last(http));
        ck_assert_str_eq(at(last(http), "directResponse", "status", NULL), "503");
        ck_assert_ptr_null(node_at(last(http), "route", NULL));
        convert_plan_free(p);
    }
    convert_plan *p = conv_free_in(
        two(ingress(T2, "ns-a", "broken", AN "whitelist-source-range: 10.0.0.0/33", HOST, NULL,
                    "Prefix /metrics internal 9100", NULL),
            ingress(T1, "ns-a", "guard", "", HOST, NULL, "Prefix /internal internal 80", NULL)));
    ck_assert_ptr_null(catch_all(vs_routes(p, "ns-a", VS)));
    convert_plan_free(p);
}
END_TEST

/* A redirect of the owner answers every path no other location takes, in
 * the root VirtualService whatever namespace the other paths are in. */
START_TEST(redirecting_owner_redirects_unmatched_paths)
{
    convert_plan *p = conv_free_in(
        two(ingress(T1, "ns-a", "old", AN "permanent-redirect: https://new.example.com/", HOST,
                    NULL, "Prefix /old web 80", NULL),
            ingress(T2, "ns-b", "other", "", HOST, NULL, "Prefix /api api 8080", NULL)));
    const doc_node *http = vs_routes(p, "ns-a", VS);
    ck_assert_uint_eq(http->len, 3);
    ck_assert_str_eq(at(http, "1", "delegate", "namespace", NULL), "ns-b");
    const doc_node *r = last(http);
    ck_assert_str_eq(at(r, "name", NULL), "old-root");
    ck_assert_str_eq(at(r, "match", "0", "uri", "prefix", NULL), "/");
    ck_assert_str_eq(at(r, "redirect", "authority", NULL), "new.example.com");
    ck_assert_str_eq(at(r, "redirect", "redirectCode", NULL), "301");
    ck_assert_ptr_null(catch_all(vs_routes(p, "ns-b", VS)));
    convert_plan_free(p);

    p = conv_free_in(
        two(ingress(T1, "ns-a", "old",
                    AN "temporal-redirect: https://new.example.com/\n" AN
                       "whitelist-source-range: 10.0.0.0/8",
                    HOST, NULL, "Prefix /old web 80", NULL),
            ingress(T2, "ns-a", "other", "", HOST, NULL, "Prefix /api api 8080", NULL)));
    r = last(vs_routes(p, "ns-a", VS));
    ck_assert_str_eq(at(r, "name", NULL), "old-root");
    ck_assert_str_eq(at(r, "redirect", "redirectCode", NULL), "302");
    /* nginx redirects before it checks the list: no policy for it */
    ck_assert_ptr_null(find_obj(p, "AuthorizationPolicy", "istio-system", NULL));
    convert_plan_free(p);
}
END_TEST

/* A restriction that lets some clients through to nginx's 404 (basic auth
 * here) adds no route: Envoy's 404 opens nothing. With a defaultBackend the
 * catch-all answers 403 like the owner's paths. */
START_TEST(restricted_owner_without_default_adds_no_catch_all)
{
    const char *auth = AN "auth-type: basic\n" AN "auth-secret: basic-auth";
    convert_plan *p = conv_free_in(
        two(ingress(T1, "ns-a", "auth", auth, HOST, NULL, "Prefix /admin adm 80", NULL),
            ingress(T2, "ns-a", "app", "", HOST, NULL, "Prefix /app app 80", NULL)));
    const doc_node *http = vs_routes(p, "ns-a", VS);
    ck_assert_uint_eq(http->len, 2);
    ck_assert_ptr_null(catch_all(http));
    convert_plan_free(p);
    p = conv_free_in(two(ingress(T1, "ns-a", "auth", auth, HOST, "fallback 80", NULL),
                         ingress(T2, "ns-a", "app", "", HOST, NULL, "Prefix /app app 80", NULL)));
    http = vs_routes(p, "ns-a", VS);
    ck_assert_str_eq(at(last(http), "name", NULL), "auth-default");
    ck_assert_str_eq(at(last(http), "directResponse", "status", NULL), "403");
    convert_plan_free(p);
}
END_TEST

/* On a regex host every location is `~* "^path"` and the root location
 * comes first among the `/` ones: an Exact `/` is never used, whether the
 * root location answers 404 (no route) or the owner's defaultBackend. */
START_TEST(regex_host_root_location_shadows_exact_slash)
{
    for (int dflt = 0; dflt < 2; dflt++) {
        convert_plan *p =
            conv_free_in(two(ingress(T1, "ns-a", "a", AN "use-regex: \"true\"", HOST,
                                     dflt ? "fallback 80" : NULL, "Prefix /api api 8080", NULL),
                             ingress(T2, "ns-a", "b", "", HOST, NULL, "Exact / web 80", NULL)));
        const doc_node *http = vs_routes(p, "ns-a", VS);
        ck_assert_uint_eq(http->len, (size_t)(1 + dflt));
        ck_assert_str_eq(at(http, "0", "match", "0", "uri", "regex", NULL), "(?i)/api.*");
        if (dflt)
            ck_assert_str_eq(at(http, "1", "name", NULL), "a-default");
        const mp_warning *w = find_warn(p, "MP203", "never uses this Exact / path");
        ck_assert_ptr_nonnull(w);
        ck_assert_ptr_nonnull(strstr(w->object, "ns-a/b"));
        convert_plan_free(p);
    }
}
END_TEST

/* The owner's use-regex makes the host a regex host even without a path
 * of its own (the root location carries it), until a `/` path takes the
 * location over. */
START_TEST(pathless_owner_brings_its_regex_mode)
{
    convert_plan *p =
        conv_free_in(two(ingress(T1, "ns-a", "a", AN "use-regex: \"true\"", HOST, NULL, NULL),
                         ingress(T2, "ns-a", "b", "", HOST, NULL, "Prefix /api api 8080", NULL)));
    const doc_node *http = vs_routes(p, "ns-a", VS);
    ck_assert_str_eq(at(http, "0", "match", "0", "uri", "regex", NULL), "(?i)/api.*");
    convert_plan_free(p);
    p = conv_free_in(two(
        ingress(T1, "ns-a", "a", AN "use-regex: \"true\"", HOST, NULL, NULL),
        ingress(T2, "ns-a", "b", "", HOST, NULL, "Prefix /api api 8080", "Prefix / web 80", NULL)));
    http = vs_routes(p, "ns-a", VS);
    ck_assert_str_eq(at(http, "0", "match", "0", "uri", "exact", NULL), "/api");
    convert_plan_free(p);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("convert_root");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, younger_default_backend_is_not_the_catch_all);
    tcase_add_test(tc, owner_default_backend_across_namespaces);
    tcase_add_test(tc, slash_path_takes_over_the_root_location);
    tcase_add_test(tc, denied_owner_answers_503_for_unmatched_paths);
    tcase_add_test(tc, redirecting_owner_redirects_unmatched_paths);
    tcase_add_test(tc, restricted_owner_without_default_adds_no_catch_all);
    tcase_add_test(tc, regex_host_root_location_shadows_exact_slash);
    tcase_add_test(tc, pathless_owner_brings_its_regex_mode);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
