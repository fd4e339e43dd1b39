/*
 * verify_nginx.c - where ingress-nginx sends a request, decided from the
 * Ingresses alone (the nginx half of verify.h; facts from
 * docs/conversion.md §2-§5 and ingress-nginx's controller.go, location.go
 * and nginx.tmpl as cited there).
 *
 * One server per host, built from every served Ingress that names it, in
 * nginx's Ingress order (creationTimestamp, namespace, name):
 *   - the first such Ingress creates the server and its root location `/`,
 *     which goes to that Ingress's spec.defaultBackend (else the
 *     controller's default backend: 404) and carries its annotations; a
 *     `/` path replaces it;
 *   - each path is a location; the same location twice (same pathType and
 *     path, a trailing `/` ignored for Prefix) keeps the older one; canary
 *     Ingresses add no location, they share the main one's;
 *   - locations are sorted by path, descending, then by length,
 *     descending (controller.go getBackendServers);
 *   - a host where any Ingress has use-regex or rewrite-target is a regex
 *     host: every location is `~* "^<path>"` and the first match in that
 *     order wins; rewrite-target replaces the whole path, $N from the
 *     location's groups;
 *   - otherwise Exact is `= path`, Prefix `/p` is `location /p/` plus the
 *     exact copy `= /p` (none when an Exact `/p` exists), Prefix `/` and
 *     ImplementationSpecific are plain prefixes: an exact name wins, then a
 *     prefix named exactly like the request, then nginx's 301 to a
 *     location named like the request plus `/`, then the longest prefix;
 *   - app-root is a server-level `if ($uri = /) return 302`, the first
 *     location (in the sorted order) whose Ingress sets it;
 *   - a location nginx denies (an access annotation it refuses) answers
 *     503, a redirect annotation (temporal wins) answers its redirect, any
 *     other access restriction marks the answer "restricted".
 */
#include "model/verify_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/annotations.h"
#include "model/hmap.h"
#include "model/ingress.h"
#include "model/kobj.h"

#define DEFAULT_NS "default"

typedef struct {
    ing_view v;
    ann_settings s;
    bool served, canary;
    char ref[300];           /* "ingress ns/name" */
    const char *rewrite;     /* rewrite-target as written, NULL none */
    const char *app_root;    /* NULL none */
    const char *redir_url;   /* temporal-redirect or permanent-redirect, NULL none */
    int redir_code;          /* its code */
    const char *denied;      /* an access annotation nginx refuses: 503 */
    const char *restrict_at; /* an access annotation of its locations */
    const char *restrict_host;
    bool host_cert_only;
} ng_ing;

typedef struct {
    const char *path; /* as written */
    ing_path_type type;
    const ing_backend *be; /* NULL: the root location of the server */
    size_t ing;
    size_t seq;
    char *norm;          /* Prefix: the path ending in '/' (owned), else NULL */
    const char *name[2]; /* nginx location names (non-regex host), NULL unused */
    bool exact[2];       /* name[k] is `= name` */
    char canary[384];
} ng_loc;

typedef struct {
    const char *name;
    bool regex;
    long first; /* Ingress that created the server, -1: no server */
    ng_loc *locs;
    size_t nlocs, cap;
    const char **paths;
    size_t npaths, pcap;
    const char *restrict_host;
    bool host_cert_only;
} ng_hostrec;

struct ng_world {
    ng_ing *ing;
    size_t ning;
    svc_view *svc;
    size_t nsvc;
    const doc_node **classes;
    size_t nclasses;
    ng_hostrec *hosts;
    size_t nhosts, hcap;
    hmap hidx;
    size_t *wild; /* hosts whose name is a wildcard */
    size_t nwild;
};

/* ---- reading ------------------------------------------------------------ */

static bool class_served(const ng_world *w, const ing_view *v)
{
    const char *a = v->class_annotation, *c = v->class_name;
    for (int k = 0; k < 2; k++) {
        const char *x = k ? c : a;
        if (x && (!strcmp(x, "pause") || !strcmp(x, "disable")))
            return false;
    }
    const char *cls = a ? a : c;
    if (!cls || !strcmp(cls, "nginx"))
        return true;
    for (size_t i = 0; i < w->nclasses; i++) {
        if (strcmp(kobj_name(w->classes[i]) ? kobj_name(w->classes[i]) : "", cls))
            continue;
        const char *ctl = doc_str(doc_getv(w->classes[i], "spec", "controller", NULL));
        return ctl && (!strcmp(ctl, "k8s.io/ingress-nginx") ||
                       !strcmp(ctl, "higress.io/higress-controller"));
    }
    return false;
}

