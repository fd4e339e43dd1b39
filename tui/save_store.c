/*
 * save_store.c - :save-store FILE, the store as a list to compare with the
 * cluster's.
 *
 * One line per stored object, "Kind namespace/name resourceVersion" (cleaned
 * with model/sanitize.h), sorted bytewise: the same lines built from a fresh
 * list of the server must be identical when no watch event was lost, which
 * is what bench/watch.sh and test_watch_churn.sh check after a storm.
 */
#include <stdlib.h>
#include <string.h>

#include "api/fsutil.h"
#include "model/sanitize.h"
#include "model/strbuf.h"
#include "tui/app.h"
#include "tui/ui.h"

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *obj_line(const store_obj *o)
{
    const char *rv = doc_str(doc_getv(o->doc, "metadata", "resourceVersion", NULL));
    strbuf sb;
    strbuf_init(&sb);
    strbuf_printf(&sb, "%s %s/%s %s\n", o->kind, o->ns, o->name, rv ? rv : "-");
    char *clean = san_cleans(sb.buf ? sb.buf : "", SAN_KEEP_NEWLINE);
    strbuf_free(&sb);
    return clean;
}

int app_save_store(struct ui *u, const char *path, mp_err *err)
{
    size_t n = store_count(u->store, NULL);
    char **lines = calloc(n ? n : 1, sizeof *lines);
    if (!lines)
        return mp_errf(err, "save-store: out of memory");
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        if (!(lines[i] = obj_line(store_at(u->store, i))))
            rc = mp_errf(err, "save-store: out of memory");
    strbuf out;
    strbuf_init(&out);
    if (rc == 0) {
        qsort(lines, n, sizeof *lines, cmp_str);
        for (size_t i = 0; i < n; i++)
            strbuf_puts(&out, lines[i]);
        rc = fs_write_atomic(path, out.buf ? out.buf : "", out.len, 0644, err);
    }
    if (rc == 0)
        ui_set_message(u, false, "wrote %zu objects to %s", n, path);
    strbuf_free(&out);
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
    return rc;
}
