/*
 * view_describe.c - `d`: the selected object in words, like `kubectl
 * describe`: where each host and path goes (and whether the backend
 * exists), TLS, what the converter warns about, and for an Ingress which of
 * its Istio objects the cluster already holds (new / same / differs).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/convert.h"
#include "model/docpath.h"
#include "model/kobj.h"
#include "tui/plan.h"
#include "tui/rows.h"
#include "tui/textview.h"

/* A list of strings as "a, b, c" (cut at n). */
static void join_strs(const doc_node *seq, char *out, size_t n)
{
    out[0] = 0;
    for (size_t k = 0, l = 0; doc_is_seq(seq) && k < seq->len && l < n; k++)
        l += (size_t)snprintf(out + l, n - l, "%s%s", k ? ", " : "",
                              doc_str(seq->items[k]) ? doc_str(seq->items[k]) : "");
}

static void heading(text_data *d, const char *s)
{
    text_add(d, ROLE_NORMAL, "%s", "");
    text_add(d, ROLE_COLUMN_HEADER, "%s", s);
}

/* "svc:port" and whether the store has that Service (and port). */
static void backend_line(text_data *d, ui *u, const char *ns, const char *host, const char *path,
                         const doc_node *be)
{
    const char *svc = docpath_str(be, "service.name");
    const char *pnum = docpath_str(be, "service.port.number");
    const char *pname = docpath_str(be, "service.port.name");
    if (!svc) {
        text_add(d, ROLE_WARNING, "  %s%s -> a resource backend (not a Service)", host, path);
        return;
    }
    const store_obj *s = store_get(u->store, "Service", ns, svc);
    text_add(d, s ? ROLE_NORMAL : ROLE_WARNING, "  %s%s -> %s:%s%s", host, path, svc,
             pnum    ? pnum
             : pname ? pname
                     : "?",
             s ? "" : "   (no such Service)");
}

static void describe_ingress(text_data *d, ui *u, const store_obj *o)
{
    const char *cls = ingress_class_of(o->doc);
    text_add(d, ROLE_NORMAL, "Class:     %s", cls ? cls : "(none)");
    heading(d, "Routes (host + path -> backend)");
    const doc_node *rules = docpath_get(o->doc, "spec.rules");
    for (size_t i = 0; doc_is_seq(rules) && i < rules->len; i++) {
        const char *host = docpath_str(rules->items[i], "host");
        const doc_node *ps = docpath_get(rules->items[i], "http.paths");
        for (size_t j = 0; doc_is_seq(ps) && j < ps->len; j++) {
            const char *p = docpath_str(ps->items[j], "path");
            backend_line(d, u, o->ns, host ? host : "*", p ? p : "/",
                         docpath_get(ps->items[j], "backend"));
        }
    }
    const doc_node *def = docpath_get(o->doc, "spec.defaultBackend");
    if (def)
        backend_line(d, u, o->ns, "(default backend)", "", def);
    heading(d, "TLS");
    const doc_node *tls = docpath_get(o->doc, "spec.tls");
    if (!doc_is_seq(tls) || !tls->len)
        text_add(d, ROLE_ROW_DIM, "  none: plain HTTP");
    for (size_t i = 0; doc_is_seq(tls) && i < tls->len; i++) {
        const char *sec = docpath_str(tls->items[i], "secretName");
        char hosts[512];
        join_strs(docpath_get(tls->items[i], "hosts"), hosts, sizeof hosts);
        bool have = sec && store_get(u->store, "Secret", o->ns, sec);
        text_add(d, have ? ROLE_NORMAL : ROLE_WARNING, "  %s -> secret %s%s", hosts,
                 sec ? sec : "(none)", sec && !have ? "   (no such Secret)" : "");
    }
}

