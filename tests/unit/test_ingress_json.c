/* test_ingress_json.c - an Ingress decoded straight from its JSON bytes
 * (model/ingress_json.h) against the tree path it stands in for: the item
 * parsed as parse_json.c reads it, kobj_flatten_item (nulls dropped,
 * check_object), ingress_decode_at and ingress_view_own. What the direct
 * decoder takes must give the same view, field by field; what it is not
 * sure of it must decline. Also doc_reader_next_take: items taken leave the
 * reader where reading them would (the same later items, lines, errors). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "model/ingress_json.h"
#include "model/kobj.h"
#include "model/parse.h"

/* convert.c's choice of annotations, for a realistic filter */
static bool keep_conv(const char *key)
{
    return !strncmp(key, NGINX_ANNOTATION_PREFIX, strlen(NGINX_ANNOTATION_PREFIX)) ||
           !strncmp(key, "higress.io/", 11) || !strcmp(key, INGRESS_CLASS_ANNOTATION);
}

/* The tree path on the value at buf's start: 0 with *v owned and *used
 * the value's bytes, -1 when any step refuses it. */
static int tree_view(const char *buf, size_t len, const char *dns, bool (*keep)(const char *),
                     ing_view *v, size_t *used)
{
    doc_jparser *jp = doc_jparser_new();
    ck_assert_ptr_nonnull(jp);
    doc_node *d = NULL;
    mp_err e;
    int rc = doc_jparser_read(jp, buf, len, "t", used, &d, &e);
    doc_jparser_free(jp);
    if (rc < 0)
        return -1;
    doc_list objs;
    doc_list_init(&objs);
    mp_errlist errs;
    mp_errlist_init(&errs);
    int bad = kobj_flatten_item(d, 1, 0, &objs, "t", &errs);
    mp_errlist_free(&errs);
    if (bad || objs.len != 1) {
        doc_list_free(&objs);
        return -1;
    }
    const char *kind = kobj_kind(objs.docs[0]);
    int line;
    rc = kind && !strcmp(kind, "Ingress") ? ingress_decode_at(objs.docs[0], dns, v, &e, &line) : -1;
    if (rc == 0)
        ck_assert_int_eq(ingress_view_own(v, keep), 0);
    doc_list_free(&objs);
    return rc;
}

static void same_str(const char *a, const char *b, const char *what)
{
    ck_assert_msg((a == NULL) == (b == NULL), "%s: %s vs %s", what, a ? a : "NULL", b ? b : "NULL");
    if (a)
        ck_assert_msg(!strcmp(a, b), "%s: \"%s\" vs \"%s\"", what, a, b);
}

static void same_backend(const ing_backend *a, const ing_backend *b)
{
    same_str(a->service, b->service, "backend.service");
    ck_assert_int_eq(a->port_number, b->port_number);
    same_str(a->port_name, b->port_name, "backend.port_name");
    same_str(a->resource, b->resource, "backend.resource");
}

/* Every field of two owned views. */
static void same_view(const ing_view *a, const ing_view *b)
{
    ck_assert_ptr_null(a->obj);
    ck_assert_ptr_null(b->obj);
    ck_assert_ptr_nonnull(a->own);
    same_str(a->name, b->name, "name");
    same_str(a->ns, b->ns, "ns");
    same_str(a->created, b->created, "created");
    same_str(a->class_name, b->class_name, "class_name");
    same_str(a->class_annotation, b->class_annotation, "class_annotation");
    ck_assert_uint_eq(a->nanns, b->nanns);
    for (size_t i = 0; i < a->nanns; i++) {
        same_str(a->anns[i].key, b->anns[i].key, "annotation key");
        /* the shared key table's pointer, as the tree holds it */
        ck_assert_int_eq(doc_key_is_static(a->anns[i].key), doc_key_is_static(b->anns[i].key));
        same_str(a->anns[i].value, b->anns[i].value, "annotation value");
        ck_assert_int_eq(a->anns[i].null, b->anns[i].null);
    }
    ck_assert_uint_eq(a->nrules, b->nrules);
    for (size_t i = 0; i < a->nrules; i++) {
        const ing_rule *ra = &a->rules[i], *rb = &b->rules[i];
        same_str(ra->host, rb->host, "rule host");
        ck_assert_uint_eq(ra->npaths, rb->npaths);
        ck_assert_int_eq(ra->paths == NULL, rb->paths == NULL);
        for (size_t j = 0; j < ra->npaths; j++) {
            same_str(ra->paths[j].path, rb->paths[j].path, "path");
            ck_assert_int_eq(ra->paths[j].type, rb->paths[j].type);
            ck_assert_int_eq(ra->paths[j].type_set, rb->paths[j].type_set);
            same_backend(&ra->paths[j].backend, &rb->paths[j].backend);
        }
    }
    ck_assert_uint_eq(a->ntls, b->ntls);
    for (size_t i = 0; i < a->ntls; i++) {
        const ing_tls *ta = &a->tls[i], *tb = &b->tls[i];
        ck_assert_uint_eq(ta->nhosts, tb->nhosts);
        ck_assert_int_eq(ta->hosts == NULL, tb->hosts == NULL);
        for (size_t j = 0; j < ta->nhosts; j++)
            same_str(ta->hosts[j], tb->hosts[j], "tls host");
        same_str(ta->secret, tb->secret, "tls secret");
        same_str(ta->bad_secret, tb->bad_secret, "tls bad_secret");
    }
    ck_assert_int_eq(a->has_default, b->has_default);
    if (a->has_default)
        same_backend(&a->default_backend, &b->default_backend);
}

/* Both ways on buf: the direct decoder's result (1 taken, 0 declined);
 * when it takes, the tree path must agree on everything. */
