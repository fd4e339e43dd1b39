/*
 * test_inputs.c - inputs the API server accepts (issue 8 item 3) and the run's counts
 * (item 4): a null field is absent in every decoder, errors carry the offending field's
 * line, every invalid document and file is reported, apiVersion must match the body,
 * and the plan counts Ingresses read / converted / skipped by reason.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/manifests.h"
#include "model/convert.h"
#include "model/ingress.h"
#include "model/kobj.h"
#include "model/store.h"
#include "tests/unit/doc_helpers.h"

#define ck_assert_has(hay, needle)                                                                 \
    ck_assert_msg(strstr((hay), (needle)) != NULL, "\"%s\" does not contain \"%s\"", (hay),        \
                  (needle))

/* ---- null is absent ------------------------------------------------------------------ */

/* Every optional field null, decoded straight from the parser's tree (no
 * kobj_flatten): the decoder itself must read null as absent. */
static const char *const ING_NULLS =
    "apiVersion: networking.k8s.io/v1\n"
    "kind: Ingress\n"
    "metadata:\n"
    "  name: web\n"
    "  namespace:\n"
    "  creationTimestamp: null\n"
    "  annotations:\n"
    "spec:\n"
    "  ingressClassName: ~\n"
    "  defaultBackend:\n"
    "  tls:\n"
    "  - hosts:\n"
    "    secretName:\n"
    "  - null\n"
    "  rules:\n"
    "  - host: web.example.com\n"
    "    http:\n"
    "      paths:\n"
    "      - path:\n"
    "        pathType:\n"
    "        backend:\n"
    "          resource:\n"
    "          service:\n"
    "            name: web\n"
    "            port: {number: 80, name: null}\n"
    "      - path: /named\n"
    "        pathType: Prefix\n"
    "        backend: {service: {name: web, port: {number: null, name: http}}}\n"
    "  - host:\n"
    "    http:\n"
    "  - null\n"
    "  - host: empty.example.com\n"
    "    http: {paths: null}\n";

START_TEST(ingress_decoder_reads_null_as_absent)
{
    doc_node *o = parse1(ING_NULLS);
    ing_view v;
    mp_err e;
    ck_assert_msg(ingress_decode(o, "ns-x", &v, &e) == 0, "%s", e.msg);
    ck_assert_str_eq(v.ns, "ns-x"); /* namespace: null takes the default, not "null" */
    ck_assert_ptr_null(v.created);
    ck_assert_uint_eq(v.nanns, 0);
    ck_assert_ptr_null(v.class_annotation);
    ck_assert_ptr_null(v.class_name);
    ck_assert(!v.has_default);
    ck_assert_uint_eq(v.ntls, 2);
    ck_assert_ptr_null(v.tls[0].secret);
    ck_assert_uint_eq(v.tls[0].nhosts, 0);
    ck_assert_uint_eq(v.tls[1].nhosts, 0); /* a null entry is an empty one */
    ck_assert_uint_eq(v.nrules, 4);
    ck_assert_uint_eq(v.rules[0].npaths, 2);
    const ing_path *p = &v.rules[0].paths[0];
    ck_assert_str_eq(p->path, "/");
    ck_assert(!p->type_set);
    ck_assert_str_eq(p->backend.service, "web");
    ck_assert_ptr_null(p->backend.resource);
    ck_assert_int_eq(p->backend.port_number, 80);
    ck_assert_ptr_null(p->backend.port_name);
    ck_assert_int_eq(v.rules[0].paths[1].backend.port_number, 0);
    ck_assert_str_eq(v.rules[0].paths[1].backend.port_name, "http");
    ck_assert_ptr_null(v.rules[1].host);
    ck_assert_uint_eq(v.rules[1].npaths, 0);
    ck_assert_ptr_null(v.rules[2].host);
    ck_assert_uint_eq(v.rules[3].npaths, 0);
    ingress_view_free(&v);
    doc_free(o);
}
END_TEST

