"""Label and field selectors with the grammar kube accepts.

Label selector requirements are comma separated:
  key=value  key==value  key!=value  key in (a,b)  key notin (a,b)  key  !key
Field selectors: metadata.name / metadata.namespace with =, ==, !=.
Parse errors raise SelectorError; the handler turns them into 400 BadRequest.
"""

import re


class SelectorError(ValueError):
    pass


_KEY = r"[A-Za-z0-9][-A-Za-z0-9_./]*"
_VALUE = r"[-A-Za-z0-9_.]*"
_SET_RE = re.compile(rf"^\s*(?P<key>{_KEY})\s+(?P<op>in|notin)\s*\((?P<vals>[^)]*)\)\s*$")
_CMP_RE = re.compile(rf"^\s*(?P<key>{_KEY})\s*(?P<op>==|!=|=)\s*(?P<val>{_VALUE})\s*$")
_EXISTS_RE = re.compile(rf"^\s*(?P<neg>!?)\s*(?P<key>{_KEY})\s*$")


def _split_requirements(text):
    """Split on commas that are not inside parentheses."""
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise SelectorError(f"unmatched ')' in selector {text!r}")
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if depth != 0:
        raise SelectorError(f"unmatched '(' in selector {text!r}")
    parts.append("".join(cur))
    return parts


def _requirement(text):
    m = _SET_RE.match(text)
    if m:
        vals = {v.strip() for v in m.group("vals").split(",") if v.strip()}
        if not vals:
            raise SelectorError(f"for 'in', 'notin' operators, values set can't be empty: {text.strip()!r}")
        key = m.group("key")
        if m.group("op") == "in":
            return lambda labels: labels.get(key) in vals
        return lambda labels: labels.get(key) not in vals
    m = _CMP_RE.match(text)
    if m:
        key, val = m.group("key"), m.group("val")
        if m.group("op") == "!=":
            return lambda labels: labels.get(key) != val
        return lambda labels: labels.get(key) == val
    m = _EXISTS_RE.match(text)
    if m:
        key = m.group("key")
        if m.group("neg"):
            return lambda labels: key not in labels
        return lambda labels: key in labels
    raise SelectorError(f"unable to parse requirement: {text.strip()!r}")


def parse_label_selector(text):
    """Return a predicate over a labels dict; None for an empty selector."""
    if text is None or not text.strip():
        return None
    reqs = [_requirement(p) for p in _split_requirements(text)]
    return lambda labels: all(r(labels) for r in reqs)


_FIELDS = {
    "metadata.name": lambda obj: obj.get("metadata", {}).get("name", ""),
    "metadata.namespace": lambda obj: obj.get("metadata", {}).get("namespace", ""),
}


def parse_field_selector(text):
    """Return a predicate over an object; None for an empty selector."""
    if text is None or not text.strip():
        return None
    reqs = []
    for part in _split_requirements(text):
        m = re.match(r"^\s*([A-Za-z0-9_.]+)\s*(==|!=|=)\s*(.*?)\s*$", part)
        if not m:
            raise SelectorError(f"invalid selector: {part.strip()!r}; can't understand {part.strip()!r}")
        field, op, val = m.groups()
        getter = _FIELDS.get(field)
        if getter is None:
            raise SelectorError(f"field label not supported: {field}")
        if op == "!=":
            reqs.append(lambda obj, g=getter, v=val: g(obj) != v)
        else:
            reqs.append(lambda obj, g=getter, v=val: g(obj) == v)
    return lambda obj: all(r(obj) for r in reqs)
