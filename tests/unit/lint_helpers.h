/*
 * lint_helpers.h - a lint run over YAML written in the test, and lookups
 * of its findings. Header-only: each test binary is one file.
 */
#ifndef MESHPANEL_TEST_LINT_HELPERS_H
#define MESHPANEL_TEST_LINT_HELPERS_H

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "model/kobj.h"
#include "model/lint.h"
#include "model/parse.h"

typedef struct {
    doc_list docs; /* every object added, owned here */
    lint_set *set;
    lint_policy *pol;
    lint_findings *f;
} lint_fx;

static inline void fx_init(lint_fx *x)
{
    memset(x, 0, sizeof *x);
    doc_list_init(&x->docs);
    x->set = lint_set_new();
    x->pol = lint_policy_new();
    ck_assert_ptr_nonnull(x->set);
    ck_assert_ptr_nonnull(x->pol);
}

static inline void fx_free(lint_fx *x)
{
    lint_findings_free(x->f);
    lint_set_free(x->set);
    lint_policy_free(x->pol);
    doc_list_free(&x->docs);
}

/* Adds every document of yaml with origin o. */
static inline void fx_add(lint_fx *x, const char *yaml, lint_origin o)
{
    doc_list l;
    doc_list_init(&l);
    mp_err err = {{0}};
    ck_assert_msg(doc_parse_yaml(yaml, strlen(yaml), "t.yaml", &l, &err) == 0, "%s", err.msg);
    for (size_t i = 0; i < l.len; i++) {
        doc_node *d = doc_list_take(&l, i);
        ck_assert_int_eq(doc_list_push(&x->docs, d), 0);
        ck_assert_int_eq(lint_set_add(x->set, d, o), 0);
    }
    doc_list_free(&l);
}

static inline void fx_policy(lint_fx *x, const char *yaml)
{
    mp_err err = {{0}};
    lint_policy_free(x->pol);
    x->pol = lint_policy_parse(yaml, strlen(yaml), "policy.yaml", &err);
    ck_assert_msg(x->pol != NULL, "%s", err.msg);
}

static inline void fx_known(lint_fx *x, const char *kind, const char *ns)
{
    ck_assert_int_eq(lint_set_mark_known(x->set, kind, ns), 0);
}

static inline void fx_run(lint_fx *x)
{
    mp_err err = {{0}};
    lint_findings_free(x->f);
    x->f = lint_run(x->set, x->pol, &err);
    ck_assert_msg(x->f != NULL, "%s", err.msg);
}

/* How many findings have code (NULL: any). */
static inline size_t fx_count(const lint_fx *x, const char *code)
{
    size_t n = 0;
    for (size_t i = 0; i < lint_findings_len(x->f); i++)
        n += !code || !strcmp(lint_findings_at(x->f, i)->code, code);
    return n;
}

/* The finding with code on ns/name (any kind), or NULL. */
static inline const lint_finding *fx_find(const lint_fx *x, const char *code, const char *ns,
                                          const char *name)
{
    for (size_t i = 0; i < lint_findings_len(x->f); i++) {
        const lint_finding *f = lint_findings_at(x->f, i);
        if (!strcmp(f->code, code) && !strcmp(f->ns, ns) && !strcmp(f->name, name))
            return f;
    }
    return NULL;
}

/* Every finding as a text line, for failure messages. */
static inline const char *fx_dump(const lint_fx *x)
{
    static char buf[8192];
    size_t len = 0;
    buf[0] = 0;
    for (size_t i = 0; i < lint_findings_len(x->f) && len < sizeof buf; i++) {
        char *l = lint_finding_format(lint_findings_at(x->f, i));
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s\n", l ? l : "?");
        free(l);
    }
    return buf;
}

#define ING(ns, name, created, host)                                                               \
    "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: " name                    \
    "\n  namespace: " ns "\n  creationTimestamp: \"" created "\"\n"                                \
    "spec:\n  rules:\n  - host: " host "\n    http:\n      paths:\n      - path: /\n"              \
    "        pathType: Prefix\n        backend:\n          service:\n            name: web\n"      \
    "            port:\n              number: 80\n"

#define SVC(ns, name)                                                                              \
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: " name "\n  namespace: " ns "\n"            \
    "spec:\n  ports:\n  - name: http\n    port: 80\n"

#define SECRET(ns, name)                                                                           \
    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: " name "\n  namespace: " ns "\n"

#define GW(ns, name, created, servers)                                                             \
    "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: " name                  \
    "\n  namespace: " ns "\n  creationTimestamp: \"" created "\"\n"                                \
    "spec:\n  selector:\n    istio: ingressgateway\n  servers:\n" servers

#define VS(ns, name, body)                                                                         \
    "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: " name           \
    "\n  namespace: " ns "\n" body

#define DOC "---\n"

#endif
