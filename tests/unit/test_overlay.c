/* test_overlay.c - the operator's edits as an overlay (model/overlay.h):
 * re-applied to a new conversion with the real converter, the three-way
 * merge rules, the file format, and the staged edits file (api/staged.h). */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/staged.h"
#include "convert_helpers.h"
#include "model/overlay.h"

#define ANN_TIMEOUT(s) AN "proxy-read-timeout: \"" s "\"\n"
#define ANN_CORS       AN "enable-cors: \"true\"\n"
#define VS_NAME        "web-example-com"

/* ---- helpers -------------------------------------------------------------------- */

static doc_node *y(const char *yaml)
{
    doc_list l;
    doc_list_init(&l);
    mp_err e;
    ck_assert_msg(doc_parse_yaml(yaml, strlen(yaml), "t", &l, &e) == 0, "%s", e.msg);
    ck_assert_uint_eq(l.len, 1);
    doc_node *d = doc_list_take(&l, 0);
    doc_list_free(&l);
    return d;
}

/* The web Ingress of ns-alice: "/" to web and "/api" to api, the given
 * timeout, CORS on; extra is one more path line or NULL. */
static char *web_ingress(const char *timeout_ann, const char *extra)
{
    char ann[256];
    snprintf(ann, sizeof ann, "%s%s", timeout_ann, ANN_CORS);
    return ing_yaml("ns-alice", "web", ann, "web.example.com", NULL, "Prefix / web 80",
                    "Prefix /api api 8080", extra, NULL);
}

static doc_node *plan_vs(const convert_plan *p)
{
    const doc_node *vs = find_obj(p, "VirtualService", "ns-alice", VS_NAME);
    ck_assert_ptr_nonnull(vs);
    return doc_clone(vs);
}

static size_t count_code(const convert_plan *p, const char *code)
{
    size_t n = 0;
    for (size_t i = 0; i < convert_plan_nwarn(p); i++)
        n += !strcmp(convert_plan_warn(p, i)->code, code);
    return n;
}

static const doc_node *route_named(const doc_node *http, const char *name)
{
    for (size_t i = 0; i < http->len; i++)
        if (!strcmp(doc_get_str(http->items[i], "name"), name))
            return http->items[i];
    return NULL;
}

static void apply(const mp_overlay *o, convert_plan *p)
{
    mp_err e;
    ck_assert_msg(overlay_apply_plan(o, p, NULL, 0, &e) == 0, "%s", e.msg);
}

static void put(mp_overlay *o, ov_origin origin, const doc_node *base, const doc_node *edited)
{
    mp_err e;
    ck_assert_msg(overlay_put(o, origin, base, edited, &e) == 0, "%s", e.msg);
}

/* The converted VirtualService with a CORS origin added by the operator. */
static mp_overlay *cors_edit(const convert_plan *p)
{
    doc_node *base = plan_vs(p), *edited = plan_vs(p);
    doc_node *origins =
        (doc_node *)node_at(edited, "spec", "http", "0", "corsPolicy", "allowOrigins", NULL);
    ck_assert_ptr_nonnull(origins);
    doc_node *exact = doc_map_new();
    doc_map_set_str(exact, "exact", "https://app.example.com");
    doc_seq_push(origins, exact);
    mp_overlay *o = overlay_new();
    put(o, OV_CONVERTED, base, edited);
    doc_free(base);
    doc_free(edited);
    return o;
}

/* ---- re-applied to a new conversion --------------------------------------------- */

START_TEST(edit_kept_when_ingress_changes_another_field)
{
    convert_plan *p1 = conv_free_in(web_ingress(ANN_TIMEOUT("300"), NULL));
    mp_overlay *o = cors_edit(p1);
    convert_plan_free(p1);
    ck_assert_uint_eq(overlay_len(o), 1);

    convert_plan *p2 = conv_free_in(web_ingress(ANN_TIMEOUT("60"), NULL));
    size_t n = convert_plan_len(p2);
    apply(o, p2);
    ck_assert_uint_eq(convert_plan_len(p2), n); /* replaced, not added */
    const doc_node *http = vs_routes(p2, "ns-alice", VS_NAME);
    ck_assert_uint_eq(http->len, 2);
    /* the operator's origin, after the converted one */
    ck_assert_str_eq(at(http, "0", "corsPolicy", "allowOrigins", "0", "regex", NULL), ".*");
    ck_assert_str_eq(at(http, "0", "corsPolicy", "allowOrigins", "1", "exact", NULL),
                     "https://app.example.com");
    ck_assert_ptr_null(node_at(http, "1", "corsPolicy", "allowOrigins", "1", NULL));
    /* the Ingress's new timeout on every route */
    ck_assert_str_eq(at(http, "0", "timeout", NULL), "60s");
    ck_assert_str_eq(at(http, "1", "timeout", NULL), "60s");
    ck_assert_uint_eq(count_code(p2, MPW_OVERLAY_CONFLICT), 0);
    ck_assert_uint_eq(count_code(p2, MPW_OVERLAY_ORPHAN), 0);
    convert_plan_free(p2);
    overlay_free(o);
}
END_TEST

