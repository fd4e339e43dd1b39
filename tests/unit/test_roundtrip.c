/*
 * test_roundtrip.c - decode -> encode -> decode -> encode is stable for every fixture.
 *
 * Fixtures: every input/expected file of the golden corpus (tests/golden/<case>/) and
 * every file in tests/data/roundtrip/. For each one the second YAML encoding must equal
 * the first byte for byte, the re-decoded objects must equal the originals, and a JSON
 * round trip must give the same trees. The roundtrip/ fixtures also hold Istio fields the
 * typed model does not know (fault, mirror, delegate, tls/tcp routes, defaultEndpoint...)
 * and tricky strings; the tests below check those survive with their exact values.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model/doc.h"
#include "model/emit.h"
#include "model/kobj.h"
#include "model/parse.h"

#define GOLDEN_DIR    TEST_DATA_DIR "/../golden"
#define ROUNDTRIP_DIR TEST_DATA_DIR "/roundtrip"

/* The fixture list is built in main() before the runner forks, one loop test per file. */
static char **fixtures;
static size_t nfixtures;

static void add_fixture(const char *path)
{
    char **grown = realloc(fixtures, (nfixtures + 1) * sizeof *fixtures);
    if (!grown)
        abort();
    fixtures = grown;
    fixtures[nfixtures++] = strdup(path);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

static bool is_manifest(const char *name)
{
    return name[0] != '.' &&
           (has_suffix(name, ".yaml") || has_suffix(name, ".yml") || has_suffix(name, ".json"));
}

/* Golden cases whose input kobj_flatten refuses (an object name the API
 * server would refuse): no tree to round-trip; test_kname and the golden
 * test check the refusal. */
static bool refused_case(const char *name)
{
    static const char *const refused[] = {"invalid-name"};
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
        if (!strcmp(name, refused[i]))
            return true;
    return false;
}

/* Adds the manifest files directly in dir; with depth 1 also those one level down. */
static void collect(const char *dir, int depth)
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
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode) && depth > 0 && !refused_case(e->d_name))
            collect(path, depth - 1);
        else if (S_ISREG(st.st_mode) && is_manifest(e->d_name))
            add_fixture(path);
    }
    closedir(d);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = (cap + 4096 + 1) * 2;
            buf = realloc(buf, cap);
            ck_assert_ptr_nonnull(buf);
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Decodes buf into flat objects; fails the test with the decoder's message. */
static void decode(const char *buf, size_t len, const char *name, doc_list *objs)
{
    doc_list docs;
    doc_list_init(&docs);
    doc_list_init(objs);
    mp_err err = {{0}};
    ck_assert_msg(doc_parse_auto(buf, len, name, &docs, &err) == 0, "decode %s: %s", name, err.msg);
    ck_assert_msg(kobj_flatten(&docs, objs, name, &err) == 0, "flatten %s: %s", name, err.msg);
    doc_list_free(&docs);
}

/* True when the golden case holding path expects exit status 2 (input the
 * API server would refuse): such fixtures need not decode. */
static bool case_is_invalid(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        return false;
    snprintf(slash, sizeof dir - (size_t)(slash - dir), "/exit-code");
    FILE *f = fopen(dir, "r");
    if (!f)
        return false;
    int code = -1;
    if (fscanf(f, "%d", &code) != 1)
        code = -1;
    fclose(f);
    return code == 2;
}

/* Decodes a fixture; false (and no objects) when an invalid case is refused,
 * after checking the refusal names the file and line. */
static bool decode_fixture(const char *buf, size_t len, const char *path, doc_list *objs)
{
    if (!case_is_invalid(path)) {
        decode(buf, len, path, objs);
        return true;
    }
    doc_list docs;
    doc_list_init(&docs);
    doc_list_init(objs);
    mp_err err = {{0}};
    int rc = doc_parse_auto(buf, len, path, &docs, &err);
    if (rc == 0)
        rc = kobj_flatten(&docs, objs, path, &err);
    doc_list_free(&docs);
    if (rc == 0)
        return true;
    doc_list_free(objs);
    size_t n = strlen(path);
    ck_assert_msg(!strncmp(err.msg, path, n) && err.msg[n] == ':',
                  "%s: refused without naming it: %s", path, err.msg);
    return false;
}

static char *encode(const doc_list *objs, size_t *len)
{
    mp_err err = {{0}};
    char *s = doc_emit_yaml_stream(objs->docs, objs->len, len, &err);
    ck_assert_msg(s != NULL, "encode: %s", err.msg);
    return s;
}

