#!/usr/bin/env python3
"""same_objects.py YAML JSON [YAML JSON ...] - each JSON file must be a v1 List holding exactly
the objects of the YAML stream before it (what `convert -o json` vs `-o yaml` promise).
Exit 0 when every pair agrees, 1 otherwise (one line per mismatch)."""
import json
import sys

import yaml


def check(ypath, jpath):
    docs = [d for d in yaml.safe_load_all(open(ypath, encoding="utf-8")) if d is not None]
    lst = json.load(open(jpath, encoding="utf-8"))
    if lst.get("apiVersion") != "v1" or lst.get("kind") != "List":
        return "%s is not a v1 List" % jpath
    items = lst.get("items") or []
    if items != docs:
        return "%s: %d JSON items differ from the %d objects of %s" % (jpath, len(items), len(docs), ypath)
    return None


def main(args):
    if not args or len(args) % 2:
        print("usage: same_objects.py YAML JSON [YAML JSON ...]", file=sys.stderr)
        return 2
    bad = [m for m in (check(args[i], args[i + 1]) for i in range(0, len(args), 2)) if m]
    for m in bad:
        print("same_objects: " + m)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
