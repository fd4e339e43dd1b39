/*
 * strbuf.h - a growable NUL-terminated byte buffer.
 *
 * Ownership: the strbuf owns buf; strbuf_detach hands it to the caller.
 * Allocation failure sets oom and later appends become no-ops, so callers
 * check once at the end.
 */
#ifndef MESHPANEL_STRBUF_H
#define MESHPANEL_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *buf;
    size_t len;
    size_t cap;
    bool oom;
} strbuf;

void strbuf_init(strbuf *sb);
void strbuf_free(strbuf *sb);
void strbuf_append(strbuf *sb, const char *s, size_t n);
void strbuf_puts(strbuf *sb, const char *s);
void strbuf_putc(strbuf *sb, char c);
void strbuf_printf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_reset(strbuf *sb);
/* Room for extra more bytes (and the NUL) at once, so that appends of a
 * known total do not grow the buffer step by step. False (oom set) out of
 * memory. */
bool strbuf_reserve(strbuf *sb, size_t extra);
/* Returns the buffer (never NULL unless oom) and re-initialises sb. */
char *strbuf_detach(strbuf *sb, size_t *len);

/* snprintf(buf, n, "%s%s...", ...) without the format parser, for labels and
 * field paths built once per object: the NULL-terminated strings one after
 * another, cut to n - 1 bytes and NUL-terminated (nothing written if n is 0). */
void str_join(char *buf, size_t n, ...) __attribute__((sentinel));
/* The decimal digits of v into buf (at least 21 bytes), NUL-terminated.
 * Returns their count. */
size_t str_utoa(char *buf, unsigned long long v);

#endif
