/*
 * emit_yaml.c - canonical YAML written directly, byte for byte what
 * libyaml 0.2.5's emitter writes for the same events (emit.c, the reference).
 *
 * libyaml spent half of convert's encoding time queueing events, copying
 * every scalar into its own buffer and analysing it; this writes the text
 * straight into the output. What it mirrors of libyaml's emitter (src/emitter.c)
 * with emit.c's settings (indent 2, width -1 so never folded, unicode, "\n"):
 *  - the state it decides line breaks and spaces with: column, whitespace
 *    (the last thing written was blank) and indention (only indentation or
 *    "- " on the line so far), and its write_indent / write_indicator;
 *  - block maps and sequences, a sequence under a map key not indented
 *    ("indentless"), empty ones as {} and [];
 *  - yaml_emitter_analyze_scalar and select_scalar_style: the style emit.c
 *    asks for may be refused (plain -> single -> double quotes, literal ->
 *    double quotes) for what the scalar holds;
 *  - the plain, single-quoted, double-quoted (its escapes) and literal
 *    writers ("|-", "|+", the "2" indentation indicator, "..." after the
 *    document when the last literal kept its final breaks);
 *  - emit.c's escaping of bidi controls that libyaml writes raw.
 * A document with something this does not write (a key libyaml makes
 * complex: "? key", i.e. longer than 128 bytes or holding a line break;
 * bytes libyaml refuses: invalid UTF-8; a NUL inside a scalar) is written
 * by libyaml instead, whole.
 * tests/unit/test_emit_yaml.c and tests/fuzz/fuzz_yaml.c compare both.
 */
#include <stdint.h>
#include <string.h>

#include "model/bytescan.h"
#include "model/emit.h"
#include "model/emit_int.h"
#include "model/sanitize.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

typedef enum { ST_PLAIN, ST_SINGLE, ST_DOUBLE, ST_LITERAL } style;

/* libyaml's emitter state; column counts bytes (libyaml: characters), which
 * differs only after non-ASCII text, where indention is false and column is
 * never compared. */
typedef yaml_w yw; /* out, column, whitespace, indention, open_ended, bail */

/* What yaml_emitter_analyze_scalar finds, for block context. */
typedef struct {
    bool multiline;
    bool block_plain_allowed;
    bool single_quoted_allowed;
    bool block_allowed;
} scalar_facts;

static inline void put(yw *w, const char *s, size_t n)
{
    strbuf *sb = w->out;
    if (sb->len + n + 1 <= sb->cap) {
        memcpy(sb->buf + sb->len, s, n);
        sb->len += n;
    } else {
        strbuf_append(sb, s, n);
    }
    w->column += n;
}

static void putc1(yw *w, char c)
{
    strbuf *sb = w->out;
    if (sb->len + 2 <= sb->cap) {
        sb->buf[sb->len++] = c;
        w->column++;
    } else {
        put(w, &c, 1);
    }
}

static void put_break(yw *w)
{
    putc1(w, '\n');
    w->column = 0;
}

#define YAML_W_SPACES 64
static const char yaml_w_spaces[YAML_W_SPACES + 1] =
    "                                                                ";

static void write_indent(yw *w, int indent)
{
    const char *spaces = yaml_w_spaces;
    size_t want = indent >= 0 ? (size_t)indent : 0;
    bool brk = !w->indention || w->column > want || (w->column == want && !w->whitespace);
    strbuf *sb = w->out;
    if (brk && want <= YAML_W_SPACES && sb->len + want + 2 <= sb->cap) {
        /* the usual case: a new line and its indentation at once */
        char *at = sb->buf + sb->len;
        *at = '\n';
        memcpy(at + 1, spaces, want);
        sb->len += want + 1;
        w->column = want;
        w->whitespace = true;
        w->indention = true;
        return;
    }
    if (brk)
        put_break(w);
    while (w->column < want) {
        size_t k = want - w->column;
        put(w, spaces, k < YAML_W_SPACES ? k : YAML_W_SPACES);
    }
    w->whitespace = true;
    w->indention = true;
}

static void write_indicator(yw *w, const char *ind, size_t n, bool need_ws, bool is_ws,
                            bool is_indention)
{
    if (need_ws && !w->whitespace)
        putc1(w, ' ');
    put(w, ind, n);
    w->whitespace = is_ws;
    w->indention = w->indention && is_indention;
}

/* ---- libyaml's character classes (yaml_private.h); at(i) past the end is
 * the NUL libyaml's copy of the scalar ends with ---- */

static unsigned char at(const unsigned char *s, size_t n, size_t i)
{
    return i < n ? s[i] : 0;
}

static size_t width(unsigned char c)
{
    return (c & 0x80) == 0 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
}

static bool is_break(const unsigned char *s, size_t n, size_t i)
{
    unsigned char c = at(s, n, i);
    if (c == '\r' || c == '\n')
        return true;
    if (c == 0xC2)
        return at(s, n, i + 1) == 0x85;
    return c == 0xE2 && at(s, n, i + 1) == 0x80 &&
           (at(s, n, i + 2) == 0xA8 || at(s, n, i + 2) == 0xA9);
}

