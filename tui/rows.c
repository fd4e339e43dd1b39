/*
 * rows.c - the column texts for one object, per kind.
 */
#include "tui/rows.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/kobj.h"
#include "model/sanitize.h"

const char *ingress_class_of(const doc_node *ing)
{
    const char *c = kobj_annotation(ing, "kubernetes.io/ingress.class");
    return c ? c : doc_str(doc_getv(ing, "spec", "ingressClassName", NULL));
}

/* A row's texts are built in one buffer and kept in one block (cells, then
 * the filter's folded join): a fill is one allocation, not fifteen, which
 * is what a filter typed at the first paint pays for 14,000 rows. */
#define ROW_TEXT_GUESS 1024

/* Eight bytes at a time (SWAR): each byte's high bit says what is asked
 * of it. Bytes are read with memcpy (no alignment, no read past n). */
#define ONES  0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

static uint64_t load8(const char *s)
{
    uint64_t w;
    memcpy(&w, s, 8);
    return w;
}

/* High bit set in every byte of w that is not printable ASCII (< 0x20 or
 * >= 0x7f). */
static uint64_t unprintable8(uint64_t w)
{
    uint64_t low7 = w & ~HIGHS;
    uint64_t ge20 = low7 + ONES * (0x80 - 0x20); /* high bit: low7 >= 0x20 */
    uint64_t ge7f = low7 + ONES * (0x80 - 0x7f); /* high bit: low7 >= 0x7f */
    return (w | ~ge20 | ge7f) & HIGHS;
}

/* w with 'A'-'Z' lowered and NUL bytes made '\n' (filter_fold_join's
 * fold and separator); other bytes, UTF-8 ones included, as they are. */
static uint64_t fold8(uint64_t w)
{
    uint64_t low7 = w & ~HIGHS;
    uint64_t geA = low7 + ONES * (0x80 - 'A');
    uint64_t gtZ = low7 + ONES * (0x80 - 'Z' - 1);
    uint64_t upper = geA & ~gtZ & ~w & HIGHS;
    uint64_t nonzero = ((low7 + ONES * 0x7f) | w) & HIGHS;
    return (w | upper >> 2) | ((~nonzero & HIGHS) >> 7) * '\n';
}

/* The row's text while it is built: on the stack (a row is 150-300
 * bytes), on the heap past that; the block kept is made once at the end,
 * of exactly its size (a malloc and a realloc per row before). */
typedef struct {
    char *buf;
    size_t len, cap;
    bool oom;
} rowtext;

typedef struct {
    rowtext sb;
    size_t off[COL_COUNT];
    bool set[COL_COUNT];
    size_t list_start; /* where the comma list being built starts */
    char stack[ROW_TEXT_GUESS];
} cellbuf;

static void cb_init(cellbuf *cb)
{
    memset(cb, 0, offsetof(cellbuf, stack));
    cb->sb.buf = cb->stack;
    cb->sb.cap = sizeof cb->stack;
}

static void cb_release(cellbuf *cb)
{
    if (cb->sb.buf != cb->stack)
        free(cb->sb.buf);
    cb->sb.buf = cb->stack;
}

/* Room for n more bytes and a NUL; false (oom set) when there is none. */
static bool cb_room(cellbuf *cb, size_t n)
{
    rowtext *t = &cb->sb;
    if (t->oom)
        return false;
    if (t->len + n < t->cap)
        return true;
    size_t cap = t->cap * 2 > t->len + n + 1 ? t->cap * 2 : t->len + n + 1;
    char *b = t->buf == cb->stack ? malloc(cap) : realloc(t->buf, cap);
    if (!b) {
        t->oom = true;
        return false;
    }
    if (t->buf == cb->stack)
        memcpy(b, t->buf, t->len);
    t->buf = b;
    t->cap = cap;
    return true;
}

static void cb_append(cellbuf *cb, const char *s, size_t n)
{
    if (!cb_room(cb, n))
        return;
    memcpy(cb->sb.buf + cb->sb.len, s, n);
    cb->sb.len += n;
}

static void cb_putc(cellbuf *cb, char c)
{
    if (cb_room(cb, 1))
        cb->sb.buf[cb->sb.len++] = c;
}

/* Starts column c's text at the end of the buffer. */
static void cell_begin(cellbuf *cb, res_col c)
{
    cb->off[c] = cb->list_start = cb->sb.len;
    cb->set[c] = true;
}

