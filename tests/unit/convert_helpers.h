/*
 * convert_helpers.h - building Ingress YAML and inspecting convert plans in
 * Check tests (test_convert*.c). Header-only: each test binary is one file.
 */
#ifndef MESHPANEL_TEST_CONVERT_HELPERS_H
#define MESHPANEL_TEST_CONVERT_HELPERS_H

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/convert.h"
#include "model/emit.h"
#include "model/kobj.h"
#include "model/parse.h"
#include "model/strbuf.h"

/* One Ingress with one rule and any number of paths given as
 * "PathType path service port" strings (port: number or name), NULL-ended.
 * ann: extra annotation lines, each "key: value\n" (prefix added by the
 * caller), or "". tls_secret may be NULL. */
static inline char *ing_yaml(const char *ns, const char *name, const char *ann, const char *host,
                             const char *tls_secret, ...)
{
    strbuf sb;
    strbuf_init(&sb);
    strbuf_printf(&sb,
                  "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: %s\n"
                  "  namespace: %s\n  annotations:\n    kubernetes.io/ingress.class: nginx\n",
                  name, ns);
    const char *p = ann;
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        strbuf_puts(&sb, "    ");
        strbuf_append(&sb, p, n);
        strbuf_putc(&sb, '\n');
        p = nl ? nl + 1 : p + n;
    }
    strbuf_printf(&sb, "spec:\n  rules:\n  - host: %s\n    http:\n      paths:\n", host);
    va_list ap;
    va_start(ap, tls_secret);
    for (const char *path; (path = va_arg(ap, const char *));) {
        char type[32], ppath[256], svc[64], port[64];
        ck_assert_int_eq(sscanf(path, "%31s %255s %63s %63s", type, ppath, svc, port), 4);
        bool num = port[0] >= '0' && port[0] <= '9';
        strbuf_printf(&sb,
                      "      - path: \"%s\"\n        pathType: %s\n        backend:\n"
                      "          service:\n            name: %s\n            port:\n"
                      "              %s: %s\n",
                      ppath, type, svc, num ? "number" : "name", port);
    }
    va_end(ap);
    if (tls_secret)
        strbuf_printf(&sb, "  tls:\n  - hosts: [%s]\n    secretName: %s\n", host, tls_secret);
    return strbuf_detach(&sb, NULL);
}

/* Runs the converter on a YAML stream; the input is freed before the plan
 * is inspected, which also checks that the plan owns its trees. */
static inline convert_plan *conv_opts(const char *yaml, const convert_opts *o)
{
    doc_list l;
    doc_list_init(&l);
    mp_err e;
    ck_assert_msg(doc_parse_yaml(yaml, strlen(yaml), "test", &l, &e) == 0, "%s", e.msg);
    convert_plan *p = convert_run(l.docs, l.len, o, &e);
    ck_assert_msg(p != NULL, "%s", e.msg);
    doc_list_free(&l);
    return p;
}

static inline convert_plan *conv(const char *yaml)
{
    convert_opts o;
    convert_opts_default(&o);
    return conv_opts(yaml, &o);
}

/* Same, consuming a malloc'd YAML string. */
static inline convert_plan *conv_free_in(char *yaml)
{
    convert_plan *p = conv(yaml);
    free(yaml);
    return p;
}

static inline const doc_node *find_obj(const convert_plan *p, const char *kind, const char *ns,
                                       const char *name)
{
    for (size_t i = 0; i < convert_plan_len(p); i++) {
        const doc_node *o = convert_plan_obj(p, i);
        if (!strcmp(kobj_kind(o), kind) && !strcmp(kobj_namespace(o), ns) &&
            (!name || !strcmp(kobj_name(o), name)))
            return o;
    }
    return NULL;
}

static inline size_t count_kind(const convert_plan *p, const char *kind)
{
    size_t n = 0;
    for (size_t i = 0; i < convert_plan_len(p); i++)
        n += !strcmp(kobj_kind(convert_plan_obj(p, i)), kind);
    return n;
}

static inline const doc_node *vs_routes(const convert_plan *p, const char *ns, const char *name)
{
    const doc_node *vs = find_obj(p, "VirtualService", ns, name);
    ck_assert_msg(vs != NULL, "no VirtualService %s/%s", ns, name);
    return doc_getv(vs, "spec", "http", NULL);
}

/* Warning with this code whose field or message contains needle (NULL: any). */
static inline const mp_warning *find_warn(const convert_plan *p, const char *code,
                                          const char *needle)
{
    for (size_t i = 0; i < convert_plan_nwarn(p); i++) {
        const mp_warning *w = convert_plan_warn(p, i);
        if (strcmp(w->code, code))
            continue;
        if (!needle || strstr(w->field, needle) || strstr(w->message, needle))
            return w;
    }
    return NULL;
}

/* The text of a scalar at a path below a node: "match" "0" "uri" "exact".
 * Numeric components index sequences. */
static inline const char *at(const doc_node *n, ...)
{
    va_list ap;
    va_start(ap, n);
    for (const char *k; n && (k = va_arg(ap, const char *));) {
        if (doc_is_seq(n))
            n = doc_at(n, (size_t)atoi(k));
        else
            n = doc_get(n, k);
    }
    va_end(ap);
    return n && doc_is_scalar(n) ? doc_str(n) : NULL;
}

static inline const doc_node *node_at(const doc_node *n, ...)
{
    va_list ap;
    va_start(ap, n);
    for (const char *k; n && (k = va_arg(ap, const char *));) {
        if (doc_is_seq(n))
            n = doc_at(n, (size_t)atoi(k));
        else
            n = doc_get(n, k);
    }
    va_end(ap);
    return n;
}

#define AN "nginx.ingress.kubernetes.io/"

#endif
