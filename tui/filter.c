/*
 * filter.c - row filter parsing and matching.
 */
#include "tui/filter.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void filter_init(row_filter *f)
{
    memset(f, 0, sizeof *f);
}

/* ASCII case fold, the same in every locale (UTF-8 bytes above 0x7f are
 * compared as they are). */
static unsigned char fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 'a' - 'A') : c;
}

static void reqs_free(label_req *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(r[i].key);
        free(r[i].value);
    }
    free(r);
}

void filter_clear(row_filter *f)
{
    if (f->mode == FILTER_REGEX)
        regfree(&f->re);
    free(f->expr);
    free(f->needle);
    reqs_free(f->reqs, f->nreqs);
    filter_init(f);
}

bool filter_active(const row_filter *f)
{
    return f->mode != FILTER_NONE;
}

static char *trim_dup(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

static int parse_req(const char *s, size_t n, label_req *r, mp_err *err)
{
    char *t = trim_dup(s, n);
    if (!t)
        return mp_errf(err, "out of memory");
    memset(r, 0, sizeof *r);
    char *op;
    if (!*t) {
        free(t);
        return mp_errf(err, "filter: empty label requirement");
    }
    if ((op = strstr(t, "!="))) {
        r->op = LBL_NE;
        *op = 0;
        r->value = trim_dup(op + 2, strlen(op + 2));
    } else if ((op = strchr(t, '='))) {
        r->op = LBL_EQ;
        *op = 0;
        size_t skip = op[1] == '=' ? 2 : 1;
        r->value = trim_dup(op + skip, strlen(op + skip));
    } else if (t[0] == '!') {
        r->op = LBL_ABSENT;
        memmove(t, t + 1, strlen(t));
    } else {
        r->op = LBL_EXISTS;
    }
    r->key = trim_dup(t, strlen(t));
    free(t);
    if (!r->key || !*r->key) {
        free(r->key);
        free(r->value);
        return mp_errf(err, "filter: label requirement without a key");
    }
    return 0;
}

static int parse_labels(row_filter *nf, const char *sel, mp_err *err)
{
    size_t cap = 1;
    for (const char *p = sel; *p; p++)
        cap += *p == ',';
    nf->reqs = calloc(cap, sizeof *nf->reqs);
    if (!nf->reqs)
        return mp_errf(err, "out of memory");
    const char *p = sel;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (parse_req(p, n, &nf->reqs[nf->nreqs], err) < 0)
            return -1;
        nf->nreqs++;
        p += n + (comma != NULL);
    }
    if (!nf->nreqs)
        return mp_errf(err, "filter: -l needs a selector such as app=web");
    return 0;
}

/* A quantifier right after another (a++, a*{2}, a?*): POSIX leaves it
 * undefined and glibc's regcomp expands it, using gigabytes on a few
 * hundred '+' (found by tests/fuzz/fuzz_filter.c). */
static bool stacked_repeat(const char *re)
{
    bool after_repeat = false;
    for (const char *p = re; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            after_repeat = false;
        } else if (*p == '[') { /* a bracket expression: its content is literal */
            const char *q = p + 1 + (p[1] == '^');
            q += *q == ']';
            while (*q && *q != ']')
                q++;
            p = *q ? q : p;
            after_repeat = false;
        } else if (strchr("*+?{", *p)) {
            if (after_repeat)
                return true;
            if (*p == '{')
                while (p[1] && p[1] != '}')
                    p++;
            after_repeat = true;
        } else {
            after_repeat = false;
        }
    }
    return false;
}

