"""Light validation: object names (kube's DNS rules and messages) and the Istio
CRD duration rules (`must be a valid duration greater than 1ms`). Returns a list
of (field, message) causes; the caller raises 422 Invalid when it is non-empty.
"""

import re

_DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")

_MSG_SUBDOMAIN = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                  "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                  "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
_MSG_LABEL = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
              "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
              "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
_MSG_1035 = ("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
             "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
             "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")

# kind -> (regex, message, max length)
_NAME_RULES = {
    "Namespace": (_DNS1123_LABEL, _MSG_LABEL, 63),
    "Service": (_DNS1035_LABEL, _MSG_1035, 63),
}
_DEFAULT_RULE = (_DNS1123_SUBDOMAIN, _MSG_SUBDOMAIN, 253)

_DURATION = re.compile(r"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_PART = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)")

# Istio VirtualService http[] fields whose CRD rule is duration(self) >= duration('1ms')
_VS_HTTP_DURATIONS = [
    ("timeout",),
    ("retries", "perTryTimeout"),
    ("retries", "backoff"),
    ("corsPolicy", "maxAge"),
    ("fault", "delay", "fixedDelay"),
    ("fault", "delay", "exponentialDelay"),
]


def parse_duration(text):
    """Go duration string -> seconds, or None when it does not parse."""
    if not isinstance(text, str) or not _DURATION.match(text):
        return None
    return sum(float(n) * _UNIT_SECONDS[u] for n, u in _PART.findall(text))


def validate_name(kind, metadata):
    name = metadata.get("name")
    if not name:
        return [("metadata.name", "Required value: name or generateName is required")]
    regex, message, max_len = _NAME_RULES.get(kind, _DEFAULT_RULE)
    causes = []
    if len(name) > max_len:
        causes.append(("metadata.name", f'Invalid value: "{name}": must be no more than {max_len} characters'))
    if not regex.match(name):
        causes.append(("metadata.name", f'Invalid value: "{name}": {message}'))
    return causes


def _labels(metadata):
    causes = []
    for field in ("labels", "annotations"):
        value = metadata.get(field)
        if value is None:
            continue
        if not isinstance(value, dict):
            causes.append((f"metadata.{field}", "Invalid value: must be a map of string to string"))
            continue
        for k, v in value.items():
            if not isinstance(v, str):
                causes.append((f"metadata.{field}", f'Invalid value: "{k}": value must be a string'))
    return causes


def _vs_durations(spec):
    causes = []
    http = spec.get("http") if isinstance(spec, dict) else None
    if not isinstance(http, list):
        return causes
    for i, route in enumerate(http):
        if not isinstance(route, dict):
            continue
        for path in _VS_HTTP_DURATIONS:
            cur = route
            for k in path:
                cur = cur.get(k) if isinstance(cur, dict) else None
            if cur is None:
                continue
            seconds = parse_duration(cur)
            if seconds is None or seconds < 0.001:
                field = f"spec.http[{i}]." + ".".join(path)
                causes.append((field, 'Invalid value: "string": must be a valid duration greater than 1ms'))
    return causes


def validate(kind, obj):
    metadata = obj.get("metadata")
    if not isinstance(metadata, dict):
        return [("metadata", "Required value: metadata is required")]
    causes = validate_name(kind, metadata) + _labels(metadata)
    if kind == "VirtualService":
        causes += _vs_durations(obj.get("spec"))
    return causes
