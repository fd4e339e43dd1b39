/*
 * migbackup.c - the backup annotation: JSON, gzip, base64 (see migbackup.h).
 */
#include "model/migbackup.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "model/base64.h"
#include "model/emit.h"
#include "model/kobj.h"
#include "model/migstate.h"

/* gzip with zlib's default header (mtime 0): the same Ingresses always
 * give the same value, so re-applying an unchanged VirtualService changes
 * nothing. */
static unsigned char *gzip_buf(const char *in, size_t len, size_t *out_len)
{
    z_stream z = {0};
    if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    uLong cap = deflateBound(&z, (uLong)len);
    unsigned char *out = malloc(cap ? cap : 1);
    if (!out) {
        deflateEnd(&z);
        return NULL;
    }
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    *out_len = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(out);
        return NULL;
    }
    return out;
}

static char *gunzip_buf(const unsigned char *in, size_t len, size_t *out_len, mp_err *err)
{
    z_stream z = {0};
    if (inflateInit2(&z, 15 + 16) != Z_OK) {
        mp_errf(err, "out of memory");
        return NULL;
    }
    size_t cap = len * 4 + 1024, n = 0;
    char *out = NULL;
    int rc = Z_OK;
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)len;
    while (rc == Z_OK) {
        if (n + 1 >= cap || !out) {
            if (out)
                cap *= 2;
            char *o = cap <= MIG_BACKUP_INFLATE_MAX + 1 ? realloc(out, cap) : NULL;
            if (!o) {
                rc = Z_MEM_ERROR;
                break;
            }
            out = o;
        }
        z.next_out = (Bytef *)out + n;
        z.avail_out = (uInt)(cap - n - 1);
        rc = inflate(&z, Z_NO_FLUSH);
        n = z.total_out;
        if (rc == Z_BUF_ERROR && z.avail_out)
            break; /* truncated input: no progress possible */
        if (rc == Z_BUF_ERROR)
            rc = Z_OK;
    }
    inflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(out);
        if (rc == Z_MEM_ERROR)
            mp_errf(err, "inflates to more than %u bytes, or out of memory",
                    MIG_BACKUP_INFLATE_MAX);
        else
            mp_errf(err, "not gzip data (%s)", z.msg ? z.msg : "truncated");
        return NULL;
    }
    out[n] = 0;
    *out_len = n;
    return out;
}

/* The Ingress as the backup keeps it: without what every write changes
 * (resourceVersion, generation, managedFields) or nobody restores
 * (status), so the value stays the same while the Ingress does. */
static doc_node *trimmed(const doc_node *ing)
{
    doc_node *c = doc_clone(ing);
    doc_node *meta = c ? doc_get(c, "metadata") : NULL;
    if (meta) {
        doc_map_del(meta, "managedFields");
        doc_map_del(meta, "resourceVersion");
        doc_map_del(meta, "generation");
    }
    doc_map_del(c, "status");
    return c;
}

static bool is_ingress(const doc_node *o)
{
    const char *k = kobj_kind(o);
    return doc_is_map(o) && k && !strcmp(k, "Ingress") && kobj_name(o) && kobj_namespace(o);
}

char *mig_backup_encode(doc_node *const *ingresses, size_t n, mp_err *err)
{
    doc_node **copies = calloc(n ? n : 1, sizeof *copies);
    if (!copies) {
        mp_errf(err, "out of memory");
        return NULL;
    }
    char *json = NULL, *b64 = NULL;
    size_t jlen = 0, i;
    for (i = 0; i < n; i++) {
        if (!is_ingress(ingresses[i])) {
            mp_errf(err, "%s: only Ingresses with a namespace and a name are backed up",
                    MIG_ANN_BACKUP);
            break;
        }
        if (!(copies[i] = trimmed(ingresses[i]))) {
            mp_errf(err, "out of memory");
            break;
        }
    }
    if (i == n && (json = doc_emit_json_array(copies, n, false, &jlen, err))) {
        size_t zlen = 0;
        unsigned char *z = gzip_buf(json, jlen, &zlen);
        if (!z || !(b64 = b64_encode(z, zlen)))
            mp_errf(err, "out of memory");
        free(z);
    }
    for (size_t j = 0; j < n; j++)
        doc_free(copies[j]);
    free(copies);
    free(json);
    return b64;
}

static int decode_items(doc_node *arr, doc_list *out, mp_err *err)
{
    if (!doc_is_seq(arr))
        return mp_errf(err, "%s: not a list of Ingresses", MIG_ANN_BACKUP);
    for (size_t i = 0; i < arr->len; i++)
        if (!is_ingress(arr->items[i]))
            return mp_errf(err, "%s: item %zu is not an Ingress with a namespace and a name",
                           MIG_ANN_BACKUP, i);
    for (size_t i = 0; i < arr->len; i++) {
        if (doc_list_push(out, arr->items[i]) < 0)
            return mp_errf(err, "out of memory");
        arr->items[i] = NULL;
    }
    return 0;
}

int mig_backup_decode(const char *value, doc_list *out, mp_err *err)
{
    size_t zlen = 0, jlen = 0;
    unsigned char *z = value ? b64_decode(value, &zlen) : NULL;
    if (!z)
        return mp_errf(err, "%s: not base64", MIG_ANN_BACKUP);
    mp_err e = {{0}};
    char *json = gunzip_buf(z, zlen, &jlen, &e);
    free(z);
    if (!json)
        return mp_errf(err, "%s: %s", MIG_ANN_BACKUP, e.msg);
    doc_list l;
    doc_list_init(&l);
    int rc = doc_parse_json(json, jlen, MIG_ANN_BACKUP, &l, err);
    free(json);
    if (!rc && l.len != 1)
        rc = mp_errf(err, "%s: not one JSON value", MIG_ANN_BACKUP);
    if (!rc)
        rc = decode_items(l.docs[0], out, err);
    doc_list_free(&l);
    return rc;
}

size_t mig_annotations_size(const doc_node *obj)
{
    const doc_node *a = doc_getv(obj, "metadata", "annotations", NULL);
    size_t n = 0;
    for (size_t i = 0; doc_is_map(a) && i < a->len; i++) {
        const char *v = doc_str(a->items[i]);
        n += strlen(a->keys[i]) + (v ? strlen(v) : 0);
    }
    return n;
}

int mig_backup_fits(const doc_node *obj, mp_err *err)
{
    size_t n = mig_annotations_size(obj);
    if (n <= MIG_ANNOTATIONS_MAX)
        return 0;
    char ref[300];
    return mp_errf(err,
                   "%s: its annotations with the backup of its Ingresses would take %zu bytes, "
                   "over the API server's limit of %u (split the host's Ingresses)",
                   kobj_ref(obj, ref, sizeof ref), n, MIG_ANNOTATIONS_MAX);
}
