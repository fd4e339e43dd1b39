/* test_doc.c - the document tree, YAML/JSON decoding and canonical encoding. */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/doc.h"
#include "model/emit.h"
#include "model/kobj.h"
#include "model/parse.h"

static doc_node *parse1(const char *yaml)
{
    doc_list l;
    doc_list_init(&l);
    mp_err err = {{0}};
    ck_assert_msg(doc_parse_auto(yaml, strlen(yaml), "t.yaml", &l, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(l.len, 1);
    doc_node *d = doc_list_take(&l, 0);
    doc_list_free(&l);
    return d;
}

static char *yaml_of(const doc_node *d)
{
    mp_err err;
    char *s = doc_emit_yaml(d, NULL, &err);
    ck_assert_msg(s != NULL, "%s", err.msg);
    return s;
}

/* A scalar's text is replaced in its own block when it fits, on the heap
 * when it does not, and again over a heap text: each freed once (ASan,
 * valgrind), each read back whole. */
START_TEST(scalar_text_is_replaced_in_place_or_on_the_heap)
{
    doc_node *n = doc_str_new("abcdef");
    ck_assert_int_eq(doc_scalar_set(n, DOC_STR, "xyz"), 0);
    ck_assert_str_eq(n->text, "xyz");
    ck_assert_uint_eq(n->len, 3);
    ck_assert_int_eq(doc_scalar_set(n, DOC_INT, "123456789012345678901234567890"), 0);
    ck_assert_str_eq(n->text, "123456789012345678901234567890");
    ck_assert_int_eq(n->type, DOC_INT);
    ck_assert_int_eq(
        doc_scalar_set(n, DOC_STR, "a longer text than the one before it, on the heap"), 0);
    ck_assert_str_eq(n->text, "a longer text than the one before it, on the heap");
    doc_free(n);
    doc_node *m = doc_map_new();
    ck_assert_int_eq(doc_scalar_set(m, DOC_STR, "x"), -1);
    doc_free(m);
}
END_TEST

START_TEST(int_nodes_spell_lld)
{
    const long long v[] = {0, 7, -1, 443, -65536, LLONG_MAX, LLONG_MIN};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        char want[32];
        int n = snprintf(want, sizeof want, "%lld", v[i]);
        doc_node *d = doc_int_new(v[i]);
        ck_assert_ptr_nonnull(d);
        ck_assert_int_eq(d->type, DOC_INT);
        ck_assert_uint_eq(d->len, (size_t)n);
        ck_assert_str_eq(d->text, want);
        doc_free(d);
    }
}
END_TEST

START_TEST(scalar_types_follow_yaml11)
{
    doc_node *d = parse1("a: 300\nb: \"300\"\nc: on\nd: yes\ne: ~\nf: 1.5\ng: '*'\nh: web\n"
                         "i: 0x1F\nj: 1e3\nk: n\n");
    ck_assert_int_eq(doc_get(d, "a")->type, DOC_INT);
    ck_assert_int_eq(doc_get(d, "b")->type, DOC_STR);
    ck_assert_int_eq(doc_get(d, "c")->type, DOC_BOOL);
    ck_assert_str_eq(doc_get_str(d, "c"), "true");
    ck_assert_str_eq(doc_get_str(d, "d"), "true");
    ck_assert_str_eq(doc_get_str(d, "k"), "false");
    ck_assert_int_eq(doc_get(d, "e")->type, DOC_NULL);
    ck_assert_int_eq(doc_get(d, "f")->type, DOC_FLOAT);
    ck_assert_int_eq(doc_get(d, "g")->type, DOC_STR);
    ck_assert_int_eq(doc_get(d, "h")->type, DOC_STR);
    long long v;
    ck_assert(doc_as_int(doc_get(d, "i"), &v));
    ck_assert_int_eq(v, 31);
    ck_assert_int_eq(doc_get(d, "j")->type, DOC_FLOAT);
    doc_free(d);
}
END_TEST

START_TEST(strings_that_look_like_other_types_are_quoted)
{
    doc_node *m = doc_map_new();
    const char *tricky[] = {"300", "*",    "on", "yes", "null", "",     "1.5", "true",
                            " x",  "a: b", "#x", "-",   "0777", "1:20", "@x",  "n"};
    char key[8];
    for (size_t i = 0; i < sizeof tricky / sizeof *tricky; i++) {
        snprintf(key, sizeof key, "k%zu", i);
        doc_map_set_str(m, key, tricky[i]);
    }
    doc_map_set_str(m, "plain", "https://*.cloud.sealos.io");
    char *y = yaml_of(m);
    ck_assert_ptr_nonnull(strstr(y, "k0: \"300\"\n"));
    ck_assert_ptr_nonnull(strstr(y, "k1: \"*\"\n"));
    ck_assert_ptr_nonnull(strstr(y, "k2: \"on\"\n"));
    ck_assert_ptr_nonnull(strstr(y, "k5: \"\"\n"));
    ck_assert_ptr_nonnull(strstr(y, "plain: https://*.cloud.sealos.io\n"));
    /* and every one of them reads back as the same string */
    doc_node *back = parse1(y);
    ck_assert(doc_equal(m, back, true));
    free(y);
    doc_free(back);
    doc_free(m);
}
END_TEST

START_TEST(object_keys_come_first_rest_keeps_order)
{
    doc_node *d = parse1("spec: {b: 1, a: 2}\nzeta: 1\nmetadata: {name: x}\nkind: Gateway\n"
                         "apiVersion: networking.istio.io/v1\n");
    char *y = yaml_of(d);
    ck_assert_str_eq(y, "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n"
                        "  name: x\nspec:\n  b: 1\n  a: 2\nzeta: 1\n");
    free(y);
    doc_free(d);
}
END_TEST

START_TEST(multiline_and_empty_containers)
{
    doc_node *d = parse1("a: |\n  line1\n  line2\nb: []\nc: {}\n");
    char *y = yaml_of(d);
    ck_assert_str_eq(y, "a: |\n  line1\n  line2\nb: []\nc: {}\n");
    free(y);
    doc_free(d);
}
END_TEST

START_TEST(anchors_merge_keys_and_multi_documents)
{
    const char *src = "---\nbase: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\nref: *b\n---\n---\n"
                      "second: true\n";
    doc_list l;
    doc_list_init(&l);
    mp_err err;
    ck_assert_msg(doc_parse_yaml(src, strlen(src), "m.yaml", &l, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(l.len, 2);
    doc_node *d = l.docs[0];
    ck_assert_str_eq(doc_str(doc_getv(d, "other", "x", NULL)), "1");
    ck_assert_str_eq(doc_str(doc_getv(d, "other", "y", NULL)), "3");
    ck_assert_str_eq(doc_str(doc_getv(d, "ref", "y", NULL)), "2");
    ck_assert(doc_getv(d, "ref", NULL) != doc_getv(d, "base", NULL));
    doc_list_free(&l);
}
END_TEST

START_TEST(errors_name_file_document_and_line)
{
    const char *src = "a: 1\n---\nb: [1, 2\nc: 3\n";
    doc_list l;
    doc_list_init(&l);
    mp_err err;
    ck_assert_int_eq(doc_parse_yaml(src, strlen(src), "bad.yaml", &l, &err), -1);
    ck_assert_uint_eq(l.len, 0); /* nothing half-parsed is kept */
    ck_assert_ptr_nonnull(strstr(err.msg, "bad.yaml: doc 2: line"));
    const char *dup = "a: 1\na: 2\n";
    ck_assert_int_eq(doc_parse_yaml(dup, strlen(dup), "dup.yaml", &l, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "duplicate key \"a\""));
    const char *json = "{\"a\": 1,\n \"b\": }";
    ck_assert_int_eq(doc_parse_json(json, strlen(json), "x.json", &l, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "x.json: line 2"));
    doc_list_free(&l);
}
END_TEST

START_TEST(billion_laughs_is_refused)
{
    /* l9 would expand to 10^10 nodes */
    char src[4096];
    int n = snprintf(src, sizeof src, "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 10; i++) {
        n += snprintf(src + n, sizeof src - (size_t)n, "l%d: &l%d [", i, i);
        for (int k = 0; k < 10; k++)
            n += snprintf(src + n, sizeof src - (size_t)n, "%s*l%d", k ? ", " : "", i - 1);
        n += snprintf(src + n, sizeof src - (size_t)n, "]\n");
    }
    doc_list l;
    doc_list_init(&l);
    mp_err err;
    ck_assert_int_eq(doc_parse_yaml(src, (size_t)n, "bomb.yaml", &l, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "too many nodes"));
}
END_TEST

START_TEST(json_roundtrip_keeps_types)
{
    doc_node *d = parse1("{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": "
                         "\"s\"}, \"spec\": {\"ports\": [{\"port\": 80, \"name\": \"80\"}], "
                         "\"x\": null, \"t\": true, \"f\": 0.5}}");
    mp_err err;
    char *j = doc_emit_json(d, false, NULL, &err);
    ck_assert_str_eq(j, "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\"},"
                        "\"spec\":{\"ports\":[{\"port\":80,\"name\":\"80\"}],\"x\":null,"
                        "\"t\":true,\"f\":0.5}}");
    char *pretty = doc_emit_json(d, true, NULL, &err);
    ck_assert_ptr_null(strchr(pretty, '\t'));
    ck_assert_ptr_nonnull(strstr(pretty, "\n  \"kind\": \"Service\""));
    char *y = yaml_of(d);
    ck_assert_ptr_nonnull(strstr(y, "name: \"80\"\n"));
    free(j);
    free(pretty);
    free(y);
    doc_free(d);
}
END_TEST

START_TEST(flatten_expands_lists_and_rejects_non_objects)
{
    const char *src = "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Service, "
                      "metadata: {name: a, namespace: ns-a}}\n- {apiVersion: v1, kind: Service, "
                      "metadata: {name: b}}\n---\napiVersion: v1\nkind: Namespace\nmetadata: "
                      "{name: ns-a}\n";
    doc_list l, objs;
    doc_list_init(&l);
    doc_list_init(&objs);
    mp_err err;
    ck_assert_int_eq(doc_parse_yaml(src, strlen(src), "l.yaml", &l, &err), 0);
    ck_assert_int_eq(kobj_flatten(&l, &objs, "l.yaml", &err), 0);
    ck_assert_uint_eq(objs.len, 3);
    char ref[128];
    ck_assert_str_eq(kobj_ref(objs.docs[0], ref, sizeof ref), "service ns-a/a");
    ck_assert_str_eq(kobj_ref(objs.docs[2], ref, sizeof ref), "namespace ns-a");
    doc_list_free(&objs);

    const char *bad = "apiVersion: v1\nkind: Service\nmetadata: {namespace: x}\n";
    ck_assert_int_eq(doc_parse_yaml(bad, strlen(bad), "b.yaml", &l, &err), 0);
    ck_assert_int_eq(kobj_flatten(&l, &objs, "b.yaml", &err), -1);
    ck_assert_str_eq(err.msg, "b.yaml:3: doc 1: Service: metadata.name: missing");
    ck_assert_uint_eq(objs.len, 0);
    const char *boolname = "apiVersion: v1\nkind: Service\nmetadata: {name: n, namespace: ns-a}\n";
    ck_assert_int_eq(doc_parse_yaml(boolname, strlen(boolname), "n.yaml", &l, &err), 0);
    ck_assert_int_eq(kobj_flatten(&l, &objs, "n.yaml", &err), -1);
    ck_assert_str_eq(
        err.msg, "n.yaml:3: doc 1: Service: metadata.name: must be a string, not false (quote it)");
    doc_list_free(&objs);
}
END_TEST

/* A key is found by its whole text: not by a prefix, nor a longer one,
 * and the empty key is a key (find_key compares after the first byte
 * itself: nothing past a NUL may be read). */
START_TEST(keys_found_whole)
{
    static const char *const keys[] = {"", "a", "ab", "abc", "b", "metadata", "metadata2"};
    for (int heap = 0; heap < 2; heap++) {
        doc_node *m = doc_map_new();
        for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
            ck_assert_int_eq(doc_map_set_str(m, keys[i], keys[i][0] ? keys[i] : "empty"), 0);
        if (!heap) { /* as the parsers leave it: in an arena */
            doc_node *p = doc_pack(m);
            doc_free(m);
            m = p;
        }
        ck_assert_str_eq(doc_get_str(m, ""), "empty");
        for (size_t i = 1; i < sizeof keys / sizeof *keys; i++)
            ck_assert_str_eq(doc_get_str(m, keys[i]), keys[i]);
        static const char *const absent[] = {"abcd", "c", "metadat", "metadata3", "B", "A"};
        for (size_t i = 0; i < sizeof absent / sizeof *absent; i++)
            ck_assert_ptr_null(doc_get(m, absent[i]));
        doc_free(m);
    }
}
END_TEST

START_TEST(tree_edits_keep_order)
{
    doc_node *m = doc_map_new();
    doc_map_set_str(m, "a", "1");
    doc_map_set_str(m, "b", "2");
    doc_map_set_str(m, "c", "3");
    doc_map_set_str(m, "a", "x"); /* replace in place */
    ck_assert_str_eq(m->keys[0], "a");
    ck_assert_str_eq(doc_get_str(m, "a"), "x");
    doc_map_del(m, "b");
    ck_assert_uint_eq(m->len, 2);
    ck_assert_str_eq(m->keys[1], "c");
    const char *order[] = {"c"};
    doc_map_order(m, order, 1);
    ck_assert_str_eq(m->keys[0], "c");
    doc_node *c = doc_clone(m);
    ck_assert(doc_equal(m, c, true));
    doc_map_set_str(c, "z", "9");
    ck_assert(!doc_equal(m, c, false));
    doc_free(c);
    doc_free(m);
}
END_TEST

/* The YAML 1.1 word lists are matched by length first (resolve.c skips
 * anything longer than the longest word): every word, and what is one
 * byte off, resolves as before. */
START_TEST(yaml11_words_by_length)
{
    static const struct {
        const char *s;
        size_t len;
        doc_type want;
    } cases[] = {
        {"~", 1, DOC_NULL},      {"null", 4, DOC_NULL},   {"NULL", 4, DOC_NULL},
        {"nulls", 5, DOC_STR},   {"nul", 3, DOC_STR},     {"y", 1, DOC_BOOL},
        {"Y", 1, DOC_BOOL},      {"yes", 3, DOC_BOOL},    {"YES", 3, DOC_BOOL},
        {"yEs", 3, DOC_STR},     {"ye", 2, DOC_STR},      {"n", 1, DOC_BOOL},
        {"off", 3, DOC_BOOL},    {"OFF", 3, DOC_BOOL},    {"of", 2, DOC_STR},
        {"false", 5, DOC_BOOL},  {"FALSE", 5, DOC_BOOL},  {"falsey", 6, DOC_STR},
        {"True", 4, DOC_BOOL},   {"trues", 5, DOC_STR},   {".inf", 4, DOC_FLOAT},
        {"-.Inf", 5, DOC_FLOAT}, {"+.INF", 5, DOC_FLOAT}, {"+.INFX", 6, DOC_STR},
        {".NaN", 4, DOC_FLOAT},  {".nan.", 5, DOC_STR},   {"x", 1, DOC_STR},
        {"y\0", 2, DOC_STR},     {"yes", 2, DOC_STR},     {"", 0, DOC_NULL},
        {"ingress", 7, DOC_STR}, {"300", 3, DOC_INT},     {"1e3", 3, DOC_FLOAT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(doc_resolve_plain(cases[i].s, cases[i].len) == cases[i].want,
                      "case %zu \"%.*s\"", i, (int)cases[i].len, cases[i].s);
    ck_assert(doc_needs_quotes("on", 2));
    ck_assert(doc_needs_quotes("NULL", 4));
    ck_assert(!doc_needs_quotes("onward", 6));
    ck_assert(!doc_needs_quotes("nginx", 5));
}
END_TEST

/* Common keys are shared with doc_key.c's table, others copied; a tree
 * mixing both (parsed, built, cloned, edited) frees each copied key once and
 * never a shared one (ASan, valgrind). Every table key is found. */
START_TEST(common_keys_are_shared)
{
    for (size_t i = 0; i < doc_key_count(); i++) {
        const char *k = doc_key_at(i);
        ck_assert_msg(doc_key_static(k, strlen(k)) == k, "table key %zu \"%s\"", i, k);
        ck_assert(doc_key_is_static(k));
        ck_assert_ptr_ne(doc_key_static(k, strlen(k) - 1), k); /* "host" of "hosts" */
    }
    ck_assert_ptr_null(doc_key_static("metadatax", 9));
    ck_assert_ptr_null(doc_key_static("name\0", 5));
    ck_assert_ptr_nonnull(doc_key_static("namespace-x", 9));
    doc_node *d = parse1("metadata: {name: a, my-own-key: b}\nspec: {x: 1}\n");
    doc_node *m = doc_get(d, "metadata");
    ck_assert(doc_key_is_static(m->keys[0]));
    ck_assert(!doc_key_is_static(m->keys[1]));
    ck_assert_str_eq(m->keys[1], "my-own-key");
    ck_assert_int_eq(doc_map_set_str(m, "namespace", "ns"), 0);
    ck_assert_int_eq(doc_map_set_str(m, "another-own-key", "v"), 0);
    ck_assert(doc_key_is_static(m->keys[2]) && !doc_key_is_static(m->keys[3]));
    doc_node *c = doc_clone(d);
    ck_assert(doc_equal(c, d, true));
    doc_node *t = doc_map_take(doc_get(c, "metadata"), "my-own-key");
    doc_free(t);
    doc_map_del(doc_get(c, "metadata"), "name");
    ck_assert_ptr_null(doc_get(doc_get(c, "metadata"), "name"));
    ck_assert_str_eq(doc_get_str(doc_get(d, "metadata"), "name"), "a");
    doc_free(c);
    doc_free(d);
    static const char json[] = "{\"kind\":\"X\",\"own\":{\"name\":1}}";
    doc_list l;
    doc_list_init(&l);
    mp_err err = {{0}};
    ck_assert_msg(doc_parse_json(json, sizeof json - 1, "t.json", &l, &err) == 0, "%s", err.msg);
    doc_node *j = doc_list_take(&l, 0);
    doc_list_free(&l);
    ck_assert(doc_key_is_static(j->keys[0]) && !doc_key_is_static(j->keys[1]));
    ck_assert_str_eq(doc_get_str(doc_get(j, "own"), "name"), "1");
    doc_free(j);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("doc");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, scalar_types_follow_yaml11);
    tcase_add_test(tc, int_nodes_spell_lld);
    tcase_add_test(tc, scalar_text_is_replaced_in_place_or_on_the_heap);
    tcase_add_test(tc, strings_that_look_like_other_types_are_quoted);
    tcase_add_test(tc, object_keys_come_first_rest_keeps_order);
    tcase_add_test(tc, multiline_and_empty_containers);
    tcase_add_test(tc, anchors_merge_keys_and_multi_documents);
    tcase_add_test(tc, errors_name_file_document_and_line);
    tcase_add_test(tc, billion_laughs_is_refused);
    tcase_add_test(tc, json_roundtrip_keeps_types);
    tcase_add_test(tc, flatten_expands_lists_and_rejects_non_objects);
    tcase_add_test(tc, tree_edits_keep_order);
    tcase_add_test(tc, keys_found_whole);
    tcase_add_test(tc, yaml11_words_by_length);
    tcase_add_test(tc, common_keys_are_shared);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
