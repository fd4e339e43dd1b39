/*
 * migrate_steps.c - the migration's steps from the console: the tenants
 * chosen, the session (cluster or -f directory), the preview in a popup, the
 * run with a progress line, the results.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/backup.h"
#include "api/kubeconfig.h"
#include "api/migrate_dir.h"
#include "model/sanitize.h"
#include "tui/app.h"
#include "tui/migrate_steps.h"
#include "tui/popup.h"

typedef struct {
    ui *u;
    mig_step step;
    kclient *c;
    mig_session *s; /* the cluster's, or... */
    mig_dir *d;     /* ...the directory's */
    char **ns;      /* the tenants named (mig_opts.tenants) */
    size_t nns;
    char root[4096];
    mig_opts o;
} mig_job;

static const char *const step_names[] = {"plan",    "apply",  "verify",
                                         "cutover", "retire", "rollback"};
#define NSTEPS (sizeof step_names / sizeof *step_names)

int migrate_step_parse(const char *name, mig_step *step, mp_err *err)
{
    for (size_t i = 0; i < NSTEPS; i++)
        if (!strcmp(name, step_names[i])) {
            *step = (mig_step)i;
            return 0;
        }
    return mp_errf(err, "no step %s (plan apply verify cutover retire rollback)", name);
}

static void job_free(mig_job *j)
{
    if (!j)
        return;
    mig_close(j->s);
    mig_dir_close(j->d);
    kclient_free(j->c);
    for (size_t i = 0; i < j->nns; i++)
        free(j->ns[i]);
    free(j->ns);
    free(j);
}

static size_t job_n(const mig_job *j)
{
    return j->s ? mig_ntenants(j->s) : mig_dir_ntenants(j->d);
}

static const mig_tenant *job_at(const mig_job *j, size_t i)
{
    return j->s ? mig_tenant_at(j->s, i) : mig_dir_tenant_at(j->d, i);
}

/* The tenant under the cursor, or every tenant the filter keeps. */
static int pick_tenants(ui *u, mig_job *j, mp_err *err)
{
    size_t n = 0;
    if (filter_active(&u->flt)) {
        ui_view_sync(u, VIEW_TENANTS);
        while (view_tenants_ns_at(u, n))
            n++;
    } else if (u->tenant) {
        n = 1;
    }
    if (!n)
        return mp_errf(err, "migrate: no tenant selected (move to one, or filter the tenants)");
    j->ns = calloc(n, sizeof *j->ns);
    for (size_t i = 0; j->ns && i < n; i++) {
        const char *ns = filter_active(&u->flt) ? view_tenants_ns_at(u, i) : u->tenant;
        if (!(j->ns[j->nns] = strdup(ns)))
            break;
        j->nns++;
    }
    if (j->nns < n)
        return mp_errf(err, "out of memory");
    return 0;
}

/* The conversion as the CLI's migrate sets it: defaults under the config,
 * with the console's staged edits. */
static void job_opts(ui *u, mig_job *j)
{
    mig_opts *o = &j->o;
    convert_opts_default(&o->conv);
    mp_err ignored; /* a bad gatewayMode was reported when the config loaded */
    if (u->cfg.gateway_mode)
        convert_parse_mode(u->cfg.gateway_mode, &o->conv.mode, &ignored);
    if (u->cfg.shared_gateway)
        o->conv.shared_gateway = u->cfg.shared_gateway;
    if (u->cfg.domain_suffix)
        o->conv.domain_suffix = u->cfg.domain_suffix;
    o->overlay = u->overlay;
    o->rb_mode = MIG_RB_PARTIAL; /* the tenants are named */
    o->no_record = u->read_only;
    o->now = u->fake_clock ? u->now : time(NULL);
    o->probe_timeout_ms = u->request_timeout_ms;
    o->tenants = (const char *const *)j->ns;
    o->ntenants = j->nns;
}

