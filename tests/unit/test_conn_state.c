/* test_conn_state.c - a source's connection state from its streams
 * (api/conn_derive.h) and the watch streams' backoff with jitter
 * (kwatch_backoff_ms, api/watch.h). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "api/conn_derive.h"
#include "api/watch.h"

#define N 4

/* n healthy streams that delivered their lists */
static void all_ok(stream_conn *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        s[i] = (stream_conn){
            .health = STREAM_OK, .synced_once = true, .last_ok_ms = 1000 + i, .data_ms = 2000 + i};
}

static void retrying(stream_conn *s, bool unreachable, const char *why, long long retry_at)
{
    s->health = STREAM_RETRYING;
    s->unreachable = unreachable;
    s->reason = why;
    s->retry_at_ms = retry_at;
}

START_TEST(all_healthy_is_synced)
{
    stream_conn s[N];
    source_conn c;
    all_ok(s, N);
    conn_derive(s, N, &c);
    ck_assert_int_eq(c.state, CONN_SYNCED);
    ck_assert_str_eq(c.reason, "");
    ck_assert_int_eq(c.since_ms, 0); /* only disconnected has a since */
    ck_assert_int_eq(c.retry_at_ms, 0);
    ck_assert_int_eq(c.data_ms, 2003); /* the latest data of any stream */
    ck_assert_str_eq(conn_state_name(c.state), "synced");
}
END_TEST

START_TEST(connecting_until_every_active_stream_listed)
{
    stream_conn s[N];
    source_conn c;
    all_ok(s, N);
    s[1] = (stream_conn){.health = STREAM_PENDING, .deadline_ms = 9000};
    s[2] = (stream_conn){.health = STREAM_PENDING, .deadline_ms = 7000};
    conn_derive(s, N, &c);
    ck_assert_int_eq(c.state, CONN_CONNECTING);
    ck_assert_int_eq(c.deadline_ms, 7000); /* the earliest outstanding deadline */
    /* a stream that stopped does not hold the others back, but degrades */
    s[1] = (stream_conn){.health = STREAM_STOPPED, .reason = "forbidden (403)"};
    s[2].health = STREAM_OK, s[2].synced_once = true;
    conn_derive(s, N, &c);
    ck_assert_int_eq(c.state, CONN_DEGRADED);
    ck_assert_str_eq(c.reason, "forbidden (403)");
    /* a stream answered with an error before its first list: still connecting, with why */
    all_ok(s, N);
    s[3] = (stream_conn){.health = STREAM_PENDING};
    retrying(&s[3], false, "internal server error (500)", 5000);
    conn_derive(s, N, &c);
    ck_assert_int_eq(c.state, CONN_CONNECTING);
    ck_assert_str_eq(c.reason, "internal server error (500)");
    ck_assert_int_eq(c.retry_at_ms, 5000);
}
END_TEST

START_TEST(connecting_says_what_a_pending_stream_waits_for)
{
    stream_conn s[N];
    source_conn c;
    const char *wait = "waiting for exec plugin /usr/bin/aws";
    for (size_t i = 0; i < N; i++)
        s[i] = (stream_conn){.health = STREAM_PENDING, .reason = wait, .deadline_ms = 30000};
    conn_derive(s, N, &c);
    ck_assert_int_eq(c.state, CONN_CONNECTING);
    ck_assert_str_eq(c.reason, wait);
    ck_assert_int_eq(c.deadline_ms, 30000); /* the plugin's */
    /* a failure is the current trouble: it comes first */
    retrying(&s[1], false, "exec plugin /usr/bin/aws failed with exit status 1", 4000);
    conn_derive(s, N, &c);
    ck_assert_str_eq(c.reason, "exec plugin /usr/bin/aws failed with exit status 1");
    /* once everything listed, nothing is waited for */
    all_ok(s, N);
    conn_derive(s, N, &c);
    ck_assert_int_eq(c.state, CONN_SYNCED);
    ck_assert_str_eq(c.reason, "");
}
END_TEST

START_TEST(some_failing_is_degraded)
{
    stream_conn s[N];
    source_conn c;
    all_ok(s, N);
    retrying(&s[2], false, "watch vs: internal server error (500)", 8000);
    conn_derive(s, N, &c);
    ck_assert_int_eq(c.state, CONN_DEGRADED);
    ck_assert_str_eq(c.reason, "watch vs: internal server error (500)");
    ck_assert_int_eq(c.retry_at_ms, 8000);
    /* one connection lost while the others work: degraded, not disconnected */
    retrying(&s[2], true, "cannot reach", 8000);
    conn_derive(s, N, &c);
    ck_assert_int_eq(c.state, CONN_DEGRADED);
    /* the current trouble comes before a stream that stopped for good */
    s[0] = (stream_conn){.health = STREAM_STOPPED, .synced_once = true, .reason = "stopped"};
    conn_derive(s, N, &c);
    ck_assert_str_eq(c.reason, "cannot reach");
    /* every stream stopped: nothing works, but the server answered */
    for (size_t i = 0; i < N; i++)
        s[i] = (stream_conn){.health = STREAM_STOPPED, .reason = "not served"};
    conn_derive(s, N, &c);
    ck_assert_int_eq(c.state, CONN_DEGRADED);
    ck_assert_str_eq(c.reason, "not served");
}
END_TEST

