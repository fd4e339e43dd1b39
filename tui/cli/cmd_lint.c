/*
 * cmd_lint.c - `meshpanel lint`: the platform's multi-tenant rules over
 * the cluster or manifest files, before anything is applied.
 *
 *   meshpanel lint [-f DIR] [-n NS | -A] [--policy FILE] [-o text|json|yaml]
 *                  [--fail-on warning|error] [--check-dns]
 *
 * The objects (files, or the live cluster of the kubeconfig) are converted
 * as the policy says (model/convert.h); lint (model/lint.h) checks the
 * objects as they are and as planned together. Findings go to stdout, one
 * line each (text) or as a list (json/yaml); a summary line to stderr.
 * Exit: 0 no finding at or above --fail-on (default error), 1 some, 2 the
 * checks could not run (bad flags, policy, input or connection).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/dnscheck.h"
#include "api/kinds.h"
#include "api/policyfile.h"
#include "api/manifests.h"
#include "model/emit.h"
#include "model/kobj.h"
#include "tui/cli/cli.h"
#include "tui/cli/cmd_kube.h"
#include "tui/cli/cmd_lint.h"

#define CMD        "lint"
#define MAX_INPUTS 64

typedef enum { OUT_TEXT, OUT_JSON, OUT_YAML } out_fmt;

typedef struct {
    kube_flags kf;
    const char *inputs[MAX_INPUTS];
    size_t ninputs;
    const char *policy;
    bool all_ns, check_dns;
    out_fmt fmt;
    mp_severity fail_on;
} lint_args;

static void usage(FILE *out)
{
    fputs("usage: meshpanel lint [-f DIR] [-n NS | -A] [--policy FILE] [-o text|json|yaml]\n"
          "                      [--fail-on warning|error] [--check-dns]\n"
          "                      [--kubeconfig FILE] [--context NAME] [--request-timeout 30s]\n\n"
          "Check Ingresses and Istio objects, as they are and as the conversion would make\n"
          "them, against the platform's multi-tenant rules (codes: docs/lint.md).\n\n"
          "  -f, --filename PATH    YAML/JSON file or directory (repeatable); without -f the\n"
          "                         live cluster of the kubeconfig is read\n"
          "  -n, --namespace NS     report NS only (every namespace is still read: a host\n"
          "                         belongs to one tenant); without -f the default is the\n"
          "                         context's namespace\n"
          "  -A, --all-namespaces   report every namespace\n"
          "      --policy FILE      the platform's rules (default\n"
          "                         $XDG_CONFIG_HOME/meshpanel/policy.yaml when it exists)\n"
          "  -o, --output FORMAT    text (default: one line per finding), json or yaml (a list)\n"
          "      --fail-on LEVEL    exit 1 on findings of LEVEL or worse: error (default) or\n"
          "                         warning\n"
          "      --check-dns        look up the CNAME of every custom domain (MP705)\n\n"
          "Exit status: 0 no finding at or above --fail-on, 1 some, 2 lint could not run.\n",
          out);
}

/* A value from a fixed list: its index, or -1 with a message. */
static int choice(const char *flag, const char *v, const char *const *ok, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (!strcmp(v, ok[k]))
            return (int)k;
    fprintf(stderr, "meshpanel lint: %s \"%s\": use %s or %s\n", flag, v,
            n > 2 ? "text, json" : ok[0], ok[n - 1]);
    return -1;
}

