/* test_convert_hosts.c - docs/conversion.md §3, §4, §6: a host as nginx
 * serves it. One server per host whatever the namespaces of its Ingresses
 * (one Gateway server per port, a root VirtualService with delegates that
 * keep nginx's first-match order, the regex decision per host), TLS hosts
 * matched with x509 wildcard rules, and nginx's trailing-slash redirect. */
#include "convert_helpers.h"
#include "model/istio_check.h"

/* ing_yaml with a creationTimestamp (nginx's order: oldest first). */
static char *ing_at(const char *ts, const char *ns, const char *name, const char *ann,
                    const char *host, const char *tls, const char *p1, const char *p2)
{
    char *y = ing_yaml(ns, name, ann, host, tls, p1, p2, NULL);
    char *at_ns = strstr(y, "  namespace:");
    strbuf sb;
    strbuf_init(&sb);
    strbuf_printf(&sb, "%.*s  creationTimestamp: \"%s\"\n%s", (int)(at_ns - y), y, ts, at_ns);
    free(y);
    return strbuf_detach(&sb, NULL);
}

/* Joins NULL-ended malloc'd documents into one stream (freeing them). */
static char *stream(char *first, ...)
{
    strbuf sb;
    strbuf_init(&sb);
    va_list ap;
    va_start(ap, first);
    for (char *d = first; d; d = va_arg(ap, char *)) {
        strbuf_printf(&sb, "%s%s", sb.len ? "---\n" : "", d);
        free(d);
    }
    va_end(ap);
    return strbuf_detach(&sb, NULL);
}

static convert_plan *conv_stream(char *yaml)
{
    return conv_free_in(yaml);
}

static const char *uri_of(const doc_node *m, const char **kind)
{
    const doc_node *u = doc_get(m, "uri");
    if (!u || !u->len)
        return NULL;
    *kind = u->keys[0];
    return doc_str(u->items[0]);
}

/* istiod's stringMatchConflict for uri matches (virtualservice.go). */
static bool conflicts(const doc_node *root, const doc_node *leaf)
{
    const char *rk = "", *lk = "";
    const char *rv = uri_of(root, &rk), *lv = uri_of(leaf, &lk);
    if (!rv || !lv)
        return false;
    if (!strcmp(rk, "regex") || !strcmp(lk, "regex"))
        return true;
    if (!strcmp(rk, "exact"))
        return strcmp(lk, "exact") || strcmp(lv, rv);
    return strncmp(lv, rv, strlen(rv)) != 0;
}

/* The http list istiod builds from the root: each delegate entry replaced,
 * in place, by the delegate's routes; a delegate route with a match no root
 * match admits is dropped, one admitted twice gets two merged matches
 * (mergeHTTPMatchRequests). Returned as "name match-count" lines. */
static void flatten(const convert_plan *p, const doc_node *root, strbuf *out)
{
    const doc_node *http = doc_getv(root, "spec", "http", NULL);
    for (size_t i = 0; http && i < http->len; i++) {
        const doc_node *e = doc_at(http, i);
        const doc_node *ref = doc_get(e, "delegate");
        if (!ref) {
            strbuf_printf(out, "%s %zu\n", at(e, "name", NULL), node_at(e, "match", NULL)->len);
            continue;
        }
        const doc_node *dvs =
            find_obj(p, "VirtualService", at(ref, "namespace", NULL), at(ref, "name", NULL));
        ck_assert_ptr_nonnull(dvs);
        ck_assert_ptr_null(doc_getv(dvs, "spec", "hosts", NULL));
        ck_assert_ptr_null(doc_getv(dvs, "spec", "gateways", NULL));
        ck_assert_str_eq(at(dvs, "spec", "exportTo", "0", NULL), kobj_namespace(root));
        const doc_node *rm = doc_get(e, "match");
        const doc_node *dh = doc_getv(dvs, "spec", "http", NULL);
        for (size_t k = 0; k < dh->len; k++) {
            const doc_node *dm = doc_get(doc_at(dh, k), "match");
            size_t merged = 0;
            bool dropped = false;
            for (size_t a = 0; a < dm->len && !dropped; a++) {
                size_t found = 0;
                for (size_t b = 0; b < rm->len; b++)
                    found += !conflicts(doc_at(rm, b), doc_at(dm, a));
                dropped = !found;
                merged += found;
            }
            if (!dropped)
                strbuf_printf(out, "%s %zu\n", at(doc_at(dh, k), "name", NULL), merged);
        }
    }
}

