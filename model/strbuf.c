/* strbuf.c - growable string buffer. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/strbuf.h"

void strbuf_init(strbuf *sb)
{
    sb->buf = NULL;
    sb->len = 0;
    sb->cap = 0;
    sb->oom = false;
}

void strbuf_free(strbuf *sb)
{
    free(sb->buf);
    strbuf_init(sb);
}

static bool grow(strbuf *sb, size_t extra)
{
    if (sb->oom)
        return false;
    if (sb->len + extra + 1 <= sb->cap)
        return true;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < sb->len + extra + 1)
        cap *= 2;
    char *p = realloc(sb->buf, cap);
    if (!p) {
        sb->oom = true;
        return false;
    }
    sb->buf = p;
    sb->cap = cap;
    return true;
}

bool strbuf_reserve(strbuf *sb, size_t extra)
{
    return grow(sb, extra);
}

void strbuf_append(strbuf *sb, const char *s, size_t n)
{
    if (!grow(sb, n))
        return;
    memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void strbuf_puts(strbuf *sb, const char *s)
{
    strbuf_append(sb, s, strlen(s));
}

void strbuf_putc(strbuf *sb, char c)
{
    strbuf_append(sb, &c, 1);
}

void strbuf_printf(strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !grow(sb, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
}

void strbuf_reset(strbuf *sb)
{
    sb->len = 0;
    if (sb->buf)
        sb->buf[0] = '\0';
}

char *strbuf_detach(strbuf *sb, size_t *len)
{
    if (sb->oom) {
        strbuf_free(sb);
        return NULL;
    }
    if (!sb->buf && !grow(sb, 0))
        return NULL;
    sb->buf[sb->len] = '\0';
    char *out = sb->buf;
    if (len)
        *len = sb->len;
    strbuf_init(sb);
    return out;
}

void str_join(char *buf, size_t n, ...)
{
    if (!n)
        return;
    size_t len = 0;
    va_list ap;
    va_start(ap, n);
    for (const char *s; (s = va_arg(ap, const char *)) && len + 1 < n;) {
        size_t k = strlen(s);
        if (k > n - 1 - len)
            k = n - 1 - len;
        memcpy(buf + len, s, k);
        len += k;
    }
    va_end(ap);
    buf[len] = '\0';
}

size_t str_utoa(char *buf, unsigned long long v)
{
    char tmp[24];
    size_t k = 0;
    do
        tmp[k++] = (char)('0' + v % 10);
    while ((v /= 10));
    for (size_t i = 0; i < k; i++)
        buf[i] = tmp[k - 1 - i];
    buf[k] = '\0';
    return k;
}
