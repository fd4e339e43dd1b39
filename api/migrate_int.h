/*
 * migrate_int.h - what the migrate_*.c files share (not an interface).
 *
 * The session's snapshot is an mp_store. Pointers into it are never kept
 * across a write (store_put frees the replaced tree): entries and lists
 * hold identities and look objects up when they need them.
 */
#ifndef MESHPANEL_MIGRATE_INT_H
#define MESHPANEL_MIGRATE_INT_H

#include "api/migrate.h"
#include "model/hmap.h"
#include "model/migstate.h"
#include "model/store.h"
#include "model/strbuf.h"

/* One Ingress meshpanel knows: live, or retired (its backup held by a
 * VirtualService of meshpanel). */
typedef struct {
    char *ns, *name;
    doc_node *original; /* owned: as it was before meshpanel */
    bool backed_up;     /* a live VirtualService of meshpanel holds its backup */
    size_t nobjects;    /* live objects of meshpanel that name it */
    bool converted;     /* a generated object names it */
    mig_reading r;
} ing_entry;

/* kind/ns/name of an object (owned strings). */
typedef struct {
    char *kind, *ns, *name;
} obj_id;

typedef struct {
    obj_id *v;
    size_t n, cap;
} id_vec;

typedef struct {
    size_t *v;
    size_t n, cap;
} idx_vec;

typedef struct {
    mig_tenant res;
    size_t lo, hi; /* its entries: s->ents[lo..hi) */
    idx_vec gen;   /* indexes into the plan */
    id_vec live;   /* live objects of meshpanel that name its Ingresses */
    char *denied;  /* its namespace could not be read (a tenant token): why */
} tenant_slot;

struct mig_session {
    kclient *c;
    mig_opts o;
    mp_store *st;
    bool restricted; /* could not list across namespaces */
    bool secrets_gw; /* Secrets of the gateway namespace were read */
    ing_entry *ents;
    size_t nents;
    hmap ent_idx; /* "ns\x1fname" -> entry */
    convert_plan *plan;
    tenant_slot *t;
    size_t nt;
    char **notes;
    size_t nnotes;
    char **denied; /* "ns\x1fmessage": namespaces whose lists were forbidden */
    size_t ndenied;
    /* host -> the VirtualServices naming it (identities: vs_ids[i]), built
     * on first use by verify; stale once a step may change their hosts */
    hmap vs_hosts;
    id_vec *vs_ids;
    size_t nvs_ids;
    bool vs_ok;
};

/* ---- migrate.c ---- */
void mig_note(mig_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
ing_entry *mig_entry(mig_session *s, const char *ns, const char *name);
const doc_node *mig_live(mig_session *s, const char *kind, const char *ns, const char *name);
int idx_push(idx_vec *v, size_t i);
int id_push(id_vec *v, const char *kind, const char *ns, const char *name);
void id_vec_free(id_vec *v);
/* Tenant result helpers (msg printf-style). */
void t_set(tenant_slot *t, mig_tstatus st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void t_detail(tenant_slot *t, strbuf *sb);
/* The tenant's state from its entries' readings (refreshed). */
void t_state(mig_session *s, tenant_slot *t, char *out, size_t n);
/* Re-reads the readings of the tenant's entries from the store; recount:
 * count the objects naming each again (after a step wrote), from the
 * tenant's and the gateway's namespace. */
void mig_reread(mig_session *s, tenant_slot *t, bool recount);
/* Puts a server answer into the store; frees it. */
void mig_store_put(mig_session *s, doc_node *obj);
/* Merge patch of a live object (an Ingress, a VirtualService) to want,
 * with the live resourceVersion as precondition; the answer goes into the
 * store. 1 written, 0 nothing to change, -1 with err (409: "changed since
 * it was read"). */
int mig_patch(mig_session *s, const doc_node *live, const doc_node *want, mp_err *err);
/* Deletes a live object with its uid and resourceVersion as preconditions. */
int mig_delete(mig_session *s, const doc_node *live, mp_err *err);
/* Backup file of entry e (its live Ingress, or the original when gone)
 * with the extra objects. */
int mig_backup(mig_session *s, const ing_entry *e, doc_node *const *extra, size_t nextra,
               const char *step, mp_err *err);
const char *mig_disabled(const mig_session *s);
char *mig_now_text(const mig_session *s, char *buf, size_t n); /* RFC 3339 */

/* ---- migrate_read.c ---- */
int mig_read_cluster(mig_session *s, mp_err *err);
int mig_build(mig_session *s, mp_err *err);
/* The selected tenant ns, or NULL. */
tenant_slot *mig_find_tenant(mig_session *s, const char *ns);

/* ---- per step (migrate_apply.c, migrate_verify.c, migrate_cutover.c,
 * migrate_rollback.c): one tenant; the result goes into t->res ---- */
void mig_apply_tenant(mig_session *s, tenant_slot *t, bool preview, bool plan);
void mig_verify_tenant(mig_session *s, tenant_slot *t, bool preview);
void mig_cutover_tenant(mig_session *s, tenant_slot *t, bool preview);
void mig_retire_tenant(mig_session *s, tenant_slot *t, bool preview);
void mig_rollback_tenant(mig_session *s, tenant_slot *t, bool preview);

/* migrate_cert.c: plan's lines on where each host's certificate must be
 * (and the Certificates offered); cutover's check of the live objects:
 * 0, or -1 with why. */
void mig_cert_report(mig_session *s, tenant_slot *t, doc_node *const *gen, size_t n, strbuf *sb);
int mig_cert_check(mig_session *s, tenant_slot *t, char *why, size_t n);

/* migrate_verify.c: the VirtualServices by host (vs_hosts): forget them
 * (a step changed hosts), or free them. */
void mig_vs_index_free(mig_session *s);
/* migrate_probe.c: the live probe of r's requests (when both addresses
 * are set); one line per difference into sb; how many differed. */
typedef struct verify_report verify_report;
size_t mig_probe_tenant(mig_session *s, const verify_report *r, strbuf *sb);
/* migrate_verify.c: the fingerprint of what verify checks for t. */
char *mig_tenant_fingerprint(mig_session *s, tenant_slot *t);
/* Do all of t's live VirtualServices of meshpanel carry fingerprint fp?
 * why gets the reason when not. */
bool mig_verified(mig_session *s, tenant_slot *t, const char *fp, char *why, size_t n);

#endif