/* The same Ingresses, one namespace: the order every namespace split of
 * them must reproduce. */
static void single_ns_order(char *yaml, const char *host_label, strbuf *out)
{
    for (char *p = yaml; (p = strstr(p, "namespace: ns-")); p++)
        p[strlen("namespace: ns-")] = 'a';
    convert_plan *p = conv_stream(yaml);
    flatten(p, find_obj(p, "VirtualService", "ns-a", host_label), out);
    convert_plan_free(p);
}

/* Three namespaces, interleaved lengths: the root (ns-a, oldest) keeps its
 * own routes inline and delegates each run of another namespace. */
static char *three_ns(void)
{
    return stream(ing_at("2020-01-01T00:00:00Z", "ns-a", "a", "", "shop.example.com", NULL,
                         "Prefix / web 80", "Prefix /api/v1 v1 80"),
                  ing_at("2021-01-01T00:00:00Z", "ns-b", "b", "", "shop.example.com", "shop-tls",
                         "Prefix /api api 80", "Exact /api/v1/login login 80"),
                  ing_at("2022-01-01T00:00:00Z", "ns-c", "c", "", "shop.example.com", NULL,
                         "ImplementationSpecific /static st 80", "Prefix /api/v1/users u 80"),
                  NULL);
}

START_TEST(host_across_namespaces_one_server_root_and_delegates)
{
    convert_plan *p = conv_stream(three_ns());
    /* one Gateway: the oldest Ingress's namespace; the certificate of ns-b applies */
    ck_assert_uint_eq(count_kind(p, "Gateway"), 1);
    const doc_node *gw = find_obj(p, "Gateway", "ns-a", "meshpanel-gateway");
    ck_assert_ptr_nonnull(gw);
    const doc_node *servers = doc_getv(gw, "spec", "servers", NULL);
    ck_assert_uint_eq(servers->len, 2);
    ck_assert_str_eq(at(servers, "0", "port", "name", NULL), "http-redirect");
    ck_assert_str_eq(at(servers, "0", "hosts", "0", NULL), "shop.example.com");
    ck_assert_str_eq(at(servers, "1", "tls", "credentialName", NULL), "shop-tls");
    ck_assert_str_eq(at(servers, "1", "hosts", "0", NULL), "shop.example.com");
    /* MP302 names the secret where it is: ns-b, not the Gateway's namespace */
    const mp_warning *w = find_warn(p, "MP302", "shop-tls");
    ck_assert_ptr_nonnull(w);
    ck_assert_str_eq(w->object, "ingress ns-b/b");
    ck_assert_msg(strstr(w->message, "copy secret ns-b/shop-tls"), "%s", w->message);

    const doc_node *root = find_obj(p, "VirtualService", "ns-a", "shop-example-com");
    ck_assert_str_eq(at(root, "spec", "gateways", "0", NULL), "ns-a/meshpanel-gateway");
    const doc_node *http = doc_getv(root, "spec", "http", NULL);
    /* /api/v1/users/ (c) > /api/v1/login (b) > /api/v1/ (a) > /static (c) > /api/ (b) > / (a) */
    ck_assert_uint_eq(http->len, 6);
    ck_assert_str_eq(at(http, "0", "delegate", "namespace", NULL), "ns-c");
    ck_assert_str_eq(at(http, "0", "delegate", "name", NULL), "shop-example-com-1");
    ck_assert_str_eq(at(http, "1", "delegate", "namespace", NULL), "ns-b");
    ck_assert_str_eq(at(http, "1", "delegate", "name", NULL), "shop-example-com-1");
    ck_assert_str_eq(at(http, "2", "name", NULL), "a-0-1");
    ck_assert_str_eq(at(http, "3", "delegate", "name", NULL), "shop-example-com-2");
    ck_assert_str_eq(at(http, "3", "delegate", "namespace", NULL), "ns-c");
    ck_assert_str_eq(at(http, "4", "delegate", "name", NULL), "shop-example-com-2");
    ck_assert_str_eq(at(http, "4", "delegate", "namespace", NULL), "ns-b");
    ck_assert_str_eq(at(http, "5", "name", NULL), "a-0-0");
    /* a root entry matches what its delegate matches, nothing more */
    ck_assert_str_eq(at(http, "4", "match", "0", "uri", "exact", NULL), "/api");
    ck_assert_str_eq(at(http, "4", "match", "1", "uri", "prefix", NULL), "/api/");
    ck_assert_ptr_null(node_at(http, "4", "match", "2", NULL));
    ck_assert_uint_eq(count_kind(p, "VirtualService"), 5);
    const doc_node *d = find_obj(p, "VirtualService", "ns-c", "shop-example-com-1");
    ck_assert_str_eq(at(d, "spec", "http", "0", "route", "0", "destination", "host", NULL),
                     "u.ns-c.svc.cluster.local");
    ck_assert_str_eq(at(d, "metadata", "annotations", "meshpanel.io/source", NULL),
                     "ingress/ns-c/c");
    ck_assert_str_eq(at(root, "metadata", "annotations", "meshpanel.io/source", NULL),
                     "ingress/ns-a/a,ingress/ns-b/b,ingress/ns-c/c");
    w = find_warn(p, "MP207", NULL);
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(w->sev, MP_SEV_INFO);
    ck_assert_str_eq(w->object, "ingress ns-a/a");
    ck_assert_msg(strstr(w->message, "ns-a, ns-b, ns-c"), "%s", w->message);
    ck_assert_msg(strstr(w->message, "ns-c/shop-example-com-1, ns-b/shop-example-com-1"), "%s",
                  w->message);
    convert_plan_free(p);
}
END_TEST

