/*
 * conn_derive.c - the rules of conn_derive.h, one pass over the streams.
 */
#include "api/conn_derive.h"

#include <stdio.h>
#include <string.h>

static long long earliest(long long a, long long b)
{
    return !a ? b : !b ? a : a < b ? a : b;
}

static long long latest(long long a, long long b)
{
    return a > b ? a : b;
}

void conn_derive(const stream_conn *s, size_t n, source_conn *out)
{
    memset(out, 0, sizeof *out);
    size_t active = 0, unreachable = 0, pending = 0, failing = 0;
    const char *retry_reason = NULL, *stop_reason = NULL, *wait_reason = NULL;
    for (size_t i = 0; i < n; i++) {
        const stream_conn *c = &s[i];
        out->data_ms = latest(out->data_ms, c->data_ms);
        out->since_ms = latest(out->since_ms, c->last_ok_ms);
        if (c->health == STREAM_STOPPED) {
            failing++;
            if (!stop_reason)
                stop_reason = c->reason;
            continue;
        }
        active++;
        out->deadline_ms = earliest(out->deadline_ms, c->deadline_ms);
        if (!c->synced_once)
            pending++;
        if (c->health == STREAM_PENDING && c->reason && *c->reason && !wait_reason)
            wait_reason = c->reason;
        if (c->health != STREAM_RETRYING)
            continue;
        failing++;
        unreachable += c->unreachable;
        out->retry_at_ms = earliest(out->retry_at_ms, c->retry_at_ms);
        if (!retry_reason)
            retry_reason = c->reason;
    }
    const char *reason = retry_reason ? retry_reason : stop_reason ? stop_reason : wait_reason;
    if (!active)
        reason = n ? reason : "nothing to watch";
    snprintf(out->reason, sizeof out->reason, "%s", reason ? reason : "");
    if (active && unreachable == active)
        out->state = CONN_DISCONNECTED;
    else if (pending)
        out->state = CONN_CONNECTING;
    else if (failing || !active)
        out->state = CONN_DEGRADED;
    else
        out->state = CONN_SYNCED;
    if (out->state != CONN_DISCONNECTED)
        out->since_ms = 0;
    if (out->state == CONN_SYNCED)
        out->reason[0] = '\0';
}
