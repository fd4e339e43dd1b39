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

/* Where an action's keys work: the console's panes (SC_TEXT: a text pane
 * has the focus, its keys first, then the console's), the edit screen's form
 * (printable keys type there, so its actions use control and function
 * keys), the edit screen's diff, and the staged-edits view. One key may mean
 * different things in different scopes (n: new object / next hunk). */
typedef enum { SC_CONSOLE, SC_TEXT, SC_FORM, SC_DIFF, SC_STAGED, SC_COUNT } key_scope;

/* X(ID, name, scope, group, hint label or NULL, help text, default keys, handler)
 * Keys and handlers are only expanded in actions.c (which defines KEYS and
 * the act_* functions); everywhere else the enum is all that is used. */
#define ACTIONS(X)                                                                                 \
    X(DOWN, "down", SC_CONSOLE, "Navigation", NULL, "Move the cursor down (scroll text down)",     \
      KEYS('j', KEY_DOWN), act_down)                                                               \
    X(UP, "up", SC_CONSOLE, "Navigation", NULL, "Move the cursor up (scroll text up)",             \
      KEYS('k', KEY_UP), act_up)                                                                   \
    X(TOP, "top", SC_CONSOLE, "Navigation", NULL, "Jump to the first row", KEYS('g', KEY_HOME),    \
      act_top)                                                                                     \
    X(BOTTOM, "bottom", SC_CONSOLE, "Navigation", NULL, "Jump to the last row",                    \
      KEYS('G', KEY_END), act_bottom)                                                              \
    X(PAGE_DOWN, "page-down", SC_CONSOLE, "Navigation", NULL, "Move one page down",                \
      KEYS(KEY_NPAGE, CTRL('f')), act_page_down)                                                   \
    X(PAGE_UP, "page-up", SC_CONSOLE, "Navigation", NULL, "Move one page up",                      \
      KEYS(KEY_PPAGE, CTRL('b')), act_page_up)                                                     \
    X(NEXT_PANE, "next-pane", SC_CONSOLE, "Navigation", NULL, "Focus the next pane", KEYS('\t'),   \
      act_next_pane)                                                                               \
    X(PREV_PANE, "prev-pane", SC_CONSOLE, "Navigation", NULL, "Focus the previous pane",           \
      KEYS(KEY_BTAB), act_prev_pane)                                                               \
    X(ENTER, "enter", SC_CONSOLE, "Navigation", "open",                                            \
      "Drill down: tenant -> resources -> detail", KEYS('\n'), act_enter)                          \
    X(BACK, "back", SC_CONSOLE, "Navigation", NULL,                                                \
      "Go back one level, close help, then clear the filter", KEYS(27), act_back)                  \
    X(NEXT_TAB, "next-tab", SC_CONSOLE, "Resources", NULL, "Next resource tab",                    \
      KEYS(']', KEY_RIGHT), act_next_tab)                                                          \
    X(PREV_TAB, "prev-tab", SC_CONSOLE, "Resources", NULL, "Previous resource tab",                \
      KEYS('[', KEY_LEFT), act_prev_tab)                                                           \
    X(TAB_INGRESS, "tab-ingress", SC_CONSOLE, "Resources", NULL, "Show Ingresses", KEYS('1'),      \
      act_tab_ingress)                                                                             \
    X(TAB_GATEWAY, "tab-gateway", SC_CONSOLE, "Resources", NULL, "Show Gateways", KEYS('2'),       \
      act_tab_gateway)                                                                             \
    X(TAB_VS, "tab-virtualservice", SC_CONSOLE, "Resources", NULL, "Show VirtualServices",         \
      KEYS('3'), act_tab_vs)                                                                       \
    X(TAB_ALL, "tab-all", SC_CONSOLE, "Resources", NULL, "Show all kinds", KEYS('4'), act_tab_all) \
    X(EDIT, "edit", SC_CONSOLE, "Resources", "edit",                                               \
      "Edit: an Ingress's Istio objects, or the Gateway/VirtualService itself", KEYS('e'),         \
      act_edit)                                                                                    \
    X(NEW, "new", SC_CONSOLE, "Resources", NULL,                                                   \
      "New Gateway or VirtualService for the tenant, from a template", KEYS('n'), act_new)         \
    X(STAGED, "staged", SC_CONSOLE, "Resources", "staged", "Staged edits and their diffs",         \
      KEYS('v'), act_staged)                                                                       \
    X(APPLY, "apply", SC_CONSOLE, "Resources", "apply", "Apply the staged edits (asks first)",     \
      KEYS('a'), act_apply)                                                                        \
    X(MIGRATE, "migrate-step", SC_CONSOLE, "Migration", NULL,                                      \
      "Migration step on the tenant or the filter's tenants (a menu; asks first)", KEYS('m'),      \
      act_migrate_menu)                                                                            \
    X(ROLLBACK, "migrate-rollback", SC_CONSOLE, "Migration", NULL,                                 \
      "Roll the tenant (or the filter's tenants) back to its Ingresses (asks first)", KEYS('R'),   \
      act_migrate_rollback)                                                                        \
    X(SORT_NAME, "sort-name", SC_CONSOLE, "Sort", NULL,                                            \
      "Sort by NAME / NAMESPACE (again: reverse)", KEYS('N'), act_sort_name)                       \
    X(SORT_AGE, "sort-age", SC_CONSOLE, "Sort", NULL, "Sort by AGE", KEYS('A'), act_sort_age)      \
    X(SORT_STATE, "sort-state", SC_CONSOLE, "Sort", NULL, "Sort by STATE", KEYS('S'),              \
      act_sort_state)                                                                              \
    X(SORT_HOSTS, "sort-hosts", SC_CONSOLE, "Sort", NULL, "Sort by HOSTS", KEYS('H'),              \
      act_sort_hosts)                                                                              \
    X(SORT_PATHS, "sort-paths", SC_CONSOLE, "Sort", NULL, "Sort by PATHS / PORTS; tenants: PROB",  \
      KEYS('P'), act_sort_paths)                                                                   \
    X(SORT_CLASS, "sort-class", SC_CONSOLE, "Sort", NULL, "Sort by CLASS / SELECTOR / GATEWAYS",   \
      KEYS('C'), act_sort_class)                                                                   \
    X(SORT_TLS, "sort-tls", SC_CONSOLE, "Sort", NULL, "Sort by TLS", KEYS('T'), act_sort_tls)      \
    X(SORT_KIND, "sort-kind", SC_CONSOLE, "Sort", NULL, "Sort by KIND (the All tab)", KEYS('K'),   \
      act_sort_kind)                                                                               \
    X(SORT_ING, "sort-ing", SC_CONSOLE, "Sort", NULL, "Tenants: sort by ING", KEYS('I'),           \
      act_sort_ing)                                                                                \
    X(SORT_GW, "sort-gw", SC_CONSOLE, "Sort", NULL, "Tenants: sort by GW", KEYS('W'), act_sort_gw) \
    X(SORT_VS, "sort-vs", SC_CONSOLE, "Sort", NULL, "Tenants: sort by VS", KEYS('V'), act_sort_vs) \
    X(YAML, "yaml", SC_CONSOLE, "Detail", "yaml", "Detail pane: YAML of the selected object",      \
      KEYS('y'), act_yaml)                                                                         \
    X(PREVIEW, "preview", SC_CONSOLE, "Detail", "preview",                                         \
      "Detail pane: Istio conversion preview", KEYS('c'), act_preview)                             \
    X(DESCRIBE, "describe", SC_CONSOLE, "Detail", "describe",                                      \
      "Detail pane: the object in words (routes, backends, TLS, findings, live state)", KEYS('d'), \
      act_describe)                                                                                \
    X(FOLD, "fold", SC_CONSOLE, "Detail", NULL, "Preview: show every finding, or fold them again", \
      KEYS('w'), act_fold)                                                                         \
    X(FULL, "full-screen", SC_CONSOLE, "Detail", NULL, "Detail pane full screen (again: back)",    \
      KEYS('z'), act_full)                                                                         \
    X(COMMAND, "command", SC_CONSOLE, "Other", "cmd",                                              \
      "Command mode (:ns :ing :gw :vs :all :tenant :ctx :problems :staged :apply :w :q)",          \
      KEYS(':'), act_command)                                                                      \
    X(FILTER, "filter", SC_CONSOLE, "Other", "filter",                                             \
      "Filter: text, !text, re:REGEX, -l key=value", KEYS('/'), act_filter)                        \
    X(REFRESH, "refresh", SC_CONSOLE, "Other", NULL, "Re-read the source now", KEYS(CTRL('r')),    \
      act_refresh)                                                                                 \
    X(HELP, "help", SC_CONSOLE, "Other", "help", "Show or hide this help", KEYS('?'), act_help)    \
    X(QUIT, "quit", SC_CONSOLE, "Other", "quit",                                                   \
      "Close help or the detail pane; quit from the top", KEYS('q'), act_quit)                     \
    X(T_SEARCH, "text-search", SC_TEXT, "Text panes", "search", "Search the text (highlighted)",   \
      KEYS('/'), act_text_search)                                                                  \
    X(T_NEXT, "text-next", SC_TEXT, "Text panes", NULL, "Next line with the search term",          \
      KEYS('n'), act_text_next)                                                                    \
    X(T_PREV, "text-prev", SC_TEXT, "Text panes", NULL, "Previous line with the search term",      \
      KEYS('N'), act_text_prev)                                                                    \
    X(T_COPY, "text-copy", SC_TEXT, "Text panes", "copy",                                          \
      "Copy the pane's text to the terminal's clipboard (OSC 52); :w FILE writes it to a file",    \
      KEYS('Y'), act_text_copy)                                                                    \
    EDIT_ACTIONS(X)