static bool is_blankz(const unsigned char *s, size_t n, size_t i)
{
    unsigned char c = at(s, n, i);
    return c == ' ' || c == '\t' || c == 0 || is_break(s, n, i);
}

static bool is_printable(const unsigned char *s, size_t n, size_t i)
{
    unsigned char c = at(s, n, i), c1 = at(s, n, i + 1), c2 = at(s, n, i + 2);
    return c == 0x0A || (c >= 0x20 && c <= 0x7E) || (c == 0xC2 && c1 >= 0xA0) ||
           (c > 0xC2 && c < 0xED) || (c == 0xED && c1 < 0xA0) || c == 0xEE ||
           (c == 0xEF && !(c1 == 0xBB && c2 == 0xBF) &&
            !(c1 == 0xBF && (c2 == 0xBE || c2 == 0xBF)));
}

static bool is_bom(const unsigned char *s, size_t n, size_t i)
{
    return at(s, n, i) == 0xEF && at(s, n, i + 1) == 0xBB && at(s, n, i + 2) == 0xBF;
}

/* yaml_check_utf8, which makes yaml_scalar_event_initialize fail, and no
 * NUL (libyaml's reference is given the C string: it would stop there).
 * *wide: some byte is not ASCII. */
static bool utf8_ok(const unsigned char *s, size_t n, bool *wide)
{
    *wide = false;
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        if (c < 0x80) {
            if (!c)
                return false;
            i++;
            continue;
        }
        *wide = true;
        size_t wd = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (!wd || i + wd > n)
            return false;
        unsigned v = wd == 2 ? c & 0x1Fu : wd == 3 ? c & 0x0Fu : c & 0x07u;
        for (size_t k = 1; k < wd; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            v = (v << 6) + (s[i + k] & 0x3Fu);
        }
        if ((wd == 2 && v < 0x80) || (wd == 3 && v < 0x800) || (wd == 4 && v < 0x10000))
            return false;
        i += wd;
    }
    return true;
}

/* ---- yaml_emitter_analyze_scalar ---- */

/* Whether the indicator c at position i keeps the scalar from being plain
 * in block context (flow context never holds a scalar here). */
static bool block_indicator(unsigned char c, size_t i, bool preceded, bool followed)
{
    if (i == 0)
        return strchr("#,[]{}&*!|>'\"%@`", c) || ((c == '?' || c == ':' || c == '-') && followed);
    return (c == ':' && followed) || (c == '#' && preceded);
}

static scalar_facts analyze(const unsigned char *s, size_t n)
{
    scalar_facts f = {false, true, true, false};
    if (!n)
        return f;
    bool block_ind = (s[0] == '-' && at(s, n, 1) == '-' && at(s, n, 2) == '-') ||
                     (s[0] == '.' && at(s, n, 1) == '.' && at(s, n, 2) == '.');
    bool line_breaks = false, special = false, leading = false, trailing_space = false;
    bool trailing_break = false, break_space = false, space_break = false;
    bool prev_space = false, prev_break = false, preceded = true;
    bool followed = is_blankz(s, n, width(s[0]));
    for (size_t i = 0; i < n;) {
        size_t wd = width(s[i]);
        if (s[i] && strchr("#,[]{}&*!|>'\"%@`?:-", s[i]))
            block_ind |= block_indicator(s[i], i, preceded, followed);
        if (!is_printable(s, n, i))
            special = true;
        bool brk = is_break(s, n, i);
        if (brk)
            line_breaks = true;
        if (s[i] == ' ') {
            leading |= i == 0;
            trailing_space |= i + wd == n;
            break_space |= prev_break;
            prev_space = true;
            prev_break = false;
        } else if (brk) {
            leading |= i == 0;
            trailing_break |= i + wd == n;
            space_break |= prev_space;
            prev_space = false;
            prev_break = true;
        } else {
            prev_space = prev_break = false;
        }
        preceded = is_blankz(s, n, i);
        i += wd;
        if (i < n)
            followed = is_blankz(s, n, i + width(s[i]));
    }
    f.multiline = line_breaks;
    f.block_allowed = !trailing_space && !space_break && !special;
    f.single_quoted_allowed = !break_space && !space_break && !special;
    f.block_plain_allowed = !(leading || trailing_space || trailing_break || break_space ||
                              space_break || special || line_breaks || block_ind);
    return f;
}

/* ---- the writers ---- */

static void write_hex(yw *w, char kind, unsigned v, int digits);

/* Text as libyaml copies it, but a bidi control that libyaml deems
 * printable as emit.c writes it afterwards: \uXXXX (only a non-string
 * scalar can hold one outside double quotes). */
static void put_text(yw *w, const char *s, size_t n, bool wide)
{
    if (!wide) {
        put(w, s, n);
        return;
    }
    size_t run = 0;
    for (size_t i = 0; i < n;) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t k = san_utf8_decode(s + i, n - i, &cp);
        if (san_cp_is_control(cp)) {
            put(w, s + run, i - run);
            write_hex(w, 'u', cp, 4);
            run = i + k;
        }
        i += k;
    }
    put(w, s + run, n - run);
}

