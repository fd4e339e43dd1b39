/* test_convert_access.c - docs/conversion.md "Fail closed": each access
 * restriction is converted exactly or the routes it protects answer
 * 403/503; --allow-open and --ext-authz-provider. */
#include "convert_helpers.h"

/* Joins YAML documents (each malloc'd, freed here) into one stream. */
static char *docs(char *a, char *b)
{
    strbuf sb;
    strbuf_init(&sb);
    strbuf_printf(&sb, "%s---\n%s", a, b ? b : "");
    free(a);
    free(b);
    return strbuf_detach(&sb, NULL);
}

static convert_plan *with_opts(char *yaml, bool allow_open, const char *provider)
{
    convert_opts o;
    convert_opts_default(&o);
    o.allow_open = allow_open;
    o.ext_authz_provider = provider;
    convert_plan *p = conv_opts(yaml, &o);
    free(yaml);
    return p;
}

/* The route named name of VirtualService ns/vs. */
static const doc_node *route(const convert_plan *p, const char *vs, const char *name)
{
    const doc_node *http = vs_routes(p, "ns-a", vs);
    for (size_t i = 0; http && i < http->len; i++)
        if (!strcmp(at(doc_at(http, i), "name", NULL), name))
            return doc_at(http, i);
    ck_abort_msg("no route %s in %s", name, vs);
    return NULL;
}

static const char *status(const doc_node *r)
{
    ck_assert_ptr_null(node_at(r, "route", NULL));
    return at(r, "directResponse", "status", NULL);
}

/* An Ingress "a-..." of one path on a.example.com. */
static char *one(const char *name, const char *ann, const char *path)
{
    return ing_yaml("ns-a", name, ann, "a.example.com", NULL, path, NULL);
}

/* ---- allow and deny lists --------------------------------------------------------- */

/* The policy covers exactly what nginx routes to the restricted location:
 * the catch-all minus the paths other Ingresses' earlier routes take. */
START_TEST(ip_list_scoped_to_the_location)
{
    convert_plan *p = conv_free_in(docs(
        one("a-admin", AN "whitelist-source-range: 10.0.0.1/8, 2001:DB8::/32", "Prefix / admin 80"),
        ing_yaml("ns-a", "b-public", "", "a.example.com", NULL, "Prefix /api api 80",
                 "Exact /health api 80", NULL)));
    const doc_node *ap =
        find_obj(p, "AuthorizationPolicy", "istio-system", "ns-a-a-admin-source-range");
    ck_assert_ptr_nonnull(ap);
    ck_assert_str_eq(at(ap, "spec", "action", NULL), "DENY");
    const doc_node *rule = node_at(ap, "spec", "rules", "0", NULL);
    /* nginx's canonical forms: host bits masked, IPv6 lower case */
    ck_assert_str_eq(at(rule, "from", "0", "source", "notRemoteIpBlocks", "0", NULL), "10.0.0.0/8");
    ck_assert_str_eq(at(rule, "from", "0", "source", "notRemoteIpBlocks", "1", NULL),
                     "2001:db8::/32");
    const doc_node *op = node_at(rule, "to", "0", "operation", NULL);
    ck_assert_ptr_null(node_at(op, "paths", NULL));
    const doc_node *not = node_at(op, "notPaths", NULL);
    ck_assert_uint_eq(not ->len, 3);
    ck_assert_str_eq(at(not, "0", NULL), "/health");
    ck_assert_str_eq(at(not, "1", NULL), "/api");
    ck_assert_str_eq(at(not, "2", NULL), "/api/*");
    /* the routes themselves are untouched */
    ck_assert_ptr_nonnull(node_at(route(p, "a-example-com", "a-admin-0-0"), "route", NULL));
    ck_assert_ptr_nonnull(find_warn(p, MPW_ANN_APPROX, "numTrustedProxies"));
    convert_plan_free(p);

    /* a location with nothing in front of it: just its paths */
    p = conv_free_in(
        one("a-admin", AN "denylist-source-range: 198.51.100.0/24", "Prefix /admin admin 80"));
    ap = find_obj(p, "AuthorizationPolicy", "istio-system", NULL);
    op = node_at(ap, "spec", "rules", "0", "to", "0", "operation", NULL);
    ck_assert_str_eq(
        at(ap, "spec", "rules", "0", "from", "0", "source", "remoteIpBlocks", "0", NULL),
        "198.51.100.0/24");
    ck_assert_str_eq(at(op, "paths", "0", NULL), "/admin");
    ck_assert_str_eq(at(op, "paths", "1", NULL), "/admin/*");
    ck_assert_ptr_null(node_at(op, "notPaths", NULL));
    convert_plan_free(p);
}
END_TEST

