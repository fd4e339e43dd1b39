/*
 * validate.c - field validators (validate.h). The rules are what the API
 * server, Istio's admission check and Envoy accept, taken from their
 * sources; where those disagree the stricter one wins, because a value
 * that passes here and is refused at apply time is the worse outcome.
 *
 * val_re2, the regex check, is in validate_re2.c.
 */
#include "model/validate.h"
#include "model/validate_int.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(s, *list))
            return true;
    return false;
}

static bool same_ignoring_case(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        int x = is_upper(*a) ? *a + 32 : *a, y = is_upper(*b) ? *b + 32 : *b;
        if (x != y)
            return false;
    }
    return !*a && !*b;
}

/* ---- hosts and names ------------------------------------------------------ */

/* One DNS label of a multi-label value (idx from 1) or a single label
 * (idx 0): 1..63 of [a-z0-9-], not starting or ending with '-'. */
static bool check_label_max(const char *l, size_t len, size_t idx, size_t max, char *why, size_t n)
{
    char subj[80];
    if (!idx)
        snprintf(subj, sizeof subj, "name");
    else if (quotable(l, len, 63))
        snprintf(subj, sizeof subj, "label \"%.*s\"", (int)len, l);
    else
        snprintf(subj, sizeof subj, "label %zu", idx);
    if (len > max)
        return fail(why, n, "%s is %zu characters (max %zu)", subj, len, max);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)l[i];
        if (is_lower(c) || is_digit(c) || c == '-')
            continue;
        if (c == ' ')
            return fail(why, n, "%s has a space", subj);
        if (c < 0x20 || c >= 0x7f)
            return fail(why, n, "%s has a control or non-ASCII character", subj);
        return fail(why, n, "%s has '%c'", subj, c);
    }
    if (l[0] == '-')
        return fail(why, n, "%s starts with '-'", subj);
    if (l[len - 1] == '-')
        return fail(why, n, "%s ends with '-'", subj);
    return true;
}

static bool check_label(const char *l, size_t len, size_t idx, char *why, size_t n)
{
    return check_label_max(l, len, idx, 63, why, n);
}

/* Dot-separated labels of at most max characters; the first may be "*"
 * when wildcard. DNS names have 63; an object name (the API server's RFC
 * 1123 subdomain) has no limit per label, only 253 in all. */
static bool check_labels_max(const char *s, bool wildcard, size_t max, char *why, size_t n)
{
    size_t idx = 1;
    for (const char *l = s;; idx++) {
        const char *dot = strchr(l, '.');
        size_t len = dot ? (size_t)(dot - l) : strlen(l);
        if (!len)
            return fail(why, n, l == s ? "starts with '.'" : "empty label (two dots in a row)");
        if (memchr(l, '*', len)) {
            if (!(wildcard && idx == 1 && len == 1))
                return fail(why, n, "\"*\" only as the whole first label");
        } else if (!check_label_max(l, len, idx, max, why, n)) {
            return false;
        }
        if (!dot)
            return true;
        l = dot + 1;
    }
}

static bool check_labels(const char *s, bool wildcard, char *why, size_t n)
{
    return check_labels_max(s, wildcard, 63, why, n);
}

static bool has_upper(const char *s)
{
    for (; *s; s++)
        if (is_upper(*s))
            return true;
    return false;
}

static bool all_digits(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!is_digit(s[i]))
            return false;
    return len > 0;
}

/* Four decimal labels 0..255 without leading zeros. */
static bool is_ipv4(const char *s)
{
    int parts = 0;
    for (const char *l = s;; parts++) {
        const char *dot = strchr(l, '.');
        size_t len = dot ? (size_t)(dot - l) : strlen(l);
        if (!all_digits(l, len) || len > 3 || (len > 1 && l[0] == '0'))
            return false;
        if (len == 3 && strncmp(l, "255", 3) > 0)
            return false;
        if (!dot)
            return parts == 3;
        l = dot + 1;
    }
}

/* The last label all digits: an IPv4 address (no wildcard) or a mistake;
 * Istio refuses all-numeric top-level labels. */
