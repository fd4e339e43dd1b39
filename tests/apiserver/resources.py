"""The resource types the test API server serves, and the discovery documents
built from them.

One table (RESOURCES) drives discovery, routing, RBAC messages, Table output and
validation: adding a kind is one row here plus, optionally, printer columns in
tables.py.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Resource:
    group: str  # "" for the core group
    versions: tuple  # served versions, preferred (storage) version first
    plural: str
    singular: str
    kind: str
    namespaced: bool
    short_names: tuple = ()
    # kube bumps metadata.generation on spec changes for these kinds only
    has_generation: bool = True
    # a CustomResourceDefinition kind: DELETE answers the deleted object (built-ins
    # a Status), no strategic merge patch, and list items carry apiVersion/kind
    # (typed built-in lists omit them per item, as kube's do)
    crd: bool = False
    categories: tuple = ()

    @property
    def key(self):
        """Storage key: one bucket per group/resource, whatever the version."""
        return f"{self.group}/{self.plural}"

    @property
    def group_resource(self):
        """`ingresses.networking.k8s.io`, or `secrets` for the core group."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def kind_group(self):
        """`Ingress.networking.k8s.io` as used in Invalid messages."""
        return f"{self.kind}.{self.group}" if self.group else self.kind

    def api_version(self, version=None):
        version = version or self.versions[0]
        return f"{self.group}/{version}" if self.group else version


VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
ISTIO_NET_VERSIONS = ("v1", "v1beta1", "v1alpha3")

RESOURCES = [
    Resource("", ("v1",), "namespaces", "namespace", "Namespace", False, ("ns",), has_generation=False),
    Resource("", ("v1",), "services", "service", "Service", True, ("svc",), has_generation=False,
             categories=("all",)),
    Resource("", ("v1",), "secrets", "secret", "Secret", True, has_generation=False),
    Resource("", ("v1",), "configmaps", "configmap", "ConfigMap", True, ("cm",), has_generation=False),
    Resource("networking.k8s.io", ("v1",), "ingresses", "ingress", "Ingress", True, ("ing",)),
    Resource("networking.k8s.io", ("v1",), "ingressclasses", "ingressclass", "IngressClass", False),
    Resource("networking.istio.io", ISTIO_NET_VERSIONS, "gateways", "gateway", "Gateway", True, ("gw",),
             crd=True, categories=("istio-io", "networking-istio-io")),
    Resource("networking.istio.io", ISTIO_NET_VERSIONS, "virtualservices", "virtualservice", "VirtualService",
             True, ("vs",), crd=True, categories=("istio-io", "networking-istio-io")),
    Resource("networking.istio.io", ISTIO_NET_VERSIONS, "destinationrules", "destinationrule", "DestinationRule",
             True, ("dr",), crd=True, categories=("istio-io", "networking-istio-io")),
    Resource("security.istio.io", ("v1", "v1beta1"), "authorizationpolicies", "authorizationpolicy",
             "AuthorizationPolicy", True, ("ap",), crd=True,
             categories=("istio-io", "security-istio-io")),
]

BY_GROUP_PLURAL = {(r.group, r.plural): r for r in RESOURCES}
BY_GROUP_KIND = {(r.group, r.kind): r for r in RESOURCES}


def groups():
    """Ordered {group: [versions]} for the named (non-core) groups."""
    out = {}
    for r in RESOURCES:
        if r.group:
            out.setdefault(r.group, list(r.versions))
    return out


def lookup(group, version, plural):
    r = BY_GROUP_PLURAL.get((group, plural))
    if r is None or version not in r.versions:
        return None
    return r


def lookup_kind(api_version, kind):
    """Resource for an object's apiVersion/kind, or None."""
    group, _, version = api_version.rpartition("/")
    r = BY_GROUP_KIND.get((group, kind))
    if r is None or version not in r.versions:
        return None
    return r


# ---- discovery documents -------------------------------------------------

def version_doc():
    return {
        "major": "1",
        "minor": "32",
        "gitVersion": "v1.32.0-meshpanel-test",
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2025-01-01T00:00:00Z",
        "goVersion": "go1.23.0",
        "compiler": "gc",
        "platform": "linux/amd64",
    }


def api_versions_doc(server_address):
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}],
    }


def _group_doc(name, versions):
    gvs = [{"groupVersion": f"{name}/{v}", "version": v} for v in versions]
    return {"name": name, "versions": gvs, "preferredVersion": gvs[0]}


def api_group_list_doc():
    return {
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": [_group_doc(g, vs) for g, vs in groups().items()],
    }


def api_group_doc(group):
    vs = groups().get(group)
    if vs is None:
        return None
    doc = _group_doc(group, vs)
    doc.update({"kind": "APIGroup", "apiVersion": "v1"})
    return doc


def resource_list_doc(group, version):
    """APIResourceList for one group/version, or None when not served."""
    items = []
    for r in RESOURCES:
        if r.group != group or version not in r.versions:
            continue
        entry = {
            "name": r.plural,
            "singularName": r.singular,
            "namespaced": r.namespaced,
            "kind": r.kind,
            "verbs": list(VERBS),
        }
        if r.short_names:
            entry["shortNames"] = list(r.short_names)
        if r.categories:
            entry["categories"] = list(r.categories)
        items.append(entry)
    if not items:
        return None
    gv = f"{group}/{version}" if group else version
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": items}
