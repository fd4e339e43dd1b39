#!/usr/bin/env bash
# `meshpanel convert -f DIR --overrides FILE`: the operator's edits (an
# overlay file, docs/cli.md) re-applied to a conversion. The edited fields
# appear, every other object is byte-identical to a plain convert, a change
# of the same field upstream is one MP501 line, and a bad overrides file is
# one error line, exit 2, nothing on stdout.
set -u
: "${MESHPANEL:?}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

mkdir -p "$out/dir"
ingress() { # ns name host timeout
    cat <<EOF
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: $2
  namespace: $1
  annotations:
    kubernetes.io/ingress.class: nginx
    nginx.ingress.kubernetes.io/proxy-read-timeout: "$4"
    nginx.ingress.kubernetes.io/enable-cors: "true"
spec:
  rules:
  - host: $3
    http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: web, port: {number: 80}}}
      - path: /api
        pathType: Prefix
        backend: {service: {name: api, port: {number: 8080}}}
EOF
}
ingress ns-alice web web.example.com 300 >"$out/dir/web.yaml"
ingress ns-bob shop shop.example.com 300 >"$out/dir/shop.yaml"
# a live Istio object in the directory, with fields no form knows
cat >"$out/dir/live.yaml" <<'EOF'
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: legacy
  namespace: ns-alice
  resourceVersion: "42"
  labels: {team: a}
spec:
  hosts: [legacy.example.com]
  exportTo: ["."]
  http:
  - name: main
    route:
    - destination: {host: legacy.ns-alice.svc.cluster.local}
    mirror: {host: shadow.ns-alice.svc.cluster.local}
EOF

"$MESHPANEL" convert -f "$out/dir" >"$out/plain.yaml" 2>"$out/plain.err"
rc=$?
[ "$rc" -eq 0 ] && ok || bad "plain convert exit $rc"

# The operator's edits, written as the console's :w would: a CORS origin and
# a timeout on the converted VirtualService, a timeout on the live one.
python3 - "$out" <<'EOF'
import copy, sys, yaml
out = sys.argv[1]
docs = list(yaml.safe_load_all(open(f"{out}/plain.yaml")))
vs = next(d for d in docs if d["kind"] == "VirtualService" and d["metadata"]["name"] == "web-example-com")
ed = copy.deepcopy(vs)
ed["spec"]["http"][0]["corsPolicy"]["allowOrigins"].append({"exact": "https://app.example.com"})
ed["spec"]["http"][0]["timeout"] = "120s"
live = yaml.safe_load(open(f"{out}/dir/live.yaml"))
del live["metadata"]["resourceVersion"]
led = copy.deepcopy(live)
led["spec"]["http"][0]["timeout"] = "30s"
def entry(obj, origin, base):
    e = {"kind": obj["kind"], "namespace": obj["metadata"]["namespace"],
         "name": obj["metadata"]["name"], "origin": origin, "applied": False}
    if base is not None:
        e["base"] = base
    e["edited"] = obj
    return e
ov = {"apiVersion": "meshpanel.io/v1alpha1", "kind": "Overlay",
      "entries": [entry(ed, "converted", vs), entry(led, "live", live)]}
yaml.safe_dump(ov, open(f"{out}/ov.yaml", "w"), sort_keys=False)
bad = copy.deepcopy(ov)
del bad["entries"][1]["edited"]
yaml.safe_dump(bad, open(f"{out}/bad.yaml", "w"), sort_keys=False)
EOF

"$MESHPANEL" convert -f "$out/dir" --overrides "$out/ov.yaml" >"$out/edited.yaml" 2>"$out/edited.err"
rc=$?
[ "$rc" -eq 0 ] && ok || bad "convert --overrides exit $rc: $(cat "$out/edited.err")"
cmp -s "$out/plain.err" "$out/edited.err" && ok || bad "warnings differ: $(diff "$out/plain.err" "$out/edited.err")"

