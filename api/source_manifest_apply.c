/*
 * source_manifest_apply.c - apply for the manifest sources: YAML files under
 * DIR/istio/ for a directory, memory for the demo.
 *
 * Directory: every object is planned first (which file, what the file will
 * hold, the emitted text); only when every object could be planned is
 * anything written, so one bad object changes no file. An object a file
 * already holds is replaced inside that file, its other documents kept and
 * re-emitted canonically. A file that holds an Ingress is never rewritten:
 * the Ingresses are what the migration starts from, and re-emitting their
 * file would drop its comments and formatting. A new object gets a file of
 * its own, istio/<namespace>/<kind>-<name>.yaml, whose path is built from
 * names checked as DNS-1123 (no '/', no '..' can reach the path).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api/fsutil.h"
#include "api/kinds.h"
#include "api/source_manifest_int.h"
#include "model/emit.h"
#include "model/kobj.h"
#include "model/objdiff.h"
#include "model/sanitize.h"

#define NEW_FILE_MODE 0644
#define DIR_MODE      0755
#define NO_PLAN       ((size_t)-1)

static int fail(apply_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(apply_result *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    r->status = APPLY_FAILED;
    vsnprintf(r->msg, sizeof r->msg, fmt, ap);
    va_end(ap);
    return -1;
}

/* One line each: file names come from the disk and may hold newlines or
 * escape sequences. */
static void clean_msgs(apply_result *res, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *clean = san_cleans(res[i].msg, 0);
        if (clean)
            snprintf(res[i].msg, sizeof res[i].msg, "%s", clean);
        free(clean);
    }
}

/* All or nothing: once one object failed, the others were not run.
 * Returns the number failed. */
static int not_run_others(apply_result *res, size_t n)
{
    int failed = 0;
    for (size_t i = 0; i < n; i++)
        failed += res[i].status == APPLY_FAILED;
    for (size_t i = 0; failed && i < n; i++)
        if (res[i].status != APPLY_FAILED) {
            res[i].status = APPLY_NOT_RUN;
            res[i].msg[0] = '\0';
        }
    return failed;
}

static bool same_object(const doc_node *a, const doc_node *b)
{
    doc_node *x = doc_clone(a), *y = doc_clone(b);
    bool same = false;
    if (x && y) {
        manifest_default_namespace(x);
        manifest_default_namespace(y);
        objdiff_strip_noise(x);
        objdiff_strip_noise(y);
        same = doc_equal(x, y, false);
    }
    doc_free(x);
    doc_free(y);
    return same;
}

/* What apply stores or writes: the object without server noise, in the
 * namespace the manifest loader would give it. NULL with r FAILED. */
static doc_node *prepare(const doc_node *in, apply_result *r)
{
    const char *kind = kobj_kind(in), *name = kobj_name(in);
    if (!kind || !*kind || !name || !*name || !kobj_api_version(in))
        return fail(r, "the object has no apiVersion, kind or metadata.name"), NULL;
    const kkind *k = kkind_for_object(kobj_api_version(in), kind);
    if (k && k->metadata_only)
        return fail(r, "meshpanel never writes Secrets"), NULL;
    doc_node *obj = doc_clone(in);
    if (!obj)
        return fail(r, "out of memory"), NULL;
    objdiff_strip_noise(obj);
    manifest_default_namespace(obj);
    return obj;
}

/* ---- demo: the store and a list of kept objects ---- */

static bool same_key(const doc_node *a, const doc_node *b)
{
    const char *na = kobj_namespace(a), *nb = kobj_namespace(b);
    return !strcmp(kobj_kind(a), kobj_kind(b)) && !strcmp(kobj_name(a), kobj_name(b)) &&
           !strcmp(na ? na : "", nb ? nb : "");
}

/* Takes obj. */
static int keep(manifest_src *m, doc_node *obj)
{
    for (size_t i = 0; i < m->nkept; i++)
        if (same_key(m->kept[i], obj)) {
            doc_free(m->kept[i]);
            m->kept[i] = obj;
            return 0;
        }
    if (m->nkept == m->capkept) {
        size_t cap = m->capkept ? m->capkept * 2 : 8;
        doc_node **v = realloc(m->kept, cap * sizeof *v);
        if (!v) {
            doc_free(obj);
            return -1;
        }
        m->kept = v;
        m->capkept = cap;
    }
    m->kept[m->nkept++] = obj;
    return 0;
}

