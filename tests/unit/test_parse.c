/*
 * test_parse.c - decode errors: malformed YAML/JSON names file, document and line; wrong
 * shapes name the object and the field path; loading a directory is all-or-nothing.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/manifests.h"
#include "model/ingress.h"
#include "model/kobj.h"
#include "model/parse.h"

/* Parses src as name; returns the parser's return code, message in err. */
static int parse_err(const char *name, const char *src, mp_err *err)
{
    doc_list l;
    doc_list_init(&l);
    memset(err, 0, sizeof *err);
    int rc = doc_parse_auto(src, strlen(src), name, &l, err);
    if (rc != 0)
        ck_assert_msg(l.len == 0, "%s: a failed parse kept %zu documents", name, l.len);
    doc_list_free(&l);
    return rc;
}

/* Parses and flattens; returns flatten's return code (the parse must succeed). */
static int flatten_err(const char *name, const char *src, mp_err *err)
{
    doc_list l, objs;
    doc_list_init(&l);
    doc_list_init(&objs);
    memset(err, 0, sizeof *err);
    ck_assert_msg(doc_parse_auto(src, strlen(src), name, &l, err) == 0, "%s", err->msg);
    /* kobj_flatten may leave earlier objects in out (its contract); manifests_load is the
     * all-or-nothing layer, checked below. */
    int rc = kobj_flatten(&l, &objs, name, err);
    doc_list_free(&l);
    doc_list_free(&objs);
    return rc;
}

#define ck_assert_has(hay, needle)                                                                 \
    ck_assert_msg(strstr((hay), (needle)) != NULL, "\"%s\" does not contain \"%s\"", (hay),        \
                  (needle))

START_TEST(yaml_syntax_errors_name_file_document_and_line)
{
    mp_err err;
    ck_assert_int_eq(parse_err("tab.yaml", "a:\n\tb: 1\n", &err), -1);
    ck_assert_has(err.msg, "tab.yaml: doc 1: line 2");

    /* the error is in the third document, on line 6 of the stream */
    ck_assert_int_eq(parse_err("third.yaml", "a: 1\n---\nb: 2\n---\nc: [1,\n", &err), -1);
    ck_assert_has(err.msg, "third.yaml: doc 3: line 6");

    ck_assert_int_eq(parse_err("quote.yaml", "kind: x\n---\na: \"unterminated\n", &err), -1);
    ck_assert_has(err.msg, "quote.yaml: doc 2:");
    ck_assert_has(err.msg, "quoted scalar");

    ck_assert_int_eq(parse_err("indent.yaml", "metadata:\n  name: a\n name: b\n", &err), -1);
    ck_assert_has(err.msg, "indent.yaml: doc 1: line 3");

    ck_assert_int_eq(parse_err("dup.yaml", "metadata:\n  name: a\n  name: b\n", &err), -1);
    ck_assert_has(err.msg, "dup.yaml");
    ck_assert_has(err.msg, "duplicate key \"name\"");

    ck_assert_int_eq(parse_err("alias.yaml", "a: *nowhere\n", &err), -1);
    ck_assert_has(err.msg, "alias.yaml: doc 1:");
}
END_TEST

START_TEST(json_syntax_errors_name_file_and_line)
{
    mp_err err;
    ck_assert_int_eq(parse_err("comma.json", "{\"apiVersion\": \"v1\",}", &err), -1);
    ck_assert_has(err.msg, "comma.json: line 1");
    ck_assert_int_eq(parse_err("multi.json", "{\n  \"a\": 1,\n  \"b\": [1, 2\n}\n", &err), -1);
    ck_assert_has(err.msg, "multi.json: line");
    ck_assert_has(err.msg, "malformed JSON");
    ck_assert_int_eq(parse_err("dup.json", "{\"a\": 1, \"a\": 2}", &err), -1);
    ck_assert_has(err.msg, "duplicate key \"a\"");
}
END_TEST

