/*
 * resources.c - discovery, paginated streaming lists, reads and writes.
 */
#include "api/resources.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/http_bg.h"
#include "api/liststream.h"
#include "model/emit.h"
#include "model/json_reindent.h"
#include "model/kname.h"
#include "model/kobj.h"
#include "model/parse.h"
#include "model/strbuf.h"

#define DISC_MAX 8

typedef struct {
    const char *group; /* points into the static kind table */
    const char *version;
} disc_entry;

struct kclient {
    kube_conn *conn;
    khttp *http;
    disc_entry disc[DISC_MAX];
    size_t ndisc;
};

kclient *kclient_new(kube_conn *conn, const khttp_opts *opts, mp_err *err)
{
    kclient *c = calloc(1, sizeof *c);
    if (!c) {
        kube_conn_free(conn);
        mp_errf(err, "out of memory");
        return NULL;
    }
    c->conn = conn;
    if (!(c->http = khttp_new(conn, opts, err))) {
        kclient_free(c);
        return NULL;
    }
    return c;
}

void kclient_free(kclient *c)
{
    if (!c)
        return;
    khttp_free(c->http);
    kube_conn_free(c->conn);
    free(c);
}

const kube_conn *kclient_conn(const kclient *c)
{
    return c->conn;
}

khttp *kclient_http(kclient *c)
{
    return c->http;
}

/* ---- paths ---- */

static void put_escaped(strbuf *sb, const char *s)
{
    if (!strcmp(s, ".") || !strcmp(s, "..")) { /* never a dot segment curl would resolve */
        strbuf_puts(sb, s[1] ? "%2E%2E" : "%2E");
        return;
    }
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            ch == '-' || ch == '.' || ch == '_' || ch == '~')
            strbuf_putc(sb, (char)ch);
        else
            strbuf_printf(sb, "%%%02X", ch);
    }
}

char *kclient_path(const kkind *k, const char *version, const char *ns, const char *name)
{
    strbuf sb;
    strbuf_init(&sb);
    if (*k->group)
        strbuf_printf(&sb, "/apis/%s/%s", k->group, version);
    else
        strbuf_printf(&sb, "/api/%s", version);
    if (k->namespaced && ns) {
        strbuf_puts(&sb, "/namespaces/");
        put_escaped(&sb, ns);
    }
    strbuf_printf(&sb, "/%s", k->resource);
    if (name) {
        strbuf_putc(&sb, '/');
        put_escaped(&sb, name);
    }
    return strbuf_detach(&sb, NULL);
}

/* ---- discovery ---- */

void kclient_discovery_path(const kkind *k, char *buf, size_t n)
{
    snprintf(buf, n, "/apis/%s", k->group);
}

int kclient_group_absent(const kkind *k, mp_err *err)
{
    return mp_errf(err,
                   "the server does not serve %s (are the Istio CRDs installed?): no %s "
                   "objects can be read or written",
                   k->group, k->kind);
}

const char *kclient_cached_version(const kclient *c, const kkind *k)
{
    if (!k->discover)
        return k->versions[0];
    for (size_t i = 0; i < c->ndisc; i++)
        if (!strcmp(c->disc[i].group, k->group))
            return c->disc[i].version;
    return NULL;
}

/* The first version of k's preference list the server serves. */
static const char *pick_version(const kkind *k, const doc_node *versions)
{
    for (size_t i = 0; i < KKIND_MAX_VERSIONS && k->versions[i]; i++)
        for (size_t j = 0; doc_is_seq(versions) && j < versions->len; j++) {
            const char *v = doc_get_str(versions->items[j], "version");
            if (v && !strcmp(v, k->versions[i]))
                return k->versions[i];
        }
    return NULL;
}

int kclient_put_discovery(kclient *c, const kkind *k, const char *body, size_t len,
                          const char **version, mp_err *err)
{
    doc_list l;
    doc_list_init(&l);
    if (doc_parse_json(body ? body : "", len, "discovery", &l, err)) {
        doc_list_free(&l);
        return mp_err_prefix(err, "discover %s", k->group);
    }
    if (l.len != 1) {
        doc_list_free(&l);
        return mp_errf(err, "discover %s: the answer is not one document", k->group);
    }
    *version = pick_version(k, doc_get(l.docs[0], "versions"));
    doc_list_free(&l);
    if (!*version)
        return mp_errf(
            err, "the server serves %s but none of the versions meshpanel speaks (%s%s%s%s%s)",
            k->group, k->versions[0], k->versions[1] ? ", " : "",
            k->versions[1] ? k->versions[1] : "", k->versions[2] ? ", " : "",
            k->versions[2] ? k->versions[2] : "");
    if (!kclient_cached_version(c, k) && c->ndisc < DISC_MAX)
        c->disc[c->ndisc++] = (disc_entry){k->group, *version};
    return 0;
}

