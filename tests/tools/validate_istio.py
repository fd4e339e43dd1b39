#!/usr/bin/env python3
"""validate_istio.py - check generated Istio objects the way the API server and istiod would.

Two layers:
  1. the structural openAPIV3Schema of each CRD version in --crds (Gateway, VirtualService,
     AuthorizationPolicy),
     converted to JSON Schema: unknown fields are rejected (kubectl's strict field
     validation), `nullable`, `x-kubernetes-int-or-string` and
     `x-kubernetes-preserve-unknown-fields` are honoured, and the CEL rules the CRDs carry
     are evaluated (an unknown CEL rule is a load error, never silently skipped);
  2. the rules from istio's pkg/config/validation that no schema expresses: durations >= 1ms
     in proto form ("300s"), CORS maxAge in whole seconds, allowMethods from the valid set,
     Gateway names as DNS-1123 labels, unique server port names, no `*` host on a tenant
     (`ns-*`) Gateway, route/redirect exclusivity, plus small hand-written checks for the
     DestinationRule (no CRD here) and AuthorizationPolicy objects the converter may emit;
  3. VirtualService delegation across the objects of one file, as istiod's validation and
     merge (pilot/pkg/model/virtualservice.go) treat it: a delegate (no hosts) has no
     gateways, tls or tcp routes and no delegate entries of its own; every `delegate` entry
     of a root names a VirtualService of the file that is a delegate exported to the root's
     namespace; every match of every delegate route is admitted by a match of the root
     entry (else istiod drops the route); every delegate is used by a root.

usage:
  validate_istio.py --crds CRDS [--require-source] FILE...   (FILE may be '-')
  validate_istio.py --crds CRDS --self-test

One line per problem on stdout: `FILE: doc N: Kind ns/name: path: message`.
Exit 0 when all objects are valid, 1 when a problem was found, 2 on usage or load errors.
"""
import argparse
import ipaddress
import re
import sys

import jsonschema
import yaml


class LoadError(Exception):
    pass


# --- Go / proto durations ---------------------------------------------------------------

_GO_UNITS = {"ns": 1, "us": 1000, "µs": 1000, "ms": 10**6, "s": 10**9, "m": 60 * 10**9,
             "h": 3600 * 10**9}
_GO_PART = re.compile(r"([0-9]*(?:\.[0-9]*)?)(ns|us|µs|ms|s|m|h)")


def go_duration_ns(text):
    """Nanoseconds of a Go duration string (what CEL duration() accepts), None if invalid."""
    if not isinstance(text, str) or text == "":
        return None
    if text == "0":
        return 0
    s = text[1:] if text[0] in "+-" else text
    pos, total = 0, 0
    while pos < len(s):
        m = _GO_PART.match(s, pos)
        if not m or m.group(1) in ("", "."):
            return None
        total += int(float(m.group(1)) * _GO_UNITS[m.group(2)])
        pos = m.end()
    return -total if text[0] == "-" else total


_PROTO_DURATION = re.compile(r"^([0-9]+)(?:\.([0-9]{1,9}))?s$")


def proto_duration_ns(text):
    """Nanoseconds of a protobuf JSON Duration ("300s", "1.5s"), None if not that form.
    istiod decodes CRDs with protojson, which only accepts this form."""
    if not isinstance(text, str):
        return None
    m = _PROTO_DURATION.match(text)
    if not m:
        return None
    frac = (m.group(2) or "").ljust(9, "0")
    return int(m.group(1)) * 10**9 + int(frac)


# --- CRD schema conversion --------------------------------------------------------------

_COPY_KEYS = {"type", "required", "enum", "minimum", "maximum", "exclusiveMinimum",
              "exclusiveMaximum", "maxItems", "minItems", "maxLength", "minLength", "pattern",
              "maxProperties", "minProperties", "uniqueItems"}
_IGNORE_KEYS = {"description", "default", "example", "title"}
_INT_FORMATS = {"int32": (-2**31, 2**31 - 1), "int64": (-2**63, 2**63 - 1)}

_CEL_DURATION = "duration(self) >= duration('1ms')"
_CEL_HAS_TERM = re.compile(r"\(has\(self\.(\w+)\) \? 1 : 0\)")
_CEL_HAS_COUNT = re.compile(r"^\(has\(self\.\w+\) \? 1 : 0\)( \+ \(has\(self\.\w+\) \? 1 : 0\))+ <= 1$")
# AuthorizationPolicy's rules (security.istio.io), matched as written in the CRD.
_CEL_FIXED = {
    '!self.contains("*")': ("no-star", None),
    'self.all(key, !key.contains("*"))': ("keys-no-star", None),
    "self.all(key, key.size() != 0)": ("keys-not-empty", None),
    "self.size() == 0": ("empty", None),
    "(has(self.serviceAccounts) || has(self.notServiceAccounts)) ? (!has(self.principals) && "
    "!has(self.notPrincipals) && !has(self.namespaces) && !has(self.notNamespaces)) : true":
        ("excludes", (("serviceAccounts", "notServiceAccounts"),
                      ("principals", "notPrincipals", "namespaces", "notNamespaces"))),
}