static bool check_numeric_tld(const char *host, char *why, size_t n)
{
    const char *tld = strrchr(host, '.');
    tld = tld ? tld + 1 : host;
    if (!all_digits(tld, strlen(tld)))
        return true;
    if (host[0] == '*')
        return fail(why, n, "a wildcard does not go on an IP address");
    if (is_ipv4(host))
        return true;
    if (quotable(tld, strlen(tld), 20))
        return fail(why, n, "last label \"%s\" is all digits and this is no IPv4 address", tld);
    return fail(why, n, "last label is all digits and this is no IPv4 address");
}

/* Whether the text before slash is a Gateway's namespace ("ns-a", "*" or
 * ".") in front of a host, rather than a host in front of a path. */
static bool ns_prefix(const char *host, const char *slash)
{
    size_t len = (size_t)(slash - host);
    if (!len || !slash[1] || strchr(slash + 1, '/'))
        return false;
    return (len == 1 && (host[0] == '*' || host[0] == '.')) || !memchr(host, '.', len);
}

bool val_host(const char *host, bool tenant_ns, char *why, size_t n)
{
    if (!host || !*host)
        return fail(why, n, "empty");
    const char *slash = strchr(host, '/');
    if (slash)
        return fail(why, n,
                    ns_prefix(host, slash) ? "namespace/ prefix: give the host alone"
                                           : "has '/': a host has no path");
    if (!strcmp(host, "*"))
        return tenant_ns ? fail(why, n, "\"*\" alone would take every tenant's hosts") : true;
    size_t len = strlen(host);
    if (len > 253)
        return fail(why, n, "%zu characters (max 253)", len);
    if (host[len - 1] == '.')
        return fail(why, n, "trailing dot: write the host without it");
    if (has_upper(host))
        return fail(why, n, "uppercase letters: hosts are lower case");
    if (!check_labels(host, true, why, n))
        return false;
    return check_numeric_tld(host, why, n);
}

static bool check_subdomain(const char *s, const char *noun, char *why, size_t n)
{
    if (!s || !*s)
        return fail(why, n, "empty");
    size_t len = strlen(s);
    if (len > 253)
        return fail(why, n, "%zu characters (max 253)", len);
    if (has_upper(s))
        return fail(why, n, "uppercase letters: %s are lower case", noun);
    if (s[len - 1] == '.')
        return fail(why, n, "ends with '.'");
    if (!strchr(s, '.'))
        return check_label_max(s, len, 0, 253, why, n);
    return check_labels_max(s, false, 253, why, n);
}

bool val_secret_name(const char *s, char *why, size_t n)
{
    return check_subdomain(s, "Secret names", why, n);
}

bool val_object_name(const char *s, char *why, size_t n)
{
    return check_subdomain(s, "names", why, n);
}

bool val_dns_label(const char *s, char *why, size_t n)
{
    if (!s || !*s)
        return fail(why, n, "empty");
    if (has_upper(s))
        return fail(why, n, "uppercase letters: names are lower case");
    if (strchr(s, '.'))
        return fail(why, n, "has '.': one DNS label, no dots");
    return check_label(s, strlen(s), 0, why, n);
}

/* ---- CORS origins --------------------------------------------------------- */

/* scheme://host[:port]: what a browser sends in Origin, lower case. */
static bool check_origin_shape(const char *v, char *why, size_t n)
{
    const char *p = v;
    while (is_alnum(*p) || *p == '+' || *p == '-' || *p == '.')
        p++;
    if (p == v || !is_alnum(*v) || is_digit(*v) || strncmp(p, "://", 3))
        return fail(why, n, "not an origin: write scheme://host[:port]");
    if (has_upper(v))
        return fail(why, n, "uppercase letters: browsers send origins in lower case");
    const char *host = p + 3, *h = host;
    if (*h == '[') {
        h = strchr(h, ']');
        if (!h)
            return fail(why, n, "'[' without ']' in the host");
        h++;
    }
    for (; *h && *h != ':' && *h != '/'; h++) {
        if (*h == '*')
            return fail(why, n, "'*' in an exact origin is no wildcard: use a regex");
        if ((unsigned char)*h >= 0x80)
            return fail(why, n, "host has a non-ASCII character: use its xn-- form");
        if (!is_lower(*h) && !is_digit(*h) && *h != '-' && *h != '.')
            return fail(why, n, "host has '%c'", *h);
    }
    if (h == host)
        return fail(why, n, "no host after ://");
    if (*h == ':') {
        size_t nd = strspn(h + 1, "0123456789");
        long port = 0;
        for (size_t i = 0; i < nd && i < 6; i++)
            port = port * 10 + (h[1 + i] - '0');
        if (!nd || nd > 5 || port < 1 || port > 65535)
            return fail(why, n, "port after ':' must be 1-65535");
        h += 1 + nd;
    }
    if (*h == '/' && !h[1])
        return fail(why, n, "trailing '/': an origin has no path");
    if (*h)
        return fail(why, n, "'%c' after the host: an origin is scheme://host[:port]", *h);
    return true;
}

