/*
 * migrate_dir_steps.c - the steps on one tenant of a directory (see
 * migrate_dir.h): apply writes generated files, cutover moves Ingress
 * files into the backup folder, rollback renames them back.
 *
 * Order, as on a cluster: an Ingress file is only moved once its Istio
 * file is there and verified, and rollback puts every Ingress file back
 * before it removes a generated file, so a crash between two writes
 * never leaves a host without a route in the tree.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/fsutil.h"
#include "api/manifests.h"
#include "api/migrate_dir_int.h"
#include "model/kobj.h"
#include "model/sanitize.h"
#include "model/textdiff.h"

#define GEN_MODE 0644
#define DIR_MODE 0755

typedef struct {
    mig_dir *d;
    dir_tenant *t;
    bool preview;
    strbuf sb; /* the detail */
    size_t changes;
    char why[MP_ERR_MAX]; /* set: the tenant failed */
} run;

static void failf(run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void failf(run *r, const char *fmt, ...)
{
    if (*r->why)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->why, sizeof r->why, fmt, ap);
    va_end(ap);
}

static void say(run *r, const char *fmt, const char *a, const char *b)
{
    char line[MP_ERR_MAX];
    snprintf(line, sizeof line, fmt, a, b);
    char *c = san_cleans(line, 0);
    strbuf_printf(&r->sb, "  %s\n", c ? c : "?");
    free(c);
}

static char *path_of(run *r, const char *prefix, const char *rel)
{
    char *p = dir_path(r->d, prefix, rel);
    if (!p)
        failf(r, "out of memory");
    return p;
}

static void diff_into(run *r, const char *old, const char *new, const char *rel)
{
    char *d = textdiff_unified(old ? old : "", new ? new : "", old ? rel : "/dev/null",
                               new ? rel : "/dev/null", 3);
    char *c = d ? san_cleans(d, SAN_KEEP_NEWLINE) : NULL;
    if (c)
        strbuf_puts(&r->sb, c);
    free(d), free(c);
}

/* ---- apply ---- */

static void apply_file(run *r, dir_file *f)
{
    mp_err err;
    if (f->gen && !f->gen_ours)
        return failf(r, "%s exists and holds objects meshpanel did not write: not overwritten",
                     f->gen_rel);
    if (!f->want && !f->gen)
        return say(r, "%s: nothing converted (%s)", f->rel,
                   f->suspended ? "suspended" : "see meshpanel convert");
    if (f->want && f->gen && !strcmp(f->want, f->gen))
        return;
    r->changes++;
    if (r->preview) {
        say(r, "%s: %s", f->gen_rel, f->want ? (f->gen ? "rewrite" : "write") : "remove");
        return diff_into(r, f->gen, f->want, f->gen_rel);
    }
    char *p = path_of(r, NULL, f->gen_rel);
    int rc = !p              ? -1
             : f->want       ? fs_write_atomic(p, f->want, strlen(f->want), GEN_MODE, &err)
             : unlink(p) < 0 ? mp_errf(&err, "%s: %s", f->gen_rel, strerror(errno))
                             : 0;
    free(p);
    if (rc < 0)
        return failf(r, "%s", err.msg);
    r->t->res.nwrites++;
    free(f->gen);
    f->gen = f->want ? strdup(f->want) : NULL;
    f->gen_ours = true;
    dir_file_state(f);
}

/* ---- cutover ---- */

/* Is line s (in a file) a document marker? */
static bool doc_marker(const char *s, const char *end)
{
    return end - s >= 3 && !strncmp(s, "---", 3) &&
           (end - s == 3 || s[3] == ' ' || s[3] == '\t' || s[3] == '\r' || s[3] == '\n');
}

