/* test_theme.c - theme files, role table, colour degradation, curses pairs. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/fsutil.h"
#include "model/theme_parse.h"
#include "tui/theme.h"

#define THEMES_DIR TEST_DATA_DIR "/../../themes"

static const char *const bundled[] = {"default", "light", "high-contrast", "mono"};

static int parse_str(const char *text, theme_def *def, mp_err *err)
{
    theme_def_init(def);
    return theme_parse(text, strlen(text), "t.theme", def, err);
}

START_TEST(bundled_themes_define_every_role)
{
    for (size_t i = 0; i < sizeof bundled / sizeof bundled[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s.theme", THEMES_DIR, bundled[i]);
        mp_err err = {""};
        size_t len;
        char *buf = fs_read_file(path, &len, &err);
        ck_assert_msg(buf != NULL, "%s", err.msg);
        theme_def def;
        theme_def_init(&def);
        ck_assert_msg(theme_parse(buf, len, path, &def, &err) == 0, "%s", err.msg);
        for (int r = 0; r < COLOR_ROLE_COUNT; r++)
            ck_assert_msg(def.set[r], "%s does not set role %s", bundled[i], color_role_name(r));
        free(buf);
    }
}
END_TEST

START_TEST(default_file_matches_builtin_table)
{
    /* default.theme is documented as the built-in table written out. */
    mp_err err = {""};
    size_t len;
    char *buf = fs_read_file(THEMES_DIR "/default.theme", &len, &err);
    ck_assert_ptr_nonnull(buf);
    theme_def def;
    theme_def_init(&def);
    ck_assert_int_eq(theme_parse(buf, len, "default.theme", &def, &err), 0);
    for (int r = 0; r < COLOR_ROLE_COUNT; r++) {
        theme_style d = color_role_default(r);
        ck_assert_msg(def.role[r].fg == d.fg && def.role[r].bg == d.bg &&
                          def.role[r].attrs == d.attrs,
                      "role %s differs from the built-in default", color_role_name(r));
    }
    free(buf);
}
END_TEST

START_TEST(mono_theme_uses_no_colours)
{
    mp_err err;
    size_t len;
    char *buf = fs_read_file(THEMES_DIR "/mono.theme", &len, &err);
    ck_assert_ptr_nonnull(buf);
    theme_def def;
    theme_def_init(&def);
    ck_assert_int_eq(theme_parse(buf, len, "mono.theme", &def, &err), 0);
    for (int r = 0; r < COLOR_ROLE_COUNT; r++) {
        ck_assert_int_eq(def.role[r].fg, THEME_COLOR_DEFAULT);
        ck_assert_int_eq(def.role[r].bg, THEME_COLOR_DEFAULT);
    }
    ck_assert(def.role[ROLE_ROW_SELECTED].attrs & THEME_A_REVERSE);
    /* without colour, attributes alone tell the column header from the
     * cursor row of an unfocused pane (issue 14: they looked the same) */
    ck_assert_uint_ne(def.role[ROLE_COLUMN_HEADER].attrs,
                      def.role[ROLE_ROW_SELECTED_INACTIVE].attrs);
    ck_assert_uint_ne(
        theme_style_degrade(ROLE_COLUMN_HEADER, color_role_default(ROLE_COLUMN_HEADER), 0).attrs,
        theme_style_degrade(ROLE_ROW_SELECTED_INACTIVE,
                            color_role_default(ROLE_ROW_SELECTED_INACTIVE), 0)
            .attrs);
    free(buf);
}
END_TEST

START_TEST(role_names_round_trip)
{
    for (int r = 0; r < COLOR_ROLE_COUNT; r++)
        ck_assert_int_eq(color_role_from_name(color_role_name(r)), r);
    ck_assert_int_eq(color_role_from_name("row_selected"), ROLE_ROW_SELECTED);
    ck_assert_int_eq(color_role_from_name("nope"), -1);
    ck_assert_ptr_null(color_role_name(COLOR_ROLE_COUNT));
}
END_TEST

