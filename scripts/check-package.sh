#!/usr/bin/env bash
# Builds the release configuration, packages it with CPack (DEB + TGZ), unpacks the DEB into a
# scratch root and checks its files and that socketscope-cli runs; as root it also installs the DEB
# with dpkg, runs the installed CLI and GUI (offscreen, temporary profile store) and removes it.
#   SOCKETSCOPE_SKIP_DPKG_INSTALL=1   skip the real installation
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
         usr/share/icons/hicolor/scalable/apps/socketscope.svg usr/share/icons/hicolor/256x256/apps/socketscope.png \
         usr/share/doc/socketscope/LICENSE; do
  [ -e "$root/$f" ] || { echo "package check: $f missing from $deb" >&2; exit 1; }
done
version=$(QT_QPA_PLATFORM=offscreen "$root/usr/bin/socketscope-cli" --version)
echo "==> installed socketscope-cli --version: $version"
[[ "$version" == socketscope-cli\ * ]] || { echo "package check: unexpected --version output" >&2; exit 1; }
tar -tzf "$tgz" >"$root.tgz-list"
for f in bin/socketscope bin/socketscope-cli share/applications/socketscope.desktop; do
  grep -q "/$f\$" "$root.tgz-list" || { echo "package check: $f missing from $tgz" >&2; exit 1; }
done
rm -f "$root.tgz-list"
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$root/usr/share/applications/socketscope.desktop"
fi
# Install for real when allowed (CI runs as root). dpkg checks the declared dependencies.
if [ "$(id -u)" -eq 0 ] && [ "${SOCKETSCOPE_SKIP_DPKG_INSTALL:-0}" != 1 ]; then
  dpkg -i "$deb" >/dev/null
  trap 'dpkg -r socketscope >/dev/null 2>&1 || true; rm -rf "$root"' EXIT
  /usr/bin/socketscope-cli --version
  store="$root/check-profiles.json"
  /usr/bin/socketscope-cli --profiles "$store" profiles add check --url ws://127.0.0.1:9/ >/dev/null
  /usr/bin/socketscope-cli --profiles "$store" profiles list --json >"$root/list.json"
  grep -q '"name": "check"' "$root/list.json" \
    || { echo "package check: installed CLI did not list the profile it added" >&2; exit 1; }
  # The installed GUI starts (offscreen) and writes its "Local demo" profile on first start.
  gui_store="$root/gui-profiles.json"
  QT_QPA_PLATFORM=offscreen XDG_CONFIG_HOME="$root/config" /usr/bin/socketscope --profiles "$gui_store" >"$root/gui.log" 2>&1 &
  gui_pid=$!
  for _ in $(seq 100); do grep -q '"Local demo"' "$gui_store" 2>/dev/null && break; sleep 0.1; done
  kill "$gui_pid" 2>/dev/null || true
  wait "$gui_pid" 2>/dev/null || true
  grep -q '"Local demo"' "$gui_store" 2>/dev/null \
    || { echo "package check: installed GUI did not start: $(cat "$root/gui.log")" >&2; exit 1; }
  echo "==> installed package: CLI and GUI start"
  dpkg -r socketscope >/dev/null
fi
echo "==> package check ok"
