/*
 * filter.h - the `/` filter: substring, negation, regex, label selector.
 *
 *   text        case-insensitive substring of any field
 *   !text       rows that do NOT contain text
 *   re:REGEX    POSIX extended regex (case-insensitive) on any field
 *   !re:REGEX   negated regex
 *   -l k=v,k2!=v2,k3,!k4   label selector (kubectl semantics)
 *
 * Ownership: a filter owns its copy of the expression and compiled regex;
 * filter_clear releases them. Pure logic (tui/ only because the console is
 * its only user).
 */
#ifndef MESHPANEL_FILTER_H
#define MESHPANEL_FILTER_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "model/doc.h"
#include "model/err.h"

typedef enum { FILTER_NONE, FILTER_TEXT, FILTER_REGEX, FILTER_LABELS } filter_mode;

typedef enum { LBL_EQ, LBL_NE, LBL_EXISTS, LBL_ABSENT } label_op;

typedef struct {
    char *key, *value;
    label_op op;
} label_req;

typedef struct {
    filter_mode mode;
    bool negate;
    char *expr;   /* as typed, for the status line */
    char *needle; /* FILTER_TEXT, lower-cased */
    regex_t re;   /* FILTER_REGEX */
    label_req *reqs;
    size_t nreqs;
} row_filter;

void filter_init(row_filter *f);
void filter_clear(row_filter *f);
/* Parses expr (empty: clears). On error f is unchanged. */
int filter_set(row_filter *f, const char *expr, mp_err *err);
bool filter_active(const row_filter *f);
/* Does a row pass? fields are the row's full (untruncated) texts; labels is
 * the object's metadata.labels map (NULL when none). */
bool filter_match(const row_filter *f, const char *const *fields, size_t nfields,
                  const doc_node *labels);
/* The same answer faster for rows matched on every keystroke: folded is
 * filter_fold_join of the fields (text filters search it with one strstr,
 * the other kinds use the fields). */
bool filter_match_folded(const row_filter *f, const char *const *fields, size_t nfields,
                         const char *folded, const doc_node *labels);
/* The fields ASCII-folded, each followed by a newline; malloc'd, NULL when
 * out of memory. */
char *filter_fold_join(const char *const *fields, size_t nfields);

#endif