static int parse_expr(row_filter *nf, const char *e, mp_err *err)
{
    if (!strncmp(e, "-l", 2) && (e[2] == ' ' || e[2] == 0)) {
        nf->mode = FILTER_LABELS;
        return parse_labels(nf, e + 2 + (e[2] == ' '), err);
    }
    if (e[0] == '!') {
        nf->negate = true;
        e++;
    }
    if (!strncmp(e, "re:", 3)) {
        if (stacked_repeat(e + 3))
            return mp_errf(err,
                           "filter: bad regex \"%.100s\": a repetition of a repetition "
                           "(like a++ or a*{2}): write one",
                           e + 3);
        int rc = regcomp(&nf->re, e + 3, REG_EXTENDED | REG_ICASE | REG_NOSUB);
        if (rc) {
            char msg[200];
            regerror(rc, &nf->re, msg, sizeof msg);
            return mp_errf(err, "filter: bad regex \"%s\": %s", e + 3, msg);
        }
        nf->mode = FILTER_REGEX;
        return 0;
    }
    nf->mode = FILTER_TEXT;
    nf->needle = strdup(e);
    if (!nf->needle)
        return mp_errf(err, "out of memory");
    for (char *p = nf->needle; *p; p++)
        *p = (char)fold((unsigned char)*p);
    return 0;
}

int filter_set(row_filter *f, const char *expr, mp_err *err)
{
    row_filter nf;
    filter_init(&nf);
    char *e = trim_dup(expr, strlen(expr));
    if (!e)
        return mp_errf(err, "out of memory");
    if (!*e || !strcmp(e, "!")) {
        free(e);
        filter_clear(f);
        return 0;
    }
    if (parse_expr(&nf, e, err) < 0) {
        nf.expr = e;
        if (nf.mode == FILTER_REGEX)
            nf.mode = FILTER_NONE; /* regcomp failed: nothing to free */
        filter_clear(&nf);
        return -1;
    }
    nf.expr = e;
    filter_clear(f);
    *f = nf;
    return 0;
}

static bool labels_match(const row_filter *f, const doc_node *labels)
{
    for (size_t i = 0; i < f->nreqs; i++) {
        const label_req *r = &f->reqs[i];
        const char *v = doc_is_map(labels) ? doc_get_str(labels, r->key) : NULL;
        bool ok = r->op == LBL_EQ       ? v && !strcmp(v, r->value)
                  : r->op == LBL_NE     ? !v || strcmp(v, r->value) != 0
                  : r->op == LBL_EXISTS ? v != NULL
                                        : v == NULL;
        if (!ok)
            return false;
    }
    return true;
}

static bool field_hit(const row_filter *f, const char *s)
{
    if (!s)
        return false;
    if (f->mode == FILTER_REGEX)
        return regexec(&f->re, s, 0, NULL, 0) == 0;
    /* needle is ASCII-folded; compare byte-wise folded. Every row is
     * searched on every keystroke, so no call per byte */
    const unsigned char *n = (const unsigned char *)f->needle;
    if (!n[0])
        return true;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (fold(*p) != n[0])
            continue;
        size_t i = 1;
        while (n[i] && fold(p[i]) == n[i])
            i++;
        if (!n[i])
            return true;
    }
    return false;
}

char *filter_fold_join(const char *const *fields, size_t nfields)
{
    size_t len = 1;
    for (size_t i = 0; i < nfields; i++)
        len += (fields[i] ? strlen(fields[i]) : 0) + 1;
    char *out = malloc(len), *o = out;
    for (size_t i = 0; out && i < nfields; i++) {
        for (const char *p = fields[i]; p && *p; p++)
            *o++ = (char)fold((unsigned char)*p);
        *o++ = '\n';
    }
    if (out)
        *o = 0;
    return out;
}

bool filter_match_folded(const row_filter *f, const char *const *fields, size_t nfields,
                         const char *folded, const doc_node *labels)
{
    /* a cleaned field holds no newline, so a hit cannot span two fields */
    if (f->mode == FILTER_TEXT && folded && !strchr(f->needle, '\n'))
        return (strstr(folded, f->needle) != NULL) != f->negate;
    return filter_match(f, fields, nfields, labels);
}

bool filter_match(const row_filter *f, const char *const *fields, size_t nfields,
                  const doc_node *labels)
{
    if (f->mode == FILTER_NONE)
        return true;
    if (f->mode == FILTER_LABELS)
        return labels_match(f, labels);
    bool hit = false;
    for (size_t i = 0; i < nfields && !hit; i++)
        hit = field_hit(f, fields[i]);
    return hit != f->negate;
}
