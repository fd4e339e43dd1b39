/* fuzz_direct.h - fuzz_json's property of the direct Ingress decoder
 * (model/ingress_json.h): at each place a List item could start, it either
 * declines or gives what the tree path gives (the value as the reader
 * parses it, kobj_flatten_item, ingress_decode_at, ingress_view_own). */
#ifndef MESHPANEL_FUZZ_DIRECT_H
#define MESHPANEL_FUZZ_DIRECT_H

#include <string.h>

#include "fuzz.h"
#include "model/ingress_json.h"
#include "model/kobj.h"
#include "model/parse.h"

static bool direct_keep(const char *key)
{
    return !strncmp(key, NGINX_ANNOTATION_PREFIX, strlen(NGINX_ANNOTATION_PREFIX)) ||
           !strcmp(key, INGRESS_CLASS_ANNOTATION);
}

static bool direct_same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static bool direct_same_backend(const ing_backend *a, const ing_backend *b)
{
    return direct_same_str(a->service, b->service) && a->port_number == b->port_number &&
           direct_same_str(a->port_name, b->port_name) && direct_same_str(a->resource, b->resource);
}

static bool direct_same_view(const ing_view *a, const ing_view *b)
{
    if (!direct_same_str(a->name, b->name) || !direct_same_str(a->ns, b->ns) ||
        !direct_same_str(a->created, b->created) ||
        !direct_same_str(a->class_name, b->class_name) ||
        !direct_same_str(a->class_annotation, b->class_annotation) || a->nanns != b->nanns ||
        a->nrules != b->nrules || a->ntls != b->ntls || a->has_default != b->has_default ||
        (a->has_default && !direct_same_backend(&a->default_backend, &b->default_backend)))
        return false;
    for (size_t i = 0; i < a->nanns; i++)
        if (!direct_same_str(a->anns[i].key, b->anns[i].key) ||
            !direct_same_str(a->anns[i].value, b->anns[i].value) ||
            a->anns[i].null != b->anns[i].null)
            return false;
    for (size_t i = 0; i < a->nrules; i++) {
        const ing_rule *x = &a->rules[i], *y = &b->rules[i];
        if (!direct_same_str(x->host, y->host) || x->npaths != y->npaths)
            return false;
        for (size_t j = 0; j < x->npaths; j++)
            if (!direct_same_str(x->paths[j].path, y->paths[j].path) ||
                x->paths[j].type != y->paths[j].type ||
                x->paths[j].type_set != y->paths[j].type_set ||
                !direct_same_backend(&x->paths[j].backend, &y->paths[j].backend))
                return false;
    }
    for (size_t i = 0; i < a->ntls; i++) {
        const ing_tls *x = &a->tls[i], *y = &b->tls[i];
        if (x->nhosts != y->nhosts || !direct_same_str(x->secret, y->secret) ||
            !direct_same_str(x->bad_secret, y->bad_secret))
            return false;
        for (size_t j = 0; j < x->nhosts; j++)
            if (!direct_same_str(x->hosts[j], y->hosts[j]))
                return false;
    }
    return true;
}

static void direct_at(const char *buf, size_t len)
{
    ing_view fv, tv;
    doc_span span;
    size_t tused = 0, lines = 0, line_start = 0;
    int rc = ingress_json_decode(buf, len, "default", direct_keep, &fv, &span);
    FUZZ_ASSERT(rc >= 0, "direct: out of memory");
    if (rc == 0)
        return;
    size_t used = span.used;
    for (size_t i = 0; i < used && i < len; i++)
        if (buf[i] == '\n')
            lines++, line_start = i + 1;
    FUZZ_ASSERT(span.lines == lines && (!lines || span.line_start == line_start),
                "direct counted %zu line breaks, last at %zu: %zu at %zu", span.lines,
                span.line_start, lines, line_start);
    doc_jparser *jp = doc_jparser_new();
    doc_node *d = NULL;
    mp_err e;
    FUZZ_ASSERT(jp && doc_jparser_read(jp, buf, len, "in", &tused, &d, &e) == 0,
                "direct took what the reader refuses: %s", e.msg);
    doc_jparser_free(jp);
    FUZZ_ASSERT(used == tused, "direct used %zu bytes, the reader %zu", used, tused);
    doc_list objs;
    doc_list_init(&objs);
    mp_errlist errs;
    mp_errlist_init(&errs);
    FUZZ_ASSERT(kobj_flatten_item(d, 1, 0, &objs, "in", &errs) == 0 && objs.len == 1,
                "direct took what kobj_flatten_item refuses: %s", errs.len ? errs.lines[0] : "");
    int line;
    FUZZ_ASSERT(ingress_decode_at(objs.docs[0], "default", &tv, &e, &line) == 0,
                "direct took what ingress_decode refuses: %s", e.msg);
    FUZZ_ASSERT(ingress_view_own(&tv, direct_keep) == 0, "own");
    FUZZ_ASSERT(direct_same_view(&fv, &tv), "direct and tree views differ");
    ingress_view_free(&fv);
    ingress_view_free(&tv);
    doc_list_free(&objs);
    mp_errlist_free(&errs);
}

