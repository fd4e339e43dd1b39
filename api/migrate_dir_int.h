/*
 * migrate_dir_int.h - what migrate_dir*.c share (not an interface).
 */
#ifndef MESHPANEL_MIGRATE_DIR_INT_H
#define MESHPANEL_MIGRATE_DIR_INT_H

#include "api/migrate_dir.h"
#include "model/migstate.h"
#include "model/parse.h"
#include "model/strbuf.h"

/* One file that holds (or held, before cutover) Ingresses. */
typedef struct {
    char *rel;  /* under DIR */
    char *tree; /* bytes of DIR/rel now; NULL: absent */
    size_t tree_len;
    int mode;          /* permission bits of the file (tree, else backup) */
    bool backup;       /* DIR/.meshpanel/backup/rel exists */
    bool tree_has_ing; /* DIR/rel still holds the Ingresses */
    doc_list ings;     /* its Ingresses as they were */
    char *gen_rel;     /* its generated file, under DIR */
    char *gen;         /* bytes of the generated file now; NULL: absent */
    size_t gen_len;
    bool gen_ours; /* every document of it carries meshpanel's label */
    char *want;    /* what apply writes; NULL: nothing was converted */
    size_t nwant;
    bool suspended; /* every Ingress of it is */
    bool foreign;   /* holds Ingresses of a tenant not selected */
    bool done;      /* handled in this run (shared by two tenants) */
    mig_state state;
} dir_file;

typedef struct {
    mig_tenant res;
    size_t *files;
    size_t nfiles;
} dir_tenant;

struct mig_dir {
    char *root;
    mig_opts o;
    dir_file *f;
    size_t nf;
    doc_list ctx;   /* every other object of the tree (Services, Istio objects) */
    char **orphans; /* generated files of meshpanel no Ingress file names */
    size_t norphans;
    dir_tenant *t;
    size_t nt;
};

/* migrate_dir.c */
char *dir_path(const mig_dir *d, const char *prefix, const char *rel); /* NULL: OOM */
void dir_file_state(dir_file *f);
const char *dir_tenant_state(const mig_dir *d, const dir_tenant *t);
/* The verify of tenant t against the Istio objects of the tree: 0 with the
 * mismatch count in *nm (lines into sb and a summary into msg when not
 * NULL), -1 with err. */
int dir_verify(mig_dir *d, dir_tenant *t, size_t *nm, strbuf *sb, char *msg, size_t msgn,
               mp_err *err);

/* migrate_dir_steps.c: one step on one tenant (preview: describe only). */
void dir_step(mig_dir *d, dir_tenant *t, mig_step step, bool preview);

#endif
