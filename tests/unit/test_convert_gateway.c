/* test_convert_gateway.c - docs/conversion.md §6: a host whose every route
 * was dropped gets no VirtualService and no Gateway server (MP210); the
 * certificate warnings name the Ingress the certificate came from. */
#include "convert_helpers.h"

/* true when any server of the tenant Gateway ns/meshpanel-gateway lists host. */
static bool gw_serves(const convert_plan *p, const char *ns, const char *host)
{
    const doc_node *servers =
        node_at(find_obj(p, "Gateway", ns, "meshpanel-gateway"), "spec", "servers", NULL);
    for (size_t i = 0; servers && i < servers->len; i++) {
        const doc_node *hosts = doc_get(doc_at(servers, i), "hosts");
        for (size_t h = 0; hosts && h < hosts->len; h++)
            if (!strcmp(doc_str(doc_at(hosts, h)), host))
                return true;
    }
    return false;
}

static size_t count_warn(const convert_plan *p, const char *code, const char *needle)
{
    size_t n = 0;
    for (size_t i = 0; i < convert_plan_nwarn(p); i++) {
        const mp_warning *w = convert_plan_warn(p, i);
        n += !strcmp(w->code, code) && (!needle || strstr(w->message, needle));
    }
    return n;
}

/* A regex host where no path is RE2 next to a host that converts. */
START_TEST(all_regex_invalid_host_left_out)
{
    char *a = ing_yaml("ns-a", "a", AN "use-regex: \"true\"", "bad.example.com", "cert-bad",
                       "Prefix /(?!admin) x 80", "Prefix /a(?>b) y 80", "Exact /(open z 80", NULL);
    char *b = ing_yaml("ns-a", "b", "", "good.example.com", "cert-good", "Prefix / g 80", NULL);
    char yaml[8192];
    snprintf(yaml, sizeof yaml, "%s---\n%s", a, b);
    free(a), free(b);
    convert_plan *p = conv(yaml);
    ck_assert_uint_eq(count_warn(p, "MP204", "bad.example.com"), 3);
    ck_assert_ptr_null(find_obj(p, "VirtualService", "ns-a", "bad-example-com"));
    ck_assert_uint_eq(count_kind(p, "VirtualService"), 1);
    ck_assert_uint_eq(vs_routes(p, "ns-a", "good-example-com")->len, 1);
    /* the Gateway keeps the good host only: no server, no certificate for the bad one */
    ck_assert(gw_serves(p, "ns-a", "good.example.com"));
    ck_assert(!gw_serves(p, "ns-a", "bad.example.com"));
    const doc_node *servers =
        node_at(find_obj(p, "Gateway", "ns-a", "meshpanel-gateway"), "spec", "servers", NULL);
    ck_assert_uint_eq(servers->len, 2);
    ck_assert_str_eq(at(servers, "0", "port", "name", NULL), "http-redirect");
    ck_assert_str_eq(at(servers, "1", "port", "name", NULL), "https-cert-good");
    ck_assert_uint_eq(count_warn(p, "MP302", "cert-bad"), 0);
    const mp_warning *w = find_warn(p, "MP210", "bad.example.com");
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(w->sev, MP_SEV_ERROR);
    ck_assert_str_eq(w->object, "ingress ns-a/a");
    ck_assert_ptr_nonnull(strstr(w->message, "left out of the Gateway"));
    ck_assert_uint_eq(count_warn(p, "MP210", NULL), 1);
    convert_plan_free(p);
}
END_TEST

/* Every backend dropped (a resource backend, an FCGI backend): the tenant
 * has nothing left, so no Gateway at all. */
