/*
 * cmd_migrate.c - `meshpanel migrate plan|apply|verify|cutover|retire`
 * (issue 9), and what rollback and status share with it (cmd_migrate.h).
 *
 * The steps themselves are api/migrate.h; this file parses flags, asks,
 * prints the preview, the progress and the per-tenant table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/backup.h"
#include "api/ktime.h"
#include "api/staged.h"
#include "model/migstate.h"
#include "model/migwave.h"
#include "model/sanitize.h"
#include "tui/cli/cli.h"
#include "tui/cli/cmd_migrate.h"
#include "tui/cli/cmd_migrate_int.h"
#include "tui/config.h"

void mig_cli_options(FILE *f)
{
    fputs("tenants (default: every tenant with an Ingress or a migrated one):\n"
          "  -n, --namespace NS       this tenant (repeatable)\n"
          "  -l, --selector SEL       tenants whose Namespace matches the label selector\n"
          "      --wave N%            a fixed share of the tenants, the same every time;\n"
          "                           waves nest (10% is inside 50%)\n"
          "steps:\n"
          "      --dry-run            show what would change, change nothing\n"
          "  -y, --yes                do not ask (required without a terminal)\n"
          "      --continue-on-error  go on with the next tenant after a failure\n"
          "      --readonly           refuse every change (also config readOnly: true)\n"
          "      --disabled-class C   the class cutover sets (default pause)\n"
          "      --cert-issuer NAME   the ClusterIssuer of offered Certificates\n"
          "                           (default letsencrypt-prod)\n"
          "      --no-staged          ignore the console's staged edits\n"
          "      --probe-gateway ADDR, --probe-nginx ADDR\n"
          "                           verify: also send each request (plain HTTP, its\n"
          "                           Host header) to both HOST:PORTs and compare the\n"
          "                           status and Location\n"
          "conversion (as `meshpanel convert`): --gateway-mode tenant|shared,\n"
          "  --shared-gateway NS/NAME, --platform-domain D, --gateway-namespace NS,\n"
          "  --gateway-selector V, --domain-suffix D, --ext-authz-provider NAME, --allow-open\n"
          "cluster: --kubeconfig FILE, --context NAME, --request-timeout 30s\n\n"
          "Exit status: 0 done, 1 done with findings (verify mismatches, Ingresses not\n"
          "converted), 2 error or a tenant failed.\n",
          f);
}

static int bad(mig_cli *a, const char *fmt, const char *v)
{
    char msg[300];
    snprintf(msg, sizeof msg, fmt, v);
    cli_error(a->cmd, msg);
    return 2;
}

/* A flag with a value of the conversion or of the step. 1 taken, 0 not
 * ours, -1 error (printed). */
static int value_flag(mig_cli *a, int argc, char **argv, int *i, bool mode_ok)
{
    const char *v;
    int r;
    mp_err err;
    convert_opts *o = &a->mo.conv;
#define OPT(l, s) ((r = cli_opt(argc, argv, i, l, s, &v, a->cmd)) != 0)
    if (OPT("--namespace", "-n")) {
        if (r > 0 && a->mo.ntenants == MIG_CLI_MAX)
            return bad(a, "too many -n (max %s)", "256"), -1;
        if (r > 0)
            a->tenants[a->mo.ntenants++] = v;
    } else if (OPT("--selector", "-l")) {
        a->mo.selector = v;
    } else if (OPT("--wave", NULL)) {
        if (r > 0 && mig_wave_parse(v, &a->mo.wave_bp, &err) < 0)
            return cli_error(a->cmd, err.msg), -1;
    } else if (OPT("--filename", "-f")) {
        a->dir = v;
    } else if (OPT("--disabled-class", NULL)) {
        a->mo.disabled_class = v;
    } else if (OPT("--cert-issuer", NULL)) {
        a->mo.cert_issuer = v;
    } else if (OPT("--probe-gateway", NULL)) {
        a->mo.probe_gateway = v;
    } else if (OPT("--probe-nginx", NULL)) {
        a->mo.probe_nginx = v;
    } else if (mode_ok && OPT("--mode", NULL)) {
        a->mode = v;
    } else if (OPT("--gateway-mode", NULL)) {
        if (r > 0 && convert_parse_mode(v, &o->mode, &err) < 0)
            return cli_error(a->cmd, err.msg), -1;
    } else if (OPT("--shared-gateway", NULL)) {
        o->shared_gateway = v;
    } else if (OPT("--platform-domain", NULL)) {
        if (r > 0 && o->nplatform_domains == MIG_CLI_MAX)
            return bad(a, "too many --platform-domain (max %s)", "256"), -1;
        if (r > 0)
            a->platform[o->nplatform_domains++] = v;
    } else if (OPT("--gateway-namespace", NULL)) {
        o->gateway_namespace = v;
    } else if (OPT("--gateway-selector", NULL)) {
        o->gateway_selector_value = v;
    } else if (OPT("--domain-suffix", NULL)) {
        o->domain_suffix = v;
    } else if (OPT("--ext-authz-provider", NULL)) {
        o->ext_authz_provider = v;
    }
#undef OPT
    return r;
}

