#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Counts the skipped tests of a ctest run and fails on any skip that is not declared.

    scripts/check-skips.py JUNIT_XML [DECLARED_SKIPS]

JUNIT_XML is what `ctest --output-junit` wrote; DECLARED_SKIPS (default tests/declared-skips.txt)
lists the skips that are legitimate by design, one per line: the ctest test name, then its reason.
A lab that cannot run is never such a skip: under CI=true it fails its test (tests/lab/Lab.h,
LAB_UNAVAILABLE), and outside CI its skip is undeclared, so this check fails and prints what to
install. Exit status: 0 when every skip is declared, 1 otherwise, 2 on bad input.
"""
import os
import sys
import xml.etree.ElementTree as ET


def read_declared(path):
    declared = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 1)
            if len(parts) < 2 or not parts[1].strip():
                sys.exit(f"{path}:{number}: a declared skip needs a reason: {line}")
            declared[parts[0]] = parts[1].strip()
    return declared


def skip_reason(case):
    """The test's own skip message (the lines between gtest's "Skipped" and "[  SKIPPED ]")."""
    out = case.findtext("system-out") or ""
    lines = out.splitlines()
    for i, line in enumerate(lines):
        if line.endswith(": Skipped"):
            msg = []
            for rest in lines[i + 1:]:
                if rest.startswith("[  SKIPPED ]"):
                    break
                msg.append(rest)
            return " ".join(m.strip() for m in msg if m.strip()) or "(no message)"
    skipped = case.find("skipped")
    return skipped.get("message", "") if skipped is not None else ""


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    junit = sys.argv[1]
    declared_path = sys.argv[2] if len(sys.argv) == 3 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "tests", "declared-skips.txt")
    try:
        root = ET.parse(junit).getroot()
    except (OSError, ET.ParseError) as e:
        print(f"check-skips: cannot read {junit}: {e}", file=sys.stderr)
        return 2
    declared = read_declared(declared_path)
    skipped = [(c.get("name"), skip_reason(c)) for c in root.iter("testcase") if c.find("skipped") is not None]
    undeclared = [(n, r) for n, r in skipped if n not in declared]
    print(f"==> skipped tests: {len(skipped)} ({len(skipped) - len(undeclared)} declared, {len(undeclared)} not declared)")
    for name, _ in skipped:
        if name in declared:
            print(f"    declared  {name}: {declared[name]}")
    for name, reason in undeclared:
        print(f"    UNDECLARED {name}: {reason}")
    ran = {c.get("name") for c in root.iter("testcase") if c.find("skipped") is None}
    for name in sorted(declared):
        if name in ran:
            print(f"    note: {name} is declared as a skip but ran (remove it from {os.path.basename(declared_path)})")
    if undeclared:
        print("check-skips: FAILED: a skipped test proves nothing. Install what the message names "
              "(scripts/bootstrap.sh installs every package the labs need), or, if the skip is by design, "
              f"declare it with its reason in {declared_path}.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
