/*
 * test_kname.c - names as the API server checks them (issue 12, item 2): the
 * rule of each kind, lengths, the API server's wording, escaped values, and
 * every reader refusing an invalid object with its file and line.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "api/resources.h"
#include "model/ingress.h"
#include "model/kname.h"
#include "model/kobj.h"
#include "model/parse.h"

#define ck_assert_has(hay, needle)                                                                 \
    ck_assert_msg(strstr((hay), (needle)) != NULL, "\"%s\" does not contain \"%s\"", (hay),        \
                  (needle))

static const char *check(kname_rule rule, const char *v, mp_err *e)
{
    memset(e, 0, sizeof *e);
    ck_assert_msg(kname_check(rule, "metadata.name", v, e) == -1, "accepted \"%s\"", v);
    return e->msg;
}

static void ok(kname_rule rule, const char *v)
{
    mp_err e;
    ck_assert_msg(kname_check(rule, "metadata.name", v, &e) == 0, "refused \"%s\": %s", v, e.msg);
}

START_TEST(rules_per_kind)
{
    ck_assert_int_eq(kname_rule_for("Ingress"), KNAME_SUBDOMAIN);
    ck_assert_int_eq(kname_rule_for("VirtualService"), KNAME_SUBDOMAIN);
    ck_assert_int_eq(kname_rule_for("Secret"), KNAME_SUBDOMAIN);
    ck_assert_int_eq(kname_rule_for("SomeCustomKind"), KNAME_SUBDOMAIN);
    ck_assert_int_eq(kname_rule_for(NULL), KNAME_SUBDOMAIN);
    ck_assert_int_eq(kname_rule_for("Namespace"), KNAME_LABEL);
    ck_assert_int_eq(kname_rule_for("Service"), KNAME_DNS1035);
    ck_assert_int_eq(kname_rule_for("ClusterRoleBinding"), KNAME_PATH);
}
END_TEST

START_TEST(subdomains)
{
    mp_err e;
    ok(KNAME_SUBDOMAIN, "web");
    ok(KNAME_SUBDOMAIN, "0web-1.example.com");
    ok(KNAME_SUBDOMAIN, "a");
    char max[254];
    memset(max, 'a', 253);
    max[253] = 0;
    for (int i = 63; i < 253; i += 64)
        max[i] = '.';
    ok(KNAME_SUBDOMAIN, max);
    ck_assert_str_eq(
        check(KNAME_SUBDOMAIN, "../../etc/passwd", &e),
        "metadata.name: Invalid value: \"../../etc/passwd\": a lowercase RFC 1123 subdomain must "
        "consist of lower case alphanumeric characters, '-' or '.', and must start and end with an "
        "alphanumeric character (e.g. 'example.com', regex used for validation is "
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
    const char *bad[] = {"Web", "web-", "-web", "a..b", ".a", "a.", "a_b", "a b", "", "é"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        ck_assert_has(check(KNAME_SUBDOMAIN, bad[i], &e), "RFC 1123 subdomain");
    char big[300];
    memset(big, 'a', 254);
    big[254] = 0;
    ck_assert_has(check(KNAME_SUBDOMAIN, big, &e), ": must be no more than 253 characters");
}
END_TEST

START_TEST(labels_and_dns1035)
{
    mp_err e;
    ok(KNAME_LABEL, "ns-alice");
    ok(KNAME_LABEL, "123-abc");
    ck_assert_has(check(KNAME_LABEL, "a.b", &e), "a lowercase RFC 1123 label must consist of");
    char l64[65];
    memset(l64, 'a', 64);
    l64[64] = 0;
    ck_assert_has(check(KNAME_LABEL, l64, &e), "must be no more than 63 characters");
    ok(KNAME_DNS1035, "web-1");
    ck_assert_has(check(KNAME_DNS1035, "1web", &e),
                  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
                  "start with an alphabetic character");
}
END_TEST

START_TEST(path_segments)
{
    mp_err e;
    ok(KNAME_PATH, "system:controller:Foo_bar");
    ck_assert_has(check(KNAME_PATH, "..", &e), "may not be '..'");
    ck_assert_has(check(KNAME_PATH, ".", &e), "may not be '.'");
    ck_assert_has(check(KNAME_PATH, "a/b", &e), "may not contain '/'");
    ck_assert_has(check(KNAME_PATH, "a%2F", &e), "may not contain '%'");
}
END_TEST

START_TEST(values_are_escaped_and_cut)
{
    mp_err e;
    /* OSC 0 title, a bidi override, a quote and invalid UTF-8 never reach a terminal raw */
    ck_assert_has(check(KNAME_SUBDOMAIN, "x\x1b]0;pwned\a\xe2\x80\xae\"\xff", &e),
                  "Invalid value: \"x\\x1b]0;pwned\\x07\\u202e\\\"\\xff\":");
    char big[2000];
    memset(big, 'A', sizeof big - 1);
    big[sizeof big - 1] = 0;
    const char *m = check(KNAME_SUBDOMAIN, big, &e);
    ck_assert_has(m, "AAAA...\": must be no more than 253 characters");
    ck_assert_uint_lt(strlen(m), 300);
}
END_TEST