START_TEST(parses_lines_comments_and_partial_themes)
{
    theme_def def;
    mp_err err = {""};
    const char *text = "# my theme\r\n"
                       "\n"
                       "row_selected = bright-white 25 bold, underline   # inline comment\r\n"
                       "  yaml_key=Cyan default\n"
                       "error = 196 default normal";
    ck_assert_msg(parse_str(text, &def, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(def.role[ROLE_ROW_SELECTED].fg, 15);
    ck_assert_int_eq(def.role[ROLE_ROW_SELECTED].bg, 25);
    ck_assert_uint_eq(def.role[ROLE_ROW_SELECTED].attrs, THEME_A_BOLD | THEME_A_UNDERLINE);
    ck_assert_int_eq(def.line[ROLE_ROW_SELECTED], 3);
    ck_assert_int_eq(def.role[ROLE_YAML_KEY].fg, 6);
    ck_assert_int_eq(def.role[ROLE_YAML_KEY].bg, THEME_COLOR_DEFAULT);
    ck_assert_int_eq(def.role[ROLE_ERROR].fg, 196);
    ck_assert_uint_eq(def.role[ROLE_ERROR].attrs, 0);
    /* Roles not named keep the built-in default and are not marked set. */
    ck_assert(!def.set[ROLE_HEADER]);
    theme_style h = color_role_default(ROLE_HEADER);
    ck_assert_int_eq(def.role[ROLE_HEADER].fg, h.fg);
    ck_assert_int_eq(def.role[ROLE_HEADER].bg, h.bg);
}
END_TEST

static void expect_error(const char *text, const char *want)
{
    theme_def def;
    mp_err err = {""};
    ck_assert_int_eq(parse_str(text, &def, &err), -1);
    ck_assert_msg(strstr(err.msg, want) != NULL, "error \"%s\" lacks \"%s\"", err.msg, want);
    ck_assert_msg(strchr(err.msg, '\n') == NULL, "error is not one line: %s", err.msg);
}

START_TEST(bad_lines_give_file_line_errors)
{
    expect_error("row = default default\nhedaer = red blue\n",
                 "t.theme:2: unknown role \"hedaer\"");
    expect_error("header = purple blue", "t.theme:1: role header: unknown colour \"purple\"");
    expect_error("header = red 256", "t.theme:1: role header: unknown colour \"256\"");
    expect_error("header = red -1", "unknown colour \"-1\"");
    expect_error("header = red blue blinking",
                 "t.theme:1: role header: unknown attribute \"blinking\"");
    expect_error("\n\nheader red blue", "t.theme:3: expected \"role = fg bg [attr ...]\"");
    expect_error("header = red",
                 "t.theme:1: role header needs a foreground and a background colour");
    expect_error("header = red blue\n# x\nheader = red blue",
                 "t.theme:3: role header already set on line 1");
    char big[700];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    expect_error(big, "t.theme:1: line longer than");
}
END_TEST

START_TEST(colour_names)
{
    ck_assert_int_eq(theme_color_from_name("default"), THEME_COLOR_DEFAULT);
    ck_assert_int_eq(theme_color_from_name("black"), 0);
    ck_assert_int_eq(theme_color_from_name("WHITE"), 7);
    ck_assert_int_eq(theme_color_from_name("bright-red"), 9);
    ck_assert_int_eq(theme_color_from_name("brightred"), 9);
    ck_assert_int_eq(theme_color_from_name("bright_white"), 15);
    ck_assert_int_eq(theme_color_from_name("grey"), 8);
    ck_assert_int_eq(theme_color_from_name("0"), 0);
    ck_assert_int_eq(theme_color_from_name("255"), 255);
    ck_assert_int_eq(theme_color_from_name("256"), -2);
    ck_assert_int_eq(theme_color_from_name("12x"), -2);
    ck_assert_int_eq(theme_color_from_name("0007"), -2);
    ck_assert_int_eq(theme_color_from_name("brightpink"), -2);
}
END_TEST

START_TEST(colour_count_and_no_color)
{
    ck_assert_int_eq(theme_colors_for(256, NULL), 256);
    ck_assert_int_eq(theme_colors_for(16777216, ""), 256); /* empty NO_COLOR is ignored */
    ck_assert_int_eq(theme_colors_for(256, "1"), 0);
    ck_assert_int_eq(theme_colors_for(88, NULL), 16);
    ck_assert_int_eq(theme_colors_for(16, NULL), 16);
    ck_assert_int_eq(theme_colors_for(8, NULL), 8);
    ck_assert_int_eq(theme_colors_for(2, NULL), 0);
    ck_assert_int_eq(theme_colors_for(-1, NULL), 0);
}
END_TEST

START_TEST(degradation_mapping)
{
    unsigned a = 0;
    /* 256: untouched. */
    ck_assert_int_eq(theme_color_degrade(117, 256, &a), 117);
    /* 16: cube and greys go to the nearest ANSI colour. */
    ck_assert_int_eq(theme_color_degrade(196, 16, NULL), 9); /* ff0000 */
    ck_assert_int_eq(theme_color_degrade(46, 16, NULL), 10); /* 00ff00 */
    ck_assert_int_eq(theme_color_degrade(21, 16, NULL), 4);  /* 0000ff */
    ck_assert_int_eq(theme_color_degrade(232, 16, NULL), 0); /* near black */
    ck_assert_int_eq(theme_color_degrade(255, 16, NULL), 7); /* eeeeee */
    ck_assert_int_eq(theme_color_degrade(244, 16, NULL), 8); /* 808080 */
    ck_assert_int_eq(theme_color_degrade(12, 16, NULL), 12);
    /* 8: bright folds to base + bold (foreground only). */
    a = 0;
    ck_assert_int_eq(theme_color_degrade(9, 8, &a), 1);
    ck_assert_uint_eq(a, THEME_A_BOLD);
    ck_assert_int_eq(theme_color_degrade(14, 8, NULL), 6);
    ck_assert_int_eq(theme_color_degrade(196, 8, NULL), 1);
    ck_assert_int_eq(theme_color_degrade(3, 8, NULL), 3);
    /* Monochrome and the default colour. */
    ck_assert_int_eq(theme_color_degrade(9, 0, NULL), THEME_COLOR_DEFAULT);
    ck_assert_int_eq(theme_color_degrade(THEME_COLOR_DEFAULT, 256, NULL), THEME_COLOR_DEFAULT);
}
END_TEST

START_TEST(style_degradation)
{
    theme_style sel = {0, 14, 0};
    theme_style s = theme_style_degrade(ROLE_ROW_SELECTED, sel, 8);
    ck_assert_int_eq(s.fg, 0);
    ck_assert_int_eq(s.bg, 6);
    s = theme_style_degrade(ROLE_ROW_SELECTED, sel, 0);
    ck_assert_int_eq(s.fg, THEME_COLOR_DEFAULT);
    ck_assert_int_eq(s.bg, THEME_COLOR_DEFAULT);
    ck_assert(s.attrs & THEME_A_REVERSE); /* the selection stays visible */
    /* Grey text on the terminal's background: default colour, dim, with 8
     * colours (black would vanish on dark terminals, white on light ones);
     * 16 colours keep a grey. */
    theme_style border = {240, THEME_COLOR_DEFAULT, 0};
    s = theme_style_degrade(ROLE_PANE_BORDER, border, 8);
    ck_assert_int_eq(s.fg, THEME_COLOR_DEFAULT);
    ck_assert_uint_eq(s.attrs, THEME_A_DIM);
    s = theme_style_degrade(ROLE_PANE_BORDER, border, 16);
    ck_assert_int_eq(s.fg, 8);
    theme_style grey_on_bar = {244, 0, 0};
    s = theme_style_degrade(ROLE_STATUS, grey_on_bar, 8);
    ck_assert_int_eq(s.fg, 7); /* a real background: nearest colour as usual */
    /* White on light grey collapses to 7 on 7 with 8 colours: readable fix. */
    theme_style grey = {15, 7, 0};
    s = theme_style_degrade(ROLE_DIALOG, grey, 8);
    ck_assert_int_eq(s.bg, 7);
    ck_assert_int_eq(s.fg, 0);
    /* Roles that mark where you are stay distinguishable from plain rows
     * in monochrome, and from each other. */
    static const color_role marks[] = {ROLE_ROW_SELECTED, ROLE_ROW_SELECTED_INACTIVE,
                                       ROLE_TAB_ACTIVE,   ROLE_SEARCH_MATCH,
                                       ROLE_HEADER,       ROLE_STATUS_ERROR};
    unsigned row = theme_style_degrade(ROLE_ROW, color_role_default(ROLE_ROW), 0).attrs;
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
        unsigned m = theme_style_degrade(marks[i], color_role_default(marks[i]), 0).attrs;
        ck_assert_msg(m != row, "role %s looks like a row in monochrome",
                      color_role_name(marks[i]));
    }
    ck_assert_uint_ne(theme_style_degrade(ROLE_ROW_SELECTED, sel, 0).attrs,
                      theme_style_degrade(ROLE_ROW_SELECTED_INACTIVE,
                                          color_role_default(ROLE_ROW_SELECTED_INACTIVE), 0)
                          .attrs);
}
END_TEST

/* A temporary directory with a themes dir and files in it. */
static char tmpdir[64];

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void remove_dirs(void)
{
    if (tmpdir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        ck_assert_int_eq(system(cmd), 0);
    }
}

static void setup_dirs(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/mp-theme-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    char p[256];
    snprintf(p, sizeof p, "%s/env", tmpdir);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/xdg", tmpdir);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/xdg/meshpanel", tmpdir);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/xdg/meshpanel/themes", tmpdir);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/env/mine.theme", tmpdir);
    write_file(p, "row_selected = red blue\n");
    snprintf(p, sizeof p, "%s/xdg/meshpanel/themes/mine.theme", tmpdir);
    write_file(p, "row_selected = green blue\n");
    snprintf(p, sizeof p, "%s/xdg/meshpanel/themes/xdgonly.theme", tmpdir);
    write_file(p, "row_selected = yellow blue\n");
    snprintf(p, sizeof p, "%s/xdg/meshpanel/themes/broken.theme", tmpdir);
    write_file(p, "header = red blue\nrow = red\n");
    snprintf(p, sizeof p, "%s/env", tmpdir);
    setenv("MESHPANEL_THEMES_DIR", p, 1);
    snprintf(p, sizeof p, "%s/xdg", tmpdir);
    setenv("XDG_CONFIG_HOME", p, 1);
}

