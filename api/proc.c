/*
 * proc.c - fork/exec with captured output, read on readiness, reaped with
 * WNOHANG, killed at a deadline.
 */
#define _GNU_SOURCE /* pipe2, close_range */
#include "api/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KILL_GRACE_MS 1000 /* SIGTERM at the deadline, SIGKILL this much later */
#define FREE_GRACE_MS 100  /* proc_free: how long SIGTERM may take */
/* How often to look for the child's exit while its pipes are open (a
 * helper it started may hold them after it exited), and once both are
 * closed (the exit itself is microseconds away). */
#define REAP_TICK_MS   100
#define REAP_CLOSED_MS 5

struct proc {
    pid_t pid;
    int fd[2]; /* stdout, stderr; -1 once closed */
    strbuf buf[2];
    size_t out_max;
    long long deadline; /* 0: none */
    long long kill_at;  /* SIGKILL due (after the SIGTERM); 0: not yet */
    bool reaped, timed_out, killed;
    int status;
};

long long proc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int set_flag(int fd, int get, int set, int flag)
{
    int f = fcntl(fd, get);
    return f < 0 ? -1 : fcntl(fd, set, f | flag);
}

static int cloexec_pipe(int p[2])
{
    if (pipe2(p, O_CLOEXEC)) /* atomic: no window for another fork */
        return -1;
    if (set_flag(p[0], F_GETFL, F_SETFL, O_NONBLOCK)) {
        close(p[0]);
        close(p[1]);
        return -1;
    }
    return 0;
}

/* In the child: async-signal-safe calls only. dup2 onto itself would keep
 * close-on-exec, so that case clears the flag instead. */
static void move_fd(int from, int to)
{
    if (from == to)
        fcntl(to, F_SETFD, 0);
    else
        dup2(from, to);
}

static void child(const char *path, char *const argv[], char *const envp[], int out, int err)
{
    setpgid(0, 0);
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    move_fd(out, 1);
    move_fd(err, 2);
    if (devnull >= 0)
        move_fd(devnull, 0);
    else
        close(0);
    proc_close_inherited();
    execve(path, argv, envp);
    _exit(127);
}

void proc_no_core_dumps(void)
{
    struct rlimit none = {0, 0};
    setrlimit(RLIMIT_CORE, &none);
}

void proc_batch_heap(void)
{
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD)
    mallopt(M_MMAP_THRESHOLD, 32 << 20); /* glibc's largest */
#endif
}

void proc_close_inherited(void)
{
    /* close-on-exec is set on what meshpanel opens itself; this also
     * catches what a library opened without it */
    close_range(3, ~0u, 0);
}

proc *proc_start(const char *path, char *const argv[], char *const envp[], long timeout_ms,
                 size_t out_max)
{
    proc *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    int po[2], pe[2];
    if (cloexec_pipe(po)) {
        free(p);
        return NULL;
    }
    if (cloexec_pipe(pe)) {
        int e = errno;
        close(po[0]);
        close(po[1]);
        free(p);
        errno = e;
        return NULL;
    }
    pid_t pid = fork();
    if (pid == 0)
        child(path, argv, envp, po[1], pe[1]);
    int e = errno;
    close(po[1]);
    close(pe[1]);
    if (pid < 0) {
        close(po[0]);
        close(pe[0]);
        free(p);
        errno = e;
        return NULL;
    }
    setpgid(pid, pid); /* also here: a kill before the child ran must reach it */
    p->pid = pid;
    p->fd[0] = po[0];
    p->fd[1] = pe[0];
    strbuf_init(&p->buf[0]);
    strbuf_init(&p->buf[1]);
    p->out_max = out_max;
    p->deadline = timeout_ms > 0 ? proc_now_ms() + timeout_ms : 0;
    return p;
}

static void signal_group(const proc *p, int sig)
{
    if (kill(-p->pid, sig) < 0)
        kill(p->pid, sig);
}

static void close_fds(proc *p)
{
    for (int i = 0; i < 2; i++) {
        if (p->fd[i] >= 0)
            close(p->fd[i]);
        p->fd[i] = -1;
    }
}

