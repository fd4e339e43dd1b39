/* test_edit_form.c - the form's bindings (how fields read and write the
 * working tree), list operations, and the rows of a section with findings
 * attached where the offending value is shown. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/docpath.h"
#include "model/emit.h"
#include "model/istio_check.h"
#include "model/parse.h"
#include "tui/edit_form.h"
#include "tui/edit_int.h"
#include "tests/unit/doc_helpers.h"

#define VS                                                                                         \
    "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: web, "             \
    "namespace: ns-a}\nspec:\n  hosts: [web.example.com]\n  http:\n"                               \
    "  - name: a\n    route: [{destination: {host: web.ns-a.svc.cluster.local}}]\n"                \
    "    corsPolicy: {allowOrigins: [{exact: https://a.io}], allowMethods: [POST]}\n"              \
    "  - name: b\n    route: [{destination: {host: web.ns-a.svc.cluster.local}}]\n"

static const char *const methods[] = {"GET",     "HEAD",    "POST",  "PUT",  "DELETE",
                                      "CONNECT", "OPTIONS", "TRACE", "PATCH"};

static binding bind(bind_kind k, const char *path)
{
    binding b;
    memset(&b, 0, sizeof b);
    b.kind = k;
    snprintf(b.path, sizeof b.path, "%s", path);
    b.index = -1;
    return b;
}

static char *yaml_at(const doc_node *d, const char *path)
{
    mp_err err;
    return doc_emit_yaml(docpath_get(d, path), NULL, &err);
}

START_TEST(method_toggles_keep_the_canonical_order_and_clean_up)
{
    doc_node *vs = parse1(VS);
    binding b = bind(B_MEMBER, "spec.http[0].corsPolicy.allowMethods");
    b.choices = (char **)methods;
    b.nchoices = 9;
    snprintf(b.arg, sizeof b.arg, "GET");
    ck_assert_int_eq(ef_cycle(&b, vs, 1, NULL), 1);
    snprintf(b.arg, sizeof b.arg, "PATCH");
    ck_assert_int_eq(ef_cycle(&b, vs, 1, NULL), 1);
    char *y = yaml_at(vs, "spec.http[0].corsPolicy.allowMethods");
    ck_assert_str_eq(y, "- GET\n- POST\n- PATCH\n");
    free(y);
    char v[16];
    ef_get(&b, vs, v, sizeof v);
    ck_assert_str_eq(v, "1");
    snprintf(b.arg, sizeof b.arg, "GET");
    ef_cycle(&b, vs, 1, NULL);
    snprintf(b.arg, sizeof b.arg, "POST");
    ef_cycle(&b, vs, 1, NULL);
    snprintf(b.arg, sizeof b.arg, "PATCH");
    ef_cycle(&b, vs, 1, NULL);
    /* the last one off: the list goes, not an empty list */
    ck_assert_ptr_null(docpath_get(vs, "spec.http[0].corsPolicy.allowMethods"));
    ck_assert_ptr_nonnull(docpath_get(vs, "spec.http[0].corsPolicy.allowOrigins"));
    doc_free(vs);
}
END_TEST

START_TEST(text_bindings_write_types_and_remove_when_empty)
{
    doc_node *vs = parse1(VS);
    binding port = bind(B_INT, "spec.http[0].route[0].destination.port.number");
    ck_assert_int_eq(ef_set(&port, vs, "8080"), 1);
    ck_assert_int_eq(docpath_get(vs, port.path)->type, DOC_INT);
    ck_assert_int_eq(ef_set(&port, vs, "8080"), 0); /* no change, no step */
    ck_assert_int_eq(ef_set(&port, vs, "80a"), 1);
    ck_assert_int_eq(docpath_get(vs, port.path)->type, DOC_STR); /* kept as typed, flagged */
    ck_assert_int_eq(ef_set(&port, vs, ""), 1);
    ck_assert_ptr_null(docpath_get(vs, "spec.http[0].route[0].destination.port"));
    binding hdr = bind(B_CSV, "spec.http[0].corsPolicy.allowHeaders");
    ck_assert_int_eq(ef_set(&hdr, vs, " X-A ,x-b,, X-C "), 1);
    char *y = yaml_at(vs, hdr.path);
    ck_assert_str_eq(y, "- X-A\n- x-b\n- X-C\n");
    free(y);
    char v[64];
    ef_get(&hdr, vs, v, sizeof v);
    ck_assert_str_eq(v, "X-A, x-b, X-C");
    ck_assert_int_eq(ef_set(&hdr, vs, ""), 1);
    ck_assert_ptr_null(docpath_get(vs, hdr.path));
    doc_free(vs);
}
END_TEST

