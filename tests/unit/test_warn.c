/* test_warn.c - a finding's message is what vsnprintf writes for its format,
 * whether warn.c formats it itself (%s %d %i %u %c %% %ld %li %lu %zu) or
 * hands it to vsnprintf (anything else); long messages are not cut. */
#include <check.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/warn.h"

#define SAME(fmt, ...)                                                                             \
    do {                                                                                           \
        char want[2048];                                                                           \
        snprintf(want, sizeof want, fmt, __VA_ARGS__);                                             \
        mp_warnings w;                                                                             \
        mp_warnings_init(&w);                                                                      \
        ck_assert_int_eq(mp_warn(&w, "MP000", MP_SEV_INFO, "obj", "f", fmt, __VA_ARGS__), 0);      \
        ck_assert_str_eq(w.items[0].message, want);                                                \
        ck_assert_str_eq(w.items[0].object, "obj");                                                \
        ck_assert_str_eq(w.items[0].field, "f");                                                   \
        mp_warnings_free(&w);                                                                      \
    } while (0)

START_TEST(messages_match_vsnprintf)
{
    SAME("host %s has %d paths", "a.example.com", 3);
    SAME("%s", "");
    SAME("%d %i %d %i", INT_MIN, INT_MAX, 0, -1);
    SAME("%u %u", 0u, UINT_MAX);
    SAME("%ld %li %ld", LONG_MIN, LONG_MAX, -42L);
    SAME("%lu %lu", 0ul, ULONG_MAX);
    SAME("%zu %zu", (size_t)0, SIZE_MAX);
    SAME("100%% of %c%c", 'a', '%');
    SAME("%s%s%s", "a", "", "c");
    SAME("trailing %%%s", "x");
    SAME("no conversion at all%s", "");
    /* handed to vsnprintf */
    SAME("%5s|%-3d|%.2s|%08x|%.*s", "ab", 7, "xyz", 255u, 2, "abc");
    SAME("%lld %llu %f", -5LL, 6ULL, 1.5);
    SAME("%zd %ld %s", (ssize_t)-3, 9L, "mixed");
}
END_TEST

START_TEST(long_messages_whole)
{
    char big[1500];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    for (size_t cut = 480; cut < 540; cut++) { /* around the 512-byte first try */
        char s[1500];
        memcpy(s, big, cut);
        s[cut] = '\0';
        SAME("%s:%d:%s", s, 12345, "end");
        SAME("%s %5d", s, 7);
    }
}
END_TEST

/* mp_warning_format's line, checked against mp_warning_append's (the same
 * text after what the buffer held, and its length). */
static char *line(const char *object, const char *field, const char *message)
{
    mp_warning w = {.code = "MP101",
                    .sev = MP_SEV_WARNING,
                    .object = (char *)object,
                    .field = (char *)field,
                    .message = (char *)message};
    char *got = mp_warning_format(&w);
    strbuf sb;
    strbuf_init(&sb);
    strbuf_puts(&sb, "warning: ");
    size_t n = mp_warning_append(&sb, &w);
    ck_assert_uint_eq(n, strlen(got));
    ck_assert_uint_eq(sb.len, 9 + n);
    ck_assert_str_eq(sb.buf + 9, got);
    ck_assert(!strncmp(sb.buf, "warning: ", 9));
    strbuf_free(&sb);
    return got;
}

/* CODE[ object]: [field: ]message, a control byte (and DEL) of the cluster's
 * text shown as '?' wherever it is. */
START_TEST(lines_cleaned)
{
    static const struct {
        const char *object, *field, *message, *want;
    } c[] = {
        {"ingress a/b", "spec.x", "plain", "MP101 ingress a/b: spec.x: plain"},
        {"", "spec.x", "no object", "MP101: spec.x: no object"},
        {"ingress a/b", "", "no field", "MP101 ingress a/b: no field"},
        {"", "", "", "MP101: "},
        {NULL, NULL, "nulls", "MP101: nulls"},
        {"ingress a/\x1b[2Jb", "f\tg", "m\x7f\r\nend\x01", "MP101 ingress a/?[2Jb: f?g: m???end?"},
        {"\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b", "ok", "0123456789abcdef\x1f",
         "MP101 ?????????: ok: 0123456789abcdef?"},
        {"caf\xc3\xa9", "ok", "\xe2\x80\xae high bytes stay",
         "MP101 caf\xc3\xa9: ok: \xe2\x80\xae high bytes stay"},
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        char *got = line(c[i].object, c[i].field, c[i].message);
        ck_assert_str_eq(got, c[i].want);
        free(got);
    }
}
END_TEST

