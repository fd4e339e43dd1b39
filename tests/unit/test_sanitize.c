/* test_sanitize.c - hostile strings never reach the screen; widths are right. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "model/sanitize.h"

static char *clean(const char *s, unsigned flags)
{
    return san_clean(s, strlen(s), flags);
}

#define ASSERT_CLEAN(in, flags, want)                                                              \
    do {                                                                                           \
        char *got_ = clean(in, flags);                                                             \
        ck_assert_ptr_nonnull(got_);                                                               \
        ck_assert_str_eq(got_, want);                                                              \
        free(got_);                                                                                \
    } while (0)

/* No byte of the output may be a C0 control, DEL, ESC or a C1 (raw or U+0080-U+009F). */
static void assert_no_controls(const char *s, unsigned flags)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; u[i]; i++) {
        if (u[i] == '\t' && (flags & SAN_KEEP_TAB))
            continue;
        if (u[i] == '\n' && (flags & SAN_KEEP_NEWLINE))
            continue;
        ck_assert_msg(u[i] >= 0x20 && u[i] != 0x7f, "control byte 0x%02x at %zu", u[i], i);
        ck_assert_msg(!(u[i] == 0xc2 && u[i + 1] >= 0x80 && u[i + 1] <= 0x9f), "C1 at %zu", i);
    }
}

START_TEST(osc52_clipboard_is_removed_whole)
{
    /* BEL-terminated and ST-terminated OSC 52 (clipboard write). */
    ASSERT_CLEAN("a\x1b]52;c;ZWNobyBwd25lZA==\x07z", 0, "az");
    ASSERT_CLEAN("a\x1b]52;c;ZWNobyBwd25lZA==\x1b\\z", 0, "az");
    /* OSC 8 hyperlink: the link text stays, the escape goes. */
    ASSERT_CLEAN("\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", 0, "click");
}
END_TEST

START_TEST(csi_sequences_are_removed)
{
    ASSERT_CLEAN("before\x1b[2Jafter", 0, "beforeafter");
    ASSERT_CLEAN("\x1b[31;1mred\x1b[0m", 0, "red");
    ASSERT_CLEAN("\x1b[?1049h\x1b[H", 0, "");
    /* 8-bit CSI, raw and UTF-8 encoded (U+009B). */
    ASSERT_CLEAN("x\x9b"
                 "2Jy",
                 0, "xy");
    ASSERT_CLEAN("x\xc2\x9b"
                 "2Jy",
                 0, "xy");
    /* Charset designation and two-byte escapes. */
    ASSERT_CLEAN("a\x1b(0b\x1b"
                 "7c\x1b"
                 "8",
                 0, "abc");
}
END_TEST

START_TEST(string_controls_are_removed)
{
    ASSERT_CLEAN("a\x1bP1$r0m\x1b\\b", 0, "ab");       /* DCS */
    ASSERT_CLEAN("a\x1b_apc payload\x1b\\b", 0, "ab"); /* APC */
    ASSERT_CLEAN("a\x1b^pm\x1b\\b\x1bXsos\x1b\\c", 0, "abc");
    ASSERT_CLEAN("a\xc2\x9d"
                 "0;title\xc2\x9c"
                 "b",
                 0, "ab"); /* C1 OSC ... ST */
    /* Raw 0x9d/0x9c are stray bytes (invalid UTF-8), not a string opener. */
    ASSERT_CLEAN("a\x9d"
                 "0;t\x9c"
                 "b",
                 0,
                 "a\xef\xbf\xbd"
                 "0;t\xef\xbf\xbd"
                 "b");
    /* Unterminated: the rest of the input is swallowed, not shown. */
    ASSERT_CLEAN("ok\x1b]52;c;AAAA never ends", 0, "ok");
    ASSERT_CLEAN("ok\x1bP unterminated dcs", 0, "ok");
    ASSERT_CLEAN("trailing\x1b", 0, "trailing");
}
END_TEST

