/* test_snippet.c - docs/conversion.md §13 "Snippets": model/snippet.c reads nginx
 * snippet text as nginx does (statements end at ';', blocks are one unit, quotes
 * hide ';' and braces) and translates only unconditional header one-liners. */
#include <check.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "model/snippet.h"

typedef struct {
    hdr_mods h;
    snippet_result r;
} run;

static void run_free(run *x)
{
    doc_node **all[] = {&x->h.req_set,  &x->h.req_add,  &x->h.req_remove,
                        &x->h.resp_set, &x->h.resp_add, &x->h.resp_remove};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        doc_free(*all[i]);
    snippet_result_free(&x->r);
}

static run tr(const char *snippet)
{
    run x;
    memset(&x, 0, sizeof x);
    ck_assert_int_eq(snippet_translate(snippet, &x.h, &x.r), 0);
    /* one line per warning, whatever the snippet's layout */
    if (x.r.rest.buf)
        ck_assert_msg(!strpbrk(x.r.rest.buf, "\n\r\t"), "raw whitespace in \"%s\"", x.r.rest.buf);
    return x;
}

static const char *map_str(const doc_node *map, const char *k)
{
    const doc_node *v = map ? doc_get(map, k) : NULL;
    return v ? doc_str(v) : NULL;
}

/* The seq holds exactly these names, in order (NULL-ended). */
static void ck_seq(const doc_node *seq, ...)
{
    va_list ap;
    va_start(ap, seq);
    size_t i = 0;
    for (const char *want; (want = va_arg(ap, const char *)); i++) {
        ck_assert_msg(seq && i < seq->len, "missing %s", want);
        ck_assert_str_eq(doc_str(doc_at(seq, i)), want);
    }
    va_end(ap);
    ck_assert_uint_eq(seq ? seq->len : 0, i);
}

static const char *rest(const run *x)
{
    return x->r.rest.buf ? x->r.rest.buf : "";
}

/* Sealos' terminal controller (2024-10 .. 2025-11): the Authorization scrub
 * follows three one-line if blocks and must still be translated. */
START_TEST(directive_after_if_blocks)
{
    run x = tr("set $flag 0;\n"
               "if ($http_upgrade = 'websocket') {set $flag \"${flag}1\";}\n"
               "if ($http_sec_fetch_site !~ 'same-(site|origin)') {set $flag \"${flag}2\";}\n"
               "if ($flag = '012') {return 403;}\n"
               "proxy_set_header Authorization \"\";\n"
               "proxy_set_header X-Sealos-Terminal-Secret \"1\";\n");
    ck_seq(x.h.req_remove, "Authorization", NULL);
    ck_assert_str_eq(map_str(x.h.req_set, "X-Sealos-Terminal-Secret"), "1");
    ck_assert_uint_eq(x.r.translated, 2);
    ck_assert_uint_eq(x.r.untranslated, 4); /* set + three blocks, each block one unit */
    ck_assert_str_eq(rest(&x), "set $flag 0; if ($http_upgrade = 'websocket') {set $flag "
                               "\"${flag}1\"; }; if ($http_sec_fetch_site !~ "
                               "'same-(site|origin)') {set $flag \"${flag}2\"; }; if ($flag = "
                               "'012') {return 403; }");
    run_free(&x);
}
END_TEST

START_TEST(blocks_are_one_unit)
{
    /* multi-line block, nested block: one line each, nothing inside translated */
    run x = tr("location /x {\n"
               "    if ($a) {\n"
               "        more_set_headers \"X-In: 1\";\n"
               "    }\n"
               "    add_header X-In2 v;\n"
               "}\n"
               "add_header X-Out v;\n");
    ck_assert_ptr_null(x.h.resp_set);
    ck_assert_ptr_nonnull(x.h.resp_add);
    ck_assert_ptr_null(map_str(x.h.resp_add, "X-In2"));
    ck_assert_str_eq(map_str(x.h.resp_add, "X-Out"), "v");
    ck_assert_uint_eq(x.r.translated, 1);
    ck_assert_uint_eq(x.r.untranslated, 1);
    ck_assert_str_eq(rest(&x), "location /x { if ($a) { more_set_headers \"X-In: 1\"; } "
                               "add_header X-In2 v; }");
    run_free(&x);

    /* a block never closed swallows the rest, as nginx would read it */
    x = tr("if ($a) { return 403;\nadd_header X-After v;");
    ck_assert_ptr_null(x.h.resp_add);
    ck_assert_uint_eq(x.r.untranslated, 1);
    run_free(&x);

    /* a '}' closing the surrounding location: what follows is not the
     * route's any more, so nothing after it is translated */
    x = tr("add_header X-Before v;\n}\nlocation /evil {\nadd_header X-After v;\n");
    ck_assert_str_eq(map_str(x.h.resp_add, "X-Before"), "v");
    ck_assert_ptr_null(map_str(x.h.resp_add, "X-After"));
    ck_assert_uint_eq(x.r.translated, 1);
    ck_assert_uint_eq(x.r.untranslated, 1);
    ck_assert_str_eq(rest(&x), "} location /evil { add_header X-After v;");
    run_free(&x);
}
END_TEST

