"""Helpers for tests that drive the test API server over HTTP(S):
start it as a subprocess on a free port, make requests, read watch streams.
Standard library only."""

import http.client
import json
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "server.py")

ADMIN = "admin-token"


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)


class ServerProcess:
    def __init__(self, *args, https=False):
        self.dir = tempfile.mkdtemp(prefix="apiserver-test-")
        cmd = [sys.executable, SERVER, "--state-dir", self.dir, *args]
        if https:
            cmd.append("--https")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening "):
            self.stop()
            raise RuntimeError(f"server did not start: {line!r} {self.proc.stderr.read()}")
        self.url = line.split(" ", 1)[1]
        u = urllib.parse.urlsplit(self.url)
        self.https = u.scheme == "https"
        self.port = u.port

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for f in (self.proc.stdout, self.proc.stderr):
            if f:
                f.close()

    def ssl_context(self, client_cert=False):
        ctx = ssl.create_default_context(cafile=os.path.join(self.dir, "ca.crt"))
        if client_cert:
            ctx.load_cert_chain(os.path.join(self.dir, "client.crt"), os.path.join(self.dir, "client.key"))
        return ctx

    def connection(self, timeout=20, client_cert=False):
        if self.https:
            return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout,
                                               context=self.ssl_context(client_cert))
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, token=ADMIN, content_type="application/json", accept=None,
                headers=None, client_cert=False):
        hdrs = dict(headers or {})
        if token:
            hdrs["Authorization"] = f"Bearer {token}"
        if accept:
            hdrs["Accept"] = accept
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            if isinstance(data, str):
                data = data.encode()
            hdrs["Content-Type"] = content_type
        conn = self.connection(client_cert=client_cert)
        try:
            conn.request(method, path, body=data, headers=hdrs)
            resp = conn.getresponse()
            return Response(resp.status, dict(resp.getheaders()), resp.read())
        finally:
            conn.close()

    def watch(self, path, token=ADMIN, accept=None, max_events=None, timeout=10):
        """Open a watch and read events until max_events, stream end or
        timeout. Returns (events, clean_end): clean_end is False when the
        connection broke without the terminating chunk. Chunked framing is
        parsed here because http.client hides a missing terminal chunk."""
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        if self.https:
            sock = self.ssl_context().wrap_socket(sock, server_hostname="127.0.0.1")
        lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
        if token:
            lines.append(f"Authorization: Bearer {token}")
        if accept:
            lines.append(f"Accept: {accept}")
        events, clean = [], False
        deadline = time.monotonic() + timeout
        try:
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
            f = sock.makefile("rb")
            status = f.readline().split()
            headers = {}
            while True:
                h = f.readline().strip()
                if not h:
                    break
                k, _, v = h.decode().partition(":")
                headers[k.strip().lower()] = v.strip()
            if len(status) < 2 or status[1] != b"200":
                raise AssertionError(f"watch {path}: {status!r} {f.read(300)!r}")
            assert headers.get("transfer-encoding") == "chunked", headers
            buf = b""
            while time.monotonic() < deadline:
                size_line = f.readline()
                if not size_line:
                    break  # connection closed without the terminal chunk
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    clean = True
                    break
                data = f.read(size)
                f.readline()
                if len(data) < size:
                    break
                buf += data
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    events.append(json.loads(line))
                if max_events and len(events) >= max_events:
                    clean = True
                    break
        except (OSError, ValueError):
            clean = False
        finally:
            sock.close()
        return events[:max_events] if max_events else events, clean

    def faults(self, **values):
        r = self.request("POST", "/_test/faults", values)
        assert r.status == 200, r.body
        return r.json()

    def state(self):
        return self.request("GET", "/_test/state").json()["items"]

    def requests_log(self):
        return self.request("GET", "/_test/requests").json()
