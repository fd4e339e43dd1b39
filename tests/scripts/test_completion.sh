#!/usr/bin/env bash
# Shell completion (issue 13): the bash script `meshpanel completion bash`
# prints, driven the way bash drives it (COMP_WORDS/COMP_CWORD, then the
# function), for subcommands, every flag a command's --help names, contexts
# from a kubeconfig, namespaces from the cluster (the test API server) and -o
# values. The zsh script must at least load in zsh and the fish one parse in
# fish, where those shells are installed.
set -u
: "${MESHPANEL:?}" "${SRC:?}"
. "$SRC/tests/scripts/test_client_lib.bash"
export LC_ALL=C.UTF-8

bindir="$WORK/bin"
mkdir -p "$bindir"
ln -s "$MESHPANEL" "$bindir/meshpanel"
export PATH="$bindir:$PATH"
"$MESHPANEL" completion bash >"$WORK/comp.bash"
check_eq "completion bash exits 0" "$?" 0

# complete WORDS...: what bash would offer for the last word
complete_words() {
    bash -c '
        source "$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
        _meshpanel
        ((${#COMPREPLY[@]})) && printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' _ \
        "$WORK/comp.bash" "$@"
}

commands=$("$MESHPANEL" --help | sed -n '/^commands:/,/^$/p' | awk 'NF && $1 != "commands:" {print $1}' |
    sort | tr '\n' ' ')
check_eq "every command of --help is offered" "$(complete_words meshpanel '')" "$commands"
check_eq "a prefix narrows them" "$(complete_words meshpanel co)" "completion config convert "
check "console flags" "$(complete_words meshpanel --)" '--demo .*--readonly .*--version'

# every flag each command's --help names is offered after `meshpanel CMD -`
for cmd in $commands; do
    want=$("$MESHPANEL" "$cmd" --help 2>&1 | grep -oE -- '(^|[][ |,])--?[a-zA-Z][a-zA-Z0-9-]*' |
        sed 's/^[][ |,]//' | sort -u | tr '\n' ' ')
    got=$(complete_words meshpanel "$cmd" -)
    check_eq "$cmd: its flags" "$got" "$want"
done
check "convert: long flags by prefix" "$(complete_words meshpanel convert --gate)" \
    '^--gateway-mode --gateway-namespace --gateway-selector $'
check_eq "get: resource kinds" "$(complete_words meshpanel get '')" \
    "ap dr gateways ingressclasses ingresses secrets svc tenants virtualservices "
check_eq "get -o: the output formats of its help" "$(complete_words meshpanel get ing -o '')" \
    "json name table wide yaml "
check_eq "convert -o: yaml json" "$(complete_words meshpanel convert -o '')" "json yaml "
check_eq "completion: the shells" "$(complete_words meshpanel completion '')" "bash fish zsh "
check_eq "migrate: its steps" "$(complete_words meshpanel migrate '')" \
    "apply cutover plan retire verify "
check_eq "migrate: a step by prefix" "$(complete_words meshpanel migrate c)" "cutover "
check_eq "migrate STEP: no second step" "$(complete_words meshpanel migrate plan '')" ""
check_eq "rollback --mode: the modes" "$(complete_words meshpanel rollback --mode '')" \
    "dual full partial "
check_eq "lint --fail-on: the levels" "$(complete_words meshpanel lint --fail-on '')" "error warning "
check_eq "a value of --wave is not taken for the step" \
    "$(complete_words meshpanel migrate --wave 10% '')" "apply cutover plan retire verify "
check_eq "--theme: the bundled themes" "$(complete_words meshpanel --theme '')" \
    "default high-contrast light mono "

# contexts from the kubeconfig in use
export KUBECONFIG="$SRC/tests/data/kubeconfig/merge-a.yaml"
check_eq "--context: the kubeconfig's contexts" "$(complete_words meshpanel get ing --context '')" \
    "$("$MESHPANEL" config get-contexts -o name | sort | tr '\n' ' ')"
check "--context: merge-a's contexts are there" "$(complete_words meshpanel --context ctx-)" \
    '^ctx-a ctx-basic'
# a command word after a flag's value is still found
check_eq "a flag value is not taken for the command" \
    "$(complete_words meshpanel --context ctx-a get '')" \
    "ap dr gateways ingressclasses ingresses secrets svc tenants virtualservices "

# namespaces from the cluster
start_server "$WORK/srv" --generate 10
export KUBECONFIG="$WORK/srv/kubeconfig"
check_eq "-n: the cluster's namespaces" "$(complete_words meshpanel get ing -n ns-tenant-0000)" \
    "ns-tenant-00001 ns-tenant-00002 "
# an unreachable cluster: nothing offered, and quickly (the 2 s limit)
printf 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://10.255.255.1:9"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n' \
    >"$WORK/dead.kc"
export KUBECONFIG="$WORK/dead.kc"
t0=$(date +%s)
got=$(complete_words meshpanel -n '')
check_eq "-n on an unreachable cluster: nothing" "$got" ""
[ $(($(date +%s) - t0)) -le 5 ] && ok "-n on an unreachable cluster returns (the 2 s request limit)" ||
    bad "-n on an unreachable cluster returns" "$(($(date +%s) - t0)) s"

if command -v zsh >/dev/null; then
    "$MESHPANEL" completion zsh >"$WORK/comp.zsh"
    zsh -f -c "source '$WORK/comp.zsh' && whence -w _meshpanel" >"$WORK/zsh.out" 2>&1
    check "zsh: the script loads and defines _meshpanel" "$(cat "$WORK/zsh.out")" '_meshpanel: function'
else
    echo "# zsh not installed: its load check is skipped"
fi
if command -v fish >/dev/null; then
    "$MESHPANEL" completion fish | fish -n
    check_eq "fish: the script parses" "$?" 0
else
    echo "# fish not installed: its parse check is skipped"
fi
"$MESHPANEL" completion tcsh >/dev/null 2>"$WORK/err"
check_eq "an unknown shell: exit 2" "$?" 2
check "an unknown shell is named" "$(cat "$WORK/err")" 'unknown shell "tcsh"'
finish
