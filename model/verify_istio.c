/*
 * verify_istio.c - where an Istio ingress gateway sends a request, decided
 * from Gateways and VirtualServices alone (the Istio half of verify.h;
 * facts from ../shared/reference/istio-ingress-semantics.md §5b-§9).
 *
 *   - Servers: HTTPS servers are asked when one lists the host, else HTTP
 *     ones (scheme is otherwise ignored); a host entry is `[ns/]host`
 *     (`*` and `*.suffix` wildcards; `ns` `*`, `.` or a namespace names
 *     which VirtualServices may bind); an HTTP server with
 *     tls.httpsRedirect answers 301 to https. Gateway selectors are not
 *     read: every Gateway counts as the one gateway workload's.
 *   - VirtualServices: bound through spec.gateways (`ns/name`, or `name`
 *     in the VirtualService's namespace) to a chosen server whose host
 *     entry admits their namespace; the most specific spec.hosts entry
 *     that covers the host wins (exact, then the longest `*.` suffix, then
 *     `*`); several with that same entry are read one after another,
 *     oldest first (creationTimestamp, name, namespace).
 *   - Routes: first match over http[]; a `delegate` entry is replaced in
 *     place by the delegate's routes as istiod's MergeHTTPRoutes does (a
 *     delegate route is kept only when each of its matches has a root match
 *     without conflict, and then once per such root match; the delegate
 *     must have no hosts and be exported to the root's namespace; only
 *     rewrite and directResponse are inherited, the rest does not change
 *     where a request goes). A match needing headers, query parameters,
 *     source labels or namespaces fails for the plain GET probed here.
 *   - Answers: the route's destinations (short names in the namespace of
 *     the VirtualService that holds the route), main = the highest weight;
 *     rewrite.uri replaces the matched prefix (the whole path for exact and
 *     regex matches), uriRegexRewrite every match of its regex; redirect
 *     (code 301 unless redirectCode); directResponse; no match: 404.
 */
#include "model/verify_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/hmap.h"
#include "model/kobj.h"

#define DEFAULT_NS    "default"
#define SEMANTICS_ANN "internal.istio.io/route-semantics"
#define SPEC_EXACT    1000000
#define MAX_VHOST_VS  64

typedef struct {
    const doc_node *obj, *spec;
    const char *ns, *name, *created;
} is_obj;

#define HNONE ((size_t)-1)

/* Host patterns -> their owners: exact names through a hash map (entries
 * of one name chained), wildcards in a list, so that a host's servers and
 * VirtualServices are found without reading every object. */
typedef struct {
    const char *pat;
    size_t owner, next;
} hent;

typedef struct {
    hmap head; /* lower-case exact pattern -> its first entry */
    hent *e;
    size_t n, cap;
    size_t *wild; /* entries of "*" and "*." patterns */
    size_t nwild, wcap;
} hidx;

typedef struct {
    size_t gw;
    const doc_node *node;
} srv_ref;

struct is_world {
    is_obj *gw, *vs, *ap;
    size_t ngw, nvs, nap;
    hmap vs_idx; /* "ns\x1fname" -> vs index */
    hmap gw_idx; /* "ns\x1fname" -> gw index */
    srv_ref *srv;
    size_t nsrv;
    hidx srv_hosts; /* host part of servers[].hosts -> srv index */
    hidx vs_hosts;  /* spec.hosts -> vs index */
};

struct is_vhost {
    const is_world *w;
    char host[256];
    bool secure, plain, redirect, mutual;
    long best;       /* specificity of the VirtualServices' host entry */
    const char *why; /* 404: why nothing is bound */
    size_t vs[MAX_VHOST_VS];
    size_t nvs;
};

/* ---- reading ------------------------------------------------------------ */

static const char *lower_key(const char *s, char *key, size_t n)
{
    v_copy(key, n, s);
    for (char *c = key; *c; c++)
        *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
    return key;
}

static int grow(void **arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? 2 * *cap : 16;
    void *na = realloc(*arr, nc * size);
    if (!na)
        return -1;
    *arr = na;
    *cap = nc;
    return 0;
}