/* What the conversion makes of this Ingress, and what the cluster holds. */
static void describe_conversion(text_data *d, ui *u, const store_obj *o)
{
    mp_err err = {{0}};
    convert_plan *p = ui_tenant_plan(u, o->ns, NULL, &err);
    heading(d, "Istio objects of the conversion");
    if (!p) {
        text_add(d, ROLE_ERROR, "  conversion failed: %s", err.msg);
        return;
    }
    char src[600], ref[512];
    snprintf(src, sizeof src, "ingress/%s/%s", o->ns, o->name);
    kobj_ref(o->doc, ref, sizeof ref);
    size_t shown = 0;
    for (size_t i = 0; i < convert_plan_len(p); i++) {
        const doc_node *g = convert_plan_obj(p, i);
        if (!g || !plan_source_lists(kobj_annotation(g, CONVERT_SOURCE_ANNOTATION), src))
            continue;
        size_t nf;
        plan_live st = plan_live_state(u, g, &nf);
        char gref[512];
        kobj_ref(g, gref, sizeof gref);
        text_add(d,
                 st == PLAN_NEW    ? ROLE_INFO
                 : st == PLAN_SAME ? ROLE_STATE_ISTIO
                                   : ROLE_WARNING,
                 "  %-60s %s", gref, plan_live_name(st));
        shown++;
    }
    if (!shown)
        text_add(d, ROLE_ROW_DIM, "  nothing (see the findings)");
    heading(d, "Conversion findings");
    size_t nf = 0;
    for (size_t i = 0; i < convert_plan_nwarn(p); i++) {
        const mp_warning *w = convert_plan_warn(p, i);
        /* its own findings, and a host it shares with other namespaces */
        bool own = !strcmp(w->object, ref);
        if (!own && !(!strcmp(w->code, MPW_HOST_CONFLICT) && plan_warning_concerns(w, o->ns)))
            continue;
        nf++;
        text_add(d,
                 w->sev == MP_SEV_ERROR     ? ROLE_ERROR
                 : w->sev == MP_SEV_WARNING ? ROLE_WARNING
                                            : ROLE_INFO,
                 "  %-7s %s %s%s%s%s%s", mp_severity_name(w->sev), w->code, own ? "" : w->object,
                 own ? "" : ": ", w->field, w->field[0] ? ": " : "", w->message);
    }
    if (!nf)
        text_add(d, ROLE_STATE_ISTIO, "  none: routing behaviour is preserved");
    convert_plan_free(p);
}

static void describe_gateway(text_data *d, const store_obj *o)
{
    heading(d, "Servers");
    const doc_node *ss = docpath_get(o->doc, "spec.servers");
    for (size_t i = 0; doc_is_seq(ss) && i < ss->len; i++) {
        const doc_node *s = ss->items[i];
        char hosts[512];
        join_strs(doc_get(s, "hosts"), hosts, sizeof hosts);
        const char *mode = docpath_str(s, "tls.mode");
        const char *cred = docpath_str(s, "tls.credentialName");
        bool redirect = docpath_get(s, "tls.httpsRedirect") &&
                        !strcmp(docpath_str(s, "tls.httpsRedirect"), "true");
        text_add(d, ROLE_NORMAL, "  %s/%s %s: %s%s%s%s%s",
                 docpath_str(s, "port.number") ? docpath_str(s, "port.number") : "?",
                 docpath_str(s, "port.protocol") ? docpath_str(s, "port.protocol") : "?",
                 docpath_str(s, "port.name") ? docpath_str(s, "port.name") : "", hosts,
                 mode ? "; TLS " : "", mode ? mode : "", cred ? " with " : "", cred ? cred : "");
        if (redirect)
            text_add(d, ROLE_NORMAL, "      redirects HTTP to HTTPS");
    }
}

