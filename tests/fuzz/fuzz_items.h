/* fuzz_items.h - a property fuzz_json and fuzz_yaml share: doc_reader
 * with a List's items handed out one at a time (convert -f's input) gives
 * what kobj_flatten_all gives over doc_parse_auto. */
#ifndef MESHPANEL_FUZZ_ITEMS_H
#define MESHPANEL_FUZZ_ITEMS_H

#include <string.h>

#include "fuzz.h"
#include "model/kobj.h"
#include "model/parse.h"

/* The reader with a List's items handed out one at a time (convert -f):
 * the objects and the lines of kobj_flatten_all over doc_parse_auto, or
 * its error. */
static void same_items_as_parse(const char *buf, size_t len)
{
    doc_list docs, want, got;
    doc_list_init(&docs);
    doc_list_init(&want);
    doc_list_init(&got);
    mp_errlist wl, gl;
    mp_errlist_init(&wl);
    mp_errlist_init(&gl);
    mp_err we, ge;
    int rc = doc_parse_auto(buf, len, "in", &docs, &we);
    if (rc == 0)
        kobj_flatten_all(&docs, &want, "in", &wl);
    doc_reader *r = doc_reader_new(buf, len, "in", &ge);
    int step = r ? 1 : -1;
    doc_node *d;
    size_t doc, item;
    while (r && (step = doc_reader_next_item(r, kobj_is_list, &d, &doc, &item, &ge)) > 0) {
        if (item == DOC_READER_WHOLE)
            kobj_flatten_doc(d, doc, &got, "in", &gl);
        else
            kobj_flatten_item(d, doc, item, &got, "in", &gl);
    }
    doc_reader_free(r);
    if (rc != 0) {
        FUZZ_ASSERT(step < 0 && !strcmp(we.msg, ge.msg), "items: \"%s\", not \"%s\"",
                    step < 0 ? ge.msg : "no error", we.msg);
    } else {
        FUZZ_ASSERT(step == 0, "items: %s", ge.msg);
        FUZZ_ASSERT(want.len == got.len && wl.len == gl.len,
                    "items: %zu objects, %zu lines, not %zu, %zu", got.len, gl.len, want.len,
                    wl.len);
        for (size_t i = 0; i < want.len; i++)
            FUZZ_ASSERT(doc_equal(want.docs[i], got.docs[i], true) &&
                            want.docs[i]->line == got.docs[i]->line,
                        "items: object %zu differs", i);
        for (size_t i = 0; i < wl.len; i++)
            FUZZ_ASSERT(!strcmp(wl.lines[i], gl.lines[i]), "items: \"%s\", not \"%s\"", gl.lines[i],
                        wl.lines[i]);
    }
    doc_list_free(&docs);
    doc_list_free(&want);
    doc_list_free(&got);
    mp_errlist_free(&wl);
    mp_errlist_free(&gl);
}

#endif
