/* test_annotations.c - the annotation rule table, its agreement with
 * docs/conversion.md, value parsing and the snippet translator. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/annotations.h"
#include "model/snippet.h"
#include "same_tree.h"

static char *read_doc(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/../../docs/conversion.md", TEST_DATA_DIR);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = 0;
    fclose(f);
    return buf;
}

/* Every row of the table is in the doc's table with the same fidelity, and
 * the doc has no row the code lacks. */
START_TEST(doc_matches_table)
{
    char *doc = read_doc();
    size_t n;
    const ann_rule *r = ann_rules(&n);
    ck_assert_uint_gt(n, 100);
    for (size_t i = 0; i < n; i++) {
        char row[200];
        snprintf(row, sizeof row, "| `%s` | %s |", r[i].name, ann_fidelity_name(r[i].fidelity));
        ck_assert_msg(strstr(doc, row) != NULL, "docs/conversion.md lacks row: %s", row);
    }
    size_t rows = 0;
    const char *table = strstr(doc, "## 15. Annotation rule table");
    ck_assert_ptr_nonnull(table);
    for (const char *p = strstr(table, "\n| `"); p; p = strstr(p + 1, "\n| `")) {
        char name[128];
        ck_assert_int_eq(sscanf(p, "\n| `%127[^`]`", name), 1);
        ck_assert_msg(ann_lookup(name) != NULL, "doc row %s not in model/annotations.c", name);
        rows++;
    }
    ck_assert_uint_eq(rows, n);
    free(doc);
}
END_TEST

START_TEST(table_is_well_formed)
{
    size_t n;
    const ann_rule *r = ann_rules(&n);
    for (size_t i = 0; i < n; i++) {
        ck_assert_ptr_nonnull(r[i].handle);
        ck_assert_msg(strncmp(r[i].name, "nginx.", 6), "%s has the prefix", r[i].name);
        ck_assert_msg(r[i].fidelity == ANN_EXACT || r[i].code != NULL, "%s: no warning code",
                      r[i].name);
        ck_assert_ptr_eq(ann_lookup(r[i].name), &r[i]); /* unique, and found by name */
    }
    /* names of no row: before, between and after the rows, prefixes, longer ones */
    const char *none[] = {
        "",    "-", "a",          "proxy-",      "proxy-read-timeout-", "PROXY-BODY-SIZE",
        "zzz", "~", "use-regexp", "canary-weigh"};
    for (size_t i = 0; i < sizeof none / sizeof *none; i++)
        ck_assert_msg(ann_lookup(none[i]) == NULL, "%s found", none[i]);
    /* rows the issue names explicitly */
    const char *must[] = {"proxy-read-timeout",
                          "proxy-send-timeout",
                          "proxy-connect-timeout",
                          "enable-cors",
                          "cors-allow-origin",
                          "cors-max-age",
                          "backend-protocol",
                          "rewrite-target",
                          "app-root",
                          "permanent-redirect",
                          "temporal-redirect",
                          "canary",
                          "canary-weight",
                          "canary-by-header",
                          "canary-by-header-value",
                          "upstream-vhost",
                          "x-forwarded-prefix",
                          "whitelist-source-range",
                          "denylist-source-range",
                          "proxy-next-upstream-tries",
                          "proxy-body-size",
                          "configuration-snippet",
                          "server-snippet",
                          "use-regex",
                          "ssl-redirect",
                          "force-ssl-redirect"};
    for (size_t i = 0; i < sizeof must / sizeof *must; i++)
        ck_assert_msg(ann_lookup(must[i]) != NULL, "%s missing", must[i]);
    ck_assert_int_eq(ann_lookup("proxy-body-size")->fidelity, ANN_UNSUPPORTED);
    ck_assert_int_eq(ann_lookup("upstream-vhost")->fidelity, ANN_EXACT);
}
END_TEST

