/*
 * parse.c - YAML and JSON buffers into doc trees.
 *
 * YAML is read from libyaml's event stream (not its document API) so that
 * anchors can be bounded and a huge List costs one tree, not two.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "model/doc_arena.h"
#include "model/keyindex.h"
#include "model/parse.h"
#include "model/parse_int.h"

void doc_list_init(doc_list *l)
{
    l->docs = NULL;
    l->len = l->cap = 0;
}

void doc_list_free(doc_list *l)
{
    for (size_t i = 0; i < l->len; i++)
        doc_free(l->docs[i]);
    free(l->docs);
    doc_list_init(l);
}

int doc_list_push(doc_list *l, doc_node *d)
{
    if (!d)
        return -1;
    if (l->len == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        doc_node **p = realloc(l->docs, cap * sizeof *p);
        if (!p) {
            doc_free(d);
            return -1;
        }
        l->docs = p;
        l->cap = cap;
    }
    l->docs[l->len++] = d;
    return 0;
}

doc_node *doc_list_take(doc_list *l, size_t i)
{
    if (i >= l->len)
        return NULL;
    doc_node *d = l->docs[i];
    l->docs[i] = NULL;
    return d;
}

/* ---- YAML ---- */

typedef struct {
    char *name;
    doc_node *node; /* borrowed: owned by the tree being built */
} anchor;

typedef struct {
    yaml_parser_t parser;
    const char *name;
    int doc_index;
    anchor *anchors;
    size_t nanchors, capanchors;
    size_t alias_nodes;
    mp_err *err;
    const char *buf; /* the input, for the position of a reader error */
    size_t len;
    bool arenas;      /* doc_reader: each document in an arena of its own */
    doc_arena *arena; /* the document being built (NULL: the heap) */
    /* Merge values, kept until their document is built: an anchor on one
     * (or inside one) may be aliased further down. */
    doc_node *merged;
} yreader;

static size_t count_nodes(const doc_node *n)
{
    size_t c = 1;
    if (n->kind != DOC_SCALAR)
        for (size_t i = 0; i < n->len; i++)
            c += count_nodes(n->items[i]);
    return c;
}

static int yfail(yreader *r, const yaml_mark_t *m, const char *what)
{
    /* a reader error can come before the first document starts */
    return mp_errf(r->err, "%s: doc %d: line %zu col %zu: %s", r->name,
                   r->doc_index ? r->doc_index : 1, m->line + 1, m->column + 1, what);
}

static int next_event(yreader *r, yaml_event_t *ev)
{
    if (yaml_parser_parse(&r->parser, ev))
        return 0;
    const char *problem = r->parser.problem ? r->parser.problem : "malformed YAML";
    char what[256];
    if (r->parser.context)
        snprintf(what, sizeof what, "%s %s", r->parser.context, problem);
    else
        snprintf(what, sizeof what, "%s", problem);
    if (r->parser.error == YAML_READER_ERROR) {
        /* the reader (encoding, control characters) gives a byte offset,
         * not a mark: count lines up to it so the message points there */
        yaml_mark_t m = {0};
        size_t end = r->parser.problem_offset < r->len ? r->parser.problem_offset : r->len;
        for (size_t i = 0; i < end; i++, m.column++)
            if (r->buf[i] == '\n')
                m.line++, m.column = (size_t)-1;
        char full[300];
        if (r->parser.problem_value >= 0)
            snprintf(full, sizeof full, "%s (byte %zu: 0x%02x)", what, end,
                     (unsigned)r->parser.problem_value & 0xff);
        else
            snprintf(full, sizeof full, "%s", what);
        return yfail(r, &m, full);
    }
    return yfail(r, &r->parser.problem_mark, what);
}