static int both_ways(const char *buf, size_t len, const char *dns, bool (*keep)(const char *))
{
    ing_view fv, tv;
    doc_span span;
    size_t tused = 0, lines = 0, line_start = 0;
    int rc = ingress_json_decode(buf, len, dns, keep, &fv, &span);
    ck_assert_int_ge(rc, 0);
    if (rc == 0)
        return 0;
    ck_assert_msg(tree_view(buf, len, dns, keep, &tv, &tused) == 0,
                  "taken, but the tree path refuses: %.*s", (int)(len < 300 ? len : 300), buf);
    ck_assert_uint_eq(span.used, tused);
    /* the line breaks it read, for the reader's line */
    for (size_t i = 0; i < tused; i++)
        if (buf[i] == '\n')
            lines++, line_start = i + 1;
    ck_assert_uint_eq(span.lines, lines);
    if (lines)
        ck_assert_uint_eq(span.line_start, line_start);
    same_view(&fv, &tv);
    ingress_view_free(&fv);
    ingress_view_free(&tv);
    return 1;
}

#define META_ANN                                                                                   \
    "\"metadata\": {\"annotations\": {\"kubernetes.io/ingress.class\": \"nginx\", "                \
    "\"nginx.ingress.kubernetes.io/proxy-body-size\": \"32m\", \"other.io/x\": \"y\"}, "           \
    "\"labels\": {\"app\": \"web\"}, \"name\": \"web\", \"namespace\": \"ns-a\", "                 \
    "\"uid\": \"0000-1\", \"resourceVersion\": \"12\", \"generation\": 1, "                        \
    "\"creationTimestamp\": \"2026-11-01T00:00:00Z\"}"
#define HEAD           "{\"apiVersion\": \"networking.k8s.io/v1\", \"kind\": \"Ingress\", "
#define BE(name, port) "{\"service\": {\"name\": \"" name "\", \"port\": {" port "}}}"
#define RULE(host)                                                                                 \
    "{\"host\": \"" host "\", \"http\": {\"paths\": [{\"backend\": " BE(                           \
        "svc", "\"number\": 80") ", \"path\": \"/\", \"pathType\": \"Prefix\"}]}}"
#define SPEC(rules) "\"spec\": {\"rules\": [" rules "]}"
#define GOOD        HEAD META_ANN ", " SPEC(RULE("a.example.com")) ", \"status\": {\"loadBalancer\": {}}}"

/* Items the decoder must take, each equal to the tree path's view. */
static const char *const takes[] = {
    GOOD,
    /* kubectl's indentation, CRLF and tabs */
    "{\n    \"apiVersion\": \"networking.k8s.io/v1\",\r\n\t\"kind\": \"Ingress\",\n"
    "    \"metadata\": {\n        \"name\": \"web\"\n    },\n    \"spec\": {\n"
    "        \"defaultBackend\": " BE("def", "\"number\": 8080") "\n    }\n}",
    /* no namespace: the default; an empty one is none */
    HEAD "\"metadata\": {\"name\": \"web\"}, " SPEC(RULE("a.example.com")) "}",
    HEAD "\"metadata\": {\"name\": \"web\", \"namespace\": \"\"}, " SPEC(RULE("a.example.com")) "}",
    /* escapes and UTF-8 in annotation values, labels and elsewhere */
    HEAD
    "\"metadata\": {\"name\": \"web\", \"annotations\": {"
    "\"nginx.ingress.kubernetes.io/server-snippet\": \"a\\nb\\t\\\"c\\\" \\\\ \\/ \\b\\f\\r\","
    "\"nginx.ingress.kubernetes.io/x-u\": \"\\u00e9\\u4e2d\\ud83d\\ude00 \\ud800 \\udc00x\","
    "\"nginx.ingress.kubernetes.io/x-raw\": \"\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80\x7f\","
    "\"kubernetes.io/ingress.class\": \"ngi\\u006ex\", \"skipped.io/esc\": \"\\u0041\\n\"},"
    "\"labels\": {\"a\": \"\\u00e9\\n\", \"b\": \"\xc3\xa9\"}}, " SPEC(RULE("a.example.com")) "}",
    /* a host written with an escape decodes to a valid one */
    HEAD "\"metadata\": {\"name\": \"web\"}, " SPEC(RULE("a\\u002eexample.com")) "}",
    /* port by name; several paths and rules; every pathType; path absent or empty */
    HEAD
    "\"metadata\": {\"name\": \"web\", \"namespace\": \"ns-b\"}, \"spec\": {\"rules\": ["
    "{\"host\": \"a.example.com\", \"http\": {\"paths\": ["
    "{\"path\": \"/x\", \"pathType\": \"Exact\", \"backend\": " BE(
        "s1",
        "\"name\": \"http\"") "},"
                              "{\"pathType\": \"ImplementationSpecific\", \"backend\": " BE(
                                  "s2",
                                  "\"number\": 65535") "},"
                                                       "{\"path\": \"\", \"backend\": " BE(
                                                           "s3",
                                                           "\"number\": 1") "}]}},"
                                                                            "{\"host\": "
                                                                            "\"*.example.com\"}, "
                                                                            "{\"http\": {}}, "
                                                                            "{\"host\": \"\", "
                                                                            "\"http\": {\"paths\": "
                                                                            "[]}},"
                                                                            "{}], "
                                                                            "\"ingressClassName\": "
                                                                            "\"nginx\"}}",
    /* tls: hosts, none, empty; secret valid, empty, invalid (kept as bad_secret) */
    HEAD
    "\"metadata\": {\"name\": \"web\"}, \"spec\": {\"tls\": ["
    "{\"hosts\": [\"a.example.com\", \"*.example.com\"], \"secretName\": \"cert\"},"
    "{\"secretName\": \"\"}, {\"hosts\": []}, {}, {\"secretName\": \"Bad_Secret\"}],"
    "\"rules\": [" RULE("a.example.com") "], \"defaultBackend\": " BE("d", "\"number\": 80") "}}",
    /* empty annotations and labels; unknown metadata and top-level fields, any JSON */
    HEAD
    "\"metadata\": {\"name\": \"web\", \"annotations\": {}, \"labels\": {},"
    "\"managedFields\": [{\"manager\": \"kubectl\", \"fieldsV1\": {\"f:spec\": {\"f:rules\": {}}},"
    "\"n\": [1, -0, 0.5, 1e3, 2E-2, -1.5e+7, true, false, \"\\u00e9\", [], {}, [[[]]]]}],"
    "\"finalizers\": [\"a\\\\b\"]}, " SPEC(RULE("a.example.com")) ", \"x\": {\"\": 1}}",
    /* compact, no blanks at all */
    "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{\"name\":\"w\"},"
    "\"spec\":{\"rules\":[{}]}}",
    /* only annotations the filter drops, and the class one */
    HEAD "\"metadata\": {\"name\": \"web\", \"annotations\": {\"a.io/b\": \"c\", "
         "\"kubernetes.io/ingress.class\": \"\"}}, " SPEC(RULE("a.example.com")) "}",
};

