/*
 * convert_summary.c - how many Ingresses a run read, converted and skipped,
 * and why; the closing line the CLI prints (docs/cli.md).
 *
 * "Converted" is judged on the output, not on the passes: an Ingress is
 * converted when a generated VirtualService names it in meshpanel.io/source,
 * whatever construction produced that VirtualService. Every other Ingress
 * is skipped, under the code of the finding that explains it.
 */
#include <stdlib.h>
#include <string.h>

#include "model/convert_int.h"
#include "model/kobj.h"
#include "model/strbuf.h"

/* Short reasons for the summary line; the full text is the finding. */
static const struct {
    const char *code, *why;
} skip_why[] = {
    {MPW_CLASS_PAUSED, "class pause/disable"},
    {MPW_CLASS_OTHER, "class of another controller"},
    {MPW_INVALID_OBJECT, "invalid"},
    {MPW_ANN_UNSUPPORTED, "annotation not converted"},
    {MPW_BACKEND_NOSVC, "resource backend"},
    {MPW_REGEX_INVALID, "path not RE2"},
    {MPW_CANARY_ORPHAN, "canary without a main route"},
    {MPW_HOST_MISSING, "rule without host"},
    {MPW_DEFAULT_BACKEND, "only a defaultBackend"},
    {MPW_HOST_NO_ROUTE, "no path left"},
};

static const char *why_of(const char *code)
{
    for (size_t i = 0; i < sizeof skip_why / sizeof *skip_why; i++)
        if (!strcmp(skip_why[i].code, code))
            return skip_why[i].why;
    return *code ? "see its findings" : "no route generated";
}

static size_t find_skip(const convert_plan *p, const char *code)
{
    size_t i = 0;
    while (i < p->nskips && strcmp(p->skips[i].code, code))
        i++;
    return i;
}

void conv_note_skip(convert_plan *p, const char *code)
{
    if (!code)
        code = "";
    p->skipped++;
    size_t i = find_skip(p, code);
    if (i == p->nskips && p->nskips == CONV_MAX_SKIP - 1 && *code)
        i = find_skip(p, code = ""); /* the last slot is kept for "" */
    if (i == p->nskips)
        p->skips[p->nskips++] = (convert_skip){code, 0};
    p->skips[i].n++;
}

int conv_note_vs_sources(const doc_node *o, hmap *seen)
{
    const char *kind = kobj_kind(o);
    const char *src = kobj_annotation(o, CONVERT_SOURCE_ANNOTATION);
    if (!kind || strcmp(kind, "VirtualService") || !src)
        return 0;
    return conv_note_sources(src, seen);
}

int conv_note_sources(const char *src, hmap *seen)
{
    char one[400];
    for (const char *s = src; *s;) {
        size_t n = strcspn(s, ",");
        if (n < sizeof one) {
            memcpy(one, s, n);
            one[n] = '\0';
            if (hmap_put(seen, one, 1) < 0)
                return -1;
        }
        s += n + (s[n] == ',');
    }
    return 0;
}

/* Every "ingress/ns/name" the output's VirtualServices name. */
static int collect_sources(const convert_plan *p, hmap *seen)
{
    for (size_t i = 0; i < p->n; i++)
        if (conv_note_vs_sources(p->objs[i], seen) < 0)
            return -1;
    return 0;
}

/* The first error finding of each object: object -> warning index. */
static int first_errors(const mp_warnings *w, hmap *first)
{
    for (size_t i = 0; i < w->len; i++)
        if (w->items[i].sev == MP_SEV_ERROR && hmap_get(first, w->items[i].object) < 0 &&
            hmap_put(first, w->items[i].object, i) < 0)
            return -1;
    return 0;
}

int conv_count_outcomes(conv *c)
{
    hmap seen = {0}, first = {0};
    if (c->plan->text) { /* gathered as each VirtualService was encoded */
        seen = c->plan->vs_src;
        memset(&c->plan->vs_src, 0, sizeof c->plan->vs_src);
    }
    int rc = (!c->plan->text && collect_sources(c->plan, &seen) < 0) ||
                     first_errors(&c->plan->w, &first) < 0
                 ? -1
                 : 0;
    for (size_t i = 0; rc == 0 && i < c->ning; i++) {
        const ing_entry *e = &c->ing[i];
        if (!e->routed)
            continue; /* counted by the class filter */
        if (hmap_get(&seen, e->src) >= 0) {
            c->plan->converted++;
            continue;
        }
        long w = hmap_get(&first, e->ref);
        conv_note_skip(c->plan, w < 0 ? "" : c->plan->w.items[w].code);
    }
    hmap_free(&seen);
    hmap_free(&first);
    return rc;
}

/* ---- accessors and the line ------------------------------------------------ */

size_t convert_plan_read(const convert_plan *p)
{
    return p ? p->read : 0;
}

size_t convert_plan_nskip(const convert_plan *p)
{
    return p ? p->nskips : 0;
}

const convert_skip *convert_plan_skip(const convert_plan *p, size_t i)
{
    return p && i < p->nskips ? &p->skips[i] : NULL;
}

size_t convert_plan_count(const convert_plan *p, mp_severity s)
{
    size_t n = 0;
    for (size_t i = 0; p && i < p->w.len; i++)
        n += p->w.items[i].sev == s;
    return n;
}

char *convert_plan_summary(const convert_plan *p)
{
    strbuf sb;
    strbuf_init(&sb);
    size_t read = convert_plan_read(p);
    strbuf_printf(&sb, "%zu %s read, %zu converted, %zu skipped", read,
                  read == 1 ? "Ingress" : "Ingresses", convert_plan_converted(p),
                  convert_plan_skipped(p));
    for (size_t i = 0; i < convert_plan_nskip(p); i++) {
        const convert_skip *k = convert_plan_skip(p, i);
        strbuf_printf(&sb, "%s%zu %s%s%s", i ? ", " : " (", k->n, k->code, *k->code ? " " : "",
                      why_of(k->code));
    }
    if (convert_plan_nskip(p))
        strbuf_putc(&sb, ')');
    size_t e = convert_plan_count(p, MP_SEV_ERROR), w = convert_plan_count(p, MP_SEV_WARNING);
    strbuf_printf(&sb, "; findings: %zu error%s, %zu warning%s, %zu info", e, e == 1 ? "" : "s", w,
                  w == 1 ? "" : "s", convert_plan_count(p, MP_SEV_INFO));
    if (sb.oom) {
        strbuf_free(&sb);
        return NULL;
    }
    return strbuf_detach(&sb, NULL);
}
