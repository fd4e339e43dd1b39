"""Kube semantics of reads and writes over a Store: metadata bookkeeping
(uid, creationTimestamp, resourceVersion, generation), defaulting, validation,
optimistic concurrency, patches, server-side apply, delete preconditions,
dryRun and paginated lists. No HTTP here: errors are raised as ApiError.
"""

import base64
import binascii
import copy
import datetime
import json
import random
import uuid
from dataclasses import dataclass

import errors
import patch as patchmod
import validation
from resources import BY_GROUP_PLURAL
from store import StoredObject

NS_RES = BY_GROUP_PLURAL[("", "namespaces")]
IDENTITY_PATHS = {("apiVersion",), ("kind",), ("metadata", "name"), ("metadata", "namespace"),
                  ("metadata", "resourceVersion"), ("metadata", "uid")}
SYSTEM_METADATA = ("uid", "creationTimestamp", "resourceVersion", "generation", "managedFields",
                   "deletionTimestamp", "selfLink")
# kinds whose status is a subresource: writes to the main resource keep the old status
_STATUS_ON_CREATE = {
    "Ingress": {"loadBalancer": {}},
    "Service": {"loadBalancer": {}},
    "Namespace": {"phase": "Active"},
    "Gateway": None, "VirtualService": None, "DestinationRule": None, "AuthorizationPolicy": None,
}
_GENERATE_CHARS = "bcdfghjklmnpqrstvwxz2456789"


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Target:
    res: object
    version: str
    namespace: str = None  # None: all namespaces (lists) or cluster-scoped
    name: str = None

    @property
    def api_version(self):
        return self.res.api_version(self.version)


@dataclass
class WriteOptions:
    dry_run: bool = False
    field_manager: str = None
    force: bool = False


# ---- shared helpers ------------------------------------------------------

def _spec_part(obj):
    return {k: v for k, v in obj.items() if k not in ("metadata", "status", "apiVersion", "kind")}


def _coerce(t, body, for_update):
    """Check apiVersion/kind/namespace/name of a request body; return a deep copy
    in the storage version."""
    if not isinstance(body, dict):
        raise errors.bad_request("the body of the request is not a JSON object")
    res = t.res
    api_version, kind = body.get("apiVersion"), body.get("kind")
    if not kind:
        raise errors.bad_request(f"Object 'Kind' is missing in '{json.dumps(body)[:200]}'")
    if api_version != t.api_version:
        raise errors.bad_request(f"the API version in the data ({api_version}) does not match the expected API "
                                 f"version ({t.api_version})")
    if kind != res.kind:
        raise errors.bad_request(f"the kind in the data ({kind}) does not match the expected kind ({res.kind})")
    obj = copy.deepcopy(body)
    obj["apiVersion"] = res.api_version()
    md = obj.get("metadata")
    if md is None:
        md = obj["metadata"] = {}
    if not isinstance(md, dict):
        raise errors.bad_request("metadata must be an object")
    if res.namespaced:
        if md.get("namespace") and md["namespace"] != t.namespace:
            raise errors.bad_request("the namespace of the provided object does not match the namespace sent on "
                                     "the request")
        md["namespace"] = t.namespace
    else:
        md.pop("namespace", None)
    if for_update and md.get("name") != t.name:
        raise errors.bad_request(f"the name of the object ({md.get('name')}) does not match the name on the URL "
                                 f"({t.name})")
    return obj


def _validate(t, obj):
    causes = validation.validate(t.res.kind, obj)
    if causes:
        raise errors.invalid(t.res, obj.get("metadata", {}).get("name") or "", causes)


