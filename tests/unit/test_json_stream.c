/*
 * test_json_stream.c - JSON as kubectl reads it (issue 12, item 1): a stream
 * of objects or Lists, an error naming byte, line and column for anything
 * else, integers kept exactly through JSON and YAML both ways, maps of any
 * size with duplicate keys found, and encoders whose output cannot drive
 * a terminal.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/doc.h"
#include "model/emit.h"
#include "model/kobj.h"
#include "model/parse.h"

#define ck_assert_has(hay, needle)                                                                 \
    ck_assert_msg(strstr((hay), (needle)) != NULL, "\"%s\" does not contain \"%s\"", (hay),        \
                  (needle))

static int parse(const char *src, doc_list *l, mp_err *err)
{
    doc_list_init(l);
    memset(err, 0, sizeof *err);
    return doc_parse_json(src, strlen(src), "in.json", l, err);
}

/* The message of a failed parse; nothing half-parsed is kept. */
static const char *parse_fails(const char *src, mp_err *err)
{
    doc_list l;
    ck_assert_msg(parse(src, &l, err) == -1, "parsed: %s", src);
    ck_assert_uint_eq(l.len, 0);
    doc_list_free(&l);
    return err->msg;
}

#define ING(name)                                                                                  \
    "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{\"name\":\"" name \
    "\"},\"spec\":{}}"

