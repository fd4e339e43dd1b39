# Helpers of bench/run.sh and bench/plot.sh (sourced from the repo root):
# a temp dir ($tmp, removed on exit), the corpus, the test API server, and one
# timed run with its peak RSS. Needs MESHPANEL, FLOOR (run.sh), SEED.
tmp=$(mktemp -d)
pid=""
stop_server() {
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
    fi
    pid=""
}
cleanup() {
    stop_server
    if [ -n "${OUT:-}" ]; then mkdir -p "$OUT" && cp "$tmp"/runs.tsv "$OUT"/; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export HOME="$tmp/home" LC_ALL=C.UTF-8 # private kubectl cache, no user kubeconfig
mkdir -p "$HOME"
unset KUBECONFIG
: >"$tmp/runs.tsv"

# corpus N -> $tmp/ingN.yaml and $tmp/seedN.json (the server's seed)
corpus() {
    [ -f "$tmp/ing$1.yaml" ] && return
    python3 bench/gen_ingresses.py -n "$1" --seed "$SEED" -o "$tmp/ing$1.yaml"
    python3 - "$tmp/ing$1.yaml" "$tmp/seed$1.json" <<'PY'
import json, sys, yaml
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
docs = [d for d in yaml.load_all(open(sys.argv[1]), Loader=loader) if d]
json.dump({"apiVersion": "v1", "kind": "List", "items": docs}, open(sys.argv[2], "w"))
PY
}

start_server() { # N
    stop_server
    python3 tests/apiserver/server.py --https --state-dir "$tmp/srv$1" --seed "$tmp/seed$1.json" \
        >"$tmp/srv$1.out" 2>"$tmp/srv$1.err" &
    pid=$!
    for _ in $(seq 1800); do # seeding 50,000 objects takes a while
        grep -q '^listening ' "$tmp/srv$1.out" 2>/dev/null && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    grep -q '^listening ' "$tmp/srv$1.out" || { echo "bench: server did not start" >&2; cat "$tmp/srv$1.err" >&2; exit 2; }
    SRVDIR="$tmp/srv$1"
    KC="$SRVDIR/kubeconfig"
    URL=$(sed -n 's/^listening //p' "$tmp/srv$1.out")
}
faults() {
    curl -sS --cacert "$SRVDIR/ca.crt" -H "Authorization: Bearer admin-token" \
        -H "Content-Type: application/json" --data-binary "$1" "$URL/_test/faults" >/dev/null
}

# meas KEY CMD... : one run; appends "KEY wall_s rss_kib" to runs.tsv; stdout of
# CMD in $tmp/out, stderr in $tmp/err; a status >= 2 stops the benchmark
meas() {
    local key=$1 s e rc=0 rss
    shift
    s=$(date +%s.%N)
    /usr/bin/time -v -o "$tmp/time.txt" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
    e=$(date +%s.%N)
    if [ "$rc" -ge 2 ]; then
        echo "bench: $key failed (exit $rc): $*" >&2
        head -n 5 "$tmp/err" >&2
        exit 2
    fi
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time.txt")
    awk -v k="$key" -v a="$s" -v b="$e" -v r="$rss" 'BEGIN {printf "%s\t%.4f\t%d\n", k, b - a, r}' >>"$tmp/runs.tsv"
}
med() { # KEY [COLUMN: 2 wall, 3 rss] -> median (rss: the largest) of runs.tsv
    awk -F'\t' -v k="$1" -v c="${2:-2}" '$1 == k {print $c}' "$tmp/runs.tsv" | sort -g |
        awk -v c="${2:-2}" '{v[NR] = $1} END {if (!NR) exit 1; print c == 3 ? v[NR] : (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'
}
# floor KEY MODE FILE: one run of bench/floor.c
floor() {
    local t
    t=$("$FLOOR" "$2" "$3" 1) || { echo "bench: floor $2 $3 failed" >&2; exit 2; }
    printf '%s\t%s\t0\n' "$1" "$t" >>"$tmp/runs.tsv"
}
items() { python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["items"]))' "$1"; }