START_TEST(all_backends_dropped_host_left_out)
{
    const char *res =
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: r, namespace: ns-b}\n"
        "spec:\n  ingressClassName: nginx\n  tls:\n  - {hosts: [r.example.com], secretName: c}\n"
        "  rules:\n  - host: r.example.com\n    http:\n      paths:\n"
        "      - {path: /static, pathType: Prefix, backend: {resource: {apiGroup: k8s.example.com,"
        " kind: StorageBucket, name: b}}}\n";
    char *fcgi = ing_yaml("ns-b", "f", AN "backend-protocol: FCGI", "f.example.com", NULL,
                          "Prefix / php 9000", NULL);
    char yaml[8192];
    snprintf(yaml, sizeof yaml, "%s---\n%s", res, fcgi);
    free(fcgi);
    convert_plan *p = conv(yaml);
    ck_assert_ptr_nonnull(find_warn(p, "MP202", "StorageBucket"));
    ck_assert_uint_eq(convert_plan_len(p), 0);
    const mp_warning *w = find_warn(p, "MP210", "r.example.com");
    ck_assert_ptr_nonnull(w);
    ck_assert_str_eq(w->object, "ingress ns-b/r");
    w = find_warn(p, "MP210", "f.example.com");
    ck_assert_ptr_nonnull(w);
    ck_assert_str_eq(w->object, "ingress ns-b/f");
    convert_plan_free(p);
}
END_TEST

/* app-root still answers "/" with its redirect: the host keeps its
 * VirtualService and its Gateway server. */
START_TEST(app_root_keeps_host)
{
    convert_plan *p =
        conv_free_in(ing_yaml("ns-c", "a", AN "use-regex: \"true\"\n" AN "app-root: /home",
                              "root.example.com", NULL, "Prefix /(?=x) x 80", NULL));
    ck_assert_ptr_nonnull(find_warn(p, "MP204", NULL));
    ck_assert_ptr_null(find_warn(p, "MP210", NULL));
    const doc_node *http = vs_routes(p, "ns-c", "root-example-com");
    ck_assert_uint_eq(http->len, 1);
    ck_assert_str_eq(at(http, "0", "name", NULL), "a-app-root");
    ck_assert(gw_serves(p, "ns-c", "root.example.com"));
    convert_plan_free(p);
}
END_TEST

/* Shared mode: a dropped platform host gets no note about the shared
 * Gateway's certificate either. */
START_TEST(shared_mode_dropped_host_no_note)
{
    char *a = ing_yaml("ns-d", "a", AN "use-regex: \"true\"", "x.cloud.example.io", "wild",
                       "Prefix /(?<!a)b x 80", NULL);
    char *b = ing_yaml("ns-d", "b", "", "y.cloud.example.io", "wild", "Prefix / y 80", NULL);
    char yaml[8192];
    snprintf(yaml, sizeof yaml, "%s---\n%s", a, b);
    free(a), free(b);
    convert_opts o;
    convert_opts_default(&o);
    o.mode = GW_MODE_SHARED;
    convert_plan *p = conv_opts(yaml, &o);
    ck_assert_uint_eq(count_kind(p, "Gateway"), 0);
    ck_assert_uint_eq(count_kind(p, "VirtualService"), 1);
    ck_assert_ptr_nonnull(find_warn(p, "MP210", "x.cloud.example.io"));
    ck_assert_uint_eq(count_warn(p, "MP303", "x.cloud.example.io"), 0);
    ck_assert_uint_eq(count_warn(p, "MP303", "y.cloud.example.io"), 1);
    convert_plan_free(p);
}
END_TEST

/* §6: MP302 (and MP303's unused secret) name the Ingress whose spec.tls
 * gave the host its certificate, not the first Ingress of the host (here
 * a-admin, first by name, has no tls at all). */
static const char *tls_split_yaml(void)
{
    static char yaml[8192];
    char *a =
        ing_yaml("ns-e", "a-admin", "", "portal.example.cn", NULL, "Prefix /admin adm 80", NULL);
    char *b =
        ing_yaml("ns-e", "z-root", "", "portal.example.cn", "portal-tls", "Prefix / web 80", NULL);
    snprintf(yaml, sizeof yaml, "%s---\n%s", a, b);
    free(a), free(b);
    return yaml;
}

START_TEST(secret_warnings_name_the_tls_ingress)
{
    convert_plan *p = conv(tls_split_yaml());
    const mp_warning *w = find_warn(p, "MP302", "portal-tls");
    ck_assert_ptr_nonnull(w);
    ck_assert_str_eq(w->object, "ingress ns-e/z-root");
    ck_assert_uint_eq(count_warn(p, "MP302", NULL), 1);
    convert_plan_free(p);

    convert_opts o;
    convert_opts_default(&o);
    o.mode = GW_MODE_SHARED;
    p = conv_opts(tls_split_yaml(), &o);
    w = find_warn(p, "MP303", "portal-tls");
    ck_assert_ptr_nonnull(w);
    ck_assert_str_eq(w->object, "ingress ns-e/z-root");
    convert_plan_free(p);
}
END_TEST

