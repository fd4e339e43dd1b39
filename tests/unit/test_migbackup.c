/* test_migbackup.c - the backup a generated VirtualService carries
 * (meshpanel.io/backup): round trip, determinism, the 256 KiB limit of an
 * object's annotations, hostile values. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "model/base64.h"
#include "model/kobj.h"
#include "model/migbackup.h"
#include "model/migstate.h"
#include "tests/unit/doc_helpers.h"

#define ING(name)                                                                                  \
    "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: " name "\n"               \
    "  namespace: ns-a\n  uid: 1234\n  resourceVersion: '77'\n  generation: 3\n"                   \
    "  managedFields: [{manager: kubectl}]\n  labels: {app: " name "}\n"                           \
    "  annotations:\n    kubernetes.io/ingress.class: nginx\n"                                     \
    "    nginx.ingress.kubernetes.io/server-snippet: |\n      client_header_buffer_size 64k;\n"    \
    "spec:\n  tls: [{hosts: [a.example.com], secretName: s}]\n  rules:\n"                          \
    "  - host: a.example.com\n    http:\n      paths:\n      - {path: /, pathType: Prefix, "       \
    "backend: {service: {name: web, port: {number: 80}}}}\nstatus: {loadBalancer: {}}\n"

START_TEST(ingresses_round_trip_without_what_every_write_changes)
{
    doc_node *in[2] = {parse1(ING("web")), parse1(ING("api"))};
    mp_err err;
    char *v = mig_backup_encode(in, 2, &err);
    ck_assert_msg(v != NULL, "%s", err.msg);
    doc_list out;
    doc_list_init(&out);
    ck_assert_int_eq(mig_backup_decode(v, &out, &err), 0);
    ck_assert_uint_eq(out.len, 2);
    for (size_t i = 0; i < 2; i++) {
        const doc_node *o = out.docs[i];
        ck_assert_str_eq(kobj_name(o), kobj_name(in[i]));
        ck_assert(doc_equal(doc_get(o, "spec"), doc_get(in[i], "spec"), true));
        ck_assert(doc_equal(doc_getv(o, "metadata", "annotations", NULL),
                            doc_getv(in[i], "metadata", "annotations", NULL), true));
        ck_assert(doc_equal(doc_getv(o, "metadata", "labels", NULL),
                            doc_getv(in[i], "metadata", "labels", NULL), true));
        ck_assert_str_eq(kobj_uid(o), "1234");
        ck_assert_ptr_null(kobj_resource_version(o));
        ck_assert_ptr_null(doc_getv(o, "metadata", "managedFields", NULL));
        ck_assert_ptr_null(doc_getv(o, "metadata", "generation", NULL));
        ck_assert_ptr_null(doc_get(o, "status"));
    }
    /* the same Ingresses always give the same value, whatever their
     * resourceVersion: re-applying changes nothing */
    doc_map_set_str(doc_get(in[0], "metadata"), "resourceVersion", "78");
    char *again = mig_backup_encode(in, 2, &err);
    ck_assert_str_eq(again, v);
    /* compressed: well under the JSON */
    ck_assert_uint_lt(strlen(v), 1000);
    free(v);
    free(again);
    doc_list_free(&out);
    doc_free(in[0]);
    doc_free(in[1]);
}
END_TEST

START_TEST(only_ingresses_are_backed_up)
{
    doc_node *svc = parse1("apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: a}\n");
    mp_err err;
    ck_assert_ptr_null(mig_backup_encode(&svc, 1, &err));
    ck_assert_ptr_nonnull(strstr(err.msg, "only Ingresses"));
    doc_free(svc);
}
END_TEST

