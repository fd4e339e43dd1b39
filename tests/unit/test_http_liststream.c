/* test_http_liststream.c - splitting list and watch bodies as they stream in. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "api/liststream.h"
#include "model/json_reindent.h"
#include "model/strbuf.h"

typedef struct {
    char items[16][256];
    int n;
    int stop_at; /* 1-based item that returns -1; 0: never */
} seen;

static int on_item(const char *json, size_t len, void *ud)
{
    seen *s = ud;
    ck_assert_int_lt(s->n, 16);
    ck_assert_uint_lt(len, 256);
    memcpy(s->items[s->n], json, len);
    s->items[s->n][len] = 0;
    s->n++;
    return s->stop_at && s->n == s->stop_at ? -1 : 0;
}

static const char list_body[] =
    "{\"kind\":\"IngressList\",\"apiVersion\":\"networking.k8s.io/v1\","
    "\"metadata\":{\"resourceVersion\":\"42\",\"continue\":\"tok]en{\"},"
    "\"items\":[{\"metadata\":{\"name\":\"a\",\"annotations\":{\"x\":\"}]\\\"{[\"}}},"
    "{\"metadata\":{\"name\":\"b\"},\"spec\":{\"rules\":[{\"host\":\"h\"}]}}],"
    "\"extra\":{\"items\":[{\"not\":\"an item\"}]}}";

/* Feeding in chunks of every size gives the same items and metadata. */
START_TEST(list_items_any_chunking)
{
    size_t total = strlen(list_body);
    for (size_t chunk = 1; chunk <= total; chunk++) {
        seen s = {0};
        mp_err err = {""};
        liststream *ls = ls_new(LS_LIST_ITEMS, 0, on_item, &s);
        for (size_t off = 0; off < total; off += chunk) {
            size_t n = total - off < chunk ? total - off : chunk;
            ck_assert_msg(ls_feed(ls, list_body + off, n, &err) == 0, "%s", err.msg);
        }
        ck_assert_int_eq(ls_finish(ls, &err), 0);
        ck_assert_int_eq(s.n, 2);
        ck_assert_str_eq(s.items[0], "{\"metadata\":{\"name\":\"a\",\"annotations\":{\"x\":\"}]"
                                     "\\\"{[\"}}}");
        ck_assert_str_eq(s.items[1],
                         "{\"metadata\":{\"name\":\"b\"},\"spec\":{\"rules\":[{\"host\":\"h\"}]}}");
        size_t ml;
        const char *meta = ls_metadata(ls, &ml);
        ck_assert_str_eq(meta, "{\"resourceVersion\":\"42\",\"continue\":\"tok]en{\"}");
        ck_assert_uint_eq(ls_count(ls), 2);
        ls_free(ls);
    }
}
END_TEST

/* The metadata is known as soon as its object closes, before any item
 * (kclient_list asks for the next page then); a reset forgets it. */
START_TEST(metadata_done_before_items)
{
    const char *meta_end = strstr(list_body, "},\"items\"") + 1;
    size_t head = (size_t)(meta_end - list_body), total = strlen(list_body);
    seen s = {0};
    mp_err err = {""};
    liststream *ls = ls_new(LS_LIST_ITEMS, 0, on_item, &s);
    ck_assert_int_eq(ls_feed(ls, list_body, head - 1, &err), 0);
    ck_assert(!ls_metadata_done(ls));
    ck_assert_int_eq(ls_feed(ls, list_body + head - 1, 1, &err), 0);
    ck_assert(ls_metadata_done(ls));
    ck_assert_int_eq(s.n, 0);
    size_t ml;
    ck_assert_str_eq(ls_metadata(ls, &ml), "{\"resourceVersion\":\"42\",\"continue\":\"tok]en{\"}");
    ck_assert_int_eq(ls_feed(ls, list_body + head, total - head, &err), 0);
    ck_assert_int_eq(s.n, 2);
    ls_reset(ls);
    ck_assert(!ls_metadata_done(ls));
    /* an item's own "metadata" is not the list's */
    const char *nometa = "{\"items\":[{\"metadata\":{\"name\":\"c\"}}]";
    ck_assert_int_eq(ls_feed(ls, nometa, strlen(nometa), &err), 0);
    ck_assert(!ls_metadata_done(ls));
    ls_free(ls);
}
END_TEST

START_TEST(watch_values_and_errors)
{
    const char *body = "{\"type\":\"ADDED\",\"object\":{\"a\":1}}\n"
                       "{\"type\":\"BOOKMARK\",\"object\":{\"b\":\"\\n\"}}\n";
    seen s = {0};
    mp_err err = {""};
    liststream *ls = ls_new(LS_VALUES, 0, on_item, &s);
    ck_assert_int_eq(ls_feed(ls, body, strlen(body), &err), 0);
    ck_assert_int_eq(ls_finish(ls, &err), 0);
    ck_assert_int_eq(s.n, 2);
    ck_assert_str_eq(s.items[1], "{\"type\":\"BOOKMARK\",\"object\":{\"b\":\"\\n\"}}");
    /* a stream cut in the middle of an event is incomplete */
    ls_reset(ls);
    ck_assert_int_eq(ls_feed(ls, "{\"type\":\"ADD", 12, &err), 0);
    ck_assert_int_eq(ls_finish(ls, &err), -1);
    ck_assert_str_eq(err.msg, "truncated JSON answer");
    /* unbalanced brackets */
    ls_reset(ls);
    ck_assert_int_eq(ls_feed(ls, "}", 1, &err), -1);
    ls_free(ls);
    /* the callback can stop the stream */
    seen st = {.stop_at = 1};
    ls = ls_new(LS_LIST_ITEMS, 0, on_item, &st);
    ck_assert_int_eq(ls_feed(ls, list_body, strlen(list_body), &err), -1);
    ck_assert_int_eq(st.n, 1);
    ls_free(ls);
}
END_TEST

