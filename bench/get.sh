#!/usr/bin/env bash
# `meshpanel get ingresses -A -o json` against `kubectl get ingress -A -o json`,
# same test API server (tests/apiserver, HTTPS + bearer token: kubectl sends
# tokens only over TLS), same run, the issue-11 corpus (bench/gen_ingresses.py,
# as bench/run.sh), once paged (limit=500) and once with the server ignoring
# limit (the whole list in one answer); plus `convert -f` of kubectl's JSON
# dump (the JSON reader's row of bench/run.sh).
#
# usage: bench/get.sh [COUNT] [RUNS]     (defaults: 10000 Ingresses, 5 runs)
# env:   MESHPANEL=path/to/meshpanel (default build/meshpanel), KUBECTL=kubectl,
#        BASELINE=path/to/older/meshpanel  also run it, alternating, in the same runs
#        (and check that it printed the same bytes)
#        SEED=20260301 corpus seed, BENCH_NO_DOC=1 to skip appending to docs/benchmarks.md
#
# One warm-up run of each tool first (server JSON cache, kubectl discovery
# cache), then RUNS alternating runs. Reports the median wall time, the median
# CPU time (user + system: the machine is shared, wall time moves with its
# load) and the largest peak RSS of each, and checks every run printed COUNT
# items. Results are appended to docs/benchmarks.md under "## get". Timings
# live here, never in tests.
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=${1:-10000}
RUNS=${2:-5}
SEED=${SEED:-20260301}
MESHPANEL=${MESHPANEL:-build/meshpanel}
KUBECTL=${KUBECTL:-kubectl}
BASELINE=${BASELINE:-}
for b in "$MESHPANEL" ${BASELINE:+"$BASELINE"}; do
    [ -x "$b" ] || { echo "bench: $b not built (run ./setup.sh)" >&2; exit 2; }
