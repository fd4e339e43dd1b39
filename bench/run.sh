#!/usr/bin/env bash
# Every target of issue 11 in one run and one table: target, measured, ratio,
# met / not met. Both sides of every ratio are measured in the same run on the
# same data; figures are medians of RUNS runs (peak RSS: the largest).
#
# usage: bench/run.sh [N...]     (default: 10000 1000 50000)
#   the first N is the size of the targets (10,000 in the issue); the smallest
#   and the largest N give the linearity rows (per-object time and memory at
#   the largest within 1.3x of the smallest).
# env:   RUNS=5        runs per figure (the issue: at least 5)
#        MESHPANEL=build/meshpanel  FLOOR=build/floor  KUBECTL=kubectl
#        TUI=1         the console rows (bench/tui.sh, TMUX_RUN=0; at the smallest and
#                      largest N too, for the linear console rows); 0: skip
#        WATCH=1       the watch row (bench/watch.sh N WATCH_RATE WATCH_SECONDS, under
#                      tmux; defaults 2000 and 30); 0: skip
#        SEED=20260301 corpus seed (bench/gen_ingresses.py)
#        OUT=DIR       keep the raw measurements (runs.tsv) there
#        BASELINE=path/to/older/meshpanel  also time its convert -f (YAML, JSON) and
#                      convert -A in the same runs: a before/after table
#
# Corpus: bench/gen_ingresses.py (Sealos-shaped Ingresses and their Services).
# The test API server (tests/apiserver, HTTPS, bearer token: kubectl sends tokens
# over TLS only) is seeded with the same corpus; its `ignore_limit` switch makes
# it answer lists whole, as some aggregated and proxied API servers do.
# The floor (bench/floor.c): libyaml's parse of the input plus its parse + emit
# of convert's own output; cJSON's parse + print of the JSON dump.
# Timings live here and in docs/benchmarks.md, never in tests.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10000 1000 50000)
N=${SIZES[0]}
RUNS=${RUNS:-5}
TUI=${TUI:-1}
SEED=${SEED:-20260301}
MESHPANEL=${MESHPANEL:-build/meshpanel}
FLOOR=${FLOOR:-build/floor}
KUBECTL=${KUBECTL:-kubectl}
for b in "$MESHPANEL" "$FLOOR"; do
    [ -x "$b" ] || { echo "bench: $b not built (cmake --build build)" >&2; exit 2; }
