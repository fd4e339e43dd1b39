/* test_http_hostile.c - the client against a hostile server and hostile
 * credentials (issue 12, item 0): redaction that cannot crash or loop and
 * runs before truncation (watch errors included), tokens with control
 * characters refused, credentials over TLS only, list caps. A scripted
 * one-process HTTP server answers each request with the next response. */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "api/http.h"
#include "api/resources.h"
#include "api/watch.h"
#include "model/parse.h"

static char logpath[256];
static pid_t server_pid;

/* ---- scripted server (child process) ---- */

static void serve(int lfd, char **responses, size_t n)
{
    int conn = -1;
    for (size_t i = 0; i < n;) {
        if (conn < 0 && (conn = accept(lfd, NULL, NULL)) < 0)
            _exit(1);
        static char req[65536];
        size_t len = 0;
        req[0] = 0;
        while (!strstr(req, "\r\n\r\n")) {
            ssize_t r = read(conn, req + len, sizeof req - 1 - len);
            if (r <= 0)
                break;
            len += (size_t)r;
            req[len] = 0;
        }
        if (!strstr(req, "\r\n\r\n")) {
            close(conn);
            conn = -1;
            continue;
        }
        FILE *log = fopen(logpath, "a");
        fprintf(log, "%s\n=====\n", req);
        fclose(log);
        if (write(conn, responses[i], strlen(responses[i])) < 0)
            _exit(1);
        if (strstr(responses[i], "Connection: close")) {
            close(conn);
            conn = -1;
        }
        i++;
    }
    sleep(5);
    _exit(0);
}

static char *response(int code, const char *headers, const char *body)
{
    size_t n = strlen(body) + 512;
    char *r = malloc(n);
    snprintf(r, n,
             "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n%s\r\n%s",
             code, strlen(body), headers ? headers : "", body);
    return r;
}

static int start(char **responses, size_t n)
{
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ck_assert_int_eq(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(lfd, 8), 0);
    socklen_t al = sizeof a;
    getsockname(lfd, (struct sockaddr *)&a, &al);
    snprintf(logpath, sizeof logpath, "/tmp/mp-http-hostile-%d.log", (int)getpid());
    unlink(logpath);
    server_pid = fork();
    if (server_pid == 0)
        serve(lfd, responses, n);
    close(lfd);
    for (size_t i = 0; i < n; i++)
        free(responses[i]);
    return ntohs(a.sin_port);
}

static void stop(void)
{
    if (server_pid > 0) {
        kill(server_pid, SIGKILL);
        waitpid(server_pid, NULL, 0);
        server_pid = 0;
    }
    unlink(logpath);
}

static int requests_seen(void)
{
    FILE *f = fopen(logpath, "r");
    static char buf[1 << 16];
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    buf[n] = 0;
    if (f)
        fclose(f);
    int k = 0;
    for (const char *p = buf; (p = strstr(p, "\n=====\n")); p++)
        k++;
    return k;
}

static kube_conn *conn_for(int port, const char *token, const char *password)
{
    kube_conn *c = calloc(1, sizeof *c);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    c->server = strdup(url);
    c->context = strdup("test-ctx");
    c->source = strdup("test");
    c->ns = strdup("default");
    if (token)
        c->token = strdup(token);
    if (password) {
        c->username = strdup("alice");
        c->password = strdup(password);
    }
    return c;
}

static const khttp_opts fast = {.backoff_ms = 1, .backoff_max_ms = 5, .max_attempts = 2};
static const kreq list_ing = {.method = "GET",
                              .path = "/apis/networking.k8s.io/v1/namespaces/ns-b/ingresses",
                              .verb = "list",
                              .resource = "ingresses.networking.k8s.io",
                              .ns = "ns-b"};

/* No piece of secret of 12 bytes or more appears in s. */
static bool has_piece(const char *s, const char *secret)
{
    size_t l = strlen(secret);
    for (size_t i = 0; i + 12 <= l; i++)
        if (memmem(s, strlen(s), secret + i, 12))
            return true;
    return false;
}

/* ---- redaction ---- */

