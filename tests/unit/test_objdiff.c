/* test_objdiff.c - noise filter, canonical text and changed paths of two objects. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "model/doc.h"
#include "model/linediff.h"
#include "model/objdiff.h"
#include "model/parse.h"
#include "model/strbuf.h"
#include "tests/unit/doc_helpers.h"

/* The formatted changes of a against b, one a line. */
static char *paths_of(const doc_node *a, const doc_node *b)
{
    od_paths p = {0};
    ck_assert_int_eq(objdiff_paths(a, b, &p), 0);
    strbuf sb;
    strbuf_init(&sb);
    for (size_t i = 0; i < p.len; i++) {
        char *line = od_path_format(&p.items[i]);
        ck_assert_ptr_nonnull(line);
        strbuf_printf(&sb, "%s\n", line);
        free(line);
    }
    objdiff_paths_free(&p);
    ck_assert_uint_eq(p.len, 0);
    return strbuf_detach(&sb, NULL);
}

static void assert_paths(const char *ya, const char *yb, const char *want)
{
    doc_node *a = parse1(ya), *b = parse1(yb);
    char *got = paths_of(a, b);
    ck_assert_str_eq(got, want);
    free(got);
    doc_free(a);
    doc_free(b);
}

#define VS_HEAD                                                                                    \
    "apiVersion: networking.istio.io/v1\nkind: VirtualService\n"                                   \
    "metadata:\n  name: web\n  namespace: ns-a\n"

/* Three routes, the first with a CORS policy of two origins. */
static const char *const vs_a =
    VS_HEAD "spec:\n  hosts: [web.example.com]\n  http:\n"
            "  - name: r0\n    corsPolicy:\n      allowOrigins:\n"
            "      - exact: https://a.example.com\n      - exact: https://c.example.com\n"
            "    route:\n    - destination: {host: web, port: {number: 80}}\n"
            "  - name: r1\n    timeout: 25s\n    retries: {attempts: 3}\n"
            "    route:\n    - destination: {host: api}\n"
            "  - name: r2\n    route:\n    - destination: {host: static}\n";

START_TEST(noise_is_hidden_on_both_sides)
{
    doc_node *a =
        parse1("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: ns-a\n"
               "  resourceVersion: \"100\"\n  uid: 1234\n  generation: 3\n"
               "  creationTimestamp: \"2026-01-01T00:00:00Z\"\n  selfLink: /api/x\n"
               "  managedFields:\n  - manager: kubectl\n    operation: Apply\n"
               "  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '{\"a\":1}'\n"
               "spec:\n  ports:\n  - port: 80\nstatus:\n  loadBalancer: {}\n");
    doc_node *b = parse1(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: ns-a\n"
        "  resourceVersion: \"205\"\n  uid: 1234\n  generation: 4\n"
        "  managedFields:\n  - manager: meshpanel\n    operation: Apply\n"
        "  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '{\"a\":2}'\n"
        "spec:\n  ports:\n  - port: 80\nstatus:\n  loadBalancer:\n    ingress: [{ip: 10.0.0.1}]\n");
    char *got = paths_of(a, b);
    ck_assert_str_eq(got, "");
    free(got);

    mp_err err;
    char *ta = objdiff_canonical(a, &err), *tb = objdiff_canonical(b, &err);
    ck_assert_ptr_nonnull(ta);
    ck_assert_ptr_nonnull(tb);
    ck_assert_str_eq(ta, tb);
    static const char *const gone[] = {
        "managedFields", "resourceVersion", "uid:",   "generation", "creationTimestamp",
        "selfLink",      "last-applied",    "status", "annotations"};
    for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++)
        ck_assert_msg(!strstr(ta, gone[i]), "%s still in:\n%s", gone[i], ta);
    ck_assert_ptr_nonnull(strstr(ta, "port: 80"));
    linediff *d = linediff_new(ta, tb);
    ck_assert(linediff_equal(d));
    linediff_free(d);
    free(ta);
    free(tb);

    /* the inputs are untouched, and a real change still shows */
    ck_assert_ptr_nonnull(doc_get(a, "status"));
    doc_map_set_str(doc_get(b, "metadata"), "namespace", "ns-b");
    got = paths_of(a, b);
    ck_assert_str_eq(got, "metadata.namespace: changed\n");
    free(got);
    doc_free(a);
    doc_free(b);
}
END_TEST

