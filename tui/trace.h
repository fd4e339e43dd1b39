/*
 * trace.h - opt-in timing lines for bench/ (never for tests).
 *
 * MESHPANEL_TRACE=FILE makes the console append one line per event:
 *   t_ms=123.4 cpu_ms=80.2 event=first-paint objects=12000 tenants=2000
 *   t_ms=130.0 cpu_ms=80.5 event=key key=j cpu_us=210 wall_us=230
 * cpu_ms is the process's CPU time so far (start-up included). t_ms counts from
 * MESHPANEL_TRACE_T0_NS (a CLOCK_MONOTONIC reading in ns the launcher takes just before exec, so
 * the figure includes process start-up) or else from trace_open. Unset, trace_open returns NULL and
 * every hook is a single NULL test: the console pays nothing.
 *
 * Ownership: the caller owns the trace and frees it with trace_free (NULL ok).
 */
#ifndef MESHPANEL_TRACE_H
#define MESHPANEL_TRACE_H

typedef struct mp_trace mp_trace;

/* NULL when MESHPANEL_TRACE is unset or the file cannot be opened. */
mp_trace *trace_open(void);
void trace_free(mp_trace *t);

/* One line: t_ms, event=name, then fmt (printf, may be NULL). t may be NULL. */
void trace_event(mp_trace *t, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A keystroke's cost: begin before the key is handled, end after the screen
 * that shows it was drawn; end writes "event=key key=NAME cpu_us= wall_us=". */
void trace_key_begin(mp_trace *t);
void trace_key_end(mp_trace *t, const char *key);

#endif
