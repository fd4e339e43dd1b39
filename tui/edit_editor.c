/*
 * edit_editor.c - E: the selected object's YAML in $EDITOR, like `kubectl
 * edit`. The result is parsed and checked; on a problem the editor opens
 * again with the problems as comments on top; saving the file unchanged
 * (or emptying it) cancels. A good result replaces the working copy as one
 * undo step and the diff shows it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/editor.h"
#include "api/fsutil.h"
#include "model/emit.h"
#include "model/istio.h"
#include "model/istio_check.h"
#include "model/kobj.h"
#include "model/parse.h"
#include "model/strbuf.h"
#include "tui/edit.h"
#include "tui/edit_int.h"

#define MAX_ROUNDS 20
#define MARK       "# meshpanel:"

/* The text without our comment lines at the top. */
static const char *body_of(const char *text)
{
    const char *p = text;
    while (!strncmp(p, MARK, strlen(MARK))) {
        const char *nl = strchr(p, '\n');
        if (!nl)
            return p + strlen(p);
        p = nl + 1;
    }
    return p;
}

static void add_problem(strbuf *sb, size_t *n, const char *fmt, const char *a, const char *b)
{
    strbuf_puts(sb, MARK " ");
    strbuf_printf(sb, fmt, a, b ? b : "");
    strbuf_putc(sb, '\n');
    (*n)++;
}

/* Checks the edited text; returns the object, or NULL with the problems
 * as comment lines in sb. */
static doc_node *check(ui *u, const edit_obj *o, const char *text, strbuf *sb, size_t *nproblems)
{
    doc_list l;
    doc_list_init(&l);
    mp_err err = {{0}};
    doc_node *obj = NULL;
    if (doc_parse_yaml(text, strlen(text), "edited", &l, &err) < 0) {
        add_problem(sb, nproblems, "%s%s", err.msg, NULL);
    } else if (l.len != 1 || !doc_is_map(l.docs[0])) {
        char n[32];
        snprintf(n, sizeof n, "%zu", l.len);
        add_problem(sb, nproblems, "one object (a YAML map) is expected, found %s documents%s", n,
                    NULL);
    } else {
        obj = doc_list_take(&l, 0);
        const char *kind = kobj_kind(obj), *name = kobj_name(obj), *ns = kobj_namespace(obj);
        if (!kind || strcmp(kind, o->kind) || !name || strcmp(name, o->name) ||
            strcmp(ns ? ns : "", o->ns))
            add_problem(sb, nproblems, "kind, metadata.name and metadata.namespace stay %s%s",
                        o->ref, NULL);
        istio_check_opts co = {.tenant_prefix = u->cfg.tenant_prefix,
                               .gateway_namespace = "istio-system"};
        mp_warnings w;
        mp_warnings_init(&w);
        istio_check(obj, &co, &w);
        for (size_t i = 0; i < w.len; i++)
            if (w.items[i].sev == MP_SEV_ERROR)
                add_problem(sb, nproblems, "%s: %s", w.items[i].field, w.items[i].message);
        mp_warnings_free(&w);
    }
    doc_list_free(&l);
    if (*nproblems) {
        doc_free(obj);
        return NULL;
    }
    return obj;
}

/* One round: write, edit, read back. NULL when the editor failed. */
static char *round_trip(const char *text, mp_err *err)
{
    char path[4200];
    if (editor_tempfile(text, strlen(text), path, sizeof path, err) < 0)
        return NULL;
    int rc = editor_run(path, err);
    char *back = NULL;
    if (rc > 0)
        mp_errf(err, "the editor exited with status %d: edit cancelled", rc);
    else if (rc == 0)
        back = fs_read_file(path, NULL, err);
    editor_tempfile_remove(path);
    return back;
}

static void give_terminal(ui *u, bool away)
{
    if (u->script)
        return;
    if (away) {
        def_prog_mode();
        endwin();
    } else {
        reset_prog_mode();
        clearok(curscr, TRUE);
        u->layout_dirty = true;
    }
}

static char *first_text(const edit_obj *o)
{
    mp_err err;
    char *yaml = doc_emit_yaml(o->work, NULL, &err);
    if (!yaml)
        return NULL;
    strbuf sb;
    strbuf_init(&sb);
    strbuf_printf(&sb,
                  MARK " editing %s. Save and quit to take the change into the form;\n" MARK
                       " quit without saving (or empty the file) to cancel.\n",
                  o->ref);
    strbuf_puts(&sb, yaml);
    free(yaml);
    return strbuf_detach(&sb, NULL);
}

void edit_in_editor(ui *u)
{
    edit_screen *ed = u->edit;
    size_t i = ed->sel.obj;
    const edit_obj *o = editset_at(ed->es, i);
    char *text = first_text(o);
    mp_err err = {{0}};
    give_terminal(u, true);
    for (int round = 0; text && round < MAX_ROUNDS; round++) {
        char *back = round_trip(text, &err);
        if (!back || !strcmp(back, text) || !*body_of(back)) {
            if (back)
                snprintf(err.msg, sizeof err.msg, "%s", round ? "edit cancelled" : "no change");
            free(back);
            break;
        }
        strbuf sb;
        strbuf_init(&sb);
        size_t np = 0;
        doc_node *obj = check(u, o, back, &sb, &np);
        if (obj) {
            strbuf_free(&sb);
            free(back);
            istio_canonical_order(obj);
            editset_checkpoint(ed->es);
            ed->last_path[0] = 0;
            give_terminal(u, false);
            edit_replace(u, i, obj);
            ui_set_message(u, false, "took the YAML from $EDITOR (%s)", o->ref);
            free(text);
            return;
        }
        strbuf_printf(&sb, MARK " fix %s above and save, or quit without saving to cancel\n",
                      np == 1 ? "the problem" : "the problems");
        strbuf_puts(&sb, body_of(back));
        free(back);
        free(text);
        text = strbuf_detach(&sb, NULL);
    }
    give_terminal(u, false);
    free(text);
    ui_set_message(u, err.msg[0] && strcmp(err.msg, "no change"), "$EDITOR: %s",
                   err.msg[0] ? err.msg : "edit cancelled");
}