static int hidx_add(hidx *x, const char *pat, size_t owner)
{
    if (grow((void **)&x->e, &x->cap, x->n + 1, sizeof *x->e) < 0)
        return -1;
    size_t i = x->n++;
    x->e[i] = (hent){pat, owner, HNONE};
    if (pat[0] == '*') {
        if (grow((void **)&x->wild, &x->wcap, x->nwild + 1, sizeof *x->wild) < 0)
            return -1;
        x->wild[x->nwild++] = i;
        return 0;
    }
    char key[300];
    long at = hmap_get(&x->head, lower_key(pat, key, sizeof key));
    x->e[i].next = at >= 0 ? (size_t)at : HNONE;
    return hmap_put(&x->head, key, i);
}

static void hidx_free(hidx *x)
{
    hmap_free(&x->head);
    free(x->e);
    free(x->wild);
}

typedef void (*hidx_fn)(const char *pat, size_t owner, void *ctx);

/* f for every entry whose pattern covers host. */
static void hidx_each(const hidx *x, const char *host, hidx_fn f, void *ctx)
{
    char key[300];
    long at = hmap_get(&x->head, lower_key(host, key, sizeof key));
    for (size_t i = at >= 0 ? (size_t)at : HNONE; i != HNONE; i = x->e[i].next)
        f(x->e[i].pat, x->e[i].owner, ctx);
    for (size_t k = 0; k < x->nwild; k++)
        if (v_host_covers(x->e[x->wild[k]].pat, host))
            f(x->e[x->wild[k]].pat, x->e[x->wild[k]].owner, ctx);
}

static const char *ns_of(const doc_node *o)
{
    const char *ns = kobj_namespace(o);
    return ns ? ns : DEFAULT_NS;
}

static int push(is_obj **arr, size_t *n, const doc_node *o)
{
    is_obj *na = realloc(*arr, (*n + 1) * sizeof *na);
    if (!na)
        return -1;
    *arr = na;
    na[*n] = (is_obj){o, doc_get(o, "spec"), ns_of(o), kobj_name(o),
                      doc_str(doc_getv(o, "metadata", "creationTimestamp", NULL))};
    if (!na[*n].name)
        na[*n].name = "";
    (*n)++;
    return 0;
}

static int vs_order(const void *pa, const void *pb)
{
    const is_obj *a = pa, *b = pb;
    int c = strcmp(a->created ? a->created : "", b->created ? b->created : "");
    if (!c)
        c = strcmp(a->name, b->name);
    return c ? c : strcmp(a->ns, b->ns);
}

static int index_hosts(hidx *x, const doc_node *hosts, size_t owner)
{
    for (size_t h = 0; doc_is_seq(hosts) && h < hosts->len; h++) {
        const char *e = doc_str(hosts->items[h]);
        const char *slash = e ? strchr(e, '/') : NULL;
        if (e && hidx_add(x, slash ? slash + 1 : e, owner) < 0)
            return -1;
    }
    return 0;
}

static int index_world(is_world *w)
{
    char key[600];
    for (size_t i = 0; i < w->nvs; i++) {
        hmap_key2(key, sizeof key, w->vs[i].ns, w->vs[i].name);
        if (hmap_get(&w->vs_idx, key) < 0 && hmap_put(&w->vs_idx, key, i) < 0)
            return -1;
        if (index_hosts(&w->vs_hosts, doc_get(w->vs[i].spec, "hosts"), i) < 0)
            return -1;
    }
    size_t cap = 0;
    for (size_t i = 0; i < w->ngw; i++) {
        hmap_key2(key, sizeof key, w->gw[i].ns, w->gw[i].name);
        if (hmap_get(&w->gw_idx, key) < 0 && hmap_put(&w->gw_idx, key, i) < 0)
            return -1;
        const doc_node *srvs = doc_get(w->gw[i].spec, "servers");
        for (size_t k = 0; doc_is_seq(srvs) && k < srvs->len; k++) {
            if (grow((void **)&w->srv, &cap, w->nsrv + 1, sizeof *w->srv) < 0)
                return -1;
            w->srv[w->nsrv] = (srv_ref){i, srvs->items[k]};
            if (index_hosts(&w->srv_hosts, doc_get(srvs->items[k], "hosts"), w->nsrv++) < 0)
                return -1;
        }
    }
    return 0;
}

