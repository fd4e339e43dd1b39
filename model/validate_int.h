/*
 * validate_int.h - helpers shared by model/validate.c and
 * model/validate_re2.c.
 *
 * PRIVATE to model/validate*.c: nothing else includes it (the interface is
 * validate.h). Static inline, so neither file exports them.
 */
#ifndef MESHPANEL_VALIDATE_INT_H
#define MESHPANEL_VALIDATE_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Writes the reason as validate.h promises and returns false, so that a
 * check can end in "return fail(...)". */
static inline bool fail(char *why, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static inline bool fail(char *why, size_t n, const char *fmt, ...)
{
    if (why && n) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, n, fmt, ap);
        va_end(ap);
    }
    return false;
}

/* ASCII only: <ctype.h> follows the locale the TUI sets. */
static inline bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static inline bool is_lower(int c)
{
    return c >= 'a' && c <= 'z';
}

static inline bool is_upper(int c)
{
    return c >= 'A' && c <= 'Z';
}

static inline bool is_alnum(int c)
{
    return is_digit(c) || is_lower(c) || is_upper(c);
}

/* A piece of the value may go into a reason only when it is short and
 * printable: the reason is drawn on screen next to the field. */
static inline bool quotable(const char *s, size_t len, size_t max)
{
    if (len == 0 || len > max)
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
            return false;
    return true;
}

#endif
