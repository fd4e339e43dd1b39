/*
 * rows.c - the column texts for one object, per kind.
 */
#include "tui/rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/kobj.h"
#include "model/sanitize.h"
#include "model/strbuf.h"

const char *ingress_class_of(const doc_node *ing)
{
    const char *c = kobj_annotation(ing, "kubernetes.io/ingress.class");
    return c ? c : doc_str(doc_getv(ing, "spec", "ingressClassName", NULL));
}

/* Appends s to a comma list unless already present. */
static void list_add(strbuf *sb, const char *s)
{
    if (!s || !*s)
        return;
    size_t n = strlen(s);
    for (const char *p = sb->buf; p && *p;) {
        const char *c = strchr(p, ',');
        size_t l = c ? (size_t)(c - p) : strlen(p);
        if (l == n && !memcmp(p, s, n))
            return;
        p += l + (c != NULL);
    }
    if (sb->len)
        strbuf_putc(sb, ',');
    strbuf_puts(sb, s);
}

static char *finish(strbuf *sb)
{
    if (!sb->len)
        strbuf_puts(sb, "-");
    char *raw = strbuf_detach(sb, NULL);
    char *clean = raw ? san_cleans(raw, 0) : NULL;
    free(raw);
    return clean;
}

static char *clean_or_dash(const char *s)
{
    return san_cleans(s && *s ? s : "-", 0);
}

static void hosts_cell(strbuf *sb, const store_obj *o)
{
    size_t n;
    const char **hs = store_obj_hosts(o, &n);
    for (size_t i = 0; i < n; i++)
        list_add(sb, hs[i]);
    free(hs);
}

static void ingress_cells(res_row *r, mp_store *st, const doc_node *d)
{
    strbuf paths, tls;
    strbuf_init(&paths);
    strbuf_init(&tls);
    const doc_node *rules = doc_getv(d, "spec", "rules", NULL);
    for (size_t i = 0; doc_is_seq(rules) && i < rules->len; i++) {
        const doc_node *ps = doc_getv(doc_at(rules, i), "http", "paths", NULL);
        for (size_t j = 0; doc_is_seq(ps) && j < ps->len; j++) {
            const char *p = doc_get_str(doc_at(ps, j), "path");
            list_add(&paths, p ? p : "/");
        }
    }
    const doc_node *t = doc_getv(d, "spec", "tls", NULL);
    for (size_t i = 0; doc_is_seq(t) && i < t->len; i++) {
        const char *s = doc_get_str(doc_at(t, i), "secretName");
        list_add(&tls, s ? s : "(no secret)");
    }
    r->cell[COL_PATHS] = finish(&paths);
    r->cell[COL_TLS] = finish(&tls);
    const char *cls = ingress_class_of(d);
    r->cell[COL_CLASS] = clean_or_dash(cls);
    const char *mig = kobj_annotation(d, "sealos.io/migrated-to-istio");
    const char *state = "active";
    if (cls && (!strcmp(cls, "pause") || !strcmp(cls, "disable")))
        state = "paused", r->dim = true;
    else if (mig && !strcmp(mig, "true"))
        state = "migrated", r->dim = true;
    else if (store_obj_conflicts(st, r->obj))
        state = "conflict", r->problem = true;
    r->cell[COL_STATE] = san_cleans(state, 0);
}

