#!/usr/bin/env bash
# Scaling plot (issue 11): wall time and peak RSS against N of `convert -f`
# (YAML), `get ingresses -A -o json` (test API server, paged) and `lint -f`,
# medians of RUNS runs, drawn by gnuplot into docs/bench-scaling.png.
#
# usage: bench/plot.sh [N...]     (default: 1000 5000 10000 20000 50000)
# env:   RUNS=3  MESHPANEL=build/meshpanel  SEED=20260301
#        PLOT_OUT=docs/bench-scaling.png   DATA_OUT=FILE (keep the table drawn)
# gnuplot comes from Debian (installed with apt-get when missing and allowed).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 5000 10000 20000 50000)
RUNS=${RUNS:-3}
SEED=${SEED:-20260301}
MESHPANEL=${MESHPANEL:-build/meshpanel}
PLOT_OUT=${PLOT_OUT:-docs/bench-scaling.png}
[ -x "$MESHPANEL" ] || { echo "bench: $MESHPANEL not built (cmake --build build)" >&2; exit 2; }
case "$MESHPANEL" in /*) ;; *) MESHPANEL="$PWD/$MESHPANEL" ;; esac
case "$PLOT_OUT" in /*) ;; *) PLOT_OUT="$PWD/$PLOT_OUT" ;; esac
if ! command -v gnuplot >/dev/null; then
    echo "bench: installing gnuplot (Debian gnuplot-nox)" >&2
    { apt-get install -y --no-install-recommends gnuplot-nox ||
        sudo apt-get install -y --no-install-recommends gnuplot-nox; } >/dev/null 2>&1 ||
        { echo "bench: gnuplot missing and apt-get failed: install gnuplot-nox" >&2; exit 2; }
fi
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is needed for peak RSS" >&2; exit 2; }

. bench/lib.bash

printf '# N convert_s convert_MiB get_s get_MiB lint_s lint_MiB\n' >"$tmp/plot.dat"
for m in "${SIZES[@]}"; do
    corpus "$m"
    start_server "$m"
    meas warm "$MESHPANEL" get ingresses -A -o json --kubeconfig "$KC"
    for _ in $(seq "$RUNS"); do
        meas "convert_$m" "$MESHPANEL" convert -f "$tmp/ing$m.yaml"
        meas "get_$m" "$MESHPANEL" get ingresses -A -o json --kubeconfig "$KC"
        meas "lint_$m" "$MESHPANEL" lint -f "$tmp/ing$m.yaml" -o json
    done
    stop_server
    line="$m"
    for w in convert get lint; do
        line+=" $(med "${w}_$m") $(awk -v r="$(med "${w}_$m" 3)" 'BEGIN {printf "%.1f", r / 1024}')"
    done
    echo "$line" | tee -a "$tmp/plot.dat" >&2
done
[ -n "${DATA_OUT:-}" ] && cp "$tmp/plot.dat" "$DATA_OUT"

gnuplot <<GP
set terminal pngcairo size 1100,450 font "sans,10" noenhanced
set yrange [0:*]
set output "$PLOT_OUT"
set multiplot layout 1,2 title "meshpanel at N Ingresses (bench/gen_ingresses.py), median of $RUNS runs, $(nproc) CPUs, $(date -u +%Y-%m-%d)"
set key top left
set grid
set xlabel "Ingresses"
set ylabel "wall time (s)"
set title "time"
plot "$tmp/plot.dat" using 1:2 with linespoints title "convert -f (YAML)", \
     "" using 1:4 with linespoints title "get ingresses -A -o json", \
     "" using 1:6 with linespoints title "lint -f -o json"
set ylabel "peak RSS (MiB)"
set title "memory"
plot "$tmp/plot.dat" using 1:3 with linespoints title "convert -f (YAML)", \
     "" using 1:5 with linespoints title "get ingresses -A -o json", \
     "" using 1:7 with linespoints title "lint -f -o json"
unset multiplot
GP
echo "bench: wrote $PLOT_OUT" >&2