def _default(res, obj, old=None):
    """Per-kind defaulting, the small part of kube's that clients observe."""
    kind = res.kind
    if kind == "Service":
        spec = obj.setdefault("spec", {})
        spec.setdefault("type", "ClusterIP")
        spec.setdefault("sessionAffinity", "None")
        if old is not None and old.get("spec", {}).get("clusterIP"):
            spec.setdefault("clusterIP", old["spec"]["clusterIP"])
        if spec["type"] != "ExternalName" and not spec.get("clusterIP"):
            n = int(uuid.uuid4().int % 65000) + 10
            spec["clusterIP"] = f"10.96.{n // 256}.{n % 256}"
        if spec.get("clusterIP"):
            spec.setdefault("clusterIPs", [spec["clusterIP"]])
        for port in spec.get("ports") or []:
            if isinstance(port, dict):
                port.setdefault("protocol", "TCP")
                if "port" in port:
                    port.setdefault("targetPort", port["port"])
    elif kind == "Secret":
        obj.setdefault("type", "Opaque")
        string_data = obj.pop("stringData", None)
        if isinstance(string_data, dict):
            data = obj.setdefault("data", {})
            for k, v in string_data.items():
                data[k] = base64.b64encode(str(v).encode()).decode()
    elif kind == "Namespace":
        md = obj["metadata"]
        labels = md.setdefault("labels", {})
        if isinstance(labels, dict):
            labels["kubernetes.io/metadata.name"] = md.get("name", "")
        obj.setdefault("spec", {"finalizers": ["kubernetes"]})


# ---- reads ---------------------------------------------------------------

def get(store, t):
    with store.cond:
        stored = store.get(t.res, t.namespace, t.name)
    if stored is None:
        raise errors.not_found(t.res, t.name)
    return stored


