#!/usr/bin/env bash
# Issue 9 item 8: the migration steps on a manifest directory (-f DIR), on
# a git repository made of a copy of tests/data/demo (one file in a
# subdirectory, a hand-made VirtualService file next to them):
#  1. plan and --dry-run write nothing; without --yes and without a
#     terminal, and with --readonly, every mutating step refuses; -l too;
#  2. apply writes STEM.istio.yaml next to each Ingress file (meshpanel's
#     label on every document), leaves every other file byte-identical,
#     and a re-run is unchanged; a hand-made file in the way is never
#     overwritten;
#  3. verify proves routing equivalence from the files;
#  4. cutover of a wave moves its Ingress files into .meshpanel/backup
#     byte for byte; what stays at the old path is the file without its
#     Ingress documents (git diff: deletions only); an interrupted cutover
#     (backup written, file not yet replaced) is finished by a re-run;
#  5. status: tenants and Ingresses per state, an Ingress file added in a
#     cut-over tenant, a generated file that is gone;
#  6. retire, rollback --mode dual, rollback: every Ingress file back
#     byte for byte (cmp), every generated file gone, `git status` clean,
#     the hand-made file untouched throughout.
set -u
: "${MESHPANEL:?}" "${SRC:?}"
. "$SRC/tests/scripts/test_client_lib.bash"
export LC_ALL=C.UTF-8 MESHPANEL_NOW="2026-09-01T00:00:00Z" XDG_STATE_HOME="$WORK/state"
unset EDITOR VISUAL MESHPANEL_SCRIPT MESHPANEL_DEMO_DIR NO_COLOR
command -v git >/dev/null || { echo "# git not found: skipped"; exit 0; }

R="$WORK/repo"
mkdir -p "$R/apps"
cp "$SRC"/tests/data/demo/*.yaml "$R/"
mv "$R/ns-leo.yaml" "$R/apps/ns-leo.yaml"
cat >"$R/hand.yaml" <<'YAML'
# a VirtualService somebody wrote by hand: meshpanel never touches it
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: hand-made, namespace: ns-ivan}
spec:
  hosts: [hand.example.com]
  http: [{route: [{destination: {host: hand.ns-ivan.svc.cluster.local}}]}]
YAML
cp -r "$R" "$WORK/pristine"
G=(git -C "$R" -c user.email=t@example.com -c user.name=test)
"${G[@]}" init -q && "${G[@]}" add -A && "${G[@]}" commit -qm demo
# same PATH...: each file byte-identical to the pristine copy
same() {
    local f bad=""
    for f in "$@"; do cmp -s "$WORK/pristine/$f" "$R/$f" || bad="$bad $f"; done
    echo "${bad:-same}"
}
INGFILES=$(cd "$WORK/pristine" && grep -l '^kind: Ingress' -r . | sed 's|^\./||' | sort | tr '\n' ' ')
listing() { (cd "$R" && find . -path ./.git -prune -o -type f -print | sort | xargs sha1sum); }
tenants() { awk 'p && NF && $1 ~ /^ns-/ {print $1} /^TENANT /{p=1}' <<<"$OUT" | tr '\n' ' '; }

# ============ 0. --help of every command =====================================
for step in plan apply verify cutover retire; do
    mp migrate $step --help
    check "migrate $step --help: its usage line, exit 0" "$RC:$OUT" \
        "^0:usage: meshpanel migrate $step \\[-f DIR\\] \\[--wave N% \\| -n NS \\.\\.\\. \\| -l SEL\\]"
    check "migrate $step --help: the flags" "$OUT" '--continue-on-error'
done
mp rollback --help
check "rollback --help" "$RC:$OUT" '^0:usage: meshpanel rollback \[-f DIR\] \[--mode full\|partial\|dual\]'
mp status --help
check "status --help" "$RC:$OUT" '^0:usage: meshpanel status \[-f DIR\]'
mp migrate
check_eq "migrate without a step: exit 2" "$RC" 2
mp migrate undo -f "$R"
check "migrate with an unknown step: exit 2, said so" "$RC:$ERR" '^2:.*unknown step "undo"'

# ============ 1. writes nothing, refusals =====================================
before=$(listing)
mp migrate plan -f "$R"
check_eq "plan: exit 0" "$RC" 0
check "plan: each tenant's generated file as a diff" "$OUT" '^\+\+\+ apps/ns-leo\.istio\.yaml$'
check "plan: the table" "$OUT" 'migrate plan: 12 tenants: 11 would change, 1 unchanged'
mp migrate apply -f "$R" --dry-run
check_eq "apply --dry-run: exit 0" "$RC" 0
mp migrate apply -f "$R"
check_eq "apply without --yes and without a terminal: exit 2" "$RC" 2
check "... says why" "$ERR" 'not a terminal, so nobody can confirm: give --yes'
mp migrate apply -f "$R" --readonly --yes
check_eq "apply --readonly: exit 2" "$RC" 2
check "... says why" "$ERR" 'read-only'
mp rollback -f "$R" --readonly --yes
check_eq "rollback --readonly: exit 2" "$RC" 2
mp migrate apply -f "$R" -l team=a --yes
check_eq "-l on a directory: exit 2" "$RC" 2
check "... says why" "$ERR" '-l selects Namespaces by their labels'
mp migrate verify -f "$R" -n ns-bob --yes
check_eq "verify before apply: exit 2" "$RC" 2
check "... says apply comes first" "$OUT" '^ns-bob +failed .*ns-bob\.yaml has no Istio manifests yet: run migrate apply first'
check_eq "nothing was written" "$(listing)" "$before"

# ============ 2. apply ========================================================
mp migrate apply -f "$R" --yes
check_eq "apply: exit 0" "$RC" 0
check "apply: the table" "$OUT" 'migrate apply: 12 tenants: 11 done, 1 unchanged, 0 with findings, 0 failed'
check "apply: the suspended tenant gets nothing" "$OUT" '^ns-grace +unchanged +suspended'
gen=$(cd "$R" && find . -name '*.istio.yaml' | sed 's|^\./||' | sort | tr '\n' ' ')
check_eq "apply: STEM.istio.yaml next to each Ingress file" "$gen" \
    "apps/ns-leo.istio.yaml ns-alice.istio.yaml ns-bob.istio.yaml ns-carol.istio.yaml ns-dave.istio.yaml ns-erin.istio.yaml ns-frank.istio.yaml ns-heidi.istio.yaml ns-judy.istio.yaml ns-kim.istio.yaml ns-mallory.istio.yaml "
out=$(python3 - "$R" <<'EOF'
import glob, sys, yaml
bad = [f"{p}: {d.get('kind')}" for p in glob.glob(sys.argv[1] + "/**/*.istio.yaml", recursive=True)
       for d in yaml.safe_load_all(open(p)) if d and
       d["metadata"].get("labels", {}).get("app.kubernetes.io/managed-by") != "meshpanel"]
