/* test_yamlline.c - the YAML line of a field (model/yamlline.h), checked
 * against the emitted text itself: the line found must hold the field. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "model/emit.h"
#include "model/yamlline.h"
#include "tests/unit/doc_helpers.h"

#define INGRESS                                                                                    \
    "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n"                    \
    "  namespace: ns-a\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 8m\n"     \
    "    note: |\n      two\n      lines\nspec:\n  tls:\n  - hosts: [a.example.com]\n"             \
    "    secretName: a-cert\n  - hosts: [b.example.com]\n    secretName: b-cert\n"                 \
    "  rules:\n  - host: a.example.com\n  - host: b.example.com\n"

/* Line n (0-based) of doc's YAML. */
static char *line_of(const doc_node *d, long n)
{
    mp_err err;
    char *y = doc_emit_yaml(d, NULL, &err);
    ck_assert_ptr_nonnull(y);
    char *p = y;
    for (long i = 0; i < n && p; i++)
        p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL;
    ck_assert_ptr_nonnull(p);
    char *line = strndup(p, strcspn(p, "\n"));
    free(y);
    return line;
}

static void assert_line(const doc_node *d, const char *path, const char *want)
{
    long n = yaml_line_of(d, path);
    ck_assert_int_ge(n, 0);
    char *l = line_of(d, n);
    ck_assert_msg(strstr(l, want) != NULL, "%s: line %ld is \"%s\", wanted \"%s\"", path, n, l,
                  want);
    free(l);
}

START_TEST(a_field_is_found_where_the_emitter_puts_it)
{
    doc_node *d = parse1(INGRESS);
    assert_line(d, "spec.rules[1].host", "host: b.example.com");
    assert_line(d, "spec.tls[1].secretName", "secretName: b-cert");
    assert_line(d, "metadata.annotations[\"nginx.ingress.kubernetes.io/proxy-body-size\"]",
                "proxy-body-size: 8m");
    /* a block scalar before does not move the lines after it */
    assert_line(d, "spec.rules[0].host", "host: a.example.com");
    ck_assert_int_eq(yaml_line_of(d, ""), 0);
    doc_free(d);
}
END_TEST

START_TEST(lists_maps_and_paths_beyond_the_object)
{
    doc_node *d = parse1(INGRESS);
    /* the converter's "[]": the first item */
    assert_line(d, "spec.tls[].secretName", "secretName: a-cert");
    /* a map or list: its first entry */
    assert_line(d, "spec.rules", "host: a.example.com");
    /* further than the object goes: the longest prefix that exists */
    assert_line(d, "spec.rules[1].http.paths[0].backend", "host: b.example.com");
    assert_line(d, "spec.nothing.here", "- a.example.com"); /* spec: its first scalar */
    doc_free(d);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("yamlline");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, a_field_is_found_where_the_emitter_puts_it);
    tcase_add_test(tc, lists_maps_and_paths_beyond_the_object);
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