/* The order istiod assembles from root and delegates is the order of the
 * same Ingresses in one namespace, every delegate route admitted once. */
START_TEST(delegation_keeps_nginx_order)
{
    convert_plan *p = conv_stream(three_ns());
    strbuf got, want;
    strbuf_init(&got);
    strbuf_init(&want);
    flatten(p, find_obj(p, "VirtualService", "ns-a", "shop-example-com"), &got);
    convert_plan_free(p);
    single_ns_order(three_ns(), "shop-example-com", &want);
    ck_assert_str_eq(got.buf, want.buf);
    /* c-0-0, ImplementationSpecific /static, is Prefix: two matches */
    ck_assert_str_eq(got.buf, "c-0-1 2\nb-0-1 1\na-0-1 2\nc-0-0 2\nb-0-0 2\na-0-0 1\n");
    strbuf_free(&got);
    strbuf_free(&want);
}
END_TEST

/* The console's edit checks (and its apply) take what convert generates:
 * a delegate without hosts is no error, a root's delegate entries shadow
 * nothing; a VirtualService without hosts but with gateways is refused. */
START_TEST(edit_checks_accept_root_and_delegates)
{
    convert_plan *plans[2] = {
        conv_stream(three_ns()),
        conv_stream(stream(ing_at("2020-01-01T00:00:00Z", "ns-a", "a", "", "r.example.com", NULL,
                                  "Prefix / web 80", "Exact /health h 80"),
                           ing_at("2021-01-01T00:00:00Z", "ns-b", "b", AN "use-regex: \"true\"",
                                  "r.example.com", NULL, "Prefix /docs docs 80", NULL),
                           NULL))};
    istio_check_opts o = {.tenant_prefix = "ns-", .gateway_namespace = "istio-system"};
    for (size_t k = 0; k < 2; k++) {
        for (size_t i = 0; i < convert_plan_len(plans[k]); i++) {
            mp_warnings w;
            mp_warnings_init(&w);
            ck_assert_int_eq(istio_check(convert_plan_obj(plans[k], i), &o, &w), 0);
            for (size_t j = 0; j < w.len; j++)
                ck_assert_msg(strcmp(w.items[j].code, MPW_ROUTE_SHADOWED), "%s: %s",
                              w.items[j].field, w.items[j].message);
            mp_warnings_free(&w);
        }
        convert_plan_free(plans[k]);
    }
    doc_list l;
    doc_list_init(&l);
    mp_err e;
    const char *bad = "apiVersion: networking.istio.io/v1\nkind: VirtualService\n"
                      "metadata: {name: d, namespace: ns-b}\nspec:\n  gateways: [ns-b/gw]\n"
                      "  http:\n  - route: [{destination: {host: x.ns-b.svc.cluster.local}}]\n";
    ck_assert_int_eq(doc_parse_yaml(bad, strlen(bad), "t", &l, &e), 0);
    mp_warnings w;
    mp_warnings_init(&w);
    ck_assert_int_eq(istio_check(l.docs[0], &o, &w), 1);
    ck_assert_str_eq(w.items[0].field, "spec.gateways");
    mp_warnings_free(&w);
    doc_list_free(&l);
}
END_TEST