START_TEST(same_field_changed_upstream_is_one_conflict)
{
    convert_plan *p1 = conv_free_in(web_ingress(ANN_TIMEOUT("300"), NULL));
    doc_node *base = plan_vs(p1), *edited = plan_vs(p1);
    convert_plan_free(p1);
    doc_map_set_str((doc_node *)node_at(edited, "spec", "http", "0", NULL), "timeout", "120s");
    mp_overlay *o = overlay_new();
    put(o, OV_CONVERTED, base, edited);

    convert_plan *p2 = conv_free_in(web_ingress(ANN_TIMEOUT("60"), NULL));
    apply(o, p2);
    const doc_node *http = vs_routes(p2, "ns-alice", VS_NAME);
    ck_assert_str_eq(at(http, "0", "timeout", NULL), "120s"); /* the edit is kept */
    ck_assert_str_eq(at(http, "1", "timeout", NULL), "60s");  /* upstream elsewhere */
    ck_assert_uint_eq(count_code(p2, MPW_OVERLAY_CONFLICT), 1);
    const mp_warning *w = find_warn(p2, MPW_OVERLAY_CONFLICT, NULL);
    ck_assert_str_eq(w->object, "virtualservice ns-alice/" VS_NAME);
    ck_assert_str_eq(w->field, "spec.http[0].timeout");
    ck_assert_str_eq(w->message, "the conversion now gives 60s (was 300s); your edit 120s is kept");
    ck_assert_int_eq(w->sev, MP_SEV_WARNING);
    convert_plan_free(p2);

    /* the same conversion as the base: nothing to report */
    convert_plan *p3 = conv_free_in(web_ingress(ANN_TIMEOUT("300"), NULL));
    apply(o, p3);
    ck_assert_uint_eq(count_code(p3, MPW_OVERLAY_CONFLICT), 0);
    ck_assert_str_eq(at(vs_routes(p3, "ns-alice", VS_NAME), "0", "timeout", NULL), "120s");
    ck_assert_ptr_nonnull(overlay_find(o, "VirtualService", "ns-alice", VS_NAME));
    convert_plan_free(p3);
    overlay_free(o);
    doc_free(base);
    doc_free(edited);
}
END_TEST

START_TEST(routes_merge_by_name_when_upstream_adds_one)
{
    convert_plan *p1 = conv_free_in(web_ingress(ANN_TIMEOUT("300"), NULL));
    doc_node *base = plan_vs(p1), *edited = plan_vs(p1);
    convert_plan_free(p1);
    doc_node *r1 = (doc_node *)node_at(edited, "spec", "http", "1", NULL);
    const char *r1_name = doc_get_str(r1, "name");
    ck_assert_str_eq(at(r1, "match", "0", "uri", "prefix", NULL), "/");
    doc_map_set_str(r1, "timeout", "5s");
    mp_overlay *o = overlay_new();
    put(o, OV_CONVERTED, base, edited);

    /* a longer path: the converter puts its route first, shifting indexes */
    convert_plan *p2 = conv_free_in(web_ingress(ANN_TIMEOUT("300"), "Prefix /api/v2 v2 80"));
    const doc_node *plain = vs_routes(p2, "ns-alice", VS_NAME);
    ck_assert_uint_eq(plain->len, 3);
    char *plain_names[3];
    for (size_t i = 0; i < 3; i++)
        plain_names[i] = strdup(doc_get_str(plain->items[i], "name"));
    apply(o, p2);
    const doc_node *http = vs_routes(p2, "ns-alice", VS_NAME);
    ck_assert_uint_eq(http->len, 3);
    for (size_t i = 0; i < 3; i++) { /* the conversion's order */
        ck_assert_str_eq(doc_get_str(http->items[i], "name"), plain_names[i]);
        free(plain_names[i]);
    }
    ck_assert_str_eq(at(route_named(http, r1_name), "timeout", NULL), "5s");
    ck_assert_str_eq(at(http, "2", "timeout", NULL), "5s"); /* the catch-all is still last */
    ck_assert_str_eq(at(http, "0", "route", "0", "destination", "host", NULL),
                     "v2.ns-alice.svc.cluster.local");
    ck_assert_str_eq(at(http, "0", "timeout", NULL), "300s");
    ck_assert_uint_eq(count_code(p2, MPW_OVERLAY_CONFLICT), 0);
    convert_plan_free(p2);
    overlay_free(o);
    doc_free(base);
    doc_free(edited);
}
END_TEST

static const char *live_vs_yaml(const char *team, const char *extra_spec)
{
    static char buf[2048];
    snprintf(buf, sizeof buf,
             "apiVersion: networking.istio.io/v1\n"
             "kind: VirtualService\n"
             "metadata:\n"
             "  name: shop\n"
             "  namespace: ns-alice\n"
             "  resourceVersion: \"4711\"\n"
             "  uid: 0b5c\n"
             "  labels:\n"
             "    team: %s\n"
             "spec:\n"
             "  hosts: [shop.example.com]\n"
             "  exportTo: [\".\"]\n"
             "  http:\n"
             "  - name: main\n"
             "    route:\n"
             "    - destination: {host: shop.ns-alice.svc.cluster.local}\n"
             "    mirror: {host: shadow.ns-alice.svc.cluster.local}\n"
             "    mirrorPercentage: {value: 5.0}\n"
             "%s",
             team, extra_spec);
    return buf;
}

