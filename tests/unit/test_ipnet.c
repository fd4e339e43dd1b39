/* test_ipnet.c - the source-range entries nginx accepts (model/ipnet.h).
 *
 * Every expectation below was checked against Go: the accept/refuse
 * decision and the canonical string are what ingress-nginx's
 * internal/net/ipnet.go ParseIPNets (strings.TrimSpace, net.ParseCIDR, then
 * net.ParseIP; IPNet.String() / IP.String()) gives, run with Go 1.19's net
 * package and with the netip-based ParseCIDR of Go 1.22+ (ingress-nginx
 * builds with Go 1.26); both agreed on all of them. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "model/ipnet.h"

static const struct {
    const char *in;
    const char *want; /* NULL: refused */
} cases[] = {
    /* IPv4 CIDRs: host bits are masked, the length may have leading zeros */
    {"10.0.0.0/8", "10.0.0.0/8"},
    {"10.0.0.1/8", "10.0.0.0/8"},
    {"10.0.0.1/32", "10.0.0.1/32"},
    {"10.0.0.0/08", "10.0.0.0/8"},
    {"10.0.0.0/00032", "10.0.0.0/32"},
    {"0.0.0.0/0", "0.0.0.0/0"},
    {"255.255.255.255/32", "255.255.255.255/32"},
    {"10.0.0.0/33", NULL},
    {"10.0.0.0/", NULL},
    {"10.0.0.0/+8", NULL},
    {"10.0.0.0/-1", NULL},
    {"10.0.0.0/8/9", NULL},
    {"10.0.0.0/16777215", NULL},
    {"10.0.0.0 /8", NULL},
    /* bare IPv4: four fields, no leading zero */
    {"10.0.0.1", "10.0.0.1"},
    {"010.0.0.1", NULL},
    {"10.0.0.01/8", NULL},
    {"21.10.178/24", NULL},
    {"1.2.3.4.5", NULL},
    {"1.2.3.256", NULL},
    {"1.2.3.", NULL},
    {".1.2.3", NULL},
    {"1..2.3", NULL},
    {"not-an-ip", NULL},
    {"", NULL},
    /* IPv6: lower case, the longest zero run as :: */
    {"2001:db8::/32", "2001:db8::/32"},
    {"2001:DB8::1", "2001:db8::1"},
    {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
    {"2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
    {"2001:db8::1/64", "2001:db8::/64"},
    {"0:0:1:0:0:0:1:0", "0:0:1::1:0"},
    {"1:0:0:2:0:0:0:3", "1:0:0:2::3"},
    {"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"},
    {"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"},
    {"::", "::"},
    {"::/0", "::/0"},
    {"::1", "::1"},
    {"1::", "1::"},
    {"2001:db8::1/129", NULL},
    {"1:", NULL},
    {":1::", NULL},
    {"1:::2", NULL},
    {"1::2::3", NULL},
    {"1:2:3:4:5:6:7:8:9", NULL},
    {"1:2:3:4:5:6::7:8", NULL}, /* "::" must stand for at least one group */
    {"12345::1", NULL},
    {"fe80::1%eth0", NULL}, /* zones are refused */
    {"fe80::1%eth0/64", NULL},
    /* embedded IPv4 and IPv4-mapped addresses */
    {"::ffff:1.2.3.4", "1.2.3.4"},
    {"::ffff:1.2.3.4/120", "1.2.3.0/24"},
    {"::ffff:1.2.3.4/96", "0.0.0.0/0"},
    {"::ffff:0:0/96", "0.0.0.0/0"},
    {"::ffff:1.2.3.4/95", "::fffe:0:0/95"},
    {"::ffff:1.2.3.4/64", "::/64"},
    {"::1.2.3.4", "::102:304"},
    {"1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"},
    {"1:2:3:4:5:1.2.3.4", NULL},
    {"::ffff:01.2.3.4", NULL},
};

START_TEST(entries_as_go_parses_them)
{
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char out[IPNET_MAX] = "";
        bool ok = ipnet_parse(cases[i].in, strlen(cases[i].in), out);
        if (!cases[i].want) {
            ck_assert_msg(!ok, "\"%s\" accepted as %s", cases[i].in, out);
            continue;
        }
        ck_assert_msg(ok, "\"%s\" refused", cases[i].in);
        ck_assert_msg(!strcmp(out, cases[i].want), "\"%s\" -> %s, want %s", cases[i].in, out,
                      cases[i].want);
    }
}
END_TEST

/* Whole values: split at ',', each entry trimmed (Go's TrimSpace, also
 * non-ASCII spaces), sorted and de-duplicated as ingress-nginx renders
 * them; one bad entry (an empty one included) refuses the whole value. */
START_TEST(lists)
{
    doc_node *seq;
    char bad[64];
    ck_assert_int_eq(
        ipnet_list(" 10.8.0.0/16 ,203.0.113.7/32,\t10.0.0.1/8\n", &seq, bad, sizeof bad), 0);
    ck_assert_uint_eq(seq->len, 3);
    ck_assert_str_eq(doc_str(doc_at(seq, 0)), "10.0.0.0/8");
    ck_assert_str_eq(doc_str(doc_at(seq, 1)), "10.8.0.0/16");
    ck_assert_str_eq(doc_str(doc_at(seq, 2)), "203.0.113.7/32");
    doc_free(seq);

    /* duplicates once they are canonical; a bare IP and its /32 stay two
     * entries, as nginx writes both */
    ck_assert_int_eq(ipnet_list("10.0.0.1/8,10.0.0.0/8,1.2.3.4,1.2.3.4/32", &seq, bad, sizeof bad),
                     0);
    ck_assert_uint_eq(seq->len, 3);
    ck_assert_str_eq(doc_str(doc_at(seq, 0)), "1.2.3.4");
    ck_assert_str_eq(doc_str(doc_at(seq, 1)), "1.2.3.4/32");
    doc_free(seq);

    /* U+00A0 and U+3000 are white space for Go's TrimSpace */
    ck_assert_int_eq(ipnet_list("\xc2\xa0"
                                "10.0.0.0/8\xe3\x80\x80",
                                &seq, bad, sizeof bad),
                     0);
    ck_assert_str_eq(doc_str(doc_at(seq, 0)), "10.0.0.0/8");
    doc_free(seq);

    ck_assert_int_eq(ipnet_list("10.0.0.0/8, 10.0.0.0/33", &seq, bad, sizeof bad), 1);
    ck_assert_ptr_null(seq);
    ck_assert_str_eq(bad, "10.0.0.0/33");
    ck_assert_int_eq(ipnet_list("10.0.0.0/8,", &seq, bad, sizeof bad), 1);
    ck_assert_str_eq(bad, "");
    ck_assert_int_eq(ipnet_list("", &seq, bad, sizeof bad), 1);
    ck_assert_int_eq(ipnet_list("   ", &seq, bad, sizeof bad), 1);
    ck_assert_int_eq(ipnet_list("10.0.0.0/8 10.1.0.0/16", &seq, bad, sizeof bad), 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ipnet");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, entries_as_go_parses_them);
    tcase_add_test(tc, lists);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