START_TEST(match_kind_renames_the_key_and_keeps_the_value)
{
    static const char *const kinds[] = {"exact", "prefix", "regex"};
    doc_node *vs = parse1(VS);
    binding k = bind(B_KEYNAME, "spec.http[0].corsPolicy.allowOrigins[0]");
    k.choices = (char **)kinds;
    k.nchoices = 3;
    ck_assert_int_eq(ef_cycle(&k, vs, 1, NULL), 1);
    ck_assert_str_eq(docpath_str(vs, "spec.http[0].corsPolicy.allowOrigins[0].prefix"),
                     "https://a.io");
    ck_assert_int_eq(ef_cycle(&k, vs, -1, NULL), 1);
    ck_assert_int_eq(ef_cycle(&k, vs, -1, NULL), 1); /* exact -> regex, wrapping */
    char v[32];
    ef_get(&k, vs, v, sizeof v);
    ck_assert_str_eq(v, "regex");
    binding val = bind(B_KEYVAL, "spec.http[0].corsPolicy.allowOrigins[0]");
    ck_assert_int_eq(ef_set(&val, vs, "https://[a-z]+\\.io"), 1);
    ck_assert_str_eq(docpath_str(vs, "spec.http[0].corsPolicy.allowOrigins[0].regex"),
                     "https://[a-z]+\\.io");
    doc_free(vs);
}
END_TEST

START_TEST(all_routes_scope_writes_every_route)
{
    doc_node *vs = parse1(VS);
    binding age = bind(B_STR, "spec.http[*].corsPolicy.maxAge");
    ck_assert_int_eq(ef_set(&age, vs, "600s"), 1);
    ck_assert_str_eq(docpath_str(vs, "spec.http[0].corsPolicy.maxAge"), "600s");
    ck_assert_str_eq(docpath_str(vs, "spec.http[1].corsPolicy.maxAge"), "600s");
    char v[32];
    ef_get(&age, vs, v, sizeof v);
    ck_assert_str_eq(v, "600s");
    binding add = bind(B_ACTION, "");
    snprintf(add.list, sizeof add.list, "spec.http[*].corsPolicy.allowOrigins");
    ck_assert_int_eq(ef_list_op(&add, vs, LIST_ADD, NULL), 1);
    ck_assert_str_eq(docpath_str(vs, "spec.http[0].corsPolicy.allowOrigins[1].exact"), "");
    ck_assert_str_eq(docpath_str(vs, "spec.http[1].corsPolicy.allowOrigins[0].exact"), "");
    doc_free(vs);
}
END_TEST

static const char *name_at(const doc_node *vs, int i)
{
    char p[64];
    snprintf(p, sizeof p, "spec.http[%d].name", i);
    return docpath_str(vs, p);
}

START_TEST(list_operations_add_remove_and_move_items)
{
    doc_node *vs = parse1(VS);
    mp_store *st = store_new();
    mp_err err;
    store_put(st,
              parse1("apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: ns-a}\n"
                     "spec: {ports: [{name: http, port: 9090}]}\n"),
              &err);
    ef_context ctx = {st, "cluster.local", "istio-system", NULL, 0};
    binding route_b = bind(B_STR, "spec.http[1].name");
    snprintf(route_b.list, sizeof route_b.list, "spec.http");
    route_b.index = 1;
    ck_assert_int_eq(ef_list_op(&route_b, vs, LIST_ADD, &ctx), 2);
    ck_assert_str_eq(name_at(vs, 2), "route-3");
    ck_assert_str_eq(docpath_str(vs, "spec.http[2].route[0].destination.host"),
                     "api.ns-a.svc.cluster.local");
    ck_assert_str_eq(docpath_str(vs, "spec.http[2].route[0].destination.port.number"), "9090");
    binding third = route_b;
    third.index = 2;
    ck_assert_int_eq(ef_list_op(&third, vs, LIST_UP, &ctx), 1);
    ck_assert_int_eq(ef_list_op(&third, vs, LIST_UP, &ctx), 1); /* index 2 was moved: b */
    ck_assert_str_eq(name_at(vs, 0), "a");
    ck_assert_str_eq(name_at(vs, 1), "b");
    ck_assert_str_eq(name_at(vs, 2), "route-3");
    binding first = route_b;
    first.index = 0;
    ck_assert_int_eq(ef_list_op(&first, vs, LIST_UP, &ctx), -1); /* already first */
    ck_assert_int_eq(ef_list_op(&first, vs, LIST_REMOVE, &ctx), 0);
    ck_assert_str_eq(name_at(vs, 0), "b");
    /* a second destination makes a split that totals 100 */
    binding dest = bind(B_DEST_HOST, "spec.http[0].route[0].destination.host");
    snprintf(dest.list, sizeof dest.list, "spec.http[0].route");
    dest.index = 0;
    ck_assert_int_eq(ef_list_op(&dest, vs, LIST_ADD, &ctx), 1);
    ck_assert_str_eq(docpath_str(vs, "spec.http[0].route[0].weight"), "100");
    ck_assert_str_eq(docpath_str(vs, "spec.http[0].route[1].weight"), "0");
    doc_free(vs);
    store_free(st);
}
END_TEST