/* Appends s[0..n) cleaned (model/sanitize.h): printable ASCII as it is. */
static bool printable(const char *s, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        if (unprintable8(load8(s + i)))
            return false;
    /* the tail as one word that overlaps what was checked: most cells
     * are shorter than 16 bytes */
    if (i < n && n >= 8)
        return !unprintable8(load8(s + n - 8));
    if (n >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, s, 4);
        memcpy(&hi, s + n - 4, 4);
        return !unprintable8(lo | (uint64_t)hi << 32);
    }
    for (; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
            return false;
    return true;
}

static void put_clean(cellbuf *cb, const char *s, size_t n)
{
    if (printable(s, n)) {
        cb_append(cb, s, n);
        return;
    }
    char *clean = san_clean(s, n, 0);
    if (!clean) {
        cb->sb.oom = true;
        return;
    }
    cb_append(cb, clean, strlen(clean));
    free(clean);
}

/* Ends the open column: "-" when empty, then the NUL that separates it. */
static void cell_end(cellbuf *cb)
{
    if (cb->sb.len == cb->list_start)
        cb_putc(cb, '-');
    cb_putc(cb, '\0');
}

/* Column c is s cleaned, "-" when s is NULL or empty. */
static void put_cell(cellbuf *cb, res_col c, const char *s)
{
    cell_begin(cb, c);
    if (s)
        put_clean(cb, s, strlen(s));
    cell_end(cb);
}

/* Column c is s cleaned, even when empty (KIND and NAME). */
static void put_text(cellbuf *cb, res_col c, const char *s)
{
    cell_begin(cb, c);
    if (s)
        put_clean(cb, s, strlen(s));
    cb_putc(cb, '\0');
}

/* Appends s to the comma list of the open column unless already present
 * (compared as cleaned: what the list holds). */
static void list_add(cellbuf *cb, const char *s)
{
    if (!s || !*s)
        return;
    size_t mark = cb->sb.len;
    if (mark > cb->list_start)
        cb_putc(cb, ',');
    size_t item = cb->sb.len;
    put_clean(cb, s, strlen(s));
    if (cb->sb.oom)
        return;
    size_t n = cb->sb.len - item;
    const char *base = cb->sb.buf;
    for (size_t p = cb->list_start; p < mark;) {
        const char *c = memchr(base + p, ',', mark - p);
        size_t l = c ? (size_t)(c - (base + p)) : mark - p;
        if (l == n && !memcmp(base + p, base + item, n)) {
            cb->sb.len = mark; /* a duplicate: take it back */
            return;
        }
        p += l + 1;
    }
}

static void hosts_cell(cellbuf *cb, const store_obj *o)
{
    size_t n; /* rows are of the store's objects: its hosts, not made again */
    const char *const *hs = store_obj_host_list(o, &n);
    cell_begin(cb, COL_HOSTS);
    for (size_t i = 0; i < n; i++)
        list_add(cb, hs[i]);
    cell_end(cb);
}

/* An annotation's text as kobj_annotation gives it, from the annotations
 * map looked up once per row (each lookup is a walk of the map's keys). */
static const char *ann(const doc_node *anns, const char *key)
{
    const doc_node *n = doc_get(anns, key);
    return doc_is_null(n) ? NULL : doc_str(n);
}

static void ingress_cells(res_row *r, cellbuf *cb, mp_store *st, bool shared, const doc_node *d,
                          const doc_node *meta)
{
    cell_begin(cb, COL_PATHS);
    const doc_node *spec = doc_get(d, "spec"), *anns = doc_get(meta, "annotations");
    const doc_node *rules = doc_get(spec, "rules");
    for (size_t i = 0; doc_is_seq(rules) && i < rules->len; i++) {
        const doc_node *ps = doc_getv(doc_at(rules, i), "http", "paths", NULL);
        for (size_t j = 0; doc_is_seq(ps) && j < ps->len; j++) {
            const char *p = doc_get_str(doc_at(ps, j), "path");
            list_add(cb, p ? p : "/");
        }
    }
    cell_end(cb);
    cell_begin(cb, COL_TLS);
    const doc_node *t = doc_get(spec, "tls");
    for (size_t i = 0; doc_is_seq(t) && i < t->len; i++) {
        const char *s = doc_get_str(doc_at(t, i), "secretName");
        list_add(cb, s ? s : "(no secret)");
    }
    cell_end(cb);
    /* ingress_class_of, without looking the maps up again */
    const char *cls = ann(anns, "kubernetes.io/ingress.class");
    if (!cls)
        cls = doc_str(doc_get(spec, "ingressClassName"));
    put_cell(cb, COL_CLASS, cls);
    const char *mig = ann(anns, "sealos.io/migrated-to-istio");
    const char *state = "active";
    if (cls && (!strcmp(cls, "pause") || !strcmp(cls, "disable")))
        state = "paused", r->dim = true;
    else if (mig && !strcmp(mig, "true"))
        state = "migrated", r->dim = true;
    else if (shared && store_obj_conflicts(st, r->obj))
        state = "conflict", r->problem = true;
    put_cell(cb, COL_STATE, state);
}

