#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a bounded time on its seed corpus.
#   scripts/fuzz.sh [SECONDS_PER_TARGET]      (default 60)
#   scripts/fuzz.sh --regress                 run each target once over its corpus only (fast, CI)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-60}"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc 2>/dev/null || echo 2)"
status=0
for bin in build/fuzz/tests/fuzz/fuzz_*; do
  [ -f "$bin" ] && [ -x "$bin" ] || continue
  name=$(basename "$bin"); name=${name#fuzz_}
  corpus="tests/fuzz/corpus/$name"
  mkdir -p "$corpus"
  if [ "$mode" = "--regress" ]; then
    echo "==> $name: corpus regression"
    "$bin" -runs=0 "$corpus" 2>&1 | tail -n 2 || status=1
  else
    work=$(mktemp -d)
    echo "==> $name: fuzzing for ${mode}s"
    "$bin" -max_total_time="$mode" -max_len=65536 "$work" "$corpus" 2>&1 | tail -n 3 || status=1
    rm -rf "$work"
  fi
done
exit $status
