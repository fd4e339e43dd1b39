/* ipnet.c - Go's IP and CIDR parsing, as ingress-nginx applies it to the
 * source-range annotations (see ipnet.h). The parsers follow net/netip's
 * parseIPv4Fields / parseIPv6 and net.ParseCIDR's dtoi step by step, so the
 * accept/refuse decisions are Go's, not a regex's. */
#include "model/ipnet.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/sort.h"

/* Four decimal fields, each 0-255 without a leading zero. */
static bool parse4(const char *s, size_t len, uint8_t out[4])
{
    int val = 0, digits = 0, pos = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            if (digits == 1 && val == 0)
                return false; /* leading zero */
            val = val * 10 + (c - '0');
            digits++;
            if (val > 255)
                return false;
        } else if (c == '.') {
            if (i == 0 || i == len - 1 || s[i - 1] == '.' || pos == 3)
                return false;
            out[pos++] = (uint8_t)val;
            val = digits = 0;
        } else {
            return false;
        }
    }
    if (pos < 3 || digits == 0)
        return false;
    out[3] = (uint8_t)val;
    return true;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Moves the groups after the "::" to the end, zeros in between. */
static bool expand_ellipsis(uint8_t ip[16], int i, int ellipsis)
{
    if (i == 16)
        return ellipsis < 0; /* "::" must stand for at least one group */
    if (ellipsis < 0)
        return false; /* too short */
    int n = 16 - i;
    for (int j = i - 1; j >= ellipsis; j--)
        ip[j + n] = ip[j];
    memset(ip + ellipsis, 0, (size_t)n);
    return true;
}

/* After a group: the end, or ':' and more (a second ':' is the "::"). */
static bool after_group(const char **s, const char *end, int i, int *ellipsis, bool *done)
{
    if (*s == end) {
        *done = true;
        return true;
    }
    if (**s != ':' || *s + 1 == end)
        return false;
    (*s)++;
    if (**s == ':') {
        if (*ellipsis >= 0)
            return false; /* two "::" */
        *ellipsis = i;
        (*s)++;
        *done = *s == end;
    }
    return true;
}

/* Hex groups, one "::" at most, an IPv4 tail; no zone. */
static bool parse6(const char *s, size_t len, uint8_t ip[16])
{
    const char *end = s + len;
    int ellipsis = -1, i = 0;
    memset(ip, 0, 16);
    if (memchr(s, '%', len))
        return false; /* zones: ParseIP and ParseCIDR refuse them */
    if (len >= 2 && s[0] == ':' && s[1] == ':') {
        ellipsis = 0;
        s += 2;
        if (s == end)
            return true;
    }
    bool done = false;
    while (i < 16 && !done) {
        int off = 0;
        unsigned acc = 0;
        for (; s + off < end && hexval(s[off]) >= 0; off++) {
            if (off > 3)
                return false; /* more than four digits */
            acc = (acc << 4) + (unsigned)hexval(s[off]);
        }
        if (off == 0)
            return false;
        if (s + off < end && s[off] == '.') {
            if ((ellipsis < 0 && i != 12) || i + 4 > 16 || !parse4(s, (size_t)(end - s), ip + i))
                return false;
            s = end;
            i += 4;
            break;
        }
        ip[i] = (uint8_t)(acc >> 8);
        ip[i + 1] = (uint8_t)acc;
        i += 2;
        s += off;
        if (!after_group(&s, end, i, &ellipsis, &done))
            return false;
    }
    return s == end && expand_ellipsis(ip, i, ellipsis);
}

/* netip.ParseAddr (zones refused): *bits 32 or 128; an IPv4 address sits
 * in the last four bytes behind ::ffff, as Go's IP holds it. */
static bool parse_addr(const char *s, size_t len, uint8_t ip[16], int *bits)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '.') {
            memset(ip, 0, 16);
            ip[10] = ip[11] = 0xff;
            *bits = 32;
            return parse4(s, len, ip + 12);
        }
        if (s[i] == ':') {
            *bits = 128;
            return parse6(s, len, ip);
        }
        if (s[i] == '%')
            return false;
    }
    return false;
}

static bool is_v4_mapped(const uint8_t ip[16])
{
    static const uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return !memcmp(ip, prefix, 12);
}

/* netip's string6: lower-case groups, the first longest run of two or
 * more zero groups as "::". */
static void format6(const uint8_t ip[16], char *out, size_t n)
{
    unsigned g[8];
    for (int i = 0; i < 8; i++)
        g[i] = (unsigned)ip[2 * i] << 8 | ip[2 * i + 1];
    int zs = -1, ze = -1;
    for (int i = 0; i < 8; i++) {
        int j = i;
        while (j < 8 && g[j] == 0)
            j++;
        if (j - i >= 2 && j - i > ze - zs) {
            zs = i;
            ze = j;
        }
    }
    size_t o = 0;
    out[0] = 0;
    for (int i = 0; i < 8 && o < n; i++) {
        if (i == zs) {
            o += (size_t)snprintf(out + o, n - o, "::");
            i = ze;
            if (i >= 8)
                break;
        } else if (i > 0) {
            o += (size_t)snprintf(out + o, n - o, ":");
        }
        if (o < n)
            o += (size_t)snprintf(out + o, n - o, "%x", g[i]);
    }
}

