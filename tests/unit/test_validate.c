/* test_validate.c - field validators (model/validate.h) and the converter's
 * RE2 check (MP204), which uses val_re2. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "convert_helpers.h"
#include "model/validate.h"

static char why[256];

/* call must accept; on failure the message shows the reason given */
#define OK(call)                                                                                   \
    do {                                                                                           \
        why[0] = 0;                                                                                \
        ck_assert_msg((call), "%s refused: %s", #call, why);                                       \
    } while (0)

/* call must refuse with exactly this reason (a clause: no final period) */
#define BAD(call, reason)                                                                          \
    do {                                                                                           \
        strcpy(why, "(none)");                                                                     \
        ck_assert_msg(!(call), "%s accepted", #call);                                              \
        ck_assert_str_eq(why, reason);                                                             \
    } while (0)

/* call must refuse with a reason containing part */
#define BADHAS(call, part)                                                                         \
    do {                                                                                           \
        strcpy(why, "(none)");                                                                     \
        ck_assert_msg(!(call), "%s accepted", #call);                                              \
        ck_assert_msg(strstr(why, part), "%s: reason \"%s\" lacks \"%s\"", #call, why, part);      \
        ck_assert_msg(why[strlen(why) - 1] != '.', "%s: reason ends in a period", #call);          \
    } while (0)

#define W why, sizeof why

static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);
    ck_assert_ptr_nonnull(s);
    memset(s, c, n);
    s[n] = 0;
    return s;
}

/* ---- hosts ---------------------------------------------------------------- */

START_TEST(host_valid)
{
    OK(val_host("example.com", true, W));
    OK(val_host("a.b.c.example.com", true, W));
    OK(val_host("*.example.com", true, W));
    OK(val_host("xn--bcher-kva.example", true, W));
    OK(val_host("a-b-c.example-1.io", true, W));
    OK(val_host("localhost", true, W));
    OK(val_host("123.example.com", true, W));
    OK(val_host("10.0.0.1", true, W)); /* Istio takes an IP for a host */
    /* "*" alone: only outside a tenant namespace */
    OK(val_host("*", false, W));
    BAD(val_host("*", true, W), "\"*\" alone would take every tenant's hosts");
}
END_TEST

START_TEST(host_rfc1123)
{
    BAD(val_host("Example.com", true, W), "uppercase letters: hosts are lower case");
    BAD(val_host("a_b.example.com", true, W), "label \"a_b\" has '_'");
    BAD(val_host("-a.example.com", true, W), "label \"-a\" starts with '-'");
    BAD(val_host("api.a-.example.com", true, W), "label \"a-\" ends with '-'");
    BAD(val_host("a b.com", true, W), "label \"a b\" has a space");
    BAD(val_host("a$b.com", true, W), "label \"a$b\" has '$'");
    BAD(val_host("b\xc3\xbc"
                 "cher.de",
                 true, W),
        "label 1 has a control or non-ASCII character");
    BAD(val_host("example.com.", true, W), "trailing dot: write the host without it");
    BAD(val_host("a..example.com", true, W), "empty label (two dots in a row)");
    BAD(val_host(".example.com", true, W), "starts with '.'");
    BAD(val_host("", true, W), "empty");
    BAD(val_host(NULL, true, W), "empty");
}
END_TEST

START_TEST(host_wildcards_and_prefixes)
{
    BAD(val_host("foo.*.example.com", true, W), "\"*\" only as the whole first label");
    BAD(val_host("*foo.example.com", true, W), "\"*\" only as the whole first label");
    BAD(val_host("example.*", false, W), "\"*\" only as the whole first label");
    BAD(val_host("**.example.com", false, W), "\"*\" only as the whole first label");
    BAD(val_host("ns-a/app.example.com", true, W), "namespace/ prefix: give the host alone");
    BAD(val_host("*/app.example.com", true, W), "namespace/ prefix: give the host alone");
    BAD(val_host("app.example.com/path", true, W), "has '/': a host has no path");
    BAD(val_host("/app", true, W), "has '/': a host has no path");
    OK(val_host("ns-a", true, W));
    BAD(val_host("./app.example.com", true, W), "namespace/ prefix: give the host alone");
    BAD(val_host("*.10.0.0.1", false, W), "a wildcard does not go on an IP address");
    BAD(val_host("10.0.0.256", true, W),
        "last label \"256\" is all digits and this is no IPv4 address");
    BAD(val_host("example.123", true, W),
        "last label \"123\" is all digits and this is no IPv4 address");
}
END_TEST

START_TEST(host_lengths)
{
    char *l63 = repeat('a', 63), *l64 = repeat('b', 64), *l61 = repeat('c', 61);
    char h[300];
    snprintf(h, sizeof h, "%s.example.com", l63);
    OK(val_host(h, true, W));
    snprintf(h, sizeof h, "%s.example.com", l64);
    BAD(val_host(h, true, W), "label 1 is 64 characters (max 63)");
    snprintf(h, sizeof h, "x.%s.com", l64);
    BAD(val_host(h, true, W), "label 2 is 64 characters (max 63)");
    /* 63+1+63+1+63+1+61 = 253 */
    snprintf(h, sizeof h, "%s.%s.%s.%s", l63, l63, l63, l61);
    ck_assert_uint_eq(strlen(h), 253);
    OK(val_host(h, true, W));
    snprintf(h, sizeof h, "%s.%s.%s.%sc", l63, l63, l63, l61);
    BAD(val_host(h, true, W), "254 characters (max 253)");
    free(l63), free(l64), free(l61);
}
END_TEST

/* ---- names ---------------------------------------------------------------- */

START_TEST(secret_object_and_label_names)
{
    OK(val_secret_name("cert-good", W));
    OK(val_secret_name("wildcard.cloud-example-io", W));
    BAD(val_secret_name("Cert", W), "uppercase letters: Secret names are lower case");
    BAD(val_secret_name("my_cert", W), "name has '_'");
    BAD(val_secret_name("-cert", W), "name starts with '-'");
    BAD(val_secret_name("a..b", W), "empty label (two dots in a row)");
    BAD(val_secret_name("a.", W), "ends with '.'");
    BAD(val_secret_name("a.b_c", W), "label \"b_c\" has '_'");
    BAD(val_secret_name("", W), "empty");
    char *l63 = repeat('s', 63), *l61 = repeat('t', 61), big[300];
    snprintf(big, sizeof big, "%s.%s.%s.%s", l63, l63, l63, l61);
    OK(val_secret_name(big, W));
    strcat(big, "t");
    BAD(val_secret_name(big, W), "254 characters (max 253)");
    free(l63), free(l61);

    OK(val_object_name("meshpanel-gateway", W));
    OK(val_object_name("a.b.c", W));
    BAD(val_object_name("Gateway", W), "uppercase letters: names are lower case");
    BAD(val_object_name("gw!", W), "name has '!'");

    OK(val_dns_label("https-443", W));
    OK(val_dns_label("a", W));
    BAD(val_dns_label("a.b", W), "has '.': one DNS label, no dots");
    BAD(val_dns_label("a-", W), "name ends with '-'");
    BAD(val_dns_label("HTTP", W), "uppercase letters: names are lower case");
    BAD(val_dns_label("", W), "empty");
    char *l64 = repeat('p', 64);
    BAD(val_dns_label(l64, W), "name is 64 characters (max 63)");
    l64[63] = 0;
    OK(val_dns_label(l64, W));
    free(l64);
}
END_TEST

/* ---- RE2 ------------------------------------------------------------------ */

/* Each accepted by C++ RE2 (Envoy) and Go's regexp (istiod) alike. */
static const char *const re_valid[] = {
    "(?i)/api/v[0-9]+/.*",
    "^/(foo|bar)(/.*)?$",
    "[[:alpha:]]+",
    "[[:^digit:][:space:]]",
    "\\p{Greek}",
    "\\P{Greek}\\pL\\PN\\p{^Han}\\p{Any}",
    "(?P<id>\\d+)/(?P<rest>.*)",
    "a{2,5}",
    "a{2}",
    "a{2,}",
    "a{1000}",
    "(?:a{10}){100}",
    "https://[A-Za-z0-9-]+\\.cloud\\.sealos\\.io",
    "/thumbs/[0-9]+x[0-9]+/.+\\.(jpg|png|webp)",
    "/wiki(/|$)(.*)",
    "a*?b+?c??d{1,2}?",
    "\\d\\D\\w\\W\\s\\S\\b\\B\\A\\z",
    "\\x41\\x{1F600}\\x{10FFFF}\\0\\012\\177",
    "\\Q(?=literal)\\E+",
    "\\Qunterminated [",
    "[]a]",
    "[^]a]",
    "[a-]",
    "[-a]",
    "[\\d-z]",
    "[\\]\\[\\-]",
    "(?i)(?-i:Case)(?sm).",
    "(?U)a*",
    "(?)",
    "()*",
    "(|a)+",
    "a|",
    "^*",
    "a(?i)*",
    "x{,5}",
    "{",
    "a{",
    "}",
    "\\_\\.\\*\\/",
    "/caf\xc3\xa9/[\xc3\xa0-\xc3\xbf]",
};

static const struct {
    const char *re, *why;
} re_invalid[] = {
    /* the Perl-only constructs, each by its name */
    {"/(?=admin)", "lookahead (?= is not RE2 (Envoy's regex engine)"},
    {"/(?!admin)", "negative lookahead (?! is not RE2 (Envoy's regex engine)"},
    {"(?<=a)b", "lookbehind (?<= is not RE2 (Envoy's regex engine)"},
    {"(?<!a)b", "negative lookbehind (?<! is not RE2 (Envoy's regex engine)"},
    {"(a)\\1", "backreference \\1 is not RE2"},
    {"(a)\\9", "backreference \\9 is not RE2"},
    {"(?P<x>a)\\k<x>", "named backreference \\k is not RE2"},
    {"(?P<x>a)(?P=x)", "named backreference (?P=name) is not RE2"},
    {"a(?>bc|b)c", "atomic group (?> is not RE2"},
    {"a*+", "possessive quantifier *+ is not RE2"},
    {"a++", "possessive quantifier ++ is not RE2"},
    {"a?+", "possessive quantifier ?+ is not RE2"},
    {"a{2,3}+", "possessive quantifier {2,3}+ is not RE2"},
    {"(?(1)a|b)", "conditional (?( is not RE2"},
    {"(?R)", "recursion (?R) is not RE2"},
    {"(a)(?1)", "recursion (?1) is not RE2"},
    {"(?&name)", "recursion (?&name) is not RE2"},
    {"\\Gfoo", "\\G (end of previous match) is not RE2"},
    {"foo\\Z", "\\Z is not RE2: use \\z (or $)"},
    {"foo\\Kbar", "\\K (reset match start) is not RE2"},
    {"\\h+", "\\h is not RE2: use [\\t ]"},
    {"(?#comment)", "comment (?# is not RE2"},
    {"(?|a|b)", "branch reset (?| is not RE2"},
    {"(?'n'a)", "write (?P<name>: (?'name' is not RE2"},
    {"(?<n>a)", "write (?P<name>: older Envoy and Istio refuse (?<name>"},
    {"(*FAIL)", "control verbs (*VERB) are not RE2"},
    {"\\e", "\\e is not RE2: use \\x1b"},
    {"\\cA", "\\cX (control character) is not RE2: use \\x01 to \\x1f"},
    {"\\C", "\\C (any byte) is refused by Istio's regex check"},
    {"(?x)a b", "flag x is not RE2 (only i, m, s, U)"},
    /* syntax */
    {"a{1001}", "{1001}: RE2 counts up to 1000"},
    {"a{3,2}", "{3,2}: minimum above maximum"},
    {"a{99999999999}", "{99999999999}: RE2 counts up to 1000"},
    {"(a{100}){11}", "nested counts make 1100 copies (RE2's limit is 1000)"},
    {"[z-a]", "range z-a is reversed"},
    {"(abc", "'(' at 1 is never closed"},
    {"x(a(b)", "'(' at 2 is never closed"},
    {"abc)", "')' at 4 has no '('"},
    {"[abc", "'[' at 1 is never closed"},
    {"[]", "'[' at 1 is never closed"},
    {"\\", "trailing backslash"},
    {"abc\\", "trailing backslash"},
    {"*a", "\"*\" has nothing to repeat"},
    {"a|+b", "\"+\" has nothing to repeat"},
    {"(?i)*", "\"*\" has nothing to repeat"},
    {"{2}", "\"{2}\" has nothing to repeat"},
    {"a**", "\"**\": two repetition operators in a row"},
    {"a{2}{3}", "\"{2}{3}\": two repetition operators in a row"},
    {"(?P<id>a)(?P<id>b)", "group name \"id\" used twice"},
    {"(?P<a-b>x)", "group name \"a-b\": letters, digits and '_' only"},
    {"(?P<>x)", "empty group name"},
    {"(?i-)a", "'-' in flags with no flag after it"},
    {"\\pX", "unknown Unicode class \\pX"},
    {"\\p{Klingon}", "unknown Unicode class \\p{Klingon}"},
    {"\\p{Greek", "\\p{ without '}'"},
    {"[[:alphanum:]]", "unknown class [:alphanum:]"},
    {"[\\b]", "\\b inside [...] is not RE2: use \\x08"},
    {"[a-\\d]", "\\d is a class, not a range end"},
    {"\\x{110000}", "\\x{...} above 10FFFF"},
    {"\\xZ1", "bad hex escape: use \\x41 or \\x{41}"},
    {"\\q", "unknown escape \\q"},
    {"\\E", "\\E without \\Q"},
    {"\xff", "invalid UTF-8 at byte 1"},
};

START_TEST(re2_accepts)
{
    for (size_t i = 0; i < sizeof re_valid / sizeof *re_valid; i++) {
        why[0] = 0;
        ck_assert_msg(val_re2(re_valid[i], W), "%s refused: %s", re_valid[i], why);
    }
}
END_TEST

START_TEST(re2_refuses_with_reason)
{
    for (size_t i = 0; i < sizeof re_invalid / sizeof *re_invalid; i++) {
        strcpy(why, "(none)");
        ck_assert_msg(!val_re2(re_invalid[i].re, W), "%s accepted", re_invalid[i].re);
        ck_assert_msg(!strcmp(why, re_invalid[i].why), "%s: \"%s\", want \"%s\"", re_invalid[i].re,
                      why, re_invalid[i].why);
    }
    ck_assert_uint_ge(sizeof re_valid / sizeof *re_valid + sizeof re_invalid / sizeof *re_invalid,
                      40);
}
END_TEST

/* A repetition applies to the item just before it, wherever that is. */
START_TEST(re2_repetition_targets)
{
    OK(val_re2("a\\Q\\E*", W)); /* empty \Q\E is no item: * repeats a */
    BAD(val_re2("\\Q\\E*", W), "\"*\" has nothing to repeat");
    OK(val_re2("(a*)*", W));
    OK(val_re2("((a{10}){10}){10}", W));
    BAD(val_re2("((a{10}){10}){11}", W), "nested counts make 1100 copies (RE2's limit is 1000)");
    /* copies multiply along one path, not across alternatives or siblings */
    OK(val_re2("(a{1000}|b{1000}){1}", W));
    OK(val_re2("(a{500}b{500}){2}", W));
    BAD(val_re2("(a{2,}){600}", W), "nested counts make 1200 copies (RE2's limit is 1000)");
    OK(val_re2("(a{0}){1000}", W));
    /* a leading zero makes '{' a literal in RE2 and Go */
    OK(val_re2("a{01}", W));
}
END_TEST

/* Istio sets Envoy's re2.max_program_size.error_level to 32768; sizes in
 * the comments are RE2's ProgramSize() for each pattern. */
START_TEST(re2_program_size)
{
    OK(val_re2("\\pL{20}", W));                                   /* 23864 */
    OK(val_re2("(?i)/[^/]{1,1000}/[^/]{1,1000}.*", W));           /* 18012 */
    OK(val_re2("(?i)/[a-z0-9-]{1,1000}/[a-z0-9-]{1,1000}.*", W)); /* 18012 */
    OK(val_re2(".{1000}", W));                                    /* 8004 */
    BADHAS(val_re2("\\pL{30}", W), "too big for Envoy: ~");       /* 35794 */
    BADHAS(val_re2("\\pL{30}", W), " RE2 instructions, Istio allows 32768");
    BADHAS(val_re2("\\p{Greek}{1000}", W), "too big for Envoy");      /* 62004 */
    BADHAS(val_re2("(?i)\\W{1000}\\W{300}", W), "too big for Envoy"); /* 35104 */
    BADHAS(val_re2("\\PL{0,1000}", W), "too big for Envoy");          /* RE2 cannot compile it */
}
END_TEST

START_TEST(re2_limits_and_buffers)
{
    char *s = repeat('a', 1024);
    OK(val_re2(s, W));
    free(s);
    s = repeat('a', 1025);
    BAD(val_re2(s, W), "1025 bytes: Istio's limit is 1024");
    free(s);
    OK(val_re2("", W)); /* RE2 compiles it; forms decide whether a field is required */
    ck_assert(!val_re2("(", NULL, 0));
    char small[8];
    memset(small, 'x', sizeof small);
    ck_assert(!val_re2("(?=x)", small, sizeof small));
    ck_assert_uint_eq(strlen(small), 7);
    ck_assert(!strncmp(small, "lookahe", 7));
}
END_TEST

/* ---- origins -------------------------------------------------------------- */

START_TEST(origins)
{
    OK(val_origin("exact", "https://example.com", W));
    OK(val_origin("exact", "http://localhost:8080", W));
    OK(val_origin("exact", "http://[::1]:3000", W));
    OK(val_origin("exact", "*", W));
    OK(val_origin("prefix", "https://app.", W));
    OK(val_origin("regex", "https://[A-Za-z0-9-]+\\.cloud\\.sealos\\.io", W));
    BAD(val_origin("exact", "https://example.com/", W), "trailing '/': an origin has no path");
    BAD(val_origin("exact", "https://example.com/app", W),
        "'/' after the host: an origin is scheme://host[:port]");
    BAD(val_origin("exact", "https://Example.com", W),
        "uppercase letters: browsers send origins in lower case");
    BAD(val_origin("exact", "https://*.example.com", W),
        "'*' in an exact origin is no wildcard: use a regex");
    BAD(val_origin("exact", "example.com", W), "not an origin: write scheme://host[:port]");
    BAD(val_origin("exact", "https://", W), "no host after ://");
    BAD(val_origin("exact", "https://a.com:0", W), "port after ':' must be 1-65535");
    BAD(val_origin("exact", "https://a.com:65536", W), "port after ':' must be 1-65535");
    BAD(val_origin("exact", "https://a b.com", W), "has a space");
    BAD(val_origin("prefix", "https://a\tb", W), "has a space");
    BAD(val_origin("prefix", "https://a\x01", W), "has a control character");
    BAD(val_origin("prefix", "", W), "empty");
    BAD(val_origin("regex", "", W), "empty");
    BAD(val_origin("regex", "https://(?!evil)", W),
        "negative lookahead (?! is not RE2 (Envoy's regex engine)");
    BAD(val_origin("glob", "https://*", W), "match kind is exact, prefix or regex");
    BAD(val_origin(NULL, "https://a.com", W), "match kind is exact, prefix or regex");
}
END_TEST

/* ---- durations ------------------------------------------------------------ */

START_TEST(durations_proto_form)
{
    OK(val_duration("30s", false, W));
    OK(val_duration("0.5s", false, W));
    OK(val_duration("1.250s", false, W));
    OK(val_duration("0.001s", false, W));
    OK(val_duration("1.500000000s", false, W));
    OK(val_duration("86400s", false, W));
    OK(val_duration("", true, W));
    OK(val_duration(NULL, true, W));
    BAD(val_duration("", false, W), "required, e.g. 30s");
    BAD(val_duration("0s", true, W), "0s: Istio rejects a zero timeout; leave empty for none");
    BAD(val_duration("0.000s", false, W), "0s: Istio rejects a zero duration");
    BAD(val_duration("0.0005s", true, W), "below 1ms, Istio's minimum");
    BAD(val_duration("1.0005s", true, W), "finer than 1ms: Istio takes whole milliseconds");
    BAD(val_duration("1.0000000001s", true, W), "more than 9 decimals");
    BAD(val_duration("-1s", true, W), "negative: Istio needs 1ms or more");
    BAD(val_duration("315576000001s", true, W), "above 315576000000s, the protobuf maximum");
    OK(val_duration("315576000000s", true, W));
}
END_TEST

START_TEST(durations_other_units_get_seconds)
{
    BAD(val_duration("1m", true, W), "use 60s: Istio reads durations as seconds");
    BAD(val_duration("500ms", true, W), "use 0.5s: Istio reads durations as seconds");
    BAD(val_duration("1h30m", true, W), "use 5400s: Istio reads durations as seconds");
    BAD(val_duration("1h", true, W), "use 3600s: Istio reads durations as seconds");
    BAD(val_duration("1.5m", true, W), "use 90s: Istio reads durations as seconds");
    BAD(val_duration("2m30.25s", true, W), "use 150.25s: Istio reads durations as seconds");
    BAD(val_duration(".5s", true, W), "use 0.5s: Istio reads durations as seconds");
    BAD(val_duration("250us", true, W), "below 1ms, Istio's minimum");
    BAD(val_duration("0m", true, W), "0s: Istio rejects a zero timeout; leave empty for none");
    BAD(val_duration("30", true, W), "no unit: write 30s");
    BAD(val_duration("1.5", true, W), "no unit: write 1.5s");
    BAD(val_duration("30S", true, W), "lower-case unit: write 30s");
    BAD(val_duration("0", false, W), "0s: Istio rejects a zero duration");
    BAD(val_duration("abc", true, W), "not a duration: write seconds, e.g. 30s or 0.5s");
    BAD(val_duration("30 s", true, W), "not a duration: write seconds, e.g. 30s or 0.5s");
    BAD(val_duration("1d", true, W), "not a duration: write seconds, e.g. 30s or 0.5s");
}
END_TEST

START_TEST(durations_whole_and_ms)
{
    OK(val_duration_whole("86400s", false, W));
    OK(val_duration_whole("1.000s", false, W));
    OK(val_duration_whole("", true, W));
    BAD(val_duration_whole("1.5s", false, W), "whole seconds only: use 1s or 2s");
    BAD(val_duration_whole("0.5s", false, W), "whole seconds only: use 1s");
    BAD(val_duration_whole("1m", false, W), "use 60s: Istio reads durations as seconds");
    BAD(val_duration_whole("0s", false, W), "0s: Istio rejects a zero duration");

    long long ms = -1;
    ck_assert(val_duration_ms("1.5s", &ms));
    ck_assert_int_eq(ms, 1500);
    ck_assert(val_duration_ms("0.001s", &ms));
    ck_assert_int_eq(ms, 1);
    ck_assert(val_duration_ms("86400s", &ms));
    ck_assert_int_eq(ms, 86400000LL);
    ms = 7;
    ck_assert(!val_duration_ms("1m", &ms));
    ck_assert(!val_duration_ms("0s", &ms));
    ck_assert(!val_duration_ms("", &ms));
    ck_assert_int_eq(ms, 7);
}
END_TEST

/* ---- methods, headers, paths ---------------------------------------------- */

START_TEST(methods)
{
    size_t n = 0;
    const char *const *m = val_methods(&n);
    ck_assert_uint_eq(n, 9);
    ck_assert_str_eq(m[0], "GET");
    ck_assert_str_eq(m[8], "PATCH");
    for (size_t i = 0; i < n; i++)
        OK(val_method(m[i], W));
    BAD(val_method("get", W), "methods are upper case: GET");
    BAD(val_method("Options", W), "methods are upper case: OPTIONS");
    BAD(val_method("PURGE", W), "not one of GET HEAD POST PUT DELETE CONNECT OPTIONS TRACE PATCH");
    BAD(val_method("*", W), "not one of GET HEAD POST PUT DELETE CONNECT OPTIONS TRACE PATCH");
    BAD(val_method("", W), "empty");
}
END_TEST

START_TEST(header_names)
{
    OK(val_header_name("x-request-id", false, W));
    OK(val_header_name("X-Custom_Header", false, W));
    OK(val_header_name("x-api~v1!", false, W));
    OK(val_header_name("*", true, W));
    BAD(val_header_name("*", false, W), "\"*\" is no header name here");
    BAD(val_header_name("x y", true, W), "has a space");
    BAD(val_header_name("x:y", true, W), "has ':'");
    BAD(val_header_name(":authority", true, W), "has ':'");
    BAD(val_header_name("x(y)", true, W), "has '('");
    BAD(val_header_name("x-\xc3\xa9", true, W), "has a control or non-ASCII character");
    BAD(val_header_name("", true, W), "empty");
}
END_TEST

START_TEST(paths)
{
    OK(val_path("/", W));
    OK(val_path("/api/v1/", W));
    OK(val_path("/a%20b;c=d", W));
    BAD(val_path("api", W), "must start with '/'");
    BAD(val_path("", W), "empty: a path starts with '/'");
    BAD(val_path("/a b", W), "has a space: write %20");
    BAD(val_path("/a\tb", W), "has a control character");
    BAD(val_path("/a?b=1", W), "has '?': the query is not part of the path");
    BAD(val_path("/a#top", W), "has '#': the fragment is not part of the path");
}
END_TEST

/* ---- numbers -------------------------------------------------------------- */

START_TEST(ports)
{
    long port = 0;
    OK(val_port("80", &port, W));
    ck_assert_int_eq(port, 80);
    OK(val_port("65535", &port, W));
    ck_assert_int_eq(port, 65535);
    OK(val_port("1", NULL, W));
    port = 9;
    BAD(val_port("0", &port, W), "0 is no port: 1-65535");
    BAD(val_port("65536", &port, W), "above 65535");
    BAD(val_port("99999999999999999999999", &port, W), "above 65535");
    BAD(val_port("8o", &port, W), "digits only: 1-65535");
    BAD(val_port("-1", &port, W), "digits only: 1-65535");
    BAD(val_port(" 80", &port, W), "digits only: 1-65535");
    BAD(val_port("080", &port, W), "leading zero: 1-65535");
    BAD(val_port("", &port, W), "empty: 1-65535");
    ck_assert_int_eq(port, 9); /* untouched when refused */
}
END_TEST

START_TEST(weights)
{
    long w = -1;
    OK(val_weight("0", &w, W));
    ck_assert_int_eq(w, 0);
    OK(val_weight("100", &w, W));
    ck_assert_int_eq(w, 100);
    BAD(val_weight("101", &w, W), "above 100");
    BAD(val_weight("50%", &w, W), "digits only: 0-100");
    BAD(val_weight("", &w, W), "empty: 0-100");

    const long one[] = {-1}, ok2[] = {50, 50}, ok3[] = {0, 100, 0}, short2[] = {50, 40},
               over[] = {90, 20}, missing[] = {100, -1};
    OK(val_weights_total(one, 1, W));
    OK(val_weights_total(ok2, 2, W));
    OK(val_weights_total(ok3, 3, W));
    OK(val_weights_total(NULL, 0, W));
    BAD(val_weights_total(short2, 2, W), "weights total 90, not 100");
    BAD(val_weights_total(over, 2, W), "weights total 110, not 100");
    BAD(val_weights_total(missing, 2, W), "destination 2 has no weight (2 destinations)");
}
END_TEST

START_TEST(retries)
{
    long a = -1;
    OK(val_attempts("3", &a, W));
    ck_assert_int_eq(a, 3);
    OK(val_attempts("0", &a, W));
    OK(val_attempts("1000", &a, W));
    BAD(val_attempts("1001", &a, W), "above 1000");
    BAD(val_attempts("three", &a, W), "digits only: 0-1000");

    OK(val_retry_on("5xx", W));
    OK(val_retry_on("gateway-error,connect-failure,refused-stream", W));
    OK(val_retry_on("retriable-status-codes,503,504", W));
    OK(val_retry_on("cancelled,deadline-exceeded,internal,resource-exhausted,unavailable", W));
    OK(val_retry_on("reset,envoy-ratelimited,retriable-4xx,retriable-headers", W));
    OK(val_retry_on("http3-post-connect-failure,reset-before-request", W));
    OK(val_retry_on("100,418,511", W));
    BAD(val_retry_on("5xx, reset", W), "has a space: write 5xx,reset without spaces");
    BAD(val_retry_on("5xx,,reset", W), "empty item between commas");
    BAD(val_retry_on("5xx,", W), "empty item between commas");
    BAD(val_retry_on(",5xx", W), "empty item between commas");
    BAD(val_retry_on("", W), "empty: e.g. 5xx,reset,connect-failure");
    BAD(val_retry_on("5XX", W), "conditions are lower case: 5xx");
    BAD(val_retry_on("5xx,timeout", W), "unknown condition \"timeout\"");
    BAD(val_retry_on("599", W), "\"599\" is no HTTP status Istio knows");
    BAD(val_retry_on("99", W), "\"99\" is no HTTP status Istio knows");
    BAD(val_retry_on("0503", W), "\"0503\" is no HTTP status Istio knows");
}
END_TEST

/* ---- TLS ------------------------------------------------------------------ */

START_TEST(tls)
{
    const char *modes[] = {"SIMPLE",       "MUTUAL",           "PASSTHROUGH",
                           "ISTIO_MUTUAL", "AUTO_PASSTHROUGH", "OPTIONAL_MUTUAL"};
    for (size_t i = 0; i < sizeof modes / sizeof *modes; i++)
        OK(val_tls_mode(modes[i], W));
    BAD(val_tls_mode("simple", W), "write SIMPLE");
    BAD(val_tls_mode("istio-mutual", W), "write ISTIO_MUTUAL");
    BAD(val_tls_mode("STRICT", W),
        "not one of SIMPLE MUTUAL PASSTHROUGH ISTIO_MUTUAL AUTO_PASSTHROUGH OPTIONAL_MUTUAL");
    BADHAS(val_tls_mode("", W), "empty");

    const char *versions[] = {"TLS_AUTO", "TLSV1_0", "TLSV1_1", "TLSV1_2", "TLSV1_3"};
    for (size_t i = 0; i < sizeof versions / sizeof *versions; i++)
        OK(val_tls_version(versions[i], W));
    BAD(val_tls_version("TLSv1.2", W), "write TLSV1_2");
    BAD(val_tls_version("1.3", W), "not one of TLS_AUTO TLSV1_0 TLSV1_1 TLSV1_2 TLSV1_3");
}
END_TEST

/* ---- the converter's check (MP204) ------------------------------------------ */

/* Paths go into double-quoted YAML, where a backslash is written twice. */
START_TEST(mp204_names_the_construct)
{
    convert_plan *p = conv_free_in(ing_yaml("ns-a", "a", AN "use-regex: \"true\"", "r.example.com",
                                            NULL, "Prefix /(?=x) x 80", "Prefix /a\\\\1 y 80",
                                            "Prefix /ok/[0-9]+ z 80", NULL));
    const mp_warning *w = find_warn(p, "MP204", "paths[0].path");
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(w->sev, MP_SEV_ERROR);
    ck_assert_msg(strstr(w->message, "(lookahead (?= is not RE2 (Envoy's regex engine))"), "%s",
                  w->message);
    w = find_warn(p, "MP204", "paths[1].path");
    ck_assert_ptr_nonnull(w);
    ck_assert_msg(strstr(w->message, "(backreference \\1 is not RE2)"), "%s", w->message);
    ck_assert_ptr_null(find_warn(p, "MP204", "paths[2].path"));
    ck_assert_uint_eq(vs_routes(p, "ns-a", "r-example-com")->len, 1);
    convert_plan_free(p);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("validate");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, host_valid);
    tcase_add_test(tc, host_rfc1123);
    tcase_add_test(tc, host_wildcards_and_prefixes);
    tcase_add_test(tc, host_lengths);
    tcase_add_test(tc, secret_object_and_label_names);
    tcase_add_test(tc, re2_accepts);
    tcase_add_test(tc, re2_refuses_with_reason);
    tcase_add_test(tc, re2_repetition_targets);
    tcase_add_test(tc, re2_program_size);
    tcase_add_test(tc, re2_limits_and_buffers);
    tcase_add_test(tc, origins);
    tcase_add_test(tc, durations_proto_form);
    tcase_add_test(tc, durations_other_units_get_seconds);
    tcase_add_test(tc, durations_whole_and_ms);
    tcase_add_test(tc, methods);
    tcase_add_test(tc, header_names);
    tcase_add_test(tc, paths);
    tcase_add_test(tc, ports);
    tcase_add_test(tc, weights);
    tcase_add_test(tc, retries);
    tcase_add_test(tc, tls);
    tcase_add_test(tc, mp204_names_the_construct);
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
