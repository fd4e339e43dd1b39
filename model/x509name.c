/* x509name.c - certificate names against host names (see x509name.h). */
#include "model/x509name.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

/* Length of s without one trailing '.' (a fully qualified host). */
static size_t trimmed_len(const char *s)
{
    size_t n = strlen(s);
    return n && s[n - 1] == '.' ? n - 1 : n;
}

/* Every label non-empty, no '*' anywhere: Go's VerifyHostname matches a
 * host that is not a valid name only by exact comparison. */
static bool plain_name(const char *s, size_t n)
{
    if (!n || s[0] == '.' || s[n - 1] == '.')
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '*' || (s[i] == '.' && s[i + 1] == '.'))
            return false;
    return true;
}

bool x509_name_is_wildcard(const char *pattern)
{
    size_t n = pattern ? strlen(pattern) : 0;
    return n > 2 && pattern[0] == '*' && pattern[1] == '.' && plain_name(pattern + 2, n - 2);
}

bool x509_name_covers(const char *pattern, const char *host)
{
    if (!pattern || !host)
        return false;
    size_t pl = strlen(pattern), hl = trimmed_len(host);
    if (!hl)
        return false;
    if (pl == hl && !strncasecmp(pattern, host, hl))
        return true;
    if (!x509_name_is_wildcard(pattern) || !plain_name(host, hl))
        return false;
    /* the wildcard stands for the host's whole first label, which must
     * not be empty: the rest of the names compare equal */
    const char *dot = memchr(host, '.', hl);
    if (!dot || dot == host)
        return false;
    size_t rest = hl - (size_t)(dot - host);
    return rest == pl - 1 && !strncasecmp(dot, pattern + 1, rest);
}