static void reap(proc *p, int flags)
{
    int st;
    pid_t r;
    while ((r = waitpid(p->pid, &st, flags)) < 0 && errno == EINTR)
        ;
    if (r == p->pid || (r < 0 && errno == ECHILD)) {
        p->reaped = true;
        p->status = r == p->pid ? st : 0;
    }
}

void proc_free(proc *p)
{
    if (!p)
        return;
    if (!p->reaped) {
        signal_group(p, SIGTERM);
        long long end = proc_now_ms() + FREE_GRACE_MS;
        for (reap(p, WNOHANG); !p->reaped && proc_now_ms() < end; reap(p, WNOHANG)) {
            struct timespec ts = {0, 5 * 1000000L};
            nanosleep(&ts, NULL);
        }
        if (!p->reaped) {
            signal_group(p, SIGKILL);
            reap(p, 0);
        }
    }
    close_fds(p);
    for (int i = 0; i < 2; i++) {
        if (p->buf[i].buf) /* stdout holds a credential */
            memset(p->buf[i].buf, 0, p->buf[i].len);
        strbuf_free(&p->buf[i]);
    }
    free(p);
}

int proc_fds(const proc *p, struct pollfd *fds, int max)
{
    int n = 0;
    for (int i = 0; i < 2 && n < max; i++)
        if (p->fd[i] >= 0)
            fds[n++] = (struct pollfd){.fd = p->fd[i], .events = POLLIN};
    return n;
}

static long long earliest(long long a, long long b)
{
    return !a ? b : !b ? a : a < b ? a : b;
}

int proc_timeout_ms(const proc *p, long long now_ms)
{
    if (p->reaped)
        return -1;
    bool closed = p->fd[0] < 0 && p->fd[1] < 0;
    long long due = now_ms + (closed ? REAP_CLOSED_MS : REAP_TICK_MS);
    if (!p->killed) /* after SIGKILL only the reap is left: the tick */
        due = earliest(due, p->kill_at ? p->kill_at : p->deadline);
    return due <= now_ms ? 0 : (int)(due - now_ms);
}

/* Reads fd i until it would block; closes it at end of file. */
static void drain(proc *p, int i)
{
    char buf[4096];
    while (p->fd[i] >= 0) {
        ssize_t n = read(p->fd[i], buf, sizeof buf);
        if (n > 0) {
            if (p->buf[i].len < p->out_max)
                strbuf_append(&p->buf[i], buf, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        close(p->fd[i]);
        p->fd[i] = -1;
    }
    memset(buf, 0, sizeof buf);
}

static void enforce_deadline(proc *p, long long now_ms)
{
    if (p->deadline && !p->timed_out && now_ms >= p->deadline) {
        p->timed_out = true;
        p->kill_at = now_ms + KILL_GRACE_MS;
        signal_group(p, SIGTERM);
    } else if (p->kill_at && !p->killed && now_ms >= p->kill_at) {
        p->killed = true;
        signal_group(p, SIGKILL);
    }
}

bool proc_step(proc *p, long long now_ms)
{
    if (p->reaped && p->fd[0] < 0 && p->fd[1] < 0)
        return true;
    /* reaped first: then everything the child wrote is in the pipes */
    reap(p, WNOHANG);
    drain(p, 0);
    drain(p, 1);
    if (p->reaped) {
        close_fds(p); /* what a helper it left behind writes is not ours */
        return true;
    }
    enforce_deadline(p, now_ms);
    return false;
}

int proc_exit_code(const proc *p)
{
    if (WIFEXITED(p->status))
        return WEXITSTATUS(p->status);
    return WIFSIGNALED(p->status) ? 128 + WTERMSIG(p->status) : -1;
}

bool proc_timed_out(const proc *p)
{
    return p->timed_out;
}

const strbuf *proc_stdout(const proc *p)
{
    return &p->buf[0];
}

const strbuf *proc_stderr(const proc *p)
{
    return &p->buf[1];
}

long long proc_deadline_ms(const proc *p)
{
    return p->deadline;
}
