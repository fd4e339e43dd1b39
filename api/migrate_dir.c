/*
 * migrate_dir.c - a manifest directory read for the migration (see
 * migrate_dir.h): the Ingress files, their backups and generated files,
 * the conversion, the tenants, verify and the status board.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api/fsutil.h"
#include "api/manifests.h"
#include "api/migrate_dir_int.h"
#include "model/convert.h"
#include "model/emit.h"
#include "model/hmap.h"
#include "model/kobj.h"
#include "model/migwave.h"
#include "model/sanitize.h"
#include "model/sort.h"
#include "model/verify.h"

/* A file of the tree that holds no Ingress (kept to find generated files
 * and the rest of a file cutover took the Ingresses out of). */
typedef struct {
    char *rel, *bytes;
    size_t len;
    bool ours, claimed;
} plain_file;

typedef struct {
    plain_file *v;
    size_t n;
} plain_vec;

static void plain_free(plain_vec *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->v[i].rel), free(p->v[i].bytes);
    free(p->v);
}

char *dir_path(const mig_dir *d, const char *prefix, const char *rel)
{
    size_t n = strlen(d->root) + (prefix ? strlen(prefix) + 1 : 0) + strlen(rel) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s%s%s", d->root, prefix ? prefix : "", prefix ? "/" : "", rel);
    return p;
}

static bool is_ingress(const doc_node *o)
{
    const char *k = kobj_kind(o);
    return k && !strcmp(k, "Ingress");
}

static const char *ns_of(const mig_dir *d, const doc_node *o)
{
    const char *ns = kobj_namespace(o);
    return ns && *ns ? ns : d->o.conv.default_namespace ? d->o.conv.default_namespace : "default";
}

/* Reads and parses one file; rel is what messages name. */
static int read_file(const char *path, const char *rel, char **bytes, size_t *len, doc_list *out,
                     int *mode, mp_err *err)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return mp_errf(err, "%s: %s", rel, strerror(errno));
    *mode = (int)(st.st_mode & 07777);
    if (!(*bytes = fs_read_file(path, len, err)))
        return -1;
    return manifests_parse(*bytes, *len, rel, out, err);
}

static dir_file *add_file(mig_dir *d, const char *rel)
{
    dir_file *v = realloc(d->f, (d->nf + 1) * sizeof *v);
    if (!v)
        return NULL;
    d->f = v;
    dir_file *f = &v[d->nf];
    memset(f, 0, sizeof *f);
    doc_list_init(&f->ings);
    if (!(f->rel = strdup(rel)))
        return NULL;
    d->nf++;
    return f;
}

static dir_file *find_file(mig_dir *d, const char *rel)
{
    for (size_t i = 0; i < d->nf; i++)
        if (!strcmp(d->f[i].rel, rel))
            return &d->f[i];
    return NULL;
}

/* The files of the tree: Ingress files, and the others into p. */
static int read_tree(mig_dir *d, plain_vec *p, mp_err *err)
{
    char **files = NULL;
    size_t n = 0;
    if (manifests_files(d->root, &files, &n, err) < 0)
        return -1;
    int rc = 0;
    size_t skip = strlen(d->root) + 1;
    for (size_t i = 0; i < n && !rc; i++) {
        const char *rel = files[i] + skip;
        char *bytes = NULL;
        size_t len = 0;
        int mode = 0;
        doc_list l;
        doc_list_init(&l);
        rc = read_file(files[i], rel, &bytes, &len, &l, &mode, err);
        bool ing = false, ours = l.len > 0;
        for (size_t j = 0; !rc && j < l.len; j++) {
            ing = ing || is_ingress(l.docs[j]);
            ours = ours && mig_made_by_us(l.docs[j]);
        }
        dir_file *f = NULL;
        if (!rc && ing && !(f = add_file(d, rel)))
            rc = mp_errf(err, "out of memory");
        if (f) {
            f->tree = bytes, f->tree_len = len, f->mode = mode, f->tree_has_ing = true;
            bytes = NULL;
        } else if (!rc) {
            plain_file *v = realloc(p->v, (p->n + 1) * sizeof *v);
            if (!v || !(rel = strdup(rel)))
                rc = mp_errf(err, "out of memory");
            else {
                p->v = v;
                v[p->n++] = (plain_file){(char *)rel, bytes, len, ours, false};
                bytes = NULL;
            }
        }
        for (size_t j = 0; !rc && j < l.len; j++) {
            doc_list *to = is_ingress(l.docs[j]) ? &f->ings : &d->ctx;
            if (doc_list_push(to, doc_list_take(&l, j)) < 0)
                rc = mp_errf(err, "out of memory");
        }
        doc_list_free(&l);
        free(bytes);
    }
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    free(files);
    return rc;
}

