"""meta.k8s.io Table output, which `kubectl get` asks for by default.

Columns per kind mirror kube's printers (built-ins) and the Istio CRDs'
additionalPrinterColumns; every table starts with Name and ends with Age,
which the server renders as a human duration like kube does.
"""

import datetime
import json

_NAME_DESC = ("Name must be unique within a namespace. Is required when creating resources, although some "
              "resources may allow a client to request the generation of an appropriate name automatically. "
              "Name is primarily intended for creation idempotence and configuration definition. Cannot be "
              "updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names")
_AGE_DESC = ("CreationTimestamp is a timestamp representing the server time when this object was created. "
             "It is not guaranteed to be set in happens-before order across separate operations. Clients may "
             "not set this value. It is represented in RFC3339 form and is in UTC.")


def human_duration(seconds):
    """k8s.io/apimachinery/pkg/util/duration.HumanDuration."""
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    s = int(seconds)
    if s < 120:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        rem = s % 60
        return f"{minutes}m{rem}s" if rem else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = s // 3600
    if hours < 8:
        rem = minutes % 60
        return f"{hours}h{rem}m" if rem else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        rem = hours % 24
        return f"{hours // 24}d{rem}h" if rem else f"{hours // 24}d"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        days = hours // 24 - (hours // 24 // 365) * 365
        return f"{hours // 24 // 365}y{days}d" if days else f"{hours // 24 // 365}y"
    return f"{hours // 24 // 365}y"


def _age(obj):
    ts = obj.get("metadata", {}).get("creationTimestamp")
    if not ts:
        return "<unknown>"
    try:
        t = datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        return "<unknown>"
    return human_duration((datetime.datetime.now(datetime.timezone.utc) - t).total_seconds())


def _get(obj, *path, default=None):
    cur = obj
    for k in path:
        if not isinstance(cur, dict) or k not in cur:
            return default
        cur = cur[k]
    return cur


def _ingress_hosts(obj):
    hosts = [r.get("host") for r in _get(obj, "spec", "rules", default=[]) or [] if isinstance(r, dict)]
    hosts = [h for h in hosts if h]
    if not hosts:
        return "*"
    if len(hosts) > 3:
        return ",".join(hosts[:3]) + f" + {len(hosts) - 3} more..."
    return ",".join(hosts)


def _lb_address(obj):
    out = []
    for ing in _get(obj, "status", "loadBalancer", "ingress", default=[]) or []:
        if isinstance(ing, dict):
            out.append(ing.get("ip") or ing.get("hostname") or "")
    return ",".join(a for a in out if a)


def _ingress_ports(obj):
    return "80, 443" if _get(obj, "spec", "tls") else "80"


def _service_ports(obj):
    parts = []
    for p in _get(obj, "spec", "ports", default=[]) or []:
        if not isinstance(p, dict):
            continue
        s = str(p.get("port", ""))
        if p.get("nodePort"):
            s += f":{p['nodePort']}"
        parts.append(f"{s}/{p.get('protocol', 'TCP')}")
    return ",".join(parts) or "<none>"


def _external_ip(obj):
    ips = list(_get(obj, "spec", "externalIPs", default=[]) or [])
    ips += [a for a in _lb_address(obj).split(",") if a]
    if ips:
        return ",".join(ips)
    return "<pending>" if _get(obj, "spec", "type") == "LoadBalancer" else "<none>"


def _selector(obj):
    sel = _get(obj, "spec", "selector")
    if not sel:
        return "<none>"
    return ",".join(f"{k}={v}" for k, v in sel.items())


def _json_col(*path):
    """CRD printer columns render non-scalar values as JSON."""
    def cell(obj):
        v = _get(obj, *path)
        if v is None:
            return None
        return v if isinstance(v, (str, int, float, bool)) else json.dumps(v, separators=(",", ":"))
    return cell


def _str(*path, default="<none>"):
    return lambda obj: _get(obj, *path, default=default) or default


# kind -> list of (column name, type, priority, cell function)
_COLUMNS = {
    "Ingress": [("Class", "string", 0, _str("spec", "ingressClassName")),
                ("Hosts", "string", 0, _ingress_hosts),
                ("Address", "string", 0, _lb_address),
                ("Ports", "string", 0, _ingress_ports)],
    "IngressClass": [("Controller", "string", 0, _str("spec", "controller")),
                     ("Parameters", "string", 0, lambda o: "<none>" if not _get(o, "spec", "parameters")
                      else json.dumps(_get(o, "spec", "parameters")))],
    "Service": [("Type", "string", 0, _str("spec", "type", default="ClusterIP")),
                ("Cluster-IP", "string", 0, _str("spec", "clusterIP")),
                ("External-IP", "string", 0, _external_ip),
                ("Port(s)", "string", 0, _service_ports),
                ("Selector", "string", 1, _selector)],
    "Secret": [("Type", "string", 0, _str("type", default="Opaque")),
               ("Data", "integer", 0, lambda o: len(o.get("data") or {}))],
    "ConfigMap": [("Data", "integer", 0, lambda o: len(o.get("data") or {}) + len(o.get("binaryData") or {}))],
    "Namespace": [("Status", "string", 0, _str("status", "phase", default="Active"))],
    "VirtualService": [("Gateways", "string", 0, _json_col("spec", "gateways")),
                       ("Hosts", "string", 0, _json_col("spec", "hosts"))],
    "DestinationRule": [("Host", "string", 0, _json_col("spec", "host"))],
    "AuthorizationPolicy": [("Action", "string", 0, _json_col("spec", "action"))],
}


def column_definitions(kind):
    cols = [{"name": "Name", "type": "string", "format": "name", "description": _NAME_DESC, "priority": 0}]
    for name, typ, prio, _fn in _COLUMNS.get(kind, []):
        if name == "Selector":  # kube puts the wide column after Age for services
            continue
        cols.append({"name": name, "type": typ, "format": "", "description": name, "priority": prio})
    cols.append({"name": "Age", "type": "date", "format": "", "description": _AGE_DESC, "priority": 0})
    for name, typ, prio, _fn in _COLUMNS.get(kind, []):
        if name == "Selector":
            cols.append({"name": name, "type": typ, "format": "", "description": name, "priority": prio})
    return cols


def cells(kind, obj):
    specs = _COLUMNS.get(kind, [])
    row = [obj.get("metadata", {}).get("name", "")]
    row += [fn(obj) for name, _t, _p, fn in specs if name != "Selector"]
    row.append(_age(obj))
    row += [fn(obj) for name, _t, _p, fn in specs if name == "Selector"]
    return row


def partial_metadata(obj, api_version="meta.k8s.io/v1"):
    return {"kind": "PartialObjectMetadata", "apiVersion": api_version, "metadata": obj.get("metadata", {})}


def row(kind, obj, include_object):
    """include_object: 'None' | 'Metadata' | 'Object'."""
    r = {"cells": cells(kind, obj)}
    if include_object == "Object":
        r["object"] = obj
    elif include_object != "None":
        r["object"] = partial_metadata(obj)
    return r


def table(kind, objs, include_object, list_meta, table_version="v1", with_columns=True):
    out = {"kind": "Table", "apiVersion": f"meta.k8s.io/{table_version}", "metadata": list_meta}
    out["columnDefinitions"] = column_definitions(kind) if with_columns else []
    out["rows"] = [row(kind, o, include_object) for o in objs]
    return out