bool val_origin(const char *kind, const char *value, char *why, size_t n)
{
    bool exact = kind && !strcmp(kind, "exact"), prefix = kind && !strcmp(kind, "prefix");
    if (!exact && !prefix && !(kind && !strcmp(kind, "regex")))
        return fail(why, n, "match kind is exact, prefix or regex");
    /* istiod refuses an empty matcher of any kind */
    if (!value || !*value)
        return fail(why, n, "empty");
    if (!exact && !prefix)
        return val_re2(value, why, n);
    for (const char *p = value; *p; p++) {
        if (*p == ' ' || *p == '\t')
            return fail(why, n, "has a space");
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return fail(why, n, "has a control character");
    }
    if (prefix || !strcmp(value, "*"))
        return true;
    return check_origin_shape(value, why, n);
}

/* ---- durations ------------------------------------------------------------ */

#define NS_PER_S  1000000000LL
#define NS_PER_MS 1000000LL
#define DUR_MAX_S 315576000000LL /* protobuf Duration's largest */

/* "<digits>[.<1-9 digits>]s", the protobuf JSON form istiod reads: 0 and
 * its value, -2 when the fraction has more than 9 digits, -1 otherwise. */
static int dur_canonical(const char *s, long long *sec, long long *ns)
{
    const char *p = s;
    if (!is_digit(*p))
        return -1;
    for (*sec = 0; is_digit(*p); p++)
        if (*sec <= DUR_MAX_S)
            *sec = *sec * 10 + (*p - '0');
    *ns = 0;
    size_t nd = 0;
    if (*p == '.') {
        long long scale = NS_PER_S;
        for (p++; is_digit(*p); p++, nd++)
            if (nd < 9) {
                scale /= 10;
                *ns += (*p - '0') * scale;
            }
        if (!nd)
            return -1;
    }
    if (p[0] != 's' || p[1])
        return -1;
    return nd > 9 ? -2 : 0;
}

/* A Go duration ("1m", "500ms", "1h30m", ".5s"): its nanoseconds, or -1
 * when s is none or longer than Go's ~292 years. */
static long long dur_go(const char *s)
{
    static const struct {
        const char *unit;
        long long ns;
    } units[] = {{"ns", 1},         {"us", 1000},    {"\xc2\xb5s", 1000},  {"\xce\xbcs", 1000},
                 {"ms", NS_PER_MS}, {"s", NS_PER_S}, {"m", 60 * NS_PER_S}, {"h", 3600 * NS_PER_S}};
    long long total = 0;
    if (!*s)
        return -1;
    while (*s) {
        const char *p = s;
        long long ip = 0, fp = 0, fscale = 1;
        for (; is_digit(*p); p++)
            if ((ip = ip * 10 + (*p - '0')) > 10000000000000LL)
                return -1;
        bool digits = p > s;
        if (*p == '.')
            for (p++; is_digit(*p); p++, digits = true)
                if (fscale < 1000000000000LL)
                    fp = fp * 10 + (*p - '0'), fscale *= 10;
        size_t k = 0, nu = sizeof units / sizeof *units;
        while (k < nu && strncmp(p, units[k].unit, strlen(units[k].unit)))
            k++;
        if (!digits || k == nu || ip > LLONG_MAX / units[k].ns)
            return -1;
        long long v = ip * units[k].ns + (long long)((long double)fp * units[k].ns / fscale);
        if (total > LLONG_MAX - v)
            return -1;
        total += v;
        s = p + strlen(units[k].unit);
    }
    return total;
}