static int redirect_code(const char *v, int def, int max)
{
    long n = v ? strtol(v, NULL, 10) : 0;
    return n >= 300 && n <= max ? (int)n : def;
}

static const char *ann_value(const ing_view *v, const char *name)
{
    const char *s = ingress_nginx_annotation(v, name);
    return s && *s ? s : NULL;
}

static void read_access(ng_ing *g)
{
    g->host_cert_only = true;
    for (size_t i = 0; i < g->s.acc.n; i++) {
        const acc_item *it = &g->s.acc.item[i];
        if (it->host_wide) {
            g->restrict_host = g->restrict_host ? g->restrict_host : it->ann;
            g->host_cert_only &= it->kind == ACC_CLIENT_CERT;
        } else if (it->kind == ACC_DENIED) {
            g->denied = g->denied ? g->denied : it->ann;
        } else {
            g->restrict_at = g->restrict_at ? g->restrict_at : it->ann;
        }
    }
}

static int read_ingress(ng_world *w, ng_ing *g, mp_err *err)
{
    mp_warnings ws;
    mp_warnings_init(&ws);
    ann_settings_init(&g->s);
    int rc = ann_parse(&g->v, &g->s, &ws);
    mp_warnings_free(&ws);
    if (rc < 0 || g->s.acc.oom)
        return mp_errf(err, "out of memory");
    snprintf(g->ref, sizeof g->ref, "ingress %s/%s", g->v.ns, g->v.name);
    g->served = class_served(w, &g->v);
    g->canary = g->s.can.canary;
    g->rewrite = ann_value(&g->v, "rewrite-target");
    g->app_root = g->s.app_root;
    const char *t = ann_value(&g->v, "temporal-redirect");
    const char *p = ann_value(&g->v, "permanent-redirect");
    if (t) {
        g->redir_url = t;
        g->redir_code = redirect_code(ann_value(&g->v, "temporal-redirect-code"), 302, 307);
    } else if (p) {
        g->redir_url = p;
        g->redir_code = redirect_code(ann_value(&g->v, "permanent-redirect-code"), 301, 308);
    }
    read_access(g);
    return 0;
}

static int ing_order(const void *pa, const void *pb)
{
    const ng_ing *a = pa, *b = pb;
    int c = strcmp(a->v.created ? a->v.created : "", b->v.created ? b->v.created : "");
    if (!c)
        c = strcmp(a->v.ns, b->v.ns);
    return c ? c : strcmp(a->v.name, b->v.name);
}

static int decode_all(ng_world *w, doc_node *const *objs, size_t n, mp_err *err)
{
    size_t ni = 0, ns = 0, nc = 0;
    for (size_t i = 0; i < n; i++) {
        const char *k = kobj_kind(objs[i]);
        ni += k && !strcmp(k, "Ingress");
        ns += k && !strcmp(k, "Service");
        nc += k && !strcmp(k, "IngressClass");
    }
    w->ing = calloc(ni ? ni : 1, sizeof *w->ing);
    w->svc = calloc(ns ? ns : 1, sizeof *w->svc);
    w->classes = calloc(nc ? nc : 1, sizeof *w->classes);
    if (!w->ing || !w->svc || !w->classes)
        return mp_errf(err, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const char *k = kobj_kind(objs[i]);
        if (k && !strcmp(k, "IngressClass"))
            w->classes[w->nclasses++] = objs[i];
        if (k && !strcmp(k, "Service")) {
            if (service_decode(objs[i], DEFAULT_NS, &w->svc[w->nsvc], err) < 0)
                return -1;
            w->nsvc++;
        }
        if (k && !strcmp(k, "Ingress")) {
            if (ingress_decode(objs[i], DEFAULT_NS, &w->ing[w->ning].v, err) < 0)
                return -1;
            w->ning++;
        }
    }
    for (size_t i = 0; i < w->ning; i++)
        if (read_ingress(w, &w->ing[i], err) < 0)
            return -1;
    qsort(w->ing, w->ning, sizeof *w->ing, ing_order);
    return 0;
}

/* ---- servers and locations --------------------------------------------- */

