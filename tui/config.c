/*
 * config.c - config.yaml into mp_config; key names to ncurses codes.
 *
 * Top-level keys are one table (name, parser), so the "unknown key" message
 * lists exactly what is accepted.
 */
#include "tui/config.h"

#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/fsutil.h"
#include "model/doc.h"
#include "model/parse.h"

/* ---- key names ---------------------------------------------------------- */

static const struct {
    const char *name;
    int code;
} key_names[] = {
    /* The first name of a code is its canonical name (key_to_name). */
    {"Tab", '\t'},         {"S-Tab", KEY_BTAB},  {"BTab", KEY_BTAB},
    {"Enter", '\n'},       {"Return", '\n'},     {"Esc", 27},
    {"Escape", 27},        {"Space", ' '},       {"Backspace", KEY_BACKSPACE},
    {"Delete", KEY_DC},    {"Del", KEY_DC},      {"Insert", KEY_IC},
    {"Ins", KEY_IC},       {"Up", KEY_UP},       {"Down", KEY_DOWN},
    {"Left", KEY_LEFT},    {"Right", KEY_RIGHT}, {"PgUp", KEY_PPAGE},
    {"PageUp", KEY_PPAGE}, {"PgDn", KEY_NPAGE},  {"PageDown", KEY_NPAGE},
    {"Home", KEY_HOME},    {"End", KEY_END},
};

int key_from_name(const char *name)
{
    if (!name || !*name)
        return -1;
    char buf[32];
    size_t n = strlen(name);
    /* tig-style "<Down>" is accepted too. */
    if (n > 2 && name[0] == '<' && name[n - 1] == '>') {
        if (n - 2 >= sizeof buf)
            return -1;
        memcpy(buf, name + 1, n - 2);
        buf[n - 2] = '\0';
        name = buf;
        n -= 2;
    }
    if (n == 1)
        return (name[0] >= 0x20 && name[0] < 0x7f) ? name[0] : -1;
    if (n == 3 && (name[0] == 'C' || name[0] == 'c') && name[1] == '-') {
        char c = name[2];
        if (c >= 'a' && c <= 'z')
            return c - 'a' + 1;
        if (c >= 'A' && c <= 'Z')
            return c - 'A' + 1;
        return -1;
    }
    if ((name[0] == 'F' || name[0] == 'f') && n <= 3) {
        char *end;
        long f = strtol(name + 1, &end, 10);
        if (!*end && name[1] != '0' && f >= 1 && f <= 12)
            return KEY_F((int)f);
        return -1;
    }
    for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
        if (!strcasecmp(name, key_names[i].name))
            return key_names[i].code;
    return -1;
}

const char *key_to_name(int key, char *buf, size_t n)
{
    for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
        if (key_names[i].code == key) {
            snprintf(buf, n, "%s", key_names[i].name);
            return buf;
        }
    if (key > 0x20 && key < 0x7f)
        snprintf(buf, n, "%c", key);
    else if (key >= 1 && key <= 26)
        snprintf(buf, n, "C-%c", 'a' + key - 1);
    else if (key >= KEY_F(1) && key <= KEY_F(12))
        snprintf(buf, n, "F%d", key - KEY_F0);
    else
        snprintf(buf, n, "<%d>", key);
    return buf;
}

/* ---- config file -------------------------------------------------------- */

int config_init(mp_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->tenant_prefix = strdup("ns-");
    return cfg->tenant_prefix ? 0 : -1;
}

void config_free(mp_config *cfg)
{
    free(cfg->path);
    free(cfg->theme);
    free(cfg->gateway_mode);
    free(cfg->shared_gateway);
    free(cfg->domain_suffix);
    free(cfg->tenant_prefix);
    for (size_t i = 0; i < cfg->nkeys; i++) {
        free(cfg->keys[i].action);
        free(cfg->keys[i].keys);
    }
    free(cfg->keys);
    memset(cfg, 0, sizeof *cfg);
}

typedef struct {
    const char *name; /* file name for messages */
    const char *key;  /* the top-level key being read */
    mp_err *err;
} pctx;

static int bad(const pctx *c, const doc_node *n, const char *what)
{
    return mp_errf(c->err, "%s:%d: %s: %s", c->name, n ? n->line : 0, c->key, what);
}

