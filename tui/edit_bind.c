/*
 * edit_bind.c - how a form field reads and writes the working tree: one
 * table of binding kinds (see edit_form.h), and the list operations
 * (add, remove, move) on the item a row belongs to.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/docpath.h"
#include "model/kobj.h"
#include "tui/edit_form.h"
#include "tui/edit_int.h"

/* ---- [*]: a CORS field of every route ---------------------------------------- */

/* Calls fn for path with "[*]" replaced by each route index (or once when
 * there is none). Returns the OR of the results. */
static int each_route(doc_node *work, const char *path, int (*fn)(doc_node *, const char *, void *),
                      void *ud)
{
    const char *star = strstr(path, "[*]");
    if (!star)
        return fn(work, path, ud);
    const doc_node *http = docpath_get(work, "spec.http");
    int r = 0;
    for (size_t i = 0; doc_is_seq(http) && i < http->len; i++) {
        char p[300];
        snprintf(p, sizeof p, "%.*s[%zu]%s", (int)(star - path), path, i, star + 3);
        r |= fn(work, p, ud);
    }
    return r;
}

/* The path with "[*]" read as the first route. */
const char *ef_read_path(const char *path, char *buf, size_t n)
{
    const char *star = strstr(path, "[*]");
    if (!star)
        return path;
    snprintf(buf, n, "%.*s[0]%s", (int)(star - path), path, star + 3);
    return buf;
}

/* ---- values ------------------------------------------------------------------ */

static bool same_scalar(const doc_node *n, const char *text, doc_type type)
{
    return doc_is_scalar(n) && n->type == type && !strcmp(doc_str(n), text);
}

static int put_str(doc_node *work, const char *path, void *ud)
{
    const char *text = ud;
    if (same_scalar(docpath_get(work, path), text, DOC_STR))
        return 0;
    return docpath_set_str(work, path, text) == 0;
}

static int put_str_or_del(doc_node *work, const char *path, void *ud)
{
    const char *text = ud;
    if (!*text)
        return docpath_del(work, path, true) > 0;
    return put_str(work, path, ud);
}

static bool all_digits(const char *s)
{
    if (!*s || strlen(s) > 9)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

static int put_int(doc_node *work, const char *path, void *ud)
{
    const char *text = ud;
    if (!*text)
        return docpath_del(work, path, true) > 0;
    if (!all_digits(text))
        return put_str(work, path, ud); /* kept as typed; the checks flag it */
    if (same_scalar(docpath_get(work, path), text, DOC_INT))
        return 0;
    return docpath_set(work, path, doc_int_new(atoll(text))) == 0;
}

static int put_csv(doc_node *work, const char *path, void *ud)
{
    const char *text = ud;
    doc_node *seq = doc_seq_new();
    for (const char *p = text; seq && *p;) {
        size_t n = strcspn(p, ",");
        const char *s = p, *e = p + n;
        while (s < e && isspace((unsigned char)*s))
            s++;
        while (e > s && isspace((unsigned char)e[-1]))
            e--;
        if (e > s)
            doc_seq_push(seq, doc_strn_new(s, (size_t)(e - s)));
        p += n + (p[n] == ',');
    }
    if (!seq)
        return 0;
    if (!seq->len) {
        doc_free(seq);
        return docpath_del(work, path, true) > 0;
    }
    if (doc_equal(docpath_get(work, path), seq, true)) {
        doc_free(seq);
        return 0;
    }
    return docpath_set(work, path, seq) == 0;
}

/* The single key of the one-key map at path ("" when none). */
static const char *one_key(const doc_node *work, const char *path)
{
    const doc_node *m = docpath_get(work, path);
    return doc_is_map(m) && m->len ? m->keys[0] : "";
}

static int put_keyval(doc_node *work, const char *path, void *ud)
{
    const char *key = one_key(work, path);
    char p[400];
    docpath_key(p, sizeof p, path, *key ? key : "exact");
    return put_str(work, p, ud);
}

void ef_get(const binding *b, const doc_node *work, char *buf, size_t n)
{
    char rp[300];
    const char *path = ef_read_path(b->path, rp, sizeof rp);
    const doc_node *v = docpath_get(work, path);
    buf[0] = 0;
    switch (b->kind) {
    case B_KEYNAME:
        snprintf(buf, n, "%s", one_key(work, path));
        return;
    case B_KEYVAL: {
        const doc_node *m = docpath_get(work, path);
        v = doc_is_map(m) && m->len ? m->items[0] : NULL;
        break;
    }
    case B_BOOL: {
        bool on = false;
        doc_as_bool(v, &on);
        snprintf(buf, n, "%d", on);
        return;
    }
    case B_MEMBER:
        for (size_t i = 0; doc_is_seq(v) && i < v->len; i++)
            if (!strcmp(doc_str(v->items[i]) ? doc_str(v->items[i]) : "", b->arg)) {
                snprintf(buf, n, "1");
                return;
            }
        snprintf(buf, n, "0");
        return;
    case B_CSV: {
        size_t len = 0;
        for (size_t i = 0; doc_is_seq(v) && i < v->len && len < n; i++)
            len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? ", " : "",
                                    doc_str(v->items[i]) ? doc_str(v->items[i]) : "");
        return;
    }
    case B_TLS_MODE: {
        char p[400];
        const char *m = docpath_str(work, docpath_join(p, sizeof p, path, "tls.mode"));
        snprintf(buf, n, "%s", m ? m : "none");
        return;
    }
    case B_ENUM:
        snprintf(buf, n, "%s", v && doc_str(v) ? doc_str(v) : "(default)");
        return;
    case B_SELECT:
    case B_ACTION:
        return;
    default:
        break;
    }
    if (doc_is_scalar(v) && v->type != DOC_NULL)
        snprintf(buf, n, "%s", doc_str(v));
}

