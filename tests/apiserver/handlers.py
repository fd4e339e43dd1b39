"""HTTP layer: routing, authentication, RBAC, content negotiation, watch
streams, fault injection and the /_test admin endpoints.

Every request is answered with JSON; every failure with a kube Status. A
handler bug becomes a 500 Status, never a dead server.
"""

import gzip
import json
import select
import sys
import threading
import time
import traceback
import urllib.parse
import zlib
from http.server import BaseHTTPRequestHandler

import yaml

import churn
import errors
import ops
import openapi
import resources
import seed
import tables
from errors import ApiError
from selection import SelectorError, parse_field_selector, parse_label_selector
from store import dumps

MAX_BODY = 16 << 20
GZIP_MIN = 16 << 10
GZIP_SLICE = 1 << 20  # input compressed between two writes of a streamed answer
META_GROUP = "meta.k8s.io"
PATCH_TYPES = {
    "application/merge-patch+json": "merge",
    "application/strategic-merge-patch+json": "strategic",
    "application/json-patch+json": "json",
    "application/apply-patch+yaml": "apply",
}


class User:
    def __init__(self, name, groups=(), admin=False, namespace=None):
        self.name = name
        self.groups = list(groups)
        self.admin = admin
        self.namespace = namespace  # the one namespace a tenant may use

    @classmethod
    def tenant(cls, ns):
        return cls(f"system:serviceaccount:{ns}:default",
                   ["system:serviceaccounts", f"system:serviceaccounts:{ns}", "system:authenticated"],
                   namespace=ns)


class Faults:
    """Fault switches; the counters are one-shot as documented in README.md."""

    FIELDS = ("fail_write_nth", "drop_watch_after", "throttle", "latency_ms", "ignore_limit", "stall_watch",
              "hold_list_ms", "expire_continue")

    def __init__(self):
        self.lock = threading.Lock()
        self.fail_write_nth = 0
        self.writes_seen = 0
        self.drop_watch_after = 0
        self.throttle = 0
        self.latency_ms = 0
        self.ignore_limit = 0
        self.stall_watch = 0
        self.hold_list_ms = 0
        self.expire_continue = 0

    def update(self, values):
        with self.lock:
            for k in self.FIELDS:
                if k in values:
                    v = values[k]
                    if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                        raise errors.bad_request(f"{k}: must be a non-negative integer")
                    setattr(self, k, v)
                    if k == "fail_write_nth":
                        self.writes_seen = 0

    def snapshot(self):
        with self.lock:
            return {k: getattr(self, k) for k in self.FIELDS}

    def take_throttle(self):
        with self.lock:
            if self.throttle > 0:
                self.throttle -= 1
                return True
            return False

    def take_write_failure(self):
        with self.lock:
            if self.fail_write_nth <= 0:
                return 0
            self.writes_seen += 1
            if self.writes_seen == self.fail_write_nth:
                n = self.fail_write_nth
                self.fail_write_nth = 0
                self.writes_seen = 0
                return n
            return 0


class ServerState:
    def __init__(self, store, admin_token, tenant_tokens, verbose=False, bookmark_interval=1.0):
        self.store = store
        self.faults = Faults()
        self.tokens = {admin_token: User("admin", ["system:masters", "system:authenticated"], admin=True)}
        for tok, ns in tenant_tokens.items():
            self.tokens[tok] = User.tenant(ns)
        self.verbose = verbose
        self.bookmark_interval = bookmark_interval
        self.requests = []
        self.requests_lock = threading.Lock()
        self.server_address = ""
        self.shutting_down = threading.Event()
        self.churn = churn.Churn(self)

    def log(self, msg):
        if self.verbose:
            sys.stderr.write(msg + "\n")
            sys.stderr.flush()


# ---- request parsing helpers ---------------------------------------------

def _media_types(header):
    """Parse an Accept header into [(mime, {params})], in order."""
    out = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        params = {}
        for f in fields[1:]:
            k, _, v = f.partition("=")
            params[k.strip().lower()] = v.strip()
        out.append((fields[0].lower(), params))
    return out


