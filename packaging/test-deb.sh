#!/usr/bin/env bash
# Builds the .deb from a build folder, installs it on this Debian machine, runs it, removes it
# and checks that its files are gone. Needs root (it installs a package): exits 77 (skipped)
# otherwise. Usage: packaging/test-deb.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:?usage: test-deb.sh BUILD_DIR}" && pwd)
if [[ $(id -u) -ne 0 ]]; then
  echo "SKIP: installing a .deb needs root (CI runs this as root on a throwaway machine)"
  exit 77
fi
for tool in cpack apt-get dpkg; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool not found" >&2; exit 1; }
done
fail() { echo "FAIL: $*" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt_opts=(-y -q -o DPkg::Lock::Timeout=300)

work=$(mktemp -d /tmp/bhiv-ops-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "== cpack -G DEB in $build"
(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log" >&2; fail "cpack failed"; }
debs=("$work"/out/bhiv-ops_*.deb)
[[ -f ${debs[0]} ]] || fail "no bhiv-ops_*.deb in $work/out"
deb=${debs[0]}
echo "built $(basename "$deb")"
dpkg-deb --field "$deb" Package Version Architecture Depends
depends=$(dpkg-deb --field "$deb" Depends)
for dep in libqt6widgets6 libqt6core6 qt6-qpa-plugins libqt6sql6-sqlite; do
  grep -q "$dep" <<<"$depends" || fail "Depends lacks $dep: $depends"
done
listing=$(dpkg-deb --contents "$deb")
for path in ./usr/bin/bhiv-ops ./usr/bin/bhiv-gateway-sim \
  ./usr/share/applications/org.bhiv.OpsConsole.desktop \
  ./usr/share/metainfo/org.bhiv.OpsConsole.metainfo.xml \
  ./usr/share/icons/hicolor/scalable/apps/org.bhiv.OpsConsole.svg \
  ./usr/share/icons/hicolor/48x48/apps/org.bhiv.OpsConsole.png \
  ./usr/share/man/man1/bhiv-ops.1.gz; do
  grep -q " $path\$" <<<"$listing" || fail "the package lacks $path"
done

if dpkg-query -W -f='${Status}' bhiv-ops 2>/dev/null | grep -q "install ok installed"; then
  echo "== removing a bhiv-ops installed before this test"
  apt-get remove "${apt_opts[@]}" bhiv-ops
fi

echo "== apt-get install ./$(basename "$deb")"
(cd "$work/out" && apt-get install "${apt_opts[@]}" --no-install-recommends "./$(basename "$deb")")
files=$(dpkg -L bhiv-ops)

version=$(QT_QPA_PLATFORM=offscreen /usr/bin/bhiv-ops --version)
[[ $version == "bhiv-ops 0.1.0" ]] || fail "installed bhiv-ops --version printed '$version'"
echo "$version"
for path in /usr/bin/bhiv-ops /usr/bin/bhiv-gateway-sim /usr/share/applications/org.bhiv.OpsConsole.desktop \
  /usr/share/icons/hicolor/256x256/apps/org.bhiv.OpsConsole.png; do
  [[ -f $path ]] || fail "$path not installed"
done
if [[ ! -f /usr/share/man/man1/bhiv-ops.1.gz ]]; then
  grep -rqs "path-exclude.*/usr/share/man" /etc/dpkg/dpkg.cfg.d/ ||
    fail "the man page was not installed"
  echo "note: this machine's dpkg excludes man pages"
fi

echo "== demo screenshot with the installed console"
shot=$work/x.png
export HOME=$work/home XDG_RUNTIME_DIR=$work/run XDG_CONFIG_HOME=$work/home/.config
mkdir -p "$HOME" && mkdir -m 700 "$XDG_RUNTIME_DIR"
(cd / && QT_QPA_PLATFORM=offscreen timeout 120 bhiv-ops --demo --screenshot "$shot" \
  --screenshot-delay 1) || fail "the installed demo did not make a screenshot"
[[ $(head -c 8 "$shot" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] ||
  fail "$shot is not a PNG"
size=$(stat -c %s "$shot")
((size > 10000)) || fail "$shot is only $size bytes"
echo "screenshot: $size bytes"

echo "== apt-get remove bhiv-ops"
apt-get remove "${apt_opts[@]}" bhiv-ops
if dpkg-query -W -f='${Status}' bhiv-ops 2>/dev/null | grep -q "install ok installed"; then
  fail "bhiv-ops is still installed"
fi
left=()
while IFS= read -r path; do
  [[ -f $path ]] && left+=("$path")
done <<<"$files"
((${#left[@]} == 0)) || fail "files left after removal: ${left[*]}"
command -v bhiv-ops >/dev/null && fail "bhiv-ops still on PATH: $(command -v bhiv-ops)"
echo "deb: built, installed, ran, removed"
