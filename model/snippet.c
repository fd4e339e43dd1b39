/* snippet.c - translate header one-liners of nginx snippets (see snippet.h).
 *
 * The text is read with nginx's own token rules (ngx_conf_read_token): a
 * statement ends at ';', a '{' opens a block that runs to its matching '}',
 * quotes ("..." or '...', only at the start of a word) hide ';', braces and
 * blanks, '#' at the start of a word comments out the rest of the line, and
 * "${name}" is part of a word. A block (if, location, limit_except...) is
 * conditional or changes the context, so it is reported as one unit and
 * nothing inside it is translated. */
#include "model/snippet.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* T_BROKEN: a word whose quote or ${ never closes; it runs to the end of
 * the text, so whatever it swallowed must not be translated. */
typedef enum { T_END, T_WORD, T_BROKEN, T_SEMI, T_OPEN, T_CLOSE } tok_kind;

typedef struct {
    char **w; /* unquoted words */
    size_t n, cap;
    const char *start, *end; /* source of the words */
    const char *term;        /* source of the token that ended the statement */
    bool broken;             /* holds a T_BROKEN word */
    bool oom;
} stmt;

static void stmt_clear(stmt *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->w[i]);
    s->n = 0;
    s->start = s->end = s->term = NULL;
    s->broken = false;
}

static void stmt_free(stmt *s)
{
    stmt_clear(s);
    free(s->w);
}

static void stmt_push(stmt *s, strbuf *word)
{
    char *w = strbuf_detach(word, NULL);
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 8;
        char **nw = realloc(s->w, cap * sizeof *nw);
        if (!nw) {
            free(w);
            s->oom = true;
            return;
        }
        s->w = nw;
        s->cap = cap;
    }
    if (!w)
        s->oom = true;
    else
        s->w[s->n++] = w;
}

static bool blank(char c)
{
    return isspace((unsigned char)c);
}

/* A word; a quoted start runs to the closing quote (a backslash escapes the
 * next character). Lenient where nginx would reject the file: text glued to
 * a closing quote continues the word ('a')). *broken: a quote or ${ that
 * never closes. */
static const char *scan_word(const char *c, strbuf *w, bool *broken)
{
    if (*c == '"' || *c == '\'') {
        char q = *c++;
        while (*c && *c != q) {
            if (*c == '\\' && c[1])
                c++;
            strbuf_putc(w, *c++);
        }
        if (!*c) {
            *broken = true;
            return c;
        }
        c++;
    }
    while (*c && !blank(*c) && *c != ';' && *c != '{') {
        if (*c == '$' && c[1] == '{') { /* ${name}: the brace is the variable's */
            while (*c && *c != '}')
                strbuf_putc(w, *c++);
            if (!*c) {
                *broken = true;
                return c;
            }
        } else if (*c == '\\' && c[1]) {
            c++;
        }
        strbuf_putc(w, *c++);
    }
    return c;
}

/* Next token from *p; a word's unquoted text goes to w (reset first).
 * *start / *end: the token's source. */
static tok_kind next_tok(const char **p, strbuf *w, const char **start, const char **end)
{
    const char *c = *p;
    for (;;) {
        while (blank(*c))
            c++;
        if (*c != '#')
            break;
        while (*c && *c != '\n')
            c++;
    }
    *start = c;
    tok_kind k = T_WORD;
    switch (*c) {
    case 0:
        k = T_END;
        break;
    case ';':
        k = T_SEMI;
        c++;
        break;
    case '{':
        k = T_OPEN;
        c++;
        break;
    case '}':
        k = T_CLOSE;
        c++;
        break;
    default: {
        bool broken = false;
        strbuf_reset(w);
        c = scan_word(c, w, &broken);
        k = broken ? T_BROKEN : T_WORD;
    }
    }
    *p = *end = c;
    return k;
}

/* Reads the words of one statement; returns the token that ends it
 * (';', '{', '}' or the end of the text). */
static tok_kind read_stmt(const char **p, stmt *s, strbuf *word)
{
    for (;;) {
        const char *ts, *te;
        tok_kind k = next_tok(p, word, &ts, &te);
        if (k != T_WORD && k != T_BROKEN) {
            s->term = ts;
            return k;
        }
        s->broken = s->broken || k == T_BROKEN;
        if (!s->n)
            s->start = ts;
        s->end = te;
        stmt_push(s, word);
    }
}