START_TEST(value_parsing)
{
    ck_assert_int_eq(ann_parse_seconds("60"), 60);
    ck_assert_int_eq(ann_parse_seconds("30s"), 30);
    ck_assert_int_eq(ann_parse_seconds("2m"), 120);
    ck_assert_int_eq(ann_parse_seconds("1h"), 3600);
    ck_assert_int_eq(ann_parse_seconds("x"), -1);
    ck_assert_int_eq(ann_parse_seconds("-5"), -1);
    ck_assert_int_eq(ann_parse_seconds("5ms"), -1);
    doc_node *l = ann_split_list(" GET, PUT ,,POST ");
    ck_assert_uint_eq(l->len, 3);
    ck_assert_str_eq(doc_str(doc_at(l, 1)), "PUT");
    doc_free(l);
}
END_TEST

static doc_node *map_get(doc_node *m, const char *k)
{
    return m ? doc_get(m, k) : NULL;
}

START_TEST(snippet_translation)
{
    hdr_mods h = {0};
    snippet_result r;
    ck_assert_int_eq(snippet_translate("more_set_headers \"A: 1\" \"B: two words\";\n"
                                       "more_set_input_headers 'C: 3';\n"
                                       "more_clear_input_headers Cookie;\n"
                                       "proxy_hide_header Server; # trailing comment\n"
                                       "large_client_header_buffers 4 128k;\n"
                                       "more_set_headers -s 404 \"D: 4\";\n"
                                       "location /x { return 200; }\n",
                                       &h, &r),
                     0);
    ck_assert_str_eq(doc_str(map_get(h.resp_set, "A")), "1");
    ck_assert_str_eq(doc_str(map_get(h.resp_set, "B")), "two words");
    ck_assert_str_eq(doc_str(map_get(h.req_set, "C")), "3");
    ck_assert_str_eq(doc_str(doc_at(h.req_remove, 0)), "Cookie");
    ck_assert_str_eq(doc_str(doc_at(h.resp_remove, 0)), "Server");
    ck_assert_ptr_null(map_get(h.resp_set, "D")); /* status filter: conditional */
    ck_assert_uint_eq(r.translated, 4);
    ck_assert_uint_eq(r.ignored, 1);
    ck_assert_uint_eq(r.untranslated, 2);
    ck_assert_ptr_nonnull(strstr(r.rest.buf, "-s 404"));
    ck_assert_ptr_nonnull(strstr(r.rest.buf, "location /x"));
    snippet_result_free(&r);
    doc_free(h.resp_set), doc_free(h.req_set), doc_free(h.req_remove), doc_free(h.resp_remove);

    /* a header set inside a block is conditional: never unconditional */
    hdr_mods h2 = {0};
    ck_assert_int_eq(snippet_translate("if ($x) { more_set_headers \"E: 5\"; }", &h2, &r), 0);
    ck_assert_ptr_null(h2.resp_set);
    ck_assert_uint_eq(r.translated, 0);
    ck_assert_uint_eq(r.untranslated, 1);
    snippet_result_free(&r);
}
END_TEST

/* ---- ann_parse_cached: the same settings and findings as ann_parse ---- */

static void same_opt_tree(const doc_node *a, const doc_node *b, const char *at)
{
    ck_assert_msg(!a == !b, "%s: one side is NULL", at);
    if (a)
        same_tree(a, b, at);
}

static void same_opt_str(const char *a, const char *b, const char *what)
{
    ck_assert_msg(!a == !b, "%s: one side is NULL", what);
    if (a)
        ck_assert_msg(!strcmp(a, b), "%s: \"%s\" vs \"%s\"", what, a, b);
}

static void same_hdr(const hdr_mods *a, const hdr_mods *b);