START_TEST(quotes_and_comments)
{
    /* ';' and braces inside quotes belong to the value */
    run x = tr("more_set_headers \"X-A: a; b {c}\";\n"
               "add_header X-B 'x;y';\n"
               "# add_header X-Commented v;\n"
               "add_header X-C v; # trailing comment\n");
    ck_assert_str_eq(map_str(x.h.resp_set, "X-A"), "a; b {c}");
    ck_assert_str_eq(map_str(x.h.resp_add, "X-B"), "x;y");
    ck_assert_ptr_null(map_str(x.h.resp_add, "X-Commented"));
    ck_assert_str_eq(map_str(x.h.resp_add, "X-C"), "v");
    ck_assert_uint_eq(x.r.translated, 3);
    ck_assert_uint_eq(x.r.untranslated, 0);
    run_free(&x);

    /* a value spanning lines is still reported on one line */
    x = tr("return 200 \"a\nb\";");
    ck_assert_uint_eq(x.r.untranslated, 1);
    ck_assert_str_eq(rest(&x), "return 200 \"a b\"");
    run_free(&x);
}
END_TEST

START_TEST(more_clear_headers_forms)
{
    /* Sealos' adminer controller writes the "Name:" form */
    run x = tr("more_clear_headers \"X-Frame-Options:\";");
    ck_seq(x.h.resp_remove, "X-Frame-Options", NULL);
    ck_assert_uint_eq(x.r.translated, 1);
    ck_assert_uint_eq(x.r.untranslated, 0);
    run_free(&x);

    /* several names in one directive; headers-more ignores a value here */
    x = tr("more_clear_headers X-A 'X-B:' \"X-C: ignored\" 'X-D :';");
    ck_seq(x.h.resp_remove, "X-A", "X-B", "X-C", "X-D", NULL);
    ck_assert_uint_eq(x.r.translated, 1);
    run_free(&x);

    x = tr("more_clear_input_headers \"Authorization:\" Cookie;");
    ck_seq(x.h.req_remove, "Authorization", "Cookie", NULL);
    run_free(&x);

    /* more_set_headers "Name:" and "Name" clear the header (headers-more) */
    x = tr("more_set_headers \"Server:\" X-Powered-By \"X-Keep: 1\";");
    ck_seq(x.h.resp_remove, "Server", "X-Powered-By", NULL);
    ck_assert_str_eq(map_str(x.h.resp_set, "X-Keep"), "1");
    ck_assert_ptr_null(map_str(x.h.resp_set, "Server"));
    run_free(&x);
}
END_TEST

START_TEST(more_clear_headers_untranslatable)
{
    /* Envoy removes exact names only: a wildcard is reported, and the whole
     * directive stays untranslated (no half-applied directive) */
    const char *cases[] = {
        "more_clear_headers 'X-Hidden-*';",
        "more_clear_headers X-A 'X-Hidden-*';",
        "more_clear_headers -s 404 X-A;",         /* only for some statuses */
        "more_clear_headers -t 'text/html' X-A;", /* only for some types */
        "more_set_headers -s 404 'X-A: b';",
        "more_set_input_headers -r 'X-A: b';", /* only when present */
        "more_clear_headers \"\";",
        "more_set_headers \"X-A: $host\";",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        run x = tr(cases[i]);
        ck_assert_msg(!x.h.resp_remove && !x.h.resp_set && !x.h.req_set, "%s translated", cases[i]);
        ck_assert_uint_eq(x.r.translated, 0);
        ck_assert_uint_eq(x.r.untranslated, 1);
        run_free(&x);
    }
}
END_TEST

/* Text nginx would refuse still gives a result: nothing read past the end,
 * one line, nothing translated out of an unclosed quote or block. */
START_TEST(broken_text)
{
    const char *cases[] = {
        "",           ";;;",
        "{",          "}",
        "{{{{{{{{",   "\\",
        "\"open",     "'open",
        "a ${open",   "add_header X-A \"v;",
        "#only",      "a\\",
        "if (x) { {", "add_header X-A 'v;\nadd_header X-B w;",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        run x = tr(cases[i]);
        ck_assert_msg(!x.h.resp_add, "%s translated", cases[i]);
        run_free(&x);
    }
    run x = tr(NULL);
    ck_assert_uint_eq(x.r.translated + x.r.untranslated + x.r.ignored, 0);
    run_free(&x);
}
END_TEST

