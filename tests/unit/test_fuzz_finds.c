/* test_fuzz_finds.c - what the fuzz targets found (tests/fuzz/FINDINGS.md),
 * each as a named case next to its reproducer in tests/fuzz/corpus: every
 * assertion here failed before its fix. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "api/exec_cred.h"
#include "api/http.h"
#include "model/emit.h"
#include "model/sanitize.h"
#include "model/validate.h"
#include "tui/filter.h"
#include "tests/unit/convert_helpers.h"

static const char *const ING_HEAD = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n"
                                    "  name: web\n  namespace: ns-a\n  annotations:\n"
                                    "    kubernetes.io/ingress.class: nginx\n";

static char *ing(const char *ann, const char *path, const char *tls)
{
    strbuf sb;
    strbuf_init(&sb);
    strbuf_printf(&sb,
                  "%s%sspec:\n%s  rules:\n  - host: a.example.com\n    http:\n      paths:\n"
                  "      - path: \"%s\"\n        pathType: Exact\n        backend:\n"
                  "          service: {name: web, port: {number: 80}}\n",
                  ING_HEAD, ann, tls, path);
    return strbuf_detach(&sb, NULL);
}

START_TEST(leading_zero_decimals_are_not_integers)
{
    /* go-yaml: 0777 is octal, 089 is a float; JSON got the string "089" */
    ck_assert_int_eq(doc_resolve_plain("0777", 4), DOC_INT);
    ck_assert_int_eq(doc_resolve_plain("089", 3), DOC_FLOAT);
    ck_assert_int_eq(doc_resolve_plain("00000200376420520689664", 23), DOC_FLOAT);
    /* go-yaml drops underscores first: 0_7 is octal 7, 0__8 is 08, a float
     * (an integer here, then a string in JSON: fuzz_yaml, crash-8b8f356a) */
    ck_assert_int_eq(doc_resolve_plain("0_7", 3), DOC_INT);
    ck_assert_int_eq(doc_resolve_plain("0__8", 4), DOC_FLOAT);
    ck_assert_int_eq(doc_resolve_plain("0_", 2), DOC_INT);
    doc_list l;
    doc_list_init(&l);
    mp_err err;
    ck_assert_int_eq(doc_parse_yaml("{a: 089, b: 0777, c: 0__8, d: 0_7}", 34, "t", &l, &err), 0);
    size_t n;
    char *js = doc_emit_json(l.docs[0], false, &n, &err);
    ck_assert_str_eq(js, "{\"a\":89,\"b\":511,\"c\":8,\"d\":7}");
    free(js);
    doc_list_free(&l);
}
END_TEST

START_TEST(a_path_istiod_refuses_is_not_converted)
{
    convert_plan *p = conv_free_in(ing("", "/order /orders", ""));
    const mp_warning *w = find_warn(p, "MP204", "paths[0].path");
    ck_assert_ptr_nonnull(w);
    ck_assert_msg(strstr(w->message, "has a space"), "%s", w->message);
    ck_assert_int_eq(w->sev, MP_SEV_ERROR);
    convert_plan_free(p);
}
END_TEST

START_TEST(a_secret_name_no_secret_can_have_gives_no_https_server)
{
    convert_plan *p = conv_free_in(
        ing("", "/", "  tls:\n  - hosts: [a.example.com]\n    secretName: Wildcard-Cert\n"));
    const mp_warning *w = find_warn(p, "MP301", "\"Wildcard-Cert\" is not a valid Secret name");
    ck_assert_ptr_nonnull(w);
    const doc_node *gw = find_obj(p, "Gateway", "ns-a", NULL);
    ck_assert_ptr_nonnull(gw);
    const doc_node *servers = doc_getv(gw, "spec", "servers", NULL);
    for (size_t i = 0; i < servers->len; i++)
        ck_assert_ptr_null(doc_getv(doc_at(servers, i), "tls", "credentialName", NULL));
    convert_plan_free(p);
}
END_TEST

START_TEST(long_secret_names_are_valid)
{
    /* an RFC 1123 subdomain has no 63-character limit per label */
    char name[100], why[200];
    memset(name, 'a', 87);
    name[87] = 0;
    ck_assert_msg(val_secret_name(name, why, sizeof why), "%s", why);
    memset(name, 'a', 99);
    name[99] = 0;
    name[40] = '.';
    ck_assert_msg(val_secret_name(name, why, sizeof why), "%s", why);
}
END_TEST

START_TEST(cors_origins_nginx_skips_are_not_allowed)
{
    convert_plan *p = conv_free_in(ing("    nginx.ingress.kubernetes.io/enable-cors: \"true\"\n"
                                       "    nginx.ingress.kubernetes.io/cors-allow-origin: "
                                       "https://c)loud.sealos.io,https://*.cloud.sealos.io\n",
                                       "/", ""));
    ck_assert_ptr_nonnull(find_warn(p, "MP104", "https://c)loud.sealos.io"));
    const doc_node *http = vs_routes(p, "ns-a", "a-example-com");
    const doc_node *origins = doc_getv(doc_at(http, 0), "corsPolicy", "allowOrigins", NULL);
    ck_assert_uint_eq(origins->len, 1);
    ck_assert_ptr_nonnull(doc_get_str(doc_at(origins, 0), "regex"));
    convert_plan_free(p);
}
END_TEST