START_TEST(live_object_keeps_fields_the_form_does_not_know)
{
    doc_node *base = y(live_vs_yaml("a", ""));
    doc_node *edited = doc_clone(base);
    /* what a form would change: one field it knows */
    doc_map_set_str((doc_node *)node_at(edited, "spec", "http", "0", NULL), "timeout", "30s");
    mp_overlay *o = overlay_new();
    put(o, OV_LIVE, base, edited);
    const ov_entry *e = overlay_at(o, 0);
    ck_assert_int_eq(e->origin, OV_LIVE);
    ck_assert_ptr_null(doc_getv(e->base, "metadata", "resourceVersion", NULL)); /* noise */

    /* someone else changed the label and added a field since */
    char *ing = web_ingress(ANN_TIMEOUT("300"), NULL);
    char all[8192];
    snprintf(all, sizeof all, "%s---\n%s", ing,
             live_vs_yaml("b", "  gateways: [ns-alice/meshpanel-gateway]\n"));
    free(ing);
    doc_list in;
    doc_list_init(&in);
    mp_err err;
    ck_assert(doc_parse_yaml(all, strlen(all), "t", &in, &err) == 0);
    convert_plan *p = convert_run(in.docs, in.len, NULL, &err);
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_null(find_obj(p, "VirtualService", "ns-alice", "shop"));
    ck_assert_int_eq(overlay_apply_plan(o, p, in.docs, in.len, &err), 0);
    doc_list_free(&in);

    const doc_node *vs = find_obj(p, "VirtualService", "ns-alice", "shop");
    ck_assert_ptr_nonnull(vs);
    ck_assert_str_eq(at(vs, "spec", "http", "0", "timeout", NULL), "30s");
    ck_assert_str_eq(at(vs, "spec", "http", "0", "mirror", "host", NULL),
                     "shadow.ns-alice.svc.cluster.local");
    ck_assert_str_eq(at(vs, "spec", "http", "0", "mirrorPercentage", "value", NULL), "5.0");
    ck_assert_str_eq(at(vs, "spec", "exportTo", "0", NULL), ".");
    ck_assert_str_eq(at(vs, "metadata", "labels", "team", NULL), "b");
    ck_assert_str_eq(at(vs, "spec", "gateways", "0", NULL), "ns-alice/meshpanel-gateway");
    ck_assert_ptr_null(node_at(vs, "metadata", "resourceVersion", NULL));
    ck_assert_ptr_null(node_at(vs, "metadata", "uid", NULL));
    ck_assert_uint_eq(count_code(p, MPW_OVERLAY_CONFLICT), 0);
    /* the converted objects are still there, in output order */
    ck_assert_str_eq(kobj_kind(convert_plan_obj(p, 0)), "Gateway");
    ck_assert_str_eq(kobj_name(convert_plan_obj(p, 1)), "shop");
    ck_assert_str_eq(kobj_name(convert_plan_obj(p, 2)), VS_NAME);
    convert_plan_free(p);

    /* no such object in the inputs: output as edited */
    convert_plan *q = conv_free_in(web_ingress(ANN_TIMEOUT("300"), NULL));
    apply(o, q);
    vs = find_obj(q, "VirtualService", "ns-alice", "shop");
    ck_assert_ptr_nonnull(vs);
    ck_assert(doc_equal(vs, overlay_at(o, 0)->edited, false));
    ck_assert_uint_eq(count_code(q, MPW_OVERLAY_ORPHAN), 0);
    convert_plan_free(q);
    overlay_free(o);
    doc_free(base);
    doc_free(edited);
}
END_TEST

START_TEST(undo_removes_the_entry)
{
    doc_node *base = y(live_vs_yaml("a", ""));
    doc_node *edited = doc_clone(base);
    doc_map_set_str(doc_getv(edited, "metadata", "labels", NULL), "team", "z");
    mp_overlay *o = overlay_new();
    put(o, OV_LIVE, base, edited);
    ck_assert_uint_eq(overlay_len(o), 1);
    ck_assert_uint_eq(overlay_pending(o), 1);
    overlay_set_applied(o, "VirtualService", "ns-alice", "shop", true);
    ck_assert_uint_eq(overlay_pending(o), 0);
    /* a new edit resets applied */
    doc_map_set_str(doc_getv(edited, "metadata", "labels", NULL), "team", "y");
    put(o, OV_LIVE, base, edited);
    ck_assert_uint_eq(overlay_len(o), 1);
    ck_assert_uint_eq(overlay_pending(o), 1);
    ck_assert_str_eq(at(overlay_at(o, 0)->edited, "metadata", "labels", "team", NULL), "y");
    /* back to the base value; the server's fields differ: still an undo */
    doc_map_set_str(doc_getv(edited, "metadata", "labels", NULL), "team", "a");
    doc_map_set_str(doc_get(edited, "metadata"), "resourceVersion", "4712");
    put(o, OV_LIVE, base, edited);
    ck_assert_uint_eq(overlay_len(o), 0);
    ck_assert_ptr_null(overlay_find(o, "VirtualService", "ns-alice", "shop"));
    overlay_free(o);
    doc_free(base);
    doc_free(edited);
}
END_TEST

static doc_node *new_vs(const char *ns, const char *name, const char *kind)
{
    char buf[512];
    snprintf(buf, sizeof buf,
             "apiVersion: networking.istio.io/v1\nkind: %s\nmetadata:\n  name: %s\n"
             "  namespace: %s\nspec:\n  hosts: [%s.example.com]\n",
             kind, name, ns, name);
    return y(buf);
}

