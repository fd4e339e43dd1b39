/*
 * cmd_kube.c - global kube flags and client setup for the cluster commands.
 */
#include "tui/cli/cmd_kube.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/sanitize.h"

void cli_error(const char *cmd, const char *msg)
{
    char *clean = san_cleans(msg, 0);
    fprintf(stderr, "meshpanel%s%s: %s\n", *cmd ? " " : "", cmd, clean ? clean : msg);
    free(clean);
}

int cli_opt(int argc, char **argv, int *i, const char *lname, const char *sname, const char **value,
            const char *cmd)
{
    const char *a = argv[*i];
    size_t ll = strlen(lname);
    if (!strncmp(a, lname, ll) && a[ll] == '=') {
        *value = a + ll + 1;
        return 1;
    }
    if (strcmp(a, lname) && (!sname || strcmp(a, sname))) {
        /* -nfoo: short flag glued to its value */
        if (sname && sname[1] && !sname[2] && a[0] == '-' && a[1] == sname[1] && a[2] &&
            a[1] != '-') {
            *value = a + 2;
            return 1;
        }
        return 0;
    }
    if (*i + 1 >= argc) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s needs a value", a);
        cli_error(cmd, msg);
        return -1;
    }
    *value = argv[++*i];
    return 1;
}

bool parse_duration_ms(const char *s, long *ms)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || v < 0)
        return false;
    double mult = 1000;
    if (!*end || !strcmp(end, "s"))
        mult = 1000;
    else if (!strcmp(end, "ms"))
        mult = 1;
    else if (!strcmp(end, "m"))
        mult = 60000;
    else if (!strcmp(end, "h"))
        mult = 3600000;
    else
        return false;
    double r = v * mult;
    if (r > 86400000.0)
        return false;
    *ms = (long)r;
    return true;
}

int cli_bool_flag(const char *a, const char *lname, bool *value, const char *cmd)
{
    size_t ll = strlen(lname);
    if (strncmp(a, lname, ll) || (a[ll] && a[ll] != '='))
        return 0;
    if (!a[ll] || !strcmp(a + ll, "=true")) {
        *value = true;
        return 1;
    }
    if (!strcmp(a + ll, "=false")) {
        *value = false;
        return 1;
    }
    char msg[160];
    snprintf(msg, sizeof msg, "%s wants true or false, not \"%.40s\"", lname, a + ll + 1);
    cli_error(cmd, msg);
    return -1;
}

int kube_flag(kube_flags *f, int argc, char **argv, int *i, const char *cmd)
{
    const char *v = NULL;
    int r;
    if ((r = cli_bool_flag(argv[*i], "--disable-compression", &f->kc.disable_compression, cmd)))
        return r;
    if ((r = cli_opt(argc, argv, i, "--kubeconfig", NULL, &v, cmd))) {
        f->kc.kubeconfig = v;
        return r;
    }
    if ((r = cli_opt(argc, argv, i, "--context", NULL, &v, cmd))) {
        f->kc.context = v;
        return r;
    }
    if ((r = cli_opt(argc, argv, i, "--namespace", "-n", &v, cmd))) {
        if (r > 0 && !*v) {
            cli_error(cmd, "--namespace needs a non-empty value");
            return -1;
        }
        f->kc.ns = v;
        return r;
    }
    if ((r = cli_opt(argc, argv, i, "--request-timeout", NULL, &v, cmd))) {
        if (r > 0 && !parse_duration_ms(v, &f->request_timeout_ms)) {
            char msg[160];
            snprintf(msg, sizeof msg, "--request-timeout \"%.40s\" is not a duration (30s, 1m)", v);
            cli_error(cmd, msg);
            return -1;
        }
        if (r > 0 && !f->request_timeout_ms)
            f->request_timeout_ms = -1; /* "0": no timeout, like kubectl */
        return r;
    }
    return 0;
}

kclient *kube_connect(const kube_flags *f, const char *cmd)
{
    mp_err err;
    kube_conn *conn = kube_conn_load(&f->kc, &err);
    if (!conn) {
        cli_error(cmd, err.msg);
        return NULL;
    }
    if (conn->warning)
        cli_error(cmd, conn->warning);
    khttp_opts o = {.timeout_ms = f->request_timeout_ms};
    kclient *c = kclient_new(conn, &o, &err);
    if (!c)
        cli_error(cmd, err.msg);
    return c;
}
