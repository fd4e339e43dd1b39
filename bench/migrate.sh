#!/usr/bin/env bash
# The migration workflow at scale: `meshpanel migrate plan`, `apply`,
# `verify` and `rollback` of TENANTS tenants (5 Ingresses each, the Sealos
# mix of bench/gen_ingresses.py) against the test API server
# (tests/apiserver over HTTPS: credentials go over TLS only), one run each in workflow order.
#
# usage: bench/migrate.sh [TENANTS]      (default 1000)
# env:   MESHPANEL=path/to/meshpanel (default build/meshpanel),
#        BENCH_NO_DOC=1 to skip appending to docs/benchmarks.md
#
# plan converts every Ingress, diffs it against the cluster and asks the
# server for a dry run of every object; verify reads the applied objects
# back and proves routing equivalence for every host and path. Each step
# must end with exit 0 and name TENANTS tenants in its closing line.
# Results go to docs/benchmarks.md under "## Migration". Timings live here,
# never in tests.
set -euo pipefail
cd "$(dirname "$0")/.."

TENANTS=${1:-1000}
MESHPANEL=${MESHPANEL:-build/meshpanel}
[ -x "$MESHPANEL" ] || { echo "bench: $MESHPANEL not built (run ./setup.sh)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is needed for peak RSS" >&2; exit 2; }

tmp=$(mktemp -d)
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
export HOME="$tmp/home" XDG_STATE_HOME="$tmp/state"
mkdir -p "$HOME"
unset KUBECONFIG

python3 bench/gen_ingresses.py -n $((TENANTS * 5)) -o "$tmp/corpus.yaml"
python3 tests/apiserver/server.py --state-dir "$tmp/st" --https --seed "$tmp/corpus.yaml" \
    >"$tmp/server.out" 2>"$tmp/server.err" &
pid=$!
for _ in $(seq 600); do
    grep -q '^listening ' "$tmp/server.out" 2>/dev/null && break
    sleep 0.1
done
grep -q '^listening ' "$tmp/server.out" || { cat "$tmp/server.err" >&2; exit 2; }
KC=(--kubeconfig "$tmp/st/kubeconfig")

# step NAME ARGS... -> "<seconds> <peak MiB> <tenants> <CPU seconds>"; exit 0 or 1
# (findings) only. The CPU time is meshpanel's own (user + sys): on a shared
# machine the wall time also measures everyone else's load and the server.
step() {
    local name=$1 s e rss n rc=0
    shift
    s=$(date +%s.%N)
    /usr/bin/time -v -o "$tmp/time.txt" "$MESHPANEL" "$@" "${KC[@]}" >"$tmp/out.txt" \
        2>"$tmp/err.txt" || rc=$?
    e=$(date +%s.%N)
    if [ "$rc" -gt 1 ]; then
        echo "bench: $name exited $rc:" >&2
        tail -n 5 "$tmp/err.txt" "$tmp/out.txt" >&2
        exit 2
    fi
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time.txt")
    cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$tmp/time.txt")
    n=$(sed -n 's/^[a-z ]*: \([0-9]*\) tenants\{0,1\}: .*/\1/p' "$tmp/out.txt" | tail -n1)
    [ "$n" = "$TENANTS" ] || { echo "bench: $name names ${n:-no} tenants, want $TENANTS" >&2; tail -n3 "$tmp/out.txt" >&2; exit 2; }
    awk -v a="$s" -v b="$e" -v r="$rss" -v n="$n" -v c="$cpu" \
        'BEGIN {printf "%.2f %d %s %s\n", b - a, r / 1024, n, c}'
}
load0=$(cut -d' ' -f1 /proc/loadavg)

read -r plan_t plan_m _ plan_c < <(step plan migrate plan)
read -r apply_t apply_m _ apply_c < <(step apply migrate apply --yes)
read -r verify_t verify_m _ verify_c < <(step verify migrate verify --yes)
read -r rb_t rb_m _ rb_c < <(step rollback rollback --yes)
load1=$(cut -d' ' -f1 /proc/loadavg)

report=$(
    cat <<TXT
### $(date -u +%Y-%m-%d) - $TENANTS tenants, $((TENANTS * 5)) Ingresses, $(nproc) CPUs

| command | wall time | meshpanel CPU | peak RSS |
|---|---|---|---|
| \`meshpanel migrate plan\` | ${plan_t} s | ${plan_c} s | ${plan_m} MiB |
| \`meshpanel migrate apply --yes\` | ${apply_t} s | ${apply_c} s | ${apply_m} MiB |
| \`meshpanel migrate verify --yes\` | ${verify_t} s | ${verify_c} s | ${verify_m} MiB |
| \`meshpanel rollback --yes\` | ${rb_t} s | ${rb_c} s | ${rb_m} MiB |

Test API server (\`tests/apiserver/server.py --https\`, seeded with
\`bench/gen_ingresses.py -n $((TENANTS * 5))\`), one run of each step in workflow order;
each ended with exit 0 or 1 and named $TENANTS tenants. Load average $load0 before, $load1
after (the rest of the wall time is the server's and other processes'). Command:
\`bench/migrate.sh $TENANTS\`.
TXT
)
echo "$report"

[ "${BENCH_NO_DOC:-0}" = 1 ] && exit 0
doc=docs/benchmarks.md
python3 - "$doc" "$report" <<'PY'
import os, sys
path, report = sys.argv[1], sys.argv[2]
lines = open(path).read().rstrip("\n").split("\n")
intro = ("## Migration\n\nThe steps of `meshpanel migrate` over a whole platform (docs/migration.md). plan\n"
         "converts every Ingress, diffs it against the cluster and asks the API server for a dry run\n"
         "of every generated object; verify reads the applied objects back and proves routing\n"
         "equivalence for every host and path (model/verify.h). Most of the time is the server's:\n"
         "one request per object written or dry-run, against a single-threaded Python server.")
try:
    start = lines.index("## Migration")
except ValueError:
    lines += ["", *intro.split("\n")]
    start = lines.index("## Migration")
end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
while end > start + 1 and lines[end - 1] == "":
    end -= 1
lines[end:end] = ["", *report.split("\n")]
open(path + ".tmp", "w").write("\n".join(lines) + "\n")
os.replace(path + ".tmp", path)
PY
echo "bench: appended to $doc"
