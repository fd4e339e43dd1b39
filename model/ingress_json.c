/*
 * ingress_json.c - an Ingress decoded straight from its JSON bytes (see
 * ingress_json.h).
 *
 * One pass over the item: the fields the view holds are read where they
 * are, every other value is only checked as parse_json.c would read it
 * (skip_value). Strings the view keeps are copied, NUL-terminated, into a
 * scratch that lives for the call, with the view's arrays; at the end
 * they are copied at once into one block the view owns (own_scratch):
 * one malloc per Ingress, where the tree path's view has one per array
 * and ingress_view_own's block.
 * Every function returns 0, or NO to decline (d->oom says when the reason
 * was memory).
 */
#include "model/ingress_json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/jsonchar.h"
#include "model/kname.h"
#include "model/simdscan.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The scanners every key and string goes through (next_key, next_elem,
 * str_scan): inlined into each decoder, which saves a call's saved
 * registers per key (about 10 % of the decoder's instructions). */
#if defined(__GNUC__)
#define INLINE static inline __attribute__((always_inline))
#else
#define INLINE static inline
#endif

#define NO        (-1)
#define KEYS_MAX  64
#define DEPTH_MAX 64
/* kobj.c's ANNOTATIONS_MAX: the API server's total of keys and values */
#define ANNOTATIONS_MAX (256 * 1024)
#define FIRST_BLOCK     4096

typedef struct sblk {
    struct sblk *next;
    size_t size, used;
    char data[];
} sblk;

typedef struct {
    const char *b;
    size_t n, i;
    int depth;
    bool oom;
    bool (*keep)(const char *key);
    char *first; /* the scratch: a block on the caller's stack, then more */
    size_t fused;
    sblk *more;
    ing_view v;
    size_t capanns;
    size_t ann_bytes;
    const char *ns;           /* metadata.namespace as written */
    size_t lines, line_start; /* line breaks so far; past the last one */
} jd;

/* The keys of one object so far, for the duplicate check. */
typedef struct {
    const char *k[KEYS_MAX];
    size_t l[KEYS_MAX];
    size_t n;
    uint64_t seen; /* next_key's bits of the keys so far */
} keyset;

/* ---- scratch ---- */

/* scratch_al past the first block: the newest of the more blocks, or a
 * new one. */
static char *scratch_more(jd *d, size_t n, size_t al)
{
    sblk *b = d->more;
    size_t u = b ? (b->used + al - 1) & ~(al - 1) : 0;
    if (!b || u > b->size || b->size - u < n) {
        size_t size = n > 16384 ? n : 16384;
        if (!(b = malloc(sizeof *b + size))) {
            d->oom = true;
            return NULL;
        }
        *b = (sblk){d->more, size, 0};
        d->more = b;
        u = 0;
    }
    b->used = u + n;
    return b->data + u;
}

/* n bytes of the scratch at a multiple of al (1 or 8: arrays of the
 * view live there too); NULL out of memory. */
static inline char *scratch_al(jd *d, size_t n, size_t al)
{
    size_t f = (d->fused + al - 1) & ~(al - 1);
    if (f <= FIRST_BLOCK && FIRST_BLOCK - f >= n) {
        d->fused = f + n;
        return d->first + f;
    }
    return scratch_more(d, n, al);
}

static inline char *scratch(jd *d, size_t n)
{
    return scratch_al(d, n, 1);
}

static const char *copy(jd *d, const char *s, size_t n)
{
    char *p = scratch(d, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static void scratch_free(jd *d)
{
    while (d->more) {
        sblk *next = d->more->next;
        free(d->more);
        d->more = next;
    }
}

/* Grows *arr (of *cap elements of sz bytes, *n used) by one zeroed
 * element; NULL out of memory. The arrays live in the scratch, copied
 * with its strings into the view's one block at the end: most lists of
 * an Ingress have one entry, so an array starts with room for one (for
 * eight annotations). */
static void *grow(jd *d, void **arr, size_t *cap, size_t n, size_t sz, size_t first)
{
    if (n == *cap) {
        size_t c = *cap ? *cap * 2 : first;
        char *a = scratch_al(d, c * sz, 8);
        if (!a)
            return NULL;
        if (n)
            memcpy(a, *arr, n * sz);
        *arr = a;
        *cap = c;
    }
    char *e = (char *)*arr + n * sz;
    memset(e, 0, sz);
    return e;
}

/* ---- JSON, as parse_json.c reads it ---- */

static inline char at(const jd *d)
{
    return d->i < d->n ? d->b[d->i] : '\0'; /* a NUL is never valid here either */
}

/* Indented JSON (kubectl -o json) is mostly a newline and a run of
 * spaces: those go sixteen bytes at a time; a tab or a carriage return
 * where the run stops is passed over and the run goes on. Strings hold
 * no raw line break (str_scan declines them): every one of the value is
 * in a run, and counted here, for the reader's line (doc_span). */
static void ws_run(jd *d)
{
    const char *b = d->b;
    size_t i = d->i, n = d->n;
    for (;;) {
        if (i < n && b[i] == '\n') { /* a run's first byte, mostly */
            d->lines++;
            d->line_start = ++i;
        }
#if defined(__SSE2__)
        const __m128i sp = _mm_set1_epi8(' ');
        while (i + 16 <= n) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
            unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, sp)) ^ 0xffff;
            if (m) {
                i += (size_t)__builtin_ctz(m);
                break;
            }
            i += 16;
        }
#endif
        while (i < n && b[i] == ' ')
            i++;
        if (i >= n || (b[i] != '\n' && b[i] != '\t' && b[i] != '\r')) {
            d->i = i;
            return;
        }
        i += b[i] != '\n';
    }
}