is_world *is_build(doc_node *const *objs, size_t n, mp_err *err)
{
    is_world *w = calloc(1, sizeof *w);
    if (!w)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        const char *k = kobj_kind(objs[i]), *av = kobj_api_version(objs[i]);
        if (!k || !av || !strstr(av, "istio.io/") || !doc_is_map(doc_get(objs[i], "spec")))
            continue;
        int rc = 0;
        if (!strcmp(k, "Gateway"))
            rc = push(&w->gw, &w->ngw, objs[i]);
        else if (!strcmp(k, "VirtualService"))
            rc = push(&w->vs, &w->nvs, objs[i]);
        else if (!strcmp(k, "AuthorizationPolicy"))
            rc = push(&w->ap, &w->nap, objs[i]);
        if (rc < 0)
            goto oom;
    }
    if (w->nvs)
        qsort(w->vs, w->nvs, sizeof *w->vs, vs_order);
    if (index_world(w) < 0)
        goto oom;
    return w;
oom:
    is_free(w);
    mp_errf(err, "out of memory");
    return NULL;
}

void is_free(is_world *w)
{
    if (!w)
        return;
    free(w->gw);
    free(w->vs);
    free(w->ap);
    hmap_free(&w->vs_idx);
    hmap_free(&w->gw_idx);
    free(w->srv);
    hidx_free(&w->srv_hosts);
    hidx_free(&w->vs_hosts);
    free(w);
}

/* ---- servers and bindings ---------------------------------------------- */

/* 1 HTTPS, 0 HTTP, -1 neither (TCP, TLS passthrough, ...). */
static int server_kind(const doc_node *srv)
{
    const char *p = doc_str(doc_getv(srv, "port", "protocol", NULL));
    if (!p)
        return -1;
    if (!strcasecmp(p, "HTTPS"))
        return 1;
    return !strcasecmp(p, "HTTP") || !strcasecmp(p, "HTTP2") || !strcasecmp(p, "GRPC") ||
                   !strcasecmp(p, "GRPC-WEB")
               ? 0
               : -1;
}

/* A server host entry "[ns/]host": does it cover host, and (vs_ns not
 * NULL) may a VirtualService of vs_ns bind through it? */
static bool entry_admits(const char *entry, const char *gw_ns, const char *vs_ns, const char *host)
{
    const char *slash = strchr(entry, '/');
    const char *h = slash ? slash + 1 : entry;
    if (!v_host_covers(h, host))
        return false;
    if (!vs_ns || !slash)
        return true;
    size_t n = (size_t)(slash - entry);
    if (n == 1 && entry[0] == '*')
        return true;
    if (n == 1 && entry[0] == '.')
        return !strcmp(gw_ns, vs_ns);
    return strlen(vs_ns) == n && !strncmp(entry, vs_ns, n);
}

static bool server_admits(const doc_node *srv, const char *gw_ns, const char *vs_ns,
                          const char *host)
{
    const doc_node *hosts = doc_get(srv, "hosts");
    for (size_t i = 0; doc_is_seq(hosts) && i < hosts->len; i++) {
        const char *e = doc_str(hosts->items[i]);
        if (e && entry_admits(e, gw_ns, vs_ns, host))
            return true;
    }
    return false;
}