START_TEST(c0_c1_del_and_whitespace)
{
    ASSERT_CLEAN("a\x07"
                 "b\x08"
                 "c\x7f"
                 "d\x00"
                 "e",
                 0, "abcd"); /* NUL ends strlen */
    char *got = san_clean("a\0b", 3, 0);
    ck_assert_str_eq(got, "ab");
    free(got);
    ASSERT_CLEAN("a\xc2\x85"
                 "b\xc2\x94"
                 "c",
                 0, "abc"); /* NEL, CCH */
    ASSERT_CLEAN("a\x85"
                 "b",
                 0,
                 "a\xef\xbf\xbd"
                 "b"); /* raw: invalid UTF-8 */
    ASSERT_CLEAN("a\tb\nc\r\n", 0, "a b c ");
    ASSERT_CLEAN("a\tb\nc\r\n", SAN_KEEP_TAB, "a\tb c ");
    ASSERT_CLEAN("a\tb\nc\r\n", SAN_KEEP_NEWLINE, "a b\nc\n");
    ASSERT_CLEAN("a\tb\nc", SAN_KEEP_TAB | SAN_KEEP_NEWLINE, "a\tb\nc");
}
END_TEST

START_TEST(bidi_controls_are_stripped)
{
    /* "evil\u202Emoc.elgoog" would display as "evilgoogle.com". */
    ASSERT_CLEAN("evil\xe2\x80\xaemoc.elgoog.example", 0, "evilmoc.elgoog.example");
    ASSERT_CLEAN("\xe2\x81\xa6x\xe2\x81\xa9\xe2\x80\x8f\xd8\x9c", 0, "x"); /* LRI PDI RLM ALM */
    /* Letters of right-to-left scripts are kept. */
    ASSERT_CLEAN("\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d", 0, "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d");
}
END_TEST

