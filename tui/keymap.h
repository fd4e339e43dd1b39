/*
 * keymap.h - the one action table: action -> default keys -> help text ->
 * handler. The keymap, the `?` help screen, the key hints and config
 * rebinding (tui/config.h `keys:`) all read it, so they cannot disagree.
 *
 * Ownership: the table is static; a keymap is a plain value.
 */
#ifndef MESHPANEL_KEYMAP_H
#define MESHPANEL_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "model/err.h"
#include "tui/config.h"

struct ui;

/* X(ID, name, group, hint label or NULL, help text, default keys, handler)
 * Keys and handlers are only expanded in actions.c (which defines KEYS and
 * the act_* functions); everywhere else the enum is all that is used. */
#define ACTIONS(X)                                                                                 \
    X(DOWN, "down", "Navigation", NULL, "Move the cursor down (scroll text down)",                 \
      KEYS('j', KEY_DOWN), act_down)                                                               \
    X(UP, "up", "Navigation", NULL, "Move the cursor up (scroll text up)", KEYS('k', KEY_UP),      \
      act_up)                                                                                      \
    X(TOP, "top", "Navigation", NULL, "Jump to the first row", KEYS('g', KEY_HOME), act_top)       \
    X(BOTTOM, "bottom", "Navigation", NULL, "Jump to the last row", KEYS('G', KEY_END),            \
      act_bottom)                                                                                  \
    X(PAGE_DOWN, "page-down", "Navigation", NULL, "Move one page down",                            \
      KEYS(KEY_NPAGE, CTRL('f')), act_page_down)                                                   \
    X(PAGE_UP, "page-up", "Navigation", NULL, "Move one page up", KEYS(KEY_PPAGE, CTRL('b')),      \
      act_page_up)                                                                                 \
    X(NEXT_PANE, "next-pane", "Navigation", "pane", "Focus the next pane", KEYS('\t'),             \
      act_next_pane)                                                                               \
    X(PREV_PANE, "prev-pane", "Navigation", NULL, "Focus the previous pane", KEYS(KEY_BTAB),       \
      act_prev_pane)                                                                               \
    X(ENTER, "enter", "Navigation", "open", "Drill down: tenant -> resources -> detail",           \
      KEYS('\n'), act_enter)                                                                       \
    X(BACK, "back", "Navigation", "back", "Go back one level, close help, then clear the filter",  \
      KEYS(27), act_back)                                                                          \
    X(NEXT_TAB, "next-tab", "Resources", NULL, "Next resource tab", KEYS(']', KEY_RIGHT),          \
      act_next_tab)                                                                                \
    X(PREV_TAB, "prev-tab", "Resources", NULL, "Previous resource tab", KEYS('[', KEY_LEFT),       \
      act_prev_tab)                                                                                \
    X(TAB_INGRESS, "tab-ingress", "Resources", NULL, "Show Ingresses", KEYS('1'), act_tab_ingress) \
    X(TAB_GATEWAY, "tab-gateway", "Resources", NULL, "Show Gateways", KEYS('2'), act_tab_gateway)  \
    X(TAB_VS, "tab-virtualservice", "Resources", NULL, "Show VirtualServices", KEYS('3'),          \
      act_tab_vs)                                                                                  \
    X(TAB_ALL, "tab-all", "Resources", NULL, "Show all kinds", KEYS('4'), act_tab_all)             \
    X(YAML, "yaml", "Detail", "yaml", "Detail pane: YAML of the selected object", KEYS('y'),       \
      act_yaml)                                                                                    \
    X(PREVIEW, "preview", "Detail", "preview", "Detail pane: Istio conversion preview", KEYS('c'), \
      act_preview)                                                                                 \
    X(COMMAND, "command", "Other", "cmd", "Command mode (:ns :ing :gw :vs :all :tenant :ctx :q)",  \
      KEYS(':'), act_command)                                                                      \
    X(FILTER, "filter", "Other", "filter", "Filter: text, !text, re:REGEX, -l key=value",          \
      KEYS('/'), act_filter)                                                                       \
    X(REFRESH, "refresh", "Other", NULL, "Re-read the source now", KEYS(CTRL('r')), act_refresh)   \
    X(HELP, "help", "Other", "help", "Show or hide this help", KEYS('?'), act_help)                \
    X(QUIT, "quit", "Other", "quit", "Quit", KEYS('q'), act_quit)

typedef enum {
    ACT_NONE = -1,
#define KEYMAP_ACTION_ENUM(id, name, group, hint, help, keys, fn) ACT_##id,
    ACTIONS(KEYMAP_ACTION_ENUM)
#undef KEYMAP_ACTION_ENUM
        ACTION_COUNT
} action_id;

#define ACTION_MAX_KEYS 4

typedef struct {
    action_id id;
    const char *name;
    const char *group;
    const char *hint; /* short label for the hint line, NULL: not shown there */
    const char *help;
    int keys[ACTION_MAX_KEYS]; /* defaults, 0-terminated */
    void (*run)(struct ui *u);
} action_def;

/* The table, in ACTIONS order (defined in actions.c with the handlers). */
const action_def *action_table(void);
int action_from_name(const char *name); /* ACT_* or ACT_NONE */

#define KEYMAP_MAX 128

typedef struct {
    int key[KEYMAP_MAX];
    action_id act[KEYMAP_MAX];
    size_t n;
} keymap;

void keymap_defaults(keymap *km);
/* Applies `keys:` from the config: an action listed there gets exactly the
 * listed keys (its defaults go), and a key moves to its new action. Returns
 * 0, or -1 with err "FILE:LINE: unknown action \"x\"". */
int keymap_apply(keymap *km, const mp_keybind *binds, size_t n, const char *file, mp_err *err);
action_id keymap_lookup(const keymap *km, int key);
/* Keys bound to an action, in binding order; returns how many (<= max). */
size_t keymap_keys(const keymap *km, action_id a, int *out, size_t max);
/* "j/Down" into buf: the action's keys by name. */
const char *keymap_describe(const keymap *km, action_id a, char *buf, size_t n);

#endif
