/*
 * test_doc_arena.c - arena trees (model/doc_arena.h) and the item-by-item
 * JSON reader (doc_reader_next_item).
 *
 * doc_reader's documents live in arenas: every doc.h function must work on
 * them as on heap trees (edits, takes, heap nodes and other arenas' roots
 * hung in them), a subtree taken out must outlive its tree, and nothing may
 * leak (the suite runs under ASan+LSan, where every arena piece is its own
 * malloc and a dropped node is freed at once). A JSON List is handed out
 * item by item with the objects, positions and error lines that
 * doc_parse_auto + kobj_flatten_all give.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/doc.h"
#include "model/emit.h"
#include "model/kobj.h"
#include "model/parse.h"
#include "same_tree.h"
#include "model/strbuf.h"

/* The first document of src, read by doc_reader (an arena tree). */
static doc_node *read_one(const char *src)
{
    mp_err err;
    doc_reader *r = doc_reader_new(src, strlen(src), "t.json", &err);
    ck_assert_ptr_nonnull(r);
    doc_node *d = NULL;
    ck_assert_int_eq(doc_reader_next(r, &d, &err), 1);
    doc_reader_free(r);
    return d;
}

static doc_node *parse_one(const char *src)
{
    doc_list l;
    doc_list_init(&l);
    mp_err err;
    ck_assert_msg(doc_parse_auto(src, strlen(src), "t.json", &l, &err) == 0, "%s", err.msg);
    doc_node *d = doc_list_take(&l, 0);
    doc_list_free(&l);
    return d;
}

static const char *const OBJ =
    "{\"apiVersion\": \"v1\", \"kind\": \"Service\",\n"
    " \"metadata\": {\"name\": \"web\", \"namespace\": \"ns-a\", \"labels\": {\"app\": \"web\"},\n"
    "              \"annotations\": null},\n"
    " \"spec\": {\"ports\": [{\"port\": 80, \"name\": \"http\"}, {\"port\": 443}],\n"
    "          \"x\": [true, false, null, 1.5, \"a\\\"]}{\\\\\", \"\\u00e9\"]}}";

START_TEST(reader_trees_live_in_arenas_and_equal_the_parse)
{
    doc_node *a = read_one(OBJ), *h = parse_one(OBJ);
    ck_assert(doc_in_arena(a));
    ck_assert(doc_in_arena(doc_getv(a, "spec", "ports", NULL)));
    ck_assert(doc_in_arena(doc_getv(a, "metadata", "name", NULL)));
    ck_assert(!doc_in_arena(h));
    same_tree(a, h, "root");
    doc_node *c = doc_clone(a);
    ck_assert(!doc_in_arena(c) && doc_equal(c, h, true));
    doc_free(c);
    doc_free(a);
    doc_free(h);
}
END_TEST

START_TEST(edits_of_an_arena_tree)
{
    doc_node *a = read_one(OBJ);
    doc_node *meta = doc_get(a, "metadata");
    /* replace, add, grow past the block's capacity, longer and shorter texts */
    ck_assert_int_eq(doc_map_set_str(meta, "name", "a-much-longer-name-than-before"), 0);
    ck_assert_int_eq(doc_scalar_set(doc_get(meta, "namespace"), DOC_STR, "n"), 0);
    ck_assert_int_eq(doc_scalar_set(doc_get(meta, "namespace"), DOC_STR, "ns-longer-again"), 0);
    for (int i = 0; i < 40; i++) {
        char k[16];
        snprintf(k, sizeof k, "k%d", i);
        ck_assert_int_eq(kobj_set_label(a, k, k), 0);
    }
    ck_assert_str_eq(kobj_name(a), "a-much-longer-name-than-before");
    ck_assert_str_eq(kobj_namespace(a), "ns-longer-again");
    ck_assert_str_eq(kobj_label(a, "k39"), "k39");
    ck_assert_str_eq(kobj_label(a, "app"), "web");
    doc_node *ann = doc_map_ensure(meta, "extra", DOC_MAP); /* a node of the arena */
    ck_assert(ann && doc_in_arena(ann));
    ck_assert_int_eq(doc_map_set_str(ann, "a", "b"), 0);
    /* heap nodes and another arena's root hung in the tree: freed with it */
    doc_node *heap = doc_map_new();
    doc_map_set_str(heap, "h", "heap");
    ck_assert_int_eq(doc_seq_push(doc_getv(a, "spec", "ports", NULL), heap), 0);
    ck_assert_int_eq(doc_map_set(a, "other", read_one("{\"o\": [1, 2, 3]}")), 0);
    ck_assert_int_eq(doc_seq_set(doc_getv(a, "spec", "x", NULL), 0, doc_str_new("set")), 0);
    ck_assert_str_eq(doc_str(doc_at(doc_getv(a, "spec", "x", NULL), 0)), "set");
    ck_assert_int_eq(doc_map_append_adopt(a, strdup("adopted-key-not-shared"), doc_str_new("v")),
                     0);
    ck_assert_str_eq(doc_get_str(a, "adopted-key-not-shared"), "v");
    /* deletes: a dropped subtree that holds heap nodes frees them */
    doc_map_del(a, "spec");
    doc_map_del(meta, "labels");
    ck_assert_ptr_null(doc_get(a, "spec"));
    ck_assert_ptr_null(kobj_label(a, "app"));
    kobj_drop_nulls(a);
    ck_assert_ptr_null(doc_get(meta, "annotations"));
    ck_assert_int_eq((int)doc_at(doc_get(doc_get(a, "other"), "o"), 2)->len, 1);
    doc_free(a);
}
END_TEST

