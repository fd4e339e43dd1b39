/*
 * convert_output.c - what leaves the converter: the plan's object list, the
 * meshpanel.io/source annotation naming every contributing Ingress, and the
 * final order (namespace, kind, name; warnings grouped by object) that
 * makes the output byte-stable for review and diff.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/bucket.h"
#include "model/convert_int.h"
#include "model/emit.h"
#include "model/emit_int.h"
#include "model/hugepage.h"
#include "model/istio.h"
#include "model/kobj.h"
#include "model/strbuf.h"
#include "model/sort.h"

static const char *or_empty(const char *s);
static int kind_rank(const char *kind);

static int grow_docs(convert_plan *p)
{
    if (p->n < p->cap)
        return 0;
    size_t cap = p->cap ? p->cap * 2 : 32;
    conv_doc *docs = realloc(p->docs, cap * sizeof *docs);
    if (!docs)
        return -1;
    p->docs = docs;
    p->cap = cap;
    return 0;
}

/* Room for n bytes of document text: the 12,000 documents of 10,000
 * Ingresses share blocks of 16 MiB (a larger one alone) instead of one
 * allocation each; convert_plan_free frees the blocks. The text is kept
 * until it is sorted (9.5 MB at 10,000 Ingresses): in 4 KiB pages that was
 * 2,300 first-touch page faults, a sixth of the run's, at about 2.5 us
 * each on a virtual machine; a block's whole 2 MiB pages after its first
 * 2 MiB are asked to be huge pages (10k dump: 1,400-1,900 faults fewer,
 * 1.5-2 MiB more resident for the last one; none for a run of less
 * text). */
#define DOC_BLK (16u * 1024u * 1024u)

static char *doc_room(convert_plan *p, size_t n)
{
    conv_blk *b = p->doc_text;
    if (!b || b->size - b->used < n) {
        size_t size = n > DOC_BLK ? n : DOC_BLK;
        if (!(b = malloc(sizeof *b + size)))
            return NULL;
        if (size > 2 * HUGE_PAGE_SIZE) /* past the first 2 MiB: a small run touches none */
            want_huge_pages((char *)b + HUGE_PAGE_SIZE, sizeof *b + size - HUGE_PAGE_SIZE);
        /* a larger document's block goes behind the current one, which
         * keeps taking the small ones */
        conv_blk **at = n > DOC_BLK && p->doc_text ? &p->doc_text->next : &p->doc_text;
        b->next = *at;
        b->used = 0;
        b->size = size;
        *at = b;
    }
    char *t = b->buf + b->used;
    b->used += n;
    return t;
}

int conv_push_text(convert_plan *p, const char *ns, const char *kind, const char *name)
{
    const char *k[3] = {or_empty(ns), or_empty(kind), or_empty(name)};
    size_t kl[3] = {strlen(k[0]) + 1, strlen(k[1]) + 1, strlen(k[2]) + 1};
    size_t len = p->yaml.len;
    char *b =
        !p->yaml.oom && grow_docs(p) == 0 ? doc_room(p, len + 1 + kl[0] + kl[1] + kl[2]) : NULL;
    if (!b)
        return -1;
    memcpy(b, p->yaml.buf, len);
    b[len] = '\0';
    conv_doc *d = &p->docs[p->n++];
    *d = (conv_doc){b, len, NULL, NULL, NULL};
    const char **dst[3] = {&d->ns, &d->kind, &d->name};
    char *at = b + len + 1;
    for (int i = 0; i < 3; i++) {
        memcpy(at, k[i], kl[i]);
        *dst[i] = at;
        at += kl[i];
    }
    return 0;
}

/* A literal key (YAML_W_KEY) and its string value. */
#define KV(w, lit, value) (YAML_W_KEY(w, lit), yaml_w_str(w, value))

/* The head at once when its strings are plain (nearly every object): the
 * text the calls below write, from apiVersion to "spec:". */
static bool head_at_once(yaml_w *w, const char *kind, const char *name, const char *ns,
                         const char *src)
{
    const yaml_w_part parts[] = {
        YAML_W_LIT("apiVersion: " ISTIO_NETWORKING_API "\nkind: "),
        {kind, strlen(kind), false}, /* a plain word (convert_int.h) */
        YAML_W_LIT("\nmetadata:\n  name: "),
        YAML_W_VAL(name),
        YAML_W_LIT("\n  namespace: "),
        YAML_W_VAL(ns),
        YAML_W_LIT("\n  labels:\n    " CONVERT_MANAGED_LABEL ": " CONVERT_MANAGED_VALUE
                   "\n  annotations:\n    " CONVERT_SOURCE_ANNOTATION ": "),
        YAML_W_VAL(src),
        YAML_W_LIT("\nspec:"),
    };
    return yaml_w_entries_of(w, 4, parts, sizeof parts / sizeof *parts);
}

