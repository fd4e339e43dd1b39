#!/usr/bin/env bash
# Console benchmark (issue 4): first full paint, keystroke CPU and peak memory of
# `meshpanel` against the test API server holding COUNT Ingresses over COUNT/5 tenants
# (10,000 over 2,000 by default), with kubectl against the same server in the same run
# for the ratios.
#
# usage: bench/tui.sh [COUNT] [RUNS]        (defaults: 10000 Ingresses, 3 console runs)
# env:   MESHPANEL=path/to/meshpanel (default build/meshpanel)
#        KEYS=500       cursor presses (j) per run
#        FILTER=ing-0123  typed after / one character at a time
#        IDLE_MS=300    pause after the first paint (a person's first glance), in which
#                       the console fills its filter cache; one extra "cold" run types
#                       the filter with no pause at all
#        TMUX_RUN=1     also time the real terminal binary under tmux (0: skip)
#        KUBECTL_RUNS=RUNS  kubectl runs for the ratios (0: none; the linearity rows of
#                       bench/run.sh need only the console, and kubectl takes 25 s at 50k)
#        KUBECTL_TABLE=1  also time `kubectl get ingress -A` (the table); 0: only -o json
#        KEEP=1         keep the temp dir (traces, screens) and print its path
#
# How: the console runs in script mode (virtual screen, no terminal) with
# MESHPANEL_TRACE (tui/trace.h). The script waits until every watch stream is synced
# (`sync`), saves the screen, pauses IDLE_MS, presses j KEYS times, types FILTER, quits. The trace
# gives the milestones (t_ms from the exec, via MESHPANEL_TRACE_T0_NS) and each
# keystroke's CPU (handling + redraw). Peak RSS comes from wait4() on the child, the
# figure `/usr/bin/time -v` prints. Every wait is bounded; the server dies with the
# script. Not part of ctest: timings belong here, never in tests.
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=${1:-10000}
RUNS=${2:-3}
KEYS=${KEYS:-500}
FILTER=${FILTER:-ing-0123}
IDLE_MS=${IDLE_MS:-300}
TMUX_RUN=${TMUX_RUN:-1}
KUBECTL_RUNS=${KUBECTL_RUNS:-$RUNS}
KUBECTL_TABLE=${KUBECTL_TABLE:-1}
MESHPANEL=${MESHPANEL:-build/meshpanel}
[ -x "$MESHPANEL" ] || { echo "bench: $MESHPANEL not built (run ./setup.sh)" >&2; exit 2; }
case "$MESHPANEL" in /*) ;; *) MESHPANEL="$PWD/$MESHPANEL" ;; esac
command -v kubectl >/dev/null || { echo "bench: kubectl not found" >&2; exit 2; }

tmp=$(mktemp -d)
server_pid=
tmux_sock="meshbench-$$"
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    tmux -L "$tmux_sock" kill-server 2>/dev/null || true
    [ -n "${KEEP:-}" ] && echo "kept $tmp" >&2 || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export HOME="$tmp/home" LC_ALL=C.UTF-8 # no user config or kubeconfig leaks in
mkdir -p "$HOME"
unset KUBECONFIG MESHPANEL_SCRIPT MESHPANEL_NOW NO_COLOR

# kubectl sends tokens over TLS only, so the server speaks HTTPS for both clients.
python3 tests/apiserver/server.py --https --generate "$COUNT" --state-dir "$tmp/srv" \
    >"$tmp/srv.out" 2>"$tmp/srv.err" &
server_pid=$!
for _ in $(seq 600); do # 60 s: generating the objects takes a few seconds
    grep -q '^listening ' "$tmp/srv.out" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
grep -q '^listening ' "$tmp/srv.out" || { echo "bench: server did not start" >&2; cat "$tmp/srv.err" >&2; exit 1; }
KC="$tmp/srv/kubeconfig"

# run TAG CMD...: runs CMD with MESHPANEL_TRACE_T0_NS set at the exec, stdout to
# $tmp/TAG.out, bounded by 120 s; appends "TAG wall_ms maxrss_kib status" to $tmp/runs.
run() {
    local tag=$1
    shift
    python3 - "$tmp" "$tag" "$@" <<'EOF'
import os, subprocess, sys, time
tmp, tag, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
env = dict(os.environ)
t0 = time.monotonic_ns()
env["MESHPANEL_TRACE_T0_NS"] = str(t0)
with open(f"{tmp}/{tag}.out", "wb") as out, open(f"{tmp}/{tag}.err", "wb") as err:
    p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
    deadline, status, ru = time.monotonic() + 120, None, None
    while status is None:
        pid, st, r = os.wait4(p.pid, os.WNOHANG)
        if pid:
            status, ru = os.waitstatus_to_exitcode(st), r
        elif time.monotonic() > deadline:
            p.kill()
            pid, st, ru = os.wait4(p.pid, 0)
            status = "timeout"
        else:
            time.sleep(0.002)
wall = (time.monotonic_ns() - t0) / 1e6
with open(f"{tmp}/runs", "a") as f:
    f.write(f"{tag} {wall:.1f} {ru.ru_maxrss} {status}\n")
EOF
    local st
    st=$(awk -v t="$tag" '$1 == t {s = $4} END {print s}' "$tmp/runs")
    if [ "$st" != 0 ]; then
        echo "bench: $tag failed ($st):" >&2
        head -n 5 "$tmp/$tag.err" >&2
        exit 1
    fi
}

# The console script: one keystroke per line, so each gets its own trace line.
filter_keys() {
    echo "key /"
    for ((i = 0; i < ${#FILTER}; i++)); do echo "type ${FILTER:i:1}"; done
    echo "key Enter"
}
{
    echo "sync 60000"
    echo ":save-display $tmp/synced.txt"
    echo "pump $IDLE_MS"
    for _ in $(seq "$KEYS"); do echo "key j"; done
    filter_keys
    echo ":save-display $tmp/filtered.txt"
    echo "key q"
} >"$tmp/bench.script"
{
    echo "sync 60000"
    filter_keys
    echo "key q"
} >"$tmp/cold.script"

# One uncounted run first: the test server builds its per-object JSON cache on the first
# list (a real API server serves lists from its watch cache), which would only burden run 1.
run warmup "$MESHPANEL" --kubeconfig "$KC" --script "$tmp/cold.script"
for r in $(seq "$RUNS"); do
    MESHPANEL_TRACE="$tmp/script-$r.trace" run "script-$r" \
        "$MESHPANEL" --kubeconfig "$KC" --script "$tmp/bench.script"
done
MESHPANEL_TRACE="$tmp/cold.trace" run cold "$MESHPANEL" --kubeconfig "$KC" --script "$tmp/cold.script"
grep -q "${COUNT} ing" "$tmp/synced.txt" ||
    { echo "bench: the synced screen does not show $COUNT Ingresses:" >&2; cat "$tmp/synced.txt" >&2; exit 1; }

for r in $(seq "$KUBECTL_RUNS"); do
    run "kubectl-json-$r" kubectl --kubeconfig "$KC" get ingress -A -o json
    [ "$KUBECTL_TABLE" = 0 ] || run "kubectl-table-$r" kubectl --kubeconfig "$KC" get ingress -A
done
if [ "$KUBECTL_RUNS" -gt 0 ]; then
    n_json=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["items"]))' "$tmp/kubectl-json-1.out")
    n_table=$COUNT
    [ "$KUBECTL_TABLE" = 0 ] || n_table=$(($(wc -l <"$tmp/kubectl-table-1.out") - 1))
    [ "$n_json" = "$COUNT" ] && [ "$n_table" = "$COUNT" ] ||
        { echo "bench: kubectl saw $n_json / $n_table Ingresses, expected $COUNT" >&2; exit 1; }
fi

# Optional: the real terminal binary under tmux, first paint and keys as a person types.
tmux_note="skipped (TMUX_RUN=0)"
if [ "$TMUX_RUN" = 1 ] && command -v tmux >/dev/null; then
    tmux_note="tmux failed"
    cat >"$tmp/tmux-launch.sh" <<EOF
#!/bin/sh
exec python3 -c 'import os, sys, time
os.environ["MESHPANEL_TRACE_T0_NS"] = str(time.monotonic_ns())
os.execv(sys.argv[1], sys.argv[1:])' "$MESHPANEL" --kubeconfig "$KC"
EOF
    chmod +x "$tmp/tmux-launch.sh"
    if MESHPANEL_TRACE="$tmp/tmux.trace" tmux -L "$tmux_sock" -f /dev/null new-session -d \
        -x 160 -y 45 -e "MESHPANEL_TRACE=$tmp/tmux.trace" -e "HOME=$HOME" -e LC_ALL=C.UTF-8 \
        "$tmp/tmux-launch.sh"; then
        for _ in $(seq 300); do # 30 s
            grep -q 'event=first-paint' "$tmp/tmux.trace" 2>/dev/null && break
            sleep 0.1
        done
        if grep -q 'event=first-paint' "$tmp/tmux.trace" 2>/dev/null; then
            for _ in $(seq 50); do
                tmux -L "$tmux_sock" send-keys j
                sleep 0.02
            done
            tmux -L "$tmux_sock" send-keys /
            for ((i = 0; i < ${#FILTER}; i++)); do
                tmux -L "$tmux_sock" send-keys -l "${FILTER:i:1}"
                sleep 0.05
            done
            tmux -L "$tmux_sock" send-keys Enter
            sleep 0.3
            tmux -L "$tmux_sock" capture-pane -p >"$tmp/tmux-screen.txt" || true
            tmux -L "$tmux_sock" send-keys q
            for _ in $(seq 50); do
                tmux -L "$tmux_sock" has-session 2>/dev/null || break
                sleep 0.1
            done
            tmux_note=ok
        else
            tmux_note="no first paint within 30 s"
        fi
        tmux -L "$tmux_sock" kill-server 2>/dev/null || true
    fi
fi

python3 - "$tmp" "$RUNS" "$COUNT" "$FILTER" "$tmux_note" "$IDLE_MS" <<'EOF'
import statistics, sys
tmp, runs, count, flt, tmux_note = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
idle_ms = sys.argv[6]

def parse(path):
    """Milestones, and the CPU µs of cursor keys (j) and of the characters
    typed between / and Enter."""
    ev, cursor, filt, typing = {}, [], [], False
    for line in open(path):
        f = dict(kv.split("=", 1) for kv in line.split())
        if f["event"] != "key":
            ev.setdefault(f["event"], f)
        elif f["key"] == "/":
            typing = True
        elif f["key"] == "Enter":
            typing = False
        elif typing:
            filt.append(int(f["cpu_us"]))
        elif f["key"] == "j":
            cursor.append(int(f["cpu_us"]))
    return ev, cursor, filt

def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))] if v else 0

runs_info = {}
for line in open(f"{tmp}/runs"):
    tag, wall, rss, st = line.split()
    runs_info[tag] = (float(wall), int(rss))

paint, synced, draw, rss, cursor, filt, paint_cpu, filled = [], [], [], [], [], [], [], []
fill_cpu, fill_rows = [], []
for r in range(1, runs + 1):
    ev, kc, kf = parse(f"{tmp}/script-{r}.trace")
    paint.append(float(ev["first-paint"]["t_ms"]))
    paint_cpu.append(float(ev["first-paint"]["cpu_ms"]) - float(ev["synced"]["cpu_ms"]))
    if "rows-filled" in ev:
        filled.append(float(ev["rows-filled"]["cpu_ms"]) - float(ev["first-paint"]["cpu_ms"]))
        if "fill_cpu_ms" in ev["rows-filled"]:
            fill_cpu.append(float(ev["rows-filled"]["fill_cpu_ms"]))
            fill_rows.append(int(ev["rows-filled"]["filled"]))
    synced.append(float(ev["synced"]["t_ms"]))
    draw.append(float(ev["first-draw"]["t_ms"]))
    rss.append(runs_info[f"script-{r}"][1])
    cursor += kc
    filt += kf
objs = ev["first-paint"]["objects"]
tenants = ev["first-paint"]["tenants"]

def kbest(prefix):
    w = [v[0] for t, v in runs_info.items() if t.startswith(prefix)]
    m = [v[1] for t, v in runs_info.items() if t.startswith(prefix)]
    return (statistics.median(w), max(m)) if w else (None, None)

kj_wall, kj_rss = kbest("kubectl-json-")
kt_wall, kt_rss = kbest("kubectl-table-")
med_paint, med_sync = statistics.median(paint), statistics.median(synced)
peak = max(rss)

def ok(cond):
    return "met" if cond else "MISSED"

print(f"console benchmark: {count} Ingresses, {tenants} tenants, {objs} objects watched, {runs} runs")
print(f"  first draw (empty)   median {statistics.median(draw):7.1f} ms")
print(f"  all kinds synced     median {med_sync:7.1f} ms   runs: " + " ".join(f"{x:.1f}" for x in synced))
print(f"  first full paint     median {med_paint:7.1f} ms   runs: " + " ".join(f"{x:.1f}" for x in paint)
      + f"   target < 300 ms: {ok(med_paint < 300)}")
print(f"  CPU from synced to first paint  median {statistics.median(paint_cpu):6.1f} ms")
if fill_cpu:
    # the fill slices alone (while loading and after the first paint): the
    # span below also holds what :save-display finishes first (every
    # tenant's conversion and the lint run), which is not the fill
    fc, fr = statistics.median(fill_cpu), statistics.median(fill_rows)
    print(f"  idle row fill (filter cache, loading + after the first paint)  CPU median "
          f"{fc:6.1f} ms for {fr:.0f} rows = {1000 * fc / max(fr, 1):.2f} us/row")
if filled:
    print(f"  CPU from first paint to every row filled (with :save-display's conversions "
          f"and lint)  median {statistics.median(filled):6.1f} ms")
for name, v in (("cursor key (j)", cursor), (f"filter char ({flt})", filt)):
    print(f"  {name:20s} CPU p50 {pct(v, 50) / 1000:6.2f} ms  p95 {pct(v, 95) / 1000:6.2f} ms  "
          f"max {max(v) / 1000:6.2f} ms  (n={len(v)})   target < 5 ms: {ok(pct(v, 95) < 5000)}")
ev, kc, kf = parse(f"{tmp}/cold.trace")
print(f"  cold filter (typed right at the first paint, no pause) CPU per char: "
      + " ".join(f"{x / 1000:.1f}" for x in kf) + " ms")
print(f"  peak RSS             {peak / 1024:7.1f} MiB   target < 100 MiB: {ok(peak < 100 * 1024)}")
if kj_wall is not None:
    print(f"kubectl (same server, same run, median of {runs}):")
    print(f"  get ingress -A -o json   wall {kj_wall:7.1f} ms   peak RSS {kj_rss / 1024:6.1f} MiB")
    if kt_wall is not None:
        print(f"  get ingress -A           wall {kt_wall:7.1f} ms   peak RSS {kt_rss / 1024:6.1f} MiB")
    print("ratios (meshpanel / kubectl):")
    print(f"  first full paint / get -o json wall  {med_paint / kj_wall:5.2f}")
    if kt_wall is not None:
        print(f"  first full paint / get (table) wall  {med_paint / kt_wall:5.2f}")
    print(f"  peak RSS / get -o json RSS           {peak / kj_rss:5.2f}")
    if kt_wall is not None:
        print(f"  peak RSS / get (table) RSS           {peak / kt_rss:5.2f}")
else:
    print("kubectl: not run (KUBECTL_RUNS=0)")
if tmux_note == "ok":
    ev, kc, kf = parse(f"{tmp}/tmux.trace")
    line = f"tmux (real terminal 160x45): first full paint {float(ev['first-paint']['t_ms']):.1f} ms, synced {float(ev['synced']['t_ms']):.1f} ms"
    if kc:
        line += f"; j CPU p50 {pct(kc, 50) / 1000:.2f} ms max {max(kc) / 1000:.2f} ms (n={len(kc)})"
    if kf:
        line += f"; filter CPU p50 {pct(kf, 50) / 1000:.2f} ms max {max(kf) / 1000:.2f} ms (n={len(kf)})"
    print(line)
else:
    print(f"tmux: {tmux_note}")
EOF
