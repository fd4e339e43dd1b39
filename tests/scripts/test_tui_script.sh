#!/usr/bin/env bash
# Script-mode screen tests: run every tests/tui/*.script on the virtual screen
# and compare each screen it saves (:save-display NAME.txt) with
# tests/tui/NAME.expected. A mismatch prints a unified diff. UPDATE=1 rewrites
# the expected files (review them by reading before committing).
#
# A script's first lines may say how to start the console:
#   # args: -f fixtures/basic --size 120x40
#   # env: EDITOR=fixtures/fake-editor.sh     (NAME=VALUE words, exported for that run)
# Paths are relative to a scratch directory where fixtures/ points at
# tests/tui/fixtures, so screens never contain machine-specific paths.
set -euo pipefail
: "${MESHPANEL:?set MESHPANEL to the meshpanel binary}"
: "${SRC:?set SRC to the repository root}"

dir="$SRC/tests/tui"
case "$MESHPANEL" in /*) ;; *) MESHPANEL="$PWD/$MESHPANEL" ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A clean, fixed environment: no user config, fixed clock, UTF-8.
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config"
export MESHPANEL_NOW="2026-09-01T00:00:00Z" LC_ALL=C.UTF-8
unset MESHPANEL_CONFIG MESHPANEL_SCRIPT MESHPANEL_DEMO_DIR NO_COLOR
mkdir -p "$HOME"

fail=0
count=0
declare -A produced=()
for script in "$dir"/*.script; do
    name=$(basename "$script" .script)
    run="$work/run-$name"
    mkdir -p "$run"
    ln -s "$dir/fixtures" "$run/fixtures"
    read -r -a args <<<"$(sed -n 's/^# args: //p' "$script" | head -n1)"
    read -r -a envs <<<"$(sed -n 's/^# env: //p' "$script" | head -n1)"
    # each script gets its own home: staged edits of one must not be
    # offered to the next
    mkdir -p "$run/home"
    if ! (cd "$run" && export HOME="$run/home" XDG_CONFIG_HOME="$run/home/.config" &&
        unset XDG_STATE_HOME && for e in "${envs[@]}"; do export "${e?}"; done &&
        "$MESHPANEL" "${args[@]}" --script "$script") >"$run/.out" 2>&1; then
        echo "FAIL $name: meshpanel exited non-zero:"
        cat "$run/.out"
        fail=1
        continue
    fi
    shopt -s nullglob
    screens=("$run"/*.txt)
    shopt -u nullglob
    if ((${#screens[@]} == 0)); then
        echo "FAIL $name: the script saved no screen"
        fail=1
    fi
    for got in "${screens[@]}"; do
        base=$(basename "$got" .txt)
        produced[$base]=1
        want="$dir/$base.expected"
        count=$((count + 1))
        if [ "${UPDATE:-0}" = 1 ]; then
            cp "$got" "$want"
            echo "updated $base.expected"
        elif [ ! -f "$want" ]; then
            echo "FAIL $name: no $base.expected (run with UPDATE=1 and review it)"
            fail=1
        elif ! diff -u "$want" "$got" >"$run/.diff"; then
            echo "FAIL $name: screen $base differs from $base.expected:"
            cat "$run/.diff"
            fail=1
        fi
    done
done

shopt -s nullglob
for want in "$dir"/*.expected; do
    base=$(basename "$want" .expected)
    if [ -z "${produced[$base]:-}" ]; then
        echo "FAIL: $base.expected was not produced by any script"
        fail=1
    fi
done

echo "tui script tests: $count screens compared, $([ $fail = 0 ] && echo ok || echo FAILED)"
exit $fail