static void gateway_cells(cellbuf *cb, const doc_node *d)
{
    const doc_node *sv = doc_getv(d, "spec", "servers", NULL);
    size_t n = doc_is_seq(sv) ? sv->len : 0;
    cell_begin(cb, COL_PATHS);
    for (size_t i = 0; i < n; i++) {
        const doc_node *s = doc_at(sv, i);
        char buf[128];
        const char *num = doc_str(doc_getv(s, "port", "number", NULL));
        const char *proto = doc_str(doc_getv(s, "port", "protocol", NULL));
        snprintf(buf, sizeof buf, "%s/%s", num ? num : "?", proto ? proto : "?");
        list_add(cb, buf);
    }
    cell_end(cb);
    cell_begin(cb, COL_TLS);
    for (size_t i = 0; i < n; i++) {
        const doc_node *s = doc_at(sv, i);
        const char *cred = doc_str(doc_getv(s, "tls", "credentialName", NULL));
        const char *redirect = doc_str(doc_getv(s, "tls", "httpsRedirect", NULL));
        if (cred)
            list_add(cb, cred);
        else if (redirect && !strcmp(redirect, "true"))
            list_add(cb, "redirect");
    }
    cell_end(cb);
    cell_begin(cb, COL_CLASS);
    const doc_node *selector = doc_getv(d, "spec", "selector", NULL);
    for (size_t i = 0; doc_is_map(selector) && i < selector->len; i++) {
        char buf[256];
        const char *v = doc_str(selector->items[i]);
        snprintf(buf, sizeof buf, "%s=%s", selector->keys[i], v ? v : "");
        list_add(cb, buf);
    }
    cell_end(cb);
    put_cell(cb, COL_STATE, "ok");
}

static void uri_match(cellbuf *cb, const doc_node *uri)
{
    static const char *const kinds[][2] = {{"exact", "="}, {"prefix", ""}, {"regex", "~"}};
    for (size_t k = 0; k < 3; k++) {
        const char *v = doc_get_str(uri, kinds[k][0]);
        if (v) {
            char buf[512];
            snprintf(buf, sizeof buf, "%s%s", kinds[k][1], v);
            list_add(cb, buf);
        }
    }
}

static bool gateway_missing(mp_store *st, const store_obj *o, const char *g)
{
    if (!strcmp(g, "mesh"))
        return false;
    const char *slash = strchr(g, '/');
    if (!slash)
        return !store_get(st, "Gateway", o->ns, g);
    char ns[256];
    size_t l = (size_t)(slash - g);
    if (l >= sizeof ns)
        return true;
    memcpy(ns, g, l);
    ns[l] = 0;
    return !store_get(st, "Gateway", ns, slash + 1);
}

static void vs_cells(res_row *r, cellbuf *cb, mp_store *st, bool shared, const doc_node *d)
{
    cell_begin(cb, COL_PATHS);
    const doc_node *http = doc_getv(d, "spec", "http", NULL);
    for (size_t i = 0; doc_is_seq(http) && i < http->len; i++) {
        const doc_node *m = doc_get(doc_at(http, i), "match");
        if (!doc_is_seq(m) || !m->len)
            list_add(cb, "*");
        for (size_t j = 0; doc_is_seq(m) && j < m->len; j++) {
            const doc_node *uri = doc_get(doc_at(m, j), "uri");
            if (doc_is_map(uri))
                uri_match(cb, uri);
            else
                list_add(cb, "*");
        }
    }
    cell_end(cb);
    bool missing = false;
    cell_begin(cb, COL_CLASS);
    const doc_node *g = doc_getv(d, "spec", "gateways", NULL);
    for (size_t i = 0; doc_is_seq(g) && i < g->len; i++) {
        const char *s = doc_str(doc_at(g, i));
        list_add(cb, s);
        missing |= shared && s && gateway_missing(st, r->obj, s);
    }
    cell_end(cb);
    const char *state = "ok";
    if (missing)
        state = "no-gateway", r->problem = true;
    else if (shared && store_obj_conflicts(st, r->obj))
        state = "conflict", r->problem = true;
    put_cell(cb, COL_STATE, state);
}