/* A subtree taken out outlives its tree (a heap copy: ASan would report a
 * read of the freed arena). */
START_TEST(taken_subtrees_outlive_the_tree)
{
    doc_node *a = read_one(OBJ);
    doc_node *meta = doc_map_take(a, "metadata");
    doc_node *ports = doc_getv(a, "spec", "ports", NULL);
    doc_node *first = doc_seq_take(ports, 0);
    ck_assert_ptr_null(doc_at(ports, 0));
    doc_node *heap = doc_str_new("kept");
    doc_map_set(a, "heap", heap);
    ck_assert_ptr_eq(doc_map_take(a, "heap"), heap); /* a heap node is itself */
    doc_free(a);
    ck_assert(!doc_in_arena(meta) && !doc_in_arena(first));
    ck_assert_str_eq(doc_get_str(meta, "name"), "web");
    ck_assert_str_eq(doc_get_str(doc_get(meta, "labels"), "app"), "web");
    ck_assert_str_eq(doc_get_str(first, "name"), "http");
    ck_assert_str_eq(doc_str(heap), "kept");
    doc_free(meta);
    doc_free(first);
    doc_free(heap);
}
END_TEST

/* An arena root in a heap tree is freed with it; a big document spans
 * many blocks (and pieces longer than a block). */
START_TEST(arena_roots_in_heap_trees_and_big_documents)
{
    doc_node *list = doc_seq_new();
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(doc_seq_push(list, read_one(OBJ)), 0);
    ck_assert(doc_in_arena(doc_at(list, 1)));
    doc_free(list);
    strbuf sb;
    strbuf_init(&sb);
    strbuf_puts(&sb, "{\"big\": \"");
    for (int i = 0; i < 300000; i++)
        strbuf_putc(&sb, (char)('a' + i % 26));
    strbuf_puts(&sb, "\", \"m\": {");
    for (int i = 0; i < 5000; i++)
        strbuf_printf(&sb, "%s\"key-%d\": [%d, \"v%d\"]", i ? ", " : "", i, i, i);
    strbuf_puts(&sb, "}}");
    doc_node *a = read_one(sb.buf), *h = parse_one(sb.buf);
    same_tree(a, h, "root");
    ck_assert_int_eq((int)doc_get(a, "big")->len, 300000);
    doc_free(a);
    doc_free(h);
    strbuf_free(&sb);
}
END_TEST

/* ---- the item-by-item reader against doc_parse_auto + kobj_flatten_all ---- */

typedef struct {
    int rc;
    char msg[sizeof(mp_err)];
    doc_list objs;
    mp_errlist errs;
    size_t items; /* handed out as List items */
} flat;

static void flat_init(flat *f)
{
    memset(f, 0, sizeof *f);
    doc_list_init(&f->objs);
    mp_errlist_init(&f->errs);
}

static void flat_free(flat *f)
{
    doc_list_free(&f->objs);
    mp_errlist_free(&f->errs);
}

static void by_parse(const char *src, flat *f)
{
    flat_init(f);
    doc_list docs;
    doc_list_init(&docs);
    mp_err err;
    f->rc = doc_parse_auto(src, strlen(src), "in.json", &docs, &err);
    if (f->rc < 0)
        snprintf(f->msg, sizeof f->msg, "%s", err.msg);
    else
        kobj_flatten_all(&docs, &f->objs, "in.json", &f->errs);
    doc_list_free(&docs);
}