/* One namespace's use-regex makes every location of the host a regex
 * location, in every namespace; root entries then match no uri (a regex
 * conflicts with any uri of the root) and are told apart by a name. */
START_TEST(regex_decision_is_per_host_across_namespaces)
{
    convert_plan *p = conv_stream(stream(
        ing_at("2020-01-01T00:00:00Z", "ns-a", "a", "", "r.example.com", NULL, "Prefix / web 80",
               "Exact /health h 80"),
        ing_at("2021-01-01T00:00:00Z", "ns-b", "b", AN "use-regex: \"true\"", "r.example.com", NULL,
               "ImplementationSpecific /api/v[0-9]+ api 80", "Prefix /docs docs 80"),
        NULL));
    /* regex order is by path length: /api/v[0-9]+ (b), /health (a), /docs (b), / (a) */
    const doc_node *http = vs_routes(p, "ns-a", "r-example-com");
    ck_assert_uint_eq(http->len, 4);
    ck_assert_str_eq(at(http, "0", "delegate", "name", NULL), "r-example-com-1");
    ck_assert_str_eq(at(http, "0", "match", "0", "name", NULL), "ns-b/r-example-com-1");
    ck_assert_ptr_null(node_at(http, "0", "match", "0", "uri", NULL));
    ck_assert_ptr_null(node_at(http, "0", "match", "1", NULL));
    ck_assert_str_eq(at(http, "1", "match", "0", "uri", "regex", NULL), "(?i)/health.*");
    ck_assert_str_eq(at(http, "2", "match", "0", "name", NULL), "ns-b/r-example-com-2");
    ck_assert_str_eq(at(http, "3", "match", "0", "uri", "regex", NULL), "(?i)/.*");
    const doc_node *d = vs_routes(p, "ns-b", "r-example-com-1");
    ck_assert_uint_eq(d->len, 1);
    ck_assert_str_eq(at(d, "0", "match", "0", "uri", "regex", NULL), "(?i)/api/v[0-9]+.*");
    d = vs_routes(p, "ns-b", "r-example-com-2");
    ck_assert_str_eq(at(d, "0", "match", "0", "uri", "regex", NULL), "(?i)/docs.*");
    convert_plan_free(p);
}
END_TEST

/* Regex locations are first-match in nginx, and ingress-nginx orders equal
 * lengths by path, descending, not by Ingress: /v[1] (ns-b, younger)
 * before /v1.x (ns-a, older); GET /v1ax matches both. */
START_TEST(regex_ties_follow_ingress_nginx_sort)
{
    convert_plan *p = conv_stream(
        stream(ing_at("2020-01-01T00:00:00Z", "ns-a", "a", AN "use-regex: \"true\"",
                      "t.example.com", NULL, "ImplementationSpecific /v1.x one 80", NULL),
               ing_at("2021-01-01T00:00:00Z", "ns-b", "b", "", "t.example.com", NULL,
                      "ImplementationSpecific /v[1] any 80", NULL),
               NULL));
    const doc_node *http = vs_routes(p, "ns-a", "t-example-com");
    ck_assert_uint_eq(http->len, 2);
    ck_assert_str_eq(at(http, "0", "delegate", "namespace", NULL), "ns-b");
    ck_assert_str_eq(at(http, "1", "name", NULL), "a-0-0");
    convert_plan_free(p);
}
END_TEST

