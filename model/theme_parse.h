/*
 * theme_parse.h - colour roles, their defaults, and theme files as data.
 *
 * Screens never name colours: they draw with a role (ROLE_ROW_SELECTED,
 * ROLE_YAML_KEY, ...). COLOR_ROLES below is the one table of roles with the
 * built-in (dark) default style and the attributes a role falls back to on
 * a monochrome terminal. A theme file overrides roles, one line each:
 *
 *     # comment
 *     row_selected = black cyan bold      # role = FG BG [ATTR ...]
 *
 * FG/BG: default (terminal's own), black red green yellow blue magenta cyan
 * white, bright-black .. bright-white (also brightred / bright_red / grey),
 * or 0-255. ATTR: bold dim reverse underline italic normal. Roles a file
 * does not name keep the built-in default (so a user theme can be short).
 * Format reference: themes/README.md.
 *
 * Pure: parses from memory, no I/O, no curses (tui/theme.c maps the
 * THEME_A_* bits to curses attributes). Owner: issue 4 (themes).
 */
#ifndef MESHPANEL_THEME_PARSE_H
#define MESHPANEL_THEME_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "model/err.h"

/* Attribute bits (mapped to A_* in tui/theme.c). */
enum {
    THEME_A_BOLD = 1u << 0,
    THEME_A_DIM = 1u << 1,
    THEME_A_REVERSE = 1u << 2,
    THEME_A_UNDERLINE = 1u << 3,
    THEME_A_ITALIC = 1u << 4,
};

#define THEME_COLOR_DEFAULT (-1)

/* X(ID, name, default fg, default bg, default attrs, monochrome attrs)
 * Colours: -1 default, 0-7 ANSI, 8-15 bright, 16-255 xterm. */
#define COLOR_ROLES(X)                                                                             \
    X(NORMAL, "normal", -1, -1, 0, 0)                                                              \
    X(HEADER, "header", 15, 24, THEME_A_BOLD, THEME_A_REVERSE)                                     \
    X(HEADER_LABEL, "header_label", 117, 24, 0, THEME_A_REVERSE)                                   \
    X(READONLY, "readonly", 0, 11, THEME_A_BOLD, THEME_A_REVERSE | THEME_A_BOLD)                   \
    X(CONN_OK, "conn_ok", 10, 24, 0, THEME_A_REVERSE)                                              \
    X(CONN_BUSY, "conn_busy", 0, 11, 0, THEME_A_REVERSE | THEME_A_UNDERLINE)                       \
    X(CONN_DOWN, "conn_down", 15, 1, THEME_A_BOLD, THEME_A_BOLD | THEME_A_UNDERLINE)               \
    X(STATUS, "status", 252, 236, 0, THEME_A_REVERSE)                                              \
    X(STATUS_ERROR, "status_error", 15, 1, THEME_A_BOLD, THEME_A_REVERSE | THEME_A_BOLD)           \
    X(STATUS_INFO, "status_info", 10, 236, 0, THEME_A_REVERSE)                                     \
    X(PANE_BORDER, "pane_border", 240, -1, 0, THEME_A_DIM)                                         \
    X(PANE_BORDER_ACTIVE, "pane_border_active", 14, -1, 0, THEME_A_BOLD)                           \
    X(PANE_TITLE, "pane_title", 250, -1, 0, 0)                                                     \
    X(PANE_TITLE_ACTIVE, "pane_title_active", 14, -1, THEME_A_BOLD, THEME_A_BOLD)                  \
    X(COLUMN_HEADER, "column_header", 250, -1, THEME_A_BOLD, THEME_A_BOLD | THEME_A_UNDERLINE)     \
    X(ROW, "row", -1, -1, 0, 0)                                                                    \
    X(ROW_SELECTED, "row_selected", 0, 14, 0, THEME_A_REVERSE)                                     \
    X(ROW_SELECTED_INACTIVE, "row_selected_inactive", 15, 238, 0, THEME_A_UNDERLINE)               \
    X(ROW_DIM, "row_dim", 244, -1, 0, THEME_A_DIM)                                                 \
    X(TAB, "tab", 250, 236, 0, 0)                                                                  \
    X(TAB_ACTIVE, "tab_active", 0, 14, THEME_A_BOLD, THEME_A_REVERSE | THEME_A_BOLD)               \
    X(STATE_INGRESS_ONLY, "state_ingress_only", 11, -1, 0, 0)                                      \
    X(STATE_MIXED, "state_mixed", 13, -1, 0, THEME_A_UNDERLINE)                                    \
    X(STATE_ISTIO, "state_istio", 10, -1, 0, THEME_A_BOLD)                                         \
    X(STATE_SUSPENDED, "state_suspended", 244, -1, 0, THEME_A_DIM)                                 \
    X(STATE_PROBLEM, "state_problem", 9, -1, THEME_A_BOLD, THEME_A_BOLD | THEME_A_UNDERLINE)       \
    X(WARNING, "warning", 11, -1, 0, THEME_A_BOLD)                                                 \
    X(ERROR, "error", 9, -1, THEME_A_BOLD, THEME_A_BOLD | THEME_A_UNDERLINE)                       \
    X(INFO, "info", 12, -1, 0, 0)                                                                  \
    X(YAML_KEY, "yaml_key", 117, -1, 0, THEME_A_BOLD)                                              \
    X(YAML_STRING, "yaml_string", 150, -1, 0, 0)                                                   \
    X(YAML_NUMBER, "yaml_number", 215, -1, 0, 0)                                                   \
    X(YAML_BOOL, "yaml_bool", 213, -1, 0, 0)                                                       \
    X(YAML_NULL, "yaml_null", 244, -1, 0, THEME_A_DIM)                                             \
    X(YAML_COMMENT, "yaml_comment", 244, -1, THEME_A_ITALIC, THEME_A_DIM)                          \
    X(YAML_PUNCT, "yaml_punct", 246, -1, 0, 0)                                                     \
    X(DIFF_ADD, "diff_add", 10, -1, 0, THEME_A_BOLD)                                               \
    X(DIFF_DEL, "diff_del", 9, -1, 0, THEME_A_DIM)                                                 \
    X(DIFF_CTX, "diff_ctx", 250, -1, 0, 0)                                                         \
    X(DIFF_HEADER, "diff_header", 14, -1, THEME_A_BOLD, THEME_A_UNDERLINE)                         \
    X(HINT_KEY, "hint_key", 0, 14, THEME_A_BOLD, THEME_A_REVERSE | THEME_A_BOLD)                   \
    X(HINT_TEXT, "hint_text", 250, 236, 0, 0)                                                      \
    X(SEARCH_MATCH, "search_match", 0, 11, 0, THEME_A_REVERSE | THEME_A_UNDERLINE)                 \
    X(JUMP_LINE, "jump_line", 0, 222, THEME_A_BOLD, THEME_A_REVERSE | THEME_A_BOLD)                \
    X(PROMPT, "prompt", 15, -1, THEME_A_BOLD, THEME_A_BOLD)                                        \
    X(COMPLETION, "completion", 0, 250, 0, THEME_A_REVERSE)                                        \
    X(DIALOG, "dialog", 15, 236, 0, THEME_A_REVERSE)                                               \
    X(BUTTON_FOCUS, "button_focus", 0, 14, THEME_A_BOLD, THEME_A_BOLD | THEME_A_UNDERLINE)