static void demo_put(manifest_src *m, mp_store *st, doc_node *obj, apply_result *r)
{
    const char *ns = kobj_namespace(obj);
    const store_obj *cur = store_get(st, kobj_kind(obj), ns ? ns : "", kobj_name(obj));
    bool existed = cur != NULL;
    snprintf(r->msg, sizeof r->msg, "kept in memory");
    if (cur && same_object(cur->doc, obj)) {
        r->status = APPLY_UNCHANGED;
        doc_free(obj);
        return;
    }
    doc_node *copy = doc_clone(obj);
    if (!copy || keep(m, copy) < 0) { /* keep frees copy on failure */
        doc_free(obj);
        fail(r, "out of memory");
        return;
    }
    mp_err e = {{0}};
    if (store_put(st, obj, &e) < 0) {
        fail(r, "%s", e.msg);
        return;
    }
    r->status = existed ? APPLY_CONFIGURED : APPLY_CREATED;
}

int manifest_apply_demo(manifest_src *m, mp_store *st, doc_node *const *objs, size_t n,
                        apply_result *res, mp_err *err)
{
    doc_node **prep = calloc(n ? n : 1, sizeof *prep);
    if (!prep)
        return mp_errf(err, "out of memory");
    for (size_t i = 0; i < n; i++) {
        res[i] = (apply_result){.status = APPLY_NOT_RUN};
        prep[i] = prepare(objs[i], &res[i]);
    }
    int failed = not_run_others(res, n);
    for (size_t i = 0; i < n; i++) {
        if (failed)
            doc_free(prep[i]);
        else
            demo_put(m, st, prep[i], &res[i]);
    }
    free(prep);
    if (failed)
        return failed;
    manifest_sync(m, st, NULL); /* the status line counts the kept objects */
    for (size_t i = 0; i < n; i++)
        failed += res[i].status == APPLY_FAILED;
    return failed;
}

/* ---- directory: plan every file, then write ---- */

typedef struct {
    char *path;    /* root-prefixed */
    doc_list docs; /* what the file will hold */
    bool exists, json, changed;
    int mode;
    char *text; /* emitted content of a changed file */
    size_t len;
} fplan;

typedef struct {
    manifest_src *m;
    fplan *plans;
    size_t n, cap;
    size_t *plan_of; /* per object: its plan, or NO_PLAN */
} planner;

static bool dns_label(const char *s, size_t len)
{
    if (!len || len > 63 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[len - 1]))
        return false;
    for (size_t i = 0; i < len; i++)
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-'))
            return false;
    return true;
}

static bool dns_subdomain(const char *s)
{
    size_t len = strlen(s);
    if (!len || len > 253)
        return false;
    for (const char *p = s;;) {
        const char *dot = strchr(p, '.');
        size_t l = dot ? (size_t)(dot - p) : strlen(p);
        if (!dns_label(p, l))
            return false;
        if (!dot)
            return true;
        p = dot + 1;
    }
}

static bool plain_kind(const char *s)
{
    size_t i = 0;
    for (; s[i]; i++)
        if (!isalnum((unsigned char)s[i]))
            return false;
    return i > 0 && i <= 63;
}

/* Everything that goes into a path is checked here. */
static int check_names(const doc_node *obj, apply_result *r)
{
    const char *kind = kobj_kind(obj), *ns = kobj_namespace(obj), *name = kobj_name(obj);
    const kkind *k = kkind_for_object(kobj_api_version(obj), kind);
    if (!strcmp(kind, "Ingress"))
        return fail(r, "meshpanel never writes Ingress files");
    if ((k && !k->namespaced) || !ns)
        return fail(r, "only namespaced objects are written (files go under istio/NAMESPACE/)");
    if (!plain_kind(kind))
        return fail(r, "kind \"%s\" is not a plain name", kind);
    if (!dns_label(ns, strlen(ns)))
        return fail(r, "namespace \"%s\" is not a DNS-1123 label", ns);
    if (!dns_subdomain(name))
        return fail(r, "name \"%s\" is not a DNS-1123 subdomain", name);
    return 0;
}