static void write_plain(yw *w, const char *s, size_t n, bool wide)
{
    if (!w->whitespace && n)
        putc1(w, ' ');
    put_text(w, s, n, wide);
    w->whitespace = false;
    w->indention = false;
}

/* A line break copied as libyaml's WRITE_BREAK copies it. */
static void copy_break(yw *w, const char *s, size_t wd)
{
    if (*s == '\n') {
        put_break(w);
    } else {
        put(w, s, wd);
        w->column = 0;
    }
}

/* libyaml's single-quoted writer: breaks only in a non-string scalar or
 * after a LS/PS (a "\n" is preceded by one more), the next line indented
 * unless it starts with spaces. */
static void write_single(yw *w, const char *str, size_t n, int indent, bool wide)
{
    const unsigned char *s = (const unsigned char *)str;
    write_indicator(w, "'", 1, true, false, false);
    bool breaks = false;
    for (size_t i = 0; i < n;) {
        size_t wd = width(s[i]);
        if (s[i] == ' ') {
            putc1(w, ' ');
        } else if (is_break(s, n, i)) {
            if (!breaks && s[i] == '\n')
                put_break(w);
            copy_break(w, str + i, wd);
            w->indention = true;
            breaks = true;
        } else {
            if (breaks)
                write_indent(w, indent);
            if (s[i] == '\'')
                putc1(w, '\'');
            put_text(w, str + i, wd, wide);
            w->indention = false;
            breaks = false;
        }
        i += wd;
    }
    if (breaks)
        write_indent(w, indent);
    write_indicator(w, "'", 1, false, false, false);
}

static void write_hex(yw *w, char kind, unsigned v, int digits)
{
    char buf[12];
    buf[0] = '\\';
    buf[1] = kind;
    for (int k = 0; k < digits; k++) {
        unsigned d = (v >> (4 * (digits - 1 - k))) & 0xF;
        buf[2 + k] = (char)(d < 10 ? '0' + d : 'A' + d - 10);
    }
    put(w, buf, (size_t)digits + 2);
}

static void write_escape(yw *w, const unsigned char *s, size_t wd)
{
    static const char short_esc[][2] = {{0x00, '0'}, {0x07, 'a'}, {0x08, 'b'}, {0x09, 't'},
                                        {0x0A, 'n'}, {0x0B, 'v'}, {0x0C, 'f'}, {0x0D, 'r'},
                                        {0x1B, 'e'}, {0x22, '"'}, {0x5C, '\\'}};
    unsigned v = wd == 1 ? s[0] : wd == 2 ? s[0] & 0x1Fu : wd == 3 ? s[0] & 0x0Fu : s[0] & 0x07u;
    for (size_t k = 1; k < wd; k++)
        v = (v << 6) + (s[k] & 0x3Fu);
    for (size_t k = 0; k < sizeof short_esc / sizeof *short_esc; k++)
        if (v == (unsigned char)short_esc[k][0]) {
            char e[2] = {'\\', short_esc[k][1]};
            put(w, e, 2);
            return;
        }
    char named = v == 0x85 ? 'N' : v == 0xA0 ? '_' : v == 0x2028 ? 'L' : v == 0x2029 ? 'P' : 0;
    if (named) {
        char e[2] = {'\\', named};
        put(w, e, 2);
    } else if (v <= 0xFF) {
        write_hex(w, 'x', v, 2);
    } else if (v <= 0xFFFF) {
        write_hex(w, 'u', v, 4);
    } else {
        write_hex(w, 'U', v, 8);
    }
}

static void write_double(yw *w, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    write_indicator(w, "\"", 1, true, false, false);
    size_t run = 0; /* start of the bytes not yet written */
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
            i++;
            continue;
        }
        size_t wd = width(c);
        bool esc =
            !is_printable(s, n, i) || is_bom(s, n, i) || is_break(s, n, i) || c == '"' || c == '\\';
        uint32_t cp = 0;
        if (!esc) { /* printable non-ASCII: emit.c escapes the bidi controls */
            san_utf8_decode(str + i, n - i, &cp);
            if (!san_cp_is_control(cp)) {
                i += wd;
                continue;
            }
        }
        put(w, str + run, i - run);
        if (esc)
            write_escape(w, s + i, wd);
        else
            write_hex(w, 'u', cp, 4);
        i += wd;
        run = i;
    }
    put(w, str + run, n - run);
    write_indicator(w, "\"", 1, false, false, false);
}

/* The start of the character before position i (i > 0). */
static size_t char_before(const unsigned char *s, size_t i)
{
    do
        i--;
    while (i > 0 && (s[i] & 0xC0) == 0x80);
    return i;
}

