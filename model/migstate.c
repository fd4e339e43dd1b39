/*
 * migstate.c - an Ingress's migration state and its original (see
 * migstate.h).
 */
#include "model/migstate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/convert.h"
#include "model/emit.h"
#include "model/kobj.h"
#include "model/parse.h"

const char *mig_state_name(mig_state s)
{
    static const char *const names[] = {
        [MIG_INGRESS_ONLY] = "ingress-only", [MIG_DUAL] = "dual",
        [MIG_CUT_OVER] = "cut-over",         [MIG_RETIRED] = "retired",
        [MIG_ROLLED_BACK] = "rolled-back",
    };
    return (unsigned)s < MIG_NSTATES ? names[s] : "?";
}

int mig_state_rank(mig_state s)
{
    static const int rank[] = {[MIG_INGRESS_ONLY] = 0,
                               [MIG_DUAL] = 1,
                               [MIG_CUT_OVER] = 2,
                               [MIG_RETIRED] = 3,
                               [MIG_ROLLED_BACK] = 0};
    return (unsigned)s < MIG_NSTATES ? rank[s] : 0;
}

/* ---- ingress class ---- */

static const char *text_of(const doc_node *n)
{
    return doc_is_null(n) ? NULL : doc_str(n);
}

void mig_class_of(const doc_node *ing, mig_class *out)
{
    memset(out, 0, sizeof *out);
    const char *a = kobj_annotation(ing, MIG_CLASS_ANNOTATION);
    const char *s = text_of(doc_getv(ing, "spec", "ingressClassName", NULL));
    if (a) {
        out->ann = true;
        snprintf(out->ann_v, sizeof out->ann_v, "%s", a);
    }
    if (s) {
        out->spec = true;
        snprintf(out->spec_v, sizeof out->spec_v, "%s", s);
    }
}

const char *mig_class_effective(const mig_class *c)
{
    return c->ann ? c->ann_v : c->spec ? c->spec_v : NULL;
}

bool mig_class_is_paused(const char *cls)
{
    return cls && (!strcmp(cls, "pause") || !strcmp(cls, "disable"));
}

char *mig_class_encode(const mig_class *c)
{
    doc_node *m = doc_map_new();
    if (!m || (c->ann && doc_map_set_str(m, "annotation", c->ann_v) < 0) ||
        (c->spec && doc_map_set_str(m, "spec", c->spec_v) < 0)) {
        doc_free(m);
        return NULL;
    }
    char *s = doc_emit_json(m, false, NULL, NULL);
    doc_free(m);
    return s;
}

/* One JSON object from an annotation value (untrusted). */
static doc_node *parse_json_map(const char *s, const char *what, mp_err *err)
{
    doc_list l;
    doc_list_init(&l);
    if (doc_parse_json(s, strlen(s), what, &l, err) < 0 || l.len != 1 || !doc_is_map(l.docs[0])) {
        doc_list_free(&l);
        mp_errf(err, "%s: not a JSON object", what);
        return NULL;
    }
    doc_node *m = doc_list_take(&l, 0);
    doc_list_free(&l);
    return m;
}

int mig_class_decode(const char *s, mig_class *out, mp_err *err)
{
    memset(out, 0, sizeof *out);
    doc_node *m = parse_json_map(s, MIG_ANN_ORIGINAL_CLASS, err);
    if (!m)
        return -1;
    const doc_node *a = doc_get(m, "annotation"), *sp = doc_get(m, "spec");
    int rc = 0;
    if ((a && (!doc_is_scalar(a) || a->type != DOC_STR)) ||
        (sp && (!doc_is_scalar(sp) || sp->type != DOC_STR)) ||
        m->len != (size_t)(a != NULL) + (sp != NULL)) {
        rc = mp_errf(err, "%s: expected {\"annotation\": CLASS, \"spec\": CLASS}",
                     MIG_ANN_ORIGINAL_CLASS);
    } else {
        if ((out->ann = a != NULL))
            snprintf(out->ann_v, sizeof out->ann_v, "%s", doc_str(a));
        if ((out->spec = sp != NULL))
            snprintf(out->spec_v, sizeof out->spec_v, "%s", doc_str(sp));
    }
    doc_free(m);
    return rc;
}

/* Removes an annotation, and the map with its last entry: the original
 * may have had none, and the API server drops an empty map anyway. */
static void del_annotation(doc_node *obj, const char *key)
{
    doc_node *meta = doc_get(obj, "metadata");
    doc_node *ann = doc_get(meta, "annotations");
    if (!doc_is_map(ann))
        return;
    doc_map_del(ann, key);
    if (!ann->len)
        doc_map_del(meta, "annotations");
}