/* Only a control byte or DEL becomes '?': every byte value at the places
 * around the sixteen- and eight-byte steps of the scan, and the edge values
 * at every place of a line longer than its steps. */
static void one_byte(int b, size_t at)
{
    char msg[72];
    memset(msg, 'm', sizeof msg - 1);
    msg[sizeof msg - 1] = '\0';
    msg[at] = (char)b;
    char *got = line("ingress a/b", "f", msg);
    size_t off = strlen("MP101 ingress a/b: f: ");
    ck_assert_uint_eq(strlen(got), off + sizeof msg - 1);
    char want = b < 0x20 || b == 0x7f ? '?' : (char)b;
    ck_assert_msg(got[off + at] == want, "byte %#x at %zu: %#x", b, at,
                  (unsigned char)got[off + at]);
    for (size_t k = 0; k < sizeof msg - 1; k++)
        ck_assert(k == at || got[off + k] == 'm');
    free(got);
}

START_TEST(every_byte_everywhere)
{
    static const size_t places[] = {0,  1,  2,  7,  8,  9,  10, 25, 26,
                                    27, 41, 42, 43, 57, 58, 59, 69, 70};
    static const int edges[] = {0x01, 0x09, 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0xc3, 0xff};
    for (int b = 1; b < 256; b++)
        for (size_t i = 0; i < sizeof places / sizeof *places; i++)
            one_byte(b, places[i]);
    for (size_t e = 0; e < sizeof edges / sizeof *edges; e++)
        for (size_t at = 0; at < 71; at++)
            one_byte(edges[e], at);
}
END_TEST

/* Lines of every length from 7 to 79 bytes (shorter than one step, whole
 * steps of sixteen and thirty-two, a tail the last step reads again), a
 * control byte at each place of the message and one at the end, or in the
 * object: each becomes '?'. */
START_TEST(cleaned_at_every_length)
{
    for (size_t len = 0; len < 71; len++)
        for (size_t at = 0; at <= len; at++)
            for (int in_object = 0; in_object < 2; in_object++) {
                if (in_object && at != 0 && at != len / 2 && at + 1 != len)
                    continue; /* the message's places are the line's */
                char text[96];
                memset(text, 'x', len);
                text[len] = '\0';
                if (at < len)
                    text[at] = '\x01';
                if (len)
                    text[len - 1] = '\x7f';
                char *got = in_object ? line(text, "", "m") : line("", "", text);
                /* "MP101 " text ": m" or "MP101: " text */
                size_t off = in_object ? 6 : 7;
                ck_assert_uint_eq(strlen(got),
                                  len + (in_object ? 9 : 7) - (in_object && !len ? 1 : 0));
                for (size_t k = 0; k < len; k++)
                    ck_assert_msg(got[off + k] == (k == at || k == len - 1 ? '?' : 'x'),
                                  "len %zu at %zu: byte %zu is %#x", len, at, k,
                                  (unsigned char)got[off + k]);
                free(got);
            }
}
END_TEST

/* mp_warn_about_each: mp_warn_about for each finding, one copy of the
 * object for them all; a truncate in the group keeps it, one before the
 * group gives it back. */
