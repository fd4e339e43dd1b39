#!/usr/bin/env bash
# The CLI prints hosts and annotation values from untrusted input in errors and
# warnings: none of their escape sequences or bidi controls may reach the terminal.
set -u
: "${MESHPANEL:?}" "${SRC:?}"
fixture="$SRC/tests/data/hostile/hostile.yaml"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pass=0 fail=0
check() { # name file
    # ESC, BEL, C1 CSI as UTF-8 (c2 9b) and the bidi controls U+202A-E / U+2066-9
    if LC_ALL=C grep -qP '\x1b|\x07|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]' "$2"; then
        echo "FAIL: $1 carries control or bidi bytes:"; cat -v "$2" | head -5; fail=$((fail + 1))
    else
        pass=$((pass + 1))
    fi
}
# self-test: the detector sees a raw payload (the fixture holds its payloads as
# YAML escapes, so they only exist once decoded)
printf 'host \342\200\256moc.elgoog \033[2J\n' >"$out/raw"
if check "self-test" "$out/raw" >/dev/null; [ "$fail" -eq 0 ]; then
    echo "FAIL: detector missed a raw payload"; fail=$((fail + 1))
else
    fail=0; pass=$((pass + 1))
fi
"$MESHPANEL" convert -f "$fixture" >"$out/stdout" 2>"$out/stderr"
rc=$?
[ "$rc" -eq 2 ] && pass=$((pass + 1)) || { echo "FAIL: convert exit $rc, want 2 (invalid host)"; fail=$((fail + 1)); }
grep -q 'spec.rules\[0\].host' "$out/stderr" && pass=$((pass + 1)) || { echo "FAIL: error does not name the field"; fail=$((fail + 1)); }
check "convert stderr" "$out/stderr"
check "convert stdout" "$out/stdout"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
