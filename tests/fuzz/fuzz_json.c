/* fuzz_json.c - JSON stream decode (as kubectl reads a file: values one
 * after the other). Every value decodes again from its own encoding to an
 * equal tree, the encoding is stable and the direct writer's bytes are
 * cJSON's, and a stream of the encodings decodes to the same list. An error
 * names a line and column. */
#include "fuzz.h"
#include "fuzz_items.h"
#include "model/emit.h"
#include "model/emit_int.h"
#include "model/parse.h"
#include "model/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    same_items_as_parse((const char *)data, size);
    doc_list l;
    doc_list_init(&l);
    mp_err err;
    if (doc_parse_json((const char *)data, size, "in", &l, &err)) {
        FUZZ_ASSERT(strstr(err.msg, "line ") && strstr(err.msg, " col "), "%s", err.msg);
        FUZZ_ASSERT(l.len == 0, "an error leaves nothing behind");
        doc_list_free(&l);
        return 0;
    }
    strbuf all;
    strbuf_init(&all);
    for (size_t i = 0; i < l.len; i++) {
        FUZZ_ASSERT(l.docs[i]->kind != DOC_SCALAR, "a top-level scalar was accepted");
        for (int pretty = 0; pretty <= 1; pretty++) {
            size_t n1, n2;
            char *j1 = doc_emit_json(l.docs[i], pretty, &n1, &err);
            FUZZ_ASSERT(j1, "emit: %s", err.msg);
            size_t nr; /* emit_json.c against the reference (emit.c, cJSON) */
            char *ref = doc_emit_json_cjson(l.docs[i], pretty, &nr, &err);
            FUZZ_ASSERT(ref && nr == n1 && !memcmp(ref, j1, n1),
                        "direct writer differs from cJSON:\n%s\n--\n%s", j1, ref ? ref : "");
            free(ref);
            doc_list one;
            doc_list_init(&one);
            FUZZ_ASSERT(doc_parse_json(j1, n1, "emitted", &one, &err) == 0 && one.len == 1,
                        "%s\n%s", err.msg, j1);
            /* the encoder puts apiVersion, kind, metadata, spec first */
            FUZZ_ASSERT(doc_equal(l.docs[i], one.docs[0], false), "value %zu changed:\n%s", i, j1);
            char *j2 = doc_emit_json(one.docs[0], pretty, &n2, &err);
            FUZZ_ASSERT(j2 && n1 == n2 && !memcmp(j1, j2, n1), "unstable:\n%s\n--\n%s", j1,
                        j2 ? j2 : "");
            if (pretty) {
                strbuf_append(&all, j1, n1);
                strbuf_putc(&all, '\n');
            }
            free(j1);
            free(j2);
            doc_list_free(&one);
        }
    }
    doc_list again;
    doc_list_init(&again);
    FUZZ_ASSERT(doc_parse_json(all.buf ? all.buf : "", all.len, "stream", &again, &err) == 0, "%s",
                err.msg);
    FUZZ_ASSERT(again.len == l.len, "%zu values, then %zu", l.len, again.len);
    doc_list_free(&again);
    strbuf_free(&all);
    doc_list_free(&l);
    return 0;
}