static int discover(kclient *c, const kkind *k, const char **version, mp_err *err)
{
    char path[160];
    kclient_discovery_path(k, path, sizeof path);
    kreq rq = {.method = "GET", .path = path, .verb = "discover", .resource = k->group};
    kresp r;
    if (khttp_do(c->http, &rq, &r, err)) {
        if (r.status == 404)
            kclient_group_absent(k, err);
        kresp_free(&r);
        return -1;
    }
    int rc = kclient_put_discovery(c, k, r.body, r.len, version, err);
    kresp_free(&r);
    return rc;
}

int kclient_version(kclient *c, const kkind *k, const char **version, mp_err *err)
{
    if ((*version = kclient_cached_version(c, k)))
        return 0;
    return discover(c, k, version, err);
}

/* ---- items ---- */

void kclient_item_fix_init(kitem_fix *f, const kkind *k, const char *version)
{
    str_join(f->av, sizeof f->av, k->group, *k->group ? "/" : "", version, (char *)NULL);
    f->name_rule = kname_rule_for(k->kind);
    static const char *const first[] = {"apiVersion", "kind", "metadata"};
    for (size_t i = 0; i < 3; i++) { /* found once, not per item */
        const char *key = doc_key_static(first[i], strlen(first[i]));
        f->type_keys[i] = key ? key : first[i];
    }
}

/* Does the map hold key "apiVersion" or "kind"? One walk for both. */
static bool has_type_keys(const doc_node *item)
{
    for (size_t i = 0; i < item->len; i++) {
        const char *key = item->keys[i];
        if ((key[0] == 'a' && !strcmp(key, "apiVersion")) ||
            (key[0] == 'k' && !strcmp(key, "kind")))
            return true;
    }
    return false;
}

/* apiVersion and kind set, then first with metadata after them
 * (doc_map_order's order). */
static int set_type(const kkind *k, const kitem_fix *f, doc_node *item)
{
    const char *const *first = f->type_keys, *av = f->av;
    if (!has_type_keys(item)) {
        /* a typed list's item (all of them): both put in front, where
         * doc_map_set would look each up and append it, and doc_map_order
         * move both back (a quarter of fixing an item) */
        const char *values[] = {av, k->kind};
        if (doc_map_prepend_strs(item, first, values, 2))
            return -1;
        if (item->len > 2 && strcmp(item->keys[2], "metadata") != 0)
            doc_map_order(item, first, 3);
        return 0;
    }
    /* room for both first: a just-read item's entries grow in place */
    if (doc_reserve(item, item->len + 2) || doc_map_set_str(item, "apiVersion", av) ||
        doc_map_set_str(item, "kind", k->kind))
        return -1;
    doc_map_order(item, first, 3);
    return 0;
}

static bool is_str(const doc_node *n)
{
    return n && n->kind == DOC_SCALAR && n->type == DOC_STR;
}

/* kname_check_object's checks of an item whose kind is k's (set_type made
 * it so): metadata.name by the kind's rule and metadata.namespace as a
 * label, each when it is a non-empty string; with the rule found once per
 * list, and name and namespace in one walk of metadata (the first of
 * repeated keys, as doc_get's). */
static int check_names(const kitem_fix *f, const doc_node *item, mp_err *err)
{
    const doc_node *meta = doc_get(item, "metadata"), *name = NULL, *ns = NULL;
    bool seen_name = false, seen_ns = false;
    for (size_t i = 0; doc_is_map(meta) && i < meta->len && !(seen_name && seen_ns); i++) {
        const char *key = meta->keys[i];
        if (key[0] != 'n')
            continue;
        if (!seen_name && !strcmp(key, "name")) {
            name = meta->items[i];
            seen_name = true;
        } else if (!seen_ns && !strcmp(key, "namespace")) {
            ns = meta->items[i];
            seen_ns = true;
        }
    }
    if (is_str(name) && *name->text &&
        kname_check(f->name_rule, "metadata.name", name->text, err) < 0)
        return -1;
    if (is_str(ns) && *ns->text &&
        kname_check(KNAME_LABEL, "metadata.namespace", ns->text, err) < 0)
        return -1;
    return 0;
}

