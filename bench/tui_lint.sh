#!/usr/bin/env bash
# Key latency while the console's idle lint runs (issue 10 / 11): the real terminal
# binary under tmux against the test API server holding COUNT Ingresses (COUNT/5
# tenants). From the first paint on, a key (j) is sent every GAP_MS until the lint run
# has ended (trace event lint) plus AFTER_MS; each key's latency is the time from its
# send to the end of the first key handling (handling + redraw) traced after it, read
# on the same monotonic clock (MESHPANEL_TRACE_T0_NS is set by this script). Keys
# arrive through tmux control mode (one client for the whole run, no process per key).
#
# usage: bench/tui_lint.sh [COUNT] [RUNS]     (defaults: 10000, 3)
# env:   MESHPANEL=path (default build/meshpanel)  GAP_MS=15  AFTER_MS=500
#        CHURN=1: also patch one Ingress label every CHURN_MS (default 5) from the first
#        paint on (watch events while the keys arrive)
# Prints p50 / p99 / max latency of the keys sent during the lint run, of all keys
# sent, and the run's figures from the trace. Not part of ctest.
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=${1:-10000}
RUNS=${2:-3}
GAP_MS=${GAP_MS:-15}
AFTER_MS=${AFTER_MS:-500}
CHURN=${CHURN:-0}
CHURN_MS=${CHURN_MS:-5}
MESHPANEL=${MESHPANEL:-build/meshpanel}
. bench/console_lib.bash
start_generated_server "$COUNT"

for r in $(seq "$RUNS"); do
    python3 - "$tmp" "$r" "$MESHPANEL" "$tmp/srv/kubeconfig" "$tmux_sock" "$GAP_MS" "$AFTER_MS" \
        "$CHURN" "$CHURN_MS" <<'EOF'
import json, os, ssl, subprocess, sys, threading, time, urllib.request
tmp, r, mp, kc, sock = sys.argv[1:6]
gap, after, churn, churn_ms = int(sys.argv[6]), int(sys.argv[7]), sys.argv[8] == "1", int(sys.argv[9])
trace = f"{tmp}/run-{r}.trace"
t0 = time.monotonic_ns()
ms = lambda: (time.monotonic_ns() - t0) / 1e6
subprocess.run(["tmux", "-L", sock, "-f", "/dev/null", "new-session", "-d", "-x", "160", "-y", "45",
                "-e", f"MESHPANEL_TRACE={trace}", "-e", f"MESHPANEL_TRACE_T0_NS={t0}",
                "-e", f"HOME={os.environ['HOME']}", "-e", "LC_ALL=C.UTF-8",
                mp, "--kubeconfig", kc], check=True)
ctl = subprocess.Popen(["tmux", "-L", sock, "-C", "attach"], stdin=subprocess.PIPE,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def events():
    try:
        return [dict(kv.split("=", 1) for kv in l.split()) for l in open(trace)]
    except (FileNotFoundError, ValueError):
        return []

deadline = time.monotonic() + 60
while not any(e["event"] == "first-paint" for e in events()):
    if time.monotonic() > deadline:
        sys.exit("bench: no first paint within 60 s")
    time.sleep(0.01)

stop = threading.Event()
def churn_loop():  # watch events: a label patched every churn_ms through the server
    cfg = open(kc).read()
    server = [l.split()[-1] for l in cfg.splitlines() if "server:" in l][0]
    token = [l.split()[-1] for l in cfg.splitlines() if "token:" in l]
    i = 0
    while not stop.is_set():
        body = json.dumps({"metadata": {"labels": {"bench-churn": str(i)}}}).encode()
        req = urllib.request.Request(
            f"{server}/apis/networking.k8s.io/v1/namespaces/ns-tenant-00001/ingresses/ing-00001",
            data=body, method="PATCH",
            headers={"Content-Type": "application/merge-patch+json",
                     **({"Authorization": f"Bearer {token[0]}"} if token else {})})
        try:
            urllib.request.urlopen(req, timeout=2, context=ssl._create_unverified_context()).read()
        except Exception:
            pass
        i += 1
        time.sleep(churn_ms / 1000)
if churn:
    threading.Thread(target=churn_loop, daemon=True).start()

sent, end_at = [], None
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    sent.append(ms())
    ctl.stdin.write(b"send-keys j\n")
    ctl.stdin.flush()
    time.sleep(gap / 1000)
    if end_at is None and any(e["event"] == "lint" for e in events()):
        end_at = time.monotonic() + after / 1000
    if end_at is not None and time.monotonic() > end_at:
        break
stop.set()
time.sleep(0.3)
ctl.stdin.write(b"send-keys q\n")
ctl.stdin.flush()
time.sleep(0.5)
ctl.terminate()
subprocess.run(["tmux", "-L", sock, "kill-server"], stderr=subprocess.DEVNULL)
json.dump({"sent": sent}, open(f"{tmp}/run-{r}.sent", "w"))
EOF
done

python3 - "$tmp" "$RUNS" "$COUNT" "$GAP_MS" "$CHURN" <<'EOF'
import json, sys
tmp, runs, count, gap, churn = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]

def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))] if v else float("nan")

during, every, runinfo, cpu = [], [], [], []
for r in range(1, runs + 1):
    ev = [dict(kv.split("=", 1) for kv in l.split()) for l in open(f"{tmp}/run-{r}.trace")]
    keys = sorted(float(e["t_ms"]) for e in ev if e["event"] == "key")
    cpu += [int(e["cpu_us"]) / 1000 for e in ev if e["event"] == "key"]
    lint = [e for e in ev if e["event"] == "lint"]
    start = [e for e in ev if e["event"] == "lint-start"]
    if not lint:
        sys.exit(f"bench: run {r}: no lint run traced")
    t_end = float(lint[0]["t_ms"])
    t_start = float(start[0]["t_ms"]) if start else t_end - float(lint[0]["ms"])
    runinfo.append((t_start, t_end, lint[0]))
    for s in json.load(open(f"{tmp}/run-{r}.sent"))["sent"]:
        done = next((k for k in keys if k >= s), None)
        if done is None:
            continue
        every.append(done - s)
        if t_start <= s <= t_end:
            during.append(done - s)

print(f"key latency during the console's idle lint: {count} Ingresses, {runs} runs, a key every {gap} ms"
      + (", watch events meanwhile" if churn == "1" else ""))
for name, v in (("keys sent during the lint run", during), ("every key sent", every)):
    print(f"  {name:30s} p50 {pct(v, 50):7.2f} ms  p99 {pct(v, 99):7.2f} ms  max {max(v):7.2f} ms  (n={len(v)})")
print(f"  key handling CPU (trace)       p50 {pct(cpu, 50):7.2f} ms  p99 {pct(cpu, 99):7.2f} ms  max {max(cpu):7.2f} ms")
for s, e, l in runinfo:
    extra = " ".join(f"{k}={v}" for k, v in l.items() if k not in ("t_ms", "cpu_ms", "event"))
    print(f"  lint run: {s:.0f} -> {e:.0f} ms after exec (wall {e - s:.0f} ms), {extra}")
EOF