START_TEST(null_annotation_values_and_class_are_absent)
{
    doc_node *o = parse1("apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
                         "metadata:\n  name: web\n  annotations:\n"
                         "    kubernetes.io/ingress.class: null\n"
                         "    nginx.ingress.kubernetes.io/rewrite-target: ~\n"
                         "spec:\n  defaultBackend: {service: {name: s, port: {number: 80}}}\n");
    ing_view v;
    mp_err e;
    ck_assert_msg(ingress_decode(o, NULL, &v, &e) == 0, "%s", e.msg);
    ck_assert_str_eq(v.ns, "default");
    ck_assert_ptr_null(v.class_annotation);
    ck_assert_ptr_null(ingress_nginx_annotation(&v, "rewrite-target"));
    ck_assert_ptr_null(kobj_annotation(o, "kubernetes.io/ingress.class"));
    ingress_view_free(&v);
    doc_free(o);
}
END_TEST

START_TEST(service_decoder_reads_null_as_absent)
{
    doc_node *o = parse1("apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: null}\n"
                         "spec:\n  ports:\n  - {name: null, port: 80, appProtocol: null}\n");
    svc_view v;
    mp_err e;
    ck_assert_msg(service_decode(o, "ns-x", &v, &e) == 0, "%s", e.msg);
    ck_assert_str_eq(v.ns, "ns-x");
    ck_assert_uint_eq(v.nports, 1);
    ck_assert_ptr_null(v.ports[0].name);
    ck_assert_ptr_null(v.ports[0].app_protocol);
    service_view_free(&v);
    doc_free(o);

    o = parse1("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports:\n");
    ck_assert_msg(service_decode(o, NULL, &v, &e) == 0, "%s", e.msg);
    ck_assert_uint_eq(v.nports, 0);
    service_view_free(&v);
    doc_free(o);
}
END_TEST

START_TEST(kobj_getters_and_drop_nulls)
{
    doc_node *o = parse1("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace:\n"
                         "  labels: {a: null, b: x}\n  annotations:\n"
                         "data:\n  k: null\n  list: [null, 1]\n  nested: {deep: {x: ~}}\n");
    ck_assert_ptr_null(kobj_namespace(o));
    ck_assert_ptr_null(kobj_label(o, "a"));
    ck_assert_str_eq(kobj_label(o, "b"), "x");
    kobj_drop_nulls(o);
    const doc_node *meta = doc_get(o, "metadata");
    ck_assert_ptr_null(doc_get(meta, "namespace"));
    ck_assert_ptr_null(doc_get(meta, "annotations"));
    ck_assert_uint_eq(doc_get(meta, "labels")->len, 1);
    ck_assert_ptr_null(doc_getv(o, "data", "k", NULL));
    /* list items stay: a null item is the zero value of the element */
    ck_assert_uint_eq(doc_getv(o, "data", "list", NULL)->len, 2);
    ck_assert_uint_eq(doc_getv(o, "data", "nested", "deep", NULL)->len, 0);
    /* the surviving keys keep their order */
    ck_assert_str_eq(doc_get(o, "data")->keys[0], "list");
    ck_assert_str_eq(doc_get(o, "data")->keys[1], "nested");
    doc_free(o);
}
END_TEST

/* The store and the annotation rules see objects that skipped kobj_flatten (the console's
 * editor parses what the user typed): a null there is absent too. */
