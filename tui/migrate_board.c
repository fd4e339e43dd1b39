/*
 * migrate_board.c - the console's :migrate (issue 9 item 6): the status
 * board of the migration in a popup, the lines `meshpanel status` prints,
 * read on demand from the console's cluster (a session of its own, reading
 * once: the board shows what that read found) or its -f directory.
 * :migrate STEP runs a step on the selected tenants (tui/migrate_steps.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/backup.h"
#include "api/kubeconfig.h"
#include "api/migrate.h"
#include "api/migrate_dir.h"
#include "tui/command.h"
#include "tui/migrate_steps.h"
#include "tui/popup.h"
#include "tui/ui.h"

/* The conversion as the CLI's migrate uses it: defaults under the config. */
static void board_opts(const ui *u, mig_opts *o)
{
    memset(o, 0, sizeof *o);
    convert_opts_default(&o->conv);
    mp_err ignored; /* a bad gatewayMode was reported when the config loaded */
    if (u->cfg.gateway_mode)
        convert_parse_mode(u->cfg.gateway_mode, &o->conv.mode, &ignored);
    if (u->cfg.shared_gateway)
        o->conv.shared_gateway = u->cfg.shared_gateway;
    if (u->cfg.domain_suffix)
        o->conv.domain_suffix = u->cfg.domain_suffix;
    o->dry_run = true;
    o->now = time(NULL);
}

static int cluster_board(ui *u, const mig_opts *o, mig_status *st, mp_err *err)
{
    kc_options kc = {.kubeconfig = u->kubeconfig,
                     .context = source_context(u->src),
                     .request_timeout_ms = u->request_timeout_ms,
                     .disable_compression = u->disable_compression};
    kube_conn *conn = kube_conn_load(&kc, err);
    khttp_opts ho = {.timeout_ms = u->request_timeout_ms};
    kclient *c = conn ? kclient_new(conn, &ho, err) : NULL; /* takes conn */
    char root[4096];
    mig_opts mo = *o;
    if (c && backup_root(source_context(u->src), root, sizeof root, err) == 0)
        mo.backup_root = root;
    mig_session *s = c && mo.backup_root ? mig_open(c, &mo, err) : NULL;
    int rc = s ? mig_status_read(s, st, err) : -1;
    mig_close(s);
    kclient_free(c);
    return rc;
}

static int dir_board(const char *dir, const mig_opts *o, mig_status *st, mp_err *err)
{
    mig_dir *d = mig_dir_open(dir, o, err);
    int rc = d ? mig_dir_status(d, st, err) : -1;
    mig_dir_close(d);
    return rc;
}

int cmd_migrate_board(ui *u, const char *arg, mp_err *err)
{
    if (arg && *arg) { /* :migrate STEP: the step on the selected tenants */
        mig_step step;
        if (migrate_step_parse(arg, &step, err) < 0)
            return -1;
        migrate_step_ask(u, step);
        return 0;
    }
    bool cluster = !strcmp(u->src->ops->name, "cluster");
    if (!cluster && !u->manifest_dir)
        return mp_errf(err, ":migrate needs a cluster or -f DIR (the demo has no migration)");
    mig_opts o;
    board_opts(u, &o);
    mig_status st;
    int rc = cluster ? cluster_board(u, &o, &st, err) : dir_board(u->manifest_dir, &o, &st, err);
    if (rc < 0)
        return -1;
    char **lines = NULL;
    size_t n = mig_status_lines(&st, &lines);
    mig_status_free(&st);
    if (n == (size_t)-1)
        return mp_errf(err, "out of memory");
    char title[300];
    snprintf(title, sizeof title, "Migration status (%s); m: a step on the tenant, R: rollback",
             cluster ? "cluster" : "files");
    int pass[8];
    size_t np = keymap_keys(&u->km, ACT_MIGRATE, pass, 4);
    np += keymap_keys(&u->km, ACT_ROLLBACK, pass + np, 4);
    popup_info_pass(u, title, (const char *const *)lines, n, pass, np);
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
    return 0;
}