int mig_class_apply(doc_node *ing, const mig_class *c)
{
    if (c->ann) {
        if (kobj_set_annotation(ing, MIG_CLASS_ANNOTATION, c->ann_v) < 0)
            return -1;
    } else {
        del_annotation(ing, MIG_CLASS_ANNOTATION);
    }
    doc_node *spec = doc_get(ing, "spec");
    if (c->spec) {
        if (!spec && !(spec = doc_map_ensure(ing, "spec", DOC_MAP)))
            return -1;
        return doc_map_set_str(spec, "ingressClassName", c->spec_v);
    }
    if (doc_is_map(spec))
        doc_map_del(spec, "ingressClassName");
    return 0;
}

int mig_class_disable(doc_node *ing, const char *cls)
{
    mig_class c;
    mig_class_of(ing, &c);
    if (!c.ann && !c.spec)
        c.ann = true; /* nginx would route a class-less Ingress: the annotation wins */
    snprintf(c.ann_v, sizeof c.ann_v, "%s", cls);
    snprintf(c.spec_v, sizeof c.spec_v, "%s", cls);
    return mig_class_apply(ing, &c);
}

/* ---- one Ingress ---- */

static bool marked(const doc_node *ing, const char *state)
{
    const char *s = kobj_annotation(ing, MIG_ANN_STATE);
    return s && !strcmp(s, state);
}

bool mig_suspended(const doc_node *ing, const char *disabled_class)
{
    if (kobj_annotation(ing, MIG_SUSPEND_ANNOTATION))
        return true;
    mig_class c;
    mig_class_of(ing, &c);
    const char *eff = mig_class_effective(&c);
    if (!mig_class_is_paused(eff))
        return false;
    /* pause set by our own cutover is not a suspension */
    return !(marked(ing, "cut-over") && disabled_class && !strcmp(eff, disabled_class));
}

static const char *const our_annotations[] = {MIG_ANN_STATE, MIG_ANN_MIGRATED_AT,
                                              MIG_ANN_ORIGINAL_CLASS, MIG_ANN_CUTOVER_AT};

/* The platform's saved class names the class our cutover set: on resume
 * it would restore that. Point it at the class the Ingress had. */
static int fix_suspend_state(doc_node *copy, const mig_class *rec, const char *disabled_class)
{
    const char *s = kobj_annotation(copy, MIG_SUSPEND_ANNOTATION);
    doc_node *m = s ? parse_json_map(s, MIG_SUSPEND_ANNOTATION, NULL) : NULL;
    const char *saved = m ? doc_get_str(m, "ingressClass") : NULL;
    int rc = 0;
    if (saved && disabled_class && !strcmp(saved, disabled_class)) {
        const char *orig = mig_class_effective(rec);
        char *json = NULL;
        if (doc_map_set_str(m, "ingressClass", orig ? orig : "nginx") < 0 ||
            !(json = doc_emit_json(m, false, NULL, NULL)) ||
            kobj_set_annotation(copy, MIG_SUSPEND_ANNOTATION, json) < 0)
            rc = -1;
        free(json);
    }
    doc_free(m);
    return rc;
}

doc_node *mig_original(const doc_node *ing, const char *disabled_class, mp_err *err)
{
    doc_node *copy = doc_clone(ing);
    if (!copy) {
        mp_errf(err, "out of memory");
        return NULL;
    }
    const char *recs = kobj_annotation(ing, MIG_ANN_ORIGINAL_CLASS);
    mig_class rec, cur;
    int rc = 0;
    if (recs && mig_class_decode(recs, &rec, NULL) == 0) {
        mig_class_of(ing, &cur);
        const char *eff = mig_class_effective(&cur);
        if (kobj_annotation(ing, MIG_SUSPEND_ANNOTATION))
            rc = fix_suspend_state(copy, &rec, disabled_class);
        else if (eff && disabled_class && !strcmp(eff, disabled_class))
            rc = mig_class_apply(copy, &rec);
        /* else the class was changed by someone else since: theirs stays */
    }
    for (size_t i = 0; i < sizeof our_annotations / sizeof *our_annotations; i++)
        del_annotation(copy, our_annotations[i]);
    if (rc < 0) {
        doc_free(copy);
        mp_errf(err, "out of memory");
        return NULL;
    }
    return copy;
}

bool mig_made_by_us(const doc_node *obj)
{
    const char *v = kobj_label(obj, CONVERT_MANAGED_LABEL);
    return v && !strcmp(v, CONVERT_MANAGED_VALUE);
}

int mig_each_source(const doc_node *obj, int (*fn)(const char *ns, const char *name, void *ud),
                    void *ud)
{
    const char *src = kobj_annotation(obj, CONVERT_SOURCE_ANNOTATION);
    for (const char *p = src; p && *p;) {
        size_t l = strcspn(p, ",");
        const char *slash = l > 8 && !strncmp(p, "ingress/", 8) ? memchr(p + 8, '/', l - 8) : NULL;
        char ns[254], name[254];
        size_t nl = slash ? (size_t)(slash - (p + 8)) : 0;
        size_t ml = slash ? (size_t)(p + l - slash - 1) : 0;
        if (nl && ml && nl < sizeof ns && ml < sizeof name) {
            memcpy(ns, p + 8, nl);
            ns[nl] = 0;
            memcpy(name, slash + 1, ml);
            name[ml] = 0;
            int r = fn(ns, name, ud);
            if (r)
                return r;
        }
        p += l + (p[l] == ',');
    }
    return 0;
}