START_TEST(store_and_annotations_read_null_as_absent)
{
    const char *y = "apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
                    "metadata:\n  name: web\n  namespace: ns-a\n  annotations:\n"
                    "    nginx.ingress.kubernetes.io/rewrite-target: null\n"
                    "spec:\n  ingressClassName: null\n  rules:\n  - host: null\n"
                    "  - host: a.example.com\n    http:\n      paths:\n"
                    "      - {path: /, pathType: Prefix, backend: {service: {name: s, port: "
                    "{number: 80}}}}\n";
    mp_store *st = store_new();
    mp_err e;
    ck_assert_int_eq(store_put(st, parse1(y), &e), 1);
    size_t n;
    const char **hs = store_obj_hosts(store_get(st, "Ingress", "ns-a", "web"), &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(hs[0], "a.example.com");
    free(hs);
    store_by_host(st, "null", &n);
    ck_assert_uint_eq(n, 0);
    store_by_host(st, "a.example.com", &n);
    ck_assert_uint_eq(n, 1); /* class null is no class: the Ingress routes */
    store_free(st);

    doc_node *o = parse1(y);
    convert_plan *p = convert_run(&o, 1, NULL, &e);
    ck_assert_ptr_nonnull(p);
    for (size_t i = 0; i < convert_plan_nwarn(p); i++)
        ck_assert_msg(!strstr(convert_plan_warn(p, i)->field, "rewrite-target"), "%s %s",
                      convert_plan_warn(p, i)->code, convert_plan_warn(p, i)->message);
    ck_assert_uint_eq(convert_plan_converted(p), 1);
    convert_plan_free(p);
    doc_free(o);
}
END_TEST

/* ---- positions ------------------------------------------------------------------------ */

#define HEAD                                                                                       \
    "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: ns-a}\n"

/* Decodes yaml's single Ingress, expects an error containing want at line. */
static void expect_at(const char *yaml, int line, const char *want)
{
    doc_node *o = parse1(yaml);
    ing_view v;
    mp_err e;
    int got = -1;
    ck_assert_int_eq(ingress_decode_at(o, NULL, &v, &e, &got), -1);
    ck_assert_has(e.msg, want);
    ck_assert_msg(got == line, "%s: line %d, want %d", e.msg, got, line);
    doc_free(o);
}

START_TEST(errors_carry_the_field_line)
{
    expect_at(HEAD "spec:\n  rules:\n  - host: a.example.com\n    http:\n      paths:\n"
                   "      - path: /\n        pathType: Regex\n"
                   "        backend: {service: {name: s, port: {number: 80}}}\n",
              10, "ingress ns-a/web: spec.rules[0].http.paths[0].pathType: \"Regex\"");
    /* a field whose value is a block: the line of its key, not of the block */
    expect_at(HEAD "spec:\n  rules:\n  - host: a.example.com\n    http:\n      paths:\n"
                   "      - path: /\n        pathType: Prefix\n        backend:\n"
                   "          service:\n            name: s\n",
              12, "spec.rules[0].http.paths[0].backend.service.port: missing");
    /* a missing field: the line of the object holding it */
    expect_at(HEAD "spec:\n  rules:\n  - host: a.example.com\n    http:\n      paths:\n"
                   "      - path: /\n        pathType: Prefix\n",
              9, "spec.rules[0].http.paths[0].backend: missing");
    expect_at(HEAD "spec:\n  rules:\n  - host: Bad_Host\n", 6, "spec.rules[0].host");
    expect_at(HEAD "spec:\n  tls:\n  - hosts: a.example.com\n  rules:\n  - host: a.b\n", 6,
              "spec.tls[0].hosts: not a list");
    expect_at(HEAD "spec:\n  tls:\n  - hosts: [ok.example.com, null]\n  rules:\n  - host: a.b\n", 6,
              "spec.tls[0].hosts[1]");
    /* flow style: positions too */
    expect_at("{apiVersion: networking.k8s.io/v1, kind: Ingress,\n metadata: {name: web},\n"
              " spec: {rules: [{host: a.example.com,\n   http: {paths: [{path: x,\n"
              "     pathType: Prefix}]}}]}}\n",
              4, "spec.rules[0].http.paths[0].path: \"x\" must start with /");
    expect_at(HEAD, 1, "spec: missing");
    expect_at("apiVersion: networking.k8s.io/v2\nkind: Ingress\nmetadata: {name: web}\nspec: {}\n",
              1, "apiVersion: \"networking.k8s.io/v2\"");
}
END_TEST

/* JSON decodes with positions like YAML (issue 12): an error names the line
 * of the field, here the "rules" key on line 3. */
START_TEST(json_has_positions)
{
    doc_list l;
    doc_list_init(&l);
    mp_err e;
    const char *js = "{\"apiVersion\": \"networking.k8s.io/v1\", \"kind\": \"Ingress\",\n"
                     " \"metadata\": {\"name\": \"w\"},\n \"spec\": {\"rules\": 3}}";
    ck_assert_int_eq(doc_parse_json(js, strlen(js), "j.json", &l, &e), 0);
    ing_view v;
    int line = -1;
    ck_assert_int_eq(ingress_decode_at(l.docs[0], NULL, &v, &e, &line), -1);
    ck_assert_str_eq(e.msg, "ingress default/w: spec.rules: not a list");
    ck_assert_int_eq(line, 3);
    doc_list_free(&l);
}
END_TEST

/* ---- apiVersion vs body ---------------------------------------------------------------- */

START_TEST(api_version_must_match_the_body)
{
    const char *paths = "spec:\n  rules:\n  - host: a.example.com\n    http:\n      paths:\n"
                        "      - path: /\n        pathType: Prefix\n        backend:\n";
    char y[1024];
    snprintf(y, sizeof y, "%s%s          serviceName: s\n          servicePort: 80\n", HEAD, paths);
    expect_at(y, 12,
              "ingress ns-a/web: spec.rules[0].http.paths[0].backend.serviceName: unknown field "
              "in networking.k8s.io/v1 (");
    snprintf(y, sizeof y, "%s%s          servicePort: 80\n", HEAD, paths);
    expect_at(y, 12, "backend.servicePort: unknown field in networking.k8s.io/v1");
    expect_at(HEAD "spec:\n  backend: {serviceName: s, servicePort: 80}\n", 5,
              "spec.backend: unknown field in networking.k8s.io/v1 (a v1beta1 field; v1 calls it "
              "spec.defaultBackend)");

    const char *beta = "apiVersion: networking.k8s.io/v1beta1\nkind: Ingress\n"
                       "metadata: {name: web, namespace: ns-a}\n";
    snprintf(y, sizeof y, "%s%s          service: {name: s, port: {number: 80}}\n", beta, paths);
    expect_at(y, 12,
              "spec.rules[0].http.paths[0].backend.service: unknown field in "
              "networking.k8s.io/v1beta1 (service.name and service.port are networking.k8s.io/v1 "
              "fields");
    snprintf(y, sizeof y, "%sspec:\n  defaultBackend: {service: {name: s, port: {number: 80}}}\n",
             beta);
    expect_at(y, 5, "spec.defaultBackend: unknown field in networking.k8s.io/v1beta1");
    expect_at("apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: web}\n"
              "spec:\n  backend: {service: {name: s}}\n",
              5, "spec.backend.service: unknown field in extensions/v1beta1");

    /* each version's own shapes decode; resource backends exist in both */
    const char *ok[] = {
        "apiVersion: networking.k8s.io/v1beta1\nkind: Ingress\nmetadata: {name: w}\nspec:\n"
        "  backend: {serviceName: s, servicePort: http}\n",
        "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: w}\nspec:\n"
        "  backend: {resource: {kind: Bucket, name: b}}\n",
        HEAD "spec:\n  defaultBackend: {resource: {kind: Bucket, name: b}}\n",
        HEAD "spec:\n  defaultBackend: {service: {name: s, port: {name: http}}}\n",
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        doc_node *o = parse1(ok[i]);
        ing_view v;
        mp_err e;
        ck_assert_msg(ingress_decode(o, NULL, &v, &e) == 0, "%zu: %s", i, e.msg);
        ck_assert(v.has_default);
        ingress_view_free(&v);
        doc_free(o);
    }
}
END_TEST

/* ---- every invalid document ------------------------------------------------------------- */

START_TEST(flatten_reports_every_bad_document_with_its_line)
{
    const char *src = "apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: null}\n"
                      "---\nkind: Service\nmetadata: {name: b}\n"
                      "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: 0777\n"
                      "---\napiVersion: v1\nkind: List\nmetadata:\nitems:\n"
                      "---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Service, "
                      "metadata: {name: c}}\n- 7\n";
    doc_list l, objs;
    doc_list_init(&l);
    doc_list_init(&objs);
    mp_err e;
    ck_assert_int_eq(doc_parse_yaml(src, strlen(src), "f.yaml", &l, &e), 0);
    mp_errlist errs;
    mp_errlist_init(&errs);
    ck_assert_int_eq(kobj_flatten_all(&l, &objs, "f.yaml", &errs), 3);
    ck_assert_uint_eq(errs.len, 3);
    ck_assert_str_eq(errs.lines[0], "f.yaml:5: doc 2: apiVersion: missing");
    ck_assert_str_eq(errs.lines[1], "f.yaml:11: doc 3: Service: metadata.name: must be a string, "
                                    "not 0777 (quote it)");
    ck_assert_str_eq(errs.lines[2],
                     "f.yaml:22: doc 5: items[1]: not a Kubernetes object (expected a mapping)");
    /* the good ones: a (namespace: null is absent now) and the List's c; the empty List
     * (items: null) adds nothing */
    ck_assert_uint_eq(objs.len, 2);
    ck_assert_str_eq(kobj_name(objs.docs[0]), "a");
    ck_assert_ptr_null(kobj_namespace(objs.docs[0]));
    ck_assert_ptr_null(doc_getv(objs.docs[0], "metadata", "namespace", NULL));
    ck_assert_str_eq(kobj_name(objs.docs[1]), "c");
    ck_assert_uint_eq(l.len, 0);
    mp_errlist_free(&errs);
    doc_list_free(&objs);
}
END_TEST

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

typedef struct {
    char files[8][300];
    size_t n;
} seen_files;

/* A check that names every Service called "bad" and records the files it saw. */
static void check_bad_services(const char *file, doc_node *const *objs, size_t n, void *ctx,
                               mp_errlist *errs)
{
    seen_files *s = ctx;
    if (s->n < 8)
        snprintf(s->files[s->n++], sizeof s->files[0], "%s", file);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(kobj_name(objs[i]), "bad"))
            mp_errlist_add(errs, "%s:%d: service bad: spec: no", file, objs[i]->line);
}