/* Host names compare without ASCII case, as nginx and Envoy compare them. */
static const char *host_key(const char *name, char *key, size_t n)
{
    snprintf(key, n, "%s", name);
    for (char *c = key; *c; c++)
        *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
    return key;
}

static ng_hostrec *host_get(ng_world *w, const char *name)
{
    char key[300];
    host_key(name, key, sizeof key);
    long at = hmap_get(&w->hidx, key);
    if (at >= 0)
        return &w->hosts[at];
    if (w->nhosts == w->hcap) {
        size_t cap = w->hcap ? 2 * w->hcap : 16;
        ng_hostrec *nh = realloc(w->hosts, cap * sizeof *nh);
        if (!nh)
            return NULL;
        w->hosts = nh;
        w->hcap = cap;
    }
    if (hmap_put(&w->hidx, key, w->nhosts) < 0)
        return NULL;
    ng_hostrec *h = &w->hosts[w->nhosts++];
    memset(h, 0, sizeof *h);
    h->name = name;
    h->first = -1;
    return h;
}

static int host_add_path(ng_hostrec *h, const char *p)
{
    if (h->npaths == h->pcap) {
        size_t cap = h->pcap ? 2 * h->pcap : 8;
        const char **np = realloc(h->paths, cap * sizeof *np);
        if (!np)
            return -1;
        h->paths = np;
        h->pcap = cap;
    }
    h->paths[h->npaths++] = p;
    return 0;
}

static ng_loc *loc_add(ng_hostrec *h)
{
    if (h->nlocs == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 8;
        ng_loc *nl = realloc(h->locs, cap * sizeof *nl);
        if (!nl)
            return NULL;
        h->locs = nl;
        h->cap = cap;
    }
    ng_loc *l = &h->locs[h->nlocs];
    memset(l, 0, sizeof *l);
    l->seq = h->nlocs++;
    return l;
}

static bool is_root(const ng_loc *l)
{
    return l->type != ING_PATH_EXACT && !strcmp(l->path, "/");
}

/* Same location: same pathType and path, a trailing '/' ignored for Prefix
 * (both give `location /p/`); on a regex host the same path (both give
 * `~* "^p"`, and the first one listed is the one that ever matches). */
static bool same_loc(const ng_loc *l, bool regex, ing_path_type t, const char *p)
{
    if (regex)
        return !strcmp(l->path, p);
    if (l->type != t && !(is_root(l) && t != ING_PATH_EXACT && !strcmp(p, "/")))
        return false;
    if (t != ING_PATH_PREFIX)
        return !strcmp(l->path, p);
    size_t a = strlen(l->path), b = strlen(p);
    a -= a > 1 && l->path[a - 1] == '/';
    b -= b > 1 && p[b - 1] == '/';
    return a == b && !strncmp(l->path, p, a);
}

static ng_loc *loc_find(ng_hostrec *h, ing_path_type t, const char *p)
{
    for (size_t i = 0; i < h->nlocs; i++)
        if (same_loc(&h->locs[i], h->regex, t, p))
            return &h->locs[i];
    return NULL;
}

static int add_path(ng_hostrec *h, size_t gi, const ing_path *p)
{
    ng_loc *l = loc_find(h, p->type, p->path);
    if (l && !l->be && is_root(l)) {
        l->be = &p->backend; /* a `/` path takes the server's root location */
        l->ing = gi;
        l->type = p->type;
        return 0;
    }
    if (l)
        return 0; /* the older Ingress keeps the location */
    if (!(l = loc_add(h)))
        return -1;
    l->path = p->path;
    l->type = p->type;
    l->be = &p->backend;
    l->ing = gi;
    return 0;
}

static int add_server_rules(ng_world *w, size_t gi)
{
    ng_ing *g = &w->ing[gi];
    for (size_t r = 0; r < g->v.nrules; r++) {
        const ing_rule *rule = &g->v.rules[r];
        ng_hostrec *h = rule->host ? host_get(w, rule->host) : NULL;
        if (rule->host && !h)
            return -1;
        if (!h)
            continue;
        if (h->first < 0) {
            ng_loc *root = loc_add(h);
            if (!root)
                return -1;
            root->path = "/";
            root->type = ING_PATH_PREFIX;
            root->ing = gi;
            h->first = (long)gi;
        }
        if (g->restrict_host && !h->restrict_host) {
            h->restrict_host = g->restrict_host;
            h->host_cert_only = g->host_cert_only;
        }
        for (size_t k = 0; k < rule->npaths; k++)
            if (rule->paths[k].backend.service && add_path(h, gi, &rule->paths[k]) < 0)
                return -1;
    }
    return 0;
}

