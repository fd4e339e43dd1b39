/*
 * manifests.h - Kubernetes objects from files, directories and stdin.
 *
 * A path is a file (YAML, multi-document, or JSON), a directory (read
 * recursively: *.yaml, *.yml, *.json in path order; dot-files and
 * dot-directories skipped) or "-" for standard input. Every document must be
 * an object or a List of objects.
 *
 * All-or-nothing: on error `out` is left as it was and err names the file,
 * the line, the document and the field. On success the objects are appended
 * to out (owned by the list). Null fields are dropped (kobj_flatten): the
 * API server reads them as absent.
 */
#ifndef MESHPANEL_MANIFESTS_H
#define MESHPANEL_MANIFESTS_H

#include <stdint.h>

#include "model/err.h"
#include "model/parse.h"

int manifests_load(const char *path, doc_list *out, mp_err *err);

/* Checks the objects of one file (their kinds' fields) after they loaded:
 * adds one line to errs per bad object, naming file and line. */
typedef void (*manifests_check_fn)(const char *file, doc_node *const *objs, size_t n, void *ctx,
                                   mp_errlist *errs);
/* Like manifests_load, but goes on after a bad file or document, so that
 * every problem of every file is one line in errs ("FILE:LINE: doc N: ..."
 * or what check adds; a file that is not YAML/JSON is one line). check
 * may be NULL. Returns 0 when errs got no line (the objects are appended
 * to out), else -1 and out is left as it was. */
int manifests_load_all(const char *path, doc_list *out, manifests_check_fn check, void *ctx,
                       mp_errlist *errs);
/* The objects of manifests_load_all, one document at a time: each
 * object of a document that passed its shape check is handed to each
 * (which takes it, checks it as check would and adds a line to errs when
 * it is bad: file is the file's name for messages) and the document's
 * tree is gone before the next is read, so the objects of a path never
 * exist all at once. Once the path has a bad object, each is not called
 * any more: check is, and the objects are freed. The lines in errs are
 * manifests_load_all's, in its order. each returns 0, or -1 to stop
 * handing objects over (its error is its own). Returns 0 when errs got no
 * line and each never failed, else -1. */
typedef int (*manifests_each_fn)(doc_node *obj, const char *file, mp_errlist *errs, void *ud);
int manifests_stream_all(const char *path, manifests_check_fn check, void *ctx,
                         manifests_each_fn each, void *ud, mp_errlist *errs);
/* manifests_stream_all that first offers each item of a JSON List to
 * take as its bytes (doc_reader_next_take, parse.h; take->ud is take's,
 * ud each's), wherever each would get its tree: take->fn returns 1 when
 * it took the item (each is not called for it; fn has done with it what
 * each would have done, without a problem), 0 to have it read and handed
 * to each, -1 to stop as each's -1 does. take->commit likewise for an
 * item take->peek decoded ahead; peek is only asked while the path has no
 * bad object. take NULL: manifests_stream_all. */
int manifests_stream_take(const char *path, manifests_check_fn check, void *ctx,
                          manifests_each_fn each, const doc_take *take, void *ud, mp_errlist *errs);
/* Parses one buffer already in memory (name is for messages). */
int manifests_parse(const char *buf, size_t len, const char *name, doc_list *out, mp_err *err);
/* The files path stands for, as manifests_load reads them (sorted; a
 * file is itself). *files is the caller's: each string and the array. */
int manifests_files(const char *path, char ***files, size_t *n, mp_err *err);
/* A cheap fingerprint of the files under path (names, sizes, mtimes) so a
 * watcher can tell that something changed without re-parsing. */
int manifests_signature(const char *path, uint64_t *sig, mp_err *err);

#endif
