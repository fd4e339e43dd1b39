/*
 * view_yaml.c - the detail pane's YAML of the selected object.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/emit.h"
#include "model/kobj.h"
#include "tui/textview.h"

typedef struct {
    text_data text; /* first: text_view_* read it as text_data */
    char ref[512];  /* object shown, to keep the scroll position on refresh */
} yaml_data;

static void yaml_rebuild(view *v, ui *u)
{
    yaml_data *d = v->data;
    text_clear(&d->text);
    const store_obj *o = ui_selected_object(u);
    char ref[512];
    long jump = -1;
    if (!o) {
        snprintf(d->text.title, sizeof d->text.title, "YAML");
        text_add(&d->text, ROLE_ROW_DIM, "Select an object to see its YAML.");
        ref[0] = 0;
    } else {
        kobj_ref(o->doc, ref, sizeof ref);
        snprintf(d->text.title, sizeof d->text.title, "YAML %s", ref);
        mp_err err = {{0}};
        size_t len;
        char *y = doc_emit_yaml(o->doc, &len, &err);
        jump = y ? ui_jump_line(u, o->doc, 0) : -1;
        if (y)
            text_add_yaml(&d->text, y);
        else
            text_add(&d->text, ROLE_ERROR, "cannot show %s: %s", ref, err.msg);
        free(y);
    }
    if (strcmp(ref, d->ref) != 0) {
        v->top = 0;
        d->text.mark = 0;
    }
    if (jump >= 0) { /* :problems' Enter: the field's line, highlighted, under one of context */
        v->top = jump > 0 ? (size_t)jump - 1 : 0;
        d->text.mark = (size_t)jump + 1;
    }
    snprintf(d->ref, sizeof d->ref, "%s", ref);
    text_view_done(v);
}

static void detail_enter(view *v, ui *u)
{
    (void)v;
    (void)u;
}

static const view_ops yaml_ops = {
    .name = "yaml",
    .rebuild = yaml_rebuild,
    .draw = text_view_draw,
    .enter = detail_enter,
    .title = text_view_title,
    .free = text_view_free,
};

void view_yaml_init(view *v)
{
    v->ops = &yaml_ops;
    v->scroll_only = true;
    v->data = calloc(1, sizeof(yaml_data));
}
