/* fuzz_exec_cred.c - what an exec credential plugin prints. Accepted
 * output gives a token without control characters (it goes into a header)
 * or a certificate with its key; refused output caches nothing and the
 * error names the user without echoing the output. */
#include "fuzz.h"
#include "api/exec_cred.h"
#include "model/parse.h"

static exec_cred *plugin(void)
{
    static exec_cred *ec;
    if (ec)
        return ec;
    doc_list l;
    doc_list_init(&l);
    mp_err err;
    const char *y = "{apiVersion: client.authentication.k8s.io/v1, command: /bin/true}";
    FUZZ_ASSERT(doc_parse_yaml(y, strlen(y), "exec", &l, &err) == 0, "%s", err.msg);
    ec = exec_cred_from_doc(l.docs[0], "/", "user \"fuzz\"", &err);
    FUZZ_ASSERT(ec, "%s", err.msg);
    doc_list_free(&l);
    return ec;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    exec_cred *ec = plugin();
    exec_result r;
    mp_err err;
    if (exec_cred_parse_output(ec, (const char *)data, size, &r, &err) == 0) {
        if (r.token)
            for (const char *t = r.token; *t; t++)
                FUZZ_ASSERT((unsigned char)*t >= 0x20 && *t != 0x7f, "control in the token");
        else
            FUZZ_ASSERT(r.cert && r.cert_len && r.key && r.key_len, "neither token nor cert+key");
    } else {
        FUZZ_ASSERT(!strncmp(err.msg, "user \"fuzz\": exec plugin", 24), "%s", err.msg);
        FUZZ_ASSERT(!strchr(err.msg, '\n'), "%s", err.msg);
    }
    return 0;
}
