/*
 * migrate.h - the migration workflow of issue 9 against a live cluster:
 * plan, apply, verify, cutover, retire, rollback, tenant by tenant.
 *
 * A session reads the cluster once (mig_open: every kind meshpanel knows,
 * Secrets as metadata; across namespaces, or only the selected ones when
 * the credentials may not list across namespaces), decides every
 * Ingress's state from what it read (model/migstate.h), converts every
 * Ingress as it was before meshpanel (with the staged edits, as the
 * console converts) and selects the tenants of the wave. A step then
 * runs tenant by tenant:
 *
 *   plan      nothing is written: per tenant the objects and their diff
 *             against live, the server's dry run of each, the Ingresses
 *             that would be marked, the conversion's findings, and per host
 *             where its certificate must be and whether it is;
 *   apply     backup files, then each Ingress marked dual (a merge patch
 *             with its resourceVersion: an Ingress edited since it was read
 *             is a 409 and the tenant stops before any Istio object is
 *             written), then the objects by cluster_apply (the console's
 *             :apply: dry run of all, then server-side apply, never
 *             forced), then objects of meshpanel no longer generated for
 *             the tenant removed (uid + resourceVersion preconditions);
 *   verify    routing equivalence of the live objects (model/verify.h);
 *             a pass is recorded on the tenant's VirtualServices as a
 *             fingerprint of what was verified (mig_tenant_fingerprint):
 *             cutover and retire need it to match the objects then;
 *   cutover   each dual Ingress disabled (the disabled class, the old one
 *             recorded), refused for the whole tenant when an Ingress has
 *             no Istio route, a certificate is not where the gateway reads
 *             it, or verify has not passed for the current objects;
 *   retire    each cut-over Ingress deleted with uid + resourceVersion
 *             preconditions, after a fresh backup file, when its backup is
 *             held by a VirtualService and verify passed;
 *   rollback  each Ingress back as it was (mig_original of the live one,
 *             or re-created from its backup when retired), then (modes
 *             full and partial) the objects of meshpanel that name only
 *             restored Ingresses removed; mode dual keeps them and marks
 *             the Ingress rolled-back.
 *
 * Every step is idempotent: a tenant already where the step leads is
 * UNCHANGED without a request, so re-running a wave resumes it. Suspended
 * Ingresses (model/migstate.h) are converted as suspended, skipped by
 * cutover and retire, and their objects removed by apply.
 *
 * Before a step writes anything for a tenant it writes the backup files
 * (api/backup.h); the session refuses to start a mutating step when the
 * backup root cannot be written.
 *
 * Ownership: the session borrows the kclient and the strings of the
 * options (they must outlive it); tenant results and their detail texts
 * belong to the session. Blocking; nothing is printed (the CLI and,
 * later, the console's :migrate view do that through the progress
 * callback and the results).
 */
#ifndef MESHPANEL_MIGRATE_H
#define MESHPANEL_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "api/resources.h"
#include "model/convert.h"
#include "model/overlay.h"

typedef enum { MIG_PLAN, MIG_APPLY, MIG_VERIFY, MIG_CUTOVER, MIG_RETIRE, MIG_ROLLBACK } mig_step;
typedef enum { MIG_RB_FULL, MIG_RB_PARTIAL, MIG_RB_DUAL } mig_rb_mode;

const char *mig_step_name(mig_step s); /* "plan", "apply", ... */
/* Does the step write to the cluster? (verify records its result, but
 * is not asked for: it changes no routing) */
bool mig_step_mutates(mig_step s);

typedef struct {
    convert_opts conv;          /* the console's options (skip_invalid set) */
    const mp_overlay *overlay;  /* staged edits, or NULL */
    const char *disabled_class; /* NULL: MIG_DEFAULT_DISABLED_CLASS */
    const char *backup_root;    /* api/backup.h backup_root() */
    const char *cert_issuer;    /* ClusterIssuer the offered Certificates name */
    mig_rb_mode rb_mode;
    bool dry_run;   /* preview only (the session refuses mig_run) */
    bool no_record; /* verify: do not record the result (--readonly) */
    /* verify: also send every request to these HOST:PORT (plain HTTP, the
     * right Host header) and compare status and Location; NULL: no probe */
    const char *probe_gateway, *probe_nginx;
    long probe_timeout_ms;      /* per request; 0: 10 s */
    time_t now;                 /* timestamps of annotations and backup files */
    const char *const *tenants; /* -n NS...: these namespaces */
    size_t ntenants;
    const char *selector; /* -l SEL: namespaces whose Namespace matches */
    unsigned wave_bp;     /* --wave: hundredths of a percent (0: no wave) */
} mig_opts;

