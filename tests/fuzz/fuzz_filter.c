/* fuzz_filter.c - the console's `/` filter expression parser. The first
 * line is the expression, the other lines a row's fields; fields of the
 * form k=v are also the row's labels. Properties: a refused expression
 * leaves the filter as it was; "!E" matches exactly the rows E does not;
 * the folded fast path agrees with the plain match. */
#include "fuzz.h"
#include "model/doc.h"
#include "tui/filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 400) /* glibc regexec backtracks: long patterns only find slowness */
        return 0;
    char *in = fuzz_cstr(data, size);
    char *nl = strchr(in, '\n');
    const char *fields[8];
    size_t nf = 0;
    doc_node *labels = doc_map_new();
    if (nl) {
        *nl = 0;
        for (char *f = nl + 1; f && nf < 8;) {
            char *next = strchr(f, '\n');
            if (next)
                *next++ = 0;
            fields[nf++] = f;
            char *eq = strchr(f, '=');
            if (eq && eq > f) {
                char *k = strndup(f, (size_t)(eq - f));
                if (!doc_get(labels, k))
                    doc_map_set(labels, k, doc_str_new(eq + 1));
                free(k);
            }
            f = next;
        }
    }
    row_filter f, neg;
    filter_init(&f);
    filter_init(&neg);
    mp_err err;
    FUZZ_ASSERT(filter_set(&f, "keep", &err) == 0, "%s", err.msg);
    if (filter_set(&f, in, &err) < 0) {
        FUZZ_ASSERT(err.msg[0], "an error says why");
        FUZZ_ASSERT(f.mode == FILTER_TEXT && !strcmp(f.expr, "keep"), "a refused expression "
                                                                      "changed the filter");
    } else if (filter_active(&f)) {
        bool m = filter_match(&f, fields, nf, labels);
        char *folded = filter_fold_join(fields, nf);
        FUZZ_ASSERT(filter_match_folded(&f, fields, nf, folded, labels) == m, "folded disagrees");
        free(folded);
        const char *e = in; /* the expression is trimmed (isspace) */
        while (*e && strchr(" \t\n\v\f\r", *e))
            e++;
        size_t n = strlen(e);
        char *notin = malloc(n + 2);
        notin[0] = '!';
        memcpy(notin + 1, e, n + 1);
        if (e[0] != '!' && strncmp(e, "-l", 2) && filter_set(&neg, notin, &err) == 0 &&
            filter_active(&neg))
            FUZZ_ASSERT(filter_match(&neg, fields, nf, labels) == !m, "!%s matches as %s does", in,
                        in);
        free(notin);
    }
    filter_clear(&f);
    filter_clear(&neg);
    doc_free(labels);
    free(in);
    return 0;
}