/* ---- the reader decoding a List's items ahead (doc_take's peek) ---- */

typedef struct {
    size_t taken, peeked, out;
} ahead_count;

static int ahead_fn(const char *at, size_t avail, doc_span *span, void *ud)
{
    ing_view v;
    int rc = ingress_json_decode(at, avail, "default", direct_keep, &v, span);
    FUZZ_ASSERT(rc >= 0, "direct: out of memory");
    if (rc == 1) {
        ingress_view_free(&v);
        ((ahead_count *)ud)->taken++;
    }
    return rc;
}

static int ahead_peek(const char *at, size_t avail, doc_span *span, void *item, void *ud)
{
    int rc = ingress_json_decode(at, avail, "default", direct_keep, item, span);
    FUZZ_ASSERT(rc >= 0, "direct: out of memory");
    ((ahead_count *)ud)->peeked += rc == 1;
    return rc;
}

static int ahead_commit(void *item, void *ud)
{
    ingress_view_free(item);
    ((ahead_count *)ud)->out++;
    ((ahead_count *)ud)->taken++;
    return 1;
}

static void ahead_drop(void *item, void *ud)
{
    ingress_view_free(item);
    ((ahead_count *)ud)->out++;
}

/* What the reader hands out of buf, taking what the decoder takes: each
 * object's document, item, line and name, then the status and error. */
static void ahead_log(const char *buf, size_t len, bool ahead, char *log, size_t n, ahead_count *c)
{
    mp_err err;
    *c = (ahead_count){0, 0, 0};
    doc_take take = {ahead_fn, c, NULL, NULL, NULL, 0};
    if (ahead)
        take = (doc_take){ahead_fn, c, ahead_peek, ahead_commit, ahead_drop, sizeof(ing_view)};
    size_t o = 0, doc, item;
    log[0] = '\0';
    doc_reader *r = doc_reader_new(buf, len, "in", &err);
    FUZZ_ASSERT(r, "reader: %s", err.msg);
    doc_node *d;
    int rc;
    while ((rc = doc_reader_next_take(r, kobj_is_list, &take, &d, &doc, &item, &err)) > 0) {
        const char *name = kobj_name(d);
        if (o < n)
            o += (size_t)snprintf(log + o, n - o, "%zu.%zu %d %.40s\n", doc, item, d->line,
                                  name ? name : "-");
        doc_free(d);
    }
    if (o < n)
        snprintf(log + o, n - o, "rc %d %s", rc, rc < 0 ? err.msg : "");
    doc_reader_free(r);
}

/* Decoding ahead changes nothing the reader hands out, says or takes;
 * each item decoded ahead is committed or dropped once. */
static void same_ahead_as_fn(const char *buf, size_t len)
{
    static char a[16384], b[16384];
    ahead_count ca, cb;
    ahead_log(buf, len, false, a, sizeof a, &ca);
    ahead_log(buf, len, true, b, sizeof b, &cb);
    FUZZ_ASSERT(!strcmp(a, b), "decoded ahead:\n%s\n--\nread:\n%s", b, a);
    FUZZ_ASSERT(ca.taken == cb.taken, "%zu taken ahead, %zu not", cb.taken, ca.taken);
    FUZZ_ASSERT(cb.peeked == cb.out, "%zu decoded ahead, %zu given back", cb.peeked, cb.out);
}

/* At the start and after each '[' or ',' (where an item may start),
 * at most 64 places. */
static void same_direct_as_tree(const char *buf, size_t len)
{
    direct_at(buf, len);
    int tries = 0;
    for (size_t i = 0; i < len && tries < 64; i++) {
        if (buf[i] != '[' && buf[i] != ',')
            continue;
        size_t j = i + 1;
        while (j < len && (buf[j] == ' ' || buf[j] == '\n' || buf[j] == '\t' || buf[j] == '\r'))
            j++;
        if (j < len && buf[j] == '{') {
            direct_at(buf + j, len - j);
            tries++;
        }
    }
}

#endif