void conv_head_text(yaml_w *w, const char *kind, const char *name, const char *ns, const char *src)
{
    yaml_w_map(w);
    if (head_at_once(w, kind, name, ns, src)) {
        yaml_w_map(w);
        return;
    }
    YAML_W_KEY(w, "apiVersion");
    YAML_W_STR(w, ISTIO_NETWORKING_API);
    YAML_W_KEY(w, "kind");
    yaml_w_str_plain(w, kind, strlen(kind));
    YAML_W_KEY(w, "metadata");
    yaml_w_map(w);
    KV(w, "name", name);
    KV(w, "namespace", ns);
    YAML_W_KEY(w, "labels");
    yaml_w_map(w);
    YAML_W_KEY(w, CONVERT_MANAGED_LABEL);
    YAML_W_STR(w, CONVERT_MANAGED_VALUE);
    yaml_w_end(w);
    YAML_W_KEY(w, "annotations");
    yaml_w_map(w);
    KV(w, CONVERT_SOURCE_ANNOTATION, src);
    yaml_w_end(w);
    yaml_w_end(w);
    YAML_W_KEY(w, "spec");
    yaml_w_map(w);
}

/* Text mode: o's document and sort keys in one block; o is freed. */
static int push_text(convert_plan *p, doc_node *o)
{
    istio_canonical_order(o);
    strbuf_reset(&p->yaml);
    int rc = conv_note_vs_sources(o, &p->vs_src);
    if (rc == 0 && !emit_yaml_direct(o, &p->yaml))
        rc = emit_yaml_libyaml_doc(o, &p->yaml, &p->e_err);
    if (rc == 0)
        rc = conv_push_text(p, kobj_namespace(o), kobj_kind(o), kobj_name(o));
    doc_free(o);
    return rc;
}

int conv_push_obj(convert_plan *p, doc_node *o)
{
    if (!o)
        return -1;
    if (p->text)
        return push_text(p, o);
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 32;
        doc_node **objs = realloc(p->objs, cap * sizeof *objs);
        if (!objs) {
            doc_free(o);
            return -1;
        }
        p->objs = objs;
        p->cap = cap;
    }
    p->objs[p->n++] = o;
    return 0;
}