typedef enum {
#define THEME_ROLE_ENUM(id, name, fg, bg, attrs, mono) ROLE_##id,
    COLOR_ROLES(THEME_ROLE_ENUM)
#undef THEME_ROLE_ENUM
        COLOR_ROLE_COUNT
} color_role;

typedef struct {
    short fg; /* THEME_COLOR_DEFAULT or 0-255 */
    short bg;
    unsigned attrs; /* THEME_A_* */
} theme_style;

/* A parsed theme: every role has a style; set[] says which ones the file
 * named (the rest are built-in defaults). */
typedef struct {
    theme_style role[COLOR_ROLE_COUNT];
    bool set[COLOR_ROLE_COUNT];
    int line[COLOR_ROLE_COUNT]; /* line that set the role, 0 for defaults */
} theme_def;

/* "row_selected" for ROLE_ROW_SELECTED; NULL when out of range. */
const char *color_role_name(color_role r);
/* ROLE_* for a name, or -1 when unknown. */
int color_role_from_name(const char *name);
/* The built-in style, and the attributes the role uses on monochrome. */
theme_style color_role_default(color_role r);
unsigned color_role_mono_attrs(color_role r);

/* Fills def with the built-in defaults (set[] all false). */
void theme_def_init(theme_def *def);

/* Parses a theme file's bytes over def (call theme_def_init first). name is
 * for messages only. Stops at the first bad line: returns -1 with err as
 * "NAME:LINE: unknown role \"hedaer\"" (unknown role/colour/attribute,
 * missing '=', missing fg or bg, a role given twice). Returns 0 otherwise. */
int theme_parse(const char *buf, size_t len, const char *name, theme_def *def, mp_err *err);

/* Colour name or number -> THEME_COLOR_DEFAULT / 0-255; -2 when invalid. */
int theme_color_from_name(const char *s);

/* How many colours to use: 0 (monochrome) when no_color_env is non-empty
 * (https://no-color.org), else term_colors (COLORS) clamped to 0/8/16/256. */
int theme_colors_for(int term_colors, const char *no_color_env);

/* The nearest colour a terminal with ncolors can show: 256 keeps all;
 * 16 maps 16-255 to the nearest ANSI colour by RGB distance; 8 also folds
 * bright 8-15 to 0-7 (and *attrs |= THEME_A_BOLD for a foreground, when
 * attrs is non-NULL); below 8 everything is THEME_COLOR_DEFAULT. */
int theme_color_degrade(int color, int ncolors, unsigned *attrs);

/* A role's style as drawn on an ncolors terminal. With 8 colours a grey
 * foreground on the default background becomes the default foreground, dim
 * (grey would fold to black or white, invisible on one of the terminal's
 * possible backgrounds). On monochrome (< 8)
 * colours are dropped and the role's mono attributes (COLOR_ROLES) are
 * added to the theme's own, so selection and bars stay visible. */
theme_style theme_style_degrade(color_role r, theme_style s, int ncolors);

#endif