/* Index of the first differing byte, for a readable failure. */
static size_t first_diff(const char *a, const char *b)
{
    size_t i = 0;
    while (a[i] && a[i] == b[i])
        i++;
    return i;
}

START_TEST(fixture_is_stable)
{
    const char *path = fixtures[_i];
    size_t len;
    char *src = read_file(path, &len);
    doc_list o1, o2, o3, oj;
    if (!decode_fixture(src, len, path, &o1)) {
        free(src);
        return;
    }

    size_t len1, len2;
    char *y1 = encode(&o1, &len1);
    decode(y1, len1, "encoding 1", &o2);
    char *y2 = encode(&o2, &len2);
    size_t at = first_diff(y1, y2);
    ck_assert_msg(len1 == len2 && memcmp(y1, y2, len1) == 0,
                  "%s: second encoding differs at byte %zu:\nfirst: ...%.80s\nsecond: ...%.80s",
                  path, at, y1 + at, y2 + at);

    /* The first decode keeps source key order, the encoder puts apiVersion/kind/metadata/spec
     * first: compare as sets there, and exactly from the first encoding on. */
    ck_assert_uint_eq(o1.len, o2.len);
    decode(y2, len2, "encoding 2", &o3);
    ck_assert_uint_eq(o2.len, o3.len);
    for (size_t i = 0; i < o1.len; i++) {
        ck_assert_msg(doc_equal(o1.docs[i], o2.docs[i], false), "%s: object %zu changed", path,
                      i + 1);
        ck_assert_msg(doc_equal(o2.docs[i], o3.docs[i], true), "%s: object %zu unstable", path,
                      i + 1);
    }

    /* The same trees through JSON. */
    mp_err err = {{0}};
    size_t jlen;
    char *js = doc_emit_json_array(o1.docs, o1.len, true, &jlen, &err);
    ck_assert_msg(js != NULL, "%s: json: %s", path, err.msg);
    decode(js, jlen, "json", &oj);
    ck_assert_uint_eq(oj.len, o1.len);
    for (size_t i = 0; i < o1.len; i++)
        ck_assert_msg(doc_equal(o1.docs[i], oj.docs[i], false), "%s: object %zu changed via JSON",
                      path, i + 1);

    free(js);
    free(y1);
    free(y2);
    free(src);
    doc_list_free(&o1);
    doc_list_free(&o2);
    doc_list_free(&o3);
    doc_list_free(&oj);
}
END_TEST

/* --- named fixtures: the unknown fields come back with their exact values --- */

/* Decodes a roundtrip/ fixture, encodes it, and returns the objects decoded from that
 * encoding (so every assertion below is about what survived the encoder). */
static void reload(const char *file, doc_list *out, char **yaml_out)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", ROUNDTRIP_DIR, file);
    size_t len, ylen;
    char *src = read_file(path, &len);
    doc_list first;
    decode(src, len, path, &first);
    char *y = encode(&first, &ylen);
    decode(y, ylen, "encoding", out);
    doc_list_free(&first);
    free(src);
    if (yaml_out)
        *yaml_out = y;
    else
        free(y);
}

static const doc_node *path_node(const doc_node *n, const char *path)
{
    /* "spec.http.0.fault.delay": map keys and sequence indexes, dot-separated */
    char buf[512];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *save = NULL, *tok = strtok_r(buf, ".", &save); tok && n;
         tok = strtok_r(NULL, ".", &save)) {
        if (doc_is_seq(n))
            n = doc_at(n, (size_t)strtoul(tok, NULL, 10));
        else
            n = doc_get(n, tok);
    }
    return n;
}

static void expect_scalar(const doc_node *root, const char *path, doc_type type, const char *text)
{
    const doc_node *n = path_node(root, path);
    ck_assert_msg(n != NULL, "%s: missing after round trip", path);
    ck_assert_msg(doc_is_scalar(n), "%s: not a scalar", path);
    ck_assert_msg(n->type == type, "%s: type %d, want %d", path, n->type, type);
    ck_assert_msg(!strcmp(n->text, text), "%s: \"%s\", want \"%s\"", path, n->text, text);
}

