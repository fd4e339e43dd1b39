#!/usr/bin/env bash
# `meshpanel convert -f` on JSON Lists: the Ingresses it decodes straight from
# their bytes (model/ingress_json.h) must give exactly what the tree path gives.
# Every JSON input of the tests (tests/**/*.json), every YAML manifest of the
# tests (golden inputs, tests/bad, tests/data) turned into a kubectl-style List
# (indented, and compact), the generator's corpus as a List, and Lists built
# here (escapes, nulls, a bad item after good ones, a syntax error after good
# ones) are converted twice, with the direct path and with MESHPANEL_DECODE=tree,
# under one to three option sets: stdout, stderr and the exit status must be
# the same bytes.
set -u
: "${MESHPANEL:?}" "${SRC:?}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pass=0 fail=0

mkdir -p "$out/in"
# YAML manifests as kubectl's List JSON; files PyYAML cannot read are left out
python3 - "$SRC" "$out/in" <<'EOF'
import glob, json, os, re, sys, yaml
src, dst = sys.argv[1], sys.argv[2]
paths = sorted(glob.glob(f"{src}/tests/**/*.yaml", recursive=True) +
               glob.glob(f"{src}/tests/**/*.yml", recursive=True))
for p in paths:
    try:
        with open(p, encoding="utf-8") as f:
            text = f.read()
        if len(text) > 1 << 20 or re.search(r"&[A-Za-z0-9_]", text):
            continue  # anchors: an alias bomb (tests/bad) is not expanded
        docs = list(yaml.safe_load_all(text))
    except Exception:
        continue
    items = []
    for d in docs:
        if isinstance(d, dict) and str(d.get("kind", "")).endswith("List") and \
                isinstance(d.get("items"), list):
            items.extend(d["items"])
        elif d is not None:
            items.append(d)
    if not items:
        continue
    lst = {"apiVersion": "v1", "items": items, "kind": "List",
           "metadata": {"resourceVersion": ""}}
    name = os.path.relpath(p, src).replace("/", "_")
    try:
        for style, kw in (("ind", {"indent": 4}), ("cmp", {"separators": (",", ":")})):
            with open(f"{dst}/{name}.{style}.json", "w", encoding="utf-8") as f:
                json.dump(lst, f, ensure_ascii=(style == "cmp"), default=str, **kw)
                f.write("\n")
    except Exception:
        continue