static void gateway_cells(res_row *r, const doc_node *d)
{
    strbuf ports, tls, sel;
    strbuf_init(&ports);
    strbuf_init(&tls);
    strbuf_init(&sel);
    const doc_node *sv = doc_getv(d, "spec", "servers", NULL);
    for (size_t i = 0; doc_is_seq(sv) && i < sv->len; i++) {
        const doc_node *s = doc_at(sv, i);
        char buf[128];
        const char *num = doc_str(doc_getv(s, "port", "number", NULL));
        const char *proto = doc_str(doc_getv(s, "port", "protocol", NULL));
        snprintf(buf, sizeof buf, "%s/%s", num ? num : "?", proto ? proto : "?");
        list_add(&ports, buf);
        const char *cred = doc_str(doc_getv(s, "tls", "credentialName", NULL));
        const char *redirect = doc_str(doc_getv(s, "tls", "httpsRedirect", NULL));
        if (cred)
            list_add(&tls, cred);
        else if (redirect && !strcmp(redirect, "true"))
            list_add(&tls, "redirect");
    }
    const doc_node *selector = doc_getv(d, "spec", "selector", NULL);
    for (size_t i = 0; doc_is_map(selector) && i < selector->len; i++) {
        char buf[256];
        const char *v = doc_str(selector->items[i]);
        snprintf(buf, sizeof buf, "%s=%s", selector->keys[i], v ? v : "");
        list_add(&sel, buf);
    }
    r->cell[COL_PATHS] = finish(&ports);
    r->cell[COL_TLS] = finish(&tls);
    r->cell[COL_CLASS] = finish(&sel);
    r->cell[COL_STATE] = san_cleans("ok", 0);
}

static void uri_match(strbuf *sb, const doc_node *uri)
{
    static const char *const kinds[][2] = {{"exact", "="}, {"prefix", ""}, {"regex", "~"}};
    for (size_t k = 0; k < 3; k++) {
        const char *v = doc_get_str(uri, kinds[k][0]);
        if (v) {
            char buf[512];
            snprintf(buf, sizeof buf, "%s%s", kinds[k][1], v);
            list_add(sb, buf);
        }
    }
}

static bool gateway_missing(mp_store *st, const store_obj *o, const char *g)
{
    if (!strcmp(g, "mesh"))
        return false;
    const char *slash = strchr(g, '/');
    if (!slash)
        return !store_get(st, "Gateway", o->ns, g);
    char ns[256];
    size_t l = (size_t)(slash - g);
    if (l >= sizeof ns)
        return true;
    memcpy(ns, g, l);
    ns[l] = 0;
    return !store_get(st, "Gateway", ns, slash + 1);
}

static void vs_cells(res_row *r, mp_store *st, const doc_node *d)
{
    strbuf paths, gws;
    strbuf_init(&paths);
    strbuf_init(&gws);
    const doc_node *http = doc_getv(d, "spec", "http", NULL);
    for (size_t i = 0; doc_is_seq(http) && i < http->len; i++) {
        const doc_node *m = doc_get(doc_at(http, i), "match");
        if (!doc_is_seq(m) || !m->len)
            list_add(&paths, "*");
        for (size_t j = 0; doc_is_seq(m) && j < m->len; j++) {
            const doc_node *uri = doc_get(doc_at(m, j), "uri");
            if (doc_is_map(uri))
                uri_match(&paths, uri);
            else
                list_add(&paths, "*");
        }
    }
    bool missing = false;
    const doc_node *g = doc_getv(d, "spec", "gateways", NULL);
    for (size_t i = 0; doc_is_seq(g) && i < g->len; i++) {
        const char *s = doc_str(doc_at(g, i));
        list_add(&gws, s);
        missing |= s && gateway_missing(st, r->obj, s);
    }
    r->cell[COL_PATHS] = finish(&paths);
    r->cell[COL_CLASS] = finish(&gws);
    r->cell[COL_TLS] = san_cleans("-", 0);
    const char *state = "ok";
    if (missing)
        state = "no-gateway", r->problem = true;
    else if (store_obj_conflicts(st, r->obj))
        state = "conflict", r->problem = true;
    r->cell[COL_STATE] = san_cleans(state, 0);
}

/* The STATE text from what other objects decide (hosts routed elsewhere,
 * Gateways that exist); NULL for what the object alone decides. */
static const char *shared_state(mp_store *st, const res_row *r)
{
    const store_obj *o = r->obj;
    if (r->dim || !strcmp(o->kind, "Gateway"))
        return NULL;
    if (!strcmp(o->kind, "VirtualService")) {
        const doc_node *g = doc_getv(o->doc, "spec", "gateways", NULL);
        for (size_t i = 0; doc_is_seq(g) && i < g->len; i++) {
            const char *s = doc_str(doc_at(g, i));
            if (s && gateway_missing(st, o, s))
                return "no-gateway";
        }
        return store_obj_conflicts(st, o) ? "conflict" : "ok";
    }
    if (!strcmp(o->kind, "Ingress"))
        return store_obj_conflicts(st, o) ? "conflict" : "active";
    return NULL;
}

