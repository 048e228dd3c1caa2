#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs .clang-format over the files listed in tests/format-clean.txt (a ratchet: a file joins the
# list once it is formatted, and never leaves it). Fails when a listed file differs from what
# clang-format makes of it, when a listed file is missing, or when clang-format is not installed.
# Usage: scripts/check-format.sh [SOURCE_DIR]   (add a file: clang-format -i FILE, then list it)
set -u
root="${1:-$(dirname "$0")/..}"
cd "$root" || exit 1
list=tests/format-clean.txt
if ! command -v clang-format >/dev/null 2>&1; then
  echo "check-format: clang-format is not installed (scripts/bootstrap.sh installs it)" >&2
  exit 1
fi
bad=0
checked=0
while IFS= read -r f; do
  case "$f" in ''|'#'*) continue ;; esac
  if [ ! -f "$f" ]; then
    echo "check-format: $f is listed in $list but does not exist" >&2
    bad=1
    continue
  fi
  checked=$((checked + 1))
  if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
    echo "check-format: $f differs from .clang-format (fix: clang-format -i $f)" >&2
    bad=1
  fi
done < "$list"
echo "check-format: $checked files checked"
exit $bad
