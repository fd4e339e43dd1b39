#!/usr/bin/env bash
# bench/migrate.sh still runs: plan, apply, verify and rollback of a few
# tenants against the test API server, each step naming every tenant.
# Only that it works: the timings it prints are not asserted here.
set -u
: "${MESHPANEL:?}" "${SRC:?}"
[ -x /usr/bin/time ] || { echo "# /usr/bin/time not found: skipped"; exit 0; }
out=$(cd "$SRC" && BENCH_NO_DOC=1 MESHPANEL="$MESHPANEL" timeout 300 bench/migrate.sh 6 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
fail=0
for step in 'migrate plan' 'migrate apply --yes' 'migrate verify --yes' 'rollback --yes'; do
    if grep -Eq "^\| \`meshpanel $step\` \| [0-9.]+ s \| [0-9.]+ s \| [0-9]+ MiB \|$" <<<"$out"; then
        echo "ok   - bench/migrate.sh: $step timed"
    else
        echo "FAIL - bench/migrate.sh: $step not timed"
        fail=1
    fi
done
[ "$rc" -eq 0 ] && echo "ok   - bench/migrate.sh 6: exit 0" || { echo "FAIL - bench/migrate.sh 6: exit $rc"; fail=1; }
exit $fail
