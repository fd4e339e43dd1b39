/*
 * cmd_convert.c - `meshpanel convert`: Ingress manifests in, Istio YAML out.
 *
 * Objects come from files, directories or stdin (api/manifests.h); the
 * conversion is model/convert.h. Istio objects go to stdout, warnings to
 * stderr one a line. With --overrides the operator's edits (an overlay
 * file, model/overlay.h) are re-applied to the result, exactly as the
 * console applies them. Nothing is written to stdout unless the whole run
 * succeeded. Exit: 0 done, 1 warnings with --strict, 2 error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/fsutil.h"
#include "api/manifests.h"
#include "model/annotations.h"
#include "model/convert.h"
#include "model/emit.h"
#include "model/ingress.h"
#include "model/kobj.h"
#include "model/overlay.h"
#include "model/sanitize.h"
#include "tui/cli.h"
#include "tui/cmd_kube.h"

#define MAX_INPUTS 64

static void usage(FILE *out)
{
    fprintf(out,
            "usage: meshpanel convert -f FILE|DIR|- [-f ...] [options]\n\n"
            "Convert ingress-nginx Ingress objects to Istio Gateway, VirtualService,\n"
            "DestinationRule and AuthorizationPolicy objects (rules: docs/conversion.md).\n\n"
            "  -f, --filename PATH        a YAML/JSON file, a directory (recursive) or - for "
            "stdin\n"
            "      --gateway-mode MODE    tenant (one Gateway per namespace, default) or shared\n"
            "      --shared-gateway NS/NAME  the shared Gateway (default "
            "istio-system/sealos-gateway)\n"
            "      --platform-domain D    shared mode: hosts under D use the shared Gateway,\n"
            "                             others get a tenant Gateway (repeatable; default: "
            "all)\n"
            "      --gateway-namespace NS namespace of the gateway pods (default istio-system)\n"
            "      --gateway-selector V   selector istio=V of the gateway pods (default "
            "ingressgateway)\n"
            "      --domain-suffix D      cluster domain of Service hosts (default "
            "cluster.local)\n"
            "  -n, --namespace NS         namespace for objects without one (default default)\n"
            "  -o, --output yaml|json     output format (default yaml; json is a v1 List)\n"
            "      --overrides FILE       apply the edits of an overlay file (the console's "
            ":w FILE)\n"
            "      --ext-authz-provider NAME  auth-url becomes a CUSTOM AuthorizationPolicy for\n"
            "                             this meshConfig extension provider (else its routes "
            "answer 403)\n"
            "      --allow-open           route what a restriction the conversion cannot\n"
            "                             reproduce protects (basic auth, ...) instead of\n"
            "                             answering 403; every such finding says so\n"
            "      --strict               exit 1 when there are warnings\n"
            "      --rules                print the annotation rule table (markdown) and exit\n"
            "  -h, --help                 this help\n\n"
            "Warnings go to stderr: \"<severity>: CODE ingress NS/NAME: FIELD: MESSAGE\".\n"
            "Exit status: 0 converted, 1 warnings with --strict, 2 error (nothing on stdout).\n");
}

static void print_rules(void)
{
    size_t n;
    const ann_rule *r = ann_rules(&n);
    printf("| annotation | fidelity | Istio target | note |\n|---|---|---|---|\n");
    for (size_t i = 0; i < n; i++)
        printf("| `%s` | %s | %s | %s |\n", r[i].name, ann_fidelity_name(r[i].fidelity),
               r[i].target, r[i].note);
}

typedef struct {
    const char *inputs[MAX_INPUTS];
    size_t ninputs;
    const char *platform[MAX_INPUTS];
    convert_opts o;
    const char *overrides;
    bool json, strict;
} args;

/* Returns -1 to continue, or an exit status. */
static int parse_args(int argc, char **argv, args *a)
{
    convert_opts_default(&a->o);
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = true;
        mp_err err;
        if (!strcmp(f, "-h") || !strcmp(f, "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(f, "--rules")) {
            print_rules();
            return 0;
        } else if (!strcmp(f, "--strict")) {
            a->strict = true;
            takes = false;
        } else if (!strcmp(f, "--allow-open")) {
            a->o.allow_open = true;
            takes = false;
        } else if (!v) {
            fprintf(stderr, "meshpanel convert: %s: needs a value (see --help)\n", f);
            return 2;
        } else if (!strcmp(f, "-f") || !strcmp(f, "--filename")) {
            if (a->ninputs == MAX_INPUTS) {
                fprintf(stderr, "meshpanel convert: too many -f (max %d)\n", MAX_INPUTS);
                return 2;
            }
            a->inputs[a->ninputs++] = v;
        } else if (!strcmp(f, "--gateway-mode")) {
            if (convert_parse_mode(v, &a->o.mode, &err) < 0) {
                cli_error("convert", err.msg);
                return 2;
            }
        } else if (!strcmp(f, "--shared-gateway")) {
            a->o.shared_gateway = v;
        } else if (!strcmp(f, "--platform-domain")) {
            if (a->o.nplatform_domains == MAX_INPUTS) {
                fprintf(stderr, "meshpanel convert: too many --platform-domain\n");
                return 2;
            }
            a->platform[a->o.nplatform_domains++] = v;
        } else if (!strcmp(f, "--gateway-namespace")) {
            a->o.gateway_namespace = v;
        } else if (!strcmp(f, "--gateway-selector")) {
            a->o.gateway_selector_value = v;
        } else if (!strcmp(f, "--domain-suffix")) {
            a->o.domain_suffix = v;
        } else if (!strcmp(f, "--overrides")) {
            a->overrides = v;
        } else if (!strcmp(f, "--ext-authz-provider")) {
            a->o.ext_authz_provider = v;
        } else if (!strcmp(f, "-n") || !strcmp(f, "--namespace")) {
            a->o.default_namespace = v;
        } else if (!strcmp(f, "-o") || !strcmp(f, "--output")) {
            if (strcmp(v, "yaml") && strcmp(v, "json")) {
                fprintf(stderr, "meshpanel convert: -o: \"%s\" is not yaml|json\n", v);
                return 2;
            }
            a->json = !strcmp(v, "json");
        } else {
            fprintf(stderr, "meshpanel convert: unknown option \"%s\" (see --help)\n", f);
            return 2;
        }
        if (takes)
            i++;
    }
    a->o.platform_domains = a->platform;
    if (!a->ninputs) {
        fprintf(stderr, "meshpanel convert: no input: give -f FILE|DIR|- (see --help)\n");
        return 2;
    }
    return -1;
}