/* IP.String(): IPv4 (and IPv4-mapped IPv6) dotted, the rest as IPv6. */
static void format_ip(const uint8_t ip[16], char *out, size_t n)
{
    if (is_v4_mapped(ip))
        snprintf(out, n, "%u.%u.%u.%u", ip[12], ip[13], ip[14], ip[15]);
    else
        format6(ip, out, n);
}

/* net.ParseCIDR's dtoi: decimal digits only, at least one. */
static long prefix_len(const char *s, size_t len)
{
    long v = 0;
    if (len == 0)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
        if (v >= 0xFFFFFF)
            return -1;
    }
    return v;
}

/* ParseCIDR, then IPNet.String() of the masked network. */
static bool parse_cidr(const char *s, size_t len, char out[IPNET_MAX])
{
    const char *slash = memchr(s, '/', len);
    uint8_t ip[16];
    int bits;
    if (!slash || !parse_addr(s, (size_t)(slash - s), ip, &bits))
        return false;
    long plen = prefix_len(slash + 1, len - (size_t)(slash + 1 - s));
    if (plen < 0 || plen > bits)
        return false;
    long keep = bits == 32 ? plen + 96 : plen; /* bits of the 16-byte form */
    for (int b = 0; b < 128; b++)
        if (b >= keep)
            ip[b / 8] &= (uint8_t) ~(0x80u >> (b % 8));
    char addr[IPNET_MAX];
    format_ip(ip, addr, sizeof addr);
    /* a network that is still IPv4-mapped after masking prints as IPv4,
     * with the length counted in IPv4 bits (networkNumberAndMask) */
    if (is_v4_mapped(ip))
        keep -= 96;
    snprintf(out, IPNET_MAX, "%.39s/%d", addr, (int)keep & 0xff);
    return true;
}

bool ipnet_parse(const char *s, size_t len, char out[IPNET_MAX])
{
    if (parse_cidr(s, len, out))
        return true;
    uint8_t ip[16];
    int bits;
    if (memchr(s, '/', len) || !parse_addr(s, len, ip, &bits))
        return false;
    format_ip(ip, out, IPNET_MAX);
    return true;
}

/* Bytes of the white space character at p (Go's unicode.IsSpace), or 0. */
static size_t space_at(const char *p, const char *end)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t left = (size_t)(end - p);
    if (left >= 1 && (*u == ' ' || (*u >= '\t' && *u <= '\r')))
        return 1;
    if (left >= 2 && u[0] == 0xc2 && (u[1] == 0x85 || u[1] == 0xa0))
        return 2;
    if (left >= 3 && u[0] == 0xe1 && u[1] == 0x9a && u[2] == 0x80) /* U+1680 */
        return 3;
    if (left >= 3 && u[0] == 0xe2 && u[1] == 0x80 &&
        (u[2] <= 0x8a || u[2] == 0xa8 || u[2] == 0xa9 || u[2] == 0xaf)) /* U+2000-200A ... */
        return 3;
    if (left >= 3 && u[0] == 0xe2 && u[1] == 0x81 && u[2] == 0x9f) /* U+205F */
        return 3;
    if (left >= 3 && u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80) /* U+3000 */
        return 3;
    return 0;
}

/* Go's strings.TrimSpace on [*s, *e). */
static void trim(const char **s, const char **e)
{
    size_t k;
    while (*s < *e && (k = space_at(*s, *e)) > 0)
        *s += k;
    while (*e > *s) {
        size_t w = 1;
        while (w <= 3 && ((size_t)(*e - *s) < w || space_at(*e - w, *e) != w))
            w++;
        if (w > 3)
            break;
        *e -= w;
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The canonical entries of value into items (count *n), 1 on a bad one. */
static int parse_all(const char *value, char (*items)[IPNET_MAX], size_t *n, char *bad, size_t nbad)
{
    const char *p = value;
    for (;;) {
        const char *comma = strchr(p, ','), *e = comma ? comma : p + strlen(p), *s = p;
        trim(&s, &e);
        if (!ipnet_parse(s, (size_t)(e - s), items[*n])) {
            snprintf(bad, nbad, "%.*s", (int)(e - s), s);
            return 1;
        }
        (*n)++;
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

int ipnet_list(const char *value, doc_node **out, char *bad, size_t nbad)
{
    *out = NULL;
    size_t cap = 1;
    for (const char *c = value; *c; c++)
        cap += *c == ',';
    char(*items)[IPNET_MAX] = calloc(cap, sizeof *items);
    char **sorted = calloc(cap, sizeof *sorted);
    size_t n = 0;
    int rc = !items || !sorted ? -1 : parse_all(value, items, &n, bad, nbad);
    if (rc == 0) {
        for (size_t i = 0; i < n; i++)
            sorted[i] = items[i];
        mp_sort(sorted, n, sizeof *sorted, cmp_str);
        *out = doc_seq_new();
        for (size_t i = 0; rc == 0 && i < n; i++)
            if (!*out || ((i == 0 || strcmp(sorted[i], sorted[i - 1])) &&
                          doc_seq_push(*out, doc_str_new(sorted[i])) < 0))
                rc = -1;
        if (rc < 0) {
            doc_free(*out);
            *out = NULL;
        }
    }
    free(items);
    free(sorted);
    return rc;
}