START_TEST(tls_mode_switches_the_server_protocol)
{
    static const char *const modes[] = {"none", "SIMPLE", "MUTUAL", "PASSTHROUGH"};
    doc_node *gw = parse1("apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: g, "
                          "namespace: ns-a}\nspec:\n  selector: {istio: x}\n  servers:\n"
                          "  - port: {number: 443, protocol: HTTP, name: p}\n    hosts: [a.io]\n");
    binding m = bind(B_TLS_MODE, "spec.servers[0]");
    m.choices = (char **)modes;
    m.nchoices = 4;
    ck_assert_int_eq(ef_cycle(&m, gw, 1, NULL), 1);
    ck_assert_str_eq(docpath_str(gw, "spec.servers[0].tls.mode"), "SIMPLE");
    ck_assert_str_eq(docpath_str(gw, "spec.servers[0].port.protocol"), "HTTPS");
    docpath_set_str(gw, "spec.servers[0].tls.credentialName", "c");
    ck_assert_int_eq(ef_cycle(&m, gw, -1, NULL), 1);
    ck_assert_ptr_null(docpath_get(gw, "spec.servers[0].tls"));
    ck_assert_str_eq(docpath_str(gw, "spec.servers[0].port.protocol"), "HTTP");
    doc_free(gw);
}
END_TEST

START_TEST(a_finding_marks_the_row_that_shows_the_value)
{
    doc_node *vs = parse1(VS);
    docpath_set_str(vs, "spec.http[0].corsPolicy.maxAge", "1.5s");
    docpath_set_str(vs, "spec.http[1].corsPolicy.maxAge", "1.5s");
    mp_warnings w;
    mp_warnings_init(&w);
    istio_check_opts o = {.tenant_prefix = "ns-", .gateway_namespace = "istio-system"};
    ck_assert_int_eq(istio_check(vs, &o, &w), 2);
    ef_form f;
    ef_init(&f);
    ef_select sel = {.cors_scope = -1, .section = SEC_CORS};
    ef_context ctx = {NULL, "cluster.local", "istio-system", NULL, 0};
    ck_assert_int_eq(ef_build(&f, vs, &sel, &ctx, &w), 0);
    int id = ef_find(&f, "spec.http[*].corsPolicy.maxAge", B_STR);
    ck_assert_int_ge(id, 0);
    const form_row *row = NULL;
    for (size_t r = 0; r < f.nrows && !row; r++)
        for (int k = 0; k < f.rows[r].nf; k++)
            if (f.rows[r].f[k].id == id)
                row = &f.rows[r];
    ck_assert_ptr_nonnull(row);
    ck_assert(row->f[0].invalid);
    ck_assert_str_eq(row->f[0].value, "1.5s");
    ck_assert_ptr_nonnull(strstr(row->note, "whole seconds"));
    ck_assert_int_eq(row->note_role, ROLE_ERROR);
    size_t toggles = 0;
    for (size_t i = 0; i < f.nb; i++)
        toggles += f.b[i].kind == B_MEMBER;
    ck_assert_uint_eq(toggles, 9);
    ef_free(&f);
    mp_warnings_free(&w);
    doc_free(vs);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("edit_form");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, method_toggles_keep_the_canonical_order_and_clean_up);
    tcase_add_test(tc, text_bindings_write_types_and_remove_when_empty);
    tcase_add_test(tc, match_kind_renames_the_key_and_keeps_the_value);
    tcase_add_test(tc, all_routes_scope_writes_every_route);
    tcase_add_test(tc, list_operations_add_remove_and_move_items);
    tcase_add_test(tc, tls_mode_switches_the_server_protocol);
    tcase_add_test(tc, a_finding_marks_the_row_that_shows_the_value);
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
