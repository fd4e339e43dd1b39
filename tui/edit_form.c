/*
 * edit_form.c - the rows of each form section, built from the working
 * tree (bindings: edit_bind.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/docpath.h"
#include "model/kobj.h"
#include "model/routecheck.h"
#include "model/validate.h"
#include "tui/edit_form.h"
#include "tui/edit_int.h"

#define LABEL_W 17
#define KIND_W  8 /* exact / prefix / regex */

static const char *const section_names[SEC_COUNT] = {"Hosts", "TLS", "CORS", "Routes", "Basics"};

const char *ef_section_name(ef_section s)
{
    return (unsigned)s < SEC_COUNT ? section_names[s] : "?";
}

bool ef_section_has(const char *kind, ef_section s)
{
    if (!kind)
        return false;
    if (!strcmp(kind, "VirtualService"))
        return s == SEC_HOSTS || s == SEC_CORS || s == SEC_ROUTES || s == SEC_BASICS;
    if (!strcmp(kind, "Gateway"))
        return s == SEC_HOSTS || s == SEC_TLS;
    return false;
}

void ef_init(ef_form *f)
{
    memset(f, 0, sizeof *f);
}

static void free_bindings(ef_form *f)
{
    for (size_t i = 0; i < f->nb; i++) {
        for (size_t c = 0; c < f->b[i].nchoices; c++)
            free(f->b[i].choices[c]);
        free(f->b[i].choices);
    }
    f->nb = 0;
}

void ef_free(ef_form *f)
{
    free_bindings(f);
    free(f->b);
    free(f->rows);
    memset(f, 0, sizeof *f);
}

const binding *ef_binding(const ef_form *f, int id)
{
    return id >= 0 && (size_t)id < f->nb ? &f->b[id] : NULL;
}

int ef_find(const ef_form *f, const char *path, bind_kind kind)
{
    for (size_t i = 0; i < f->nb; i++)
        if (f->b[i].kind == kind && !strcmp(f->b[i].path, path))
            return (int)i;
    return -1;
}

static bool typed(bind_kind k)
{
    return k == B_STR || k == B_STR_KEEP || k == B_INT || k == B_KEYVAL || k == B_CSV;
}

int ef_find_under(const ef_form *f, const char *prefix)
{
    size_t pl = strlen(prefix);
    int first = -1;
    for (size_t i = 0; i < f->nb; i++) {
        const char *p = f->b[i].path;
        if (f->b[i].kind == B_ACTION || strncmp(p, prefix, pl) != 0 ||
            (p[pl] != 0 && p[pl] != '.' && p[pl] != '['))
            continue;
        if (typed(f->b[i].kind)) /* a new item is typed into first */
            return (int)i;
        if (first < 0)
            first = (int)i;
    }
    return first;
}

/* ---- building rows -------------------------------------------------------------- */

typedef struct {
    ef_form *f;
    const doc_node *work;
    const ef_select *sel;
    const ef_context *ctx;
    const char *ns;
    char (*anchor)[256]; /* per row: the item path a heading stands for */
    size_t capanchor;
    bool oom;
} bld;

static long add_row(bld *b, int indent, const char *label, bool heading)
{
    ef_form *f = b->f;
    if (f->nrows == f->caprows) {
        size_t cap = f->caprows ? f->caprows * 2 : 64;
        form_row *v = realloc(f->rows, cap * sizeof *v);
        if (!v) {
            b->oom = true;
            return -1;
        }
        f->rows = v;
        f->caprows = cap;
    }
    if (f->nrows >= b->capanchor) { /* anchors live for one build only */
        char(*a)[256] = realloc(b->anchor, f->caprows * sizeof *a);
        if (!a) {
            b->oom = true;
            return -1;
        }
        b->anchor = a;
        b->capanchor = f->caprows;
    }
    form_row *r = &f->rows[f->nrows];
    memset(r, 0, sizeof *r);
    r->indent = indent;
    r->heading = heading;
    r->label_w = heading ? 0 : LABEL_W - indent;
    snprintf(r->label, sizeof r->label, "%s", label);
    b->anchor[f->nrows][0] = 0;
    return (long)f->nrows++;
}

