/*
 * cluster_apply.c - dry run all, then server-side apply what changed.
 */
#include "api/cluster_apply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/kobj.h"
#include "model/objdiff.h"
#include "model/sort.h"

typedef struct {
    size_t idx;     /* into objs / res */
    int rank;       /* apply order of the kind */
    doc_node *live; /* what the server holds; NULL when absent */
    doc_node *dry;  /* the dry run's result */
} apply_step;

/* A VirtualService names its Gateway: the Gateway must exist first. */
static int kind_rank(const doc_node *obj)
{
    const char *kind = kobj_kind(obj);
    if (kind && !strcmp(kind, "Gateway"))
        return 0;
    if (kind && !strcmp(kind, "VirtualService"))
        return 1;
    return 2;
}

static int cmp_step(const void *a, const void *b)
{
    const apply_step *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The server's reason without the request description khttp puts first
 * (`apply virtualservices.networking.istio.io "web" in namespace "ns-a": `):
 * the result line already names the object. */
static void set_failed(apply_result *r, const doc_node *obj, const char *msg, bool conflict)
{
    const kkind *k = kkind_for_object(kobj_api_version(obj), kobj_kind(obj));
    const char *ns = kobj_namespace(obj), *name = kobj_name(obj);
    char res[160], prefix[600];
    const char *reason = msg;
    if (k && name) {
        int l = snprintf(prefix, sizeof prefix, "apply %s \"%s\"",
                         kkind_group_resource(k, res, sizeof res), name);
        if (k->namespaced && ns && l > 0 && (size_t)l < sizeof prefix)
            snprintf(prefix + l, sizeof prefix - (size_t)l, " in namespace \"%s\"", ns);
        size_t pl = strlen(prefix);
        if (!strncmp(msg, prefix, pl) && !strncmp(msg + pl, ": ", 2))
            reason = msg + pl + 2;
    }
    r->status = APPLY_FAILED;
    static const char suffix[] = " (not forced)"; /* the reason is cut first */
    snprintf(r->msg, sizeof r->msg, "%.*s%s", (int)(sizeof r->msg - sizeof suffix), reason,
             conflict ? suffix : "");
}

/* One SSA request; a 409 from apply is a field-manager conflict (apply
 * sends no resourceVersion, so it cannot be an optimistic-lock one). */
static int apply_one(kclient *c, const doc_node *obj, bool dry_run, doc_node **out, apply_result *r)
{
    kwrite_opts wo = {.dry_run = dry_run, .force = false};
    mp_err e = {{0}};
    if (kclient_apply(c, obj, &wo, out, &e) == 0)
        return 0;
    set_failed(r, obj, e.msg, khttp_last_status(kclient_http(c)) == 409);
    return -1;
}

/* First pass for one object: dry run, then what the server holds now. */
static int probe(kclient *c, const doc_node *obj, apply_step *s, apply_result *r)
{
    if (apply_one(c, obj, true, &s->dry, r) < 0)
        return -1;
    /* the dry run checked kind, namespace and name: the GET is well formed */
    const kkind *k = kkind_for_object(kobj_api_version(obj), kobj_kind(obj));
    mp_err e = {{0}};
    if (kclient_get(c, k, kobj_namespace(obj), kobj_name(obj), &s->live, &e) == 0)
        return 0;
    s->live = NULL;
    if (khttp_last_status(kclient_http(c)) == 404)
        return 0;
    r->status = APPLY_FAILED;
    snprintf(r->msg, sizeof r->msg, "%s", e.msg);
    return -1;
}

/* The dry run changed nothing the user can see. The GET answers in the
 * version discovery preferred, the dry run in the object's own: apiVersion
 * is not a difference. */
static bool same_as_live(const apply_step *s)
{
    doc_node *a = doc_clone(s->dry), *b = doc_clone(s->live);
    bool same = false;
    if (a && b && doc_map_set_str(b, "apiVersion", kobj_api_version(a)) == 0) {
        objdiff_strip_noise(a);
        objdiff_strip_noise(b);
        same = doc_equal(a, b, false);
    }
    doc_free(a);
    doc_free(b);
    return same;
}

static void put_store(mp_store *st, doc_node **obj)
{
    if (st && *obj)
        store_put(st, *obj, NULL);
    *obj = NULL;
}

/* Second pass for one object. */
static int commit(kclient *c, mp_store *st, const doc_node *obj, apply_step *s, apply_result *r)
{
    if (s->live && same_as_live(s)) {
        r->status = APPLY_UNCHANGED;
        put_store(st, &s->live);
        return 0;
    }
    doc_node *out = NULL;
    if (apply_one(c, obj, false, &out, r) < 0)
        return -1;
    r->status = s->live ? APPLY_CONFIGURED : APPLY_CREATED;
    put_store(st, &out);
    return 0;
}

static void free_steps(apply_step *steps, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        doc_free(steps[i].live);
        doc_free(steps[i].dry);
    }
    free(steps);
}

int cluster_apply(kclient *c, mp_store *st, doc_node *const *objs, size_t n, apply_result *res,
                  mp_err *err)
{
    apply_step *steps = calloc(n ? n : 1, sizeof *steps);
    if (!steps)
        return mp_errf(err, "out of memory");
    for (size_t i = 0; i < n; i++) {
        steps[i] = (apply_step){.idx = i, .rank = kind_rank(objs[i])};
        res[i] = (apply_result){.status = APPLY_NOT_RUN};
    }
    mp_sort(steps, n, sizeof *steps, cmp_step);
    int failed = 0;
    for (size_t i = 0; i < n; i++)
        failed += probe(c, objs[steps[i].idx], &steps[i], &res[steps[i].idx]) < 0;
    /* writes start only when every dry run passed, and stop at the first
     * failure (the rest stay NOT_RUN) */
    for (size_t i = 0; !failed && i < n; i++)
        failed += commit(c, st, objs[steps[i].idx], &steps[i], &res[steps[i].idx]) < 0;
    free_steps(steps, n);
    return failed;
}