START_TEST(new_entries_join_the_plan_in_output_order)
{
    mp_overlay *o = overlay_new();
    const char *objs[][3] = {{"ns-zed", "zz", "VirtualService"},
                             {"ns-alice", "aaa", "VirtualService"},
                             {"ns-alice", "zzz", "VirtualService"},
                             {"ns-alice", "gw2", "Gateway"},
                             {"ns-aaa", "x", "VirtualService"}};
    for (size_t i = 0; i < 5; i++) {
        doc_node *n = new_vs(objs[i][0], objs[i][1], objs[i][2]);
        put(o, OV_NEW, NULL, n);
        doc_free(n);
    }
    /* entries sorted by namespace, kind, name */
    const char *want_entries[] = {"x", "gw2", "aaa", "zzz", "zz"};
    for (size_t i = 0; i < 5; i++)
        ck_assert_str_eq(overlay_at(o, i)->name, want_entries[i]);
    ck_assert_ptr_null(overlay_at(o, 0)->base);

    convert_plan *p = conv_free_in(web_ingress(ANN_TIMEOUT("300"), NULL));
    ck_assert_uint_eq(convert_plan_len(p), 2);
    apply(o, p);
    const char *want[][2] = {
        {"ns-aaa", "x"},     {"ns-alice", "gw2"},   {"ns-alice", "meshpanel-gateway"},
        {"ns-alice", "aaa"}, {"ns-alice", VS_NAME}, {"ns-alice", "zzz"},
        {"ns-zed", "zz"}};
    ck_assert_uint_eq(convert_plan_len(p), 7);
    for (size_t i = 0; i < 7; i++) {
        ck_assert_str_eq(kobj_namespace(convert_plan_obj(p, i)), want[i][0]);
        ck_assert_str_eq(kobj_name(convert_plan_obj(p, i)), want[i][1]);
    }
    /* and in the canonical key order of a conversion */
    char *yaml = doc_emit_yaml(find_obj(p, "VirtualService", "ns-zed", "zz"), NULL, NULL);
    ck_assert_str_eq(yaml, "apiVersion: networking.istio.io/v1\nkind: VirtualService\n"
                           "metadata:\n  name: zz\n  namespace: ns-zed\nspec:\n  hosts:\n"
                           "  - zz.example.com\n");
    free(yaml);
    ck_assert_uint_eq(count_code(p, MPW_OVERLAY_ORPHAN), 0);
    convert_plan_free(p);
    overlay_free(o);
}
END_TEST

START_TEST(orphan_is_kept_and_reported)
{
    convert_plan *p1 = conv_free_in(web_ingress(ANN_TIMEOUT("300"), NULL));
    mp_overlay *o = cors_edit(p1);
    convert_plan_free(p1);
    /* the Ingress now routes another host: web.example.com is gone */
    convert_plan *p2 = conv_free_in(
        ing_yaml("ns-alice", "web", "", "shop.example.com", NULL, "Prefix / web 80", NULL));
    ck_assert_ptr_null(find_obj(p2, "VirtualService", "ns-alice", VS_NAME));
    apply(o, p2);
    const doc_node *vs = find_obj(p2, "VirtualService", "ns-alice", VS_NAME);
    ck_assert_ptr_nonnull(vs);
    ck_assert(doc_equal(vs, overlay_at(o, 0)->edited, false));
    ck_assert_uint_eq(count_code(p2, MPW_OVERLAY_ORPHAN), 1);
    const mp_warning *w = find_warn(p2, MPW_OVERLAY_ORPHAN, NULL);
    ck_assert_str_eq(w->object, "virtualservice ns-alice/" VS_NAME);
    ck_assert_ptr_nonnull(strstr(w->message, "no longer generates"));
    ck_assert_ptr_nonnull(find_obj(p2, "VirtualService", "ns-alice", "shop-example-com"));
    convert_plan_free(p2);
    overlay_free(o);
}
END_TEST

START_TEST(find_by_source)
{
    convert_plan *p1 = conv_free_in(web_ingress(ANN_TIMEOUT("300"), NULL));
    mp_overlay *o = cors_edit(p1);
    convert_plan_free(p1);
    doc_node *n = new_vs("ns-alice", "other", "VirtualService");
    kobj_set_annotation(n, CONVERT_SOURCE_ANNOTATION, "ingress/ns-alice/web2,ingress/ns-b/web");
    put(o, OV_NEW, NULL, n);
    doc_free(n);
    const ov_entry *out[4];
    ck_assert_uint_eq(overlay_find_source(o, "ingress/ns-alice/web", out, 4), 1);
    ck_assert_str_eq(out[0]->name, VS_NAME);
    ck_assert_uint_eq(overlay_find_source(o, "ingress/ns-b/web", out, 4), 1);
    ck_assert_str_eq(out[0]->name, "other");
    ck_assert_uint_eq(overlay_find_source(o, "ingress/ns-alice/we", out, 4), 0);
    overlay_free(o);
}
END_TEST

/* ---- the merge rules, on small trees -------------------------------------------- */

static ov_entry entry(ov_origin origin, doc_node *base, doc_node *edited)
{
    return (ov_entry){.kind = "VirtualService",
                      .ns = "ns-a",
                      .name = "v",
                      .origin = origin,
                      .base = base,
                      .edited = edited};
}

#define OBJ "apiVersion: v1\nkind: VirtualService\nmetadata: {name: v, namespace: ns-a}\n"
#define OBJ_ANN                                                                                    \
    "apiVersion: v1\nkind: VirtualService\nmetadata:\n  name: v\n  namespace: ns-a\n  "            \
    "annotations: "

static char *merged_yaml(ov_origin origin, const char *b, const char *e, const char *c,
                         mp_warnings *w)
{
    doc_node *bn = y(b), *en = y(e), *cn = y(c);
    ov_entry x = entry(origin, bn, en);
    doc_node *r = overlay_merge(&x, cn, w);
    ck_assert_ptr_nonnull(r);
    char *s = doc_emit_yaml(r, NULL, NULL);
    doc_free(r);
    doc_free(bn);
    doc_free(en);
    doc_free(cn);
    return s;
}

START_TEST(deleted_key_stays_deleted_unless_changed_upstream)
{
    mp_warnings w;
    mp_warnings_init(&w);
    /* the operator removed b; upstream left it alone and changed a */
    char *s = merged_yaml(OV_CONVERTED, OBJ "spec: {a: 1, b: 2}\n", OBJ "spec: {a: 1}\n",
                          OBJ "spec: {a: 9, b: 2}\n", &w);
    ck_assert_str_eq(strstr(s, "spec:"), "spec:\n  a: 9\n");
    ck_assert_uint_eq(w.len, 0);
    free(s);
    /* upstream changed b too: still removed, and said */
    s = merged_yaml(OV_CONVERTED, OBJ "spec: {a: 1, b: 2}\n", OBJ "spec: {a: 1}\n",
                    OBJ "spec: {a: 1, b: 3}\n", &w);
    ck_assert_str_eq(strstr(s, "spec:"), "spec:\n  a: 1\n");
    ck_assert_uint_eq(w.len, 1);
    ck_assert_str_eq(w.items[0].field, "spec.b");
    ck_assert_str_eq(w.items[0].message,
                     "the conversion now gives 3 (was 2); your removal is kept");
    free(s);
    mp_warnings_free(&w);
}
END_TEST

