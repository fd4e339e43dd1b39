/*
 * kubeconfig.h - find, merge and resolve kubeconfig files the way kubectl does.
 *
 * Loading rules, in order:
 *   1. --kubeconfig FILE: that file only (it must exist);
 *   2. $KUBECONFIG: a colon-separated list; missing files are skipped; files
 *      are merged so the first file that defines a cluster, user or context
 *      name (or current-context) wins;
 *   3. ~/.kube/config when it exists;
 *   4. in-cluster: when none of the above yields a context and
 *      KUBERNETES_SERVICE_HOST/PORT are set, the pod's service account
 *      (token, ca.crt, namespace under kc_options.sa_dir).
 * Relative paths (certificate-authority, client-certificate, client-key,
 * tokenFile, an exec command holding a '/') resolve against the directory of
 * the file that defined the entry.
 *
 * Resolution picks the context (--context, else current-context), reads its
 * cluster and user, loads referenced files and decodes *-data fields into
 * memory: certificates reach libcurl as blobs, never as temp files. The
 * namespace is --namespace, else the context's, else "default".
 *
 * Credentials go over TLS only, as kubectl does it: with an http:// server
 * the user's token, password, client certificate and exec plugin are
 * dropped (the plugin never runs) and kube_conn.warning says so. A token
 * holding a control character (a CR/LF would add headers) is an error.
 *
 * Errors name the file and the entry: `kubeconfig /home/u/.kube/config:
 * user "dev": client-certificate /home/u/.kube/dev.crt: No such file or
 * directory`. Credential values never appear in messages.
 *
 * Ownership: kubeconfig_load returns an opaque merged config freed with
 * kubeconfig_free; kube_conn is owned by the caller (kube_conn_free wipes the
 * secrets it holds). Strings returned by getters are borrowed.
 */
#ifndef MESHPANEL_KUBECONFIG_H
#define MESHPANEL_KUBECONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "api/exec_cred.h"
#include "model/err.h"

#define KC_DEFAULT_SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

typedef struct {
    const char *kubeconfig; /* --kubeconfig; NULL: $KUBECONFIG, ~/.kube/config */
    const char *context;    /* --context; NULL: current-context */
    const char *ns;         /* --namespace; NULL: the context's */
    const char *sa_dir;     /* in-cluster credentials; NULL: KC_DEFAULT_SA_DIR */
    /* For source_cluster_new (api/source.h): khttp_opts.timeout_ms of its
     * client (0: khttp's default, < 0: none). Loading ignores it. */
    long request_timeout_ms;
    /* --disable-compression: no gzip for any cluster (true wins over the
     * cluster's disable-compression, as in kubectl) */
    bool disable_compression;
} kc_options;

typedef struct kubeconfig kubeconfig;

typedef struct {
    const char *name, *cluster, *user, *ns; /* ns may be NULL */
} kc_context;

/* Everything needed to talk to one cluster as one user. */
typedef struct {
    char *context;     /* context name, or "in-cluster" */
    char *source;      /* "kubeconfig FILE" / "in-cluster service account", for messages */
    char *server;      /* https://host:port (no trailing slash) */
    char *ns;          /* effective namespace */
    bool ns_explicit;  /* ns came from --namespace */
    unsigned char *ca; /* PEM bundle or NULL (system CAs) */
    size_t ca_len;
    unsigned char *cert, *key; /* client certificate + key, PEM, or NULL */
    size_t cert_len, key_len;
    char *token;               /* bearer token or NULL */
    char *username, *password; /* basic auth or NULL */
    exec_cred *exec;           /* credential plugin or NULL */
    bool insecure;             /* insecure-skip-tls-verify */
    char *tls_server_name;
    char *proxy_url;
    /* the cluster's disable-compression or --disable-compression: answers are
     * not asked for gzip (a fast link to the server: compressing a large
     * list costs the server more time than sending it) */
    bool disable_compression;
    /* One line for the user when the context's credentials were dropped
     * (an http:// server: kubectl sends credentials only over TLS), else
     * NULL. The command or console shows it once. */
    char *warning;
} kube_conn;

/* Loads and merges per the rules above. An empty result (no file found) is
 * not an error here: kubeconfig_context_count() is then 0. */
kubeconfig *kubeconfig_load(const kc_options *opt, mp_err *err);
void kubeconfig_free(kubeconfig *kc);
const char *kubeconfig_current_context(const kubeconfig *kc); /* NULL when unset */
size_t kubeconfig_context_count(const kubeconfig *kc);
/* Contexts in merge order (first file first, file order inside). */
void kubeconfig_context_at(const kubeconfig *kc, size_t i, kc_context *out);
/* The files that were read, for messages ("" when none). */
const char *kubeconfig_files(const kubeconfig *kc);

/* Resolves the selected context of a loaded config. */
kube_conn *kubeconfig_resolve(const kubeconfig *kc, const kc_options *opt, mp_err *err);
/* Load + resolve, with the in-cluster fallback. */
kube_conn *kube_conn_load(const kc_options *opt, mp_err *err);
/* In-cluster credentials only (KUBERNETES_SERVICE_HOST/PORT + sa_dir). */
kube_conn *kube_conn_in_cluster(const kc_options *opt, mp_err *err);
void kube_conn_free(kube_conn *c);

#endif
