#!/usr/bin/env bash
# The cost of encoding convert's output (issue 11): `convert -f` on N Sealos-shaped
# Ingresses as YAML and as their `kubectl get ingress -A -o json` dump, user CPU and
# wall time (/usr/bin/time -v), with the libyaml / cJSON floor of the same run.
#
# usage: bench/emit.sh [N]          (default 10000)
# env:   RUNS=5  MESHPANEL=build/meshpanel  FLOOR=build/floor  SEED=20260301
#        BASELINE=path/to/older/meshpanel  its runs alternate with MESHPANEL's, and
#                  both outputs (stdout and stderr) must be byte-identical (cmp)
#
# The dump is made as bench/run.sh makes it: kubectl against the test API server
# seeded with the corpus. Medians of RUNS runs; timings live here and in
# docs/benchmarks.md, never in tests.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-10000}
RUNS=${RUNS:-5}
SEED=${SEED:-20260301}
MESHPANEL=${MESHPANEL:-build/meshpanel}
FLOOR=${FLOOR:-build/floor}
for b in "$MESHPANEL" "$FLOOR" ${BASELINE:+"$BASELINE"}; do
    [ -x "$b" ] || { echo "bench: $b not built (cmake --build build)" >&2; exit 2; }
done
case "$MESHPANEL" in /*) ;; *) MESHPANEL="$PWD/$MESHPANEL" ;; esac

. bench/lib.bash

corpus "$N"
start_server "$N"
kubectl get ingress -A -o json --kubeconfig "$KC" --request-timeout=300s >"$tmp/dump.json"
stop_server
yaml=$tmp/ing$N.yaml json=$tmp/dump.json

# run KEY BIN INPUT: one convert -f; "KEY wall user sys" into cpu.tsv, output kept as KEY.out/.err
run() {
    local key=$1 bin=$2 in=$3 s e rc=0
    s=$(date +%s.%N)
    /usr/bin/time -v -o "$tmp/time.txt" "$bin" convert -f "$in" >"$tmp/$key.out" 2>"$tmp/$key.err" || rc=$?
    e=$(date +%s.%N)
    [ "$rc" -lt 2 ] || { echo "bench: $key exit $rc" >&2; head -n 3 "$tmp/$key.err" >&2; exit 2; }
    awk -F': ' -v k="$key" -v a="$s" -v b="$e" '
        /User time/ {u = $2} /System time/ {y = $2}
        END {printf "%s\t%.4f\t%s\t%s\n", k, b - a, u, y}' "$tmp/time.txt" >>"$tmp/cpu.tsv"
}
: >"$tmp/cpu.tsv"
"$MESHPANEL" convert -f "$yaml" >"$tmp/out.yaml" 2>/dev/null || [ $? -lt 2 ]
for _ in $(seq "$RUNS"); do
    run yaml "$MESHPANEL" "$yaml"
    [ -z "${BASELINE:-}" ] || run base_yaml "$BASELINE" "$yaml"
    run json "$MESHPANEL" "$json"
    [ -z "${BASELINE:-}" ] || run base_json "$BASELINE" "$json"
    printf 'floor_in\t%s\t0\t0\n' "$("$FLOOR" yaml-parse "$yaml" 1)" >>"$tmp/cpu.tsv"
    printf 'floor_out\t%s\t0\t0\n' "$("$FLOOR" yaml-emit "$tmp/out.yaml" 1)" >>"$tmp/cpu.tsv"
    printf 'floor_json\t%s\t0\t0\n' "$("$FLOOR" json "$json" 1)" >>"$tmp/cpu.tsv"
done
if [ -n "${BASELINE:-}" ]; then
    for k in yaml json; do
        cmp -s "$tmp/$k.out" "$tmp/base_$k.out" && cmp -s "$tmp/$k.err" "$tmp/base_$k.err" ||
            { echo "bench: convert -f ($k) output differs from BASELINE's" >&2; exit 1; }
    done
fi

echo "bench/emit.sh: N=$N ($(du -m "$yaml" | cut -f1) MB YAML, $(du -m "$json" | cut -f1) MB JSON), $RUNS runs, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$tmp/cpu.tsv" "${BASELINE:+1}" "$N" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    k, wall, user, sys_ = line.split("\t")
    rows.setdefault(k, []).append((float(wall), float(user), float(sys_)))
med = lambda k, i: statistics.median(r[i] for r in rows[k])
# /usr/bin/time counts CPU in 10 ms steps: a small N may take "0.00 s"
ratio = lambda a, b: "%.2fx" % (a / b) if b else "-"
base = sys.argv[2] == "1"
n = int(sys.argv[3])
print("| input | figure | %safter | floor |" % ("before | " if base else ""))
print("|---|---|---|%s---|" % ("---|" if base else ""))
floors = {"yaml": med("floor_in", 0) + med("floor_out", 0), "json": med("floor_json", 0)}
for k in ("yaml", "json"):
    for name, i in (("wall", 0), ("user CPU", 1), ("user + system CPU", None)):
        v = lambda key: med(key, i) if i is not None else statistics.median(r[1] + r[2] for r in rows[key])
        cells = ["%.3f s" % v("base_" + k)] if base else []
        cells.append("%.3f s" % v(k))
        if base:
            cells[-1] += " (%s)" % ratio(v(k), v("base_" + k))
        fl = "%.3f s" % floors[k] if i == 0 else ""
        print("| %s | %s | %s | %s |" % (k, name, " | ".join(cells), fl))
    if k == "yaml":
        print("| yaml | wall / floor (parse in %.3f + parse/emit out %.3f) | %s%s | |" % (
            med("floor_in", 0), med("floor_out", 0),
            (ratio(med("base_yaml", 0), floors["yaml"]) + " | ") if base else "",
            ratio(med("yaml", 0), floors["yaml"])))
    else:
        rate = lambda w: "%.0f" % (n / w) if w else "-"
        print("| json | Ingresses/s | %s%s | |" % (
            (rate(med("base_json", 0)) + " | ") if base else "", rate(med("json", 0))))
PY