START_TEST(empty_and_comment_only_input_is_no_documents)
{
    doc_list l;
    doc_list_init(&l);
    mp_err err;
    ck_assert_int_eq(doc_parse_auto("", 0, "empty.yaml", &l, &err), 0);
    const char *c = "# nothing here\n---\n---\n";
    ck_assert_int_eq(doc_parse_auto(c, strlen(c), "c.yaml", &l, &err), 0);
    ck_assert_uint_eq(l.len, 0);
    doc_list_free(&l);
}
END_TEST

START_TEST(wrong_shapes_name_document_and_field)
{
    mp_err err;
    ck_assert_int_eq(flatten_err("scalar.yaml", "hello\n", &err), -1);
    ck_assert_str_eq(err.msg, "scalar.yaml:1: doc 1: not a Kubernetes object (expected a mapping)");

    ck_assert_int_eq(flatten_err("nokind.yaml", "apiVersion: v1\nmetadata: {name: a}\n", &err), -1);
    ck_assert_str_eq(err.msg, "nokind.yaml:1: doc 1: kind: missing");

    ck_assert_int_eq(flatten_err("noapi.yaml", "kind: Service\nmetadata: {name: a}\n", &err), -1);
    ck_assert_has(err.msg, "noapi.yaml:1: doc 1: apiVersion");

    ck_assert_int_eq(flatten_err("second.yaml",
                                 "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\n"
                                 "apiVersion: v1\nkind: Service\nmetadata: {name: [a]}\n",
                                 &err),
                     -1);
    /* line 7: the metadata line of the second document */
    ck_assert_has(err.msg, "second.yaml:7: doc 2: Service: metadata.name");

    /* a List item that is not an object names the item */
    ck_assert_int_eq(flatten_err("list.yaml",
                                 "apiVersion: v1\nkind: List\nmetadata: {}\nitems:\n"
                                 "- {apiVersion: v1, kind: Service, metadata: {name: a}}\n- 7\n",
                                 &err),
                     -1);
    ck_assert_str_eq(err.msg, "list.yaml:6: doc 1: items[1]: not a Kubernetes object (expected a "
                              "mapping)");

    /* a JSON array of objects is a list too */
    ck_assert_int_eq(
        flatten_err(
            "arr.json",
            "[{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"a\"}},\n 3]",
            &err),
        -1);
    /* JSON nodes carry their line too (issue 12: invalid objects are named
     * with file:line whatever the format) */
    ck_assert_has(err.msg, "arr.json:2: doc 1: items[1]");
}
END_TEST

#define ING_HEAD                                                                                   \
    "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: ns-a}\n"
#define PATH_OK                                                                                    \
    "      - path: /\n        pathType: Prefix\n        backend: {service: {name: s, port: "       \
    "{number: 80}}}\n"
#define RULE_HEAD "spec:\n  rules:\n  - host: app.cloud.sealos.io\n    http:\n      paths:\n"

/* Decodes the single Ingress or Service in src; returns the decoder's rc. */
static int decode_err(const char *src, mp_err *err)
{
    doc_list l, objs;
    doc_list_init(&l);
    doc_list_init(&objs);
    memset(err, 0, sizeof *err);
    ck_assert_msg(doc_parse_yaml(src, strlen(src), "t.yaml", &l, err) == 0, "%s", err->msg);
    ck_assert_msg(kobj_flatten(&l, &objs, "t.yaml", err) == 0, "%s", err->msg);
    ck_assert_uint_eq(objs.len, 1);
    int rc;
    if (!strcmp(kobj_kind(objs.docs[0]), "Service")) {
        svc_view v;
        rc = service_decode(objs.docs[0], "default", &v, err);
        if (rc == 0)
            service_view_free(&v);
    } else {
        ing_view v;
        rc = ingress_decode(objs.docs[0], "default", &v, err);
        if (rc == 0)
            ingress_view_free(&v);
    }
    doc_list_free(&l);
    doc_list_free(&objs);
    return rc;
}