START_TEST(resolution_order_and_load_errors)
{
    setup_dirs();
    mp_err err = {""};
    theme *t = theme_load("mine", &err);
    ck_assert_msg(t != NULL, "%s", err.msg);
    ck_assert_int_eq(theme_styles(t)->role[ROLE_ROW_SELECTED].fg, 1); /* env dir wins */
    ck_assert(strstr(theme_source(t), "/env/mine.theme") != NULL);
    theme_free(t);
    t = theme_load("xdgonly", &err);
    ck_assert_msg(t != NULL, "%s", err.msg);
    ck_assert_int_eq(theme_styles(t)->role[ROLE_ROW_SELECTED].fg, 3);
    theme_free(t);
    /* The bundled themes are found in the source tree. */
    t = theme_load("light", &err);
    ck_assert_msg(t != NULL, "%s", err.msg);
    ck_assert(strstr(theme_source(t), "themes/light.theme") != NULL);
    theme_free(t);
    /* A path. */
    char p[256];
    snprintf(p, sizeof p, "%s/env/mine.theme", tmpdir);
    t = theme_load(p, &err);
    ck_assert_ptr_nonnull(t);
    theme_free(t);
    /* Errors. */
    ck_assert_ptr_null(theme_load("nosuch", &err));
    ck_assert_msg(strstr(err.msg, "theme \"nosuch\" not found (looked in ") != NULL, "%s", err.msg);
    ck_assert(strstr(err.msg, "/env") && strstr(err.msg, "/xdg/meshpanel/themes"));
    ck_assert_ptr_null(theme_load("broken", &err));
    ck_assert_msg(strstr(err.msg, "broken.theme:2: role row needs a foreground") != NULL, "%s",
                  err.msg);
    ck_assert_ptr_null(theme_load("/nonexistent/x.theme", &err));
    ck_assert_str_eq(err.msg, "/nonexistent/x.theme: no such theme file");
}
END_TEST