START_TEST(about_each_shares_the_object)
{
    mp_warnings f, a, b;
    mp_warnings_init(&f);
    mp_warnings_init(&a);
    mp_warnings_init(&b);
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(mp_warn(&f, MPW_ANN_APPROX, (mp_severity)(i % 3), "", i % 2 ? "f.g" : "",
                                 "finding %d", i),
                         0);
    ck_assert_int_eq(mp_warn(&a, MPW_ROUTE_DUP, MP_SEV_ERROR, "ingress ns-a/first", "", "x"), 0);
    ck_assert_int_eq(mp_warn(&b, MPW_ROUTE_DUP, MP_SEV_ERROR, "ingress ns-a/first", "", "x"), 0);
    for (int round = 0; round < 40; round++) { /* past the 16 entries first reserved */
        ck_assert_int_eq(mp_warn_about_each(&a, f.items, f.len, "ingress ns-b/\x1bweb"), 0);
        for (size_t i = 0; i < f.len; i++)
            ck_assert_int_eq(mp_warn_about(&b, &f.items[i], "ingress ns-b/\x1bweb"), 0);
    }
    ck_assert_int_eq(mp_warn_about_each(&a, f.items, 0, "none"), 0);
    ck_assert_uint_eq(a.len, 1 + 40 * f.len);
    ck_assert_uint_eq(a.len, b.len);
    for (size_t i = 1; i < a.len; i++) {
        const mp_warning *x = &a.items[i], *y = &b.items[i], *g = &f.items[(i - 1) % f.len];
        char *lx = mp_warning_format(x), *ly = mp_warning_format(y);
        ck_assert_str_eq(lx, ly);
        free(lx);
        free(ly);
        ck_assert_ptr_eq(x->field, g->field);
        ck_assert_ptr_eq(x->message, g->message);
        ck_assert_ptr_eq(x->object, a.items[1 + (i - 1) / f.len * f.len].object);
        if ((i - 1) % f.len == 0)
            ck_assert_ptr_ne(x->object, a.items[i - 1].object);
    }
    const char *last = a.items[a.len - 1].object;
    mp_warnings_truncate(&a, a.len - 2); /* inside the last group */
    ck_assert_str_eq(a.items[a.len - 1].object, "ingress ns-b/\x1bweb");
    ck_assert_int_eq(mp_warn(&a, MPW_ROUTE_DUP, MP_SEV_ERROR, "ingress ns-a/later", "", "y"), 0);
    ck_assert_ptr_ne(a.items[a.len - 1].object, last); /* the shared object stayed */
    ck_assert_str_eq(a.items[a.len - 2].object, "ingress ns-b/\x1bweb");
    mp_warnings_truncate(&a, a.len - 1 - (f.len - 2)); /* the rest of the group */
    ck_assert_int_eq(mp_warn_about_each(&a, f.items, f.len, "ingress ns-b/\x1bweb"), 0);
    ck_assert_ptr_eq(a.items[a.len - 1].object, last); /* given back, taken again */
    mp_warnings_free(&a);
    mp_warnings_free(&b);
    ck_assert_str_eq(f.items[4].message, "finding 4");
    mp_warnings_free(&f);
}
END_TEST

/* A copy knows whether its field and message are plain; a line about
 * another object from a plain copy still cleans that object, one from a
 * copy that is not plain cleans its field and message, wherever the byte. */
START_TEST(plain_lines_still_cleaned)
{
    mp_warnings f, k, w;
    mp_warnings_init(&f);
    mp_warnings_init(&k);
    mp_warnings_init(&w);
    const char *fields[] = {"f.g", "f\x01g", "f.g", "", "f.g"};
    const char *msgs[] = {"clean message", "clean", "bell\x07", "long message, DEL at the end\x7f",
                          "\x1b[2J"};
    enum { N = sizeof fields / sizeof *fields };
    for (size_t i = 0; i < N; i++) {
        ck_assert_int_eq(mp_warn(&f, MPW_ANN_APPROX, MP_SEV_WARNING, "x", fields[i], "%s", msgs[i]),
                         0);
        ck_assert(!f.items[i].plain); /* not looked at */
        ck_assert_int_eq(mp_warn_copy(&k, &f.items[i], ""), 0);
        ck_assert_int_eq(k.items[i].plain, i == 0);
    }
    const char *objects[] = {"ingress ns-a/web", "ingress ns-a/\x1b[31mred", "ingress \x7f/x\x01"};
    for (size_t o = 0; o < 3; o++) {
        ck_assert_int_eq(mp_warn_about_each(&w, k.items, N, objects[o]), 0);
        for (size_t i = 0; i < N; i++) {
            const mp_warning *x = &w.items[o * N + i];
            ck_assert_int_eq(x->plain, i == 0);
            mp_warning y = *x;
            y.plain = false; /* the whole line scanned */
            char *lx = mp_warning_format(x), *ly = mp_warning_format(&y);
            ck_assert_str_eq(lx, ly);
            for (const char *p = lx; *p; p++)
                ck_assert_msg((unsigned char)*p >= 0x20 && *p != 0x7f, "%s", lx);
            free(lx);
            free(ly);
        }
    }
    mp_warnings_free(&w);
    mp_warnings_free(&k);
    mp_warnings_free(&f);
}
END_TEST

