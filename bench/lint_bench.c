/*
 * lint_bench.c - times model/lint.h on a manifest corpus (run by
 * bench/lint.sh; not a test: timings never go in tests).
 *
 * usage: lint_bench FILE|DIR [RUNS]      (default 5 runs; 0: read and convert only, so that
 *                                        an instruction count of 1 run minus 0 runs is lint's)
 *
 * Reads and converts the objects once (as `meshpanel lint -f` does, tenant
 * gateway mode, the default policy), then, RUNS times: builds the set (the
 * input objects live, the plan's objects planned, the converter's
 * findings), indexes it (lint_prepare) and runs every check
 * (lint_check_all). Prints the objects, the findings and the median and
 * fastest run in milliseconds, total and per 1,000 objects.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "api/manifests.h"
#include "model/convert.h"
#include "model/lint.h"

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* One timed lint: set + prepare + check. Returns ms, or -1. */
static double one_run(const doc_list *objs, const convert_plan *plan, const lint_policy *pol,
                      size_t *nset, size_t *nfind)
{
    mp_err err;
    double t0 = now_ms();
    lint_set *s = lint_set_new();
    for (size_t i = 0; s && i < objs->len; i++)
        if (lint_set_add(s, objs->docs[i], LINT_LIVE) < 0)
            return -1;
    if (!s || lint_set_add_plan(s, plan) < 0)
        return -1;
    lint_findings *f = lint_run(s, pol, &err);
    double t1 = now_ms();
    if (!f) {
        fprintf(stderr, "lint_bench: %s\n", err.msg);
        return -1;
    }
    *nset = objs->len + convert_plan_len(plan);
    *nfind = lint_findings_len(f);
    lint_findings_free(f);
    lint_set_free(s);
    return t1 - t0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: lint_bench FILE|DIR [RUNS]\n");
        return 2;
    }
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    runs = runs < 0 ? 0 : runs > 99 ? 99 : runs; /* 0: load and convert only */
    mp_err err;
    doc_list objs;
    doc_list_init(&objs);
    if (manifests_load(argv[1], &objs, &err) < 0) {
        fprintf(stderr, "lint_bench: %s\n", err.msg);
        return 2;
    }
    lint_policy *pol = lint_policy_new();
    convert_opts o;
    lint_policy_convert_opts(pol, &o);
    o.skip_invalid = true;
    double c0 = now_ms();
    convert_plan *plan = convert_run(objs.docs, objs.len, &o, &err);
    double c1 = now_ms();
    if (!plan) {
        fprintf(stderr, "lint_bench: %s\n", err.msg);
        return 2;
    }
    double t[99];
    size_t nset = 0, nfind = 0;
    for (int i = 0; i < runs; i++)
        if ((t[i] = one_run(&objs, plan, pol, &nset, &nfind)) < 0)
            return 2;
    qsort(t, (size_t)runs, sizeof t[0], cmp_double);
    double med = runs ? t[runs / 2] : 0;
    printf("objects %zu (input %zu, planned %zu), findings %zu, convert %.1f ms, lint median "
           "%.1f ms, fastest %.1f ms, %.3f ms per 1000 objects\n",
           nset, objs.len, convert_plan_len(plan), nfind, c1 - c0, med, runs ? t[0] : 0,
           med * 1000.0 / (double)(nset ? nset : 1));
    convert_plan_free(plan);
    lint_policy_free(pol);
    doc_list_free(&objs);
    return 0;
}