START_TEST(all_unreachable_is_disconnected)
{
    stream_conn s[N];
    source_conn c;
    all_ok(s, N);
    retrying(&s[0], true, "cannot reach http://x: refused", 6000);
    retrying(&s[1], true, "cannot reach http://x: refused", 4000);
    retrying(&s[2], true, "cannot reach http://x: refused", 5000);
    s[3] = (stream_conn){.health = STREAM_STOPPED, .synced_once = true, .reason = "403"};
    s[0].last_ok_ms = 1500, s[1].last_ok_ms = 1700, s[2].last_ok_ms = 1600;
    s[3].last_ok_ms = 900;
    s[1].deadline_ms = 3500; /* an attempt is out */
    conn_derive(s, N, &c);
    ck_assert_int_eq(c.state, CONN_DISCONNECTED); /* every ACTIVE stream: the stopped one aside */
    ck_assert_str_eq(c.reason, "cannot reach http://x: refused");
    ck_assert_int_eq(c.since_ms, 1700); /* the last good contact */
    ck_assert_int_eq(c.retry_at_ms, 4000);
    ck_assert_int_eq(c.deadline_ms, 3500);
    ck_assert_str_eq(conn_state_name(c.state), "disconnected");
    /* one stream answers again: no longer disconnected */
    s[2].health = STREAM_OK, s[2].unreachable = false;
    conn_derive(s, N, &c);
    ck_assert_int_eq(c.state, CONN_DEGRADED);
    ck_assert_int_eq(c.since_ms, 0);
    /* unreachable from the start: disconnected without a last contact */
    for (size_t i = 0; i < N; i++) {
        s[i] = (stream_conn){.health = STREAM_PENDING};
        retrying(&s[i], true, "no answer within 30 s", 0);
    }
    conn_derive(s, N, &c);
    ck_assert_int_eq(c.state, CONN_DISCONNECTED);
    ck_assert_int_eq(c.since_ms, 0);
    ck_assert_int_eq(c.retry_at_ms, 0);
}
END_TEST

START_TEST(nothing_to_watch)
{
    source_conn c;
    conn_derive(NULL, 0, &c);
    ck_assert_int_eq(c.state, CONN_DEGRADED);
    ck_assert_str_eq(c.reason, "nothing to watch");
}
END_TEST

START_TEST(backoff_doubles_with_jitter_within_bounds)
{
    long long base = KWATCH_BACKOFF_MS;
    for (int attempt = 1; attempt <= 12; attempt++) {
        long long lo = kwatch_backoff_ms(attempt, 0.0);
        long long hi = kwatch_backoff_ms(attempt, 0.999999);
        ck_assert_int_eq(lo, base);                            /* no jitter: the base */
        ck_assert_int_ge(hi, base + (long long)(0.99 * base)); /* up to +100 % */
        ck_assert_int_lt(hi, 2 * base);
        for (int i = 0; i < 100; i++) {
            long long d = kwatch_backoff_ms(attempt, i / 100.0);
            ck_assert_int_ge(d, lo);
            ck_assert_int_le(d, hi);
            ck_assert_int_lt(d, KWATCH_BACKOFF_MAX_MS); /* never the cap or more */
        }
        base = base * 2 < KWATCH_BACKOFF_CAP_MS ? base * 2 : KWATCH_BACKOFF_CAP_MS;
    }
    ck_assert_int_eq(kwatch_backoff_ms(2, 0.0), 1000);
    ck_assert_int_eq(kwatch_backoff_ms(3, 0.5), 3000);
    /* the base stops doubling at the cap: [15 s, 30 s) from then on */
    ck_assert_int_eq(kwatch_backoff_ms(6, 0.0), KWATCH_BACKOFF_CAP_MS);
    ck_assert_int_eq(kwatch_backoff_ms(1000, 0.0), KWATCH_BACKOFF_CAP_MS);
    ck_assert_int_eq(kwatch_backoff_ms(1000, 0.5), KWATCH_BACKOFF_CAP_MS * 3 / 2);
    /* draws outside [0, 1) are clamped, never a negative or a runaway delay */
    ck_assert_int_eq(kwatch_backoff_ms(1, -3.0), KWATCH_BACKOFF_MS);
    ck_assert_int_lt(kwatch_backoff_ms(1000, 7.0), KWATCH_BACKOFF_MAX_MS);
    ck_assert_int_eq(kwatch_backoff_ms(0, 0.0), KWATCH_BACKOFF_MS);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("conn_state");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, all_healthy_is_synced);
    tcase_add_test(tc, connecting_until_every_active_stream_listed);
    tcase_add_test(tc, connecting_says_what_a_pending_stream_waits_for);
    tcase_add_test(tc, some_failing_is_degraded);
    tcase_add_test(tc, all_unreachable_is_disconnected);
    tcase_add_test(tc, nothing_to_watch);
    tcase_add_test(tc, backoff_doubles_with_jitter_within_bounds);
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
