/* fuzz_convert.c - the converter, as `meshpanel convert -f` runs it: decode
 * (YAML or JSON), check every Ingress and Service, convert. Properties: the
 * output encodes as YAML, decodes again to the same objects, and every
 * Istio object passes istio_check without an error (what the console
 * applies must be what Istio accepts). */
#include "fuzz.h"
#include "model/convert.h"
#include "model/emit.h"
#include "model/emit_int.h"
#include "model/ingress.h"
#include "model/istio_check.h"
#include "model/kobj.h"
#include "model/parse.h"

static bool inputs_valid(const doc_list *objs)
{
    for (size_t i = 0; i < objs->len; i++) {
        const char *kind = kobj_kind(objs->docs[i]);
        mp_err err;
        int line, rc = 0;
        if (kind && !strcmp(kind, "Ingress")) {
            ing_view v;
            if ((rc = ingress_decode_at(objs->docs[i], "default", &v, &err, &line)) == 0)
                ingress_view_free(&v);
        } else if (kind && !strcmp(kind, "Service")) {
            svc_view v;
            if ((rc = service_decode_at(objs->docs[i], "default", &v, &err, &line)) == 0)
                service_view_free(&v);
        }
        if (rc)
            return false;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    doc_list docs, objs;
    doc_list_init(&docs);
    doc_list_init(&objs);
    mp_err err;
    if (doc_parse_auto((const char *)data, size, "in", &docs, &err) ||
        kobj_flatten(&docs, &objs, "in", &err) || !inputs_valid(&objs)) {
        doc_list_free(&docs);
        doc_list_free(&objs);
        return 0;
    }
    convert_opts o;
    convert_opts_default(&o);
    convert_plan *p = convert_run(objs.docs, objs.len, &o, &err);
    FUZZ_ASSERT(p, "convert: %s", err.msg);
    size_t n = convert_plan_len(p);
    doc_node **out = calloc(n ? n : 1, sizeof *out);
    istio_check_opts co = {.tenant_prefix = "ns-", .gateway_namespace = "istio-system"};
    for (size_t i = 0; i < n; i++) {
        out[i] = (doc_node *)convert_plan_obj(p, i);
        mp_warnings w;
        mp_warnings_init(&w);
        int errors = istio_check(out[i], &co, &w);
        FUZZ_ASSERT(errors == 0, "%s %s: %s: %s", kobj_kind(out[i]), kobj_name(out[i]),
                    w.len ? w.items[0].field : "", w.len ? w.items[0].message : "");
        mp_warnings_free(&w);
    }
    size_t yl;
    char *y = doc_emit_yaml_stream(out, n, &yl, &err);
    FUZZ_ASSERT(y, "emit: %s", err.msg);
    size_t rl; /* the direct encoder writes libyaml's bytes (emit_int.h) */
    char *ref = doc_emit_yaml_libyaml(out, n, &rl, &err);
    FUZZ_ASSERT(ref && rl == yl && !memcmp(ref, y, yl), "direct encoder differs:\n%s\n--\n%s", y,
                ref ? ref : err.msg);
    free(ref);
    doc_list back, backobjs;
    doc_list_init(&back);
    doc_list_init(&backobjs);
    FUZZ_ASSERT(doc_parse_yaml(y, yl, "out", &back, &err) == 0 &&
                    kobj_flatten(&back, &backobjs, "out", &err) == 0,
                "the output does not decode: %s\n%s", err.msg, y);
    FUZZ_ASSERT(backobjs.len == n, "%zu objects, %zu back", n, backobjs.len);
    for (size_t i = 0; i < n; i++)
        FUZZ_ASSERT(doc_equal(out[i], backobjs.docs[i], false), "object %zu changed:\n%s", i, y);
    doc_list_free(&back);
    doc_list_free(&backobjs);
    free(y);
    free(out);
    convert_plan_free(p);
    doc_list_free(&docs);
    doc_list_free(&objs);
    return 0;
}
