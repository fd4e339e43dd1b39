/*
 * verify_re.c - PCRE (nginx) and RE2 (Istio) patterns run as POSIX
 * extended regexes, for the two simulators of the verify step.
 *
 * Why POSIX: it is in libc, and the patterns an Ingress path holds are
 * small. What differs and how it is handled:
 *   - syntax POSIX lacks is translated: \d \w \s (and their negations,
 *     also inside [...]), \A \z, (?:...) and (?P<n>...) / (?<n>...)
 *     (groups renumbered so that $N / \N still name the author's group),
 *     a leading (?i), and lazy quantifiers (*? +? ?? }?), which become
 *     greedy: that can only move where a group ends, never whether the
 *     path matches;
 *   - POSIX takes the longest of the leftmost matches where PCRE and RE2
 *     take the first alternative that matches: whether a path matches is
 *     the same, what an alternation inside a group captures may differ;
 *   - anything else that is not POSIX (lookaround, backreferences, \b,
 *     inline flags after the start, Unicode classes) is refused, and the
 *     simulators answer "unverifiable" for that request instead of
 *     guessing.
 */
#include "model/verify_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/hmap.h"
#include "model/strbuf.h"

typedef struct {
    regex_t re;
    bool ok;
    char why[200];
    int map[VRE_NCAP]; /* the author's group k -> POSIX group, 0 none */
    size_t ngroups;    /* POSIX groups */
} vre_entry;

struct vre_cache {
    hmap idx;
    vre_entry **e;
    size_t n, cap;
    bool oom;
};

vre_cache *vre_new(void)
{
    return calloc(1, sizeof(vre_cache));
}

void vre_free(vre_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        if (c->e[i]->ok)
            regfree(&c->e[i]->re);
        free(c->e[i]);
    }
    free(c->e);
    hmap_free(&c->idx);
    free(c);
}

bool vre_oom(const vre_cache *c)
{
    return c->oom;
}

/* ---- translation ------------------------------------------------------ */

typedef struct {
    strbuf out;
    int posix; /* POSIX groups opened so far */
    int src;   /* the author's capturing groups so far */
    int *map;
    char *why;
    size_t nwhy;
} xlat;

static int refuse(xlat *x, const char *what)
{
    snprintf(x->why, x->nwhy, "%s is not supported here", what);
    return -1;
}

/* One escape outside [...]; returns the characters consumed. */
static int esc_outside(xlat *x, const char *p)
{
    static const struct {
        char c;
        const char *posix;
    } cls[] = {{'d', "[0-9]"},
               {'D', "[^0-9]"},
               {'w', "[[:alnum:]_]"},
               {'W', "[^[:alnum:]_]"},
               {'s', "[[:space:]]"},
               {'S', "[^[:space:]]"},
               {'A', "^"},
               {'z', "$"}};
    char e = p[1];
    for (size_t i = 0; i < sizeof cls / sizeof cls[0]; i++)
        if (cls[i].c == e) {
            strbuf_puts(&x->out, cls[i].posix);
            return 2;
        }
    if (e && strchr(".[]{}()*+?^$|\\", e)) {
        strbuf_putc(&x->out, '\\');
        strbuf_putc(&x->out, e);
        return 2;
    }
    if (e && ispunct((unsigned char)e)) {
        strbuf_putc(&x->out, e);
        return 2;
    }
    char what[16];
    snprintf(what, sizeof what, "\\%c", e ? e : ' ');
    return refuse(x, what);
}

/* One escape inside [...]. */
static int esc_inside(xlat *x, const char *p)
{
    char e = p[1];
    if (e == 'd' || e == 'w' || e == 's') {
        strbuf_puts(&x->out, e == 'd' ? "0-9" : e == 'w' ? "[:alnum:]_" : "[:space:]");
        return 2;
    }
    if (e == '\\') {
        strbuf_putc(&x->out, '\\'); /* a backslash is literal in a POSIX class */
        return 2;
    }
    if (e && ispunct((unsigned char)e) && !strchr("]-^[", e)) {
        strbuf_putc(&x->out, e);
        return 2;
    }
    char what[32];
    snprintf(what, sizeof what, "\\%c in a class", e ? e : ' ');
    return refuse(x, what);
}