/* Most places have no blank at all, or the one space after a ':': no
 * call then. */
static inline void ws(jd *d)
{
    size_t i = d->i;
    if (i >= d->n || (unsigned char)d->b[i] > ' ')
        return;
    if (d->b[i] == ' ' && i + 1 < d->n && (unsigned char)d->b[i + 1] > ' ')
        d->i = i + 1;
    else
        ws_run(d);
}

/* parse_json.c's escapes: the letter, then the byte it stands for */
static const char escapes[] = "\"\"\\\\//b\bf\fn\nr\rt\t";

/* The string at d->i (its quote): its raw bytes, d->i past it. *escaped
 * when it has an escape. Declines what read_string refuses. */
INLINE int str_scan(jd *d, const char **s, size_t *len, bool *escaped)
{
    size_t start = d->i + 1, i = start;
    *escaped = false;
    for (;;) {
        i = ss_string_special(d->b, i, d->n);
        if (i >= d->n)
            return NO;
        unsigned char c = (unsigned char)d->b[i];
        if (c == '"')
            break;
        if (c < 0x20)
            return NO;
        if (c == 0x7f) { /* ss_string_special stops there too */
            i++;
            continue;
        }
        if (c >= 0x80) {
            size_t k = json_utf8_len((const unsigned char *)d->b + i, d->n - i);
            if (!k)
                return NO;
            i += k;
            continue;
        }
        char e = i + 1 < d->n ? d->b[i + 1] : '\0';
        unsigned cp;
        if (e == 'u') {
            /* \u0000 is refused; any other (a lone surrogate too) is read */
            if (i + 6 > d->n || json_hex4(d->b + i + 2, &cp) || cp == 0)
                return NO;
            i += 6;
        } else if (e && (e == '"' || e == '\\' || e == '/' || strchr("bfnrt", e))) {
            i += 2;
        } else {
            return NO;
        }
        *escaped = true;
    }
    *s = d->b + start;
    *len = i - start;
    d->i = i + 1;
    return 0;
}

/* The l bytes at s (a string str_scan passed) decoded into out as
 * read_string decodes them; returns the length (at most l). */
static size_t unescape(const char *s, size_t l, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < l;) {
        /* the bytes up to the next escape at once (snippets: lines of
         * thirty bytes between their \n) */
        const char *bs = memchr(s + i, '\\', l - i);
        size_t run = bs ? (size_t)(bs - (s + i)) : l - i;
        memcpy(out + o, s + i, run);
        o += run;
        if ((i += run) == l)
            break;
        char e = s[i + 1];
        if (e != 'u') {
            const char *m = strchr(escapes, e);
            out[o++] = m[1];
            i += 2;
            continue;
        }
        unsigned cp = 0, lo;
        json_hex4(s + i + 2, &cp);
        i += 6;
        if (cp >= 0xd800 && cp <= 0xdbff) {
            if (i + 6 <= l && s[i] == '\\' && s[i + 1] == 'u' && !json_hex4(s + i + 2, &lo) &&
                lo >= 0xdc00 && lo <= 0xdfff) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                i += 6;
            } else {
                cp = 0xfffd; /* a lone surrogate, as Go decodes it */
            }
        } else if (cp >= 0xdc00 && cp <= 0xdfff) {
            cp = 0xfffd;
        }
        o += json_put_utf8(cp, out + o);
    }
    return o;
}

