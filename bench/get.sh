#!/usr/bin/env bash
# `meshpanel get ingresses -A -o json` against `kubectl get ingress -A -o json`,
# same test API server (tests/apiserver, HTTPS + bearer token: kubectl sends
# tokens only over TLS), same run, COUNT generated Ingresses.
#
# usage: bench/get.sh [COUNT] [RUNS]     (defaults: 10000 Ingresses, 3 runs each)
# env:   MESHPANEL=path/to/meshpanel (default build/meshpanel), KUBECTL=kubectl,
#        BENCH_NO_DOC=1 to skip appending to docs/benchmarks.md
#
# One warm-up run of each tool first (server JSON cache, kubectl discovery cache),
# then RUNS alternating runs; reports the best wall time and the peak RSS of each
# and checks both printed COUNT items. Results are appended to docs/benchmarks.md
# under "## get". Timings live here, never in tests.
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=${1:-10000}
RUNS=${2:-3}
MESHPANEL=${MESHPANEL:-build/meshpanel}
KUBECTL=${KUBECTL:-kubectl}
[ -x "$MESHPANEL" ] || { echo "bench: $MESHPANEL not built (run ./setup.sh)" >&2; exit 2; }
command -v "$KUBECTL" >/dev/null || { echo "bench: $KUBECTL not found" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is needed for peak RSS" >&2; exit 2; }

tmp=$(mktemp -d)
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
export HOME="$tmp/home" # private kubectl cache, no developer kubeconfig
mkdir -p "$HOME"
unset KUBECONFIG

python3 tests/apiserver/server.py --https --state-dir "$tmp/st" --generate "$COUNT" \
    >"$tmp/server.out" 2>"$tmp/server.err" &
pid=$!
for _ in $(seq 300); do
    grep -q '^listening ' "$tmp/server.out" 2>/dev/null && break
    sleep 0.1
done
grep -q '^listening ' "$tmp/server.out" || { cat "$tmp/server.err" >&2; exit 2; }
KC="$tmp/st/kubeconfig"

# measure NAME CMD... -> "<seconds> <peak KiB>"; checks the item count
measure() {
    local name=$1 s e rss n
    shift
    s=$(date +%s.%N)
    /usr/bin/time -v -o "$tmp/time.txt" "$@" >"$tmp/out.json" 2>"$tmp/err.txt" ||
        { echo "bench: $name failed:" >&2; cat "$tmp/err.txt" >&2; exit 2; }
    e=$(date +%s.%N)
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time.txt")
    n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["items"]))' "$tmp/out.json")
    [ "$n" = "$COUNT" ] || { echo "bench: $name printed $n items, want $COUNT" >&2; exit 2; }
    awk -v a="$s" -v b="$e" -v r="$rss" 'BEGIN {printf "%.3f %d\n", b - a, r}'
}

MP_CMD=("$MESHPANEL" get ingresses -A -o json --kubeconfig "$KC")
KC_CMD=("$KUBECTL" get ingress -A -o json --kubeconfig "$KC" --request-timeout=120s)
measure meshpanel "${MP_CMD[@]}" >/dev/null
measure kubectl "${KC_CMD[@]}" >/dev/null
mp_best="" mp_rss=0 kc_best="" kc_rss=0
for _ in $(seq "$RUNS"); do
    read -r t r < <(measure meshpanel "${MP_CMD[@]}")
    [ -z "$mp_best" ] || awk -v a="$t" -v b="$mp_best" 'BEGIN {exit !(a < b)}' && mp_best=$t
    [ "$r" -gt "$mp_rss" ] && mp_rss=$r
    read -r t r < <(measure kubectl "${KC_CMD[@]}")
    [ -z "$kc_best" ] || awk -v a="$t" -v b="$kc_best" 'BEGIN {exit !(a < b)}' && kc_best=$t
    [ "$r" -gt "$kc_rss" ] && kc_rss=$r
done
size=$(stat -c %s "$tmp/out.json")

report=$(
    cat <<TXT
### $(date -u +%Y-%m-%d) - $COUNT Ingresses, best of $RUNS runs, $(nproc) CPUs

| command | wall time | peak RSS |
|---|---|---|
| \`meshpanel get ingresses -A -o json\` | ${mp_best} s | $((mp_rss / 1024)) MiB |
| \`kubectl get ingress -A -o json\` ($("$KUBECTL" version --client 2>/dev/null | sed -n 's/^Client Version: //p')) | ${kc_best} s | $((kc_rss / 1024)) MiB |

Same server (\`tests/apiserver/server.py --https --generate $COUNT\`, bearer token), same
run; both printed $COUNT items (kubectl's JSON: $((size / 1024)) KiB). Command: \`bench/get.sh $COUNT $RUNS\`.
TXT
)
echo "$report"

[ "${BENCH_NO_DOC:-0}" = 1 ] && exit 0
doc=docs/benchmarks.md
[ -f "$doc" ] || printf '# Benchmarks\n\nMeasured with the scripts in bench/; numbers depend on the machine.\n' >"$doc"
# Append under "## get" (created at the end when missing), before the next section.
python3 - "$doc" "$report" <<'PY'
import sys
path, report = sys.argv[1], sys.argv[2]
lines = open(path).read().rstrip("\n").split("\n")
intro = ("## get\n\n`meshpanel get ingresses -A -o json` against `kubectl get ingress -A -o json`: the list is\n"
         "paginated (500 per page) and every item is parsed and printed as it streams in, so memory\n"
         "stays flat however many objects the cluster holds.")
try:
    start = lines.index("## get")
except ValueError:
    lines += ["", *intro.split("\n")]
    start = lines.index("## get")
end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
while end > start + 1 and lines[end - 1] == "":
    end -= 1
lines[end:end] = ["", *report.split("\n")]
open(path + ".tmp", "w").write("\n".join(lines) + "\n")
import os
os.replace(path + ".tmp", path)
PY
echo "bench: appended to $doc"