/* The edit screen and the staged view (handlers in edit_keys.c / view_staged.c). */
#define EDIT_ACTIONS(X)                                                                            \
    X(F_STAGE, "form-stage", SC_FORM, "Edit form", "stage", "Stage the edited objects",            \
      KEYS(KEY_F(2), CTRL('s')), act_edit_stage)                                                   \
    X(F_UNDO, "form-undo", SC_FORM, "Edit form", "undo", "Undo the last change", KEYS(CTRL('z')),  \
      act_edit_undo)                                                                               \
    X(F_REDO, "form-redo", SC_FORM, "Edit form", NULL, "Redo", KEYS(CTRL('y')), act_edit_redo)     \
    X(F_ADD, "form-add", SC_FORM, "Edit form", "add",                                              \
      "Add an item after this one (host, origin, route...)", KEYS(CTRL('n'), KEY_IC),              \
      act_edit_add)                                                                                \
    X(F_REMOVE, "form-remove", SC_FORM, "Edit form", "remove", "Remove this item",                 \
      KEYS(CTRL('x')), act_edit_remove)                                                            \
    X(F_MOVE_UP, "form-move-up", SC_FORM, "Edit form", "move",                                     \
      "Move this item up (first match wins)", KEYS(KEY_F(7)), act_edit_move_up)                    \
    X(F_MOVE_DOWN, "form-move-down", SC_FORM, "Edit form", NULL, "Move this item down",            \
      KEYS(KEY_F(8)), act_edit_move_down)                                                          \
    X(F_NEXT_SECTION, "form-next-section", SC_FORM, "Edit form", "section", "Next form section",   \
      KEYS(KEY_NPAGE), act_edit_next_section)                                                      \
    X(F_PREV_SECTION, "form-prev-section", SC_FORM, "Edit form", NULL, "Previous form section",    \
      KEYS(KEY_PPAGE), act_edit_prev_section)                                                      \
    X(F_EDITOR, "form-editor", SC_FORM, "Edit form", "$EDITOR",                                    \
      "Edit the object's YAML in $EDITOR", KEYS(KEY_F(4)), act_edit_editor)                        \
    X(F_LEAVE, "form-leave", SC_FORM, "Edit form", "diff", "Leave the form for the diff",          \
      KEYS(27), act_edit_to_diff)                                                                  \
    X(D_DOWN, "diff-down", SC_DIFF, "Edit diff", NULL, "Scroll down", KEYS('j', KEY_DOWN),         \
      act_diff_down)                                                                               \
    X(D_UP, "diff-up", SC_DIFF, "Edit diff", NULL, "Scroll up", KEYS('k', KEY_UP), act_diff_up)    \
    X(D_PAGE_DOWN, "diff-page-down", SC_DIFF, "Edit diff", NULL, "Page down",                      \
      KEYS(KEY_NPAGE, ' '), act_diff_page_down)                                                    \
    X(D_PAGE_UP, "diff-page-up", SC_DIFF, "Edit diff", NULL, "Page up", KEYS(KEY_PPAGE),           \
      act_diff_page_up)                                                                            \
    X(D_NEXT_HUNK, "diff-next-hunk", SC_DIFF, "Edit diff", "hunk", "Next change", KEYS('n'),       \
      act_diff_next_hunk)                                                                          \
    X(D_PREV_HUNK, "diff-prev-hunk", SC_DIFF, "Edit diff", NULL, "Previous change", KEYS('N'),     \
      act_diff_prev_hunk)                                                                          \
    X(D_BASE, "diff-base", SC_DIFF, "Edit diff", "base",                                           \
      "Left side: the source's objects / the conversion without my edits", KEYS('b'),              \
      act_diff_base)                                                                               \
    X(D_UNIFIED, "diff-unified", SC_DIFF, "Edit diff", "unified", "Unified or side-by-side diff",  \
      KEYS('u'), act_diff_unified)                                                                 \
    X(D_STAGE, "diff-stage", SC_DIFF, "Edit diff", "stage", "Stage the edited objects",            \
      KEYS('s', KEY_F(2)), act_edit_stage)                                                         \
    X(D_EDITOR, "diff-editor", SC_DIFF, "Edit diff", "$EDITOR",                                    \
      "Edit the object's YAML in $EDITOR", KEYS('E', KEY_F(4)), act_edit_editor)                   \
    X(D_UNDO, "diff-undo", SC_DIFF, "Edit diff", NULL, "Undo", KEYS(CTRL('z')), act_edit_undo)     \
    X(D_REDO, "diff-redo", SC_DIFF, "Edit diff", NULL, "Redo", KEYS(CTRL('y')), act_edit_redo)     \
    X(D_NEXT_SECTION, "diff-next-section", SC_DIFF, "Edit diff", NULL, "Next form section",        \
      KEYS(']'), act_edit_next_section)                                                            \
    X(D_PREV_SECTION, "diff-prev-section", SC_DIFF, "Edit diff", NULL, "Previous form section",    \
      KEYS('['), act_edit_prev_section)                                                            \
    X(D_FORM, "diff-form", SC_DIFF, "Edit diff", "form", "Back to the form",                       \
      KEYS('\t', '\n', 'i'), act_edit_to_form)                                                     \
    X(D_COMMAND, "diff-command", SC_DIFF, "Edit diff", "cmd", "Command mode (:staged :apply :w)",  \
      KEYS(':'), act_command)                                                                      \
    X(D_CLOSE, "diff-close", SC_DIFF, "Edit diff", "close",                                        \
      "Close the editor (asks when unstaged)", KEYS(27, 'q'), act_edit_close)                      \
    X(S_DOWN, "staged-down", SC_STAGED, "Staged edits", NULL, "Next staged object",                \
      KEYS('j', KEY_DOWN), act_staged_down)                                                        \
    X(S_UP, "staged-up", SC_STAGED, "Staged edits", NULL, "Previous staged object",                \
      KEYS('k', KEY_UP), act_staged_up)                                                            \
    X(S_EDIT, "staged-edit", SC_STAGED, "Staged edits", "edit", "Edit this object again",          \
      KEYS('e', '\n'), act_staged_edit)                                                            \
    X(S_UNSTAGE, "staged-unstage", SC_STAGED, "Staged edits", "unstage",                           \
      "Drop this staged edit (asks)", KEYS('d', KEY_DC), act_staged_unstage)                       \
    X(S_APPLY, "staged-apply", SC_STAGED, "Staged edits", "apply",                                 \
      "Apply every pending edit (asks)", KEYS('a', 'A'), act_apply)                                \
    X(S_NEXT_HUNK, "staged-next-hunk", SC_STAGED, "Staged edits", NULL, "Next change in the diff", \
      KEYS('n'), act_diff_next_hunk)                                                               \
    X(S_PREV_HUNK, "staged-prev-hunk", SC_STAGED, "Staged edits", NULL, "Previous change",         \
      KEYS('N'), act_diff_prev_hunk)                                                               \
    X(S_UNIFIED, "staged-unified", SC_STAGED, "Staged edits", NULL,                                \
      "Unified or side-by-side diff", KEYS('u'), act_diff_unified)                                 \
    X(S_COMMAND, "staged-command", SC_STAGED, "Staged edits", "cmd", "Command mode", KEYS(':'),    \
      act_command)                                                                                 \
    X(S_CLOSE, "staged-close", SC_STAGED, "Staged edits", "close", "Close this view",              \
      KEYS(27, 'q'), act_staged_close)