int conv_add_src(ing_entry ***src, size_t *n, ing_entry *e)
{
    for (size_t i = 0; i < *n; i++)
        if ((*src)[i] == e)
            return 0;
    if (!(*n & (*n - 1))) { /* 0, 1, 2, 4, ...: room doubled at each power of two */
        ing_entry **s = realloc(*src, (*n ? *n * 2 : 1) * sizeof *s);
        if (!s)
            return -1;
        *src = s;
    }
    (*src)[(*n)++] = e;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* names[0..n) sorted: by insertion for a few (a Gateway's Ingresses),
 * where qsort's set-up cost more than the compares. */
static void sort_names(const char **names, size_t n)
{
    if (n > 16) {
        mp_sort(names, n, sizeof *names, cmp_str);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        const char *t = names[i];
        size_t j = i;
        for (; j && strcmp(names[j - 1], t) > 0; j--)
            names[j] = names[j - 1];
        names[j] = t;
    }
}

char *conv_sources_text(ing_entry *const *src, size_t n)
{
    if (n == 1) /* most objects come from one Ingress */
        return strdup(src[0]->src);
    const char *few[16], **names = n <= 16 ? few : malloc(n * sizeof *names);
    if (!names)
        return NULL;
    for (size_t i = 0; i < n; i++)
        names[i] = src[i]->src;
    sort_names(names, n);
    /* the names, sorted and without repeats, joined by ',': measured, then
     * copied into one allocation */
    size_t total = 1;
    for (size_t i = 0; i < n; i++)
        if (!i || strcmp(names[i], names[i - 1]))
            total += strlen(names[i]) + 1;
    char *out = malloc(total), *at = out;
    for (size_t i = 0; out && i < n; i++) {
        if (i && !strcmp(names[i], names[i - 1]))
            continue;
        if (at > out)
            *at++ = ',';
        size_t len = strlen(names[i]);
        memcpy(at, names[i], len);
        at += len;
    }
    if (out)
        *at = '\0';
    if (names != few)
        free(names);
    return out;
}

int conv_set_sources(doc_node *obj, ing_entry *const *src, size_t n)
{
    char *s = conv_sources_text(src, n);
    int rc = s ? kobj_set_annotation(obj, CONVERT_SOURCE_ANNOTATION, s) : -1;
    free(s);
    return rc;
}

static int kind_rank(const char *k)
{
    static const char *const order[] = {"Gateway", "VirtualService", "DestinationRule",
                                        "AuthorizationPolicy"};
    for (int i = 0; i < 4; i++)
        if (k && !strcmp(k, order[i]))
            return i;
    return 4;
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

/* Objects added to a plan after the run (convert_plan_add_obj) may lack a
 * namespace, and may be of other kinds (ranked after ours, by kind). */
static int obj_cmp(const void *pa, const void *pb)
{
    const doc_node *a = *(doc_node *const *)pa, *b = *(doc_node *const *)pb;
    int r = strcmp(or_empty(kobj_namespace(a)), or_empty(kobj_namespace(b)));
    if (!r)
        r = kind_rank(kobj_kind(a)) - kind_rank(kobj_kind(b));
    if (!r)
        r = strcmp(or_empty(kobj_kind(a)), or_empty(kobj_kind(b)));
    if (!r)
        r = strcmp(or_empty(kobj_name(a)), or_empty(kobj_name(b)));
    return r;
}

/* A run of consecutive warnings about one object (a finding rarely comes
 * alone: 54,000 findings at 10k Ingresses are 19,000 runs). */
typedef struct {
    const char *object;
    size_t start, n;
} warn_run;

static int run_cmp(const void *pa, const void *pb)
{
    const warn_run *a = pa, *b = pb;
    int r = strcmp(a->object, b->object);
    if (!r)
        r = (a->start > b->start) - (a->start < b->start);
    return r;
}

/* Merges the sorted a[0..na) and b[0..nb) into out (a first on a tie:
 * none here, run starts differ). */
static void merge_runs(const warn_run *a, size_t na, const warn_run *b, size_t nb, warn_run *out)
{
    size_t i = 0, j = 0, o = 0;
    while (i < na && j < nb)
        out[o++] = run_cmp(&b[j], &a[i]) < 0 ? b[j++] : a[i++];
    memcpy(out + o, a + i, (na - i) * sizeof *out);
    memcpy(out + o + na - i, b + j, (nb - j) * sizeof *out);
}

/* r in run_cmp's order, by merging the stretches already in order: the
 * findings come phase by phase (annotations, paths, routes, gateways),
 * each mostly in the Ingresses' order, so there are few such stretches
 * (a sort of every run compared each about log2(19,000) times). tmp holds
 * n. The result is in r or tmp: returned. */
static warn_run *sort_runs(warn_run *r, warn_run *tmp, size_t n)
{
    size_t *cut = malloc((n + 1) * sizeof *cut), ncut = 0;
    if (!cut) {
        mp_sort(r, n, sizeof *r, run_cmp);
        return r;
    }
    cut[ncut++] = 0;
    for (size_t i = 1; i < n; i++)
        if (run_cmp(&r[i - 1], &r[i]) > 0)
            cut[ncut++] = i;
    cut[ncut] = n; /* stretch k is [cut[k], cut[k + 1]) */
    warn_run *from = r, *to = tmp;
    while (ncut > 1) {
        size_t m = 0;
        for (size_t k = 0; k < ncut; k += 2) {
            size_t lo = cut[k], mid = cut[k + 1], hi = k + 2 <= ncut ? cut[k + 2] : mid;
            if (k + 1 < ncut)
                merge_runs(from + lo, mid - lo, from + mid, hi - mid, to + lo);
            else
                memcpy(to + lo, from + lo, (mid - lo) * sizeof *to);
            cut[m++] = lo;
        }
        cut[m] = n;
        ncut = m;
        warn_run *t = from;
        from = to;
        to = t;
    }
    free(cut);
    return from;
}

/* Warnings grouped by object, in the order they were found within one:
 * the runs sorted by (object, place), then each warning moved to its place
 * in w->items itself along the permutation's cycles (a copy of the 54,000
 * warnings was 2 MiB of fresh pages; their places are a fifth of that). */
static void sort_warnings(mp_warnings *w)
{
    if (w->len < 2 || w->len > UINT32_MAX)
        return;
    warn_run *r = malloc(w->len * sizeof *r), *tmp = malloc(w->len * sizeof *tmp);
    uint32_t *dest = malloc(w->len * sizeof *dest);
    if (!r || !tmp || !dest) {
        free(r);
        free(tmp);
        free(dest);
        return;
    }
    size_t nr = 0;
    for (size_t i = 0; i < w->len; i++) {
        if (nr && !strcmp(w->items[i].object, r[nr - 1].object))
            r[nr - 1].n++;
        else
            r[nr++] = (warn_run){w->items[i].object, i, 1};
    }
    const warn_run *sorted = sort_runs(r, tmp, nr);
    for (size_t i = 0, o = 0; i < nr; i++)
        for (size_t j = 0; j < sorted[i].n; j++)
            dest[sorted[i].start + j] = (uint32_t)o++;
    for (size_t i = 0; i < w->len; i++)
        while (dest[i] != i) { /* i's warning to its place, that one's here */
            uint32_t to = dest[i];
            mp_warning t = w->items[to];
            w->items[to] = w->items[i];
            w->items[i] = t;
            dest[i] = dest[to];
            dest[to] = to;
        }
    free(r);
    free(tmp);
    free(dest);
}

/* The sort keys, read once per object instead of once per comparison
 * (each read is a walk of the object's metadata). */
typedef struct {
    const char *ns, *kind, *name;
    int rank;
    size_t idx; /* ties keep their order, whatever qsort does */
    doc_node *obj;
} obj_key;

static int key_cmp(const void *pa, const void *pb)
{
    const obj_key *a = pa, *b = pb;
    int r = strcmp(a->ns, b->ns);
    if (!r)
        r = a->rank - b->rank;
    if (!r)
        r = strcmp(a->kind, b->kind);
    if (!r)
        r = strcmp(a->name, b->name);
    if (!r)
        r = (a->idx > b->idx) - (a->idx < b->idx);
    return r;
}

/* A namespace's few objects (six at 10k Ingresses) in key_cmp's order:
 * by insertion, where qsort's set-up cost more than the compares. */
static void sort_few(void *run, size_t n)
{
    obj_key *k = run;
    if (n > 16) {
        mp_sort(k, n, sizeof *k, key_cmp);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        obj_key t = k[i];
        size_t j = i;
        for (; j && key_cmp(&k[j - 1], &t) > 0; j--)
            k[j] = k[j - 1];
        k[j] = t;
    }
}

/* The namespace of items[i] (bucket_by_key). */
static const char *ns_of(const void *items, size_t i)
{
    return ((const obj_key *)items)[i].ns;
}

/* k[0..n) in key_cmp's order, into out: the namespaces (2,000 at 10k
 * Ingresses, a few objects each) sorted once, each object put in its
 * namespace's place, then each namespace's objects sorted (bucket.h); a
 * sort of all 12,000 objects compared namespaces about 14 times each. 0,
 * or -1 out of memory (out unset). */
static int sort_keys(const obj_key *k, size_t n, obj_key *out)
{
    return bucket_sort(k, n, sizeof *k, ns_of, sort_few, out);
}

/* The sort keys of n objects, sorted: k holds 2n (the second half is the
 * result, or the first when bucketing ran out of memory). */
static const obj_key *sorted_keys(obj_key *k, size_t n)
{
    if (sort_keys(k, n, k + n) == 0)
        return k + n;
    mp_sort(k, n, sizeof *k, key_cmp);
    return k;
}

static void sort_objs(convert_plan *p)
{
    obj_key *k = malloc((p->n ? 2 * p->n : 1) * sizeof *k);
    if (!k) {
        mp_sort(p->objs, p->n, sizeof *p->objs, obj_cmp);
        return;
    }
    for (size_t i = 0; i < p->n; i++) {
        const doc_node *o = p->objs[i];
        k[i] = (obj_key){or_empty(kobj_namespace(o)),
                         or_empty(kobj_kind(o)),
                         or_empty(kobj_name(o)),
                         kind_rank(kobj_kind(o)),
                         i,
                         p->objs[i]};
    }
    const obj_key *s = sorted_keys(k, p->n);
    for (size_t i = 0; i < p->n; i++)
        p->objs[i] = s[i].obj;
    free(k);
}

/* Text mode: the same order from the kept keys (each document was put
 * in canonical key order before it was encoded). */
static void sort_docs(convert_plan *p)
{
    if (!p->n)
        return;
    obj_key *k = malloc(2 * p->n * sizeof *k);
    conv_doc *d = malloc(p->n * sizeof *d);
    if (!k || !d) {
        free(k);
        free(d);
        return;
    }
    for (size_t i = 0; i < p->n; i++)
        k[i] = (obj_key){
            p->docs[i].ns, p->docs[i].kind, p->docs[i].name, kind_rank(p->docs[i].kind), i, NULL};
    const obj_key *s = sorted_keys(k, p->n);
    for (size_t i = 0; i < p->n; i++)
        d[i] = p->docs[s[i].idx];
    memcpy(p->docs, d, p->n * sizeof *d);
    free(k);
    free(d);
}

void conv_sort_output(convert_plan *p)
{
    if (p->text) {
        sort_docs(p);
        sort_warnings(&p->w);
        return;
    }
    for (size_t i = 0; i < p->n; i++)
        istio_canonical_order(p->objs[i]);
    sort_objs(p);
    sort_warnings(&p->w);
}