done
command -v "$KUBECTL" >/dev/null || { echo "bench: $KUBECTL not found" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is needed for peak RSS" >&2; exit 2; }
case "$MESHPANEL" in /*) ;; *) MESHPANEL="$PWD/$MESHPANEL" ;; esac

. bench/lib.bash

echo "bench/run.sh: N=${SIZES[*]}, $RUNS runs, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# ---- convert -f (YAML) against the libyaml floor ----
corpus "$N"
"$MESHPANEL" convert -f "$tmp/ing$N.yaml" >"$tmp/convert.yaml" 2>/dev/null || [ $? -lt 2 ]
for _ in $(seq "$RUNS"); do
    floor floor_in yaml-parse "$tmp/ing$N.yaml"
    meas convert_yaml "$MESHPANEL" convert -f "$tmp/ing$N.yaml"
    floor floor_out yaml-emit "$tmp/convert.yaml"
    [ -z "${BASELINE:-}" ] || meas base_convert_yaml "$BASELINE" convert -f "$tmp/ing$N.yaml"
done

# ---- the API server: get, convert -A, convert of the JSON dump ----
start_server "$N"
MP_GET=("$MESHPANEL" get ingresses -A -o json --kubeconfig "$KC")
KC_GET=("$KUBECTL" get ingress -A -o json --kubeconfig "$KC" --request-timeout=300s)
meas warm "${KC_GET[@]}" # discovery cache, the server's JSON cache
cp "$tmp/out" "$tmp/dump.json"
n=$(items "$tmp/dump.json")
[ "$n" = "$N" ] || { echo "bench: kubectl printed $n Ingresses, want $N" >&2; exit 2; }
meas warm "${MP_GET[@]}"
for _ in $(seq "$RUNS"); do
    meas kubectl_paged "${KC_GET[@]}"
    meas get_paged "${MP_GET[@]}"
    meas convert_live "$MESHPANEL" convert -A --kubeconfig "$KC"
    meas convert_json "$MESHPANEL" convert -f "$tmp/dump.json"
    floor floor_json json "$tmp/dump.json"
    if [ -n "${BASELINE:-}" ]; then
        meas base_convert_json "$BASELINE" convert -f "$tmp/dump.json"
        meas base_convert_live "$BASELINE" convert -A --kubeconfig "$KC"
    fi
done
n=$(items "$tmp/out" 2>/dev/null || echo 0)
faults '{"ignore_limit": 1}'
for _ in $(seq "$RUNS"); do
    meas kubectl_whole "${KC_GET[@]}"
    meas get_whole "${MP_GET[@]}"
done
n=$(items "$tmp/out")
[ "$n" = "$N" ] || { echo "bench: get (server ignoring limit) printed $n, want $N" >&2; exit 2; }
faults '{"ignore_limit": 0}'

# ---- linearity: the smallest and the largest N ----
mapfile -t ends < <(printf '%s\n' "${SIZES[@]}" | sort -n | sed -n '1p;$p')
lo=${ends[0]} hi=${ends[1]}
if [ "$lo" != "$hi" ]; then
    for m in "$lo" "$hi"; do
        corpus "$m"
        start_server "$m"
        meas warm "$MESHPANEL" get ingresses -A -o json --kubeconfig "$KC"
        for _ in $(seq "$RUNS"); do
            meas "lin_convert_$m" "$MESHPANEL" convert -f "$tmp/ing$m.yaml"
            meas "lin_get_$m" "$MESHPANEL" get ingresses -A -o json --kubeconfig "$KC"
            meas "lin_lint_$m" "$MESHPANEL" lint -f "$tmp/ing$m.yaml" -o json
        done
    done
fi
stop_server

# ---- the console (bench/tui.sh: its own server, the same kubectl) ----
# kubectl's table is not a target here: only its -o json is timed
if [ "$TUI" = 1 ]; then
    TMUX_RUN=0 KUBECTL_TABLE=0 MESHPANEL="$MESHPANEL" bench/tui.sh "$N" "$RUNS" >"$tmp/tui.txt" 2>&1 ||
        { echo "bench: bench/tui.sh failed:" >&2; tail -n 5 "$tmp/tui.txt" >&2; exit 2; }
    # linear console: the smallest and the largest N, the console alone (no
    # kubectl: 25 s a run at 50k), 50 cursor keys instead of 500
    if [ "$lo" != "$hi" ]; then
        for m in "$lo" "$hi"; do
            TMUX_RUN=0 KUBECTL_RUNS=0 KEYS=50 MESHPANEL="$MESHPANEL" bench/tui.sh "$m" "$RUNS" \
                >"$tmp/tui$m.txt" 2>&1 ||
                { echo "bench: bench/tui.sh $m failed:" >&2; tail -n 5 "$tmp/tui$m.txt" >&2; exit 2; }
        done
    fi
fi

# ---- the watch storm (bench/watch.sh: its own server, tmux) ----
if [ "${WATCH:-1}" = 1 ] && command -v tmux >/dev/null; then
    MESHPANEL="$MESHPANEL" bench/watch.sh "$N" "${WATCH_RATE:-2000}" "${WATCH_SECONDS:-30}" \
        >"$tmp/watch.txt" 2>&1 ||
        { echo "bench: bench/watch.sh failed:" >&2; tail -n 5 "$tmp/watch.txt" >&2; exit 2; }
fi

python3 - "$tmp" "$N" "$lo" "$hi" "$TUI" "$RUNS" <<'PY'
import collections, re, statistics, sys
tmp, n, lo, hi, tui, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
wall, rss = collections.defaultdict(list), collections.defaultdict(list)
for line in open(f"{tmp}/runs.tsv"):
    k, w, r = line.split("\t")
    wall[k].append(float(w))
    rss[k].append(int(r))
med = lambda k: statistics.median(wall[k])
peak = lambda k: max(rss[k]) / 1024.0  # MiB
rows = []

def row(target, measured, ratio, met):
    rows.append((target, measured, ratio, "met" if met else "NOT MET") if met is not None
                else (target, measured, ratio, "not measured"))

fl = med("floor_in") + med("floor_out")
cy = med("convert_yaml")
row(f"convert -f {n} YAML: wall <= 1.5x libyaml floor",
    f"{cy:.3f} s; floor {fl:.3f} s (parse in {med('floor_in'):.3f} + parse/emit out {med('floor_out'):.3f})",
    f"{cy / fl:.2f}x", cy <= 1.5 * fl)
row(f"convert -f {n} YAML: peak RSS <= 64 MiB", f"{peak('convert_yaml'):.1f} MiB", f"{peak('convert_yaml') / 64:.2f}x of 64", peak("convert_yaml") <= 64)
rate = n / med("convert_json")
row(f"convert -f {n} kubectl JSON dump: >= 50,000 Ingresses/s",
    f"{rate:,.0f}/s ({med('convert_json'):.3f} s; cJSON floor {med('floor_json'):.3f} s)",
    f"{rate / 50000:.2f}x of 50k/s", rate >= 50000)
kp, kw = med("kubectl_paged"), med("kubectl_whole")
row(f"convert -A from the API server: wall <= 0.15x kubectl -o json",
    f"{med('convert_live'):.3f} s vs kubectl {kp:.3f} s", f"{med('convert_live') / kp:.3f}", med("convert_live") <= 0.15 * kp)
for mode, g, k in (("paged", "get_paged", "kubectl_paged"), ("server ignores limit", "get_whole", "kubectl_whole")):
    row(f"get ingresses -A -o json ({mode}): wall <= 0.05x kubectl",
        f"{med(g):.3f} s vs {med(k):.3f} s", f"{med(g) / med(k):.3f}", med(g) <= 0.05 * med(k))
    row(f"get ingresses -A -o json ({mode}): RSS <= 0.10x kubectl",
        f"{peak(g):.1f} MiB vs {peak(k):.1f} MiB", f"{peak(g) / peak(k):.3f}", peak(g) <= 0.10 * peak(k))
row("get: memory flat, whole list vs paged (<= 1.25x)", f"{peak('get_whole'):.1f} vs {peak('get_paged'):.1f} MiB",
    f"{peak('get_whole') / peak('get_paged'):.2f}x", peak("get_whole") <= 1.25 * peak("get_paged"))

if tui == "1":
    t = open(f"{tmp}/tui.txt").read()
    num = lambda rx: float(re.search(rx, t).group(1))
    paint = num(r"first full paint\s+median\s+([\d.]+)")
    kj = num(r"get ingress -A -o json\s+wall\s+([\d.]+)")
    cpu = num(r"CPU from synced to first paint\s+median\s+([\d.]+)")
    objs = int(re.search(r"(\d+) objects watched", t).group(1))
    prss = num(r"peak RSS\s+([\d.]+) MiB")
    jmax = num(r"cursor key \(j\).*max\s+([\d.]+) ms")
    fmax = num(r"filter char.*max\s+([\d.]+) ms")
    cold = [float(x) for x in re.search(r"CPU per char: ([\d. ]+) ms", t).group(1).split()]
    row(f"console {n}: first full paint <= 0.06x kubectl -o json", f"{paint:.1f} ms vs {kj:.1f} ms", f"{paint / kj:.3f}", paint <= 0.06 * kj)
    row("console: CPU last list byte -> painted screen <= 25 ms", f"{cpu:.1f} ms (from synced)", f"{cpu / 25:.2f}x", cpu <= 25)
    per = prss * 1024 / objs
    row("console: peak RSS <= 6 KiB per watched object", f"{prss:.1f} MiB / {objs} = {per:.2f} KiB", f"{per / 6:.2f}x", per <= 6)
    row("console: keystroke <= 5 ms CPU (j, filter)", f"max {jmax:.2f} / {fmax:.2f} ms", f"{max(jmax, fmax) / 5:.2f}x", max(jmax, fmax) <= 5)
    over = sum(1 for c in cold if c > 5)
    row("console: keystroke <= 5 ms typed at first paint", f"{over} of {len(cold)} over (max {max(cold):.1f} ms)", f"{max(cold) / 5:.2f}x", over == 0)
else:
    row("console rows", "TUI=0", "", None)
try:
    w = open(f"{tmp}/watch.txt").read()
    asked = float(re.search(r"([\d.]+) events/s asked for ([\d.]+) s", w).group(1))
    secs = float(re.search(r"events/s asked for ([\d.]+) s", w).group(1))
    applied = float(re.search(r"during the storm \((\d+)/s\)", w).group(1))
    kp99 = float(re.search(r"key CPU \(trace\)\s+p50\s+[\d.]+ ms\s+p99\s+([\d.]+)", w).group(1))
    lp99 = float(re.search(r"key latency.*p99\s+([\d.]+)", w).group(1))
    same = "no event lost: yes" in w
    row(f"watch: {asked:,.0f} events/s for {secs:.0f} s applied, keys <= 5 ms, none lost",
        f"{applied:,.0f}/s applied; key CPU p99 {kp99:.2f} ms (latency p99 {lp99:.1f} ms); "
        + ("store = fresh list" if same else "EVENTS LOST"),
        f"{kp99 / 5:.2f}x", same and applied >= 0.95 * asked and kp99 <= 5)
except (OSError, AttributeError):
    row("watch: 2,000 events/s for 30 s, keys <= 5 ms, none lost", "WATCH=0 or no tmux", "", None)

if lo != hi:
    for what in ("convert", "get", "lint"):
        a, b = f"lin_{what}_{lo}", f"lin_{what}_{hi}"
        tr = (med(b) / hi) / (med(a) / lo)
        mr = (max(rss[b]) / hi) / (max(rss[a]) / lo)
        row(f"linear {what}: per-object time {hi} vs {lo} <= 1.3x",
            f"{med(b) / hi * 1e6:.1f} vs {med(a) / lo * 1e6:.1f} us/object", f"{tr:.2f}x", tr <= 1.3)
        row(f"linear {what}: per-object memory {hi} vs {lo} <= 1.3x",
            f"{max(rss[b]) / hi:.2f} vs {max(rss[a]) / lo:.2f} KiB/object", f"{mr:.2f}x", mr <= 1.3)
    if tui == "1":
        lin = {}
        for m in (lo, hi):
            t = open(f"{tmp}/tui{m}.txt").read()
            lin[m] = (float(re.search(r"first full paint\s+median\s+([\d.]+)", t).group(1)),
                      float(re.search(r"peak RSS\s+([\d.]+) MiB", t).group(1)),
                      int(re.search(r"(\d+) objects watched", t).group(1)))
        (pa, ma, oa), (pb, mb, ob) = lin[lo], lin[hi]
        tr, mr = (pb / ob) / (pa / oa), (mb / ob) / (ma / oa)
        row(f"linear console: first paint per watched object {hi} vs {lo} <= 1.3x",
            f"{pb * 1000 / ob:.1f} vs {pa * 1000 / oa:.1f} us/object ({pb:.1f} ms / {ob}, {pa:.1f} ms / {oa})",
            f"{tr:.2f}x", tr <= 1.3)
        row(f"linear console: peak RSS per watched object {hi} vs {lo} <= 1.3x",
            f"{mb * 1024 / ob:.2f} vs {ma * 1024 / oa:.2f} KiB/object", f"{mr:.2f}x", mr <= 1.3)
    else:
        row("linear console", "TUI=0", "", None)

print(f"issue 11 targets: N={n}, median of {runs} runs, same run for both sides of a ratio")
print("| target | measured | ratio | |")
print("|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
if "base_convert_yaml" in wall:
    print(f"\nbefore/after in the same runs (BASELINE = before; median of {runs}):")
    print("| figure | before | after | after/before |")
    print("|---|---|---|---|")
    for what, k in (("convert -f YAML wall", "convert_yaml"), ("convert -f JSON dump wall", "convert_json"),
                    ("convert -A wall", "convert_live")):
        b, a = med("base_" + k), med(k)
        print(f"| {what} | {b:.3f} s | {a:.3f} s | {a / b:.2f} |")
    for what, k in (("convert -f YAML peak RSS", "convert_yaml"), ("convert -f JSON dump peak RSS", "convert_json"),
                    ("convert -A peak RSS", "convert_live")):
        b, a = peak("base_" + k), peak(k)
        print(f"| {what} | {b:.1f} MiB | {a:.1f} MiB | {a / b:.2f} |")
    print(f"| convert -f YAML wall / libyaml floor | {med('base_convert_yaml') / fl:.2f}x | {cy / fl:.2f}x | |")
PY