/* Dropped warnings are gone (their blocks freed: ASan and valgrind), the
 * rest kept as they were. */
START_TEST(truncate_keeps_the_first)
{
    mp_warnings w;
    mp_warnings_init(&w);
    for (int i = 0; i < 40; i++)
        ck_assert_int_eq(mp_warn(&w, "MP101", MP_SEV_INFO, "o", "f", "n%d", i), 0);
    mp_warnings_truncate(&w, 50);
    ck_assert_uint_eq(w.len, 40);
    mp_warnings_truncate(&w, 3);
    ck_assert_uint_eq(w.len, 3);
    ck_assert_str_eq(w.items[2].message, "n2");
    ck_assert_int_eq(mp_warn(&w, "MP102", MP_SEV_INFO, "o", "f", "again"), 0);
    ck_assert_uint_eq(w.len, 4);
    ck_assert_str_eq(w.items[3].message, "again");
    mp_warnings_truncate(&w, 0);
    ck_assert_uint_eq(w.len, 0);
    mp_warnings_free(&w);
}
END_TEST

/* mp_warn_copy: the finding about another object, as mp_warn makes it
 * (no field, a long message, NULL object). */
START_TEST(copy_is_warn_about_another)
{
    mp_warnings a, b;
    mp_warnings_init(&a);
    mp_warnings_init(&b);
    char longmsg[3000];
    memset(longmsg, 'm', sizeof longmsg - 1);
    longmsg[sizeof longmsg - 1] = '\0';
    ck_assert_int_eq(mp_warn(&a, MPW_ANN_APPROX, MP_SEV_WARNING, "ingress ns-a/x", "f.g", "%s: %d",
                             "approximated", 7),
                     0);
    ck_assert_int_eq(mp_warn(&a, MPW_ROUTE_DUP, MP_SEV_ERROR, "ingress ns-a/x", "", "%s", longmsg),
                     0);
    ck_assert_int_eq(mp_warn(&a, MPW_ANN_IGNORED, MP_SEV_INFO, NULL, NULL, "plain"), 0);
    const char *other[] = {"ingress ns-b/\x1by", "", NULL};
    for (int round = 0; round < 20; round++) /* past the first growth of the list */
        for (size_t i = 0; i < a.len; i++)
            ck_assert_int_eq(mp_warn_copy(&b, &a.items[i], other[i]), 0);
    ck_assert_uint_eq(b.len, 20 * a.len);
    for (size_t i = 0; i < b.len; i++) {
        const mp_warning *x = &b.items[i], *y = &a.items[i % a.len];
        mp_warnings one;
        mp_warnings_init(&one);
        ck_assert_int_eq(
            mp_warn(&one, y->code, y->sev, other[i % a.len], y->field, "%s", y->message), 0);
        char *lx = mp_warning_format(x), *lo = mp_warning_format(&one.items[0]);
        ck_assert_str_eq(lx, lo);
        ck_assert_str_eq(x->object, one.items[0].object);
        ck_assert_str_eq(x->field, one.items[0].field);
        ck_assert_int_eq(x->sev, y->sev);
        ck_assert_ptr_eq(x->code, y->code);
        free(lx);
        free(lo);
        mp_warnings_free(&one);
    }
    mp_warnings_free(&a);
    mp_warnings_free(&b);
}
END_TEST

/* mp_warn_about: the line mp_warn_copy makes, with the field and message
 * f's own text (not copied); freeing the list leaves f whole, and truncating
 * it frees only the objects. */