/* Is vs bound, for host, to a server of the chosen kind? */
static bool vs_bound(const is_world *w, const is_obj *vs, const char *host, int kind)
{
    const doc_node *gws = doc_get(vs->spec, "gateways");
    for (size_t g = 0; doc_is_seq(gws) && g < gws->len; g++) {
        const char *ref = doc_str(gws->items[g]);
        const char *slash = ref ? strchr(ref, '/') : NULL;
        char ns[300], key[600];
        if (!ref)
            continue;
        snprintf(ns, sizeof ns, "%.*s", slash ? (int)(slash - ref) : (int)strlen(vs->ns),
                 slash ? ref : vs->ns);
        hmap_key2(key, sizeof key, ns, slash ? slash + 1 : ref);
        long i = hmap_get(&w->gw_idx, key);
        const doc_node *srvs = i >= 0 ? doc_get(w->gw[i].spec, "servers") : NULL;
        for (size_t s = 0; doc_is_seq(srvs) && s < srvs->len; s++)
            if (server_kind(srvs->items[s]) == kind &&
                server_admits(srvs->items[s], w->gw[i].ns, vs->ns, host))
                return true;
    }
    return false;
}

static void server_seen(const char *pat, size_t owner, void *ctx)
{
    is_vhost *v = ctx;
    (void)pat;
    const doc_node *srv = v->w->srv[owner].node;
    int k = server_kind(srv);
    if (k < 0)
        return;
    const char *mode = doc_str(doc_getv(srv, "tls", "mode", NULL));
    bool redir = false;
    doc_as_bool(doc_getv(srv, "tls", "httpsRedirect", NULL), &redir);
    v->secure |= k == 1;
    v->plain |= k == 0;
    v->mutual |= k == 1 && mode && !strcmp(mode, "MUTUAL");
    v->redirect |= k == 0 && redir;
}

static void vs_seen(const char *pat, size_t owner, void *ctx)
{
    is_vhost *v = ctx;
    long spec = pat[0] != '*' ? SPEC_EXACT : (long)strlen(pat) - 1;
    for (size_t i = 0; i < v->nvs; i++)
        if (v->vs[i] == owner)
            return; /* also named by another of its hosts */
    if (spec < v->best || !vs_bound(v->w, &v->w->vs[owner], v->host, v->secure ? 1 : 0))
        return;
    if (spec > v->best)
        v->nvs = 0;
    v->best = spec;
    if (v->nvs < MAX_VHOST_VS)
        v->vs[v->nvs++] = owner;
}