/* After a '{': moves *p past its matching '}' (or to the end). */
static void skip_block(const char **p, strbuf *word)
{
    int depth = 1;
    while (depth > 0) {
        const char *ts, *te;
        tok_kind k = next_tok(p, word, &ts, &te);
        if (k == T_END)
            return;
        depth += (k == T_OPEN) - (k == T_CLOSE);
    }
}

/* Appends the source from start to end on one line: tokens keep their text,
 * a run of blanks or comments becomes one space, and a ';' is followed by a
 * space, so "{return 403;}" reads "{return 403; }". */
static void render(strbuf *out, const char *start, const char *end, strbuf *word)
{
    const char *p = start, *prev_end = NULL;
    tok_kind prev = T_END;
    for (;;) {
        const char *ts, *te;
        tok_kind k = next_tok(&p, word, &ts, &te);
        if (k == T_END || ts >= end)
            return;
        if (prev_end && (ts > prev_end || prev == T_SEMI))
            strbuf_putc(out, ' ');
        for (const char *c = ts; c < te; c++)
            strbuf_putc(out, blank(*c) ? ' ' : *c); /* newlines inside quotes */
        prev = k;
        prev_end = te;
    }
}

static const char *const access_directives[] = {
    "allow",
    "deny",
    "auth_basic",
    "auth_basic_user_file",
    "auth_request",
    "auth_jwt",
    "auth_digest",
    "satisfy",
    "limit_except",
    "access_by_lua",
    "access_by_lua_block",
    "access_by_lua_file",
    "rewrite_by_lua",
    "rewrite_by_lua_block",
    "rewrite_by_lua_file",
    "ssl_verify_client",
    "modsecurity",
    "modsecurity_rules",
    "modsecurity_rules_file",
};

/* The statement words[0..n) restricts access: an access directive, or a
 * return that answers with an error code instead of the backend. */
static bool restricts(char *const *w, size_t n, char *what, size_t len)
{
    if (!n)
        return false;
    if (!strcmp(w[0], "return")) {
        long code = n > 1 ? strtol(w[1], NULL, 10) : 0;
        if (code < 400 || code > 599)
            return false;
        snprintf(what, len, "return %ld", code);
        return true;
    }
    for (size_t i = 0; i < sizeof access_directives / sizeof *access_directives; i++)
        if (!strcmp(w[0], access_directives[i])) {
            snprintf(what, len, "%s", w[0]);
            return true;
        }
    return false;
}

/* Looks for a restricting statement in the source from start to end
 * (blocks included) and names the first in r->access. */
static void scan_access(snippet_result *r, const char *start, const char *end, strbuf *word)
{
    stmt s = {0};
    const char *p = start;
    for (tok_kind k = T_SEMI; k != T_END && !r->access[0] && !s.oom;) {
        stmt_clear(&s);
        const char *before = p;
        k = read_stmt(&p, &s, word);
        if (before >= end || (s.n && s.start >= end))
            break;
        restricts(s.w, s.n, r->access, sizeof r->access);
    }
    stmt_free(&s);
}

static void report(snippet_result *r, const char *start, const char *end, strbuf *word)
{
    if (!r->access[0])
        scan_access(r, start, end, word);
    r->untranslated++;
    if (r->rest.len)
        strbuf_puts(&r->rest, "; ");
    render(&r->rest, start, end, word);
}

/* An HTTP header name as nginx and Envoy both take it literally (no
 * wildcard, not an option like -s). */
static bool valid_header_name(const char *s)
{
    if (!s || !*s || *s == '-')
        return false;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '-' || *s == '_'))
            return false;
    return true;
}

/* What a snippet does to the headers, in order: each change as it would be
 * made (a map entry set, or a name added to a list unless it is there in
 * any case), replayed onto an Ingress's hdr_mods by snippet_plan_apply. */
typedef enum { H_REQ_SET, H_REQ_REMOVE, H_RESP_SET, H_RESP_ADD, H_RESP_REMOVE } hdr_slot;