int kclient_fix_item_with(const kkind *k, const kitem_fix *f, doc_node *item, mp_err *err)
{
    if (!doc_is_map(item))
        return mp_errf(err, "a %s list item is not an object", k->kind);
    /* Typed lists omit apiVersion/kind per item; metadata-only answers say
     * PartialObjectMetadata. Either way the item is of the kind asked for. */
    const char *kind = doc_get_str(item, "kind");
    if ((!kind || k->metadata_only || strcmp(kind, k->kind)) && set_type(k, f, item))
        return mp_errf(err, "out of memory");
    if (k->metadata_only) { /* belt and braces: never keep Secret payloads */
        doc_map_del(item, "data");
        doc_map_del(item, "stringData");
    }
    /* a hostile server's "../../x" must not reach paths, files or names */
    mp_err e;
    if (check_names(f, item, &e) < 0) {
        char ref[256];
        return mp_errf(err, "%s: %s", kobj_ref(item, ref, sizeof ref), e.msg);
    }
    return 0;
}

int kclient_fix_item(const kkind *k, const char *version, doc_node *item, mp_err *err)
{
    kitem_fix f;
    kclient_item_fix_init(&f, k, version);
    return kclient_fix_item_with(k, &f, item, err);
}

typedef struct {
    const kkind *k;
    const char *version;
    kitem_fn fn;
    kjson_fn jfn; /* instead of fn: kclient_list_json */
    kjson_opts jo;
    kitem_fix fix;   /* the items' apiVersion and name rule (kclient_fix_item) */
    strbuf jout;     /* jfn's item text */
    size_t declined; /* the bytes on_item_direct had when it left the coming item */
    void *ud;
    mp_err *err;
    bool failed; /* the callback or a parse stopped the stream */
    liststream *ls;
    mp_err ls_err;
    long seen, max_items; /* items of every page so far, and the cap */
    khttp_bg *bg;         /* the page being read */
    bool meta_seen;       /* its metadata (continue token) is complete */
    bool chase;           /* the next page's request is not out yet: yield per chunk */
    bool arena;           /* klist_opts.arena_items */
} list_ctx;

/* The item's one value as an arena tree: doc_parse_json's tree, error
 * and verdict (NULL unless exactly one value), read by doc_reader. */
static doc_node *arena_value(const char *json, size_t len, mp_err *err)
{
    doc_reader *r = doc_reader_new(json, len, "list item", err);
    doc_node *item = NULL, *more = NULL;
    if (r && (doc_reader_next(r, &item, err) != 1 || doc_reader_next(r, &more, err) != 0)) {
        doc_free(item);
        doc_free(more);
        item = NULL;
    }
    doc_reader_free(r);
    return item;
}

/* An item as kclient_fix_item leaves it: NULL with x->err when it cannot. */
static doc_node *item_tree(list_ctx *x, const char *json, size_t len)
{
    doc_node *item;
    if (x->arena) {
        if (!(item = arena_value(json, len, x->err)))
            return NULL;
    } else {
        doc_list l;
        doc_list_init(&l);
        if (doc_parse_json(json, len, "list item", &l, x->err) || l.len != 1) {
            doc_list_free(&l);
            return NULL;
        }
        item = doc_list_take(&l, 0);
        doc_list_free(&l);
    }
    if (kclient_fix_item_with(x->k, &x->fix, item, x->err)) {
        doc_free(item);
        return NULL;
    }
    return item;
}

bool kclient_names_ok(const kkind *k, const jr_info *in)
{
    char buf[256];
    mp_err e;
    if (in->name && in->name_len) {
        if (in->name_len >= sizeof buf)
            return false;
        memcpy(buf, in->name, in->name_len);
        buf[in->name_len] = '\0';
        if (kname_check(kname_rule_for(k->kind), "metadata.name", buf, &e) < 0)
            return false;
    }
    if (in->ns && in->ns_len) {
        if (in->ns_len >= sizeof buf)
            return false;
        memcpy(buf, in->ns, in->ns_len);
        buf[in->ns_len] = '\0';
        if (kname_check(KNAME_LABEL, "metadata.namespace", buf, &e) < 0)
            return false;
    }
    return true;
}

