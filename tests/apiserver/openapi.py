"""OpenAPI v3 documents, just enough for kubectl.

kubectl reads /openapi/v3 to learn whether the server validates fields itself
(a `fieldValidation` query parameter on the PATCH operation of the GVK). When it
does, kubectl skips client-side schema validation, which would otherwise need
/openapi/v2 in protobuf. PATCH operations do not advertise strategic merge
patch, so `kubectl apply` computes its patch from its compiled-in types for
built-ins and uses a JSON merge patch for the Istio kinds, exactly as against
a real cluster. /openapi/v2 stays 404; kubectl copes.

Schemas are open objects (`x-kubernetes-preserve-unknown-fields`).
"""

import resources

_HASH = "meshpanel-test-1"


def _gv_key(group, version):
    return f"apis/{group}/{version}" if group else f"api/{version}"


def _root():
    keys = []
    for r in resources.RESOURCES:
        for v in r.versions:
            k = _gv_key(r.group, v)
            if k not in keys:
                keys.append(k)
    return {"paths": {k: {"serverRelativeURL": f"/openapi/v3/{k}?hash={_HASH}"} for k in keys}}


def _param(name, schema_type="string"):
    return {"name": name, "in": "query", "schema": {"type": schema_type, "uniqueItems": True}}


_WRITE_PARAMS = [_param("dryRun"), _param("fieldManager"), _param("fieldValidation")]
_PATCH_TYPES = ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"]


def _schema_name(r, version):
    group = r.group or "core"
    return f"{group}.{version}.{r.kind}"


def _operation(r, version, action, op_id, body_types=None, params=()):
    ref = {"$ref": f"#/components/schemas/{_schema_name(r, version)}"}
    op = {
        "operationId": op_id,
        "parameters": list(params),
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": ref}}}},
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": {"group": r.group, "kind": r.kind, "version": version},
    }
    if body_types:
        op["requestBody"] = {"content": {t: {"schema": ref} for t in body_types}, "required": True}
    return op


def _gv_document(group, version):
    paths, schemas = {}, {}
    prefix = f"/apis/{group}/{version}" if group else f"/api/{version}"
    for r in resources.RESOURCES:
        if r.group != group or version not in r.versions:
            continue
        base = f"{prefix}/namespaces/{{namespace}}/{r.plural}" if r.namespaced else f"{prefix}/{r.plural}"
        kind = r.kind
        paths[base] = {
            "get": _operation(r, version, "list", f"list{kind}"),
            "post": _operation(r, version, "post", f"create{kind}", ["application/json", "application/yaml"],
                               _WRITE_PARAMS),
            "delete": _operation(r, version, "deletecollection", f"deleteCollection{kind}"),
        }
        paths[base + "/{name}"] = {
            "get": _operation(r, version, "get", f"read{kind}"),
            "put": _operation(r, version, "put", f"replace{kind}", ["application/json", "application/yaml"],
                              _WRITE_PARAMS),
            "patch": _operation(r, version, "patch", f"patch{kind}", _PATCH_TYPES, _WRITE_PARAMS + [_param(
                "force", "boolean")]),
            "delete": _operation(r, version, "delete", f"delete{kind}", None, [_param("dryRun")]),
        }
        schemas[_schema_name(r, version)] = {
            "type": "object",
            "x-kubernetes-preserve-unknown-fields": True,
            "x-kubernetes-group-version-kind": [{"group": r.group, "kind": r.kind, "version": version}],
        }
    if not paths:
        return None
    return {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": "v1.32.0"}, "paths": paths,
            "components": {"schemas": schemas}}


def document(path, query):
    """Document for /openapi/v3[/<gv>], or None (404)."""
    if path == "/openapi/v3":
        return _root()
    if not path.startswith("/openapi/v3/"):
        return None
    rest = path[len("/openapi/v3/"):].split("/")
    if len(rest) == 2 and rest[0] == "api":
        return _gv_document("", rest[1])
    if len(rest) == 3 and rest[0] == "apis":
        return _gv_document(rest[1], rest[2])
    return None