static const char *rel_path(const manifest_src *m, const char *path)
{
    size_t l = strlen(m->root);
    return !strncmp(path, m->root, l) && path[l] == '/' ? path + l + 1 : path;
}

static bool holds_key(const mfile *f, const char *kind, const char *ns, const char *name)
{
    for (size_t i = 0; i < f->nkeys; i++)
        if (!strcmp(f->keys[i].kind, kind) && !strcmp(f->keys[i].ns, ns) &&
            !strcmp(f->keys[i].name, name))
            return true;
    return false;
}

static bool holds_ingress(const mfile *f)
{
    for (size_t i = 0; i < f->nkeys; i++)
        if (!strcmp(f->keys[i].kind, "Ingress"))
            return true;
    return false;
}

/* The one file that holds obj (NULL: none), or -1 with r FAILED when the
 * file may not be rewritten or two files define the object. */
static int holder(manifest_src *m, const doc_node *obj, mfile **out, apply_result *r)
{
    const char *kind = kobj_kind(obj), *ns = kobj_namespace(obj), *name = kobj_name(obj);
    *out = NULL;
    for (size_t i = 0; i < m->nfiles; i++) {
        mfile *f = &m->files[i];
        if (!f->seen || !holds_key(f, kind, ns, name))
            continue;
        if (*out)
            return fail(r,
                        "%s %s/%s is defined in both %s and %s; meshpanel does not guess which "
                        "to rewrite",
                        kind, ns, name, (*out)->path, f->path);
        *out = f;
    }
    mfile *f = *out;
    if (f && f->failed)
        return fail(r, "%s does not parse; fix it before applying", f->path);
    if (f && holds_ingress(f))
        return fail(r,
                    "%s %s/%s lives in %s next to an Ingress; meshpanel never rewrites Ingress "
                    "files (move it to a file of its own)",
                    kind, ns, name, f->path);
    return 0;
}

static bool is_list(const doc_node *d)
{
    const char *kind = kobj_kind(d);
    size_t n = kind ? strlen(kind) : 0;
    return n >= 4 && !strcmp(kind + n - 4, "List") && doc_is_seq(doc_get(d, "items"));
}

static bool is_key(const doc_node *d, const doc_node *obj)
{
    const char *kind = kobj_kind(d), *name = kobj_name(d), *ns = kobj_namespace(d);
    if (!kind || !name || strcmp(kind, kobj_kind(obj)) || strcmp(name, kobj_name(obj)))
        return false;
    if (!ns) { /* as the loader reads it */
        const kkind *k = kkind_for_object(kobj_api_version(d), kind);
        ns = k && k->namespaced ? "default" : "";
    }
    return !strcmp(ns, kobj_namespace(obj));
}

/* Where obj sits among a file's documents (inside a List too). */
static doc_node **locate(doc_list *docs, const doc_node *obj)
{
    for (size_t i = 0; i < docs->len; i++) {
        doc_node *d = docs->docs[i];
        if (is_list(d)) {
            doc_node *items = doc_get(d, "items");
            for (size_t j = 0; j < items->len; j++)
                if (is_key(items->items[j], obj))
                    return &items->items[j];
        } else if (is_key(d, obj)) {
            return &docs->docs[i];
        }
    }
    return NULL;
}

static bool has_ext(const char *path, const char *ext)
{
    size_t l = strlen(path), e = strlen(ext);
    return l >= e && !strcmp(path + l - e, ext);
}

/* The plan of path, created (and, for an existing file, read) on first use. */
static fplan *plan_for(planner *p, const char *path, bool exists, apply_result *r)
{
    for (size_t i = 0; i < p->n; i++)
        if (!strcmp(p->plans[i].path, path))
            return &p->plans[i];
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 8;
        fplan *v = realloc(p->plans, cap * sizeof *v);
        if (!v)
            return fail(r, "out of memory"), NULL;
        p->plans = v;
        p->cap = cap;
    }
    fplan *fp = &p->plans[p->n];
    memset(fp, 0, sizeof *fp);
    doc_list_init(&fp->docs);
    if (!(fp->path = strdup(path)))
        return fail(r, "out of memory"), NULL;
    p->n++;
    fp->exists = exists;
    fp->json = has_ext(path, ".json");
    fp->mode = NEW_FILE_MODE;
    if (!exists)
        return fp;
    struct stat sb;
    mp_err e = {{0}};
    size_t len = 0;
    char *buf = stat(path, &sb) == 0 ? fs_read_file(path, &len, &e) : NULL;
    if (!buf)
        return fail(r, "%s", e.msg[0] ? e.msg : strerror(errno)), NULL;
    fp->mode = (int)(sb.st_mode & 0777); /* a private file stays private */
    int rc = doc_parse_auto(buf, len, path, &fp->docs, &e);
    free(buf);
    return rc < 0 ? fail(r, "%s", e.msg), NULL : fp;
}