print(bad or "all labelled")
EOF
)
check_eq "apply: every generated document carries meshpanel's label" "$out" "all labelled"
check_eq "apply: every other file byte-identical" "$(same $INGFILES hand.yaml ns-ivan.yaml)" same
mp migrate apply -f "$R" --yes
check "apply re-run: unchanged" "$OUT" 'migrate apply: 12 tenants: 0 done, 12 unchanged'
# a hand-made file where a generated one would go is never overwritten
cp -r "$R" "$WORK/other"
rm "$WORK/other/ns-kim.istio.yaml"
cp "$R/hand.yaml" "$WORK/other/ns-kim.istio.yaml"
mp migrate apply -f "$WORK/other" --yes --continue-on-error
check_eq "apply over a hand-made file: exit 2" "$RC" 2
check "... that tenant fails, saying why" "$OUT" \
    '^ns-kim +failed .*ns-kim\.istio\.yaml exists and holds objects meshpanel did not write: not overwritten'
check_eq "... the file is untouched" "$(cmp -s "$R/hand.yaml" "$WORK/other/ns-kim.istio.yaml" && echo same)" same

# ============ 3. verify =======================================================
mp migrate verify -f "$R" --yes
check_eq "verify: exit 0" "$RC" 0
check "verify: every tenant routes alike" "$OUT" "migrate verify: 12 tenants: 12 done, 0 unchanged, 0 with findings, 0 failed"
check "verify: the requests it tried" "$OUT" "^ns-kim +done .* 16 requests over 1 hosts route alike"

# a generated file edited by hand to a wrong port: reported with the request
sed -i 's/number: 8080/number: 9999/' "$WORK/other/ns-bob.istio.yaml"
mp migrate verify -f "$WORK/other" -n ns-bob --yes
check_eq "verify of a wrong port: exit 1" "$RC" 1
check "... the request that shows it" "$OUT" \
    '^  mismatch: a7m2q9xke\.cloud\.sealos\.io/.*nginx: service ns-bob/.*:8080.*istio: service ns-bob/.*:9999'
mp migrate cutover -f "$WORK/other" -n ns-bob --yes
check_eq "cutover after a failed verify: exit 2" "$RC" 2
check "... refused, nothing moved" "$OUT" '^ns-bob +failed .*differs from the conversion'

# ============ 4. cutover of a wave ============================================
mp migrate plan -f "$R" --wave 30%
w30=$(tenants)
mp migrate cutover -f "$R" --wave 30% --yes
check_eq "cutover --wave 30%: exit 0" "$RC" 0
check_eq "cutover: the wave's tenants" "$(tenants)" "$w30"
moved=$(cd "$R/.meshpanel/backup" && find . -type f | sed 's|^\./||' | sort | tr '\n' ' ')
check "cutover: some Ingress files moved" "$moved" 'yaml'
bad=""
for f in $moved; do
    cmp -s "$WORK/pristine/$f" "$R/.meshpanel/backup/$f" || bad="$bad $f"
