#!/usr/bin/env bash
# A list asks for page N+1 as soon as page N's continue token is known, while
# page N is still arriving (issue 11). Proven by the order of the test API
# server's request log, not by timing: with hold_list_ms the server sends a
# page up to its first item, then waits for the next request before it sends
# the rest, and logs how many requests it had when the page was written in
# full ("done"). A client that asks for page N+1 only after reading page N
# cannot have its request logged before page N is done. Output, its order
# and the errors of a failing later page stay as they were.
set -uo pipefail
. "$(dirname "$0")/test_client_lib.bash"

start_server "$WORK/s" --generate 1700
KC=$WORK/s/kubeconfig
ING=/apis/networking.k8s.io/v1/ingresses

# the reference: the same list with no fault
mp get ingresses -A -o json --kubeconfig "$KC"
check_eq "get: exit 0" "$RC" 0
cp "$WORK/out" "$WORK/plain.json"
check_eq "get: 1,700 items" "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["items"]))' "$WORK/plain.json")" 1700

faults '{"hold_list_ms": 10000}'
api POST /_test/reset >/dev/null
mp get ingresses -A -o json --kubeconfig "$KC"
check_eq "get (held pages): exit 0" "$RC" 0
check_eq "get (held pages): the same output, in the same order" "$(cmp "$WORK/out" "$WORK/plain.json" && echo same)" same
check_eq "get: page N+1 asked while page N was still being sent (4 pages)" "$(overlapped $ING 4)" OK

api POST /_test/reset >/dev/null
mp get ingresses -A -o name --kubeconfig "$KC"
check_eq "get -o name: 1,700 names" "$(wc -l <<<"$OUT")" 1700
check_eq "get -o name: page N+1 asked while page N was still being sent" "$(overlapped $ING 4)" OK

api POST /_test/reset >/dev/null
mp convert -A --kubeconfig "$KC"
check_eq "convert -A (held pages): exit 0" "$RC" 0
check "convert -A: VirtualServices out" "$OUT" '^kind: VirtualService$'
check_eq "convert -A: Ingress page N+1 asked while page N was still being sent" "$(overlapped $ING 4)" OK

# a failing page N+1 ends the list as before: 410 Expired for a continue
# token, after page 1 was printed; asked once (a 410 is not retried)
faults '{"hold_list_ms": 0, "expire_continue": 1}'
api POST /_test/reset >/dev/null
mp get ingresses -A -o name --kubeconfig "$KC"
check_eq "410 on page 2: exit 2" "$RC" 2
check_eq "410 on page 2: page 1 printed" "$(wc -l <<<"$OUT")" 500
check_eq "410 on page 2: the error" "$ERR" "meshpanel get: list ingresses.networking.k8s.io in all namespaces: expired (410): The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter."
check_eq "410 on page 2: two requests" "$(lists $ING | awk '{print $3, $4}' | tr '\n' ' ')" "first 200 cont 410 "

# the same with the held pages: the 410 comes while page 1 is still arriving
faults '{"hold_list_ms": 10000}'
api POST /_test/reset >/dev/null
mp get ingresses -A -o name --kubeconfig "$KC"
check_eq "410 on a prefetched page 2: exit 2" "$RC" 2
check_eq "410 on a prefetched page 2: page 1 printed" "$(wc -l <<<"$OUT")" 500
check_eq "410 on a prefetched page 2: the same error" "$ERR" "meshpanel get: list ingresses.networking.k8s.io in all namespaces: expired (410): The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter."
check_eq "410 on a prefetched page 2: two requests" "$(lists $ING | awk '{print $3, $4}' | tr '\n' ' ')" "first 200 cont 410 "

finish
