/*
 * test_convert_stream.c - the conversion fed one object at a time.
 *
 * For every golden input (tests/golden/<case>/input.yaml): read one document
 * at a time (doc_reader), each object given to convert_add and its tree freed
 * at once, the plan kept as YAML text (yaml_text), must give byte for byte
 * what convert_run gives on the whole list (its trees encoded as one
 * stream), with the same findings and summary, or fail with the same error.
 * Also: doc_reader hands out doc_parse_yaml's documents and fails with its
 * message; a view made to own its strings outlives its tree.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/convert.h"
#include "model/emit.h"
#include "model/ingress.h"
#include "model/kobj.h"
#include "model/parse.h"
#include "model/strbuf.h"

#define GOLDEN_DIR TEST_DATA_DIR "/../golden"

static char **cases;
static size_t ncases;

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    strbuf sb;
    strbuf_init(&sb);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        strbuf_append(&sb, buf, n);
    fclose(f);
    return strbuf_detach(&sb, len);
}

/* Findings and the summary line, one a line. */
static char *findings(const convert_plan *p)
{
    strbuf sb;
    strbuf_init(&sb);
    for (size_t i = 0; i < convert_plan_nwarn(p); i++) {
        char *line = mp_warning_format(convert_plan_warn(p, i));
        strbuf_printf(&sb, "%s\n", line ? line : "?");
        free(line);
    }
    char *sum = convert_plan_summary(p);
    strbuf_printf(&sb, "%s\n", sum ? sum : "?");
    free(sum);
    return strbuf_detach(&sb, NULL);
}

/* convert_run over every object of buf; out: the YAML stream, or NULL
 * with err. */
static convert_plan *whole(const char *buf, size_t len, char **out, mp_err *err)
{
    doc_list docs, objs;
    doc_list_init(&docs);
    doc_list_init(&objs);
    *out = NULL;
    if (doc_parse_auto(buf, len, "input.yaml", &docs, err) < 0 ||
        kobj_flatten(&docs, &objs, "input.yaml", err) < 0) {
        doc_list_free(&docs);
        doc_list_free(&objs);
        return NULL;
    }
    convert_plan *p = convert_run(objs.docs, objs.len, NULL, err);
    doc_list_free(&objs);
    if (!p)
        return NULL;
    size_t n = convert_plan_len(p), olen = 0;
    doc_node **v = calloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = (doc_node *)convert_plan_obj(p, i);
    *out = n ? doc_emit_yaml_stream(v, n, &olen, err) : strdup("");
    free(v);
    return p;
}

/* The same, one document at a time, each tree freed once added. */
static convert_plan *streamed(const char *buf, size_t len, char **out, mp_err *err)
{
    convert_opts o;
    convert_opts_default(&o);
    o.yaml_text = true;
    *out = NULL;
    convert_state *s = convert_new(&o, err);
    doc_reader *r = s ? doc_reader_new(buf, len, "input.yaml", err) : NULL;
    doc_node *d;
    int got = 0, rc = 0;
    size_t index = 0;
    mp_errlist errs;
    mp_errlist_init(&errs);
    while (r && rc == 0 && (got = doc_reader_next(r, &d, err)) > 0) {
        doc_list objs;
        doc_list_init(&objs);
        kobj_flatten_doc(d, ++index, &objs, "input.yaml", &errs);
        for (size_t i = 0; i < objs.len && rc == 0; i++)
            rc = convert_add(s, objs.docs[i], err);
        doc_list_free(&objs); /* the trees are gone before the conversion runs */
    }
    doc_reader_free(r);
    if (!r || got < 0 || rc < 0 || errs.len) {
        mp_errlist_free(&errs);
        convert_abandon(s);
        return NULL;
    }
    mp_errlist_free(&errs);
    convert_plan *p = convert_finish(s, err);
    strbuf sb;
    strbuf_init(&sb);
    for (size_t i = 0; p && i < convert_plan_len(p); i++) {
        size_t n = 0;
        const char *y = convert_plan_yaml(p, i, &n);
        ck_assert_ptr_nonnull(y);
        ck_assert_ptr_null(convert_plan_obj(p, i)); /* no tree kept */
        if (i)
            strbuf_puts(&sb, "---\n");
        strbuf_append(&sb, y, n);
    }
    *out = p ? strbuf_detach(&sb, NULL) : NULL;
    if (!*out && p)
        *out = strdup("");
    strbuf_free(&sb);
    return p;
}

