/*
 * config.h - the user's config file and key names.
 *
 * File: $MESHPANEL_CONFIG, else $XDG_CONFIG_HOME/meshpanel/config.yaml, else
 * ~/.config/meshpanel/config.yaml. A missing file is not an error (all
 * defaults). Example:
 *
 *     theme: light
 *     gatewayMode: shared            # tenant | shared
 *     sharedGateway: istio-system/sealos-gateway
 *     domainSuffix: cluster.local
 *     tenantPrefix: ns-
 *     readOnly: true
 *     refreshSeconds: 5              # how often -f DIR / --demo files are re-checked
 *     keys:
 *       quit: [q, "C-c"]
 *       down: [j, Down]
 *
 * Unknown top-level keys and bad values are errors naming file:line and the
 * key. MESHPANEL_CONFIG naming a missing file is an error; the default
 * locations may be absent. `keys` is kept raw (action name -> key codes): the console owns the
 * action table, so it reports unknown action names itself (using .line).
 * Key names are checked here: an unknown key name is an error.
 *
 * Key names (case-insensitive for named keys): one printable ASCII char
 * ("j", "G", "/", ":", "?"), C-a .. C-z (control), Tab, S-Tab (KEY_BTAB),
 * Enter ('\n'; the console should treat '\r' and KEY_ENTER alike), Esc (27),
 * Space, Backspace, Delete, Insert, Up, Down, Left, Right, PgUp, PgDn, Home,
 * End, F1..F12. Codes are what ncurses getch() returns with keypad(TRUE).
 *
 * Ownership: config_init/config_load fill a caller-owned mp_config whose
 * strings and arrays it owns; config_free releases them.
 * Owner: issue 4 (themes/config helper).
 */
#ifndef MESHPANEL_CONFIG_H
#define MESHPANEL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "model/err.h"

typedef struct {
    char *action; /* as written, e.g. "quit" */
    int *keys;    /* ncurses key codes */
    size_t nkeys;
    int line; /* line in the config file, for "unknown action" messages */
} mp_keybind;

typedef struct {
    char *path;           /* file that was loaded; NULL when none existed */
    char *theme;          /* NULL = not set */
    char *gateway_mode;   /* "tenant" | "shared"; NULL = not set */
    char *shared_gateway; /* "NS/NAME"; NULL = not set */
    char *domain_suffix;  /* NULL = not set (converter default) */
    char *tenant_prefix;  /* never NULL after init: default "ns-" */
    bool read_only;
    bool read_only_set;
    int refresh_seconds; /* 0 = not set */
    mp_keybind *keys;
    size_t nkeys;
} mp_config;

/* Defaults (tenant_prefix "ns-", everything else unset). 0 or -1 on OOM. */
int config_init(mp_config *cfg);
void config_free(mp_config *cfg);

/* Parses YAML bytes into cfg (after config_init): on success cfg holds the
 * file's settings over the defaults (cfg->path is kept); on failure returns
 * -1 with err "NAME:LINE: key: problem" and cfg is unchanged. Plain y/n/on/
 * off are YAML booleans, so key names like "y" must be quoted (the error
 * says so). */
int config_parse(mp_config *cfg, const char *buf, size_t len, const char *name, mp_err *err);

/* Resolves the config path (see above) into buf; returns 0. */
int config_path(char *buf, size_t n);
/* config_init + read + parse the resolved file. A missing file leaves the
 * defaults and returns 0 (cfg->path NULL). -1 with err on a bad file. */
int config_load(mp_config *cfg, mp_err *err);

/* Key name -> ncurses key code, or -1 when not a key name. */
int key_from_name(const char *name);
/* Key code -> canonical name ("C-r", "PgDn", "j") into buf; returns buf.
 * Unknown codes print as "<code>". */
const char *key_to_name(int key, char *buf, size_t n);

#endif