int ef_set(const binding *b, doc_node *work, const char *text)
{
    switch (b->kind) {
    case B_STR:
    case B_DEST_HOST:
        return each_route(work, b->path, put_str_or_del, (void *)text);
    case B_STR_KEEP:
        return each_route(work, b->path, put_str, (void *)text);
    case B_INT:
    case B_DEST_PORT:
        return each_route(work, b->path, put_int, (void *)text);
    case B_CSV:
        return each_route(work, b->path, put_csv, (void *)text);
    case B_KEYVAL:
        return each_route(work, b->path, put_keyval, (void *)text);
    default:
        return 0;
    }
}

/* ---- cycling ------------------------------------------------------------------ */

static long choice_index(const binding *b, const char *cur)
{
    for (size_t i = 0; i < b->nchoices; i++)
        if (!strcmp(b->choices[i], cur))
            return (long)i;
    return -1;
}

static const char *next_choice(const binding *b, const char *cur, int dir)
{
    if (!b->nchoices)
        return NULL;
    long i = choice_index(b, cur);
    long n = (long)b->nchoices;
    i = i < 0 ? (dir > 0 ? 0 : n - 1) : ((i + dir) % n + n) % n;
    return b->choices[i];
}

static int toggle_bool(doc_node *work, const char *path, void *ud)
{
    bool on = false;
    doc_as_bool(docpath_get(work, path), &on);
    (void)ud;
    return docpath_set(work, path, doc_bool_new(!on)) == 0;
}

static int rename_key(doc_node *work, const char *path, void *ud)
{
    const char *to = ud;
    doc_node *m = docpath_get(work, path);
    if (!doc_is_map(m) || !m->len)
        return docpath_set_str(work, docpath_key((char[400]){0}, 400, path, to), "") == 0;
    if (!strcmp(m->keys[0], to))
        return 0;
    char *k = strdup(to);
    if (!k)
        return 0;
    doc_key_free(m->keys[0]);
    m->keys[0] = k;
    return 1;
}

typedef struct {
    const binding *b;
} member_ud;

static int toggle_member(doc_node *work, const char *path, void *ud)
{
    const binding *b = ((member_ud *)ud)->b;
    doc_node *seq = docpath_get(work, path);
    for (size_t i = 0; doc_is_seq(seq) && i < seq->len; i++)
        if (doc_str(seq->items[i]) && !strcmp(doc_str(seq->items[i]), b->arg)) {
            char p[400];
            return docpath_del(work, docpath_index(p, sizeof p, path, i), true) > 0;
        }
    /* keep the canonical order of the valid set */
    size_t at = 0;
    long want = choice_index(b, b->arg);
    while (doc_is_seq(seq) && at < seq->len) {
        long have = choice_index(b, doc_str(seq->items[at]) ? doc_str(seq->items[at]) : "");
        if (have > want || have < 0)
            break;
        at++;
    }
    return docpath_insert(work, path, at, doc_str_new(b->arg)) == 0;
}

