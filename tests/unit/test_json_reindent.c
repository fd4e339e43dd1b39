/*
 * test_json_reindent.c - json_reindent (get -o json's one-pass writer,
 * model/json_reindent.c) against the tree path it replaces: doc_parse_json,
 * kclient_fix_item, metadata.managedFields deleted, doc_json_append.
 *
 * The promise, checked on every input here: when the tree path gives text,
 * json_reindent gives the same bytes or declines (JR_TREE); when the tree
 * path fails, json_reindent declines, or its answer fails the name checks
 * that api/resources.c makes on it (kclient_names_ok), so
 * the tree path runs and gives its own message. With `used` it reads the
 * object at the start of a longer buffer and says where it ends.
 *
 * Inputs: every file of the test corpora (golden, data, bad, the JSON, YAML
 * and liststream fuzz corpora) whole, split into list items and split into
 * top-level values; a server-like item and a hostile one, each truncated at
 * every byte, with every byte deleted and every byte replaced by each of a
 * set of bytes that matter to JSON; and corners built here. The fast path
 * must be taken for the plain items (else nothing would be compared).
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api/kinds.h"
#include "api/liststream.h"
#include "api/resources.h"
#include "model/doc.h"
#include "model/emit.h"
#include "model/json_reindent.h"
#include "model/kname.h"
#include "model/parse.h"
#include "model/strbuf.h"

#define TESTS_DIR TEST_DATA_DIR "/.."

static char **files;
static size_t nfiles;

static void collect(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st))
            continue;
        if (S_ISDIR(st.st_mode)) {
            collect(path);
        } else if (S_ISREG(st.st_mode) && st.st_size < (4 << 20)) {
            char **grown = realloc(files, (nfiles + 1) * sizeof *files);
            if (!grown)
                abort();
            files = grown;
            files[nfiles++] = strdup(path);
        }
    }
    closedir(d);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    strbuf sb;
    strbuf_init(&sb);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        strbuf_append(&sb, buf, n);
    fclose(f);
    strbuf_append(&sb, "", 0);
    return strbuf_detach(&sb, len);
}

/* The kinds an item is read as: a typed one and a custom resource. */
typedef struct {
    const kkind *k;
    const char *version;
    char av[128];
} as_kind;

static as_kind kind_of(const char *name, const char *version)
{
    as_kind a = {kkind_lookup(name), version, ""};
    ck_assert_ptr_nonnull(a.k);
    snprintf(a.av, sizeof a.av, "%s%s%s", a.k->group, *a.k->group ? "/" : "", version);
    return a;
}

/* The tree path: the text, or NULL when it fails. */
static char *tree_text(const char *json, size_t len, const as_kind *a, size_t indent, bool drop)
{
    doc_list l;
    doc_list_init(&l);
    mp_err err;
    char *text = NULL;
    if (doc_parse_json(json, len, "list item", &l, &err) == 0 && l.len == 1) {
        doc_node *item = doc_list_take(&l, 0);
        if (kclient_fix_item(a->k, a->version, item, &err) == 0) {
            if (drop)
                doc_map_del(doc_get(item, "metadata"), "managedFields");
            strbuf sb;
            strbuf_init(&sb);
            ck_assert_int_eq(doc_json_append(&sb, item, indent, &err), 0);
            text = strbuf_detach(&sb, NULL);
        }
        doc_free(item);
    }
    doc_list_free(&l);
    return text;
}

static size_t fast_taken, compared;

/* Checks the promise on one input; returns true when the fast path gave
 * the text. */