done
check_eq "cutover: each backup is the Ingress file byte for byte" "${bad:-same}" same
out=$("${G[@]}" diff --numstat | awk '$1 != 0 {print "added lines in " $3}')
check_eq "cutover: git diff of the tree is deletions only" "$out" ""
out=$(for f in $moved; do [ -f "$R/$f" ] && grep -c '^kind: Ingress' "$R/$f"; done | sort -u)
check_eq "cutover: no Ingress document left at the old paths" "$out" 0
mp migrate cutover -f "$R" --wave 30% --yes
check "cutover re-run: unchanged" "$OUT" "0 done, $(wc -w <<<"$w30") unchanged"
# an interrupted cutover: the backup was written, the file not yet replaced
mkdir -p "$R/.meshpanel/backup"
cp -p "$R/ns-erin.yaml" "$R/.meshpanel/backup/ns-erin.yaml"
mp status -f "$R" -n ns-erin
check "interrupted cutover: still dual" "$OUT" '^tenants: 1 \(dual 1\)$'
mp migrate cutover -f "$R" -n ns-erin --yes
check "interrupted cutover: a re-run finishes it" "$OUT" '^ns-erin +done +dual +cut-over'
check_eq "... the backup is the original" "$(cmp -s "$WORK/pristine/ns-erin.yaml" "$R/.meshpanel/backup/ns-erin.yaml" && echo same)" same

# ============ 5. status =======================================================
cut=$(tenants)
mp status -f "$R"
check_eq "status: exit 0" "$RC" 0
check "status: tenants per state" "$OUT" '^tenants: 12 \(.*cut-over [0-9]+.*\)$'
check "status: Ingresses per state" "$OUT" '^ingresses: 23 \(ingress-only 2, dual [0-9]+, cut-over [0-9]+, retired 0, rolled-back 0; 2 suspended\)$'
cat >"$R/ns-erin-late.yaml" <<'YAML'
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: latecomer, namespace: ns-erin}
spec:
  ingressClassName: nginx
  rules:
  - host: late.cloud.sealos.io
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: late, port: {number: 80}}}}]}
YAML
mv "$R/ns-erin.istio.yaml" "$WORK/erin-gen.yaml"
mp status -f "$R"
check_eq "status with problems: exit 1" "$RC" 1
check "status: the new Ingress file in a cut-over tenant" "$OUT" \
    '^  ingress ns-erin/latecomer \(ns-erin-late\.yaml\)$'
check "status: a cut-over Ingress whose generated file is gone, with the reason" "$OUT" \
    '^  ingress ns-erin/.*: cut over but ns-erin\.istio\.yaml is gone: nothing routes it'
rm "$R/ns-erin-late.yaml"
mv "$WORK/erin-gen.yaml" "$R/ns-erin.istio.yaml"

# ============ 6. retire, rollback =============================================
mp migrate retire -f "$R" -n ns-erin --yes
check_eq "retire of a cut-over tenant: exit 0" "$RC" 0
check "retire: nothing to delete in a directory" "$OUT" '^ns-erin +unchanged .*nothing to delete in a directory'
mp migrate retire -f "$R" -n ns-bob -n ns-erin --yes --continue-on-error
if ! grep -qw ns-bob <<<"$w30"; then
    check_eq "retire of a tenant not cut over: exit 2" "$RC" 2
fi
mp rollback -f "$R" --mode dual -n ns-erin --yes
check_eq "rollback --mode dual: exit 0" "$RC" 0
check_eq "rollback dual: the Ingress file back byte for byte" "$(same ns-erin.yaml)" same
check_eq "rollback dual: the generated file kept" "$([ -f "$R/ns-erin.istio.yaml" ] && echo kept)" kept
mp rollback -f "$R" --yes
check_eq "rollback: exit 0" "$RC" 0
check "rollback: the table" "$OUT" '^rollback: 12 tenants: 11 done, 1 unchanged'
check_eq "rollback: every Ingress file byte for byte" "$(same $INGFILES hand.yaml ns-ivan.yaml)" same
check_eq "rollback: git status is clean (no generated file, no backup folder)" \
    "$("${G[@]}" status --porcelain --untracked-files=all)" ""
check_eq "rollback: the tree as it was" "$(diff -r -x .git "$WORK/pristine" "$R" && echo same)" same
mp rollback -f "$R" --yes
check "rollback re-run: unchanged" "$OUT" '^rollback: 12 tenants: 0 done, 12 unchanged'
finish
