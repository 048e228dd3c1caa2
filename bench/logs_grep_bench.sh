#!/usr/bin/env bash
# logs_grep_bench: `socketscope-cli logs FILE --grep … -n` next to `rg -n` and `grep -n` in the
# same run, on the same generated log (logs_index_bench --generate), warm page cache, whole
# process, output written to a file (GNU grep stops at the first match when it writes to
# /dev/null). Each command runs RUNS times (default 3); the table shows the medians. Prints a
# Markdown table for bench/RESULTS.md, and checks that our output is byte-identical to grep's.
#
#   bench/logs_grep_bench.sh [BUILD_DIR (default build/rel)] [SIZE_MIB (default 1024)]
#
# BUILD_DIR needs the targets socketscope-cli and logs_index_bench, built in Release, e.g.
#   cmake -S . -B build/rel -G Ninja -DCMAKE_BUILD_TYPE=Release -DSOCKETSCOPE_BUILD_BENCH=ON \
#         -DSOCKETSCOPE_BUILD_TESTS=OFF && cmake --build build/rel --target socketscope-cli logs_index_bench
# ripgrep (Debian package `ripgrep`) is optional: without it the rg column says so.
set -euo pipefail

build=${1:-build/rel}
size=${2:-1024}
runs=${RUNS:-3}
cli="$build/app/socketscope-cli"
gen="$build/bench/logs_index_bench"
for tool in "$cli" "$gen"; do
  [ -x "$tool" ] || { echo "missing $tool: build socketscope-cli and logs_index_bench in $build first" >&2; exit 2; }
done
have_rg=1
command -v rg >/dev/null 2>&1 || { have_rg=0; echo "note: rg (ripgrep) not installed: its column is skipped" >&2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/logs_grep_bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
file="$tmp/synthetic.log"
"$gen" --generate "$file" --size-mib "$size"
cat "$file" > /dev/null # warm the page cache

# Seconds taken by one command, its stdout going to $tmp/out.
time_once() {
  local start end
  start=$(date +%s.%N)
  "$@" > "$tmp/out" || true
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", b - a }'
}

median_of_runs() {
  local times=()
  for ((r = 0; r < runs; r++)); do
    times+=("$(time_once "$@")")
  done
  printf '%s\n' "${times[@]}" | sort -g | sed -n "$(((runs + 1) / 2))p"
}

echo "file: $(du -h "$file" | cut -f1), $(wc -l < "$file") lines; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); rg: $( ((have_rg)) && rg --version | sed -n 1p || echo absent); grep: $(grep --version | head -1)"
echo
echo "| search | matching lines | socketscope-cli | rg -n | grep -n | ours / rg | same output as grep |"
echo "|---|---|---|---|---|---|---|"

# name | pattern | extra flags (ours and the references take the same -i)
run_case() {
  local name=$1 pattern=$2 flags=${3:-}
  local ours rg_t grep_t lines same ratio
  # shellcheck disable=SC2086
  ours=$(median_of_runs "$cli" logs "$file" --grep "$pattern" -n $flags)
  cp "$tmp/out" "$tmp/ours"
  # shellcheck disable=SC2086
  grep_t=$(median_of_runs grep -n -E $flags -e "$pattern" "$file")
  lines=$(wc -l < "$tmp/out")
  if cmp -s "$tmp/ours" "$tmp/out"; then same=yes; else same=NO; fi
  if ((have_rg)); then
    # shellcheck disable=SC2086
    rg_t=$(median_of_runs rg -n $flags -e "$pattern" "$file")
    ratio=$(awk -v a="$ours" -v b="$rg_t" 'BEGIN { printf "%.2f", a / b }')
    rg_t="${rg_t} s"
    ratio="${ratio}×"
  else
    rg_t="n/a"
    ratio="n/a"
  fi
  printf '| %s | %s | %.2f s | %s | %.2f s | %s | %s |\n' "$name" "$lines" "$ours" "$rg_t" "$grep_t" "$ratio" "$same"
}

run_case "plain word \`ClientTimeoutException\`" "ClientTimeoutException"
run_case "\`-i clienttimeoutexception\`" "clienttimeoutexception" "-i"
run_case "regex with a literal \`upstream.*timed\`" "upstream.*timed"
run_case "regex without one \`[0-9]{3} [0-9]{3}\`" "[0-9]{3} [0-9]{3}"
run_case "many matches \`INFO\` (45 % of lines)" "INFO"
