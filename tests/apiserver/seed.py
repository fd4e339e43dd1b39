"""Seed objects: YAML/JSON files or directories (multi-document, `List` kinds),
and a synthetic tenant population for benchmarks (`--generate N`).

Seeding is an administrative upsert: system metadata is filled in, status is
kept (so a seed can carry an Ingress address), namespaces are created as needed.
"""

import copy
import json
import os
import uuid

import yaml

import ops
from resources import lookup_kind


class SeedError(ValueError):
    pass


class Loader(yaml.SafeLoader):
    """SafeLoader that keeps timestamps as strings (JSON has no datetime)."""


Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text):
    """One YAML (or JSON) document; raises yaml.YAMLError."""
    return yaml.load(text, Loader=Loader)


def _docs_from_text(text, origin):
    try:
        # JSON through json: PyYAML's pure-Python loader takes minutes on a
        # 50,000-object benchmark seed
        docs = [json.loads(text)] if origin.endswith(".json") else list(yaml.load_all(text, Loader=Loader))
    except json.JSONDecodeError:
        docs = None
    except yaml.YAMLError as exc:
        raise SeedError(f"{origin}: {exc}") from None
    if docs is None:  # JSON streams and YAML-ish JSON: the YAML loader decides
        try:
            docs = list(yaml.load_all(text, Loader=Loader))
        except yaml.YAMLError as exc:
            raise SeedError(f"{origin}: {exc}") from None
    out = []
    for i, doc in enumerate(docs):
        if doc is None:
            continue
        if not isinstance(doc, dict):
            raise SeedError(f"{origin}: document {i}: not a mapping")
        if doc.get("kind", "").endswith("List") and isinstance(doc.get("items"), list):
            out.extend(doc["items"])
        else:
            out.append(doc)
    return out


def docs_from_path(path):
    if os.path.isdir(path):
        out = []
        for root, dirs, files in os.walk(path):
            dirs.sort()
            for f in sorted(files):
                if f.endswith((".yaml", ".yml", ".json")):
                    out.extend(docs_from_path(os.path.join(root, f)))
        return out
    try:
        with open(path, encoding="utf-8") as f:
            return _docs_from_text(f.read(), path)
    except OSError as exc:
        raise SeedError(f"{path}: {exc.strerror}") from None


def docs_from_text(text, origin="seed"):
    return _docs_from_text(text, origin)


def _ensure_namespace(store, ns):
    if store.get(ops.NS_RES, "", ns) is None:
        load_object(store, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})


def load_object(store, doc):
    """Upsert one object; returns its StoredObject. Raises SeedError."""
    api_version, kind = doc.get("apiVersion", ""), doc.get("kind", "")
    res = lookup_kind(api_version, kind)
    if res is None:
        raise SeedError(f"unsupported kind {api_version}/{kind}")
    obj = copy.deepcopy(doc)
    obj["apiVersion"] = res.api_version()
    md = obj.setdefault("metadata", {})
    if not isinstance(md, dict) or not md.get("name"):
        raise SeedError(f"{kind}: metadata.name is required")
    with store.cond:
        if res.namespaced:
            md["namespace"] = md.get("namespace") or "default"
            _ensure_namespace(store, md["namespace"])
        else:
            md.pop("namespace", None)
        old = store.get(res, md.get("namespace", ""), md["name"])
        ops._default(res, obj, old.obj if old else None)
        md.setdefault("uid", old.obj["metadata"]["uid"] if old else str(uuid.uuid4()))
        md.setdefault("creationTimestamp", old.obj["metadata"]["creationTimestamp"] if old else ops.now())
        if res.has_generation:
            md.setdefault("generation", 1)
        md.pop("resourceVersion", None)
        return store.put(res, obj)


def check_docs(docs):
    """Reject the whole batch before storing anything."""
    for i, doc in enumerate(docs):
        if not isinstance(doc, dict):
            raise SeedError(f"document {i}: not a mapping")
        api_version, kind = doc.get("apiVersion", ""), doc.get("kind", "")
        if lookup_kind(str(api_version), str(kind)) is None:
            raise SeedError(f"document {i}: unsupported kind {api_version}/{kind}")
        md = doc.get("metadata")
        if not isinstance(md, dict) or not md.get("name"):
            raise SeedError(f"document {i}: {kind}: metadata.name is required")


def load_docs(store, docs):
    check_docs(docs)
    return [load_object(store, d) for d in docs]


def generate(store, n, per_namespace=5):
    """n Ingresses over ceil(n/per_namespace) namespaces ns-tenant-00001..., one
    Service `app` per namespace. Shapes vary a little: TLS on every third,
    WebSocket-style timeouts on every fourth."""
    n_ns = max(1, (n + per_namespace - 1) // per_namespace)
    created = ops.now()
    for j in range(1, n_ns + 1):
        ns = f"ns-tenant-{j:05d}"
        load_object(store, {"apiVersion": "v1", "kind": "Namespace",
                            "metadata": {"name": ns, "creationTimestamp": created}})
        load_object(store, {
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "app", "namespace": ns, "creationTimestamp": created, "labels": {"app": "app"}},
            "spec": {"selector": {"app": "app"},
                     "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}]}})
    for i in range(1, n + 1):
        ns = f"ns-tenant-{(i - 1) // per_namespace + 1:05d}"
        name = f"ing-{i:05d}"
        host = f"{name}.cloud.example.com"
        annotations = {"nginx.ingress.kubernetes.io/proxy-body-size": "32m"}
        if i % 4 == 0:
            annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"] = "3600"
            annotations["nginx.ingress.kubernetes.io/proxy-send-timeout"] = "3600"
        spec = {
            "ingressClassName": "nginx",
            "rules": [{"host": host, "http": {"paths": [{
                "path": "/", "pathType": "Prefix",
                "backend": {"service": {"name": "app", "port": {"number": 80}}}}]}}],
        }
        if i % 3 == 0:
            spec["tls"] = [{"hosts": [host], "secretName": "wildcard-cert"}]
        load_object(store, {
            "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": name, "namespace": ns, "creationTimestamp": created,
                         "labels": {"cloud.sealos.io/app-deploy-manager": name},
                         "annotations": annotations},
            "spec": spec,
            "status": {"loadBalancer": {}}})