typedef enum {
    ACT_NONE = -1,
#define KEYMAP_ACTION_ENUM(id, name, scope, group, hint, help, keys, fn) ACT_##id,
    ACTIONS(KEYMAP_ACTION_ENUM)
#undef KEYMAP_ACTION_ENUM
        ACTION_COUNT
} action_id;

#define ACTION_MAX_KEYS 4

typedef struct {
    action_id id;
    const char *name;
    key_scope scope;
    const char *group;
    const char *hint; /* short label for the hint line, NULL: not shown there */
    const char *help;
    int keys[ACTION_MAX_KEYS]; /* defaults, 0-terminated */
    void (*run)(struct ui *u);
} action_def;

/* The table, in ACTIONS order (defined in actions.c with the handlers). */
const action_def *action_table(void);
int action_from_name(const char *name); /* ACT_* or ACT_NONE */

#define KEYMAP_MAX 256

typedef struct {
    int key[KEYMAP_MAX];
    action_id act[KEYMAP_MAX];
    size_t n;
} keymap;

void keymap_defaults(keymap *km);
/* Applies `keys:` from the config: an action listed there gets exactly the
 * listed keys (its defaults go), and a key moves to its new action (within
 * the action's scope). Returns
 * 0, or -1 with err "FILE:LINE: unknown action \"x\"". */
int keymap_apply(keymap *km, const mp_keybind *binds, size_t n, const char *file, mp_err *err);
/* The action key is bound to in scope. */
action_id keymap_lookup(const keymap *km, key_scope scope, int key);
/* Keys bound to an action, in binding order; returns how many (<= max). */
size_t keymap_keys(const keymap *km, action_id a, int *out, size_t max);
/* "j/Down" into buf: the action's keys by name. */
const char *keymap_describe(const keymap *km, action_id a, char *buf, size_t n);

#endif
