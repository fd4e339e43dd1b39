#!/usr/bin/env python3
"""meshpanel's test Kubernetes API server (see README.md in this directory).

    python3 tests/apiserver/server.py [--port 0] [--https] [--state-dir DIR] [--seed PATH]...
            [--admin-token TOKEN] [--tenant-token TOKEN=NAMESPACE]... [--latency-ms N]
            [--fail-write-nth N] [--drop-watch-after N] [--throttle N] [--generate N]

Prints `listening http(s)://127.0.0.1:PORT` once ready, then serves until
SIGTERM/SIGINT.
"""

import argparse
import base64
import os
import signal
import socket
import ssl
import sys
import tempfile
import threading
from http.server import ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import yaml  # noqa: E402

import certs  # noqa: E402
import handlers  # noqa: E402
import seed  # noqa: E402
from store import Store  # noqa: E402


def parse_args(argv):
    p = argparse.ArgumentParser(description="Test Kubernetes API server for meshpanel")
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    p.add_argument("--https", action="store_true", help="serve TLS with generated certificates")
    p.add_argument("--state-dir", help="where kubeconfigs and certificates go (default: a temp dir)")
    p.add_argument("--seed", action="append", default=[], metavar="PATH", help="YAML/JSON file or directory")
    p.add_argument("--admin-token", default="admin-token")
    p.add_argument("--tenant-token", action="append", default=[], metavar="TOKEN=NAMESPACE")
    p.add_argument("--latency-ms", type=int, default=0)
    p.add_argument("--fail-write-nth", type=int, default=0)
    p.add_argument("--drop-watch-after", type=int, default=0)
    p.add_argument("--throttle", type=int, default=0)
    p.add_argument("--ignore-limit", action="store_true", help="answer lists whole, ignoring limit")
    p.add_argument("--generate", type=int, default=0, metavar="N", help="synthesise N Ingresses")
    p.add_argument("--history", type=int, default=1000, help="watch history window (events)")
    p.add_argument("--bookmark-interval", type=float, default=1.0, metavar="SECONDS")
    p.add_argument("--verbose", action="store_true", help="log requests to stderr")
    args = p.parse_args(argv)
    tenants = {}
    for spec in args.tenant_token:
        tok, sep, ns = spec.partition("=")
        if not sep or not tok or not ns:
            p.error(f"--tenant-token {spec!r}: expected TOKEN=NAMESPACE")
        tenants[tok] = ns
    args.tenants = tenants
    return args


def _write(path, text, mode=0o600):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def _b64file(path):
    with open(path, "rb") as f:
        return base64.b64encode(f.read()).decode()


def write_kubeconfigs(state_dir, url, https, admin_token, tenants):
    cluster = {"server": url}
    if https:
        cluster["certificate-authority-data"] = _b64file(os.path.join(state_dir, "ca.crt"))

    def config(user_name, user, namespace=None):
        ctx = {"cluster": "meshpanel-test", "user": user_name}
        if namespace:
            ctx["namespace"] = namespace
        return yaml.safe_dump({
            "apiVersion": "v1", "kind": "Config",
            "clusters": [{"name": "meshpanel-test", "cluster": cluster}],
            "contexts": [{"name": user_name, "context": ctx}],
            "current-context": user_name,
            "users": [{"name": user_name, "user": user}],
            "preferences": {},
        }, sort_keys=False)

    _write(os.path.join(state_dir, "kubeconfig"), config("admin", {"token": admin_token}))
    for tok, ns in tenants.items():
        _write(os.path.join(state_dir, f"kubeconfig-{ns}"), config(ns, {"token": tok}, ns))
    if https:
        _write(os.path.join(state_dir, "kubeconfig-cert"), config("admin-cert", {
            "client-certificate-data": _b64file(os.path.join(state_dir, "client.crt")),
            "client-key-data": _b64file(os.path.join(state_dir, "client.key"))}))
    _write(os.path.join(state_dir, "url"), url + "\n", 0o644)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, addr, handler_cls, state):
        self.state = state
        super().__init__(addr, handler_cls)

    def handle_error(self, request, client_address):
        # TLS handshake failures and resets are routine in tests: stay quiet
        if self.state.verbose:
            super().handle_error(request, client_address)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    state_dir = args.state_dir or tempfile.mkdtemp(prefix="meshpanel-apiserver-")
    os.makedirs(state_dir, exist_ok=True)

    store = Store(history=args.history)
    try:
        for path in args.seed:
            seed.load_docs(store, seed.docs_from_path(path))
        if args.generate:
            seed.generate(store, args.generate)
    except seed.SeedError as exc:
        sys.stderr.write(f"apiserver: seed: {exc}\n")
        return 2

    state = handlers.ServerState(store, args.admin_token, args.tenants, args.verbose, args.bookmark_interval)
    state.faults.update({"fail_write_nth": args.fail_write_nth, "drop_watch_after": args.drop_watch_after,
                         "throttle": args.throttle, "latency_ms": args.latency_ms,
                         "ignore_limit": int(args.ignore_limit)})
    handler_cls = type("BoundHandler", (handlers.Handler,), {"state": state})
    try:
        httpd = Server(("127.0.0.1", args.port), handler_cls, state)
    except OSError as exc:
        sys.stderr.write(f"apiserver: cannot listen on 127.0.0.1:{args.port}: {exc.strerror}\n")
        return 2
    port = httpd.server_address[1]
    scheme = "https" if args.https else "http"
    if args.https:
        try:
            certs.generate(state_dir)
        except RuntimeError as exc:
            sys.stderr.write(f"apiserver: certificates: {exc}\n")
            return 2
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(state_dir, "server.crt"), os.path.join(state_dir, "server.key"))
        ctx.load_verify_locations(os.path.join(state_dir, "ca.crt"))
        ctx.verify_mode = ssl.CERT_OPTIONAL
        ctx.set_alpn_protocols(["http/1.1"])  # no HTTP/2 here: tell clients up front
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True, do_handshake_on_connect=False)
    url = f"{scheme}://127.0.0.1:{port}"
    state.server_address = f"127.0.0.1:{port}"
    write_kubeconfigs(state_dir, url, args.https, args.admin_token, args.tenants)

    def stop(_signum, _frame):
        state.shutting_down.set()
        store.close()
        threading.Thread(target=httpd.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    print(f"listening {url}", flush=True)
    threading.Thread(target=_warm_cache, args=(store,), daemon=True).start()
    try:
        httpd.serve_forever(poll_interval=0.2)
    finally:
        httpd.server_close()
    return 0


def _warm_cache(store):
    """Encode every object once so the first big LIST is as fast as the next."""
    with store.cond:
        objs = list(store.all_objects())
    for s in objs:
        s.json(s.obj["apiVersion"])


if __name__ == "__main__":
    socket.setdefaulttimeout(None)
    sys.exit(main())