/* A new object's file: istio/<ns>/<kind>-<name>.yaml, where nothing else
 * may already be. */
static int new_path(manifest_src *m, const doc_node *obj, char *buf, size_t n, apply_result *r)
{
    char kind[64];
    size_t i = 0;
    for (const char *k = kobj_kind(obj); k[i] && i + 1 < sizeof kind; i++)
        kind[i] = (char)tolower((unsigned char)k[i]);
    kind[i] = '\0';
    const char *ns = kobj_namespace(obj);
    char dir[2][4200];
    snprintf(dir[0], sizeof dir[0], "%s/istio", m->root);
    snprintf(dir[1], sizeof dir[1], "%s/istio/%s", m->root, ns);
    if (snprintf(buf, n, "%s/%s-%s.yaml", dir[1], kind, kobj_name(obj)) >= (int)n)
        return fail(r, "%s/istio/%s: path too long", m->root, ns);
    struct stat sb;
    for (int d = 0; d < 2; d++)
        if (stat(dir[d], &sb) == 0 && !S_ISDIR(sb.st_mode))
            return fail(r, "%s is not a directory", dir[d]);
    return 0;
}

/* Puts obj (taken) into its file's plan and says what that does. */
static int place(fplan *fp, doc_node *obj, const manifest_src *m, apply_result *r)
{
    snprintf(r->msg, sizeof r->msg, "%s", rel_path(m, fp->path));
    doc_node **slot = locate(&fp->docs, obj);
    if (slot && same_object(*slot, obj)) {
        r->status = APPLY_UNCHANGED;
        doc_free(obj);
        return 0;
    }
    if (!slot && fp->exists) {
        doc_free(obj);
        return fail(r, "%s changed while applying; try again", fp->path);
    }
    if (slot) {
        doc_free(*slot);
        *slot = obj;
    } else if (doc_list_push(&fp->docs, obj) < 0) {
        return fail(r, "out of memory");
    }
    fp->changed = true;
    r->status = fp->exists ? APPLY_CONFIGURED : APPLY_CREATED;
    return 0;
}

static int plan_object(planner *p, size_t idx, const doc_node *in, apply_result *r)
{
    doc_node *obj = prepare(in, r);
    if (!obj)
        return -1;
    mfile *f = NULL;
    char path[4400];
    if (check_names(obj, r) < 0 || holder(p->m, obj, &f, r) < 0 ||
        (!f && new_path(p->m, obj, path, sizeof path, r) < 0)) {
        doc_free(obj);
        return -1;
    }
    struct stat sb;
    bool planned = false;
    for (size_t i = 0; !f && i < p->n; i++)
        planned |= !strcmp(p->plans[i].path, path);
    if (!f && !planned && lstat(path, &sb) == 0) {
        fail(r, "%s already exists and does not hold %s %s/%s", path, kobj_kind(obj),
             kobj_namespace(obj), kobj_name(obj));
        doc_free(obj);
        return -1;
    }
    fplan *fp = plan_for(p, f ? f->path : path, f != NULL, r);
    if (!fp) {
        doc_free(obj);
        return -1;
    }
    p->plan_of[idx] = (size_t)(fp - p->plans);
    return place(fp, obj, p->m, r);
}

/* Canonical text of a changed file; a .json file stays JSON. */
static int emit_plan(fplan *fp, mp_err *err)
{
    if (fp->json && fp->docs.len == 1) {
        fp->text = doc_emit_json(fp->docs.docs[0], true, &fp->len, err);
        if (fp->text && fp->len && fp->text[fp->len - 1] != '\n') {
            char *t = realloc(fp->text, fp->len + 2);
            if (!t)
                return mp_errf(err, "out of memory");
            fp->text = t;
            fp->text[fp->len++] = '\n';
            fp->text[fp->len] = '\0';
        }
    } else {
        fp->text = doc_emit_yaml_stream(fp->docs.docs, fp->docs.len, &fp->len, err);
    }
    return fp->text ? 0 : -1;
}