START_TEST(key_order_current_then_added_by_edit)
{
    mp_warnings w;
    mp_warnings_init(&w);
    char *s =
        merged_yaml(OV_CONVERTED, OBJ "spec: {b: 1, a: 1}\n",
                    OBJ "spec: {x: 0, a: 1, b: 2, z: 0}\n", OBJ "spec: {c: 1, a: 1, b: 1}\n", &w);
    ck_assert_str_eq(strstr(s, "spec:"), "spec:\n  c: 1\n  a: 1\n  b: 2\n  x: 0\n  z: 0\n");
    ck_assert_uint_eq(w.len, 0);
    free(s);
    mp_warnings_free(&w);
}
END_TEST

START_TEST(sequences_index_wise_or_atomic)
{
    mp_warnings w;
    mp_warnings_init(&w);
    /* same length, not named: item by item */
    char *s = merged_yaml(OV_CONVERTED, OBJ "spec: {l: [1, 2, 3]}\n", OBJ "spec: {l: [1, 5, 3]}\n",
                          OBJ "spec: {l: [1, 2, 7]}\n", &w);
    ck_assert_str_eq(strstr(s, "spec:"), "spec:\n  l:\n  - 1\n  - 5\n  - 7\n");
    ck_assert_uint_eq(w.len, 0);
    free(s);
    /* lengths differ: one value, the operator's, and a conflict */
    s = merged_yaml(OV_CONVERTED, OBJ "spec: {l: [1, 2]}\n", OBJ "spec: {l: [1, 5]}\n",
                    OBJ "spec: {l: [1, 2, 3]}\n", &w);
    ck_assert_str_eq(strstr(s, "spec:"), "spec:\n  l:\n  - 1\n  - 5\n");
    ck_assert_uint_eq(w.len, 1);
    ck_assert_str_eq(w.items[0].field, "spec.l");
    ck_assert_str_eq(w.items[0].message,
                     "the conversion now gives [1, 2, 3] (was [1, 2]); your edit [1, 5] is kept");
    free(s);
    /* two items with one name: not keyed */
    mp_warnings_free(&w);
    s = merged_yaml(OV_CONVERTED, OBJ "spec: {l: [{name: a, v: 1}, {name: a, v: 2}]}\n",
                    OBJ "spec: {l: [{name: a, v: 1}, {name: a, v: 3}]}\n",
                    OBJ "spec: {l: [{name: a, v: 4}, {name: a, v: 2}]}\n", &w);
    ck_assert_str_eq(strstr(s, "spec:"),
                     "spec:\n  l:\n  - name: a\n    v: 4\n  - name: a\n    v: 3\n");
    free(s);
    mp_warnings_free(&w);
}
END_TEST

START_TEST(named_items_reorder_add_remove)
{
    mp_warnings w;
    mp_warnings_init(&w);
    /* operator: moved c above b, added n after a; upstream: added u at the
     * end, changed b. Operator's order, upstream's new item after its
     * predecessor, upstream's change to b. */
    char *s =
        merged_yaml(OV_CONVERTED, OBJ "spec:\n  h: [{name: a}, {name: b, t: 1}, {name: c}]\n",
                    OBJ "spec:\n  h: [{name: a}, {name: new}, {name: c}, {name: b, t: 1}]\n",
                    OBJ "spec:\n  h: [{name: a}, {name: b, t: 2}, {name: c}, {name: u}]\n", &w);
    ck_assert_str_eq(strstr(s, "spec:"), "spec:\n  h:\n  - name: a\n  - name: new\n  - name: c\n"
                                         "  - name: u\n  - name: b\n    t: 2\n");
    ck_assert_uint_eq(w.len, 0);
    free(s);
    /* operator removed b, upstream changed it: removal kept, named where
     * the conversion has it */
    s = merged_yaml(OV_CONVERTED, OBJ "spec:\n  h: [{name: a}, {name: b, t: 1}]\n",
                    OBJ "spec:\n  h: [{name: a}]\n",
                    OBJ "spec:\n  h: [{name: a}, {name: b, t: 2}]\n", &w);
    ck_assert_str_eq(strstr(s, "spec:"), "spec:\n  h:\n  - name: a\n");
    ck_assert_uint_eq(w.len, 1);
    ck_assert_str_eq(w.items[0].field, "spec.h[1]");
    ck_assert_str_eq(w.items[0].message, "the conversion now gives {name: b, t: 2} (was {name: b, "
                                         "t: 1}); your removal is kept");
    free(s);
    mp_warnings_free(&w);
}
END_TEST