/* The item's -o json text into x->jout in one pass, when json_reindent
 * knows the answer (used: see there). */
static bool item_json_fast(list_ctx *x, const char *json, size_t len, size_t *used)
{
    strbuf_reset(&x->jout);
    jr_opts jo = {.indent = x->jo.indent,
                  .api_version = x->fix.av,
                  .kind = x->k->kind,
                  .drop_managed_fields = x->jo.drop_managed_fields};
    jr_info in;
    return !x->k->metadata_only && json_reindent(json, len, &jo, &x->jout, &in, used) == JR_DONE &&
           kclient_names_ok(x->k, &in);
}

/* The item's -o json text into x->jout: in one pass, else through its
 * tree (which also gives the reason when there is no text). An item the
 * direct path had in full and declined is not read twice in vain. */
static int item_json(list_ctx *x, const char *json, size_t len)
{
    bool declined = x->declined && len <= x->declined;
    x->declined = 0;
    if (!declined && item_json_fast(x, json, len, NULL))
        return 0;
    strbuf_reset(&x->jout);
    doc_node *item = item_tree(x, json, len);
    if (!item)
        return -1;
    if (x->jo.drop_managed_fields)
        doc_map_del(doc_get(item, "metadata"), "managedFields");
    int rc = doc_json_append(&x->jout, item, x->jo.indent, x->err);
    doc_free(item);
    return rc;
}

static int on_item(const char *json, size_t len, void *ud)
{
    list_ctx *x = ud;
    if (++x->seen > x->max_items) { /* one endless page as much as many */
        mp_errf(x->err, "list %s: the server answered more than %ld items: refused", x->k->resource,
                x->max_items);
        x->failed = true;
        return -1;
    }
    int rc;
    if (x->jfn) {
        rc = item_json(x, json, len);
        if (!rc)
            rc = x->jfn(x->jout.buf, x->jout.len, x->ud, x->err);
    } else {
        doc_node *item = item_tree(x, json, len);
        rc = item ? x->fn(item, x->ud, x->err) : -1;
    }
    if (rc) {
        x->failed = true;
        return -1;
    }
    return 0;
}

/* An item read where it lies in the received bytes (ls_set_direct): its
 * length, or 0 to leave it to on_item (incomplete here, or it needs the
 * tree). */
static long on_item_direct(const char *data, size_t avail, void *ud)
{
    list_ctx *x = ud;
    size_t used;
    if (!item_json_fast(x, data, avail, &used)) {
        x->declined = avail; /* cut here, or it needs the tree: on_item tells */
        return 0;
    }
    x->declined = 0;
    if (++x->seen > x->max_items) {
        mp_errf(x->err, "list %s: the server answered more than %ld items: refused", x->k->resource,
                x->max_items);
        x->failed = true;
        return -1;
    }
    if (x->jfn(x->jout.buf, x->jout.len, x->ud, x->err)) {
        x->failed = true;
        return -1;
    }
    return (long)used;
}

static size_t list_sink(const char *data, size_t n, void *ud)
{
    list_ctx *x = ud;
    if (ls_feed(x->ls, data, n, &x->ls_err)) {
        if (!x->failed) { /* a JSON problem, not the callback */
            mp_errf(x->err, "%s", x->ls_err.msg);
            x->failed = true;
        }
        return 0;
    }
    bool meta = !x->meta_seen && ls_metadata_done(x->ls); /* the next page can be asked now */
    x->meta_seen |= meta;
    if ((meta || x->chase) && x->bg)
        khttp_bg_yield(x->bg);
    return n;
}

static void append_query(strbuf *q, const char *key, const char *value)
{
    strbuf_printf(q, "%s%s=", q->len ? "&" : "", key);
    put_escaped(q, value);
}

/* Reads metadata.continue / resourceVersion of the page just listed. */
static int page_meta(liststream *ls, char **cont, char **rv, mp_err *err)
{
    size_t len;
    const char *meta = ls_metadata(ls, &len);
    *cont = NULL;
    if (!len)
        return 0;
    doc_list l;
    doc_list_init(&l);
    if (doc_parse_json(meta, len, "list metadata", &l, err)) {
        doc_list_free(&l);
        return -1;
    }
    const char *c = doc_get_str(l.docs[0], "continue");
    const char *r = doc_get_str(l.docs[0], "resourceVersion");
    if (c && *c)
        *cont = strdup(c);
    if (rv && r) {
        free(*rv);
        *rv = strdup(r);
    }
    doc_list_free(&l);
    return 0;
}