START_TEST(ingress_shape_errors_name_object_and_field_path)
{
    mp_err err;
    /* the message format the issue gives, to the byte */
    ck_assert_int_eq(decode_err(ING_HEAD RULE_HEAD PATH_OK
                                "      - path: /x\n        pathType: Regex\n        backend: "
                                "{service: {name: s, port: {number: 80}}}\n",
                                &err),
                     -1);
    ck_assert_str_eq(err.msg, "ingress ns-a/web: spec.rules[0].http.paths[1].pathType: \"Regex\" "
                              "is not Exact|Prefix|ImplementationSpecific");

    ck_assert_int_eq(decode_err(ING_HEAD "spec:\n  rules: {host: a}\n", &err), -1);
    ck_assert_str_eq(err.msg, "ingress ns-a/web: spec.rules: not a list");

    ck_assert_int_eq(decode_err(ING_HEAD RULE_HEAD
                                "      - path: /\n        pathType: Prefix\n        backend: "
                                "{service: {name: s}}\n",
                                &err),
                     -1);
    ck_assert_has(err.msg, "ingress ns-a/web: spec.rules[0].http.paths[0].backend.service.port");

    ck_assert_int_eq(decode_err(ING_HEAD RULE_HEAD
                                "      - path: /\n        pathType: Prefix\n        backend: "
                                "{service: {name: s, port: {number: 70000}}}\n",
                                &err),
                     -1);
    ck_assert_has(err.msg, "spec.rules[0].http.paths[0].backend.service.port.number");
    ck_assert_has(err.msg, "70000");

    ck_assert_int_eq(
        decode_err(ING_HEAD RULE_HEAD "      - path: /\n        pathType: Prefix\n", &err), -1);
    ck_assert_has(err.msg, "ingress ns-a/web: spec.rules[0].http.paths[0].backend");

    ck_assert_int_eq(decode_err(ING_HEAD RULE_HEAD
                                "      - path: api\n        pathType: Prefix\n        backend: "
                                "{service: {name: s, port: {number: 80}}}\n",
                                &err),
                     -1);
    ck_assert_has(err.msg, "spec.rules[0].http.paths[0].path");

    ck_assert_int_eq(decode_err(ING_HEAD "spec:\n  rules:\n  - host: Bad_Host..io\n    http:\n"
                                         "      paths:\n" PATH_OK,
                                &err),
                     -1);
    ck_assert_has(err.msg, "ingress ns-a/web: spec.rules[0].host: \"Bad_Host..io\"");

    ck_assert_int_eq(
        decode_err(ING_HEAD RULE_HEAD PATH_OK "  tls:\n  - hosts: app.cloud.sealos.io\n", &err),
        -1);
    ck_assert_str_eq(err.msg, "ingress ns-a/web: spec.tls[0].hosts: not a list");

    ck_assert_int_eq(decode_err(ING_HEAD "spec: {}\n", &err), -1);
    ck_assert_has(err.msg, "ingress ns-a/web: spec");

    /* the namespace default is used in the message when metadata.namespace is absent */
    ck_assert_int_eq(decode_err("apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
                                "metadata: {name: web}\nspec:\n  rules: 3\n",
                                &err),
                     -1);
    ck_assert_has(err.msg, "ingress default/web: spec.rules");
}
END_TEST

START_TEST(valid_shapes_decode)
{
    mp_err err;
    ck_assert_int_eq(decode_err(ING_HEAD RULE_HEAD PATH_OK, &err), 0);
    /* v1beta1 names decode into the same view */
    ck_assert_int_eq(decode_err("apiVersion: networking.k8s.io/v1beta1\nkind: Ingress\n"
                                "metadata: {name: old, namespace: ns-a}\nspec:\n"
                                "  backend: {serviceName: s, servicePort: 80}\n  rules:\n"
                                "  - host: a.b\n    http:\n      paths:\n      - path: /\n"
                                "        backend: {serviceName: s, servicePort: http}\n",
                                &err),
                     0);
    ck_assert_int_eq(decode_err("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n"
                                "  ports:\n  - {name: http, port: 80}\n",
                                &err),
                     0);
}
END_TEST