typedef struct {
    const char *ns, *name;
} want_ref;

static int is_want(const char *ns, const char *name, void *ud)
{
    const want_ref *w = ud;
    return !strcmp(ns, w->ns) && !strcmp(name, w->name);
}

bool mig_names(const doc_node *obj, const char *ns, const char *name)
{
    want_ref w = {ns, name};
    return mig_each_source(obj, is_want, &w) != 0;
}

static void read_present(const doc_node *ing, size_t nobj, const char *disabled_class,
                         mig_reading *out)
{
    const char *mark = kobj_annotation(ing, MIG_ANN_STATE);
    mig_class c;
    mig_class_of(ing, &c);
    const char *eff = mig_class_effective(&c);
    bool disabled = eff && disabled_class && !strcmp(eff, disabled_class);
    if (mark && !strcmp(mark, "cut-over")) {
        out->state = disabled || out->suspended ? MIG_CUT_OVER : MIG_DUAL;
        if (out->state == MIG_DUAL)
            out->problem = "marked cut-over but serving again (its class was changed since): run "
                           "migrate cutover";
        else if (!nobj && !out->suspended)
            out->problem = "cut over, but no Istio object of meshpanel routes it";
    } else if (mark && !strcmp(mark, "dual")) {
        out->state = MIG_DUAL;
        if (!nobj && !out->suspended)
            out->problem = "marked dual, but no Istio object of meshpanel names it: run migrate "
                           "apply";
    } else if (mark && !strcmp(mark, "rolled-back")) {
        out->state = MIG_ROLLED_BACK;
    } else {
        out->state = nobj ? MIG_DUAL : MIG_INGRESS_ONLY;
        if (mark)
            out->problem = "unknown meshpanel.io/state value";
        else if (nobj)
            out->problem = "Istio objects exist but the Ingress is not marked (an interrupted "
                           "apply): run migrate apply";
    }
    if (out->suspended && nobj)
        out->problem =
            "suspended, but Istio objects of meshpanel still route it: run migrate apply";
}

void mig_read(const doc_node *ing, bool backed_up, size_t nobjects, const char *disabled_class,
              mig_reading *out)
{
    memset(out, 0, sizeof *out);
    out->nobjects = nobjects;
    out->present = ing != NULL;
    if (!ing) {
        out->state = backed_up ? MIG_RETIRED : MIG_INGRESS_ONLY;
        if (!backed_up)
            out->problem = "gone, and no backup of it is held by an Istio object";
        return;
    }
    out->suspended = mig_suspended(ing, disabled_class);
    read_present(ing, nobjects, disabled_class, out);
}

const char *mig_tenant_state(const mig_reading *r, size_t n)
{
    const char *st = NULL;
    size_t susp = 0;
    for (size_t i = 0; i < n; i++) {
        if (r[i].suspended) {
            susp++;
            continue;
        }
        const char *s = mig_state_name(r[i].state);
        if (st && strcmp(st, s))
            return "mixed";
        st = s;
    }
    return st ? st : susp ? "suspended" : "empty";
}

/* ---- fingerprints ---- */

uint64_t mig_hash_str(const char *s, uint64_t h)
{
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return (h ^ 0xff) * 1099511628211ull; /* a terminator: "ab","c" differs from "a","bc" */
}

uint64_t mig_hash_doc(const doc_node *n, uint64_t h)
{
    if (!n)
        return mig_hash_str("~absent", h);
    if (n->kind == DOC_SCALAR) {
        char tag[2] = {(char)('0' + n->type), 0};
        return mig_hash_str(n->text, mig_hash_str(tag, h));
    }
    if (n->kind == DOC_SEQ) {
        h = mig_hash_str("[", h);
        for (size_t i = 0; i < n->len; i++)
            h = mig_hash_doc(n->items[i], h);
        return mig_hash_str("]", h);
    }
    /* key order must not matter: each entry is hashed on its own and the
     * entries are summed (commutative), which needs no sorting */
    uint64_t sum = 0;
    for (size_t i = 0; i < n->len; i++)
        sum += mig_hash_doc(n->items[i], mig_hash_str(n->keys[i], MIG_HASH_SEED));
    char buf[24];
    snprintf(buf, sizeof buf, "%016llx", (unsigned long long)sum);
    h = mig_hash_str(buf, mig_hash_str("{", h));
    return mig_hash_str("}", h);
}
