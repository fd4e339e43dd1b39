/* fuzz_yaml.c - YAML decode. Whatever decodes encodes again as YAML and
 * decodes to equal trees, and encoding that again gives the same bytes;
 * the direct encoders write the bytes libyaml's emitter and cJSON write; through
 * JSON, the JSON of the decoded JSON is the same JSON and every value keeps
 * its kind (tests/fuzz/README.md). */
#include "fuzz.h"
#include "fuzz_items.h"
#include "model/emit.h"
#include "model/emit_int.h"
#include "model/parse.h"

/* emit_yaml.c against the reference (emit.c, libyaml): the same bytes or
 * the same refusal, for the stream and for each document alone. */
static void same_as_libyaml(doc_node *const *docs, size_t n, const char *fast, size_t fast_len)
{
    mp_err err;
    size_t ref_len;
    char *ref = doc_emit_yaml_libyaml(docs, n, &ref_len, &err);
    FUZZ_ASSERT((ref == NULL) == (fast == NULL), "one encoder refused: %s", err.msg);
    FUZZ_ASSERT(!ref || (ref_len == fast_len && !memcmp(ref, fast, ref_len)),
                "direct encoder differs from libyaml:\n%s\n--\n%s", fast, ref);
    free(ref);
    for (size_t i = 0; i < n; i++) {
        size_t a_len, b_len;
        char *a = doc_emit_yaml(docs[i], &a_len, &err);
        char *b = doc_emit_yaml_libyaml(&docs[i], 1, &b_len, &err);
        FUZZ_ASSERT((a == NULL) == (b == NULL) && (!a || (a_len == b_len && !memcmp(a, b, a_len))),
                    "document %zu: direct encoder differs from libyaml:\n%s\n--\n%s", i,
                    a ? a : "(refused)", b ? b : "(refused)");
        free(a);
        free(b);
    }
}

static void same_docs(const doc_list *a, const doc_list *b, const char *how)
{
    FUZZ_ASSERT(a->len == b->len, "%s: %zu documents, then %zu", how, a->len, b->len);
    for (size_t i = 0; i < a->len; i++)
        FUZZ_ASSERT(doc_equal(a->docs[i], b->docs[i], false), "%s: document %zu changed", how, i);
}

/* a and b (a through JSON) hold the same kinds of values: a number stays a
 * number (an integer may become a float and back, and JSON has no
 * infinity or NaN: null), a string a string. */
static void same_shape(const doc_node *a, const doc_node *b, const char *at)
{
    FUZZ_ASSERT(a->kind == b->kind, "%s: kind", at);
    FUZZ_ASSERT(a->kind == DOC_SCALAR || a->len == b->len, "%s: length", at);
    if (a->kind == DOC_SCALAR) {
        bool num_a = a->type == DOC_INT || a->type == DOC_FLOAT;
        bool num_b = b->type == DOC_INT || b->type == DOC_FLOAT;
        FUZZ_ASSERT(a->type == b->type || (num_a && num_b) ||
                        (a->type == DOC_FLOAT && b->type == DOC_NULL),
                    "%s: %s (type %d) became %s (type %d)", at, a->text, a->type, b->text, b->type);
        return;
    }
    for (size_t i = 0; i < a->len; i++) {
        if (a->kind == DOC_MAP) {
            const doc_node *bv = doc_get(b, a->keys[i]);
            FUZZ_ASSERT(bv, "%s: key %s lost", at, a->keys[i]);
            same_shape(a->items[i], bv, a->keys[i]);
        } else {
            same_shape(a->items[i], b->items[i], at);
        }
    }
}

/* doc_reader (convert -f's streaming input) hands out the documents
 * doc_parse_auto returns, one at a time, and fails where it fails with the
 * same error. */
