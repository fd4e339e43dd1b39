#!/usr/bin/env bash
# Times the diff engine (model/linediff.c over model/seqdiff.c) on generated YAML documents:
# every line changed, every object changed, one changed line, a moved block (10,000 lines
# by default), a 2,000-line document with one changed line, and a worst case of random
# lines drawn from 8 kinds; plus the unified text `meshpanel diff` prints.
#
# usage: bench/diff.sh [RUNS] [LINES]        (defaults: 21 runs, 10000 lines)
# env:   DIFF_BENCH=path/to/diff_bench (default build/diff_bench, built by ./setup.sh or
#        `cmake --build build --target diff_bench`)
#
# Prints the median and the fastest of RUNS runs in milliseconds. In-process timings of
# the library, not of the CLI. Not part of ctest: timings belong here, never in tests.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${1:-21}
LINES=${2:-10000}
DIFF_BENCH=${DIFF_BENCH:-build/diff_bench}
[ -x "$DIFF_BENCH" ] || { echo "bench: $DIFF_BENCH not built (cmake --build build --target diff_bench)" >&2; exit 2; }

echo "diff engine at $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) CPUs, $(date -u +%Y-%m-%d)"
"$DIFF_BENCH" "$RUNS" "$LINES"
