/*
 * emit.c - canonical YAML through libyaml's emitter and JSON through cJSON:
 * the references of the direct encoders (emit_yaml.c, emit_json.c), and
 * what they fall back on for what they do not write themselves.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "model/emit.h"
#include "model/emit_int.h"
#include "model/sanitize.h"
#include "model/strbuf.h"

const char *const emit_top_order[EMIT_NTOP] = {"apiVersion", "kind", "metadata", "spec"};
#define top_order emit_top_order
#define NTOP      EMIT_NTOP

static int write_handler(void *data, unsigned char *buffer, size_t size)
{
    strbuf_append(data, (const char *)buffer, size);
    return !((strbuf *)data)->oom;
}

/* libyaml writes bidi controls raw: it deems them printable. */
bool emit_has_wide_control(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        i += san_utf8_decode(s + i, n - i, &cp);
        if (san_cp_is_control(cp))
            return true;
    }
    return false;
}

static yaml_scalar_style_t str_style(const char *s, size_t len)
{
    if (emit_has_wide_control(s, len)) /* written as escapes, which only this style has */
        return YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    if (memchr(s, '\n', len)) {
        /* Literal blocks cannot carry trailing spaces or control bytes;
         * libyaml falls back to quoting on its own when they appear. */
        return YAML_LITERAL_SCALAR_STYLE;
    }
    return doc_needs_quotes(s, len) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_PLAIN_SCALAR_STYLE;
}

static int emit_scalar_text(yaml_emitter_t *em, const char *s, size_t len,
                            yaml_scalar_style_t style)
{
    yaml_event_t ev;
    if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)len, 1, 1, style))
        return -1;
    return yaml_emitter_emit(em, &ev) ? 0 : -1;
}

static int emit_node(yaml_emitter_t *em, const doc_node *n, bool top);

static int emit_entry(yaml_emitter_t *em, const doc_node *n, size_t i)
{
    const char *k = n->keys[i];
    size_t kl = strlen(k);
    if (emit_scalar_text(em, k, kl, str_style(k, kl)) < 0)
        return -1;
    return emit_node(em, n->items[i], false);
}

bool emit_is_top_key(const char *k)
{
    for (size_t i = 0; i < NTOP; i++)
        if (!strcmp(k, top_order[i]))
            return true;
    return false;
}

bool emit_reorders(const doc_node *n, bool top)
{
    return top && n->kind == DOC_MAP && (doc_get(n, "apiVersion") || doc_get(n, "kind"));
}

static int emit_map_entries(yaml_emitter_t *em, const doc_node *n, bool top)
{
    bool reorder = emit_reorders(n, top);
    if (reorder) {
        for (size_t t = 0; t < NTOP; t++)
            for (size_t i = 0; i < n->len; i++)
                if (!strcmp(n->keys[i], top_order[t]) && emit_entry(em, n, i) < 0)
                    return -1;
    }
    for (size_t i = 0; i < n->len; i++)
        if ((!reorder || !emit_is_top_key(n->keys[i])) && emit_entry(em, n, i) < 0)
            return -1;
    return 0;
}

static int emit_node(yaml_emitter_t *em, const doc_node *n, bool top)
{
    yaml_event_t ev;
    if (n->kind == DOC_SCALAR) {
        size_t len = strlen(n->text);
        yaml_scalar_style_t style =
            n->type == DOC_STR ? str_style(n->text, len) : YAML_PLAIN_SCALAR_STYLE;
        return emit_scalar_text(em, n->text, len, style);
    }
    bool flow = n->len == 0; /* {} and [] */
    if (n->kind == DOC_MAP) {
        if (!yaml_mapping_start_event_initialize(
                &ev, NULL, NULL, 1, flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE) ||
            !yaml_emitter_emit(em, &ev) || emit_map_entries(em, n, top) < 0)
            return -1;
        yaml_mapping_end_event_initialize(&ev);
        return yaml_emitter_emit(em, &ev) ? 0 : -1;
    }
    if (!yaml_sequence_start_event_initialize(
            &ev, NULL, NULL, 1, flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE) ||
        !yaml_emitter_emit(em, &ev))
        return -1;
    for (size_t i = 0; i < n->len; i++)
        if (emit_node(em, n->items[i], false) < 0)
            return -1;
    yaml_sequence_end_event_initialize(&ev);
    return yaml_emitter_emit(em, &ev) ? 0 : -1;
}