int klist_check_caps(const klist_opts *o, long items, long pages, const char *cont,
                     const char *prev, const char *what, mp_err *err)
{
    long max_items = o && o->max_items > 0 ? o->max_items : KLIST_MAX_ITEMS;
    long max_pages = o && o->max_pages > 0 ? o->max_pages : KLIST_MAX_PAGES;
    if (items > max_items)
        return mp_errf(err, "%s: the server answered more than %ld items: refused", what,
                       max_items);
    if (!cont)
        return 0;
    if (prev && !strcmp(cont, prev))
        return mp_errf(err, "%s: the server answered the same continue token twice: refused", what);
    if (pages >= max_pages)
        return mp_errf(err, "%s: the list goes on past %ld pages: refused", what, max_pages);
    return 0;
}

/* One page's request; its transfer runs in the background (http_bg.h). */
typedef struct {
    strbuf q;
    kreq rq;
    khttp_bg *bg;
    char *cont; /* the token the page was asked with (NULL: the first) */
} list_page;

static void page_free(kclient *c, list_page *p)
{
    khttp_bg_free(c->http, p->bg);
    strbuf_free(&p->q);
    free(p->cont);
    memset(p, 0, sizeof *p);
}

static int page_start(kclient *c, const kreq *base, const klist_opts *o, long limit,
                      const char *cont, list_page *p, mp_err *err)
{
    memset(p, 0, sizeof *p);
    strbuf_init(&p->q);
    strbuf_printf(&p->q, "limit=%ld", limit);
    if (o && o->selector && *o->selector)
        append_query(&p->q, "labelSelector", o->selector);
    if (cont)
        append_query(&p->q, "continue", cont);
    if (p->q.oom || (cont && !(p->cont = strdup(cont))))
        return mp_errf(err, "out of memory");
    p->rq = *base;
    p->rq.query = p->q.buf;
    p->bg = khttp_bg_start(c->http, &p->rq, err);
    return p->bg ? 0 : -1;
}

/* Asks for the next page as soon as this one's continue token is known, so
 * the server produces it while this one is parsed and printed. Anything
 * that goes wrong here is left to the page's own end (nothing is asked
 * that the caps would refuse). */
static void prefetch(kclient *c, const kreq *base, const klist_opts *o, long limit, liststream *ls,
                     const list_page *cur, long pages, list_page *next)
{
    char *tok = NULL;
    mp_err e;
    if (page_meta(ls, &tok, NULL, &e) || !tok) {
        free(tok);
        return;
    }
    if (!klist_check_caps(o, 0, pages + 1, tok, cur->cont, "list", &e) &&
        page_start(c, base, o, limit, tok, next, &e))
        page_free(c, next);
    free(tok);
}

/* Runs the claimed page cur to its end, starting the next one early. A
 * page already in the socket would be read and printed in one go of
 * libcurl's, the next request waiting behind it: until that request is out,
 * the page yields after every chunk so both transfers move. */
static int page_run(kclient *c, const kreq *base, const klist_opts *o, long limit, list_ctx *x,
                    list_page *cur, long pages, list_page *next, mp_err *err)
{
    bool tried = false;
    for (;;) {
        if (!tried && x->meta_seen) {
            tried = true;
            if (!x->failed)
                prefetch(c, base, o, limit, x->ls, cur, pages, next);
        }
        x->chase = next->bg && !khttp_bg_sent(next->bg);
        khttp_bg_resume(cur->bg);
        if (khttp_bg_step(c->http, cur->bg))
            break;
    }
    mp_err herr;
    int rc = khttp_bg_finish(c->http, cur->bg, &herr);
    if (rc && !x->failed && err) /* else err holds the item's own reason */
        *err = herr;
    return rc;
}