static int kinds_of(const char *buf, size_t len, const char *name, size_t *ing, size_t *other,
                    doc_list *keep, mp_err *err)
{
    doc_list l;
    doc_list_init(&l);
    int rc = manifests_parse(buf, len, name, &l, err);
    for (size_t i = 0; !rc && i < l.len; i++) {
        bool is = kobj_kind(l.docs[i]) && !strcmp(kobj_kind(l.docs[i]), "Ingress");
        *ing += is, *other += !is;
        if (!is && keep && doc_list_push(keep, doc_list_take(&l, i)) < 0)
            rc = mp_errf(err, "out of memory");
    }
    doc_list_free(&l);
    return rc;
}

/* The file without its Ingress documents, every other byte kept (a
 * document is from one marker line to the next). Checked: the rest must
 * parse to exactly the other objects of the file. */
static int without_ingresses(const dir_file *f, strbuf *out, size_t *nkept, mp_err *err)
{
    const char *s = f->tree, *end = f->tree + f->tree_len;
    doc_list want, got;
    doc_list_init(&want), doc_list_init(&got);
    size_t ing = 0, other = 0;
    int rc = kinds_of(f->tree, f->tree_len, f->rel, &ing, &other, &want, err);
    while (!rc && s < end) {
        const char *e = s;
        do { /* to the next marker line */
            const char *nl = memchr(e, '\n', (size_t)(end - e));
            e = nl ? nl + 1 : end;
        } while (e < end && !doc_marker(e, end));
        size_t i = 0, o = 0;
        if ((rc = kinds_of(s, (size_t)(e - s), f->rel, &i, &o, NULL, err)) < 0)
            break;
        if (i && o)
            rc = mp_errf(err,
                         "%s: one document holds an Ingress and other objects: move the "
                         "Ingress into a document of its own",
                         f->rel);
        else if (!i)
            strbuf_append(out, s, (size_t)(e - s));
        s = e;
    }
    size_t a = 0, b = 0;
    if (!rc && out->len)
        rc = kinds_of(out->buf, out->len, f->rel, &a, &b, &got, err);
    bool same = !rc && !a && got.len == want.len;
    for (size_t i = 0; same && i < got.len; i++)
        same = doc_equal(got.docs[i], want.docs[i], true);
    if (!rc && !same)
        rc = mp_errf(err,
                     "%s: the Ingresses cannot be taken out without changing the rest: "
                     "move them into a file of their own",
                     f->rel);
    *nkept = got.len;
    doc_list_free(&want), doc_list_free(&got);
    return rc;
}

static int mkdirs_for(const char *path, mp_err *err)
{
    char *dir = strdup(path), *slash = dir ? strrchr(dir, '/') : NULL;
    int rc = dir ? 0 : mp_errf(err, "out of memory");
    if (slash) {
        *slash = 0;
        rc = fs_mkdirs(dir, DIR_MODE, err);
    }
    free(dir);
    return rc;
}

static void move_file(run *r, dir_file *f)
{
    mp_err err;
    strbuf rest;
    strbuf_init(&rest);
    size_t kept = 0;
    if (without_ingresses(f, &rest, &kept, &err) < 0) {
        strbuf_free(&rest);
        return failf(r, "%s", err.msg);
    }
    r->changes++;
    char kbuf[32];
    snprintf(kbuf, sizeof kbuf, "%zu", kept);
    if (r->preview) {
        say(r, "%s: moved to " MIG_DIR_BACKUP "/%s", f->rel, f->rel);
        if (kept)
            say(r, "%s keeps its %s other objects, byte for byte", f->rel, kbuf);
        return strbuf_free(&rest);
    }
    char *bak = path_of(r, MIG_DIR_BACKUP, f->rel), *tree = path_of(r, NULL, f->rel);
    int rc = bak && tree ? mkdirs_for(bak, &err) : -1;
    /* the backup first: a crash after it leaves both, and a re-run goes on */
    if (!rc)
        rc = fs_write_atomic(bak, f->tree, f->tree_len, f->mode, &err);
    if (!rc && kept)
        rc = fs_write_atomic(tree, rest.buf, rest.len, f->mode, &err);
    else if (!rc && unlink(tree) < 0)
        rc = mp_errf(&err, "%s: %s", f->rel, strerror(errno));
    free(bak), free(tree);
    strbuf_free(&rest);
    if (rc < 0)
        return failf(r, "%s", err.msg);
    r->t->res.nwrites += 1 + (kept > 0);
    f->backup = true, f->tree_has_ing = false;
    dir_file_state(f);
}