static void port_text(const ng_world *w, const char *ns, const ing_backend *be, char *out, size_t n,
                      bool *named)
{
    *named = false;
    if (be->port_number > 0) {
        snprintf(out, n, "%ld", be->port_number);
        return;
    }
    for (size_t i = 0; i < w->nsvc; i++) {
        if (strcmp(w->svc[i].ns, ns) || strcmp(w->svc[i].name, be->service))
            continue;
        long p = service_port_by_name(&w->svc[i], be->port_name ? be->port_name : "");
        if (p > 0) {
            snprintf(out, n, "%ld", p);
            return;
        }
    }
    *named = true;
    v_copy(out, n, be->port_name ? be->port_name : "");
}

static void add_canaries(ng_world *w, size_t gi)
{
    ng_ing *g = &w->ing[gi];
    for (size_t r = 0; r < g->v.nrules; r++) {
        const ing_rule *rule = &g->v.rules[r];
        char key[300];
        long at = rule->host ? hmap_get(&w->hidx, host_key(rule->host, key, sizeof key)) : -1;
        ng_hostrec *h = at >= 0 ? &w->hosts[at] : NULL;
        for (size_t k = 0; h && h->first >= 0 && k < rule->npaths; k++) {
            const ing_path *p = &rule->paths[k];
            ng_loc *l = p->backend.service ? loc_find(h, p->type, p->path) : NULL;
            if (!l || l->canary[0])
                continue;
            char port[64];
            bool named;
            port_text(w, g->v.ns, &p->backend, port, sizeof port, &named);
            snprintf(l->canary, sizeof l->canary, "%s/%s:%s", g->v.ns, p->backend.service, port);
        }
    }
}

