/*
 * view_help.c - `?`: generated from the action table (with the keys as
 * currently bound) and the command table, so help cannot drift.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/command.h"
#include "tui/textview.h"

static void help_rebuild(view *v, ui *u)
{
    text_data *d = v->data;
    text_clear(d);
    snprintf(d->title, sizeof d->title, "Help (Esc, q or ? closes)");
    const action_def *t = action_table();
    const char *group = NULL;
    for (int i = 0; i < ACTION_COUNT; i++) {
        if (!group || strcmp(group, t[i].group) != 0) {
            if (group)
                text_add(d, ROLE_NORMAL, "%s", "");
            group = t[i].group;
            text_add(d, ROLE_COLUMN_HEADER, "%s", group);
        }
        char keys[64];
        text_add(d, ROLE_NORMAL, "  %-16s %-18s %s",
                 keymap_describe(&u->km, t[i].id, keys, sizeof keys), t[i].name, t[i].help);
    }
    text_add(d, ROLE_NORMAL, "%s", "");
    text_add(d, ROLE_COLUMN_HEADER, "Commands (:)");
    size_t nc;
    const command_def *c = command_table(&nc);
    for (size_t i = 0; i < nc; i++) {
        if (c[i].script_only)
            continue;
        char name[64];
        snprintf(name, sizeof name, ":%s%s%s", c[i].name, c[i].args ? " " : "",
                 c[i].args ? c[i].args : "");
        text_add(d, ROLE_NORMAL, "  %-22s %s", name, c[i].help);
    }
    text_add(d, ROLE_NORMAL, "%s", "");
    text_add(d, ROLE_COLUMN_HEADER, "Filter (/)");
    text_add(d, ROLE_NORMAL, "  /text       rows containing text (any column, case-insensitive)");
    text_add(d, ROLE_NORMAL, "  /!text      rows not containing text");
    text_add(d, ROLE_NORMAL, "  /re:REGEX   POSIX extended regex, /!re:REGEX negated");
    text_add(d, ROLE_NORMAL, "  /-l k=v     label selector: k=v, k!=v, k, !k, comma-separated");
    text_add(d, ROLE_NORMAL, "  Esc         clears the filter");
    text_add(d, ROLE_NORMAL, "%s", "");
    text_add(d, ROLE_COLUMN_HEADER, "Mouse");
    text_add(d, ROLE_NORMAL, "  click selects a row and focuses its pane; the wheel scrolls");
    text_view_done(v);
}

static void help_enter(view *v, ui *u)
{
    (void)v;
    u->help_open = false;
    u->layout_dirty = true;
}

static const view_ops help_ops = {
    .name = "help",
    .rebuild = help_rebuild,
    .draw = text_view_draw,
    .enter = help_enter,
    .title = text_view_title,
    .free = text_view_free,
};

void view_help_init(view *v)
{
    v->ops = &help_ops;
    v->scroll_only = true;
    v->data = calloc(1, sizeof(text_data));
}