/* Every page of k's list into x (its callback and ud set). */
static int list_run(kclient *c, const kkind *k, const klist_opts *o, list_ctx *xp, char **rv,
                    mp_err *err)
{
    const char *version;
    if (kclient_version(c, k, &version, err))
        return -1;
    const char *ns = k->namespaced && o ? o->ns : NULL;
    long limit = o && o->limit > 0 ? o->limit : KLIST_DEFAULT_LIMIT;
    char *path = kclient_path(k, version, ns, NULL);
    char res[160], what[200];
    list_ctx x = *xp;
    x.k = k;
    x.version = version;
    x.err = err;
    x.max_items = o && o->max_items > 0 ? o->max_items : KLIST_MAX_ITEMS;
    x.arena = o && o->arena_items;
    kclient_item_fix_init(&x.fix, k, version);
    strbuf_init(&x.jout);
    x.ls = ls_new(LS_LIST_ITEMS, 0, on_item, &x);
    if (!path || !x.ls) {
        free(path);
        ls_free(x.ls);
        return mp_errf(err, "out of memory");
    }
    if (x.jfn && !k->metadata_only)
        ls_set_direct(x.ls, on_item_direct);
    if (rv)
        *rv = NULL;
    kreq base = {.method = "GET",
                 .path = path,
                 .accept = k->metadata_only ? KACCEPT_META_LIST : NULL,
                 .verb = "list",
                 .resource = kkind_group_resource(k, res, sizeof res),
                 .ns = ns,
                 .all_ns = k->namespaced && !ns,
                 .sink = list_sink,
                 .sink_ud = &x};
    snprintf(what, sizeof what, "list %s", res);
    list_page cur, next = {0};
    long items = 0, pages = 0;
    int rc = page_start(c, &base, o, limit, NULL, &cur, err);
    while (!rc) {
        ls_reset(x.ls);
        x.bg = cur.bg;
        x.meta_seen = x.chase = false;
        khttp_bg_claim(cur.bg);
        rc = page_run(c, &base, o, limit, &x, &cur, pages, &next, err);
        if (!rc && ls_finish(x.ls, err))
            rc = mp_err_prefix(err, "list %s", res);
        char *cont = NULL;
        if (!rc)
            rc = page_meta(x.ls, &cont, rv, err);
        items += (long)ls_count(x.ls);
        if (!rc)
            rc = klist_check_caps(o, items, ++pages, cont, cur.cont, what, err);
        /* 410 on a continue token: the snapshot expired mid-list; the
         * caller restarts (kubectl gives up the same way). */
        if (rc || !cont) {
            free(cont);
            break;
        }
        page_free(c, &cur);
        if (next.bg && !strcmp(next.cont, cont)) {
            cur = next;
            memset(&next, 0, sizeof next);
        } else {
            page_free(c, &next);
            rc = page_start(c, &base, o, limit, cont, &cur, err);
        }
        free(cont);
    }
    page_free(c, &cur);
    page_free(c, &next);
    free(path);
    ls_free(x.ls);
    strbuf_free(&x.jout);
    if (rc && rv) {
        free(*rv);
        *rv = NULL;
    }
    return rc ? -1 : 0;
}

int kclient_list(kclient *c, const kkind *k, const klist_opts *o, kitem_fn fn, void *ud, char **rv,
                 mp_err *err)
{
    list_ctx x = {.fn = fn, .ud = ud};
    return list_run(c, k, o, &x, rv, err);
}

int kclient_list_json(kclient *c, const kkind *k, const klist_opts *o, const kjson_opts *jo,
                      kjson_fn fn, void *ud, char **rv, mp_err *err)
{
    list_ctx x = {.jfn = fn, .jo = *jo, .ud = ud};
    return list_run(c, k, o, &x, rv, err);
}

