#!/usr/bin/env bash
# Watch storm benchmark (issue 11's watch target): the real terminal binary under
# tmux against the test API server holding COUNT Ingresses (COUNT/5 tenants). Once
# the console has painted and IDLE_MS passed, the server changes Ingresses at RATE
# events/s for SECONDS s (POST /_test/churn: patches, adds, deletes; written to its
# store directly, so the server is not the bottleneck) while a key (j) is sent every
# GAP_MS through one tmux control-mode client. Then, until the console has caught up,
# `:save-store` writes its store and tests/tools/store_lines.py compares it with a
# fresh list of the server (every object's kind, namespace, name and
# resourceVersion): no event lost. The screen's Ingress count is checked too.
#
# usage: bench/watch.sh [COUNT] [RATE] [SECONDS]   (defaults: 10000, 2000, 30)
# env:   MESHPANEL=path (default build/meshpanel)  GAP_MS=50  IDLE_MS=1000
#        KEEP=1 keeps the temp dir (trace, store files)
# Prints: events the server wrote and their rate; events the console applied per
# second (trace event=applied) during the storm and the catch-up after it; key
# latency (send -> end of the key's handling + redraw, same monotonic clock) p50 /
# p99 / max and key CPU p50 / p99 / max, for keys sent during the storm; the
# lint / idle milestones; and "no event lost: yes/NO". Not part of ctest.
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=${1:-10000}
RATE=${2:-2000}
SECONDS_=${3:-30}
GAP_MS=${GAP_MS:-50}
IDLE_MS=${IDLE_MS:-1000}
MESHPANEL=${MESHPANEL:-build/meshpanel}
. bench/console_lib.bash
# history: every event of the storm stays resumable (a watch that falls behind
# the window would relist, which hides nothing but measures something else)
start_generated_server "$COUNT" --history $((RATE * SECONDS_ + 10000))

python3 - "$tmp" "$MESHPANEL" "$tmp/srv/kubeconfig" "$tmux_sock" "$GAP_MS" "$IDLE_MS" \
    "$RATE" "$SECONDS_" "$COUNT" <<'EOF'
import json, os, ssl, subprocess, sys, time, urllib.request
tmp, mp, kc, sock = sys.argv[1:5]
gap, idle, rate, secs, count = int(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7]), float(sys.argv[8]), int(sys.argv[9])
trace = f"{tmp}/watch.trace"
t0 = time.monotonic_ns()
ms = lambda: (time.monotonic_ns() - t0) / 1e6

cfg = open(kc).read()
server = [l.split()[-1] for l in cfg.splitlines() if "server:" in l][0]
token = [l.split()[-1] for l in cfg.splitlines() if "token:" in l]
ctx = ssl._create_unverified_context()
def api(method, path, body=None):
    req = urllib.request.Request(server + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json",
                                          **({"Authorization": f"Bearer {token[0]}"} if token else {})})
    return urllib.request.urlopen(req, timeout=30, context=ctx).read()

subprocess.run(["tmux", "-L", sock, "-f", "/dev/null", "new-session", "-d", "-x", "160", "-y", "45",
                "-e", f"MESHPANEL_TRACE={trace}", "-e", f"MESHPANEL_TRACE_T0_NS={t0}",
                "-e", f"HOME={os.environ['HOME']}", "-e", "LC_ALL=C.UTF-8",
                mp, "--kubeconfig", kc], check=True)
ctl = subprocess.Popen(["tmux", "-L", sock, "-C", "attach"], stdin=subprocess.PIPE,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
def send(cmd):
    ctl.stdin.write(cmd.encode() + b"\n")
    ctl.stdin.flush()

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
time.sleep(idle / 1000)

storm_start = ms()
api("POST", "/_test/churn", {"rate": rate, "seconds": secs, "seed": 1})
sent = []
while True:
    sent.append(ms())
    send("send-keys j")
    time.sleep(gap / 1000)
    st = json.loads(api("GET", "/_test/churn"))
    if not st["running"]:
        break
storm_end = ms()

# Catch-up: save the store until it equals a fresh list (or 120 s passed).
same, tries, caught = None, 0, None
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    tries += 1
    out = f"{tmp}/store-{tries}.txt"
    send(f"send-keys -l ':save-store {out}'")
    send("send-keys Enter")
    t_sent = ms()
    for _ in range(300):
        if os.path.exists(out):
            break
        time.sleep(0.05)
    open(f"{tmp}/state.json", "wb").write(api("GET", "/_test/state"))
    r = subprocess.run([sys.executable, "tests/tools/store_lines.py", out, f"{tmp}/state.json"],
                       capture_output=True, text=True)
    same = r.stdout.strip()
    if r.returncode == 0:
        caught = t_sent
        break
    time.sleep(0.5)
time.sleep(0.3)
screen = subprocess.run(["tmux", "-L", sock, "capture-pane", "-p"], capture_output=True, text=True).stdout
open(f"{tmp}/screen.txt", "w").write(screen)
send("send-keys q")
time.sleep(0.5)
ctl.terminate()
subprocess.run(["tmux", "-L", sock, "kill-server"], stderr=subprocess.DEVNULL)
json.dump({"sent": sent, "storm_start": storm_start, "storm_end": storm_end, "caught": caught,
           "same": same, "tries": tries, "churn": st}, open(f"{tmp}/run.json", "w"))
EOF

python3 - "$tmp" "$COUNT" "$RATE" "$SECONDS_" "$GAP_MS" <<'EOF'
import glob, json, re, sys
tmp, count, rate, secs, gap = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
run = json.load(open(f"{tmp}/run.json"))
ev = [dict(kv.split("=", 1) for kv in l.split()) for l in open(f"{tmp}/watch.trace")]

def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))] if v else float("nan")