/* A canary in another namespace joins the main route (nginx merges by host
 * and path); its destination is its own namespace's Service. */
START_TEST(canary_from_another_namespace)
{
    convert_plan *p = conv_stream(stream(ing_at("2020-01-01T00:00:00Z", "ns-a", "main", "",
                                                "c.example.com", NULL, "Prefix / web 80", NULL),
                                         ing_at("2021-01-01T00:00:00Z", "ns-b", "can",
                                                AN "canary: \"true\"\n" AN "canary-weight: \"10\"",
                                                "c.example.com", NULL, "Prefix / web2 80", NULL),
                                         NULL));
    const doc_node *http = vs_routes(p, "ns-a", "c-example-com");
    ck_assert_uint_eq(http->len, 1);
    ck_assert_str_eq(at(http, "0", "route", "0", "destination", "host", NULL),
                     "web.ns-a.svc.cluster.local");
    ck_assert_str_eq(at(http, "0", "route", "1", "destination", "host", NULL),
                     "web2.ns-b.svc.cluster.local");
    ck_assert_uint_eq(count_kind(p, "VirtualService"), 1);
    const mp_warning *w = find_warn(p, "MP207", NULL);
    ck_assert_ptr_nonnull(w);
    ck_assert_msg(strstr(w->message, "holds all its routes"), "%s", w->message);
    convert_plan_free(p);
}
END_TEST

/* The older namespace's duplicate location wins across namespaces (MP203);
 * with nothing left in the other namespace there is no delegate. */
START_TEST(duplicate_location_across_namespaces)
{
    convert_plan *p = conv_stream(stream(ing_at("2020-01-01T00:00:00Z", "ns-b", "old", "",
                                                "d.example.com", NULL, "Prefix /x old 80", NULL),
                                         ing_at("2021-01-01T00:00:00Z", "ns-a", "new", "",
                                                "d.example.com", NULL, "Prefix /x/ new 80", NULL),
                                         NULL));
    ck_assert_ptr_nonnull(find_warn(p, "MP203", "ingress ns-b/old"));
    ck_assert_uint_eq(count_kind(p, "VirtualService"), 1);
    /* the oldest Ingress is in ns-b: the host's root and Gateway are there */
    const doc_node *http = vs_routes(p, "ns-b", "d-example-com");
    ck_assert_uint_eq(http->len, 1);
    ck_assert_ptr_nonnull(find_obj(p, "Gateway", "ns-b", "meshpanel-gateway"));
    ck_assert_ptr_null(find_obj(p, "Gateway", "ns-a", NULL));
    const mp_warning *w = find_warn(p, "MP207", NULL);
    ck_assert_ptr_nonnull(w);
    ck_assert_msg(strstr(w->message, "holds all its routes"), "%s", w->message);
    convert_plan_free(p);
}
END_TEST

/* ---- TLS hosts ------------------------------------------------------------------- */

static char *tls_ing(const char *name, const char *ts, const char *rules_hosts[],
                     const char *tls_yaml)
{
    strbuf sb;
    strbuf_init(&sb);
    strbuf_printf(&sb,
                  "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: %s\n"
                  "  creationTimestamp: \"%s\"\n  namespace: ns-t\nspec:\n"
                  "  ingressClassName: nginx\n%s%s  rules:\n",
                  name, ts, *tls_yaml ? "  tls:\n" : "", tls_yaml);
    for (size_t i = 0; rules_hosts[i]; i++)
        strbuf_printf(&sb,
                      "  - host: %s\n    http:\n      paths:\n      - path: /\n"
                      "        pathType: Prefix\n        backend:\n          service:\n"
                      "            name: web\n            port: {number: 80}\n",
                      rules_hosts[i]);
    return strbuf_detach(&sb, NULL);
}

