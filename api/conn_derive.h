/*
 * conn_derive.h - a source's connection state from the health of its
 * streams (one list+watch stream per kind for the cluster source).
 *
 * Pure: no clock, no I/O; the cluster source fills one stream_conn per
 * stream it started and asks for the whole. The rules, in order:
 *
 *   disconnected  every active (not stopped) stream is failing without an
 *                 answer from the server (network, TLS, timeout); since =
 *                 the last good contact of any stream (0: never had one)
 *   connecting    some active stream has not delivered its first list yet
 *   degraded      some stream is retrying (the server answers, with errors,
 *                 or one connection failed while others work) or stopped
 *                 for good (403, a group the server does not serve)
 *   synced        every stream delivered its list and is healthy
 *
 * The reason is the first failing stream's message (a retrying one before
 * a stopped one: the current trouble first), else what a pending stream
 * waits for (an exec plugin: connecting); retry_at is the earliest
 * scheduled retry; deadline the earliest time an outstanding request
 * times out; data the latest time any stream received data.
 *
 * Ownership: the reason strings are borrowed for the call and copied.
 */
#ifndef MESHPANEL_CONN_DERIVE_H
#define MESHPANEL_CONN_DERIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "api/source.h"

typedef enum {
    STREAM_PENDING,  /* working towards its first list, no failure since */
    STREAM_OK,       /* delivered a list, no failure since its last answer */
    STREAM_RETRYING, /* its last attempt failed; another is scheduled or running */
    STREAM_STOPPED,  /* gave up (retrying cannot help) */
} stream_health;

typedef struct {
    stream_health health;
    bool synced_once;      /* delivered a complete list at least once */
    bool unreachable;      /* retrying: the failure had no answer from the server */
    const char *reason;    /* retrying / stopped: why; pending: what it waits for (may be NULL) */
    long long retry_at_ms; /* retrying: when the next attempt starts (0: running now) */
    long long deadline_ms; /* a request is out unanswered: when it times out (0: none) */
    long long last_ok_ms;  /* the last good contact with the server (0: none) */
    long long data_ms;     /* the last data received (0: none) */
} stream_conn;

/* n may be 0 (nothing to watch: degraded, "nothing to watch"). */
void conn_derive(const stream_conn *s, size_t n, source_conn *out);

#endif
