/*
 * docpath.c - path strings over doc trees (syntax in docpath.h).
 */
#include "model/docpath.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STEP_KEY_MAX 512

typedef struct {
    bool index;
    size_t i;
    char key[STEP_KEY_MAX];
} step;

/* Reads one step at *p (after a '.' or at the start, or a '['); advances
 * *p. Returns 1 for a step, 0 at the end, -1 on bad syntax. */
static int next_step(const char **p, step *s, bool first)
{
    const char *c = *p;
    if (!*c)
        return 0;
    if (*c == '.' && !first)
        c++;
    else if (*c != '[' && !first)
        return -1;
    if (*c == '[' && c[1] == '"') {
        size_t n = 0;
        for (c += 2; *c && *c != '"'; c++) {
            if (*c == '\\' && c[1])
                c++;
            if (n + 1 >= sizeof s->key)
                return -1;
            s->key[n++] = *c;
        }
        if (c[0] != '"' || c[1] != ']')
            return -1;
        s->key[n] = 0;
        s->index = false;
        *p = c + 2;
        return 1;
    }
    if (*c == '[') {
        char *end;
        if (!isdigit((unsigned char)c[1]))
            return -1;
        unsigned long long v = strtoull(c + 1, &end, 10);
        if (*end != ']')
            return -1;
        s->index = true;
        s->i = (size_t)v;
        *p = end + 1;
        return 1;
    }
    size_t n = strcspn(c, ".[");
    if (!n || n >= sizeof s->key)
        return -1;
    memcpy(s->key, c, n);
    s->key[n] = 0;
    s->index = false;
    *p = c + n;
    return 1;
}

/* Walks every step but the last; *last receives it. Returns the parent
 * node (NULL when missing or malformed: *bad tells which). */
static doc_node *walk(const doc_node *root, const char *path, step *last, bool *bad)
{
    const doc_node *cur = root;
    const char *p = path;
    bool first = true;
    *bad = false;
    int r = next_step(&p, last, first);
    if (r <= 0) {
        *bad = r < 0;
        return NULL;
    }
    for (;;) {
        step nx;
        r = next_step(&p, &nx, false);
        if (r < 0) {
            *bad = true;
            return NULL;
        }
        if (r == 0)
            return (doc_node *)cur;
        cur = last->index ? (doc_is_seq(cur) ? doc_at(cur, last->i) : NULL)
                          : (doc_is_map(cur) ? doc_get(cur, last->key) : NULL);
        if (!cur)
            return NULL;
        *last = nx;
    }
}

bool docpath_valid(const char *path)
{
    const char *p = path;
    step s;
    int r;
    bool first = true;
    while ((r = next_step(&p, &s, first)) > 0)
        first = false;
    return r == 0;
}

doc_node *docpath_get(const doc_node *root, const char *path)
{
    if (!path || !*path)
        return (doc_node *)root;
    step last;
    bool bad;
    doc_node *parent = walk(root, path, &last, &bad);
    if (!parent)
        return NULL;
    if (last.index)
        return doc_is_seq(parent) ? doc_at(parent, last.i) : NULL;
    return doc_is_map(parent) ? doc_get(parent, last.key) : NULL;
}

const char *docpath_str(const doc_node *root, const char *path)
{
    const doc_node *n = docpath_get(root, path);
    return doc_is_scalar(n) && n->type != DOC_NULL ? doc_str(n) : NULL;
}

/* Makes sure the step s of node cur exists with the kind the next step
 * needs; returns it. */
static doc_node *ensure_child(doc_node *cur, const step *s, bool next_is_index)
{
    doc_kind want = next_is_index ? DOC_SEQ : DOC_MAP;
    if (s->index) {
        if (!doc_is_seq(cur) || s->i > cur->len)
            return NULL;
        if (s->i == cur->len) {
            doc_node *n = want == DOC_SEQ ? doc_seq_new() : doc_map_new();
            if (!n || doc_seq_push(cur, n) < 0)
                return NULL;
        }
        doc_node *c = doc_at(cur, s->i);
        return c && c->kind == want ? c : NULL;
    }
    if (!doc_is_map(cur))
        return NULL;
    doc_node *c = doc_get(cur, s->key);
    if (c && doc_is_null(c))
        doc_map_del(cur, s->key), c = NULL;
    return c ? (c->kind == want ? c : NULL) : doc_map_ensure(cur, s->key, want);
}

