/* test_config.c - config.yaml settings, key names, file resolution. */
#include <check.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tui/config.h"

static int parse(mp_config *cfg, const char *text, mp_err *err)
{
    ck_assert_int_eq(config_init(cfg), 0);
    return config_parse(cfg, text, strlen(text), "config.yaml", err);
}

START_TEST(defaults)
{
    mp_config cfg;
    mp_err err = {""};
    ck_assert_int_eq(parse(&cfg, "", &err), 0);
    ck_assert_str_eq(cfg.tenant_prefix, "ns-");
    ck_assert_ptr_null(cfg.theme);
    ck_assert_ptr_null(cfg.gateway_mode);
    ck_assert(!cfg.read_only_set);
    ck_assert_int_eq(cfg.refresh_seconds, 0);
    ck_assert_uint_eq(cfg.nkeys, 0);
    config_free(&cfg);
}
END_TEST

START_TEST(all_settings)
{
    mp_config cfg;
    mp_err err = {""};
    const char *text = "theme: light\n"
                       "gatewayMode: shared\n"
                       "sharedGateway: istio-system/sealos-gateway\n"
                       "domainSuffix: cluster.example\n"
                       "tenantPrefix: user-\n"
                       "readOnly: true\n"
                       "refreshSeconds: 5\n"
                       "keys:\n"
                       "  quit: [q, \"C-c\"]\n"
                       "  down: [j, Down, <PgDn>]\n"
                       "  help: F1\n"
                       "  nosuchaction: [x]\n";
    ck_assert_msg(parse(&cfg, text, &err) == 0, "%s", err.msg);
    ck_assert_str_eq(cfg.theme, "light");
    ck_assert_str_eq(cfg.gateway_mode, "shared");
    ck_assert_str_eq(cfg.shared_gateway, "istio-system/sealos-gateway");
    ck_assert_str_eq(cfg.domain_suffix, "cluster.example");
    ck_assert_str_eq(cfg.tenant_prefix, "user-");
    ck_assert(cfg.read_only && cfg.read_only_set);
    ck_assert_int_eq(cfg.refresh_seconds, 5);
    ck_assert_uint_eq(cfg.nkeys, 4);
    ck_assert_str_eq(cfg.keys[0].action, "quit");
    ck_assert_uint_eq(cfg.keys[0].nkeys, 2);
    ck_assert_int_eq(cfg.keys[0].keys[0], 'q');
    ck_assert_int_eq(cfg.keys[0].keys[1], 3);
    ck_assert_int_eq(cfg.keys[0].line, 9);
    ck_assert_int_eq(cfg.keys[1].keys[1], KEY_DOWN);
    ck_assert_int_eq(cfg.keys[1].keys[2], KEY_NPAGE);
    ck_assert_uint_eq(cfg.keys[2].nkeys, 1);
    ck_assert_int_eq(cfg.keys[2].keys[0], KEY_F(1));
    /* Unknown actions are kept raw for the console to report, with a line. */
    ck_assert_str_eq(cfg.keys[3].action, "nosuchaction");
    ck_assert_int_eq(cfg.keys[3].line, 12);
    config_free(&cfg);
}
END_TEST

static void expect_error(const char *text, const char *want)
{
    mp_config cfg;
    mp_err err = {""};
    ck_assert_int_eq(parse(&cfg, text, &err), -1);
    ck_assert_msg(strstr(err.msg, want) != NULL, "error \"%s\" lacks \"%s\"", err.msg, want);
    ck_assert(strchr(err.msg, '\n') == NULL);
    /* cfg is untouched by a failed parse. */
    ck_assert_str_eq(cfg.tenant_prefix, "ns-");
    ck_assert_ptr_null(cfg.theme);
    config_free(&cfg);
}

START_TEST(bad_values)
{
    expect_error("theme: dark\nthem: x\n", "config.yaml:2: unknown key \"them\" (theme,");
    expect_error("gatewayMode: per-tenant\n",
                 "config.yaml:1: gatewayMode: expected tenant or shared");
    expect_error("sharedGateway: sealos-gateway\n",
                 "config.yaml:1: sharedGateway: expected NAMESPACE/NAME");
    expect_error("sharedGateway: a/b/c\n", "sharedGateway: expected NAMESPACE/NAME");
    expect_error("readOnly: maybe\n", "config.yaml:1: readOnly: expected true or false");
    expect_error("refreshSeconds: 0\n",
                 "refreshSeconds: expected a whole number of seconds, 1 to 3600");
    expect_error("refreshSeconds: \"5\"\n", "refreshSeconds: expected a whole number");
    expect_error("theme: 3\n", "config.yaml:1: theme: expected a non-empty string");
    expect_error("theme: [a]\n", "theme: expected a non-empty string");
    expect_error("keys: [q]\n", "keys: expected a map of action: [key, ...]");
    expect_error("keys:\n  quit: [q, Ctrl-q]\n",
                 "config.yaml:2: keys.quit: unknown key name \"Ctrl-q\"");
    expect_error("keys:\n  quit: []\n", "keys.quit: empty list");
    expect_error("keys:\n  yaml: [y]\n",
                 "config.yaml:2: keys.yaml: true is a YAML boolean here; quote");
    expect_error("- a\n- b\n", "config.yaml:1: expected a map of settings");
    expect_error("a: 1\n---\nb: 2\n", "config.yaml: 2 YAML documents");
    expect_error("theme: [unclosed\n", "config.yaml");
}
END_TEST

START_TEST(quoted_y_is_a_key)
{
    mp_config cfg;
    mp_err err = {""};
    ck_assert_msg(parse(&cfg, "keys:\n  yaml: [\"y\"]\n  next: \"n\"\n", &err) == 0, "%s", err.msg);
    ck_assert_int_eq(cfg.keys[0].keys[0], 'y');
    ck_assert_int_eq(cfg.keys[1].keys[0], 'n');
    config_free(&cfg);
}
END_TEST

