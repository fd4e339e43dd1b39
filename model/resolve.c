/*
 * resolve.c - what a plain YAML scalar means, the way Kubernetes reads it.
 *
 * Kubernetes decodes YAML with go-yaml v2 semantics (YAML 1.1): yes/no/on/off
 * and y/n are booleans, 0777 is octal, 1e3 is a float. Reading with these
 * rules keeps meaning; quoting every string that would match them on output
 * keeps "300" and "on" strings when kubectl reads our YAML back.
 */
#include <ctype.h>
#include <string.h>

#include "model/doc.h"
#include "model/emit.h"

static const char *const null_words[] = {"~", "null", "Null", "NULL"};
static const char *const bool_words[] = {
    "y",    "Y",    "yes",   "Yes",   "YES",   "n",  "N",  "no", "No",  "NO",  "true",
    "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"};
static const char *const float_words[] = {".inf",  ".Inf",  ".INF",  "+.inf", "+.Inf", "+.INF",
                                          "-.inf", "-.Inf", "-.INF", ".nan",  ".NaN",  ".NAN"};

/* The longest word of the three lists: every scalar of an object goes
 * through here twice (decode, encode), and almost none is that short. */
#define MAX_WORD 5

static bool in_words(const char *s, size_t len, const char *const *words, size_t n)
{
    if (!len || len > MAX_WORD)
        return false;
    for (size_t i = 0; i < n; i++)
        if (words[i][0] == s[0] && strnlen(words[i], len + 1) == len && !memcmp(words[i], s, len))
            return true;
    return false;
}

static bool all_of(const char *s, size_t len, const char *set)
{
    if (!len)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!strchr(set, s[i]))
            return false;
    return true;
}

static bool is_int(const char *s, size_t len)
{
    if (len && (*s == '-' || *s == '+'))
        s++, len--;
    if (!len)
        return false;
    if (len > 2 && s[0] == '0' && strchr("xX", s[1]))
        return all_of(s + 2, len - 2, "0123456789abcdefABCDEF_");
    if (len > 2 && s[0] == '0' && strchr("bB", s[1]))
        return all_of(s + 2, len - 2, "01_");
    if (len > 2 && s[0] == '0' && strchr("oO", s[1]))
        return all_of(s + 2, len - 2, "01234567_");
    /* 0777 is octal; 089 is not an integer at all (go-yaml: a float).
     * go-yaml drops every '_' first, so 0_7 is octal and 0__8 a float. */
    if (len > 1 && s[0] == '0')
        return all_of(s + 1, len - 1, "01234567_");
    return isdigit((unsigned char)s[0]) && all_of(s, len, "0123456789_");
}

/* ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
static bool is_float(const char *s, size_t len)
{
    size_t i = 0, digits = 0;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        i++;
    while (i < len && (isdigit((unsigned char)s[i]) || s[i] == '_'))
        i++, digits++;
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && isdigit((unsigned char)s[i]))
            i++, digits++;
    }
    if (!digits)
        return false;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '-' || s[i] == '+'))
            i++;
        size_t exp = 0;
        while (i < len && isdigit((unsigned char)s[i]))
            i++, exp++;
        if (!exp)
            return false;
    }
    return i == len;
}

/* The bytes a null, bool, int or float can start with; a scalar starting
 * with any other byte (nearly every name, host and path) is a string. */
static bool may_resolve(unsigned char c)
{
    static const char starts[] = "~nNyYtTfFoO0123456789+-.";
    return c && memchr(starts, c, sizeof starts - 1);
}

doc_type doc_resolve_plain(const char *s, size_t len)
{
    if (len && !may_resolve((unsigned char)s[0]))
        return DOC_STR;
    if (len == 0 || in_words(s, len, null_words, sizeof null_words / sizeof *null_words))
        return DOC_NULL;
    if (in_words(s, len, bool_words, sizeof bool_words / sizeof *bool_words))
        return DOC_BOOL;
    if (is_int(s, len))
        return DOC_INT;
    if (is_float(s, len) || in_words(s, len, float_words, sizeof float_words / sizeof *float_words))
        return DOC_FLOAT;
    return DOC_STR;
}

/* Sexagesimal (1:20) and date-like values are read as numbers or timestamps
 * by some YAML 1.1 readers; quoting them costs nothing. */
static bool looks_numeric(const char *s, size_t len)
{
    size_t i = (len && (*s == '-' || *s == '+')) ? 1 : 0;
    return i < len && (isdigit((unsigned char)s[i]) || s[i] == '.') &&
           all_of(s + i, len - i, "0123456789:._-+eExXTZ ");
}

bool doc_needs_quotes(const char *s, size_t len)
{
    if (len == 0 || doc_resolve_plain(s, len) != DOC_STR || looks_numeric(s, len))
        return true;
    if (strchr("-?:,[]{}#&*!|>'\"%@`= \t", s[0]) || s[len - 1] == ' ' || s[len - 1] == ':')
        return true;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f)
            return true;
        if (c == ':' && i + 1 < len && s[i + 1] == ' ')
            return true;
        if (c == '#' && i > 0 && s[i - 1] == ' ')
            return true;
    }
    return false;
}
