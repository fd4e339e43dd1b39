#!/usr/bin/env bash
# The man page does not drift from --help (issue 13): every command that
# `meshpanel --help` lists has its section in docs/meshpanel.1, and every
# flag that `meshpanel --help` or `meshpanel COMMAND --help` names appears in
# the page. The page renders without groff warnings.
set -u
: "${MESHPANEL:?}" "${SRC:?}"
. "$SRC/tests/scripts/test_client_lib.bash"
page="$SRC/docs/meshpanel.1"
# the page's text with roff's \- as -
text=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' "$page")

flags_of() { "$MESHPANEL" "$@" --help 2>&1 | grep -oE -- '(^|[][ |,(])--?[a-zA-Z][a-zA-Z0-9-]*' |
    sed 's/^[][ |,(]//' | sort -u; }

commands=$("$MESHPANEL" --help | sed -n '/^commands:/,/^$/p' | awk 'NF && $1 != "commands:" {print $1}')
check "--help lists commands" "$commands" 'convert'
for cmd in $commands; do
    if grep -Eq "^\.SS \"meshpanel $cmd( |\")" "$page"; then ok "man: a section for $cmd"; else
        bad "man: a section for $cmd" "no .SS \"meshpanel $cmd ...\" in docs/meshpanel.1"; fi
    missing=""
    for f in $(flags_of "$cmd"); do
        grep -qF -- "$f" <<<"$text" || missing="$missing $f"
    done
    check_eq "man: every flag of meshpanel $cmd --help" "$missing" ""
done
missing=""
for f in $(flags_of); do grep -qF -- "$f" <<<"$text" || missing="$missing $f"; done
check_eq "man: every flag of meshpanel --help" "$missing" ""

if command -v groff >/dev/null; then
    warn=$(groff -man -ww -z "$page" 2>&1)
    check_eq "groff renders the page without warnings" "$warn" ""
fi
if command -v man >/dev/null; then
    MANWIDTH=80 man -l "$page" >"$WORK/man.txt" 2>&1
    check "man -l renders the page" "$(head -n 3 "$WORK/man.txt")" 'MESHPANEL\(1\)'
fi
finish