/* Items the decoder must decline, one reason each (most of them the tree
 * path refuses too; the rest it reads, but the decoder is not sure). */
static const char *const declines[] = {
    /* nulls */
    HEAD META_ANN ", " SPEC(RULE("a.example.com")) ", \"status\": null}",
    HEAD
    "\"metadata\": {\"name\": \"web\", \"annotations\": {\"a\": null}}, " SPEC(RULE("a.b")) "}",
    HEAD "\"metadata\": {\"name\": \"web\"}, \"spec\": {\"tls\": null, \"rules\": [{}]}}",
    HEAD "\"metadata\": {\"name\": \"web\"}, \"spec\": {\"rules\": [null]}}",
    HEAD "\"metadata\": {\"name\": \"web\", \"x\": [null]}, " SPEC("{}") "}",
    /* duplicate keys, at any depth */
    HEAD "\"kind\": \"Ingress\", \"metadata\": {\"name\": \"web\"}, " SPEC("{}") "}",
    HEAD "\"metadata\": {\"name\": \"web\", \"name\": \"x\"}, " SPEC("{}") "}",
    HEAD "\"metadata\": {\"name\": \"web\", \"annotations\": {\"a\": \"1\", \"a\": \"2\"}}, " SPEC(
        "{}") "}",
    HEAD
    "\"metadata\": {\"name\": \"web\"}, " SPEC("{}") ", \"status\": {\"a\": {\"b\": 1, \"b\": 2}}}",
    /* keys with an escape or not ASCII */
    HEAD "\"metadata\": {\"na\\u006de\": \"web\"}, " SPEC("{}") "}",
    HEAD
    "\"metadata\": {\"name\": \"web\", \"annotations\": {\"\xc3\xa9\": \"x\"}}, " SPEC("{}") "}",
    /* fields of spec the decoder does not know; other versions and kinds */
    HEAD
    "\"metadata\": {\"name\": \"web\"}, \"spec\": {\"backend\": " BE("d", "\"number\": 80") "}}",
    HEAD "\"metadata\": {\"name\": \"web\"}, \"spec\": {\"rules\": [{}], \"foo\": 1}}",
    "{\"apiVersion\": \"networking.k8s.io/v1beta1\", \"kind\": \"Ingress\", \"metadata\": "
    "{\"name\": "
    "\"web\"}, \"spec\": {\"backend\": {\"serviceName\": \"s\", \"servicePort\": 80}}}",
    "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": \"web\"}, \"spec\": "
    "{}}",
    HEAD
    "\"metadata\": {\"name\": \"web\"}, \"spec\": {\"defaultBackend\": {\"resource\": {\"kind\": "
    "\"Bucket\", \"name\": \"b\"}}}}",
    HEAD
    "\"metadata\": {\"name\": \"web\"}, \"spec\": {\"defaultBackend\": {\"serviceName\": \"s\", "
    "\"servicePort\": 80}}}",
    HEAD
    "\"metadata\": {\"name\": \"web\"}, \"spec\": {\"rules\": [{\"host\": \"a.b\", \"x\": 1}]}}",
    /* wrong types */
    HEAD "\"metadata\": {\"name\": 7}, " SPEC("{}") "}",
    HEAD "\"metadata\": {\"name\": \"web\", \"labels\": {\"a\": 1}}, " SPEC("{}") "}",
    HEAD "\"metadata\": {\"name\": \"web\", \"annotations\": {\"a\": true}}, " SPEC("{}") "}",
    HEAD "\"metadata\": {\"name\": \"web\", \"creationTimestamp\": 5}, " SPEC("{}") "}",
    HEAD "\"metadata\": {\"name\": \"web\"}, " SPEC("{\"host\": 5}") "}",
    HEAD
    "\"metadata\": {\"name\": \"web\"}, \"spec\": {\"ingressClassName\": true, \"rules\": [{}]}}",
    HEAD "\"metadata\": {\"name\": \"web\"}, \"spec\": {\"rules\": {}}}",
    "{\"apiVersion\": \"networking.k8s.io/v1\", \"kind\": \"Ingress\", \"metadata\": [], " SPEC(
        "{}") "}",
    HEAD "\"metadata\": {\"name\": \"web\"}, \"spec\": []}",
    /* ports and services the tree path refuses or reads otherwise */
    HEAD "\"metadata\": {\"name\": \"web\"}, \"spec\": {\"defaultBackend\": " BE(
        "s", "\"number\": \"80\"") "}}",
    HEAD "\"metadata\": {\"name\": \"web\"}, \"spec\": {\"defaultBackend\": " BE(
        "s", "\"number\": 80.0") "}}",
    HEAD "\"metadata\": {\"name\": \"web\"}, \"spec\": {\"defaultBackend\": " BE(
        "s", "\"number\": 0") "}}",
    HEAD "\"metadata\": {\"name\": \"web\"}, \"spec\": {\"defaultBackend\": " BE(
        "s", "\"number\": 65536") "}}",
    HEAD "\"metadata\": {\"name\": \"web\"}, \"spec\": {\"defaultBackend\": " BE(
        "s", "\"number\": -80") "}}",
    HEAD "\"metadata\": {\"name\": \"web\"}, \"spec\": {\"defaultBackend\": " BE(
        "s", "\"number\": 80, \"name\": \"http\"") "}}",
    HEAD "\"metadata\": {\"name\": \"web\"}, \"spec\": {\"defaultBackend\": " BE("s", "") "}}",
    HEAD "\"metadata\": {\"name\": \"web\"}, \"spec\": {\"defaultBackend\": " BE(
        "s", "\"name\": \"\"") "}}",
    HEAD "\"metadata\": {\"name\": \"web\"}, \"spec\": {\"defaultBackend\": " BE(
        "Bad_Name", "\"number\": 80") "}}",
    HEAD "\"metadata\": {\"name\": \"web\"}, \"spec\": {\"defaultBackend\": " BE(
        "1abc", "\"number\": 80") "}}",
    HEAD "\"metadata\": {\"name\": \"web\"}, \"spec\": {\"defaultBackend\": " BE(
        "", "\"number\": 80") "}}",
    HEAD "\"metadata\": {\"name\": \"web\"}, \"spec\": {\"defaultBackend\": {}}}",
    /* hosts, paths, names */
    HEAD "\"metadata\": {\"name\": \"web\"}, " SPEC(RULE("A.example.com")) "}",
    HEAD "\"metadata\": {\"name\": \"web\"}, " SPEC(RULE("10.0.0.1")) "}",
    HEAD "\"metadata\": {\"name\": \"web\"}, \"spec\": {\"rules\": [{}], \"tls\": [{\"hosts\": "
         "[\"bad host\"]}]}}",
    HEAD "\"metadata\": {\"name\": \"web\"}, \"spec\": {\"rules\": [{\"http\": {\"paths\": [{"
         "\"path\": \"x\", \"backend\": " BE("s", "\"number\": 80") "}]}}]}}",
    HEAD "\"metadata\": {\"name\": \"web\"}, \"spec\": {\"rules\": [{\"http\": {\"paths\": [{"
         "\"pathType\": \"Regex\", \"backend\": " BE("s", "\"number\": 80") "}]}}]}}",
    HEAD "\"metadata\": {\"name\": \"web\"}, \"spec\": {\"rules\": [{\"http\": {\"paths\": [{"
         "\"path\": \"/\"}]}}]}}",
    HEAD "\"metadata\": {\"name\": \"Web\"}, " SPEC("{}") "}",
    HEAD "\"metadata\": {\"name\": \"\"}, " SPEC("{}") "}",
    HEAD "\"metadata\": {}, " SPEC("{}") "}",
    HEAD "\"metadata\": {\"name\": \"web\", \"namespace\": \"NS\"}, " SPEC("{}") "}",
    HEAD "\"metadata\": {\"name\": \"web\", \"namespace\": \"a.b\"}, " SPEC("{}") "}",
    HEAD "\"metadata\": {\"name\": \"web\"}, \"spec\": {}}",
    HEAD "\"metadata\": {\"name\": \"web\"}, \"spec\": {\"rules\": []}}",
    HEAD "\"metadata\": {\"name\": \"web\"}}",
    "{\"kind\": \"Ingress\", \"metadata\": {\"name\": \"web\"}, " SPEC("{}") "}",
    /* not JSON as parse_json.c reads it */
    HEAD "\"metadata\": {\"name\": \"web\",}, " SPEC("{}") "}",
    HEAD "\"metadata\": {\"name\" \"web\"}, " SPEC("{}") "}",
    HEAD "\"metadata\": {\"name\": \"web\"}, " SPEC("{},") "}",
    HEAD "\"metadata\": {\"name\": \"web\", \"x\": \"a\\u0000b\"}, " SPEC("{}") "}",
    HEAD "\"metadata\": {\"name\": \"web\", \"x\": \"a\x01"
         "b\"}, " SPEC("{}") "}",
    HEAD "\"metadata\": {\"name\": \"web\", \"x\": \"a\xc3\"}, " SPEC("{}") "}",
    HEAD "\"metadata\": {\"name\": \"web\", \"x\": \"\xed\xa0\x80\"}, " SPEC("{}") "}",
    HEAD "\"metadata\": {\"name\": \"web\", \"x\": \"a\\xb\"}, " SPEC("{}") "}",
    HEAD "\"metadata\": {\"name\": \"web\", \"x\": \"a\\u12G4\"}, " SPEC("{}") "}",
    HEAD "\"metadata\": {\"name\": \"web\", \"x\": 01}, " SPEC("{}") "}",
    HEAD "\"metadata\": {\"name\": \"web\", \"x\": 1.}, " SPEC("{}") "}",
    HEAD "\"metadata\": {\"name\": \"web\", \"x\": tru}, " SPEC("{}") "}",
    HEAD "\"metadata\": {\"name\": \"web\", \"x\": [1,]}, " SPEC("{}") "}",
    HEAD "\"metadata\": {\"name\": \"web\"}, " SPEC("{}"),
    "[" GOOD "]",
};

