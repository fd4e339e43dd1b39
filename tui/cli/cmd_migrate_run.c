/*
 * cmd_migrate_run.c - a step on the selected tenants, as the CLI shows it:
 * the preview (each tenant's diff), the question, a progress bar on a
 * terminal (plain lines otherwise, on stderr), the table of results.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model/sanitize.h"
#include "tui/cli/cmd_migrate_int.h"

#define BAR 24

typedef struct {
    const char *cmd;
    bool tty;
    struct timespec start;
    size_t failed;
} progress;

static double elapsed(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void on_tenant(void *ud, size_t done, size_t total, const mig_tenant *t)
{
    progress *p = ud;
    char *ns = san_cleans(t->ns, 0), *msg = san_cleans(t->msg, 0);
    p->failed += t->status == MIG_T_FAILED;
    if (!p->tty) {
        fprintf(stderr, "meshpanel %s: [%zu/%zu] %s: %s: %s\n", p->cmd, done, total, ns ? ns : "?",
                mig_tstatus_name(t->status), msg ? msg : "");
    } else {
        char bar[BAR + 1];
        size_t fill = total ? done * BAR / total : BAR;
        for (size_t i = 0; i < BAR; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[BAR] = 0;
        double el = elapsed(&p->start);
        long eta = done ? (long)(el / (double)done * (double)(total - done) + 0.5) : 0;
        fprintf(stderr, "\r\033[K[%s] %zu/%zu tenants, %zu failed, ETA %ld:%02ld  %.30s", bar, done,
                total, p->failed, eta / 60, eta % 60, ns ? ns : "?");
        if (done == total || (t->status == MIG_T_FAILED))
            fputc('\n', stderr);
    }
    fflush(stderr);
    free(ns);
    free(msg);
}

static const char *result_name(mig_tstatus s, bool preview)
{
    if (preview && s == MIG_T_PENDING)
        return "would change";
    if (preview && s == MIG_T_FAILED)
        return "refused";
    return mig_tstatus_name(s);
}

static void print_details(const mig_target *s, const char *cmd)
{
    for (size_t i = 0; i < s->ntenants(s->h); i++) {
        const mig_tenant *t = s->tenant_at(s->h, i);
        if (!t->detail && t->status != MIG_T_FAILED)
            continue;
        char *ns = san_cleans(t->ns, 0), *msg = san_cleans(t->msg, 0);
        printf("== %s %s (%s): %s\n", cmd, ns ? ns : "?", t->state_before, msg ? msg : "");
        if (t->detail)
            fputs(t->detail, stdout); /* made printable where it was built */
        free(ns);
        free(msg);
    }
}

static void print_table(const mig_target *s, const char *cmd, bool preview)
{
    size_t n = s->ntenants(s->h), w = 6, count[MIG_T_FAILED + 1] = {0};
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(s->tenant_at(s->h, i)->ns);
        w = l > w ? l : w;
    }
    w = w > 40 ? 40 : w;
    printf("%-*s  %-12s  %-12s  %-12s  %6s  %s\n", (int)w, "TENANT", "RESULT", "BEFORE",
           preview ? "" : "AFTER", "WRITES", "MESSAGE");
    for (size_t i = 0; i < n; i++) {
        const mig_tenant *t = s->tenant_at(s->h, i);
        char *ns = san_cleans(t->ns, 0), *msg = san_cleans(t->msg, 0);
        count[t->status]++;
        printf("%-*.*s  %-12s  %-12s  %-12s  %6zu  %s\n", (int)w, (int)w, ns ? ns : "?",
               result_name(t->status, preview), t->state_before,
               preview || t->status == MIG_T_PENDING ? "" : t->state_after, t->nwrites,
               msg ? msg : "");
        free(ns);
        free(msg);
    }
    printf("%s: %zu tenant%s: %zu %s, %zu unchanged, %zu with findings, %zu %s, %zu %s\n", cmd, n,
           n == 1 ? "" : "s", preview ? count[MIG_T_PENDING] : count[MIG_T_DONE],
           preview ? "would change" : "done", count[MIG_T_UNCHANGED], count[MIG_T_FINDINGS],
           count[MIG_T_FAILED], preview ? "refused" : "failed",
           preview ? count[MIG_T_DONE] : count[MIG_T_PENDING], preview ? "done" : "not run");
}

static int exit_status(const mig_target *s, bool preview)
{
    int rc = 0;
    for (size_t i = 0; i < s->ntenants(s->h); i++) {
        mig_tstatus st = s->tenant_at(s->h, i)->status;
        if (st == MIG_T_FAILED)
            rc = preview ? (rc > 1 ? rc : 1) : 2;
        else if (st == MIG_T_FINDINGS && rc < 1)
            rc = 1;
    }
    return rc;
}

static bool confirm(const char *cmd, size_t n)
{
    fprintf(stderr, "meshpanel %s: change %zu tenant%s as shown above? [y/N] ", cmd, n,
            n == 1 ? "" : "s");
    fflush(stderr);
    char line[16];
    if (!fgets(line, sizeof line, stdin))
        return false;
    return line[0] == 'y' || line[0] == 'Y';
}

int mig_cli_target_steps(mig_cli *a, const mig_target *s, mig_step step)
{
    mp_err err;
    size_t n = s->ntenants(s->h);
    if (!n) {
        fprintf(stderr, "meshpanel %s: no tenant selected\n", a->cmd);
        return 0;
    }
    bool look = step == MIG_PLAN || a->mo.dry_run;
    if (step != MIG_VERIFY || look) {
        if (s->preview(s->h, step, &err) < 0) {
            cli_error(a->cmd, err.msg);
            return 2;
        }
        print_details(s, a->cmd);
    }
    if (look) {
        print_table(s, a->cmd, true);
        return exit_status(s, true);
    }
    size_t pending = 0;
    for (size_t i = 0; i < n; i++)
        pending += s->tenant_at(s->h, i)->status == MIG_T_PENDING;
    if (mig_step_mutates(step) && pending && !a->yes && !confirm(a->cmd, pending)) {
        fprintf(stderr, "meshpanel %s: nothing changed\n", a->cmd);
        return 2;
    }
    progress p = {.cmd = a->cmd, .tty = isatty(STDERR_FILENO)};
    clock_gettime(CLOCK_MONOTONIC, &p.start);
    if (s->run(s->h, step, a->keep_going, on_tenant, &p, &err) < 0) {
        cli_error(a->cmd, err.msg);
        return 2;
    }
    if (step == MIG_VERIFY)
        print_details(s, a->cmd);
    print_table(s, a->cmd, false);
    return exit_status(s, false);
}

static size_t s_n(const void *h)
{
    return mig_ntenants(h);
}
static const mig_tenant *s_at(const void *h, size_t i)
{
    return mig_tenant_at(h, i);
}
static int s_preview(void *h, mig_step step, mp_err *err)
{
    return mig_preview(h, step, err);
}
static int s_run(void *h, mig_step step, bool keep_going, mig_progress_fn fn, void *ud, mp_err *err)
{
    return mig_run(h, step, keep_going, fn, ud, err);
}

int mig_cli_steps(mig_cli *a, mig_session *s, mig_step step)
{
    mig_target t = {s, s_n, s_at, s_preview, s_run};
    return mig_cli_target_steps(a, &t, step);
}