/* Every setting ann_parse makes, by value. */
static void same_settings(const ann_settings *a, const ann_settings *b)
{
    ck_assert_int_eq(a->use_regex, b->use_regex);
    same_opt_str(a->rewrite_target, b->rewrite_target, "rewrite_target");
    same_opt_str(a->app_root, b->app_root, "app_root");
    ck_assert_int_eq(a->ssl_redirect, b->ssl_redirect);
    ck_assert_int_eq(a->force_ssl_redirect, b->force_ssl_redirect);
    ck_assert_int_eq(a->proto, b->proto);
    ck_assert_int_eq(a->connect_timeout, b->connect_timeout);
    same_opt_str(a->timeout, b->timeout, "timeout");
    ck_assert_int_eq(a->retry_attempts, b->retry_attempts);
    same_opt_str(a->retry_on, b->retry_on, "retry_on");
    same_opt_tree(a->cors, b->cors, "cors");
    ck_assert_int_eq(a->can.canary, b->can.canary);
    ck_assert_int_eq(a->can.weight, b->can.weight);
    ck_assert_int_eq(a->can.weight_total, b->can.weight_total);
    same_opt_str(a->can.header, b->can.header, "canary header");
    same_opt_str(a->can.header_value, b->can.header_value, "canary header value");
    same_opt_str(a->can.header_pattern, b->can.header_pattern, "canary pattern");
    same_opt_str(a->can.cookie, b->can.cookie, "canary cookie");
    same_opt_tree(a->redirect, b->redirect, "redirect");
    same_opt_str(a->upstream_vhost, b->upstream_vhost, "upstream_vhost");
    same_hdr(&a->hdr, &b->hdr);
    same_hdr(&a->server_hdr, &b->server_hdr);
    same_opt_tree(a->allow_cidrs, b->allow_cidrs, "allow_cidrs");
    same_opt_tree(a->deny_cidrs, b->deny_cidrs, "deny_cidrs");
    for (size_t i = 0; i < AR_COUNT; i++)
        same_opt_str(a->acc.raw[i], b->acc.raw[i], "acc.raw");
    same_opt_str(a->acc.auth_parts, b->acc.auth_parts, "auth_parts");
    ck_assert_uint_eq(a->acc.n, b->acc.n);
    for (size_t j = 0; j < a->acc.n; j++) {
        ck_assert_int_eq(a->acc.item[j].kind, b->acc.item[j].kind);
        ck_assert_str_eq(a->acc.item[j].ann, b->acc.item[j].ann);
        ck_assert_int_eq(a->acc.item[j].host_wide, b->acc.item[j].host_wide);
        ck_assert_str_eq(a->acc.item[j].why, b->acc.item[j].why);
        ck_assert_str_eq(a->acc.item[j].todo, b->acc.item[j].todo);
    }
    ck_assert_int_eq(a->acc.oom, b->acc.oom);
    same_opt_str(a->acc.auth_url, b->acc.auth_url, "auth_url");
    same_opt_tree(a->acc.auth_response_headers, b->acc.auth_response_headers, "auth headers");
    same_opt_str(a->acc.tls_secret, b->acc.tls_secret, "tls_secret");
    ck_assert_int_eq(a->acc.tls_pass_cert, b->acc.tls_pass_cert);
    ck_assert_int_eq(a->acc.tls_depth, b->acc.tls_depth);
    ck_assert_int_eq(a->acc.satisfy_any, b->acc.satisfy_any);
    same_opt_str(a->lb_simple, b->lb_simple, "lb_simple");
    same_opt_tree(a->consistent_hash, b->consistent_hash, "consistent_hash");
}

static void same_hdr(const hdr_mods *a, const hdr_mods *b)
{
    same_opt_tree(a->req_set, b->req_set, "req_set");
    same_opt_tree(a->req_add, b->req_add, "req_add");
    same_opt_tree(a->req_remove, b->req_remove, "req_remove");
    same_opt_tree(a->resp_set, b->resp_set, "resp_set");
    same_opt_tree(a->resp_add, b->resp_add, "resp_add");
    same_opt_tree(a->resp_remove, b->resp_remove, "resp_remove");
}

#define P NGINX_ANNOTATION_PREFIX
static const char *const S_BUF =
    "client_header_buffer_size 64k;\nlarge_client_header_buffers 4 128k;\n";
static const char *const S_HDR = "more_clear_headers \"X-Frame-Options:\";\nmore_set_headers "
                                 "\"X-Xss-Protection: 1; mode=block\";\n";