static int open_cluster(ui *u, mig_job *j, mp_err *err)
{
    kc_options kc = {.kubeconfig = u->kubeconfig,
                     .context = source_context(u->src),
                     .request_timeout_ms = u->request_timeout_ms,
                     .disable_compression = u->disable_compression};
    kube_conn *conn = kube_conn_load(&kc, err);
    khttp_opts ho = {.timeout_ms = u->request_timeout_ms};
    j->c = conn ? kclient_new(conn, &ho, err) : NULL; /* takes conn */
    if (!j->c || backup_root(source_context(u->src), j->root, sizeof j->root, err) < 0)
        return -1;
    j->o.backup_root = j->root;
    j->s = mig_open(j->c, &j->o, err);
    return j->s ? 0 : -1;
}

static mig_job *job_open(ui *u, mig_step step, mp_err *err)
{
    bool cluster = !strcmp(u->src->ops->name, "cluster");
    if (!cluster && !u->manifest_dir) {
        mp_errf(err, "migrate: needs a cluster or -f DIR (the demo has no migration)");
        return NULL;
    }
    mig_job *j = calloc(1, sizeof *j);
    if (!j) {
        mp_errf(err, "out of memory");
        return NULL;
    }
    j->u = u;
    j->step = step;
    int rc = pick_tenants(u, j, err);
    if (rc == 0) {
        job_opts(u, j);
        ui_set_message(u, false, "migrate %s: reading %zu tenant%s...", step_names[step], j->nns,
                       j->nns == 1 ? "" : "s");
        ui_render(u);
        rc = cluster ? open_cluster(u, j, err)
                     : ((j->d = mig_dir_open(u->manifest_dir, &j->o, err)) ? 0 : -1);
    }
    if (rc < 0) {
        job_free(j);
        return NULL;
    }
    return j;
}

/* ---- what the popups show -------------------------------------------------- */

typedef struct {
    char **v;
    size_t n, cap;
    bool oom;
} lines;