def _compile_cel(rules, path):
    out = []
    for r in rules:
        rule = " ".join(str(r.get("rule", "")).split())
        msg = r.get("message", rule)
        if rule == _CEL_DURATION:
            out.append(("duration>=1ms", None, msg))
            continue
        if _CEL_HAS_COUNT.match(rule):
            out.append(("at-most-one", tuple(_CEL_HAS_TERM.findall(rule)), msg))
            continue
        if rule in _CEL_FIXED:
            kind, arg = _CEL_FIXED[rule]
            out.append((kind, arg, msg))
            continue
        raise LoadError("%s: unsupported x-kubernetes-validations rule %r" % (path, rule))
    return out


def convert_schema(node, path="$"):
    """Kubernetes structural schema -> JSON Schema (draft 7) with an `x-cel` keyword."""
    if not isinstance(node, dict):
        raise LoadError("%s: schema node is not a map" % path)
    out = {}
    preserve = bool(node.get("x-kubernetes-preserve-unknown-fields"))
    for key, val in node.items():
        if key == "properties":
            out["properties"] = {k: convert_schema(v, "%s.%s" % (path, k)) for k, v in val.items()}
        elif key == "items":
            out["items"] = convert_schema(val, path + "[]")
        elif key == "additionalProperties":
            out[key] = val if isinstance(val, bool) else convert_schema(val, path + "{}")
        elif key in ("oneOf", "anyOf", "allOf"):
            out[key] = [convert_schema(v, "%s/%s" % (path, key)) for v in val]
        elif key == "not":
            out[key] = convert_schema(val, path + "/not")
        elif key in _COPY_KEYS:
            out[key] = val
        elif key == "format":
            if val in _INT_FORMATS and node.get("type") == "integer":
                lo, hi = _INT_FORMATS[val]
                out.setdefault("minimum", lo)
                out.setdefault("maximum", hi)
        elif key == "x-kubernetes-validations":
            out["x-cel"] = _compile_cel(val, path)
        elif key in ("nullable", "x-kubernetes-int-or-string",
                     "x-kubernetes-preserve-unknown-fields", "x-kubernetes-list-type",
                     "x-kubernetes-list-map-keys", "x-kubernetes-map-type") or key in _IGNORE_KEYS:
            pass
        else:
            raise LoadError("%s: unsupported schema keyword %r" % (path, key))
    if node.get("x-kubernetes-int-or-string") and "anyOf" not in out:
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
        out.pop("type", None)
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = list(out["enum"]) + [None]
    # Structural schemas prune unknown fields; strict field validation (kubectl apply
    # --validate=strict, the default) rejects them, which is what a generator must meet.
    if ("properties" in node and "additionalProperties" not in node and not preserve):
        out["additionalProperties"] = False
    return out


def _cel_keyword(validator, rules, instance, schema):
    for kind, arg, msg in rules:
        if kind == "duration>=1ms":
            if not isinstance(instance, str):
                continue
            ns = go_duration_ns(instance)
            if ns is None:
                yield jsonschema.ValidationError("%r is not a valid duration" % instance)
            elif ns < 10**6:
                yield jsonschema.ValidationError("%r: %s" % (instance, msg))
        elif kind == "at-most-one" and isinstance(instance, dict):
            if sum(k in instance for k in arg) > 1:
                yield jsonschema.ValidationError(msg)
        elif kind == "no-star" and isinstance(instance, str):
            if "*" in instance:
                yield jsonschema.ValidationError(msg)
        elif kind == "keys-no-star" and isinstance(instance, dict):
            if any("*" in k for k in instance):
                yield jsonschema.ValidationError(msg)
        elif kind == "keys-not-empty" and isinstance(instance, dict):
            if any(k == "" for k in instance):
                yield jsonschema.ValidationError(msg)
        elif kind == "empty" and isinstance(instance, str):
            if instance:
                yield jsonschema.ValidationError(msg)
        elif kind == "excludes" and isinstance(instance, dict):
            if any(k in instance for k in arg[0]) and any(k in instance for k in arg[1]):
                yield jsonschema.ValidationError(msg)


_Validator = jsonschema.validators.extend(jsonschema.Draft7Validator, {"x-cel": _cel_keyword})


