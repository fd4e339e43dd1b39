#!/usr/bin/env bash
# Edit-screen benchmark (issue 7): CPU of one keystroke in a form, from the key
# to the repainted diff, on a VirtualService of about 2,000 lines; and the
# console's peak memory with and without an open editor, next to 10,000
# Ingresses of the usual corpus.
#
# usage: bench/edit.sh [PATHS] [KEYS]     (defaults: 57 paths -> ~2,000 lines; 200 keys)
# env:   MESHPANEL=path/to/meshpanel (default build/meshpanel)
#        BASELINE=path/to/an older meshpanel: its browse-only peak RSS is measured too
#        COUNT=10000  Ingresses of bench/gen_ingresses.py beside the big one
#
# How: a manifest directory holds the corpus (one file per tenant) and one more
# tenant, ns-bench, whose single Ingress has PATHS paths with CORS and timeout
# annotations, so its VirtualService has PATHS routes. The console runs in
# script mode (virtual screen) with MESHPANEL_TRACE (tui/trace.h): each `type`
# or `key` line of the script is one keystroke whose trace line gives the CPU
# spent handling it and drawing the screen that shows it (form rows rebuilt,
# object checks, canonical YAML of the edit set, the line diff, the draw).
# Keystrokes: typing into the first route's timeout (Basics), then into the
# CORS max age of every route at once (scope "all routes": every route changes,
# the heaviest case). Peak RSS from wait4(). Not part of ctest.
set -euo pipefail
cd "$(dirname "$0")/.."

PATHS=${1:-57}
KEYS=${2:-200}
COUNT=${COUNT:-10000}
MESHPANEL=${MESHPANEL:-build/meshpanel}
[ -x "$MESHPANEL" ] || { echo "bench: $MESHPANEL not built (run ./setup.sh)" >&2; exit 2; }
case "$MESHPANEL" in /*) ;; *) MESHPANEL="$PWD/$MESHPANEL" ;; esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home" LC_ALL=C.UTF-8
mkdir -p "$HOME" "$tmp/dir"
unset KUBECONFIG MESHPANEL_SCRIPT MESHPANEL_NOW NO_COLOR XDG_STATE_HOME

python3 bench/gen_ingresses.py -n "$COUNT" --split-dir "$tmp/dir"
python3 - "$tmp/dir/ns-bench.yaml" "$PATHS" <<'EOF'
import sys
out, n = sys.argv[1], int(sys.argv[2])
paths = "".join(
    f"      - path: /p{i:04d}\n        pathType: Prefix\n        backend:\n"
    f"          service:\n            name: app\n            port:\n              number: 8080\n"
    for i in range(n))
open(out, "w").write(f"""apiVersion: v1
kind: Service
metadata: {{name: app, namespace: ns-bench}}
spec: {{ports: [{{name: http, port: 8080}}]}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: big
  namespace: ns-bench
  annotations:
    nginx.ingress.kubernetes.io/enable-cors: "true"
    nginx.ingress.kubernetes.io/cors-allow-origin: https://a.example.com,https://b.example.com
    nginx.ingress.kubernetes.io/proxy-read-timeout: "120"
spec:
  ingressClassName: nginx
  rules:
  - host: big.bench.example.com
    http:
      paths:
{paths}""")
EOF

# keystrokes: each line is one key (and one trace line)
{
    echo ":tenant ns-bench"
    echo "key e"
    echo "key PgUp"
    echo "key Tab Tab"
    for ((i = 0; i < KEYS / 2; i++)); do
        echo "type 9"
        echo "key Backspace"
    done
    echo "key PgUp PgUp"                 # CORS, scope: all routes
    for ((i = 0; i < 23; i++)); do echo "key Tab"; done # to max age (past origins, methods, headers)
    for ((i = 0; i < KEYS / 4; i++)); do
        echo "type 9"
        echo "key Backspace"
    done
    echo ":save-display $tmp/last.txt"
    echo ":q!"
} >"$tmp/edit.script"
printf ':tenant ns-bench\nkey j\n:q\n' >"$tmp/browse.script"

# run TAG CMD... : peak RSS (KiB) and exit status into $tmp/TAG.rss
run() {
    local tag=$1
    shift
    python3 - "$tmp/$tag.rss" "$@" <<'EOF'
import os, subprocess, sys
p = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=open(sys.argv[1] + ".err", "w"))
_, st, ru = os.wait4(p.pid, 0)
open(sys.argv[1], "w").write(f"{ru.ru_maxrss} {os.waitstatus_to_exitcode(st)}\n")
EOF
}

MESHPANEL_TRACE="$tmp/edit.trace" run edit "$MESHPANEL" -f "$tmp/dir" --script "$tmp/edit.script"
run browse "$MESHPANEL" -f "$tmp/dir" --script "$tmp/browse.script"
[ -n "${BASELINE:-}" ] && run baseline "$BASELINE" -f "$tmp/dir" --script "$tmp/browse.script"

lines=$("$MESHPANEL" convert -f "$tmp/dir/ns-bench.yaml" 2>/dev/null |
    python3 -c 'import sys; d=sys.stdin.read().split("\n---\n"); print(max(x.count("\n") for x in d))')
python3 - "$tmp" "$lines" "$KEYS" <<'EOF'
import re, statistics, sys, os
tmp, lines, keys = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
cpu = [int(m.group(1)) / 1000 for l in open(f"{tmp}/edit.trace")
       for m in [re.search(r"event=key key=(?:9|Backspace) cpu_us=(\d+)", l)] if m]
half = (keys // 2) * 2  # keystrokes of the first part (type + Backspace pairs)
def stats(name, xs):
    xs = sorted(xs)
    p95 = xs[int(len(xs) * 0.95) - 1]
    print(f"{name}: {len(xs)} keys, CPU ms per key: median {statistics.median(xs):.2f}, "
          f"p95 {p95:.2f}, max {xs[-1]:.2f}")
print(f"VirtualService of ns-bench: {lines} lines of YAML")
stats("timeout of route 1   ", cpu[:half])
stats("CORS max age, all routes", cpu[half:])
def rss(tag):
    p = f"{tmp}/{tag}.rss"
    if not os.path.exists(p):
        return None
    kib, code = open(p).read().split()
    if code != "0":
        print(f"{tag}: exit {code}: {open(p + '.err').read().strip()}")
    return int(kib) / 1024
b, e, base = rss("browse"), rss("edit"), rss("baseline")
print(f"peak RSS: browse only {b:.1f} MiB, with the editor open and {keys} keys {e:.1f} MiB "
      f"({(e / b - 1) * 100:+.1f}%)")
if base:
    print(f"peak RSS of BASELINE, browse only: {base:.1f} MiB ({(b / base - 1) * 100:+.1f}% now)")
EOF
grep -q "Edit ingress ns-bench/big" "$tmp/last.txt" || { echo "bench: the editor did not open" >&2; exit 1; }