START_TEST(a_stream_of_values_is_every_value)
{
    doc_list l;
    mp_err err;
    /* NDJSON (jq -c), values back to back, a List among objects */
    const char *src = ING("a") "\n" ING("b") ING(
        "c") "  \r\n\t"
             "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[" ING("d") "," ING("e") "]}\n";
    ck_assert_msg(parse(src, &l, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(l.len, 4);
    doc_list objs;
    doc_list_init(&objs);
    ck_assert_msg(kobj_flatten(&l, &objs, "in.json", &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(objs.len, 5);
    const char *want[] = {"a", "b", "c", "d", "e"};
    for (size_t i = 0; i < 5; i++)
        ck_assert_str_eq(kobj_name(objs.docs[i]), want[i]);
    doc_list_free(&objs);
    doc_list_free(&l);
    /* nothing but blanks: no documents, no error */
    ck_assert_int_eq(parse(" \n\t ", &l, &err), 0);
    ck_assert_uint_eq(l.len, 0);
    doc_list_free(&l);
}
END_TEST

START_TEST(garbage_after_a_value_is_an_error_with_its_position)
{
    mp_err err;
    /* the example: trailing text after a valid List */
    const char *msg =
        parse_fails("{\"kind\":\"List\",\"items\":[]}\n ] this is not json ]]]", &err);
    ck_assert_str_eq(msg, "in.json: line 2 col 2 (byte 28): malformed JSON: unexpected ']' where "
                          "a JSON document should start");
    msg = parse_fails(ING("a") "\nxyz", &err);
    ck_assert_has(msg, "line 2 col 1 (byte 89)");
    /* a top-level scalar is not an object (kubectl refuses it too) */
    ck_assert_has(parse_fails("\"just a string\"", &err),
                  "line 1 col 1 (byte 0): malformed JSON: a JSON document must be an object or "
                  "an array, not a scalar");
    ck_assert_has(parse_fails("42", &err), "not a scalar");
    ck_assert_has(parse_fails(ING("a") " true", &err), "byte 89");
    ck_assert_has(parse_fails("{} null", &err), "not a scalar");
    /* columns count characters: the é is one column, two bytes */
    ck_assert_has(parse_fails("{\"é\": x}", &err),
                  "line 1 col 7 (byte 7): malformed JSON: unexpected 'x' where a value should "
                  "start");
}
END_TEST

START_TEST(malformed_values_say_what_is_wrong)
{
    mp_err err;
    static const struct {
        const char *src, *want;
    } cases[] = {
        {"{\"a\": 1,}", "line 1 col 9 (byte 8): malformed JSON: expected a string key"},
        {"{\"a\" 1}", "expected ':' after a key"},
        {"{\"a\": 1 \"b\": 2}", "expected ',' or '}' after an object member, found '\"'"},
        {"[1 2]", "expected ',' or ']' after an array element, found '2'"},
        {"{\"a\": [1, 2}", "found '}'"},
        {"{\"a\": \"unterminated}", "col 7 (byte 6): malformed JSON: unterminated string"},
        {"{\"a\": 01}", "a number may not start with 0"},
        {"{\"a\": 1.}", "a decimal point needs digits after it"},
        {"{\"a\": 1e}", "an exponent needs digits"},
        {"{\"a\": -}", "a number needs digits"},
        {"{\"a\": +1}", "unexpected '+' where a value should start"},
        {"{\"a\": NaN}", "unexpected 'N'"},
        {"{\"a\": tru}", "unexpected 't'"},
        {"{\"a\": \"\\x\"}", "invalid escape \\'x' in a string"},
        {"{\"a\": \"\\u12\"}", "\\u needs four hex digits"},
        {"{\"a\": \"\\u0000\"}", "NUL character (\\u0000) in a string"},
        {"{\"a\": \"tab\there\"}", "byte 0x09 in a string (escape it)"},
        {"{\"a\": \"\xff\"}", "invalid UTF-8 in a string"},
        {"{\"a\": \"\xc0\xaf\"}", "invalid UTF-8"},         /* overlong '/' */
        {"{\"a\": \"\xed\xa0\x80\"}", "invalid UTF-8"},     /* an encoded surrogate */
        {"{\"a\": \"\xf4\x90\x80\x80\"}", "invalid UTF-8"}, /* above U+10FFFF */
        {"{\"a\": 1, \"a\": 2}", "col 10 (byte 9): malformed JSON: duplicate key \"a\""},
        {"{\"a\": 1", "unexpected end of input"},
        {"[", "unexpected end of input"},
        {"{\"a\": 1}}", "unexpected '}' where a JSON document should start"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        ck_assert_has(parse_fails(cases[i].src, &err), cases[i].want);
}
END_TEST

START_TEST(strings_decode_escapes_and_utf8)
{
    doc_list l;
    mp_err err;
    ck_assert_msg(parse("{\"s\": \"q\\\"b\\\\s\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\\ud800x\", "
                        "\"u\": \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}",
                        &l, &err) == 0,
                  "%s", err.msg);
    /* a lone surrogate becomes U+FFFD, as Go decodes it */
    ck_assert_str_eq(doc_get_str(l.docs[0], "s"),
                     "q\"b\\s/\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbdx");
    ck_assert_str_eq(doc_get_str(l.docs[0], "u"), "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    doc_list_free(&l);
}
END_TEST

START_TEST(nesting_is_bounded)
{
    char src[1200];
    mp_err err;
    memset(src, '[', 300);
    memset(src + 300, ']', 300);
    src[600] = 0;
    ck_assert_has(parse_fails(src, &err), "nesting deeper than 256 levels");
    memset(src, '[', 256);
    memset(src + 256, ']', 256);
    src[512] = 0;
    doc_list l;
    ck_assert_msg(parse(src, &l, &err) == 0, "%s", err.msg);
    doc_list_free(&l);
}
END_TEST

/* ---- exact integers ---------------------------------------------------------------------- */

static char *json_of(const doc_node *d)
{
    mp_err err;
    char *s = doc_emit_json(d, false, NULL, &err);
    ck_assert_msg(s != NULL, "%s", err.msg);
    return s;
}

static char *yaml_of(const doc_node *d)
{
    mp_err err;
    char *s = doc_emit_yaml(d, NULL, &err);
    ck_assert_msg(s != NULL, "%s", err.msg);
    return s;
}

static doc_node *parse_one(const char *src, bool json)
{
    doc_list l;
    doc_list_init(&l);
    mp_err err = {{0}};
    int rc = json ? doc_parse_json(src, strlen(src), "t", &l, &err)
                  : doc_parse_yaml(src, strlen(src), "t", &l, &err);
    ck_assert_msg(rc == 0 && l.len == 1, "%s: %s", src, err.msg);
    doc_node *d = doc_list_take(&l, 0);
    doc_list_free(&l);
    return d;
}

START_TEST(integers_are_kept_exactly_through_json_and_yaml)
{
    /* the numbers: 2^53 + 1 and one that a double rounds to ...224 */
    const char *json = "{\"a\":9007199254740993,\"b\":22222222222222222,\"c\":-9223372036854775809,"
                       "\"d\":123456789012345678901234567890,\"e\":0.1,\"f\":1e400,\"g\":-0,"
                       "\"h\":1.50}";
    doc_node *d = parse_one(json, true);
    ck_assert_int_eq(doc_get(d, "a")->type, DOC_INT);
    ck_assert_str_eq(doc_get_str(d, "a"), "9007199254740993");
    ck_assert_str_eq(doc_get_str(d, "b"), "22222222222222222");
    ck_assert_int_eq(doc_get(d, "e")->type, DOC_FLOAT);
    /* JSON -> JSON: byte for byte */
    char *j = json_of(d);
    ck_assert_str_eq(j, json);
    /* JSON -> YAML -> JSON */
    char *y = yaml_of(d);
    ck_assert_has(y, "a: 9007199254740993\n");
    ck_assert_has(y, "b: 22222222222222222\n");
    ck_assert_has(y, "d: 123456789012345678901234567890\n");
    doc_node *back = parse_one(y, false);
    ck_assert(doc_equal(d, back, true));
    char *j2 = json_of(back);
    ck_assert_str_eq(j2, json);
    /* YAML -> JSON -> YAML, YAML 1.1 spellings converted exactly */
    doc_node *yd =
        parse_one("big: 9007199254740993\nhex: 0x20000000000001\nneg: -22222222222222222\n"
                  "us: 1_000_000\noct: 0777\nhuge: 0xffffffffffffffffffff\n",
                  false);
    char *yj = json_of(yd);
    ck_assert_str_eq(yj, "{\"big\":9007199254740993,\"hex\":9007199254740993,"
                         "\"neg\":-22222222222222222,\"us\":1000000,\"oct\":511,"
                         "\"huge\":1208925819614629174706175}");
    doc_node *jd = parse_one(yj, true);
    char *yy = yaml_of(jd);
    ck_assert_str_eq(yy, "big: 9007199254740993\nhex: 9007199254740993\nneg: -22222222222222222\n"
                         "us: 1000000\noct: 511\nhuge: 1208925819614629174706175\n");
    free(j);
    free(y);
    free(j2);
    free(yj);
    free(yy);
    doc_free(d);
    doc_free(back);
    doc_free(yd);
    doc_free(jd);
}
END_TEST

/* ---- big maps ----------------------------------------------------------------------------- */

/* {"k0":0,"k1":1,...EXTRA} or "k0: 0\nk1: 1\n...EXTRA" */
static char *big_map(size_t n, bool json, const char *extra)
{
    size_t cap = n * 24 + 64;
    char *s = malloc(cap);
    size_t o = 0;
    if (json)
        s[o++] = '{';
    for (size_t i = 0; i < n; i++) {
        if (json)
            o += (size_t)snprintf(s + o, cap - o, "%s\"k%zu\":%zu", i ? "," : "", i, i);
        else
            o += (size_t)snprintf(s + o, cap - o, "k%zu: %zu\n", i, i);
    }
    snprintf(s + o, cap - o, "%s%s", extra, json ? "}" : "");
    return s;
}

/* Entries wait on the reader's scratch stack until their container is
 * complete, and a map moves to its key index at its 16th key: every size
 * around that switch keeps its entries in order, finds a duplicate of any
 * earlier key (shared-table keys like "name" too, also when escaped), and
 * frees what it read when a nested value fails. */
START_TEST(maps_of_every_size_keep_order_and_find_duplicates)
{
    mp_err err;
    doc_list l;
    for (int n = 1; n <= 40; n++) {
        char src[4096];
        size_t o = 0;
        o += (size_t)snprintf(src + o, sizeof src - o, "{");
        for (int i = 0; i < n; i++) /* a nested container every third key */
            o += (size_t)snprintf(src + o, sizeof src - o, "%s\"k%d\":%s", i ? "," : "", i,
                                  i % 3 ? "[1,{\"x\":[2,3]},\"s\"]" : "\"v\"");
        snprintf(src + o, sizeof src - o, "}");
        ck_assert_msg(parse(src, &l, &err) == 0, "%d keys: %s", n, err.msg);
        doc_node *m = l.docs[0];
        ck_assert_uint_eq(m->len, (size_t)n);
        for (int i = 0; i < n; i++) {
            char k[16];
            snprintf(k, sizeof k, "k%d", i);
            ck_assert_str_eq(m->keys[i], k);
            ck_assert(doc_is_seq(m->items[i]) == (i % 3 != 0));
            if (i % 3) {
                ck_assert_uint_eq(m->items[i]->len, 3);
                ck_assert_str_eq(doc_str(doc_at(doc_get(doc_at(m->items[i], 1), "x"), 1)), "3");
            }
        }
        doc_list_free(&l);
        for (int j = 0; j < n; j += n / 3 + 1) { /* a duplicate of key j, last */
            char dup[4200], want[64];
            snprintf(dup, sizeof dup, "%.*s,\"k%d\":0}", (int)o, src, j);
            snprintf(want, sizeof want, "(byte %zu): malformed JSON: duplicate key \"k%d\"", o + 1,
                     j);
            ck_assert_has(parse_fails(dup, &err), want);
        }
        /* a value that fails after n entries (and open nested ones) */
        char bad[4200];
        snprintf(bad, sizeof bad, "%.*s,\"z\":[{\"y\":[1,tru]}]}", (int)o, src);
        ck_assert_has(parse_fails(bad, &err), "unexpected 't' where a value should start");
    }
    ck_assert_has(parse_fails("{\"name\":1,\"kind\":2,\"name\":3}", &err),
                  "duplicate key \"name\"");
    ck_assert_has(parse_fails("{\"name\":1,\"n\\u0061me\":2}", &err), "duplicate key \"name\"");
    ck_assert_has(parse_fails("{\"x-y\":1,\"x\\u002dy\":2}", &err), "duplicate key \"x-y\"");
    ck_assert_int_eq(
        parse("{\"name\":1,\"names\":2,\"nam\":3,\"\\u006eame\\u0073\\u0073\":4}", &l, &err), 0);
    ck_assert_uint_eq(l.docs[0]->len, 4);
    doc_list_free(&l);
}
END_TEST

START_TEST(big_maps_decode_and_find_late_duplicates)
{
    mp_err err;
    doc_list l;
    for (int json = 0; json <= 1; json++) {
        char *ok = big_map(100000, json, "");
        doc_list_init(&l);
        ck_assert_msg(json ? doc_parse_json(ok, strlen(ok), "m", &l, &err) == 0
                           : doc_parse_yaml(ok, strlen(ok), "m", &l, &err) == 0,
                      "%s", err.msg);
        ck_assert_uint_eq(l.docs[0]->len, 100000);
        ck_assert_str_eq(doc_get_str(l.docs[0], "k99999"), "99999");
        doc_node *c = doc_clone(l.docs[0]);
        ck_assert(doc_equal(c, l.docs[0], false));
        doc_free(c);
        doc_list_free(&l);
        free(ok);
        /* the duplicate of the first key is the 100,001st */
        char *dup = big_map(100000, json, json ? ",\"k0\":1" : "k0: 1\n");
        doc_list_init(&l);
        int rc = json ? doc_parse_json(dup, strlen(dup), "m", &l, &err)
                      : doc_parse_yaml(dup, strlen(dup), "m", &l, &err);
        ck_assert_int_eq(rc, -1);
        ck_assert_has(err.msg, "duplicate key \"k0\"");
        doc_list_free(&l);
        free(dup);
    }
}
END_TEST

START_TEST(maps_past_the_key_limit_are_refused)
{
    /* 1,000,000 keys: refused at the 262,145th, whatever the format */
    mp_err err;
    doc_list l;
    for (int json = 0; json <= 1; json++) {
        char *big = big_map(1000000, json, "");
        doc_list_init(&l);
        int rc = json ? doc_parse_json(big, strlen(big), "m", &l, &err)
                      : doc_parse_yaml(big, strlen(big), "m", &l, &err);
        ck_assert_int_eq(rc, -1);
        ck_assert_has(err.msg, "a map with more than 262144 keys: refused");
        ck_assert_has(err.msg, json ? "line 1 col " : "line 262145 col 1");
        ck_assert_uint_eq(l.len, 0);
        doc_list_free(&l);
        free(big);
        /* exactly the limit is fine */
        big = big_map(DOC_MAX_MAP_KEYS, json, "");
        doc_list_init(&l);
        rc = json ? doc_parse_json(big, strlen(big), "m", &l, &err)
                  : doc_parse_yaml(big, strlen(big), "m", &l, &err);
        ck_assert_msg(rc == 0, "%s", err.msg);
        ck_assert_uint_eq(l.docs[0]->len, DOC_MAX_MAP_KEYS);
        doc_list_free(&l);
        free(big);
    }
}
END_TEST

START_TEST(yaml_merge_keys_on_big_maps)
{
    /* explicit keys win over merged ones; the merge adds the rest */
    const char *src = "base: &b {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9, j: 10, "
                      "k: 11, l: 12, m: 13, n: 14, o: 15, p: 16, q: 17}\n"
                      "x:\n  <<: *b\n  a: one\n  z: 26\n";
    doc_node *d = parse_one(src, false);
    doc_node *x = doc_get(d, "x");
    ck_assert_uint_eq(x->len, 18);
    ck_assert_str_eq(doc_get_str(x, "a"), "one");
    ck_assert_str_eq(doc_get_str(x, "q"), "17");
    doc_free(d);
}
END_TEST

/* ---- output a terminal cannot be driven by -------------------------------------------------- */

START_TEST(encoders_escape_terminal_controls)
{
    /* C1 CSI (U+009B), RLO (U+202E), DEL and ESC in a value and a key */
    doc_node *d = doc_map_new();
    doc_map_set_str(d, "host",
                    "\xc2\x9b"
                    "2J \xe2\x80\xae"
                    "moc.elgoog \x7f\x1b[31m");
    doc_map_set_str(d, "k\xe2\x80\xaey", "v");
    doc_map_set_str(d, "plain", "caf\xc3\xa9");
    char *j = json_of(d);
    ck_assert_str_eq(j, "{\"host\":\"\\u009b2J \\u202emoc.elgoog \\u007f\\u001b[31m\","
                        "\"k\\u202ey\":\"v\",\"plain\":\"caf\xc3\xa9\"}");
    doc_node *back = parse_one(j, true);
    ck_assert(doc_equal(d, back, true)); /* the escapes mean the same characters */
    char *y = yaml_of(d);
    ck_assert_msg(!strstr(y, "\xe2\x80\xae") && !strstr(y, "\xc2\x9b") && !strchr(y, 0x1b) &&
                      !strchr(y, 0x7f),
                  "raw control in YAML: %s", y);
    doc_node *yback = parse_one(y, false);
    ck_assert(doc_equal(d, yback, true));
    /* a clean document keeps its UTF-8 as it is */
    doc_node *clean = parse_one("{\"plain\":\"caf\xc3\xa9\"}", true);
    char *cy = yaml_of(clean);
    ck_assert_str_eq(cy, "plain: caf\xc3\xa9\n");
    free(j);
    free(y);
    free(cy);
    doc_free(d);
    doc_free(back);
    doc_free(yback);
    doc_free(clean);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("json_stream");
    TCase *tc = tcase_create("json");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, a_stream_of_values_is_every_value);
    tcase_add_test(tc, garbage_after_a_value_is_an_error_with_its_position);
    tcase_add_test(tc, malformed_values_say_what_is_wrong);
    tcase_add_test(tc, strings_decode_escapes_and_utf8);
    tcase_add_test(tc, nesting_is_bounded);
    tcase_add_test(tc, integers_are_kept_exactly_through_json_and_yaml);
    tcase_add_test(tc, maps_of_every_size_keep_order_and_find_duplicates);
    tcase_add_test(tc, big_maps_decode_and_find_late_duplicates);
    tcase_add_test(tc, maps_past_the_key_limit_are_refused);
    tcase_add_test(tc, yaml_merge_keys_on_big_maps);
    tcase_add_test(tc, encoders_escape_terminal_controls);
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
