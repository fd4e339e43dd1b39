/* test_exec_cred.c - exec credential plugins run without blocking: start at
 * once, output read on readiness, one run shared by its waiters, the
 * deadline kills the plugin (and what it started), failures name it. */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/exec_cred.h"
#include "api/proc.h"
#include "model/parse.h"

static char tmpdir[256], plugin[300], count[300], pids[300];

static const char plugin_sh[] =
    "#!/bin/sh\n"
    "echo run >> \"$COUNT\"\n"
    "cred() { printf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":"
    "\"ExecCredential\",\"status\":{\"token\":\"%s\"}}\\n' \"$1\"; }\n"
    "case \"$1\" in\n"
    "slow) sleep 2; cred slow-token ;;\n"
    "short) sleep 0.3; cred short-token ;;\n"
    /* a login helper waiting for a browser, with a child of its own */
    "hang) echo $$ > \"$PIDS\"; sleep 1000 & echo $! >> \"$PIDS\";\n"
    "      echo 'waiting for the browser login' >&2; wait ;;\n"
    "stubborn) trap '' TERM; echo $$ > \"$PIDS\"; while :; do sleep 0.1; done ;;\n"
    "fail) echo 'first line' >&2; printf 'token expired\\n\\t\\033[31mrun login\\033[0m\\n\\n' "
    ">&2; exit 4 ;;\n"
    "esac\n";

static void setup(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/mp-exec-cred-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    snprintf(plugin, sizeof plugin, "%s/plugin.sh", tmpdir);
    snprintf(count, sizeof count, "%s/runs", tmpdir);
    snprintf(pids, sizeof pids, "%s/pids", tmpdir);
    FILE *f = fopen(plugin, "w");
    ck_assert_ptr_nonnull(f);
    fputs(plugin_sh, f);
    fclose(f);
    ck_assert_int_eq(chmod(plugin, 0755), 0);
}