/* The backup folder: files cutover moved (their Ingresses as they were). */
static int read_backups(mig_dir *d, plain_vec *p, mp_err *err)
{
    char *bdir = dir_path(d, NULL, MIG_DIR_BACKUP);
    struct stat st;
    if (!bdir)
        return mp_errf(err, "out of memory");
    if (stat(bdir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        free(bdir);
        return 0;
    }
    char **files = NULL;
    size_t n = 0;
    int rc = manifests_files(bdir, &files, &n, err);
    size_t skip = strlen(bdir) + 1;
    for (size_t i = 0; i < n && !rc; i++) {
        const char *rel = files[i] + skip;
        char *bytes = NULL;
        size_t len = 0;
        int mode = 0;
        doc_list l;
        doc_list_init(&l);
        rc = read_file(files[i], rel, &bytes, &len, &l, &mode, err);
        free(bytes);
        dir_file *f = rc ? NULL : find_file(d, rel);
        if (!rc && !f) {
            if (!(f = add_file(d, rel)))
                rc = mp_errf(err, "out of memory");
            for (size_t j = 0; !rc && j < l.len; j++)
                if (is_ingress(l.docs[j]) && doc_list_push(&f->ings, doc_list_take(&l, j)) < 0)
                    rc = mp_errf(err, "out of memory");
            for (size_t j = 0; !rc && f && j < p->n; j++)
                if (!strcmp(p->v[j].rel, rel)) { /* the rest of the file */
                    f->tree = p->v[j].bytes, f->tree_len = p->v[j].len;
                    p->v[j].bytes = NULL, p->v[j].claimed = true;
                }
            if (f)
                f->mode = mode;
        }
        if (f)
            f->backup = true;
        doc_list_free(&l);
    }
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    free(files);
    free(bdir);
    return rc;
}

/* STEM.istio.yaml next to rel, and what it holds now. */
static int link_generated(mig_dir *d, plain_vec *p, mp_err *err)
{
    for (size_t i = 0; i < d->nf; i++) {
        dir_file *f = &d->f[i];
        const char *dot = strrchr(f->rel, '.'), *slash = strrchr(f->rel, '/');
        size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - f->rel) : strlen(f->rel);
        size_t n = stem + sizeof MIG_DIR_GEN_EXT;
        if (!(f->gen_rel = malloc(n)))
            return mp_errf(err, "out of memory");
        snprintf(f->gen_rel, n, "%.*s%s", (int)stem, f->rel, MIG_DIR_GEN_EXT);
        for (size_t j = 0; j < p->n; j++)
            if (!strcmp(p->v[j].rel, f->gen_rel)) {
                f->gen = p->v[j].bytes, f->gen_len = p->v[j].len, f->gen_ours = p->v[j].ours;
                p->v[j].bytes = NULL, p->v[j].claimed = true;
            }
    }
    for (size_t j = 0; j < p->n; j++) {
        size_t l = strlen(p->v[j].rel), e = strlen(MIG_DIR_GEN_EXT);
        if (p->v[j].claimed || !p->v[j].ours || l < e ||
            strcmp(p->v[j].rel + l - e, MIG_DIR_GEN_EXT))
            continue;
        char **v = realloc(d->orphans, (d->norphans + 1) * sizeof *v);
        if (!v)
            return mp_errf(err, "out of memory");
        d->orphans = v;
        if (!(v[d->norphans++] = strdup(p->v[j].rel)))
            return mp_errf(err, "out of memory");
    }
    return 0;
}

typedef struct {
    doc_node **v;
    size_t n;
} node_vec;

static int want_of(dir_file *f, node_vec *objs, mp_err *err)
{
    if (!objs->n)
        return 0;
    size_t len = 0;
    char *body = doc_emit_yaml_stream(objs->v, objs->n, &len, err);
    if (!body)
        return -1;
    static const char head[] = "# Generated by `meshpanel migrate apply` from %s; `meshpanel "
                               "rollback -f DIR` removes it.\n";
    char *rel = san_cleans(f->rel, 0); /* a file name may hold a newline: not in YAML */
    size_t n = strlen(head) + (rel ? strlen(rel) : 0) + len + 1;
    if (rel && (f->want = malloc(n)))
        snprintf(f->want, n, head, rel), strcat(f->want, body);
    free(rel);
    free(body);
    f->nwant = objs->n;
    return f->want ? 0 : mp_errf(err, "out of memory");
}