/* A non-empty string scalar (ints and bools are refused: "tenant" not 1). */
static int get_string(const pctx *c, const doc_node *v, char **out)
{
    if (!doc_is_scalar(v) || v->type != DOC_STR || !*doc_str(v))
        return bad(c, v, "expected a non-empty string");
    char *s = strdup(doc_str(v));
    if (!s)
        return bad(c, v, "out of memory");
    free(*out);
    *out = s;
    return 0;
}

static int set_theme(const pctx *c, const doc_node *v, mp_config *cfg)
{
    return get_string(c, v, &cfg->theme);
}

static int set_gateway_mode(const pctx *c, const doc_node *v, mp_config *cfg)
{
    const char *s = doc_str(v);
    if (!doc_is_scalar(v) || (strcmp(s, "tenant") && strcmp(s, "shared")))
        return bad(c, v, "expected tenant or shared");
    return get_string(c, v, &cfg->gateway_mode);
}

static int set_shared_gateway(const pctx *c, const doc_node *v, mp_config *cfg)
{
    const char *s = doc_is_scalar(v) ? doc_str(v) : NULL;
    const char *slash = s ? strchr(s, '/') : NULL;
    if (!slash || slash == s || !slash[1] || strchr(slash + 1, '/'))
        return bad(c, v, "expected NAMESPACE/NAME, e.g. istio-system/sealos-gateway");
    return get_string(c, v, &cfg->shared_gateway);
}

static int set_domain_suffix(const pctx *c, const doc_node *v, mp_config *cfg)
{
    return get_string(c, v, &cfg->domain_suffix);
}

static int set_tenant_prefix(const pctx *c, const doc_node *v, mp_config *cfg)
{
    return get_string(c, v, &cfg->tenant_prefix);
}

static int set_read_only(const pctx *c, const doc_node *v, mp_config *cfg)
{
    if (!doc_is_scalar(v) || v->type != DOC_BOOL || !doc_as_bool(v, &cfg->read_only))
        return bad(c, v, "expected true or false");
    cfg->read_only_set = true;
    return 0;
}

static int set_refresh(const pctx *c, const doc_node *v, mp_config *cfg)
{
    long long n;
    if (!doc_is_scalar(v) || v->type != DOC_INT || !doc_as_int(v, &n) || n < 1 || n > 3600)
        return bad(c, v, "expected a whole number of seconds, 1 to 3600");
    cfg->refresh_seconds = (int)n;
    return 0;
}

static int parse_binding(const pctx *c, const char *action, const doc_node *v, mp_keybind *kb)
{
    size_t n = doc_is_seq(v) ? v->len : 1;
    if (!doc_is_seq(v) && !doc_is_scalar(v))
        return mp_errf(c->err, "%s:%d: keys.%s: expected a key name or a list of them", c->name,
                       v->line, action);
    if (n == 0)
        return mp_errf(c->err, "%s:%d: keys.%s: empty list (an action needs a key)", c->name,
                       v->line, action);
    kb->keys = calloc(n, sizeof *kb->keys);
    if (!kb->keys)
        return mp_errf(c->err, "%s: out of memory", c->name);
    for (size_t i = 0; i < n; i++) {
        const doc_node *k = doc_is_seq(v) ? doc_at(v, i) : v;
        if (doc_is_scalar(k) && k->type == DOC_BOOL)
            return mp_errf(c->err,
                           "%s:%d: keys.%s: %s is a YAML boolean here; quote the key name "
                           "(\"y\", \"n\")",
                           c->name, k->line, action, doc_str(k));
        int code = doc_is_scalar(k) ? key_from_name(doc_str(k)) : -1;
        if (code < 0)
            return mp_errf(c->err,
                           "%s:%d: keys.%s: unknown key name \"%s\" (a character, C-x, Tab, "
                           "S-Tab, Enter, Esc, Space, Up, Down, Left, Right, PgUp, PgDn, Home, "
                           "End, F1..F12)",
                           c->name, k->line, action, doc_is_scalar(k) ? doc_str(k) : "?");
        kb->keys[kb->nkeys++] = code;
    }
    return 0;
}

