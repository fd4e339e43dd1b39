/* test_source_apply.c - apply on the demo (memory) and on a manifest
 * directory, where a re-scan meets the applied objects. The live cluster's
 * apply runs against the test API server in tests/scripts/test_source_apply.sh. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/source.h"
#include "model/doc.h"
#include "model/parse.h"

static char tmp[64];

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmp, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void setup(void)
{
    snprintf(tmp, sizeof tmp, "/tmp/mp-apply-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmp));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    ck_assert_int_eq(system(cmd), 0);
    unsetenv("MESHPANEL_DEMO_DIR");
}

static const char *vs_yaml(const char *name, const char *host)
{
    static char buf[512];
    snprintf(buf, sizeof buf,
             "apiVersion: networking.istio.io/v1\nkind: VirtualService\n"
             "metadata: {name: %s, namespace: ns-x}\nspec: {hosts: [%s]}\n",
             name, host);
    return buf;
}

static doc_node *parse_one(const char *yaml)
{
    doc_list l;
    doc_list_init(&l);
    ck_assert_int_eq(doc_parse_yaml(yaml, strlen(yaml), "t", &l, NULL), 0);
    ck_assert_uint_eq(l.len, 1);
    doc_node *d = doc_list_take(&l, 0);
    doc_list_free(&l);
    return d;
}

/* The first host of VirtualService ns-x/name in the store, or NULL. */
static const char *host_of(mp_store *st, const char *name)
{
    const store_obj *o = store_get(st, "VirtualService", "ns-x", name);
    return o ? doc_str(doc_at(doc_getv(o->doc, "spec", "hosts", NULL), 0)) : NULL;
}

START_TEST(demo_keeps_applied_objects_across_rescans)
{
    write_file("a.yaml", vs_yaml("a", "file.example.com"));
    write_file("b.yaml", vs_yaml("other", "other.example.com"));
    setenv("MESHPANEL_DEMO_DIR", tmp, 1);
    mp_err err = {{0}};
    mp_source *src = source_demo_new(NULL, NULL, &err);
    ck_assert_msg(src, "%s", err.msg);
    mp_store *st = store_new();
    ck_assert_int_eq(source_open(src, st, &err), 0);
    ck_assert(!source_read_only(src));
    ck_assert_str_eq(source_apply_target(src), "demo: changes are kept in memory");

    doc_node *objs[2] = {parse_one(vs_yaml("a", "mine.example.com")),
                         parse_one(vs_yaml("new", "new.example.com"))};
    apply_result res[2];
    ck_assert_int_eq(source_apply(src, st, objs, 2, res, &err), 0);
    ck_assert_int_eq(res[0].status, APPLY_CONFIGURED);
    ck_assert_int_eq(res[1].status, APPLY_CREATED);
    ck_assert_str_eq(host_of(st, "a"), "mine.example.com");
    ck_assert_ptr_nonnull(strstr(source_status(src), "2 applied in memory"));

    /* the same again: unchanged */
    ck_assert_int_eq(source_apply(src, st, objs, 2, res, &err), 0);
    ck_assert_int_eq(res[0].status, APPLY_UNCHANGED);
    ck_assert_int_eq(res[1].status, APPLY_UNCHANGED);

    /* the demo file of "a" changes (size too) and is re-read: memory wins */
    write_file("a.yaml", vs_yaml("a", "changed-on-disk.example.com"));
    ck_assert_int_ge(source_refresh(src, st, &err), 0);
    ck_assert_str_eq(host_of(st, "a"), "mine.example.com");
    ck_assert_str_eq(host_of(st, "new"), "new.example.com");

    /* the file goes away: its objects go, the applied ones stay (poll path) */
    char path[256];
    snprintf(path, sizeof path, "%s/a.yaml", tmp);
    ck_assert_int_eq(unlink(path), 0);
    ck_assert_int_ge(source_step(src, st, NULL, 0, 1LL << 40, &err), 0);
    ck_assert_str_eq(host_of(st, "a"), "mine.example.com");
    ck_assert_str_eq(host_of(st, "new"), "new.example.com");
    ck_assert_str_eq(host_of(st, "other"), "other.example.com");

    /* nothing was written to the demo directory */
    snprintf(path, sizeof path, "%s/istio", tmp);
    ck_assert_int_ne(access(path, F_OK), 0);
    doc_free(objs[0]);
    doc_free(objs[1]);
    store_free(st);
    source_free(src);
}
END_TEST

START_TEST(dir_refuses_an_object_two_files_define)
{
    write_file("one.yaml", vs_yaml("a", "one.example.com"));
    write_file("two.yaml", vs_yaml("a", "two.example.com"));
    mp_err err = {{0}};
    mp_source *src = source_manifest_new(tmp, &err);
    ck_assert_msg(src, "%s", err.msg);
    mp_store *st = store_new();
    ck_assert_int_eq(source_open(src, st, &err), 0);
    ck_assert(!source_read_only(src));
    doc_node *objs[2] = {parse_one(vs_yaml("fresh", "fresh.example.com")),
                         parse_one(vs_yaml("a", "mine.example.com"))};
    apply_result res[2];
    ck_assert_int_eq(source_apply(src, st, objs, 2, res, &err), 1);
    ck_assert_int_eq(res[0].status, APPLY_NOT_RUN);
    ck_assert_int_eq(res[1].status, APPLY_FAILED);
    ck_assert_ptr_nonnull(strstr(res[1].msg, "is defined in both"));
    char path[256];
    snprintf(path, sizeof path, "%s/istio", tmp);
    ck_assert_int_ne(access(path, F_OK), 0);

    /* the fresh one alone is written, and the store has it at once */
    ck_assert_int_eq(source_apply(src, st, objs, 1, res, &err), 0);
    ck_assert_int_eq(res[0].status, APPLY_CREATED);
    ck_assert_str_eq(res[0].msg, "istio/ns-x/virtualservice-fresh.yaml");
    ck_assert_str_eq(host_of(st, "fresh"), "fresh.example.com");
    doc_free(objs[0]);
    doc_free(objs[1]);
    store_free(st);
    source_free(src);
}
END_TEST

START_TEST(single_file_is_read_only_and_refused)
{
    write_file("one.yaml", vs_yaml("a", "one.example.com"));
    char path[256];
    snprintf(path, sizeof path, "%s/one.yaml", tmp);
    mp_err err = {{0}};
    mp_source *src = source_manifest_new(path, &err);
    ck_assert_msg(src, "%s", err.msg);
    mp_store *st = store_new();
    ck_assert_int_eq(source_open(src, st, &err), 0);
    ck_assert(source_read_only(src));
    doc_node *obj = parse_one(vs_yaml("a", "mine.example.com"));
    apply_result res[1];
    ck_assert_int_eq(source_apply(src, st, &obj, 1, res, &err), -1);
    ck_assert_str_eq(err.msg, "apply needs a directory: -f names a file");
    ck_assert_str_eq(host_of(st, "a"), "one.example.com");
    doc_free(obj);
    store_free(st);
    source_free(src);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("source_apply");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, demo_keeps_applied_objects_across_rescans);
    tcase_add_test(tc, dir_refuses_an_object_two_files_define);
    tcase_add_test(tc, single_file_is_read_only_and_refused);
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
