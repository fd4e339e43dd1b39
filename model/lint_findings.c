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

struct lint_findings {
    lint_finding *v;
    size_t n, cap;
};

lint_findings *lint_findings_new(void)
{
    return calloc(1, sizeof(lint_findings));
}

/* A finding's strings live in one block that starts with ns. */
static void finding_free(lint_finding *x)
{
    free(x->ns);
}

void lint_findings_free(lint_findings *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++)
        finding_free(&f->v[i]);
    free(f->v);
    free(f);
}

/* Copies s (NULL stays NULL) to *w and advances it. */
static char *put(char **w, const char *s)
{
    if (!s)
        return NULL;
    size_t l = strlen(s) + 1;
    char *d = memcpy(*w, s, l);
    *w += l;
    return d;
}

static size_t len0(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

/* Copies x's strings in, into one block: findings come by the ten
 * thousand, so one allocation each rather than nine. */
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
    const char *ns = x->ns ? x->ns : "", *kind = x->kind ? x->kind : "";
    const char *name = x->name ? x->name : "", *field = x->field ? x->field : "";
    const char *msg = x->message ? x->message : "", *hint = x->hint ? x->hint : "";
    const char *rns = x->rel_kind ? (x->rel_ns ? x->rel_ns : "") : NULL;
    const char *rname = x->rel_kind ? (x->rel_name ? x->rel_name : "") : NULL;
    size_t total = len0(ns) + len0(kind) + len0(name) + len0(field) + len0(msg) + len0(hint) +
                   len0(x->rel_kind) + len0(rns) + len0(rname);
    char *w = malloc(total);
    if (!w)
        return -1;
    lint_finding y = {.code = x->code, .sev = x->sev, .origin = x->origin};
    y.ns = put(&w, ns);
    y.kind = put(&w, kind);
    y.name = put(&w, name);
    y.field = put(&w, field);
    y.message = put(&w, msg);
    y.hint = put(&w, hint);
    y.rel_kind = put(&w, x->rel_kind);
    y.rel_ns = put(&w, rns);
    y.rel_name = put(&w, rname);
    f->v[f->n++] = y;
    return 0;
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