START_TEST(short_secret_near_the_end_cannot_crash)
{
    /* the reproduction: a basic-auth password of 7 bytes, repeated
     * in a 422's causes until the message is cut at 1024 bytes (SIGSEGV) */
    char body[8192] = "{\"kind\":\"Status\",\"reason\":\"Invalid\",\"code\":422,\"details\":"
                      "{\"causes\":[";
    for (int c = 0; c < 8; c++) {
        strcat(body,
               c ? ",{\"field\":\"spec\",\"message\":\"" : "{\"field\":\"spec\",\"message\":\"");
        for (int k = 0; k < 37; k++)
            strcat(body, "pw12345 ");
        strcat(body, "\"}");
    }
    strcat(body, "]}}");
    char *r[] = {response(422, NULL, body)};
    int port = start(r, 1);
    kube_conn *kc = conn_for(port, NULL, "pw12345");
    mp_err err = {""};
    khttp *h = khttp_new(kc, &fast, &err);
    ck_assert_int_eq(khttp_do(h, &list_ing, NULL, &err), -1);
    ck_assert_msg(!strstr(err.msg, "pw12345") && strstr(err.msg, "<redacted>"), "%s", err.msg);
    ck_assert_msg(strstr(err.msg, "invalid (422): spec: <redacted> <redacted>"), "%s", err.msg);
    /* the scrubber itself, with the secret at every position near the end */
    for (size_t at = MP_ERR_MAX - 12; at < MP_ERR_MAX - 1; at++) {
        mp_err e;
        memset(e.msg, 'x', sizeof e.msg);
        memcpy(e.msg + at, "pw12345", at + 7 < MP_ERR_MAX ? 7 : MP_ERR_MAX - 1 - at);
        e.msg[MP_ERR_MAX - 1] = 0;
        khttp_scrub(h, &e);
        ck_assert_msg(!strstr(e.msg, "pw12345"), "at %zu", at);
        ck_assert_uint_lt(strlen(e.msg), MP_ERR_MAX);
    }
    khttp_free(h);
    kube_conn_free(kc);
    stop();
}
END_TEST

START_TEST(secret_inside_the_mask_does_not_loop)
{
    /* "dacted" is in "<redacted>": replacing in place looped until it crashed */
    kube_conn *kc = conn_for(1, "dacted", "acte");
    mp_err err = {""};
    khttp *h = khttp_new(kc, &fast, &err);
    mp_err e;
    khttp_fail(h, &list_ing, 500, "{\"kind\":\"Status\",\"message\":\"bad dacted token, acte\"}",
               52, NULL, &e);
    ck_assert_msg(strstr(e.msg, "bad <redacted> token, <redacted>"), "%s", e.msg);
    snprintf(e.msg, sizeof e.msg, "dacteddactedacte");
    khttp_scrub(h, &e);
    ck_assert_str_eq(e.msg, "<redacted><redacted><redacted>");
    khttp_free(h);
    kube_conn_free(kc);
}
END_TEST