typedef struct {
    hdr_slot slot;
    char *name;
    char *value; /* NULL for the lists */
} hdr_op;

struct snippet_plan {
    snippet_result r;
    hdr_op *ops;
    size_t nops, cap;
};

static int op_push(snippet_plan *p, hdr_slot slot, const char *name, const char *value)
{
    if (p->nops == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 4;
        hdr_op *ops = realloc(p->ops, cap * sizeof *ops);
        if (!ops)
            return -1;
        p->ops = ops;
        p->cap = cap;
    }
    hdr_op *o = &p->ops[p->nops];
    *o = (hdr_op){slot, strdup(name), value ? strdup(value) : NULL};
    if (!o->name || (value && !o->value)) {
        free(o->name);
        free(o->value);
        return -1;
    }
    p->nops++;
    return 0;
}

static int map_put(doc_node **map, const char *k, const char *v)
{
    if (!*map && !(*map = doc_map_new()))
        return -1;
    return doc_map_set_str(*map, k, v);
}

static int seq_put(doc_node **seq, const char *v)
{
    if (!*seq && !(*seq = doc_seq_new()))
        return -1;
    for (size_t i = 0; i < (*seq)->len; i++)
        if (!strcasecmp(doc_str(doc_at(*seq, i)), v))
            return 0;
    return doc_seq_push(*seq, doc_str_new(v));
}

static const char *const ignored_directives[] = {
    "client_header_buffer_size",
    "large_client_header_buffers",
    "client_body_buffer_size",
    "proxy_buffer_size",
    "proxy_buffers",
    "proxy_busy_buffers_size",
    "proxy_buffering",
    "proxy_request_buffering",
    "proxy_max_temp_file_size",
    "proxy_http_version",
    "keepalive_timeout",
    "send_timeout",
};

static bool is_ignored(const char *d)
{
    for (size_t i = 0; i < sizeof ignored_directives / sizeof *ignored_directives; i++)
        if (!strcmp(d, ignored_directives[i]))
            return true;
    return false;
}

/* A headers-more argument, split as headers-more does it: the name ends at
 * ':' or a blank, the value starts after the ':'s and blanks that follow
 * ("Name: value", "Name:", "Name"). */
static bool more_arg(const char *arg, char *name, size_t n, const char **value)
{
    while (blank(*arg))
        arg++;
    size_t len = strcspn(arg, ": \t\r\n\f\v");
    if (!len || len >= n)
        return false;
    memcpy(name, arg, len);
    name[len] = 0;
    const char *v = arg + len;
    while (*v == ':' || blank(*v))
        v++;
    *value = v;
    return valid_header_name(name);
}

/* more_set_headers / more_clear_headers and their _input_ twins. An empty
 * value clears (headers-more), as does every argument of a clear. Options
 * (-s status, -t type, -r) make the change conditional, a wildcard name has
 * no Envoy form, a value with a variable no static one: the directive is
 * then left whole, so it is checked before anything is applied. */
