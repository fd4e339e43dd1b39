/* snippet.c - translate header one-liners of nginx snippets (see snippet.h). */
#include "model/snippet.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_WORDS 8

typedef struct {
    char *w[MAX_WORDS];
    size_t n;
    bool block; /* the statement opened or closed a { } block */
} stmt;

static void stmt_free(stmt *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->w[i]);
    s->n = 0;
}

/* Reads one statement (up to ';', '{' or '}') from *p into words, honouring
 * single and double quotes. Returns false at the end of input. */
static bool next_stmt(const char **p, stmt *s, strbuf *raw)
{
    const char *c = *p;
    memset(s, 0, sizeof *s);
    while (*c && (isspace((unsigned char)*c) || *c == ';'))
        c++;
    if (!*c)
        return false;
    const char *start = c;
    strbuf word;
    strbuf_init(&word);
    bool in_word = false;
    while (*c && *c != ';') {
        if (*c == '{' || *c == '}') {
            s->block = true;
            c++;
            continue;
        }
        if (*c == '"' || *c == '\'') {
            char q = *c++;
            in_word = true;
            while (*c && *c != q) {
                if (*c == '\\' && c[1])
                    c++;
                strbuf_putc(&word, *c++);
            }
            if (*c)
                c++;
            continue;
        }
        if (*c == '#') { /* comment to end of line */
            while (*c && *c != '\n')
                c++;
            continue;
        }
        if (isspace((unsigned char)*c)) {
            if (in_word && s->n < MAX_WORDS)
                s->w[s->n++] = strbuf_detach(&word, NULL);
            strbuf_reset(&word);
            in_word = false;
            c++;
            continue;
        }
        in_word = true;
        strbuf_putc(&word, *c++);
    }
    if (in_word && s->n < MAX_WORDS)
        s->w[s->n++] = strbuf_detach(&word, NULL);
    strbuf_free(&word);
    strbuf_reset(raw);
    const char *end = c;
    while (end > start && isspace((unsigned char)end[-1]))
        end--;
    strbuf_append(raw, start, (size_t)(end - start));
    *p = c;
    return true;
}

static bool valid_header_name(const char *s)
{
    if (!s || !*s)
        return false;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '-' || *s == '_'))
            return false;
    return true;
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

/* "K: V" -> name K, value V (trimmed). */
static bool split_kv(const char *s, char *name, size_t n, const char **value)
{
    const char *colon = strchr(s, ':');
    if (!colon || (size_t)(colon - s) >= n)
        return false;
    memcpy(name, s, (size_t)(colon - s));
    name[colon - s] = 0;
    const char *v = colon + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    *value = v;
    return valid_header_name(name);
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

/* kv list arguments ("K: V" each) into map; false when one is not plain. */
static int put_kv_args(const stmt *s, size_t from, doc_node **map, bool *ok)
{
    *ok = s->n > from;
    for (size_t i = from; i < s->n && *ok; i++) {
        char name[128];
        const char *v;
        if (s->w[i][0] == '-' || !split_kv(s->w[i], name, sizeof name, &v) || strchr(v, '$')) {
            *ok = false;
            break;
        }
        if (map_put(map, name, v) < 0)
            return -1;
    }
    return 0;
}

static int put_name_args(const stmt *s, doc_node **seq, bool *ok)
{
    *ok = s->n > 1;
    for (size_t i = 1; i < s->n && *ok; i++) {
        if (!valid_header_name(s->w[i])) {
            *ok = false;
            break;
        }
        if (seq_put(seq, s->w[i]) < 0)
            return -1;
    }
    return 0;
}

/* One directive; *ok false when it is not one we translate. */
static int translate(const stmt *s, hdr_mods *h, bool *ok)
{
    const char *d = s->w[0];
    *ok = false;
    if (!strcmp(d, "more_set_headers"))
        return put_kv_args(s, 1, &h->resp_set, ok);
    if (!strcmp(d, "more_set_input_headers"))
        return put_kv_args(s, 1, &h->req_set, ok);
    if (!strcmp(d, "more_clear_headers") || !strcmp(d, "proxy_hide_header"))
        return put_name_args(s, &h->resp_remove, ok);
    if (!strcmp(d, "more_clear_input_headers"))
        return put_name_args(s, &h->req_remove, ok);
    bool add = !strcmp(d, "add_header");
    bool set = !strcmp(d, "proxy_set_header");
    if (!add && !set)
        return 0;
    if (s->n < 3 || s->n > 4 || !valid_header_name(s->w[1]) || strchr(s->w[2], '$') ||
        (s->n == 4 && (!add || strcmp(s->w[3], "always"))))
        return 0;
    *ok = true;
    if (set && !*s->w[2])
        return seq_put(&h->req_remove, s->w[1]);
    return map_put(add ? &h->resp_add : &h->req_set, s->w[1], s->w[2]);
}

int snippet_translate(const char *snippet, hdr_mods *h, snippet_result *r)
{
    memset(r, 0, sizeof *r);
    strbuf_init(&r->rest);
    strbuf raw;
    strbuf_init(&raw);
    const char *p = snippet ? snippet : "";
    stmt s;
    int rc = 0;
    int depth = 0;
    while (rc == 0 && next_stmt(&p, &s, &raw)) {
        bool ok = false;
        /* A directive inside a block (if, location) is conditional: never
         * translate it into an unconditional header change. */
        bool in_block = depth > 0 || s.block;
        for (const char *c = raw.buf; c && *c; c++)
            depth += (*c == '{') - (*c == '}');
        if (s.n == 0 && !s.block) {
            stmt_free(&s);
            continue;
        }
        if (!in_block && s.n && is_ignored(s.w[0])) {
            r->ignored++;
        } else if (!in_block && s.n && (rc = translate(&s, h, &ok)) == 0 && ok) {
            r->translated++;
        } else if (raw.len) {
            r->untranslated += s.n > 0; /* a lone "}" closes, it is not a directive */
            if (r->rest.len)
                strbuf_puts(&r->rest, "; ");
            strbuf_append(&r->rest, raw.buf, raw.len);
        }
        stmt_free(&s);
    }
    strbuf_free(&raw);
    return rc || r->rest.oom ? -1 : 0;
}

void snippet_result_free(snippet_result *r)
{
    strbuf_free(&r->rest);
}
