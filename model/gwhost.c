/*
 * gwhost.c - Gateway server hosts against VirtualService hosts (gwhost.h).
 */
#include "model/gwhost.h"

#include <string.h>

#include "model/docpath.h"

bool gw_server_host_takes(const char *sh, const char *host, const char *vs_ns)
{
    const char *slash = strchr(sh, '/');
    if (slash) {
        size_t nl = (size_t)(slash - sh);
        bool ns_ok = (nl == 1 && (sh[0] == '*' || sh[0] == '.')) ||
                     (vs_ns && strlen(vs_ns) == nl && !strncmp(sh, vs_ns, nl));
        if (!ns_ok)
            return false;
        sh = slash + 1;
    }
    if (!strcmp(sh, "*") || !strcmp(sh, host))
        return true;
    if (sh[0] == '*' && sh[1] == '.') {
        size_t hl = strlen(host), sl = strlen(sh + 1);
        return hl > sl && !strcmp(host + hl - sl, sh + 1);
    }
    return false;
}

bool gw_takes_host(const doc_node *gw, const char *host, const char *vs_ns)
{
    const doc_node *ss = docpath_get(gw, "spec.servers");
    for (size_t i = 0; doc_is_seq(ss) && i < ss->len; i++) {
        const doc_node *hs = doc_get(ss->items[i], "hosts");
        for (size_t k = 0; doc_is_seq(hs) && k < hs->len; k++)
            if (doc_str(hs->items[k]) && gw_server_host_takes(doc_str(hs->items[k]), host, vs_ns))
                return true;
    }
    return false;
}
