#!/usr/bin/env bash
# SocketScope set-up for a fresh Debian 12 machine.
#   scripts/bootstrap.sh run    install what is missing, build, start the app
#   scripts/bootstrap.sh test   install what is missing, build (warnings as errors, ASan+UBSan),
#                               run the whole test suite (with the fuzz corpus regression), fail on
#                               any skipped test not declared in tests/declared-skips.txt, then
#                               build and check the DEB package
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-run}"

PACKAGES=(qt6-base-dev qt6-websockets-dev libssh-dev libqcustomplot-dev qtkeychain-qt6-dev
  prometheus # tests/exporter: a real Prometheus scrapes `socketscope-cli exporter`; promtool checks docs/prometheus rules (issue 12)
  libgtest-dev libgmock-dev cmake ninja-build g++ pkg-config
  xvfb xauth imagemagick nginx libnginx-mod-stream haproxy openssh-server python3-websockets sudo
  python3-cryptography openssh-client clang libclang-rt-14-dev dpkg-dev file ccache
  dbus-daemon dbus-bin gnome-keyring libsecret-1-0 tinyproxy microsocks
  libnginx-mod-http-lua ansible-core patch
  clang-format # tests: Format.ListedFilesFollowClangFormat runs .clang-format over tests/format-clean.txt
  # PCRE2 8-bit headers: log search runs regexes on raw bytes (src/logs/ByteRegex.cpp)
  libpcre2-dev
  zlib1g-dev # permessage-deflate: the probe inflates compressed WebSocket messages (FrameParser)
  # uvicorn (ASGI server, Debian's, no pip): tests/logs/RealLogLinesTest.cpp captures its WebSocket lines (issue 17)
  python3-uvicorn
  )

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  # Node.js and npm run the application servers of tests/appservers. Any node >= 18 with its npm
  # will do: Debian's (nodejs + npm), or a NodeSource nodejs that carries npm itself (and conflicts
  # with Debian's npm package), so ask for the commands, not the package names.
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> installing: ${missing[*]}"
  local SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

jobs=$(nproc 2>/dev/null || echo 2)
# ccache only speeds up rebuilds on the same machine; the build is the same without it.
if command -v ccache >/dev/null 2>&1; then
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache CCACHE_BASEDIR="$PWD"
fi

case "$mode" in
  run)
    install_missing
    cmake --preset dev >/dev/null
    cmake --build --preset dev -j "$jobs"
    if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
      echo "==> no display: starting SocketScope under Xvfb (scripts/screenshot takes a picture of it)"
      exec xvfb-run -a -s "-screen 0 1280x800x24" build/dev/app/socketscope
    fi
    exec build/dev/app/socketscope
    ;;
  test)
    install_missing
    start=$(date +%s)
    cmake --preset ci >/dev/null
    cmake --build --preset ci -j "$jobs"
    # Under CI=true a lab that cannot run fails its test (tests/lab/Lab.h); every other skip must
    # be declared. The skip count is printed even when a test failed.
    junit="$PWD/build/ci/ctest-junit.xml"
    rm -f "$junit"
    rc=0
    ctest --preset ci -j "$jobs" --output-junit "$junit" || rc=$?
    /usr/bin/python3 scripts/check-skips.py "$junit" tests/declared-skips.txt || rc=1
    [ "$rc" -eq 0 ] || exit "$rc"
    echo "==> tests done in $(( $(date +%s) - start )) s; packaging check"
    scripts/check-package.sh
    echo "==> all done in $(( $(date +%s) - start )) s"
    ;;
  *)
    echo "usage: $0 run|test" >&2
    exit 2
    ;;
esac