static void same_as_reader(const char *buf, size_t len)
{
    doc_list all;
    doc_list_init(&all);
    mp_err want, got;
    int rc = doc_parse_auto(buf, len, "in", &all, &want);
    doc_reader *r = doc_reader_new(buf, len, "in", &got);
    int step = r ? 1 : -1;
    size_t i = 0;
    while (r) {
        doc_node *d = NULL;
        if ((step = doc_reader_next(r, &d, &got)) != 1)
            break;
        FUZZ_ASSERT(rc != 0 || (i < all.len && doc_equal(d, all.docs[i], false)),
                    "reader: document %zu differs", i);
        doc_free(d);
        i++;
    }
    doc_reader_free(r);
    if (rc == 0)
        FUZZ_ASSERT(step == 0 && i == all.len, "reader: %zu of %zu documents (%s)", i, all.len,
                    step < 0 ? got.msg : "");
    else
        FUZZ_ASSERT(step < 0 && !strcmp(want.msg, got.msg), "reader: \"%s\", not \"%s\"",
                    step < 0 ? got.msg : "no error", want.msg);
    doc_list_free(&all);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    same_as_reader((const char *)data, size);
    same_items_as_parse((const char *)data, size);
    doc_list l1, l2, l3;
    doc_list_init(&l1);
    mp_err err;
    if (doc_parse_yaml((const char *)data, size, "in", &l1, &err)) {
        FUZZ_ASSERT(err.msg[0] && l1.len == 0, "an error leaves nothing behind");
        doc_list_free(&l1);
        return 0;
    }
    size_t n1, n2;
    char *y1 = doc_emit_yaml_stream(l1.docs, l1.len, &n1, &err);
    FUZZ_ASSERT(y1, "emit: %s", err.msg);
    same_as_libyaml(l1.docs, l1.len, y1, n1);
    doc_list_init(&l2);
    FUZZ_ASSERT(doc_parse_yaml(y1, n1, "emitted", &l2, &err) == 0, "%s\n%s", err.msg, y1);
    same_docs(&l1, &l2, "yaml");
    char *y2 = doc_emit_yaml_stream(l2.docs, l2.len, &n2, &err);
    FUZZ_ASSERT(y2 && n1 == n2 && !memcmp(y1, y2, n1), "second encoding differs:\n%s\n--\n%s", y1,
                y2 ? y2 : "");
    /* the same trees through JSON */
    doc_list_init(&l3);
    for (size_t i = 0; i < l1.len; i++) {
        size_t jn;
        char *js = doc_emit_json(l1.docs[i], false, &jn, &err);
        FUZZ_ASSERT(js, "json emit: %s", err.msg);
        size_t rn; /* YAML's numbers (0x1F, 1_000, .inf) through the direct JSON writer */
        char *ref = doc_emit_json_cjson(l1.docs[i], false, &rn, &err);
        FUZZ_ASSERT(ref && rn == jn && !memcmp(ref, js, jn), "JSON differs from cJSON:\n%s\n--\n%s",
                    js, ref ? ref : "");
        free(ref);
        doc_list one;
        doc_list_init(&one);
        if (l1.docs[i]->kind == DOC_SCALAR) { /* a JSON document is an object or array */
            free(js);
            doc_list_free(&one);
            continue;
        }
        FUZZ_ASSERT(doc_parse_json(js, jn, "json", &one, &err) == 0 && one.len == 1, "%s\n%s",
                    err.msg, js);
        /* JSON spells YAML's numbers its own way (0x1F, 0777, 1_000, .inf):
         * the JSON of the decoded JSON is the same JSON */
        size_t jn2;
        char *js2 = doc_emit_json(one.docs[0], false, &jn2, &err);
        FUZZ_ASSERT(js2 && jn == jn2 && !memcmp(js, js2, jn),
                    "document %zu changed via JSON:\n%s\n--\n%s", i, js, js2 ? js2 : "");
        free(js2);
        same_shape(l1.docs[i], one.docs[0], "/");
        doc_list_free(&one);
        free(js);
    }
    doc_list_free(&l3);
    free(y1);
    free(y2);
    doc_list_free(&l1);
    doc_list_free(&l2);
    return 0;
}