static void fail_plan_objects(planner *p, size_t plan, apply_result *res, size_t n, const char *msg)
{
    for (size_t i = 0; i < n; i++)
        if (p->plan_of[i] == plan)
            fail(&res[i], "%s", msg);
}

static int make_dirs(const manifest_src *m, const char *path, mp_err *err)
{
    char dir[4400];
    size_t l = strlen(m->root);
    snprintf(dir, sizeof dir, "%s", path);
    /* every directory below the root: istio/, istio/<ns>/ */
    for (char *s = dir + l + 1; (s = strchr(s, '/')); s++) {
        *s = '\0';
        if (mkdir(dir, DIR_MODE) < 0 && errno != EEXIST)
            return mp_errf(err, "%s: %s", dir, strerror(errno));
        *s = '/';
    }
    return 0;
}

/* Writes every changed file; the first failure stops the rest (their
 * objects become NOT_RUN). */
static void write_plans(planner *p, apply_result *res, size_t n)
{
    for (size_t i = 0; i < p->n; i++) {
        fplan *fp = &p->plans[i];
        if (!fp->changed)
            continue;
        mp_err e = {{0}};
        if ((!fp->exists && make_dirs(p->m, fp->path, &e) < 0) ||
            fs_write_atomic(fp->path, fp->text, fp->len, fp->mode, &e) < 0) {
            fail_plan_objects(p, i, res, n, e.msg);
            for (size_t j = 0; j < n; j++) {
                size_t pj = p->plan_of[j];
                if (pj != NO_PLAN && pj > i && p->plans[pj].changed) {
                    res[j].status = APPLY_NOT_RUN;
                    res[j].msg[0] = '\0';
                }
            }
            return;
        }
        mfile *f = manifest_find_file(p->m, fp->path);
        if (f)
            f->failed = true; /* re-read even when mtime and size look the same */
    }
}

/* Everything that can fail before a write: names, holders, reading the
 * files to rewrite, emitting their new text. */
static void plan_all(planner *p, doc_node *const *objs, size_t n, apply_result *res)
{
    for (size_t i = 0; i < n; i++) {
        res[i] = (apply_result){.status = APPLY_NOT_RUN};
        p->plan_of[i] = NO_PLAN;
        plan_object(p, i, objs[i], &res[i]);
    }
    for (size_t i = 0; i < p->n; i++) {
        mp_err e = {{0}};
        if (p->plans[i].changed && emit_plan(&p->plans[i], &e) < 0)
            fail_plan_objects(p, i, res, n, e.msg);
    }
}

static void planner_free(planner *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->plans[i].path);
        free(p->plans[i].text);
        doc_list_free(&p->plans[i].docs);
    }
    free(p->plans);
    free(p->plan_of);
}

int manifest_apply_dir(manifest_src *m, mp_store *st, doc_node *const *objs, size_t n,
                       apply_result *res, mp_err *err)
{
    struct stat sb;
    if (stat(m->root, &sb) < 0)
        return mp_errf(err, "%s: %s", m->root, strerror(errno));
    if (!S_ISDIR(sb.st_mode))
        return mp_errf(err, "apply needs a directory: -f names a file");
    /* what each file holds now, not a second ago; a file that does not
     * parse only matters to the objects it holds */
    manifest_sync(m, st, NULL);
    planner p = {.m = m, .plan_of = malloc((n ? n : 1) * sizeof(size_t))};
    if (!p.plan_of)
        return mp_errf(err, "out of memory");
    plan_all(&p, objs, n, res);
    int failed = not_run_others(res, n);
    if (!failed) {
        write_plans(&p, res, n);
        manifest_sync(m, st, NULL); /* the store shows the new files at once */
        for (size_t i = 0; i < n; i++)
            failed += res[i].status == APPLY_FAILED;
    }
    planner_free(&p);
    clean_msgs(res, n);
    return failed;
}