static int remember_anchor(yreader *r, const yaml_char_t *name, doc_node *n)
{
    if (!name)
        return 0;
    if (r->nanchors == r->capanchors) {
        size_t cap = r->capanchors ? r->capanchors * 2 : 8;
        anchor *p = realloc(r->anchors, cap * sizeof *p);
        if (!p)
            return -1;
        r->anchors = p;
        r->capanchors = cap;
    }
    r->anchors[r->nanchors].name = strdup((const char *)name);
    r->anchors[r->nanchors++].node = n;
    return 0;
}

static void forget_anchors(yreader *r)
{
    for (size_t i = 0; i < r->nanchors; i++)
        free(r->anchors[i].name);
    r->nanchors = 0;
}

static doc_node *find_anchor(yreader *r, const yaml_char_t *name)
{
    for (size_t i = r->nanchors; i-- > 0;)
        if (!strcmp(r->anchors[i].name, (const char *)name))
            return r->anchors[i].node;
    return NULL;
}

static doc_type tagged_type(const char *tag, const char *text, size_t len, yaml_scalar_style_t st)
{
    if (tag) {
        if (!strcmp(tag, YAML_STR_TAG))
            return DOC_STR;
        if (!strcmp(tag, YAML_INT_TAG))
            return DOC_INT;
        if (!strcmp(tag, YAML_BOOL_TAG))
            return DOC_BOOL;
        if (!strcmp(tag, YAML_NULL_TAG))
            return DOC_NULL;
        if (!strcmp(tag, YAML_FLOAT_TAG))
            return DOC_FLOAT;
    }
    if (st != YAML_PLAIN_SCALAR_STYLE)
        return DOC_STR;
    return doc_resolve_plain(text, len);
}

