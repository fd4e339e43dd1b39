#!/usr/bin/env python3
"""gen_ingresses.py - a deterministic Sealos-shaped Ingress corpus for benchmarks.

usage: gen_ingresses.py [-n COUNT] [--seed S] [-o FILE | --split-dir DIR]

COUNT Ingresses (default 10000) spread over COUNT/5 tenant namespaces `ns-<8 chars>`,
in the mix a Sealos cluster holds (see docs/benchmarks.md): App Launchpad HTTP / GRPC /
WS / custom domain (with Service), terminals with CORS and 86400 s timeouts, adminers
with snippets, devboxes with a named WebIDE port, paused and debt-suspended apps, and
hand-made Ingresses with several paths and path types. The same seed gives the same
bytes. Output is one multi-document YAML stream (stdout or -o), or with --split-dir one
file per tenant (to time the directory walk too).
"""
import argparse
import os
import random
import string
import sys

LOWER = string.ascii_lowercase
ALNUM = string.ascii_lowercase + string.digits
DOMAIN = "cloud.sealos.io"

LAUNCHPAD_HTTP = """\
    kubernetes.io/ingress.class: {cls}
    nginx.ingress.kubernetes.io/backend-protocol: HTTP
    nginx.ingress.kubernetes.io/client-body-buffer-size: 64k
    nginx.ingress.kubernetes.io/proxy-body-size: 32m
    nginx.ingress.kubernetes.io/proxy-buffer-size: 64k
    nginx.ingress.kubernetes.io/proxy-read-timeout: "300"
    nginx.ingress.kubernetes.io/proxy-send-timeout: "300"
    nginx.ingress.kubernetes.io/server-snippet: |
      client_header_buffer_size 64k;
      large_client_header_buffers 4 128k;
"""
LAUNCHPAD_GRPC = """\
    kubernetes.io/ingress.class: {cls}
    nginx.ingress.kubernetes.io/backend-protocol: GRPC
    nginx.ingress.kubernetes.io/proxy-body-size: 32m
"""
LAUNCHPAD_WS = """\
    kubernetes.io/ingress.class: {cls}
    nginx.ingress.kubernetes.io/backend-protocol: WS
    nginx.ingress.kubernetes.io/proxy-body-size: 32m
    nginx.ingress.kubernetes.io/proxy-read-timeout: "3600"
    nginx.ingress.kubernetes.io/proxy-send-timeout: "3600"
"""
TERMINAL = """\
    kubernetes.io/ingress.class: {cls}
    nginx.ingress.kubernetes.io/cors-allow-credentials: "false"
    nginx.ingress.kubernetes.io/cors-allow-methods: PUT, GET, POST, PATCH, OPTIONS
    nginx.ingress.kubernetes.io/cors-allow-origin: https://{d},https://*.{d}
    nginx.ingress.kubernetes.io/enable-cors: "true"
    nginx.ingress.kubernetes.io/proxy-body-size: 32m
    nginx.ingress.kubernetes.io/proxy-buffer-size: 64k
    nginx.ingress.kubernetes.io/proxy-read-timeout: "86400"
    nginx.ingress.kubernetes.io/proxy-send-timeout: "86400"
"""
ADMINER_EXTRA = """\
    nginx.ingress.kubernetes.io/configuration-snippet: |
      more_clear_headers "X-Frame-Options:";
      more_set_headers "X-Xss-Protection: 1; mode=block";
    higress.io/response-header-control-remove: X-Frame-Options
"""


def rid(rng, n, alphabet=LOWER):
    return "".join(rng.choice(alphabet) for _ in range(n))