static void fmt_seconds(long long sec, long long ns, char *buf, size_t n)
{
    char frac[16];
    snprintf(frac, sizeof frac, "%09lld", ns);
    int l = 9;
    while (l && frac[l - 1] == '0')
        l--;
    if (l)
        snprintf(buf, n, "%lld.%.*ss", sec, l, frac);
    else
        snprintf(buf, n, "%llds", sec);
}

/* What istiod checks on the value: 1ms or more, whole milliseconds. */
static bool dur_range(long long sec, long long ns, bool allow_empty, char *why, size_t n)
{
    if (!sec && !ns)
        return allow_empty ? fail(why, n, "0s: Istio rejects a zero timeout; leave empty for none")
                           : fail(why, n, "0s: Istio rejects a zero duration");
    if (!sec && ns < NS_PER_MS)
        return fail(why, n, "below 1ms, Istio's minimum");
    if (ns % NS_PER_MS)
        return fail(why, n, "finer than 1ms: Istio takes whole milliseconds");
    if (sec > DUR_MAX_S)
        return fail(why, n, "above %llds, the protobuf maximum", DUR_MAX_S);
    return true;
}

/* Not in the protobuf form: say what to write instead. */
static bool dur_suggest(const char *s, bool allow_empty, char *why, size_t n)
{
    size_t len = strlen(s);
    char buf[48];
    long long sec, ns;
    if (len < 32 && (s[len - 1] == 'S' || is_digit(s[len - 1]))) {
        snprintf(buf, sizeof buf, "%.*ss", (int)(len - (s[len - 1] == 'S')), s);
        if (!dur_canonical(buf, &sec, &ns)) {
            if (!dur_range(sec, ns, allow_empty, why, n))
                return false;
            return s[len - 1] == 'S' ? fail(why, n, "lower-case unit: write %s", buf)
                                     : fail(why, n, "no unit: write %s", buf);
        }
    }
    long long total = dur_go(s);
    if (total < 0)
        return fail(why, n, "not a duration: write seconds, e.g. 30s or 0.5s");
    sec = total / NS_PER_S;
    ns = total % NS_PER_S;
    if (!dur_range(sec, ns, allow_empty, why, n))
        return false;
    fmt_seconds(sec, ns, buf, sizeof buf);
    return fail(why, n, "use %s: Istio reads durations as seconds", buf);
}

bool val_duration(const char *s, bool allow_empty, char *why, size_t n)
{
    if (!s || !*s)
        return allow_empty ? true : fail(why, n, "required, e.g. 30s");
    if (*s == '-')
        return fail(why, n, "negative: Istio needs 1ms or more");
    long long sec, ns;
    int r = dur_canonical(s, &sec, &ns);
    if (r == -2)
        return fail(why, n, "more than 9 decimals");
    if (r < 0)
        return dur_suggest(s, allow_empty, why, n);
    return dur_range(sec, ns, allow_empty, why, n);
}

/* istiod refuses a CORS maxAge with a fraction of a second. */
bool val_duration_whole(const char *s, bool allow_empty, char *why, size_t n)
{
    if (!val_duration(s, allow_empty, why, n))
        return false;
    long long sec, ns;
    if (!s || !*s || dur_canonical(s, &sec, &ns) || !ns)
        return true;
    return sec ? fail(why, n, "whole seconds only: use %llds or %llds", sec, sec + 1)
               : fail(why, n, "whole seconds only: use 1s");
}

bool val_duration_ms(const char *s, long long *ms)
{
    long long sec, ns;
    if (!val_duration(s, false, NULL, 0) || dur_canonical(s, &sec, &ns))
        return false;
    if (ms)
        *ms = sec * 1000 + ns / NS_PER_MS;
    return true;
}

/* ---- methods, headers, paths ---------------------------------------------- */

static const char *const methods[] = {"GET",     "HEAD",    "POST",  "PUT",   "DELETE",
                                      "CONNECT", "OPTIONS", "TRACE", "PATCH", NULL};

const char *const *val_methods(size_t *n)
{
    if (n)
        *n = sizeof methods / sizeof *methods - 1;
    return methods;
}