int docpath_set(doc_node *root, const char *path, doc_node *value)
{
    if (!value)
        return -1;
    const char *p = path;
    step s;
    doc_node *cur = root;
    if (next_step(&p, &s, true) <= 0) {
        doc_free(value);
        return -1;
    }
    for (;;) {
        step nx;
        int r = next_step(&p, &nx, false);
        if (r < 0)
            break;
        if (r == 0) {
            if (s.index && doc_is_seq(cur) && s.i < cur->len)
                return doc_seq_set(cur, s.i, value);
            if (s.index && doc_is_seq(cur) && s.i == cur->len)
                return doc_seq_push(cur, value);
            if (!s.index && doc_is_map(cur))
                return doc_map_set(cur, s.key, value);
            break;
        }
        cur = ensure_child(cur, &s, nx.index);
        if (!cur)
            break;
        s = nx;
    }
    doc_free(value);
    return -1;
}

int docpath_set_str(doc_node *root, const char *path, const char *s)
{
    return docpath_set(root, path, doc_str_new(s));
}

static doc_node *seq_remove(doc_node *seq, size_t i)
{
    doc_node *v = seq->items[i];
    memmove(seq->items + i, seq->items + i + 1, (seq->len - i - 1) * sizeof *seq->items);
    seq->len--;
    return v;
}

/* The path of the parent of path's last step, into buf; false at the root. */
static bool parent_path(const char *path, char *buf, size_t n)
{
    const char *p = path, *last_start = path;
    step s;
    bool first = true;
    for (;;) {
        const char *before = p;
        int r = next_step(&p, &s, first);
        if (r <= 0)
            break;
        last_start = before;
        first = false;
    }
    if (last_start == path)
        return false;
    snprintf(buf, n, "%.*s", (int)(last_start - path), path);
    return true;
}

int docpath_del(doc_node *root, const char *path, bool prune)
{
    step last;
    bool bad;
    doc_node *parent = walk(root, path, &last, &bad);
    if (bad)
        return -1;
    if (!parent)
        return 0;
    if (last.index) {
        if (!doc_is_seq(parent) || last.i >= parent->len)
            return 0;
        doc_free(seq_remove(parent, last.i));
    } else {
        if (!doc_is_map(parent) || !doc_get(parent, last.key))
            return 0;
        doc_map_del(parent, last.key);
    }
    char up[1024];
    if (prune && parent->len == 0 && parent != root && parent_path(path, up, sizeof up))
        docpath_del(root, up, true);
    return 1;
}

int docpath_move(doc_node *root, const char *path, size_t from, size_t to)
{
    doc_node *seq = docpath_get(root, path);
    if (!doc_is_seq(seq) || from >= seq->len || to >= seq->len)
        return -1;
    doc_node *v = seq_remove(seq, from);
    memmove(seq->items + to + 1, seq->items + to, (seq->len - to) * sizeof *seq->items);
    seq->items[to] = v;
    seq->len++;
    return 0;
}

int docpath_insert(doc_node *root, const char *path, size_t at, doc_node *value)
{
    doc_node *seq = docpath_get(root, path);
    if (!seq) {
        doc_node *n = doc_seq_new();
        if (!n || docpath_set(root, path, n) < 0) {
            doc_free(value);
            return -1;
        }
        seq = docpath_get(root, path);
    }
    if (!doc_is_seq(seq) || at > seq->len) {
        doc_free(value);
        return -1;
    }
    if (doc_seq_push(seq, value) < 0)
        return -1;
    memmove(seq->items + at + 1, seq->items + at, (seq->len - 1 - at) * sizeof *seq->items);
    seq->items[at] = value;
    return 0;
}

static bool plain_key(const char *k)
{
    if (!*k)
        return false;
    for (const char *c = k; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-')
            return false;
    return true;
}

char *docpath_key(char *buf, size_t n, const char *base, const char *key)
{
    char tmp[1024];
    size_t l = 0;
    if (plain_key(key)) {
        snprintf(tmp, sizeof tmp, "%s%s%s", base, *base ? "." : "", key);
    } else {
        l = (size_t)snprintf(tmp, sizeof tmp, "%s[\"", base);
        for (const char *c = key; *c && l + 4 < sizeof tmp; c++) {
            if (*c == '"' || *c == '\\')
                tmp[l++] = '\\';
            tmp[l++] = *c;
        }
        snprintf(tmp + l, sizeof tmp - l, "\"]");
    }
    snprintf(buf, n, "%s", tmp);
    return buf;
}

char *docpath_index(char *buf, size_t n, const char *base, size_t i)
{
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s[%zu]", base, i);
    snprintf(buf, n, "%s", tmp);
    return buf;
}

char *docpath_join(char *buf, size_t n, const char *base, const char *rel)
{
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s%s%s", base, *base && *rel ? "." : "", rel);
    snprintf(buf, n, "%s", tmp);
    return buf;
}