START_TEST(vs_unknown_fields_survive)
{
    doc_list o;
    reload("vs-unknown-fields.yaml", &o, NULL);
    ck_assert_uint_eq(o.len, 1);
    const doc_node *vs = o.docs[0];
    expect_scalar(vs, "spec.exportTo.0", DOC_STR, ".");
    expect_scalar(vs, "spec.exportTo.1", DOC_STR, "istio-system");
    expect_scalar(vs, "spec.gateways.1", DOC_STR, "mesh");
    expect_scalar(vs, "spec.http.0.match.0.sourceLabels.version", DOC_STR, "v2");
    expect_scalar(vs, "spec.http.0.match.0.headers.x-debug.exact", DOC_STR, "on");
    expect_scalar(vs, "spec.http.0.match.0.queryParams.tier.regex", DOC_STR, "^(gold|silver)$");
    expect_scalar(vs, "spec.http.0.match.0.ignoreUriCase", DOC_BOOL, "true");
    expect_scalar(vs, "spec.http.0.fault.delay.percentage.value", DOC_FLOAT, "0.1");
    expect_scalar(vs, "spec.http.0.fault.delay.fixedDelay", DOC_STR, "5s");
    expect_scalar(vs, "spec.http.0.fault.abort.httpStatus", DOC_INT, "503");
    expect_scalar(vs, "spec.http.0.fault.abort.percentage.value", DOC_FLOAT, "12.5");
    expect_scalar(vs, "spec.http.0.mirror.host", DOC_STR,
                  "reviews-shadow.ns-rt1.svc.cluster.local");
    expect_scalar(vs, "spec.http.0.mirror.port.number", DOC_INT, "9080");
    expect_scalar(vs, "spec.http.0.mirrorPercentage.value", DOC_FLOAT, "12.5");
    expect_scalar(vs, "spec.http.0.route.0.destination.subset", DOC_STR, "v3");
    expect_scalar(vs, "spec.http.0.route.0.headers.response.remove.0", DOC_STR,
                  "x-envoy-upstream-service-time");
    expect_scalar(vs, "spec.http.0.retries.retryOn", DOC_STR, "5xx,reset");
    expect_scalar(vs, "spec.http.1.delegate.name", DOC_STR, "api-routes");
    expect_scalar(vs, "spec.http.1.delegate.namespace", DOC_STR, "ns-rt1");
    expect_scalar(vs, "spec.http.2.directResponse.status", DOC_INT, "503");
    expect_scalar(vs, "spec.http.2.directResponse.body.string", DOC_STR, "maintenance");
    expect_scalar(vs, "spec.tls.0.match.0.port", DOC_INT, "443");
    expect_scalar(vs, "spec.tls.0.match.0.sniHosts.0", DOC_STR, "secure.bookinfo.example");
    expect_scalar(vs, "spec.tls.0.route.0.destination.port.number", DOC_INT, "8443");
    expect_scalar(vs, "spec.tcp.0.match.0.port", DOC_INT, "27017");
    expect_scalar(vs, "spec.tcp.0.route.0.weight", DOC_INT, "100");
    /* key order inside the route is the source order */
    const doc_node *r0 = path_node(vs, "spec.http.0");
    ck_assert_str_eq(r0->keys[0], "name");
    ck_assert_str_eq(r0->keys[r0->len - 1], "retries");
    doc_list_free(&o);
}
END_TEST

START_TEST(gateway_unknown_fields_survive)
{
    doc_list o;
    reload("gateway-default-endpoint.yaml", &o, NULL);
    ck_assert_uint_eq(o.len, 1);
    const doc_node *gw = o.docs[0];
    expect_scalar(gw, "apiVersion", DOC_STR, "networking.istio.io/v1beta1");
    expect_scalar(gw, "spec.servers.0.defaultEndpoint", DOC_STR, "127.0.0.1:8080");
    expect_scalar(gw, "spec.servers.0.bind", DOC_STR, "0.0.0.0");
    expect_scalar(gw, "spec.servers.0.hosts.0", DOC_STR, "ns-rt2/edge.example.com");
    expect_scalar(gw, "spec.servers.1.port.targetPort", DOC_INT, "8443");
    expect_scalar(gw, "spec.servers.1.hosts.0", DOC_STR, "*.example.com");
    expect_scalar(gw, "spec.servers.1.tls.minProtocolVersion", DOC_STR, "TLSV1_2");
    expect_scalar(gw, "spec.servers.1.tls.cipherSuites.0", DOC_STR,
                  "ECDHE-ECDSA-AES256-GCM-SHA384");
    expect_scalar(gw, "spec.servers.1.tls.subjectAltNames.0", DOC_STR,
                  "spiffe://cluster.local/ns/ns-rt2/sa/client");
    expect_scalar(gw, "spec.servers.2.hosts.0", DOC_STR, "*");
    expect_scalar(gw, "spec.servers.2.tls.mode", DOC_STR, "AUTO_PASSTHROUGH");
    doc_list_free(&o);
}
END_TEST