static void add(lines *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(lines *l, const char *fmt, ...)
{
    if (l->oom)
        return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 32;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            l->oom = true;
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int len = vsnprintf(NULL, 0, fmt, ap);
    char *s = len >= 0 ? malloc((size_t)len + 1) : NULL;
    if (s) {
        vsnprintf(s, (size_t)len + 1, fmt, again);
        l->v[l->n++] = s;
    } else {
        l->oom = true;
    }
    va_end(again);
    va_end(ap);
}

static void lines_free(lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

/* A popup keeps POPUP_MAX_LINES lines: the last one says what was cut and
 * where to read it all. */
static void cap(lines *l, const mig_job *j)
{
    if (l->oom || l->n <= POPUP_MAX_LINES)
        return;
    size_t cut = l->n - (POPUP_MAX_LINES - 1);
    for (size_t i = POPUP_MAX_LINES - 1; i < l->n; i++)
        free(l->v[i]);
    l->n = POPUP_MAX_LINES - 1;
    add(l, "... %zu more lines: `meshpanel migrate %s --dry-run -n NS...` prints them all", cut,
        step_names[j->step]);
}

/* Each tenant's preview (or verify's mismatches), as the CLI prints them:
 * "== STEP NS (STATE): MESSAGE" then the text, made printable where it was
 * built. */
static void add_details(lines *l, const mig_job *j)
{
    for (size_t i = 0; i < job_n(j); i++) {
        const mig_tenant *t = job_at(j, i);
        if (!t->detail && t->status != MIG_T_FAILED)
            continue;
        char *ns = san_cleans(t->ns, 0), *msg = san_cleans(t->msg, 0);
        add(l, "== %s %s (%s): %s", step_names[j->step], ns ? ns : "?", t->state_before,
            msg ? msg : "");
        free(ns);
        free(msg);
        for (const char *s = t->detail; s && *s;) {
            const char *nl = strchr(s, '\n');
            size_t len = nl ? (size_t)(nl - s) : strlen(s);
            add(l, "%.*s", (int)len, s);
            s += len + (nl != NULL);
        }
    }
}

static const char *result_name(mig_tstatus s, bool preview)
{
    if (preview && s == MIG_T_PENDING)
        return "would change";
    if (preview && s == MIG_T_FAILED)
        return "refused";
    return mig_tstatus_name(s);
}

/* The CLI's table (tui/cli/cmd_migrate_run.c), one line a tenant. */
static void add_table(lines *l, const mig_job *j, bool preview)
{
    size_t n = job_n(j), w = 6;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(job_at(j, i)->ns);
        w = len > w ? len : w;
    }
    w = w > 40 ? 40 : w;
    add(l, "%-*s  %-12s  %-12s  %-12s  %6s  %s", (int)w, "TENANT", "RESULT", "BEFORE",
        preview ? "" : "AFTER", "WRITES", "MESSAGE");
    for (size_t i = 0; i < n; i++) {
        const mig_tenant *t = job_at(j, i);
        char *ns = san_cleans(t->ns, 0), *msg = san_cleans(t->msg, 0);
        add(l, "%-*.*s  %-12s  %-12s  %-12s  %6zu  %s", (int)w, (int)w, ns ? ns : "?",
            result_name(t->status, preview), t->state_before,
            preview || t->status == MIG_T_PENDING ? "" : t->state_after, t->nwrites,
            msg ? msg : "");
        free(ns);
        free(msg);
    }
}

/* "3 tenants: 2 done, 1 unchanged, 0 with findings, 0 failed, 0 not run" */
static void summary(const mig_job *j, bool preview, char *buf, size_t len)
{
    size_t n = job_n(j), count[MIG_T_FAILED + 1] = {0};
    for (size_t i = 0; i < n; i++)
        count[job_at(j, i)->status]++;
    snprintf(buf, len, "%zu tenant%s: %zu %s, %zu unchanged, %zu with findings, %zu %s, %zu %s", n,
             n == 1 ? "" : "s", preview ? count[MIG_T_PENDING] : count[MIG_T_DONE],
             preview ? "would change" : "done", count[MIG_T_UNCHANGED], count[MIG_T_FINDINGS],
             count[MIG_T_FAILED], preview ? "refused" : "failed",
             preview ? count[MIG_T_DONE] : count[MIG_T_PENDING], preview ? "done" : "not run");
}

/* ---- the run ----------------------------------------------------------------- */

/* The engine blocks: the status line says where it is after each tenant. */
static void on_tenant(void *ud, size_t done, size_t total, const mig_tenant *t)
{
    mig_job *j = ud;
    char *ns = san_cleans(t->ns, 0), *msg = san_cleans(t->msg, 0);
    ui_set_message(j->u, t->status == MIG_T_FAILED, "migrate %s: [%zu/%zu] %s: %s: %s",
                   step_names[j->step], done, total, ns ? ns : "?", mig_tstatus_name(t->status),
                   msg ? msg : "");
    free(ns);
    free(msg);
    ui_render(j->u);
}

static void show(ui *u, const mig_job *j, const char *title, lines *l)
{
    cap(l, j);
    if (l->oom)
        ui_set_message(u, true, "out of memory");
    else
        popup_info(u, title, (const char *const *)l->v, l->n);
    lines_free(l);
}

static void run_job(ui *u, void *ud)
{
    mig_job *j = ud;
    mp_err err;
    const char *name = step_names[j->step];
    int rc = j->s ? mig_run(j->s, j->step, false, on_tenant, j, &err)
                  : mig_dir_run(j->d, j->step, false, on_tenant, j, &err);
    if (rc < 0) {
        ui_set_message(u, true, "migrate %s: %s", name, err.msg);
        job_free(j);
        return;
    }
    mp_err rerr;
    bool reread = app_refresh(u, &rerr) == 0;
    lines l = {0};
    add_table(&l, j, false);
    char sum[256], title[300];
    summary(j, false, sum, sizeof sum);
    add(&l, "%s", "");
    add(&l, "migrate %s: %s", name, sum);
    if (j->step == MIG_VERIFY)
        add_details(&l, j);
    snprintf(title, sizeof title, "migrate %s: results", name);
    show(u, j, title, &l);
    ui_set_message(u, rc > 0 || !reread, "migrate %s: %s%s%s", name, sum,
                   reread ? "" : "; re-reading failed: ", reread ? "" : rerr.msg);
    ui_data_changed(u);
    job_free(j);
}

static void drop_job(ui *u, void *ud)
{
    ui_set_message(u, false, "migrate %s: nothing changed", step_names[((mig_job *)ud)->step]);
    job_free(ud);
}

static void free_job(void *ud)
{
    job_free(ud);
}

/* The preview, then: plan shows it; a step with nothing to change says so;
 * any other asks. */
static void ask(ui *u, mig_job *j)
{
    const char *name = step_names[j->step];
    lines l = {0}; /* the table first: it fits the box, the diffs scroll */
    add_table(&l, j, true);
    add(&l, "%s", "");
    add_details(&l, j);
    size_t pending = 0;
    for (size_t i = 0; i < job_n(j); i++)
        pending += job_at(j, i)->status == MIG_T_PENDING;
    char sum[256], title[300], q[128];
    summary(j, true, sum, sizeof sum);
    if (j->step == MIG_PLAN || !pending) {
        bool refused = false;
        for (size_t i = 0; i < job_n(j); i++)
            refused |= job_at(j, i)->status == MIG_T_FAILED;
        snprintf(title, sizeof title, "migrate %s: %s", name,
                 j->step == MIG_PLAN ? "writes nothing"
                 : refused           ? "refused, nothing to run"
                                     : "nothing to change");
        ui_set_message(u, false, "migrate %s: %s", name, sum);
        show(u, j, title, &l);
        job_free(j);
        return;
    }
    if (l.oom) {
        show(u, j, "", &l);
        job_free(j);
        return;
    }
    ui_set_message(u, false, "migrate %s: %s; y runs it", name, sum);
    snprintf(title, sizeof title, "migrate %s: what it will change", name);
    snprintf(q, sizeof q, "Run %s on %zu tenant%s?", name, pending, pending == 1 ? "" : "s");
    cap(&l, j);
    popup_confirm(u, title, (const char *const *)l.v, l.n, q, run_job, drop_job, j);
    popup_set_drop(u, free_job);
    lines_free(&l);
}

void migrate_step_ask(ui *u, mig_step step)
{
    const char *name = step_names[step];
    if (mig_step_mutates(step) && u->read_only) {
        ui_set_message(u, true, "read-only console: migrate %s is off (plan still works)", name);
        return;
    }
    mp_err err;
    mig_job *j = job_open(u, step, &err);
    if (!j) {
        ui_set_message(u, true, "%s", err.msg);
        return;
    }
    if (step == MIG_VERIFY) { /* changes no routing: nothing to confirm */
        run_job(u, j);
        return;
    }
    if ((j->s ? mig_preview(j->s, step, &err) : mig_dir_preview(j->d, step, &err)) < 0) {
        ui_set_message(u, true, "migrate %s: %s", name, err.msg);
        job_free(j);
        return;
    }
    ask(u, j);
}

static void picked(ui *u, const char *item, size_t index, void *ud)
{
    (void)item;
    (void)ud;
    if (index < NSTEPS)
        migrate_step_ask(u, (mig_step)index);
}

void act_migrate_menu(ui *u)
{
    if (!u->tenant && !filter_active(&u->flt)) {
        ui_set_message(u, true, "migrate: no tenant selected");
        return;
    }
    char title[300];
    if (filter_active(&u->flt))
        snprintf(title, sizeof title, "Migration step for the tenants the filter keeps");
    else
        snprintf(title, sizeof title, "Migration step for %.250s", u->tenant);
    popup_choose(u, title, step_names, NSTEPS, 0, picked, NULL);
}

void act_migrate_rollback(ui *u)
{
    migrate_step_ask(u, MIG_ROLLBACK);
}