START_TEST(takes_what_it_is_sure_of)
{
    for (size_t i = 0; i < sizeof takes / sizeof *takes; i++) {
        const char *t = takes[i];
        ck_assert_msg(both_ways(t, strlen(t), "fallback-ns", keep_conv) == 1, "declined takes[%zu]",
                      i);
        ck_assert_msg(both_ways(t, strlen(t), "default", NULL) == 1, "declined takes[%zu]", i);
    }
}
END_TEST

START_TEST(declines_each_reason)
{
    for (size_t i = 0; i < sizeof declines / sizeof *declines; i++) {
        const char *t = declines[i];
        ck_assert_msg(both_ways(t, strlen(t), "default", keep_conv) == 0, "took declines[%zu]: %s",
                      i, t);
    }
}
END_TEST

/* The namespace an object without one lands in must be a valid one. */
START_TEST(declines_a_bad_default_namespace)
{
    const char *t = HEAD "\"metadata\": {\"name\": \"web\"}, " SPEC("{}") "}";
    ck_assert_int_eq(both_ways(t, strlen(t), "Bad_NS", keep_conv), 0);
    ck_assert_int_eq(both_ways(t, strlen(t), "ns-x", keep_conv), 1);
}
END_TEST

/* The value ends at its brace, whatever follows (the next item). */
START_TEST(stops_at_its_brace)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s,\n {\"next\": 1}]", GOOD);
    ing_view v;
    doc_span span;
    ck_assert_int_eq(ingress_json_decode(buf, strlen(buf), NULL, NULL, &v, &span), 1);
    ck_assert_uint_eq(span.used, strlen(GOOD));
    ck_assert_str_eq(v.ns, "ns-a");
    ingress_view_free(&v);
    /* cut anywhere inside, it is not a value */
    for (size_t n = 0; n < strlen(GOOD); n++)
        ck_assert_int_eq(ingress_json_decode(GOOD, n, NULL, NULL, &v, &span), 0);
}
END_TEST

