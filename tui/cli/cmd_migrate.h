/*
 * cmd_migrate.h - what `meshpanel migrate`, `rollback` and `status` share:
 * their flags, the session (api/migrate.h), the confirmation, the progress
 * line and the result table.
 *
 *   -n/--namespace NS (repeatable)  -l/--selector SEL  --wave N%
 *   --dry-run  --yes/-y  --continue-on-error  --readonly
 *   --disabled-class CLASS  --cert-issuer NAME  --no-staged
 *   the conversion options of `convert` (--gateway-mode, --shared-gateway,
 *   --platform-domain, --gateway-namespace, --gateway-selector,
 *   --domain-suffix, --ext-authz-provider, --allow-open), over the
 *   config file's gatewayMode, sharedGateway and domainSuffix
 *   --kubeconfig FILE  --context NAME  --request-timeout DURATION
 *
 * Exit status: 0 done, 1 done with findings, 2 error or a tenant failed.
 */
#ifndef MESHPANEL_CMD_MIGRATE_H
#define MESHPANEL_CMD_MIGRATE_H

#include <stdbool.h>

#include "api/migrate.h"
#include "tui/cli/cmd_kube.h"

#define MIG_CLI_MAX 256

typedef struct {
    const char *cmd; /* "migrate apply", "rollback", "status" */
    kube_flags kf;
    mig_opts mo;
    const char *tenants[MIG_CLI_MAX];
    const char *platform[MIG_CLI_MAX];
    const char *dir; /* -f DIR */
    const char *mode;
    bool yes, keep_going, readonly, no_staged, help;
} mig_cli;

/* Parses argv[first..]; takes --mode when mode_ok. 0, or the exit status
 * (help printed: 0 with help set; an error printed: 2). */
int mig_cli_parse(mig_cli *a, int argc, char **argv, int first, bool mode_ok);
/* Runs step on the cluster (or the -f directory) with the session's
 * preview, the confirmation, progress and table. Returns the exit status. */
int mig_cli_run(mig_cli *a, mig_step step);
/* Opens the session on the cluster (config, confirmation gate, kubeconfig,
 * staged edits, backups root) and hands it to fn; returns fn's status. */
typedef int (*mig_cli_fn)(mig_cli *a, mig_session *s, mig_step step);
int mig_cli_session(mig_cli *a, mig_step step, mig_cli_fn fn);
/* Prints the common options for a usage text. */
void mig_cli_options(FILE *f);

#endif
