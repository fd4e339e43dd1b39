"""Patch formats: JSON merge patch (RFC 7386), JSON patch (RFC 6902), a
strategic-merge subset, and the field bookkeeping server-side apply needs.

All functions take and return plain JSON values and never mutate their inputs.
Errors raise PatchError; the handler answers 422 for JSON patch failures and
400 for malformed merge patches.
"""

import copy


class PatchError(ValueError):
    pass


def merge_patch(target, patch):
    """RFC 7386: maps merge recursively, null deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


_SMP_DIRECTIVE_PREFIXES = ("$setElementOrder/", "$retainKeys", "$deleteFromPrimitiveList/")

# Lists that kube merges by key under strategic merge patch, for the kinds we
# serve (everything else in them is atomic, i.e. replaced like a merge patch).
SMP_MERGE_KEYS = {
    ("spec", "ports"): "port",  # Service
    ("metadata", "ownerReferences"): "uid",
}


def strategic_merge_patch(target, patch, path=()):
    """Strategic merge patch: a merge patch plus kube's directives.

    Honoured: `$patch: replace|delete` on maps and list elements, merge-by-key
    for the lists in SMP_MERGE_KEYS with `$setElementOrder/<list>` ordering.
    Other directives are dropped.
    """
    if not isinstance(patch, dict):
        return _strip_directives(copy.deepcopy(patch))
    directive = patch.get("$patch")
    if directive == "replace":
        base = {}
    else:
        base = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if key == "$patch" or key.startswith(_SMP_DIRECTIVE_PREFIXES):
            continue
        sub = path + (key,)
        if value is None or (isinstance(value, dict) and value.get("$patch") == "delete"):
            base.pop(key, None)
        elif isinstance(value, list) and sub in SMP_MERGE_KEYS:
            order = patch.get(f"$setElementOrder/{key}")
            base[key] = _merge_list(base.get(key), value, SMP_MERGE_KEYS[sub], order)
        else:
            base[key] = strategic_merge_patch(base.get(key), value, sub)
    return base


def _merge_list(current, patch_items, mkey, order):
    items = [copy.deepcopy(i) for i in current] if isinstance(current, list) else []
    index = {i.get(mkey): n for n, i in enumerate(items) if isinstance(i, dict)}
    deleted = set()
    for p in patch_items:
        if not isinstance(p, dict) or mkey not in p:
            raise PatchError(f"map: {p!r} does not contain declared merge key: {mkey}")
        k = p[mkey]
        if p.get("$patch") == "delete":
            deleted.add(k)
        elif k in index:
            items[index[k]] = strategic_merge_patch(items[index[k]], p)
        else:
            index[k] = len(items)
            items.append(strategic_merge_patch({}, p))
    items = [i for i in items if not (isinstance(i, dict) and i.get(mkey) in deleted)]
    if isinstance(order, list):
        rank = {(o.get(mkey) if isinstance(o, dict) else o): n for n, o in enumerate(order)}
        items.sort(key=lambda i: rank.get(i.get(mkey) if isinstance(i, dict) else i, len(rank)))
    return items


def _strip_directives(value):
    if isinstance(value, dict):
        return {k: _strip_directives(v) for k, v in value.items()
                if k != "$patch" and not k.startswith(_SMP_DIRECTIVE_PREFIXES)}
    if isinstance(value, list):
        return [_strip_directives(v) for v in value if not (isinstance(v, dict) and v.get("$patch"))]
    return value


# ---- RFC 6902 -------------------------------------------------------------

def _unescape(token):
    return token.replace("~1", "/").replace("~0", "~")


def _split_pointer(pointer):
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise PatchError(f"invalid JSON pointer {pointer!r}")
    return [_unescape(t) for t in pointer[1:].split("/")]


def _container(doc, tokens, pointer):
    """Walk to the parent of the last token."""
    cur = doc
    for tok in tokens[:-1]:
        if isinstance(cur, dict) and tok in cur:
            cur = cur[tok]
        elif isinstance(cur, list) and tok.isdigit() and int(tok) < len(cur):
            cur = cur[int(tok)]
        else:
            raise PatchError(f"doc is missing path: {pointer!r}")
    return cur


def _get(doc, pointer):
    tokens = _split_pointer(pointer)
    if not tokens:
        return doc
    parent = _container(doc, tokens, pointer)
    last = tokens[-1]
    if isinstance(parent, dict) and last in parent:
        return parent[last]
    if isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
        return parent[int(last)]
    raise PatchError(f"doc is missing path: {pointer!r}")


def _add(doc, pointer, value):
    tokens = _split_pointer(pointer)
    if not tokens:
        return value
    parent = _container(doc, tokens, pointer)
    last = tokens[-1]
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list):
        if last == "-":
            parent.append(value)
        elif last.isdigit() and int(last) <= len(parent):
            parent.insert(int(last), value)
        else:
            raise PatchError(f"add operation does not apply: index out of range: {pointer!r}")
    else:
        raise PatchError(f"doc is missing path: {pointer!r}")
    return doc


def _remove(doc, pointer):
    tokens = _split_pointer(pointer)
    if not tokens:
        raise PatchError("cannot remove the whole document")
    parent = _container(doc, tokens, pointer)
    last = tokens[-1]
    if isinstance(parent, dict) and last in parent:
        return parent.pop(last)
    if isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
        return parent.pop(int(last))
    raise PatchError(f"remove operation does not apply: doc is missing path: {pointer!r}")


def json_patch(target, ops):
    if not isinstance(ops, list):
        raise PatchError("json patch must be a list of operations")
    doc = copy.deepcopy(target)
    for op in ops:
        if not isinstance(op, dict) or "op" not in op or "path" not in op:
            raise PatchError(f"invalid json patch operation: {op!r}")
        name, path = op["op"], op["path"]
        if name in ("add", "replace", "test") and "value" not in op:
            raise PatchError(f"{name} operation requires a value: {path!r}")
        if name == "add":
            doc = _add(doc, path, copy.deepcopy(op["value"]))
        elif name == "remove":
            _remove(doc, path)
        elif name == "replace":
            _get(doc, path)  # must exist
            if _split_pointer(path):
                _remove(doc, path)
            doc = _add(doc, path, copy.deepcopy(op["value"]))
        elif name in ("move", "copy"):
            if "from" not in op:
                raise PatchError(f"{name} operation requires 'from'")
            value = _get(doc, op["from"])
            if name == "move":
                _remove(doc, op["from"])
            doc = _add(doc, path, copy.deepcopy(value))
        elif name == "test":
            if _get(doc, path) != op["value"]:
                raise PatchError(f"testing value {path} failed")
        else:
            raise PatchError(f"unexpected operation {name!r}")
    return doc


# ---- server-side apply bookkeeping ---------------------------------------

def leaf_paths(value, prefix=()):
    """Field paths of an applied configuration: maps recurse, lists are atomic,
    empty maps own nothing."""
    if isinstance(value, dict):
        out = set()
        for k, v in value.items():
            out |= leaf_paths(v, prefix + (k,))
        return out
    return {prefix}


def get_path(obj, path):
    cur = obj
    for k in path:
        if not isinstance(cur, dict) or k not in cur:
            return None
        cur = cur[k]
    return cur


def delete_path(obj, path):
    """Remove a field and any map it leaves empty (what SSA does)."""
    if not path:
        return
    parents = []
    cur = obj
    for k in path[:-1]:
        if not isinstance(cur, dict) or k not in cur:
            return
        parents.append((cur, k))
        cur = cur[k]
    if isinstance(cur, dict):
        cur.pop(path[-1], None)
        for parent, k in reversed(parents):
            if parent[k] == {} and k not in ("metadata", "spec"):
                del parent[k]
            else:
                break


def format_path(path):
    return "." + ".".join(path)