/* Limits: more keys in one object or deeper nesting than the decoder
 * tracks, and more annotation bytes than the API server takes. */
START_TEST(declines_past_its_limits)
{
    size_t cap = 400000;
    char *b = malloc(cap);
    ck_assert_ptr_nonnull(b);
    int n = snprintf(b, cap, HEAD "\"metadata\": {\"name\": \"web\", \"annotations\": {");
    for (int i = 0; i < 65; i++)
        n += snprintf(b + n, cap - n, "%s\"k%d\": \"v\"", i ? ", " : "", i);
    snprintf(b + n, cap - n, "}}, " SPEC("{}") "}");
    ck_assert_int_eq(both_ways(b, strlen(b), NULL, NULL), 0);
    n = snprintf(b, cap, HEAD "\"metadata\": {\"name\": \"web\"}, " SPEC("{}") ", \"status\": ");
    for (int i = 0; i < 70; i++)
        b[n++] = '[';
    for (int i = 0; i < 70; i++)
        b[n++] = ']';
    snprintf(b + n, cap - n, "}");
    ck_assert_int_eq(both_ways(b, strlen(b), NULL, NULL), 0);
    /* 256 KiB of annotations and one byte more */
    n = snprintf(b, cap, HEAD "\"metadata\": {\"name\": \"web\", \"annotations\": {\"a\": \"");
    memset(b + n, 'x', 256 * 1024);
    n += 256 * 1024;
    snprintf(b + n, cap - n, "\"}}, " SPEC("{}") "}");
    ck_assert_int_eq(both_ways(b, strlen(b), NULL, NULL), 0);
    free(b);
}
END_TEST

/* Blanks go sixteen bytes at a time, spaces and newlines in one run, a
 * tab or a carriage return one by one: runs of each mix, of every length
 * around those sixteen, in place of each blank of a good item. */
START_TEST(takes_any_blanks)
{
    static const char *const unit[] = {" ", "\n", "\t", "\r", "\r\n", " \t", "\n\t  ", "\n    "};
    char *b = malloc(64 * 1024), blank[128];
    ck_assert_ptr_nonnull(b);
    for (size_t u = 0; u < sizeof unit / sizeof *unit; u++) {
        for (size_t reps = 1; reps < 40; reps += reps < 20 ? 1 : 7) {
            blank[0] = '\0';
            for (size_t r = 0; r < reps && strlen(blank) + 8 < sizeof blank; r++)
                strcat(blank, unit[(u + r * (u > 3)) % (sizeof unit / sizeof *unit)]);
            size_t n = 0;
            bool in_str = false;
            for (const char *g = GOOD; *g; g++) {
                if (*g == '"' && g[-1] != '\\')
                    in_str = !in_str;
                if (*g == ' ' && !in_str) {
                    n += (size_t)sprintf(b + n, "%s", blank);
                    continue;
                }
                b[n++] = *g;
            }
            b[n] = '\0';
            ck_assert_msg(both_ways(b, n, NULL, NULL) == 1, "%s", b);
        }
    }
    free(b);
}
END_TEST

/* The view's strings and arrays are copied from the decoder's scratch
 * (a first block, then more) into one block: items that need many more
 * blocks, arrays that outgrow their first room (rules, paths, TLS hosts,
 * annotations), still equal the tree path; past 32 scratch blocks the
 * decoder declines. */
static char *big_item(int rules, int anns)
{
    size_t cap = (size_t)rules * 2000 + (size_t)anns * 1700 + 4096;
    char *b = malloc(cap);
    ck_assert_ptr_nonnull(b);
    int n = snprintf(b, cap, HEAD "\"metadata\": {\"name\": \"web\", \"annotations\": {");
    for (int i = 0; i < anns; i++)
        n += snprintf(b + n, cap - (size_t)n, "%s\"nginx.ingress.kubernetes.io/k%d\": \"%01500d\"",
                      i ? ", " : "", i, i);
    n += snprintf(b + n, cap - (size_t)n, "}}, \"spec\": {\"tls\": [{\"hosts\": [");
    for (int i = 0; i < rules; i++)
        n += snprintf(b + n, cap - (size_t)n, "%s\"h%d.example.com\"", i ? ", " : "", i);
    n += snprintf(b + n, cap - (size_t)n, "], \"secretName\": \"s\"}], \"rules\": [");
    for (int i = 0; i < rules; i++) {
        n +=
            snprintf(b + n, cap - (size_t)n,
                     "%s{\"host\": \"h%d.example.com\", \"http\": {\"paths\": [", i ? ", " : "", i);
        for (int j = 0; j < 3; j++)
            n += snprintf(b + n, cap - (size_t)n,
                          "%s{\"backend\": " BE("svc", "\"number\": 80") ", \"path\": \"/%0300d\"}",
                          j ? ", " : "", j);
        n += snprintf(b + n, cap - (size_t)n, "]}}");
    }
    n += snprintf(b + n, cap - (size_t)n, "]}}");
    ck_assert_uint_lt((size_t)n, cap);
    return b;
}

/* every other annotation: dropped ones between kept ones */
static bool keep_some(const char *key)
{
    return (key[strlen(key) - 1] - '0') % 2 == 0;
}