static void write_literal(yw *w, const char *str, size_t n, int indent, bool wide)
{
    const unsigned char *s = (const unsigned char *)str;
    write_indicator(w, "|", 1, true, false, false);
    if (n && (s[0] == ' ' || is_break(s, n, 0)))
        write_indicator(w, "2", 1, false, false, false);
    w->open_ended = 0;
    const char *chomp = NULL;
    if (!n) {
        chomp = "-";
    } else {
        size_t last = char_before(s, n);
        if (!is_break(s, n, last))
            chomp = "-";
        else if (last == 0 || is_break(s, n, char_before(s, last)))
            chomp = "+", w->open_ended = 2;
    }
    if (chomp)
        write_indicator(w, chomp, 1, false, false, false);
    put_break(w);
    w->indention = true;
    w->whitespace = true;
    bool breaks = true;
    for (size_t i = 0; i < n;) {
        size_t wd = width(s[i]);
        if (is_break(s, n, i)) {
            copy_break(w, str + i, wd);
            w->indention = true;
            breaks = true;
            i += wd;
            continue;
        }
        if (breaks)
            write_indent(w, indent);
        size_t j = i + wd; /* the rest of the line at once */
        while (j < n && !is_break(s, n, j))
            j += width(s[j]);
        put_text(w, str + i, j - i, wide);
        w->indention = false;
        breaks = false;
        i = j;
    }
}

/* ---- nodes ---- */

static style requested(const doc_node *n, const char *s, size_t len)
{
    if (n && n->type != DOC_STR)
        return ST_PLAIN;
    if (emit_has_wide_control(s, len))
        return ST_DOUBLE;
    if (memchr(s, '\n', len))
        return ST_LITERAL;
    return doc_needs_quotes(s, len) ? ST_DOUBLE : ST_PLAIN;
}

/* The YAML 1.1 null and bool words made of letters (resolve.c's lists):
 * y yes n no true false on off null, each lower case, capitalised or upper
 * case (and Y, N). */
static bool letter_word(const char *s, size_t len)
{
    static const char words[][6] = {"y", "yes", "n", "no", "true", "false", "on", "off", "null"};
    unsigned char c = (unsigned char)s[0] | 0x20;
    if (len > 5 || (c != 'y' && c != 'n' && c != 't' && c != 'f' && c != 'o'))
        return false;
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        const char *wd = words[i];
        if (wd[0] != c || wd[len] || !wd[len - 1])
            continue; /* another word, or another length */
        bool lower = true, upper = (unsigned char)s[0] == c - 0x20;
        for (size_t k = 1; k < len; k++) {
            lower = lower && s[k] == wd[k];
            upper = upper && s[k] == wd[k] - 0x20;
        }
        return len == 1 || lower || upper;
    }
    return false;
}

/* doc_needs_quotes' answer for a string of printable ASCII that
 * ascii_style found plain-safe (no space or ':' at the end, no ": " or
 * " #"), known without it for most strings: only a first byte of its
 * indicator set, a digit, '+', '.' or '~' (numbers, .inf, ~) or a letter
 * (null and bool words) can make it true. */
static bool ascii_needs_quotes(const char *s, size_t len)
{
    if (!len)
        return true;
    unsigned char c = (unsigned char)s[0];
    if (((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
        return letter_word(s, len);
    /* a digit first and a lower-case letter past f other than x last (a
     * duration: "300s"): no int (hex digits end at f), float, sexagesimal
     * or date (looks_numeric's set: e x) ends so */
    unsigned char z = (unsigned char)s[len - 1];
    if (c >= '0' && c <= '9' && z >= 'g' && z <= 'z' && z != 'x')
        return false;
    if (c == '/' || c == '_' || c == '$' || c == '(' || c == ')' || c == '^' || c == ';' ||
        c == '<' || c == '\\')
        return false;
    return doc_needs_quotes(s, len);
}

/* The style of a scalar of printable ASCII only (most of them) without the
 * whole analysis: it has no line break, no special character and no
 * control, so libyaml refuses plain style only for what block_plain()
 * finds, and never refuses single quotes. False: s holds another byte. */
/* The first i in [i, n) with s[i] not printable ASCII, ':' or '#', else
 * n (eight bytes at a time: most scalars hold none). */
#if defined(__SSE2__)
/* The bytes of s[0..16) plain_run stops at, as bits. Signed: bytes from
 * 0x80 on are negative, so below 0x20 too. */
static unsigned plain_stops16(const char *s)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
    __m128i hit = _mm_or_si128(
        _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
                     _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f))),
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(':')), _mm_cmpeq_epi8(v, _mm_set1_epi8('#'))));
    return (unsigned)_mm_movemask_epi8(hit);
}
#endif

static size_t plain_run(const char *s, size_t i, size_t n)
{
#if defined(__SSE2__)
    /* sixteen bytes a step, the tail in the last sixteen (overlapping):
     * names, hosts and sources are 10-60 bytes */
    for (; i + 16 <= n; i += 16) {
        unsigned bits = plain_stops16(s + i);
        if (bits)
            return i + (size_t)__builtin_ctz(bits);
    }
    if (i < n && n >= 16) {
        unsigned bits = plain_stops16(s + n - 16) >> (i - (n - 16));
        return bits ? i + (size_t)__builtin_ctz(bits) : n;
    }
#endif
    while (i + 8 <= n) {
        uint64_t w = bs_load(s + i);
        if (bs_ctl_or_high(w) | bs_eq(w, 0x7f) | bs_eq(w, ':') | bs_eq(w, '#'))
            break;
        i += 8;
    }
    if (i < n && n >= 8 && i + 8 > n) { /* the tail in the last eight bytes at once */
        uint64_t w = bs_load(s + n - 8);
        if (!(bs_ctl_or_high(w) | bs_eq(w, 0x7f) | bs_eq(w, ':') | bs_eq(w, '#')))
            return n;
    }
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c - 0x20u >= 0x5Fu || c == ':' || c == '#')
            break;
        i++;
    }
    return i;
}