START_TEST(builtin_theme_before_apply)
{
    setup_dirs();
    mp_err err = {""};
    theme *t = theme_load(NULL, &err); /* repo default.theme */
    ck_assert_ptr_nonnull(t);
    theme_free(t);
    t = theme_builtin();
    ck_assert_str_eq(theme_source(t), "built-in");
    /* Before theme_apply: monochrome attributes, no colour pair. */
    ck_assert(theme_attr(t, ROLE_ROW_SELECTED) & A_REVERSE);
    ck_assert_int_eq(PAIR_NUMBER(theme_attr(t, ROLE_ROW_SELECTED)), 0);
    theme_free(t);
}
END_TEST

/* Real curses, rendering to /dev/null: pairs hold the degraded colours. */
static SCREEN *screen;
static FILE *screen_out, *screen_in;

static void open_screen(const char *term)
{
    screen_out = fopen("/dev/null", "w");
    screen_in = fopen("/dev/null", "r");
    screen = newterm(term, screen_out, screen_in);
    ck_assert_ptr_nonnull(screen);
    start_color();
}

static void close_screen(void)
{
    endwin();
    delscreen(screen);
    fclose(screen_out);
    fclose(screen_in);
}

static void pair_of(const theme *t, color_role r, short *fg, short *bg)
{
    short p = (short)PAIR_NUMBER(theme_attr(t, r));
    ck_assert_int_ne(p, 0);
    ck_assert_int_eq(pair_content(p, fg, bg), OK);
}