/* A string str_scan passed, decoded and NUL-terminated in the scratch. */
static const char *keep_str(jd *d, const char *s, size_t l, bool esc)
{
    if (!esc)
        return copy(d, s, l);
    char *p = scratch(d, l + 1);
    if (p)
        p[unescape(s, l, p)] = '\0';
    return p;
}

/* A string the view keeps. */
static int str_keep(jd *d, const char **out)
{
    const char *s;
    size_t l;
    bool esc;
    if (at(d) != '"' || str_scan(d, &s, &l, &esc) < 0)
        return NO;
    return (*out = keep_str(d, s, l, esc)) ? 0 : NO;
}

/* The string lit, as written (no escape). */
static int str_is(jd *d, const char *lit)
{
    size_t l = strlen(lit);
    if (at(d) != '"' || d->n - d->i < l + 2 || memcmp(d->b + d->i + 1, lit, l) ||
        d->b[d->i + 1 + l] != '"')
        return NO;
    d->i += l + 2;
    return 0;
}

static size_t digits(const jd *d, size_t i)
{
    while (i < d->n && d->b[i] >= '0' && d->b[i] <= '9')
        i++;
    return i;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)? (read_number's). */
static int num_scan(jd *d, bool *integer)
{
    size_t i = d->i;
    if (i < d->n && d->b[i] == '-')
        i++;
    size_t e = digits(d, i);
    if (e == i || (d->b[i] == '0' && e > i + 1))
        return NO;
    i = e;
    *integer = true;
    if (i < d->n && d->b[i] == '.') {
        if ((e = digits(d, i + 1)) == i + 1)
            return NO;
        i = e;
        *integer = false;
    }
    if (i < d->n && (d->b[i] == 'e' || d->b[i] == 'E')) {
        size_t x = i + 1;
        if (x < d->n && (d->b[x] == '+' || d->b[x] == '-'))
            x++;
        if ((e = digits(d, x)) == x)
            return NO;
        i = e;
        *integer = false;
    }
    d->i = i;
    return 0;
}

static int open_c(jd *d, char c)
{
    if (at(d) != c || ++d->depth > DEPTH_MAX)
        return NO;
    d->i++;
    return 0;
}

/* The next key of the object being read: 1 with the key (plain ASCII, no
 * escape: every key of a Kubernetes object) and d->i at its value; 0 past
 * the closing brace; NO on a duplicate key, more than KEYS_MAX, or
 * anything that is not JSON. */
INLINE int next_key(jd *d, keyset *ks, const char **k, size_t *kl)
{
    ws(d);
    char c = at(d);
    if (c == '}') {
        d->i++;
        d->depth--;
        return 0;
    }
    if (ks->n) {
        if (c != ',')
            return NO;
        d->i++;
        ws(d);
        c = at(d);
    }
    if (c != '"' || ks->n == KEYS_MAX)
        return NO;
    size_t s = d->i + 1, e = ss_string_special(d->b, s, d->n);
    if (e >= d->n || d->b[e] != '"')
        return NO;
    *k = d->b + s;
    *kl = e - s;
    /* a bit per (length, last bytes): most keys find theirs clear, and
     * cannot be a duplicate */
    unsigned h = *kl ? ((unsigned)*kl * 7u + (unsigned char)(*k)[*kl - 1] * 3u +
                        (unsigned char)(*k)[(*kl - 1) / 2]) &
                           63u
                     : 0u;
    if (ks->seen >> h & 1u) {
        for (size_t j = 0; j < ks->n; j++)
            if (ks->l[j] == *kl && !memcmp(ks->k[j], *k, *kl))
                return NO;
    }
    ks->seen |= (uint64_t)1 << h;
    ks->k[ks->n] = *k;
    ks->l[ks->n++] = *kl;
    d->i = e + 1;
    ws(d);
    if (at(d) != ':')
        return NO;
    d->i++;
    ws(d);
    return 1;
}

/* The next element of the array being read: 1 at it, 0 past the closing
 * bracket. *count: the elements so far. */
INLINE int next_elem(jd *d, size_t *count)
{
    ws(d);
    char c = at(d);
    if (c == ']') {
        d->i++;
        d->depth--;
        return 0;
    }
    if (*count) {
        if (c != ',')
            return NO;
        d->i++;
        ws(d);
    }
    (*count)++;
    return 1;
}

#define KEY(lit) (kl == sizeof(lit) - 1 && !memcmp(k, lit, sizeof(lit) - 1))

/* Any value but null, checked and passed over. */
static int skip_value(jd *d)
{
    char c = at(d);
    const char *k;
    size_t kl, count = 0;
    int r;
    if (c == '"') {
        bool esc;
        return str_scan(d, &k, &kl, &esc);
    }
    if (c == '{') {
        keyset ks;
        ks.n = 0;
        ks.seen = 0;
        if (open_c(d, '{') < 0)
            return NO;
        while ((r = next_key(d, &ks, &k, &kl)) == 1)
            if (skip_value(d) < 0)
                return NO;
        return r;
    }
    if (c == '[') {
        if (open_c(d, '[') < 0)
            return NO;
        while ((r = next_elem(d, &count)) == 1)
            if (skip_value(d) < 0)
                return NO;
        return r;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        bool integer;
        return num_scan(d, &integer);
    }
    if (d->n - d->i >= 4 && !memcmp(d->b + d->i, "true", 4)) {
        d->i += 4;
        return 0;
    }
    if (d->n - d->i >= 5 && !memcmp(d->b + d->i, "false", 5)) {
        d->i += 5;
        return 0;
    }
    return NO; /* null (kobj_drop_nulls would drop it) or not JSON */
}

/* ---- the Ingress ---- */

/* labels: a map of strings (check_object's rule). */
static int string_map(jd *d)
{
    keyset ks;
    ks.n = 0;
    ks.seen = 0;
    const char *k, *s;
    size_t kl, l;
    bool esc;
    int r;
    if (open_c(d, '{') < 0)
        return NO;
    while ((r = next_key(d, &ks, &k, &kl)) == 1)
        if (at(d) != '"' || str_scan(d, &s, &l, &esc) < 0)
            return NO;
    return r;
}

/* One annotation: kept in the view when keep says so (the key as the
 * tree holds it: the shared table's copy when it has one). */
static int annotation(jd *d, const char *k, size_t kl)
{
    const char *s;
    size_t l;
    bool esc;
    if (at(d) != '"' || str_scan(d, &s, &l, &esc) < 0)
        return NO;
    /* raw lengths: an escaped value is longer written than read, so
     * within the limit here is within it decoded */
    if ((d->ann_bytes += kl + l) > ANNOTATIONS_MAX)
        return NO;
    const char *key = doc_key_static(k, kl);
    if (!key && !(key = copy(d, k, kl)))
        return NO;
    /* a key is its bytes (next_key: no escape) */
    bool cls = kl == sizeof INGRESS_CLASS_ANNOTATION - 1 &&
               !memcmp(k, INGRESS_CLASS_ANNOTATION, sizeof INGRESS_CLASS_ANNOTATION - 1);
    bool kept = !d->keep || d->keep(key);
    /* a key copied only to ask keep gives its room back */
    if (!kept && key == d->first + d->fused - (kl + 1))
        d->fused -= kl + 1;
    if (!kept && !cls)
        return 0;
    const char *val = keep_str(d, s, l, esc);
    if (!val)
        return NO;
    if (cls)
        d->v.class_annotation = val;
    if (!kept)
        return 0;
    ing_ann *a = d->v.nanns < d->capanns
                     ? &d->v.anns[d->v.nanns]
                     : grow(d, (void **)&d->v.anns, &d->capanns, d->v.nanns, sizeof *a, 8);
    if (!a)
        return NO;
    *a = (ing_ann){key, val, false};
    d->v.nanns++;
    return 0;
}

/* The kept annotations gather on the stack and go into the scratch at
 * their number: kept in the view's block for the whole run, an array
 * grown 8, 16 from the scratch left the first one and half the second
 * unused there (most Ingresses of a Sealos dump keep nine). */
#define ANNS_STACK 32

static int annotations(jd *d)
{
    keyset ks;
    ks.n = 0;
    ks.seen = 0;
    const char *k;
    size_t kl;
    int r;
    ing_ann stack[ANNS_STACK];
    if (open_c(d, '{') < 0)
        return NO;
    d->v.anns = stack; /* grow moves them to the scratch past ANNS_STACK */
    d->capanns = ANNS_STACK;
    while ((r = next_key(d, &ks, &k, &kl)) == 1)
        if (annotation(d, k, kl) < 0)
            break;
    if (d->v.anns == stack) {
        d->v.anns = NULL;
        if (r == 0 && d->v.nanns) {
            size_t sz = d->v.nanns * sizeof *stack;
            if (!(d->v.anns = (ing_ann *)(void *)scratch_al(d, sz, 8)))
                return NO;
            memcpy(d->v.anns, stack, sz);
        }
    }
    return r == 1 ? NO : r;
}

static int metadata(jd *d)
{
    keyset ks;
    ks.n = 0;
    ks.seen = 0;
    const char *k;
    size_t kl;
    int r;
    if (open_c(d, '{') < 0)
        return NO;
    while ((r = next_key(d, &ks, &k, &kl)) == 1) {
        int rc = KEY("name")                ? str_keep(d, &d->v.name)
                 : KEY("namespace")         ? str_keep(d, &d->ns)
                 : KEY("creationTimestamp") ? str_keep(d, &d->v.created)
                 : KEY("annotations")       ? annotations(d)
                 : KEY("labels")            ? string_map(d)
                                            : skip_value(d);
        if (rc < 0)
            return NO;
    }
    return r;
}

/* port: {"number": 1..65535} or {"name": "..."}, one of them. */
static int port(jd *d, ing_backend *out)
{
    keyset ks;
    ks.n = 0;
    ks.seen = 0;
    const char *k;
    size_t kl;
    int r;
    bool num = false;
    if (open_c(d, '{') < 0)
        return NO;
    while ((r = next_key(d, &ks, &k, &kl)) == 1) {
        if (KEY("name")) {
            if (str_keep(d, &out->port_name) < 0 || !*out->port_name)
                return NO;
            continue;
        }
        size_t s = d->i;
        bool integer;
        if (!KEY("number") || num_scan(d, &integer) < 0 || !integer || d->b[s] == '-' ||
            d->i - s > 5)
            return NO;
        long v = 0;
        for (size_t i = s; i < d->i; i++)
            v = v * 10 + (d->b[i] - '0');
        if (v < 1 || v > 65535)
            return NO;
        out->port_number = v;
        num = true;
    }
    return r < 0 || num == (out->port_name != NULL) ? NO : 0;
}

/* backend: {"service": {"name": ..., "port": ...}} only. */
static int service(jd *d, ing_backend *out)
{
    keyset ks;
    ks.n = 0;
    ks.seen = 0;
    const char *k;
    size_t kl;
    int r;
    bool has_port = false;
    if (open_c(d, '{') < 0)
        return NO;
    while ((r = next_key(d, &ks, &k, &kl)) == 1) {
        int rc = KEY("name")   ? str_keep(d, &out->service)
                 : KEY("port") ? (has_port = true, port(d, out))
                               : NO;
        if (rc < 0)
            return NO;
    }
    mp_err e;
    if (r < 0 || !has_port || !out->service || !*out->service ||
        kname_check(KNAME_DNS1035, "service.name", out->service, &e) < 0)
        return NO;
    return 0;
}

static int backend(jd *d, ing_backend *out)
{
    keyset ks;
    ks.n = 0;
    ks.seen = 0;
    const char *k;
    size_t kl;
    int r;
    bool svc = false;
    memset(out, 0, sizeof *out);
    if (open_c(d, '{') < 0)
        return NO;
    while ((r = next_key(d, &ks, &k, &kl)) == 1) {
        if (!KEY("service") || service(d, out) < 0)
            return NO;
        svc = true;
    }
    return r < 0 || !svc ? NO : 0;
}

/* pathType's string decoded into buf (n bytes), not kept: the view
 * holds the type it names. Longer than any name: declined. */
static int str_local(jd *d, char *buf, size_t n, const char **out)
{
    const char *s;
    size_t l;
    bool esc;
    if (at(d) != '"' || str_scan(d, &s, &l, &esc) < 0 || l >= n)
        return NO;
    buf[esc ? unescape(s, l, buf) : (memcpy(buf, s, l), l)] = '\0';
    *out = buf;
    return 0;
}

static int path(jd *d, ing_path *out)
{
    keyset ks;
    ks.n = 0;
    ks.seen = 0;
    const char *k, *type = NULL;
    char tbuf[32];
    size_t kl;
    int r;
    bool has_backend = false;
    if (open_c(d, '{') < 0)
        return NO;
    while ((r = next_key(d, &ks, &k, &kl)) == 1) {
        int rc = KEY("path")       ? str_keep(d, &out->path)
                 : KEY("pathType") ? str_local(d, tbuf, sizeof tbuf, &type)
                 : KEY("backend")  ? (has_backend = true, backend(d, &out->backend))
                                   : NO;
        if (rc < 0)
            return NO;
    }
    if (r < 0 || !has_backend)
        return NO;
    if (!out->path || !*out->path)
        out->path = "/";
    if (out->path[0] != '/')
        return NO;
    out->type = ING_PATH_IMPL;
    out->type_set = type != NULL;
    if (type && !ingress_path_type_parse(type, &out->type))
        return NO;
    return 0;
}

/* http: {"paths": [...]} only. */
static int http(jd *d, ing_rule *out)
{
    keyset ks;
    ks.n = 0;
    ks.seen = 0;
    const char *k;
    size_t kl, count = 0, cap = 0;
    int r, e;
    if (open_c(d, '{') < 0)
        return NO;
    while ((r = next_key(d, &ks, &k, &kl)) == 1) {
        if (!KEY("paths") || open_c(d, '[') < 0)
            return NO;
        while ((e = next_elem(d, &count)) == 1) {
            ing_path *p = grow(d, (void **)&out->paths, &cap, out->npaths, sizeof *p, 1);
            if (!p || path(d, p) < 0)
                return NO;
            out->npaths++;
        }
        if (e < 0)
            return NO;
        /* an empty list is still a list, as decode_rule allocates it */
        if (!out->paths && !(out->paths = (ing_path *)(void *)scratch_al(d, sizeof *out->paths, 8)))
            return NO;
    }
    return r;
}

static int rule(jd *d, ing_rule *out)
{
    keyset ks;
    ks.n = 0;
    ks.seen = 0;
    const char *k;
    size_t kl;
    int r;
    if (open_c(d, '{') < 0)
        return NO;
    while ((r = next_key(d, &ks, &k, &kl)) == 1) {
        int rc = KEY("host") ? str_keep(d, &out->host) : KEY("http") ? http(d, out) : NO;
        if (rc < 0)
            return NO;
    }
    if (out->host && !*out->host)
        out->host = NULL;
    if (r < 0 || (out->host && (!ingress_valid_host(out->host) || ingress_host_is_ip(out->host))))
        return NO;
    return 0;
}

/* The host of a rule read already (so a valid one) that the l bytes at
 * s spell, else NULL: a TLS entry mostly names its rule's host, and then
 * shares its string. */
static const char *rule_host(const jd *d, const char *s, size_t l)
{
    for (size_t i = 0; i < d->v.nrules; i++) {
        const char *h = d->v.rules[i].host;
        if (h && !strncmp(h, s, l) && !h[l])
            return h;
    }
    return NULL;
}

static int tls_hosts(jd *d, ing_tls *out)
{
    size_t count = 0, cap = 0;
    int e;
    if (open_c(d, '[') < 0)
        return NO;
    while ((e = next_elem(d, &count)) == 1) {
        const char **h = grow(d, (void **)&out->hosts, &cap, out->nhosts, sizeof *h, 1);
        const char *s;
        size_t l;
        bool esc;
        if (!h || at(d) != '"' || str_scan(d, &s, &l, &esc) < 0)
            return NO;
        if (!(*h = esc ? NULL : rule_host(d, s, l)) &&
            (!(*h = keep_str(d, s, l, esc)) || !ingress_valid_host(*h)))
            return NO;
        out->nhosts++;
    }
    if (e < 0)
        return NO;
    if (!out->hosts && !(out->hosts = (const char **)(void *)scratch_al(d, sizeof *out->hosts, 8)))
        return NO;
    return 0;
}

static int tls(jd *d, ing_tls *out)
{
    keyset ks;
    ks.n = 0;
    ks.seen = 0;
    const char *k;
    size_t kl;
    int r;
    if (open_c(d, '{') < 0)
        return NO;
    while ((r = next_key(d, &ks, &k, &kl)) == 1) {
        int rc = KEY("hosts")        ? tls_hosts(d, out)
                 : KEY("secretName") ? str_keep(d, &out->secret)
                                     : NO;
        if (rc < 0)
            return NO;
    }
    if (out->secret && !*out->secret)
        out->secret = NULL;
    mp_err e;
    if (out->secret && kname_check(KNAME_SUBDOMAIN, "secretName", out->secret, &e) < 0) {
        out->bad_secret = out->secret;
        out->secret = NULL;
    }
    return r;
}

/* A list of spec whose elements one() decodes into *arr as they come; an
 * element counts in *n before it is decoded (rules and tls are sized as
 * the tree path sizes them). */
static int list_of(jd *d, void **arr, size_t *n, size_t sz, int (*one)(jd *, void *))
{
    size_t count = 0, cap = 0;
    int e;
    if (open_c(d, '[') < 0)
        return NO;
    while ((e = next_elem(d, &count)) == 1) {
        void *el = grow(d, arr, &cap, *n, sz, 1);
        if (!el)
            return NO;
        (*n)++;
        if (one(d, el) < 0)
            return NO;
    }
    return e;
}

static int rule_at(jd *d, void *el)
{
    return rule(d, el);
}

static int tls_at(jd *d, void *el)
{
    return tls(d, el);
}

static int spec(jd *d)
{
    keyset ks;
    ks.n = 0;
    ks.seen = 0;
    const char *k;
    size_t kl;
    int r;
    if (open_c(d, '{') < 0)
        return NO;
    while ((r = next_key(d, &ks, &k, &kl)) == 1) {
        int rc = KEY("ingressClassName") ? str_keep(d, &d->v.class_name)
                 : KEY("defaultBackend")
                     ? (d->v.has_default = true, backend(d, &d->v.default_backend))
                 : KEY("rules")
                     ? list_of(d, (void **)&d->v.rules, &d->v.nrules, sizeof *d->v.rules, rule_at)
                 : KEY("tls") ? list_of(d, (void **)&d->v.tls, &d->v.ntls, sizeof *d->v.tls, tls_at)
                              : NO;
        if (rc < 0)
            return NO;
    }
    return r < 0 || (!d->v.nrules && !d->v.has_default) ? NO : 0;
}

/* The object itself: apiVersion networking.k8s.io/v1, kind Ingress,
 * metadata and spec; any other field is only checked. */
static int item(jd *d)
{
    keyset ks;
    ks.n = 0;
    ks.seen = 0;
    const char *k;
    size_t kl;
    int r;
    bool api = false, kind = false, meta = false, sp = false;
    if (open_c(d, '{') < 0)
        return NO;
    while ((r = next_key(d, &ks, &k, &kl)) == 1) {
        int rc = KEY("apiVersion") ? (api = true, str_is(d, "networking.k8s.io/v1"))
                 : KEY("kind")     ? (kind = true, str_is(d, "Ingress"))
                 : KEY("metadata") ? (meta = true, metadata(d))
                 : KEY("spec")     ? (sp = true, spec(d))
                                   : skip_value(d);
        if (rc < 0)
            return NO;
    }
    return r < 0 || !api || !kind || !meta || !sp ? NO : 0;
}

/* The names as check_object and check_names want them. */
static int names(jd *d, const char *default_ns)
{
    mp_err e;
    if (!d->v.name || !*d->v.name || kname_check(KNAME_SUBDOMAIN, "metadata.name", d->v.name, &e))
        return NO;
    if (d->ns && *d->ns) {
        d->v.ns = d->ns;
        return kname_check(KNAME_LABEL, "metadata.namespace", d->ns, &e) ? NO : 0;
    }
    if (!default_ns) {
        d->v.ns = "default";
        return 0;
    }
    /* the view owns it, as ingress_view_own would copy it */
    if (kname_check(KNAME_LABEL, "namespace", default_ns, &e) ||
        !(d->v.ns = copy(d, default_ns, strlen(default_ns))))
        return NO;
    return 0;
}

/* ---- the owned block ---- */

#define SEGS_MAX 32

/* Where each scratch block's bytes go in the view's block. */
typedef struct {
    uintptr_t lo[SEGS_MAX], hi[SEGS_MAX];
    char *to[SEGS_MAX];
    size_t n;
} segs;

static void *moved(const segs *g, const void *p)
{
    uintptr_t u = (uintptr_t)p;
    for (size_t i = 0; i < g->n; i++)
        if (u >= g->lo[i] && u < g->hi[i])
            return g->to[i] + (u - g->lo[i]);
    return (void *)(uintptr_t)p; /* the path "/", a shared key: they live for ever */
}

#define MOVE(g, p) ((p) = moved((g), (p)))

static void move_backend(const segs *g, ing_backend *b)
{
    MOVE(g, b->service);
    MOVE(g, b->port_name);
    MOVE(g, b->resource);
}

/* Every pointer of the view into the scratch moved to the block. */
static void move_view(const segs *g, ing_view *v)
{
    MOVE(g, v->name);
    MOVE(g, v->ns);
    MOVE(g, v->created);
    MOVE(g, v->class_name);
    MOVE(g, v->class_annotation);
    MOVE(g, v->anns);
    MOVE(g, v->rules);
    MOVE(g, v->tls);
    for (size_t i = 0; i < v->nrules; i++) {
        ing_rule *r = &v->rules[i];
        MOVE(g, r->host);
        MOVE(g, r->paths);
        for (size_t j = 0; j < r->npaths; j++) {
            MOVE(g, r->paths[j].path);
            move_backend(g, &r->paths[j].backend);
        }
    }
    for (size_t i = 0; i < v->ntls; i++) {
        ing_tls *t = &v->tls[i];
        MOVE(g, t->hosts);
        for (size_t j = 0; j < t->nhosts; j++)
            MOVE(g, t->hosts[j]);
        MOVE(g, t->secret);
        MOVE(g, t->bad_secret);
    }
    if (v->has_default)
        move_backend(g, &v->default_backend);
    for (size_t i = 0; i < v->nanns; i++) {
        MOVE(g, v->anns[i].key);
        MOVE(g, v->anns[i].value);
    }
}

/* The view's strings and arrays copied from the scratch into one block of
 * its size (each scratch block's used bytes, at multiples of 8), and the
 * view repointed: what it holds is then freed with that block
 * (v->packed). Declines past SEGS_MAX scratch blocks (megabytes). */
static int own_scratch(jd *d)
{
    segs g;
    g.n = 0;
    size_t size = d->fused;
    g.lo[g.n] = (uintptr_t)d->first;
    g.hi[g.n++] = (uintptr_t)d->first + d->fused;
    for (sblk *b = d->more; b; b = b->next) {
        if (g.n == SEGS_MAX)
            return NO;
        size = (size + 7) & ~(size_t)7;
        g.lo[g.n] = (uintptr_t)b->data;
        g.hi[g.n++] = (uintptr_t)b->data + b->used;
        size += b->used;
    }
    char *block = malloc(size ? size : 1);
    if (!block) {
        d->oom = true;
        return NO;
    }
    size_t at = 0;
    for (size_t i = 0; i < g.n; i++) {
        at = (at + 7) & ~(size_t)7;
        g.to[i] = block + at;
        memcpy(block + at, (const char *)g.lo[i], g.hi[i] - g.lo[i]);
        at += g.hi[i] - g.lo[i];
    }
    move_view(&g, &d->v);
    d->v.own = block;
    d->v.packed = true;
    return 0;
}

int ingress_json_decode(const char *buf, size_t avail, const char *default_ns,
                        bool (*keep_ann)(const char *key), ing_view *out, doc_span *span)
{
    _Alignas(16) char first[FIRST_BLOCK];
    jd d;
    memset(&d, 0, sizeof d);
    d.b = buf;
    d.n = avail;
    d.keep = keep_ann;
    d.first = first;
    int rc = item(&d) < 0 || names(&d, default_ns) < 0 ? NO : 0;
    if (rc == 0)
        rc = own_scratch(&d);
    scratch_free(&d); /* on a decline, all the view held */
    if (rc < 0)
        return d.oom ? -1 : 0;
    *out = d.v;
    *span = (doc_span){d.i, d.lines, d.line_start};
    return 1;
}