START_TEST(service_shape_errors)
{
    mp_err err;
    ck_assert_int_eq(decode_err("apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: "
                                "ns-a}\nspec:\n  ports:\n  - name: http\n    port: http\n",
                                &err),
                     -1);
    ck_assert_has(err.msg, "service ns-a/s: spec.ports[0].port");
}
END_TEST

/* --- files and directories (api/manifests) --- */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

START_TEST(directory_errors_name_the_file_and_keep_nothing)
{
    char dir[] = "/tmp/meshpanel-parse-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char sub[256], good[256], bad[256], json[256], notes[256];
    snprintf(sub, sizeof sub, "%s/tenant", dir);
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    snprintf(good, sizeof good, "%s/a-good.yaml", dir);
    snprintf(json, sizeof json, "%s/b.json", dir);
    snprintf(bad, sizeof bad, "%s/tenant/bad.yaml", dir);
    snprintf(notes, sizeof notes, "%s/notes.txt", dir);
    write_file(good, "apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: ns-a}\n");
    write_file(json, "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": "
                     "\"b\"}}\n");
    write_file(notes, "this: is: not yaml: [\n"); /* not a manifest extension: skipped */
    write_file(bad, "apiVersion: v1\nkind: Service\nmetadata: {name: c}\n---\nmetadata: [\n");

    doc_list out;
    doc_list_init(&out);
    mp_err err = {{0}};
    ck_assert_int_eq(manifests_load(dir, &out, &err), -1);
    ck_assert_has(err.msg, "tenant/bad.yaml: doc 2: line");
    ck_assert_uint_eq(out.len, 0); /* all or nothing */

    /* without the bad file the directory loads: yaml + json, the .txt ignored */
    ck_assert_int_eq(unlink(bad), 0);
    ck_assert_msg(manifests_load(dir, &out, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(out.len, 2);
    doc_list_free(&out);

    /* a document of the wrong shape in a file names file and document */
    write_file(bad, "apiVersion: v1\nkind: Service\nmetadata: {name: c}\n---\n- 1\n- 2\n");
    doc_list_init(&out);
    ck_assert_int_eq(manifests_load(bad, &out, &err), -1);
    ck_assert_has(err.msg, "bad.yaml:5: doc 2: items[0]");
    ck_assert_uint_eq(out.len, 0);

    char missing[300];
    snprintf(missing, sizeof missing, "%s/nope.yaml", dir);
    ck_assert_int_eq(manifests_load(missing, &out, &err), -1);
    ck_assert_has(err.msg, "nope.yaml");

    unlink(bad);
    unlink(good);
    unlink(json);
    unlink(notes);
    rmdir(sub);
    rmdir(dir);
    doc_list_free(&out);
}
END_TEST

static Suite *parse_suite(void)
{
    Suite *s = suite_create("parse");
    TCase *tc = tcase_create("errors");
    tcase_add_test(tc, yaml_syntax_errors_name_file_document_and_line);
    tcase_add_test(tc, json_syntax_errors_name_file_and_line);
    tcase_add_test(tc, empty_and_comment_only_input_is_no_documents);
    tcase_add_test(tc, wrong_shapes_name_document_and_field);
    tcase_add_test(tc, ingress_shape_errors_name_object_and_field_path);
    tcase_add_test(tc, valid_shapes_decode);
    tcase_add_test(tc, service_shape_errors);
    tcase_add_test(tc, directory_errors_name_the_file_and_keep_nothing);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(parse_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