START_TEST(streamed_equals_whole)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/input.yaml", GOLDEN_DIR, cases[_i]);
    size_t len = 0;
    char *buf = read_all(path, &len);
    ck_assert_msg(buf != NULL, "%s: cannot read", path);
    mp_err e1 = {""}, e2 = {""};
    char *y1, *y2;
    convert_plan *p1 = whole(buf, len, &y1, &e1);
    convert_plan *p2 = streamed(buf, len, &y2, &e2);
    ck_assert_msg(!p1 == !p2, "%s: whole %s (%s), streamed %s (%s)", cases[_i],
                  p1 ? "ok" : "failed", e1.msg, p2 ? "ok" : "failed", e2.msg);
    if (!p1 && *e1.msg && strncmp(e1.msg, "input.yaml", 10)) /* a conversion error */
        ck_assert_str_eq(e2.msg, e1.msg);
    if (p1) {
        ck_assert_msg(!strcmp(y1, y2), "%s: the streamed YAML differs", cases[_i]);
        char *f1 = findings(p1), *f2 = findings(p2);
        ck_assert_str_eq(f2, f1);
        free(f1);
        free(f2);
    }
    free(y1);
    free(y2);
    convert_plan_free(p1);
    convert_plan_free(p2);
    free(buf);
}
END_TEST

/* Text mode writes most routes without a tree (convert_routes.c
 * route_direct) and hands a VirtualService back to the tree path when
 * yaml_w cannot write it: inputs for what the golden cases do not reach.
 * Each must give the tree mode's bytes and findings, once each. */
#define ING_HEAD                                                                                   \
    "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n"                    \
    "  namespace: ns-a\n  annotations:\n    kubernetes.io/ingress.class: nginx\n"
#define ING_RULE(path)                                                                             \
    "spec:\n  rules:\n  - host: a.example.com\n    http:\n      paths:\n"                          \
    "      - path: " path "\n        pathType: Prefix\n        backend:\n"                         \
    "          service: {name: svc, port: {name: http}}\n"
