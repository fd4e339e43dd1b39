/* test_kubeconfig.c - kubeconfig loading, merging, auth modes, exec plugins. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model/base64.h"
#include "api/kubeconfig.h"
#include "api/ktime.h"

#define KDIR TEST_DATA_DIR "/kubeconfig"

static char tmpdir[256];

static void setup(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/mp-kubeconfig-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    /* Isolate from the developer's own kubeconfig and cluster env. */
    setenv("HOME", tmpdir, 1);
    unsetenv("KUBECONFIG");
    unsetenv("KUBERNETES_SERVICE_HOST");
    unsetenv("KUBERNETES_SERVICE_PORT");
}

static void teardown(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

static kube_conn *load(const char *kubeconfig_env, const char *context, const char *ns, mp_err *err)
{
    if (kubeconfig_env)
        setenv("KUBECONFIG", kubeconfig_env, 1);
    kc_options o = {.context = context, .ns = ns};
    return kube_conn_load(&o, err);
}

static bool mem_has(const unsigned char *p, size_t n, const char *needle)
{
    size_t l = strlen(needle);
    for (size_t i = 0; p && i + l <= n; i++)
        if (!memcmp(p + i, needle, l))
            return true;
    return false;
}

#define MERGED KDIR "/merge-a.yaml:" KDIR "/does-not-exist.yaml:" KDIR "/sub/merge-b.yaml"

START_TEST(merge_first_file_wins)
{
    mp_err err = {""};
    kube_conn *c = load(MERGED, NULL, NULL, &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    /* current-context from the first file; shared names from the first file */
    ck_assert_str_eq(c->context, "ctx-a");
    ck_assert_str_eq(c->server, "https://first.example:6443"); /* trailing / dropped */
    ck_assert_str_eq(c->token, "token-from-a");
    ck_assert_str_eq(c->ns, "ns-a");
    ck_assert(!c->ns_explicit);
    /* certificate-authority relative to merge-a.yaml's directory */
    ck_assert(mem_has(c->ca, c->ca_len, "Y2EtZm9yLXRlc3Rz"));
    ck_assert(strstr(c->source, "merge-a.yaml") != NULL);
    kube_conn_free(c);

    kubeconfig *kc = kubeconfig_load(&(kc_options){0}, &err);
    ck_assert_ptr_nonnull(kc);
    /* ctx-a, ctx-basic (a), ctx-b, ctx-cert-files, ctx-cert-data (b; its ctx-a is shadowed) */
    ck_assert_uint_eq(kubeconfig_context_count(kc), 5);
    kc_context ctx;
    kubeconfig_context_at(kc, 0, &ctx);
    ck_assert_str_eq(ctx.name, "ctx-a");
    ck_assert_str_eq(ctx.user, "shared-user");
    ck_assert_str_eq(ctx.ns, "ns-a");
    kubeconfig_context_at(kc, 2, &ctx);
    ck_assert_str_eq(ctx.name, "ctx-b");
    ck_assert_ptr_null(ctx.ns);
    ck_assert_str_eq(kubeconfig_current_context(kc), "ctx-a");
    kubeconfig_free(kc);
}
END_TEST

START_TEST(context_and_namespace_flags)
{
    mp_err err = {""};
    kube_conn *c = load(MERGED, "ctx-b", "ns-flag", &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    ck_assert_str_eq(c->context, "ctx-b");
    ck_assert_str_eq(c->ns, "ns-flag");
    ck_assert(c->ns_explicit);
    /* tokenFile relative to sub/merge-b.yaml, trailing newline trimmed */
    ck_assert_str_eq(c->token, "file-token-b");
    /* certificate-authority-data decoded */
    ck_assert(mem_has(c->ca, c->ca_len, "BEGIN CERTIFICATE"));
    kube_conn_free(c);

    c = load(MERGED, "ctx-b", NULL, &err);
    ck_assert_str_eq(c->ns, "default"); /* context without namespace */
    kube_conn_free(c);
}
END_TEST

START_TEST(client_certificates)
{
    mp_err err = {""};
    kube_conn *c = load(MERGED, "ctx-cert-files", NULL, &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    ck_assert(mem_has(c->cert, c->cert_len, "Y2xpZW50LWNlcnQ="));
    ck_assert(mem_has(c->key, c->key_len, "Y2xpZW50LWtleQ=="));
    ck_assert_ptr_null(c->token);
    /* cluster "shared" comes from merge-a.yaml, so its CA resolves there */
    ck_assert_str_eq(c->server, "https://first.example:6443");
    kube_conn_free(c);

    c = load(MERGED, "ctx-cert-data", NULL, &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    ck_assert(mem_has(c->cert, c->cert_len, "BEGIN CERTIFICATE"));
    ck_assert(mem_has(c->key, c->key_len, "BEGIN PRIVATE KEY"));
    kube_conn_free(c);
}
END_TEST

START_TEST(basic_auth_insecure_sni_proxy)
{
    mp_err err = {""};
    kube_conn *c = load(MERGED, "ctx-basic", NULL, &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    ck_assert_str_eq(c->username, "alice");
    ck_assert_str_eq(c->password, "s3cret-pass");
    ck_assert(c->insecure);
    ck_assert_ptr_null(c->ca);
    ck_assert_str_eq(c->tls_server_name, "api.internal");
    ck_assert_str_eq(c->proxy_url, "http://proxy.example:3128");
    ck_assert(c->disable_compression);
    kube_conn_free(c);

    /* --disable-compression for a cluster without the field */
    setenv("KUBECONFIG", MERGED, 1);
    kc_options o = {.context = "ctx-cert-files"};
    c = kube_conn_load(&o, &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    ck_assert(!c->disable_compression);
    kube_conn_free(c);
    o.disable_compression = true;
    c = kube_conn_load(&o, &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    ck_assert(c->disable_compression);
    kube_conn_free(c);
}
END_TEST

START_TEST(explicit_file_and_home_default)
{
    mp_err err = {""};
    /* --kubeconfig beats $KUBECONFIG */
    setenv("KUBECONFIG", KDIR "/merge-a.yaml", 1);
    kc_options o = {.kubeconfig = KDIR "/sub/merge-b.yaml"};
    kube_conn *c = kube_conn_load(&o, &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    ck_assert_str_eq(c->context, "ctx-b");
    kube_conn_free(c);

    /* ~/.kube/config when nothing else is given */
    unsetenv("KUBECONFIG");
    char path[400], cmd[1000];
    snprintf(path, sizeof path, "%s/.kube", tmpdir);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp '%s' '%s/config'", path,
             KDIR "/sub/merge-b.yaml", path);
    ck_assert_int_eq(system(cmd), 0);
    c = kube_conn_load(&(kc_options){.context = "ctx-cert-data"}, &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    ck_assert_str_eq(c->server, "https://data.example:6443");
    kube_conn_free(c);
}
END_TEST

START_TEST(missing_and_invalid_files)
{
    mp_err err = {""};
    kc_options o = {.kubeconfig = KDIR "/nope.yaml"};
    ck_assert_ptr_null(kube_conn_load(&o, &err));
    ck_assert_msg(strstr(err.msg, "nope.yaml") && strstr(err.msg, "No such file"), "%s", err.msg);

    o.kubeconfig = KDIR "/invalid.yaml";
    ck_assert_ptr_null(kube_conn_load(&o, &err));
    ck_assert_msg(strstr(err.msg, "invalid.yaml") && strstr(err.msg, "line"), "%s", err.msg);

    /* nothing at all: a clear hint */
    ck_assert_ptr_null(kube_conn_load(&(kc_options){0}, &err));
    ck_assert_msg(strstr(err.msg, "no kubeconfig found") && strstr(err.msg, "meshpanel --demo") &&
                      strstr(err.msg, "meshpanel -f DIR"),
                  "%s", err.msg);

    /* KUBECONFIG naming only missing files: they are named (issue 14) */
    setenv("KUBECONFIG", "/missing.yaml", 1);
    ck_assert_ptr_null(kube_conn_load(&(kc_options){0}, &err));
    ck_assert_str_eq(err.msg, "no kubeconfig found: KUBECONFIG names /missing.yaml, which does "
                              "not exist; without a cluster: meshpanel --demo, or meshpanel -f DIR "
                              "(manifests)");
    setenv("KUBECONFIG", "/missing.yaml:" KDIR "/nope.yaml", 1);
    ck_assert_ptr_null(kube_conn_load(&(kc_options){0}, &err));
    ck_assert_str_eq(err.msg, "no kubeconfig found: KUBECONFIG names /missing.yaml, " KDIR
                              "/nope.yaml, which do not exist; without a cluster: meshpanel "
                              "--demo, or meshpanel -f DIR (manifests)");
    /* one that exists among missing ones is used, as kubectl does */
    setenv("KUBECONFIG", "/missing.yaml:" KDIR "/merge-a.yaml", 1);
    kube_conn *c = kube_conn_load(&(kc_options){0}, &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    kube_conn_free(c);

    setenv("KUBECONFIG", KDIR "/merge-a.yaml", 1);
    ck_assert_ptr_null(kube_conn_load(&(kc_options){.context = "ghost"}, &err));
    ck_assert_msg(strstr(err.msg, "context \"ghost\" not found"), "%s", err.msg);
}
END_TEST

static void expect_broken(const char *context, const char *want)
{
    mp_err err = {""};
    kc_options o = {.kubeconfig = KDIR "/broken.yaml", .context = context};
    kube_conn *c = kube_conn_load(&o, &err);
    ck_assert_ptr_null(c);
    ck_assert_msg(strstr(err.msg, want) != NULL, "%s: got \"%s\", want \"%s\"", context, err.msg,
                  want);
    ck_assert_msg(strstr(err.msg, "broken.yaml") != NULL, "%s: file not named: %s", context,
                  err.msg);
}

START_TEST(broken_entries_name_the_problem)
{
    expect_broken("no-key", "user \"cert-only\": client-certificate is set without client-key");
    expect_broken("no-server", "cluster \"no-server\": server is missing");
    expect_broken("bad-data", "certificate-authority-data is not valid base64");
    expect_broken("missing-file", "certs/nope.crt");
    expect_broken("no-user", "user \"ghost\" not found");
    expect_broken("no-cluster", "cluster \"ghost\" not found");
}
END_TEST

START_TEST(in_cluster_fallback)
{
    mp_err err = {""};
    setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
    setenv("KUBERNETES_SERVICE_PORT", "443", 1);
    kc_options o = {.sa_dir = KDIR "/sa"};
    kube_conn *c = kube_conn_load(&o, &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    ck_assert_str_eq(c->server, "https://10.96.0.1:443");
    ck_assert_str_eq(c->token, "sa-token");
    ck_assert_str_eq(c->ns, "ns-pod");
    ck_assert(mem_has(c->ca, c->ca_len, "BEGIN CERTIFICATE"));
    kube_conn_free(c);

    setenv("KUBERNETES_SERVICE_HOST", "fd00::1", 1);
    c = kube_conn_load(&(kc_options){.sa_dir = KDIR "/sa", .ns = "ns-x"}, &err);
    ck_assert_str_eq(c->server, "https://[fd00::1]:443");
    ck_assert_str_eq(c->ns, "ns-x");
    kube_conn_free(c);

    /* a kubeconfig present wins over the pod's account */
    setenv("KUBECONFIG", KDIR "/merge-a.yaml", 1);
    c = kube_conn_load(&o, &err);
    ck_assert_str_eq(c->context, "ctx-a");
    kube_conn_free(c);

    unsetenv("KUBECONFIG");
    o.sa_dir = KDIR "/no-such-sa";
    ck_assert_ptr_null(kube_conn_load(&o, &err));
    ck_assert_msg(strstr(err.msg, "in-cluster") && strstr(err.msg, "token"), "%s", err.msg);
}
END_TEST

static int count_runs(const char *file)
{
    FILE *f = fopen(file, "r");
    int n = 0;
    char line[64];
    while (f && fgets(line, sizeof line, f))
        n++;
    if (f)
        fclose(f);
    return n;
}

START_TEST(exec_plugin_token_cached_until_expiry)
{
    char count[400], info[400];
    snprintf(count, sizeof count, "%s/runs", tmpdir);
    snprintf(info, sizeof info, "%s/info", tmpdir);
    setenv("PLUGIN_COUNT_FILE", count, 1);
    setenv("PLUGIN_INFO_FILE", info, 1);
    setenv("PLUGIN_TOKEN", "from-process-env", 1); /* the kubeconfig's env overrides it */
    mp_err err = {""};
    kube_conn *c = kube_conn_load(&(kc_options){.kubeconfig = KDIR "/exec.yaml"}, &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    ck_assert_ptr_nonnull(c->exec);
    exec_result r;
    time_t now = time(NULL);
    ck_assert_msg(exec_cred_get(c->exec, now, &r, &err) == 0, "%s", err.msg);
    ck_assert_str_eq(r.token, "exec-token-v1");
    ck_assert_int_eq(exec_cred_get(c->exec, now + 3600, &r, &err), 0);
    ck_assert_int_eq(count_runs(count), 1); /* no expiry: cached */
    ck_assert_uint_eq(exec_cred_runs(c->exec), 1);
    /* KUBERNETES_EXEC_INFO: v1, non-interactive, cluster info on request */
    FILE *f = fopen(info, "r");
    char buf[2048] = "";
    ck_assert_ptr_nonnull(f);
    ck_assert(fgets(buf, sizeof buf, f) != NULL);
    fclose(f);
    ck_assert_msg(strstr(buf, "\"client.authentication.k8s.io/v1\"") &&
                      strstr(buf, "\"interactive\":false") &&
                      strstr(buf, "https://exec.example:6443"),
                  "%s", buf);
    exec_cred_invalidate(c->exec); /* what a 401 does */
    ck_assert_int_eq(exec_cred_get(c->exec, now, &r, &err), 0);
    ck_assert_int_eq(count_runs(count), 2);
    kube_conn_free(c);

    /* an expiry: reused before it, re-run once it is (nearly) reached */
    setenv("PLUGIN_EXPIRY", "2030-01-01T00:00:00Z", 1);
    c = kube_conn_load(&(kc_options){.kubeconfig = KDIR "/exec.yaml"}, &err);
    time_t exp;
    ck_assert(ktime_parse("2030-01-01T00:00:00Z", &exp));
    ck_assert_int_eq(exec_cred_get(c->exec, exp - 3600, &r, &err), 0);
    ck_assert_int_eq(exec_cred_get(c->exec, exp - 60, &r, &err), 0);
    ck_assert_int_eq(count_runs(count), 3);
    ck_assert_int_eq(exec_cred_get(c->exec, exp + 1, &r, &err), 0);
    ck_assert_int_eq(count_runs(count), 4);
    kube_conn_free(c);
    unsetenv("PLUGIN_EXPIRY");
}
END_TEST

START_TEST(exec_plugin_v1beta1_certificate)
{
    mp_err err = {""};
    kube_conn *c = kube_conn_load(
        &(kc_options){.kubeconfig = KDIR "/exec.yaml", .context = "exec-v1beta1-cert"}, &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    exec_result r;
    ck_assert_msg(exec_cred_get(c->exec, time(NULL), &r, &err) == 0, "%s", err.msg);
    ck_assert_ptr_null(r.token);
    ck_assert(mem_has(r.cert, r.cert_len, "CERTIFICATE-----\nZXhlYw==\n"));
    ck_assert(mem_has(r.key, r.key_len, "BEGIN PRIVATE KEY"));
    kube_conn_free(c);
}
END_TEST

START_TEST(exec_plugin_failures)
{
    mp_err err = {""};
    exec_result r;
    kube_conn *c = kube_conn_load(
        &(kc_options){.kubeconfig = KDIR "/exec.yaml", .context = "exec-fails"}, &err);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(exec_cred_get(c->exec, time(NULL), &r, &err), -1);
    ck_assert_msg(strstr(err.msg, "exit status 3") && strstr(err.msg, "run sealos login") &&
                      strstr(err.msg, "user \"exec-fails\""),
                  "%s", err.msg);
    kube_conn_free(c);
    c = kube_conn_load(&(kc_options){.kubeconfig = KDIR "/exec.yaml", .context = "exec-missing"},
                       &err);
    ck_assert_int_eq(exec_cred_get(c->exec, time(NULL), &r, &err), -1);
    ck_assert_msg(strstr(err.msg, "no-such-meshpanel-plugin") && strstr(err.msg, "not found"), "%s",
                  err.msg);
    kube_conn_free(c);
}
END_TEST

START_TEST(base64_and_time)
{
    size_t n;
    unsigned char *d = b64_decode("aGVs\nbG8=", &n);
    ck_assert_uint_eq(n, 5);
    ck_assert(!memcmp(d, "hello", 5));
    free(d);
    ck_assert_ptr_null(b64_decode("a$bc", &n));
    char *e = b64_encode((const unsigned char *)"hi!?", 4);
    ck_assert_str_eq(e, "aGkhPw==");
    free(e);
    time_t t;
    ck_assert(ktime_parse("1970-01-02T00:00:01Z", &t));
    ck_assert_int_eq((long)t, 86401);
    ck_assert(ktime_parse("2024-03-01T02:00:00.5+02:00", &t));
    time_t u;
    ck_assert(ktime_parse("2024-03-01T00:00:00Z", &u));
    ck_assert_int_eq((long)t, (long)u);
    ck_assert(!ktime_parse("2024-13-01T00:00:00Z", &t));
    ck_assert(!ktime_parse("yesterday", &t));
    char buf[16];
    ck_assert_str_eq(ktime_age(0, 45, buf, sizeof buf), "45s");
    ck_assert_str_eq(ktime_age(0, 185, buf, sizeof buf), "3m5s");
    ck_assert_str_eq(ktime_age(0, 3 * 3600, buf, sizeof buf), "3h");
    ck_assert_str_eq(ktime_age(0, 3 * 86400 + 3600, buf, sizeof buf), "3d1h");
    ck_assert_str_eq(ktime_age(0, 400L * 86400, buf, sizeof buf), "400d");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("kubeconfig");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, merge_first_file_wins);
    tcase_add_test(tc, context_and_namespace_flags);
    tcase_add_test(tc, client_certificates);
    tcase_add_test(tc, basic_auth_insecure_sni_proxy);
    tcase_add_test(tc, explicit_file_and_home_default);
    tcase_add_test(tc, missing_and_invalid_files);
    tcase_add_test(tc, broken_entries_name_the_problem);
    tcase_add_test(tc, in_cluster_fallback);
    tcase_add_test(tc, exec_plugin_token_cached_until_expiry);
    tcase_add_test(tc, exec_plugin_v1beta1_certificate);
    tcase_add_test(tc, exec_plugin_failures);
    tcase_add_test(tc, base64_and_time);
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