static const char *cert_of(const convert_plan *p, const char *host)
{
    const doc_node *servers =
        node_at(find_obj(p, "Gateway", "ns-t", "meshpanel-gateway"), "spec", "servers", NULL);
    for (size_t i = 0; servers && i < servers->len; i++) {
        const doc_node *s = doc_at(servers, i);
        const doc_node *hosts = doc_get(s, "hosts");
        for (size_t h = 0; at(s, "tls", "credentialName", NULL) && h < hosts->len; h++)
            if (!strcmp(doc_str(doc_at(hosts, h)), host))
                return at(s, "tls", "credentialName", NULL);
    }
    return NULL;
}

START_TEST(wildcard_tls_host_covers_one_label)
{
    const char *hosts[] = {"shop.example.com", "a.shop.example.com", NULL};
    convert_plan *p = conv_free_in(tls_ing("w", "2020-01-01T00:00:00Z", hosts,
                                           "  - hosts: [\"*.example.com\"]\n"
                                           "    secretName: wildcard-example-com\n"));
    ck_assert_str_eq(cert_of(p, "shop.example.com"), "wildcard-example-com");
    ck_assert_ptr_null(cert_of(p, "a.shop.example.com"));
    const mp_warning *w = find_warn(p, "MP307", "shop.example.com");
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(w->sev, MP_SEV_INFO);
    ck_assert_str_eq(w->field, "spec.tls[0].hosts[0]");
    ck_assert_ptr_null(find_warn(p, "MP307", "a.shop.example.com"));
    w = find_warn(p, "MP301", "a.shop.example.com");
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(w->sev, MP_SEV_WARNING);
    ck_assert_ptr_null(find_warn(p, "MP301", "host shop.example.com"));
    convert_plan_free(p);
}
END_TEST

/* nginx goes Ingress by Ingress: within one, a tls entry naming the host
 * beats a wildcard; the older Ingress's wildcard beats a younger exact
 * listing (MP304); a tls entry of an Ingress that does not route the host
 * gives it nothing. */
START_TEST(tls_choice_in_nginx_order)
{
    const char *one[] = {"shop.example.com", NULL};
    convert_plan *p = conv_free_in(tls_ing("w", "2020-01-01T00:00:00Z", one,
                                           "  - hosts: [\"*.example.com\"]\n    secretName: wild\n"
                                           "  - hosts: [shop.example.com]\n    secretName: own\n"));
    ck_assert_str_eq(cert_of(p, "shop.example.com"), "own");
    ck_assert_ptr_null(find_warn(p, "MP307", NULL));
    convert_plan_free(p);

    p = conv_free_in(stream(tls_ing("old", "2020-01-01T00:00:00Z", one,
                                    "  - hosts: [\"*.example.com\"]\n    secretName: wild\n"),
                            tls_ing("new", "2021-01-01T00:00:00Z", one,
                                    "  - hosts: [shop.example.com]\n    secretName: own\n"),
                            NULL));
    ck_assert_str_eq(cert_of(p, "shop.example.com"), "wild");
    const mp_warning *w = find_warn(p, "MP304", "own");
    ck_assert_ptr_nonnull(w);
    ck_assert_str_eq(w->object, "ingress ns-t/new");
    convert_plan_free(p);

    const char *other[] = {"other.example.com", NULL};
    p = conv_free_in(
        stream(tls_ing("certs", "2020-01-01T00:00:00Z", other,
                       "  - hosts: [shop.example.com, other.example.com]\n    secretName: both\n"),
               tls_ing("shop", "2021-01-01T00:00:00Z", one, ""), NULL));
    ck_assert_str_eq(cert_of(p, "other.example.com"), "both");
    ck_assert_ptr_null(cert_of(p, "shop.example.com"));
    convert_plan_free(p);
}
END_TEST

/* ---- trailing-slash redirects ------------------------------------------------------ */

/* Index of the route named name (delegate entries have none), or -1. */
static long route_idx(const doc_node *http, const char *name)
{
    for (size_t i = 0; http && i < http->len; i++) {
        const char *n = at(doc_at(http, i), "name", NULL);
        if (n && !strcmp(n, name))
            return (long)i;
    }
    return -1;
}