# Split both outputs into one file per document, named kind.ns.name.
split_docs() { # file dir
    mkdir -p "$2"
    python3 - "$1" "$2" <<'EOF'
import sys
text = open(sys.argv[1]).read()
for doc in text.split("\n---\n"):
    lines = doc.splitlines()
    kind = next(l.split(": ", 1)[1] for l in lines if l.startswith("kind: "))
    name = next(l.split(": ", 1)[1] for l in lines if l.startswith("  name: "))
    ns = next(l.split(": ", 1)[1] for l in lines if l.startswith("  namespace: "))
    open(f"{sys.argv[2]}/{kind}.{ns}.{name}", "w").write(doc.rstrip("\n") + "\n")
EOF
}
split_docs "$out/plain.yaml" "$out/p"
split_docs "$out/edited.yaml" "$out/e"
n_plain=$(ls "$out/p" | wc -l)
n_edit=$(ls "$out/e" | wc -l)
[ "$n_plain" -ge 4 ] && ok || bad "plain convert gave $n_plain objects"
[ "$n_edit" -eq $((n_plain + 1)) ] && ok || bad "$n_edit objects with overrides, want $((n_plain + 1))"
same=0
for f in "$out/p"/*; do
    b=$(basename "$f")
    [ "$b" = VirtualService.ns-alice.web-example-com ] && continue
    if cmp -s "$f" "$out/e/$b"; then same=$((same + 1)); else bad "$b differs: $(diff "$f" "$out/e/$b")"; fi
done
[ "$same" -eq $((n_plain - 1)) ] && ok || bad "$same objects unchanged, want $((n_plain - 1))"
# the edited VirtualService: exactly the two edited lines differ
vs_diff=$(diff "$out/p/VirtualService.ns-alice.web-example-com" \
    "$out/e/VirtualService.ns-alice.web-example-com" | grep '^[<>]')
want_diff='> - exact: https://app.example.com
< timeout: 300s
> timeout: 120s'
[ "$(printf '%s\n' "$vs_diff" | sed 's/^\([<>]\) */\1 /' | sort)" = "$(printf '%s\n' "$want_diff" | sort)" ] &&
    ok || bad "edited VirtualService diff: $vs_diff"
# the live object: merged, its unknown fields and the edit there, noise gone
live="$out/e/VirtualService.ns-alice.legacy"
for want in 'timeout: 30s' 'mirror:' 'exportTo:' 'team: a'; do
    grep -q "$want" "$live" && ok || bad "live object lacks $want"
done
grep -q resourceVersion "$live" && bad "live object keeps resourceVersion" || ok

# The Ingress changes the edited field: the edit is kept, one MP501 says so.
ingress ns-alice web web.example.com 60 >"$out/dir/web.yaml"
"$MESHPANEL" convert -f "$out/dir" --overrides "$out/ov.yaml" >"$out/again.yaml" 2>"$out/again.err"
rc=$?
[ "$rc" -eq 0 ] && ok || bad "re-convert exit $rc"
grep -c MP501 "$out/again.err" | grep -qx 1 && ok || bad "want one MP501: $(cat "$out/again.err")"
grep -qxF 'warning: MP501 virtualservice ns-alice/web-example-com: spec.http[0].timeout: the conversion now gives 60s (was 300s); your edit 120s is kept' \
    "$out/again.err" && ok || bad "MP501 line: $(grep MP501 "$out/again.err")"
split_docs "$out/again.yaml" "$out/a"
vs="$out/a/VirtualService.ns-alice.web-example-com"
grep -q 'timeout: 120s' "$vs" && grep -q 'timeout: 60s' "$vs" && grep -q 'exact: https://app.example.com' "$vs" &&
    ok || bad "re-converted VirtualService: $(grep -E 'timeout|exact' "$vs")"
"$MESHPANEL" convert -f "$out/dir" --overrides "$out/ov.yaml" --strict >/dev/null 2>&1
rc=$?
[ "$rc" -eq 1 ] && ok || bad "--strict with MP501: exit $rc, want 1"

# Bad overrides files: one line naming file, entry and field; exit 2; no stdout.
for case in "bad.yaml|entries\[1\]\.edited: missing" "nope.yaml|nope.yaml: No such file"; do
    f=${case%%|*} want=${case#*|}
    "$MESHPANEL" convert -f "$out/dir" --overrides "$out/$f" >"$out/bad.out" 2>"$out/bad.err"
    rc=$?
    [ "$rc" -eq 2 ] && ok || bad "$f: exit $rc, want 2"
    [ ! -s "$out/bad.out" ] && ok || bad "$f: stdout not empty"
    [ "$(wc -l <"$out/bad.err")" -eq 1 ] && ok || bad "$f: $(wc -l <"$out/bad.err") error lines"
    grep -q "^meshpanel convert: .*$want" "$out/bad.err" && ok || bad "$f: $(cat "$out/bad.err")"
done
"$MESHPANEL" convert -f "$out/dir" --overrides >/dev/null 2>"$out/noarg.err"
rc=$?
[ "$rc" -eq 2 ] && grep -q -- '--overrides: needs a value' "$out/noarg.err" && ok || bad "--overrides without a value: exit $rc"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