static bool check_one(const char *json, size_t len, const as_kind *a, size_t indent, bool drop,
                      const char *what)
{
    char *want = tree_text(json, len, a, indent, drop);
    jr_opts o = {
        .indent = indent, .api_version = a->av, .kind = a->k->kind, .drop_managed_fields = drop};
    strbuf sb;
    strbuf_init(&sb);
    strbuf_append(&sb, "x", 1); /* appends, never overwrites */
    jr_info in;
    int rc = json_reindent(json, len, &o, &sb, &in, NULL);
    bool taken = rc == JR_DONE && kclient_names_ok(a->k, &in);
    if (rc == JR_TREE)
        ck_assert_msg(sb.len == 1 && sb.buf[0] == 'x', "%s: JR_TREE changed out", what);
    if (taken) {
        ck_assert_msg(want != NULL, "%s: the tree path fails, the fast path wrote %.200s", what,
                      sb.buf + 1);
        if (strcmp(sb.buf + 1, want)) {
            size_t i = 0;
            while (want[i] && want[i] == sb.buf[1 + i])
                i++;
            ck_abort_msg("%s (indent %zu): differs at byte %zu:\nwant: %.120s\ngot:  %.120s", what,
                         indent, i, want + (i > 40 ? i - 40 : 0),
                         sb.buf + 1 + (i > 40 ? i - 40 : 0));
        }
        compared++;
        /* the same object at the start of more bytes: same text, its length */
        strbuf more;
        strbuf_init(&more);
        strbuf_append(&more, json, len);
        strbuf_append(&more, ",{\"next\":1}]", 12);
        strbuf out;
        strbuf_init(&out);
        size_t used = 0;
        ck_assert_int_eq(json_reindent(more.buf, more.len, &o, &out, &in, &used), JR_DONE);
        ck_assert_str_eq(out.buf, want);
        size_t end = len;
        while (end && strchr(" \t\r\n", json[end - 1]))
            end--;
        ck_assert_uint_eq(used, end);
        strbuf_free(&more);
        strbuf_free(&out);
        fast_taken++;
    }
    strbuf_free(&sb);
    free(want);
    return taken;
}

static void check_all_ways(const char *json, size_t len, const char *what)
{
    as_kind ing = kind_of("ingresses", "v1"), vs = kind_of("virtualservices", "v1beta1");
    check_one(json, len, &ing, 4, true, what);
    check_one(json, len, &ing, 0, false, what);
    check_one(json, len, &vs, 4, true, what);
}

/* ---- corpora ---- */

static int each_item(const char *json, size_t len, void *ud)
{
    check_all_ways(json, len, ud);
    return 0;
}

START_TEST(corpus_file)
{
    size_t len;
    char *buf = slurp(files[_i], &len);
    ck_assert_ptr_nonnull(buf);
    check_all_ways(buf, len, files[_i]);
    for (int mode = 0; mode < 2; mode++) {
        mp_err err;
        liststream *ls = ls_new(mode ? LS_VALUES : LS_LIST_ITEMS, 0, each_item, files[_i]);
        ck_assert_ptr_nonnull(ls);
        ls_feed(ls, buf, len, &err);
        ls_free(ls);
    }
    free(buf);
}
END_TEST

/* ---- mutations ---- */

/* As the test API server and kube-apiserver send a typed list's item. */
static const char server_item[] =
    "{\"metadata\":{\"name\":\"web-1\",\"namespace\":\"ns-alice\",\"uid\":\"0f1e\","
    "\"resourceVersion\":\"12\",\"generation\":1,\"creationTimestamp\":\"2026-11-30T00:00:00Z\","
    "\"labels\":{\"app\":\"web\"},\"annotations\":{\"nginx.ingress.kubernetes.io/rewrite-target\":"
    "\"/$2\",\"snippet\":\"if ($host = \\u0026x) { return 301; }\\n\"},\"managedFields\":[{"
    "\"manager\":\"kubectl\",\"operation\":\"Update\",\"fieldsV1\":{\"f:spec\":{}}}]},"
    "\"spec\":{\"ingressClassName\":\"nginx\",\"tls\":[{\"hosts\":[\"a.example.com\"],"
    "\"secretName\":\"a-tls\"}],\"rules\":[{\"host\":\"a.example.com\",\"http\":{\"paths\":[{"
    "\"path\":\"/api(/|$)(.*)\",\"pathType\":\"ImplementationSpecific\",\"backend\":{\"service\":"
    "{\"name\":\"api\",\"port\":{\"number\":8080}}}}]}}]},\"status\":{\"loadBalancer\":{}}}";

/* Everything odd a string, a number or a layout can hold. */
static const char odd_item[] =
    "{ \"kind\" : \"Ingress\" , \"zeta\":[1,-0,0.5,1e5,1E+5,-2.5e-3,true,false,null,[],{},[[]],"
    "[{}],{\"a\":[{\"b\":{}}]}],\"spec\":{\"s\":\"caf\xc3\xa9 \\u00e9 \\ud83d\\ude00 \\ud800x "
    "\\udc00 \\u007f \\u0085 \\u202e \\u001f \\/ \\b\\f\\n\\r\\t \\\" \\\\ \x7f\"},\t\r\n"
    "\"metadata\" : "
    "{\"managedFields\":[{\"f:spec\":{\"k:{\\\"port\\\":80}\":{}}}],\"name\":\"odd\"},"
    "\"caf\xc3\xa9 \\u202e\\\"k\\\"\":{\"x\":1},\"apiVersion\":\"x/v9\"}\n";

