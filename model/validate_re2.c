/*
 * validate_re2.c - val_re2 (validate.h): the RE2 syntax check and the
 * estimate of the compiled program's size.
 *
 * Regexes pass two parsers before they reach traffic: istiod checks them
 * with Go's regexp package (and a 1024-byte limit), Envoy compiles them
 * with C++ RE2 and refuses programs over the size Istio configures.
 * val_re2 accepts the syntax both take, within those limits. The facts
 * come from re2/parse.cc and Go's regexp/syntax and were checked by
 * running both on some 300,000 generated patterns.
 */
#include "model/validate.h"
#include "model/validate_int.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static bool is_xdigit(int c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Decodes one UTF-8 sequence; returns its length, 0 when malformed
 * (overlong, surrogate, above U+10FFFF or cut short), as Go rejects. */
static size_t utf8_dec(const char *s, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    size_t len = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc0 ? 2 : 0;
    if (!len || p[0] > 0xf4)
        return 0;
    uint32_t v = p[0] & (0x7f >> len);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        v = v << 6 | (p[i] & 0x3f);
    }
    static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < least[len] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

#define RE_MAX_LEN   1024 /* istiod refuses longer regexes */
#define RE_MAX_COUNT 1000 /* counted repetition, also nested, in RE2 and Go */
#define RE_MAX_NAMES 256  /* more than RE_MAX_LEN / strlen("(?P<a>)") */
/* Envoy refuses a regex whose RE2 program is bigger than the runtime key
 * re2.max_program_size.error_level, which Istio's bootstrap sets to 32768
 * (an RDS NACK: the whole route table of that proxy stays stale). */
#define RE_MAX_PROG 32768
#define RE_SIZE_CAP 1000000000L

/* One open group: whether a repetition has something to apply to, the
 * copies its counted repetitions make on the deepest path (RE2 and Go
 * refuse (a{100}){20}: 2000 copies of a), and the estimated program size
 * of what it holds so far and of its last item. */
typedef struct {
    uint16_t open; /* offset of its '(' */
    uint16_t maxw, lastw;
    bool atom, fold, capture;
    int32_t size, last;
} re_frame;

typedef struct {
    const char *s;
    size_t len;
} re_name;

typedef struct {
    const char *re, *p;
    const char *rep;  /* the repetition operator just read, else NULL */
    const char *cls;  /* the '[' of the class being read */
    uint64_t cset[2]; /* its ASCII members */
    long cother;      /* the cost of its other elements */
    bool cneg;        /* it is [^...] */
    size_t depth;
    size_t nnames;
    char *why;
    size_t n;
    /* last: written before they are read (re_push, re_named), so
     * val_re2 clears only what is above them */
    re_frame fr[RE_MAX_LEN + 1];
    re_name names[RE_MAX_NAMES];
} re_parser;

static bool re_fail(const re_parser *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool re_fail(const re_parser *q, const char *fmt, ...)
{
    if (q->why && q->n) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(q->why, q->n, fmt, ap);
        va_end(ap);
    }
    return false;
}

/* 1-based character position of at, for "'(' at 12". */
static size_t re_col(const re_parser *q, const char *at)
{
    size_t col = 0;
    for (const char *s = q->re; s <= at && *s; s++)
        col += ((unsigned char)*s & 0xc0) != 0x80;
    return col;
}

/* An item of w copies and an estimated cost in RE2 instructions. */
static bool re_item(re_parser *q, unsigned w, long cost)
{
    re_frame *f = &q->fr[q->depth];
    f->atom = true;
    f->lastw = (uint16_t)w;
    if (w > f->maxw)
        f->maxw = (uint16_t)w;
    if (cost > RE_SIZE_CAP)
        cost = RE_SIZE_CAP;
    f->size = (int32_t)(f->size + cost > RE_SIZE_CAP ? RE_SIZE_CAP : f->size + cost);
    f->last = (int32_t)cost;
    q->rep = NULL;
    return true;
}

static bool re_atom(re_parser *q, long cost)
{
    return re_item(q, 1, cost);
}

/* What one character costs: its UTF-8 bytes, more when (?i) adds the
 * other cases (k also matches the Kelvin sign). Upper bounds measured
 * against RE2's compiler, as are the other costs here. */