START_TEST(conflict_paths_and_values_are_readable)
{
    mp_warnings w;
    mp_warnings_init(&w);
    char *s = merged_yaml(
        OV_LIVE, OBJ_ANN "{meshpanel.io/source: a}\nspec: {x: 1}\n",
        OBJ_ANN "{meshpanel.io/source: b}\nspec: {x: 1}\n",
        OBJ_ANN
        "{meshpanel.io/source: c}\nspec:\n"
        "  x: {long: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}\n",
        &w);
    free(s);
    ck_assert_uint_eq(w.len, 1);
    ck_assert_str_eq(w.items[0].field, "metadata.annotations[\"meshpanel.io/source\"]");
    ck_assert_str_eq(w.items[0].message, "the live object now has c (was a); your edit b is kept");
    mp_warnings_free(&w);
    /* a removed field, a long value cut at 60 bytes (57 and "...") */
    char longv[69], cut[58], edited[256], want[128];
    memset(longv, 'b', 68);
    longv[68] = '\0';
    memset(cut, 'b', 57);
    cut[57] = '\0';
    snprintf(edited, sizeof edited, OBJ "spec:\n  x: 2\n  z: \"%s\"\n", longv);
    s = merged_yaml(OV_CONVERTED, OBJ "spec: {x: 1, z: 1}\n", edited, OBJ "spec: {}\n", &w);
    ck_assert_uint_eq(w.len, 2);
    ck_assert_str_eq(w.items[0].field, "spec.x");
    ck_assert_str_eq(w.items[0].message,
                     "the conversion no longer sets it (was 1); your edit 2 is kept");
    ck_assert_str_eq(w.items[1].field, "spec.z");
    snprintf(want, sizeof want, "the conversion no longer sets it (was 1); your edit %s... is kept",
             cut);
    ck_assert_str_eq(w.items[1].message, want);
    snprintf(want, sizeof want, "spec:\n  x: 2\n  z: %s\n", longv);
    ck_assert_str_eq(strstr(s, "spec:"), want);
    free(s);
    mp_warnings_free(&w);
}
END_TEST

/* ---- file format ---------------------------------------------------------------- */

static mp_overlay *three_entries(void)
{
    convert_plan *p = conv_free_in(web_ingress(ANN_TIMEOUT("300"), NULL));
    mp_overlay *o = cors_edit(p);
    convert_plan_free(p);
    doc_node *base = y(live_vs_yaml("a", ""));
    doc_node *edited = doc_clone(base);
    /* values a careless encoder would change: typed look-alikes, empty,
     * multi-line, non-ASCII */
    doc_node *ann = doc_map_new();
    doc_map_set_str(ann, "a", "300");
    doc_map_set_str(ann, "b", "true");
    doc_map_set_str(ann, "c", "");
    doc_map_set_str(ann, "d", "line one\nline two\n");
    doc_map_set_str(ann, "e", "caf\xc3\xa9 *");
    doc_map_set(ann, "f", doc_null_new());
    doc_map_set(doc_get(edited, "metadata"), "annotations", ann);
    put(o, OV_LIVE, base, edited);
    doc_free(base);
    doc_free(edited);
    doc_node *n = new_vs("ns-b", "fresh", "Gateway");
    put(o, OV_NEW, NULL, n);
    doc_free(n);
    overlay_set_applied(o, "Gateway", "ns-b", "fresh", true);
    return o;
}

START_TEST(encode_decode_round_trip)
{
    mp_overlay *o = three_entries();
    mp_err err;
    size_t len1 = 0, len2 = 0;
    char *t1 = overlay_encode(o, &len1, &err);
    ck_assert_ptr_nonnull(t1);
    ck_assert_uint_eq(len1, strlen(t1));
    ck_assert_str_eq(strstr(t1, "apiVersion"), t1);
    const char *head = "apiVersion: meshpanel.io/v1alpha1\nkind: Overlay\nentries:\n- kind: ";
    ck_assert(!strncmp(t1, head, strlen(head)));
    mp_overlay *d = overlay_decode(t1, len1, "ov.yaml", &err);
    ck_assert_msg(d != NULL, "%s", err.msg);
    char *t2 = overlay_encode(d, &len2, &err);
    ck_assert_str_eq(t1, t2);
    ck_assert_uint_eq(overlay_len(d), 3);
    for (size_t i = 0; i < 3; i++) {
        const ov_entry *a = overlay_at(o, i), *b = overlay_at(d, i);
        ck_assert_str_eq(a->kind, b->kind);
        ck_assert_str_eq(a->ns, b->ns);
        ck_assert_str_eq(a->name, b->name);
        ck_assert_int_eq(a->origin, b->origin);
        ck_assert_int_eq(a->applied, b->applied);
        ck_assert(doc_equal(a->edited, b->edited, true));
        ck_assert(doc_equal(a->base, b->base, true));
        char *ea = doc_emit_yaml(a->edited, NULL, NULL), *eb = doc_emit_yaml(b->edited, NULL, NULL);
        ck_assert_str_eq(ea, eb);
        free(ea);
        free(eb);
    }
    /* ns-alice shop (live), ns-alice web (converted), ns-b fresh (new) */
    ck_assert_int_eq(overlay_at(d, 0)->origin, OV_LIVE);
    ck_assert_int_eq(overlay_at(d, 1)->origin, OV_CONVERTED);
    ck_assert_int_eq(overlay_at(d, 2)->origin, OV_NEW);
    ck_assert(!overlay_at(d, 0)->applied);
    ck_assert(overlay_at(d, 2)->applied);
    const doc_node *ann = doc_getv(overlay_at(d, 0)->edited, "metadata", "annotations", NULL);
    ck_assert_str_eq(doc_get_str(ann, "d"), "line one\nline two\n");
    ck_assert_int_eq(doc_get(ann, "a")->type, DOC_STR);
    ck_assert_int_eq(doc_get(ann, "b")->type, DOC_STR);
    ck_assert_int_eq(doc_get(ann, "f")->type, DOC_NULL);
    free(t1);
    free(t2);
    overlay_free(d);
    /* an empty mp_overlay */
    mp_overlay *e = overlay_new();
    t1 = overlay_encode(e, &len1, &err);
    ck_assert_str_eq(t1, "apiVersion: meshpanel.io/v1alpha1\nkind: Overlay\nentries: []\n");
    d = overlay_decode(t1, len1, "ov.yaml", &err);
    ck_assert_ptr_nonnull(d);
    ck_assert_uint_eq(overlay_len(d), 0);
    overlay_free(d);
    overlay_free(e);
    free(t1);
    overlay_free(o);
}
END_TEST