/* ingress-nginx reads allowlist-source-range, and its alias only when the
 * main name is absent or empty; an empty main name denies (503). */
START_TEST(ip_list_alias_and_empty_values)
{
    convert_plan *p = conv_free_in(one("a-web",
                                       AN "allowlist-source-range: 10.0.0.0/8\n" AN
                                          "whitelist-source-range: 192.168.0.0/16",
                                       "Prefix /x svc 80"));
    const doc_node *ap = find_obj(p, "AuthorizationPolicy", "istio-system", NULL);
    const doc_node *ips =
        node_at(ap, "spec", "rules", "0", "from", "0", "source", "notRemoteIpBlocks", NULL);
    ck_assert_uint_eq(ips->len, 1);
    ck_assert_str_eq(at(ips, "0", NULL), "10.0.0.0/8");
    ck_assert_ptr_nonnull(find_warn(p, MPW_ANN_NOEFFECT, "whitelist-source-range"));
    convert_plan_free(p);

    p = conv_free_in(one(
        "a-web", AN "allowlist-source-range: \"\"\n" AN "whitelist-source-range: 192.168.0.0/16",
        "Prefix /x svc 80"));
    ap = find_obj(p, "AuthorizationPolicy", "istio-system", NULL);
    ck_assert_str_eq(
        at(ap, "spec", "rules", "0", "from", "0", "source", "notRemoteIpBlocks", "0", NULL),
        "192.168.0.0/16");
    convert_plan_free(p);

    /* whitelist alone and empty: absent for nginx */
    p = conv_free_in(one("a-web", AN "whitelist-source-range: \"\"", "Prefix /x svc 80"));
    ck_assert_ptr_nonnull(node_at(route(p, "a-example-com", "a-web-0-0"), "route", NULL));
    ck_assert_uint_eq(count_kind(p, "AuthorizationPolicy"), 0);
    ck_assert_ptr_null(find_warn(p, MPW_ACCESS_DENIED, NULL));
    convert_plan_free(p);

    /* the main name present and empty: nginx answers 503 */
    p = conv_free_in(one("a-web", AN "allowlist-source-range: \"\"", "Prefix /x svc 80"));
    ck_assert_str_eq(status(route(p, "a-example-com", "a-web-0-0")), "503");
    convert_plan_free(p);
    p = conv_free_in(one("a-web", AN "denylist-source-range: \"\"", "Prefix /x svc 80"));
    ck_assert_str_eq(status(route(p, "a-example-com", "a-web-0-0")), "503");
    convert_plan_free(p);
}
END_TEST

/* One entry nginx rejects (the examples) denies the location: 503
 * for its routes only, also with --allow-open, and no policy. */
START_TEST(ip_list_invalid_entry_answers_503)
{
    const char *bad[] = {"10.0.0.0/33", "21.10.178/24", "not-an-ip", "10.0.0.0/8,", "010.0.0.1"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char ann[200];
        snprintf(ann, sizeof ann, AN "whitelist-source-range: \"10.1.0.0/16, %s\"", bad[i]);
        for (int open = 0; open < 2; open++) {
            convert_plan *p = with_opts(docs(one("a-web", ann, "Prefix /x svc 80"),
                                             one("b-other", "", "Prefix /y other 80")),
                                        open, NULL);
            ck_assert_str_eq(status(route(p, "a-example-com", "a-web-0-0")), "503");
            ck_assert_ptr_nonnull(node_at(route(p, "a-example-com", "b-other-0-0"), "route", NULL));
            ck_assert_uint_eq(count_kind(p, "AuthorizationPolicy"), 0);
            const mp_warning *w = find_warn(p, MPW_ACCESS_DENIED, "whitelist-source-range");
            ck_assert_msg(w != NULL, "%s: no MP109", bad[i]);
            ck_assert_int_eq(w->sev, MP_SEV_ERROR);
            convert_plan_free(p);
        }
    }
}
END_TEST