static int more_headers(const stmt *s, bool clear, snippet_plan *p, hdr_slot set, hdr_slot remove,
                        bool *ok)
{
    char name[128];
    const char *v;
    *ok = s->n > 1;
    for (size_t i = 1; i < s->n && *ok; i++)
        *ok = more_arg(s->w[i], name, sizeof name, &v) && (clear || !strchr(v, '$'));
    for (size_t i = 1; i < s->n && *ok; i++) {
        more_arg(s->w[i], name, sizeof name, &v);
        int rc = clear || !*v ? op_push(p, remove, name, NULL) : op_push(p, set, name, v);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* One directive; *ok false when it is not one we translate. */
static int translate(const stmt *s, snippet_plan *p, bool *ok)
{
    const char *d = s->w[0];
    *ok = false;
    if (!strcmp(d, "more_set_headers"))
        return more_headers(s, false, p, H_RESP_SET, H_RESP_REMOVE, ok);
    if (!strcmp(d, "more_clear_headers"))
        return more_headers(s, true, p, H_RESP_SET, H_RESP_REMOVE, ok);
    if (!strcmp(d, "more_set_input_headers"))
        return more_headers(s, false, p, H_REQ_SET, H_REQ_REMOVE, ok);
    if (!strcmp(d, "more_clear_input_headers"))
        return more_headers(s, true, p, H_REQ_SET, H_REQ_REMOVE, ok);
    if (!strcmp(d, "proxy_hide_header")) {
        if (s->n != 2 || !valid_header_name(s->w[1]))
            return 0;
        *ok = true;
        return op_push(p, H_RESP_REMOVE, s->w[1], NULL);
    }
    bool add = !strcmp(d, "add_header");
    bool set = !strcmp(d, "proxy_set_header");
    if (!add && !set)
        return 0;
    if (s->n < 3 || s->n > 4 || !valid_header_name(s->w[1]) || strchr(s->w[2], '$') ||
        (s->n == 4 && (!add || strcmp(s->w[3], "always"))))
        return 0;
    *ok = true;
    if (set && !*s->w[2])
        return op_push(p, H_REQ_REMOVE, s->w[1], NULL);
    return op_push(p, add ? H_RESP_ADD : H_REQ_SET, s->w[1], s->w[2]);
}

/* A statement outside any block. */
static int simple(const stmt *s, snippet_plan *p, strbuf *word)
{
    bool ok = false;
    int rc = 0;
    snippet_result *r = &p->r;
    if (s->broken)
        report(r, s->start, s->end, word);
    else if (is_ignored(s->w[0]))
        r->ignored++;
    else if ((rc = translate(s, p, &ok)) == 0 && ok)
        r->translated++;
    else if (rc == 0)
        report(r, s->start, s->end, word);
    return rc;
}

void snippet_plan_free(snippet_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nops; i++) {
        free(p->ops[i].name);
        free(p->ops[i].value);
    }
    free(p->ops);
    snippet_result_free(&p->r);
    free(p);
}

snippet_plan *snippet_compile(const char *snippet)
{
    snippet_plan *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    snippet_result *r = &p->r;
    strbuf_init(&r->rest);
    strbuf word;
    strbuf_init(&word);
    const char *at = snippet ? snippet : "";
    stmt s = {0};
    int rc = 0;
    for (tok_kind k = T_SEMI; rc == 0 && k != T_END && !s.oom;) {
        stmt_clear(&s);
        k = read_stmt(&at, &s, &word);
        if (k == T_OPEN) {
            const char *from = s.n ? s.start : s.term;
            skip_block(&at, &word);
            report(r, from, at, &word);
            continue;
        }
        if (s.n)
            rc = simple(&s, p, &word);
        if (k == T_CLOSE) {
            /* It closes the location the snippet sits in: what follows
             * lands in the server block, none of it is this route's. */
            report(r, s.term, s.term + strlen(s.term), &word);
            break;
        }
    }
    bool oom = s.oom || word.oom || r->rest.oom;
    stmt_free(&s);
    strbuf_free(&word);
    if (rc || oom) {
        snippet_plan_free(p);
        return NULL;
    }
    return p;
}

const snippet_result *snippet_plan_result(const snippet_plan *p)
{
    return &p->r;
}

int snippet_plan_apply(const snippet_plan *p, hdr_mods *h)
{
    for (size_t i = 0; i < p->nops; i++) {
        const hdr_op *o = &p->ops[i];
        int rc = o->slot == H_REQ_SET      ? map_put(&h->req_set, o->name, o->value)
                 : o->slot == H_RESP_SET   ? map_put(&h->resp_set, o->name, o->value)
                 : o->slot == H_RESP_ADD   ? map_put(&h->resp_add, o->name, o->value)
                 : o->slot == H_REQ_REMOVE ? seq_put(&h->req_remove, o->name)
                                           : seq_put(&h->resp_remove, o->name);
        if (rc < 0)
            return -1;
    }
    return 0;
}

int snippet_translate(const char *snippet, hdr_mods *h, snippet_result *r)
{
    memset(r, 0, sizeof *r);
    strbuf_init(&r->rest);
    snippet_plan *p = snippet_compile(snippet);
    if (!p)
        return -1;
    int rc = snippet_plan_apply(p, h);
    *r = p->r; /* the result moves to the caller */
    strbuf_init(&p->r.rest);
    snippet_plan_free(p);
    return rc;
}

void snippet_result_free(snippet_result *r)
{
    strbuf_free(&r->rest);
}
