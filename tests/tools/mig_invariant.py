#!/usr/bin/env python3
"""The migration's invariant (issue 9), over the test API server's state.

  mig_invariant.py snap STATE.json OUT.json [HANDMADE KIND/NS/NAME ...]
      Keeps, from a /_test/state dump, every Ingress as the invariant
      compares it (spec, labels, annotations, class) and the exact JSON of
      the hand-made objects named.
  mig_invariant.py check BEFORE.json STATE.json
      Exit 0 when every Ingress of BEFORE is in STATE identical (spec,
      labels, annotations, class; uid, resourceVersion, creationTimestamp,
      generation, managedFields and status are left out: a retired Ingress
      is re-created, and the API server gives it new ones), STATE holds no
      other Ingress, no object with the label
      app.kubernetes.io/managed-by=meshpanel remains (other than those
      BEFORE already had), and each hand-made object is byte-identical
      (resourceVersion included). Otherwise one line per difference, exit 1.
"""
import json
import sys

MANAGED = ("app.kubernetes.io/managed-by", "meshpanel")


def key(o):
    m = o["metadata"]
    return "%s/%s/%s" % (o["kind"], m.get("namespace", ""), m["name"])


def ingress_view(o):
    m = o["metadata"]
    ann = m.get("annotations") or {}
    spec = o.get("spec") or {}
    return {
        "spec": spec,
        "labels": m.get("labels") or {},
        "annotations": ann,
        "class": [ann.get("kubernetes.io/ingress.class"), spec.get("ingressClassName")],
    }


def managed(items):
    return sorted(key(o) for o in items
                  if (o["metadata"].get("labels") or {}).get(MANAGED[0]) == MANAGED[1])


def snap(state_path, out_path, handmade):
    items = json.load(open(state_path))["items"]
    by = {key(o): o for o in items}
    out = {
        "ingresses": {key(o): ingress_view(o) for o in items if o["kind"] == "Ingress"},
        "managed": managed(items),
        "handmade": {},
    }
    for h in handmade:
        if h not in by:
            sys.exit("snap: %s is not in the state" % h)
        out["handmade"][h] = json.dumps(by[h], sort_keys=True)
    json.dump(out, open(out_path, "w"), sort_keys=True, indent=1)


def check(before_path, state_path):
    before = json.load(open(before_path))
    items = json.load(open(state_path))["items"]
    by = {key(o): o for o in items}
    now = {key(o): ingress_view(o) for o in items if o["kind"] == "Ingress"}
    bad = []
    for k, v in sorted(before["ingresses"].items()):
        if k not in now:
            bad.append("%s: missing" % k)
            continue
        for f in ("spec", "labels", "annotations", "class"):
            if now[k][f] != v[f]:
                bad.append("%s: %s differs: %s != %s" % (k, f, json.dumps(now[k][f], sort_keys=True),
                                                       json.dumps(v[f], sort_keys=True)))
    for k in sorted(set(now) - set(before["ingresses"])):
        bad.append("%s: not there before" % k)
    for k in sorted(set(managed(items)) - set(before["managed"])):
        bad.append("%s: made by meshpanel, still there" % k)
    for k, js in sorted(before["handmade"].items()):
        if k not in by:
            bad.append("%s: hand-made object gone" % k)
        elif json.dumps(by[k], sort_keys=True) != js:
            bad.append("%s: hand-made object changed" % k)
    for line in bad:
        print(line)
    if not bad:
        print("invariant holds: %d Ingresses identical, no object of meshpanel left, %d hand-made "
              "object(s) untouched" % (len(before["ingresses"]), len(before["handmade"])))
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "snap":
        snap(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif len(sys.argv) == 4 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