/* A regex host: the routes close (403), --allow-open gives the literal
 * prefix policy of before, with a warning saying so. */
START_TEST(ip_list_on_regex_host)
{
    char *y = one("a-web", AN "use-regex: \"true\"\n" AN "whitelist-source-range: 10.0.0.0/8",
                  "ImplementationSpecific /api/v[0-9]+ svc 80");
    convert_plan *p = conv(y);
    ck_assert_str_eq(status(route(p, "a-example-com", "a-web-0-0")), "403");
    ck_assert_uint_eq(count_kind(p, "AuthorizationPolicy"), 0);
    const mp_warning *w = find_warn(p, MPW_ACCESS_CLOSED, "regex host");
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(w->sev, MP_SEV_ERROR);
    convert_plan_free(p);

    p = with_opts(y, true, NULL);
    ck_assert_ptr_nonnull(node_at(route(p, "a-example-com", "a-web-0-0"), "route", NULL));
    const doc_node *ap = find_obj(p, "AuthorizationPolicy", "istio-system", NULL);
    ck_assert_str_eq(at(ap, "spec", "rules", "0", "to", "0", "operation", "paths", "0", NULL),
                     "/api/v*");
    w = find_warn(p, MPW_ACCESS_CLOSED, "regex host");
    ck_assert_int_eq(w->sev, MP_SEV_WARNING);
    ck_assert_ptr_nonnull(strstr(w->message, "because of --allow-open"));
    convert_plan_free(p);
}
END_TEST

/* ---- authentication ------------------------------------------------------------- */

START_TEST(auth_url_without_provider_closes)
{
    char *y =
        docs(one("a-web", AN "auth-url: https://auth.example.com/check", "Prefix /app app 80"),
             one("b-pub", "", "Prefix /pub pub 80"));
    convert_plan *p = conv(y);
    ck_assert_str_eq(status(route(p, "a-example-com", "a-web-0-0")), "403");
    ck_assert_ptr_nonnull(node_at(route(p, "a-example-com", "b-pub-0-0"), "route", NULL));
    const mp_warning *w = find_warn(p, MPW_ACCESS_CLOSED, "auth-url");
    ck_assert_int_eq(w->sev, MP_SEV_ERROR);
    ck_assert_ptr_nonnull(strstr(w->message, "--ext-authz-provider"));
    ck_assert_ptr_nonnull(strstr(w->message, "--allow-open"));
    convert_plan_free(p);

    /* --allow-open: routed, and the finding says why */
    p = with_opts(y, true, NULL);
    ck_assert_ptr_nonnull(node_at(route(p, "a-example-com", "a-web-0-0"), "route", NULL));
    w = find_warn(p, MPW_ACCESS_CLOSED, "auth-url");
    ck_assert_int_eq(w->sev, MP_SEV_WARNING);
    ck_assert_ptr_nonnull(strstr(w->message, "because of --allow-open"));
    convert_plan_free(p);
}
END_TEST

