#!/usr/bin/env bash
# Build and run every test: unit (Check), golden, schema, integration against the
# test API server, TUI script and tmux tests. Then the whole suite again with an
# ASan+UBSan build (leaks included; tests/data/lsan.supp names ncurses' own).
# Exit non-zero on any failure. MESHPANEL_SKIP_SANITIZE=1 skips the sanitizer pass.
set -euo pipefail
cd "$(dirname "$0")"

./setup.sh
jobs=$(nproc)
status=0
ctest --test-dir build --output-on-failure -j"$jobs" || status=1

if [ "${MESHPANEL_SKIP_SANITIZE:-0}" != 1 ]; then
    echo "== sanitizer pass (ASan+UBSan, every test) =="
    cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DMESHPANEL_SANITIZE=ON >/dev/null
    cmake --build build-asan -j"$jobs" >/dev/null
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
        LSAN_OPTIONS="suppressions=$PWD/tests/data/lsan.supp:print_suppressions=0" \
        ctest --test-dir build-asan --output-on-failure -j"$jobs" || status=1
fi

exit $status
