/*
 * source.c - the wrappers over mp_source_ops, so optional ops can be NULL.
 */
#include "api/source.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

int source_open(mp_source *src, mp_store *st, mp_err *err)
{
    return src->ops->open ? src->ops->open(src, st, err) : 0;
}

int source_fds(mp_source *src, struct pollfd *fds, int max)
{
    return src->ops->fds ? src->ops->fds(src, fds, max) : 0;
}

int source_timeout_ms(mp_source *src, long long now_ms)
{
    return src->ops->timeout_ms ? src->ops->timeout_ms(src, now_ms) : -1;
}

int source_step(mp_source *src, mp_store *st, const struct pollfd *fds, int nfds, long long now_ms,
                mp_err *err)
{
    return src->ops->step ? src->ops->step(src, st, fds, nfds, now_ms, err) : 0;
}

int source_refresh(mp_source *src, mp_store *st, mp_err *err)
{
    return src->ops->refresh ? src->ops->refresh(src, st, err) : 0;
}

const char *source_status(const mp_source *src)
{
    return src->ops->status ? src->ops->status(src) : "";
}

bool source_synced(const mp_source *src)
{
    return src->ops->synced ? src->ops->synced(src) : true;
}

const char *source_context(const mp_source *src)
{
    return src->ops->context ? src->ops->context(src) : "-";
}

const char *source_cluster(const mp_source *src)
{
    return src->ops->cluster ? src->ops->cluster(src) : "-";
}

bool source_read_only(const mp_source *src)
{
    return src->ops->read_only ? src->ops->read_only(src) : true;
}

int source_apply(mp_source *src, mp_store *st, doc_node *const *objs, size_t n, apply_result *res,
                 mp_err *err)
{
    if (!src->ops->apply)
        return mp_errf(err, "%s: this source cannot be written", src->ops->name);
    return src->ops->apply(src, st, objs, n, res, err);
}

const char *source_apply_target(const mp_source *src)
{
    return src->ops->apply_target ? src->ops->apply_target(src) : "";
}

const char *apply_status_name(apply_status s)
{
    static const char *const names[] = {"not run", "created", "configured", "unchanged", "failed"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

void source_conn_state(const mp_source *src, source_conn *out)
{
    memset(out, 0, sizeof *out);
    out->state = CONN_SYNCED;
    if (src->ops->conn)
        src->ops->conn(src, out);
}

const char *source_take_note(mp_source *src, bool *failed)
{
    const char *note = src->ops->take_note ? src->ops->take_note(src) : NULL;
    if (failed)
        *failed = note && strstr(note, "failed:");
    return note;
}

const char *conn_state_name(conn_state s)
{
    static const char *const names[] = {"connecting", "synced", "degraded", "disconnected"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

long long source_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void source_free(mp_source *src)
{
    if (!src)
        return;
    if (src->ops->close)
        src->ops->close(src);
    free(src);
}