START_TEST(origin_added_is_one_entry)
{
    char *b = strdup(vs_a);
    const char *at = strstr(b, "      - exact: https://c.example.com");
    strbuf sb;
    strbuf_init(&sb);
    strbuf_append(&sb, b, (size_t)(at - b));
    strbuf_puts(&sb, "      - exact: https://b.example.com\n");
    strbuf_puts(&sb, at);
    char *yb = strbuf_detach(&sb, NULL);
    assert_paths(vs_a, yb, "spec.http[0].corsPolicy.allowOrigins[1]: added\n");
    /* and back: removed, in a's indexes */
    assert_paths(yb, vs_a, "spec.http[0].corsPolicy.allowOrigins[1]: removed\n");
    free(yb);
    free(b);
}
END_TEST

START_TEST(route_moved_to_the_front)
{
    const char *yb =
        VS_HEAD "spec:\n  hosts: [web.example.com]\n  http:\n"
                "  - name: r2\n    route:\n    - destination: {host: static}\n"
                "  - name: r0\n    corsPolicy:\n      allowOrigins:\n"
                "      - exact: https://a.example.com\n      - exact: https://c.example.com\n"
                "    route:\n    - destination: {host: web, port: {number: 80}}\n"
                "  - name: r1\n    timeout: 25s\n    retries: {attempts: 3}\n"
                "    route:\n    - destination: {host: api}\n";
    doc_node *a = parse1(vs_a), *b = parse1(yb);
    od_paths p = {0};
    ck_assert_int_eq(objdiff_paths(a, b, &p), 0);
    ck_assert_uint_eq(p.len, 1);
    ck_assert_int_eq(p.items[0].change, OD_MOVED);
    ck_assert_str_eq(p.items[0].path, "spec.http[0]");
    ck_assert_str_eq(p.items[0].from, "spec.http[2]");
    char *line = od_path_format(&p.items[0]);
    ck_assert_str_eq(line, "spec.http[0]: moved from spec.http[2]");
    free(line);
    objdiff_paths_free(&p);
    doc_free(a);
    doc_free(b);
}
END_TEST

START_TEST(scalar_changed_and_key_removed)
{
    char *b = strdup(vs_a);
    memcpy(strstr(b, "timeout: 25s") + 9, "35", 2);
    assert_paths(vs_a, b, "spec.http[1].timeout: changed\n");
    /* a key removed, in document order with a change after it */
    char *c = strdup(b);
    char *r = strstr(c, "    retries: {attempts: 3}\n");
    memmove(r, r + 27, strlen(r + 27) + 1);
    memcpy(strstr(c, "{host: static}") + 7, "assets", 6);
    assert_paths(vs_a, c,
                 "spec.http[1].timeout: changed\nspec.http[1].retries: removed\n"
                 "spec.http[2].route[0].destination.host: changed\n");
    free(b);
    free(c);
}
END_TEST

START_TEST(changed_route_compared_field_by_field)
{
    /* r1 replaced by a route with another name and timeout at the same
     * place: its fields, not the whole item */
    char *b = strdup(vs_a);
    memcpy(strstr(b, "name: r1") + 6, "rX", 2);
    memcpy(strstr(b, "timeout: 25s") + 9, "40", 2);
    assert_paths(vs_a, b, "spec.http[1].name: changed\nspec.http[1].timeout: changed\n");
    /* a scalar item replaced in a list of scalars */
    assert_paths("hosts: [a, b, c]\n", "hosts: [a, x, c]\n", "hosts[1]: changed\n");
    /* a key added and a map reordered: only the addition counts */
    assert_paths("spec: {a: 1, b: 2}\n", "spec: {b: 2, c: 3, a: 1}\n", "spec.c: added\n");
    /* kinds that differ */
    assert_paths("spec: {a: [1]}\n", "spec: {a: {x: 1}}\n", "spec.a: changed\n");
    free(b);
}
END_TEST