/* [...] starting at p; returns the characters consumed. */
static int bracket(xlat *x, const char *p)
{
    size_t i = 1;
    strbuf_putc(&x->out, '[');
    if (p[i] == '^')
        strbuf_putc(&x->out, p[i++]);
    if (p[i] == ']')
        strbuf_putc(&x->out, p[i++]);
    while (p[i] && p[i] != ']') {
        if (p[i] == '[' && p[i + 1] == ':') {
            const char *end = strstr(p + i, ":]");
            if (!end)
                return refuse(x, "an unterminated [: class");
            strbuf_append(&x->out, p + i, (size_t)(end + 2 - (p + i)));
            i = (size_t)(end + 2 - p);
            continue;
        }
        if (p[i] == '\\') {
            int k = esc_inside(x, p + i);
            if (k < 0)
                return -1;
            i += (size_t)k;
            continue;
        }
        strbuf_putc(&x->out, p[i++]);
    }
    if (!p[i])
        return refuse(x, "an unterminated [");
    strbuf_putc(&x->out, ']');
    return (int)i + 1;
}

/* ( starting at p; returns the characters consumed. */
static int group(xlat *x, const char *p)
{
    bool capture = true;
    int k = 1;
    if (p[1] == '?') {
        if (p[2] == ':') {
            capture = false;
            k = 3;
        } else if ((p[2] == 'P' && p[3] == '<') || (p[2] == '<' && p[3] != '=' && p[3] != '!')) {
            const char *gt = strchr(p, '>');
            if (!gt)
                return refuse(x, "an unterminated group name");
            k = (int)(gt + 1 - p);
        } else {
            return refuse(x, "(? other than (?: and named groups");
        }
    }
    x->posix++;
    if (capture && ++x->src < VRE_NCAP)
        x->map[x->src] = x->posix;
    strbuf_putc(&x->out, '(');
    return k;
}

static int translate(const char *p, vre_mode m, xlat *x, bool *icase)
{
    *icase = m == VRE_NGINX;
    if (!strncmp(p, "(?i)", 4)) {
        *icase = true;
        p += 4;
    }
    if (m == VRE_NGINX)
        strbuf_putc(&x->out, '^');
    if (m == VRE_FULL) {
        strbuf_puts(&x->out, "^(");
        x->posix = 1;
    }
    for (size_t i = 0; p[i];) {
        int k = 1;
        char c = p[i];
        if (c == '\\')
            k = esc_outside(x, p + i);
        else if (c == '[')
            k = bracket(x, p + i);
        else if (c == '(')
            k = group(x, p + i);
        else
            strbuf_putc(&x->out, c);
        if (k < 0)
            return -1;
        i += (size_t)k;
        if (strchr("*+?}", c) && c != '\\' && p[i] == '?' && i > 0)
            i++; /* lazy: greedy here */
        else if (strchr("*+?}", c) && p[i] == '+')
            return refuse(x, "a possessive quantifier");
    }
    if (m == VRE_FULL)
        strbuf_puts(&x->out, ")$");
    return 0;
}

static vre_entry *compile(const char *pattern, vre_mode m)
{
    vre_entry *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    xlat x = {.map = e->map, .why = e->why, .nwhy = sizeof e->why};
    strbuf_init(&x.out);
    bool icase;
    if (translate(pattern, m, &x, &icase) == 0) {
        char *s = strbuf_detach(&x.out, NULL);
        if (!s) {
            free(e);
            return NULL;
        }
        int rc = regcomp(&e->re, s, REG_EXTENDED | (icase ? REG_ICASE : 0));
        if (rc == 0) {
            e->ok = true;
            e->ngroups = (size_t)x.posix;
        } else {
            char msg[120];
            regerror(rc, &e->re, msg, sizeof msg);
            snprintf(e->why, sizeof e->why, "POSIX regcomp refuses it: %s", msg);
        }
        free(s);
    }
    strbuf_free(&x.out);
    return e;
}

/* Longer patterns are not evaluated: the cache key must hold the whole
 * pattern (and istiod refuses regexes over 1024 bytes anyway). */
#define VRE_MAXLEN 1536

static const vre_entry *lookup(vre_cache *c, const char *pattern, vre_mode m)
{
    static const vre_entry too_long = {.why = "longer than 1536 bytes, not evaluated"};
    if (strlen(pattern) > VRE_MAXLEN)
        return &too_long;
    char mode[2] = {(char)('0' + m), 0}, key[VRE_MAXLEN + 8];
    hmap_key2(key, sizeof key, mode, pattern);
    long at = hmap_get(&c->idx, key);
    if (at >= 0)
        return c->e[at];
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        vre_entry **ne = realloc(c->e, cap * sizeof *ne);
        if (!ne)
            return c->oom = true, NULL;
        c->e = ne;
        c->cap = cap;
    }
    vre_entry *e = compile(pattern, m);
    if (!e)
        return c->oom = true, NULL;
    c->e[c->n] = e;
    if (hmap_put(&c->idx, key, c->n) < 0)
        c->oom = true; /* still usable for this call */
    c->n++;
    return e;
}

