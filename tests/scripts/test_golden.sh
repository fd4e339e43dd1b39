#!/usr/bin/env bash
# Golden tests: every tests/golden/<case>/ holds input.yaml (or input.json, or an input/
# directory of manifests, converted as a directory input), expected.yaml,
# expected-warnings.txt, a README.md and optionally `args` (extra convert flags, one line)
# and `exit-code` (expected status, default 0; 2 for a case of invalid input, whose
# expected.yaml is empty).
#
# For each case: run `meshpanel convert -f input.yaml $(cat args)` (or `-f input`) from
# inside the case directory (so messages name files relatively), compare stdout to
# expected.yaml and stderr (findings and the closing summary line) to
# expected-warnings.txt byte for byte, check the exit status, and run it a second time
# to check the output is deterministic. Then convert the whole corpus directory at
# once, twice: the tree as it is, which must exit 2 and report exactly the invalid
# documents of the exit-2 cases (each named by its path under the tree); and the tree
# without those cases, which must convert.
#
# UPDATE_GOLDEN=1 rewrites expected.yaml / expected-warnings.txt / exit-code from the
# current binary. That is for the human review flow only: read every changed file
# (git diff tests/golden) before committing it.
# GOLDEN_FILTER=regex limits the run to matching case names.
set -uo pipefail

SRC=${SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
MESHPANEL=${MESHPANEL:-$SRC/build/meshpanel}
# Cases run from inside their directory: make a relative binary path absolute.
[ -e "$MESHPANEL" ] && MESHPANEL=$(cd "$(dirname "$MESHPANEL")" && pwd)/$(basename "$MESHPANEL")
GOLDEN=$SRC/tests/golden
UPDATE=${UPDATE_GOLDEN:-0}
FILTER=${GOLDEN_FILTER:-}

if [ ! -x "$MESHPANEL" ]; then
    echo "test_golden: binary not found: $MESHPANEL" >&2
    exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass=0
fail=0
failed_cases=()

note_fail() {
    fail=$((fail + 1))
    failed_cases+=("$1")
}

# Prints a unified diff of want vs got, labelled with the case.
show_diff() {
    diff -u --label "expected ($1)" --label "actual ($1)" "$2" "$3" | head -n 200
}

run_case() {
    local dir=$1 name input args=() want_rc=0 rc rc2 ok=1
    name=$(basename "$dir")
    if [ -f "$dir/input.yaml" ]; then
        input=input.yaml
    elif [ -f "$dir/input.json" ]; then
        input=input.json
    elif [ -d "$dir/input" ]; then
        input=input
    else
        echo "FAIL $name: no input.yaml, input.json or input/"
        note_fail "$name"
        return
    fi
    if [ ! -s "$dir/README.md" ]; then
        echo "FAIL $name: README.md missing (say what the case checks and which rule)"
        note_fail "$name"
        return
    fi
    if [ -f "$dir/args" ]; then
        # One line of flags, split on blanks; no globbing.
        read -r -a args <"$dir/args" || true
    fi
    [ -f "$dir/exit-code" ] && want_rc=$(tr -d '[:space:]' <"$dir/exit-code")

    (cd "$dir" && "$MESHPANEL" convert -f "$input" "${args[@]}" >"$tmp/out" 2>"$tmp/err")
    rc=$?

    if [ "$UPDATE" = 1 ]; then
        cp "$tmp/out" "$dir/expected.yaml"
        cp "$tmp/err" "$dir/expected-warnings.txt"
        if [ "$rc" = 0 ]; then rm -f "$dir/exit-code"; else echo "$rc" >"$dir/exit-code"; fi
        echo "UPDATED $name (exit $rc)"
        pass=$((pass + 1))
        return
    fi

    if [ ! -f "$dir/expected.yaml" ] || [ ! -f "$dir/expected-warnings.txt" ]; then
        echo "FAIL $name: expected.yaml or expected-warnings.txt missing (UPDATE_GOLDEN=1, then review)"
        note_fail "$name"
        return
    fi
    if [ "$rc" != "$want_rc" ]; then
        echo "FAIL $name: exit status $rc, want $want_rc"
        ok=0
    fi
    if ! cmp -s "$dir/expected.yaml" "$tmp/out"; then
        echo "FAIL $name: stdout differs from expected.yaml"
        show_diff "$name: expected.yaml vs convert stdout" "$dir/expected.yaml" "$tmp/out"
        ok=0
    fi
    if ! cmp -s "$dir/expected-warnings.txt" "$tmp/err"; then
        echo "FAIL $name: stderr differs from expected-warnings.txt"
        show_diff "$name: expected-warnings.txt vs convert stderr" "$dir/expected-warnings.txt" "$tmp/err"
        ok=0
    fi
    # Same input, same bytes: the review flow depends on stable output.
    (cd "$dir" && "$MESHPANEL" convert -f "$input" "${args[@]}" >"$tmp/out2" 2>"$tmp/err2")
    rc2=$?
    if [ "$rc2" != "$rc" ] || ! cmp -s "$tmp/out" "$tmp/out2" || ! cmp -s "$tmp/err" "$tmp/err2"; then
        echo "FAIL $name: a second run gave different output"
        ok=0
    fi
    if [ $ok = 1 ]; then
        pass=$((pass + 1))
    else
        note_fail "$name"
    fi
}

ncases=0
for dir in "$GOLDEN"/*/; do
    dir=${dir%/}
    [ -n "$FILTER" ] && ! [[ $(basename "$dir") =~ $FILTER ]] && continue
    ncases=$((ncases + 1))
    run_case "$dir"
done

# The issue asks for at least 25 Sealos-shaped cases; a lost corpus must not pass quietly.
if [ -z "$FILTER" ] && [ "$ncases" -lt 25 ]; then
    echo "test_golden: only $ncases cases under $GOLDEN" >&2
    exit 1
elif [ "$ncases" = 0 ]; then
    echo "test_golden: no case matches GOLDEN_FILTER=$FILTER" >&2
    exit 1
fi

# The whole corpus in one call: a directory walk over inputs and expected outputs
# (Istio objects in the tree are not Ingresses and must not break the run).
#
# As it is, the tree holds the invalid inputs of the exit-2 cases: the run must list
# exactly their expected error lines (each file named under the tree), nothing else,
# and write nothing to stdout.
whole_invalid() {
    local d c want=$tmp/want.err got=$tmp/got.err
    : >"$want"
    for d in "$GOLDEN"/*/; do
        d=${d%/}
        [ -f "$d/exit-code" ] && [ "$(tr -d '[:space:]' <"$d/exit-code")" = 2 ] || continue
        c=$(basename "$d")
        grep -v '^summary: ' "$d/expected-warnings.txt" | sed "s|^|$GOLDEN/$c/|" >>"$want"
    done
    "$MESHPANEL" convert -f "$GOLDEN/" >"$tmp/all.out" 2>"$tmp/all.err"
    local rc=$?
    grep -v '^summary: ' "$tmp/all.err" >"$got"
    if [ ! -s "$want" ]; then
        [ "$rc" = 0 ] || [ "$rc" = 1 ] && return 0
        echo "FAIL (whole directory): no exit-2 case, but convert -f tests/golden/ exited $rc"
    elif [ "$rc" != 2 ] || [ -s "$tmp/all.out" ]; then
        echo "FAIL (whole directory): convert -f tests/golden/ exited $rc (want 2, nothing on stdout)"
    elif ! diff -u --label "exit-2 cases' expected errors" --label "convert -f tests/golden/" \
        <(sort "$want") <(sort "$got"); then
        echo "FAIL (whole directory): the invalid documents listed differ"
    elif [ "$(tail -n 1 "$tmp/all.err" | cut -c1-9)" != "summary: " ]; then
        echo "FAIL (whole directory): stderr does not end with the summary line"
    else
        return 0
    fi
    return 1
}