typedef struct {
    const hmap *idx;
    long file;
} first_src;

static int first_source(const char *ns, const char *name, void *ud)
{
    first_src *w = ud;
    char key[600];
    hmap_key2(key, sizeof key, ns, name);
    w->file = hmap_get(w->idx, key);
    return 1;
}

/* Converts every Ingress (as it was) and gives each file its objects: those
 * whose first source is one of its Ingresses. */
static int convert_all(mig_dir *d, mp_err *err)
{
    hmap idx = {0};
    size_t n = d->ctx.len;
    for (size_t i = 0; i < d->nf; i++)
        n += d->f[i].ings.len;
    doc_node **in = malloc((n + 1) * sizeof *in);
    node_vec *per = calloc(d->nf + 1, sizeof *per);
    int rc = in && per ? 0 : mp_errf(err, "out of memory");
    size_t k = 0;
    for (size_t i = 0; !rc && i < d->ctx.len; i++)
        in[k++] = d->ctx.docs[i];
    for (size_t i = 0; !rc && i < d->nf; i++)
        for (size_t j = 0; !rc && j < d->f[i].ings.len; j++) {
            const doc_node *o = d->f[i].ings.docs[j];
            char key[600];
            hmap_key2(key, sizeof key, ns_of(d, o), kobj_name(o) ? kobj_name(o) : "");
            in[k++] = d->f[i].ings.docs[j];
            if (hmap_put(&idx, key, i) < 0)
                rc = mp_errf(err, "out of memory");
        }
    convert_opts co = d->o.conv;
    co.skip_invalid = true;
    convert_plan *plan = rc ? NULL : convert_run(in, k, &co, err);
    if (!rc && !plan)
        rc = -1;
    for (size_t i = 0; !rc && i < convert_plan_len(plan); i++) {
        first_src w = {&idx, -1};
        doc_node *o = (doc_node *)convert_plan_obj(plan, i);
        mig_each_source(o, first_source, &w);
        if (w.file < 0)
            continue;
        node_vec *v = &per[w.file];
        doc_node **x = realloc(v->v, (v->n + 1) * sizeof *x);
        if (!x)
            rc = mp_errf(err, "out of memory");
        else
            v->v = x, x[v->n++] = o;
    }
    for (size_t i = 0; !rc && i < d->nf; i++)
        rc = want_of(&d->f[i], &per[i], err);
    for (size_t i = 0; per && i < d->nf; i++)
        free(per[i].v);
    free(per);
    free(in);
    convert_plan_free(plan);
    hmap_free(&idx);
    return rc;
}