static void mutate(const char *base, const char *what)
{
    static const char bytes[] = "\"\\{}[],: 0u-e.\x01\x7f\xc3\xff";
    size_t n = strlen(base);
    char *m = malloc(n + 1);
    ck_assert_ptr_nonnull(m);
    as_kind ing = kind_of("ingresses", "v1");
    for (size_t i = 0; i <= n; i++) {
        check_one(base, i, &ing, 4, true, what); /* truncated */
        if (i == n)
            break;
        memcpy(m, base, i); /* byte i deleted */
        memcpy(m + i, base + i + 1, n - i - 1);
        check_one(m, n - 1, &ing, 4, true, what);
        memcpy(m, base, n);
        for (size_t b = 0; b < sizeof bytes - 1; b++) {
            m[i] = bytes[b];
            check_one(m, n, &ing, 4, true, what);
        }
    }
    free(m);
}

START_TEST(mutations)
{
    as_kind ing = kind_of("ingresses", "v1");
    ck_assert(check_one(server_item, strlen(server_item), &ing, 4, true, "server item"));
    ck_assert(check_one(odd_item, strlen(odd_item), &ing, 4, true, "odd item"));
    ck_assert(check_one(odd_item, strlen(odd_item), &ing, 4, false, "odd item, managedFields"));
    fast_taken = 0;
    mutate(server_item, "server item mutated");
    mutate(odd_item, "odd item mutated");
    ck_assert_uint_gt(fast_taken, 1000); /* most mutations are still valid JSON */
}
END_TEST

/* ---- corners ---- */

static bool fast(const char *json, const as_kind *a)
{
    return check_one(json, strlen(json), a, 4, true, json);
}