/* The flags with a value: 1 taken, 0 not one of them, -1 bad. */
static int value_flag(lint_args *a, int argc, char **argv, int *i)
{
    static const char *const formats[] = {"text", "json", "yaml"};
    static const char *const levels[] = {"warning", "error"};
    const char *v;
    int r, k;
    if ((r = cli_opt(argc, argv, i, "--filename", "-f", &v, CMD)) > 0) {
        if (a->ninputs == MAX_INPUTS) {
            cli_error(CMD, "too many -f");
            return -1;
        }
        a->inputs[a->ninputs++] = v;
    } else if (!r && (r = cli_opt(argc, argv, i, "--policy", NULL, &v, CMD)) > 0) {
        a->policy = v;
    } else if (!r && (r = cli_opt(argc, argv, i, "--output", "-o", &v, CMD)) > 0) {
        if ((k = choice("-o", v, formats, 3)) < 0)
            return -1;
        a->fmt = (out_fmt)k;
    } else if (!r && (r = cli_opt(argc, argv, i, "--fail-on", NULL, &v, CMD)) > 0) {
        if ((k = choice("--fail-on", v, levels, 2)) < 0)
            return -1;
        a->fail_on = k ? MP_SEV_ERROR : MP_SEV_WARNING;
    }
    return r;
}

/* Returns -1 to go on, or an exit status. */
static int parse_flag(lint_args *a, int argc, char **argv, int *i)
{
    const char *f = argv[*i];
    int r;
    if ((r = kube_flag(&a->kf, argc, argv, i, CMD)) || (r = value_flag(a, argc, argv, i)))
        return r < 0 ? 2 : -1;
    if (!strcmp(f, "-A") || !strcmp(f, "--all-namespaces")) {
        a->all_ns = true;
    } else if (!strcmp(f, "--check-dns")) {
        a->check_dns = true;
    } else if (!strcmp(f, "-h") || !strcmp(f, "--help")) {
        usage(stdout);
        return 0;
    } else {
        fprintf(stderr, "meshpanel lint: unknown %s \"%s\" (see meshpanel lint --help)\n",
                f[0] == '-' ? "flag" : "argument", f);
        return 2;
    }
    return -1;
}

static int parse_args(lint_args *a, int argc, char **argv)
{
    a->fail_on = MP_SEV_ERROR;
    for (int i = 1; i < argc; i++) {
        int rc = parse_flag(a, argc, argv, &i);
        if (rc >= 0)
            return rc;
    }
    if (a->all_ns && a->kf.kc.ns) {
        cli_error(CMD, "-A and -n cannot be used together");
        return 2;
    }
    return -1;
}

/* ---- files ---- */

/* kubectl's rule: an object without a namespace is in -n's, else
 * "default"; cluster-scoped kinds stay without. */
static int fill_namespaces(doc_list *objs, const char *ns)
{
    for (size_t i = 0; i < objs->len; i++) {
        doc_node *o = objs->docs[i];
        const kkind *k = kkind_for_object(kobj_api_version(o), kobj_kind(o));
        const char *have = kobj_namespace(o);
        if ((k && !k->namespaced) || (have && *have))
            continue;
        if (kobj_set_namespace(o, ns ? ns : "default") < 0)
            return -1;
    }
    return 0;
}

/* A kind the files hold at all is known in every namespace they name. */
static int mark_file_kinds(const doc_list *objs, lint_set *s)
{
    static const char *const kinds[] = {"Service", "Secret", "Gateway"};
    for (size_t k = 0; k < 3; k++) {
        bool any = false;
        for (size_t i = 0; i < objs->len && !any; i++)
            any = !strcmp(kobj_kind(objs->docs[i]), kinds[k]);
        for (size_t i = 0; any && i < objs->len; i++) {
            const doc_node *o = objs->docs[i];
            const char *ns = !strcmp(kobj_kind(o), "Namespace") ? kobj_name(o) : kobj_namespace(o);
            if (ns && *ns && lint_set_mark_known(s, kinds[k], ns) < 0)
                return -1;
        }
    }
    return 0;
}

static int read_files(const lint_args *a, doc_list *objs, lint_set *s)
{
    mp_errlist errs;
    mp_errlist_init(&errs);
    int rc = 0;
    for (size_t i = 0; i < a->ninputs; i++)
        if (manifests_load_all(a->inputs[i], objs, NULL, NULL, &errs) < 0)
            rc = -1;
    for (size_t i = 0; i < errs.len; i++)
        cli_error(CMD, errs.lines[i]);
    mp_errlist_free(&errs);
    if (rc == 0 && (fill_namespaces(objs, a->kf.kc.ns) < 0 || mark_file_kinds(objs, s) < 0)) {
        cli_error(CMD, "out of memory");
        rc = -1;
    }
    return rc;
}

