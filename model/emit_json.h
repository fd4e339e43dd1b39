/*
 * emit_json.h - pieces of emit_json.c's writer for other writers of the
 * same text (json_reindent.c).
 */
#ifndef MESHPANEL_EMIT_JSON_H
#define MESHPANEL_EMIT_JSON_H

#include <stddef.h>

#include "model/strbuf.h"

/* s[0..n) as doc_json_append writes a string scalar or a key: quoted,
 * cJSON's escapes, DEL, C1 and bidi controls and invalid UTF-8 as \uXXXX, cut
 * at a NUL. Appended to sb (not NUL-terminated: sb->buf[sb->len] is left
 * alone). */
void emit_json_string(strbuf *sb, const char *s, size_t n);

#endif
