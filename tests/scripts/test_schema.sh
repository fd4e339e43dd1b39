#!/usr/bin/env bash
# Schema test: every golden expected.yaml, and the live output of `meshpanel convert` on
# every golden input, must validate against the Istio CRD structural schemas copied into
# tests/data/istio-crds.yaml plus the Istio rules the schema cannot express
# (tests/tools/validate_istio.py). The validator first proves on a table of deliberately
# broken objects that it can fail.
set -uo pipefail

SRC=${SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
MESHPANEL=${MESHPANEL:-$SRC/build/meshpanel}
# Cases run from inside their directory: make a relative binary path absolute.
[ -e "$MESHPANEL" ] && MESHPANEL=$(cd "$(dirname "$MESHPANEL")" && pwd)/$(basename "$MESHPANEL")
CRDS=$SRC/tests/data/istio-crds.yaml
VALIDATE=(python3 "$SRC/tests/tools/validate_istio.py" --crds "$CRDS")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

echo "== validator self-test (invalid objects must be rejected)"
"${VALIDATE[@]}" --self-test || status=1

# Cases of invalid input (exit-code 2) have no output to validate.
invalid_case() {
    [ -f "$1/exit-code" ] && [ "$(tr -d '[:space:]' <"$1/exit-code")" = 2 ]
}

expected=()
for f in "$SRC"/tests/golden/*/expected.yaml; do
    [ -f "$f" ] && ! invalid_case "$(dirname "$f")" && expected+=("$f")
done
if [ ${#expected[@]} = 0 ]; then
    echo "test_schema: no tests/golden/*/expected.yaml" >&2
    exit 1
fi

echo "== golden expected outputs (${#expected[@]} files)"
"${VALIDATE[@]}" --require-source "${expected[@]}" || status=1

# The delegation rules (delegate without hosts/gateways, root entries naming existing
# delegates, matches istiod admits) must have something to check in the corpus.
ndeleg=$(python3 - "${expected[@]}" <<'PY'
import sys, yaml
n = 0
for f in sys.argv[1:]:
    for d in yaml.safe_load_all(open(f)):
        if isinstance(d, dict) and d.get("kind") == "VirtualService":
            n += sum(1 for r in (d.get("spec") or {}).get("http") or [] if "delegate" in r)
print(n)
PY
)
echo "== delegate entries in the golden corpus: $ndeleg"
if [ "${ndeleg:-0}" -lt 1 ]; then
    echo "FAIL: no root VirtualService with delegate entries in tests/golden (host-three-namespaces lost?)"
    status=1
fi

echo "== live convert output per case"
live=()
for dir in "$SRC"/tests/golden/*/; do
    dir=${dir%/}
    name=$(basename "$dir")
    invalid_case "$dir" && continue
    input=input.yaml
    [ -f "$dir/$input" ] || input=input.json
    [ -f "$dir/$input" ] || input=input
    args=()
    [ -f "$dir/args" ] && read -r -a args <"$dir/args"
    (cd "$dir" && "$MESHPANEL" convert -f "$input" "${args[@]}" >"$tmp/$name.yaml" 2>/dev/null)
    rc=$?
    (cd "$dir" && "$MESHPANEL" convert -f "$input" "${args[@]}" -o json >"$tmp/$name.json" 2>/dev/null)
    rcj=$?
    if [ "$rc" -ge 2 ] || [ "$rcj" != "$rc" ]; then
        echo "FAIL $name: convert exited $rc (yaml) / $rcj (json)"
        status=1
        continue
    fi
    live+=("$tmp/$name.yaml" "$tmp/$name.json")
done
# -o json must hold the same objects as the YAML output (pairs: yaml json yaml json ...).
if [ ${#live[@]} -gt 0 ]; then
    python3 "$SRC/tests/tools/same_objects.py" "${live[@]}" || status=1
fi
if [ ${#live[@]} -gt 0 ]; then
    "${VALIDATE[@]}" --require-source "${live[@]}" || status=1
fi

[ $status = 0 ] && echo "schema: all objects valid" || echo "schema: FAILED"
exit $status