static int by_index(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

is_vhost *is_vhost_new(const is_world *w, const char *host)
{
    is_vhost *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->w = w;
    v_copy(v->host, sizeof v->host, host);
    hidx_each(&w->srv_hosts, host, server_seen, v);
    if (!v->secure && !v->plain)
        v->why = "no Gateway server lists the host";
    if (v->why || (!v->secure && v->redirect))
        return v;
    v->best = -1;
    hidx_each(&w->vs_hosts, host, vs_seen, v);
    qsort(v->vs, v->nvs, sizeof v->vs[0], by_index); /* oldest first */
    if (!v->nvs)
        v->why = v->secure ? "no VirtualService for the host is bound to its HTTPS server"
                           : "no VirtualService for the host is bound to its HTTP server";
    return v;
}

void is_vhost_free(is_vhost *v)
{
    free(v);
}

/* ---- matching ----------------------------------------------------------- */

typedef struct {
    const doc_node *uri, *scheme, *method, *authority;
    bool icase, never, ingress_semantics;
    long port;
} mview;

typedef struct {
    const char *host, *path, *scheme;
    long port;
    vre_cache *rc;
    char why[VA_PATH];
} req;

static const char *sm_kind(const doc_node *sm, const char **val)
{
    static const char *const kinds[] = {"exact", "prefix", "regex"};
    for (size_t k = 0; doc_is_map(sm) && k < 3; k++)
        if ((*val = doc_get_str(sm, kinds[k])) && **val)
            return kinds[k];
    *val = NULL;
    return NULL;
}

static bool nonempty(const doc_node *n)
{
    return n && (doc_is_map(n) || doc_is_seq(n)) && n->len > 0;
}

static mview view_of(const doc_node *m)
{
    if (!doc_is_map(m)) /* not a match Istio would accept: never met */
        return (mview){.never = true};
    mview v = {doc_get(m, "uri"),
               doc_get(m, "scheme"),
               doc_get(m, "method"),
               doc_get(m, "authority"),
               false,
               false,
               false,
               0};
    doc_as_bool(doc_get(m, "ignoreUriCase"), &v.icase);
    long long port = 0;
    if (doc_as_int(doc_get(m, "port"), &port))
        v.port = (long)port;
    v.never = nonempty(doc_get(m, "headers")) || nonempty(doc_get(m, "queryParams")) ||
              nonempty(doc_get(m, "sourceLabels")) || doc_get(m, "sourceNamespace");
    return v;
}

/* 1, 0, or -1 (cannot evaluate, r->why). plen: length of the matched
 * prefix, or -1 for an exact or regex match. */
static int sm_eval(const doc_node *sm, const char *s, bool icase, bool seg, req *r, long *plen)
{
    const char *val;
    const char *k = sm_kind(sm, &val);
    if (plen)
        *plen = -1;
    if (sm && !doc_is_map(sm))
        return 0; /* not a StringMatch: never met */
    if (!k)
        return 1;
    if (!strcmp(k, "exact"))
        return icase ? !strcasecmp(s, val) : !strcmp(s, val);
    if (!strcmp(k, "prefix")) {
        size_t n = strlen(val);
        if (seg && n > 1 && val[n - 1] == '/')
            n--; /* Envoy's path_separated_prefix */
        bool m = icase ? !strncasecmp(s, val, n) : !strncmp(s, val, n);
        if (m && seg && strcmp(val, "/") && s[n] && s[n] != '/')
            m = false;
        if (m && plen)
            *plen = (long)n;
        return m;
    }
    return vre_match(r->rc, val, VRE_FULL, s, NULL, r->why, sizeof r->why);
}

static int view_eval(const mview *v, req *r, long *plen)
{
    if (v->never || (v->port && v->port != r->port))
        return 0;
    int m = sm_eval(v->scheme, r->scheme, false, false, r, NULL);
    if (m == 1)
        m = sm_eval(v->method, "GET", false, false, r, NULL);
    if (m == 1)
        m = sm_eval(v->authority, r->host, false, false, r, NULL);
    if (m == 1)
        m = sm_eval(v->uri, r->path, v->icase, v->ingress_semantics, r, plen);
    if (m == 1 && plen && !v->uri)
        *plen = 1; /* Istio writes a route without uri match as prefix "/" */
    return m;
}

/* istiod's stringMatchConflict. */
static bool sm_conflict(const doc_node *root, const doc_node *leaf)
{
    const char *rv, *lv;
    const char *rk = sm_kind(root, &rv), *lk = sm_kind(leaf, &lv);
    if (!rk || !lk)
        return false;
    if (!strcmp(rk, "regex") || !strcmp(lk, "regex"))
        return true;
    if (!strcmp(rk, "exact"))
        return strcmp(lk, "exact") || strcmp(lv, rv);
    return strncmp(lv, rv, strlen(rv)) != 0; /* root prefix */
}

/* istiod's hasConflict, for the conditions a plain request can meet. */
static bool match_conflict(const doc_node *root, const doc_node *leaf)
{
    static const char *const keys[] = {"uri", "scheme", "method", "authority"};
    for (size_t i = 0; i < 4; i++)
        if (sm_conflict(doc_get(root, keys[i]), doc_get(leaf, keys[i])))
            return true;
    const doc_node *lh = doc_get(leaf, "headers"), *rh = doc_get(root, "headers");
    for (size_t i = 0; doc_is_map(lh) && i < lh->len; i++)
        if (sm_conflict(doc_get(rh, lh->keys[i]), lh->items[i]))
            return true;
    bool ri = false, li = false;
    doc_as_bool(doc_get(root, "ignoreUriCase"), &ri);
    doc_as_bool(doc_get(leaf, "ignoreUriCase"), &li);
    long long rp = 0, lp = 0;
    doc_as_int(doc_get(root, "port"), &rp);
    doc_as_int(doc_get(leaf, "port"), &lp);
    return ri != li || (rp > 0 && lp > 0 && rp != lp);
}

/* istiod's mergeHTTPMatchRequest: the leaf's conditions, the root's where
 * the leaf has none. */
static mview merge_view(const doc_node *root, const doc_node *leaf)
{
    mview l = view_of(leaf), r = view_of(root);
    l.uri = l.uri ? l.uri : r.uri;
    l.scheme = l.scheme ? l.scheme : r.scheme;
    l.method = l.method ? l.method : r.method;
    l.authority = l.authority ? l.authority : r.authority;
    l.port = l.port ? l.port : r.port;
    l.never |= r.never;
    return l;
}

/* ---- answers ------------------------------------------------------------ */

/* "ns/name[:port]" for a Service (a short name is in ns; an FQDN is
 * name.ns.svc.<domain>), else the host as written. */
static void dest_text(const doc_node *d, const char *ns, char *out, size_t n)
{
    const char *h = doc_get_str(d, "host");
    long long port = 0;
    bool has_port = doc_as_int(doc_getv(d, "port", "number", NULL), &port);
    char svc[320];
    const char *d1 = h ? strchr(h, '.') : NULL;
    const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    if (h && !d1)
        snprintf(svc, sizeof svc, "%s/%s", ns, h);
    else if (d2 && !strncmp(d2, ".svc", 4) && (!d2[4] || d2[4] == '.'))
        snprintf(svc, sizeof svc, "%.*s/%.*s", (int)(d2 - d1 - 1), d1 + 1, (int)(d1 - h), h);
    else
        v_copy(svc, sizeof svc, h ? h : "?");
    if (has_port)
        snprintf(out, n, "%s:%lld", svc, port);
    else
        v_copy(out, n, svc);
}

static void dests(const doc_node *route, const char *ns, va_answer *out)
{
    size_t nd = doc_is_seq(route) ? route->len : 0;
    for (size_t i = 0; i < nd && out->ndest < VA_MAXDEST; i++) {
        const doc_node *d = route->items[i];
        long long wt = nd == 1 ? 100 : 0;
        doc_as_int(doc_get(d, "weight"), &wt);
        char t[384];
        dest_text(doc_get(d, "destination"), ns, t, sizeof t);
        size_t at = out->ndest++;
        while (at > 0 && out->weight[at - 1] < wt) { /* keep the highest first */
            memcpy(out->dest[at], out->dest[at - 1], sizeof out->dest[at]);
            out->weight[at] = out->weight[at - 1];
            at--;
        }
        v_copy(out->dest[at], sizeof out->dest[at], t);
        out->weight[at] = (long)wt;
    }
    if (!out->ndest)
        return;
    out->kind = VA_SERVICE;
    const char *colon = strrchr(out->dest[0], ':');
    snprintf(out->svc, sizeof out->svc, "%.*s",
             (int)(colon ? (size_t)(colon - out->dest[0]) : strlen(out->dest[0])), out->dest[0]);
    v_copy(out->port, sizeof out->port, colon ? colon + 1 : "");
}

static void redirect(const doc_node *rd, const req *r, va_answer *out)
{
    const char *uri = doc_get_str(rd, "uri"), *auth = doc_get_str(rd, "authority"),
               *scheme = doc_get_str(rd, "scheme");
    long long code = 301, port = 0;
    doc_as_int(doc_get(rd, "redirectCode"), &code);
    bool has_port = doc_as_int(doc_get(rd, "port"), &port);
    out->kind = VA_REDIRECT;
    out->code = (int)code;
    char portbuf[32] = "";
    if (has_port)
        snprintf(portbuf, sizeof portbuf, ":%lld", port);
    if (scheme || auth || has_port)
        snprintf(out->target, sizeof out->target, "%s://%s%s%s", scheme ? scheme : r->scheme,
                 auth ? auth : r->host, portbuf, uri ? uri : r->path);
    else
        v_copy(out->target, sizeof out->target, uri ? uri : r->path);
}

static void rewrite(const doc_node *rw, long plen, req *r, va_answer *out)
{
    const doc_node *rr = doc_get(rw, "uriRegexRewrite");
    const char *uri = doc_get_str(rw, "uri");
    char res[VA_PATH];
    if (doc_is_map(rr)) {
        const char *m = doc_get_str(rr, "match"), *s = doc_get_str(rr, "rewrite");
        if (vre_replace(r->rc, m ? m : "", s ? s : "", r->path, res, sizeof res, r->why,
                        sizeof r->why) < 0) {
            out->kind = VA_UNKNOWN;
            snprintf(out->target, sizeof out->target, "uriRegexRewrite: %.900s", r->why);
            return;
        }
    } else if (uri) {
        snprintf(res, sizeof res, "%s%s", uri, plen >= 0 ? r->path + plen : "");
    } else {
        return;
    }
    if (strcmp(res, r->path))
        v_copy(out->rewrite, sizeof out->rewrite, res);
}

/* The answer of route rt (root: the delegate entry it came through). */
static void route_answer(const doc_node *rt, const doc_node *root, const char *ns, long plen,
                         req *r, va_answer *out)
{
    const doc_node *rd = doc_get(rt, "redirect"), *dr = doc_get(rt, "directResponse");
    const doc_node *rw = doc_get(rt, "rewrite");
    if (root && !dr)
        dr = doc_get(root, "directResponse");
    if (root && !rw)
        rw = doc_get(root, "rewrite");
    if (doc_is_map(rd)) {
        redirect(rd, r, out);
    } else if (doc_is_map(dr)) {
        long long st = 200;
        doc_as_int(doc_get(dr, "status"), &st);
        out->kind = VA_STATUS;
        out->code = (int)st;
    } else {
        dests(doc_get(rt, "route"), ns, out);
        if (out->kind == VA_SERVICE && doc_is_map(rw))
            rewrite(rw, plen, r, out);
        if (out->kind == VA_404)
            v_copy(out->target, sizeof out->target, "the matching route has no destination");
    }
}

/* 1 decided (out filled), 0 not matched, -1 cannot evaluate. */
static int try_route(const doc_node *rt, const doc_node *root, const char *ns, bool seg, req *r,
                     va_answer *out)
{
    const doc_node *leaf = doc_get(rt, "match"), *rootm = root ? doc_get(root, "match") : NULL;
    size_t nl = doc_is_seq(leaf) ? leaf->len : 0, nr = doc_is_seq(rootm) ? rootm->len : 0;
    if ((leaf && !doc_is_seq(leaf)) || (rootm && !doc_is_seq(rootm)))
        return 0; /* a match that is no list: never met */
    long plen = -1;
    int m = 0;
    if (nl == 0 && nr == 0) {
        mview all = {0};
        m = view_eval(&all, r, &plen);
    }
    if (nl == 0 || nr == 0) {
        const doc_node *only = nl ? leaf : rootm;
        for (size_t i = 0; m == 0 && i < (nl ? nl : nr); i++) {
            mview v = view_of(only->items[i]);
            v.ingress_semantics = seg;
            m = view_eval(&v, r, &plen);
        }
    } else {
        for (size_t i = 0; i < nl; i++) { /* istiod drops the route when one match conflicts */
            bool found = false;
            for (size_t j = 0; j < nr && !found; j++)
                found = !match_conflict(rootm->items[j], leaf->items[i]);
            if (!found)
                return 0;
        }
        for (size_t i = 0; m == 0 && i < nl; i++)
            for (size_t j = 0; m == 0 && j < nr; j++) {
                if (match_conflict(rootm->items[j], leaf->items[i]))
                    continue;
                mview v = merge_view(rootm->items[j], leaf->items[i]);
                v.ingress_semantics = seg;
                m = view_eval(&v, r, &plen);
            }
    }
    if (m == 1)
        route_answer(rt, root, ns, plen, r, out);
    return m;
}

static bool exported_to(const is_obj *vs, const char *ns)
{
    const doc_node *ex = doc_get(vs->spec, "exportTo");
    if (!doc_is_seq(ex) || ex->len == 0)
        return true;
    for (size_t i = 0; i < ex->len; i++) {
        const char *e = doc_str(ex->items[i]);
        if (e && (!strcmp(e, "*") || !strcmp(e, ns) || (!strcmp(e, ".") && !strcmp(vs->ns, ns))))
            return true;
    }
    return false;
}

static int try_delegate(const is_world *w, const doc_node *entry, const char *root_ns, req *r,
                        va_answer *out)
{
    const doc_node *d = doc_get(entry, "delegate");
    const char *name = doc_get_str(d, "name"), *ns = doc_get_str(d, "namespace");
    char key[600];
    hmap_key2(key, sizeof key, ns ? ns : root_ns, name ? name : "");
    long at = hmap_get(&w->vs_idx, key);
    if (at < 0)
        return 0;
    const is_obj *dv = &w->vs[at];
    if (nonempty(doc_get(dv->spec, "hosts")) || !exported_to(dv, root_ns))
        return 0;
    const doc_node *http = doc_get(dv->spec, "http");
    for (size_t i = 0; doc_is_seq(http) && i < http->len; i++) {
        if (doc_get(http->items[i], "delegate"))
            continue; /* one level only */
        if (!doc_is_map(http->items[i]))
            continue;
        int m = try_route(http->items[i], entry, dv->ns, false, r, out);
        if (m)
            return m;
    }
    return 0;
}

void is_answer(const is_vhost *v, vre_cache *rc, const char *path, va_answer *out)
{
    va_init(out);
    out->mutual = v->mutual;
    req r = {v->host, path, v->secure ? "https" : "http", v->secure ? 443 : 80, rc, ""};
    if (v->why) {
        v_copy(out->target, sizeof out->target, v->why);
        return;
    }
    if (!v->secure && v->redirect) {
        out->kind = VA_REDIRECT;
        out->code = 301;
        snprintf(out->target, sizeof out->target, "https://%s%s", v->host, path);
        return;
    }
    for (size_t k = 0; k < v->nvs; k++) {
        const is_obj *vs = &v->w->vs[v->vs[k]];
        const char *sem = kobj_annotation(vs->obj, SEMANTICS_ANN);
        bool seg = sem && !strcmp(sem, "ingress");
        const doc_node *http = doc_get(vs->spec, "http");
        for (size_t i = 0; doc_is_seq(http) && i < http->len; i++) {
            const doc_node *rt = http->items[i];
            if (!doc_is_map(rt))
                continue;
            int m = doc_get(rt, "delegate") ? try_delegate(v->w, rt, vs->ns, &r, out)
                                            : try_route(rt, NULL, vs->ns, seg, &r, out);
            if (m < 0) {
                va_init(out);
                out->kind = VA_UNKNOWN;
                v_copy(out->target, sizeof out->target, r.why);
            }
            if (m)
                return;
        }
    }
    v_copy(out->target, sizeof out->target, "no route matches");
}

/* ---- policies ----------------------------------------------------------- */

bool is_policy_names_host(const is_world *w, const char *host)
{
    for (size_t i = 0; i < w->nap; i++) {
        const doc_node *rules = doc_get(w->ap[i].spec, "rules");
        for (size_t j = 0; doc_is_seq(rules) && j < rules->len; j++) {
            const doc_node *to = doc_get(rules->items[j], "to");
            for (size_t k = 0; doc_is_seq(to) && k < to->len; k++) {
                const doc_node *hs = doc_getv(to->items[k], "operation", "hosts", NULL);
                for (size_t h = 0; doc_is_seq(hs) && h < hs->len; h++) {
                    const char *e = doc_str(hs->items[h]);
                    char bare[300];
                    v_copy(bare, sizeof bare, e ? e : "");
                    char *colon = strchr(bare, ':');
                    if (colon)
                        *colon = 0;
                    if (v_host_covers(bare, host))
                        return true;
                }
            }
        }
    }
    return false;
}
