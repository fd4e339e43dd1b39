/*
 * sanitize.h - make untrusted text safe to draw, and measure it in columns.
 *
 * Everything shown on screen that came from a cluster or a file goes through
 * san_clean() (or san_fit(), which also truncates) first: an annotation can
 * carry `ESC ] 52 ; c ; ...` (clipboard write) or `ESC [ 2J` (clear screen).
 *
 * What san_clean removes:
 *   - whole escape sequences: CSI (`ESC [` ... final byte 0x40-0x7e), OSC
 *     (`ESC ]` ... BEL or ESC \), DCS/SOS/PM/APC strings (`ESC P/X/^/_` ...
 *     ESC \), two-byte `ESC x`, the C1 forms of all of these encoded as
 *     UTF-8 (U+009B CSI, U+009D OSC, ...) and the raw 8-bit CSI byte 0x9b;
 *     an unterminated string swallows the rest of the input (safer than
 *     guessing where it ends);
 *   - C0 controls (0x00-0x1f), DEL (0x7f), C1 (U+0080-U+009F);
 *   - bidi controls (U+061C, U+200E/F, U+202A-U+202E, U+2066-U+2069): a
 *     host containing RLO (U+202E) would otherwise display reversed and
 *     look like another host (Trojan Source, CVE-2021-42574).
 * TAB and LF become one space unless SAN_KEEP_TAB / SAN_KEEP_NEWLINE is
 * given (so "a\nb" reads "a b" in a table cell); CR is always dropped.
 * Invalid UTF-8 (bad lead/continuation bytes, overlongs, surrogates,
 * > U+10FFFF, truncated sequences) becomes U+FFFD, one per maximal bad
 * subpart; raw bytes 0x80-0x9f other than 0x9b are invalid UTF-8 too (a
 * UTF-8 terminal never reads them as C1, and they never reach it).
 *
 * Widths follow wcwidth(3) for a UTF-8 locale, from a built-in table (no
 * locale state): combining marks and zero-width chars 0, East Asian Wide /
 * Fullwidth and emoji 2, everything else printable 1. Controls count 0
 * (they never survive san_clean anyway).
 *
 * Pure functions: no I/O, no locale, no curses, no global state.
 * Ownership: functions returning char * return malloc'd strings the caller
 * frees (NULL only when out of memory). Owner: issue 4 (sanitizer/themes).
 */
#ifndef MESHPANEL_SANITIZE_H
#define MESHPANEL_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    SAN_KEEP_TAB = 1u << 0,     /* keep '\t' instead of turning it into a space */
    SAN_KEEP_NEWLINE = 1u << 1, /* keep '\n' (detail pane, YAML) */
};

#define SAN_REPLACEMENT 0xFFFDu
#define SAN_ELLIPSIS    "\xe2\x80\xa6" /* U+2026, one column */

/* Cleaned copy of s[0..len). s may hold NUL bytes (they are dropped). */
char *san_clean(const char *s, size_t len, unsigned flags);
/* Same, NUL-terminated input. */
char *san_cleans(const char *s, unsigned flags);
/* True when s[0..len) is printable ASCII only (0x20-0x7e), which san_clean
 * returns unchanged: the common case, checked eight bytes at a time. */
bool san_is_plain_ascii(const char *s, size_t len);
/* True when san_clean would return s unchanged (fast path for drawing). */
bool san_is_clean(const char *s, size_t len, unsigned flags);

/* Decodes one UTF-8 character at s (len > 0). Returns the bytes consumed
 * (1-4); on invalid input *cp = SAN_REPLACEMENT and the bytes of the bad
 * sequence are consumed (at least 1). */
size_t san_utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Encodes cp into out (4 bytes room); returns bytes written (1-4). */
size_t san_utf8_encode(uint32_t cp, char *out);

/* True for the code points san_clean removes: C0, DEL, C1 and the bidi
 * controls (the encoders escape them instead, model/emit.h). */
bool san_cp_is_control(uint32_t cp);

/* Columns of one code point: 0, 1 or 2 (wcwidth semantics, controls 0). */
int san_cp_width(uint32_t cp);
/* Columns of UTF-8 text (invalid bytes count as U+FFFD, width 1). */
size_t san_width(const char *s, size_t len);
size_t san_widths(const char *s);

/* Bytes of the longest prefix of s that fits in cols columns without
 * splitting a character; a zero-width char (combining mark) stays with the
 * character before it. *width (may be NULL) gets the prefix's columns. */
size_t san_prefix_fit(const char *s, size_t len, size_t cols, size_t *width);

/* Copy of s cut to at most cols columns: when it does not fit, it is cut
 * at a character boundary and ends with SAN_ELLIPSIS (the result is then at
 * most cols columns; a wide char that would straddle the edge is dropped).
 * cols == 0 gives "". s should already be clean. */
char *san_truncate(const char *s, size_t len, size_t cols);

/* The one call for drawing a cell: clean (no tabs/newlines kept) and
 * truncate to cols into out (cap bytes, NUL-terminated, never a split
 * character). Returns the columns used (<= cols); no allocation. When cap
 * is too small for the text that fits, the text is cut earlier and still
 * ends with the ellipsis when anything was lost (cap >= 4). */
size_t san_fit(const char *s, size_t cols, char *out, size_t cap);

#endif
