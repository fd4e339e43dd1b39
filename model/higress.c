/* higress.c - higress.io/... annotations beside nginx's (annotations_int.h).
 *
 * Sealos' templates carry Higress's header-control annotations next to the
 * nginx ones that set the same headers, because the platform ran either
 * controller (adminer: more_clear_headers X-Frame-Options and
 * higress.io/response-header-control-remove: X-Frame-Options). The
 * conversion reads the nginx annotations; a Higress annotation whose every
 * header the nginx annotations already set or remove the same way is a
 * duplicate, reported once per Ingress as info. Any other higress.io/...
 * annotation is not converted and gets a warning of its own.
 *
 * Higress's syntax: *-header-control-add / -update hold one "name value"
 * per line (the value may be quoted), *-header-control-remove a comma list
 * of names. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "model/annotations_int.h"
#include "model/strbuf.h"

#define HIGRESS_PREFIX "higress.io/"

typedef enum { HC_SET, HC_ADD, HC_REMOVE } hc_op;

static const struct {
    const char *key; /* after the prefix */
    bool request;
    hc_op op;
} header_controls[] = {
    {"request-header-control-add", true, HC_ADD},
    {"request-header-control-update", true, HC_SET},
    {"request-header-control-remove", true, HC_REMOVE},
    {"response-header-control-add", false, HC_ADD},
    {"response-header-control-update", false, HC_SET},
    {"response-header-control-remove", false, HC_REMOVE},
};

static const doc_node *map_find(const doc_node *m, const char *name)
{
    for (size_t i = 0; m && i < m->len; i++)
        if (!strcasecmp(m->keys[i], name))
            return m->items[i];
    return NULL;
}

static bool seq_has(const doc_node *s, const char *name)
{
    for (size_t i = 0; s && i < s->len; i++)
        if (!strcasecmp(doc_str(doc_at(s, i)), name))
            return true;
    return false;
}

/* What the nginx annotations do to one side's headers (route and server
 * snippets together). */
typedef struct {
    const doc_node *set[2], *add[2], *remove[2];
} side;

static side side_of(const ann_settings *s, bool request)
{
    const hdr_mods *a = &s->hdr, *b = &s->server_hdr;
    if (request)
        return (side){
            {a->req_set, b->req_set}, {a->req_add, b->req_add}, {a->req_remove, b->req_remove}};
    return (side){
        {a->resp_set, b->resp_set}, {a->resp_add, b->resp_add}, {a->resp_remove, b->resp_remove}};
}

static const doc_node *side_set(const side *sd, const char *name)
{
    const doc_node *v = map_find(sd->set[0], name);
    return v ? v : map_find(sd->set[1], name);
}

/* One header of a Higress annotation against the nginx side: covered when
 * nginx does the same thing to it; *differs when only the value differs. */
static bool covered(const side *sd, hc_op op, const char *name, const char *value, bool *differs)
{
    bool removed = seq_has(sd->remove[0], name) || seq_has(sd->remove[1], name);
    if (op == HC_REMOVE || !*value) /* an empty value clears, as nginx's "" does */
        return removed;
    const doc_node *v = side_set(sd, name);
    if (!v && op == HC_ADD)
        v = map_find(sd->add[0], name) ? map_find(sd->add[0], name) : map_find(sd->add[1], name);
    if (!v)
        return false;
    *differs = *differs || strcmp(doc_str(v), value);
    return true;
}

/* Next "name value" line (add/update) or comma item (remove) of text. */
static bool next_item(const char **p, hc_op op, char *name, size_t nn, char *value, size_t nv)
{
    const char *c = *p;
    while (*c && (isspace((unsigned char)*c) || *c == ','))
        c++;
    if (!*c)
        return false;
    size_t n = strcspn(c, op == HC_REMOVE ? ", \t\r\n" : " \t\r\n");
    snprintf(name, nn, "%.*s", (int)n, c);
    c += n;
    value[0] = 0;
    if (op != HC_REMOVE) {
        while (*c == ' ' || *c == '\t')
            c++;
        size_t v = strcspn(c, "\r\n");
        while (v && isspace((unsigned char)c[v - 1]))
            v--;
        if (v >= 2 && c[0] == '"' && c[v - 1] == '"')
            snprintf(value, nv, "%.*s", (int)v - 2, c + 1);
        else
            snprintf(value, nv, "%.*s", (int)v, c);
        c += strcspn(c, "\r\n");
    }
    *p = c;
    return true;
}

/* true when every header of the annotation is covered by nginx's. */
static bool duplicate(const ann_settings *s, const char *key, const char *text, strbuf *differs)
{
    for (size_t i = 0; i < sizeof header_controls / sizeof *header_controls; i++) {
        if (strcmp(key, header_controls[i].key))
            continue;
        side sd = side_of(s, header_controls[i].request);
        char name[128], value[2048];
        const char *p = text;
        size_t n = 0;
        while (next_item(&p, header_controls[i].op, name, sizeof name, value, sizeof value)) {
            bool diff = false;
            if (!covered(&sd, header_controls[i].op, name, value, &diff))
                return false;
            if (diff)
                strbuf_printf(differs, "%s%s", differs->len ? ", " : "", name);
            n++;
        }
        return n > 0;
    }
    return false;
}

int higress_report(ann_ctx *c)
{
    const ing_view *ing = c->ing;
    strbuf dups, differs;
    strbuf_init(&dups);
    strbuf_init(&differs);
    int rc = 0;
    size_t plen = strlen(HIGRESS_PREFIX);
    for (size_t i = 0; i < ing->nanns && rc == 0; i++) {
        const char *key = ing->anns[i].key, *v = ing->anns[i].value;
        if (strncmp(key, HIGRESS_PREFIX, plen))
            continue;
        if (duplicate(c->s, key + plen, v ? v : "", &differs)) {
            strbuf_printf(&dups, "%s%s", dups.len ? ", " : "", key);
            continue;
        }
        char field[256];
        snprintf(field, sizeof field, "metadata.annotations[\"%s\"]", key);
        rc = mp_warn(c->w, MPW_ANN_UNSUPPORTED, MP_SEV_WARNING, c->object, field,
                     "not converted: Higress annotations are not read (migrate by hand)");
    }
    if (rc == 0 && dups.len)
        rc = mp_warn(c->w, MPW_OTHER_CONTROLLER, MP_SEV_INFO, c->object, "metadata.annotations",
                     "%s: Higress's copies of headers the nginx annotations already set; "
                     "converted from the nginx annotations%s%s%s",
                     dups.buf, differs.len ? " (Higress's value differs for " : "",
                     differs.len ? differs.buf : "", differs.len ? "; nginx's is used)" : "");
    if (dups.oom || differs.oom)
        rc = -1;
    strbuf_free(&dups);
    strbuf_free(&differs);
    return rc;
}
