/* kobj.c - Kubernetes object conventions over doc trees. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/kname.h"
#include "model/kobj.h"

static bool is_list_kind(const doc_node *d);

/* A null is an absent field (kobj_drop_nulls), not the string "null". */
static const char *text(const doc_node *n)
{
    return doc_is_null(n) ? NULL : doc_str(n);
}

const char *kobj_api_version(const doc_node *obj)
{
    return text(doc_get(obj, "apiVersion"));
}

const char *kobj_kind(const doc_node *obj)
{
    return text(doc_get(obj, "kind"));
}

const char *kobj_name(const doc_node *obj)
{
    return text(doc_getv(obj, "metadata", "name", NULL));
}

const char *kobj_namespace(const doc_node *obj)
{
    const char *ns = text(doc_getv(obj, "metadata", "namespace", NULL));
    return ns && *ns ? ns : NULL;
}

const char *kobj_uid(const doc_node *obj)
{
    return text(doc_getv(obj, "metadata", "uid", NULL));
}

const char *kobj_resource_version(const doc_node *obj)
{
    return text(doc_getv(obj, "metadata", "resourceVersion", NULL));
}

const char *kobj_label(const doc_node *obj, const char *key)
{
    return text(doc_getv(obj, "metadata", "labels", key, NULL));
}

const char *kobj_annotation(const doc_node *obj, const char *key)
{
    return text(doc_getv(obj, "metadata", "annotations", key, NULL));
}

const char *kobj_group(const doc_node *obj, char *buf, size_t n)
{
    const char *av = kobj_api_version(obj);
    const char *slash = av ? strchr(av, '/') : NULL;
    snprintf(buf, n, "%.*s", slash ? (int)(slash - av) : 0, slash ? av : "");
    return buf;
}

static int set_meta_map_entry(doc_node *obj, const char *map, const char *key, const char *value)
{
    doc_node *meta = doc_map_ensure(obj, "metadata", DOC_MAP);
    doc_node *m = meta ? doc_map_ensure(meta, map, DOC_MAP) : NULL;
    return m ? doc_map_set_str(m, key, value) : -1;
}

int kobj_set_label(doc_node *obj, const char *key, const char *value)
{
    return set_meta_map_entry(obj, "labels", key, value);
}

int kobj_set_annotation(doc_node *obj, const char *key, const char *value)
{
    return set_meta_map_entry(obj, "annotations", key, value);
}

int kobj_set_namespace(doc_node *obj, const char *ns)
{
    doc_node *meta = doc_map_ensure(obj, "metadata", DOC_MAP);
    return meta ? doc_map_set_str(meta, "namespace", ns) : -1;
}

const char *kobj_ref(const doc_node *obj, char *buf, size_t n)
{
    const char *kind = kobj_kind(obj);
    const char *name = kobj_name(obj);
    const char *ns = kobj_namespace(obj);
    char lower[64];
    size_t i = 0;
    for (; kind && kind[i] && i + 1 < sizeof lower; i++)
        lower[i] = (char)tolower((unsigned char)kind[i]);
    lower[i] = '\0';
    snprintf(buf, n, "%s %s%s%s", i ? lower : "object", ns ? ns : "", ns ? "/" : "",
             name ? name : "<unnamed>");
    return buf;
}

void kobj_drop_nulls(doc_node *n)
{
    if (!n || n->kind == DOC_SCALAR)
        return;
    size_t w = 0;
    for (size_t i = 0; i < n->len; i++) {
        if (n->kind == DOC_MAP && doc_is_null(n->items[i])) {
            doc_free_entry(n, i); /* an arena tree's key is not a heap block */
            continue;
        }
        kobj_drop_nulls(n->items[i]);
        if (n->kind == DOC_MAP)
            n->keys[w] = n->keys[i];
        n->items[w++] = n->items[i];
    }
    n->len = w;
}

bool kobj_is_list(const doc_node *d)
{
    return doc_is_seq(d) || is_list_kind(d);
}

static bool is_list_kind(const doc_node *d)
{
    const char *kind = kobj_kind(d);
    size_t n = kind ? strlen(kind) : 0;
    return n >= 4 && !strcmp(kind + n - 4, "List") && doc_is_seq(doc_get(d, "items"));
}