bool val_method(const char *m, char *why, size_t n)
{
    if (!m || !*m)
        return fail(why, n, "empty");
    if (in_list(m, methods))
        return true;
    for (const char *const *k = methods; *k; k++)
        if (same_ignoring_case(m, *k))
            return fail(why, n, "methods are upper case: %s", *k);
    return fail(why, n, "not one of GET HEAD POST PUT DELETE CONNECT OPTIONS TRACE PATCH");
}

static bool is_tchar(int c)
{
    return is_alnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

bool val_header_name(const char *h, bool allow_star, char *why, size_t n)
{
    if (!h || !*h)
        return fail(why, n, "empty");
    if (!strcmp(h, "*"))
        return allow_star ? true : fail(why, n, "\"*\" is no header name here");
    for (const char *p = h; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (is_tchar(c))
            continue;
        if (c == ' ' || c == '\t')
            return fail(why, n, "has a space");
        if (c < 0x20 || c >= 0x7f)
            return fail(why, n, "has a control or non-ASCII character");
        return fail(why, n, "has '%c'", c);
    }
    return true;
}

bool val_path(const char *p, char *why, size_t n)
{
    if (!p || !*p)
        return fail(why, n, "empty: a path starts with '/'");
    if (*p != '/')
        return fail(why, n, "must start with '/'");
    for (; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == ' ')
            return fail(why, n, "has a space: write %%20");
        if (c < 0x20 || c == 0x7f)
            return fail(why, n, "has a control character");
        if (c == '?')
            return fail(why, n, "has '?': the query is not part of the path");
        if (c == '#')
            return fail(why, n, "has '#': the fragment is not part of the path");
    }
    return true;
}

/* ---- numbers ---------------------------------------------------------------- */

/* Decimal digits only, no sign, no leading zero; range is for the reason. */
static bool parse_num(const char *s, long max, long *out, const char *range, char *why, size_t n)
{
    if (!s || !*s)
        return fail(why, n, "empty: %s", range);
    long v = 0;
    for (const char *p = s; *p; p++) {
        if (!is_digit(*p))
            return fail(why, n, "digits only: %s", range);
        if (v <= max)
            v = v * 10 + (*p - '0');
    }
    if (s[0] == '0' && s[1])
        return fail(why, n, "leading zero: %s", range);
    if (v > max)
        return fail(why, n, "above %ld", max);
    *out = v;
    return true;
}

bool val_port(const char *s, long *port, char *why, size_t n)
{
    long v = 0;
    if (!parse_num(s, 65535, &v, "1-65535", why, n))
        return false;
    if (!v)
        return fail(why, n, "0 is no port: 1-65535");
    if (port)
        *port = v;
    return true;
}

bool val_weight(const char *s, long *w, char *why, size_t n)
{
    long v = 0;
    if (!parse_num(s, 100, &v, "0-100", why, n))
        return false;
    if (w)
        *w = v;
    return true;
}

/* Several destinations each need a weight: istiod takes a missing one as
 * 0, which is never what the form meant. */
bool val_weights_total(const long *w, size_t n, char *why, size_t n_why)
{
    if (n <= 1)
        return true;
    long sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (w[i] < 0)
            return fail(why, n_why, "destination %zu has no weight (%zu destinations)", i + 1, n);
        sum += w[i];
    }
    if (sum != 100)
        return fail(why, n_why, "weights total %ld, not 100", sum);
    return true;
}

bool val_attempts(const char *s, long *out, char *why, size_t n)
{
    long v = 0;
    if (!parse_num(s, 1000, &v, "0-1000", why, n))
        return false;
    if (out)
        *out = v;
    return true;
}

/* ---- retryOn ---------------------------------------------------------------- */

/* istiod's list: validate.go supportedRetryOnPolicies (it also has
 * reset-before-request). */
static const char *const retry_conditions[] = {"5xx",
                                               "gateway-error",
                                               "reset",
                                               "reset-before-request",
                                               "connect-failure",
                                               "envoy-ratelimited",
                                               "retriable-4xx",
                                               "refused-stream",
                                               "retriable-status-codes",
                                               "retriable-headers",
                                               "cancelled",
                                               "deadline-exceeded",
                                               "internal",
                                               "resource-exhausted",
                                               "unavailable",
                                               "http3-post-connect-failure",
                                               NULL};