def _encode_continue(rv, key):
    raw = json.dumps({"v": "meta.k8s.io/v1", "rv": rv, "start": list(key)}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_continue(token):
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
        ns, name = data["start"]
        return int(data["rv"]), (str(ns), str(name))
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise errors.bad_request(f"continue key is not valid: {exc}") from None


def list_objects(store, t, limit=0, token=None, label_pred=None, field_pred=None):
    """Returns (items [StoredObject], list rv, continue token or None, remaining or None).

    Pages continue from the last key of the previous page against the current
    state (kube serves a snapshot; for the tests here the difference is moot)."""
    after = None
    if token:
        _, after = _decode_continue(token)
    filtered = label_pred is not None or field_pred is not None
    with store.cond:
        rv = store.rv
        items, last_key, more = [], None, False
        for key, stored in store.scan(t.res, t.namespace, after):
            if label_pred and not label_pred(stored.obj["metadata"].get("labels") or {}):
                continue
            if field_pred and not field_pred(stored.obj):
                continue
            if limit and len(items) == limit:
                more = True
                break
            items.append(stored)
            last_key = key
        remaining = None
        if more and not filtered:
            remaining = store.count_after(t.res, t.namespace, last_key)
    cont = _encode_continue(rv, last_key) if more else None
    return items, rv, cont, remaining


# ---- writes --------------------------------------------------------------

def _commit(store, t, obj, opts, owners=None):
    """Store obj unless dry-run; owners: the new SSA ownership table or None."""
    if opts.dry_run:
        return StoredObject(obj)
    stored = store.put(t.res, obj)
    if owners is not None:
        store.owners[(t.res.key, stored.namespace, stored.name)] = owners
    return stored


def _prepare_create(store, t, body):
    obj = _coerce(t, body, for_update=False)
    md = obj["metadata"]
    if not md.get("name") and md.get("generateName"):
        md["name"] = md["generateName"] + "".join(random.choice(_GENERATE_CHARS) for _ in range(5))
    if t.name is not None and md.get("name") != t.name:
        raise errors.bad_request(f"the name of the object ({md.get('name')}) does not match the name on the URL "
                                 f"({t.name})")
    for k in SYSTEM_METADATA:
        md.pop(k, None)
    _validate(t, obj)
    if t.res.namespaced and store.get(NS_RES, "", t.namespace) is None:
        raise errors.namespace_not_found(t.namespace)
    if store.get(t.res, t.namespace, md["name"]) is not None:
        raise errors.already_exists(t.res, md["name"])
    if t.res.kind in _STATUS_ON_CREATE:
        status = _STATUS_ON_CREATE[t.res.kind]
        obj.pop("status", None)
        if status is not None:
            obj["status"] = copy.deepcopy(status)
    _default(t.res, obj)
    md["uid"] = str(uuid.uuid4())
    md["creationTimestamp"] = now()
    if t.res.has_generation:
        md["generation"] = 1
    return obj


def create(store, t, body, opts):
    with store.cond:
        obj = _prepare_create(store, t, body)
        return _commit(store, t, obj, opts), 201


def _finish_update(store, t, old, obj, opts, owners=None):
    """Carry system fields over from old, bump generation, validate, store.
    Returns (stored, HTTP code)."""
    md, old_md = obj["metadata"], old.obj["metadata"]
    for k in ("uid", "creationTimestamp"):
        md[k] = old_md[k]
    md.pop("managedFields", None)
    if t.res.kind in _STATUS_ON_CREATE:
        obj.pop("status", None)
        if "status" in old.obj:
            obj["status"] = copy.deepcopy(old.obj["status"])
    _default(t.res, obj, old.obj)
    if t.res.has_generation:
        gen = old_md.get("generation", 1)
        md["generation"] = gen + 1 if _spec_part(obj) != _spec_part(old.obj) else gen
    _validate(t, obj)
    md["resourceVersion"] = old_md["resourceVersion"]
    if obj == old.obj:  # a no-op write does not bump resourceVersion, as in kube
        if owners is not None and not opts.dry_run:
            store.owners[(t.res.key, old.namespace, old.name)] = owners
        return old, 200
    if owners is None:
        owners = _strip_owned(store, t, old.obj, obj)
    return _commit(store, t, obj, opts, owners), 200


def _strip_owned(store, t, old, new):
    """A non-apply write takes the fields it changed away from apply managers."""
    owners = store.owners.get((t.res.key, t.namespace or "", t.name))
    if not owners:
        return None
    changed = _diff_paths(old, new)
    out = {}
    for mgr, cfg in owners.items():
        cfg = copy.deepcopy(cfg)
        for p in changed:
            patchmod.delete_path(cfg, p)
        out[mgr] = cfg
    return out


def _diff_paths(a, b, prefix=()):
    if isinstance(a, dict) and isinstance(b, dict):
        out = set()
        for k in set(a) | set(b):
            if a.get(k) != b.get(k):
                out |= _diff_paths(a.get(k), b.get(k), prefix + (k,))
        return out
    return {prefix} if a != b else set()


def update(store, t, body, opts):
    with store.cond:
        old = store.get(t.res, t.namespace, t.name)
        if old is None:
            raise errors.not_found(t.res, t.name)
        obj = _coerce(t, body, for_update=True)
        rv = obj["metadata"].get("resourceVersion")
        if not rv:
            raise errors.invalid(t.res, t.name, [("metadata.resourceVersion",
                                                  "Invalid value: 0x0: must be specified for an update")])
        if rv != old.obj["metadata"]["resourceVersion"]:
            raise errors.conflict(t.res, t.name)
        return _finish_update(store, t, old, obj, opts)


def _check_preconditions(t, old, uid, rv):
    md = old.obj["metadata"]
    if uid and uid != md["uid"]:
        raise errors.conflict(t.res, t.name, f"Precondition failed: UID in precondition: {uid}, UID in object meta: "
                                             f"{md['uid']}")
    if rv and rv != md["resourceVersion"]:
        raise errors.conflict(t.res, t.name, f"Precondition failed: ResourceVersion in precondition: {rv}, "
                                             f"ResourceVersion in object meta: {md['resourceVersion']}")


def patch(store, t, kind, body, opts):
    """kind: 'merge' | 'strategic' | 'json' | 'apply'; body already decoded."""
    with store.cond:
        old = store.get(t.res, t.namespace, t.name)
        if kind == "apply":
            return _apply(store, t, body, opts, old)
        if old is None:
            raise errors.not_found(t.res, t.name)
        current = copy.deepcopy(old.as_version(t.api_version))
        try:
            if kind == "json":
                new = patchmod.json_patch(current, body)
            elif kind == "strategic":
                if not isinstance(body, dict):
                    raise patchmod.PatchError("strategic merge patch must be a JSON object")
                new = patchmod.strategic_merge_patch(current, body)
            else:
                if not isinstance(body, dict):
                    raise patchmod.PatchError("merge patch must be a JSON object")
                new = patchmod.merge_patch(current, body)
        except patchmod.PatchError as exc:
            if kind == "json":
                raise errors.ApiError(422, "Invalid", str(exc)) from None
            raise errors.bad_request(str(exc)) from None
        if not isinstance(new, dict) or not isinstance(new.get("metadata"), dict):
            raise errors.bad_request("patch result is not an object")
        md = new["metadata"]
        # a resourceVersion or uid carried by the patch is a precondition
        if md.get("resourceVersion") and md["resourceVersion"] != old.obj["metadata"]["resourceVersion"]:
            raise errors.conflict(t.res, t.name)
        _check_preconditions(t, old, md.get("uid"), None)
        if md.get("name") != t.name or (t.res.namespaced and md.get("namespace") != t.namespace):
            raise errors.invalid(t.res, t.name, [("metadata.name", "Invalid value: field is immutable")])
        new = _coerce(t, new, for_update=True)
        return _finish_update(store, t, old, new, opts)


def _apply(store, t, config, opts, old):
    """Server-side apply: create when absent, else merge the applied fields, drop
    the fields this manager applied before and no longer does, and report
    conflicts with other apply managers unless force."""
    if not opts.field_manager:
        raise errors.ApiError(422, "Invalid", 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required '
                                              'value: is required for apply patch')
    raw = _drop_nulls(config)
    config = _coerce(t, raw, for_update=True)
    mgr = opts.field_manager
    mine = {p for p in patchmod.leaf_paths(config) if p not in IDENTITY_PATHS}
    if old is None:
        obj = _prepare_create(store, t, raw)
        return _commit(store, t, obj, opts, {mgr: _owned_config(config)}), 201
    _check_preconditions(t, old, config["metadata"].get("uid"), config["metadata"].get("resourceVersion"))
    live = old.obj
    owners = copy.deepcopy(store.owners.get((t.res.key, t.namespace or "", t.name), {}))
    conflicts = []
    for other, cfg in owners.items():
        if other == mgr:
            continue
        theirs = patchmod.leaf_paths(cfg)
        for p in sorted(mine):
            if _overlaps(p, theirs) and patchmod.get_path(config, p) != patchmod.get_path(live, p):
                if opts.force:
                    patchmod.delete_path(cfg, p)
                else:
                    conflicts.append((other, t.api_version, patchmod.format_path(p)))
    if conflicts:
        raise errors.apply_conflict(t.res, t.name, conflicts)
    merged = patchmod.merge_patch(copy.deepcopy(live), config)
    previous = owners.get(mgr)
    if previous is not None:
        others = set()
        for other, cfg in owners.items():
            if other != mgr:
                others |= patchmod.leaf_paths(cfg)
        for p in patchmod.leaf_paths(previous) - mine:
            if p not in IDENTITY_PATHS and not _overlaps(p, others):
                patchmod.delete_path(merged, p)
    owners[mgr] = _owned_config(config)
    merged["metadata"]["resourceVersion"] = live["metadata"]["resourceVersion"]
    return _finish_update(store, t, old, merged, opts, owners)


def _owned_config(config):
    cfg = copy.deepcopy(config)
    for p in IDENTITY_PATHS:
        patchmod.delete_path(cfg, p)
    return cfg


def _overlaps(path, paths):
    for q in paths:
        n = min(len(path), len(q))
        if path[:n] == q[:n]:
            return True
    return False


def _drop_nulls(value):
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value


def delete(store, t, options, opts):
    """options: decoded DeleteOptions or None. Returns the deleted StoredObject."""
    pre = (options or {}).get("preconditions") or {}
    if not isinstance(pre, dict):
        raise errors.bad_request("preconditions must be an object")
    with store.cond:
        old = store.get(t.res, t.namespace, t.name)
        if old is None:
            raise errors.not_found(t.res, t.name)
        _check_preconditions(t, old, pre.get("uid"), pre.get("resourceVersion"))
        if opts.dry_run:
            return old
        if t.res is NS_RES:
            _delete_namespace_contents(store, t.name)
        return store.remove(t.res, t.namespace, t.name)


def _delete_namespace_contents(store, ns):
    from resources import RESOURCES
    for res in RESOURCES:
        if not res.namespaced:
            continue
        for _key, stored in list(store.scan(res, ns)):
            store.remove(res, ns, stored.name)


def delete_collection(store, t, label_pred, field_pred, opts):
    with store.cond:
        victims = [s for _k, s in store.scan(t.res, t.namespace)
                   if (label_pred is None or label_pred(s.obj["metadata"].get("labels") or {}))
                   and (field_pred is None or field_pred(s.obj))]
        if opts.dry_run:
            return victims
        out = []
        for s in victims:
            if t.res is NS_RES:
                _delete_namespace_contents(store, s.name)
            out.append(store.remove(t.res, s.namespace, s.name))
        return out
