/*
 * lint_console.c - lint over the console's store (see lint_console.h).
 */
#include "tui/lint_console.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/policyfile.h"
#include "model/kobj.h"

struct lint_console {
    lint_policy *policy;
    bool policy_tried;
    /* valid for store generation gen only (they borrow its documents) */
    convert_plan *plan;
    lint_set *set;
    lint_ctx *ctx;
    unsigned long long gen;
    bool ran;                /* a run for gen exists */
    lint_findings *findings; /* the last run's, whatever its generation */
    /* a run that failed (out of memory, conversion) is not retried in a
     * loop of idle time: not before the store changes */
    bool failed;
    unsigned long long failed_gen;
};

static void drop_run(lint_console *lc)
{
    lint_ctx_free(lc->ctx);
    lint_set_free(lc->set);
    convert_plan_free(lc->plan);
    lc->ctx = NULL;
    lc->set = NULL;
    lc->plan = NULL;
    lc->ran = false;
}

void lint_console_free(lint_console *lc)
{
    if (!lc)
        return;
    drop_run(lc);
    lint_findings_free(lc->findings);
    lint_policy_free(lc->policy);
    free(lc);
}

static lint_console *state(ui *u)
{
    if (!u->lint)
        u->lint = calloc(1, sizeof *u->lint);
    lint_console *lc = u->lint;
    /* the set borrows the store's documents: a change invalidates it */
    if (lc && lc->ran && lc->gen != store_generation(u->store))
        drop_run(lc);
    return lc;
}

bool lint_console_stale(ui *u)
{
    lint_console *lc = state(u);
    return lc && !lc->ran && !(lc->failed && lc->failed_gen == store_generation(u->store));
}

/* The policy file of the CLI's default location; a broken one is said
 * once and the defaults used (the console still shows what needs none). */
static const lint_policy *policy(ui *u, lint_console *lc)
{
    if (!lc->policy && !lc->policy_tried) {
        lc->policy_tried = true;
        mp_err err = {{0}};
        lc->policy = policy_load(NULL, &err);
        if (!lc->policy) {
            ui_set_message(u, true, "lint policy: %s (using the defaults)", err.msg);
            lc->policy = lint_policy_new();
        }
    }
    return lc->policy;
}

/* As `meshpanel lint -f` marks a directory: a kind the store holds at all
 * is known in every namespace it names. */
static int mark_known(ui *u, lint_set *s)
{
    static const char *const kinds[] = {"Service", "Secret", "Gateway"};
    size_t nt;
    const store_tenant *ts = store_tenants(u->store, &nt);
    for (size_t k = 0; k < 3; k++) {
        const store_obj **l = NULL;
        size_t n = store_list(u->store, kinds[k], NULL, &l);
        free(l);
        if (n == (size_t)-1)
            return -1;
        for (size_t i = 0; n && i < nt; i++)
            if (lint_set_mark_known(s, kinds[k], ts[i].ns) < 0)
                return -1;
    }
    return 0;
}

/* What lint and the converter read (the CLI hands them every object of
 * the files; they ignore the other kinds). */
static const char *const input_kinds[] = {
    "Namespace",      "IngressClass",    "Ingress",
    "Service",        "Secret",          "Gateway",
    "VirtualService", "DestinationRule", "AuthorizationPolicy",
    "Certificate",    "Issuer",          "ClusterIssuer",
};
#define NKINDS (sizeof input_kinds / sizeof input_kinds[0])

/* The store's objects of input_kinds into *objs (borrowed documents). */
static size_t gather(ui *u, doc_node ***objs)
{
    size_t n = 0;
    *objs = NULL;
    for (size_t k = 0; k < NKINDS; k++)
        n += store_count(u->store, input_kinds[k]);
    if (!(*objs = calloc(n ? n : 1, sizeof **objs)))
        return (size_t)-1;
    size_t at = 0;
    for (size_t k = 0; k < NKINDS; k++) {
        const store_obj **l = NULL;
        size_t c = store_list(u->store, input_kinds[k], NULL, &l);
        for (size_t i = 0; c != (size_t)-1 && i < c && at < n; i++)
            (*objs)[at++] = (doc_node *)l[i]->doc; /* read-only: the converter borrows */
        free(l);
        if (c == (size_t)-1)
            return (size_t)-1;
    }
    return at;
}

/* Every object of the store, live, then the plan of all of them. */
static int build(ui *u, lint_console *lc, const lint_policy *p, mp_err *err)
{
    doc_node **objs;
    size_t n = gather(u, &objs);
    int rc = n != (size_t)-1 && (lc->set = lint_set_new()) ? 0 : -1;
    for (size_t i = 0; !rc && i < n; i++)
        rc = lint_set_add(lc->set, objs[i], LINT_LIVE);
    if (rc < 0 || mark_known(u, lc->set) < 0) {
        free(objs);
        return mp_errf(err, "out of memory");
    }
    convert_opts o;
    lint_policy_convert_opts(p, &o);
    o.skip_invalid = true; /* a bad Ingress is a finding (MP404), not the end */
    lc->plan = convert_run(objs, n, &o, err);
    free(objs);
    if (!lc->plan)
        return -1;
    if (lint_set_add_plan(lc->set, lc->plan) < 0)
        return mp_errf(err, "out of memory");
    return (lc->ctx = lint_prepare(lc->set, p, err)) ? 0 : -1;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int lint_console_update(ui *u)
{
    lint_console *lc = state(u);
    if (!lc)
        return -1;
    if (lc->ran)
        return 0;
    if (lc->failed && lc->failed_gen == store_generation(u->store))
        return -1;
    long long t0 = now_ms();
    const lint_policy *p = policy(u, lc);
    mp_err err = {{0}};
    lint_findings *f = NULL;
    if (!p || build(u, lc, p, &err) < 0 || !(f = lint_check_all(lc->ctx, &err))) {
        drop_run(lc);
        lc->failed = true;
        lc->failed_gen = store_generation(u->store);
        ui_set_message(u, true, "lint: %s", p ? err.msg : "out of memory");
        return -1;
    }
    lint_findings_free(lc->findings);
    lc->findings = f;
    if (u->trace) /* how long idle time is busy with it (docs/benchmarks.md) */
        trace_event(u->trace, "lint", "ms=%lld findings=%zu", now_ms() - t0, lint_findings_len(f));
    lc->gen = store_generation(u->store);
    lc->ran = true;
    return 1;
}

const lint_findings *lint_console_findings(ui *u)
{
    return u->lint ? u->lint->findings : NULL;
}

long lint_console_errors(ui *u, const char *ns)
{
    const lint_findings *f = lint_console_findings(u);
    return f ? (long)lint_findings_count_ns(f, ns, MP_SEV_ERROR) : -1;
}

lint_ctx *lint_console_ctx(ui *u)
{
    lint_console *lc = state(u);
    return lc && lc->ran ? lc->ctx : NULL;
}

const doc_node *lint_console_planned(ui *u, const char *kind, const char *ns, const char *name)
{
    lint_console *lc = state(u);
    for (size_t i = 0; lc && lc->ran && i < convert_plan_len(lc->plan); i++) {
        const doc_node *o = convert_plan_obj(lc->plan, i);
        const char *ons = kobj_namespace(o);
        if (o && !strcmp(kobj_kind(o), kind) && !strcmp(kobj_name(o), name) &&
            !strcmp(ons ? ons : "", ns))
            return o;
    }
    return NULL;
}