/* istiod accepts a status code only when Go's http.StatusText knows it. */
static const short http_statuses[] = {
    100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301,
    302, 303, 304, 305, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409,
    410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424, 425, 426, 428,
    429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511};

static bool check_retry_status(const char *it, size_t len, char *why, size_t n)
{
    long v = 0;
    for (size_t i = 0; i < len && i < 4; i++)
        v = v * 10 + (it[i] - '0');
    for (size_t i = 0; len == 3 && i < sizeof http_statuses / sizeof *http_statuses; i++)
        if (http_statuses[i] == v)
            return true;
    return quotable(it, len, 12)
               ? fail(why, n, "\"%.*s\" is no HTTP status Istio knows", (int)len, it)
               : fail(why, n, "a number that is no HTTP status Istio knows");
}

static bool check_retry_item(const char *it, size_t len, char *why, size_t n)
{
    if (!len)
        return fail(why, n, "empty item between commas");
    if (memchr(it, ' ', len) || memchr(it, '\t', len))
        return fail(why, n, "has a space: write 5xx,reset without spaces");
    if (all_digits(it, len))
        return check_retry_status(it, len, why, n);
    char item[40];
    if (len < sizeof item) {
        memcpy(item, it, len);
        item[len] = 0;
        if (in_list(item, retry_conditions))
            return true;
        for (const char *const *k = retry_conditions; *k; k++)
            if (same_ignoring_case(item, *k))
                return fail(why, n, "conditions are lower case: %s", *k);
    }
    return quotable(it, len, 32) ? fail(why, n, "unknown condition \"%.*s\"", (int)len, it)
                                 : fail(why, n, "unknown retry condition");
}

bool val_retry_on(const char *s, char *why, size_t n)
{
    if (!s || !*s)
        return fail(why, n, "empty: e.g. 5xx,reset,connect-failure");
    for (const char *it = s;;) {
        const char *comma = strchr(it, ',');
        size_t len = comma ? (size_t)(comma - it) : strlen(it);
        if (!check_retry_item(it, len, why, n))
            return false;
        if (!comma)
            return true;
        it = comma + 1;
    }
}

/* ---- TLS -------------------------------------------------------------------- */

static const char *const tls_modes[] = {
    "SIMPLE", "MUTUAL", "PASSTHROUGH", "ISTIO_MUTUAL", "AUTO_PASSTHROUGH", "OPTIONAL_MUTUAL", NULL};
static const char *const tls_versions[] = {"TLS_AUTO", "TLSV1_0", "TLSV1_1",
                                           "TLSV1_2",  "TLSV1_3", NULL};

/* Equal once case and everything but letters and digits are ignored:
 * "TLSv1.2" is TLSV1_2, "istio-mutual" is ISTIO_MUTUAL. */
static bool same_loosely(const char *a, const char *b)
{
    for (;;) {
        while (*a && !is_alnum(*a))
            a++;
        while (*b && !is_alnum(*b))
            b++;
        if (!*a || !*b)
            return !*a && !*b;
        if ((is_upper(*a) ? *a + 32 : *a) != (is_upper(*b) ? *b + 32 : *b))
            return false;
        a++, b++;
    }
}

static bool check_enum(const char *s, const char *const *list, const char *all, char *why, size_t n)
{
    if (!s || !*s)
        return fail(why, n, "empty: one of %s", all);
    if (in_list(s, list))
        return true;
    for (const char *const *k = list; *k; k++)
        if (same_loosely(s, *k))
            return fail(why, n, "write %s", *k);
    return fail(why, n, "not one of %s", all);
}

bool val_tls_mode(const char *s, char *why, size_t n)
{
    return check_enum(s, tls_modes,
                      "SIMPLE MUTUAL PASSTHROUGH ISTIO_MUTUAL AUTO_PASSTHROUGH OPTIONAL_MUTUAL",
                      why, n);
}

bool val_tls_version(const char *s, char *why, size_t n)
{
    return check_enum(s, tls_versions, "TLS_AUTO TLSV1_0 TLSV1_1 TLSV1_2 TLSV1_3", why, n);
}