static bool is_true_word(const char *s)
{
    static const char *const yes[] = {"y",    "Y",    "yes", "Yes", "YES", "true",
                                      "True", "TRUE", "on",  "On",  "ON"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        if (!strcmp(s, yes[i]))
            return true;
    return false;
}

/* Booleans and nulls are stored in their canonical spelling so that
 * "yes" and "true" compare equal and emit the same. */
/* Strings are C strings here (and nothing Kubernetes reads holds a NUL):
 * an escaped "\0" is refused like a raw NUL byte. */
#define NUL_IN_STRING "a NUL character (\\0) in a string: refused"

static doc_node *make_scalar(doc_arena *a, const yaml_event_t *ev)
{
    const char *text = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    doc_type t = tagged_type((const char *)ev->data.scalar.tag, text, len, ev->data.scalar.style);
    if (t == DOC_NULL)
        return doc_arena_scalar(a, DOC_NULL, "null", 4);
    if (t == DOC_BOOL && doc_resolve_plain(text, len) == DOC_BOOL) {
        bool yes = is_true_word(text);
        return doc_arena_scalar(a, DOC_BOOL, yes ? "true" : "false", yes ? 4 : 5);
    }
    return doc_arena_scalar(a, t, text, len);
}

static int parse_node(yreader *r, yaml_event_t *ev, int depth, doc_node **out);

/* A map entry's value is positioned at its key: an error about a field
 * then names the line the field is written on, also when its value is a
 * block that starts on the next line. */
static void set_key_mark(doc_node *val, const yaml_mark_t *kmark)
{
    val->line = (int)kmark->line + 1;
    val->col = (int)kmark->column + 1;
}

/* YAML 1.1 merge key: copy entries of src missing from dst (ix indexes
 * dst's keys). */
static int merge_into(doc_node *dst, keyindex *ix, const doc_node *src)
{
    if (!doc_is_map(src))
        return -1;
    for (size_t i = 0; i < src->len; i++) {
        if (keyindex_find(ix, dst, src->keys[i]) >= 0)
            continue;
        char *k = doc_key_dup(src->keys[i], strlen(src->keys[i]));
        if (!k || doc_map_append_adopt(dst, k, doc_clone(src->items[i])) < 0 ||
            keyindex_add(ix, dst, dst->len - 1) < 0)
            return -1;
    }
    return 0;
}

/* Reads the key/value pairs of a mapping. Merge keys ("<<") are applied
 * last so that explicit keys win wherever they appear. */
static int parse_mapping(yreader *r, yaml_event_t *start, int depth, doc_node *map)
{
    keyindex ix = {0};
    doc_node *merges = doc_seq_new();
    int rc = merges ? 0 : -1;
    while (rc == 0) {
        yaml_event_t ev;
        if (next_event(r, &ev) < 0) {
            rc = -1;
            break;
        }
        if (ev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        if (ev.type != YAML_SCALAR_EVENT) {
            yaml_event_delete(&ev);
            rc = yfail(r, &start->start_mark, "mapping keys must be scalars");
            break;
        }
        if (memchr(ev.data.scalar.value, 0, ev.data.scalar.length)) {
            rc = yfail(r, &ev.start_mark, NUL_IN_STRING);
            yaml_event_delete(&ev);
            break;
        }
        char *key =
            doc_arena_key(r->arena, (const char *)ev.data.scalar.value, ev.data.scalar.length);
        yaml_mark_t kmark = ev.start_mark;
        bool merge = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && key && !strcmp(key, "<<");
        yaml_event_delete(&ev);
        doc_node *val = NULL;
        if (!key || next_event(r, &ev) < 0 || parse_node(r, &ev, depth + 1, &val) < 0) {
            rc = -1;
        } else if (set_key_mark(val, &kmark), merge) {
            rc = doc_seq_push(merges, val);
        } else if (keyindex_find(&ix, map, key) >= 0) {
            char what[300];
            snprintf(what, sizeof what, "duplicate key \"%.200s\"", key);
            doc_free(val);
            rc = yfail(r, &kmark, what);
        } else if (map->len >= DOC_MAX_MAP_KEYS) {
            doc_free(val);
            rc = yfail(r, &kmark, "a map with more than 262144 keys: refused");
        } else if ((rc = doc_arena_append(map, key, val)) < 0) {
            doc_free(val);
        } else {
            key = NULL; /* the map's */
            rc = keyindex_add(&ix, map, map->len - 1);
        }
        if (key)
            doc_arena_key_free(r->arena, key);
        if (rc == 0 && merge) {
            doc_node *v = merges->items[merges->len - 1];
            bool ok = doc_is_map(v);
            for (size_t i = 0; !ok && doc_is_seq(v) && i < v->len; i++)
                ok = doc_is_map(v->items[i]);
            if (!ok)
                rc = yfail(r, &kmark, "merge key \"<<\" needs a mapping or a list of mappings");
        }
    }
    for (size_t m = 0; rc == 0 && m < merges->len; m++) {
        doc_node *v = merges->items[m];
        if (doc_is_map(v))
            rc = merge_into(map, &ix, v);
        for (size_t i = 0; rc == 0 && doc_is_seq(v) && i < v->len; i++)
            rc = merge_into(map, &ix, v->items[i]);
    }
    if (rc == 0 && merges->len && !r->merged && !(r->merged = doc_seq_new()))
        rc = -1;
    for (size_t i = 0; rc == 0 && i < merges->len; i++)
        if (doc_seq_push(r->merged, merges->items[i]) < 0)
            rc = -1; /* pushed frees it */
        else
            merges->items[i] = NULL;
    doc_free(merges);
    keyindex_free(&ix);
    return rc;
}

static int parse_sequence(yreader *r, int depth, doc_node *seq)
{
    for (;;) {
        yaml_event_t ev;
        if (next_event(r, &ev) < 0)
            return -1;
        if (ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            return 0;
        }
        doc_node *item = NULL;
        if (parse_node(r, &ev, depth + 1, &item) < 0)
            return -1;
        if (doc_arena_append(seq, NULL, item) < 0) {
            doc_free(item);
            return -1;
        }
    }
}

/* Consumes ev (and every event of the node it starts). */
static int parse_node(yreader *r, yaml_event_t *ev, int depth, doc_node **out)
{
    int rc = 0;
    doc_node *n = NULL;
    if (depth > DOC_MAX_DEPTH) {
        rc = yfail(r, &ev->start_mark, "nesting deeper than 256 levels");
        goto done;
    }
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        if (memchr(ev->data.scalar.value, 0, ev->data.scalar.length)) {
            rc = yfail(r, &ev->start_mark, NUL_IN_STRING);
            break;
        }
        n = make_scalar(r->arena, ev);
        rc = n && remember_anchor(r, ev->data.scalar.anchor, n) == 0 ? 0 : -1;
        break;
    case YAML_ALIAS_EVENT: {
        doc_node *target = find_anchor(r, ev->data.alias.anchor);
        if (!target) {
            rc = yfail(r, &ev->start_mark, "alias to an unknown anchor");
            break;
        }
        r->alias_nodes += count_nodes(target);
        if (r->alias_nodes > DOC_MAX_ALIAS_NODES) {
            rc = yfail(r, &ev->start_mark, "aliases expand to too many nodes");
            break;
        }
        n = doc_clone(target); /* a heap copy in the tree: its root walks */
        rc = n ? 0 : -1;
        if (n && r->arena)
            doc_arena_set_mixed(r->arena);
        break;
    }
    case YAML_MAPPING_START_EVENT:
        n = doc_arena_node(r->arena, DOC_MAP);
        rc = n && remember_anchor(r, ev->data.mapping_start.anchor, n) == 0 ? 0 : -1;
        if (rc == 0)
            rc = parse_mapping(r, ev, depth, n);
        break;
    case YAML_SEQUENCE_START_EVENT:
        n = doc_arena_node(r->arena, DOC_SEQ);
        rc = n && remember_anchor(r, ev->data.sequence_start.anchor, n) == 0 ? 0 : -1;
        if (rc == 0)
            rc = parse_sequence(r, depth, n);
        break;
    default:
        rc = yfail(r, &ev->start_mark, "unexpected YAML event");
    }
    if (n) {
        n->line = (int)ev->start_mark.line + 1;
        n->col = (int)ev->start_mark.column + 1;
    }
done:
    yaml_event_delete(ev);
    if (rc < 0) {
        if (r->err && !r->err->msg[0])
            mp_errf(r->err, "%s: doc %d: out of memory", r->name, r->doc_index);
        doc_free(n);
        return -1;
    }
    *out = n;
    return 0;
}

/* The next non-empty document of the stream: 1 with *out, 0 at its end,
 * -1 with r->err. */
static int next_doc(yreader *r, doc_node **out)
{
    for (;;) {
        yaml_event_t ev;
        if (next_event(r, &ev) < 0)
            return -1;
        yaml_event_type_t t = ev.type;
        if (t == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            return 0;
        }
        if (t == YAML_DOCUMENT_START_EVENT) {
            r->doc_index++;
            forget_anchors(r);
            yaml_event_delete(&ev);
            continue;
        }
        if (t == YAML_STREAM_START_EVENT || t == YAML_DOCUMENT_END_EVENT) {
            yaml_event_delete(&ev);
            continue;
        }
        doc_node *n = NULL;
        r->arena = r->arenas ? doc_arena_new() : NULL;
        int rc = parse_node(r, &ev, 0, &n);
        doc_free(r->merged); /* no alias can name them any more */
        r->merged = NULL;
        if (rc == 0)
            doc_arena_adopt(n);
        else
            doc_arena_free(r->arena);
        r->arena = NULL;
        if (rc < 0)
            return -1;
        if (doc_is_null(n)) {
            doc_free(n); /* an empty document between "---" lines */
            continue;
        }
        *out = n;
        return 1;
    }
}

static int yreader_init(yreader *r, const char *buf, size_t len, const char *name, mp_err *err)
{
    *r = (yreader){.name = name ? name : "<input>", .err = err, .buf = buf, .len = len};
    if (!yaml_parser_initialize(&r->parser))
        return mp_errf(err, "%s: cannot initialise the YAML parser", r->name);
    yaml_parser_set_input_string(&r->parser, (const unsigned char *)buf, len);
    return 0;
}

static void yreader_done(yreader *r)
{
    doc_free(r->merged);
    forget_anchors(r);
    free(r->anchors);
    yaml_parser_delete(&r->parser);
}

int doc_parse_yaml(const char *buf, size_t len, const char *name, doc_list *out, mp_err *err)
{
    if (err)
        err->msg[0] = '\0';
    yreader r;
    if (yreader_init(&r, buf, len, name, err) < 0)
        return -1;
    size_t before = out->len;
    int rc;
    doc_node *n;
    while ((rc = next_doc(&r, &n)) > 0)
        if (doc_list_push(out, n) < 0) {
            rc = mp_errf(err, "%s: out of memory", r.name);
            break;
        }
    yreader_done(&r);
    if (rc < 0) {
        while (out->len > before)
            doc_free(out->docs[--out->len]);
    }
    return rc;
}

static bool is_json(const char *buf, size_t len)
{
    size_t i = 0;
    while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r'))
        i++;
    return i < len && (buf[i] == '{' || buf[i] == '[');
}

int doc_parse_auto(const char *buf, size_t len, const char *name, doc_list *out, mp_err *err)
{
    if (is_json(buf, len))
        return doc_parse_json(buf, len, name, out, err);
    return doc_parse_yaml(buf, len, name, out, err);
}

struct doc_reader {
    bool yaml;
    yreader y;
    jreader *json; /* JSON: documents (or a List's items) one at a time */
    size_t docs;   /* YAML documents handed out */
    mp_err err;
};

doc_reader *doc_reader_new(const char *buf, size_t len, const char *name, mp_err *err)
{
    doc_reader *r = calloc(1, sizeof *r);
    if (!r) {
        mp_errf(err, "%s: out of memory", name ? name : "<input>");
        return NULL;
    }
    if (!is_json(buf, len)) {
        r->yaml = true;
        if (yreader_init(&r->y, buf, len, name, &r->err) < 0) {
            mp_errf(err, "%s", r->err.msg);
            free(r);
            return NULL;
        }
        r->y.arenas = true;
    } else if (!(r->json = json_reader_new(buf, len, name))) {
        mp_errf(err, "%s: out of memory", name ? name : "<input>");
        free(r);
        return NULL;
    }
    return r;
}

int doc_reader_next_item(doc_reader *r, bool (*is_list)(const doc_node *), doc_node **out,
                         size_t *doc, size_t *item, mp_err *err)
{
    return doc_reader_next_take(r, is_list, NULL, out, doc, item, err);
}

int doc_reader_next_take(doc_reader *r, bool (*is_list)(const doc_node *), const doc_take *take,
                         doc_node **out, size_t *doc, size_t *item, mp_err *err)
{
    *out = NULL;
    if (!r->yaml)
        return json_reader_next(r->json, is_list, take, out, doc, item, err);
    r->err.msg[0] = '\0';
    int rc = next_doc(&r->y, out);
    if (rc < 0)
        mp_errf(err, "%s", r->err.msg);
    *doc = r->docs += rc > 0;
    *item = DOC_READER_WHOLE;
    return rc;
}

int doc_reader_next(doc_reader *r, doc_node **out, mp_err *err)
{
    size_t doc, item;
    return doc_reader_next_item(r, NULL, out, &doc, &item, err);
}

void doc_reader_free(doc_reader *r)
{
    if (!r)
        return;
    if (r->yaml)
        yreader_done(&r->y);
    json_reader_free(r->json);
    free(r);
}

const char *parse_libyaml_version(void)
{
    return yaml_get_version_string();
}

const char *parse_cjson_version(void)
{
    return cJSON_Version();
}