static void by_reader(const char *src, flat *f)
{
    flat_init(f);
    mp_err err;
    doc_reader *r = doc_reader_new(src, strlen(src), "in.json", &err);
    ck_assert_ptr_nonnull(r);
    doc_node *d;
    size_t doc, item;
    while ((f->rc = doc_reader_next_item(r, kobj_is_list, &d, &doc, &item, &err)) > 0) {
        ck_assert(doc_in_arena(d));
        if (item == DOC_READER_WHOLE) {
            kobj_flatten_doc(d, doc, &f->objs, "in.json", &f->errs);
        } else {
            kobj_flatten_item(d, doc, item, &f->objs, "in.json", &f->errs);
            f->items++;
        }
    }
    if (f->rc < 0)
        snprintf(f->msg, sizeof f->msg, "%s", err.msg);
    doc_reader_free(r);
}

/* The reader gives doc_parse_auto's objects, positions and lines;
 * returns how many it handed out as items. */
static size_t same_as_parse(const char *src)
{
    flat a, b;
    by_parse(src, &a);
    by_reader(src, &b);
    ck_assert_msg(a.rc == b.rc, "%s: rc %d, reader %d (%s)", src, a.rc, b.rc, b.msg);
    ck_assert_str_eq(a.msg, b.msg);
    if (a.rc == 0) {
        ck_assert_int_eq((int)a.objs.len, (int)b.objs.len);
        for (size_t i = 0; i < a.objs.len; i++)
            same_tree(a.objs.docs[i], b.objs.docs[i], "object");
        ck_assert_int_eq((int)a.errs.len, (int)b.errs.len);
        for (size_t i = 0; i < a.errs.len; i++)
            ck_assert_str_eq(a.errs.lines[i], b.errs.lines[i]);
    }
    size_t items = b.items;
    flat_free(&a);
    flat_free(&b);
    return items;
}

#define ITEM(name)                                                                                 \
    "{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"Service\",\n    \"metadata\": {\n"            \
    "        \"name\": \"" name "\",\n        \"annotations\": null\n    }\n}"

START_TEST(kubectl_list_is_read_item_by_item)
{
    /* kubectl's order: items before kind; then another document */
    const char *src = "{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n" ITEM("a") ",\n" ITEM(
        "b]}\\\"{[") ",\n" ITEM("c") "\n    ],\n    \"kind\": \"List\",\n    \"metadata\": {\n"
                                     "        \"resourceVersion\": \"\"\n    }\n}\n" ITEM("d") "\n";
    ck_assert_int_eq((int)same_as_parse(src), 3);
    /* kind first, as the API server writes it; an IngressList */
    ck_assert_int_eq((int)same_as_parse("{\"kind\":\"ServiceList\",\"apiVersion\":\"v1\","
                                        "\"metadata\":{},\"items\":[" ITEM("a") "," ITEM("b") "]}"),
                     2);
    /* a top-level array; an empty List; NDJSON around them */
    ck_assert_int_eq((int)same_as_parse(ITEM("x") "\n[" ITEM("a") ", " ITEM(
                         "b") "]\n"
                              "{\"items\": [], \"kind\": \"List\"}" ITEM("y")),
                     2);
    /* bad items: one line each, labelled as the List's items */
    ck_assert_int_eq(
        (int)same_as_parse("{\"items\": [" ITEM("a") ", {\"kind\": \"Service\"}, 3, "
                                                     "null, " ITEM("") "], \"kind\": \"List\"}"),
        5);
}
END_TEST

START_TEST(what_is_not_a_list_is_read_whole)
{
    /* kind after the items says it is no List: one object, as before */
    ck_assert_int_eq((int)same_as_parse("{\"apiVersion\": \"v1\", \"items\": [" ITEM(
                         "a") "], "
                              "\"kind\": \"Service\", \"metadata\": {\"name\": \"s\"}}"),
                     0);
    ck_assert_int_eq((int)same_as_parse("{\"items\": [1], \"kind\": null}"), 0);
    ck_assert_int_eq((int)same_as_parse("{\"items\": {\"a\": 1}, \"kind\": \"List\"}"), 0);
    ck_assert_int_eq((int)same_as_parse("{\"items\": null, \"kind\": \"List\"}"), 0);
    ck_assert_int_eq((int)same_as_parse("{\"kind\": \"List\"}"), 0);
    /* an items key deeper down is data */
    ck_assert_int_eq((int)same_as_parse("{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", "
                                        "\"metadata\": {\"name\": \"c\", \"items\": [1]}}"),
                     0);
}
END_TEST