/* ---- use ---------------------------------------------------------------- */

int vre_match(vre_cache *c, const char *pattern, vre_mode m, const char *s, regoff_t caps[][2],
              char *why, size_t nwhy)
{
    const vre_entry *e = lookup(c, pattern, m);
    if (!e || !e->ok) {
        snprintf(why, nwhy, "regex \"%s\": %s", pattern, e ? e->why : "out of memory");
        return -1;
    }
    regmatch_t pm[32];
    size_t np = e->ngroups + 1 < 32 ? e->ngroups + 1 : 32;
    if (regexec(&e->re, s, np, pm, 0) != 0)
        return 0;
    for (int k = 0; caps && k < VRE_NCAP; k++) {
        int g = k == 0 ? 0 : e->map[k];
        bool set = (k == 0 || g > 0) && (size_t)g < np && pm[g].rm_so >= 0;
        caps[k][0] = set ? pm[g].rm_so : -1;
        caps[k][1] = set ? pm[g].rm_eo : -1;
    }
    return 1;
}

static void put_group(strbuf *sb, const char *s, const regmatch_t *pm, size_t np, int g)
{
    if (g >= 0 && (size_t)g < np && pm[g].rm_so >= 0)
        strbuf_append(sb, s + pm[g].rm_so, (size_t)(pm[g].rm_eo - pm[g].rm_so));
}

static void put_subst(strbuf *sb, const vre_entry *e, const char *subst, const char *s,
                      const regmatch_t *pm, size_t np)
{
    for (const char *q = subst; *q; q++) {
        if (*q == '\\' && isdigit((unsigned char)q[1])) {
            int k = q[1] - '0';
            put_group(sb, s, pm, np, k == 0 ? 0 : e->map[k]);
            q++;
        } else if (*q == '\\' && q[1] == '\\') {
            strbuf_putc(sb, '\\');
            q++;
        } else {
            strbuf_putc(sb, *q);
        }
    }
}

int vre_replace(vre_cache *c, const char *pattern, const char *subst, const char *s, char *out,
                size_t n, char *why, size_t nwhy)
{
    const vre_entry *e = lookup(c, pattern, VRE_FIND);
    if (!e || !e->ok) {
        snprintf(why, nwhy, "regex \"%s\": %s", pattern, e ? e->why : "out of memory");
        return -1;
    }
    strbuf sb;
    strbuf_init(&sb);
    regmatch_t pm[32];
    size_t np = e->ngroups + 1 < 32 ? e->ngroups + 1 : 32, len = strlen(s), off = 0;
    while (off <= len && regexec(&e->re, s + off, np, pm, off ? REG_NOTBOL : 0) == 0) {
        strbuf_append(&sb, s + off, (size_t)pm[0].rm_so);
        put_subst(&sb, e, subst, s + off, pm, np);
        if (pm[0].rm_eo == pm[0].rm_so) {
            if (off + (size_t)pm[0].rm_so < len)
                strbuf_putc(&sb, s[off + (size_t)pm[0].rm_so]);
            off += (size_t)pm[0].rm_so + 1;
        } else {
            off += (size_t)pm[0].rm_eo;
        }
    }
    if (off < len)
        strbuf_puts(&sb, s + off);
    char *r = strbuf_detach(&sb, NULL);
    if (!r) {
        c->oom = true;
        snprintf(why, nwhy, "out of memory");
        return -1;
    }
    v_copy(out, n, r);
    free(r);
    return 0;
}

void vre_subst_dollar(const char *target, const char *s, regoff_t caps[][2], char *out, size_t n)
{
    size_t o = 0;
    for (const char *q = target; *q && o + 1 < n; q++) {
        int k = -1, skip = 0;
        if (q[0] == '$' && isdigit((unsigned char)q[1]))
            k = q[1] - '0', skip = 1;
        else if (q[0] == '$' && q[1] == '{' && isdigit((unsigned char)q[2]) && q[3] == '}')
            k = q[2] - '0', skip = 3;
        if (k < 0) {
            out[o++] = *q;
            continue;
        }
        if (caps[k][0] >= 0)
            for (regoff_t i = caps[k][0]; i < caps[k][1] && o + 1 < n; i++)
                out[o++] = s[i];
        q += skip;
    }
    out[o] = 0;
}

/* ---- a path a regex path matches ---------------------------------------- */

typedef struct {
    const char *p;
    size_t i;
    char out[VA_PATH];
    size_t len;
    bool bad;
    int depth;
} smp;