void dir_file_state(dir_file *f)
{
    if (f->tree_has_ing)
        f->state = f->gen ? MIG_DUAL : MIG_INGRESS_ONLY;
    else
        f->state = MIG_CUT_OVER;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool selected(const mig_dir *d, const char *ns)
{
    if (d->o.ntenants) {
        for (size_t i = 0; i < d->o.ntenants; i++)
            if (!strcmp(d->o.tenants[i], ns))
                return true;
        return false;
    }
    return !d->o.wave_bp || mig_wave_has(ns, d->o.wave_bp);
}

static int add_tenant_file(dir_tenant *t, size_t fi)
{
    if (t->nfiles && t->files[t->nfiles - 1] == fi)
        return 0;
    size_t *v = realloc(t->files, (t->nfiles + 1) * sizeof *v);
    if (!v)
        return -1;
    t->files = v;
    v[t->nfiles++] = fi;
    return 0;
}

/* The namespaces of the Ingresses (and -n names), sorted; those selected. */
static int select_tenants(mig_dir *d, mp_err *err)
{
    if (d->o.selector)
        return mp_errf(err, "-l selects Namespaces by their labels, which a directory does not "
                            "hold: use -n NS or --wave N%%");
    size_t n = d->o.ntenants;
    for (size_t i = 0; i < d->nf; i++)
        n += d->f[i].ings.len;
    const char **names = malloc((n + 1) * sizeof *names);
    if (!names)
        return mp_errf(err, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < d->o.ntenants; i++)
        names[k++] = d->o.tenants[i];
    for (size_t i = 0; i < d->nf; i++)
        for (size_t j = 0; j < d->f[i].ings.len; j++)
            names[k++] = ns_of(d, d->f[i].ings.docs[j]);
    mp_sort(names, k, sizeof *names, cmp_str);
    int rc = (d->t = calloc(k + 1, sizeof *d->t)) ? 0 : mp_errf(err, "out of memory");
    for (size_t i = 0; !rc && i < k; i++) {
        if ((i && !strcmp(names[i], names[i - 1])) || !selected(d, names[i]))
            continue;
        dir_tenant *t = &d->t[d->nt++];
        snprintf(t->res.ns, sizeof t->res.ns, "%s", names[i]);
        for (size_t f = 0; !rc && f < d->nf; f++)
            for (size_t j = 0; !rc && j < d->f[f].ings.len; j++)
                if (!strcmp(ns_of(d, d->f[f].ings.docs[j]), names[i])) {
                    t->res.ningresses++;
                    if (add_tenant_file(t, f) < 0)
                        rc = mp_errf(err, "out of memory");
                }
    }
    for (size_t f = 0; f < d->nf; f++) {
        dir_file *x = &d->f[f];
        bool all = x->ings.len > 0;
        for (size_t j = 0; j < x->ings.len; j++) {
            x->foreign = x->foreign || !selected(d, ns_of(d, x->ings.docs[j]));
            all = all &&
                  mig_suspended(x->ings.docs[j], d->o.disabled_class ? d->o.disabled_class
                                                                     : MIG_DEFAULT_DISABLED_CLASS);
        }
        x->suspended = all;
        dir_file_state(x);
    }
    free(names);
    return rc;
}

const char *dir_tenant_state(const mig_dir *d, const dir_tenant *t)
{
    mig_reading *r = calloc(t->res.ningresses + 1, sizeof *r);
    size_t n = 0;
    const char *dc = d->o.disabled_class ? d->o.disabled_class : MIG_DEFAULT_DISABLED_CLASS;
    for (size_t i = 0; r && i < t->nfiles; i++) {
        const dir_file *f = &d->f[t->files[i]];
        for (size_t j = 0; j < f->ings.len && n < t->res.ningresses; j++)
            if (!strcmp(ns_of(d, f->ings.docs[j]), t->res.ns))
                r[n++] = (mig_reading){.state = f->state,
                                       .present = f->tree_has_ing,
                                       .suspended = mig_suspended(f->ings.docs[j], dc)};
    }
    const char *st = r ? mig_tenant_state(r, n) : "?";
    free(r);
    return st;
}

static bool kind_in(const doc_node *o, const char *const *kinds, size_t n)
{
    const char *k = kobj_kind(o);
    for (size_t i = 0; k && i < n; i++)
        if (!strcmp(k, kinds[i]))
            return true;
    return false;
}

/* Does ing name a host that one of t's Ingresses names? (nginx serves a
 * host from every Ingress that names it, across namespaces) */
static bool shares_host(const mig_dir *d, const dir_tenant *t, const doc_node *ing)
{
    const doc_node *rules = doc_getv(ing, "spec", "rules", NULL);
    for (size_t r = 0; doc_is_seq(rules) && r < rules->len; r++) {
        const char *h = doc_get_str(rules->items[r], "host");
        for (size_t i = 0; h && i < t->nfiles; i++) {
            const dir_file *f = &d->f[t->files[i]];
            for (size_t j = 0; j < f->ings.len; j++) {
                const doc_node *mine = doc_getv(f->ings.docs[j], "spec", "rules", NULL);
                for (size_t k = 0; doc_is_seq(mine) && k < mine->len; k++) {
                    const char *m = doc_get_str(mine->items[k], "host");
                    if (m && !strcmp(m, h))
                        return true;
                }
            }
        }
    }
    return false;
}

int dir_verify(mig_dir *d, dir_tenant *t, size_t *nm, strbuf *sb, char *msg, size_t msgn,
               mp_err *err)
{
    static const char *const src_kinds[] = {"Service", "IngressClass"};
    static const char *const istio_kinds[] = {"Gateway", "VirtualService", "AuthorizationPolicy"};
    size_t n = d->ctx.len;
    for (size_t i = 0; i < d->nf; i++)
        n += d->f[i].ings.len;
    doc_node **in = malloc((n + 1) * sizeof *in), **is = malloc((d->ctx.len + 1) * sizeof *is);
    if (!in || !is) {
        free(in), free(is);
        return mp_errf(err, "out of memory");
    }
    size_t ni = 0, nis = 0;
    for (size_t i = 0; i < d->nf; i++) {
        const dir_file *f = &d->f[i];
        for (size_t j = 0; j < f->ings.len; j++)
            if (!strcmp(ns_of(d, f->ings.docs[j]), t->res.ns) || shares_host(d, t, f->ings.docs[j]))
                in[ni++] = f->ings.docs[j];
    }
    for (size_t i = 0; i < d->ctx.len; i++) {
        if (kind_in(d->ctx.docs[i], src_kinds, 2))
            in[ni++] = d->ctx.docs[i];
        if (kind_in(d->ctx.docs[i], istio_kinds, 3))
            is[nis++] = d->ctx.docs[i];
    }
    verify_report *r = verify_routing(in, ni, is, nis, err);
    free(in), free(is);
    if (!r)
        return -1;
    *nm = verify_nmismatches(r);
    for (size_t i = 0; sb && i < *nm; i++) {
        const verify_mismatch *m = verify_mismatch_at(r, i);
        char line[3000];
        snprintf(line, sizeof line, "  mismatch: %s%s  nginx: %s  istio: %s%s%s%s", m->host,
                 m->path, m->nginx, m->istio, *m->ingress ? "  (" : "", m->ingress,
                 *m->ingress ? ")" : "");
        char *c = san_cleans(line, 0);
        strbuf_printf(sb, "%s\n", c ? c : "?");
        free(c);
    }
    if (msg)
        snprintf(msg, msgn, "%zu requests over %zu hosts: %zu mismatch%s", verify_nrequests(r),
                 verify_nhosts(r), *nm, *nm == 1 ? "" : "es");
    if (msg && !*nm)
        snprintf(msg, msgn, "%zu requests over %zu hosts route alike", verify_nrequests(r),
                 verify_nhosts(r));
    verify_report_free(r);
    return 0;
}

mig_dir *mig_dir_open(const char *dir, const mig_opts *o, mp_err *err)
{
    struct stat st;
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
        return mp_errf(err, "%s: not a directory", dir), NULL;
    mig_dir *d = calloc(1, sizeof *d);
    plain_vec p = {0};
    if (!d || !(d->root = strdup(dir))) {
        free(d);
        return mp_errf(err, "out of memory"), NULL;
    }
    for (size_t l = strlen(d->root); l > 1 && d->root[l - 1] == '/'; l--)
        d->root[l - 1] = 0;
    d->o = *o;
    doc_list_init(&d->ctx);
    int rc = read_tree(d, &p, err);
    if (!rc)
        rc = read_backups(d, &p, err);
    if (!rc)
        rc = link_generated(d, &p, err);
    plain_free(&p);
    if (!rc)
        rc = convert_all(d, err);
    if (!rc)
        rc = select_tenants(d, err);
    if (rc) {
        mig_dir_close(d);
        return NULL;
    }
    for (size_t i = 0; i < d->nt; i++) {
        const char *s = dir_tenant_state(d, &d->t[i]);
        snprintf(d->t[i].res.state_before, sizeof d->t[i].res.state_before, "%s", s);
        snprintf(d->t[i].res.state_after, sizeof d->t[i].res.state_after, "%s", s);
    }
    return d;
}

void mig_dir_close(mig_dir *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nf; i++) {
        dir_file *f = &d->f[i];
        free(f->rel), free(f->tree), free(f->gen_rel), free(f->gen), free(f->want);
        doc_list_free(&f->ings);
    }
    for (size_t i = 0; i < d->nt; i++)
        free(d->t[i].files), free(d->t[i].res.detail);
    for (size_t i = 0; i < d->norphans; i++)
        free(d->orphans[i]);
    free(d->orphans);
    free(d->f);
    free(d->t);
    doc_list_free(&d->ctx);
    free(d->root);
    free(d);
}

size_t mig_dir_ntenants(const mig_dir *d)
{
    return d->nt;
}

const mig_tenant *mig_dir_tenant_at(const mig_dir *d, size_t i)
{
    return i < d->nt ? &d->t[i].res : NULL;
}