START_TEST(key_names)
{
    ck_assert_int_eq(key_from_name("j"), 'j');
    ck_assert_int_eq(key_from_name("G"), 'G');
    ck_assert_int_eq(key_from_name("/"), '/');
    ck_assert_int_eq(key_from_name("C-r"), 18);
    ck_assert_int_eq(key_from_name("C-R"), 18);
    ck_assert_int_eq(key_from_name("Tab"), '\t');
    ck_assert_int_eq(key_from_name("S-Tab"), KEY_BTAB);
    ck_assert_int_eq(key_from_name("enter"), '\n');
    ck_assert_int_eq(key_from_name("Esc"), 27);
    ck_assert_int_eq(key_from_name("Up"), KEY_UP);
    ck_assert_int_eq(key_from_name("Down"), KEY_DOWN);
    ck_assert_int_eq(key_from_name("Left"), KEY_LEFT);
    ck_assert_int_eq(key_from_name("Right"), KEY_RIGHT);
    ck_assert_int_eq(key_from_name("PgUp"), KEY_PPAGE);
    ck_assert_int_eq(key_from_name("PgDn"), KEY_NPAGE);
    ck_assert_int_eq(key_from_name("Home"), KEY_HOME);
    ck_assert_int_eq(key_from_name("End"), KEY_END);
    ck_assert_int_eq(key_from_name("F1"), KEY_F(1));
    ck_assert_int_eq(key_from_name("F12"), KEY_F(12));
    ck_assert_int_eq(key_from_name("Space"), ' ');
    ck_assert_int_eq(key_from_name("<Down>"), KEY_DOWN);
    ck_assert_int_eq(key_from_name("F13"), -1);
    ck_assert_int_eq(key_from_name("F0"), -1);
    ck_assert_int_eq(key_from_name("F01"), -1);
    ck_assert_int_eq(key_from_name("C-1"), -1);
    ck_assert_int_eq(key_from_name("Ctrl-r"), -1);
    ck_assert_int_eq(key_from_name(""), -1);
    ck_assert_int_eq(key_from_name("\x1b"), -1);
    ck_assert_int_eq(key_from_name("é"), -1);
}
END_TEST

START_TEST(key_names_round_trip)
{
    static const char *const names[] = {"j",     "G",     "?",   "C-r",       "Tab",
                                        "S-Tab", "Enter", "Esc", "Space",     "Up",
                                        "PgDn",  "Home",  "F5",  "Backspace", "C-c"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char buf[32];
        int code = key_from_name(names[i]);
        ck_assert_int_ge(code, 0);
        ck_assert_str_eq(key_to_name(code, buf, sizeof buf), names[i]);
    }
    char buf[32];
    ck_assert_str_eq(key_to_name(KEY_MOUSE, buf, sizeof buf), "<409>");
}
END_TEST

static char tmpdir[64];

static void remove_dirs(void)
{
    if (tmpdir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        ck_assert_int_eq(system(cmd), 0);
    }
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

START_TEST(load_from_xdg_env_and_home)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/mp-config-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    char p[256];
    snprintf(p, sizeof p, "%s/meshpanel", tmpdir);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/meshpanel/config.yaml", tmpdir);
    write_file(p, "theme: mono\n");
    unsetenv("MESHPANEL_CONFIG");
    setenv("XDG_CONFIG_HOME", tmpdir, 1);

    mp_config cfg;
    mp_err err = {""};
    ck_assert_msg(config_load(&cfg, &err) == 0, "%s", err.msg);
    ck_assert_str_eq(cfg.theme, "mono");
    ck_assert_str_eq(cfg.path, p);
    config_free(&cfg);

    /* MESHPANEL_CONFIG wins; a bad file is an error naming it. */
    snprintf(p, sizeof p, "%s/other.yaml", tmpdir);
    write_file(p, "theme: light\nreadOnly: sometimes\n");
    setenv("MESHPANEL_CONFIG", p, 1);
    ck_assert_int_eq(config_load(&cfg, &err), -1);
    ck_assert(strstr(err.msg, "other.yaml:2: readOnly: expected true or false") != NULL);
    config_free(&cfg);

    /* An explicit missing file is an error; a missing default file is not. */
    setenv("MESHPANEL_CONFIG", "/nonexistent/meshpanel.yaml", 1);
    ck_assert_int_eq(config_load(&cfg, &err), -1);
    ck_assert(strstr(err.msg, "/nonexistent/meshpanel.yaml") != NULL);
    config_free(&cfg);
    unsetenv("MESHPANEL_CONFIG");
    unsetenv("XDG_CONFIG_HOME");
    setenv("HOME", tmpdir, 1); /* no .config/meshpanel/config.yaml under it */
    ck_assert_int_eq(config_load(&cfg, &err), 0);
    ck_assert_ptr_null(cfg.path);
    ck_assert_str_eq(cfg.tenant_prefix, "ns-");
    char path[512];
    config_path(path, sizeof path);
    snprintf(p, sizeof p, "%s/.config/meshpanel/config.yaml", tmpdir);
    ck_assert_str_eq(path, p);
    config_free(&cfg);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, NULL, remove_dirs);
    tcase_add_test(tc, defaults);
    tcase_add_test(tc, all_settings);
    tcase_add_test(tc, bad_values);
    tcase_add_test(tc, quoted_y_is_a_key);
    tcase_add_test(tc, key_names);
    tcase_add_test(tc, key_names_round_trip);
    tcase_add_test(tc, load_from_xdg_env_and_home);
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
