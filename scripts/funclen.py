#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Report C functions longer than a limit, for kernel-style sources.

Usage: funclen.py LIMIT FILE...
A function body opens with "{" alone at column 0 and closes with "}" at
column 0, which kernel style (and checkpatch) guarantees. Prints one line
per function over LIMIT lines and exits 1 if there is any; always prints a
summary line "# N functions, average A lines, longest L (NAME)" on stderr.
"""
import re
import sys


def functions(path):
    name, start = None, None
    prev = ""
    with open(path, errors="replace") as f:
        for no, line in enumerate(f, 1):
            if line.startswith("{") and start is None:
                m = re.search(r"(\w+)\s*\(", prev) or re.search(r"(\w+)", prev)
                name, start = (m.group(1) if m else "?"), no
            elif line.startswith("}") and start is not None:
                if not line.startswith("};"):
                    yield name, no - start - 1, no
                name, start = None, None
            if line.strip():
                prev = line if "(" in line or start is None else prev


def main():
    limit, files = int(sys.argv[1]), sys.argv[2:]
    found, over = [], 0
    for path in files:
        for name, length, end in functions(path):
            found.append((length, name))
            if length > limit:
                print(f"{path}:{end}: {name}() has {length} lines (limit {limit})")
                over += 1
    if found:
        longest = max(found)
        avg = sum(n for n, _ in found) / len(found)
        print(f"# {len(found)} functions, average {avg:.1f} lines, "
              f"longest {longest[0]} ({longest[1]})", file=sys.stderr)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