START_TEST(takes_large_items)
{
    int sizes[][2] = {{1, 0}, {1, 3}, {2, 9}, {1, 32}, {1, 33}, {5, 40}, {200, 60}, {1, 64}};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        char *b = big_item(sizes[i][0], sizes[i][1]);
        ck_assert_msg(both_ways(b, strlen(b), "ns-a", NULL) == 1, "%d rules %d anns", sizes[i][0],
                      sizes[i][1]);
        ck_assert_int_eq(both_ways(b, strlen(b), NULL, keep_some), 1);
        free(b);
    }
    char *b = big_item(700, 0); /* 700 x 3 x 300 bytes of paths: 40 blocks */
    ck_assert_int_eq(both_ways(b, strlen(b), NULL, NULL), 0);
    free(b);
}
END_TEST

/* Every one-byte change of a good item (deleted, doubled, or replaced by
 * a byte that matters to JSON): whatever the decoder takes, the tree path
 * gives the same. */
START_TEST(mutations_agree)
{
    static const char repl[] = "\"\\{}[],:0 n-\x80";
    const char *base[] = {GOOD, takes[4]};
    size_t taken = 0, total = 0;
    for (size_t bi = 0; bi < sizeof base / sizeof *base; bi++) {
        size_t len = strlen(base[bi]);
        char *m = malloc(len + 2);
        ck_assert_ptr_nonnull(m);
        for (size_t i = 0; i < len; i++) {
            memcpy(m, base[bi], i); /* deleted */
            memcpy(m + i, base[bi] + i + 1, len - i - 1);
            taken += (size_t)both_ways(m, len - 1, "default", keep_conv);
            memcpy(m, base[bi], i + 1); /* doubled */
            memcpy(m + i + 1, base[bi] + i, len - i);
            taken += (size_t)both_ways(m, len + 1, "default", keep_conv);
            memcpy(m, base[bi], len);
            for (size_t r = 0; r < sizeof repl - 1; r++) {
                m[i] = repl[r];
                taken += (size_t)both_ways(m, len, "default", keep_conv);
            }
            total += 2 + sizeof repl - 1;
        }
        free(m);
    }
    /* many mutants only change a value: the decoder must take some */
    ck_assert_uint_gt(taken, total / 20);
}
END_TEST

/* ---- doc_reader_next_take ---- */

typedef struct {
    size_t offered, taken;
    int mode;           /* 0 take every decodable Ingress, 1 none, 2 stop at the second offer,
                           3 every other offer */
    size_t peeked, out; /* decoded ahead; of those, committed or dropped */
} taker;

/* What fn and commit both do before an item is decoded: -1 stop, 0 not
 * taken, 1 go on. */
static int take_gate(taker *t)
{
    t->offered++;
    if (t->mode == 1 || (t->mode == 3 && t->offered % 2))
        return 0;
    if (t->mode == 2 && t->offered == 2)
        return -1;
    return 1;
}

static int peek_ing(const char *at, size_t avail, doc_span *span, void *item, void *ud)
{
    taker *t = ud;
    int rc = ingress_json_decode(at, avail, NULL, NULL, item, span);
    ck_assert_int_ge(rc, 0);
    t->peeked += rc == 1;
    return rc;
}

static int commit_ing(void *item, void *ud)
{
    taker *t = ud;
    int g = take_gate(t);
    ingress_view_free(item);
    t->out++;
    t->taken += g == 1;
    return g;
}

static void drop_ing(void *item, void *ud)
{
    taker *t = ud;
    ingress_view_free(item);
    t->out++;
}

static int take_ing(const char *at, size_t avail, doc_span *span, void *ud)
{
    taker *t = ud;
    int g = take_gate(t);
    if (g <= 0)
        return g;
    ing_view v;
    int rc = ingress_json_decode(at, avail, NULL, NULL, &v, span);
    ck_assert_int_ge(rc, 0);
    if (rc == 1) {
        ingress_view_free(&v);
        t->taken++;
    }
    return rc;
}

/* Reads buf item by item with take mode, with or without decoding
 * ahead: the names of the objects handed out ("doc.item name" each line)
 * and the final status and error. */
static void read_with(const char *buf, size_t len, int mode, bool ahead, char *log, size_t n,
                      taker *t)
{
    mp_err err;
    doc_reader *r = doc_reader_new(buf, len, "in.json", &err);
    ck_assert_ptr_nonnull(r);
    *t = (taker){.mode = mode};
    doc_take take = {.fn = take_ing, .ud = t};
    if (ahead)
        take = (doc_take){take_ing, t, peek_ing, commit_ing, drop_ing, sizeof(ing_view)};
    size_t o = 0, doc, item;
    doc_node *d;
    int rc;
    while ((rc = doc_reader_next_take(r, kobj_is_list, &take, &d, &doc, &item, &err)) > 0) {
        const char *name = kobj_name(d);
        o += (size_t)snprintf(log + o, n - o, "%zu.%zd %s line %d\n", doc, (ssize_t)item,
                              name ? name : "-", d->line);
        doc_free(d);
    }
    snprintf(log + o, n - o, "rc %d %s\n", rc, rc < 0 && rc != DOC_READER_STOPPED ? err.msg : "");
    doc_reader_free(r);
    ck_assert_uint_eq(t->peeked, t->out); /* each decoded ahead given back once */
}

/* read_with, once each way: decoding ahead must change nothing but who
 * decodes (the same log, the same offers and takes). */
static void read_all(const char *buf, int mode, char *log, size_t n, taker *t)
{
    char *other = malloc(n);
    ck_assert_ptr_nonnull(other);
    taker t2;
    read_with(buf, strlen(buf), mode, false, log, n, t);
    read_with(buf, strlen(buf), mode, true, other, n, &t2);
    ck_assert_str_eq(log, other);
    ck_assert_uint_eq(t->offered, t2.offered);
    ck_assert_uint_eq(t->taken, t2.taken);
    free(other);
}

