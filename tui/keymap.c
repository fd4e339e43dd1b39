/*
 * keymap.c - key -> action bindings built from the action table.
 */
#include "tui/keymap.h"

#include <stdio.h>
#include <string.h>

int action_from_name(const char *name)
{
    const action_def *t = action_table();
    for (int i = 0; i < ACTION_COUNT; i++)
        if (!strcmp(t[i].name, name))
            return i;
    return ACT_NONE;
}

static void unbind_key(keymap *km, key_scope scope, int key)
{
    const action_def *t = action_table();
    size_t w = 0;
    for (size_t i = 0; i < km->n; i++)
        if (km->key[i] != key || t[km->act[i]].scope != scope) {
            km->key[w] = km->key[i];
            km->act[w++] = km->act[i];
        }
    km->n = w;
}

static void unbind_action(keymap *km, action_id a)
{
    size_t w = 0;
    for (size_t i = 0; i < km->n; i++)
        if (km->act[i] != a) {
            km->key[w] = km->key[i];
            km->act[w++] = km->act[i];
        }
    km->n = w;
}

static void bind(keymap *km, int key, action_id a)
{
    unbind_key(km, action_table()[a].scope, key);
    if (km->n < KEYMAP_MAX) {
        km->key[km->n] = key;
        km->act[km->n++] = a;
    }
}

void keymap_defaults(keymap *km)
{
    km->n = 0;
    const action_def *t = action_table();
    for (int i = 0; i < ACTION_COUNT; i++)
        for (int k = 0; k < ACTION_MAX_KEYS && t[i].keys[k]; k++)
            bind(km, t[i].keys[k], (action_id)i);
}

int keymap_apply(keymap *km, const mp_keybind *binds, size_t n, const char *file, mp_err *err)
{
    for (size_t i = 0; i < n; i++)
        if (action_from_name(binds[i].action) == ACT_NONE)
            return mp_errf(err, "%s:%d: unknown action \"%s\" (see meshpanel's ? help)",
                           file ? file : "config", binds[i].line, binds[i].action);
    for (size_t i = 0; i < n; i++) {
        action_id a = (action_id)action_from_name(binds[i].action);
        unbind_action(km, a);
        for (size_t k = 0; k < binds[i].nkeys; k++)
            bind(km, binds[i].keys[k], a);
    }
    return 0;
}

action_id keymap_lookup(const keymap *km, key_scope scope, int key)
{
    const action_def *t = action_table();
    for (size_t i = 0; i < km->n; i++)
        if (km->key[i] == key && t[km->act[i]].scope == scope)
            return km->act[i];
    return ACT_NONE;
}

size_t keymap_keys(const keymap *km, action_id a, int *out, size_t max)
{
    size_t c = 0;
    for (size_t i = 0; i < km->n && c < max; i++)
        if (km->act[i] == a)
            out[c++] = km->key[i];
    return c;
}

const char *keymap_describe(const keymap *km, action_id a, char *buf, size_t n)
{
    int keys[8];
    size_t c = keymap_keys(km, a, keys, 8);
    size_t len = 0;
    buf[0] = 0;
    for (size_t i = 0; i < c && len < n; i++) {
        char name[32];
        int w = snprintf(buf + len, n - len, "%s%s", i ? "/" : "",
                         key_to_name(keys[i], name, sizeof name));
        if (w < 0)
            break;
        len += (size_t)w;
    }
    if (!c)
        snprintf(buf, n, "(unbound)");
    return buf;
}
