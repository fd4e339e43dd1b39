/*
 * kname.c - the API server's name rules and messages (see kname.h), after
 * k8s.io/apimachinery/pkg/util/validation and api/validation/path.
 */
#include "model/kname.h"

#include <stdio.h>
#include <string.h>

#include "model/sanitize.h"
#include "model/strbuf.h"

#define MSG_SUBDOMAIN                                                                              \
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "   \
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "  \
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
#define MSG_LABEL                                                                                  \
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "   \
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "     \
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
#define MSG_DNS1035                                                                                \
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "   \
    "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "           \
    "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"

static const struct {
    const char *kind;
    kname_rule rule;
} kind_rules[] = {
    {"Namespace", KNAME_LABEL},  {"Service", KNAME_DNS1035},  {"Role", KNAME_PATH},
    {"ClusterRole", KNAME_PATH}, {"RoleBinding", KNAME_PATH}, {"ClusterRoleBinding", KNAME_PATH},
};

kname_rule kname_rule_for(const char *kind)
{
    for (size_t i = 0; kind && i < sizeof kind_rules / sizeof *kind_rules; i++)
        if (!strcmp(kind, kind_rules[i].kind))
            return kind_rules[i].rule;
    return KNAME_SUBDOMAIN;
}

static bool lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* [a-z0-9]([-a-z0-9]*[a-z0-9])? over s[0..n); first_alpha: [a-z] first */
static bool is_label(const char *s, size_t n, bool first_alpha)
{
    if (!n || !lower_alnum(s[0]) || !lower_alnum(s[n - 1]) || (first_alpha && s[0] <= '9'))
        return false;
    for (size_t i = 1; i + 1 < n; i++)
        if (!lower_alnum(s[i]) && s[i] != '-')
            return false;
    return true;
}

static bool is_subdomain(const char *s)
{
    for (;;) {
        size_t n = strcspn(s, ".");
        if (!is_label(s, n, false))
            return false;
        if (!s[n])
            return true;
        s += n + 1;
    }
}

/* "value" for a message: controls and quotes escaped, at most 100 chars. */
static void quote(strbuf *sb, const char *v)
{
    strbuf_putc(sb, '"');
    size_t len = strlen(v), i = 0;
    for (size_t shown = 0; i < len && shown < 100; shown++) {
        uint32_t cp;
        size_t k = san_utf8_decode(v + i, len - i, &cp);
        if (cp == '"' || cp == '\\')
            strbuf_printf(sb, "\\%c", (char)cp);
        else if (cp == SAN_REPLACEMENT && (k != 3 || memcmp(v + i, "\xef\xbf\xbd", 3)))
            for (size_t b = 0; b < k; b++) /* invalid UTF-8: its bytes */
                strbuf_printf(sb, "\\x%02x", (unsigned char)v[i + b]);
        else if (san_cp_is_control(cp))
            strbuf_printf(sb, cp < 0x100 ? "\\x%02x" : "\\u%04x", (unsigned)cp);
        else
            strbuf_append(sb, v + i, k);
        i += k;
    }
    strbuf_puts(sb, i < len ? "...\"" : "\"");
}

void kname_quote(char *out, size_t n, const char *v)
{
    strbuf sb;
    strbuf_init(&sb);
    quote(&sb, v ? v : "");
    str_join(out, n, sb.buf && !sb.oom ? sb.buf : "\"\"", (char *)NULL);
    strbuf_free(&sb);
}

static int invalid(const char *field, const char *value, const char *why, mp_err *err)
{
    strbuf sb;
    strbuf_init(&sb);
    quote(&sb, value);
    int rc = mp_errf(err, "%s: Invalid value: %s: %s", field, sb.buf ? sb.buf : "\"\"", why);
    strbuf_free(&sb);
    return rc;
}

int kname_check(kname_rule rule, const char *field, const char *value, mp_err *err)
{
    size_t n = strlen(value);
    if (rule == KNAME_PATH) {
        if (!strcmp(value, ".") || !strcmp(value, ".."))
            return invalid(field, value, !value[1] ? "may not be '.'" : "may not be '..'", err);
        if (strchr(value, '/') || strchr(value, '%'))
            return invalid(field, value,
                           strchr(value, '/') ? "may not contain '/'" : "may not contain '%'", err);
        return 0;
    }
    size_t max = rule == KNAME_SUBDOMAIN ? 253 : 63;
    if (n > max) {
        char why[64];
        snprintf(why, sizeof why, "must be no more than %zu characters", max);
        return invalid(field, value, why, err);
    }
    bool ok =
        rule == KNAME_SUBDOMAIN ? is_subdomain(value) : is_label(value, n, rule == KNAME_DNS1035);
    if (!ok)
        return invalid(field, value,
                       rule == KNAME_SUBDOMAIN ? MSG_SUBDOMAIN
                       : rule == KNAME_LABEL   ? MSG_LABEL
                                               : MSG_DNS1035,
                       err);
    return 0;
}

static const char *str_of(const doc_node *n)
{
    return n && n->kind == DOC_SCALAR && n->type == DOC_STR ? n->text : NULL;
}

int kname_check_object(const doc_node *obj, mp_err *err, const doc_node **at)
{
    const doc_node *meta = doc_get(obj, "metadata");
    const doc_node *name = doc_get(meta, "name"), *ns = doc_get(meta, "namespace");
    const char *kind = doc_get_str(obj, "kind");
    if (at)
        *at = name;
    if (str_of(name) && *name->text &&
        kname_check(kname_rule_for(kind), "metadata.name", name->text, err) < 0)
        return -1;
    if (at)
        *at = ns;
    if (str_of(ns) && *ns->text &&
        kname_check(KNAME_LABEL, "metadata.namespace", ns->text, err) < 0)
        return -1;
    return 0;
}
