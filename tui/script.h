/*
 * script.h - tig-style script mode: drive the console from a file.
 *
 * One instruction per line (blank lines and # comments ignored):
 *
 *   key SPEC...        keys by name: j  G  Tab  <S-Tab>  Enter  Esc  C-r  PgDn  Up
 *   type TEXT          every character of TEXT as a key press (spaces kept)
 *   :COMMAND [ARGS]    a console command, e.g. :save-display out.txt,
 *                      :filter host, :tenant ns-alice, :resize 120x40,
 *                      :clock 2026-03-01T12:00:00Z
 *   click COL ROW      left click at a screen cell (0-based)
 *   wheel up|down COL ROW
 *   pump MS            let a live source work for MS milliseconds
 *   sync MS            pump until the source is synced; fails after MS
 *
 * The screen is redrawn after every line, so :save-display writes exactly
 * what a person would see at that point. A bad line stops the script with
 * "FILE:LINE: problem".
 */
#ifndef MESHPANEL_SCRIPT_H
#define MESHPANEL_SCRIPT_H

#include "model/err.h"

struct ui;

/* Runs the script text (name is for messages). Returns 0, or -1 with err. */
int script_run(struct ui *u, const char *text, const char *name, mp_err *err);

#endif