static long re_char_cost(const re_parser *q, uint32_t cp)
{
    if (q->fr[q->depth].fold)
        return cp < 0x80 ? (is_lower((int)cp) || is_upper((int)cp) ? 4 : 1) : 8;
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/* RE2 expands x{n,m} to n copies of x and m-n optional ones; a loop
 * (*, + and {n,}) or ? around x adds up to two instructions. */
static long re_repeat_cost(long c, long lo, long hi)
{
    long long size;
    if (hi < 0)
        size = (lo > 1 ? (long long)lo * c : c) + 2;
    else if (lo == 0 && hi == 1)
        size = c + 2;
    else
        size = (long long)lo * c + (long long)(hi - lo) * (c + 1);
    return size > RE_SIZE_CAP ? RE_SIZE_CAP : (long)size;
}

/* The operator op (ending at q->p) applies to the last item: lo to hi
 * times (hi < 0: no upper bound). */
static bool re_repeat(re_parser *q, const char *op, bool lazy, long lo, long hi)
{
    int oplen = (int)(q->p - op);
    if (!lazy && *q->p == '+')
        return re_fail(q, "possessive quantifier %.*s+ is not RE2", oplen, op);
    if (q->rep)
        return re_fail(q, "\"%.*s\": two repetition operators in a row", (int)(q->p - q->rep),
                       q->rep);
    re_frame *f = &q->fr[q->depth];
    if (!f->atom)
        return re_fail(q, "\"%.*s\" has nothing to repeat", oplen, op);
    long cost = re_repeat_cost(f->last, lo, hi), count = hi < 0 ? lo : hi;
    f->size =
        (int32_t)(f->size - f->last + cost > RE_SIZE_CAP ? RE_SIZE_CAP : f->size - f->last + cost);
    f->last = (int32_t)cost;
    if (count > 1) {
        long w = f->lastw * count;
        if (w > RE_MAX_COUNT)
            return re_fail(q, "nested counts make %ld copies (RE2's limit is 1000)", w);
        f->lastw = (uint16_t)w;
        if (w > f->maxw)
            f->maxw = (uint16_t)w;
    }
    q->rep = op;
    return true;
}

static bool re_star(re_parser *q)
{
    const char *op = q->p++;
    bool lazy = *q->p == '?';
    q->p += lazy;
    return re_repeat(q, op, lazy, *op == '+', *op == '?' ? 1 : -1);
}

/* A count as RE2 reads it: no leading zeros (then '{' is a literal).
 * Big numbers stop growing past the limit. */
static const char *re_int(const char *s, long *v)
{
    if (!is_digit(*s) || (s[0] == '0' && is_digit(s[1])))
        return NULL;
    for (*v = 0; is_digit(*s); s++)
        if (*v <= RE_MAX_COUNT)
            *v = *v * 10 + (*s - '0');
    return s;
}

/* {n}, {n,} or {n,m} at s; NULL when '{' starts none (a literal). */
static const char *re_counts(const char *s, long *lo, long *hi)
{
    const char *t = re_int(s + 1, lo);
    if (!t)
        return NULL;
    if (*t == '}') {
        *hi = *lo;
        return t + 1;
    }
    if (*t++ != ',')
        return NULL;
    if (*t == '}') {
        *hi = -1;
        return t + 1;
    }
    t = re_int(t, hi);
    return t && *t == '}' ? t + 1 : NULL;
}

/* Go refuses counts of 10^8 and more where RE2 reads a literal '{':
 * both are refused here. */
static bool re_brace(re_parser *q)
{
    const char *op = q->p;
    long lo, hi;
    const char *end = re_counts(op, &lo, &hi);
    if (!end) {
        q->p++;
        return re_atom(q, re_char_cost(q, '{'));
    }
    q->p = end;
    int oplen = (int)(end - op);
    if (lo > RE_MAX_COUNT || hi > RE_MAX_COUNT)
        return quotable(op, (size_t)oplen, 24)
                   ? re_fail(q, "%.*s: RE2 counts up to 1000", oplen, op)
                   : re_fail(q, "repetition count above 1000 (RE2's limit)");
    if (hi >= 0 && lo > hi)
        return re_fail(q, "%.*s: minimum above maximum", oplen, op);
    bool lazy = *q->p == '?';
    q->p += lazy;
    return re_repeat(q, op, lazy, lo, hi);
}

static int hexval(int c)
{
    return is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* \x41 or \x{10FFFF}. */
static bool re_hex(re_parser *q, uint32_t *cp)
{
    const char *t = q->p + 2;
    uint32_t v = 0;
    if (*t == '{') {
        const char *digits = ++t;
        for (; is_xdigit(*t); t++) {
            v = v * 16 + (uint32_t)hexval(*t);
            if (v > 0x10ffff)
                return re_fail(q, "\\x{...} above 10FFFF");
        }
        if (*t != '}' || t == digits)
            return re_fail(q, "bad hex escape: use \\x41 or \\x{41}");
        q->p = t + 1;
    } else {
        if (!is_xdigit(t[0]) || !is_xdigit(t[1]))
            return re_fail(q, "bad hex escape: use \\x41 or \\x{41}");
        v = (uint32_t)(hexval(t[0]) * 16 + hexval(t[1]));
        q->p = t + 2;
    }
    *cp = v;
    return true;
}

/* \0, \0nn, \nnn: octal. A digit 1-9 not followed by an octal digit is a
 * backreference in Perl; RE2 has none. */
static bool re_octal(re_parser *q, bool in_class, uint32_t *cp)
{
    const char *t = q->p + 1;
    if (*t > '7' || (*t != '0' && (t[1] < '0' || t[1] > '7'))) {
        if (!in_class)
            return re_fail(q, "backreference \\%c is not RE2", *t);
        if (*t > '7')
            return re_fail(q, "unknown escape \\%c", *t);
        return re_fail(q, "\\%c inside [...] is not RE2: write octal as \\0%c", *t, *t);
    }
    uint32_t v = 0;
    for (int i = 0; i < 3 && *t >= '0' && *t <= '7'; i++, t++)
        v = v * 8 + (uint32_t)(*t - '0');
    *cp = v;
    q->p = t;
    return true;
}

/* Escapes of other engines, named so the user knows what to change. */
static const struct {
    char c;
    const char *why;
} re_foreign_escapes[] = {
    {'G', "\\G (end of previous match) is not RE2"},
    {'Z', "\\Z is not RE2: use \\z (or $)"},
    {'K', "\\K (reset match start) is not RE2"},
    {'h', "\\h is not RE2: use [\\t ]"},
    {'H', "\\H is not RE2: use [^\\t ]"},
    {'R', "\\R (any line break) is not RE2"},
    {'X', "\\X (grapheme cluster) is not RE2"},
    {'N', "\\N is not RE2"},
    {'e', "\\e is not RE2: use \\x1b"},
    {'c', "\\cX (control character) is not RE2: use \\x01 to \\x1f"},
    {'g', "backreference \\g is not RE2"},
    {'k', "named backreference \\k is not RE2"},
    {'E', "\\E without \\Q"},
    {'o', "\\o{...} is not RE2: use \\x{...}"},
    {'u', "\\u is not RE2: use \\x{...}"},
    {'U', "\\U (upper-case text) is not RE2"},
    {'l', "\\l (lower-case next) is not RE2"},
    {'L', "\\L (lower-case text) is not RE2"},
    /* RE2 takes \C (any byte); Go's regexp, which istiod checks with, does not */
    {'C', "\\C (any byte) is refused by Istio's regex check"},
};

static bool re_bad_escape(re_parser *q, char c, bool in_class)
{
    if (in_class && strchr("bBAzQ", c))
        return c == 'b' ? re_fail(q, "\\b inside [...] is not RE2: use \\x08")
                        : re_fail(q, "\\%c inside [...] is not RE2", c);
    for (size_t i = 0; i < sizeof re_foreign_escapes / sizeof *re_foreign_escapes; i++)
        if (re_foreign_escapes[i].c == c)
            return re_fail(q, "%s", re_foreign_escapes[i].why);
    return re_fail(q, "unknown escape \\%c", c);
}

/* An escape that stands for one character (all there is inside [...]). */
static bool re_escape_rune(re_parser *q, bool in_class, uint32_t *cp)
{
    unsigned char c = (unsigned char)q->p[1];
    if (!c)
        return re_fail(q, "trailing backslash");
    if (c >= 0x80)
        return re_fail(q, "backslash before a non-ASCII character");
    if (!is_alnum(c)) {
        *cp = c;
        q->p += 2;
        return true;
    }
    if (is_digit(c))
        return re_octal(q, in_class, cp);
    if (c == 'x')
        return re_hex(q, cp);
    static const char simple[] = "n\nr\rt\ta\af\fv\v";
    for (const char *s = simple; *s; s += 2)
        if (*s == c) {
            *cp = (unsigned char)s[1];
            q->p += 2;
            return true;
        }
    return re_bad_escape(q, (char)c, in_class);
}

/* RE2's Unicode tables (re2/unicode_groups.cc): general categories and
 * scripts, which Go knows too, with what one costs in RE2 instructions
 * and negated (measured with RE2 2022-06-01, the larger of plain and
 * (?i), plus 10% for newer Unicode). */
static const struct {
    const char *name;
    short cost, negated;
} re_unicode[] = {
    // clang-format off
    {"Adlam", 11, 26}, {"Ahom", 11, 27}, {"Anatolian_Hieroglyphs", 9, 23}, {"Any", 10, 2},
    {"Arabic", 110, 132}, {"Armenian", 15, 32}, {"Avestan", 8, 22}, {"Balinese", 9, 23},
    {"Bamum", 15, 32}, {"Bassa_Vah", 8, 26}, {"Batak", 7, 22}, {"Bengali", 22, 35},
    {"Bhaiksuki", 12, 28}, {"Bopomofo", 10, 32}, {"Brahmi", 11, 23}, {"Braille", 6, 21},
    {"Buginese", 7, 23}, {"Buhid", 6, 22}, {"C", 79, 117}, {"Canadian_Aboriginal", 13, 31},
    {"Carian", 9, 24}, {"Caucasian_Albanian", 10, 26}, {"Cc", 7, 19}, {"Cf", 59, 110},
    {"Chakma", 10, 26}, {"Cham", 10, 28}, {"Cherokee", 15, 32}, {"Chorasmian", 9, 23},
    {"Co", 21, 26}, {"Common", 392, 447}, {"Coptic", 11, 28}, {"Cs", 6, 20}, {"Cuneiform", 17, 29},
    {"Cypriot", 12, 27}, {"Cypro_Minoan", 9, 24}, {"Cyrillic", 39, 65}, {"Deseret", 9, 22},
    {"Devanagari", 18, 34}, {"Dives_Akuru", 18, 32}, {"Dogra", 7, 23}, {"Duployan", 15, 29},
    {"Egyptian_Hieroglyphs", 9, 22}, {"Elbasan", 7, 22}, {"Elymaic", 7, 22}, {"Ethiopic", 72, 93},
    {"Georgian", 22, 40}, {"Glagolitic", 17, 33}, {"Gothic", 9, 24}, {"Grantha", 24, 40},
    {"Greek", 74, 105}, {"Gujarati", 22, 35}, {"Gunjala_Gondi", 15, 31}, {"Gurmukhi", 24, 39},
    {"Han", 87, 84}, {"Hangul", 42, 68}, {"Hanifi_Rohingya", 8, 23}, {"Hanunoo", 6, 23},
    {"Hatran", 9, 24}, {"Hebrew", 19, 38}, {"Hiragana", 23, 44}, {"Imperial_Aramaic", 8, 23},
    {"Inherited", 81, 139}, {"Inscriptional_Pahlavi", 8, 23}, {"Inscriptional_Parthian", 8, 23},
    {"Javanese", 10, 26}, {"Kaithi", 10, 24}, {"Kannada", 21, 34}, {"Katakana", 40, 67},
    {"Kawi", 11, 27}, {"Kayah_Li", 7, 24}, {"Kharoshthi", 17, 31}, {"Khitan_Small_Script", 12, 30},
    {"Khmer", 12, 28}, {"Khojki", 10, 26}, {"Khudawadi", 10, 27}, {"L", 1316, 1320},
    {"Lao", 18, 34}, {"Latin", 88, 122}, {"Lepcha", 10, 26}, {"Limbu", 11, 28},
    {"Linear_A", 12, 26}, {"Linear_B", 19, 30}, {"Lisu", 10, 31}, {"Ll", 907, 975},
    {"Lm", 149, 280}, {"Lo", 1024, 1096}, {"Lt", 19, 39}, {"Lu", 872, 933}, {"Lycian", 7, 22},
    {"Lydian", 8, 23}, {"M", 614, 821}, {"Mahajani", 7, 24}, {"Makasar", 7, 24},
    {"Malayalam", 15, 27}, {"Mandaic", 7, 21}, {"Manichaean", 8, 23}, {"Marchen", 11, 28},
    {"Masaram_Gondi", 16, 31}, {"Mc", 342, 474}, {"Me", 16, 43}, {"Medefaidrin", 9, 23},
    {"Meetei_Mayek", 9, 29}, {"Mende_Kikakui", 10, 24}, {"Meroitic_Cursive", 11, 26},
    {"Meroitic_Hieroglyphs", 7, 22}, {"Miao", 13, 27}, {"Mn", 638, 897}, {"Modi", 10, 24},
    {"Mongolian", 18, 37}, {"Mro", 9, 26}, {"Multani", 11, 28}, {"Myanmar", 13, 32},
    {"N", 259, 522}, {"Nabataean", 8, 23}, {"Nag_Mundari", 7, 24}, {"Nandinagari", 11, 28},
    {"Nd", 97, 294}, {"New_Tai_Lue", 11, 27}, {"Newa", 10, 24}, {"Nko", 6, 19}, {"Nl", 37, 73},
    {"No", 166, 304}, {"Nushu", 15, 32}, {"Nyiakeng_Puachue_Hmong", 11, 28}, {"Ogham", 6, 22},
    {"Ol_Chiki", 6, 22}, {"Old_Hungarian", 10, 24}, {"Old_Italic", 8, 23},
    {"Old_North_Arabian", 7, 22}, {"Old_Permic", 7, 23}, {"Old_Persian", 10, 26},
    {"Old_Sogdian", 7, 22}, {"Old_South_Arabian", 7, 22}, {"Old_Turkic", 9, 22},
    {"Old_Uyghur", 9, 24}, {"Oriya", 22, 37}, {"Osage", 10, 26}, {"Osmanya", 8, 23},
    {"P", 366, 637}, {"Pahawh_Hmong", 16, 29}, {"Palmyrene", 7, 22}, {"Pau_Cin_Hau", 7, 23},
    {"Pc", 17, 39}, {"Pd", 43, 82}, {"Pe", 129, 172}, {"Pf", 19, 39}, {"Phags_Pa", 6, 23},
    {"Phoenician", 8, 23}, {"Pi", 19, 40}, {"Po", 347, 607}, {"Ps", 137, 176},
    {"Psalter_Pahlavi", 9, 24}, {"Rejang", 9, 27}, {"Runic", 9, 26}, {"S", 487, 612},
    {"Samaritan", 7, 20}, {"Saurashtra", 9, 24}, {"Sc", 55, 108}, {"Sharada", 9, 23},
    {"Shavian", 7, 22}, {"Siddham", 10, 26}, {"SignWriting", 11, 26}, {"Sinhala", 23, 43},
    {"Sk", 65, 109}, {"Sm", 127, 188}, {"So", 403, 481}, {"Sogdian", 9, 24},
    {"Sora_Sompeng", 8, 26}, {"Soyombo", 9, 26}, {"Sundanese", 8, 23}, {"Syloti_Nagri", 6, 23},
    {"Syriac", 12, 28}, {"Tagalog", 7, 23}, {"Tagbanwa", 8, 26}, {"Tai_Le", 7, 24},
    {"Tai_Tham", 15, 30}, {"Tai_Viet", 9, 24}, {"Takri", 9, 26}, {"Tamil", 30, 44},
    {"Tangsa", 11, 28}, {"Tangut", 18, 31}, {"Telugu", 21, 33}, {"Thaana", 5, 20}, {"Thai", 8, 23},
    {"Tibetan", 19, 28}, {"Tifinagh", 10, 27}, {"Tirhuta", 10, 24}, {"Toto", 7, 24},
    {"Ugaritic", 8, 23}, {"Vai", 8, 23}, {"Vithkuqi", 17, 32}, {"Wancho", 8, 23},
    {"Warang_Citi", 10, 26}, {"Yezidi", 9, 24}, {"Yi", 11, 24}, {"Z", 19, 40},
    {"Zanabazar_Square", 9, 23}, {"Zl", 6, 23}, {"Zp", 6, 23}, {"Zs", 18, 39},
    // clang-format on
};

/* The ASCII classes as ranges: "09AZ" is 0-9 and A-Z (NUL left out,
 * which changes no count). */
static const struct {
    const char *name, *ranges;
} re_posix[] = {
    {"alnum", "09AZaz"},
    {"alpha", "AZaz"},
    {"ascii", "\x01\x7f"},
    {"blank", "\t\t  "},
    {"cntrl", "\x01\x1f\x7f\x7f"},
    {"digit", "09"},
    {"graph", "!~"},
    {"lower", "az"},
    {"print", " ~"},
    {"punct", "!/:@[`{~"},
    {"space", "\t\r  "},
    {"upper", "AZ"},
    {"word", "09AZaz__"},
    {"xdigit", "09AFaf"},
};

static long re_unicode_cost(const char *name, size_t len, bool negated)
{
    for (size_t i = 0; i < sizeof re_unicode / sizeof *re_unicode; i++)
        if (strlen(re_unicode[i].name) == len && !memcmp(re_unicode[i].name, name, len))
            return negated ? re_unicode[i].negated : re_unicode[i].cost;
    return -1;
}

/* \d \D \w \W \s \S: cost in RE2 instructions, -1 when c is none. */
static long re_perl_class_cost(const re_parser *q, char c)
{
    static const char names[] = "dDwWsS";
    static const short plain[] = {1, 8, 3, 11, 3, 10}, folded[] = {1, 8, 8, 27, 3, 10};
    const char *k = c ? strchr(names, c) : NULL;
    if (!k)
        return -1;
    return (q->fr[q->depth].fold ? folded : plain)[k - names];
}

/* \pL, \p{Greek}, \p{^Greek}, \PL; *cost gets its size, of its
 * complement when negate (inside [^...]). */
static bool re_uclass(re_parser *q, bool negate, long *cost)
{
    const char *src = q->p, *t = src + 2, *name = t;
    size_t len;
    if (*t == '{') {
        const char *e = strchr(t, '}');
        if (!e)
            return re_fail(q, "\\%c{ without '}'", src[1]);
        name = t + 1;
        len = (size_t)(e - name);
        t = e + 1;
    } else {
        uint32_t cp;
        len = *t ? utf8_dec(t, &cp) : 0;
        if (!len)
            return re_fail(q, "\\%c needs a class name, e.g. \\pL or \\p{Greek}", src[1]);
        t += len;
    }
    q->p = t;
    negate ^= src[1] == 'P';
    if (len && *name == '^')
        name++, len--, negate = !negate;
    if ((*cost = re_unicode_cost(name, len, negate)) >= 0)
        return true;
    size_t srclen = (size_t)(t - src);
    return quotable(src, srclen, 40) ? re_fail(q, "unknown Unicode class %.*s", (int)srclen, src)
                                     : re_fail(q, "unknown Unicode class name");
}

/* ---- classes: the ASCII part as a set, the rest as a cost */

static void cls_add(re_parser *q, uint32_t lo, uint32_t hi)
{
    for (uint32_t c = lo; c <= hi && c < 0x80; c++)
        q->cset[c >> 6] |= 1ULL << (c & 63);
}

static void cls_add_ranges(re_parser *q, const char *ranges)
{
    for (; ranges[0] && ranges[1]; ranges += 2)
        cls_add(q, (unsigned char)ranges[0], (unsigned char)ranges[1]);
}

static bool cls_has(const uint64_t *set, int c)
{
    return set[c >> 6] >> (c & 63) & 1;
}

/* RE2 compiles each run of ASCII members to one instruction, a run of
 * capitals together with its lower case (marked case-folded); (?i) adds
 * the other case, and k and s their non-ASCII forms (Kelvin sign, long
 * s). A negated class also takes the non-ASCII rest, but not \n. */
static long cls_cost(const re_parser *q, bool neg)
{
    uint64_t set[2] = {q->cset[0], q->cset[1]};
    bool fold = q->fr[q->depth].fold;
    long extra = 0;
    for (int c = 'a'; fold && c <= 'z'; c++)
        if (cls_has(set, c) || cls_has(set, c - 32)) {
            set[c >> 6] |= 1ULL << (c & 63);
            set[(c - 32) >> 6] |= 1ULL << ((c - 32) & 63);
        }
    if (fold) /* leaving the two out of a negated class splits more */
        extra += (cls_has(set, 'k') ? (neg ? 12 : 3) : 0) + (cls_has(set, 's') ? (neg ? 8 : 2) : 0);
    if (neg) {
        set[0] = ~set[0] & ~(1ULL << '\n');
        set[1] = ~set[1];
        extra += 6;
    }
    long runs = 0;
    bool in = false;
    for (int c = 0; c < 0x80; c++) {
        bool m = cls_has(set, c) && !(is_upper(c) && cls_has(set, c + 32));
        runs += m && !in;
        in = m;
    }
    return runs + extra + q->cother;
}

static void cls_other(re_parser *q, long cost)
{
    q->cother = q->cother + cost > RE_SIZE_CAP ? RE_SIZE_CAP : q->cother + cost;
}

/* [:alpha:] or [:^alpha:] inside a class; end is past its ":]". */
static bool re_posix_class(re_parser *q, const char *end)
{
    const char *src = q->p, *name = src + 2;
    size_t len = (size_t)(end - 2 - name), srclen = (size_t)(end - src);
    q->p = end;
    bool neg = len && *name == '^';
    if (neg)
        name++, len--;
    for (size_t i = 0; i < sizeof re_posix / sizeof *re_posix; i++) {
        if (strlen(re_posix[i].name) != len || memcmp(re_posix[i].name, name, len))
            continue;
        if (neg)
            cls_other(q, q->fr[q->depth].fold ? 26 : 12);
        else
            cls_add_ranges(q, re_posix[i].ranges);
        return true;
    }
    return quotable(src, srclen, 24) ? re_fail(q, "unknown class %.*s", (int)srclen, src)
                                     : re_fail(q, "unknown [:class:] name");
}

static bool re_class_char(re_parser *q, uint32_t *cp)
{
    if (!*q->p)
        return re_fail(q, "'[' at %zu is never closed", re_col(q, q->cls));
    if (*q->p == '\\')
        return re_escape_rune(q, true, cp);
    q->p += utf8_dec(q->p, cp);
    return true;
}

/* A character or a range of [...]. A non-ASCII range costs about one
 * instruction per UTF-8 length and lead byte: 8 bounds them all (10
 * when the class is negated, 20 under (?i)). */
static bool re_class_range(re_parser *q)
{
    const char *p = q->p;
    uint32_t lo, hi;
    if (!re_class_char(q, &lo))
        return false;
    hi = lo;
    if (q->p[0] == '-' && q->p[1] && q->p[1] != ']') {
        q->p++;
        if (q->p[0] == '\\' && q->p[1] && strchr("dDsSwWpP", q->p[1]))
            return re_fail(q, "\\%c is a class, not a range end", q->p[1]);
        if (!re_class_char(q, &hi))
            return false;
        if (hi < lo) {
            size_t len = (size_t)(q->p - p);
            return quotable(p, len, 24) ? re_fail(q, "range %.*s is reversed", (int)len, p)
                                        : re_fail(q, "reversed range at %zu", re_col(q, p));
        }
    }
    cls_add(q, lo, hi);
    if (hi >= 0x80)
        cls_other(q, q->fr[q->depth].fold ? 20 : q->cneg ? 10 : 8);
    return true;
}

/* One element of [...]: a named class, a character or a range. RE2 looks
 * for the ":]" of "[:" anywhere further on, as done here. */
static bool re_class_item(re_parser *q)
{
    const char *p = q->p;
    long cost;
    if (p[0] == '[' && p[1] == ':') {
        const char *e = strstr(p + 2, ":]");
        if (e)
            return re_posix_class(q, e + 2);
    }
    if (p[0] == '\\' && (p[1] == 'p' || p[1] == 'P')) {
        if (!re_uclass(q, q->cneg, &cost))
            return false;
        cls_other(q, cost);
        return true;
    }
    if (p[0] == '\\' && p[1] && strchr("dws", p[1])) {
        cls_add_ranges(q, p[1] == 'd' ? "09" : p[1] == 'w' ? "09AZaz__" : "\t\n\f\r  ");
        q->p += 2;
        return true;
    }
    if (p[0] == '\\' && (cost = re_perl_class_cost(q, p[1])) >= 0) {
        cls_other(q, cost);
        q->p += 2;
        return true;
    }
    return re_class_range(q);
}

/* [...] and [^...]; a ']' right after the opening is a literal. */
static bool re_class(re_parser *q)
{
    q->cls = q->p++;
    q->cset[0] = q->cset[1] = 0;
    q->cother = 0;
    bool neg = q->cneg = *q->p == '^';
    q->p += neg;
    for (bool first = true; first || *q->p != ']'; first = false) {
        if (!*q->p)
            return re_fail(q, "'[' at %zu is never closed", re_col(q, q->cls));
        if (!re_class_item(q))
            return false;
    }
    q->p++;
    long cost = cls_cost(q, neg);
    return re_atom(q, cost ? cost : 1);
}

/* \Q...\E: literal text up to \E or the end. Empty, it is no item. */
static bool re_quote(re_parser *q)
{
    const char *t = q->p + 2, *e = strstr(t, "\\E"), *end = e ? e : t + strlen(t);
    q->p = e ? e + 2 : end;
    if (t == end)
        q->rep = NULL;
    while (t < end) {
        uint32_t cp;
        t += utf8_dec(t, &cp);
        re_atom(q, re_char_cost(q, cp)); /* a repetition after it takes the last */
    }
    return true;
}

/* A backslash outside [...]: assertions, classes, quoting, characters. */
static bool re_escape(re_parser *q)
{
    char c = q->p[1];
    long cost;
    if (c && strchr("bBAz", c)) {
        q->p += 2;
        return re_atom(q, 2); /* an empty-width assertion */
    }
    if (c == 'Q')
        return re_quote(q);
    if (c == 'p' || c == 'P')
        return re_uclass(q, false, &cost) && re_atom(q, cost);
    if ((cost = re_perl_class_cost(q, c)) >= 0) {
        q->p += 2;
        return re_atom(q, cost);
    }
    uint32_t cp;
    return re_escape_rune(q, false, &cp) && re_atom(q, re_char_cost(q, cp));
}

/* A group opens with the flags of the one around it. */
static bool re_push(re_parser *q, const char *open, bool capture, bool fold)
{
    if (q->depth + 1 >= sizeof q->fr / sizeof *q->fr)
        return re_fail(q, "groups nested too deeply");
    q->fr[++q->depth] =
        (re_frame){.open = (uint16_t)(open - q->re), .fold = fold, .capture = capture};
    q->rep = NULL;
    return true;
}

static bool re_close(re_parser *q)
{
    if (!q->depth)
        return re_fail(q, "')' at %zu has no '('", re_col(q, q->p));
    const re_frame *f = &q->fr[q->depth--];
    q->p++;
    return re_item(q, f->maxw ? f->maxw : 1, (long)f->size + (f->capture ? 2 : 0));
}

/* (?P<name>re). Go refuses a name used twice, so it is refused here. */
static bool re_named(re_parser *q, const char *name)
{
    const char *e = strchr(name, '>');
    if (!e)
        return re_fail(q, "named group without '>'");
    size_t len = (size_t)(e - name);
    if (!len)
        return re_fail(q, "empty group name");
    for (size_t i = 0; i < len; i++)
        if (!is_alnum(name[i]) && name[i] != '_')
            return quotable(name, len, 32)
                       ? re_fail(q, "group name \"%.*s\": letters, digits and '_' only", (int)len,
                                 name)
                       : re_fail(q, "group names take letters, digits and '_' only");
    for (size_t i = 0; i < q->nnames; i++)
        if (q->names[i].len == len && !memcmp(q->names[i].s, name, len))
            return quotable(name, len, 32)
                       ? re_fail(q, "group name \"%.*s\" used twice", (int)len, name)
                       : re_fail(q, "a group name is used twice");
    if (q->nnames == RE_MAX_NAMES)
        return re_fail(q, "too many named groups");
    q->names[q->nnames++] = (re_name){name, len};
    const char *open = q->p;
    q->p = e + 1;
    return re_push(q, open, true, q->fr[q->depth].fold);
}

/* (?flags) or (?flags:re): i m s U, at most one '-' with a flag after it.
 * (?) is accepted by RE2 and Go alike. Only i changes the size. */
static bool re_flags(re_parser *q)
{
    const char *open = q->p, *t = open + 2;
    bool neg = false, saw = false, fold = q->fr[q->depth].fold;
    for (;; t++) {
        if (*t == 'i' || *t == 'm' || *t == 's' || *t == 'U') {
            saw = true;
            fold = *t == 'i' ? !neg : fold;
        } else if (*t == '-' && !neg) {
            neg = true;
            saw = false;
        } else if (*t == ':' || *t == ')') {
            break;
        } else if (!*t) {
            return re_fail(q, "'(' at %zu is never closed", re_col(q, open));
        } else if (*t == '-') {
            return re_fail(q, "two '-' in flags");
        } else if (is_alnum(*t)) {
            return re_fail(q, "flag %c is not RE2 (only i, m, s, U)", *t);
        } else {
            return re_fail(q, "bad character in flags at %zu", re_col(q, t));
        }
    }
    if (neg && !saw)
        return re_fail(q, "'-' in flags with no flag after it");
    q->p = t + 1;
    if (*t == ':')
        return re_push(q, open, false, fold);
    q->fr[q->depth].fold = fold; /* to the end of the enclosing group */
    q->rep = NULL;               /* (?i) alone: a repetition after it applies to the item before */
    return true;
}

/* "(?" openings of other engines, each refused with its name. */
static const struct {
    const char *after; /* what follows "(?" */
    const char *why;
} re_foreign_groups[] = {
    {"=", "lookahead (?= is not RE2 (Envoy's regex engine)"},
    {"!", "negative lookahead (?! is not RE2 (Envoy's regex engine)"},
    {"<=", "lookbehind (?<= is not RE2 (Envoy's regex engine)"},
    {"<!", "negative lookbehind (?<! is not RE2 (Envoy's regex engine)"},
    /* RE2 takes (?<name> only since 2023 and Go since 1.22: older Envoy and
     * istiod refuse it, (?P<name> works everywhere */
    {"<", "write (?P<name>: older Envoy and Istio refuse (?<name>"},
    {">", "atomic group (?> is not RE2"},
    {"|", "branch reset (?| is not RE2"},
    {"(", "conditional (?( is not RE2"},
    {"#", "comment (?# is not RE2"},
    {"R", "recursion (?R) is not RE2"},
    {"&", "recursion (?&name) is not RE2"},
    {"P=", "named backreference (?P=name) is not RE2"},
    {"P>", "recursion (?P>name) is not RE2"},
    {"C", "callout (?C is not RE2"},
    {"'", "write (?P<name>: (?'name' is not RE2"},
    {"{", "code block (?{ is not RE2"},
    {"?{", "code block (??{ is not RE2"},
};

static bool re_perl_group(re_parser *q)
{
    const char *t = q->p + 2;
    for (size_t i = 0; i < sizeof re_foreign_groups / sizeof *re_foreign_groups; i++)
        if (!strncmp(t, re_foreign_groups[i].after, strlen(re_foreign_groups[i].after)))
            return re_fail(q, "%s", re_foreign_groups[i].why);
    if (is_digit(t[0]) || ((t[0] == '+' || t[0] == '-') && is_digit(t[1]))) {
        size_t len = 1 + strspn(t + 1, "0123456789");
        return re_fail(q, "recursion (?%.*s) is not RE2", (int)(len < 8 ? len : 8), t);
    }
    if (t[0] == 'P' && t[1] == '<')
        return re_named(q, t + 2);
    if (t[0] == 'P')
        return re_fail(q, "\"(?P\" starts a named group: (?P<name>...)");
    return re_flags(q);
}

/* '|' ends an alternative: what follows has nothing to repeat yet. */
static bool re_alt(re_parser *q)
{
    re_frame *f = &q->fr[q->depth];
    q->p++;
    f->atom = false;
    f->size += 3; /* the split, and a nop when a side is empty */
    q->rep = NULL;
    return true;
}

static bool re_token(re_parser *q)
{
    switch (*q->p) {
    case '(':
        if (q->p[1] == '?')
            return re_perl_group(q);
        if (q->p[1] == '*' && is_upper(q->p[2]))
            return re_fail(q, "control verbs (*VERB) are not RE2");
        q->p++;
        return re_push(q, q->p - 1, true, q->fr[q->depth].fold);
    case ')':
        return re_close(q);
    case '|':
        return re_alt(q);
    case '[':
        return re_class(q);
    case '*':
    case '+':
    case '?':
        return re_star(q);
    case '{':
        return re_brace(q);
    case '\\':
        return re_escape(q);
    case '.':
        q->p++;
        return re_atom(q, 8); /* any character but \n, in UTF-8 */
    case '^':
    case '$':
        q->p++;
        return re_atom(q, 2); /* an empty-width assertion */
    default: {
        uint32_t cp;
        q->p += utf8_dec(q->p, &cp);
        return re_atom(q, re_char_cost(q, cp));
    }
    }
}

/* Go's parser (istiod) also refuses a tree over 1000 deep and programs
 * over its size limit; nesting costs at least 1.5 characters a level and
 * counts multiply to 1000 at most, so neither is reachable in 1024 bytes.
 * Envoy's program-size limit is estimated from above: the costs are upper
 * bounds of what RE2 compiles each item to, so a pattern near the limit
 * may be refused that Envoy would just take. */
bool val_re2(const char *re, char *why, size_t n)
{
    if (!re)
        re = "";
    size_t len = strlen(re);
    if (len > RE_MAX_LEN)
        return fail(why, n, "%zu bytes: Istio's limit is %d", len, RE_MAX_LEN);
    for (const char *s = re; *s;) {
        uint32_t cp;
        size_t l = utf8_dec(s, &cp);
        if (!l)
            return fail(why, n, "invalid UTF-8 at byte %zu", (size_t)(s - re) + 1);
        s += l;
    }
    /* the frames and names are 25 KB: clearing them for every path cost
     * more than the check itself */
    re_parser q;
    memset(&q, 0, offsetof(re_parser, fr));
    q.re = q.p = re;
    q.why = why;
    q.n = n;
    q.fr[0] = (re_frame){0};
    while (*q.p)
        if (!re_token(&q))
            return false;
    if (q.depth)
        return re_fail(&q, "'(' at %zu is never closed", re_col(&q, q.re + q.fr[q.depth].open));
    /* match, fail and the unanchored .*?; the costs can fall short by
     * about 1% where RE2 wraps loops of empty-width items: 3% margin */
    long size = q.fr[0].size + 4L;
    if (size > RE_MAX_PROG - RE_MAX_PROG / 32)
        return re_fail(&q, "too big for Envoy: ~%ld RE2 instructions, Istio allows %d", size,
                       RE_MAX_PROG);
    return true;
}
