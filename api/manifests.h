/*
 * manifests.h - Kubernetes objects from files, directories and stdin.
 *
 * A path is a file (YAML, multi-document, or JSON), a directory (read
 * recursively: *.yaml, *.yml, *.json in path order; dot-files and
 * dot-directories skipped) or "-" for standard input. Every document must be
 * an object or a List of objects.
 *
 * All-or-nothing: on error `out` is left as it was and err names the file,
 * document and field. On success the objects are appended to out (owned by
 * the list).
 */
#ifndef MESHPANEL_MANIFESTS_H
#define MESHPANEL_MANIFESTS_H

#include <stdint.h>

#include "model/err.h"
#include "model/parse.h"

int manifests_load(const char *path, doc_list *out, mp_err *err);
/* Parses one buffer already in memory (name is for messages). */
int manifests_parse(const char *buf, size_t len, const char *name, doc_list *out, mp_err *err);
/* A cheap fingerprint of the files under path (names, sizes, mtimes) so a
 * watcher can tell that something changed without re-parsing. */
int manifests_signature(const char *path, uint64_t *sig, mp_err *err);

#endif