static char *gz_b64(const char *text)
{
    z_stream z = {0};
    ck_assert_int_eq(deflateInit2(&z, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&z, strlen(text));
    unsigned char *buf = malloc(cap);
    z.next_in = (Bytef *)text;
    z.avail_in = (uInt)strlen(text);
    z.next_out = buf;
    z.avail_out = (uInt)cap;
    ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
    char *s = b64_encode(buf, z.total_out);
    deflateEnd(&z);
    free(buf);
    return s;
}

START_TEST(hostile_values_are_refused)
{
    doc_list out;
    doc_list_init(&out);
    mp_err err;
    ck_assert_int_eq(mig_backup_decode("!!!not base64", &out, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "meshpanel.io/backup: not base64"));
    ck_assert_int_eq(mig_backup_decode("aGVsbG8=", &out, &err), -1); /* "hello" */
    ck_assert_ptr_nonnull(strstr(err.msg, "not gzip"));
    char *v = gz_b64("{\"kind\":\"Ingress\"}");
    ck_assert_int_eq(mig_backup_decode(v, &out, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "not a list"));
    free(v);
    v = gz_b64("[{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"x\","
               "\"namespace\":\"a\"}}]");
    ck_assert_int_eq(mig_backup_decode(v, &out, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "item 0 is not an Ingress"));
    free(v);
    /* a bomb: 17 MiB of spaces inflates past the cap */
    size_t big = MIG_BACKUP_INFLATE_MAX + (1u << 20);
    char *sp = malloc(big + 1);
    memset(sp, ' ', big);
    sp[big] = 0;
    v = gz_b64(sp);
    free(sp);
    ck_assert_uint_lt(strlen(v), 100000);
    ck_assert_int_eq(mig_backup_decode(v, &out, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "inflates to more than"));
    free(v);
    /* truncated */
    v = gz_b64("[]");
    v[strlen(v) / 2] = 0;
    ck_assert_int_eq(mig_backup_decode(v, &out, &err), -1);
    free(v);
    ck_assert_uint_eq(out.len, 0);
    doc_list_free(&out);
}
END_TEST

START_TEST(annotations_over_256_kib_are_refused_naming_the_object)
{
    doc_node *vs = parse1("apiVersion: networking.istio.io/v1\nkind: VirtualService\n"
                          "metadata: {name: web, namespace: ns-a}\n");
    mp_err err;
    size_t n = MIG_ANNOTATIONS_MAX - strlen(MIG_ANN_BACKUP);
    char *val = malloc(n + 2);
    memset(val, 'A', n + 1);
    val[n] = 0;
    kobj_set_annotation(vs, MIG_ANN_BACKUP, val);
    ck_assert_uint_eq(mig_annotations_size(vs), MIG_ANNOTATIONS_MAX);
    ck_assert_int_eq(mig_backup_fits(vs, &err), 0); /* exactly at the limit */
    val[n] = 'A';
    val[n + 1] = 0;
    kobj_set_annotation(vs, MIG_ANN_BACKUP, val);
    ck_assert_int_eq(mig_backup_fits(vs, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "virtualservice ns-a/web"));
    ck_assert_ptr_nonnull(strstr(err.msg, "262145 bytes"));
    ck_assert_ptr_nonnull(strstr(err.msg, "limit of 262144"));
    free(val);
    doc_free(vs);
}
END_TEST

START_TEST(a_realistic_host_fits_many_ingresses)
{
    /* 200 Ingresses of one host in one annotation: still far from the limit */
    doc_node *in[200];
    for (int i = 0; i < 200; i++) {
        char buf[2048];
        char name[16];
        snprintf(name, sizeof name, "app-%03d", i);
        snprintf(buf, sizeof buf, ING("%s"), name, name);
        in[i] = parse1(buf);
    }
    mp_err err;
    char *v = mig_backup_encode(in, 200, &err);
    ck_assert_uint_lt(strlen(v), MIG_ANNOTATIONS_MAX / 8);
    free(v);
    for (int i = 0; i < 200; i++)
        doc_free(in[i]);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("migbackup");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, ingresses_round_trip_without_what_every_write_changes);
    tcase_add_test(tc, only_ingresses_are_backed_up);
    tcase_add_test(tc, hostile_values_are_refused);
    tcase_add_test(tc, annotations_over_256_kib_are_refused_naming_the_object);
    tcase_add_test(tc, a_realistic_host_fits_many_ingresses);
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