/* ---- the run ---- */

typedef struct {
    doc_list objs;
    lint_set *set;
    lint_policy *policy;
    convert_plan *plan;
    char *report_ns; /* NULL: every namespace */
} lint_job;

static void job_free(lint_job *j)
{
    lint_set_free(j->set);
    convert_plan_free(j->plan);
    doc_list_free(&j->objs);
    lint_policy_free(j->policy);
    free(j->report_ns);
}

/* The objects: files, or the cluster (which fixes the namespace to
 * report when neither -n nor -A was given). */
static int read_objects(const lint_args *a, lint_job *j)
{
    if (a->ninputs) {
        const char *ns = a->all_ns ? NULL : a->kf.kc.ns;
        if (ns && !(j->report_ns = strdup(ns)))
            return cli_error(CMD, "out of memory"), -1;
        return read_files(a, &j->objs, j->set);
    }
    kclient *c = kube_connect(&a->kf, CMD);
    if (!c)
        return -1;
    mp_err err;
    const char *ns = a->all_ns ? NULL : kclient_conn(c)->ns;
    int rc =
        lint_read_cluster(c, ns, lint_policy_gateway_namespace(j->policy), &j->objs, j->set, &err);
    if (rc < 0)
        cli_error(CMD, err.msg);
    else
        j->report_ns = ns ? strdup(ns) : NULL;
    kclient_free(c);
    return rc;
}

static int convert(lint_job *j, mp_err *err)
{
    convert_opts o;
    lint_policy_convert_opts(j->policy, &o);
    o.skip_invalid = true; /* a bad Ingress is a finding (MP404), not the end */
    if (!(j->plan = convert_run(j->objs.docs, j->objs.len, &o, err)))
        return -1;
    for (size_t i = 0; i < j->objs.len; i++)
        if (lint_set_add(j->set, j->objs.docs[i], LINT_LIVE) < 0)
            return mp_errf(err, "out of memory");
    return lint_set_add_plan(j->set, j->plan) < 0 ? mp_errf(err, "out of memory") : 0;
}

static int check_dns(lint_job *j)
{
    size_t n;
    const char **hosts = lint_dns_hosts(j->set, j->policy, &n);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        char *target = NULL;
        lint_dns_status st = dns_cname(hosts[i], &target);
        rc = lint_set_dns(j->set, hosts[i], st, target);
        free(target);
    }
    free(hosts);
    return rc;
}

/* ---- output ---- */

static bool reported(const lint_job *j, const lint_finding *f)
{
    return !j->report_ns || !strcmp(f->ns, j->report_ns);
}

static int print_text(const lint_job *j, const lint_findings *fs)
{
    for (size_t i = 0; i < lint_findings_len(fs); i++) {
        const lint_finding *f = lint_findings_at(fs, i);
        char *line = reported(j, f) ? lint_finding_format(f) : NULL;
        if (line)
            puts(line);
        else if (reported(j, f))
            return -1;
        free(line);
    }
    return 0;
}

/* One finding as an item of a list: "- code: ..." lines (YAML), or the
 * "  {...}" lines between "[" and "]" (JSON). Emitted inside a list of
 * one, so the emitter keeps the finding's key order (a top-level map
 * with a kind would get Kubernetes' order). */