#define HEAD "apiVersion: meshpanel.io/v1alpha1\nkind: Overlay\nentries:\n"
#define VSOBJ                                                                                      \
    "{apiVersion: networking.istio.io/v1, kind: VirtualService, metadata: {name: web, namespace: " \
    "ns-a}}"
#define ENTRY "- kind: VirtualService\n  namespace: ns-a\n  name: web\n"

START_TEST(decode_errors_name_file_entry_field)
{
    static const struct {
        const char *yaml, *msg;
    } cases[] = {
        {HEAD ENTRY "  origin: converted\n  base: " VSOBJ "\n",
         "ov.yaml: entries[0].edited: missing"},
        {HEAD ENTRY "  origin: new\n  edited: {apiVersion: v1, kind: VirtualService, metadata: "
                    "{name: other, namespace: ns-a}}\n",
         "ov.yaml: entries[0].edited.metadata.name: \"other\" does not match the entry's name "
         "\"web\""},
        {HEAD ENTRY "  origin: new\n  edited: {apiVersion: v1, kind: Gateway, metadata: "
                    "{name: web, namespace: ns-a}}\n",
         "ov.yaml: entries[0].edited.kind: \"Gateway\" does not match the entry's kind "
         "\"VirtualService\""},
        {HEAD ENTRY "  origin: edited\n  edited: " VSOBJ "\n",
         "ov.yaml: entries[0].origin: \"edited\" is not converted|live|new"},
        {HEAD ENTRY "  origin: new\n  edited: [1, 2]\n",
         "ov.yaml: entries[0].edited: not a mapping"},
        {HEAD ENTRY "  origin: new\n  edited: " VSOBJ "\n- just a string\n",
         "ov.yaml: entries[1]: not a mapping"},
        {"- 1\n- 2\n", "ov.yaml: not an overlay (expected a mapping)"},
        {HEAD ENTRY "  origin: live\n  edited: " VSOBJ "\n",
         "ov.yaml: entries[0].base: missing (origin live)"},
        {HEAD ENTRY "  origin: new\n  base: " VSOBJ "\n  edited: " VSOBJ "\n",
         "ov.yaml: entries[0].base: not allowed with origin new"},
        {HEAD "- namespace: ns-a\n  name: web\n  origin: new\n  edited: " VSOBJ "\n",
         "ov.yaml: entries[0].kind: missing"},
        {HEAD ENTRY "  origin: new\n  applied: maybe\n  edited: " VSOBJ "\n",
         "ov.yaml: entries[0].applied: not true|false"},
        {HEAD ENTRY "  origin: new\n  edited: " VSOBJ "\n" ENTRY "  origin: new\n  edited: " VSOBJ
                    "\n",
         "ov.yaml: entries[1]: a second entry for VirtualService \"web\""},
        {"apiVersion: meshpanel.io/v1alpha1\nkind: Ingress\n",
         "ov.yaml: kind: \"Ingress\" is not Overlay"},
        {"apiVersion: v1\nkind: Overlay\n",
         "ov.yaml: apiVersion: \"v1\" is not meshpanel.io/v1alpha1"},
        {HEAD "---\n" HEAD, "ov.yaml: more than one document (an overlay is one)"},
        {"", "ov.yaml: empty (no overlay)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        mp_err err = {""};
        mp_overlay *o = overlay_decode(cases[i].yaml, strlen(cases[i].yaml), "ov.yaml", &err);
        ck_assert_msg(o == NULL, "case %zu decoded", i);
        ck_assert_str_eq(err.msg, cases[i].msg);
        ck_assert_ptr_null(strchr(err.msg, '\n'));
    }
    /* the valid one of them */
    const char *ok = HEAD ENTRY "  origin: new\n  edited: " VSOBJ "\n";
    mp_err err;
    mp_overlay *o = overlay_decode(ok, strlen(ok), "ov.yaml", &err);
    ck_assert_msg(o != NULL, "%s", err.msg);
    ck_assert_uint_eq(overlay_len(o), 1);
    ck_assert(!overlay_at(o, 0)->applied);
    overlay_free(o);
}
END_TEST

START_TEST(put_refuses_objects_without_identity)
{
    mp_overlay *o = overlay_new();
    mp_err err;
    doc_node *n = y("apiVersion: v1\nkind: VirtualService\nmetadata: {namespace: a}\n");
    ck_assert_int_eq(overlay_put(o, OV_NEW, NULL, n, &err), -1);
    ck_assert_str_eq(err.msg, "overlay: the edited VirtualService has no metadata.name");
    doc_free(n);
    n = new_vs("ns-a", "v", "VirtualService");
    ck_assert_int_eq(overlay_put(o, OV_CONVERTED, NULL, n, &err), -1);
    ck_assert_str_eq(err.msg, "overlay: virtualservice ns-a/v: origin converted needs the object "
                              "the edit started from");
    ck_assert_uint_eq(overlay_len(o), 0);
    doc_free(n);
    overlay_free(o);
}
END_TEST

/* ---- the staged edits file ------------------------------------------------------ */

START_TEST(staged_path_is_safe)
{
    char p[1024];
    mp_err err;
    setenv("XDG_STATE_HOME", "/state", 1);
    ck_assert_int_eq(staged_path("kind-dev", p, sizeof p, &err), 0);
    ck_assert_str_eq(p, "/state/meshpanel/staged/kind-dev.yaml");
    ck_assert_int_eq(staged_path("arn:aws:eks/c1", p, sizeof p, &err), 0);
    ck_assert(!strncmp(p, "/state/meshpanel/staged/arn_aws_eks_c1-", 39));
    ck_assert_str_eq(p + strlen(p) - 5, ".yaml");
    char q[1024];
    ck_assert_int_eq(staged_path("arn_aws_eks_c1", q, sizeof q, &err), 0);
    ck_assert_str_ne(p, q); /* two contexts, two files */
    const char *hostile[] = {"..", "../../etc/passwd", "", NULL, ".", "a\nb"};
    for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++) {
        ck_assert_int_eq(staged_path(hostile[i], p, sizeof p, &err), 0);
        const char *base = p + strlen("/state/meshpanel/staged/");
        ck_assert_ptr_null(strchr(base, '/'));
        ck_assert_ptr_null(strchr(base, '\n'));
        ck_assert_int_ne(base[0], '.');
        ck_assert_uint_gt(strlen(base), strlen(".yaml"));
    }
    /* $HOME when XDG_STATE_HOME is unset or relative */
    setenv("XDG_STATE_HOME", "relative", 1);
    setenv("HOME", "/home/op", 1);
    ck_assert_int_eq(staged_path("c", p, sizeof p, &err), 0);
    ck_assert_str_eq(p, "/home/op/.local/state/meshpanel/staged/c.yaml");
    unsetenv("XDG_STATE_HOME");
    unsetenv("HOME");
    ck_assert_int_eq(staged_path("c", p, sizeof p, &err), -1);
    setenv("HOME", "/home/op", 1);
    ck_assert_int_eq(staged_path("c", p, 10, &err), -1);
}
END_TEST

