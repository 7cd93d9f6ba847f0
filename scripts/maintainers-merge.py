#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Merge our MAINTAINERS entries into a kernel MAINTAINERS file.

Usage: maintainers-merge.py OURS THEIRS [TREE] > MERGED
Entries are blocks separated by blank lines whose first line is the title.
Ours go in alphabetical order among the kernel's entries (which start after
the line "Maintainers List"), replacing an entry of the same title; entries
only about the out-of-tree bench (titles containing "OVERLAY") are left out.
With TREE, F: lines whose path does not exist in TREE are dropped, and so
are entries left without any, so that a patch series can add each entry's
files as they arrive.
"""
import os
import sys


def blocks(text):
    return [b for b in text.strip("\n").split("\n\n") if b.strip()]


def title(block):
    return block.split("\n")[0]


def trim(block, tree):
    lines = block.split("\n")
    keep = [x for x in lines if not x.startswith("F:\t") or
            os.path.exists(os.path.join(tree, x[3:]))]
    return "\n".join(keep) if any(x.startswith("F:\t") for x in keep) else None


def main():
    tree = sys.argv[3] if len(sys.argv) > 3 else None
    ours = [b for b in blocks(open(sys.argv[1]).read()) if "OVERLAY" not in title(b)]
    if tree:
        ours = [t for t in (trim(b, tree) for b in ours) if t]
    theirs = open(sys.argv[2]).read()
    head, sep, body = theirs.partition("\nMaintainers List\n")
    pre, _, entries = body.partition("\n\n")
    names = {title(b) for b in ours}
    merged = [b for b in blocks(entries) if title(b) not in names]
    for b in ours:
        i = 0
        while i < len(merged) and title(merged[i]) < title(b):
            i += 1
        merged.insert(i, b)
    sys.stdout.write(head + sep + pre + "\n\n" + "\n\n".join(merged) + "\n")


if __name__ == "__main__":
    main()