/* strchr("#,[]{}&*!|>'\"%@`", c) and strchr("?:-", c), c not NUL. */
static bool first_indicator(char c)
{
    switch (c) {
    case '#':
    case ',':
    case '[':
    case ']':
    case '{':
    case '}':
    case '&':
    case '*':
    case '!':
    case '|':
    case '>':
    case '\'':
    case '"':
    case '%':
    case '@':
    case '`':
        return true;
    default:
        return false;
    }
}

static bool dash_like(char c)
{
    return c == '?' || c == ':' || c == '-';
}

static bool ascii_style(const doc_node *n, const char *s, size_t len, style *st)
{
    if (len && (s[0] == ' ' || s[len - 1] == ' '))
        goto refused;
    if (len >= 3 && (s[0] == '-' || s[0] == '.') && s[1] == s[0] && s[2] == s[0])
        goto refused;
    if (len && (first_indicator(s[0]) || (dash_like(s[0]) && (len == 1 || s[1] == ' '))))
        goto refused;
    for (size_t i = plain_run(s, 0, len); i < len; i = plain_run(s, i + 1, len)) {
        unsigned char c = (unsigned char)s[i];
        if (c - 0x20u >= 0x5Fu)
            return false;
        if ((c == ':' && (i + 1 == len || s[i + 1] == ' ')) ||
            (c == '#' && i > 0 && s[i - 1] == ' '))
            goto refused;
    }
    if ((n && n->type != DOC_STR))
        *st = ST_PLAIN;
    else
        *st = ascii_needs_quotes(s, len) ? ST_DOUBLE : ST_PLAIN;
    return true;
refused: /* plain is refused: the rest must still be printable ASCII */
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] - 0x20u >= 0x5Fu)
            return false;
    *st = (n && n->type != DOC_STR) || !doc_needs_quotes(s, len) ? ST_SINGLE : ST_DOUBLE;
    return true;
}

/* The style libyaml writes s in: the one emit.c asks for unless the
 * analysis refuses it. False: the document goes to libyaml. */
static bool choose_style(const doc_node *n, const char *s, size_t len, style *st, bool *wide)
{
    bool key = !n;
    *wide = false;
    if (ascii_style(n, s, len, st))
        return !(key && len > 128); /* libyaml writes "? key" */
    if (!utf8_ok((const unsigned char *)s, len, wide))
        return false;
    scalar_facts f = analyze((const unsigned char *)s, len);
    if (key && (f.multiline || len > 128))
        return false;
    *st = requested(n, s, len);
    if (*st == ST_PLAIN && (!f.block_plain_allowed || (!len && key)))
        *st = ST_SINGLE;
    if (*st == ST_SINGLE && !f.single_quoted_allowed)
        *st = ST_DOUBLE;
    if (*st == ST_LITERAL && (!f.block_allowed || key))
        *st = ST_DOUBLE;
    return true;
}

/* One scalar: n is NULL for a key (a string in simple-key context). indent
 * is libyaml's indent of the collection around it (-1 at the root). */
static void scalar(yw *w, const doc_node *n, const char *s, size_t len, int indent)
{
    style st;
    bool wide;
    if (!choose_style(n, s, len, &st, &wide)) {
        w->bail = true;
        return;
    }
    int own = indent < 0 ? 2 : indent + 2; /* libyaml indents a scalar's lines */
    switch (st) {
    case ST_PLAIN:
        write_plain(w, s, len, wide);
        break;
    case ST_SINGLE:
        write_single(w, s, len, own, wide);
        break;
    case ST_DOUBLE:
        write_double(w, s, len);
        break;
    case ST_LITERAL:
        write_literal(w, s, len, own, wide);
        break;
    }
}

static void node(yw *w, const doc_node *n, int indent, bool mapping_ctx, bool top);

/* A key ascii_style finds plain without its scan (most keys the converter
 * writes: "name", "app.kubernetes.io/managed-by"): a letter, then letters,
 * digits and . / _ -, at most 128 bytes, not a YAML 1.1 word. *len: its
 * length when true. */