static void describe_vs(text_data *d, ui *u, const store_obj *o)
{
    heading(d, "Gateways");
    const doc_node *gws = docpath_get(o->doc, "spec.gateways");
    for (size_t i = 0; doc_is_seq(gws) && i < gws->len; i++) {
        const char *g = doc_str(gws->items[i]);
        if (!g)
            continue;
        const char *slash = strchr(g, '/');
        char ns[256];
        snprintf(ns, sizeof ns, "%.*s", slash ? (int)(slash - g) : 0, slash ? g : o->ns);
        bool have = !strcmp(g, "mesh") ||
                    store_get(u->store, "Gateway", slash ? ns : o->ns, slash ? slash + 1 : g);
        text_add(d, have ? ROLE_NORMAL : ROLE_WARNING, "  %s%s", g,
                 have ? "" : "   (no such Gateway)");
    }
    heading(d, "HTTP routes, first match first");
    const doc_node *http = docpath_get(o->doc, "spec.http");
    for (size_t i = 0; doc_is_seq(http) && i < http->len; i++) {
        const doc_node *r = http->items[i];
        const doc_node *ms = doc_get(r, "match");
        char m[512] = "";
        for (size_t k = 0, l = 0; doc_is_seq(ms) && k < ms->len && l < sizeof m; k++) {
            const doc_node *uri = doc_get(ms->items[k], "uri");
            const char *kind = doc_is_map(uri) && uri->len ? uri->keys[0] : "any";
            const char *val = doc_is_map(uri) && uri->len ? doc_str(uri->items[0]) : "";
            l += (size_t)snprintf(m + l, sizeof m - l, "%s%s %s", k ? " | " : "", kind,
                                  val ? val : "");
        }
        const char *dest = docpath_str(r, "route[0].destination.host");
        const char *timeout = docpath_str(r, "timeout");
        text_add(d, ROLE_NORMAL, "  %zu. %s -> %s%s%s", i + 1, m[0] ? m : "every request",
                 dest                         ? dest
                 : docpath_get(r, "redirect") ? "(redirect)"
                                              : "(no destination)",
                 timeout ? ", timeout " : "", timeout ? timeout : "");
    }
}

static void describe_rebuild(view *v, ui *u)
{
    text_data *d = v->data;
    text_clear(d);
    const store_obj *o = ui_selected_object(u);
    if (!o) {
        snprintf(d->title, sizeof d->title, "Describe");
        text_add(d, ROLE_ROW_DIM, "Select an object to describe it.");
        text_view_done(v);
        return;
    }
    char ref[512], age[32];
    kobj_ref(o->doc, ref, sizeof ref);
    snprintf(d->title, sizeof d->title, "Describe %s", ref);
    text_add(d, ROLE_NORMAL, "Name:      %s", o->name);
    text_add(d, ROLE_NORMAL, "Namespace: %s", o->ns);
    text_add(d, ROLE_NORMAL, "Age:       %s",
             format_age(parse_rfc3339(docpath_str(o->doc, "metadata.creationTimestamp")), u->now,
                        age, sizeof age));
    size_t nh;
    const char **hs = store_obj_hosts(o, &nh);
    for (size_t i = 0; i < nh; i++)
        text_add(d, ROLE_NORMAL, "%s%s", i ? "           " : "Hosts:     ", hs[i]);
    free(hs);
    if (store_obj_conflicts(u->store, o))
        text_add(d, ROLE_STATE_PROBLEM, "Conflict: another namespace routes one of these hosts");
    if (!strcmp(o->kind, "Ingress")) {
        describe_ingress(d, u, o);
        describe_conversion(d, u, o);
    } else if (!strcmp(o->kind, "Gateway")) {
        describe_gateway(d, o);
    } else if (!strcmp(o->kind, "VirtualService")) {
        describe_vs(d, u, o);
    }
    text_view_done(v);
}

static void describe_enter(view *v, ui *u)
{
    (void)v, (void)u;
}

static const view_ops describe_ops = {
    .name = "describe",
    .rebuild = describe_rebuild,
    .draw = text_view_draw,
    .enter = describe_enter,
    .title = text_view_title,
    .free = text_view_free,
};

void view_describe_init(view *v)
{
    v->ops = &describe_ops;
    v->scroll_only = true;
    v->data = calloc(1, sizeof(text_data));
}
