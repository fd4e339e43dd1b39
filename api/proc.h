/*
 * proc.h - a child process whose output is collected without blocking, for
 * an event loop that polls its pipes next to everything else.
 *
 * The child gets stdin from /dev/null and its stdout and stderr captured
 * through pipes (non-blocking and close-on-exec on our side), and no other
 * descriptor of ours (proc_close_inherited). It leads its
 * own process group, so a deadline kills what it started too (a shell
 * script's `sleep` would otherwise keep the pipes open): SIGTERM to the
 * group at the deadline, SIGKILL a second later.
 *
 * Driving it:
 *   n = proc_fds(p, fds, max);        its pipes, to poll for input
 *   t = proc_timeout_ms(p, now_ms);   how long poll() may sleep
 *   done = proc_step(p, now_ms);      reads what is there, reaps, kills late
 * The end of a run is the child's exit (waitpid WNOHANG), not the end of
 * its pipes: a helper it left running may hold them open forever.
 *
 * Ownership: the caller owns the proc; proc_free kills a child still running
 * and reaps it. The captured output belongs to the proc. Single-threaded.
 */
#ifndef MESHPANEL_PROC_H
#define MESHPANEL_PROC_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

#include "model/strbuf.h"

typedef struct proc proc;

/* Starts path (no PATH search: the caller resolves it, because the child of
 * a multi-threaded process may only call async-signal-safe functions).
 * argv and envp are borrowed for the call. timeout_ms: the deadline from
 * now (<= 0: none); out_max caps each captured stream (more is read and
 * dropped, so the child never blocks on a full pipe). NULL with errno set
 * when the pipes or fork fail. */
proc *proc_start(const char *path, char *const argv[], char *const envp[], long timeout_ms,
                 size_t out_max);
/* Kills a child still running (SIGTERM, SIGKILL after 100 ms), reaps it. */
void proc_free(proc *p);

/* The open pipes, up to max; 0 once the run is over. */
int proc_fds(const proc *p, struct pollfd *fds, int max);
/* Milliseconds until proc_step wants to run without input (-1: never). */
int proc_timeout_ms(const proc *p, long long now_ms);
/* True once the child exited (or was killed) and its output is read. */
bool proc_step(proc *p, long long now_ms);

/* In a child between fork and exec (async-signal-safe): closes every
 * descriptor above stderr, so nothing meshpanel holds (the trace file, a
 * connection to the API server, a library's socketpair) reaches the
 * program, whether or not it was opened close-on-exec. */
void proc_close_inherited(void);
/* At start-up: no core dumps (a core would hold tokens and keys). */
void proc_no_core_dumps(void);
/* At start-up of a command that builds its whole answer and exits
 * (convert, lint): blocks of up to 32 MiB come from the heap, not each
 * from its own mmap. A block freed or outgrown (an array doubled, a
 * buffer) is then reused by the next instead of a fresh mapping, whose
 * every page faults again: on the 10k dump 13,000 page faults become
 * 6,300 (about 15 ms on this VM) for 2 MiB more peak RSS. */
void proc_batch_heap(void);

/* After the run: */
int proc_exit_code(const proc *p); /* exit status, 128 + signal when killed */
bool proc_timed_out(const proc *p);
const strbuf *proc_stdout(const proc *p);
const strbuf *proc_stderr(const proc *p);
/* Monotonic ms the run is killed at (0: no deadline). */
long long proc_deadline_ms(const proc *p);
/* The monotonic clock of now_ms (the same as kwatcher_now_ms). */
long long proc_now_ms(void);

#endif
