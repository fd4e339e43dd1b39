#!/usr/bin/env bash
# Build and run every test: unit (Check), golden, schema, integration against the
# test API server, TUI script and tmux tests. Then the whole suite again with an
# ASan+UBSan build (leaks included; tests/data/lsan.supp names ncurses' own).
# Also a Release build with gcc and with clang, warnings as errors. Exit non-zero
# on any failure. MESHPANEL_SKIP_SANITIZE=1 / MESHPANEL_SKIP_RELEASE=1 skip those passes.
set -euo pipefail
cd "$(dirname "$0")"

MESHPANEL_WERROR=ON MESHPANEL_TEST_DEPS=1 ./setup.sh
jobs=$(nproc)
status=0
ctest --test-dir build --output-on-failure -j"$jobs" || status=1

# Release builds with both compilers, warnings as errors: what a packager or a
# user with -DCMAKE_BUILD_TYPE=Release gets must build clean (issue 13). The gcc
# one is the packaging test: from a clean copy, install into a DESTDIR, build
# the .deb, move the trees aside and run the installed binary.
if [ "${MESHPANEL_SKIP_RELEASE:-0}" != 1 ]; then
    echo "== release build with gcc, install and package (tests/packaging/test_install.sh) =="
    bash tests/packaging/test_install.sh gcc || status=1
    if command -v clang >/dev/null; then
        echo "== release build with clang (warnings are errors) =="
        CC=clang cmake -S . -B build-release-clang -DCMAKE_BUILD_TYPE=Release -DMESHPANEL_WERROR=ON >/dev/null
        cmake --build build-release-clang -j"$jobs" >/dev/null || status=1
    else
        echo "== release build with clang: SKIPPED (clang is not installed and could not be) =="
    fi
fi

if [ "${MESHPANEL_SKIP_SANITIZE:-0}" != 1 ]; then
    echo "== sanitizer pass (ASan+UBSan, every test) =="
    cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DMESHPANEL_SANITIZE=ON -DMESHPANEL_WERROR=ON >/dev/null
    cmake --build build-asan -j"$jobs" >/dev/null
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
        LSAN_OPTIONS="suppressions=$PWD/tests/data/lsan.supp:print_suppressions=0" \
        ctest --test-dir build-asan --output-on-failure -j"$jobs" || status=1
fi

exit $status