START_TEST(a_directory_reports_every_broken_file_and_loads_nothing)
{
    char dir[] = "/tmp/meshpanel-inputs-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char a[300], b[300], c[300], d[300];
    snprintf(a, sizeof a, "%s/a-good.yaml", dir);
    snprintf(b, sizeof b, "%s/b-shape.yaml", dir);
    snprintf(c, sizeof c, "%s/c-syntax.yaml", dir);
    snprintf(d, sizeof d, "%s/d-check.yaml", dir);
    write_file(a, "apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: null}\n");
    write_file(b, "apiVersion: v1\nkind: Service\nmetadata: {name: b1}\n---\n"
                  "apiVersion: v1\nkind: Service\nmetadata: {}\n---\n"
                  "apiVersion: v1\nkind: Service\nmetadata: {name: bad}\n");
    write_file(c, "a:\n\tb: 1\n");
    write_file(d, "# bad again\napiVersion: v1\nkind: Service\nmetadata: {name: bad}\n");

    doc_list out;
    doc_list_init(&out);
    mp_errlist errs;
    mp_errlist_init(&errs);
    seen_files seen = {0};
    char dslash[300];
    snprintf(dslash, sizeof dslash, "%s/", dir); /* "DIR/" must not give "DIR//file" */
    ck_assert_int_eq(manifests_load_all(dslash, &out, check_bad_services, &seen, &errs), -1);
    ck_assert_uint_eq(out.len, 0);
    ck_assert_uint_eq(errs.len, 4);
    char want[400];
    /* per file in line order: the shape error (line 7) before the check's (line 9) */
    snprintf(want, sizeof want, "%s:7: doc 2: Service: metadata.name: missing", b);
    ck_assert_str_eq(errs.lines[0], want);
    snprintf(want, sizeof want, "%s:9: service bad: spec: no", b);
    ck_assert_str_eq(errs.lines[1], want);
    snprintf(want, sizeof want, "%s: doc 1: line 2", c); /* libyaml stops: one line */
    ck_assert_has(errs.lines[2], want);
    snprintf(want, sizeof want, "%s:2: service bad: spec: no", d);
    ck_assert_str_eq(errs.lines[3], want);
    /* the check saw each parsed file once, by its own name */
    ck_assert_uint_eq(seen.n, 3);
    ck_assert_str_eq(seen.files[0], a);
    ck_assert_str_eq(seen.files[1], b);
    ck_assert_str_eq(seen.files[2], d);
    mp_errlist_free(&errs);

    /* without the broken files the directory loads, null namespace dropped */
    unlink(b), unlink(c), unlink(d);
    mp_errlist_init(&errs);
    ck_assert_int_eq(manifests_load_all(dir, &out, NULL, NULL, &errs), 0);
    ck_assert_uint_eq(errs.len, 0);
    ck_assert_uint_eq(out.len, 1);
    ck_assert_ptr_null(doc_getv(out.docs[0], "metadata", "namespace", NULL));
    mp_errlist_free(&errs);
    doc_list_free(&out);
    unlink(a);
    rmdir(dir);
}
END_TEST