/* The STATE text from what other objects decide (hosts routed elsewhere,
 * Gateways that exist); NULL for what the object alone decides. */
static const char *shared_state(mp_store *st, const res_row *r)
{
    const store_obj *o = r->obj;
    if (r->dim || !strcmp(o->kind, "Gateway"))
        return NULL;
    if (!strcmp(o->kind, "VirtualService")) {
        const doc_node *g = doc_getv(o->doc, "spec", "gateways", NULL);
        for (size_t i = 0; doc_is_seq(g) && i < g->len; i++) {
            const char *s = doc_str(doc_at(g, i));
            if (s && gateway_missing(st, o, s))
                return "no-gateway";
        }
        return store_obj_conflicts(st, o) ? "conflict" : "ok";
    }
    if (!strcmp(o->kind, "Ingress"))
        return store_obj_conflicts(st, o) ? "conflict" : "active";
    return NULL;
}

bool res_row_current(const res_row *r, mp_store *st)
{
    const char *s = shared_state(st, r);
    return !s || !strcmp(s, r->cell[COL_STATE]);
}

/* Moves the buffer's cells into one block with their folded join after
 * them: each cell folded, then '\n', as filter_fold_join makes it, but in
 * the buffer's order of the cells (the filter asks only whether a needle
 * without '\n' is in it, which the order does not change). */
static int cells_finish(res_row *r, cellbuf *cb)
{
    for (int c = 0; c < COL_COUNT; c++)
        if (!cb->set[c]) {
            cb->off[c] = cb->sb.len;
            cb_append(cb, "-", 2); /* with its NUL */
        }
    size_t n = cb->sb.len;
    char *block = cb->sb.oom ? NULL : malloc(2 * n + 1);
    if (!block) {
        cb_release(cb);
        return -1;
    }
    memcpy(block, cb->sb.buf, n);
    cb_release(cb);
    for (int c = 0; c < COL_COUNT; c++)
        r->cell[c] = block + cb->off[c];
    /* every cell ends with its NUL, so the buffer is the cells with their
     * separators: folded as one run */
    char *o = block + n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w = fold8(load8(block + i));
        memcpy(o + i, &w, 8);
    }
    for (; i < n; i++)
        o[i] = block[i] >= 'A' && block[i] <= 'Z' ? (char)(block[i] + 'a' - 'A')
               : block[i]                         ? block[i]
                                                  : '\n';
    o[n] = '\0';
    r->folded = o;
    return 0;
}

/* shared: STATE from what other objects decide too (res_row_fill_local:
 * not, for rows checked with res_row_current when used) */
static int fill(res_row *r, mp_store *st, const store_obj *obj, bool shared)
{
    memset(r, 0, sizeof *r);
    r->obj = obj;
    cellbuf cb;
    cb_init(&cb);
    /* the block starts with KIND: res_row_free frees cell[COL_KIND] */
    put_text(&cb, COL_KIND, obj->kind);
    put_cell(&cb, COL_NAMESPACE, obj->ns);
    put_text(&cb, COL_NAME, obj->name);
    hosts_cell(&cb, obj);
    cell_begin(&cb, COL_AGE);
    cb_putc(&cb, '\0'); /* empty: computed at draw */
    const doc_node *meta = doc_get(obj->doc, "metadata");
    if (!strcmp(obj->kind, "Ingress"))
        ingress_cells(r, &cb, st, shared, obj->doc, meta);
    else if (!strcmp(obj->kind, "Gateway"))
        gateway_cells(&cb, obj->doc);
    else if (!strcmp(obj->kind, "VirtualService"))
        vs_cells(r, &cb, st, shared, obj->doc);
    if (cells_finish(r, &cb) < 0) {
        memset(r, 0, sizeof *r);
        return -1;
    }
    return 0;
}

