/* fuzz_json.c - JSON stream decode (as kubectl reads a file: values one
 * after the other). Every value decodes again from its own encoding to an
 * equal tree, the encoding is stable and the direct writer's bytes are
 * cJSON's, and a stream of the encodings decodes to the same list. An error
 * names a line and column. The console's kept parser (doc_jparser) gives
 * the same values and errors, and its trees survive doc_shrink and
 * doc_pack unchanged. The direct Ingress decoder either declines or
 * gives the tree path's view, and the reader decoding a List's items
 * ahead hands out what it does without (fuzz_direct.h). */
#include "fuzz.h"
#include "fuzz_direct.h"
#include "fuzz_items.h"
#include "model/emit.h"
#include "model/emit_int.h"
#include "model/parse.h"
#include "model/strbuf.h"

/* A tree the console keeps: cut to its size in place (doc_shrink) and
 * copied into one block (doc_pack), it is still the parsed value. */
static void kept_forms_equal(doc_node *d, const doc_node *want)
{
    doc_node *s = doc_shrink(d);
    FUZZ_ASSERT(s && doc_equal(s, want, true), "doc_shrink changed the tree");
    doc_node *p = doc_pack(s);
    FUZZ_ASSERT(p && doc_equal(p, want, true), "doc_pack changed the tree");
    doc_free(p);
    doc_free(s);
}

/* The console's parser of list items and watch events (doc_jparser, one
 * kept for many buffers) against doc_parse_json: the same value, or the
 * same error; with `used`, the value at the start and where it ends. l and
 * err: doc_parse_json's result for the same bytes (rc its status). */
static void same_as_jparser(const char *buf, size_t size, const doc_list *l, int rc,
                            const mp_err *err)
{
    doc_jparser *jp = doc_jparser_new();
    FUZZ_ASSERT(jp, "doc_jparser_new");
    for (int round = 0; round < 2; round++) { /* the second: scratch kept */
        mp_err e;
        doc_node *d = NULL;
        int got = doc_jparser_read(jp, buf, size, "in", NULL, &d, &e);
        if (rc) {
            FUZZ_ASSERT(got == -1 && !d, "jparser accepted what doc_parse_json refused");
            if (!strcmp(e.msg, err->msg))
                continue;
            /* a good value, then anything bad: said as "more than one" */
            size_t used = 0;
            FUZZ_ASSERT(!strcmp(e.msg, "in: more than one JSON value") &&
                            doc_jparser_read(jp, buf, size, "in", &used, &d, &e) == 0 &&
                            used < size,
                        "errors differ:\n%s\n%s", e.msg, err->msg);
            doc_free(d);
            continue;
        }
        FUZZ_ASSERT((got == 0) == (l->len == 1), "jparser: %d for %zu values", got, l->len);
        if (got == 0)
            kept_forms_equal(d, l->docs[0]);
        if (!l->len)
            continue;
        size_t used = 0;
        FUZZ_ASSERT(doc_jparser_read(jp, buf, size, "in", &used, &d, &e) == 0, "used: %s", e.msg);
        FUZZ_ASSERT(used <= size && doc_equal(d, l->docs[0], true), "the first value differs");
        doc_list one;
        doc_list_init(&one);
        mp_err e2;
        FUZZ_ASSERT(doc_parse_json(buf, used, "in", &one, &e2) == 0 && one.len == 1,
                    "the %zu bytes used are not one value", used);
        doc_list_free(&one);
        doc_free(d);
    }
    doc_jparser_free(jp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    same_items_as_parse((const char *)data, size);
    same_direct_as_tree((const char *)data, size);
    same_ahead_as_fn((const char *)data, size);
    doc_list l;
    doc_list_init(&l);
    mp_err err;
    int rc = doc_parse_json((const char *)data, size, "in", &l, &err);
    same_as_jparser((const char *)data, size, &l, rc, &err);
    if (rc) {
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
