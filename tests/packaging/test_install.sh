#!/usr/bin/env bash
# Install and package from a clean copy of the tree (issue 13), the way a
# packager would: a Release build with warnings as errors, `cmake --install`
# into a DESTDIR, `cpack -G DEB`. Then the copy of the source and its build
# directory are moved aside, and the installed binary is run from another
# directory: it must find its demo and themes under its own prefix, never
# through a path of the build.
#
# usage: tests/packaging/test_install.sh [CC]     (run by ./test.sh; default gcc)
# Not a ctest test: it builds the whole project once more.
set -uo pipefail
cc=${1:-gcc}
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   - $1"; }
bad() {
    fail=$((fail + 1))
    echo "FAIL - $1"
    [ $# -ge 2 ] && printf '       | %s\n' "$2"
}
check() { if grep -Eq -- "$3" <<<"$2"; then ok "$1"; else bad "$1" "expected /$3/ in: $(head -c 600 <<<"$2")"; fi; }

# A clean copy: the tracked files and the new ones git does not ignore.
mkdir "$work/src"
# (one tar reading the list: xargs would split a long list into several
# archives, and the reading tar stops at the end of the first)
(cd "$src" && git ls-files -co --exclude-standard -z |
    tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$work/src"
if [ -d "$src/.git" ]; then # the commit `meshpanel version` reports
    export MESHPANEL_COMMIT
    MESHPANEL_COMMIT=$(git -C "$src" rev-parse --short=12 HEAD)
fi
echo "# building $cc Release from a copy in $work/src"
if CC=$cc cmake -S "$work/src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DMESHPANEL_WERROR=ON \
    -DCMAKE_INSTALL_PREFIX=/usr >"$work/configure.log" 2>&1 &&
    cmake --build "$work/build" -j"$(nproc)" >"$work/build.log" 2>&1; then
    ok "Release build with $cc, warnings as errors"
else
    bad "Release build with $cc, warnings as errors" "$(grep -E 'error|warning' "$work/build.log" | head -5)"
    echo "# $pass passed, $fail failed"
    exit 1
fi

stage="$work/stage"
DESTDIR="$stage" cmake --install "$work/build" >"$work/install.log" 2>&1 &&
    ok "cmake --install into a DESTDIR" || bad "cmake --install into a DESTDIR" "$(tail -3 "$work/install.log")"
for f in usr/bin/meshpanel usr/share/meshpanel/demo/ns-alice.yaml usr/share/meshpanel/themes/light.theme \
    usr/share/man/man1/meshpanel.1.gz usr/share/bash-completion/completions/meshpanel \
    usr/share/zsh/vendor-completions/_meshpanel usr/share/fish/vendor_completions.d/meshpanel.fish; do
    [ -s "$stage/$f" ] && ok "installed $f" || bad "installed $f"
done
[ "$(readlink "$stage/usr/bin/kubectl-meshpanel")" = meshpanel ] && ok "kubectl-meshpanel links to meshpanel" ||
    bad "kubectl-meshpanel links to meshpanel" "$(ls -l "$stage/usr/bin")"

(cd "$work/build" && cpack -G DEB >"$work/cpack.log" 2>&1)
deb=$(ls "$work"/build/meshpanel_*_*.deb 2>/dev/null | head -n 1)
if [ -n "$deb" ]; then
    ok "cpack -G DEB: $(basename "$deb"), $(stat -c %s "$deb") bytes"
    info=$(dpkg-deb -I "$deb")
    check "deb: package name and version" "$info" 'Package: meshpanel'
    deps=$(sed -n 's/^ Depends: //p' <<<"$info")
    for lib in libncursesw6 libcurl4 libcjson1 libyaml-0-2 libc6; do
        check "deb: Depends names $lib (computed by dpkg-shlibdeps)" "$deps" "(^|, )$lib( |,|$)"
    done
    check "deb: Recommends bash-completion (it loads the completion)" "$info" 'Recommends: bash-completion'
    files=$(dpkg-deb -c "$deb" | awk '{print $6}')
    for f in ./usr/bin/meshpanel ./usr/share/man/man1/meshpanel.1.gz ./usr/share/meshpanel/demo/ns-judy.yaml \
        ./usr/share/meshpanel/themes/mono.theme ./usr/share/bash-completion/completions/meshpanel; do
        check "deb: holds $f" "$files" "^${f//./\\.}$"
    done
    check "deb: holds the kubectl-meshpanel link" "$(dpkg-deb -c "$deb")" 'kubectl-meshpanel -> meshpanel'
    check_no_tree=$(dpkg-deb -c "$deb" | grep -c -- "$work" || true)
    [ "$check_no_tree" = 0 ] && ok "deb: no path of the build machine" || bad "deb: no path of the build machine"
else
    bad "cpack -G DEB made a .deb" "$(tail -5 "$work/cpack.log")"
fi

# Out of reach: the source copy and the build directory move aside.
mv "$work/src" "$work/src.aside"
mv "$work/build" "$work/build.aside"
bin="$stage/usr/bin/meshpanel"
run="$work/elsewhere"
mkdir -p "$run"
cd "$run" || exit 1
export HOME="$run/home" XDG_CONFIG_HOME="$run/home/.config" XDG_STATE_HOME="$run/home/.state" LC_ALL=C.UTF-8
unset MESHPANEL_DEMO_DIR MESHPANEL_THEMES_DIR MESHPANEL_CONFIG KUBECONFIG
printf ':save-display %s\n' "$run/demo.txt" >"$run/demo.script"
"$bin" --demo --theme light --size 120x30 --script "$run/demo.script" >"$run/out" 2>&1
rc=$?
[ "$rc" = 0 ] && ok "installed --demo --theme light runs from another directory" ||
    bad "installed --demo --theme light runs" "$(cat "$run/out")"
check "installed --demo shows the demo tenants" "$(cat "$run/demo.txt" 2>/dev/null)" 'Tenants \[13\]'
printf ':save-display %s\n' "$run/notheme.txt" >"$run/notheme.script"
"$bin" --demo --theme nosuch --size 400x30 --script "$run/notheme.script" >/dev/null 2>&1
check "a missing theme names the installed themes directory" "$(tail -n 2 "$run/notheme.txt")" \
    "looked in .*$stage/usr/share/meshpanel/themes"
check "meshpanel version: the commit" "$("$bin" version)" "^meshpanel [0-9.]+ \\(commit ${MESHPANEL_COMMIT:-[0-9a-f]+}"
if command -v man >/dev/null; then
    check "man -l renders the installed page" "$(MANWIDTH=80 man -l "$stage/usr/share/man/man1/meshpanel.1.gz" 2>&1 | head -n 8)" \
        'MESHPANEL\(1\)'
fi
if command -v kubectl >/dev/null; then
    out=$(PATH="$stage/usr/bin:$PATH" kubectl meshpanel version 2>&1)
    check "kubectl meshpanel version (the plugin)" "$out" '^meshpanel [0-9.]+ '
    out=$(PATH="$stage/usr/bin:$PATH" kubectl meshpanel get ingresses -A 2>&1)
    check "kubectl meshpanel get without a kubeconfig: says --demo works" "$out" 'meshpanel --demo'
fi
# the binary holds no path of the build (strings of the source or build dir)
if strings "$bin" | grep -qF -- "$work/src"; then
    bad "the installed binary holds no source path" "$(strings "$bin" | grep -F -- "$work/src" | head -3)"
else
    ok "the installed binary holds no source path"
fi
echo "# $pass passed, $fail failed"
[ "$fail" = 0 ]