static bool has_route(const doc_node *http, const char *name)
{
    return route_idx(http, name) >= 0;
}

/* Exact /foo/ and ImplementationSpecific /bar/ redirect too; a location
 * named like the bare path (Exact /api, the exact copy "= /y" of Prefix /y)
 * stops it, also from another namespace. ImplementationSpecific /x is
 * Prefix /x, the same `location /x/` as the older Prefix /x/: dropped, it
 * names nothing. Regex hosts have no such locations. */
START_TEST(slash_redirect_rules)
{
    convert_plan *p =
        conv_stream(stream(ing_at("2020-01-01T00:00:00Z", "ns-a", "a", "", "s.example.com", NULL,
                                  "Exact /foo/ foo 80", "ImplementationSpecific /bar/ bar 80"),
                           ing_at("2021-01-01T00:00:00Z", "ns-a", "b", "", "s.example.com", NULL,
                                  "Prefix /api/ api 80", "Exact /api ex 80"),
                           ing_at("2022-01-01T00:00:00Z", "ns-b", "c", "", "s.example.com", NULL,
                                  "Prefix /x/ x 80", "Exact /y/ y 80"),
                           ing_at("2023-01-01T00:00:00Z", "ns-a", "d", "", "s.example.com", NULL,
                                  "ImplementationSpecific /x xi 80", "Prefix /y yp 80"),
                           NULL));
    const doc_node *http = vs_routes(p, "ns-a", "s-example-com");
    ck_assert(has_route(http, "a-0-0-slash"));
    ck_assert(has_route(http, "a-0-1-slash"));
    ck_assert(!has_route(http, "b-0-0-slash"));
    const doc_node *d = vs_routes(p, "ns-b", "s-example-com");
    ck_assert(has_route(d, "c-0-0-slash"));
    ck_assert(!has_route(d, "c-0-1-slash"));
    ck_assert(!has_route(http, "d-0-0"));
    ck_assert(has_route(http, "d-0-1"));
    const mp_warning *w = find_warn(p, "MP203", "/x (ImplementationSpecific)");
    ck_assert_ptr_nonnull(w);
    ck_assert_str_eq(w->object, "ingress ns-a/d");
    ck_assert_msg(strstr(w->message, "already routed by ingress ns-b/c"), "%s", w->message);
    /* the redirect goes directly before its route: "/foo" exact, then "/foo/" */
    long i = route_idx(http, "a-0-0-slash");
    ck_assert_int_ge(i, 0);
    char k[24], k1[24];
    snprintf(k, sizeof k, "%ld", i);
    snprintf(k1, sizeof k1, "%ld", i + 1);
    ck_assert_str_eq(at(http, k, "match", "0", "uri", "exact", NULL), "/foo");
    ck_assert_ptr_null(node_at(http, k, "match", "0", "headers", NULL));
    ck_assert_str_eq(at(http, k, "redirect", "uri", NULL), "/foo/");
    ck_assert_str_eq(at(http, k, "redirect", "redirectCode", NULL), "301");
    ck_assert_str_eq(at(http, k1, "name", NULL), "a-0-0");
    ck_assert_str_eq(at(http, k1, "match", "0", "uri", "exact", NULL), "/foo/");
    convert_plan_free(p);

    p = conv_free_in(ing_yaml("ns-a", "r", AN "use-regex: \"true\"", "r.example.com", NULL,
                              "Prefix /api/ api 80", NULL));
    ck_assert_uint_eq(vs_routes(p, "ns-a", "r-example-com")->len, 1);
    convert_plan_free(p);
}
END_TEST

/* ingress-nginx drops the exact copy of Prefix p only for an Exact path
 * written p: Prefix /api with Exact /api/ keeps "= /api". */