static int emit_document(const doc_node *doc, strbuf *out, mp_err *err)
{
    yaml_emitter_t em;
    yaml_event_t ev;
    if (!yaml_emitter_initialize(&em))
        return mp_errf(err, "cannot initialise the YAML emitter");
    yaml_emitter_set_output(&em, write_handler, out);
    yaml_emitter_set_indent(&em, 2);
    yaml_emitter_set_width(&em, -1);
    yaml_emitter_set_unicode(&em, 1);
    yaml_emitter_set_break(&em, YAML_LN_BREAK);
    int ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) &&
             yaml_emitter_emit(&em, &ev) &&
             yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) &&
             yaml_emitter_emit(&em, &ev) && emit_node(&em, doc, true) == 0 &&
             yaml_document_end_event_initialize(&ev, 1) && yaml_emitter_emit(&em, &ev) &&
             yaml_stream_end_event_initialize(&ev) && yaml_emitter_emit(&em, &ev);
    if (!ok)
        mp_errf(err, "YAML emitter: %s", em.problem ? em.problem : "out of memory");
    yaml_emitter_delete(&em);
    return ok ? 0 : -1;
}

/* libyaml writes bidi controls raw even in double quotes: escaped here.
 * Every scalar holding one was given the double-quoted style (str_style),
 * where \u202E means that same character, so the data is unchanged and
 * a terminal showing `get -o yaml` has nothing to obey. */
static char *escape_wide_controls(char *s, size_t *len)
{
    strbuf sb;
    strbuf_init(&sb);
    size_t n = strlen(s), done = 0;
    for (size_t i = 0; i < n;) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t k = san_utf8_decode(s + i, n - i, &cp);
        if (san_cp_is_control(cp)) {
            strbuf_append(&sb, s + done, i - done);
            strbuf_printf(&sb, "\\u%04X", (unsigned)cp);
            done = i + k;
        }
        i += k;
    }
    if (!done)
        return s;
    strbuf_append(&sb, s + done, n - done);
    free(s);
    return strbuf_detach(&sb, len);
}

int emit_yaml_libyaml_doc(const doc_node *doc, strbuf *out, mp_err *err)
{
    strbuf sb;
    strbuf_init(&sb);
    if (emit_document(doc, &sb, err) < 0) {
        strbuf_free(&sb);
        return -1;
    }
    size_t len;
    char *s = strbuf_detach(&sb, &len);
    if (s)
        s = escape_wide_controls(s, &len);
    if (!s)
        return mp_errf(err, "out of memory");
    strbuf_append(out, s, len);
    free(s);
    return 0;
}

char *doc_emit_yaml_libyaml(doc_node *const *docs, size_t n, size_t *len, mp_err *err)
{
    strbuf sb;
    strbuf_init(&sb);
    for (size_t i = 0; i < n; i++) {
        if (i)
            strbuf_puts(&sb, "---\n");
        if (emit_document(docs[i], &sb, err) < 0) {
            strbuf_free(&sb);
            return NULL;
        }
    }
    char *s = strbuf_detach(&sb, len);
    if (s)
        s = escape_wide_controls(s, len);
    if (!s)
        mp_errf(err, "out of memory");
    return s;
}

