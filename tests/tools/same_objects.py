#!/usr/bin/env python3
"""same_objects.py YAML JSON - exit 0 when the JSON v1 List holds exactly the YAML stream's objects."""
import json
import sys

import yaml

docs = [d for d in yaml.safe_load_all(open(sys.argv[1], encoding="utf-8")) if d is not None]
lst = json.load(open(sys.argv[2], encoding="utf-8"))
if lst.get("apiVersion") != "v1" or lst.get("kind") != "List":
    print("same_objects: %s is not a v1 List" % sys.argv[2])
    sys.exit(1)
if lst.get("items") != docs:
    print("same_objects: %s: %d JSON items differ from the %d YAML objects" % (sys.argv[2], len(lst.get("items") or []), len(docs)))
    sys.exit(1)