START_TEST(prefix_exact_copy_compares_paths_as_written)
{
    convert_plan *p = conv_free_in(ing_yaml("ns-a", "w", "", "e.example.com", NULL,
                                            "Prefix /api pre 80", "Exact /api/ ex 80", NULL));
    const doc_node *http = vs_routes(p, "ns-a", "e-example-com");
    ck_assert_uint_eq(http->len, 2);
    ck_assert_str_eq(at(http, "0", "match", "0", "uri", "exact", NULL), "/api/");
    ck_assert_str_eq(at(http, "1", "match", "0", "uri", "exact", NULL), "/api");
    ck_assert_str_eq(at(http, "1", "match", "1", "uri", "prefix", NULL), "/api/");
    convert_plan_free(p);
}
END_TEST

/* nginx's ranking (creationTimestamp, then namespace, then name) decides
 * which of several Ingresses keeps a location: timestamps equal in their
 * first sixteen bytes (the same minute), equal ones, a missing one (""),
 * a shorter one; in the input's order and reversed. */
START_TEST(ranking_decides_the_location)
{
    static const struct {
        const char *ts[3], *name[3], *winner;
    } cases[] = {
        {{"2020-01-01T00:00:59Z", "2020-01-01T00:00:07Z", "2020-01-01T00:01:00Z"},
         {"b", "c", "a"},
         "c"},
        {{"2020-01-01T00:00:07Z", "2020-01-01T00:00:07Z", "2020-01-01T00:00:08Z"},
         {"c", "b", "a"},
         "b"},
        {{"2020-01-01T00:00:07Z", NULL, "2019-01-01T00:00:00Z"}, {"c", "z", "a"}, "z"},
        {{"2020-01-01T00:00:00Z", "2020", "2020-01-01T00:00"}, {"a", "b", "c"}, "b"},
        {{"2020-01-01T00:00:00Z", "2020-01-01T00:00:00", "2020-01-01T00:00:00Z"},
         {"a", "b", "c"},
         "b"},
        /* one timestamp for all (or none): the names decide, also past the
         * eight bytes after what they share */
        {{"2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z"},
         {"w-abcdefgh-2", "w-abcdefgh-10", "w-abcdefgh-1"},
         "w-abcdefgh-1"},
        {{NULL, NULL, NULL}, {"w-abcdefgh-2", "x", "w-abcdefgh-10"}, "w-abcdefgh-10"},
        {{NULL, NULL, NULL}, {"wa", "w", "wb"}, "w"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        for (int rev = 0; rev < 2; rev++) {
            char *doc[3];
            for (int j = 0; j < 3; j++) {
                int k = rev ? 2 - j : j;
                char path[64];
                snprintf(path, sizeof path, "Prefix /x %s 80", cases[i].name[k]);
                doc[j] = cases[i].ts[k] ? ing_at(cases[i].ts[k], "ns-a", cases[i].name[k], "",
                                                 "r.example.com", NULL, path, NULL)
                                        : ing_yaml("ns-a", cases[i].name[k], "", "r.example.com",
                                                   NULL, path, NULL);
            }
            convert_plan *p = conv_stream(stream(doc[0], doc[1], doc[2], NULL));
            const doc_node *http = vs_routes(p, "ns-a", "r-example-com");
            ck_assert_uint_eq(http->len, 1);
            char want[64];
            snprintf(want, sizeof want, "%s.ns-a.svc.cluster.local", cases[i].winner);
            ck_assert_str_eq(at(http, "0", "route", "0", "destination", "host", NULL), want);
            convert_plan_free(p);
        }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("convert_hosts");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, host_across_namespaces_one_server_root_and_delegates);
    tcase_add_test(tc, ranking_decides_the_location);
    tcase_add_test(tc, delegation_keeps_nginx_order);
    tcase_add_test(tc, edit_checks_accept_root_and_delegates);
    tcase_add_test(tc, regex_decision_is_per_host_across_namespaces);
    tcase_add_test(tc, regex_ties_follow_ingress_nginx_sort);
    tcase_add_test(tc, canary_from_another_namespace);
    tcase_add_test(tc, duplicate_location_across_namespaces);
    tcase_add_test(tc, wildcard_tls_host_covers_one_label);
    tcase_add_test(tc, tls_choice_in_nginx_order);
    tcase_add_test(tc, slash_redirect_rules);
    tcase_add_test(tc, prefix_exact_copy_compares_paths_as_written);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