START_TEST(staged_save_load_modes)
{
    const char *tmp = getenv("TMPDIR");
    char dir[512];
    snprintf(dir, sizeof dir, "%s/mp-staged-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    setenv("XDG_STATE_HOME", dir, 1);
    char path[1024];
    mp_err err;
    ck_assert_int_eq(staged_path("ctx", path, sizeof path, &err), 0);

    bool existed = true;
    mp_overlay *o = staged_load(path, &existed, &err);
    ck_assert_ptr_nonnull(o);
    ck_assert(!existed);
    ck_assert_uint_eq(overlay_len(o), 0);
    overlay_free(o);

    o = three_entries();
    mode_t old = umask(0);
    int rc = staged_save(path, o, &err);
    umask(old);
    ck_assert_msg(rc == 0, "%s", err.msg);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    char sub[1100];
    snprintf(sub, sizeof sub, "%s/meshpanel/staged", dir);
    ck_assert_int_eq(stat(sub, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0700);
    snprintf(sub, sizeof sub, "%s/meshpanel", dir);
    ck_assert_int_eq(stat(sub, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0700);

    mp_overlay *back = staged_load(path, &existed, &err);
    ck_assert_msg(back != NULL, "%s", err.msg);
    ck_assert(existed);
    char *a = overlay_encode(o, NULL, &err), *b = overlay_encode(back, NULL, &err);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    overlay_free(back);

    /* a broken file names itself */
    FILE *f = fopen(path, "w");
    fputs("apiVersion: meshpanel.io/v1alpha1\nkind: Overlay\nentries: [7]\n", f);
    fclose(f);
    ck_assert_ptr_null(staged_load(path, &existed, &err));
    char want[1200];
    snprintf(want, sizeof want, "%s: entries[0]: not a mapping", path);
    ck_assert_str_eq(err.msg, want);

    /* nothing staged: no file */
    mp_overlay *empty = overlay_new();
    ck_assert_int_eq(staged_save(path, empty, &err), 0);
    ck_assert_int_eq(stat(path, &st), -1);
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_int_eq(staged_save(path, empty, &err), 0); /* already gone: fine */
    overlay_free(empty);
    overlay_free(o);
    snprintf(sub, sizeof sub, "%s/meshpanel/staged", dir);
    rmdir(sub);
    snprintf(sub, sizeof sub, "%s/meshpanel", dir);
    rmdir(sub);
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* docs/conversion.md lists the codes the overlay reports. */
START_TEST(codes_documented)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/../../docs/conversion.md", TEST_DATA_DIR);
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    static char doc[1 << 20];
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    doc[n] = '\0';
    fclose(f);
    ck_assert_ptr_nonnull(strstr(doc, "| " MPW_OVERLAY_CONFLICT " | warning |"));
    ck_assert_ptr_nonnull(strstr(doc, "| " MPW_OVERLAY_ORPHAN " | warning |"));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("overlay");
    TCase *tc = tcase_create("overlay");
    tcase_add_test(tc, edit_kept_when_ingress_changes_another_field);
    tcase_add_test(tc, same_field_changed_upstream_is_one_conflict);
    tcase_add_test(tc, routes_merge_by_name_when_upstream_adds_one);
    tcase_add_test(tc, live_object_keeps_fields_the_form_does_not_know);
    tcase_add_test(tc, undo_removes_the_entry);
    tcase_add_test(tc, new_entries_join_the_plan_in_output_order);
    tcase_add_test(tc, orphan_is_kept_and_reported);
    tcase_add_test(tc, find_by_source);
    tcase_add_test(tc, deleted_key_stays_deleted_unless_changed_upstream);
    tcase_add_test(tc, key_order_current_then_added_by_edit);
    tcase_add_test(tc, sequences_index_wise_or_atomic);
    tcase_add_test(tc, named_items_reorder_add_remove);
    tcase_add_test(tc, conflict_paths_and_values_are_readable);
    tcase_add_test(tc, encode_decode_round_trip);
    tcase_add_test(tc, decode_errors_name_file_entry_field);
    tcase_add_test(tc, put_refuses_objects_without_identity);
    tcase_add_test(tc, staged_path_is_safe);
    tcase_add_test(tc, staged_save_load_modes);
    tcase_add_test(tc, codes_documented);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