START_TEST(errors_are_the_parse_errors)
{
    static const char *const bad[] = {
        /* inside an item, after items were handed out */
        "{\"items\": [" ITEM("a") ", " ITEM("b") ", {\"x\": tru}], \"kind\": \"List\"}",
        "{\"items\": [" ITEM("a") " " ITEM("b") "], \"kind\": \"List\"}",
        "{\"items\": [" ITEM("a") ",], \"kind\": \"List\"}",
        /* in the keys after the items, or a duplicate of one before */
        "{\"items\": [" ITEM("a") "], \"kind\": \"List\", \"kind\": \"List\"}",
        "{\"items\": [" ITEM("a") "], \"kind\": \"List\" \"x\": 1}",
        "{\"items\": [" ITEM("a") "], \"kind\": \"List\"",
        "{\"items\": [" ITEM("a") "], \"kind\": \"List\"}]",
        "{\"items\": [], \"items\": [" ITEM("a") "], \"kind\": \"List\"}",
        /* both: the first one in the text wins */
        "{\"items\": [" ITEM("a") ", {\"x\": 1 2}], \"kind\": \"List\", \"kind\": 1}",
        /* unbalanced: the lookahead fails, the parse says where */
        "{\"items\": [" ITEM("a") ", {\"x\": \"]}\"}, \"kind\": \"List\"}",
        "{\"items\": [" ITEM("a") ", [[[[",
        "{\"items\": [\"unterminated",
        "{\"items\": [1], \"kind\": \"List\"}\n{\"items\": [\x01], \"kind\": \"List\"}",
        "[1, 2, {\"a\": 1,}]",
        "{\"a\": 1}\n\"scalar\"",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        flat f;
        by_parse(bad[i], &f);
        ck_assert_msg(f.rc < 0, "%s parses", bad[i]);
        flat_free(&f);
        same_as_parse(bad[i]);
    }
}
END_TEST

/* Lines and columns after a List (its last keys skipped) are the parse's:
 * the next document's nodes and error positions. */
START_TEST(positions_after_a_list)
{
    const char *src =
        "{\"items\": [\n" ITEM("a") "\n], \"kind\":\n\n\"List\", \"metadata\": {\n"
                                    "}}\n\n  " ITEM("b") "\n {\"items\": [" ITEM(
                                        "c") "], \"kind\": \"List\"}"
                                             "   " ITEM("d") " {\"x\": \n  [1, 2,, 3]}";
    same_as_parse(src);
    char fixed[2048];
    snprintf(fixed, sizeof fixed, "%.*s", (int)(strstr(src, " {\"x\"") - src), src);
    ck_assert_int_eq((int)same_as_parse(fixed), 2);
}
END_TEST

/* An anchor on a merge value, aliased further down: the merge values live
 * until their document is built (they were freed at the end of their map,
 * and the alias read freed memory). Heap and arena trees alike. */
START_TEST(anchor_on_a_merge_value)
{
    const char *src = "a:\n  <<: &base {x: \"1\", y: [2]}\n  z: 3\nb: *base\n"
                      "c:\n  <<: [*base, &more {w: 4}]\nd: *more\n---\ne: 1\n";
    doc_list l;
    doc_list_init(&l);
    mp_err err;
    ck_assert_msg(doc_parse_yaml(src, strlen(src), "m.yaml", &l, &err) == 0, "%s", err.msg);
    doc_reader *r = doc_reader_new(src, strlen(src), "m.yaml", &err);
    for (size_t i = 0; i < l.len; i++) {
        doc_node *d = NULL;
        ck_assert_int_eq(doc_reader_next(r, &d, &err), 1);
        ck_assert(doc_in_arena(d) && doc_equal(d, l.docs[i], true));
        doc_free(d);
    }
    doc_reader_free(r);
    doc_node *d = l.docs[0];
    ck_assert_str_eq(doc_get_str(doc_get(d, "b"), "x"), "1");
    ck_assert_str_eq(doc_get_str(doc_get(d, "a"), "x"), "1");
    ck_assert_str_eq(doc_get_str(doc_get(d, "c"), "w"), "4");
    ck_assert_str_eq(doc_get_str(doc_get(d, "d"), "w"), "4");
    doc_list_free(&l);
}
END_TEST

static Suite *arena_suite(void)
{
    Suite *s = suite_create("doc_arena");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, reader_trees_live_in_arenas_and_equal_the_parse);
    tcase_add_test(tc, edits_of_an_arena_tree);
    tcase_add_test(tc, taken_subtrees_outlive_the_tree);
    tcase_add_test(tc, arena_roots_in_heap_trees_and_big_documents);
    tcase_add_test(tc, kubectl_list_is_read_item_by_item);
    tcase_add_test(tc, what_is_not_a_list_is_read_whole);
    tcase_add_test(tc, errors_are_the_parse_errors);
    tcase_add_test(tc, positions_after_a_list);
    tcase_add_test(tc, anchor_on_a_merge_value);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(arena_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
