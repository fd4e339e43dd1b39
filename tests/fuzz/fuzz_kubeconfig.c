/* fuzz_kubeconfig.c - kubeconfig load and the multi-file merge. The input
 * is two files split at the first NUL, loaded as KUBECONFIG=a:b. Properties
 * of an accepted config: the server is an http(s) URL; over http:// no
 * credential is kept and the warning says so in one line; a token never
 * holds a control character (it goes into a header). Refused configs name
 * a kubeconfig in one line. Plugins are never run by loading. */
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "api/kubeconfig.h"

static const char *dir(void)
{
    static char d[64];
    if (!d[0]) {
        snprintf(d, sizeof d, "/tmp/mp-fuzz-kc-%d", (int)getpid());
        mkdir(d, 0700);
        char env[200];
        snprintf(env, sizeof env, "%s/a.yaml:%s/b.yaml", d, d);
        setenv("KUBECONFIG", env, 1);
        setenv("HOME", d, 1);
        unsetenv("KUBERNETES_SERVICE_HOST");
    }
    return d;
}

static void put(const char *name, const uint8_t *p, size_t n)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir(), name);
    FILE *f = fopen(path, "wb");
    FUZZ_ASSERT(f, "%s", path);
    fwrite(p, 1, n, f);
    fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t na = nul ? (size_t)(nul - data) : size;
    put("a.yaml", data, na);
    put("b.yaml", nul ? nul + 1 : data, nul ? size - na - 1 : 0);
    char sa[128];
    snprintf(sa, sizeof sa, "%s/no-service-account", dir());
    mp_err err;
    kube_conn *c = kube_conn_load(&(kc_options){.sa_dir = sa}, &err);
    if (!c) {
        FUZZ_ASSERT(err.msg[0] && !strchr(err.msg, '\n'), "%s", err.msg);
        return 0;
    }
    FUZZ_ASSERT(c->server &&
                    (!strncmp(c->server, "https://", 8) || !strncmp(c->server, "http://", 7)),
                "server %s", c->server ? c->server : "(null)");
    if (!strncmp(c->server, "http://", 7))
        FUZZ_ASSERT(!c->token && !c->password && !c->exec && !c->key, "credentials over http");
    if (c->warning)
        FUZZ_ASSERT(!strchr(c->warning, '\n'), "%s", c->warning);
    for (const char *t = c->token; t && *t; t++)
        FUZZ_ASSERT((unsigned char)*t >= 0x20 && *t != 0x7f, "control in the token");
    kube_conn_free(c);
    return 0;
}