START_TEST(auth_url_with_provider_is_custom)
{
    convert_plan *p = with_opts(one("a-web",
                                    AN "auth-url: https://auth.example.com/check\n" AN
                                       "auth-signin: https://auth.example.com/start\n" AN
                                       "auth-response-headers: X-User, X-Email",
                                    "Prefix /app app 80"),
                                false, "oauth2");
    ck_assert_ptr_nonnull(node_at(route(p, "a-example-com", "a-web-0-0"), "route", NULL));
    const doc_node *ap = find_obj(p, "AuthorizationPolicy", "istio-system", "ns-a-a-web-ext-authz");
    ck_assert_ptr_nonnull(ap);
    ck_assert_str_eq(at(ap, "spec", "action", NULL), "CUSTOM");
    ck_assert_str_eq(at(ap, "spec", "provider", "name", NULL), "oauth2");
    ck_assert_ptr_null(node_at(ap, "spec", "rules", "0", "from", NULL));
    ck_assert_str_eq(at(ap, "spec", "rules", "0", "to", "0", "operation", "paths", "1", NULL),
                     "/app/*");
    const mp_warning *w = find_warn(p, MPW_EXT_AUTHZ, NULL);
    ck_assert_ptr_nonnull(strstr(w->message, "https://auth.example.com/check"));
    ck_assert_ptr_nonnull(strstr(w->message, "X-User, X-Email"));
    ck_assert_ptr_nonnull(strstr(w->message, "auth-signin"));
    ck_assert_ptr_null(find_warn(p, MPW_ACCESS_CLOSED, NULL));
    convert_plan_free(p);

    /* values nginx refuses deny the location (503); an empty auth-url is
     * ignored by nginx */
    p = with_opts(one("a-web", AN "auth-url: auth.example.com/check", "Prefix /app app 80"), false,
                  "oauth2");
    ck_assert_str_eq(status(route(p, "a-example-com", "a-web-0-0")), "503");
    ck_assert_uint_eq(count_kind(p, "AuthorizationPolicy"), 0);
    convert_plan_free(p);
    p = with_opts(one("a-web", AN "auth-url: https://a.example.com/c\n" AN "auth-method: FETCH",
                      "Prefix /app app 80"),
                  false, "oauth2");
    ck_assert_str_eq(status(route(p, "a-example-com", "a-web-0-0")), "503");
    convert_plan_free(p);
    p = conv_free_in(one("a-web", AN "auth-url: \"\"", "Prefix /app app 80"));
    ck_assert_ptr_nonnull(node_at(route(p, "a-example-com", "a-web-0-0"), "route", NULL));
    convert_plan_free(p);

    /* an auth-snippet that does more than set headers closes */
    p = with_opts(one("a-web",
                      AN "auth-url: https://a.example.com/c\n" AN
                         "auth-snippet: \"if ($uri ~ /admin) { return 403; }\"",
                      "Prefix /app app 80"),
                  false, "oauth2");
    ck_assert_str_eq(status(route(p, "a-example-com", "a-web-0-0")), "403");
    ck_assert_ptr_nonnull(find_warn(p, MPW_ACCESS_CLOSED, "auth-snippet"));
    convert_plan_free(p);
}
END_TEST

START_TEST(basic_auth_closes)
{
    /* the connect timeout would need a DestinationRule: not for a closed route */
    char *y = one("a-web",
                  AN "auth-type: basic\n" AN "auth-secret: basic-auth\n" AN
                     "auth-realm: Authentication Required\n" AN "proxy-connect-timeout: \"3\"",
                  "Prefix /admin admin 80");
    convert_plan *p = conv(y);
    ck_assert_str_eq(status(route(p, "a-example-com", "a-web-0-0")), "403");
    const mp_warning *w = find_warn(p, MPW_ACCESS_CLOSED, "auth-type");
    ck_assert_int_eq(w->sev, MP_SEV_ERROR);
    ck_assert_ptr_nonnull(strstr(w->message, "ext-authz"));
    ck_assert_ptr_nonnull(strstr(w->message, "EnvoyFilter"));
    ck_assert_ptr_nonnull(strstr(w->message, "Wasm"));
    ck_assert_uint_eq(count_kind(p, "DestinationRule"), 0);
    convert_plan_free(p);

    p = with_opts(y, true, NULL);
    ck_assert_ptr_nonnull(node_at(route(p, "a-example-com", "a-web-0-0"), "route", NULL));
    ck_assert_int_eq(find_warn(p, MPW_ACCESS_CLOSED, "auth-type")->sev, MP_SEV_WARNING);
    ck_assert_uint_eq(count_kind(p, "DestinationRule"), 1);
    convert_plan_free(p);

    /* nginx answers 503 for a type it does not know or a missing secret */
    p = conv_free_in(
        one("a-web", AN "auth-type: oauth\n" AN "auth-secret: s", "Prefix /admin admin 80"));
    ck_assert_str_eq(status(route(p, "a-example-com", "a-web-0-0")), "503");
    convert_plan_free(p);
    p = conv_free_in(one("a-web", AN "auth-type: digest", "Prefix /admin admin 80"));
    ck_assert_str_eq(status(route(p, "a-example-com", "a-web-0-0")), "503");
    convert_plan_free(p);
}
END_TEST

/* ---- what closing keeps ------------------------------------------------------------ */

/* A closed location keeps its place (it still shadows the catch-all), its
 * canary variants go, a redirect stays (nginx answers it before access),
 * except where nginx denies (503). */
