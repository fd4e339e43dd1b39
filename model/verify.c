/*
 * verify.c - routing equivalence (see verify.h): the requests probed, and
 * when an nginx answer and an Istio answer count as the same.
 *
 * Probes, per host of the Ingresses (a wildcard host `*.d` is asked as
 * `meshpanel-verify.d`), for every path P written for it: P; P without or
 * with a trailing '/'; P + "x" (a segment boundary); P + "/deeper/x"; on a
 * regex host P in upper case and, when P is a regex, a path it matches;
 * then "/" and "/meshpanel-verify-nothing-here". Each distinct request once.
 *
 * Same answer: same kind and, for a service, the same Service, port and
 * rewritten path (a port name no Service resolves equals a destination
 * without port); for a redirect the same code and Location; for a status
 * the same status. Where nginx restricts access to the location (IP
 * lists, auth, client certificates, access directives in snippets), Istio
 * may answer 403 or 503 (the converter's fail-closed routes), or reach the
 * same Service when an AuthorizationPolicy names the host (client
 * certificates: when the host's HTTPS server is MUTUAL); policies are not
 * evaluated. Where a canary shares nginx's location, any destination of
 * the Istio route may be nginx's main backend. An answer a simulator
 * cannot decide ("unverifiable") is always reported.
 *
 * Scheme is ignored: nginx's ssl-redirect and force-ssl-redirect are not
 * simulated, and Istio is asked through its HTTPS servers when one lists
 * the host, else through the HTTP ones (docs/verify.md lists this and the
 * other approximations).
 */
#include "model/verify.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/hmap.h"
#include "model/verify_int.h"

#define NOTHING_HERE  "/meshpanel-verify-nothing-here"
#define WILDCARD_NAME "meshpanel-verify"

struct verify_report {
    size_t nhosts, nrequests;
    verify_mismatch *m;
    size_t n, cap;
    char **req; /* "host\x1fpath" of every request probed, in order */
    size_t nreq, capreq;
};

/* ---- shared helpers ----------------------------------------------------- */

void v_copy(char *dst, size_t n, const char *src)
{
    if (!n)
        return;
    size_t l = strlen(src);
    if (l >= n)
        l = n - 1;
    memcpy(dst, src, l);
    dst[l] = 0;
}

bool v_host_covers(const char *pattern, const char *host)
{
    if (!strcmp(pattern, "*"))
        return true;
    if (pattern[0] == '*' && pattern[1] == '.') {
        size_t lp = strlen(pattern) - 1, lh = strlen(host);
        return lh > lp && !strcasecmp(host + lh - lp, pattern + 1);
    }
    return !strcasecmp(pattern, host);
}

void va_init(va_answer *a)
{
    memset(a, 0, sizeof *a);
    a->kind = VA_404;
}

static size_t put(char *buf, size_t n, size_t at, const char *fmt, const char *a, long b)
{
    if (at >= n)
        return at;
    int k = snprintf(buf + at, n - at, fmt, a, b);
    return k < 0 ? at : at + (size_t)k;
}

void va_text(const va_answer *a, bool nginx, char *buf, size_t n)
{
    size_t at = 0;
    buf[0] = 0;
    switch (a->kind) {
    case VA_404:
        at = put(buf, n, at, "404%s", "", 0);
        if (!nginx && a->target[0])
            at = put(buf, n, at, " (%s)", a->target, 0);
        break;
    case VA_REDIRECT:
        snprintf(buf, n, "redirect %d %s", a->code, a->target);
        break;
    case VA_STATUS:
        snprintf(buf, n, "status %d", a->code);
        break;
    case VA_UNKNOWN:
        snprintf(buf, n, "unverifiable: %s", a->target);
        break;
    case VA_SERVICE:
        at = put(buf, n, at, "service %s", a->svc, 0);
        if (a->port[0])
            at = put(buf, n, at, ":%s", a->port, 0);
        if (a->rewrite[0])
            at = put(buf, n, at, " rewrite %s", a->rewrite, 0);
        if (a->restricted[0])
            at = put(buf, n, at, " (access restricted by %s)", a->restricted, 0);
        if (a->canary[0])
            at = put(buf, n, at, " (canary %s shares it)", a->canary, 0);
        for (size_t i = 0; a->ndest > 1 && i < a->ndest; i++)
            at = put(buf, n, at, i ? ", %s %ld" : " (weights %s %ld", a->dest[i], a->weight[i]);
        if (a->ndest > 1)
            put(buf, n, at, ")%s", "", 0);
        break;
    }
}