static int set_tls_mode(doc_node *work, const char *server, const char *mode)
{
    char p[400];
    const char *proto = docpath_str(work, docpath_join(p, sizeof p, server, "port.protocol"));
    if (!strcmp(mode, "none")) {
        docpath_del(work, docpath_join(p, sizeof p, server, "tls.mode"), true);
        docpath_del(work, docpath_join(p, sizeof p, server, "tls.credentialName"), true);
        docpath_del(work, docpath_join(p, sizeof p, server, "tls.minProtocolVersion"), true);
        if (proto && (!strcmp(proto, "HTTPS") || !strcmp(proto, "TLS")))
            docpath_set_str(work, docpath_join(p, sizeof p, server, "port.protocol"), "HTTP");
        return 1;
    }
    docpath_set_str(work, docpath_join(p, sizeof p, server, "tls.mode"), mode);
    if (!proto || !strcmp(proto, "HTTP"))
        docpath_set_str(work, docpath_join(p, sizeof p, server, "port.protocol"), "HTTPS");
    return 1;
}

/* A new destination Service keeps its port only when the Service has it. */
static void follow_port(const binding *b, doc_node *work, const ef_context *ctx)
{
    char pp[300];
    size_t l = strlen(b->path);
    if (l < 4 || strcmp(b->path + l - 4, "host") != 0)
        return;
    snprintf(pp, sizeof pp, "%.*sport.number", (int)(l - 4), b->path);
    const store_obj *svc = ef_service_of(ctx, kobj_namespace(work), docpath_str(work, b->path));
    const doc_node *ports = svc ? docpath_get(svc->doc, "spec.ports") : NULL;
    const char *cur = docpath_str(work, pp);
    for (size_t i = 0; doc_is_seq(ports) && i < ports->len; i++)
        if (cur && docpath_str(ports->items[i], "port") &&
            !strcmp(docpath_str(ports->items[i], "port"), cur))
            return;
    const char *first =
        doc_is_seq(ports) && ports->len ? docpath_str(ports->items[0], "port") : NULL;
    if (first)
        put_int(work, pp, (void *)first);
}

int ef_cycle(const binding *b, doc_node *work, int dir, const ef_context *ctx)
{
    char cur[FORM_VALUE_MAX];
    ef_get(b, work, cur, sizeof cur);
    const char *next;
    switch (b->kind) {
    case B_BOOL:
        return each_route(work, b->path, toggle_bool, NULL);
    case B_MEMBER: {
        member_ud m = {b};
        return each_route(work, b->path, toggle_member, &m);
    }
    case B_KEYNAME:
        next = next_choice(b, cur, dir);
        return next ? each_route(work, b->path, rename_key, (void *)next) : 0;
    case B_ENUM:
        next = next_choice(b, cur, dir);
        if (!next)
            return 0;
        return each_route(work, b->path, put_str_or_del,
                          (void *)(!strcmp(next, "(default)") ? "" : next));
    case B_TLS_MODE:
        next = next_choice(b, cur, dir);
        return next ? set_tls_mode(work, b->path, next) : 0;
    case B_DEST_HOST:
        next = next_choice(b, cur, dir);
        if (!next || ef_set(b, work, next) <= 0)
            return 0;
        follow_port(b, work, ctx);
        return 1;
    case B_DEST_PORT:
        next = next_choice(b, cur, dir);
        return next ? ef_set(b, work, next) : 0;
    default:
        return 0;
    }
}

/* ---- list operations ------------------------------------------------------------ */

/* The last key of a list path: "hosts", "allowOrigins", "http", ... */
static const char *list_name(const char *list)
{
    const char *dot = strrchr(list, '.');
    return dot ? dot + 1 : list;
}

static doc_node *new_destination(const doc_node *work, const ef_context *ctx)
{
    char host[300] = "";
    long port = 0;
    ef_first_service(ctx, kobj_namespace(work), host, sizeof host, &port);
    doc_node *d = doc_map_new();
    if (!d)
        return NULL;
    docpath_set_str(d, "destination.host", host);
    if (port > 0)
        docpath_set(d, "destination.port.number", doc_int_new(port));
    return d;
}

