#!/usr/bin/env python3
"""A small hostile Kubernetes API server for the hardening tests (issue 12).

Plain HTTP or HTTPS (--https DIR: server.crt/key from the test API server's
state dir), 127.0.0.1, a free port printed as `listening URL`. It plays the
attacks a compromised or malicious server could make:

  GET .../ingresses/bomb      200, a gzip bomb: BOMB_MB MiB of zeros in ~0.1 % of that
  GET .../ingresses/evil      200, an Ingress whose annotations carry C0/C1/bidi controls
  GET .../ns-a/ingresses      a list whose resourceVersion carries an OSC title sequence,
  ...?watch=1                 then watch events whose namespace-free metadata carry
                              escape sequences in resourceVersion
  GET .../ns-b/ingresses      a list whose continue token never changes
  anything else               404 Status

Every request line is appended to LOG (one line: method, path, Authorization
header present or not) so tests can see what the client sent.
"""
import gzip
import http.server
import json
import os
import ssl
import sys
import threading

ING = "/apis/networking.k8s.io/v1/namespaces"
ESC_RV = "7\u001b]0;pwned title\u0007\u001b[2J\u009b31m"
BOMB_MB = 64


def ingress(name, ns="ns-a", rv="7", annotations=None):
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": name, "namespace": ns, "resourceVersion": rv,
                         "annotations": annotations or {}},
            "spec": {"rules": [{"host": "a.example.com"}]}}


def bomb():
    """gzip of BOMB_MB MiB of zeros, built in pieces (memory stays small)."""
    import io
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9) as g:
        chunk = b"0" * (1 << 20)
        for _ in range(BOMB_MB):
            g.write(chunk)
    return buf.getvalue()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    bomb_body = None

    def log_message(self, *a):
        pass

    def note(self):
        with open(self.server.log, "a") as f:
            auth = "auth" if self.headers.get("Authorization") else "anonymous"
            f.write(f"{self.command} {self.path} {auth}\n")

    def send(self, code, body, headers=()):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_json(self, code, obj):
        self.send(code, json.dumps(obj).encode())

    def do_GET(self):
        self.note()
        path, _, query = self.path.partition("?")
        if path == f"{ING}/ns-a/ingresses/bomb":
            if Handler.bomb_body is None:
                Handler.bomb_body = bomb()
            return self.send(200, Handler.bomb_body, [("Content-Encoding", "gzip")])
        if path == f"{ING}/ns-a/ingresses/evil":
            return self.send_json(200, ingress("evil", annotations={
                "c1": "before\u009b2J\u0085after", "bidi": "evil\u202emoc.elgoog",
                "esc": "\u001b]52;c;cm0gLXJmIH4K\u0007\u001b[2J", "del": "a\u007fb"}))
        if path == f"{ING}/ns-a/ingresses" and "watch=1" in query:
            events = [{"type": "ADDED", "object": ingress("w1", rv=ESC_RV)},
                      {"type": "MODIFIED", "object": ingress("w1", rv="8\u202e9")}]
            return self.send(200, "".join(json.dumps(e) + "\n" for e in events).encode())
        if path == f"{ING}/ns-a/ingresses":
            return self.send_json(200, {"kind": "IngressList", "apiVersion": "networking.k8s.io/v1",
                                        "metadata": {"resourceVersion": ESC_RV},
                                        "items": [ingress("l1", rv=ESC_RV)]})
        if path == f"{ING}/ns-b/ingresses":
            return self.send_json(200, {"kind": "IngressList", "apiVersion": "networking.k8s.io/v1",
                                        "metadata": {"resourceVersion": "1", "continue": "again"},
                                        "items": [ingress("c1", ns="ns-b")]})
        return self.send_json(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                    "reason": "NotFound", "code": 404, "message": "not found"})


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


def main():
    log = sys.argv[1]
    https = sys.argv[2] if len(sys.argv) > 2 else None
    httpd = Server(("127.0.0.1", 0), Handler)
    httpd.log = log
    scheme = "http"
    if https:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(https, "server.crt"), os.path.join(https, "server.key"))
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
        scheme = "https"
    print(f"listening {scheme}://127.0.0.1:{httpd.server_address[1]}", flush=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