/* `kind: List` with `items:` null or absent: an empty list, as kubectl reads it. */
static bool is_empty_list(const doc_node *d)
{
    const char *kind = kobj_kind(d);
    return kind && !strcmp(kind, "List") && !doc_get(d, "items");
}

/* The line of n, else of the nearest node that has one. */
static int line_of(const doc_node *n, const doc_node *fallback)
{
    return n && n->line ? n->line : fallback ? fallback->line : 0;
}

/* The API server's total for one object's annotations (apimachinery
 * ValidateAnnotations: keys and values together). */
#define ANNOTATIONS_MAX (256 * 1024)

/* labels and annotations are maps of strings (the API server decodes them
 * into map[string]string and refuses anything else), annotations at most
 * ANNOTATIONS_MAX bytes together. */
static int check_string_maps(const doc_node *meta, int *line, mp_err *err)
{
    static const char *const maps[] = {"labels", "annotations"};
    for (size_t i = 0; i < sizeof maps / sizeof *maps; i++) {
        const doc_node *m = doc_get(meta, maps[i]);
        if (!m || doc_is_null(m))
            continue;
        *line = line_of(m, meta);
        if (!doc_is_map(m))
            return mp_errf(err, "metadata.%s: must be a map of strings", maps[i]);
        size_t total = 0;
        for (size_t k = 0; k < m->len; k++) {
            const doc_node *v = m->items[k];
            if (!(v->kind == DOC_SCALAR && (v->type == DOC_STR || v->type == DOC_NULL))) {
                *line = line_of(v, m);
                return mp_errf(
                    err, "metadata.%s[\"%.60s\"]: must be a string, not %.40s (quote it)", maps[i],
                    m->keys[k], v->kind == DOC_SCALAR ? v->text : "a mapping or list");
            }
            total += strlen(m->keys[k]) + strlen(v->text ? v->text : "");
        }
        if (i == 1 && total > ANNOTATIONS_MAX)
            return mp_errf(err, "metadata.annotations: Too long: must have at most %d bytes",
                           ANNOTATIONS_MAX);
    }
    return 0;
}

/* Returns 0, or -1 with err ("FIELD: reason", no source) and *line. */
static int check_object(const doc_node *d, int *line, mp_err *err)
{
    *line = line_of(d, NULL);
    if (!doc_is_map(d))
        return mp_errf(err, "not a Kubernetes object (expected a mapping)");
    static const char *const head[] = {"apiVersion", "kind"};
    for (size_t i = 0; i < sizeof head / sizeof *head; i++) {
        const doc_node *v = doc_get(d, head[i]);
        if (v && !doc_is_null(v) && !(v->kind == DOC_SCALAR && v->type == DOC_STR)) {
            *line = line_of(v, d);
            return mp_errf(err, "%s: must be a string, not %.40s", head[i],
                           v->kind == DOC_SCALAR ? v->text : "a mapping or list");
        }
    }
    const char *av = kobj_api_version(d), *kind = kobj_kind(d);
    if (!av || !*av)
        return mp_errf(err, "apiVersion: missing");
    if (!kind || !*kind)
        return mp_errf(err, "kind: missing");
    const doc_node *meta = doc_get(d, "metadata");
    *line = line_of(meta, d);
    if (!doc_is_map(meta))
        return mp_errf(err, "%s: metadata: missing or not a mapping", kind);
    /* YAML 1.1 reads `name: n` or `name: 0777` as a bool or a number, and so
     * does the API server, which then refuses the object: say so here. */
    static const char *const idents[] = {"name", "namespace"};
    for (size_t i = 0; i < sizeof idents / sizeof *idents; i++) {
        const doc_node *v = doc_get(meta, idents[i]);
        *line = line_of(v, meta);
        if (v && !(v->kind == DOC_SCALAR && v->type == DOC_STR))
            return mp_errf(err, "%s: metadata.%s: must be a string, not %s (quote it)", kind,
                           idents[i], v->kind == DOC_SCALAR ? v->text : "a mapping or list");
    }
    const char *name = kobj_name(d);
    *line = line_of(meta, d);
    if (!name || !*name)
        return mp_errf(err, "%s: metadata.name: missing", kind);
    if (check_string_maps(meta, line, err) < 0)
        return mp_err_prefix(err, "%s", kind);
    /* the API server's name rules: a name becomes file names and paths */
    const doc_node *at;
    if (kname_check_object(d, err, &at) < 0) {
        *line = line_of(at, meta);
        return mp_err_prefix(err, "%s", kind);
    }
    return 0;
}