#define LONG_HDR                                                                                   \
    "X-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"  \
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static const char *const text_inputs[] = {
    /* a header name longer than 128 bytes: libyaml writes "? key", yaml_w
     * hands the VirtualService back after its route reported MP201 */
    ING_HEAD "    nginx.ingress.kubernetes.io/server-snippet: |\n"
             "      add_header " LONG_HDR " v;\n" ING_RULE("/p"),
    /* the same on a route's own configuration-snippet, the host's other
     * routes before and after it written directly */
    ING_HEAD
    "    nginx.ingress.kubernetes.io/configuration-snippet: |\n"
    "      add_header " LONG_HDR " v;\n"
    "spec:\n  rules:\n  - host: a.example.com\n    http:\n      paths:\n"
    "      - {path: /a, pathType: Prefix, backend: {service: {name: s, port: {name: x}}}}\n"
    "      - {path: /b, pathType: Exact, backend: {service: {name: s, port: {number: 1}}}}\n"
    "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: other\n"
    "  namespace: ns-a\n  annotations:\n    kubernetes.io/ingress.class: nginx\n"
    "    nginx.ingress.kubernetes.io/proxy-read-timeout: '30'\n"
    "    nginx.ingress.kubernetes.io/proxy-next-upstream-tries: '3'\n"
    "    nginx.ingress.kubernetes.io/enable-cors: 'true'\n"
    "spec:\n  rules:\n  - host: a.example.com\n    http:\n      paths:\n"
    "      - {path: /c, pathType: Prefix, backend: {service: {name: s, port: {number: 2}}}}\n",
    /* every path dropped (MP204, then MP210): no VirtualService, host off the Gateway */
    ING_HEAD "    nginx.ingress.kubernetes.io/use-regex: 'true'\n" ING_RULE("/a(b"),
    /* a closed route (auth-type without auth-secret: 503), app-root, a canary and a slash redirect
     */
    ING_HEAD
    "    nginx.ingress.kubernetes.io/auth-type: basic\n"
    "    nginx.ingress.kubernetes.io/app-root: /app\n"
    "spec:\n  rules:\n  - host: a.example.com\n    http:\n      paths:\n"
    "      - {path: /x/, pathType: Prefix, backend: {service: {name: s, port: {number: 1}}}}\n"
    "  - host: b.example.com\n    http:\n      paths:\n"
    "      - {path: /y, pathType: Prefix, backend: {service: {name: s, port: {number: 1}}}}\n"
    "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: can\n"
    "  namespace: ns-a\n  annotations:\n    kubernetes.io/ingress.class: nginx\n"
    "    nginx.ingress.kubernetes.io/canary: 'true'\n"
    "    nginx.ingress.kubernetes.io/canary-weight: '30'\n"
    "spec:\n  rules:\n  - host: b.example.com\n    http:\n      paths:\n"
    "      - {path: /y, pathType: Prefix, backend: {service: {name: t, port: {number: 2}}}}\n",
    /* DestinationRules written from their trafficPolicy (dr_text): TLS, load
     * balancing, a consistent hash, a connect timeout, ports by name and
     * number, one Service asked for by two Ingresses */
    ING_HEAD
    "    nginx.ingress.kubernetes.io/backend-protocol: HTTPS\n"
    "    nginx.ingress.kubernetes.io/load-balance: ewma\n"
    "    nginx.ingress.kubernetes.io/proxy-connect-timeout: '7'\n"
    "spec:\n  rules:\n  - host: a.example.com\n    http:\n      paths:\n"
    "      - {path: /a, pathType: Prefix, backend: {service: {name: s, port: {number: 8443}}}}\n"
    "      - {path: /b, pathType: Prefix, backend: {service: {name: s, port: {name: https}}}}\n"
    "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: two\n"
    "  namespace: ns-a\n  annotations:\n    kubernetes.io/ingress.class: nginx\n"
    "    nginx.ingress.kubernetes.io/backend-protocol: GRPCS\n"
    "    nginx.ingress.kubernetes.io/upstream-hash-by: $request_uri\n"
    "spec:\n  rules:\n  - host: b.example.com\n    http:\n      paths:\n"
    "      - {path: /g, pathType: Prefix, backend: {service: {name: g, port: {number: 9}}}}\n"
    "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: three\n"
    "  namespace: ns-b\n  annotations:\n    kubernetes.io/ingress.class: nginx\n"
    "    nginx.ingress.kubernetes.io/affinity: cookie\n"
    "    nginx.ingress.kubernetes.io/session-cookie-name: route\n"
    "    nginx.ingress.kubernetes.io/backend-protocol: GRPC\n"
    "spec:\n  rules:\n  - host: c.example.com\n    http:\n      paths:\n"
    "      - {path: /, pathType: Prefix, backend: {service: {name: h, port: {number: 80}}}}\n",
    /* strings a YAML 1.1 reader takes for something else, where the text
     * mode writes a head or a route at once (yaml_w_entries_of declines
     * them and the calls quote them): a namespace "123", a host "on", a
     * Service "no" */
    "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: \"yes\"\n"
    "  namespace: \"123\"\n  annotations:\n    kubernetes.io/ingress.class: nginx\n"
    "    nginx.ingress.kubernetes.io/proxy-read-timeout: '30'\n"
    "spec:\n  rules:\n  - host: \"on\"\n    http:\n      paths:\n"
    "      - {path: /a, pathType: Prefix, backend: {service: {name: s, port: {number: 2}}}}\n"
    "      - {path: \"/b:c\", pathType: Exact, backend: {service: {name: \"no\", port: {number: "
    "3}}}}\n",
};