START_TEST(apply_on_256_and_8_colour_terminals)
{
    unsetenv("NO_COLOR");
    open_screen("xterm-256color");
    ck_assert_int_ge(COLORS, 256);
    theme *t = theme_builtin();
    theme_apply(t, COLORS);
    ck_assert_int_eq(theme_ncolors(t), 256);
    short fg, bg;
    pair_of(t, ROLE_HEADER, &fg, &bg);
    ck_assert_int_eq(fg, 15);
    ck_assert_int_eq(bg, 24);
    ck_assert(theme_attr(t, ROLE_HEADER) & A_BOLD);
    /* Roles with equal colours share a pair. */
    ck_assert_int_eq(PAIR_NUMBER(theme_attr(t, ROLE_ROW_SELECTED)),
                     PAIR_NUMBER(theme_attr(t, ROLE_TAB_ACTIVE)));
    /* Same terminal told to use 8 colours: bright cyan -> cyan. */
    theme_apply(t, 8);
    pair_of(t, ROLE_ROW_SELECTED, &fg, &bg);
    ck_assert_int_eq(fg, 0);
    ck_assert_int_eq(bg, 6);
    pair_of(t, ROLE_ERROR, &fg, &bg);
    ck_assert_int_eq(fg, 1);
    ck_assert(theme_attr(t, ROLE_ERROR) & A_BOLD);
    theme_free(t);
    close_screen();
}
END_TEST

START_TEST(no_color_means_attributes_only)
{
    setenv("NO_COLOR", "1", 1);
    open_screen("xterm-256color");
    theme *t = theme_builtin();
    theme_apply(t, COLORS);
    ck_assert_int_eq(theme_ncolors(t), 0);
    for (int r = 0; r < COLOR_ROLE_COUNT; r++)
        ck_assert_int_eq(PAIR_NUMBER(theme_attr(t, r)), 0);
    ck_assert(theme_attr(t, ROLE_ROW_SELECTED) & A_REVERSE);
    ck_assert(theme_attr(t, ROLE_ERROR) & A_UNDERLINE);
    theme_free(t);
    close_screen();
    unsetenv("NO_COLOR");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("theme");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, bundled_themes_define_every_role);
    tcase_add_test(tc, default_file_matches_builtin_table);
    tcase_add_test(tc, mono_theme_uses_no_colours);
    tcase_add_checked_fixture(tc, NULL, remove_dirs);
    tcase_add_test(tc, role_names_round_trip);
    tcase_add_test(tc, parses_lines_comments_and_partial_themes);
    tcase_add_test(tc, bad_lines_give_file_line_errors);
    tcase_add_test(tc, colour_names);
    tcase_add_test(tc, colour_count_and_no_color);
    tcase_add_test(tc, degradation_mapping);
    tcase_add_test(tc, style_degradation);
    tcase_add_test(tc, resolution_order_and_load_errors);
    tcase_add_test(tc, builtin_theme_before_apply);
    tcase_add_test(tc, apply_on_256_and_8_colour_terminals);
    tcase_add_test(tc, no_color_means_attributes_only);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
