/* test_http.c - the HTTP layer against a scripted one-process HTTP server:
 * headers sent, credentials, retries, Status decoding, no token leaks. */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "api/http.h"
#include "api/resources.h"
#include "model/kobj.h"
#include "model/parse.h"
#include "version.h"

#define TOKEN "tok-SECRET-1234567890"

static char logpath[256];
static pid_t server_pid;

/* ---- scripted server (child process) ---- */

static void serve(int lfd, char **responses, size_t n)
{
    int conn = -1;
    size_t i = 0;
    while (i < n) {
        if (conn < 0 && (conn = accept(lfd, NULL, NULL)) < 0)
            _exit(1);
        static char req[65536];
        size_t len = 0;
        char *end = NULL;
        req[0] = 0;
        while (!(end = strstr(req, "\r\n\r\n"))) {
            ssize_t r = read(conn, req + len, sizeof req - 1 - len);
            if (r <= 0)
                break;
            len += (size_t)r;
            req[len] = 0;
        }
        if (!end) { /* client closed the connection: wait for the next */
            close(conn);
            conn = -1;
            continue;
        }
        const char *cl = strcasestr(req, "\r\nContent-Length:");
        size_t body = cl ? strtoul(cl + 17, NULL, 10) : 0;
        size_t have = len - (size_t)(end + 4 - req);
        while (have < body) {
            ssize_t r = read(conn, req + len, sizeof req - 1 - len);
            if (r <= 0)
                break;
            len += (size_t)r, have += (size_t)r;
        }
        req[len] = 0;
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
    sleep(5); /* keep the socket open until the parent is done */
    _exit(0);
}

static char *response(int code, const char *reason, const char *headers, const char *body)
{
    char *r = malloc(8192);
    snprintf(r, 8192,
             "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n%s\r\n%s",
             code, reason, strlen(body), headers ? headers : "", body);
    return r;
}

/* Starts the server with the given responses (freed here); returns its port. */
static int start(char **responses, size_t n)
{
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ck_assert_int_eq(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(lfd, 8), 0);
    socklen_t al = sizeof a;
    getsockname(lfd, (struct sockaddr *)&a, &al);
    snprintf(logpath, sizeof logpath, "/tmp/mp-http-test-%d.log", (int)getpid());
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

static char *read_log(void)
{
    FILE *f = fopen(logpath, "r");
    static char buf[1 << 16];
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    buf[n] = 0;
    if (f)
        fclose(f);
    return buf;
}

static int requests_seen(void)
{
    int n = 0;
    for (const char *p = read_log(); (p = strstr(p, "\n=====\n")); p++)
        n++;
    return n;
}

static kube_conn *conn_for(int port)
{
    kube_conn *c = calloc(1, sizeof *c);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    c->server = strdup(url);
    c->context = strdup("test-ctx");
    c->source = strdup("test");
    c->ns = strdup("default");
    c->token = strdup(TOKEN);
    return c;
}

static const khttp_opts fast = {.backoff_ms = 1, .backoff_max_ms = 5, .max_attempts = 4};

static const kreq list_ing = {.method = "GET",
                              .path = "/apis/networking.k8s.io/v1/namespaces/ns-b/ingresses",
                              .verb = "list",
                              .resource = "ingresses.networking.k8s.io",
                              .ns = "ns-b"};

/* ---- tests ---- */

START_TEST(sends_expected_headers)
{
    char *r[] = {response(200, "OK", NULL, "{\"kind\":\"IngressList\",\"items\":[]}")};
    int port = start(r, 1);
    kube_conn *kc = conn_for(port);
    mp_err err = {""};
    khttp *h = khttp_new(kc, &fast, &err);
    kresp resp;
    kreq rq = list_ing;
    rq.query = "limit=500&labelSelector=app%3Dweb";
    ck_assert_msg(khttp_do(h, &rq, &resp, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(resp.status, 200);
    ck_assert(strstr(resp.body, "IngressList") != NULL);
    const char *log = read_log();
    ck_assert_msg(strstr(log, "GET /apis/networking.k8s.io/v1/namespaces/ns-b/ingresses?limit=500"
                              "&labelSelector=app%3Dweb HTTP/1.1"),
                  "%s", log);
    ck_assert(strstr(log, "Authorization: Bearer " TOKEN "\r\n") != NULL);
    ck_assert(strstr(log, "User-Agent: meshpanel/" MESHPANEL_VERSION "\r\n") != NULL);
    ck_assert(strstr(log, "Accept: application/json\r\n") != NULL);
    ck_assert(strstr(log, "Accept-Encoding: ") != NULL); /* gzip offered */
    kresp_free(&resp);
    khttp_free(h);
    kube_conn_free(kc);
    stop();
}
END_TEST

START_TEST(unauthorized_never_shows_the_token)
{
    /* a hostile or buggy server echoing the token back */
    char *r[] = {response(401, "Unauthorized", NULL,
                          "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"token " TOKEN
                          " rejected\",\"reason\":\"Unauthorized\",\"code\":401}")};
    int port = start(r, 1);
    kube_conn *kc = conn_for(port);
    mp_err err = {""};
    khttp *h = khttp_new(kc, &fast, &err);
    kresp resp;
    ck_assert_int_eq(khttp_do(h, &list_ing, &resp, &err), -1);
    ck_assert_int_eq(resp.status, 401);
    ck_assert_msg(strstr(err.msg, TOKEN) == NULL, "token leaked: %s", err.msg);
    ck_assert_msg(strstr(err.msg, "unauthorized (401)") && strstr(err.msg, "\"test-ctx\""), "%s",
                  err.msg);
    /* the scrubber also covers any later message built from server text */
    mp_err e2;
    const char *body = "{\"kind\":\"Status\",\"message\":\"x " TOKEN "\"}";
    khttp_fail(h, &list_ing, 500, body, strlen(body), NULL, &e2);
    ck_assert_msg(strstr(e2.msg, TOKEN) == NULL && strstr(e2.msg, "<redacted>"), "%s", e2.msg);
    ck_assert_int_eq(requests_seen(), 1); /* a static token is not retried */
    kresp_free(&resp);
    khttp_free(h);
    kube_conn_free(kc);
    stop();
}
END_TEST

START_TEST(forbidden_names_verb_resource_namespace)
{
    char *r[] = {response(403, "Forbidden", NULL,
                          "{\"kind\":\"Status\",\"message\":\"ingresses.networking.k8s.io is "
                          "forbidden: User \\\"u\\\" cannot list\",\"reason\":\"Forbidden\","
                          "\"code\":403}")};
    int port = start(r, 1);
    kube_conn *kc = conn_for(port);
    mp_err err = {""};
    khttp *h = khttp_new(kc, &fast, &err);
    ck_assert_int_eq(khttp_do(h, &list_ing, NULL, &err), -1);
    ck_assert_msg(strstr(err.msg, "list ingresses.networking.k8s.io in namespace \"ns-b\": "
                                  "forbidden (403): ingresses.networking.k8s.io is forbidden"),
                  "%s", err.msg);
    ck_assert_int_eq(khttp_last_status(h), 403);
    khttp_free(h);
    kube_conn_free(kc);
    stop();
}
END_TEST

START_TEST(invalid_lists_field_causes_and_conflict)
{
    char *r[] = {
        response(
            422, "Unprocessable Entity", NULL,
            "{\"kind\":\"Status\",\"message\":\"VirtualService.networking.istio.io \\\"web\\\" "
            "is invalid\",\"reason\":\"Invalid\",\"details\":{\"causes\":[{\"field\":\"spec."
            "hosts[0]\",\"message\":\"Invalid value: \\\"\\\": empty host\"},{\"field\":\"spec"
            ".http[0].timeout\",\"message\":\"must be >= 1ms\"}]},\"code\":422}"),
        response(409, "Conflict", NULL,
                 "{\"kind\":\"Status\",\"message\":\"Operation cannot be fulfilled on "
                 "virtualservices.networking.istio.io \\\"web\\\": the object has been modified; "
                 "please apply your changes to the latest version and try again\",\"reason\":"
                 "\"Conflict\",\"code\":409}"),
    };
    int port = start(r, 2);
    kube_conn *kc = conn_for(port);
    mp_err err = {""};
    khttp *h = khttp_new(kc, &fast, &err);
    kreq rq = {.method = "PUT",
               .path = "/apis/networking.istio.io/v1/namespaces/ns-a/virtualservices/web",
               .content_type = "application/json",
               .body = "{}",
               .body_len = 2,
               .verb = "update",
               .resource = "virtualservices.networking.istio.io",
               .ns = "ns-a",
               .name = "web"};
    ck_assert_int_eq(khttp_do(h, &rq, NULL, &err), -1);
    ck_assert_msg(strstr(err.msg, "update virtualservices.networking.istio.io \"web\" in namespace "
                                  "\"ns-a\": invalid (422): spec.hosts[0]: Invalid value: \"\": "
                                  "empty host; spec.http[0].timeout: must be >= 1ms"),
                  "%s", err.msg);
    ck_assert_int_eq(khttp_do(h, &rq, NULL, &err), -1);
    ck_assert_msg(strstr(err.msg, "conflict (409): Operation cannot be fulfilled") &&
                      strstr(err.msg, "the object has been modified"),
                  "%s", err.msg);
    ck_assert_int_eq(requests_seen(), 2); /* neither was retried */
    khttp_free(h);
    kube_conn_free(kc);
    stop();
}
END_TEST

START_TEST(throttled_requests_honour_retry_after)
{
    char *r[] = {
        response(429, "Too Many Requests", "Retry-After: 1\r\n",
                 "{\"kind\":\"Status\",\"reason\":\"TooManyRequests\",\"code\":429}"),
        response(200, "OK", NULL, "{\"kind\":\"IngressList\",\"items\":[]}"),
        response(429, "Too Many Requests", "Retry-After: 0\r\n", "{}"),
        response(201, "Created", NULL, "{\"kind\":\"Ingress\"}"),
    };
    int port = start(r, 4);
    kube_conn *kc = conn_for(port);
    mp_err err = {""};
    khttp_opts o = fast;
    o.backoff_max_ms = 2000; /* lets Retry-After: 1 through uncapped */
    khttp *h = khttp_new(kc, &o, &err);
    kresp resp;
    ck_assert_msg(khttp_do(h, &list_ing, &resp, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(resp.attempts, 2);
    kresp_free(&resp);
    /* a write rejected with 429 was not processed: safe to send again */
    kreq post = {.method = "POST", .path = "/x", .body = "{}", .body_len = 2, .verb = "create"};
    ck_assert_msg(khttp_do(h, &post, &resp, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(resp.attempts, 2);
    ck_assert_int_eq(requests_seen(), 4);
    kresp_free(&resp);
    khttp_free(h);
    kube_conn_free(kc);
    stop();
}
END_TEST

START_TEST(server_errors_retry_reads_not_writes)
{
    char *r[] = {
        response(500, "Internal Server Error", NULL, "{\"kind\":\"Status\",\"message\":\"etcd\"}"),
        response(503, "Service Unavailable", NULL, "overloaded"),
        response(200, "OK", NULL, "{\"items\":[]}"),
        response(500, "Internal Server Error", NULL,
                 "{\"kind\":\"Status\",\"message\":\"injected write failure\",\"code\":500}"),
    };
    int port = start(r, 4);
    kube_conn *kc = conn_for(port);
    mp_err err = {""};
    khttp *h = khttp_new(kc, &fast, &err);
    kresp resp;
    ck_assert_msg(khttp_do(h, &list_ing, &resp, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(resp.attempts, 3);
    kresp_free(&resp);
    kreq post = {.method = "POST",
                 .path = "/apis/networking.istio.io/v1/namespaces/ns-a/gateways",
                 .body = "{}",
                 .body_len = 2,
                 .verb = "create",
                 .resource = "gateways.networking.istio.io",
                 .ns = "ns-a"};
    ck_assert_int_eq(khttp_do(h, &post, &resp, &err), -1);
    ck_assert_int_eq(resp.attempts, 1);
    ck_assert_msg(strstr(err.msg, "create gateways.networking.istio.io in namespace \"ns-a\": "
                                  "internal server error (500): injected write failure"),
                  "%s", err.msg);
    ck_assert_int_eq(requests_seen(), 4);
    kresp_free(&resp);
    khttp_free(h);
    kube_conn_free(kc);
    stop();
}
END_TEST

START_TEST(reads_give_up_after_max_attempts)
{
    char *r[] = {response(503, "Service Unavailable", NULL, "{}"),
                 response(503, "Service Unavailable", NULL, "{}"),
                 response(503, "Service Unavailable", NULL, "{}"),
                 response(503, "Service Unavailable", NULL, "{}")};
    int port = start(r, 4);
    kube_conn *kc = conn_for(port);
    mp_err err = {""};
    khttp *h = khttp_new(kc, &fast, &err);
    ck_assert_int_eq(khttp_do(h, &list_ing, NULL, &err), -1);
    ck_assert_msg(strstr(err.msg, "service unavailable (503)") &&
                      strstr(err.msg, "gave up after 4 attempts"),
                  "%s", err.msg);
    ck_assert_int_eq(requests_seen(), 4);
    khttp_free(h);
    kube_conn_free(kc);
    stop();
}
END_TEST

START_TEST(basic_auth_and_network_failure)
{
    char *r[] = {response(200, "OK", NULL, "{}")};
    int port = start(r, 1);
    kube_conn *kc = conn_for(port);
    free(kc->token);
    kc->token = NULL;
    kc->username = strdup("alice");
    kc->password = strdup("s3cret");
    mp_err err = {""};
    khttp *h = khttp_new(kc, &fast, &err);
    ck_assert_msg(khttp_do(h, &list_ing, NULL, &err) == 0, "%s", err.msg);
    ck_assert(strstr(read_log(), "Authorization: Basic YWxpY2U6czNjcmV0\r\n") != NULL);
    khttp_free(h);
    stop();
    /* nothing listens there any more */
    h = khttp_new(kc, &fast, &err);
    ck_assert_int_eq(khttp_do(h, &list_ing, NULL, &err), -1);
    ck_assert_msg(strstr(err.msg, "cannot reach http://127.0.0.1:") != NULL, "%s", err.msg);
    ck_assert_msg(strstr(err.msg, "s3cret") == NULL, "%s", err.msg);
    khttp_free(h);
    kube_conn_free(kc);
}
END_TEST

START_TEST(exec_plugin_rerun_after_401)
{
    char *r[] = {response(401, "Unauthorized", NULL, "{\"kind\":\"Status\",\"code\":401}"),
                 response(200, "OK", NULL, "{}")};
    int port = start(r, 2);
    char count[300];
    snprintf(count, sizeof count, "/tmp/mp-http-exec-%d", (int)getpid());
    unlink(count);
    setenv("PLUGIN_COUNT_FILE", count, 1);
    mp_err err = {""};
    kube_conn *kc =
        kube_conn_load(&(kc_options){.kubeconfig = TEST_DATA_DIR "/kubeconfig/exec.yaml"}, &err);
    ck_assert_msg(kc != NULL, "%s", err.msg);
    free(kc->server);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    kc->server = strdup(url);
    khttp *h = khttp_new(kc, &fast, &err);
    ck_assert_msg(khttp_do(h, &list_ing, NULL, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(exec_cred_runs(kc->exec), 2);
    const char *log = read_log();
    ck_assert(strstr(log, "Authorization: Bearer exec-token-v1\r\n") != NULL);
    khttp_free(h);
    kube_conn_free(kc);
    unlink(count);
    stop();
}
END_TEST

static kclient *client_for(int port)
{
    mp_err err = {""};
    kclient *c = kclient_new(conn_for(port), &fast, &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    return c;
}

START_TEST(discovery_prefers_v1_and_explains_missing_crds)
{
    char *r[] = {
        response(200, "OK", NULL,
                 "{\"kind\":\"APIGroup\",\"name\":\"networking.istio.io\",\"versions\":["
                 "{\"groupVersion\":\"networking.istio.io/v1alpha3\",\"version\":\"v1alpha3\"},"
                 "{\"groupVersion\":\"networking.istio.io/v1beta1\",\"version\":\"v1beta1\"}]}"),
        response(404, "Not Found", NULL, "{\"kind\":\"Status\",\"code\":404}"),
    };
    int port = start(r, 2);
    kclient *c = client_for(port);
    mp_err err = {""};
    const char *v = NULL;
    ck_assert_msg(kclient_version(c, kkind_lookup("vs"), &v, &err) == 0, "%s", err.msg);
    ck_assert_str_eq(v, "v1beta1"); /* v1 absent: the next preferred */
    /* cached: the Gateway of the same group asks nothing */
    ck_assert_int_eq(kclient_version(c, kkind_lookup("gw"), &v, &err), 0);
    ck_assert_str_eq(v, "v1beta1");
    ck_assert_int_eq(requests_seen(), 1);
    ck_assert(strstr(read_log(), "GET /apis/networking.istio.io HTTP/1.1") != NULL);
    /* security.istio.io is not served: a clear message */
    ck_assert_int_eq(kclient_version(c, kkind_lookup("authorizationpolicies"), &v, &err), -1);
    ck_assert_msg(strstr(err.msg, "does not serve security.istio.io") &&
                      strstr(err.msg, "Istio CRDs installed"),
                  "%s", err.msg);
    kclient_free(c);
    stop();
}
END_TEST

typedef struct {
    int n;
    char names[4][32];
    bool typed;
} got_items;

static int collect(doc_node *item, void *ud, mp_err *err)
{
    (void)err;
    got_items *g = ud;
    snprintf(g->names[g->n++], 32, "%s", kobj_name(item));
    g->typed = !strcmp(kobj_kind(item), "Secret") && !strcmp(kobj_api_version(item), "v1") &&
               !doc_get(item, "data");
    doc_free(item);
    return 0;
}

START_TEST(list_pages_and_fixes_items)
{
    /* a server that ignores the metadata Accept: data must still be dropped */
    char *r[] = {
        response(
            200, "OK", NULL,
            "{\"kind\":\"SecretList\",\"metadata\":{\"continue\":\"c1\",\"resourceVersion\":"
            "\"7\"},\"items\":[{\"metadata\":{\"name\":\"s1\"},\"data\":{\"k\":\"c2VjcmV0\"}}]}"),
        response(200, "OK", NULL,
                 "{\"kind\":\"SecretList\",\"metadata\":{\"resourceVersion\":\"9\"},\"items\":["
                 "{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/v1\","
                 "\"metadata\":{\"name\":\"s2\"}}]}"),
    };
    int port = start(r, 2);
    kclient *c = client_for(port);
    mp_err err = {""};
    got_items g = {0};
    char *rv = NULL;
    klist_opts o = {.ns = "ns-a", .limit = 1, .selector = "app=web"};
    ck_assert_msg(kclient_list(c, kkind_lookup("secrets"), &o, collect, &g, &rv, &err) == 0, "%s",
                  err.msg);
    ck_assert_int_eq(g.n, 2);
    ck_assert_str_eq(g.names[0], "s1");
    ck_assert_str_eq(g.names[1], "s2");
    ck_assert(g.typed);
    ck_assert_str_eq(rv, "9");
    free(rv);
    const char *log = read_log();
    ck_assert(strstr(log, "GET /api/v1/namespaces/ns-a/secrets?limit=1&labelSelector=app%3Dweb ") !=
              NULL);
    ck_assert(strstr(log, "GET /api/v1/namespaces/ns-a/secrets?limit=1&labelSelector=app%3Dweb"
                          "&continue=c1 ") != NULL);
    ck_assert(strstr(log, "Accept: " KACCEPT_META_LIST "\r\n") != NULL);
    kclient_free(c);
    stop();
}
END_TEST

static doc_node *parse1(const char *json)
{
    doc_list l;
    doc_list_init(&l);
    ck_assert_int_eq(doc_parse_json(json, strlen(json), "t", &l, NULL), 0);
    doc_node *d = doc_list_take(&l, 0);
    doc_list_free(&l);
    return d;
}

START_TEST(update_needs_resource_version_and_delete_sends_preconditions)
{
    char *r[] = {
        response(200, "OK", NULL, "{\"kind\":\"Ingress\",\"metadata\":{\"name\":\"web\"}}"),
        response(200, "OK", NULL, "{\"kind\":\"Status\",\"status\":\"Success\"}")};
    int port = start(r, 2);
    kclient *c = client_for(port);
    mp_err err = {""};
    doc_node *obj = parse1("{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\","
                           "\"metadata\":{\"name\":\"web\",\"namespace\":\"ns-a\"}}");
    ck_assert_int_eq(kclient_update(c, obj, NULL, NULL, &err), -1);
    ck_assert_msg(strstr(err.msg, "update needs metadata.resourceVersion"), "%s", err.msg);
    ck_assert_int_eq(requests_seen(), 0); /* refused before sending */
    kobj_set_label(obj, "x", "y");
    doc_map_set_str(doc_get(obj, "metadata"), "resourceVersion", "41");
    doc_node *out = NULL;
    kwrite_opts dry = {.dry_run = true};
    ck_assert_msg(kclient_update(c, obj, &dry, &out, &err) == 0, "%s", err.msg);
    ck_assert_str_eq(kobj_kind(out), "Ingress");
    doc_free(out);
    ck_assert_msg(
        kclient_delete(c, kkind_lookup("ing"), "ns-a", "web", "uid-1", "41", NULL, &err) == 0, "%s",
        err.msg);
    const char *log = read_log();
    ck_assert(strstr(log, "PUT /apis/networking.k8s.io/v1/namespaces/ns-a/ingresses/web?"
                          "fieldManager=meshpanel&dryRun=All ") != NULL);
    ck_assert(strstr(log, "\"resourceVersion\":\"41\"") != NULL);
    ck_assert(strstr(log, "DELETE /apis/networking.k8s.io/v1/namespaces/ns-a/ingresses/web ") !=
              NULL);
    ck_assert_msg(strstr(log, "\"preconditions\":{\"uid\":\"uid-1\",\"resourceVersion\":\"41\"}"),
                  "%s", log);
    /* Secrets are never written or deleted */
    ck_assert_int_eq(kclient_delete(c, kkind_lookup("secret"), "ns-a", "s", NULL, NULL, NULL, &err),
                     -1);
    doc_free(obj);
    kclient_free(c);
    stop();
}
END_TEST

START_TEST(retry_after_parsing)
{
    ck_assert_int_eq(khttp_retry_after("Retry-After: 7\r\n", 16), 7);
    ck_assert_int_eq(khttp_retry_after("retry-after:2", 13), 2);
    ck_assert_int_eq(khttp_retry_after("Retry-After: Wed, 21 Oct 2015", 29), -1);
    ck_assert_int_eq(khttp_retry_after("Content-Length: 5", 17), -1);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("http");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, sends_expected_headers);
    tcase_add_test(tc, unauthorized_never_shows_the_token);
    tcase_add_test(tc, forbidden_names_verb_resource_namespace);
    tcase_add_test(tc, invalid_lists_field_causes_and_conflict);
    tcase_add_test(tc, throttled_requests_honour_retry_after);
    tcase_add_test(tc, server_errors_retry_reads_not_writes);
    tcase_add_test(tc, reads_give_up_after_max_attempts);
    tcase_add_test(tc, basic_auth_and_network_failure);
    tcase_add_test(tc, exec_plugin_rerun_after_401);
    tcase_add_test(tc, discovery_prefers_v1_and_explains_missing_crds);
    tcase_add_test(tc, list_pages_and_fixes_items);
    tcase_add_test(tc, update_needs_resource_version_and_delete_sends_preconditions);
    tcase_add_test(tc, retry_after_parsing);
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
