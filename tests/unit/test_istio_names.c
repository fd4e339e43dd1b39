/* test_istio_names.c - istio_dns_label: a host (or any name) as the DNS
 * label an Istio object is named by, checked against the rule written
 * with the C library's isalnum / tolower (C locale), as it once was. */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "model/hmap.h"
#include "model/istio.h"

/* The rule: letters lower-cased and digits kept, '*' is "wildcard", any
 * other run of bytes one '-', none at the ends; over 63 bytes cut to 54
 * and the FNV-1a hash of the whole; nothing left: "x-" and the hash. */
static void reference(const char *s, char out[64])
{
    char buf[512];
    size_t n = 0;
    for (const char *p = s; *p && n < sizeof buf - 10; p++) {
        if (*p == '*') {
            memcpy(buf + n, "wildcard", 8);
            n += 8;
        } else if (isalnum((unsigned char)*p)) {
            buf[n++] = (char)tolower((unsigned char)*p);
        } else if (n && buf[n - 1] != '-') {
            buf[n++] = '-';
        }
    }
    while (n && buf[n - 1] == '-')
        n--;
    size_t start = 0;
    while (start < n && buf[start] == '-')
        start++;
    buf[n] = 0;
    if (n == start) {
        snprintf(out, 64, "x-%08x", hmap_fnv1a32(s));
    } else if (n - start <= 63) {
        memcpy(out, buf + start, n - start + 1);
    } else {
        size_t keep = 54;
        while (keep && buf[start + keep - 1] == '-')
            keep--;
        snprintf(out, 64, "%.*s-%08x", (int)keep, buf + start, hmap_fnv1a32(s));
    }
}

static void same(const char *s)
{
    char a[64], b[64];
    istio_dns_label(s, a);
    reference(s, b);
    ck_assert_msg(!strcmp(a, b), "%s: %s, want %s", s, a, b);
}

/* Every byte at the start, inside and at the end of a name. */
START_TEST(every_byte)
{
    char s[8];
    for (int c = 1; c < 256; c++) {
        snprintf(s, sizeof s, "%c", c);
        same(s);
        snprintf(s, sizeof s, "a%cB", c);
        same(s);
        snprintf(s, sizeof s, "%cZ9%c", c, c);
        same(s);
    }
}
END_TEST

START_TEST(hosts_and_lengths)
{
    static const char *const hosts[] = {
        "Api.Example.COM",
        "*.apps.example.com",
        "--a--",
        "...",
        "",
        "xn--bcher-kva.example",
        "a_b.c-d",
        "\xc3\xa9t\xc3\xa9.example",
        "0.0.0.0",
        "a-very-long-host-name-that-goes-on-and-on.and-on-and-on.and-on.example.com"};
    for (size_t i = 0; i < sizeof hosts / sizeof *hosts; i++)
        same(hosts[i]);
    char longer[700];
    memset(longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    same(longer);
    for (size_t n = 50; n < 70; n++) { /* around the cut, a '-' at 54 */
        memset(longer, 'b', n);
        longer[n] = '\0';
        longer[53] = '.';
        same(longer);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("istio_names");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, every_byte);
    tcase_add_test(tc, hosts_and_lengths);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