typedef enum {
    MIG_T_PENDING,   /* not run (an earlier tenant failed) */
    MIG_T_DONE,      /* the step changed what it had to */
    MIG_T_UNCHANGED, /* already there: nothing written */
    MIG_T_FINDINGS,  /* done, with findings (verify mismatches, Ingresses not converted) */
    MIG_T_FAILED,    /* refused or failed: msg says why */
} mig_tstatus;

const char *mig_tstatus_name(mig_tstatus s); /* "pending", "done", ... */

typedef struct {
    char ns[254];
    mig_tstatus status;
    char state_before[16], state_after[16]; /* tenant states (mig_tenant_state) */
    size_t ningresses;                      /* Ingresses of the tenant */
    size_t nwrites;                         /* requests that changed something */
    char msg[MP_ERR_MAX];                   /* one line */
    char *detail;                           /* preview text (diffs, dry runs, certificates) or the
                                             * mismatches of verify; NULL when none */
} mig_tenant;

typedef struct mig_session mig_session;

/* Reads the cluster, converts, selects the tenants. NULL with err. */
mig_session *mig_open(kclient *c, const mig_opts *o, mp_err *err);
void mig_close(mig_session *s);

size_t mig_ntenants(const mig_session *s);
const mig_tenant *mig_tenant_at(const mig_session *s, size_t i);
/* Lines the session has to say (restricted listing, unreadable backups),
 * each one line; NULL after the last. */
const char *mig_note_at(const mig_session *s, size_t i);

/* Fills each tenant's detail with what step would do; plan also asks the
 * server for a dry run of every object. Writes nothing. -1 with err when
 * nothing could be previewed. */
int mig_preview(mig_session *s, mig_step step, mp_err *err);

typedef void (*mig_progress_fn)(void *ud, size_t done, size_t total, const mig_tenant *t);

/* Runs step on every selected tenant in namespace order, calling fn after
 * each. Stops at the first FAILED tenant (the rest stay PENDING) unless
 * keep_going. Returns the number of FAILED tenants, or -1 with err when
 * the step could not start (backups not writable, dry_run session). */
int mig_run(mig_session *s, mig_step step, bool keep_going, mig_progress_fn fn, void *ud,
            mp_err *err);

/* Ingresses per state (model/migstate.h) over the whole cluster read,
 * tenants per tenant state, and every problem the readings found, for
 * `meshpanel status`. */
typedef struct {
    size_t ingresses[8];  /* by mig_state */
    size_t suspended;     /* Ingresses suspended by the platform */
    const char **tstates; /* tenant state names (static), one per tenant */
    size_t *tcounts;      /* how many tenants are in tstates[i] */
    size_t ntstates;
    char **problems; /* "ingress ns/name: problem" */
    size_t nproblems;
    char **new_ingresses; /* "ingress ns/name" not migrated in a cut-over tenant */
    size_t nnew;
} mig_status;

int mig_status_read(mig_session *s, mig_status *out, mp_err *err);
void mig_status_free(mig_status *st);
/* The board as lines, printable (control characters stripped), as
 * `meshpanel status` prints it and the console's :migrate shows it:
 * "tenants: N (STATE n, ...)", "ingresses: N (...)", then "problems:" and
 * "not migrated in tenants already cut over:" with one "  ..." line each.
 * *out and its strings are the caller's; (size_t)-1 when out of memory. */
size_t mig_status_lines(const mig_status *st, char ***out);
/* Does the board list a problem or an Ingress not migrated? (exit 1) */
bool mig_status_alarming(const mig_status *st);

#endif