START_TEST(about_is_copy_without_the_text)
{
    mp_warnings a, b, c;
    mp_warnings_init(&a);
    mp_warnings_init(&b);
    mp_warnings_init(&c);
    ck_assert_int_eq(mp_warn(&a, MPW_ANN_APPROX, MP_SEV_WARNING, "ingress ns-a/x", "f.g", "%s: %d",
                             "approximated", 7),
                     0);
    ck_assert_int_eq(mp_warn(&a, MPW_ROUTE_DUP, MP_SEV_ERROR, "ingress ns-a/x", "", "plain"), 0);
    ck_assert_int_eq(mp_warn(&a, MPW_ANN_IGNORED, MP_SEV_INFO, NULL, NULL, "no object"), 0);
    const char *other[] = {"ingress ns-b/\x1by", "", NULL};
    for (int round = 0; round < 20; round++)
        for (size_t i = 0; i < a.len; i++) {
            ck_assert_int_eq(mp_warn_about(&b, &a.items[i], other[i]), 0);
            ck_assert_int_eq(mp_warn_copy(&c, &a.items[i], other[i]), 0);
        }
    ck_assert_uint_eq(b.len, c.len);
    for (size_t i = 0; i < b.len; i++) {
        const mp_warning *x = &b.items[i], *y = &c.items[i], *f = &a.items[i % a.len];
        char *lx = mp_warning_format(x), *ly = mp_warning_format(y);
        ck_assert_str_eq(lx, ly);
        free(lx);
        free(ly);
        ck_assert_str_eq(x->object, y->object);
        ck_assert_ptr_eq(x->field, f->field);
        ck_assert_ptr_eq(x->message, f->message);
        ck_assert_ptr_eq(x->code, f->code);
        ck_assert_int_eq(x->sev, f->sev);
    }
    mp_warnings_truncate(&b, 5);
    mp_warnings_free(&b);
    mp_warnings_free(&c);
    ck_assert_str_eq(a.items[0].message, "approximated: 7");
    ck_assert_str_eq(a.items[0].field, "f.g");
    mp_warnings_free(&a);
}
END_TEST

/* Truncating gives the text of the last entries back to the block being
 * filled (vs_direct's findings made again by the tree path), and what
 * stays keeps its text. */
START_TEST(truncate_gives_back_text)
{
    mp_warnings w, f;
    mp_warnings_init(&w);
    mp_warnings_init(&f);
    ck_assert_int_eq(mp_warn(&f, MPW_ANN_APPROX, MP_SEV_WARNING, "x", "cached.field", "cached"), 0);
    ck_assert_int_eq(mp_warn(&w, MPW_ROUTE_DUP, MP_SEV_ERROR, "ingress ns-a/keep", "", "kept"), 0);
    for (int round = 0; round < 3; round++) {
        ck_assert_int_eq(mp_warn(&w, MPW_ROUTE_DUP, MP_SEV_ERROR, "ingress ns-a/y", "f", "%s %d",
                                 "again", round),
                         0);
        const char *first = w.items[1].object;
        ck_assert_int_eq(mp_warn_about(&w, &f.items[0], "ingress ns-a/z"), 0);
        mp_warnings_truncate(&w, 1);
        ck_assert_int_eq(mp_warn(&w, MPW_ROUTE_DUP, MP_SEV_ERROR, "ingress ns-a/y", "f", "%s %d",
                                 "again", round),
                         0);
        ck_assert_ptr_eq(w.items[1].object, first);
        mp_warnings_truncate(&w, 1);
    }
    char big[100000];
    memset(big, 'b', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ck_assert_int_eq(mp_warn(&w, MPW_ROUTE_DUP, MP_SEV_ERROR, "ingress ns-a/big", "", "%s", big),
                     0);
    ck_assert_int_eq(mp_warn(&w, MPW_ROUTE_DUP, MP_SEV_ERROR, "ingress ns-a/after", "", "small"),
                     0);
    mp_warnings_truncate(&w, 2);
    ck_assert_str_eq(w.items[0].object, "ingress ns-a/keep");
    ck_assert_str_eq(w.items[0].message, "kept");
    ck_assert_uint_eq(strlen(w.items[1].message), sizeof big - 1);
    mp_warnings_free(&w);
    mp_warnings_free(&f);
}
END_TEST

static Suite *warn_suite(void)
{
    Suite *s = suite_create("warn");
    TCase *tc = tcase_create("format");
    /* every_byte_everywhere and cleaned_at_every_length format ~8,000
     * lines: past Check's 4 s under ASan on a busy machine */
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, messages_match_vsnprintf);
    tcase_add_test(tc, long_messages_whole);
    tcase_add_test(tc, lines_cleaned);
    tcase_add_test(tc, every_byte_everywhere);
    tcase_add_test(tc, truncate_keeps_the_first);
    tcase_add_test(tc, copy_is_warn_about_another);
    tcase_add_test(tc, about_is_copy_without_the_text);
    tcase_add_test(tc, truncate_gives_back_text);
    tcase_add_test(tc, cleaned_at_every_length);
    tcase_add_test(tc, about_each_shares_the_object);
    tcase_add_test(tc, plain_lines_still_cleaned);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(warn_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