time_t res_row_created(const res_row *r)
{
    if (!r->created_read) {
        res_row *w = (res_row *)r; /* the ui's row: see rows.h */
        w->created =
            parse_rfc3339(doc_str(doc_getv(r->obj->doc, "metadata", "creationTimestamp", NULL)));
        w->created_read = true;
    }
    return r->created;
}

int res_row_fill(res_row *r, mp_store *st, const store_obj *obj)
{
    return fill(r, st, obj, true);
}

int res_row_fill_local(res_row *r, mp_store *st, const store_obj *obj)
{
    return fill(r, st, obj, false);
}

void res_row_free(res_row *r)
{
    free(r->cell[COL_KIND]); /* the block of every cell and the folded join */
    memset(r, 0, sizeof *r);
}

const char *format_age(time_t created, time_t now, char *buf, size_t n)
{
    if (!created) {
        snprintf(buf, n, "<unknown>");
        return buf;
    }
    long long d = (long long)(now - created);
    if (d < 0)
        d = 0;
    long long m = d / 60, h = d / 3600, days = d / 86400, y = days / 365;
    if (d < 120)
        snprintf(buf, n, "%llds", d);
    else if (m < 10)
        d % 60 ? snprintf(buf, n, "%lldm%llds", m, d % 60) : snprintf(buf, n, "%lldm", m);
    else if (h < 3)
        snprintf(buf, n, "%lldm", m);
    else if (h < 8)
        m % 60 ? snprintf(buf, n, "%lldh%lldm", h, m % 60) : snprintf(buf, n, "%lldh", h);
    else if (h < 48)
        snprintf(buf, n, "%lldh", h);
    else if (h < 24 * 8)
        h % 24 ? snprintf(buf, n, "%lldd%lldh", days, h % 24) : snprintf(buf, n, "%lldd", days);
    else if (y < 2)
        snprintf(buf, n, "%lldd", days);
    else if (y < 8)
        days % 365 ? snprintf(buf, n, "%lldy%lldd", y, days % 365) : snprintf(buf, n, "%lldy", y);
    else
        snprintf(buf, n, "%lldy", y);
    return buf;
}

/* The 2-digit number at s (checked by rfc3339_fast). */
static int two(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar
 * (m 1..12; d past the month's end counts on, as timegm does). */
static long long days_from_civil(long long y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The shape every API server writes ("2026-03-01T10:00:00Z", digits in
 * place, month 1-12): read without sscanf and timegm, which were a fifth of
 * filling a row. Anything else takes the general path below. */
static bool rfc3339_fast(const char *s, time_t *out)
{
    /* the digits' places, then the separators': unrolled by the compiler
     * (a loop over a shape string was a tenth of filling a row) */
    static const unsigned char digit[] = {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18};
    if (strnlen(s, 21) != 20)
        return false;
    for (size_t i = 0; i < sizeof digit; i++)
        if ((unsigned)(s[digit[i]] - '0') > 9)
            return false;
    if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
        (s[19] != 'Z' && s[19] != 'z'))
        return false;
    int mo = two(s + 5);
    if (mo < 1 || mo > 12)
        return false;
    long long y = two(s) * 100 + two(s + 2);
    *out = (time_t)(days_from_civil(y, mo, two(s + 8)) * 86400 + two(s + 11) * 3600LL +
                    two(s + 14) * 60LL + two(s + 17));
    return true;
}

time_t parse_rfc3339(const char *s)
{
    if (!s)
        return 0;
    time_t fast;
    if (rfc3339_fast(s, &fast))
        return fast;
    struct tm tm = {0};
    int off_h = 0, off_m = 0;
    char sign = 0;
    const char *p = s;
    if (sscanf(p, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) != 6)
        return 0;
    p += 19;
    if (*p == '.')
        while (*++p >= '0' && *p <= '9')
            ;
    if (*p == '+' || *p == '-') {
        sign = *p;
        if (sscanf(p + 1, "%2d:%2d", &off_h, &off_m) != 2)
            return 0;
    } else if (*p != 'Z' && *p != 'z') {
        return 0;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    long off = (off_h * 60L + off_m) * 60L;
    return sign == '+' ? t - off : sign == '-' ? t + off : t;
}