static int switch_flag(mig_cli *a, const char *f)
{
    static const struct {
        const char *name, *alias;
        size_t off;
    } t[] = {
        {"--yes", "-y", offsetof(mig_cli, yes)},
        {"--continue-on-error", NULL, offsetof(mig_cli, keep_going)},
        {"--readonly", "--read-only", offsetof(mig_cli, readonly)},
        {"--no-staged", NULL, offsetof(mig_cli, no_staged)},
        {"--dry-run", NULL, offsetof(mig_cli, mo) + offsetof(mig_opts, dry_run)},
        {"--allow-open", NULL,
         offsetof(mig_cli, mo) + offsetof(mig_opts, conv) + offsetof(convert_opts, allow_open)},
        {"--help", "-h", offsetof(mig_cli, help)},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        if (!strcmp(f, t[i].name) || (t[i].alias && !strcmp(f, t[i].alias))) {
            *(bool *)((char *)a + t[i].off) = true;
            return 1;
        }
    return 0;
}

/* The config file under the flags: readOnly and the conversion's. */
static int apply_config(mig_cli *a, mp_config *cfg)
{
    mp_err err;
    if (config_load(cfg, &err) < 0) {
        cli_error(a->cmd, err.msg);
        return -1;
    }
    if (cfg->read_only)
        a->readonly = true;
    convert_opts *o = &a->mo.conv;
    if (cfg->gateway_mode && convert_parse_mode(cfg->gateway_mode, &o->mode, &err) < 0) {
        cli_error(a->cmd, err.msg);
        return -1;
    }
    if (cfg->shared_gateway && !o->shared_gateway)
        o->shared_gateway = cfg->shared_gateway;
    if (cfg->domain_suffix && !o->domain_suffix)
        o->domain_suffix = cfg->domain_suffix;
    return 0;
}

int mig_cli_parse(mig_cli *a, int argc, char **argv, int first, bool mode_ok)
{
    convert_opts def;
    convert_opts_default(&def);
    a->mo.conv = (convert_opts){0};
    for (int i = first; i < argc; i++) {
        int r = switch_flag(a, argv[i]);
        if (!r)
            r = value_flag(a, argc, argv, &i, mode_ok);
        if (!r) /* -n is taken above: it names tenants here, not the context's namespace */
            r = kube_flag(&a->kf, argc, argv, &i, a->cmd);
        if (r < 0)
            return 2;
        if (!r)
            return bad(a, "unexpected argument \"%s\" (see --help)", argv[i]);
    }
    if (!a->mo.probe_gateway != !a->mo.probe_nginx)
        return bad(a, "%s: the live probe needs both --probe-gateway and --probe-nginx",
                   a->mo.probe_gateway ? "--probe-gateway" : "--probe-nginx");
    a->mo.probe_timeout_ms = a->kf.request_timeout_ms;
    a->mo.tenants = a->tenants;
    a->mo.conv.platform_domains = a->platform;
    /* fill what neither the flags nor (later) the config set */
    convert_opts *o = &a->mo.conv;
    o->default_namespace = def.default_namespace;
    if (!o->gateway_selector_value)
        o->gateway_selector_value = def.gateway_selector_value;
    if (!o->gateway_namespace)
        o->gateway_namespace = def.gateway_namespace;
    return 0;
}

static void fill_defaults(convert_opts *o)
{
    convert_opts def;
    convert_opts_default(&def);
    if (!o->shared_gateway)
        o->shared_gateway = def.shared_gateway;
    if (!o->domain_suffix)
        o->domain_suffix = def.domain_suffix;
}

static time_t now_clock(void)
{
    const char *env = getenv("MESHPANEL_NOW"); /* tests: stable timestamps */
    time_t t;
    return env && *env && ktime_parse(env, &t) ? t : time(NULL);
}

/* Loads the staged edits of the context (the console's), unless told not to. */
static mp_overlay *staged(mig_cli *a, const char *context)
{
    char path[4096];
    mp_err err;
    if (a->no_staged || staged_path(context, path, sizeof path, &err) < 0)
        return NULL;
    bool existed = false;
    mp_overlay *ov = staged_load(path, &existed, &err);
    if (!ov)
        cli_error(a->cmd, err.msg);
    else if (existed && overlay_len(ov))
        fprintf(stderr,
                "meshpanel %s: with %zu staged edit%s of the console (%s; --no-staged "
                "ignores them)\n",
                a->cmd, overlay_len(ov), overlay_len(ov) == 1 ? "" : "s", path);
    return ov;
}

static bool interactive(void)
{
    return isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
}

/* Refusals that need no cluster: read-only, and no way to ask. */
static int gate(mig_cli *a, mig_step step)
{
    bool mutates = mig_step_mutates(step) && !a->mo.dry_run;
    if (mutates && a->readonly) {
        fprintf(stderr,
                "meshpanel %s: read-only (--readonly or readOnly in the config): %s "
                "changes the cluster; --dry-run shows what it would do\n",
                a->cmd, mig_step_name(step));
        return 2;
    }
    if (mutates && !a->yes && !interactive()) {
        fprintf(stderr,
                "meshpanel %s: not a terminal, so nobody can confirm: give --yes (or "
                "--dry-run to only look)\n",
                a->cmd);
        return 2;
    }
    if (step == MIG_VERIFY && a->readonly)
        a->mo.no_record = true;
    return 0;
}

int mig_cli_prepare(mig_cli *a, mig_step step, mp_config *cfg)
{
    if (apply_config(a, cfg) < 0)
        return 2;
    int rc = gate(a, step);
    fill_defaults(&a->mo.conv);
    return rc;
}

/* The config's strings stay borrowed by the session: cfg outlives it. */
static int open_session(mig_cli *a, mig_step step, mp_config *cfg, kclient **c, mig_session **s,
                        mp_overlay **ov, char *root, size_t rootn)
{
    int rc = mig_cli_prepare(a, step, cfg);
    if (rc || !(*c = kube_connect(&a->kf, a->cmd)))
        return rc ? rc : 2;
    mp_err err;
    const char *context = kclient_conn(*c)->context;
    if (backup_root(context, root, rootn, &err) < 0) {
        cli_error(a->cmd, err.msg);
        return 2;
    }
    a->mo.backup_root = root;
    a->mo.now = now_clock();
    *ov = staged(a, context);
    a->mo.overlay = *ov;
    *s = mig_open(*c, &a->mo, &err);
    if (!*s) {
        cli_error(a->cmd, err.msg);
        return 2;
    }
    for (size_t i = 0; mig_note_at(*s, i); i++)
        cli_error(a->cmd, mig_note_at(*s, i));
    return 0;
}

int mig_cli_session(mig_cli *a, mig_step step, mig_cli_fn fn)
{
    kclient *c = NULL;
    mig_session *s = NULL;
    mp_overlay *ov = NULL;
    mp_config cfg = {0}; /* config_load initializes it */
    char root[4096];
    int rc = open_session(a, step, &cfg, &c, &s, &ov, root, sizeof root);
    if (!rc)
        rc = fn(a, s, step);
    mig_close(s);
    overlay_free(ov);
    kclient_free(c);
    config_free(&cfg);
    return rc;
}

int mig_cli_run(mig_cli *a, mig_step step)
{
    return a->dir ? mig_cli_dir(a, step) : mig_cli_session(a, step, mig_cli_steps);
}

int cmd_migrate(int argc, char **argv)
{
    static const struct {
        const char *name;
        mig_step step;
        const char *help;
    } steps[] = {
        {"plan", MIG_PLAN,
         "What each tenant would get, written nowhere: the generated objects and their\n"
         "diff against the cluster, the server's dry run of each, the Ingresses that\n"
         "would be marked, and per host where its certificate must be (with -f DIR:\n"
         "the STEM.istio.yaml files as diffs).\n"},
        {"apply", MIG_APPLY,
         "Backups first (refused before any change when they cannot be written), then\n"
         "the Istio objects by server-side apply (conflicts reported, never forced);\n"
         "the Ingresses keep serving (state dual). With -f DIR: STEM.istio.yaml next\n"
         "to each Ingress file, never over a file meshpanel did not write.\n"},
        {"verify", MIG_VERIFY,
         "Reads the applied objects back and proves that every host and path of the\n"
         "tenant's Ingresses (and nginx's edge cases) go to the same Service, port and\n"
         "rewrite; each mismatch is printed with the request that shows it (exit 1).\n"
         "A pass is recorded on the tenant's VirtualServices (not with --readonly).\n"},
        {"cutover", MIG_CUTOVER,
         "Disables each dual Ingress reversibly (--disabled-class, the old class\n"
         "recorded); refused for a tenant whose verify has not passed for the objects\n"
         "as they are or whose certificate the gateway cannot read. With -f DIR: the\n"
         "Ingress files move into DIR/.meshpanel/backup.\n"},
        {"retire", MIG_RETIRE,
         "Deletes each cut-over Ingress (uid + resourceVersion preconditions) after a\n"
         "fresh backup, when a VirtualService holds its backup and verify passed.\n"},
    };
    const char *name = argc > 1 ? argv[1] : "";
    if (!strcmp(name, "-h") || !strcmp(name, "--help") || !*name) {
        FILE *f = *name ? stdout : stderr;
        fputs("usage: meshpanel migrate plan|apply|verify|cutover|retire [-f DIR]\n"
              "         [--wave N% | -n NS ... | -l SEL] [--dry-run] [--yes] "
              "[--continue-on-error]\n\n"
              "  plan     what each tenant would get (diff, server dry run, certificates)\n"
              "  apply    Istio objects next to the Ingresses (the Ingress keeps serving)\n"
              "  verify   prove the live objects route as ingress-nginx does\n"
              "  cutover  disable the Ingresses (reversibly), Istio serves\n"
              "  retire   delete the Ingresses (after a backup)\n\n",
              f);
        mig_cli_options(f);
        return *name ? 0 : 2;
    }
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        if (strcmp(name, steps[i].name))
            continue;
        char cmd[32];
        snprintf(cmd, sizeof cmd, "migrate %s", name);
        mig_cli a = {.cmd = cmd};
        int rc = mig_cli_parse(&a, argc, argv, 2, false);
        if (rc || a.help) {
            if (a.help) {
                printf("usage: meshpanel migrate %s [-f DIR] [--wave N%% | -n NS ... | -l SEL]\n"
                       "         [--dry-run] [--yes] [--continue-on-error] [--readonly]\n\n%s\n",
                       name, steps[i].help);
                mig_cli_options(stdout);
            }
            return rc;
        }
        return mig_cli_run(&a, steps[i].step);
    }
    fprintf(stderr,
            "meshpanel migrate: unknown step \"%.40s\": plan, apply, verify, cutover or "
            "retire\n",
            name);
    return 2;
}
