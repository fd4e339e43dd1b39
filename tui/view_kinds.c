/*
 * view_kinds.c - :svc, :dr, :ap, :secrets: the tenant's objects of a kind
 * the resources tabs do not have, as a table in the detail pane (Secrets
 * by metadata only: the store never holds their data).
 *
 * One table of kinds: name, commands, and the cells of each column.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/docpath.h"
#include "model/strbuf.h"
#include "tui/rows.h"
#include "tui/textview.h"

typedef void (*cells_fn)(const doc_node *o, char *a, char *b, size_t n);

static void service_cells(const doc_node *o, char *a, char *b, size_t n)
{
    const char *type = docpath_str(o, "spec.type");
    snprintf(a, n, "%s", type ? type : "ClusterIP");
    const doc_node *ports = docpath_get(o, "spec.ports");
    size_t l = 0;
    b[0] = 0;
    for (size_t i = 0; doc_is_seq(ports) && i < ports->len && l < n; i++) {
        const char *name = docpath_str(ports->items[i], "name");
        const char *port = docpath_str(ports->items[i], "port");
        const char *proto = docpath_str(ports->items[i], "protocol");
        l += (size_t)snprintf(b + l, n - l, "%s%s%s%s/%s", i ? "," : "", name ? name : "",
                              name ? ":" : "", port ? port : "?", proto ? proto : "TCP");
    }
}

static void dr_cells(const doc_node *o, char *a, char *b, size_t n)
{
    const char *host = docpath_str(o, "spec.host");
    snprintf(a, n, "%s", host ? host : "-");
    const char *lb = docpath_str(o, "spec.trafficPolicy.loadBalancer.simple");
    const char *tls = docpath_str(o, "spec.trafficPolicy.tls.mode");
    const char *h2 = docpath_str(o, "spec.trafficPolicy.connectionPool.http.h2UpgradePolicy");
    snprintf(b, n, "%s%s%s%s%s%s", lb ? "lb " : "", lb ? lb : "", tls ? " tls " : "",
             tls ? tls : "", h2 ? " h2 " : "", h2 ? h2 : "");
}

static void ap_cells(const doc_node *o, char *a, char *b, size_t n)
{
    const char *action = docpath_str(o, "spec.action");
    snprintf(a, n, "%s", action ? action : "ALLOW");
    const doc_node *rules = docpath_get(o, "spec.rules");
    const doc_node *sel = docpath_get(o, "spec.selector.matchLabels");
    char s[256] = "";
    for (size_t i = 0, l = 0; doc_is_map(sel) && i < sel->len && l < sizeof s; i++)
        l += (size_t)snprintf(s + l, sizeof s - l, "%s%s=%s", i ? "," : "", sel->keys[i],
                              doc_str(sel->items[i]) ? doc_str(sel->items[i]) : "");
    snprintf(b, n, "%zu rule%s; selector %s", doc_is_seq(rules) ? rules->len : 0,
             doc_is_seq(rules) && rules->len == 1 ? "" : "s", s[0] ? s : "(all workloads)");
}

static void secret_cells(const doc_node *o, char *a, char *b, size_t n)
{
    const char *type = docpath_str(o, "type");
    snprintf(a, n, "%s", type ? type : "Opaque");
    snprintf(b, n, "metadata only");
}

typedef struct {
    const char *kind;
    const char *col_a, *col_b;
    cells_fn cells;
} kind_def;

static const kind_def kinds[] = {
    {"Service", "TYPE", "PORTS", service_cells},
    {"DestinationRule", "HOST", "TRAFFIC POLICY", dr_cells},
    {"AuthorizationPolicy", "ACTION", "RULES", ap_cells},
    {"Secret", "TYPE", "", secret_cells},
};

static const kind_def *find_kind(const char *kind)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strcmp(kinds[i].kind, kind))
            return &kinds[i];
    return NULL;
}

static void kinds_rebuild(view *v, ui *u)
{
    text_data *d = v->data;
    text_clear(d);
    const kind_def *k = find_kind(u->kind_view);
    snprintf(d->title, sizeof d->title, "%s %s", k ? k->kind : "?", u->tenant ? u->tenant : "-");
    const store_obj **objs = NULL;
    size_t n = k && u->tenant ? store_list(u->store, k->kind, u->tenant, &objs) : 0;
    if (n == (size_t)-1)
        n = 0;
    if (!n) {
        text_add(d, ROLE_ROW_DIM, "No %s in %s.", k ? k->kind : "objects",
                 u->tenant ? u->tenant : "this tenant");
        text_view_done(v);
        return;
    }
    size_t wname = 4, wa = strlen(k->col_a);
    char(*a)[256] = calloc(n, sizeof *a), (*b)[512] = calloc(n, sizeof *b);
    for (size_t i = 0; a && b && i < n; i++) {
        k->cells(objs[i]->doc, a[i], b[i], sizeof a[i]);
        wname = strlen(objs[i]->name) > wname ? strlen(objs[i]->name) : wname;
        wa = strlen(a[i]) > wa ? strlen(a[i]) : wa;
    }
    text_add(d, ROLE_COLUMN_HEADER, "%-*s  %-*s  %-6s %s", (int)wname, "NAME", (int)wa, k->col_a,
             "AGE", k->col_b);
    for (size_t i = 0; a && b && i < n; i++) {
        char age[32];
        format_age(parse_rfc3339(docpath_str(objs[i]->doc, "metadata.creationTimestamp")), u->now,
                   age, sizeof age);
        text_add(d, ROLE_NORMAL, "%-*s  %-*s  %-6s %s", (int)wname, objs[i]->name, (int)wa, a[i],
                 age, b[i]);
    }
    free(a);
    free(b);
    free(objs);
    text_view_done(v);
}

static void kinds_enter(view *v, ui *u)
{
    (void)v, (void)u;
}

static const view_ops kinds_ops = {
    .name = "kinds",
    .rebuild = kinds_rebuild,
    .draw = text_view_draw,
    .enter = kinds_enter,
    .title = text_view_title,
    .free = text_view_free,
};

void view_kinds_init(view *v)
{
    v->ops = &kinds_ops;
    v->scroll_only = true;
    v->data = calloc(1, sizeof(text_data));
}