static void smp_put(smp *s, char c)
{
    if (s->len + 1 < sizeof s->out)
        s->out[s->len++] = c;
    else
        s->bad = true;
}

/* The character an escape stands for, or 0 when it is no single one. */
static char smp_esc(char e)
{
    if (e == 'd')
        return '0';
    if (e == 'w')
        return 'a';
    return e && ispunct((unsigned char)e) ? e : 0;
}

static void smp_class(smp *s)
{
    const char *p = s->p;
    size_t i = s->i + 1;
    char pick = 0;
    if (p[i] == '^') {
        s->bad = true; /* which character is outside is not worth guessing */
        return;
    }
    if (p[i] == ']')
        pick = p[i++];
    else if (p[i] == '\\')
        pick = smp_esc(p[i + 1]);
    else if (p[i] == '[' && p[i + 1] == ':')
        pick = !strncmp(p + i, "[:digit:]", 9) ? '0' : !strncmp(p + i, "[:upper:]", 9) ? 'A' : 'a';
    else
        pick = p[i];
    while (p[i] && p[i] != ']') {
        if (p[i] == '\\' && p[i + 1])
            i++;
        else if (p[i] == '[' && p[i + 1] == ':' && strstr(p + i, ":]"))
            i = (size_t)(strstr(p + i, ":]") + 1 - p);
        i++;
    }
    if (!p[i] || !pick)
        s->bad = true;
    else
        smp_put(s, pick);
    s->i = p[i] ? i + 1 : i;
}

static void smp_alt(smp *s);

static void smp_group(smp *s)
{
    const char *p = s->p + s->i;
    if (!strncmp(p, "(?:", 3))
        s->i += 3;
    else if (!strncmp(p, "(?P<", 4) || (!strncmp(p, "(?<", 3) && p[3] != '=' && p[3] != '!'))
        s->i += (size_t)(strchr(p, '>') ? strchr(p, '>') + 1 - p : 1);
    else if (p[1] == '?')
        s->bad = true;
    else
        s->i++;
    if (s->bad || ++s->depth > 20) {
        s->bad = true;
        return;
    }
    smp_alt(s);
    s->depth--;
    if (s->p[s->i] != ')')
        s->bad = true;
    else
        s->i++;
}

static void smp_atom(smp *s)
{
    char c = s->p[s->i];
    if (c == '[') {
        smp_class(s);
    } else if (c == '(') {
        smp_group(s);
    } else if (c == '\\') {
        char e = smp_esc(s->p[s->i + 1]);
        if (!e)
            s->bad = true;
        smp_put(s, e);
        s->i += s->p[s->i + 1] ? 2 : 1;
    } else {
        if (c != '^' && c != '$')
            smp_put(s, c == '.' ? 'x' : c);
        s->i++;
    }
}

static void smp_seq(smp *s)
{
    while (!s->bad && s->p[s->i] && s->p[s->i] != '|' && s->p[s->i] != ')') {
        size_t mark = s->len;
        smp_atom(s);
        char q = s->p[s->i];
        if (q == '*' || q == '?') {
            s->len = mark;
            s->i++;
        } else if (q == '+') {
            s->i++;
        } else if (q == '{') {
            long times = strtol(s->p + s->i + 1, NULL, 10);
            const char *end = strchr(s->p + s->i, '}');
            if (!end || times > 16) {
                s->bad = true;
                return;
            }
            char atom[64];
            size_t one = s->len - mark;
            if (one >= sizeof atom) {
                s->bad = true;
                return;
            }
            memcpy(atom, s->out + mark, one);
            s->len = mark;
            for (long t = 0; t < times; t++)
                for (size_t k = 0; k < one; k++)
                    smp_put(s, atom[k]);
            s->i = (size_t)(end + 1 - s->p);
        } else {
            continue;
        }
        if (s->p[s->i] == '?')
            s->i++; /* lazy */
    }
}

static void smp_alt(smp *s)
{
    smp_seq(s);
    while (!s->bad && s->p[s->i] == '|') {
        s->i++;
        size_t mark = s->len;
        smp_seq(s); /* parsed to find the group's end, not used */
        s->len = mark;
    }
}

bool vre_sample(const char *p, char *out, size_t n)
{
    smp s = {.p = p};
    if (!strncmp(p, "(?i)", 4))
        s.i = 4;
    smp_alt(&s);
    if (s.bad || s.p[s.i] || s.len == 0 || s.out[0] != '/')
        return false;
    s.out[s.len] = 0;
    v_copy(out, n, s.out);
    return true;
}
