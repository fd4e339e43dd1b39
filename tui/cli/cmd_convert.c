/*
 * cmd_convert.c - `meshpanel convert`: Ingress manifests in, Istio YAML out.
 *
 * Objects come from files, directories or stdin (api/manifests.h), or
 * without -f from the kubeconfig's cluster (cmd_convert_live.h: -n NS or
 * -A, the kube flags of `get`); the conversion is model/convert.h. Istio objects go to stdout,
 * warnings to stderr one a line. With --overrides the operator's edits (an overlay file,
 * model/overlay.h) are re-applied to the result, exactly as the console applies them. Invalid input
 * (every bad document, one line each naming file, line, object and field) writes nothing to stdout.
 * stderr ends with one summary line (Ingresses read, converted, skipped by reason, findings by
 * severity). Exit: 0 converted with at most warnings; 1 an error finding, no Ingress converted, or
 * a warning with --strict (the output is still written); 2 invalid input or another error.
 * The Ingresses of a JSON List are decoded straight from their bytes where the decoder is sure of
 * them (convert_json_decode, convert_add_json), while the reader still looks for the List's kind
 * after its items (feed_peek; feed_commit adds them once it is known); MESHPANEL_DECODE=tree in the
 * environment turns that off, so that tests can compare both ways (the output must be the same
 * bytes).
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
#include "model/strbuf.h"
#include "tui/cli/cli.h"
#include "tui/cli/cmd_convert_live.h"
#include "tui/cli/cmd_kube.h"

#define MAX_INPUTS 64

static void usage(FILE *out)
{
    fprintf(out,
            "usage: meshpanel convert -f FILE|DIR|- [-f ...] [options]\n"
            "       meshpanel convert [-n NS | -A] [--kubeconfig FILE] [--context NAME]\n"
            "                         [--request-timeout 30s] [options]\n\n"
            "Convert ingress-nginx Ingress objects to Istio Gateway, VirtualService,\n"
            "DestinationRule and AuthorizationPolicy objects (rules: docs/conversion.md).\n"
            "Without -f, the Ingresses, Services and IngressClasses of the kubeconfig's\n"
            "cluster are read (the context's namespace, -n NS, or -A: every namespace).\n\n"
            "  -f, --filename PATH        a YAML/JSON file, a directory (recursive) or - for "
            "stdin\n"
            "  -A, --all-namespaces       without -f: read every namespace\n"
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
            "  -n, --namespace NS         with -f: namespace of objects that have none (default\n"
            "                             default); without: the namespace to read\n"
            "  -o, --output yaml|json     output format (default yaml; json is a v1 List)\n"
            "      --overrides FILE       apply the edits of an overlay file (the console's "
            ":w FILE)\n"
            "      --ext-authz-provider NAME  auth-url becomes a CUSTOM AuthorizationPolicy for\n"
            "                             this meshConfig extension provider (else its routes "
            "answer 403)\n"
            "      --allow-open           route what a restriction the conversion cannot\n"
            "                             reproduce protects (basic auth, ...) instead of\n"
            "                             answering 403; every such finding says so\n"
            "      --strict               exit 1 on warnings too\n"
            "      --rules                print the annotation rule table (markdown) and exit\n"
            "  -h, --help                 this help\n\n"
            "Findings go to stderr, \"<severity>: CODE ingress NS/NAME: FIELD: MESSAGE\", then\n"
            "one line \"summary: N Ingresses read, N converted, N skipped (N CODE reason, ...);\n"
            "findings: N errors, N warnings, N info\". Invalid input is one line per bad\n"
            "document, \"FILE:LINE: OBJECT: FIELD: REASON\", and nothing on stdout.\n\n"
            "Exit status: 0 converted, with at most warnings\n"
            "             1 an error finding, no Ingress converted, or warnings with --strict\n"
            "               (the output is still written)\n"
            "             2 invalid input or another error (nothing on stdout)\n");
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
    kube_flags kf;
    char ns[256]; /* the cluster's namespace read, outliving the client */
    bool json, strict, all_ns;
    bool tree_only; /* every object read as a tree (MESHPANEL_DECODE=tree) */
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
        int r = kube_flag(&a->kf, argc, argv, &i, "convert");
        if (r < 0)
            return 2;
        if (r)
            continue;
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
        } else if (!strcmp(f, "-A") || !strcmp(f, "--all-namespaces")) {
            a->all_ns = true;
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
    const char *dec = getenv("MESHPANEL_DECODE");
    a->tree_only = dec && !strcmp(dec, "tree");
    /* YAML out, no overlay (it edits trees): each object is encoded as soon
     * as it is final, and only its text is kept */
    a->o.yaml_text = !a->json && !a->overrides;
    if (a->kf.kc.ns)
        a->o.default_namespace = a->kf.kc.ns;
    if (a->all_ns && (a->kf.kc.ns || a->ninputs)) {
        cli_error("convert", a->ninputs ? "-A reads the cluster: it cannot be used with -f"
                                        : "-A and -n cannot be used together");
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

/* A yaml_text plan's documents, as doc_emit_yaml_stream joins them. */
static void write_docs(const convert_plan *p)
{
    for (size_t i = 0; i < convert_plan_len(p); i++) {
        size_t len = 0;
        const char *y = convert_plan_yaml(p, i, &len);
        if (i)
            fputs("---\n", stdout);
        fwrite(y, 1, len, stdout);
    }
}

/* One bad object: "FILE:LINE: MSG" ("FILE: MSG" without a line; just MSG
 * from the cluster, file NULL). */
static void add_bad(mp_errlist *errs, const char *file, int line, const char *msg)
{
    if (!file)
        mp_errlist_add(errs, "%s", msg);
    else if (line > 0)
        mp_errlist_add(errs, "%s:%d: %s", file, line, msg);
    else
        mp_errlist_add(errs, "%s: %s", file, msg);
}

/* Decodes an Ingress or Service only to check it (the conversion does not
 * take it: an object before it was bad, or the options are). */
static void check_one(const char *file, const doc_node *obj, const convert_opts *o,
                      mp_errlist *errs)
{
    const char *kind = kobj_kind(obj);
    bool ing = kind && !strcmp(kind, "Ingress");
    if (!ing && !(kind && !strcmp(kind, "Service")))
        return;
    mp_err err;
    int line = 0, rc;
    if (ing) {
        ing_view v;
        if ((rc = ingress_decode_at(obj, o->default_namespace, &v, &err, &line)) == 0)
            ingress_view_free(&v);
    } else {
        svc_view v;
        if ((rc = service_decode_at(obj, o->default_namespace, &v, &err, &line)) == 0)
            service_view_free(&v);
    }
    if (rc != 0)
        add_bad(errs, file, line ? line : obj->line, err.msg);
}

/* The Ingresses and Services of one file are decoded while the file they
 * came from is known: a bad field is "FILE:LINE: ingress ns/name: field:
 * reason", LINE the field's own. Every bad object is reported. */
static void check_file(const char *file, doc_node *const *objs, size_t n, void *ctx,
                       mp_errlist *errs)
{
    for (size_t i = 0; i < n; i++)
        check_one(file, objs[i], ctx, errs);
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

/* The conversion fed as objects are read (convert_add), each tree freed
 * at once; with --overrides the objects are kept too, since an OV_LIVE
 * entry merges with its input. The state starts with the first object,
 * when the options are final (the cluster's namespace); bad options are
 * reported after the input, as convert_run reported them. */
typedef struct {
    const convert_opts *o;
    convert_state *cs;
    doc_list *keep; /* NULL: nothing kept */
    bool tree_only; /* no Ingress taken from its bytes */
    bool bad_opts;  /* convert_new failed: err says why */
    bool failed;    /* convert_add failed: err says why */
    mp_err err;
} feed;

static void feed_start(feed *f)
{
    if (!f->cs && !f->bad_opts && !f->failed)
        f->bad_opts = !(f->cs = convert_new(f->o, &f->err));
}

/* Checks obj as check_file does, by converting it: each object is
 * decoded once. A bad one is a line in errs and ends the conversion (the
 * next objects are only checked). */
static int feed_obj(doc_node *obj, const char *file, mp_errlist *errs, void *ud)
{
    feed *f = ud;
    feed_start(f);
    mp_err err;
    int line = 0, rc = f->cs ? convert_add_at(f->cs, obj, &err, &line) : 0;
    if (!f->cs && !f->failed)
        check_one(file, obj, f->o, errs);
    if (rc > 0)
        add_bad(errs, file, line ? line : obj->line, err.msg);
    else if (rc < 0)
        f->failed = mp_errf(&f->err, "%s", err.msg) < 0;
    if (rc != 0) {
        convert_abandon(f->cs);
        f->cs = NULL;
    }
    if (!f->keep || f->failed)
        doc_free(obj);
    else if (doc_list_push(f->keep, obj) < 0) /* which frees obj */
        f->failed = mp_errf(&f->err, "out of memory") < 0;
    return f->failed ? -1 : 0;
}

/* A List item's bytes, offered where feed_obj would get its tree: taken
 * when it is an Ingress convert_json_decode is sure of, with feed_obj's
 * result for it. Not with overrides (their trees are kept) nor without
 * a conversion (feed_obj then only checks). */
static int feed_bytes(const char *at, size_t avail, doc_span *span, void *ud)
{
    feed *f = ud;
    if (f->keep || f->tree_only)
        return 0;
    feed_start(f);
    if (!f->cs)
        return 0;
    ing_view v;
    int rc = convert_json_decode(f->o, at, avail, &v, span);
    if (rc > 0 && convert_add_json(f->cs, &v, &f->err) < 0)
        rc = -1;
    else if (rc < 0)
        mp_errf(&f->err, "out of memory");
    if (rc < 0) {
        f->failed = true;
        convert_abandon(f->cs);
        f->cs = NULL;
    }
    return rc;
}

/* feed_bytes ahead of time (doc_take's peek): the decoding needs only
 * the options; what to do with the view, commit decides then. */
static int feed_peek(const char *at, size_t avail, doc_span *span, void *item, void *ud)
{
    feed *f = ud;
    if (f->keep || f->tree_only || f->failed || f->bad_opts)
        return 0;
    return convert_json_decode(f->o, at, avail, item, span) > 0;
}

static int feed_commit(void *item, void *ud)
{
    feed *f = ud;
    feed_start(f);
    if (!f->cs) {
        ingress_view_free(item);
        return 0;
    }
    if (convert_add_json(f->cs, item, &f->err) < 0) {
        f->failed = true;
        convert_abandon(f->cs);
        f->cs = NULL;
        return -1;
    }
    return 1;
}

static void feed_drop(void *item, void *ud)
{
    (void)ud;
    ingress_view_free(item);
}

/* The cluster's objects; a listing error is one more line in errs. */
static int load_cluster(args *a, feed *f, mp_errlist *errs)
{
    kclient *c = kube_connect(&a->kf, "convert");
    if (!c)
        return -2;
    const char *ns = a->all_ns ? NULL : kclient_conn(c)->ns;
    if (ns) {
        snprintf(a->ns, sizeof a->ns, "%s", ns);
        a->o.default_namespace = ns = a->ns;
    }
    mp_err err;
    int rc = convert_read_cluster(c, ns, &a->o, feed_obj, f, errs, &err);
    if (rc < 0 && !f->failed)
        mp_errlist_add(errs, "%s", err.msg);
    kclient_free(c);
    return rc < 0 || errs->len || errs->oom ? -1 : 0;
}

/* Every input, every file: all invalid documents end up in errs. -2: the
 * cluster could not be reached (already said). */
static int load_inputs(args *a, feed *f, mp_errlist *errs)
{
    if (!a->ninputs)
        return load_cluster(a, f, errs);
    int rc = 0;
    doc_take take = {feed_bytes, f, feed_peek, feed_commit, feed_drop, sizeof(ing_view)};
    for (size_t i = 0; i < a->ninputs && !f->failed; i++)
        if (manifests_stream_take(a->inputs[i], check_file, (void *)&a->o, feed_obj, &take, f,
                                  errs) < 0)
            rc = -1;
    return rc;
}

/* The conversion with the overrides applied; the inputs are what an
 * OV_LIVE entry merges with. NULL with errs (invalid input: every line)
 * or err (anything else). */
static convert_plan *run(args *a, mp_errlist *errs, mp_err *err)
{
    mp_overlay *ov = NULL;
    if (a->overrides && !(ov = load_overrides(a->overrides, err)))
        return NULL;
    doc_list objs;
    doc_list_init(&objs);
    feed f = {.o = &a->o, .keep = ov ? &objs : NULL, .tree_only = a->tree_only};
    convert_plan *p = NULL;
    int rc = load_inputs(a, &f, errs);
    if (rc == 0)
        feed_start(&f);
    if (f.failed || f.bad_opts)
        mp_errf(err, "%s", f.err.msg);
    else if (rc == 0) {
        p = convert_finish(f.cs, err);
        f.cs = NULL;
    }
    convert_abandon(f.cs);
    if (p && ov && overlay_apply_plan(ov, p, objs.docs, objs.len, err) < 0) {
        convert_plan_free(p);
        p = NULL;
    }
    doc_list_free(&objs);
    overlay_free(ov);
    return p;
}

/* Untrusted text (hosts, annotation values, file names) made printable. */
static void print_clean(const char *prefix, const char *line)
{
    char *clean = san_cleans(line, 0);
    fprintf(stderr, "%s%s\n", prefix, clean ? clean : "?");
    free(clean);
}

/* Invalid input: one line per problem, then the summary. Exit 2. */
static int report_invalid(const mp_errlist *errs)
{
    for (size_t i = 0; i < errs->len; i++)
        print_clean("", errs->lines[i]);
    fprintf(stderr, "summary: invalid input: %zu error%s%s; nothing converted\n", errs->len,
            errs->len == 1 ? "" : "s", errs->oom ? " (and more: out of memory)" : "");
    return 2;
}

/* stderr is unbuffered: one write per line costs more than the
 * conversion's findings themselves (50,000 lines at 10,000 Ingresses), so
 * lines are gathered and written 64 KiB at a time. */
static void end_line(strbuf *sb)
{
    strbuf_putc(sb, '\n');
    if (sb->len >= 1 << 16 || sb->oom) {
        if (sb->len)
            fwrite(sb->buf, 1, sb->len, stderr);
        strbuf_reset(sb);
    }
}

static void put_line(strbuf *sb, const char *prefix, const char *line)
{
    strbuf_puts(sb, prefix);
    char *clean = san_cleans(line, 0);
    strbuf_puts(sb, clean ? clean : "?");
    free(clean);
    end_line(sb);
}

/* A finding's line, written in place; cleaned when it is not plain ASCII
 * (findings quote hosts and annotation values from the input). */
static void put_warning(strbuf *sb, const mp_warning *w)
{
    strbuf_puts(sb, mp_severity_name(w->sev));
    strbuf_append(sb, ": ", 2);
    size_t at = sb->len, n = mp_warning_append(sb, w);
    if (!sb->oom && !san_is_plain_ascii(sb->buf + at, n)) { /* almost never */
        char *clean = san_clean(sb->buf + at, n, 0);
        sb->len = at;
        strbuf_puts(sb, clean ? clean : "?");
        free(clean);
    }
    end_line(sb);
}

/* Findings, then the summary line. Returns the exit status. */
static int report(const convert_plan *p, bool strict)
{
    strbuf sb;
    strbuf_init(&sb);
    for (size_t i = 0; i < convert_plan_nwarn(p); i++)
        put_warning(&sb, convert_plan_warn(p, i));
    char *sum = convert_plan_summary(p);
    put_line(&sb, "summary: ", sum ? sum : "out of memory");
    free(sum);
    if (sb.len)
        fwrite(sb.buf, 1, sb.len, stderr);
    strbuf_free(&sb);
    if (convert_plan_count(p, MP_SEV_ERROR) || !convert_plan_converted(p))
        return 1;
    return strict && convert_plan_count(p, MP_SEV_WARNING) ? 1 : 0;
}

int cmd_convert(int argc, char **argv)
{
    args a;
    memset(&a, 0, sizeof a);
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    mp_err err = {""};
    mp_errlist errs;
    mp_errlist_init(&errs);
    convert_plan *p = run(&a, &errs, &err);
    if (!p) {
        if (errs.len || errs.oom)
            report_invalid(&errs);
        else if (*err.msg) /* else already said (no cluster) */
            cli_error("convert", err.msg);
        mp_errlist_free(&errs);
        return 2;
    }
    mp_errlist_free(&errs);
    /* 10 MB of YAML at 10,000 Ingresses: 4 KiB writes were 2,500 syscalls */
    static char obuf[1 << 16];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    size_t len = 0;
    char *out = a.o.yaml_text ? NULL : emit(p, a.json, &len, &err);
    if (!a.o.yaml_text && !out) {
        cli_error("convert", err.msg);
        convert_plan_free(p);
        return 2;
    }
    rc = report(p, a.strict);
    if (a.o.yaml_text)
        write_docs(p);
    else
        fwrite(out, 1, len, stdout);
    if (a.json && len && out[len - 1] != '\n')
        fputc('\n', stdout);
    free(out);
    convert_plan_free(p);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "meshpanel convert: writing stdout failed\n");
        return 2;
    }
    return rc;
}