/* ---- comparison --------------------------------------------------------- */

/* Is Istio's destination text d ("ns/name[:port]") nginx's backend? */
static bool same_backend(const va_answer *ng, const char *d)
{
    char want[400];
    snprintf(want, sizeof want, "%s:%s", ng->svc, ng->port);
    return !strcmp(d, want) || (ng->port_named && !strcmp(d, ng->svc));
}

static bool same_service(const va_answer *ng, const va_answer *is)
{
    if (strcmp(ng->rewrite, is->rewrite))
        return false;
    if (!ng->canary[0])
        return is->ndest > 0 && same_backend(ng, is->dest[0]);
    for (size_t i = 0; i < is->ndest; i++)
        if (same_backend(ng, is->dest[i]))
            return true;
    return false;
}

static bool equivalent(const va_answer *ng, const va_answer *is, bool policy)
{
    if (ng->kind == VA_UNKNOWN || is->kind == VA_UNKNOWN)
        return false;
    if (ng->kind == VA_SERVICE && ng->restricted[0]) {
        if (is->kind == VA_STATUS && (is->code == 403 || is->code == 503))
            return true;
        return is->kind == VA_SERVICE && same_service(ng, is) &&
               (policy || (ng->cert_only && is->mutual));
    }
    if (ng->kind != is->kind)
        return false;
    switch (ng->kind) {
    case VA_SERVICE:
        return same_service(ng, is);
    case VA_REDIRECT:
        return ng->code == is->code && !strcmp(ng->target, is->target);
    case VA_STATUS:
        return ng->code == is->code;
    default:
        return true;
    }
}

/* ---- the report --------------------------------------------------------- */

static int add_mismatch(verify_report *r, const char *host, const char *path, const va_answer *ng,
                        const va_answer *is)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 8;
        verify_mismatch *nm = realloc(r->m, cap * sizeof *nm);
        if (!nm)
            return -1;
        r->m = nm;
        r->cap = cap;
    }
    verify_mismatch *m = &r->m[r->n++];
    v_copy(m->host, sizeof m->host, host);
    v_copy(m->path, sizeof m->path, path);
    va_text(ng, true, m->nginx, sizeof m->nginx);
    va_text(is, false, m->istio, sizeof m->istio);
    v_copy(m->ingress, sizeof m->ingress, ng->ingress);
    return 0;
}

static int add_request(verify_report *r, const char *host, const char *path)
{
    if (r->nreq == r->capreq) {
        size_t cap = r->capreq ? 2 * r->capreq : 16;
        char **v = realloc(r->req, cap * sizeof *v);
        if (!v)
            return -1;
        r->req = v;
        r->capreq = cap;
    }
    size_t hl = strlen(host), pl = strlen(path);
    char *x = malloc(hl + pl + 2);
    if (!x)
        return -1;
    memcpy(x, host, hl);
    x[hl] = '\x1f';
    memcpy(x + hl + 1, path, pl + 1);
    r->req[r->nreq++] = x;
    return 0;
}

typedef struct {
    verify_report *r;
    const ng_world *ng;
    const is_world *iw;
    const is_vhost *vh;
    vre_cache *rc;
    const char *host;
    bool policy;
    hmap seen;
} probe_ctx;

static int probe(probe_ctx *c, const char *path)
{
    if (!path[0] || strlen(path) >= VA_PATH || hmap_get(&c->seen, path) >= 0)
        return 0;
    if (hmap_put(&c->seen, path, 0) < 0)
        return -1;
    if (add_request(c->r, c->host, path) < 0)
        return -1;
    va_answer ng, is;
    ng_answer(c->ng, c->rc, c->host, path, &ng);
    is_answer(c->vh, c->rc, path, &is);
    c->r->nrequests++;
    if (equivalent(&ng, &is, c->policy))
        return 0;
    return add_mismatch(c->r, c->host, path, &ng, &is);
}