static void heading(bld *b, int indent, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void heading(bld *b, int indent, const char *fmt, ...)
{
    char buf[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    add_row(b, indent, buf, true);
}

/* A row shows one note: a finding replaces a hint (dim), never another
 * finding (errors are attached first). */
static void row_note(bld *b, long row, color_role role, const char *text)
{
    if (row < 0)
        return;
    const form_row *r = &b->f->rows[row];
    if (r->note[0] && !(r->note_role == ROLE_ROW_DIM && role != ROLE_ROW_DIM))
        return;
    snprintf(b->f->rows[row].note, sizeof b->f->rows[row].note, "%s", text);
    b->f->rows[row].note_role = role;
}

/* A field in row bound by t; returns its id. */
static int add_field(bld *b, long row, ff_kind kind, int width, const binding *t)
{
    ef_form *f = b->f;
    if (row < 0 || f->rows[row].nf >= 2)
        return -1;
    if (f->nb == f->capb) {
        size_t cap = f->capb ? f->capb * 2 : 64;
        binding *v = realloc(f->b, cap * sizeof *v);
        if (!v) {
            b->oom = true;
            return -1;
        }
        f->b = v;
        f->capb = cap;
    }
    int id = (int)f->nb++;
    f->b[id] = *t;
    form_field *ff = &f->rows[row].f[f->rows[row].nf++];
    memset(ff, 0, sizeof *ff);
    ff->kind = kind;
    ff->id = id;
    ff->width = width;
    if (t->kind == B_SELECT || t->kind == B_ACTION)
        snprintf(ff->value, sizeof ff->value, "%s", t->arg);
    else
        ef_get(&f->b[id], b->work, ff->value, sizeof ff->value);
    return id;
}

static binding bnd(bind_kind kind, const char *path, const char *list, long index)
{
    binding t;
    memset(&t, 0, sizeof t);
    t.kind = kind;
    snprintf(t.path, sizeof t.path, "%s", path);
    snprintf(t.list, sizeof t.list, "%s", list ? list : "");
    t.index = index;
    return t;
}

/* Copies a NULL-terminated or counted list of strings into t.choices. */
static void set_choices(bld *b, binding *t, const char *const *c, size_t n)
{
    t->choices = n ? calloc(n, sizeof *t->choices) : NULL;
    for (size_t i = 0; t->choices && i < n; i++)
        if ((t->choices[i] = strdup(c[i])))
            t->nchoices++;
    if (n && !t->choices)
        b->oom = true;
}

static int text_row(bld *b, int indent, const char *label, bind_kind kind, const char *path,
                    const char *list, long index)
{
    long r = add_row(b, indent, label, false);
    binding t = bnd(kind, path, list, index);
    return add_field(b, r, FF_TEXT, 0, &t);
}

static int choice_row(bld *b, int indent, const char *label, bind_kind kind, const char *path,
                      const char *const *choices, size_t n)
{
    long r = add_row(b, indent, label, false);
    binding t = bnd(kind, path, NULL, -1);
    set_choices(b, &t, choices, n);
    return add_field(b, r, FF_CHOICE, 0, &t);
}

static int toggle_row(bld *b, int indent, const char *label, bind_kind kind, const char *path,
                      const char *arg, const char *const *choices, size_t n)
{
    long r = add_row(b, indent, label, false);
    binding t = bnd(kind, path, NULL, -1);
    snprintf(t.arg, sizeof t.arg, "%s", arg ? arg : "");
    set_choices(b, &t, choices, n);
    return add_field(b, r, FF_TOGGLE, 3, &t);
}

static int button_row(bld *b, int indent, const char *text, const char *list)
{
    long r = add_row(b, indent, "", false);
    binding t = bnd(B_ACTION, "", list, -1);
    snprintf(t.arg, sizeof t.arg, "%s", text);
    return add_field(b, r, FF_BUTTON, (int)strlen(text) + 4, &t);
}

/* A selector row: choices are labels, cur the selected one. */
static void select_row(bld *b, const char *label, const char *which, char **labels, size_t n,
                       size_t cur)
{
    if (!n)
        return;
    long r = add_row(b, 0, label, false);
    binding t = bnd(B_SELECT, "", NULL, -1);
    set_choices(b, &t, (const char *const *)labels, n);
    snprintf(t.arg, sizeof t.arg, "%s", which);
    int id = add_field(b, r, FF_CHOICE, 0, &t);
    if (id >= 0)
        snprintf(b->f->rows[r].f[0].value, sizeof b->f->rows[r].f[0].value, "%s",
                 labels[cur < n ? cur : 0]);
}

static void free_labels(char **l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(l[i]);
    free(l);
}

/* ---- store lookups ----------------------------------------------------------------- */

static void fqdn(const ef_context *ctx, const char *ns, const char *name, char *buf, size_t n)
{
    snprintf(buf, n, "%s.%s.svc.%s", name, ns,
             ctx->domain_suffix ? ctx->domain_suffix : "cluster.local");
}

void ef_first_service(const ef_context *ctx, const char *ns, char *host, size_t n, long *port)
{
    const store_obj **svcs = NULL;
    size_t ns_count = ctx->store && ns ? store_list(ctx->store, "Service", ns, &svcs) : 0;
    host[0] = 0;
    *port = 0;
    if (ns_count && ns_count != (size_t)-1) {
        fqdn(ctx, ns, svcs[0]->name, host, n);
        long long p;
        if (doc_as_int(docpath_get(svcs[0]->doc, "spec.ports[0].port"), &p))
            *port = (long)p;
    }
    free(svcs);
}

/* Services of the tenant as destination hosts, plus the current value. */
static void service_choices(bld *b, binding *t, const char *cur)
{
    const store_obj **svcs = NULL;
    size_t n = b->ctx->store && b->ns ? store_list(b->ctx->store, "Service", b->ns, &svcs) : 0;
    if (n == (size_t)-1)
        n = 0;
    char **c = calloc(n + 1, sizeof *c);
    size_t k = 0;
    bool have = !*cur;
    for (size_t i = 0; c && i < n; i++) {
        char h[300];
        fqdn(b->ctx, b->ns, svcs[i]->name, h, sizeof h);
        have |= !strcmp(h, cur);
        c[k++] = strdup(h);
    }
    if (c && !have)
        c[k++] = strdup(cur);
    free(svcs);
    set_choices(b, t, (const char *const *)c, k);
    free_labels(c, k);
}

/* The Service a destination host names (name, name.ns, name.ns.svc...). */
const store_obj *ef_service_of(const ef_context *ctx, const char *ns_default, const char *host)
{
    if (!ctx->store || !host || !*host)
        return NULL;
    char name[256], ns[256];
    size_t l = strcspn(host, ".");
    snprintf(name, sizeof name, "%.*s", (int)l, host);
    const char *rest = host[l] ? host + l + 1 : NULL;
    snprintf(ns, sizeof ns, "%.*s", rest ? (int)strcspn(rest, ".") : 0, rest ? rest : "");
    return store_get(ctx->store, "Service", *ns ? ns : (ns_default ? ns_default : ""), name);
}

/* Ports of the destination's Service; the label says their names. */
static void port_choices(bld *b, binding *t, const char *host, const char *cur, char *label,
                         size_t n)
{
    const store_obj *svc = ef_service_of(b->ctx, b->ns, host);
    const doc_node *ports = svc ? docpath_get(svc->doc, "spec.ports") : NULL;
    char *c[65];
    size_t k = 0;
    bool have = !*cur;
    snprintf(label, n, "port");
    for (size_t i = 0; doc_is_seq(ports) && i < ports->len && k < 64; i++) {
        const char *p = docpath_str(ports->items[i], "port");
        if (!p)
            continue;
        have |= !strcmp(p, cur);
        const char *pn = docpath_str(ports->items[i], "name");
        if (pn && !strcmp(p, cur))
            snprintf(label, n, "port (%s)", pn);
        c[k++] = strdup(p);
    }
    if (!have && k < 65)
        c[k++] = strdup(cur);
    set_choices(b, t, (const char *const *)c, k);
    for (size_t i = 0; i < k; i++)
        free(c[i]);
}

/* ---- sections ----------------------------------------------------------------------- */

static void list_rows(bld *b, const char *title, const char *list, const char *item,
                      const char *add)
{
    heading(b, 0, "%s", title);
    const doc_node *seq = docpath_get(b->work, list);
    char p[300], label[40];
    for (size_t i = 0; doc_is_seq(seq) && i < seq->len; i++) {
        snprintf(label, sizeof label, "%s %zu", item, i + 1);
        text_row(b, 2, label, B_STR_KEEP, docpath_index(p, sizeof p, list, i), list, (long)i);
    }
    button_row(b, 2, add, list);
}

static void sec_vs_hosts(bld *b)
{
    list_rows(b, "Hosts (spec.hosts)", "spec.hosts", "host", "+ add host");
    list_rows(b, "Gateways (spec.gateways)", "spec.gateways", "gateway", "+ add gateway");
}

static size_t nroutes(const bld *b)
{
    const doc_node *http = docpath_get(b->work, "spec.http");
    return doc_is_seq(http) ? http->len : 0;
}

static char **route_labels(bld *b, size_t *n, bool with_all)
{
    size_t nr = nroutes(b);
    char **l = calloc(nr + 1, sizeof *l);
    *n = 0;
    if (!l)
        return NULL;
    if (with_all)
        l[(*n)++] = strdup("all routes");
    for (size_t i = 0; i < nr; i++) {
        char p[64], buf[200];
        snprintf(p, sizeof p, "spec.http[%zu].name", i);
        const char *name = docpath_str(b->work, p);
        snprintf(buf, sizeof buf, "route %zu%s%s", i + 1, name ? " " : "", name ? name : "");
        l[(*n)++] = strdup(buf);
    }
    return l;
}

static void origin_rows(bld *b, const char *cors)
{
    static const char *const kinds[] = {"exact", "prefix", "regex"};
    char list[300], rp[300];
    docpath_key(list, sizeof list, cors, "allowOrigins");
    heading(b, 0, "Allowed origins");
    const doc_node *seq = docpath_get(b->work, ef_read_path(list, rp, sizeof rp));
    for (size_t i = 0; doc_is_seq(seq) && i < seq->len; i++) {
        char p[320], label[32];
        snprintf(label, sizeof label, "origin %zu", i + 1);
        long r = add_row(b, 2, label, false);
        docpath_index(p, sizeof p, list, i);
        binding k = bnd(B_KEYNAME, p, list, (long)i);
        set_choices(b, &k, kinds, 3);
        add_field(b, r, FF_CHOICE, KIND_W, &k);
        binding v = bnd(B_KEYVAL, p, list, (long)i);
        add_field(b, r, FF_TEXT, 0, &v);
    }
    button_row(b, 2, "+ add origin", list);
}

static void sec_cors(bld *b)
{
    size_t nl;
    char **labels = route_labels(b, &nl, true);
    if (nl <= 1) {
        long r = add_row(b, 0, "no HTTP routes: add one in Routes first", true);
        (void)r;
        free_labels(labels, nl);
        return;
    }
    long scope = b->sel->cors_scope;
    select_row(b, "CORS of", "cors", labels, nl, scope < 0 ? 0 : (size_t)scope + 1);
    free_labels(labels, nl);
    char cors[128];
    if (scope < 0)
        snprintf(cors, sizeof cors, "spec.http[*].corsPolicy");
    else
        snprintf(cors, sizeof cors, "spec.http[%ld].corsPolicy", scope);
    origin_rows(b, cors);
    heading(b, 0, "Allowed methods");
    size_t nm;
    const char *const *methods = val_methods(&nm);
    char p[300];
    for (size_t i = 0; i < nm; i++)
        toggle_row(b, 2, methods[i], B_MEMBER, docpath_key(p, sizeof p, cors, "allowMethods"),
                   methods[i], methods, nm);
    heading(b, 0, "Headers and caching");
    text_row(b, 2, "allow headers", B_CSV, docpath_key(p, sizeof p, cors, "allowHeaders"), NULL,
             -1);
    text_row(b, 2, "expose headers", B_CSV, docpath_key(p, sizeof p, cors, "exposeHeaders"), NULL,
             -1);
    toggle_row(b, 2, "credentials", B_BOOL, docpath_key(p, sizeof p, cors, "allowCredentials"),
               NULL, NULL, 0);
    text_row(b, 2, "max age", B_STR, docpath_key(p, sizeof p, cors, "maxAge"), NULL, -1);
}

static void match_rows(bld *b, const char *rp, size_t k)
{
    static const char *const kinds[] = {"prefix", "exact", "regex"};
    char list[300];
    docpath_key(list, sizeof list, rp, "match");
    const doc_node *ms = docpath_get(b->work, list);
    for (size_t j = 0; doc_is_seq(ms) && j < ms->len; j++) {
        char p[320], up[340], label[32];
        snprintf(label, sizeof label, "match %zu", j + 1);
        long r = add_row(b, 2, label, false);
        docpath_index(p, sizeof p, list, j);
        docpath_key(up, sizeof up, p, "uri");
        binding kd = bnd(B_KEYNAME, up, list, (long)j);
        set_choices(b, &kd, kinds, 3);
        add_field(b, r, FF_CHOICE, KIND_W, &kd);
        binding v = bnd(B_KEYVAL, up, list, (long)j);
        add_field(b, r, FF_TEXT, 0, &v);
    }
    if (!doc_is_seq(ms) || !ms->len) {
        long r = add_row(b, 2, "match", false);
        row_note(b, r, ROLE_INFO, "none: this route takes every request that reaches it");
    }
    (void)k;
    button_row(b, 2, "+ add match", list);
}

static void destination_rows(bld *b, const char *rp)
{
    char list[300];
    docpath_key(list, sizeof list, rp, "route");
    const doc_node *ds = docpath_get(b->work, list);
    for (size_t d = 0; doc_is_seq(ds) && d < ds->len; d++) {
        char p[320], hp[360], pp[360], wp[360], label[40];
        docpath_index(p, sizeof p, list, d);
        docpath_join(hp, sizeof hp, p, "destination.host");
        docpath_join(pp, sizeof pp, p, "destination.port.number");
        const char *host = docpath_str(b->work, hp);
        snprintf(label, sizeof label, "to %zu", d + 1);
        long r = add_row(b, 2, label, false);
        binding h = bnd(B_DEST_HOST, hp, list, (long)d);
        service_choices(b, &h, host ? host : "");
        add_field(b, r, FF_CHOICE, 0, &h);
        const char *port = docpath_str(b->work, pp);
        binding pt = bnd(B_DEST_PORT, pp, list, (long)d);
        char plabel[64];
        port_choices(b, &pt, host, port ? port : "", plabel, sizeof plabel);
        r = add_row(b, 4, plabel, false);
        bool known = ef_service_of(b->ctx, b->ns, host) != NULL;
        add_field(b, r, pt.nchoices ? FF_CHOICE : FF_TEXT, 0, &pt);
        if (known && port && !strcmp(plabel, "port")) {
            char msg[160];
            snprintf(msg, sizeof msg, "%s is not a port of this Service", port);
            row_note(b, r, ROLE_WARNING, msg);
        }
        if (ds->len > 1 || docpath_get(b->work, docpath_key(wp, sizeof wp, p, "weight")))
            text_row(b, 4, "weight", B_INT, docpath_key(wp, sizeof wp, p, "weight"), list, (long)d);
    }
    button_row(b, 2, "+ add destination", list);
}

static void route_rows(bld *b, size_t k, long shadow)
{
    char rp[64], p[300];
    snprintf(rp, sizeof rp, "spec.http[%zu]", k);
    const char *name = docpath_str(b->work, docpath_key(p, sizeof p, rp, "name"));
    heading(b, 0, "Route %zu%s%s%s", k + 1, name ? "  " : "", name ? name : "",
            k == 0 ? "  (first match)" : "");
    snprintf(b->anchor[b->f->nrows - 1], sizeof b->anchor[0], "%s", rp);
    if (shadow >= 0) {
        char msg[160];
        snprintf(msg, sizeof msg, "never reached: route %ld takes its requests first", shadow + 1);
        row_note(b, (long)b->f->nrows - 1, ROLE_WARNING, msg);
    }
    text_row(b, 2, "name", B_STR, docpath_key(p, sizeof p, rp, "name"), "spec.http", (long)k);
    match_rows(b, rp, k);
    if (docpath_get(b->work, docpath_key(p, sizeof p, rp, "route")))
        destination_rows(b, rp);
    else {
        long r = add_row(b, 2, "to", false);
        row_note(b, r, ROLE_INFO, "not a forwarding route (redirect or direct response): use E");
    }
    text_row(b, 2, "rewrite uri", B_STR, docpath_join(p, sizeof p, rp, "rewrite.uri"), "spec.http",
             (long)k);
}

static void sec_routes(bld *b)
{
    size_t n = nroutes(b);
    long *by = n ? calloc(n, sizeof *by) : NULL;
    if (n && !by) {
        b->oom = true;
        return;
    }
    route_shadows(b->work, by, n);
    for (size_t k = 0; k < n; k++)
        route_rows(b, k, by[k]);
    free(by);
    button_row(b, 0, "+ add route", "spec.http");
}

static void sec_basics(bld *b)
{
    size_t nl;
    char **labels = route_labels(b, &nl, false);
    if (!nl) {
        add_row(b, 0, "no HTTP routes: add one in Routes first", true);
        free_labels(labels, nl);
        return;
    }
    size_t k = b->sel->route < nl ? b->sel->route : 0;
    select_row(b, "route", "route", labels, nl, k);
    free_labels(labels, nl);
    char rp[64], p[300];
    snprintf(rp, sizeof rp, "spec.http[%zu]", k);
    heading(b, 0, "Timeout (empty: none)");
    text_row(b, 2, "timeout", B_STR, docpath_key(p, sizeof p, rp, "timeout"), NULL, -1);
    heading(b, 0, "Retries");
    text_row(b, 2, "attempts", B_INT, docpath_join(p, sizeof p, rp, "retries.attempts"), NULL, -1);
    text_row(b, 2, "per try timeout", B_STR, docpath_join(p, sizeof p, rp, "retries.perTryTimeout"),
             NULL, -1);
    text_row(b, 2, "retry on", B_STR, docpath_join(p, sizeof p, rp, "retries.retryOn"), NULL, -1);
}

static char **server_labels(bld *b, size_t *n)
{
    const doc_node *ss = docpath_get(b->work, "spec.servers");
    size_t ns = doc_is_seq(ss) ? ss->len : 0;
    char **l = calloc(ns + 1, sizeof *l);
    *n = 0;
    for (size_t i = 0; l && i < ns; i++) {
        const char *name = docpath_str(ss->items[i], "port.name");
        const char *num = docpath_str(ss->items[i], "port.number");
        const char *proto = docpath_str(ss->items[i], "port.protocol");
        char buf[200];
        snprintf(buf, sizeof buf, "server %zu %s %s/%s", i + 1, name ? name : "-", num ? num : "?",
                 proto ? proto : "?");
        l[(*n)++] = strdup(buf);
    }
    return l;
}

/* The server selector; returns the selected server's path or false. */
static bool server_select(bld *b, char *sp, size_t n)
{
    size_t nl;
    char **labels = server_labels(b, &nl);
    if (!nl) {
        free_labels(labels, nl);
        add_row(b, 0, "no servers", true);
        button_row(b, 2, "+ add server", "spec.servers");
        return false;
    }
    size_t s = b->sel->server < nl ? b->sel->server : 0;
    select_row(b, "server", "server", labels, nl, s);
    free_labels(labels, nl);
    snprintf(sp, n, "spec.servers[%zu]", s);
    return true;
}

static void sec_gw_hosts(bld *b)
{
    static const char *const protos[] = {"HTTP", "HTTPS", "GRPC", "HTTP2", "TCP", "TLS"};
    char sp[64], p[300];
    if (!server_select(b, sp, sizeof sp))
        return;
    heading(b, 0, "Port");
    text_row(b, 2, "number", B_INT, docpath_join(p, sizeof p, sp, "port.number"), NULL, -1);
    choice_row(b, 2, "protocol", B_ENUM, docpath_join(p, sizeof p, sp, "port.protocol"), protos, 6);
    text_row(b, 2, "name", B_STR, docpath_join(p, sizeof p, sp, "port.name"), NULL, -1);
    char list[300];
    docpath_key(list, sizeof list, sp, "hosts");
    list_rows(b, "Hosts", list, "host", "+ add host");
    button_row(b, 0, "+ add server", "spec.servers");
}

/* TLS Secrets the gateway can read (its namespace) and the tenant's own. */
static void secret_choices(bld *b, binding *t)
{
    const char *nss[2] = {b->ctx->gateway_namespace, b->ns};
    char *c[128];
    size_t k = 0;
    for (int i = 0; i < 2; i++) {
        const store_obj **list = NULL;
        size_t n = b->ctx->store && nss[i] ? store_list(b->ctx->store, "Secret", nss[i], &list) : 0;
        for (size_t j = 0; n != (size_t)-1 && j < n && k < 128; j++) {
            const char *type = docpath_str(list[j]->doc, "type");
            if (type && strcmp(type, "kubernetes.io/tls") != 0)
                continue;
            char buf[400];
            snprintf(buf, sizeof buf, "%s (%s%s)", list[j]->name, nss[i],
                     i ? ": not readable by the gateway" : "");
            c[k++] = strdup(buf);
        }
        free(list);
        if (i == 0 && nss[1] && nss[0] && !strcmp(nss[0], nss[1]))
            break;
    }
    set_choices(b, t, (const char *const *)c, k);
    for (size_t i = 0; i < k; i++)
        free(c[i]);
}

static void sec_gw_tls(bld *b)
{
    static const char *const modes[] = {"none", "SIMPLE", "MUTUAL", "PASSTHROUGH"};
    static const char *const versions[] = {"(default)", "TLS_AUTO", "TLSV1_0",
                                           "TLSV1_1",   "TLSV1_2",  "TLSV1_3"};
    char sp[64], p[300];
    if (!server_select(b, sp, sizeof sp))
        return;
    heading(b, 0, "TLS");
    choice_row(b, 2, "mode", B_TLS_MODE, sp, modes, 4);
    long r = add_row(b, 2, "certificate", false);
    binding t = bnd(B_STR, docpath_join(p, sizeof p, sp, "tls.credentialName"), NULL, -1);
    t.picker = true;
    secret_choices(b, &t);
    add_field(b, r, FF_TEXT, 0, &t);
    row_note(b, r, ROLE_ROW_DIM, "Enter: pick a TLS Secret");
    toggle_row(b, 2, "https redirect", B_BOOL, docpath_join(p, sizeof p, sp, "tls.httpsRedirect"),
               NULL, NULL, 0);
    choice_row(b, 2, "min TLS version", B_ENUM,
               docpath_join(p, sizeof p, sp, "tls.minProtocolVersion"), versions, 6);
}

/* ---- findings -------------------------------------------------------------------------- */

/* Does a binding path (maybe with "[*]") name the finding's path? */
static bool path_matches(const char *bpath, const char *fpath)
{
    while (*bpath && *fpath) {
        if (!strncmp(bpath, "[*]", 3) && *fpath == '[') {
            bpath += 3;
            fpath += strcspn(fpath, "]") + (fpath[strcspn(fpath, "]")] == ']');
            continue;
        }
        if (*bpath++ != *fpath++)
            return false;
    }
    return !*bpath && !*fpath;
}

static long row_of_id(const ef_form *f, int id)
{
    for (size_t r = 0; r < f->nrows; r++)
        for (int i = 0; i < f->rows[r].nf; i++)
            if (f->rows[r].f[i].id == id)
                return (long)r;
    return -1;
}

/* The row a finding belongs to: the field holding the value, else the
 * item heading, else the first field under the path. */
static long finding_row(const bld *b, const char *path, int *field)
{
    const ef_form *f = b->f;
    *field = -1;
    for (size_t i = 0; i < f->nb; i++) {
        const binding *b = &f->b[i];
        /* a KEYVAL field shows the value under the one key of its map */
        char keyed[300];
        snprintf(keyed, sizeof keyed, "%.*s",
                 (int)(strrchr(path, '.') ? strrchr(path, '.') - path : 0), path);
        if ((b->kind != B_ACTION && b->kind != B_SELECT && path_matches(b->path, path)) ||
            (b->kind == B_KEYVAL && keyed[0] && path_matches(b->path, keyed))) {
            *field = (int)i;
            return row_of_id(f, (int)i);
        }
    }
    for (size_t r = 0; r < f->nrows; r++)
        if (b->anchor[r][0] && !strcmp(b->anchor[r], path))
            return (long)r;
    size_t pl = strlen(path);
    for (size_t i = 0; i < f->nb; i++)
        if (!strncmp(f->b[i].path, path, pl) &&
            (f->b[i].path[pl] == '.' || f->b[i].path[pl] == '['))
            return row_of_id(f, (int)i);
    return -1;
}

static void attach_findings(bld *b, const mp_warnings *w)
{
    size_t elsewhere = 0;
    for (int pass = 0; pass < 2; pass++) /* errors first: a row shows one note */
        for (size_t i = 0; w && i < w->len; i++) {
            const mp_warning *x = &w->items[i];
            if ((pass == 0) != (x->sev == MP_SEV_ERROR))
                continue;
            int field;
            long r = finding_row(b, x->field, &field);
            x->sev == MP_SEV_ERROR ? b->f->errors++ : b->f->warnings++;
            if (r >= 0) {
                if (x->sev == MP_SEV_ERROR && field >= 0)
                    for (int k = 0; k < b->f->rows[r].nf; k++)
                        b->f->rows[r].f[k].invalid |= b->f->rows[r].f[k].id == field;
                row_note(b, r, x->sev == MP_SEV_ERROR ? ROLE_ERROR : ROLE_WARNING, x->message);
                continue;
            }
            if (!elsewhere++)
                heading(b, 0, "Elsewhere in this object");
            char line[FORM_NOTE_MAX];
            snprintf(line, sizeof line, "%s: %s", x->field, x->message);
            long nr = add_row(b, 2, "", false);
            row_note(b, nr, x->sev == MP_SEV_ERROR ? ROLE_ERROR : ROLE_WARNING, line);
        }
}

int ef_build(ef_form *f, const doc_node *work, const ef_select *sel, const ef_context *ctx,
             const mp_warnings *findings)
{
    free_bindings(f);
    f->nrows = 0;
    f->errors = f->warnings = 0;
    bld b = {f, work, sel, ctx, kobj_namespace(work), NULL, 0, false};
    if (ctx->nobjects > 1)
        select_row(&b, "object", "object", (char **)ctx->objects, ctx->nobjects, sel->obj);
    const char *kind = kobj_kind(work);
    if (!ef_section_has(kind, sel->section)) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s has no %s form: E edits its YAML", kind ? kind : "object",
                 ef_section_name(sel->section));
        add_row(&b, 0, msg, true);
    } else if (!strcmp(kind, "VirtualService")) {
        void (*vs[SEC_COUNT])(bld *) = {sec_vs_hosts, NULL, sec_cors, sec_routes, sec_basics};
        vs[sel->section](&b);
    } else {
        void (*gw[SEC_COUNT])(bld *) = {sec_gw_hosts, sec_gw_tls, NULL, NULL, NULL};
        gw[sel->section](&b);
    }
    attach_findings(&b, findings);
    free(b.anchor);
    return b.oom ? -1 : 0;
}
