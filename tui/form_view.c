/*
 * form_view.c - rows of fields on libformw, scrolled (see form_view.h).
 *
 * The FORM is rebuilt only when what it lays out changes (rows on screen,
 * field kinds and widths, window geometry, scroll position); otherwise
 * values are refreshed in place, so the cursor and the text being typed
 * (trailing spaces included) stay exactly where libform keeps them.
 */
#include "tui/form_view.h"

#include <form.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/sanitize.h"
#include "tui/draw.h"

#define CTRL_KEY(c) ((c)&0x1f)

typedef struct {
    size_t row;
    int fi;      /* field index in the row */
    int y, x, w; /* placement in the sub window */
} placed;

struct form_view {
    form_row *rows;
    size_t n;
    int focus; /* field id */
    size_t top;
    /* the built FORM and what it was built for */
    FORM *form;
    FIELD **fields;
    placed *place;
    size_t nfields;
    WINDOW *win, *sub;
    ui *u; /* of the last draw: styles for a rebuild between draws */
    int y, x, h, w;
    char *layout_key;
    int cursor_row;
};

form_view *form_view_new(void)
{
    form_view *fv = calloc(1, sizeof *fv);
    if (fv) {
        fv->focus = -1;
        fv->cursor_row = -1;
    }
    return fv;
}

static void teardown(form_view *fv)
{
    if (fv->form) {
        unpost_form(fv->form);
        free_form(fv->form);
        fv->form = NULL;
    }
    for (size_t i = 0; i < fv->nfields; i++)
        free_field(fv->fields[i]);
    free(fv->fields);
    free(fv->place);
    fv->fields = NULL;
    fv->place = NULL;
    fv->nfields = 0;
    if (fv->sub)
        delwin(fv->sub);
    fv->sub = NULL;
    free(fv->layout_key);
    fv->layout_key = NULL;
}

void form_view_detach(form_view *fv)
{
    teardown(fv);
    fv->win = NULL;
}

void form_view_free(form_view *fv)
{
    if (!fv)
        return;
    teardown(fv);
    free(fv);
}

/* ---- focus ----------------------------------------------------------------- */

static bool find_id(const form_view *fv, int id, size_t *row, int *fi)
{
    for (size_t r = 0; r < fv->n; r++)
        for (int i = 0; i < fv->rows[r].nf; i++)
            if (fv->rows[r].f[i].id == id) {
                *row = r;
                *fi = i;
                return true;
            }
    return false;
}

static int first_id(const form_view *fv)
{
    for (size_t r = 0; r < fv->n; r++)
        if (fv->rows[r].nf)
            return fv->rows[r].f[0].id;
    return -1;
}

/* The field after (dir 1) or before (dir -1) the focused one, wrapping. */
static int step_id(const form_view *fv, int dir)
{
    size_t row;
    int fi;
    if (!find_id(fv, fv->focus, &row, &fi))
        return first_id(fv);
    long r = (long)row;
    int i = fi;
    for (size_t guard = 0; guard <= fv->n * 2 + 2; guard++) {
        i += dir;
        while (i < 0 || i >= fv->rows[r].nf) {
            r = (r + dir + (long)fv->n) % (long)fv->n;
            i = dir > 0 ? 0 : fv->rows[r].nf - 1;
            if (fv->rows[r].nf)
                break;
        }
        if (i >= 0 && i < fv->rows[r].nf)
            return fv->rows[r].f[i].id;
    }
    return fv->focus;
}

void form_view_set(form_view *fv, form_row *rows, size_t n, int focus_hint)
{
    fv->rows = rows;
    fv->n = n;
    size_t r;
    int fi;
    if (!find_id(fv, fv->focus, &r, &fi))
        fv->focus = find_id(fv, focus_hint, &r, &fi) ? focus_hint : first_id(fv);
}

size_t form_view_nrows(const form_view *fv)
{
    return fv->n;
}

int form_view_focus(const form_view *fv)
{
    return fv->focus;
}

void form_view_set_focus(form_view *fv, int id)
{
    size_t r;
    int fi;
    if (id < 0) {
        fv->focus = -1;
        fv->top = 0;
    } else if (find_id(fv, id, &r, &fi)) {
        fv->focus = id;
    }
}

/* ---- layout ----------------------------------------------------------------- */

#define NOTE_MAX_LINES 3

static int label_width(const form_row *r);