/* The requests of one written path (see the header comment). */
static int probe_path(probe_ctx *c, const char *p, bool regex)
{
    char buf[VA_PATH + 16];
    size_t n = strlen(p);
    if (n + 16 > sizeof buf)
        return probe(c, p);
    bool slash = n > 1 && p[n - 1] == '/';
    int rc = probe(c, p);
    snprintf(buf, sizeof buf, slash ? "%.*s" : "%.*s/", (int)(slash ? n - 1 : n), p);
    if (strcmp(p, "/"))
        rc |= probe(c, buf);
    snprintf(buf, sizeof buf, "%sx", p);
    rc |= probe(c, buf);
    snprintf(buf, sizeof buf, "%s%sdeeper/x", p, p[n - 1] == '/' ? "" : "/");
    rc |= probe(c, buf);
    if (regex) {
        for (size_t i = 0; i <= n; i++)
            buf[i] = (char)toupper((unsigned char)p[i]);
        rc |= probe(c, buf);
        if (vre_sample(p, buf, sizeof buf))
            rc |= probe(c, buf);
    }
    return rc;
}

static int probe_host(probe_ctx *c, size_t h)
{
    const char *name = ng_host(c->ng, h);
    char host[300];
    if (name[0] == '*')
        snprintf(host, sizeof host, "%s%s", WILDCARD_NAME, name + 1);
    else
        v_copy(host, sizeof host, name);
    is_vhost *vh = is_vhost_new(c->iw, host);
    if (!vh)
        return -1;
    c->vh = vh;
    c->host = host;
    c->policy = is_policy_names_host(c->iw, host);
    hmap_free(&c->seen);
    int rc = 0;
    for (size_t j = 0; j < ng_host_npaths(c->ng, h); j++)
        rc |= probe_path(c, ng_host_path(c->ng, h, j), ng_host_regex(c->ng, h));
    rc |= probe(c, "/");
    rc |= probe(c, NOTHING_HERE);
    is_vhost_free(vh);
    c->r->nhosts++;
    return rc;
}

verify_report *verify_routing(doc_node *const *ingresses, size_t ni, doc_node *const *istio,
                              size_t nistio, mp_err *err)
{
    verify_report *r = calloc(1, sizeof *r);
    vre_cache *rc = vre_new();
    ng_world *ng = r && rc ? ng_build(ingresses, ni, err) : NULL;
    is_world *iw = ng ? is_build(istio, nistio, err) : NULL;
    if (!r || !rc) {
        mp_errf(err, "out of memory");
    } else if (ng && iw) {
        probe_ctx c = {.r = r, .ng = ng, .iw = iw, .rc = rc};
        int bad = 0;
        for (size_t h = 0; !bad && h < ng_nhosts(ng); h++)
            bad = probe_host(&c, h);
        hmap_free(&c.seen);
        if (bad || vre_oom(rc)) {
            mp_errf(err, "out of memory");
            verify_report_free(r);
            r = NULL;
        }
    }
    if (r && (!ng || !iw)) {
        verify_report_free(r);
        r = NULL;
    }
    is_free(iw);
    ng_free(ng);
    vre_free(rc);
    return r;
}

void verify_report_free(verify_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nreq; i++)
        free(r->req[i]);
    free(r->req);
    free(r->m);
    free(r);
}

bool verify_request_at(const verify_report *r, size_t i, char *host, size_t hn, char *path,
                       size_t pn)
{
    if (i >= r->nreq)
        return false;
    const char *sep = strchr(r->req[i], '\x1f');
    snprintf(host, hn, "%.*s", (int)(sep - r->req[i]), r->req[i]);
    snprintf(path, pn, "%s", sep + 1);
    return true;
}

size_t verify_nhosts(const verify_report *r)
{
    return r->nhosts;
}

size_t verify_nrequests(const verify_report *r)
{
    return r->nrequests;
}

size_t verify_nmismatches(const verify_report *r)
{
    return r->n;
}

const verify_mismatch *verify_mismatch_at(const verify_report *r, size_t i)
{
    return i < r->n ? &r->m[i] : NULL;
}