static void cutover_tenant(run *r)
{
    mp_err err;
    for (size_t i = 0; i < r->t->nfiles; i++) {
        dir_file *f = &r->d->f[r->t->files[i]];
        if (f->suspended || f->state == MIG_CUT_OVER)
            continue;
        if (!f->gen)
            return failf(r, "%s has no Istio manifests: run migrate apply first", f->rel);
        if (!f->want || strcmp(f->gen, f->want))
            return failf(r,
                         "%s differs from the conversion of %s now: run migrate apply and "
                         "verify",
                         f->gen_rel, f->rel);
    }
    size_t nm = 0;
    if (dir_verify(r->d, r->t, &nm, NULL, NULL, 0, &err) < 0)
        return failf(r, "%s", err.msg);
    if (nm)
        return failf(r, "verify finds %zu mismatch%s: see migrate verify; nothing moved", nm,
                     nm == 1 ? "" : "es");
    for (size_t i = 0; i < r->t->nfiles && !*r->why; i++) {
        dir_file *f = &r->d->f[r->t->files[i]];
        if (!f->done && !f->suspended && f->state == MIG_DUAL)
            move_file(r, f);
        f->done = true;
    }
}

/* ---- rollback ---- */

static void prune(run *r, const char *rel)
{
    char *p = path_of(r, MIG_DIR_BACKUP, rel), *s;
    size_t root = strlen(r->d->root) + 1 + strlen(".meshpanel");
    while (p && (s = strrchr(p, '/')) && (size_t)(s - p) >= root) {
        *s = 0;
        if (rmdir(p) < 0) /* not empty: other backups live there */
            break;
    }
    free(p);
}

static void rollback_file(run *r, dir_file *f)
{
    mp_err err;
    bool keep = r->d->o.rb_mode == MIG_RB_DUAL;
    bool rm = !keep && f->gen && f->gen_ours;
    if (f->gen && !f->gen_ours)
        say(r, "%s kept: meshpanel did not write it", f->gen_rel, "");
    if (!f->backup && !rm)
        return;
    r->changes++;
    if (r->preview) {
        if (f->backup)
            say(r, "%s: back from " MIG_DIR_BACKUP ", byte for byte", f->rel, "");
        if (rm)
            say(r, "%s: remove", f->gen_rel, "");
        return;
    }
    char *bak = path_of(r, MIG_DIR_BACKUP, f->rel), *tree = path_of(r, NULL, f->rel);
    int rc = bak && tree ? 0 : -1;
    if (!rc && f->backup && (rc = mkdirs_for(tree, &err)) == 0 && rename(bak, tree) < 0)
        rc = mp_errf(&err, "%s: %s", f->rel, strerror(errno));
    if (!rc && f->backup) {
        r->t->res.nwrites++;
        f->backup = false, f->tree_has_ing = true;
        prune(r, f->rel);
    }
    free(bak), free(tree);
    char *gen = rc || !rm ? NULL : path_of(r, NULL, f->gen_rel);
    if (gen && unlink(gen) < 0)
        rc = mp_errf(&err, "%s: %s", f->gen_rel, strerror(errno));
    else if (gen) {
        r->t->res.nwrites++;
        free(f->gen), f->gen = NULL;
    }
    free(gen);
    if (rc < 0)
        return failf(r, "%s", *r->why ? r->why : err.msg);
    dir_file_state(f);
}