def negotiate(accept, want_list, watch=False):
    """-> ('full'|'meta'|'table', meta version). Raises 406."""
    types = _media_types(accept)
    if not types:
        return "full", None
    for mime, params in types:
        if mime not in ("application/json", "application/*", "*/*"):
            continue
        as_ = params.get("as")
        if not as_:
            return "full", None
        if params.get("g") != META_GROUP or params.get("v") not in ("v1", "v1beta1"):
            continue
        if as_ == "Table":
            return "table", params["v"]
        if as_ == "PartialObjectMetadataList" and (want_list or watch):
            return "meta", params["v"]
        if as_ == "PartialObjectMetadata" and (not want_list or watch):
            return "meta", params["v"]
    raise errors.not_acceptable()


def _bool_param(q, name):
    return q.get(name, "").lower() in ("1", "true")


def _dry_run(q):
    v = q.get("dryRun")
    if v is None or v == "":
        return False
    if v != "All":
        raise errors.bad_request(f'Invalid dryRun value: {v!r}: supported values: "All"')
    return True


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    server_version = "meshpanel-test-apiserver/1"
    state: ServerState = None  # set by server.py on a subclass

    # ---- plumbing -------------------------------------------------------

    def log_message(self, fmt, *args):
        self.state.log("%s - %s" % (self.address_string(), fmt % args))

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_PATCH(self):
        self._dispatch("PATCH")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def _read_body(self):
        try:
            return self._read_body_raw()
        except ValueError:
            self.close_connection = True
            raise errors.bad_request("malformed request body framing") from None

    def _read_body_raw(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            chunks, total = [], 0
            while True:
                line = self.rfile.readline(1024)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                total += size
                if total > MAX_BODY:
                    raise ApiError(413, "RequestEntityTooLarge", "the request body is too large")
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True
            raise ApiError(413, "RequestEntityTooLarge", "the request body is too large")
        return self.rfile.read(length) if length > 0 else b""

    def _dispatch(self, method):
        self._entry = None
        self._sent = False
        try:
            url = urllib.parse.urlsplit(self.path)
            self.url_path = urllib.parse.unquote(url.path.rstrip("/") or "/")
            self.raw_query = url.query
            self.q = {k: v[-1] for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items()}
            self.body = self._read_body()
            if self.url_path.startswith("/_test/"):
                self._test_endpoint(method)
                return
            self.user = self._authenticate()
            self._record(method)
            self._apply_faults()
            self._route(method)
        except ApiError as err:
            self._send_status(err)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as exc:  # never let a bug take the server down
            self.state.log(traceback.format_exc())
            self._send_status(errors.internal(f"{type(exc).__name__}: {exc}"))

    def _record(self, method):
        user = self.user.name if self.user else None
        self._entry = {
            "method": method,
            "path": self.url_path,
            "query": self.raw_query,
            "params": dict(self.q),
            "accept": self.headers.get("Accept", ""),
            "accept_encoding": self.headers.get("Accept-Encoding", ""),
            "content_type": self.headers.get("Content-Type", ""),
            "user": user,
            "user_agent": self.headers.get("User-Agent", ""),
            "code": None,
            "done": None,
        }
        with self.state.requests_lock:
            self._entry["seq"] = len(self.state.requests)
            self.state.requests.append(self._entry)

    def _apply_faults(self):
        latency = self.state.faults.snapshot()["latency_ms"]
        if latency:
            time.sleep(latency / 1000.0)
        if self.state.faults.take_throttle():
            raise errors.too_many_requests(1)

    def _send(self, code, data, content_type="application/json", headers=None, hold_at=0):
        if self._entry is not None:
            self._entry["code"] = code
        extra = dict(headers or {})
        parts = [data[:hold_at], data[hold_at:]] if hold_at else [data]
        gz = len(data) >= GZIP_MIN and "gzip" in (self.headers.get("Accept-Encoding") or "")
        if gz and not hold_at and self.command != "HEAD":
            self._send_gzip_stream(code, data, content_type, extra)
            return
        if gz:
            if len(parts) == 1:
                parts = [gzip.compress(data, compresslevel=1)]
            else:  # a sync flush ends the first part, so the client can decode it alone
                z = zlib.compressobj(1, zlib.DEFLATED, 31)
                parts = [z.compress(part) + z.flush(zlib.Z_SYNC_FLUSH) for part in parts]
                parts[-1] += z.flush()
            extra["Content-Encoding"] = "gzip"
        data = b"".join(parts)
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-cache, private")
        self.send_header("Content-Length", str(len(data)))
        for k, v in extra.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            if len(parts) > 1:
                self.wfile.write(parts[0])
                self.wfile.flush()
                self._hold()
                self.wfile.write(parts[1])
            else:
                self.wfile.write(data)
        self._sent = True
        if self._entry is not None:
            with self.state.requests_lock:
                self._entry["done"] = len(self.state.requests)

    def _send_gzip_stream(self, code, data, content_type, extra):
        """As kube-apiserver sends a large answer: its gzip writer wraps the response
        writer, so compressed bytes go out (chunked) while the rest is still being
        compressed, and a client inflates and decodes the first items meanwhile."""
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-cache, private")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Transfer-Encoding", "chunked")
        for k, v in extra.items():
            self.send_header(k, v)
        self.end_headers()
        z = zlib.compressobj(1, zlib.DEFLATED, 31)
        view = memoryview(data)
        for at in range(0, len(data), GZIP_SLICE):
            self._chunk(z.compress(view[at:at + GZIP_SLICE]))
        self._chunk(z.flush())
        self.wfile.write(b"0\r\n\r\n")
        self._sent = True
        if self._entry is not None:
            with self.state.requests_lock:
                self._entry["done"] = len(self.state.requests)

    def _chunk(self, b):
        if b:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(b), b))

    def _hold(self):
        """hold_list_ms: the rest of the page waits for the next request of the same
        path (or the time): a client's other lists do not release it."""
        end = time.monotonic() + self.state.faults.snapshot()["hold_list_ms"] / 1000.0
        seq, path = self._entry["seq"], self._entry["path"]
        while time.monotonic() < end:
            with self.state.requests_lock:
                if any(r["path"] == path for r in self.state.requests[seq + 1:]):
                    return
            time.sleep(0.005)

    def _send_json(self, code, value, headers=None, hold_at=0):
        data = value if isinstance(value, (bytes, bytearray)) else dumps(value)
        self._send(code, data, headers=headers, hold_at=hold_at)

    def _send_status(self, err):
        if self._sent:  # a stream already started: nothing sensible left to send
            self.close_connection = True
            return
        self._send_json(err.code, err.status(), err.headers)

    # ---- authentication and authorisation ------------------------------

    def _authenticate(self):
        user = self._cert_user()
        if user is not None:
            return user
        auth = self.headers.get("Authorization")
        if auth:
            scheme, _, token = auth.partition(" ")
            user = self.state.tokens.get(token.strip()) if scheme.lower() == "bearer" else None
            if user is None:
                raise errors.unauthorized()
            return user
        if self.url_path in ("/version", "/healthz", "/livez", "/readyz"):
            return User("system:anonymous", ["system:unauthenticated"])
        raise errors.unauthorized()

    def _cert_user(self):
        getpeercert = getattr(self.connection, "getpeercert", None)
        cert = getpeercert() if getpeercert else None
        if not cert:
            return None
        cn, orgs = None, []
        for rdn in cert.get("subject", ()):
            for k, v in rdn:
                if k == "commonName":
                    cn = v
                elif k == "organizationName":
                    orgs.append(v)
        if not cn:
            return None
        if "system:masters" in orgs:
            return User(cn, orgs + ["system:authenticated"], admin=True)
        parts = cn.split(":")
        if len(parts) == 4 and parts[:2] == ["system", "serviceaccount"]:
            return User.tenant(parts[2])
        return User(cn, orgs + ["system:authenticated"])

    def _authorize(self, verb, t):
        u = self.user
        if u.admin:
            return
        if t.res.namespaced and t.namespace is not None and t.namespace == u.namespace:
            return
        ns = t.namespace
        if t.res is ops.NS_RES and t.name:
            ns = t.name  # kube authorises namespace objects in their own namespace
        raise errors.forbidden(u.name, verb, t.res, ns, t.name)

    # ---- routing ----------------------------------------------------------

    def _route(self, method):
        path = self.url_path
        if path in ("/healthz", "/livez", "/readyz"):
            return self._send(200, b"ok", "text/plain; charset=utf-8")
        if path == "/version":
            return self._send_json(200, resources.version_doc())
        if path.startswith("/openapi/"):
            return self._openapi(path)
        parts = path.strip("/").split("/")
        if parts[0] == "api":
            if len(parts) == 1:
                return self._send_json(200, resources.api_versions_doc(self.state.server_address))
            group, version, rest = "", parts[1], parts[2:]
        elif parts[0] == "apis":
            if len(parts) == 1:
                return self._send_json(200, resources.api_group_list_doc())
            if len(parts) == 2:
                doc = resources.api_group_doc(parts[1])
                if doc is None:
                    raise errors.path_not_found()
                return self._send_json(200, doc)
            group, version, rest = parts[1], parts[2], parts[3:]
        else:
            raise errors.path_not_found()
        if not rest:
            doc = resources.resource_list_doc(group, version)
            if doc is None:
                raise errors.path_not_found()
            return self._send_json(200, doc)
        return self._resource(method, group, version, rest)

    def _openapi(self, path):
        doc = openapi.document(path, self.q)
        if doc is None:
            raise errors.path_not_found()
        self._send_json(200, doc)

    def _target(self, group, version, rest):
        ns = None
        if rest[0] == "namespaces" and len(rest) >= 3:
            ns, rest = rest[1], rest[2:]
        if len(rest) > 2:
            raise errors.path_not_found()  # subresources are not served
        res = resources.lookup(group, version, rest[0])
        if res is None or (ns is not None and not res.namespaced):
            raise errors.path_not_found()
        return ops.Target(res, version, ns, rest[1] if len(rest) == 2 else None)

    def _resource(self, method, group, version, rest):
        t = self._target(group, version, rest)
        collection = t.name is None
        if collection and t.res.namespaced and t.namespace is None and method not in ("GET",):
            raise errors.method_not_allowed()
        if method == "GET":
            watch = _bool_param(self.q, "watch")
            verb = "watch" if watch else ("list" if collection else "get")
            self._authorize(verb, t)
            if watch:
                if not collection:
                    raise errors.method_not_allowed()
                return self._watch(t)
            return self._list(t) if collection else self._get(t)
        verb = {"POST": "create", "PUT": "update", "PATCH": "patch",
                "DELETE": "deletecollection" if collection else "delete"}[method]
        if (method == "POST") != collection and verb != "deletecollection":
            raise errors.method_not_allowed()
        self._authorize(verb, t)
        opts = ops.WriteOptions(dry_run=_dry_run(self.q), field_manager=self.q.get("fieldManager"),
                                force=_bool_param(self.q, "force"))
        nth = self.state.faults.take_write_failure()
        if nth:
            raise errors.internal(f"injected fault: write #{nth} failed")
        if method == "POST":
            stored, code = ops.create(self.state.store, t, self._decode_body(), opts)
            return self._send_json(code, stored.json(t.api_version))
        if method == "PUT":
            stored, code = ops.update(self.state.store, t, self._decode_body(), opts)
            return self._send_json(code, stored.json(t.api_version))
        if method == "PATCH":
            return self._patch(t, opts)
        return self._delete(t, opts, collection)

    # ---- body decoding --------------------------------------------------

    def _content_type(self):
        return (self.headers.get("Content-Type") or "application/json").split(";")[0].strip().lower()

    def _decode_body(self, as_yaml=False):
        if not self.body.strip():
            raise errors.bad_request("the request body is empty")
        ctype = self._content_type()
        try:
            text = self.body.decode("utf-8")
            if as_yaml or ctype in ("application/yaml", "application/x-yaml", "text/yaml"):
                return seed.load_yaml(text)
            if ctype not in ("application/json", "*/*") and not ctype.endswith("+json"):
                raise errors.unsupported_media_type(["application/json", "application/yaml"])
            return json.loads(text)
        except (UnicodeDecodeError, json.JSONDecodeError, yaml.YAMLError) as exc:
            raise errors.bad_request(f"couldn't get version/kind; json parse error: {exc}") from None

    # ---- verbs ----------------------------------------------------------

    def _get(self, t):
        stored = ops.get(self.state.store, t)
        fmt, mv = negotiate(self.headers.get("Accept"), want_list=False)
        obj_av = t.api_version
        if fmt == "full":
            return self._send_json(200, stored.json(obj_av))
        if fmt == "meta":
            return self._send_json(200, tables.partial_metadata(stored.obj, f"{META_GROUP}/{mv}"))
        obj = stored.as_version(obj_av)
        tbl = tables.table(t.res.kind, [obj], self.q.get("includeObject", "Metadata"),
                           {"resourceVersion": stored.obj["metadata"]["resourceVersion"]}, mv)
        return self._send_json(200, tbl)

    def _selectors(self):
        try:
            return (parse_label_selector(self.q.get("labelSelector")),
                    parse_field_selector(self.q.get("fieldSelector")))
        except SelectorError as exc:
            raise errors.bad_request(f"unable to parse requirement: {exc}") from None

    def _list(self, t):
        fmt, mv = negotiate(self.headers.get("Accept"), want_list=True)
        label_pred, field_pred = self._selectors()
        try:
            limit = int(self.q.get("limit") or 0)
        except ValueError:
            raise errors.bad_request(f"invalid limit {self.q.get('limit')!r}") from None
        faults = self.state.faults.snapshot()
        if faults["ignore_limit"]:
            limit = 0  # as some aggregated/proxied servers do: the whole list at once
        if faults["expire_continue"] and self.q.get("continue"):
            raise errors.gone("The provided continue parameter is too old to display a consistent list result. "
                              "You can start a new list without the continue parameter.")
        items, rv, cont, remaining = ops.list_objects(self.state.store, t, max(0, limit), self.q.get("continue"),
                                                      label_pred, field_pred)
        meta = {"resourceVersion": str(rv)}
        if cont:
            meta["continue"] = cont
        if remaining is not None:
            meta["remainingItemCount"] = remaining
        av = t.api_version
        if fmt == "table":
            objs = [s.as_version(av) for s in items]
            return self._send_json(200, tables.table(t.res.kind, objs, self.q.get("includeObject", "Metadata"),
                                                     meta, mv))
        if fmt == "meta":
            doc = {"kind": "PartialObjectMetadataList", "apiVersion": f"{META_GROUP}/{mv}", "metadata": meta,
                   "items": [tables.partial_metadata(s.obj, f"{META_GROUP}/{mv}") for s in items]}
            return self._send_json(200, doc)
        head = dumps({"kind": f"{t.res.kind}List", "apiVersion": av, "metadata": meta})
        typed = not t.res.crd
        data = head[:-1] + b',"items":[' + b",".join(s.list_item_json(av, typed) for s in items) + b"]}"
        hold = len(head) - 1 + len(b',"items":[') if cont and faults["hold_list_ms"] else 0
        self._send_json(200, data, hold_at=hold)

    def _patch(self, t, opts):
        kind = PATCH_TYPES.get(self._content_type())
        accepted = [m for m in PATCH_TYPES if not (m.startswith("application/strategic") and
                                                    t.res.crd)]
        if kind is None or (kind == "strategic" and t.res.crd):
            # CRDs (the Istio kinds) do not support strategic merge patch, as in kube
            raise errors.unsupported_media_type(accepted)
        body = self._decode_body(as_yaml=(kind == "apply"))
        stored, code = ops.patch(self.state.store, t, kind, body, opts)
        self._send_json(code, stored.json(t.api_version))

    def _delete(self, t, opts, collection):
        options = None
        if self.body.strip():
            options = self._decode_body()
            if not isinstance(options, dict):
                raise errors.bad_request("DeleteOptions must be an object")
        if options and options.get("dryRun"):
            opts.dry_run = options["dryRun"] == ["All"] or opts.dry_run
        if collection:
            label_pred, field_pred = self._selectors()
            gone = ops.delete_collection(self.state.store, t, label_pred, field_pred, opts)
            av = t.api_version
            head = dumps({"kind": f"{t.res.kind}List", "apiVersion": av,
                          "metadata": {"resourceVersion": str(self.state.store.rv)}})
            return self._send_json(200, head[:-1] + b',"items":[' + b",".join(s.json(av) for s in gone) + b"]}")
        gone = ops.delete(self.state.store, t, options, opts)
        if t.res.crd or t.res is ops.NS_RES:
            return self._send_json(200, gone.json(t.api_version))
        details = {"name": t.name, "kind": t.res.plural, "uid": gone.obj["metadata"]["uid"]}
        if t.res.group:
            details["group"] = t.res.group
        self._send_json(200, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                              "details": details})

    # ---- watch ----------------------------------------------------------

    def _watch(self, t):
        from watch import WatchStream
        fmt, mv = negotiate(self.headers.get("Accept"), want_list=True, watch=True)
        label_pred, field_pred = self._selectors()
        WatchStream(self, t, fmt, mv, label_pred, field_pred).run()

    # ---- /_test endpoints ---------------------------------------------

    def _test_endpoint(self, method):
        self.user = self._authenticate()
        if not self.user.admin:
            raise errors.forbidden_path(self.user.name, method.lower(), self.url_path)
        name = self.url_path[len("/_test/"):]
        st = self.state
        if name == "faults" and method == "GET":
            return self._send_json(200, st.faults.snapshot())
        if name == "faults" and method == "POST":
            values = self._decode_body()
            if not isinstance(values, dict):
                raise errors.bad_request("faults: expected a JSON object")
            unknown = set(values) - set(Faults.FIELDS)
            if unknown:
                raise errors.bad_request(f"faults: unknown fields {sorted(unknown)}")
            st.faults.update(values)
            return self._send_json(200, st.faults.snapshot())
        if name == "churn" and method == "GET":
            return self._send_json(200, st.churn.snapshot())
        if name == "churn" and method == "POST":
            values = self._decode_body()
            try:
                st.churn.start(float(values["rate"]), float(values["seconds"]), int(values.get("seed", 1)))
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise errors.bad_request(f"churn: expected {{rate, seconds[, seed]}}: {exc}") from None
            return self._send_json(200, st.churn.snapshot())
        if name == "state" and method == "GET":
            with st.store.cond:
                items = [s.obj for s in st.store.all_objects()]
                rv = st.store.rv
            return self._send_json(200, {"kind": "List", "apiVersion": "v1",
                                         "metadata": {"resourceVersion": str(rv)}, "items": items})
        if name == "requests" and method == "GET":
            with st.requests_lock:
                data = dumps(st.requests)
            return self._send_json(200, data)
        if name == "reset" and method == "POST":
            with st.requests_lock:
                st.requests.clear()
            return self._send_json(200, {"status": "ok"})
        if name == "seed" and method == "POST":
            try:
                stored = seed.load_docs(st.store, seed.docs_from_text(self.body.decode("utf-8"), "request body"))
            except (seed.SeedError, UnicodeDecodeError) as exc:
                raise errors.bad_request(str(exc)) from None
            return self._send_json(200, {"loaded": len(stored), "resourceVersion": str(st.store.rv)})
        raise errors.path_not_found()

    # ---- stream helpers used by watch.py ---------------------------------

    def client_gone(self):
        """True when the peer closed the connection (a watch client never sends
        anything after its request, so readable means EOF or a TLS close)."""
        try:
            r, _, _ = select.select([self.connection], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(r)