# Without the exit-2 cases (a tree of links to the others) the corpus converts.
whole_valid() {
    local d corpus=$tmp/corpus
    mkdir -p "$corpus"
    for d in "$GOLDEN"/*/; do
        d=${d%/}
        [ -f "$d/exit-code" ] && [ "$(tr -d '[:space:]' <"$d/exit-code")" = 2 ] && continue
        ln -s "$d" "$corpus/$(basename "$d")"
    done
    "$MESHPANEL" convert -f "$corpus/" >"$tmp/all.out" 2>"$tmp/all.err"
    local rc=$?
    if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
        echo "FAIL (whole directory): convert of the valid cases exited $rc"
        head -n 20 "$tmp/all.err"
    elif [ ! -s "$tmp/all.out" ]; then
        echo "FAIL (whole directory): no output"
    elif ! grep -q '^kind: VirtualService$' "$tmp/all.out" || ! grep -q '^kind: Gateway$' "$tmp/all.out"; then
        echo "FAIL (whole directory): output holds no Gateway or no VirtualService"
    elif [ "$(tail -n 1 "$tmp/all.err" | cut -c1-9)" != "summary: " ]; then
        echo "FAIL (whole directory): stderr does not end with the summary line"
    else
        echo "whole directory (valid cases): exit $rc; $(tail -n 1 "$tmp/all.err")"
        return 0
    fi
    return 1
}

if [ "$UPDATE" != 1 ] && [ -z "$FILTER" ]; then
    for check in whole_invalid whole_valid; do
        if $check; then
            pass=$((pass + 1))
        else
            note_fail "(whole directory: $check)"
        fi
    done
fi

echo "$pass passed, $fail failed"
if [ "$fail" != 0 ]; then
    printf '  failed: %s\n' "${failed_cases[@]}"
    exit 1
fi
exit 0
