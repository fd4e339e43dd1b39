/* fuzz_reindent.c - `get -o json`'s list item printed from its bytes
 * (model/json_reindent.c) against the tree path it stands in for: parse,
 * kclient_fix_item, managedFields dropped, doc_json_append. First byte:
 * indent (low 3 bits), drop managedFields (bit 3), a custom kind instead of
 * Ingress (bit 4). Where the fast path answers, its text is the tree path's
 * byte for byte, and the same object followed by more bytes gives the same
 * text and its length; where it declines (JR_TREE), out is unchanged. */
#include "api/kinds.h"
#include "api/resources.h"
#include "fuzz.h"
#include "model/emit.h"
#include "model/json_reindent.h"
#include "model/parse.h"

static char *tree_text(const char *json, size_t len, const kkind *k, const char *version,
                       size_t indent, bool drop)
{
    doc_list l;
    doc_list_init(&l);
    mp_err err;
    char *text = NULL;
    if (doc_parse_json(json, len, "list item", &l, &err) == 0 && l.len == 1) {
        doc_node *item = doc_list_take(&l, 0);
        if (kclient_fix_item(k, version, item, &err) == 0) {
            if (drop)
                doc_map_del(doc_get(item, "metadata"), "managedFields");
            strbuf sb;
            strbuf_init(&sb);
            FUZZ_ASSERT(doc_json_append(&sb, item, indent, &err) == 0, "%s", err.msg);
            text = strbuf_detach(&sb, NULL);
        }
        doc_free(item);
    }
    doc_list_free(&l);
    return text;
}

static void same_with_more(const char *json, size_t len, const jr_opts *o, const char *want)
{
    strbuf more, out;
    strbuf_init(&more);
    strbuf_init(&out);
    strbuf_append(&more, json, len);
    strbuf_append(&more, ",{\"next\":1}]", 12);
    jr_info in;
    size_t used = 0;
    FUZZ_ASSERT(json_reindent(more.buf, more.len, o, &out, &in, &used) == JR_DONE,
                "declined with bytes after the item");
    FUZZ_ASSERT(out.buf && !strcmp(out.buf, want), "with bytes after:\n%s\n--\n%s", out.buf, want);
    size_t end = len;
    while (end && strchr(" \t\r\n", json[end - 1]))
        end--;
    FUZZ_ASSERT(used == end, "used %zu, the item is %zu bytes", used, end);
    strbuf_free(&more);
    strbuf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t indent = (data[0] & 7) * 2;
    bool drop = data[0] & 8;
    const kkind *k = kkind_lookup(data[0] & 16 ? "virtualservices" : "ingresses");
    FUZZ_ASSERT(k, "kind table");
    const char *version = "v1";
    char av[128];
    snprintf(av, sizeof av, "%s%s%s", k->group, *k->group ? "/" : "", version);
    const char *json = (const char *)data + 1;
    size_t len = size - 1;

    jr_opts o = {.indent = indent, .api_version = av, .kind = k->kind, .drop_managed_fields = drop};
    strbuf sb;
    strbuf_init(&sb);
    strbuf_append(&sb, "x", 1);
    jr_info in;
    int rc = json_reindent(json, len, &o, &sb, &in, NULL);
    FUZZ_ASSERT(rc == JR_DONE || rc == JR_TREE, "rc %d", rc);
    if (rc == JR_TREE) {
        FUZZ_ASSERT(sb.len == 1 && sb.buf[0] == 'x', "JR_TREE changed out");
    } else if (kclient_names_ok(k, &in)) {
        char *want = tree_text(json, len, k, version, indent, drop);
        FUZZ_ASSERT(want, "the tree path fails, the fast path wrote %.200s", sb.buf + 1);
        FUZZ_ASSERT(!strcmp(sb.buf + 1, want), "differs:\n%s\n--\n%s", sb.buf + 1, want);
        same_with_more(json, len, &o, want);
        free(want);
    }
    strbuf_free(&sb);
    return 0;
}