#define ING(name)                                                                                  \
    "{\n  \"apiVersion\": \"networking.k8s.io/v1\",\n  \"kind\": \"Ingress\",\n"                   \
    "  \"metadata\": {\"name\": \"" name "\"},\n  \"spec\": {\"rules\": [{}]}\n}"

START_TEST(reader_goes_on_as_if_it_had_read)
{
    /* taken items between handed-out ones (a Service, a declined item), a
     * List after a List, then an error whose line must be the same */
    const char *buf = "{\"apiVersion\": \"v1\", \"items\": [\n" ING("a") ",\n" ING(
        "b") ",\n"
             "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": "
             "\"s\"}},\n" ING("c") ", " ING(
                 "Bad") "\n], \"kind\": \"List\"}\n"
                        "[" ING("d") ",\n\n" ING("e") "]\n"
                                                      "{\"kind\": \"List\", \"items\": [" ING(
                                                          "f") ", " ING("g") ", {\"x\": tru}]}";
    char with[4096], without[4096];
    taker t1, t2;
    read_all(buf, 0, with, sizeof with, &t1);
    read_all(buf, 1, without, sizeof without, &t2);
    ck_assert_uint_eq(t1.taken, 7); /* a b c d e f g */
    ck_assert_uint_eq(t1.offered, 10);
    ck_assert_uint_eq(t2.offered, 10);
    /* what is handed out with take is what is without, minus the taken */
    char expect[4096];
    size_t o = 0;
    for (const char *l = without; *l;) {
        const char *nl = strchr(l, '\n');
        size_t len = (size_t)(nl - l) + 1;
        bool taken = false;
        for (const char *nm = "abcdefg"; *nm; nm++) {
            char pat[8];
            snprintf(pat, sizeof pat, " %c line", *nm);
            taken |= strstr(l, pat) && strstr(l, pat) < nl;
        }
        if (!taken) {
            memcpy(expect + o, l, len);
            o += len;
        }
        l = nl + 1;
    }
    expect[o] = '\0';
    ck_assert_str_eq(with, expect);
    ck_assert_msg(strstr(with, "Bad line 20\n") && strstr(with, "rc -1 in.json: line 50 col"), "%s",
                  with);
}
END_TEST

START_TEST(reader_stops_when_take_fails)
{
    const char *buf = "{\"kind\": \"List\", \"items\": [" ING("a") ", " ING("b") ", " ING("c") "]}";
    char log[1024];
    taker t;
    read_all(buf, 2, log, sizeof log, &t);
    ck_assert_str_eq(log, "rc -2 \n");
    ck_assert_uint_eq(t.taken, 1);
}
END_TEST

/* A List's items decoded ahead while the reader looks for its kind: what
 * is handed out, taken and reported is what it is without (read_all),
 * whether the document turns out a List or not, good or bad after the
 * items, with items the decoder declines among them, with commits that
 * say no; every item decoded ahead is committed or dropped once. */
START_TEST(reader_decodes_ahead)
{
    static const struct {
        const char *buf;
        size_t peeked; /* items decoded ahead */
    } cases[] = {
        {"{\"apiVersion\": \"v1\", \"items\": [" ING("a") ", " ING("b") "], \"kind\": \"List\"}",
         2},
        {"{\"items\": [" ING("a") ", " ING("b") "], \"kind\": \"Thing\"}", 2},
        {"{\"items\": [" ING("a") ", " ING("b") "], \"kind\": \"List\", \"x\": tru}", 2},
        {"{\"items\": [" ING("a") ", " ING("b") "], \"kind\": \"List\", \"items\": []}", 2},
        {"{\"items\": [" ING("a") ", " ING("Bad") ", " ING("b") "], \"kind\": \"List\"}", 1},
        {"{\"items\": [" ING("a") ", {\"kind\": \"Service\", \"metadata\": {\"name\": "
                                  "\"s\"}}, " ING("b") "], \"kind\": \"List\"}",
         1},
        {"{\"items\": [" ING("a") " " ING("b") "], \"kind\": \"List\"}", 1},
        {"{\"items\": [" ING("a") ", " ING("b") ", {\"x\": tru}], \"kind\": \"List\"}", 2},
        {"{\"items\": [" ING("a") ", " ING("b") ", ], \"kind\": \"List\"}", 2},
        {"{\"items\": [ ], \"kind\": \"List\"} {\"items\": [" ING("c") "], \"kind\": \"List\"}", 1},
        {"{\"kind\": \"List\", \"items\": [" ING("a") "]}", 1}, /* kind first: looked ahead still */
        {"{\"items\": [\n\n  " ING("a") "\n,\r\n\t" ING("b") "\n]\n, \"kind\": \"List\"}\n" ING(
             "c"),
         2},
    };
    char log[4096];
    taker t;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        for (int mode = 0; mode < 4; mode++) {
            read_all(cases[i].buf, mode, log, sizeof log, &t);
            read_with(cases[i].buf, strlen(cases[i].buf), mode, true, log, sizeof log, &t);
            ck_assert_msg(t.peeked == cases[i].peeked, "case %zu mode %d: %zu decoded ahead", i,
                          mode, t.peeked);
        }
}
END_TEST

/* Every one-byte deletion and some replacements of a List with taken,
 * declined and other items: the same with and without decoding ahead. */
START_TEST(reader_decodes_ahead_mutants)
{
    const char *list = "{\"apiVersion\": \"v1\", \"items\": [\n" ING("a") ",\n" ING(
        "Bad") ",\n{\"kind\": \"Service\", \"metadata\": {\"name\": "
               "\"s\"}},\n" ING("b") ", " ING("c") "\n], "
                                                   "\"kind\": \"List\", "
                                                   "\"metadata\": {}}\n";
    static const char repl[] = "]},\" x[{";
    size_t n = strlen(list);
    char *buf = malloc(n + 1), *log = malloc(8192);
    ck_assert_ptr_nonnull(buf);
    ck_assert_ptr_nonnull(log);
    taker t;
    for (size_t at = 0; at < n; at++) {
        for (size_t k = 0; k <= sizeof repl - 1; k++) {
            if (k == sizeof repl - 1) { /* deleted */
                memcpy(buf, list, at);
                memcpy(buf + at, list + at + 1, n - at);
            } else {
                memcpy(buf, list, n + 1);
                buf[at] = repl[k];
            }
            for (int mode = 0; mode < 4; mode += 3)
                read_all(buf, mode, log, 8192, &t);
        }
    }
    free(buf);
    free(log);
}
END_TEST