/* ---- the run's counts ------------------------------------------------------------------- */

static convert_plan *conv_yaml(const char *yaml)
{
    doc_list l, objs;
    doc_list_init(&l);
    doc_list_init(&objs);
    mp_err e;
    ck_assert_msg(doc_parse_yaml(yaml, strlen(yaml), "t.yaml", &l, &e) == 0, "%s", e.msg);
    ck_assert_msg(kobj_flatten(&l, &objs, "t.yaml", &e) == 0, "%s", e.msg);
    convert_plan *p = convert_run(objs.docs, objs.len, NULL, &e);
    ck_assert_msg(p != NULL, "%s", e.msg);
    doc_list_free(&objs);
    return p;
}

#define ING(name, extra, spec)                                                                     \
    "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: " name               \
    "\n  namespace: ns-a\n" extra "spec:\n" spec
#define RULE(host, svc)                                                                            \
    "  rules:\n  - host: " host "\n    http:\n      paths:\n      - path: /\n"                     \
    "        pathType: Prefix\n        backend: {service: {name: " svc ", port: {number: 80}}}\n"

START_TEST(plan_counts_read_converted_and_skipped_by_reason)
{
    convert_plan *p = conv_yaml(
        ING("ok", "", "  ingressClassName: nginx\n" RULE("a.example.com", "a"))
            ING("paused", "", "  ingressClassName: pause\n" RULE("b.example.com", "b"))
                ING("other", "", "  ingressClassName: traefik\n" RULE("c.example.com", "c"))
                    ING("hostless", "",
                        "  ingressClassName: nginx\n  rules:\n  - http:\n      paths:\n"
                        "      - {path: /, pathType: Prefix, backend: {service: {name: d, port: "
                        "{number: 80}}}}\n")
                        ING("hostless2", "",
                            "  ingressClassName: nginx\n  rules:\n  - http:\n      paths:\n"
                            "      - {path: /, pathType: Prefix, backend: {service: {name: d, "
                            "port: {number: 80}}}}\n")
                            ING("nopaths", "",
                                "  ingressClassName: nginx\n  rules:\n  - host: e.example.com\n"
                                "    http:\n"));
    ck_assert_uint_eq(convert_plan_read(p), 6);
    ck_assert_uint_eq(convert_plan_converted(p), 1);
    ck_assert_uint_eq(convert_plan_skipped(p), 5);
    ck_assert_uint_eq(convert_plan_nskip(p), 4);
    /* class filter first (in nginx's order of the Ingresses), then the first error of each
     * Ingress that got no VirtualService, then "" for one without any finding */
    ck_assert_str_eq(convert_plan_skip(p, 0)->code, "MP402");
    ck_assert_str_eq(convert_plan_skip(p, 1)->code, "MP401");
    ck_assert_str_eq(convert_plan_skip(p, 2)->code, "MP206");
    ck_assert_uint_eq(convert_plan_skip(p, 2)->n, 2);
    ck_assert_str_eq(convert_plan_skip(p, 3)->code, "");
    ck_assert_ptr_null(convert_plan_skip(p, 4));
    /* a rule without paths is no finding (nginx answers it 404, as Envoy does) */
    for (size_t i = 0; i < convert_plan_nwarn(p); i++)
        ck_assert_msg(!strstr(convert_plan_warn(p, i)->object, "nopaths"), "%s",
                      convert_plan_warn(p, i)->code);
    ck_assert_uint_eq(convert_plan_count(p, MP_SEV_ERROR), 2);
    ck_assert_uint_eq(convert_plan_count(p, MP_SEV_WARNING), 2);
    ck_assert_uint_eq(convert_plan_count(p, MP_SEV_INFO), 0);
    char *s = convert_plan_summary(p);
    ck_assert_str_eq(s, "6 Ingresses read, 1 converted, 5 skipped (1 MP402 class of another "
                        "controller, 1 MP401 class pause/disable, 2 MP206 rule without host, 1 no "
                        "route generated); findings: 2 errors, 2 warnings, 0 info");
    free(s);
    convert_plan_free(p);
}
END_TEST