static int loc_order(const void *pa, const void *pb)
{
    const ng_loc *a = pa, *b = pb;
    size_t la = strlen(a->path), lb = strlen(b->path);
    if (la != lb)
        return la > lb ? -1 : 1;
    int c = strcmp(b->path, a->path);
    return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

static bool has_exact(const ng_hostrec *h, const char *p)
{
    for (size_t i = 0; i < h->nlocs; i++)
        if (h->locs[i].type == ING_PATH_EXACT && !strcmp(h->locs[i].path, p))
            return true;
    return false;
}

/* The names location.go gives a location on a non-regex server. */
static int name_locations(ng_hostrec *h)
{
    for (size_t i = 0; i < h->nlocs; i++) {
        ng_loc *l = &h->locs[i];
        l->name[0] = l->path;
        l->exact[0] = l->type == ING_PATH_EXACT;
        if (l->type != ING_PATH_PREFIX || !strcmp(l->path, "/"))
            continue;
        size_t n = strlen(l->path);
        if (l->path[n - 1] != '/') {
            if (!(l->norm = malloc(n + 2)))
                return -1;
            memcpy(l->norm, l->path, n);
            memcpy(l->norm + n, "/", 2);
            l->name[0] = l->norm;
        }
        if (!has_exact(h, l->path)) {
            l->name[1] = l->path;
            l->exact[1] = true;
        }
    }
    return 0;
}

static int host_cmp(const void *pa, const void *pb)
{
    return strcmp(((const ng_hostrec *)pa)->name, ((const ng_hostrec *)pb)->name);
}

static int build_servers(ng_world *w)
{
    for (size_t i = 0; i < w->ning; i++)
        for (size_t r = 0; r < w->ing[i].v.nrules; r++) {
            const ing_rule *rule = &w->ing[i].v.rules[r];
            ng_hostrec *h = rule->host ? host_get(w, rule->host) : NULL;
            if (rule->host && !h)
                return -1;
            for (size_t k = 0; h && k < rule->npaths; k++)
                if (host_add_path(h, rule->paths[k].path) < 0)
                    return -1;
        }
    for (size_t i = 0; i < w->ning; i++) /* the regex mode first: it decides what is a duplicate */
        for (size_t r = 0; w->ing[i].served && !w->ing[i].canary && r < w->ing[i].v.nrules; r++) {
            const char *host = w->ing[i].v.rules[r].host;
            ng_hostrec *h = host && w->ing[i].s.regex ? host_get(w, host) : NULL;
            if (h)
                h->regex = true;
        }
    for (size_t i = 0; i < w->ning; i++)
        if (w->ing[i].served && !w->ing[i].canary && add_server_rules(w, i) < 0)
            return -1;
    for (size_t i = 0; i < w->ning; i++)
        if (w->ing[i].served && w->ing[i].canary)
            add_canaries(w, i);
    for (size_t i = 0; i < w->nhosts; i++) {
        if (w->hosts[i].nlocs)
            qsort(w->hosts[i].locs, w->hosts[i].nlocs, sizeof(ng_loc), loc_order);
        if (name_locations(&w->hosts[i]) < 0)
            return -1;
    }
    if (w->nhosts)
        qsort(w->hosts, w->nhosts, sizeof *w->hosts, host_cmp);
    hmap_free(&w->hidx);
    if (!(w->wild = calloc(w->nhosts ? w->nhosts : 1, sizeof *w->wild)))
        return -1;
    for (size_t i = 0; i < w->nhosts; i++) {
        char key[300];
        if (hmap_put(&w->hidx, host_key(w->hosts[i].name, key, sizeof key), i) < 0)
            return -1;
        if (w->hosts[i].name[0] == '*')
            w->wild[w->nwild++] = i;
    }
    return 0;
}

ng_world *ng_build(doc_node *const *objs, size_t n, mp_err *err)
{
    ng_world *w = calloc(1, sizeof *w);
    if (!w) {
        mp_errf(err, "out of memory");
        return NULL;
    }
    if (decode_all(w, objs, n, err) < 0) {
        ng_free(w);
        return NULL;
    }
    if (build_servers(w) < 0) {
        mp_errf(err, "out of memory");
        ng_free(w);
        return NULL;
    }
    return w;
}

void ng_free(ng_world *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->ning; i++) {
        ingress_view_free(&w->ing[i].v);
        ann_settings_free(&w->ing[i].s);
    }
    for (size_t i = 0; i < w->nsvc; i++)
        service_view_free(&w->svc[i]);
    for (size_t i = 0; i < w->nhosts; i++) {
        for (size_t k = 0; k < w->hosts[i].nlocs; k++)
            free(w->hosts[i].locs[k].norm);
        free(w->hosts[i].locs);
        free(w->hosts[i].paths);
    }
    free(w->hosts);
    free(w->wild);
    hmap_free(&w->hidx);
    free(w->ing);
    free(w->svc);
    free(w->classes);
    free(w);
}

size_t ng_nhosts(const ng_world *w)
{
    return w->nhosts;
}

const char *ng_host(const ng_world *w, size_t i)
{
    return w->hosts[i].name;
}

bool ng_host_regex(const ng_world *w, size_t i)
{
    return w->hosts[i].regex;
}

size_t ng_host_npaths(const ng_world *w, size_t i)
{
    return w->hosts[i].npaths;
}

const char *ng_host_path(const ng_world *w, size_t i, size_t j)
{
    return w->hosts[i].paths[j];
}

/* ---- answering ---------------------------------------------------------- */

/* nginx's server_name choice: the exact name, else the longest wildcard. */
static const ng_hostrec *find_server(const ng_world *w, const char *host)
{
    char key[300];
    long at = hmap_get(&w->hidx, host_key(host, key, sizeof key));
    if (at >= 0 && w->hosts[at].first >= 0)
        return &w->hosts[at];
    const ng_hostrec *best = NULL;
    for (size_t k = 0; k < w->nwild; k++) {
        const ng_hostrec *h = &w->hosts[w->wild[k]];
        if (h->first < 0 || !v_host_covers(h->name, host))
            continue;
        if (!best || strlen(h->name) > strlen(best->name))
            best = h;
    }
    return best;
}

static void redirect_answer(const ng_ing *g, const char *path, va_answer *out)
{
    out->kind = VA_REDIRECT;
    out->code = g->redir_code;
    const char *ru = strstr(g->redir_url, "$request_uri");
    if (ru && !ru[strlen("$request_uri")])
        snprintf(out->target, sizeof out->target, "%.*s%s", (int)(ru - g->redir_url), g->redir_url,
                 path);
    else
        v_copy(out->target, sizeof out->target, g->redir_url);
}