/* Bytes of the next wrapped piece of a note in cols columns: cut at the
 * last space that fits, else at the column limit. */
static size_t note_piece(const char *s, int cols)
{
    size_t len = strlen(s);
    size_t fit = san_prefix_fit(s, len, cols > 0 ? (size_t)cols : 1, NULL);
    if (fit >= len)
        return len;
    for (size_t k = fit; k > fit / 2; k--)
        if (s[k] == ' ')
            return k + 1;
    return fit ? fit : 1;
}

static int note_lines(const form_view *fv, const form_row *r)
{
    int n = 0;
    int cols = fv->w - label_width(r);
    for (const char *p = r->note; *p && n < NOTE_MAX_LINES; n++)
        p += note_piece(p, cols);
    return n;
}

static int row_lines(const form_view *fv, const form_row *r)
{
    return 1 + note_lines(fv, r);
}

/* Scrolls so the focused row (and its note) is visible in h lines. */
static void keep_visible(form_view *fv, int h)
{
    size_t row;
    int fi;
    if (!find_id(fv, fv->focus, &row, &fi) || h <= 0)
        return;
    if (fv->top > fv->n)
        fv->top = 0;
    /* a heading right above the focused row comes into view with it */
    if (row < fv->top)
        fv->top = row > 0 && fv->rows[row - 1].heading ? row - 1 : row;
    for (;;) {
        int lines = 0;
        for (size_t r = fv->top; r <= row; r++)
            lines += row_lines(fv, &fv->rows[r]);
        if (lines <= h || fv->top >= row)
            break;
        fv->top++;
    }
}

static int label_width(const form_row *r)
{
    int lw = r->label_w ? r->label_w : (int)san_widths(r->label);
    return r->indent + lw + (lw ? 1 : 0);
}

static int field_display_width(const form_field *f, int avail)
{
    int w = f->width ? f->width : avail;
    return w > avail ? avail : w < 1 ? 1 : w;
}

/* What the FORM depends on, as a string, to tell when to rebuild it. */
static char *layout_signature(const form_view *fv, int h, int w)
{
    size_t cap = 64 + fv->n * 40;
    char *k = malloc(cap);
    if (!k)
        return NULL;
    size_t len = (size_t)snprintf(k, cap, "%d,%d,%zu|", h, w, fv->top);
    int lines = 0;
    for (size_t r = fv->top; r < fv->n && lines < h && len + 40 < cap; r++) {
        const form_row *row = &fv->rows[r];
        len += (size_t)snprintf(k + len, cap - len, "%d.%d.%d", label_width(row), row->nf,
                                note_lines(fv, row));
        for (int i = 0; i < row->nf; i++)
            len += (size_t)snprintf(k + len, cap - len, ".%d%c%d", row->f[i].kind,
                                    row->f[i].invalid ? 'x' : 'o', row->f[i].width);
        k[len++] = ';';
        k[len] = 0;
        lines += row_lines(fv, row);
    }
    return k;
}

static const char *shown_value(const form_field *f, bool utf8, char *buf, size_t n)
{
    switch (f->kind) {
    case FF_CHOICE:
        snprintf(buf, n, "%s %s", f->value, utf8 ? "\u25be" : "v");
        return buf;
    case FF_TOGGLE:
        snprintf(buf, n, "[%c]", f->value[0] == '1' ? 'x' : ' ');
        return buf;
    case FF_BUTTON:
        snprintf(buf, n, "[ %s ]", f->value);
        return buf;
    default:
        return f->value;
    }
}

static void style_field(FIELD *fld, const form_field *f, ui *u, bool focused)
{
    attr_t a = f->invalid           ? ui_attr(u, ROLE_ERROR) | A_UNDERLINE
               : focused            ? ui_attr(u, ROLE_ROW_SELECTED)
               : f->kind == FF_TEXT ? A_UNDERLINE | ui_attr(u, ROLE_NORMAL)
                                    : ui_attr(u, ROLE_YAML_KEY);
    set_field_back(fld, a);
    set_field_fore(fld, a);
}