START_TEST(closed_routes_keep_order)
{
    convert_plan *p = conv_free_in(docs(
        docs(one("a-web", AN "auth-type: basic\n" AN "auth-secret: s", "Prefix /admin admin 80"),
             one("b-root", "", "Prefix / root 80")),
        one("c-canary", AN "canary: \"true\"\n" AN "canary-by-header: X-Canary",
            "Prefix /admin admin2 80")));
    const doc_node *http = vs_routes(p, "ns-a", "a-example-com");
    ck_assert_uint_eq(http->len, 2);
    ck_assert_str_eq(at(http, "0", "name", NULL), "a-web-0-0");
    ck_assert_str_eq(status(doc_at(http, 0)), "403");
    ck_assert_str_eq(at(http, "1", "name", NULL), "b-root-0-0");
    convert_plan_free(p);

    p = conv_free_in(one("a-web",
                         AN "auth-type: basic\n" AN "auth-secret: s\n" AN
                            "permanent-redirect: https://new.example.com/",
                         "Prefix /old svc 80"));
    ck_assert_str_eq(at(route(p, "a-example-com", "a-web-0-0"), "redirect", "authority", NULL),
                     "new.example.com");
    convert_plan_free(p);
    p = conv_free_in(one("a-web",
                         AN "whitelist-source-range: nope\n" AN
                            "permanent-redirect: https://new.example.com/",
                         "Prefix /old svc 80"));
    ck_assert_str_eq(status(route(p, "a-example-com", "a-web-0-0")), "503");
    convert_plan_free(p);
}
END_TEST

/* Access directives in snippets close the location (configuration-
 * snippet) or every location of the host (server-snippet); a redirect or
 * header line does not. */
START_TEST(snippet_access_directives)
{
    convert_plan *p = conv_free_in(docs(
        one("a-web", AN "configuration-snippet: \"if ($bad) { return 403; }\"", "Prefix /x svc 80"),
        one("b-web", "", "Prefix /y svc 80")));
    ck_assert_str_eq(status(route(p, "a-example-com", "a-web-0-0")), "403");
    ck_assert_ptr_nonnull(node_at(route(p, "a-example-com", "b-web-0-0"), "route", NULL));
    ck_assert_ptr_nonnull(find_warn(p, MPW_ACCESS_CLOSED, "return 403"));
    convert_plan_free(p);

    p = conv_free_in(docs(
        one("a-web", AN "server-snippet: \"location /metrics { deny all; }\"", "Prefix /x svc 80"),
        one("b-web", "", "Prefix /y svc 80")));
    ck_assert_str_eq(status(route(p, "a-example-com", "a-web-0-0")), "403");
    ck_assert_str_eq(status(route(p, "a-example-com", "b-web-0-0")), "403");
    convert_plan_free(p);

    const char *open[] = {"return 301 https://x.example.com$request_uri;",
                          "more_set_headers \\\"X-A: 1\\\";", "rewrite ^/a /b break;"};
    for (size_t i = 0; i < sizeof open / sizeof *open; i++) {
        char ann[200];
        snprintf(ann, sizeof ann, AN "configuration-snippet: \"%s\"", open[i]);
        p = conv_free_in(one("a-web", ann, "Prefix /x svc 80"));
        ck_assert_msg(node_at(route(p, "a-example-com", "a-web-0-0"), "route", NULL) != NULL,
                      "%s closed", open[i]);
        convert_plan_free(p);
    }
}
END_TEST

/* ---- client certificates ------------------------------------------------------------ */

static const doc_node *server(const convert_plan *p, const char *port_name)
{
    const doc_node *gw = find_obj(p, "Gateway", "ns-a", "meshpanel-gateway");
    const doc_node *s = node_at(gw, "spec", "servers", NULL);
    for (size_t i = 0; s && i < s->len; i++)
        if (!strcmp(at(doc_at(s, i), "port", "name", NULL), port_name))
            return doc_at(s, i);
    return NULL;
}

