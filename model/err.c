/* err.c - one-line error messages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/err.h"

int mp_errf(mp_err *err, const char *fmt, ...)
{
    if (!err)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return -1;
}

int mp_err_prefix(mp_err *err, const char *fmt, ...)
{
    if (!err)
        return -1;
    char prefix[MP_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    char old[MP_ERR_MAX];
    memcpy(old, err->msg, sizeof old);
    size_t n = strlen(prefix);
    if (n + 2 >= sizeof err->msg)
        n = sizeof err->msg - 3;
    memcpy(err->msg, prefix, n);
    memcpy(err->msg + n, ": ", 2);
    size_t rest = sizeof err->msg - n - 3;
    size_t ol = strnlen(old, rest);
    memcpy(err->msg + n + 2, old, ol);
    err->msg[n + 2 + ol] = '\0';
    return -1;
}

void mp_errlist_init(mp_errlist *l)
{
    memset(l, 0, sizeof *l);
}

void mp_errlist_free(mp_errlist *l)
{
    for (size_t i = 0; i < l->len; i++)
        free(l->lines[i]);
    free(l->lines);
    memset(l, 0, sizeof *l);
}

int mp_errlist_add(mp_errlist *l, const char *fmt, ...)
{
    char line[MP_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (l->len == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        char **v = realloc(l->lines, cap * sizeof *v);
        if (!v) {
            l->oom = true;
            return -1;
        }
        l->lines = v;
        l->cap = cap;
    }
    if (!(l->lines[l->len] = strdup(line)))
        l->oom = true;
    else
        l->len++;
    return -1;
}