static FIELD *make_field(const form_field *f, const placed *p, ui *u)
{
    FIELD *fld = new_field(1, p->w, p->y, p->x, 0, 0);
    if (!fld)
        return NULL;
    if (f->kind == FF_TEXT) {
        field_opts_off(fld, O_STATIC | O_AUTOSKIP | O_BLANK);
        field_opts_on(fld, O_EDIT | O_PASSOK);
        set_max_field(fld, FORM_VALUE_MAX - 1);
    } else {
        field_opts_off(fld, O_EDIT | O_AUTOSKIP);
    }
    char buf[FORM_VALUE_MAX + 16];
    char *clean = san_cleans(shown_value(f, u->utf8, buf, sizeof buf), 0);
    set_field_buffer(fld, 0, clean ? clean : "");
    free(clean);
    style_field(fld, f, u, false);
    return fld;
}

/* Where each visible field goes; returns how many. */
static size_t place_fields(form_view *fv, placed *out, size_t max)
{
    size_t n = 0;
    int y = 0;
    for (size_t r = fv->top; r < fv->n && y < fv->h; r++) {
        const form_row *row = &fv->rows[r];
        int x = label_width(row);
        for (int i = 0; i < row->nf && n < max; i++) {
            int avail = fv->w - x - (i + 1 < row->nf ? 1 : 0);
            if (avail < 1)
                break;
            int w = field_display_width(&row->f[i], avail);
            out[n++] = (placed){r, i, y, x, w};
            x += w + 1;
        }
        y += row_lines(fv, row);
    }
    return n;
}

/* The cursor's offset in the focused text field's buffer. */
static int cursor_offset(const form_view *fv)
{
    return fv->form ? fv->form->curcol + fv->form->begincol : 0;
}

/* The FORM's current field stands for the focused id? (Keys can move the
 * focus several times between two draws.) */
static bool form_on_focus(const form_view *fv)
{
    FIELD *cur = fv->form ? current_field(fv->form) : NULL;
    int idx = cur ? field_index(cur) : -1;
    return idx >= 0 && (size_t)idx < fv->nfields &&
           fv->rows[fv->place[idx].row].f[fv->place[idx].fi].id == fv->focus;
}

static void focus_field(form_view *fv, int restore_offset)
{
    for (size_t i = 0; fv->form && i < fv->nfields; i++) {
        const placed *p = &fv->place[i];
        if (fv->rows[p->row].f[p->fi].id != fv->focus)
            continue;
        set_current_field(fv->form, fv->fields[i]);
        int len = (int)strlen(fv->rows[p->row].f[p->fi].value);
        if (restore_offset > len)
            restore_offset = len;
        if (restore_offset > 0) {
            form_driver_w(fv->form, KEY_CODE_YES, REQ_BEG_FIELD);
            for (int k = 0; k < restore_offset; k++)
                form_driver_w(fv->form, KEY_CODE_YES, REQ_NEXT_CHAR);
        } else if (restore_offset < 0) {
            form_driver_w(fv->form, KEY_CODE_YES, REQ_END_LINE);
        }
    }
}

static void build(form_view *fv, ui *u, int restore_offset)
{
    teardown(fv);
    fv->sub = derwin(fv->win, fv->h, fv->w, fv->y, fv->x);
    if (!fv->sub)
        return;
    size_t max = 0;
    for (size_t r = 0; r < fv->n; r++)
        max += (size_t)fv->rows[r].nf;
    fv->place = calloc(max + 1, sizeof *fv->place);
    fv->fields = calloc(max + 1, sizeof *fv->fields);
    if (!fv->place || !fv->fields)
        return;
    size_t n = place_fields(fv, fv->place, max);
    for (size_t i = 0; i < n; i++) {
        const placed *p = &fv->place[i];
        fv->fields[i] = make_field(&fv->rows[p->row].f[p->fi], p, u);
        if (!fv->fields[i])
            break;
        fv->nfields++;
    }
    if (!fv->nfields)
        return;
    fv->form = new_form(fv->fields);
    if (!fv->form)
        return;
    set_form_win(fv->form, fv->win);
    set_form_sub(fv->form, fv->sub);
    post_form(fv->form);
    focus_field(fv, restore_offset);
}