/* The first untranslated directive that restricts access, in blocks too
 * (docs/conversion.md §10a); redirects, rewrites and headers are not. */
START_TEST(access_directives)
{
    static const struct {
        const char *snippet, *access;
    } c[] = {
        {"allow 10.0.0.0/8; deny all;", "allow"},
        {"more_set_headers \"A: 1\"; deny 1.2.3.4;", "deny"},
        {"if ($flag = '012') {return 403;}", "return 403"},
        {"if ($x) { set $y 1; } location /m { return 444; }", "return 444"},
        {"limit_except GET { deny all; }", "limit_except"},
        {"auth_request /auth;", "auth_request"},
        {"auth_basic \"x\"; auth_basic_user_file /etc/p;", "auth_basic"},
        {"access_by_lua_block { ngx.exit(403) }", "access_by_lua_block"},
        {"proxy_set_header A b; } location /x { deny all; }", "deny"}, /* after a stray } */
        {"return 301 https://x$request_uri;", ""},
        {"if ($host = a) { return 302 /b; }", ""},
        {"rewrite ^/a /b break; proxy_set_header A \"\";", ""},
        {"# deny all;\nmore_set_headers \"X: deny\";", ""},
        {"return 200 \"ok\";", ""},
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        run x = tr(c[i].snippet);
        ck_assert_msg(!strcmp(x.r.access, c[i].access), "%s: access \"%s\", want \"%s\"",
                      c[i].snippet, x.r.access, c[i].access);
        run_free(&x);
    }
}
END_TEST

/* A compiled plan applied to several Ingresses' headers makes the changes
 * snippet_translate makes, also onto headers that already hold some (a
 * list entry is added once, whatever its case; a map value replaced). */
START_TEST(plan_is_translate)
{
    const char *texts[] = {
        "more_set_headers \"A: 1\"; proxy_hide_header Server; more_clear_headers server;",
        "proxy_set_header X \"\"; more_clear_input_headers x; more_set_input_headers \"A: 2\";",
        "add_header K V always; deny all; location / { }",
        "client_header_buffer_size 64k;",
    };
    run t = {0}, p = {0};
    for (size_t round = 0; round < 2; round++)
        for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
            snippet_result_free(&t.r);
            ck_assert_int_eq(snippet_translate(texts[i], &t.h, &t.r), 0);
            snippet_plan *pl = snippet_compile(texts[i]);
            ck_assert_ptr_nonnull(pl);
            ck_assert_int_eq(snippet_plan_apply(pl, &p.h), 0);
            const snippet_result *r = snippet_plan_result(pl);
            ck_assert_uint_eq(r->translated, t.r.translated);
            ck_assert_uint_eq(r->ignored, t.r.ignored);
            ck_assert_uint_eq(r->untranslated, t.r.untranslated);
            ck_assert_str_eq(r->access, t.r.access);
            ck_assert_str_eq(r->rest.buf ? r->rest.buf : "", rest(&t));
            snippet_plan_free(pl);
        }
    ck_seq(p.h.resp_remove, "Server", NULL);
    ck_seq(p.h.req_remove, "X", NULL);
    doc_node *const *a = &t.h.req_set, *const *b = &p.h.req_set;
    for (size_t i = 0; i < 6; i++) { /* the six maps and lists of hdr_mods, in order */
        ck_assert_int_eq(!a[i], !b[i]);
        for (size_t j = 0; a[i] && j < a[i]->len; j++) {
            ck_assert_uint_eq(a[i]->len, b[i]->len);
            if (a[i]->kind == DOC_MAP)
                ck_assert_str_eq(a[i]->keys[j], b[i]->keys[j]);
            ck_assert_str_eq(doc_str(a[i]->items[j]), doc_str(b[i]->items[j]));
        }
    }
    run_free(&t);
    run_free(&p);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("snippet");
    TCase *tc = tcase_create("snippet");
    tcase_add_test(tc, directive_after_if_blocks);
    tcase_add_test(tc, blocks_are_one_unit);
    tcase_add_test(tc, plan_is_translate);
    tcase_add_test(tc, quotes_and_comments);
    tcase_add_test(tc, more_clear_headers_forms);
    tcase_add_test(tc, more_clear_headers_untranslatable);
    tcase_add_test(tc, broken_text);
    tcase_add_test(tc, access_directives);
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
