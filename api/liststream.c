/*
 * liststream.c - byte-level JSON splitter: strings, escapes and depth only.
 */
#include "api/liststream.h"

#include <stdlib.h>
#include <string.h>

#include "model/bytescan.h"
#include "model/strbuf.h"

#define LS_DEFAULT_MAX (64u << 20)
#define KEY_MAX        32

typedef enum { CAP_NONE, CAP_ITEM, CAP_META } cap_kind;

struct liststream {
    ls_mode mode;
    size_t max_item;
    ls_item_fn fn;
    ls_direct_fn direct;
    void *ud;
    int depth;
    bool in_str, esc;
    /* depth-1 key tracking (list mode) */
    char str[KEY_MAX + 1]; /* last string seen at depth 1, truncated */
    size_t str_len;
    bool str_trunc;
    char key[KEY_MAX + 1]; /* key whose value is being read at depth 1 */
    bool in_items;         /* inside the top-level "items" array */
    cap_kind cap;
    int cap_depth; /* depth at which the captured value started */
    strbuf buf;
    strbuf meta;
    size_t count;
    bool cap_scalar; /* LS_VALUES: a bare scalar at top level (not expected) */
    bool meta_done;  /* the top-level "metadata" object is complete */
};

liststream *ls_new(ls_mode mode, size_t max_item, ls_item_fn fn, void *ud)
{
    liststream *ls = calloc(1, sizeof *ls);
    if (!ls)
        return NULL;
    ls->mode = mode;
    ls->max_item = max_item ? max_item : LS_DEFAULT_MAX;
    ls->fn = fn;
    ls->ud = ud;
    strbuf_init(&ls->buf);
    strbuf_init(&ls->meta);
    return ls;
}

void ls_free(liststream *ls)
{
    if (!ls)
        return;
    strbuf_free(&ls->buf);
    strbuf_free(&ls->meta);
    free(ls);
}

void ls_set_direct(liststream *ls, ls_direct_fn fn)
{
    ls->direct = fn;
}

void ls_reset(liststream *ls)
{
    strbuf_free(&ls->buf);
    strbuf_free(&ls->meta);
    ls_mode mode = ls->mode;
    size_t max = ls->max_item;
    ls_item_fn fn = ls->fn;
    ls_direct_fn direct = ls->direct;
    void *ud = ls->ud;
    memset(ls, 0, sizeof *ls);
    ls->mode = mode;
    ls->max_item = max;
    ls->fn = fn;
    ls->direct = direct;
    ls->ud = ud;
    strbuf_init(&ls->buf);
    strbuf_init(&ls->meta);
}

bool ls_metadata_done(const liststream *ls)
{
    return ls->meta_done;
}

size_t ls_count(const liststream *ls)
{
    return ls->count;
}

const char *ls_metadata(const liststream *ls, size_t *len)
{
    *len = ls->meta.len;
    return ls->meta.buf ? ls->meta.buf : "";
}

static int emit(liststream *ls, mp_err *err)
{
    ls->cap = CAP_NONE;
    ls->count++;
    int rc = ls->fn ? ls->fn(ls->buf.buf, ls->buf.len, ls->ud) : 0;
    strbuf_reset(&ls->buf);
    if (ls->buf.oom)
        return mp_errf(err, "out of memory");
    return rc;
}

/* A value starts at the current depth (before the opening byte is counted). */
static void begin_value(liststream *ls, char c)
{
    if (ls->mode == LS_VALUES) {
        if (ls->depth == 0 && (c == '{' || c == '[')) {
            ls->cap = CAP_ITEM;
            ls->cap_depth = 0;
        }
        return;
    }
    if (ls->depth == 1 && c == '[' && !strcmp(ls->key, "items")) {
        ls->in_items = true;
    } else if (ls->depth == 1 && c == '{' && !strcmp(ls->key, "metadata")) {
        ls->cap = CAP_META;
        ls->cap_depth = 1;
        strbuf_reset(&ls->meta);
    } else if (ls->depth == 2 && ls->in_items && c == '{') {
        ls->cap = CAP_ITEM;
        ls->cap_depth = 2;
    }
}

/* The characters of a string at depth 1 may be a key of the list object
 * ("items", "metadata"): those are kept; other strings are only skipped. */