/* Puts changed values into fields without rebuilding. */
static void refresh_values(form_view *fv, ui *u)
{
    FIELD *cur = fv->form ? current_field(fv->form) : NULL;
    for (size_t i = 0; i < fv->nfields; i++) {
        const placed *p = &fv->place[i];
        const form_field *f = &fv->rows[p->row].f[p->fi];
        char buf[FORM_VALUE_MAX + 16];
        const char *want = shown_value(f, u->utf8, buf, sizeof buf);
        const char *have = field_buffer(fv->fields[i], 0);
        size_t wl = strlen(want), hl = have ? strlen(have) : 0;
        while (hl && have[hl - 1] == ' ')
            hl--;
        while (wl && want[wl - 1] == ' ')
            wl--;
        if (!have || hl != wl || memcmp(have, want, wl) != 0) {
            char *clean = san_cleans(want, 0);
            set_field_buffer(fv->fields[i], 0, clean ? clean : "");
            free(clean);
            if (fv->fields[i] == cur)
                form_driver_w(fv->form, KEY_CODE_YES, REQ_END_LINE);
        }
        style_field(fv->fields[i], f, u, fv->fields[i] == cur && f->id == fv->focus);
    }
}

static void draw_labels(form_view *fv, ui *u, bool focused)
{
    int y = 0;
    fv->cursor_row = -1;
    for (size_t r = fv->top; r < fv->n && y < fv->h; r++) {
        const form_row *row = &fv->rows[r];
        int lw = label_width(row);
        draw_fill(fv->sub, y, 0, row->indent, ui_attr(u, ROLE_NORMAL));
        bool has_focus = false;
        for (int i = 0; i < row->nf; i++)
            has_focus |= row->f[i].id == fv->focus;
        attr_t la = row->heading           ? ui_attr(u, ROLE_COLUMN_HEADER)
                    : has_focus && focused ? ui_attr(u, ROLE_PANE_TITLE_ACTIVE)
                                           : ui_attr(u, ROLE_NORMAL);
        draw_text(fv->sub, y, row->indent, row->label,
                  row->heading ? fv->w - row->indent : lw - row->indent, la, true);
        if (!row->nf && !row->heading)
            draw_fill(fv->sub, y, lw, fv->w - lw, ui_attr(u, ROLE_NORMAL));
        if (has_focus)
            fv->cursor_row = getbegy(fv->sub) + y;
        /* gaps between and after fields */
        for (size_t i = 0; i < fv->nfields; i++) {
            const placed *p = &fv->place[i];
            if (p->row != r)
                continue;
            bool last = p->fi + 1 >= row->nf;
            int end = last ? fv->w : fv->place[i + 1].x;
            draw_fill(fv->sub, y, p->x + p->w, end - p->x - p->w, ui_attr(u, ROLE_NORMAL));
        }
        y++;
        const char *np = row->note;
        for (int k = 0; *np && k < NOTE_MAX_LINES && y < fv->h; k++) {
            char piece[FORM_NOTE_MAX];
            size_t b = note_piece(np, fv->w - lw);
            snprintf(piece, sizeof piece, "%.*s", (int)b, np);
            draw_fill(fv->sub, y, 0, lw, ui_attr(u, ROLE_NORMAL));
            draw_text(fv->sub, y++, lw, piece, fv->w - lw, ui_attr(u, row->note_role), true);
            np += b;
        }
    }
    for (; y < fv->h; y++)
        draw_fill(fv->sub, y, 0, fv->w, ui_attr(u, ROLE_NORMAL));
}

void form_view_draw(form_view *fv, ui *u, WINDOW *win, int y, int x, int h, int w, bool focused)
{
    if (h < 1 || w < 4)
        return;
    fv->u = u;
    bool geometry = win != fv->win || y != fv->y || x != fv->x || h != fv->h || w != fv->w;
    fv->win = win, fv->y = y, fv->x = x, fv->h = h, fv->w = w;
    keep_visible(fv, h);
    char *key = layout_signature(fv, h, w);
    if (geometry || !fv->form || !key || !fv->layout_key || strcmp(key, fv->layout_key) != 0) {
        int off = fv->form ? cursor_offset(fv) : -1;
        build(fv, u, off);
        fv->layout_key = key;
    } else {
        free(key);
    }
    if (fv->form && fv->focus >= 0 && !form_on_focus(fv))
        focus_field(fv, -1);
    refresh_values(fv, u);
    if (fv->sub)
        draw_labels(fv, u, focused);
    /* writes through a subwindow do not mark the parent's lines changed;
     * the panel refresh copies only changed lines of the pane's window */
    touchwin(fv->win);
}

void form_view_place_cursor(form_view *fv)
{
    if (fv->form && fv->sub) {
        pos_form_cursor(fv->form);
        wnoutrefresh(fv->sub);
    }
}

int form_view_cursor_row(const form_view *fv)
{
    return fv->cursor_row;
}

/* ---- keys ------------------------------------------------------------------ */

