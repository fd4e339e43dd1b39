/*
 * lint_findings.c - the findings list: adding, order, lookups by
 * namespace and object, and the two output shapes (a text line, a map).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/lint_int.h"
#include "model/sanitize.h"
#include "model/sort.h"
#include "model/strbuf.h"

/* The findings' strings, each held once: a run repeats a handful of
 * messages, fields and hints over thousands of objects (MP102 on every
 * Ingress with the same annotation) and an object's names over its
 * findings. Open addressing, FNV-1a; the strings are the pool's. */
typedef struct {
    char **slot;
    size_t cap, len; /* cap 0 or a power of two */
} strpool;

struct lint_findings {
    lint_finding *v;
    size_t n, cap;
    strpool pool;
};

lint_findings *lint_findings_new(void)
{
    return calloc(1, sizeof(lint_findings));
}

void lint_findings_free(lint_findings *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->pool.cap; i++)
        free(f->pool.slot[i]);
    free(f->pool.slot);
    free(f->v);
    free(f);
}

static size_t pool_at(char *const *slot, size_t cap, const char *s)
{
    size_t i = hmap_fnv1a32(s) & (cap - 1);
    while (slot[i] && strcmp(slot[i], s) != 0)
        i = (i + 1) & (cap - 1);
    return i;
}

static int pool_grow(strpool *p)
{
    size_t cap = p->cap ? p->cap * 2 : 256;
    char **slot = calloc(cap, sizeof *slot);
    if (!slot)
        return -1;
    for (size_t i = 0; i < p->cap; i++)
        if (p->slot[i])
            slot[pool_at(slot, cap, p->slot[i])] = p->slot[i];
    free(p->slot);
    p->slot = slot;
    p->cap = cap;
    return 0;
}

/* The pool's copy of s (NULL stays NULL); *oom set when out of memory. */
static char *intern(strpool *p, const char *s, bool *oom)
{
    if (!s || *oom)
        return NULL;
    if (2 * (p->len + 1) > p->cap && pool_grow(p) < 0) {
        *oom = true;
        return NULL;
    }
    size_t i = pool_at(p->slot, p->cap, s);
    if (!p->slot[i]) {
        if (!(p->slot[i] = strdup(s))) {
            *oom = true;
            return NULL;
        }
        p->len++;
    }
    return p->slot[i];
}

/* Copies x's strings in (into the list's pool). */
int lint_findings_push(lint_findings *f, const lint_finding *x)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 64;
        lint_finding *v = realloc(f->v, cap * sizeof *v);
        if (!v)
            return -1;
        f->v = v;
        f->cap = cap;
    }
    const char *rns = x->rel_kind ? (x->rel_ns ? x->rel_ns : "") : NULL;
    const char *rname = x->rel_kind ? (x->rel_name ? x->rel_name : "") : NULL;
    bool oom = false;
    strpool *p = &f->pool;
    lint_finding y = {.code = x->code, .sev = x->sev, .origin = x->origin};
    y.ns = intern(p, x->ns ? x->ns : "", &oom);
    y.kind = intern(p, x->kind ? x->kind : "", &oom);
    y.name = intern(p, x->name ? x->name : "", &oom);
    y.field = intern(p, x->field ? x->field : "", &oom);
    y.message = intern(p, x->message ? x->message : "", &oom);
    y.hint = intern(p, x->hint ? x->hint : "", &oom);
    y.rel_kind = intern(p, x->rel_kind, &oom);
    y.rel_ns = intern(p, rns, &oom);
    y.rel_name = intern(p, rname, &oom);
    if (oom)
        return -1;
    f->v[f->n++] = y;
    return 0;
}

void lint_findings_trim(lint_findings *f)
{
    if (!f || f->n == f->cap || !f->n)
        return;
    lint_finding *v = realloc(f->v, f->n * sizeof *v);
    if (v) {
        f->v = v;
        f->cap = f->n;
    }
}

void lint_add(lint_run_state *r, const char *code, mp_severity sev, const lint_item *it,
              const char *path, const lint_item *rel, const char *hint, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    lint_finding x = {.code = code,
                      .sev = sev,
                      .origin = it->origin,
                      .ns = (char *)it->ns,
                      .kind = (char *)it->kind,
                      .name = (char *)it->name,
                      .field = (char *)(path ? path : ""),
                      .message = msg,
                      .hint = (char *)(hint ? hint : "")};
    if (rel) {
        x.rel_kind = (char *)rel->kind;
        x.rel_ns = (char *)rel->ns;
        x.rel_name = (char *)rel->name;
    }
    if (lint_findings_push(r->out, &x) < 0)
        r->oom = true;
}

/* Ingress, Gateway, VirtualService first (the console's order), then the
 * other kinds by name. */
static int kind_rank(const char *k)
{
    static const char *const order[] = {"Ingress", "Gateway", "VirtualService"};
    for (int i = 0; i < 3; i++)
        if (!strcmp(k, order[i]))
            return i;
    return 3;
}

static int cmp_finding(const void *a, const void *b)
{
    const lint_finding *x = a, *y = b;
    int d = strcmp(x->ns, y->ns);
    if (!d)
        d = kind_rank(x->kind) - kind_rank(y->kind);
    if (!d)
        d = strcmp(x->kind, y->kind);
    if (!d)
        d = strcmp(x->name, y->name);
    if (!d)
        d = strcmp(x->field, y->field);
    if (!d)
        d = strcmp(x->code, y->code);
    if (!d)
        d = strcmp(x->message, y->message);
    return d;
}