START_TEST(text_routes_equal_tree_routes)
{
    const char *in = text_inputs[_i];
    mp_err e1 = {""}, e2 = {""};
    char *y1, *y2;
    convert_plan *p1 = whole(in, strlen(in), &y1, &e1);
    convert_plan *p2 = streamed(in, strlen(in), &y2, &e2);
    ck_assert_msg(p1 && p2, "input %d: %s / %s", _i, e1.msg, e2.msg);
    ck_assert_str_eq(y2, y1);
    char *f1 = findings(p1), *f2 = findings(p2);
    ck_assert_str_eq(f2, f1);
    /* what each input is there for is in the output */
    static const char *const want[] = {"? " LONG_HDR, "? " LONG_HDR,           "MP210",
                                       "status: 503", "kind: DestinationRule", "- \"on\"\n"};
    ck_assert_msg(strstr(y1, want[_i]) || strstr(f1, want[_i]), "input %d: no %s", _i, want[_i]);
    /* the DestinationRules (written by policy_text, not from a tree): each
     * setting at the Service's top (a port by name no Service gives) and
     * per port */
    static const char *const dr_parts[] = {
        "      simple: LEAST_REQUEST\n",
        "        connectTimeout: 7s\n",
        "      insecureSkipVerify: true\n",
        "    portLevelSettings:\n    - port:\n        number: 8443\n",
        "          h2UpgradePolicy: UPGRADE\n",
        "        consistentHash:\n"};
    for (size_t k = 0; _i == 4 && k < sizeof dr_parts / sizeof *dr_parts; k++)
        ck_assert_msg(strstr(y2, dr_parts[k]), "no %s in %s", dr_parts[k], y2);
    free(f1);
    free(f2);
    free(y1);
    free(y2);
    convert_plan_free(p1);
    convert_plan_free(p2);
}
END_TEST

/* doc_reader: doc_parse_yaml's documents (empty ones skipped), and its
 * error, doc index and line, when the stream breaks. */
START_TEST(reader_matches_parse)
{
    const char *ok = "a: 1\n---\n---\nb: [x, y]\n---\nc: {d: e}\n";
    const char *bad = "a: 1\n---\nb: 2\n---\nc: [unclosed\nd: 4\n";
    const char *texts[] = {ok, bad};
    for (int t = 0; t < 2; t++) {
        doc_list l;
        doc_list_init(&l);
        mp_err e1 = {""}, e2 = {""};
        int rc1 = doc_parse_yaml(texts[t], strlen(texts[t]), "s.yaml", &l, &e1);
        doc_list got;
        doc_list_init(&got);
        doc_reader *r = doc_reader_new(texts[t], strlen(texts[t]), "s.yaml", &e2);
        ck_assert_ptr_nonnull(r);
        doc_node *d;
        int rc2;
        while ((rc2 = doc_reader_next(r, &d, &e2)) > 0)
            doc_list_push(&got, d);
        doc_reader_free(r);
        ck_assert_int_eq(rc1 < 0, rc2 < 0);
        if (rc1 < 0) {
            ck_assert_str_eq(e2.msg, e1.msg);
            ck_assert_uint_eq(got.len, 2); /* what came before the break */
        } else {
            ck_assert_uint_eq(got.len, l.len);
            ck_assert_uint_eq(got.len, 3);
            for (size_t i = 0; i < l.len; i++)
                ck_assert(doc_equal(got.docs[i], l.docs[i], true));
        }
        doc_list_free(&l);
        doc_list_free(&got);
    }
}
END_TEST

START_TEST(owned_view_outlives_its_tree)
{
    const char *y = "apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
                    "metadata:\n  name: web\n  namespace: ns-a\n  annotations:\n"
                    "    kubernetes.io/ingress.class: nginx\n"
                    "    nginx.ingress.kubernetes.io/rewrite-target: /x\n"
                    "    example.com/other: dropped\n"
                    "spec:\n  tls:\n  - hosts: [a.example.com]\n    secretName: cert\n"
                    "  rules:\n  - host: a.example.com\n    http:\n      paths:\n"
                    "      - path: /p\n        pathType: Prefix\n        backend:\n"
                    "          service: {name: svc, port: {name: http}}\n";
    doc_list l;
    doc_list_init(&l);
    mp_err err;
    ck_assert_int_eq(doc_parse_yaml(y, strlen(y), "i.yaml", &l, &err), 0);
    ing_view v;
    ck_assert_int_eq(ingress_decode(l.docs[0], "default", &v, &err), 0);
    ck_assert_int_eq(ingress_view_own(&v, NULL), 0);
    doc_list_free(&l); /* under ASan a borrowed string would now be a use after free */
    ck_assert_ptr_null(v.obj);
    ck_assert_str_eq(v.name, "web");
    ck_assert_str_eq(v.ns, "ns-a");
    ck_assert_str_eq(v.class_annotation, "nginx");
    ck_assert_str_eq(v.rules[0].host, "a.example.com");
    ck_assert_str_eq(v.rules[0].paths[0].path, "/p");
    ck_assert_str_eq(v.rules[0].paths[0].backend.service, "svc");
    ck_assert_str_eq(v.rules[0].paths[0].backend.port_name, "http");
    ck_assert_str_eq(v.tls[0].hosts[0], "a.example.com");
    ck_assert_str_eq(v.tls[0].secret, "cert");
    ck_assert_str_eq(ingress_nginx_annotation(&v, "rewrite-target"), "/x");
    ck_assert_uint_eq(v.nanns, 3);
    ingress_view_free(&v);
}
END_TEST