START_TEST(invalid_utf8_becomes_replacement)
{
    ASSERT_CLEAN("caf\xe9!", 0, "caf\xef\xbf\xbd!");                         /* Latin-1 byte */
    ASSERT_CLEAN("\xc0\xaf", 0, "\xef\xbf\xbd\xef\xbf\xbd");                 /* overlong '/' */
    ASSERT_CLEAN("\xed\xa0\x80", 0, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* surrogate */
    ASSERT_CLEAN("\xf4\x90\x80\x80", 0,
                 "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* > U+10FFFF */
    ASSERT_CLEAN("ab\xe6\xbc", 0, "ab\xef\xbf\xbd");                  /* truncated */
    ASSERT_CLEAN("\xff\xfe", 0, "\xef\xbf\xbd\xef\xbf\xbd");
    /* Valid multi-byte text survives byte for byte. */
    ASSERT_CLEAN("日本語 é 🚀", 0, "日本語 é 🚀");
}
END_TEST

START_TEST(output_has_no_controls_for_all_byte_pairs)
{
    /* Every 3-byte string over an interesting alphabet comes out clean and
     * valid, and cleaning is idempotent. */
    static const unsigned char alpha[] = {0x1b, '[',  ']',  'P',  '\\', 0x07, 0x9b, 0x9c, 0xc2,
                                          0x80, 0xe2, 0x80, 0xae, 'a',  '\t', '\n', 0x7f, 0xff};
    size_t n = sizeof alpha;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            for (size_t k = 0; k < n; k++) {
                char in[3] = {(char)alpha[i], (char)alpha[j], (char)alpha[k]};
                char *out = san_clean(in, 3, 0);
                assert_no_controls(out, 0);
                ck_assert(san_is_clean(out, strlen(out), 0));
                char *again = san_clean(out, strlen(out), 0);
                ck_assert_str_eq(again, out);
                free(again);
                free(out);
            }
}
END_TEST

START_TEST(is_clean_detects_every_change)
{
    ck_assert(san_is_clean("plain host.example.com", 22, 0));
    ck_assert(san_is_clean("日本語", strlen("日本語"), 0));
    ck_assert(!san_is_clean("a\tb", 3, 0));
    ck_assert(san_is_clean("a\tb", 3, SAN_KEEP_TAB));
    ck_assert(!san_is_clean("a\x1b[2J", 5, 0));
    ck_assert(!san_is_clean("caf\xe9", 4, 0));
    ck_assert(!san_is_clean("a\xe2\x80\xae", 4, 0));
}
END_TEST

START_TEST(code_point_widths)
{
    ck_assert_int_eq(san_cp_width('a'), 1);
    ck_assert_int_eq(san_cp_width(0x1b), 0);
    ck_assert_int_eq(san_cp_width(0x9b), 0);
    ck_assert_int_eq(san_cp_width(0x0301), 0);  /* combining acute */
    ck_assert_int_eq(san_cp_width(0x20dd), 0);  /* enclosing circle (Me) */
    ck_assert_int_eq(san_cp_width(0x200b), 0);  /* zero width space */
    ck_assert_int_eq(san_cp_width(0x00ad), 1);  /* soft hyphen is drawn */
    ck_assert_int_eq(san_cp_width(0x4e2d), 2);  /* 中 */
    ck_assert_int_eq(san_cp_width(0xac00), 2);  /* 가 */
    ck_assert_int_eq(san_cp_width(0x1160), 0);  /* Hangul jungseong filler */
    ck_assert_int_eq(san_cp_width(0xff21), 2);  /* fullwidth A */
    ck_assert_int_eq(san_cp_width(0xff61), 1);  /* halfwidth ideographic full stop */
    ck_assert_int_eq(san_cp_width(0x1f680), 2); /* rocket */
    ck_assert_int_eq(san_cp_width(0x20000), 2); /* CJK ext B */
    ck_assert_int_eq(san_cp_width(0x00e9), 1);
    ck_assert_int_eq(san_cp_width(0x2026), 1); /* the ellipsis we draw */
}
END_TEST

START_TEST(string_widths)
{
    ck_assert_uint_eq(san_widths("host.example.com"), 16);
    ck_assert_uint_eq(san_widths("日本語"), 6);
    ck_assert_uint_eq(san_widths("e\xcc\x81"), 1); /* e + combining acute */
    ck_assert_uint_eq(san_widths("🚀 go"), 5);
    ck_assert_uint_eq(san_widths("\xff"), 1); /* shown as U+FFFD */
    ck_assert_uint_eq(san_widths(""), 0);
}
END_TEST

START_TEST(prefix_fit_keeps_characters_whole)
{
    size_t w;
    const char *s = "a日b";
    ck_assert_uint_eq(san_prefix_fit(s, strlen(s), 2, &w), 1); /* 日 does not fit */
    ck_assert_uint_eq(w, 1);
    ck_assert_uint_eq(san_prefix_fit(s, strlen(s), 3, &w), 4);
    ck_assert_uint_eq(w, 3);
    const char *comb = "ae\xcc\x81z";                                /* a é z */
    ck_assert_uint_eq(san_prefix_fit(comb, strlen(comb), 2, &w), 4); /* mark stays with e */
    ck_assert_uint_eq(w, 2);
}
END_TEST

static void check_trunc(const char *in, size_t cols, const char *want)
{
    char *got = san_truncate(in, strlen(in), cols);
    ck_assert_ptr_nonnull(got);
    ck_assert_str_eq(got, want);
    ck_assert_uint_le(san_widths(got), cols);
    free(got);
}

START_TEST(truncate_with_ellipsis)
{
    check_trunc("abcdef", 10, "abcdef");
    check_trunc("abcdef", 6, "abcdef");
    check_trunc("abcdef", 5, "abcd…");
    check_trunc("abcdef", 1, "…");
    check_trunc("abcdef", 0, "");
    check_trunc("日本語", 6, "日本語");
    check_trunc("日本語", 5, "日本…");
    check_trunc("日本語", 4, "日…"); /* 日 + … = 3 cols: 本 would straddle */
    check_trunc("日本語", 2, "…");
    check_trunc("ae\xcc\x81xyz", 3, "ae\xcc\x81…");
    check_trunc("abc\xcc\x81", 3, "abc\xcc\x81"); /* trailing mark fits in 0 columns */
}
END_TEST

START_TEST(fit_cleans_and_truncates_into_buffer)
{
    char out[64];
    size_t w = san_fit("ns-evil/\x1b]52;c;QUJD\x07web-\x1b[2Jrouter", 12, out, sizeof out);
    ck_assert_str_eq(out, "ns-evil/web…");
    ck_assert_uint_eq(w, 12);
    w = san_fit("tab\there", 20, out, sizeof out);
    ck_assert_str_eq(out, "tab here");
    ck_assert_uint_eq(w, 8);
    w = san_fit(NULL, 5, out, sizeof out);
    ck_assert_str_eq(out, "");
    ck_assert_uint_eq(w, 0);
    /* A tiny buffer cuts earlier but never splits a character. */
    char small[8];
    w = san_fit("日本語日本語", 40, small, sizeof small);
    ck_assert_str_eq(small, "日…"); /* 3 + 3 + NUL fits, 日本 + … does not */
    ck_assert_uint_eq(w, 3);
    char tiny[3];
    w = san_fit("abcdef", 40, tiny, sizeof tiny);
    ck_assert_str_eq(tiny, "ab"); /* no room for the ellipsis */
    ck_assert_uint_eq(w, 2);
}
END_TEST

START_TEST(utf8_roundtrip)
{
    uint32_t cps[] = {0x41, 0xe9, 0x4e2d, 0x1f680, 0x10ffff};
    for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
        char buf[4];
        size_t n = san_utf8_encode(cps[i], buf);
        uint32_t back;
        ck_assert_uint_eq(san_utf8_decode(buf, n, &back), n);
        ck_assert_uint_eq(back, cps[i]);
    }
    char buf[4];
    ck_assert_uint_eq(san_utf8_encode(0xd800, buf), 3); /* surrogate -> U+FFFD */
    ck_assert(memcmp(buf, "\xef\xbf\xbd", 3) == 0);
}
END_TEST

/* The sixteen- and eight-byte scans agree with a byte loop at every
 * offset and length (two sixteen-byte steps and a tail), for every byte
 * value, and san_clean returns plain text unchanged. */
START_TEST(plain_ascii_matches_byte_loop)
{
    char buf[48];
    for (int c = 0; c < 256; c++)
        for (size_t len = 0; len <= 36; len++)
            for (size_t at = 0; at < len; at++) {
                memset(buf, 'a', sizeof buf);
                buf[at] = (char)c;
                bool plain = c >= 0x20 && c < 0x7f;
                for (size_t off = 0; off < 8; off++) {
                    memmove(buf + off, buf, len);
                    if (san_is_plain_ascii(buf + off, len) != plain) /* ck_assert per call: slow */
                        ck_abort_msg("byte 0x%02x at %zu of %zu, offset %zu", c, at, len, off);
                    memmove(buf, buf + off, len);
                }
            }
    const char *s = "ingress ns-a/x: metadata.annotations[\"a\"]: ~ok~";
    char *c = san_cleans(s, 0);
    ck_assert_str_eq(c, s);
    free(c);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("sanitize");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, osc52_clipboard_is_removed_whole);
    tcase_add_test(tc, csi_sequences_are_removed);
    tcase_add_test(tc, string_controls_are_removed);
    tcase_add_test(tc, c0_c1_del_and_whitespace);
    tcase_add_test(tc, bidi_controls_are_stripped);
    tcase_add_test(tc, invalid_utf8_becomes_replacement);
    tcase_add_test(tc, output_has_no_controls_for_all_byte_pairs);
    tcase_add_test(tc, is_clean_detects_every_change);
    tcase_add_test(tc, code_point_widths);
    tcase_add_test(tc, string_widths);
    tcase_add_test(tc, prefix_fit_keeps_characters_whole);
    tcase_add_test(tc, truncate_with_ellipsis);
    tcase_add_test(tc, fit_cleans_and_truncates_into_buffer);
    tcase_add_test(tc, utf8_roundtrip);
    tcase_add_test(tc, plain_ascii_matches_byte_loop);
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