/* Lines are counted over a taken item sixteen bytes at a time, in runs
 * of 255 blocks: items of every size around those, with line breaks at
 * every offset and none at all, must leave the reader's line where
 * reading them does (the Service after them, and the error's). */
START_TEST(reader_counts_lines_over_taken_items)
{
    size_t cap = 64 * 1024;
    char *buf = malloc(cap), *with = malloc(8192), *without = malloc(8192);
    ck_assert_ptr_nonnull(buf);
    for (int elems = 0; elems < 700; elems += elems < 40 ? 1 : 97) {
        for (int sep = 0; sep < 3; sep++) {
            int n = snprintf(buf, cap,
                             "{\"kind\": \"List\", \"items\": [{\"apiVersion\": "
                             "\"networking.k8s.io/v1\", \"kind\": \"Ingress\", \"metadata\": "
                             "{\"name\": \"a\"}, \"spec\": {\"rules\": [{}]}, \"x\": [");
            for (int e = 0; e < elems; e++)
                n += snprintf(buf + n, cap - (size_t)n, "%s\"%.*s\"", e ? (sep ? ",\n" : ", ") : "",
                              e % 23, "yyyyyyyyyyyyyyyyyyyyyyyyy");
            snprintf(buf + n, cap - (size_t)n,
                     "]%s},%s{\"apiVersion\": \"v1\", \"kind\": \"Service\", "
                     "\"metadata\": {\"name\": \"s\"}},\n{\"x\": tru}]}",
                     sep == 2 ? "\n" : "", sep ? "\n  " : " ");
            taker t1, t2;
            read_all(buf, 0, with, 8192, &t1);
            read_all(buf, 1, without, 8192, &t2);
            ck_assert_uint_eq(t1.taken, 1);
            /* without take, "a" comes first: the rest is the same */
            const char *rest = strchr(without, '\n');
            ck_assert_msg(!strncmp(without, "1.0 a line 1\n", 13) && !strcmp(with, rest + 1),
                          "%d/%d: %s vs %s", elems, sep, with, without);
        }
    }
    free(buf);
    free(with);
    free(without);
}
END_TEST

/* The List's lookahead skips its items by brackets outside strings, 64
 * bytes at a time: strings holding brackets, escaped quotes and
 * backslashes, at every offset against those blocks, must not fool it.
 * The reader (nothing taken) hands out what doc_parse_auto and
 * kobj_flatten_all give. */
START_TEST(lookahead_skips_strings)
{
    static const char *const tricky[] = {"]}", "\\\"]", "\\\\", "\\\\\\\"}]{[", "[{\\u005d", ""};
    char buf[4096];
    for (size_t pad = 0; pad < 140; pad++) {
        for (size_t t = 0; t < sizeof tricky / sizeof *tricky; t++) {
            int n = snprintf(buf, sizeof buf, "{\"apiVersion\": \"v1\", \"items\": [");
            for (int it = 0; it < 3; it++)
                n += snprintf(
                    buf + n, sizeof buf - (size_t)n,
                    "%s{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": "
                    "{\"name\": \"c%d\"}, \"data\": {\"%.*s\": \"%s%s\", \"b\": [[], {}]}}",
                    it ? ", " : "", it, (int)pad,
                    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                    tricky[t], it == 1 ? tricky[(t + 1) % 6] : "");
            snprintf(buf + n, sizeof buf - (size_t)n, "], \"kind\": \"List\"}\n");
            doc_list docs, want, got;
            doc_list_init(&docs);
            doc_list_init(&want);
            doc_list_init(&got);
            mp_errlist el;
            mp_errlist_init(&el);
            mp_err e;
            ck_assert_msg(doc_parse_auto(buf, strlen(buf), "in", &docs, &e) == 0, "%s", e.msg);
            kobj_flatten_all(&docs, &want, "in", &el);
            ck_assert_uint_eq(want.len, 3);
            doc_reader *r = doc_reader_new(buf, strlen(buf), "in", &e);
            doc_node *d;
            size_t doc, item;
            int rc;
            while ((rc = doc_reader_next_item(r, kobj_is_list, &d, &doc, &item, &e)) > 0) {
                ck_assert_uint_eq(item, got.len); /* item by item: it was seen as a List */
                kobj_flatten_item(d, doc, item, &got, "in", &el);
            }
            ck_assert_msg(rc == 0, "pad %zu tricky %zu: %s", pad, t, e.msg);
            ck_assert_uint_eq(got.len, 3);
            for (size_t i = 0; i < 3; i++)
                ck_assert(doc_equal(want.docs[i], got.docs[i], true));
            doc_reader_free(r);
            doc_list_free(&docs);
            doc_list_free(&want);
            doc_list_free(&got);
            mp_errlist_free(&el);
        }
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ingress_json");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, takes_what_it_is_sure_of);
    tcase_add_test(tc, declines_each_reason);
    tcase_add_test(tc, declines_a_bad_default_namespace);
    tcase_add_test(tc, stops_at_its_brace);
    tcase_add_test(tc, declines_past_its_limits);
    tcase_add_test(tc, takes_large_items);
    tcase_add_test(tc, takes_any_blanks);
    tcase_add_test(tc, mutations_agree);
    tcase_add_test(tc, reader_goes_on_as_if_it_had_read);
    tcase_add_test(tc, reader_stops_when_take_fails);
    tcase_add_test(tc, reader_decodes_ahead);
    tcase_add_test(tc, reader_decodes_ahead_mutants);
    tcase_add_test(tc, reader_counts_lines_over_taken_items);
    tcase_add_test(tc, lookahead_skips_strings);
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