static cJSON *to_cjson(const doc_node *n, bool top);

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)? */
bool emit_is_json_number(const char *s)
{
    if (*s == '-')
        s++;
    if (*s == '0')
        s++;
    else if (*s >= '1' && *s <= '9')
        while (*s >= '0' && *s <= '9')
            s++;
    else
        return false;
    if (*s == '.') {
        if (!(*++s >= '0' && *s <= '9'))
            return false;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!(*s >= '0' && *s <= '9'))
            return false;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return !*s;
}

/* A YAML 1.1 integer in any base and size (0x.., 0b.., 0o.., 0777, 1_000)
 * as JSON's decimal digits, exactly: a double would round past 2^53. */
static char *int_to_decimal(const char *text)
{
    const char *p = text;
    bool neg = *p == '-';
    if (*p == '-' || *p == '+')
        p++;
    unsigned base = 10;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        base = 16, p += 2;
    else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
        base = 2, p += 2;
    else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O'))
        base = 8, p += 2;
    else if (p[0] == '0' && p[1])
        base = 8, p += 1;
    size_t cap = strlen(p) * 2 + 3, nd = 0; /* decimal digits, least significant first */
    unsigned char *d = calloc(cap, 1);
    if (!d)
        return NULL;
    for (; *p; p++) {
        unsigned v = *p >= '0' && *p <= '9'   ? (unsigned)(*p - '0')
                     : *p >= 'a' && *p <= 'f' ? (unsigned)(*p - 'a' + 10)
                     : *p >= 'A' && *p <= 'F' ? (unsigned)(*p - 'A' + 10)
                                              : 99;
        if (*p == '_')
            continue;
        if (v >= base) {
            free(d);
            return NULL;
        }
        for (size_t i = 0; i < nd || v; i++) { /* d = d * base + v */
            v += i < nd ? d[i] * base : 0;
            d[i] = (unsigned char)(v % 10);
            v /= 10;
            if (i >= nd)
                nd = i + 1;
        }
    }
    char *out = malloc(nd + 3);
    if (out) {
        size_t o = 0;
        if (neg && nd)
            out[o++] = '-';
        if (!nd)
            out[o++] = '0';
        while (nd)
            out[o++] = (char)('0' + d[--nd]);
        out[o] = '\0';
    }
    free(d);
    return out;
}

/* Numbers go out as written when JSON can say them so (a JSON input's
 * literal, big integers included); other YAML spellings are converted. */
static cJSON *json_number(const doc_node *n)
{
    if (emit_is_json_number(n->text))
        return cJSON_CreateRaw(n->text);
    if (n->type == DOC_INT) {
        char *dec = int_to_decimal(n->text);
        cJSON *j = dec ? cJSON_CreateRaw(dec) : cJSON_CreateString(n->text);
        free(dec);
        return j;
    }
    char buf[128]; /* 1_000.5, .5, +1., .inf (JSON has no infinity: null) */
    size_t k = 0;
    for (const char *p = n->text; *p && k + 1 < sizeof buf; p++)
        if (*p != '_')
            buf[k++] = *p;
    buf[k] = '\0';
    const char *t = buf[0] == '+' || buf[0] == '-' ? buf + 1 : buf;
    /* strchr finds the NUL too: a text of one or two bytes ("_.", all
     * underscores) must not read past its end (uninitialised bytes) */
    size_t tl = strlen(t);
    double v = tl >= 3 && strchr(".iI", t[0]) && strchr("nN", t[1]) && strchr("fF", t[2]) ? HUGE_VAL
               : tl >= 3 && strchr(".nN", t[0]) && strchr("aA", t[1]) && strchr("nN", t[2])
                   ? NAN
                   : strtod(t, NULL);
    return cJSON_CreateNumber(buf[0] == '-' ? -v : v);
}

/* Appends child i of n to j; on failure frees j and returns NULL. */
static cJSON *add_child(cJSON *j, const doc_node *n, size_t i)
{
    cJSON *c = to_cjson(n->items[i], false);
    if (!c) {
        cJSON_Delete(j);
        return NULL;
    }
    if (n->kind == DOC_MAP)
        cJSON_AddItemToObject(j, n->keys[i], c);
    else
        cJSON_AddItemToArray(j, c);
    return j;
}