static form_field *focused_field(form_view *fv)
{
    size_t r;
    int fi;
    return find_id(fv, fv->focus, &r, &fi) ? &fv->rows[r].f[fi] : NULL;
}

/* Copies the FORM's buffer of the focused text field into its row value. */
static void sync_text(form_view *fv)
{
    form_field *f = focused_field(fv);
    if (!f || f->kind != FF_TEXT || !form_on_focus(fv))
        return;
    form_driver_w(fv->form, KEY_CODE_YES, REQ_VALIDATION);
    const char *b = field_buffer(current_field(fv->form), 0);
    if (!b)
        return;
    size_t l = strlen(b);
    while (l && b[l - 1] == ' ')
        l--;
    if (l >= sizeof f->value)
        l = sizeof f->value - 1;
    memcpy(f->value, b, l);
    f->value[l] = 0;
}

const char *form_view_text(form_view *fv)
{
    sync_text(fv);
    form_field *f = focused_field(fv);
    return f ? f->value : "";
}

static fv_event move_focus(form_view *fv, int dir)
{
    int next = step_id(fv, dir);
    if (next == fv->focus)
        return FV_NONE;
    sync_text(fv);
    fv->focus = next;
    return FV_FOCUS;
}

/* Keys that edit a text field, as libform requests. */
static int text_request(int key, bool fn)
{
    if (fn) {
        switch (key) {
        case KEY_LEFT:
            return REQ_PREV_CHAR;
        case KEY_RIGHT:
            return REQ_NEXT_CHAR;
        case KEY_HOME:
            return REQ_BEG_FIELD;
        case KEY_END:
            return REQ_END_LINE;
        case KEY_BACKSPACE:
            return REQ_DEL_PREV;
        case KEY_DC:
            return REQ_DEL_CHAR;
        default:
            return -1;
        }
    }
    switch (key) {
    case 127:
    case 8:
        return REQ_DEL_PREV;
    case CTRL_KEY('a'):
        return REQ_BEG_FIELD;
    case CTRL_KEY('e'):
        return REQ_END_LINE;
    case CTRL_KEY('u'):
        return REQ_CLR_FIELD;
    case CTRL_KEY('k'):
        return REQ_CLR_EOF;
    default:
        return -1;
    }
}

static fv_event text_key(form_view *fv, int key, bool fn)
{
    if (!form_on_focus(fv))
        focus_field(fv, -1);
    if (!form_on_focus(fv) && fv->win && fv->u) {
        /* keys outran the screen: lay the focused field out now */
        keep_visible(fv, fv->h);
        build(fv, fv->u, -1);
        free(fv->layout_key);
        fv->layout_key = layout_signature(fv, fv->h, fv->w);
    }
    if (!form_on_focus(fv))
        return FV_NONE;
    int req = text_request(key, fn);
    if (req >= 0) {
        form_driver_w(fv->form, KEY_CODE_YES, req);
        bool edits = req == REQ_DEL_PREV || req == REQ_DEL_CHAR || req == REQ_CLR_FIELD ||
                     req == REQ_CLR_EOF;
        if (edits)
            sync_text(fv);
        return edits ? FV_CHANGED : FV_NONE;
    }
    if (!fn && key >= 32 && key != 127) {
        form_driver_w(fv->form, OK, (wchar_t)key);
        sync_text(fv);
        return FV_CHANGED;
    }
    return FV_UNHANDLED;
}

fv_event form_view_key(form_view *fv, int key, bool fn)
{
    form_field *f = focused_field(fv);
    if (!f)
        return FV_UNHANDLED;
    if ((!fn && key == '\t') || (fn && key == KEY_DOWN))
        return move_focus(fv, 1);
    if ((fn && key == KEY_BTAB) || (fn && key == KEY_UP))
        return move_focus(fv, -1);
    if (!fn && key == '\n')
        return f->kind == FF_TOGGLE ? FV_NEXT : FV_ACTIVATE;
    if (f->kind == FF_TEXT)
        return fv->form ? text_key(fv, key, fn) : FV_UNHANDLED;
    if (!fn && key == ' ')
        return f->kind == FF_BUTTON ? FV_ACTIVATE : FV_NEXT;
    if (fn && f->kind == FF_CHOICE && (key == KEY_RIGHT || key == KEY_LEFT))
        return key == KEY_RIGHT ? FV_NEXT : FV_PREV;
    return FV_UNHANDLED;
}