START_TEST(long_token_is_redacted_before_the_cut)
{
    char token[601];
    for (int i = 0; i < 600; i++)
        token[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[(i * 7 + i / 36) % 36];
    token[600] = 0;
    char body[2048];
    snprintf(body, sizeof body,
             "{\"kind\":\"Status\",\"code\":403,\"message\":\"token %s is not allowed here\"}",
             token);
    char *r[] = {response(403, NULL, body)};
    int port = start(r, 1);
    kube_conn *kc = conn_for(port, token, NULL);
    mp_err err = {""};
    khttp *h = khttp_new(kc, &fast, &err);
    ck_assert_int_eq(khttp_do(h, &list_ing, NULL, &err), -1);
    /* before: the 400-character cut came first and 392 characters were shown */
    ck_assert_msg(!has_piece(err.msg, token), "a piece of the token: %s", err.msg);
    ck_assert_msg(strstr(err.msg, "forbidden (403): token <redacted> is not allowed here"), "%s",
                  err.msg);
    khttp_free(h);
    kube_conn_free(kc);
    stop();
}
END_TEST

typedef struct {
    char msgs[8][MP_ERR_MAX + 64];
    int n;
} statuses;

static void on_event(kwatch_event *ev, void *ud)
{
    statuses *s = ud;
    if ((ev->type == KW_STATUS || ev->type == KW_ERROR) && s->n < 8)
        snprintf(s->msgs[s->n++], sizeof s->msgs[0], "%s", ev->message ? ev->message : "");
    doc_free(ev->obj);
}

START_TEST(watch_errors_are_scrubbed_and_cleaned)
{
    char token[601];
    for (int i = 0; i < 600; i++)
        token[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[(i * 11 + i / 36) % 36];
    token[600] = 0;
    char body[2048];
    snprintf(body, sizeof body,
             "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"code\":500,\"message\":"
             "\"\\u001b]0;pwned\\u0007token %s leaked\"}}\n",
             token);
    char *r[] = {response(200, "Connection: close\r\n", body)};
    int port = start(r, 1);
    mp_err err = {""};
    kclient *c = kclient_new(conn_for(port, token, NULL), &fast, &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    kwatcher *w = kwatcher_new(c, &err);
    statuses st = {0};
    ck_assert_int_ge(kwatcher_add(w, kkind_lookup("ingresses"), &(klist_opts){.ns = "ns-b"}, "5",
                                  on_event, &st, &err),
                     0);
    for (int i = 0; i < 100 && !st.n; i++)
        kwatcher_run_once(w, 50, &err);
    ck_assert_int_ge(st.n, 1);
    /* the OSC title sequence goes whole (model/sanitize.h) */
    ck_assert_msg(strstr(st.msgs[0], "watch error 500: token <redacted> leaked"), "%s", st.msgs[0]);
    ck_assert_msg(!has_piece(st.msgs[0], token) && !strchr(st.msgs[0], 0x1b), "%s", st.msgs[0]);
    kwatcher_free(w);
    kclient_free(c);
    stop();
}
END_TEST

/* ---- control characters in tokens ---- */

START_TEST(token_with_crlf_is_never_sent)
{
    char *r[] = {response(200, NULL, "{}")};
    int port = start(r, 1);
    kube_conn *kc = conn_for(port, "abc123\r\nX-Injected: yes", NULL);
    mp_err err = {""};
    khttp *h = khttp_new(kc, &fast, &err);
    ck_assert_int_eq(khttp_do(h, &list_ing, NULL, &err), -1);
    ck_assert_msg(strstr(err.msg, "holds a control character"), "%s", err.msg);
    ck_assert_int_eq(requests_seen(), 0);
    khttp_free(h);
    kube_conn_free(kc);
    stop();
}
END_TEST

static char tmpdir[128];

static void write_file(const char *name, const char *text, int mode)
{
    char path[300];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    chmod(path, (mode_t)mode);
}

static kube_conn *load(const char *name, mp_err *err)
{
    char path[300];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return kube_conn_load(&(kc_options){.kubeconfig = path}, err);
}

#define KC(server, user)                                                                           \
    "apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters: [{name: c, cluster: "             \
    "{server: " server "}}]\nusers: [{name: u, user: " user                                        \
    "}]\ncontexts: [{name: c, context: {cluster: c, "                                              \
    "user: u}}]\n"

START_TEST(kubeconfig_tokens_with_control_characters_are_refused)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/mp-hostile-kc-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    mp_err err;
    write_file("a.yaml", KC("https://k.example", "{token: \"abc\\r\\nX-Injected: 1\"}"), 0600);
    ck_assert_ptr_null(load("a.yaml", &err));
    ck_assert_msg(strstr(err.msg, "user \"u\": token holds a control character (byte 0x0d at 3): "
                                  "refused"),
                  "%s", err.msg);
    /* a token file: trailing newlines are fine, one inside is not */
    write_file("tok", "abc\nX-Injected: 1\n", 0600);
    write_file("b.yaml", KC("https://k.example", "{tokenFile: tok}"), 0600);
    ck_assert_ptr_null(load("b.yaml", &err));
    ck_assert_msg(strstr(err.msg, "tokenFile holds a control character (byte 0x0a at 3)"), "%s",
                  err.msg);
    /* a plugin answering one */
    write_file("p.sh",
               "#!/bin/sh\nprintf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":"
               "\"ExecCredential\",\"status\":{\"token\":\"abc\\\\r\\\\nX-Injected: 1\"}}'\n",
               0700);
    write_file("c.yaml",
               KC("https://k.example", "{exec: {apiVersion: client.authentication.k8s.io/v1, "
                                       "command: ./p.sh}}"),
               0600);
    kube_conn *c = load("c.yaml", &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    exec_result r;
    ck_assert_int_eq(exec_cred_get(c->exec, time(NULL), &r, &err), -1);
    ck_assert_msg(strstr(err.msg, "returned a token holding a control character: refused"), "%s",
                  err.msg);
    kube_conn_free(c);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(credentials_go_over_tls_only)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/mp-hostile-kc-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    mp_err err;
    write_file("h.yaml",
               KC("http://k.example:8080", "{token: s3cret-token, username: a, password: pw, "
                                           "exec: {apiVersion: client.authentication.k8s.io/v1, "
                                           "command: /bin/false}}"),
               0600);
    kube_conn *c = load("h.yaml", &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    ck_assert_ptr_null(c->token);
    ck_assert_ptr_null(c->username);
    ck_assert_ptr_null(c->password);
    ck_assert_ptr_null(c->exec); /* the plugin never runs */
    ck_assert_ptr_nonnull(c->warning);
    ck_assert_msg(strstr(c->warning, "warning: kubeconfig ") &&
                      strstr(c->warning, "h.yaml: user \"u\": credentials are not sent to "
                                         "http://k.example:8080: it is plain HTTP"),
                  "%s", c->warning);
    ck_assert_ptr_null(strchr(c->warning, '\n'));
    kube_conn_free(c);
    write_file("s.yaml", KC("https://k.example", "{token: s3cret-token}"), 0600);
    c = load("s.yaml", &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    ck_assert_str_eq(c->token, "s3cret-token");
    ck_assert_ptr_null(c->warning);
    kube_conn_free(c);
    /* no credentials, no warning */
    write_file("n.yaml", KC("http://k.example:8080", "{}"), 0600);
    c = load("n.yaml", &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    ck_assert_ptr_null(c->warning);
    kube_conn_free(c);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* ---- list caps ---- */

static int count_item(doc_node *item, void *ud, mp_err *err)
{
    (void)err;
    (*(int *)ud)++;
    doc_free(item);
    return 0;
}

static char *page(const char *cont, int items)
{
    char body[4096];
    int n =
        snprintf(body, sizeof body, "{\"kind\":\"IngressList\",\"metadata\":{%s%s%s},\"items\":[",
                 cont ? "\"continue\":\"" : "", cont ? cont : "", cont ? "\"" : "");
    for (int i = 0; i < items; i++)
        n += snprintf(body + n, sizeof body - (size_t)n, "%s{\"metadata\":{\"name\":\"i%d\"}}",
                      i ? "," : "", i);
    snprintf(body + n, sizeof body - (size_t)n, "]}");
    return response(200, NULL, body);
}

START_TEST(endless_lists_are_refused)
{
    const kkind *k = kkind_lookup("ingresses");
    mp_err err = {""};
    int got = 0;
    /* a continue chain that never ends: refused at the page cap */
    char *r1[] = {page("a", 1), page("b", 1), page("c", 1), page("d", 1)};
    int port = start(r1, 4);
    kclient *c = kclient_new(conn_for(port, "tok-1234", NULL), &fast, &err);
    klist_opts o = {.ns = "ns-b", .max_pages = 3};
    ck_assert_int_eq(kclient_list(c, k, &o, count_item, &got, NULL, &err), -1);
    ck_assert_msg(strstr(err.msg,
                         "list ingresses.networking.k8s.io: the list goes on past 3 pages: "
                         "refused"),
                  "%s", err.msg);
    ck_assert_int_eq(requests_seen(), 3);
    kclient_free(c);
    stop();
    /* the same token again: refused at once */
    char *r2[] = {page("same", 1), page("same", 1), page("same", 1)};
    port = start(r2, 3);
    c = kclient_new(conn_for(port, "tok-1234", NULL), &fast, &err);
    ck_assert_int_eq(kclient_list(c, k, &(klist_opts){.ns = "ns-b"}, count_item, &got, NULL, &err),
                     -1);
    ck_assert_msg(strstr(err.msg, "the same continue token twice: refused"), "%s", err.msg);
    ck_assert_int_eq(requests_seen(), 2);
    kclient_free(c);
    stop();
    /* more items than the cap, in one page */
    char *r3[] = {page(NULL, 20)};
    port = start(r3, 1);
    c = kclient_new(conn_for(port, "tok-1234", NULL), &fast, &err);
    got = 0;
    ck_assert_int_eq(kclient_list(c, k, &(klist_opts){.ns = "ns-b", .max_items = 5}, count_item,
                                  &got, NULL, &err),
                     -1);
    ck_assert_msg(strstr(err.msg, "more than 5 items: refused"), "%s", err.msg);
    ck_assert_int_eq(got, 5);
    kclient_free(c);
    stop();
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("http_hostile");
    TCase *tc = tcase_create("hostile");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, short_secret_near_the_end_cannot_crash);
    tcase_add_test(tc, secret_inside_the_mask_does_not_loop);
    tcase_add_test(tc, long_token_is_redacted_before_the_cut);
    tcase_add_test(tc, watch_errors_are_scrubbed_and_cleaned);
    tcase_add_test(tc, token_with_crlf_is_never_sent);
    tcase_add_test(tc, kubeconfig_tokens_with_control_characters_are_refused);
    tcase_add_test(tc, credentials_go_over_tls_only);
    tcase_add_test(tc, endless_lists_are_refused);
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