static int parse_one(const kkind *k, const char *version, kresp *r, doc_node **out, mp_err *err)
{
    doc_list l;
    doc_list_init(&l);
    if (doc_parse_json(r->body ? r->body : "", r->len, "answer", &l, err) || l.len != 1) {
        doc_list_free(&l);
        return mp_errf(err, "the server's answer is not a JSON object");
    }
    *out = doc_list_take(&l, 0);
    doc_list_free(&l);
    if (k && kclient_fix_item(k, version, *out, err)) {
        doc_free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

int kclient_get(kclient *c, const kkind *k, const char *ns, const char *name, doc_node **out,
                mp_err *err)
{
    const char *version;
    if (kclient_version(c, k, &version, err))
        return -1;
    char *path = kclient_path(k, version, k->namespaced ? ns : NULL, name);
    if (!path)
        return mp_errf(err, "out of memory");
    char res[160];
    kreq rq = {.method = "GET",
               .path = path,
               .accept = k->metadata_only ? KACCEPT_META_ONE : NULL,
               .verb = "get",
               .resource = kkind_group_resource(k, res, sizeof res),
               .ns = k->namespaced ? ns : NULL,
               .name = name};
    kresp r;
    int rc = khttp_do(c->http, &rq, &r, err);
    free(path);
    if (!rc && out)
        rc = parse_one(k, version, &r, out, err);
    kresp_free(&r);
    return rc;
}

/* ---- writes ---- */

typedef struct {
    const kkind *k;
    const char *version; /* from the object's apiVersion */
    const char *ns, *name;
    char res[160];
} target;

static int object_target(const doc_node *obj, target *t, mp_err *err)
{
    char ref[256];
    const char *av = kobj_api_version(obj), *kind = kobj_kind(obj);
    t->k = kkind_for_object(av, kind);
    t->name = kobj_name(obj);
    t->ns = kobj_namespace(obj);
    if (!t->k)
        return mp_errf(err, "%s: kind %s (%s) is not one meshpanel writes",
                       kobj_ref(obj, ref, sizeof ref), kind ? kind : "?", av ? av : "?");
    if (t->k->metadata_only)
        return mp_errf(err, "%s: meshpanel never writes Secrets (it reads their metadata only)",
                       kobj_ref(obj, ref, sizeof ref));
    const char *slash = strchr(av, '/');
    t->version = slash ? slash + 1 : av;
    if (!t->name || !*t->name)
        return mp_errf(err, "%s object has no metadata.name", kind);
    if (t->k->namespaced && (!t->ns || !*t->ns))
        return mp_errf(err, "%s: metadata.namespace is missing", kobj_ref(obj, ref, sizeof ref));
    if (!t->k->namespaced)
        t->ns = NULL;
    kkind_group_resource(t->k, t->res, sizeof t->res);
    return 0;
}

static void write_query(strbuf *q, const kwrite_opts *o, bool manager, bool force)
{
    if (manager)
        strbuf_printf(q, "fieldManager=%s", KFIELD_MANAGER);
    if (force && o && o->force)
        strbuf_printf(q, "%sforce=true", q->len ? "&" : "");
    if (o && o->dry_run)
        strbuf_printf(q, "%sdryRun=All", q->len ? "&" : "");
}

static int send_write(kclient *c, const target *t, kreq *rq, doc_node **out, mp_err *err)
{
    kresp r;
    rq->resource = t->res;
    rq->ns = t->ns;
    int rc = khttp_do(c->http, rq, &r, err);
    if (!rc && out)
        rc = parse_one(t->k, t->version, &r, out, err);
    kresp_free(&r);
    return rc;
}

static int write_json(kclient *c, const doc_node *obj, const kwrite_opts *o, bool update,
                      doc_node **out, mp_err *err)
{
    target t;
    if (object_target(obj, &t, err))
        return -1;
    if (update && !kobj_resource_version(obj)) {
        char ref[256];
        return mp_errf(err, "%s: update needs metadata.resourceVersion (read the object first)",
                       kobj_ref(obj, ref, sizeof ref));
    }
    char *body = doc_emit_json(obj, false, NULL, err);
    char *path = kclient_path(t.k, t.version, t.ns, update ? t.name : NULL);
    strbuf q;
    strbuf_init(&q);
    write_query(&q, o, true, false);
    int rc = -1;
    if (body && path && !q.oom) {
        kreq rq = {.method = update ? "PUT" : "POST",
                   .path = path,
                   .query = q.buf,
                   .content_type = "application/json",
                   .body = body,
                   .body_len = strlen(body),
                   .verb = update ? "update" : "create",
                   .name = t.name};
        rc = send_write(c, &t, &rq, out, err);
    } else if (body) {
        mp_errf(err, "out of memory");
    }
    strbuf_free(&q);
    free(body);
    free(path);
    return rc;
}

int kclient_create(kclient *c, const doc_node *obj, const kwrite_opts *o, doc_node **out,
                   mp_err *err)
{
    return write_json(c, obj, o, false, out, err);
}

int kclient_update(kclient *c, const doc_node *obj, const kwrite_opts *o, doc_node **out,
                   mp_err *err)
{
    return write_json(c, obj, o, true, out, err);
}

/* PATCHes body (taken, freed here) to t's object: an apply (with force
 * as the options say) or a merge patch, by content type. */
static int send_patch(kclient *c, target *t, const kwrite_opts *o, bool apply, const char *ctype,
                      const char *verb, char *body, doc_node **out, mp_err *err)
{
    char *path = kclient_path(t->k, t->version, t->ns, t->name);
    strbuf q;
    strbuf_init(&q);
    write_query(&q, o, true, apply);
    int rc = -1;
    if (path && !q.oom) {
        kreq rq = {.method = "PATCH",
                   .path = path,
                   .query = q.buf,
                   .content_type = ctype,
                   .body = body,
                   .body_len = strlen(body),
                   .verb = verb,
                   .name = t->name};
        rc = send_write(c, t, &rq, out, err);
    } else {
        mp_errf(err, "out of memory");
    }
    strbuf_free(&q);
    free(body);
    free(path);
    return rc;
}

int kclient_apply(kclient *c, const doc_node *obj, const kwrite_opts *o, doc_node **out,
                  mp_err *err)
{
    target t;
    if (object_target(obj, &t, err))
        return -1;
    /* Server-side apply owns what the manifest says: drop server-owned
     * metadata a copied live object might carry (the apiserver rejects a
     * managedFields in an apply patch, and a stale resourceVersion would
     * turn the apply into an optimistic-lock check). */
    doc_node *patch = doc_clone(obj);
    doc_node *meta = patch ? doc_get(patch, "metadata") : NULL;
    if (meta) {
        doc_map_del(meta, "managedFields");
        doc_map_del(meta, "resourceVersion");
        doc_map_del(meta, "uid");
        doc_map_del(meta, "creationTimestamp");
        doc_map_del(meta, "generation");
    }
    doc_map_del(patch, "status");
    char *body = patch ? doc_emit_yaml(patch, NULL, err) : NULL;
    doc_free(patch);
    if (!body)
        return patch ? -1 : mp_errf(err, "out of memory");
    return send_patch(c, &t, o, true, "application/apply-patch+yaml", "apply", body, out, err);
}

int kclient_merge_patch(kclient *c, const kkind *k, const char *ns, const char *name,
                        const doc_node *patch, const kwrite_opts *o, doc_node **out, mp_err *err)
{
    const char *version;
    if (k->metadata_only)
        return mp_errf(err, "meshpanel never writes Secrets");
    if (kclient_version(c, k, &version, err))
        return -1;
    target t = {.k = k, .version = version, .ns = k->namespaced ? ns : NULL, .name = name};
    kkind_group_resource(k, t.res, sizeof t.res);
    char *body = doc_emit_json(patch, false, NULL, err);
    if (!body)
        return -1;
    return send_patch(c, &t, o, false, "application/merge-patch+json", "patch", body, out, err);
}

int kclient_delete(kclient *c, const kkind *k, const char *ns, const char *name, const char *uid,
                   const char *rv, const kwrite_opts *o, mp_err *err)
{
    const char *version;
    if (k->metadata_only)
        return mp_errf(err, "meshpanel never deletes Secrets");
    if (kclient_version(c, k, &version, err))
        return -1;
    char *path = kclient_path(k, version, k->namespaced ? ns : NULL, name);
    strbuf body, q;
    strbuf_init(&body);
    strbuf_init(&q);
    strbuf_puts(&body, "{\"apiVersion\":\"v1\",\"kind\":\"DeleteOptions\"");
    if (uid || rv) {
        strbuf_puts(&body, ",\"preconditions\":{");
        if (uid) {
            strbuf_puts(&body, "\"uid\":\"");
            put_escaped(&body, uid); /* uids are [0-9a-f-]: escaping is a no-op */
            strbuf_puts(&body, "\"");
        }
        if (rv) {
            strbuf_printf(&body, "%s\"resourceVersion\":\"", uid ? "," : "");
            put_escaped(&body, rv);
            strbuf_puts(&body, "\"");
        }
        strbuf_puts(&body, "}");
    }
    if (o && o->dry_run)
        strbuf_puts(&body, ",\"dryRun\":[\"All\"]");
    strbuf_puts(&body, "}");
    write_query(&q, o, false, false);
    char res[160];
    int rc;
    if (!path || body.oom || q.oom) {
        rc = mp_errf(err, "out of memory");
    } else {
        kreq rq = {.method = "DELETE",
                   .path = path,
                   .query = q.buf,
                   .content_type = "application/json",
                   .body = body.buf,
                   .body_len = body.len,
                   .verb = "delete",
                   .resource = kkind_group_resource(k, res, sizeof res),
                   .ns = k->namespaced ? ns : NULL,
                   .name = name};
        rc = khttp_do(c->http, &rq, NULL, err);
    }
    free(path);
    strbuf_free(&body);
    strbuf_free(&q);
    return rc;
}