static bool only_nginx(const char *key)
{
    return !strncmp(key, NGINX_ANNOTATION_PREFIX, strlen(NGINX_ANNOTATION_PREFIX));
}

START_TEST(owned_view_keeps_chosen_annotations)
{
    const char *y = "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: n}\n"
                    "spec:\n  ports:\n  - {name: http, port: 80, appProtocol: h2c}\n"
                    "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\n"
                    "metadata:\n  name: web\n  annotations:\n"
                    "    example.com/other: dropped\n"
                    "    nginx.ingress.kubernetes.io/use-regex: 'true'\n"
                    "spec:\n  defaultBackend:\n    service: {name: s, port: {number: 80}}\n";
    doc_list l;
    doc_list_init(&l);
    mp_err err;
    ck_assert_int_eq(doc_parse_yaml(y, strlen(y), "i.yaml", &l, &err), 0);
    svc_view s;
    ing_view v;
    ck_assert_int_eq(service_decode(l.docs[0], "default", &s, &err), 0);
    ck_assert_int_eq(ingress_decode(l.docs[1], "dflt", &v, &err), 0);
    ck_assert_int_eq(service_view_own(&s), 0);
    ck_assert_int_eq(ingress_view_own(&v, only_nginx), 0);
    doc_list_free(&l);
    ck_assert_str_eq(s.name, "s");
    ck_assert_str_eq(s.ports[0].name, "http");
    ck_assert_str_eq(s.ports[0].app_protocol, "h2c");
    ck_assert_str_eq(v.ns, "dflt");
    ck_assert_str_eq(v.default_backend.service, "s");
    ck_assert_uint_eq(v.nanns, 1);
    ck_assert_str_eq(v.anns[0].key, NGINX_ANNOTATION_PREFIX "use-regex");
    ck_assert_str_eq(ingress_nginx_annotation(&v, "use-regex"), "true");
    service_view_free(&s);
    ingress_view_free(&v);
}
END_TEST

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void collect_cases(void)
{
    DIR *d = opendir(GOLDEN_DIR);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s/input.yaml", GOLDEN_DIR, e->d_name);
        FILE *f = e->d_name[0] != '.' ? fopen(path, "rb") : NULL;
        if (!f)
            continue;
        fclose(f);
        char **grown = realloc(cases, (ncases + 1) * sizeof *cases);
        if (!grown)
            abort();
        cases = grown;
        cases[ncases++] = strdup(e->d_name);
    }
    if (d)
        closedir(d);
    qsort(cases, ncases, sizeof *cases, cmp_str);
}

static Suite *suite(void)
{
    Suite *s = suite_create("convert_stream");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, streamed_equals_whole, 0, (int)ncases);
    tcase_add_loop_test(tc, text_routes_equal_tree_routes, 0,
                        (int)(sizeof text_inputs / sizeof *text_inputs));
    tcase_add_test(tc, reader_matches_parse);
    tcase_add_test(tc, owned_view_outlives_its_tree);
    tcase_add_test(tc, owned_view_keeps_chosen_annotations);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    collect_cases();
    /* an empty walk would pass without checking anything */
    if (ncases < 30) {
        fprintf(stderr, "test_convert_stream: found %zu golden cases\n", ncases);
        return 1;
    }
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    for (size_t i = 0; i < ncases; i++)
        free(cases[i]);
    free(cases);
    return failed ? 1 : 0;
}
