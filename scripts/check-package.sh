#!/usr/bin/env bash
# Builds the release configuration, packages it with CPack (DEB + TGZ), installs the DEB into a
# scratch root with dpkg, and checks that the installed socketscope-cli runs.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
(cd build/release && cpack -G "DEB;TGZ" >/dev/null)
deb=$(ls -t build/release/socketscope_*.deb | head -n 1)
tgz=$(ls -t build/release/socketscope-*.tar.gz | head -n 1)
echo "==> built $deb and $tgz"
dpkg-deb --info "$deb" | grep -E "Package|Version|Depends" | sed 's/^/    /'
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg-deb -x "$deb" "$root"
for f in usr/bin/socketscope usr/bin/socketscope-cli usr/share/applications/socketscope.desktop \
         usr/share/icons/hicolor/scalable/apps/socketscope.svg; do
  [ -e "$root/$f" ] || { echo "package check: $f missing from $deb" >&2; exit 1; }
done
version=$(QT_QPA_PLATFORM=offscreen "$root/usr/bin/socketscope-cli" --version)
echo "==> installed socketscope-cli --version: $version"
[[ "$version" == socketscope-cli\ * ]] || { echo "package check: unexpected --version output" >&2; exit 1; }
# Install for real when allowed (CI runs as root): dpkg resolves the declared dependencies.
if [ "$(id -u)" -eq 0 ] && [ "${SOCKETSCOPE_SKIP_DPKG_INSTALL:-0}" != 1 ]; then
  dpkg -i "$deb" >/dev/null
  /usr/bin/socketscope-cli --version
  dpkg -r socketscope >/dev/null
fi
echo "==> package check ok"