s0, s1, st = run["storm_start"], run["storm_end"], run["churn"]
keys = [e for e in ev if e["event"] == "key"]
ends = sorted(float(e["t_ms"]) for e in keys)
lat = []
for s in run["sent"]:
    done = next((k for k in ends if k >= s), None)
    if done is not None:
        lat.append(done - s)
cpu = [int(e["cpu_us"]) / 1000 for e in keys if s0 <= float(e["t_ms"]) <= s1 and e["key"] == "j"]
applied = [(float(e["t_ms"]), int(e["events"])) for e in ev if e["event"] == "applied"]
before = max([n for t, n in applied if t <= s0] or [0])
during = max([n for t, n in applied if t <= s1] or [0]) - before
total = max([n for t, n in applied] or [0]) - before
last_t = max([t for t, n in applied] or [s1])
tr = [(float(e["t_ms"]), float(e["cpu_ms"])) for e in ev]
a = [c for t, c in tr if t <= s0]
b = [c for t, c in tr if t <= s1]
cpu_storm = b[-1] - a[-1] if a and b else None

print(f"watch storm: {count} Ingresses, {rate:.0f} events/s asked for {secs:.0f} s, a key every {gap} ms")
print(f"  server wrote     {st['events']} events in {st['seconds']:.1f} s = {st['events'] / st['seconds']:.0f}/s "
      f"(patched {st['patched']}, added {st['added']}, deleted {st['deleted']})")
print(f"  console applied  {during} store changes during the storm ({during / ((s1 - s0) / 1000):.0f}/s), "
      f"{total} in all; last change traced {(last_t - s1) / 1000:.1f} s after the storm")
if cpu_storm is not None:
    print(f"  console CPU during the storm  {cpu_storm / 1000:.1f} s of {(s1 - s0) / 1000:.1f} s wall "
          f"({cpu_storm / (s1 - s0) * 100:.0f} %)")
print(f"  key latency (send -> drawn)  p50 {pct(lat, 50):7.2f} ms  p99 {pct(lat, 99):7.2f} ms  "
      f"max {max(lat or [float('nan')]):7.2f} ms  (n={len(lat)})")
print(f"  key CPU (trace)              p50 {pct(cpu, 50):7.2f} ms  p99 {pct(cpu, 99):7.2f} ms  "
      f"max {max(cpu or [float('nan')]):7.2f} ms  (n={len(cpu)})   target <= 5 ms: "
      + ("met" if cpu and pct(cpu, 99) <= 5 else "MISSED"))
for name in ("rows-filled", "lint-start", "lint"):
    hits = [float(e["t_ms"]) for e in ev if e["event"] == name]
    print(f"  {name:12s} " + (", ".join(f"{(t - s0) / 1000:+.1f} s" for t in hits[:6])
                              + " (from the storm's start)" if hits else "never"))
caught = run["caught"]
print(f"  no event lost: {'yes' if caught else 'NO'} ({run['same']}; "
      + (f"equal {(caught - s1) / 1000:.1f} s after the storm, try {run['tries']})" if caught
         else "never equal within 120 s)"))
screen = open(f"{tmp}/screen.txt").read()
m = re.search(r"tenants +(\d+) ing", screen)
stores = sorted(glob.glob(f"{tmp}/store-*.txt"), key=lambda p: int(p.rsplit("-", 1)[1].split(".")[0]))
n_ing = sum(1 for l in open(stores[-1]) if l.startswith("Ingress ")) if stores else -1
print(f"  screen: {m.group(1) + ' ing' if m else 'no Ingress count'}; store holds {n_ing} Ingresses")
EOF