bool res_row_current(const res_row *r, mp_store *st)
{
    const char *s = shared_state(st, r);
    return !s || !strcmp(s, r->cell[COL_STATE]);
}

int res_row_fill(res_row *r, mp_store *st, const store_obj *obj)
{
    memset(r, 0, sizeof *r);
    r->obj = obj;
    r->cell[COL_KIND] = san_cleans(obj->kind, 0);
    r->cell[COL_NAMESPACE] = clean_or_dash(obj->ns);
    r->cell[COL_NAME] = san_cleans(obj->name, 0);
    strbuf hosts;
    strbuf_init(&hosts);
    hosts_cell(&hosts, obj);
    r->cell[COL_HOSTS] = finish(&hosts);
    r->cell[COL_AGE] = strdup("");
    r->created = parse_rfc3339(doc_str(doc_getv(obj->doc, "metadata", "creationTimestamp", NULL)));
    if (!strcmp(obj->kind, "Ingress"))
        ingress_cells(r, st, obj->doc);
    else if (!strcmp(obj->kind, "Gateway"))
        gateway_cells(r, obj->doc);
    else if (!strcmp(obj->kind, "VirtualService"))
        vs_cells(r, st, obj->doc);
    for (int c = 0; c < COL_COUNT; c++)
        if (!r->cell[c] && !(r->cell[c] = strdup("-"))) {
            res_row_free(r);
            return -1;
        }
    return 0;
}

void res_row_free(res_row *r)
{
    for (int c = 0; c < COL_COUNT; c++)
        free(r->cell[c]);
    free(r->folded);
    memset(r, 0, sizeof *r);
}

const char *format_age(time_t created, time_t now, char *buf, size_t n)
{
    if (!created) {
        snprintf(buf, n, "<unknown>");
        return buf;
    }
    long long d = (long long)(now - created);
    if (d < 0)
        d = 0;
    long long m = d / 60, h = d / 3600, days = d / 86400, y = days / 365;
    if (d < 120)
        snprintf(buf, n, "%llds", d);
    else if (m < 10)
        d % 60 ? snprintf(buf, n, "%lldm%llds", m, d % 60) : snprintf(buf, n, "%lldm", m);
    else if (h < 3)
        snprintf(buf, n, "%lldm", m);
    else if (h < 8)
        m % 60 ? snprintf(buf, n, "%lldh%lldm", h, m % 60) : snprintf(buf, n, "%lldh", h);
    else if (h < 48)
        snprintf(buf, n, "%lldh", h);
    else if (h < 24 * 8)
        h % 24 ? snprintf(buf, n, "%lldd%lldh", days, h % 24) : snprintf(buf, n, "%lldd", days);
    else if (y < 2)
        snprintf(buf, n, "%lldd", days);
    else if (y < 8)
        days % 365 ? snprintf(buf, n, "%lldy%lldd", y, days % 365) : snprintf(buf, n, "%lldy", y);
    else
        snprintf(buf, n, "%lldy", y);
    return buf;
}

time_t parse_rfc3339(const char *s)
{
    if (!s)
        return 0;
    struct tm tm = {0};
    int off_h = 0, off_m = 0;
    char sign = 0;
    const char *p = s;
    if (sscanf(p, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) != 6)
        return 0;
    p += 19;
    if (*p == '.')
        while (*++p >= '0' && *p <= '9')
            ;
    if (*p == '+' || *p == '-') {
        sign = *p;
        if (sscanf(p + 1, "%2d:%2d", &off_h, &off_m) != 2)
            return 0;
    } else if (*p != 'Z' && *p != 'z') {
        return 0;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    long off = (off_h * 60L + off_m) * 60L;
    return sign == '+' ? t - off : sign == '-' ? t + off : t;
}
