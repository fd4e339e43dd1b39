/*
 * plan_errors.c - conversion errors per tenant (see plan.h).
 *
 * A tenant's count is kept with the fingerprint of the plan's input
 * (ui_tenant_inputs); after a store change each tenant is re-checked by
 * fingerprint, which costs a lookup, and converted again only when its
 * input moved. Entries are sorted by namespace (binary search: the
 * tenants pane asks for every visible row on every paint).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/kobj.h"
#include "tui/nsvec.h"
#include "tui/plan.h"

typedef struct {
    char *ns;
    unsigned long long checked; /* store generation of the last check */
    unsigned long long newest;  /* fingerprint: newest input, input count */
    size_t ninputs;
    long errors; /* -1: never counted */
} pe_entry;

struct plan_errors {
    pe_entry *e;
    size_t n, cap;
    size_t next; /* idle: the tenant to check next */
    /* IngressClasses decide every tenant's plan: their fingerprint, taken
     * once per store generation */
    unsigned long long classes_gen, classes_newest;
    size_t nclasses;
};

void plan_errors_free(plan_errors *pe)
{
    if (!pe)
        return;
    for (size_t i = 0; i < pe->n; i++)
        free(pe->e[i].ns);
    free(pe->e);
    free(pe);
}

static long find(const plan_errors *pe, const char *ns, size_t *at)
{
    return nsvec_find(pe->e, pe->n, sizeof *pe->e, ns, at);
}

static pe_entry *entry(ui *u, const char *ns)
{
    if (!u->plan_errors && !(u->plan_errors = calloc(1, sizeof *u->plan_errors)))
        return NULL;
    plan_errors *pe = u->plan_errors;
    bool fresh;
    void *base = pe->e;
    pe_entry *e = nsvec_slot(&base, &pe->n, &pe->cap, sizeof *pe->e, ns, &fresh);
    pe->e = base;
    if (e && fresh)
        e->errors = -1;
    return e;
}

static long count(ui *u, const char *ns)
{
    const store_tenant *t = store_tenant_get(u->store, ns);
    if (!t || !t->n_ing)
        return 0;
    mp_err err;
    convert_plan *p = ui_tenant_plan(u, ns, NULL, &err);
    if (!p)
        return 0; /* the preview says why */
    long n = 0;
    size_t nl = strlen(ns);
    for (size_t i = 0; i < convert_plan_nwarn(p); i++) {
        const mp_warning *w = convert_plan_warn(p, i);
        const char *sp = strchr(w->object, ' ');
        const char *ons = sp ? sp + 1 : w->object;
        if (w->sev == MP_SEV_ERROR && !strncmp(ons, ns, nl) && ons[nl] == '/')
            n++;
    }
    convert_plan_free(p);
    return n;
}

/* A change of the IngressClasses forgets every count. */
static void check_classes(ui *u, unsigned long long gen)
{
    plan_errors *pe = u->plan_errors;
    if (pe->classes_gen == gen)
        return;
    pe->classes_gen = gen;
    const store_obj **cl;
    size_t n = store_list(u->store, "IngressClass", NULL, &cl);
    unsigned long long newest = 0;
    for (size_t i = 0; n != (size_t)-1 && i < n; i++)
        if (cl[i]->changed > newest)
            newest = cl[i]->changed;
    free(cl);
    if (n == pe->nclasses && newest == pe->classes_newest)
        return;
    pe->nclasses = n;
    pe->classes_newest = newest;
    for (size_t i = 0; i < pe->n; i++)
        pe->e[i].ninputs = (size_t)-1; /* no fingerprint matches */
}

/* Brings one entry up to date with the store. True when its count changed. */
static bool check(ui *u, pe_entry *e)
{
    unsigned long long gen = store_generation(u->store);
    if (e->errors >= 0 && e->checked == gen)
        return false;
    check_classes(u, gen);
    size_t n;
    unsigned long long newest;
    if (ui_tenant_inputs(u, e->ns, &n, &newest) < 0)
        return false;
    e->checked = gen;
    if (e->errors >= 0 && n == e->ninputs && newest == e->newest)
        return false;
    long before = e->errors;
    e->ninputs = n;
    e->newest = newest;
    e->errors = count(u, e->ns);
    return e->errors != before;
}

long plan_errors_get(ui *u, const char *ns)
{
    pe_entry *e = entry(u, ns);
    if (!e)
        return -1;
    return e->errors;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool plan_errors_idle(ui *u, int budget_ms)
{
    size_t nt;
    const store_tenant *ts = store_tenants(u->store, &nt);
    unsigned long long gen = store_generation(u->store);
    long long end = now_ms() + budget_ms;
    bool changed = false;
    size_t done = 0;
    for (; done < nt && now_ms() < end; done++) {
        plan_errors *pe = u->plan_errors;
        size_t i = pe ? pe->next % nt : 0;
        pe_entry *e = entry(u, ts[i].ns);
        if (!e)
            break;
        /* entry() may have moved the array: the cursor lives in u->plan_errors */
        changed |= check(u, e);
        u->plan_errors->next = i + 1;
    }
    if (changed && u->sort_tenants.key == 'P')
        ui_data_changed(u); /* the order by problems moved */
    for (size_t i = 0; i < nt; i++) {
        size_t at;
        long k = u->plan_errors ? find(u->plan_errors, ts[i].ns, &at) : -1;
        if (k < 0 || u->plan_errors->e[k].checked != gen)
            return true;
    }
    return false;
}