def ingress(name, ns, labels, annotations, rules, tls, suspend=False):
    out = ["apiVersion: networking.k8s.io/v1", "kind: Ingress", "metadata:", "  annotations:"]
    out.append(annotations.rstrip("\n"))
    if suspend:
        out.append("    sealos.io/original-suspend-state: '{\"ingressClass\":\"nginx\"}'")
    if labels:
        out.append("  labels:")
        out += ["    %s: %s" % kv for kv in labels]
    out += ["  name: " + name, "  namespace: " + ns, "spec:", "  rules:"]
    for host, paths in rules:
        out += ["  - host: " + host, "    http:", "      paths:"]
        for path, ptype, svc, port in paths:
            key = "name" if isinstance(port, str) else "number"
            out += ["      - backend:", "          service:", "            name: " + svc,
                    "            port:", "              %s: %s" % (key, port),
                    "        path: " + path, "        pathType: " + ptype]
    if tls:
        out += ["  tls:"]
        for hosts, secret in tls:
            out += ["  - hosts:"] + ["    - " + h for h in hosts] + ["    secretName: " + secret]
    return "\n".join(out) + "\n"


def service(name, ns, ports):
    out = ["apiVersion: v1", "kind: Service", "metadata:", "  name: " + name,
           "  namespace: " + ns, "spec:", "  ports:"]
    for pname, port in ports:
        out += ["  - name: " + pname, "    port: %d" % port]
    return "\n".join(out) + "\n"


def launchpad(rng, ns, kind, cls="nginx", suspend=False):
    app = rng.choice(["web", "api", "blog", "shop", "wiki", "chat", "nocodb", "umami"]) + "-" + rid(rng, 4)
    net, pub = "network-" + rid(rng, 12), rid(rng, 12)
    svc = "%s-%s" % (app, rid(rng, 12, ALNUM))
    port = {"http": 80, "grpc": 50051, "ws": 3000, "custom": 8080}[kind]
    ann = {"http": LAUNCHPAD_HTTP, "grpc": LAUNCHPAD_GRPC, "ws": LAUNCHPAD_WS,
           "custom": LAUNCHPAD_HTTP}[kind].format(cls=cls)
    host = "%s.%s" % (pub, DOMAIN)
    secret = "wildcard-cert"
    if kind == "custom":
        host = "%s.%s.com" % (rid(rng, 5), rid(rng, 8))
        secret = net
    labels = [("cloud.sealos.io/app-deploy-manager", app),
              ("cloud.sealos.io/app-deploy-manager-domain", pub)]
    ing = ingress(net, ns, labels, ann, [(host, [("/", "Prefix", svc, port)])], [([host], secret)],
                  suspend)
    return [service(svc, ns, [("http-" + rid(rng, 12), port)]), ing]


def terminal(rng, ns, user, cls="nginx", suspend=False):
    name = "terminal-" + user
    host = "t%s.%s" % (rid(rng, 8, ALNUM), DOMAIN)
    labels = [("TerminalID", name), ("app.kubernetes.io/managed-by", "sealos"),
              ("app.kubernetes.io/name", name), ("app.kubernetes.io/part-of", "terminal")]
    return [ingress(name, ns, labels, TERMINAL.format(cls=cls, d=DOMAIN),
                    [(host, [("/", "Prefix", "%s-svc%s" % (name, rid(rng, 5, ALNUM)), 8080)])],
                    [([host], "wildcard-cert-sealos")], suspend)]


def adminer(rng, ns, user):
    name = "adminer-" + user
    host = "a%s.%s" % (rid(rng, 8, ALNUM), DOMAIN)
    labels = [("app.kubernetes.io/managed-by", "sealos"), ("app.kubernetes.io/name", name),
              ("app.kubernetes.io/part-of", "adminer")]
    ann = TERMINAL.format(cls="nginx", d=DOMAIN).replace("32m", "256m") + ADMINER_EXTRA
    return [ingress(name, ns, labels, ann, [(host, [("/", "Prefix", name, 8080)])],
                    [([host], "wildcard-cloud-sealos-io-cert")])]