START_TEST(tricky_strings_stay_strings)
{
    doc_list o;
    char *yaml;
    reload("quoted-strings.yaml", &o, &yaml);
    ck_assert_uint_eq(o.len, 2);
    const doc_node *ann = path_node(o.docs[0], "metadata.annotations");
    static const struct {
        const char *key, *value, *quoted;
    } want[] = {
        {"nginx.ingress.kubernetes.io/proxy-read-timeout", "300", "\"300\""},
        {"nginx.ingress.kubernetes.io/cors-allow-origin", "*", "\"*\""},
        {"nginx.ingress.kubernetes.io/ssl-redirect", "on", "\"on\""},
        {"example.com/yes", "yes", "\"yes\""},
        {"example.com/null", "null", "\"null\""},
        {"example.com/empty", "", "\"\""},
        {"example.com/tilde", "~", "\"~\""},
        {"example.com/octal", "0777", "\"0777\""},
        {"example.com/sexagesimal", "1:20", "\"1:20\""},
        {"example.com/float", "1e3", "\"1e3\""},
        {"example.com/bool", "true", "\"true\""},
        {"example.com/dash", "-", "\"-\""},
        {"example.com/hash", "#not-a-comment", NULL},
        {"example.com/space", " leading space", NULL},
        {"example.com/colon", "a: b", NULL},
        {"example.com/unicode", "中文域名.cn", NULL},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const doc_node *n = doc_get(ann, want[i].key);
        ck_assert_msg(n && n->type == DOC_STR, "%s: not a string after round trip", want[i].key);
        ck_assert_msg(!strcmp(n->text, want[i].value), "%s: \"%s\"", want[i].key, n->text);
        if (want[i].quoted) {
            char line[256];
            snprintf(line, sizeof line, "%s: %s\n", want[i].key, want[i].quoted);
            ck_assert_msg(strstr(yaml, line) != NULL, "encoder did not write %s", line);
        }
    }
    const doc_node *data = path_node(o.docs[0], "data");
    ck_assert_str_eq(doc_get_str(data, "snippet"), "more_set_headers \"X-Frame-Options: DENY\";\n"
                                                   "proxy_set_header Authorization \"\";\n");
    ck_assert_str_eq(doc_get_str(data, "no-trailing-newline"), "line one\nline two");
    ck_assert_str_eq(doc_get_str(data, "folded"), "folded text joins lines\n");
    ck_assert_str_eq(doc_get_str(data, "quote-mix"), "it's \"quoted\"");
    ck_assert_int_eq(doc_get(data, "plain-number")->type, DOC_STR);
    /* multi-line strings are written in literal style */
    ck_assert_ptr_nonnull(strstr(yaml, "snippet: |"));

    /* aliases became copies; the merge key merged */
    const doc_node *vs = o.docs[1];
    ck_assert(doc_equal(path_node(vs, "spec.http.0.corsPolicy"),
                        path_node(vs, "spec.http.1.corsPolicy"), true));
    ck_assert(
        doc_equal(path_node(vs, "spec.http.0.route"), path_node(vs, "spec.http.1.route"), true));
    expect_scalar(vs, "spec.http.1.timeout", DOC_STR, "300s");
    expect_scalar(vs, "spec.http.1.corsPolicy.allowCredentials", DOC_BOOL, "false");
    expect_scalar(vs, "spec.http.1.corsPolicy.allowOrigins.1.regex", DOC_STR,
                  "https://[A-Za-z0-9-]+\\.cloud\\.sealos\\.io");
    expect_scalar(vs, "spec.http.1.headers.request.set.X-Tenant", DOC_STR, "ns-rt3");
    expect_scalar(vs, "spec.http.1.headers.request.set.X-Extra", DOC_STR, "yes");
    ck_assert_ptr_null(doc_get(path_node(vs, "spec.http.1.headers.request.set"), "<<"));
    ck_assert_ptr_null(strstr(yaml, "&cors"));
    free(yaml);
    doc_list_free(&o);
}
END_TEST