START_TEST(corners)
{
    as_kind ing = kind_of("ingresses", "v1"), svc = kind_of("services", "v1");
    /* the kind: kept when it is the one asked for, else replaced */
    ck_assert(fast("{\"spec\":{},\"kind\":\"Ingress\",\"metadata\":{},\"x\":1}", &ing));
    ck_assert(fast("{\"spec\":{},\"kind\":\"Gateway\",\"apiVersion\":\"a/b\",\"x\":1}", &ing));
    ck_assert(fast("{\"kind\":7,\"x\":1}", &ing));
    ck_assert(fast("{\"kind\":null}", &ing));
    ck_assert(fast("{\"kind\":{\"a\":1}}", &ing));
    ck_assert(fast("{\"apiVersion\":\"v0\",\"x\":1}", &ing));
    ck_assert(fast("{}", &ing));
    ck_assert(fast("{\"kind\":\"Service\",\"metadata\":{\"name\":\"svc-1\"}}", &svc));
    /* managedFields: dropped, also as the only member */
    ck_assert(fast("{\"metadata\":{\"managedFields\":[{\"a\":1}]}}", &ing));
    ck_assert(fast("{\"metadata\":{\"a\":1,\"managedFields\":{},\"b\":2}}", &ing));
    ck_assert(fast("{\"metadata\":[{\"managedFields\":1}]}", &ing));
    ck_assert(fast("{\"spec\":{\"managedFields\":1}}", &ing));
    /* names: plain and valid, else the tree path */
    ck_assert(fast("{\"metadata\":{\"name\":\"a.b-c\",\"namespace\":\"ns-a\"}}", &ing));
    ck_assert(fast("{\"metadata\":{\"name\":5,\"namespace\":null}}", &ing));
    ck_assert(!fast("{\"metadata\":{\"name\":\"../x\"}}", &ing));
    ck_assert(!fast("{\"metadata\":{\"name\":\"a.b\"}}", &svc)); /* RFC 1035 for Services */
    ck_assert(!fast("{\"metadata\":{\"namespace\":\"a.b\"}}", &ing));
    ck_assert(!fast("{\"metadata\":{\"name\":\"\\u0061\"}}", &ing)); /* escaped: tree */
    /* keys with escapes or non-ASCII bytes: decoded, compared decoded, written escaped */
    ck_assert(fast("{\"k\\u0065y\":1,\"caf\xc3\xa9\":2,\"\\u202e\\t\\\"\":3}", &ing));
    ck_assert(fast(
        "{\"metadata\":{\"managedFields\":[{\"fieldsV1\":{\"k:{\\\"port\\\":80}\":{}}}]}}", &ing));
    ck_assert(!fast("{\"a\":1,\"\\u0061\":2}", &ing));                /* a duplicate once decoded */
    ck_assert(!fast("{\"\\u0000\":1}", &ing));                        /* NUL: the parser refuses */
    ck_assert(fast("{\"metadata\":{\"n\\u0061me\":\"a.b\"}}", &ing)); /* "name", checked */
    ck_assert(!fast("{\"metadata\":{\"n\\u0061me\":\"A_B\"}}", &ing));
    ck_assert(fast("{\"kin\\u0064\":\"Ingress\",\"spec\":1}", &ing)); /* "kind", kept */
    /* what the fast path leaves to the tree */
    ck_assert(!fast("{\"kind\":\"Ingr\\u0065ss\"}", &ing));
    ck_assert(!fast("{\"a\":1,\"a\":2}", &ing));
    ck_assert(!fast("{\"a\":{\"b\":1,\"c\":2,\"b\":3}}", &ing));
    ck_assert(fast("{\"a\":{\"b\":1},\"c\":{\"b\":1}}", &ing)); /* same key, other maps */
    ck_assert(!fast("{\"a\":\"\\u0000\"}", &ing));
    ck_assert(!fast("{\"a\":01}", &ing));
    ck_assert(!fast("{\"a\":1,}", &ing));
    ck_assert(!fast("{\"a\":[1,]}", &ing));
    ck_assert(!fast("{\"a\":tru}", &ing));
    ck_assert(!fast("{\"a\":1}x", &ing));
    ck_assert(!fast("[{\"a\":1}]", &ing));
    ck_assert(!fast("", &ing));
    /* JR_MAX_KEYS keys in a map, then one more */
    strbuf sb;
    strbuf_init(&sb);
    strbuf_puts(&sb, "{\"m\":{");
    for (int i = 0; i < JR_MAX_KEYS; i++)
        strbuf_printf(&sb, "%s\"k%d\":%d", i ? "," : "", i, i);
    strbuf_puts(&sb, "}}");
    ck_assert(fast(sb.buf, &ing));
    sb.len -= 2;
    strbuf_puts(&sb, ",\"more\":1}}");
    ck_assert(!fast(sb.buf, &ing));
    /* depth: the parser's limit, and a wide indent */
    for (int depth = 250; depth <= 260; depth += 10) {
        strbuf_reset(&sb);
        strbuf_puts(&sb, "{\"d\":");
        for (int i = 0; i < depth; i++)
            strbuf_puts(&sb, i % 2 ? "[" : "{\"x\":");
        strbuf_puts(&sb, "1");
        for (int i = depth - 1; i >= 0; i--)
            strbuf_puts(&sb, i % 2 ? "]" : "}");
        strbuf_puts(&sb, "}");
        ck_assert(fast(sb.buf, &ing) == (depth == 250));
        check_one(sb.buf, sb.len, &ing, 70, true, "deep, wide indent");
    }
    strbuf_free(&sb);
}
END_TEST

int main(void)
{
    const char *dirs[] = {"/golden",
                          "/data",
                          "/bad",
                          "/fuzz/corpus/json",
                          "/fuzz/corpus/yaml",
                          "/fuzz/corpus/liststream"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s%s", TESTS_DIR, dirs[i]);
        collect(path);
    }
    if (nfiles < 300) { /* an empty walk would check nothing */
        fprintf(stderr, "test_json_reindent: found only %zu corpus files\n", nfiles);
        return 1;
    }
    Suite *s = suite_create("json_reindent");
    TCase *tc = tcase_create("corpus");
    tcase_add_loop_test(tc, corpus_file, 0, (int)nfiles);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    TCase *mut = tcase_create("mutations");
    tcase_add_test(mut, mutations);
    tcase_set_timeout(mut, 120);
    suite_add_tcase(s, mut);
    TCase *corners_tc = tcase_create("corners");
    tcase_add_test(corners_tc, corners);
    suite_add_tcase(s, corners_tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
    return failed ? 1 : 0;
}