static doc_node *new_route(const doc_node *work, const ef_context *ctx, size_t n)
{
    doc_node *r = doc_map_new();
    char name[64];
    snprintf(name, sizeof name, "route-%zu", n + 1);
    if (!r || docpath_set_str(r, "name", name) < 0 ||
        docpath_set_str(r, "match[0].uri.prefix", "/") < 0 ||
        docpath_set(r, "route[0]", new_destination(work, ctx)) < 0) {
        doc_free(r);
        return NULL;
    }
    return r;
}

static doc_node *new_server(size_t n)
{
    doc_node *s = doc_map_new();
    char name[32];
    snprintf(name, sizeof name, "http-%zu", n + 1);
    if (!s || docpath_set(s, "port.number", doc_int_new(80)) < 0 ||
        docpath_set_str(s, "port.protocol", "HTTP") < 0 ||
        docpath_set_str(s, "port.name", name) < 0 || docpath_set_str(s, "hosts[0]", "") < 0) {
        doc_free(s);
        return NULL;
    }
    return s;
}

/* A map holding one string at path (base NULL: a new map). */
static doc_node *one_field(doc_node *base, const char *path, const char *value)
{
    doc_node *m = base ? base : doc_map_new();
    if (m && docpath_set_str(m, path, value) < 0) {
        doc_free(m);
        return NULL;
    }
    return m;
}

/* A new item for the list: what an operator fills in first. */
static doc_node *new_item(const char *list, doc_node *work, size_t len, const ef_context *ctx)
{
    const char *name = list_name(list);
    if (!strcmp(name, "allowOrigins"))
        return one_field(NULL, "exact", "");
    if (!strcmp(name, "http"))
        return new_route(work, ctx, len);
    if (!strcmp(name, "match"))
        return one_field(NULL, "uri.prefix", "/");
    if (!strcmp(name, "route"))
        return new_destination(work, ctx);
    if (!strcmp(name, "servers"))
        return new_server(len);
    return doc_str_new("");
}

/* A second destination makes a split: the weights must total 100, so the
 * old one keeps 100 and the new one starts at 0. */
static void split_weights(doc_node *work, const char *list)
{
    if (strcmp(list_name(list), "route") != 0)
        return;
    doc_node *seq = docpath_get(work, list);
    for (size_t i = 0; doc_is_seq(seq) && seq->len > 1 && i < seq->len; i++)
        if (doc_is_map(seq->items[i]) && !doc_get(seq->items[i], "weight"))
            doc_map_set(seq->items[i], "weight", doc_int_new(i == 0 ? 100 : 0));
}

typedef struct {
    const binding *b;
    list_op op;
    const ef_context *ctx;
    long focus; /* of the first route under "[*]": the one the form shows */
} list_ud;

static void set_focus(list_ud *l, long at)
{
    if (l->focus < 0)
        l->focus = at;
}

static int list_one(doc_node *work, const char *list, void *ud)
{
    list_ud *l = ud;
    doc_node *seq = docpath_get(work, list);
    size_t len = doc_is_seq(seq) ? seq->len : 0;
    long i = l->b->index;
    char p[400];
    switch (l->op) {
    case LIST_ADD: {
        size_t at = i < 0 || (size_t)i >= len ? len : (size_t)i + 1;
        if (docpath_insert(work, list, at, new_item(list, work, len, l->ctx)) < 0)
            return 0;
        split_weights(work, list);
        set_focus(l, (long)at);
        return 1;
    }
    case LIST_REMOVE:
        if (i < 0 || (size_t)i >= len)
            return 0;
        docpath_del(work, docpath_index(p, sizeof p, list, (size_t)i), true);
        set_focus(l, i > 0 ? i - 1 : 0);
        return 1;
    case LIST_UP:
    case LIST_DOWN: {
        long to = i + (l->op == LIST_UP ? -1 : 1);
        if (i < 0 || to < 0 || (size_t)to >= len || docpath_move(work, list, (size_t)i, (size_t)to))
            return 0;
        set_focus(l, to);
        return 1;
    }
    }
    return 0;
}

long ef_list_op(const binding *b, doc_node *work, list_op op, const ef_context *ctx)
{
    if (!b->list[0] || (b->index < 0 && op != LIST_ADD))
        return -1;
    list_ud l = {b, op, ctx, -1};
    return each_route(work, b->list, list_one, &l) ? l.focus : -1;
}