def devbox(rng, ns):
    box = "devbox-" + rid(rng, 5)
    pub = rid(rng, 12)
    host = "%s.sealoshzh.site" % pub
    labels = [("cloud.sealos.io/devbox-manager", box),
              ("cloud.sealos.io/app-deploy-manager-domain", host)]
    ann = LAUNCHPAD_HTTP.format(cls="nginx") + '    nginx.ingress.kubernetes.io/ssl-redirect: "false"\n'
    return [service(box, ns, [("devbox-ssh-port", 22), ("webide-9999", 9999)]),
            ingress("%s-%s" % (box, pub), ns, labels, ann,
                    [(host, [("/", "Prefix", box, "webide-9999")])], [([host], "wildcard-cert")])]


def handmade(rng, ns):
    host = "%s.%s.io" % (rid(rng, 4), rid(rng, 7))
    paths = [("/", "Prefix", "web", 80), ("/api", "Prefix", "api", 8080),
             ("/api/v2/login", "Exact", "auth", 8080), ("/static", "ImplementationSpecific", "cdn", 80)]
    ann = "    kubernetes.io/ingress.class: nginx\n"
    if rng.random() < 0.3:
        ann += '    nginx.ingress.kubernetes.io/use-regex: "true"\n'
    return [ingress("site-" + rid(rng, 6), ns, [], ann, [(host, rng.sample(paths, len(paths)))],
                    [([host], host.replace(".", "-") + "-tls")])]


# (weight, maker) - roughly what a Sealos region holds per tenant. Terminal and adminer
# are one per tenant (their name is derived from the user), see ONCE.
MIX = [
    (40, lambda rng, ns, user: launchpad(rng, ns, "http")),
    (8, lambda rng, ns, user: launchpad(rng, ns, "grpc")),
    (6, lambda rng, ns, user: launchpad(rng, ns, "ws")),
    (6, lambda rng, ns, user: launchpad(rng, ns, "custom")),
    (15, lambda rng, ns, user: terminal(rng, ns, user)),
    (4, lambda rng, ns, user: adminer(rng, ns, user)),
    (8, lambda rng, ns, user: devbox(rng, ns)),
    (4, lambda rng, ns, user: launchpad(rng, ns, "http", cls="pause")),
    (3, lambda rng, ns, user: launchpad(rng, ns, "http", cls="disable", suspend=True)),
    (6, lambda rng, ns, user: handmade(rng, ns)),
]


ONCE = {4, 5}  # indexes of terminal and adminer in MIX


def generate(count, seed):
    """Yields (namespace, YAML document) until count Ingresses were produced."""
    rng = random.Random(seed)
    tenants = max(1, count // 5)
    weights = [w for w, _ in MIX]
    users = [rid(rng, 8, ALNUM) for _ in range(tenants)]
    made, once = 0, set()
    while made < count:
        for user in users:
            if made >= count:
                break
            ns = "ns-" + user
            i = rng.choices(range(len(MIX)), weights=weights)[0]
            if i in ONCE:
                i = 0 if (ns, i) in once else i
                once.add((ns, i))
            maker = MIX[i][1]
            for doc in maker(rng, ns, user):
                if doc.startswith("apiVersion: networking.k8s.io/v1\nkind: Ingress"):
                    made += 1
                yield ns, doc


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", "--count", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=20260301)
    ap.add_argument("-o", "--out", help="write one YAML stream to this file (default stdout)")
    ap.add_argument("--split-dir", help="write one file per tenant into this directory")
    args = ap.parse_args()
    if args.split_dir:
        os.makedirs(args.split_dir, exist_ok=True)
        per_ns = {}
        for ns, doc in generate(args.count, args.seed):
            per_ns.setdefault(ns, []).append(doc)
        for ns, docs in per_ns.items():
            with open(os.path.join(args.split_dir, ns + ".yaml"), "w") as f:
                f.write("---\n".join(docs))
        return 0
    out = open(args.out, "w") if args.out else sys.stdout
    first = True
    for _, doc in generate(args.count, args.seed):
        if not first:
            out.write("---\n")
        out.write(doc)
        first = False
    if args.out:
        out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
