#!/usr/bin/env bash
# Smoke run of the issue 11 benchmarks at N=200: bench/run.sh prints its table
# with a measured value in every row it runs (console rows included),
# bench/plot.sh draws a PNG, bench/emit.sh and bench/get.sh print their before/after tables. No
# timing is asserted: numbers belong in
# docs/benchmarks.md, not in tests.
set -uo pipefail
SRC=${SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$SRC/build}
MESHPANEL=${MESHPANEL:-$BUILD/meshpanel}
case "$MESHPANEL" in /*) ;; *) MESHPANEL="$PWD/$MESHPANEL" ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }
check() { if grep -Eq -- "$3" <<<"$2"; then ok "$1"; else bad "$1"; printf '%s\n' "$2" | head -n 40; fi; }

if ! command -v kubectl >/dev/null; then
    echo "skip: kubectl not installed (bench/run.sh compares against it)"
    exit 0
fi

table=$(cd "$SRC" && RUNS=1 TUI=1 WATCH_RATE=200 WATCH_SECONDS=3 MESHPANEL="$MESHPANEL" FLOOR="$BUILD/floor" timeout 300 bench/run.sh 200 100 2>&1)
check "run.sh: exit 0" "$?" '^0$'
for row in 'convert -f 200 YAML: wall <= 1.5x libyaml floor \| [0-9.]+ s; floor [0-9.]+ s' \
    'convert -f 200 YAML: peak RSS <= 64 MiB \| [0-9.]+ MiB' \
    'kubectl JSON dump: >= 50,000 Ingresses/s \| [0-9,]+/s' \
    'convert -A from the API server: wall <= 0.15x kubectl -o json \| [0-9.]+ s vs kubectl [0-9.]+ s' \
    'get ingresses -A -o json \(paged\): wall <= 0.05x kubectl \| [0-9.]+ s vs [0-9.]+ s' \
    'get ingresses -A -o json \(server ignores limit\): RSS <= 0.10x kubectl \| [0-9.]+ MiB vs [0-9.]+ MiB' \
    'console 200: first full paint <= 0.06x kubectl -o json \| [0-9.]+ ms vs [0-9.]+ ms' \
    'console: keystroke <= 5 ms typed at first paint \| [0-9]+ of [0-9]+ over' \
    'linear convert: per-object time 200 vs 100 <= 1.3x \| [0-9.]+ vs [0-9.]+ us/object' \
    'linear lint: per-object memory 200 vs 100 <= 1.3x \| [0-9.]+ vs [0-9.]+ KiB/object' \
    'linear console: first paint per watched object 200 vs 100 <= 1.3x \| [0-9.]+ vs [0-9.]+ us/object' \
    'linear console: peak RSS per watched object 200 vs 100 <= 1.3x \| [0-9.]+ vs [0-9.]+ KiB/object'; do
    check "run.sh row: ${row%% \\|*}" "$table" "$row[^|]* \\| [0-9.]+x?[^|]* \\| (met|NOT MET) \\|"
done
if command -v tmux >/dev/null; then # bench/watch.sh: no event lost, whatever the timings
    check "run.sh row: watch" "$table" \
        'watch: 200 events/s for 3 s applied, keys <= 5 ms, none lost \| [0-9,]+/s applied; [^|]*store = fresh list \| [0-9.]+x \| (met|NOT MET) \|'
fi
check "run.sh: every row has a verdict" "$(grep -c '^| ' <<<"$table")" '^2[0-9]$'

if command -v gnuplot >/dev/null; then # plot.sh would install it: not from a test
    (cd "$SRC" && RUNS=1 MESHPANEL="$MESHPANEL" PLOT_OUT="$work/plot.png" DATA_OUT="$work/plot.dat" \
        timeout 300 bench/plot.sh 100 200 >/dev/null 2>"$work/plot.err")
    check "plot.sh: exit 0" "$?" '^0$'
    check "plot.sh: a PNG" "$(head -c 8 "$work/plot.png" 2>/dev/null | od -An -c | tr -d ' ')" '^211PNG'
    check "plot.sh: one line per N, 7 numbers" "$(grep -cE '^(100|200)( [0-9.]+){6}$' "$work/plot.dat")" '^2$'
else
    echo "skip: gnuplot not installed (bench/plot.sh installs it with apt-get)"
fi

# bench/emit.sh (the encoders): its table, and its cmp of the outputs (BASELINE: the same binary)
emit=$(cd "$SRC" && RUNS=1 BASELINE="$MESHPANEL" MESHPANEL="$MESHPANEL" FLOOR="$BUILD/floor" \
    timeout 300 bench/emit.sh 200 2>&1)
check "emit.sh: exit 0" "$?" '^0$'
check "emit.sh: YAML wall / floor" "$emit" '^\| yaml \| wall / floor [^|]*\| [0-9.]+x \| [0-9.]+x \|'
check "emit.sh: JSON dump Ingresses/s" "$emit" '^\| json \| Ingresses/s \| [0-9]+ \| [0-9]+ \|'

get=$(cd "$SRC" && BENCH_NO_DOC=1 MESHPANEL="$MESHPANEL" BASELINE="$MESHPANEL" timeout 300 bench/get.sh 200 1 2>&1)
check "get.sh: exit 0" "$?" '^0$'
check "get.sh: meshpanel's paged row" "$get" \
    '^\| 500 per page \| `meshpanel get ingresses -A -o json` \| [0-9.]+ s \| [0-9.]+ s \| [0-9.]+ MiB \| [0-9.]+ \|$'
check "get.sh: six get rows and two convert rows" "$(grep -cE '^\| (500 per page|whole list|\(kubectl)' <<<"$get")" '^8$'

(cd "$SRC" && "$BUILD/floor" yaml-parse tests/golden/launchpad-http/input.yaml 2 >"$work/floor.txt")
check "floor: one time per run" "$(grep -cE '^[0-9]+\.[0-9]{4}$' "$work/floor.txt")" '^2$'
"$BUILD/floor" json "$SRC/tests/golden/launchpad-http/input.yaml" 1 >/dev/null 2>"$work/floor.err"
check "floor: YAML is not JSON" "$(cat "$work/floor.err")" 'json failed'

echo "# $pass passed, $fail failed"
[ "$fail" -eq 0 ]
