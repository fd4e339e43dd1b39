/*
 * yamlline.c - the YAML line of a field (see yamlline.h).
 *
 * Rather than re-deriving the emitter's layout (key order, quoting, list
 * indentation), the field's first scalar in a copy is replaced by a marker
 * that emits as itself, and the emitted copy is searched for it: the
 * emitter decides, so the answer cannot drift from what the screen shows.
 */
#include "model/yamlline.h"

#include <stdlib.h>
#include <string.h>

#include "model/docpath.h"
#include "model/emit.h"

#define MARK "mpyamllinemarkzq"

/* "[]" -> "[0]", into buf. */
static void normalize(const char *path, char *buf, size_t n)
{
    size_t o = 0;
    for (const char *p = path; *p && o + 4 < n; p++) {
        buf[o++] = *p;
        if (p[0] == '[' && p[1] == ']')
            buf[o++] = '0';
    }
    buf[o] = 0;
}

/* Cuts the last step off path (in place); false when none is left. */
static bool parent(char *path)
{
    size_t last = 0;
    bool quoted = false;
    for (size_t i = 0; path[i]; i++) {
        if (path[i] == '"')
            quoted = !quoted;
        else if (!quoted && (path[i] == '.' || path[i] == '['))
            last = i;
    }
    if (!path[0])
        return false;
    path[last] = 0;
    return true;
}

/* Puts the marker at n's first scalar (n in the copy). */
static int mark(doc_node *n)
{
    while (n->kind != DOC_SCALAR && n->len)
        n = n->items[0];
    if (n->kind == DOC_SEQ)
        return doc_seq_push(n, doc_str_new(MARK));
    if (n->kind == DOC_MAP)
        return doc_map_set_str(n, MARK, "x");
    return doc_scalar_set(n, DOC_STR, MARK);
}

long yaml_line_of(const doc_node *doc, const char *path)
{
    char p[1024];
    normalize(path ? path : "", p, sizeof p);
    while (!docpath_get(doc, p) && parent(p))
        ;
    doc_node *copy = doc_clone(doc);
    doc_node *at = copy ? docpath_get(copy, p) : NULL;
    mp_err err;
    char *y = at && mark(at) == 0 ? doc_emit_yaml(copy, NULL, &err) : NULL;
    doc_free(copy);
    const char *m = y ? strstr(y, MARK) : NULL;
    long line = m ? 0 : -1;
    for (const char *c = y; m && c < m; c++)
        line += *c == '\n';
    free(y);
    return line;
}
