#!/usr/bin/env bash
# `get -A -o json` of a list writes each item from its bytes as they arrive
# (model/json_reindent.c, issue 11) and builds a tree only for what that
# writer leaves to the tree path. Checked end to end against the tree path,
# which `get KIND NAME -o json` still takes: every item of the list is that
# command's text for the same object, indented by four, whichever path wrote
# it: plain generated Ingresses (some cut between two received chunks), one
# whose strings hold controls, DEL, C1 and bidi controls, escapes and
# non-ASCII text, one with such a key, and one with a map of 65 keys (the
# tree path). No raw control byte reaches the terminal; the whole list in one
# answer and pages of 7 print the same bytes.
set -uo pipefail
. "$(dirname "$0")/test_client_lib.bash"

start_server "$WORK/s" --generate 1100
KC=$WORK/s/kubeconfig
ING=/apis/networking.k8s.io/v1/namespaces/ns-odd/ingresses
api POST /api/v1/namespaces '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ns-odd"}}' >/dev/null
api POST "$ING" '{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"odd",
 "annotations":{"ctl":"a\u0001b\u001fc\u007fd\u0085e","bidi":"x\u202ey\u2066z","esc":"a\u0026b<c>\/d",
 "ws":"t\tn\nr\r","q":"\"\\","utf8":"caf\u00e9 \u4e2d \ud83d\ude00 \ufffd"}},
 "spec":{"defaultBackend":{"service":{"name":"web","port":{"number":80}}}}}' >/dev/null
wide=$(python3 -c 'import json; print(json.dumps({f"k{i}": i for i in range(65)}))')
api POST "$ING" '{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"wide-key"},
 "spec":{"caf\u00e9 \"q\"":{"k":[1,{"\u4e2d":true}]},"rules":[{"host":"a.example.com","http":{"paths":[
 {"path":"/","pathType":"Prefix","backend":{"service":{"name":"web","port":{"number":80}}}}]}}]}}' >/dev/null
api POST "$ING" '{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"wide"},
 "spec":{"wide":'"$wide"',"defaultBackend":{"service":{"name":"web","port":{"number":80}}}}}' >/dev/null

mp get ingresses -A -o json --kubeconfig "$KC"
check_eq "get -A -o json: exit 0" "$RC" 0
cp "$WORK/out" "$WORK/list.json"
check_eq "get -A -o json: 1,103 items" \
    "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["items"]))' "$WORK/list.json")" 1103
if LC_ALL=C grep -qP '[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]' \
    "$WORK/list.json"; then
    bad "get -A -o json: a raw control byte" "$(LC_ALL=C grep -anP '[\x00-\x09\x0b-\x1f\x7f]' "$WORK/list.json" | head -3)"
else
    ok "get -A -o json: no raw control or bidi byte"
fi
check "get -A -o json: the bidi override escaped" "$(cat "$WORK/list.json")" '"x\\u202ey\\u2066z"'
check "get -A -o json: the non-ASCII key kept" "$(cat "$WORK/list.json")" '"café \\"q\\"": \{'
check "get -A -o json: the map of 65 keys kept" "$(cat "$WORK/list.json")" '"k64": 64'

# Each item against the tree path: the single object's text, indented by 4.
same_as_get_one() { # NS NAME
    timeout 60 "$MESHPANEL" get ingresses "$2" -n "$1" -o json --kubeconfig "$KC" >"$WORK/one.json" ||
        return 1
    python3 - "$WORK/one.json" "$WORK/list.json" <<'PY'
import sys
one = open(sys.argv[1], encoding="utf-8", errors="surrogateescape").read().rstrip("\n")
lst = open(sys.argv[2], encoding="utf-8", errors="surrogateescape").read()
print("same" if "\n    " + one.replace("\n", "\n    ") + "\n" in lst else "differs")
PY
}
check_eq "odd strings: the list's item is get's text for it" "$(same_as_get_one ns-odd odd)" same
check_eq "a key with non-ASCII bytes and escapes: the list's item is get's text" \
    "$(same_as_get_one ns-odd wide-key)" same
check_eq "a map of 65 keys (the tree path): the list's item is get's text" \
    "$(same_as_get_one ns-odd wide)" same
python3 -c '
import json, sys
items = json.load(open(sys.argv[1]))["items"]
for i in range(0, len(items), 97):
    print(items[i]["metadata"]["namespace"], items[i]["metadata"]["name"])' "$WORK/list.json" >"$WORK/some"
n=0
while read -r ns name; do
    [ "$(same_as_get_one "$ns" "$name")" = same ] && n=$((n + 1))
done <"$WORK/some"
check_eq "every 97th generated item: the list's item is get's text" "$n" "$(wc -l <"$WORK/some")"

# the whole list in one answer (a server that ignores limit): the same bytes
api POST /_test/faults '{"ignore_limit": 1}' >/dev/null
mp get ingresses -A -o json --kubeconfig "$KC"
check_eq "whole list in one answer: the same bytes" "$(cmp "$WORK/out" "$WORK/list.json" && echo same)" same
api POST /_test/faults '{"ignore_limit": 0}' >/dev/null

# one page of 7 at a time: items cut between pages and chunks, the same bytes
mp get ingresses -A -o json --chunk-size 7 --kubeconfig "$KC"
check_eq "pages of 7: the same bytes" "$(cmp "$WORK/out" "$WORK/list.json" && echo same)" same
finish