static void rollback_tenant(run *r)
{
    /* every Ingress file back before any generated file goes */
    mig_rb_mode m = r->d->o.rb_mode;
    r->d->o.rb_mode = MIG_RB_DUAL;
    for (size_t i = 0; i < r->t->nfiles && !*r->why; i++)
        if (!r->d->f[r->t->files[i]].done)
            rollback_file(r, &r->d->f[r->t->files[i]]);
    r->d->o.rb_mode = m;
    for (size_t i = 0; i < r->t->nfiles && !*r->why && m != MIG_RB_DUAL; i++) {
        dir_file *f = &r->d->f[r->t->files[i]];
        if (!f->done)
            rollback_file(r, f);
        f->done = true;
    }
}

/* ---- the steps ---- */

static void retire_tenant(run *r)
{
    for (size_t i = 0; i < r->t->nfiles; i++) {
        dir_file *f = &r->d->f[r->t->files[i]];
        if (!f->suspended && f->state != MIG_CUT_OVER)
            return failf(r, "%s is not cut over: run migrate cutover first", f->rel);
    }
}

static void apply_tenant(run *r)
{
    for (size_t i = 0; i < r->t->nfiles && !*r->why; i++) {
        dir_file *f = &r->d->f[r->t->files[i]];
        if (!f->done)
            apply_file(r, f);
        f->done = true;
    }
}

static void verify_tenant(run *r, size_t *nm, char *msg, size_t n)
{
    mp_err err;
    for (size_t i = 0; i < r->t->nfiles; i++) {
        const dir_file *f = &r->d->f[r->t->files[i]];
        if (!f->suspended && f->want && !f->gen)
            return failf(r, "%s has no Istio manifests yet: run migrate apply first", f->rel);
    }
    if (dir_verify(r->d, r->t, nm, &r->sb, msg, n, &err) < 0)
        failf(r, "%s", err.msg);
}

/* The tenant's result from the run. */
static void result(run *r, mig_step step, size_t nm, const char *vmsg)
{
    mig_tenant *res = &r->t->res;
    res->detail = r->sb.len ? strbuf_detach(&r->sb, NULL) : (strbuf_free(&r->sb), NULL);
    if (*r->why) {
        res->status = MIG_T_FAILED;
        snprintf(res->msg, sizeof res->msg, "%s", r->why);
    } else if (step == MIG_VERIFY) {
        res->status = nm ? MIG_T_FINDINGS : MIG_T_DONE;
        snprintf(res->msg, sizeof res->msg, "%s", vmsg);
    } else if (step == MIG_RETIRE) {
        res->status = MIG_T_UNCHANGED;
        snprintf(res->msg, sizeof res->msg,
                 "nothing to delete in a directory: cutover moved the Ingress files to %s",
                 MIG_DIR_BACKUP);
    } else {
        res->status = !r->changes ? MIG_T_UNCHANGED : r->preview ? MIG_T_PENDING : MIG_T_DONE;
        snprintf(res->msg, sizeof res->msg, "%zu file%s %s", r->changes, r->changes == 1 ? "" : "s",
                 r->preview ? "to change" : "changed");
    }
}

void dir_step(mig_dir *d, dir_tenant *t, mig_step step, bool preview)
{
    run r = {.d = d, .t = t, .preview = preview};
    strbuf_init(&r.sb);
    for (size_t i = 0; i < t->nfiles && step != MIG_VERIFY; i++)
        if (d->f[t->files[i]].foreign && !d->f[t->files[i]].done)
            failf(&r,
                  "%s also holds Ingresses of tenants not selected: select them too, or "
                  "split the file",
                  d->f[t->files[i]].rel);
    size_t nm = 0;
    char vmsg[MP_ERR_MAX] = "";
    if (*r.why)
        ; /* refused before anything */
    else if (step == MIG_PLAN || step == MIG_APPLY)
        apply_tenant(&r);
    else if (step == MIG_VERIFY)
        verify_tenant(&r, &nm, vmsg, sizeof vmsg);
    else if (step == MIG_CUTOVER)
        cutover_tenant(&r);
    else if (step == MIG_RETIRE)
        retire_tenant(&r);
    else if (step == MIG_ROLLBACK)
        rollback_tenant(&r);
    result(&r, step, nm, vmsg);
}
