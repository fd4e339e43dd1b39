#!/usr/bin/env bash
# The hostile-input suite (tests/bad/README.md): every input is refused with
# exit 2 and exactly its expected one-line error (a "summary:" line aside),
# within a timeout, by a process that did not die of a signal, with nothing
# on stdout (no partial output). Manifests go through `meshpanel convert -f`,
# kubeconfigs (and their exec plugins) through `meshpanel get ingresses`.
set -u
: "${MESHPANEL:?}" "${SRC:?}"
BAD="$SRC/tests/bad"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export HOME="$WORK/home" # no developer kubeconfig or config file leaks in
mkdir -p "$HOME"
unset KUBECONFIG KUBERNETES_SERVICE_HOST KUBERNETES_SERVICE_PORT XDG_CONFIG_HOME MESHPANEL_CONFIG
pass=0 fail=0 n=0

# run_case NAME EXPECTED_FILE DIR CMD... : runs CMD in DIR, judges the result
run_case() {
    local name=$1 want=$2 dir=$3
    shift 3
    n=$((n + 1))
    (cd "$dir" && timeout 60 "$@" >"$WORK/out" 2>"$WORK/err")
    local rc=$? why=""
    grep -v '^summary: ' "$WORK/err" >"$WORK/err.lines"
    if [ "$rc" -eq 124 ]; then why="hung (killed after 60 s)"
    elif [ "$rc" -gt 128 ]; then why="died of signal $((rc - 128))"
    elif [ "$rc" -ne 2 ]; then why="exit $rc, want 2"
    elif [ -s "$WORK/out" ]; then why="wrote $(wc -c <"$WORK/out") bytes of output"
    elif [ "$(wc -l <"$want")" -ne 1 ]; then why="$want is not one line"
    elif ! cmp -s "$WORK/err.lines" "$want"; then
        why="error line differs:
  want: $(cat "$want")
  got:  $(head -c 2000 "$WORK/err.lines")"
    fi
    if [ -z "$why" ]; then pass=$((pass + 1)); else
        fail=$((fail + 1))
        echo "FAIL - $name: $why"
    fi
}

# ---- manifests --------------------------------------------------------------------
for f in "$BAD"/convert/*; do
    name=${f##*/}
    case $name in
    *.err) continue ;;
    *.gen) # too big or too deep to keep in git: generated from tests/bad/base.*
        name=${name%.gen}
        python3 "$f" "$BAD/base" >"$WORK/$name" || { fail=$((fail + 1)); echo "FAIL - $name: generator"; continue; }
        run_case "$name" "$BAD/convert/$name.err" "$WORK" "$MESHPANEL" convert -f "$name"
        rm -f "$WORK/$name" ;;
    *) run_case "$name" "$f.err" "$BAD/convert" "$MESHPANEL" convert -f "$name" ;;
    esac
done
# the same inputs on stdin are refused the same way (the name is "-"... or
# "<stdin>": only exit status, no output and no signal are compared here)
for name in concat-json-garbage.json alias-bomb.yaml nul-byte.yaml; do
    n=$((n + 1))
    timeout 60 "$MESHPANEL" convert -f - <"$BAD/convert/$name" >"$WORK/out" 2>"$WORK/err"
    rc=$?
    if [ "$rc" -eq 2 ] && [ ! -s "$WORK/out" ] && [ "$(grep -vc '^summary: ' "$WORK/err")" -eq 1 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); echo "FAIL - stdin $name: exit $rc, $(wc -c <"$WORK/out") bytes out"
    fi
done

alive() { local s; s=$(ps -o stat= -p "$1" 2>/dev/null); [ -n "$s" ] && [ "${s#Z}" = "$s" ]; }
# ---- kubeconfigs and exec plugins ---------------------------------------------------------
# the server (127.0.0.1:1) is never reached: each kubeconfig fails before
export BAD_PLUGIN_PIDS="$WORK/plugin.pids"
for f in "$BAD"/kubeconfig/*.kubeconfig; do
    name=${f##*/}
    : >"$BAD_PLUGIN_PIDS"
    run_case "$name" "${f%.kubeconfig}.err" "$BAD/kubeconfig" \
        "$MESHPANEL" get ingresses --kubeconfig "$name" --request-timeout 2s
    # a plugin killed at the deadline takes what it started with it (a
    # zombie waiting for init to reap it is dead)
    for pid in $(cat "$BAD_PLUGIN_PIDS"); do
        for _ in $(seq 40); do alive "$pid" || break; sleep 0.05; done
        if alive "$pid"; then
            fail=$((fail + 1)); echo "FAIL - $name: the plugin's child $pid outlived it"
            kill "$pid"
        fi
    done
done

echo "# $n hostile inputs: $pass handled, $fail failed"
[ "$fail" -eq 0 ]