START_TEST(summary_of_one_and_of_nothing)
{
    convert_plan *p = conv_yaml(ING("ok", "", RULE("a.example.com", "a")));
    char *s = convert_plan_summary(p);
    ck_assert_str_eq(s, "1 Ingress read, 1 converted, 0 skipped; findings: 0 errors, 0 warnings, "
                        "1 info");
    free(s);
    convert_plan_free(p);

    p = conv_yaml("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n");
    s = convert_plan_summary(p);
    ck_assert_str_eq(s, "0 Ingresses read, 0 converted, 0 skipped; findings: 0 errors, 0 warnings, "
                        "0 info");
    free(s);
    convert_plan_free(p);

    /* -n must be a namespace name */
    doc_node *one = parse1(&ING("ok", "", RULE("a.example.com", "a"))[4]);
    convert_opts badns;
    convert_opts_default(&badns);
    badns.default_namespace = "Bad_NS";
    mp_err be;
    ck_assert_ptr_null(convert_run(&one, 1, &badns, &be));
    ck_assert_str_eq(be.msg, "--namespace: \"Bad_NS\" is not a DNS label");
    doc_free(one);

    /* console mode: an invalid Ingress is read and skipped as MP404 */
    doc_list l;
    doc_list_init(&l);
    mp_err e;
    const char *bad = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: x}\n"
                      "spec: {rules: 3}\n";
    ck_assert_int_eq(doc_parse_yaml(bad, strlen(bad), "b.yaml", &l, &e), 0);
    convert_opts o;
    convert_opts_default(&o);
    o.skip_invalid = true;
    p = convert_run(l.docs, l.len, &o, &e);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(convert_plan_read(p), 1);
    ck_assert_uint_eq(convert_plan_skipped(p), 1);
    ck_assert_str_eq(convert_plan_skip(p, 0)->code, "MP404");
    convert_plan_free(p);
    doc_list_free(&l);
}
END_TEST

static Suite *inputs_suite(void)
{
    Suite *s = suite_create("inputs");
    TCase *tc = tcase_create("inputs");
    tcase_add_test(tc, ingress_decoder_reads_null_as_absent);
    tcase_add_test(tc, null_annotation_values_and_class_are_absent);
    tcase_add_test(tc, service_decoder_reads_null_as_absent);
    tcase_add_test(tc, kobj_getters_and_drop_nulls);
    tcase_add_test(tc, store_and_annotations_read_null_as_absent);
    tcase_add_test(tc, errors_carry_the_field_line);
    tcase_add_test(tc, json_has_positions);
    tcase_add_test(tc, api_version_must_match_the_body);
    tcase_add_test(tc, flatten_reports_every_bad_document_with_its_line);
    tcase_add_test(tc, a_directory_reports_every_broken_file_and_loads_nothing);
    tcase_add_test(tc, plan_counts_read_converted_and_skipped_by_reason);
    tcase_add_test(tc, summary_of_one_and_of_nothing);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(inputs_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