START_TEST(whole_object_added_or_removed)
{
    doc_node *b = parse1(vs_a);
    od_paths p = {0};
    ck_assert_int_eq(objdiff_paths(NULL, b, &p), 0);
    ck_assert_uint_eq(p.len, 1);
    ck_assert_int_eq(p.items[0].change, OD_ADDED);
    ck_assert_str_eq(p.items[0].path, "");
    ck_assert_ptr_null(p.items[0].from);
    char *line = od_path_format(&p.items[0]);
    ck_assert_str_eq(line, "(object): added");
    free(line);
    ck_assert_int_eq(objdiff_paths(b, NULL, &p), 0); /* appends */
    ck_assert_uint_eq(p.len, 2);
    ck_assert_int_eq(p.items[1].change, OD_REMOVED);
    ck_assert_int_eq(objdiff_paths(NULL, NULL, &p), 0);
    ck_assert_uint_eq(p.len, 2);
    objdiff_paths_free(&p);
    doc_free(b);
}
END_TEST

START_TEST(keys_that_are_not_identifiers_use_brackets)
{
    assert_paths("metadata:\n  labels: {app: web}\n  annotations:\n"
                 "    meshpanel.io/source: ns-a/web\n    x: 1\n",
                 "metadata:\n  labels: {app: api}\n  annotations:\n"
                 "    meshpanel.io/source: ns-a/api\n    \"say \\\"hi\\\"\": 1\n",
                 "metadata.labels.app: changed\n"
                 "metadata.annotations[\"meshpanel.io/source\"]: changed\n"
                 "metadata.annotations[\"say \\\"hi\\\"\"]: added\n"
                 "metadata.annotations.x: removed\n");
    /* a bracketed key first, then an index: no dot before the bracket */
    assert_paths("a.b: [1]\n", "a.b: [1, 2]\n", "[\"a.b\"][1]: added\n");
}
END_TEST

START_TEST(change_names)
{
    ck_assert_str_eq(od_change_name(OD_ADDED), "added");
    ck_assert_str_eq(od_change_name(OD_REMOVED), "removed");
    ck_assert_str_eq(od_change_name(OD_CHANGED), "changed");
    ck_assert_str_eq(od_change_name(OD_MOVED), "moved");
}
END_TEST

START_TEST(long_lists_compare_by_value)
{
    /* 2,000 items, one inserted at the front and one moved: two entries,
     * not 2,000 changed indexes */
    strbuf sa, sb;
    strbuf_init(&sa);
    strbuf_init(&sb);
    strbuf_puts(&sa, "items:\n");
    strbuf_puts(&sb, "items:\n- {n: new}\n");
    for (int i = 0; i < 2000; i++) {
        strbuf_printf(&sa, "- {n: %d, port: 80}\n", i);
        if (i != 500)
            strbuf_printf(&sb, "- {port: 80, n: %d}\n", i);
        if (i == 1500)
            strbuf_puts(&sb, "- {n: 500, port: 80}\n");
    }
    char *a = strbuf_detach(&sa, NULL), *b = strbuf_detach(&sb, NULL);
    assert_paths(a, b, "items[0]: added\nitems[1501]: moved from items[500]\n");
    free(a);
    free(b);
}
END_TEST

START_TEST(big_maps_compare_by_key)
{
    /* 100 keys (a ConfigMap's data): one changed, one removed, one added */
    strbuf sa, sb;
    strbuf_init(&sa);
    strbuf_init(&sb);
    strbuf_puts(&sa, "data:\n");
    strbuf_puts(&sb, "data:\n");
    for (int i = 0; i < 100; i++) {
        strbuf_printf(&sa, "  k%d: v%d\n", i, i);
        if (i == 40)
            strbuf_puts(&sb, "  new.key: v\n");
        if (i != 60)
            strbuf_printf(&sb, "  k%d: v%d\n", i, i == 70 ? 0 : i);
    }
    char *a = strbuf_detach(&sa, NULL), *b = strbuf_detach(&sb, NULL);
    assert_paths(a, b, "data[\"new.key\"]: added\ndata.k60: removed\ndata.k70: changed\n");
    free(a);
    free(b);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("objdiff");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, noise_is_hidden_on_both_sides);
    tcase_add_test(tc, origin_added_is_one_entry);
    tcase_add_test(tc, route_moved_to_the_front);
    tcase_add_test(tc, scalar_changed_and_key_removed);
    tcase_add_test(tc, changed_route_compared_field_by_field);
    tcase_add_test(tc, whole_object_added_or_removed);
    tcase_add_test(tc, keys_that_are_not_identifiers_use_brackets);
    tcase_add_test(tc, change_names);
    tcase_add_test(tc, long_lists_compare_by_value);
    tcase_add_test(tc, big_maps_compare_by_key);
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