static void teardown(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

/* An exec_cred running plugin.sh MODE with the given deadline. */
static exec_cred *make(const char *mode, long timeout_ms)
{
    char json[1500];
    snprintf(json, sizeof json,
             "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"command\":\"%s\","
             "\"args\":[\"%s\"],\"env\":[{\"name\":\"COUNT\",\"value\":\"%s\"},"
             "{\"name\":\"PIDS\",\"value\":\"%s\"}]}",
             plugin, mode, count, pids);
    doc_list l;
    doc_list_init(&l);
    mp_err err = {""};
    ck_assert_msg(doc_parse_json(json, strlen(json), "exec", &l, &err) == 0, "%s", err.msg);
    exec_cred *ec = exec_cred_from_doc(l.docs[0], NULL, "user \"u\"", &err);
    doc_list_free(&l);
    ck_assert_msg(ec != NULL, "%s", err.msg);
    exec_cred_set_timeout(ec, timeout_ms);
    return ec;
}

static int lines_in(const char *file)
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

/* Polls the plugin's fds and steps it until the run ends; true when a
 * poll saw them readable. */
static bool drive(exec_cred *ec)
{
    bool readable = false;
    while (exec_cred_running(ec)) {
        struct pollfd fds[2];
        int n = exec_cred_fds(ec, fds, 2);
        int r = poll(fds, (nfds_t)n, exec_cred_timeout_ms(ec, proc_now_ms()));
        for (int i = 0; r > 0 && i < n; i++)
            readable |= (fds[i].revents & (POLLIN | POLLHUP)) != 0;
        exec_cred_step(ec, proc_now_ms());
    }
    return readable;
}

/* The process is gone: no such pid, or a zombie nobody reaped yet (PID 1
 * of a container may not reap orphans). */
static bool gone(pid_t pid)
{
    if (kill(pid, 0) < 0 && errno == ESRCH)
        return true;
    char path[64], stat[256] = "";
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return true;
    size_t n = fread(stat, 1, sizeof stat - 1, f);
    fclose(f);
    stat[n] = 0;
    const char *p = strrchr(stat, ')');
    return p && p[1] == ' ' && p[2] == 'Z';
}

static bool gone_within(pid_t pid, int ms)
{
    for (long long end = proc_now_ms() + ms; proc_now_ms() < end;) {
        if (gone(pid))
            return true;
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    return gone(pid);
}

/* The pids the plugin wrote (itself, then what it started). */
static int read_pids(pid_t *out, int max)
{
    FILE *f = NULL;
    for (int i = 0; i < 200 && lines_in(pids) < max; i++) {
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    f = fopen(pids, "r");
    int n = 0, v;
    while (f && n < max && fscanf(f, "%d", &v) == 1)
        out[n++] = v;
    if (f)
        fclose(f);
    return n;
}

START_TEST(slow_plugin_starts_at_once_and_answers_later)
{
    exec_cred *ec = make("slow", 30000);
    unsigned ticket = 0;
    exec_result r;
    mp_err err = {""};
    long long t0 = proc_now_ms();
    ck_assert_int_eq(exec_cred_poll(ec, time(NULL), &ticket, &r, &err), 1);
    long long started = proc_now_ms() - t0;
    /* not blocked on the plugin's 2 s sleep (a generous bound: this is no
     * benchmark, a loaded machine or valgrind must pass) */
    ck_assert_msg(started < 1000, "exec_cred_poll took %lld ms", started);
    ck_assert(exec_cred_running(ec));
    ck_assert_uint_ne(ticket, 0);
    /* the console's deadline display: the request timeout from the start */
    long long dl = exec_cred_deadline_ms(ec);
    ck_assert_msg(dl >= t0 + 30000 && dl <= t0 + 30000 + started + 5, "%lld", dl - t0);
    struct pollfd fds[2];
    int n = exec_cred_fds(ec, fds, 2);
    ck_assert_int_eq(n, 2);
    ck_assert_int_eq(poll(fds, (nfds_t)n, 300), 0); /* asleep: nothing to read yet */
    ck_assert_int_eq(exec_cred_poll(ec, time(NULL), &ticket, &r, &err), 1);
    ck_assert(drive(ec));
    long long took = proc_now_ms() - t0;
    ck_assert_msg(took >= 1900 && took < 10000, "the run took %lld ms", took);
    ck_assert_msg(exec_cred_poll(ec, time(NULL), &ticket, &r, &err) == 0, "%s", err.msg);
    ck_assert_str_eq(r.token, "slow-token");
    ck_assert_uint_eq(ticket, 0);
    ck_assert_int_eq(exec_cred_fds(ec, fds, 2), 0);
    ck_assert_int_eq(exec_cred_timeout_ms(ec, proc_now_ms()), -1);
    ck_assert_uint_eq(exec_cred_runs(ec), 1);
    fprintf(stderr, "# slow plugin: started in %lld ms, answered after %lld ms\n", started, took);
    exec_cred_free(ec);
}
END_TEST

START_TEST(hanging_plugin_killed_at_the_deadline)
{
    exec_cred *ec = make("hang", 1000);
    unsigned ticket = 0;
    exec_result r;
    mp_err err = {""};
    long long t0 = proc_now_ms();
    ck_assert_int_eq(exec_cred_poll(ec, time(NULL), &ticket, &r, &err), 1);
    pid_t p[2];
    ck_assert_int_eq(read_pids(p, 2), 2);
    drive(ec);
    long long took = proc_now_ms() - t0;
    ck_assert_int_eq(exec_cred_poll(ec, time(NULL), &ticket, &r, &err), -1);
    /* killed at the deadline, long before its `sleep 1000` would end */
    ck_assert_msg(took >= 1000 && took < 10000, "killed after %lld ms", took);
    ck_assert_msg(strstr(err.msg, "user \"u\": exec plugin ") && strstr(err.msg, "plugin.sh") &&
                      strstr(err.msg, "timed out") && strstr(err.msg, "1 s") &&
                      strstr(err.msg, ": waiting for the browser login"),
                  "%s", err.msg);
    /* the plugin and the sleep it started */
    ck_assert_msg(gone_within(p[0], 2000), "plugin %d still running", (int)p[0]);
    ck_assert_msg(gone_within(p[1], 2000), "its child %d still running", (int)p[1]);
    exec_cred_free(ec);
}
END_TEST

START_TEST(plugin_ignoring_sigterm_gets_sigkill)
{
    exec_cred *ec = make("stubborn", 500);
    unsigned ticket = 0;
    exec_result r;
    mp_err err = {""};
    long long t0 = proc_now_ms();
    ck_assert_int_eq(exec_cred_poll(ec, time(NULL), &ticket, &r, &err), 1);
    pid_t p[1];
    ck_assert_int_eq(read_pids(p, 1), 1);
    drive(ec);
    long long took = proc_now_ms() - t0;
    ck_assert_msg(took >= 1500 && took < 2500, "killed after %lld ms", took);
    ck_assert_int_eq(exec_cred_poll(ec, time(NULL), &ticket, &r, &err), -1);
    ck_assert_msg(strstr(err.msg, "timed out") && strstr(err.msg, "500 ms"), "%s", err.msg);
    ck_assert(gone(p[0]));
    exec_cred_free(ec);
}
END_TEST

START_TEST(failing_plugin_gives_its_last_stderr_line)
{
    exec_cred *ec = make("fail", 30000);
    exec_result r;
    mp_err err = {""};
    ck_assert_int_eq(exec_cred_get(ec, time(NULL), &r, &err), -1);
    ck_assert_msg(strstr(err.msg, "plugin.sh failed with exit status 4: [31mrun login[0m") &&
                      !strstr(err.msg, "first line") && !strstr(err.msg, "token expired") &&
                      !strchr(err.msg, '\033') && !strchr(err.msg, '\t'),
                  "%s", err.msg);
    exec_cred_free(ec);
}
END_TEST

START_TEST(two_waiters_share_one_run)
{
    exec_cred *ec = make("short", 30000);
    unsigned a = 0, b = 0;
    exec_result r;
    mp_err err = {""};
    ck_assert_int_eq(exec_cred_poll(ec, time(NULL), &a, &r, &err), 1);
    ck_assert_int_eq(exec_cred_poll(ec, time(NULL), &b, &r, &err), 1);
    ck_assert_uint_eq(a, b);
    ck_assert_uint_eq(exec_cred_runs(ec), 1);
    drive(ec);
    ck_assert_int_eq(exec_cred_poll(ec, time(NULL), &a, &r, &err), 0);
    ck_assert_str_eq(r.token, "short-token");
    ck_assert_int_eq(exec_cred_poll(ec, time(NULL), &b, &r, &err), 0);
    ck_assert_str_eq(r.token, "short-token");
    /* cached: a third caller, blocking or not, runs nothing */
    unsigned c = 0;
    ck_assert_int_eq(exec_cred_poll(ec, time(NULL), &c, &r, &err), 0);
    ck_assert_int_eq(exec_cred_get(ec, time(NULL), &r, &err), 0);
    ck_assert_uint_eq(exec_cred_runs(ec), 1);
    ck_assert_int_eq(lines_in(count), 1);
    /* after a 401: one new run; a blocking caller joins the run a poller
     * started instead of starting its own */
    exec_cred_invalidate(ec);
    ck_assert_int_eq(exec_cred_poll(ec, time(NULL), &a, &r, &err), 1);
    ck_assert_int_eq(exec_cred_get(ec, time(NULL), &r, &err), 0);
    ck_assert_str_eq(r.token, "short-token");
    ck_assert_int_eq(exec_cred_poll(ec, time(NULL), &a, &r, &err), 0);
    ck_assert_uint_eq(exec_cred_runs(ec), 2);
    ck_assert_int_eq(lines_in(count), 2);
    exec_cred_free(ec);
}
END_TEST

START_TEST(every_waiter_of_a_failed_run_gets_its_error)
{
    exec_cred *ec = make("fail", 30000);
    unsigned a = 0, b = 0, c = 0;
    exec_result r;
    mp_err ea = {""}, eb = {""};
    ck_assert_int_eq(exec_cred_poll(ec, time(NULL), &a, &r, &ea), 1);
    ck_assert_int_eq(exec_cred_poll(ec, time(NULL), &b, &r, &eb), 1);
    drive(ec);
    ck_assert_int_eq(exec_cred_poll(ec, time(NULL), &a, &r, &ea), -1);
    ck_assert_int_eq(exec_cred_poll(ec, time(NULL), &b, &r, &eb), -1);
    ck_assert_msg(strstr(ea.msg, "exit status 4"), "%s", ea.msg);
    ck_assert_str_eq(ea.msg, eb.msg);
    ck_assert_uint_eq(exec_cred_runs(ec), 1);
    ck_assert_uint_eq(a, 0);
    /* a caller that asks again at once gets the same error without a run:
     * failures are backed off (issue 12) */
    mp_err ec2 = {""};
    ck_assert_int_eq(exec_cred_poll(ec, time(NULL), &c, &r, &ec2), -1);
    ck_assert_str_eq(ec2.msg, ea.msg);
    ck_assert_uint_eq(exec_cred_runs(ec), 1);
    /* after the backoff (2 s after the first failure) it runs again */
    ck_assert_int_eq(exec_cred_poll(ec, time(NULL) + 3, &c, &r, &ea), 1);
    ck_assert_uint_eq(exec_cred_runs(ec), 2);
    drive(ec);
    /* failed twice: 4 s now, so 2 s later is still too early */
    ck_assert_int_eq(exec_cred_poll(ec, time(NULL) + 2, &c, &r, &ea), -1);
    ck_assert_uint_eq(exec_cred_runs(ec), 2);
    ck_assert_int_eq(exec_cred_poll(ec, time(NULL) + 5, &c, &r, &ea), 1);
    ck_assert_uint_eq(exec_cred_runs(ec), 3);
    drive(ec);
    exec_cred_free(ec);
}
END_TEST

START_TEST(free_kills_a_running_plugin_at_once)
{
    exec_cred *ec = make("hang", 30000);
    unsigned ticket = 0;
    exec_result r;
    ck_assert_int_eq(exec_cred_poll(ec, time(NULL), &ticket, &r, NULL), 1);
    pid_t p[2];
    ck_assert_int_eq(read_pids(p, 2), 2);
    long long t0 = proc_now_ms();
    exec_cred_free(ec); /* the console quits while the plugin runs */
    long long took = proc_now_ms() - t0;
    ck_assert_msg(took < 500, "free took %lld ms", took);
    ck_assert(gone(p[0]));
    ck_assert(gone_within(p[1], 2000));
}
END_TEST

START_TEST(missing_plugin_fails_at_start)
{
    char json[] = "{\"apiVersion\":\"client.authentication.k8s.io/v1\","
                  "\"command\":\"no-such-meshpanel-plugin\"}";
    doc_list l;
    doc_list_init(&l);
    mp_err err = {""};
    ck_assert_int_eq(doc_parse_json(json, strlen(json), "exec", &l, &err), 0);
    exec_cred *ec = exec_cred_from_doc(l.docs[0], NULL, "user \"u\"", &err);
    doc_list_free(&l);
    unsigned ticket = 0;
    exec_result r;
    ck_assert_int_eq(exec_cred_poll(ec, time(NULL), &ticket, &r, &err), -1);
    ck_assert_msg(strstr(err.msg, "no-such-meshpanel-plugin") && strstr(err.msg, "not found"), "%s",
                  err.msg);
    ck_assert(!exec_cred_running(ec));
    ck_assert_uint_eq(exec_cred_runs(ec), 1);
    exec_cred_free(ec);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("exec_cred");
    TCase *tc = tcase_create("async");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, slow_plugin_starts_at_once_and_answers_later);
    tcase_add_test(tc, hanging_plugin_killed_at_the_deadline);
    tcase_add_test(tc, plugin_ignoring_sigterm_gets_sigkill);
    tcase_add_test(tc, failing_plugin_gives_its_last_stderr_line);
    tcase_add_test(tc, two_waiters_share_one_run);
    tcase_add_test(tc, every_waiter_of_a_failed_run_gets_its_error);
    tcase_add_test(tc, free_kills_a_running_plugin_at_once);
    tcase_add_test(tc, missing_plugin_fails_at_start);
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