static bool keeps_key(const liststream *ls)
{
    return ls->depth == 1 && ls->mode == LS_LIST_ITEMS && ls->cap == CAP_NONE;
}

int ls_feed(liststream *ls, const char *data, size_t n, mp_err *err)
{
    size_t run = 0; /* start of the pending captured run in data */
    bool capturing = ls->cap != CAP_NONE;
    for (size_t i = 0; i < n; i++) {
        char c = data[i];
        if (ls->in_str) {
            if (!ls->esc && !keeps_key(ls)) { /* to the next quote or backslash at once */
                i = bs_quote_or_escape(data, i, n);
                if (i == n)
                    break;
                c = data[i];
            }
            if (ls->esc) {
                ls->esc = false;
            } else if (c == '\\') {
                ls->esc = true;
            } else if (c == '"') {
                ls->in_str = false;
            } else if (ls->depth == 1 && ls->mode == LS_LIST_ITEMS && ls->cap == CAP_NONE) {
                if (ls->str_len < KEY_MAX)
                    ls->str[ls->str_len++] = c;
                else
                    ls->str_trunc = true;
            }
            continue;
        }
        switch (c) {
        case '"':
            ls->in_str = true;
            ls->str_len = 0;
            ls->str_trunc = false;
            break;
        case ':':
            if (ls->depth == 1 && ls->cap == CAP_NONE) {
                memcpy(ls->key, ls->str, ls->str_len);
                ls->key[ls->str_len] = 0;
                if (ls->str_trunc)
                    ls->key[0] = 0;
            }
            break;
        case '{':
        case '[':
            if (ls->cap == CAP_NONE) {
                begin_value(ls, c);
                size_t avail =
                    n - i < ls->max_item ? n - i : ls->max_item; /* a larger one: its error */
                long took = ls->cap == CAP_ITEM && ls->direct && ls->mode == LS_LIST_ITEMS
                                ? ls->direct(data + i, avail, ls->ud)
                                : 0;
                if (took < 0)
                    return -1;
                if (took > 0) { /* read where it lies: no copy, no scan here */
                    ls->cap = CAP_NONE;
                    ls->count++;
                    i += (size_t)took - 1;
                    continue;
                }
                if (ls->cap != CAP_NONE) {
                    capturing = true;
                    run = i;
                }
            }
            ls->depth++;
            if (ls->depth > 512)
                return mp_errf(err, "JSON nested too deeply");
            break;
        case '}':
        case ']':
            if (ls->depth == 0)
                return mp_errf(err, "malformed JSON: unexpected '%c'", c);
            ls->depth--;
            if (ls->depth == 1 && c == ']' && ls->in_items && ls->mode == LS_LIST_ITEMS)
                ls->in_items = false;
            if (ls->cap != CAP_NONE && ls->depth == ls->cap_depth) {
                strbuf *dst = ls->cap == CAP_META ? &ls->meta : &ls->buf;
                strbuf_append(dst, data + run, i + 1 - run);
                capturing = false;
                if (dst->len > ls->max_item)
                    return mp_errf(err, "a list item is larger than %zu bytes", ls->max_item);
                if (ls->cap == CAP_META) {
                    ls->cap = CAP_NONE;
                    ls->meta_done = true;
                } else if (emit(ls, err)) {
                    return -1;
                }
            }
            break;
        default:
            break;
        }
        if (capturing && ls->buf.len + (i - run) > ls->max_item)
            return mp_errf(err, "a list item is larger than %zu bytes", ls->max_item);
    }
    if (capturing && ls->cap != CAP_NONE) {
        strbuf *dst = ls->cap == CAP_META ? &ls->meta : &ls->buf;
        strbuf_append(dst, data + run, n - run);
        if (dst->oom)
            return mp_errf(err, "out of memory");
        if (dst->len > ls->max_item)
            return mp_errf(err, "a list item is larger than %zu bytes", ls->max_item);
    }
    return 0;
}

int ls_finish(liststream *ls, mp_err *err)
{
    if (ls->in_str || ls->depth || ls->cap != CAP_NONE)
        return mp_errf(err, "truncated JSON answer");
    return 0;
}
