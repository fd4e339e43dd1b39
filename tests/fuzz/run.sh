#!/usr/bin/env bash
# tests/fuzz/run.sh [SECONDS|minimise] [TARGET...] - run each libFuzzer target in turn
# (default: all, 60 s each), niced, one at a time. Installs clang-14 and
# libclang-rt-14-dev with apt when missing, builds the targets in
# build-fuzz/ (MESHPANEL_FUZZ=ON: ASan+UBSan+libFuzzer), fuzzes from the kept
# corpus tests/fuzz/corpus/TARGET/ (crash reproducers land there as crash-*),
# then minimises what was found back into it (-merge=1) and appends the
# measured executions and time of each run to tests/fuzz/RUNS.md.
set -euo pipefail
secs=${1:-60}
[ $# -gt 0 ] && shift
cd "$(dirname "$0")/../.."
src=$PWD
fuzz=$src/tests/fuzz

rt_lib() { ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null | head -n1; }
if ! command -v clang-14 >/dev/null || [ -z "$(rt_lib)" ]; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get install -y clang-14 libclang-rt-14-dev
fi

if [ $# -gt 0 ]; then targets=("$@"); else
    targets=()
    for f in "$fuzz"/fuzz_*.c; do t=${f##*/fuzz_}; targets+=("${t%.c}"); done
fi

CC=clang-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMESHPANEL_FUZZ=ON >/dev/null
for t in "${targets[@]}"; do
    nice -n 19 cmake --build build-fuzz -j2 --target "fuzz_$t" >/dev/null
done

# minimise TARGET [DIR...]: the kept corpus plus DIRs, merged into the
# fewest inputs that reach every edge (-use_counters=0: edges, not hit
# counts; inputs cut to 2 KiB, 1.5 KiB for convert), replaces the kept corpus; crash
# reproducers stay. Keeps tests/fuzz/corpus at a few hundred KB.
minimise() {
    local t=$1 kept=$fuzz/corpus/$1 fresh=$src/build-fuzz/fresh/$1 keep_len=2048
    [ "$t" = convert ] && keep_len=1536 # whole manifests: longer inputs, more of them
    shift
    rm -rf "$fresh"
    mkdir -p "$fresh"
    nice -n 19 "build-fuzz/fuzz_$t" -merge=1 -use_counters=0 -max_len="$keep_len" -timeout=10 \
        -artifact_prefix="$src/build-fuzz/merge-" "$fresh" "$kept" "$@" \
        >"$src/build-fuzz/$t.merge.log" 2>&1 || true
    if [ -n "$(ls -A "$fresh")" ]; then
        find "$kept" -maxdepth 1 -type f ! -name 'crash-*' ! -name 'timeout-*' ! -name 'oom-*' \
            ! -name 'leak-*' -delete
        cp "$fresh"/* "$kept"/
    fi
}

if [ "$secs" = minimise ]; then # run.sh minimise [TARGET...]: only that
    for t in "${targets[@]}"; do minimise "$t"; done
    exit 0
fi

for t in "${targets[@]}"; do
    kept=$fuzz/corpus/$t
    work=$src/build-fuzz/work/$t
    mkdir -p "$kept" "$work"
    log=$src/build-fuzz/$t.log
    echo "== fuzz_$t: $secs s"
    set +e
    # -timeout: an input slower than 10 s is a finding (a hang); inputs stay
    # small so the kept corpus does too
    nice -n 19 "build-fuzz/fuzz_$t" "$work" "$kept" -max_total_time="$secs" -timeout=10 \
        -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
        -artifact_prefix="$kept/" >"$log" 2>&1
    rc=$?
    set -e
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
    took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n1)
    crashes=$(grep -c '^==[0-9]*==ERROR\|^SUMMARY: libFuzzer\|property broken' "$log" || true)
    echo "   exit $rc, ${execs:-?} executions in ${took:-?} s, crash lines: $crashes"
    [ "$rc" -ne 0 ] && grep -m5 'property broken\|ERROR\|SUMMARY\|artifact' "$log" | sed 's/^/   /'
    minimise "$t" "$work"
    printf '| %s | fuzz_%s | %s | %s | %s | %s | %s |\n' "$(date -u +%F)" "$t" "$secs" \
        "${took:-?}" "${execs:-?}" "$rc" "$(ls "$kept" | wc -l) files, $(du -sk --apparent-size "$kept" | cut -f1) KiB" \
        >>"$fuzz/RUNS.md"
done