static void loc_answer(const ng_world *w, const ng_hostrec *h, const ng_loc *l, const char *path,
                       regoff_t caps[][2], va_answer *out)
{
    const ng_ing *g = &w->ing[l->ing];
    const ing_backend *be = l->be;
    if (!be && g->v.has_default)
        be = &g->v.default_backend;
    v_copy(out->ingress, sizeof out->ingress, g->ref);
    if (g->denied) {
        out->kind = VA_STATUS;
        out->code = 503;
        return;
    }
    if (g->redir_url) {
        redirect_answer(g, path, out);
        return;
    }
    if (!be || !be->service) {
        out->ingress[0] = 0;
        return; /* the controller's default backend: 404 */
    }
    out->kind = VA_SERVICE;
    snprintf(out->svc, sizeof out->svc, "%s/%s", g->v.ns, be->service);
    port_text(w, g->v.ns, be, out->port, sizeof out->port, &out->port_named);
    if (h->regex && g->rewrite && caps) {
        char rw[VA_PATH];
        vre_subst_dollar(g->rewrite, path, caps, rw, sizeof rw);
        if (strcmp(rw, path))
            v_copy(out->rewrite, sizeof out->rewrite, rw);
    }
    const char *r = g->restrict_at ? g->restrict_at : h->restrict_host;
    if (r) {
        v_copy(out->restricted, sizeof out->restricted, r);
        out->cert_only = !g->restrict_at && h->host_cert_only;
    }
    v_copy(out->canary, sizeof out->canary, l->canary);
}

static void regex_pick(const ng_world *w, vre_cache *rc, const ng_hostrec *h, const char *path,
                       va_answer *out)
{
    for (size_t i = 0; i < h->nlocs; i++) {
        regoff_t caps[VRE_NCAP][2];
        char why[VA_PATH];
        int m = vre_match(rc, h->locs[i].path, VRE_NGINX, path, caps, why, sizeof why);
        if (m < 0) {
            out->kind = VA_UNKNOWN;
            snprintf(out->target, sizeof out->target, "location ~* \"^%.300s\": %.600s",
                     h->locs[i].path, why);
            return;
        }
        if (m == 1) {
            loc_answer(w, h, &h->locs[i], path, caps, out);
            return;
        }
    }
}

/* The static location tree's choice (ngx_http_core_find_static_location). */
static void static_pick(const ng_world *w, const ng_hostrec *h, const char *path, va_answer *out)
{
    size_t plen = strlen(path), best_len = 0;
    const ng_loc *exact = NULL, *named = NULL, *slash = NULL, *best = NULL;
    const char *slash_name = NULL;
    for (size_t i = 0; i < h->nlocs; i++) {
        const ng_loc *l = &h->locs[i];
        for (int k = 0; k < 2 && l->name[k]; k++) {
            const char *nm = l->name[k];
            size_t n = strlen(nm);
            if (!strcmp(nm, path)) {
                if (l->exact[k] && !exact)
                    exact = l;
                if (!l->exact[k] && !named)
                    named = l;
            }
            if (n == plen + 1 && nm[plen] == '/' && !strncmp(nm, path, plen) && !slash)
                slash = l, slash_name = nm;
            if (!l->exact[k] && n > best_len && !strncmp(nm, path, n))
                best = l, best_len = n;
        }
    }
    if (exact || named) {
        loc_answer(w, h, exact ? exact : named, path, NULL, out);
    } else if (slash) {
        out->kind = VA_REDIRECT;
        out->code = 301;
        v_copy(out->target, sizeof out->target, slash_name);
        v_copy(out->ingress, sizeof out->ingress, w->ing[slash->ing].ref);
    } else if (best) {
        loc_answer(w, h, best, path, NULL, out);
    }
}

void ng_answer(const ng_world *w, vre_cache *rc, const char *host, const char *path, va_answer *out)
{
    va_init(out);
    const ng_hostrec *h = find_server(w, host);
    if (!h)
        return;
    for (size_t i = 0; !strcmp(path, "/") && i < h->nlocs; i++) {
        const ng_ing *g = &w->ing[h->locs[i].ing];
        if (g->app_root) {
            out->kind = VA_REDIRECT;
            out->code = 302;
            v_copy(out->target, sizeof out->target, g->app_root);
            v_copy(out->ingress, sizeof out->ingress, g->ref);
            return;
        }
    }
    if (h->regex)
        regex_pick(w, rc, h, path, out);
    else
        static_pick(w, h, path, out);
}
