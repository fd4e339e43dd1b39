/* fuzz_yaml.c - YAML decode. Whatever decodes encodes again, as YAML and as
 * JSON; both decode to equal trees, and encoding the decoded YAML again
 * gives the same bytes (the encoder is idempotent). */
#include "fuzz.h"
#include "model/emit.h"
#include "model/parse.h"

static void same_docs(const doc_list *a, const doc_list *b, const char *how)
{
    FUZZ_ASSERT(a->len == b->len, "%s: %zu documents, then %zu", how, a->len, b->len);
    for (size_t i = 0; i < a->len; i++)
        FUZZ_ASSERT(doc_equal(a->docs[i], b->docs[i], false), "%s: document %zu changed", how, i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
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
        doc_list one;
        doc_list_init(&one);
        if (l1.docs[i]->kind == DOC_SCALAR) { /* a JSON document is an object or array */
            free(js);
            doc_list_free(&one);
            continue;
        }
        FUZZ_ASSERT(doc_parse_json(js, jn, "json", &one, &err) == 0 && one.len == 1, "%s\n%s",
                    err.msg, js);
        FUZZ_ASSERT(doc_equal(l1.docs[i], one.docs[0], false), "document %zu changed via JSON:\n%s",
                    i, js);
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
