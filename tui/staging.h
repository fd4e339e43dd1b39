/*
 * staging.h - the operator's staged edits in the console: stage from the
 * edit screen, keep them in $XDG_STATE_HOME/meshpanel/staged/<context>.yaml
 * (api/staged.h), offer them again at the next start, export them (:w), list
 * them (:staged) and apply them (:apply) after a confirmation that shows
 * every object and what applying it changes.
 *
 * What is applied: each pending entry re-applied to the current version of
 * its object (model/overlay.h); for an edited converted object also the
 * other objects its Ingress converts to that the source does not hold yet
 * (the Gateway its VirtualService binds to), so an apply never leaves a
 * route without its Gateway. Read-only consoles refuse to stage.
 */
#ifndef MESHPANEL_STAGING_H
#define MESHPANEL_STAGING_H

#include <stdbool.h>

#include "model/err.h"
#include "tui/diff_view.h"
#include "tui/ui.h"

/* The staged-edits file of the console's source; offers its entries back
 * when it has any (a popup). key names the source ("demo", the context,
 * "files-DIR"). */
void staging_init(ui *u, const char *key);
/* s in the edit screen: validates and stages its edited objects. */
void staging_stage_edit(ui *u);
/* :w FILE */
int staging_export(ui *u, const char *path, mp_err *err);
/* :apply / A: the confirmation, then the apply. */
void staging_apply_ask(ui *u);
/* :unstage / d: drops one entry. */
int staging_unstage(ui *u, const char *kind, const char *ns, const char *name, mp_err *err);

/* The staged view (:staged / S). */
void staging_view_open(ui *u);
void staging_view_close(ui *u);
void staging_view_key(ui *u, int key, bool fn);
void staging_view_draw(ui *u);
void staging_view_hide(ui *u);
void staging_view_refresh(ui *u);
diff_view *staging_view_diff(ui *u);

void act_staged(ui *u);
void act_apply(ui *u);
void act_staged_down(ui *u);
void act_staged_up(ui *u);
void act_staged_edit(ui *u);
void act_staged_unstage(ui *u);
void act_staged_close(ui *u);

#endif