START_TEST(origins_are_compared_without_case)
{
    convert_plan *p = conv_free_in(
        ing("    nginx.ingress.kubernetes.io/enable-cors: \"true\"\n"
            "    nginx.ingress.kubernetes.io/cors-allow-origin: https://Cloud.Sealos.io\n",
            "/", ""));
    const doc_node *http = vs_routes(p, "ns-a", "a-example-com");
    const doc_node *origins = doc_getv(doc_at(http, 0), "corsPolicy", "allowOrigins", NULL);
    ck_assert_str_eq(doc_get_str(doc_at(origins, 0), "exact"), "https://cloud.sealos.io");
    convert_plan_free(p);
}
END_TEST

START_TEST(stacked_repetitions_in_a_filter_regex_are_refused)
{
    /* glibc's regcomp used 2.5 GB on "re:T...T+++..." */
    row_filter f;
    filter_init(&f);
    mp_err err;
    char expr[300] = "re:TTTT";
    memset(expr + 7, '+', 250);
    expr[257] = 0;
    ck_assert_int_eq(filter_set(&f, expr, &err), -1);
    ck_assert_msg(strstr(err.msg, "a repetition of a repetition"), "%s", err.msg);
    ck_assert_int_eq(filter_set(&f, "re:a*{2}", &err), -1);
    /* one repetition each, escaped or bracketed ones are fine */
    ck_assert_int_eq(filter_set(&f, "re:ab+c*d?e{2}", &err), 0);
    ck_assert_int_eq(filter_set(&f, "re:a\\++[+*]+x", &err), 0);
    filter_clear(&f);
}
END_TEST

START_TEST(exec_plugin_text_in_errors_is_one_line)
{
    doc_list l;
    doc_list_init(&l);
    mp_err err;
    const char *y = "{apiVersion: client.authentication.k8s.io/v1, command: /bin/true}";
    ck_assert_int_eq(doc_parse_yaml(y, strlen(y), "exec", &l, &err), 0);
    exec_cred *ec = exec_cred_from_doc(l.docs[0], "/", "user \"u\"", &err);
    ck_assert_ptr_nonnull(ec);
    const char *out = "{\"apiVersion\":\"client.a\\n\\u001b[2Jx\",\"kind\":\"ExecCredential\","
                      "\"status\":{\"token\":\"t\"}}";
    exec_result r;
    ck_assert_int_eq(exec_cred_parse_output(ec, out, strlen(out), &r, &err), -1);
    ck_assert_str_eq(err.msg,
                     "user \"u\": exec plugin answered apiVersion \"client.a\\x0a\\x1b[2Jx\", "
                     "kubeconfig asked for client.authentication.k8s.io/v1");
    exec_cred_free(ec);
    doc_list_free(&l);
}
END_TEST

START_TEST(server_text_is_cut_between_characters)
{
    kube_conn *kc = calloc(1, sizeof *kc);
    kc->server = strdup("https://127.0.0.1:1");
    kc->context = strdup("t");
    kc->source = strdup("t");
    kc->ns = strdup("default");
    mp_err err;
    khttp *h = khttp_new(kc, &(khttp_opts){.max_attempts = 1}, &err);
    ck_assert_ptr_nonnull(h);
    /* 2-byte characters from an odd offset: the 300-byte cut fell inside one */
    strbuf body;
    strbuf_init(&body);
    strbuf_puts(&body, "x");
    for (int i = 0; i < 700; i++)
        strbuf_puts(&body, "\xc3\xa9");
    const kreq rq = {
        .method = "GET", .path = "/api/v1/namespaces", .verb = "list", .resource = "namespaces"};
    ck_assert_int_eq(khttp_fail(h, &rq, 500, body.buf, body.len, NULL, &err), -1);
    ck_assert_msg(san_is_clean(err.msg, strlen(err.msg), 0), "%s", err.msg);
    ck_assert_msg(strstr(err.msg, "\xc3\xa9..."), "%s", err.msg);
    strbuf_free(&body);
    khttp_free(h);
    kube_conn_free(kc);
}
END_TEST

/* A rule without a host after one with a host, in an Ingress with tls: the
 * check for hosts no tls entry covers compared the missing host with strcmp
 * (SIGSEGV; kubectl apply accepts the Ingress). */
START_TEST(a_rule_without_host_after_a_host_with_tls_converts)
{
    const char *y = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n"
                    "  name: web\n  namespace: ns-a\nspec:\n  ingressClassName: nginx\n"
                    "  tls:\n  - hosts: [b.example.com]\n    secretName: b-cert\n  rules:\n"
                    "  - host: a.example.com\n    http:\n      paths:\n      - path: /\n"
                    "        pathType: Prefix\n        backend:\n"
                    "          service: {name: web, port: {number: 80}}\n"
                    "  - http:\n      paths:\n      - path: /x\n        pathType: Prefix\n"
                    "        backend:\n          service: {name: web, port: {number: 80}}\n";
    convert_plan *p = conv_free_in(strdup(y));
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(find_warn(p, "MP301", "host a.example.com: no tls entry lists it"));
    convert_plan_free(p);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fuzz_finds");
    TCase *tc = tcase_create("finds");
    tcase_add_test(tc, leading_zero_decimals_are_not_integers);
    tcase_add_test(tc, a_path_istiod_refuses_is_not_converted);
    tcase_add_test(tc, a_secret_name_no_secret_can_have_gives_no_https_server);
    tcase_add_test(tc, long_secret_names_are_valid);
    tcase_add_test(tc, cors_origins_nginx_skips_are_not_allowed);
    tcase_add_test(tc, origins_are_compared_without_case);
    tcase_add_test(tc, stacked_repetitions_in_a_filter_regex_are_refused);
    tcase_add_test(tc, exec_plugin_text_in_errors_is_one_line);
    tcase_add_test(tc, server_text_is_cut_between_characters);
    tcase_add_test(tc, a_rule_without_host_after_a_host_with_tls_converts);
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
