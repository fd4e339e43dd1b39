/*
 * snippet.h - the nginx snippet one-liners that have an Istio equivalent.
 *
 * configuration-snippet / server-snippet hold raw nginx directives. A few
 * common ones only set or remove headers and translate to VirtualService
 * http[].headers:
 *   more_set_headers "K: V"         -> headers.response.set ("K:", K -> remove)
 *   more_clear_headers K ["K:" ...] -> headers.response.remove
 *   add_header K V [always]         -> headers.response.add
 *   proxy_hide_header K             -> headers.response.remove
 *   proxy_set_header K V            -> headers.request.set ("" -> remove)
 *   more_set_input_headers "K: V"   -> headers.request.set
 *   more_clear_input_headers K      -> headers.request.remove
 * Buffer tuning (client_header_buffer_size, proxy_buffer_size, ...) has no
 * Istio meaning and is ignored. Everything else, and any value holding an
 * nginx variable ($...), a wildcard name (X-*) or a -s/-t/-r option, is left
 * untranslated and listed for the warning.
 * The text is split as nginx splits it: statements end at ';', a { } block
 * (if, location, ...) is one untranslated unit whatever it holds, quotes
 * hide ';' and braces.
 * An untranslated directive that restricts access (allow, deny, auth_*,
 * satisfy, limit_except, access_by_lua*, rewrite_by_lua*, ssl_verify_client,
 * modsecurity*, return with a 4xx/5xx code) is named in access: nginx
 * refuses some requests there, which the headers alone would let through.
 */
#ifndef MESHPANEL_SNIPPET_H
#define MESHPANEL_SNIPPET_H

#include <stddef.h>

#include "model/annotations.h"
#include "model/strbuf.h"

typedef struct {
    size_t translated;
    size_t ignored;
    size_t untranslated;
    /* the untranslated statements and blocks, "; "-joined, each on one line:
     * "set $a 1; if ($x) {return 403; }" */
    strbuf rest;
    /* the first untranslated directive that restricts access or answers
     * instead of the backend ("deny", "auth_request", "return 403", ...,
     * also inside blocks), "" when none: the converter closes the route */
    char access[40];
} snippet_result;

/* Translates snippet into h (maps created on demand). r must be freed with
 * snippet_result_free. Returns 0 or -1 on out of memory. */
int snippet_translate(const char *snippet, hdr_mods *h, snippet_result *r);
void snippet_result_free(snippet_result *r);

/* The same in two steps, for a text that many Ingresses repeat (6,500 of
 * 10,000 carry one server-snippet): snippet_compile reads the text once
 * into a plan (the result and the header changes in order, NULL when out
 * of memory); snippet_plan_apply makes those changes to h exactly as
 * snippet_translate would (0 or -1 out of memory). The plan owns its
 * result; snippet_plan_free frees both. */
typedef struct snippet_plan snippet_plan;
snippet_plan *snippet_compile(const char *snippet);
const snippet_result *snippet_plan_result(const snippet_plan *p);
int snippet_plan_apply(const snippet_plan *p, hdr_mods *h);
void snippet_plan_free(snippet_plan *p);

#endif