EOF
for f in $(find "$SRC/tests" -name '*.json' -not -path '*/apiserver/*' | sort); do
    cp "$f" "$out/in/$(echo "${f#"$SRC"/}" | tr / _)"
done
python3 "$SRC/bench/gen_ingresses.py" -n 300 -o "$out/gen.yaml"
python3 - "$out/gen.yaml" "$out/in/gen300.json" <<'EOF'
import json, sys, yaml
items = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
json.dump({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {}},
          open(sys.argv[2], "w"), indent=4)
EOF

# Lists built here: what the direct path must decline or get right
ing() { # name ns annotations-json [extra spec json]
    printf '{"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",\n'
    printf ' "metadata": {"name": "%s", "namespace": "%s", "annotations": {%s}},\n' "$1" "$2" "$3"
    printf ' "spec": {"rules": [{"host": "%s.example.com", "http": {"paths": [\n' "$1"
    printf '   {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web",\n'
    printf '    "port": {"number": 80}}}}]}}]%s}}' "${4:-}"
}
list() { printf '{"apiVersion": "v1", "kind": "List", "items": [\n'; local first=1; for i in "$@"; do
    [ $first = 1 ] || printf ',\n'; first=0; printf '%s' "$i"; done; printf '\n]}\n'; }
A='"nginx.ingress.kubernetes.io/server-snippet": "a\nb \"c\" \u00e9\ud83d\ude00\ud800", "x.io/y": "z"'
list "$(ing a ns-a "$A")" "$(ing b ns-b '"kubernetes.io/ingress.class": "pause"')" \
    "$(ing c ns-c '"a": null')" "$(ing d ns-d '' ', "tls": [{"hosts": ["d.example.com"], "secretName": "Bad_S"}]')" \
    '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "ns-a"}, "spec": {"ports": [{"name": "http", "port": 80}]}}' \
    "$(ing e ns-a '"nginx.ingress.kubernetes.io/rewrite-target": "/$1"' ', "ingressClassName": "nginx"')" \
    >"$out/in/built-mixed.json"
list "$(ing a ns-a "$A")" "$(ing b ns-b '')" "$(ing Bad ns-c '')" "$(ing d ns-d '')" \
    "$(ing e ns-e '' ', "defaultBackend": {"resource": {"kind": "X", "name": "y"}}')" \
    >"$out/in/built-bad-item.json"
list "$(ing a ns-a "$A")" "$(ing b ns-b '')" '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": 5}}' \
    "$(ing d ns-d '')" >"$out/in/built-bad-object.json"
{ list "$(ing a ns-a "$A")" "$(ing b ns-b '')" "$(ing c ns-c '')"; printf '{"kind": "List", "items": [%s, {"x": tru}]}\n' "$(ing d ns-d '')"; } \
    >"$out/in/built-syntax.json"
{ list "$(ing a ns-a '')" "$(ing b ns-b '')"; printf '[%s,\n%s]\n' "$(ing c ns-c '')" "$(ing d ns-d '' ', "tls": [{"hosts": ["d.example.com"]}]')"; } \
    >"$out/in/built-two-lists.json"
list "$(ing a ns-a '')" "$(ing a ns-a '')" >"$out/in/built-duplicate.json"
printf '{"apiVersion": "v1", "kind": "List", "items": [%s, %s], "items2": 1}\n' "$(ing a ns-a '')" \
    "$(ing b ns-b '')" >"$out/in/built-tail.json"

n=$(ls "$out/in" | wc -l)
[ "$n" -ge 100 ] || { echo "FAIL: only $n inputs"; fail=$((fail + 1)); }

run() { # tag file args...
    local tag=$1 f=$2
    shift 2
    "$MESHPANEL" convert -f "$f" "$@" >"$out/$tag.out" 2>"$out/$tag.err"
    echo $? >"$out/$tag.rc"
}
OTHER="-n other-ns --gateway-mode shared --platform-domain example.com -o json"
for f in "$out"/in/*.json; do
    # Every input with the defaults. Another default namespace (items
    # without one), shared mode and JSON out on one of the two styles of
    # each manifest and on the Lists built here; bad options (no conversion:
    # every object only checked) on the built ones: the suite's time under
    # ASan (each pair is two processes) stays in bounds.
    sets=("")
    case $(basename "$f") in
    *.ind.json) ;;
    built-*) sets+=("$OTHER" "-n Bad_NS") ;;
    *) sets+=("$OTHER") ;;
    esac
    for opts in "${sets[@]}"; do
        # shellcheck disable=SC2086
        run direct "$f" $opts
        # shellcheck disable=SC2086
        MESHPANEL_DECODE=tree run tree "$f" $opts
        same=1
        for x in out err rc; do
            cmp -s "$out/direct.$x" "$out/tree.$x" || same=0
        done
        if [ $same = 1 ]; then
            pass=$((pass + 1))
        else
            echo "FAIL: $(basename "$f") $opts: direct and tree differ"
            diff "$out/direct.err" "$out/tree.err" | head -5
            fail=$((fail + 1))
        fi
    done
done
# both outcomes are exercised: conversions and invalid input
for f in built-mixed built-bad-item built-syntax gen300; do
    run direct "$out/in/$f.json"
    echo "$f: rc $(cat "$out/direct.rc"), $(tail -1 "$out/direct.err" | cut -c1-90)"
done

echo "test_convert_direct: $pass passed, $fail failed ($n inputs)"
[ "$fail" -eq 0 ]
