/*
 * migrate_probe.c - verify's optional live probe (issue 9): every request
 * the routing check probed, sent with its Host header to the gateway and
 * to ingress-nginx (mig_opts.probe_gateway, probe_nginx); answers that
 * differ in status or Location are findings, like a routing mismatch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/migrate_int.h"
#include "api/probe.h"
#include "model/sanitize.h"
#include "model/verify.h"

static void line(strbuf *sb, const char *host, const char *path, const char *ng, const char *gw)
{
    strbuf l;
    strbuf_init(&l);
    strbuf_printf(&l, "live probe: %s%s  nginx: %s  gateway: %s", host, path, ng, gw);
    char *text = strbuf_detach(&l, NULL), *clean = text ? san_cleans(text, 0) : NULL;
    strbuf_printf(sb, "  %s\n", clean ? clean : "?");
    free(text);
    free(clean);
}

size_t mig_probe_tenant(mig_session *s, const verify_report *r, strbuf *sb)
{
    const char *gw = s->o.probe_gateway, *ng = s->o.probe_nginx;
    if (!gw || !ng)
        return 0;
    size_t bad = 0;
    char host[256], path[1024];
    for (size_t i = 0; verify_request_at(r, i, host, sizeof host, path, sizeof path); i++) {
        probe_answer a, b;
        mp_err ea, eb;
        char ta[600], tb[600];
        int ra = probe_get(ng, host, path, s->o.probe_timeout_ms, &a, &ea);
        int rb = probe_get(gw, host, path, s->o.probe_timeout_ms, &b, &eb);
        probe_text(&a, ta, sizeof ta);
        probe_text(&b, tb, sizeof tb);
        if (ra == 0 && rb == 0 && a.status == b.status && !strcmp(a.location, b.location))
            continue;
        bad++;
        line(sb, host, path, ra ? ea.msg : ta, rb ? eb.msg : tb);
    }
    return bad;
}