static int set_keys(const pctx *c, const doc_node *v, mp_config *cfg)
{
    if (doc_is_null(v))
        return 0;
    if (!doc_is_map(v))
        return bad(c, v, "expected a map of action: [key, ...]");
    mp_keybind *kbs = calloc(v->len ? v->len : 1, sizeof *kbs);
    if (!kbs)
        return bad(c, v, "out of memory");
    size_t n = 0;
    int rc = 0;
    for (size_t i = 0; i < v->len && rc == 0; i++) {
        mp_keybind *kb = &kbs[n++];
        kb->line = v->items[i]->line;
        kb->action = strdup(v->keys[i]);
        if (!kb->action)
            rc = bad(c, v, "out of memory");
        else
            rc = parse_binding(c, v->keys[i], v->items[i], kb);
    }
    if (rc < 0) {
        for (size_t i = 0; i < n; i++) {
            free(kbs[i].action);
            free(kbs[i].keys);
        }
        free(kbs);
        return -1;
    }
    cfg->keys = kbs;
    cfg->nkeys = n;
    return 0;
}

static const struct {
    const char *key;
    int (*set)(const pctx *c, const doc_node *v, mp_config *cfg);
} config_keys[] = {
    {"theme", set_theme},
    {"gatewayMode", set_gateway_mode},
    {"sharedGateway", set_shared_gateway},
    {"domainSuffix", set_domain_suffix},
    {"tenantPrefix", set_tenant_prefix},
    {"readOnly", set_read_only},
    {"refreshSeconds", set_refresh},
    {"keys", set_keys},
};

static int apply_map(const doc_node *root, const char *name, mp_config *cfg, mp_err *err)
{
    for (size_t i = 0; i < root->len; i++) {
        pctx c = {name, root->keys[i], err};
        size_t k = 0, nk = sizeof config_keys / sizeof config_keys[0];
        while (k < nk && strcmp(config_keys[k].key, root->keys[i]))
            k++;
        if (k == nk)
            return mp_errf(err,
                           "%s:%d: unknown key \"%s\" (theme, gatewayMode, sharedGateway, "
                           "domainSuffix, tenantPrefix, readOnly, refreshSeconds, keys)",
                           name, root->items[i]->line, root->keys[i]);
        if (config_keys[k].set(&c, root->items[i], cfg) < 0)
            return -1;
    }
    return 0;
}

int config_parse(mp_config *cfg, const char *buf, size_t len, const char *name, mp_err *err)
{
    doc_list docs;
    doc_list_init(&docs);
    if (doc_parse_yaml(buf, len, name, &docs, err) < 0) {
        doc_list_free(&docs);
        return -1;
    }
    int rc = 0;
    mp_config tmp;
    if (config_init(&tmp) < 0)
        rc = mp_errf(err, "%s: out of memory", name);
    else if (docs.len > 1)
        rc = mp_errf(err, "%s: %zu YAML documents; a config file holds one", name, docs.len);
    else if (docs.len == 1 && !doc_is_map(docs.docs[0]) && !doc_is_null(docs.docs[0]))
        rc = mp_errf(err, "%s:%d: expected a map of settings", name, docs.docs[0]->line);
    else if (docs.len == 1 && doc_is_map(docs.docs[0]))
        rc = apply_map(docs.docs[0], name, &tmp, err);
    doc_list_free(&docs);
    if (rc < 0) {
        config_free(&tmp);
        return -1;
    }
    tmp.path = cfg->path;
    cfg->path = NULL;
    config_free(cfg);
    *cfg = tmp;
    return 0;
}

/* Returns 1 when the path came from MESHPANEL_CONFIG (explicit). */
static int resolve_path(char *buf, size_t n)
{
    const char *env = getenv("MESHPANEL_CONFIG");
    if (env && *env) {
        snprintf(buf, n, "%s", env);
        return 1;
    }
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    if (xdg && *xdg)
        snprintf(buf, n, "%s/meshpanel/config.yaml", xdg);
    else
        snprintf(buf, n, "%s/.config/meshpanel/config.yaml", home && *home ? home : ".");
    return 0;
}

int config_path(char *buf, size_t n)
{
    resolve_path(buf, n);
    return 0;
}

int config_load(mp_config *cfg, mp_err *err)
{
    char path[PATH_MAX];
    int explicit = resolve_path(path, sizeof path);
    if (config_init(cfg) < 0)
        return mp_errf(err, "config: out of memory");
    if (!explicit && !fs_is_file(path))
        return 0;
    size_t len;
    char *buf = fs_read_file(path, &len, err);
    if (!buf)
        return -1;
    int rc = config_parse(cfg, buf, len, path, err);
    free(buf);
    if (rc == 0 && !(cfg->path = strdup(path)))
        rc = mp_errf(err, "%s: out of memory", path);
    return rc;
}