done
command -v "$KUBECTL" >/dev/null || { echo "bench: $KUBECTL not found" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is needed for peak RSS" >&2; exit 2; }

. bench/lib.bash

load0=$(cut -d' ' -f1-3 /proc/loadavg)
# run KEY CMD... : one run; appends "KEY wall cpu rss_kib" to cpu.tsv and checks
# the item count of what it printed (CHECK=0: no check)
run() {
    local key=$1 s e rc=0
    shift
    s=$(date +%s.%N)
    /usr/bin/time -f '%U %S %M' -o "$tmp/time.txt" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
    e=$(date +%s.%N)
    if [ "$rc" -ge 2 ]; then
        echo "bench: $key failed (exit $rc): $*" >&2
        head -n 5 "$tmp/err" >&2
        exit 2
    fi
    if [ "${CHECK:-1}" = 1 ]; then
        local n
        n=$(items "$tmp/out")
        [ "$n" = "$COUNT" ] || { echo "bench: $key printed $n items, want $COUNT" >&2; exit 2; }
    fi
    read -r u sy rss <"$tmp/time.txt"
    awk -v k="$key" -v a="$s" -v b="$e" -v u="$u" -v s="$sy" -v r="$rss" \
        'BEGIN {printf "%s\t%.4f\t%.2f\t%d\n", k, b - a, u + s, r}' >>"$tmp/cpu.tsv"
}
: >"$tmp/cpu.tsv"

corpus "$COUNT"
start_server "$COUNT"
MP=(get ingresses -A -o json --kubeconfig "$KC")
KC_GET=("$KUBECTL" get ingress -A -o json --kubeconfig "$KC" --request-timeout=300s)
run warm "${KC_GET[@]}"
cp "$tmp/out" "$tmp/dump.json"
run warm "$MESHPANEL" "${MP[@]}"
for mode in paged whole; do
    [ "$mode" = paged ] || faults '{"ignore_limit": 1}'
    for _ in $(seq "$RUNS"); do
        run "kubectl_$mode" "${KC_GET[@]}"
        run "get_$mode" "$MESHPANEL" "${MP[@]}"
        [ -n "$BASELINE" ] || continue
        cp "$tmp/out" "$tmp/out.get"
        run "base_$mode" "$BASELINE" "${MP[@]}"
        cmp -s "$tmp/out.get" "$tmp/out" || { echo "bench: $mode: $BASELINE printed other bytes" >&2; exit 2; }
    done
done
faults '{"ignore_limit": 0}'
for _ in $(seq "$RUNS"); do
    CHECK=0 run convert_json "$MESHPANEL" convert -f "$tmp/dump.json"
    [ -z "$BASELINE" ] || CHECK=0 run base_convert_json "$BASELINE" convert -f "$tmp/dump.json"
done
stop_server
load1=$(cut -d' ' -f1-3 /proc/loadavg)

report=$(python3 - "$tmp/cpu.tsv" "$COUNT" "$RUNS" "$(nproc)" "$load0" "$load1" \
    "$("$KUBECTL" version --client 2>/dev/null | sed -n 's/^Client Version: //p')" \
    "$(stat -c %s "$tmp/dump.json")" "$BASELINE" "$(date -u +%Y-%m-%d)" <<'PY'
import collections, statistics, sys
path, n, runs, cpus, load0, load1, kver, dump, base, day = sys.argv[1:]
n = int(n)
wall, cpu, rss = (collections.defaultdict(list) for _ in range(3))
for line in open(path):
    k, w, c, r = line.rstrip("\n").split("\t")
    wall[k].append(float(w)); cpu[k].append(float(c)); rss[k].append(int(r))
med = lambda d, k: statistics.median(d[k])
print(f"### {day} - {n:,} Ingresses, median of {runs} runs, {cpus} CPUs (load {load0} before, {load1} after)")
print()
print("| server answers | command | wall | CPU (user+sys) | peak RSS | wall / kubectl's |")
print("|---|---|---|---|---|---|")
for mode, what in (("paged", "500 per page"), ("whole", "whole list (ignores limit)")):
    kc = med(wall, f"kubectl_{mode}")
    for key, cmd in ((f"kubectl_{mode}", f"`kubectl get ingress -A -o json` ({kver})"),
                     (f"get_{mode}", "`meshpanel get ingresses -A -o json`"),
                     (f"base_{mode}", "the same, baseline binary")):
        if key not in wall:
            continue
        ratio = "" if key.startswith("kubectl") else f"{med(wall, key) / kc:.3f}"
        print(f"| {what} | {cmd} | {med(wall, key):.3f} s | {med(cpu, key):.2f} s | "
              f"{max(rss[key]) / 1024:.1f} MiB | {ratio} |")
for key, cmd in (("convert_json", "`meshpanel convert -f dump.json`"),
                 ("base_convert_json", "the same, baseline binary")):
    if key in wall:
        w = med(wall, key)
        print(f"| (kubectl's dump, {int(dump) // 1024:,} KiB) | {cmd} | {w:.3f} s | {med(cpu, key):.2f} s | "
              f"{max(rss[key]) / 1024:.1f} MiB | {n / w:,.0f} Ingresses/s |")
print()
print(f"Same server (`tests/apiserver/server.py --https`, seeded with `bench/gen_ingresses.py -n {n}`), same "
      f"run, alternating; every get printed {n:,} items"
      + (", the same bytes as the baseline's" if base else "")
      + f". Command: `bench/get.sh {n} {runs}`" + (" with `BASELINE`" if base else "") + ".")
PY
)
echo "$report"

[ "${BENCH_NO_DOC:-0}" = 1 ] && exit 0
doc=docs/benchmarks.md
# Append under "## get", before the next section.
python3 - "$doc" "$report" <<'PY'
import os, sys
path, report = sys.argv[1], sys.argv[2]
lines = open(path).read().rstrip("\n").split("\n")
start = lines.index("## get")
end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
while end > start + 1 and lines[end - 1] == "":
    end -= 1
lines[end:end] = ["", *report.split("\n")]
open(path + ".tmp", "w").write("\n".join(lines) + "\n")
os.replace(path + ".tmp", path)
PY
echo "bench: appended to $doc"