START_TEST(client_certs_mutual_server)
{
    /* two hosts share the certificate; only the auth-tls one is MUTUAL */
    char *a = ing_yaml("ns-a", "a-web",
                       AN "auth-tls-secret: ns-a/ca\n" AN
                          "auth-tls-pass-certificate-to-upstream: \"true\"",
                       "a.example.com", "wild", "Prefix / svc 80", NULL);
    char *b = ing_yaml("ns-a", "b-web", "", "b.example.com", "wild", "Prefix / svc 80", NULL);
    convert_plan *p = conv_free_in(docs(a, b));
    const doc_node *m = server(p, "https-wild-mtls"), *s = server(p, "https-wild");
    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(at(m, "tls", "mode", NULL), "MUTUAL");
    ck_assert_str_eq(at(m, "tls", "credentialName", NULL), "wild");
    ck_assert_str_eq(at(m, "hosts", "0", NULL), "a.example.com");
    ck_assert_str_eq(at(s, "tls", "mode", NULL), "SIMPLE");
    ck_assert_str_eq(at(s, "hosts", "0", NULL), "b.example.com");
    /* clients cannot hand the backend certificate headers of their own */
    const doc_node *rm =
        node_at(route(p, "a-example-com", "a-web-0-0"), "headers", "request", "remove", NULL);
    ck_assert_uint_eq(rm->len, 4);
    ck_assert_str_eq(at(rm, "0", NULL), "ssl-client-cert");
    ck_assert_ptr_null(node_at(route(p, "b-example-com", "b-web-0-0"), "headers", NULL));
    const mp_warning *w = find_warn(p, MPW_CLIENT_CERT, NULL);
    ck_assert_ptr_nonnull(strstr(w->message, "istio-system/wild-cacert"));
    ck_assert_ptr_nonnull(strstr(w->message, "ns-a/ca"));
    convert_plan_free(p);
}
END_TEST

START_TEST(client_certs_closed_where_not_expressible)
{
    struct {
        const char *ann;
        const char *tls;
        const char *needle;
    } c[] = {
        {AN "auth-tls-secret: ca", NULL, "no certificate"},
        {AN "auth-tls-secret: ca\n" AN "auth-tls-verify-client: optional", "t", "optional"},
        {AN "auth-tls-secret: ca\n" AN "auth-tls-verify-client: optional_no_ca", "t", "optional"},
        {AN "auth-tls-secret: ca\n" AN "auth-tls-match-cn: CN=client", "t", "match-cn"},
        {AN "auth-tls-secret: other/ca", "t", "another namespace"},
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        convert_plan *p =
            conv_free_in(docs(ing_yaml("ns-a", "a-web", c[i].ann, "a.example.com", c[i].tls,
                                       "Prefix /x svc 80", NULL),
                              /* another Ingress's location on the host: server level, closed too */
                              one("b-web", "", "Prefix /y svc 80")));
        ck_assert_str_eq(status(route(p, "a-example-com", "a-web-0-0")), "403");
        ck_assert_str_eq(status(route(p, "a-example-com", "b-web-0-0")), "403");
        ck_assert_msg(find_warn(p, MPW_ACCESS_CLOSED, c[i].needle) != NULL, "%zu: %s", i,
                      c[i].needle);
        ck_assert_ptr_null(find_warn(p, MPW_CLIENT_CERT, NULL));
        convert_plan_free(p);
    }
    /* verify-client off: no restriction at all */
    convert_plan *p = conv_free_in(
        ing_yaml("ns-a", "a-web", AN "auth-tls-secret: ca\n" AN "auth-tls-verify-client: \"off\"",
                 "a.example.com", "t", "Prefix /x svc 80", NULL));
    ck_assert_ptr_nonnull(node_at(route(p, "a-example-com", "a-web-0-0"), "route", NULL));
    ck_assert_str_eq(at(server(p, "https-t"), "tls", "mode", NULL), "SIMPLE");
    convert_plan_free(p);

    /* shared Gateway: its servers are not the conversion's */
    convert_opts o;
    convert_opts_default(&o);
    o.mode = GW_MODE_SHARED;
    char *y = ing_yaml("ns-a", "a-web", AN "auth-tls-secret: ca", "a.example.com", "t",
                       "Prefix /x svc 80", NULL);
    p = conv_opts(y, &o);
    free(y);
    ck_assert_str_eq(status(route(p, "a-example-com", "a-web-0-0")), "403");
    ck_assert_ptr_nonnull(find_warn(p, MPW_ACCESS_CLOSED, "shared Gateway"));
    convert_plan_free(p);
}
END_TEST

