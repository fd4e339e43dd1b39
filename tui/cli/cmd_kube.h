/*
 * cmd_kube.h - what the cluster subcommands (get, apply, diff, config) share:
 * the global kubeconfig flags and turning them into a client.
 *
 *   --kubeconfig FILE   --context NAME   -n/--namespace NS
 *   --request-timeout DURATION  ("30s", "1m", "500ms", bare seconds; 0: none)
 *   --disable-compression       (no gzip: kubectl's flag of the same name)
 *
 * Flags accept both "--flag value" and "--flag=value".
 */
#ifndef MESHPANEL_CMD_KUBE_H
#define MESHPANEL_CMD_KUBE_H

#include <stdbool.h>

#include "api/kubeconfig.h"
#include "api/resources.h"

typedef struct {
    kc_options kc;
    long request_timeout_ms; /* 0: the http layer's default */
} kube_flags;

/* Matches argv[*i] against a flag with a value (long and optional short
 * name). On a match stores the value, advances *i past it and returns 1;
 * 0 when argv[*i] is another flag; -1 (message printed) when the value is
 * missing. */
int cli_opt(int argc, char **argv, int *i, const char *lname, const char *sname, const char **value,
            const char *cmd);
/* A boolean flag: "--flag" or "--flag=true" sets *value, "--flag=false"
 * clears it. 1 matched, 0 another flag, -1 (message printed) another value. */
int cli_bool_flag(const char *a, const char *lname, bool *value, const char *cmd);
/* Consumes one of the global kube flags: 1 consumed, 0 not ours, -1 error. */
int kube_flag(kube_flags *f, int argc, char **argv, int *i, const char *cmd);
/* "500ms", "30s", "2m", "1h", "10" (seconds), "0". */
bool parse_duration_ms(const char *s, long *ms);
/* Loads the kubeconfig and opens a client; prints "meshpanel CMD: ..." and
 * returns NULL on failure. */
kclient *kube_connect(const kube_flags *f, const char *cmd);
/* Prints "meshpanel CMD: msg" on stderr (one line, control chars removed);
 * "meshpanel: msg" when CMD is "" (the console's flags). */
void cli_error(const char *cmd, const char *msg);

#endif