static cJSON *to_cjson(const doc_node *n, bool top)
{
    if (n->kind == DOC_SCALAR) {
        switch (n->type) {
        case DOC_NULL:
            return cJSON_CreateNull();
        case DOC_BOOL:
            return cJSON_CreateBool(!strcmp(n->text, "true"));
        case DOC_INT:
        case DOC_FLOAT:
            return json_number(n);
        default:
            return cJSON_CreateString(n->text);
        }
    }
    cJSON *j = n->kind == DOC_MAP ? cJSON_CreateObject() : cJSON_CreateArray();
    bool reorder = n->kind == DOC_MAP && top && (doc_get(n, "apiVersion") || doc_get(n, "kind"));
    if (reorder) {
        for (size_t t = 0; j && t < NTOP; t++)
            for (size_t i = 0; j && i < n->len; i++)
                if (!strcmp(n->keys[i], top_order[t]))
                    j = add_child(j, n, i);
    }
    for (size_t i = 0; j && i < n->len; i++)
        if (!reorder || n->kind != DOC_MAP || !emit_is_top_key(n->keys[i]))
            j = add_child(j, n, i);
    return j;
}

/* cJSON indents with tabs; Kubernetes tools indent with spaces. Raw tabs
 * only ever appear as layout because cJSON escapes them inside strings.
 * cJSON leaves C1 and bidi controls raw: escaped here as \uXXXX (only
 * strings hold non-ASCII bytes, and the escape means the same character),
 * so `get -o json` of a hostile object cannot drive the terminal. */
static char *safe_json_text(const char *s, size_t *len)
{
    strbuf sb;
    strbuf_init(&sb);
    bool line_start = true;
    for (size_t i = 0, n = strlen(s); i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\t') {
            strbuf_puts(&sb, line_start ? "  " : " ");
            i++;
            continue;
        }
        line_start = c == '\n';
        if (c < 0x7f) {
            strbuf_putc(&sb, (char)c);
            i++;
            continue;
        }
        uint32_t cp;
        size_t k = san_utf8_decode(s + i, n - i, &cp);
        if (c == 0x7f || cp == SAN_REPLACEMENT || san_cp_is_control(cp))
            strbuf_printf(&sb, "\\u%04x", (unsigned)(c == 0x7f ? 0x7f : cp));
        else
            strbuf_append(&sb, s + i, k);
        i += k;
    }
    return strbuf_detach(&sb, len);
}

static char *json_print(cJSON *j, bool pretty, size_t *len, mp_err *err)
{
    if (!j) {
        mp_errf(err, "out of memory");
        return NULL;
    }
    char *raw = pretty ? cJSON_Print(j) : cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    char *s = raw ? safe_json_text(raw, len) : NULL;
    cJSON_free(raw);
    if (!s)
        mp_errf(err, "out of memory");
    return s;
}

char *emit_json_number_cjson(const doc_node *n)
{
    cJSON *j = json_number(n);
    char *raw = j ? cJSON_PrintUnformatted(j) : NULL;
    cJSON_Delete(j);
    char *s = raw ? strdup(raw) : NULL; /* free()able, whatever cJSON's hooks */
    cJSON_free(raw);
    return s;
}

char *doc_emit_json_cjson(const doc_node *doc, bool pretty, size_t *len, mp_err *err)
{
    return json_print(to_cjson(doc, true), pretty, len, err);
}

char *doc_emit_json_array_cjson(doc_node *const *docs, size_t n, bool pretty, size_t *len,
                                mp_err *err)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < n; i++) {
        cJSON *c = to_cjson(docs[i], true);
        if (!c) {
            cJSON_Delete(arr);
            arr = NULL;
            break;
        }
        cJSON_AddItemToArray(arr, c);
    }
    return json_print(arr, pretty, len, err);
}