static const char *const S_DENY = "deny all; more_set_headers \"X: 1\"; proxy_hide_header X-Y;\n"
                                  "more_clear_headers x-y; set $a 1;";
static const char *const S_REQ = "proxy_set_header A \"\"; more_clear_input_headers a; "
                                 "more_set_input_headers \"X-Forwarded-Prefix: /b\";";

/* Ingresses whose snippets repeat, on settings that already hold headers
 * (x-forwarded-prefix before the snippet, two snippets into one map), a
 * canary that ignores them, and a snippet that restricts access. */
START_TEST(cached_parse_is_parse)
{
    char long_key[320]; /* a field longer than its 256-byte buffer: cut */
    memset(long_key, 'k', sizeof long_key - 1);
    memcpy(long_key, P, strlen(P));
    long_key[sizeof long_key - 1] = '\0';
    ing_ann kinds[][4] = {
        {{P "server-snippet", S_BUF, false}, {P "configuration-snippet", S_HDR, false}},
        {{P "x-forwarded-prefix", "/a", false}, {P "configuration-snippet", S_REQ, false}},
        {{P "server-snippet", S_DENY, false}, {P "configuration-snippet", S_DENY, false}},
        {{P "configuration-snippet", S_HDR, false}, {P "server-snippet", S_HDR, false}},
        {{P "canary", "true", false}, {P "server-snippet", S_BUF, false}},
        {{P "configuration-snippet", S_REQ, false}, {P "x-forwarded-prefix", "/c", false}},
        {{P "no-such-annotation", "1", false},
         {long_key, "1", false},
         {P "canary", NULL, true},
         {P "proxy-read-timeout", "x", false}},
        {{"kubernetes.io/ingress.class", "nginx", false},
         {P "canary", "true", false},
         {P "proxy-read-timeout", "5", false},
         {P "no-such-annotation", "2", false}},
        {{P "enable-cors", "true", false},
         {P "cors-allow-methods", "GET, PUT", false},
         {P "cors-allow-origin", "https://a.example, https://b.example", false},
         {P "proxy-next-upstream-tries", "3", false}},
        {{P "rewrite-target", "/$1", false},
         {P "use-regex", "true", false},
         {P "permanent-redirect", "https://x.example/p", false},
         {P "upstream-hash-by", "$request_uri", false}},
        {{P "whitelist-source-range", "10.0.0.0/8, 192.168.1.1", false},
         {P "auth-url", "http://auth.example/check", false},
         {P "auth-response-headers", "X-User, X-Group", false},
         {"higress.io/response-header-control-remove", "X-Frame-Options", false}},
        {{P "auth-tls-secret", "ns-a/ca", false}, /* names the namespace: never shared */
         {P "auth-tls-verify-client", "on", false},
         {P "backend-protocol", "GRPC", false},
         {P "proxy-connect-timeout", "7", false}},
        {{P "canary", "true", false},
         {P "canary-by-header", "X-Canary", false},
         {P "canary-weight", "20", false},
         {P "load-balance", "ewma", false}},
        /* kinds[4] but with canary null (absent): not the same set */
        {{P "canary", "true", true}, {P "server-snippet", S_BUF, false}},
        /* the same bytes split another way between key and value, and bytes
         * a length could be written with */
        {{P "no-such-annotation\x01\x01\x01", "", false}},
        {{P "no-such-annotation", "\x01\x01\x01", false}},
        {{P "no-such-annotationX", "1", false}},
        {{P "no-such-annotation", "X1", false}},
    };
    enum { ROUNDS = 3, KINDS = sizeof kinds / sizeof *kinds };
    /* the cached side's settings are read to the end, as the converter's:
     * a later Ingress's are the first one's, at the cache's address */
    const ann_settings *got[ROUNDS][KINDS];
    ann_settings *own[ROUNDS][KINDS];
    ann_cache *k = ann_cache_new();
    ck_assert_ptr_nonnull(k);
    for (size_t round = 0; round < ROUNDS; round++)
        for (size_t i = 0; i < KINDS; i++) {
            ing_view v;
            memset(&v, 0, sizeof v);
            char name[32];
            snprintf(name, sizeof name, "web-%zu", round);
            v.ns = round == 1 ? "ns-b" : "ns-a"; /* another tenant, the same annotations */
            v.name = name;
            v.anns = kinds[i];
            while (v.nanns < 4 && kinds[i][v.nanns].key)
                v.nanns++;
            ann_settings a;
            ann_settings_init(&a);
            mp_warnings wa, wb;
            mp_warnings_init(&wa);
            mp_warnings_init(&wb);
            ck_assert_int_eq(ann_parse(&v, &a, &wa), 0);
            ck_assert_int_eq(ann_parse_cached(&v,
                                              round == 2 ? "ingress "
                                                           "ns-a/web-2"
                                                         : NULL,
                                              &got[round][i], &own[round][i], &wb, k),
                             0);
            const ann_settings *b = got[round][i];
            same_settings(&a, b);
            /* the cache's from the first round on, one address per set, but
             * never auth-tls-secret's (an Ingress's own each time) */
            if (i == 11) {
                ck_assert_ptr_eq(b, own[round][i]);
                ck_assert(round == 0 || b != got[0][i]);
            } else {
                ck_assert_ptr_null(own[round][i]);
                ck_assert_ptr_eq(b, got[0][i]);
                for (size_t j = 0; j < i; j++)
                    ck_assert_ptr_ne(b, got[0][j]);
            }
            ck_assert_uint_eq(wa.len, wb.len);
            ck_assert_uint_gt(wa.len, 0);
            for (size_t j = 0; j < wa.len; j++) {
                char *la = mp_warning_format(&wa.items[j]), *lb = mp_warning_format(&wb.items[j]);
                ck_assert_str_eq(la, lb);
                free(la);
                free(lb);
            }
            if (i == 2) /* the deny is named once per snippet, server-wide for the server's */
                ck_assert_uint_eq(b->acc.n, 2);
            mp_warnings_free(&wa);
            mp_warnings_free(&wb);
            ann_settings_free(&a);
        }
    /* the first round's settings where they were, whole, once every set
     * is kept (the cache's list of sets has grown four times since) */
    for (size_t i = 0; i < KINDS; i++) {
        ing_view v = {.ns = "ns-a", .name = "web-0", .anns = kinds[i]};
        while (v.nanns < 4 && kinds[i][v.nanns].key)
            v.nanns++;
        ann_settings a;
        ann_settings_init(&a);
        mp_warnings wa;
        mp_warnings_init(&wa);
        ck_assert_int_eq(ann_parse(&v, &a, &wa), 0);
        same_settings(&a, got[0][i]);
        mp_warnings_free(&wa);
        ann_settings_free(&a);
    }
    for (size_t round = 0; round < ROUNDS; round++) {
        ck_assert_ptr_nonnull(own[round][11]);
        ann_settings_free(own[round][11]); /* the Ingress's own, not the cache's */
        free(own[round][11]);
    }
    ann_cache_free(k);
}
END_TEST

/* An Ingress never parsed points at ann_settings_none: what init makes. */
START_TEST(none_is_init)
{
    ann_settings a;
    ann_settings_init(&a);
    const ann_settings *n = ann_settings_none();
    same_settings(&a, n);
    ck_assert_ptr_eq(n, ann_settings_none());
    ck_assert_int_eq(n->acc.n, 0);
    ck_assert_ptr_null(n->acc.item);
    ck_assert_uint_eq(n->nowned, 0);
    ck_assert_ptr_null(n->lists);
    ck_assert(!n->use_regex && !n->force_ssl_redirect && n->proto == BP_HTTP);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("annotations");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, doc_matches_table);
    tcase_add_test(tc, table_is_well_formed);
    tcase_add_test(tc, value_parsing);
    tcase_add_test(tc, snippet_translation);
    tcase_add_test(tc, cached_parse_is_parse);
    tcase_add_test(tc, none_is_init);
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
