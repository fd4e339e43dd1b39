#!/usr/bin/env bash
# Times lint (model/lint.h) on the Sealos-shaped corpus of bench/gen_ingresses.py at several
# sizes, to show it is linear: the same cost per object at 1,000 and 50,000 Ingresses.
#
# usage: bench/lint.sh [RUNS] [COUNT...]      (defaults: 5 runs; 1000 10000 50000 Ingresses)
# env:   LINT_BENCH=path/to/lint_bench (default build/lint_bench), MESHPANEL=build/meshpanel,
#        SEED=20260301
#
# For each size: the in-process time of lint itself (build the set of the Ingresses, Services
# and their converted objects, index it, run every check; median and fastest of RUNS, and per
# 1,000 objects), the conversion it lints (once), and the whole CLI `meshpanel lint -f FILE`
# (read, convert, lint, print; best of RUNS, peak RSS). Not part of ctest: timings belong
# here, never in tests.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${1:-5}
shift || true
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000 50000)
SEED=${SEED:-20260301}
LINT_BENCH=${LINT_BENCH:-build/lint_bench}
MESHPANEL=${MESHPANEL:-build/meshpanel}
for b in "$LINT_BENCH" "$MESHPANEL"; do
    [ -x "$b" ] || { echo "bench: $b not built (cmake --build build)" >&2; exit 2; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME="$tmp/xdg" # the default policy, whatever the machine has

echo "lint at $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) CPUs, $(date -u +%Y-%m-%d)"
for n in "${SIZES[@]}"; do
    python3 bench/gen_ingresses.py -n "$n" --seed "$SEED" -o "$tmp/ing.yaml"
    echo "== $n Ingresses"
    "$LINT_BENCH" "$tmp/ing.yaml" "$RUNS"
    best="" rss=0
    for _ in $(seq "$RUNS"); do
        rc=0
        /usr/bin/time -f '%e %M' -o "$tmp/time" "$MESHPANEL" lint -f "$tmp/ing.yaml" -o json \
            >"$tmp/out.json" 2>"$tmp/err" || rc=$?
        [ "$rc" -le 1 ] || { echo "bench: lint failed (exit $rc)" >&2; head -n 3 "$tmp/err" >&2; exit 1; }
        read -r t r < <(tail -n 1 "$tmp/time") # after "Command exited with ..." on exit 1
        if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN {exit !(t < b)}'; then best=$t; fi
        [ "$r" -gt "$rss" ] && rss=$r
    done
    echo "cli: meshpanel lint -f FILE -o json: best ${best} s, peak RSS $((rss / 1024)) MiB, $(tail -n 1 "$tmp/err")"
done