static char *emit(convert_plan *p, bool json, size_t *len, mp_err *err)
{
    size_t n = convert_plan_len(p);
    if (!json) {
        doc_node **objs = calloc(n ? n : 1, sizeof *objs);
        if (!objs) {
            mp_errf(err, "out of memory");
            return NULL;
        }
        for (size_t i = 0; i < n; i++)
            objs[i] = (doc_node *)convert_plan_obj(p, i);
        char *s = n ? doc_emit_yaml_stream(objs, n, len, err) : strdup("");
        if (!n)
            *len = 0;
        free(objs);
        return s;
    }
    doc_node *list = doc_map_new();
    doc_node *items = doc_seq_new();
    if (!list || !items || doc_map_set_str(list, "apiVersion", "v1") < 0 ||
        doc_map_set_str(list, "kind", "List") < 0) {
        doc_free(list);
        doc_free(items);
        mp_errf(err, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        doc_seq_push(items, convert_plan_take_obj(p, i));
    doc_map_set(list, "items", items);
    char *s = doc_emit_json(list, true, len, err);
    doc_free(list);
    return s;
}

/* Decodes the Ingresses of one input now, while the file they came from is
 * known, so a bad field is reported as "FILE:LINE: ingress ns/name: field". */
static int check_ingresses(const char *path, const doc_list *objs, size_t from,
                           const convert_opts *o, mp_err *err)
{
    for (size_t i = from; i < objs->len; i++) {
        const char *kind = kobj_kind(objs->docs[i]);
        if (!kind || strcmp(kind, "Ingress"))
            continue;
        ing_view v;
        if (ingress_decode(objs->docs[i], o->default_namespace, &v, err) < 0) {
            if (objs->docs[i]->line > 0)
                return mp_err_prefix(err, "%s:%d", path, objs->docs[i]->line);
            return mp_err_prefix(err, "%s", path);
        }
        ingress_view_free(&v);
    }
    return 0;
}

static mp_overlay *load_overrides(const char *path, mp_err *err)
{
    size_t len = 0;
    char *buf = fs_read_file(path, &len, err);
    if (!buf)
        return NULL;
    mp_overlay *o = overlay_decode(buf, len, path, err);
    free(buf);
    return o;
}

static int load_inputs(const args *a, doc_list *objs, mp_err *err)
{
    for (size_t i = 0; i < a->ninputs; i++) {
        size_t before = objs->len;
        if (manifests_load(a->inputs[i], objs, err) < 0 ||
            check_ingresses(a->inputs[i], objs, before, &a->o, err) < 0)
            return -1;
    }
    return 0;
}

/* The conversion with the overrides applied; the inputs are what an
 * OV_LIVE entry merges with. NULL with err. */
static convert_plan *run(const args *a, mp_err *err)
{
    mp_overlay *ov = NULL;
    if (a->overrides && !(ov = load_overrides(a->overrides, err)))
        return NULL;
    doc_list objs;
    doc_list_init(&objs);
    convert_plan *p = NULL;
    if (load_inputs(a, &objs, err) == 0)
        p = convert_run(objs.docs, objs.len, &a->o, err);
    if (p && ov && overlay_apply_plan(ov, p, objs.docs, objs.len, err) < 0) {
        convert_plan_free(p);
        p = NULL;
    }
    doc_list_free(&objs);
    overlay_free(ov);
    return p;
}

int cmd_convert(int argc, char **argv)
{
    args a;
    memset(&a, 0, sizeof a);
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    mp_err err;
    convert_plan *p = run(&a, &err);
    if (!p) {
        cli_error("convert", err.msg);
        return 2;
    }
    size_t len = 0;
    char *out = emit(p, a.json, &len, &err);
    if (!out) {
        cli_error("convert", err.msg);
        convert_plan_free(p);
        return 2;
    }
    bool warned = false;
    for (size_t i = 0; i < convert_plan_nwarn(p); i++) {
        const mp_warning *w = convert_plan_warn(p, i);
        char *line = mp_warning_format(w);
        /* warnings quote hosts and annotation values from the input */
        char *clean = san_cleans(line ? line : w->code, 0);
        fprintf(stderr, "%s: %s\n", mp_severity_name(w->sev), clean ? clean : w->code);
        free(clean);
        free(line);
        warned = warned || w->sev != MP_SEV_INFO;
    }
    fwrite(out, 1, len, stdout);
    if (a.json && len && out[len - 1] != '\n')
        fputc('\n', stdout);
    free(out);
    convert_plan_free(p);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "meshpanel convert: writing stdout failed\n");
        return 2;
    }
    return a.strict && warned ? 1 : 0;
}