def load_crds(path):
    """Returns {(apiVersion, kind): validator}."""
    try:
        with open(path, encoding="utf-8") as f:
            docs = [d for d in yaml.safe_load_all(f) if d]
    except (OSError, yaml.YAMLError) as e:
        raise LoadError("%s: %s" % (path, e))
    table = {}
    for crd in docs:
        if crd.get("kind") != "CustomResourceDefinition":
            continue
        group = crd["spec"]["group"]
        kind = crd["spec"]["names"]["kind"]
        for ver in crd["spec"]["versions"]:
            root = ver["schema"]["openAPIV3Schema"]
            where = "%s %s/%s" % (kind, group, ver["name"])
            schema = convert_schema(root, where)
            # The API server adds these three to every object's root.
            schema.setdefault("properties", {}).update(
                {"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                 "metadata": {"type": "object"}})
            _Validator.check_schema(schema)
            table[("%s/%s" % (group, ver["name"]), kind)] = _Validator(schema)
    if not table:
        raise LoadError("%s: no CustomResourceDefinition found" % path)
    return table


# --- Istio rules no schema expresses ---------------------------------------------------

DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
CORS_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE",
                "*"}
GW_PROTOCOLS = {"HTTP", "HTTPS", "HTTP2", "GRPC", "GRPC-WEB", "TCP", "TLS", "MONGO", "REDIS",
                "MYSQL"}
REDIRECT_CODES = {301, 302, 303, 307, 308}
KNOWN_KINDS = {
    "Gateway": {"networking.istio.io/v1", "networking.istio.io/v1beta1",
                "networking.istio.io/v1alpha3"},
    "VirtualService": {"networking.istio.io/v1", "networking.istio.io/v1beta1",
                       "networking.istio.io/v1alpha3"},
    "DestinationRule": {"networking.istio.io/v1", "networking.istio.io/v1beta1",
                        "networking.istio.io/v1alpha3"},
    "AuthorizationPolicy": {"security.istio.io/v1", "security.istio.io/v1beta1"},
}
SOURCE_KEY = "meshpanel.io/source"


def check_duration(problems, path, value, whole_seconds=False):
    ns = proto_duration_ns(value)
    if ns is None:
        problems.append((path, "%r is not a protobuf Duration such as \"300s\"" % (value,)))
        return
    if ns < 10**6:
        problems.append((path, "%r: duration must be >= 1ms (0s is rejected by istiod)" % value))
    elif ns % 10**6:
        problems.append((path, "%r: only millisecond precision is allowed" % value))
    if whole_seconds and ns % 10**9:
        problems.append((path, "%r: must be whole seconds" % value))


def check_regex(problems, path, pattern):
    try:
        re.compile(pattern)
    except re.error as e:
        problems.append((path, "regex %r does not compile: %s" % (pattern, e)))


def check_string_match(problems, path, sm):
    if not isinstance(sm, dict):
        return
    if "regex" in sm:
        check_regex(problems, path + ".regex", sm["regex"])
    for k in ("exact", "prefix", "regex"):
        if k in sm and sm[k] in ("", None) and not path.endswith("uri"):
            problems.append((path + "." + k, "empty string match"))


def check_metadata(problems, obj):
    md = obj.get("metadata")
    if not isinstance(md, dict):
        problems.append(("metadata", "missing"))
        return
    name = md.get("name")
    kind = obj.get("kind")
    if not isinstance(name, str) or not name:
        problems.append(("metadata.name", "missing"))
    elif kind == "Gateway":
        if len(name) > 63 or not DNS_LABEL.match(name):
            problems.append(("metadata.name", "%r is not a DNS-1123 label (<=63, no dots)" % name))
    elif len(name) > 253 or not DNS_SUBDOMAIN.match(name):
        problems.append(("metadata.name", "%r is not a DNS-1123 subdomain" % name))
    ns = md.get("namespace")
    if ns is not None and (not isinstance(ns, str) or len(ns) > 63 or not DNS_LABEL.match(ns)):
        problems.append(("metadata.namespace", "%r is not a DNS-1123 label" % (ns,)))
    for field in ("labels", "annotations"):
        m = md.get(field)
        if m is None:
            continue
        if not isinstance(m, dict):
            problems.append(("metadata." + field, "must be a map"))
            continue
        for k, v in m.items():
            where = "metadata.%s[%s]" % (field, k)
            if not isinstance(k, str) or not valid_key(k):
                problems.append((where, "invalid key"))
            if not isinstance(v, str):
                problems.append((where, "value must be a string, got %s" % type(v).__name__))
            elif field == "labels" and (len(v) > 63 or not LABEL_VALUE.match(v)):
                problems.append((where, "%r is not a valid label value" % v))


def valid_key(k):
    prefix, _, name = k.rpartition("/")
    if prefix and (len(prefix) > 253 or not DNS_SUBDOMAIN.match(prefix)):
        return False
    return 0 < len(name) <= 63 and bool(QUALIFIED_NAME.match(name))


def check_gateway(problems, obj):
    spec = obj.get("spec") or {}
    servers = spec.get("servers") or []
    if not servers:
        problems.append(("spec.servers", "a Gateway needs at least one server"))
    tenant = str((obj.get("metadata") or {}).get("namespace") or "").startswith("ns-")
    names = {}
    for i, srv in enumerate(servers):
        p = "spec.servers[%d]" % i
        port = srv.get("port") or {}
        pname = port.get("name")
        if pname in names:
            problems.append((p + ".port.name", "%r duplicates spec.servers[%d]" % (pname, names[pname])))
        elif pname is not None:
            names[pname] = i
        proto = str(port.get("protocol", "")).upper()
        if proto not in GW_PROTOCOLS:
            problems.append((p + ".port.protocol", "%r is not a Gateway protocol" % port.get("protocol")))
        num = port.get("number")
        if isinstance(num, int) and not 1 <= num <= 65535:
            problems.append((p + ".port.number", "%d is not a port" % num))
        hosts = srv.get("hosts") or []
        if not hosts:
            problems.append((p + ".hosts", "at least one host is required"))
        for j, h in enumerate(hosts):
            hp = "%s.hosts[%d]" % (p, j)
            if not isinstance(h, str) or not h:
                problems.append((hp, "empty host"))
                continue
            hns, _, hname = h.rpartition("/")
            if hns and hns not in (".", "*") and not DNS_LABEL.match(hns):
                problems.append((hp, "%r: namespace part is not a DNS label" % h))
            if tenant and hname == "*":
                problems.append((hp, "a tenant Gateway must not serve host %r" % h))
        tls = srv.get("tls")
        if proto in ("HTTPS", "TLS"):
            if not isinstance(tls, dict) or not tls.get("mode"):
                problems.append((p + ".tls", "%s server needs tls with a mode" % proto))
            elif tls.get("mode") in ("SIMPLE", "MUTUAL", "OPTIONAL_MUTUAL") and not (
                    tls.get("credentialName") or tls.get("credentialNames")
                    or tls.get("serverCertificate") or tls.get("tlsCertificates")):
                problems.append((p + ".tls", "mode %s needs a certificate (credentialName)" % tls["mode"]))
        elif proto == "HTTP" and isinstance(tls, dict) and set(tls) - {"httpsRedirect"}:
            problems.append((p + ".tls", "an HTTP server may only set tls.httpsRedirect"))


def check_vs(problems, obj):
    spec = obj.get("spec") or {}
    hosts = spec.get("hosts") or []
    if not hosts:
        # istiod's ValidateVirtualService: no hosts makes it a delegate
        for field in ("gateways", "tls", "tcp"):
            if spec.get(field):
                problems.append(("spec." + field, "a delegate VirtualService (no hosts) must have no %s" % field))
        if not spec.get("http"):
            problems.append(("spec.http", "a delegate VirtualService needs http routes"))
        for i, route in enumerate(spec.get("http") or []):
            if isinstance(route, dict) and "delegate" in route:
                problems.append(("spec.http[%d].delegate" % i, "a delegate cannot delegate again (one level only)"))
    for i, g in enumerate(spec.get("gateways") or []):
        p = "spec.gateways[%d]" % i
        if g == "mesh":
            continue
        gns, slash, gname = str(g).partition("/")
        parts = [gns, gname] if slash else [gns]
        if not all(DNS_LABEL.match(x) and len(x) <= 63 for x in parts):
            problems.append((p, "%r is not [namespace/]name of DNS labels" % g))
    for i, route in enumerate(spec.get("http") or []):
        check_http_route(problems, "spec.http[%d]" % i, route)
    for kind in ("tls", "tcp"):
        for i, route in enumerate(spec.get(kind) or []):
            if not route.get("route"):
                problems.append(("spec.%s[%d].route" % (kind, i), "a %s route needs a destination" % kind))


def check_http_route(problems, p, r):
    has_route = bool(r.get("route"))
    has_redirect = "redirect" in r
    has_direct = "directResponse" in r
    has_delegate = "delegate" in r
    if has_route + has_redirect + has_direct + has_delegate == 0:
        problems.append((p, "needs route, redirect, directResponse or delegate"))
    if has_route and (has_redirect or has_direct):
        problems.append((p, "route cannot be combined with redirect or directResponse"))
    if has_delegate and (has_route or has_redirect):
        problems.append((p, "a root route with delegate must not specify route or redirect"))
    if has_delegate and not (r.get("delegate") or {}).get("name"):
        problems.append((p + ".delegate.name", "missing"))
    if has_redirect and "rewrite" in r:
        problems.append((p, "rewrite cannot be combined with redirect"))
    rw = r.get("rewrite") or {}
    if "uri" in rw and "uriRegexRewrite" in rw:
        problems.append((p + ".rewrite", "uri and uriRegexRewrite are mutually exclusive"))
    if "uriRegexRewrite" in rw:
        check_regex(problems, p + ".rewrite.uriRegexRewrite.match",
                    (rw["uriRegexRewrite"] or {}).get("match", ""))
    for j, m in enumerate(r.get("match") or []):
        mp = "%s.match[%d]" % (p, j)
        for field in ("uri", "scheme", "method", "authority"):
            check_string_match(problems, mp + "." + field, m.get(field))
        for hname, sm in (m.get("headers") or {}).items():
            if not HEADER_NAME.match(str(hname)):
                problems.append((mp + ".headers", "invalid header name %r" % hname))
            check_string_match(problems, "%s.headers[%s]" % (mp, hname), sm)
    for j, d in enumerate(r.get("route") or []):
        dp = "%s.route[%d]" % (p, j)
        dest = d.get("destination") or {}
        if not dest.get("host"):
            problems.append((dp + ".destination.host", "missing"))
        num = (dest.get("port") or {}).get("number")
        if num is not None and not (isinstance(num, int) and 1 <= num <= 65535):
            problems.append((dp + ".destination.port.number", "%r is not a port" % num))
        w = d.get("weight")
        if w is not None and w < 0:
            problems.append((dp + ".weight", "negative weight"))
    if "timeout" in r:
        check_duration(problems, p + ".timeout", r["timeout"])
    retries = r.get("retries") or {}
    if "perTryTimeout" in retries:
        check_duration(problems, p + ".retries.perTryTimeout", retries["perTryTimeout"])
    if retries.get("attempts", 0) < 0:
        problems.append((p + ".retries.attempts", "negative"))
    red = r.get("redirect") or {}
    if "redirectCode" in red and red["redirectCode"] not in REDIRECT_CODES:
        problems.append((p + ".redirect.redirectCode", "%r is not 301/302/303/307/308" % red["redirectCode"]))
    cors = r.get("corsPolicy")
    if isinstance(cors, dict):
        check_cors(problems, p + ".corsPolicy", cors)
    for where in ("request", "response"):
        ops = (r.get("headers") or {}).get(where) or {}
        for op in ("set", "add"):
            for hname in (ops.get(op) or {}):
                if not HEADER_NAME.match(str(hname)):
                    problems.append(("%s.headers.%s.%s" % (p, where, op), "invalid header name %r" % hname))
        for hname in ops.get("remove") or []:
            if not HEADER_NAME.match(str(hname)):
                problems.append(("%s.headers.%s.remove" % (p, where), "invalid header name %r" % hname))


def check_cors(problems, p, cors):
    for i, m in enumerate(cors.get("allowMethods") or []):
        if m not in CORS_METHODS:
            problems.append(("%s.allowMethods[%d]" % (p, i), "%r is not a valid method" % m))
    for i, o in enumerate(cors.get("allowOrigins") or []):
        op = "%s.allowOrigins[%d]" % (p, i)
        if not isinstance(o, dict) or not any(o.get(k) for k in ("exact", "prefix", "regex")):
            problems.append((op, "must be a non-empty exact, prefix or regex"))
        elif "regex" in o:
            check_regex(problems, op + ".regex", o["regex"])
    for field in ("allowHeaders", "exposeHeaders"):
        for i, h in enumerate(cors.get(field) or []):
            if h != "*" and not HEADER_NAME.match(str(h)):
                problems.append(("%s.%s[%d]" % (p, field, i), "invalid header name %r" % h))
    if "maxAge" in cors:
        check_duration(problems, p + ".maxAge", cors["maxAge"], whole_seconds=True)


TLS_MODES_DR = {"DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL"}
H2_POLICIES = {"DEFAULT", "DO_NOT_UPGRADE", "UPGRADE"}
LB_SIMPLE = {"UNSPECIFIED", "LEAST_CONN", "RANDOM", "PASSTHROUGH", "ROUND_ROBIN", "LEAST_REQUEST"}
DR_SPEC = {"host", "trafficPolicy", "subsets", "exportTo", "workloadSelector"}
DR_POLICY = {"loadBalancer", "connectionPool", "outlierDetection", "tls", "portLevelSettings",
             "tunnel", "proxyProtocol", "retryBudget"}


def check_traffic_policy(problems, p, tp):
    if not isinstance(tp, dict):
        problems.append((p, "must be a map"))
        return
    for k in set(tp) - DR_POLICY - ({"port"} if "portLevelSettings" in p else set()):
        problems.append((p + "." + k, "unknown field"))
    tls = tp.get("tls")
    if isinstance(tls, dict) and tls.get("mode") not in TLS_MODES_DR:
        problems.append((p + ".tls.mode", "%r is not one of %s" % (tls.get("mode"), sorted(TLS_MODES_DR))))
    cp = tp.get("connectionPool") or {}
    tcp = cp.get("tcp") or {}
    if "connectTimeout" in tcp:
        check_duration(problems, p + ".connectionPool.tcp.connectTimeout", tcp["connectTimeout"])
    http = cp.get("http") or {}
    if "h2UpgradePolicy" in http and http["h2UpgradePolicy"] not in H2_POLICIES:
        problems.append((p + ".connectionPool.http.h2UpgradePolicy", "invalid %r" % http["h2UpgradePolicy"]))
    lb = tp.get("loadBalancer") or {}
    if "simple" in lb and lb["simple"] not in LB_SIMPLE:
        problems.append((p + ".loadBalancer.simple", "invalid %r" % lb["simple"]))
    for i, pls in enumerate(tp.get("portLevelSettings") or []):
        check_traffic_policy(problems, "%s.portLevelSettings[%d]" % (p, i), pls)


def check_destination_rule(problems, obj):
    spec = obj.get("spec") or {}
    for k in set(spec) - DR_SPEC:
        problems.append(("spec." + k, "unknown field"))
    if not isinstance(spec.get("host"), str) or not spec.get("host"):
        problems.append(("spec.host", "missing"))
    if "trafficPolicy" in spec:
        check_traffic_policy(problems, "spec.trafficPolicy", spec["trafficPolicy"])


AP_ACTIONS = {"ALLOW", "DENY", "AUDIT", "CUSTOM"}
AP_SOURCE_IPS = ("ipBlocks", "notIpBlocks", "remoteIpBlocks", "notRemoteIpBlocks")


def check_authorization_policy(problems, obj):
    spec = obj.get("spec") or {}
    for k in set(spec) - {"selector", "targetRef", "targetRefs", "rules", "action", "provider"}:
        problems.append(("spec." + k, "unknown field"))
    action = spec.get("action", "ALLOW")
    if action not in AP_ACTIONS:
        problems.append(("spec.action", "%r is not one of %s" % (action, sorted(AP_ACTIONS))))
    if action == "CUSTOM" and not spec.get("provider"):
        problems.append(("spec.provider", "CUSTOM needs a provider"))
    sel = spec.get("selector")
    if sel is not None and not isinstance((sel or {}).get("matchLabels"), dict):
        problems.append(("spec.selector.matchLabels", "must be a map"))
    for i, rule in enumerate(spec.get("rules") or []):
        for j, frm in enumerate(rule.get("from") or []):
            src = frm.get("source") or {}
            for field in AP_SOURCE_IPS:
                for k, cidr in enumerate(src.get(field) or []):
                    try:
                        ipaddress.ip_network(str(cidr), strict=False)
                    except ValueError:
                        problems.append(("spec.rules[%d].from[%d].source.%s[%d]" % (i, j, field, k),
                                         "%r is not an IP or CIDR" % cidr))


CHECKS = {"Gateway": check_gateway, "VirtualService": check_vs,
          "DestinationRule": check_destination_rule,
          "AuthorizationPolicy": check_authorization_policy}


def _json_path(err):
    out = ""
    for part in err.absolute_path:
        out += "[%d]" % part if isinstance(part, int) else ("." if out else "") + str(part)
    return out or "$"


def validate_object(table, obj, require_source=False):
    """Returns a list of (path, message) for one object."""
    if not isinstance(obj, dict):
        return [("$", "document is not a map")]
    kind, api = obj.get("kind"), obj.get("apiVersion")
    if kind not in KNOWN_KINDS:
        return [("kind", "%r is not an object the converter may emit" % (kind,))]
    if api not in KNOWN_KINDS[kind]:
        return [("apiVersion", "%r is not served for %s" % (api, kind))]
    problems = []
    validator = table.get((api, kind))
    if validator is not None:
        for e in sorted(validator.iter_errors(obj), key=lambda e: list(map(str, e.absolute_path))):
            problems.append((_json_path(e), e.message))
    elif kind in ("Gateway", "VirtualService", "AuthorizationPolicy"):
        problems.append(("apiVersion", "no schema loaded for %s %s" % (api, kind)))
    check_metadata(problems, obj)
    if not isinstance(obj.get("spec"), dict):
        problems.append(("spec", "missing or not a map"))
        return problems
    CHECKS[kind](problems, obj)
    if require_source:
        md = obj.get("metadata") or {}
        if SOURCE_KEY not in (md.get("annotations") or {}) and SOURCE_KEY not in (md.get("labels") or {}):
            problems.append(("metadata.annotations", "%s is missing" % SOURCE_KEY))
    return problems


def _uri(m):
    u = (m or {}).get("uri") if isinstance(m, dict) else None
    if not isinstance(u, dict) or not u:
        return None
    k = next(iter(u))
    return k, str(u[k])


def _uri_conflict(root, leaf):
    """istiod's stringMatchConflict on the uri of a root and a delegate match."""
    r, l = _uri(root), _uri(leaf)
    if r is None or l is None:
        return False
    if r[0] == "regex" or l[0] == "regex":
        return True
    if r[0] == "exact":
        return l[0] != "exact" or l[1] != r[1]
    if r[0] == "prefix":
        return not l[1].startswith(r[1])
    return True


def check_delegation(docs):
    """(doc index, ident, path, message) for the delegation rules of one stream."""
    vs = {}
    for i, obj in enumerate(docs, 1):
        if isinstance(obj, dict) and obj.get("kind") == "VirtualService":
            md = obj.get("metadata") or {}
            vs[(md.get("namespace", ""), md.get("name", ""))] = (i, obj)
    out, used = [], set()
    for (ns, name), (i, obj) in vs.items():
        spec = obj.get("spec") or {}
        if not spec.get("hosts"):
            continue
        ident = "VirtualService %s/%s" % (ns, name)
        for j, route in enumerate(spec.get("http") or []):
            ref = route.get("delegate") if isinstance(route, dict) else None
            if not isinstance(ref, dict):
                continue
            p = "spec.http[%d].delegate" % j
            key = (ref.get("namespace") or ns, ref.get("name", ""))
            if key not in vs:
                out.append((i, ident, p, "names %s/%s, which is not in this file" % key))
                continue
            used.add(key)
            dobj = vs[key][1]
            dspec = dobj.get("spec") or {}
            if dspec.get("hosts"):
                out.append((i, ident, p, "%s/%s has hosts, so it is not a delegate" % key))
                continue
            exp = dspec.get("exportTo")
            if exp and "*" not in exp and ns not in exp and not (key[0] == ns and "." in exp):
                out.append((i, ident, p, "%s/%s is not exported to %s" % (key + (ns,))))
            roots = route.get("match") or []
            for k, droute in enumerate(dspec.get("http") or []):
                for m in (droute.get("match") or []):
                    if roots and all(_uri_conflict(rm, m) for rm in roots):
                        out.append((i, ident, p, "istiod drops %s/%s http[%d] (%s): its match %s is "
                                    "admitted by no match of this entry" % (key + (k, droute.get("name"), _uri(m)))))
                        break
    for key, (i, obj) in vs.items():
        if not (obj.get("spec") or {}).get("hosts") and key not in used:
            out.append((i, "VirtualService %s/%s" % key, "spec.hosts",
                        "a delegate (no hosts) that no root VirtualService of this file uses"))
    return out


def validate_stream(table, text, name, require_source=False):
    """Returns (objects checked, list of problem lines)."""
    lines = []
    try:
        docs = list(yaml.safe_load_all(text))
    except yaml.YAMLError as e:
        return 0, ["%s: YAML does not parse: %s" % (name, str(e).replace("\n", " "))]
    # `-o json` prints a v1 List: its items are the objects.
    if len(docs) == 1 and isinstance(docs[0], dict) and docs[0].get("kind") == "List":
        docs = list(docs[0].get("items") or [])
    count, seen = 0, {}
    for i, obj in enumerate(docs, 1):
        if obj is None:
            continue
        count += 1
        md = obj.get("metadata") if isinstance(obj, dict) else None
        md = md if isinstance(md, dict) else {}
        ident = "%s %s/%s" % (obj.get("kind") if isinstance(obj, dict) else "?",
                              md.get("namespace", ""), md.get("name", ""))
        if ident in seen:
            lines.append("%s: doc %d: %s: duplicates doc %d" % (name, i, ident, seen[ident]))
        seen.setdefault(ident, i)
        for path, msg in validate_object(table, obj, require_source):
            lines.append("%s: doc %d: %s: %s: %s" % (name, i, ident, path, msg))
    for i, ident, path, msg in check_delegation(docs):
        lines.append("%s: doc %d: %s: %s: %s" % (name, i, ident, path, msg))
    return count, lines


# --- negative self-test -----------------------------------------------------------------

_GOOD = """
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ns-demo-gateway, namespace: ns-demo, annotations: {meshpanel.io/source: ingress/ns-demo/web}}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http-80, protocol: HTTP}
    hosts: [app.cloud.sealos.io]
  - port: {number: 443, name: https-443-0, protocol: HTTPS}
    hosts: [app.cloud.sealos.io]
    tls: {mode: SIMPLE, credentialName: wildcard-cert}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: app-cloud-sealos-io, namespace: ns-demo, annotations: {meshpanel.io/source: ingress/ns-demo/web}}
spec:
  hosts: [app.cloud.sealos.io]
  gateways: [ns-demo/ns-demo-gateway]
  http:
  - match: [{uri: {prefix: /}}]
    route: [{destination: {host: web.ns-demo.svc.cluster.local, port: {number: 80}}, weight: 100}]
    timeout: 300s
    retries: {attempts: 2, perTryTimeout: 1.5s}
    corsPolicy: {allowOrigins: [{exact: "https://cloud.sealos.io"}], allowMethods: [GET, POST], maxAge: 1728000s}
"""

# (what is wrong, a YAML edit applied to the good stream, text the error must contain)
_BAD = [
    ("timeout 0s", ("timeout: 300s", "timeout: 0s"), "1ms"),
    ("timeout without unit", ("timeout: 300s", "timeout: '300'"), "timeout"),
    ("sub-millisecond perTryTimeout", ("perTryTimeout: 1.5s", "perTryTimeout: 0.0005s"), "perTryTimeout"),
    ("fractional maxAge", ("maxAge: 1728000s", "maxAge: 1.5s"), "whole seconds"),
    ("bad CORS method", ("allowMethods: [GET, POST]", "allowMethods: [GET, FETCH]"), "FETCH"),
    ("duplicate port names", ("name: https-443-0", "name: http-80"), "duplicates"),
    ("dotted Gateway name", ("name: ns-demo-gateway, namespace", "name: ns-demo.gateway, namespace"), "DNS-1123 label"),
    ("star host on tenant Gateway", ("hosts: [app.cloud.sealos.io]\n  - port", "hosts: ['*']\n  - port"), "tenant Gateway"),
    ("unknown VS field", ("    timeout: 300s", "    websocketUpgrade: true\n    timeout: 300s"), "websocketUpgrade"),
    ("wrong type", ("number: 80, name", "number: eighty, name"), "eighty"),
    ("missing required port name", ("{number: 80, name: http-80, protocol: HTTP}", "{number: 80, protocol: HTTP}"), "name"),
    ("bad TLS mode enum", ("mode: SIMPLE", "mode: STRICT"), "STRICT"),
    ("HTTPS without tls", ("    tls: {mode: SIMPLE, credentialName: wildcard-cert}\n", ""), "needs tls"),
    ("route and redirect", ("    timeout: 300s", "    redirect: {uri: /x}\n    timeout: 300s"), "redirect"),
    ("credentialName and credentialNames", ("credentialName: wildcard-cert}", "credentialName: wildcard-cert, credentialNames: [a]}"), "only one of"),
    ("missing source annotation", ("annotations: {meshpanel.io/source: ingress/ns-demo/web}}\nspec:\n  hosts", "annotations: {}}\nspec:\n  hosts"), "meshpanel.io/source"),
    ("label value with slash", ("annotations: {meshpanel.io/source: ingress/ns-demo/web}}\nspec:\n  selector",
                                "labels: {meshpanel.io/source: ingress/ns-demo/web}}\nspec:\n  selector"), "label value"),
    ("bad gateway reference", ("gateways: [ns-demo/ns-demo-gateway]", "gateways: [ns-demo/ns_demo]"), "DNS labels"),
]


def self_test(table):
    failures = 0
    n, lines = validate_stream(table, _GOOD, "good", require_source=True)
    if n != 2 or lines:
        print("self-test: the valid reference stream was rejected:", *lines, sep="\n  ")
        failures += 1
    for what, (old, new), needle in _BAD:
        if old not in _GOOD:
            print("self-test: broken case %r (pattern not found)" % what)
            failures += 1
            continue
        bad = _GOOD.replace(old, new, 1)
        _, lines = validate_stream(table, bad, what, require_source=True)
        if not any(needle in line for line in lines):
            print("self-test: %s was NOT rejected (want %r), got: %s" % (what, needle, lines))
            failures += 1
    root = ("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: h, namespace: ns-a}\n"
            "spec:\n  hosts: [h.example.com]\n  gateways: [ns-a/gw]\n  http:\n"
            "  - match: [{uri: {prefix: /api/}}]\n    delegate: {name: h, namespace: ns-b}\n")
    dele = ("---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: h, namespace: ns-b}\n"
            "spec:\n  http:\n  - name: b\n    match: [{uri: {prefix: /api/v1/}}]\n"
            "    route: [{destination: {host: b.ns-b.svc.cluster.local}}]\n  exportTo: [ns-a]\n")
    _, lines = validate_stream(table, root + dele, "delegation")
    if lines:
        print("self-test: a valid root + delegate was rejected:", *lines, sep="\n  ")
        failures += 1
    extra = [  # kinds without a CRD in --crds use the hand-written checks
        ("DestinationRule", "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: x, namespace: ns-a}\n"
         "spec: {host: x.ns-a.svc.cluster.local, trafficPolicy: {tls: {mode: SIMPLEST}}}\n", "SIMPLEST"),
        ("AuthorizationPolicy", "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: x, namespace: istio-system}\n"
         "spec: {action: DENY, rules: [{from: [{source: {notRemoteIpBlocks: [10.0.0.0/33]}}]}]}\n", "CIDR"),
        # the AuthorizationPolicy CRD (schema and CEL rules)
        ("AuthorizationPolicy unknown field", "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: x, namespace: istio-system}\n"
         "spec: {action: DENY, rules: [{to: [{operation: {hosts: [a], pathz: [/x]}}]}]}\n", "pathz"),
        ("AuthorizationPolicy bad action", "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: x, namespace: istio-system}\n"
         "spec: {action: REJECT, rules: [{}]}\n", "REJECT"),
        ("AuthorizationPolicy wildcard selector", "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: x, namespace: istio-system}\n"
         "spec: {selector: {matchLabels: {istio: 'ingress*'}}, action: DENY, rules: [{}]}\n", "wildcard not allowed"),
        ("AuthorizationPolicy selector and targetRef", "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: x, namespace: istio-system}\n"
         "spec: {selector: {matchLabels: {istio: x}}, targetRef: {kind: Gateway, name: g}, action: DENY}\n", "only one of"),
        ("AuthorizationPolicy CUSTOM without provider", "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: x, namespace: istio-system}\n"
         "spec: {action: CUSTOM, rules: [{to: [{operation: {paths: [/x]}}]}]}\n", "provider"),
        ("unexpected kind", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", "ConfigMap"),
        ("delegate with gateways", root + dele.replace("spec:\n  http:", "spec:\n  gateways: [ns-a/gw]\n  http:"),
         "must have no gateways"),
        ("delegate entry naming a missing VirtualService", root.replace("name: h, namespace: ns-b", "name: x, namespace: ns-b") + dele,
         "not in this file"),
        ("delegate match the root does not admit", root + dele.replace("prefix: /api/v1/", "prefix: /web/"),
         "admitted by no match"),
        ("delegate not exported to the root", root + dele.replace("exportTo: [ns-a]", "exportTo: [.]"),
         "not exported"),
        ("delegate no root uses", dele[4:], "no root VirtualService"),
        ("root entry with a route", root.replace("    delegate:", "    route: [{destination: {host: x}}]\n    delegate:") + dele,
         "must not specify route"),
    ]
    for what, text, needle in extra:
        _, lines = validate_stream(table, text, what)
        if not any(needle in line for line in lines):
            print("self-test: %s was NOT rejected (want %r), got: %s" % (what, needle, lines))
            failures += 1
    total = 2 + len(_BAD) + len(extra)
    print("self-test: %d/%d cases behaved" % (total - failures, total))
    return 1 if failures else 0


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--crds", required=True)
    ap.add_argument("--require-source", action="store_true",
                    help="every object must carry the meshpanel.io/source annotation")
    ap.add_argument("--self-test", action="store_true")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args(argv)
    try:
        table = load_crds(args.crds)
    except LoadError as e:
        print("validate_istio: %s" % e, file=sys.stderr)
        return 2
    if args.self_test:
        return self_test(table)
    if not args.files:
        ap.error("no input files")
    bad, total = 0, 0
    for name in args.files:
        try:
            text = sys.stdin.read() if name == "-" else open(name, encoding="utf-8").read()
        except OSError as e:
            print("validate_istio: %s" % e, file=sys.stderr)
            return 2
        n, lines = validate_stream(table, text, name, args.require_source)
        total += n
        for line in lines:
            print(line)
        bad += bool(lines)
    print("validate_istio: %d objects in %d files, %d files with problems" % (total, len(args.files), bad),
          file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