START_TEST(oversized_item_refused)
{
    seen s = {0};
    mp_err err = {""};
    liststream *ls = ls_new(LS_LIST_ITEMS, 64, on_item, &s);
    strbuf sb;
    strbuf_init(&sb);
    strbuf_puts(&sb, "{\"items\":[{\"x\":\"");
    for (int i = 0; i < 100; i++)
        strbuf_putc(&sb, 'a');
    strbuf_puts(&sb, "\"}]}");
    ck_assert_int_eq(ls_feed(ls, sb.buf, sb.len, &err), -1);
    ck_assert_msg(strstr(err.msg, "larger than 64 bytes") != NULL, "%s", err.msg);
    strbuf_free(&sb);
    ls_free(ls);
}
END_TEST

/* ls_set_direct: the hook takes an item where it lies whole in the chunk
 * (here: records its bytes, found by json_reindent), the splitter the
 * others; for every chunking the items, their order, the metadata and the
 * count are the same as without the hook, and the hook saw only whole
 * items. 0 from the hook leaves the item to the callback, -1 stops. */
typedef struct {
    seen *s;
    int took, stop_at;
} direct_ctx;

static long take_direct(const char *data, size_t avail, void *ud)
{
    direct_ctx *d = ud;
    jr_opts o = {0};
    jr_info in;
    strbuf out;
    strbuf_init(&out);
    size_t used;
    int rc = json_reindent(data, avail, &o, &out, &in, &used);
    strbuf_free(&out);
    if (rc != JR_DONE)
        return 0;
    if (d->stop_at && d->s->n + 1 == d->stop_at)
        return -1;
    ck_assert_uint_lt(used, 256);
    memcpy(d->s->items[d->s->n], data, used);
    d->s->items[d->s->n++][used] = 0;
    d->took++;
    return (long)used;
}

static int on_item_d(const char *json, size_t len, void *ud)
{
    return on_item(json, len, ((direct_ctx *)ud)->s);
}

START_TEST(direct_items_any_chunking)
{
    size_t total = strlen(list_body);
    int took = 0;
    for (size_t chunk = 1; chunk <= total; chunk++) {
        seen s = {0};
        direct_ctx d = {.s = &s};
        mp_err err = {""};
        liststream *ls = ls_new(LS_LIST_ITEMS, 0, on_item_d, &d);
        ls_set_direct(ls, take_direct);
        for (size_t off = 0; off < total; off += chunk) {
            size_t n = total - off < chunk ? total - off : chunk;
            ck_assert_msg(ls_feed(ls, list_body + off, n, &err) == 0, "%s", err.msg);
        }
        ck_assert_int_eq(ls_finish(ls, &err), 0);
        ck_assert_int_eq(s.n, 2);
        ck_assert_str_eq(s.items[0], "{\"metadata\":{\"name\":\"a\",\"annotations\":{\"x\":\"}]"
                                     "\\\"{[\"}}}");
        ck_assert_str_eq(s.items[1],
                         "{\"metadata\":{\"name\":\"b\"},\"spec\":{\"rules\":[{\"host\":\"h\"}]}}");
        size_t ml;
        ck_assert_str_eq(ls_metadata(ls, &ml),
                         "{\"resourceVersion\":\"42\",\"continue\":\"tok]en{\"}");
        ck_assert_uint_eq(ls_count(ls), 2);
        if (chunk == total) /* all at once: both taken where they lie */
            ck_assert_int_eq(d.took, 2);
        took += d.took;
        ls_free(ls);
    }
    ck_assert_int_gt(took, 2);
    /* the hook stops the stream at the second item */
    seen s = {0};
    direct_ctx d = {.s = &s, .stop_at = 2};
    mp_err err = {""};
    liststream *ls = ls_new(LS_LIST_ITEMS, 0, on_item_d, &d);
    ls_set_direct(ls, take_direct);
    ck_assert_int_eq(ls_feed(ls, list_body, total, &err), -1);
    ck_assert_int_eq(s.n, 1);
    ls_free(ls);
}
END_TEST

/* An item longer than max_item is never offered whole: the splitter's
 * error, as without the hook. */
START_TEST(direct_respects_max_item)
{
    seen s = {0};
    direct_ctx d = {.s = &s};
    mp_err err = {""};
    liststream *ls = ls_new(LS_LIST_ITEMS, 64, on_item_d, &d);
    ls_set_direct(ls, take_direct);
    strbuf sb;
    strbuf_init(&sb);
    strbuf_puts(&sb, "{\"items\":[{\"x\":\"");
    for (int i = 0; i < 100; i++)
        strbuf_putc(&sb, 'a');
    strbuf_puts(&sb, "\"}]}");
    ck_assert_int_eq(ls_feed(ls, sb.buf, sb.len, &err), -1);
    ck_assert_msg(strstr(err.msg, "larger than 64 bytes") != NULL, "%s", err.msg);
    ck_assert_int_eq(d.took, 0);
    strbuf_free(&sb);
    ls_free(ls);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("liststream");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, list_items_any_chunking);
    tcase_add_test(tc, metadata_done_before_items);
    tcase_add_test(tc, watch_values_and_errors);
    tcase_add_test(tc, oversized_item_refused);
    tcase_add_test(tc, direct_items_any_chunking);
    tcase_add_test(tc, direct_respects_max_item);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
