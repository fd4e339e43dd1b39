/*
 * datadir.h - where the bundled data (demo manifests, themes) is.
 *
 * An installed binary finds it relative to its own prefix,
 * PREFIX/bin/meshpanel -> PREFIX/share/meshpanel/<what>, so a package or a
 * `cmake --install --prefix` anywhere works, and it never looks at a path of
 * the machine it was built on. A binary still in its build tree (CMake
 * writes the source tree's path into BUILD/meshpanel-source-dir) uses the
 * source tree instead, so a developer sees their edits without installing.
 *
 * The executable is /proc/self/exe, else argv0 when it holds a '/'.
 */
#ifndef MESHPANEL_DATADIR_H
#define MESHPANEL_DATADIR_H

#include <stddef.h>

/* The directory of the bundled `what` ("demo" or "themes"; in the source
 * tree at source_rel, e.g. "tests/data/demo"), written into buf; NULL when
 * it does not exist. */
const char *datadir_find(const char *argv0, const char *what, const char *source_rel, char *buf,
                         size_t n);

#endif