/* Checks d; a bad one adds "SOURCE:LINE: WHERE: ..." to errs. */
static void report_bad(const char *source, const char *where, int line, const mp_err *e,
                       mp_errlist *errs)
{
    if (line > 0)
        mp_errlist_add(errs, "%s:%d: %s: %s", source, line, where, e->msg);
    else
        mp_errlist_add(errs, "%s: %s: %s", source, where, e->msg);
}

static bool object_ok(const doc_node *d, const char *source, const char *where, mp_errlist *errs)
{
    mp_err e;
    int line;
    if (check_object(d, &line, &e) == 0)
        return true;
    report_bad(source, where, line, &e, errs);
    return false;
}

static void push(doc_list *out, doc_node *d, const char *source, mp_errlist *errs)
{
    if (doc_list_push(out, d) < 0)
        mp_errlist_add(errs, "%s: out of memory", source);
}

/* Takes ownership of d whatever happens. Returns the number of bad objects. */
static int flatten_one(doc_node *d, doc_list *out, const char *source, const char *where,
                       mp_errlist *errs)
{
    int bad = 0;
    if (is_list_kind(d) || doc_is_seq(d)) {
        doc_node *items = doc_is_seq(d) ? d : doc_get(d, "items");
        for (size_t i = 0; i < items->len; i++) {
            mp_err e;
            int line;
            if (check_object(items->items[i], &line, &e) != 0) {
                char inner[300]; /* labelled only when wrong: 10,000 items per List */
                snprintf(inner, sizeof inner, "%s: items[%zu]", where, i);
                report_bad(source, inner, line, &e, errs);
                bad++;
                continue;
            }
            doc_node *item = doc_seq_take(items, i);
            if (item)
                push(out, item, source, errs);
            else
                mp_errlist_add(errs, "%s: out of memory", source);
        }
        doc_free(d);
        return bad;
    }
    if (is_empty_list(d)) {
        doc_free(d);
        return 0;
    }
    if (!object_ok(d, source, where, errs)) {
        doc_free(d);
        return 1;
    }
    push(out, d, source, errs);
    return 0;
}

int kobj_flatten_all(doc_list *in, doc_list *out, const char *source, mp_errlist *errs)
{
    int bad = 0;
    if (!source)
        source = "<input>";
    for (size_t i = 0; i < in->len; i++)
        bad += kobj_flatten_doc(doc_list_take(in, i), i + 1, out, source, errs);
    doc_list_free(in);
    return errs->oom ? -1 : bad;
}

int kobj_flatten_doc(doc_node *d, size_t index, doc_list *out, const char *source, mp_errlist *errs)
{
    char where[64];
    snprintf(where, sizeof where, "doc %zu", index);
    kobj_drop_nulls(d);
    return flatten_one(d, out, source ? source : "<input>", where, errs);
}

int kobj_flatten_item(doc_node *item, size_t index, size_t i, doc_list *out, const char *source,
                      mp_errlist *errs)
{
    source = source ? source : "<input>";
    kobj_drop_nulls(item);
    mp_err e;
    int line;
    if (check_object(item, &line, &e) == 0) {
        push(out, item, source, errs);
        return 0;
    }
    char where[300];
    snprintf(where, sizeof where, "doc %zu: items[%zu]", index, i);
    report_bad(source, where, line, &e, errs);
    doc_free(item);
    return 1;
}

int kobj_flatten(doc_list *in, doc_list *out, const char *source, mp_err *err)
{
    mp_errlist errs;
    mp_errlist_init(&errs);
    int bad = kobj_flatten_all(in, out, source, &errs);
    if (bad < 0 || errs.len)
        mp_errf(err, "%s", errs.len ? errs.lines[0] : "out of memory");
    int rc = bad == 0 && !errs.len ? 0 : -1;
    mp_errlist_free(&errs);
    return rc;
}