static bool simple_key(const char *k, size_t *len)
{
    static const unsigned char ok[256] = {
        ['-'] = 1, ['.'] = 1, ['/'] = 1, ['_'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1,
        ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
#define L(c) [c] = 2, [c - 'a' + 'A'] = 2
        L('a'),    L('b'),    L('c'),    L('d'),    L('e'),    L('f'),    L('g'),
        L('h'),    L('i'),    L('j'),    L('k'),    L('l'),    L('m'),    L('n'),
        L('o'),    L('p'),    L('q'),    L('r'),    L('s'),    L('t'),    L('u'),
        L('v'),    L('w'),    L('x'),    L('y'),    L('z'),
#undef L
    };
    if (ok[(unsigned char)k[0]] != 2)
        return false;
    size_t i = 1;
    while (ok[(unsigned char)k[i]])
        i++;
    *len = i;
    return !k[i] && i <= 128 && (i > 5 || !letter_word(k, i));
}

/* A key at its place: plain when it is a table key (all plain:
 * test_emit_yaml) or simple_key, else as libyaml writes it. */
static void key(yw *w, const char *k, int indent)
{
    size_t len;
    if (doc_key_is_static(k))
        write_plain(w, k, strlen(k), false);
    else if (simple_key(k, &len))
        write_plain(w, k, len, false);
    else
        scalar(w, NULL, k, strlen(k), indent);
}

/* The usual cases of write_indent(ind) written at once, when the buffer
 * has room for them and tail more bytes: after a new line and its
 * indentation, or after the spaces up to it (the first key of a sequence
 * item, after "- "). The spaces are copied whole (a constant size: no
 * call). Returns where the line's text starts, its indentation *head bytes
 * in (fast_done counts them); NULL, nothing written, without room. */
static inline char *indent_fast(yw *w, int ind, size_t tail, size_t *head)
{
    size_t want = ind >= 0 ? (size_t)ind : 0;
    strbuf *sb = w->out;
    if (want > YAML_W_SPACES || sb->len + YAML_W_SPACES + tail > sb->cap)
        return NULL;
    bool brk = !w->indention || w->column > want || (w->column == want && !w->whitespace);
    char *at = sb->buf + sb->len;
    *head = brk ? want + 1 : want - w->column; /* column <= want without a break */
    at[0] = '\n';
    memcpy(at + brk, yaml_w_spaces, YAML_W_SPACES);
    return at;
}

/* After indent_fast: n bytes of text written behind the indentation. */
static inline void fast_done(yw *w, int ind, size_t head, size_t n)
{
    w->out->len += head + n;
    w->column = (ind >= 0 ? (size_t)ind : 0) + n;
    w->whitespace = false;
    w->indention = false;
}

/* A plain key k[0..len) and ":" at its indentation (indent_fast). False,
 * nothing written, without room. */
static inline bool key_fast(yw *w, int ind, const char *k, size_t len)
{
    size_t head;
    char *at = indent_fast(w, ind, len + 3, &head);
    if (!at)
        return false;
    memcpy(at + head, k, len);
    at[head + len] = ':';
    fast_done(w, ind, head, len + 1);
    return true;
}

/* A sequence item's "-" and a plain string s[0..len) (write_plain: " "
 * and the text) at its indentation, as key_fast. */
static inline bool seq_plain_fast(yw *w, int ind, const char *s, size_t len)
{
    size_t head;
    char *at = indent_fast(w, ind, len + 4, &head);
    if (!at)
        return false;
    at[head] = '-';
    at[head + 1] = ' ';
    memcpy(at + head + 2, s, len);
    fast_done(w, ind, head, len + 2);
    return true;
}

static void entry(yw *w, const doc_node *n, size_t i, int indent)
{
    const char *k = n->keys[i];
    size_t len;
    bool plain = doc_key_is_static(k) ? (len = strlen(k), true) : simple_key(k, &len);
    if (!plain || !key_fast(w, indent, k, len)) {
        write_indent(w, indent);
        key(w, k, indent);
        write_indicator(w, ":", 1, false, false, false);
    }
    node(w, n->items[i], indent, true, false);
}

static void block_map(yw *w, const doc_node *n, int indent, bool top)
{
    int ind = indent < 0 ? 0 : indent + 2;
    bool reorder = emit_reorders(n, top);
    if (reorder)
        for (size_t t = 0; t < EMIT_NTOP; t++)
            for (size_t i = 0; i < n->len; i++)
                if (!strcmp(n->keys[i], emit_top_order[t]))
                    entry(w, n, i, ind);
    for (size_t i = 0; i < n->len && !w->bail; i++)
        if (!reorder || !emit_is_top_key(n->keys[i]))
            entry(w, n, i, ind);
}

static bool plain_value(const char *s, size_t len);

static void node(yw *w, const doc_node *n, int indent, bool mapping_ctx, bool top)
{
    if (w->bail)
        return;
    if (n->kind == DOC_SCALAR) {
        if (n->type == DOC_STR && plain_value(n->text, n->len))
            write_plain(w, n->text, n->len, false); /* what scalar() decides for it */
        else
            scalar(w, n, n->text, n->len, indent);
    } else if (n->len == 0) {
        write_indicator(w, n->kind == DOC_MAP ? "{" : "[", 1, true, true, false);
        write_indicator(w, n->kind == DOC_MAP ? "}" : "]", 1, false, false, false);
    } else if (n->kind == DOC_MAP) {
        block_map(w, n, indent, top);
    } else {
        int ind = indent < 0 ? 0 : mapping_ctx && !w->indention ? indent : indent + 2;
        for (size_t i = 0; i < n->len && !w->bail; i++) {
            const doc_node *it = n->items[i];
            if (it->kind == DOC_SCALAR && it->type == DOC_STR && plain_value(it->text, it->len) &&
                seq_plain_fast(w, ind, it->text, it->len))
                continue; /* allowMethods, hosts: what the three calls below write */
            write_indent(w, ind);
            write_indicator(w, "-", 1, true, false, true);
            node(w, n->items[i], ind, false, false);
        }
    }
}

bool emit_yaml_direct(const doc_node *doc, strbuf *out)
{
    yw w;
    yaml_w_begin(&w, out);
    size_t mark = out->len;
    node(&w, doc, -1, false, true);
    if (!w.bail) {
        write_indent(&w, -1); /* the document end */
        if (w.open_ended == 2) {
            write_indicator(&w, "...", 3, true, false, false);
            write_indent(&w, -1);
        }
    }
    if (w.bail)
        out->len = mark;
    return !w.bail;
}

char *doc_emit_yaml_stream(doc_node *const *docs, size_t n, size_t *len, mp_err *err)
{
    strbuf sb;
    strbuf_init(&sb);
    for (size_t i = 0; i < n; i++) {
        if (i)
            strbuf_puts(&sb, "---\n");
        if (!emit_yaml_direct(docs[i], &sb) && emit_yaml_libyaml_doc(docs[i], &sb, err) < 0) {
            strbuf_free(&sb);
            return NULL;
        }
    }
    char *s = strbuf_detach(&sb, len);
    if (!s)
        mp_errf(err, "out of memory");
    return s;
}

char *doc_emit_yaml(const doc_node *doc, size_t *len, mp_err *err)
{
    doc_node *one[1] = {(doc_node *)doc};
    return doc_emit_yaml_stream(one, 1, len, err);
}

/* ---- yaml_w: the same bytes without the tree ---- */

void yaml_w_begin(yaml_w *w, strbuf *out)
{
    w->out = out;
    w->mark = out->len;
    w->column = 0;
    w->whitespace = true;
    w->indention = true;
    w->open_ended = 0;
    w->bail = false;
    w->depth = 0;
}

/* Where the next value goes, as node() is called for it: the indent and
 * mapping context it gets; a sequence item's "- " is written here. */
static int value_at(yaml_w *w, bool *mapping_ctx)
{
    *mapping_ctx = false;
    if (!w->depth)
        return -1;
    yaml_w_frame *f = &w->f[w->depth - 1];
    if (f->map) {
        *mapping_ctx = true;
        return f->ind;
    }
    f->n++;
    write_indent(w, f->ind);
    write_indicator(w, "-", 1, true, false, true);
    return f->ind;
}

/* k at its place; len: its length when it is plain as it is (simple_key
 * or a table key), SIZE_MAX when it needs key()'s analysis. */
static void key_at(yaml_w *w, const char *k, size_t len)
{
    if (!w->depth || !w->f[w->depth - 1].map) {
        w->bail = true;
        return;
    }
    int ind = w->f[w->depth - 1].ind;
    w->f[w->depth - 1].n++;
    if (len != SIZE_MAX && key_fast(w, ind, k, len))
        return;
    write_indent(w, ind);
    key(w, k, ind);
    write_indicator(w, ":", 1, false, false, false);
}

void yaml_w_key(yaml_w *w, const char *k)
{
    size_t len;
    bool plain = doc_key_is_static(k) ? (len = strlen(k), true) : simple_key(k, &len);
    key_at(w, k, plain ? len : SIZE_MAX);
}

void yaml_w_key_plain(yaml_w *w, const char *k, size_t len)
{
    key_at(w, k, len);
}

void yaml_w_scalar(yaml_w *w, doc_type t, const char *s, size_t len)
{
    bool mapping_ctx;
    int indent = value_at(w, &mapping_ctx);
    doc_node n = {.kind = DOC_SCALAR, .type = t};
    scalar(w, &n, s, len, indent);
}

void yaml_w_node(yaml_w *w, const doc_node *n)
{
    bool mapping_ctx, top = !w->depth;
    int indent = value_at(w, &mapping_ctx);
    node(w, n, indent, mapping_ctx, top);
}

/* A string ascii_style writes plain, known by one scan (most names, hosts
 * and paths): a letter or '/' first, no ':', '#' or byte outside printable
 * ASCII, no space at the end, not a YAML 1.1 word. */
static bool plain_value(const char *s, size_t len)
{
    unsigned char c = (unsigned char)s[0];
    if (!len || !(((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '/') || s[len - 1] == ' ')
        return false;
    return plain_run(s, 0, len) == len && (c == '/' || !letter_word(s, len));
}

static void plain_str_at(yaml_w *w, const char *s, size_t len);

void yaml_w_str(yaml_w *w, const char *s)
{
    size_t len = strlen(s);
    if (!plain_value(s, len)) {
        yaml_w_scalar(w, DOC_STR, s, len);
        return;
    }
    plain_str_at(w, s, len);
}

void yaml_w_strn(yaml_w *w, const char *s, size_t len)
{
    if (!plain_value(s, len)) {
        yaml_w_scalar(w, DOC_STR, s, len);
        return;
    }
    plain_str_at(w, s, len);
}

bool yaml_w_is_plain(const char *s, size_t len)
{
    if (plain_value(s, len))
        return true;
    doc_node n = {.kind = DOC_SCALAR, .type = DOC_STR};
    style st;
    return ascii_style(&n, s, len, &st) && st == ST_PLAIN; /* as scalar() decides */
}

void yaml_w_str_plain(yaml_w *w, const char *s, size_t len)
{
    plain_str_at(w, s, len);
}

#define YAML_W_MAX_PARTS 16

bool yaml_w_entries_of(yaml_w *w, size_t nkeys, const yaml_w_part *parts, size_t n)
{
    size_t lens[YAML_W_MAX_PARTS], total = 0;
    if (n > YAML_W_MAX_PARTS)
        return false;
    for (size_t i = 0; i < n; i++) {
        size_t k = parts[i].len;
        if (k == SIZE_MAX)
            k = strlen(parts[i].s);
        if (parts[i].value && !yaml_w_is_plain(parts[i].s, k))
            return false;
        lens[i] = k;
        total += k;
    }
    if (total > 2048 || !total)
        return false;
    yaml_w_frame *f = w->depth ? &w->f[w->depth - 1] : NULL;
    if (!f || !f->map) {
        w->bail = true;
        return true;
    }
    f->n += nkeys;
    write_indent(w, f->ind);
    /* the pieces straight into out, after room for them all */
    strbuf *sb = w->out;
    if (!strbuf_reserve(sb, total))
        return true; /* out->oom tells */
    size_t start = sb->len;
    for (size_t i = 0; i < n; i++) {
        memcpy(sb->buf + sb->len, parts[i].s, lens[i]);
        sb->len += lens[i];
    }
    sb->buf[sb->len] = '\0';
    size_t i = sb->len;
    while (i > start && sb->buf[i - 1] != '\n')
        i--;
    w->column = i > start ? sb->len - i : w->column + total;
    w->whitespace = false;
    w->indention = false;
    return true;
}

/* s[0..len), a string plain_value takes (or any text scalar() writes
 * plain: an int, a bool), as the next value. */
static void plain_str_at(yaml_w *w, const char *s, size_t len)
{
    strbuf *sb = w->out;
    if (w->depth && w->f[w->depth - 1].map && sb->len + len + 2 <= sb->cap) {
        /* a map's value: value_at writes nothing, write_plain a space
         * (after the key's ':') and the text */
        char *at = sb->buf + sb->len;
        size_t sp = !w->whitespace;
        at[0] = ' ';
        memcpy(at + sp, s, len);
        sb->len += sp + len;
        w->column += sp + len;
        w->whitespace = false;
        w->indention = false;
        return;
    }
    yaml_w_frame *f = w->depth ? &w->f[w->depth - 1] : NULL;
    if (f && !f->map && seq_plain_fast(w, f->ind, s, len)) {
        /* a sequence item: what value_at writes (write_indent, "-") and
         * write_plain (" " and the text) */
        f->n++;
        return;
    }
    bool mapping_ctx;
    value_at(w, &mapping_ctx); /* a sequence item's "- " */
    write_plain(w, s, len, false);
}

void yaml_w_int(yaml_w *w, long long v)
{
    char buf[24];
    unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
    buf[0] = '-';
    size_t n = str_utoa(buf + (v < 0), u) + (v < 0);
    plain_str_at(w, buf, n); /* scalar() writes an int plain */
}

void yaml_w_bool(yaml_w *w, bool v)
{
    plain_str_at(w, v ? "true" : "false", v ? 4 : 5); /* as an int */
}

static void open_coll(yaml_w *w, bool map)
{
    bool mapping_ctx;
    int indent = value_at(w, &mapping_ctx);
    if (w->depth == YAML_W_DEPTH) {
        w->bail = true;
        return;
    }
    int ind = indent < 0 ? 0 : map || !mapping_ctx || w->indention ? indent + 2 : indent;
    w->f[w->depth++] = (yaml_w_frame){map, ind, 0};
}

void yaml_w_map(yaml_w *w)
{
    open_coll(w, true);
}

void yaml_w_seq(yaml_w *w)
{
    open_coll(w, false);
}

void yaml_w_end(yaml_w *w)
{
    if (!w->depth) {
        w->bail = true;
        return;
    }
    yaml_w_frame *f = &w->f[--w->depth];
    if (!f->n) { /* node() writes an empty one in flow style */
        write_indicator(w, f->map ? "{" : "[", 1, true, true, false);
        write_indicator(w, f->map ? "}" : "]", 1, false, false, false);
    }
}

bool yaml_w_end_doc(yaml_w *w)
{
    if (w->depth)
        w->bail = true;
    if (!w->bail) {
        write_indent(w, -1);
        if (w->open_ended == 2) {
            write_indicator(w, "...", 3, true, false, false);
            write_indent(w, -1);
        }
    }
    if (w->bail)
        w->out->len = w->mark;
    return !w->bail;
}