/* §7: the Gateway's httpsRedirect answers 301 where nginx answers 308: one
 * info per redirected host (two Ingresses of the host: still one), none for
 * hosts served plain or by the shared Gateway. */
START_TEST(redirect_301_noted_once_per_host)
{
    char *a = ing_yaml("ns-f", "a", "", "tls.example.com", "cert", "Prefix / a 80", NULL);
    char *b = ing_yaml("ns-f", "b", "", "tls.example.com", "cert", "Prefix /api b 80", NULL);
    char *c = ing_yaml("ns-f", "c", AN "ssl-redirect: \"false\"", "opt.example.com", "cert",
                       "Prefix / c 80", NULL);
    char *d = ing_yaml("ns-f", "d", "", "plain.example.com", NULL, "Prefix / d 80", NULL);
    char yaml[16384];
    snprintf(yaml, sizeof yaml, "%s---\n%s---\n%s---\n%s", a, b, c, d);
    free(a), free(b), free(c), free(d);
    convert_plan *p = conv(yaml);
    ck_assert_uint_eq(count_warn(p, "MP306", NULL), 1);
    const mp_warning *w = find_warn(p, "MP306", "tls.example.com");
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(w->sev, MP_SEV_INFO);
    ck_assert_str_eq(w->object, "ingress ns-f/a");
    ck_assert_ptr_nonnull(strstr(w->message, "301"));
    ck_assert_ptr_nonnull(strstr(w->message, "308"));
    convert_plan_free(p);

    /* the shared Gateway's redirect is not ours to describe (MP303 says whose it is) */
    convert_opts o;
    convert_opts_default(&o);
    o.mode = GW_MODE_SHARED;
    p = conv_opts(yaml, &o);
    ck_assert_uint_eq(count_warn(p, "MP306", NULL), 0);
    convert_plan_free(p);
}
END_TEST

/* §6 MP304: a host listed with two secrets keeps the first; the warning
 * names where the kept one comes from (same Ingress, or the older one). */
START_TEST(second_secret_names_the_first)
{
    char *a = ing_yaml("ns-g", "a", "", "two.example.com", "cert-one", "Prefix / a 80", NULL);
    strbuf sb;
    strbuf_init(&sb);
    strbuf_printf(&sb, "%s  - hosts: [two.example.com]\n    secretName: cert-two\n", a);
    free(a);
    convert_plan *p = conv(sb.buf);
    const mp_warning *w = find_warn(p, "MP304", "cert-two");
    ck_assert_ptr_nonnull(w);
    ck_assert_str_eq(w->field, "spec.tls[1].secretName");
    ck_assert_ptr_null(strstr(w->message, "older"));
    ck_assert_msg(strstr(w->message, "spec.tls[0] of the same Ingress"), "%s", w->message);
    convert_plan_free(p);
    strbuf_free(&sb);

    a = ing_yaml("ns-g", "a", "", "two.example.com", "cert-one", "Prefix / a 80", NULL);
    char *b = ing_yaml("ns-g", "b", "", "two.example.com", "cert-two", "Prefix /b b 80", NULL);
    char yaml[8192];
    snprintf(yaml, sizeof yaml, "%s---\n%s", a, b);
    free(a), free(b);
    p = conv(yaml);
    w = find_warn(p, "MP304", "cert-two");
    ck_assert_ptr_nonnull(w);
    ck_assert_str_eq(w->object, "ingress ns-g/b");
    ck_assert_msg(strstr(w->message, "ingress ns-g/a"), "%s", w->message);
    convert_plan_free(p);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("convert_gateway");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, all_regex_invalid_host_left_out);
    tcase_add_test(tc, all_backends_dropped_host_left_out);
    tcase_add_test(tc, secret_warnings_name_the_tls_ingress);
    tcase_add_test(tc, redirect_301_noted_once_per_host);
    tcase_add_test(tc, second_secret_names_the_first);
    tcase_add_test(tc, app_root_keeps_host);
    tcase_add_test(tc, shared_mode_dropped_host_no_note);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