/* Two CAs cannot share one certificate's -cacert secret: the second host
 * closes. */
START_TEST(client_certs_one_ca_per_certificate)
{
    char *a = ing_yaml("ns-a", "a-web", AN "auth-tls-secret: ca1", "a.example.com", "wild",
                       "Prefix / svc 80", NULL);
    char *b = ing_yaml("ns-a", "b-web", AN "auth-tls-secret: ca2", "b.example.com", "wild",
                       "Prefix / svc 80", NULL);
    convert_plan *p = conv_free_in(docs(a, b));
    ck_assert_ptr_nonnull(node_at(route(p, "a-example-com", "a-web-0-0"), "route", NULL));
    ck_assert_str_eq(status(route(p, "b-example-com", "b-web-0-0")), "403");
    ck_assert_ptr_nonnull(find_warn(p, MPW_ACCESS_CLOSED, "one CA per certificate"));
    convert_plan_free(p);
}
END_TEST

/* ---- other controllers, satisfy ---------------------------------------------------------- */

START_TEST(higress_duplicates_are_one_info)
{
    convert_plan *p =
        conv_free_in(one("a-web",
                         AN "configuration-snippet: |\n"
                            "  more_clear_headers \"X-Frame-Options:\";\n"
                            "  more_set_headers \"X-Xss-Protection: 1; mode=block\";\n"
                            "  proxy_set_header Authorization \"\";\n"
                            "higress.io/response-header-control-remove: X-Frame-Options\n"
                            "higress.io/response-header-control-update: |\n"
                            "  X-Xss-Protection \"1; mode=block\"\n"
                            "higress.io/request-header-control-update: |\n"
                            "  Authorization \"\"\n"
                            "higress.io/response-header-control-add: |\n"
                            "  X-Other yes",
                         "Prefix / svc 80"));
    size_t info = 0;
    for (size_t i = 0; i < convert_plan_nwarn(p); i++)
        info += !strcmp(convert_plan_warn(p, i)->code, MPW_OTHER_CONTROLLER);
    ck_assert_uint_eq(info, 1);
    const mp_warning *w = find_warn(p, MPW_OTHER_CONTROLLER, NULL);
    ck_assert_int_eq(w->sev, MP_SEV_INFO);
    ck_assert_ptr_nonnull(strstr(w->message, "higress.io/response-header-control-remove"));
    ck_assert_ptr_nonnull(strstr(w->message, "higress.io/request-header-control-update"));
    /* a header nginx does not set stays a warning of its own */
    ck_assert_ptr_null(strstr(w->message, "control-add"));
    ck_assert_ptr_nonnull(find_warn(p, MPW_ANN_UNSUPPORTED, "response-header-control-add"));
    convert_plan_free(p);
}
END_TEST

START_TEST(satisfy_any_is_stricter)
{
    convert_plan *p = with_opts(one("a-web",
                                    AN "whitelist-source-range: 10.0.0.0/8\n" AN
                                       "auth-url: https://a.example.com/c\n" AN "satisfy: any",
                                    "Prefix /x svc 80"),
                                false, "authz");
    ck_assert_uint_eq(count_kind(p, "AuthorizationPolicy"), 2);
    ck_assert_ptr_nonnull(find_warn(p, MPW_ANN_APPROX, "satisfy"));
    convert_plan_free(p);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("convert_access");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, ip_list_scoped_to_the_location);
    tcase_add_test(tc, ip_list_alias_and_empty_values);
    tcase_add_test(tc, ip_list_invalid_entry_answers_503);
    tcase_add_test(tc, ip_list_on_regex_host);
    tcase_add_test(tc, auth_url_without_provider_closes);
    tcase_add_test(tc, auth_url_with_provider_is_custom);
    tcase_add_test(tc, basic_auth_closes);
    tcase_add_test(tc, closed_routes_keep_order);
    tcase_add_test(tc, snippet_access_directives);
    tcase_add_test(tc, client_certs_mutual_server);
    tcase_add_test(tc, client_certs_closed_where_not_expressible);
    tcase_add_test(tc, client_certs_one_ca_per_certificate);
    tcase_add_test(tc, higress_duplicates_are_one_info);
    tcase_add_test(tc, satisfy_any_is_stricter);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