/* ---- every reader ---------------------------------------------------------------------------- */

static int flatten(const char *src, const char *name, mp_err *e)
{
    doc_list l, objs;
    doc_list_init(&l);
    doc_list_init(&objs);
    ck_assert_msg(doc_parse_auto(src, strlen(src), name, &l, e) == 0, "%s", e->msg);
    int rc = kobj_flatten(&l, &objs, name, e);
    doc_list_free(&l);
    doc_list_free(&objs);
    return rc;
}

START_TEST(files_refuse_invalid_names_with_file_and_line)
{
    mp_err e;
    ck_assert_int_eq(flatten("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n"
                             "  namespace: ns-a\n  name: ../../etc/passwd\nspec: {}\n",
                             "in.yaml", &e),
                     -1);
    ck_assert_has(e.msg, "in.yaml:5: doc 1: Ingress: metadata.name: Invalid value: "
                         "\"../../etc/passwd\": a lowercase RFC 1123 subdomain");
    ck_assert_int_eq(flatten("{\"apiVersion\": \"v1\", \"kind\": \"Service\",\n \"metadata\": "
                             "{\"name\": \"web\",\n  \"namespace\": \"NS\"}}",
                             "in.json", &e),
                     -1);
    ck_assert_has(e.msg, "in.json:3: doc 1: Service: metadata.namespace: Invalid value: \"NS\": a "
                         "lowercase RFC 1123 label");
    ck_assert_int_eq(
        flatten("apiVersion: v1\nkind: Service\nmetadata: {name: 1web}\n", "s.yaml", &e), -1);
    ck_assert_has(e.msg, "s.yaml:3: doc 1: Service: metadata.name: Invalid value: \"1web\": a "
                         "DNS-1035 label");
    ck_assert_int_eq(flatten("kind: List\napiVersion: v1\nitems:\n- apiVersion: v1\n  kind: "
                             "Namespace\n  metadata: {name: ns.a}\n",
                             "l.yaml", &e),
                     -1);
    ck_assert_has(e.msg, "l.yaml:6: doc 1: items[0]: Namespace: metadata.name: Invalid value");
    /* a valid file still loads */
    ck_assert_int_eq(flatten("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
                             "metadata: {name: \"system:meshpanel\"}\n",
                             "r.yaml", &e),
                     0);
}
END_TEST

START_TEST(decoders_refuse_invalid_names_from_anywhere)
{
    /* objects that never went through kobj_flatten (the editor, the store) */
    doc_list l;
    doc_list_init(&l);
    mp_err e;
    const char *src = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: "
                      "\"web\\e[2J\"}\nspec: {rules: [{host: a.example.com}]}\n";
    ck_assert_int_eq(doc_parse_yaml(src, strlen(src), "e", &l, &e), 0);
    ing_view v;
    int line = 0;
    ck_assert_int_eq(ingress_decode_at(l.docs[0], "ns-a", &v, &e, &line), -1);
    ck_assert_has(e.msg, "metadata.name: Invalid value: \"web\\x1b[2J\"");
    ck_assert_int_eq(line, 3);
    doc_list_free(&l);
    /* the namespace it lands in (-n, the context) is checked too */
    src = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n";
    ck_assert_int_eq(doc_parse_yaml(src, strlen(src), "s", &l, &e), 0);
    svc_view sv;
    ck_assert_int_eq(service_decode(l.docs[0], "../x", &sv, &e), -1);
    ck_assert_has(e.msg, "namespace: Invalid value: \"../x\": a lowercase RFC 1123 label");
    ck_assert_int_eq(service_decode(l.docs[0], "ns-a", &sv, &e), 0);
    service_view_free(&sv);
    doc_list_free(&l);
}
END_TEST

START_TEST(cluster_items_are_checked)
{
    /* what a hostile API server answers is checked like a file */
    const kkind *k = kkind_lookup("ingresses");
    ck_assert_ptr_nonnull(k);
    doc_list l;
    doc_list_init(&l);
    mp_err e;
    const char *item = "{\"metadata\": {\"name\": \"..\", \"namespace\": \"ns-a\"}}";
    ck_assert_int_eq(doc_parse_json(item, strlen(item), "item", &l, &e), 0);
    ck_assert_int_eq(kclient_fix_item(k, "v1", l.docs[0], &e), -1);
    ck_assert_has(e.msg, "ingress ns-a/..: metadata.name: Invalid value: \"..\"");
    doc_list_free(&l);
    char *path = kclient_path(k, "v1", "..", "..");
    ck_assert_str_eq(path, "/apis/networking.k8s.io/v1/namespaces/%2E%2E/ingresses/%2E%2E");
    free(path);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("kname");
    TCase *tc = tcase_create("names");
    tcase_add_test(tc, rules_per_kind);
    tcase_add_test(tc, subdomains);
    tcase_add_test(tc, labels_and_dns1035);
    tcase_add_test(tc, path_segments);
    tcase_add_test(tc, values_are_escaped_and_cut);
    tcase_add_test(tc, files_refuse_invalid_names_with_file_and_line);
    tcase_add_test(tc, decoders_refuse_invalid_names_from_anywhere);
    tcase_add_test(tc, cluster_items_are_checked);
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
