/*
 * trace.c - MESHPANEL_TRACE lines (see trace.h).
 */
#include "tui/trace.h"

#include "api/fsutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct mp_trace {
    FILE *out;
    long long t0_ns;
    long long key_wall_ns, key_cpu_ns;
};

static long long clock_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

mp_trace *trace_open(void)
{
    const char *path = getenv("MESHPANEL_TRACE");
    if (!path || !*path)
        return NULL;
    mp_trace *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    /* append: a bench may collect several runs in one file */
    t->out = fs_open_append(path, NULL);
    if (!t->out) {
        free(t);
        return NULL;
    }
    const char *t0 = getenv("MESHPANEL_TRACE_T0_NS");
    char *end = NULL;
    long long v = t0 ? strtoll(t0, &end, 10) : 0;
    t->t0_ns = v > 0 && end && !*end ? v : clock_ns(CLOCK_MONOTONIC);
    trace_event(t, "start", NULL);
    return t;
}

void trace_free(mp_trace *t)
{
    if (!t)
        return;
    fclose(t->out);
    free(t);
}

void trace_event(mp_trace *t, const char *name, const char *fmt, ...)
{
    if (!t)
        return;
    double ms = (double)(clock_ns(CLOCK_MONOTONIC) - t->t0_ns) / 1e6;
    double cpu = (double)clock_ns(CLOCK_PROCESS_CPUTIME_ID) / 1e6;
    fprintf(t->out, "t_ms=%.1f cpu_ms=%.1f event=%s", ms, cpu, name);
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        fputc(' ', t->out);
        vfprintf(t->out, fmt, ap);
        va_end(ap);
    }
    fputc('\n', t->out);
    /* a bench may kill the console: every line must be on disk already */
    fflush(t->out);
}

void trace_key_begin(mp_trace *t)
{
    if (!t)
        return;
    t->key_wall_ns = clock_ns(CLOCK_MONOTONIC);
    t->key_cpu_ns = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
}

void trace_key_end(mp_trace *t, const char *key)
{
    if (!t)
        return;
    long long cpu = clock_ns(CLOCK_PROCESS_CPUTIME_ID) - t->key_cpu_ns;
    long long wall = clock_ns(CLOCK_MONOTONIC) - t->key_wall_ns;
    trace_event(t, "key", "key=%s cpu_us=%lld wall_us=%lld", key, cpu / 1000, wall / 1000);
}
