#!/usr/bin/env bash
# Times `meshpanel convert` on a generated Sealos-shaped corpus (bench/gen_ingresses.py).
#
# usage: bench/convert.sh [COUNT] [RUNS]        (defaults: 10000 Ingresses, 3 runs)
# env:   MESHPANEL=path/to/meshpanel (default build/meshpanel), SEED=20260301
#
# Reports for the single-file stream and for the one-file-per-tenant directory: the best
# wall time of RUNS runs, Ingresses per second, peak RSS (/usr/bin/time -v when present,
# else python's resource module), and the size of the output. Not part of ctest: timings
# belong here, never in tests.
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=${1:-10000}
RUNS=${2:-3}
SEED=${SEED:-20260301}
MESHPANEL=${MESHPANEL:-build/meshpanel}
[ -x "$MESHPANEL" ] || { echo "bench: $MESHPANEL not built (run ./setup.sh)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 bench/gen_ingresses.py -n "$COUNT" --seed "$SEED" -o "$tmp/ingresses.yaml"
python3 bench/gen_ingresses.py -n "$COUNT" --seed "$SEED" --split-dir "$tmp/tenants"
ntenants=$(find "$tmp/tenants" -name '*.yaml' | wc -l)

# Runs the command once; prints "<seconds> <peak KiB> <exit status>".
measure() {
    if [ -x /usr/bin/time ]; then
        local s e rc=0
        s=$(date +%s.%N)
        /usr/bin/time -v -o "$tmp/time.txt" "$@" >"$tmp/out.yaml" 2>"$tmp/err.txt" || rc=$?
        e=$(date +%s.%N)
        local rss
        rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time.txt")
        echo "$(awk -v a="$s" -v b="$e" 'BEGIN {printf "%.3f", b - a}') ${rss:-0} $rc"
    else
        python3 - "$tmp" "$@" <<'EOF'
import resource, subprocess, sys, time
tmp, cmd = sys.argv[1], sys.argv[2:]
t = time.monotonic()
with open(tmp + "/out.yaml", "w") as out, open(tmp + "/err.txt", "w") as err:
    rc = subprocess.call(cmd, stdout=out, stderr=err)
dt = time.monotonic() - t
print("%.3f %d %d" % (dt, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc))
EOF
    fi
}

bench_one() {
    local label=$1 input=$2 best="" rss=0 rc=0
    for _ in $(seq "$RUNS"); do
        read -r t r rc < <(measure "$MESHPANEL" convert -f "$input")
        if [ "$rc" -ge 2 ]; then
            echo "bench: convert failed (exit $rc):" >&2
            head -n 5 "$tmp/err.txt" >&2
            exit 1
        fi
        if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN {exit !(t < b)}'; then best=$t; fi
        [ "$r" -gt "$rss" ] && rss=$r
    done
    local objs warns rate
    objs=$(grep -c '^kind: ' "$tmp/out.yaml" || true)
    warns=$(wc -l <"$tmp/err.txt")
    rate=$(awk -v n="$COUNT" -v t="$best" 'BEGIN {printf "%.0f", n / t}')
    printf '%-34s %8.3f s  %9.0f Ingresses/s  peak RSS %6.1f MiB  out %d objects, %d warning lines, exit %d\n' \
        "$label" "$best" "$rate" "$(awk -v r="$rss" 'BEGIN {printf "%.1f", r / 1024}')" "$objs" "$warns" "$rc"
}

echo "meshpanel convert: $COUNT Ingresses, $ntenants tenants, seed $SEED, best of $RUNS runs"
echo "input: $(du -h "$tmp/ingresses.yaml" | cut -f1) YAML, $(grep -c '^kind: ' "$tmp/ingresses.yaml") objects"
bench_one "single file (-f ingresses.yaml)" "$tmp/ingresses.yaml"
bench_one "directory (-f tenants/, 1 file/ns)" "$tmp/tenants"
