"""kube `Status` errors with the wording the real API server uses, so clients
(kubectl, meshpanel) can be tested against the exact messages they will meet.
"""


class ApiError(Exception):
    def __init__(self, code, reason, message, details=None, headers=None):
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
        self.headers = headers or {}

    def status(self):
        st = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if self.details is not None:
            st["details"] = self.details
        return st


def _details(res, name=None, **extra):
    d = {}
    if name:
        d["name"] = name
    if res.group:
        d["group"] = res.group
    d["kind"] = res.plural
    d.update(extra)
    return d


def not_found(res, name):
    return ApiError(404, "NotFound", f'{res.group_resource} "{name}" not found', _details(res, name))


def namespace_not_found(ns):
    return ApiError(404, "NotFound", f'namespaces "{ns}" not found', {"name": ns, "kind": "namespaces"})


def path_not_found():
    return ApiError(404, "NotFound", "the server could not find the requested resource", {})


def already_exists(res, name):
    return ApiError(409, "AlreadyExists", f'{res.group_resource} "{name}" already exists', _details(res, name))


def conflict(res, name, why="the object has been modified; please apply your changes to the latest version "
                           "and try again"):
    return ApiError(409, "Conflict", f'Operation cannot be fulfilled on {res.group_resource} "{name}": {why}',
                    _details(res, name))


def apply_conflict(res, name, conflicts):
    """conflicts: list of (manager, api_version, field_path_string)."""
    n = len(conflicts)
    if n == 1:
        mgr, av, path = conflicts[0]
        msg = f'Apply failed with 1 conflict: conflict with "{mgr}" using {av}: {path}'
    else:
        lines = "".join(f'\n- conflict with "{m}" using {av}: {p}' for m, av, p in conflicts)
        msg = f"Apply failed with {n} conflicts:{lines}"
    causes = [{"reason": "FieldManagerConflict", "message": f'conflict with "{m}" using {av}', "field": p}
              for m, av, p in conflicts]
    return ApiError(409, "Conflict", msg, _details(res, name, causes=causes))


def invalid(res, name, causes):
    """causes: list of (field, message-after-field)."""
    text = "; ".join(f"{f}: {m}" for f, m in causes)
    if len(causes) > 1:
        text = "[" + ", ".join(f"{f}: {m}" for f, m in causes) + "]"
    return ApiError(
        422, "Invalid", f'{res.kind_group} "{name}" is invalid: {text}',
        {"name": name, "group": res.group, "kind": res.kind,
         "causes": [{"reason": _cause_reason(m), "message": m, "field": f} for f, m in causes]})


def _cause_reason(message):
    if message.startswith("Required value"):
        return "FieldValueRequired"
    if message.startswith("Forbidden"):
        return "FieldValueForbidden"
    return "FieldValueInvalid"


def forbidden(user, verb, res, namespace=None, name=None):
    subject = f'{res.group_resource} "{name}"' if name else res.group_resource
    where = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
    msg = (f'{subject} is forbidden: User "{user}" cannot {verb} resource "{res.plural}" '
           f'in API group "{res.group}" {where}')
    return ApiError(403, "Forbidden", msg, _details(res, name))


def forbidden_path(user, verb, path):
    return ApiError(403, "Forbidden", f'forbidden: User "{user}" cannot {verb} path "{path}"', {})


def unauthorized():
    return ApiError(401, "Unauthorized", "Unauthorized")


def bad_request(message):
    return ApiError(400, "BadRequest", message)


def method_not_allowed():
    return ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", {})


def not_acceptable():
    return ApiError(406, "NotAcceptable", "only the following media types are accepted: application/json, "
                    "application/yaml, application/vnd.kubernetes.protobuf")


def unsupported_media_type(accepted):
    return ApiError(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media "
                    "types include: " + ", ".join(accepted))


def gone(message):
    return ApiError(410, "Expired", message)


def too_many_requests(retry_after=1):
    return ApiError(429, "TooManyRequests", "Too many requests, please try again later.",
                    {"retryAfterSeconds": retry_after}, {"Retry-After": str(retry_after)})


def internal(message):
    return ApiError(500, "InternalError", f"Internal error occurred: {message}", {"causes": [{"message": message}]})