void lint_findings_sort(lint_findings *f)
{
    mp_sort(f->v, f->n, sizeof *f->v, cmp_finding);
}

void lint_findings_sort_from(lint_findings *f, size_t from)
{
    if (from < f->n)
        mp_sort(f->v + from, f->n - from, sizeof *f->v, cmp_finding);
}

bool lint_findings_sorted(const lint_findings *f)
{
    for (size_t i = 1; i < f->n; i++)
        if (cmp_finding(&f->v[i - 1], &f->v[i]) > 0)
            return false;
    return true;
}

size_t lint_findings_len(const lint_findings *f)
{
    return f ? f->n : 0;
}

const lint_finding *lint_findings_at(const lint_findings *f, size_t i)
{
    return f && i < f->n ? &f->v[i] : NULL;
}

size_t lint_findings_count(const lint_findings *f, mp_severity min)
{
    size_t c = 0;
    for (size_t i = 0; f && i < f->n; i++)
        c += f->v[i].sev >= min;
    return c;
}

/* First index whose namespace is >= ns (the list is sorted by it). */
static size_t lower_ns(const lint_findings *f, const char *ns)
{
    size_t lo = 0, hi = f->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(f->v[mid].ns, ns) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t lint_findings_ns(const lint_findings *f, const char *ns, size_t *first)
{
    ns = ns ? ns : "";
    size_t i = f ? lower_ns(f, ns) : 0, j = i;
    while (f && j < f->n && !strcmp(f->v[j].ns, ns))
        j++;
    if (first)
        *first = i;
    return j - i;
}

size_t lint_findings_count_ns(const lint_findings *f, const char *ns, mp_severity min)
{
    size_t first, n = lint_findings_ns(f, ns, &first), c = 0;
    for (size_t i = first; i < first + n; i++)
        c += f->v[i].sev >= min;
    return c;
}

size_t lint_findings_object(const lint_findings *f, const char *kind, const char *ns,
                            const char *name, size_t *first)
{
    size_t at, n = lint_findings_ns(f, ns, &at), i = at;
    while (i < at + n && !(!strcmp(f->v[i].kind, kind) && !strcmp(f->v[i].name, name)))
        i++;
    size_t j = i;
    while (j < at + n && !strcmp(f->v[j].kind, kind) && !strcmp(f->v[j].name, name))
        j++;
    if (first)
        *first = i;
    return j - i;
}

/* ---- output ---- */

static void put_clean(strbuf *sb, const char *s)
{
    char *c = san_cleans(s ? s : "", 0);
    strbuf_puts(sb, c ? c : "?");
    free(c);
}

static void put_lower(strbuf *sb, const char *s)
{
    for (; s && *s; s++)
        strbuf_putc(sb, (*s >= 'A' && *s <= 'Z') ? (char)(*s - 'A' + 'a') : *s);
}

char *lint_finding_format(const lint_finding *f)
{
    strbuf sb;
    strbuf_init(&sb);
    strbuf_printf(&sb, "%s: %s ", mp_severity_name(f->sev), f->code);
    put_lower(&sb, f->kind);
    strbuf_putc(&sb, ' ');
    if (*f->ns) {
        put_clean(&sb, f->ns);
        strbuf_putc(&sb, '/');
    }
    put_clean(&sb, f->name);
    if (f->origin != LINT_LIVE)
        strbuf_printf(&sb, " (%s)", lint_origin_name(f->origin));
    strbuf_puts(&sb, ": ");
    if (*f->field) {
        put_clean(&sb, f->field);
        strbuf_puts(&sb, ": ");
    }
    put_clean(&sb, f->message);
    if (*f->hint) {
        strbuf_puts(&sb, " (hint: ");
        put_clean(&sb, f->hint);
        strbuf_putc(&sb, ')');
    }
    if (sb.oom) {
        strbuf_free(&sb);
        return NULL;
    }
    return strbuf_detach(&sb, NULL);
}

doc_node *lint_finding_doc(const lint_finding *f)
{
    doc_node *m = doc_map_new();
    if (!m)
        return NULL;
    int rc = doc_map_set_str(m, "code", f->code) |
             doc_map_set_str(m, "severity", mp_severity_name(f->sev)) |
             doc_map_set_str(m, "origin", lint_origin_name(f->origin)) |
             doc_map_set_str(m, "namespace", f->ns) | doc_map_set_str(m, "kind", f->kind) |
             doc_map_set_str(m, "name", f->name) | doc_map_set_str(m, "field", f->field) |
             doc_map_set_str(m, "message", f->message) | doc_map_set_str(m, "hint", f->hint);
    if (!rc && f->rel_kind) {
        doc_node *r = doc_map_new();
        rc = !r || doc_map_set(m, "related", r) ||
             (doc_map_set_str(r, "kind", f->rel_kind) | doc_map_set_str(r, "namespace", f->rel_ns) |
              doc_map_set_str(r, "name", f->rel_name));
    }
    if (rc) {
        doc_free(m);
        return NULL;
    }
    return m;
}