static char *list_item(const lint_finding *f, bool json)
{
    mp_err err;
    doc_node *list = doc_seq_new(), *m = lint_finding_doc(f);
    if (!list || !m || doc_seq_push(list, m) < 0) {
        doc_free(list);
        return NULL;
    }
    char *s = json ? doc_emit_json(list, true, NULL, &err) : doc_emit_yaml(list, NULL, &err);
    doc_free(list);
    if (!s || !json)
        return s;
    /* "[{ ... }]" -> "  { ... }" */
    size_t l = strlen(s);
    while (l && (s[l - 1] == '\n' || s[l - 1] == ']'))
        s[--l] = 0;
    char *item = s[0] == '[' ? malloc(l + 2) : NULL;
    if (item) {
        item[0] = ' ';
        item[1] = ' ';
        memcpy(item + 2, s + 1, l);
    }
    free(s);
    return item;
}

/* A list of maps, one finding at a time (memory stays flat whatever the
 * count). */
static int print_list(const lint_job *j, const lint_findings *fs, bool json)
{
    size_t n = 0;
    for (size_t i = 0; i < lint_findings_len(fs); i++) {
        const lint_finding *f = lint_findings_at(fs, i);
        if (!reported(j, f))
            continue;
        char *s = list_item(f, json);
        if (!s)
            return -1;
        if (json)
            fputs(n ? ",\n" : "[\n", stdout);
        fputs(s, stdout);
        free(s);
        n++;
    }
    if (json)
        fputs(n ? "\n]\n" : "[]\n", stdout);
    else if (!n)
        fputs("[]\n", stdout);
    return 0;
}

static void summary(const lint_job *j, const lint_findings *fs)
{
    size_t n[3] = {0};
    for (size_t i = 0; i < lint_findings_len(fs); i++) {
        const lint_finding *f = lint_findings_at(fs, i);
        if (reported(j, f))
            n[f->sev]++;
    }
    size_t objs = j->objs.len;
    fprintf(stderr, "summary: %zu error%s, %zu warning%s, %zu info (%zu object%s checked%s%s)\n",
            n[MP_SEV_ERROR], n[MP_SEV_ERROR] == 1 ? "" : "s", n[MP_SEV_WARNING],
            n[MP_SEV_WARNING] == 1 ? "" : "s", n[MP_SEV_INFO], objs, objs == 1 ? "" : "s",
            j->report_ns ? ", namespace " : "", j->report_ns ? j->report_ns : "");
}

static size_t failing(const lint_job *j, const lint_findings *fs, mp_severity min)
{
    size_t c = 0;
    for (size_t i = 0; i < lint_findings_len(fs); i++) {
        const lint_finding *f = lint_findings_at(fs, i);
        c += reported(j, f) && f->sev >= min;
    }
    return c;
}

static int run(const lint_args *a, lint_job *j)
{
    mp_err err = {""};
    if (!(j->policy = policy_load(a->policy, &err)))
        return cli_error(CMD, err.msg), 2;
    if (!(j->set = lint_set_new()))
        return cli_error(CMD, "out of memory"), 2;
    if (read_objects(a, j) < 0)
        return 2;
    if (convert(j, &err) < 0)
        return cli_error(CMD, err.msg), 2;
    if (a->check_dns && check_dns(j) < 0)
        return cli_error(CMD, "out of memory"), 2;
    lint_findings *fs = lint_run(j->set, j->policy, &err);
    if (!fs)
        return cli_error(CMD, err.msg), 2;
    int rc = a->fmt == OUT_TEXT ? print_text(j, fs) : print_list(j, fs, a->fmt == OUT_JSON);
    summary(j, fs);
    if (rc == 0)
        rc = failing(j, fs, a->fail_on) ? 1 : 0;
    else
        rc = (cli_error(CMD, "out of memory"), 2);
    lint_findings_free(fs);
    return rc;
}

int cmd_lint(int argc, char **argv)
{
    lint_args a;
    memset(&a, 0, sizeof a);
    int rc = parse_args(&a, argc, argv);
    if (rc >= 0)
        return rc;
    lint_job j = {0};
    doc_list_init(&j.objs);
    rc = run(&a, &j);
    job_free(&j);
    if (fflush(stdout) != 0) {
        cli_error(CMD, "writing stdout failed");
        return 2;
    }
    return rc;
}