START_TEST(json_fixture_keeps_types)
{
    doc_list o;
    reload("vs-tls-tcp.json", &o, NULL);
    ck_assert_uint_eq(o.len, 1);
    const doc_node *vs = o.docs[0];
    const doc_node *on = doc_get(path_node(vs, "metadata.annotations"), "example.com/on");
    ck_assert_msg(on && on->type == DOC_STR && !strcmp(on->text, "on"),
                  "\"on\" annotation changed");
    expect_scalar(vs, "spec.exportTo.0", DOC_STR, "*");
    expect_scalar(vs, "spec.hosts.1", DOC_STR, "*.sni.example.com");
    expect_scalar(vs, "spec.tls.0.route.1.weight", DOC_INT, "30");
    expect_scalar(vs, "spec.tcp.0.match.0.sourceLabels.app", DOC_STR, "api");
    /* a JSON number must come back as the number written, not its 17-digit expansion */
    expect_scalar(vs, "spec.http.0.mirrorPercentage.value", DOC_FLOAT, "0.1");
    expect_scalar(vs, "spec.http.0.retries.attempts", DOC_INT, "0");
    expect_scalar(vs, "spec.http.0.corsPolicy.allowCredentials", DOC_BOOL, "true");
    expect_scalar(vs, "spec.http.0.corsPolicy.unmatchedPreflights", DOC_STR, "IGNORE");
    expect_scalar(vs, "spec.http.0.timeout", DOC_STR, "1.5s");
    /* The parser keeps a null; reading the file as objects drops it, as the
     * API server reads a null field as absent (kobj_flatten). */
    ck_assert_ptr_null(path_node(vs, "spec.http.0.name"));
    ck_assert_ptr_nonnull(path_node(vs, "spec.http.0.route"));
    size_t len = 0;
    char *buf = read_file(ROUNDTRIP_DIR "/vs-tls-tcp.json", &len);
    doc_list raw;
    doc_list_init(&raw);
    mp_err err = {{0}};
    ck_assert_msg(doc_parse_auto(buf, len, "vs-tls-tcp.json", &raw, &err) == 0, "%s", err.msg);
    const doc_node *name = path_node(raw.docs[0], "spec.http.0.name");
    ck_assert_msg(name && doc_is_null(name), "null value lost by the parser");
    doc_list_free(&raw);
    free(buf);
    doc_list_free(&o);
}
END_TEST

/* path_node splits on dots, so keys with dots need the direct lookup used above; this
 * guards the helper itself against silently returning the wrong node. */
START_TEST(path_helper_does_not_invent_nodes)
{
    doc_list o;
    reload("vs-unknown-fields.yaml", &o, NULL);
    ck_assert_ptr_null(path_node(o.docs[0], "spec.http.7.route"));
    ck_assert_ptr_null(path_node(o.docs[0], "spec.nosuchfield"));
    doc_list_free(&o);
}
END_TEST

static Suite *roundtrip_suite(void)
{
    Suite *s = suite_create("roundtrip");
    TCase *tc = tcase_create("fixtures");
    tcase_add_loop_test(tc, fixture_is_stable, 0, (int)nfixtures);
    suite_add_tcase(s, tc);
    TCase *named = tcase_create("unknown-fields");
    tcase_add_test(named, vs_unknown_fields_survive);
    tcase_add_test(named, gateway_unknown_fields_survive);
    tcase_add_test(named, tricky_strings_stay_strings);
    tcase_add_test(named, json_fixture_keeps_types);
    tcase_add_test(named, path_helper_does_not_invent_nodes);
    suite_add_tcase(s, named);
    return s;
}

int main(void)
{
    collect(GOLDEN_DIR, 1);
    collect(ROUNDTRIP_DIR, 0);
    qsort(fixtures, nfixtures, sizeof *fixtures, cmp_str);
    /* The corpus and the roundtrip fixtures must both be there: an empty walk would make
     * this test pass without checking anything. */
    size_t ngolden = 0, nrt = 0;
    for (size_t i = 0; i < nfixtures; i++) {
        if (strstr(fixtures[i], "/golden/"))
            ngolden++;
        else
            nrt++;
    }
    if (ngolden < 30 || nrt < 4) {
        fprintf(stderr, "test_roundtrip: found %zu golden and %zu roundtrip fixtures\n", ngolden,
                nrt);
        return 1;
    }
    SRunner *sr = srunner_create(roundtrip_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    for (size_t i = 0; i < nfixtures; i++)
        free(fixtures[i]);
    free(fixtures);
    return failed ? 1 : 0;
}
