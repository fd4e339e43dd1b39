/*
 * view_preview.c - the detail pane's conversion preview.
 */
#include <stdio.h>
#include <stdlib.h>

#include "model/kobj.h"
#include "tui/textview.h"

static void preview_rebuild(view *v, ui *u)
{
    text_data *d = v->data;
    text_clear(d);
    snprintf(d->title, sizeof d->title, "Preview");
    const store_obj *o = ui_selected_object(u);
    char ref[512];
    if (o)
        snprintf(d->title, sizeof d->title, "Preview %s", kobj_ref(o->doc, ref, sizeof ref));
    text_add(d, ROLE_ROW_DIM, "The converter is not part of this build yet.");
    v->top = 0;
    text_view_done(v);
}

static void preview_enter(view *v, ui *u)
{
    (void)v, (void)u;
}

static const view_ops preview_ops = {
    .name = "preview",
    .rebuild = preview_rebuild,
    .draw = text_view_draw,
    .enter = preview_enter,
    .title = text_view_title,
    .free = text_view_free,
};

void view_preview_init(view *v)
{
    v->ops = &preview_ops;
    v->scroll_only = true;
    v->data = calloc(1, sizeof(text_data));
}
